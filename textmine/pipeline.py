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
from typing import Any

import pandas as pd

from .config import Config
from .data import Corpus, Dtm, TokenizedUnit, Unit
from .dtm import build_dtm, vocab_table
from .errors import StageError
from .filters import TermFilter
from .io.read import read_corpus
from .keyness import keyness_each_vs_rest
from .keywords import top_keywords
from .lexicon import Lexicon, build_lexicon, load_stopwords
from .normalize import SimplifiedFolder, fold_for_counting
from .segment import JiebaSegmenter, segment_unit
from .trends import theme_counts
from .units import split_units

log = logging.getLogger(__name__)

STAGES = ("keywords", "keyness", "topics", "trends")


@dataclass
class Timings:
    """Seconds per stage, filled in as stages run."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


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

    def content_terms(self, unit: TokenizedUnit) -> list[str]:
        return self.term_filter.terms(unit)

    def doc_dtm(self) -> Dtm:
        """Content-term counts per document (documents in corpus order)."""
        by_doc: dict[str, list[str]] = {doc.id: [] for doc in self.corpus}
        for unit in self.tokens:
            by_doc[unit.doc_id].extend(self.content_terms(unit))
        return build_dtm(by_doc.items())

    def token_totals(self) -> dict[str, int]:
        totals = {doc.id: 0 for doc in self.corpus}
        for unit in self.tokens:
            totals[unit.doc_id] += len(unit.terms)
        return totals


def load_corpus(config: Config) -> Corpus:
    c = config.corpus
    return read_corpus(config.resolve_path(c.path), text_col=c.text_col, id_col=c.id_col,
                       date_col=c.date_col, encoding=c.encoding)


def make_segmenter(config: Config, themes: Sequence[str] = ()) -> JiebaSegmenter:
    """The segmenter the config describes, with the layered lexicon (domain, user files, themes)."""
    lexicon = build_lexicon(domain=config.segment.domain_lexicon,
                            files=[config.resolve_path(p) for p in config.segment.lexicons],
                            themes=themes, fold_traditional=config.clean.fold_traditional)
    return JiebaSegmenter(lexicon, hmm=config.segment.hmm, protect_latin=config.segment.protect_latin)


def fold_themes(themes: Sequence[str], config: Config) -> tuple[str, ...]:
    folder = SimplifiedFolder() if config.clean.fold_traditional else None
    return tuple(dict.fromkeys(fold_for_counting(t.strip(), folder) for t in themes if t.strip()))


def prepare(config: Config, corpus: Corpus | None = None, *, timings: Timings | None = None,
            progress: bool = False) -> Prepared:
    """Read (unless ``corpus`` is given), clean and segment."""
    timings = timings or Timings()
    with timings.stage("read"):
        corpus = corpus if corpus is not None else load_corpus(config)
    with timings.stage("clean"):
        units = split_units(corpus, config.clean)
    if not units.units:
        raise StageError("no text is left after cleaning; check the corpus and [clean] settings")
    themes = fold_themes(config.trends.themes, config)
    with timings.stage("segment"):
        segmenter = make_segmenter(config, themes).initialize()
        tokens = tuple(segment_unit(u, segmenter) for u in _bar(units.units, "segment", "unit", progress))
    stopwords, stop_hash = load_stopwords(config.filter.stopwords,
                                          [config.resolve_path(p) for p in config.filter.extra_stopwords])
    term_filter = TermFilter(stopwords, config.filter.min_chars, frozenset(segmenter.lexicon.terms))
    return Prepared(config, corpus, units.units, units.dropped, tokens, segmenter.lexicon, stop_hash,
                    len(stopwords), term_filter, themes)


def _bar(items: Sequence, desc: str, unit: str, progress: bool):
    if not progress:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit=unit, disable=None, leave=False)


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
    return {"keyness": keyness_each_vs_rest(dtm, top_n=cfg.top_n, min_count=cfg.min_count)}


def analyse_topics(prepared: Prepared, *, progress: bool = False,
                   extra: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """Topic tables (see :mod:`textmine.topics.analysis`); the topic map HTML and the k-selection
    figure go into ``extra["files"]`` / ``extra["figures"]`` when ``extra`` is given."""
    from .topics.analysis import analyse_topic_model
    from .topics.select import parse_k

    cfg = prepared.config.topics
    ks = parse_k(cfg.k_range, "[topics] k_range") if cfg.k_range else None
    outcome = analyse_topic_model(prepared, ks=ks, progress=progress)
    if extra is not None:
        extra.setdefault("files", {})["topic_map.html"] = outcome.html.encode("utf-8")
        if outcome.figure is not None:
            extra.setdefault("figures", {})["topic_k_selection.png"] = outcome.figure
        extra["topic_model"] = outcome.model
    return outcome.tables


def analyse_trends(prepared: Prepared) -> dict[str, pd.DataFrame]:
    return {"trends": theme_counts(prepared.tokens, prepared.themes, prepared.corpus)}


ANALYSES: dict[str, Callable[..., dict[str, pd.DataFrame]]] = {
    "keywords": analyse_keywords, "keyness": analyse_keyness, "topics": analyse_topics, "trends": analyse_trends,
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
        progress: bool = False, on_stage: Callable[[str, float], None] | None = None) -> RunResult:
    """Run the named analyses on the configured corpus (see :data:`STAGES`)."""
    unknown = [s for s in stages if s not in ANALYSES]
    if unknown:
        raise StageError(f"unknown stage {unknown[0]!r}; stages are {', '.join(ANALYSES)}")
    timings = Timings()
    prepared = prepare(config, corpus, timings=timings, progress=progress)
    if on_stage:
        on_stage("segment", sum(timings.seconds.values()))
    tables: dict[str, pd.DataFrame] = {}
    extra: dict[str, Any] = {}
    for stage in stages:
        with timings.stage(stage):
            if stage == "topics":
                tables.update(analyse_topics(prepared, progress=progress, extra=extra))
            else:
                tables.update(ANALYSES[stage](prepared))
        if on_stage:
            on_stage(stage, timings.seconds[stage])
    return RunResult(prepared, tables, timings, tuple(stages), extra)
