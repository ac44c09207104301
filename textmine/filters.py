"""Which word tokens may reach keyword, keyness and topic tables: the stopword list and the term filter."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from itertools import compress
from pathlib import Path

from .data import TokenizedUnit
from .errors import ConfigError

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


def load_stopwords(kind: str = "default", extra_files: Iterable[str | Path] = ()) -> tuple[frozenset[str], str]:
    """The stopword set (stopwords-iso Chinese + the bundled domain list + extra files) and its hash."""
    words: set[str] = set()
    if kind == "default":
        import stopwordsiso

        words |= stopwordsiso.stopwords("zh")
        domain = resources.files("textmine.resources").joinpath("domain_stopwords.txt").read_text(encoding="utf-8")
        words |= {w.strip() for w in domain.splitlines() if w.strip() and not w.startswith("#")}
    for path in extra_files:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"stopword file {str(path)!r} cannot be read: {exc}") from None
        words |= {w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")}
    frozen = frozenset(words)
    return frozen, hashlib.sha256("\n".join(sorted(frozen)).encode("utf-8")).hexdigest()


def config_term_filter(config, lexicon) -> tuple[TermFilter, str, int]:
    """The term filter ``[filter]`` describes (protected lexicon terms always pass), the stopwords' hash
    and their number."""
    stopwords, digest = load_stopwords(config.filter.stopwords,
                                       [config.resolve_path(p) for p in config.filter.extra_stopwords])
    return TermFilter(stopwords, config.filter.min_chars, frozenset(lexicon.terms)), digest, len(stopwords)
