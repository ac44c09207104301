"""Real documents in: PDF, Word, web pages and Excel tables give the text of the report they hold.

Every fixture is made here from the four seed reports (../shared/seeds) with real libraries
(see docfixtures.py): a PDF with a CJK text layer, page breaks, running headers and page
numbers or a browser's print header and footer; a Word file with a page header and footer,
a prose table, a data table and tracked changes; news pages in three site layouts. The check
is independent of the readers: plain substring counts of the field's terms in the read text
must equal those in the plain-text seed, paragraph for paragraph where the layout allows.
"""

from __future__ import annotations

import collections
import json
import re
import shutil
import warnings

import pandas as pd
import pytest

from textmine.cli import main
from textmine.data import Document
from textmine.io.documents import fix_radicals, join_lines, line_separator
from textmine.io.read import read_corpus, read_document
from textmine.units import split_units

import docfixtures as F

pytestmark = pytest.mark.skipif(not F.SEEDS.is_dir(), reason="the seed reports ../shared/seeds are not present")

DOCX_HEADER = "页眉：国产大模型与算力观察"
DATA_TABLE = [["指标", "2024年", "2025年"], ["表中的算力规模（EFLOPS）", "246", "300"], ["表中的大模型数量", "188", "302"]]
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9]|[A-Za-z]")


def _norm(text: str) -> str:
    """Chinese characters, letters and digits only: what a glyph-complete font draws of any text."""
    return re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", text)


@pytest.fixture(scope="module")
def seeds():
    return {s.id: s for s in F.seeds()}


@pytest.fixture(scope="module")
def made(tmp_path_factory, seeds):
    """Every document kind of every seed, written once for the module."""
    folder = tmp_path_factory.mktemp("documents")
    out = {}
    for seed in seeds.values():
        pages = F.write_pdf(folder / f"{seed.id}.pdf", seed.blocks, F.PDF_STYLES[seed.id], title=seed.title)
        F.write_docx(folder / f"{seed.id}.docx", seed.blocks, header=DOCX_HEADER, prose_table_at=_prose_run(seed),
                     data_table=DATA_TABLE, tracked_changes=True)
        (_, title), *rest = seed.blocks
        for layout in ("html5", "divs", "table"):
            F.write_html(folder / f"{seed.id}.{layout}.html", rest, title=title, publisher=seed.publisher,
                         date=seed.date, layout=layout, encoding="gb2312" if layout == "table" else "utf-8")
        out[seed.id] = {"folder": folder, "pdf_pages": pages}
    return folder, out


KINDS = ["pdf", "docx", "html5", "divs", "table"]


def _prose_run(seed) -> int:
    """The first of three paragraphs in a row long enough to be prose: they go into the Word file's table."""
    blocks = seed.blocks
    return next(i for i in range(5, len(blocks) - 3)
                if all(kind == "paragraph" and len(text) >= 40 for kind, text in blocks[i:i + 3]))


def _path(folder, seed_id: str, kind: str):
    return folder / (f"{seed_id}.{kind}" if kind in ("pdf", "docx") else f"{seed_id}.{kind}.html")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed_id", list(F.PDF_STYLES))
def test_same_report_gives_the_same_term_counts_in_every_format(made, seeds, seed_id, kind):
    folder, _ = made
    seed = seeds[seed_id]
    text = read_document(_path(folder, seed_id, kind)).text
    expected = F.term_counts(seed.text)
    assert sum(expected.values()) > 10
    assert F.term_counts(text) == expected, (seed_id, kind)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed_id", list(F.PDF_STYLES))
