"""The running text of a PDF, page by page, read with PDFium (pypdfium2).

PDFium gives each line of a page with its position. From the positions:

- **Running headers and footers** are lines among the top or bottom three of a page whose text,
  with digits ignored, recurs at the same height on at least half of the pages, or of the odd or
  the even pages (a report's title line,
  ``第 3 页 共 12 页``, a browser's print header and footer with date, title, URL and ``3/12``);
  a line there that is only a page number goes on any page.
- **Print margins**, which a document of one or two pages cannot show recurring: a line set smaller
  than the body text and standing above every line of body text in the document, at least a line's
  height clear of it (a browser's print header with date and page title; a report's header on its
  second page only), and a line set smaller below them all that is only a URL or a page count
  ``N/M`` (a browser's print footer). A smaller line below the text that says anything else (a
  footnote) is kept.
- **Paragraphs**: a line starts a new paragraph when it is indented, set in another font size, or
  further below the previous line than the usual line spacing, or when the previous line stopped
  short although the first word of this one would have fitted there. Other lines are joined to
  the previous one (see :func:`~textmine.io.documents.line_separator`), also across a page break.
- **Pages**: ``Extracted.page_starts`` holds the offset where each page's first line begins.

A PDF without a text layer (scanned pages, images of text), one that needs a password, and one
PDFium cannot open are rejected with one line saying so.
"""

from __future__ import annotations

import logging
import math
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from .decode import InputRejected
from .documents import Extracted, clean_line, line_separator

log = logging.getLogger(__name__)

