"""Choose groups of documents by id, date or metadata, for comparisons such as keyness.

An expression is one of

- ``id1,id2`` — document ids;
- ``FIELD=V1,V2`` — documents whose metadata field (or ``date``, ``year``, ``id``) is one of the values;
- ``FIELD>=V``, ``FIELD>V``, ``FIELD<=V``, ``FIELD<V`` — compared as numbers when both sides are numbers,
  otherwise as dates (``date``/``year``) or text;
- ``latest`` / ``earliest`` — the last / first document by date.

Conditions joined with ``&`` must all hold (``year>=2000&publisher=新华社``).
"""

from __future__ import annotations

import re

from .data import Corpus, Document, PartialDate
from .errors import ConfigError

_CONDITION = re.compile(r"^\s*([^=<>!]+?)\s*(>=|<=|!=|=|>|<)\s*(.+?)\s*$")


def _value(doc: Document, field: str) -> str | None:
    if field == "id":
        return doc.id
    if field == "date":
        return str(doc.date) if doc.date else None
    if field == "year":
        return f"{doc.date.year:04d}" if doc.date else None
    value = doc.meta.get(field)
    return None if value is None or value == "" else str(value)


def _key(value: str, field: str):
    if field in ("date", "year"):
        try:
            date = PartialDate.parse(value)
            if date:
                return (1, date.sort_key(), "")
        except ValueError:
            pass
    try:
        return (0, float(value), "")
    except ValueError:
        return (2, 0, value)


def _matches(doc: Document, field: str, op: str, wanted: str) -> bool:
    value = _value(doc, field)
    if value is None:
        return False
    if op in ("=", "!="):
        hit = value in [w.strip() for w in wanted.split(",")]
        if field == "date" and not hit:  # date=2025 also selects 2025-10 and 2025-10-03
            hit = any(value.startswith(w.strip() + "-") for w in wanted.split(","))
        return hit if op == "=" else not hit
    left, right = _key(value, field), _key(wanted, field)
    if left[0] != right[0]:
        return False
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def select_documents(corpus: Corpus, expression: str, *, name: str = "--target") -> list[str]:
    """Ids of the documents an expression selects, in corpus order; an expression selecting none is an error."""
    expression = expression.strip()
    if not expression:
        raise ConfigError(f"{name} is empty; give document ids, FIELD=VALUE or FIELD>=VALUE")
    ordered = corpus.by_date()
    if expression in ("latest", "earliest"):
        dated = [d for d in ordered if d.date] or list(ordered)
        return [(dated[-1] if expression == "latest" else dated[0]).id]
    fields = {"id", "date", "year", *(k for d in corpus for k in d.meta)}
    docs = list(corpus)
    if not _CONDITION.match(expression.split("&")[0]):
        ids = [i.strip() for i in expression.split(",") if i.strip()]
        unknown = [i for i in ids if i not in corpus.ids]
        if unknown:
            raise ConfigError(f"{name} = {expression!r}: no document {unknown[0]!r}; "
                              f"ids are {', '.join(corpus.ids[:8])}{' …' if len(corpus) > 8 else ''}")
        return [d.id for d in docs if d.id in ids]
    for part in expression.split("&"):
        match = _CONDITION.match(part)
        if not match:
            raise ConfigError(f"{name} = {expression!r}: cannot read {part!r}; expected FIELD=VALUE or FIELD>=VALUE")
        field, op, wanted = match.groups()
        if field not in fields:
            raise ConfigError(f"{name} = {expression!r}: unknown field {field!r}; fields are {', '.join(sorted(fields))}")
        docs = [d for d in docs if _matches(d, field, op, wanted)]
    if not docs:
        raise ConfigError(f"{name} = {expression!r} selects no document")
    return [d.id for d in docs]


def text_column(table, name: str) -> list[str]:
    """The cells of column ``name`` of a DataFrame as text ("" for a missing cell, or for every row when the
    column is absent). Each text cell is its own string (``str`` of a string is itself): ``astype(str)``
    would copy every one, and iterating the column yields each cell through a Python call."""
    if name not in table.columns:
        return [""] * len(table)
    return [str(v) for v in table[name].fillna("").tolist()]


def table_corpus(documents) -> Corpus:
    """A :class:`~textmine.data.Corpus` of text-less documents with the ids, dates, titles and publishers of a
    ``documents.csv`` table (a DataFrame): enough to form groups and periods as the run did when they are by
    date, title or publisher. An empty or unreadable date is no date."""
    date_column = text_column(documents, "date")
    dates: dict[str, PartialDate | None] = {"": None}
    for value in set(date_column) - {""}:
        try:
            dates[value] = PartialDate.parse(value)
        except ValueError:
            dates[value] = None
    docs = []
    for doc_id, date, title, publisher in zip(text_column(documents, "doc_id"), date_column,
                                              text_column(documents, "title"), text_column(documents, "publisher")):
        meta = {k: v for k, v in (("title", title), ("publisher", publisher)) if v}
        docs.append(Document(doc_id, "", meta=meta, date=dates[date]))
    return Corpus(tuple(docs))
