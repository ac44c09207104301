"""Segmentation cache, Dask scheduler and per-stage memory: same results, less work."""

from __future__ import annotations

import json
import shutil

import pytest

import textmine as tm
from textmine.io.cache import SegmentCache

from conftest import CORPUS


@pytest.fixture
def corpus_copy(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def _config(tmp_path, corpus, **segment):
    return tm.Config().replace(corpus={"path": str(corpus)}, segment=segment,
                               scale={"cache_dir": str(tmp_path / "cache")})


def test_second_prepare_reads_every_unit_from_the_cache(tmp_path, corpus_copy):
    config = _config(tmp_path, corpus_copy)
    first = tm.prepare(config)
    second = tm.prepare(config)
    assert first.segment_info["stats"] == {"cache_hits": 0, "cache_misses": 403, "segmented_texts": 400}
    assert second.segment_info["stats"] == {"cache_hits": 403, "cache_misses": 0, "segmented_texts": 0}
    assert second.tokens == first.tokens
    assert second.units == first.units and second.dropped == first.dropped  # cleaned units come from the cache too
    assert {p.relative_to(tmp_path / "cache").parts[0] for p in (tmp_path / "cache").rglob("*.parquet")} == {"segments", "units"}
    uncached = tm.prepare(config.replace(scale={"cache": False}))
    assert uncached.tokens == first.tokens and uncached.segment_info["cache"] is None


def test_cache_is_parquet_with_a_readable_fingerprint(tmp_path, corpus_copy):
    import pyarrow.parquet as pq

    config = _config(tmp_path, corpus_copy)
    prepared = tm.prepare(config)
    folder = tmp_path / "cache" / "segments" / prepared.segment_info["cache"]
    parts = sorted(folder.glob("part-*.parquet"))
    assert len(parts) == 1 and not list(folder.glob("*.pkl"))
    table = pq.read_table(parts[0])
    assert table.column_names == ["key", "terms", "starts"] and table.num_rows == 400
    fingerprint = json.loads((folder / "fingerprint.json").read_text(encoding="utf-8"))
    assert fingerprint["backend"] == prepared.segment_info["backend"]
    assert set(fingerprint["lexicon_files_sha256"]) == {"domain_lexicon.tsv", "policy_lexicon.tsv", "themes"}


def test_changing_a_lexicon_file_invalidates_and_stopwords_do_not(tmp_path, corpus_copy):
    lexicon = tmp_path / "mine.txt"
    lexicon.write_text("智算中心\n", encoding="utf-8")
    config = _config(tmp_path, corpus_copy, lexicons=(str(lexicon),))
    first = tm.prepare(config)
    assert "产业生态" not in {t for u in first.tokens for t in u.terms}

    stop = tmp_path / "stop.txt"
    stop.write_text("发展\n", encoding="utf-8")
    restopped = tm.prepare(config.replace(filter={"extra_stopwords": (str(stop),)}))
    assert restopped.segment_info["stats"]["cache_hits"] == 403  # stopwords filter after segmentation

    lexicon.write_text("智算中心\n产业生态\n", encoding="utf-8")
    second = tm.prepare(config)
    assert second.segment_info["cache"] != first.segment_info["cache"]
    assert second.segment_info["stats"]["cache_hits"] == 0
    assert "产业生态" in {t for u in second.tokens for t in u.terms}
    # the old entries are still there for the old lexicon
    lexicon.write_text("智算中心\n", encoding="utf-8")
    assert tm.prepare(config).segment_info["stats"]["cache_hits"] == 403


def test_editing_one_document_resegments_only_its_changed_units(tmp_path, corpus_copy):
    config = _config(tmp_path, corpus_copy)
    tm.prepare(config)
    target = corpus_copy / "xinhua-ai-trends-2026.txt"
    assert target.exists(), sorted(p.name for p in corpus_copy.iterdir())
    target.write_text(target.read_text(encoding="utf-8") + "\n\n具身智能走进千家万户。\n", encoding="utf-8")
    again = tm.prepare(config)
    assert again.segment_info["stats"] == {"cache_hits": 403, "cache_misses": 1, "segmented_texts": 1}
    assert again.tokens[-1].terms == ("具身智能", "走进", "千家万户")


def test_cache_backend_and_versions_are_part_of_the_key(tmp_path, corpus_copy):
    config = _config(tmp_path, corpus_copy)
    fast = tm.prepare(config.replace(segment={"backend": "rjieba"}))
    reference = tm.prepare(config.replace(segment={"backend": "jieba"}))
    assert fast.segment_info["cache"] != reference.segment_info["cache"]
    assert reference.segment_info["stats"]["cache_hits"] == 0
    assert SegmentCache(tmp_path / "cache", {"x": 1}).get(["abc"]) == {}


def test_dask_local_cluster_gives_byte_identical_outputs(tmp_path, corpus_copy):
    pytest.importorskip("distributed")
    base = _config(tmp_path, corpus_copy).replace(scale={"cache": False}, output={"wordclouds": False, "plots": False})
    single = tm.run(base)
    tm.write_run(single, tmp_path / "single", images=False)
    # Threads keep the test fast; worker processes get a pickled segmenter (test_fast_segment checks that).
    dask = tm.run(base.replace(scale={"scheduler": "dask", "workers": 2, "dask_processes": False,
                                      "partition_docs": 1, "partition_units": 100}))
    assert dask.prepared.segment_info["scheduler"] == "dask"
    tm.write_run(dask, tmp_path / "dask", images=False)
    names = sorted(p.name for p in (tmp_path / "single").glob("*.csv"))
    assert len(names) >= 9
    for name in names:
        assert (tmp_path / "single" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
    assert dask.prepared.dropped == single.prepared.dropped


def test_manifest_has_peak_memory_and_segmentation(tmp_path, corpus_copy):
    config = _config(tmp_path, corpus_copy).replace(output={"wordclouds": False, "plots": False})
    tm.write_run(tm.run(config, ("keywords", "trends")), tmp_path / "out", images=False)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    peak = manifest["run_stats"]["peak_memory_mb"]
    assert set(peak) == {"read", "clean", "segment", "keywords", "trends"} == set(manifest["timings"])
    assert all(50 < mb < 5000 for mb in peak.values())
    assert manifest["segmentation"]["backend"] == "rjieba"
    assert manifest["segmentation"]["versions"]["rjieba"] == manifest["packages"]["rjieba"]


def test_bad_scheduler_is_a_config_error(capsys):
    from textmine.cli import main

    assert main(["run", "--corpus", str(CORPUS), "--scheduler", "yarn", "--quiet"]) == 2
    assert "[scale] scheduler = 'yarn'" in capsys.readouterr().err


def test_warm_run_reads_analysis_tables_from_the_cache(tmp_path, corpus_copy):
    from textmine.io.write import table_to_csv
    from textmine.scale import stage_key

    config = _config(tmp_path, corpus_copy).replace(output={"wordclouds": False, "plots": False})
    first = tm.run(config, ("keywords", "keyness", "trends"))
    folders = sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "results").iterdir())
    assert folders == ["keyness", "keywords", "trends"]
    second = tm.run(config, ("keywords", "keyness", "trends"))
    for name, frame in first.tables.items():
        assert table_to_csv(second.tables[name]) == table_to_csv(frame), name
    other_seed = tm.prepare(config.replace(seed=7))
    assert stage_key(other_seed, "topics") != stage_key(first.prepared, "topics")
    assert stage_key(other_seed, "keywords") != stage_key(first.prepared, "keywords")  # the seed is in the key


