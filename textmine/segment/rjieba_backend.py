"""The fast backend: jieba's semantics in Rust.

:class:`RjiebaSegmenter` runs jieba-rs (through the ``rjieba`` binding: the same dictionary and
algorithm as jieba, in Rust) behind the interface of
:class:`~textmine.segment.jieba_backend.JiebaSegmenter`: the same layered lexicon, the same
protected spans (lexicon terms, Latin names), the same ``tokenize``/``lcut``. Only the text
*between* protected spans goes to the engine, so every lexicon term is one token with either
backend. Its agreement with the jieba reference is tested on the bundled corpus and the shopping
reviews (``tests/test_segment_rjieba.py``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import reduce
from itertools import accumulate, compress
from operator import or_

import numpy as np

from ..parallel import cyclic_gc_paused
from .jieba_backend import JiebaSegmenter
from . import share_terms
from .spans import guarded_pattern, is_word, latin_edged, trie_pattern

_NEEDS_FULL_PATTERN = re.compile("[A-Za-z0-9@]").search
_MASK = "\x00"
_SEPARATOR = "\n"
_MASK_CODE = ord(_MASK)
_TOKEN_SEPARATOR = "\x01"
_TOKEN_SEPARATOR_CODE = ord(_TOKEN_SEPARATOR)
#: Bits of the per-code-point table the block path reads tokens through: a letter or digit
#: (``str.isalnum``); ``.``, ``@`` or ``:``, one of which every URL or e-mail address holds; ``-``, ``.`` or
#: ``_``, which jieba-rs keeps inside a run of letters and digits and jieba does not (see :func:`jieba_pieces`).
_ALNUM, _URL_MARK, _JOINER = 1, 2, 4
#: jieba's HMM path cuts a run of letters, digits and ``.-_%`` with this pattern (jieba's ``finalseg.re_skip``):
#: ``2005-2008`` becomes ``2005 / - / 2008``, ``1.2.3`` becomes ``1.2 / . / 3``. jieba-rs keeps such runs whole.
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_LATIN_RUN = re.compile(r"[A-Za-z0-9._%-]+")
_MAY_JOIN = re.compile(r"[A-Za-z0-9][-._][A-Za-z0-9]").search
#: Units joined into one engine call by :meth:`RjiebaSegmenter.segment_many`, and at most this many
#: characters (a block's working arrays take a few bytes per character).
BLOCK_UNITS = 500
BLOCK_CHARS = 200_000


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
                # Both patterns are one capturing group, so split() gives text and spans in one scan.
                self._protected = guarded_pattern(self.lexicon.terms, self.protect_latin)
                plain = [t for t in self.lexicon.terms if not latin_edged(t)]
                self._plain_terms = re.compile(f"({trie_pattern(plain)})") if plain else None
                self._char_classes = _char_class_table(BMP_END)
                self._tokenizer = tokenizer
        return self

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        for derived in ("_plain_terms", "_char_classes", "_word_flags_cache", "_joined_terms_cache"):
            state.pop(derived, None)  # rebuilt by initialize() in the receiving process
        return state

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
        if _MASK in text:
            words = self._cut_between(text, self._pattern_for(text))
        else:
            masked, spans = self._masked(text)
            words = self._tokenizer.cut(masked, self.hmm)
            if self.hmm and _MAY_JOIN(masked):
                words = self._as_jieba(words)
            if spans:
                restore = iter(spans).__next__
                words = [restore() if word == _MASK else word for word in words]
        return words, accumulate(map(len, words), initial=0)

    def _as_jieba(self, words: list[str]) -> list[str]:
        """The engine's tokens with each run that jieba's HMM path cuts apart (``2005-2008``) cut as jieba does.

        Only runs of ASCII letters, digits and ``.-_%`` change, never a lexicon term (jieba's own dictionary
        has no word with ``.``, ``-`` or ``_``); the Han words around them are the same in both engines.
        """
        out: list[str] = []
        for word in words:
            pieces = jieba_pieces(word)
            if len(pieces) > 1 and word not in self._joined_terms:
                out += pieces
            else:
                out.append(word)
        return out

    @property
    def _joined_terms(self) -> frozenset[str]:
        terms = self.__dict__.get("_joined_terms_cache")
        if terms is None:
            terms = self.__dict__["_joined_terms_cache"] = frozenset(
                t for t in self.lexicon.terms if _LATIN_RUN.fullmatch(t))
        return terms

    def _masked(self, text: str) -> tuple[str, list[str]]:
        """``text`` with each protected span replaced by ``_MASK``, and the spans in order."""
        pattern = self._pattern_for(text)
        parts = pattern.split(text) if pattern is not None else [text]
        if len(parts) == 1:  # most units: nothing to protect
            return text, []
        return _MASK.join(parts[0::2]), parts[1::2]

    def _cut_between(self, text: str, pattern: re.Pattern[str] | None) -> list[str]:
        """The engine's tokens of each stretch between protected spans, and the spans whole."""
        cut, hmm = self._tokenizer.cut, self.hmm
        if hmm:
            cut = lambda stretch, hmm: self._as_jieba(self._tokenizer.cut(stretch, hmm))  # noqa: E731
        words: list[str] = []
        last = 0
        for match in pattern.finditer(text) if pattern is not None else ():
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
        :meth:`tokenize`, one text at a time (:meth:`segment_many` is the fast path for many)."""
        words, starts = self._all_tokens(text)
        keep = list(map(self._word_flags.__getitem__, words))
        return tuple(compress(words, keep)), tuple(compress(starts, keep))

    def segment_many(self, texts: Sequence[str], shared: dict[str, str] | None = None
                     ) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
        """:meth:`words` of each text, the same tokens and starts, with one engine call per block of texts.

        The texts of a block are joined by a line break, with their protected spans masked. A line break
        ends every run of text the engine cuts, so each text's tokens are those of cutting it alone
        (tested on the corpus and the reviews). Sorting the tokens back into texts is done over the whole
        block at once. The engine releases the GIL while it cuts, so the next block is cut in a second
        thread while this one is sorted out. With ``shared`` (see :func:`~textmine.segment.segment_texts`), each
        term is the string object ``shared`` holds for it.
        """
        self.initialize()
        out: list[tuple[tuple[str, ...], tuple[int, ...]]] = []
        with ThreadPoolExecutor(1, thread_name_prefix="textmine-cut") as pool, cyclic_gc_paused():
            pending = None
            for block in _blocks(texts):
                masked = self._mask_block(block)
                submitted = None
                if masked is not None:
                    joined, spans = masked
                    submitted = (block, pool.submit(self._tokenizer.cut, joined, self.hmm), spans)
                if pending is not None:
                    out += self._unjoin(*pending, shared)
                if masked is None:  # a text holds the mask character itself: one text at a time
                    out += share_terms(map(self.words, block), shared)
                pending = submitted
            if pending is not None:
                out += self._unjoin(*pending, shared)
        return out

    def _mask_block(self, texts: Sequence[str]) -> tuple[str, list[str]] | None:
        """The texts joined by line breaks, each protected span replaced by ``_MASK``, and the spans in order."""
        masked: list[str] = []
        spans: list[str] = []
        for text in texts:
            if _MASK in text:
                return None
            text, found = self._masked(text)
            masked.append(text)
            spans += found
        return _SEPARATOR.join(masked), spans

    def _unjoin(self, texts: Sequence[str], cut: Future, spans: list[str], shared: dict[str, str] | None = None
                ) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
        """Word tokens and starts of each text, from the engine's tokens of the joined block.

        Token lengths and which tokens are words are read from the code points of the tokens joined by
        ``_TOKEN_SEPARATOR``, in numpy, instead of token by token: a token is a word when it holds a letter
        or digit (what :func:`~textmine.segment.is_word` tests), unless it is a URL or e-mail address,
        which only tokens holding ``.``, ``@`` or ``:`` can be; those, and the protected spans, are
        checked with :func:`is_word` itself.
        """
        return self._unjoin_tokens(texts, cut.result(), spans, shared)

    def _unjoin_tokens(self, texts: Sequence[str], tokens: list[str], spans: list[str],
                       shared: dict[str, str] | None = None) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
        """:meth:`_unjoin` of the engine's tokens, with runs like ``2005-2008`` cut as jieba cuts them (tokens holding
        a letter or digit and ``-``, ``.`` or ``_`` are the only ones that can change)."""
        if not tokens:
            return [((), ())] * len(texts)
        codes = np.frombuffer(_TOKEN_SEPARATOR.join(tokens).encode("utf-32-le"), np.uint32)
        ends = np.flatnonzero(codes == _TOKEN_SEPARATOR_CODE)
        if len(ends) != len(tokens) - 1:  # a token holds the separator itself
            return self._unjoin_slowly(texts, self._as_jieba(tokens) if self.hmm else tokens, spans, shared)
        firsts = np.concatenate(([0], ends + 1))
        lengths = np.diff(np.concatenate((firsts, [len(codes) + 1]))) - 1
        classes = np.bitwise_or.reduceat(self._classes_of(codes), firsts)
        heads = codes[firsts]
        if self.hmm:
            joined = np.flatnonzero((classes & (_ALNUM | _JOINER)) == (_ALNUM | _JOINER)).tolist()
            cuts = [(p, pieces) for p in joined if len(pieces := jieba_pieces(tokens[p])) > 1
                    and tokens[p] not in self._joined_terms]
            if cuts:
                tokens, lengths, classes, heads = self._cut_apart(tokens, cuts, lengths, classes, heads)
        word = (classes & _ALNUM).astype(bool)
        masks = np.flatnonzero(heads == _MASK_CODE).tolist()
        if len(masks) != len(spans):
            return self._unjoin_slowly(texts, tokens, spans, shared)
        flags = self._word_flags
        for position in np.flatnonzero(classes & _URL_MARK).tolist():
            word[position] = flags[tokens[position]]
        for position, span in zip(masks, spans):
            tokens[position] = span
            word[position] = flags[span]
            lengths[position] = len(span)
        return _per_text(texts, list(compress(tokens, word.tolist())), (np.cumsum(lengths) - lengths)[word], shared)

    def _cut_apart(self, tokens: list[str], cuts: list[tuple[int, list[str]]], lengths: np.ndarray,
                   classes: np.ndarray, heads: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """The tokens with each at a position of ``cuts`` replaced by its pieces, and their lengths, classes and
        first code points (each token's row repeated for its pieces, then the pieces' own values written in)."""
        counts = np.ones(len(tokens), np.int64)
        for position, pieces in cuts:
            counts[position] = len(pieces)
        moved = (np.cumsum(counts) - counts).tolist()   # where each token's first piece lands
        lengths, classes, heads = np.repeat(lengths, counts), np.repeat(classes, counts), np.repeat(heads, counts)
        table = self._char_classes   # pieces are ASCII: in the table from the start
        for position, pieces in cuts:
            for at, piece in enumerate(pieces, moved[position]):
                lengths[at], heads[at] = len(piece), ord(piece[0])
                classes[at] = reduce(or_, (table[ord(c)] for c in piece))
        return _splice(tokens, cuts), lengths, classes, heads

    def _unjoin_slowly(self, texts: Sequence[str], tokens: list[str], spans: list[str],
                       shared: dict[str, str] | None = None) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
        """:meth:`_unjoin` token by token (for text that holds ``_TOKEN_SEPARATOR`` itself)."""
        index, position = tokens.index, -1
        for span in spans:
            position = index(_MASK, position + 1)
            tokens[position] = span
        keep = list(map(self._word_flags.__getitem__, tokens))
        words = list(compress(tokens, keep))
        starts = np.fromiter(compress(accumulate(map(len, tokens), initial=0), keep), np.int64, len(words))
        return _per_text(texts, words, starts, shared)

    def _classes_of(self, codes: np.ndarray) -> np.ndarray:
        """The character classes of ``codes``; the table grows to the highest code point met (built over the
        Basic Multilingual Plane at first: the whole of Unicode took 0.19 s of every run that segments)."""
        table = self._char_classes
        top = int(codes.max(initial=0))
        if top >= len(table):
            table = self._char_classes = np.concatenate((table, _char_class_table(top + 1, len(table))))
        return table[codes]

    @property
    def _word_flags(self) -> _WordFlags:
        flags = self.__dict__.get("_word_flags_cache")
        if flags is None:
            flags = self.__dict__["_word_flags_cache"] = _WordFlags()
        return flags


class _WordFlags(dict):
    """``is_word`` per distinct token, computed on first sight (forgotten past a million tokens)."""

    def __missing__(self, token: str) -> bool:
        if len(self) > 1_000_000:
            self.clear()
        value = self[token] = is_word(token)
        return value


def _splice(tokens: list[str], cuts: list[tuple[int, list[str]]]) -> list[str]:
    """``tokens`` with the token at each position of ``cuts`` (in order) replaced by its pieces."""
    out: list[str] = []
    last = 0
    for position, pieces in cuts:
        out += tokens[last:position]
        out += pieces
        last = position + 1
    out += tokens[last:]
    return out


def _blocks(texts: Sequence[str]) -> Iterator[Sequence[str]]:
    """Consecutive runs of ``texts``: at most ``BLOCK_UNITS`` texts and ``BLOCK_CHARS`` characters
    (a longer text is a block of its own)."""
    first, chars = 0, 0
    for i, text in enumerate(texts):
        if i > first and (i - first == BLOCK_UNITS or chars + len(text) > BLOCK_CHARS):
            yield texts[first:i]
            first, chars = i, 0
        chars += len(text)
    if first < len(texts):
        yield texts[first:]


def _per_text(texts: Sequence[str], words: list[str], starts: np.ndarray, shared: dict[str, str] | None = None
              ) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
    """Split a block's word tokens and their starts (offsets into the joined block) into each text's (each word
    the string ``shared`` holds for it, when given)."""
    if shared is not None:   # the block's words at once: cheaper than each text's tuple made again
        words = list(map(shared.setdefault, words, words))
    spaced = np.fromiter(map(len, texts), np.int64, len(texts)) + len(_SEPARATOR)
    text_starts = np.cumsum(spaced) - spaced
    bounds = np.searchsorted(starts, text_starts).tolist() + [len(words)]
    local = (starts - np.repeat(text_starts, np.diff(bounds))).tolist()
    rows = list(map(slice, bounds[:-1], bounds[1:]))
    return list(zip(map(tuple, map(words.__getitem__, rows)), map(tuple, map(local.__getitem__, rows))))


#: The code points the character-class table covers when a segmenter starts.
BMP_END = 0x10000


def _char_class_table(stop: int = sys.maxunicode + 1, start: int = 0) -> np.ndarray:
    """``table[code - start]`` holds ``_ALNUM`` when ``chr(code).isalnum()`` (as ``re``'s ``\\w`` without ``_``),
    ``_URL_MARK`` for ``.``, ``@`` and ``:``, and ``_JOINER`` for ``-``, ``.`` and ``_``, for the code points from
    ``start`` up to ``stop`` (every code point by default)."""
    stop = min(stop, sys.maxunicode + 1)
    span = "".join(map(chr, range(start, stop)))
    table = np.zeros(max(0, stop - start), np.uint8)
    table[np.frombuffer(re.sub(r"[\W_]", "", span).encode("utf-32-le"), np.uint32) - start] = _ALNUM
    for marks, flag in ((".@:", _URL_MARK), ("-._", _JOINER)):
        table[[ord(c) - start for c in marks if start <= ord(c) < stop]] |= flag
    return table




def jieba_pieces(token: str) -> list[str]:
    """How jieba's HMM path cuts ``token`` when it is a run of ASCII letters, digits and ``.-_%``
    (``2005-2008`` → ``2005``, ``-``, ``2008``); any other token is one piece."""
    if not _LATIN_RUN.fullmatch(token):
        return [token]
    return [piece for piece in _JIEBA_SKIP.split(token) if piece]
