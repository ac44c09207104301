"""Read a corpus from a folder of text files or from a CSV/JSONL table."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from ..data import Corpus, Document, InputRecord, PartialDate
from ..errors import ConfigError, CorpusError
from .decode import AUTO, Decoded, InputRejected, check_size, check_text, decode_bytes

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
TABLE_SUFFIXES = (".csv", ".jsonl")
METADATA_FILES = ("metadata.csv",)


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


def read_text_file(path: Path, encoding: str = AUTO) -> str:
    """Read one text file; a file that cannot be used is an error naming the file and the reason."""
    try:
        return read_input(path, encoding).text
    except InputRejected as exc:
        raise CorpusError(f"{str(path)!r} cannot be used: {exc}") from None


def _skip(inputs: list[InputRecord], name: str, reason: str, detail: str) -> None:
    log.warning("skipped %s: %s (%s)", name, reason, detail)
    inputs.append(InputRecord(name, "skipped", reason, detail))


def _used(name: str, decoded: Decoded) -> InputRecord:
    return InputRecord(name, "used", detail=decoded.note, encoding=decoded.encoding, method=decoded.method,
                       chaos=decoded.chaos)


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


def read_folder(folder: Path, encoding: str = AUTO, limits: Limits = Limits()) -> Corpus:
    """A folder of .txt/.md files, with an optional ``metadata.csv`` (id, file, date, any other columns).

    Without a metadata file, ids come from the file names and there are no dates.
    With one, documents follow its row order. Files that cannot be used (empty,
    binary, undecodable, oversized, another type, not listed in metadata.csv)
    are skipped with a warning and recorded in ``Corpus.inputs``.
    """
    inputs: list[InputRecord] = []
    entries = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    files = [p for p in entries if p.suffix.lower() in TEXT_SUFFIXES]
    for p in entries:
        if p.suffix.lower() not in TEXT_SUFFIXES and p.name not in METADATA_FILES:
            _skip(inputs, p.name, "unsupported", f"{p.suffix or 'no suffix'} is not a .txt or .md file")
    metadata_path = folder / "metadata.csv"
    if metadata_path.exists():
        rows = _metadata_rows(metadata_path, encoding)
        if rows and "file" not in rows[0]:
            raise CorpusError(f"{metadata_path}: needs a 'file' column naming each text file")
        by_name = {p.name: p for p in files}
        listed = [((row.get("file") or "").strip(), line, row) for line, row in enumerate(rows, start=2)]
        for name, line, _ in listed:
            if name not in by_name:
                raise CorpusError(f"{metadata_path} line {line}: file {name!r} is not in {str(folder)!r}")
        _check_unique_ids([((row.get("id") or "").strip() or by_name[name].stem, f"line {line}")
                           for name, line, row in listed], metadata_path, "id")
        selected = []
        for name, line, row in listed:
            path = by_name[name]
            doc_id = (row.get("id") or "").strip() or path.stem
            meta = {k: (v or "").strip() for k, v in row.items() if k not in ("id", "date") and k}
            date = _parse_date(row.get("date"), f"{metadata_path} line {line}, column 'date'")
            selected.append((path, doc_id, meta, date))
        for name in sorted(set(by_name) - {name for name, _, _ in listed}):
            _skip(inputs, name, "unlisted", "not listed in metadata.csv; add a row for it to include it")
    else:
        selected = [(p, p.stem, {"file": p.name}, None) for p in files]
    documents = []
    for path, doc_id, meta, date in selected:
        try:
            decoded = read_input(path, encoding, limits)
        except InputRejected as exc:
            _skip(inputs, path.name, exc.reason, exc.detail)
            continue
        inputs.append(_used(path.name, decoded))
        documents.append(Document(doc_id, decoded.text, meta, date, str(path)))
    if not documents and not inputs:
        raise CorpusError(f"{str(folder)!r} holds no .txt or .md files")
    return _make_corpus(documents, folder.name, inputs, str(folder))


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


def _read_jsonl(text: str, path: Path, inputs: list[InputRecord]):
    import pandas as pd

    records, lines = [], []
    for number, line in enumerate(text.split("\n"), start=1):
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
        records.append(record)
        lines.append(number)
    return pd.DataFrame.from_records(records), lines


def read_table(path: Path, *, text_col: str = "text", id_col: str = "", date_col: str = "",
               encoding: str = AUTO, limits: Limits = Limits()) -> Corpus:
    """A CSV or JSONL table: one document per row, a text column and metadata columns.

    Rows whose text is empty or oversized are skipped with a warning (recorded
    in ``Corpus.inputs``); a missing column, a bad date or a duplicate id is an error.
    """
    import pandas as pd

    inputs: list[InputRecord] = []
    try:
        decoded = read_input(path, encoding, Limits(limits.max_file_mb, max_line_chars=2**62))
    except InputRejected as exc:
        raise CorpusError(f"table {str(path)!r} cannot be used: {exc}") from None
    inputs.append(_used(path.name, decoded))
    kind = "line" if path.suffix.lower() == ".jsonl" else "row"
    try:
        if path.suffix.lower() == ".csv":
            frame = pd.read_csv(io.StringIO(decoded.text), dtype=str, keep_default_na=False)
            numbers = list(range(1, len(frame) + 1))
        else:
            frame, numbers = _read_jsonl(decoded.text, path, inputs)
    except (ValueError, pd.errors.ParserError) as exc:
        raise CorpusError(f"cannot read table {str(path)!r}: {str(exc).strip()}") from None
    for role, column in (("text", text_col), ("id", id_col), ("date", date_col)):
        if column and column not in frame.columns:
            found = ", ".join(map(str, frame.columns)) or "none"
            raise CorpusError(f"{str(path)!r} has no {role} column {column!r} "
                              f"(use --{role}-col; columns found: {found})")
    columns = {name: frame[name].tolist() for name in frame.columns}  # a quarter of to_dict("records")'s time
    records = [dict(zip(columns, values)) for values in zip(*columns.values())]
    if id_col:
        _check_unique_ids([(str(row[id_col]).strip(), f"{kind} {n}") for row, n in zip(records, numbers)],
                          path, id_col)
    documents = []
    for row_number, (row, number) in enumerate(zip(records, numbers)):
        text = row[text_col]
        text = "" if text is None or text != text else str(text)
        doc_id = str(row[id_col]).strip() if id_col else str(row_number)
        date = _parse_date(row[date_col], f"{path} {kind} {number}, column {date_col!r}") if date_col else None
        try:
            check_text(text, limits.max_line_chars)
        except InputRejected as exc:
            _skip(inputs, f"{path.name} {kind} {number} (id {doc_id})", exc.reason, exc.detail)
            continue
        meta = {str(k): "" if v is None or v != v else str(v)
                for k, v in row.items() if k not in (text_col, id_col)}
        documents.append(Document(doc_id, text.replace("\r\n", "\n"), meta, date, f"{path}#{row_number + 1}"))
    if not documents and not inputs[1:]:
        raise CorpusError(f"{str(path)!r} has no rows")
    return _make_corpus(documents, path.stem, inputs, str(path))


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


def read_corpus(path: str | Path, *, text_col: str = "text", id_col: str = "", date_col: str = "",
                encoding: str = AUTO, max_file_mb: int = 50, max_line_chars: int = 1_000_000,
                strict: bool = False) -> Corpus:
    """Read a corpus from a folder (of .txt/.md) or a .csv/.jsonl table.

    Inputs that cannot be used are skipped with a warning and listed in
    ``Corpus.skipped``; with ``strict=True`` any skipped input is an error.
    """
    path = Path(path)
    _check_encoding(encoding)
    limits = Limits(max_file_mb, max_line_chars)
    if not path.exists():
        raise CorpusError(f"corpus {str(path)!r} does not exist; give a folder of .txt/.md files "
                          f"or a .csv/.jsonl table with --corpus")
    if path.is_dir():
        corpus = read_folder(path, encoding, limits)
    elif path.suffix.lower() in TABLE_SUFFIXES:
        corpus = read_table(path, text_col=text_col, id_col=id_col, date_col=date_col, encoding=encoding,
                            limits=limits)
    elif path.suffix.lower() in TEXT_SUFFIXES:
        try:
            decoded = read_input(path, encoding, limits)
        except InputRejected as exc:
            raise CorpusError(f"corpus file {str(path)!r} cannot be used: {exc}") from None
        corpus = _make_corpus([Document(path.stem, decoded.text, {"file": path.name}, None, str(path))],
                              path.stem, [_used(path.name, decoded)])
    else:
        raise CorpusError(f"corpus {str(path)!r} is neither a folder nor a .csv/.jsonl/.txt/.md file")
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
