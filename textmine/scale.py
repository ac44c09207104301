"""Cleaning and segmentation at scale: the segmentation cache, Dask, and per-stage peak memory.

:func:`clean_and_segment` is the middle of :func:`textmine.pipeline.prepare`.
In this process it cleans documents in partitions and segments only the unit
texts the cache does not hold (identical texts once). With ``[scale] scheduler``
set to ``dask`` (a local cluster) or a scheduler address (``tcp://host:port``),
reading, cleaning and segmentation run as Dask tasks; partitions are gathered
in order, so the results are the same, byte for byte, as in one process.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from .config import CleanConfig, Config
from .data import Corpus, Document, TokenizedUnit, Unit
from .errors import ConfigError, TextmineError
from .filters import RULES_REVISION
from .segment import SEGMENTATION_REVISION, is_word
from .units import split_units

log = logging.getLogger(__name__)


# -- peak memory -------------------------------------------------------------------------------------

class PeakMemory:
    """Samples this process's resident memory in a background thread; ``peak_mb`` is the largest seen."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        import psutil

        process = psutil.Process()
        while True:
            self.peak_mb = max(self.peak_mb, process.memory_info().rss / 2**20)
            if self._stop.wait(self.interval):
                break

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._sample, name="textmine-memory", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


# -- what decides the tokens -------------------------------------------------------------------------

def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def segmentation_fingerprint(segmenter, config: Config) -> dict[str, Any]:
    """Everything besides a unit's text that decides its tokens (the cache key's second half)."""
    import hashlib

    from .fastseg import backend_versions

    lexicon = hashlib.sha256("\n".join(f"{e.term}\t{e.freq or ''}" for e in segmenter.lexicon.entries)
                             .encode("utf-8")).hexdigest()
    return {
        "textmine": _version("textmine"),
        "segmentation_revision": SEGMENTATION_REVISION,
        "backend": segmenter.name,
        "versions": backend_versions(segmenter),
        "hmm": segmenter.hmm,
        "protect_latin": segmenter.protect_latin,
        "lexicon_terms_sha256": lexicon,
        "lexicon_files_sha256": dict(sorted(segmenter.lexicon.hashes.items())),
        "fold_traditional": config.clean.fold_traditional,
        "opencc": _version("opencc") if config.clean.fold_traditional else None,
    }


# -- the work of one task ------------------------------------------------------------------------------

def clean_part(documents: Sequence[Document], config: CleanConfig) -> tuple[list[Unit], dict[str, int]]:
    result = split_units(documents, config)
    return list(result.units), result.dropped


def segment_texts(texts: Sequence[str], segmenter) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
    """Word tokens and their starts for each text (the cacheable part of :func:`segment_unit`)."""
    fast = getattr(segmenter, "segment_many", None)
    if fast is not None:
        return fast(texts)
    words: dict[str, bool] = {}  # is_word per distinct token: far fewer checks than tokens
    out = []
    for text in texts:
        terms: list[str] = []
        starts: list[int] = []
        for token, start in segmenter.tokenize(text):
            word = words.get(token)
            if word is None:
                word = words[token] = is_word(token)
            if word:
                terms.append(token)
                starts.append(start)
        out.append((tuple(terms), tuple(starts)))
    return out


#: Units segmented per call in one process (progress moves a block at a time).
SEGMENT_BLOCK = 5000


def _shared_strings(segmented: dict) -> dict:
    """The same segmentations with one string object per distinct term (saves ~70 bytes a token)."""
    canonical: dict[str, str] = {}
    get = canonical.setdefault
    return {key: (tuple([get(t, t) for t in terms]), starts) for key, (terms, starts) in segmented.items()}


def _chunks(items: Sequence, size: int) -> list[Sequence]:
    return [items[i:i + size] for i in range(0, len(items), size)] or []


# -- Dask --------------------------------------------------------------------------------------------------

def check_scheduler(value: str) -> str:
    if value in ("", "dask") or value.startswith(("tcp://", "tls://", "inproc://")):
        return value
    raise ConfigError(f"[scale] scheduler = {value!r} is not allowed; expected '' (this process), 'dask' "
                      f"(a local cluster) or a scheduler address like tcp://10.0.0.5:8786")


