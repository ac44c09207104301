"""Choosing groups of documents by id, date or metadata."""

from __future__ import annotations

import pytest


def test_group_expressions(prepared):
    from textmine import ConfigError
    from textmine.groups import select_documents

    corpus = prepared.corpus
    assert select_documents(corpus, "latest") == ["xinhua-ai-trends-2026"]
    assert select_documents(corpus, "date>=2025-10") == ["cnnic-genai-report-2025", "xinhua-ai-trends-2026"]
    # a date known to the year sorts before the months of that year
    assert select_documents(corpus, "date>2025") == ["cnnic-genai-report-2025", "xinhua-ai-trends-2026"]
    assert select_documents(corpus, "date=2025") == ["ccid-ai-outlook-2026", "people-large-models-2025",
                                                     "cnnic-genai-report-2025"]
    assert select_documents(corpus, "publisher=新华社") == ["xinhua-ai-trends-2026"]
    assert select_documents(corpus, "genre=news feature&year=2025") == ["people-large-models-2025"]
    with pytest.raises(ConfigError, match="unknown field 'colour'"):
        select_documents(corpus, "colour=red")
    with pytest.raises(ConfigError, match="selects no document"):
        select_documents(corpus, "year>2030")
    with pytest.raises(ConfigError, match="no document 'nope'"):
        select_documents(corpus, "nope")
