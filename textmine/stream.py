"""Counting a table corpus too large to hold: read, clean, segment and count it chunk by chunk.

Only one chunk of documents and its tokens are in memory at a time, plus the counters, so
memory grows with the vocabulary, not with the corpus. The cleaning, segmentation (with the
cache) and term filter are those of :func:`textmine.preparation.prepare`, so the counts equal
``vocab.csv`` of a run over the same table.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from .config import Config
from .data import Corpus


def table_chunks(config: Config, chunk_docs: int):
    """The documents of the ``[corpus]`` table, ``chunk_docs`` at a time (:class:`textmine.io.stream.TableChunks`)."""
    from .io.read import Limits
    from .io.stream import TableChunks

    c = config.corpus
    return TableChunks(config.resolve_path(c.path), text_col=c.text_col, id_col=c.id_col, date_col=c.date_col,
                       sheet=c.sheet, encoding=c.encoding, chunk_docs=chunk_docs,
                       limits=Limits(c.max_file_mb, c.max_line_chars))


def stream_vocab(config: Config, *, chunk_docs: int = 5000, cache=None, progress: bool = False) -> pd.DataFrame:
    """``term,count,doc_freq`` of a ``.csv``/``.jsonl`` table corpus, most frequent first (like ``vocab.csv``)."""
    from .filters import config_term_filter
    from .parallel import bar
    from .preparation import clean_corpus, segment_corpus
    from .segment import make_segmenter

    segmenter = make_segmenter(config)
    term_filter, _, _ = config_term_filter(config, segmenter.lexicon)
    counts: Counter[str] = Counter()
    doc_freq: Counter[str] = Counter()
    chunks = table_chunks(config, chunk_docs)
    local = config.replace(scale={"scheduler": ""})
    for documents in bar(chunks, "stream", "chunk", progress):
        units, *_ = clean_corpus(Corpus(tuple(documents)), local.clean, local.scale.partition_docs, cache=cache)
        tokens, _ = segment_corpus(units, segmenter, local, cache=cache)
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
