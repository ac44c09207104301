"""The fast backend (rjieba) agrees with the jieba reference: same lexicon, same protected spans, same tokens."""

from __future__ import annotations

import numpy as np
import pytest

import textmine as tm
from textmine.segment import resolve_backend, segment_texts
from textmine.segment.jieba_backend import JiebaSegmenter
from textmine.segment.rjieba_backend import RjiebaSegmenter
from textmine.units import split_units

from conftest import shopping_reviews

pytest.importorskip("rjieba")


@pytest.fixture(scope="module")
def pair():
    config = tm.Config()
    reference = tm.make_segmenter(config.replace(segment={"backend": "jieba"})).initialize()
    fast = tm.make_segmenter(config.replace(segment={"backend": "rjieba"})).initialize()
    assert type(reference) is JiebaSegmenter and isinstance(fast, RjiebaSegmenter)
    return reference, fast


def _share_identical(texts, pair):
    reference, fast = pair
    expected, got = segment_texts(texts, reference), segment_texts(texts, fast)
    return sum(a == b for a, b in zip(expected, got)) / len(texts), expected, got


def test_auto_backend_is_rjieba_when_installed():
    assert resolve_backend("auto") == "rjieba"
    assert tm.make_segmenter(tm.Config()).name == "rjieba"
    with pytest.raises(tm.ConfigError, match="backend"):
        resolve_backend("pkuseg")


def test_identical_tokens_on_every_unit_of_the_bundled_corpus(pair, prepared):
    share, expected, got = _share_identical([u.norm for u in prepared.units], pair)
    assert len(prepared.units) == 390
    # Measured: all 390 units identical (the issue asks for at least 99%).
    assert share == 1.0, [(a, b) for a, b in zip(expected, got) if a != b][:3]


def test_identical_tokens_on_the_shopping_reviews(pair):
    reviews = shopping_reviews(dtype=str, keep_default_na=False)["review"]
    documents = [tm.Document(str(i), text) for i, text in enumerate(reviews) if i % 16 == 0]
    units = split_units(documents).units
    assert len(units) > 3500
    share, _, _ = _share_identical([u.norm for u in units], pair)
    # Every 16th review (the benchmark checks all 62,774): measured 99.99% identical.
    assert share >= 0.99


def test_every_lexicon_and_theme_term_is_segmented_the_same_way(pair):
    reference, fast = pair
    terms = reference.lexicon.terms
    assert len(terms) > 80
    for term in terms:
        assert fast.lcut(term) == reference.lcut(term) == [term], term
        # …and inside running text, next to words that could steal a character
        sentence = f"我们认为{term}的发展是关键"
        assert fast.lcut(sentence) == reference.lcut(sentence), term


def test_lexicon_layers_and_latin_names_behave_as_in_the_reference(tmp_path):
    lexicon = tmp_path / "mine.txt"
    lexicon.write_text("智算集群 10\n", encoding="utf-8")
    config = tm.Config().replace(segment={"lexicons": (str(lexicon),), "backend": "rjieba"})
    fast = tm.make_segmenter(config)
    reference = tm.make_segmenter(config.replace(segment={"backend": "jieba"}))
    text = "DeepSeek-R1和GPT-4o在万卡智算集群上运行，2005-2008年，e-mail，v1.2.3版，高达20-30%"
    assert fast.tokenize(text) == reference.tokenize(text)
    # A bare number range is not a protected name; jieba cuts it at the hyphen (jieba-rs alone would not).
    assert fast.lcut(text) == ["DeepSeek-R1", "和", "GPT-4o", "在", "万卡", "智算集群", "上", "运行", "2005", "2008",
                               "年", "e-mail", "v1.2.3", "版", "高达", "20", "30%"]


