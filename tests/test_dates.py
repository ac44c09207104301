"""Dates as researchers write them: ISO forms, Chinese forms, full-width digits and Chinese numerals."""

from __future__ import annotations

import datetime
import json

import numpy as np
import pytest

from textmine.data import DATE_FORMS, PartialDate
from textmine.io.read import read_corpus

from conftest import shared_file


@pytest.mark.parametrize("value, expected", [
    ("2019年", "2019"),
    ("2020年5月", "2020-05"),
    ("2021年3月4日", "2021-03-04"),
    ("2021年3月4号", "2021-03-04"),
    ("2025 年 10 月", "2025-10"),                 # as the CNNIC report dates itself, spaces from PDF extraction
    ("2021.03", "2021-03"),
    ("2021/3/4", "2021-03-04"),
    ("2021-3-4", "2021-03-04"),
    ("２０２１年３月", "2021-03"),                  # full-width digits
    ("２０２１－０３－０４", "2021-03-04"),
    ("二〇二一年", "2021"),
    ("二○一七年十月十八日", "2017-10-18"),          # ○ for the zero, as in the 2017 report
    ("二〇二二年十月十六日", "2022-10-16"),
    ("二〇二〇年二月二十九日", "2020-02-29"),
    ("一九八二年九月一日", "1982-09-01"),
    ("2025", "2025"),
    (2025, "2025"),
    (2025.0, "2025"),
    (np.int64(1921), "1921"),
    ("2025.0", "2025"),                             # a year read from a float column
    (datetime.date(2026, 1, 28), "2026-01-28"),
    # a time of day after the day, as exports and Excel give a publication time, is left out
    ("2025-10-03 08:00", "2025-10-03"),
    ("2025-10-03 08:30:00", "2025-10-03"),
    ("2025-10-03T23:30:00Z", "2025-10-03"),               # the day as written: no time-zone conversion
    ("2025-10-03T08:00:00.123+08:00", "2025-10-03"),
    ("2025/10/3 8:00", "2025-10-03"),
    ("2025年10月3日 08:00", "2025-10-03"),
    ("2025年10月3日08:00", "2025-10-03"),
    (datetime.datetime(2025, 10, 3, 8, 30), "2025-10-03"),
])
def test_accepted_forms(value, expected):
    assert str(PartialDate.parse(value)) == expected


@pytest.mark.parametrize("value", [None, "", "  ", float("nan")])
def test_empty_is_no_date(value):
    assert PartialDate.parse(value) is None


@pytest.mark.parametrize("value", ["二〇二一", "21年", "2021/3-4", "2021/3月", "今年", "2021年第一季度",
                                   "二〇二一年一十月", "20210304"])
def test_unreadable_dates_name_the_accepted_forms(value):
    with pytest.raises(ValueError) as error:
        PartialDate.parse(value)
    assert str(error.value) == f"{value!r} is not a date; write it as {DATE_FORMS}"
    assert "2017年5月4日" in DATE_FORMS and "2017/5/4" in DATE_FORMS and "二〇一七年五月四日" in DATE_FORMS


@pytest.mark.parametrize("value", ["2025-10 08:00", "2025 08:00"])
def test_a_time_of_day_needs_the_day(value):
    with pytest.raises(ValueError, match="a time of day needs the day before it"):
        PartialDate.parse(value)


def test_excel_publication_times_read_as_their_days(tmp_path):
    """Excel date-times with a time (a news export's 发布时间) are read as text with the time, then as the day."""
    import pandas as pd

    rows = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").open(encoding="utf-8")][-4:]
    times = [datetime.datetime(int(r["year"]), 10, 16, 10, 0) for r in rows]
    path = tmp_path / "timed.xlsx"
    pd.DataFrame({"id": [r["id"] for r in rows], "content": [r["content"][:3000] for r in rows],
                  "published": times}).to_excel(path, index=False)
    corpus = read_corpus(path, text_col="content", id_col="id", date_col="published")
    assert [str(d.date) for d in corpus] == [f"{r['year']}-10-16" for r in rows]


@pytest.mark.parametrize("value", ["2021-13", "2021-02-29", "2021年2月30日", "二〇二一年十三月", "2021/4/31"])
def test_impossible_dates_are_refused(value):
    with pytest.raises(ValueError, match="is not a valid date"):
        PartialDate.parse(value)


def test_a_fractional_number_is_refused_as_ambiguous():
    with pytest.raises(ValueError, match="cannot tell 2025.10 from 2025.1"):
        PartialDate.parse(2021.1)


def test_chinese_dates_in_a_table_read_in_order(tmp_path):
    rows = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").open(encoding="utf-8")]
    chinese = {"congress17": "二〇〇七年十月十五日", "congress19": "二○一七年十月十八日", "congress20": "2022年10月16日"}
    table = tmp_path / "reports.jsonl"
    table.write_text("".join(json.dumps({"id": r["id"], "text": r["content"], "date": chinese[r["id"]]},
                                        ensure_ascii=False) + "\n" for r in rows if r["id"] in chinese),
                     encoding="utf-8")
    corpus = read_corpus(table, id_col="id", date_col="date").by_date()
    assert [(d.id, str(d.date)) for d in corpus] == [
        ("congress17", "2007-10-15"), ("congress19", "2017-10-18"), ("congress20", "2022-10-16")]
