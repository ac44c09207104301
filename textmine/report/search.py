"""The data behind the report's search box: every cleaned paragraph, compactly, for the page to search.

The page holds each paragraph of ``units.csv`` as a reader sees it, with its document and page, the
documents' dates and word tokens (the denominators), the themes' counted mentions from ``kwic.csv``
(by paragraph and position, so a theme's lines are exactly the mentions ``trends.csv`` counts, rule
hits included), and what folding the run applied for counting. The page searches the counting form
of the text the way :func:`textmine.themes.occurrences` does — every occurrence, overlapping ones too,
also inside longer words, a Latin edge not continuing a Latin name — so the count of a plain term
equals what a theme of that one term counts.

Folding is sent as a character map (full-width forms and, when the run folded Traditional to
Simplified, each character's most frequent Simplified form in this corpus) plus the few positions
where the run's phrase-level folding chose otherwise, so the page's counting text is exactly the
run's. Positions are in UTF-16 code units, as JavaScript strings count them.

:func:`pack` turns the data into compressed bytes (zlib, decompressed in the browser with
``DecompressionStream``), so a 500-document report stays small.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..figures import date_position
from ..groups import text_column
from .build import RunFiles, kwic_how

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")     # characters that take two UTF-16 code units


def _utf16(text: str, index: int) -> int:
    """The UTF-16 offset of code point ``index`` of ``text``."""
    return index + len(_ASTRAL.findall(text, 0, index))


#: characters of paragraphs :func:`folding` compares at a time: its arrays take about 30 bytes a character, so a
#: corpus of 36 million characters compared at once took 1 GB more than the rest of its report
FOLDING_CHUNK_CHARS = 2_000_000


def folding(texts: list[str], fold_traditional: bool,
            chunk_chars: int = FOLDING_CHUNK_CHARS) -> tuple[dict[str, str], list[list[int | str]]]:
    """``(map, exceptions)``: a character map the page applies one character at a time, and ``[unit, offset,
    char]`` where the run's folding of that unit differs from the map (offsets in UTF-16 units).

    The map sends each character to what the run's folding turned it into most often (the smaller character
    on a tie), counted over the characters of the basic plane; the texts are compared as arrays of code
    points, ``chunk_chars`` characters of whole paragraphs at a time (the result does not depend on it)."""
    import numpy as np

    from ..normalize import SimplifiedFolder, fold_many_for_counting

    folded = fold_many_for_counting(texts, SimplifiedFolder() if fold_traditional else None)
    if not texts:
        return {}, []
    chunks = _text_chunks(texts, chunk_chars)

    def points(first: int, last: int):
        original = np.frombuffer("".join(texts[first:last]).encode("utf-32-le"), np.uint32)
        target = np.frombuffer("".join(folded[first:last]).encode("utf-32-le"), np.uint32)
        return original, target, (original <= 0xFFFF) & (target <= 0xFFFF)

    found_pairs, found_counts = [], []
    for first, last in chunks:
        original, target, basic = points(first, last)
        changed = np.flatnonzero((original != target) & basic)
        pairs, counts = np.unique(original[changed].astype(np.int64) << 21 | target[changed], return_counts=True)
        found_pairs.append(pairs)
        found_counts.append(counts)
    pairs, index = np.unique(np.concatenate(found_pairs), return_inverse=True)
    counts = np.bincount(index.ravel(), weights=np.concatenate(found_counts), minlength=len(pairs)).astype(np.int64)
    sources, targets = pairs >> 21, pairs & ((1 << 21) - 1)
    # per source character: the most frequent target, the smallest on a tie
    order = np.lexsort((targets, -counts, sources))
    first_of = order[np.r_[True, sources[order][1:] != sources[order][:-1]]] if len(order) else order
    mapping = {chr(a): chr(b) for a, b in zip(sources[first_of].tolist(), targets[first_of].tolist())}
    table = np.arange(0x10000, dtype=np.uint32)
    table[sources[first_of]] = targets[first_of]
    exceptions: list[list[int | str]] = []
    for first, last in chunks:
        differs = np.array([t != f for t, f in zip(texts[first:last], folded[first:last])], dtype=bool)
        if not differs.any():
            continue
        original, target, basic = points(first, last)
        lengths = np.array([len(t) for t in texts[first:last]], dtype=np.int64)
        unit = np.repeat(np.arange(first, last, dtype=np.int64), lengths)
        mapped = table[np.where(basic, original, 0)]
        where = np.flatnonzero(differs[unit - first] & basic & (mapped != target))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        for pos, u in zip(where.tolist(), unit[where].tolist()):
            text, i = texts[u], pos - int(starts[u - first])
            exceptions.append([u, _utf16(text, i), folded[u][i]])
    return dict(sorted(mapping.items())), exceptions


def _text_chunks(texts: list[str], chunk_chars: int) -> list[tuple[int, int]]:
    """``(first, last)`` ranges of whole texts of about ``chunk_chars`` characters each (a longer text alone)."""
    ranges, first, size = [], 0, 0
    for i, text in enumerate(texts):
        if size and size + len(text) > chunk_chars:
            ranges.append((first, i))
            first, size = i, 0
        size += len(text)
    ranges.append((first, len(texts)))
    return ranges


def _locate(text: str, left: str, match: str, after: int) -> int:
    """Where a KWIC line's match starts in its paragraph (code points), searching from ``after``."""
    for probe, shift in ((left + match, len(left)), (match, 0)):
        found = text.find(probe, max(0, after - shift))
        if found >= 0:
            return found + shift
        found = text.find(probe)
        if found >= 0:
            return found + shift
    return -1


