"""CSV cells that a spreadsheet would run as a formula are written as text.

Corpus text can begin with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return); Excel, LibreOffice and Google Sheets treat such a cell as a formula
(CSV/formula injection: ``=HYPERLINK(…)``, ``=cmd|…``). Following the OWASP
advice, every text cell that starts with one of these characters gets a
leading apostrophe, which spreadsheets read as "this is text". Numbers are
never changed (``-0.5`` in a numeric column stays a number).

To keep this reversible, a text cell that already starts with apostrophes
followed by such a character gets one more apostrophe; :func:`restore_text`
(and :func:`read_output_csv`) remove exactly one, giving back the original
text. Quotes and newlines inside cells are quoted as RFC 4180 says (pandas'
default), so every cell reads back whole.
"""

from __future__ import annotations

import re
from operator import itemgetter
from pathlib import Path

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_GUARD = re.compile(r"^'*[=+\-@\t\r]")
_GUARDED = re.compile(r"^''*[=+\-@\t\r]")


#: The first characters of every text that may need a guard (a cheap test before the pattern).
RISKY_FIRST = frozenset("'=+-@\t\r")


def guard_str(value: str) -> str:
    """:func:`guard_text` of a string (row writers call it millions of times, so no type test)."""
    return "'" + value if value[:1] in RISKY_FIRST and _NEEDS_GUARD.match(value) else value


_FIRST = itemgetter(slice(0, 1))


def guard_column(values: list[str]) -> list[str]:
    """:func:`guard_str` of each of ``values``; ``values`` itself when none starts with a risky character (one pass
    over the first characters, as most columns are: a call per cell cost 0.1 s on three copies of the reviews)."""
    if RISKY_FIRST.isdisjoint(set(map(_FIRST, values))):
        return values
    return list(map(guard_str, values))


def guard_text(value: object) -> object:
    """``'=1+1`` for ``=1+1``; other values unchanged (non-strings included)."""
    return guard_str(value) if isinstance(value, str) else value


def restore_text(value: object) -> object:
    """Undo :func:`guard_text`."""
    if isinstance(value, str) and _GUARDED.match(value):
        return value[1:]
    return value


def guard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text columns are guarded (the frame itself is not changed)."""
    text_columns = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    changed = {}
    for column in text_columns:
        values = frame[column]
        try:
            mask = values.str.match(_NEEDS_GUARD.pattern, na=False).astype(bool)
        except AttributeError:  # an object column without strings
            continue
        if mask.any():
            changed[column] = values.where(~mask, "'" + values[mask])
    return frame.assign(**changed) if changed else frame


def read_output_csv(path: str | Path, **kwargs) -> pd.DataFrame:
    """Read a CSV textmine wrote (UTF-8 with or without a byte-order mark), with guarded text cells restored to
    the original text."""
    kwargs.setdefault("encoding", "utf-8-sig")
    return restore_frame(pd.read_csv(path, keep_default_na=False, **kwargs))


def restore_frame(frame: pd.DataFrame, columns=None) -> pd.DataFrame:
    """``frame`` with :func:`restore_text` applied to its text columns (or to ``columns``), in place."""
    for column in frame.columns if columns is None else [c for c in columns if c in frame.columns]:
        values = frame[column]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        # most columns hold no guarded cell: one search of the joined column tells (a pattern matched per cell
        # of an object column costs a Python call each, seconds over a large run's tables)
        if "\0'" not in "\0" + "\0".join(map(str, values.tolist())):
            continue
        try:
            guarded = values.str.match(_GUARDED.pattern, na=False).astype(bool)
        except AttributeError:   # an object column without strings
            continue
        if guarded.any():
            frame[column] = values.where(~guarded, values[guarded].str[1:])
    return frame


def is_true(value) -> bool:
    """A flag cell of an output CSV (``stub``, ``unstable``, ``ci_separated`` …) read back: True, 1 or yes."""
    return str(value).strip().lower() in ("true", "1", "yes")


__all__ = ["FORMULA_START", "guard_text", "guard_str", "restore_text", "restore_frame", "guard_frame", "read_output_csv",
           "is_true"]
