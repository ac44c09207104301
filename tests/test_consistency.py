"""One number, one definition: the Python API, the command line and the report give the same figures."""

from __future__ import annotations

import pytest

import textmine as tm
from textmine.io.write import table_to_csv

from conftest import cpc_config, shared_file, textmine

STAGES = ("keywords", "keyness", "trends", "kwic")


@pytest.fixture(scope="module")
def cpc_folder(tmp_path_factory):
    """The congress series analysed by four commands into one folder (the folder keeps them all)."""
    out = tmp_path_factory.mktemp("cpc")
    path = shared_file("cpc_congress_reports.jsonl")
    table = ["--corpus", str(path), "--text-col", "content", "--id-col", "id", "--date-col", "year"]
    commands = [["keywords", "--no-images"], ["keyness", "--target", "latest", "--no-images"],
                 ["trends", "--by", "year", "--no-images"], ["kwic", "社会主义", "改革开放"]]
    for command in commands:
        result = textmine(*command, *table, "--out", str(out), "--quiet")
        assert result.returncode == 0, result.stderr
    return out


def test_every_table_of_the_api_equals_the_csv_of_the_commands_on_the_congress_series(cpc_folder):
    config = cpc_config(trends={"by": "year"}, kwic={"queries": ["社会主义", "改革开放"]})
    result = tm.run(config, STAGES)
    for name, frame in result.tables.items():
        assert (cpc_folder / f"{name}.csv").read_bytes() == table_to_csv(frame), name
    assert (cpc_folder / "documents.csv").read_bytes() == table_to_csv(tm.documents_table(result.prepared))


def test_theme_counts_kwic_and_documents_agree_on_the_congress_series(cpc_folder):
    from textmine.io.csvsafe import read_output_csv

    trends = read_output_csv(cpc_folder / "trends.csv", dtype={"date": str, "nested_in": str})
    kwic = read_output_csv(cpc_folder / "kwic.csv", dtype={"date": str, "page": str})
    documents = read_output_csv(cpc_folder / "documents.csv", dtype={"date": str})
    # every rate's denominator is the document's word tokens of documents.csv
    sizes = dict(zip(documents.doc_id, documents.tokens))
    assert all(sizes[d] == t for d, t in zip(trends.doc_id, trends.tokens))
    # the KWIC rows of each query are that term's count over the text, as tm.theme_counts gives it
    prepared = tm.prepare(cpc_config())
    counts = tm.theme_counts(prepared, ["社会主义", "改革开放"]).groupby("theme")["count"].sum()
    assert kwic.groupby("query").size().to_dict() == counts.to_dict()
