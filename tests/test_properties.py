"""Property tests over the cleaner, the unit splitter and the segmenter (hypothesis).

Arbitrary Unicode, mixed scripts, control characters and the kinds of junk the
cleaner removes (URLs, e-mail addresses, footnote marks, markdown, page
markers): nothing raises, every character of every unit maps back to the same
character (or, for collapsed white space, to white space) in the original
text, the counting form keeps the length, and cleaning is idempotent.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textmine.config import CleanConfig
from textmine.data import Document
from textmine.normalize import (
    MappedText,
    SimplifiedFolder,
    fold_for_counting,
    fold_width,
    normalize_whitespace,
)
from textmine.segment import segment_unit
from textmine.segment.jieba_backend import JiebaSegmenter
from textmine.units import clean_block, split_document

EXAMPLES = 700
SPACE = set(" \t\n\r\f\v\u3000\u00a0\u200b\ufeff\x1c\x1d\x1e\x1f\x85\u2028\u2029")

FRAGMENTS = st.sampled_from([
    "智能体", "具身智能", "大模型", "人工智能", "發展", "臺灣", "GPT-4o", "DeepSeek-R1", "5G", "。", "，", "：", "“", "”",
    "（上接第1版）", "¹", "²³", "[1]", "注1：", "来源：", "https://www.gov.cn/a?b=1", "www.example.com", "a@b.cn",
    "**", "`", "# ", "## ", "- ", "1. ", "> ", "图 3 ", "图为", "摄", "本报记者 王某", "\n", "\n\n", " ", "\u3000",
    "\t", "\r\n", "\x00", "\x0b", "\u200b", "\ufeff", "=", "ｆｕｌｌ１２３", "😀", "é", "\u0301", "ﬁ",
])
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join)
LONG_TEXT = st.integers(min_value=2000, max_value=20000).map(lambda n: ("具身智能与大模型推动产业变革，" * n)[:n])

FOLDER = SimplifiedFolder()
CONFIGS = [CleanConfig(), CleanConfig(fold_traditional=False, drop_captions=False, drop_footnotes=False,
                                      join_page_breaks=False, min_unit_chars=1)]


def _maps_back(char: str, original: str) -> bool:
    return char == original or (char == " " and (original in SPACE or original.isspace()))


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXT)
def test_whitespace_normalisation_maps_back_and_is_idempotent(text):
    mapped = normalize_whitespace(MappedText.of(text))
    assert len(mapped.offsets) == len(mapped.text)
    assert list(mapped.offsets) == sorted(set(mapped.offsets))
    assert all(_maps_back(c, text[o]) for c, o in zip(mapped.text, mapped.offsets))
    assert normalize_whitespace(MappedText.of(mapped.text)).text == mapped.text


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXT)
def test_counting_form_keeps_length_and_is_idempotent(text):
    width = fold_width(text)
    assert len(width) == len(text) and fold_width(width) == width
    folded = fold_for_counting(text, FOLDER)
    assert len(folded) == len(text)
    assert fold_for_counting(folded, FOLDER) == folded


def test_width_folding_is_nfkc_wherever_that_keeps_one_character():
    import sys
    import unicodedata

    def one_char_nfkc(char):
        folded = unicodedata.normalize("NFKC", char)
        return folded if len(folded) == 1 else char

    chars = "".join(chr(c) for c in range(0x80, sys.maxunicode + 1, 3) if not 0xD800 <= c <= 0xDFFF)
    chars += "ＡＢＣ１２３！？（）　ｶﾀｶﾅ①⑵㈱ﬁ"
    assert fold_width(chars) == "".join(map(one_char_nfkc, chars))
    assert fold_width("ＡＢＣ１２３！　") == "ABC123! "


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXT)
def test_cleaning_a_block_is_idempotent_and_maps_back(text):
    cleaned = clean_block(MappedText.of(text))
    assert all(_maps_back(c, text[o]) for c, o in zip(cleaned.text, cleaned.offsets))
    assert clean_block(MappedText.of(cleaned.text)).text == cleaned.text


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(CONFIGS))
def test_units_map_back_to_the_original_document(text, config):
    doc = Document("d", text)
    for unit in split_document(doc, config, FOLDER if config.fold_traditional else None):
        assert unit.text and len(unit.norm) == len(unit.text)
        offsets = [unit.original_offset(i) for i in range(len(unit.text))]
        assert offsets == sorted(set(offsets))
        assert all(_maps_back(c, text[o]) for c, o in zip(unit.text, offsets))
        start, end = unit.original_span(0, len(unit.text))
        assert 0 <= start < end <= len(text)


@pytest.fixture(scope="module")
def segmenter():
    return JiebaSegmenter().initialize()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT)
def test_tokens_map_back_to_their_unit_and_the_original(segmenter, text):
    doc = Document("d", text)
    for unit in split_document(doc, CleanConfig(), FOLDER):
        tokens = segment_unit(unit, segmenter)
        previous_end = 0
        for term, start in zip(tokens.terms, tokens.starts):
            assert term and start >= previous_end
            assert unit.norm[start:start + len(term)] == term
            first, last = unit.original_span(start, start + len(term))
            assert 0 <= first < last <= len(text)
            previous_end = start + len(term)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(LONG_TEXT)
def test_very_long_single_paragraph(segmenter, text):
    units = split_document(Document("d", text), CleanConfig(), FOLDER)
    assert len(units) == 1 and units[0].text == text
    tokens = segment_unit(units[0], segmenter)
    assert "".join(tokens.terms) == text.replace("，", "")
