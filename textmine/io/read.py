"""Read a corpus from a folder of documents (text, PDF, Word, web pages) or from a CSV/JSONL/Excel table."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import io
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..data import Corpus, Document, InputRecord, PartialDate
from ..errors import ConfigError, CorpusError
from .decode import AUTO, Decoded, InputRejected, check_size, check_text, decode_bytes
from .documents import DOCUMENT_SUFFIXES, Extracted, front_matter, sniff_format
from .webpage import holds_markup, markup_text

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
#: What a corpus folder may hold: text files and documents of every kind, mixed.
FOLDER_SUFFIXES = TEXT_SUFFIXES + tuple(DOCUMENT_SUFFIXES)
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".xlsx")
#: The table kinds, as messages name them.
TABLE_KINDS = ".csv/.tsv/.jsonl/.xlsx"
#: Tables of delimited text (the rest are JSONL and Excel).
DELIMITED_SUFFIXES = (".csv", ".tsv")
METADATA_FILES = ("metadata.csv",)
#: Files a folder may not hold, with what to do instead.
_OTHER_KINDS = {
    ".doc": "the old Word format; save it as .docx",
    ".wps": "a WPS document; save it as .docx",
    ".xls": "the old Excel format; save it as .xlsx and give it as a table with --corpus",
    ".xlsx": "a table; give it with --corpus FILE.xlsx (one document per row)",
    ".csv": "a table; give it with --corpus FILE.csv (one document per row)",
    ".tsv": "a table; give it with --corpus FILE.tsv (one document per row)",
    ".jsonl": "a table; give it with --corpus FILE.jsonl (one document per row)",
    ".mhtml": "a saved web archive; save the page as HTML (.html) instead",
}
_FOLDER_KINDS = ".txt, .md, .pdf, .docx or .html"


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Limits:
    """Per-input limits: larger files, or text with a longer line, are skipped as ``oversized``."""

    max_file_mb: int = 50
    max_line_chars: int = 1_000_000

    @property
    def max_bytes(self) -> int:
        return self.max_file_mb * 1_000_000


def read_input(path: Path, encoding: str = AUTO, limits: Limits = Limits()) -> Decoded:
    """Read and decode one input file; raises :class:`InputRejected` saying why it cannot be used."""
    try:
        check_size(path.stat().st_size, limits.max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        raise InputRejected("unreadable", exc.strerror or str(exc)) from None
    decoded = decode_bytes(data, encoding)
    check_text(decoded.text, limits.max_line_chars)
    return decoded


def read_document(path: Path, encoding: str = AUTO, limits: Limits = Limits()) -> Extracted:
    """Read one document of any kind a folder may hold; raises :class:`InputRejected` saying why it cannot be used.

    The reader is chosen by the suffix; a PDF or Word file saved under a text suffix (``scan.txt``)
    is recognised by its first bytes and read as what it is.
    """
    from .decode import _sniff_binary

    try:
        check_size(path.stat().st_size, limits.max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        raise InputRejected("unreadable", exc.strerror or str(exc)) from None
    kind = DOCUMENT_SUFFIXES.get(path.suffix.lower())
    renamed = ""
    if kind is None and _sniff_binary(data):
        kind = sniff_format(data)
        renamed = f"a {kind.upper()} file named {path.suffix}, read as {kind.upper()}" if kind else ""
    if kind is None:
        decoded = decode_bytes(data, encoding)
        if _WEB_PAGE_START.match(decoded.text):   # a web page saved under a text suffix
            kind, renamed = "html", f"a web page named {path.suffix}, read as HTML"
        else:
            text, fields = front_matter(decoded.text) if path.suffix.lower() == ".md" else (decoded.text, ())
            note = "; ".join(filter(None, (decoded.note, fields and f"front matter ({', '.join(k for k, _ in fields)})")))
            extracted = Extracted(text, "", encoding=decoded.encoding, method=decoded.method, chaos=decoded.chaos,
                                  note=note, fields=fields)
    if kind is not None:
        extracted = _extract(kind, data, encoding)
        if renamed:
            extracted = dataclasses.replace(extracted, note="; ".join(filter(None, (renamed, extracted.note))))
    check_text(extracted.text, limits.max_line_chars)
    return extracted


_WEB_PAGE_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL)


def _extract(kind: str, data: bytes, encoding: str) -> Extracted:
    if kind == "pdf":
        from .pdf import read_pdf as reader
    elif kind == "docx":
        from .word import read_docx as reader
    else:
        from .webpage import read_html

        def reader(data: bytes) -> Extracted:
            return read_html(data, encoding)
    try:
        return reader(data)
    except InputRejected:
        raise
    except Exception as exc:  # a library's own error on a malformed file: one bad file must not stop the corpus
        log.debug("reading a %s file failed", kind, exc_info=True)
        raise InputRejected("damaged", f"cannot be read as {kind.upper()}: {type(exc).__name__}: {exc}") from None


def _skip(inputs: list[InputRecord], name: str, reason: str, detail: str) -> None:
    log.warning("skipped %s: %s (%s)", name, reason, detail)
    inputs.append(InputRecord(name, "skipped", reason, detail))


def _used(name: str, decoded: Decoded | Extracted) -> InputRecord:
    pages = len(decoded.page_starts) if getattr(decoded, "page_starts", ()) else None
    return InputRecord(name, "used", detail=decoded.note, encoding=decoded.encoding, method=decoded.method,
                       chaos=decoded.chaos, format=getattr(decoded, "format", ""), pages=pages)


def _check_encoding(encoding: str) -> None:
    if encoding.lower() != AUTO:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(f"[corpus] encoding = {encoding!r} is not a known encoding; use \"auto\" or a "
                              f"codec name such as utf-8, gb18030, big5, utf-16") from None


def _parse_date(value: object, where: str) -> PartialDate | None:
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise CorpusError(f"{where}: {exc}") from None


def corpus_files(path: Path) -> list[Path]:
    """The files a corpus at ``path`` is read from: the file itself, or every file in the folder and its
    subfolders (reports filed by year or source), in order of their paths (used or skipped, each is listed in
    ``Corpus.inputs``). Not read: names starting with a dot, and a subfolder holding a ``manifest.json`` — a
    run's output folder (``--out reports/outputs``), whose report would otherwise be read as a document."""
    if path.is_file():
        return [path]
    found = []
    for folder, subfolders, files in os.walk(path):
        here = Path(folder)
        subfolders[:] = [name for name in subfolders
                         if not name.startswith(".") and not (here / name / "manifest.json").is_file()]
        found += [((here / name).relative_to(path).parts, here / name) for name in files if not name.startswith(".")]
    return [p for _, p in sorted(found)]


