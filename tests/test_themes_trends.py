"""Theme rules and honest trends, on the bundled reports and the 1921–2022 congress report series."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import CORPUS, shared_file
from test_run import textmine


@pytest.fixture(scope="module")
def trends(prepared):
    from textmine.pipeline import analyse_trends

    return analyse_trends(prepared)


# -- the rule language ------------------------------------------------------------------------------

def test_rules_parse_into_variants_near_and_same_sentence():
    from textmine.themes import AllInSentence, Near, parse_rule

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
    from textmine import ConfigError
    from textmine.themes import parse_rule

    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        parse_rule(rule, where="themes.toml: theme 'x' rule")


def test_bundled_theme_file_reads_and_every_term_is_protected(prepared):
    from textmine.themes import read_theme_file

    themes = read_theme_file("default")
    assert {"智能体", "具身智能", "算电协同", "大模型", "算力", "数据"} <= set(themes.names)
    assert all(t.note for t in themes.themes)  # every rule says why
    protected = {e.term for e in prepared.lexicon.entries if e.source == "theme"}
    assert {"AI Agent", "电力", "算电协同", "大语言模型"} <= protected
    # a protected variant is one token, so it is counted as a whole
    assert any("AI Agent" in t.terms for t in prepared.tokens)


def test_default_rules_on_the_bundled_reports(trends):
    counts = trends["trends"].pivot(index="theme", columns="doc_id", values="count")
    # 智能体: grep gives 11/3/14/5 occurrences of 智能体 (ccid's AI智能体 included) plus 3 of 'AI Agent' in cnnic
    assert counts.loc["智能体"].to_dict() == {"ccid-ai-outlook-2026": 11, "people-large-models-2025": 3,
                                            "cnnic-genai-report-2025": 17, "xinhua-ai-trends-2026": 5}
    # 算电协同 once as a word, twice written out: 算力与电力加快协同 / 电力，被业界称为“算力的尽头”
    assert counts.loc["算电协同"].to_dict() == {"ccid-ai-outlook-2026": 0, "people-large-models-2025": 0,
                                             "cnnic-genai-report-2025": 0, "xinhua-ai-trends-2026": 3}
    table = trends["trends"]
    first = table[table["first_appearance"]].set_index("theme")["doc_id"]
    assert first["算电协同"] == "xinhua-ai-trends-2026" and first["智能体"] == "ccid-ai-outlook-2026"


def test_exclusions_and_same_sentence_rules_on_a_real_paragraph(tmp_path):
    import textmine as tm

    # people-large-models-2025, the 电力巡检 paragraph (first two sentences)
    text = ("电力巡检事半功倍——电力巡检时，传统人工巡检工作任务繁重。借助AI和云边端技术，"
            "电网公司在保障电力安全时更加游刃有余。")
    (tmp_path / "themes.toml").write_text(
        '"巡检" = { rule = "巡检", exclude = ["电力巡检"] }\n'
        '"电网安全" = "(电网 & 安全)"\n'
        '"电力近AI" = "(AI near 电力 within 8)"\n'
        '"电力近AI9" = "(电力 near AI within 9)"\n', encoding="utf-8")
    config = tm.Config().replace(trends={"theme_file": str(tmp_path / "themes.toml"), "themes": []},
                                 segment={"domain_lexicon": False})
    corpus = tm.Corpus((tm.Document("p", text),))
    prepared = tm.prepare(config, corpus)
    from textmine.periods import unit_theme_counts

    counts = unit_theme_counts(prepared.units, prepared.tokens, prepared.theme_set).set_index("theme")["count"]
    tokens = prepared.tokens[0].terms
    assert tokens[:3] == ("电力巡检", "事半功倍", "电力巡检")  # the excluded phrase is protected, one token
    # the one token 巡检 (人工巡检) is in the first sentence, which holds 电力巡检: excluded
    assert tokens.count("巡检") == 1 and counts["巡检"] == 0
    # 电网 and 安全 share the second sentence: one hit
    assert counts["电网安全"] == 1
    # AI 和 云边 端 技术 电网 公司 在 保障 电力: 电力 is 9 word tokens after AI
    assert tokens.index("电力") - tokens.index("AI") == 9
    assert counts["电力近AI"] == 0 and counts["电力近AI9"] == 1


def test_themes_option_keeps_plain_terms_working(tmp_path):
    out = tmp_path / "out"
    result = textmine("trends", "--corpus", str(CORPUS), "--themes", "智能体,机器人", "--out", str(out), "--quiet",
                      "--no-images")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "trends.csv")
    assert list(table.columns[:5]) == ["theme", "doc_id", "date", "count", "per_10k"]
    assert list(dict.fromkeys(table["theme"])) == ["智能体", "机器人"]
    # 智能体 takes its rule from the bundled file; 机器人 is a plain term: 65 times in the cleaned text, 20 of
    # them inside lexicon compounds that are tokens of their own (人形机器人 16, 工业机器人 2, 服务机器人 1,
    # 具身机器人 1)
    assert table[table.theme == "智能体"]["count"].sum() == 36
    assert table[table.theme == "机器人"]["count"].sum() == 45


# -- periods on the congress series -----------------------------------------------------------------

CPC_THEMES = '''
"生态文明" = "生态文明"
"阶级斗争" = "阶级斗争"
"中国特色社会主义" = "中国特色社会主义 | (中国特色 near 社会主义 within 3)"
"中国特色社会主义(词)" = "中国特色社会主义"
'''


@pytest.fixture(scope="module")
def cpc(tmp_path_factory):
    import textmine as tm

    path = shared_file("cpc_congress_reports.jsonl")
    folder = tmp_path_factory.mktemp("cpc")
    (folder / "themes.toml").write_text(CPC_THEMES, encoding="utf-8")
    config = tm.Config().replace(
        corpus={"path": str(path), "text_col": "content", "id_col": "id", "date_col": "year"},
        trends={"theme_file": str(folder / "themes.toml"), "themes": [], "by": "year"},
        # counts here are taken token by token, and a protected policy term takes the tokens of the words
        # inside it (社会主义 in 社会主义民主): these checks use the layers without the policy lexicon
        segment={"policy_lexicon": False})
    return tm.prepare(config)


@pytest.fixture(scope="module")
def cpc_trends(cpc):
    from textmine.periods import document_trends, period_trends, unit_theme_counts

    units = unit_theme_counts(cpc.units, cpc.tokens, cpc.theme_set)
    return units, document_trends(units, cpc.theme_set, cpc.corpus), period_trends(
        units, cpc.theme_set, cpc.corpus, by="year", seed=42, resamples=400)


def _opencc_counts(term: str) -> dict[str, int]:
    """Independent count: occurrences in the OpenCC-simplified raw text, no segmentation."""
    import opencc

    convert = opencc.OpenCC("t2s").convert
    rows = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").read_text("utf-8").splitlines()]
    return {r["id"]: convert(r["content"]).count(term) for r in rows}


@pytest.mark.parametrize("theme", ["生态文明", "阶级斗争"])
def test_congress_counts_match_an_independent_count(cpc_trends, theme):
    _, docs, _ = cpc_trends
    mine = docs[docs.theme == theme].set_index("doc_id")["count"].to_dict()
    assert mine == _opencc_counts(theme)


def test_first_appearances_are_the_historical_ones(cpc_trends):
    _, _, periods = cpc_trends
    first = periods[periods["first_appearance"]].set_index("theme")["period"]
    assert first["生态文明"] == "2007"             # 17th congress
    assert first["阶级斗争"] == "1921"             # 北京共产主义组织的报告
    assert first["中国特色社会主义(词)"] == "1992"  # the set phrase, 14th congress
    # the near rule also codes 1987's 有中国特色的社会主义 (13 times in the 13th congress report)
    assert first["中国特色社会主义"] == "1987"
    row = periods[(periods.theme == "中国特色社会主义") & (periods.period == "1987")].iloc[0]
    assert row["count"] == 13


def test_period_rows_are_honest(cpc_trends):
    units, docs, periods = cpc_trends
    assert list(periods.columns[:9]) == ["theme", "period", "n_docs", "doc_freq", "count", "tokens", "per_10k",
                                         "ci_low", "ci_high"]
    p1921 = periods[(periods.theme == "阶级斗争") & (periods.period == "1921")].iloc[0]
    # two reports in 1921: the interval resamples documents; only one of them says 阶级斗争
    assert (p1921["n_docs"], p1921["doc_freq"], p1921["count"], p1921["ci_over"]) == (2, 1, 1, "documents")
    assert p1921["tokens"] == docs[docs.theme == "阶级斗争"].set_index("doc_id").loc[
        ["congress01", "congress01-2"], "tokens"].sum()
    assert p1921["per_10k"] == pytest.approx(1 / p1921["tokens"] * 1e4)
    seen = periods[periods["count"] > 0]
    assert set(seen[seen.n_docs == 1]["ci_over"]) == {"paragraphs"}
    assert (periods["ci_low"] <= periods["per_10k"] + 1e-9).all() and (periods["per_10k"] <= periods["ci_high"] + 1e-9).all()
    # never seen: lower bound 0, upper bound the exact Poisson bound for 0 events (3.689 at 95 %) per 10k tokens
    zero = periods[periods["count"] == 0]
    assert set(zero["ci_over"]) == {"poisson"} and (zero["ci_low"] == 0).all()
    assert zero["ci_high"].to_numpy() == pytest.approx(3.6889 / zero["tokens"].to_numpy() * 1e4, rel=1e-4)
    # a clear rise: 2007 → 2012 for 生态文明 (2 → 15 mentions) has non-overlapping intervals
    from textmine.periods import trend_changes

    changes = trend_changes(periods)
    rise = changes[(changes.theme == "生态文明") & (changes.from_period == "2007")].iloc[0]
    assert rise["to_period"] == "2012" and rise["direction"] == "rise"
    never = changes[(changes.theme == "生态文明") & (changes["to_period"] <= "2002")]
    assert set(never["direction"]) == {"flat"} and (never["log2_ratio"] == 0).all()
    fall = changes[(changes.theme == "生态文明") & (changes.from_period == "2017")].iloc[0]
    assert fall["direction"] == "fall" and fall["rank"] >= 1


def test_by_metadata_field_groups_the_two_first_congress_reports(cpc):
    from textmine.periods import assign_periods

    periods = assign_periods(cpc.corpus, "congress")
    assert periods[0].label == "1" and periods[0].doc_ids == ("congress01", "congress01-2")
    assert [p.label for p in periods][-3:] == ["18", "19", "20"]
    from textmine import ConfigError

    with pytest.raises(ConfigError, match="by = 'decade' is not allowed"):
        assign_periods(cpc.corpus, "decade")


def test_no_leakage_and_seeded_intervals(cpc, cpc_trends):
    import textmine as tm
    from textmine.periods import period_trends

    units, _, full = cpc_trends
    early_ids = [d.id for d in cpc.corpus if d.date.year <= 1992]
    early = tm.Corpus(tuple(cpc.corpus[i] for i in early_ids))
    part = period_trends(units[units.doc_id.isin(early_ids)], cpc.theme_set, early, by="year", seed=42,
                         resamples=400)
    # the earlier periods are the same whether or not later reports exist
    merged = full.merge(part, on=["theme", "period"], suffixes=("", "_early"))
    assert len(merged) == len(part)
    for column in ("count", "tokens", "per_10k", "ci_low", "ci_high", "first_appearance"):
        assert (merged[column] == merged[column + "_early"]).all(), column
    again = period_trends(units, cpc.theme_set, cpc.corpus, by="year", seed=42, resamples=400)
    pd.testing.assert_frame_equal(again, full)
    other = period_trends(units, cpc.theme_set, cpc.corpus, by="year", seed=7, resamples=400)
    assert not np.allclose(other["ci_high"], full["ci_high"])


def test_periods_by_month_and_by_publisher(prepared):
    from textmine.periods import assign_periods

    by_month = assign_periods(prepared.corpus, "month")
    # two reports known only to the year 2025 form their own period, before 2025-10
    assert [(p.label, len(p.doc_ids)) for p in by_month] == [("2025", 2), ("2025-10", 1), ("2026-01", 1)]
    by_publisher = assign_periods(prepared.corpus, "publisher")
    assert by_publisher[-1].label == "新华社" and len(by_publisher) == 4


@pytest.mark.parametrize("args, message", [
    (["trends", "--themes", "nope.toml"], "theme file 'nope.toml' does not exist ([trends] theme_file)"),
    (["trends", "--by", "colour"], "[trends] by = 'colour' is not allowed; expected date, year, month or a metadata"),
    (["trends", "--themes", "bad.toml"], "bad.toml: theme 'x': unknown key 'excl'; known keys: rule, exclude, note"),
])
def test_theme_and_period_errors_are_one_line(args, message, tmp_path, capsys, monkeypatch):
    from textmine.cli import main

    (tmp_path / "bad.toml").write_text('"x" = { rule = "a", excl = ["b"] }\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main([*args, "--corpus", str(CORPUS), "--out", str(tmp_path / "out"), "--quiet", "--no-images"])
    error = capsys.readouterr().err
    assert code == 2 and error.count("\n") == 1 and message in error


def test_theme_names_are_folded_before_their_rules_are_looked_up():
    import textmine as tm
    from textmine.pipeline import load_themes

    themes = load_themes(tm.Config().replace(trends={"themes": ["智能體", "數據中台"]}))
    assert themes.names == ("智能体", "数据中台")
    assert "AI Agent" in themes["智能体"].alternatives        # the bundled rule, found from a Traditional name
    assert themes["数据中台"].alternatives == ("数据中台",)     # not in the file: a plain term
