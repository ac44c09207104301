"""Read a run folder and turn its files into the plain context both report templates render.

Only the files of the output-file contract are read; each is optional except
``manifest.json``. A section's data is ``None`` when its files are absent, and
the templates leave that section out. Nothing here formats HTML or Markdown:
cells are plain strings that the templates escape. What the report finds (risers,
fallers, new terms, topics per period) is worked out in :mod:`.findings`; the data the
page's search box needs in :mod:`.search`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ConfigError
from ..glossary import describe
from ..io.csvsafe import is_true

log = logging.getLogger(__name__)

#: contract file → columns the report needs from it (other columns are ignored or shown as they are)
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "keywords": ("keywords.csv", ("doc_id", "term", "score", "rank")),
    "vocab": ("vocab.csv", ("term", "count", "doc_freq")),
    "period_keywords": ("period_keywords.csv", ("period", "term", "score", "rank")),
    "keyness": ("keyness.csv", ("doc_id", "term", "g2", "log_ratio", "rank")),
    "keyness_compare": ("keyness_compare.csv", ("target", "reference", "side", "term", "g2")),
    "topics": ("topics.csv", ("topic", "rank", "term", "weight")),
    "doc_topics": ("doc_topics.csv", ("doc_id", "topic", "weight")),
    "unit_topics": ("unit_topics.csv", ("unit_id", "doc_id", "topic", "weight")),
    "units": ("units.csv", ("unit_id", "doc_id", "text")),
    "documents": ("documents.csv", ("doc_id", "date", "chars", "units", "tokens")),
    "trends": ("trends.csv", ("theme", "doc_id", "date", "count", "per_10k")),
    "trends_period": ("trends_period.csv", ("theme", "period", "n_docs", "count", "per_10k", "ci_low", "ci_high")),
    "trend_changes": ("trend_changes.csv", ()),
    "kwic": ("kwic.csv", ("query", "doc_id", "left", "match", "right")),
    "topic_summary": ("topic_summary.csv", ("topic", "label", "prevalence", "stability", "unstable", "top_terms")),
    "topic_relevance": ("topic_relevance.csv", ("topic", "rank", "term", "relevance")),
    "topic_examples": ("topic_examples.csv", ("topic", "rank", "doc_id", "unit_id", "text")),
    "topic_dates": ("topic_dates.csv", ("topic", "label", "date", "weight")),
    "topic_k_selection": ("topic_k_selection.csv", ()),
    "topic_fit": ("topic_fit.csv", ("item", "value", "note")),
    "cooccurrence": ("cooccurrence.csv", ("source", "target", "weight")),
}
IMAGES = ("wordcloud_corpus.png", "trends.png", "trends_period.png", "dispersion.png", "keyness.png",
          "period_keywords.png", "topic_dates.png", "doc_topics.png", "topic_k_selection.png", "cooccurrence.png")
#: at most this many documents across the trend table; more and each document gets a row
WIDE_TREND_DOCS = 8
#: no table in the report has more rows than this (the CSV files have them all)
MAX_TABLE_ROWS = 1000
#: per-document word clouds are shown for corpora of at most this many documents (the PNGs stay in wordclouds/)
WORDCLOUD_DOCS = 12
TEXT_COLUMNS = ("doc_id", "unit_id", "term", "date", "period", "theme", "query", "left", "match", "right", "text",
                "label", "top_terms", "source", "target", "title", "publisher", "within", "nested_in", "rule", "fit",
                "from_period", "to_period", "reference", "side", "direction", "ci_over", "kind")
NUMBER_COLUMNS = ("score", "weight", "g2", "per_10k", "ci_low", "ci_high", "page", "log_ratio", "log2_ratio",
                  "change", "relevance", "prevalence", "stability", "per_10k_from", "per_10k_to")


@dataclass(frozen=True)
class RunFiles:
    """The contents of one run folder, as far as the report needs them."""

    run_dir: Path
    manifest: Mapping[str, Any]
    manifest_sha256: str
    tables: Mapping[str, pd.DataFrame]
    images: Mapping[str, bytes]
    problems: tuple[str, ...] = ()
    extra_files: tuple[str, ...] = ()

    @cached_property
    def corpus(self):
        """``documents.csv`` as a text-less :class:`~textmine.data.Corpus` (:func:`textmine.groups.table_corpus`),
        made once for every part of the report that forms groups or periods; None without the table."""
        from ..groups import table_corpus

        documents = self.tables.get("documents")
        return None if documents is None or documents.empty else table_corpus(documents)


def read_table(path: Path) -> pd.DataFrame:
    """A contract CSV as the report reads it: text columns as text (an empty cell is ""), numbers as numbers."""
    from ..io.csvsafe import restore_frame

    # text columns as Python strings (object), not pandas' Arrow-backed strings: the report walks them row by
    # row, and an Arrow string column hands out each value at about a microsecond
    frame = pd.read_csv(path, dtype={c: object for c in TEXT_COLUMNS}, keep_default_na=False,
                        na_values={c: [""] for c in NUMBER_COLUMNS})
    return restore_frame(frame, TEXT_COLUMNS)   # cells guarded against spreadsheet formulas ('=…) as written


def load_run(run_dir: str | Path) -> RunFiles:
    """Read ``manifest.json`` and every contract table and image present in ``run_dir``."""
    run_dir = Path(run_dir)
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.is_file():
        raise ConfigError(f"run folder {str(run_dir)!r} has no manifest.json; run 'textmine run' first "
                          "or pass the folder of a finished run with --run")
    raw = manifest_path.read_bytes()
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{manifest_path}: not a valid manifest (JSON): {exc}") from None
    if not isinstance(manifest, dict):
        raise ConfigError(f"{manifest_path}: not a valid manifest (expected a JSON object)")
    tables: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    for key, (name, needed) in TABLES.items():
        path = run_dir / name
        if not path.is_file():
            continue
        try:
            frame = read_table(path)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            problems.append(f"{name} could not be read ({type(exc).__name__}); its section is left out")
            continue
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            problems.append(f"{name} lacks column(s) {', '.join(missing)}; its section is left out")
            continue
        tables[key] = frame
    images = {name: (run_dir / name).read_bytes() for name in IMAGES if (run_dir / name).is_file()}
    for path in sorted((run_dir / "wordclouds").glob("*.png")) if (run_dir / "wordclouds").is_dir() else ():
        images[f"wordclouds/{path.name}"] = path.read_bytes()
    extra = tuple(n for n in ("topic_map.html", "cooccurrence.gexf") if (run_dir / n).is_file())
    for problem in problems:
        log.warning(problem)
    return RunFiles(run_dir, manifest, hashlib.sha256(raw).hexdigest(), tables, images, tuple(problems), extra)


# -- tables as plain cells ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    help: str = ""


@dataclass(frozen=True)
class Table:
    """Rows of display strings with numeric sort keys; ``total`` counts the rows of the source.

    ``row_ids`` (when given) are the HTML ids of the rows: ``<anchor>-L<n>`` for line n of the CSV, so
    a finding can link to the row it was read from."""

    id: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[tuple[str, float | None], ...], ...]
    source: str = ""
    total: int = 0
    classes: tuple[str, ...] = field(default=())
    row_ids: tuple[str, ...] = ()


def format_number(value: Any, digits: int = 4) -> str:
    if value is None or isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if value != 0 and abs(value) < 1e-3:
        return f"{value:.{digits - 2}e}"
    return f"{value:,.0f}" if abs(value) >= 10 ** digits else f"{value:.{digits}g}"


def _cell(value: Any, numeric: bool) -> tuple[str, float | None]:
    if numeric:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return (str(value), None)
        if isinstance(value, str):
            value = number
        return (format_number(value.item() if hasattr(value, "item") else value), None if math.isnan(number)
                else number)
    return ("" if value is None else str(value), None)


def csv_line(index: int) -> int:
    """The line of a CSV file holding data row ``index`` (from 0): the header is line 1."""
    return int(index) + 2


def row_anchor(anchor: str, index: int) -> str:
    return f"{anchor}-L{csv_line(index)}"


def table_from_frame(frame: pd.DataFrame, table_id: str, caption: str, source: str = "", *,
                     columns: Sequence[tuple[str, str]] | None = None, limit: int | None = None,
                     classes: tuple[str, ...] = (), anchor: str = "") -> Table:
    """A :class:`Table` of ``columns`` (name, label) — all columns when None — and at most ``limit`` rows.

    Headers carry the glossary meaning of their column in ``source``; with ``anchor``, each row gets the
    id ``<anchor>-L<line>`` from the frame's index (the row's position in the CSV as read)."""
    columns = list(columns) if columns is not None else [(c, str(c)) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c, _ in columns]
    shown = frame if limit is None else frame.head(limit)
    rows = tuple(tuple(_cell(value, is_num) for value, is_num in zip(row, numeric))
                 for row in shown[[c for c, _ in columns]].itertuples(index=False, name=None))
    ids = tuple(row_anchor(anchor, i) for i in shown.index) if anchor else ()
    return Table(table_id, caption, tuple(Column(label, is_num, describe(source, name) if source else "")
                                          for (name, label), is_num in zip(columns, numeric)),
                 rows, source, len(frame), classes, ids)


# -- the context ---------------------------------------------------------------------------------------

def _documents(run: RunFiles) -> list[dict[str, Any]]:
    """The documents of ``documents.csv``, in corpus order."""
    frame = run.tables.get("documents")
    if frame is None:
        return []
    return [{"id": str(d.doc_id), "title": str(getattr(d, "title", "") or ""),
             "publisher": str(getattr(d, "publisher", "") or ""), "date": str(d.date or ""), "chars": int(d.chars),
             "units": int(d.units), "tokens": int(d.tokens),
             "stub": str(getattr(d, "stub", "")).lower() in ("true", "1")} for d in frame.itertuples(index=False)]


def _commands(manifest: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in manifest.get("commands") or [] if isinstance(c, Mapping)]


def _stages_made(manifest: Mapping[str, Any]) -> str:
    """The stages whose files the folder holds, each with the command that made them when several did."""
    commands = _commands(manifest)
    stages = [str(s) for s in manifest.get("stages", []) or [] if s != "segment"]
    if len(commands) < 2:
        return ", ".join(stages)
    made_by = {}
    for entry in commands:
        for stage in entry.get("stages", []):
            made_by[stage] = str(entry.get("command", ""))
    return ", ".join(f"{s} ({made_by.get(s, '')})" for s in stages)


def made_by(manifest: Mapping[str, Any], *files: str) -> str:
    """``command (created)`` of the command that wrote the first of ``files`` present, when several commands
    wrote the folder; empty when one did (the header names it)."""
    commands = _commands(manifest)
    if len(commands) < 2:
        return ""
    for name in files:
        for entry in reversed(commands):
            if name in (entry.get("files") or []):
                return f"{entry.get('command', '')} ({entry.get('created', '')})"
    return ""


def _safe_name(doc_id: str) -> str:
    from ..io.write import safe_name

    return safe_name(doc_id)


def _flatten(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    else:
        out.append((prefix, json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value))


def _config_toml(config: Mapping[str, Any]) -> str:
    from ..config import config_from_dict, describe_config

    try:
        return describe_config(config_from_dict(dict(config), source="manifest.json"))
    except Exception:  # a manifest from another version: show the JSON as it is
        return json.dumps(config, ensure_ascii=False, indent=2)


def _pairs_table(table_id: str, caption: str, pairs: Sequence[tuple[str, Any]], headers: tuple[str, str],
                 source: str = "manifest.json") -> Table:
    rows = tuple(((str(k), None), (format_number(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                                   else str(v), None)) for k, v in pairs)
    return Table(table_id, caption, (Column(headers[0]), Column(headers[1])), rows, source, len(rows))


def _timings(manifest: Mapping[str, Any]) -> Table:
    """Seconds per stage; a stage whose tables came from the cache says so (its time is a cache read)."""
    stats = manifest.get("run_stats") or {}
    cached = set(stats.get("from_cache") or [])
    hits, misses = stats.get("cache_hits"), stats.get("cache_misses")
    rows = []
    for stage, seconds in (manifest.get("timings") or {}).items():
        note = ""
        if stage in cached:
            note = "tables read from the cache"
        elif stage == "segment" and isinstance(hits, int) and isinstance(misses, int) and hits:
            note = f"{hits:,} of {hits + misses:,} units' segmentation read from the cache"
        rows.append(((str(stage), None), (format_number(seconds), float(seconds) if isinstance(seconds, (int, float))
                                          else None), (note, None)))
    return Table("timings", "seconds per stage (a stage read from the cache took only the read)",
                 (Column("stage"), Column("seconds", True), Column("cache")), tuple(rows), "manifest.json",
                 len(rows))


def _per_document(run: RunFiles, documents: list[dict[str, Any]], rows: int,
                  max_documents: int) -> tuple[list[dict[str, Any]], int] | None:
    keywords, keyness = run.tables.get("keywords"), run.tables.get("keyness")
    if keywords is None and keyness is None:
        return None
    ordered = dict.fromkeys(d["id"] for d in documents)
    for frame in (keywords, keyness):
        if frame is not None:
            ordered.update(dict.fromkeys(pd.unique(frame["doc_id"]).tolist()))
    ids = list(ordered)
    meta = {d["id"]: d for d in documents}
    clouds = len(ids) <= WORDCLOUD_DOCS
    listed = ids[:max_documents]
    # each table's rows of the listed documents, found in one pass (a table has a row per term and document)
    rows_of = {name: dict(tuple(frame[frame["doc_id"].isin(listed)].groupby("doc_id", sort=False)))
               for name, frame in (("keywords", keywords), ("keyness", keyness)) if frame is not None}
    out = []
    for doc_id in listed:
        entry = {"id": doc_id, "title": meta.get(doc_id, {}).get("title", ""), "slug": _safe_name(doc_id),
                 "date": meta.get(doc_id, {}).get("date", ""), "keywords": None, "keyness": None, "cloud": None}
        slug = entry["slug"]
        if keywords is not None:
            part = rows_of["keywords"].get(doc_id, keywords.iloc[:0]).sort_values("rank", kind="stable")
            entry["keywords"] = table_from_frame(part, f"kw-{slug}", f"TF-IDF keywords · {doc_id}", "keywords.csv",
                                                 columns=[("rank", "#"), ("term", "term"), ("score", "TF-IDF")],
                                                 limit=rows, anchor=f"kw-{slug}")
        if keyness is not None:
            part = rows_of["keyness"].get(doc_id, keyness.iloc[:0]).sort_values("rank", kind="stable")
            cols = [("rank", "#"), ("term", "term")]
            cols += [("count_target", "count")] if "count_target" in part.columns else []
            cols += [("g2", "G²"), ("log_ratio", "log ratio")]
            entry["keyness"] = table_from_frame(part, f"kn-{slug}", f"keyness vs the other documents · {doc_id}",
                                                "keyness.csv", columns=cols, limit=rows, anchor=f"kn-{slug}")
        name = f"wordclouds/{slug}.png"
        entry["cloud"] = name if clouds and name in run.images else None
        out.append(entry)
    return out, len(ids) - len(out)


def trend_cell(row: Any) -> tuple[str, float]:
    """``rate (count)`` of a trends.csv row; mentions matched by a rule are told apart from the theme's terms:
    ``11.4 (3 = 1 term + 2 rule)``."""
    count = int(row.count)
    rule = int(getattr(row, "rule_hits", 0) or 0)
    rate = float(row.per_10k)
    text = f"{rate:.1f} ({format_number(count)}" + (f" = {count - rule} term + {rule} rule)" if rule else ")")
    return text, rate


def _trends(run: RunFiles, rows: int) -> dict[str, Any] | None:
    trends, period, changes, kwic = (run.tables.get(k) for k in ("trends", "trends_period", "trend_changes", "kwic"))
    if all(x is None for x in (trends, period, changes, kwic)) and "trends.png" not in run.images:
        return None
    section: dict[str, Any] = {"plot": "trends.png" if "trends.png" in run.images else None,
                               "period_plot": "trends_period.png" if "trends_period.png" in run.images else None,
                               "dispersion": "dispersion.png" if "dispersion.png" in run.images else None,
                               "table": None, "period": None, "changes": None, "kwic": [], "kwic_source": "",
                               "made_by": made_by(run.manifest, "trends.csv", "kwic.csv")}
    dates: dict[str, str] = {}
    if trends is not None:
        docs = pd.unique(trends["doc_id"]).tolist()
        last = trends.drop_duplicates("doc_id", keep="last")
        dates = dict(zip(last["doc_id"].tolist(), last["date"].tolist()))
        themes = pd.unique(trends["theme"]).tolist()
        shown = trends[trends["doc_id"].isin(docs[:MAX_TABLE_ROWS])]
        cells = {(str(r.theme), str(r.doc_id)): trend_cell(r) for r in shown.itertuples(index=False)}
        ruled = "rule_hits" in trends.columns and (trends["rule_hits"].fillna(0) > 0).any()
        caption = ("theme mentions per 10,000 word tokens (count) in each document, by date"
                   + ("; '= a term + b rule' splits the count into mentions of the theme's terms and mentions "
                      "matched by a near/same-sentence rule" if ruled else ""))
        if len(docs) <= WIDE_TREND_DOCS:   # themes down, documents across
            columns = (Column("theme"),) + tuple(Column(f"{d} ({dates[d]})" if dates.get(d) else d, True,
                                                        describe("trends.csv", "per_10k")) for d in docs)
            body = tuple(((t, None), *(cells.get((t, d), ("", None)) for d in docs)) for t in themes)
        else:                              # many documents: one row each
            columns = (Column("document"), Column("date")) + tuple(Column(t, True, describe("trends.csv", "per_10k"))
                                                                   for t in themes)
            body = tuple(((d, None), (dates.get(d, ""), None), *(cells.get((t, d), ("", None)) for t in themes))
                         for d in docs[:MAX_TABLE_ROWS])
        section["table"] = Table("trends", caption, columns, body, "trends.csv", len(themes) if len(docs) <=
                                 WIDE_TREND_DOCS else len(docs))
    if period is not None:
        cols = [c for c in ("theme", "period", "n_docs", "doc_freq", "count", "tokens", "per_10k", "ci_low",
                            "ci_high", "ci_over") if c in period.columns]
        section["period"] = table_from_frame(period, "trends-period", "theme rates per period with confidence "
                                             "intervals", "trends_period.csv", columns=[(c, c) for c in cols],
                                             limit=MAX_TABLE_ROWS, anchor="tp")
    if changes is not None:
        section["changes"] = table_from_frame(changes, "trend-changes", "changes between consecutive periods "
                                              "(ci_separated: the two intervals do not overlap)",
                                              "trend_changes.csv", limit=MAX_TABLE_ROWS, anchor="tc")
    section["kwic_source"] = "kwic.csv"
    if kwic is not None:
        section["kwic"] = kwic_groups(kwic, run.tables.get("units"), limit=rows * 2)
    return section


def kwic_how(row: Any) -> str:
    """How a KWIC line was counted: ``rule: (A near B within N)``, ``inside 生成式人工智能``, ``across words``
    or ``variant: 具身机器人``; empty for the theme's own word as a whole token."""
    rule = str(getattr(row, "rule", "") or "")
    fit = str(getattr(row, "fit", "") or "")
    if rule.startswith("(") or (rule and not fit):
        return f"rule: {rule}"
    if fit == "nested":
        within = str(getattr(row, "within", "") or "")
        return f"inside {within}" if within else "inside a longer word"
    if fit == "split":
        return "across words"
    query = str(getattr(row, "query", ""))
    return f"variant: {rule}" if rule and rule != query else ""