def test_runs_of_digits_and_separators_are_cut_as_jieba_cuts_them():
    """jieba-rs keeps 2005-2008 or 1.2.3 whole where jieba's HMM path cuts them; the fast backend cuts them as
    jieba does, in every path (one text, one engine call per block, text holding the mask character)."""
    import jieba

    plain = jieba.Tokenizer()
    config = tm.Config().replace(segment={"backend": "rjieba", "domain_lexicon": False, "protect_latin": False})
    fast = tm.make_segmenter(config)
    texts = ["2005-2008年", "第3-5名", "1.2.3", "2024.05.01发布", "1_000", "x-y和a.b", "高达20-30%", "共12-3人",
             "1--a", "增长率高达90%，近10年来", "GPT-4o"]
    for text in texts + ["\x00面具2005-2008年"]:
        assert [t for t, _ in fast.tokenize(text)] == plain.lcut(text), text
    assert fast.segment_many(texts) == [fast.words(t) for t in texts]
    assert fast.words("2005-2008年") == (("2005", "2008", "年"), (0, 5, 9))


def test_segmenter_survives_pickling_for_workers(pair):
    import pickle

    fast = pickle.loads(pickle.dumps(pair[1]))
    assert fast.lcut("具身智能与智能体") == ["具身智能", "与", "智能体"]


def test_one_engine_call_with_masked_spans_equals_cutting_between_them(pair, prepared):
    """The fast backend cuts a unit once, each protected span masked by one character; that must give the
    tokens of cutting every stretch between the spans on its own, on units that have spans."""
    _, fast = pair
    reviews = shopping_reviews(dtype=str, keep_default_na=False)["review"]
    sampled = split_units([tm.Document(str(i), text) for i, text in enumerate(reviews[::8])]).units
    texts = [u.norm for u in prepared.units] + [u.norm for u in sampled]
    with_spans = [(t, p) for t in texts if (p := fast._pattern_for(t)) is not None and len(p.findall(t)) > 1]
    # Measured: 215 corpus units and 384 of 7,847 sampled reviews hold two or more spans
    # (Latin names and runs of English words, lexicon terms; bare numbers are not protected).
    assert len(with_spans) > 550
    for text, pattern in with_spans:
        assert fast._all_tokens(text)[0] == fast._cut_between(text, pattern), text


def test_fast_protected_span_patterns_find_the_reference_spans(pair, prepared):
    """The fast backend's span patterns (guarded by look-aheads, or the plain-term trie for texts without
    Latin letters, digits or ``@``) must find exactly the spans of the reference pattern."""
    reference, fast = pair
    reviews = shopping_reviews(dtype=str, keep_default_na=False)["review"]
    sampled = split_units([tm.Document(str(i), text) for i, text in enumerate(reviews[::4])]).units
    texts = [u.norm for u in prepared.units] + [u.norm for u in sampled] + AWKWARD

    def spans(pattern, text):
        return [(m.start(), m.group()) for m in pattern.finditer(text)] if pattern is not None else []

    found = [spans(fast._pattern_for(t), t) for t in texts]
    assert found == [spans(reference._protected, t) for t in texts]
    assert sum(map(len, found)) > 4500  # measured: 4,587 spans (13,077 while bare numbers and theme terms were protected)
    config = tm.Config().replace(segment={"protect_latin": False})
    latin_off = [tm.make_segmenter(config.replace(segment={"backend": b})).initialize() for b in ("jieba", "rjieba")]
    assert [spans(latin_off[1]._pattern_for(t), t) for t in texts] == [spans(latin_off[0]._protected, t) for t in texts]


def test_text_holding_the_mask_character_is_still_cut_correctly(pair):
    reference, fast = pair
    text = "具身智能\x00大模型在2025年发布了GPT-5"
    assert fast.tokenize(text) == reference.tokenize(text)
    assert "具身智能" in fast.lcut(text) and "GPT-5" in fast.lcut(text)


AWKWARD = ["", " ", "\r", "好评\r", "\x01分隔\x01", "面具\x00字符GPT-5", "https://www.example.com/a?b=1 网址",
           "邮件 someone@example.cn 联系", "联系-admin@example.com或.x@y.cn", "...", "--", "5G+AI", "_",
           "ＡＢＣ１２３", "Ⅻ卷", "𠀀𠀁字"]


