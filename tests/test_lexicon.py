"""The lexicon: its bundled layers and their provenance, adding accepted terms, and checking every term took effect."""

from __future__ import annotations

import json
import re
from collections import Counter

import pandas as pd
import pytest

import textmine as tm
from textmine.cli import main
from textmine.lexicon import check_lexicon, read_domain_lexicon, read_policy_lexicon

from conftest import CORPUS, shared_file

POLICY_COLUMNS = ["term", "category", "source", "added", "seen_in", "note"]


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


def test_lexicon_and_stopword_files_saved_in_gbk_are_read(tmp_path, monkeypatch):
    """Lists saved by Notepad in GBK work as the UTF-8 ones do; adding a term writes the list back in UTF-8."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.txt").write_bytes("# 我的词表\n算电协同\n智算集群 5\n".encode("gb18030"))
    (tmp_path / "stop.txt").write_bytes("推动\n".encode("gb18030"))
    config = tm.Config().replace(corpus={"path": str(CORPUS)}, segment={"lexicons": ("mine.txt",)},
                                 filter={"extra_stopwords": ("stop.txt",)}, scale={"cache": False})
    assert tm.make_segmenter(config).lcut("算电协同推动智算集群") == ["算电协同", "推动", "智算集群"]
    prepared = tm.prepare(config)
    assert not prepared.term_filter("推动") and prepared.term_filter("算电协同")
    assert main(["lexicon", "add", "新质生产力", "--file", "mine.txt"]) == 0
    text = (tmp_path / "mine.txt").read_text(encoding="utf-8")
    assert text.startswith("# 我的词表\n算电协同\n智算集群 5\n") and "新质生产力" in text


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


def test_domain_lexicon_provenance_is_auditable():
    rows, _ = read_domain_lexicon()
    corpus = tm.read_corpus(CORPUS)
    for row in rows:
        assert row["source"] == "hand" or re.fullmatch(r"discovered:[\w.-]+", row["source"]), row
        assert re.fullmatch(r"\d{4}-\d{2}", row["added"]), row
        seen = ";".join(sorted(d.id for d in corpus if row["term"] in d.text)) or "-"
        assert row["seen_in"] == seen, row["term"]
    assert len({r["term"] for r in rows}) == len(rows)


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


@pytest.fixture(scope="module")
def with_policy(config):
    """The bundled corpus prepared with ``[segment] policy_lexicon = true``."""
    return tm.prepare(config.replace(segment={"policy_lexicon": True}, scale={"cache": False}))


@pytest.mark.parametrize("term, count", [("高质量发展", 10), ("大数据", 7), ("新质生产力", 5), ("工业互联网", 3)])
def test_policy_phrases_are_one_token_wherever_they_occur_in_the_bundled_corpus(with_policy, term, count):
    text = "\n".join(u.norm for u in with_policy.units)
    tokens = Counter(t for unit in with_policy.tokens for t in unit.terms)
    assert text.count(term) == tokens[term] == count


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

