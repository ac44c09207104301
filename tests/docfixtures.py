"""Real documents made at test time from the seed reports: PDF, DOCX, HTML, and bad files of each kind.

Each writer lays out the text of a seed report the way its kind of file carries it, with real
libraries: fpdf2 places every line of a PDF page itself (Chinese broken anywhere, Latin words
kept whole, first-line indents, running headers and page numbers, a browser's print header and
footer), python-docx writes a Word file with a page header and footer and tables, and the HTML
pages wrap the article in navigation, sidebars and footers of three common site layouts.
Nothing is written into the repository: callers pass a folder (pytest's ``tmp_path``).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
CORPUS = REPO / "corpus"
FIELD_TERMS = ("智能体", "具身智能", "大模型", "算力")

_BLOCK_SPLIT = re.compile(r"\n[ \t\u3000]*\n\s*")


@dataclass(frozen=True)
class Seed:
    id: str
    file: str
    title: str
    publisher: str
    date: str
    text: str

    @property
    def blocks(self) -> list[tuple[str, str]]:
        """``(kind, text)`` of each heading and paragraph line, in order (markdown heading marks removed)."""
        out = []
        for block in _BLOCK_SPLIT.split(self.text):
            for line in block.split("\n"):
                line = line.strip()
                if not line:
                    continue
                if line.startswith("#"):
                    out.append(("heading", line.lstrip("#").strip()))
                else:
                    out.append(("paragraph", line))
        return out


def seeds() -> list[Seed]:
    """The four seed reports with their titles (from corpus/metadata.csv); the caller skips when absent."""
    with open(CORPUS / "metadata.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [Seed(r["id"], r["seed"], r["title"], r["publisher"], r["date"],
                 (SEEDS / r["seed"]).read_text(encoding="utf-8")) for r in rows]


def term_counts(text: str, terms=FIELD_TERMS) -> dict[str, int]:
    """Plain substring counts, the independent measure every reader is checked against."""
    return {t: text.count(t) for t in terms}


# -- fonts ---------------------------------------------------------------------------------------------

def _mplfonts_file(name: str) -> Path:
    spec = find_spec("mplfonts")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / name


def truetype_cjk_font() -> Path:
    """SimHei (TrueType outlines), shipped in mplfonts like the Noto font textmine draws with.

    fpdf2 embeds the OpenType/CFF Noto font too, but writes its encoding as an embedded CMap
    stream that pdfminer.six cannot decode (no characters come out); Word and WPS embed TrueType
    fonts as CIDFontType2 with Identity-H, which is what a TrueType font gives here.
    """
    return _mplfonts_file("SimHei.ttf")


def noto_cjk_font() -> Path:
    return _mplfonts_file("NotoSansCJKsc-Regular.otf")


# -- PDF ------------------------------------------------------------------------------------------------

_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%+\-/:_']*|\s+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』”’%…")


def _tokens(text: str) -> list[str]:
    """Pieces a line may not split: Latin words and numbers whole, every Chinese character alone, closing
    punctuation glued to what precedes it (no line starts with '，')."""
    out: list[str] = []
    for piece in _LATIN_RUN.findall(text):
        if out and piece[0] in _NO_LINE_START:
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _lines(pdf, text: str, width: float, indent: float) -> list[str]:
    lines, current, room = [], "", width - indent
    for token in _tokens(text):
        if not current and token.isspace():
            continue
        if pdf.get_string_width(current + token) > room and current.strip():
            lines.append(current.rstrip())
            current, room = ("" if token.isspace() else token), width
            while pdf.get_string_width(current) > room:   # a Latin run longer than a line
                cut = len(current) - 1
                while cut > 1 and pdf.get_string_width(current[:cut]) > room:
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        else:
            current += token
    if current.strip():
        lines.append(current.rstrip())
    return lines


@dataclass(frozen=True)
class PdfStyle:
    """How a PDF lays out its pages: running header text, page-number footer, a browser's print
    header/footer, paragraph cues (first-line indent, space between paragraphs)."""

    header: str = ""
    page_numbers: str = "- {n} -"        # or "第 {n} 页 共 {total} 页", or "" for none
    browser: tuple[str, str, str] = ()   # (printed at, page title, URL): date top left, title top centre,
                                         # URL bottom left, N/M bottom right
    indent: bool = True
    paragraph_space: float = 0.0         # mm between paragraphs
    header_on_first_page: bool = False
    font_size: float = 11.0
    line_height: float = 6.4             # mm


def write_pdf(path: Path, blocks: list[tuple[str, str]], style: PdfStyle = PdfStyle(), *,
              font: Path | None = None, title: str = "", encrypt: tuple[str, str] | None = None) -> list[int]:
    """A text PDF of ``blocks`` at ``path``; returns the page (1-based) on which each block begins.
    ``encrypt=(owner, user)`` protects it with AES-128 (an empty user password opens without one, as many
    published reports do)."""
    from fontTools.ttLib import TTFont
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    font = font or truetype_cjk_font()
    cmap = TTFont(font, lazy=True).getBestCmap()
    total_pages = [0]

    class Report(FPDF):
        def header(self):
            self.set_font("cjk", size=8.5)
            if style.browser:
                self.text(8, 7, style.browser[0])
                self.text((self.w - self.get_string_width(style.browser[1])) / 2, 7, style.browser[1])
            if style.header and (self.page_no() > 1 or style.header_on_first_page):
                self.text((self.w - self.get_string_width(style.header)) / 2, 15, style.header)
                self.line(25, 17, self.w - 25, 17)

        def footer(self):
            self.set_font("cjk", size=8.5)
            if style.browser:
                self.text(8, self.h - 6, style.browser[2])
                mark = f"{self.page_no()}/{total_pages[0]}"
                self.text(self.w - 8 - self.get_string_width(mark), self.h - 6, mark)
            if style.page_numbers:
                mark = style.page_numbers.format(n=self.page_no(), total=total_pages[0])
                self.text((self.w - self.get_string_width(mark)) / 2, self.h - 14, mark)

    block_pages: list[int] = []

    def render(count_only: bool) -> Report:
        block_pages.clear()
        pdf = Report(format="A4")
        pdf.set_creation_date(dt.datetime(2026, 1, 28, tzinfo=dt.timezone.utc))
        if title:
            pdf.set_title(title)
        pdf.add_font("cjk", fname=str(font))
        pdf.set_auto_page_break(False)
        left, right, top, bottom = 25.0, 25.0, 25.0, 27.0
        width = pdf.w - left - right
        pdf.add_page()
        y = top
        for kind, text in blocks:
            text = "".join(c for c in text.replace("\t", " ") if ord(c) in cmap or c == " ")
            size = style.font_size * (1.3 if kind == "heading" else 1.0)
            height = style.line_height * (1.3 if kind == "heading" else 1.0)
            pdf.set_font("cjk", size=size)
            indent = 2 * size * 0.3528 if style.indent and kind == "paragraph" else 0.0
            for number, line in enumerate(_lines(pdf, text, width, indent)):
                if y + height > pdf.h - bottom:
                    pdf.add_page()
                    pdf.set_font("cjk", size=size)
                    y = top
                if number == 0:
                    block_pages.append(pdf.page_no())
                y += height
                pdf.text(left + (indent if number == 0 else 0), y - 1.6, line)
            y += style.paragraph_space + (2.0 if kind == "heading" else 0.0)
        return pdf

    total_pages[0] = render(True).pages_count
    pdf = render(False)
    if encrypt:
        pdf.set_encryption(owner_password=encrypt[0], user_password=encrypt[1],
                           encryption_method=EncryptionMethod.AES_128)
    pdf.output(str(path))
    return list(block_pages)


def write_scanned_pdf(path: Path, text: str, pages: int = 2) -> Path:
    """A PDF of page images (text drawn into pictures, as a scanner makes them): no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(noto_cjk_font()), 28)
    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(2026, 1, 28, tzinfo=dt.timezone.utc))
    chars_per_line, lines_per_page = 38, 40
    lines = [text[i:i + chars_per_line] for i in range(0, len(text), chars_per_line)]
    for page in range(pages):
        image = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(lines[page * lines_per_page:(page + 1) * lines_per_page]):
            draw.text((80, 100 + row * 40), line, font=face, fill=0)
        pdf.add_page()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.output(str(path))
    return path


