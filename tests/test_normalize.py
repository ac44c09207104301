"""Text normalisation: white space and folding keep every character's place (properties, with hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from textmine.normalize import (
    MappedText,
    fold_for_counting,
    fold_many_for_counting,
    fold_width,
    normalize_whitespace,
)

from conftest import EXAMPLES, FOLDER, TEXT, maps_back


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXT)
def test_whitespace_normalisation_maps_back_and_is_idempotent(text):
    mapped = normalize_whitespace(MappedText.of(text))
    assert len(mapped.offsets) == len(mapped.text)
    assert list(mapped.offsets) == sorted(set(mapped.offsets))
    assert all(maps_back(c, text[o]) for c, o in zip(mapped.text, mapped.offsets))
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
@given(st.lists(TEXT, max_size=6))
def test_folding_many_texts_at_once_is_folding_each(texts):
    assert fold_many_for_counting(texts, FOLDER) == [fold_for_counting(t, FOLDER) for t in texts]
    assert fold_many_for_counting(texts, None) == [fold_for_counting(t, None) for t in texts]


def test_folding_many_traditional_paragraphs_at_once_is_folding_each():
    """Paragraphs of a bundled report written in Traditional script (OpenCC s2t), folded in one pass and one at
    a time: the same Simplified text, each as long as its paragraph."""
    import opencc

    import textmine as tm
    from conftest import CORPUS

    paragraphs = [u.text for u in tm.split_units(tm.read_corpus(CORPUS)).units][:300]
    to_traditional = opencc.OpenCC("s2t")
    traditional = [to_traditional.convert(p) for p in paragraphs]
    assert sum(a != b for a, b in zip(paragraphs, traditional)) > 200
    folded = fold_many_for_counting(traditional, FOLDER)
    assert folded == [fold_for_counting(t, FOLDER) for t in traditional]
    assert [len(f) for f in folded] == [len(t) for t in traditional]
    assert sum(f == fold_for_counting(p, None) for f, p in zip(folded, paragraphs)) > 250


def test_long_texts_fold_through_the_table_as_short_ones_do():
    """A long text is width-folded through a numpy table of the BMP: the same as ``str.translate`` with the
    per-character rule, for every BMP character, characters beyond it (emoji, rare ideographs, mathematical
    letters) and a text holding a lone surrogate (folded the short way)."""
    from textmine.normalize import _TABLE_MIN_CHARS, _WIDTH_FOLDS, fold_width

    every = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    text = every + "𝐀𝐁😀𠀀𝟘🄰" + every[::-1]
    assert len(text) >= _TABLE_MIN_CHARS
    folded = fold_width(text)
    assert folded == text.translate(_WIDTH_FOLDS) and len(folded) == len(text)
    assert "ＡＢＣ１２３" not in folded and "ABC123" in fold_width("ＡＢＣ１２３" * _TABLE_MIN_CHARS)
    assert fold_width("𝐀" + "\ud800" + "，" * _TABLE_MIN_CHARS) == "A\ud800" + "," * _TABLE_MIN_CHARS
