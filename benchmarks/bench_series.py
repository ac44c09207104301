"""Report series: textmine cold and warm against the plain script, as whole processes.

    python benchmarks/bench_series.py                   # every series; writes benchmarks/results/series.md
    python benchmarks/bench_series.py bundled 52 200    # some of them (bundled, 52, 200, 500)

Builds, in a temporary folder, report series from the 16 party-congress reports and the seed reports
(``report_series.py``: no 52-report government series is public): 52 reports of about 1 M characters,
200 reports of about 3.8 M characters, and 500 short reports of about 2 M characters (for the report's
time with many documents), and takes the bundled corpus (``corpus/``, four reports) as it is.
For each it times, in fresh processes:

- ``plain_script.py`` (jieba, TF-IDF top 30, gensim LDA k = 6 on paragraphs, a word cloud per report,
  one trend chart) — what one writes by hand, doing less than textmine;
- ``textmine run`` with an empty cache (cold), then again on the same corpus and config (warm); the warm
  run's tables, charts and workbook must be byte-identical to the cold run's;
- ``textmine report`` on the cold run's folder (the report alone);
- ``textmine run`` again into the cold run's folder, nothing changed (it checks the folder and writes nothing:
  :mod:`textmine.io.manifest`); every file of the folder must be as it was, its time of change too.

Each row gives the 1-minute load average when it started and ended: the machine is shared, and a figure
taken on a loaded machine says so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

from processes import compile_textmine, run_process, same_files
from report_series import make_series

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "series.md"
SERIES = (("bundled corpus", 0, 0), ("52 reports", 52, 1_000_000), ("200 reports", 200, 3_800_000),
          ("500 short reports", 500, 2_000_000))


def folder_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of ``folder`` with its bytes and time of last change."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def main() -> None:
    compile_textmine()
    work = Path(tempfile.mkdtemp(prefix="bench-series-"))
    only = set(sys.argv[1:])
    rows, notes = [], []
    for label, reports, chars in SERIES:
        if only and str(reports or "bundled") not in only:
            continue
        if reports:
            folder = make_series(work / f"s{reports}", reports=reports, chars=chars)
        else:   # the bundled corpus, as a new user first runs it
            folder = work / "s0"
            folder.mkdir()
            for path in (REPO / "corpus").iterdir():
                (folder / path.name).write_bytes(path.read_bytes())
        size = sum(len(p.read_text(encoding="utf-8")) for p in folder.glob("*.txt"))
        (work / f"c{reports}.toml").write_text(f'[scale]\ncache_dir = "cache{reports}"\n', encoding="utf-8")
        args = ["run", "--config", f"c{reports}.toml", "--corpus", folder.name, "--quiet"]
        plain = run_process([folder.name, f"plain{reports}"], work, script=str(REPO / "benchmarks" / "plain_script.py"))
        cold = run_process([*args, "--out", f"cold{reports}"], work)
        warm = run_process([*args, "--out", f"warm{reports}"], work)
        report = run_process(["report", "--run", f"cold{reports}", "--out", f"report{reports}/report.html"], work)
        before = folder_state(work / f"cold{reports}")
        again = run_process([*args, "--out", f"cold{reports}"], work)
        untouched = folder_state(work / f"cold{reports}") == before
        compared, differ = same_files(work / f"cold{reports}", work / f"warm{reports}")
        manifest = json.loads((work / f"warm{reports}" / "manifest.json").read_text(encoding="utf-8"))
        stats = manifest["run_stats"]
        print(f"{label}: plain {plain['seconds']:.1f} s, cold {cold['seconds']:.1f} s, warm {warm['seconds']:.1f} s, "
              f"report {report['seconds']:.1f} s, again {again['seconds']:.2f} s (folder untouched: {untouched}); "
              f"{compared} files, differing {differ}", flush=True)
        rows.append((label, reports, size, plain, cold, warm, report, again))
        notes.append(f"- {label}: warm run byte-identical to the cold run in {compared} files (every CSV, chart, word "
                      f"cloud, graph file, topic map and tables.xlsx; differing: {differ or 'none'}); its manifest's "
                      f"`run_stats.from_cache`: {', '.join(stats['from_cache'])}; files from the cache: "
                      f"{stats.get('files_from_cache')}. Run again into the cold run's folder, nothing changed: "
                      f"every one of its {len(before)} files as it was, time of change included: {untouched}.")
    def cell(r):
        return f"{r['seconds']:.1f}" + ("" if r["code"] == 0 else f" (exit {r['code']}: {r['last']})")

    lines = [
        "# Report series: textmine against the plain script", "",
        f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC with "
        f"`{' '.join(['python benchmarks/bench_series.py', *sys.argv[1:]])}` on "
        f"{platform.machine()} Linux, {os.cpu_count()} cores, Python {platform.python_version()}. Every time is a "
        "fresh process, wall clock; peak memory is the largest sum of the resident memory of the process and its "
        "children (topic-fit and drawing workers), sampled every 0.1 s. The load is the 1-minute load average "
        "at the start and end of each process; on this 2-core machine a load above 2 means other work shared it.",
        "",
        "Series built by `benchmarks/report_series.py` from the 16 party-congress reports and the 4 seed reports "
        "(paragraphs of 2–7 consecutive sentences of one source report, none used twice, dated one a quarter or "
        "one a month); the bundled corpus is `corpus/` (its four reports and `metadata.csv`). The plain script is `benchmarks/plain_script.py` (jieba, TF-IDF top 30, gensim LDA k = 6 on "
        "paragraphs, one 1200 × 700 word cloud per report, one trend chart); `textmine run` does every stage, "
        "writes tables.xlsx and the report.", "",
        "Warm is a run into a new folder with the cache the cold run filled (every stage read from it); again is "
        "`textmine run` repeated into the cold run's own folder with nothing changed, which finds every file as "
        "that run left it and writes nothing.", "",
        "| series | characters | plain script s | textmine cold s (peak MB) | textmine warm s (peak MB) | "
        "again s | cold / plain | warm / plain | again / plain | report alone s | load: plain · cold · warm |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        *[f"| {label} | {size:,} | {cell(p)} | {cell(c)} ({c['peak_mb']:.0f}) | {cell(w)} ({w['peak_mb']:.0f}) | "
          f"{a['seconds']:.2f} | {c['seconds'] / p['seconds']:.2f} | {w['seconds'] / p['seconds']:.3f} | "
          f"{a['seconds'] / p['seconds']:.3f} | {cell(r)} | "
          f"{p['load']:.1f}→{p['load_after']:.1f} · {c['load']:.1f}→{c['load_after']:.1f} · "
          f"{w['load']:.1f}→{w['load_after']:.1f} |"
          for label, _, size, p, c, w, r, a in rows], "",
        *notes, "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
