"""Reading PDF, Word and web pages: which library, measured on the four seed reports.

Run: python benchmarks/bench_readers.py   → benchmarks/results/readers.md

Documents are made from ../shared/seeds as the tests make them (tests/docfixtures.py): PDFs laid
out line by line with fpdf2 (running headers, page numbers or a browser's print header/footer)
and PDFs printed by headless Chromium (Debian's package, when installed), news pages in three
site layouts plus a channel page without an article. Each library's plain extraction is scored
against the plain-text seed: the field terms' substring counts (智能体, 具身智能, 大模型, 算力;
the error is the sum of the absolute differences), and for web pages the boilerplate marks that
leak in. The alternatives are measured when installed (pip install pdfplumber pypdf readability-lxml);
they are not dependencies.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import docfixtures as F  # noqa: E402

BOILERPLATE = ("版权所有", "ICP备", "返回顶部", "网站地图", "相关阅读", "热点排行", "相关新闻", "推荐阅读", "栏目导航",
               "产业观察", "首页", "分享到")
STYLES = F.PDF_STYLES


def best_of(fn, repeat=3):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def term_error(text: str, seed: F.Seed) -> int:
    flat = re.sub(r"\s+", "", text)
    got, want = F.term_counts(flat), F.term_counts(seed.text)
    return sum(abs(got[t] - want[t]) for t in want)


def _norm(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", text)


def paragraphs_matched(text: str, seed: F.Seed) -> str:
    got = {_norm(p) for p in text.split("\n\n")}
    want = [_norm(t) for _, t in seed.blocks if _norm(t)]
    return f"{sum(w in got for w in want)}/{len(want)}"


def pdf_libraries():
    libs = {}

    def pdfium(path):
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in pdf)
        finally:
            pdf.close()
    libs["pypdfium2 (plain text)"] = pdfium
    try:
        import pdfplumber

        def plumber(path):
            with pdfplumber.open(str(path)) as pdf:
                return "\n".join(page.extract_text() or "" for page in pdf.pages)
        libs["pdfplumber"] = plumber
    except ImportError:
        pass
    try:
        from pdfminer.high_level import extract_text
        libs["pdfminer.six"] = lambda path: extract_text(str(path))
    except ImportError:
        pass
    try:
        import pypdf
        libs["pypdf"] = lambda path: "\n".join(p.extract_text() for p in pypdf.PdfReader(str(path)).pages)
    except ImportError:
        pass
    return libs


def html_libraries():
    libs = {}
    import trafilatura

    libs["trafilatura (plain)"] = lambda html: trafilatura.extract(html, include_comments=False) or ""
    try:
        import lxml.html
        from readability import Document

        libs["readability-lxml"] = lambda html: lxml.html.fromstring(Document(html).summary()).text_content()
    except ImportError:
        pass
    return libs


def main() -> None:
    import logging

    logging.disable(logging.WARNING)  # pdfminer's FontBBox warnings on Chromium's PDFs
    from textmine.io.read import read_document

    if not F.SEEDS.is_dir():
        raise SystemExit("needs the seed reports in ../shared/seeds/")
    seeds = F.seeds()
    lines = ["# Reading documents: PDF, Word, web pages", "",
             f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"{dt.date.today()}. Other work ran on the machine at the same time: times are best of 3 and noisy.",
             "", "Term error: sum over 智能体, 具身智能, 大模型, 算力 of |count in the text read − count in the "
             "plain-text seed| (white space removed first, so a line break inside a term is not held against a "
             "library's plain output). Paragraphs: seed paragraphs found whole in textmine's output.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdfs = []
        for seed in seeds:
            F.write_pdf(folder / f"{seed.id}.pdf", seed.blocks, STYLES[seed.id], title=seed.title)
            pdfs.append(("fpdf2 layout", seed, folder / f"{seed.id}.pdf"))
        try:
            for seed in seeds:
                page = F.article_html_for_print(folder / f"{seed.id}.print.html", seed)
                pdfs.append(("Chromium print", seed, F.browser_print_pdf(page, folder / f"{seed.id}.chromium.pdf")))
        except RuntimeError as exc:
            lines.append(f"(Chromium print skipped: {exc})")
        lines += ["## PDF", "", "| PDF | report | pages | library | seconds | term error | paragraphs |",
                  "|---|---|---|---|---|---|---|"]
        libs = pdf_libraries()
        for producer, seed, path in pdfs:
            seconds, extracted = best_of(lambda: read_document(path))
            lines.append(f"| {producer} | {seed.id} | {len(extracted.page_starts)} | **textmine (pypdfium2 + layout)** "
                         f"| {seconds:.2f} | {term_error(extracted.text, seed)} | "
                         f"{paragraphs_matched(extracted.text, seed)} |")
            for name, fn in libs.items():
                seconds, text = best_of(lambda: fn(path))
                lines.append(f"| {producer} | {seed.id} | | {name} | {seconds:.2f} | {term_error(text, seed)} | |")
        lines += ["", "## Word", "", "| report | seconds | term error | paragraphs | note |", "|---|---|---|---|---|"]
        for seed in seeds:
            path = folder / f"{seed.id}.docx"
            F.write_docx(path, seed.blocks, header="页眉：国产大模型与算力观察",
                         data_table=[["指标", "2025年"], ["表中的算力规模", "300"]])
            seconds, extracted = best_of(lambda: read_document(path))
            lines.append(f"| {seed.id} | {seconds:.3f} | {term_error(extracted.text, seed)} | "
                         f"{paragraphs_matched(extracted.text, seed)} | {extracted.note} |")
        lines += ["", "## Web pages", "", "Boilerplate: how many of "
                  + ", ".join(BOILERPLATE) + " appear in the text.", "",
                  "| layout | report | library | seconds | term error | boilerplate |", "|---|---|---|---|---|---|"]
        hlibs = html_libraries()
        for layout in ("html5", "divs", "table"):
            for seed in seeds:
                (_, title), *rest = seed.blocks
                path = F.write_html(folder / f"{seed.id}.{layout}.html", rest, title=title, publisher=seed.publisher,
                                    date=seed.date, layout=layout, encoding="gb2312" if layout == "table" else "utf-8")
                seconds, extracted = best_of(lambda: read_document(path))
                leaks = sum(b in extracted.text for b in BOILERPLATE)
                lines.append(f"| {layout} | {seed.id} | **textmine (trafilatura + checks)** | {seconds:.3f} | "
                             f"{term_error(extracted.text, seed)} | {leaks} |")
                html = path.read_bytes().decode("gb18030" if layout == "table" else "utf-8")
                for name, fn in hlibs.items():
                    seconds, text = best_of(lambda: fn(html))
                    lines.append(f"| {layout} | {seed.id} | {name} | {seconds:.3f} | {term_error(text, seed)} | "
                                 f"{sum(b in text for b in BOILERPLATE)} |")
        channel = F.write_html_without_article(folder / "channel.html")
        html = channel.read_text(encoding="utf-8")
        lines += ["", "A channel page without an article (12 headline links, navigation, footer):", ""]
        try:
            read_document(channel)
            lines.append("- textmine: read (wrong)")
        except Exception as exc:  # InputRejected
            lines.append(f"- textmine: skipped as `{exc}`")
        for name, fn in hlibs.items():
            text = fn(html)
            lines.append(f"- {name}: returns {len(text)} characters, {sum(b in text for b in BOILERPLATE)} "
                         f"boilerplate marks")
    out = ROOT / "benchmarks" / "results" / "readers.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
