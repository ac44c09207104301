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
    """``doc_id,term,score,rank`` — the ``top_n`` terms of each row by TF-IDF (ties broken by term)."""
    if not dtm.vocab:
        return pd.DataFrame(columns=["doc_id", "term", "score", "rank"])
    weights = tfidf(dtm, sublinear_tf=sublinear_tf)
    vocab = np.array(dtm.vocab, dtype=object)
    frames = []
    for row, doc_id in enumerate(dtm.row_ids):
        scores = weights[row]
        nonzero = np.flatnonzero(scores > 0)
        order = nonzero[np.lexsort((vocab[nonzero], -np.round(scores[nonzero], 12)))][:top_n]
        frames.append(pd.DataFrame({"doc_id": doc_id, "term": vocab[order], "score": scores[order],
                                    "rank": np.arange(1, len(order) + 1)}))
    return pd.concat(frames, ignore_index=True)
