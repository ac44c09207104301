"""The whole run as tasks over partitions of documents, for corpora larger than one process.

``textmine run`` with ``[scale] scheduler`` set (``dask``, or a scheduler's address) runs here. The
corpus is read in chunks of ``[scale] partition_docs`` documents (a table is never read whole:
:class:`textmine.io.stream.TableChunks`), and every chunk becomes one partition, held by a Dask worker
from first to last. No process ever holds the text, units or tokens of the whole corpus.

1. **Each partition** (one task): clean, segment, filter; count its documents' content terms (a sparse
   matrix over its own vocabulary), find the theme mentions and KWIC lines, the co-occurrence windows and
   the paragraphs (and whole documents) for topics; write its rows of ``units.csv``, ``tokens.csv``. Only
   counts, mentions and CSV bytes come back; the matrix and the rest stay on the worker.
2. **Reduce** (here): the vocabulary with each term's count and document frequency, the number of
   documents and word tokens, stubs, periods, the network's nodes, the keyness groups.
3. **Each partition again**: keywords and keyness of its documents scored against the corpus's counts
   (:class:`textmine.keywords.TermStats`), the keyness groups' counts, the nodes' co-occurrences, its
   rows for the topic model: paragraphs or whole documents, by ``[topics] fit_on`` as in one process.
4. **Topics**: fitted here on at most ``[scale] topic_sample`` rows — every row when there are no more,
   else a seeded random sample (:func:`topic_sample`) — with the same fits, stability seeds and tables as
   a run in one process. With a sample, every row's topic mix is then inferred in its partition with the
   fitted topics held fixed (paragraphs: :func:`infer_topics`; documents and their paragraphs:
   :func:`textmine.topics.documents.paragraph_mixtures`), and the topic tables are made from those mixtures.

Every sum is of integers and every score of a document uses the same arithmetic as in one process,
so the tables equal those of a run in one process (tested on the bundled corpus and a slice of the
shopping reviews), written part by part (:func:`textmine.io.write.csv_rows`). The stage caches are not
used here (the topic fits are); the report and workbook are rendered from the folder as usual.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from functools import partial
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .config import Config
from .data import Corpus, Document, Dtm
from .errors import StageError, TooLittleText

log = logging.getLogger(__name__)

#: Partitions whose first results have not come back yet, per worker (bounds the memory of a run).
IN_FLIGHT_PER_WORKER = 2
#: The columns of ``keyness.csv`` (:func:`textmine.keyness.keyness_each_vs_rest`).
KEYNESS_COLUMNS = ["doc_id", "term", "count_target", "count_reference", "per_10k_target", "per_10k_reference", "g2",
                   "p_value", "log_ratio", "rank"]
#: EM iterations of the topic inference (:func:`infer_topics`).
INFER_ITERATIONS = 50


# -- what every task shares ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shared:
    """Sent to every worker once: the config (run in the worker's own process), segmenter, term filter and
    themes."""

    config: Config
    segmenter: Any
    term_filter: Any
    stopwords_sha256: str
    stopword_count: int
    theme_set: Any
    kwic_queries: tuple[str, ...]
    topic_min_tokens: int


@dataclass(frozen=True)
class UnitInfo:
    """What a topic example shows of a paragraph."""

    id: str
    doc_id: str
    start: int
    end: int
    text: str


class Strings:
    """Many strings held as one string and their offsets: two objects instead of one per string, so what a partition
    keeps between passes takes little memory and leaves no scattered small objects behind."""

    __slots__ = ("text", "offsets")

    def __init__(self, items=()) -> None:
        items = list(items)
        self.text = "".join(items)
        self.offsets = np.zeros(len(items) + 1, dtype=np.int64)
        np.cumsum([len(item) for item in items], out=self.offsets[1:])

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.text[self.offsets[i]:self.offsets[i + 1]]

    def tolist(self) -> list[str]:
        text, offsets = self.text, self.offsets.tolist()
        return [text[a:b] for a, b in zip(offsets, offsets[1:])]

    def __getstate__(self):
        return self.text, self.offsets

    def __setstate__(self, state) -> None:
        self.text, self.offsets = state


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A document as a partitioned run keeps it once its partition has read it: all but the text (which stays
    in the partition). Works where a :class:`~textmine.data.Document` is read for its id, date and metadata."""

    id: str
    date: Any
    meta: dict
    source: str = ""
    text: str = ""
    page_starts: tuple = ()

    @property
    def label(self) -> str:
        return f"{self.id} ({self.date})" if self.date else self.id


@dataclass
class PartState:
    """What a partition keeps on its worker between passes (compact: arrays and :class:`Strings`)."""

    first: int                                   # position of its first document in the corpus
    doc_ids: Strings
    matrix: Any                                  # content-term counts per document (scipy CSR, int32)
    vocab: Strings                               # the matrix's columns: the partition's terms, sorted
    sizes: np.ndarray                            # word tokens per document
    window_terms: Strings
    windows: Any                                 # windows × window_terms incidence (scipy CSR)
    topic_vocab: Strings
    topic_flat: np.ndarray
    topic_offsets: np.ndarray
    topic_ids: Strings
    topic_groups: Strings
    topic_spans: np.ndarray                      # start, end of each topic paragraph in its document
    topic_texts: Strings
    fit_docs: tuple[Strings, np.ndarray, np.ndarray, Strings] | None   # documents with content terms, encoded
                                                 # (vocabulary, ids, offsets) with their ids, unless fit_on
                                                 # = "paragraphs"
    unit_ids: Strings                            # every paragraph: id, document, word tokens (trends)
    unit_docs: Strings
    unit_tokens: np.ndarray

    @property
    def dtm(self) -> Dtm:
        return Dtm(self.matrix, tuple(self.vocab.tolist()), tuple(self.doc_ids.tolist()), self.sizes)


@dataclass
class PartSummary:
    """What a partition sends back after the first pass."""

    documents: list[DocumentInfo]
    chars: list[int]
    units: list[int]
    tokens: list[int]
    units_csv: bytes
    tokens_csv: bytes
    dropped: dict[str, int]
    samples: dict[str, tuple[str, ...]]
    vocab: Strings
    counts: np.ndarray
    doc_freq: np.ndarray
    window_terms: Strings
    window_freq: np.ndarray
    n_windows: int
    mentions: pd.DataFrame
    kwic: dict[str, list]
    n_topic_units: int
    n_fit_docs: int         # documents with content terms, encoded to fit whole (0 with fit_on = "paragraphs")
    content_docs: int       # documents with at least one content term (what the topic stage counts)
    segmented: int


@dataclass
class PartOutput:
    state: PartState
    summary: PartSummary


# -- pass 1: one partition ---------------------------------------------------------------------------------------

def prepare_part(documents: list[Document], shared: Shared, first: int) -> PartOutput:
    """Clean, segment and count one partition (see the module docs, step 1)."""
    import scipy.sparse as sp

    from .io.write import tokens_csv, units_csv
    from .kwic import kwic_rows
    from .network import windows
    from .preparation import Prepared, clean_part, segment_corpus, token_totals
    from .topics.documents import document_terms
    from .topics.processes import encode_docs
    from .trends import mention_table

    config = shared.config
    units, dropped, samples = clean_part(documents, config.clean)
    units = tuple(units)
    tokens, info = segment_corpus(units, shared.segmenter, config, cache=None)
    totals = token_totals(documents, tokens)
    unit_counts = Counter(unit.doc_id for unit in tokens)
    part = Prepared(config, Corpus(tuple(documents)), units, tokens, totals, frozenset(), shared.segmenter.lexicon,
                    shared.term_filter, shared.stopwords_sha256, shared.stopword_count, shared.theme_set)
    content, dtm = part.content_terms, part.doc_dtm
    # co-occurrence windows as an incidence matrix over the partition's own terms
    sets = windows(part, config.network.window)
    window_index: dict[str, int] = {}
    rows, cols = [], []
    for w, terms in enumerate(sets):
        for term in terms:
            rows.append(w)
            cols.append(window_index.setdefault(term, len(window_index)))
    incidence = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                              shape=(len(sets), len(window_index)))
    window_freq = np.asarray(incidence.sum(axis=0)).ravel().astype(np.int64)
    # paragraphs for the topic model (as the topic stage chooses them), and whole documents when it may fit them
    chosen = [i for i, terms in enumerate(content) if len(terms) >= shared.topic_min_tokens]
    vocab, flat, offsets = encode_docs([content[i] for i in chosen])
    fit_docs = None
    if config.topics.fit_on != "paragraphs":
        whole, whole_ids = document_terms(content, [t.doc_id for t in tokens])
        doc_vocab, doc_flat, doc_offsets = encode_docs(whole)
        fit_docs = (Strings(doc_vocab), doc_flat, doc_offsets, Strings(whole_ids))
    matrix = dtm.matrix.tocsr()
    state = PartState(
        first, Strings(dtm.row_ids), sp.csr_matrix((matrix.data.astype(np.int32), matrix.indices.astype(np.int32),
                                                    matrix.indptr.astype(np.int32)), shape=matrix.shape),
        Strings(dtm.vocab), np.asarray(dtm.sizes(), dtype=np.int64), Strings(window_index), incidence,
        Strings(vocab), flat, offsets, Strings(tokens[i].unit_id for i in chosen),
        Strings(tokens[i].doc_id for i in chosen),
        np.array([(units[i].start, units[i].end) for i in chosen], dtype=np.int64).reshape(len(chosen), 2),
        Strings(units[i].text for i in chosen), fit_docs, Strings(t.unit_id for t in tokens),
        Strings(t.doc_id for t in tokens), np.array([len(t.terms) for t in tokens], dtype=np.int32))
    metas: dict[tuple, dict] = {}
    summary = PartSummary(
        documents=[_light(d, metas, keep_source=i == 0) for i, d in enumerate(documents)],
        chars=[len(d.text) for d in documents], units=[unit_counts[d.id] for d in documents],
        tokens=[totals[d.id] for d in documents],
        units_csv=units_csv(units, {d.id: d for d in documents}, header=False),
        tokens_csv=tokens_csv(tokens, header=False),
        dropped=dict(dropped), samples=dict(samples), vocab=Strings(dtm.vocab), counts=dtm.term_counts(),
        doc_freq=dtm.doc_freqs(), window_terms=Strings(window_index), window_freq=window_freq, n_windows=len(sets),
        mentions=mention_table(units, tokens, shared.theme_set, match=config.trends.match),
        kwic=kwic_rows(part, shared.kwic_queries, width=config.kwic.width, first_document=first),
        n_topic_units=len(chosen), n_fit_docs=len(fit_docs[3]) if fit_docs is not None else 0,
        content_docs=int((np.diff(matrix.indptr) > 0).sum()),
        segmented=info["stats"]["segmented_texts"])
    return PartOutput(state, summary)


