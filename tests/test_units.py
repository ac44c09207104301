"""Cleaning keeps provenance: real damage from the bundled reports, and offsets back into the files."""

from __future__ import annotations

import json
import re
from itertools import accumulate

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import textmine as tm
from textmine.config import CleanConfig
from textmine.data import Document
from textmine.normalize import MappedText, fold_numeral_zero
from textmine.segment import segment_unit
from textmine.segment.jieba_backend import JiebaSegmenter
from textmine.units import (
    SAMPLE_CHARS,
    classify_block,
    clean_block,
    split_document,
    split_units,
)

from conftest import CONFIGS, CORPUS, EXAMPLES, FOLDER, TEXT, maps_back, shared_file, shopping_reviews


def test_unit_ids_are_the_document_id_and_a_four_digit_index(prepared):
    from textmine.data import Unit

    assert [u.id for u in prepared.units[:2]] == [f"{prepared.units[0].doc_id}:0001",
                                                   f"{prepared.units[0].doc_id}:0002"]
    assert [Unit("=d", i, "paragraph", "t", "t", ((0, 0),)).id for i in (0, 7, 9999, 10_000, 123_456)] == [
        "=d:0000", "=d:0007", "=d:9999", "=d:10000", "=d:123456"]


def test_page_break_inside_a_word_is_joined(prepared):
    # ccid-ai-outlook-2026 has "…伦理治理机\n\n制持续探索。" — a page break inside 机制.
    units = [u for u in prepared.units if u.doc_id == "ccid-ai-outlook-2026"]
    joined = [u for u in units if "治理机制持续探索" in u.text]
    assert len(joined) == 1
    assert not any(u.text.startswith("制持续探索") for u in units)


def test_a_single_character_cut_off_by_a_page_break_is_joined_not_dropped():
    text = (CORPUS / "ccid-ai-outlook-2026.txt").read_text(encoding="utf-8")
    assert text.count("治理机\n\n制持续探索") == 1
    cut = text.replace("治理机\n\n制持续探索", "治理机\n\n制\n\n持续探索")
    result = split_units([Document("d", cut)])
    assert sum("伦理治理机制持续探索" in u.text for u in result.units) == 1 and "short" not in result.dropped


def test_no_url_markup_or_page_marker_survives(prepared):
    for unit in prepared.units:
        assert not re.search(r"https?|www\.|\.com|\.cn\b|###|\*\*|上接第|[¹²³⁴⁵⁶⁷⁸⁹⁰]", unit.text), unit.id


def test_captions_bylines_and_source_lines_are_dropped_not_lost(prepared):
    texts = "\n".join(u.text for u in prepared.units)
    assert "李紫恒摄" not in texts                      # photo credit
    assert "图为2025世界人形机器人运动会" not in texts   # photo caption
    assert "本报记者" not in texts                      # byline
    assert "HICOOL 2025 全球创业者峰会近日在北京开幕。图为" not in texts  # a two-sentence photo caption
    # Read block by block: 91 footnote source lines; 24 captions (14 figure/table labels, 6 photo captions with
    # ▲ ▼ ► or 图为, 4 credits); 4 bylines (the Xinhua report's closing （新华社北京 1 月 28 日电） one); the CNNIC report's table of contents (目 录, 6 chapter lines, 7 blocks
    # of section lines), its editorial board (8 blocks) and back matter (disclaimer, copyright, reprint
    # note, 2 contact lines); 5 diagram labels around a caption in the Xinhua report.
    assert "新华社北京" not in texts                    # dateline
    assert prepared.dropped == {"byline": 4, "caption": 24, "copyright": 5, "editorial": 8, "figure_text": 5,
                                "footnote": 91, "toc": 14}


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


# -- captions are judged by shape ---------------------------------------------------------------------------

def test_a_long_review_that_opens_with_a_figure_number_is_kept():
    reviews = shopping_reviews()["review"].dropna()
    review = reviews[reviews.str.startswith("图1:早上8:39电话我")].tolist()
    assert len(review) == 1 and len(review[0]) == 289
    result = split_units([Document("r", review[0])])
    assert result.dropped == {} and "图2:短信9:06通知" in result.units[0].text


