"""Read → clean → segment → filter: a corpus made ready for every analysis, once.

:func:`prepare` gives a :class:`Prepared`: the documents, their cleaned units, the word tokens
of each unit, the content terms that may reach the tables, the document–term matrix with each
document's word-token total (the one denominator of every rate), and the themes to count. Its
segmentation depends on the corpus, the lexicon files and the config alone — never on the
themes or KWIC queries asked afterwards — so every count is the same whatever is asked.

Cleaning works on partitions of documents and segmentation on the distinct unit texts, both
through the cache when one is given (a partition or text seen before is read, not recomputed)
and as Dask tasks when ``[scale] scheduler`` names a cluster (:mod:`textmine.parallel`); the
results are gathered in order, so they are the same, byte for byte, either way.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from functools import cached_property
from itertools import chain
from operator import attrgetter
from typing import Any, NamedTuple

import numpy as np

from .config import CleanConfig, Config
from .data import Corpus, Document, Dtm, TokenizedUnit, Unit
from .dtm import build_dtm
from .errors import StageError
from .filters import TermFilter, config_term_filter
from .lexicon import Lexicon
from .normalize import SimplifiedFolder, fold_for_counting
from .helper import Helper, map_from_both_ends
from .parallel import available_cores, chunks, cyclic_gc_paused, map_in_order, progress_counter, session
from .provenance import Timings
from .themes import ThemeSet
from .units import merge_samples, split_each, split_texts

log = logging.getLogger(__name__)

#: Unit texts segmented per call in this process (a progress bar moves a block at a time).
SEGMENT_BLOCK = 5000
#: ``cache=FROM_CONFIG`` (the default of :func:`prepare` and :func:`textmine.pipeline.run`): the cache
#: ``[scale] cache`` and ``cache_dir`` describe.
FROM_CONFIG = "from config"


def resolve_cache(cache, config: Config):
    """The cache object ``cache`` stands for (see :data:`FROM_CONFIG`)."""
    if isinstance(cache, str) and cache == FROM_CONFIG:
        from .io.cache import open_cache

        return open_cache(config)
    return cache


@contextmanager
def cache_for(cache, config: Config):
    """:func:`resolve_cache`; a cache opened here has every entry written (:meth:`~textmine.io.cache.Cache.settle`)
    when the block ends, so a later call that opens it again finds them."""
    resolved = resolve_cache(cache, config)
    try:
        yield resolved
    finally:
        if resolved is not None and resolved is not cache:
            resolved.settle()


@dataclass(frozen=True)
class Prepared:
    """A corpus read, cleaned into units, segmented and filtered, with the themes a run counts.

    ``tokens[i]`` are the word tokens of ``units[i]`` (white space and punctuation are not tokens);
    ``content_terms[i]`` those that pass the term filter (what keywords, keyness and topics see).
    ``doc_dtm`` counts content terms per document; its ``tokens`` are each document's word tokens,
    the denominator of every rate (``token_totals`` holds the same numbers by document id).
    ``stubs`` are documents too short to stand for a period (see :func:`find_stubs`). The content terms
    and the matrix are made when first asked for (``textmine segment`` never needs them).
    """

    config: Config
    corpus: Corpus
    units: tuple[Unit, ...]
    tokens: tuple[TokenizedUnit, ...]
    token_totals: Mapping[str, int]
    stubs: frozenset[str]
    lexicon: Lexicon
    term_filter: TermFilter
    stopwords_sha256: str
    stopword_count: int
    theme_set: ThemeSet
    dropped: Mapping[str, int] = field(default_factory=dict)
    dropped_samples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    segment_info: Mapping[str, Any] = field(default_factory=dict)
    #: for each unit, the position of the same unit in the first document with its text (its own position, or
    #: that of a unit it differs from in its ids alone; :func:`unit_firsts`); None when no text comes twice
    unit_firsts: np.ndarray | None = None

    @property
    def themes(self) -> tuple[str, ...]:
        return self.theme_set.names

    @cached_property
    def analysis_key(self) -> str | None:
        """Digest of everything that decides the analysis tables (:func:`textmine.keys.analysis_key`); None when
        the cache is off. Made when first asked for: ``textmine segment`` has no analysis, and the digest of every
        document's id, date and metadata took 0.2 s on three copies of the reviews."""
        info = self.segment_info
        if not (info.get("tokens_sha256") and info.get("units_sha256")):
            return None
        from .keys import analysis_key

        return analysis_key(self.config, tokens=info["tokens_sha256"], units=info["units_sha256"],
                            stopwords=self.stopwords_sha256, themes=self.theme_set.sha256,
                            documents=[[d.id, str(d.date) if d.date else None, dict(d.meta)] for d in self.corpus])

    @cached_property
    def content_terms(self) -> tuple[tuple[str, ...], ...]:
        return tuple(map(tuple, map(self.term_filter.terms, self.tokens)))

    @cached_property
    def doc_dtm(self) -> Dtm:
        by_doc: dict[str, list[str]] = {doc.id: [] for doc in self.corpus}
        for unit, terms in zip(self.tokens, self.content_terms):
            by_doc[unit.doc_id].extend(terms)
        return build_dtm(by_doc.items(), tokens=[self.token_totals[d] for d in by_doc])