def file_name(path: Path, folder: Path) -> str:
    """A corpus file's name as listed and in ``metadata.csv``: its path from the corpus folder (``2024/report.pdf``)."""
    return path.relative_to(folder).as_posix()


def read_folder(folder: Path, encoding: str = AUTO, limits: Limits = Limits()) -> Corpus:
    """A folder of documents: .txt/.md, .pdf, .docx and .html/.htm files, mixed, with an optional
    ``metadata.csv`` (id, file, date, any other columns).

    Without a metadata file, ids come from the file names and there are no dates.
    With one, documents follow its row order. Files that cannot be used (empty,
    binary, undecodable, oversized, another type, not listed in metadata.csv, a PDF
    without a text layer, encrypted or damaged, a web page without an article)
    are skipped with a warning and recorded in ``Corpus.inputs``.
    """
    inputs: list[InputRecord] = []
    entries = corpus_files(folder)
    files = [p for p in entries if p.suffix.lower() in FOLDER_SUFFIXES]
    names = {p: file_name(p, folder) for p in entries}
    for p in entries:
        if p.suffix.lower() not in FOLDER_SUFFIXES and names[p] not in METADATA_FILES:
            suffix = p.suffix.lower()
            what = _OTHER_KINDS.get(suffix, f"not a {_FOLDER_KINDS} file")
            _skip(inputs, names[p], "unsupported", f"{p.suffix or 'no suffix'} is {what}")
    metadata_path = folder / "metadata.csv"
    if metadata_path.exists():
        rows = _metadata_rows(metadata_path, encoding)
        if rows and "file" not in rows[0]:
            raise CorpusError(f"{metadata_path}: needs a 'file' column naming each document file")
        by_name = {names[p]: p for p in files}
        listed = [((row.get("file") or "").strip(), line, row) for line, row in enumerate(rows, start=2)]
        for name, line, _ in listed:
            if name not in by_name:
                raise CorpusError(f"{metadata_path} line {line}: file {name!r} is not in {str(folder)!r}")
        _check_unique_ids([((row.get("id") or "").strip() or file_id(name), f"line {line}")
                           for name, line, row in listed], metadata_path, "id")
        selected = []
        for name, line, row in listed:
            path = by_name[name]
            doc_id = (row.get("id") or "").strip() or file_id(name)
            meta = {k: (v or "").strip() for k, v in row.items() if k not in ("id", "date") and k}
            date = _parse_date(row.get("date"), f"{metadata_path} line {line}, column 'date'")
            selected.append((path, doc_id, meta, date))
        for name in sorted(set(by_name) - {name for name, _, _ in listed}):
            _skip(inputs, name, "unlisted", "not listed in metadata.csv; add a row for it to include it")
    else:
        by_id: dict[str, str] = {}
        for p in files:
            doc_id = file_id(names[p])
            if doc_id in by_id:
                raise CorpusError(f"{str(folder)!r}: {by_id[doc_id]} and {names[p]} would both get the document id "
                                  f"{doc_id!r}; rename one, or give each an id in a metadata.csv")
            by_id[doc_id] = names[p]
        nested = any("/" in names[p] for p in files)   # then every document says its subfolder ("" at the top)
        selected = []
        for p in files:
            meta = {"file": names[p], "folder": names[p].rpartition("/")[0]} if nested else {"file": names[p]}
            selected.append((p, file_id(names[p]), meta, None))
    documents = []
    for path, doc_id, meta, date in selected:
        try:
            extracted = read_document(path, encoding, limits)
        except InputRejected as exc:
            _skip(inputs, names[path], exc.reason, exc.detail)
            continue
        if extracted.fields:   # a Markdown front matter's fields, under what metadata.csv gives
            fields = dict(extracted.fields)
            if date is None and fields.get("date"):
                date = _parse_date(fields["date"], f"{names[path]} front matter, field 'date'")
            meta = {**{k: v for k, v in fields.items() if k not in ("id", "date")}, **meta}
        inputs.append(_used(names[path], extracted))
        documents.append(Document(doc_id, extracted.text, meta, date, str(path), extracted.page_starts))
    if not documents and not inputs:
        raise CorpusError(f"{str(folder)!r} holds no {_FOLDER_KINDS} files")
    return _make_corpus(documents, folder.name, inputs, str(folder))


