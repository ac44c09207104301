"""Topic-model benchmark on the online-shopping reviews (../shared/data/online_shopping_10_cats.zip).

k = 10, every row in this one script: textmine (its default engine, settings and preprocessing)
against plain tomotopy LDA (500 iterations, all cores), gensim LdaModel and LdaMulticore, and
scikit-learn NMF (TF-IDF) and online LDA, all of those on the same plain tokens (jieba.lcut,
stopwords-iso Chinese list, tokens of 2+ characters that are not numbers). Each row runs in its
own child process so its peak memory (max RSS of the child) is its own.

Reported per row: NMI between each review's dominant topic and its product category (the labels
are only used for this score, never while fitting), NPMI coherence of the top-10 terms (gensim
c_npmi, measured for every row on the same plain tokens), fit time and peak memory.

    python benchmarks/bench_topics.py            # writes benchmarks/results/topics.md
    python benchmarks/bench_topics.py --quick    # 10,000 reviews, for trying things out
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
SEED = 1


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

def row_textmine(data):
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
    model = fit_topics(docs, ids, k=K, engine=cfg.engine, seed=SEED, iterations=cfg.iterations,
                       **engine_options(cfg))
    fit_seconds = time.perf_counter() - start
    # a review may give several units (paragraphs): sum their token-weighted topic mixtures
    index = {doc_id: n for n, doc_id in enumerate(dict.fromkeys(groups))}
    mix = np.zeros((len(index), K))
    for row, doc_id in enumerate(groups):
        mix[index[doc_id]] += len(docs[row]) * model.doc_topic[row]
    rows = [int(d[1:]) for d in index]
    tops = [[t for t, _ in model.top_terms(i + 1, 10)] for i in range(K)]
    note = (f"{cfg.engine}, {cfg.iterations} iterations, one thread; preprocessing (textmine prepare) "
            f"{prep_seconds:.0f} s, not in the fit time")
    return rows, mix.argmax(axis=1), tops, fit_seconds, note


def row_tomotopy(data):
    import tomotopy as tp

    docs = data["tokens"]
    rows = [i for i, d in enumerate(docs) if d]
    start = time.perf_counter()
    model = tp.LDAModel(k=K, seed=SEED)
    for i in rows:
        model.add_doc(docs[i])
    model.train(500)                    # tomotopy's defaults: all cores, default parallel scheme
    seconds = time.perf_counter() - start
    dominant = np.array([int(np.argmax(d.get_topic_dist())) for d in model.docs])
    tops = [[w for w, _ in model.get_topic_words(t, top_n=10)] for t in range(K)]
    return rows, dominant, tops, seconds, "500 iterations, default threads (2)"


def _gensim_rows(data, multicore: bool):
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel, LdaMulticore

    docs = data["tokens"]
    rows = [i for i, d in enumerate(docs) if d]
    start = time.perf_counter()
    dictionary = Dictionary(docs[i] for i in rows)
    bows = [dictionary.doc2bow(docs[i]) for i in rows]
    if multicore:
        model = LdaMulticore(bows, num_topics=K, id2word=dictionary, passes=5, workers=1, random_state=SEED)
    else:
        model = LdaModel(bows, num_topics=K, id2word=dictionary, passes=5, random_state=SEED)
    dominant = np.zeros(len(bows), dtype=int)
    for n, bow in enumerate(bows):
        topics = model.get_document_topics(bow, minimum_probability=0.0)
        dominant[n] = max(topics, key=lambda x: x[1])[0]
    seconds = time.perf_counter() - start
    tops = [[w for w, _ in model.show_topic(t, topn=10)] for t in range(K)]
    return rows, dominant, tops, seconds, "5 passes" + (", workers=1 (2 cores)" if multicore else "")


def row_gensim(data):
    return _gensim_rows(data, False)


def row_gensim_multicore(data):
    return _gensim_rows(data, True)


def _sklearn_rows(data, nmf: bool):
    from sklearn.decomposition import NMF, LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    docs = data["tokens"]
    rows = [i for i, d in enumerate(docs) if d]
    start = time.perf_counter()
    vectorizer = (TfidfVectorizer if nmf else CountVectorizer)(analyzer=lambda x: x, min_df=2)
    matrix = vectorizer.fit_transform([docs[i] for i in rows])
    if nmf:
        model = NMF(n_components=K, init="nndsvda", random_state=SEED, max_iter=400)
    else:
        model = LatentDirichletAllocation(n_components=K, learning_method="online", random_state=SEED, n_jobs=1)
    weights = model.fit_transform(matrix)
    seconds = time.perf_counter() - start
    vocab = vectorizer.get_feature_names_out()
    tops = [[vocab[i] for i in np.argsort(-c)[:10]] for c in model.components_]
    return rows, weights.argmax(axis=1), tops, seconds, "TF-IDF, nndsvda" if nmf else "online, 10 epochs"


def row_sklearn_nmf(data):
    return _sklearn_rows(data, True)


def row_sklearn_lda(data):
    return _sklearn_rows(data, False)


ROWS = [
    ("textmine (default)", row_textmine),
    ("tomotopy LDA, plain", row_tomotopy),
    ("gensim LdaModel", row_gensim),
    ("gensim LdaMulticore", row_gensim_multicore),
    ("scikit-learn NMF", row_sklearn_nmf),
    ("scikit-learn LDA", row_sklearn_lda),
]


def _child(name, path, queue):
    with open(path, "rb") as handle:
        data = pickle.load(handle)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows, dominant, tops, seconds, note = dict(ROWS)[name](data)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((list(rows), [int(x) for x in dominant], tops, seconds, peak / 1024, base / 1024, note))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 reviews instead of all")
    parser.add_argument("--only", help="comma-separated row names (prefixes) to run")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA.name} is not in ../shared/data/", file=sys.stderr)
        return 0
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel
    from sklearn.metrics import normalized_mutual_info_score

    frame = load_reviews(10_000 if args.quick else None)
    start = time.perf_counter()
    tokens = plain_tokens(frame["review"])
    print(f"{len(frame):,} reviews; plain jieba tokens in {time.perf_counter() - start:.0f} s", flush=True)
    texts = [t for t in tokens if t]
    dictionary = Dictionary(texts)
    results = []
    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.pkl")
        with open(path, "wb") as handle:
            pickle.dump({"texts": list(frame["review"]), "tokens": tokens}, handle)
        for name, _ in ROWS:
            if args.only and not any(name.startswith(p) for p in args.only.split(",")):
                continue
            queue = ctx.Queue()
            process = ctx.Process(target=_child, args=(name, path, queue))
            process.start()
            rows, dominant, tops, seconds, peak, base, note = queue.get()
            process.join()
            truth = frame["cat"].to_numpy()[rows]
            nmi = normalized_mutual_info_score(truth, dominant)
            usable = [[w for w in t if w in dictionary.token2id] for t in tops]
            npmi = CoherenceModel(topics=usable, texts=texts, dictionary=dictionary, coherence="c_npmi",
                                  topn=min(len(u) for u in usable), processes=1).get_coherence()
            results.append((name, nmi, npmi, seconds, peak, len(rows), note, tops))
            print(f"{name:24s} NMI {nmi:.3f}  NPMI {npmi:.3f}  {seconds:6.1f} s  peak {peak:,.0f} MiB  "
                  f"({len(rows):,} reviews)  {note}", flush=True)
    if not args.quick and not args.only:
        write_results(results, len(frame))
    return 0


def write_results(results, n_reviews: int) -> None:
    lines = [
        "# Topic-model benchmark: online-shopping reviews, k = 10",
        "",
        f"Run: `python benchmarks/bench_topics.py` on {dt.date.today().isoformat()}, "
        f"{platform.machine()} with {os.cpu_count()} cores, Python {platform.python_version()}. "
        "Other jobs were running on the same machine, so times are pessimistic and noisy.",
        "",
        f"{n_reviews:,} reviews in 10 categories. NMI: dominant topic of each review vs its category "
        "(labels never used while fitting). NPMI: gensim c_npmi of the top-10 terms, on the same plain "
        "tokens for every row. Time: fitting only (plain rows: from tokens; gensim rows include "
        "dictionary and inference). Peak: max RSS of the row's own process.",
        "",
        "| row | NMI | NPMI | time (s) | peak memory (MiB) | reviews | settings |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, nmi, npmi, seconds, peak, n, note, _ in results:
        lines.append(f"| {name} | {nmi:.3f} | {npmi:.3f} | {seconds:.1f} | {peak:,.0f} | {n:,} | {note} |")
    lines += ["", "Peak memory includes the row's copy of the reviews and tokens (about 350 MiB); the textmine row "
              "also holds its own cleaned units and tokens.", "",
              "One seed per row: NMI of LDA on these reviews moves by several hundredths from seed to seed, "
              "so differences of that size between rows are not meaningful.", "",
              "Top terms of the textmine row:", ""]
    for name, *_, tops in results[:1]:
        for i, terms in enumerate(tops, start=1):
            lines.append(f"{i}. {' '.join(terms)}")
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
