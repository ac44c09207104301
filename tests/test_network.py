"""The co-occurrence network: associations recomputed by hand, graph files, the command."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import CORPUS, textmine


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
