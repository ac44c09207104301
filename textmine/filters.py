"""Which word tokens may reach keyword, keyness and topic tables."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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

    def __call__(self, term: str) -> bool:
        if term in self.keep:
            return True
        if len(term) < self.min_chars or term in self.stopwords or term.lower() in self.stopwords:
            return False
        if not _HAS_LETTER.search(term) or _NUMBER_LIKE.match(term):
            return False
        return True

    def terms(self, unit: TokenizedUnit) -> list[str]:
        return [t for t in unit.terms if self(t)]


def content_terms(units: Iterable[TokenizedUnit], term_filter: TermFilter) -> list[list[str]]:
    return [term_filter.terms(u) for u in units]
