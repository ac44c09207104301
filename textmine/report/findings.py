"""What a run found, read from its tables: the section the report opens with.

Each finding quotes the table row it comes from (file and line, linked to that row in the
report) and names its evidence — a search of the report's own text for the term, limited to the
documents concerned, or a topic's representative paragraphs. Nothing is computed here that a
table does not hold; choosing is all it does:

- **rose / fell**: rows of ``trend_changes.csv`` whose two periods' intervals do not overlap
  (``ci_separated``), the largest change of each theme first; when no change is separated, the largest
  are listed and marked as not established;
- **new**: terms of ``period_keywords.csv`` no earlier period uses (``first_appearance``);
- **topics**: the topic with the largest share of each date in ``topic_dates.csv`` (dates merged into
  years or decades when there are many), consecutive dates with the same leading topic as one span;
- **distinctive**: each document's first terms in ``keyness.csv`` (against all other documents);
- **latest**: ``keyness_compare.csv``, both groups named by their documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..data import Corpus
from ..groups import text_column
from ..io.csvsafe import is_true
from .build import RunFiles, csv_line, row_anchor

#: items per finding card
CARD_ITEMS = 5
#: lines of the new-terms and topics cards
CARD_LINES = 8
#: terms per document in the distinctive-terms list
DOC_TERMS = 4
#: documents in the distinctive-terms list (a report of a large corpus stays quick to render and to open)
DISTINCTIVE_DOCS = 500


def periods_by(run: RunFiles) -> str:
    """The run's ``[trends] by``: what its periods are (date, year, month or a metadata field)."""
    return str(((run.manifest.get("config") or {}).get("trends") or {}).get("by", "date"))


def _stubs(documents: pd.DataFrame) -> list[str]:
    if "stub" not in documents.columns:
        return []
    return [str(d) for d, s in zip(documents["doc_id"], documents["stub"]) if is_true(s)]


def trend_periods(run: RunFiles) -> dict[str, list[str]]:
    """Period label → its documents, as ``trends_period.csv`` formed them ([trends] by; stubs left out);
    empty when the periods are by a metadata field documents.csv does not hold."""
    from ..errors import ConfigError
    from ..trends import assign_periods

    documents = run.tables.get("documents")
    if documents is None or documents.empty:
        return {}
    by = periods_by(run)
    stubs = set(_stubs(documents))
    kept = [d for d in run.corpus if d.id not in stubs]
    if not kept:
        return {}
    try:
        return {p.label: list(p.doc_ids) for p in assign_periods(Corpus(tuple(kept)), by)}
    except ConfigError:
        return {}


def keyword_periods(run: RunFiles) -> dict[str, list[str]]:
    """Period label → its documents, as ``period_keywords.csv`` formed them."""
    from ..errors import ConfigError
    from ..keywords import keyword_periods as periods_of

    documents = run.tables.get("documents")
    if documents is None or documents.empty:
        return {}
    by = periods_by(run)
    try:
        return dict(periods_of(run.corpus, by, stubs=_stubs(documents)))
    except ConfigError:
        return {}


def _row(anchor: str, index: int, source: str, shown: set[str] | None = None) -> dict[str, str]:
    """A link to line ``index + 2`` of ``source`` (the row's id in the report, when the row is shown there)."""
    target = row_anchor(anchor, index)
    return {"href": f"#{target}" if shown is None or target in shown else "",
            "label": f"{source} line {csv_line(index)}",
            "short": f"row {csv_line(index)}"}


def _evidence(query: str, docs: Sequence[str] = (), label: str = "evidence") -> dict[str, Any]:
    return {"q": str(query), "docs": [str(d) for d in docs], "label": label}


