"""Theme trends per document and per period: counts, rates, intervals, stubs and honest periods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import textmine as tm
from textmine.trends import assign_periods, log2_ratio, period_trends, trend_changes

from conftest import CORPUS, cpc_config, cpc_rows, textmine

CPC_THEMES = '''
"生态文明" = "生态文明"
"阶级斗争" = "阶级斗争"
"社会主义" = "社会主义"
"中国特色社会主义" = "中国特色社会主义 | (中国特色 near 社会主义 within 3)"
"中国特色社会主义(词)" = "中国特色社会主义"
'''


@pytest.fixture(scope="module")
def bundled(prepared):
    return tm.theme_trends(prepared)


@pytest.fixture(scope="module")
def cpc_themed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cpc")
    (folder / "themes.toml").write_text(CPC_THEMES, encoding="utf-8")
    prepared = tm.prepare(cpc_config(trends={"theme_file": str(folder / "themes.toml"), "themes": [], "by": "year",
                                             "bootstrap": 400}))
    return prepared, tm.theme_trends(prepared)


def test_default_rules_on_the_bundled_reports(bundled, prepared):
    table = bundled["trends"]
    assert list(table.columns) == ["theme", "doc_id", "date", "count", "per_10k", "tokens", "nested", "rule_hits",
                                   "nested_in", "stub", "first_appearance"]
    counts = table.pivot(index="theme", columns="doc_id", values="count")
    # 智能体: 11/3/13/5 occurrences of 智能体 (ccid's AI智能体 included; cnnic's 14th is in its table of
    # contents, which cleaning drops) plus 3 of 'AI Agent' in cnnic
    assert counts.loc["智能体"].to_dict() == {"ccid-ai-outlook-2026": 11, "people-large-models-2025": 3,
                                            "cnnic-genai-report-2025": 16, "xinhua-ai-trends-2026": 5}
    # 算电协同 once as a word and twice written out (算力与电力加快协同 / 电力，被业界称为“算力的尽头”)
    assert counts.loc["算电协同"].sum() == counts.loc["算电协同", "xinhua-ai-trends-2026"] == 3
    row = table[(table.theme == "算电协同") & (table.doc_id == "xinhua-ai-trends-2026")].iloc[0]
    assert row["rule_hits"] == 2
    # rates are per 10,000 word tokens of the document: tokens.csv's n_tokens summed
    sizes = {d: sum(len(t) for t in prepared.tokens if t.doc_id == d) for d in prepared.corpus.ids}
    assert dict(zip(table.doc_id, table.tokens)) == sizes
    assert np.allclose(table["per_10k"], table["count"] / table["tokens"] * 1e4)
    first = table[table["first_appearance"]].set_index("theme")["doc_id"]
    assert first["算电协同"] == "xinhua-ai-trends-2026" and first["智能体"] == "ccid-ai-outlook-2026"


def test_nested_mentions_are_shown_apart(prepared):
    """人工智能 in the CNNIC report: 420 mentions, 149 of them inside longer words, 134 inside 生成式人工智能 (its
    table of contents, dropped, held 14 more, 9 inside 生成式人工智能)."""
    table = tm.theme_counts(prepared, ["人工智能"]).set_index("doc_id")
    assert table["count"].to_dict() == {d: sum(u.norm.count("人工智能") for u in prepared.units if u.doc_id == d)
                                        for d in prepared.corpus.ids}
    cnnic = table.loc["cnnic-genai-report-2025"]
    assert (cnnic["count"], cnnic["nested"]) == (420, 149)
    assert cnnic["nested_in"].startswith("生成式人工智能 134; 人工智能+ 8")


def test_theme_counts_of_a_notebook_equal_the_trends_command(prepared, tmp_path):
    """The notebook's tm.theme_counts and `textmine trends` are the same counter with the same rules."""
    out = tmp_path / "out"
    result = textmine("trends", "--corpus", str(CORPUS), "--themes", "大模型,算力,机器人", "--out", str(out), "--quiet",
                      "--no-images", "--no-cache")
    assert result.returncode == 0, result.stderr
    from textmine.io.csvsafe import read_output_csv
    from textmine.io.write import table_to_csv

    cli = read_output_csv(out / "trends.csv", dtype={"date": str, "nested_in": str})
    api = tm.theme_counts(prepared, ["大模型", "算力", "机器人"])
    assert (out / "trends.csv").read_bytes() == table_to_csv(api)
    assert cli["count"].sum() == api["count"].sum()
    # 机器人 is a plain term: every occurrence in the cleaned text, 人形机器人 and 工业机器人 included
    plain = sum(u.norm.count("机器人") for u in prepared.units)
    assert api[api.theme == "机器人"]["count"].sum() == plain == 65


def test_congress_counts_match_an_independent_count(cpc_themed):
    import opencc

    _, tables = cpc_themed
    docs = tables["trends"]
    convert = opencc.OpenCC("t2s").convert
    for theme in ("生态文明", "阶级斗争", "社会主义"):
        expected = {r["id"]: convert(r["content"]).count(theme) for r in cpc_rows()}
        assert docs[docs.theme == theme].set_index("doc_id")["count"].to_dict() == expected, theme


