"""New-term discovery: rank strings the active lexicon does not know yet.

The text is cut by jieba *without* its HMM (so an unknown word falls apart into
known pieces and single characters) with the protected spans of the active
lexicon kept whole. Every run of 2 to ``max_tokens`` adjacent word tokens
inside a clause is a possible term; it is scored from signals that are each
reported in ``candidates.csv``:

* ``freq`` — how often it occurs in the cleaned text (scoring uses the occurrences that align with
  token boundaries);
* ``cohesion`` — the weakest pointwise mutual information over the ways of
  cutting it in two: ``min log2(p(ab) / (p(a) p(b)))``. A real term's parts
  belong together; a chance neighbourhood does not;
* ``left_entropy`` / ``right_entropy`` — branching entropy (bits) of the
  tokens just before and after it; a clause boundary counts as a new context
  each time. A fragment of a longer term (人工智 → 能) has one neighbour only;
* ``quoted`` — how often it is the whole content of a quotation
  (“算电协同”). Chinese policy writing quotes a coinage, so one quote is
  strong evidence;
* ``latin`` — a Latin-script or mixed name (DeepSeek-R1, GPT-4o, Qwen3, 5G,
  AI玩具) that jieba's dictionary does not have.

score = log2(1 + freq) · clip(cohesion, 0, 8) · min(left_entropy, right_entropy, 4) / 8
        + 3 · log2(1 + quoted) · min(1, freq / min_freq)
and for a single Latin token: log2(1 + freq) · min(left_entropy, right_entropy, 4) / 2, plus 3 when it
is a mixed name with digits or hyphens seen at least twice (a name, not a quantity with a unit such as
128GB, 50ZB, 1080p or 4x4; one occurrence of S1 or M5 says little).

The quote term counts in full once a string has the evidence every other candidate needs
(``min_freq`` occurrences, 3 by default) and in proportion below it: a coinage quoted once and seen once
scores 1, not 3, and no longer outranks a term seen three times (混合专家, 通义千问, 数据要素).

A candidate that is almost always part of a longer candidate (at least 80 %
of its occurrences) is dropped as a fragment of it; candidates that begin or
end with a function word (的, 和, 在, …) or contain a number are never listed,
nor those that open with a manner adverb or a light verb of policy writing
(加快推进, 深入实施, 推动人工智能, 坚持四项基本原则) or close with a verb of progress or
report (全面推进, 数据显示, 规模超过): those are predicates.

Terms, not phrases. A term is a nominal unit (a name, a product, a compound);
frequent verb phrases and clauses are just as cohesive and varied in context,
so two more checks keep them out:

* the parts, as jieba's dictionary tags them: a verb with a resultative
  complement (收到货, 拿到手, 洗完头发, 吃完), a one-character verb with its
  object (喝蒙牛), or a count with its classifier (一句话, 半个小时, 两大瓶) is a
  phrase. A verb part alone decides nothing: 送货速度, 快递小哥, 聊天机器人
  are nouns, 支持国货 is not;
* the slots the candidate is used in (``noun_slots``, ``predicate_slots``, both
  reported). A noun slot follows 的, a classifier, a preposition, a
  demonstrative or a numeral word, or is a quotation (当当的送货速度,
  给快递小哥, 这款平板电脑, “算电协同”); a predicate slot follows an adverb,
  a negation or a modal verb, or precedes 了/着/过 (坚决抵制蒙牛, 刚收到货,
  不建议大家). A candidate seen in predicate slots at least twice and more
  often than in noun slots is a verb phrase. One seen at least 10 times that
  is a whole clause on its own at least a third of the time and in a noun slot
  less than once in 20 is a comment clause (包装完好, 做工精细, 价格实惠).
  A term turns up in a noun slot now and then (差评 11 %, 平板电脑 29 % of
  their occurrences); rare candidates are not judged by their slots.

Slots are read from the neighbours already collected for the entropies, so
they cost one dictionary lookup per distinct neighbour.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from .data import Unit
from .segment.spans import LATIN_NAME, is_word

log = logging.getLogger(__name__)

COLUMNS = ("term", "score", "freq", "signals", "example", "doc_freq", "cohesion", "left_entropy",
           "right_entropy", "quoted", "latin", "noun_slots", "predicate_slots")

# Function words that never start or end a term (a term "的大模型" has a dangling 的).
EDGE_WORDS = frozenset(
    "的 了 着 过 地 得 和 与 及 或 并 而 且 在 是 为 于 以 对 把 被 将 从 向 由 让 使 给 等 也 都 就 又 还 再 很 "
    "这 那 其 之 此 各 每 该 个 中 上 下 里 内 后 前 时 所 能 会 要 已 没 不 有 年 月 日 万 亿 达 "
    "我 你 他 她 它 们 您 啊 吧 呢 吗 哦 呀 嘛 啦 哈 么 说 到 去 来 一 "
    "关于 对于 由于 根据 随着 围绕 针对 按照 通过 以及 并且 但是 因为 所以 如果 虽然 而且 或者 "
    "一个 一些 一种 这个 那个 这些 那些 我们 他们 你们 什么 怎么 没有 可以 已经 正在 就是 还是 "
    "其中 之一 方面 相关 主要 目前 当前 同时 进行 非常 比较 真的 觉得 感觉 还有 而是 一直 有点 "
    "值得 应该 需要 必须 能够 可能 愿意 起来 下来 出来 上来 下去 进来 过来 回来 一下".split())
# Words that open a predicate and never a term: manner adverbs of policy writing (加快推进, 深入实施,
# 扎实推进, 显著增强) and light transitive verbs with their object (推动人工智能, 坚持四项基本原则,
# 帮助企业); and words that close one: verbs of progress and report (全面推进, 能力显著提升, 数据显示,
# 规模超过). A term may contain them inside (全面深化改革, 经济增长).
PREDICATE_OPENERS = frozenset(
    "加快 深入 统筹 大力 积极 扎实 着力 切实 不断 持续 坚决 稳步 认真 努力 进一步 显著 明显 大幅 逐步 充分 广泛 "
    "有效 全力 更好 推动 推进 加强 建立 确保 帮助 实现 坚持 保证 维护 取得 解决 改善 促进 贯彻 构建 决胜 带领 "
    "包括 属于 实施 提高 提升 增强 发挥 鼓励 引导 培育 完善 健全 落实 开展 打造 形成 有望 高度重视".split())
PREDICATE_CLOSERS = frozenset(
    "推进 实施 推动 加强 提升 增强 降低 提高 显示 表明 指出 超过 达到 成为 作为 带领 出发 形成 完成 取得".split())
# never inside a term either
INNER_WORDS = frozenset("的 了 着 地 得 吗 呢 吧 啊 哦 哟 呀 嘛 啦 不 没 很 太 挺 真 超 不要 不能 不会 不是 不用 不到 不了 没有".split())
# jieba dictionary tags that never occur in a term: adverbs, prepositions, conjunctions, particles,
# pronouns, modal and interjection words; and a term does not end in an adjective (大小合适, 速度很快)
FUNCTION_TAGS = frozenset("d df p c u uj ul uz uv ud ug y r e o".split())
PREDICATE_TAGS = frozenset("a ad".split())
VERB_TAGS = frozenset("v vg".split())
# resultative complements: a verb with one of them and what follows is a verb phrase (收到货, 洗完头发, 吃完)
COMPLEMENTS = frozenset("到 完 掉 好".split())
# The slots a candidate is seen in. A noun slot: after 的, a classifier, a preposition, a demonstrative or
# a numeral (当当的送货速度, 给快递小哥, 这款平板电脑), or in quotes. A predicate slot: after an adverb,
# a negation or a modal verb, or before an aspect particle (坚决抵制蒙牛, 刚收到货, 一直相信京东,
# 相信京东了). Focus adverbs ending in 是 (就是, 只是) also precede nouns and count as neither.
NOUN_SLOT_TAGS = frozenset("uj q p".split())
NOUN_SLOT_WORDS = frozenset("这 那 这个 那个 这款 那款 这种 那种 这些 那些 该 此 本 每 各 某".split())
PREDICATE_SLOT_TAGS = frozenset("d ad df dg".split())
PREDICATE_SLOT_WORDS = frozenset("很 较 想 会 应该 应当 愿意 不会 不想 不能 不可 继续".split())
ASPECT_WORDS = frozenset("了 着 过".split())
MIN_CLAUSE_EVIDENCE = 10
QUOTE_WEIGHT = 3.0
_NUMERAL_START = re.compile(r"^[一二两三四五六七八九十百千万几半第\d]")
_NUMERALS = re.compile(r"第?[一二两三四五六七八九十百千万亿零〇几半\d]+")
# classifiers (a closed class): a numeral with one of them is a count, not a term
CLASSIFIERS = frozenset(
    "个 只 件 条 张 本 瓶 盒 箱 袋 包 斤 颗 粒 次 天 句 位 台 部 款 份 双 套 支 把 块 片 杯 碗 种 样 家 间 "
    "层 号 元 毛 角 周 年 月 日 回 遍 趟 顿 步 声 口 页 章 集 期 批 堆 群 对 副 罐 桶 克 米 寸 点 "
    "小时 分钟 星期 礼拜 公斤 英寸".split())
SIZES = frozenset("大 小 整".split())

_HAS_DIGIT = re.compile(r"\d")
_HAS_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(LATIN_NAME)
_LATIN_TOKEN = re.compile(r"^[A-Za-z0-9]+(?:[-.+_][A-Za-z0-9]+)*$")
_QUOTED = re.compile(r"[“\"「『‘]([^“”\"「」『』‘’\s，。、；：！？,;:!?（）()《》]{2,10})[”\"」』’]")
_PLUS = "+"


@dataclass(frozen=True)
class Candidate:
    """One candidate term with every signal that went into its score."""

    term: str
    score: float
    freq: int
    doc_freq: int
    cohesion: float
    left_entropy: float
    right_entropy: float
    quoted: int
    latin: bool
    example: str
    noun_slots: int = 0
    predicate_slots: int = 0

    @property
    def signals(self) -> str:
        parts = [f"cohesion={self.cohesion:.2f}", f"left_entropy={self.left_entropy:.2f}",
                 f"right_entropy={self.right_entropy:.2f}"]
        if self.quoted:
            parts.append(f"quoted={self.quoted}")
        if self.latin:
            parts.append("latin")
        if self.noun_slots or self.predicate_slots:
            parts.append(f"noun_slots={self.noun_slots};predicate_slots={self.predicate_slots}")
        return ";".join(parts)


def _entropy(counter: Counter, boundaries: int) -> float:
    total = sum(counter.values()) + boundaries
    if total == 0:
        return 0.0
    h = -sum(c / total * math.log2(c / total) for c in counter.values())
    # every clause boundary is a context of its own
    if boundaries:
        h -= boundaries * (1 / total) * math.log2(1 / total)
    return h


def _clauses(tokens: Sequence[tuple[str, int]]) -> list[list[str]]:
    """Runs of word tokens between punctuation and white space ('+' stays, it can end a term: 人工智能+)."""
    runs: list[list[str]] = [[]]
    for token, _ in tokens:
        if token == _PLUS or is_word(token):
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


_UNIT = re.compile(r"^\d[\d.]*(?:[KMGTPEZ]?B|[KMGTPEZ]?FLOPS|TOPS|[kMG]?W|mAh|[kMG]?Hz|nm|mm|cm|km|kg|ml|g|L|x)$"
                   r"|^(?:\d{2,}|\d+\.\d+)[A-Za-z]+$|^\d+x\d+$")


def _mixed_name(term: str) -> bool:
    """A Latin name with digits or hyphens (GPT-4o, DeepSeek-R1, Qwen3, 5G, 3D), not a quantity with a unit
    (128GB, 50ZB, 1037.3EFLOPS, 1080p, 4x4)."""
    return _latin_like(term) and bool(re.search(r"\d|-", term)) and not _UNIT.match(term)


def _latin_like(term: str) -> bool:
    return bool(_LATIN_TOKEN.match(term)) and not term.isdigit() and bool(re.search(r"[A-Za-z]", term))


def _count(tokens: Sequence[str]) -> bool:
    """A count or an ordinal with its classifier: 一句话, 半个小时, 第二天早上, 一本好书, 两大瓶, 两小瓶
    (but 十五五, 千行百业, 二手车: no classifier)."""
    numeral = _NUMERALS.match(tokens[0])
    if not numeral:
        return False
    rest = tokens[0][numeral.end():]
    if not rest:  # the numeral is a word of its own: look at the next one, past a size (两/大/瓶)
        following = [t for t in tokens[1:] if t not in SIZES]
        rest = following[0] if following else ""
    if len(rest) > 1 and rest[0] in SIZES:
        rest = rest[1:]
    return rest[:1] in CLASSIFIERS or rest[:2] in CLASSIFIERS


def _allowed(tokens: Sequence[str], tags: dict[str, str], counts: Counter) -> bool:
    """A token n-gram that could be a term: no function word at an edge or inside, no number,
    no free-standing adjective at the end (大小合适, but 英伟达 whose 伟达 only occurs there), '+' only
    at the end; not a verb with its object or complement (喝蒙牛, 收到货) and not a count with its
    classifier (一句话)."""
    if any(tags.get(t) in FUNCTION_TAGS for t in tokens):
        return False
    if tags.get(tokens[-1]) in PREDICATE_TAGS and counts[tokens[-1:]] > 2 * counts[tuple(tokens)]:
        return False
    if len(tokens[0]) == 1 and tags.get(tokens[0]) in VERB_TAGS and len(tokens[1]) > 1:
        return False  # a one-character verb and its object: 看电影, 搞活动, 喝蒙牛
    for first, second in zip(tokens, tokens[1:]):
        if tags.get(first) in VERB_TAGS and (second in COMPLEMENTS or len(first) > 1 and first[-1] in COMPLEMENTS):
            return False  # a verb with a resultative complement: 收到货, 拿到手, 洗完头发, 吃完, 送到家
    if _count(tokens):
        return False
    if tokens[0] in EDGE_WORDS or tokens[-1] in EDGE_WORDS or tokens[0] == _PLUS:
        return False
    if tokens[0] in PREDICATE_OPENERS or tokens[-1] in PREDICATE_CLOSERS:
        return False  # a predicate: 加快推进, 推动人工智能, 数据显示
    if any(t == _PLUS or t in INNER_WORDS for t in tokens[:-1]):
        return False
    for token in tokens:
        if _HAS_DIGIT.search(token) and not _latin_like(token):
            return False
    return any(_HAS_HAN.search(t) for t in tokens) or tokens[-1] == _PLUS


def _score(freq: int, cohesion: float, left_entropy: float, right_entropy: float, quoted: int, *,
           single_latin: bool = False, mixed: bool = False, min_freq: int = 3) -> float:
    """The ranking score (see the module docstring)."""
    contexts = min(left_entropy, right_entropy, 4.0)
    if single_latin:  # a Latin name jieba does not know: frequency and contexts only
        # a name seen once may be anything (S1, M5, T6); the name bonus needs a second occurrence
        score = math.log2(1 + freq) * contexts / 2 + (3.0 if mixed and freq >= 2 else 0.0)
    else:
        score = math.log2(1 + freq) * min(max(cohesion, 0.0), 8.0) * contexts / 8
    # the quote counts in full once the string has the evidence every other candidate needs (min_freq)
    return score + QUOTE_WEIGHT * math.log2(1 + quoted) * min(1.0, freq / min_freq)


def _noun_slots(left: Counter, tags: dict[str, str]) -> int:
    """Occurrences after 的, a classifier, a preposition, a demonstrative or a numeral word (一款, 一次)."""
    return sum(c for word, c in left.items()
               if tags.get(word) in NOUN_SLOT_TAGS or word in NOUN_SLOT_WORDS
               or tags.get(word) == "m" and len(word) > 1 and _NUMERAL_START.match(word))


def _predicate_slots(left: Counter, right: Counter, tags: dict[str, str]) -> int:
    """Occurrences after an adverb, a negation or a modal verb, or before an aspect particle (了, 着, 过)."""
    before = sum(c for word, c in left.items()
                 if (tags.get(word) in PREDICATE_SLOT_TAGS and not word.endswith("是")) or word in PREDICATE_SLOT_WORDS)
    return before + sum(right.get(word, 0) for word in ASPECT_WORDS)


def _is_phrase(freq: int, noun: int, predicate: int, whole: int) -> bool:
    """A verb phrase or a clause rather than a term, judged by the slots it is used in: more often in a
    predicate slot than in a noun slot (支持国货, 抵制蒙牛, 建议大家, 相信京东); or, seen at least 10
    times, a whole clause on its own at least a third of the time and in a noun slot less than once in
    20 (包装完好, 做工精细, 价格实惠, 上午下单). A term is named in a noun slot now and then: 差评 in
    11 % of its occurrences, 平板电脑 in 29 %."""
    if predicate >= 2 and predicate > noun:
        return True
    return freq >= MIN_CLAUSE_EVIDENCE and 3 * whole >= freq and 20 * noun < freq


def discover_terms(units: Iterable[Unit], segmenter, *, known: Callable[[str], bool],
                   tags: dict[str, str] | None = None, top_n: int = 200, min_freq: int = 3, max_tokens: int = 5,
                   max_chars: int = 10, context_chars: int = 12) -> list[Candidate]:
    """Candidate new terms in ``units``, best first (see the module docstring for the score).

    ``segmenter`` is a :class:`~textmine.segment.JiebaSegmenter` (its protected terms stay whole and
    its dictionary decides what is already known); ``known(term)`` is True for terms that must not be
    listed (jieba's dictionary and the active lexicon); ``tags`` maps words to jieba's part-of-speech
    tags (see :func:`jieba_tags`).
    """
    units = list(units)
    tags = tags or {}
    clock = time.process_time()
    token_lists: list[list[str]] = []
    quoted: Counter = Counter()
    for unit in units:
        for found in _QUOTED.finditer(unit.norm):
            quoted[found.group(1)] += 1
        token_lists.extend(_clauses(segmenter.tokenize(unit.norm)))

    log.debug("discover: segmented %d units in %.1f s CPU", len(units), time.process_time() - clock)
    # pass 1: counts of every token n-gram (n = 1 … max_tokens), counted at C speed
    counts: Counter = Counter()
    total = 0
    for words in token_lists:
        total += len(words)
        for n in range(1, min(max_tokens, len(words)) + 1):
            counts.update(zip(*(words[k:] for k in range(n))))
    quoted_terms = {q for q in quoted if not known(q)}
    keep = set()
    for gram, c in counts.items():
        if len(gram) > 1 and (c >= min_freq or "".join(gram) in quoted_terms):
            term = "".join(gram)
            if len(term) <= max_chars and _allowed(gram, tags, counts) and not known(term):
                keep.add(gram)
        elif len(gram) == 1 and (c >= min(2, min_freq) or _mixed_name(gram[0])) and _latin_like(gram[0]) \
                and not known(gram[0]) \
                and not known(gram[0].lower()):
            keep.add(gram)

    log.debug("discover: %d n-grams counted, %d kept, %.1f s CPU", len(counts), len(keep), time.process_time() - clock)
    # pass 2: the neighbours of every kept n-gram
    left: dict[tuple, Counter] = defaultdict(Counter)
    right: dict[tuple, Counter] = defaultdict(Counter)
    left_edge: Counter = Counter()
    right_edge: Counter = Counter()
    whole: Counter = Counter()      # the n-gram is the whole clause
    for words in token_lists:
        length = len(words)
        for n in range(1, min(max_tokens, length) + 1):
            for i, gram in enumerate(zip(*(words[k:] for k in range(n)))):
                if gram not in keep:
                    continue
                if i > 0:
                    left[gram][words[i - 1]] += 1
                else:
                    left_edge[gram] += 1
                if i + n < length:
                    right[gram][words[i + n]] += 1
                else:
                    right_edge[gram] += 1
                    if i == 0:
                        whole[gram] += 1

    log.debug("discover: contexts collected, %.1f s CPU", time.process_time() - clock)

    def cohesion(gram: tuple) -> float:
        if len(gram) == 1:
            return 0.0
        c = counts[gram]
        return min(math.log2(c * total / (counts[gram[:k]] * counts[gram[k:]])) for k in range(1, len(gram)))

    scored: dict[str, Candidate] = {}
    for gram in keep:
        term = "".join(gram)
        c = counts[gram]
        coh = cohesion(gram)
        le = _entropy(left[gram], left_edge[gram])
        re_ = _entropy(right[gram], right_edge[gram])
        q = quoted.get(term, 0)
        noun, predicate = _noun_slots(left[gram], tags) + q, _predicate_slots(left[gram], right[gram], tags)
        if len(gram) > 1 and _is_phrase(c, noun, predicate, whole[gram]):
            continue
        is_latin = len(gram) == 1 or bool(_LATIN.search(term))
        score = _score(c, coh, le, re_, q, single_latin=len(gram) == 1, mixed=_mixed_name(term), min_freq=min_freq)
        candidate = Candidate(term, round(score, 4), c, 0, round(coh, 3), round(le, 3), round(re_, 3), q, is_latin,
                              "", noun, predicate)
        if term not in scored or scored[term].score < candidate.score:
            scored[term] = candidate

    # quoted coinages that the token n-grams did not reach (too many pieces)
    for term in quoted_terms - set(scored):
        if not _HAS_HAN.search(term) or _HAS_DIGIT.search(term) or term[0] in EDGE_WORDS or term[-1] in EDGE_WORDS \
                or any(w in term for w in INNER_WORDS):
            continue
        score = _score(quoted[term], 0.0, 0.0, 0.0, quoted[term], min_freq=min_freq)
        scored[term] = Candidate(term, round(score, 4), quoted[term], 0, float("nan"),
                                 float("nan"), float("nan"), quoted[term], False, "")

    ranked = sorted(scored.values(), key=lambda c: (-c.score, -c.freq, c.term))
    return [_locate(c, units, context_chars) for c in _drop_fragments(ranked, top_n)]


def _locate(candidate: Candidate, units: Sequence[Unit], context_chars: int) -> Candidate:
    """Raw occurrences in the cleaned text (scoring saw only token-aligned ones), documents, and an example."""
    offsets, position = [], 0
    for unit in units:
        offsets.append(position)
        position += len(unit.norm) + 1
    text = "\n".join(unit.norm for unit in units)
    term = candidate.term
    hits = [m.start() for m in re.finditer(re.escape(term), text)]
    if not hits:
        return candidate
    found = [bisect.bisect_right(offsets, hit) - 1 for hit in hits]
    index = found[0]
    start = hits[0] - offsets[index]
    display = units[index].text
    end = start + len(term)
    snippet = (display[max(0, start - context_chars):start] + "【" + display[start:end] + "】"
               + display[end:end + context_chars])
    return dataclasses.replace(candidate, freq=len(hits), doc_freq=len({units[i].doc_id for i in found}),
                               example=f"{units[index].doc_id}: {snippet}")


def _drop_fragments(ranked: list[Candidate], keep: int, share: float = 0.8) -> list[Candidate]:
    """The best ``keep`` candidates, without those whose occurrences are mostly inside one longer
    candidate (能体 inside 智能体)."""
    head = {c.term: c for c in ranked[:keep * 3]}
    fragments: set[str] = set()
    for longer in ranked:
        term = longer.term
        for i in range(len(term)):
            for j in range(i + 1, len(term) + 1):
                if j - i == len(term):
                    continue
                shorter = head.get(term[i:j])
                if shorter is not None and longer.freq >= share * shorter.freq and shorter.quoted <= longer.quoted:
                    fragments.add(shorter.term)
    return [c for c in ranked if c.term not in fragments][:keep]


def candidates_table(candidates: Sequence[Candidate]) -> pd.DataFrame:
    """``term,score,freq,signals,example`` (then the signals as numbers), best first."""
    rows = [(c.term, c.score, c.freq, c.signals, c.example, c.doc_freq, c.cohesion, c.left_entropy,
             c.right_entropy, c.quoted, int(c.latin), c.noun_slots, c.predicate_slots) for c in candidates]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def jieba_knows(segmenter) -> Callable[[str], bool]:
    """True for words in the segmenter's jieba dictionary (user-added lexicon words included)."""
    segmenter.initialize()
    freq = segmenter._tokenizer.FREQ
    return lambda term: bool(freq.get(term))


def jieba_tags(segmenter) -> dict[str, str]:
    """Part-of-speech tags of the words in jieba's dictionary (from its dict.txt)."""
    import jieba.posseg

    segmenter.initialize()
    return dict(jieba.posseg.POSTokenizer(segmenter._tokenizer).word_tag_tab)


def discover(config, *, corpus=None, lexicon: str = "default", top_n: int = 200) -> pd.DataFrame:
    """Read and clean the configured corpus, then rank new-term candidates (``candidates.csv``).

    ``lexicon``: ``"none"`` — only jieba's own dictionary counts as known; ``"default"`` — the lexicon a
    run segments with (:func:`textmine.lexicon.config_lexicon`: the bundled layers and the
    ``[segment] lexicons`` files); a file path — jieba's dictionary plus that lexicon file.
    """
    from .lexicon import Lexicon, build_lexicon, config_lexicon
    from .preparation import load_corpus
    from .segment.jieba_backend import JiebaSegmenter
    from .units import split_units

    corpus = corpus if corpus is not None else load_corpus(config)
    units = split_units(corpus, config.clean).units
    if lexicon == "none":
        active = Lexicon((), {})
    elif lexicon == "default":
        active = config_lexicon(config)
    else:
        active = build_lexicon(domain=False, files=[lexicon], fold_traditional=config.clean.fold_traditional)
    segmenter = JiebaSegmenter(active, hmm=False, protect_latin=config.segment.protect_latin).initialize()
    in_jieba = jieba_knows(segmenter)
    terms = set(active.terms)
    candidates = discover_terms(units, segmenter, known=lambda t: t in terms or in_jieba(t),
                                tags=jieba_tags(segmenter), top_n=top_n)
    return candidates_table(candidates)
