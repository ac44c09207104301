"""Keyword in context: every counted mention, with offsets into the original files."""

from __future__ import annotations

import re

import pandas as pd

import textmine as tm

from conftest import CORPUS, shared_file, textmine


def test_kwic_offsets_point_into_the_original_files(prepared):
    from textmine.kwic import kwic_table

    table = kwic_table(prepared, ["算电协同", "具身智能"], width=12)
    theme = table[table["query"] == "算电协同"]
    assert list(theme["doc_id"]) == ["xinhua-ai-trends-2026"] * 3
    assert list(theme["match"]) == ["算力与电力", "电力，被业界称为“算力", "算电协同"]
    assert set(theme["rule"]) == {"算电协同", "(算力 near 电力 within 20)"}
    for row in table.itertuples():
        original = prepared.corpus[row.doc_id].text
        # the match as shown is the original span without the white space cleaning dropped between characters
        assert re.sub(r"\s", "", original[row.start:row.end]) == row.match
        assert len(row.left) <= 12 and len(row.right) <= 12
    # 具身智能 2 (ccid) + 22 (cnnic, its table of contents left out), and the variant 具身机器人 once in cnnic
    # (《秧BOT》节目使具身机器人走进大众视野)
    embodied = table[table["query"] == "具身智能"]
    assert embodied["doc_id"].value_counts().to_dict() == {"cnnic-genai-report-2025": 23, "ccid-ai-outlook-2026": 2}
    assert (embodied["match"] == "具身机器人").sum() == 1
    # offsets are characters: the file read as text, not bytes
    raw = (CORPUS / "xinhua-ai-trends-2026.txt").read_text(encoding="utf-8")
    row = theme.iloc[2]
    assert raw[row.start:row.end] == "算电协同" and raw.encode("utf-8").find("算电协同".encode()) != row.start


def test_kwic_shows_the_original_script(tmp_path):
    path = shared_file("cpc_congress_reports.jsonl")
    out = tmp_path / "out"
    result = textmine("kwic", "共产党", "--width", "8", "--corpus", str(path), "--text-col", "content",
                      "--id-col", "id", "--date-col", "year", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "kwic.csv", dtype={"date": str})
    assert list(table.columns[:8]) == ["query", "doc_id", "date", "start", "end", "left", "match", "right"]
    # 陈独秀's 1923 report writes 共產黨 in Traditional script once; it is found and shown as written
    old = table[table.doc_id == "congress03"]
    assert list(old["match"]) == ["共產黨"] and old.iloc[0]["date"] == "1923"
    assert result.stdout.startswith("# 共产党: ") and "【共產黨】" in result.stdout
    assert len(table) == sum(n for n in (2, 5, 1, 23, 16, 24, 24, 22, 24, 23, 19, 19, 18, 25, 34))  # grep counts


# -- co-occurrence network --------------------------------------------------------------------------


def test_kwic_lists_exactly_the_mentions_the_trends_count(prepared):
    """One KWIC and one counter: for every theme and document, the KWIC rows are the trend count."""
    from textmine.kwic import kwic_table

    trends = tm.theme_counts(prepared)
    table = kwic_table(prepared, prepared.themes)
    rows = table.groupby(["query", "doc_id"]).size()
    for row in trends.itertuples():
        assert rows.get((row.theme, row.doc_id), 0) == row.count, (row.theme, row.doc_id)
    # a nested mention says which word holds it; a rule hit which rule matched
    assert set(table["fit"]) <= {"token", "nested", "split", ""}
    nested = table[table["fit"] == "nested"]
    assert len(nested) > 0 and all(m in w for m, w in zip(nested["match"], nested["within"]))
    assert (table[table["fit"] == ""]["rule"].str.startswith("(")).all()