def test_streaming_vocabulary_equals_the_in_memory_one(tmp_path):
    import pandas as pd

    from textmine.scale import stream_vocab

    corpus = tm.read_corpus(CORPUS)
    table = tmp_path / "reports.csv"
    pd.DataFrame({"id": corpus.ids, "text": [d.text for d in corpus]}).to_csv(table, index=False)
    config = tm.Config().replace(corpus={"path": str(table), "id_col": "id"}, scale={"cache": False})
    streamed = stream_vocab(config, chunk_docs=1)
    expected = tm.vocab_table(tm.prepare(config).doc_dtm())
    pd.testing.assert_frame_equal(streamed, expected, check_dtype=False)
    assert streamed.loc[streamed.term == "大模型", "count"].item() == 115


def test_sparse_keyness_each_vs_rest_equals_keyness_of_each_row(prepared):
    from textmine.io.write import table_to_csv

    dtm = prepared.doc_dtm()
    fast = tm.keyness_each_vs_rest(dtm, top_n=30, min_count=3)
    for row, doc_id in enumerate(dtm.row_ids):
        expected = tm.keyness(dtm, [row], min_count=3).head(30)
        got = fast[fast.doc_id == doc_id].drop(columns="doc_id").reset_index(drop=True)
        assert table_to_csv(got) == table_to_csv(expected), doc_id


