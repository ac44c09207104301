"""Read a table corpus in chunks of documents, so memory does not grow with the corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..data import Document
from ..errors import CorpusError


def iter_table_chunks(path: str | Path, *, text_col: str = "text", id_col: str = "", chunk_docs: int = 5000,
                      encoding: str = "utf-8") -> Iterator[list[Document]]:
    """Documents of a .csv/.jsonl table, ``chunk_docs`` at a time (ids as :func:`read_table` gives them)."""
    import pandas as pd

    path = Path(path)
    suffix = path.suffix.lower()
    if encoding.lower() == "auto":
        encoding = _sniff_encoding(path)
    if suffix == ".csv":
        reader = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, chunksize=chunk_docs)
    elif suffix == ".jsonl":
        reader = pd.read_json(path, lines=True, dtype=False, encoding=encoding, chunksize=chunk_docs)
    else:
        raise CorpusError(f"{str(path)!r}: streaming reads .csv or .jsonl tables")
    row = 0
    with reader:
        for frame in reader:
            if text_col not in frame.columns:
                raise CorpusError(f"{str(path)!r} has no text column {text_col!r}")
            documents = []
            for text, doc_id in zip(frame[text_col], frame[id_col] if id_col else range(row, row + len(frame))):
                text = "" if text is None or text != text else str(text)
                documents.append(Document(str(doc_id), text.replace("\r\n", "\n")))
            row += len(frame)
            yield documents


def _sniff_encoding(path: Path, head_bytes: int = 1 << 20) -> str:
    """The codec :func:`~textmine.io.decode.decode_bytes` picks for the first megabyte of the file."""
    from .decode import InputRejected, decode_bytes

    with open(path, "rb") as handle:
        head = handle.read(head_bytes)
    try:
        return decode_bytes(head).encoding
    except InputRejected as exc:
        raise CorpusError(f"{str(path)!r}: cannot tell its encoding ({exc}); name it with [corpus] encoding") from None
