"""How good is a topic model: coherence, held-out likelihood, diversity.

* Coherence (c_v, NPMI, u_mass) is computed by gensim's ``CoherenceModel`` on the
  units' own term lists, in this process (``processes=1``: no worker pool that could
  hang). Empty units are left out first and topic terms the units never contain are
  skipped, so an empty or tiny corpus gives ``NaN`` with a warning, never a crash.
* Held-out likelihood uses *document completion* (Wallach et al. 2009): the model is
  fitted without the held-out units; for each held-out unit the topic mixture is
  estimated by EM from its even-numbered tokens with the topic–term distributions
  fixed, and the log-likelihood per token is measured on its odd-numbered tokens.
  The same estimator serves every engine, so the numbers are comparable across k
  (and, loosely, across engines). Perplexity is ``exp(-log-likelihood per token)``.
* Topic diversity (Dieng et al. 2020): the share of distinct terms among the top 25
  terms of all topics (1 = no topic repeats another's terms).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np

log = logging.getLogger(__name__)

COHERENCE_MEASURES = ("c_v", "c_npmi", "u_mass")


def coherence(topics: Sequence[Sequence[str]], texts: Sequence[Sequence[str]], *,
              measures: Sequence[str] = COHERENCE_MEASURES, top_n: int = 10) -> dict[str, np.ndarray]:
    """Per-topic coherence for each measure (``measure -> array of len(topics)``, NaN where undefined)."""
    nan = {m: np.full(len(topics), np.nan) for m in measures}
    texts = [list(t) for t in texts if len(t) > 0]
    if not texts or not topics:
        log.warning("coherence: no non-empty units to count co-occurrences in; reported as NaN")
        return nan
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    dictionary = Dictionary(texts)
    known = dictionary.token2id
    usable = [i for i, terms in enumerate(topics) if sum(t in known for t in terms[:top_n]) >= 2]
    if len(usable) < len(topics):
        log.warning("coherence: %d topic(s) have fewer than 2 terms found in the units; reported as NaN",
                    len(topics) - len(usable))
    if not usable:
        return nan
    cleaned = [[t for t in topics[i][:top_n] if t in known] for i in usable]
    n = min(top_n, min(len(t) for t in cleaned))
    cleaned = [t[:n] for t in cleaned]
    corpus = None
    out = nan
    for measure in measures:
        if measure == "u_mass":
            corpus = corpus if corpus is not None else [dictionary.doc2bow(t) for t in texts]
            model = CoherenceModel(topics=cleaned, corpus=corpus, dictionary=dictionary, coherence=measure,
                                   topn=n, processes=1)
        else:
            model = CoherenceModel(topics=cleaned, texts=texts, dictionary=dictionary, coherence=measure,
                                   topn=n, processes=1)
        values = np.asarray(model.get_coherence_per_topic(), dtype=float)
        out[measure][usable] = np.where(np.isfinite(values), values, np.nan)
    return out


def topic_diversity(topic_terms: Sequence[Sequence[str]], top_n: int = 25) -> float:
    """Share of distinct terms among the top ``top_n`` terms of all topics (Dieng et al. 2020)."""
    tops = [list(t)[:top_n] for t in topic_terms]
    total = sum(len(t) for t in tops)
    return len({w for t in tops for w in t}) / total if total else math.nan


def split_heldout(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of training and held-out rows (a seeded random share ``fraction`` held out)."""
    rng = np.random.default_rng(seed)
    n_held = int(round(n * fraction)) if n > 1 else 0
    order = rng.permutation(n)
    held = np.sort(order[:n_held])
    train = np.sort(order[n_held:])
    return train, held


def fold_in(counts: np.ndarray, topic_term: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Topic mixtures of documents (rows of a dense count matrix) with ``topic_term`` fixed, by EM."""
    k = topic_term.shape[0]
    theta = np.full((counts.shape[0], k), 1.0 / k)
    phi = np.maximum(topic_term, 1e-12)
    for _ in range(iterations):
        mix = theta @ phi                                   # n × V
        ratio = np.divide(counts, mix, out=np.zeros_like(counts, dtype=float), where=counts > 0)
        theta = theta * (ratio @ phi.T)
        totals = theta.sum(axis=1, keepdims=True)
        theta = np.where(totals > 0, theta / np.where(totals > 0, totals, 1), 1.0 / k)
    return theta


def heldout_log_likelihood(model, heldout_docs: Sequence[Sequence[str]], *, iterations: int = 50) -> dict:
    """Document-completion log-likelihood per token of ``heldout_docs`` under ``model``.

    Returns ``{"ll_per_token", "perplexity", "tokens", "unknown_tokens"}``; NaN when nothing is left.
    """
    index = {t: i for i, t in enumerate(model.vocab)}
    estimate, evaluate, unknown = [], [], 0
    for terms in heldout_docs:
        ids = [index.get(t, -1) for t in terms]
        unknown += sum(1 for i in ids if i < 0)
        ids = [i for i in ids if i >= 0]
        if len(ids) >= 2:
            estimate.append(ids[0::2])
            evaluate.append(ids[1::2])
    if not estimate:
        return {"ll_per_token": math.nan, "perplexity": math.nan, "tokens": 0, "unknown_tokens": unknown}
    total_ll, total_tokens = 0.0, 0
    phi = np.maximum(model.topic_term, 1e-12)
    for start in range(0, len(estimate), 256):              # batches keep the dense matrices small
        batch_e, batch_v = estimate[start:start + 256], evaluate[start:start + 256]
        # EM only needs the columns of the terms the batch contains: exact, and much smaller.
        columns = np.unique(np.concatenate([np.asarray(ids) for ids in batch_e]))
        where = {int(c): j for j, c in enumerate(columns)}
        counts = np.zeros((len(batch_e), len(columns)))
        for row, ids in enumerate(batch_e):
            np.add.at(counts[row], [where[i] for i in ids], 1)
        theta = fold_in(counts, phi[:, columns])
        for row, ids in enumerate(batch_v):
            probs = theta[row] @ phi[:, ids]
            total_ll += float(np.log(probs).sum())
            total_tokens += len(ids)
    ll = total_ll / total_tokens
    return {"ll_per_token": ll, "perplexity": math.exp(-ll), "tokens": total_tokens, "unknown_tokens": unknown}
