"""Less typing, clearer errors: a first textmine.toml for a corpus, and "did you mean" for unknown names."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import tomllib

import pandas as pd
import pytest

from textmine.config import KeywordsConfig, config_from_dict, load_config
from textmine.errors import ConfigError, did_you_mean
from textmine.init import init_config_text, metadata_template
from textmine.io.read import read_corpus

from conftest import CORPUS, shared_file


def _written(tmp_path, corpus) -> tuple[dict, str]:
    text = init_config_text(corpus)
    path = tmp_path / "textmine.toml"
    path.write_text(text, encoding="utf-8")
    load_config(path)  # every key valid
    return tomllib.loads(text)["corpus"], text


def test_congress_reports_jsonl_gets_content_id_and_year(tmp_path):
    path = shared_file("cpc_congress_reports.jsonl")
    corpus, text = _written(tmp_path, path)
    assert (corpus["text_col"], corpus["id_col"], corpus["date_col"], corpus["sheet"]) == ("content", "id", "year", "")
    assert "# corpus" in text and "[topics]" in text and "k = 6  # number of topics" in text
    read = read_corpus(path, text_col=corpus["text_col"], id_col=corpus["id_col"], date_col=corpus["date_col"])
    assert len(read) == 16 and str(read.documents[0].date) == "1921"


def _nested_congress_reports(tmp_path):
    """The congress reports as a scraper or an API saves them: the text inside an object, as a list of
    paragraphs, the metadata in an object of their own."""
    rows = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "nested.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "meta": {"year": r["year"], "congress": r["congress"],
                                                                 "source": {"url": r["url"]}},
                                        "article": {"title": r["title"], "body": r["content"].split("\n\n")}},
                                       ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path, rows


def test_nested_jsonl_fields_are_columns_and_a_list_of_paragraphs_is_the_text(tmp_path):
    path, rows = _nested_congress_reports(tmp_path)
    corpus, _ = _written(tmp_path, path)
    assert (corpus["text_col"], corpus["id_col"], corpus["date_col"]) == ("article.body", "id", "meta.year")
    read = read_corpus(path, text_col="article.body", id_col="id", date_col="meta.year")
    assert [d.text for d in read] == [r["content"] for r in rows]     # the paragraphs, a blank line between
    first = read.documents[0]
    assert str(first.date) == "1921" and first.meta["article.title"] == rows[0]["title"]
    assert first.meta["meta.source.url"] == rows[0]["url"] and "{" not in "".join(first.meta.values())


def test_a_missing_jsonl_column_is_one_error_naming_the_nested_fields(tmp_path, capsys):
    from textmine.cli import main

    path, _ = _nested_congress_reports(tmp_path)
    assert main(["segment", "--corpus", str(path), "--text-col", "body", "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "has no text column 'body'" in err and "article.body" in err and "meta.source.url" in err
    assert "skipped" not in err   # no line reported empty before the error


def test_news_csv_gets_text_and_id_and_no_date(tmp_path):
    corpus, text = _written(tmp_path, shared_file("news_10_cats_dev.csv"))
    assert (corpus["text_col"], corpus["id_col"], corpus["date_col"]) == ("text", "id", "")
    assert "id column 'id': all 502 values present and distinct" in text


def test_bundled_folder_reports_its_metadata(tmp_path):
    corpus, text = _written(tmp_path, CORPUS)
    assert corpus["path"] == CORPUS.as_posix() and corpus["text_col"] == "text"
    assert "a folder of documents: 4 .txt" in text
    assert "metadata.csv is there (columns: id,file,title,publisher,date,date_note,genre,seed)" in text


def test_folder_without_metadata_gets_a_template(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:2]:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "notes.pptx").write_bytes(b"PK")
    rows = list(csv.DictReader(io.StringIO(metadata_template(folder))))
    assert [(r["id"], r["file"], r["date"]) for r in rows] == [
        ("ccid-ai-outlook-2026", "ccid-ai-outlook-2026.txt", ""), ("cnnic-genai-report-2025", "cnnic-genai-report-2025.txt", "")]
    _, text = _written(tmp_path, folder)
    assert "#     id,file,date,title,publisher" in text and "#     ccid-ai-outlook-2026,ccid-ai-outlook-2026.txt,,," in text


def test_workbook_sheet_with_the_chinese_text_is_chosen(tmp_path):
    reports = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").read_text(
        encoding="utf-8").splitlines()]
    path = tmp_path / "cpc.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"note": ["sources: Wikisource"]}).to_excel(writer, sheet_name="about", index=False)
        pd.DataFrame({"编号": [r["id"] for r in reports], "届次": [r["congress"] for r in reports],
                      "年份": [r["year"] for r in reports], "标题": [r["title"] for r in reports],
                      "正文": [r["content"][:3000] for r in reports]}).to_excel(writer, sheet_name="报告", index=False)
    corpus, _ = _written(tmp_path, path)
    assert (corpus["sheet"], corpus["text_col"], corpus["id_col"], corpus["date_col"]) == ("报告", "正文", "编号", "年份")


def test_missing_corpus_is_an_error(tmp_path):
    with pytest.raises(Exception, match="does not exist"):
        init_config_text(tmp_path / "nowhere")


@pytest.mark.parametrize("word, choices, hint", [
    ("iteration", ["iterations", "k", "engine"], "; did you mean 'iterations'?"),
    ("Text_Col", ["text_col", "id_col"], "; did you mean 'text_col'?"),
    ("topic-k", ["topic_k", "k"], "; did you mean 'topic_k'?"),
    ("zzz", ["iterations", "k"], ""),
])
def test_did_you_mean(word, choices, hint):
    assert did_you_mean(word, choices) == hint


def test_unknown_keys_name_the_close_ones_or_list_all():
    with pytest.raises(ConfigError, match=r"unknown key \[topics\] 'num_topics'; did you mean 'k'\?$"):
        config_from_dict({"topics": {"num_topics": 8}}, source="x.toml")
    with pytest.raises(ConfigError, match=r"unknown section \[trend\]; did you mean 'trends'\?$"):
        config_from_dict({"trend": {"by": "year"}}, source="x.toml")
    known = ", ".join(f.name for f in dataclasses.fields(KeywordsConfig))
    with pytest.raises(ConfigError, match=rf"unknown key \[keywords\] 'qqq'; known keys: {known}$"):
        config_from_dict({"keywords": {"qqq": 1}}, source="x.toml")
