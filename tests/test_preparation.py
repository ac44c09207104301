"""Preparing a corpus: the cache of cleaned units and segmentations, what keys it, stubs."""

from __future__ import annotations

import json

from conftest import CORPUS

import textmine as tm


def _config(tmp_path, corpus, **segment):
    return tm.Config().replace(corpus={"path": str(corpus)}, segment=segment,
                               scale={"cache_dir": str(tmp_path / "cache")})


def test_second_prepare_reads_every_unit_from_the_cache(tmp_path, corpus_copy):
    config = _config(tmp_path, corpus_copy)
    first = tm.prepare(config)
    second = tm.prepare(config)
    assert first.segment_info["stats"] == {"cache_hits": 0, "cache_misses": 390, "segmented_texts": 388,
                                           "clean_slices": 1, "clean_cache_hits": 0, "repeated_documents": 0}
    assert second.segment_info["stats"] == {"cache_hits": 390, "cache_misses": 0, "segmented_texts": 0,
                                            "clean_slices": 1, "clean_cache_hits": 1, "repeated_documents": 0}
    assert second.tokens == first.tokens
    assert second.units == first.units and second.dropped == first.dropped  # cleaned units come from the cache too
    assert {p.relative_to(tmp_path / "cache").parts[0] for p in (tmp_path / "cache").rglob("*.arrow")} == {"segments", "units"}
    uncached = tm.prepare(config.replace(scale={"cache": False}))
    assert uncached.tokens == first.tokens and uncached.segment_info["cache"] is None


def test_a_text_filed_twice_is_cleaned_and_cached_once_and_each_copy_keeps_its_own_id(tmp_path, corpus_copy):
    """The unit cache holds slices of distinct texts: the bundled reports filed a second time under other names
    add no slice and no cached unit, and every copy's units carry its own document id, cold, warm and uncached."""
    from pyarrow import feather

    import pandas as pd

    metadata = pd.read_csv(corpus_copy / "metadata.csv", dtype=str, keep_default_na=False)
    copies = metadata.assign(id="copy-" + metadata["id"], file="copy-" + metadata["file"])
    for name in metadata["file"]:
        (corpus_copy / f"copy-{name}").write_bytes((corpus_copy / name).read_bytes())
    pd.concat([metadata, copies]).to_csv(corpus_copy / "metadata.csv", index=False)
    config = _config(tmp_path, corpus_copy).replace(scale={"partition_docs": 1})
    cold, warm = tm.prepare(config), tm.prepare(config)
    uncached = tm.prepare(config.replace(scale={"cache": False}))
    assert len(cold.corpus) == 8
    assert cold.segment_info["stats"]["clean_slices"] == 4 and cold.segment_info["stats"]["clean_cache_hits"] == 0
    assert warm.segment_info["stats"]["clean_slices"] == 4 and warm.segment_info["stats"]["clean_cache_hits"] == 4
    assert warm.units == cold.units == uncached.units and warm.dropped == cold.dropped == uncached.dropped
    cached = sorted((tmp_path / "cache" / "units").glob("*.arrow"))
    assert len(cached) == 4 and sum(feather.read_table(p).num_rows for p in cached) == len(cold.units) // 2
    by_doc = {doc_id: [u.text for u in cold.units if u.doc_id == doc_id] for doc_id in cold.corpus.ids}
    assert all(by_doc[doc_id] and by_doc[doc_id] == by_doc[f"copy-{doc_id}"]
               for doc_id in cold.corpus.ids if not doc_id.startswith("copy-"))
    assert cold.segment_info["units_sha256"] == warm.segment_info["units_sha256"]
    # a copy's id is in the units' digest
    pd.concat([metadata, copies.replace({"id": {"copy-xinhua-ai-trends-2026": "copy2"}})]).to_csv(
        corpus_copy / "metadata.csv", index=False)
    assert tm.prepare(config).segment_info["units_sha256"] != cold.segment_info["units_sha256"]


