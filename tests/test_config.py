"""The TOML config: defaults, validation and the shipped textmine.toml."""

from __future__ import annotations

import pytest

import textmine as tm

from conftest import REPO


def test_shipped_config_is_the_documented_defaults():
    shipped = tm.load_config(REPO / "textmine.toml")
    assert shipped.to_dict() == tm.Config().to_dict()
    assert (REPO / "textmine.toml").read_text(encoding="utf-8") == tm.describe_config()


@pytest.mark.parametrize("values, message", [
    ({"topics": {"k": 0}}, "[topics] k = 0 is out of range"),
    ({"topics": {"k": "6"}}, "[topics] k = '6' must be of type int"),
    ({"keywords": {"top_n": True}}, "[keywords] top_n = True must be of type int"),
    ({"segment": {"backend": "pkuseg"}}, "[segment] backend = 'pkuseg' is not allowed"),
    ({"trends": {"themes": [1, 2]}}, "[trends] themes = [1, 2] must be a list of strings"),
    ({"colour": 1}, "unknown key 'colour'"),
    ({"topics": 5}, "[topics] must be a table"),
])
def test_bad_values_name_the_key(values, message):
    with pytest.raises(tm.ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        tm.config_from_dict(values, source="x.toml")


def test_relative_paths_resolve_against_the_config_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "c.toml"
    path.write_text('[corpus]\npath = "texts"\n', encoding="utf-8")
    config = tm.load_config(path)
    assert config.resolve_path(config.corpus.path) == tmp_path / "sub" / "texts"


def test_table_corpus_with_bare_year_dates():
    from conftest import shared_file

    corpus = tm.read_corpus(shared_file("cpc_congress_reports.jsonl"), text_col="content", id_col="id",
                            date_col="year")
    assert len(corpus) == 16
    first = corpus.by_date().documents[0]
    assert str(first.date) == "1921" and first.date.precision == "year"
