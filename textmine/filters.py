"""Which word tokens may reach keyword, keyness, topic and vocabulary tables: the stopword list and the
term filter.

A token passes unless one of these drops it, in this order:

1. ``keep`` — lexicon and theme terms and ``[filter] keep``: these always pass.
2. ``too_short`` — fewer than ``[filter] min_chars`` characters (default 2).
3. ``stopword`` — in the stopword list: stopwords-iso Chinese, the domain list
   (``resources/domain_stopwords.txt``) and ``[filter] extra_stopwords``.
4. ``no_letter`` — no Han or Latin letter: numbers (90%, 2005), punctuation.

With ``[filter] rules = true`` (the default), pattern rules follow. They work on
character classes and closed grammatical classes (numerals, measure words,
determiners, pronouns, negation, modal verbs, degree adverbs, time deixis), not
on lists of corpus words, so they do not grow with each new corpus:

5. ``quantity`` — a numeral, with 余/多/几/数/近/约/超 and a measure word or
   currency: 万种 亿美元 万家 余家 千亿 万亿元 多万名 万亿韩元 十四年 百分之二十.
   A measure word is a classifier character (个 家 种 名 年 次 …, see ``CLASSIFIERS``)
   or a unit word (美元 英镑 公里 平方米 …). Five-year-plan names (九五, 十二五) pass.
6. ``list_marker`` — 一是 … 十是, 其一, 第一/第三卷 (第 + numeral + measure word), 首次/首批.
7. ``deictic`` — a determiner with a measure word or 是/样/么/里: 这种 这家 这是 那些
   本届; 每/各/该/此/某 + one character (每年 各国 该机 此外); pronouns 我们 我国 他国.
8. ``function`` — negation 不/没 + one character (没有 不可 不久 不能); modal verbs
   (应当 可以 可能 必须 只能, ``MODAL_VERBS``); degree 很/最 + one character (很大 最高) and
   degree adverbs (非常 比较); localizers 以/之 + 上/下/内/外/间/中/前/后/来 (以下 之间 以来);
   time deixis: 今/昨/去/本/上/下/近/当/同 + 年/月/日/天/周/期/时 (去年 当时 近期 上午) and
   现在 目前 过去 ….
9. ``latin_unit`` — a number with a unit or a bare unit symbol: 17282TB 1037.3EFLOPS 50ZB
   1080p 128GB EFLOPS kWh. A single digit with letters that are not a unit is a name and
   passes: 5G 4G 6G 3D 4K 3C.
10. ``english_text`` — English function words (stopwords-iso English, in lower case: the, of,
    to) and runs of more than four English words (a sentence or a title, not a name or a term).
    Segmentation keeps a run of English words separated by single spaces as one token, so Grand
    View Research, Precedence Research and check in are names and terms, never the fragments
    Grand / View / Research.

Why character classes and not jieba's part-of-speech tags: on the news articles the tags of
jieba's dictionary call 相机, 首都, 高速, 更新 and 大连 adverbs, 赛季, 春节, 元首 time words, 西部
and 两岸 localizers, 本科 a pronoun and 四六级, 两会, 少年 numerals, so dropping closed classes
by tag would remove real words. The rules above were checked against the top 30 keywords and
keyness terms of every document of the bundled reports, the CPC congress reports and the news
articles (see ``benchmarks/results/filter.md``).

Phrases come first: with ``[filter] phrases = true`` (the default) the tokens of a unit that spell a
phrase of the bundled policy and economy lexicon (高质量/发展, 一带/一路, 供给/侧/结构性/改革) are joined
into one term (:func:`join_phrases`), as quanteda's ``tokens_compound`` does, and the phrase always
passes. Only whole, adjacent tokens are joined, so segmentation and the words around a phrase stay as
jieba cuts them (经济/增长率 is not 经济增长/率), and word-token totals, the denominator of every rate,
do not change.

A rule that drops a real term: add the term to ``[filter] keep`` (it then always passes), or turn
the pattern rules off with ``[filter] rules = false``. :meth:`TermFilter.reason` says which rule
drops a term.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING

from .data import TokenizedUnit
from .errors import ConfigError

if TYPE_CHECKING:
    from .config import Config

_HAS_LETTER = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]")

# -- character classes ---------------------------------------------------------------------------------

#: Digits and numeral characters. A number never starts with 零 or 〇 (零件 is a word), so they are left out
#: of the first position.
NUMERALS = "0-9〇零一二三四五六七八九十百千万亿两半"
_FIRST_NUMERALS = "0-9一二三四五六七八九十百千万亿两半"
#: Measure words (量词), one character each: the classifiers of jieba's dictionary (tag q) and the measure
#: words it tags otherwise (种 年 元 …). Left out on purpose, because a name starts with a numeral and them:
#: 度 (百度), 卡 (万卡), 章 (九章), 曲 (那曲), 角 (八角), 级 (四六级), 头 (多头), 队 (八一队), 季 (四季), 方 (双方).
CLASSIFIERS = ("个些亩代份位册匹口句台名圈场堂套家封尊尺层幢座张户扇批杆杯枝架株棵次段片番盒盘碗筒箱篇米类股袋辑"
               "道集顿种年元块枚吨项条件倍人岁月日周卷届部辆艘只斤克升轮期所处笔款例成点分秒时支节下")
#: Unit words of more than one character: currencies and metric units.
UNIT_WORDS = (r"[美欧日韩港澳加台新]元|英镑|卢布|美金|法郎|人次|架次|(?:平方|立方)?(?:公|千|厘|毫|分)?米|平米"
              r"|公[里斤顷分吨]|(?:千|兆)?瓦时?|百分点|分钟|小时|年代|周年|季度|英[寸尺亩里]")
_MEASURE = rf"(?:[{CLASSIFIERS}]|个[{CLASSIFIERS}]|{UNIT_WORDS})"
#: A number written with numerals, possibly approximate: 三十多, 万余, 数十, 近万.
_NUMBER = rf"(?:[数近约逾超]?[{_FIRST_NUMERALS}][{NUMERALS}]*(?:[余多几来][{NUMERALS}]*)?)"

_QUANTITY = re.compile(
    rf"(?:[余多几]?{_NUMBER}{_MEASURE}?"        # 万种 亿美元 千亿 多万名 万亿韩元 三十多家
    rf"|[余多几]{_MEASURE}"                     # 余家 多种 几个: the digits before them were cut off (200余家)
    rf"|百分之{_NUMBER}|百分点)")
_FIVE_YEAR_PLAN = re.compile(r"(?:[一二三四五六七八九]|十[一二三四五六七八九]?)五")   # 九五, 十二五: names

_LIST_MARKER = re.compile(
    rf"[一二三四五六七八九十]+是|其[一二三四五六七八九十]|第[{NUMERALS}]+{_MEASURE}?|首[{CLASSIFIERS}]")

_DEICTIC = re.compile(
    rf"[这那哪本][{NUMERALS}]?{_MEASURE}"        # 这种 这家 本届 这三条
    r"|[这那][是样么里些边儿般会]|哪[些里儿样怕]"   # 这是 那样 这里 哪些
    r"|[每各该此某]."                           # 每年 各国 该机 此外 某些: always determiners as a first morpheme
    r"|[我你他她它咱]们|[我你他][国省市县区乡镇村校院厂司局党军方]")   # 我们 我国 他国

#: Modal verbs (能愿动词), a closed class jieba's dictionary tags as ordinary verbs.
MODAL_VERBS = ("能够", "可以", "可能", "应该", "应当", "必须", "必需", "须要", "需要", "愿意", "值得", "能否",
               "是否", "可否", "得以")
#: Degree adverbs of more than one character (很X and 最X are caught by their first character).
DEGREE_ADVERBS = ("非常", "比较", "特别", "相当", "极其", "格外", "尤其", "较为", "最为", "更为", "越来越")
#: Deictic time words without a time unit in them (去年, 当时 and 上午 are caught by the pattern).
TIME_DEIXIS = ("现在", "目前", "当前", "如今", "当今", "现今", "过去", "随后", "刚才", "日前", "近来")
_FUNCTION = re.compile(
    r"[不没]."                                      # 没有 不可 不久 不能 不会
    r"|[很最]."                                     # 很大 很多 最高 最新
    r"|[今昨明前后去本上下近当此这那同][年月日天周晚午期时]|[早晚]上"   # 去年 当时 近期 上午 早上
    r"|[以之][上下内外间中前后来]"                    # 以上 以下 之间 之后 以来: localizers
    r"|只[能会好]"                                   # 只能 只会 只好
    rf"|{'|'.join(MODAL_VERBS + DEGREE_ADVERBS + TIME_DEIXIS)}")

#: Unit symbols: an optional SI prefix and a unit of data, compute, energy, frequency, length, mass or volume.
UNIT_SYMBOL = r"(?:[kKMGTPEZYmμunpcd]?(?:B|b|bit|bps|FLOPS|OPS|W|Wh|Hz|m|g|l|L|Pa|Ah))"
_LATIN_UNIT = re.compile(rf"{UNIT_SYMBOL}")
_NUMBER_WITH_LETTERS = re.compile(r"(\d[\d,]*(?:\.\d+)?)([A-Za-z×][A-Za-z0-9×.]*)")
_ENGLISH_WORD = re.compile(r"[a-z]+")
_ENGLISH_PHRASE = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)+")
_LONGEST_TERM = 4   # words; a longer run of English words is text (a sentence, a title), not a name or term

RULES = ("quantity", "list_marker", "deictic", "function", "latin_unit", "english_text")


def pattern_rule(term: str, english_stopwords: frozenset[str] = frozenset()) -> str | None:
    """The pattern rule that drops ``term`` (one of :data:`RULES`), or None."""
    if _QUANTITY.fullmatch(term) and not _FIVE_YEAR_PLAN.fullmatch(term):
        return "quantity"
    if _LIST_MARKER.fullmatch(term):
        return "list_marker"
    if _DEICTIC.fullmatch(term):
        return "deictic"
    if _FUNCTION.fullmatch(term):
        return "function"
    if term.isascii():
        return _latin_rule(term, english_stopwords)
    return None


def _latin_rule(term: str, english_stopwords: frozenset[str]) -> str | None:
    if _LATIN_UNIT.fullmatch(term):
        return "latin_unit"
    number = _NUMBER_WITH_LETTERS.fullmatch(term)
    if number:
        digits, letters = number.groups()
        # one digit and letters that are no unit is a name (5G, 3D, 4K); a longer or decimal number, a unit
        # or a multiplier is a quantity (17282TB, 1037.3EFLOPS, 1080p, 5GB, 10x)
        if len(digits) > 1 or _LATIN_UNIT.fullmatch(letters) or letters in ("x", "X", "×"):
            return "latin_unit"
        return None
    if _ENGLISH_WORD.fullmatch(term) and term in english_stopwords:
        return "english_text"
    if _ENGLISH_PHRASE.fullmatch(term) and term.count(" ") >= _LONGEST_TERM:
        return "english_text"
    return None


#: the longest phrase joined, in tokens
MAX_PHRASE_TOKENS = 6


def join_phrases(terms: Sequence[str], phrases: frozenset[str], prefixes: frozenset[str]) -> list[tuple[str, int]]:
    """``terms`` with every run of adjacent tokens that spells one of ``phrases`` joined into one term (the
    longest run first), each with the index of its first token. ``prefixes``: every leading part of every
    phrase (:func:`phrase_prefixes`). A phrase that starts or ends inside a token is not joined."""
    out: list[tuple[str, int]] = []
    i, n = 0, len(terms)
    while i < n:
        term = terms[i]
        best, end = term, i + 1
        if term in prefixes:
            joined = term
            for j in range(i + 1, min(n, i + MAX_PHRASE_TOKENS)):
                joined += terms[j]
                if joined in phrases:
                    best, end = joined, j + 1
                elif joined not in prefixes:
                    break
        out.append((best, i))
        i = end
    return out


def phrase_prefixes(phrases: Iterable[str]) -> frozenset[str]:
    """Every leading part of every phrase (高, 高质, 高质量 … of 高质量发展): where a run may go on."""
    return frozenset(p[:i] for p in phrases for i in range(1, len(p) + 1))


@dataclass(frozen=True)
class TermFilter:
    """Drops stopwords, numbers, punctuation, short terms and, with ``rules``, the pattern rules' tokens.

    ``keep`` lists terms that pass regardless (protected lexicon and theme terms
    such as 5G or 人工智能+, the phrases and ``[filter] keep``); ``phrases`` are joined from their tokens
    first (:func:`join_phrases`). The module docstring lists the rules.
    """

    stopwords: frozenset[str] = frozenset()
    min_chars: int = 2
    keep: frozenset[str] = frozenset()
    rules: bool = True
    phrases: frozenset[str] = frozenset()
    _seen: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)
    _english: list = field(default_factory=list, init=False, repr=False, compare=False, hash=False)
    _prefixes: frozenset = field(default=frozenset(), init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_seen", _Decisions(self._decide))
        object.__setattr__(self, "_prefixes", phrase_prefixes(self.phrases))

    def __call__(self, term: str) -> bool:
        return self._seen[term]

    def _decide(self, term: str) -> bool:
        return self.reason(term) is None

    def reason(self, term: str) -> str | None:
        """Why ``term`` is dropped (``too_short``, ``stopword``, ``no_letter`` or one of :data:`RULES`), or
        None when it passes."""
        if term in self.keep:
            return None
        if len(term) < self.min_chars:
            return "too_short"
        if term in self.stopwords or term.lower() in self.stopwords:
            return "stopword"
        if not _HAS_LETTER.search(term):
            return "no_letter"
        if self.rules:
            return pattern_rule(term, self._english_stopwords() if term.isascii() else frozenset())
        return None

    def _english_stopwords(self) -> frozenset[str]:
        if not self._english:
            import stopwordsiso

            self._english.append(frozenset(w for w in stopwordsiso.stopwords("en") if w.isalpha()))
        return self._english[0]

    def terms(self, unit: TokenizedUnit) -> list[str]:
        """The unit's content terms, in order: phrases joined, then the filter applied."""
        if not self.phrases:
            return list(compress(unit.terms, map(self._seen.__getitem__, unit.terms)))
        return [term for term, _ in join_phrases(unit.terms, self.phrases, self._prefixes) if self._seen[term]]

    def located_terms(self, unit: TokenizedUnit) -> list[tuple[str, int]]:
        """The unit's content terms with the character offset (in ``unit.norm``) where each starts."""
        if not self.phrases:
            return [(t, s) for t, s in zip(unit.terms, unit.starts) if self._seen[t]]
        return [(term, unit.starts[i]) for term, i in join_phrases(unit.terms, self.phrases, self._prefixes)
                if self._seen[term]]


