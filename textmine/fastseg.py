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
from collections.abc import Iterator
from itertools import accumulate, compress

from .errors import ConfigError
from .lexicon import Lexicon
from .segment import EMAIL, LATIN_NAME, URL, JiebaSegmenter, _latin_edged, _term_pattern, _trie_pattern, is_word

log = logging.getLogger(__name__)

BACKENDS = ("auto", "jieba", "rjieba")

_NEEDS_FULL_PATTERN = re.compile("[A-Za-z0-9@]").search
_MASK = "\x00"


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
                plain = [t for t in self.lexicon.terms if not _latin_edged(t)]
                self._plain_terms = re.compile(_trie_pattern(plain)) if plain else None
                self._tokenizer = tokenizer
        return self

    def _pattern_for(self, text: str) -> re.Pattern[str] | None:
        """The protected-span pattern, or the lexicon-term part alone when ``text`` has nothing else to protect.

        Every other protected span (Latin names, URLs, e-mail addresses, terms with a Latin edge) needs an
        ASCII letter, digit or ``@``; without one, only the terms can match, and ``re`` scans a pattern of
        plain terms several times faster (it skips ahead to their first characters).
        """
        return self._protected if _NEEDS_FULL_PATTERN(text) else self._plain_terms

    def _all_tokens(self, text: str) -> tuple[list[str], Iterator[int]]:
        """Every token of ``text`` (white space and punctuation included) and the starts of the tokens.

        The engine sees the text once, with each protected span replaced by one ``_MASK`` character.
        The mask is neither a Han character nor white space, so the engine emits it as a token of its
        own and ends the run of text before it there: the tokens around it are those of cutting each
        stretch between spans on its own (tested against that on the corpus and the reviews).
        """
        if self._tokenizer is None:
            self.initialize()
        pattern = self._pattern_for(text)
        spans = pattern.findall(text) if pattern is not None else ()
        if not spans:  # most units: nothing to protect
            words = self._tokenizer.cut(text, self.hmm)
        elif _MASK in text:
            words = self._cut_between(text, pattern)
        else:
            masked = self._tokenizer.cut(pattern.sub(_MASK, text), self.hmm)
            restore = iter(spans).__next__
            words = [restore() if word == _MASK else word for word in masked]
        return words, accumulate(map(len, words), initial=0)

    def _cut_between(self, text: str, pattern: re.Pattern[str]) -> list[str]:
        """The engine's tokens of each stretch between protected spans, and the spans whole."""
        cut, hmm = self._tokenizer.cut, self.hmm
        words: list[str] = []
        last = 0
        for match in pattern.finditer(text):
            if match.start() > last:
                words += cut(text[last:match.start()], hmm)
            words.append(match.group())
            last = match.end()
        if last < len(text):
            words += cut(text[last:], hmm)
        return words

    def tokenize(self, text: str) -> list[tuple[str, int]]:
        """All tokens of ``text`` with their start offsets, white space and punctuation included."""
        return list(zip(*self._all_tokens(text)))

    def words(self, text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Word tokens of ``text`` and their starts: what :func:`~textmine.segment.segment_unit` keeps from
        :meth:`tokenize`, with C-level iteration only (the hot loop of a large corpus)."""
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
