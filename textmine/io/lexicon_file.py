"""Append accepted terms to a user lexicon file (``textmine lexicon add``)."""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import ConfigError
from ..lexicon import read_lexicon_file
from ..normalize import fold_width

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
        entries, _ = read_lexicon_file(path)
        existing = {fold_width(t) for t, _ in entries}
        text = path.read_text(encoding="utf-8-sig")
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
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".lexicon-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(body)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ConfigError(f"cannot write lexicon file {str(path)!r}: {exc.strerror or exc}") from None
    return added, present
