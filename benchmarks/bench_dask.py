"""The whole pipeline on Dask: ten times the shopping reviews end to end, and the equality check.

    python benchmarks/bench_dask.py                # writes benchmarks/results/dask.md
    python benchmarks/bench_dask.py --copies 2     # a smaller corpus (quicker; the table says so)

1. Writes ten copies of the 62,774 shopping reviews (``../shared/data/online_shopping_10_cats.zip``) into one
   CSV in a temporary folder (627,740 rows, about 36 M characters; never committed).
2. Runs ``textmine run --scheduler dask --workers 2`` on it as a fresh process, sampling the resident memory of
   the process and all its children (the Dask scheduler lives in the process, each worker is a nanny and a
   worker process, topic fits run in processes of their own) every 0.1 s.
3. Equality: the reviews once, ``textmine run`` in one process and with ``--scheduler dask --workers 2``; every
   CSV, the workbook and the images must be byte-identical.

Every figure comes from this one run; the load average of the machine is given with each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import zipfile
from pathlib import Path

from processes import compile_textmine, run_process, same_files
from results_file import write_results

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "online_shopping_10_cats.zip"
RESULTS = REPO / "benchmarks" / "results" / "dask.md"


def reviews():
    import pandas as pd

    with zipfile.ZipFile(DATA) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        with archive.open(name) as handle:
            return pd.read_csv(handle, dtype=str, keep_default_na=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--skip-equality", action="store_true")
    parser.add_argument("--timeout", type=float, default=1500,
                        help="seconds after which the large run is stopped (the table says how far it got)")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"missing {DATA.name} in ../shared/data/")
    import pandas as pd

    compile_textmine()
    work = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    frame = reviews()
    once = work / "reviews.csv"
    frame.to_csv(once, index=False)
    many = work / f"reviews_x{args.copies}.csv"
    pd.concat([frame] * args.copies, ignore_index=True).to_csv(many, index=False)
    chars = int(frame["review"].str.len().sum()) * args.copies
    print(f"{len(frame) * args.copies:,} reviews, {chars:,} characters, {many.stat().st_size / 1e6:.0f} MB", flush=True)
    (work / "textmine.toml").write_text(
        '[corpus]\ntext_col = "review"\nmax_file_mb = 1000\n[scale]\npartition_docs = 20000\n', encoding="utf-8")
    common = ["--config", "textmine.toml", "--no-cache", "--quiet"]
    # the large run keeps its progress on stderr, so a run stopped at the timeout says how far it got
    big = run_process(["run", *common[:-1], "--corpus", many.name, "--out", "out_many", "--scheduler", "dask",
                       "--workers", "2"], work, timeout=args.timeout)
    stopped = big["seconds"] >= args.timeout
    progress = (work / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    reached = [line.strip() for line in progress.replace("\r", "\n").splitlines() if line.strip()][-3:]
    # files written so far into the folder the run publishes at its end
    reached += [f"{f.relative_to(work)}: {f.stat().st_size / 1e6:.1f} MB"
                for f in sorted(work.glob(".out_many.*/*")) if f.is_file()]
    print(f"{args.copies}x Dask: {big}", flush=True)
    manifest = {}
    if (work / "out_many" / "manifest.json").is_file():
        import json

        manifest = json.loads((work / "out_many" / "manifest.json").read_text(encoding="utf-8"))
    sizes = {p.name: p.stat().st_size for p in sorted((work / "out_many").glob("*.csv"))} if big["code"] == 0 else {}
    rows = []
    if not args.skip_equality:
        single = run_process(["run", *common, "--corpus", once.name, "--out", "out_single"], work)
        dask = run_process(["run", *common, "--corpus", once.name, "--out", "out_dask", "--scheduler", "dask",
                            "--workers", "2"], work)
        compared, differ = same_files(work / "out_single", work / "out_dask")
        rows = [("reviews once, one process", single), ("reviews once, Dask, 2 workers", dask)]
        print(f"equality: {compared} files compared, differing: {differ}", flush=True)
    lines = [
        "# The whole pipeline on Dask", "",
        f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC with `python benchmarks/bench_dask.py"
        f"{'' if args.copies == 10 else f' --copies {args.copies}'}` on {platform.machine()} Linux, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}. Peak memory is the largest sum of the resident "
        "memory of the `textmine` process and all its children (Dask scheduler in the process, nanny and worker "
        "processes, topic-fit processes), sampled every 0.1 s: of the resident set (RSS), which counts a page the "
        "processes share (the libraries each loads) once in each, and of the proportional set (PSS), which "
        "divides a shared page among them: what the process tree takes from the machine.", "",
        f"Corpus: {args.copies} copies of the shopping reviews in one CSV, {len(frame) * args.copies:,} rows, "
        f"{chars:,} characters ({many.stat().st_size / 1e6:.0f} MB), `[scale] partition_docs = 20000`, otherwise "
        "the defaults (the topic model fits whole reviews, `fit_on = \"auto\"`, on a sample of "
        "`[scale] topic_sample` of them in the large run), `--no-cache`.",
        "",
        "| run | seconds | peak MB (RSS) | peak MB (PSS) | exit | load (1 min) at start → end |",
        "|---|---:|---:|---:|---:|---|",
        f"| `textmine run --scheduler dask --workers 2`, {args.copies}× the reviews | {big['seconds']:.0f} | "
        f"{big['peak_mb']:.0f} | {big['peak_pss_mb']:.0f} | {big['code']}{' (stopped at the timeout)' if stopped else ''} | "
        f"{big['load']:.1f} → {big['load_after']:.1f} |",
        *[f"| {label} | {r['seconds']:.0f} | {r['peak_mb']:.0f} | {r['peak_pss_mb']:.0f} | {r['code']} | {r['load']:.1f} → "
          f"{r['load_after']:.1f} |" for label, r in rows], "",
    ]
    if big["code"] != 0:
        lines += [f"The large run did not finish ({'stopped after ' + format(args.timeout, '.0f') + ' s' if stopped else 'exit ' + str(big['code'])}); "
                  "the last lines of its progress on stderr:", "", "```", *reached, "```", ""]
    if manifest:
        timings = manifest.get("timings", {})
        lines += ["Seconds per step of the large run (`timings` in its manifest; `segment` is the first pass: read, "
                  "clean, segment, count, write units and tokens; keywords, keyness and network share the second "
                  "pass):", "", "| " + " | ".join(timings) + " |", "|" + "---:|" * len(timings),
                  "| " + " | ".join(f"{v:.0f}" for v in timings.values()) + " |", "",
                  f"Partitions: {manifest.get('segmentation', {}).get('partitions')}; documents "
                  f"{manifest['corpus']['documents']:,}, units {manifest['corpus']['units']:,}, word tokens "
                  f"{manifest['corpus']['tokens']:,}.", ""]
    if sizes:
        lines += ["Tables written (MB): " + ", ".join(f"{k} {v / 1e6:.0f}" for k, v in sizes.items() if v > 1e6), ""]
    if rows:
        lines += [f"Equality on the reviews once: {compared} files compared (every CSV, tables.xlsx, the charts, "
                  f"word clouds and graph files), differing: **{differ or 'none'}**.", ""]
    write_results(RESULTS, lines)
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
