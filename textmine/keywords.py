"""Top terms per document by TF-IDF, with IDF learned from the corpus itself."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import Dtm
from .dtm import entry_rows, term_ranks, top_per_row


def tfidf(dtm: Dtm, *, sublinear_tf: bool = False) -> np.ndarray:
    """TF-IDF weights (scikit-learn's ``TfidfTransformer``: smooth idf = ln((1+n)/(1+df)) + 1, l2-normalised rows)."""
    from sklearn.feature_extraction.text import TfidfTransformer

    transformer = TfidfTransformer(sublinear_tf=sublinear_tf)
    return transformer.fit_transform(dtm.matrix).toarray()


def top_keywords(dtm: Dtm, *, top_n: int = 30, sublinear_tf: bool = False) -> pd.DataFrame:
    """``doc_id,term,score,rank`` — the ``top_n`` terms of each row by TF-IDF (ties broken by term).

    Works on the sparse matrix row by row, so a corpus of many documents never needs a dense
    documents × terms array.
    """
    if not dtm.vocab:
        return pd.DataFrame(columns=["doc_id", "term", "score", "rank"])
    from sklearn.feature_extraction.text import TfidfTransformer

    weights = TfidfTransformer(sublinear_tf=sublinear_tf).fit_transform(dtm.matrix).tocsr()
    rows = entry_rows(weights)
    positive = weights.data > 0
    rows, columns, values = rows[positive], weights.indices[positive], weights.data[positive]
    picked, ranks = top_per_row(rows, np.round(values, 12), term_ranks(dtm.vocab)[columns], top_n)
    return pd.DataFrame({"doc_id": np.array(dtm.row_ids, dtype=object)[rows[picked]],
                         "term": np.array(dtm.vocab, dtype=object)[columns[picked]],
                         "score": values[picked], "rank": ranks})
