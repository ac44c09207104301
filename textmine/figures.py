"""Every picture of a run, each drawn from the tables written next to it, always with the bundled CJK font.

Figures are built with matplotlib's object API (no pyplot state) and returned; :data:`FIGURES`
lists which file each is saved as and which tables it is drawn from, and the writer saves them
(:mod:`textmine.io.write`). Word clouds are PIL images. A figure depends on its tables alone, so
the same tables give the same PNG bytes.

The charts are made to hold from four documents to several hundred:

- **Time runs on a time axis** wherever documents are dated: positions are decimal years, so gaps are
  drawn to scale, and a date is placed in the middle of what it says — ``2025`` at mid-2025 with a
  bar across the year, ``2025-10`` at mid-October — never on 1 January.
- **Many series are small multiples**, one panel per theme or topic with its own y scale, so a large
  theme does not flatten the others; past :data:`MAX_PANELS` series a heat map (series × time) is drawn
  instead, each row scaled to its own highest value.
- **Labels stay short**: axes show years (or months on a short span), document ids only where there
  are few, never titles.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .fonts import cjk_font_path
from .groups import text_column

#: more series than this (themes, topics) and a heat map replaces the small multiples
MAX_PANELS = 12
#: at most this many documents are named on an axis; with more, the axis shows years only
MAX_NAMED_DOCS = 40
#: more dates than this and topics over time show a yearly mean instead of a bar per date
MAX_INTERVAL_DATES = 60
#: terms per side of the keyness chart
KEYNESS_TERMS = 15
#: terms per period in the keywords-per-period chart
PERIOD_TERMS = 10
#: charts with a point or row per document are drawn for corpora of at most this many documents
MAX_DOCUMENT_ROWS = 5000
#: at most this many themes get a panel in the dispersion plot (those with the most mentions)
DISPERSION_THEMES = 8
WIDTH = 10.0  # inches; 1,200 px at 120 dpi
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
#: one colour per series, in order (matplotlib's tab10 without its grey)
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf")


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


def cjk_font(size: float | None = None):
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=str(cjk_font_path()), size=size)


def png_bytes(figure) -> bytes:
    """The figure as PNG; a fixed metadata block keeps the bytes the same from run to run."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, metadata={"Software": None})
    return buffer.getvalue()


def _message(text: str, width: float = WIDTH, height: float = 2.0):
    figure = new_figure(width, height)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, ha="center", va="center", fontproperties=cjk_font(11), transform=axes.transAxes)
    return figure


# -- dates as positions on a time axis -------------------------------------------------------------------

def date_span(value: object) -> tuple[float, float] | None:
    """``(start, end)`` of a date in decimal years at the precision it is given: ``2025`` → (2025, 2026),
    ``2025-10`` → (2025.75, 2025.83), ``2025-10-03`` → that day; None for anything else (``undated``, a
    metadata value)."""
    match = _DATE.match(str(value).strip()) if value is not None else None
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is None:
        return float(year), float(year + 1)
    if not 1 <= month <= 12:
        return None
    if day is None:
        return year + (month - 1) / 12, year + month / 12
    days = 366 if calendar.isleap(year) else 365
    try:
        ordinal = datetime.date(year, month, day).timetuple().tm_yday - 1
    except ValueError:
        return None
    return year + ordinal / days, year + (ordinal + 1) / days


def date_position(value: object) -> float | None:
    """The middle of :func:`date_span` (mid-year for a year), or None."""
    span = date_span(value)
    return None if span is None else (span[0] + span[1]) / 2


