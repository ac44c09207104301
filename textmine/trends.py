"""Theme counts and rates per document, in date order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import pandas as pd

from .data import Corpus, TokenizedUnit


def theme_counts(tokens: Iterable[TokenizedUnit], themes: Sequence[str], corpus: Corpus) -> pd.DataFrame:
    """``theme,doc_id,date,count,per_10k`` — one row per theme × document, documents by date.

    ``count`` is the number of tokens equal to the theme term (theme terms are
    protected, so this is every occurrence in the cleaned text); ``per_10k`` is
    per 10,000 word tokens of that document (punctuation and white space are
    not tokens).
    """
    counts: dict[str, Counter[str]] = {doc.id: Counter() for doc in corpus}
    totals: Counter[str] = Counter()
    wanted = set(themes)
    for unit in tokens:
        totals[unit.doc_id] += len(unit.terms)
        counts[unit.doc_id].update(t for t in unit.terms if t in wanted)
    rows = []
    ordered = corpus.by_date()
    for theme in themes:
        for doc in ordered:
            total = totals[doc.id]
            count = counts[doc.id][theme]
            rows.append({"theme": theme, "doc_id": doc.id, "date": str(doc.date) if doc.date else "",
                         "count": count, "per_10k": count / total * 1e4 if total else 0.0})
    return pd.DataFrame(rows, columns=["theme", "doc_id", "date", "count", "per_10k"])
