"""Theme dictionaries with coding rules, and finding their hits in segmented text.

A theme is a name plus a rule over terms, written in a TOML file::

    "智能体" = "智能体 | AI Agent | AI智能体 | 智能代理"

    ["算电协同"]
    rule = "算电协同 | (算力 near 电力 within 20)"
    exclude = ["算电协同发展论坛"]
    note = "why the rule is what it is"

A rule is a list of alternatives separated by ``|``; an alternative is

- a term: ``智能体`` (matches a token equal to the term; every term of a theme
  file is a protected unit in segmentation, so it is always one token);
- ``(A near B within N)``: A and B in the same paragraph, at most N tokens apart;
- ``(A & B & …)``: all of the terms in the same sentence.

``exclude`` lists terms whose sentences do not count for the theme; they are
protected too, so a variant inside an excluded phrase is never a hit.
Overlapping hits of one theme count once.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from .data import TokenizedUnit, Unit
from .errors import ConfigError

SENTENCE_END = re.compile(r"[。！？!?；;…]+")
_NEAR = re.compile(r"^(.+?)\s+near\s+(.+?)\s+within\s+(\d+)$", re.IGNORECASE)
DEFAULT_THEME_FILE = "default"


@dataclass(frozen=True)
class Near:
    """Two terms in the same paragraph at most ``window`` tokens apart."""

    first: str
    second: str
    window: int

    def __str__(self) -> str:
        return f"({self.first} near {self.second} within {self.window})"


@dataclass(frozen=True)
class AllInSentence:
    """All of the terms in one sentence."""

    terms: tuple[str, ...]

    def __str__(self) -> str:
        return "(" + " & ".join(self.terms) + ")"


Alternative = str | Near | AllInSentence


@dataclass(frozen=True)
class Theme:
    """A named coding rule: any of ``alternatives``, not in sentences holding an ``exclude`` term."""

    name: str
    alternatives: tuple[Alternative, ...]
    exclude: tuple[str, ...] = ()
    note: str = ""

    @property
    def terms(self) -> tuple[str, ...]:
        """Every term the rule mentions (variants, parts of near/sentence rules, exclusions)."""
        out: list[str] = []
        for alt in self.alternatives:
            if isinstance(alt, str):
                out.append(alt)
            elif isinstance(alt, Near):
                out += [alt.first, alt.second]
            else:
                out += list(alt.terms)
        return tuple(dict.fromkeys(out + list(self.exclude)))

    @cached_property
    def triggers(self) -> frozenset[str]:
        """The terms without which the rule cannot match (every term it mentions but the exclusions)."""
        return frozenset(t for t in self.terms if t not in self.exclude)

    @property
    def rule(self) -> str:
        return " | ".join(str(a) for a in self.alternatives)

    def folded(self, fold) -> Theme:
        """The same theme with every term folded the way text is folded for counting."""
        def f(alt: Alternative) -> Alternative:
            if isinstance(alt, str):
                return fold(alt)
            if isinstance(alt, Near):
                return Near(fold(alt.first), fold(alt.second), alt.window)
            return AllInSentence(tuple(fold(t) for t in alt.terms))
        return Theme(fold(self.name), tuple(f(a) for a in self.alternatives), tuple(fold(t) for t in self.exclude),
                     self.note)


@dataclass(frozen=True)
class ThemeSet:
    """The themes of a run, in order, and the hash of the file they came from."""

    themes: tuple[Theme, ...]
    sha256: str = ""
    source: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.themes)

    @property
    def terms(self) -> tuple[str, ...]:
        """Every term to protect in segmentation."""
        return tuple(dict.fromkeys(term for theme in self.themes for term in theme.terms))

    def __getitem__(self, name: str) -> Theme:
        for theme in self.themes:
            if theme.name == name:
                return theme
        raise KeyError(name)

    def __contains__(self, name: str) -> bool:
        return name in self.names


def parse_rule(rule: str, *, where: str = "rule") -> tuple[Alternative, ...]:
    """Parse ``A | B | (C near D within 20) | (E & F)`` into alternatives."""
    alternatives: list[Alternative] = []
    for part in _split_top(rule, where):
        part = part.strip()
        grouped = part.startswith("(") and part.endswith(")")
        inner = part[1:-1].strip() if grouped else part
        if not inner:
            raise ConfigError(f"{where} = {rule!r} has an empty alternative; write terms separated by |")
        near = _NEAR.match(inner)
        if near:
            first, second, window = near.group(1).strip(), near.group(2).strip(), int(near.group(3))
            if window < 1:
                raise ConfigError(f"{where}: 'within {window}' must be at least 1 token")
            alternatives.append(Near(first, second, window))
        elif "&" in inner:
            terms = tuple(t.strip() for t in inner.split("&"))
            if len(terms) < 2 or not all(terms):
                raise ConfigError(f"{where} = {rule!r}: '&' needs a term on each side")
            alternatives.append(AllInSentence(terms))
        elif re.search(r"[()]|\bnear\b", inner):
            raise ConfigError(f"{where} = {rule!r}: cannot read {part!r}; "
                              f"expected a term, (A near B within N) or (A & B)")
        else:
            alternatives.append(inner)
    return tuple(alternatives)


def _split_top(rule: str, where: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in rule:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ConfigError(f"{where} = {rule!r} has an unmatched ')'")
        if char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if depth:
        raise ConfigError(f"{where} = {rule!r} has an unmatched '('")
    parts.append("".join(current))
    return parts


def themes_from_dict(values: dict, *, source: str = "<dict>") -> list[Theme]:
    """Themes from a parsed TOML document (a string rule or a table with rule/exclude/note per theme)."""
    themes = []
    for name, spec in values.items():
        where = f"{source}: theme {name!r}"
        if isinstance(spec, str):
            spec = {"rule": spec}
        if not isinstance(spec, dict):
            raise ConfigError(f"{where} must be a rule string or a table with 'rule'")
        unknown = set(spec) - {"rule", "exclude", "note"}
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}; known keys: rule, exclude, note")
        rule = spec.get("rule", name)
        exclude = spec.get("exclude", [])
        if isinstance(exclude, str):
            exclude = [e for e in (x.strip() for x in exclude.split("|")) if e]
        if not isinstance(rule, str) or not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
            raise ConfigError(f"{where}: 'rule' must be a string and 'exclude' a list of strings")
        themes.append(Theme(name.strip(), parse_rule(rule, where=f"{where} rule"),
                            tuple(e.strip() for e in exclude if e.strip()), str(spec.get("note", ""))))
    return themes


def read_theme_file(path: str | Path) -> ThemeSet:
    """Read a theme TOML file; ``default`` is the file bundled with textmine."""
    if str(path) == DEFAULT_THEME_FILE:
        text = resources.files("textmine.resources").joinpath("themes.toml").read_text(encoding="utf-8")
        source = "themes.toml (bundled)"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ConfigError(f"theme file {str(path)!r} does not exist ([trends] theme_file)") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"theme file {str(path)!r} cannot be read as UTF-8: {exc}") from None
        source = Path(path).name
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"theme file {source!r} is not valid TOML: {exc}") from None
    return ThemeSet(tuple(themes_from_dict(values, source=source)), hashlib.sha256(text.encode()).hexdigest(), source)


def select_themes(names: Sequence[str], theme_file: ThemeSet | None) -> ThemeSet:
    """The themes a run counts: each name's rule from the file, or the name as a single term.

    With no names, every theme of the file.
    """
    defined = theme_file or ThemeSet(())
    if not names:
        return defined
    chosen = [defined[n] if n in defined else Theme(n, (n,)) for n in dict.fromkeys(names)]
    return ThemeSet(tuple(chosen), defined.sha256, defined.source)


# -- finding hits -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    """One occurrence of a theme: the unit, the span in ``Unit.text`` and which alternative matched."""

    theme: str
    unit_id: str
    doc_id: str
    start: int
    end: int
    alternative: str


def sentence_index(text: str, starts: Sequence[int]) -> list[int]:
    """The sentence number of each token start (sentences end at 。！？；… and their ASCII forms)."""
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    return [bisect.bisect_right(ends, s) for s in starts]


def find_unit_hits(theme: Theme, unit: Unit, tokens: TokenizedUnit,
                   sentences: Sequence[int] | None = None) -> list[Hit]:
    """Every hit of ``theme`` in one segmented unit, in text order; overlapping hits count once.

    ``sentences`` (from :func:`sentence_index`) may be passed when several themes are matched in one unit.
    """
    if theme.triggers.isdisjoint(tokens.terms):
        return []
    ends = [s + len(t) for t, s in zip(tokens.terms, tokens.starts)]
    if sentences is None:
        sentences = sentence_index(unit.norm, tokens.starts)
    return _hits(theme, tokens.unit_id, tokens.doc_id, tokens.terms, tokens.starts, ends, sentences)


def _hits(theme: Theme, unit_id: str, doc_id: str, terms: Sequence[str], starts: Sequence[int],
          ends: Sequence[int], sentences: Sequence[int]) -> list[Hit]:
    excluded = {sentences[i] for i, t in enumerate(terms) if t in theme.exclude}
    positions: dict[str, list[int]] = {}
    for i, term in enumerate(terms):
        positions.setdefault(term, []).append(i)
    found: list[tuple[int, int, str]] = []
    for alt in theme.alternatives:
        if isinstance(alt, str):
            found += [(starts[i], ends[i], alt) for i in positions.get(alt, [])]
        elif isinstance(alt, Near):
            seconds = positions.get(alt.second, [])
            for i in positions.get(alt.first, []):
                near = [j for j in seconds if j != i and abs(j - i) <= alt.window]
                if near:
                    j = min(near, key=lambda j: (abs(j - i), j))
                    lo, hi = min(i, j), max(i, j)
                    if not any(sentences[k] in excluded for k in (i, j)):
                        found.append((starts[lo], ends[hi], str(alt)))
        else:
            by_sentence: dict[int, list[int]] = {}
            for term in alt.terms:
                for i in positions.get(term, []):
                    by_sentence.setdefault(sentences[i], []).append(i)
            for sentence, idx in sorted(by_sentence.items()):
                if {terms[i] for i in idx} >= set(alt.terms):
                    found.append((starts[min(idx)], ends[max(idx)], str(alt)))
    kept: list[Hit] = []
    last_end = -1
    for start, end, alt in sorted(found, key=lambda h: (h[0], -h[1])):
        if start < last_end:
            continue
        token = bisect.bisect_left(starts, start)
        if token < len(sentences) and sentences[token] in excluded:
            continue
        kept.append(Hit(theme.name, unit_id, doc_id, start, end, alt))
        last_end = end
    return kept


def iter_hits(themes: ThemeSet, units: Iterable[Unit], tokens: Iterable[TokenizedUnit]) -> Iterator[Hit]:
    """Hits of every theme in every unit (units and tokens in the same order)."""
    for unit, unit_tokens in zip(units, tokens):
        sentences = sentence_index(unit.norm, unit_tokens.starts)
        for theme in themes.themes:
            yield from find_unit_hits(theme, unit, unit_tokens, sentences)
