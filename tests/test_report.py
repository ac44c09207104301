"""The run report: sections from the contract files, escaping of corpus text, self-containment, and a real browser."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import re
import shutil
from collections import Counter
from html.parser import HTMLParser

import pandas as pd
import pytest

from conftest import REPO

ARTIFACTS = REPO / "test-artifacts"
BUNDLED_SECTIONS = ["findings", "search", "trends", "period-keywords", "per-document", "topics", "network",
                    "corpus-keywords", "overview", "glossary", "appendix"]
BUNDLED_IMAGES = {"wordcloud_corpus.png", "keyness.png", "trends.png", "trends_period.png", "dispersion.png",
                  "period_keywords.png", "topic_dates.png", "doc_topics.png", "cooccurrence.png"}
EVIL_SCRIPT = '<script>alert("pwned")</script>'
EVIL_IMG = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def evil_run(tmp_path_factory):
    """Two small reports whose text, title and publisher carry markup, plus the topic and trend stages' contract files carrying it too."""
    corpus = tmp_path_factory.mktemp("evil-corpus")
    (corpus / "a.txt").write_text(
        "人工智能产业报告\n\n大模型与智能体正在改变产业。" + EVIL_SCRIPT + "算力需求持续增长，智能体应用快速落地。\n\n"
        "具身智能的发展离不开算力和数据。" + EVIL_IMG + "数据要素市场建设加快推进，大模型训练需要高质量数据。\n",
        encoding="utf-8")
    (corpus / "b.txt").write_text(
        "生成式人工智能应用\n\n用户规模持续扩大，大模型产品不断丰富，智能体成为新热点。算力基础设施建设提速。\n\n"
        "数据安全与治理受到重视，具身智能机器人进入工厂。大模型与算力协同发展。\n", encoding="utf-8")
    pd.DataFrame([{"id": "a", "file": "a.txt", "title": "<script>alert('t')</script>标题", "publisher": "出版社<b>",
                   "date": "2024"},
                  {"id": "b", "file": "b.txt", "title": "普通标题", "publisher": "新华社", "date": "2025-03"}]
                 ).to_csv(corpus / "metadata.csv", index=False)
    import textmine as tm

    out = tmp_path_factory.mktemp("evil-run")
    # two short texts: no term is seen five times, so the term-count floor is off to fit topics at all
    config = tm.Config().replace(corpus={"path": str(corpus)}, topics={"k": 2, "iterations": 100, "min_term_count": 0})
    tm.write_run(tm.run(config), out)
    # Files that the topic and trend branches write, carrying corpus text into new sections.
    pd.DataFrame([{"query": "大模型", "doc_id": "a", "date": "2024", "start": 20, "end": 23,
                   "left": "正在改变产业。" + EVIL_SCRIPT, "match": "大模型", "right": EVIL_IMG + "训练需要"}]
                 ).to_csv(out / "kwic.csv", index=False)
    pd.DataFrame([{"topic": 1, "rank": 1, "doc_id": "a", "unit_id": "a:0002", "start": 0, "end": 10, "weight": 0.9,
                   "text": "示例段落" + EVIL_IMG}]).to_csv(out / "topic_examples.csv", index=False)
    pd.DataFrame([{"topic": 1, "label": "标签" + EVIL_SCRIPT, "prevalence": 0.6, "stability": 0.8, "unstable": False,
                   "top_terms": "算力 大模型"},
                  {"topic": 2, "label": "数据", "prevalence": 0.4, "stability": 0.3, "unstable": True,
                   "top_terms": "数据 安全"}]).to_csv(out / "topic_summary.csv", index=False)
    pd.DataFrame([{"source": "大模型", "target": EVIL_SCRIPT, "weight": 3}]).to_csv(out / "cooccurrence.csv",
                                                                                   index=False)
    pd.DataFrame([{"theme": "大模型", "period": "2024", "n_docs": 1, "doc_freq": 1, "count": 3, "tokens": 40,
                   "per_10k": 750.0, "ci_low": 250.0, "ci_high": 1900.0}]).to_csv(out / "trends_period.csv", index=False)
    pd.DataFrame([{"theme": "大模型", "from": "2024", "to": "2025-03", "change": 1.5}]).to_csv(
        out / "trend_changes.csv", index=False)
    pd.DataFrame([{"topic": 1, "rank": 1, "term": "算力", "probability": 0.2, "relevance": -1.1}]).to_csv(
        out / "topic_relevance.csv", index=False)
    pd.DataFrame([{"k": 2, "coherence": 0.41}, {"k": 3, "coherence": 0.38}]).to_csv(
        out / "topic_k_selection.csv", index=False)
    for name in ("keyness.png", "topic_k_selection.png", "cooccurrence.png"):
        shutil.copy(out / "trends.png", out / name)
    tm.write_report(out)
    return out