def search_data(run: RunFiles) -> dict[str, Any] | None:
    """What the search box needs (see the module docs), or None when the folder lacks ``units.csv`` or
    ``documents.csv``."""
    units, documents = run.tables.get("units"), run.tables.get("documents")
    if units is None or documents is None or units.empty:
        return None
    config = run.manifest.get("config") or {}
    doc_ids = text_column(documents, "doc_id")
    doc_index = {d: i for i, d in enumerate(doc_ids)}
    titles = text_column(documents, "title")
    stubs = documents["stub"].map(lambda v: str(v).lower() in ("true", "1")).tolist() if "stub" in documents.columns \
        else [False] * len(doc_ids)
    docs = []
    for doc_id, date, tokens, stub, title in zip(doc_ids, text_column(documents, "date"),
                                                 documents["tokens"].tolist(), stubs, titles):
        x = date_position(date)
        docs.append([doc_id, date, None if x is None else round(x, 5), int(tokens), int(bool(stub)), title])
    kept = units[units["doc_id"].astype(str).isin(doc_index)]
    texts = text_column(kept, "text")
    pages = kept["page"].tolist() if "page" in kept.columns else [None] * len(texts)
    unit_rows = []
    for doc_id, page, text in zip(text_column(kept, "doc_id"), pages, texts):
        try:
            number = int(float(page))
        except (TypeError, ValueError):
            number = 0
        unit_rows.append([doc_index[doc_id], number, text])
    traditional = bool((config.get("clean") or {}).get("fold_traditional", True))
    fold_map, exceptions = folding(texts, traditional)
    themes, mentions, hows = _mentions(run, kept, texts)
    from .findings import periods_by, trend_periods

    periods = [[label, date_position(label), [doc_index[d] for d in ids if d in doc_index]]
               for label, ids in trend_periods(run).items()]
    return {"docs": docs, "units": unit_rows, "fold": fold_map, "traditional": traditional, "exceptions": exceptions, "themes": themes,
            "mentions": mentions, "hows": hows, "periods": periods,
            "width": int((config.get("kwic") or {}).get("width", 30) or 30),
            "by": periods_by(run)}


def _mentions(run: RunFiles, units: pd.DataFrame, texts: list[str]) -> tuple[list[str], list[list[int]], list[str]]:
    """The themes' mentions of ``kwic.csv`` as ``[theme, unit, offset, length, how]`` (UTF-16 offsets)."""
    kwic = run.tables.get("kwic")
    if kwic is None or "unit_id" not in kwic.columns:
        return [], [], []
    unit_index = {u: i for i, u in enumerate(text_column(units, "unit_id"))}
    themes: dict[str, int] = {}
    hows: dict[str, int] = {}
    out = []
    last: dict[tuple[int, int], int] = {}
    astral = [_ASTRAL.search(text) is not None for text in texts]
    for row in kwic.itertuples(index=False):
        u = unit_index.get(str(row.unit_id))
        if u is None:
            continue
        text, left, match = texts[u], str(row.left), str(row.match)
        t = themes.setdefault(str(row.query), len(themes))
        at = _locate(text, left, match, last.get((t, u), 0))
        if at < 0:
            continue
        last[(t, u)] = at + 1
        start = _utf16(text, at) if astral[u] else at
        length = (_utf16(text, at + len(match)) if astral[u] else at + len(match)) - start
        h = hows.setdefault(kwic_how(row), len(hows))
        out.append([t, u, start, length, h])
    return list(themes), out, list(hows)


def embedded_search(run: RunFiles, cache=None) -> dict[str, Any] | None:
    """The search data as the page embeds it: ``packed`` (:func:`pack`), ``chars`` (every character the search
    can show, for the font) and ``traditional``; None without ``units.csv`` or ``documents.csv``.

    With a ``cache`` (:class:`textmine.io.cache.Cache`) it is kept under the bytes of the files it is made from
    (``units.csv``, ``documents.csv``, ``kwic.csv``) and the run's config: a run whose paragraphs, documents
    and mentions did not change reads it instead of folding and packing every paragraph again."""
    def make() -> dict[str, Any] | None:
        data = search_data(run)
        if data is None:
            return None
        return {"packed": pack(data), "chars": "".join(sorted(set(search_text(data)))),
                "traditional": data["traditional"]}

    if cache is None:
        return make()
    import hashlib

    from ..keys import digest
    from ..provenance import package_versions

    files = [(run.run_dir / name).read_bytes() if (run.run_dir / name).is_file() else None
             for name in ("units.csv", "documents.csv", "kwic.csv")]
    key = digest("report search", [None if data is None else hashlib.sha256(data).hexdigest() for data in files],
                 run.manifest.get("config"), package_versions(["textmine"], python=False))
    kept = cache.files("report").through(key, lambda: json.dumps(make(), ensure_ascii=False).encode("utf-8"))
    return json.loads(kept)


def pack(data: Mapping[str, Any]) -> str:
    """The data as base64 of zlib-compressed UTF-8 JSON (the same data gives the same text)."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")   # 9: 1 % smaller, twice the time


def search_text(data: Mapping[str, Any] | None) -> str:
    """Every character the search can show (for the embedded font)."""
    if not data:
        return ""
    return "".join(u[2] for u in data["units"]) + "".join(d[0] + d[1] + d[5] for d in data["docs"])


__all__ = ["embedded_search", "folding", "pack", "search_data", "search_text"]