def _light(doc: Document, metas: dict[tuple, dict], *, keep_source: bool) -> DocumentInfo:
    """The document without its text: documents with the same metadata share one dict of it (a table repeats its
    categories), and the source is kept only where it names a file of its own (a table's rows all name the table;
    ``manifest.json`` hashes each file once)."""
    items = tuple(doc.meta.items())
    meta = metas.setdefault(items, dict(items))
    source = doc.source if keep_source or "#" not in doc.source else ""
    return DocumentInfo(doc.id, doc.date, meta, source, "", doc.page_starts)


def _state(output: PartOutput) -> PartState:
    return output.state


def _summary(output: PartOutput) -> PartSummary:
    return output.summary


# -- pass 2: scores against the corpus, group counts, co-occurrences, topic paragraphs ---------------------------

@dataclass(frozen=True)
class Request:
    """What a partition is asked for in the second pass (its columns of the corpus's counts included)."""

    doc_freq: np.ndarray
    totals: np.ndarray
    n_docs: int
    n_tokens: float
    keyness: bool
    target_rows: list[int]
    reference_rows: list[int]
    nodes: list[str]
    single_docs: frozenset[str]           # documents alone in their period: send their paragraphs' sizes
    periods: list[tuple[int, list[int]]]  # keyword periods: (period, its documents here): send their sums
    fit_on: str                           # what the topic model is fitted on: "paragraphs" or "documents"
    topic_rows: list[int] | None          # which of its rows to fit to send (None: all)
    keywords: bool                        # score keywords
    keyword_frame: bool                   # send the keywords table too (the word clouds are drawn from it)


@dataclass
class Answer:
    keywords_csv: bytes
    keyness_csv: bytes
    keywords: pd.DataFrame | None
    target: np.ndarray
    reference: np.ndarray
    target_tokens: int
    reference_tokens: int
    cooccurrence: np.ndarray
    topic_docs: tuple[list[str], np.ndarray, np.ndarray]     # the rows to fit, encoded (vocabulary, ids, offsets)
    topic_ids: list[str]
    topic_groups: list[str]
    paragraphs: tuple | None      # fitting every document: the topic paragraphs too (encoded, ids, documents)
    unit_sizes: tuple[list[str], list[str], list[int]]
    period_sums: list[tuple[int, np.ndarray, np.ndarray]]    # (period, counts, documents holding each term)


