"""Keywords per document: distinctive by default, plain TF-IDF on request, both on the sparse matrix."""

from __future__ import annotations

import numpy as np
import pytest

import textmine as tm


def test_plain_tfidf_equals_a_dense_scikit_learn_tfidf(prepared):
    from sklearn.feature_extraction.text import TfidfTransformer

    dtm = prepared.doc_dtm
    dense = TfidfTransformer().fit_transform(dtm.matrix).toarray()
    table = tm.top_keywords(dtm, top_n=10, method="tfidf")
    for row, doc_id in enumerate(dtm.row_ids):
        best = np.argsort(-dense[row], kind="stable")[:10]
        got = table[table.doc_id == doc_id]
        assert np.allclose(got.score.to_numpy(), dense[row][best])
        assert got.term.iloc[0] == dtm.vocab[best[0]]


def test_tfidf_weights_are_scikit_learns_to_the_last_bit(prepared):
    """The weights are made in numpy (importing scikit-learn took a second of every run), adding each row's squares in
    scikit-learn's order: the same numbers as TfidfTransformer, plain and sublinear, and a row of zeros stays zeros."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfTransformer

    from textmine.keywords import TermStats, smooth_idf, tfidf_weights

    dtm = prepared.doc_dtm
    counts = sp.vstack([dtm.matrix.tocsr(), sp.csr_matrix((1, dtm.matrix.shape[1]), dtype=dtm.matrix.dtype)]).tocsr()
    counts.sort_indices()
    stats = TermStats.of(dtm)
    for sublinear in (False, True):
        ours = tfidf_weights(counts, smooth_idf(stats.doc_freq, stats.n_docs), sublinear_tf=sublinear)
        theirs = TfidfTransformer(sublinear_tf=sublinear).fit(dtm.matrix).transform(counts)
        assert np.array_equal(ours.indptr, theirs.indptr) and np.array_equal(ours.indices, theirs.indices)
        assert np.array_equal(ours.data, theirs.data)   # exact, not close
        assert ours[4].nnz == 0


def test_distinctive_keywords_leave_out_what_every_report_says(cpc):
    """Every congress report from 1982 on says 发展, 建设, 社会主义, 人民, 坚持 most, and plain TF-IDF ranks
    some of them among its first five; the distinctive keywords name what sets a report apart."""
    dtm = cpc.doc_dtm
    plain = tm.top_keywords(dtm, top_n=5, method="tfidf")
    late = [d for d in dtm.row_ids if d >= "congress12"]
    boilerplate = {"发展", "建设", "社会主义", "人民", "坚持"}
    assert all(set(plain[plain.doc_id == d].term) & boilerplate for d in late)
    distinctive = tm.top_keywords(dtm, top_n=5)
    assert not any(set(distinctive[distinctive.doc_id == d].term) & boilerplate for d in late)
    assert distinctive[distinctive.doc_id == "congress20"].term.iloc[0] == "中国式现代化"   # a phrase of the policy lexicon: 11 mentions, none before
    assert distinctive[distinctive.doc_id == "congress16"].term.iloc[0] == "三个代表"


def test_a_term_every_document_uses_but_one_uses_far_more_stays_distinctive(prepared):
    """算力 is in all four reports, 110 per 10k in the Xinhua piece against 35 in the others together."""
    from textmine.keywords import over_represented

    dtm = prepared.doc_dtm
    assert dtm.doc_freqs()[dtm.term_index["算力"]] == 4
    top = tm.top_keywords(dtm, top_n=12)
    assert "算力" in set(top[top.doc_id == "xinhua-ai-trends-2026"].term)
    assert "生成式人工智能" in set(top[top.doc_id == "cnnic-genai-report-2025"].term)
    # the rule itself, recomputed for one entry: rate in the document ≥ 2 × (rest count + 0.5) / rest size
    column = dtm.term_index["算力"]
    counts = dtm.matrix.tocsr()
    counts.sort_indices()
    flags = over_represented(counts, dtm.sizes(), 2.0)
    row = dtm.row_ids.index("xinhua-ai-trends-2026")
    entry = counts.indptr[row] + list(counts.indices[counts.indptr[row]:counts.indptr[row + 1]]).index(column)
    mine, total = counts[row, column], counts[:, column].sum()
    sizes = dtm.sizes()
    assert flags[entry] == (mine / sizes[row] >= 2 * (total - mine + 0.5) / (sizes.sum() - sizes[row])) == True  # noqa: E712


def test_one_document_has_no_rest():
    one = tm.build_dtm([("a", ["大模型", "大模型", "算力"])])
    assert list(tm.top_keywords(one, top_n=5).term) == ["大模型", "算力"]
    with pytest.raises(tm.ConfigError, match="method = 'bm25' is not allowed"):
        tm.top_keywords(one, method="bm25")
