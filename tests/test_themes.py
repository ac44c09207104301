"""Theme rules and the one theme counter: every mention, nested ones too, checked against plain substring counts."""

from __future__ import annotations

import pytest

import textmine as tm
from textmine.themes import (
    AllInSentence,
    Near,
    Theme,
    ThemeMatcher,
    ThemeSet,
    occurrences,
    parse_rule,
)

from conftest import cpc_rows


def _mentions(prepared, *themes: Theme, match: str = "substring"):
    matcher = ThemeMatcher(ThemeSet(themes), match=match)
    return [m for _, _, found in matcher.mentions(prepared.units, prepared.tokens) for ms in found.values()
            for m in ms]


# -- the rule language ------------------------------------------------------------------------------

def test_rules_parse_into_variants_near_and_same_sentence():
    assert parse_rule("智能体 | AI Agent | 智能代理") == ("智能体", "AI Agent", "智能代理")
    assert parse_rule("算电协同 | (算力 near 电力 within 20)") == ("算电协同", Near("算力", "电力", 20))
    assert parse_rule("(人工智能 & 安全 & 治理)") == (AllInSentence(("人工智能", "安全", "治理")),)


@pytest.mark.parametrize("rule, message", [
    ("智能体 | | 算力", "has an empty alternative"),
    ("(算力 near 电力 within 20", "unmatched '('"),
    ("算力 near 电力", "cannot read"),
    ("(算力 & )", "'&' needs a term on each side"),
])
def test_bad_rules_are_named(rule, message):
    with pytest.raises(tm.ConfigError, match=message.replace("(", r"\(")):
        parse_rule(rule, where="themes.toml: theme 'x' rule")


def test_bundled_theme_file_says_why_for_every_rule():
    from textmine.themes import read_theme_file

    themes = read_theme_file("default")
    assert {"智能体", "具身智能", "算电协同", "大模型", "算力", "数据"} <= set(themes.names)
    assert all(t.note for t in themes.themes)
    assert themes["数据"].not_inside == ("数据中心",)


# -- finding mentions -------------------------------------------------------------------------------

def test_latin_edges_do_not_match_inside_longer_names():
    # AI in OpenAI, AIGC or AI-driven is part of another name (the segmenter keeps those whole too)
    assert occurrences("AI", "OpenAI发布了AI产品，AI-driven与AIGC不同，AI+行动") == [9, 31]
    assert occurrences("GPT", "GPT-4o和GPT") == [7]
    assert occurrences("数据", "数据数据") == [0, 2]


def test_every_mention_of_a_term_is_counted_also_inside_longer_words(prepared):
    """人工智能 in the cleaned text of the bundled corpus: 496 occurrences (plain substring count of every
    paragraph; 510 before the CNNIC table of contents was left out, 9 of its 14 inside 生成式人工智能): 322 are
    a word token of their own, 165 sit inside longer words such as 生成式人工智能 and 人工智能+, and 9 were cut
    across tokens by the segmenter."""
    found = _mentions(prepared, Theme("人工智能", ("人工智能",)))
    plain = sum(u.norm.count("人工智能") for u in prepared.units)
    assert len(found) == plain == 496
    nested = [m for m in found if m.fit == "nested"]
    assert len(nested) == 165
    by_word = {w: sum(1 for m in nested if m.within == w) for w in {m.within for m in nested}}
    assert by_word["生成式人工智能"] == 138 and by_word["人工智能+"] == 18
    assert {m.fit for m in found} <= {"token", "nested", "split"}
    # token mode is the old exact-token count: only the mentions that are one whole word token
    exact = _mentions(prepared, Theme("人工智能", ("人工智能",)), match="token")
    assert len(exact) == sum(1 for m in found if m.fit == "token") == 322
    assert sum(1 for m in found if m.fit == "split") == 9


def test_not_inside_keeps_a_longer_word_out(prepared):
    data = Theme("数据", ("数据",))
    without_centres = Theme("数据", ("数据",), not_inside=("数据中心",))
    centres = sum(u.norm.count("数据中心") for u in prepared.units)
    assert centres > 0
    assert len(_mentions(prepared, data)) - len(_mentions(prepared, without_centres)) == centres


def test_overlapping_variants_of_one_theme_count_once(prepared):
    theme = Theme("数据", ("数据", "数据要素", "数据集"))
    plain = sum(u.norm.count("数据") for u in prepared.units)
    assert len(_mentions(prepared, theme)) == plain   # 数据要素 holds 数据: one mention, not two


def test_exclusions_and_same_sentence_rules_on_a_real_paragraph(tmp_path):
    # people-large-models-2025, the 电力巡检 paragraph (first two sentences)
    text = ("电力巡检事半功倍——电力巡检时，传统人工巡检工作任务繁重。借助AI和云边端技术，"
            "电网公司在保障电力安全时更加游刃有余。")
    (tmp_path / "themes.toml").write_text(
        '"巡检" = { rule = "巡检", exclude = ["电力巡检"] }\n'
        '"电网安全" = "(电网 & 安全)"\n'
        '"电力近AI" = "(AI near 电力 within 8)"\n'
        '"电力近AI9" = "(电力 near AI within 9)"\n', encoding="utf-8")
    config = tm.Config().replace(trends={"theme_file": str(tmp_path / "themes.toml"), "themes": []},
                                 segment={"domain_lexicon": False}, scale={"cache": False})
    prepared = tm.prepare(config, tm.Corpus((tm.Document("p", text),)))
    counts = tm.theme_counts(prepared).set_index("theme")["count"]
    # three 巡检, all in the first sentence, which holds 电力巡检: excluded
    assert counts["巡检"] == 0
    assert counts["电网安全"] == 1                # 电网 and 安全 share the second sentence
    tokens = prepared.tokens[0]
    ai = tokens.terms.index("AI")
    last_power = max(i for i, t in enumerate(tokens.terms) if t == "电力")
    assert last_power - ai == 9                  # 借助 AI 和 云边 端 技术 ， 电网 公司 在 保障 电力
    assert counts["电力近AI"] == 0 and counts["电力近AI9"] == 1


def test_segmentation_does_not_depend_on_the_themes_asked_for(config):
    """The word tokens — the denominator of every rate — are the same whatever themes or KWIC terms a
    command names."""
    one = tm.prepare(config.replace(trends={"themes": ["智能体"]}, kwic={"queries": ["算力"]}, scale={"cache": False}))
    other = tm.prepare(config.replace(trends={"themes": ["人工智能", "经济", "算电协同", "数据要素"]},
                                      scale={"cache": False}))
    assert one.tokens == other.tokens and one.token_totals == other.token_totals


@pytest.mark.parametrize("term", ["人工智能", "经济", "社会主义", "改革开放"])
def test_congress_counts_equal_plain_substring_counts_of_the_folded_text(cpc, term):
    """Independent count: occurrences in the OpenCC-simplified raw text (no cleaning, no segmentation);
    cleaning drops nothing that holds these terms in this series."""
    import opencc

    convert = opencc.OpenCC("t2s").convert
    expected = {r["id"]: convert(r["content"]).count(term) for r in cpc_rows()}
    found = _mentions(cpc, Theme(term, (term,)))
    mine = {doc_id: 0 for doc_id in expected}
    for m in found:
        mine[m.doc_id] += 1
    assert mine == expected
