"""The topic stage end to end: fit (with stability seeds), optionally choose k, and
build every topic table and the topic map from one reference model.

Topic numbers are those of the reference model (seed = the run's seed), numbered from 1,
and are the same in every table and in the HTML map.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..errors import StageError, TooLittleText
from ..parallel import available_cores
from .consensus import consensus_model
from .documents import choose_fit_on, document_terms, paragraph_mixtures
from .evaluate import coherence, heldout_log_likelihood, split_heldout, topic_diversity
from .evidence import (examples_table, fit_table, prevalence, prevalence_by_date, relevance_table, summary_table,
                       term_marginal, topic_labels)
from .model import TopicModel, check_enough_text, doc_topics_table, fit_topics, topic_terms_table
from .select import K_COLUMNS, k_table_row, propose_k
from .stability import topic_stability

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicOutcome:
    """Tables (name → DataFrame) and the topic map HTML (the k-selection chart is drawn from its table
    by the writer)."""

    model: TopicModel
    tables: dict[str, pd.DataFrame]
    html: str
    runs: tuple[TopicModel, ...] = field(default_factory=tuple)


def topic_units(prepared, min_tokens: int) -> tuple[list[list[str]], list[str], list[str]]:
    """Content terms, unit ids and document ids of the units with at least ``min_tokens`` content terms."""
    docs, ids, groups = [], [], []
    for unit, terms in zip(prepared.tokens, prepared.content_terms):
        if len(terms) >= min_tokens:
            docs.append(terms)
            ids.append(unit.unit_id)
            groups.append(unit.doc_id)
    return docs, ids, groups


def engine_options(cfg) -> dict:
    return {"term_weight": cfg.term_weight, "min_term_count": cfg.min_term_count, "drop_top": cfg.drop_top,
            "alpha": cfg.alpha, "eta": cfg.eta, "optimize_alpha": cfg.optimize_alpha,
            "specificity": cfg.specificity, "specificity_iterations": cfg.specificity_iterations}


def fit_runs(docs: Sequence[Sequence[str]], ids: Sequence[str], *, k: int, engine: str, seeds: Sequence[int],
             iterations: int, workers: int = 1, progress: bool = False, cache=None, background: bool = False,
             **options) -> list[TopicModel]:
    """One fit per seed. With ``workers`` > 1 the fits run side by side in worker processes
    (:mod:`.processes`); ``0`` means one per fit, up to two per available core, when a fit makes at least
    :data:`PROCESS_MIN_DRAWS` token draws, else one after another here (fits that share the cores finish
    together: three on two cores take the time of one and a half, not of two one after another, with a
    core idle for the last one). Each fit is single-threaded and owns
    its seed, so the results are the same for any ``workers``. With a
    :class:`~textmine.io.cache.Cache`, a fit whose inputs are unchanged is read from it. The terms
    left out as spread evenly over the topics (``specificity`` > 0) are found once, with the first seed,
    so every run fits the same terms and the first run is the model ``fit_topics`` gives for that seed.
    ``iterations`` 0: by corpus size (:func:`fit_iterations`).
    ``background``: this process has other work meanwhile (``textmine run``), so with ``workers = 0`` the
    fits go to worker processes whatever the corpus size (a fit here would hold the GIL)."""
    iterations = fit_iterations(iterations, engine, docs)
    found: dict[int, TopicModel] = {}
    keys: dict[int, str] = {}
    if cache is not None:
        from ..keys import fit_key

        settings = {"engine": engine, "k": k, "iterations": iterations, **options,
                    "versions": engine_versions(engine)}
        for seed in seeds:
            keys[seed] = fit_key(docs, ids, {**settings, "seed": seed})
            stored = cache.models.get(keys[seed])
            if stored is not None:
                log.info("topics: seed %d read from the cache (%s)", seed, keys[seed])
                found[seed] = TopicModel.from_arrays(*stored)
    todo = [s for s in seeds if s not in found]
    auto = workers == 0
    if auto:
        big = background or iterations * sum(map(len, docs)) >= PROCESS_MIN_DRAWS
        workers = min(2 * available_cores(), len(todo)) if big else 1
    in_processes = (workers > 1 and len(todo) > 1) or (auto and background and bool(todo))
    encoded, started = None, []
    if in_processes:
        from .processes import encode_docs, start_workers

        # started now, they import what they need while the terms are encoded and the first fit runs here
        started = start_workers(min(workers, len(todo)))
        encoded = encode_docs(docs)
    try:
        fresh = _fit_todo(docs, ids, todo, k=k, engine=engine, seeds=seeds, iterations=iterations, workers=workers,
                          progress=progress, background=background, in_processes=in_processes, encoded=encoded,
                          started=started, options=options)
    finally:
        if started:
            from .processes import stop_workers

            stop_workers(started)
    for seed, model in fresh.items():
        if cache is not None:
            cache.models.put(keys[seed], *model.to_arrays())
    found.update(fresh)
    return [found[s] for s in seeds]


def _fit_todo(docs, ids, todo, *, k, engine, seeds, iterations, workers, progress, background, in_processes, encoded,
              started, options) -> dict[int, TopicModel]:
    """The fits of :func:`fit_runs` not read from the cache (see there)."""
    if todo and options.get("specificity", 0) > 0 and options.get("drop_terms") is None and len(seeds) > 1:
        # the terms spread evenly over the topics are found once, with the first seed (see the docstring)
        from functools import partial

        from .model import find_spread_terms
        from .processes import spread_terms_in_process

        engine_opts = {key: v for key, v in options.items() if key not in ("specificity", "specificity_iterations")}
        # in a worker only when this process has other work meanwhile: else starting one costs more than it saves
        find = partial(spread_terms_in_process, encoded=encoded) if in_processes and background else find_spread_terms
        options = {**options, "drop_terms": find(
            docs, k=k, engine=engine, seed=seeds[0], threshold=options["specificity"],
            iterations=options.get("specificity_iterations", 50), **engine_opts)}
    fit_options = {"k": k, "engine": engine, "iterations": iterations, **options}
    if in_processes:
        from .processes import fit_in_processes

        return fit_in_processes(docs, ids, todo, workers=min(workers, len(todo)), progress=progress,
                                encoded=encoded, started=started, **fit_options)
    return {seed: fit_topics(docs, ids, seed=seed, progress=progress and seed == todo[0], **fit_options)
            for seed in todo}


#: With ``[topics] workers = 0``, fits go to worker processes only when each makes at least this many token
#: draws (iterations × terms): below it, starting a process (about 0.3 s) costs more than it saves. A fit
#: draws 10 to 25 million tokens a second on one core, so the 502 news articles (3 fits of 30 million draws,
#: about 1.3 s each) fit in about half the time in two processes.
PROCESS_MIN_DRAWS = 10_000_000


def engine_versions(engine: str) -> dict[str, str]:
    from ..provenance import package_versions

    return package_versions({"tomotopy": ["tomotopy"], "gensim": ["gensim"], "nmf": ["scikit-learn"]}[engine]
                            + ["numpy", "textmine"])


def stability_seeds(seed: int, runs: int) -> list[int]:
    return [seed + i for i in range(max(1, runs))]


def fit_rows(prepared, cfg, k: int) -> FitRows:
    """What the model is fitted on: paragraph units, or whole documents (see :mod:`.documents`)."""
    docs, ids, groups = topic_units(prepared, cfg.min_unit_tokens)
    all_terms = prepared.content_terms
    whole, doc_ids = document_terms(all_terms, [u.doc_id for u in prepared.tokens])
    fit_on = choose_fit_on(cfg.fit_on, len(doc_ids), k)
    if fit_on == "documents":
        return FitRows(fit_on, whole, doc_ids, doc_ids, docs, ids, groups, len(doc_ids))
    return FitRows(fit_on, docs, ids, groups, docs, ids, groups, len(doc_ids))


@dataclass(frozen=True)
class FitRows:
    """The rows a model is fitted on (``docs``: term lists, ``ids``, ``groups``: their document ids) and the
    paragraph units that get topic weights in the tables (the same rows when fitting paragraphs)."""

    fit_on: str
    docs: list
    ids: list
    groups: list
    unit_docs: list
    unit_ids: list
    unit_groups: list
    n_documents: int
    why: str = ""       # why these rows, when not by the rule of ``[topics] fit_on``


#: ``[topics] iterations = 0``: as many iterations per tomotopy fit as make this many token draws (iterations ×
#: tokens), at least 200 and at most 1000: small corpora are cheap to fit longer. The log-likelihood per word of
#: one fit of textmine's rows, seed 1, at 250 / 500 / 1,000 iterations: −8.708 / −8.702 / −8.697 on the 502 news
#: articles, −8.173 / −8.157 / −8.156 on the 62,774 reviews (``benchmarks/results/topics.md``, ``converge``):
#: most of the rise is over by 250. With 40 million draws the news got 340 iterations and no better topics than at
#: 250 (mean NMI of three fits over seeds 1-5: 0.822 at 340, 0.824 at 250), in more time; the flags of the
#: bundled corpus and the CPC reports did not change. The floor of 200 (was 250) concerns corpora of more than
#: 122,000 content tokens: on the reviews three fits of 200 iterations gave a mean NMI of 0.570 against 0.578
#: at 250 (seeds 1-5, each still ahead of the plain script) in 7 % less time; the news articles now get 220
#: (mean NMI 0.821 against 0.824 at 250, each seed ahead).
TOKEN_DRAWS_PER_FIT = 30_000_000
ITERATION_RANGE = (200, 1000)
#: gensim's passes × 10 and NMF's iterations when ``[topics] iterations = 0``.
OTHER_ENGINE_ITERATIONS = 250


def fit_iterations(setting: int, engine: str, docs: Sequence[Sequence[str]]) -> int:
    """The iterations of each fit: ``setting``, or with 0 the corpus-size rule above (250 for gensim and nmf)."""
    if setting > 0:
        return setting
    if engine != "tomotopy":
        return OTHER_ENGINE_ITERATIONS
    tokens = max(1, sum(len(d) for d in docs))
    low, high = ITERATION_RANGE
    return int(min(high, max(low, round(TOKEN_DRAWS_PER_FIT / tokens, -1))))


def fit_consensus(docs: Sequence[Sequence[str]], ids: Sequence[str], cfg, *, k: int, seed: int,
                  progress: bool = False, cache=None, background: bool = False):
    """The fits of every stability seed, their consensus (:mod:`.consensus`) and its per-topic stability."""
    runs = fit_runs(docs, ids, k=k, engine=cfg.engine, seeds=stability_seeds(seed, cfg.stability_runs),
                    iterations=cfg.iterations, workers=cfg.workers, progress=progress, cache=cache,
                    background=background, **engine_options(cfg))
    model, reference = consensus_model(runs)
    stability = topic_stability(runs[reference], [r for i, r in enumerate(runs) if i != reference])
    return runs, model, stability


def select_k(docs, ids, ks: Sequence[int], cfg, seed: int, *, progress: bool = False, cache=None,
             background: bool = False) -> pd.DataFrame:
    """The k-selection table (see :mod:`textmine.topics.select`); ``proposed`` marks the rule's choice."""
    train, held = split_heldout(len(docs), cfg.heldout_fraction, seed)
    train_docs = [docs[i] for i in train]
    train_ids = [ids[i] for i in train]
    held_docs = [docs[i] for i in held]
    if len(train_docs) < max(ks):
        raise TooLittleText(f"topics: {len(train_docs)} training units is fewer than the largest k = {max(ks)}; "
                            f"lower the k range or [topics] heldout_fraction")
    table_rows = []
    for k in ks:
        _, reference, stability = fit_consensus(train_docs, train_ids, cfg, k=k, seed=seed, progress=progress,
                                                cache=cache, background=background)
        tops = [[t for t, _ in reference.top_terms(i + 1, 25)] for i in range(k)]
        scores = coherence([t[:10] for t in tops], docs)
        table_rows.append(k_table_row(k, scores, heldout_log_likelihood(reference, held_docs), topic_diversity(tops),
                                      stability, cfg.stability_threshold))
        log.info("k=%d: %s", k, table_rows[-1])
    table = pd.DataFrame(table_rows, columns=K_COLUMNS)
    proposed = propose_k(table, cfg.stability_threshold)
    table["proposed"] = table["k"] == proposed
    return table


