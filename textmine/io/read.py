"""Read a corpus from a folder of text files or from a CSV/JSONL table."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from ..data import Corpus, Document, PartialDate
from ..errors import CorpusError

TEXT_SUFFIXES = (".txt", ".md")
TABLE_SUFFIXES = (".csv", ".jsonl")
METADATA_FILES = ("metadata.csv",)


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_text_file(path: Path, encoding: str = "utf-8") -> str:
    """Read one text file; a file that cannot be decoded is an error naming the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{str(path)!r} is not valid {encoding} (byte {exc.start}); "
                          f"convert it or set [corpus] encoding") from None
    except LookupError:
        raise CorpusError(f"[corpus] encoding = {encoding!r} is not a known encoding") from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _parse_date(value: object, where: str) -> PartialDate | None:
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise CorpusError(f"{where}: {exc}") from None


def read_folder(folder: Path, encoding: str = "utf-8") -> Corpus:
    """A folder of .txt/.md files, with an optional ``metadata.csv`` (id, file, date, any other columns).

    Without a metadata file, ids come from the file names and there are no dates.
    With one, documents follow its row order.
    """
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in TEXT_SUFFIXES and p.is_file())
    metadata_path = folder / "metadata.csv"
    if metadata_path.exists():
        with open(metadata_path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if rows and "file" not in rows[0]:
            raise CorpusError(f"{metadata_path}: needs a 'file' column naming each text file")
        by_name = {p.name: p for p in files}
        documents = []
        for line, row in enumerate(rows, start=2):
            name = (row.get("file") or "").strip()
            if name not in by_name:
                raise CorpusError(f"{metadata_path} line {line}: file {name!r} is not in {str(folder)!r}")
            path = by_name[name]
            doc_id = (row.get("id") or "").strip() or path.stem
            meta = {k: (v or "").strip() for k, v in row.items() if k not in ("id", "date") and k}
            date = _parse_date(row.get("date"), f"{metadata_path} line {line}, column 'date'")
            documents.append(Document(doc_id, read_text_file(path, encoding), meta, date, str(path)))
    else:
        documents = [Document(p.stem, read_text_file(p, encoding), {"file": p.name}, None, str(p)) for p in files]
    if not documents:
        raise CorpusError(f"{str(folder)!r} holds no .txt or .md files")
    return _make_corpus(documents, folder.name)


def read_table(path: Path, *, text_col: str = "text", id_col: str = "", date_col: str = "",
               encoding: str = "utf-8") -> Corpus:
    """A CSV or JSONL table: one document per row, a text column and metadata columns."""
    import pandas as pd

    try:
        if path.suffix.lower() == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        else:
            frame = pd.read_json(path, lines=True, dtype=False, encoding=encoding)
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise CorpusError(f"cannot read table {str(path)!r}: {exc}") from None
    for role, column in (("text", text_col), ("id", id_col), ("date", date_col)):
        if column and column not in frame.columns:
            found = ", ".join(map(str, frame.columns))
            raise CorpusError(f"{str(path)!r} has no {role} column {column!r} "
                              f"(use --{role}-col; columns found: {found})")
    documents = []
    for row_number, row in enumerate(frame.to_dict("records")):
        text = row[text_col]
        text = "" if text is None or text != text else str(text)
        doc_id = str(row[id_col]) if id_col else str(row_number)
        date = _parse_date(row[date_col], f"{path} row {row_number + 1}, column {date_col!r}") if date_col else None
        meta = {str(k): "" if v is None or v != v else str(v)
                for k, v in row.items() if k not in (text_col, id_col)}
        documents.append(Document(doc_id, text.replace("\r\n", "\n"), meta, date, f"{path}#{row_number + 1}"))
    if not documents:
        raise CorpusError(f"{str(path)!r} has no rows")
    return _make_corpus(documents, path.stem)


def _make_corpus(documents: list[Document], name: str) -> Corpus:
    try:
        return Corpus(tuple(documents), name)
    except ValueError as exc:
        raise CorpusError(str(exc)) from None


def read_corpus(path: str | Path, *, text_col: str = "text", id_col: str = "", date_col: str = "",
                encoding: str = "utf-8") -> Corpus:
    """Read a corpus from a folder (of .txt/.md) or a .csv/.jsonl table."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"corpus {str(path)!r} does not exist; give a folder of .txt/.md files "
                          f"or a .csv/.jsonl table with --corpus")
    if path.is_dir():
        return read_folder(path, encoding)
    if path.suffix.lower() in TABLE_SUFFIXES:
        return read_table(path, text_col=text_col, id_col=id_col, date_col=date_col, encoding=encoding)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return _make_corpus([Document(path.stem, read_text_file(path, encoding), {"file": path.name}, None,
                                      str(path))], path.stem)
    raise CorpusError(f"corpus {str(path)!r} is neither a folder nor a .csv/.jsonl/.txt/.md file")


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
