"""Whole runs with the cache: warm runs read tables and fits, keys follow every input."""

from __future__ import annotations

import json

import pytest

import textmine as tm


def _config(tmp_path, corpus, **segment):
    return tm.Config().replace(corpus={"path": str(corpus)}, segment=segment,
                               scale={"cache_dir": str(tmp_path / "cache")})


def test_warm_run_reads_analysis_tables_from_the_cache(tmp_path, corpus_copy):
    from textmine.io.write import table_to_csv
    from textmine.keys import stage_key

    config = _config(tmp_path, corpus_copy).replace(output={"wordclouds": False, "plots": False})
    first = tm.run(config, ("keywords", "keyness", "trends"))
    folders = sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "results").iterdir())
    assert folders == ["keyness", "keywords", "trends"]
    second = tm.run(config, ("keywords", "keyness", "trends"))
    for name, frame in first.tables.items():
        assert table_to_csv(second.tables[name]) == table_to_csv(frame), name
    # every table came from the cache: the document–term matrix was not built (nor, for it, the content terms)
    assert "doc_dtm" in vars(first.prepared) and "doc_dtm" not in vars(second.prepared)
    assert "content_terms" not in vars(second.prepared)
    third = tm.run(config, ("keywords", "keyness", "trends", "kwic"))   # a stage to compute: the matrix is made
    assert "doc_dtm" in vars(third.prepared) and third.timings.cached >= {"keywords", "keyness", "trends"}
    other_seed = tm.prepare(config.replace(seed=7))
    for stage in ("topics", "keywords"):   # the seed is in the key
        assert stage_key(other_seed.analysis_key, stage) != stage_key(first.prepared.analysis_key, stage)


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
    assert second.files["topic_map.html"] == first.files["topic_map.html"]
    assert second.timings.cached == {"clean", "segment", "topics", "kwic", "network"}
    # more terms per topic: new tables, built from the cached fits
    longer = tm.run(config.replace(topics={"top_n": config.topics.top_n + 5}), ("topics",))
    assert longer.tables["topics"].groupby("topic").size().max() == config.topics.top_n + 5
    with pytest.raises(AssertionError, match="fitted again"):   # another seed is a new fit
        tm.run(config.replace(seed=7), ("topics",))


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


def test_manifest_has_peak_memory_and_segmentation(tmp_path, corpus_copy):
    config = _config(tmp_path, corpus_copy).replace(output={"wordclouds": False, "plots": False})
    tm.write_run(tm.run(config, ("keywords", "trends")), tmp_path / "out", images=False)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    peak = manifest["run_stats"]["peak_memory_mb"]
    assert set(peak) == {"read", "clean", "segment", "keywords", "trends"} == set(manifest["timings"])
    assert manifest["run_stats"]["from_cache"] == []
    assert all(50 < mb < 5000 for mb in peak.values())
    assert manifest["segmentation"]["backend"] == "rjieba"
    assert manifest["segmentation"]["versions"]["rjieba"] == manifest["packages"]["rjieba"]


def test_analysis_key_follows_the_content_of_files_named_in_the_config(tmp_path, corpus_copy):
    from textmine.keys import config_files

    rules = tmp_path / "themes.toml"
    rules.write_text('"ai" = "大模型"\n', encoding="utf-8")
    config = _config(tmp_path, corpus_copy).replace(trends={"theme_file": str(rules), "themes": []})
    before = config_files(config, {"trends": {"theme_file": str(rules)}, "seed": 42})
    assert list(before) == [str(rules)]
    first = tm.prepare(config).analysis_key
    rules.write_text('"ai" = "大模型 | 智能体"\n', encoding="utf-8")
    assert config_files(config, {"trends": {"theme_file": str(rules)}}) != before
    assert tm.prepare(config).analysis_key != first


