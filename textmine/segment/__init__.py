"""Segmentation: a corpus's units into word tokens with character offsets.

The segmenter a config describes (:func:`make_segmenter`) depends on the config and the lexicon
files alone, never on what is asked of the text afterwards (themes, KWIC queries), so every count
and every rate's denominator is the same whatever the question.

- :mod:`.spans` — the spans emitted whole (lexicon terms, Latin names, URLs) and :func:`is_word`;
- :mod:`.jieba_backend` — the pure-Python reference (jieba);
- :mod:`.rjieba_backend` — the default, jieba-rs with the same dictionary and semantics.

``backend = "auto"`` (the default) picks rjieba when it is installed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from ..data import TokenizedUnit, Unit
from ..errors import ConfigError
from .spans import is_word

log = logging.getLogger(__name__)

BACKENDS = ("auto", "jieba", "rjieba")


class Segmenter(Protocol):
    """Anything that turns a (folded) text into ``(token, start)`` pairs."""

    name: str

    def tokenize(self, text: str) -> list[tuple[str, int]]: ...


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


def make_backend(name: str, lexicon=None, *, hmm: bool = True, protect_latin: bool = True):
    """A segmenter of backend ``name`` (``auto``, ``jieba`` or ``rjieba``) over ``lexicon``."""
    from .jieba_backend import JiebaSegmenter
    from .rjieba_backend import RjiebaSegmenter

    cls = RjiebaSegmenter if resolve_backend(name) == "rjieba" else JiebaSegmenter
    return cls(lexicon, hmm=hmm, protect_latin=protect_latin)


def make_segmenter(config):
    """The segmenter ``[segment]`` describes, over the config's lexicon (:func:`textmine.lexicon.config_lexicon`)."""
    from ..lexicon import config_lexicon

    cfg = config.segment
    return make_backend(cfg.backend, config_lexicon(config), hmm=cfg.hmm, protect_latin=cfg.protect_latin)


def segment_unit(unit: Unit, segmenter: Segmenter) -> TokenizedUnit:
    """Word tokens of one unit, taken from its folded text, with offsets into ``unit.text``."""
    pairs = [(t, s) for t, s in segmenter.tokenize(unit.norm) if is_word(t)]
    return TokenizedUnit(unit.id, unit.doc_id, tuple(t for t, _ in pairs), tuple(s for _, s in pairs))


def segment_units(units: Iterable[Unit], segmenter: Segmenter) -> Iterator[TokenizedUnit]:
    """Segment units one at a time (a generator, so memory stays flat)."""
    for unit in units:
        yield segment_unit(unit, segmenter)


def segment_texts(texts: Sequence[str], segmenter: Segmenter, shared: dict[str, str] | None = None
                  ) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
    """Word tokens and their starts for each text: what :func:`segment_unit` keeps, many texts at once
    (the rjieba backend cuts blocks of texts in one engine call). With ``shared`` (a dict kept across calls),
    each distinct term is one string object (:func:`share_terms`)."""
    many = getattr(segmenter, "segment_many", None)
    if many is not None:
        return many(texts, shared)
    words: dict[str, bool] = {}  # is_word per distinct token: far fewer checks than tokens
    get = shared.setdefault if shared is not None else None
    out = []
    for text in texts:
        terms: list[str] = []
        starts: list[int] = []
        for token, start in segmenter.tokenize(text):
            word = words.get(token)
            if word is None:
                word = words[token] = is_word(token)
            if word:
                terms.append(get(token, token) if get is not None else token)
                starts.append(start)
        out.append((tuple(terms), tuple(starts)))
    return out


def share_terms(segmented, shared: dict[str, str] | None) -> list:
    """``(terms, starts)`` of each text with every term the one string object ``shared`` holds for it (added when
    new); ``segmented`` as it is (a list) when ``shared`` is None. A corpus repeats its vocabulary millions of
    times, and a string object per token costs about 70 bytes."""
    if shared is None:
        return list(segmented)
    get = shared.setdefault
    return [(tuple(map(get, terms, terms)), starts) for terms, starts in segmented]


__all__ = ["BACKENDS", "Segmenter", "is_word", "make_backend", "make_segmenter", "resolve_backend",
           "rjieba_available", "segment_texts", "share_terms", "segment_unit", "segment_units"]
