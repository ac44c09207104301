"""Build document–term matrices from term lists, streaming over documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from .data import Dtm


def build_dtm(rows: Iterable[tuple[str, Sequence[str]]], *, vocab: Sequence[str] | None = None,
              tokens: Sequence[int] | None = None) -> Dtm:
    """Count terms per row. ``rows`` yields ``(row_id, terms)``; it is consumed once.

    With ``vocab`` (e.g. fitted on another corpus) only those columns are
    counted; otherwise the vocabulary is every term seen, sorted, so the
    matrix does not depend on document order. ``tokens`` gives each row's word-token
    total (see :class:`~textmine.data.Dtm`).
    """
    fixed = {t: i for i, t in enumerate(vocab)} if vocab is not None else None
    seen: dict[str, int] = {}
    index = fixed if fixed is not None else seen
    indptr, indices, data, row_ids = [0], [], [], []
    for row_id, terms in rows:
        if isinstance(terms, str):
            raise TypeError(f"row {row_id!r}: terms must be a sequence of strings, not one string")
        counts = Counter(terms)
        for term, count in counts.items():
            column = index.get(term)
            if column is None:
                if fixed is not None:
                    continue
                column = seen[term] = len(seen)
            indices.append(column)
            data.append(count)
        indptr.append(len(indices))
        row_ids.append(row_id)
    n_cols = len(index)
    import scipy.sparse as sp   # here, not at import: textmine segment never needs it (0.1 s to import)

    matrix = sp.csr_matrix((np.array(data, dtype=np.int64), np.array(indices, dtype=np.int64),
                            np.array(indptr, dtype=np.int64)), shape=(len(row_ids), n_cols))
    sizes = None if tokens is None else np.asarray(tokens, dtype=np.int64)
    if fixed is not None:
        return Dtm(matrix, tuple(vocab), tuple(row_ids), sizes)
    order = sorted(seen, key=seen.__getitem__)
    sorted_terms = sorted(order)
    permutation = np.array([seen[t] for t in sorted_terms], dtype=np.int64)
    matrix = matrix[:, permutation] if n_cols else matrix
    matrix.sort_indices()
    return Dtm(matrix.tocsr(), tuple(sorted_terms), tuple(row_ids), sizes)


def term_ranks(vocab: Sequence[str]) -> np.ndarray:
    """Each term's position in sorted order (the vocabulary of :func:`build_dtm` is sorted already)."""
    terms = np.asarray(vocab, dtype=object)
    ranks = np.empty(len(terms), dtype=np.int64)
    ranks[np.argsort(terms, kind="stable")] = np.arange(len(terms))
    return ranks


def entry_rows(matrix) -> np.ndarray:
    """The row of every stored entry of a CSR matrix, in storage order."""
    return np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))


def top_per_row(rows: np.ndarray, score: np.ndarray, tie: np.ndarray, top_n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``top_n`` entries of each row by descending ``score``, ties by ascending ``tie``: their indices
    (rows in ascending order, best first within a row) and their ranks from 1. One sort for all rows."""
    order = np.lexsort((tie, -score, rows))
    in_order = rows[order]
    position = np.arange(len(order)) - np.searchsorted(in_order, in_order, side="left")
    kept = position < top_n
    return order[kept], position[kept] + 1


def trim_dtm(dtm: Dtm, *, min_count: int = 1, min_df: int = 1, max_df_ratio: float = 1.0) -> Dtm:
    """Keep terms with at least ``min_count`` occurrences, in at least ``min_df`` rows and at most
    ``max_df_ratio`` of the rows (counts, not proportions, for the first two)."""
    counts, dfs = dtm.term_counts(), dtm.doc_freqs()
    n_rows = max(len(dtm.row_ids), 1)
    keep = np.flatnonzero((counts >= min_count) & (dfs >= min_df) & (dfs / n_rows <= max_df_ratio))
    return Dtm(dtm.matrix[:, keep].tocsr(), tuple(dtm.vocab[i] for i in keep), dtm.row_ids, dtm.tokens)


def vocab_table(dtm: Dtm):
    """``term,count,doc_freq`` for every term, most frequent first: ``count`` is how often the term
    came out as a whole token (a mention inside a longer token is not counted here; theme counts
    are), ``doc_freq`` in how many rows."""
    return vocab_frame(dtm.vocab, dtm.term_counts(), dtm.doc_freqs())


def vocab_frame(vocab, counts: np.ndarray, doc_freqs: np.ndarray):
    """:func:`vocab_table` from each term's count and document frequency (aligned with ``vocab``)."""
    import pandas as pd

    frame = pd.DataFrame({"term": vocab, "count": counts, "doc_freq": doc_freqs})
    return frame.sort_values(["count", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
