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
