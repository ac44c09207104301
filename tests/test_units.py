"""Cleaning keeps provenance: real damage from the bundled reports, and offsets back into the files."""

from __future__ import annotations

import re

import textmine as tm
from textmine.config import CleanConfig
from textmine.data import Document
from textmine.units import classify_block, split_document


def test_page_break_inside_a_word_is_joined(prepared):
    # ccid-ai-outlook-2026 has "…伦理治理机\n\n制持续探索。" — a page break inside 机制.
    units = [u for u in prepared.units if u.doc_id == "ccid-ai-outlook-2026"]
    joined = [u for u in units if "治理机制持续探索" in u.text]
    assert len(joined) == 1
    assert not any(u.text.startswith("制持续探索") for u in units)


def test_no_url_markup_or_page_marker_survives(prepared):
    for unit in prepared.units:
        assert not re.search(r"https?|www\.|\.com|\.cn\b|###|\*\*|上接第|[¹²³⁴⁵⁶⁷⁸⁹⁰]", unit.text), unit.id


def test_captions_bylines_and_source_lines_are_dropped_not_lost(prepared):
    texts = "\n".join(u.text for u in prepared.units)
    assert "李紫恒摄" not in texts                      # photo credit
    assert "图为2025世界人形机器人运动会" not in texts   # photo caption
    assert "本报记者" not in texts                      # byline
    # 91 footnote source lines, 23 captions and 3 bylines in the four reports
    assert prepared.dropped == {"byline": 3, "caption": 23, "footnote": 91}


def test_explanatory_notes_are_kept():
    notes = [u for u in tm.split_units(tm.read_corpus("corpus")).units if u.kind == "note"]
    assert any(u.text.startswith("幻觉：指人工智能模型生成的内容与事实不符") for u in notes)


def test_every_character_maps_back_to_the_original_file(prepared):
    documents = {d.id: d.text for d in prepared.corpus}
    for unit in prepared.units:
        original = documents[unit.doc_id]
        for pos, char in enumerate(unit.text):
            source = original[unit.original_offset(pos)]
            assert source == char or (char == " " and source.isspace()), (unit.id, pos)


def test_offsets_of_a_term_point_at_it_in_the_original(prepared):
    doc = prepared.corpus["xinhua-ai-trends-2026"]
    unit = next(u for u in prepared.units if u.doc_id == doc.id and "算电协同" in u.text)
    start = unit.text.index("算电协同")
    begin, end = unit.original_span(start, start + 4)
    assert doc.text[begin:end] == "算电协同"


def test_spaces_from_pdf_extraction_are_removed_between_chinese_but_kept_between_words():
    doc = Document("d", "2026 年中国 AI 发展趋势，根据 Precedence Research 数据。")
    unit = split_document(doc, CleanConfig())[0]
    assert unit.text == "2026年中国AI发展趋势，根据Precedence Research数据。"


def test_traditional_is_folded_for_counting_but_shown_as_written():
    doc = Document("d", "人工智慧與數據治理：臺灣的發展經驗。")
    unit = split_document(doc, CleanConfig(), tm.units.SimplifiedFolder())[0]
    assert unit.text == "人工智慧與數據治理：臺灣的發展經驗。"
    assert unit.norm == "人工智慧与数据治理:台湾的发展经验。"
    assert len(unit.norm) == len(unit.text)


def test_block_classification_on_real_lines():
    config = CleanConfig()
    assert classify_block("新华社记者 李紫恒摄", config) == "caption"
    assert classify_block("廖祖平摄（人民视觉）", config) == "caption"
    assert classify_block("图 3 生成式人工智能用户首先选择使用的产品", config) == "caption"
    assert classify_block("¹ 来源：中国新闻网，<https://www.chinanews.com/cj/2025/07-31/10456695.shtml>", config) == "footnote"
    assert classify_block("本报记者 王俊岭", config) == "byline"
    assert classify_block("### (一)人工智能产业规模将持续增长", config) == "heading"
    assert classify_block("展望2026年，我国人工智能将维持高速增长态势。", config) == "paragraph"