def test_cache_is_arrow_with_a_readable_fingerprint(tmp_path, corpus_copy):
    from pyarrow import feather

    config = _config(tmp_path, corpus_copy)
    prepared = tm.prepare(config)
    folder = tmp_path / "cache" / "segments" / prepared.segment_info["cache"]
    parts = sorted(folder.glob("part-*.arrow"))
    assert len(parts) == 1 and not list(folder.glob("*.pkl"))
    table = feather.read_table(parts[0])   # a plain Arrow file (Feather v2): any Arrow library reads it
    assert table.column_names == ["key", "terms", "starts"] and table.num_rows == 388
    fingerprint = json.loads((folder / "fingerprint.json").read_text(encoding="utf-8"))
    assert fingerprint["backend"] == prepared.segment_info["backend"]
    assert set(fingerprint["lexicon_files_sha256"]) == {"domain_lexicon.tsv"}


def test_changing_a_lexicon_file_invalidates_and_stopwords_do_not(tmp_path, corpus_copy):
    lexicon = tmp_path / "mine.txt"
    lexicon.write_text("智算中心\n", encoding="utf-8")
    config = _config(tmp_path, corpus_copy, lexicons=(str(lexicon),))
    first = tm.prepare(config)
    assert "产业生态" not in {t for u in first.tokens for t in u.terms}

    stop = tmp_path / "stop.txt"
    stop.write_text("发展\n", encoding="utf-8")
    restopped = tm.prepare(config.replace(filter={"extra_stopwords": (str(stop),)}))
    assert restopped.segment_info["stats"]["cache_hits"] == 390  # stopwords filter after segmentation

    lexicon.write_text("智算中心\n产业生态\n", encoding="utf-8")
    second = tm.prepare(config)
    assert second.segment_info["cache"] != first.segment_info["cache"]
    assert second.segment_info["stats"]["cache_hits"] == 0
    assert "产业生态" in {t for u in second.tokens for t in u.terms}
    # the old entries are still there for the old lexicon
    lexicon.write_text("智算中心\n", encoding="utf-8")
    assert tm.prepare(config).segment_info["stats"]["cache_hits"] == 390


def test_a_damaged_cache_file_is_read_as_a_miss_and_named(tmp_path, corpus_copy, caplog):
    config = _config(tmp_path, corpus_copy)
    first = tm.prepare(config)
    damaged = sorted((tmp_path / "cache").rglob("*.arrow"))
    assert sorted(p.relative_to(tmp_path / "cache").parts[0] for p in damaged) == ["segments", "units"]
    for path in damaged:   # cut off, as by a full disk
        path.write_bytes(path.read_bytes()[:200])
    with caplog.at_level("WARNING", logger="textmine.io.cache"):
        again = tm.prepare(config)
    assert again.tokens == first.tokens and again.units == first.units
    assert again.segment_info["stats"]["cache_hits"] == 0 and again.segment_info["stats"]["clean_cache_hits"] == 0
    assert sum(p.name in r.getMessage() for p in damaged for r in caplog.records) == 2


def test_editing_one_document_resegments_only_its_changed_units(tmp_path, corpus_copy):
    config = _config(tmp_path, corpus_copy)
    tm.prepare(config)
    target = corpus_copy / "xinhua-ai-trends-2026.txt"
    assert target.exists(), sorted(p.name for p in corpus_copy.iterdir())
    target.write_text(target.read_text(encoding="utf-8") + "\n\n具身智能走进千家万户。\n", encoding="utf-8")
    again = tm.prepare(config)
    assert again.segment_info["stats"] == {"cache_hits": 390, "cache_misses": 1, "segmented_texts": 1,
                                           "clean_slices": 1, "clean_cache_hits": 0, "repeated_documents": 0}
    assert again.tokens[-1].terms == ("具身智能", "走进", "千家万户")


def test_cache_backend_and_versions_are_part_of_the_key(tmp_path, corpus_copy):
    config = _config(tmp_path, corpus_copy)
    fast = tm.prepare(config.replace(segment={"backend": "rjieba"}))
    reference = tm.prepare(config.replace(segment={"backend": "jieba"}))
    assert fast.segment_info["cache"] != reference.segment_info["cache"]
    assert reference.segment_info["stats"]["cache_hits"] == 0
    from textmine.io.cache import SegmentCache

    assert SegmentCache(tmp_path / "cache", {"x": 1}).get(["abc"]) == {}


