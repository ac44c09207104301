"""Pictures: word clouds and the theme-trend plot, always with the bundled CJK font.

Figures are built with matplotlib's object API (no pyplot state) and returned;
callers decide where to save them.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=120)
    FigureCanvasAgg(figure)
    return figure


def _font():
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(cjk_font_path()))


def trend_plot(trends: pd.DataFrame, labels: Mapping[str, str] | None = None, *, value: str = "per_10k"):
    """One line per theme across documents in date order; y is the rate per 10,000 tokens."""
    font = _font()
    figure = _figure(9, 5)
    axes = figure.add_subplot()
    doc_ids = list(dict.fromkeys(trends["doc_id"]))
    positions = range(len(doc_ids))
    for theme, rows in trends.groupby("theme", sort=False):
        series = rows.set_index("doc_id").reindex(doc_ids)[value]
        axes.plot(positions, series.values, marker="o", label=theme)
    axes.set_xticks(list(positions))
    axes.set_xticklabels([(labels or {}).get(d, d) for d in doc_ids], rotation=20, ha="right",
                         fontproperties=font, fontsize=8)
    axes.set_ylabel("每万词出现次数 (per 10k tokens)", fontproperties=font)
    axes.set_title("主题词趋势 Theme trends (documents ordered by date)", fontproperties=font)
    axes.grid(alpha=0.3)
    axes.legend(prop=font, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    return figure


def save_figure(figure, path) -> None:
    # A fixed metadata block keeps the PNG bytes the same from run to run.
    figure.savefig(path, metadata={"Software": None})
