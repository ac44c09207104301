"""The charts of a run: drawn from their tables alone, on real time axes, readable from 4 to 500 documents.

Figures are inspected as matplotlib objects (where each point sits, what each label says), and
checked as PNG bytes for determinism; the tables behind the new charts (period keywords, topic
intervals) are checked against independent counts of the raw text.
"""

from __future__ import annotations

import io
import json
import re
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from textmine import figures as F


def _dots(axes):
    """The first scatter of an axes (its points)."""
    return next(c for c in axes.collections if c.__class__.__name__ == "PathCollection").get_offsets()


def _interval_bars(axes):
    """The vertical bars of the first error bar plot of an axes."""
    return axes.containers[0].lines[2][0].get_segments()

# -- time positions ----------------------------------------------------------------------------------------


def test_a_date_sits_in_the_middle_of_what_it_says():
    assert F.date_span("2025") == (2025.0, 2026.0) and F.date_position("2025") == 2025.5
    start, end = F.date_span("2025-10")
    assert (start, end) == pytest.approx((2025 + 9 / 12, 2025 + 10 / 12))
    assert F.date_position("2024-02-29") == pytest.approx(2024 + (31 + 28 + 0.5) / 366)
    assert F.date_position("2025-01-01") == pytest.approx(2025 + 0.5 / 365)
    for not_a_date in ("undated", "", None, "2025-13", "2025-02-30", "东部"):
        assert F.date_position(not_a_date) is None


def _series(years, themes=("经济", "生态文明", "人工智能"), *, big=100.0):
    """A trends.csv of one report a year: 经济 large everywhere, the others small and rising."""
    rows = []
    for i, year in enumerate(years):
        for t, theme in enumerate(themes):
            rate = big if t == 0 else (i + 1) * (t + 0.5) * 0.1
            tokens = 20_000 + 100 * i
            rows.append({"theme": theme, "doc_id": f"国务院政府工作报告-{year}年全文", "date": str(year),
                         "count": round(rate * tokens / 1e4), "per_10k": rate, "tokens": tokens,
                         "nested": 0, "rule_hits": 0, "nested_in": "", "stub": False, "first_appearance": i == 0})
    frame = pd.DataFrame(rows)
    frame["per_10k"] = frame["count"] / frame["tokens"] * 1e4
    return frame


#: a long annual series with the gaps of a real one (no report 1961–1963, 1966–1974, 1976–1977)
GAPPED_YEARS = [1954, 1955, 1956, 1957, 1958, 1959, 1960, 1964, 1975, *range(1978, 2026)][:52]


def test_trend_plot_puts_documents_on_a_time_axis_with_gaps_to_scale():
    table = _series(GAPPED_YEARS)
    figure = F.trend_plot(table)
    panels = [a for a in figure.axes if a.get_title(loc="left")]
    assert [a.get_title(loc="left").split()[0] for a in panels] == ["经济", "生态文明", "人工智能"]
    dots = _dots(panels[0])
    # each report at the middle of its year, so the 1964 → 1975 gap is eleven times the 1954 → 1955 step
    assert list(dots[:, 0]) == [y + 0.5 for y in GAPPED_YEARS]
    assert dots[8, 0] - dots[7, 0] == pytest.approx(11 * (dots[1, 0] - dots[0, 0]))
    # the line is dotted across the gaps (1960 → 1964, 1964 → 1975, 1975 → 1978 are over three steps), solid elsewhere
    solid, dotted = (c for c in panels[1].collections if c.__class__.__name__ == "LineCollection")
    assert [tuple(np.round(s[:, 0], 1)) for s in dotted.get_segments()] == [(1960.5, 1964.5), (1964.5, 1975.5)]
    assert len(solid.get_segments()) == len(GAPPED_YEARS) - 3
    # every panel has its own scale: the large theme does not flatten the small ones
    tops = [a.get_ylim()[1] for a in panels]
    assert tops[0] > 50 and tops[1] < 10 and tops[2] < 20
    # labels are years, never the long titles
    figure.canvas.draw()
    labels = [t.get_text() for t in panels[-1].get_xticklabels() if t.get_text()]
    assert labels and all(re.fullmatch(r"\d{4}", t) for t in labels)
    texts = " ".join(t.get_text() for a in figure.axes for t in a.get_xticklabels() + a.texts) + \
        " ".join(t.get_text() for t in figure.texts)
    assert "政府工作报告" not in texts