def answer_part(state: PartState, request: Request, config: Config) -> Answer:
    from .io.write import csv_rows
    from .keyness import keyness_each_vs_rest
    from .keywords import TermStats, top_keywords

    stats = TermStats(request.doc_freq, request.totals, request.n_docs, request.n_tokens)
    dtm = state.dtm
    cfg = config.keywords
    keywords = None
    if request.keywords:
        keywords = top_keywords(dtm, top_n=cfg.top_n, method=cfg.method, min_ratio=cfg.min_ratio, stats=stats)
    keyness_csv = b""
    if request.keyness and dtm.vocab:
        keyness = keyness_each_vs_rest(dtm, top_n=config.keyness.top_n, min_count=config.keyness.min_count,
                                       stats=stats)
        keyness_csv = csv_rows(keyness)
    matrix = dtm.matrix.tocsr()
    sizes = dtm.sizes()
    target = np.asarray(matrix[request.target_rows].sum(axis=0)).ravel().astype(np.int64)
    reference = np.asarray(matrix[request.reference_rows].sum(axis=0)).ravel().astype(np.int64)
    # co-occurrences of the nodes, from the windows of this partition
    index = {t: i for i, t in enumerate(state.window_terms.tolist())}
    present = [(k, index[t]) for k, t in enumerate(request.nodes) if t in index]
    co = np.zeros((len(request.nodes), len(request.nodes)), dtype=np.int64)
    if present:
        node_positions, columns = map(list, zip(*present))
        sub = state.windows[:, columns].astype(np.int64)
        co[np.ix_(node_positions, node_positions)] = (sub.T @ sub).toarray()
    paragraphs = None
    if request.fit_on == "documents":
        doc_vocab, doc_flat, doc_offsets, doc_ids = state.fit_docs
        docs = _encoded_rows(doc_vocab, doc_flat, doc_offsets, request.topic_rows)
        topic_ids = topic_groups = doc_ids.tolist()
        if request.topic_rows is None:
            paragraphs = (_topic_docs(state, None), state.topic_ids.tolist(), state.topic_groups.tolist())
    else:
        docs = _topic_docs(state, request.topic_rows)
        topic_ids, topic_groups = state.topic_ids.tolist(), state.topic_groups.tolist()
    rows = range(len(topic_ids)) if request.topic_rows is None else request.topic_rows
    period_sums = []
    for period, members in request.periods:
        rows_of = matrix[members]
        period_sums.append((period, np.asarray(rows_of.sum(axis=0)).ravel().astype(np.int64),
                            np.asarray((rows_of > 0).sum(axis=0)).ravel().astype(np.int64)))
    single = [i for i, d in enumerate(state.unit_docs.tolist()) if d in request.single_docs] \
        if request.single_docs else []
    unit_ids, unit_docs = (state.unit_ids.tolist(), state.unit_docs.tolist()) if single else ([], [])
    return Answer(csv_rows(keywords) if keywords is not None else b"", keyness_csv,
                  keywords if request.keyword_frame else None, target, reference,
                  int(sizes[request.target_rows].sum()), int(sizes[request.reference_rows].sum()), co, docs,
                  [topic_ids[i] for i in rows], [topic_groups[i] for i in rows], paragraphs,
                  ([unit_ids[i] for i in single], [unit_docs[i] for i in single],
                   [int(state.unit_tokens[i]) for i in single]), period_sums)


def _topic_docs(state: PartState, rows: list[int] | None):
    """Encoded content terms of some (or all) of the partition's topic paragraphs."""
    return _encoded_rows(state.topic_vocab, state.topic_flat, state.topic_offsets, rows)


def _encoded_rows(vocab: Strings, flat: np.ndarray, offsets: np.ndarray, rows: list[int] | None):
    """``(vocabulary, ids, offsets)`` of some (or all, ``rows`` None) of the encoded rows ``flat``/``offsets``."""
    if rows is None:
        return vocab.tolist(), flat, offsets
    pieces = [flat[offsets[i]:offsets[i + 1]] for i in rows]
    lengths = np.array([len(p) for p in pieces], dtype=np.int64)
    new_offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    picked = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)
    return vocab.tolist(), picked, new_offsets


# -- pass 3: topic mixtures and examples -------------------------------------------------------------------------

def infer_topics(vocab: Sequence[str], flat: np.ndarray, offsets: np.ndarray, model_vocab: Sequence[str],
                 topic_term: np.ndarray, iterations: int = INFER_ITERATIONS) -> np.ndarray:
    """Topic mixtures of paragraphs (encoded term ids over ``vocab``) with the topics ``topic_term`` (over
    ``model_vocab``) held fixed: EM from a uniform mixture, ``iterations`` steps, terms outside the model left
    out (a paragraph with none keeps the uniform mixture). Deterministic: no sampling, no seed."""
    import scipy.sparse as sp

    k = topic_term.shape[0]
    n = len(offsets) - 1
    index = {t: i for i, t in enumerate(model_vocab)}
    mapped = np.array([index.get(t, -1) for t in vocab], dtype=np.int64)
    columns = mapped[flat] if len(flat) else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(n), np.diff(offsets))
    known = columns >= 0
    counts = sp.csr_matrix((np.ones(int(known.sum())), (rows[known], columns[known])), shape=(n, len(model_vocab)))
    counts.sum_duplicates()
    phi = np.maximum(topic_term, 1e-12).T                  # V × k
    entry_rows = np.repeat(np.arange(n), np.diff(counts.indptr))
    phi_entries = phi[counts.indices]                      # nnz × k
    theta = np.full((n, k), 1.0 / k)
    for _ in range(iterations):
        mix = np.einsum("ij,ij->i", theta[entry_rows], phi_entries)
        ratio = counts.data / mix
        weighted = sp.csr_matrix((ratio, counts.indices, counts.indptr), shape=counts.shape) @ phi
        theta = theta * weighted
        sums = theta.sum(axis=1, keepdims=True)
        theta = np.where(sums > 0, theta / np.where(sums > 0, sums, 1), 1.0 / k)
    return theta


def part_examples(state: PartState, ids: set[str]) -> list[UnitInfo]:
    """The paragraphs among ``ids`` that this partition holds, as topic examples show them."""
    return [UnitInfo(unit_id, state.topic_groups[i], int(state.topic_spans[i, 0]), int(state.topic_spans[i, 1]),
                     state.topic_texts[i]) for i, unit_id in enumerate(state.topic_ids.tolist()) if unit_id in ids]


# -- running tasks here or on a cluster ---------------------------------------------------------------------------

class Runner:
    """Tasks on a Dask client, or here, one after another, when ``client`` is None (same results)."""

    def __init__(self, client) -> None:
        self.client = client

    @property
    def workers(self) -> int:
        if self.client is None:
            return 1
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def share(self, value):
        return value if self.client is None else self.client.scatter(value, broadcast=True)

    def submit(self, function: Callable, *args):
        if self.client is None:
            return function(*args)
        return self.client.submit(function, *args, pure=False)

    def put(self, value):
        """``value`` on a worker (a list is sent as one object, not item by item)."""
        return value if self.client is None else self.client.scatter([value])[0]

    def result(self, handle):
        return handle if self.client is None else handle.result()

    def results(self, handles: list) -> list:
        return list(handles) if self.client is None else self.client.gather(handles)

    def release(self, handle) -> None:
        if self.client is not None:
            handle.release()


# -- the run ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PartitionedCorpus:
    """What the writer and ``manifest.json`` read of a prepared corpus, for a corpus never held whole: the
    documents without their text, unit and token counts, and how the text was prepared."""

    config: Config
    corpus: Corpus
    units: range
    token_totals: dict[str, int]
    stubs: frozenset[str]
    lexicon: Any
    term_filter: Any
    stopwords_sha256: str
    stopword_count: int
    theme_set: Any
    dropped: dict[str, int] = field(default_factory=dict)
    dropped_samples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    segment_info: dict[str, Any] = field(default_factory=dict)
    analysis_key: str | None = None

    @property
    def themes(self) -> tuple[str, ...]:
        return self.theme_set.names


@dataclass
class PartitionedResult:
    """What :func:`run_partitioned` did: the corpus summary, the stages, their timings, the folder."""

    prepared: PartitionedCorpus
    stages: tuple[str, ...]
    timings: Any
    tables: dict[str, pd.DataFrame]
    files: dict[str, bytes]
    left_out: dict[str, str] = field(default_factory=dict)   # as RunResult.left_out


