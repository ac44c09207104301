"""Honest theme trends: per document and per period, with bootstrap intervals.

Counting follows the theme rules (:mod:`textmine.themes`). A period is a date
(at whatever precision the documents have), a year, a month or the value of any
metadata field. Each period is computed from its own documents only — there is
no smoothing, so a later document can never change an earlier period — and the
bootstrap that gives its interval is seeded from the seed, the theme and the
period label (not from positions), so adding documents to later periods leaves
earlier rows byte-identical.

The interval resamples documents when a period has two or more, and the
paragraphs of the one document otherwise (column ``ci_over`` says which): with
a single report per period, document resampling could only give a zero-width
interval, which would look like certainty. A theme never seen in a period gets
the exact Poisson upper bound instead (``ci_over`` = ``poisson``), since no
resampling can show uncertainty about what never occurred.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import Corpus, Document, TokenizedUnit, Unit
from .errors import ConfigError
from .themes import ThemeSet, find_unit_hits, sentence_index

PERIOD_COLUMNS = ["theme", "period", "n_docs", "doc_freq", "count", "tokens", "per_10k", "ci_low", "ci_high",
                  "ci_over", "first_appearance"]
CHANGE_COLUMNS = ["from_period", "to_period", "theme", "per_10k_from", "per_10k_to", "change", "log2_ratio",
                  "ci_separated", "direction", "rank"]


def unit_theme_counts(units: Sequence[Unit], tokens: Sequence[TokenizedUnit], themes: ThemeSet) -> pd.DataFrame:
    """``unit_id,doc_id,theme,count,tokens`` — hits of each theme in each unit (every unit, zeros included)."""
    rows = []
    for unit, unit_tokens in zip(units, tokens):
        if all(theme.triggers.isdisjoint(unit_tokens.terms) for theme in themes.themes):
            rows += [(unit_tokens.unit_id, unit_tokens.doc_id, theme.name, 0, len(unit_tokens.terms))
                     for theme in themes.themes]
            continue
        sentences = sentence_index(unit.norm, unit_tokens.starts)
        for theme in themes.themes:
            rows.append((unit_tokens.unit_id, unit_tokens.doc_id, theme.name,
                         len(find_unit_hits(theme, unit, unit_tokens, sentences)), len(unit_tokens.terms)))
    return pd.DataFrame(rows, columns=["unit_id", "doc_id", "theme", "count", "tokens"])


def document_trends(unit_counts: pd.DataFrame, themes: ThemeSet, corpus: Corpus) -> pd.DataFrame:
    """``theme,doc_id,date,count,per_10k,tokens,first_appearance`` — one row per theme × document, by date.

    The first five columns are the foundation's ``trends.csv``; ``first_appearance`` marks the
    earliest document (in date order) where the theme occurs.
    """
    docs = corpus.by_date()
    names, doc_ids = list(themes.names), [d.id for d in docs]
    per_doc = unit_counts.groupby(["theme", "doc_id"], sort=False)["count"].sum()
    count = (per_doc.reindex(pd.MultiIndex.from_product([names, doc_ids]), fill_value=0).to_numpy(np.int64)
             .reshape(len(names), len(doc_ids)))
    doc_tokens = unit_counts.drop_duplicates("unit_id").groupby("doc_id")["tokens"].sum()
    tokens = np.broadcast_to(doc_tokens.reindex(doc_ids, fill_value=0).to_numpy(np.int64), count.shape)
    seen = count > 0
    return pd.DataFrame({
        "theme": np.repeat(names, len(doc_ids)).astype(object),
        "doc_id": doc_ids * len(names),
        "date": [str(d.date) if d.date else "" for d in docs] * len(names),
        "count": count.ravel(),
        "per_10k": np.divide(count, tokens, out=np.zeros(count.shape), where=tokens > 0).ravel() * 1e4,
        "tokens": tokens.ravel(),
        "first_appearance": (seen & (np.cumsum(seen, axis=1) == 1)).ravel(),  # the earliest document by date
    })


@dataclass(frozen=True)
class Period:
    label: str
    sort_key: tuple
    doc_ids: tuple[str, ...]


def assign_periods(corpus: Corpus, by: str = "date") -> list[Period]:
    """Group documents into periods in time order.

    ``date``: the date as given (2025, 2025-10, 2025-10-03 are different periods); ``year``;
    ``month`` (documents dated only to the year form their own period ``YYYY``); any other value
    is a metadata field, ordered by the earliest date of its documents, then numerically.
    """
    groups: dict[str, list[Document]] = {}
    fields = sorted({k for d in corpus for k in d.meta})
    for doc in corpus:
        if by in ("date", "year", "month"):
            if doc.date is None:
                label = "undated"
            elif by == "year":
                label = f"{doc.date.year:04d}"
            elif by == "month" and doc.date.month:
                label = f"{doc.date.year:04d}-{doc.date.month:02d}"
            elif by == "month":
                label = f"{doc.date.year:04d}"
            else:
                label = str(doc.date)
        else:
            if by not in fields:
                raise ConfigError(f"[trends] by = {by!r} is not allowed; expected date, year, month or a metadata "
                                  f"field ({', '.join(fields) or 'none in this corpus'})")
            label = str(doc.meta.get(by, "")).strip() or "(none)"
        groups.setdefault(label, []).append(doc)
    periods = []
    for order, (label, docs) in enumerate(groups.items()):
        dates = [d.date.sort_key() for d in docs if d.date]
        earliest = min(dates) if dates else (10**6, 0, 0)
        try:
            numeric = float(label)
        except ValueError:
            numeric = float("inf")
        periods.append(Period(label, (label == "undated", earliest, numeric, order), tuple(d.id for d in docs)))
    return sorted(periods, key=lambda p: p.sort_key)


def _rng(seed: int, theme: str, period: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(theme.encode("utf-8")), zlib.crc32(period.encode("utf-8"))])


def bootstrap_rate(counts: np.ndarray, tokens: np.ndarray, *, resamples: int, confidence: float,
                   rng: np.random.Generator) -> tuple[float, float]:
    """Percentile interval of sum(counts)/sum(tokens)·10⁴ when the rows are resampled with replacement."""
    if len(counts) == 0 or tokens.sum() == 0:
        return 0.0, 0.0
    n = len(counts)
    block = max(1, min(resamples, 4_000_000 // n))  # bounds memory; the random stream is the same as one draw
    rates = np.empty(resamples)
    for start in range(0, resamples, block):
        picks = rng.integers(0, n, size=(min(block, resamples - start), n))
        totals = tokens[picks].sum(axis=1)
        rates[start:start + len(picks)] = np.where(totals > 0, counts[picks].sum(axis=1) / np.maximum(totals, 1) * 1e4,
                                                   0.0)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(rates, [alpha, 1 - alpha])
    return float(low), float(high)


def zero_count_upper(tokens: int, confidence: float = 0.95) -> float:
    """Upper bound per 10k for a theme never seen in ``tokens`` tokens: the exact (Garwood) Poisson bound.

    Resampling cannot show uncertainty about something that never occurred; 0 hits in a short
    text is weaker evidence of absence than 0 hits in a long one (≈ 3.69 / tokens at 95 %).
    """
    from scipy.stats import chi2

    return float(chi2.ppf(1 - (1 - confidence) / 2, 2) / 2 / tokens * 1e4)


def period_trends(unit_counts: pd.DataFrame, themes: ThemeSet, corpus: Corpus, *, by: str = "date",
                  seed: int = 42, resamples: int = 1000, confidence: float = 0.95) -> pd.DataFrame:
    """``theme,period,n_docs,doc_freq,count,tokens,per_10k,ci_low,ci_high,ci_over,first_appearance``."""
    if not 0 < confidence < 1:
        raise ConfigError(f"[trends] confidence = {confidence!r} is out of range; it must be between 0.5 and 1")
    periods = assign_periods(corpus, by)
    doc_counts = unit_counts.groupby(["theme", "doc_id"], sort=False)[["count", "tokens"]].sum()
    rows = []
    for theme in themes.names:
        seen = False
        theme_units = unit_counts[unit_counts["theme"] == theme]
        theme_docs = doc_counts.xs(theme, level="theme") if theme in doc_counts.index.get_level_values("theme") \
            else pd.DataFrame(columns=["count", "tokens"])
        for period in periods:
            in_period = theme_docs.reindex(list(period.doc_ids), fill_value=0)
            counts = in_period["count"].to_numpy(float)
            tokens = in_period["tokens"].to_numpy(float)
            if len(period.doc_ids) >= 2:
                over, c, n = "documents", counts, tokens
            else:
                units = theme_units[theme_units["doc_id"].isin(period.doc_ids)]
                over, c, n = "paragraphs", units["count"].to_numpy(float), units["tokens"].to_numpy(float)
            low, high = bootstrap_rate(c, n, resamples=resamples, confidence=confidence,
                                       rng=_rng(seed, theme, period.label))
            total, count = int(tokens.sum()), int(counts.sum())
            if count == 0 and total:
                over, high = "poisson", zero_count_upper(total, confidence)
            first = count > 0 and not seen
            seen = seen or count > 0
            rows.append({"theme": theme, "period": period.label, "n_docs": len(period.doc_ids),
                         "doc_freq": int((counts > 0).sum()), "count": count, "tokens": total,
                         "per_10k": count / total * 1e4 if total else 0.0, "ci_low": low, "ci_high": high,
                         "ci_over": over, "first_appearance": first})
    return pd.DataFrame(rows, columns=PERIOD_COLUMNS)


def trend_changes(periods: pd.DataFrame) -> pd.DataFrame:
    """Risers and fallers between consecutive periods.

    ``change`` is the difference in rate per 10k; ``log2_ratio`` the log2 ratio of the rates
    with 0.5 added to a zero count; ``ci_separated`` is true when the two intervals do not
    overlap (a change a reader can trust more than one inside the noise). Within each pair of
    periods, risers and fallers are ranked by the size of the change.
    """
    rows = []
    order = list(dict.fromkeys(periods["period"]))
    for before, after in zip(order, order[1:]):
        a = periods[periods["period"] == before].set_index("theme")
        b = periods[periods["period"] == after].set_index("theme")
        pair = []
        for theme in a.index:
            x, y = a.loc[theme], b.loc[theme]
            rate_x = (x["count"] or 0.5) / x["tokens"] * 1e4 if x["tokens"] else 0.0
            rate_y = (y["count"] or 0.5) / y["tokens"] * 1e4 if y["tokens"] else 0.0
            change = float(y["per_10k"] - x["per_10k"])
            seen = x["count"] > 0 or y["count"] > 0
            pair.append({"from_period": before, "to_period": after, "theme": theme,
                         "per_10k_from": float(x["per_10k"]), "per_10k_to": float(y["per_10k"]), "change": change,
                         "log2_ratio": float(np.log2(rate_y / rate_x)) if seen and rate_x and rate_y else 0.0,
                         "ci_separated": bool(y["ci_low"] > x["ci_high"] or y["ci_high"] < x["ci_low"]),
                         "direction": "rise" if change > 0 else "fall" if change < 0 else "flat"})
        for direction in ("rise", "fall", "flat"):
            chosen = sorted((r for r in pair if r["direction"] == direction), key=lambda r: (-abs(r["change"]),
                                                                                         r["theme"]))
            rows += [{**r, "rank": i} for i, r in enumerate(chosen, start=1)]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)
