"""Topic engines, evaluation, stability, evidence tables and the topic map.

Kept fast: small k and few iterations on the bundled corpus; the shopping reviews are sampled.
Expected numbers are computed by hand in the comments.
"""

from __future__ import annotations

import json
import math
import re
import time

import numpy as np
import pandas as pd
import pytest

from textmine.errors import ConfigError
from textmine.topics import fit_topics
from textmine.topics.analysis import fit_runs, topic_units
from textmine.topics.evaluate import (
    coherence,
    fold_in,
    heldout_log_likelihood,
    split_heldout,
    topic_diversity,
)
from textmine.topics.consensus import consensus_model, grouping_agreement, reference_index
from textmine.topics.documents import choose_fit_on, document_terms, infer_mixtures
from textmine.topics.evidence import example_order, relevance, surely_about, topic_labels, topic_share
from textmine.topics.model import TopicModel
from textmine.topics.select import parse_k, propose_k
from textmine.topics.stability import align_topics, jaccard, topic_stability

from conftest import CORPUS, first_paragraphs, one_file_corpus, shopping_reviews, textmine


@pytest.fixture(scope="module")
def units(prepared):
    docs, ids, groups = topic_units(prepared, 5)
    return docs, ids, groups


@pytest.mark.parametrize("engine", ["tomotopy", "gensim", "nmf"])
def test_every_engine_gives_distributions_over_the_same_units(units, engine):
    docs, ids, _ = units
    model = fit_topics(docs, ids, k=4, engine=engine, seed=3, iterations=20)
    assert model.topic_term.shape == (4, len(model.vocab)) and model.doc_topic.shape == (len(docs), 4)
    assert np.allclose(model.topic_term.sum(axis=1), 1, atol=1e-4)
    assert np.allclose(model.doc_topic.sum(axis=1), 1, atol=1e-4)
    assert model.row_ids == tuple(ids)
    assert set(model.vocab) <= {t for d in docs for t in d}


@pytest.mark.parametrize("engine", ["tomotopy", "nmf"])
def test_same_seed_gives_identical_topics_with_one_and_two_workers(units, engine):
    docs, ids, _ = units
    one = fit_runs(docs, ids, k=5, engine=engine, seeds=[11, 12], iterations=60, workers=1)
    two = fit_runs(docs, ids, k=5, engine=engine, seeds=[11, 12], iterations=60, workers=2)
    for a, b in zip(one, two):
        assert a.vocab == b.vocab
        assert np.array_equal(a.topic_term, b.topic_term) and np.array_equal(a.doc_topic, b.doc_topic)
    assert not np.array_equal(one[0].topic_term, one[1].topic_term)   # the seed does matter


def test_coherence_matches_hand_computation_and_survives_empty_units():
    texts = [["a", "b", "c"], ["a", "b"], ["a", "c"], ["d"], ["b", "d"], []]
    scores = coherence([["a", "b"], ["c", "d"]], texts)
    # 5 non-empty units; a in 3, b in 3, a&b in 2.  u_mass(a,b) = log(P(a,b)/P(a)) = log(2/3)
    assert scores["u_mass"][0] == pytest.approx(math.log(2 / 3), abs=1e-9)
    # NPMI = log(P(a,b)/(P(a)P(b))) / -log P(a,b) = log(0.4/0.36)/-log(0.4)   (units are shorter than the window)
    assert scores["c_npmi"][0] == pytest.approx(math.log(0.4 / 0.36) / -math.log(0.4), abs=1e-9)
    assert scores["c_npmi"][1] < -0.9                                  # c and d never co-occur
    start = time.perf_counter()
    for texts in ([], [[], []], [["x"]]):
        empty = coherence([["a", "b"]], texts)
        assert all(np.isnan(v).all() for v in empty.values())
    assert time.perf_counter() - start < 5


