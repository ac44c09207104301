"""All tables of a run in one Excel workbook (``tables.xlsx``), written with openpyxl.

One sheet per table, in the order given, each with its header row frozen and columns as
wide as their content (a Chinese character counts as two, as Excel draws it; between 6 and
60 characters). The cells hold what the CSV files hold: text guarded against spreadsheet
formulas exactly as :mod:`.csvsafe` guards it (and every text cell stored as text, never as a
formula), numbers rounded as the CSVs write them, missing values empty. The bytes are the
same on every run: the workbook's dates and the ZIP entries' times are fixed.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .csvsafe import guard_frame

#: Rows of one Excel sheet, header included.
EXCEL_MAX_ROWS = 1_048_576
MIN_WIDTH, MAX_WIDTH = 6, 60
#: Rows looked at to size a column.
WIDTH_SAMPLE = 2000
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: wide (Chinese) characters count two."""
    if text.isascii():
        return len(text)
    kinds = "".join(map(unicodedata.east_asian_width, text))   # N, Na, H, A, W or F: only W and F are wide
    return len(text) + kinds.count("W") + kinds.count("F")


def sheet_names(names: list[str]) -> list[str]:
    """Valid, distinct Excel sheet names (at most 31 characters, none of ``[]:*?/\\``) for ``names``."""
    out: list[str] = []
    for name in names:
        base = _BAD_SHEET_CHARS.sub("_", str(name)).strip("'") or "sheet"
        candidate, n = base[:31], 2
        while candidate.lower() in {o.lower() for o in out}:
            suffix = f"~{n}"
            candidate, n = base[:31 - len(suffix)] + suffix, n + 1
        out.append(candidate)
    return out


def _cells(frame: pd.DataFrame, float_format: str) -> list[list]:
    """The frame's values as the CSV writes them: guarded text, floats to ``float_format``, NaN empty."""
    frame = guard_frame(frame)
    columns = []
    for i in range(frame.shape[1]):
        values = frame.iloc[:, i]
        dtype = values.dtype
        if isinstance(dtype, np.dtype) and dtype.kind == "f":
            columns.append([float(float_format % v) if v == v else None for v in values.tolist()])
        elif isinstance(dtype, np.dtype) and dtype.kind in "iub":
            columns.append(values.tolist())
        else:
            columns.append([None if v is None or (isinstance(v, float) and v != v) else
                            v if isinstance(v, (bool, int, float)) else str(v) for v in values.tolist()])
    return [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(frame))]


def _width(header: str, column: list) -> float:
    sample = column[:WIDTH_SAMPLE]
    widest = max([display_width(str(header))] + [display_width(_shown(v)) for v in sample if v is not None])
    return float(min(max(widest + 2, MIN_WIDTH), MAX_WIDTH))


def _shown(value) -> str:
    text = str(value)
    return max(text.split("\n"), key=len) if "\n" in text else text