def analyse_topic_model(prepared, *, ks: Sequence[int] | None = None, progress: bool = False,
                        cache=None, background: bool = False) -> TopicOutcome:
    """Fit the topics the config asks for (choosing k from ``ks`` when given) and build every table;
    fits are read from ``cache`` (a :class:`~textmine.io.cache.Cache`) when it has them."""
    cfg = prepared.config.topics
    seed = prepared.config.seed
    k_table = None
    k = cfg.k
    rows = fit_rows(prepared, cfg, max(ks) if ks else k)
    # before any worker starts
    check_enough_text(rows.docs, max(ks) if ks else k, engine=cfg.engine, min_count=cfg.min_term_count)
    if ks and len(ks) > 1:
        k_table = select_k(rows.docs, rows.ids, ks, cfg, seed, progress=progress, cache=cache,
                           background=background)
        k = int(k_table.loc[k_table["proposed"], "k"].iloc[0])
    elif ks:
        k = ks[0]
    runs, model, stability = fit_consensus(rows.docs, rows.ids, cfg, k=k, seed=seed, progress=progress, cache=cache,
                                           background=background)
    unstable = [bool(s < cfg.stability_threshold) for s in np.nan_to_num(stability, nan=1.0)]
    docs, groups = rows.docs, rows.groups
    lengths = [len(d) for d in docs]
    unit_lengths = [len(d) for d in rows.unit_docs]
    prevalences = prevalence(model, lengths)
    marginal = term_marginal(model, docs)
    labels = topic_labels(model, marginal, lam=cfg.relevance_lambda, prevalences=prevalences)
    flag = {t + 1: unstable[t] for t in range(model.k)}
    units_model = unit_view(model, rows, cfg)

    topics = topic_terms_table(model, cfg.top_n)
    if rows.fit_on == "documents":
        doc_topics = doc_topics_table(model)
    else:
        doc_topics = doc_topics_table(model, groups, lengths)
    unit_topics = doc_topics_table(units_model, id_name="unit_id")
    unit_topics.insert(1, "doc_id", [g for g in rows.unit_groups for _ in range(model.k)])
    for table in (topics, doc_topics, unit_topics):
        table["unstable"] = table["topic"].map(flag)
    units = {u.id: u for u in prepared.units}
    tables = {
        "topics": topics, "doc_topics": doc_topics, "unit_topics": unit_topics,
        "topic_summary": summary_table(model, labels, prevalences, stability, unstable),
        "topic_relevance": relevance_table(model, marginal, lam=cfg.relevance_lambda, top_n=cfg.top_n,
                                           unstable=unstable),
        "topic_examples": examples_table(units_model, units, unit_lengths, top_n=cfg.examples, unstable=unstable),
        "topic_dates": prevalence_by_date(doc_topics, prepared.corpus, labels, unstable, unit_topics=unit_topics,
                                          lengths=unit_lengths, seed=seed),
        "topic_fit": fit_table(model, rows, runs, stability, unstable, prevalences, cfg,
                               k_chosen=k_table is not None),
    }
    if k_table is not None:
        tables["topic_k_selection"] = k_table
    if model.params.get("spread_terms") is not None:
        from .spread import spread_table

        tables["topic_spread_terms"] = spread_table(docs, model.params["spread_terms"])
    from .topicmap import topic_map_html

    html = topic_map_html(model, tables, marginal=marginal, lam=cfg.relevance_lambda,
                          title=f"{cfg.engine}, k = {model.k}, seed = {seed}",
                          cache=cache)
    return TopicOutcome(model, tables, html, tuple(runs))


def unit_view(model: TopicModel, rows: FitRows, cfg) -> TopicModel:
    """The model with one row per paragraph unit: the model itself when fitted on paragraphs; fitted on
    documents, each paragraph's weights by :func:`.documents.paragraph_mixtures`."""
    if rows.fit_on != "documents":
        return model
    documents = {doc_id: (terms, model.doc_topic[i]) for i, (doc_id, terms) in enumerate(zip(rows.ids, rows.docs))}
    theta = paragraph_mixtures(rows.unit_docs, rows.unit_groups, documents, model.vocab, model.topic_term,
                               alpha=cfg.alpha)
    return replace(model, doc_topic=theta, row_ids=tuple(rows.unit_ids))