# -- DOCX -----------------------------------------------------------------------------------------------

def _add_page_field(paragraph) -> None:
    """A PAGE field (what Word's "insert page number" writes), showing 1 until Word updates it."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph.add_run("第 ")
    paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r>'
                                  f'</w:fldSimple>'))
    paragraph.add_run(" 页")


TRACKED_INSERTION = "（修订时插入的一句话。）"
TRACKED_DELETION = "修订时删除的大模型与算力。"


def write_docx(path: Path, blocks: list[tuple[str, str]], *, title: str = "", header: str,
               prose_table_at: int | None = None, data_table: list[list[str]] | None = None,
               tracked_changes: bool = False) -> Path:
    """A Word report: title, headings, body paragraphs; a page header and footer (with a page number);
    from block ``prose_table_at`` on, three paragraphs laid out in a two-column table (label | prose);
    ``data_table`` (short cells) after the first paragraph; with ``tracked_changes``, the last paragraph
    ends with a tracked insertion and a tracked deletion (:data:`TRACKED_INSERTION`, :data:`TRACKED_DELETION`)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.created = dt.datetime(2026, 1, 28)
    document.core_properties.title = title
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    _add_page_field(section.footer.paragraphs[0])
    if title:
        document.add_heading(title, level=0)
    index, placed_data = 0, False
    while index < len(blocks):
        if prose_table_at is not None and index == prose_table_at:
            rows = blocks[index:index + 3]
            table = document.add_table(rows=len(rows), cols=2)
            table.style = "Table Grid"
            for number, (row, (_, text)) in enumerate(zip(table.rows, rows), start=1):
                row.cells[0].text = f"要点{number}"
                row.cells[1].text = text
            index += len(rows)
            continue
        kind, text = blocks[index]
        if kind == "heading":
            document.add_heading(text, level=2)
        else:
            paragraph = document.add_paragraph(text)
            paragraph.paragraph_format.first_line_indent = Pt(22)
            if data_table and not placed_data:
                table = document.add_table(rows=len(data_table), cols=len(data_table[0]))
                for row, values in zip(table.rows, data_table):
                    for cell, value in zip(row.cells, values):
                        cell.text = value
                placed_data = True
        index += 1
    if tracked_changes:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        paragraph = document.paragraphs[-1]._p
        paragraph.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="编辑" w:date="2026-01-28T00:00:00Z">'
                                   f'<w:r><w:t>{TRACKED_INSERTION}</w:t></w:r></w:ins>'))
        paragraph.append(parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="编辑" w:date="2026-01-28T00:00:00Z">'
                                   f'<w:r><w:delText>{TRACKED_DELETION}</w:delText></w:r></w:del>'))
    document.save(str(path))
    return path


