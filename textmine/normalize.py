"""Text normalisation that never loses track of where a character came from.

:class:`MappedText` pairs a string with the original offset of each of its
characters; every edit returns a new one. The folding functions (width,
○ as a numeral zero, Traditional→Simplified) keep the length, so a match in the folded text is a
match at the same positions in the displayed text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_SPACE_CHARS = r"\s\u3000\u00a0\u200b\ufeff"
# Runs that change when collapsed to one space: a single ASCII space is left alone (same text, same offsets).
_SPACE = re.compile(rf"[{_SPACE_CHARS}]{{2,}}|[^\S ]|[\u200b\ufeff]")
_ANY_SPACE = re.compile(rf"[{_SPACE_CHARS}]")
# Characters next to which a space is an artefact of PDF extraction, not a word break.
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’《》【】（）：；，。！？、…—·"


@dataclass(frozen=True)
class MappedText:
    """A string plus, for each character, its offset in the original text (a ``range`` while the characters
    are still contiguous in the original, as most stay). The offsets strictly increase: every edit keeps the
    characters in their order and puts at most one character in the place of what it removes."""

    text: str
    offsets: Sequence[int]

    @classmethod
    def of(cls, text: str, start: int = 0) -> MappedText:
        return cls(text, range(start, start + len(text)))

    def __len__(self) -> int:
        return len(self.text)

    def __add__(self, other: MappedText) -> MappedText:
        return MappedText(self.text + other.text, tuple(self.offsets) + tuple(other.offsets))

    def sub(self, pattern: re.Pattern[str], repl: str = "") -> MappedText:
        """Replace every match of ``pattern`` by the literal ``repl``.

        ``repl`` is at most one character (so the offsets still increase); it maps to the offset of the first
        matched character.
        """
        if len(repl) > 1:
            raise ValueError("a replacement of more than one character would repeat an offset")
        if pattern.search(self.text) is None:  # most calls: nothing to replace
            return self
        pieces: list[str] = []
        offsets: list[int] = []
        last = 0
        for match in pattern.finditer(self.text):
            start, end = match.span()
            if start == end:
                continue
            pieces.append(self.text[last:start])
            offsets.extend(self.offsets[last:start])
            pieces.append(repl)
            offsets.extend([self.offsets[start]] * len(repl))
            last = end
        if last == 0 and not pieces:
            return self
        pieces.append(self.text[last:])
        offsets.extend(self.offsets[last:])
        return MappedText("".join(pieces), tuple(offsets))

    def strip(self) -> MappedText:
        text = self.text
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        if start == 0 and end == len(text):
            return self
        return MappedText(text[start:end], self.offsets[start:end])

    def runs(self) -> tuple[tuple[int, int], ...]:
        """Compress the offsets into ``(text_pos, original_pos)`` starts of contiguous runs."""
        if not self.offsets:
            return ()
        first = self.offsets[0]
        # increasing offsets are one run exactly when the last is as far from the first as the text is long
        if isinstance(self.offsets, range) or self.offsets[-1] - first == len(self.offsets) - 1:
            return ((0, first),)  # most units: one run
        runs: list[tuple[int, int]] = []
        previous = None
        for pos, offset in enumerate(self.offsets):
            if previous is None or offset != previous + 1:
                runs.append((pos, offset))
            previous = offset
        return tuple(runs)


_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")


def normalize_whitespace(text: MappedText) -> MappedText:
    """Drop spaces next to Chinese characters; collapse other runs of white space to one space."""
    if _ANY_SPACE.search(text.text) is None:
        return text
    text = text.sub(_SPACE, " ")
    return text.sub(_SPACE_BETWEEN_CJK, "").strip()


class _WidthFolds(dict):
    """``str.translate`` table: each code point to its NFKC form when that is one character, computed on
    first sight (a text is folded in C, one lookup a character; forgotten past 65,536 code points)."""

    def __missing__(self, code: int) -> str:
        if len(self) >= 65536:
            self.clear()
        value = self[code] = _width_fold(code)
        return value


def _width_fold(code: int) -> str:
    """The character ``chr(code)`` is folded to: its NFKC form when that is one character, else itself."""
    char = chr(code)
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


_WIDTH_FOLDS = _WidthFolds()
#: Texts from this many characters are folded through a table of the Basic Multilingual Plane in numpy (a lookup
#: per character in C, 5x faster than ``str.translate``, which looks up a dict per character).
_TABLE_MIN_CHARS = 10_000
_BMP = 0x10000


@lru_cache(maxsize=1)
def _bmp_width_table():
    """``table[code]``: the code point :func:`_width_fold` folds ``code`` to, for every code point of the BMP."""
    import numpy as np

    table = np.arange(_BMP, dtype=np.uint32)
    for code in range(0x80, _BMP):
        if not 0xD800 <= code < 0xE000:   # surrogates are not characters
            table[code] = ord(_width_fold(code))
    return table


def fold_width(text: str) -> str:
    """Full-width letters, digits and punctuation to their ordinary forms (NFKC, one char for one)."""
    if text.isascii():
        return text
    if len(text) < _TABLE_MIN_CHARS:
        return text.translate(_WIDTH_FOLDS)
    import numpy as np

    try:
        codes = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    except UnicodeEncodeError:   # a lone surrogate
        return text.translate(_WIDTH_FOLDS)
    folded = _bmp_width_table()[np.minimum(codes, _BMP - 1)]
    beyond = np.flatnonzero(codes >= _BMP)   # emoji, rare ideographs: folded one by one
    if len(beyond):
        folded[beyond] = [ord(_WIDTH_FOLDS[int(code)]) for code in codes[beyond]]
    return folded.tobytes().decode("utf-32-le")


class SimplifiedFolder:
    """Traditional → Simplified Chinese with OpenCC (t2s), keeping the length of the text.

    OpenCC converts phrase by phrase; in the rare case a phrase changes length,
    the text is converted character by character instead so offsets stay valid.
    """

    def __init__(self) -> None:
        self._converter = None

    def _convert(self, text: str) -> str:
        if self._converter is None:
            import opencc

            self._converter = opencc.OpenCC("t2s")
        return self._converter.convert(text)

    def __call__(self, text: str) -> str:
        converted = self._convert(text)
        if len(converted) == len(text):
            return converted
        chars = [self._convert(c) for c in text]
        return "".join(c if len(c) == 1 else o for c, o in zip(chars, text))

    def many(self, texts: Sequence[str]) -> list[str]:
        """``[self(text) for text in texts]`` in one conversion: the texts, which hold no line break, are
        converted joined by line breaks (no phrase spans one), and a text whose length changed is redone alone."""
        converted = self._convert("\n".join(texts)).split("\n")
        if len(converted) != len(texts):
            return [self(text) for text in texts]
        return [c if len(c) == len(t) else self(t) for c, t in zip(converted, texts)]


# ○ (a white circle, a symbol) written for the zero 〇 of a Chinese numeral: it follows a numeral digit (一九八○年,
# 二○○○年); a bullet ○ never does. A symbol token is not a word, so unfolded, 二○○一年 would count as 二 / 一年.
_CIRCLE_ZERO = re.compile(r"(?<=[〇零一二三四五六七八九])[○◯]+")


def fold_numeral_zero(text: str) -> str:
    """``○`` and ``◯`` used as the zero of a Chinese numeral to ``〇`` (same length); other circles stay."""
    if "○" not in text and "◯" not in text:
        return text
    return _CIRCLE_ZERO.sub(lambda m: "〇" * len(m.group()), text)


def fold_for_counting(text: str, folder: SimplifiedFolder | None) -> str:
    """The counting form of a display text: width-folded, ○ as a numeral zero to 〇, and Simplified if a
    folder is given."""
    text = fold_numeral_zero(fold_width(text))
    return folder(text) if folder is not None else text


def fold_many_for_counting(texts: Sequence[str], folder: SimplifiedFolder | None) -> list[str]:
    """``[fold_for_counting(text, folder) for text in texts]``, folded in one pass over them all (most units
    are short, and a call per unit costs more than its folding)."""
    if any("\n" in text for text in texts):
        return [fold_for_counting(text, folder) for text in texts]
    # both folds keep the length and treat a line break as a boundary, so the pieces are the texts folded
    pieces = fold_numeral_zero(fold_width("\n".join(texts))).split("\n")
    if len(pieces) != len(texts):
        return [fold_for_counting(text, folder) for text in texts]
    return folder.many(pieces) if folder is not None else pieces