def test_a_stub_is_flagged_and_left_out_of_the_periods(cpc_themed):
    """congress07 is a 76-character placeholder: 24 word tokens against a median of 12,382. It is flagged in
    trends.csv and leaves no 1945 period that would read as a zero for every theme."""
    prepared, tables = cpc_themed
    assert prepared.stubs == {"congress07"}
    docs = tables["trends"]
    assert set(docs[docs.stub]["doc_id"]) == {"congress07"}
    assert "1945" not in set(tables["trends_period"]["period"])
    with_stubs = tm.theme_trends(tm.prepare(cpc_config(trends={"themes": ["社会主义"], "by": "year", "stub_share": 0.0,
                                                               "bootstrap": 100})))
    assert "1945" in set(with_stubs["trends_period"]["period"])


def test_first_appearances_are_the_historical_ones(cpc_themed):
    _, tables = cpc_themed
    periods = tables["trends_period"]
    first = periods[periods["first_appearance"]].set_index("theme")["period"]
    assert first["生态文明"] == "2007"             # 17th congress
    assert first["阶级斗争"] == "1921"             # 北京共产主义组织的报告
    assert first["中国特色社会主义(词)"] == "1992"  # the set phrase, 14th congress
    # the near rule also codes 1987's 有中国特色的社会主义 (13 times in the 13th congress report)
    assert first["中国特色社会主义"] == "1987"
    row = periods[(periods.theme == "中国特色社会主义") & (periods.period == "1987")].iloc[0]
    assert row["count"] == 13


def test_period_rows_are_honest(cpc_themed):
    _, tables = cpc_themed
    docs, periods = tables["trends"], tables["trends_period"]
    p1921 = periods[(periods.theme == "阶级斗争") & (periods.period == "1921")].iloc[0]
    # two reports in 1921: the interval resamples documents; only one of them says 阶级斗争
    assert (p1921["n_docs"], p1921["doc_freq"], p1921["count"], p1921["ci_over"]) == (2, 1, 1, "documents")
    assert p1921["tokens"] == docs[docs.theme == "阶级斗争"].set_index("doc_id").loc[
        ["congress01", "congress01-2"], "tokens"].sum()
    seen = periods[periods["count"] > 0]
    assert set(seen[seen.n_docs == 1]["ci_over"]) == {"paragraphs"}
    assert (periods["ci_low"] <= periods["per_10k"] + 1e-9).all()
    assert (periods["per_10k"] <= periods["ci_high"] + 1e-9).all()
    # never seen: the exact Poisson bound for 0 events (3.689 at 95 %) per 10k tokens
    zero = periods[periods["count"] == 0]
    assert set(zero["ci_over"]) == {"poisson"} and (zero["ci_low"] == 0).all()
    assert zero["ci_high"].to_numpy() == pytest.approx(3.6889 / zero["tokens"].to_numpy() * 1e4, rel=1e-4)


def test_the_log_ratio_agrees_with_the_direction(cpc_themed):
    _, tables = cpc_themed
    changes = tables["trend_changes"]
    assert (np.sign(changes["log2_ratio"]) == np.sign(changes["change"])).all()
    rise = changes[(changes.theme == "生态文明") & (changes.from_period == "2007")].iloc[0]
    assert (rise["to_period"], rise["direction"]) == ("2012", "rise") and rise["log2_ratio"] > 2
    # the smoothing: half an occurrence per the two periods' mean size, added to both rates
    assert log2_ratio(0, 40, 80, 12_000) > 0 and log2_ratio(5, 100, 5, 100) == 0
    assert log2_ratio(2, 12_000, 0, 12_000) == pytest.approx(np.log2((0.5 / 12_000) / (2 / 12_000 + 0.5 / 12_000)))


def test_mixed_date_precision_gives_periods_by_year(prepared):
    """2025, 2025-10 and 2026-01-28: 2025-10 lies inside 2025, so the periods are years, never one inside
    another; by month likewise, since two reports are dated only to the year."""
    for by in ("date", "month"):
        periods = assign_periods(prepared.corpus, by)
        assert [(p.label, len(p.doc_ids)) for p in periods] == [("2025", 3), ("2026", 1)]
    changes = tm.theme_trends(prepared)["trend_changes"]
    assert set(zip(changes["from_period"], changes["to_period"])) == {("2025", "2026")}


def test_periods_by_metadata_field(prepared):
    by_publisher = assign_periods(prepared.corpus, "publisher")
    assert by_publisher[-1].label == "新华社" and len(by_publisher) == 4
    with pytest.raises(tm.ConfigError, match="by = 'decade' is not allowed"):
        assign_periods(prepared.corpus, "decade")