def _time_axis(axes, low: float, high: float) -> None:
    """Limits and ticks for decimal years from ``low`` to ``high``: months on a short span, else years."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    span = high - low
    pad = max(span * 0.04, 0.08 if span < 3 else 0.5)
    axes.set_xlim(low - pad, high + pad)
    if span <= 3:
        step = 1 if span <= 0.6 else 3 if span <= 1.6 else 6
        first = math.floor(low - pad) * 12
        months = [m for m in range(first, math.ceil(high + pad) * 12 + 1, step) if low - pad <= m / 12 <= high + pad]
        axes.xaxis.set_major_locator(FixedLocator([m / 12 for m in months]))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{round(x * 12) // 12}-{round(x * 12) % 12 + 1:02d}"))
    else:
        axes.xaxis.set_major_locator(MaxNLocator(nbins=7, integer=True))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{round(x)}"))


def short_id(doc_id: str, width: int = 14) -> str:
    """A document id cut to ``width`` characters (…) for an axis label."""
    text = str(doc_id)
    return text if len(text) <= width else text[:width - 1] + "…"


def _grid(n: int) -> tuple[int, int]:
    columns = 1 if n == 1 else 2 if n <= 4 else 3 if n <= 9 else 4
    return math.ceil(n / columns), columns


def _panels(n: int, title: str, *, panel_height: float = 1.85, sharex: bool = True):
    """A figure of ``n`` small panels in a grid (shared x), the unused cells removed."""
    rows, columns = _grid(n)
    figure = new_figure(WIDTH, 0.9 + panel_height * rows)
    grid = figure.subplots(rows, columns, sharex=sharex, squeeze=False)
    cells = grid.ravel()
    for index in range(n, len(cells)):
        cells[index].remove()
        if index - columns >= 0:  # the panel above an empty cell is the last of its column: it names the x axis
            cells[index - columns].xaxis.set_tick_params(labelbottom=True)
    figure.suptitle(title, fontproperties=cjk_font(11))
    return figure, list(grid.ravel()[:n]), columns


def _finish(figure, note: str = "") -> None:
    if note:
        figure.text(0.01, 0.005, note, fontproperties=cjk_font(8), color="#555555", ha="left", va="bottom")
    figure.tight_layout(rect=(0, 0.035 if note else 0, 1, 0.97))


def _style(axes, title: str, *, color: str = "#222222") -> None:
    axes.set_title(title, fontproperties=cjk_font(10), color=color, loc="left")
    axes.grid(alpha=0.25, linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=8)
    axes.set_ylim(bottom=0)


def _heat_map(values: np.ndarray, rows: Sequence[str], spans: Sequence[tuple[float, float] | None],
              labels: Sequence[str], title: str, legend: str):
    """Rows × times, each row scaled to its own maximum; a column sits at its real time and width when the
    times are dates (gaps stay blank), else columns are in order."""
    from matplotlib import colormaps

    timed = all(s is not None for s in spans) and len(spans) > 0
    figure = new_figure(WIDTH, min(12.0, 1.4 + 0.3 * len(rows)))
    axes = figure.add_subplot()
    peak = np.nanmax(np.where(np.isfinite(values), values, 0), axis=1, keepdims=True)
    scaled = np.divide(values, peak, out=np.zeros_like(values, dtype=float), where=peak > 0)
    cmap = colormaps["YlOrRd"]
    if timed:
        mids = np.array([(s[0] + s[1]) / 2 for s in spans])
        gaps = np.diff(np.sort(mids))
        least = float(gaps[gaps > 0].min()) if (gaps > 0).any() else 1.0
        low, high = min(s[0] for s in spans), max(s[1] for s in spans)
        floor = (high - low) / 250
        for j, (start, end) in enumerate(spans):
            width = max(min(end - start, 0.9 * least), floor)
            mid = (start + end) / 2
            for i in range(len(rows)):
                axes.add_patch(_rect(mid - width / 2, i - 0.5, width, 1.0, cmap(scaled[i, j])))
        axes.set_ylim(len(rows) - 0.5, -0.5)
        _time_axis(axes, low, high)
    else:
        axes.imshow(scaled, aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        step = max(1, math.ceil(len(labels) / 20))
        axes.set_xticks(range(0, len(labels), step))
        axes.set_xticklabels([labels[j] for j in range(0, len(labels), step)], rotation=30, ha="right",
                             fontproperties=cjk_font(8))
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels(list(rows), fontproperties=cjk_font(9))
    axes.set_title(title, fontproperties=cjk_font(11))
    axes.tick_params(labelsize=8)
    _finish(figure, legend)
    return figure


def _rect(x, y, w, h, color):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=color, edgecolor="none")


#: a step between neighbouring points this many times the median step is a gap: drawn dotted, not solid
GAP_FACTOR = 3.0


def gap_line(axes, xs, ys, color: str, *, linewidth: float = 1.2, alpha: float = 0.8) -> None:
    """A line through the points in x order, solid between neighbours and dotted across a gap (a step over
    :data:`GAP_FACTOR` × the median step), so a line never pretends to know the years nobody wrote in."""
    from matplotlib.collections import LineCollection

    order = np.argsort(np.asarray(xs, float), kind="stable")
    x, y = np.asarray(xs, float)[order], np.asarray(ys, float)[order]
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) < 2:
        return
    steps = np.diff(x)
    positive = steps[steps > 0]
    median = float(np.median(positive)) if len(positive) else 0.0
    gap = steps > GAP_FACTOR * median if median > 0 else np.zeros(len(steps), bool)
    segments = np.stack([np.column_stack([x[:-1], y[:-1]]), np.column_stack([x[1:], y[1:]])], axis=1)
    if (~gap).any():
        axes.add_collection(LineCollection(segments[~gap], colors=color, linewidths=linewidth, alpha=alpha, zorder=2))
    if gap.any():
        axes.add_collection(LineCollection(segments[gap], colors=color, linewidths=linewidth * 0.8, alpha=alpha * 0.6,
                                           linestyles=(0, (1.5, 2.5)), zorder=2))


# -- theme trends --------------------------------------------------------------------------------------

def _pooled(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rate of all (non-stub) documents sharing ``key``: mentions / word tokens × 10⁴."""
    kept = rows[~rows["stub"]] if "stub" in rows.columns else rows
    grouped = kept.groupby(key, sort=False).agg(count=("count", "sum"), tokens=("tokens", "sum"))
    grouped["rate"] = np.where(grouped["tokens"] > 0, grouped["count"] / grouped["tokens"].clip(lower=1) * 1e4, 0.0)
    return grouped


