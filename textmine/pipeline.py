"""The whole job: every analysis of a prepared corpus, as the CLI and notebooks run it.

:func:`textmine.preparation.prepare` reads, cleans and segments once; each stage of :data:`ANALYSES`
takes the prepared corpus and returns named tables (pandas DataFrames); :func:`run` does the
stages asked for and returns a :class:`RunResult` that :func:`textmine.io.write.write_run` saves.
Each stage's tables come from the cache when everything that decides them is unchanged
(:func:`textmine.keys.analysis_key`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .config import Config
from .data import Corpus
from .errors import ConfigError, StageError, TooLittleText
from .preparation import FROM_CONFIG, Prepared, cache_for, prepare
from .provenance import Timings

log = logging.getLogger(__name__)

STAGES = ("keywords", "keyness", "topics", "trends", "kwic", "network")

#: the tables each stage writes (and, in parentheses in the README, the charts drawn from them)
STAGE_TABLES = {
    "keywords": ("keywords", "vocab", "period_keywords"),
    "keyness": ("keyness", "keyness_compare"),
    "topics": ("topics", "doc_topics", "unit_topics", "topic_summary", "topic_relevance", "topic_examples",
               "topic_dates", "topic_k_selection", "topic_spread_terms"),
    "trends": ("trends", "trends_period", "trend_changes"),
    "kwic": ("kwic",),
    "network": ("cooccurrence", "cooccurrence_nodes"),
}


def keywords_stage(prepared: Prepared) -> dict[str, pd.DataFrame]:
    from .dtm import vocab_table
    from .keywords import period_keywords, top_keywords

    cfg = prepared.config.keywords
    return {"keywords": top_keywords(prepared.doc_dtm, top_n=cfg.top_n, method=cfg.method, min_ratio=cfg.min_ratio),
            "vocab": vocab_table(prepared.doc_dtm),
            "period_keywords": period_keywords(prepared.doc_dtm, prepared.corpus, by=prepared.config.trends.by,
                                               top_n=cfg.top_n, min_ratio=cfg.min_ratio, stubs=prepared.stubs)}


KEYNESS_TOO_LITTLE = "keyness needs at least two documents"


def keyness_stage(prepared: Prepared) -> dict[str, pd.DataFrame]:
    from .keyness import keyness_each_vs_rest

    if len(prepared.doc_dtm.row_ids) < 2:
        raise TooLittleText(KEYNESS_TOO_LITTLE)
    cfg = prepared.config.keyness
    return {"keyness": keyness_each_vs_rest(prepared.doc_dtm, top_n=cfg.top_n, min_count=cfg.min_count),
            "keyness_compare": compare_keyness(prepared)}


def compare_keyness(prepared: Prepared) -> pd.DataFrame:
    """``keyness_compare.csv``: ``[keyness] target`` against ``reference`` (default: latest document vs the rest)."""
    from .keyness import compare_groups

    dtm = prepared.doc_dtm
    cfg = prepared.config.keyness
    target, reference, target_expr, reference_expr = keyness_groups(prepared.corpus, cfg)
    rows = {doc_id: i for i, doc_id in enumerate(dtm.row_ids)}
    table = compare_groups(dtm, [rows[d] for d in target], [rows[d] for d in reference],
                           min_count=cfg.min_count, top_n=cfg.top_n)
    table.insert(0, "reference", reference_expr)
    table.insert(0, "target", target_expr)
    return table


def keyness_groups(corpus: Corpus, cfg) -> tuple[list[str], list[str], str, str]:
    """``(target ids, reference ids, target expression, reference expression)`` of ``[keyness]``."""
    from .groups import select_documents

    target_expr = cfg.target.strip() or "latest"
    target = select_documents(corpus, target_expr, name="[keyness] target")
    if cfg.reference.strip():
        reference = select_documents(corpus, cfg.reference, name="[keyness] reference")
        reference_expr = cfg.reference.strip()
    else:
        chosen = set(target)
        reference = [d for d in corpus.ids if d not in chosen]
        reference_expr = "rest"
    if set(target) & set(reference):
        raise ConfigError(f"[keyness] target {target_expr!r} and reference {reference_expr!r} share documents")
    if not reference:
        raise ConfigError(f"[keyness] target {target_expr!r} selects every document; nothing is left to compare with")
    return target, reference, target_expr, reference_expr


def topics_stage(prepared: Prepared, *, cache=None, progress: bool = False,
                 background: bool = False) -> tuple[dict[str, pd.DataFrame], dict[str, bytes]]:
    """Topic tables and the topic map page (``topic_map.html``); fits come from ``cache`` when it holds them
    (``background``: other stages run meanwhile, so fits go to worker processes)."""
    from .topics.analysis import analyse_topic_model
    from .topics.select import parse_k

    cfg = prepared.config.topics
    ks = parse_k(cfg.k_range, "[topics] k_range") if cfg.k_range else None
    outcome = analyse_topic_model(prepared, ks=ks, progress=progress, cache=cache, background=background)
    return outcome.tables, {"topic_map.html": outcome.html.encode("utf-8")}


def trends_stage(prepared: Prepared) -> dict[str, pd.DataFrame]:
    from .trends import theme_trends

    return theme_trends(prepared)


def kwic_stage(prepared: Prepared) -> dict[str, pd.DataFrame]:
    from .kwic import kwic_table

    queries = prepared.config.kwic.queries or prepared.themes
    return {"kwic": kwic_table(prepared, queries, width=prepared.config.kwic.width)}


def network_stage(prepared: Prepared) -> dict[str, pd.DataFrame]:
    from .network import cooccurrence_network

    edges, nodes = cooccurrence_network(prepared, prepared.config.network, seed=prepared.config.seed)
    return {"cooccurrence": edges, "cooccurrence_nodes": nodes}


ANALYSES: dict[str, Callable[[Prepared], dict[str, pd.DataFrame]]] = {
    "keywords": keywords_stage, "keyness": keyness_stage, "trends": trends_stage, "kwic": kwic_stage,
    "network": network_stage,
}


def stage_tables(prepared: Prepared, stage: str, *, cache=None, progress: bool = False,
                 background: bool = False) -> tuple[dict[str, pd.DataFrame], dict[str, bytes], bool]:
    """``(tables, files, from_cache)`` of one stage: read from the cache when its inputs are unchanged,
    else computed (and kept). ``background``: other stages run meanwhile (see :func:`topics_stage`).
    Raises :class:`~textmine.errors.TooLittleText` when the corpus has too little text for the stage."""
    if stage not in STAGES:
        raise StageError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")

    def compute() -> tuple[dict[str, pd.DataFrame], dict[str, bytes]]:
        if stage == "topics":
            return topics_stage(prepared, cache=cache, progress=progress, background=background)
        return ANALYSES[stage](prepared), {}

    if cache is None or prepared.analysis_key is None:
        return (*compute(), False)
    from .keys import stage_key

    key = stage_key(prepared.analysis_key, stage)
    cached = cache.results.get(stage, key)
    if cached is not None:
        log.info("%s: tables read from the cache (%s)", stage, key)
        return (*cached, True)
    tables, files = compute()
    cache.results.put(stage, key, tables, files)
    return tables, files, False


@dataclass
class RunResult:
    """Everything one run produced: the prepared corpus, tables, files (name → bytes), stage timings."""

    prepared: Prepared
    tables: dict[str, pd.DataFrame]
    timings: Timings
    stages: tuple[str, ...]
    files: dict[str, bytes] = field(default_factory=dict)
    #: stages the corpus had too little text for, each with why (a run of several stages leaves them out)
    left_out: dict[str, str] = field(default_factory=dict)


def run(config: Config, stages: Sequence[str] = STAGES, *, corpus: Corpus | None = None, cache=FROM_CONFIG,
        progress: bool = False, on_stage: Callable[[str, float], None] | None = None,
        on_tables: Callable[[Prepared, dict[str, pd.DataFrame], dict[str, bytes]], None] | None = None) -> RunResult:
    """Prepare the corpus and run the named stages (see :data:`STAGES`); ``cache`` as in
    :func:`textmine.preparation.prepare` (by default the one ``[scale]`` names).

    When topics run together with other stages, the topic stage runs in a background thread, its fits in
    worker processes (tomotopy keeps the GIL while it fits), while the other analyses run here; every stage
    is a pure function of the prepared corpus, so the tables are the same as when they run one after
    another. ``on_stage(stage, seconds)`` is called as each stage ends, and
    ``on_tables(prepared, tables, files)`` with its tables and files (``textmine run`` writes them
    then, while the topics are still fitting).
    """
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise StageError(f"unknown stage {unknown[0]!r}; stages are {', '.join(STAGES)}")
    with cache_for(cache, config) as cache:
        return _run(config, stages, corpus, cache, progress, on_stage, on_tables)


def _run(config: Config, stages: Sequence[str], corpus: Corpus | None, cache, progress: bool, on_stage,
         on_tables) -> RunResult:
    timings = Timings()
    prepared = prepare(config, corpus, cache=cache, timings=timings, progress=progress)
    if on_stage:
        on_stage("segment", sum(timings.seconds.values()))
    results: dict[str, tuple[dict[str, pd.DataFrame], dict[str, bytes]]] = {}

    left_out: dict[str, str] = {}

    def compute(stage: str, background: bool = False) -> tuple[dict[str, pd.DataFrame], dict[str, bytes]]:
        with timings.stage(stage):
            try:
                tables, files, hit = stage_tables(prepared, stage, cache=cache, progress=progress,
                                                  background=background)
            except TooLittleText as exc:
                leave_out(left_out, stage, exc, stages)
                return {}, {}
        if hit:
            timings.cached.add(stage)
        return tables, files

    def done(stage: str) -> None:
        if on_stage:
            on_stage(stage, timings.seconds[stage])
        if on_tables:
            on_tables(prepared, *results[stage])

    if _computes_from_the_matrix(prepared, stages, cache):
        # made once here, before the topics' thread and the other stages both ask for them (the topics use
        # the content terms alone: ``textmine topics`` does not build the matrix)
        prepared.doc_dtm
    background = _Background(lambda: compute("topics", True)) if "topics" in stages and len(stages) > 1 else None
    for stage in stages:
        if stage != "topics" or background is None:
            results[stage] = compute(stage)
            done(stage)
    if background is not None:
        results["topics"] = background.result()
        done("topics")
    tables = {name: frame for stage in stages for name, frame in results[stage][0].items()}
    files = {name: data for stage in stages for name, data in results[stage][1].items()}
    return RunResult(prepared, tables, timings, tuple(stages), files, dict(sorted(left_out.items())))


def leave_out(left_out: dict[str, str], stage: str, error: TooLittleText, stages: Sequence[str]) -> None:
    """Record in ``left_out`` (with a warning) that the corpus had too little text for ``stage`` when other
    ``stages`` run with it, so they still run; asked for alone, the stage's error is raised."""
    if len(stages) == 1:
        raise error
    log.warning("%s; %s left out", error, stage)
    left_out[stage] = str(error)


def _computes_from_the_matrix(prepared: Prepared, stages: Sequence[str], cache) -> bool:
    """Whether a stage other than topics will be computed (its tables are not in the cache): only then is
    the document–term matrix needed, and a warm run does not build it."""
    others = [stage for stage in stages if stage != "topics"]
    if not others or cache is None or prepared.analysis_key is None:
        return bool(others)
    from .keys import stage_key

    return not all(cache.results.has(stage, stage_key(prepared.analysis_key, stage)) for stage in others)


class _Background:
    """``job()`` in a daemon thread (a failed run does not wait for it); ``result()`` joins and re-raises."""

    def __init__(self, job: Callable[[], Any]) -> None:
        self._outcome: tuple[bool, Any] | None = None

        def target() -> None:
            try:
                self._outcome = (True, job())
            except BaseException as exc:  # handed to the caller in result()
                self._outcome = (False, exc)

        self._thread = threading.Thread(target=target, name="textmine-topics", daemon=True)
        self._thread.start()

    def result(self) -> Any:
        self._thread.join()
        ok, value = self._outcome
        if not ok:
            raise value
        return value