class DocumentChunks:
    """The corpus in chunks of ``[scale] partition_docs`` documents: a table read chunk by chunk, a folder read
    whole (its files are documents of any kind) and cut into chunks. After iterating, :attr:`inputs` lists the
    inputs read and skipped (``Corpus.inputs``)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.inputs: list = []

    def __iter__(self) -> Iterator[list[Document]]:
        from .io.read import TABLE_SUFFIXES
        from .preparation import load_corpus
        from .stream import table_chunks

        config = self.config
        path = config.resolve_path(config.corpus.path)
        size = config.scale.partition_docs
        if path.is_file() and path.suffix.lower() in TABLE_SUFFIXES:
            chunks = table_chunks(config, size)
            self.inputs = chunks.inputs
            yield from chunks
            return
        corpus = load_corpus(config)
        self.inputs = list(corpus.inputs)
        for start in range(0, len(corpus), size):
            yield list(corpus.documents[start:start + size])


def _fit_on(config: Config, content_docs: int) -> str:
    """What the topic model is fitted on, by the rule of a run in one process (``[topics] fit_on``; with a k
    range, its largest k decides)."""
    from .topics.documents import choose_fit_on
    from .topics.select import parse_k

    cfg = config.topics
    ks = parse_k(cfg.k_range, "[topics] k_range") if cfg.k_range else None
    return choose_fit_on(cfg.fit_on, content_docs, max(ks) if ks else cfg.k)


def topic_sample(n_units: int, size: int, seed: int) -> np.ndarray | None:
    """Positions (in corpus order) of the paragraphs the topic model is fitted on: None (every one) when there
    are at most ``size``, else ``size`` of them drawn without replacement with the run's seed, in order."""
    if n_units <= size:
        return None
    rng = np.random.default_rng([seed, 0x70C5])
    return np.sort(rng.choice(n_units, size=size, replace=False))


