"""Keyword in context: every mention of a term or a theme, with its left and right context.

A query is a theme name (its rule decides what matches) or a term (every occurrence of it in the
folded text, also inside a longer word). The rows are the mentions that the theme counts in
``trends.csv`` count (:func:`textmine.trends.mention_table`), one row each. Context is taken from
the paragraph's display text (original script), ``width`` characters on each side; ``start``/``end``
are character offsets of the match in the original file, so ``original[start:end]`` is the match
as written there; ``page`` is the page of the source (PDF) where the paragraph starts, empty where
the source has no pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # pandas loads when a table is made (a light `import textmine`)
    import pandas as pd

KWIC_COLUMNS = ["query", "doc_id", "date", "start", "end", "left", "match", "right", "unit_id", "rule", "fit",
                "within", "page"]


def _flat(text: str) -> str:
    return " ".join(text.split()) if "\n" in text or "\t" in text else text


def kwic_table(prepared, queries: Sequence[str], *, width: int = 30) -> pd.DataFrame:
    """One row per mention (see :data:`KWIC_COLUMNS`), per query in the order given, documents by date.

    ``rule`` is the term or rule that matched; ``fit`` and ``within`` say how the segmentation holds a
    literal mention (see :mod:`textmine.themes`).
    """
    import pandas as pd

    found = kwic_rows(prepared, queries, width=width)
    return pd.DataFrame([row for rows in found.values() for *_, row in sorted(rows, key=lambda f: f[:3])],
                        columns=KWIC_COLUMNS)


def kwic_rows(prepared, queries: Sequence[str], *, width: int = 30, first_document: int = 0) -> dict[str, list]:
    """The rows of :func:`kwic_table` by query, unsorted: ``(document key, paragraph number, start, row)``, where
    sorting by the first three gives the table's order. The document key is the date order of
    :meth:`textmine.data.Corpus.by_date`: undated last, then the date, then the document's position in the
    corpus (``first_document`` + its position in ``prepared.corpus``, for a part of a corpus)."""
    from .preparation import fold_query, load_themes
    from .trends import mention_table

    names = [q.strip() for q in queries if q.strip()]
    if not names:
        return {}
    shown: dict[str, str] = {}
    for name in names:
        shown.setdefault(fold_query(name, prepared.config), name)
    themes = load_themes(prepared.config.replace(trends={"themes": names}))
    mentions = mention_table(prepared.units, prepared.tokens, themes, match=prepared.config.trends.match)
    units = {u.id: u for u in prepared.units}
    documents = {d.id: d for d in prepared.corpus}
    order = {doc.id: (doc.date is None, doc.date.sort_key() if doc.date else (0, 0, 0), first_document + i)
             for i, doc in enumerate(prepared.corpus)}
    found: dict[str, list] = {}
    for theme in themes.names:
        query = shown[theme]
        rows = found.setdefault(query, [])
        for m in mentions[mentions["theme"] == theme].itertuples(index=False):
            unit = units[m.unit_id]
            doc = documents[m.doc_id]
            start, end = unit.original_span(m.start, m.end)
            page = doc.page_at(start)
            rows.append((order[m.doc_id], unit.index, m.start, {
                "query": query, "doc_id": m.doc_id, "date": str(doc.date) if doc.date else "",
                "page": "" if page is None else page, "start": start, "end": end,
                "left": _flat(unit.text[max(0, m.start - width):m.start]), "match": _flat(unit.text[m.start:m.end]),
                "right": _flat(unit.text[m.end:m.end + width]), "unit_id": m.unit_id, "rule": m.alternative,
                "fit": m.fit, "within": m.within}))
    return found


def format_kwic(table: pd.DataFrame, *, width: int = 30) -> str:
    """Concordance lines for a terminal: left context right-aligned, the match in 【】."""
    lines = []
    for row in table.itertuples(index=False):
        left = str(row.left)
        pad = "\u3000" * max(0, width - len(left))
        lines.append(f"{row.doc_id}:{row.start}\t{pad}{left}【{row.match}】{row.right}")
    return "\n".join(lines)