def load_corpus(config: Config) -> Corpus:
    """The corpus ``[corpus]`` names (a folder or a table), read with its options."""
    from .io.read import read_corpus

    c = config.corpus
    return read_corpus(config.resolve_path(c.path), text_col=c.text_col, id_col=c.id_col,
                       date_col=c.date_col, sheet=c.sheet, encoding=c.encoding, max_file_mb=c.max_file_mb,
                       max_line_chars=c.max_line_chars, strict=c.strict)


def text_folder(config: Config) -> SimplifiedFolder | None:
    """The Traditional → Simplified folder the config asks for (``[clean] fold_traditional``), or None."""
    return SimplifiedFolder() if config.clean.fold_traditional else None


def fold_query(text: str, config: Config) -> str:
    """A term typed by the user, folded the way the text is folded for counting."""
    return fold_for_counting(text.strip(), text_folder(config))


def load_themes(config: Config) -> ThemeSet:
    """The themes of ``[trends]``: rules from ``theme_file`` for the names in ``themes``, folded for counting."""
    from .themes import read_theme_file, select_themes

    cfg = config.trends
    path = cfg.theme_file.strip()
    folder = text_folder(config)

    def fold(term: str) -> str:
        return fold_for_counting(term.strip(), folder)

    rules = None
    if path:
        rules = read_theme_file(path if path == "default" else config.resolve_path(path))
        rules = ThemeSet(tuple(t.folded(fold) for t in rules.themes), rules.sha256, rules.source)
    chosen = select_themes([fold(t) for t in cfg.themes if t.strip()], rules)
    return ThemeSet(tuple(t.folded(fold) for t in chosen.themes), chosen.sha256, chosen.source)


def prepare(config: Config, corpus: Corpus | None = None, *, cache=FROM_CONFIG, timings: Timings | None = None,
            progress: bool = False) -> Prepared:
    """Read (unless ``corpus`` is given), clean, segment and filter; see the module docs.

    ``cache`` is a :class:`textmine.io.cache.Cache`, None for none, or by default the one ``[scale]``
    names (:func:`textmine.io.cache.open_cache`).
    """
    with cache_for(cache, config) as cache:
        return _prepare(config, corpus, cache, timings or Timings(), progress)


