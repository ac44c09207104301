"""Keyness: which terms are distinctive for a target against a reference.

Log-likelihood G² (Dunning 1993; Rayson & Garside 2000) with the log-ratio
effect size (Hardie 2014): log2 of the ratio of relative frequencies, with 0.5
added to zero counts. The size of each side is its number of word tokens
(:meth:`textmine.data.Dtm.sizes`: every segmented word, stopwords included), the
same denominator as every other rate, so ``per_10k_target`` here and ``per_10k``
in ``trends.csv`` mean the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .data import Dtm
from .dtm import entry_rows, term_ranks, top_per_row

if TYPE_CHECKING:   # pandas loads when a table is made (a light `import textmine`)
    import pandas as pd


def g2_and_log_ratio(target: np.ndarray, reference: np.ndarray, n_target: float | None = None,
                     n_reference: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-term G² and log-ratio for term counts in a target and a reference.

    ``n_target``/``n_reference`` are the corpus sizes; by default the sums of the counts given
    (pass them when only some terms' counts are given, as for a sparse row).
    """
    target = target.astype(float)
    reference = reference.astype(float)
    # scalars, or one size per term (several rows at once, as in keyness_each_vs_rest)
    n_target = np.asarray(target.sum() if n_target is None else n_target, dtype=float)
    n_reference = np.asarray(reference.sum() if n_reference is None else n_reference, dtype=float)
    total = target + reference
    expected_t = n_target * total / (n_target + n_reference)
    expected_r = n_reference * total / (n_target + n_reference)
    with np.errstate(divide="ignore", invalid="ignore"):
        part_t = np.where(target > 0, target * np.log(target / expected_t), 0.0)
        part_r = np.where(reference > 0, reference * np.log(reference / expected_r), 0.0)
    g2 = 2 * (part_t + part_r)
    smoothed_t = np.where(target > 0, target, 0.5) / n_target
    smoothed_r = np.where(reference > 0, reference, 0.5) / n_reference
    return g2, np.log2(smoothed_t / smoothed_r)


def p_values(g2: np.ndarray) -> np.ndarray:
    """The p-value of each G² on one degree of freedom: ``scipy.stats.chi2.sf(g2, df=1)``, the same numbers (tested),
    from ``scipy.special``, which imports in a third of the time ``scipy.stats`` takes (0.6 s)."""
    from scipy.special import chdtrc

    return chdtrc(1, np.maximum(g2, 0.0))   # chi2.sf is 1 below its support; chdtrc would give nan