@contextmanager
def dask_client(config: Config) -> Iterator[Any]:
    """A ``distributed.Client`` for ``[scale] scheduler``: a new local cluster, or an existing one."""
    scheduler = check_scheduler(config.scale.scheduler)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("[scale] scheduler needs Dask: pip install 'dask[distributed]'") from None
    debugging = logging.getLogger("textmine").isEnabledFor(logging.DEBUG)
    if not debugging:
        for name in [n for n in logging.root.manager.loggerDict if n.startswith("distributed")]:
            logging.getLogger(name).setLevel(logging.WARNING)  # Dask's start/stop chatter, unless debugging
    if scheduler == "dask":
        # A local worker that heartbeats while the cluster shuts down logs a traceback (dask/distributed
        # #7192). Failed tasks reach textmine as exceptions from the client, so the workers' own logs are
        # silenced unless debugging.
        cluster = LocalCluster(n_workers=config.scale.workers, threads_per_worker=1,
                               processes=config.scale.dask_processes, dashboard_address=None,
                               silence_logs=logging.WARNING if debugging else logging.CRITICAL)
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
    else:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise TextmineError(f"cannot reach the Dask scheduler at {scheduler!r} ([scale] scheduler, "
                                f"--scheduler): {exc}") from None
        with client:
            yield client


def _gather_in_order(client, futures: list, desc: str, unit: str, progress: bool) -> list:
    if progress and futures:
        from distributed import as_completed
        from tqdm.auto import tqdm

        with tqdm(total=len(futures), desc=desc, unit=unit, disable=None, leave=False) as bar:
            for _ in as_completed(futures):
                bar.update(1)
    return client.gather(futures)


# -- the stage ------------------------------------------------------------------------------------------------

@dataclass
class SegmentInfo:
    """How segmentation went: backend, scheduler, cache hits and misses."""

    backend: str
    versions: dict[str, str]
    scheduler: str
    cache: str | None
    cache_hits: int = 0
    cache_misses: int = 0
    segmented_texts: int = 0
    tokens_digest: str | None = None
    units_digest: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "versions": self.versions, "scheduler": self.scheduler or "none",
                "cache": self.cache, "tokens_sha256": self.tokens_digest, "units_sha256": self.units_digest,
                "stats": {"cache_hits": self.cache_hits, "cache_misses": self.cache_misses,
                          "segmented_texts": self.segmented_texts}}


def clean_and_segment(corpus: Corpus | None, config: Config, segmenter, *, timings=None, progress: bool = False,
                      read=None) -> tuple[Corpus, tuple[Unit, ...], dict[str, int], tuple[TokenizedUnit, ...],
                                          SegmentInfo]:
    """Read (when ``corpus`` is None, with ``read(config)``), clean and segment; see the module docs."""
    from .fastseg import backend_versions

    scheduler = check_scheduler(config.scale.scheduler)
    cache = None
    if config.scale.cache:
        from .io.cache import SegmentCache

        cache = SegmentCache(config.resolve_path(config.scale.cache_dir),
                             segmentation_fingerprint(segmenter, config))
    info = SegmentInfo(segmenter.name, backend_versions(segmenter), scheduler,
                       cache.digest if cache is not None else None)
    stage = timings.stage if timings is not None else _no_stage
    if scheduler:
        with dask_client(config) as client:
            return _run(corpus, config, segmenter, cache, info, stage, progress, read, client)
    return _run(corpus, config, segmenter, cache, info, stage, progress, read, None)


@contextmanager
def _no_stage(name: str) -> Iterator[None]:
    yield