def kwic_groups(kwic: pd.DataFrame, units: pd.DataFrame | None, *, limit: int) -> list[dict[str, Any]]:
    """Per query: up to ``limit`` lines spread over the documents, each with its page and how it was counted,
    and the numbers of literal, nested and rule mentions."""
    unit_pages = dict(zip(units["unit_id"], units["page"])) if units is not None and "page" in units.columns else {}
    groups = []
    for query, part in kwic.groupby("query", sort=False):
        # spread the lines over the documents (round robin), then show them in their original order
        turn = part.groupby("doc_id", sort=False).cumcount()
        chosen = part.loc[turn.sort_values(kind="stable").index[:limit]].sort_index()
        lines = []
        for r in chosen.itertuples(index=False):
            page = _page(getattr(r, "page", None)) or _page(unit_pages.get(getattr(r, "unit_id", "")))
            lines.append({"doc_id": r.doc_id, "date": getattr(r, "date", ""), "left": r.left, "match": r.match,
                          "right": r.right, "page": page, "how": kwic_how(r)})
        fit = part["fit"].fillna("").astype(str) if "fit" in part.columns else pd.Series("token", index=part.index)
        rule = part["rule"].fillna("").astype(str) if "rule" in part.columns else pd.Series("", index=part.index)
        by_rule = int(((fit == "") & (rule != "")).sum()) if "fit" in part.columns else 0
        nested = int((fit == "nested").sum())
        groups.append({"query": str(query), "lines": lines, "total": len(part), "rule": by_rule, "nested": nested,
                       "literal": len(part) - by_rule - nested})
    return groups