class _Refs(HTMLParser):
    """Every URL-bearing attribute, every tag, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._in_script_or_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self.urls += [v or "" for k, v in attrs.items() if k in ("src", "href", "action", "poster", "data")]
        self._in_script_or_style = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_script_or_style = False

    def handle_data(self, data):
        if not self._in_script_or_style:
            self.text.append(data)


def _parse(html: str) -> _Refs:
    parser = _Refs()
    parser.feed(html)
    return parser


def _section_ids(html: str) -> list[str]:
    return re.findall(r'<section id="([a-z-]+)"', html)


def test_report_of_the_bundled_corpus_has_the_sections_of_the_files_present(bundled_run):
    html = (bundled_run / "report.html").read_text(encoding="utf-8")
    # `textmine run` writes keywords, keyness, topics, trends, kwic and network: findings first, then their
    # sections, in reading order
    assert _section_ids(html) == BUNDLED_SECTIONS
    assert "Left out" not in html
    # the evidence lines come from kwic.csv: as many lines per theme as trends.csv counts
    assert "from kwic.csv" in html
    trends = pd.read_csv(bundled_run / "trends.csv")
    totals = trends.groupby("theme")["count"].sum()
    assert f"「具身智能」 · {totals['具身智能']} lines" in html
    assert f"「智能体」 · {totals['智能体']} lines (30 shown, spread over the documents)" in html
    # the manifest digest shown is the sha256 of manifest.json as written
    digest = hashlib.sha256((bundled_run / "manifest.json").read_bytes()).hexdigest()
    assert digest in html and digest in (bundled_run / "report.md").read_text(encoding="utf-8")
    # the totals agree with an independent count from tokens.csv
    tokens = pd.read_csv(bundled_run / "tokens.csv")["n_tokens"].sum()
    # 21,272 word tokens: 21,703 before theme terms left the segmentation (−20), bare numbers stopped being
    # protected and English words were kept in runs (−9) and cleaning dropped the CNNIC table of contents and other
    # front matter (−402)
    assert tokens == 21266 and f"{tokens:,} word tokens" in html
    # each report's title (from metadata.csv), its keywords and its distinctive terms
    assert "生成式人工智能应用发展报告（2025）" in html
    assert html.count('id="t-kw-') == 4 and html.count('id="t-kn-') == 4
    assert "AI玩具" in html and "智能穿戴" in html
    # trend cell for 大模型 in the people's daily report: rate per 10k (count) as in trends.csv
    row = trends[(trends.theme == "大模型") & (trends.doc_id == "people-large-models-2025")].iloc[0]
    assert f">{row.per_10k:.1f} ({row['count']})</td>" in html
    # representative paragraphs from topic_examples.csv, the first three of each of the six topics
    assert html.count('class="example"') == 18
    # the appendix: lexicon and stopword hashes, every parameter, package versions, config as TOML
    assert "domain_lexicon.tsv" in html and "topics.iterations" in html and "tomotopy" in html
    assert "[topics]" in html and "k = 6" in html


def test_report_is_self_contained_and_locked_down(bundled_run):
    html = (bundled_run / "report.html").read_text(encoding="utf-8")
    page = _parse(html)
    # the one link out of the page is the topic map beside it (a link the reader follows, never a request)
    assert page.urls and all(u.startswith("data:") or u.startswith("#") or u == "topic_map.html" for u in page.urls), \
        [u[:40] for u in page.urls if not u.startswith(("data:", "#"))]
    assert "topic_map.html" in page.urls
    assert not re.search(r"url\((?!data:)", html)
    assert "@import" not in html
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    # exactly one inline script, no src; the search's data is a data block the browser never runs
    assert scripts == [{"type": "application/octet-stream", "id": "search-data"}, {}]
    body = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    images = [attrs["src"] for tag, attrs in page.tags if tag == "img"]
    assert len(images) == len(BUNDLED_IMAGES) + 4  # the charts, and a word cloud per report
    assert all(base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n" for src in images)


def test_embedded_font_covers_every_chinese_character_on_the_page(bundled_run):
    from fontTools.ttLib import TTFont

    html = (bundled_run / "report.html").read_text(encoding="utf-8")
    font_b64 = re.search(r"src:url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", html).group(1)
    data = base64.b64decode(font_b64)
    assert data[:4] == b"wOFF"
    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    text = "".join(_parse(html).text)
    cjk = {c for c in text if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"}
    assert len(cjk) > 500
    assert sorted(c for c in cjk if ord(c) not in cmap) == []
    assert len(data) < 600_000  # a subset, not the 16 MB font


def test_corpus_text_with_markup_is_shown_as_text_everywhere(evil_run):
    html = (evil_run / "report.html").read_text(encoding="utf-8")
    for raw in (EVIL_SCRIPT, EVIL_IMG, "<script>alert('t')</script>", "出版社<b>"):
        assert raw not in html
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    page = _parse(html)
    assert [attrs for tag, attrs in page.tags if tag == "script"] == [
        {"type": "application/octet-stream", "id": "search-data"}, {}]
    assert not any("onerror" in attrs for _, attrs in page.tags)
    sources = [attrs["src"] for tag, attrs in page.tags if tag == "img"]
    assert sources and all(src.startswith("data:image/png;base64,") for src in sources)
    text = "".join(page.text)
    assert EVIL_SCRIPT in text and EVIL_IMG in text  # shown to the reader, literally
    md = (evil_run / "report.md").read_text(encoding="utf-8")
    assert "<script" not in md and "<img" not in md and "<b>" not in md
    assert "&lt;script&gt;alert(\"pwned\")&lt;/script&gt;" in md


def test_contract_files_of_other_stages_add_their_sections(evil_run):
    html = (evil_run / "report.html").read_text(encoding="utf-8")
    assert _section_ids(html) == BUNDLED_SECTIONS
    assert 'id="kwic"' in html and "<mark>大模型</mark>" in html and "from kwic.csv" in html
    assert 'id="t-topic-summary"' in html and ">unstable</td>" in html and "topic_summary.csv" in html
    assert "From topic_examples.csv" in html and html.count('class="example"') == 1
    assert 'id="t-cooccurrence"' in html
    assert 'id="t-trends-period"' in html and ">1,900</td>" in html       # ci_high
    assert 'id="t-trend-changes"' in html and 'id="t-topic-relevance"' in html and 'id="t-topic-k"' in html
    for name in ("keyness.png", "topic_k_selection.png", "cooccurrence.png"):
        assert f"· {name}</span>" in html
    md = (evil_run / "report.md").read_text(encoding="utf-8")
    assert "(keyness.png)" in md and "(cooccurrence.png)" in md and "trends\\_period.csv" in md


def test_sections_are_left_out_when_their_files_are_absent(bundled_run, tmp_path):
    shutil.copy(bundled_run / "manifest.json", tmp_path / "manifest.json")
    (tmp_path / "keywords.csv").write_text("doc_id,term\nx,y\n", encoding="utf-8")  # lacks score and rank
    from textmine.report import write_report

    html_path, md_path = write_report(tmp_path, tmp_path / "only" / "manifest-only.html")
    html = html_path.read_text(encoding="utf-8")
    assert md_path == tmp_path / "only" / "manifest-only.md" and md_path.is_file()
    assert _section_ids(html) == ["overview", "glossary", "appendix"]
    assert "keywords.csv lacks column(s) score, rank; its section is left out" in html
    assert "<img" not in html


def test_report_bytes_are_the_same_for_the_same_run(bundled_run, tmp_path):
    from textmine.report import write_report

    first = (bundled_run / "report.html").read_bytes()
    assert write_report(bundled_run)[0].read_bytes() == first
    html_path, md_path = write_report(bundled_run, tmp_path / "again.html")
    # written elsewhere, the page links the topic map in the run folder
    link = re.search(r'<a href="([^"#]*topic_map.html)">', html_path.read_text(encoding="utf-8")).group(1)
    assert link != "topic_map.html" and (html_path.parent / link).resolve() == (bundled_run / "topic_map.html").resolve()
    # the Markdown links images relative to where it is written
    md = md_path.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(links) == len(BUNDLED_IMAGES) + 4 and all((md_path.parent / link).is_file() for link in links)


def test_cli_report_options_and_errors(bundled_run, tmp_path, capsys):
    from textmine.cli import main

    out = tmp_path / "share" / "ai.html"
    assert main(["report", "--run", str(bundled_run), "--out", str(out)]) == 0
    assert out.is_file() and out.with_suffix(".md").is_file()
    assert capsys.readouterr().err.startswith("wrote ")
    assert main(["report", "--run", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"textmine: error: run folder {str(tmp_path / 'nothing')!r} has no manifest.json; run 'textmine run' "
        "first or pass the folder of a finished run with --run"]
    assert main(["report", "--run", str(bundled_run), "--out", str(tmp_path / "report.pdf")]) == 1
    assert "must name an .html file" in capsys.readouterr().err


# -- a real browser ------------------------------------------------------------------------------------

def _browser_or_skip():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -e '.[test]' installs it)")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("no Chromium on this machine: install Debian's 'chromium' package (.ci/run does)")
    return sync_playwright, executable


@contextlib.contextmanager
def _browser_page(url: str):
    """A page of headless Chromium (Debian's, through Playwright), 1280 × 900, 15 s timeouts; skips the test
    where either is missing."""
    sync_playwright, executable = _browser_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-default-apps", "--disable-sync", "--no-first-run",
                  "--disable-dev-shm-usage"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


@pytest.mark.slow   # a real browser: with the long tests (pytest -m slow)
def test_report_in_a_real_browser(bundled_run):
    url = (bundled_run / "report.html").resolve().as_uri()
    with _browser_page(url) as page:
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
        page.goto(url, wait_until="load")
        assert page.evaluate("document.fonts.check('16px TextmineCJK', '智能体')")
        page.evaluate("document.fonts.ready")
        for section in BUNDLED_SECTIONS:
            assert page.locator(f"section#{section} h2").is_visible(), section
        assert page.locator("img").count() == len(BUNDLED_IMAGES) + 4
        assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"))
        page.screenshot(path=str(ARTIFACTS / "report-full.png"), full_page=True)

        # the corpus keyword table: folded to 20 of its 200 rows; sorting by count flips its order
        table = page.locator("#t-vocab table")
        assert table.locator("tbody tr:visible").count() == 20
        first = table.locator("tbody tr").first.locator("td")
        assert first.nth(0).inner_text() == "人工智能"
        table.locator("th", has_text="count").locator("button").click()   # ascending
        counts = [int(t.replace(",", "")) for t in table.locator("tbody tr td:nth-child(2)").all_inner_texts()]
        assert counts == sorted(counts)
        assert table.locator("tbody tr:visible").count() == 20
        page.locator("#t-vocab button.unfold").click()
        assert table.locator("tbody tr:visible").count() == 200
        # printing: buttons hidden; a folded table prints its first rows and says where the rest is,
        # an unfolded one prints every row; folded-away parts (details) are opened before printing
        page.emulate_media(media="print")
        assert table.locator("tbody tr:visible").count() == 200
        assert not page.locator("#t-vocab button.unfold").is_visible()
        assert not page.locator("#t-vocab .print-note").is_visible()
        page.emulate_media(media="screen")
        page.locator("#t-vocab button.unfold").click()
        page.emulate_media(media="print")
        assert table.locator("tbody tr:visible").count() == 20
        assert page.locator("#t-vocab .print-note").inner_text() == \
            "180 more rows are folded; all rows are in vocab.csv."
        assert page.evaluate("[...document.querySelectorAll('details')].filter(d => d.open).length") == 0
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
        page.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4", print_background=True)
    assert requests == [url], [r for r in requests if r != url]
    assert errors == []
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000


@pytest.mark.slow   # a real browser: with the long tests (pytest -m slow)
def test_injected_markup_runs_nothing_in_a_real_browser(evil_run):
    url = (evil_run / "report.html").resolve().as_uri()
    with _browser_page(url) as page:
        dialogs, requests = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)
        assert page.evaluate("[...document.scripts].filter(s => !s.type).length") == 1
        assert page.evaluate("document.querySelectorAll('[onerror]').length") == 0
        assert EVIL_SCRIPT in page.locator("#trends figure.kwic").first.inner_text()
        assert EVIL_IMG in page.locator("section#topics .example").inner_text()
        # the search shows the markup of the text as text too
        page.fill("#q", "pwned")
        page.press("#q", "Enter")
        page.wait_for_function("() => document.getElementById('search-status').textContent.indexOf('«pwned»') === 0")
        assert EVIL_SCRIPT in page.locator("#search-lines tbody tr").first.text_content()
        assert page.evaluate("document.querySelectorAll('[onerror]').length") == 0
    assert dialogs == []
    assert requests == [url]


def test_many_documents_stay_readable(bundled_run, tmp_path):
    from textmine.report import build_context, load_run, write_report

    context = build_context(load_run(bundled_run), max_documents=2)
    assert [d["id"] for d in context["per_document"]] == ["ccid-ai-outlook-2026", "people-large-models-2025"]
    assert context["per_document_more"] == 2
    # twelve documents: the trend table turns to one row per document, themes across
    shutil.copy(bundled_run / "manifest.json", tmp_path / "manifest.json")
    rows = [{"theme": t, "doc_id": f"d{i:02d}", "date": str(2000 + i), "count": i, "per_10k": i * 1.5}
            for t in ("算力", "数据") for i in range(12)]
    pd.DataFrame(rows).to_csv(tmp_path / "trends.csv", index=False)
    html = write_report(tmp_path, max_documents=2)[0].read_text(encoding="utf-8")
    table = re.search(r'<figure class="table-wrap" id="t-trends">.*?</figure>', html, re.S).group(0)
    assert re.findall(r'<button type="button" class="sort">([^<]+)</button>', table) == \
        ["document", "date", "算力", "数据"]
    assert "<td>d11</td><td>2011</td>" in table and '<td class="num" data-sort="16.5">16.5 (11)</td>' in table



def test_distinctive_terms_list_the_first_documents_of_a_large_corpus(bundled_run, monkeypatch):
    """The list of each document's distinctive terms stops after DISTINCTIVE_DOCS documents and says so; each
    listed document shows its first four terms of keyness.csv (read here with pandas)."""
    from textmine.report import build_context, load_run, render_html
    from textmine.report import findings

    monkeypatch.setattr(findings, "DISTINCTIVE_DOCS", 2)
    run = load_run(bundled_run)
    context = build_context(run)
    listed = context["findings"]["distinctive"]
    documents = pd.read_csv(bundled_run / "documents.csv")["doc_id"].tolist()
    assert listed["total"] == len(documents) == 4 and [d["id"] for d in listed["rows"]] == documents[:2]
    keyness = pd.read_csv(bundled_run / "keyness.csv")
    for doc in listed["rows"]:
        first = keyness[keyness.doc_id == doc["id"]].sort_values("rank").term.head(4).tolist()
        assert [t["term"] for t in doc["terms"]] == first
    html = render_html(context, run.images, embed_font=False)
    assert "for the first 2 of 4 documents (keyness.csv holds every document)" in html

def test_font_subset_cache_gives_the_same_bytes_and_skips_subsetting(tmp_path, monkeypatch):
    from fontTools import subset

    from textmine.fonts import cjk_font_subset

    chars = "具身智能体算电协同大模型"
    fresh = cjk_font_subset(chars, flavor="woff", layout_features=(), hinting=False)
    from textmine.io.cache import Cache

    cache = Cache(tmp_path)
    first = cjk_font_subset(chars, flavor="woff", layout_features=(), hinting=False, cache=cache)
    cache.settle()   # kept in the cache's writing thread
    assert first == fresh and len(list((tmp_path / "files" / "fonts").iterdir())) == 1

    def no_subsetting(*args, **kwargs):
        raise AssertionError("subset again")

    monkeypatch.setattr(subset, "Subsetter", no_subsetting)
    assert cjk_font_subset(chars[::-1], flavor="woff", layout_features=(), hinting=False, cache=Cache(tmp_path)) == fresh
    with pytest.raises(AssertionError, match="subset again"):   # other characters: a new subset
        cjk_font_subset(chars + "了", flavor="woff", layout_features=(), hinting=False, cache=Cache(tmp_path))


# -- findings, evidence, rule hits, glossary, timings, commands ---------------------------------------------

def _search_payload(html: str) -> dict:
    import json
    import zlib

    packed = re.search(r'<script type="application/octet-stream" id="search-data">([A-Za-z0-9+/=]*)</script>',
                       html).group(1)
    return json.loads(zlib.decompress(base64.b64decode(packed)).decode("utf-8"))


def test_findings_come_first_and_cite_their_rows(bundled_run):
    """On the bundled corpus no change between 2025 and 2026 has separated intervals: the findings say so and
    list the largest rises and falls as not established, each with its row of trend_changes.csv."""
    html = (bundled_run / "report.html").read_text(encoding="utf-8")
    findings = re.search(r'<section id="findings">.*?</section>', html, re.S).group(0)
    changes = pd.read_csv(bundled_run / "trend_changes.csv")
    assert not changes["ci_separated"].any()
    assert findings.count("No change has separated intervals; the largest are shown, not established.") == 2
    rises = changes[changes["direction"] == "rise"].sort_values("change", ascending=False).head(3)
    listed = re.findall(r'<li class="weak"><b>([^<]+)</b> 2025 → 2026', findings)
    assert listed[:3] == list(rises["theme"]) and "算电协同" in listed   # 0.0 → 11.4: from none
    for index in rises.index:   # each links to its row, which the changes table in the report has
        assert f'href="#tc-L{index + 2}"' in findings and f'<tr id="tc-L{index + 2}"' in html
    # new: period keywords no earlier period uses; distinctive terms per document from keyness.csv
    keywords = pd.read_csv(bundled_run / "period_keywords.csv", dtype={"period": str})
    new = keywords[keywords["first_appearance"]]
    assert set(new["period"]) == {"2026"}
    assert all(f'data-q="{t}"' in findings for t in new.sort_values("rank")["term"].head(3))
    keyness = pd.read_csv(bundled_run / "keyness.csv")
    first = keyness[(keyness["doc_id"] == "ccid-ai-outlook-2026") & (keyness["rank"] == 1)]
    assert f'data-q="{first["term"].iloc[0]}" data-docs=\'["ccid-ai-outlook-2026"]\'' in findings
    # the latest report against the rest, both groups named by their documents
    assert "<b>xinhua-ai-trends-2026 (2026-01-28)</b> against <b>3 documents, 2025</b>" in findings


def test_rule_hits_are_told_apart_from_literal_ones(bundled_run):
    html = (bundled_run / "report.html").read_text(encoding="utf-8")
    trends = pd.read_csv(bundled_run / "trends.csv")
    row = trends[(trends.theme == "算电协同") & (trends.doc_id == "xinhua-ai-trends-2026")].iloc[0]
    assert (row["count"], row["rule_hits"]) == (3, 2)
    assert f">{row.per_10k:.1f} (3 = 1 term + 2 rule)</td>" in html
    assert "「算电协同」 · 3 lines: 1 as written, 2 by rule" in html
    assert html.count('<td class="how">rule: (算力 near 电力 within 20)</td>') == 2
    assert '<mark class="by-rule">算力与电力</mark>' in html


def test_every_column_shown_carries_its_glossary_meaning(bundled_run):
    from textmine.glossary import describe

    html = (bundled_run / "report.html").read_text(encoding="utf-8")
    table = re.search(r'<figure class="table-wrap" id="t-trend-changes">.*?</thead>', html, re.S).group(0)
    titles = dict(re.findall(r'<th scope="col"(?: class="num")? title="([^"]*)"><button type="button" class="sort">'
                             r'([^<]+)</button>', table))
    import html as html_module

    meanings = {name: html_module.unescape(title) for title, name in titles.items()}
    assert meanings["ci_separated"] == describe("trend_changes.csv", "ci_separated")
    assert meanings["log2_ratio"] == describe("trend_changes.csv", "log2_ratio")
    glossary = html_module.unescape(re.search(r'<section id="glossary">.*?</section>', html, re.S).group(0))
    for table_name, column in (("keyness.csv", "g2"), ("keyness.csv", "log_ratio"), ("topic_summary.csv", "stability"),
                               ("trends_period.csv", "ci_over"), ("trends.csv", "rule_hits")):
        assert describe(table_name, column) in glossary, column


def test_timings_and_commands_say_what_came_from_where(bundled_run, tmp_path):
    import json

    for name in ("manifest.json", "trends.csv", "kwic.csv", "keywords.csv", "documents.csv"):
        shutil.copy(bundled_run / name, tmp_path / name)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    manifest["run_stats"]["from_cache"] = ["keywords"]
    run = manifest["commands"][0]
    manifest["commands"] = [{**run, "files": ["keywords.csv", "documents.csv"]},
                            {"command": "textmine trends --by year", "created": "2026-12-01T10:00:00+00:00",
                             "stages": ["trends", "kwic"], "files": ["trends.csv", "kwic.csv"]}]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    from textmine.report import write_report

    html = write_report(tmp_path)[0].read_text(encoding="utf-8")
    timings = re.search(r'<figure class="table-wrap" id="t-timings">.*?</figure>', html, re.S).group(0)
    assert re.search(r"<td>keywords</td><td[^>]*>[0-9.,]+</td><td>tables read from the cache</td>", timings)
    assert re.search(r"<td>trends</td><td[^>]*>[0-9.,]+</td><td></td>", timings)
    trends = re.search(r'<section id="trends">.*?</section>', html, re.S).group(0)
    assert "Made by <code>textmine trends --by year (2026-12-01T10:00:00+00:00)</code>" in trends
    assert "<code>textmine trends --by year</code>" in html   # the commands of the folder, in the appendix


def test_the_search_data_reproduces_the_runs_counting(bundled_run):
    """The page folds the text as the run did (map plus exceptions), and a theme's lines are exactly the
    mentions trends.csv counts."""
    from textmine.normalize import SimplifiedFolder, fold_for_counting

    html = (bundled_run / "report.html").read_text(encoding="utf-8")
    data = _search_payload(html)
    units = pd.read_csv(bundled_run / "units.csv", keep_default_na=False)
    assert [u[2] for u in data["units"]] == list(units["text"])
    folder = SimplifiedFolder()
    for u, (doc, page, text) in enumerate(data["units"]):
        folded = list("".join(data["fold"].get(c, c) for c in text))
        for where, offset, char in (e for e in data["exceptions"] if e[0] == u):
            folded[offset] = char
        assert "".join(folded) == fold_for_counting(text, folder)
    trends = pd.read_csv(bundled_run / "trends.csv")
    counted = Counter((data["themes"][t], data["docs"][data["units"][u][0]][0]) for t, u, *_ in data["mentions"])
    assert {k: v for k, v in counted.items()} == {(r.theme, r.doc_id): r.count for r in trends.itertuples()
                                                  if r.count}
    kwic = pd.read_csv(bundled_run / "kwic.csv")
    assert sorted(data["units"][u][2][at:at + n] for _, u, at, n, _ in data["mentions"]) == sorted(kwic["match"])


@pytest.mark.slow
def test_report_shows_the_page_of_each_line_of_a_pdf(tmp_path):
    """A report read from a PDF cites 'document p. N' for KWIC lines and search lines; the page is where the
    paragraph begins, as the PDF was laid out."""
    pytest.importorskip("fpdf")
    import textmine as tm

    import docfixtures as DF

    seed = next(s for s in DF.seeds() if s.id == "xinhua-ai-trends-2026")
    corpus = tmp_path / "pdf"
    corpus.mkdir()
    block_pages = DF.write_pdf(corpus / f"{seed.id}.pdf", seed.blocks, title=seed.title)
    shutil.copy(DF.CORPUS / "ccid-ai-outlook-2026.txt", corpus / "ccid-ai-outlook-2026.txt")
    config = tm.Config().replace(corpus={"path": str(corpus)}, scale={"cache": False})
    out = tmp_path / "run"
    tm.write_run(tm.run(config, stages=("keywords", "trends", "kwic")), out, cache=None)
    html = tm.write_report(out)[0].read_text(encoding="utf-8")
    units = pd.read_csv(out / "units.csv", keep_default_na=False)
    pdf_units = units[units["doc_id"] == seed.id]
    checked = 0
    for (_, block), page in zip(seed.blocks, block_pages):
        rows = pdf_units[pdf_units["text"].str.startswith(block[:16])] if len(block) >= 30 else pdf_units.iloc[0:0]
        if len(rows) == 1:
            assert int(rows["page"].iloc[0]) == page, block[:16]
            checked += 1
    assert checked >= 5 and max(block_pages) > 1
    assert (units.loc[units["doc_id"] != seed.id, "page"] == "").all()   # a text file has no pages
    kwic = pd.read_csv(out / "kwic.csv", keep_default_na=False)
    pages = {(r.left, r.match, r.right): int(r.page) for r in kwic.itertuples() if r.doc_id == seed.id}
    import html as html_module

    shown = [(*(html_module.unescape(x) for x in line), int(page)) for page, *line in re.findall(
        rf'<td class="kdoc">{seed.id} p\. (\d+)</td><td class="left">([^<]*)</td><td class="match"><mark[^>]*>([^<]*)'
        r'</mark></td><td class="right">([^<]*)</td>', html)]
    assert len(shown) >= 5 and len({p for *_, p in shown}) > 1
    assert all(pages[(left, match, right)] == page for left, match, right, page in shown)
    data = _search_payload(html)
    pages = {u[2]: u[1] for u in data["units"]}
    assert all(pages[t] == (int(p) if p != "" else 0) for t, p in zip(units["text"], units["page"]))


def _watch(page, url):
    """Every request and every console error or page error of ``page``; only ``url`` itself may load."""
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    return requests, errors


def _folded_count(run_dir, term: str) -> dict[str, int]:
    """Occurrences of ``term`` per document in the cleaned paragraphs, folded as the run counts: plain
    str.count on units.csv, independent of the page's code."""
    from textmine.normalize import SimplifiedFolder, fold_for_counting

    units = pd.read_csv(run_dir / "units.csv", keep_default_na=False)
    folder = SimplifiedFolder()
    counts: dict[str, int] = {}
    for doc, text in zip(units["doc_id"], units["text"]):
        counts[doc] = counts.get(doc, 0) + fold_for_counting(text, folder).count(term)
    return counts


@pytest.mark.slow   # a real browser: with the long tests (pytest -m slow)
def test_search_evidence_and_row_links_in_a_real_browser(bundled_run):
    """Search a term that is no theme (机器人): the count, the lines and the chart agree with plain counts of
    units.csv; a finding's evidence link runs the search for its documents; a row link unfolds its table."""
    url = (bundled_run / "report.html").resolve().as_uri()
    expected = _folded_count(bundled_run, "机器人")
    total = sum(expected.values())
    documents = pd.read_csv(bundled_run / "documents.csv")
    with _browser_page(url) as page:
        requests, errors = _watch(page, url)
        page.goto(url, wait_until="load")
        page.fill("#q", "机器人")
        page.press("#q", "Enter")
        page.wait_for_function("() => document.getElementById('search-status').textContent.indexOf('«') === 0")
        status = page.inner_text("#search-status")
        assert status == f"«机器人»: {total} occurrences in {sum(c > 0 for c in expected.values())} of 4 documents"
        assert page.locator("#search-lines tbody tr").count() == total
        assert page.locator("#search-lines mark").all_inner_texts() == ["机器人"] * total
        # the chart: a dot per document, its title the count and the rate per 10k word tokens
        titles = page.evaluate("[...document.querySelectorAll('#search-chart circle.dot title')]"
                               ".map(t => t.textContent)")
        for doc in documents.itertuples():
            rate = expected.get(doc.doc_id, 0) / doc.tokens * 1e4
            assert any(t.startswith(f"{doc.doc_id} (") and f": {expected.get(doc.doc_id, 0)} × in " in t
                       and t.endswith(f"= {rate:.1f} per 10k") for t in titles), doc.doc_id
        # click a document's dot: its lines only
        page.locator("#search-chart circle.dot[data-doc='cnnic-genai-report-2025']").click()
        page.wait_for_function("() => document.querySelectorAll('#search-filter button.chip').length === 2")
        assert page.locator("#search-lines tbody tr").count() == expected["cnnic-genai-report-2025"]
        page.screenshot(path=str(ARTIFACTS / "report-search.png"))
        # a theme's name gives its counted mentions, rule hits marked
        page.fill("#q", "算电协同")
        page.press("#q", "Enter")
        page.wait_for_function("() => document.getElementById('search-status').textContent.indexOf('«算电协同»') === 0")
        assert "3 counted mentions of the theme in 1 of 4 documents" in page.inner_text("#search-status")
        assert page.locator("#search-lines mark.by-rule").count() == 2
        # a finding's evidence: the search of its term in its documents
        link = page.locator("#findings table a.evidence").first
        term, docs = link.get_attribute("data-q"), link.get_attribute("data-docs")
        link.click()
        page.wait_for_function(f"() => document.getElementById('search-status').textContent.indexOf('«{term}»') === 0")
        assert page.locator("#search-filter button.chip").count() == len(__import__("json").loads(docs)) + 1
        assert page.evaluate("location.hash").startswith("#q=")
        # a row link unfolds a folded table and shows the row
        row_link = page.locator("#findings .card.rose a.row-link").first
        target = row_link.get_attribute("href")[1:]
        row_link.click()
        assert page.locator(f"tr#{target}").is_visible()
        # a table filter keeps the matching rows only
        page.locator("#t-vocab input.filter").fill("智能")
        visible = page.locator("#t-vocab tbody tr:visible").all_inner_texts()
        assert visible and all("智能" in r for r in visible)
    assert requests == [url], [r for r in requests if r != url]
    assert errors == []


@pytest.mark.slow   # a real browser: with the long tests (pytest -m slow)
def test_topic_map_opens_offline_and_links_back(bundled_run):
    url = (bundled_run / "topic_map.html").resolve().as_uri()
    with _browser_page(url) as page:
        requests, errors = _watch(page, url)
        page.goto(url, wait_until="load")
        assert page.locator("svg#map circle").count() == 6
        assert page.locator("a[href='report.html']").count() == 1
        # bars are the terms' shares of all tokens on one scale for the topic, its part in blue, the rest
        # grey: at λ = 1 the frequent terms, shared with other topics (grey shows); at λ = 0 the rare terms
        # specific to the topic, as short bars — never all full width
        def bars(lam: str) -> list[tuple[float, float]]:
            page.evaluate(f"document.getElementById('lam').value = '{lam}'; "
                          "document.getElementById('lam').dispatchEvent(new Event('input'))")
            return page.evaluate("[...document.querySelectorAll('#terms .bar')].map(b => "
                                 "[parseFloat(b.querySelector('.b').style.width), "
                                 "parseFloat(b.querySelector('.o').style.width)])")

        frequent, rare = bars("1"), bars("0")
        assert len(frequent) == len(rare) == 20
        assert max(b + o for b, o in frequent) == pytest.approx(220, abs=0.2)
        assert sum(o > 1 for _, o in frequent) >= 5
        assert max(b + o for b, o in rare) < 0.5 * 220
        page.screenshot(path=str(ARTIFACTS / "topic-map.png"))
    assert requests == [url], [r for r in requests if r != url]
    assert errors == []


def test_search_folding_map_and_exceptions_give_the_runs_counting_text():
    """What the page does with the folding data — map each character, then apply the exceptions at their UTF-16
    offsets — gives exactly the run's counting form, on the bundled paragraphs written in Traditional script
    (OpenCC s2t), with characters beyond the basic plane and full-width forms mixed in."""
    import opencc

    import textmine as tm
    from textmine.normalize import SimplifiedFolder, fold_for_counting
    from textmine.report.search import folding

    paragraphs = [u.text for u in tm.split_units(tm.read_corpus(REPO / "corpus")).units][:200]
    to_traditional = opencc.OpenCC("s2t")
    texts = [to_traditional.convert(p) for p in paragraphs]
    texts += [t[:3] + "𠀀Ａ１，" + t[3:] + "𠮷" for t in texts[:40]] + ["", "𠀀"]
    mapping, exceptions = folding(texts, True)
    assert len(mapping) > 300 and exceptions
    pages = ["".join(mapping.get(c, c) for c in t).encode("utf-16-le") for t in texts]
    for u, offset, char in exceptions:
        page = bytearray(pages[u])
        page[2 * offset:2 * offset + 2] = char.encode("utf-16-le")
        pages[u] = bytes(page)
    folder = SimplifiedFolder()
    assert [p.decode("utf-16-le") for p in pages] == [fold_for_counting(t, folder) for t in texts]
    # compared a few paragraphs at a time (as a large corpus is), the map and the exceptions are the same
    for chunk_chars in (1, 500, 20_000):
        assert folding(texts, True, chunk_chars=chunk_chars) == (mapping, exceptions)


def test_groups_in_no_time_order_say_so_instead_of_rising_or_falling(bundled_run, tmp_path):
    """A run whose periods are groups of undated documents (trends.by a field; trend_changes.csv has its header
    only, as the run writes it then): the Rose, Fell and New cards say why they are empty."""
    import json

    from textmine.report import build_context, load_run

    for name in ("trends_period.csv", "period_keywords.csv", "documents.csv"):
        shutil.copy(bundled_run / name, tmp_path / name)
    manifest = json.loads((bundled_run / "manifest.json").read_text(encoding="utf-8"))
    manifest["config"]["trends"]["by"] = "publisher"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    header = (bundled_run / "trend_changes.csv").read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "trend_changes.csv").write_text(header + "\n", encoding="utf-8")
    periods = pd.read_csv(tmp_path / "period_keywords.csv").assign(first_appearance=False)
    periods.to_csv(tmp_path / "period_keywords.csv", index=False)
    findings = build_context(load_run(tmp_path))["findings"]
    expected = "The periods are groups by publisher, in no order in time"
    assert all(findings[card]["note"].startswith(expected) for card in ("rose", "fell", "new"))
    manifest["config"]["trends"]["by"] = "date"     # by date an empty table only means nothing changed
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    findings = build_context(load_run(tmp_path))["findings"]
    assert findings["rose"]["note"] == "No theme rose between consecutive periods."