def keyness_table(dtm: Dtm, target_rows: list[int], reference_rows: list[int] | None = None, *,
                  min_count: int = 3) -> pd.DataFrame:
    """Terms over-represented in the target rows against the reference rows (default: all others)."""
    import pandas as pd

    if reference_rows is None:
        reference_rows = [i for i in range(len(dtm.row_ids)) if i not in set(target_rows)]
    target = np.asarray(dtm.matrix[target_rows].sum(axis=0)).ravel()
    reference = np.asarray(dtm.matrix[reference_rows].sum(axis=0)).ravel()
    sizes = dtm.sizes()
    n_target, n_reference = max(int(sizes[target_rows].sum()), 1), max(int(sizes[reference_rows].sum()), 1)
    g2, log_ratio = g2_and_log_ratio(target, reference, n_target, n_reference)
    keep = (target >= min_count) & (target / n_target > reference / n_reference)
    index = np.flatnonzero(keep)
    frame = pd.DataFrame({
        "term": np.array(dtm.vocab, dtype=object)[index],
        "count_target": target[index],
        "count_reference": reference[index],
        "per_10k_target": target[index] / n_target * 1e4,
        "per_10k_reference": reference[index] / n_reference * 1e4,
        "g2": g2[index],
        "p_value": p_values(g2[index]),
        "log_ratio": log_ratio[index],
    })
    frame = frame.sort_values(["g2", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    frame.insert(len(frame.columns), "rank", np.arange(1, len(frame) + 1))
    return frame


def keyness_each_vs_rest(dtm: Dtm, *, top_n: int = 30, min_count: int = 3, stats=None) -> pd.DataFrame:
    """For each row (document), its ``top_n`` distinctive terms against all other rows.

    The same figures as :func:`keyness_table` with the default reference, computed from the sparse
    matrix: a term a row does not contain can never be distinctive for it, so only the row's own
    terms are scored, and the reference counts are the corpus totals minus the row's. ``stats``
    (:class:`textmine.keywords.TermStats`): the corpus's totals, when ``dtm`` holds some of its documents.
    """
    import pandas as pd

    matrix = dtm.matrix.tocsr()
    matrix.sort_indices()
    row_sizes = dtm.sizes().astype(float)
    if stats is None:
        totals = np.asarray(matrix.sum(axis=0)).ravel()
        if not (row_sizes.sum() - row_sizes > 0).any():
            return pd.DataFrame()
        total_size = row_sizes.sum()
    else:
        totals, total_size = stats.totals, stats.n_tokens
    reference_sizes = total_size - row_sizes
    rows = entry_rows(matrix)
    scored = reference_sizes[rows] > 0          # a row that is the whole corpus has no reference
    rows, cols, target = rows[scored], matrix.indices[scored], matrix.data[scored]
    reference = totals[cols] - target
    n_target, n_reference = row_sizes[rows], reference_sizes[rows]
    g2, log_ratio = g2_and_log_ratio(target, reference, n_target, n_reference)
    keep = (target >= min_count) & (target / n_target > reference / n_reference)
    index = np.flatnonzero(keep)
    picked, ranks = top_per_row(rows[index], g2[index], term_ranks(dtm.vocab)[cols[index]], top_n)
    order = index[picked]
    return pd.DataFrame({
        "doc_id": np.array(dtm.row_ids, dtype=object)[rows[order]],
        "term": np.array(dtm.vocab, dtype=object)[cols[order]],
        "count_target": target[order], "count_reference": reference[order],
        "per_10k_target": target[order] / n_target[order] * 1e4,
        "per_10k_reference": reference[order] / n_reference[order] * 1e4,
        "g2": g2[order], "p_value": p_values(g2[order]), "log_ratio": log_ratio[order], "rank": ranks})


def chi_square(target: np.ndarray, reference: np.ndarray, n_target: float, n_reference: float) -> np.ndarray:
    """Per-term Pearson chi² of the 2×2 table (term vs other tokens, target vs reference), no continuity correction."""
    a = target.astype(float)
    c = reference.astype(float)
    b = n_target - a
    d = n_reference - c
    n = a + b + c + d
    denominator = (a + b) * (c + d) * (a + c) * (b + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, n * (a * d - b * c) ** 2 / denominator, 0.0)


COMPARE_COLUMNS = ["side", "term", "count_target", "count_reference", "per_10k_target", "per_10k_reference",
                   "g2", "chi2", "p_value", "log_ratio", "rank"]


def compare_groups(dtm: Dtm, target_rows: list[int], reference_rows: list[int], *, min_count: int = 3,
                   top_n: int | None = None) -> pd.DataFrame:
    """Distinctive terms of each side: ``side`` is ``target`` or ``reference``, ranked by G² within a side.

    A term is key for the side where its relative frequency is higher, and needs at least
    ``min_count`` occurrences on that side (the minimum-frequency guard). ``log_ratio`` is
    log2(target rate / reference rate), so it is negative for reference-side terms.
    """
    if not target_rows or not reference_rows:
        raise ValueError("both groups need at least one document")
    if set(target_rows) & set(reference_rows):
        raise ValueError("the target and reference groups overlap")
    target = np.asarray(dtm.matrix[target_rows].sum(axis=0)).ravel()
    reference = np.asarray(dtm.matrix[reference_rows].sum(axis=0)).ravel()
    sizes = dtm.sizes()
    return compare_counts(dtm.vocab, target, reference, int(sizes[target_rows].sum()),
                          int(sizes[reference_rows].sum()), min_count=min_count, top_n=top_n)


def compare_counts(vocab, target: np.ndarray, reference: np.ndarray, target_tokens: int, reference_tokens: int, *,
                   min_count: int = 3, top_n: int | None = None) -> pd.DataFrame:
    """:func:`compare_groups` from each term's count in the two groups (aligned with ``vocab``) and their sizes
    in word tokens (the sums can be made part by part: :mod:`textmine.partitions`)."""
    import pandas as pd

    n_t, n_r = max(int(target_tokens), 1), max(int(reference_tokens), 1)
    g2, log_ratio = g2_and_log_ratio(target, reference, n_t, n_r)
    chi = chi_square(target, reference, n_t, n_r)
    over = target / n_t > reference / n_r
    under = target / n_t < reference / n_r
    frames = []
    for side, keep in (("target", over & (target >= min_count)), ("reference", under & (reference >= min_count))):
        index = np.flatnonzero(keep)
        frame = pd.DataFrame({
            "side": side, "term": np.array(vocab, dtype=object)[index],
            "count_target": target[index], "count_reference": reference[index],
            "per_10k_target": target[index] / n_t * 1e4, "per_10k_reference": reference[index] / n_r * 1e4,
            "g2": g2[index], "chi2": chi[index], "p_value": p_values(g2[index]), "log_ratio": log_ratio[index],
        })
        frame = frame.sort_values(["g2", "term"], ascending=[False, True], kind="mergesort")
        if top_n is not None:
            frame = frame.head(top_n)
        frame["rank"] = np.arange(1, len(frame) + 1)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)[COMPARE_COLUMNS]
