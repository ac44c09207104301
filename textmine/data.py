"""The plain data objects that flow through the pipeline.

Corpus (documents + metadata) → Unit (cleaned paragraphs with offsets into the
original file) → TokenizedUnit (terms with character offsets) → Dtm (sparse
counts + vocabulary + row ids). None is changed once made; functions return new ones. Most are frozen
dataclasses; ``Unit`` and ``TokenizedUnit``, made hundreds of thousands of times per corpus, are slotted
dataclasses that nothing assigns to: a frozen dataclass sets each field through ``object.__setattr__``,
which made building them about four times slower (and reading them slower too).
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import datetime
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

_ISO_DATE = re.compile(r"([0-9]{4})(?:([-/.])([0-9]{1,2})(?:\2([0-9]{1,2}))?)?")  # 2021, 2021-03, 2021/3/4, 2021.03
_CHINESE_DATE = re.compile(r"([0-9]{4}|[〇○◯零一二三四五六七八九]{4})\s*年(?:\s*([0-9]{1,2}|[一二三四五六七八九十]{1,2})\s*月"
                           r"(?:\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]?)?)?")  # 2021年3月4日, 二〇二一年三月
_NUMERAL_DIGITS = {c: i for i, chars in enumerate(["〇○◯零", "一", "二", "三", "四", "五", "六", "七", "八", "九"])
                   for c in chars}
# a time of day after a full date (2021-03-04 08:00, 2021-03-04T08:00:00+08:00, 2021年3月4日 8:00): left out
_TIME_OF_DAY = re.compile(r"(?<=[0-9日号])(?:T|\s+|(?<=[日号]))[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
                          r"\s*(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$")
DATE_FORMS = "2017, 2017-05 or 2017-05-04 (also 2017/5/4, 2017.05, 2017年, 2017年5月, 2017年5月4日, 二〇一七年五月四日)"


def _chinese_number(text: str) -> int | None:
    """A number written in Chinese numerals (二〇二一 digit by digit; 十二, 二十四, 三十一 with 十), or None."""
    if text.isascii():
        return int(text)
    if "十" not in text:
        return int("".join(str(_NUMERAL_DIGITS[c]) for c in text)) if len(text) in (1, 4) else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones or tens in ("一", "〇", "○", "◯", "零") \
            or ones in ("〇", "○", "◯", "零"):
        return None
    return (_NUMERAL_DIGITS[tens] if tens else 1) * 10 + (_NUMERAL_DIGITS[ones] if ones else 0)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to year, month or day precision (reports are often dated '2025' or '2025-10')."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate | None:
        """Parse a date of year, month or day precision; None for empty.

        Accepted: ``2025``, ``2025-10``, ``2025-10-03``, the same with ``/`` or ``.`` (one separator
        throughout), ``2025年``, ``2025年10月``, ``2025年10月3日`` (spaces allowed), full-width digits, and
        Chinese numerals with 年 (``二〇二五年十月三日``; ○ and 零 for the zero); a time of day after
        a full date (``2025-10-03 08:00``, ``2025-10-03T08:00:00+08:00``, as exports and Excel give them) is left
        out: the date is the day as written, in the time zone it was written in. A year given as a whole
        number (``2025``, ``2025.0``) is a year; a fractional number is refused, since ``2025.10`` and
        ``2025.1`` are the same number.
        """
        if value is None or not isinstance(value, str) and value != value:  # None, NaN, NaT
            return None
        if isinstance(value, datetime.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, (float, np.floating)) and not float(value).is_integer():
            raise ValueError(f"{value!r} is a number, which cannot tell 2025.10 from 2025.1; write the date as "
                             f"text, e.g. {DATE_FORMS}")
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not text:
            return None
        if isinstance(value, (int, float, np.integer, np.floating)) or re.fullmatch(r"\d{4}\.0", text):
            text = text.split(".")[0]
        timed = _TIME_OF_DAY.search(text)
        if timed:
            text = text[:timed.start()].rstrip()
        match = _ISO_DATE.fullmatch(text)
        if match:
            year, month, day = (int(g) if g else None for g in match.group(1, 3, 4))
        else:
            match = _CHINESE_DATE.fullmatch(text)
            if not match:
                raise ValueError(f"{value!r} is not a date; write it as {DATE_FORMS}")
            year, month, day = (_chinese_number(g) if g else None for g in match.groups())
            if year is None or match.group(2) and month is None or match.group(3) and day is None:
                raise ValueError(f"{value!r} is not a date; write it as {DATE_FORMS}")
        if timed and day is None:
            raise ValueError(f"{value!r} is not a date: a time of day needs the day before it; write it as {DATE_FORMS}")
        if month is not None and not 1 <= month <= 12 or \
                day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise ValueError(f"{value!r} is not a valid date (a month is 1 to 12, a day within its month)")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)


@dataclass(frozen=True, init=False)
class Document:
    """One document: its id, original text, and metadata (title, publisher, date, ...)."""

    id: str
    text: str
    meta: Mapping[str, str]
    date: PartialDate | None
    source: str
    #: offset in ``text`` where each page begins (PDF); empty when the source has no pages
    page_starts: tuple[int, ...]

    def __init__(self, id: str, text: str, meta: Mapping[str, str] | None = None, date: PartialDate | None = None,
                 source: str = "", page_starts: Sequence[int] = ()) -> None:
        # ``meta`` is copied behind a read-only view. One update of the instance dict instead of the frozen
        # dataclass's setattr per field: a table reader makes a document a row (half the time on the reviews).
        self.__dict__.update(id=id, text=text, meta=MappingProxyType(dict(meta) if meta is not None else {}),
                             date=date, source=source, page_starts=tuple(page_starts))

    def __reduce__(self):   # the read-only view of ``meta`` cannot be pickled; its dict can
        return Document, (self.id, self.text, dict(self.meta), self.date, self.source, self.page_starts)

    @property
    def label(self) -> str:
        """Short label for plots: the id plus the date when known."""
        return f"{self.id} ({self.date})" if self.date else self.id

    def page_at(self, offset: int) -> int | None:
        """The page (1-based) holding ``text[offset]``, e.g. ``doc.page_at(unit.start)``; None without pages."""
        if not self.page_starts:
            return None
        return max(bisect.bisect_right(self.page_starts, offset), 1)


@dataclass(frozen=True)
class InputRecord:
    """One input (a file, or a row of a table) and what became of it.

    ``status`` is ``used`` or ``skipped``; a skipped input has a ``reason``
    (empty, binary, undecodable, oversized, unsupported, unlisted, invalid, no-text-layer,
    encrypted, damaged, no-article) and a ``detail`` saying what was seen.
    ``encoding``/``method`` say how the text was decoded; ``format`` is ``pdf``, ``docx`` or
    ``html`` for documents read with a format's reader (empty for plain text), ``pages`` the
    page count of a PDF.
    """

    name: str
    status: str = "used"
    reason: str = ""
    detail: str = ""
    encoding: str = ""
    method: str = ""
    chaos: float | None = None
    format: str = ""
    pages: int | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if v not in ("", None)}


@dataclass(frozen=True)
class Corpus:
    """An ordered collection of documents; ids are unique. ``inputs`` records every input read or skipped."""

    documents: tuple[Document, ...]
    name: str = "corpus"
    inputs: tuple[InputRecord, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for doc in self.documents:
            if doc.id in seen:
                raise ValueError(f"duplicate document id {doc.id!r}")
            seen.add(doc.id)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    def __getitem__(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.documents)

    @property
    def skipped(self) -> tuple[InputRecord, ...]:
        """Inputs left out of the analysis, each with its reason."""
        return tuple(r for r in self.inputs if r.status == "skipped")

    def by_date(self) -> Corpus:
        """Documents ordered by date (undated last), ties kept in their original order."""
        order = sorted(
            range(len(self.documents)),
            key=lambda i: (self.documents[i].date is None,
                           self.documents[i].date.sort_key() if self.documents[i].date else (0, 0, 0), i),
        )
        return Corpus(tuple(self.documents[i] for i in order), self.name, self.inputs)


#: "0000" … "9999", a unit id's index part: looked up, five times sooner than formatted (a corpus makes millions)
_FOUR_DIGITS = tuple(f"{i:04d}" for i in range(10_000))


@dataclass(slots=True)
class Unit:
    """A cleaned paragraph (or heading) of a document.

    ``text`` is what a reader sees (original script, junk removed); ``norm`` has
    the same length, folded (width, Traditional→Simplified) for counting.
    ``runs`` maps positions in ``text`` back to the original document text: each
    ``(text_pos, original_pos)`` pair starts a run of characters that are
    contiguous in the original.
    """

    doc_id: str
    index: int
    kind: str
    text: str
    norm: str
    runs: tuple[tuple[int, int], ...]

    def __reduce__(self):
        # rebuilt by one call of the constructor: a third quicker to unpickle than setting each slot from a state
        # dict (the cleaning helper process sends every unit it makes back)
        return Unit, (self.doc_id, self.index, self.kind, self.text, self.norm, self.runs)

    @property
    def id(self) -> str:   # not a cached_property: before Python 3.12 its first read takes a lock, costlier than this
        index = self.index
        return f"{self.doc_id}:{_FOUR_DIGITS[index]}" if index < 10_000 else f"{self.doc_id}:{index}"

    def original_offset(self, pos: int) -> int:
        """Offset in the original document of ``text[pos]``."""
        if not 0 <= pos < len(self.text):
            raise IndexError(pos)
        if len(self.runs) == 1:   # most units: one run of the original
            return self.runs[0][1] + pos - self.runs[0][0]
        run = bisect.bisect_right(self.runs, (pos, float("inf"))) - 1
        text_pos, original_pos = self.runs[run]
        return original_pos + pos - text_pos

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the span ``text[start:end]`` to ``(start, end)`` in the original document."""
        return self.original_offset(start), self.original_offset(end - 1) + 1

    @property
    def start(self) -> int:
        return self.original_offset(0)

    @property
    def end(self) -> int:
        return self.original_offset(len(self.text) - 1) + 1