def file_id(name: str) -> str:
    """A document's id from its file's name (:func:`file_name`) without the suffix: ``report``, ``2024/report``."""
    folder, _, base = name.rpartition("/")
    return f"{folder}/{Path(base).stem}" if folder else Path(base).stem


def _metadata_rows(path: Path, encoding: str) -> list[dict]:
    try:
        decoded = decode_bytes(path.read_bytes(), encoding)
    except (InputRejected, OSError) as exc:
        raise CorpusError(f"{path}: cannot be read: {exc}") from None
    return list(csv.DictReader(io.StringIO(decoded.text)))


def _check_unique_ids(ids: list[tuple[str, str]], path: Path, column: str) -> None:
    """Duplicate document ids are an error naming both rows."""
    first: dict[str, str] = {}
    for doc_id, where in ids:
        if doc_id in first:
            raise CorpusError(f"{path} {where}: duplicate document id {doc_id!r} (first at {first[doc_id]}); "
                              f"ids in column {column!r} must be unique")
        first[doc_id] = where


def flat_record(record: dict, prefix: str = "") -> dict:
    """A JSON object with the keys of nested objects joined by dots: ``{"meta": {"cat": "体育"}}`` gives
    ``{"meta.cat": "体育"}``, so a field inside an object is a column like any other (``--text-col article.body``)."""
    flat: dict = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flat_record(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def jsonl_records(lines, path: Path, inputs: list[InputRecord], first_line: int = 1):
    """``(records, line numbers)`` of the JSON objects on ``lines``, flattened (:func:`flat_record`); other lines
    are skipped (recorded in ``inputs``)."""
    records, numbers = [], []
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            _skip(inputs, f"{path.name} line {number}", "invalid", f"not valid JSON ({exc.msg}, column {exc.colno})")
            continue
        if not isinstance(record, dict):
            _skip(inputs, f"{path.name} line {number}", "invalid", "not a JSON object")
            continue
        records.append(flat_record(record))
        numbers.append(number)
    return records, numbers


def _cell_text(value: object) -> str:
    """An Excel cell as the text a CSV export shows: dates as 2025-10-01 (with the time only when it has
    one), whole numbers without ``.0``, empty cells empty."""
    import datetime as dt

    if value is None or value != value:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx_frame(path: Path, sheet: str = "", limits: Limits = Limits()):
    """One sheet of an Excel workbook (the first when ``sheet`` is empty) as a table of text cells, and the
    sheet's name. A missing sheet or an unreadable file is an error naming it."""
    import zipfile

    import pandas as pd

    from ..errors import did_you_mean

    try:
        check_size(path.stat().st_size, limits.max_bytes)
        book = pd.ExcelFile(path, engine="openpyxl")
    except InputRejected as exc:
        raise CorpusError(f"table {str(path)!r} cannot be used: {exc}") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CorpusError(f"table {str(path)!r} cannot be used: not a readable .xlsx workbook ({exc}); "
                          f"open and save it again in Excel or WPS") from None
    with book:
        names = [str(n) for n in book.sheet_names]
        if sheet and sheet not in names:
            raise CorpusError(f"{str(path)!r} has no sheet {sheet!r}{did_you_mean(sheet, names)} "
                              f"(use --sheet or [corpus] sheet; sheets: {', '.join(names)})")
        chosen = sheet or names[0]
        frame = pd.read_excel(book, sheet_name=chosen, dtype=object, keep_default_na=False, na_values=[])
    frame.columns = [_cell_text(c) for c in frame.columns]
    return frame.map(_cell_text), chosen


class TableRows:
    """Turns the rows of a table into documents: the one place where a table's ids, dates and skipped rows are
    decided, for a whole read (:func:`read_table`) and a read in chunks (:class:`textmine.io.stream.TableChunks`)
    alike, so both give the same documents.

    Rows are given in order, in any number of batches; ids are checked for duplicates across all of them,
    and rows without text (or with an oversized line) are skipped and recorded in :attr:`inputs`. A JSONL
    line is one JSON object, its keys the row's columns: its metadata are the keys it has (a key it lacks
    reads as empty), each value as that line has it (``1921``, not ``1921.0`` because another line lacks
    the key); the text, id and date keys must each appear on some line (:attr:`keys` holds every key seen).
    """

    def __init__(self, path: Path, *, text_col: str = "text", id_col: str = "", date_col: str = "",
                 limits: Limits = Limits(), inputs: list[InputRecord] | None = None) -> None:
        self.path = path
        self.kind = "line" if path.suffix.lower() == ".jsonl" else "row"
        self.text_col, self.id_col, self.date_col = text_col, id_col, date_col
        self.limits = limits
        self.inputs: list[InputRecord] = inputs if inputs is not None else []
        self.rows = 0           # rows seen so far: a row without an id column is known by its number
        self.documents = 0      # documents made so far
        self._first: dict[str, str] = {}
        self.keys: dict[str, None] = {}   # every column seen, in order (JSONL lines may differ)
        self.markup_rows = 0    # rows whose text was HTML, read as text (textmine.io.webpage.markup_text)

    def check_columns(self, columns) -> None:
        for role, column in (("text", self.text_col), ("id", self.id_col), ("date", self.date_col)):
            if column and column not in columns:
                found = ", ".join(map(str, columns)) or "none"
                raise CorpusError(f"{str(self.path)!r} has no {role} column {column!r} "
                                  f"(use --{role}-col; columns found: {found})")

    def frame_documents(self, frame, numbers: list[int]) -> list[Document]:
        """The documents of the rows of a DataFrame (``numbers``: each row's row or line number in the file)."""
        self.check_columns(frame.columns)
        columns = {name: frame[name].tolist() for name in frame.columns}
        self.keys.update(dict.fromkeys(columns))
        blank = [None] * len(frame)
        named = [name for name in columns if name not in (self.text_col, self.id_col)]
        keys = [str(name) for name in named]
        # column by column: the metadata of three copies of the reviews in 0.09 s, against 0.21-0.24 s row by row
        metas = ([dict(zip(keys, values)) for values in zip(*(_text_cells(columns[name]) for name in named))]
                 if named else [{}] * len(frame))
        return self._documents(columns[self.text_col], columns[self.id_col] if self.id_col else blank,
                               columns[self.date_col] if self.date_col else blank, metas, numbers)

    def documents_of(self, records: list[dict], numbers: list[int]) -> list[Document]:
        """The documents of JSONL ``records`` (one dict a line, each with its own keys); ``numbers`` are their line
        numbers in the file."""
        text_col, id_col, date_col = self.text_col, self.id_col, self.date_col
        for row in records:
            self.keys.update(dict.fromkeys(row))
        metas = [{str(k): _cell(v) for k, v in row.items() if k not in (text_col, id_col)} for row in records]
        return self._documents([_paragraphs(row.get(text_col)) for row in records], [row.get(id_col) for row in records],
                               [row.get(date_col) for row in records], metas, numbers)

    def _documents(self, texts: list, ids: list, dates: list, metas: list[dict], numbers: list[int]) -> list[Document]:
        """Documents from each row's text, id and date cells and metadata; rows without usable text are skipped."""
        path, kind, id_col, date_col = self.path, self.kind, self.id_col, self.date_col
        if id_col:
            ids = [_cell(value).strip() for value in ids]
            first = self._first
            for doc_id, n in zip(ids, numbers):
                if doc_id in first:
                    raise CorpusError(f"{path} {kind} {n}: duplicate document id {doc_id!r} (first at {first[doc_id]}); "
                                      f"ids in column {id_col!r} must be unique")
                first[doc_id] = f"{kind} {n}"
        documents = []
        source = f"{path}#"
        max_line = self.limits.max_line_chars
        for row_number, (text, doc_id, date, meta, number) in enumerate(zip(_text_cells(texts), ids, dates, metas,
                                                                            numbers), start=self.rows):
            if holds_markup(text):
                text = markup_text(text)
                self.markup_rows += 1
            if not id_col:
                doc_id = str(row_number)
            date = _parse_date(date, f"{path} {kind} {number}, column {date_col!r}") if date_col else None
            if len(text) > max_line or text.isspace() or not text:   # else no line can be too long
                try:
                    check_text(text, max_line)
                except InputRejected as exc:
                    _skip(self.inputs, f"{path.name} {kind} {number} (id {doc_id})", exc.reason, exc.detail)
                    continue
            documents.append(Document(doc_id, text.replace("\r\n", "\n"), meta, date, f"{source}{row_number + 1}"))
        self.rows += len(texts)
        self.documents += len(documents)
        return documents

    def noted(self, record: InputRecord) -> InputRecord:
        """The table's own record, saying in how many rows HTML was read as text."""
        if not self.markup_rows:
            return record
        note = f"HTML read as text in {self.markup_rows} row{'s' if self.markup_rows > 1 else ''}"
        return dataclasses.replace(record, detail="; ".join(filter(None, (record.detail, note))))


def _cell(value: object) -> str:
    """A cell as text: missing (None, NaN) is empty; a JSON list or object is its JSON text."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None or value != value else str(value)


def _text_cells(values: list) -> list[str]:
    """:func:`_cell` of each value (the list itself when every value is text already, as a CSV's cells are)."""
    return values if all(type(value) is str for value in values) else list(map(_cell, values))


def _paragraphs(value: object) -> object:
    """A JSONL text field that is a list (of paragraphs, as scrapers save them) as one text, a blank line between
    its items; any other value as it is."""
    if isinstance(value, list):
        return "\n\n".join(_cell(item) for item in value if item is not None)
    return value


def read_table(path: Path, *, text_col: str = "text", id_col: str = "", date_col: str = "", sheet: str = "",
               encoding: str = AUTO, limits: Limits = Limits()) -> Corpus:
    """A CSV, JSONL or Excel (.xlsx, one ``sheet``) table: one document per row, a text column and metadata
    columns.

    Rows whose text is empty or oversized are skipped with a warning (recorded
    in ``Corpus.inputs``); a missing column, a bad date or a duplicate id is an error (:class:`TableRows`).
    """
    import pandas as pd

    inputs: list[InputRecord] = []
    if path.suffix.lower() == ".xlsx":
        frame, chosen = read_xlsx_frame(path, sheet, limits)
        numbers = list(range(1, len(frame) + 1))
        inputs.append(InputRecord(path.name, "used", detail=f"sheet {chosen!r}", format="xlsx"))
    else:
        try:
            decoded = read_input(path, encoding, Limits(limits.max_file_mb, max_line_chars=2**62))
        except InputRejected as exc:
            raise CorpusError(f"table {str(path)!r} cannot be used: {exc}") from None
        inputs.append(_used(path.name, decoded))
        try:
            if path.suffix.lower() in DELIMITED_SUFFIXES:
                # object: the cells as Python strings (a string column goes to Arrow and back, 2-4x slower)
                frame = pd.read_csv(_csv_source(decoded.text), sep=separator(path, decoded.text),
                                    dtype=object, keep_default_na=False)
                numbers = list(range(1, len(frame) + 1))
            else:
                frame = None
                records, numbers = jsonl_records(decoded.text.split("\n"), path, inputs)
        except (ValueError, pd.errors.ParserError) as exc:
            raise CorpusError(f"cannot read table {str(path)!r}: {str(exc).strip()}") from None
    rows = TableRows(path, text_col=text_col, id_col=id_col, date_col=date_col, limits=limits, inputs=inputs)
    if frame is not None:
        documents = rows.frame_documents(frame, numbers)
    else:
        rows.check_columns(dict.fromkeys(key for record in records for key in record))
        documents = rows.documents_of(records, numbers)
    inputs[0] = rows.noted(inputs[0])
    if not documents and not inputs[1:]:
        raise CorpusError(f"{str(path)!r} has no rows")
    return _make_corpus(documents, path.stem, inputs, str(path))


def separator(path: Path, text: str) -> str:
    """The cell separator of a delimited table: a tab for ``.tsv``; for ``.csv`` the comma, unless its header
    line holds none and tabs, semicolons (a spreadsheet's export where the comma is the decimal mark) or
    vertical bars instead: the one it holds most of."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    header = text[:text.find("\n")] if "\n" in text else text
    if "," in header:
        return ","
    counts = {mark: header.count(mark) for mark in ("\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_source(text: str):
    """``text`` for pandas' CSV parser as UTF-8 bytes: it parses bytes in half the time of a ``StringIO``, which it
    encodes to UTF-8 itself, chunk by chunk (the same cells either way)."""
    try:
        return io.BytesIO(text.encode("utf-8"))
    except UnicodeEncodeError:   # a lone surrogate: only the text parser takes it
        return io.StringIO(text)


def _make_corpus(documents: list[Document], name: str, inputs: list[InputRecord] = (),
                 where: str = "") -> Corpus:
    if not documents and inputs:
        skipped = [r for r in inputs if r.status == "skipped"]
        listed = "; ".join(f"{r.name}: {r.reason}" for r in skipped[:5]) + ("; …" if len(skipped) > 5 else "")
        raise CorpusError(f"no usable documents in {where or name!r}: all {len(skipped)} inputs were skipped "
                          f"({listed})")
    try:
        return Corpus(tuple(documents), name, tuple(inputs))
    except ValueError as exc:
        raise CorpusError(str(exc)) from None


def read_corpus(path: str | Path, *, text_col: str = "text", id_col: str = "", date_col: str = "", sheet: str = "",
                encoding: str = AUTO, max_file_mb: int = 50, max_line_chars: int = 1_000_000,
                strict: bool = False) -> Corpus:
    """Read a corpus from a folder (of .txt/.md/.pdf/.docx/.html files), one such file, or a .csv/.tsv/.jsonl/.xlsx
    table (``sheet``: the Excel sheet, the first when empty).

    Inputs that cannot be used are skipped with a warning and listed in
    ``Corpus.skipped``; with ``strict=True`` any skipped input is an error.
    """
    path = Path(path)
    _check_encoding(encoding)
    limits = Limits(max_file_mb, max_line_chars)
    if not path.exists():
        raise CorpusError(f"corpus {str(path)!r} does not exist; give a folder of {_FOLDER_KINDS} files "
                          f"or a {TABLE_KINDS} table with --corpus")
    if path.is_dir():
        corpus = read_folder(path, encoding, limits)
    elif path.suffix.lower() in TABLE_SUFFIXES:
        corpus = read_table(path, text_col=text_col, id_col=id_col, date_col=date_col, sheet=sheet,
                            encoding=encoding, limits=limits)
    elif path.suffix.lower() in FOLDER_SUFFIXES:
        try:
            extracted = read_document(path, encoding, limits)
        except InputRejected as exc:
            raise CorpusError(f"corpus file {str(path)!r} cannot be used: {exc}") from None
        document = Document(path.stem, extracted.text, {"file": path.name}, None, str(path), extracted.page_starts)
        corpus = _make_corpus([document], path.stem, [_used(path.name, extracted)])
    else:
        raise CorpusError(f"corpus {str(path)!r} is neither a folder nor a {_FOLDER_KINDS} document nor a "
                          f"{TABLE_KINDS} table")
    if strict and corpus.skipped:
        listed = "; ".join(f"{r.name}: {r.reason}" for r in corpus.skipped[:5])
        more = f" and {len(corpus.skipped) - 5} more" if len(corpus.skipped) > 5 else ""
        raise CorpusError(f"strict mode: {len(corpus.skipped)} input(s) of {str(path)!r} cannot be used "
                          f"({listed}{more}); fix or remove them, or run without --strict")
    return corpus


def corpus_file_hashes(corpus: Corpus) -> dict[str, str]:
    """sha256 of each distinct source file of a corpus (tables: the table file)."""
    hashes: dict[str, str] = {}
    for doc in corpus:
        source = doc.source.split("#", 1)[0]
        if source and source not in hashes and Path(source).is_file():
            hashes[source] = sha256_file(source)
    folder_meta = {str(Path(d.source).parent / "metadata.csv") for d in corpus if d.source and "#" not in d.source}
    for meta in sorted(folder_meta):
        if Path(meta).is_file():
            hashes[meta] = sha256_file(meta)
    return {Path(k).name: v for k, v in sorted(hashes.items())}


def skipped_summary(corpus: Corpus, limit: int = 20) -> str:
    """One line per skipped input after a header line; empty when nothing was skipped."""
    skipped = corpus.skipped
    if not skipped:
        return ""
    used = sum(1 for r in corpus.inputs if r.status == "used")
    lines = [f"skipped {len(skipped)} input(s), used {len(corpus)} document(s) from {used} input(s) "
             f"(listed under corpus.skipped in manifest.json):"]
    lines += [f"  {r.name}: {r.reason} ({r.detail})" for r in skipped[:limit]]
    if len(skipped) > limit:
        lines.append(f"  … and {len(skipped) - limit} more")
    return "\n".join(lines)