def test_heldout_likelihood_is_a_proper_per_token_log_probability():
    # two topics over 4 terms; a held-out unit that only uses topic 1's terms
    model = TopicModel("x", 2, 0, ("a", "b", "c", "d"), np.array([[.5, .5, 0, 0], [0, 0, .5, .5]]),
                       np.array([[1.0, 0.0]]), ("u",))
    theta = fold_in(np.array([[2.0, 1.0, 0.0, 0.0]]), model.topic_term)
    assert theta[0, 0] == pytest.approx(1.0, abs=1e-6)
    result = heldout_log_likelihood(model, [["a", "b", "a", "b"], ["zz"]])
    # θ from tokens 0,2 (a, a) → topic 1; tokens 1,3 (b, b) each have p = 0.5
    assert result["ll_per_token"] == pytest.approx(math.log(0.5), abs=1e-6)
    assert result["perplexity"] == pytest.approx(2.0, abs=1e-5)
    assert result["tokens"] == 2 and result["unknown_tokens"] == 1
    assert math.isnan(heldout_log_likelihood(model, [[]])["ll_per_token"])
    train, held = split_heldout(100, 0.1, 5)
    assert len(held) == 10 and not set(train) & set(held)


def test_diversity_stability_alignment_and_jaccard():
    assert topic_diversity([["a", "b"], ["b", "c"]]) == pytest.approx(3 / 4)
    assert jaccard(["a", "b", "c"], ["b", "c", "d"]) == pytest.approx(2 / 4)
    vocab = tuple("abcdefghijkl")
    rng = np.random.default_rng(0)
    phi = rng.dirichlet(np.ones(len(vocab)) * 0.3, size=4)
    reference = TopicModel("x", 4, 0, vocab, phi, np.full((1, 4), .25), ("u",))
    permutation = [2, 0, 3, 1]
    other = TopicModel("x", 4, 1, vocab, phi[permutation], np.full((1, 4), .25), ("u",))
    # reference topic i is other's topic permutation.index(i)
    assert list(align_topics(reference, other)) == [permutation.index(i) for i in range(4)]
    assert np.allclose(topic_stability(reference, [other], top_n=3), 1.0)
    assert np.isnan(topic_stability(reference, [])).all()


def test_relevance_and_labels():
    vocab = ("common", "rare", "other")
    phi = np.array([[0.6, 0.3, 0.1], [0.5, 0.0, 0.5]])
    model = TopicModel("x", 2, 0, vocab, phi, np.full((1, 2), .5), ("u",))
    marginal = np.array([0.55, 0.15, 0.30])
    assert relevance(model, marginal, 1.0)[0, 1] == pytest.approx(math.log(0.3))
    assert relevance(model, marginal, 0.0)[0, 1] == pytest.approx(math.log(0.3 / 0.15))
    # equal topics: p(topic 1 | common) = .6 / 1.1 = .545 > .5, so common may label topic 1 (the most probable
    # there, λ = 1), never topic 2 (.455); rare is all topic 1, other .5 / .6 = .83 topic 2
    assert topic_share(model, np.array([.5, .5]))[:, 0] == pytest.approx([0.6 / 1.1, 0.5 / 1.1])
    assert topic_labels(model, marginal, lam=1.0, n_terms=1) == ["common", "other"]
    assert topic_labels(model, marginal, lam=0.0, n_terms=1)[0] == "rare"          # λ = 0: highest lift
    assert topic_labels(model, marginal, lam=1.0, n_terms=2) == ["common·rare", "other·common"]


def test_a_term_frequent_in_every_topic_never_labels_one():
    # 完善 is the most probable term of all three topics (.3 each), so each topic holds a third of it
    vocab = ("完善", "经济", "企业", "军队", "国防", "文化", "教育")
    phi = np.array([[.3, .4, .3, 0, 0, 0, 0], [.3, 0, 0, .4, .3, 0, 0], [.3, 0, 0, 0, 0, .4, .3]])
    model = TopicModel("x", 3, 0, vocab, phi, np.full((1, 3), 1 / 3), ("u",))
    marginal = np.array([.3, .4 / 3, .1, .4 / 3, .1, .4 / 3, .1])
    labels = topic_labels(model, marginal, lam=1.0, prevalences=np.full(3, 1 / 3), n_terms=2)
    assert labels == ["经济·企业", "军队·国防", "文化·教育"]
    before = [" ".join(t for t, _ in model.top_terms(i + 1, 2)) for i in range(3)]
    assert all(b.startswith("经济") or b.startswith("军队") or b.startswith("文化") for b in before)  # .4 > .3