def test_paragraphs_come_back_as_the_report_has_them(made, seeds, seed_id, kind):
    """Lines broken inside a paragraph are joined and paragraphs stay apart: the paragraphs read are the
    seed's own (compared on their characters, as the fonts lack a few symbols such as superscripts)."""
    folder, _ = made
    seed = seeds[seed_id]
    extracted = read_document(_path(folder, seed_id, kind))
    paragraphs = [_norm(p) for p in extracted.text.split("\n\n") if _norm(p)]
    expected = [_norm(t) for _, t in seed.blocks if _norm(t)]
    if kind == "docx":  # the prose table's first column holds labels; the tracked insertion joins the last one
        paragraphs = [p for p in paragraphs if not re.fullmatch(r"要点\d", p)]
        expected[-1] += _norm(F.TRACKED_INSERTION)
    elif kind != "pdf":  # the page's source line (来源 … 发布时间 …) is article text on some layouts
        paragraphs = [p for p in paragraphs if not (p.startswith("来源") and "发布时间" in p)]
        if seed.blocks[-1][0] == "heading" and paragraphs[-1] != expected[-1]:
            expected.pop()  # trafilatura may drop a heading that ends the page with nothing under it
    assert paragraphs == expected


@pytest.mark.parametrize("seed_id", list(F.PDF_STYLES))
def test_no_latin_word_is_cut_or_glued_when_lines_are_joined(made, seeds, seed_id):
    folder, _ = made
    text = read_document(_path(folder, seed_id, "pdf")).text
    words = collections.Counter(LATIN_WORD.findall(text))
    expected = collections.Counter(LATIN_WORD.findall(seeds[seed_id].text))
    assert words == expected
    assert not re.search(r"[\u4e00-\u9fff]\n[\u4e00-\u9fff]", text)  # no line break left inside a paragraph


@pytest.mark.parametrize("seed_id", list(F.PDF_STYLES))
def test_each_paragraph_knows_the_page_it_begins_on(made, seeds, seed_id):
    folder, info = made
    path = _path(folder, seed_id, "pdf")
    corpus = read_corpus(path)
    doc = corpus.documents[0]
    block_pages = info[seed_id]["pdf_pages"]
    assert len(doc.page_starts) == max(block_pages) == corpus.inputs[0].pages
    assert doc.page_starts[0] == 0 and list(doc.page_starts) == sorted(doc.page_starts)
    checked = 0
    for (_, block), page in zip(seeds[seed_id].blocks, block_pages):
        head = block[:12]
        if len(block) >= 30 and doc.text.count(head) == 1 and seeds[seed_id].text.count(head) == 1:
            assert doc.page_at(doc.text.index(head)) == page, head
            checked += 1
    assert checked >= 10


def test_running_headers_footers_and_page_numbers_are_left_out(made, seeds):
    folder, _ = made
    for seed_id, style in F.PDF_STYLES.items():
        extracted = read_document(_path(folder, seed_id, "pdf"))
        lines = extracted.text.split("\n\n")
        if style.header:
            assert extracted.text.count(style.header) == seeds[seed_id].text.count(style.header)
        assert not [line for line in lines if re.fullmatch(r"- \d+ -|第 \d+ 页 共 \d+ 页|\d+|\d+/\d+", line)]
        assert "running headers, footers or page numbers left out on" in extracted.note
    browser = read_document(_path(folder, "xinhua-ai-trends-2026", "pdf")).text
    assert "news.cn" not in browser and "2026/1/28 10:15" not in browser
    assert "大模型与算力" not in browser  # the page title printed at the top of every page


def test_a_title_line_that_is_also_the_running_header_stays_on_the_first_page(made, seeds):
    """people's report opens with 国产大模型成为“全球顶流”, which is the running header of pages 2-6 too."""
    folder, _ = made
    text = read_document(_path(folder, "people-large-models-2025", "pdf")).text
    assert text.split("\n\n")[1] == "国产大模型成为“全球顶流”"
    assert text.count("国产大模型成为“全球顶流”") == seeds["people-large-models-2025"].text.count("国产大模型成为“全球顶流”")


def _pages_of(seed, style, pages: int, folder) -> list[tuple[str, str]]:
    """The seed's first blocks that fill ``pages`` pages in ``style`` (the next one would start a page more)."""
    starts = F.write_pdf(folder / "whole.pdf", seed.blocks, style)
    return seed.blocks[:max(i for i, page in enumerate(starts) if page == pages)]


SHORT_STYLES = {
    "browser print, one page": F.PdfStyle(page_numbers="", browser=("2026/1/28 10:15", "人工智能新闻",
                                                                    "https://www.news.cn/tech/c.html")),
    "header from page 2, two pages": F.PdfStyle(header="人工智能新闻汇编", page_numbers=""),
}


