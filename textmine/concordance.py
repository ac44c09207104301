"""Keyword in context over cleaned units: every occurrence of a term with the text around it.

Matching runs on ``Unit.norm`` (width- and script-folded), so 數據 finds 数据;
the lines show ``Unit.text`` as the reader sees it, and ``start``/``end`` are
character offsets in the original file. Context never crosses a paragraph.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .data import Corpus, Unit
from .errors import ConfigError

COLUMNS = ["query", "doc_id", "date", "unit_id", "start", "end", "left", "match", "right"]


def concordance(units: Iterable[Unit], query: str, *, width: int = 20, corpus: Corpus | None = None,
                fold=None) -> pd.DataFrame:
    """``query,doc_id,date,unit_id,start,end,left,match,right`` — one row per occurrence, in unit order.

    ``width`` is the number of characters of context on each side; ``corpus``
    (optional) supplies document dates; ``fold`` is the function that folds the
    query like the units were folded (default: width folding only).
    """
    if not isinstance(query, str) or not query.strip():
        raise ConfigError(f"concordance query = {query!r} is not allowed; expected a non-empty term")
    if width < 0:
        raise ConfigError(f"concordance width = {width!r} is out of range; it must be at least 0")
    from .normalize import fold_for_counting

    needle = fold(query.strip()) if fold else fold_for_counting(query.strip(), None)
    dates = {d.id: str(d.date) if d.date else "" for d in corpus} if corpus is not None else {}
    rows = []
    for unit in units:
        pos = unit.norm.find(needle)
        while pos >= 0:
            end = pos + len(needle)
            start_orig, end_orig = unit.original_span(pos, end)
            rows.append({"query": query, "doc_id": unit.doc_id, "date": dates.get(unit.doc_id, ""),
                         "unit_id": unit.id, "start": start_orig, "end": end_orig,
                         "left": unit.text[max(0, pos - width):pos], "match": unit.text[pos:end],
                         "right": unit.text[end:end + width]})
            pos = unit.norm.find(needle, end)
    return pd.DataFrame(rows, columns=COLUMNS)
