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
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


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
                   max_rows: int = EXCEL_MAX_ROWS - 1) -> bytes:
    """The bytes of an .xlsx workbook with one sheet per table (see the module docs).

    A table with more than ``max_rows`` rows (at most what an Excel sheet holds) is left out; the
    sheet ``about`` then says which and why (its CSV has every row).
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
    too_long = [name for name, frame in tables.items() if len(frame) > max_rows]
    kept = {name: frame for name, frame in tables.items() if name not in too_long}
    for (name, frame), title in zip(kept.items(), sheet_names(list(kept))):
        sheet = workbook.create_sheet(title)
        rows = _cells(frame, float_format)
        headers = [str(c) for c in frame.columns]
        for index, header in enumerate(headers, start=1):
            column = [row[index - 1] for row in rows[:WIDTH_SAMPLE]]
            sheet.column_dimensions[get_column_letter(index)].width = _width(header, column)
        sheet.freeze_panes = "A2"
        sheet.append([_text_cell(sheet, WriteOnlyCell, h) for h in headers])
        for row in rows:
            sheet.append([_text_cell(sheet, WriteOnlyCell, v) if isinstance(v, str) else v for v in row])
    if too_long or not kept:
        sheet = workbook.create_sheet("about")
        sheet.append(["table", "rows", "note"])
        for name in too_long:
            sheet.append([name, len(tables[name]), f"more than {max_rows:,} rows (the CSV has them all); "
                                                   f"see {name}.csv"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _text_cell(sheet, cell_class, value: str):
    """A cell that holds ``value`` as text, whatever it starts with."""
    cell = cell_class(sheet, value=value)
    cell.data_type = "s"
    return cell


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip_times(data: bytes) -> bytes:
    """The same workbook with the ZIP entries' times and the "modified" date (openpyxl sets it to the time
    of saving) fixed, so equal tables give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return out.getvalue()


__all__ = ["write_workbook", "display_width", "sheet_names", "EXCEL_MAX_ROWS"]


def write_folder_workbook(run_dir, *, max_rows: int) -> Path:
    """``tables.xlsx`` of a run folder: every CSV its ``manifest.json`` lists, in name order, read back as
    the CSV holds it (so the workbook and the CSVs agree cell for cell). Written whole or not at all."""
    from ..errors import ConfigError
    from .atomic import write_atomic
    from .csvsafe import read_output_csv
    from .write import read_manifest

    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    if manifest is None:
        raise ConfigError(f"run folder {str(run_dir)!r} has no manifest.json; run 'textmine run' first")
    tables = {name[:-4]: read_output_csv(run_dir / name)
              for name in sorted(manifest.get("outputs", {})) if name.endswith(".csv") and "/" not in name}
    target = run_dir / "tables.xlsx"
    write_atomic(target, write_workbook(tables, max_rows=max_rows))
    return target