@pytest.mark.parametrize("style", list(SHORT_STYLES))
@pytest.mark.parametrize("seed_id", list(F.PDF_STYLES))
def test_print_margins_of_a_short_pdf_are_left_out(style, seed_id, seeds, tmp_path):
    """One or two pages cannot show a header recurring: the small lines above all body text (a browser's date
    and page title, a header from page 2 on) and a URL with N/M below it are left out all the same."""
    pages = 1 if style.startswith("browser") else 2
    blocks = _pages_of(seeds[seed_id], SHORT_STYLES[style], pages, tmp_path)
    assert F.write_pdf(tmp_path / "short.pdf", blocks, SHORT_STYLES[style])[-1] == pages
    text = read_document(tmp_path / "short.pdf").text
    assert "人工智能新闻" not in text and "news.cn" not in text and "2026/1/28" not in text
    assert not re.search(r"\d+/\d+\s*$", text)
    source = "\n".join(t for _, t in blocks)
    assert _norm(text) == _norm(source)   # every character of the text, and nothing else
    assert F.term_counts(text, ("人工智能", "智能", "模型")) == F.term_counts(source, ("人工智能", "智能", "模型"))


def test_a_last_page_of_one_line_loses_its_footer_too(seeds, tmp_path):
    """A last page holding one line of text besides the print header and footer: three lines, each of them among
    both the top three and the bottom three; the footer is still found recurring at the bottom."""
    import pypdfium2 as pdfium

    style = SHORT_STYLES["browser print, one page"]
    seed = seeds["people-large-models-2025"]
    starts = F.write_pdf(tmp_path / "whole.pdf", seed.blocks, style)
    last = "这是最后一页上唯一的一行字。"
    for end in range(starts.index(2), 0, -1):   # blocks that end on page 1, then one line on page 2
        blocks = seed.blocks[:end] + [("paragraph", last)]
        if F.write_pdf(tmp_path / "short.pdf", blocks, style)[-2:] == [1, 2]:
            page = pdfium.PdfDocument(tmp_path / "short.pdf")[1].get_textpage().get_text_range()
            if last in page and len([line for line in page.splitlines() if line.strip()]) == 3:
                break
    else:
        pytest.fail("no layout put the last line alone on page 2")
    text = read_document(tmp_path / "short.pdf").text
    assert text.endswith(last) and "news.cn" not in text and "2/2" not in text


def test_a_small_line_below_the_text_that_is_not_a_url_or_page_count_is_kept(seeds, tmp_path):
    """A one-page note set small under the text (a footnote, a source line) is text, not a print margin."""
    note = "注：数据来源于中国互联网络信息中心公开资料"
    style = F.PdfStyle(page_numbers=note)
    blocks = _pages_of(seeds["cnnic-genai-report-2025"], style, 1, tmp_path)
    F.write_pdf(tmp_path / "note.pdf", blocks, style)
    text = read_document(tmp_path / "note.pdf").text
    assert text.count(note) == 1 and text.endswith(note)


def test_word_file_leaves_out_header_footer_data_table_and_deletions(made):
    folder, _ = made
    extracted = read_document(_path(folder, "cnnic-genai-report-2025", "docx"))
    text = extracted.text
    assert "页眉" not in text and "第 1 页" not in text
    assert "表中的算力规模" not in text and "表中的大模型数量" not in text
    assert F.TRACKED_INSERTION in text and F.TRACKED_DELETION not in text
    assert extracted.format == "docx" and extracted.note == "1 table(s) of figures or labels left out"
    assert extracted.page_starts == ()


@pytest.mark.parametrize("layout", ["html5", "divs", "table"])
def test_web_page_gives_the_article_only(made, layout):
    folder, _ = made
    extracted = read_document(_path(folder, "xinhua-ai-trends-2026", layout))
    for boilerplate in ("版权所有", "ICP备", "公网安备", "返回顶部", "网站地图", "相关阅读", "热点排行", "相关新闻",
                        "推荐阅读", "栏目导航", "产业观察", "首页", "分享到"):
        assert boilerplate not in extracted.text, boilerplate
    assert extracted.text.startswith("2026 年中国 AI 发展趋势前瞻\n\n")
    if layout == "table":  # a GB2312 page, read through its declaration (as GB18030, its superset)
        assert (extracted.encoding, extracted.method) == ("gb18030", "declared")


