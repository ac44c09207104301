"""Fit whole documents or their paragraphs.

A topic model groups what it is fitted on. Fitted on paragraphs, it finds the subjects a long
report moves between; fitted on whole documents, it sees each document's terms together and
groups documents, which is what a corpus of many documents is usually read for. A corpus of a few
long reports has too few documents for that, and its paragraphs are what a reader wants topics of.
The benchmark corpora (``benchmarks/results/topics.md``) do not tell the two apart: a review or a
news article there is nearly always one paragraph, so both choices fit nearly the same rows.

``[topics] fit_on = "auto"`` therefore fits whole documents when there are at least
:data:`DOCS_PER_TOPIC` documents with content terms per topic, and paragraphs otherwise. Fitted on
documents, each paragraph still gets topic weights (for ``unit_topics.csv`` and the representative
paragraphs): those of its document when it is the document's only paragraph, else inferred from its
own terms with the topics' term distributions held fixed (:func:`infer_mixtures`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

#: ``fit_on = "auto"`` fits whole documents from this many documents per topic on.
DOCS_PER_TOPIC = 20


def choose_fit_on(setting: str, n_documents: int, k: int) -> str:
    """``"documents"`` or ``"paragraphs"`` for ``[topics] fit_on`` (see the module docstring)."""
    if setting != "auto":
        return setting
    return "documents" if n_documents >= DOCS_PER_TOPIC * k else "paragraphs"


def document_terms(unit_terms: Sequence[Sequence[str]], unit_docs: Sequence[str]) -> tuple[list[list[str]], list[str]]:
    """The terms of every document (its units' terms in order) and the document ids, in order of first
    appearance; documents without a term are left out."""
    joined: dict[str, list[str]] = {}
    for terms, doc_id in zip(unit_terms, unit_docs):
        joined.setdefault(doc_id, []).extend(terms)
    ids = [doc_id for doc_id, terms in joined.items() if terms]
    return [joined[doc_id] for doc_id in ids], ids


def paragraph_mixtures(unit_docs: Sequence[Sequence[str]], unit_groups: Sequence[str],
                       documents: Mapping[str, tuple[Sequence[str], np.ndarray]], vocab: Sequence[str],
                       topic_term: np.ndarray, *, alpha: float) -> np.ndarray:
    """The topic weights of paragraphs (``unit_docs``, of documents ``unit_groups``) when whole documents were
    fitted: a paragraph that is its document's only one and holds all its terms takes the document's weights
    (``documents``: id → (terms, weights)); any other is inferred (:func:`infer_mixtures`). Each paragraph's
    inferred weights depend on its own terms only, so any subset of documents gives the same rows."""
    counts = Counter(unit_groups)
    theta = np.zeros((len(unit_docs), topic_term.shape[0]))
    rest = []
    for i, (terms, doc_id) in enumerate(zip(unit_docs, unit_groups)):
        whole = documents.get(doc_id)
        if counts[doc_id] == 1 and whole is not None and list(terms) == list(whole[0]):
            theta[i] = whole[1]
        else:
            rest.append(i)
    if rest:
        theta[rest] = infer_mixtures([unit_docs[i] for i in rest], vocab, topic_term, alpha=alpha)
    return theta


def infer_mixtures(docs: Sequence[Sequence[str]], vocab: Sequence[str], topic_term: np.ndarray, *, alpha: float,
                   iterations: int = 100) -> np.ndarray:
    """Topic mixtures of ``docs`` with ``topic_term`` (k × V) held fixed: the posterior mode of each mixture
    under a symmetric Dirichlet(``1 + alpha``) prior, by EM. Terms outside ``vocab`` are ignored; a document
    with no known term gets equal weights."""
    from scipy import sparse

    from .spread import occurrence_matrix

    k = topic_term.shape[0]
    counts = occurrence_matrix(docs, vocab).tocoo()
    rows, columns, values = counts.row, counts.col, counts.data
    phi = np.maximum(np.asarray(topic_term, dtype=float), 1e-300)[:, columns].T     # nonzeros × k
    gather = sparse.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(len(docs), len(rows)))
    theta = np.full((len(docs), k), 1.0 / k)
    for _ in range(iterations):
        weighted = theta[rows] * phi
        weighted *= (values / weighted.sum(axis=1))[:, None]
        expected = gather @ weighted + alpha
        theta = expected / expected.sum(axis=1, keepdims=True)
    return theta
