"""`textmine run` end to end on the bundled corpus: tables, images, manifest, reproducibility."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from conftest import CORPUS, textmine

JUNK = re.compile(r"^(?:https?|www|com|cn|html?|#+|\d+(?:\.\d+)?%?|\W+)$|^\d{4}$", re.IGNORECASE)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, bundled_run):
    """Two fresh runs of the same config and seed, with the cache off: `textmine run` (``textmine`` adds
    --no-cache), which writes each stage's files as the stage ends, and the API's run written at once."""
    out = tmp_path_factory.mktemp("cli")
    result = textmine("run", "--corpus", str(CORPUS), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    return out, bundled_run


def test_run_writes_the_documented_outputs(two_runs):
    out = two_runs[0]
    for name in ("trends.csv", "keywords.csv", "keyness.csv", "topics.csv", "doc_topics.csv", "unit_topics.csv",
                 "vocab.csv", "manifest.json", "trends.png", "wordcloud_corpus.png", "units.csv", "tokens.csv",
                 "trends_period.csv", "trend_changes.csv", "trends_period.png", "keyness_compare.csv", "keyness.png",
                 "kwic.csv", "cooccurrence.csv", "cooccurrence_nodes.csv", "cooccurrence.png", "cooccurrence.gexf",
                 "cooccurrence.graphml", "documents.csv", "report.html", "report.md"):
        assert (out / name).is_file(), name
    assert len(list((out / "wordclouds").glob("*.png"))) == 4
    assert list(pd.read_csv(out / "trends.csv").columns)[:5] == ["theme", "doc_id", "date", "count", "per_10k"]
    assert list(pd.read_csv(out / "keywords.csv").columns) == ["doc_id", "term", "score", "rank"]
    # topic tables may append columns (the per-topic "unstable" flag)
    assert list(pd.read_csv(out / "topics.csv").columns)[:4] == ["topic", "rank", "term", "weight"]
    assert list(pd.read_csv(out / "doc_topics.csv").columns)[:3] == ["doc_id", "topic", "weight"]
    assert list(pd.read_csv(out / "vocab.csv").columns) == ["term", "count", "doc_freq"]


def test_same_config_and_seed_give_byte_identical_tables(two_runs):
    first, second = two_runs
    tables = sorted(p.name for p in first.glob("*.csv"))
    assert len(tables) >= 9
    for name in tables:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    m1, m2 = (json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in two_runs)
    for manifest in (m1, m2):
        manifest.pop("timings")
        manifest.pop("run_stats")
        manifest.pop("created")
        manifest.pop("command")  # names the output folder, which differs here
        manifest["config"]["output"].pop("dir")
        for entry in manifest["commands"]:
            entry.pop("command")
            entry.pop("created")
    assert m1 == m2


def test_files_written_stage_by_stage_equal_a_finished_run_written_at_once(two_runs):
    """`textmine run` writes each stage's tables and charts as the stage ends (topics last); the Python
    API writes the finished run in one go. Every file — tables, charts, word clouds, the topic map — must
    be the same."""
    by_stage, at_once = (json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in two_runs)
    assert at_once["run_stats"]["from_cache"] == [] and by_stage["run_stats"]["from_cache"] == []
    by_stage, at_once = by_stage["outputs"], at_once["outputs"]
    assert len(at_once) >= 30 and "topic_map.html" in at_once and "wordcloud_corpus.png" in at_once
    assert by_stage == at_once

def test_manifest_records_how_the_run_was_made(two_runs):
    manifest = json.loads((two_runs[0] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 42
    assert manifest["config"]["topics"]["k"] == 6
    assert set(manifest["corpus"]["files"]) == {p.name for p in CORPUS.iterdir()}
    assert all(len(h) == 64 for h in manifest["corpus"]["files"].values())
    assert set(manifest["lexicon"]["sha256"]) == {"domain_lexicon.tsv"}
    assert len(manifest["stopwords"]["sha256"]) == 64
    from importlib import metadata

    assert manifest["packages"]["jieba"] == metadata.version("jieba")
    assert {"read", "clean", "segment", "keywords", "keyness", "topics", "trends"} <= set(manifest["timings"])
    assert manifest["outputs"]["trends.csv"] and manifest["corpus"]["dropped_blocks"]["footnote"] == 91
    assert manifest["themes"]["rules"]["数据"]["not_inside"] == ["数据中心"]
    # per-document detail is a table, not manifest entries
    documents = pd.read_csv(two_runs[0] / "documents.csv")
    assert list(documents.columns) == ["doc_id", "date", "title", "publisher", "chars", "units", "tokens", "stub"]
    assert documents["tokens"].sum() == manifest["corpus"]["tokens"] == pd.read_csv(
        two_runs[0] / "tokens.csv")["n_tokens"].sum()
    assert manifest["corpus"]["documents"] == 4 and manifest["commands"][0]["command"].startswith("textmine run")


def test_no_junk_in_any_top_20_keywords(two_runs):
    keywords = pd.read_csv(two_runs[0] / "keywords.csv")
    top = keywords[keywords["rank"] <= 20]
    assert top["doc_id"].nunique() == 4
    junk = [t for t in top["term"] if JUNK.match(str(t)) or len(str(t)) < 2]
    assert junk == []
    keyness = pd.read_csv(two_runs[0] / "keyness.csv")
    assert [t for t in keyness[keyness["rank"] <= 20]["term"] if JUNK.match(str(t)) or len(str(t)) < 2] == []


def test_keywords_surface_each_reports_themes(two_runs):
    keywords = pd.read_csv(two_runs[0] / "keywords.csv")
    top = {d: set(g.head(20)["term"]) for d, g in keywords.groupby("doc_id")}
    assert "AI玩具" in top["ccid-ai-outlook-2026"]            # the page's AI-toy feature
    assert "智能穿戴" in top["people-large-models-2025"]        # the 智能穿戴 feature
    assert "生成式人工智能" in top["cnnic-genai-report-2025"]
    assert "算力" in top["xinhua-ai-trends-2026"]


def test_default_trend_table(two_runs):
    trends = pd.read_csv(two_runs[0] / "trends.csv", dtype={"date": str})
    assert list(dict.fromkeys(trends["theme"])) == ["智能体", "具身智能", "算电协同", "大模型", "算力", "数据"]
    # documents in date order: two dated only to the year 2025, then 2025-10, then 2026-01-28
    assert list(trends["doc_id"][:4]) == ["ccid-ai-outlook-2026", "people-large-models-2025",
                                          "cnnic-genai-report-2025", "xinhua-ai-trends-2026"]
    assert list(trends["date"][:4]) == ["2025", "2025", "2025-10", "2026-01-28"]
    counts = trends.pivot(index="theme", columns="doc_id", values="count")
    # the bundled theme rules add 'AI Agent' (3 in cnnic) to the 32 智能体, and 具身机器人 (1) to the 24 具身智能
    # (the files have one more of each, in the table of contents)
    assert counts.loc["智能体"].sum() == 35 and counts.loc["具身智能"].sum() == 25
    # 算电协同 once as a word and twice written out (算力 near 电力), all in xinhua
    assert counts.loc["算电协同", "xinhua-ai-trends-2026"] == 3 and counts.loc["算电协同"].sum() == 3
    totals = pd.read_csv(two_runs[0] / "tokens.csv").groupby("doc_id")["n_tokens"].sum()
    row = trends[(trends.theme == "大模型") & (trends.doc_id == "people-large-models-2025")].iloc[0]
    assert row["per_10k"] == pytest.approx(row["count"] / totals["people-large-models-2025"] * 1e4, rel=1e-5)


def test_topics_are_reproducible_and_cover_every_report(two_runs):
    doc_topics = pd.read_csv(two_runs[0] / "doc_topics.csv")
    assert doc_topics["doc_id"].nunique() == 4
    sums = doc_topics.groupby("doc_id")["weight"].sum()
    assert sums.between(0.999, 1.001).all()
    topics = pd.read_csv(two_runs[0] / "topics.csv")
    assert topics["topic"].nunique() == 6 and topics["topic"].min() == 1


def test_word_clouds_use_the_bundled_cjk_font():
    from PIL import Image

    from textmine.figures import word_cloud
    from textmine.fonts import cjk_font_path

    assert "site-packages" in str(cjk_font_path()) or "mplfonts" in str(cjk_font_path())
    image = word_cloud({"智能体": 5.0, "具身智能": 3.0}, seed=1, width=300, height=200)
    assert isinstance(image, Image.Image)
    # Glyphs, not empty boxes: the rendered text covers a real share of the canvas.
    gray = image.convert("L")
    ink = sum(1 for p in gray.tobytes() if p < 200)
    assert ink > 1500


def test_word_clouds_drawn_with_kept_fonts_are_the_plain_ones_and_keep_few_fonts(prepared):
    from collections import Counter

    import wordcloud.wordcloud as wordcloud_module

    from textmine.drawing import FONTS_KEPT, CloudJob, draw_clouds, reused_fonts
    from textmine.figures import word_cloud_png

    # the bundled corpus's 300 most frequent content terms, as the corpus cloud weighs them
    counts = Counter(t for terms in prepared.content_terms for t in terms)
    weights = tuple((term, float(n)) for term, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:300])
    plain = word_cloud_png(dict(weights), seed=3)            # PIL loads the font for every size tried
    original = wordcloud_module.ImageFont.truetype
    with reused_fonts():
        cached = wordcloud_module.ImageFont.truetype
        cached_png = word_cloud_png(dict(weights), seed=3)
        info = cached.cache_info()
    assert cached_png == plain and draw_clouds([CloudJob("c", weights, 3)]) == [plain]
    assert info.hits > 50 and info.misses > info.currsize      # reused sizes, and sizes let go of
    assert info.currsize <= FONTS_KEPT                          # a few font objects of about 3 MB each, not hundreds
    assert wordcloud_module.ImageFont.truetype is original      # the module is restored


def test_word_clouds_drawn_by_worker_processes_are_the_ones_drawn_here(prepared):
    """Two or more clouds go to drawing processes (while the run goes on); each is the PNG drawn in this process."""
    from collections import Counter

    from textmine.drawing import PROCESS_MIN_CLOUDS, CloudDrawer, CloudJob, draw_clouds

    by_doc: dict[str, Counter] = {}
    for unit, terms in zip(prepared.tokens, prepared.content_terms):
        by_doc.setdefault(unit.doc_id, Counter()).update(terms)
    jobs = [CloudJob(doc_id, tuple((t, float(n)) for t, n in counts.most_common(80)), 42)
            for doc_id, counts in by_doc.items()]
    assert len(jobs) == 4 >= PROCESS_MIN_CLOUDS
    drawn: dict[str, bytes] = {}
    drawer = CloudDrawer(lambda job, png: drawn.__setitem__(job.name, png), workers=2)
    drawer.submit(jobs)
    assert all(future is not None for _, future in drawer._pending)   # sent to worker processes
    drawer.results()
    assert drawn == dict(zip((job.name for job in jobs), draw_clouds(jobs)))
    assert all(png.startswith(b"\x89PNG") for png in drawn.values())


def test_every_column_of_every_table_is_in_the_glossary(two_runs):
    from textmine.glossary import describe

    out = two_runs[0]
    missing = [(p.name, c) for p in sorted(out.glob("*.csv")) for c in pd.read_csv(p, nrows=0).columns
               if not describe(p.name, c)]
    assert missing == []
