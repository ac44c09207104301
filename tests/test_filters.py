"""The term filter: junk never reaches the tables, the field's terms always do."""

from __future__ import annotations

import re
from collections import Counter

import pytest

import textmine as tm
from textmine.filters import RULES, TermFilter, config_term_filter
from textmine.lexicon import Lexicon, LexiconEntry, read_domain_lexicon

JUNK = {
    "quantity": ["万种", "亿美元", "万家", "余家", "千亿", "万亿元", "万吨", "多万名", "多亿元", "万亿韩元", "万块", "万枚",
                 "万英镑", "十四年", "一九七五年", "百分之二十", "三十多家", "万余张", "两个", "十分"],
    "list_marker": ["一是", "二是", "三是", "四是", "五是", "十是", "其一", "第一", "第三卷", "第十三届", "首次"],
    "deictic": ["这种", "这家", "这是", "那些", "本届", "每年", "各国", "该机", "此外", "我们", "我国"],
    "function": ["没有", "应当", "现在", "很大", "不久", "不可", "不能", "可能", "非常", "最高", "去年", "当时", "以下",
                 "之间"],
    "latin_unit": ["17282TB", "1037.3EFLOPS", "50ZB", "EFLOPS", "TB", "kWh", "1080p", "128GB", "24mm", "10x"],
    "english_text": ["the", "of", "But it will be the driver"],
}
# names of the field (the list), and words that look like a rule's pattern but are real
MUST_PASS = ["AI", "GPT-4o", "DeepSeek", "DeepSeek-R1", "5G", "4G", "6G", "3D", "4K", "3C", "Token", "AIGC", "OpenAI",
             "Qwen3", "H20", "大模型", "智能体", "人工智能+", "十四五", "十五五", "十二五", "九五",
             "百度", "万卡", "万物", "九章", "两会", "两岸", "三农", "第三方", "第三世界", "第三产业", "四六级", "零件",
             "多头", "超市", "数据", "数字", "本科", "本田", "那英", "哪吒", "首发", "首都", "千行百业", "百模大战",
             "五月天", "八一队", "一体化", "一线", "未来", "西部", "赛季", "相机",
             "Grand View Research", "Precedence Research", "check in", "Research", "Gemini"]


@pytest.mark.parametrize("rule,terms", JUNK.items())
def test_junk_is_dropped_by_its_rule(rule, terms):
    bare = TermFilter()
    assert {t: bare.reason(t) for t in terms} == {t: rule for t in terms}
    assert not any(map(bare, terms))


def test_the_fields_terms_and_look_alike_words_pass_without_protection():
    bare = TermFilter()   # no stopwords, nothing protected: the rules alone
    lexicon = [row["term"] for row in read_domain_lexicon()[0]]
    assert len(lexicon) > 80
    assert {t: bare.reason(t) for t in lexicon + MUST_PASS if not bare(t)} == {}


def test_keep_wins_over_every_rule_and_stopword():
    dropped = TermFilter(frozenset({"没有"}), 2)
    assert not dropped("没有") and not dropped("不丹")  # 不丹 (Bhutan) looks like a negation: keep it by hand
    kept = TermFilter(frozenset({"没有"}), 2, frozenset({"没有", "不丹"}))
    assert kept("没有") and kept("不丹")
    assert TermFilter(rules=False)("万种") and TermFilter(rules=False)("5G")
    assert set(RULES) == {"quantity", "list_marker", "deictic", "function", "latin_unit", "english_text"}


def test_filter_keep_in_the_config_is_folded_like_the_text():
    config = tm.Config().replace(filter={"keep": ("沒有", " 不丹 "), "stopwords": "none"})
    lexicon = Lexicon((LexiconEntry("大模型", "domain"),), {})
    term_filter, _, _ = config_term_filter(config, lexicon)
    assert term_filter("没有") and term_filter("不丹") and term_filter("大模型")
    assert not term_filter("这种")
    assert config_term_filter(config.replace(filter={"rules": False, "keep": ()}), lexicon)[0]("没有")


def test_bundled_corpus_tables_hold_no_junk_and_keep_5g(prepared):
    from textmine.pipeline import keyness_stage, keywords_stage

    keywords = keywords_stage(prepared)
    listed = set(keywords["keywords"].term) | set(keyness_stage(prepared)["keyness"].term)
    vocab = dict(zip(keywords["vocab"].term, keywords["vocab"]["count"]))
    # measured with the rules off: 万种 (people's top keyness term), 一是, 我国, 这家, 最高, 不同, 可能 were listed
    assert not listed & {"万种", "万家", "一是", "二是", "三是", "我国", "这家", "最高", "不同", "可能", "以下", "Research"}
    assert not {t for t in vocab if prepared.term_filter.reason(t) is not None}
    # 5G and 3D were dropped as numbers before; now each counts every occurrence, checked against the text
    for name in ("5G", "3D"):
        pattern = re.compile(rf"(?<![A-Za-z0-9-]){name}(?![A-Za-z0-9-])")
        assert vocab[name] == sum(len(pattern.findall(u.norm)) for u in prepared.units) > 0
    # English fragments: the market-research firms stay whole names
    assert vocab["Precedence Research"] == sum(u.norm.count("Precedence Research") for u in prepared.units) == 2
    assert not {"Grand", "View", "Research", "Precedence"} & set(vocab)


def test_filter_decides_each_distinct_term_once(prepared):
    counts = Counter(t for unit in prepared.tokens for t in unit.terms)
    term_filter, _, _ = config_term_filter(prepared.config, prepared.lexicon)
    kept = sum(len(term_filter.terms(u)) for u in prepared.tokens)
    assert kept == sum(n for t, n in counts.items() if term_filter(t))
    assert len(term_filter._seen) == len(counts)
