"""The whole job as a chain of plain functions: the API the CLI and notebooks share.

``prepare`` reads, cleans and segments a corpus once; each analysis takes the
prepared text and returns tables (pandas DataFrames) and figures; ``run`` does
them all and returns a :class:`RunResult` that ``io.write.write_run`` saves.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd

from .config import Config
from .data import Corpus, Dtm, TokenizedUnit, Unit
from .dtm import build_dtm, vocab_table
from .errors import ConfigError, StageError
from .filters import TermFilter
from .io.read import read_corpus
from .keyness import keyness_each_vs_rest
from .keywords import top_keywords
from .lexicon import Lexicon, build_lexicon, load_stopwords
from .normalize import SimplifiedFolder, fold_for_counting
from .segment import JiebaSegmenter
from .themes import ThemeSet
from .trends import theme_counts

log = logging.getLogger(__name__)

STAGES = ("keywords", "keyness", "topics", "trends", "kwic", "network")


@dataclass
class Timings:
    """Seconds per stage, filled in as stages run."""

    seconds: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        from .scale import PeakMemory

        start = time.perf_counter()
        memory = PeakMemory()
        try:
            with memory:
                yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.peak_mb[name] = round(max(self.peak_mb.get(name, 0.0), memory.peak_mb), 1)


@dataclass(frozen=True)
class Prepared:
    """A corpus read, cleaned into units and segmented, with the filters that decide content terms."""

    config: Config
    corpus: Corpus
    units: tuple[Unit, ...]
    dropped: dict[str, int]
    tokens: tuple[TokenizedUnit, ...]
    lexicon: Lexicon
    stopwords_sha256: str
    stopword_count: int
    term_filter: TermFilter
    themes: tuple[str, ...]
    segment_info: dict = field(default_factory=dict)
    theme_set: ThemeSet | None = None

    def content_terms(self, unit: TokenizedUnit) -> list[str]:
        return self.term_filter.terms(unit)

    def unit_content_terms(self) -> list[list[str]]:
        """Content terms of every unit, in unit order, worked out once per prepared corpus (the document
        counts and the topic models both start from them)."""
        terms = self.__dict__.get("_unit_content_terms")
        if terms is None:
            terms = self.__dict__["_unit_content_terms"] = [self.term_filter.terms(u) for u in self.tokens]
        return terms

    def doc_dtm(self) -> Dtm:
        """Content-term counts per document (documents in corpus order), built once per prepared corpus."""
        dtm = self.__dict__.get("_doc_dtm")
        if dtm is None:
            by_doc: dict[str, list[str]] = {doc.id: [] for doc in self.corpus}
            for unit, terms in zip(self.tokens, self.unit_content_terms()):
                by_doc[unit.doc_id].extend(terms)
            dtm = self.__dict__["_doc_dtm"] = build_dtm(by_doc.items())
        return dtm

    def token_totals(self) -> dict[str, int]:
        totals = {doc.id: 0 for doc in self.corpus}
        for unit in self.tokens:
            totals[unit.doc_id] += len(unit.terms)
        return totals


def load_corpus(config: Config) -> Corpus:
    c = config.corpus
    return read_corpus(config.resolve_path(c.path), text_col=c.text_col, id_col=c.id_col,
                       date_col=c.date_col, encoding=c.encoding, max_file_mb=c.max_file_mb,
                       max_line_chars=c.max_line_chars, strict=c.strict)


def make_segmenter(config: Config, themes: Sequence[str] = ()) -> JiebaSegmenter:
    """The segmenter the config describes, with the layered lexicon (domain, policy, user files, themes)."""
    lexicon = build_lexicon(domain=config.segment.domain_lexicon,
                            files=[config.resolve_path(p) for p in config.segment.lexicons],
                            themes=themes, fold_traditional=config.clean.fold_traditional,
                            policy=config.segment.policy_lexicon)
    from .fastseg import make_backend

    return make_backend(config.segment.backend, lexicon, hmm=config.segment.hmm,
                        protect_latin=config.segment.protect_latin)


def fold_themes(themes: Sequence[str], config: Config) -> tuple[str, ...]:
    folder = SimplifiedFolder() if config.clean.fold_traditional else None
    return tuple(dict.fromkeys(fold_for_counting(t.strip(), folder) for t in themes if t.strip()))


def prepare(config: Config, corpus: Corpus | None = None, *, timings: Timings | None = None,
            progress: bool = False) -> Prepared:
    """Read (unless ``corpus`` is given), clean and segment."""
    from .scale import clean_and_segment

    timings = timings or Timings()
    theme_set = load_themes(config)
    themes = theme_set.names
    segmenter = make_segmenter(config, protected_theme_terms(config, theme_set))
    corpus, units, dropped, tokens, info = clean_and_segment(corpus, config, segmenter, timings=timings,
                                                             progress=progress, read=load_corpus)
    if not units:
        raise StageError("no text is left after cleaning; check the corpus and [clean] settings")
    with_units = {u.doc_id for u in units}
    for doc in corpus:
        if doc.id not in with_units:
            log.warning("document %s has no text left after cleaning (%d characters, all captions, source lines "
                        "or shorter than [clean] min_unit_chars); it counts as empty", doc.id, len(doc.text))
    stopwords, stop_hash = load_stopwords(config.filter.stopwords,
                                          [config.resolve_path(p) for p in config.filter.extra_stopwords])
    term_filter = TermFilter(stopwords, config.filter.min_chars, frozenset(segmenter.lexicon.terms))
    return Prepared(config, corpus, units, dropped, tokens, segmenter.lexicon, stop_hash,
                    len(stopwords), term_filter, themes, info.to_dict(), theme_set)


def load_themes(config: Config) -> ThemeSet:
    """The themes of ``[trends]``: rules from ``theme_file`` for the names in ``themes``, folded for counting."""
    from .themes import read_theme_file, select_themes

    cfg = config.trends
    path = cfg.theme_file.strip()
    folder = SimplifiedFolder() if config.clean.fold_traditional else None

    def fold(term: str) -> str:
        return fold_for_counting(term.strip(), folder)

    rules = None
    if path:
        rules = read_theme_file(path if path == "default" else config.resolve_path(path))
        rules = ThemeSet(tuple(t.folded(fold) for t in rules.themes), rules.sha256, rules.source)
    chosen = select_themes([fold(t) for t in cfg.themes if t.strip()], rules)
    return ThemeSet(tuple(t.folded(fold) for t in chosen.themes), chosen.sha256, chosen.source)


def protected_theme_terms(config: Config, theme_set: ThemeSet | None = None) -> tuple[str, ...]:
    """Every term of the theme rules, and the KWIC queries that are not theme names: the lexicon's theme layer."""
    theme_set = theme_set or load_themes(config)
    queries = [q for q in fold_themes(config.kwic.queries, config) if q not in theme_set]
    return fold_themes((*theme_set.terms, *queries), config)