def _run(corpus, config, segmenter, cache, info, stage, progress, read, client):
    with stage("read"):
        if corpus is None:
            corpus = client.submit(read, config, pure=False).result() if client is not None else read(config)
    with stage("clean"):
        parts = _chunks(corpus.documents, config.scale.partition_docs)
        unit_cache, part_keys, cleaned_parts = None, [], [None] * len(parts)
        if cache is not None:
            import hashlib

            from .io.cache import UnitCache

            unit_cache = UnitCache(cache.root)
            part_keys = [_part_key(p, config) for p in parts]
            # the units (display text, offsets, ids) are a function of what the part keys cover
            info.units_digest = hashlib.sha256("\n".join(part_keys).encode()).hexdigest()
            cleaned_parts = [unit_cache.get(k) for k in part_keys]
        todo = [i for i, done in enumerate(cleaned_parts) if done is None]
        if client is not None and todo:
            data = client.scatter([parts[i] for i in todo])  # data first, so the task graph stays small
            futures = client.map(clean_part, data, config=config.clean, pure=False)
            fresh = _gather_in_order(client, futures, "clean", "part", progress)
        else:
            fresh = [clean_part(parts[i], config.clean)
                     for i in _bar(todo, "clean", "part", progress and len(todo) > 1)]
        for i, result in zip(todo, fresh):
            cleaned_parts[i] = result
            if unit_cache is not None:
                unit_cache.put(part_keys[i], *result)
        cleaned = cleaned_parts
        units = tuple(u for part_units, _ in cleaned for u in part_units)
        dropped: Counter[str] = Counter()
        for _, part_dropped in cleaned:
            dropped.update(part_dropped)
    with stage("segment"):
        keys = _keys(units)
        known = cache.get(set(keys)) if cache is not None else {}
        todo: dict[str, str] = {}
        for key, unit in zip(keys, units):
            if key not in known and key not in todo:
                todo[key] = unit.norm
        info.cache_hits = sum(1 for k in keys if k in known)
        info.cache_misses = len(keys) - info.cache_hits
        info.segmented_texts = len(todo)
        new = _shared_strings(_segment(list(todo.items()), segmenter, config, client, progress))
        if cache is not None and new:
            cache.put(new)
        known.update(new)
        tokens = tuple(TokenizedUnit(u.id, u.doc_id, *known[k]) for k, u in zip(keys, units))
        if cache is not None:
            import hashlib

            digest = hashlib.sha256(cache.digest.encode())
            for key, unit in zip(keys, units):
                digest.update(f"{unit.id}\t{unit.doc_id}\t{key}\n".encode("utf-8"))
            info.tokens_digest = digest.hexdigest()
    return corpus, units, dict(sorted(dropped.items())), tokens, info


def _part_key(documents: Sequence[Document], config: Config) -> str:
    """Cache key of a partition's cleaned units: document ids and texts, cleaning settings, versions."""
    import hashlib
    import json

    from .config import _asdict

    digest = hashlib.sha256(json.dumps({"clean": _asdict(config.clean), "textmine": _version("textmine"),
                                        "opencc": _version("opencc")}, sort_keys=True).encode())
    for doc in documents:
        digest.update(f"{len(doc.id)}:{doc.id}{len(doc.text)}:".encode("utf-8"))
        digest.update(doc.text.encode("utf-8"))
    return digest.hexdigest()[:32]


def _keys(units: Sequence[Unit]) -> list[str]:
    from .io.cache import unit_key

    return [unit_key(u.norm) for u in units]


def _segment(items: list[tuple[str, str]], segmenter, config: Config, client, progress: bool) -> dict:
    if not items:
        return {}
    if client is None:
        segmenter.initialize()
        texts = [t for _, t in items]
        results = []
        for chunk in _bar(_chunks(texts, SEGMENT_BLOCK), "segment", "block", progress and len(texts) > SEGMENT_BLOCK):
            results += segment_texts(chunk, segmenter)
        return {k: r for (k, _), r in zip(items, results)}
    chunks = _chunks([t for _, t in items], config.scale.partition_units)
    remote = client.scatter(segmenter, broadcast=True)
    futures = client.map(segment_texts, client.scatter(chunks), segmenter=remote, pure=False)
    results = [r for chunk in _gather_in_order(client, futures, "segment", "part", progress) for r in chunk]
    return {k: r for (k, _), r in zip(items, results)}


def _bar(items: Sequence, desc: str, unit: str, progress: bool):
    if not progress:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit=unit, disable=None, leave=False)



# -- streaming -----------------------------------------------------------------------------------------------

