"""A first ``textmine.toml`` for a corpus, so its options need not be typed on every command.

For a table (.csv, .tsv, .jsonl, .xlsx) the columns are chosen by their content: the text column is
the one with the most Chinese characters per row, the id column a column whose values are all
present, distinct and short (one named like an id first), the date column one whose values are
dates textmine reads (2017, 2017-05, 2017-05-04; one named like a date first). For a folder the
file lists the documents found and, when the folder has no ``metadata.csv``, a template for one
(:func:`metadata_template`). Every other setting is written at its default with its meaning
(:func:`textmine.config.describe_config`).
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .config import Config, describe_config
from .errors import CorpusError

#: Rows of a table looked at to choose its columns.
SAMPLE_ROWS = 2000
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ID_NAME = re.compile(r"^(?:id|.*[_\s-]id|doc_?id|key|code|编号|序号|标识|id号)$", re.IGNORECASE)
_DATE_NAME = re.compile(r"date|time|year|month|日期|时间|年份|年度|发布", re.IGNORECASE)


@dataclass(frozen=True)
class Columns:
    """The columns chosen for a table corpus, and why (one comment line each)."""

    text: str
    id: str = ""
    date: str = ""
    sheet: str = ""
    reasons: tuple[str, ...] = ()


def _cells(values) -> list[str]:
    return ["" if v is None or v != v else str(v).strip() for v in values]


def _mean_cjk(values: list[str]) -> float:
    return sum(len(_CJK.findall(v)) for v in values) / max(len(values), 1)


def _date_share(values: list[str]) -> float:
    from .data import PartialDate

    present = [v for v in values if v]
    if not present:
        return 0.0
    good = 0
    for value in present:
        try:
            good += PartialDate.parse(value) is not None
        except ValueError:
            pass
    return good / len(present)


def detect_columns(frame) -> Columns:
    """Text, id and date columns of a table (a pandas DataFrame of its first rows); see the module docs."""
    columns = {str(name): _cells(frame[name].tolist()) for name in frame.columns}
    if not columns:
        raise CorpusError("the table has no columns")
    scores = {name: _mean_cjk(values) for name, values in columns.items()}
    text = max(columns, key=lambda name: (scores[name], sum(map(len, columns[name]))))
    if scores[text] == 0:
        text = max(columns, key=lambda name: sum(map(len, columns[name])))
    reasons = [f"text column {text!r}: {scores[text]:,.0f} Chinese characters per row on average "
               f"(the most of any column)"]
    rows = len(frame)
    dates = {name: _date_share(values) for name, values in columns.items() if name != text}
    date_candidates = [n for n, share in dates.items() if share >= 0.9 and any(columns[n])]
    date = next((n for n in date_candidates if _DATE_NAME.search(n)), date_candidates[0] if date_candidates else "")
    if date:
        reasons.append(f"date column {date!r}: {dates[date]:.0%} of its values are dates")
    id_candidates = [n for n, values in columns.items()
                     if n not in (text, date) and all(values) and len(set(values)) == rows and rows > 0
                     and max(map(len, values)) <= 64]
    ident = next((n for n in id_candidates if _ID_NAME.match(n)), id_candidates[0] if id_candidates else "")
    if ident:
        reasons.append(f"id column {ident!r}: all {rows:,} values present and distinct")
    else:
        reasons.append("no column has a distinct short value on every row: documents are numbered by row")
    return Columns(text, ident, date, "", tuple(reasons))


def _table_sample(path: Path):
    import pandas as pd

    from .io.decode import InputRejected
    from .io.read import DELIMITED_SUFFIXES, flat_record, read_input, read_xlsx_frame, separator

    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        with open(path, "rb") as handle:
            names = openpyxl.load_workbook(handle, read_only=True).sheetnames
        frames = {name: read_xlsx_frame(path, name)[0].head(SAMPLE_ROWS) for name in names}
        best = max(frames, key=lambda n: max((_mean_cjk(_cells(frames[n][c].tolist())) for c in frames[n].columns),
                                             default=0.0))
        return frames[best], (best if best != names[0] else "")
    try:
        text = read_input(path).text
    except InputRejected as exc:
        raise CorpusError(f"table {str(path)!r} cannot be used: {exc}") from None
    if suffix in DELIMITED_SUFFIXES:
        return pd.read_csv(io.StringIO(text), sep=separator(path, text), dtype=str, keep_default_na=False,
                           nrows=SAMPLE_ROWS), ""
    records = []
    for line in text.split("\n"):
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(flat_record(record))
            if len(records) >= SAMPLE_ROWS:
                break
    return pd.DataFrame.from_records(records), ""


def metadata_template(folder: str | Path) -> str:
    """CSV text for a folder's ``metadata.csv``: one row per document (id from the file name, the file, and
    empty date, title and publisher to fill in)."""
    import csv

    from .io.read import FOLDER_SUFFIXES, corpus_files, file_id, file_name

    folder = Path(folder)
    names = [file_name(p, folder) for p in corpus_files(folder) if p.suffix.lower() in FOLDER_SUFFIXES]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "file", "date", "title", "publisher"])
    for name in names:
        writer.writerow([file_id(name), name, "", "", ""])
    return buffer.getvalue()


def _folder_notes(folder: Path) -> list[str]:
    from collections import Counter

    from .io.read import FOLDER_SUFFIXES, corpus_files

    kinds = Counter(p.suffix.lower() for p in corpus_files(folder) if p.suffix.lower() in FOLDER_SUFFIXES)
    found = ", ".join(f"{n} {suffix}" for suffix, n in sorted(kinds.items())) or "none yet"
    notes = [f"a folder of documents: {found}"]
    metadata = folder / "metadata.csv"
    if metadata.is_file():
        with open(metadata, encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline().strip()
        notes.append(f"metadata.csv is there (columns: {header}); ids, dates and other fields come from it")
    else:
        notes.append("no metadata.csv: ids come from the file names and there are no dates; to add them, save "
                     "the lines below (without the leading '#' and spaces) as metadata.csv in the folder and fill "
                     "in the dates:")
        notes += [f"  {line}" for line in metadata_template(folder).splitlines()]
    return notes


def init_config_text(corpus_path: str | Path, config: Config | None = None) -> str:
    """The text of a ``textmine.toml`` for the corpus at ``corpus_path`` (see the module docs)."""
    from .io.read import TABLE_KINDS, TABLE_SUFFIXES

    path = Path(corpus_path)
    if not path.exists():
        raise CorpusError(f"corpus {str(path)!r} does not exist; give a folder of documents or a "
                          f"{TABLE_KINDS} table")
    config = config or Config()
    corpus = {"path": path.as_posix()}
    if path.is_dir():
        notes = _folder_notes(path)
    elif path.suffix.lower() in TABLE_SUFFIXES:
        frame, sheet = _table_sample(path)
        chosen = detect_columns(frame)
        corpus.update(text_col=chosen.text, id_col=chosen.id, date_col=chosen.date, sheet=sheet)
        notes = [f"a table of {len(frame):,}{'+' if len(frame) >= SAMPLE_ROWS else ''} rows"
                 + (f" (sheet {sheet!r}, the one with the most Chinese text)" if sheet else ""), *chosen.reasons]
    else:
        notes = [f"a single document ({path.suffix})"]
    config = config.replace(corpus=corpus)
    header = ["# textmine.toml: written by textmine init for this corpus; every setting with its meaning.",
              f"# corpus {path.as_posix()!r}:"] + [f"#   {note}" for note in notes] + [""]
    return "\n".join(header) + describe_config(dataclasses.replace(config, base_dir="."))


__all__ = ["init_config_text", "metadata_template", "detect_columns", "Columns"]
