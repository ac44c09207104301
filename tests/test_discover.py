"""New-term discovery, protected spans, the lexicon loop and the domain lexicon's provenance, on real text."""

from __future__ import annotations

import json
import re
from collections import Counter

import pandas as pd
import pytest
from conftest import CORPUS, REPO, shared_file

import textmine as tm
from textmine.cli import main
from textmine.lexicon import check_lexicon, read_domain_lexicon, read_policy_lexicon
from textmine.newterms import discover_terms, jieba_knows, jieba_tags

GOLD_FILE = REPO / "tests" / "data" / "discover_gold_ai.txt"
FUNCTION_CHARS = set("的了着和与及或在是为于以对把被将从向由等也都而并")


@pytest.fixture(scope="module")
def candidates(tmp_path_factory):
    """`textmine discover --lexicon none` on the bundled corpus, read back from candidates.csv."""
    out = tmp_path_factory.mktemp("discover")
    assert main(["discover", "--corpus", str(CORPUS), "--out", str(out), "--lexicon", "none", "--top", "200",
                 "--quiet"]) == 0
    return pd.read_csv(out / "candidates.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def gold(prepared):
    """Gold terms that occur at least 3 times in the cleaned text and that plain jieba cuts apart."""
    import jieba

    plain = jieba.Tokenizer()
    terms = [t.strip() for t in GOLD_FILE.read_text(encoding="utf-8").splitlines()
             if t.strip() and not t.startswith("#")]
    text = "\n".join(u.norm for u in prepared.units)
    return {t: text.count(t) for t in terms if text.count(t) >= 3 and len(plain.lcut(t)) > 1}, terms, text


def test_candidates_csv_has_the_contract_columns_best_first(candidates):
    assert list(candidates.columns[:5]) == ["term", "score", "freq", "signals", "example"]
    assert len(candidates) == 200
    assert candidates.score.is_monotonic_decreasing
    first = candidates.iloc[0]
    assert "cohesion=" in first.signals and "left_entropy=" in first.signals
    doc_id, context = first.example.split(": ", 1)
    assert doc_id in tm.read_corpus(CORPUS).ids and f"【{first.term}】" in context


def test_three_quarters_of_the_fields_new_terms_are_in_the_top_200(candidates, gold):
    eligible, _, _ = gold
    assert len(eligible) >= 40
    found = [t for t in eligible if t in set(candidates.term)]
    assert len(found) / len(eligible) >= 0.75, sorted(set(eligible) - set(found))
    # the core coinages are near the top
    top20 = set(candidates.term[:20])
    assert {"智能体", "具身智能", "大模型", "生成式人工智能", "人工智能+", "多模态"} <= top20


def test_few_fragments_in_the_top_100(candidates, gold):
    _, terms, text = gold

    def fragment(term: str) -> bool:
        if term[0] in FUNCTION_CHARS or term[-1] in FUNCTION_CHARS:
            return True
        total = text.count(term)
        return term not in terms and any(term in g and g != term and text.count(g) * g.count(term) >= 0.8 * total
                                         for g in terms)

    top100 = list(candidates.term[:100])
    assert not {"能体", "人工智", "身智能", "的大模型", "模型的"} & set(candidates.term)
    assert sum(map(fragment, top100)) <= 15, [t for t in top100 if fragment(t)]


def test_frequencies_are_the_raw_occurrences(candidates, gold):
    _, _, text = gold
    row = candidates.set_index("term").loc["具身智能"]
    assert row.freq == text.count("具身智能") == 24   # 25 in the files, one in the table of contents


def _units(*texts: str):
    corpus = tm.Corpus(tuple(tm.Document(f"d{i}", t) for i, t in enumerate(texts)))
    return tm.split_units(corpus).units


def test_a_coinage_seen_once_in_quotes_and_mixed_names_are_candidates():
    units = _units("各地积极推进“算电协同”，部署Qwen3和DeepSeek-R1模型。", "企业发布了GPT-4o的对比测试。")
    segmenter = tm.JiebaSegmenter(tm.build_lexicon(domain=False), hmm=False).initialize()
    known = jieba_knows(segmenter)
    found = {c.term: c for c in discover_terms(units, segmenter, known=known, tags=jieba_tags(segmenter))}
    assert found["算电协同"].quoted == 1 and found["算电协同"].freq == 1
    assert found["算电协同"].score == pytest.approx(1.0)  # one quote, one occurrence: a third of the quote weight
    assert {"Qwen3", "DeepSeek-R1", "GPT-4o"} <= {t for t, c in found.items() if c.latin}


def test_known_terms_are_not_listed_with_the_default_lexicon(tmp_path):
    assert main(["discover", "--corpus", str(CORPUS), "--out", str(tmp_path), "--top", "300", "--quiet"]) == 0
    terms = set(pd.read_csv(tmp_path / "candidates.csv").term)
    assert not {"智能体", "具身智能", "大模型", "人工智能+", "AI玩具"} & terms
    assert "开源社区" in terms


def test_lexicon_loop_add_then_the_next_run_uses_the_terms(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lexicon = tmp_path / "mine.txt"
    assert main(["lexicon", "add", "开源社区", "智能手表", "--file", str(lexicon)]) == 0
    assert main(["lexicon", "add", "开源社区", "--file", str(lexicon)]) == 0      # no duplicate
    lines = [l for l in lexicon.read_text(encoding="utf-8").splitlines() if not l.startswith("#")]
    assert [l.split()[0] for l in lines] == ["开源社区", "智能手表"] and "added" in lines[0]
    config = tm.Config().replace(corpus={"path": str(CORPUS)}, segment={"lexicons": (str(lexicon),)})
    assert tm.make_segmenter(config).lcut("国内开源社区推出智能手表") == ["国内", "开源社区", "推出", "智能手表"]
    assert main(["discover", "--corpus", str(CORPUS), "--out", str(tmp_path / "out"), "--lexicon", str(lexicon),
                 "--quiet"]) == 0
    assert not {"开源社区", "智能手表"} & set(pd.read_csv(tmp_path / "out" / "candidates.csv").term)


def test_discover_and_lexicon_refuse_bad_arguments(tmp_path, capsys):
    assert main(["discover", "--corpus", str(CORPUS), "--lexicon", str(tmp_path / "nope.txt")]) == 2
    assert "--lexicon" in capsys.readouterr().err
    assert main(["lexicon", "add", "--file", str(tmp_path / "x.txt")]) == 2
    assert main(["lexicon", "add", "带#号", "--file", str(tmp_path / "x.txt")]) == 2
    assert not (tmp_path / "x.txt").exists()


def test_lexicon_check_flags_terms_that_never_take_effect(prepared, tmp_path):
    table = check_lexicon(prepared).set_index("term")
    assert table.loc["智能体", ["raw", "tokens", "status"]].tolist() == [32, 32, "ok"]  # 33 in the files, 1 in the TOC
    # 语言模型 occurs 3 times, always inside 大语言模型: it lives inside a longer word
    assert table.loc["语言模型", ["raw", "tokens", "nested", "status"]].tolist() == [3, 0, 3, "nested"]
    assert table.loc["语言模型", "note"] == "inside 大语言模型 (3×)"
    # 算力: 60 occurrences, 52 words of their own, 7 inside 智能算力 and one inside 全国一体化算力网
    assert table.loc["算力", ["raw", "tokens", "nested", "status"]].tolist() == [60, 52, 8, "partial"]
    assert table.loc["陪伴机器人", ["raw", "split", "status"]].tolist() == [1, 1, "never"]
    assert table.loc["推理模型", "status"] == "absent"
    # raw is a plain substring count of the cleaned text
    assert table.loc["算力", "raw"] == sum(u.norm.count("算力") for u in prepared.units)
    assert main(["lexicon", "check", "--corpus", str(CORPUS), "--out", str(tmp_path), "--quiet"]) == 0
    written = pd.read_csv(tmp_path / "lexicon_check.csv")
    assert list(written.columns) == ["term", "source", "raw", "tokens", "nested", "split", "status", "note"]
    assert written.status.iloc[0] == "never"


@pytest.mark.parametrize("name", ["GPT-4o", "DeepSeek-R1", "人工智能+", "5G"])
def test_protected_names_are_one_token_wherever_they_occur(prepared, name):
    tokens = Counter(t for unit in prepared.tokens for t in unit.terms)
    edge = r"(?<![A-Za-z0-9-])" if name[0].isascii() else ""
    tail = r"(?![A-Za-z0-9]|-[A-Za-z0-9])" if name[-1].isascii() and name[-1].isalnum() else ""
    pattern = re.compile(edge + re.escape(name) + tail)
    occurrences = sum(len(pattern.findall(u.norm)) for u in prepared.units)
    assert occurrences > 0 and tokens[name] == occurrences


def test_qwen3_and_mixed_names_stay_whole_without_any_lexicon():
    segmenter = tm.make_segmenter(tm.Config().replace(segment={"domain_lexicon": False}))
    assert segmenter.lcut("Qwen3与GPT-4o、DeepSeek-R1在5G网络中对比") == [
        "Qwen3", "与", "GPT-4o", "DeepSeek-R1", "在", "5G", "网络", "中", "对比"]


def test_urls_and_emails_never_yield_tokens(config):
    """Raw report text (before cleaning removes them) with its footnote URLs, and an e-mail address."""
    raw = tm.read_corpus(CORPUS)["cnnic-genai-report-2025"].text
    urls = re.findall(r"https?://\S+", raw)
    assert len(urls) >= 10
    segmenter = tm.make_segmenter(config)
    tokens = segmenter.lcut(raw + "\n联系 ai-lab@example.edu.cn 或访问 www.cac.gov.cn 与 example.com/a。")
    leaked = [t for t in tokens if re.search(r"https?|www|\.com|\.cn|\.html?|@", t)]
    assert leaked == []
    assert "联系" in tokens and "访问" in tokens


def test_domain_lexicon_provenance_is_auditable():
    rows, _ = read_domain_lexicon()
    corpus = tm.read_corpus(CORPUS)
    for row in rows:
        assert row["source"] == "hand" or re.fullmatch(r"discovered:[\w.-]+", row["source"]), row
        assert re.fullmatch(r"\d{4}-\d{2}", row["added"]), row
        seen = ";".join(sorted(d.id for d in corpus if row["term"] in d.text)) or "-"
        assert row["seen_in"] == seen, row["term"]
    assert len({r["term"] for r in rows}) == len(rows)


def test_hotel_reviews_yield_room_types(tmp_path):
    """A second domain: the hotel reviews of the online-shopping data set (about 10,000 reviews)."""
    from conftest import shopping_reviews

    frame = shopping_reviews()
    hotel = frame[frame["cat"] == "酒店"]["review"].fillna("").astype(str)
    corpus = tm.Corpus(tuple(tm.Document(str(i), text) for i, text in hotel.items()))
    from textmine.newterms import discover

    table = discover(tm.Config(), corpus=corpus, top_n=50)
    top = list(table.term[:30])
    assert {"大床房", "标间"} <= set(top), top
    row = table.set_index("term").loc["大床房"]
    assert row.freq == sum(unit.norm.count("大床房") for unit in tm.split_units(corpus).units)


def _gold(name: str) -> list[str]:
    lines = (REPO / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_gold_lists_follow_their_written_rules(gold):
    """The CPC lists are split by the first hex digit of md5 (even: tuning), the held-out AI list shares no
    term with the tuning list, and every held-out AI term meets the pool rule of its header."""
    import hashlib

    import jieba

    tune, held = _gold("discover_gold_cpc_tune.txt"), _gold("discover_gold_cpc_heldout.txt")
    assert len(tune) == 43 and len(held) == 48 and not set(tune) & set(held)
    assert all(hashlib.md5(t.encode("utf-8")).hexdigest()[0] in "02468ace" for t in tune)
    assert all(hashlib.md5(t.encode("utf-8")).hexdigest()[0] in "13579bdf" for t in held)
    _, tuning_ai, text = gold
    held_ai = _gold("discover_gold_ai_heldout.txt")
    assert len(held_ai) == 34 and not set(held_ai) & set(tuning_ai)
    plain = jieba.Tokenizer()
    for term in held_ai:
        assert text.count(term) >= 3 and len(plain.lcut(term)) > 1, term


POLICY_COLUMNS = ["term", "category", "source", "added", "seen_in", "note"]


def test_policy_lexicon_provenance_is_auditable():
    import jieba

    rows, _ = read_policy_lexicon()
    assert len(rows) == 132 and len({r["term"] for r in rows}) == len(rows)
    assert all(list(r) == POLICY_COLUMNS for r in rows)
    domain = {r["term"] for r in read_domain_lexicon()[0]}
    terms = [r["term"] for r in rows]
    plain = jieba.Tokenizer()
    for row in rows:
        assert row["source"] in ("hand", "discovered:cpc_congress_reports"), row
        assert re.fullmatch(r"\d{4}-\d{2}", row["added"]), row
        # no term hides another term of this list or of the domain lexicon
        assert not [t for t in [*terms, *domain] if t != row["term"] and t in row["term"]], row["term"]
        # jieba's dictionary cuts it apart, or the note says it does not
        assert len(plain.lcut(row["term"])) > 1 or "already one token" in row["note"], row["term"]
    # seen_in: the congress reports whose published text contains the term
    reports = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").read_text("utf-8").splitlines()]
    for row in rows:
        assert row["seen_in"] == (";".join(r["id"] for r in reports if row["term"] in r["content"]) or "-"), row


@pytest.mark.parametrize("term, count", [("高质量发展", 10), ("大数据", 7), ("新质生产力", 5), ("工业互联网", 3)])
def test_policy_phrases_are_one_token_wherever_they_occur_in_the_bundled_corpus(with_policy, gold, term, count):
    _, _, text = gold
    tokens = Counter(t for unit in with_policy.tokens for t in unit.terms)
    assert text.count(term) == tokens[term] == count


@pytest.fixture(scope="module")
def with_policy(config):
    """The bundled corpus prepared with ``[segment] policy_lexicon = true``."""
    return tm.prepare(config.replace(segment={"policy_lexicon": True}, scale={"cache": False}))


def test_the_policy_layer_is_a_switch():
    on = tm.make_segmenter(tm.Config().replace(segment={"policy_lexicon": True}))
    off = tm.make_segmenter(tm.Config())  # off by default: general text is segmented as jieba's words
    assert "policy_lexicon.tsv" in on.lexicon.hashes and "policy_lexicon.tsv" not in off.lexicon.hashes
    assert {e.source for e in on.lexicon.entries} >= {"domain", "policy"}
    # a sentence of the 2017 report (congress19)
    sentences = ["供给侧结构性改革深入推进，经济结构不断优化，数字经济等新兴产业蓬勃发展",
                 "“一带一路”建设、京津冀协同发展、长江经济带发展成效显著"]
    phrases = {"供给侧结构性改革", "经济结构", "数字经济", "一带一路", "长江经济带"}
    assert phrases <= {t for s in sentences for t in on.lcut(s)}
    assert not phrases & {t for s in sentences for t in off.lcut(s)} - {"数字经济"}  # 数字经济: domain lexicon
    report = next(json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").read_text("utf-8").splitlines()
                  if json.loads(line)["id"] == "congress19")
    assert all(s in report["content"] for s in sentences)