@pytest.mark.parametrize("layout", ["html5", "divs", "table"])
def test_a_short_article_page_keeps_its_text_without_share_bar_or_credit(layout, seeds, tmp_path):
    """A page whose article is two sentences: extraction falls back to the page's text, and what the site
    adds around them (分享到：微信 微博, 【纠错】, 【责任编辑：…】) does not reach the units."""
    seed = seeds["xinhua-ai-trends-2026"]
    short = next(t for k, t in seed.blocks if k == "paragraph" and 60 <= len(t) <= 160 and t.endswith("。"))
    page = F.write_html(tmp_path / "short.html", [("paragraph", short)], title=seed.title, publisher=seed.publisher,
                        date=seed.date, layout=layout)
    text = read_document(page).text
    assert _norm(short) in _norm(text) and "分享到" not in text and "纠错" not in text
    units = [u.text for u in split_units([Document("page", text)]).units]
    assert not [u for u in units if re.search("责任编辑|分享到|纠错|微信", u)]
    assert _norm(short) in _norm("".join(units))


def test_pdf_saved_as_txt_is_read_as_pdf(made, tmp_path, seeds):
    folder, _ = made
    renamed = tmp_path / "report.txt"
    shutil.copy(_path(folder, "ccid-ai-outlook-2026", "pdf"), renamed)
    corpus = read_corpus(renamed)
    record = corpus.inputs[0]
    assert (record.format, record.pages) == ("pdf", 6)
    assert record.detail.startswith("a PDF file named .txt, read as PDF; 6 pages")
    assert F.term_counts(corpus.documents[0].text) == F.term_counts(seeds["ccid-ai-outlook-2026"].text)


@pytest.mark.parametrize("layout", ["html5", "table"])
def test_web_page_saved_as_txt_is_read_as_a_web_page(made, tmp_path, seeds, layout):
    """A page saved from the browser as text keeps its markup: read as the page it is, not as tags and scripts."""
    folder, _ = made
    page = _path(folder, "people-large-models-2025", layout)
    renamed = tmp_path / "page.txt"
    shutil.copy(page, renamed)
    corpus = read_corpus(renamed)
    record = corpus.inputs[0]
    assert record.format == "html" and record.detail.startswith("a web page named .txt, read as HTML; web page")
    assert corpus.documents[0].text == read_document(page).text
    assert "<" not in corpus.documents[0].text and "_hmt" not in corpus.documents[0].text


def test_owner_password_only_pdf_is_read(tmp_path, seeds):
    """Many published reports are encrypted against copying but open without a password."""
    seed = seeds["xinhua-ai-trends-2026"]
    F.write_pdf(tmp_path / "protected.pdf", seed.blocks, encrypt=("owner", ""))
    text = read_document(tmp_path / "protected.pdf").text
    assert F.term_counts(text) == F.term_counts(seed.text)