def test_analysis_key_follows_the_display_text_not_only_the_folded_text(tmp_path, corpus_copy):
    config = _config(tmp_path, corpus_copy)
    before = tm.prepare(config)
    report = sorted(corpus_copy.glob("*.txt"))[0]
    text = report.read_text(encoding="utf-8")
    assert "数据" in text
    report.write_text(text.replace("数据", "數據", 1), encoding="utf-8")  # folds back to the same counted text
    after = tm.prepare(config)
    assert after.segment_info["tokens_sha256"] == before.segment_info["tokens_sha256"]
    assert "數據" in "".join(u.text for u in after.units)
    assert after.analysis_key != before.analysis_key   # KWIC shows the original characters


def test_analysis_key_follows_the_corpus_not_how_its_path_is_spelled(tmp_path, corpus_copy, monkeypatch):
    import shutil

    moved = tmp_path / "elsewhere" / "reports"
    shutil.copytree(corpus_copy, moved)
    monkeypatch.chdir(tmp_path)
    keys = {tm.prepare(_config(tmp_path, path)).analysis_key for path in (corpus_copy, moved, "elsewhere/reports")}
    assert len(keys) == 1 and None not in keys
    report = sorted(moved.glob("*.txt"))[0]
    report.write_text(report.read_text(encoding="utf-8") + "\n\n具身智能与智能体的新进展。\n", encoding="utf-8")
    assert tm.prepare(_config(tmp_path, moved)).analysis_key not in keys    # another text: another key


def test_without_a_cache_nothing_is_written_and_no_analysis_key_is_made(tmp_path, corpus_copy):
    prepared = tm.prepare(_config(tmp_path, corpus_copy).replace(scale={"cache": False}))
    assert prepared.analysis_key is None and prepared.segment_info["cache"] is None
    assert not (tmp_path / "cache").exists()


def test_content_terms_and_the_document_matrix_come_from_the_tokens(prepared):
    """content_terms are the tokens that pass the filter, the tokens of a policy phrase joined into one;
    doc_dtm counts them per document and carries each document's word tokens (every token, stopwords
    included) as its size."""
    from textmine.filters import join_phrases, phrase_prefixes

    phrases = prepared.term_filter.phrases
    assert len(prepared.content_terms) == len(prepared.tokens) and "高质量发展" in phrases
    joined, prefixes = 0, phrase_prefixes(phrases)
    for tokens, terms in zip(prepared.tokens, prepared.content_terms):
        units = [t for t, _ in join_phrases(tokens.terms, phrases, prefixes)]
        assert list(terms) == [t for t in units if prepared.term_filter(t)]
        joined += len(tokens.terms) - len(units)
    assert joined > 0                              # the bundled reports hold 高质量发展 (10), 数字经济 …
    dtm = prepared.doc_dtm
    assert dtm.row_ids == prepared.corpus.ids
    for row, doc_id in enumerate(dtm.row_ids):
        assert dtm.sizes()[row] == prepared.token_totals[doc_id] == sum(len(t) for t in prepared.tokens
                                                                        if t.doc_id == doc_id)
        terms = [t for tokens, content in zip(prepared.tokens, prepared.content_terms) if tokens.doc_id == doc_id
                 for t in content]
        assert dtm.matrix[row].sum() == len(terms) < dtm.sizes()[row]


def test_stubs_are_documents_far_shorter_than_the_median():
    from textmine.preparation import find_stubs

    assert find_stubs({"a": 12_000, "b": 13_000, "c": 24, "d": 15_000}, 0.05) == {"c"}
    assert find_stubs({"a": 30, "b": 35, "c": 2, "d": 40}, 0.05) == frozenset()   # short texts, no stub
    assert find_stubs({"a": 12_000, "c": 24}, 0.0) == frozenset()


