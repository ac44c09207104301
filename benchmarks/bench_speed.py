"""Segmentation speed, parity, cache, streaming memory and Dask equality on the shopping reviews.

    python benchmarks/bench_speed.py            # writes benchmarks/results/speed.md
    python benchmarks/bench_speed.py --segmentation-only   # throughput and parity, printed, nothing written

Reads ../shared/data/online_shopping_10_cats.zip (62,774 reviews, ~3.7 M characters).
Every figure comes from this one run on this machine; other work may share the
machine, so timings are pessimistic.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from functools import partial
from pathlib import Path

from processes import compile_textmine
from results_file import write_results

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "online_shopping_10_cats.zip"
RESULTS = REPO / "benchmarks" / "results" / "speed.md"


def timed(fn, texts) -> float:
    """Seconds ``fn(texts)`` takes to return its result (freeing the result afterwards is not counted)."""
    start = time.perf_counter()
    result = fn(texts)
    seconds = time.perf_counter() - start
    del result
    return seconds


#: Rounds of the whole-process comparison (plain loop, textmine segment without and with a cold cache, in turn).
WHOLE_ROUNDS = 3

#: Rounds of the throughput comparison; the segmenters take turns within a round, so a slow spell of a
#: shared machine falls on all of them, and each row reports its best round (as ``timeit`` does).
ROUNDS = 3


def cli(args: list[str], cwd: Path, timeout: int = 900) -> tuple[float, tuple[float, float], int, str, float]:
    """``textmine ARGS`` as a fresh process (``python -m textmine.cli``, what the ``textmine`` command runs): seconds,
    the peaks ``(rss, pss)`` in MB of it and its children (:func:`processes.tree_memory`), exit code, last error
    line, and the 1-minute load average when it started."""
    return _timed_process([sys.executable, "-m", "textmine.cli", *args], cwd, timeout)


def _timed_process(command: list[str], cwd: Path | None, timeout: int = 900):
    import psutil

    from processes import watch

    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = psutil.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = watch(proc, start, timeout, interval=0.05)
    _, err = proc.communicate()
    last = (err or "").strip().splitlines()
    return time.perf_counter() - start, peaks, proc.returncode, last[-1] if last else "", load


PLAIN_LOOP = ("import sys, time; import jieba, pandas as pd; "
              "frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False); "
              "tokens = [jieba.lcut(text) for text in frame['review']]")


def main() -> None:
    if not DATA.exists():
        sys.exit(f"missing {DATA.name} in ../shared/data/")
    import jieba
    import pandas as pd
    import rjieba

    import textmine as tm
    from textmine.lexicon import config_lexicon
    from textmine.segment import make_segmenter, segment_texts
    from textmine.units import split_units

    compile_textmine()
    load_at_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    with zipfile.ZipFile(DATA) as archive, archive.open(archive.namelist()[0]) as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    csv1 = work / "reviews.csv"
    frame.to_csv(csv1, index=False)
    csv3 = work / "reviews_x3.csv"
    pd.concat([frame] * 3, ignore_index=True).to_csv(csv3, index=False)
    csv10 = work / "reviews_x10.csv"
    pd.concat([frame] * 10, ignore_index=True).to_csv(csv10, index=False)
    units = split_units([tm.Document(str(i), t) for i, t in enumerate(frame["review"])]).units
    texts = [u.norm for u in units]
    print(f"{len(frame):,} reviews, {len(units):,} units, {sum(map(len, texts)):,} characters", flush=True)

    config = tm.Config()
    lexicon = config_lexicon(config)
    plain = jieba.Tokenizer()
    plain.initialize()
    fast_plain = rjieba.Jieba()
    for entry in lexicon.entries:
        plain.add_word(entry.term, entry.freq)
        fast_plain.add_word(entry.term, entry.freq, None)
    reference = make_segmenter(config.replace(segment={"backend": "jieba"})).initialize()
    fast = make_segmenter(config.replace(segment={"backend": "rjieba"})).initialize()

    chars = sum(map(len, texts))
    contenders = {
        "jieba.lcut (domain lexicon loaded)": lambda: lambda ts: [plain.lcut(t) for t in ts],
        "rjieba.cut (domain lexicon loaded)": lambda: lambda ts: [fast_plain.cut(t) for t in ts],
        # a fresh segmenter each round, so its per-token caches start cold as in a run
        "textmine, backend rjieba (default), 1 process": lambda: partial(
            segment_texts, segmenter=make_segmenter(config.replace(segment={"backend": "rjieba"})).initialize()),
    }
    seconds: dict[str, list[float]] = {label: [] for label in contenders}
    for round_ in range(ROUNDS):
        for label, make in contenders.items():
            seconds[label].append(timed(make(), texts))
            print(f"round {round_ + 1}: {label:50s} {seconds[label][-1]:7.2f} s", flush=True)
    seconds["textmine, backend jieba (reference), 1 process"] = [timed(partial(segment_texts, segmenter=reference),
                                                                       texts)]
    speed = [(label, min(s), statistics.median(s), len(s), chars / min(s) / 1e6) for label, s in seconds.items()]
    base_label, fast_label = "jieba.lcut (domain lexicon loaded)", "textmine, backend rjieba (default), 1 process"
    base, tm_fast = chars / min(seconds[base_label]), chars / min(seconds[fast_label])
    per_round = [b / f for b, f in zip(seconds[base_label], seconds[fast_label])]

    expected, got = segment_texts(texts, reference), segment_texts(texts, fast)
    identical = sum(a == b for a, b in zip(expected, got)) / len(texts)
    terms_same = all(fast.lcut(t) == reference.lcut(t) == [t] for t in lexicon.terms)
    print(f"identical units {identical:.4%}, lexicon terms identical: {terms_same}", flush=True)
    print(f"textmine vs jieba.lcut: {tm_fast / base:.1f}x best against best; rounds "
          + ", ".join(f"{r:.1f}x" for r in per_round), flush=True)
    if "--segmentation-only" in sys.argv[1:]:
        return

    # Whole processes: textmine segment, without and with its cache (a fresh one: cold), against a plain
    # jieba.lcut loop over the same CSV, taken in turn, round after round.
    corpus_args = ["--text-col", "review", "--quiet"]
    versus = []
    for label, path in (("the reviews", csv1), ("the reviews three times", csv3)):
        for round_ in range(1, WHOLE_ROUNDS + 1):
            plain_run = cli_code(PLAIN_LOOP, str(path))
            out = work / f"seg_{path.stem}_{round_}"
            segment = cli(["segment", "--corpus", str(path), *corpus_args, "--out", str(out), "--no-cache"], REPO,
                          timeout=900)
            fresh = work / f"cache_{path.stem}_{round_}.toml"
            fresh.write_text(f'[scale]\ncache_dir = "{work / f"cache_{path.stem}_{round_}"}"\n', encoding="utf-8")
            cached = cli(["segment", "--config", str(fresh), "--corpus", str(path), *corpus_args, "--out",
                          str(work / f"segc_{path.stem}_{round_}")], REPO, timeout=900)
            timings = _timings(out)
            stages = {stage: timings[stage] for stage in ("read", "clean", "segment")}
            for folder in (out, work / f"cache_{path.stem}_{round_}", work / f"segc_{path.stem}_{round_}"):
                shutil.rmtree(folder, ignore_errors=True)   # about 300 MB a round
            versus.append((label, round_, path, plain_run, segment, cached, stages))
            print(f"{label}, round {round_}: plain loop {plain_run[0]:.2f} s, textmine segment --no-cache "
                  f"{segment[0]:.2f} s ({plain_run[0] / segment[0]:.2f}x), with a cold cache {cached[0]:.2f} s "
                  f"({plain_run[0] / cached[0]:.2f}x)", flush=True)

    # Whole runs in fresh processes (read → clean → segment → analyses → write), cache cold then warm.
    cache = work / "cache"
    toml = work / "bench.toml"
    toml.write_text(f'[scale]\ncache_dir = "{cache}"\n', encoding="utf-8")
    corpus_args = ["--config", str(toml), "--corpus", str(csv1), "--text-col", "review", "--quiet"]
    runs = []
    for label, args in [
        ("textmine run (defaults), cache cold", ["run", *corpus_args, "--out", str(work / "run1")]),
        ("textmine run (defaults), cache warm", ["run", *corpus_args, "--out", str(work / "run2")]),
        ("textmine segment, cache warm", ["segment", *corpus_args, "--out", str(work / "seg1")]),
        ("textmine run again into the cold run's folder, nothing changed",
         ["run", *corpus_args, "--out", str(work / "run1")]),
    ]:
        seconds, peak, code, err, loads = cli(args, REPO, timeout=900)
        runs.append((label, seconds, peak, code, err, loads, os.getloadavg()[0]))
        print(f"{label:55s} {seconds:7.2f} s peak {peak[0]:7.0f} MB (PSS {peak[1]:.0f}) exit {code} {err}",
              flush=True)
    warm_same = sorted(p.name for p in (work / "run1").glob("*.csv")) == sorted(
        p.name for p in (work / "run2").glob("*.csv")) and all(
        p.read_bytes() == (work / "run2" / p.name).read_bytes() for p in (work / "run1").glob("*.csv"))
    speedup = runs[0][1] / runs[1][1]
    stage_rows = [(label, _timings(work / run_dir)) for run_dir, label in (("run1", "cold"), ("run2", "warm"))]
    stages = list(dict.fromkeys([*stage_rows[0][1], *stage_rows[1][1]]))
    print(f"warm run {speedup:.1f}x faster, outputs identical: {warm_same}", flush=True)

    # Streaming segmentation + counting: 1x and 10x the reviews, no cache, fresh processes.
    stream = ("import sys, textmine as tm; from textmine.stream import stream_vocab; "
              "c = tm.Config().replace(corpus={'path': sys.argv[1], 'text_col': 'review', 'max_file_mb': 1000}, "
              "scale={'cache': False}); stream_vocab(c, chunk_docs=5000)")
    memory = []
    for label, path in (("1x reviews", csv1), ("10x reviews", csv10)):
        seconds, peak, code, err, _ = cli_code(stream, str(path))
        memory.append((label, seconds, peak, code))
        print(f"stream_vocab {label:43s} {seconds:7.1f} s peak {peak[0]:7.0f} MB exit {code} {err}", flush=True)

    lines = [
        "# Segmentation speed and scaling", "",
        f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC with `python benchmarks/bench_speed.py` on "
        f"{platform.machine()} Linux, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"Load average when the run began: {load_at_start:.2f} (1 minute); each whole process gives its own.", "",
        f"Data: the shopping reviews ({len(frame):,} reviews → {len(units):,} cleaned units, "
        f"{sum(map(len, texts)):,} characters).", "",
        f"## Segmentation throughput (same texts, one process, {ROUNDS} rounds taken in turn)", "",
        "Each segmenter is timed until it returns its tokens; freeing them afterwards is not counted, for any "
        "of them. textmine cuts in a second thread while sorting the previous block's tokens into units.", "",
        "| segmenter | best s | median s | rounds | M chars/s (best) |", "|---|---:|---:|---:|---:|",
        *[f"| {label} | {best:.2f} | {median:.2f} | {n} | {rate:.2f} |" for label, best, median, n, rate in speed],
        "",
        f"textmine (rjieba) vs `jieba.lcut`: **{tm_fast / base:.1f}×** best against best in one process "
        f"(round by round: {', '.join(f'{r:.1f}×' for r in per_round)}).", "",
        "## Parity with the jieba reference", "",
        f"- units with identical token sequences: **{identical:.4%}** of {len(texts):,}",
        f"- every lexicon term ({len(lexicon.terms)}) segmented identically (as one token): {terms_same}", "",
        "## `textmine segment` against a plain `jieba.lcut` loop, whole processes", "",
        "The plain loop reads the CSV with pandas and calls `jieba.lcut` on every review (jieba's own dictionary; "
        "it writes nothing). `textmine segment --no-cache` reads, cleans, segments and writes units.csv, "
        "tokens.csv, documents.csv and manifest.json; `textmine segment` (the default, cache on) does the same and "
        "also keeps the units, tokens and tables in its cache (a fresh one each round, so cold), for later "
        "commands. Each is a fresh process, timed start to end; textmine's modules compiled to bytecode first, as "
        "after its first run (the plain loop's libraries were compiled at install). The three take turns, round "
        f"after round ({WHOLE_ROUNDS}). A text that comes again is cleaned and segmented once (so three copies of "
        "the reviews cost textmine about one; the single copy has 49 repeated reviews of 62,774).", "",
        "| corpus | round | characters | plain loop s | `--no-cache` s (peak MB) | ratio | default, cache cold s "
        "(peak MB) | ratio | load plain · textmine |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        *[f"| {label} | {r} | {int(frame['review'].str.len().sum()) * (3 if '3' in path.stem else 1):,} | "
          f"{p[0]:.2f} | {t[0]:.2f} ({t[1][0]:.0f}) | **{p[0] / t[0]:.2f}×** | {c[0]:.2f} ({c[1][0]:.0f}) | "
          f"**{p[0] / c[0]:.2f}×** | {p[4]:.1f} · {t[4]:.1f} |"
          for label, r, path, p, t, c, _ in versus], "",
        "Where the seconds of `textmine segment` go (read, clean and segment from the `timings` of its manifest; the "
        "rest is starting Python and importing, and writing the three tables and the manifest; the command ends "
        "its process without freeing the corpus's objects one by one):", "",
        "| corpus | round | read | clean | segment | the rest | whole process |", "|---|---:|---:|---:|---:|---:|---:|",
        *[f"| {label} | {r} | " + " | ".join(f"{seconds:.2f}" for seconds in st.values())
          + f" | {t[0] - sum(st.values()):.2f} | {t[0]:.2f} |" for label, r, _, _, t, _, st in versus], "",
        "## Whole runs (fresh processes; peak = memory of the process and its children)", "",
        "| run | seconds | peak MB (RSS) | peak MB (PSS) | exit | load at start → end |",
        "|---|---:|---:|---:|---:|---|",
        *[f"| {label} | {s:.2f} | {p[0]:.0f} | {p[1]:.0f} | {c}{' — ' + e if c else ''} | {a:.1f} → {b:.1f} |"
          for label, s, p, c, e, a, b in runs], "",
        f"Warm run **{speedup:.1f}×** faster than the cold one; its tables byte-identical to the cold run's: "
        f"**{warm_same}**.", "",
        "Seconds per stage (`timings` in each run's manifest; topics run in the background of keywords … network, "
        "so the stages overlap and their sum exceeds the wall time):", "",
        "| run | " + " | ".join(stages) + " |", "|---|" + "---:|" * len(stages),
        *[f"| {label} | " + " | ".join(f"{timings.get(k, 0):.1f}" for k in stages) + " |"
          for label, timings in stage_rows], "",
        "Peak memory is the largest sum over the `textmine` process and its children (topic-fit and drawing "
        "workers) seen in 50 ms samples, of the resident set (RSS) and of the proportional set (PSS). RSS "
        "counts a page the processes share (the libraries each worker loads) once per process, so its sum "
        "overstates what the machine used; PSS divides a shared page among the processes that map it.", "",
        "## Streaming segmentation + counting (`textmine.stream.stream_vocab`, chunks of 5,000 reviews, no cache)",
        "", "| corpus | seconds | peak MB | exit |", "|---|---:|---:|---:|",
        *[f"| {label} | {s:.1f} | {p[0]:.0f} | {c} |" for label, s, p, c in memory], "",
        f"Peak memory 10× / 1×: **{memory[1][2][0] / memory[0][2][0]:.2f}**.", "",
    ]
    write_results(RESULTS, lines)
    print(f"wrote {RESULTS.relative_to(REPO)}")


def _timings(out_dir: Path) -> dict[str, float]:
    """Seconds per stage (``timings``) from the manifest a ``textmine`` command wrote into ``out_dir``."""
    import json

    return json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))["timings"]


def cli_code(code: str, *args: str) -> tuple[float, tuple[float, float], int, str, float]:
    return _timed_process([sys.executable, "-c", code, *args], None)


if __name__ == "__main__":
    main()
