"""Split documents into clean paragraph units that keep their provenance.

Text extracted from PDF and newspaper pages carries damage: page breaks inside
words (``治理机\\n\\n制持续探索``), footnote source lines with URLs, figure and
photo captions and credits, bylines, markdown marks, ``(上接第1版)`` markers.
Blocks that are not running text are dropped (and counted); inline junk is
removed; paragraphs cut by a page break are joined again. Every unit keeps the
offsets of its characters in the original file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .config import CleanConfig
from .data import Corpus, Document, Unit
from .normalize import (
    MappedText,
    SimplifiedFolder,
    fold_for_counting,
    normalize_whitespace,
)

_BLOCK_SPLIT = re.compile(r"\n[ \t\u3000]*\n\s*")
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"

_NOTE_START = re.compile(rf"^\s*(?:[{_SUPERSCRIPTS}]+|\[\d+\]|注\s*\d*[:：])\s*\S")
_SOURCE_LINE = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹⁰\d\[\]]*\s*(?:数据|资料|图片|图表)?(?:来源|出处)\s*[:：]|https?://|www\.")
_CAPTIONS = [
    re.compile(r"^\s*图\s*\d+[\s:：.、-]"),                         # 图 3 生成式人工智能用户…
    re.compile(r"^\s*(?:图|表|上图|下图|左图|右图)为"),              # 图为2025世界人形机器人运动会…
    re.compile(r"^\s*[▼▲◀▶►◄△▽●◆]"),                              # ▼广西壮族自治区柳州市…
    re.compile(r"摄(?:\s*[（(][^）)]{1,12}[）)])?\s*$"),            # 新华社记者 李紫恒摄 / 廖祖平摄（人民视觉）
    re.compile(r"^\s*(?:表\s*\d+[\s:：]|(?:视觉中国|新华社)供图\s*$)"),
]
_BYLINE = re.compile(r"^\s*[□■]?\s*(?:本报记者|新华社记者|记者|本报通讯员|通讯员)\s*[\u4e00-\u9fff·\s]{0,12}$|^\s*□\s*\S{0,12}$")
_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")

# Each inline pattern with the characters one of which every match of it holds: a block holding none of
# them cannot match, and most blocks skip most patterns after one scan for the characters.
_INLINE_JUNK = [(re.compile(pattern, flags), re.compile(f"[{re.escape(marks)}]")) for pattern, flags, marks in [
    (r"<?(?:https?://|www\.)[^\s<>，。；）)]*>?", re.IGNORECASE, "/."),                     # URLs, <…> autolinks
    (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", 0, "@"),                                                # e-mail addresses
    (r"(?<![\w.])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|gov|edu)(?:\.cn)?(?:/\S*)?(?![\w])", re.IGNORECASE,
     "."),
    (rf"[{_SUPERSCRIPTS}]+", 0, _SUPERSCRIPTS),                                                  # footnote markers
    (r"[（(]\s*(?:上|下)(?:接|转)第?\s*[\d一二三四五六七八九十]+\s*版\s*[）)]", 0, "版"),      # (上接第1版)
    (r"\*\*|__|~~|`", 0, "*_~`"),                                                                 # markdown emphasis
    (r"^\s*(?:[-*+>]|\d+\.)\s+(?=\S)", 0, "-*+>."),                                             # list / quote marks
]]
_TERMINAL = set("。！？!?；;…」』”\"'’）)】》:：.")


@dataclass(frozen=True)
class UnitsResult:
    """The units of a corpus, and how many raw blocks of each kind were dropped."""

    units: tuple[Unit, ...]
    dropped: dict[str, int]


def _blocks(text: str) -> Iterator[MappedText]:
    start = 0
    for match in _BLOCK_SPLIT.finditer(text):
        yield MappedText.of(text[start:match.start()], start)
        start = match.end()
    yield MappedText.of(text[start:], start)


def classify_block(block: str, config: CleanConfig) -> str:
    """``heading``, ``paragraph``, ``note`` (an explanatory footnote, kept), or the reason a block is
    dropped (``footnote`` — a source line, ``caption``, ``byline``)."""
    stripped = block.strip()
    if _NOTE_START.search(stripped) or stripped.startswith(("来源", "数据来源", "资料来源")):
        return "footnote" if config.drop_footnotes and _SOURCE_LINE.search(stripped) else "note"
    if config.drop_captions:
        if any(p.search(stripped) for p in _CAPTIONS):
            return "caption"
        if _BYLINE.search(stripped):
            return "byline"
    if _HEADING_MARK.match(stripped):
        return "heading"
    return "paragraph"


def clean_block(block: MappedText) -> MappedText:
    """Remove inline junk (URLs, footnote marks, markup, page markers) and fix white space.

    Passes repeat until nothing changes (``- # 标题`` loses both marks), so cleaning is idempotent.
    """
    for _ in range(8):
        cleaned = _clean_pass(block)
        if cleaned.text == block.text:
            return cleaned
        block = cleaned
    return block


def _clean_pass(block: MappedText) -> MappedText:
    block = block.sub(_HEADING_MARK)
    for pattern, marks in _INLINE_JUNK:
        if marks.search(block.text):
            block = block.sub(pattern)
    return normalize_whitespace(block)


def _ends_mid_sentence(text: str) -> bool:
    return bool(text) and text[-1] not in _TERMINAL


def split_document(doc: Document, config: CleanConfig, folder: SimplifiedFolder | None = None,
                   dropped: Counter[str] | None = None) -> list[Unit]:
    """Clean one document into paragraph and heading units (see module docs)."""
    pieces: list[tuple[str, MappedText]] = []
    open_paragraph = None  # index in pieces of a paragraph that ended mid-sentence
    for raw in _blocks(doc.text):
        if not raw.text.strip():
            continue
        kind = classify_block(raw.text, config)
        if kind not in ("heading", "paragraph", "note"):
            if dropped is not None:
                dropped[kind] += 1
            continue
        cleaned = clean_block(raw)
        if len(cleaned) < config.min_unit_chars:
            if dropped is not None and len(cleaned) == 0:
                dropped["empty"] += 1
            continue
        if kind == "note":  # notes sit between the halves of a paragraph cut by a page break
            pieces.append((kind, cleaned))
            continue
        if config.join_page_breaks and open_paragraph is not None and kind == "paragraph":
            index = open_paragraph
            pieces[index] = ("paragraph", pieces[index][1] + cleaned)
        else:
            index = len(pieces)
            pieces.append((kind, cleaned))
        # A long paragraph that stops without closing punctuation was cut by a page break.
        text = pieces[index][1].text
        open_paragraph = index if kind == "paragraph" and len(text) >= 20 and _ends_mid_sentence(text) else None
    units = []
    for index, (kind, text) in enumerate(pieces, start=1):
        units.append(Unit(doc.id, index, kind, text.text, fold_for_counting(text.text, folder), text.runs()))
    return units


def split_units(corpus: Corpus | Iterable[Document], config: CleanConfig | None = None) -> UnitsResult:
    """Split every document of a corpus into units; see :func:`split_document`."""
    config = config or CleanConfig()
    folder = SimplifiedFolder() if config.fold_traditional else None
    dropped: Counter[str] = Counter()
    units: list[Unit] = []
    for doc in corpus:
        units.extend(split_document(doc, config, folder, dropped))
    return UnitsResult(tuple(units), dict(sorted(dropped.items())))