@pytest.mark.parametrize("block, kind", [
    # a news paragraph opening with a bullet and a date is text, not a caption
    ("●2月21日至25日，江泽民总书记在广东考察工作，提出“三个代表”的重要思想。", "paragraph"),
    ("○新报记者 吴轶凡 文", "byline"),
    ("图1图2跟实物不符相差太大", "paragraph"),                 # a review, no label separator
    ("不好用………………11", "paragraph"),                        # a review, not a table of contents
    ("北京  12\n上海  15\n广州  9", "paragraph"),                 # rows of a table
    ("表 1 2024 年 6 月-2025 年 8 月我国人工智能领域主要政策", "caption"),
    ("▲“数据金矿”将驱动 AI 发展。", "caption"),
    ("▼广西壮族自治区柳州市柳工挖掘机智慧工厂借助5G和大模型技术，实现了产品、制造、服务、运营和客户运维的数字化和智能化。"
     "图为工人在该生产车间作业。", "caption"),
    ("图 3 生成式人工智能用户首先选择使用的产品。其次是搜索引擎。", "paragraph"),  # a label is one sentence
])
def test_caption_shape(block, kind):
    assert classify_block(block, CleanConfig()) == kind


def test_caption_length_bound_is_a_setting():
    caption = "▲10月16日，与会人员在第十届中国国际版权博览会上观看“孔子数智大模型”的演示。"  # 41 characters
    assert classify_block(caption, CleanConfig()) == "caption"
    assert classify_block(caption, CleanConfig(caption_max_chars=40)) == "paragraph"


def test_diagram_labels_inside_a_paragraph_are_dropped_and_the_paragraph_joined(prepared):
    # xinhua-ai-trends-2026: "…国家引导算力向\n\n应用场景\n\n应用产生数据\n\n数据\n\n数据训练 AI\n\nAI 技术\n\n▲“数据金矿”…"
    units = [u.text for u in prepared.units if u.doc_id == "xinhua-ai-trends-2026"]
    assert "“算电协同”从趋势上升为战略必然。国家引导算力向西部可再生能源富集区布局，打造绿色算力基地。" in units


# -- ○ as a zero -------------------------------------------------------------------------------------------------

def test_circle_used_as_zero_is_counted_as_zero_and_shown_as_written():
    rows = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").open(encoding="utf-8")]
    report = next(r["content"] for r in rows if r["id"] == "congress12")
    unit = next(u for u in split_units([Document("c12", report)]).units if "二○○○年的二万八千亿元" in u.text)
    assert "即由一九八〇年的七千一百亿元增加到二〇〇〇年的二万八千亿元" in unit.norm
    assert "○" not in unit.norm and unit.text.count("○") == 4
    segmenter = JiebaSegmenter().initialize()
    terms = segment_unit(unit, segmenter).terms
    assert "".join(terms).count("二〇〇〇年") == 1   # no digit of the year is lost (二○○○年 gave 二 / 年)


def test_circle_as_bullet_or_face_is_not_a_zero():
    assert fold_numeral_zero("而已。○新报记者 吴轶凡 文") == "而已。○新报记者 吴轶凡 文"
    assert fold_numeral_zero("速度非常快(○?ε?○)，产品") == "速度非常快(○?ε?○)，产品"
    assert fold_numeral_zero("二○一七年、一九二◯年") == "二〇一七年、一九二〇年"


# -- everything dropped is recorded ----------------------------------------------------------------------------

def test_blocks_shorter_than_a_unit_are_recorded():
    rows = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").open(encoding="utf-8")]
    result = split_units([Document(r["id"], r["content"]) for r in rows])
    # Wikisource's back-links: a block of one "↑", 5 in the 1923 report and 2 in each from 1969 on (counted by
    # splitting the texts at blank lines)
    assert result.dropped == {"short": 29} and result.samples == {"short": ("↑",)}


def test_section_numerals_standing_alone_are_recorded_as_short():
    rows = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").open(encoding="utf-8")]
    paragraphs = [p for p in next(r["content"] for r in rows if r["id"] == "congress09").split("\n\n") if len(p) > 50]
    text = "\n\n".join(f"{numeral}\n\n{paragraph}" for numeral, paragraph in zip("一二三四", paragraphs))
    result = split_units([Document("d", text)])
    assert result.dropped == {"short": 4} and result.samples == {"short": ("一", "二", "三")}
    assert [u.kind for u in result.units] == ["paragraph"] * 4