def test_cleaning_a_partition_with_repeated_texts_gives_what_split_units_gives():
    """A text that comes again is cleaned once and its units copied; units, dropped counts and samples are those of
    cleaning every document (the reports of the corpus, one of them three times, and repeated reviews)."""
    from conftest import shopping_reviews

    from textmine.normalize import SimplifiedFolder, fold_for_counting
    from textmine.preparation import clean_part
    from textmine.units import split_document, split_units

    corpus = tm.read_corpus(CORPUS)
    docs = list(corpus.documents)
    again = [tm.Document(f"{d.id}-copy{i}", d.text, d.meta, d.date) for i, d in enumerate(docs[:1] * 2)]
    reviews = [tm.Document(str(i), text) for i, text in
               enumerate(shopping_reviews(dtype=str, keep_default_na=False)["review"].iloc[:3000])]
    repeated = [tm.Document(f"again-{d.id}", d.text) for d in reviews[:500]]
    for documents in (docs + again, reviews + repeated):
        expected = split_units(documents, tm.Config().clean)
        units, dropped, samples = clean_part(documents, tm.Config().clean)
        assert tuple(units) == expected.units
        # texts are folded many at a time: each as folding it alone gives
        folder = SimplifiedFolder()
        assert [u.norm for u in units] == [fold_for_counting(u.text, folder) for u in units]
        assert [u.text for u in units] == [u.text for d in documents for u in split_document(d, tm.Config().clean)]
        assert dropped == expected.dropped and samples == expected.samples
    copies = [u for u in clean_part(docs + again, tm.Config().clean)[0] if u.doc_id.endswith("-copy1")]
    assert copies and [u.text for u in copies] == [u.text for u in split_units(docs[:1]).units]


def test_a_report_filed_twice_is_named_and_counted(tmp_path, caplog):
    """Every copy counts as a document (a researcher may mean it), but the run says so once, naming the first pair."""
    import logging
    import shutil

    from textmine.preparation import _warn_repeated, first_copies

    from conftest import shopping_reviews

    folder = tmp_path / "reports"
    folder.mkdir()
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    shutil.copy(folder / "xinhua-ai-trends-2026.txt", folder / "xinhua-download-2.txt")
    with caplog.at_level(logging.WARNING, logger="textmine"):
        prepared = tm.prepare(tm.Config().replace(corpus={"path": str(folder)}, scale={"cache": False}))
    assert prepared.segment_info["stats"]["repeated_documents"] == 1 and len(prepared.corpus) == 5
    assert [r.getMessage().split(";")[0] for r in caplog.records if "same text" in r.getMessage()] == [
        "document xinhua-download-2 has the same text as xinhua-ai-trends-2026"]
    reviews = shopping_reviews(dtype=str, keep_default_na=False)
    table = tmp_path / "reviews.csv"
    reviews.to_csv(table, index=False)
    corpus = tm.read_corpus(table, text_col="review")
    texts = [d.text for d in corpus]
    assert _warn_repeated(corpus, first_copies(corpus.documents)) == len(texts) - len(set(texts)) == 49


def test_a_corpus_names_the_first_id_that_comes_again():
    import pytest

    documents = [tm.Document(i, text) for i, text in (("甲", "一"), ("乙", "二"), ("乙", "三"), ("甲", "四"))]
    with pytest.raises(ValueError, match="^duplicate document id '乙'$"):
        tm.Corpus(tuple(documents))
    assert tm.Corpus(tuple(documents[:2])).ids == ("甲", "乙")


def test_token_totals_give_every_document_its_tokens_and_none_to_one_without_text():
    from textmine.preparation import token_totals

    corpus = tm.read_corpus(CORPUS)
    tokens = tm.prepare(tm.Config().replace(corpus={"path": str(CORPUS)}, scale={"cache": False})).tokens
    first = corpus.documents[0].id
    kept = [t for t in tokens if t.doc_id != first]   # as if the first report had lost every unit to cleaning
    totals = token_totals(corpus, kept)
    assert list(totals) == list(corpus.ids) and totals[first] == 0
    for doc_id in corpus.ids[1:]:
        assert totals[doc_id] == sum(len(t.terms) for t in tokens if t.doc_id == doc_id) > 1000
