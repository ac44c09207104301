"""Excel out: CSVs with a byte-order mark read back either way, and tables.xlsx matching them cell for cell."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from textmine.io.csvsafe import read_output_csv
from textmine.io.workbook import display_width, sheet_names, write_workbook
from textmine.io.write import table_to_csv

HOSTILE = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 10 1234", "-1", "@SUM(A1)", "\t=1", "'=already", "两行\n文字",
           'say "hi"', "具身智能", "a,b"]


@pytest.fixture(scope="module")
def tables(prepared):
    """Real tables of the bundled corpus (keywords, theme counts) and one of hostile cells."""
    import textmine as tm

    keywords = tm.top_keywords(prepared.doc_dtm, top_n=15)
    units = pd.DataFrame({"unit_id": [u.id for u in prepared.units], "doc_id": [u.doc_id for u in prepared.units],
                          "kind": [u.kind for u in prepared.units], "text": [u.text for u in prepared.units]})
    hostile = pd.DataFrame({"text": HOSTILE, "score": np.linspace(-1.5, 2.123456789, len(HOSTILE)),
                            "count": range(len(HOSTILE)), "flag": [i % 2 == 0 for i in range(len(HOSTILE))],
                            "missing": [np.nan if i % 3 == 0 else 0.5 for i in range(len(HOSTILE))]})
    return {"keywords": keywords, "units": units, "hostile": hostile}


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _same(cell, text: str) -> bool:
    """A workbook cell holds what the CSV cell shows."""
    if cell is None:
        return text == ""
    if isinstance(cell, bool):
        return text == str(cell)
    if isinstance(cell, (int, float)):
        return float(text) == cell
    return cell == text


def test_csv_starts_with_a_byte_order_mark_and_reads_back_either_way(tables, tmp_path):
    data = table_to_csv(tables["hostile"])
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").startswith("text,score,")
    with_bom, without = tmp_path / "with.csv", tmp_path / "without.csv"
    with_bom.write_bytes(data)
    without.write_bytes(data[3:])
    for path in (with_bom, without):
        back = read_output_csv(path)
        assert list(back.columns) == list(tables["hostile"].columns)
        assert list(back["text"]) == HOSTILE
        assert list(pd.read_csv(path).columns)[0] == "text"  # what the report's own pandas reads see


def test_workbook_opens_with_openpyxl_and_matches_the_csvs_cell_for_cell(tables):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(write_workbook(tables)))
    assert book.sheetnames == ["keywords", "units", "hostile"]
    compared = 0
    for name, frame in tables.items():
        sheet = book[name]
        rows = _csv_rows(table_to_csv(frame))
        cells = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert len(cells) == len(rows) == len(frame) + 1
        for got, want in zip(cells, rows):
            assert len(got) == len(want)
            assert all(_same(g, w) for g, w in zip(got, want)), (name, got, want)
            compared += len(got)
        assert sheet.freeze_panes == "A2"
        assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert compared > 1500  # 403 units x 4 columns, 60 keywords x 4, the hostile cells


def test_formula_guard_holds_in_the_workbook(tables):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(write_workbook({"hostile": tables["hostile"]})))["hostile"]
    texts = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert texts[:6] == ["'=HYPERLINK(\"http://x\",\"点我\")", "'+86 10 1234", "'-1", "'@SUM(A1)", "'\t=1",
                         "''=already"]
    assert not any(t[0] in "=+-@\t\r" for t in texts)
    assert [row[1] for row in sheet.iter_rows(min_row=2, max_row=2, values_only=True)] == [-1.5]


def test_column_widths_count_chinese_characters_twice(tables):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(write_workbook({"keywords": tables["keywords"]})))["keywords"]
    terms = tables["keywords"]["term"].tolist()
    widest = max(display_width(t) for t in terms)
    assert display_width("具身智能") == 8 and display_width("AI") == 2
    term_column = chr(ord("A") + list(tables["keywords"].columns).index("term"))
    assert sheet.column_dimensions[term_column].width == max(widest + 2, 6)


def test_workbook_bytes_are_the_same_on_every_write(tables):
    assert write_workbook(tables) == write_workbook(tables)


def test_fast_cell_writer_gives_the_cells_openpyxl_writes(tables):
    import zipfile

    from openpyxl import load_workbook

    tables = dict(tables, spaces=pd.DataFrame({"text": [" 前后有空格 ", "a & b < c > d", "回车\r换行"],
                                               "n": [1, 2, 3]}))
    fast_bytes = write_workbook(tables)
    fast, slow = (load_workbook(io.BytesIO(data)) for data in (fast_bytes, write_workbook(tables, fast_cells=False)))
    assert fast.sheetnames == slow.sheetnames == list(tables)
    for name in fast.sheetnames:
        cells = [[[(c.value, c.data_type) for c in row] for row in book[name].iter_rows()] for book in (fast, slow)]
        assert cells[0] == cells[1] and len(cells[0]) == len(tables[name]) + 1
        assert fast[name].freeze_panes == slow[name].freeze_panes == "A2"
        widths = [{k: d.width for k, d in book[name].column_dimensions.items()} for book in (fast, slow)]
        assert widths[0] == widths[1]
    units_sheet = zipfile.ZipFile(io.BytesIO(fast_bytes)).read(f"xl/worksheets/sheet{list(tables).index('units') + 1}.xml")
    assert "具身智能".encode() in units_sheet and b"&#" not in units_sheet   # UTF-8, not character references


def test_sheet_names_are_valid_and_distinct():
    assert sheet_names(["a/b", "x" * 40, "x" * 40, "Units", "units"]) == [
        "a_b", "x" * 31, "x" * 29 + "~2", "Units", "units~2"]


def test_a_table_too_long_for_a_sheet_is_named_in_an_about_sheet(monkeypatch):
    from openpyxl import load_workbook

    import textmine.io.workbook as workbook

    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 5)
    book = load_workbook(io.BytesIO(workbook.write_workbook({"small": pd.DataFrame({"a": [1, 2]}),
                                                             "tokens": pd.DataFrame({"a": range(10)})})))
    assert book.sheetnames == ["small", "about"]
    assert list(book["about"].iter_rows(values_only=True))[1][:2] == ("tokens", 10)


def test_folder_workbook_leaves_out_long_tables_with_their_exact_row_counts(tables, tmp_path):
    """Rows whose text spans lines count once, so a table is left out only when its rows (not its lines) are too many."""
    import json

    from openpyxl import load_workbook

    from textmine.io.workbook import write_folder_workbook

    units = tables["units"]
    multiline = pd.DataFrame({"text": ["第一行\n第二行\n第三行"] * 4})   # 4 rows on 12 lines
    files = {"units.csv": units.head(6), "multiline.csv": multiline, "long.csv": units.head(9)}
    for name, frame in files.items():
        (tmp_path / name).write_bytes(table_to_csv(frame))
    (tmp_path / "manifest.json").write_text(json.dumps({"outputs": {name: "x" for name in files}}), encoding="utf-8")
    book = load_workbook(write_folder_workbook(tmp_path, max_rows=6))
    assert book.sheetnames == ["multiline", "units", "about"]
    assert list(book["about"].iter_rows(values_only=True))[1][:2] == ("long", 9)
    assert [row[0] for row in book["multiline"].iter_rows(min_row=2, values_only=True)] == list(multiline["text"])