def test_the_reference_fit_is_the_one_the_others_agree_with_and_weights_are_averaged():
    vocab = tuple("abcdef")
    phi = np.array([[.5, .5, 0, 0, 0, 0], [0, 0, .5, .5, 0, 0], [0, 0, 0, 0, .5, .5]])
    theta = np.array([[.9, .1, 0], [.1, .9, 0], [0, .2, .8], [.6, .4, 0]])
    ids = ("u1", "u2", "u3", "u4")
    same = TopicModel("x", 3, 1, vocab, phi, theta, ids)
    # seed 2: the same topics in another order, u4 a little more on its first topic
    permutation = [2, 0, 1]
    other_theta = theta[:, permutation].copy()
    other_theta[3] = [0, .8, .2]
    permuted = TopicModel("x", 3, 2, vocab, phi[permutation], other_theta, ids)
    # seed 3: an outlier that puts u1 and u2 together
    outlier = TopicModel("x", 3, 3, vocab, phi[[1, 0, 2]], np.array([[.9, .1, 0], [.8, .2, 0], [0, .1, .9],
                                                                      [.1, .9, 0]]), ids)
    assert reference_index([outlier, same, permuted]) == 1         # the outlier is never the reference
    model, reference = consensus_model([same, permuted])
    assert reference == 0 and model.topic_term is same.topic_term
    # u4: (.6, .4, 0) and, matched back, (.8, .2, 0): mean (.7, .3, 0)
    assert model.doc_topic[3] == pytest.approx([.7, .3, 0])
    assert model.doc_topic[:3] == pytest.approx(theta[:3])
    assert model.params["seeds"] == [1, 2] and model.params["reference_seed"] == 1


def test_grouping_agreement_is_the_nmi_of_two_groupings():
    from sklearn.metrics import normalized_mutual_info_score

    assert grouping_agreement(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0])) == pytest.approx(1.0)
    assert grouping_agreement(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])) == pytest.approx(0.0)
    # (0 0 1 1 2) vs (0 0 1 2 2): groups of 2/5, 2/5, 1/5 and 2/5, 1/5, 2/5, H = 1.0549 nats each; the pairs
    # (0,0) 2/5, (1,1) 1/5, (1,2) 1/5, (2,2) 1/5 give I = .4 log(.4/.16) + .2 log(.2/.08) + .2 log(.2/.16)
    # + .2 log(.2/.08) = .8 log 2.5 + .2 log 1.25 = 0.7777, over the mean entropy: 0.7372
    first, second = np.array([0, 0, 1, 1, 2]), np.array([0, 0, 1, 2, 2])
    assert grouping_agreement(first, second) == pytest.approx(0.7777 / 1.0549, abs=1e-3)
    assert grouping_agreement(first, second) == pytest.approx(normalized_mutual_info_score(first, second))
    # as large as a real consensus (the 62,357 fitted reviews, 10 topics), partly agreeing, and the edge cases
    rng = np.random.default_rng(7)
    first = rng.integers(0, 10, 62_357)
    second = np.where(rng.random(first.size) < 0.6, first, rng.integers(0, 10, first.size))
    for a, b in ((first, second), (first, first[::-1]), (np.zeros(9, int), np.zeros(9, int)),
                 (np.zeros(9, int), np.arange(9)), (np.array([5, 5, 9]), np.array([-1, 3, 3]))):
        assert grouping_agreement(a, b) == pytest.approx(normalized_mutual_info_score(a, b), abs=1e-12)


