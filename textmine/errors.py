"""Errors raised by textmine.

Every message names what was wrong (the file, key, row or value) and what is
allowed, so the command line can print it as a single line.
"""

from __future__ import annotations

from collections.abc import Iterable


class TextmineError(Exception):
    """Base class for errors a user can act on. ``exit_code`` is used by the CLI."""

    exit_code = 1


class ConfigError(TextmineError):
    """A configuration file, option or argument has a bad key or value."""

    exit_code = 2


class CorpusError(TextmineError):
    """The corpus is missing, unreadable or has no usable documents."""

    exit_code = 2


class StageError(TextmineError):
    """A stage cannot run on the data it was given (e.g. too little text for topics)."""

    exit_code = 1


class TooLittleText(StageError):
    """The corpus has too little text for a stage (fewer usable units than topics); a run of several stages
    leaves that stage out with a warning, a command of that stage alone stops with this error."""


def did_you_mean(word: str, choices: Iterable[str], *, limit: int = 3, prefix: str = "") -> str:
    """``"; did you mean 'k'?"`` (or ``"'a' or 'b'"``) for the choices close to ``word``; empty when none is.

    Closeness is difflib's ratio (at least 0.6), also tried without case, ``_`` and ``-``, so
    ``topic-k`` finds ``topic_k`` and ``Text_Col`` finds ``text_col``. ``prefix`` is put before each
    suggestion (``--`` for options compared without their dashes).
    """
    import difflib

    choices = [str(c) for c in choices]

    def fold(text: str) -> str:
        return text.lower().replace("_", "").replace("-", "")

    folded = {fold(c): c for c in choices}
    matches = difflib.get_close_matches(word, choices, n=limit, cutoff=0.6)
    for match in difflib.get_close_matches(fold(word), list(folded), n=limit, cutoff=0.6):
        if folded[match] not in matches:
            matches.append(folded[match])
    matches = matches[:limit]
    if not matches:
        return ""
    return "; did you mean " + " or ".join(repr(prefix + m) for m in matches) + "?"