def trend_plot(trends: pd.DataFrame, *, value: str = "per_10k"):
    """Each theme's rate per 10,000 word tokens in every document, a panel per theme with its own scale,
    documents on a time axis by date (a heat map past :data:`MAX_PANELS` themes)."""
    if trends.empty:
        return _message("no theme mentions to draw")
    trends = trends.copy()
    trends["date"] = trends["date"].fillna("").astype(str)
    if "stub" in trends.columns:
        trends["stub"] = trends["stub"].astype(str).str.lower().isin(("true", "1"))
    if "tokens" not in trends.columns:   # theme_counts of an older version: rate and count give the size
        trends["tokens"] = np.where(trends[value] > 0, trends["count"] / trends[value].replace(0, np.nan) * 1e4, 0)
    themes = list(dict.fromkeys(trends["theme"]))
    docs = trends.drop_duplicates("doc_id")[["doc_id", "date"] + (["stub"] if "stub" in trends.columns else [])]
    spans = {d: date_span(x) for d, x in zip(docs["doc_id"], docs["date"])}
    timed = sum(s is not None for s in spans.values()) >= max(1, len(spans) // 2)
    undated = [d for d, s in spans.items() if s is None] if timed else []
    if timed:
        trends = trends[~trends["doc_id"].isin(undated)]
        position = {d: (s[0] + s[1]) / 2 for d, s in spans.items() if s is not None}
    else:
        position = {d: float(i) for i, d in enumerate(docs["doc_id"])}
    trends = trends.assign(x=trends["doc_id"].map(position))
    note = "" if not undated else f"{len(undated)} undated document(s) not drawn. "
    if len(themes) > MAX_PANELS:
        keys = list(dict.fromkeys(trends.sort_values("x", kind="stable")["date" if timed else "doc_id"]))
        values = np.array([_pooled(rows, "date" if timed else "doc_id")["rate"].reindex(keys).to_numpy(float)
                           for _, rows in trends.groupby("theme", sort=False)])
        labels = [short_id(k) for k in keys]
        return _heat_map(values, themes, [date_span(k) for k in keys] if timed else [None] * len(keys), labels,
                         "主题词趋势 Theme mentions per 10,000 word tokens",
                         note + "colour: the rate as a share of the theme's own highest rate (each row its own scale)")
    many = len(docs) > 60
    figure, panels, _ = _panels(len(themes), "主题词趋势 Theme mentions per 10,000 word tokens in each document "
                                "(each panel its own scale)")
    for n, (axes, theme) in enumerate(zip(panels, themes)):
        rows = trends[trends["theme"] == theme].sort_values("x", kind="stable")
        color = COLORS[n % len(COLORS)]
        stub = rows["stub"] if "stub" in rows.columns else pd.Series(False, index=rows.index)
        real = rows[~stub]
        if many and timed:   # with many documents, the line is each year's rate (all its documents together)
            pooled = _pooled(rows.assign(year=np.floor(rows["x"]) + 0.5), "year").sort_index()
        else:
            pooled = _pooled(rows, "x").sort_index()
        gap_line(axes, pooled.index, pooled["rate"], color)
        axes.scatter(real["x"], real[value], s=6 if many else 22, color=color, alpha=0.55 if many else 0.95,
                     zorder=3, linewidths=0)
        if stub.any():
            axes.scatter(rows.loc[stub, "x"], rows.loc[stub, value], s=22, facecolors="none", edgecolors="#888888",
                         zorder=3, linewidths=0.8)
        if timed and not many:   # a date known to the year (or month) is a bar across it
            for doc, y in zip(real["doc_id"], real[value]):
                start, end = spans[doc]
                if end - start > 1 / 300:
                    axes.plot([start, end], [y, y], color=color, linewidth=2.2, alpha=0.35, solid_capstyle="butt")
        _style(axes, _series_title(theme, int(rows["count"].sum()), len(themes)))
        top = float(rows[value].max()) if len(rows) else 0
        axes.set_ylim(0, top * 1.12 if top > 0 else 1)
    if timed:
        _time_axis(panels[0], min(spans[d][0] for d in position), max(spans[d][1] for d in position))
    else:
        _ordinal_axis(panels, list(docs["doc_id"]))
    _label_y(panels, "per 10k")
    note += (("dots: documents; line: all documents of a year together" if many else
              "dots: documents; line: all documents of a date together") +
             " (dotted across a gap); a bar spans a date known only to the year or month; hollow: stub (left out of "
             "periods)" if timed else
             "documents in corpus order (undated); line: each document's rate")
    _finish(figure, note)
    return figure


def _series_title(name: str, mentions: int, panels: int) -> str:
    """``name (n mentions)``, shorter where four panels share a row."""
    return f"{name}  ({mentions:,} mentions)" if panels <= 9 and len(name) <= 6 else f"{name} · {mentions:,}"


def _ordinal_axis(panels, ids: Sequence[str]) -> None:
    """Documents or periods at 0, 1, 2, … named on the axis (in the CJK font: ids and periods such as 教育 are
    often Chinese), at most twelve names; unnamed when there are more than MAX_NAMED_DOCS."""
    step = max(1, math.ceil(len(ids) / 12))
    ticks = list(range(0, len(ids), step))
    for axes in panels:
        if len(ids) <= MAX_NAMED_DOCS:
            axes.set_xticks(ticks, [short_id(ids[t]) for t in ticks], rotation=30, ha="right",
                            fontproperties=cjk_font(8))
        else:
            axes.set_xticks(ticks)
        axes.set_xlim(-0.5, len(ids) - 0.5)


def _label_y(panels, text: str) -> None:
    for axes in panels:
        if axes.get_subplotspec().is_first_col():
            axes.set_ylabel(text, fontsize=8)


def _period_spans(labels: Sequence[str]) -> list[tuple[float, float] | None]:
    return [date_span(label) for label in labels]


def period_trend_plot(periods: pd.DataFrame):
    """Each theme's rate per period with its bootstrap interval as a bar, a panel per theme (own scale);
    periods that are dates sit on a time axis, joined by a line; other periods (groups by a field) are points
    side by side, not joined. A period where the theme is never seen is a hollow dot at
    0 (its Poisson upper bound is in the CSV, not drawn: for a short period it dwarfs every rate)."""
    if periods.empty:
        return _message("no periods to draw")
    labels = list(dict.fromkeys(periods["period"].astype(str)))
    spans = _period_spans(labels)
    timed = all(s is not None for s in spans)
    themes = list(dict.fromkeys(periods["theme"]))
    if len(themes) > MAX_PANELS:
        table = periods.assign(period=periods["period"].astype(str)).pivot_table(
            index="theme", columns="period", values="per_10k", sort=False).reindex(index=themes, columns=labels)
        return _heat_map(table.to_numpy(float), themes, spans if timed else [None] * len(labels), labels,
                         "主题趋势（按时期）Theme rates per period",
                         "colour: the period's rate as a share of the theme's own highest rate")
    x = {label: ((s[0] + s[1]) / 2 if timed else float(i)) for i, (label, s) in enumerate(zip(labels, spans))}
    figure, panels, _ = _panels(len(themes), "主题趋势（按时期）Theme rates per period with 95 % bootstrap "
                                "intervals (each panel its own scale)")
    many = len(labels) > 40
    for n, (axes, theme) in enumerate(zip(panels, themes)):
        rows = periods[periods["theme"] == theme]
        rows = rows.assign(x=rows["period"].astype(str).map(x)).sort_values("x", kind="stable")
        color = COLORS[n % len(COLORS)]
        seen = rows["count"] > 0
        if timed:   # groups that are not dates (publishers, categories) are not joined as if they were a sequence
            gap_line(axes, rows["x"], rows["per_10k"], color, linewidth=1.0, alpha=0.6)
        shown = rows[seen]
        axes.errorbar(shown["x"], shown["per_10k"],
                      yerr=[(shown["per_10k"] - shown["ci_low"]).clip(lower=0),
                            (shown["ci_high"] - shown["per_10k"]).clip(lower=0)],
                      fmt="o", markersize=2.5 if many else 4, color=color, ecolor=color, elinewidth=1.0,
                      alpha=0.9, capsize=0 if many else 2, zorder=3)
        axes.scatter(rows.loc[~seen, "x"], rows.loc[~seen, "per_10k"], s=14, facecolors="white", edgecolors=color,
                     linewidths=0.8, zorder=3)
        top = max(float(rows["per_10k"].max()), float(shown["ci_high"].max()) if len(shown) else 0.0)
        _style(axes, _series_title(theme, int(rows["count"].sum()), len(themes)))
        axes.set_ylim(0, top * 1.1 if top > 0 else 1)
    if timed:
        _time_axis(panels[0], min(s[0] for s in spans), max(s[1] for s in spans))
    else:
        _ordinal_axis(panels, labels)
    _label_y(panels, "per 10k")
    _finish(figure, "bars: 95 % interval (documents, or the paragraphs of a one-document period, resampled); "
                    "hollow: not seen in the period")
    return figure


# -- keyness ---------------------------------------------------------------------------------------------

def group_label(expression: str, documents: pd.DataFrame | None, *, other: Sequence[str] = (), corpus=None) -> str:
    """What a keyness group expression stands for, named by its documents: ``latest`` → ``congress20 (2022)``,
    ``rest`` → ``15 documents, 1921–2017``. Falls back to the expression when ``documents`` cannot resolve it.
    ``corpus``: :func:`~textmine.groups.table_corpus` of ``documents`` when the caller has it."""
    ids = group_documents(expression, documents, other=other, corpus=corpus)
    if ids is None:
        return expression
    return describe_documents(ids, documents)


def group_documents(expression: str, documents: pd.DataFrame | None, *, other: Sequence[str] = (),
                    corpus=None) -> list[str] | None:
    """Ids an expression selects among ``documents`` (``rest``: every document not in ``other``); None when
    the expression names a field documents.csv does not have. ``corpus``: as in :func:`group_label`."""
    if documents is None or documents.empty:
        return None
    expression = str(expression).strip()
    if expression == "rest":
        others = set(other)
        return [d for d in text_column(documents, "doc_id") if d not in others]
    from .errors import ConfigError
    from .groups import select_documents, table_corpus

    try:
        return select_documents(table_corpus(documents) if corpus is None else corpus, expression, name="group")
    except (ConfigError, ValueError):
        return None


def describe_documents(ids: Sequence[str], documents: pd.DataFrame) -> str:
    """``congress20 (2022)`` for one document, ``15 documents, 1921–2017`` for several."""
    dates = _document_dates(documents)
    if len(ids) == 1:
        date = dates.get(ids[0], "")
        return f"{ids[0]} ({date})" if date else str(ids[0])
    known = sorted(dates[i] for i in ids if dates.get(i))
    years = sorted({d[:4] for d in known})
    when = "" if not years else f", {years[0]}" if len(years) == 1 else f", {years[0]}–{years[-1]}"
    return f"{len(ids)} documents{when}"


def keyness_names(table: pd.DataFrame, documents: pd.DataFrame | None = None, *, corpus=None) -> tuple[str, str]:
    """The two groups of ``keyness_compare.csv`` named by their documents (target, reference); ``corpus``: as in
    :func:`group_label`."""
    if table.empty:
        return "target", "reference"
    if corpus is None and documents is not None and not documents.empty:
        from .groups import table_corpus

        corpus = table_corpus(documents)
    target, reference = str(table["target"].iloc[0]), str(table["reference"].iloc[0])
    chosen = group_documents(target, documents, corpus=corpus) or []
    return (group_label(target, documents, corpus=corpus),
            group_label(reference, documents, other=chosen, corpus=corpus))


def keyness_plot(table: pd.DataFrame, documents: pd.DataFrame | None = None, *, top_n: int = KEYNESS_TERMS):
    """Two panels of G² bars: the terms over-represented in the target group (left) and in the reference
    group (right), each group named by its documents and dates."""
    if table.empty:
        return _message("no term is distinctive for either group")
    target_name, reference_name = keyness_names(table, documents)
    sides = [("target", "#c0392b"), ("reference", "#2c7fb8")]
    longest = max(len(table[table["side"] == s].head(top_n)) for s, _ in sides)
    figure = new_figure(WIDTH, min(7.5, 1.5 + 0.24 * max(longest, 3)))
    for n, (side, color) in enumerate(sides, start=1):
        axes = figure.add_subplot(1, 2, n)
        rows = table[table["side"] == side].head(top_n)
        y = (longest - 1) - np.arange(len(rows))     # the first term at the top, whatever the list's length
        axes.barh(y, rows["g2"].astype(float), color=color, height=0.7)
        axes.set_yticks(y)
        axes.set_yticklabels([str(t) for t in rows["term"]], fontproperties=cjk_font(9))
        for yy, g2, count in zip(y, rows["g2"].astype(float), rows["count_target" if side == "target" else
                                                                    "count_reference"]):
            axes.text(g2, yy, f" {int(count):,}", va="center", fontsize=7, color="#444444")
        name = target_name if side == "target" else reference_name
        axes.set_title(f"more in {name}", fontproperties=cjk_font(10), loc="left", color=color)
        axes.set_xlabel("G² (log-likelihood)", fontsize=8)
        axes.grid(axis="x", alpha=0.25)
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(axis="x", labelsize=8)
        axes.set_xlim(0, float(rows["g2"].max()) * 1.18 if len(rows) else 1)
        axes.set_ylim(-0.7, max(longest, 1) - 0.3)
    figure.suptitle(f"关键性 Keyness: {target_name}  vs  {reference_name}", fontproperties=cjk_font(11))
    _finish(figure, "bar: G² of the term's count in one group against the other; number: its occurrences in the "
                    "group; the top terms of each side by G²")
    return figure


# -- co-occurrence network -----------------------------------------------------------------------------

#: jieba dictionary tags of words that carry no content of their own in a network picture: verbs, adverbs,
#: adjectives, pronouns, numerals, measure words, prepositions, conjunctions, particles
FUNCTION_TAGS = ("v", "vd", "d", "a", "ad", "r", "m", "q", "p", "c", "u", "f", "t")


@lru_cache(maxsize=1)
def _jieba_tags() -> dict[str, str]:
    """word → part-of-speech tag from jieba's dictionary file (no jieba initialisation, no HMM)."""
    from importlib.util import find_spec

    spec = find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return {}
    from pathlib import Path

    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    tags: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) >= 3:
                    tags[parts[0]] = parts[2]
    except OSError:
        return {}
    return tags


