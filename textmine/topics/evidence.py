"""What each topic is about, with evidence a reader can check.

* Terms by probability and by *relevance* (Sievert & Shirley 2014, as in LDAvis):
  ``relevance = λ·log p(w|t) + (1 − λ)·log(p(w|t) / p(w))`` where ``p(w)`` is the
  term's share of all tokens the model was fitted on. λ = 1 ranks by probability;
  smaller λ favours terms that are specific to the topic (0.6 is LDAvis's suggestion).
* A short label: three terms that distinguish the topic, joined by "·" (made unique): the most
  relevant of the terms the topic holds more than half of (``p(topic | term) > 0.5`` by the model),
  so a word frequent in every topic (推进, 完善, 发展) never labels one; with fewer such terms, those
  at least twice as likely in the topic as overall fill in, then the most relevant.
* Representative paragraphs: the units most surely about the topic, with document id, unit id and
  character offsets into the original file. A unit's weight of a topic is its share of the unit's
  content terms, and a short unit reaches a large share by chance: in the CPC reports a one-line heading of
  nine terms with 0.86 of them on a topic was that topic's second example by weight. Units are
  therefore ranked by the lower end of the 95 % Wilson interval of the share given the unit's terms
  (:func:`example_order`): 0.53 for that heading, 0.68 for a 60-term paragraph with a share of 0.8.
* Prevalence: token-weighted share of the topic over all units, per report and per date.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def term_marginal(model, docs: Sequence[Sequence[str]]) -> np.ndarray:
    """``p(w)`` over the model's vocabulary from the fitted units' tokens (terms outside it ignored)."""
    counts = Counter(t for d in docs for t in d)
    values = np.array([counts.get(t, 0) for t in model.vocab], dtype=float)
    total = values.sum()
    return values / total if total else np.full(len(model.vocab), 1.0 / max(1, len(model.vocab)))


def relevance(model, marginal: np.ndarray, lam: float) -> np.ndarray:
    """k × V relevance scores (see module docstring)."""
    phi = np.maximum(model.topic_term, 1e-12)
    lift = np.log(phi) - np.log(np.maximum(marginal, 1e-12))[None, :]
    return lam * np.log(phi) + (1 - lam) * lift


def _ranked(values: np.ndarray, vocab: Sequence[str], top_n: int) -> list[int]:
    from .model import top_indices

    return top_indices(values, vocab, top_n)


def relevance_table(model, marginal: np.ndarray, *, lam: float, top_n: int,
                    unstable: Sequence[bool] | None = None) -> pd.DataFrame:
    """``topic,rank,term,probability,relevance,unstable`` — top terms of each topic by relevance."""
    scores = relevance(model, marginal, lam)
    rows = []
    for t in range(model.k):
        for rank, i in enumerate(_ranked(scores[t], model.vocab, top_n), start=1):
            rows.append({"topic": t + 1, "rank": rank, "term": model.vocab[i],
                         "probability": float(model.topic_term[t, i]), "relevance": float(scores[t, i]),
                         "unstable": bool(unstable[t]) if unstable is not None else False})
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "probability", "relevance", "unstable"])


#: A label term is one the topic holds more than this share of (``p(topic | term)``, by the model).
LABEL_MIN_SHARE = 0.5
#: ... or, to fill a label, one at least this many times as likely in the topic as overall.
LABEL_MIN_LIFT = 2.0


def topic_share(model, prevalences: np.ndarray) -> np.ndarray:
    """k × V: ``p(topic | term) = p(term | topic) p(topic) / Σ p(term | t) p(t)``, with ``p(topic)`` the topics'
    prevalences (their shares of the tokens)."""
    joint = model.topic_term * np.asarray(prevalences, dtype=float)[:, None]
    total = joint.sum(axis=0, keepdims=True)
    return joint / np.where(total > 0, total, 1)


def topic_labels(model, marginal: np.ndarray, *, lam: float, prevalences: np.ndarray | None = None,
                 n_terms: int = 3) -> list[str]:
    """A short label per topic from terms that distinguish it (see the module docstring); a clash with an
    earlier label takes one more term. Without ``prevalences`` the topics count as equally large."""
    scores = relevance(model, marginal, lam)
    prevalences = np.full(model.k, 1 / model.k) if prevalences is None else np.asarray(prevalences, dtype=float)
    share = topic_share(model, prevalences)
    labels: list[str] = []
    for t in range(model.k):
        tiers = [share[t] > LABEL_MIN_SHARE, share[t] >= LABEL_MIN_LIFT * prevalences[t],
                 np.ones(len(model.vocab), dtype=bool)]
        terms: list[str] = []
        for allowed in tiers:
            if len(terms) >= n_terms + 3:
                break
            candidates = np.flatnonzero(allowed)
            order = _ranked(scores[t, candidates], [model.vocab[i] for i in candidates], n_terms + 3)
            terms += [model.vocab[candidates[i]] for i in order if model.vocab[candidates[i]] not in terms]
        terms = terms[:n_terms + 3]
        label = "·".join(terms[:n_terms])
        extra = n_terms
        while label in labels and extra < len(terms):
            extra += 1
            label = "·".join(terms[:extra])
        labels.append(label)
    return labels


#: z of the interval whose lower end ranks the representative paragraphs (95 %, two-sided).
EXAMPLE_Z = 1.96


def surely_about(weights: np.ndarray, lengths: Sequence[int], z: float = EXAMPLE_Z) -> np.ndarray:
    """The lower end of the Wilson score interval of a share ``weights`` observed over ``lengths`` terms
    (0 where a unit has no terms)."""
    share = np.clip(np.asarray(weights, dtype=float), 0.0, 1.0)
    n = np.maximum(np.asarray(lengths, dtype=float), 1e-12)
    spread = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    low = (share + z * z / (2 * n) - spread) / (1 + z * z / n)
    return np.where(np.asarray(lengths) > 0, np.maximum(low, 0.0), 0.0)


def example_order(weights: np.ndarray, lengths: Sequence[int], ids: np.ndarray, n: int) -> np.ndarray:
    """Rows of the ``n`` units most surely about a topic: by :func:`surely_about` of their ``weights`` of it,
    largest first, ties by unit id (see the module docstring)."""
    return np.lexsort((ids, -np.round(surely_about(weights, lengths), 12)))[:n]


def examples_table(model, units: Mapping[str, object], lengths: Sequence[int], *, top_n: int = 5,
                   unstable: Sequence[bool] | None = None) -> pd.DataFrame:
    """``topic,rank,doc_id,unit_id,start,end,weight,text,unstable`` — the units most surely about each topic
    (:func:`example_order`; ``lengths``: the content terms of each of the model's rows).

    ``units`` maps unit ids (the model's row ids) to :class:`~textmine.data.Unit` objects; ``start``/``end``
    are character offsets of the paragraph in the original file."""
    rows = []
    ids = np.array(model.row_ids, dtype=object)
    for t in range(model.k):
        weights = model.doc_topic[:, t]
        for rank, r in enumerate(example_order(weights, lengths, ids, top_n), start=1):
            unit = units[model.row_ids[r]]
            rows.append({"topic": t + 1, "rank": rank, "doc_id": unit.doc_id, "unit_id": unit.id,
                         "start": unit.start, "end": unit.end, "weight": float(weights[r]), "text": unit.text,
                         "unstable": bool(unstable[t]) if unstable is not None else False})
    return pd.DataFrame(rows, columns=["topic", "rank", "doc_id", "unit_id", "start", "end", "weight", "text",
                                       "unstable"])


def prevalence(model, lengths: Sequence[int]) -> np.ndarray:
    """Token-weighted share of each topic over all fitted units (sums to 1)."""
    w = np.asarray(lengths, dtype=float)
    totals = (model.doc_topic * w[:, None]).sum(axis=0)
    return totals / totals.sum() if totals.sum() else np.full(model.k, 1.0 / model.k)


def prevalence_by_date(doc_topics: pd.DataFrame, corpus, labels: Sequence[str], unstable: Sequence[bool], *,
                       unit_topics: pd.DataFrame | None = None, lengths: Sequence[int] | None = None,
                       seed: int = 42, resamples: int = 1000, confidence: float = 0.95) -> pd.DataFrame:
    """``topic,label,date,n_docs,weight,ci_low,ci_high,ci_over,unstable`` — mean prevalence of each topic over
    the reports of each date (dates in order; reports without a date are left out).

    The interval is a percentile bootstrap, as for theme trends: the documents of the date are resampled
    when there are two or more (``ci_over`` = ``documents``); with one document, its paragraphs are
    resampled, each weighted by its tokens as in the document's share (``paragraphs``; needs
    ``unit_topics`` and the paragraphs' ``lengths`` in its order). Each date's draws are seeded from
    ``seed`` and the date, so adding documents of other dates leaves a date's interval unchanged.
    """
    dates = {d.id: d.date for d in corpus}
    frame = doc_topics.assign(date=doc_topics["doc_id"].map(lambda i: dates.get(i)))
    frame = frame[frame["date"].notna()]
    columns = ["topic", "label", "date", "n_docs", "weight", "ci_low", "ci_high", "ci_over", "unstable"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.assign(date_key=frame["date"].map(lambda d: d.sort_key()), date=frame["date"].map(str))
    grouped = (frame.groupby(["topic", "date_key", "date"], sort=True)
               .agg(n_docs=("doc_id", "nunique"), weight=("weight", "mean")).reset_index())
    grouped["label"] = grouped["topic"].map(lambda t: labels[t - 1])
    grouped["unstable"] = grouped["topic"].map(lambda t: bool(unstable[t - 1]))
    wide = frame.pivot_table(index="doc_id", columns="topic", values="weight", sort=False)
    paragraphs = None
    if unit_topics is not None and lengths is not None and len(unit_topics):
        order = unit_topics.drop_duplicates("unit_id")        # the model's rows, the order of ``lengths``
        paragraphs = (unit_topics.pivot_table(index="unit_id", columns="topic", values="weight")
                      .reindex(order["unit_id"].to_numpy())
                      .assign(doc_id=order["doc_id"].to_numpy(), tokens=np.asarray(lengths, dtype=float)))
    bounds: dict[tuple[int, str], tuple[float, float, str]] = {}
    alpha = (1 - confidence) / 2
    by_doc = dict(tuple(paragraphs.groupby("doc_id", sort=False))) if paragraphs is not None else {}
    for date, docs in frame.groupby("date", sort=False)["doc_id"]:
        ids = list(dict.fromkeys(docs))
        rng = np.random.default_rng([seed, zlib.crc32(date.encode("utf-8"))])
        if len(ids) >= 2:
            values, tokens, over = wide.loc[ids].to_numpy(float), np.ones(len(ids)), "documents"
        elif ids[0] in by_doc:
            rows = by_doc[ids[0]]
            values, tokens, over = rows[list(wide.columns)].to_numpy(float), rows["tokens"].to_numpy(float), "paragraphs"
        else:
            continue
        means = _bootstrap_means(values, tokens, resamples, rng)
        low, high = np.quantile(means, [alpha, 1 - alpha], axis=0)
        for k, topic in enumerate(wide.columns):
            bounds[(int(topic), date)] = (float(low[k]), float(high[k]), over)
    found = [bounds.get((int(t), d), (np.nan, np.nan, "")) for t, d in zip(grouped["topic"], grouped["date"])]
    grouped["ci_low"] = [b[0] for b in found]
    grouped["ci_high"] = [b[1] for b in found]
    grouped["ci_over"] = [b[2] for b in found]
    return grouped[columns].reset_index(drop=True)


def _bootstrap_means(values: np.ndarray, weights: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """``resamples`` × k weighted means of the rows of ``values`` (n × k) drawn with replacement; drawn in
    blocks that bound memory (the random stream is the same as one draw)."""
    n, k = values.shape
    out = np.empty((resamples, k))
    block = max(1, min(resamples, 4_000_000 // max(n * k, 1)))
    for start in range(0, resamples, block):
        picks = rng.integers(0, n, size=(min(block, resamples - start), n))
        w = weights[picks]
        out[start:start + len(picks)] = (np.einsum("rn,rnk->rk", w, values[picks])
                                         / np.maximum(w.sum(axis=1), 1e-12)[:, None])
    return out


def summary_table(model, labels: Sequence[str], prevalences: np.ndarray, stability: np.ndarray,
                  unstable: Sequence[bool], top_terms: int = 10) -> pd.DataFrame:
    """``topic,label,prevalence,stability,unstable,top_terms`` (top terms by probability, space-separated)."""
    rows = [{"topic": t + 1, "label": labels[t], "prevalence": float(prevalences[t]),
             "stability": float(stability[t]), "unstable": bool(unstable[t]),
             "top_terms": " ".join(term for term, _ in model.top_terms(t + 1, top_terms))}
            for t in range(model.k)]
    return pd.DataFrame(rows, columns=["topic", "label", "prevalence", "stability", "unstable", "top_terms"])


#: What "unstable" means, in the words the tables and the report use.
UNSTABLE_MEANING = ("unstable: refitting with other seeds does not reproduce this topic: its matching topic in "
                    "another fit shares on average fewer than {shared} of its 10 top terms (mean Jaccard below "
                    "{threshold:g}); read it as a tentative grouping that may split or merge under another seed")


def unstable_meaning(threshold: float) -> str:
    """:data:`UNSTABLE_MEANING` for a threshold: two 10-term lists sharing s terms have Jaccard s / (20 − s)."""
    import math

    shared = math.ceil(20 * threshold / (1 + threshold) - 1e-9)
    return UNSTABLE_MEANING.format(shared=shared, threshold=threshold)


def k_note(model, prevalences: np.ndarray, unstable: Sequence[bool], *, chosen: bool, top_n: int = 10) -> str:
    """Why the k used is reasonable for this corpus (or why it may not be), from the fitted topics: a topic
    holding a sliver of the tokens, or two topics sharing most of their top terms, say k is too large."""
    k = model.k
    if chosen:
        return f"k = {k} was proposed by the documented rule among the k range (topic_k_selection.csv)"
    tops = [{t for t, _ in model.top_terms(i + 1, top_n)} for i in range(k)]
    smallest = int(np.argmin(prevalences))
    pairs = [(len(tops[i] & tops[j]), i, j) for i in range(k) for j in range(i + 1, k)]
    shared, first, second = max(pairs, key=lambda p: (p[0], -p[1], -p[2])) if pairs else (0, 0, 0)
    stable = k - sum(bool(u) for u in unstable)
    if k > 1 and prevalences[smallest] < 0.5 / k:
        return (f"k = {k} may be too large for this corpus: topic {smallest + 1} holds only "
                f"{100 * prevalences[smallest]:.1f} % of the tokens (an even share is {100 / k:.1f} %); "
                f"compare a smaller k with --k A:B:STEP")
    if shared >= top_n // 2:
        return (f"k = {k} may be too large for this corpus: topics {first + 1} and {second + 1} share {shared} of "
                f"their top-{top_n} terms; compare a smaller k with --k A:B:STEP")
    if stable < k / 2:
        return (f"k = {k} may not suit this corpus: only {stable} of {k} topics are stable across seeds; "
                f"compare other k with --k A:B:STEP")
    return (f"k = {k} was given, not chosen; it looks reasonable for this corpus: every topic holds at least "
            f"{100 * prevalences[smallest]:.1f} % of the tokens (an even share is {100 / k:.1f} %), no two topics "
            f"share more than {shared} of their top-{top_n} terms, and {stable} of {k} are stable across seeds "
            f"(a larger k may still split broad topics: compare with --k A:B:STEP)")


def fit_table(model, rows, runs: Sequence, stability: np.ndarray, unstable: Sequence[bool],
              prevalences: np.ndarray, cfg, *, k_chosen: bool) -> pd.DataFrame:
    """``item,value,note`` — what was fitted and why, in sentences a report can quote."""
    from .documents import DOCS_PER_TOPIC
    from .model import floor_counts, has_term_floor

    k = model.k
    if rows.why:
        why = rows.why
    elif cfg.fit_on != "auto":
        why = f"set by [topics] fit_on = {cfg.fit_on!r}"
    elif rows.fit_on == "documents":
        why = (f"{rows.n_documents:,} documents with content terms, at least {DOCS_PER_TOPIC} per topic: whole "
               f"documents are fitted, and each paragraph gets its document's weights (or its own, inferred, "
               f"when the document has several)")
    else:
        why = (f"{rows.n_documents:,} documents with content terms, fewer than {DOCS_PER_TOPIC} per topic: "
               f"paragraphs are fitted")
    seeds = [r.seed for r in runs]
    reference = model.params.get("reference_seed", model.seed)
    fits_note = (f"seeds {', '.join(map(str, seeds))}; the topics are those of the fit with seed {reference}, the one "
                 f"whose grouping of the rows agrees best with the other fits'; each row's topic weights are "
                 f"averaged over the fits" if len(runs) > 1 else "one fit: no stability is measured")
    unit_note = "documents" if rows.fit_on == "documents" else (
        f"paragraph units with at least {cfg.min_unit_tokens} content terms")
    spread = model.params.get("spread_terms") or {}
    spread_note = "terms spread evenly over the topics of a first fit, left out (topic_spread_terms.csv)"
    if model.params.get("specificity"):
        from .spread import FIRST_FIT_TOKENS, first_fit_sample

        sample, _ = first_fit_sample(rows.docs, seeds[0])
        if len(sample) < len(rows.docs):
            spread_note += (f"; the first fit saw {len(sample):,} of the {len(rows.docs):,} rows, drawn at random "
                            f"with seed {seeds[0]} up to {FIRST_FIT_TOKENS:,} tokens")
    n_unstable = sum(bool(u) for u in unstable)
    floor = cfg.min_term_count
    if has_term_floor(cfg.engine, floor):
        rare = sum(1 for count in floor_counts(rows.docs, cfg.engine).values() if count < floor)
        seen = (f"in fewer than {floor} of the fitted rows" if cfg.engine == "nmf" else
                f"seen fewer than {floor} times across the fitted rows")
        rare_note = f"terms {seen} ([topics] min_term_count): too rare to define a topic, left out of the model"
    else:
        rare, rare_note = 0, "no term-count floor: every term is fitted"
    rows_out = [
        ("fit_on", rows.fit_on, why),
        ("rows_fitted", f"{len(rows.docs)}", unit_note),
        ("k", f"{k}", k_note(model, prevalences, unstable, chosen=k_chosen)),
        ("fits", f"{len(runs)}", fits_note),
        ("iterations", f"{model.params.get('iterations')}", "Gibbs sampling iterations per fit"),
        ("spread_terms", f"{len(spread)}", spread_note),
        ("rare_terms", f"{rare}", rare_note),
        ("unstable_topics", f"{n_unstable} of {k}" if len(runs) > 1 else "not measured",
         unstable_meaning(cfg.stability_threshold)),
    ]
    return pd.DataFrame(rows_out, columns=["item", "value", "note"])