def _prepare(config: Config, corpus: Corpus | None, cache, timings: Timings, progress: bool) -> Prepared:
    from .segment import make_segmenter

    theme_set = load_themes(config)
    segmenter = make_segmenter(config)
    # One pause for reading, cleaning and segmenting (see cyclic_gc_paused): resumed between them, the
    # collector would walk every object the stages before had made, once per stage.
    with session(config) as client, cyclic_gc_paused():
        with ExitStack() as stack:
            # started before reading, so it is ready (imports done) when cleaning starts
            helper = _start_helper(stack) if client is None and _wants_helper(config, corpus) else None
            with timings.stage("read"):
                if corpus is None:
                    corpus = client.submit(load_corpus, config, pure=False).result() if client else load_corpus(config)
            with timings.stage("clean"):
                cleaned = clean_corpus(corpus, config.clean, config.scale.partition_docs, cache=cache,
                                       client=client, progress=progress, helper=helper)
                units, dropped, samples = cleaned.units, cleaned.dropped, cleaned.samples
            helper_chunks = helper.chunks_done if helper is not None else None
        if not units:
            raise StageError("no text is left after cleaning; check the corpus and [clean] settings")
        with timings.stage("segment"):
            tokens, info = segment_corpus(units, segmenter, config, cache=cache, client=client, progress=progress)
    info["units_sha256"] = cleaned.digest
    info["stats"] = {**info["stats"], "clean_slices": cleaned.slices, "clean_cache_hits": cleaned.cache_hits,
                     **({"clean_helper_slices": helper_chunks} if helper_chunks is not None else {})}
    if cache is not None and cleaned.cache_hits == cleaned.slices:
        timings.cached.add("clean")
    if cache is not None and info["stats"]["cache_misses"] == 0:
        timings.cached.add("segment")
    _warn_empty(corpus, units)
    info["stats"]["repeated_documents"] = _warn_repeated(corpus, cleaned.firsts)
    term_filter, stopwords_sha256, stopword_count = config_term_filter(config, segmenter.lexicon)
    totals = token_totals(corpus, tokens)
    return Prepared(config, corpus, units, tokens, totals, find_stubs(totals, config.trends.stub_share),
                    segmenter.lexicon, term_filter, stopwords_sha256, stopword_count, theme_set, dropped, samples,
                    info, cleaned.unit_firsts)


#: Corpora of at least this many characters (estimated from the bytes of the input files before reading,
#: three bytes a character) are cleaned with a :class:`~textmine.helper.Helper` process (``[scale] helper``);
#: for smaller ones starting it costs about what it saves.
HELPER_MIN_CHARS = 1_000_000


def _start_helper(stack: ExitStack) -> Helper | None:
    """A :class:`~textmine.helper.Helper`, closed with ``stack``; None (the work stays here) if no process
    can be started."""
    try:
        return stack.enter_context(Helper())
    except OSError as exc:
        log.warning("no helper process could be started (%s); cleaning in this process only", exc)
        return None


def _wants_helper(config: Config, corpus: Corpus | None) -> bool:
    if not config.scale.helper or available_cores() < 2:
        return False
    if corpus is not None:
        return sum(len(doc.text) for doc in corpus) >= HELPER_MIN_CHARS
    path = config.resolve_path(config.corpus.path)
    try:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
    except OSError:
        return False
    return size >= 3 * HELPER_MIN_CHARS


def token_totals(corpus: Iterable[Document], tokens: Iterable[TokenizedUnit]) -> dict[str, int]:
    """Each document's word tokens (0 for a document without any), in the corpus's order."""
    totals = {doc.id: 0 for doc in corpus}
    for unit in tokens:
        totals[unit.doc_id] += len(unit.terms)
    return totals


def find_stubs(token_totals: Mapping[str, int], share: float) -> frozenset[str]:
    """Documents with fewer word tokens than ``share`` × the median document's (``[trends] stub_share``).

    A stub (a title page, a placeholder for a lost text) is not evidence that a theme was absent
    from its period; trend lines and intervals leave it out by default. Relative to the median, so a
    corpus of short texts (reviews) has no stubs for being short.
    """
    sizes = np.array(list(token_totals.values()), dtype=float)
    if len(sizes) < 2 or share <= 0:
        return frozenset()
    bound = share * float(np.median(sizes))
    return frozenset(doc_id for doc_id, size in token_totals.items() if size < bound)


