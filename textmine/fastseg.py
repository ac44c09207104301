"""A fast segmentation backend with jieba's semantics, and the choice between backends.

:class:`RjiebaSegmenter` runs jieba-rs (through the ``rjieba`` binding: the same
dictionary and algorithm as jieba, in Rust) behind the interface of
:class:`~textmine.segment.JiebaSegmenter`: the same layered lexicon, the same
protected spans (lexicon and theme terms, Latin names), the same
``tokenize``/``lcut``. Only the text *between* protected spans goes to the
engine, so every lexicon term is one token with either backend.

``backend = "auto"`` (the default) picks rjieba when it is installed; its
agreement with the jieba reference is tested on the bundled corpus and the
shopping reviews (``tests/test_fast_segment.py``). ``backend = "jieba"`` keeps
the pure-Python reference.
"""

from __future__ import annotations

import logging
import re
from itertools import accumulate, compress

from .errors import ConfigError
from .lexicon import Lexicon
from .segment import EMAIL, LATIN_NAME, URL, JiebaSegmenter, _term_pattern, is_word

log = logging.getLogger(__name__)

BACKENDS = ("auto", "jieba", "rjieba")


class RjiebaSegmenter(JiebaSegmenter):
    """jieba-rs with the layered lexicon and protected spans; tokens as :class:`JiebaSegmenter` gives them."""

    name = "rjieba"

    def initialize(self) -> RjiebaSegmenter:
        with self._lock:
            if self._tokenizer is None:
                import rjieba

                tokenizer = rjieba.Jieba()
                for entry in self.lexicon.entries:
                    tokenizer.add_word(entry.term, entry.freq, None)
                self._protected = guarded_pattern(self.lexicon.terms, self.protect_latin)
                self._tokenizer = tokenizer
        return self

    def _all_tokens(self, text: str) -> tuple[list[str], list[int]]:
        """Every token of ``text`` (white space and punctuation included) and its start, in one pass."""
        if self._tokenizer is None:
            self.initialize()
        cut, hmm = self._tokenizer.cut, self.hmm
        words: list[str] = []
        starts: list[int] = []
        last = 0
        if self._protected is not None:
            for match in self._protected.finditer(text):
                start, end = match.span()
                if end == start:
                    continue
                if start > last:
                    piece = cut(text[last:start], hmm)
                    words += piece
                    starts += accumulate(map(len, piece[:-1]), initial=last)
                words.append(match.group())
                starts.append(start)
                last = end
        if last < len(text):
            piece = cut(text[last:] if last else text, hmm)
            words += piece
            starts += accumulate(map(len, piece[:-1]), initial=last)
        return words, starts

    def tokenize(self, text: str) -> list[tuple[str, int]]:
        """All tokens of ``text`` with their start offsets, white space and punctuation included."""
        return list(zip(*self._all_tokens(text)))

    def words(self, text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Word tokens of ``text`` and their starts: what :func:`~textmine.segment.segment_unit` keeps from
        :meth:`tokenize`, in one pass with C-level iteration (the hot loop of a large corpus)."""
        words, starts = self._all_tokens(text)
        flags = self._word_flags
        keep = list(map(flags.__getitem__, words))
        if len(flags) > 1_000_000:
            flags.clear()
        return tuple(compress(words, keep)), tuple(compress(starts, keep))

    @property
    def _word_flags(self) -> _WordFlags:
        flags = self.__dict__.get("_word_flags_cache")
        if flags is None:
            flags = self.__dict__["_word_flags_cache"] = _WordFlags()
        return flags


class _WordFlags(dict):
    """``is_word`` per distinct token, computed on first sight."""

    def __missing__(self, token: str) -> bool:
        value = self[token] = is_word(token)
        return value


def guarded_pattern(terms: tuple[str, ...], protect_latin: bool) -> re.Pattern[str] | None:
    """The protected-span pattern of :class:`JiebaSegmenter`, matching the same spans, faster.

    Each alternative is preceded by a look-ahead for the characters it can start
    with, so most positions are rejected at once instead of trying every
    alternative (this is a necessary condition, so the matches do not change).
    """
    parts = [f"(?=[A-Za-z0-9._%+-])(?:{EMAIL})", f"(?=[A-Za-z0-9])(?:{URL})"]
    if terms:
        first = "".join(sorted({t[0] for t in terms}))
        parts.append(f"(?=[{re.escape(first)}])(?:{_term_pattern(terms)})")
    if protect_latin:
        parts.append(f"(?=[A-Za-z0-9])(?:{LATIN_NAME})")
    return re.compile("|".join(parts)) if parts else None


def rjieba_available() -> bool:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_backend(name: str) -> str:
    """The backend ``name`` stands for: ``auto`` is rjieba when installed, else jieba."""
    if name not in BACKENDS:
        raise ConfigError(f"[segment] backend = {name!r} is not allowed; expected one of "
                          + ", ".join(repr(b) for b in BACKENDS))
    if name == "auto":
        if rjieba_available():
            return "rjieba"
        log.info("rjieba is not installed; segmenting with the jieba reference backend")
        return "jieba"
    if name == "rjieba" and not rjieba_available():
        raise ConfigError("[segment] backend = 'rjieba' needs the rjieba package (pip install rjieba), "
                          "or use backend = 'jieba'")
    return name


def make_backend(name: str, lexicon: Lexicon, *, hmm: bool = True, protect_latin: bool = True) -> JiebaSegmenter:
    """A segmenter of backend ``name`` (``auto``, ``jieba`` or ``rjieba``) over ``lexicon``."""
    cls = RjiebaSegmenter if resolve_backend(name) == "rjieba" else JiebaSegmenter
    return cls(lexicon, hmm=hmm, protect_latin=protect_latin)


def backend_versions(segmenter: JiebaSegmenter) -> dict[str, str]:
    """Package versions that decide what ``segmenter`` produces (its engine and jieba's dictionary)."""
    from .io.write import package_versions

    names = ["jieba"] + (["rjieba"] if segmenter.name == "rjieba" else [])
    versions = package_versions(names)
    del versions["python"]
    return versions
