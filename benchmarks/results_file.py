"""Writing a benchmark's results file without losing what was written into it by hand."""

from __future__ import annotations

from pathlib import Path

#: Text below this line in a results file is notes written by hand; a rerun keeps it.
NOTES_MARKER = "<!-- reading by hand: kept when the benchmark is rerun -->"


def write_results(path: Path, lines: list[str]) -> None:
    """Write ``lines`` to ``path``, keeping the hand-written notes below :data:`NOTES_MARKER`."""
    notes = ""
    if path.exists() and NOTES_MARKER in path.read_text(encoding="utf-8"):
        notes = path.read_text(encoding="utf-8").split(NOTES_MARKER, 1)[1]
    path.write_text("\n".join(lines) + "\n" + NOTES_MARKER + notes, encoding="utf-8")
