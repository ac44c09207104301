"""The body text of a Word document (.docx), read with python-docx.

Paragraphs and tables are read in the order of the body. Page headers and footers, footnotes,
comments and text boxes live outside the body and are left out. A paragraph's text includes
hyperlinks, tracked insertions and fields' shown results; tracked deletions are left out. A table
is read as text when it holds prose (most of its text in cells of sentences): each cell one
paragraph, row by row, a merged cell once. A table of short cells (figures, labels) is data, not
running text, and is left out; the manifest says how many.
"""

from __future__ import annotations

import re
import zipfile

from .decode import InputRejected
from .documents import Extracted, clean_line, paragraphs_to_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIP = {f"{W}del", f"{W}txbxContent", f"{W}footnoteReference", f"{W}endnoteReference",
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
#: A cell of at least this many characters, or with a sentence mark, is prose.
PROSE_CELL_CHARS = 20
_SENTENCE = re.compile(r"[。！？；!?]|[，,].{6,}")


def _paragraph_text(element) -> str:
    """The text of a ``w:p``: runs in order (also inside hyperlinks, insertions, smart tags, fields' results),
    tabs and breaks as spaces and newlines; deletions, text boxes and note marks left out."""
    parts: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == f"{W}t":
                parts.append(child.text or "")
            elif tag in (f"{W}tab", f"{W}ptab"):
                parts.append(" ")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(element)
    return "".join(parts)


def _is_prose(text: str) -> bool:
    return len(text) >= PROSE_CELL_CHARS or bool(_SENTENCE.search(text))


def _table_paragraphs(table, left_out: list[int]) -> tuple[list[str], bool]:
    """The cells of a table as paragraphs, and whether the table holds prose."""
    cells, seen = [], set()
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell is returned once per grid column it spans
                continue
            seen.add(cell._tc)  # the element itself: an id() could be reused once its proxy is gone
            cells.extend(_blocks(cell, left_out))
    texts = [c for c in cells if c.strip()]
    total = sum(len(t) for t in texts)
    prose = sum(len(t) for t in texts if _is_prose(t))
    return texts, total > 0 and prose >= 0.5 * total


def _blocks(container, left_out: list[int]) -> list[str]:
    """Paragraph texts of a document body or a table cell, in order; tables where they hold prose
    (a table left out adds one to ``left_out[0]``)."""
    from docx.table import Table

    out: list[str] = []
    for item in container.iter_inner_content():
        if isinstance(item, Table):
            texts, prose = _table_paragraphs(item, left_out)
            if prose:
                out.extend(texts)
            else:
                left_out[0] += 1
        else:
            out.append(_paragraph_text(item._p))
    return out


def read_docx(data: bytes) -> Extracted:
    """The body text of a .docx file's bytes; raises :class:`InputRejected` for a file that cannot be read."""
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputRejected("damaged", f"not a readable Word document: {_reason(exc)}; open and save it again "
                                       f"in Word or WPS") from None
    except Exception as exc:  # lxml's XMLSyntaxError and other parse failures of a broken part
        raise InputRejected("damaged", f"not a readable Word document: {type(exc).__name__}: {exc}") from None
    left_out = [0]
    paragraphs = _blocks(document, left_out)
    lines = [clean_line(line).strip() for p in paragraphs for line in p.split("\n")]
    text = paragraphs_to_text(lines)
    if not text:
        raise InputRejected("empty", "a Word document with no text in its body")
    note = f"{left_out[0]} table(s) of figures or labels left out" if left_out[0] else ""
    return Extracted(text, "docx", note=note)


def _reason(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile) or "Package not found" in str(exc):
        return "its ZIP container is cut off or corrupt"
    if isinstance(exc, KeyError):
        return f"a part is missing: {exc}"
    return str(exc)


__all__ = ["read_docx"]