def run_partitioned(config: Config, stages: Sequence[str], writer, *, client=None, cache=None,
                    progress: bool = False, on_stage: Callable[[str, float], None] | None = None
                    ) -> PartitionedResult:
    """Run ``stages`` over partitions (see the module docs), writing every table into ``writer``
    (a :class:`textmine.io.write.RunWriter`), on ``client`` (Dask) or here when it is None."""
    from .filters import config_term_filter
    from .preparation import load_themes
    from .provenance import Timings
    from .segment import make_segmenter

    timings = Timings()
    runner = Runner(client)
    theme_set = load_themes(config)
    segmenter = make_segmenter(config)
    term_filter, stopwords_sha256, stopword_count = config_term_filter(config, segmenter.lexicon)
    local = config.replace(scale={"scheduler": "", "cache": False})
    queries = tuple(config.kwic.queries or theme_set.names) if "kwic" in stages else ()
    shared = runner.share(Shared(local, segmenter, term_filter, stopwords_sha256, stopword_count, theme_set,
                                 queries, config.topics.min_unit_tokens))
    out = writer.writer

    # pass 1 --------------------------------------------------------------------------------------------------
    from .io.write import DOCUMENT_COLUMNS, TOKEN_COLUMNS, UNIT_COLUMNS, csv_header

    started = time.perf_counter()
    states: list = []
    summaries: list[PartSummary] = []
    unit_parts: list[bytes] = []
    token_parts: list[bytes] = []
    pending: list = []
    in_flight = IN_FLIGHT_PER_WORKER * runner.workers
    first = 0

    def take_oldest() -> None:
        summary = runner.result(pending.pop(0))
        unit_parts.append(summary.units_csv)
        token_parts.append(summary.tokens_csv)
        summary.units_csv = summary.tokens_csv = b""
        summaries.append(summary)

    units_file = _parts_file(out, "units.csv", csv_header(UNIT_COLUMNS))
    tokens_file = _parts_file(out, "tokens.csv", csv_header(TOKEN_COLUMNS))
    chunks = DocumentChunks(config)
    with timings.stage("segment"):
        for documents in _bar(chunks, progress, "partitions"):
            output = runner.submit(prepare_part, runner.put(documents), shared, first)
            first += len(documents)
            states.append(runner.submit(_state, output))
            pending.append(runner.submit(_summary, output))
            runner.release(output)
            while len(pending) >= in_flight:
                take_oldest()
                units_file.add(unit_parts.pop())
                tokens_file.add(token_parts.pop())
        while pending:
            take_oldest()
            units_file.add(unit_parts.pop())
            tokens_file.add(token_parts.pop())
        units_file.close()
        tokens_file.close()
    if not first:
        raise StageError("the corpus has no documents")
    if on_stage:
        on_stage("segment", time.perf_counter() - started)

    # reduce ---------------------------------------------------------------------------------------------------
    from .keys import segmentation_fingerprint
    from .preparation import find_stubs

    documents = [d for s in summaries for d in s.documents]
    corpus = Corpus(tuple(documents), config.resolve_path(config.corpus.path).stem, tuple(chunks.inputs))
    empty = [d.id for s in summaries for d, n in zip(s.documents, s.units) if not n]
    for doc_id in empty[:20]:
        log.warning("document %s has no text left after cleaning; it counts as empty", doc_id)
    if len(empty) > 20:
        log.warning("… and %d more documents with no text left after cleaning (documents.csv lists them)",
                    len(empty) - 20)
    token_totals = {d.id: n for s in summaries for d, n in zip(s.documents, s.tokens)}
    n_units = sum(sum(s.units) for s in summaries)
    if not n_units:
        raise StageError("no text is left after cleaning; check the corpus and [clean] settings")
    stubs = find_stubs(token_totals, config.trends.stub_share)
    dropped: Counter[str] = Counter()
    for s in summaries:
        dropped.update(s.dropped)
    from .units import merge_samples

    samples = merge_samples(s.samples for s in summaries)
    vocab = sorted(set().union(*(s.vocab.tolist() for s in summaries)))
    vocab_array = np.array(vocab, dtype=str) if vocab else np.zeros(0, dtype=str)
    # each partition's terms as columns of the corpus vocabulary, found once for every sum below
    ranks = [np.searchsorted(vocab_array, s.vocab.tolist()) if len(s.vocab) else np.zeros(0, dtype=np.int64)
             for s in summaries]
    counts = np.zeros(len(vocab), dtype=np.int64)
    doc_freq = np.zeros(len(vocab), dtype=np.int64)
    for s, rank in zip(summaries, ranks):
        np.add.at(counts, rank, s.counts)
        np.add.at(doc_freq, rank, s.doc_freq)
    n_docs = len(documents)
    sizes = np.array(list(token_totals.values()), dtype=float)
    n_tokens = float(sizes.sum())
    _write_documents(out, summaries, stubs, DOCUMENT_COLUMNS)
    writer.text_tables_written(partial(_documents_frame, summaries, stubs))
    prepared = PartitionedCorpus(
        config, corpus, range(n_units), token_totals, stubs, segmenter.lexicon, term_filter, stopwords_sha256,
        stopword_count, theme_set, dict(sorted(dropped.items())), samples,
        {"backend": segmenter.name, "versions": segmentation_fingerprint(segmenter, config.clean.fold_traditional)[
            "versions"], "scheduler": config.scale.scheduler or "none", "cache": None,
         "partitions": len(summaries),
         "stats": {"segmented_texts": sum(s.segmented for s in summaries), "partitions": len(summaries)}})

    # pass 2 ---------------------------------------------------------------------------------------------------
    from .pipeline import KEYNESS_TOO_LITTLE, keyness_groups, leave_out

    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, bytes] = {}
    keyness_on = "keyness" in stages and n_docs >= 2
    left_out: dict[str, str] = {}
    if "keyness" in stages and n_docs < 2:   # as in one process (textmine.pipeline.keyness_stage)
        leave_out(left_out, "keyness", TooLittleText(KEYNESS_TOO_LITTLE), stages)
    any_reference = bool((sizes.sum() - sizes > 0).any())
    target_ids: set[str] = set()
    reference_ids: set[str] = set()
    if keyness_on:
        target, reference, target_expr, reference_expr = keyness_groups(corpus, config.keyness)
        target_ids, reference_ids = set(target), set(reference)
    window_freq: Counter[str] = Counter()
    n_windows = 0
    for s in summaries:
        window_freq.update(dict(zip(s.window_terms.tolist(), s.window_freq.tolist())))
        n_windows += s.n_windows
    from .network import top_terms

    nodes = top_terms(window_freq, config.network.top_nodes) if "network" in stages else []
    fit_on = _fit_on(config, sum(s.content_docs for s in summaries)) if "topics" in stages else "paragraphs"
    fit_rows = [s.n_fit_docs if fit_on == "documents" else s.n_topic_units for s in summaries]
    sample = topic_sample(sum(fit_rows), config.scale.topic_sample, config.seed) if "topics" in stages else None
    small = n_docs <= config.output.max_doc_images
    from .trends import single_documents

    single = frozenset(single_documents(corpus, config.trends.by, stubs)) if "trends" in stages else frozenset()
    from .keywords import keyword_periods, keyword_timeline

    keyword_groups = keyword_periods(corpus, config.trends.by, stubs=stubs) if "keywords" in stages else []
    period_of = {doc_id: p for p, (_, ids) in enumerate(keyword_groups) for doc_id in ids}
    requests = []
    position = 0
    for s, rank, n_rows in zip(summaries, ranks, fit_rows):
        ids = [d.id for d in s.documents]
        if "topics" not in stages:
            topic_rows: list[int] | None = []
        elif sample is None:
            topic_rows = None
        else:
            low, high = np.searchsorted(sample, [position, position + n_rows])
            topic_rows = (sample[low:high] - position).tolist()
        position += n_rows
        members: dict[int, list[int]] = {}
        for row, doc_id in enumerate(ids):
            if doc_id in period_of:
                members.setdefault(period_of[doc_id], []).append(row)
        requests.append(Request(doc_freq[rank], counts[rank], n_docs, n_tokens, keyness_on and any_reference,
                                [i for i, d in enumerate(ids) if d in target_ids],
                                [i for i, d in enumerate(ids) if d in reference_ids], nodes, single,
                                sorted(members.items()), fit_on, topic_rows,
                                "keywords" in stages, small and "keywords" in stages))
    started = time.perf_counter()
    asked = {"keywords", "keyness", "network", "topics", "trends"} & set(stages)
    answers_handles = [runner.submit(answer_part, state, request, local)
                       for state, request in zip(states, requests)] if asked else []
    answers: list[Answer] = []
    keyword_parts = _parts_file(out, "keywords.csv", csv_header(["doc_id", "term", "score", "rank"])) \
        if "keywords" in stages else None
    keyness_parts = None
    for handle in answers_handles:
        answer = runner.result(handle)
        runner.release(handle)
        if keyword_parts is not None:
            keyword_parts.add(answer.keywords_csv)
        if keyness_on and any_reference:
            if keyness_parts is None:
                keyness_parts = _parts_file(out, "keyness.csv", csv_header(KEYNESS_COLUMNS))
            keyness_parts.add(answer.keyness_csv)
        answer.keywords_csv = answer.keyness_csv = b""
        answers.append(answer)
    if keyword_parts is not None:
        keyword_parts.close()
    if keyness_parts is not None:
        keyness_parts.close()
    if keyness_on and not any_reference:
        out.write_table("keyness.csv", pd.DataFrame())
    from .dtm import vocab_frame

    if "keywords" in stages:
        tables["vocab"] = vocab_frame(tuple(vocab), counts, doc_freq)
        timeline = keyword_timeline(corpus, config.trends.by, [label for label, _ in keyword_groups], stubs=stubs)
        tables["period_keywords"] = _period_keywords(config, keyword_groups, ranks, answers, vocab_array,
                                                     token_totals, timeline)
        if small:
            frames = [a.keywords for a in answers if a.keywords is not None and len(a.keywords)]
            tables["keywords"] = pd.concat(frames, ignore_index=True) if frames else \
                pd.DataFrame(columns=["doc_id", "term", "score", "rank"])
    if keyness_on:
        from .keyness import compare_counts

        target_sum = np.zeros(len(vocab), dtype=np.int64)
        reference_sum = np.zeros(len(vocab), dtype=np.int64)
        target_tokens = reference_tokens = 0
        for rank, a in zip(ranks, answers):
            np.add.at(target_sum, rank, a.target)
            np.add.at(reference_sum, rank, a.reference)
            target_tokens += a.target_tokens
            reference_tokens += a.reference_tokens
        table = compare_counts(tuple(vocab), target_sum, reference_sum, target_tokens, reference_tokens,
                               min_count=config.keyness.min_count, top_n=config.keyness.top_n)
        table.insert(0, "reference", reference_expr)
        table.insert(0, "target", target_expr)
        tables["keyness_compare"] = table
    if "network" in stages:
        from .network import association_from_counts, network_tables

        co = sum((a.cooccurrence for a in answers), np.zeros((len(nodes), len(nodes)), dtype=np.int64))
        pairs = association_from_counts(window_freq, nodes, co, n_windows,
                                        min_cooccurrence=config.network.min_cooccurrence)
        edges, node_table = network_tables(pairs, config.network, seed=config.seed)
        tables["cooccurrence"], tables["cooccurrence_nodes"] = edges, node_table
    for stage in ("keywords", "keyness", "network"):
        if stage in stages:
            timings.seconds[stage] = time.perf_counter() - started
    if on_stage:
        on_stage("keywords", time.perf_counter() - started)

    # trends and kwic ----------------------------------------------------------------------------------------------
    if "trends" in stages:
        with timings.stage("trends"):
            from .figures import MAX_DOCUMENT_ROWS   # trends.png is drawn from trends.csv up to this many documents

            tables.update(_trends(out, config, theme_set, corpus, summaries, answers, token_totals, stubs,
                                  n_docs <= MAX_DOCUMENT_ROWS))
    if "kwic" in stages:
        with timings.stage("kwic"):
            from .kwic import KWIC_COLUMNS

            rows: dict[str, list] = {}
            for s in summaries:
                for query, found in s.kwic.items():
                    rows.setdefault(query, []).extend(found)
            tables["kwic"] = pd.DataFrame([row for found in rows.values()
                                           for *_, row in sorted(found, key=lambda f: f[:3])], columns=KWIC_COLUMNS)

    # topics --------------------------------------------------------------------------------------------------------
    if "topics" in stages:
        with timings.stage("topics"):
            try:
                topic_tables, html = _topics(out, runner, config, states, answers, sample, corpus, cache, progress,
                                             sum(s.content_docs for s in summaries), fit_on)
            except TooLittleText as exc:
                leave_out(left_out, "topics", exc, stages)
            else:
                tables.update(topic_tables)
                files["topic_map.html"] = html.encode("utf-8")
    for handle in states:
        runner.release(handle)
    result = PartitionedResult(prepared, tuple(stages), timings, tables, files, dict(sorted(left_out.items())))
    writer.write(prepared, tables, files, written={"keywords", "trends", "doc_topics"})
    return result


