"""Prove that each lexicon term took effect: raw occurrences against single-token occurrences.

A term can be in the lexicon and still never come out as one token — it always
sits inside a longer protected term (语言模型 inside 大语言模型), its Latin edge
continues a longer name (DeepSeek inside DeepSeek-R1), or cleaning removes the
text it is in. ``check_lexicon`` flags such terms instead of ignoring them.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

CHECK_COLUMNS = ("term", "source", "raw", "tokens", "status", "note")
STATUS_HELP = {
    "ok": "every raw occurrence came out as one token",
    "partial": "some raw occurrences were cut or absorbed into a longer token",
    "never": "occurs in the text but never came out as one token: it does not take effect",
    "absent": "does not occur in this corpus",
}


def check_lexicon(prepared) -> pd.DataFrame:
    """One row per lexicon term (domain, user files, themes): ``term,source,raw,tokens,status,note``.

    ``raw`` counts the term in the cleaned, folded text (``Unit.norm``); ``tokens`` counts it as a
    single token in the segmentation. ``status`` is one of ``ok``, ``partial``, ``never``, ``absent``.
    """
    tokens = Counter(t for unit in prepared.tokens for t in unit.terms)
    texts = [u.norm for u in prepared.units]
    sources: dict[str, list[str]] = {}
    for entry in prepared.lexicon.entries:
        sources.setdefault(entry.term, [])
        if entry.source not in sources[entry.term]:
            sources[entry.term].append(entry.source)
    rows = []
    for term, where in sources.items():
        raw = sum(text.count(term) for text in texts)
        single = tokens[term]
        if raw == 0 and single == 0:
            status = "absent"
        elif single >= raw:
            status = "ok"
        elif single == 0:
            status = "never"
        else:
            status = "partial"
        note = _how_it_was_cut(term, prepared) if status in ("never", "partial") else ""
        rows.append((term, ";".join(where), raw, single, status, note))
    order = {"never": 0, "partial": 1, "ok": 2, "absent": 3}
    rows.sort(key=lambda r: (order[r[4]], -r[2], r[0]))
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS))


def _how_it_was_cut(term: str, prepared) -> str:
    """The most common ways the occurrences that did not become one token were segmented."""
    ways: Counter = Counter()
    for unit, tokenized in zip(prepared.units, prepared.tokens):
        start = unit.norm.find(term)
        while start >= 0:
            end = start + len(term)
            pieces = [t for t, s in zip(tokenized.terms, tokenized.starts) if s < end and s + len(t) > start]
            if pieces != [term]:
                ways[" / ".join(pieces)] += 1
            start = unit.norm.find(term, start + 1)
    if not ways:
        return ""
    return "as " + "; ".join(f"{way} ({n}×)" for way, n in ways.most_common(3))
