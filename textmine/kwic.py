"""Keyword in context: every hit of a term or a theme with its left and right context.

A query is a theme name (its rule decides what matches) or a term (matched as a
token; queries are protected in segmentation, so a term is never cut apart).
Context is taken from the paragraph's display text (original script), ``width``
characters on each side; ``start``/``end`` are character offsets of the match
in the original file, so ``original[start:end]`` is the match as written there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .normalize import SimplifiedFolder, fold_for_counting
from .themes import Theme, find_unit_hits

if TYPE_CHECKING:   # pandas loads when a table is made (a light `import textmine`)
    import pandas as pd

KWIC_COLUMNS = ["query", "doc_id", "date", "start", "end", "left", "match", "right", "unit_id", "rule"]


def query_theme(query: str, prepared) -> Theme:
    """The theme a query names, or a one-term theme for a plain term (folded like the text)."""
    folder = SimplifiedFolder() if prepared.config.clean.fold_traditional else None
    term = fold_for_counting(query.strip(), folder)
    themes = prepared.theme_set
    if themes is not None and term in themes:
        return themes[term]
    return Theme(term, (term,))


def _flat(text: str) -> str:
    return " ".join(text.split()) if "\n" in text or "\t" in text else text


def kwic_table(prepared, queries: Sequence[str], *, width: int = 30) -> pd.DataFrame:
    """``query,doc_id,date,start,end,left,match,right,unit_id,rule`` — one row per hit, documents by date."""
    import pandas as pd

    order = {doc.id: i for i, doc in enumerate(prepared.corpus.by_date())}
    dates = {doc.id: str(doc.date) if doc.date else "" for doc in prepared.corpus}
    rows = []
    for query in dict.fromkeys(q.strip() for q in queries if q.strip()):
        theme = query_theme(query, prepared)
        found = []
        for unit, tokens in zip(prepared.units, prepared.tokens):
            for hit in find_unit_hits(theme, unit, tokens):
                start, end = unit.original_span(hit.start, hit.end)
                found.append((order[unit.doc_id], unit.index, hit.start, {
                    "query": query, "doc_id": unit.doc_id, "date": dates[unit.doc_id], "start": start, "end": end,
                    "left": _flat(unit.text[max(0, hit.start - width):hit.start]),
                    "match": _flat(unit.text[hit.start:hit.end]),
                    "right": _flat(unit.text[hit.end:hit.end + width]),
                    "unit_id": unit.id, "rule": hit.alternative}))
        rows += [row for *_, row in sorted(found, key=lambda f: f[:3])]
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def format_kwic(table: pd.DataFrame, *, width: int = 30) -> str:
    """Concordance lines for a terminal: left context right-aligned, the match in 【】."""
    lines = []
    for row in table.itertuples(index=False):
        left = str(row.left)
        pad = "\u3000" * max(0, width - len(left))
        lines.append(f"{row.doc_id}:{row.start}\t{pad}{left}【{row.match}】{row.right}")
    return "\n".join(lines)