# -- analyses: each takes a Prepared and returns named tables ---------------------------------------

def analyse_keywords(prepared: Prepared) -> dict[str, pd.DataFrame]:
    dtm = prepared.doc_dtm()
    cfg = prepared.config.keywords
    return {"keywords": top_keywords(dtm, top_n=cfg.top_n, sublinear_tf=cfg.sublinear_tf),
            "vocab": vocab_table(dtm)}


def analyse_keyness(prepared: Prepared) -> dict[str, pd.DataFrame]:
    dtm = prepared.doc_dtm()
    if len(dtm.row_ids) < 2:
        log.warning("keyness needs at least two documents; skipped")
        return {}
    cfg = prepared.config.keyness
    return {"keyness": keyness_each_vs_rest(dtm, top_n=cfg.top_n, min_count=cfg.min_count),
            "keyness_compare": compare_keyness(prepared, dtm)}


def compare_keyness(prepared: Prepared, dtm: Dtm | None = None) -> pd.DataFrame:
    """``keyness_compare.csv``: ``[keyness] target`` against ``reference`` (default: latest document vs the rest)."""
    from .groups import select_documents
    from .keyness import compare_groups

    dtm = dtm if dtm is not None else prepared.doc_dtm()
    cfg = prepared.config.keyness
    target_expr = cfg.target.strip() or "latest"
    target = select_documents(prepared.corpus, target_expr, name="[keyness] target")
    if cfg.reference.strip():
        reference = select_documents(prepared.corpus, cfg.reference, name="[keyness] reference")
        reference_expr = cfg.reference.strip()
    else:
        reference = [d for d in prepared.corpus.ids if d not in target]
        reference_expr = "rest"
    if set(target) & set(reference):
        raise ConfigError(f"[keyness] target {target_expr!r} and reference {reference_expr!r} share documents")
    if not reference:
        raise ConfigError(f"[keyness] target {target_expr!r} selects every document; nothing is left to compare with")
    rows = {doc_id: i for i, doc_id in enumerate(dtm.row_ids)}
    table = compare_groups(dtm, [rows[d] for d in target], [rows[d] for d in reference],
                           min_count=cfg.min_count, top_n=cfg.top_n)
    table.insert(0, "reference", reference_expr)
    table.insert(0, "target", target_expr)
    return table