def is_content_term(term: str) -> bool:
    """False for a word jieba's dictionary tags as a function word (verb, adverb, adjective, pronoun …, see
    :data:`FUNCTION_TAGS`); a word the dictionary does not know (a field term such as 具身智能) is content."""
    return _jieba_tags().get(str(term), "n") not in FUNCTION_TAGS


def network_plot(edges: pd.DataFrame, nodes: pd.DataFrame, *, seed: int = 42):
    """The co-occurrence network of content terms: node size by frequency, colour by community, edge width
    by weight; generic words (verbs, adverbs, adjectives …) and components of one or two terms are set apart
    in the note under the picture; labels are moved apart until none overlaps."""
    import networkx as nx
    from matplotlib import colormaps

    from .network import graph_from_tables

    graph = graph_from_tables(edges, nodes)
    generic = sorted((n for n in graph.nodes if not is_content_term(n)),
                     key=lambda n: (-graph.nodes[n].get("freq", 0), n))
    graph.remove_nodes_from(generic)
    small = [sorted(c) for c in nx.connected_components(graph) if len(c) <= 2]
    small.sort(key=lambda c: (-max(graph.nodes[n].get("freq", 0) for n in c), c))
    for component in small:
        graph.remove_nodes_from(component)
    notes = []
    if generic:
        notes.append(f"left out as generic words: {'、'.join(generic[:12])}{' …' if len(generic) > 12 else ''}")
    if small:
        notes.append("set apart (not linked to the rest): " + "; ".join("–".join(c) for c in small[:8])
                     + (" …" if len(small) > 8 else ""))
    note = "   ".join(notes)
    if graph.number_of_nodes() == 0:
        return _message("no co-occurrences of content terms above the thresholds" + (f"\n{note}" if note else ""),
                        height=3.0)
    figure = new_figure(WIDTH, 8.0)
    axes = figure.add_subplot()
    axes.set_axis_off()
    ordered = sorted(graph.nodes)
    layout_graph = nx.Graph()
    layout_graph.add_nodes_from(ordered)
    layout_graph.add_edges_from(sorted((min(a, b), max(a, b), {"weight": d["weight"]})
                                       for a, b, d in graph.edges(data=True)))
    start = nx.circular_layout(layout_graph)
    positions = nx.kamada_kawai_layout(layout_graph, pos=start)
    positions = nx.spring_layout(layout_graph, pos=positions, seed=seed, iterations=30,
                                 k=2.2 / math.sqrt(max(layout_graph.number_of_nodes(), 1)))
    palette = colormaps["tab20"]
    colors = [palette((graph.nodes[n]["community"] - 1) % 20) for n in ordered]
    freq = np.array([graph.nodes[n]["freq"] for n in ordered], dtype=float)
    sizes = 60 + 700 * np.sqrt(freq / freq.max())
    weights = np.array([d["weight"] for *_, d in layout_graph.edges(data=True)], dtype=float)
    widths = 0.4 + 3.0 * (weights - weights.min()) / (np.ptp(weights) or 1.0) if len(weights) else []
    nx.draw_networkx_edges(layout_graph, positions, ax=axes, width=list(widths), edge_color="#aaaaaa", alpha=0.55)
    nx.draw_networkx_nodes(layout_graph, positions, ax=axes, nodelist=ordered, node_size=list(sizes),
                           node_color=colors, alpha=0.85, linewidths=0.5, edgecolors="white")
    xs = np.array([positions[n][0] for n in ordered])
    ys = np.array([positions[n][1] for n in ordered])
    pad_x, pad_y = np.ptp(xs) * 0.08 + 0.05, np.ptp(ys) * 0.08 + 0.05
    axes.set_xlim(xs.min() - pad_x, xs.max() + pad_x)
    axes.set_ylim(ys.min() - pad_y, ys.max() + pad_y)
    figure.tight_layout(rect=(0, 0.04 if note else 0, 1, 0.96))
    sizes_pt = [9 + 3 * math.sqrt(f / freq.max()) for f in freq]
    labels = place_labels(axes, ordered, xs, ys, sizes_pt, radii=np.sqrt(sizes) / 2)
    for node, (lx, ly), (nx_, ny_), size in zip(ordered, labels, zip(xs, ys), sizes_pt):
        moved = abs(lx - nx_) + abs(ly - ny_) > 1e-9
        if moved:
            axes.plot([nx_, lx], [ny_, ly], color="#777777", linewidth=0.5, zorder=1)
        axes.text(lx, ly, node, fontproperties=cjk_font(size), ha="center", va="center", zorder=5,
                  bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.7, "edgecolor": "none"}
                  if moved else None)
    axes.set_title("共现网络 Co-occurrence network of content terms (colour = community, size = frequency)",
                   fontproperties=cjk_font(11))
    if note:
        figure.text(0.01, 0.01, note, fontproperties=cjk_font(8), color="#555555", ha="left", va="bottom", wrap=True)
    return figure