def _rate(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def changes(run: RunFiles, direction: str, periods: Mapping[str, list[str]], shown: set[str]) -> dict[str, Any] | None:
    """The largest rises (or falls) whose intervals separate, one per theme (see the module docs)."""
    table = run.tables.get("trend_changes")
    if table is None or "direction" not in table.columns:
        return None
    rows = table[table["direction"] == direction]
    separated = rows[rows["ci_separated"].map(is_true)] if "ci_separated" in rows.columns else rows.iloc[0:0]
    established = not separated.empty
    pool = separated if established else rows
    pool = pool.assign(size=pool["change"].abs()).sort_values(["size", "theme"], ascending=[False, True],
                                                               kind="stable")
    pool = pool.drop_duplicates("theme").head(CARD_ITEMS if established else 3)
    items = []
    for index, r in pool.iterrows():
        before, after = float(r["per_10k_from"]), float(r["per_10k_to"])
        ratio = 2 ** float(r["log2_ratio"]) if "log2_ratio" in r and not pd.isna(r["log2_ratio"]) else None
        factor = (f" (×{ratio:.2f})" if ratio < 1 else f" (×{ratio:.1f})" if ratio < 10 else f" (×{ratio:.0f})") \
            if ratio is not None and before > 0 and after > 0 else \
            " (from none)" if before == 0 else " (to none)" if after == 0 else ""
        docs = periods.get(str(r["from_period"]), []) + periods.get(str(r["to_period"]), [])
        items.append({"title": str(r["theme"]),
                      "text": f"{r['from_period']} → {r['to_period']}: {_rate(before)} → {_rate(after)} per 10k"
                              f"{factor}",
                      "row": _row("tc", index, "trend_changes.csv", shown), "evidence": _evidence(r["theme"], docs),
                      "established": established})
    note = "" if established or rows.empty else \
        "No change has separated intervals; the largest are shown, not established."
    if rows.empty:
        note = _no_time_order(run) or \
            "No theme " + ("rose" if direction == "rise" else "fell") + " between consecutive periods."
    return {"items": items, "note": note, "count": len(separated)}


def _no_time_order(run: RunFiles) -> str:
    """What to say when the periods are groups that follow no order in time (by a field such as a category,
    of undated documents): ``trend_changes.csv`` is then empty though there are several periods."""
    by = periods_by(run)
    changes, periods = run.tables.get("trend_changes"), run.tables.get("trends_period")
    if by in ("date", "year", "month") or changes is None or not changes.empty or periods is None \
            or periods["period"].nunique() < 2:
        return ""
    return (f"The periods are groups by {by}, in no order in time (undated, not numbers): nothing rises, falls "
            "or is new between them. trends_period.csv and period_keywords.csv compare the groups.")


def new_terms(run: RunFiles, shown: set[str]) -> dict[str, Any] | None:
    """Per period, its most distinctive terms that no earlier period uses (``period_keywords.csv``); without
    that table, the themes' first appearances in ``trends.csv``."""
    table = run.tables.get("period_keywords")
    if table is not None and "first_appearance" in table.columns:
        periods = keyword_periods(run)
        new = table[table["first_appearance"].map(is_true)].sort_values("rank", kind="stable")
        lines = []
        for period in dict.fromkeys(table["period"].astype(str)):
            rows = new[new["period"].astype(str) == period].head(3)
            if rows.empty:
                continue
            lines.append({"title": period, "terms": [
                {"term": str(r["term"]), "row": _row("pk", i, "period_keywords.csv", shown),
                 "evidence": _evidence(r["term"], periods.get(period, []))} for i, r in rows.iterrows()]})
        return {"items": lines[-CARD_LINES:], "more": max(0, len(lines) - CARD_LINES), "source": "period_keywords.csv",
                "note": "" if lines else _no_time_order(run) or "No period's distinctive terms are new to it."}
    trends = run.tables.get("trends")
    if trends is None or "first_appearance" not in trends.columns:
        return None
    first = trends[trends["first_appearance"].map(is_true)]
    lines = [{"title": str(r["theme"]), "terms": [], "text": f"first in {r['doc_id']} ({r['date']})",
              "row": _row("tr", i, "trends.csv", set()), "evidence": _evidence(r["theme"], [r["doc_id"]])}
             for i, r in first.iterrows()]
    return {"items": lines[:CARD_LINES], "more": max(0, len(lines) - CARD_LINES), "source": "trends.csv", "note": ""}


def leading_topics(run: RunFiles, shown: set[str]) -> dict[str, Any] | None:
    """Spans of dates with the same leading topic (largest share), from ``topic_dates.csv``."""
    from ..keywords import MAX_KEYWORD_PERIODS, coarser_period
    from ..trends import dates_beyond_stubs

    table = run.tables.get("topic_dates")
    if table is None or table.empty:
        return None
    frame = table.assign(date=table["date"].astype(str), line=table.index)
    real = dates_beyond_stubs(run.tables.get("documents"))
    if real:
        frame = frame[frame["date"].isin(real)]
    if frame.empty:
        return None
    dates = list(dict.fromkeys(frame["date"]))
    groups = {d: d for d in dates}
    for level in ("month", "year", "decade"):
        if len(set(groups.values())) <= MAX_KEYWORD_PERIODS:
            break
        groups = {d: coarser_period(g, level) for d, g in groups.items()}
    frame = frame.assign(group=frame["date"].map(groups))
    n_docs = frame["n_docs"] if "n_docs" in frame.columns else pd.Series(1, index=frame.index)
    frame = frame.assign(mass=frame["weight"].astype(float) * n_docs, docs=n_docs)
    summary = frame.groupby(["group", "topic"], sort=False).agg(mass=("mass", "sum"), docs=("docs", "sum"),
                                                                 line=("line", "first")).reset_index()
    summary["share"] = summary["mass"] / summary["docs"].clip(lower=1)
    labels = dict(zip(frame["topic"], frame["label"].astype(str)))
    unstable = dict(zip(frame["topic"], frame["unstable"].map(is_true))) if "unstable" in frame.columns else {}
    leaders = []
    for group in dict.fromkeys(frame["group"]):
        rows = summary[summary["group"] == group].sort_values(["share", "topic"], ascending=[False, True])
        top = rows.iloc[0]
        leaders.append((group, int(top["topic"]), float(top["share"]), int(top["line"])))
    spans: list[dict[str, Any]] = []
    for group, topic, share, line in leaders:
        if spans and spans[-1]["topic"] == topic:
            spans[-1]["last"] = group
            spans[-1]["shares"].append(share)
            continue
        spans.append({"first": group, "last": group, "topic": topic, "shares": [share], "line": line})
    items = []
    for span in spans:
        when = span["first"] if span["first"] == span["last"] else f"{span['first']}–{span['last']}"
        low, high = min(span["shares"]) * 100, max(span["shares"]) * 100
        share = f"{low:.0f} %" if round(low) == round(high) else f"{low:.0f}–{high:.0f} %"
        flag = " (unstable topic)" if unstable.get(span["topic"]) else ""
        items.append({"title": when, "text": f"topic {span['topic']} · {labels.get(span['topic'], '')}: mean share "
                                             f"{share}{flag}",
                      "row": _row("td", span["line"], "topic_dates.csv", shown),
                      "topic": span["topic"]})
    return {"items": items[:CARD_LINES], "more": max(0, len(items) - CARD_LINES),
            "grouped": any(g != d for d, g in groups.items())}


def distinctive(run: RunFiles, context: Mapping[str, Any], shown: set[str]) -> dict[str, Any] | None:
    """Each document's first terms in ``keyness.csv`` (against all the other documents), for the first
    :data:`DISTINCTIVE_DOCS` documents (``total`` counts them all; the table holds every one)."""
    table = run.tables.get("keyness")
    if table is None or table.empty:
        return None
    documents = {d["id"]: d for d in context.get("documents_list", [])}
    slugs = {d["id"]: d["slug"] for d in context.get("per_document") or []}
    order = list(documents) or list(dict.fromkeys(table["doc_id"]))
    listed = order[:DISTINCTIVE_DOCS]
    rows = table[table["doc_id"].isin(listed)].sort_values("rank", kind="stable")
    rows = rows.groupby("doc_id", sort=False).head(DOC_TERMS)
    firsts: dict[str, list[tuple[int, str, float]]] = {}
    for i, doc_id, term, g2 in zip(rows.index, rows["doc_id"], rows["term"], rows["g2"]):
        firsts.setdefault(doc_id, []).append((i, str(term), float(g2)))
    out = []
    for doc_id in listed:
        if doc_id not in firsts:
            continue
        slug = slugs.get(doc_id)
        terms = [{"term": term, "g2": g2,
                  "row": _row(f"kn-{slug}", i, "keyness.csv", shown) if slug else _row("kn", i, "keyness.csv", set()),
                  "evidence": _evidence(term, [doc_id])} for i, term, g2 in firsts[doc_id]]
        out.append({"id": doc_id, "date": documents.get(doc_id, {}).get("date", ""), "terms": terms,
                    "href": f"#doc-{slug}" if slug else ""})
    return {"rows": out, "total": len(order)}


def latest(run: RunFiles) -> dict[str, Any] | None:
    """``keyness_compare.csv`` in one line: what the target group uses more, and less, than the reference."""
    from ..figures import keyness_names

    table = run.tables.get("keyness_compare")
    if table is None or table.empty:
        return None
    target, reference = keyness_names(table, run.tables.get("documents"), corpus=run.corpus)
    sides = {}
    for side in ("target", "reference"):
        rows = table[table["side"] == side].sort_values("g2", ascending=False, kind="stable").head(6)
        sides[side] = [{"term": str(r["term"]), "row": _row("kc", i, "keyness_compare.csv", set()),
                        "evidence": _evidence(r["term"])} for i, r in rows.iterrows()]
    return {"target": target, "reference": reference, "more": sides["target"], "less": sides["reference"]}


def findings(run: RunFiles, context: Mapping[str, Any]) -> dict[str, Any] | None:
    """The findings section's content (None when the run has none of its tables)."""
    from .build import _all_tables

    shown = {row_id for table in _all_tables(context) for row_id in table.row_ids}
    documents = run.tables.get("documents")
    context = {**context, "documents_list": [] if documents is None else
               [{"id": str(d), "date": str(x or "")} for d, x in zip(documents["doc_id"].tolist(),
                                                                    documents["date"].tolist())]}
    periods = trend_periods(run)
    out = {"rose": changes(run, "rise", periods, shown), "fell": changes(run, "fall", periods, shown),
           "new": new_terms(run, shown), "topics": leading_topics(run, shown),
           "distinctive": distinctive(run, context, shown), "latest": latest(run)}
    if all(v is None for v in out.values()):
        return None
    trends = run.tables.get("trends")
    out["themes"] = [] if trends is None else list(dict.fromkeys(text_column(trends, "theme")))
    out["periods"] = len(periods)
    return out


__all__ = ["findings", "keyword_periods", "trend_periods"]