def test_a_year_only_date_is_a_bar_across_its_year_on_a_short_axis(prepared):
    from textmine.trends import theme_trends

    trends = theme_trends(prepared)["trends"]
    figure = F.trend_plot(trends)
    axes = next(a for a in figure.axes if a.get_title(loc="left").startswith("智能体"))
    bars = [line.get_xdata() for line in axes.lines if len(line.get_xdata()) == 2 and line.get_linewidth() > 2]
    # ccid and people are dated 2025: each a bar from 2025.0 to 2026.0; cnnic 2025-10 a bar across October
    assert sorted(tuple(np.round(b, 4)) for b in bars) == [(2025.0, 2026.0), (2025.0, 2026.0),
                                                          (round(2025 + 9 / 12, 4), round(2025 + 10 / 12, 4))]
    dots = _dots(axes)
    assert sorted(np.round(dots[:, 0], 3)) == [2025.5, 2025.5, round(2025 + 9.5 / 12, 3),
                                               round(2026 + 27.5 / 365, 3)]
    figure.canvas.draw()
    bottom = next(a for a in figure.axes if a.get_title(loc="left").startswith("数据"))
    assert [t.get_text() for t in bottom.get_xticklabels() if t.get_text()][:2] == ["2025-01", "2025-04"]


def test_many_themes_become_a_heat_map_with_one_row_each():
    themes = tuple(f"主题{i}" for i in range(F.MAX_PANELS + 3))
    figure = F.trend_plot(_series(range(1990, 2000), themes))
    (axes,) = [a for a in figure.axes if a.get_yticklabels()]
    figure.canvas.draw()
    assert [t.get_text() for t in axes.get_yticklabels()] == list(themes)


def test_the_same_table_gives_the_same_png_bytes():
    table = _series(GAPPED_YEARS)
    assert F.png_bytes(F.trend_plot(table)) == F.png_bytes(F.trend_plot(table.copy()))


def test_period_plot_draws_each_interval_and_leaves_unseen_periods_hollow():
    rows = [{"theme": "改革", "period": p, "n_docs": 1, "doc_freq": int(c > 0), "count": c, "tokens": 10_000,
             "per_10k": c, "ci_low": max(c - 2, 0), "ci_high": c + 3 if c else 3.7, "ci_over": "paragraphs",
             "first_appearance": False} for p, c in (("1969", 0), ("1977", 4), ("1982", 25), ("2022", 12))]
    figure = F.period_trend_plot(pd.DataFrame(rows))
    axes = next(a for a in figure.axes if a.get_title(loc="left"))
    segments = [np.round(s, 3).tolist() for s in _interval_bars(axes)]
    assert segments == [[[1977.5, 2.0], [1977.5, 7.0]], [[1982.5, 23.0], [1982.5, 28.0]],
                        [[2022.5, 10.0], [2022.5, 15.0]]]
    hollow = [c for c in axes.collections if c.__class__.__name__ == "PathCollection"][-1]
    assert hollow.get_offsets().tolist() == [[1969.5, 0.0]]


# -- keyness -------------------------------------------------------------------------------------------------

def _documents(years):
    return pd.DataFrame({"doc_id": [f"report{y}" for y in years], "date": [str(y) for y in years],
                         "title": "", "publisher": "", "chars": 1000, "units": 10, "tokens": 500, "stub": False})


def test_keyness_chart_names_both_groups_and_keeps_a_sane_height():
    documents = _documents(range(1954, 2026))
    rows = [{"target": "latest", "reference": "rest", "side": side, "term": f"{side}{i}", "count_target": 40 - i,
             "count_reference": 10 + i, "g2": 100.0 - i, "rank": i + 1} for side in ("target", "reference")
            for i in range(30)]
    figure = F.keyness_plot(pd.DataFrame(rows), documents)
    title = figure._suptitle.get_text()
    assert "report2025 (2025)" in title and "71 documents, 1954–2024" in title
    assert figure.get_size_inches()[1] * figure.dpi <= 900
    assert [len(a.get_yticklabels()) for a in figure.axes] == [F.KEYNESS_TERMS, F.KEYNESS_TERMS]
    # a group given by a field documents.csv does not hold is named by its expression
    other = pd.DataFrame(rows).assign(target="region=东部", reference="region=西部")
    assert "region=东部" in F.keyness_plot(other, documents)._suptitle.get_text()


# -- the co-occurrence network ------------------------------------------------------------------------------