#: Lines at the top or bottom of a page checked for running headers and footers.
EDGE_LINES = 3
#: Share of the pages on which a top or bottom line must recur to count as a running header/footer.
RUNNING_SHARE = 0.5

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—·•\s]*\d+[-–—·•\s]*|第\s*\d+\s*页(?:\s*[,，/、]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+"
    r"|(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?|[ivxlc]+)$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
# The first word of a line: a run of Latin letters, digits and signs (a word, a number, a URL) or one
# character, with the opening marks before it and the punctuation after it that a typesetter keeps
# with it ("为：", "26.1%；", "《“人", "出,2024" move to the next line together).
_FIRST_TOKEN = re.compile(r"[‘“（《「『【(\[]*(?:[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+|\S)"
                          r"(?:[，。、；：？！）》」』”’%…,.;:!?)]+[A-Za-z0-9]*)*")
#: Points a running header or footer may move from page to page.
EDGE_TOLERANCE = 3.0
#: A print-margin line is set at most this share of the body text's size.
MARGIN_SIZE_SHARE = 0.8
_PRINT_FOOTER = re.compile(r"(?:(?:https?|file)://\S*|www\.\S+)(?:\s+\d+\s*/\s*\d+)?|\d+\s*/\s*\d+", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One line of a page: its text and box (PDF points, y upwards) and the font size of its first character."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float
    size: float
    lead_width: float  # width of the first word (Latin) or character (Chinese): what a wider line would hold


def _page_lines(textpage, raw) -> list[Line]:
    count = textpage.count_chars()
    chars = [chr(raw.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count)]
    lines, start = [], 0
    for index in range(count + 1):
        char = chars[index] if index < count else "\n"
        if char not in "\r\n\x02":
            continue
        stop = index
        if char == "\x02":  # PDFium's mark for a hyphen that ends a line: keep the hyphen, end the line
            chars[index] = "-"
            stop = index + 1
        text = "".join(chars[start:stop])
        if text.strip():
            lines.append(_line(textpage, raw, start, text))
        start = index + 1
    return lines


def _line(textpage, raw, start: int, text: str) -> Line:
    boxes = [textpage.get_rect(i) for i in range(textpage.count_rects(start, len(text)))]
    if not boxes:  # white space only, or characters PDFium gives no box for
        boxes = [textpage.get_charbox(start)]
    x0, x1 = min(b[0] for b in boxes), max(b[2] for b in boxes)
    bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
    lead = len(text) - len(text.lstrip())
    size = raw.FPDFText_GetFontSize(textpage.raw, start + lead)
    token = _FIRST_TOKEN.match(text, lead)
    first = textpage.get_charbox(start + lead, loose=True)
    last = textpage.get_charbox(start + (token.end() - 1 if token else lead), loose=True)
    return Line(text, x0, x1, bottom, top, size, max(last[2] - first[0], 0.0))


def _edge_key(text: str) -> str:
    return _DIGITS.sub("#", "".join(text.split()))


def running_lines(pages: list[list[Line]]) -> list[set[int]]:
    """For each page, the indices of its lines that are running headers, footers or page numbers."""
    edges: list[list[tuple[int, str]]] = []
    seen: dict[tuple[str, str], list[tuple[int, float]]] = {}  # (top/bottom, text) → (page, height on page)
    for number, lines in enumerate(pages):
        order = sorted(range(len(lines)), key=lambda i: -lines[i].top)
        # on a page of few lines (the last page of a report) a line can be among both: it is checked as both
        tagged = [(i, "top") for i in order[:EDGE_LINES]] + [(i, "bottom") for i in order[-EDGE_LINES:]]
        edges.append(tagged)
        for i, where in tagged:
            seen.setdefault((where, _edge_key(lines[i].text)), []).append((number, lines[i].top))
    needed = max(2, math.ceil(RUNNING_SHARE * len(pages)))
    # bound reports alternate headers: the report's name on even pages, the chapter's on odd ones
    needed_by_parity = [max(2, math.ceil(RUNNING_SHARE * len(pages[parity::2]))) for parity in (0, 1)]
    margins = _print_margins(pages)
    removed = []
    for number, (lines, tagged) in enumerate(zip(pages, edges)):
        drop = set()
        for i, where in tagged:
            text = lines[i].text.strip()
            if _PAGE_NUMBER.match(text) or margins(lines[i], where):
                drop.add(i)
                continue
            # the same text at the same height: a title line on page 1 that is also the running header of
            # the other pages is kept
            found = {n for n, top in seen[(where, _edge_key(text))] if abs(top - lines[i].top) <= EDGE_TOLERANCE}
            if len(found) >= needed or len({n for n in found if n % 2 == number % 2}) >= needed_by_parity[number % 2]:
                drop.add(i)
        removed.append(drop)
    return removed


def _print_margins(pages: list[list[Line]]) -> Callable[[Line, str], bool]:
    """Whether a top or bottom line of a page lies in the print margin (see the module docs)."""
    layout = _layout(pages)
    size = _text_size(pages)
    body = [ln for page in pages for ln in page if ln.size > MARGIN_SIZE_SHARE * size]
    if not body:
        return lambda line, where: False
    clear = layout.spacing * size   # one line of body text
    highest, lowest = max(ln.top for ln in body), min(ln.top for ln in body)

    def in_margin(line: Line, where: str) -> bool:
        if not 0 < line.size <= MARGIN_SIZE_SHARE * size:
            return False
        if where == "top":
            return line.top - highest >= clear
        return lowest - line.top >= clear and bool(_PRINT_FOOTER.fullmatch(line.text.strip()))

    return in_margin


def _text_size(pages: list[list[Line]]) -> float:
    """The font size of half the characters or more: the body text's (by lines, a page of three lines and
    its header and footers would give the header's)."""
    sized = sorted((ln.size, len(ln.text.strip())) for page in pages for ln in page if ln.size > 0)
    half, seen = sum(n for _, n in sized) / 2, 0
    for size, n in sized:
        seen += n
        if seen >= half:
            return size
    return 10.0


@dataclass(frozen=True)
class _Layout:
    left: float
    right: float
    size: float
    spacing: float  # usual distance from one line to the next, in font sizes


def _layout(pages: list[list[Line]]) -> _Layout:
    """Margins, body font size and line spacing of a set of pages (the odd or the even ones: margins
    alternate in a bound report). The right margin is where nine lines in ten end at the latest,
    so a page of short lines (a contents page) does not move it."""
    lines = [ln for page in pages for ln in page]
    sizes = [ln.size for ln in lines if ln.size > 0]
    size = statistics.median(sizes) if sizes else 10.0
    steps = [(a.top - b.top) / a.size for page in pages for a, b in zip(page, page[1:])
             if a.size > 0 and abs(a.size - b.size) < 0.5 and 0 < a.top - b.top < 3 * a.size]
    spacing = statistics.median(steps) if steps else 1.4
    ends = sorted(ln.x1 for ln in lines)
    return _Layout(min(ln.x0 for ln in lines), ends[int(0.9 * (len(ends) - 1))], size, spacing)


def starts_paragraph(before: Line, line: Line, layout_before: _Layout, layout: _Layout, same_page: bool) -> bool:
    """Whether ``line`` begins a new paragraph after ``before`` (see the module docs)."""
    em = max(layout.size, 1.0)
    if abs(before.size - line.size) > 0.15 * max(before.size, line.size):
        return True
    if line.x0 - layout.left > 0.8 * em:
        return True
    fills_line = line.lead_width > layout.right - layout.left - em  # a word longer than a line (a URL)
    if not fills_line and layout_before.right - before.x1 > line.lead_width + 0.5 * em:
        return True
    if same_page:
        size = max(before.size, line.size, 1.0)
        step = before.top - line.top
        if step <= 0 or step > (layout.spacing + 0.4) * size:
            return True
    return False


def read_pdf(data: bytes) -> Extracted:
    """The text of a PDF file's bytes; raises :class:`InputRejected` for a file that cannot be read."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise InputRejected("encrypted", "needs a password to open; save a copy without the password "
                                             "and use that") from None
        if "security" in message.lower():
            raise InputRejected("encrypted", "protected by a security handler PDFium cannot open; "
                                             "save an unprotected copy and use that") from None
        found = re.search(r"PDFium: ([^)]*)", message)
        reason = found.group(1).rstrip(".").lower() if found else message
        raise InputRejected("damaged", f"not a readable PDF: PDFium reports {reason}") from None
    pages, unreadable = [], []
    try:
        for number in range(len(document)):
            try:
                page = document[number]
                textpage = page.get_textpage()
                pages.append(_page_lines(textpage, raw))
                textpage.close()
                page.close()
            except pdfium.PdfiumError:
                pages.append([])
                unreadable.append(number + 1)
    finally:
        document.close()
    if not pages:
        raise InputRejected("damaged", "a PDF without pages")
    if len(unreadable) == len(pages):
        raise InputRejected("damaged", f"none of its {len(pages)} pages can be read")
    if not any(pages):
        raise InputRejected("no-text-layer", f"no text layer on its {_pages(len(pages))}, only images of text; "
                                             f"run OCR first")
    return assemble(pages, unreadable)


def assemble(pages: list[list[Line]], unreadable: list[int] = ()) -> Extracted:
    """Join the lines of the pages into paragraphs, leaving out running headers and footers."""
    dropped = running_lines(pages)
    out: list[str] = []
    length = 0
    page_starts: list[int] = []
    before: Line | None = None
    layout_before: _Layout | None = None
    removed_pages = sum(1 for d in dropped if d)
    empty_pages = []
    bodies = []
    for lines, drop in zip(pages, dropped):
        body = [Line(clean_line(ln.text).strip(), ln.x0, ln.x1, ln.bottom, ln.top, ln.size, ln.lead_width)
                for i, ln in enumerate(lines) if i not in drop]
        bodies.append([ln for ln in body if ln.text])
    layouts = [_layout(bodies[parity::2]) if any(bodies[parity::2]) else None for parity in (0, 1)]
    for number, body in enumerate(bodies, start=1):
        if not body:
            page_starts.append(length)
            if number not in unreadable:
                empty_pages.append(number)
            continue
        layout = layouts[(number - 1) % 2]
        for index, line in enumerate(body):
            if before is None:
                separator = ""
            elif starts_paragraph(before, line, layout_before, layout, same_page=index > 0):
                separator = "\n\n"
            else:
                separator = line_separator(before.text, line.text)
            if index == 0:
                page_starts.append(length + len(separator))
            out.append(separator + line.text)
            length += len(separator) + len(line.text)
            before, layout_before = line, layout
    text = "".join(out)
    if not text.strip():
        raise InputRejected("no-text-layer", f"no text layer on its {_pages(len(pages))} beyond running headers "
                                             f"and page numbers; run OCR first")
    notes = [_pages(len(pages))]
    if removed_pages:
        notes.append(f"running headers, footers or page numbers left out on {removed_pages} of them")
    if empty_pages:
        notes.append(f"no text on page(s) {_ranges(empty_pages)}")
    if unreadable:
        notes.append(f"page(s) {_ranges(unreadable)} could not be read")
    return Extracted(text, "pdf", tuple(page_starts), note="; ".join(notes))


def _pages(count: int) -> str:
    return f"{count} page" if count == 1 else f"{count} pages"


def _ranges(numbers: list[int]) -> str:
    """``1-3, 7`` for [1, 2, 3, 7]."""
    parts, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            parts.append(f"{start}" if start == n else f"{start}-{n}")
            start = None
    return ", ".join(parts)


__all__ = ["read_pdf", "assemble", "running_lines", "starts_paragraph", "Line"]
