"""The jieba reference backend: jieba's own ``Tokenizer`` with the layered lexicon and protected spans.

A :class:`JiebaSegmenter` owns its own jieba ``Tokenizer`` (never jieba's global default),
loaded lazily under a lock on first use (:meth:`~JiebaSegmenter.initialize` pays the cost up
front). Protected spans (:mod:`.spans`) are emitted whole; jieba cuts the text between them.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator

from ..lexicon import Lexicon
from .spans import EMAIL, LATIN_NAME, LATIN_PHRASE, URL, is_word, term_pattern


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
                parts = [p for p in (EMAIL, URL, term_pattern(self.lexicon.terms), *latin) if p]
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