def test_an_undated_corpus_gets_a_sentence_not_a_chart_of_topics_over_time(bundled_run, tmp_path):
    """A run over undated documents writes topic_dates.csv with its header only (as the reviews' run does) and a
    chart that only says so: the report leaves the chart out and says why, in the topic notes."""
    from textmine.report import build_context, load_run

    dated = build_context(load_run(bundled_run))["topics"]
    assert dated["dates_plot"] == "topic_dates.png"
    assert not any("Topics over time" in line for line in dated["fit_notes"])
    for path in bundled_run.iterdir():
        if path.is_file() and path.name.startswith(("topic", "doc_topics", "manifest", "documents")):
            shutil.copy(path, tmp_path / path.name)
    header = (bundled_run / "topic_dates.csv").read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "topic_dates.csv").write_text(header + "\n", encoding="utf-8")
    undated = build_context(load_run(tmp_path))["topics"]
    assert undated["dates_plot"] is None
    assert undated["fit_notes"][-1].startswith("Topics over time: not drawn, because no document has a date")
    assert undated["fit_notes"][:-1] == dated["fit_notes"]


def test_search_data_comes_from_the_cache_only_while_its_files_are_unchanged(bundled_run, tmp_path, monkeypatch):
    """A report rendered with a cache is the report rendered without one; the next reads the search data from the
    cache, and a changed kwic.csv makes it again."""
    import textmine as tm
    import textmine.report.search as search_module
    from textmine.io.cache import Cache

    cache = Cache(tmp_path / "cache")
    pages = {"plain": (bundled_run / "report.html").read_bytes()}   # rendered without a cache
    pages["filled"] = tm.write_report(bundled_run, cache=cache)[0].read_bytes()
    made = []
    real = search_module.search_data
    monkeypatch.setattr(search_module, "search_data", lambda run: made.append(run.run_dir) or real(run))
    pages["read"] = tm.write_report(bundled_run, cache=cache)[0].read_bytes()
    assert made == [] and pages["plain"] == pages["filled"] == pages["read"]

    changed = tmp_path / "changed-run"
    shutil.copytree(bundled_run, changed)
    kwic = (changed / "kwic.csv").read_bytes().splitlines(keepends=True)
    (changed / "kwic.csv").write_bytes(b"".join(kwic[:-1]))   # one mention fewer
    html = tm.write_report(changed, cache=cache)[0].read_text(encoding="utf-8")
    assert made == [changed]
    before = _search_payload(pages["plain"].decode("utf-8"))["mentions"]
    assert _search_payload(html)["mentions"] == before[:-1]


def test_each_image_in_the_page_is_its_file_compacted(bundled_run):
    """Images are compacted in threads while the page renders and swapped in at the end: every <img> holds the
    compacted PNG of the file its caption names, the uncompacted page holds the files as they are, and the two
    pages are the same around the images (the font is subset from the same text)."""
    from textmine.report import build_context, load_run, render_html
    from textmine.report.render import compact_png

    run = load_run(bundled_run)
    context = build_context(run)
    figure = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="[^"]*"><figcaption>.*?'
                        r'<span class="src">· ([^<]+)</span>')
    pages = {compress: render_html(context, run.images, compress_images=compress) for compress in (True, False)}
    for compress, html in pages.items():
        shown = figure.findall(html)
        assert len(shown) == len(run.images) >= 10, compress
        for data, name in shown:
            expected = compact_png(run.images[name]) if compress else run.images[name]
            assert base64.b64decode(data) == expected, name
    assert figure.sub("", pages[True]) == figure.sub("", pages[False])