def test_per_row_rankings_break_ties_by_term_whatever_the_column_order(prepared):
    """keyness and keywords rank all rows in one sort; a tie goes to the term first in sorted order, also
    for a matrix whose vocabulary is not sorted (one built on a given vocabulary)."""
    from textmine.io.write import table_to_csv

    dtm = prepared.doc_dtm()
    flipped = tm.Dtm(dtm.matrix[:, ::-1].tocsr(), dtm.vocab[::-1], dtm.row_ids)
    keyness = tm.keyness_each_vs_rest(dtm, top_n=30, min_count=3)
    assert table_to_csv(tm.keyness_each_vs_rest(flipped, top_n=30, min_count=3)) == table_to_csv(keyness)
    keywords = tm.top_keywords(dtm, top_n=30)
    assert table_to_csv(tm.top_keywords(flipped, top_n=30)) == table_to_csv(keywords)
    # the four reports hold tied scores (terms seen equally often), so the tie-break is exercised
    assert keywords.duplicated(["doc_id", "score"]).sum() > 10


def test_sparse_keywords_equal_a_dense_tfidf(prepared):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfTransformer

    dtm = prepared.doc_dtm()
    dense = TfidfTransformer().fit_transform(dtm.matrix).toarray()
    table = tm.top_keywords(dtm, top_n=10)
    for row, doc_id in enumerate(dtm.row_ids):
        best = np.argsort(-dense[row], kind="stable")[:10]
        got = table[table.doc_id == doc_id]
        assert np.allclose(got.score.to_numpy(), dense[row][best])
        assert got.term.iloc[0] == dtm.vocab[best[0]]


def test_stage_key_follows_the_content_of_files_named_in_the_config(tmp_path):
    from textmine.scale import CACHED_STAGES, _config_files

    rules = tmp_path / "themes.toml"
    rules.write_text("[ai]\nterms = ['大模型']\n", encoding="utf-8")
    config = tm.Config()
    before = _config_files(config, {"trends": {"rules": str(rules)}, "seed": 42})
    assert list(before) == [str(rules)]
    rules.write_text("[ai]\nterms = ['大模型', '智能体']\n", encoding="utf-8")
    assert _config_files(config, {"trends": {"rules": str(rules)}}) != before
    # a new stage is not cached until listed
    assert CACHED_STAGES == {"keywords", "keyness", "trends", "kwic", "network", "topics"}


def test_warm_run_reads_topic_tables_fits_kwic_and_network_from_the_cache(tmp_path, corpus_copy, monkeypatch):
    from textmine.io.write import table_to_csv
    from textmine.topics import analysis

    config = _config(tmp_path, corpus_copy).replace(output={"wordclouds": False, "plots": False},
                                                    topics={"iterations": 40, "stability_runs": 2})
    stages = ("topics", "kwic", "network")
    first = tm.run(config, stages)
    assert len(list((tmp_path / "cache" / "models").glob("*.npz"))) == 2  # one per stability seed
    assert len(list((tmp_path / "cache" / "results").glob("topics-*/files/topic_map.html"))) == 1

    def no_fitting(*args, **kwargs):
        raise AssertionError("a cached fit was fitted again")

    def no_topic_tables(*args, **kwargs):
        raise AssertionError("cached topic tables were built again")

    monkeypatch.setattr(analysis, "fit_topics", no_fitting)
    with monkeypatch.context() as patched:
        patched.setattr(analysis, "analyse_topic_model", no_topic_tables)
        second = tm.run(config, stages)
    assert set(second.tables) == set(first.tables)
    for name, frame in first.tables.items():
        assert table_to_csv(second.tables[name]) == table_to_csv(frame), name
    assert second.extra["files"]["topic_map.html"] == first.extra["files"]["topic_map.html"]
    # more terms per topic: new tables, built from the cached fits
    longer = tm.run(config.replace(topics={"top_n": config.topics.top_n + 5}), ("topics",))
    assert longer.tables["topics"].groupby("topic").size().max() == config.topics.top_n + 5
    with pytest.raises(AssertionError, match="fitted again"):   # another seed is a new fit
        tm.run(config.replace(seed=7), ("topics",))