def test_block_segmentation_equals_one_text_at_a_time(pair, prepared):
    """``segment_many`` cuts 500 texts per engine call and sorts tokens back with numpy; it must give what
    cutting each text alone gives, on real units and on texts built to stress the joins."""
    _, fast = pair
    texts = [u.norm for u in prepared.units] + AWKWARD
    assert fast.segment_many(texts) == [fast.words(t) for t in texts]
    assert fast.segment_many([]) == []
    for text in AWKWARD:  # alone too: a block holding the mask character is cut text by text
        assert fast.segment_many([text, "大模型和智能体"]) == [fast.words(text), fast.words("大模型和智能体")], text
    latin_off = tm.make_segmenter(tm.Config().replace(segment={"backend": "rjieba", "protect_latin": False}))
    assert latin_off.segment_many(AWKWARD) == [latin_off.words(t) for t in AWKWARD]


def test_block_segmentation_equals_one_text_at_a_time_on_the_reviews(pair):
    _, fast = pair
    reviews = shopping_reviews(dtype=str, keep_default_na=False)["review"]
    texts = [u.norm for u in split_units([tm.Document(str(i), t) for i, t in enumerate(reviews[::4])]).units]
    assert len(texts) > 15000
    assert fast.segment_many(texts) == [fast.words(t) for t in texts]


def test_character_class_table_matches_python(pair):
    import sys

    from textmine.segment.rjieba_backend import _ALNUM, _URL_MARK, _char_class_table

    table = _char_class_table()
    assert table.shape == (sys.maxunicode + 1,)
    step = 7  # every 7th code point across all planes, and every CJK ideograph of the basic block
    codes = list(range(0, sys.maxunicode + 1, step)) + list(range(0x4E00, 0xA000))
    assert [bool(table[c] & _ALNUM) for c in codes] == [chr(c).isalnum() for c in codes]
    assert [chr(c) for c in np.flatnonzero(table & _URL_MARK)] == [".", ":", "@"]
    # a segmenter starts with the Basic Multilingual Plane and grows its table to the code points it meets
    segmenter = tm.make_segmenter(tm.Config().replace(segment={"backend": "rjieba"})).initialize()
    assert len(segmenter._char_classes) == 0x10000
    texts = ["𠀀𠀁字和大模型", "表情😀也行"]   # U+20001 is the highest code point here
    assert segmenter.segment_many(texts) == [segmenter.words(t) for t in texts]
    grown = segmenter._char_classes
    assert len(grown) == 0x20002 and np.array_equal(grown, table[:len(grown)])


def test_blocks_are_bounded_in_units_and_characters():
    from textmine.segment.rjieba_backend import BLOCK_CHARS, BLOCK_UNITS, _blocks

    texts = ["短句"] * 1200 + ["长" * (BLOCK_CHARS - 10), "再来", "长" * (BLOCK_CHARS * 2)] + ["尾"] * 3
    blocks = list(_blocks(texts))
    assert [t for b in blocks for t in b] == texts  # every text once, in order
    assert [len(b) for b in blocks] == [BLOCK_UNITS, BLOCK_UNITS, 200, 2, 1, 3]
    assert all(len(b) == 1 or sum(map(len, b)) <= BLOCK_CHARS for b in blocks)
    assert list(_blocks([])) == []


def test_shared_terms_are_one_string_object_each(pair, prepared):
    """With a ``shared`` dict, both backends give the same tokens as without, and every term, across calls and
    down the rare one-text-at-a-time path (a text holding the mask character), is the dict's own string object."""
    texts = [u.norm for u in prepared.units] + AWKWARD
    for segmenter in pair:
        shared: dict[str, str] = {}
        halves = (texts[: len(texts) // 2], texts[len(texts) // 2:])
        got = [r for half in halves for r in segment_texts(half, segmenter, shared)]
        assert got == segment_texts(texts, segmenter)
        terms = [t for ts, _ in got for t in ts]
        assert len(terms) > 10_000 and len(shared) < len(terms) / 3
        assert all(shared[t] is t for t in terms)