def test_a_document_left_without_terms_by_the_term_count_floor_gets_equal_weights():
    docs = [["a", "a", "b"], [], ["c"], ["a", "b", "b"]]
    model = fit_topics(docs, ["d1", "d2", "d3", "d4"], k=2, seed=1, iterations=10, min_term_count=2)
    assert "c" not in model.vocab and model.doc_topic.shape == (4, 2)
    assert model.doc_topic[1] == pytest.approx([0.5, 0.5]) and model.doc_topic[2] == pytest.approx([0.5, 0.5])


def test_whole_documents_are_fitted_when_there_are_enough_of_them():
    assert choose_fit_on("auto", 200, 10) == "documents" and choose_fit_on("auto", 199, 10) == "paragraphs"
    assert choose_fit_on("paragraphs", 5000, 10) == "paragraphs" and choose_fit_on("documents", 4, 6) == "documents"
    docs, ids = document_terms([["a"], [], ["b", "c"], ["d"], []], ["d1", "d1", "d2", "d1", "d3"])
    assert ids == ["d1", "d2"] and docs == [["a", "d"], ["b", "c"]]      # d3 has no term


def test_paragraph_weights_inferred_with_the_topics_held_fixed():
    phi = np.array([[.5, .5, 0], [0, .2, .8]])
    theta = infer_mixtures([["a", "a"], ["c"], ["zz"], ["a", "c"]], ["a", "b", "c"], phi, alpha=0.1)
    # a only comes from topic 1: expected counts (2, 0), mode of the posterior (2 + .1, .1) / 2.2
    assert theta[0] == pytest.approx([2.1 / 2.2, 0.1 / 2.2])
    assert theta[1] == pytest.approx([0.1 / 1.2, 1.1 / 1.2])
    assert theta[2] == pytest.approx([0.5, 0.5])                         # no known term: equal weights
    assert theta[3] == pytest.approx([1.1 / 2.2, 1.1 / 2.2])


def test_k_range_parsing_and_the_rule():
    assert parse_k("5:30:5") == (5, 10, 15, 20, 25, 30)
    assert parse_k("3:5") == (3, 4, 5) and parse_k("8") == (8,)
    for bad in ("5-30", "30:5", "1:4", "5:30:0", "x"):
        with pytest.raises(ConfigError):
            parse_k(bad)
    table = pd.DataFrame({"k": [5, 10, 15], "c_npmi": [0.05, 0.09, 0.12], "stability": [0.8, 0.7, 0.4],
                          "diversity": [0.9, 0.8, 0.7]})
    assert propose_k(table, 0.5) == 10                   # 15 has the best NPMI but is unstable
    assert propose_k(table.assign(stability=[.1, .2, .3]), 0.5) == 15    # nothing stable: most stable


@pytest.fixture(scope="module")
def topic_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("topics")
    config = base / "small.toml"
    config.write_text("[topics]\niterations = 40\nstability_runs = 2\n", encoding="utf-8")
    outs = []
    for name, workers in (("w1", "1"), ("w2", "2")):
        out = base / name
        result = textmine("topics", "--config", str(config), "--corpus", str(CORPUS), "--k", "3:5:2",
                          "--fit-workers", workers, "--out", str(out), "--quiet", cwd=base)
        assert result.returncode == 0, result.stderr
        outs.append(out)
    return outs


