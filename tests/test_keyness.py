"""Keyness: G² and chi² against independent computations, each document against the rest, two groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import textmine as tm

from conftest import CORPUS, shared_file, textmine


def test_g2_and_chi2_agree_with_scipy(prepared):
    from scipy.stats import chi2_contingency

    from textmine.keyness import chi_square, g2_and_log_ratio

    dtm = prepared.doc_dtm
    target = np.asarray(dtm.matrix[[3]].sum(axis=0)).ravel()
    reference = np.asarray(dtm.matrix[[0, 1, 2]].sum(axis=0)).ravel()
    # the size of each side is its word tokens (tokens.csv n_tokens), the denominator of every rate
    n_target = sum(len(t) for t in prepared.tokens if t.doc_id == "xinhua-ai-trends-2026")
    n_reference = sum(len(t) for t in prepared.tokens) - n_target
    assert (n_target, n_reference) == (int(dtm.sizes()[3]), int(dtm.sizes()[[0, 1, 2]].sum()))
    g2, _ = g2_and_log_ratio(target, reference, n_target, n_reference)
    chi = chi_square(target, reference, n_target, n_reference)
    for term in ("算力", "AI", "大模型"):
        i = dtm.term_index[term]
        table = [[target[i], n_target - target[i]], [reference[i], n_reference - reference[i]]]
        assert chi[i] == pytest.approx(chi2_contingency(table, correction=False)[0])
        # G² as in Rayson & Garside's log-likelihood calculator: the two cells of the term only
        a, b, c, d = target[i], reference[i], n_target, n_reference
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        assert g2[i] == pytest.approx(2 * (a * np.log(a / e1) + b * np.log(b / e2)))


def test_p_values_are_scipy_stats_chi2_to_the_last_bit(prepared):
    """Keyness p-values come from scipy.special (scipy.stats took 0.6 s of every run to import): the same numbers as
    ``scipy.stats.chi2.sf(g2, df=1)`` for every G² of the corpus and at the edges (0, below 0 by rounding, nan,
    infinity); the zero-count bound of the trends the same as ``chi2.ppf``."""
    from scipy.stats import chi2

    from textmine.keyness import g2_and_log_ratio, p_values
    from textmine.trends import zero_count_upper

    dtm = prepared.doc_dtm
    sizes = dtm.sizes()
    g2 = np.concatenate([g2_and_log_ratio(np.asarray(dtm.matrix[[row]].sum(axis=0)).ravel(),
                                          np.asarray(dtm.matrix[[r for r in range(4) if r != row]].sum(axis=0)).ravel(),
                                          int(sizes[row]), int(sizes.sum() - sizes[row]))[0] for row in range(4)])
    assert len(g2) == 4 * len(dtm.vocab) and g2.max() > 100
    edges = np.array([0.0, -0.0, -1e-12, np.nan, np.inf, 5e-324])
    for values in (g2, edges):
        assert np.array_equal(p_values(values), chi2.sf(values, df=1), equal_nan=True)
    for confidence in (0.9, 0.95, 0.99, 0.999):
        assert zero_count_upper(7919, confidence) == float(chi2.ppf(1 - (1 - confidence) / 2, 2) / 2 / 7919 * 1e4)


def test_one_congress_against_the_previous(tmp_path):
    path = shared_file("cpc_congress_reports.jsonl")
    out = tmp_path / "out"
    result = textmine("keyness", "--corpus", str(path), "--text-col", "content", "--id-col", "id", "--date-col",
                      "year", "--target", "year=2022", "--reference", "year=2017", "--top", "10", "--out", str(out),
                      "--quiet")
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out / "keyness_compare.csv")
    assert list(table.columns) == ["target", "reference", "side", "term", "count_target", "count_reference",
                                   "per_10k_target", "per_10k_reference", "g2", "chi2", "p_value", "log_ratio", "rank"]
    target = table[table.side == "target"]
    reference = table[table.side == "reference"]
    # 中国式(现代化) is the 20th congress's new phrase: 11 times in 2022, never in 2017 (checked with grep)
    top = target.iloc[0]
    assert (top["term"], top["count_target"], top["count_reference"]) == ("中国式现代化", 11, 0)   # 11 = plain substring count of the 20th report
    # 2017's slogan 决胜全面建成小康社会 makes 小康社会 the most distinctive term of the reference side
    assert reference.iloc[0]["term"] == "小康社会"
    assert (target["count_target"] >= 3).all() and (reference["count_reference"] >= 3).all()  # min-count guard
    assert (target["log_ratio"] > 0).all() and (reference["log_ratio"] < 0).all()
    assert len(target) == 10 and len(reference) == 10
    assert (out / "keyness.png").stat().st_size > 10_000


def test_overlapping_groups_are_refused(tmp_path, capsys):
    from textmine.cli import main

    code = main(["keyness", "--corpus", str(CORPUS), "--target", "date>=2025", "--reference", "latest",
                 "--out", str(tmp_path), "--quiet"])
    error = capsys.readouterr().err
    assert code == 2 and error.count("\n") == 1
    assert "[keyness] target 'date>=2025' and reference 'latest' share documents" in error


# -- KWIC -------------------------------------------------------------------------------------------


def test_sparse_keyness_each_vs_rest_equals_keyness_of_each_row(prepared):
    from textmine.io.write import table_to_csv

    dtm = prepared.doc_dtm
    fast = tm.keyness_each_vs_rest(dtm, top_n=30, min_count=3)
    for row, doc_id in enumerate(dtm.row_ids):
        expected = tm.keyness_table(dtm, [row], min_count=3).head(30)
        got = fast[fast.doc_id == doc_id].drop(columns="doc_id").reset_index(drop=True)
        assert table_to_csv(got) == table_to_csv(expected), doc_id


def test_per_row_rankings_break_ties_by_term_whatever_the_column_order(prepared):
    """keyness and keywords rank all rows in one sort; a tie goes to the term first in sorted order, also
    for a matrix whose vocabulary is not sorted (one built on a given vocabulary)."""
    from textmine.io.write import table_to_csv

    dtm = prepared.doc_dtm
    flipped = tm.Dtm(dtm.matrix[:, ::-1].tocsr(), dtm.vocab[::-1], dtm.row_ids, dtm.tokens)
    keyness = tm.keyness_each_vs_rest(dtm, top_n=30, min_count=3)
    assert table_to_csv(tm.keyness_each_vs_rest(flipped, top_n=30, min_count=3)) == table_to_csv(keyness)
    for method in ("distinctive", "tfidf"):
        keywords = tm.top_keywords(dtm, top_n=30, method=method)
        assert table_to_csv(tm.top_keywords(flipped, top_n=30, method=method)) == table_to_csv(keywords)
        # the four reports hold tied scores (terms seen equally often), so the tie-break is exercised
        assert keywords.duplicated(["doc_id", "score"]).sum() > 10


def test_rates_share_the_denominator_of_the_trends(prepared):
    """per_10k_target of a document is its count per 10,000 of its word tokens, as in trends.csv."""
    table = tm.keyness_each_vs_rest(prepared.doc_dtm, top_n=30, min_count=3)
    row = table[(table.doc_id == "xinhua-ai-trends-2026") & (table.term == "算力")].iloc[0]
    trends = tm.theme_counts(prepared, ["算力"]).set_index("doc_id").loc["xinhua-ai-trends-2026"]
    assert row["per_10k_target"] == pytest.approx(row["count_target"] / trends["tokens"] * 1e4)