def place_labels(axes, names: Sequence[str], xs: np.ndarray, ys: np.ndarray, sizes_pt: Sequence[float], *,
                 radii: np.ndarray | None = None, iterations: int = 400) -> list[tuple[float, float]]:
    """Label positions (data coordinates) near their points with no two label boxes overlapping.

    Boxes are estimated in pixels (a CJK character is about as wide as the font size, a Latin one half)
    and pushed apart pairwise, each a little towards its own point, until none overlaps; the result is
    deterministic."""
    transform = axes.transData
    points = transform.transform(np.column_stack([xs, ys]))
    dpi = axes.figure.dpi
    widths = np.array([sum(1.0 if ord(c) > 0x2e80 else 0.6 for c in str(n)) * s * dpi / 72 + 4
                       for n, s in zip(names, sizes_pt)])
    heights = np.array([s * dpi / 72 * 1.3 for s in sizes_pt])
    centres = points.copy()
    n = len(names)
    for _ in range(iterations):
        moved = False
        for i in range(n):
            for j in range(i + 1, n):
                dx = centres[j, 0] - centres[i, 0]
                dy = centres[j, 1] - centres[i, 1]
                overlap_x = (widths[i] + widths[j]) / 2 - abs(dx)
                overlap_y = (heights[i] + heights[j]) / 2 - abs(dy)
                if overlap_x > 0 and overlap_y > 0:
                    moved = True
                    if overlap_y <= overlap_x:   # separate along the cheaper direction
                        shift = overlap_y / 2 + 0.5
                        sign = 1.0 if dy > 0 or (dy == 0 and i < j) else -1.0
                        centres[i, 1] -= sign * shift
                        centres[j, 1] += sign * shift
                    else:
                        shift = overlap_x / 2 + 0.5
                        sign = 1.0 if dx > 0 or (dx == 0 and i < j) else -1.0
                        centres[i, 0] -= sign * shift
                        centres[j, 0] += sign * shift
        if not moved:
            break
        centres += (points - centres) * 0.02
    inverse = transform.inverted()
    return [tuple(p) for p in inverse.transform(centres)]