def _page(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(number) else str(int(number))


def _topics(run: RunFiles, rows: int) -> dict[str, Any] | None:
    t = run.tables
    if not any(k in t for k in ("topics", "topic_summary", "doc_topics")):
        return None
    section: dict[str, Any] = {"summary": None, "relevance": None, "examples": [], "prevalence": None,
                               "k_plot": "topic_k_selection.png" if "topic_k_selection.png" in run.images else None,
                               "dates_plot": "topic_dates.png" if "topic_dates.png" in run.images else None,
                               "docs_plot": "doc_topics.png" if "doc_topics.png" in run.images else None,
                               "dates": None, "k_table": None, "examples_source": "", "derived": False,
                               "made_by": made_by(run.manifest, "topic_summary.csv", "topics.csv"),
                               "fit_notes": []}
    if "topic_fit" in t:    # what was fitted and why, and what "unstable" means (topic_fit.csv)
        section["fit_notes"] = [f"{r.item}: {r.value} ({r.note})" if r.item != "unstable_topics"
                                else f"{r.value} topics flagged unstable. {str(r.note)[0].upper()}{str(r.note)[1:]}."
                                for r in t["topic_fit"].itertuples(index=False)]
    if "topic_dates" in t and t["topic_dates"].empty:   # its chart would only say so
        section["dates_plot"] = None
        section["fit_notes"].append("Topics over time: not drawn, because no document has a date (a table's date "
                                    "column, --date-col, or a date column in a folder's metadata.csv gives them).")
    if "topic_summary" in t:
        summary = t["topic_summary"].copy()
        summary["unstable"] = summary["unstable"].map(lambda v: "unstable" if is_true(v) else "")
        section["summary"] = table_from_frame(
            summary, "topic-summary", "topics: label, prevalence, stability and top terms", "topic_summary.csv",
            columns=[("topic", "topic"), ("label", "label"), ("prevalence", "prevalence"),
                     ("stability", "stability"), ("unstable", "flag"), ("top_terms", "top terms")], anchor="ts")
    elif "topics" in t:
        topics = t["topics"].sort_values(["topic", "rank"], kind="stable")
        frame = topics.groupby("topic", sort=True)["term"].apply(lambda s: "、".join(map(str, s.head(12))))
        frame = frame.reset_index().rename(columns={"term": "top_terms"})
        cols = [("topic", "topic"), ("top_terms", "top terms (by probability)")]
        if "unit_topics" in t:
            share = t["unit_topics"].groupby("topic")["weight"].mean()
            frame.insert(1, "prevalence", frame["topic"].map(share))
            cols.insert(1, ("prevalence", "mean weight over paragraphs"))
        section["summary"] = table_from_frame(frame, "topic-summary", "topics and their top terms",
                                              "topics.csv", columns=cols)
        section["derived"] = True
    if "topic_relevance" in t:
        rel = t["topic_relevance"].sort_values(["topic", "rank"], kind="stable")
        frame = rel.groupby("topic", sort=True)["term"].apply(lambda s: "、".join(map(str, s.head(12)))).reset_index()
        section["relevance"] = table_from_frame(frame, "topic-relevance", "top terms by relevance",
                                                "topic_relevance.csv", columns=[("topic", "topic"),
                                                                                ("term", "terms by relevance")])
    pages = {}
    if "units" in t and "page" in t["units"].columns:
        pages = dict(zip(t["units"]["unit_id"], t["units"]["page"]))
    if "topic_examples" in t:
        ex = t["topic_examples"].sort_values(["topic", "rank"], kind="stable")
        ex = ex.groupby("topic", sort=True).head(3)
        section["examples_source"] = "topic_examples.csv"
    elif "unit_topics" in t and "units" in t:
        ut = t["unit_topics"].sort_values(["topic", "weight", "unit_id"], ascending=[True, False, True], kind="stable")
        ex = ut.groupby("topic", sort=True).head(2).merge(t["units"][["unit_id", "text"]], on="unit_id", how="left")
        section["examples_source"] = "unit_topics.csv + units.csv (paragraphs with the highest topic weight)"
    else:
        ex = None
    if ex is not None:
        for r in ex.itertuples(index=False):
            text = str(r.text)
            section["examples"].append({"topic": r.topic, "doc_id": r.doc_id, "unit_id": r.unit_id,
                                        "page": _page(getattr(r, "page", pages.get(r.unit_id))),
                                        "weight": format_number(getattr(r, "weight", float("nan"))),
                                        "text": text if len(text) <= 400 else text[:400] + "…"})
    if "doc_topics" in t:
        wide = t["doc_topics"].pivot_table(index="doc_id", columns="topic", values="weight", sort=False)
        wide = (wide * 100).round(1)
        wide.columns = [f"topic {c} %" for c in wide.columns]
        section["prevalence"] = table_from_frame(wide.reset_index(), "doc-topics",
                                                 "topic prevalence per document (%)", "doc_topics.csv",
                                                 limit=MAX_TABLE_ROWS)
    if "topic_dates" in t:
        cols = [c for c in ("topic", "label", "date", "n_docs", "weight", "ci_low", "ci_high", "ci_over")
                if c in t["topic_dates"].columns]
        section["dates"] = table_from_frame(t["topic_dates"], "topic-dates", "topic share of the documents of each "
                                            "date", "topic_dates.csv", columns=[(c, c) for c in cols],
                                            limit=MAX_TABLE_ROWS, anchor="td")
    if "topic_k_selection" in t:
        section["k_table"] = table_from_frame(t["topic_k_selection"], "topic-k", "choosing the number of topics",
                                              "topic_k_selection.csv")
    return section


def _period_keywords(run: RunFiles) -> dict[str, Any] | None:
    table = run.tables.get("period_keywords")
    if table is None:
        return None
    cols = [c for c in ("period", "n_docs", "rank", "term", "count", "per_10k", "doc_freq", "score",
                        "first_appearance") if c in table.columns]
    shown = table.copy()
    if "first_appearance" in shown.columns:
        shown["first_appearance"] = shown["first_appearance"].map(lambda v: "new" if is_true(v) else "")
    return {"plot": "period_keywords.png" if "period_keywords.png" in run.images else None,
            "table": table_from_frame(shown, "period-keywords", "distinctive keywords of each period "
                                      "('new': no earlier period uses the term)", "period_keywords.csv",
                                      columns=[(c, c) for c in cols], limit=MAX_TABLE_ROWS, anchor="pk"),
            "periods": list(dict.fromkeys(table["period"].astype(str))),
            "made_by": made_by(run.manifest, "period_keywords.csv")}


def glossary(tables: Sequence[Table], extra: Sequence[tuple[str, str]] = ()) -> list[dict[str, str]]:
    """Every statistic the report shows, with its meaning from :mod:`textmine.glossary` (one entry per
    column name and meaning, the tables it appears in listed)."""
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for table in tables:
        if table is None or not table.source.endswith(".csv"):
            continue
        for column in table.columns:
            if column.help:
                key = (column.label, column.help)
                entries.setdefault(key, {"name": column.label, "meaning": column.help, "tables": []})
                if table.source not in entries[key]["tables"]:
                    entries[key]["tables"].append(table.source)
    for source, name in extra:
        meaning = describe(source, name)
        if meaning:
            key = (name, meaning)
            entries.setdefault(key, {"name": name, "meaning": meaning, "tables": []})
            if source not in entries[key]["tables"]:
                entries[key]["tables"].append(source)
    return [{"name": e["name"], "meaning": e["meaning"], "tables": ", ".join(e["tables"])}
            for e in sorted(entries.values(), key=lambda e: (e["name"].lower(), e["meaning"]))]


def _all_tables(value: Any) -> list[Table]:
    """Every :class:`Table` inside ``value`` (tables, mappings and lists nested in any way)."""
    if isinstance(value, Table):
        return [value]
    if isinstance(value, Mapping):
        inner = value.values()
    elif isinstance(value, (list, tuple)):
        inner = value
    else:
        return []
    found: list[Table] = []
    for item in inner:
        if isinstance(item, (Table, Mapping, list, tuple)):     # a plain value holds no table
            found += _all_tables(item)
    return found


#: statistics the findings quote, with the table each is read from (for the glossary)
FINDING_COLUMNS = (("trend_changes.csv", "per_10k_from"), ("trend_changes.csv", "per_10k_to"),
                   ("trend_changes.csv", "log2_ratio"), ("trend_changes.csv", "ci_separated"),
                   ("keyness.csv", "g2"), ("keyness.csv", "log_ratio"), ("period_keywords.csv", "first_appearance"),
                   ("topic_dates.csv", "weight"), ("topic_dates.csv", "ci_low"), ("topic_dates.csv", "ci_high"),
                   ("trends.csv", "rule_hits"), ("trends.csv", "nested"), ("kwic.csv", "fit"), ("kwic.csv", "page"))


def build_context(run: RunFiles, *, rows: int = 15, max_documents: int = 40, cache=None) -> dict[str, Any]:
    """Everything the templates show, as plain values.

    ``rows`` caps the rows of per-document tables; ``max_documents`` the number
    of documents that get their own keyword and keyness section; ``cache``: see
    :func:`~textmine.report.search.embedded_search`.
    """
    from .findings import findings
    from .search import embedded_search

    m = run.manifest
    documents = _documents(run)
    config = m.get("config", {}) or {}
    params: list[tuple[str, str]] = []
    _flatten("", config, params)
    totals = {k: sum(d[k] or 0 for d in documents) for k in ("chars", "units", "tokens")}
    # title and publisher come from the corpus metadata; a column nobody filled in is left out
    text_cols = [k for k in ("title", "publisher") if any(d[k] for d in documents)]
    doc_table = Table("documents", "documents analysed, in corpus order",
                      (Column("id"), *(Column(k) for k in text_cols), Column("date"),
                       Column("characters", True, describe("documents.csv", "chars")),
                       Column("paragraph units", True, describe("documents.csv", "units")),
                       Column("tokens", True, describe("documents.csv", "tokens"))),
                      tuple(((d["id"], None), *((d[k], None) for k in text_cols), (d["date"], None),
                             *((format_number(d[k]), d[k]) for k in ("chars", "units", "tokens")))
                            for d in documents[:MAX_TABLE_ROWS]), "documents.csv", len(documents))
    vocab = run.tables.get("vocab")
    corpus_keywords = None if vocab is None else table_from_frame(
        vocab.sort_values(["count", "term"], ascending=[False, True], kind="stable"), "vocab",
        "most frequent content terms in the whole corpus", "vocab.csv",
        columns=[("term", "term"), ("count", "count"), ("doc_freq", "documents")], limit=200)
    lexicon = m.get("lexicon", {}) or {}
    stop = m.get("stopwords", {}) or {}
    appendix = {
        "lexicon": _pairs_table("lexicon", f"segmentation lexicon: {format_number(lexicon.get('terms', 0))} "
                                "protected terms, by layer", list((lexicon.get("sha256") or {}).items()),
                                ("layer", "sha256")),
        "stopwords": _pairs_table("stopwords", "stopwords", [("source", stop.get("source", "")),
                                                             ("count", stop.get("count", "")),
                                                             ("sha256", stop.get("sha256", ""))], ("", "")),
        "files": _pairs_table("corpus-files", "corpus files", list((m.get("corpus", {}).get("files") or {}).items()),
                              ("file", "sha256")),
        "dropped": _pairs_table("dropped", "blocks removed while cleaning",
                                list((m.get("corpus", {}).get("dropped_blocks") or {}).items()), ("kind", "blocks")),
        "params": _pairs_table("params", "every parameter", params, ("key", "value")),
        "packages": _pairs_table("packages", "package versions", list((m.get("packages") or {}).items()),
                                 ("package", "version")),
        "platform": _pairs_table("platform", "platform", list((m.get("platform") or {}).items()), ("", "")),
        "timings": _timings(m),
        "commands": [{"command": str(c.get("command", "")), "created": str(c.get("created", "")),
                      "stages": ", ".join(s for s in c.get("stages", []) if s != "segment"),
                      "files": len(c.get("files") or [])} for c in _commands(m)],
        "outputs": _pairs_table("outputs", "sha256 of every output", list((m.get("outputs") or {}).items()),
                                ("file", "sha256")),
        "config_toml": _config_toml(config) if config else "",
    }
    per_document = _per_document(run, documents, rows, max_documents)
    cooc = run.tables.get("cooccurrence")
    network = None
    if cooc is not None or "cooccurrence.png" in run.images:
        network = {"plot": "cooccurrence.png" if "cooccurrence.png" in run.images else None,
                   "table": None if cooc is None else table_from_frame(
                       cooc.sort_values("weight", ascending=False, kind="stable"), "cooccurrence",
                       "strongest co-occurrence links", "cooccurrence.csv", limit=100),
                   "gexf": "cooccurrence.gexf" in run.extra_files,
                   "made_by": made_by(run.manifest, "cooccurrence.csv")}
    dated = [d["date"] for d in documents if d["date"]]
    context = {
        "title": "textmine report",
        "manifest": {"sha256": run.manifest_sha256, "created": str(m.get("created", "")),
                     "command": str(m.get("command", "")), "version": str(m.get("textmine", "")),
                     "seed": m.get("seed"), "stages": _stages_made(m),
                     "left_out": "; ".join(f"{stage} ({why})" for stage, why in (m.get("left_out") or {}).items()),
                     "corpus_path": str(m.get("corpus", {}).get("path", "")),
                     "several_commands": len(_commands(m)) > 1},
        "summary": {"documents": len(documents), "dates": sorted(set(dated)),
                    "first_year": min(d[:4] for d in dated) if dated else "",
                    "last_year": max(d[:4] for d in dated) if dated else "",
                    **{k: format_number(v) for k, v in totals.items()},
                    "themes": "、".join(map(str, config.get("trends", {}).get("themes", []) or [])),
                    # the topic settings only where topics were fitted (a run leaves them out when the text is too little)
                    "topics": config.get("topics", {}) if "topics" in (m.get("stages") or []) else {},
                    "keywords_top_n": config.get("keywords", {}).get("top_n")},
        "documents": doc_table,
        "corpus_keywords": corpus_keywords,
        "corpus_cloud": "wordcloud_corpus.png" if "wordcloud_corpus.png" in run.images else None,
        "per_document": per_document[0] if per_document else None,
        "per_document_more": per_document[1] if per_document else 0,
        "wordcloud_docs": WORDCLOUD_DOCS,
        "keyness_plot": "keyness.png" if "keyness.png" in run.images else None,
        "keyness_made_by": made_by(m, "keyness.csv", "keywords.csv"),
        "period_keywords": _period_keywords(run),
        "trends": _trends(run, rows),
        "topics": _topics(run, rows),
        "topic_map": "topic_map.html" in run.extra_files,
        "network": network,
        "appendix": appendix,
        "problems": list(run.problems),
    }
    context["findings"] = findings(run, context)
    context["search"] = embedded_search(run, cache)
    context["glossary"] = glossary(_all_tables({k: v for k, v in context.items() if k not in ("appendix", "search")}),
                                   FINDING_COLUMNS)
    return context


__all__ = ["RunFiles", "Table", "Column", "load_run", "build_context", "table_from_frame", "format_number",
           "read_table", "glossary", "kwic_groups", "trend_cell"]