def _boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_network_keeps_content_terms_sets_pairs_apart_and_no_label_overlaps():
    core = ["模型", "产品", "生成式人工智能", "用户", "应用场景", "算力", "数据", "芯片", "企业", "产业"]
    measures = {"cooccurrences": 5, "jaccard": 0.2, "npmi": 0.3, "g2": 12.0}
    edges = [{"source": a, "target": b, "weight": 0.2 + 0.01 * i, **measures, "community": 1}
             for i, (a, b) in enumerate(combinations(core, 2))]
    edges += [{"source": "支持", "target": "推出", "weight": 0.5, **measures, "community": 2},
              {"source": "重大", "target": "问题", "weight": 0.4, **measures, "community": 3},
              {"source": "坚持", "target": "模型", "weight": 0.3, **measures, "community": 1}]
    terms = core + ["支持", "推出", "重大", "问题", "坚持"]
    nodes = pd.DataFrame({"term": terms, "freq": [100 - i for i in range(len(terms))], "degree": 1,
                          "community": [1] * len(core) + [2, 2, 3, 3, 1]})
    figure = F.network_plot(pd.DataFrame(edges), nodes)
    axes = figure.axes[0]
    labels = [t for t in axes.texts]
    assert sorted(t.get_text() for t in labels) == sorted(core)
    note = " ".join(t.get_text() for t in figure.texts)
    assert "坚持" in note and "支持" in note and "推出" in note   # generic words, and what is left of their pair
    assert "问题" in note                                          # a pair on its own, set apart
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not [(labels[i].get_text(), labels[j].get_text()) for i, j in combinations(range(len(boxes)), 2)
                if _boxes_overlap(boxes[i], boxes[j])]


def test_content_terms_by_jiebas_dictionary():
    assert not F.is_content_term("坚持") and not F.is_content_term("必须") and not F.is_content_term("重大")
    assert F.is_content_term("模型") and F.is_content_term("具身智能") and F.is_content_term("改革")


# -- topics, keywords per period, dispersion -----------------------------------------------------------------

def _topic_dates(k, dates=("1921", "1969", "2022")):
    rows = []
    for t in range(1, k + 1):
        for i, d in enumerate(dates):
            w = (t + i) % k / k
            rows.append({"topic": t, "label": f"标签{t}", "date": d, "n_docs": 1, "weight": w,
                         "ci_low": max(w - 0.05, 0), "ci_high": w + 0.05, "ci_over": "paragraphs",
                         "unstable": t == 2})
    return pd.DataFrame(rows)


def test_topics_over_time_have_intervals_and_many_topics_a_heat_map():
    figure = F.topic_time_plot(_topic_dates(3))
    panels = [a for a in figure.axes if a.get_title(loc="left")]
    assert [a.get_title(loc="left") for a in panels] == ["1 · 标签1", "2 · 标签2  unstable", "3 · 标签3"]
    assert len(_interval_bars(panels[0])) == 3
    many = F.topic_time_plot(_topic_dates(F.MAX_PANELS + 1))
    figure_axes = [a for a in many.axes if len(a.get_yticklabels()) == F.MAX_PANELS + 1]
    assert figure_axes