def test_samples_are_few_and_short(prepared):
    result = split_units(prepared.corpus)
    assert set(result.samples) == set(result.dropped)
    assert all(1 <= len(s) <= 3 and all(len(x) <= SAMPLE_CHARS for x in s) for s in result.samples.values())
    assert result.samples["toc"][:2] == ("目 录", "第一章 生成式人工智能主要发展特点.....1")
    assert result.samples["editorial"] == ("工信洞察系列报告编委会", "编委会主任 刘郁林", "编委会副主任 张 晓")


# -- front and back matter -------------------------------------------------------------------------------------

def test_table_of_contents_is_dropped_and_the_headings_it_lists_are_kept(prepared):
    units = [u for u in prepared.units if u.doc_id == "cnnic-genai-report-2025"]
    assert not any(re.search(r"具身智能给用户带来交互新体验\s*52|发展特点\.{3}", u.text) for u in units)
    assert [u.text for u in units].count("三、具身智能给用户带来交互新体验") == 1   # the section heading itself


def test_table_of_contents_glued_into_one_line_is_recognised():
    line = ("一、模型集成将打造人工智能新形态51二、开源社区为技术进步提供新动力51三、具身智能给用户带来交互新体验52"
            "四、智能体拓展人工智能能力新边界53五、完善治理让人工智能迈上新台阶53")
    assert classify_block(line, CleanConfig()) == "toc"


def test_editorial_board_and_copyright_are_dropped_and_can_be_kept(prepared):
    texts = "\n".join(u.text for u in prepared.units)
    for gone in ("编委李强吕坚汪立东", "刘郁林", "谭淑芬", "免责声明", "本报告版权归", "59116603"):
        assert gone not in texts
    assert "前言" in [u.text for u in prepared.units]                    # the heading after the board stays
    kept = split_units([prepared.corpus["cnnic-genai-report-2025"]], CleanConfig(drop_front_matter=False))
    assert not {"toc", "editorial", "copyright"} & set(kept.dropped)
    assert "本报告版权归中国互联网络信息中心（CNNIC）所有。" in [u.text for u in kept.units]


def test_news_site_marks_and_credit_lines_are_left_out():
    """Sina's link mark after a name (古天乐(微博)) is two thirds of 微博 in the news sample; counted, it would
    triple the term. The marks go, every other 微博 stays; so do credit lines and a closing credit."""
    import pandas as pd

    news = pd.read_csv(shared_file("news_10_cats_dev.csv"), dtype=str)
    total, marks = int(news.text.str.count("微博").sum()), int(news.text.str.count(r"\(微博\)").sum())
    assert (total, marks) == (189, 126)
    result = split_units([Document(r.id, r.text) for r in news.itertuples()])
    texts = [u.text for u in result.units]
    assert sum(t.count("微博") for t in texts) == total - marks
    assert not any("(微博)" in t for t in texts)
    for credit in ("【责任编辑：王晓】", "（责任编辑：李华）", "(编辑：张三)", "责编：王五", "编辑：赵六 校对：孙七"):
        assert classify_block(credit, CleanConfig()) == "editorial", credit
    for prose in ("编辑：我们认为大模型的发展需要长期投入。", "编辑部的故事很好看，编辑：不是一个人"):
        assert classify_block(prose, CleanConfig()) == "paragraph", prose
    quoted = next(t for t in news.text if "编辑：婧远)" in t)
    assert quoted.count("(来源：中国日报网 信莲 编辑：婧远)") == 1
    unit = next(u.text for u in split_units([Document("d", quoted)]).units if "有些尴尬" in u.text)
    assert unit.endswith("这稍微让我有些尴尬。”") and "婧远" not in unit


def test_a_site_footer_after_a_review_does_not_make_it_a_copyright_notice():
    reviews = shopping_reviews()["review"].dropna()
    footed = reviews[reviews.str.contains("Copyright? 1999-2008, ctrip.com", regex=False)].tolist()
    assert len(footed) == 15
    result = split_units([Document(str(i), text) for i, text in enumerate(footed)])
    assert result.dropped == {} and len(result.units) == 15


