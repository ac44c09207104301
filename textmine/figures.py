"""Every picture of a run, each drawn from the table written next to it, always with the bundled CJK font.

Figures are built with matplotlib's object API (no pyplot state) and returned; :data:`FIGURES`
lists which file each is saved as and which tables it is drawn from, and the writer saves them
(:mod:`textmine.io.write`). Word clouds are PIL images.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .fonts import cjk_font_path


def word_cloud(frequencies: Mapping[str, float], *, seed: int = 42, width: int = 1200, height: int = 700,
               max_words: int = 120):
    """A :class:`PIL.Image.Image` word cloud of term weights (deterministic for a seed)."""
    from wordcloud import WordCloud

    cloud = WordCloud(font_path=str(cjk_font_path()), width=width, height=height, max_words=max_words,
                      background_color="white", random_state=seed, prefer_horizontal=0.95,
                      colormap="viridis", collocations=False, margin=4)
    cloud.generate_from_frequencies({t: float(w) for t, w in frequencies.items() if w > 0})
    return cloud.to_image()


def word_cloud_png(frequencies: Mapping[str, float], *, seed: int = 42) -> bytes:
    """:func:`word_cloud` as PNG bytes."""
    import io

    buffer = io.BytesIO()
    word_cloud(frequencies, seed=seed).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def new_figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=120)
    FigureCanvasAgg(figure)
    return figure


def cjk_font():
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(cjk_font_path()))


def trend_plot(trends: pd.DataFrame, *, value: str = "per_10k"):
    """One line per theme across documents in date order; y is the rate per 10,000 word tokens."""
    font = cjk_font()
    figure = new_figure(9, 5)
    axes = figure.add_subplot()
    doc_ids = list(dict.fromkeys(trends["doc_id"]))
    positions = range(len(doc_ids))
    for theme, rows in trends.groupby("theme", sort=False):
        series = rows.set_index("doc_id").reindex(doc_ids)[value]
        axes.plot(positions, series.values, marker="o", label=theme)
    axes.set_xticks(list(positions))
    dates = dict(zip(trends["doc_id"], trends["date"].fillna("").astype(str)))
    axes.set_xticklabels([f"{d} ({dates[d]})" if dates.get(d) else d for d in doc_ids], rotation=20, ha="right",
                         fontproperties=font, fontsize=8)
    axes.set_ylabel("每万词出现次数 (per 10k tokens)", fontproperties=font)
    axes.set_title("主题词趋势 Theme trends (documents ordered by date)", fontproperties=font)
    axes.grid(alpha=0.3)
    axes.legend(prop=font, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    return figure


def png_bytes(figure) -> bytes:
    """The figure as PNG; a fixed metadata block keeps the bytes the same from run to run."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, metadata={"Software": None})
    return buffer.getvalue()


def period_trend_plot(periods: pd.DataFrame):
    """Rate per 10k per theme and period, with the bootstrap interval as a band."""
    font = cjk_font()
    figure = new_figure(9, 5)
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
    font = cjk_font()
    target = table[table["side"] == "target"].head(top_n)
    reference = table[table["side"] == "reference"].head(top_n)
    rows = pd.concat([target.iloc[::-1], reference])
    figure = new_figure(8, max(3.0, 0.28 * len(rows) + 1.2))
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

    font = cjk_font()
    graph = graph_from_tables(edges, nodes)
    figure = new_figure(10, 8)
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


def k_selection_plot(table: pd.DataFrame):
    """One figure, four panels sharing the k axis: coherence (c_v, NPMI), u_mass, held-out
    log-likelihood per token, and diversity + stability; the proposed k is marked."""
    proposed = int(table.loc[table["proposed"].astype(bool), "k"].iloc[0])
    font = cjk_font()
    figure = new_figure(10, 6.5)
    panels = [
        (("c_v", "c_npmi"), "coherence 连贯性 (higher is better)"),
        (("u_mass",), "u_mass coherence (higher is better)"),
        (("heldout_ll",), "held-out log-likelihood per token 留出似然"),
        (("diversity", "stability"), "diversity 多样性 / stability 稳定性"),
    ]
    for n, (columns, title) in enumerate(panels, start=1):
        axes = figure.add_subplot(2, 2, n)
        for column in columns:
            axes.plot(table["k"], table[column], marker="o", label=column)
        axes.axvline(proposed, color="grey", linestyle="--", linewidth=1)
        axes.set_title(title, fontproperties=font, fontsize=10)
        axes.set_xticks(list(table["k"]))
        axes.grid(alpha=0.3)
        if len(columns) > 1:
            axes.legend(prop=font, fontsize=8)
        if n > 2:
            axes.set_xlabel("k (number of topics 主题数)", fontproperties=font)
    figure.suptitle(f"选择主题数 Choosing k — proposed k = {proposed} (dashed)", fontproperties=font)
    figure.tight_layout()
    return figure


@dataclass(frozen=True)
class FigureFile:
    """A PNG of a run: its file name, the tables it is drawn from, and how (``draw(tables, seed)``)."""

    name: str
    tables: tuple[str, ...]
    draw: Callable[[Mapping[str, pd.DataFrame], int], object]


FIGURES = (
    FigureFile("trends.png", ("trends",), lambda t, seed: trend_plot(t["trends"])),
    FigureFile("trends_period.png", ("trends_period",), lambda t, seed: period_trend_plot(t["trends_period"])),
    FigureFile("keyness.png", ("keyness_compare",), lambda t, seed: keyness_plot(t["keyness_compare"])),
    FigureFile("cooccurrence.png", ("cooccurrence", "cooccurrence_nodes"),
               lambda t, seed: network_plot(t["cooccurrence"], t["cooccurrence_nodes"], seed=seed)),
    FigureFile("topic_k_selection.png", ("topic_k_selection",), lambda t, seed: k_selection_plot(t["topic_k_selection"])),
)