def write_corrupt_docx(path: Path, good: Path | None = None) -> Path:
    """A .docx cut off half way (an interrupted download): the ZIP directory at its end is missing."""
    if good is not None:
        data = good.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    return path


# -- HTML -----------------------------------------------------------------------------------------------

NAV_TERMS = ("大模型", "智能体", "算力", "具身智能")


def _related(n: int = 6) -> list[str]:
    return [f"{NAV_TERMS[i % 4]}产业观察：第{i + 1}期专题报道" for i in range(n)]


def _footer_html() -> str:
    return ("<p>版权所有 © 2026 新华网 All Rights Reserved</p><p>京ICP备10012345号-1 京公网安备 11010502012345号</p>"
            "<p><a href='#top'>返回顶部</a> | <a href='/sitemap.html'>网站地图</a> | <a href='/about'>关于我们</a></p>")


def write_html(path: Path, blocks: list[tuple[str, str]], *, title: str, publisher: str, date: str,
               layout: str = "html5", encoding: str = "utf-8") -> Path:
    """A news page holding the article in one of three layouts:

    ``html5``: header/nav, article with h1 and <p>, aside with 相关阅读, footer;
    ``divs``: the div soup of a CMS (id="nav", class="left"/"right", TRS_Editor), no semantic tags;
    ``table``: a government site's table layout, paragraphs as <br>-separated text with &nbsp; indents,
    written in ``encoding`` with a matching meta charset.
    """
    esc = html.escape
    nav = "".join(f"<li><a href='/{i}'>{t}</a></li>" for i, t in enumerate(("首页", "时政", *NAV_TERMS, "科技")))
    related = "".join(f"<li><a href='/news/{i}.html'>{esc(t)}</a></li>" for i, t in enumerate(_related()))
    body_html = "\n".join(f"<h2>{esc(t)}</h2>" if k == "heading" else f"<p>{esc(t)}</p>" for k, t in blocks)
    info = f"来源：{esc(publisher)} 发布时间：{esc(date)}"
    if layout == "html5":
        page = f"""<header><div class="logo">新华网</div><nav><ul>{nav}</ul></nav>
<div class="breadcrumb">首页 &gt; 科技 &gt; 大模型</div></header>
<main><article><h1>{esc(title)}</h1><div class="info">{info}</div>
<div class="content">{body_html}</div>
<div class="share">分享到：微信 微博 <a href="#">【纠错】</a></div></article>
<aside><h3>相关阅读</h3><ul>{related}</ul><h3>热点排行</h3><ol>{related}</ol></aside></main>
<footer>{_footer_html()}</footer>"""
    elif layout == "divs":
        page = f"""<div id="top_bar"><a href="/">登录</a> <a href="/">注册</a> 搜索：大模型 智能体</div>
<div id="nav"><ul>{nav}</ul></div>
<div class="main"><div class="left"><div class="title_area"><h1>{esc(title)}</h1><div class="time">{info}</div></div>
<div class="TRS_Editor">{body_html}</div><div class="editor">【责任编辑：王晓】</div></div>
<div class="right"><div class="tit">相关新闻</div><ul>{related}</ul><div class="tit">推荐阅读</div><ul>{related}</ul></div></div>
<div class="footer">{_footer_html()}</div>"""
    elif layout == "table":
        paragraphs = "<br/>\n".join(
            ("&nbsp;&nbsp;&nbsp;&nbsp;" + esc(t)) if k == "paragraph" else f"<b>{esc(t)}</b>" for k, t in blocks)
        page = f"""<table width="100%"><tr><td class="nav">{' | '.join(f"<a href='/{i}'>{t}</a>" for i, t in enumerate(('首页', *NAV_TERMS)))}</td></tr></table>
<table width="980" align="center"><tr><td width="240" valign="top" class="side"><b>栏目导航</b><ul>{related}</ul></td>
<td valign="top"><table width="100%"><tr><td align="center" class="biaoti"><h1>{esc(title)}</h1></td></tr>
<tr><td align="center">{info}</td></tr>
<tr><td id="zoom" class="zoom">{paragraphs}</td></tr></table></td></tr></table>
<table width="100%"><tr><td align="center">{_footer_html()}</td></tr></table>"""
    else:
        raise ValueError(layout)
    document = (f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"{encoding}\">"
                f"<title>{esc(title)}_新华网</title><meta name=\"description\" content=\"{esc(title)}\">"
                f"<script>var _hmt = _hmt || []; /* 统计 大模型 */</script><style>body{{font:14px sans-serif}}</style>"
                f"</head><body>{page}</body></html>")
    path.write_bytes(document.encode(encoding, errors="xmlcharrefreplace"))
    return path