# -- running headers and footers -------------------------------------------------------------------------------

HEADER = "生成式人工智能应用发展报告（2025）"


def _paged(text: str, every: int = 12) -> tuple[str, int]:
    """The report with a running header and a page number every ``every`` blocks: alone between blank lines
    on odd pages, and inside a paragraph (single line breaks) on even ones, as PDF extraction leaves them."""
    blocks = text.split("\n\n")
    out, pages = [], 0
    for i, block in enumerate(blocks):
        if i and i % every == 0:
            pages += 1
            cut = block.find("，") + 1
            if pages % 2 and cut:
                out.append(f"{block[:cut]}\n- {pages} -\n{HEADER}\n{block[cut:]}")
                continue
            out.extend([f"- {pages} -", HEADER])
        out.append(block)
    return "\n\n".join(out), pages


def test_running_headers_and_page_numbers_are_dropped_and_nothing_else_changes():
    text = (CORPUS / "cnnic-genai-report-2025.txt").read_text(encoding="utf-8")
    paged, pages = _paged(text)
    assert pages > 20
    plain, with_pages = split_units([Document("d", text)]), split_units([Document("d", paged)])
    # the report's own title lines (on the cover and the contents page) read as the same header
    assert [u.text for u in plain.units].count(HEADER) == 2
    assert with_pages.dropped["header_footer"] == 2 * pages + 2
    assert [u.text for u in with_pages.units] == [u.text for u in plain.units if u.text != HEADER]
    for unit in with_pages.units:   # offsets point into the paged text
        for pos, char in enumerate(unit.text):
            source = paged[unit.original_offset(pos)]
            assert source == char or (char == " " and source.isspace())
    kept = split_units([Document("d", paged)], CleanConfig(drop_headers_footers=False))
    assert "header_footer" not in kept.dropped and sum(u.text.count(HEADER) for u in kept.units) > 20


def test_note_references_are_not_page_numbers():
    rows = [json.loads(line) for line in shared_file("cpc_congress_reports.jsonl").open(encoding="utf-8")]
    report = next(r["content"] for r in rows if r["id"] == "congress03")   # "…上屆代表會議\n[\n1\n]\n以來的…"
    result = split_units([Document("c03", report)])
    assert "header_footer" not in result.dropped
    assert any("上屆代表會議[ 1 ]以來的工作報告" in u.text for u in result.units)


# -- inline cleaning keeps the text around addresses -----------------------------------------------------------

def test_text_after_an_address_or_around_an_at_sign_is_kept():
    reviews = shopping_reviews()["review"].dropna()
    tianya = reviews[reviews.str.contains("140524.shtml学术争鸣是好事", regex=False)].tolist()
    units = split_units([Document("a", tianya[0]), Document("b", "不是很好@裤腿太小.码数也不对")]).units
    assert "当属天涯的这篇了吧学术争鸣是好事，不过回头想想" in units[0].text
    assert units[1].text == "不是很好@裤腿太小.码数也不对"


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXT)
def test_cleaning_a_block_is_idempotent_and_maps_back(text):
    cleaned = clean_block(MappedText.of(text))
    assert all(maps_back(c, text[o]) for c, o in zip(cleaned.text, cleaned.offsets))
    assert clean_block(MappedText.of(cleaned.text)).text == cleaned.text


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(CONFIGS))
def test_units_map_back_to_the_original_document(text, config):
    doc = Document("d", text)
    for unit in split_document(doc, config, FOLDER if config.fold_traditional else None):
        assert unit.text and len(unit.norm) == len(unit.text)
        offsets = [unit.original_offset(i) for i in range(len(unit.text))]
        assert offsets == sorted(set(offsets))
        assert all(maps_back(c, text[o]) for c, o in zip(unit.text, offsets))
        start, end = unit.original_span(0, len(unit.text))
        assert 0 <= start < end <= len(text)


# -- one paragraph a line ----------------------------------------------------------------------------------------

#: a line break after a sentence end, before a line that does not open with a closing mark (written independently of
#: textmine's own pattern)
_SENTENCE_BREAK = re.compile(r"[。！？!?；;…][”’」』）)】》\"']*\n(?![”’」』）)】》\n])")


