"""Themes: coding rules over terms, and every mention of them in the text — the one theme counter.

A theme is a name plus a rule over terms, written in a TOML file::

    "智能体" = "智能体 | AI Agent | AI智能体 | 智能代理"

    ["算电协同"]
    rule = "算电协同 | (算力 near 电力 within 20)"
    exclude = ["算电协同发展论坛"]
    note = "why the rule is what it is"

A rule is a list of alternatives separated by ``|``; an alternative is

- a term: ``智能体`` — every occurrence of the term in the folded text of a paragraph
  (:attr:`~textmine.data.Unit.norm`), also inside a longer word: 人工智能 in 生成式人工智能 is a
  mention of 人工智能. A term with a Latin edge does not match inside a longer Latin name
  (AI in OpenAI, GPT in GPT-4o);
- ``(A near B within N)``: A and B in the same paragraph, at most N word tokens apart;
- ``(A & B & …)``: all of the terms in the same sentence.

``exclude`` lists terms whose sentences do not count for the theme; ``not_inside`` lists longer
terms a mention must not sit in (数据 not inside 数据中心). Overlapping mentions of one theme count
once. Themes are matched in the text; they never change the segmentation, so the word-token
totals that rates divide by are the same whatever themes are asked for.

Each literal mention records how the segmentation holds it (``fit``): ``token`` — exactly one
word token; ``nested`` — inside a longer token (``within`` names it); ``split`` — across tokens.
``[trends] match = "token"`` counts only mentions that are whole tokens (the old exact-token count).
"""

from __future__ import annotations

import bisect
import hashlib
import re
import tomllib
from collections.abc import Sequence
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
    """A named coding rule: any of ``alternatives``, not in sentences holding an ``exclude`` term, and not
    inside an occurrence of a ``not_inside`` term."""

    name: str
    alternatives: tuple[Alternative, ...]
    exclude: tuple[str, ...] = ()
    note: str = ""
    not_inside: tuple[str, ...] = ()

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
        return tuple(dict.fromkeys(out + list(self.exclude) + list(self.not_inside)))

    @cached_property
    def triggers(self) -> frozenset[str]:
        """The terms without which the rule cannot match (every term it mentions but the exclusions)."""
        return frozenset(t for t in self.terms if t not in self.exclude and t not in self.not_inside)

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
                     self.note, tuple(fold(t) for t in self.not_inside))


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
        """Every term any rule mentions."""
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
        unknown = set(spec) - {"rule", "exclude", "not_inside", "note"}
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}; known keys: rule, exclude, not_inside, note")
        rule = spec.get("rule", name)
        lists = {key: spec.get(key, []) for key in ("exclude", "not_inside")}
        for key, value in lists.items():
            if isinstance(value, str):
                value = lists[key] = [e for e in (x.strip() for x in value.split("|")) if e]
            if not isinstance(value, list) or not all(isinstance(e, str) for e in value):
                raise ConfigError(f"{where}: {key!r} must be a list of strings")
        if not isinstance(rule, str):
            raise ConfigError(f"{where}: 'rule' must be a string")
        themes.append(Theme(name.strip(), parse_rule(rule, where=f"{where} rule"),
                            tuple(e.strip() for e in lists["exclude"] if e.strip()), str(spec.get("note", "")),
                            tuple(e.strip() for e in lists["not_inside"] if e.strip())))
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


# -- finding mentions ------------------------------------------------------------------------------

FITS = ("token", "nested", "split")


@dataclass(frozen=True)
class Mention:
    """One mention of a theme: the unit, the span in ``Unit.text``/``Unit.norm``, and what matched.

    ``alternative`` is the term or rule that matched; ``rule`` is true for a ``near``/``&`` rule hit.
    For a literal mention, ``fit`` says how the segmentation holds it (``token``, ``nested`` or
    ``split``) and ``within`` names the longer token a nested mention sits in.
    """

    theme: str
    unit_id: str
    doc_id: str
    start: int
    end: int
    alternative: str
    rule: bool = False
    fit: str = ""
    within: str = ""


def sentence_ends(text: str) -> list[int]:
    """Where each sentence of ``text`` ends (after 。！？；… and their ASCII forms)."""
    return [m.end() for m in SENTENCE_END.finditer(text)]


def sentence_index(text: str, positions: Sequence[int]) -> list[int]:
    """The sentence number of each character position of ``text``."""
    ends = sentence_ends(text)
    return [bisect.bisect_right(ends, p) for p in positions]


_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_LATIN_JOINERS = frozenset("-.+_")


def occurrences(term: str, text: str) -> list[int]:
    """Start of every occurrence of ``term`` in ``text`` (overlapping ones too); a Latin edge of the term
    must not continue a Latin name in the text (AI does not occur in OpenAI, GPT not in GPT-4o)."""
    found = []
    latin_start, latin_end = term[0] in _LATIN, term[-1] in _LATIN
    position = text.find(term)
    while position >= 0:
        end = position + len(term)
        ok = True
        if latin_start and position > 0:
            before = text[position - 1]
            ok = before not in _LATIN and not (before in _LATIN_JOINERS and position > 1
                                                and text[position - 2] in _LATIN)
        if ok and latin_end and end < len(text):
            after = text[end]
            ok = after not in _LATIN and not (after in _LATIN_JOINERS and end + 1 < len(text)
                                               and text[end + 1] in _LATIN)
        if ok:
            found.append(position)
        position = text.find(term, position + 1)
    return found