def unit_spans(units: Sequence[Unit]) -> tuple[list[int], list[int]]:
    """Each unit's :attr:`~Unit.start` and :attr:`~Unit.end`, without a method call: the first run starts at the
    unit's first character and the last run holds its last (runs start where the offsets jump, and every character
    is in one), so a unit's span is its first run's original start and its last run's original start plus what
    is left of the text (``units.csv`` of three copies of the reviews: 0.04 s against 0.23 s)."""
    runs = [u.runs for u in units]
    starts = [first[1] - first[0] for first, *_ in runs]
    ends = [r[-1][1] - r[-1][0] + len(u.text) for r, u in zip(runs, units)]
    return starts, ends


@dataclass(slots=True)
class TokenizedUnit:
    """The word tokens of one unit: normalised terms with their start offsets in ``Unit.text``."""

    unit_id: str
    doc_id: str
    terms: tuple[str, ...]
    starts: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.terms)


@dataclass(frozen=True)
class Dtm:
    """A document–term matrix: sparse counts, a sorted vocabulary, the row ids, and each row's size.

    ``tokens`` is the number of word tokens of each row — every segmented word, stopwords included,
    punctuation and white space not — the denominator of every rate ("per 10k"). The matrix counts
    only content terms, so a row's counts sum to less. When a matrix is built without ``tokens``,
    each row's size is the sum of its counts.
    """

    matrix: sp.csr_matrix
    vocab: tuple[str, ...]
    row_ids: tuple[str, ...]
    tokens: np.ndarray | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.matrix.shape != (len(self.row_ids), len(self.vocab)):
            raise ValueError("matrix shape does not match row ids and vocabulary")
        if self.tokens is not None:
            tokens = np.asarray(self.tokens, dtype=np.int64)
            if tokens.shape != (len(self.row_ids),):
                raise ValueError("one token total per row is needed")
            object.__setattr__(self, "tokens", tokens)

    def sizes(self) -> np.ndarray:
        """Word tokens per row (``tokens``), or the row sums of the counts when the matrix has none."""
        if self.tokens is not None:
            return self.tokens
        return np.asarray(self.matrix.sum(axis=1)).ravel().astype(np.int64)

    @property
    def term_index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.vocab)}

    def term_counts(self) -> np.ndarray:
        return np.asarray(self.matrix.sum(axis=0)).ravel()

    def doc_freqs(self) -> np.ndarray:
        return np.diff(self.matrix.tocsc().indptr)

    def group(self, groups: Sequence[str]) -> Dtm:
        """Sum rows that share a group label (e.g. units → documents, documents → years)."""
        if len(groups) != len(self.row_ids):
            raise ValueError("one group label per row is needed")
        import scipy.sparse as sp

        labels = list(dict.fromkeys(groups))
        index = {g: i for i, g in enumerate(labels)}
        rows = np.array([index[g] for g in groups])
        indicator = sp.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))),
                                  shape=(len(labels), len(rows)))
        summed = (indicator @ self.matrix).astype(self.matrix.dtype).tocsr()
        tokens = None if self.tokens is None else np.bincount(rows, weights=self.tokens, minlength=len(labels))
        return Dtm(summed, self.vocab, tuple(labels), None if tokens is None else tokens.astype(np.int64))
