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

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .model import TopicModel
from .stability import align_topics


def grouping_agreement(first: np.ndarray, second: np.ndarray) -> float:
    """NMI of two groupings given as integer labels, as scikit-learn's ``normalized_mutual_info_score`` gives it
    with its default normalisation (mutual information over the mean of the two entropies); 1 when both
    groupings put everything in one group. Computed here from the contingency table: importing scikit-learn
    for it took 1.2 s of a ``textmine topics`` run."""
    rows = np.unique(first, return_inverse=True)[1].ravel()
    columns = np.unique(second, return_inverse=True)[1].ravel()
    n_rows, n_columns = int(rows.max(initial=-1)) + 1, int(columns.max(initial=-1)) + 1
    if n_rows == n_columns <= 1:
        return 1.0
    joint = np.bincount(rows * n_columns + columns, minlength=n_rows * n_columns).reshape(n_rows, n_columns)
    joint = joint / joint.sum()
    p_rows, p_columns = joint.sum(axis=1), joint.sum(axis=0)
    seen = joint > 0
    information = float((joint[seen] * np.log(joint[seen] / np.outer(p_rows, p_columns)[seen])).sum())
    entropies = [float(-(p * np.log(p)).sum()) for p in (p_rows, p_columns)]
    return max(information, 0.0) / max(float(np.mean(entropies)), np.finfo(float).eps)


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