def test_stage_key_follows_the_display_text_not_only_the_folded_text(tmp_path, corpus_copy):
    from textmine.scale import stage_key

    config = _config(tmp_path, corpus_copy)
    before = tm.prepare(config)
    report = sorted(corpus_copy.glob("*.txt"))[0]
    text = report.read_text(encoding="utf-8")
    assert "数据" in text
    report.write_text(text.replace("数据", "數據", 1), encoding="utf-8")  # folds back to the same counted text
    after = tm.prepare(config)
    assert after.segment_info["tokens_sha256"] == before.segment_info["tokens_sha256"]
    assert "數據" in "".join(u.text for u in after.units)
    assert stage_key(after, "kwic") != stage_key(before, "kwic")   # KWIC shows the original characters


def test_cached_tables_follow_document_metadata(tmp_path, corpus_copy):
    """Keyness groups are chosen by metadata; editing metadata.csv (no text changed) must not serve the
    tables of the old grouping from the cache."""
    import csv

    from textmine.io.write import table_to_csv

    config = _config(tmp_path, corpus_copy).replace(keyness={"target": "genre=news feature"})
    first = tm.run(config, ("keyness",))
    meta = corpus_copy / "metadata.csv"
    with meta.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["id"] == "cnnic-genai-report-2025":
            row["genre"] = "news feature"
    with meta.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    second = tm.run(config, ("keyness",))
    fresh = tm.run(config.replace(scale={"cache": False}), ("keyness",))
    compared = [table_to_csv(r.tables["keyness_compare"]) for r in (first, second, fresh)]
    assert compared[1] == compared[2] and compared[1] != compared[0]


def test_cached_unit_and_token_tables_follow_the_text(tmp_path, corpus_copy):
    """With the cache on, units.csv and tokens.csv are found by the digests of the units and tokens; a warm
    run must copy the same bytes, and an edited document must give the tables of a run without cache."""
    config = _config(tmp_path, corpus_copy).replace(output={"wordclouds": False, "plots": False})

    def segment_tables(config, out):
        tm.write_run(tm.run(config, ("kwic",)), out, images=False)
        return [(out / name).read_bytes() for name in ("units.csv", "tokens.csv")]

    cold = segment_tables(config, tmp_path / "cold")
    assert segment_tables(config, tmp_path / "warm") == cold
    report = sorted(corpus_copy.glob("*.txt"))[0]
    report.write_text(report.read_text(encoding="utf-8").replace("数据", "數據", 1) + "\n\n新增的一段关于具身智能的文字。\n",
                      encoding="utf-8")
    edited = segment_tables(config, tmp_path / "edited")
    assert edited == segment_tables(config.replace(scale={"cache": False}), tmp_path / "fresh")
    assert edited[0] != cold[0] and edited[1] != cold[1]


def test_topics_in_the_background_give_the_tables_of_a_topics_only_run(tmp_path, corpus_copy):
    from textmine.io.write import table_to_csv

    config = _config(tmp_path, corpus_copy).replace(output={"wordclouds": False, "plots": False},
                                                    topics={"iterations": 40, "stability_runs": 2},
                                                    scale={"cache": False})
    alone = tm.run(config, ("topics",))
    alongside = tm.run(config, ("keywords", "topics", "trends"))
    assert list(alongside.tables)[:2] == ["keywords", "vocab"]   # tables keep the order of the stages
    for name, frame in alone.tables.items():
        assert table_to_csv(alongside.tables[name]) == table_to_csv(frame), name
    assert "topics" in alongside.timings.seconds and "trends" in alongside.timings.seconds


def test_large_tables_are_written_from_cached_csv_bytes(tmp_path, prepared, monkeypatch):
    import pandas as pd

    from textmine.io import write

    frame = pd.DataFrame([(u.unit_id, t, s, len(t) / 3) for u in prepared.tokens for t, s in zip(u.terms, u.starts)],
                         columns=["unit_id", "term", "start", "weight"])
    assert len(frame) >= write.CACHED_CSV_ROWS   # every token of the bundled corpus: one row each
    first = write.OutputWriter(tmp_path / "a", tmp_path / "cache")
    first.write_table("tokens_long.csv", frame)
    assert first.path("tokens_long.csv").read_bytes() == write.table_to_csv(frame)

    def no_formatting(frame):
        raise AssertionError("formatted again")

    monkeypatch.setattr(write, "table_to_csv", no_formatting)
    second = write.OutputWriter(tmp_path / "b", tmp_path / "cache")
    second.write_table("tokens_long.csv", frame)
    assert second.hashes == first.hashes
    changed = frame.assign(weight=frame["weight"] + 1e-3)
    with pytest.raises(AssertionError, match="formatted again"):   # other content: another key
        second.write_table("other.csv", changed)
    first.discard()
    second.discard()
