"""Time and size of the report: `python benchmarks/bench_report.py` → benchmarks/results/report.md.

Runs the pipeline once per corpus (not timed), then renders the report three times and keeps
the fastest wall-clock time. Corpora: the bundled corpus/, and ../shared/data/cpc_congress_reports.jsonl
when present (16 reports, 1921–2022, partly Traditional Chinese).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import tempfile
import time
from pathlib import Path

import textmine as tm

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def corpora():
    yield "bundled corpus/ (4 reports)", tm.Config().replace(corpus={"path": str(ROOT / "corpus")})
    cpc = SHARED / "cpc_congress_reports.jsonl"
    if cpc.is_file():
        yield "cpc_congress_reports.jsonl (16 reports)", tm.Config().replace(
            corpus={"path": str(cpc), "text_col": "content", "id_col": "id", "date_col": "year"})


def measure(config: tm.Config, out: Path) -> dict:
    result = tm.run(config)
    tm.write_run(result, out)
    images = sum(p.stat().st_size for p in out.rglob("*.png"))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        html_path, md_path = tm.write_report(out)
        times.append(time.perf_counter() - start)
    html = html_path.read_text(encoding="utf-8")
    font = re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", html).group(1)
    return {"docs": len(result.prepared.corpus), "tokens": sum(len(t) for t in result.prepared.tokens),
            "seconds": min(times), "html": html_path.stat().st_size, "md": md_path.stat().st_size,
            "font": len(font) * 3 // 4, "pngs": images}


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, config) in enumerate(corpora()):
            m = measure(config, Path(tmp) / str(i))
            rows.append(f"| {name} | {m['docs']} | {m['tokens']:,} | {m['seconds']:.2f} | {m['html'] / 1e6:.2f} MB "
                        f"| {m['font'] / 1e3:.0f} kB | {m['pngs'] / 1e6:.2f} MB | {m['md'] / 1e3:.0f} kB |")
    text = "\n".join([
        "# Report rendering",
        "",
        f"Measured {dt.date.today()} on {platform.machine()} with {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; other work ran on the machine at the same time, so times are pessimistic.",
        "`python benchmarks/bench_report.py`: fastest of three `tm.write_report` calls on a finished run folder "
        "(the run itself is not timed). *font* is the embedded CJK subset; *run PNGs* the images the run wrote, "
        "before the report re-encodes them with a 128-colour palette.",
        "",
        "| corpus | documents | tokens | seconds | report.html | font | run PNGs | report.md |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *rows, ""])
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / "results" / "report.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