def _period_keywords(config: Config, groups, ranks, answers, vocab_array: np.ndarray, token_totals, timeline):
    """``period_keywords.csv`` from each period's sums over the partitions (the same sums as in one process)."""
    import scipy.sparse as sp

    from .keywords import PERIOD_KEYWORD_COLUMNS, period_keyword_table

    if not groups or not len(vocab_array):
        return pd.DataFrame(columns=PERIOD_KEYWORD_COLUMNS)
    counts = np.zeros((len(groups), len(vocab_array)), dtype=np.int64)
    present = np.zeros((len(groups), len(vocab_array)), dtype=np.int64)
    for rank, a in zip(ranks, answers):
        for period, total, holding in a.period_sums:
            counts[period, rank] += total
            present[period, rank] += holding
    vocab = tuple(vocab_array.tolist())
    labels = tuple(label for label, _ in groups)
    tokens = np.array([sum(token_totals[d] for d in ids) for _, ids in groups], dtype=np.int64)
    cfg = config.keywords
    return period_keyword_table(Dtm(sp.csr_matrix(counts), vocab, labels, tokens),
                                Dtm(sp.csr_matrix(present), vocab, labels), [len(ids) for _, ids in groups],
                                top_n=cfg.top_n, min_ratio=cfg.min_ratio, timeline=timeline)


def _bar(items, progress: bool, unit: str):
    from .parallel import bar

    return bar(items, "partitions", unit, progress)


def _parts_file(out, name: str, header: bytes):
    """The staging folder's file ``name`` (:meth:`textmine.io.write.OutputWriter.open_parts`), ``header`` first."""
    file = out.open_parts(name)
    file.add(header)
    return file


def _document_rows(summary: PartSummary, stubs) -> list[tuple]:
    """The rows of ``documents.csv`` of a partition (as :func:`textmine.io.write._document_rows` makes them)."""
    return [(d.id, str(d.date) if d.date else "", d.meta.get("title", ""), d.meta.get("publisher", ""), chars, units,
             tokens, d.id in stubs)
            for d, chars, units, tokens in zip(summary.documents, summary.chars, summary.units, summary.tokens)]


def _write_documents(out, summaries: list[PartSummary], stubs, columns: list[str]) -> None:
    from .io.write import csv_header, documents_csv

    out.write_parts("documents.csv", (csv_header(columns),
                                      *(documents_csv(_document_rows(s, stubs), header=False) for s in summaries)))


def _documents_frame(summaries: list[PartSummary], stubs) -> pd.DataFrame:
    from .io.write import _documents_frame as frame

    return frame([row for s in summaries for row in _document_rows(s, stubs)])


def _trends(out, config: Config, theme_set, corpus: Corpus, summaries, answers, token_totals, stubs, small: bool):
    """trends_period and trend_changes (returned) and trends.csv (written theme by theme, returned when ``small``:
    a chart is drawn from it)."""
    from .io.write import csv_header, csv_rows
    from .themes import ThemeSet
    from .trends import (
        DOCUMENT_COLUMNS,
        MENTION_COLUMNS,
        document_trends,
        period_trends,
        timeline,
        trend_changes,
    )

    cfg = config.trends
    frames = [s.mentions for s in summaries if len(s.mentions)]
    every = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=MENTION_COLUMNS)
    by_theme = {name: every[every["theme"] == name] for name in theme_set.names}
    mentions = pd.concat([by_theme[name] for name in theme_set.names], ignore_index=True) if len(every) else every
    sizes = pd.DataFrame({"unit_id": [u for a in answers for u in a.unit_sizes[0]],
                          "doc_id": [d for a in answers for d in a.unit_sizes[1]],
                          "tokens": np.array([n for a in answers for n in a.unit_sizes[2]], dtype=np.int64)})
    periods = period_trends(mentions, sizes, theme_set, corpus, by=cfg.by, seed=config.seed,
                            resamples=cfg.bootstrap, confidence=cfg.confidence, stubs=stubs, doc_tokens=token_totals)
    tables = {"trends_period": periods,
              "trend_changes": trend_changes(periods, timeline(corpus, cfg.by, stubs))}
    parts = []

    def rows():
        yield csv_header(DOCUMENT_COLUMNS)
        for theme in theme_set.themes:
            one = ThemeSet((theme,), theme_set.sha256, theme_set.source)
            frame = document_trends(mentions, one, corpus, token_totals, stubs)   # the rows of this theme
            if small:
                parts.append(frame)
            yield csv_rows(frame)

    out.write_parts("trends.csv", rows())
    if small:
        tables["trends"] = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=DOCUMENT_COLUMNS)
    return tables