def test_a_file_with_one_paragraph_a_line_gives_one_unit_a_paragraph():
    """The SIGHAN MSR test text is 3,985 lines of People's Daily articles, one paragraph or headline a line and
    no blank lines. Each line that ends a sentence ends its unit; a headline is a unit of its own; with
    ``line_paragraphs = false`` the whole file is one unit, as blank lines alone used to decide."""
    text = shared_file("sighan2005_msr/msr_test.utf8").read_text(encoding="utf-8")
    lines = text.split("\n")
    result = split_units([Document("msr", text)])
    units = result.units
    assert [u.text for u in units[:3]] == lines[:3] == ["扬帆远东做与中国合作的先行", "希腊的经济结构较特殊。",
                                                        "海运业雄踞全球之首，按吨位计占世界总数的１７％。"]
    assert 3_500 < len(units) < len(lines)
    assert not [u.id for u in units if _SENTENCE_BREAK.search(text[u.start:u.end])]
    assert sum(len(u.text) for u in units) > 0.97 * len(text.replace("\n", ""))
    joined = split_units([Document("msr", text)], CleanConfig(line_paragraphs=False)).units
    assert len(joined) == 1


def test_paragraphs_on_lines_of_their_own_in_the_congress_reports_are_units():
    """Congress 1's report puts some paragraphs on single lines; each is a unit, and no unit holds a line break
    after a sentence end. A line break inside a sentence (a wiki link on a line of its own, congress 9) still joins."""
    from conftest import cpc_rows

    rows = {row["id"]: row["content"] for row in cpc_rows()}
    first = split_units([Document("congress01", rows["congress01"])]).units
    assert any(u.text.startswith("在“文学”革命（推行白话文等等）之后") for u in first)
    assert not [u.id for u in first if _SENTENCE_BREAK.search(rows["congress01"][u.start:u.end])]
    ninth = split_units([Document("congress09", rows["congress09"])]).units
    assert "工贼\n刘少奇\n为首" in rows["congress09"]
    assert sum("内奸、工贼刘少奇为首的资产阶级司令部" in u.text for u in ninth) == 1


@pytest.mark.parametrize("width", [35, 50])
def test_hard_wrapped_lines_are_joined_and_cut_only_at_sentence_ends(width):
    """The bundled reports wrapped every ``width`` characters (blank lines between paragraphs, as a text export of
    a PDF has them): the units hold the same text in the same order as with ``line_paragraphs = false``, cut at a
    few more places, each after a sentence end but for at most one title-like short line per hundred units."""
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paragraphs = [p for p in re.split(r"\n[ \t\u3000]*\n\s*", text) if p.strip()]
        wrapped = Document(path.stem, "\n\n".join("\n".join(p[i:i + width] for i in range(0, len(p), width))
                                                  for p in paragraphs))
        joined = [u.text for u in split_units([wrapped], CleanConfig(line_paragraphs=False)).units]
        cut = [u.text for u in split_units([wrapped]).units]
        assert "".join(cut) == "".join(joined), path.name
        joined_ends = set(accumulate(map(len, joined)))
        odd = [text for end, text in zip(accumulate(map(len, cut)), cut)
               if end not in joined_ends and text[-1] not in "。！？!?；;…”’」』）)】》\"'"]
        assert len(joined) < len(cut) and len(odd) <= max(1, len(cut) // 100), (path.name, odd)


def test_units_and_what_was_dropped_come_back_whole_from_another_process(prepared):
    """Cleaning results cross to the helper process and back pickled: every unit of the bundled reports (those
    made of several runs of the original too) and the per-document drops come back equal."""
    import pickle

    from textmine.data import unit_spans
    from textmine.units import split_each

    units = prepared.units
    assert any(len(u.runs) > 1 for u in units)
    back = pickle.loads(pickle.dumps(units, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == units and [u.id for u in back] == [u.id for u in units]
    assert [(u.start, u.end) for u in back] == [(u.start, u.end) for u in units]
    assert unit_spans(units) == ([u.start for u in units], [u.end for u in units])
    each = split_each(list(prepared.corpus), prepared.config.clean)
    assert any(dropped for _, dropped, _ in each)
    assert pickle.loads(pickle.dumps(each, protocol=pickle.HIGHEST_PROTOCOL)) == each
