"""Co-occurrence networks: which content terms appear together in sentences or paragraphs.

Windows are sentences (or paragraphs); each window counts as a set of terms.
The ``top_nodes`` most frequent terms (by number of windows) are candidates;
a pair is linked when it shares at least ``min_cooccurrence`` windows and is
positively associated (more shared windows than independence predicts). Each
edge carries the number of shared windows and three association measures —
Jaccard (KH Coder's default), normalised PMI, and log-likelihood G² of the
2×2 window table — and ``weight`` is the one chosen in ``[network] measure``.
The ``max_edges`` strongest edges are kept; communities are found with the
Louvain method (seeded) and numbered from 1 by size.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .config import NetworkConfig
from .themes import sentence_index

EDGE_COLUMNS = ["source", "target", "weight", "cooccurrences", "jaccard", "npmi", "g2", "source_freq",
                "target_freq", "community"]
NODE_COLUMNS = ["term", "freq", "degree", "community"]


def windows(prepared, window: str = "sentence") -> list[set[str]]:
    """The sets of content terms of each sentence (or paragraph) of the corpus."""
    out: list[set[str]] = []
    keep = prepared.term_filter
    for unit, tokens in zip(prepared.units, prepared.tokens):
        if window == "paragraph":
            terms = {t for t in tokens.terms if keep(t)}
            if terms:
                out.append(terms)
            continue
        by_sentence: dict[int, set[str]] = {}
        for term, sentence in zip(tokens.terms, sentence_index(unit.norm, tokens.starts)):
            if keep(term):
                by_sentence.setdefault(sentence, set()).add(term)
        out += [s for _, s in sorted(by_sentence.items())]
    return out


def _g2(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Log-likelihood G² of 2×2 tables [[a, b], [c, d]] (vectorised)."""
    n = a + b + c + d
    total = np.zeros_like(a, dtype=float)
    for observed, row, col in ((a, a + b, a + c), (b, a + b, b + d), (c, c + d, a + c), (d, c + d, b + d)):
        expected = row * col / n
        with np.errstate(divide="ignore", invalid="ignore"):
            total += np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    return 2 * total


def top_terms(freq: Counter, top_nodes: int) -> list[str]:
    """The ``top_nodes`` terms in most windows (ties by term): the candidates for nodes."""
    return [t for t, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:top_nodes]]


def cooccurrence_counts(sets: list[set[str]], nodes: list[str]) -> np.ndarray:
    """nodes × nodes: the windows holding both terms (the diagonal: windows holding the term)."""
    index = {t: i for i, t in enumerate(nodes)}
    rows, cols = [], []
    for w, terms in enumerate(sets):
        for t in terms:
            if t in index:
                rows.append(w)
                cols.append(index[t])
    incidence = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), len(nodes)))
    return (incidence.T @ incidence).toarray().astype(np.int64)


def association_table(sets: list[set[str]], *, top_nodes: int = 60, min_cooccurrence: int = 3) -> pd.DataFrame:
    """Every positively associated pair among the ``top_nodes`` most frequent terms, with its measures."""
    freq = Counter(t for s in sets for t in s)
    nodes = top_terms(freq, top_nodes)
    return association_from_counts(freq, nodes, cooccurrence_counts(sets, nodes), len(sets),
                                   min_cooccurrence=min_cooccurrence)


def association_from_counts(freq, nodes: list[str], counts: np.ndarray, n: int, *,
                            min_cooccurrence: int = 3) -> pd.DataFrame:
    """:func:`association_table` from the window counts: ``freq`` (term → windows), the shared windows of each pair
    of ``nodes`` (:func:`cooccurrence_counts`, which can be summed part by part) and the number of windows ``n``.
    Pairs are listed in row-major order of the upper triangle."""
    i, j = np.nonzero(np.triu(counts, k=1) >= max(min_cooccurrence, 1))
    a = counts[i, j].astype(float)
    fi = np.array([freq[nodes[k]] for k in i], dtype=float)
    fj = np.array([freq[nodes[k]] for k in j], dtype=float)
    positive = a > fi * fj / max(n, 1)
    i, j, a, fi, fj = i[positive], j[positive], a[positive], fi[positive], fj[positive]
    p_ij = a / n
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.where(p_ij < 1, np.log(p_ij / ((fi / n) * (fj / n))) / -np.log(p_ij), 1.0)
    frame = pd.DataFrame({
        "source": [nodes[k] for k in i], "target": [nodes[k] for k in j], "cooccurrences": a.astype(int),
        "jaccard": a / (fi + fj - a), "npmi": npmi, "g2": _g2(a, fi - a, fj - a, n - fi - fj + a),
        "source_freq": fi.astype(int), "target_freq": fj.astype(int),
    })
    return frame