def write_workbook(tables: Mapping[str, pd.DataFrame], *, float_format: str = "%.6g",
                   max_rows: int = EXCEL_MAX_ROWS - 1, fast_cells: bool = True,
                   left_out: Mapping[str, int] | None = None) -> bytes:
    """The bytes of an .xlsx workbook with one sheet per table (see the module docs).

    A table with more than ``max_rows`` rows (at most what an Excel sheet holds) is left out; the
    sheet ``about`` then says which and why (its CSV has every row), and so it does for the tables of
    ``left_out`` (name → rows: tables known to be too long, not read). openpyxl writes the workbook;
    with ``fast_cells`` the cells of each sheet are written by :func:`_sheet_data_xml` instead, as
    openpyxl writes them, at a tenth of the time, but with characters beyond ASCII in UTF-8 rather than as
    character references (``&#20013;`` for 中), which makes the sheets a third smaller and quicker to compress
    (``fast_cells=False``: openpyxl's own cell writer; the tests compare the two cell for cell).
    """
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    fixed = dt.datetime(*_FIXED_TIME)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    workbook.properties.creator = "textmine"
    max_rows = min(max_rows, EXCEL_MAX_ROWS - 1)
    rows_of = {name: len(frame) for name, frame in tables.items()} | dict(left_out or {})
    too_long = [name for name, rows in rows_of.items() if rows > max_rows]
    kept = {name: frame for name, frame in tables.items() if name not in too_long}
    sheet_data: list[bytes | None] = []
    for (name, frame), title in zip(kept.items(), sheet_names(list(kept))):
        sheet = workbook.create_sheet(title)
        rows = _cells(frame, float_format)
        headers = [str(c) for c in frame.columns]
        for index, header in enumerate(headers, start=1):
            column = [row[index - 1] for row in rows[:WIDTH_SAMPLE]]
            sheet.column_dimensions[get_column_letter(index)].width = _width(header, column)
        sheet.freeze_panes = "A2"
        fast = _sheet_data_xml([headers, *rows]) if fast_cells else None
        sheet_data.append(fast)
        if fast is None:
            sheet.append([_text_cell(sheet, WriteOnlyCell, h) for h in headers])
            for row in rows:
                sheet.append([_text_cell(sheet, WriteOnlyCell, v) if isinstance(v, str) else v for v in row])
    if too_long or not kept:
        sheet = workbook.create_sheet("about")
        sheet.append(["table", "rows", "note"])
        for name in too_long:
            sheet.append([name, rows_of[name], f"more than {max_rows:,} rows (the CSV has them all); "
                                                   f"see {name}.csv"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip_times(buffer.getvalue(), sheet_data)


def _text_cell(sheet, cell_class, value: str):
    """A cell that holds ``value`` as text, whatever it starts with."""
    cell = cell_class(sheet, value=value)
    cell.data_type = "s"
    return cell


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


#: Characters XML 1.0 does not allow (openpyxl's writer refuses them); a sheet holding one goes through openpyxl.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_FILE = re.compile(r"xl/worksheets/sheet(\d+)\.xml")


_ESCAPED = re.compile("[&<>\r]")


def _text_xml(value: str) -> str:
    """A text cell's ``<is>`` element as openpyxl (through lxml) writes it, but for characters beyond ASCII,
    which stay as they are (the sheet is UTF-8)."""
    text = value
    if _ESCAPED.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<is><t{space}>{text}</t></is>"


def _sheet_data_xml(rows: list[list]) -> bytes | None:
    """The ``<sheetData>`` content openpyxl's write-only sheet writes for ``rows`` (text cells stored as text,
    numbers as ``%.16g``, booleans as 0/1, None left out), or None when a value is not one of those or
    cannot be written as XML (openpyxl then writes the sheet, and says why if it cannot)."""
    from openpyxl.utils import get_column_letter

    width = max((len(row) for row in rows), default=0)
    letters = [get_column_letter(i + 1) for i in range(width)]
    out: list[str] = []
    for number, row in enumerate(rows, start=1):
        out.append(f'<row r="{number}">')
        for letter, value in zip(letters, row):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                if _NOT_XML.search(value):
                    return None
                cell = _text_xml(value) if value else ""
                out.append(f'<c r="{letter}{number}" t="inlineStr">{cell}</c>')
            elif kind is bool:
                out.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
            elif kind is int or (kind is float and value - value == 0):   # not NaN or infinite
                out.append(f'<c r="{letter}{number}" t="n"><v>{"%.16g" % value}</v></c>')
            else:
                return None
        out.append("</row>")
    return "".join(out).encode("utf-8")


def _fixed_zip_times(data: bytes, sheet_data: list[bytes | None] = ()) -> bytes:
    """The same workbook with the ZIP entries' times and the "modified" date (openpyxl sets it to the time
    of saving) fixed, so equal tables give equal bytes; ``sheet_data[i]``, when given, is put into the
    empty ``<sheetData>`` of sheet ``i + 1``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            sheet = _SHEET_FILE.fullmatch(info.filename)
            if sheet and int(sheet.group(1)) <= len(sheet_data) and sheet_data[int(sheet.group(1)) - 1] is not None:
                filled = sheet_data[int(sheet.group(1)) - 1]
                content = content.replace(b"<sheetData></sheetData>", b"<sheetData>" + filled + b"</sheetData>", 1)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return out.getvalue()


__all__ = ["write_workbook", "display_width", "sheet_names", "EXCEL_MAX_ROWS"]


def write_folder_workbook(run_dir, *, max_rows: int, cache=None) -> Path:
    """``tables.xlsx`` of a run folder: every CSV its ``manifest.json`` lists, in name order, read back as
    the CSV holds it (so the workbook and the CSVs agree cell for cell). Written whole or not at all.

    With a ``cache`` (:class:`textmine.io.cache.Cache`) the workbook is kept under the names and sha256
    (from the manifest) of the CSVs it holds, so a run whose tables did not change copies it."""
    from ..errors import ConfigError
    from .atomic import write_atomic
    from .csvsafe import read_output_csv
    from .manifest import read_manifest

    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    if manifest is None:
        raise ConfigError(f"run folder {str(run_dir)!r} has no manifest.json; run 'textmine run' first")
    outputs = manifest.get("outputs", {})
    names = [name for name in sorted(outputs) if name.endswith(".csv") and "/" not in name]

    def make() -> bytes:
        tables, left_out = {}, {}
        for name in names:
            data = (run_dir / name).read_bytes()
            rows = _rows_over(data, max_rows)
            if rows is None:
                tables[name[:-4]] = read_output_csv(io.BytesIO(data))
            else:
                left_out[name[:-4]] = rows
        return write_workbook(tables, max_rows=max_rows, left_out=left_out)

    target = run_dir / "tables.xlsx"
    if cache is None:
        write_atomic(target, make())
        return target
    from ..keys import digest
    from ..provenance import package_versions

    key = digest("tables.xlsx", [[name, outputs[name]] for name in names], max_rows,
                 package_versions(["textmine", "openpyxl", "pandas"]))
    write_atomic(target, cache.files("workbooks").through(key, make))
    return target


def _rows_over(data: bytes, max_rows: int) -> int | None:
    """The rows of the CSV ``data`` when they are more than ``max_rows``, else None, found without parsing
    the cells (a large run's longest tables would take most of the workbook's time to read, only to be left out)."""
    if data.count(b"\n") - 1 <= max_rows:   # a row takes at least one line
        return None
    if b'"' in data:   # quoted cells may hold line breaks: count the rows of the first column
        rows = len(pd.read_csv(io.BytesIO(data), usecols=[0], dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    else:
        rows = data.count(b"\n") - 1
    return rows if rows > max_rows else None
