"""Are the topics stable across seeds?

Each extra run (another seed, same units and settings) is aligned to the reference
run by Hungarian matching (``scipy.optimize.linear_sum_assignment``) on the cosine
similarity of the topics' term distributions over the shared vocabulary. A topic's
stability is the mean Jaccard similarity between its top-10 terms and those of the
topic it was matched to in each other run; a topic below the threshold is flagged
``unstable`` in every table that shows it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

TOP_TERMS = 10


def _aligned_matrix(model, vocab: Sequence[str]) -> np.ndarray:
    index = {t: i for i, t in enumerate(model.vocab)}
    columns = np.array([index.get(t, -1) for t in vocab])
    matrix = np.zeros((model.k, len(vocab)))
    present = columns >= 0
    matrix[:, present] = model.topic_term[:, columns[present]]
    return matrix


def align_topics(reference, other) -> np.ndarray:
    """``match[i]`` = the topic index (0-based) of ``other`` matched to topic ``i`` of ``reference``."""
    from scipy.optimize import linear_sum_assignment

    vocab = list(reference.vocab)
    a = _aligned_matrix(reference, vocab)
    b = _aligned_matrix(other, vocab)
    a = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-300)
    b = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-300)
    similarity = a @ b.T
    rows, cols = linear_sum_assignment(-similarity)
    match = np.empty(reference.k, dtype=int)
    match[rows] = cols
    return match


def jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 1.0


def topic_stability(reference, others: Sequence, top_n: int = TOP_TERMS) -> np.ndarray:
    """Per-topic mean Jaccard of top-``top_n`` terms between ``reference`` and each aligned run in ``others``.

    With no other runs the stability is unknown (NaN)."""
    if not others:
        return np.full(reference.k, np.nan)
    ref_top = [[t for t, _ in reference.top_terms(i + 1, top_n)] for i in range(reference.k)]
    scores = np.zeros((len(others), reference.k))
    for run, other in enumerate(others):
        if other.k != reference.k:
            raise ValueError("stability runs must have the same k as the reference")
        match = align_topics(reference, other)
        for i in range(reference.k):
            scores[run, i] = jaccard(ref_top[i], [t for t, _ in other.top_terms(int(match[i]) + 1, top_n)])
    return scores.mean(axis=0)