def _warn_empty(corpus: Corpus, units: Sequence[Unit]) -> None:
    with_units = {u.doc_id for u in units}
    empty = [doc for doc in corpus if doc.id not in with_units]
    for doc in empty[:20]:
        log.warning("document %s has no text left after cleaning (%d characters, all captions, source lines, "
                    "front matter or shorter than [clean] min_unit_chars); it counts as empty", doc.id, len(doc.text))
    if len(empty) > 20:
        log.warning("… and %d more documents with no text left after cleaning (documents.csv lists them)",
                    len(empty) - 20)


def _warn_repeated(corpus: Corpus, firsts: Sequence[int]) -> int:
    """How many documents repeat the whole text of an earlier one (a report filed twice, a copied review): each is
    counted as a document of its own, so the first pair is named (``firsts`` by :func:`first_copies`)."""
    copies = [i for i, first in enumerate(firsts) if first != i]
    if copies:
        documents = corpus.documents
        doc, seen = documents[copies[0]].id, documents[firsts[copies[0]]].id
        more = f" and {len(copies) - 1} more" if len(copies) > 1 else ""
        log.warning("document %s has the same text as %s%s; every copy is counted as a document of its own "
                    "(remove copies filed twice; manifest.json: run_stats.repeated_documents)", doc, seen, more)
    return len(copies)


# -- cleaning ---------------------------------------------------------------------------------------------------

def clean_part(documents: Sequence[Document], config: CleanConfig) -> tuple[list[Unit], dict[str, int], dict]:
    """Units of a partition of documents, the blocks dropped by kind, and samples of them: what
    :func:`textmine.units.split_units` gives (tested), with a text that comes again (a review posted twice, a
    copied notice) cleaned once and its units given the other document's id."""
    firsts = first_copies(documents)
    distinct = first_positions(firsts)
    units, dropped, samples, _ = assemble(documents, firsts,
                                          dict(zip(distinct, split_each([documents[i] for i in distinct], config))))
    return units, dropped, samples


def document_keys(documents: Sequence[Document]) -> list[tuple]:
    """What cleaning each document depends on: its text and page starts (not its id), made without a Python call
    per document."""
    return list(zip(map(attrgetter("text"), documents), map(attrgetter("page_starts"), documents)))


def first_copies(documents: Sequence[Document]) -> list[int]:
    """For each document, the position of the first document with the same :func:`document_keys` (its own
    position when it is the first): one pass, which cleaning, assembling and the warning about copies share."""
    first: dict[tuple, int] = {}
    return list(map(first.setdefault, document_keys(documents), range(len(documents))))


def first_positions(firsts: Sequence[int]) -> list[int]:
    """The positions of the documents that are the first of their text (``firsts`` by :func:`first_copies`)."""
    return [i for i, first in enumerate(firsts) if i == first]


def assemble(documents: Sequence[Document], firsts: Sequence[int], cleaned: Mapping[int, tuple]
             ) -> tuple[list[Unit], dict, dict, np.ndarray | None]:
    """Units, drops and samples of ``documents`` from each text cleaned (``cleaned`` by the position of its first
    copy, ``firsts`` by :func:`first_copies`); a document whose text was cleaned under another id gets the units
    with its own. Last, :func:`unit_firsts` of the units (None when no text comes twice)."""
    dropped: Counter[str] = Counter()
    sample_parts: list[dict[str, list[str]]] = []
    units: list[Unit] = []
    counts: list[int] = []
    for i, (first, doc) in enumerate(zip(firsts, documents)):
        doc_units, own, own_samples = cleaned[first]
        if first != i:
            doc_units = [Unit(doc.id, u.index, u.kind, u.text, u.norm, u.runs) for u in doc_units]
        if own:
            dropped.update(own)
            sample_parts.append(own_samples)
        units.extend(doc_units)
        counts.append(len(doc_units))
    return units, dict(sorted(dropped.items())), merge_samples(sample_parts), unit_firsts(firsts, counts)


