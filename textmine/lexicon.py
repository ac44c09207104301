"""The layered lexicon segmentation uses: build it, add to its files, and check that it took effect.

Layers, in order: jieba's own dictionary (inside the segmenter), the bundled domain lexicon, the
bundled policy and economy lexicon, and the user's lexicon files from ``[segment] lexicons``. Every
term of the last three is *protected*: it always comes out as one token. Each layer is hashed so
``manifest.json`` can show what was used.
The same lexicon serves ``textmine run``, ``discover`` (what counts as known) and ``lexicon check``;
theme and KWIC terms are not part of it (they are matched in the text, and never change the tokens).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import ConfigError
from .io.atomic import write_atomic
from .normalize import SimplifiedFolder, fold_for_counting, fold_width


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    source: str          # 'domain', 'policy' or a user file name
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
    return fold_for_counting(term.strip(), folder)


def read_domain_lexicon() -> tuple[list[dict[str, str]], str]:
    """Rows of the bundled domain lexicon (term, category, source, added, seen_in, note) and its hash."""
    return _read_bundled_table("domain_lexicon.tsv")


def read_policy_lexicon() -> tuple[list[dict[str, str]], str]:
    """Rows of the bundled policy and economy lexicon (same columns as the domain lexicon) and its hash."""
    return _read_bundled_table("policy_lexicon.tsv")


def policy_phrases(*, fold_traditional: bool = True) -> frozenset[str]:
    """The terms of the bundled policy and economy lexicon, folded as the text is: the phrases the term filter
    joins from their tokens (``[filter] phrases``, :func:`textmine.filters.join_phrases`)."""
    folder = SimplifiedFolder() if fold_traditional else None
    return frozenset(_fold(row["term"], folder) for row in read_policy_lexicon()[0])


def _read_bundled_table(name: str) -> tuple[list[dict[str, str]], str]:
    text = resources.files("textmine.resources").joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    return rows, _sha256(text)


def read_lexicon_file(path: str | Path) -> tuple[list[tuple[str, int | None]], str]:
    """A user lexicon: one term per line, optionally followed by a frequency; # starts a comment."""
    text = _lexicon_text(Path(path))
    return lexicon_entries(text), _sha256(text)


def _lexicon_text(path: Path) -> str:
    from .io.decode import InputRejected, read_list_file

    try:
        return read_list_file(path)
    except FileNotFoundError:
        raise ConfigError(f"lexicon file {str(path)!r} does not exist ([segment] lexicons)") from None
    except OSError as exc:
        raise ConfigError(f"lexicon file {str(path)!r} cannot be read: {exc}") from None
    except InputRejected as exc:
        raise ConfigError(f"lexicon file {str(path)!r} cannot be read: {exc}; save it as UTF-8 text") from None


def lexicon_entries(text: str) -> list[tuple[str, int | None]]:
    """``(term, frequency or None)`` of each line of a lexicon file's text."""
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
    return entries


def build_lexicon(*, domain: bool = True, files: Iterable[str | Path] = (), fold_traditional: bool = True,
                  policy: bool = False) -> Lexicon:
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
    return Lexicon(tuple(e for e in entries if e.term), hashes)


def config_lexicon(config) -> Lexicon:
    """The lexicon ``[segment]`` describes: the bundled layer(s) and the configured lexicon files."""
    cfg = config.segment
    return build_lexicon(domain=cfg.domain_lexicon, files=[config.resolve_path(p) for p in cfg.lexicons],
                         fold_traditional=config.clean.fold_traditional, policy=cfg.policy_lexicon)


# -- adding accepted terms to a lexicon file (textmine lexicon add) ---------------------------------------

HEADER = ("# textmine lexicon: one term per line, optionally followed by a frequency; # starts a comment.\n"
          "# List this file in [segment] lexicons so every run keeps these terms whole.\n")


