"""The article of a saved web page (.html/.htm), found with trafilatura and checked here.

trafilatura finds the main content of a page (it scores blocks by text and link density and
drops navigation, sidebars and comment sections). Its output is then held to what a research
corpus needs, since a line of navigation that slips through would be counted as text:

- a line made only of link texts (a menu, a "related reading" list, 返回顶部, 网站地图) is dropped,
  and so is a short heading that stands right above such a list (相关阅读, 热点排行);
- a short line with a site footer's marks (版权所有, ICP备, 公网安备, Copyright ©) is dropped;
- a share bar and its buttons (分享到：微信 微博 【纠错】) are taken off the line they end, and a line
  left empty is dropped;
- the page title is put first when the extracted text does not start with it;
- a page with no sentence of prose left (a channel index, a script-only shell) is rejected as
  ``no-article``.

The page's own encoding declaration (``<meta charset>``) is honoured when the bytes decode
strictly with it (GB2312 and GBK are read as their superset GB18030); otherwise the bytes are
decoded as any input file is.
"""

from __future__ import annotations

import codecs
import re

from .decode import AUTO, Decoded, InputRejected, decode_bytes
from .documents import Extracted, clean_line, paragraphs_to_text

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
_FOOTER = re.compile(r"版权所有|ICP备|ICP证|公网安备|返回顶部|网站地图|关于我们|联系我们|免责声明|不良信息举报|"
                     r"Copyright|All Rights Reserved|©", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s|｜/·•>»›\-–—,，、:：()（）\[\]【】]+")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
# a page's share bar and buttons, alone on a line or at the end of one: 分享到：微信 微博 【纠错】
_WIDGETS = re.compile(r"\s*(?:(?:分享到|分享至|分享给)\s*[:：]?\s*(?:(?:微信|微博|新浪微博|腾讯微博|QQ空间|QQ好友|QQ|朋友圈|豆瓣|"
                      r"人人网|复制链接|更多)[\s|｜、,，]*)+)?(?:【(?:我要)?(?:纠错|打印|关闭|收藏|返回顶部|关闭窗口|打印本页)】\s*)*$")
#: Lines with a footer mark are dropped up to this length; a longer line is prose that mentions one.
FOOTER_LINE_CHARS = 60
#: A heading right above a dropped list of links is dropped when it is at most this long.
LIST_HEADING_CHARS = 12


def decode_html(data: bytes, encoding: str = AUTO) -> Decoded:
    """The page's text: the named ``encoding``, else its declared charset when valid, else detection."""
    if encoding.lower() == AUTO:
        match = _META_CHARSET.search(data[:4096])
        if match:
            declared = match.group(1).decode("ascii").lower()
            codec = _SUPERSETS.get(declared, declared)
            try:
                codecs.lookup(codec)
                text = data.decode(codec)
            except (LookupError, UnicodeDecodeError):
                pass
            else:
                return Decoded(text.removeprefix("\ufeff").replace("\r\n", "\n"), codec, "declared")
    return decode_bytes(data, encoding)


def _key(text: str) -> str:
    return _SEPARATORS.sub("", text)


def _link_texts(html: str) -> set[str]:
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return set()
    return {key for a in tree.iter("a") if (key := _key(a.text_content()))}


def _is_link_line(line: str, links: set[str]) -> bool:
    """A line whose text is link texts and separators only (``首页 | 大模型 | 智能体``)."""
    rest = line
    for piece in sorted((p for p in re.split(r"[|｜·•>»›]|\s{2,}", line) if _key(p)), key=len, reverse=True):
        if _key(piece) in links:
            rest = rest.replace(piece, " ")
    if _key(rest) == "":
        return True
    return _key(line) in links


def filter_lines(lines: list[str], links: set[str]) -> tuple[list[str], int]:
    """The article's lines without link lists, their headings and footer lines; and how many were dropped."""
    kept: list[str] = []
    dropped = 0
    lines = [_WIDGETS.sub("", line, count=1) for line in lines]
    link_line = [_is_link_line(line, links) for line in lines]
    for i, line in enumerate(lines):
        if link_line[i] or not line:
            dropped += 1
            continue
        if len(line) <= FOOTER_LINE_CHARS and _FOOTER.search(line) and not _SENTENCE_END.search(line):
            dropped += 1
            continue
        heads_a_list = (len(line) <= LIST_HEADING_CHARS and not _SENTENCE_END.search(line)
                        and i + 2 < len(lines) and link_line[i + 1] and link_line[i + 2])
        if heads_a_list:
            dropped += 1
            continue
        kept.append(line)
    return kept, dropped


def _has_prose(lines: list[str]) -> bool:
    return any(_SENTENCE_END.search(line) and len(line) >= 15 or len(line) >= 80 for line in lines)


def read_html(data: bytes, encoding: str = AUTO) -> Extracted:
    """The article text of a web page's bytes; raises :class:`InputRejected` for a page without one."""
    import trafilatura

    decoded = decode_html(data, encoding)
    html = decoded.text
    result = trafilatura.bare_extraction(html, include_comments=False, include_tables=False, include_images=False,
                                         with_metadata=True, deduplicate=False)
    body = (result.text if result is not None else "") or ""
    lines = [line for line in (clean_line(x).strip() for x in body.split("\n")) if line]
    lines, dropped = filter_lines(lines, _link_texts(html))
    if not _has_prose(lines):
        raise InputRejected("no-article", "no article found: nothing is left beyond navigation, link lists and "
                                          "footers but lines too short for prose (a sentence of 15 characters, or "
                                          "80 characters); save the article's own page, or a short text as .txt")
    title = clean_line((result.title or "") if result is not None else "").strip()
    if title and _key(title) not in {_key(line) for line in lines[:3]} and not _FOOTER.search(title):
        lines.insert(0, title)
    note = f"web page; {dropped} line(s) of navigation, link lists or footer left out" if dropped else "web page"
    return Extracted(paragraphs_to_text(lines), "html", encoding=decoded.encoding, method=decoded.method,
                     chaos=decoded.chaos, note=note)


_MARKUP = re.compile(r"</?(?:p|br|div|span|a|img|strong|b|i|em|u|font|h[1-6]|ul|ol|li|table|tbody|tr|td|th|section|"
                     r"article|blockquote|center|hr)\b[^<>]*>", re.IGNORECASE)
#: Elements that end a paragraph when a table cell's markup is read as text.
_BLOCKS = ("p", "div", "section", "article", "blockquote", "center", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr",
           "table", "ul", "ol", "hr")


def holds_markup(text: str) -> bool:
    """Whether a table cell holds HTML (``<p>…</p>``, ``<br/>``, ``<div class=…>``): a content management
    system's or a scraper's export of the article body."""
    return "<" in text and _MARKUP.search(text) is not None


def markup_text(text: str) -> str:
    """The text of a cell's HTML: each block (``<p>``, ``<div>``, a heading, a list item) a paragraph, a line
    ended by ``<br>`` a line of its own, entities read (``&nbsp;`` ``&amp;``), tags, scripts and styles left out."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return text
    for element in root.xpath("//script|//style"):
        element.drop_tree()
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in root.iter(*_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    lines = [clean_line(line).strip() for line in root.text_content().split("\n")]
    paragraphs, current = [], []
    for line in lines + [""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return paragraphs_to_text(paragraphs)


__all__ = ["read_html", "decode_html", "filter_lines", "holds_markup", "markup_text"]
