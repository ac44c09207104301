"""The layered lexicon and the stopword list that segmentation and filtering use.

Layers, in order: jieba's own dictionary (inside the segmenter), the bundled
domain lexicon, the bundled policy and economy lexicon, the user's lexicon files
from the config, and the theme terms. Every term of the last four layers is *protected*: it always comes out as one
token. Each layer is hashed so ``manifest.json`` can show what was used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import ConfigError
from .normalize import SimplifiedFolder, fold_width


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    source: str          # 'domain', 'policy', a user file name, or 'theme'
    freq: int | None = None


@dataclass(frozen=True)
class Lexicon:
    """Protected terms with their provenance, and a hash per layer."""

    entries: tuple[LexiconEntry, ...]
    hashes: dict[str, str]

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.term for e in self.entries))

    def __contains__(self, term: str) -> bool:
        return any(e.term == term for e in self.entries)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fold(term: str, folder: SimplifiedFolder | None) -> str:
    term = fold_width(term.strip())
    return folder(term) if folder else term


def read_domain_lexicon() -> tuple[list[dict[str, str]], str]:
    """Rows of the bundled domain lexicon (term, category, source, added, seen_in, note) and its hash."""
    return _read_bundled_table("domain_lexicon.tsv")


def read_policy_lexicon() -> tuple[list[dict[str, str]], str]:
    """Rows of the bundled policy and economy lexicon (same columns as the domain lexicon) and its hash."""
    return _read_bundled_table("policy_lexicon.tsv")


def _read_bundled_table(name: str) -> tuple[list[dict[str, str]], str]:
    text = resources.files("textmine.resources").joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    return rows, _sha256(text)


def read_lexicon_file(path: str | Path) -> tuple[list[tuple[str, int | None]], str]:
    """A user lexicon: one term per line, optionally followed by a frequency; # starts a comment."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"lexicon file {str(path)!r} does not exist ([segment] lexicons)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"lexicon file {str(path)!r} cannot be read as UTF-8: {exc}") from None
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not line:
            continue
        parts = line.replace("\t", " ").split()
        freq = None
        if len(parts) >= 2 and parts[-1].isdigit():
            freq = int(parts[-1])
            parts = parts[:-1]
        entries.append((" ".join(parts), freq))
    return entries, _sha256(text)


def build_lexicon(*, domain: bool = True, files: Iterable[str | Path] = (), themes: Iterable[str] = (),
                  fold_traditional: bool = True, policy: bool = False) -> Lexicon:
    """Collect the protected terms of every layer, folded the way the text is folded for counting.

    ``policy`` adds the bundled policy and economy lexicon (``[segment] policy_lexicon``) after the domain one.
    """
    folder = SimplifiedFolder() if fold_traditional else None
    entries: list[LexiconEntry] = []
    hashes: dict[str, str] = {}
    if domain:
        rows, digest = read_domain_lexicon()
        hashes["domain_lexicon.tsv"] = digest
        entries += [LexiconEntry(_fold(r["term"], folder), "domain") for r in rows]
    if policy:
        rows, digest = read_policy_lexicon()
        hashes["policy_lexicon.tsv"] = digest
        entries += [LexiconEntry(_fold(r["term"], folder), "policy") for r in rows]
    for path in files:
        terms, digest = read_lexicon_file(path)
        hashes[Path(path).name] = digest
        entries += [LexiconEntry(_fold(t, folder), Path(path).name, f) for t, f in terms]
    themes = [t for t in themes if t.strip()]
    if themes:
        hashes["themes"] = _sha256("\n".join(themes))
        entries += [LexiconEntry(_fold(t, folder), "theme") for t in themes]
    return Lexicon(tuple(e for e in entries if e.term), hashes)


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
    return frozen, _sha256("\n".join(sorted(frozen)))