def test_cache_entries_written_in_the_background_are_found_by_this_cache_and_after_settling_by_another(
        tmp_path, prepared):
    """Units, segmentations and files are kept in the cache's writing thread: the cache that put them finds them
    at once, another one once the first has settled (prepare, run and write_run settle a cache they open)."""
    import pickle

    from textmine.io.cache import Cache

    units = list(prepared.units)
    tokens = {u.norm: (t.terms, t.starts) for u, t in zip(units, prepared.tokens)}
    tokens["一个没有词的单元"] = ((), ())   # a unit with no word tokens: an empty list in the table
    fingerprint = {"test": 1}
    cache = Cache(tmp_path)
    documents = list(prepared.corpus)
    cleaned = [([u for u in units if u.doc_id == doc.id], {"caption": 2} if i == 0 else {},
                {"caption": ["图 1"]} if i == 0 else {}) for i, doc in enumerate(documents)]
    assert all(own_units for own_units, *_ in cleaned)
    cache.units.put("part", cleaned)
    cache.segments(fingerprint).put(tokens)
    cache.files("csv").put("key", b"a,b\n")
    assert cache.units.get("part", documents) == cleaned
    assert cache.units.get("part", documents[:-1]) is None   # a slice of other documents is not this one
    assert cache.segments(fingerprint).get(tokens) == tokens
    assert cache.files("csv").get("key") == b"a,b\n"
    cache.settle()
    other = Cache(tmp_path)
    assert other.units.get("part", documents) == cleaned and other.segments(fingerprint).get(tokens) == tokens
    copied = pickle.loads(pickle.dumps(other))   # as a cache handed to a worker process: no thread with it
    assert copied.files("csv").get("key") == b"a,b\n"
    copied.files("csv").put("second", b"c\n")
    copied.settle()
    assert Cache(tmp_path).files("csv").get("second") == b"c\n"


def test_a_prepared_corpus_given_other_settings_has_their_analysis_key(tmp_path, corpus_copy):
    """The key is made from the prepared corpus as it is: given other analysis settings (``dataclasses.replace``),
    its tables are not taken from the cache entries of the settings it was prepared with."""
    import dataclasses

    config = _config(tmp_path, corpus_copy)
    prepared = tm.prepare(config)
    first = prepared.analysis_key
    assert first is not None and prepared.analysis_key == first == tm.prepare(config).analysis_key
    other = config.replace(keywords={"top_n": 7})
    moved = dataclasses.replace(prepared, config=other)
    assert moved.analysis_key not in (None, first) and moved.analysis_key == tm.prepare(other).analysis_key
    assert tm.prepare(config.replace(scale={"cache": False})).analysis_key is None


def test_text_tables_are_kept_from_the_written_files_and_copied_by_a_warm_command(tmp_path, corpus_copy):
    """``textmine segment`` streams units.csv and tokens.csv to the folder and keeps a copy of each finished file
    in the cache; the next command copies them from there, the same bytes."""
    from textmine.cli import main

    (tmp_path / "textmine.toml").write_text(f'[scale]\ncache_dir = "{(tmp_path / "cache").as_posix()}"\n',
                                            encoding="utf-8")
    common = ["segment", "--config", str(tmp_path / "textmine.toml"), "--corpus", str(corpus_copy), "--quiet"]
    assert main([*common, "--out", str(tmp_path / "cold")]) == 0
    assert main([*common, "--out", str(tmp_path / "warm")]) == 0
    cold, warm = (json.loads((tmp_path / f / "manifest.json").read_text(encoding="utf-8"))["run_stats"]
                  for f in ("cold", "warm"))
    assert cold["files_made"] == {"csv": 2} and cold["files_from_cache"] == {}
    assert warm["files_from_cache"] == {"csv": 2} and warm["files_made"] == {}
    kept = sorted(p.read_bytes() for p in (tmp_path / "cache" / "files" / "csv").iterdir())
    for name in ("units.csv", "tokens.csv"):
        data = (tmp_path / "cold" / name).read_bytes()
        assert (tmp_path / "warm" / name).read_bytes() == data and data in kept and len(data) > 10_000
