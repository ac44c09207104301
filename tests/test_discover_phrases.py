"""Discovery lists terms, not verb phrases or clauses: the shape of a candidate's parts and the slots it is
used in, on real strings and on real reviews."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import shopping_reviews

import textmine as tm
from textmine.newterms import (
    _allowed,
    _is_phrase,
    _mixed_name,
    _noun_slots,
    _predicate_slots,
    _score,
    discover,
    jieba_tags,
)


@pytest.fixture(scope="module")
def plain():
    """jieba without its HMM and without any lexicon, as discovery runs with ``--lexicon none``."""
    segmenter = tm.JiebaSegmenter(tm.build_lexicon(domain=False), hmm=False).initialize()
    return segmenter, jieba_tags(segmenter)


@pytest.mark.parametrize("phrase", [
    "收到货", "拿到手", "洗完头发", "吃完", "送到家",        # a verb with a resultative complement
    "一句话", "半个小时", "第二天早上", "一本好书", "两大瓶", "两小瓶",   # a count with its classifier
    "千万不要", "脏啊垃圾",                                # a negation at the end, a particle inside
])
def test_phrase_shapes_are_never_candidates(plain, phrase):
    segmenter, tags = plain
    tokens = tuple(segmenter.lcut(phrase))
    assert len(tokens) > 1 and not _allowed(tokens, tags, Counter())


@pytest.mark.parametrize("term", [
    "送货速度", "快递小哥", "快递员", "聊天机器人", "推理成本", "平板电脑", "大床房",   # a verb part is not enough
    "十五五", "千行百业", "算电协同", "东数西算", "具身智能", "智能体", "大模型",
])
def test_nominal_shapes_stay_candidates(plain, term):
    segmenter, tags = plain
    tokens = tuple(segmenter.lcut(term))
    assert len(tokens) > 1 and _allowed(tokens, tags, Counter())


def test_a_coinage_ending_in_plus_stays_a_candidate(plain):
    _, tags = plain
    assert _allowed(("人工智能", "+"), tags, Counter())
    assert not _allowed(("+", "人工智能"), tags, Counter())


def test_slots_are_read_from_the_neighbouring_words(plain):
    _, tags = plain
    # 的, a preposition, a demonstrative and a numeral word open a noun slot; an adverb, a negation and
    # a modal verb a predicate slot, and so does an aspect particle after; 就是 and 赋能's 能 neither
    left = Counter({"的": 3, "给": 2, "这款": 1, "一次": 1, "坚决": 4, "不": 2, "想": 1, "就是": 5, "能": 2})
    right = Counter({"了": 2, "的": 7, "很": 3})
    assert _noun_slots(left, tags) == 3 + 2 + 1 + 1
    assert _predicate_slots(left, right, tags) == 4 + 2 + 1 + 2


def test_phrase_rule_on_the_counts_of_the_full_review_set():
    """(freq, noun slots, predicate slots, whole clause) as measured on the 62,774 reviews."""
    assert _is_phrase(156, 7, 15, 94)          # 支持国货
    assert _is_phrase(524, 11, 256, 13)        # 收到货 (刚/就/才 收到货, 收到货了)
    assert _is_phrase(137, 0, 0, 101)          # 包装完好: a comment clause on its own
    assert not _is_phrase(2528, 368, 192, 914)  # 差评: named after 给/的/个 often enough
    assert not _is_phrase(133, 39, 2, 1)       # 平板电脑
    assert not _is_phrase(291, 26, 0, 3)       # 送货速度
    assert not _is_phrase(3, 0, 0, 3)          # too rare to judge: a term in a list of three
    assert not _is_phrase(9, 0, 0, 9) and _is_phrase(10, 0, 0, 4)


@pytest.fixture(scope="module")
def reviews():
    """The tablet and Mengniu-milk reviews of the online-shopping set (12,033 reviews)."""
    frame = shopping_reviews()
    chosen = frame[frame["cat"].isin(["平板", "蒙牛"])]["review"].fillna("").astype(str)
    corpus = tm.Corpus(tuple(tm.Document(str(i), text) for i, text in chosen.items()))
    text = "\n".join(unit.norm for unit in tm.split_units(corpus).units)
    return discover(tm.Config(), corpus=corpus, top_n=200), text


def test_frequent_verb_phrases_of_the_reviews_are_not_listed(reviews):
    table, text = reviews
    phrases = ["支持国货", "支持国产", "抵制蒙牛", "收到货", "拿到手", "建议大家", "相信京东"]
    assert all(text.count(p) >= 40 for p in phrases), {p: text.count(p) for p in phrases}
    assert not set(phrases) & set(table.term)


def test_nouns_with_a_verb_part_stay_at_the_top(reviews):
    table, _ = reviews
    top = list(table.term[:30])
    assert {"快递小哥", "快递员", "送货速度", "运行速度", "平板电脑", "钢化膜"} <= set(top), top
    row = table.set_index("term").loc["快递小哥"]
    assert f"noun_slots={row.noun_slots};predicate_slots={row.predicate_slots}" in row.signals


@pytest.mark.parametrize("phrase", [
    "加快推进", "深入实施", "扎实推进", "推动人工智能", "坚持四项基本原则", "帮助企业",   # opened as a predicate
    "全面推进", "数据显示", "规模超过", "能力显著提升",                                  # closed as one
])
def test_predicates_of_policy_writing_are_never_candidates(plain, phrase):
    segmenter, tags = plain
    tokens = tuple(segmenter.lcut(phrase))
    assert len(tokens) > 1 and not _allowed(tokens, tags, Counter())


@pytest.mark.parametrize("term", ["全面深化改革", "经济增长", "转移支付", "高质量发展", "数据标注", "社会治理"])
def test_policy_terms_with_verbs_inside_stay_candidates(plain, term):
    segmenter, tags = plain
    tokens = tuple(segmenter.lcut(term))
    assert len(tokens) > 1 and _allowed(tokens, tags, Counter())


def test_quantities_with_units_are_not_names():
    # from the bundled reports: 50ZB, 1037.3EFLOPS, 17282TB, 1080p, 4x4 are quantities; 5G, 3D, H20 are names
    assert not any(map(_mixed_name, ["50ZB", "1037.3EFLOPS", "17282TB", "1080p", "4x4", "128GB"]))
    assert all(map(_mixed_name, ["5G", "3D", "H20", "GPT-4o", "Qwen3", "DeepSeek-R1"]))


def test_a_quote_counts_in_full_only_with_the_evidence_of_three_occurrences():
    # a coinage quoted once and seen once: 3 · log2(2) · 1/3; seen three times, quoted once: the full 3
    assert _score(1, 0.0, 0.0, 0.0, 1) == pytest.approx(1.0)
    assert _score(3, 0.0, 0.0, 0.0, 1) == pytest.approx(3.0)
    # a mixed name seen once gets no name bonus, seen twice it does
    assert _score(1, 0.0, 0.0, 0.0, 0, single_latin=True, mixed=True) == 0.0
    assert _score(2, 0.0, 1.0, 1.0, 0, single_latin=True, mixed=True) == pytest.approx(3.0 + 1.5849625 / 2)
