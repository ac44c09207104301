"""scikit-learn NMF on TF-IDF as a topic engine.

NMF has no probabilities: each topic's term weights (a row of ``H``) and each
unit's topic weights (a row of ``W``) are scaled to sum to 1 so that tables,
relevance and evaluation treat every engine alike. ``init="nndsvdar"`` starts
from the SVD and fills its zeros with small seeded random values, so different
seeds give (slightly) different fits and the stability check means something.
"""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)


def _identity(terms):
    return terms


def fit_nmf(docs, *, k, seed, iterations, workers=1, progress=False, **options):
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=_identity, min_df=options.get("min_term_count", 1) or 1,
                                 sublinear_tf=True, norm="l2")
    matrix = vectorizer.fit_transform(docs)
    vocab = tuple(vectorizer.get_feature_names_out())
    model = NMF(n_components=k, init="nndsvdar", random_state=seed, max_iter=max(200, iterations),
                beta_loss="frobenius", solver="cd")
    weights = model.fit_transform(matrix)
    topic_term = _rows_to_distributions(model.components_)
    doc_topic = _rows_to_distributions(weights)
    log.debug("NMF k=%d: %d iterations, reconstruction error %.4g", k, model.n_iter_, model.reconstruction_err_)
    return vocab, topic_term, doc_topic, {"n_iter": int(model.n_iter_),
                                          "reconstruction_err": float(model.reconstruction_err_)}


def _rows_to_distributions(matrix: np.ndarray) -> np.ndarray:
    """Scale rows to sum to 1; an all-zero row becomes uniform."""
    matrix = np.asarray(matrix, dtype=float)
    totals = matrix.sum(axis=1, keepdims=True)
    out = np.where(totals > 0, matrix / np.where(totals > 0, totals, 1), 1.0 / matrix.shape[1])
    return out
