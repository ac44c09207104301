"""Counting a table corpus chunk by chunk equals counting it whole."""

from __future__ import annotations

import textmine as tm

from conftest import CORPUS


def _config(tmp_path, corpus, **segment):
    return tm.Config().replace(corpus={"path": str(corpus)}, segment=segment,
                               scale={"cache_dir": str(tmp_path / "cache")})


def test_streaming_vocabulary_equals_the_in_memory_one(tmp_path):
    import pandas as pd

    from textmine.stream import stream_vocab

    corpus = tm.read_corpus(CORPUS)
    table = tmp_path / "reports.csv"
    pd.DataFrame({"id": corpus.ids, "text": [d.text for d in corpus]}).to_csv(table, index=False)
    config = tm.Config().replace(corpus={"path": str(table), "id_col": "id"}, scale={"cache": False})
    streamed = stream_vocab(config, chunk_docs=1)
    expected = tm.vocab_table(tm.prepare(config).doc_dtm)
    pd.testing.assert_frame_equal(streamed, expected, check_dtype=False)
    assert streamed.loc[streamed.term == "大模型", "count"].item() == 115