class ThemeMatcher:
    """Finds every mention of a set of themes in segmented units (see the module docs).

    ``match = "substring"`` (the default) counts every occurrence of a theme's terms; ``"token"``
    only occurrences that are one whole word token.
    """

    def __init__(self, themes: ThemeSet, *, match: str = "substring") -> None:
        if match not in ("substring", "token"):
            raise ConfigError(f"[trends] match = {match!r} is not allowed; expected 'substring' or 'token'")
        self.themes = themes
        self.match = match
        terms = themes.terms
        self._any = re.compile("|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))) \
            if terms else None

    def unit_mentions(self, unit: Unit, tokens: TokenizedUnit) -> dict[str, list[Mention]]:
        """``{theme: mentions}`` in one unit, mentions in text order (themes without any are left out)."""
        text = unit.norm
        if self._any is None or self._any.search(text) is None:
            return {}
        found: dict[str, list[int]] = {}
        for term in self.themes.terms:
            if term in text:
                found[term] = occurrences(term, text)
        ends = [s + len(t) for t, s in zip(tokens.terms, tokens.starts)]
        if self.match == "token":
            whole = set(zip(tokens.starts, ends))
            found = {t: [p for p in ps if (p, p + len(t)) in whole] for t, ps in found.items()}
        found = {t: ps for t, ps in found.items() if ps}
        if not found:
            return {}
        context = _UnitContext(unit, tokens, ends)
        out = {}
        for theme in self.themes.themes:
            if theme.triggers.isdisjoint(found):
                continue
            mentions = _theme_mentions(theme, found, context)
            if mentions:
                out[theme.name] = mentions
        return out

    def mentions(self, units: Sequence[Unit], tokens: Sequence[TokenizedUnit]):
        """``(unit, tokens, {theme: mentions})`` for every unit that mentions a theme (units and tokens in
        the same order)."""
        for unit, unit_tokens in zip(units, tokens):
            found = self.unit_mentions(unit, unit_tokens)
            if found:
                yield unit, unit_tokens, found


class _UnitContext:
    """Token and sentence positions of one unit, for placing mentions."""

    def __init__(self, unit: Unit, tokens: TokenizedUnit, ends: list[int]) -> None:
        self.unit = unit
        self.tokens = tokens
        self.starts = tokens.starts
        self.ends = ends
        self.sentence_ends = sentence_ends(unit.norm)

    def token_of(self, position: int) -> int:
        """Index of the word token holding ``position``, or of the last one before it."""
        return max(bisect.bisect_right(self.starts, position) - 1, 0)

    def sentence_of(self, position: int) -> int:
        return bisect.bisect_right(self.sentence_ends, position)

    def fit(self, start: int, end: int) -> tuple[str, str]:
        index = bisect.bisect_right(self.starts, start) - 1
        if index >= 0 and self.ends[index] >= end:
            if self.starts[index] == start and self.ends[index] == end:
                return "token", ""
            return "nested", self.tokens.terms[index]
        return "split", ""


def _theme_mentions(theme: Theme, found: dict[str, list[int]], at: _UnitContext) -> list[Mention]:
    excluded = {at.sentence_of(p) for term in theme.exclude for p in found.get(term, ())}
    walls = [(p, p + len(term)) for term in theme.not_inside for p in found.get(term, ())]

    def allowed(start: int, end: int) -> bool:
        return not any(a <= start and end <= b and (a, b) != (start, end) for a, b in walls)

    spans = {term: [(p, p + len(term)) for p in found.get(term, ()) if allowed(p, p + len(term))]
             for term in theme.triggers}
    candidates: list[tuple[int, int, str, bool]] = []
    for alt in theme.alternatives:
        if isinstance(alt, str):
            candidates += [(s, e, alt, False) for s, e in spans.get(alt, ())]
        elif isinstance(alt, Near):
            seconds = spans.get(alt.second, [])
            for first in spans.get(alt.first, []):
                i = at.token_of(first[0])
                near = [(abs(at.token_of(s) - i), s, (s, e)) for s, e in seconds
                        if (s, e) != first and abs(at.token_of(s) - i) <= alt.window]
                if near:
                    second = min(near)[2]
                    if not ({at.sentence_of(first[0]), at.sentence_of(second[0])} & excluded):
                        candidates.append((min(first[0], second[0]), max(first[1], second[1]), str(alt), True))
        else:
            by_sentence: dict[int, list[tuple[str, int, int]]] = {}
            for term in alt.terms:
                for s, e in spans.get(term, ()):
                    by_sentence.setdefault(at.sentence_of(s), []).append((term, s, e))
            for sentence, hits in sorted(by_sentence.items()):
                if {t for t, _, _ in hits} >= set(alt.terms):
                    candidates.append((min(s for _, s, _ in hits), max(e for _, _, e in hits), str(alt), True))
    kept: list[Mention] = []
    last_end = -1
    unit, tokens = at.unit, at.tokens
    # at one position a literal mention is kept before a rule hit that starts there too
    for start, end, alt, is_rule in sorted(candidates, key=lambda c: (c[0], c[3], -c[1])):
        if start < last_end or at.sentence_of(start) in excluded:
            continue
        fit, within = ("", "") if is_rule else at.fit(start, end)
        kept.append(Mention(theme.name, tokens.unit_id, unit.doc_id, start, end, alt, is_rule, fit, within))
        last_end = end
    return kept