def test_folder_mixing_every_kind_runs_end_to_end(made, tmp_path, monkeypatch, seeds):
    folder, _ = made
    corpus = tmp_path / "mixed"
    corpus.mkdir()
    shutil.copy(_path(folder, "ccid-ai-outlook-2026", "pdf"), corpus / "ccid.pdf")
    shutil.copy(_path(folder, "people-large-models-2025", "docx"), corpus / "people.docx")
    shutil.copy(_path(folder, "xinhua-ai-trends-2026", "divs"), corpus / "xinhua.htm")
    shutil.copy(F.CORPUS / "cnnic-genai-report-2025.txt", corpus / "cnnic.txt")
    F.write_scanned_pdf(corpus / "scan.pdf", seeds["xinhua-ai-trends-2026"].text[:3000])
    F.write_pdf(corpus / "locked.pdf", seeds["xinhua-ai-trends-2026"].blocks[:10], encrypt=("o", "secret"))
    F.write_corrupt_docx(corpus / "broken.docx", _path(folder, "xinhua-ai-trends-2026", "docx"))
    F.write_html_without_article(corpus / "channel.html")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert main(["keywords", "--corpus", str(corpus), "--out", str(out), "--quiet", "--no-images"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    used = {r["name"]: (r.get("format", ""), r.get("pages")) for r in manifest["corpus"]["inputs"]}
    assert used == {"ccid.pdf": ("pdf", 6), "people.docx": ("docx", None), "xinhua.htm": ("html", None),
                    "cnnic.txt": ("", None)}
    assert {r["name"]: r["reason"] for r in manifest["corpus"]["skipped"]} == {
        "scan.pdf": "no-text-layer", "locked.pdf": "encrypted", "broken.docx": "damaged",
        "channel.html": "no-article"}
    assert set(pd.read_csv(out / "keywords.csv")["doc_id"]) == {"ccid", "people", "xinhua", "cnnic"}


def test_reports_filed_in_subfolders_are_all_read(tmp_path, seeds, capsys):
    """Reports filed by year: every file in the subfolders is read (a file there had been left out without a
    word), named by its path; hidden folders and a run's output folder are not read."""
    corpus = tmp_path / "reports"
    for folder, seed_id in (("2025", "ccid-ai-outlook-2026"), ("2025", "cnnic-genai-report-2025"),
                            ("2026/01", "xinhua-ai-trends-2026"), ("", "people-large-models-2025")):
        (corpus / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(F.CORPUS / f"{seed_id}.txt", corpus / folder / f"{seed_id}.txt")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "notes.txt").write_text("内部笔记不是报告。", encoding="utf-8")
    (corpus / "2025" / "slides.pptx").write_bytes(b"PK")
    outputs = corpus / "outputs"   # a run's output folder inside the corpus folder (--out reports/outputs)
    outputs.mkdir()
    for name, text in (("manifest.json", "{}"), ("report.md", "# 文本分析报告"), ("report.html", "<html>报告</html>"),
                       ("vocab.csv", "term,count\n智能体,35\n")):
        (outputs / name).write_text(text, encoding="utf-8")
    read = read_corpus(corpus)
    assert read.ids == ("2025/ccid-ai-outlook-2026", "2025/cnnic-genai-report-2025", "2026/01/xinhua-ai-trends-2026",
                        "people-large-models-2025")
    assert [d.meta.get("folder") for d in read] == ["2025", "2025", "2026/01", ""]
    assert [r.name for r in read.skipped] == ["2025/slides.pptx"]
    assert [F.term_counts(d.text) for d in read] == [F.term_counts(seeds[d.id.rpartition("/")[2]].text) for d in read]
    # a metadata.csv names them by their paths
    (corpus / "metadata.csv").write_text("id,file,date\nxinhua,2026/01/xinhua-ai-trends-2026.txt,2026-01-28\n"
                                         "ccid,2025/ccid-ai-outlook-2026.txt,2025\n", encoding="utf-8")
    listed = read_corpus(corpus)
    assert listed.ids == ("xinhua", "ccid") and str(listed["xinhua"].date) == "2026-01-28"
    assert sorted(r.name for r in listed.skipped if r.reason == "unlisted") == [
        "2025/cnnic-genai-report-2025.txt", "people-large-models-2025.txt"]


def test_markdown_front_matter_gives_title_and_date_and_is_not_text(tmp_path):
    """Notes exported from Hugo, Jekyll or Obsidian open with a front matter block: its title and date become the
    document's, and none of its words are counted; offsets still point into the file."""
    from conftest import shared_file

    rows = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").read_text(encoding="utf-8").splitlines()]
    folder = tmp_path / "notes"
    folder.mkdir()
    for r in rows[-3:]:
        (folder / f"{r['id']}.md").write_text(f"---\ntitle: \"{r['title']}\"\ndate: {r['year']}-10-16\n"
                                              f"tags: [党代会, 报告]\ndraft: false\n---\n\n{r['content']}", encoding="utf-8")
    read = read_corpus(folder)
    assert [str(d.date) for d in read] == [f"{r['year']}-10-16" for r in rows[-3:]]
    assert [d.meta["title"] for d in read] == [r["title"] for r in rows[-3:]]
    assert read.inputs[0].detail == "front matter (title, date, tags, draft)"
    units = split_units(read).units
    assert not [u for u in units if re.search("title|tags|draft", u.text)]
    files = {d.id: (folder / f"{d.id}.md").read_text(encoding="utf-8") for d in read}
    assert all("".join(files[u.doc_id][u.start:u.end].split()).startswith("".join(u.text.split())[:8]) for u in units)
    # metadata.csv, where there is one, says the last word
    (folder / "metadata.csv").write_text(f"file,date\n{rows[-1]['id']}.md,2022\n", encoding="utf-8")
    assert [str(d.date) for d in read_corpus(folder)] == ["2022"]


def test_two_files_with_one_name_are_an_error(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "report.txt").write_text("具身智能。" * 20, encoding="utf-8")
    (tmp_path / "c" / "report.md").write_text("智能体。" * 20, encoding="utf-8")
    with pytest.raises(Exception, match="report.md and report.txt would both get the document id 'report'"):
        read_corpus(tmp_path / "c")


# -- a real browser's print to PDF ------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("seed_id", ["xinhua-ai-trends-2026", "cnnic-genai-report-2025"])
def test_browser_print_with_date_url_and_page_numbers_reads_clean(seed_id, seeds, tmp_path):
    """Chromium's "save as PDF" with headers and footers: date and title on top, URL and N/M below, the
    text drawn with Noto Sans CJK, whose shared glyphs make PDF text maps give Kangxi radicals (⼒ for 力)."""
    seed = seeds[seed_id]
    page = F.article_html_for_print(tmp_path / "article.html", seed)
    try:
        F.browser_print_pdf(page, tmp_path / "printed.pdf")
    except RuntimeError as exc:
        pytest.skip(f"{exc}: install Debian's 'chromium' package")
    extracted = read_document(tmp_path / "printed.pdf")
    assert F.term_counts(extracted.text) == F.term_counts(seed.text)
    assert "article.html" not in extracted.text and not re.search(r"\d+/\d+\s*$", extracted.text)
    paragraphs = [_norm(p) for p in extracted.text.split("\n\n") if _norm(p)]
    assert paragraphs == [_norm(t) for _, t in seed.blocks if _norm(t)]


@pytest.mark.slow
def test_browser_print_of_one_page_reads_clean(seeds, tmp_path):
    """The same print of an article that fits one page: its header and footer cannot recur, and are left out."""
    import pypdfium2 as pdfium

    seed = seeds["xinhua-ai-trends-2026"]
    blocks, total = [], 0
    for block in seed.blocks:
        blocks.append(block)
        total += len(block[1])
        if total > 500:
            break
    short = F.Seed(seed.id, seed.file, seed.title, seed.publisher, seed.date, "\n\n".join(t for _, t in blocks))
    page = F.article_html_for_print(tmp_path / "article.html", short)
    try:
        F.browser_print_pdf(page, tmp_path / "printed.pdf")
    except RuntimeError as exc:
        pytest.skip(f"{exc}: install Debian's 'chromium' package")
    assert len(pdfium.PdfDocument(tmp_path / "printed.pdf")) == 1
    extracted = read_document(tmp_path / "printed.pdf")
    assert "article.html" not in extracted.text and not re.search(r"\d+/\d+/\d+|\d+/\d+\s*$", extracted.text)
    assert extracted.text.count(seed.title) == short.text.count(seed.title)   # the page title printed on top
    assert [_norm(p) for p in extracted.text.split("\n\n") if _norm(p)] == [_norm(t) for _, t in blocks if _norm(t)]


# -- pieces ---------------------------------------------------------------------------------------------

def test_radicals_from_shared_glyphs_become_the_ideographs():
    assert fix_radicals("算⼒与⼈⼯智能的⻓期发展") == "算力与人工智能的长期发展"
    assert fix_radicals("大模型，智能体。") == "大模型，智能体。"


def test_the_radical_table_matches_the_glyphs_of_the_bundled_font():
    """Each radical and its ideograph are drawn with one glyph in Noto Sans CJK SC (checked on the font)."""
    from fontTools.ttLib import TTFont

    from textmine.fonts import cjk_font_path
    from textmine.io.documents import _IDEOGRAPHS, _RADICALS

    cmap = TTFont(cjk_font_path(), lazy=True).getBestCmap()
    assert len(_RADICALS) == len(_IDEOGRAPHS) == 275
    assert all(cmap[ord(r)] == cmap[ord(i)] for r, i in zip(_RADICALS, _IDEOGRAPHS))


@pytest.mark.parametrize("lines, joined", [
    (["生成式人工智能的大模", "型应用"], "生成式人工智能的大模型应用"),
    (["Mixture of", "experts"], "Mixture of experts"),
    (["DeepSeek-", "R1 模型"], "DeepSeek-R1 模型"),
    (["https://www.gov.cn/yaowen/shipin/2025", "04/content_7021303.htm"],
     "https://www.gov.cn/yaowen/shipin/202504/content_7021303.htm"),
    (["截至 2025", "年 6 月"], "截至 2025年 6 月"),
    (["GPT-4o 能接受", "文本"], "GPT-4o 能接受文本"),
])
def test_lines_of_a_paragraph_are_joined_without_cutting_words(lines, joined):
    assert join_lines(lines) == joined


def test_line_separator_puts_a_space_only_between_latin_words():
    assert line_separator("large", "models") == " "
    assert line_separator("模型", "models") == ""
    assert line_separator("AI", "技术") == ""


def test_page_at_maps_offsets_to_pages():
    doc = Document("d", "第一页。\n\n第二页开始，跨页的段落\n\n第三页。", page_starts=(0, 6, 18))
    assert [doc.page_at(i) for i in (0, 5, 6, 17, 18, 22)] == [1, 1, 2, 2, 3, 3]
    assert Document("t", "纯文本").page_at(0) is None


# -- Excel tables in ------------------------------------------------------------------------------------

def test_xlsx_table_reads_like_the_same_csv(tmp_path):
    from conftest import shared_file

    csv_path = shared_file("news_10_cats_dev.csv")
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    xlsx = tmp_path / "news.xlsx"
    frame.to_excel(xlsx, index=False)
    from_csv = read_corpus(csv_path, text_col="text", id_col="id")
    from_xlsx = read_corpus(xlsx, text_col="text", id_col="id")
    assert len(from_xlsx) == len(from_csv) == 502
    assert [(d.id, d.text, dict(d.meta)) for d in from_xlsx] == [(d.id, d.text, dict(d.meta)) for d in from_csv]
    assert from_xlsx.inputs[0].to_dict() == {"name": "news.xlsx", "status": "used", "detail": "sheet 'Sheet1'",
                                             "format": "xlsx"}


def test_xlsx_sheet_option_and_excel_dates(tmp_path):
    import datetime as dt

    from conftest import shared_file

    reports = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").read_text(
        encoding="utf-8").splitlines()]
    frame = pd.DataFrame({"id": [r["id"] for r in reports], "content": [r["content"] for r in reports],
                          "opened": [dt.datetime(int(r["year"]), 7, 1) for r in reports],
                          "year": [int(r["year"]) for r in reports]})
    path = tmp_path / "cpc.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"说明": ["中国共产党全国代表大会报告"]}).to_excel(writer, sheet_name="说明", index=False)
        with warnings.catch_warnings():  # pandas warns that it cuts the long reports at Excel's cell limit
            warnings.simplefilter("ignore", UserWarning)
            frame.to_excel(writer, sheet_name="报告", index=False)
    corpus = read_corpus(path, text_col="content", id_col="id", date_col="opened", sheet="报告")
    assert len(corpus) == 16
    assert [str(d.date) for d in corpus] == [f"{r['year']}-07-01" for r in reports]
    assert [d.meta["year"] for d in corpus] == [str(r["year"]) for r in reports]
    # an Excel cell holds at most 32,767 characters: longer reports arrive cut there
    assert [d.text for d in corpus] == [r["content"][:32767].replace("\r\n", "\n") for r in reports]
    with pytest.raises(Exception, match=r"has no sheet '报告表'; did you mean '报告'\? .*sheets: 说明, 报告"):
        read_corpus(path, text_col="content", sheet="报告表")