def unit_firsts(firsts: Sequence[int], counts: Sequence[int]) -> np.ndarray | None:
    """For each unit of the documents (``counts`` units each, in order), the position of the same unit in the first
    document with its text (``firsts`` by :func:`first_copies`): its own position, or that of a unit it differs from
    in its ids alone. None when every document is the first of its text."""
    firsts_array = np.asarray(firsts, np.int64)
    if np.array_equal(firsts_array, np.arange(len(firsts_array))):
        return None
    counts_array = np.asarray(counts, np.int64)
    starts = np.cumsum(counts_array) - counts_array   # each document's first unit
    return np.arange(int(counts_array.sum())) + np.repeat(starts[firsts_array] - starts, counts_array)


#: Slices cleaned at a time, for the progress bar.
CLEAN_SLICES = 20


def _clean_distinct(documents: list[Document], config: CleanConfig, progress: bool, helper=None) -> list[tuple]:
    """:func:`~textmine.units.split_each` of many documents, a slice at a time (the helper process, if any,
    takes slices from the end; it is sent each document's id and text, :func:`~textmine.units.split_texts`)."""
    slices = chunks([(doc.id, doc.text) for doc in documents], max(1, -(-len(documents) // CLEAN_SLICES)))
    with progress_counter(len(slices), "clean", "slice", progress) as done:
        parts = map_from_both_ends(split_texts, slices, helper, on_chunk=done, config=config)
    return [r for part in parts for r in part]


class CleanedCorpus(NamedTuple):
    """What :func:`clean_corpus` gives."""

    units: tuple[Unit, ...]
    dropped: dict[str, int]
    samples: dict[str, tuple[str, ...]]
    #: digest of the slice keys and of which document has which text, standing for the units (None without a cache)
    digest: str | None
    slices: int
    cache_hits: int
    #: :func:`first_copies` of the corpus's documents
    firsts: list[int]
    #: :func:`unit_firsts` of the units
    unit_firsts: np.ndarray | None


def clean_corpus(corpus: Corpus, config: CleanConfig, slice_docs: int, *, cache=None, client=None,
                 progress: bool = False, helper=None) -> CleanedCorpus:
    """The corpus cleaned, each distinct text once, in slices of ``slice_docs`` distinct documents.

    With a cache, a slice cleaned before (same documents, settings, versions) is read (``cache_hits`` counts
    them). In this process (no ``client``), ``helper`` (:class:`textmine.helper.Helper`) takes part of the work
    when given; with a client, each slice is a task.
    """
    import hashlib

    documents = corpus.documents
    firsts = first_copies(documents)
    slices = chunks(first_positions(firsts), slice_docs)
    slice_documents = [[documents[i] for i in positions] for positions in slices]
    keys: list[str] = []
    cleaned: list[Any] = [None] * len(slices)
    if cache is not None:
        from .keys import slice_key

        settings = asdict(config)
        keys = [slice_key(docs, settings) for docs in slice_documents]
        cleaned = [cache.units.get(k, docs) for k, docs in zip(keys, slice_documents)]
    todo = [i for i, done in enumerate(cleaned) if done is None]
    if client is None:
        fresh = iter(_clean_distinct([d for i in todo for d in slice_documents[i]], config, progress, helper))
        for i in todo:
            cleaned[i] = [next(fresh) for _ in slices[i]]
    else:
        for i, result in zip(todo, map_in_order(client, split_each, [slice_documents[i] for i in todo], desc="clean",
                                                unit="part", progress=progress, config=config)):
            cleaned[i] = result
    if cache is not None:
        for i in todo:
            cache.units.put(keys[i], cleaned[i])
    units, dropped, samples, repeats = assemble(documents, firsts, dict(zip(chain.from_iterable(slices),
                                                                   chain.from_iterable(cleaned))))
    digest = None
    if cache is not None:   # the slices, and which document has which text (a copy's units carry its own id)
        h = hashlib.sha256("\n".join(keys).encode())
        h.update("\x1f".join(corpus.ids).encode("utf-8") + b"\x1e")
        h.update("\x1f".join([documents[first].id for first in firsts]).encode("utf-8"))
        digest = h.hexdigest()
    return CleanedCorpus(tuple(units), dropped, samples, digest, len(slices), len(slices) - len(todo), firsts, repeats)


# -- segmentation -----------------------------------------------------------------------------------------------

def segment_corpus(units: Sequence[Unit], segmenter, config: Config, *, cache=None, client=None,
                   progress: bool = False) -> tuple[tuple[TokenizedUnit, ...], dict[str, Any]]:
    """The word tokens of every unit, and how segmentation went (backend, cache hits, digests).

    Each distinct unit text is segmented once; with a cache, texts segmented before under the same
    fingerprint (:func:`textmine.keys.segmentation_fingerprint`) are read instead.
    """
    from .keys import (
        fingerprint_digest,
        segmentation_fingerprint,
        tokens_digest,
        unit_key,
    )

    fingerprint = segmentation_fingerprint(segmenter, config.clean.fold_traditional)
    store = cache.segments(fingerprint) if cache is not None else None
    norms = [u.norm for u in units]
    if store is not None:   # the cache's key of each distinct text, hashed once
        key_of = {norm: unit_key(norm) for norm in dict.fromkeys(norms)}
        keys = list(map(key_of.__getitem__, norms))
    else:   # without a cache, the text is its own key
        key_of = dict(zip(norms, norms))
        keys = norms
    known = store.get(set(keys)) if store is not None else {}
    todo = {key: norm for norm, key in key_of.items() if key not in known}
    hits = sum(map(known.__contains__, keys)) if known else 0
    new = _segment(list(todo.items()), segmenter, config, client, progress)
    if store is not None and new:
        store.put(new)
    known.update(new)
    ids = [u.id for u in units]
    tokens = tuple(TokenizedUnit(unit_id, u.doc_id, *known[k]) for unit_id, k, u in zip(ids, keys, units))
    info = {"backend": segmenter.name, "versions": fingerprint["versions"],
            "scheduler": config.scale.scheduler or "none",
            "cache": fingerprint_digest(fingerprint) if store is not None else None,
            "tokens_sha256": tokens_digest(store.digest, ids, [u.doc_id for u in units], keys)
            if store is not None else None,
            "stats": {"cache_hits": hits, "cache_misses": len(keys) - hits, "segmented_texts": len(todo)}}
    return tokens, info


def _segment(items: list[tuple[str, str]], segmenter, config: Config, client, progress: bool) -> dict:
    """Key → ``(terms, starts)`` of each ``(key, text)``; each distinct term is one string object
    (:func:`~textmine.segment.share_terms`: about 70 bytes a token saved)."""
    from .segment import segment_texts, share_terms

    if not items:
        return {}
    texts = [t for _, t in items]
    shared: dict[str, str] = {}
    if client is None:
        # No helper process here (unlike cleaning): the engine already cuts in a second thread while this
        # one sorts the tokens into units, and a helper competing for two cores was slower on the reviews.
        segmenter.initialize()
        results = map_in_order(None, segment_texts, chunks(texts, SEGMENT_BLOCK), desc="segment", unit="block",
                               progress=progress and len(texts) > SEGMENT_BLOCK, segmenter=segmenter, shared=shared)
        segmented = (r for part in results for r in part)
    else:   # each task's terms come back as strings of their own
        results = map_in_order(client, segment_texts, chunks(texts, config.scale.partition_units), desc="segment",
                               unit="part", progress=progress and len(texts) > config.scale.partition_units,
                               broadcast={"segmenter": segmenter})
        segmented = share_terms((r for part in results for r in part), shared)
    return {k: r for (k, _), r in zip(items, segmented)}


__all__ = ["Prepared", "prepare", "load_corpus", "load_themes", "fold_query", "find_stubs", "clean_corpus",
           "segment_corpus"]
