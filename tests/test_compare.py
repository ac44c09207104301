"""Keyness between any two groups, KWIC with offsets into the original files, co-occurrence networks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import CORPUS, shared_file
from test_run import textmine


# -- keyness ----------------------------------------------------------------------------------------

def test_g2_and_chi2_agree_with_scipy(prepared):
    from scipy.stats import chi2_contingency

    from textmine.keyness import chi_square, g2_and_log_ratio

    dtm = prepared.doc_dtm()
    target = np.asarray(dtm.matrix[[3]].sum(axis=0)).ravel()
    reference = np.asarray(dtm.matrix[[0, 1, 2]].sum(axis=0)).ravel()
    g2, _ = g2_and_log_ratio(target, reference)
    chi = chi_square(target, reference)
    for term in ("算力", "AI", "大模型"):
        i = dtm.term_index[term]
        table = [[target[i], target.sum() - target[i]], [reference[i], reference.sum() - reference[i]]]
        assert chi[i] == pytest.approx(chi2_contingency(table, correction=False)[0])
        # G² as in Rayson & Garside's log-likelihood calculator: the two cells of the term only
        a, b, c, d = target[i], reference[i], target.sum(), reference.sum()
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        assert g2[i] == pytest.approx(2 * (a * np.log(a / e1) + b * np.log(b / e2)))


def test_group_expressions(prepared):
    from textmine import ConfigError
    from textmine.groups import select_documents

    corpus = prepared.corpus
    assert select_documents(corpus, "latest") == ["xinhua-ai-trends-2026"]
    assert select_documents(corpus, "date>=2025-10") == ["cnnic-genai-report-2025", "xinhua-ai-trends-2026"]
    # a date known to the year sorts before the months of that year
    assert select_documents(corpus, "date>2025") == ["cnnic-genai-report-2025", "xinhua-ai-trends-2026"]
    assert select_documents(corpus, "date=2025") == ["ccid-ai-outlook-2026", "people-large-models-2025",
                                                     "cnnic-genai-report-2025"]
    assert select_documents(corpus, "publisher=新华社") == ["xinhua-ai-trends-2026"]
    assert select_documents(corpus, "genre=news feature&year=2025") == ["people-large-models-2025"]
    with pytest.raises(ConfigError, match="unknown field 'colour'"):
        select_documents(corpus, "colour=red")
    with pytest.raises(ConfigError, match="selects no document"):
        select_documents(corpus, "year>2030")
    with pytest.raises(ConfigError, match="no document 'nope'"):
        select_documents(corpus, "nope")


def test_one_congress_against_the_previous(tmp_path):
    path = shared_file("cpc_congress_reports.jsonl")
    out = tmp_path / "out"
    result = textmine("keyness", "--corpus", str(path), "--text-col", "content", "--id-col", "id", "--date-col",
                      "year", "--target", "year=2022", "--reference", "year=2017", "--top", "10", "--out", str(out),
                      "--quiet")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "keyness_compare.csv")
    assert list(table.columns) == ["target", "reference", "side", "term", "count_target", "count_reference",
                                   "per_10k_target", "per_10k_reference", "g2", "chi2", "p_value", "log_ratio", "rank"]
    target = table[table.side == "target"]
    reference = table[table.side == "reference"]
    # 中国式现代化 is the 20th congress's new phrase: 11 times in 2022, never in 2017 (checked with grep); the
    # policy lexicon keeps it whole (jieba alone gives 中国式 / 现代化)
    top = target.iloc[0]
    assert (top["term"], top["count_target"], top["count_reference"]) == ("中国式现代化", 11, 0)
    # 2017's slogan 决胜全面建成小康社会 makes 小康社会 the most distinctive term of the reference side
    assert reference.iloc[0]["term"] == "小康社会"
    assert (target["count_target"] >= 3).all() and (reference["count_reference"] >= 3).all()  # min-count guard
    assert (target["log_ratio"] > 0).all() and (reference["log_ratio"] < 0).all()
    assert len(target) == 10 and len(reference) == 10
    assert (out / "keyness.png").stat().st_size > 10_000


def test_overlapping_groups_are_refused(tmp_path, capsys):
    from textmine.cli import main

    code = main(["keyness", "--corpus", str(CORPUS), "--target", "date>=2025", "--reference", "latest",
                 "--out", str(tmp_path), "--quiet"])
    error = capsys.readouterr().err
    assert code == 2 and error.count("\n") == 1
    assert "[keyness] target 'date>=2025' and reference 'latest' share documents" in error


# -- KWIC -------------------------------------------------------------------------------------------

def test_kwic_offsets_point_into_the_original_files(prepared):
    from textmine.kwic import kwic_table

    table = kwic_table(prepared, ["算电协同", "具身智能"], width=12)
    theme = table[table["query"] == "算电协同"]
    assert list(theme["doc_id"]) == ["xinhua-ai-trends-2026"] * 3
    assert list(theme["match"]) == ["算力与电力", "电力，被业界称为“算力", "算电协同"]
    assert set(theme["rule"]) == {"算电协同", "(算力 near 电力 within 20)"}
    for row in table.itertuples():
        original = prepared.corpus[row.doc_id].text
        assert original[row.start:row.end] == row.match
        assert len(row.left) <= 12 and len(row.right) <= 12
    # 具身智能 2 (ccid) + 23 (cnnic), and the variant 具身机器人 once in cnnic (《秧BOT》节目使具身机器人走进大众视野)
    embodied = table[table["query"] == "具身智能"]
    assert embodied["doc_id"].value_counts().to_dict() == {"cnnic-genai-report-2025": 24, "ccid-ai-outlook-2026": 2}
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

@pytest.fixture(scope="module")
def network(prepared):
    from textmine.config import NetworkConfig
    from textmine.network import cooccurrence_network

    return cooccurrence_network(prepared, NetworkConfig(top_nodes=40, max_edges=50), seed=42)


def test_network_edges_are_positive_associations_recomputed_by_hand(prepared, network):
    from textmine.network import windows

    edges, nodes = network
    assert 0 < len(edges) <= 50 and set(nodes["term"]) == set(edges["source"]) | set(edges["target"])
    assert list(edges["weight"]) == sorted(edges["weight"], reverse=True)
    sets = windows(prepared, "sentence")
    n = len(sets)
    for row in edges.head(5).itertuples():
        a = sum(1 for s in sets if row.source in s and row.target in s)
        fs = sum(1 for s in sets if row.source in s)
        ft = sum(1 for s in sets if row.target in s)
        assert (row.cooccurrences, row.source_freq, row.target_freq) == (a, fs, ft)
        assert row.jaccard == pytest.approx(a / (fs + ft - a))
        assert a > fs * ft / n and row.npmi > 0
    assert (edges["cooccurrences"] >= 3).all()


def test_network_files_and_communities(network):
    import io

    import networkx as nx

    from textmine.network import graph_files

    edges, nodes = network
    assert nodes["community"].min() == 1
    files = graph_files(edges, nodes)
    assert files == graph_files(edges, nodes)  # byte-identical
    for name, reader in (("cooccurrence.gexf", nx.read_gexf), ("cooccurrence.graphml", nx.read_graphml)):
        graph = reader(io.BytesIO(files[name]))
        assert graph.number_of_nodes() == len(nodes) and graph.number_of_edges() == len(edges)
        any_node = next(iter(graph.nodes(data=True)))
        assert "community" in any_node[1]


def test_network_command_and_help(tmp_path):
    out = tmp_path / "out"
    result = textmine("network", "--corpus", str(CORPUS), "--top", "30", "--window", "paragraph", "--measure", "npmi",
                      "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    for name in ("cooccurrence.csv", "cooccurrence_nodes.csv", "cooccurrence.png", "cooccurrence.gexf",
                 "cooccurrence.graphml", "manifest.json"):
        assert (out / name).is_file(), name
    edges = pd.read_csv(out / "cooccurrence.csv")
    assert (edges["weight"] == edges["npmi"]).all()



@pytest.mark.parametrize("command", ["keyness", "kwic", "network", "trends"])
def test_new_commands_have_help_with_examples(command, capsys):
    from textmine.cli import main

    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_text = capsys.readouterr().out
    assert "examples:" in help_text and "--corpus" in help_text and "--out" in help_text and "writes" in help_text