def test_topics_command_writes_the_contract_files(topic_run):
    out = topic_run[0]
    columns = {
        "topics.csv": ["topic", "rank", "term", "weight", "unstable"],
        "doc_topics.csv": ["doc_id", "topic", "weight", "unstable"],
        "topic_summary.csv": ["topic", "label", "prevalence", "stability", "unstable", "top_terms"],
        "topic_relevance.csv": ["topic", "rank", "term", "probability", "relevance", "unstable"],
        "topic_examples.csv": ["topic", "rank", "doc_id", "unit_id", "start", "end", "weight", "text", "unstable"],
        "topic_k_selection.csv": ["k", "c_v", "c_npmi", "u_mass", "heldout_ll", "perplexity", "diversity",
                                  "stability", "unstable_topics", "proposed"],
    }
    for name, expected in columns.items():
        assert list(pd.read_csv(out / name).columns) == expected, name
    assert (out / "topic_k_selection.png").stat().st_size > 10_000
    selection = pd.read_csv(out / "topic_k_selection.csv")
    assert list(selection["k"]) == [3, 5] and selection["proposed"].sum() == 1
    assert selection[["c_v", "c_npmi", "u_mass", "heldout_ll", "diversity", "stability"]].notna().all().all()
    k = int(selection.loc[selection["proposed"], "k"].iloc[0])
    summary = pd.read_csv(out / "topic_summary.csv")
    assert list(summary["topic"]) == list(range(1, k + 1))
    assert summary["prevalence"].sum() == pytest.approx(1, abs=1e-4)
    assert list(summary["unstable"]) == list(summary["stability"] < 0.5)
    flags = dict(zip(summary["topic"], summary["unstable"]))
    for name in ("topics.csv", "doc_topics.csv", "unit_topics.csv", "topic_relevance.csv", "topic_examples.csv"):
        table = pd.read_csv(out / name)
        assert (table["topic"].map(flags) == table["unstable"]).all(), name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "topic_map.html" in manifest["outputs"]


def test_representative_paragraphs_point_into_the_original_files(topic_run, prepared):
    examples = pd.read_csv(topic_run[0] / "topic_examples.csv")
    assert len(examples) == examples["topic"].nunique() * 5
    for row in examples.itertuples():
        original = (CORPUS / f"{row.doc_id}.txt").read_text(encoding="utf-8")
        assert original[row.start] == row.text[0] and original[row.end - 1] == row.text[-1]
    # ranked by how surely each is about its topic, given its content terms (the same config's terms)
    terms = {t.unit_id: len(c) for t, c in zip(prepared.tokens, prepared.content_terms)}
    for _, group in examples.groupby("topic"):
        sure = surely_about(group["weight"].to_numpy(), group["unit_id"].map(terms).to_numpy())
        assert (np.diff(sure) <= 1e-9).all() and (group["rank"].to_numpy() == np.arange(1, len(group) + 1)).all()


def test_a_short_line_needs_a_larger_share_than_a_long_paragraph_to_represent_a_topic():
    # the CPC report of 1982: "再次，关于正确贯彻计划经济为主、市场调节为辅原则的问题。" has 9 content terms, and the
    # default fit (seed 42) gave it 0.86 of a topic: the topic's second example by weight alone
    assert surely_about(np.array([0.86]), [9])[0] == pytest.approx(0.534, abs=1e-3)
    assert surely_about(np.array([0.8]), [60])[0] == pytest.approx(0.682, abs=1e-3)
    weights, lengths = np.array([0.86, 0.8, 0.8, 0.3, 0.0]), [9, 60, 60, 400, 0]
    ids = np.array(["heading", "long-b", "long-a", "mixed", "empty"], dtype=object)
    assert example_order(weights, lengths, ids, 5).tolist() == [2, 1, 0, 3, 4]   # ties by unit id
    assert surely_about(np.array([1.0, 0.5]), [0, 0]).tolist() == [0.0, 0.0]
    # with enough terms the interval is narrow and the order is the weights'
    assert example_order(np.array([0.7, 0.9]), [5000, 5000], ids[:2], 2).tolist() == [1, 0]


