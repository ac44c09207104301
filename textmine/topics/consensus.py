"""One topic model from several fits that differ only in their seed.

LDA fitted by Gibbs sampling ends in a different local optimum for every seed: the NMI of one
fit against the categories of the benchmark corpora moves by several hundredths from seed to seed
(``benchmarks/results/topics.md``), and a single fit may split one subject in two and merge two
others. The stage therefore
fits the model several times (seeds ``seed``, ``seed + 1``, …) and reports

* the topics of the *reference fit*: the fit whose grouping of the units (each unit's dominant
  topic) agrees best with the other fits' groupings — the highest mean NMI with them, ties to the
  earliest seed. An outlying fit is never the reference.
* each unit's topic weights averaged over all fits, topic by topic after matching every fit's topics
  to the reference's (Hungarian matching on the cosine similarity of the topic–term distributions,
  :func:`~textmine.topics.stability.align_topics`). A unit a single fit places badly is outvoted.

The fits' agreement is also what :mod:`~textmine.topics.stability` reports per topic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .model import TopicModel
from .stability import align_topics


def grouping_agreement(first: np.ndarray, second: np.ndarray) -> float:
    """NMI of two groupings given as integer labels: scikit-learn's ``normalized_mutual_info_score`` with its
    default normalisation (mutual information over the mean of the two entropies; 1 when both groupings put
    everything in one group), computed step for step as scikit-learn does, so the values are the same to the
    last bit (tested). Written out because importing scikit-learn takes about a second, more than the rest of
    the consensus."""
    _, first = np.unique(np.asarray(first), return_inverse=True)
    _, second = np.unique(np.asarray(second), return_inverse=True)
    first, second = first.ravel(), second.ravel()
    n_first, n_second = int(first.max(initial=-1)) + 1, int(second.max(initial=-1)) + 1
    if n_first == n_second == 1 or n_first == n_second == 0:
        return 1.0
    counts = np.bincount(first * n_second + second, minlength=n_first * n_second).reshape(n_first, n_second)
    mutual = _mutual_information(counts.astype(np.float64))
    if mutual == 0:
        return 0.0
    return float(mutual / np.mean([_entropy(first), _entropy(second)]))


def _mutual_information(counts: np.ndarray) -> float:
    rows, columns = np.nonzero(counts)
    values = counts[rows, columns]
    total = counts.sum()
    row_sums, column_sums = counts.sum(axis=1), counts.sum(axis=0)
    if row_sums.size == 1 or column_sums.size == 1:
        return 0.0
    shares = values / total
    outer = row_sums.take(rows).astype(np.int64) * column_sums.take(columns).astype(np.int64)
    log_outer = -np.log(outer) + math.log(row_sums.sum()) + math.log(column_sums.sum())
    terms = shares * (np.log(values) - math.log(total)) + shares * log_outer
    terms = np.where(np.abs(terms) < np.finfo(terms.dtype).eps, 0.0, terms)
    return float(np.clip(terms.sum(), 0.0, None))


def _entropy(labels: np.ndarray) -> float:
    if len(labels) == 0:
        return 1.0
    counts = np.bincount(labels).astype(np.float64)
    counts = counts[counts > 0]
    if counts.size == 1:
        return 0.0
    total = np.sum(counts)
    return float(-np.sum((counts / total) * (np.log(counts) - math.log(total))))


def agreement_matrix(runs: Sequence[TopicModel]) -> np.ndarray:
    """NMI between the dominant-topic groupings of the rows, for every pair of fits (0 on the diagonal)."""
    dominant = [run.doc_topic.argmax(axis=1) for run in runs]
    matrix = np.zeros((len(runs), len(runs)))
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            matrix[i, j] = matrix[j, i] = grouping_agreement(dominant[i], dominant[j])
    return matrix


def reference_index(runs: Sequence[TopicModel]) -> int:
    """Index of the fit that agrees best with the others (see the module docstring); 0 for one or two fits."""
    if len(runs) < 3:
        return 0
    totals = np.round(agreement_matrix(runs).sum(axis=1), 12)
    return int(np.flatnonzero(totals == totals.max())[0])


def consensus_model(runs: Sequence[TopicModel]) -> tuple[TopicModel, int]:
    """The reference fit with every unit's topic weights averaged over the matched fits, and the reference's
    index in ``runs``. One fit is returned as it is."""
    reference = reference_index(runs)
    model = runs[reference]
    if len(runs) == 1:
        return model, 0
    total = np.zeros_like(model.doc_topic, dtype=float)
    for run in runs:
        if run.row_ids != model.row_ids:
            raise ValueError("the fits of a consensus must cover the same units")
        total += run.doc_topic if run is model else run.doc_topic[:, align_topics(model, run)]
    params = {**model.params, "runs": len(runs), "seeds": [run.seed for run in runs], "reference_seed": model.seed}
    return replace(model, doc_topic=total / len(runs), params=params), reference