class _Decisions(dict):
    """The filter's decision per distinct term, made on first sight (a large corpus repeats its terms)."""

    def __init__(self, decide) -> None:
        super().__init__()
        self.decide = decide

    def __missing__(self, term: str) -> bool:
        if len(self) > 2_000_000:
            self.clear()
        value = self[term] = self.decide(term)
        return value


def load_stopwords(kind: str = "default", extra_files: Iterable[str | Path] = ()) -> tuple[frozenset[str], str]:
    """The stopword set (stopwords-iso Chinese + the bundled domain list + extra files) and its hash."""
    words: set[str] = set()
    if kind == "default":
        import stopwordsiso

        words |= stopwordsiso.stopwords("zh")
        domain = resources.files("textmine.resources").joinpath("domain_stopwords.txt").read_text(encoding="utf-8")
        words |= {w.strip() for w in domain.splitlines() if w.strip() and not w.startswith("#")}
    from .io.decode import InputRejected, read_list_file

    for path in extra_files:
        try:
            text = read_list_file(path)
        except (OSError, InputRejected) as exc:
            raise ConfigError(f"stopword file {str(path)!r} cannot be read: {exc}") from None
        words |= {w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")}
    frozen = frozenset(words)
    return frozen, hashlib.sha256("\n".join(sorted(frozen)).encode("utf-8")).hexdigest()


def config_term_filter(config: Config, lexicon) -> tuple[TermFilter, str, int]:
    """The term filter ``[filter]`` describes, the stopwords' hash and their number: the lexicon's terms and
    ``[filter] keep`` always pass; keep terms are folded as the text is (full width, Traditional →
    Simplified)."""
    stopwords, digest = load_stopwords(config.filter.stopwords,
                                       [config.resolve_path(p) for p in config.filter.extra_stopwords])
    keep = frozenset(lexicon.terms)
    extra: Sequence[str] = [t.strip() for t in config.filter.keep if t.strip()]
    if extra:
        from .normalize import SimplifiedFolder, fold_for_counting

        folder = SimplifiedFolder() if config.clean.fold_traditional else None
        keep |= {fold_for_counting(t, folder) for t in extra}
    phrases: frozenset[str] = frozenset()
    if config.filter.phrases:
        from .lexicon import policy_phrases

        phrases = policy_phrases(fold_traditional=config.clean.fold_traditional)
    term_filter = TermFilter(stopwords, config.filter.min_chars, keep | phrases, rules=config.filter.rules,
                             phrases=phrases)
    return term_filter, digest, len(stopwords)