# -- topics ------------------------------------------------------------------------------------------------

def topic_time_plot(topic_dates: pd.DataFrame, documents: pd.DataFrame | None = None):
    """Each topic's mean share of the documents of each date, with its bootstrap interval when the table
    has one (``ci_low``/``ci_high``), a panel per topic (own scale) on a time axis; a heat map past
    :data:`MAX_PANELS` topics. With ``documents`` (``documents.csv``), dates of stubs only are left out."""
    from .trends import dates_beyond_stubs

    if topic_dates.empty:
        return _message("no dated documents: topics over time need dates")
    frame = topic_dates.assign(date=topic_dates["date"].astype(str))
    real = dates_beyond_stubs(documents)
    if real:
        frame = frame[frame["date"].isin(real)]
    dates = list(dict.fromkeys(frame["date"]))
    spans = {d: date_span(d) for d in dates}
    timed = all(s is not None for s in spans.values())
    topics = sorted(frame["topic"].unique())
    names = {int(t): f"{int(t)} · {label}" for t, label in zip(frame["topic"], frame["label"].astype(str))}
    unstable = {int(t): str(u).lower() in ("true", "1") for t, u in zip(frame["topic"], frame["unstable"])}
    if len(topics) > MAX_PANELS:
        table = frame.pivot_table(index="topic", columns="date", values="weight", sort=False).reindex(
            index=topics, columns=dates)
        return _heat_map(table.to_numpy(float) * 100, [names[int(t)] for t in topics],
                         [spans[d] for d in dates] if timed else [None] * len(dates), dates,
                         "主题随时间变化 Topic share of the documents of each date",
                         "colour: the topic's share as a fraction of its own highest share")
    x = {d: ((spans[d][0] + spans[d][1]) / 2 if timed else float(i)) for i, d in enumerate(dates)}
    has_ci = {"ci_low", "ci_high"} <= set(frame.columns)
    yearly = timed and len(dates) > MAX_INTERVAL_DATES   # too many dates for a bar each: a line per year
    figure, panels, _ = _panels(len(topics), "主题随时间变化 Topic share of the documents of each date"
                                + (" with 95 % bootstrap intervals" if has_ci and not yearly else "")
                                + " (each panel its own scale)")
    for n, (axes, topic) in enumerate(zip(panels, topics)):
        rows = frame[frame["topic"] == topic]
        rows = rows.assign(x=rows["date"].map(x)).sort_values("x", kind="stable")
        color = COLORS[n % len(COLORS)]
        share = rows["weight"].astype(float) * 100
        if yearly:
            n_docs = rows["n_docs"].astype(float) if "n_docs" in rows.columns else pd.Series(1.0, index=rows.index)
            year = np.floor(rows["x"]) + 0.5
            mean = (share * n_docs).groupby(year).sum() / n_docs.groupby(year).sum()
            axes.scatter(rows["x"], share, s=5, color=color, alpha=0.35, linewidths=0)
            gap_line(axes, mean.index, mean.to_numpy(), color, linewidth=1.4, alpha=0.9)
            top = float(share.max())
        elif has_ci:
            gap_line(axes, rows["x"], share, color, linewidth=1.0, alpha=0.7)
            low, high = rows["ci_low"].astype(float) * 100, rows["ci_high"].astype(float) * 100
            axes.errorbar(rows["x"], share, yerr=[(share - low).clip(lower=0), (high - share).clip(lower=0)],
                          fmt="o", markersize=3, color=color, elinewidth=0.9, capsize=0, alpha=0.9)
            top = float(high.max())
        else:
            gap_line(axes, rows["x"], share, color, linewidth=1.0, alpha=0.7)
            axes.scatter(rows["x"], share, s=12, color=color)
            top = float(share.max())
        flag = "  unstable" if unstable.get(int(topic)) else ""
        _style(axes, f"{names[int(topic)]}{flag}", color="#b03030" if flag else "#222222")
        axes.set_ylim(0, top * 1.1 if top > 0 else 1)
    if timed:
        _time_axis(panels[0], min(s[0] for s in spans.values()), max(s[1] for s in spans.values()))
    else:
        _ordinal_axis(panels, dates)
    _label_y(panels, "share %")
    if yearly:
        note = ("dots: the topic's mean share of the documents of each date; line: each year's mean (dotted across a "
                "gap); each date's 95 % interval is in topic_dates.csv")
    elif has_ci:
        note = ("share: the topic's mean share of the documents of the date; bars: 95 % interval (documents, or the "
                "paragraphs of a one-document date, resampled)")
    else:
        note = "share: the topic's mean share of the documents of the date"
    _finish(figure, note)
    return figure


