"""The whole run over partitions (``textmine.partitions``, what ``--scheduler`` runs) writes the files of a run in
one process, byte for byte; topic mixtures inferred for a sampled fit are the EM fold-in."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import CORPUS, first_paragraphs, shopping_reviews, textmine

import textmine as tm

#: Shorter topic fits keep these tests quick; both paths fit with the same settings.
QUICK_TOPICS = {"iterations": 60, "stability_runs": 2, "specificity_iterations": 20}


def _files(folder) -> dict[str, bytes]:
    skip = {"manifest.json", "report.html", "report.md"}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in skip}


def _single(config, folder):
    """The folder of a run in one process."""
    from textmine.io.write import RunWriter

    writer = RunWriter(config, folder)
    writer.commit(tm.run(config, cache=None, on_tables=writer.write))
    return _files(folder)


def _partitioned(config, folder):
    """The folder of a partitioned run, its tasks run here one after another."""
    from textmine.io.write import RunWriter
    from textmine.partitions import run_partitioned
    from textmine.pipeline import STAGES

    writer = RunWriter(config, folder)
    result = run_partitioned(config, STAGES, writer)
    writer.commit(result)
    return _files(folder), result


#: The bundled corpus as the command line reads it with the test config below (charts off: they are drawn
#: from the tables by the same writer either way).
CORPUS_CONFIG = tm.Config().replace(corpus={"path": str(CORPUS)}, topics=QUICK_TOPICS,
                                    output={"wordclouds": False, "plots": False}, scale={"cache": False})


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return _single(CORPUS_CONFIG, tmp_path_factory.mktemp("single"))


def test_a_partitioned_run_writes_the_files_of_a_run_in_one_process(reference, tmp_path):
    parts, result = _partitioned(CORPUS_CONFIG.replace(scale={"partition_docs": 1}), tmp_path / "parts")
    assert result.prepared.segment_info["partitions"] == 4
    assert len(reference) >= 20 and set(parts) == set(reference)
    assert [name for name in reference if parts[name] != reference[name]] == []


def test_a_partitioned_run_leaves_out_topics_the_term_count_floor_leaves_too_few_terms_for(tmp_path):
    """Eight paragraphs of a report: two terms seen five times, fewer than k = 6. Over partitions, as in one
    process, the topics are left out with the same reason and the other tables are made."""
    config = first_paragraphs(tmp_path, 8)
    single = tm.run(config, cache=None)
    parts, result = _partitioned(config.replace(scale={"partition_docs": 1}), tmp_path / "parts")
    assert result.left_out == single.left_out and set(single.left_out) == {"topics", "keyness"}   # one document
    assert "2 term(s) seen at least 5 times" in result.left_out["topics"]
    assert "keywords.csv" in parts and not any(name.startswith("topic") for name in parts)


def test_documents_fitted_whole_give_their_paragraphs_the_same_weights_in_partitions(tmp_path):
    """The four bundled reports fitted whole (fit_on = "documents"): each paragraph's weights are inferred from its
    own terms, in its partition, and equal those of the run in one process."""
    from textmine.io.write import RunWriter
    from textmine.partitions import run_partitioned

    config = CORPUS_CONFIG.replace(topics={"fit_on": "documents", "k": 3})
    single = RunWriter(config, tmp_path / "single")
    single.commit(tm.run(config, ("topics",), cache=None, on_tables=single.write))
    parts = RunWriter(config.replace(scale={"partition_docs": 1}), tmp_path / "parts")
    parts.commit(run_partitioned(config.replace(scale={"partition_docs": 1}), ("topics",), parts))
    one, many = _files(tmp_path / "single"), _files(tmp_path / "parts")
    assert set(one) == set(many) and "unit_topics.csv" in one
    assert [name for name in one if one[name] != many[name]] == []
    assert b"documents" in one["topic_fit.csv"]
    units = one["unit_topics.csv"].decode("utf-8-sig").splitlines()
    assert len(units) - 1 > 3 * 100      # many paragraphs per report, each with weights of its own


@pytest.mark.slow
def test_a_partitioned_run_of_a_slice_of_the_reviews_equals_the_run_in_one_process(tmp_path):
    table = tmp_path / "reviews.csv"
    shopping_reviews(dtype=str, keep_default_na=False).iloc[30000:31500].to_csv(table, index=False)
    # 1,500 reviews, at least 20 per topic: both paths fit whole documents (fit_on = "auto"); then paragraphs
    config = tm.Config().replace(corpus={"path": str(table), "text_col": "review"}, topics=QUICK_TOPICS,
                                 output={"wordclouds": False}, scale={"cache": False, "partition_docs": 400})
    for fit_on in ("auto", "paragraphs"):
        config = config.replace(topics={"fit_on": fit_on})
        single = _single(config, tmp_path / f"single-{fit_on}")
        parts, result = _partitioned(config, tmp_path / f"parts-{fit_on}")
        assert result.prepared.segment_info["partitions"] == 4
        assert set(parts) == set(single) and "keyness.csv" in single and "unit_topics.csv" in single
        assert [name for name in single if parts[name] != single[name]] == []
        fit = dict(line.split(",")[:2] for line in single["topic_fit.csv"].decode("utf-8-sig").splitlines()[1:])
        assert fit["fit_on"] == ("documents" if fit_on == "auto" else "paragraphs")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="a local cluster of processes")
def test_the_command_line_on_a_local_dask_cluster_of_processes_writes_the_same_files(reference, tmp_path):
    """``textmine run --scheduler dask --workers 2``: a scheduler and two worker processes, two partitions."""
    pytest.importorskip("distributed")
    (tmp_path / "textmine.toml").write_text(
        "[scale]\npartition_docs = 2\n[topics]\niterations = 60\nstability_runs = 2\nspecificity_iterations = 20\n",
        encoding="utf-8")
    dask = textmine("run", "--config", str(tmp_path / "textmine.toml"), "--corpus", str(CORPUS), "--no-images",
                    "--quiet", "--out", str(tmp_path / "dask"), "--scheduler", "dask", "--workers", "2")
    assert dask.returncode == 0, dask.stderr[-2000:]
    files = _files(tmp_path / "dask")
    assert set(files) == set(reference) | {"tables.xlsx"}
    assert [name for name in reference if files[name] != reference[name]] == []
    import json

    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["segmentation"]["scheduler"] == "dask" and manifest["segmentation"]["partitions"] == 2


def test_topic_inference_is_the_em_fold_in():
    from textmine.partitions import infer_topics
    from textmine.topics.evaluate import fold_in
    from textmine.topics.processes import encode_docs

    rng = np.random.default_rng(3)
    model_vocab = [f"w{i}" for i in range(30)]
    topic_term = rng.dirichlet(np.ones(30), size=4)
    docs = [list(rng.choice([f"w{i}" for i in range(36)], size=rng.integers(0, 12))) for _ in range(60)]
    counts = np.zeros((len(docs), 30))
    for row, doc in enumerate(docs):
        for term in doc:
            if int(term[1:]) < 30:       # w30 … w35 are not in the model
                counts[row, int(term[1:])] += 1
    mine = infer_topics(*encode_docs(docs), model_vocab, topic_term)
    assert np.abs(mine - fold_in(counts, topic_term)).max() < 1e-12
    assert np.allclose(mine[counts.sum(axis=1) == 0], 0.25)      # nothing known: the uniform start


def test_inferred_mixtures_agree_with_the_fitted_ones(prepared):
    """EM with the topics fixed recovers the dominant topic the fit gave 94.8 % of the corpus's paragraphs (93 % of
    3,891 reviews: the floor here)."""
    from textmine.partitions import infer_topics
    from textmine.topics.analysis import engine_options, fit_runs, topic_units
    from textmine.topics.processes import encode_docs

    cfg = prepared.config.topics
    docs, ids, _ = topic_units(prepared, cfg.min_unit_tokens)
    model = fit_runs(docs, ids, k=cfg.k, engine=cfg.engine, seeds=[prepared.config.seed], iterations=cfg.iterations,
                     **engine_options(cfg))[0]
    theta = infer_topics(*encode_docs(docs), model.vocab, model.topic_term)
    assert (theta.argmax(axis=1) == model.doc_topic.argmax(axis=1)).mean() >= 0.93


def test_a_topic_sample_fits_some_documents_and_infers_every_paragraph(tmp_path):
    import pandas as pd

    from textmine.io.write import RunWriter
    from textmine.partitions import run_partitioned, topic_sample

    assert topic_sample(10, 10, 42) is None
    drawn = topic_sample(1000, 300, 42)
    assert len(drawn) == 300 and (np.diff(drawn) > 0).all() and (drawn == topic_sample(1000, 300, 42)).all()
    table = tmp_path / "reviews.csv"
    shopping_reviews(dtype=str, keep_default_na=False).iloc[:1200].to_csv(table, index=False)
    config = tm.Config().replace(corpus={"path": str(table), "text_col": "review"}, topics=QUICK_TOPICS,
                                 output={"wordclouds": False, "plots": False},
                                 scale={"cache": False, "partition_docs": 500, "topic_sample": 300})
    writer = RunWriter(config, tmp_path / "out")
    writer.commit(run_partitioned(config, ("topics",), writer))
    units = pd.read_csv(tmp_path / "out" / "unit_topics.csv", dtype={"doc_id": str})
    prepared = tm.prepare(config)
    fitted = sum(len(t) >= config.topics.min_unit_tokens for t in prepared.content_terms)
    assert fitted > 300 and units["unit_id"].nunique() == fitted       # every paragraph, not only the 300 fitted
    assert np.allclose(units.groupby("unit_id")["weight"].sum(), 1.0, atol=1e-5)
    # 1,200 reviews, at least 20 per topic: 300 of them fitted whole, every review's mixture then inferred
    fit = pd.read_csv(tmp_path / "out" / "topic_fit.csv", dtype=str).set_index("item")["value"]
    assert fit["fit_on"] == "documents" and fit["rows_fitted"] == "300"
    documents = pd.read_csv(tmp_path / "out" / "doc_topics.csv", dtype={"doc_id": str})
    with_terms = {t.doc_id for t, terms in zip(prepared.tokens, prepared.content_terms) if terms}
    assert set(documents["doc_id"]) == with_terms
    # a review of one paragraph: the paragraph's weights are its review's
    one = pd.Series([u.doc_id for u in prepared.units]).value_counts()
    one = set(one[one == 1].index) & set(units["doc_id"])
    assert len(one) > 1000
    paired = units[units["doc_id"].isin(one)].merge(documents, on=["doc_id", "topic"], suffixes=("", "_doc"))
    assert len(paired) == len(one) * config.topics.k and (paired["weight"] == paired["weight_doc"]).all()
