"""Read a table corpus in chunks of documents, so memory does not grow with the corpus.

The rows become documents in :class:`textmine.io.read.TableRows`, as in a whole read
(:func:`textmine.io.read.read_table`): the same ids (checked for duplicates across chunks), dates,
metadata and skipped rows, so the chunks of a table hold the documents of the whole read, in order.
The file is decoded as the whole read decodes it (the encoding it names, or the one detected from its
first megabyte; a byte-order mark is dropped and line ends become ``\\n``).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from ..data import Document, InputRecord
from ..errors import CorpusError
from .decode import AUTO, InputRejected, check_size


class TableChunks:
    """The documents of a ``.csv``/``.jsonl``/``.xlsx`` table, ``chunk_docs`` rows at a time.

    Iterate once; afterwards :attr:`inputs` lists the table (used) and every skipped row, as
    ``Corpus.inputs`` of a whole read does.
    """

    def __init__(self, path: str | Path, *, text_col: str = "text", id_col: str = "", date_col: str = "",
                 sheet: str = "", encoding: str = AUTO, chunk_docs: int = 5000, limits=None) -> None:
        from .read import Limits, TableRows

        self.path = Path(path)
        self.chunk_docs = max(1, chunk_docs)
        self.sheet = sheet
        self.encoding = encoding
        self.limits = limits or Limits()
        self.inputs: list[InputRecord] = []
        self.rows = TableRows(self.path, text_col=text_col, id_col=id_col, date_col=date_col, limits=self.limits,
                              inputs=self.inputs)

    def __iter__(self) -> Iterator[list[Document]]:
        from .read import DELIMITED_SUFFIXES, TABLE_KINDS

        suffix = self.path.suffix.lower()
        if suffix == ".xlsx":
            yield from self._xlsx()
        elif suffix in DELIMITED_SUFFIXES or suffix == ".jsonl":
            yield from self._text_table(suffix)
        else:
            raise CorpusError(f"{str(self.path)!r}: a table is a {TABLE_KINDS} file")
        self.inputs[0] = self.rows.noted(self.inputs[0])
        if not self.rows.documents and not self.inputs[1:]:
            raise CorpusError(f"{str(self.path)!r} has no rows")
        if not self.rows.documents:
            from .read import _make_corpus

            _make_corpus([], self.path.stem, self.inputs, str(self.path))   # raises, listing what was skipped

    def _xlsx(self) -> Iterator[list[Document]]:
        from .read import read_xlsx_frame

        frame, chosen = read_xlsx_frame(self.path, self.sheet, self.limits)
        self.inputs.append(InputRecord(self.path.name, "used", detail=f"sheet {chosen!r}", format="xlsx"))
        self.rows.check_columns(frame.columns)
        for start in range(0, len(frame), self.chunk_docs):
            part = frame.iloc[start:start + self.chunk_docs]
            yield self.rows.frame_documents(part, list(range(start + 1, start + len(part) + 1)))

    def _text_table(self, suffix: str) -> Iterator[list[Document]]:
        import pandas as pd

        from .read import DELIMITED_SUFFIXES, _used, jsonl_records, separator

        codec, decoded = self._codec()
        self.inputs.append(_used(self.path.name, decoded))
        try:
            with open(self.path, encoding=codec, newline=None) as handle:   # \r\n and \r read as \n
                if suffix in DELIMITED_SUFFIXES:
                    row = 0
                    sep = separator(self.path, handle.readline())
                    handle.seek(0)
                    with pd.read_csv(handle, sep=sep, dtype=object, keep_default_na=False,
                                     chunksize=self.chunk_docs) as reader:
                        for frame in reader:
                            yield self.rows.frame_documents(frame, list(range(row + 1, row + len(frame) + 1)))
                            row += len(frame)
                else:
                    line = 1
                    while True:
                        lines = [text for _, text in zip(range(self.chunk_docs), handle)]
                        if not lines:
                            break
                        records, numbers = jsonl_records(lines, self.path, self.inputs, first_line=line)
                        line += len(lines)
                        yield self.rows.documents_of(records, numbers)
                    self.rows.check_columns(self.rows.keys)
        except UnicodeDecodeError as exc:
            raise CorpusError(f"table {str(self.path)!r} cannot be used: undecodable: not valid {codec} "
                              f"({exc.reason})") from None
        except (ValueError, pd.errors.ParserError) as exc:
            raise CorpusError(f"cannot read table {str(self.path)!r}: {str(exc).strip()}") from None

    def _codec(self):
        """The codec to read the file with, and how it was chosen (as a whole read records it)."""
        from .decode import Decoded, decode_bytes

        try:
            check_size(self.path.stat().st_size, self.limits.max_bytes)
            with open(self.path, "rb") as handle:
                head = handle.read(1 << 20)
            if self.encoding.lower() != AUTO:
                decoded = Decoded("", self.encoding, "option")
            else:
                decoded = decode_bytes(head)
                if len(head) < self.path.stat().st_size:   # the head may end inside a character; the file does not
                    decoded = Decoded("", decoded.encoding, decoded.method, decoded.chaos)
        except InputRejected as exc:
            raise CorpusError(f"table {str(self.path)!r} cannot be used: {exc}") from None
        except OSError as exc:
            raise CorpusError(f"table {str(self.path)!r} cannot be used: {exc.strerror or exc}") from None
        name = codecs.lookup(decoded.encoding).name
        # a whole read drops a leading byte-order mark whatever the codec: these codecs do the same
        codec = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16", "utf-32-le": "utf-32",
                 "utf-32-be": "utf-32"}.get(name, name) if decoded.method in ("bom", "utf-8", "option") else name
        return codec, decoded