def test_groups_in_no_time_order_have_no_rises_falls_or_new_terms(prepared):
    """Periods by publisher: dated reports make the publishers a sequence in time (ordered by their earliest
    report), so changes are read between them. The same reports undated: the publishers are only groups, so
    trend_changes.csv is empty and nothing is a first appearance, in trends_period.csv or period_keywords.csv;
    by date, the undated reports form no period in time at all."""
    import dataclasses

    from textmine.keywords import period_keywords
    from textmine.trends import in_time, trend_periods

    dated = prepared.corpus
    assert in_time(trend_periods(dated, "publisher"), "publisher") == [p.label for p in assign_periods(dated, "publisher")]
    undated = tm.Corpus(tuple(dataclasses.replace(d, date=None) for d in dated), dated.name)
    assert in_time(trend_periods(undated, "publisher"), "publisher") == []
    assert in_time(trend_periods(undated, "date"), "date") == []
    for corpus, ordered in ((dated, True), (undated, False)):
        again = dataclasses.replace(prepared, corpus=corpus,
                                    config=prepared.config.replace(trends={"by": "publisher"}))
        tables = tm.theme_trends(again)
        periods = tables["trends_period"]
        assert periods["period"].nunique() == 4
        assert (len(tables["trend_changes"]) == len(set(periods["theme"])) * 3) is ordered
        assert tables["trend_changes"].empty is not ordered
        assert bool(periods["first_appearance"].any()) is ordered
        assert bool(tables["trends"]["first_appearance"].any()) is ordered   # undated: no earliest document
        keywords = period_keywords(again.doc_dtm, corpus, by="publisher")
        assert keywords["period"].nunique() == 4 and bool(keywords["first_appearance"].any()) is ordered

def test_no_leakage_and_seeded_intervals(cpc_themed):
    from textmine.trends import mention_table, unit_sizes

    prepared, tables = cpc_themed
    themes, corpus = prepared.theme_set, prepared.corpus
    mentions = mention_table(prepared.units, prepared.tokens, themes)
    sizes = unit_sizes(prepared.tokens)
    full = tables["trends_period"]
    early_ids = [d.id for d in corpus if d.date.year <= 1992]
    early = tm.Corpus(tuple(corpus[i] for i in early_ids))
    part = period_trends(mentions[mentions.doc_id.isin(early_ids)], sizes[sizes.doc_id.isin(early_ids)], themes,
                         early, by="year", seed=42, resamples=400, stubs=prepared.stubs)
    # the earlier periods are the same whether or not later reports exist
    merged = full.merge(part, on=["theme", "period"], suffixes=("", "_early"))
    assert len(merged) == len(part) > 0
    for column in ("count", "tokens", "per_10k", "ci_low", "ci_high", "first_appearance"):
        assert (merged[column] == merged[column + "_early"]).all(), column
    again = period_trends(mentions, sizes, themes, corpus, by="year", seed=42, resamples=400, stubs=prepared.stubs)
    pd.testing.assert_frame_equal(again, full)
    other = period_trends(mentions, sizes, themes, corpus, by="year", seed=7, resamples=400, stubs=prepared.stubs)
    assert not np.allclose(other["ci_high"], full["ci_high"])
    assert len(trend_changes(full)) == len(themes.names) * (full["period"].nunique() - 1)


@pytest.mark.parametrize("args, message", [
    (["trends", "--themes", "nope.toml"], "theme file 'nope.toml' does not exist ([trends] theme_file)"),
    (["trends", "--by", "colour"], "[trends] by = 'colour' is not allowed; expected date, year, month or a metadata"),
    (["trends", "--themes", "bad.toml"], "bad.toml: theme 'x': unknown key 'excl'; known keys: rule, exclude, not_inside, note"),
])
def test_theme_and_period_errors_are_one_line(args, message, tmp_path, capsys, monkeypatch):
    from textmine.cli import main

    (tmp_path / "bad.toml").write_text('"x" = { rule = "a", excl = ["b"] }\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main([*args, "--corpus", str(CORPUS), "--out", str(tmp_path / "out"), "--quiet", "--no-images"])
    error = capsys.readouterr().err
    assert code == 2 and error.count("\n") == 1 and message in error


def test_theme_names_are_folded_before_their_rules_are_looked_up():
    from textmine.preparation import load_themes

    themes = load_themes(tm.Config().replace(trends={"themes": ["智能體", "數據中台"]}))
    assert themes.names == ("智能体", "数据中台")
    assert "AI Agent" in themes["智能体"].alternatives        # the bundled rule, found from a Traditional name
    assert themes["数据中台"].alternatives == ("数据中台",)     # not in the file: a plain term


def test_dates_of_stubs_only_are_left_out_of_time_charts_and_findings(cpc):
    """The 76-character 1945 entry of the congress series is a stub: its date has no other document, so topic
    shares over time and the leading-topic findings leave it out, as the trend periods do."""
    from textmine.trends import dates_beyond_stubs

    documents = tm.documents_table(cpc)
    assert documents.loc[documents["date"].astype(str) == "1945", "stub"].tolist() == [True]
    real = dates_beyond_stubs(documents)
    assert "1945" not in real and {"1921", "1923", "2022"} <= real
    assert dates_beyond_stubs(documents.drop(columns="stub")) is None