def _topics(out, runner: Runner, config: Config, states, answers: list[Answer], sample, corpus: Corpus, cache,
            progress: bool, content_docs: int, fit_on: str):
    """Fit the topic model on paragraphs or whole documents (``fit_on``, as in one process), on a sample when
    there are more rows than ``[scale] topic_sample``, and write its tables; returns the small tables and the
    topic map page."""
    from .io.write import csv_header
    from .topics.analysis import FitRows, fit_consensus, select_k, unit_view
    from .topics.evidence import (
        examples_table,
        fit_table,
        relevance_table,
        summary_table,
        term_marginal,
        topic_labels,
    )
    from .topics.model import TopicModel, check_enough_text, topic_terms_table
    from .topics.processes import decode_docs
    from .topics.select import parse_k
    from .topics.topicmap import topic_map_html

    cfg = config.topics
    seed = config.seed
    docs: list[list[str]] = []
    ids: list[str] = []
    groups: list[str] = []
    for answer in answers:
        docs += decode_docs(*answer.topic_docs)
        ids += answer.topic_ids
        groups += answer.topic_groups
        answer.topic_docs = ([], np.zeros(0), np.zeros(1))
    ks = parse_k(cfg.k_range, "[topics] k_range") if cfg.k_range else None
    k_table = None
    k = cfg.k
    check_enough_text(docs, max(ks) if ks else k, engine=cfg.engine, min_count=cfg.min_term_count)
    if ks and len(ks) > 1:
        k_table = select_k(docs, ids, ks, cfg, seed, progress=progress, cache=cache)
        k = int(k_table.loc[k_table["proposed"], "k"].iloc[0])
    elif ks:
        k = ks[0]
    if fit_on == "documents" and sample is None:   # the paragraphs get weights from the fit, as in one process
        paragraphs = [p for p in (answer.paragraphs for answer in answers) if p is not None]
        fitted = FitRows("documents", docs, ids, ids, [d for p in paragraphs for d in decode_docs(*p[0])],
                         [u for p in paragraphs for u in p[1]], [g for p in paragraphs for g in p[2]], content_docs)
        for answer in answers:
            answer.paragraphs = None
    else:
        fitted = FitRows(fit_on, docs, ids, groups, docs, ids, groups, content_docs)
    runs, model, stability = fit_consensus(docs, ids, cfg, k=k, seed=seed, progress=progress, cache=cache)
    unstable = [bool(s < cfg.stability_threshold) for s in np.nan_to_num(stability, nan=1.0)]
    marginal = term_marginal(model, docs)
    flag = {t + 1: unstable[t] for t in range(model.k)}
    spread = model.params.get("spread_terms")
    spread_frame = None
    if spread is not None:
        from .topics.spread import spread_table

        spread_frame = spread_table(docs, spread)
    topics = topic_terms_table(model, cfg.top_n)
    topics["unstable"] = topics["topic"].map(flag)
    if sample is None:   # every row was fitted: the tables come from the fit, as in one process
        if fit_on == "documents":
            units_model = unit_view(model, fitted, cfg)
            pieces = [_topic_pieces(units_model.doc_topic, fitted.unit_ids, fitted.unit_groups,
                                    [len(d) for d in fitted.unit_docs], flag, cfg.examples,
                                    documents=(list(model.row_ids), model.doc_topic, [len(d) for d in docs]))]
            fitted = replace(fitted, unit_docs=[], unit_ids=[], unit_groups=[])
        else:
            pieces = [_topic_pieces(model.doc_topic, list(model.row_ids), groups, [len(d) for d in docs], flag,
                                    cfg.examples)]
        infos = list(runner.results([runner.submit(part_examples, state, set(pieces[0].candidates))
                                     for state in states]))
    else:                # inferred in each partition with the fitted topics held fixed
        handles = [runner.submit(part_topics, state, model.vocab, model.topic_term, flag, cfg.examples, fit_on,
                                 cfg.alpha) for state in states]
        pieces, infos = [], []
        for handle in handles:
            piece, info = runner.result(handle)
            runner.release(handle)
            pieces.append(piece)
            infos.append(info)
    del docs
    out.write_parts("unit_topics.csv", (csv_header(UNIT_TOPIC_COLUMNS), *(p.unit_rows() for p in pieces)))
    doc_topics = pd.concat([p.doc_topics() for p in pieces], ignore_index=True)
    doc_topics["unstable"] = doc_topics["topic"].map(flag)
    _write_frame(out, "doc_topics.csv", doc_topics)
    weighted = sum((p.weighted for p in pieces), np.zeros(model.k)) if len(pieces) > 1 else pieces[0].weighted
    prevalences = weighted / weighted.sum() if weighted.sum() else np.full(model.k, 1.0 / model.k)
    labels = topic_labels(model, marginal, lam=cfg.relevance_lambda, prevalences=prevalences)
    found = {info.id: info for part in infos for info in part}
    rows = [(unit_id, row, length) for p in pieces for unit_id, (row, length) in p.candidates.items()]
    candidates = TopicModel(model.engine, model.k, model.seed, model.vocab, model.topic_term,
                            np.array([row for _, row, _ in rows]).reshape(len(rows), model.k),
                            tuple(unit_id for unit_id, _, _ in rows), model.params)
    tables = {
        "topics": topics, "doc_topics": doc_topics,
        "topic_summary": summary_table(model, labels, prevalences, stability, unstable),
        "topic_relevance": relevance_table(model, marginal, lam=cfg.relevance_lambda, top_n=cfg.top_n,
                                           unstable=unstable),
        "topic_examples": examples_table(candidates, found, [length for _, _, length in rows], top_n=cfg.examples,
                                         unstable=unstable),
        "topic_dates": _topic_dates(runner, states, model, pieces, sample, doc_topics, corpus, labels, unstable,
                                    seed, fit_on, cfg.alpha),
        "topic_fit": fit_table(model, fitted, runs, stability, unstable, prevalences, cfg,
                               k_chosen=k_table is not None),
    }
    if k_table is not None:
        tables["topic_k_selection"] = k_table
    if spread_frame is not None:
        tables["topic_spread_terms"] = spread_frame
    html = topic_map_html(model, tables, marginal=marginal, lam=cfg.relevance_lambda,
                          title=f"{cfg.engine}, k = {model.k}, seed = {seed}", cache=cache)
    return tables, html


def _topic_dates(runner: Runner, states, model, pieces, sample, doc_topics: pd.DataFrame, corpus: Corpus, labels,
                 unstable, seed: int, fit_on: str, alpha: float) -> pd.DataFrame:
    """``topic_dates.csv`` (:func:`textmine.topics.evidence.prevalence_by_date`): a date with one document has its
    interval from that document's paragraphs, which are brought here for those documents only."""
    from .topics.evidence import prevalence_by_date

    dates = {d.id: d.date for d in corpus}
    per_date: dict[str, set[str]] = {}
    for doc_id in dict.fromkeys(doc_topics["doc_id"].tolist()):
        if dates.get(doc_id) is not None:
            per_date.setdefault(str(dates[doc_id]), set()).add(doc_id)
    alone = {next(iter(ids)) for ids in per_date.values() if len(ids) == 1}
    found: list[tuple[list[str], list[str], np.ndarray, list[int]]] = []
    if alone and sample is None:
        piece = pieces[0]
        keep = [i for i, g in enumerate(piece.groups) if g in alone]
        found.append(([piece.unit_ids[i] for i in keep], [piece.groups[i] for i in keep], piece.mixtures[keep],
                      [piece.lengths[i] for i in keep]))
    elif alone:
        found = runner.results([runner.submit(part_unit_mixtures, state, model.vocab, model.topic_term, alone,
                                              fit_on, alpha) for state in states])
    unit_topics, lengths = None, None
    if any(ids for ids, *_ in found):
        ids = [u for part in found for u in part[0]]
        groups = [g for part in found for g in part[1]]
        mixtures = np.vstack([part[2] for part in found if len(part[0])])
        k = mixtures.shape[1]
        unit_topics = pd.DataFrame({"unit_id": np.repeat(np.array(ids, dtype=object), k),
                                    "doc_id": np.repeat(np.array(groups, dtype=object), k),
                                    "topic": np.tile(np.arange(1, k + 1), len(ids)), "weight": mixtures.ravel()})
        lengths = [n for part in found for n in part[3]]
    return prevalence_by_date(doc_topics, corpus, labels, unstable, unit_topics=unit_topics, lengths=lengths, seed=seed)


def part_unit_mixtures(state: PartState, model_vocab, topic_term: np.ndarray, doc_ids: set[str], fit_on: str,
                       alpha: float):
    """The inferred mixtures of the paragraphs of ``doc_ids`` that this partition holds (each paragraph's mixture
    depends on its own terms and its document's only, so it is the one :func:`part_topics` gave)."""
    groups = state.topic_groups.tolist()
    keep = [i for i, g in enumerate(groups) if g in doc_ids]
    docs = _topic_docs(state, keep)
    if fit_on == "documents":
        mixtures = _paragraphs_of_documents(state, docs, [groups[i] for i in keep], model_vocab, topic_term, alpha,
                                            doc_ids)[0]
    else:
        mixtures = infer_topics(*docs, model_vocab, topic_term)
    return ([state.topic_ids[i] for i in keep], [groups[i] for i in keep], mixtures,
            np.diff(docs[2]).tolist())