def test_document_topic_heat_map_orders_documents_by_date():
    documents = _documents([2022, 1921, 1969])
    doc_topics = pd.DataFrame([{"doc_id": d, "topic": t, "weight": 0.5} for d in documents["doc_id"] for t in (1, 2)])
    summary = pd.DataFrame({"topic": [1, 2], "label": ["革命", "改革"]})
    figure = F.doc_topic_heatmap(doc_topics, summary, documents)
    figure.canvas.draw()
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["report1921 1921", "report1969 1969",
                                                             "report2022 2022"]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["1 革命", "2 改革"]
    assert axes.get_title().endswith("(documents by date)")
    undated = documents.assign(date="")       # news articles without dates stay in corpus order, and say so
    figure = F.doc_topic_heatmap(doc_topics, summary, undated)
    assert figure.axes[0].get_title().endswith("(documents in corpus order, undated)")
    # more documents than are named one by one, and no year to mark: every few documents are named instead
    # (42 news pages without dates had no label on the axis at all)
    many = pd.DataFrame({"doc_id": [f"n{i:04d}" for i in range(42)], "date": [""] * 42})
    rows = pd.DataFrame([{"doc_id": d, "topic": t, "weight": 0.5} for d in many["doc_id"] for t in (1, 2)])
    figure = F.doc_topic_heatmap(rows, summary, many)
    figure.canvas.draw()
    named = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert named == [f"n{i:04d}" for i in range(0, 42, 2)]
    dated = many.assign(date=[str(1990 + i // 6) for i in range(42)])   # with years, the years are marked
    figure = F.doc_topic_heatmap(rows, summary, dated)
    figure.canvas.draw()
    assert {t.get_text() for t in figure.axes[0].get_yticklabels()} <= {str(y) for y in range(1990, 1997)}


def test_dispersion_places_each_mention_at_its_share_of_the_document():
    documents = _documents([2001, 2002])
    kwic = pd.DataFrame({"query": ["改革", "改革", "开放"], "doc_id": ["report2001", "report2002", "report2002"],
                         "start": [0, 500, 999], "fit": ["token", "token", None]})
    figure = F.dispersion_plot(kwic, documents)
    reform, opening = figure.axes[:2]
    assert _dots(reform).tolist() == [[0.0, 0.0], [0.5, 1.0]]
    assert opening.collections[-1].get_offsets().tolist() == [[0.999, 1.0]]   # a rule hit, drawn black


def test_period_keywords_chart_marks_new_terms():
    table = pd.DataFrame([{"period": "1990s", "n_docs": 2, "term": "邓小平理论", "count": 41, "per_10k": 16.6,
                           "doc_freq": 1, "score": 0.04, "rank": 1, "first_appearance": True},
                          {"period": "1990s", "n_docs": 2, "term": "改革开放", "count": 79, "per_10k": 31.9,
                           "doc_freq": 2, "score": 0.03, "rank": 2, "first_appearance": False}])
    figure = F.period_keywords_plot(table)
    colours = {t.get_text(): t.get_color() for t in figure.axes[0].texts}
    assert colours["邓小平理论"] == "#c0392b" and colours["改革开放"] == "#1d1f23"


# -- every figure from its own tables, on the bundled corpus -----------------------------------------------

def test_every_figure_is_drawn_from_its_tables_alone(prepared, tmp_path):
    """Each figure of FIGURES gets exactly the tables it names (read back from CSV, as a writer's cache would
    key them) and draws the same bytes twice."""
    from textmine.io.write import documents_table, table_to_csv
    from textmine.pipeline import stage_tables

    tables = {"documents": documents_table(prepared)}
    for stage in ("keywords", "keyness", "trends", "kwic", "network"):
        tables.update(stage_tables(prepared, stage)[0])
    drawn = []
    for figure in F.FIGURES:
        if not all(t in tables for t in figure.tables):
            continue
        own = {t: pd.read_csv(io.BytesIO(table_to_csv(tables[t])), encoding="utf-8-sig", keep_default_na=False,
                              na_values={c: [""] for c in ("fit", "within", "page")}) for t in figure.tables}
        first, second = (F.png_bytes(figure.draw(own, 42)) for _ in range(2))
        assert first == second and first[:8] == b"\x89PNG\r\n\x1a\n", figure.name
        drawn.append(figure.name)
    assert drawn == ["trends.png", "trends_period.png", "keyness.png", "cooccurrence.png", "period_keywords.png",
                     "dispersion.png"]


# -- the tables behind the new charts --------------------------------------------------------------------------

def test_period_keywords_of_the_congress_reports_by_decade(cpc, cpc_rows_by_id):
    """Fifteen years of congresses merge into decades; 三个代表 is new in the 2000s and 邓小平理论 in the 1990s,
    as plain substring counts of the raw reports confirm."""
    from textmine.keywords import period_keywords

    table = period_keywords(cpc.doc_dtm, cpc.corpus, by="year", top_n=30, stubs=cpc.stubs)
    assert list(dict.fromkeys(table["period"])) == ["1920s", "1960s", "1970s", "1980s", "1990s", "2000s", "2010s",
                                                    "2020s"]   # 1945's report is a stub: no 1940s
    new = table[table["first_appearance"]]
    for term, decade in (("三个代表", "2000s"), ("邓小平理论", "1990s"), ("四人帮", "1970s")):
        row = new[new["term"] == term]
        assert list(row["period"]) == [decade], term
        before = [r for r in cpc_rows_by_id.values() if int(r["year"]) < int(decade[:4])]
        inside = [r for r in cpc_rows_by_id.values() if int(decade[:4]) <= int(r["year"]) < int(decade[:4]) + 10]
        assert not any(term in r["content"] for r in before if r["id"] not in cpc.stubs)
        assert row["count"].iloc[0] <= sum(r["content"].count(term) for r in inside)
        assert row["doc_freq"].iloc[0] == sum(term in r["content"] for r in inside)
    first = table[table["period"] == "1920s"]
    assert not first["first_appearance"].any() and (first["n_docs"] == 3).all()


@pytest.fixture(scope="module")
def cpc_rows_by_id():
    from conftest import cpc_rows

    return {r["id"]: r for r in cpc_rows()}


def test_topic_intervals_resample_documents_or_the_paragraphs_of_one(prepared):
    """The interval of a one-document date comes from its paragraphs and holds the document's share; a
    date of two documents resamples the two."""
    from textmine.topics.evidence import prevalence_by_date

    docs = list(prepared.corpus.ids)
    k = 3
    units = [t for t in prepared.tokens]
    rng = np.random.default_rng(0)
    shares = rng.dirichlet(np.ones(k), size=len(units))
    lengths = [max(len(t.terms), 1) for t in units]
    unit_topics = pd.DataFrame([{"unit_id": t.unit_id, "doc_id": t.doc_id, "topic": j + 1, "weight": shares[i, j]}
                                for i, t in enumerate(units) for j in range(k)])
    doc_rows = []
    for doc in docs:
        mine = [i for i, t in enumerate(units) if t.doc_id == doc]
        w = np.array([lengths[i] for i in mine], float)
        mean = (shares[mine] * w[:, None]).sum(axis=0) / w.sum()
        doc_rows += [{"doc_id": doc, "topic": j + 1, "weight": mean[j]} for j in range(k)]
    doc_topics = pd.DataFrame(doc_rows)
    table = prevalence_by_date(doc_topics, prepared.corpus, ["a", "b", "c"], [False] * k, unit_topics=unit_topics,
                               lengths=lengths, seed=42)
    assert dict(zip(table["date"], table["ci_over"])) == {"2025": "documents", "2025-10": "paragraphs",
                                                          "2026-01-28": "paragraphs"}
    assert ((table["ci_low"] <= table["weight"] + 1e-12) & (table["weight"] <= table["ci_high"] + 1e-12)).all()
    assert (table["ci_high"] - table["ci_low"] > 0).all()
    again = prevalence_by_date(doc_topics, prepared.corpus, ["a", "b", "c"], [False] * k, unit_topics=unit_topics,
                               lengths=lengths, seed=42)
    pd.testing.assert_frame_equal(table, again)
    # without paragraphs a one-document date has no interval (empty), never a zero-width one
    bare = prevalence_by_date(doc_topics, prepared.corpus, ["a", "b", "c"], [False] * k)
    assert bare.loc[bare["date"] == "2025-10", "ci_low"].isna().all()


def test_json_of_the_figure_registry_is_stable():
    """The file names and tables of FIGURES are the contract the writer and the report rely on."""
    assert json.dumps([(f.name, f.tables) for f in F.FIGURES], ensure_ascii=False) == json.dumps([
        ("trends.png", ("trends",)), ("trends_period.png", ("trends_period",)),
        ("keyness.png", ("keyness_compare", "documents")), ("cooccurrence.png", ("cooccurrence", "cooccurrence_nodes")),
        ("topic_k_selection.png", ("topic_k_selection",)), ("topic_dates.png", ("topic_dates", "documents")),
        ("doc_topics.png", ("doc_topics", "topic_summary", "documents")),
        ("period_keywords.png", ("period_keywords",)), ("dispersion.png", ("kwic", "documents"))],
        ensure_ascii=False)


def test_periods_named_in_chinese_are_drawn_in_the_cjk_font(prepared):
    """Periods by a metadata field (the bundled reports' publishers: 新华社, 人民日报海外版, …) name the x axis of
    every panel that ends a column, in the bundled CJK font: no glyph falls back to a Latin font."""
    import warnings

    from textmine.trends import mention_table, period_trends, unit_sizes

    themes = prepared.theme_set
    mentions = mention_table(prepared.units, prepared.tokens, themes)
    table = period_trends(mentions, unit_sizes(prepared.tokens), themes, prepared.corpus, by="publisher",
                          resamples=50, doc_tokens=prepared.token_totals)
    publishers = sorted({d.meta["publisher"] for d in prepared.corpus})
    assert sorted(set(table["period"])) == publishers and len(set(table["theme"])) <= F.MAX_PANELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)     # "Glyph … missing from font(s) DejaVu Sans"
        figure = F.period_trend_plot(table)
        figure.savefig(io.BytesIO(), format="png")
    panels = [a for a in figure.axes if a.get_title(loc="left")]
    # groups, not dates: points side by side, no line joining them as if they were a sequence
    for axes in panels:
        bars = {id(c) for container in axes.containers for c in container.lines[2]}     # the interval bars
        assert not [c for c in axes.collections if c.__class__.__name__ == "LineCollection" and id(c) not in bars]
    named = [a for a in panels if a.xaxis.get_tick_params()["labelbottom"] is not False
             and any(t.get_text() for t in a.get_xticklabels())]
    columns = F._grid(len(panels))[1]
    assert len(named) == min(columns, len(panels))
    for axes in named:
        labels = axes.get_xticklabels()
        assert {t.get_text() for t in labels} <= {F.short_id(p) for p in publishers}
        assert all(t.get_fontname() == F.cjk_font(8).get_name() for t in labels)
