"""Chinese segmentation with a layered lexicon and protected spans.

A :class:`Segmenter` owns its own jieba ``Tokenizer`` (never jieba's global
default), loaded lazily on first use. Before jieba sees the text, protected
spans are found — URLs and e-mail addresses, lexicon and theme terms
(leftmost, longest first), runs of English words (Grand View Research) and
Latin-script names that hold a letter, with digits and hyphens (GPT-4o,
DeepSeek-R1, 5G; not bare numbers) — and emitted as single tokens; jieba segments the
text between them. URLs and e-mail addresses are then dropped: they are never
word tokens, so no stage counts them.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Protocol

from .data import TokenizedUnit, Unit
from .lexicon import Lexicon

#: Raised whenever a change to this module or the fast backend changes tokens (part of the segmentation cache key).
SEGMENTATION_REVISION = 2

# A Latin or mixed name holds a letter (GPT-4o, DeepSeek-R1, 5G, 3D, Qwen3). Bare numbers (90, 2005-2008, 3.5) are
# not protected: cutting the text around them would change their neighbours (高达90% gave 高 / 达 / 90), and jieba
# keeps a number (and its %) whole by itself.
LATIN_NAME = (r"(?<![A-Za-z0-9])(?=(?:[0-9]|[-.+_](?=[A-Za-z0-9]))*[A-Za-z])"
              r"[A-Za-z0-9]+(?:[-.+_][A-Za-z0-9]+)*(?![A-Za-z0-9])")
# A run of English words (letters only, lower case or capitalised) separated by single spaces is one token: a
# multi-word name (Grand View Research, Google Gemini) or a piece of English text, never the fragments
# Grand / View / Research. Acronyms and names with digits or inner capitals (AI, GPT-4o, DeepSeek) end a run.
LATIN_PHRASE = (r"(?<![A-Za-z0-9])(?<![A-Za-z0-9][-.+_])[A-Z]?[a-z]+(?: [A-Z]?[a-z]+)+"
                r"(?![A-Za-z0-9])(?![-.+_][A-Za-z0-9])")
_NOT_WORD = re.compile(r"^[\W_]+$")
# URLs and e-mail addresses: protected (never cut into pieces) and then dropped from counting
URL = (r"(?:https?://|ftp://|www\.)[^\s<>\"'，。；、！？（）()【】《》\u4e00-\u9fff]+"
       r"|(?<![A-Za-z0-9.@-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|gov|edu|io|ai)(?:\.cn)?"
       r"(?:/[^\s<>\"'，。；、！？（）()【】《》\u4e00-\u9fff]*)?(?![A-Za-z0-9-])")
EMAIL = r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_DROPPED = re.compile(f"(?:{EMAIL}|{URL})")


class Segmenter(Protocol):
    """Anything that turns a (folded) text into ``(token, start)`` pairs."""

    name: str

    def tokenize(self, text: str) -> list[tuple[str, int]]: ...


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, preferring the longest at each position.

    A trie-shaped pattern keeps matching fast for thousands of terms.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        ends_here = "" in node
        branches = [re.escape(c) + render(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return render(trie)


_LATIN_BEFORE = r"(?<![A-Za-z0-9])(?<![A-Za-z0-9][-.+_])"
_LATIN_AFTER = r"(?![A-Za-z0-9])(?![-.+_][A-Za-z0-9])"


def _latin_edged(term: str) -> bool:
    return term[0].isascii() and term[0].isalnum() or term[-1].isascii() and term[-1].isalnum()


def _term_pattern(terms: Iterable[str]) -> str:
    """Lexicon terms, longest first; a Latin edge of a term must not continue a Latin name.

    (DeepSeek in the lexicon must not cut DeepSeek-R1 apart.)
    """
    plain, latin_edged = [], []
    for term in terms:
        (latin_edged if _latin_edged(term) else plain).append(term)
    parts = []
    for term in sorted(latin_edged, key=lambda t: (-len(t), t)):
        before = _LATIN_BEFORE if term[0].isascii() and term[0].isalnum() else ""
        after = _LATIN_AFTER if term[-1].isascii() and term[-1].isalnum() else ""
        parts.append(before + re.escape(term) + after)
    if plain:
        parts.append(_trie_pattern(plain))
    return "|".join(parts)


class JiebaSegmenter:
    """jieba with the layered lexicon and protected spans.

    Parameters mirror ``[segment]`` in the config; ``lexicon`` holds the
    protected terms (domain, user files, themes).
    """

    name = "jieba"

    def __init__(self, lexicon: Lexicon | None = None, *, hmm: bool = True, protect_latin: bool = True) -> None:
        self.lexicon = lexicon or Lexicon((), {})
        self.hmm = hmm
        self.protect_latin = protect_latin
        self._tokenizer = None
        self._protected: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def initialize(self) -> JiebaSegmenter:
        """Load jieba's dictionary and the lexicon (done on first use; call it to pay the cost up front)."""
        with self._lock:
            if self._tokenizer is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for entry in self.lexicon.entries:
                    tokenizer.add_word(entry.term, entry.freq)
                latin = (LATIN_PHRASE, LATIN_NAME) if self.protect_latin else ()
                parts = [p for p in (EMAIL, URL, _term_pattern(self.lexicon.terms), *latin) if p]
                self._protected = re.compile("|".join(parts)) if parts else None
                self._tokenizer = tokenizer
        return self

    def __getstate__(self) -> dict:
        # Loaded engines and the lock are not sent to other processes (Dask workers); a copy reloads them.
        state = dict(self.__dict__)
        state.update(_tokenizer=None, _protected=None, _lock=None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def protected_spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Spans that are emitted whole, never cut."""
        self.initialize()
        if self._protected is not None:
            for match in self._protected.finditer(text):
                if match.end() > match.start():
                    yield match.span()

    def _cut(self, text: str, offset: int, out: list[tuple[str, int]]) -> None:
        pos = offset
        for token in self._tokenizer.cut(text, HMM=self.hmm):
            out.append((token, pos))
            pos += len(token)

    def tokenize(self, text: str) -> list[tuple[str, int]]:
        """All tokens of ``text`` with their start offsets, white space and punctuation included."""
        self.initialize()
        tokens: list[tuple[str, int]] = []
        last = 0
        for start, end in self.protected_spans(text):
            if start > last:
                self._cut(text[last:start], last, tokens)
            tokens.append((text[start:end], start))
            last = end
        if last < len(text):
            self._cut(text[last:], last, tokens)
        return tokens

    def lcut(self, text: str) -> list[str]:
        """Word tokens only (no white space or punctuation), like ``jieba.lcut`` without the noise."""
        return [t for t, _ in self.tokenize(text) if is_word(t)]


def is_word(token: str) -> bool:
    """False for white space, pure punctuation, and URLs and e-mail addresses (kept whole, never counted)."""
    return not token.isspace() and not _NOT_WORD.match(token) and not _DROPPED.fullmatch(token)


def segment_unit(unit: Unit, segmenter: Segmenter) -> TokenizedUnit:
    """Word tokens of one unit, taken from its folded text, with offsets into ``unit.text``."""
    pairs = [(t, s) for t, s in segmenter.tokenize(unit.norm) if is_word(t)]
    return TokenizedUnit(unit.id, unit.doc_id, tuple(t for t, _ in pairs), tuple(s for _, s in pairs))


def segment_units(units: Iterable[Unit], segmenter: Segmenter) -> Iterator[TokenizedUnit]:
    """Segment units one at a time (a generator, so memory stays flat)."""
    for unit in units:
        yield segment_unit(unit, segmenter)
