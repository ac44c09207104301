"""Charts for comparisons: period trends with intervals, keyness of two groups, the co-occurrence network.

Each chart is drawn from exactly the table written next to it (trends_period.csv,
keyness_compare.csv, cooccurrence.csv + cooccurrence_nodes.csv), with the
bundled CJK font; figures are returned, callers save them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .plots import _figure, _font


def period_trend_plot(periods: pd.DataFrame):
    """Rate per 10k per theme and period, with the bootstrap interval as a band."""
    font = _font()
    figure = _figure(9, 5)
    axes = figure.add_subplot()
    labels = list(dict.fromkeys(periods["period"]))
    x = np.arange(len(labels))
    for theme, rows in periods.groupby("theme", sort=False):
        rows = rows.set_index("period").reindex(labels)
        line = axes.plot(x, rows["per_10k"].to_numpy(float), marker="o", label=theme)[0]
        seen_here = rows["count"].to_numpy(float) > 0  # the Poisson bound of an unseen theme is in the CSV, not drawn
        axes.fill_between(x, rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float), where=seen_here,
                          color=line.get_color(), alpha=0.12, linewidth=0, interpolate=False)
    # A period too short to say anything (a stub of a few dozen tokens) has a huge upper bound for an
    # unseen theme; the axis is scaled to the observed rates and their intervals so the rest stays legible.
    seen = periods[periods["count"] > 0]
    top = max(float(periods["per_10k"].max()), float(seen["ci_high"].max()) if len(seen) else 0.0)
    if top > 0:
        axes.set_ylim(bottom=0, top=top * 1.08)
    axes.set_xticks(list(x))
    axes.set_xticklabels(labels, rotation=30 if len(labels) > 6 else 0, ha="right" if len(labels) > 6 else "center",
                         fontproperties=font, fontsize=8)
    axes.set_ylabel("每万词出现次数 (per 10k tokens)", fontproperties=font)
    axes.set_title("主题趋势（按时期，阴影为自助法置信区间）Theme trends by period, shaded: bootstrap interval",
                   fontproperties=font, fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(prop=font, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    return figure


def keyness_plot(table: pd.DataFrame, *, top_n: int = 20):
    """Signed G² bars: the target's distinctive terms to the right, the reference's to the left."""
    font = _font()
    target = table[table["side"] == "target"].head(top_n)
    reference = table[table["side"] == "reference"].head(top_n)
    rows = pd.concat([target.iloc[::-1], reference])
    figure = _figure(8, max(3.0, 0.28 * len(rows) + 1.2))
    axes = figure.add_subplot()
    values = np.where(rows["side"] == "target", rows["g2"], -rows["g2"]).astype(float)
    y = np.arange(len(rows))[::-1]
    axes.barh(y, values, color=["#c0392b" if v > 0 else "#2c7fb8" for v in values])
    axes.set_yticks(y)
    axes.set_yticklabels(list(rows["term"]), fontproperties=font, fontsize=8)
    axes.axvline(0, color="black", linewidth=0.6)
    names = (str(table["target"].iloc[0]), str(table["reference"].iloc[0])) if len(table) else ("target", "reference")
    axes.set_xlabel(f"G²  ← {names[1]}    |    {names[0]} →", fontproperties=font)
    axes.set_title("关键性 Keyness (signed log-likelihood G²)", fontproperties=font)
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return figure


def network_plot(edges: pd.DataFrame, nodes: pd.DataFrame, *, seed: int = 42):
    """The co-occurrence network: node size by frequency, colour by community, edge width by weight."""
    import networkx as nx
    from matplotlib import colormaps

    from .network import graph_from_tables

    font = _font()
    graph = graph_from_tables(edges, nodes)
    figure = _figure(10, 8)
    axes = figure.add_subplot()
    axes.set_axis_off()
    if graph.number_of_nodes() == 0:
        axes.text(0.5, 0.5, "no co-occurrences above the thresholds", ha="center", fontproperties=font)
        return figure
    positions = nx.spring_layout(graph, seed=seed, weight="weight", k=1.6 / np.sqrt(graph.number_of_nodes()),
                                 iterations=200)
    palette = colormaps["tab20"]
    order = list(graph.nodes)
    colors = [palette((graph.nodes[n]["community"] - 1) % 20) for n in order]
    freq = np.array([graph.nodes[n]["freq"] for n in order], dtype=float)
    sizes = 120 + 1400 * np.sqrt(freq / freq.max())
    weights = np.array([d["weight"] for *_, d in graph.edges(data=True)], dtype=float)
    widths = 0.5 + 3.5 * (weights - weights.min()) / (np.ptp(weights) or 1.0)
    nx.draw_networkx_edges(graph, positions, ax=axes, width=list(widths), edge_color="#999999", alpha=0.6)
    nx.draw_networkx_nodes(graph, positions, ax=axes, nodelist=order, node_size=list(sizes), node_color=colors,
                           alpha=0.85, linewidths=0.5, edgecolors="white")
    for node in order:
        x, y = positions[node]
        axes.text(x, y, node, fontproperties=font, fontsize=9, ha="center", va="center")
    axes.set_title("共现网络 Co-occurrence network (colour = community)", fontproperties=font)
    figure.tight_layout()
    return figure