def cooccurrence_network(prepared, config: NetworkConfig | None = None, *, seed: int = 42
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The edge table (``cooccurrence.csv``) and node table (``cooccurrence_nodes.csv``) of the network."""
    config = config or NetworkConfig()
    pairs = association_table(windows(prepared, config.window), top_nodes=config.top_nodes,
                              min_cooccurrence=config.min_cooccurrence)
    return network_tables(pairs, config, seed=seed)


def network_tables(pairs: pd.DataFrame, config: NetworkConfig, *, seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The edge and node tables of :func:`cooccurrence_network` from the associated pairs (:func:`association_table`
    or :func:`association_from_counts`)."""
    import networkx as nx

    pairs.insert(2, "weight", pairs[config.measure])
    edges = pairs.sort_values(["weight", "cooccurrences", "source", "target"], ascending=[False, False, True, True],
                              kind="mergesort").head(config.max_edges).reset_index(drop=True)
    graph = nx.Graph()
    for row in edges.itertuples(index=False):
        graph.add_edge(row.source, row.target, weight=float(row.weight))
    communities: dict[str, int] = {}
    if graph.number_of_edges():
        found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
        for number, members in enumerate(sorted(found, key=lambda c: (-len(c), min(c))), start=1):
            communities.update({m: number for m in members})
    edges["community"] = [communities[s] if communities.get(s) == communities.get(t) else 0
                          for s, t in zip(edges["source"], edges["target"])]
    freq = dict(zip(edges["source"], edges["source_freq"])) | dict(zip(edges["target"], edges["target_freq"]))
    nodes = pd.DataFrame([{"term": t, "freq": int(freq[t]), "degree": graph.degree(t), "community": communities[t]}
                          for t in graph.nodes], columns=NODE_COLUMNS)
    nodes = nodes.sort_values(["community", "freq", "term"], ascending=[True, False, True], kind="mergesort")
    return edges[EDGE_COLUMNS], nodes.reset_index(drop=True)


def graph_from_tables(edges: pd.DataFrame, nodes: pd.DataFrame):
    """A networkx graph with node attributes ``freq``, ``degree``, ``community`` and edge measures."""
    import networkx as nx

    graph = nx.Graph()
    for row in nodes.itertuples(index=False):
        graph.add_node(row.term, label=row.term, freq=int(row.freq), degree=int(row.degree),
                       community=int(row.community))
    for row in edges.itertuples(index=False):
        graph.add_edge(row.source, row.target, weight=float(row.weight), cooccurrences=int(row.cooccurrences),
                       jaccard=float(row.jaccard), npmi=float(row.npmi), g2=float(row.g2))
    return graph


def graph_files(edges: pd.DataFrame, nodes: pd.DataFrame) -> dict[str, bytes]:
    """``cooccurrence.gexf`` (Gephi) and ``cooccurrence.graphml``, byte-identical for the same tables."""
    import re

    import networkx as nx

    graph = graph_from_tables(edges, nodes)
    gexf = "\n".join(nx.generate_gexf(graph))
    gexf = re.sub(r' lastmodifieddate="[^"]*"', "", gexf)  # no date: the same tables give the same bytes
    graphml = "\n".join(nx.generate_graphml(graph))
    return {"cooccurrence.gexf": (gexf + "\n").encode("utf-8"), "cooccurrence.graphml": (graphml + "\n").encode("utf-8")}
