"""Terms that carry no topic, found by a first, short fit.

A term carries a topic when the units it occurs in are about some topics more than others.
After a short first fit, each term ``w`` gets the topic mixture of its occurrences,
``p(topic | w) = Σ_u n(u, w) θ_u / n(w)`` (``θ_u`` is the topic mixture of unit ``u``), and its
*distinctiveness* ``KL(p(topic | w) || p(topic))`` (Chuang et al., Termite, 2012), where
``p(topic) = Σ_u n(u) θ_u / N`` is the share of all tokens per topic: 0 nats when the units that
use the term are spread over the topics exactly as the corpus is. Frequent terms below a
threshold — in reviews the evaluative and function words 没有, 感觉, 非常, 不错, 比较; in news
中国, 没有, 问题, 可能 — are left out and the model is fitted again on the remaining terms.

The mixture of the units a term occurs in is used, not the term's own topic assignments
(``p(w | topic)``): a first fit often gathers the function words into a topic of their own,
and by their own assignments they then look as concentrated as a subject word, while the
units that use them are still spread over every topic.

Only the fitted term lists are used (never any label); the first fit has its own seed, so the
choice is deterministic. On a large corpus the first fit sees a random sample of the units, drawn
with that seed (:data:`FIRST_FIT_TOKENS`), and a term must be seen :data:`MIN_COUNT` times in it.
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

#: The first fit runs on units drawn at random (with the run's seed) up to this many tokens. The terms
#: it looks for are frequent ones, so a sample finds them; on the 62,774 reviews (about 900,000 tokens)
#: the full first fit took 5 s of a 46 s ``textmine topics``, before any of the main fits could start.
#: The 502 news articles and smaller corpora are below it and fitted whole.
FIRST_FIT_TOKENS = 250_000


def first_fit_sample(docs: Sequence[Sequence[str]], seed: int,
                     budget: int | None = None) -> tuple[Sequence[Sequence[str]], int]:
    """``(units, min_count)``: ``docs`` and :data:`MIN_COUNT` when they hold at most ``budget`` tokens
    (default :data:`FIRST_FIT_TOKENS`); else units drawn at random (with ``seed``) until the next would pass
    ``budget``, kept in their order, and :data:`MIN_COUNT` scaled to the sample's share of the tokens (at
    least 5)."""
    budget = FIRST_FIT_TOKENS if budget is None else budget
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    total = int(lengths.sum())
    if total <= budget:
        return docs, MIN_COUNT
    order = np.random.default_rng(seed).permutation(len(docs))
    taken = np.sort(order[np.cumsum(lengths[order]) <= budget])
    tokens = int(lengths[taken].sum())
    log.info("topics: the first fit (spread terms) runs on %d of %d units (%d of %d tokens)", len(taken), len(docs),
             tokens, total)
    return [docs[i] for i in taken], max(5, round(MIN_COUNT * tokens / total))


def occurrence_matrix(docs: Sequence[Sequence[str]], vocab: Sequence[str]):
    """Units × vocabulary counts (``scipy.sparse`` CSR); terms outside ``vocab`` are ignored."""
    from scipy import sparse

    index = {t: i for i, t in enumerate(vocab)}
    columns = [index.get(t, -1) for d in docs for t in d]
    rows = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
    columns = np.asarray(columns, dtype=np.int64)
    known = columns >= 0
    return sparse.csr_matrix((np.ones(int(known.sum())), (rows[known], columns[known])),
                             shape=(len(docs), len(vocab)))


def distinctiveness(counts, doc_topic: np.ndarray) -> np.ndarray:
    """``KL(p(topic | term) || p(topic))`` in nats for every column of ``counts`` (units × terms), with
    ``p(topic | term)`` the mixture of the units the term occurs in, weighted by its count in each, and
    ``p(topic)`` the units' mixtures weighted by their lengths (see the module docstring)."""
    doc_topic = np.asarray(doc_topic, dtype=float)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    prior = lengths @ doc_topic
    k = doc_topic.shape[1]
    prior = prior / prior.sum() if prior.sum() > 0 else np.full(k, 1 / k)
    joint = np.asarray(counts.T @ doc_topic)                      # terms × topics
    total = joint.sum(axis=1, keepdims=True)
    posterior = joint / np.where(total > 0, total, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(posterior > 0, posterior * np.log(posterior / prior[None, :]), 0.0)
    return terms.sum(axis=1)


def spread_terms(docs: Sequence[Sequence[str]], vocab: Sequence[str], doc_topic: np.ndarray, threshold: float,
                 min_count: int = MIN_COUNT) -> dict[str, float]:
    """Terms of ``vocab`` seen at least ``min_count`` times in ``docs`` whose distinctiveness (given the
    units' topic mixtures ``doc_topic``) is below ``threshold`` nats, most frequent first, each with its
    distinctiveness."""
    counts = Counter(t for d in docs for t in d)
    scores = distinctiveness(occurrence_matrix(docs, vocab), doc_topic)
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
