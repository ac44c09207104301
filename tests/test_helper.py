"""The helper process: cleaning shared with a second process gives the same units as cleaning in one."""

from __future__ import annotations

import logging

import pytest

import textmine as tm
from textmine.helper import Helper, map_from_both_ends
from textmine.parallel import chunks
from textmine.units import split_each, split_texts


def _slices(prepared, size=1):
    return chunks(list(prepared.corpus.documents), size)


def test_a_chunk_cleaned_in_the_helper_equals_one_cleaned_here(prepared):
    clean = prepared.config.clean
    slices = _slices(prepared, 2)
    with Helper() as helper:
        for part in slices:
            helper.submit(split_each, part, config=clean)
        answers = [helper.result() for _ in slices]
        assert helper.chunks_done == len(slices)
    assert answers == [split_each(part, clean) for part in slices]
    assert sum(len(units) for part in answers for units, *_ in part) == len(prepared.units)


def test_both_ends_give_the_results_in_order(prepared):
    """As cleaning uses them: each document sent as its id and text (split_texts), the results those of the
    documents (split_each)."""
    clean = prepared.config.clean
    slices = _slices(prepared)
    with Helper() as helper:
        both = map_from_both_ends(split_texts, [[(d.id, d.text) for d in part] for part in slices], helper,
                                  config=clean)
        assert helper.chunks_done > 0
    assert both == [split_each(part, clean) for part in slices]


def test_an_error_in_the_helper_is_raised_here(prepared):
    with Helper() as helper:
        # the helper takes the last chunk first: not a list of documents, so split_each fails there
        with pytest.raises(AttributeError):
            map_from_both_ends(split_each, [[prepared.corpus.documents[0]]] * 3 + [[None]], helper,
                               config=prepared.config.clean)


def test_chunks_of_a_helper_that_died_are_done_here(prepared, caplog):
    clean = prepared.config.clean
    slices = _slices(prepared)
    with Helper() as helper:
        helper._proc.kill()
        helper._proc.wait()
        with caplog.at_level(logging.WARNING, logger="textmine.helper"):
            both = map_from_both_ends(split_each, slices, helper, config=clean)
    assert both == [split_each(part, clean) for part in slices]
    assert "helper process ended" in caplog.text


def test_prepare_with_the_helper_gives_the_same_units_and_tokens(config, prepared, monkeypatch):
    from textmine import preparation

    monkeypatch.setattr(preparation, "HELPER_MIN_CHARS", 0)   # the bundled corpus is below the size that uses it
    monkeypatch.setattr(preparation, "available_cores", lambda: 2)
    helped = tm.prepare(config)
    assert helped.segment_info["stats"]["clean_helper_slices"] >= 0   # the helper was started
    assert helped.units == prepared.units
    assert helped.tokens == prepared.tokens
    assert helped.dropped == prepared.dropped
    assert "clean_helper_slices" not in prepared.segment_info["stats"]   # 61,000 characters: no helper


def test_a_helper_that_cannot_start_leaves_the_work_here(config, prepared, monkeypatch, caplog):
    from textmine import helper, preparation

    def cannot_start(*args, **kwargs):
        raise OSError("no interpreter to start")

    monkeypatch.setattr(preparation, "HELPER_MIN_CHARS", 0)
    monkeypatch.setattr(preparation, "available_cores", lambda: 2)
    monkeypatch.setattr(helper.subprocess, "Popen", cannot_start)
    with caplog.at_level(logging.WARNING, logger="textmine.preparation"):
        alone = tm.prepare(config)
    assert "no helper process could be started" in caplog.text
    assert "clean_helper_slices" not in alone.segment_info["stats"]
    assert alone.units == prepared.units and alone.tokens == prepared.tokens