def analyse_topics(prepared: Prepared, *, progress: bool = False,
                   extra: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """Topic tables (see :mod:`textmine.topics.analysis`); the topic map page goes into ``extra["files"]``
    when ``extra`` is given."""
    tables, files = topic_stage(prepared, progress=progress)
    if extra is not None:
        extra.setdefault("files", {}).update(files)
    return tables


def topic_stage(prepared: Prepared, *, progress: bool = False) -> tuple[dict[str, pd.DataFrame], dict[str, bytes]]:
    """Topic tables and the topic map page (``topic_map.html``); fits come from the model cache when it
    holds them."""
    from .topics.analysis import analyse_topic_model
    from .topics.select import parse_k

    cfg = prepared.config.topics
    ks = parse_k(cfg.k_range, "[topics] k_range") if cfg.k_range else None
    cache = None
    if prepared.config.scale.cache:
        from .io.cache import ModelCache

        cache = ModelCache(prepared.config.resolve_path(prepared.config.scale.cache_dir))
    outcome = analyse_topic_model(prepared, ks=ks, progress=progress, cache=cache)
    return outcome.tables, {"topic_map.html": outcome.html.encode("utf-8")}


def analyse_trends(prepared: Prepared) -> dict[str, pd.DataFrame]:
    if prepared.theme_set is None:
        return {"trends": theme_counts(prepared.tokens, prepared.themes, prepared.corpus)}
    from .periods import document_trends, period_trends, trend_changes, unit_theme_counts

    cfg = prepared.config.trends
    units = unit_theme_counts(prepared.units, prepared.tokens, prepared.theme_set)
    periods = period_trends(units, prepared.theme_set, prepared.corpus, by=cfg.by, seed=prepared.config.seed,
                            resamples=cfg.bootstrap, confidence=cfg.confidence)
    return {"trends": document_trends(units, prepared.theme_set, prepared.corpus), "trends_period": periods,
            "trend_changes": trend_changes(periods)}


def analyse_kwic(prepared: Prepared) -> dict[str, pd.DataFrame]:
    from .kwic import kwic_table

    queries = prepared.config.kwic.queries or prepared.themes
    return {"kwic": kwic_table(prepared, queries, width=prepared.config.kwic.width)}


def analyse_network(prepared: Prepared) -> dict[str, pd.DataFrame]:
    from .network import cooccurrence_network

    edges, nodes = cooccurrence_network(prepared, prepared.config.network, seed=prepared.config.seed)
    return {"cooccurrence": edges, "cooccurrence_nodes": nodes}


ANALYSES: dict[str, Callable[..., dict[str, pd.DataFrame]]] = {
    "keywords": analyse_keywords, "keyness": analyse_keyness, "topics": analyse_topics, "trends": analyse_trends,
    "kwic": analyse_kwic, "network": analyse_network,
}


@dataclass
class RunResult:
    """Everything one run produced: tables, the prepared text, and how long each stage took."""

    prepared: Prepared
    tables: dict[str, pd.DataFrame]
    timings: Timings
    stages: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)


def run(config: Config, stages: Sequence[str] = STAGES, *, corpus: Corpus | None = None,
        progress: bool = False, on_stage: Callable[[str, float], None] | None = None,
        on_tables: Callable[[Prepared, dict[str, pd.DataFrame], dict[str, bytes]], None] | None = None) -> RunResult:
    """Run the named analyses on the configured corpus (see :data:`STAGES`).

    When topics run together with other stages, the topic fits (compiled code that releases the
    GIL) run in a background thread while the other analyses run here; every stage is a pure
    function of the prepared corpus, so the tables are the same as when they run one after another.
    ``on_stage(stage, seconds)`` is called as each stage ends, and ``on_tables(prepared, tables, files)``
    with its tables and files (``textmine run`` writes them then, while the topics are still fitting).
    """
    unknown = [s for s in stages if s not in ANALYSES]
    if unknown:
        raise StageError(f"unknown stage {unknown[0]!r}; stages are {', '.join(ANALYSES)}")
    timings = Timings()
    prepared = prepare(config, corpus, timings=timings, progress=progress)
    if on_stage:
        on_stage("segment", sum(timings.seconds.values()))
    results: dict[str, tuple[dict[str, pd.DataFrame], dict[str, bytes]]] = {}
    from .scale import cached_stage

    def compute(stage: str) -> tuple[dict[str, pd.DataFrame], dict[str, bytes]]:
        with timings.stage(stage):
            if stage == "topics":
                return cached_stage(prepared, stage, lambda: topic_stage(prepared, progress=progress))
            return cached_stage(prepared, stage, lambda: (ANALYSES[stage](prepared), {}))

    def done(stage: str) -> None:
        if on_stage:
            on_stage(stage, timings.seconds[stage])
        if on_tables:
            on_tables(prepared, *results[stage])

    background = _Background(partial(compute, "topics")) if "topics" in stages and len(stages) > 1 else None
    for stage in stages:
        if stage != "topics" or background is None:
            results[stage] = compute(stage)
            done(stage)
    if background is not None:
        results["topics"] = background.result()
        done("topics")
    tables = {name: frame for stage in stages for name, frame in results[stage][0].items()}
    files = {name: data for stage in stages for name, data in results[stage][1].items()}
    return RunResult(prepared, tables, timings, tuple(stages), {"files": files} if files else {})


class _Background:
    """``job()`` in a daemon thread (a failed run does not wait for it); ``result()`` joins and re-raises."""

    def __init__(self, job: Callable[[], Any]) -> None:
        import threading

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
