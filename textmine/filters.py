"""Which word tokens may reach keyword, keyness and topic tables."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress

from .data import TokenizedUnit

_HAS_LETTER = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]")
_NUMBER_LIKE = re.compile(r"^[\d.,%‰+\-×x/:~]*\d[\d.,%‰+\-×x/:~]*[a-zA-Z]?$")


@dataclass(frozen=True)
class TermFilter:
    """Drops stopwords, numbers, punctuation, URL parts and terms shorter than ``min_chars``.

    ``keep`` lists terms that pass regardless (protected lexicon and theme terms
    such as 5G or 人工智能+).
    """

    stopwords: frozenset[str] = frozenset()
    min_chars: int = 2
    keep: frozenset[str] = frozenset()
    _seen: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_seen", _Decisions(self._decide))

    def __call__(self, term: str) -> bool:
        return self._seen[term]

    def _decide(self, term: str) -> bool:
        if term in self.keep:
            return True
        if len(term) < self.min_chars or term in self.stopwords or term.lower() in self.stopwords:
            return False
        if not _HAS_LETTER.search(term) or _NUMBER_LIKE.match(term):
            return False
        return True

    def terms(self, unit: TokenizedUnit) -> list[str]:
        return list(compress(unit.terms, map(self._seen.__getitem__, unit.terms)))


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


def content_terms(units: Iterable[TokenizedUnit], term_filter: TermFilter) -> list[list[str]]:
    return [term_filter.terms(u) for u in units]