def write_html_without_article(path: Path) -> Path:
    """A channel index page: navigation, lists of headline links and a footer, no article."""
    links = "".join(f"<li><a href='/news/{i}.html'>{html.escape(t)}</a><span>2026-01-{i + 10:02d}</span></li>"
                    for i, t in enumerate(_related(12)))
    nav = "".join(f"<a href='/{i}'>{t}</a> " for i, t in enumerate(("首页", *NAV_TERMS)))
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>人工智能频道_新华网</title></head>"
                    f"<body><div id='nav'>{nav}</div><div class='list'><h2>最新报道</h2><ul>{links}</ul>"
                    f"<div class='page'>上一页 1 2 3 下一页</div></div><div class='footer'>{_footer_html()}</div>"
                    f"</body></html>", encoding="utf-8")
    return path


# -- a real browser's print -----------------------------------------------------------------------------

def browser_print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print an HTML file to PDF with headless Chromium, with the browser's header (date, title) and footer
    (URL, N/M), as "Save as PDF" with headers and footers does. Raises RuntimeError without Chromium."""
    import shutil

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        raise RuntimeError("no Chromium on this machine")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(html_path.resolve().as_uri())
            page.pdf(path=str(pdf_path), format="A4", display_header_footer=True,
                     header_template="<div style='font-size:8px;width:100%;display:flex;justify-content:space-between;"
                                     "padding:0 8mm'><span class='date'></span><span class='title'></span>"
                                     "<span></span></div>",
                     footer_template="<div style='font-size:8px;width:100%;display:flex;justify-content:space-between;"
                                     "padding:0 8mm'><span class='url'></span><span><span class='pageNumber'></span>/"
                                     "<span class='totalPages'></span></span></div>",
                     margin={"top": "20mm", "bottom": "20mm", "left": "18mm", "right": "18mm"})
        finally:
            browser.close()
    return pdf_path


def article_html_for_print(path: Path, seed: Seed) -> Path:
    """The article alone as a simple page (what a reader's view prints): the seed's first line as the
    heading, the rest as paragraphs, in the bundled Noto font."""
    (_, title), *rest = seed.blocks
    body = "\n".join(f"<h2>{html.escape(t)}</h2>" if k == "heading" else f"<p>{html.escape(t)}</p>"
                     for k, t in rest)
    path.write_text(f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(seed.title)}"
                    f"</title><style>body{{font-family:'Noto Sans CJK SC',sans-serif;font-size:15px;line-height:1.7}}"
                    f"p{{text-indent:2em;margin:0.4em 0}}@font-face{{font-family:'Noto Sans CJK SC';"
                    f"src:url('{noto_cjk_font().as_uri()}')}}</style></head>"
                    f"<body><h1>{html.escape(title)}</h1>{body}</body></html>", encoding="utf-8")
    return path


#: each seed laid out differently; two running headers hold a field term, so leaks are counted
PDF_STYLES = {
    "ccid-ai-outlook-2026": PdfStyle(header="赛迪智库 · 人工智能将迎来进一步升级跃迁", page_numbers="- {n} -"),
    "people-large-models-2025": PdfStyle(header="国产大模型成为“全球顶流”", page_numbers="第 {n} 页 共 {total} 页",
                                           indent=False, paragraph_space=3),
    "cnnic-genai-report-2025": PdfStyle(header="生成式人工智能应用发展报告（2025）· 具身智能与智能体",
                                          page_numbers="{n}"),
    "xinhua-ai-trends-2026": PdfStyle(page_numbers="", browser=(
        "2026/1/28 10:15", "2026 年中国 AI 发展趋势前瞻：大模型与算力", "https://www.news.cn/tech/20260128/abc123/c.html")),
}
