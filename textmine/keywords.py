"""Top terms per document by TF-IDF, with IDF learned from the corpus itself."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import Dtm


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
    vocab = np.array(dtm.vocab, dtype=object)
    doc_ids, terms, scores, ranks = [], [], [], []
    for row, doc_id in enumerate(dtm.row_ids):
        start, end = weights.indptr[row], weights.indptr[row + 1]
        columns, values = weights.indices[start:end], weights.data[start:end]
        keep = values > 0
        columns, values = columns[keep], values[keep]
        order = np.lexsort((vocab[columns], -np.round(values, 12)))[:top_n]
        doc_ids += [doc_id] * len(order)
        terms.append(vocab[columns[order]])
        scores.append(values[order])
        ranks.append(np.arange(1, len(order) + 1))
    return pd.DataFrame({"doc_id": np.array(doc_ids, dtype=object), "term": np.concatenate(terms),
                         "score": np.concatenate(scores), "rank": np.concatenate(ranks)})
