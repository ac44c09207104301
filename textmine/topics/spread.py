"""Terms that carry no topic, found by a first, short fit.

A term carries a topic when knowing it changes which topic a token is likely to be
about. After a short first fit, each term ``w`` gets ``p(topic | w) ∝ p(w | topic) p(topic)``
and its *distinctiveness* ``KL(p(topic | w) || p(topic))`` (Chuang et al., Termite, 2012):
0 nats when the term is spread over the topics exactly as the corpus is. Frequent terms
below a threshold — in reviews these are evaluative and function words such as 没有, 感觉,
非常, 不错, 比较 — are left out and the model is fitted again on the remaining terms.

Only the fitted term lists are used (never any label); the first fit has its own seed, so the
choice is deterministic.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

import numpy as np

log = logging.getLogger(__name__)

# Below this many occurrences a term's topic distribution is too noisy to call it spread out;
# rare terms are kept.
MIN_COUNT = 20


def distinctiveness(topic_term: np.ndarray, doc_topic: np.ndarray, lengths: Sequence[int]) -> np.ndarray:
    """``KL(p(topic | term) || p(topic))`` in nats for every column of ``topic_term`` (k × V).

    ``p(topic)`` is the share of tokens per topic: the units' topic mixtures weighted by their lengths."""
    prior = (np.asarray(lengths, dtype=float)[:, None] * doc_topic).sum(axis=0)
    prior = prior / prior.sum() if prior.sum() > 0 else np.full(topic_term.shape[0], 1 / topic_term.shape[0])
    joint = topic_term * prior[:, None]
    total = joint.sum(axis=0)
    posterior = joint / np.where(total > 0, total, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(posterior > 0, posterior * np.log(posterior / prior[:, None]), 0.0)
    return terms.sum(axis=0)


def spread_terms(docs: Sequence[Sequence[str]], vocab: Sequence[str], topic_term: np.ndarray,
                 doc_topic: np.ndarray, threshold: float, min_count: int = MIN_COUNT) -> dict[str, float]:
    """Terms seen at least ``min_count`` times whose distinctiveness is below ``threshold`` nats, most
    frequent first, each with its distinctiveness."""
    counts = Counter(t for d in docs for t in d)
    scores = distinctiveness(topic_term, doc_topic, [len(d) for d in docs])
    found = [(t, float(s)) for t, s in zip(vocab, scores) if s < threshold and counts[t] >= min_count]
    found.sort(key=lambda pair: (-counts[pair[0]], pair[0]))
    if found:
        log.info("topics: %d terms spread evenly over the topics are left out (%s …)", len(found),
                 " ".join(t for t, _ in found[:15]))
    return dict(found)


def without(docs: Sequence[Sequence[str]], dropped) -> list[list[str]]:
    return [[t for t in d if t not in dropped] for d in docs]


def spread_table(docs: Sequence[Sequence[str]], scores: dict[str, float]):
    """``term,count,distinctiveness`` of the terms left out, most frequent first."""
    import pandas as pd

    counts = Counter(t for d in docs for t in d if t in scores)
    terms = sorted(scores, key=lambda t: (-counts[t], t))
    return pd.DataFrame([{"term": t, "count": counts[t], "distinctiveness": round(scores[t], 4)} for t in terms],
                        columns=["term", "count", "distinctiveness"])
