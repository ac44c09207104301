"""Time and size of the report: `python benchmarks/bench_report.py` → benchmarks/results/report.md.

Runs the pipeline once per corpus (not timed), then renders the report twice and keeps the faster
wall-clock time, and opens it three times in headless Chromium (Playwright), keeping the fastest time
to the load event with fonts ready, and the time of one search. Corpora: the bundled corpus/, and,
when ../shared/data is present, the 16 CPC congress reports (1921–2022) and a 500-document series
built from them and the seed reports (each split into parts, dated over 1921–2025 at mixed precision),
both with themes of the congress reports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import tempfile
import time
from pathlib import Path

import textmine as tm

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
SEEDS = ROOT.parent / "shared" / "seeds"
CPC_THEMES = ("革命", "阶级斗争", "改革", "开放", "现代化", "小康社会", "中国特色社会主义", "生态文明", "创新", "安全",
              "人工智能", "数据")
_SENTENCE = re.compile(r"(?<=[。！？\n])")


def build_series(n_docs: int, out: Path) -> Path:
    """A JSONL series of ``n_docs`` documents: the congress reports and the seed reports, each cut at sentence
    ends into parts of about equal length (parts allotted to each report by its length), each part dated
    between its report's year and the next report's, as a year, a month or a day in turn."""
    rows = [json.loads(line) for line in (SHARED / "cpc_congress_reports.jsonl").read_text("utf-8").splitlines()]
    sources = [(r["id"], int(r["year"]), r["content"]) for r in rows]
    sources += [(f"seed{i}", 2023 + min(i, 2), p.read_text("utf-8")) for i, p in enumerate(sorted(SEEDS.glob("*.txt")))]
    total = sum(len(t) for *_, t in sources)
    shares = [n_docs * len(t) / total for *_, t in sources]
    parts = [max(1, int(s)) for s in shares]
    for i in sorted(range(len(sources)), key=lambda i: shares[i] - int(shares[i]), reverse=True):
        if sum(parts) >= n_docs:
            break
        parts[i] += 1
    while sum(parts) > n_docs:
        parts[parts.index(max(parts))] -= 1
    years = [y for _, y, _ in sources] + [2026]
    pieces: list[list[str]] = []
    for (_, _, text), k in zip(sources, parts):
        sentences = [s for s in _SENTENCE.split(text) if s]
        groups: list[str] = [""] * k
        at = 0
        for sentence in sentences:
            groups[min(k - 1, at * k // len(text))] += sentence
            at += len(sentence)
        pieces.append([g for g in groups if g])
    while sum(len(p) for p in pieces) < n_docs:   # a sentence longer than a part left one empty: halve the longest
        source, index = max(((i, j) for i, p in enumerate(pieces) for j in range(len(p))),
                            key=lambda ij: len(pieces[ij[0]][ij[1]]))
        text = pieces[source][index]
        cut = max(text.rfind("，", 0, len(text) // 2 + 1) + 1, len(text) // 2)
        pieces[source][index:index + 1] = [text[:cut], text[cut:]]
    with out.open("w", encoding="utf-8") as handle:
        for (sid, year, _), chunks, following in zip(sources, pieces, years[1:]):
            last = max(year, min(following - 1, 2025))
            for j, piece in enumerate(chunks):
                y = year + (last - year) * j // max(1, len(chunks))
                date = (f"{y}", f"{y}-{1 + j % 12:02d}", f"{y}-{1 + j % 12:02d}-{1 + j % 28:02d}")[j % 3]
                handle.write(json.dumps({"id": f"{sid}-{j + 1:03d}", "date": date, "title": f"{sid} part {j + 1}",
                                         "content": piece}, ensure_ascii=False) + "\n")
    return out


def corpora(tmp: Path):
    yield "bundled corpus/ (4 reports)", tm.Config().replace(corpus={"path": str(ROOT / "corpus")})
    cpc = SHARED / "cpc_congress_reports.jsonl"
    if not cpc.is_file():
        return
    yield "cpc_congress_reports.jsonl (16 reports)", tm.Config().replace(
        corpus={"path": str(cpc), "text_col": "content", "id_col": "id", "date_col": "year"},
        trends={"themes": list(CPC_THEMES)})
    if SEEDS.is_dir():
        series = build_series(500, tmp / "series500.jsonl")
        yield "500-part series 1921–2025 (congress reports and seeds)", tm.Config().replace(
            corpus={"path": str(series), "text_col": "content", "id_col": "id", "date_col": "date"},
            trends={"themes": list(CPC_THEMES)})


def open_in_browser(html_path: Path, term: str) -> tuple[float, float]:
    """(seconds to the load event with fonts ready, fastest of three; seconds of one search for ``term``)."""
    from playwright.sync_api import sync_playwright

    url = html_path.resolve().as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        loads = []
        for _ in range(3):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            start = time.perf_counter()
            page.goto(url, wait_until="load")
            page.evaluate("document.fonts.ready")
            loads.append(time.perf_counter() - start)
            page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url, wait_until="load")
        start = time.perf_counter()
        page.fill("#q", term)
        page.press("#q", "Enter")
        page.wait_for_function("document.getElementById('search-status').textContent.indexOf('«') === 0")
        search = time.perf_counter() - start
        browser.close()
    return min(loads), search


def measure(config: tm.Config, out: Path) -> dict:
    result = tm.run(config, cache=None)
    tm.write_run(result, out, cache=None)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        html_path, md_path = tm.write_report(out)
        times.append(time.perf_counter() - start)
    html = html_path.read_text(encoding="utf-8")
    font = re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", html).group(1)
    data = re.search(r'id="search-data">([A-Za-z0-9+/=]*)<', html).group(1)
    load, search = open_in_browser(html_path, "改革")
    return {"docs": len(result.prepared.corpus), "tokens": sum(len(t) for t in result.prepared.tokens),
            "seconds": min(times), "html": html_path.stat().st_size, "md": md_path.stat().st_size,
            "font": len(font) * 3 // 4, "data": len(data), "load": load, "search": search}


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, config) in enumerate(corpora(Path(tmp))):
            m = measure(config, Path(tmp) / str(i))
            rows.append(f"| {name} | {m['docs']} | {m['tokens']:,} | {m['seconds']:.1f} | {m['html'] / 1e6:.2f} MB "
                        f"| {m['font'] / 1e3:.0f} kB | {m['data'] / 1e3:.0f} kB | {m['load']:.2f} | {m['search']:.2f} "
                        f"| {m['md'] / 1e3:.0f} kB |")
            print(rows[-1], flush=True)
    text = "\n".join([
        "# Report rendering",
        "",
        f"Measured {dt.date.today()} on {platform.machine()} with {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; other work ran on the machine at the same time, so times are pessimistic.",
        "`python benchmarks/bench_report.py`: the faster of two `tm.write_report` calls on a finished run folder (the "
        "run itself is not timed); *open* the fastest of three loads in headless Chromium (load event, fonts ready), "
        "*search* one search for 改革 (decompressing the text on first use). *font* is the embedded CJK subset (the "
        "page's characters and every character of the searchable text); *search data* the compressed paragraphs "
        "as embedded (base64).",
        "",
        "| corpus | documents | tokens | render s | report.html | font | search data | open s | search s | report.md |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows, ""])
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / "results" / "report.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