def _document_dates(documents: pd.DataFrame | None) -> dict[str, str]:
    """Each document's date as ``documents.csv`` gives it ("" for none); empty without the table."""
    if documents is None or documents.empty:
        return {}
    return dict(zip(text_column(documents, "doc_id"), text_column(documents, "date")))


def _documents_in_date_order(ids: Sequence[str], documents: pd.DataFrame | None) -> list[str]:
    if documents is None or documents.empty:
        return list(ids)
    dates = _document_dates(documents)
    order = {d: i for i, d in enumerate(text_column(documents, "doc_id"))}

    def key(doc: str):
        span = date_span(dates.get(doc, ""))
        return (span is None, span[0] if span else 0.0, order.get(doc, len(order)))

    return sorted(ids, key=key)


def _order_said(ids: Sequence[str], documents: pd.DataFrame | None) -> str:
    """How :func:`_documents_in_date_order` ordered ``ids``, for a title: by date when any of them has one."""
    dates = _document_dates(documents)
    if any(date_span(dates.get(doc, "")) is not None for doc in ids):
        return "documents by date"
    return "documents in corpus order, undated"


def _document_axis(axes, ids: Sequence[str], documents: pd.DataFrame | None, *, axis: str = "y") -> None:
    """Name up to :data:`MAX_NAMED_DOCS` documents by short id and year; with more, mark years only, or, when no
    document has a date, name every few documents (about 18 in all) by short id."""
    dates = _document_dates(documents)
    set_ticks = axes.set_yticks if axis == "y" else axes.set_xticks
    set_labels = axes.set_yticklabels if axis == "y" else axes.set_xticklabels
    if len(ids) <= MAX_NAMED_DOCS:
        set_ticks(range(len(ids)))
        set_labels([f"{short_id(d)} {dates.get(d, '')[:4]}".strip() for d in ids], fontproperties=cjk_font(7.5))
        return
    years = [dates.get(d, "")[:4] for d in ids]
    spacing = max(1, len(ids) // 18)
    if not any(years):
        ticks = list(range(0, len(ids), spacing))
        set_ticks(ticks)
        set_labels([short_id(ids[i]) for i in ticks], fontproperties=cjk_font(7.5))
        return
    ticks, labels, last = [], [], None
    for i, year in enumerate(years):
        if year and year != last and (not ticks or i - ticks[-1] >= spacing):
            ticks.append(i)
            labels.append(year)
        last = year or last
    set_ticks(ticks)
    set_labels(labels, fontsize=7.5)


def doc_topic_heatmap(doc_topics: pd.DataFrame, summary: pd.DataFrame | None = None,
                      documents: pd.DataFrame | None = None):
    """Documents (rows, in date order) × topics: each document's topic shares."""
    from matplotlib import colormaps

    if doc_topics.empty:
        return _message("no document has paragraphs long enough for the topic model")
    wide = doc_topics.pivot_table(index="doc_id", columns="topic", values="weight", sort=False)
    ids = _documents_in_date_order([str(i) for i in wide.index], documents)
    wide.index = wide.index.astype(str)
    wide = wide.reindex(ids)
    labels = {}
    if summary is not None and not summary.empty:
        labels = dict(zip(summary["topic"].astype(int), summary["label"].astype(str)))
    columns = [int(c) for c in wide.columns]
    height = min(11.0, 2.2 + (0.2 * len(ids) if len(ids) <= MAX_NAMED_DOCS else 7.0))
    figure = new_figure(WIDTH if len(columns) > 6 else 8.0, height)
    axes = figure.add_subplot()
    image = axes.imshow(wide.to_numpy(float) * 100, aspect="auto", cmap=colormaps["Blues"], vmin=0, vmax=100,
                        interpolation="nearest")
    axes.set_xticks(range(len(columns)))
    axes.set_xticklabels([f"{c} {labels.get(c, '')}".strip() for c in columns], rotation=30, ha="right",
                         fontproperties=cjk_font(8))
    _document_axis(axes, ids, documents)
    colorbar = figure.colorbar(image, ax=axes, fraction=0.04, pad=0.02)
    colorbar.set_label("share of the document %", fontsize=8)
    colorbar.ax.tick_params(labelsize=7)
    axes.set_title(f"文档 × 主题 Topic shares of each document ({_order_said(ids, documents)})",
                   fontproperties=cjk_font(11))
    _finish(figure, "a document's share: the token-weighted mean of its paragraphs' topic shares")
    return figure


# -- keywords per period -----------------------------------------------------------------------------------

def period_keywords_plot(table: pd.DataFrame, *, top_n: int = PERIOD_TERMS):
    """A column per period listing its most distinctive terms, larger for a higher score; a term seen for
    the first time in that period is red and bold."""
    if table.empty:
        return _message("no period keywords")
    periods = list(dict.fromkeys(table["period"].astype(str)))
    per_row = min(len(periods), 8)
    blocks = math.ceil(len(periods) / per_row)
    block_height = 0.45 + 0.27 * top_n
    height = 0.6 + blocks * block_height
    figure = new_figure(WIDTH, height)
    top_score = float(table["score"].max()) or 1.0
    body = blocks * block_height / height     # the share of the height under the title
    for b in range(blocks):
        chunk = periods[b * per_row:(b + 1) * per_row]
        axes = figure.add_axes((0.01, body * (1 - (b + 1) / blocks), 0.98, body / blocks * 0.98))
        axes.set_axis_off()
        axes.set_xlim(0, per_row)
        axes.set_ylim(top_n + 1.8, -0.2)
        for c, period in enumerate(chunk):
            rows = table[table["period"].astype(str) == period].sort_values("rank", kind="stable").head(top_n)
            n_docs = int(rows["n_docs"].iloc[0]) if "n_docs" in rows.columns and len(rows) else 0
            axes.text(c + 0.5, 0.2, period, ha="center", va="center", fontproperties=cjk_font(11), weight="bold")
            if n_docs:
                axes.text(c + 0.5, 0.85, f"{n_docs} doc{'s' if n_docs != 1 else ''}", ha="center", va="center",
                          fontsize=7, color="#666666")
            for r, row in enumerate(rows.itertuples(index=False), start=2):
                new = bool(getattr(row, "first_appearance", False)) and str(row.first_appearance).lower() in ("true", "1")
                size = 7.5 + 3.5 * math.sqrt(max(float(row.score), 0) / top_score)
                axes.text(c + 0.5, r, str(row.term), ha="center", va="center", fontproperties=cjk_font(size),
                          color="#c0392b" if new else "#1d1f23")
            if c:
                axes.axvline(c, color="#dddddd", linewidth=0.6)
    figure.suptitle("各时期关键词 Distinctive terms of each period (red: first seen in that period)",
                    fontproperties=cjk_font(11), y=1 - 0.12 / height)
    return figure


# -- where in each document the themes are mentioned ---------------------------------------------------------

def dispersion_plot(kwic: pd.DataFrame, documents: pd.DataFrame):
    """Where in each document the mentions of each theme fall: a tick at each mention's position (its
    character offset over the document's length), a row per document in date order, a panel per theme
    (the :data:`DISPERSION_THEMES` themes with the most mentions)."""
    if kwic.empty or documents.empty:
        return _message("no mentions to place")
    doc_ids = text_column(documents, "doc_id")
    chars = dict(zip(doc_ids, documents["chars"].astype(float).tolist()))
    ids = _documents_in_date_order(doc_ids, documents)
    row_of = {d: i for i, d in enumerate(ids)}
    counts = kwic["query"].value_counts()
    themes = [q for q in dict.fromkeys(kwic["query"].astype(str)) if counts.get(q, 0)]
    themes = sorted(themes, key=lambda q: (-counts[q], list(dict.fromkeys(kwic["query"])).index(q)))[:DISPERSION_THEMES]
    themes = [q for q in dict.fromkeys(kwic["query"].astype(str)) if q in themes]
    n = len(themes)
    named = len(ids) <= MAX_NAMED_DOCS
    height = min(10.0, 1.6 + (0.22 * len(ids) if named else 6.5))
    figure = new_figure(WIDTH, height)
    grid = figure.subplots(1, n, sharey=True, squeeze=False)[0]
    for i, (axes, theme) in enumerate(zip(grid, themes)):
        rows = kwic[kwic["query"].astype(str) == theme]
        doc = rows["doc_id"].astype(str)
        size = doc.map(chars).to_numpy(float)
        where = np.divide(rows["start"].to_numpy(float), size, out=np.full(len(rows), np.nan), where=size > 0)
        y = doc.map(row_of).to_numpy(float)
        rule = rows["fit"].isna().to_numpy() if "fit" in rows.columns else np.zeros(len(rows), bool)
        color = COLORS[i % len(COLORS)]
        marker_size = 60 if named else 14
        axes.scatter(where[~rule], y[~rule], marker="|", s=marker_size, color=color, linewidths=1.0 if named else 0.6)
        if rule.any():
            axes.scatter(where[rule], y[rule], marker="|", s=marker_size, color="#111111", linewidths=1.0)
        axes.set_xlim(0, 1)
        axes.set_xticks([0, 0.5, 1])
        axes.set_xticklabels(["start", "", "end"], fontsize=7)
        axes.set_title(f"{theme}\n{len(rows):,}", fontproperties=cjk_font(9), color=color)
        for y_line in range(len(ids)) if named else ():
            axes.axhline(y_line, color="#eeeeee", linewidth=0.5, zorder=0)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_ylim(len(ids) - 0.5, -0.5)
    _document_axis(grid[0], ids, documents)
    figure.suptitle(f"提及位置 Where in each document the theme mentions fall ({_order_said(ids, documents)})",
                    fontproperties=cjk_font(11))
    _finish(figure, "a tick per mention at its character offset over the document's length; black ticks: "
                    "mentions matched by a near/same-sentence rule")
    return figure


# -- choosing k ----------------------------------------------------------------------------------------------

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
    """A PNG of a run: its file name, the tables it is drawn from, and how (``draw(tables, seed)``).

    The first table decides the stage the figure belongs to; ``documents`` (``documents.csv``, written
    by every run) may be among the others."""

    name: str
    tables: tuple[str, ...]
    draw: Callable[[Mapping[str, pd.DataFrame], int], object]
    #: drawn only for corpora of at most this many documents (a row or point per document)
    max_docs: int | None = None


FIGURES = (
    FigureFile("trends.png", ("trends",), lambda t, seed: trend_plot(t["trends"]), MAX_DOCUMENT_ROWS),
    FigureFile("trends_period.png", ("trends_period",), lambda t, seed: period_trend_plot(t["trends_period"])),
    FigureFile("keyness.png", ("keyness_compare", "documents"),
               lambda t, seed: keyness_plot(t["keyness_compare"], t["documents"])),
    FigureFile("cooccurrence.png", ("cooccurrence", "cooccurrence_nodes"),
               lambda t, seed: network_plot(t["cooccurrence"], t["cooccurrence_nodes"], seed=seed)),
    FigureFile("topic_k_selection.png", ("topic_k_selection",), lambda t, seed: k_selection_plot(t["topic_k_selection"])),
    FigureFile("topic_dates.png", ("topic_dates", "documents"),
               lambda t, seed: topic_time_plot(t["topic_dates"], t["documents"])),
    FigureFile("doc_topics.png", ("doc_topics", "topic_summary", "documents"),
               lambda t, seed: doc_topic_heatmap(t["doc_topics"], t["topic_summary"], t["documents"]), MAX_DOCUMENT_ROWS),
    FigureFile("period_keywords.png", ("period_keywords",), lambda t, seed: period_keywords_plot(t["period_keywords"])),
    FigureFile("dispersion.png", ("kwic", "documents"), lambda t, seed: dispersion_plot(t["kwic"], t["documents"]),
               MAX_DOCUMENT_ROWS),
)