def _paragraphs_of_documents(state: PartState, paragraphs, groups: list[str], model_vocab, topic_term: np.ndarray,
                             alpha: float, doc_ids: set[str] | None = None):
    """Fitted on documents: ``(paragraph mixtures, document ids, document mixtures, document lengths)`` of the
    partition's documents (those of ``doc_ids`` only, when given), each document's mixture inferred from its terms
    and each paragraph's by :func:`textmine.topics.documents.paragraph_mixtures`."""
    from .topics.documents import infer_mixtures, paragraph_mixtures
    from .topics.processes import decode_docs

    doc_vocab, doc_flat, doc_offsets, all_ids = state.fit_docs
    ids = all_ids.tolist()
    rows = None if doc_ids is None else [i for i, d in enumerate(ids) if d in doc_ids]
    whole = decode_docs(*_encoded_rows(doc_vocab, doc_flat, doc_offsets, rows))
    ids = ids if rows is None else [ids[i] for i in rows]
    doc_mixtures = infer_mixtures(whole, model_vocab, topic_term, alpha=alpha)
    documents = {d: (terms, mixture) for d, terms, mixture in zip(ids, whole, doc_mixtures)}
    mixtures = paragraph_mixtures(decode_docs(*paragraphs), groups, documents, model_vocab, topic_term, alpha=alpha)
    return mixtures, ids, doc_mixtures, [len(d) for d in whole]


UNIT_TOPIC_COLUMNS = ["unit_id", "doc_id", "topic", "weight", "unstable"]


@dataclass
class TopicPiece:
    """The topic mixtures of some paragraphs (in corpus order) and what the topic tables need of them."""

    unit_ids: list[str]
    groups: list[str]
    mixtures: np.ndarray                 # paragraphs × topics
    lengths: list[int]                   # content terms of each paragraph (its weight)
    doc_ids: list[str]                   # their documents, in order of first appearance
    doc_mixtures: np.ndarray             # documents × topics: the token-weighted mean of their paragraphs
    weighted: np.ndarray                 # Σ mixture × tokens, per topic (the prevalence's numerator)
    candidates: dict[str, tuple[np.ndarray, int]]   # the paragraphs most surely about each topic: id → (mixture,
                                                    # content terms)
    flag: dict[int, bool]
    rows: bytes | None = None            # unit_topics.csv rows, when made where the mixtures were

    def unit_rows(self) -> bytes:
        from .io.write import csv_rows

        if self.rows is not None:
            return self.rows
        k = self.mixtures.shape[1]
        frame = pd.DataFrame({"unit_id": np.repeat(np.array(self.unit_ids, dtype=object), k),
                              "doc_id": np.repeat(np.array(self.groups, dtype=object), k),
                              "topic": np.tile(np.arange(1, k + 1), len(self.unit_ids)),
                              "weight": self.mixtures.ravel()}, columns=UNIT_TOPIC_COLUMNS[:4])
        frame["unstable"] = frame["topic"].map(self.flag)
        return csv_rows(frame)

    def doc_topics(self) -> pd.DataFrame:
        k = self.doc_mixtures.shape[1]
        return pd.DataFrame({"doc_id": np.repeat(np.array(self.doc_ids, dtype=object), k),
                             "topic": np.tile(np.arange(1, k + 1), len(self.doc_ids)),
                             "weight": self.doc_mixtures.ravel()}, columns=["doc_id", "topic", "weight"])


def _topic_pieces(mixtures: np.ndarray, unit_ids: list[str], groups: list[str], lengths: list[int], flag: dict,
                  examples: int, documents: tuple[list[str], np.ndarray, list[int]] | None = None) -> TopicPiece:
    """A :class:`TopicPiece`; documents never straddle two pieces (a partition holds whole documents). Fitted on
    documents, ``documents`` gives their ids, mixtures and lengths (the document rows and the prevalence come from
    them); else a document's mixture is the token-weighted mean of its paragraphs'."""
    from .topics.evidence import example_order

    k = mixtures.shape[1]
    if documents is None:
        doc_ids, doc_mixtures = _group_mixtures(mixtures, groups, lengths, k)
        weighted = (mixtures * np.asarray(lengths, dtype=float)[:, None]).sum(axis=0)
    else:
        doc_ids, doc_mixtures, doc_lengths = documents
        weighted = (doc_mixtures * np.asarray(doc_lengths, dtype=float)[:, None]).sum(axis=0)
    ids = np.array(unit_ids, dtype=object)
    chosen: dict[str, tuple[np.ndarray, int]] = {}
    for t in range(k):    # the candidates of textmine.topics.evidence.examples_table
        for row in example_order(mixtures[:, t], lengths, ids, examples):
            chosen[unit_ids[row]] = mixtures[row], lengths[row]
    return TopicPiece(unit_ids, groups, mixtures, list(lengths), list(doc_ids), np.asarray(doc_mixtures), weighted,
                      chosen, flag)


def part_topics(state: PartState, model_vocab: Sequence[str], topic_term: np.ndarray, flag: dict,
                examples: int, fit_on: str = "paragraphs", alpha: float = 0.0) -> tuple[TopicPiece, list[UnitInfo]]:
    """The partition's paragraphs' topic mixtures, inferred (:func:`infer_topics`; fitted on documents, the
    documents' and paragraphs' by :func:`_paragraphs_of_documents`), their rows of ``unit_topics.csv`` made here
    (the piece comes back without its paragraphs), and the examples it offers."""
    paragraphs = _topic_docs(state, None)
    groups = state.topic_groups.tolist()
    documents = None
    if fit_on == "documents":
        mixtures, *documents = _paragraphs_of_documents(state, paragraphs, groups, model_vocab, topic_term, alpha)
    else:
        mixtures = infer_topics(*paragraphs, model_vocab, topic_term)
    piece = _topic_pieces(mixtures, state.topic_ids.tolist(), groups, np.diff(state.topic_offsets).tolist(), flag,
                          examples, documents=tuple(documents) if documents else None)
    piece.rows = piece.unit_rows()
    piece.unit_ids, piece.groups, piece.mixtures, piece.lengths = [], [], np.zeros((0, mixtures.shape[1])), []
    return piece, part_examples(state, set(piece.candidates))


def _group_mixtures(matrix: np.ndarray, groups: Sequence[str], weights: Sequence[float], k: int):
    """Documents (in order of first appearance) and their token-weighted mean mixtures: what
    :func:`textmine.topics.model.doc_topics_table` computes row by row, with the same additions in the same order."""
    labels = list(dict.fromkeys(groups))
    index = {g: i for i, g in enumerate(labels)}
    rows = np.array([index[g] for g in groups], dtype=np.int64)
    weights = np.asarray(weights, dtype=float)
    grouped = np.zeros((len(labels), k))
    totals = np.zeros(len(labels))
    np.add.at(grouped, rows, weights[:, None] * matrix)
    np.add.at(totals, rows, weights)
    return labels, grouped / np.where(totals > 0, totals, 1)[:, None]


def _write_frame(out, name: str, frame: pd.DataFrame, rows_per_part: int = 200_000) -> None:
    """A large table written part by part (the same bytes as in one go)."""
    from .io.write import csv_header, csv_rows

    out.write_parts(name, (csv_header(frame.columns), *(csv_rows(frame.iloc[start:start + rows_per_part])
                                                          for start in range(0, len(frame), rows_per_part))))


__all__ = ["run_partitioned", "prepare_part", "infer_topics", "topic_sample", "PartitionedCorpus"]
