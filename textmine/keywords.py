"""Keywords per document: the terms that distinguish it, by TF-IDF with IDF learned from the corpus itself.

Two methods (``[keywords] method``):

- ``distinctive`` (the default): TF-IDF with sublinear term frequency (1 + ln tf), among the terms
  the document uses at least ``min_ratio`` times as often (per word token) as the rest of the corpus
  does, the rest's count smoothed by half an occurrence. A term every report of a series uses about
  as much (发展, 建设, 人民 in the party-congress reports) says nothing about one of them, however
  frequent; a term every report uses but one uses far more (算力 in the Xinhua piece: 110 per 10k
  against 35 in the others) does. The sublinear tf keeps a document's single most repeated word from
  crowding out the rest. With one document there is no rest, and every term is kept.
- ``tfidf``: plain scikit-learn TF-IDF, raw counts, every term.

Both use scikit-learn's ``TfidfTransformer``: smooth idf = ln((1 + n) / (1 + df)) + 1, rows
l2-normalised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import Dtm
from .dtm import entry_rows, term_ranks, top_per_row
from .errors import ConfigError

METHODS = ("distinctive", "tfidf")


@dataclass(frozen=True)
class TermStats:
    """What a document's scores need to know of the whole corpus: each term's document frequency and total
    count (aligned with a matrix's columns), the number of documents and of word tokens.

    By default they come from the matrix scored; a matrix holding some of the documents (one partition,
    :mod:`textmine.partitions`) is scored with the corpus's, and gets the scores it has in the whole matrix.
    """

    doc_freq: np.ndarray
    totals: np.ndarray
    n_docs: int
    n_tokens: float

    @classmethod
    def of(cls, dtm: Dtm) -> TermStats:
        counts = dtm.matrix.tocsr()
        return cls(np.bincount(counts.indices, minlength=counts.shape[1]), np.asarray(counts.sum(axis=0)).ravel(),
                   len(dtm.row_ids), float(dtm.sizes().astype(float).sum()))


def smooth_idf(doc_freq: np.ndarray, n_docs: int) -> np.ndarray:
    """scikit-learn's smooth idf, ln((1 + n) / (1 + df)) + 1, computed as its ``TfidfTransformer.fit`` does."""
    df = np.asarray(doc_freq, dtype=np.float64) + 1.0
    idf = np.full_like(df, fill_value=n_docs + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return idf


def tfidf_weights(counts, idf: np.ndarray, *, sublinear_tf: bool):
    """``TfidfTransformer(sublinear_tf=…).transform`` with the given idf, each row scaled to unit length as
    scikit-learn's ``normalize`` does (each row's weights depend on that row and the idf only). Done here in
    numpy: importing scikit-learn took a second of every run's keywords stage for these few lines."""
    weights = counts.astype(np.float64)
    if sublinear_tf:
        np.log(weights.data, weights.data)
        weights.data += 1.0
    weights.data *= idf[weights.indices]
    lengths = np.diff(weights.indptr)
    norms = np.sqrt(_row_sums_in_order(weights.data * weights.data, weights.indptr))
    norms[norms == 0.0] = 1.0   # a row of zeros stays zeros
    weights.data /= np.repeat(norms, lengths)
    return weights


def _row_sums_in_order(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Each CSR row's sum of ``values``, added one after the other in the row's order as scikit-learn's loop adds
    them, so the weights are its numbers to the last bit (numpy's own sums add in pairs, which differs in the
    last digits). A step per position, over the rows that long: longest rows first."""
    lengths = np.diff(indptr)
    order = np.argsort(-lengths, kind="stable")
    starts, longest_first = indptr[:-1][order], lengths[order]
    sums = np.zeros(len(lengths))
    for position in range(int(longest_first[0]) if len(lengths) else 0):
        rows = int(np.searchsorted(-longest_first, -position, side="left"))   # rows longer than ``position``
        sums[:rows] += values[starts[:rows] + position]
    out = np.empty_like(sums)
    out[order] = sums
    return out


def top_keywords(dtm: Dtm, *, top_n: int = 30, method: str = "distinctive", min_ratio: float = 2.0,
                 stats: TermStats | None = None) -> pd.DataFrame:
    """``doc_id,term,score,rank`` — the ``top_n`` terms of each row by the method's score (ties by term).

    Works on the sparse matrix, all rows in one sort, so a corpus of many documents never needs a
    dense documents × terms array. ``stats``: the corpus's (:class:`TermStats`), when ``dtm`` holds part of it.
    """
    if method not in METHODS:
        raise ConfigError(f"[keywords] method = {method!r} is not allowed; expected one of {', '.join(METHODS)}")
    if not dtm.vocab:
        return pd.DataFrame(columns=["doc_id", "term", "score", "rank"])
    stats = stats or TermStats.of(dtm)
    distinctive = method == "distinctive"
    counts = dtm.matrix.tocsr()
    counts.sort_indices()
    weights = tfidf_weights(counts, smooth_idf(stats.doc_freq, stats.n_docs), sublinear_tf=distinctive).tocsr()
    weights.sort_indices()
    rows = entry_rows(weights)
    keep = weights.data > 0
    if distinctive and stats.n_docs > 1:
        keep &= over_represented(counts, dtm.sizes(), min_ratio, totals=stats.totals, total_size=stats.n_tokens)
    rows, columns, values = rows[keep], weights.indices[keep], weights.data[keep]
    picked, ranks = top_per_row(rows, np.round(values, 12), term_ranks(dtm.vocab)[columns], top_n)
    return pd.DataFrame({"doc_id": np.array(dtm.row_ids, dtype=object)[rows[picked]],
                         "term": np.array(dtm.vocab, dtype=object)[columns[picked]],
                         "score": values[picked], "rank": ranks})


def over_represented(counts, sizes: np.ndarray, min_ratio: float, *, totals: np.ndarray | None = None,
                     total_size: float | None = None) -> np.ndarray:
    """For each stored entry of the CSR ``counts`` (rows in order): is the term's rate in its row at least
    ``min_ratio`` × its rate in all other rows, the other rows' count plus half an occurrence? ``totals``
    (each column's total) and ``total_size`` (all rows' word tokens) default to those of ``counts``."""
    sizes = np.asarray(sizes, dtype=float)
    rows = entry_rows(counts)
    totals = np.asarray(counts.sum(axis=0)).ravel() if totals is None else totals
    mine = counts.data.astype(float)
    rest = totals[counts.indices] - mine
    rest_size = (sizes.sum() if total_size is None else total_size) - sizes[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rest_size > 0, mine / np.maximum(sizes[rows], 1) >= min_ratio * (rest + 0.5) / rest_size, True)


#: at most this many periods in ``period_keywords.csv``: dated periods are merged into coarser ones (months
#: into years, years into decades) until there are no more than this
MAX_KEYWORD_PERIODS = 12
PERIOD_KEYWORD_COLUMNS = ["period", "n_docs", "term", "count", "per_10k", "doc_freq", "score", "rank",
                          "first_appearance"]


def coarser_period(label: str, level: str) -> str:
    """``2025-10-03`` → ``2025-10`` (month) → ``2025`` (year) → ``2020s`` (decade); other labels unchanged."""
    import re

    match = re.match(r"^(\d{4})(?:-(\d{2}))?", label)
    if not match:
        return label
    year, month = match.group(1), match.group(2)
    if level == "month" and month:
        return f"{year}-{month}"
    if level == "year":
        return year
    if level == "decade":
        return f"{year[:3]}0s"
    return label


def keyword_periods(corpus, by: str = "date", *, stubs=(), max_periods: int = MAX_KEYWORD_PERIODS
                    ) -> list[tuple[str, tuple[str, ...]]]:
    """``(label, doc_ids)`` of each period in time order: :func:`textmine.trends.trend_periods` with ``by``
    (stubs left out), dated periods merged into months, years, then decades while
    there are more than ``max_periods``."""
    from .trends import trend_periods

    periods = [(p.label, p.doc_ids) for p in trend_periods(corpus, by, stubs)]
    for level in ("month", "year", "decade"):
        if len(periods) <= max_periods:
            break
        merged: dict[str, list[str]] = {}
        for label, ids in periods:
            merged.setdefault(coarser_period(label, level), []).extend(ids)
        periods = [(label, tuple(ids)) for label, ids in merged.items()]
    return periods


def keyword_timeline(corpus, by: str, labels, *, stubs=()) -> list[str]:
    """The keyword periods (``labels``) that have a place in time, in order (see
    :func:`textmine.trends.in_time`): new terms are read along them only."""
    from .trends import timeline

    return [label for label in labels if label != "undated"] if timeline(corpus, by, stubs) else []


def period_keywords(dtm: Dtm, corpus, *, by: str = "date", top_n: int = 30, min_ratio: float = 2.0, stubs=(),
                    max_periods: int = MAX_KEYWORD_PERIODS) -> pd.DataFrame:
    """``period_keywords.csv``: the distinctive keywords of each period's documents taken together.

    The documents of a period (:func:`keyword_periods`) are summed into one row (:meth:`Dtm.group`) and
    ranked by :func:`top_keywords` with the ``distinctive`` method, so a period's keywords are the terms
    it uses at least ``min_ratio`` times as often as the other periods. ``count``/``per_10k`` are the
    term's occurrences and rate in the period, ``doc_freq`` its documents there, and
    ``first_appearance`` is true when no earlier period uses the term at all (never in the first period).
    """
    periods = keyword_periods(corpus, by, stubs=stubs, max_periods=max_periods)
    rows_of = {doc_id: i for i, doc_id in enumerate(dtm.row_ids)}
    periods = [(label, [rows_of[d] for d in ids if d in rows_of]) for label, ids in periods]
    periods = [(label, rows) for label, rows in periods if rows]
    if not periods or not dtm.vocab:
        return pd.DataFrame(columns=PERIOD_KEYWORD_COLUMNS)
    rows = [r for _, members in periods for r in members]
    labels = [label for label, members in periods for _ in members]
    part = Dtm(dtm.matrix.tocsr()[rows], dtm.vocab, tuple(dtm.row_ids[r] for r in rows),
               None if dtm.tokens is None else np.asarray(dtm.tokens)[rows])
    grouped = part.group(labels)                        # rows: the periods, in time order
    present = Dtm((part.matrix > 0).astype(np.int64).tocsr(), dtm.vocab, part.row_ids).group(labels)
    return period_keyword_table(grouped, present, [len(members) for _, members in periods], top_n=top_n,
                                min_ratio=min_ratio,
                                timeline=keyword_timeline(corpus, by, [label for label, _ in periods], stubs=stubs))


def period_keyword_table(grouped: Dtm, present: Dtm, n_docs: list[int], *, top_n: int = 30,
                         min_ratio: float = 2.0, timeline: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`period_keywords` from the periods' summed counts (``grouped``: one row a period, in time order, its
    documents' word tokens as the row's size), how many of their documents hold each term (``present``) and
    their numbers of documents; the sums can be made part by part (:mod:`textmine.partitions`).
    ``first_appearance`` is read along ``timeline`` (:func:`keyword_timeline`; default: every period)."""
    table = top_keywords(grouped, top_n=top_n, method="distinctive", min_ratio=min_ratio)
    if table.empty:
        return pd.DataFrame(columns=PERIOD_KEYWORD_COLUMNS)
    term_index = {t: i for i, t in enumerate(grouped.vocab)}
    columns = sorted({term_index[t] for t in table["term"]})
    at = {c: j for j, c in enumerate(columns)}
    counts = grouped.matrix.tocsc()[:, columns].toarray()          # periods × the terms listed
    doc_freq = present.matrix.tocsc()[:, columns].toarray()
    placed = np.array([timeline is None or label in timeline for label in grouped.row_ids], dtype=bool)
    hits = (counts > 0) & placed[:, None]
    seen_before = np.vstack([np.zeros((1, len(columns)), bool), np.cumsum(hits, axis=0)[:-1] > 0])
    first_placed = int(np.argmax(placed)) if placed.any() else -1
    period_index = {p: i for i, p in enumerate(grouped.row_ids)}
    sizes = grouped.sizes()
    p = table["doc_id"].map(period_index).to_numpy()
    j = table["term"].map(lambda t: at[term_index[t]]).to_numpy()
    count = counts[p, j]
    return pd.DataFrame({
        "period": table["doc_id"].to_numpy(), "n_docs": [n_docs[i] for i in p], "term": table["term"].to_numpy(),
        "count": count, "per_10k": np.divide(count * 1e4, sizes[p], out=np.zeros(len(p)), where=sizes[p] > 0),
        "doc_freq": doc_freq[p, j], "score": table["score"].to_numpy(), "rank": table["rank"].to_numpy(),
        "first_appearance": placed[p] & (p != first_placed) & ~seen_before[p, j]}, columns=PERIOD_KEYWORD_COLUMNS)
