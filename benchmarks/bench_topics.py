"""Topic benchmark: ``textmine topics`` against the plain tomotopy script, as whole processes, per seed.

Two corpora with an external truth (the category of each document, used only to score):

* reviews: the 62,774 online-shopping reviews (../shared/data/online_shopping_10_cats.zip), short texts;
  the plain script fits with 500 iterations and 2 threads.
* news: the 502 news articles of ../shared/data/news_10_cats_dev.csv, about 1,000 characters each;
  the plain script fits with 1,000 iterations and 1 thread.

Both sides get a CSV with only the text and an id (the categories stay in a separate file), k = 10 and the
same seed. NMI: each document's dominant topic against its category (scikit-learn's normalisation, the
arithmetic mean of the entropies), over the documents both sides assigned; each side's own coverage is kept
too. Time: the whole command, wall clock, cache off (``--no-cache``), one process after the other. Every
timed process holds ``flock`` on ``textmine-bench.lock`` in the temporary folder, so other timed work that takes
the same lock (``flock /tmp/textmine-bench.lock COMMAND``) does not overlap it.

    python benchmarks/bench_topics.py compare --corpus reviews --seeds 1-5          # default vs plain
    python benchmarks/bench_topics.py compare --corpus news --seeds 1-5 --variant single="stability_runs = 1"
    python benchmarks/bench_topics.py converge --corpus news --seed 1               # log-likelihood per iteration
    python benchmarks/bench_topics.py fits --corpus reviews --seeds 1-5 --iterations 150   # NMI by number of fits
    python benchmarks/bench_topics.py profile --corpus reviews                       # where the time goes
    python benchmarks/bench_topics.py stability --tree before=PATH                  # unstable topics, corpus + CPC
    python benchmarks/bench_topics.py write                                         # benchmarks/results/topics.md

Every measurement is appended to benchmarks/results/topics_runs.jsonl; ``write`` builds topics.md from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
RUNS = REPO / "benchmarks" / "results" / "topics_runs.jsonl"
RESULTS = REPO / "benchmarks" / "results" / "topics.md"
LOCK = Path(tempfile.gettempdir()) / "textmine-bench.lock"
K = 10
#: Runs of the default made after the variants were run: their plain runs are paired with them alone.
LATER_DEFAULTS = ("default before the speed-up (250 iterations per fit; news 340)", "default",
                  "150 iterations per fit, faster start (an hour's default)",
                  "150 iterations per fit, faster start, second run",
                  "150 iterations per fit, faster start, third run (written-out matching)",
                  "four fits, whole first fit (the default before 2026-12-02)",
                  "three fits of 250 iterations (the default at 01:08 UTC)",
                  "three fits of 250 iterations, agreement without scikit-learn (03:22 UTC)",
                  "three fits of 200 iterations (the default at 03:43 UTC)", "default, an earlier run (06:42 UTC)",
                  "default, an earlier run (06:35–06:46 UTC)", "default, an earlier run (10:19–10:25 UTC)",
                  "default, an earlier run (12:45–12:49 UTC)", "no term-count floor (the default until 2026-12-02 15:00 UTC; runs 12:44–13:02 UTC)",
                  "default, before news datelines and marks were cleaned (2026-12-02 14:34–14:41 UTC)")
#: The plain script's settings per corpus, as the issue that asked for this benchmark ran it.
PLAIN = {"reviews": {"iterations": 500, "threads": 2}, "news": {"iterations": 1000, "threads": 1}}


def corpus_files(name: str, work: Path) -> tuple[Path, dict[str, str]]:
    """The corpus as a CSV of ``text,id`` in ``work`` and the categories by id (kept apart, to score only)."""
    import pandas as pd

    if name == "reviews":
        with zipfile.ZipFile(DATA / "online_shopping_10_cats.zip") as archive:
            inner = next(n for n in archive.namelist() if n.endswith(".csv"))
            with archive.open(inner) as handle:
                frame = pd.read_csv(handle)
        frame = frame.reset_index(drop=True)
        frame["id"] = [f"r{i:05d}" for i in range(len(frame))]
        frame = frame.rename(columns={"review": "text"})
    else:
        frame = pd.read_csv(DATA / "news_10_cats_dev.csv")
    path = work / f"{name}.csv"
    frame[["text", "id"]].to_csv(path, index=False)
    return path, dict(zip(frame["id"].astype(str), frame["cat"]))


def nmi(assigned: dict[str, int], categories: dict[str, str]) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    ids = [i for i in assigned if i in categories]
    return float(normalized_mutual_info_score([categories[i] for i in ids], [assigned[i] for i in ids]))


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``command`` under the benchmark lock; wall seconds of the command alone (the wait for the lock is
    not counted: the lock is taken by ``flock`` and the command times itself through /usr/bin/time -f)."""
    timing = cwd / "time.txt"
    full = ["flock", str(LOCK), "/usr/bin/time", "-f", "%e %M", "-o", str(timing), *command]
    done = subprocess.run(full, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    seconds, peak_kb = timing.read_text().split()[-2:]
    return float(seconds), subprocess.CompletedProcess(command, 0, done.stdout, done.stderr + f"\npeak_kb {peak_kb}")


def run_textmine(csv: Path, seed: int, work: Path, toml: str = "", env: dict | None = None) -> tuple[float, dict]:
    import pandas as pd

    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    config = work / "textmine.toml"
    # a variant's settings are [topics] keys, or whole TOML sections when they start with "["
    config.write_text(toml + "\n" if toml.startswith("[") else f"[topics]\n{toml}\n" if toml else "",
                      encoding="utf-8")
    seconds, _ = timed([sys.executable, "-m", "textmine.cli", "topics", "--config", str(config), "--corpus", str(csv),
                        "--text-col", "text", "--id-col", "id", "--k", str(K), "--seed", str(seed), "--quiet",
                        "--no-cache", "--out", str(out)], work, env)
    doc_topics = pd.read_csv(out / "doc_topics.csv", dtype={"doc_id": str})
    best = doc_topics.sort_values(["doc_id", "weight", "topic"], ascending=[True, False, True])
    dominant = best.drop_duplicates("doc_id").set_index("doc_id")["topic"].astype(int).to_dict()
    info = {}
    if (out / "topic_fit.csv").exists():
        info = dict(pd.read_csv(out / "topic_fit.csv", dtype=str)[["item", "value"]].to_numpy())
    summary = pd.read_csv(out / "topic_summary.csv")
    info["unstable"] = int(summary["unstable"].sum())
    info["top_terms"] = summary["top_terms"].tolist()
    return seconds, {"assigned": dominant, "info": info}


def run_plain(csv: Path, corpus: str, seed: int, work: Path) -> tuple[float, dict]:
    import pandas as pd

    out = work / "plain.csv"
    settings = PLAIN[corpus]
    seconds, done = timed([sys.executable, str(REPO / "benchmarks" / "plain_tomotopy.py"), str(csv), "text", "id",
                           str(seed), str(settings["iterations"]), str(settings["threads"]), str(out)], work)
    frame = pd.read_csv(out, dtype={"doc_id": str})
    return seconds, {"assigned": dict(zip(frame["doc_id"], frame["topic"])),
                     "info": {"top_terms": done.stdout.strip().splitlines()}}


def record(row: dict) -> None:
    RUNS.parent.mkdir(parents=True, exist_ok=True)
    with RUNS.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def seed_list(text: str) -> list[int]:
    if "-" in text:
        low, high = map(int, text.split("-"))
        return list(range(low, high + 1))
    return [int(s) for s in text.split(",")]


def compare(args) -> None:
    work = Path(tempfile.mkdtemp(prefix="topics-bench-"))
    csv, categories = corpus_files(args.corpus, work)
    variants = [("default", "")] if not args.no_default else []
    variants += [tuple(v.split("=", 1)) for v in args.variant]
    variants = [(name, toml.replace(";", "\n")) for name, toml in variants]
    for seed in seed_list(args.seeds):
        for name, toml in variants:
            seconds, result = run_textmine(csv, seed, work, toml)
            row = {"kind": "compare", "corpus": args.corpus, "seed": seed, "side": "textmine", "variant": name,
                   "settings": toml, "seconds": round(seconds, 1), "documents": len(result["assigned"]),
                   "nmi_own": round(nmi(result["assigned"], categories), 4), "info": result["info"],
                   "date": dt.date.today().isoformat(), "load": os.getloadavg()[0]}
            if not args.no_plain:
                plain_seconds, plain = run_plain(csv, args.corpus, seed, work)
                common = set(result["assigned"]) & set(plain["assigned"])
                row["nmi"] = round(nmi({i: result["assigned"][i] for i in common}, categories), 4)
                plain_row = {"kind": "compare", "corpus": args.corpus, "seed": seed, "side": "plain",
                             "variant": f"plain (paired with {name})", "settings": json.dumps(PLAIN[args.corpus]),
                             "seconds": round(plain_seconds, 1), "documents": len(plain["assigned"]),
                             "nmi_own": round(nmi(plain["assigned"], categories), 4),
                             "nmi": round(nmi({i: plain["assigned"][i] for i in common}, categories), 4),
                             "info": plain["info"], "date": row["date"], "load": os.getloadavg()[0]}
                record(plain_row)
                print(f"{args.corpus} seed {seed} plain: NMI {plain_row['nmi']} ({plain_seconds:.1f} s)", flush=True)
            record(row)
            print(f"{args.corpus} seed {seed} {name}: NMI {row.get('nmi', row['nmi_own'])} ({seconds:.1f} s)",
                  flush=True)
    shutil.rmtree(work, ignore_errors=True)


def converge(args) -> None:
    """Log-likelihood per word every 50 iterations of one tomotopy fit on textmine's own rows (what the default
    fits: documents or paragraphs, after the spread terms are left out), and of the plain script's tokens."""
    import numpy as np
    import rjieba
    import stopwordsiso
    import tomotopy as tp

    import textmine as tm
    from textmine.topics.analysis import engine_options, fit_rows

    work = Path(tempfile.mkdtemp(prefix="topics-ll-"))
    csv, _ = corpus_files(args.corpus, work)
    config = tm.Config().replace(corpus={"path": str(csv), "text_col": "text", "id_col": "id"},
                                 topics={"k": K}, scale={"cache": False}, seed=args.seed)
    prepared = tm.prepare(config)
    cfg = config.topics
    rows = fit_rows(prepared, cfg, K)
    options = engine_options(cfg)
    from textmine.topics.model import find_spread_terms

    spread = find_spread_terms(rows.docs, k=K, engine="tomotopy", seed=args.seed, threshold=cfg.specificity,
                               iterations=cfg.specificity_iterations,
                               **{k: v for k, v in options.items() if k not in ("specificity", "specificity_iterations")})
    textmine_docs = [[t for t in d if t not in spread] for d in rows.docs]
    import pandas as pd

    stop = stopwordsiso.stopwords("zh")
    texts = pd.read_csv(csv)["text"].fillna("").astype(str)
    plain_docs = [[w for w in rjieba.cut(t) if len(w) > 1 and w not in stop] for t in texts]
    for side, docs, make in (
            ("textmine", textmine_docs, lambda: tp.LDAModel(k=K, seed=args.seed, alpha=cfg.alpha, eta=cfg.eta)),
            ("plain", plain_docs, lambda: tp.LDAModel(k=K, seed=args.seed))):
        model = make()
        if side == "textmine":
            model.optim_interval = 0
        for d in docs:
            if d:
                model.add_doc(d)
        trace = []
        for done in range(50, args.iterations + 1, 50):
            model.train(50, workers=1)
            trace.append((done, round(float(model.ll_per_word), 4)))
        record({"kind": "converge", "corpus": args.corpus, "seed": args.seed, "side": side,
                "rows": f"{rows.fit_on if side == 'textmine' else 'documents'} ({sum(1 for d in docs if d):,})",
                "tokens": int(sum(map(len, docs))), "trace": trace, "date": dt.date.today().isoformat()})
        print(side, trace, flush=True)
    del np
    shutil.rmtree(work, ignore_errors=True)


def fits(args) -> None:
    """NMI of the consensus of the first 1, 2, 3 and 4 fits of the default stage (one run of four fits per
    seed, in this process, on textmine's own rows), and with each document's mixture re-estimated by EM with
    the consensus topics held fixed (:func:`textmine.topics.documents.infer_mixtures`): how much each fit and
    each iteration buys, without the time of whole commands."""
    import textmine as tm
    from textmine.topics.analysis import engine_options, fit_rows, fit_runs, stability_seeds
    from textmine.topics.consensus import consensus_model
    from textmine.topics.documents import infer_mixtures
    from textmine.topics.spread import without

    work = Path(tempfile.mkdtemp(prefix="topics-fits-"))
    csv, categories = corpus_files(args.corpus, work)
    config = tm.Config().replace(corpus={"path": str(csv), "text_col": "text", "id_col": "id"},
                                 topics={"k": K, "iterations": args.iterations}, scale={"cache": False})
    cfg = config.topics
    rows = fit_rows(tm.prepare(config), cfg, K)     # the rows do not depend on the seed
    for seed in seed_list(args.seeds):
        runs = fit_runs(rows.docs, rows.ids, k=K, engine=cfg.engine, seeds=stability_seeds(seed, 4),
                        iterations=cfg.iterations, workers=cfg.workers, **engine_options(cfg))
        fitted = without(rows.docs, runs[0].params.get("spread_terms", {}))
        scores, em = {}, {}
        for n in range(1, 5):
            model, _ = consensus_model(runs[:n])
            scores[n] = round(nmi(dict(zip(model.row_ids, model.doc_topic.argmax(axis=1))), categories), 4)
            if n in (1, 4):
                theta = infer_mixtures(fitted, model.vocab, model.topic_term, alpha=cfg.alpha)
                em[n] = round(nmi(dict(zip(model.row_ids, theta.argmax(axis=1))), categories), 4)
        record({"kind": "fits", "corpus": args.corpus, "seed": seed, "iterations": runs[0].params["iterations"],
                "nmi_by_fits": scores, "nmi_em": em, "date": dt.date.today().isoformat()})
        print(args.corpus, seed, scores, "EM", em, flush=True)
    shutil.rmtree(work, ignore_errors=True)


def profile(args) -> None:
    """Where the whole ``textmine topics`` command spends its time (``benchmarks/topics_profile.py``), per part."""
    work = Path(tempfile.mkdtemp(prefix="topics-profile-"))
    csv, _ = corpus_files(args.corpus, work)
    (work / "textmine.toml").write_text("", encoding="utf-8")
    load = os.getloadavg()[0]
    seconds, done = timed([sys.executable, str(REPO / "benchmarks" / "topics_profile.py"), "topics", "--config",
                           str(work / "textmine.toml"), "--corpus", str(csv), "--text-col", "text", "--id-col", "id",
                           "--k", str(K), "--seed", str(args.seed), "--quiet", "--no-cache", "--out",
                           str(work / "out")], work)
    found = json.loads(next(line for line in reversed(done.stderr.splitlines()) if line.startswith("{")))
    record({"kind": "profile", "corpus": args.corpus, "seed": args.seed, "seconds": round(seconds, 2), **found,
            "date": dt.date.today().isoformat(), "load": round(max(load, os.getloadavg()[0]), 2)})
    print(json.dumps(found, ensure_ascii=False, indent=1), f"\nwhole command {seconds:.1f} s", flush=True)
    shutil.rmtree(work, ignore_errors=True)


def stability(args) -> None:
    """Share of topics flagged unstable by ``textmine topics`` (its defaults, seed 42) on the bundled corpus and
    the CPC congress reports, for each code tree given (NAME=PATH, put first on PYTHONPATH)."""
    import pandas as pd

    corpora = {"bundled corpus": ["--corpus", str(REPO / "corpus")],
               "CPC congress reports": ["--corpus", str(DATA / "cpc_congress_reports.jsonl"), "--text-col", "content",
                                        "--id-col", "id", "--date-col", "year"]}
    for tree in args.tree or [f"after={REPO}"]:
        name, path = tree.split("=", 1)
        env = {**os.environ, "PYTHONPATH": str(Path(path).resolve())}
        for label, corpus_args in corpora.items():
            work = Path(tempfile.mkdtemp(prefix="topics-stab-"))
            for seed in seed_list(args.seeds):
                out = work / "out"
                shutil.rmtree(out, ignore_errors=True)
                (work / "textmine.toml").write_text("", encoding="utf-8")
                command = [sys.executable, "-m", "textmine.cli", "topics", "--config", str(work / "textmine.toml"),
                           *corpus_args, "--seed", str(seed), "--quiet", "--no-cache", "--out", str(out)]
                seconds, _ = timed(command, work, env)
                summary = pd.read_csv(out / "topic_summary.csv")
                record({"kind": "stability", "tree": name, "corpus": label, "seed": seed,
                        "k": int(len(summary)), "unstable": int(summary["unstable"].sum()),
                        "stability": [round(float(s), 3) for s in summary["stability"]],
                        "labels": summary["label"].tolist(), "seconds": round(seconds, 1),
                        "date": dt.date.today().isoformat()})
                print(name, label, seed, int(summary["unstable"].sum()), "of", len(summary), flush=True)
            shutil.rmtree(work, ignore_errors=True)


# -- topics.md ---------------------------------------------------------------------------------------------------

def _mean(values):
    return sum(values) / len(values) if values else float("nan")


def write(_args) -> None:
    rows = [json.loads(line) for line in RUNS.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = ["# Topics: textmine against the plain tomotopy script", "",
             f"Written by `python benchmarks/bench_topics.py write` from `benchmarks/results/topics_runs.jsonl` "
             f"({platform.machine()}, {os.cpu_count()} cores shared with other work, Python "
             f"{platform.python_version()}). Timings are noisy: the machine was shared; every timed process held "
             f"a lock that kept the other timed benchmarks out, not other work.", "",
             "NMI: each document's dominant topic against its category, over the documents both sides assigned "
             "when the plain script ran beside the row, else over the documents textmine assigned (see the "
             "documents column); categories are used only to score. Time: the whole command, seconds, cache off. "
             "k = 10. unstable: topics flagged unstable of the 10. A variant row changes only the settings it lists from textmine's defaults; its plain column "
             "is the plain script's run with the same seed.", ""]
    for corpus in ("reviews", "news"):
        compared = [r for r in rows if r["kind"] == "compare" and r["corpus"] == corpus]
        if not compared:
            continue
        plain = PLAIN[corpus]
        lines += [f"## {corpus}", "",
                  f"Plain script: `python benchmarks/plain_tomotopy.py {corpus}.csv text id SEED "
                  f"{plain['iterations']} {plain['threads']} out.csv` (rjieba, stopwords-iso, words of 2+ characters, "
                  f"tomotopy defaults α = 0.1, η = 0.01, {plain['iterations']} iterations, {plain['threads']} "
                  f"thread{'s' if plain['threads'] > 1 else ''}).", ""]
        variants = list(dict.fromkeys(r["variant"] for r in compared if r["side"] == "textmine"))
        lines += ["| textmine setting | [topics] settings | seed | NMI textmine | NMI plain | ahead by | "
                  "time textmine (s) | time plain (s) | documents textmine / plain | unstable |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        summary = []
        for variant in variants:
            mine = [r for r in compared if r["side"] == "textmine" and r["variant"] == variant]
            # the plain script's run of the same seed (its own process beside this variant's, or the default's)
            # (the plain runs of the latest default are paired with the default only: the other variants were run
            # beside earlier plain runs)
            theirs = {r["seed"]: r for r in compared
                      if r["side"] == "plain" and r["variant"] not in {f"plain (paired with {v})" for v in LATER_DEFAULTS}}
            theirs.update({r["seed"]: r for r in compared if r["variant"] == f"plain (paired with {variant})"})
            gaps = []
            for r in sorted(mine, key=lambda r: r["seed"]):
                p = theirs.get(r["seed"])
                score = r.get("nmi", r["nmi_own"])
                gap = score - p["nmi"] if p else None
                if gap is not None:
                    gaps.append(gap)
                info = r.get("info", {})
                unstable = "not measured (one fit)" if info.get("fits") == "1" else info.get("unstable", "")
                lines.append(
                    f"| {variant} | {r['settings'].replace(chr(10), '; ') or '(defaults)'} | {r['seed']} | "
                    f"{score:.3f} | {p['nmi']:.3f} | {gap:+.3f} | {r['seconds']:.1f} | "
                    f"{p['seconds']:.1f} | {r['documents']:,} / {p['documents']:,} | {unstable} |"
                    if p else
                    f"| {variant} | {r['settings'] or '(defaults)'} | {r['seed']} | {r['nmi_own']:.3f} | | | "
                    f"{r['seconds']:.1f} | | {r['documents']:,} | {unstable} |")
            if gaps:
                ahead = sum(g > 0 for g in gaps)
                summary.append(
                    f"- **{variant}**: mean NMI {_mean([r.get('nmi', r['nmi_own']) for r in mine]):.3f} against "
                    f"{_mean([theirs[r['seed']]['nmi'] for r in mine if r['seed'] in theirs]):.3f} (mean gap "
                    f"{_mean(gaps):+.3f}); ahead on {ahead} of {len(gaps)} seeds; mean time "
                    f"{_mean([r['seconds'] for r in mine]):.1f} s against "
                    f"{_mean([theirs[r['seed']]['seconds'] for r in mine if r['seed'] in theirs]):.1f} s.")
        lines += ["", *summary, ""]
        traces = [r for r in rows if r["kind"] == "converge" and r["corpus"] == corpus]
        if traces:
            lines += ["Log-likelihood per word of one fit, every 50 iterations "
                      "(`python benchmarks/bench_topics.py converge`):", ""]
            for r in traces:
                lines.append(f"- {r['side']}, seed {r['seed']}, {r['rows']}, {r['tokens']:,} tokens: "
                             + ", ".join(f"{i}: {ll}" for i, ll in r["trace"]))
            lines.append("")
    profiled = [r for r in rows if r["kind"] == "profile"]
    if profiled:
        lines += ["## Where the time goes", "",
                  "`python benchmarks/bench_topics.py profile --corpus C --seed 1`: the whole `textmine topics` "
                  "command (defaults, k = 10, cache off) with wall-clock timers around its parts "
                  "(`benchmarks/topics_profile.py`); a part inside another is indented under it. Seconds from the "
                  "start of the process, and the part's own seconds. The load is the machine's 1-minute load "
                  "average (2 cores) when the run started or ended, whichever is higher.", ""]
        for r in profiled:
            lines += [f"**{r['corpus']}**, seed {r['seed']}, {r['date']}, load {r['load']}: whole command "
                      f"{r['seconds']:.1f} s; Python start and imports {r['imports']:.2f} s.", "",
                      "| part | starts at (s) | seconds |", "|---|---|---|"]
            ends: list[float] = []
            for label, start, secs in sorted(r["parts"], key=lambda part: (part[1], -part[2])):
                while ends and start >= ends[-1] - 0.002:      # the times are rounded to milliseconds
                    ends.pop()
                lines.append(f"| {'&nbsp;&nbsp;' * len(ends)}{label} | {start:.2f} | {secs:.2f} |")
                ends.append(start + secs)
            lines.append("")
    tried = [r for r in rows if r["kind"] == "fits"]
    if tried:
        lines += ["## How many fits, how many iterations", "",
                  "`python benchmarks/bench_topics.py fits --corpus C --seeds 1-5 --iterations N`: one run of four "
                  "fits per seed in one process (no whole-command time); NMI of the consensus of the first 1, 2, 3 "
                  "and 4 fits (fits 1 and 2: the first fit's topics), and with every document's mixture re-estimated "
                  "by EM with the topics held fixed (not what textmine does; a lever measured for later). The plain "
                  "script's NMI of the same seed is in the tables above.", "",
                  "| corpus | iterations per fit | seed | 1 fit | 2 fits | 3 fits | 4 fits | 1 fit + EM | 4 fits + EM |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in tried:
            by, em = r["nmi_by_fits"], r["nmi_em"]
            lines.append(f"| {r['corpus']} | {r['iterations']} | {r['seed']} | {by['1']:.3f} | {by['2']:.3f} | "
                         f"{by['3']:.3f} | {by['4']:.3f} | {em['1']:.3f} | {em['4']:.3f} |")
        lines.append("")
    stab = [r for r in rows if r["kind"] == "stability"]
    if stab:
        lines += ["## Stability flags", "",
                  "`textmine topics` with its defaults (k = 6, threshold 0.5) on each corpus; a topic is flagged "
                  "unstable when refitting with other seeds does not reproduce it (mean top-10 Jaccard with its "
                  "matched topics below 0.5). `before`: the code before the consensus of fits; `after`: with it; "
                  "`150 iterations`: with it and 150 iterations per fit (a trial, not kept); "
                  "`three fits, sampled first fit`: three fits after a first fit on a sample of a large corpus; "
                  "`three fits, 30M draws`: the same with at most 30 million token draws per fit (the default "
                  "since 2026-12-02); `before the consensus (eb501c2)`, `no term-count floor` and `term-count floor "
                  "of 5`: the code before the consensus, the default before `[topics] min_term_count = 5` and the "
                  "default with it, each over seeds 42 and 1-11 in one run (2026-12-02, 14:21-14:41 UTC).", "",
                  "Topics flagged unstable over every seed each code ran (the counts of the rows below):", "",
                  "| code | corpus | seeds | unstable topics |", "|---|---|---|---|"]
        totals: dict[tuple[str, str], list] = {}
        for r in stab:
            total = totals.setdefault((r["tree"], r["corpus"]), [[], 0, 0])
            total[0].append(str(r["seed"]))
            total[1] += r["unstable"]
            total[2] += r["k"]
        for (tree, corpus), (seeds, unstable, k) in totals.items():
            lines.append(f"| {tree} | {corpus} | {', '.join(seeds)} | {unstable} of {k} ({unstable / k:.0%}) |")
        lines += ["", "| code | corpus | seed | unstable topics | stability per topic | labels |", "|---|---|---|---|---|---|"]
        for r in stab:
            lines.append(f"| {r['tree']} | {r['corpus']} | {r['seed']} | {r['unstable']} of {r['k']} | "
                         f"{', '.join(f'{s:.2f}' for s in r['stability'])} | {' / '.join(r['labels'])} |")
        lines.append("")
    from results_file import write_results

    write_results(RESULTS, lines)
    print(f"wrote {RESULTS.relative_to(REPO)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("compare")
    one.add_argument("--corpus", choices=sorted(PLAIN), required=True)
    one.add_argument("--seeds", default="1-5")
    one.add_argument("--variant", action="append", default=[],
                     help='NAME="key = value; key = value" ([topics] settings of a textmine row)')
    one.add_argument("--no-default", action="store_true")
    one.add_argument("--no-plain", action="store_true")
    conv = sub.add_parser("converge")
    conv.add_argument("--corpus", choices=sorted(PLAIN), required=True)
    conv.add_argument("--seed", type=int, default=1)
    conv.add_argument("--iterations", type=int, default=1000)
    prof = sub.add_parser("profile")
    prof.add_argument("--corpus", choices=sorted(PLAIN), required=True)
    prof.add_argument("--seed", type=int, default=1)
    many = sub.add_parser("fits")
    many.add_argument("--corpus", choices=sorted(PLAIN), required=True)
    many.add_argument("--seeds", default="1-5")
    many.add_argument("--iterations", type=int, default=0)
    stab = sub.add_parser("stability")
    stab.add_argument("--tree", action="append", default=None, help=f"NAME=PATH (default: after={REPO})")
    stab.add_argument("--seeds", default="42")
    sub.add_parser("write")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "benchmarks"))
    {"compare": compare, "converge": converge, "fits": fits, "profile": profile,
     "stability": stability, "write": write}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