def add_terms(path: str | Path, terms: Iterable[str], *, note: str = "") -> tuple[list[str], list[str]]:
    """Append the new ones of ``terms`` to the lexicon file ``path`` (created if missing).

    Each added line carries a comment with the date and ``note`` (where the term came from), so the
    file records its own provenance. Returns ``(added, already_present)``. The file is replaced
    atomically.
    """
    path = Path(path)
    existing: set[str] = set()
    text = ""
    if path.exists():
        text = _lexicon_text(path)   # written back as UTF-8
        existing = {fold_width(t) for t, _ in lexicon_entries(text)}
    added, present = [], []
    for term in terms:
        term = fold_width(term.strip())
        if not term:
            continue
        if any(ch in term for ch in "#\n\t") or term.rsplit(" ", 1)[-1].isdigit() and " " in term:
            raise ConfigError(f"lexicon term {term!r} cannot be stored: no '#', tabs, line breaks "
                              "or a trailing number after a space")
        (present if term in existing or term in added else added).append(term)
    if not added:
        return added, present
    stamp = _dt.date.today().isoformat()
    comment = f"  # added {stamp}" + (f", {note}" if note else "")
    body = text or HEADER
    if not body.endswith("\n"):
        body += "\n"
    body += "".join(f"{term}{comment}\n" for term in added)
    try:
        write_atomic(path, body.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot write lexicon file {str(path)!r}: {exc.strerror or exc}") from None
    return added, present


# -- checking that every term took effect (textmine lexicon check) ----------------------------------------

CHECK_COLUMNS = ("term", "source", "raw", "tokens", "nested", "split", "status", "note")
STATUS_HELP = {
    "ok": "every occurrence came out as one token",
    "nested": "lives mostly inside longer words (half its occurrences or more): count it as a theme term, "
              "which counts nested mentions, rather than from vocab.csv",
    "partial": "some occurrences were cut or absorbed into a longer token",
    "never": "occurs in the text but never came out as one token: it does not take effect",
    "absent": "does not occur in this corpus",
}


def check_lexicon(prepared):
    """One row per lexicon term: ``term,source,raw,tokens,nested,split,status,note``.

    ``raw`` counts the term's occurrences in the cleaned, folded text (``Unit.norm``, as a theme term
    counts them); of those, ``tokens`` came out as one word token, ``nested`` sit inside a longer token
    and ``split`` were cut across tokens. ``status`` is one of :data:`STATUS_HELP`; ``note`` shows the
    longer words and the cuts.
    """
    import pandas as pd

    from .themes import Theme, ThemeMatcher, ThemeSet

    sources: dict[str, list[str]] = {}
    for entry in prepared.lexicon.entries:
        sources.setdefault(entry.term, [])
        if entry.source not in sources[entry.term]:
            sources[entry.term].append(entry.source)
    matcher = ThemeMatcher(ThemeSet(tuple(Theme(term, (term,)) for term in sources)))
    fits: dict[str, Counter] = {term: Counter() for term in sources}
    ways: dict[str, Counter] = {term: Counter() for term in sources}
    for unit, tokens, found in matcher.mentions(prepared.units, prepared.tokens):
        for term, mentions in found.items():
            for m in mentions:
                fits[term][m.fit] += 1
                if m.fit == "nested":
                    ways[term][f"inside {m.within}"] += 1
                elif m.fit == "split":
                    pieces = [t for t, s in zip(tokens.terms, tokens.starts) if s < m.end and s + len(t) > m.start]
                    ways[term][" / ".join(pieces)] += 1
    rows = []
    for term, where in sources.items():
        counted = fits[term]
        raw, single = sum(counted.values()), counted["token"]
        if raw == 0:
            status = "absent"
        elif single == raw:
            status = "ok"
        elif counted["nested"] * 2 >= raw:
            status = "nested"
        elif single == 0:
            status = "never"
        else:
            status = "partial"
        note = "; ".join(f"{way} ({n}×)" for way, n in ways[term].most_common(3))
        rows.append((term, ";".join(where), raw, single, counted["nested"], counted["split"], status, note))
    order = {"never": 0, "nested": 1, "partial": 2, "ok": 3, "absent": 4}
    rows.sort(key=lambda r: (order[r[6]], -r[2], r[0]))
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))