def stream_vocab(config: Config, *, chunk_docs: int = 5000, progress: bool = False):
    """``term,count,doc_freq`` of a table corpus, read, cleaned, segmented and counted chunk by chunk.

    Only one chunk of documents and its tokens are in memory at a time, plus the
    counters, so memory grows with the vocabulary, not with the corpus. Uses the
    segmentation cache like :func:`clean_and_segment`. Returns a DataFrame like
    ``vocab.csv`` (most frequent first).
    """
    import pandas as pd

    from .io.stream import iter_table_chunks
    from .lexicon import load_stopwords
    from .filters import build_term_filter
    from .pipeline import make_segmenter, protected_theme_terms

    segmenter = make_segmenter(config, protected_theme_terms(config))
    stopwords, _ = load_stopwords(config.filter.stopwords,
                                  [config.resolve_path(p) for p in config.filter.extra_stopwords])
    term_filter = build_term_filter(config, stopwords, segmenter.lexicon.terms)
    counts: Counter[str] = Counter()
    doc_freq: Counter[str] = Counter()
    chunks = iter_table_chunks(config.resolve_path(config.corpus.path), text_col=config.corpus.text_col,
                               id_col=config.corpus.id_col, chunk_docs=chunk_docs, encoding=config.corpus.encoding)
    if progress:
        from tqdm.auto import tqdm

        chunks = tqdm(chunks, desc="stream", unit="chunk", disable=None, leave=False)
    local = config.replace(scale={"scheduler": ""})
    for documents in chunks:
        corpus = Corpus(tuple(documents))
        _, _, _, tokens, _ = clean_and_segment(corpus, local, segmenter)
        per_doc: dict[str, set[str]] = {}
        for unit in tokens:
            terms = term_filter.terms(unit)
            counts.update(terms)
            per_doc.setdefault(unit.doc_id, set()).update(terms)
        for terms in per_doc.values():
            doc_freq.update(terms)
    frame = pd.DataFrame({"term": list(counts), "count": list(counts.values()),
                          "doc_freq": [doc_freq[t] for t in counts]})
    return frame.sort_values(["count", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


# -- cached analyses -------------------------------------------------------------------------------------------

def stage_key(prepared, stage: str) -> str | None:
    """What decides a stage's tables: the segmented text, the units' display text and offsets, document
    ids, dates and metadata, stopwords, config, seed, versions (hashed once per prepared corpus), and the
    stage."""
    import hashlib

    base = prepared.__dict__.get("_stage_key_base")
    if base is None:
        base = prepared.__dict__["_stage_key_base"] = _stage_key_base(prepared)
    return hashlib.sha256(f"{base}\t{stage}".encode("utf-8")).hexdigest()[:24] if base else None


def _stage_key_base(prepared) -> str:
    import hashlib
    import json

    info = prepared.segment_info or {}
    tokens, units = info.get("tokens_sha256"), info.get("units_sha256")
    if tokens is None or units is None:
        return ""
    from .io.write import package_versions

    config = prepared.config.to_dict()
    for section in ("output", "scale", "corpus"):
        config.pop(section, None)
    payload = {"tokens": tokens, "units": units, "config": config,
               "files": _config_files(prepared.config, config),
               "stopwords": prepared.stopwords_sha256, "filter_rules": RULES_REVISION,
               "themes": prepared.theme_set.sha256 if getattr(prepared, "theme_set", None) else None,
               # metadata choose groups (keyness targets, trend periods by field) and label documents
               "documents": [[d.id, str(d.date) if d.date else None, dict(d.meta)] for d in prepared.corpus],
               "packages": package_versions()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


#: Stages whose inputs :func:`stage_key` is known to cover; a new stage is computed every time until it
#: is added here (after checking that everything it reads is in the key). Topic fits are cached on their
#: own as well (:class:`~textmine.io.cache.ModelCache`): a change that keeps the fits (``top_n``, say)
#: rebuilds the topic tables without fitting again.
CACHED_STAGES = frozenset({"keywords", "keyness", "trends", "kwic", "network", "topics"})


def _config_files(config: Config, values: Any) -> dict[str, str]:
    """sha256 of every file a config value names (rule files, lexicons, stopword lists, …)."""
    import hashlib

    found: dict[str, str] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value and len(value) < 4096:
            try:
                path = config.resolve_path(value)
                if path.is_file():
                    found[value] = hashlib.sha256(path.read_bytes()).hexdigest()
            except (OSError, ValueError):
                pass

    walk(values)
    return dict(sorted(found.items()))


def cached_stage(prepared, stage: str, compute) -> tuple[dict, dict[str, bytes]]:
    """The tables and files (name → bytes, such as the topic map page) of ``stage``: from the result cache
    when its inputs are unchanged, else ``compute()`` them (and keep them). Off with ``[scale] cache = false``."""
    if not prepared.config.scale.cache or stage not in CACHED_STAGES:
        return compute()
    from .io.cache import ResultCache

    key = stage_key(prepared, stage)
    if key is None:
        return compute()
    cache = ResultCache(prepared.config.resolve_path(prepared.config.scale.cache_dir))
    cached = cache.get(stage, key)
    if cached is not None:
        log.info("%s: tables read from the cache (%s)", stage, key)
        return cached
    tables, files = compute()
    cache.put(stage, key, tables, files)
    return tables, files