def test_topic_map_is_offline_renders_chinese_and_uses_table_numbers(topic_run):
    page = (topic_run[0] / "topic_map.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)   # nothing loaded from the network
    assert "@font-face" in page and "data:font/otf;base64," in page
    data = json.loads(re.search(r'<script id="data" type="application/json">(.*?)</script>', page, re.S)
                      .group(1).replace("<\\/", "</"))
    summary = pd.read_csv(topic_run[0] / "topic_summary.csv")
    assert [t["topic"] for t in data["topics"]] == list(summary["topic"])
    assert [t["label"] for t in data["topics"]] == list(summary["label"])
    assert [t["unstable"] for t in data["topics"]] == list(summary["unstable"])


def test_outputs_are_identical_with_one_and_two_workers(topic_run):
    for name in ("topics.csv", "doc_topics.csv", "topic_summary.csv", "topic_k_selection.csv", "topic_map.html"):
        assert (topic_run[0] / name).read_bytes() == (topic_run[1] / name).read_bytes(), name


@pytest.mark.slow
def test_shopping_reviews_topics_follow_the_categories(tmp_path):
    from sklearn.metrics import normalized_mutual_info_score

    reviews = shopping_reviews()
    sample = reviews.dropna(subset=["review"]).groupby("cat").sample(60, random_state=0).reset_index(drop=True)
    sample.insert(0, "id", [f"r{i:04d}" for i in range(len(sample))])
    sample.to_csv(tmp_path / "reviews.csv", index=False)
    (tmp_path / "t.toml").write_text("[topics]\niterations = 100\nstability_runs = 2\nmin_unit_tokens = 1\n",
                                     encoding="utf-8")
    for workers in ("1", "2"):
        result = textmine("topics", "--config", str(tmp_path / "t.toml"), "--corpus", str(tmp_path / "reviews.csv"),
                          "--text-col", "review", "--id-col", "id", "--k", "10", "--out", str(tmp_path / workers),
                          "--fit-workers", workers, "--quiet", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    # 600 reviews, 60 per topic: whole documents are fitted, and the consensus of the two fits is the same
    # whether they ran one after the other or side by side
    fit = pd.read_csv(tmp_path / "1" / "topic_fit.csv").set_index("item")["value"]
    assert fit["fit_on"] == "documents" and fit["fits"] == "2"
    for name in ("doc_topics.csv", "unit_topics.csv", "topic_summary.csv", "topic_examples.csv", "topic_fit.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name
    doc_topics = pd.read_csv(tmp_path / "1" / "doc_topics.csv")
    dominant = doc_topics.loc[doc_topics.groupby("doc_id")["weight"].idxmax()].set_index("doc_id")["topic"]
    truth = sample.set_index("id")["cat"].reindex(dominant.index)
    assert len(dominant) > 0.95 * len(sample)           # one row per review (very short ones drop out)
    assert normalized_mutual_info_score(truth, dominant) > 0.3


@pytest.mark.parametrize("k, message", [
    ("30:5", "--k = '30:5' is out of range"),
    ("five", "--k = 'five' is not allowed"),
    ("1:3", "--k = '1:3' is out of range"),
])
def test_bad_k_is_a_one_line_error(k, message, capsys, tmp_path):
    from textmine.cli import main

    assert main(["topics", "--corpus", str(CORPUS), "--k", k, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("textmine: error: ") and message in err[0]


def test_the_iterations_of_a_fit_follow_the_corpus_size_rule():
    from textmine.topics.analysis import fit_iterations

    def rows(tokens):
        return [["词"] * 10] * (tokens // 10)

    assert fit_iterations(0, "tomotopy", rows(650_000)) == 200       # the reviews: at the floor
    assert fit_iterations(0, "tomotopy", rows(120_000)) == 250
    assert fit_iterations(0, "tomotopy", rows(136_000)) == 220       # the news articles
    assert fit_iterations(0, "tomotopy", rows(97_000)) == 310        # the congress reports
    assert fit_iterations(0, "tomotopy", rows(20_000)) == 1000       # the bundled corpus: at the ceiling
    assert fit_iterations(0, "gensim", rows(650_000)) == fit_iterations(0, "nmf", rows(10)) == 250
    assert fit_iterations(40, "tomotopy", rows(650_000)) == 40


def _one_paragraph_corpus(tmp_path):
    """One document of one paragraph: too little text for six topics."""
    text = (CORPUS / "xinhua-ai-trends-2026.txt").read_text(encoding="utf-8")
    return one_file_corpus(tmp_path, "one", "".join(text.split()))


def test_a_run_leaves_out_topics_its_text_is_too_little_for_and_keeps_the_rest(tmp_path, caplog):
    """Fewer usable units than k: with other stages the topics are left out with a warning, the other tables made,
    and the manifest and the report say what was left out and why; asked for alone, a one-line error."""
    import json

    import textmine as tm
    from textmine.errors import TooLittleText

    config = _one_paragraph_corpus(tmp_path)
    result = tm.run(config, ("keywords", "keyness", "topics"))
    assert "keywords" in result.tables and not any(name.startswith(("topic", "keyness")) for name in result.tables)
    assert result.left_out == {"keyness": "keyness needs at least two documents",
                               "topics": "topics: 1 unit(s) with enough content terms, fewer than k = 6; lower "
                                         "[topics] k or min_unit_tokens"}
    assert any("fewer than k = 6" in r.getMessage() and "topics left out" in r.getMessage() for r in caplog.records)
    out = tm.write_run(result, tmp_path / "out", images=False)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["left_out"] == result.left_out and "topics" not in manifest["stages"]
    tm.write_report(out)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Left out for too little text: keyness (keyness needs at least two documents); topics (topics: 1 unit(s)" \
        in report.replace("\\", "")
    assert "Topics: tomotopy" not in report
    tm.write_run(tm.run(config, ("kwic",)), out, images=False)   # a later command into the folder keeps the record
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["left_out"] == result.left_out
    with pytest.raises(TooLittleText, match="fewer than k = 6"):
        tm.run(config, ("topics",))


def test_too_few_terms_above_the_term_count_floor_is_too_little_text(tmp_path, capsys):
    """Eight paragraphs of a report are eight units, enough rows for six topics, but only two terms (AI, 中国) are
    seen five times: six topics over them would be noise. The run leaves topics out; alone, a one-line error that
    names the setting; with the floor lowered the topics are fitted."""
    from collections import Counter

    import textmine as tm
    from textmine.cli import main
    from textmine.errors import TooLittleText
    from textmine.topics.analysis import fit_rows
    from textmine.topics.model import check_enough_terms

    config = first_paragraphs(tmp_path, 8)
    rows = fit_rows(tm.prepare(config, cache=None), config.topics, 6)
    counts = Counter(t for terms in rows.docs for t in terms)
    assert len(rows.docs) == 8 and sorted(t for t, c in counts.items() if c >= 5) == ["AI", "中国"]
    in_units = sum(c >= 5 for c in Counter(t for terms in rows.docs for t in set(terms)).values())
    with pytest.raises(TooLittleText, match=f"{in_units} term\\(s\\) in at least 5 of "):
        check_enough_terms(rows.docs, 6, engine="nmf", min_count=5)     # nmf: units holding the term
    check_enough_terms(rows.docs, 6, engine="gensim", min_count=5)      # gensim has no floor
    result = tm.run(config, ("keywords", "topics"))
    assert result.left_out == {"topics": "topics: 2 term(s) seen at least 5 times across the fitted units, fewer "
                                         "than k = 6; lower [topics] min_term_count or k"}
    code = main(["topics", "--corpus", config.corpus.path, "--no-cache", "--quiet", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and err == ["textmine: error: " + result.left_out["topics"]], err
    lowered = tm.run(config.replace(topics={"min_term_count": 1}), ("topics",))
    assert len(lowered.tables["topic_summary"]) == 6


def test_a_fit_workers_error_for_the_user_is_raised_again_here():
    """A worker process that stops with a textmine error sends it back: the caller raises the same error, with its
    message, instead of reporting a failed worker."""
    from textmine.errors import TooLittleText
    from textmine.topics.processes import fit_in_processes

    with pytest.raises(TooLittleText, match="2 unit"):
        fit_in_processes([["算力", "模型"], ["模型", "数据"]], ["a", "b"], [1, 2], workers=2, k=6, engine="tomotopy",
                         iterations=10)


def test_topics_alone_on_too_little_text_is_a_one_line_error(tmp_path, capsys):
    from textmine.cli import main

    config = _one_paragraph_corpus(tmp_path)
    code = main(["topics", "--corpus", config.corpus.path, "--no-cache", "--quiet", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and err[0].startswith("textmine: error: topics: 1 unit(s)"), err
