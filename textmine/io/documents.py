"""Text out of documents (PDF, Word, web pages), with the page each character came from.

Every reader returns an :class:`Extracted`: paragraphs separated by blank lines (the
cleaner splits units there), lines broken inside a paragraph joined again, and for PDF
the offset where each page begins. A file that cannot be read raises
:class:`~textmine.io.decode.InputRejected` with a short reason and a one-line detail
(``no-text-layer``, ``encrypted``, ``damaged``, ``no-article``), which the corpus reader
turns into a skipped input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

#: Suffixes read as documents, and the reader of each.
DOCUMENT_SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}


@dataclass(frozen=True)
class Extracted:
    """The text of one document: ``page_starts`` holds the offset in ``text`` where each page begins
    (empty when the source has no pages); ``note`` says what was left out, for the manifest."""

    text: str
    format: str
    page_starts: tuple[int, ...] = ()
    encoding: str = ""
    method: str = ""
    chaos: float | None = None
    note: str = ""
    fields: tuple[tuple[str, str], ...] = ()   # a Markdown file's front matter (title, date, …), as text


# a Markdown file's front matter: --- on the first line, key: value lines, --- (Hugo, Jekyll, Obsidian, Pandoc)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


def front_matter(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``text`` with a Markdown front matter block blanked (each character but the line ends a space, so every
    offset still points into the file and no word of it is counted), and its ``key: value`` fields (quotes
    taken off; a list or an indented value is kept as written)."""
    match = _FRONT_MATTER.match(text)
    found = [m for m in map(_FIELD.match, match.group(1).split("\n")) if m] if match else []
    if not found:
        return text, ()
    fields = tuple((m.group(1).lower(), _unquoted(m.group(2))) for m in found if m.group(2))
    return re.sub(r"[^\n]", " ", match.group(0)) + text[match.end():], fields


def _unquoted(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


_RADICALS = (  # radical code points → the ideograph drawn with the same glyph (Noto Sans CJK SC cmap)
    "⺂⺅⺉⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺦⺨⺭⺯⺰⺱⺹⺺⺾⻁⻂⻅⻆⻈⻉⻋⻌⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢"
    "⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻮⻯⻰⻱⻳⼀⼁⼂⼃⼄⼅⼆⼇⼈⼉⼊⼋⼌⼍⼎⼏⼐⼑⼒⼓⼔⼕⼖⼗⼘⼙⼚⼛⼜⼝⼞⼟⼠⼡⼢"
    "⼣⼤⼥⼦⼧⼨⼩⼪⼫⼬⼭⼮⼯⼰⼱⼲⼳⼴⼵⼶⼷⼸⼺⼻⼼⼽⼾⼿⽀⽁⽂⽃⽄⽅⽆⽇⽈⽉⽊⽋⽌⽍⽎⽏⽐⽑⽒⽓⽔⽕"
    "⽖⽗⽘⽙⽚⽛⽜⽝⽞⽟⽠⽡⽢⽣⽤⽥⽦⽧⽨⽩⽪⽫⽬⽭⽮⽯⽰⽱⽲⽳⽴⽵⽶⽷⽸⽹⽺⽻⽼⽽⽾⽿⾀⾁⾂⾃⾄⾅⾆⾇"
    "⾈⾉⾊⾋⾌⾍⾎⾏⾐⾑⾒⾔⾕⾖⾗⾘⾙⾚⾛⾜⾝⾞⾟⾠⾡⾢⾣⾤⾥⾦⾧⾨⾩⾪⾫⾬⾭⾮⾯⾰⾱⾲⾳⾴⾵⾶⾷⾸⾹⾺"
    "⾼⾽⾾⾿⿀⿁⿂⿃⿄⿅⿆⿇⿈⿉⿊⿋⿌⿍⿎⿏⿐⿑⿒⿓⿕"
)
_IDEOGRAPHS = (
    "乛亻刂尣尢巳幺彑彐忄扌攵旡歺母民氵灬丬犭礻糹纟罓耂肀艹虎衤见角讠贝车辶钅長镸长门阝青韦页风飞食飠饣马"
    "骨鬼鱼鸟卤麦黄黾斉齐齿竜龙龜龟一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊"
    "夕大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彡彳心戈户手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火"
    "爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛"
    "舟艮色艸虍虫血行衣襾見言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬"
    "高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龠"
)
_RADICAL_MAP = str.maketrans(_RADICALS, _IDEOGRAPHS)
_NEEDS_FIX = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")


def fix_radicals(text: str) -> str:
    """Radicals and compatibility ideographs that PDF producers emit for ordinary characters, mapped back.

    Fonts draw 力 and the Kangxi radical ⼒ (U+2F12) with one glyph; a PDF whose text map was built
    from the glyph then yields ⼒, and 算⼒ is no longer 算力. Each radical becomes the ideograph
    that shares its glyph; CJK compatibility ideographs become their canonical forms (NFC).
    """
    if not _NEEDS_FIX.search(text):
        return text
    text = text.translate(_RADICAL_MAP)
    return _NEEDS_FIX.sub(lambda m: unicodedata.normalize("NFKC", m.group()) if len(
        unicodedata.normalize("NFKC", m.group())) == 1 else m.group(), text)


_WORDISH_END = re.compile(r"[A-Za-z0-9\u00c0-\u024f.,;:!?%)\]\"'’”]$")
_WORDISH_START = re.compile(r"^[A-Za-z0-9\u00c0-\u024f(\[\"'‘“]")


_URL_END = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*$")


def line_separator(before: str, after: str) -> str:
    """What joins two lines of one paragraph: a space between two Latin words (or numbers), nothing next
    to a Chinese character, after a hyphen or inside a URL, so no word is cut in two and no space enters
    Chinese."""
    if before.endswith("-") or _URL_END.search(before):
        return ""
    return " " if _WORDISH_END.search(before) and _WORDISH_START.match(after) else ""


def join_lines(lines: Iterable[str]) -> str:
    """The lines of one paragraph as one line (see :func:`line_separator`)."""
    out = ""
    for line in lines:
        line = line.strip()
        if line:
            out = out + line_separator(out, line) + line if out else line
    return out


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_line(text: str) -> str:
    """A line as read from a file: control codes dropped, radicals fixed, tabs and odd spaces made plain."""
    text = _CONTROL.sub("", text).replace("\t", " ").replace("\u00a0", " ")
    return fix_radicals(text)


def paragraphs_to_text(paragraphs: Iterable[str]) -> str:
    """Paragraphs separated by blank lines."""
    return "\n\n".join(p for p in (p.strip() for p in paragraphs) if p)


def sniff_format(data: bytes) -> str | None:
    """``pdf`` or ``docx`` for the bytes of such a file whatever its name, else None."""
    if data[:1024].lstrip().startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:4096]:
        return "docx"
    return None


__all__ = ["DOCUMENT_SUFFIXES", "Extracted", "fix_radicals", "line_separator", "join_lines", "clean_line",
           "paragraphs_to_text", "sniff_format"]
