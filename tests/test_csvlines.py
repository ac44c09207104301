"""CSV made column by column (textmine.io.csvlines) is the csv module's CSV, byte for byte."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from textmine.io.csvlines import csv_lines


def _csv_module(columns) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(zip(*columns))
    return buffer.getvalue().encode("utf-8")


# text that needs quoting (delimiter, quote mark, line ends), formula starts, NUL, Han, emoji, and empty cells
CELL_TEXT = st.text(alphabet=st.sampled_from(list(',"\n\r\t\x00 \'=+-@abc中文，。🙂')), max_size=8)
CELL = st.one_of(CELL_TEXT, st.none(), st.integers(), st.booleans(),
                 st.floats(allow_nan=True, allow_infinity=True))


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 5).flatmap(lambda width: st.lists(st.lists(CELL, min_size=width, max_size=width),
                                                         max_size=12)))
def test_the_same_bytes_as_the_csv_module(rows):
    columns = [list(column) for column in zip(*rows)]
    assert csv_lines(columns) == _csv_module(columns)


@settings(max_examples=200, deadline=None)
@given(st.lists(CELL_TEXT, min_size=1, max_size=12), st.lists(st.integers(), min_size=12, max_size=12))
def test_a_column_of_one_type_each(texts, numbers):
    columns = [texts, numbers[:len(texts)], [n % 2 == 0 for n in numbers[:len(texts)]]]
    assert csv_lines(columns) == _csv_module(columns)


def test_the_cases_the_writer_treats_apart():
    assert csv_lines([[""], ["x"]]) == b',x\n'
    assert csv_lines([[""]]) == b'""\n'   # a row of one empty field is quoted, or it would be an empty line
    assert csv_lines([["a,b", 'say "hi"', "two\nlines", "cr\rhere"], [1, 2, 3, 4]]) == _csv_module(
        [["a,b", 'say "hi"', "two\nlines", "cr\rhere"], [1, 2, 3, 4]])
    assert csv_lines([[], []]) == b""
    assert csv_lines([["中文，标点", None], [True, 1.5]]) == "中文，标点,True\n,1.5\n".encode("utf-8")
