"""Topic-model benchmark on the online-shopping reviews (../shared/data/online_shopping_10_cats.zip).

k = 10, every row in this one script: textmine (its default engine, settings and preprocessing)
against plain tomotopy LDA (500 iterations, all cores), gensim LdaModel and LdaMulticore, and
scikit-learn NMF (TF-IDF) and online LDA, all of those on the same plain tokens (jieba.lcut,
stopwords-iso Chinese list, tokens of 2+ characters that are not numbers). Each row runs in its
own child process so its peak memory (max RSS of the child) is its own.

Reported per row: NMI between each review's dominant topic and its product category (the labels
are only used for this score, never while fitting), NPMI coherence of the top-10 terms (gensim
c_npmi, measured for every row on the same plain tokens), fit time and peak memory.

LDA on these reviews moves by several hundredths of NMI from seed to seed, more than the gaps
between the best rows, so the tomotopy rows (textmine and plain tomotopy) are fitted with seeds
1..--seeds (default 5) and judged on the mean; the slow rows that are far behind (gensim,
scikit-learn LDA) with seeds 1..--other-seeds (default 2); NMF once (its nndsvda start does not
depend on the seed). Every (row, seed) fit runs in its own
child process, one after the other.

    python benchmarks/bench_topics.py            # writes benchmarks/results/topics.md
    python benchmarks/bench_topics.py --quick    # 10,000 reviews, 3 seeds, for trying things out
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import pickle
import platform
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "online_shopping_10_cats.zip"
RESULTS = REPO / "benchmarks" / "results" / "topics.md"
K = 10


def load_reviews(limit: int | None):
    import pandas as pd

    with zipfile.ZipFile(DATA) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        with archive.open(name) as handle:
            frame = pd.read_csv(handle)
    frame["review"] = frame["review"].fillna("").astype(str)
    if limit:
        frame = frame.sample(limit, random_state=0).sort_index()
    return frame.reset_index(drop=True)


def plain_tokens(texts):
    import jieba
    import stopwordsiso

    stop = set(stopwordsiso.stopwords("zh"))
    tokenizer = jieba.Tokenizer()
    return [[w for w in tokenizer.lcut(t) if len(w) > 1 and w not in stop and not w.strip().isdigit()]
            for t in texts]


# -- one function per row; each returns (row indices fitted, dominant topic per row, top-10 terms per topic)

def row_textmine(data, seed):
    import textmine as tm
    from textmine.data import Corpus, Document
    from textmine.topics import fit_topics
    from textmine.topics.analysis import engine_options, topic_units

    config = tm.Config().replace(topics={"min_unit_tokens": 1})
    corpus = Corpus(tuple(Document(f"r{i:05d}", t) for i, t in enumerate(data["texts"])))
    start = time.perf_counter()
    prepared = tm.prepare(config, corpus)
    prep_seconds = time.perf_counter() - start
    cfg = config.topics
    docs, ids, groups = topic_units(prepared, cfg.min_unit_tokens)
    start = time.perf_counter()
    model = fit_topics(docs, ids, k=K, engine=cfg.engine, seed=seed, iterations=cfg.iterations,
                       **engine_options(cfg))
    fit_seconds = time.perf_counter() - start
    # a review may give several units (paragraphs): sum their token-weighted topic mixtures
    index = {doc_id: n for n, doc_id in enumerate(dict.fromkeys(groups))}
    mix = np.zeros((len(index), K))
    for row, doc_id in enumerate(groups):
        mix[index[doc_id]] += len(docs[row]) * model.doc_topic[row]
    rows = [int(d[1:]) for d in index]
    tops = [[t for t, _ in model.top_terms(i + 1, 10)] for i in range(K)]
    first = (f"first fit {cfg.specificity_iterations} iterations leaves out terms spread over the topics "
             f"(distinctiveness < {cfg.specificity:g} nats; {len(model.params.get('spread_terms', {}))} "
             f"terms with the last seed), then " if cfg.specificity > 0 else "")
    note = (f"{cfg.engine}, {first}{cfg.iterations} iterations, one thread, α = {cfg.alpha:g}, η = {cfg.eta:g}; "
            f"both fits in the time; preprocessing (textmine prepare) {prep_seconds:.0f} s, not in the fit time")
    return rows, mix.argmax(axis=1), tops, fit_seconds, note


def row_tomotopy(data, seed):
    import tomotopy as tp

    docs = data["tokens"]
    rows = [i for i, d in enumerate(docs) if d]
    start = time.perf_counter()
    model = tp.LDAModel(k=K, seed=seed)
    for i in rows:
        model.add_doc(docs[i])
    model.train(500)                    # tomotopy's defaults: all cores, default parallel scheme
    seconds = time.perf_counter() - start
    dominant = np.array([int(np.argmax(d.get_topic_dist())) for d in model.docs])
    tops = [[w for w, _ in model.get_topic_words(t, top_n=10)] for t in range(K)]
    return rows, dominant, tops, seconds, "500 iterations, default threads (2)"


def _gensim_rows(data, multicore: bool, seed: int):
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel, LdaMulticore

    docs = data["tokens"]
    rows = [i for i, d in enumerate(docs) if d]
    start = time.perf_counter()
    dictionary = Dictionary(docs[i] for i in rows)
    bows = [dictionary.doc2bow(docs[i]) for i in rows]
    if multicore:
        model = LdaMulticore(bows, num_topics=K, id2word=dictionary, passes=5, workers=1, random_state=seed)
    else:
        model = LdaModel(bows, num_topics=K, id2word=dictionary, passes=5, random_state=seed)
    dominant = np.zeros(len(bows), dtype=int)
    for n, bow in enumerate(bows):
        topics = model.get_document_topics(bow, minimum_probability=0.0)
        dominant[n] = max(topics, key=lambda x: x[1])[0]
    seconds = time.perf_counter() - start
    tops = [[w for w, _ in model.show_topic(t, topn=10)] for t in range(K)]
    return rows, dominant, tops, seconds, "5 passes" + (", workers=1 (2 cores)" if multicore else "")


def row_gensim(data, seed):
    return _gensim_rows(data, False, seed)


def row_gensim_multicore(data, seed):
    return _gensim_rows(data, True, seed)


def _sklearn_rows(data, nmf: bool, seed: int):
    from sklearn.decomposition import NMF, LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    docs = data["tokens"]
    rows = [i for i, d in enumerate(docs) if d]
    start = time.perf_counter()
    vectorizer = (TfidfVectorizer if nmf else CountVectorizer)(analyzer=lambda x: x, min_df=2)
    matrix = vectorizer.fit_transform([docs[i] for i in rows])
    if nmf:
        model = NMF(n_components=K, init="nndsvda", random_state=seed, max_iter=400)
    else:
        model = LatentDirichletAllocation(n_components=K, learning_method="online", random_state=seed, n_jobs=1)
    weights = model.fit_transform(matrix)
    seconds = time.perf_counter() - start
    vocab = vectorizer.get_feature_names_out()
    tops = [[vocab[i] for i in np.argsort(-c)[:10]] for c in model.components_]
    return rows, weights.argmax(axis=1), tops, seconds, "TF-IDF, nndsvda (no random start: the same for every seed)" if nmf else "online, 10 epochs"


def row_sklearn_nmf(data, seed):
    return _sklearn_rows(data, True, seed)


def row_sklearn_lda(data, seed):
    return _sklearn_rows(data, False, seed)


# (name, function, seeds): "main" rows run seeds 1..--seeds, "other" rows 1..--other-seeds, NMF once
# (its nndsvda start does not depend on the seed)
ROWS = [
    ("textmine (default)", row_textmine, "main"),
    ("tomotopy LDA, plain", row_tomotopy, "main"),
    ("gensim LdaModel", row_gensim, "other"),
    ("gensim LdaMulticore", row_gensim_multicore, "other"),
    ("scikit-learn NMF", row_sklearn_nmf, "one"),
    ("scikit-learn LDA", row_sklearn_lda, "other"),
]


def _child(name, seed, path, queue):
    with open(path, "rb") as handle:
        data = pickle.load(handle)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    function = next(f for n, f, _ in ROWS if n == name)
    rows, dominant, tops, seconds, note = function(data, seed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((list(rows), [int(x) for x in dominant], tops, seconds, peak / 1024, base / 1024, note))


def summarise(name, fits, note):
    """One table row from the (seed, nmi, npmi, seconds, peak, n, tops) fits of a row."""
    nmi = np.array([f[1] for f in fits])
    return {"name": name, "seeds": [f[0] for f in fits], "nmi": nmi, "mean": float(nmi.mean()),
            "sd": float(nmi.std(ddof=1)) if len(nmi) > 1 else float("nan"),
            "npmi": float(np.mean([f[2] for f in fits])), "seconds": float(np.mean([f[3] for f in fits])),
            "peak": max(f[4] for f in fits), "n": fits[0][5], "note": note, "tops": fits[0][6]}


def verdict(rows) -> str:
    """The issue's bar, judged on the means: textmine ≥ 0.55, ahead of every other row, fit time no worse
    than plain tomotopy's."""
    by_name = {r["name"]: r for r in rows}
    ours, plain = by_name.get(ROWS[0][0]), by_name.get(ROWS[1][0])
    if ours is None or plain is None:
        return "no verdict: the textmine and plain tomotopy rows are both needed"
    best_other = max((r for r in rows if r is not ours), key=lambda r: r["mean"])
    checks = [(ours["mean"] >= 0.55, f"mean NMI {ours['mean']:.3f} ≥ 0.55"),
              (ours["mean"] > best_other["mean"], f"ahead of the best other row ({best_other['name']}, "
                                                  f"{best_other['mean']:.3f})"),
              (ours["seconds"] <= plain["seconds"], f"fit time {ours['seconds']:.1f} s ≤ plain tomotopy's "
                                                    f"{plain['seconds']:.1f} s")]
    return "; ".join(("met: " if ok else "NOT met: ") + text for ok, text in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 reviews and 3 seeds; nothing written")
    parser.add_argument("--only", help="comma-separated row names (prefixes) to run; nothing written")
    parser.add_argument("--seeds", type=int, default=None, help="seeds 1..N for the tomotopy rows (default 5)")
    parser.add_argument("--other-seeds", type=int, default=2, help="seeds 1..N for gensim and scikit-learn LDA "
                                                                   "(default 2)")
    parser.add_argument("--tokens-cache", help="pickle file keeping the plain jieba tokens between runs")
    args = parser.parse_args()
    load_at_start = os.getloadavg()[0]
    seeds = args.seeds or (3 if args.quick else 5)
    if not DATA.exists():
        print(f"skipped: {DATA.name} is not in ../shared/data/", file=sys.stderr)
        return 0
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel
    from sklearn.metrics import normalized_mutual_info_score

    frame = load_reviews(10_000 if args.quick else None)
    start = time.perf_counter()
    cache = Path(args.tokens_cache) if args.tokens_cache else None
    if cache is not None and cache.exists():
        with open(cache, "rb") as handle:
            cached = pickle.load(handle)
    else:
        cached = None
    if cached is not None and cached[0] == len(frame):
        tokens = cached[1]
    else:
        tokens = plain_tokens(frame["review"])
        if cache is not None:
            with open(cache, "wb") as handle:
                pickle.dump((len(frame), tokens), handle)
    print(f"{len(frame):,} reviews; plain jieba tokens in {time.perf_counter() - start:.0f} s", flush=True)
    texts = [t for t in tokens if t]
    dictionary = Dictionary(texts)
    results = []
    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.pkl")
        with open(path, "wb") as handle:
            pickle.dump({"texts": list(frame["review"]), "tokens": tokens}, handle)
        for name, _, policy in ROWS:
            if args.only and not any(name.startswith(p) for p in args.only.split(",")):
                continue
            fits = []
            for seed in range(1, {"main": seeds, "other": args.other_seeds, "one": 1}[policy] + 1):
                queue = ctx.Queue()
                process = ctx.Process(target=_child, args=(name, seed, path, queue))
                process.start()
                rows, dominant, tops, seconds, peak, base, note = queue.get()
                process.join()
                truth = frame["cat"].to_numpy()[rows]
                nmi = normalized_mutual_info_score(truth, dominant)
                usable = [[w for w in t if w in dictionary.token2id] for t in tops]
                npmi = CoherenceModel(topics=usable, texts=texts, dictionary=dictionary, coherence="c_npmi",
                                      topn=min(len(u) for u in usable), processes=1).get_coherence()
                fits.append((seed, nmi, npmi, seconds, peak, len(rows), tops))
                print(f"{name:24s} seed {seed}  NMI {nmi:.3f}  NPMI {npmi:.3f}  {seconds:6.1f} s  "
                      f"peak {peak:,.0f} MiB  ({len(rows):,} reviews)", flush=True)
            results.append(summarise(name, fits, note))
            r = results[-1]
            print(f"{name:24s} NMI {r['mean']:.3f} ± {r['sd']:.3f} (min {r['nmi'].min():.3f}, max "
                  f"{r['nmi'].max():.3f})  NPMI {r['npmi']:.3f}  {r['seconds']:.1f} s  {note}", flush=True)
    print(verdict(results), flush=True)
    if not args.quick and not args.only:
        write_results(results, len(frame), load_at_start)
    return 0


def write_results(results, n_reviews: int, load_at_start: float) -> None:
    lines = [
        "# Topic-model benchmark: online-shopping reviews, k = 10",
        "",
        f"Run: `python benchmarks/bench_topics.py` on {dt.date.today().isoformat()}, "
        f"{platform.machine()} with {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Load average when the run began: {load_at_start:.2f} (1 minute).",
        "",
        f"{n_reviews:,} reviews in 10 categories. NMI: dominant topic of each review vs its category "
        "(labels never used while fitting), mean ± standard deviation over the seeds, with the lowest "
        "and highest. NPMI: gensim c_npmi of the top-10 terms, on the same plain tokens for every row "
        "(mean over the seeds). Time: fitting only, mean over the seeds (plain rows: from tokens; gensim "
        "rows include dictionary and inference). Peak: max RSS of the row's own processes.",
        "",
        "| row | seeds | NMI mean ± sd | NMI min–max | NPMI | time (s) | peak memory (MiB) | reviews | settings |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        sd = "" if np.isnan(r["sd"]) else f" ± {r['sd']:.3f}"
        seeds = f"{r['seeds'][0]}–{r['seeds'][-1]}" if len(r["seeds"]) > 1 else str(r["seeds"][0])
        lines.append(f"| {r['name']} | {seeds} | {r['mean']:.3f}{sd} | {r['nmi'].min():.3f}–{r['nmi'].max():.3f} "
                     f"| {r['npmi']:.3f} | {r['seconds']:.1f} | {r['peak']:,.0f} | {r['n']:,} | {r['note']} |")
    lines += ["", f"Verdict (on the means): {verdict(results)}.", "",
              "NMI per seed: " + "; ".join(f"{r['name']}: " + ", ".join(f"{x:.3f}" for x in r["nmi"])
                                           for r in results) + ".", "",
              "Peak memory includes the row's copy of the reviews and tokens (about 350 MiB); the textmine row "
              "also holds its own cleaned units and tokens.", "",
              "Top terms of the textmine row (seed 1):", ""]
    for r in results[:1]:
        for i, terms in enumerate(r["tops"], start=1):
            lines.append(f"{i}. {' '.join(terms)}")
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
