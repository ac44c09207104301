"""Theme trends: every mention counted per document and per period, with bootstrap intervals.

Counting is :class:`textmine.themes.ThemeMatcher`'s: one row of :func:`mention_table` per mention,
so ``count`` here, the rows of ``kwic.csv`` and the report agree by construction. Every rate is
per 10,000 word tokens (``tokens``: every segmented word of the document, stopwords included,
punctuation and white space not) — the one definition in :mod:`textmine.glossary`.

A period is a date (at the coarsest precision the documents share), a year, a month or the value
of any metadata field. Each period is computed from its own documents only — nothing is
smoothed, so a later document never changes an earlier period — and the bootstrap that gives its
interval is seeded from the seed, the theme and the period label (not from positions), so adding
documents to later periods leaves earlier rows byte-identical.

The interval resamples documents when a period has two or more, and the paragraphs of the one
document otherwise (``ci_over`` says which): with a single report per period, document
resampling could only give a zero-width interval, which would look like certainty. A theme never
seen in a period gets the exact Poisson upper bound (``ci_over`` = ``poisson``). Stubs — documents
far shorter than the median (:func:`textmine.preparation.find_stubs`) — are flagged in ``trends.csv``
and left out of periods: a 76-character placeholder is not evidence of absence.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import Corpus, Document, TokenizedUnit, Unit
from .errors import ConfigError
from .themes import ThemeMatcher, ThemeSet

log = logging.getLogger(__name__)

MENTION_COLUMNS = ["theme", "unit_id", "doc_id", "start", "end", "alternative", "rule", "fit", "within"]
DOCUMENT_COLUMNS = ["theme", "doc_id", "date", "count", "per_10k", "tokens", "nested", "rule_hits", "nested_in",
                    "stub", "first_appearance"]
PERIOD_COLUMNS = ["theme", "period", "n_docs", "doc_freq", "count", "tokens", "per_10k", "ci_low", "ci_high",
                  "ci_over", "first_appearance"]
CHANGE_COLUMNS = ["from_period", "to_period", "theme", "per_10k_from", "per_10k_to", "change", "log2_ratio",
                  "ci_separated", "direction", "rank"]



def dates_beyond_stubs(documents: pd.DataFrame) -> set[str] | None:
    """The dates of ``documents.csv`` that have a document that is not a stub: a date of stubs only says nothing
    about the series, so time charts and findings leave it out as the trend periods do (None: no stub column)."""
    if documents is None or "stub" not in documents.columns:
        return None
    from .io.csvsafe import is_true

    return {str(date) for date, stub in zip(documents["date"], documents["stub"]) if not is_true(stub)}

def mention_table(units: Sequence[Unit], tokens: Sequence[TokenizedUnit], themes: ThemeSet, *,
                  match: str = "substring") -> pd.DataFrame:
    """One row per mention: ``theme,unit_id,doc_id,start,end,alternative,rule,fit,within`` (spans in the
    unit's text), themes in their order, then units in corpus order, then by position."""
    matcher = ThemeMatcher(themes, match=match)
    rows: dict[str, list] = {name: [] for name in themes.names}
    for _, _, found in matcher.mentions(units, tokens):
        for name, mentions in found.items():
            rows[name] += [(m.theme, m.unit_id, m.doc_id, m.start, m.end, m.alternative, m.rule, m.fit, m.within)
                           for m in mentions]
    return pd.DataFrame([row for name in themes.names for row in rows[name]], columns=MENTION_COLUMNS)


def unit_sizes(tokens: Sequence[TokenizedUnit]) -> pd.DataFrame:
    """``unit_id,doc_id,tokens``: the word tokens of each unit (the paragraphs a bootstrap resamples)."""
    return pd.DataFrame({"unit_id": [t.unit_id for t in tokens], "doc_id": [t.doc_id for t in tokens],
                         "tokens": [len(t.terms) for t in tokens]})


def document_trends(mentions: pd.DataFrame, themes: ThemeSet, corpus: Corpus, token_totals: dict[str, int],
                    stubs: Collection[str] = ()) -> pd.DataFrame:
    """``trends.csv``: one row per theme × document, documents by date (see :data:`DOCUMENT_COLUMNS`).

    ``count`` is every mention; ``nested`` how many of them sit inside a longer word token and
    ``nested_in`` which tokens (most frequent first); ``rule_hits`` how many came from a ``near``/``&``
    rule rather than a term. ``first_appearance`` marks the earliest dated non-stub document where the
    theme occurs.
    """
    docs = corpus.by_date()
    names, doc_ids = list(themes.names), [d.id for d in docs]
    index = pd.MultiIndex.from_product([names, doc_ids])
    grouped = mentions.groupby(["theme", "doc_id"], sort=False)

    def per_doc(series: pd.Series) -> np.ndarray:
        return series.reindex(index, fill_value=0).to_numpy(np.int64).reshape(len(names), len(doc_ids))

    count = per_doc(grouped.size())
    nested = per_doc(grouped["fit"].agg(lambda f: int((f == "nested").sum())))
    rule_hits = per_doc(grouped["rule"].agg(lambda r: int(r.sum())))
    within: dict[tuple[str, str], str] = {}
    for (theme, doc_id), words in mentions[mentions["fit"] == "nested"].groupby(["theme", "doc_id"], sort=False)["within"]:
        within[(theme, doc_id)] = "; ".join(f"{w} {n}" for w, n in sorted(Counter(words).items(),
                                                                          key=lambda item: (-item[1], item[0]))[:5])
    tokens = np.broadcast_to(np.array([token_totals.get(d, 0) for d in doc_ids], np.int64), count.shape)
    stub = np.broadcast_to(np.array([d in stubs for d in doc_ids]), count.shape)
    dated = np.array([d.date is not None for d in docs])   # an undated document has no place in time
    seen = (count > 0) & ~stub & dated
    return pd.DataFrame({
        "theme": np.repeat(names, len(doc_ids)).astype(object),
        "doc_id": doc_ids * len(names),
        "date": [str(d.date) if d.date else "" for d in docs] * len(names),
        "count": count.ravel(),
        "per_10k": np.divide(count, tokens, out=np.zeros(count.shape), where=tokens > 0).ravel() * 1e4,
        "tokens": tokens.ravel(),
        "nested": nested.ravel(),
        "rule_hits": rule_hits.ravel(),
        "nested_in": [within.get((t, d), "") for t in names for d in doc_ids],
        "stub": stub.ravel(),
        "first_appearance": (seen & (np.cumsum(seen, axis=1) == 1)).ravel(),
    }, columns=DOCUMENT_COLUMNS)


@dataclass(frozen=True)
class Period:
    label: str
    sort_key: tuple
    doc_ids: tuple[str, ...]


#: The earliest date of a period without dated documents (it sorts after every date).
_NO_DATE = (10**6, 0, 0)


def in_time(periods: Sequence[Period], by: str) -> list[str]:
    """The labels of the periods that have a place in time, in time order: rises, falls and first appearances
    are read along them only. By date: every period but ``undated``. By a metadata field: its groups when
    each holds a dated document or every label is a number (so ordered by :func:`assign_periods`);
    otherwise none, since groups such as the categories or publishers of undated documents follow no
    order in time."""
    if by in ("date", "year", "month"):
        return [p.label for p in periods if p.label != "undated"]
    if all(p.sort_key[1] != _NO_DATE for p in periods) or all(math.isfinite(p.sort_key[2]) for p in periods):
        return [p.label for p in periods]
    return []


def period_precision(corpus: Corpus, by: str) -> str:
    """The granularity ``date``/``month`` periods can honestly have: the coarsest precision of the dated
    documents (2025, 2025-10 and 2026-01-28 together are periods by year: 2025-10 lies inside 2025)."""
    order = {"year": 0, "month": 1, "day": 2}
    precisions = {d.date.precision for d in corpus if d.date}
    if not precisions:
        return "year"
    coarsest = min(precisions, key=order.__getitem__)
    wanted = "month" if by == "month" else "day"
    return coarsest if order[coarsest] < order[wanted] else wanted


def assign_periods(corpus: Corpus, by: str = "date") -> list[Period]:
    """Group documents into periods in time order.

    ``date``: the dates as given when all have the same precision, else by the coarsest precision
    present (never a period inside another); ``year``; ``month`` (by year when some document is
    dated only to the year); any other value is a metadata field, ordered by the earliest date of its
    documents, then numerically.
    """
    groups: dict[str, list[Document]] = {}
    fields = sorted({k for d in corpus for k in d.meta})
    if by in ("date", "month"):
        precision = period_precision(corpus, by)
        if by == "date" and len({d.date.precision for d in corpus if d.date}) > 1:
            log.info("documents are dated with mixed precision; periods are by %s", precision)
    for doc in corpus:
        if by in ("date", "year", "month"):
            if doc.date is None:
                label = "undated"
            elif by == "year" or precision == "year":
                label = f"{doc.date.year:04d}"
            elif precision == "month":
                label = f"{doc.date.year:04d}-{doc.date.month:02d}"
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
        earliest = min(dates) if dates else _NO_DATE
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
    if len(counts) == 0 or tokens.sum() == 0 or not counts.any():   # every resample's rate is 0
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
    from scipy.special import chdtri   # scipy.stats.chi2.ppf(q, 2) is chdtri(2, 1 - q); scipy.stats imports slowly

    q = 1 - (1 - confidence) / 2
    return float(chdtri(2, 1.0 - q) / 2 / tokens * 1e4)


def period_trends(mentions: pd.DataFrame, sizes: pd.DataFrame, themes: ThemeSet, corpus: Corpus, *,
                  by: str = "date", seed: int = 42, resamples: int = 1000, confidence: float = 0.95,
                  stubs: Collection[str] = (), doc_tokens: Mapping[str, int] | None = None) -> pd.DataFrame:
    """``trends_period.csv`` (see :data:`PERIOD_COLUMNS`); ``sizes`` is :func:`unit_sizes`. Stubs are left out
    (a period of stubs only is left out altogether). With ``doc_tokens`` (each document's word tokens),
    ``sizes`` need only hold the paragraphs of the documents alone in their period (:func:`single_documents`)."""
    if not 0 < confidence < 1:
        raise ConfigError(f"[trends] confidence = {confidence!r} is out of range; it must be between 0.5 and 1")
    periods = trend_periods(corpus, by, stubs)
    placed_labels = set(in_time(periods, by))
    # plain dicts: a lookup per theme × document in a pandas MultiIndex costs a quarter millisecond
    unit_counts = mentions.groupby(["theme", "unit_id"], sort=False).size().to_dict()
    doc_counts = mentions.groupby(["theme", "doc_id"], sort=False).size().to_dict()
    if doc_tokens is None:
        doc_tokens = sizes.groupby("doc_id", sort=False)["tokens"].sum().to_dict()
    units_of: dict[str, list[int]] = {}
    for row, doc_id in enumerate(sizes["doc_id"].tolist()):
        units_of.setdefault(doc_id, []).append(row)
    unit_ids, unit_tokens = sizes["unit_id"].to_numpy(object), sizes["tokens"].to_numpy(float)
    rows = []
    for theme in themes.names:
        seen = False
        for period in periods:
            ids = list(period.doc_ids)
            counts = np.array([doc_counts.get((theme, d), 0) for d in ids], dtype=float)
            tokens = np.array([doc_tokens.get(d, 0) for d in ids], dtype=float)
            if len(ids) >= 2:
                over, c, n = "documents", counts, tokens
            else:
                own = np.asarray(units_of.get(ids[0], []), dtype=np.intp)
                over = "paragraphs"
                c = np.array([unit_counts.get((theme, u), 0) for u in unit_ids[own]], dtype=float)
                n = unit_tokens[own]
            low, high = bootstrap_rate(c, n, resamples=resamples, confidence=confidence,
                                       rng=_rng(seed, theme, period.label))
            total, count = int(tokens.sum()), int(counts.sum())
            if count == 0 and total:
                over, high = "poisson", zero_count_upper(total, confidence)
            placed = period.label in placed_labels
            first = placed and count > 0 and not seen
            seen = seen or placed and count > 0
            rows.append({"theme": theme, "period": period.label, "n_docs": len(ids),
                         "doc_freq": int((counts > 0).sum()), "count": count, "tokens": total,
                         "per_10k": count / total * 1e4 if total else 0.0, "ci_low": low, "ci_high": high,
                         "ci_over": over, "first_appearance": first})
    return pd.DataFrame(rows, columns=PERIOD_COLUMNS)


def trend_periods(corpus: Corpus, by: str, stubs: Collection[str] = ()) -> list[Period]:
    """The periods of :func:`period_trends`: stubs left out."""
    stubs = set(stubs)
    kept = [d for d in corpus if d.id not in stubs]
    return assign_periods(Corpus(tuple(kept), corpus.name), by) if kept else []


def timeline(corpus: Corpus, by: str, stubs: Collection[str] = ()) -> list[str]:
    """:func:`in_time` of the corpus's :func:`trend_periods`: the periods changes and first appearances are
    read along."""
    return in_time(trend_periods(corpus, by, stubs), by)


def single_documents(corpus: Corpus, by: str, stubs: Collection[str] = ()) -> set[str]:
    """Documents alone in their period: their intervals resample their paragraphs."""
    return {p.doc_ids[0] for p in trend_periods(corpus, by, stubs) if len(p.doc_ids) == 1}


def log2_ratio(count_from: float, tokens_from: float, count_to: float, tokens_to: float) -> float:
    """log2 of the ratio of two rates, each with half an occurrence per the two periods' mean size added.

    The same amount is added to both rates, so the sign always agrees with the change in rate (and a
    zero count on either side gives a finite value); see :func:`trend_changes`.
    """
    if not tokens_from or not tokens_to:
        return 0.0
    smoothing = 0.5 / ((tokens_from + tokens_to) / 2)
    return float(np.log2((count_to / tokens_to + smoothing) / (count_from / tokens_from + smoothing)))


def trend_changes(periods: pd.DataFrame, timeline: Sequence[str] | None = None) -> pd.DataFrame:
    """Risers and fallers between consecutive periods (``trend_changes.csv``), along ``timeline`` (the
    labels of :func:`in_time`; default: the periods in the order of the table).

    ``change`` is the difference in rate per 10k; ``log2_ratio`` the log2 ratio of the rates with half
    an occurrence per the periods' mean size added to both (:func:`log2_ratio`: its sign is the sign of
    ``change``); ``ci_separated`` is true when the two intervals do not overlap (a change a reader can
    trust more than one inside the noise). Within each pair of periods, risers and fallers are ranked
    by the size of the change.
    """
    rows = []
    order = list(dict.fromkeys(periods["period"])) if timeline is None else list(timeline)
    for before, after in zip(order, order[1:]):
        a = periods[periods["period"] == before].set_index("theme")
        b = periods[periods["period"] == after].set_index("theme")
        pair = []
        for theme in a.index:
            x, y = a.loc[theme], b.loc[theme]
            change = float(y["per_10k"] - x["per_10k"])
            pair.append({"from_period": before, "to_period": after, "theme": theme,
                         "per_10k_from": float(x["per_10k"]), "per_10k_to": float(y["per_10k"]), "change": change,
                         "log2_ratio": log2_ratio(x["count"], x["tokens"], y["count"], y["tokens"]),
                         "ci_separated": bool(y["ci_low"] > x["ci_high"] or y["ci_high"] < x["ci_low"]),
                         "direction": "rise" if change > 0 else "fall" if change < 0 else "flat"})
        for direction in ("rise", "fall", "flat"):
            chosen = sorted((r for r in pair if r["direction"] == direction), key=lambda r: (-abs(r["change"]),
                                                                                         r["theme"]))
            rows += [{**r, "rank": i} for i, r in enumerate(chosen, start=1)]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def theme_trends(prepared, themes: ThemeSet | None = None) -> dict[str, pd.DataFrame]:
    """``trends``, ``trends_period`` and ``trend_changes`` of a prepared corpus (its themes, or ``themes``)."""
    cfg = prepared.config.trends
    themes = themes or prepared.theme_set
    mentions = mention_table(prepared.units, prepared.tokens, themes, match=cfg.match)
    periods = period_trends(mentions, unit_sizes(prepared.tokens), themes, prepared.corpus, by=cfg.by,
                            seed=prepared.config.seed, resamples=cfg.bootstrap, confidence=cfg.confidence,
                            stubs=prepared.stubs)
    return {"trends": document_trends(mentions, themes, prepared.corpus, prepared.token_totals, prepared.stubs),
            "trends_period": periods,
            "trend_changes": trend_changes(periods, timeline(prepared.corpus, cfg.by, prepared.stubs))}


def theme_counts(prepared, themes: Sequence[str] | None = None) -> pd.DataFrame:
    """``trends.csv`` for ``themes`` (names of the configured theme file's rules, or plain terms; default:
    the run's themes) — what ``textmine trends`` counts, for notebooks."""
    chosen = prepared.theme_set
    if themes is not None:
        from .preparation import load_themes

        chosen = load_themes(prepared.config.replace(trends={"themes": [t for t in themes if t.strip()]}))
    mentions = mention_table(prepared.units, prepared.tokens, chosen, match=prepared.config.trends.match)
    return document_trends(mentions, chosen, prepared.corpus, prepared.token_totals, prepared.stubs)
