"""Write a command's tables, images and ``manifest.json`` into an output folder.

Files are first written into a staging folder next to the output folder, which then replaces the
output folder in one step (see :mod:`textmine.io.atomic`), so an interrupted run never leaves a
half-written or half-replaced set behind.

**A folder holds one analysis of one text.** ``textmine run`` replaces every file an earlier
command wrote into its folder. Any other command (``kwic``, ``trends``, ``discover`` …) adds its
files next to what is there — replacing the files of the stages it runs, keeping the others —
only when the folder holds results of the same text (same corpus files, cleaning, segmentation
and filter settings: the manifest's ``text_key``); otherwise it refuses in one line, so no folder
ever mixes two denominators. ``manifest.json`` lists every file present (``outputs``) and, under
``commands``, which command wrote which files, with that command's settings; a report rendered
from the folder says so. ``report.html``/``report.md`` are rendered from the folder and are not
listed, and neither is ``tables.xlsx`` (every CSV of the folder as one workbook); they are removed when
the folder changes, and rendered again by ``textmine run`` and by any command into a folder that had them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..data import unit_spans
from ..errors import ConfigError, TextmineError
from ..parallel import cyclic_gc_paused
from ..provenance import text_difference
from .atomic import write_file, write_in_slices
from .csvlines import csv_lines, csv_lines_ending, row_ends, written_rows
from .manifest import read_manifest

FLOAT_FORMAT = "%.6g"
#: CSVs start with a UTF-8 byte-order mark: Excel (on a Chinese Windows machine too) then reads them as
#: UTF-8 when the file is double-clicked; pandas and textmine's readers accept them with or without it.
CSV_ENCODING = "utf-8-sig"
#: Tables of at least this many rows are kept as CSV bytes in the cache (writing a large table again
#: costs more than hashing it; small ones are not worth a file).
CACHED_CSV_ROWS = 20_000
#: Files rendered from a run folder's other files rather than written by a command.
DERIVED_FILES = ("report.html", "report.md", "tables.xlsx")
#: The stage ``textmine run`` runs besides the analyses: cleaned units, tokens and document sizes.
TEXT_STAGE = "segment"


def table_to_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes that are the same on every run: fixed float format, LF line ends, UTF-8 with a byte-order mark.

    Text cells starting with ``= + - @`` are guarded against spreadsheet formulas (see :mod:`.csvsafe`).
    A table written in parts is ``csv_header`` and then ``csv_rows`` of each part: the same bytes.
    """
    return _csv_text(frame, header=True).encode(CSV_ENCODING)


def csv_header(columns) -> bytes:
    """The start of a CSV file :func:`table_to_csv` writes: byte-order mark and header line."""
    return _csv_text(pd.DataFrame(columns=list(columns)), header=True).encode(CSV_ENCODING)


def csv_rows(frame: pd.DataFrame) -> bytes:
    """The rows of ``frame`` as :func:`table_to_csv` writes them, without the header line."""
    return _csv_text(frame, header=False).encode("utf-8")


def rows_csv(rows, *, header=None) -> bytes:
    """CSV bytes of ``rows`` (tuples of text, ints and booleans, text already guarded with
    :func:`textmine.io.csvsafe.guard_text`) as :func:`table_to_csv` writes a table of them: pandas writes CSV
    with this same ``csv`` writer and dialect, so the bytes are the same (tested), made without a DataFrame.
    With ``header`` the bytes start like a file (byte-order mark, header line); without, they are rows to
    add to one."""
    return written_rows(rows, header).encode(CSV_ENCODING if header is not None else "utf-8")


#: Rows per part of a large table made and written part by part.
ROWS_PER_PART = 50_000

TOKEN_COLUMNS = ["unit_id", "doc_id", "n_tokens", "tokens"]


def units_csv(units, documents, *, header: bool = True) -> bytes:
    """``units.csv`` (:func:`units_table` written by :func:`table_to_csv`), column by column; ``documents`` maps
    each document id to its document (for the page)."""
    return b"".join(units_csv_parts(units, documents, header=header))


def units_csv_parts(units, documents, *, header: bool = True, rows_per_part: int = ROWS_PER_PART, unit_firsts=None):
    """:func:`units_csv` in parts of ``rows_per_part`` rows (the header first); with ``unit_firsts``
    (:attr:`~textmine.preparation.Prepared.unit_firsts`) the same bytes, a repeated unit's cells after its ids made
    once."""
    from .csvsafe import guard_column as g

    if header:
        yield csv_header(UNIT_COLUMNS)
    paged = {doc_id for doc_id, doc in documents.items() if doc.page_starts}

    def after_ids(part) -> list[list]:
        starts, ends = unit_spans(part)
        pages = [documents[u.doc_id].page_at(start) if u.doc_id in paged else "" for u, start in zip(part, starts)] \
            if paged else [""] * len(part)
        return [[u.kind for u in part], starts, ends, g([u.text for u in part]), pages]

    yield from _lines_in_parts(units, partial(_id_columns, id_name="id"), after_ids, rows_per_part, unit_firsts)


def tokens_csv(tokens, *, header: bool = True) -> bytes:
    """``tokens.csv`` (:func:`tokens_table` written by :func:`table_to_csv`), column by column."""
    return b"".join(tokens_csv_parts(tokens, header=header))


def tokens_csv_parts(tokens, *, header: bool = True, rows_per_part: int = ROWS_PER_PART, unit_firsts=None):
    """:func:`tokens_csv` in parts of ``rows_per_part`` rows (the header first); ``unit_firsts`` as for
    :func:`units_csv_parts`."""
    from .csvsafe import guard_column as g

    if header:
        yield csv_header(TOKEN_COLUMNS)
    join = " ".join

    def after_ids(part) -> list[list]:
        terms = [t.terms for t in part]
        return [list(map(len, terms)), g(list(map(join, terms)))]

    yield from _lines_in_parts(tokens, partial(_id_columns, id_name="unit_id"), after_ids, rows_per_part,
                               unit_firsts)


def _id_columns(rows, id_name: str) -> list[list[str]]:
    """The cells of a unit's or its tokens' first two columns: its id (attribute ``id_name``) and its document's."""
    from .csvsafe import guard_column as g

    return [g(list(map(attrgetter(id_name), rows))), g([row.doc_id for row in rows])]


def _lines_in_parts(rows: Sequence, ids: Callable[[Sequence], list], after_ids: Callable[[Sequence], list],
                    size: int, firsts=None):
    """CSV lines of ``rows``, ``size`` rows a part: the cells of the columns ``ids(part)``, then ``after_ids(part)``.

    ``firsts`` gives, for each row, the position of the row whose cells after the ids are its own (itself, or an
    earlier copy: :attr:`~textmine.preparation.Prepared.unit_firsts`). A part whose rows mostly repeat an earlier
    row or are repeated later makes the end of each line once (:func:`~textmine.io.csvlines.row_ends`) and puts
    each row's ids before it; the others are made column by column, keeping the ends of the rows repeated later.
    The bytes are the same either way (tested). Three copies of the reviews, made in one process: ``units.csv``
    0.25 s against 0.36-0.39 s, ``tokens.csv`` 0.27 s against 0.39-0.41 s; the reviews once (48 repeated): the same
    time either way. Joining the cells row by row costs more than column by column where no row repeats."""
    if firsts is None:
        for part in _parts(rows, size):
            yield csv_lines(ids(part) + after_ids(part))
        return
    firsts = np.asarray(firsts)
    copies = firsts != np.arange(len(firsts))
    repeated = np.zeros(len(firsts), bool)
    repeated[firsts[copies]] = True
    kept: dict[int, str] = {}   # the line ends of rows repeated later
    for begin in range(0, len(rows), size):
        part = rows[begin:begin + size]
        stop = begin + len(part)
        if 2 * (np.count_nonzero(copies[begin:stop]) + np.count_nonzero(repeated[begin:stop])) < len(part):
            yield csv_lines(ids(part) + after_ids(part))
            held = (np.flatnonzero(repeated[begin:stop]) + begin).tolist()
            if held:
                kept.update(zip(held, row_ends(after_ids([rows[i] for i in held]))))
            continue
        own = (np.flatnonzero(~copies[begin:stop]) + begin).tolist()
        made = dict(zip(own, row_ends(after_ids([rows[i] for i in own])))) if own else {}
        kept.update((i, made[i]) for i in (np.flatnonzero(repeated[begin:stop]) + begin).tolist())   # never copies
        yield csv_lines_ending(ids(part), [made.get(first) or kept[first] for first in firsts[begin:stop].tolist()])


def _parts(rows, size: int):
    """``rows`` in lists of ``size``."""
    from itertools import islice

    rows = iter(rows)
    while part := list(islice(rows, size)):
        yield part


def _csv_text(frame: pd.DataFrame, *, header: bool) -> str:
    from .csvsafe import guard_frame

    cells = _plain_columns(frame)
    if cells is not None:   # pandas writes with this same csv writer and dialect (tested): the same text, sooner
        return written_rows(zip(*cells), list(map(str, frame.columns)) if header else None)
    frame = guard_frame(frame)
    floats = [i for i, dtype in enumerate(frame.dtypes) if isinstance(dtype, np.dtype) and dtype.kind == "f"]
    if floats:   # what float_format="%.6g" writes, made here: pandas formats one value at a time, 5x slower
        frame = frame.copy(deep=False)
        for i in floats:
            frame.isetitem(i, _float_cells(frame.iloc[:, i].tolist()))
    return frame.to_csv(index=False, header=header, lineterminator="\n", float_format=FLOAT_FORMAT)


def _plain_columns(frame: pd.DataFrame) -> list[list] | None:
    """The cells of each column as :func:`_csv_text` writes them (text guarded, a missing cell empty, floats in
    ``FLOAT_FORMAT``) when every column is text, integers, floats or booleans of numpy or pandas' string type;
    None for any other table (pandas writes it). Text columns of Python objects qualify when they hold only
    strings and missing values."""
    from .csvsafe import guard_column

    def text(dtype) -> bool:
        return isinstance(dtype, pd.StringDtype) or dtype == object

    dtypes = list(frame.dtypes)
    if (frame.columns.nlevels != 1 or not dtypes or not frame.columns.is_unique
            or not all(text(d) or (isinstance(d, np.dtype) and d.kind in "iubf") for d in dtypes)):
        return None
    columns = []
    for i, dtype in enumerate(dtypes):
        values = frame.iloc[:, i].tolist()
        if not text(dtype):
            columns.append(_float_cells(values) if dtype.kind == "f" else values)
            continue
        if not all(type(v) is str for v in values):
            if not all(type(v) is str or v is None or (type(v) is float and v != v) for v in values):
                return None   # numbers or other objects in a text column: pandas decides how they read
            values = ["" if type(v) is not str else v for v in values]
        columns.append(guard_column(values))
    return columns


def _float_cells(values) -> list[str]:
    """Floats as ``FLOAT_FORMAT`` writes them, NaN as an empty cell."""
    return [FLOAT_FORMAT % v if v == v else "" for v in values]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def table_file(name: str) -> str:
    return f"{name}.csv"


def stage_of_file(name: str) -> str:
    """The stage whose results a file of a run folder holds (by its name)."""
    from ..figures import FIGURES
    from ..pipeline import STAGE_TABLES

    tables = {table_file(t): stage for stage, names in STAGE_TABLES.items() for t in names}
    figures = {f.name: tables[table_file(f.tables[0])] for f in FIGURES}
    fixed = {"units.csv": TEXT_STAGE, "tokens.csv": TEXT_STAGE, "documents.csv": TEXT_STAGE, "inputs.csv": TEXT_STAGE,
             "wordcloud_corpus.png": "keywords", "topic_map.html": "topics", "cooccurrence.gexf": "network",
             "cooccurrence.graphml": "network", "candidates.csv": "discover", "lexicon_check.csv": "lexicon"}
    if name.startswith("wordclouds/"):
        return "keywords"
    return fixed.get(name) or tables.get(name) or figures.get(name) or "other"


def merge_manifest(old: dict | None, new: dict, written: Mapping[str, str], out_dir: Path) -> tuple[dict, set[str]]:
    """The manifest of the folder after this command, and the earlier files to leave out (see module docs).

    ``written`` maps each file this command wrote to its sha256.
    """
    stages = set(new.get("stages", ()))
    record = {"command": new.get("command", ""), "created": new.get("created", ""), "stages": sorted(stages),
              "files": sorted(written), **({"left_out": new["left_out"]} if new.get("left_out") else {})}
    earlier: dict[str, str] = dict((old or {}).get("outputs") or {})
    full_run = stages >= set(new.get("all_stages", ())) and bool(new.get("all_stages"))
    if old is None or full_run:
        drop = set(earlier) | set(DERIVED_FILES)
        commands = [record]
        kept: dict[str, str] = {}
    else:
        if old.get("text_key") != new.get("text_key"):
            made = f"'{old.get('command', 'an earlier command')}' ({old.get('created', 'unknown date')})"
            raise ConfigError(f"output folder {str(out_dir)!r} holds results of {made} for another text "
                              f"({text_difference(old, new)}); write these with --out to another folder, or rerun "
                              f"'textmine run' there")
        drop = {name for name in earlier if stage_of_file(name) in stages and name not in written}
        drop |= set(DERIVED_FILES)
        kept = {name: digest for name, digest in earlier.items() if name not in drop and name not in written}
        commands = []
        for entry in old.get("commands") or []:
            files = [f for f in entry.get("files", []) if f in kept]
            if files:
                commands.append({**entry, "files": files})
        record["config"] = new.get("config", {})
        commands.append(record)
    outputs = dict(sorted({**kept, **written}.items()))
    all_stages = sorted({s for entry in commands for s in entry["stages"]
                         if any(stage_of_file(f) == s for f in entry["files"])})
    # a stage a command left out stays named until a later command makes it
    left_out = {stage: why for entry in commands for stage, why in (entry.get("left_out") or {}).items()
                if stage not in all_stages}
    merged = {key: value for key, value in new.items() if key != "left_out"}
    return {**merged, "stages": all_stages, **({"left_out": dict(sorted(left_out.items()))} if left_out else {}),
            "outputs": outputs, "commands": commands}, drop


class OutputWriter:
    """Collects a command's files in a staging folder next to ``out_dir``, then swaps it into place.

    See :mod:`textmine.io.atomic`: a killed run leaves the previous outputs intact, and concurrent
    runs into one folder each leave a complete set. With a ``cache`` (:class:`textmine.io.cache.Cache`),
    large tables' CSV text and drawn images are kept by their content, so a warm run copies them.
    """

    def __init__(self, out_dir: str | Path, cache=None) -> None:
        from .atomic import check_output_folder, new_staging

        self.out_dir = Path(out_dir).resolve()
        check_output_folder(self.out_dir)
        try:
            self.staging = new_staging(self.out_dir)
        except OSError as exc:
            raise TextmineError(f"cannot write to output folder {str(self.out_dir)!r} (a run is staged next to it, "
                                f"in {str(self.out_dir.parent)!r}): {exc.strerror or exc}") from None
        self._hashes: dict[str, str] = {}
        # Files are written and hashed in a thread while this one goes on: writing a file of tens of MB costs
        # as much as making it (the kernel takes fresh pages), and neither the write nor the hash holds the GIL.
        self._writing: ThreadPoolExecutor | None = None
        self._pending: dict[str, Future] = {}
        self.cache = cache
        #: files of each kind of the cache (csv, images) copied from it, and made and kept in it
        self.from_cache: Counter[str] = Counter()
        self.made: Counter[str] = Counter()

    def path(self, name: str) -> Path:
        target = (self.staging / name).resolve()
        if self.staging.resolve() not in target.parents:
            raise ConfigError(f"output name {name!r} would leave the output folder; "
                              f"use a relative name without '..'")
        target.parent.mkdir(parents=True, exist_ok=True)
        self._settle(name)   # a file being written in the writing thread is there once it is done
        return target

    @property
    def hashes(self) -> dict[str, str]:
        """Each file written (name) → the SHA-256 of its bytes; once every pending write has finished (an error
        in one is raised here)."""
        for name in list(self._pending):
            self._settle(name)
        return self._hashes

    def _settle(self, name: str) -> None:
        pending = self._pending.pop(name, None)
        if pending is not None:
            self._hashes[name] = pending.result()

    def wrote(self, name: str) -> bool:
        """Whether ``name`` was written (or is being written)."""
        return name in self._pending or name in self._hashes

    def write_bytes(self, name: str, data: bytes) -> None:
        path = self.path(name)   # a bad name is refused here, not in the thread
        self._pending[name] = self._writing_thread().submit(_write_file, path, data)

    def _writing_thread(self) -> ThreadPoolExecutor:
        if self._writing is None:
            self._writing = ThreadPoolExecutor(1, thread_name_prefix="textmine-write")
        return self._writing

    def write_parts(self, name: str, parts, then: Callable[[Path], None] | None = None) -> None:
        """Write the file ``name`` from ``parts`` (bytes, in order) without holding them all (a table written part by
        part: :func:`csv_header`, then :func:`csv_rows` of each part); each part is written while the next is made.
        ``then(path)`` runs in the writing thread once the file is complete."""
        file = self.open_parts(name, then)
        try:
            for data in parts:
                file.add(data)
        finally:
            file.close()

    def open_parts(self, name: str, then: Callable[[Path], None] | None = None) -> PartsFile:
        """The file ``name``, to be written part by part (:meth:`PartsFile.add`, then :meth:`PartsFile.close`)."""
        return PartsFile(self.path(name), self._writing_thread(), partial(self._pending.__setitem__, name), then)

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        if self.cache is None or len(frame) < CACHED_CSV_ROWS:
            self.write_bytes(name, table_to_csv(frame))
            return
        from ..keys import frame_key

        self.write_table_by_key(name, lambda: frame, frame_key(frame))

    def write_bytes_by_key(self, name: str, make: Callable[[], bytes], content_key: str) -> None:
        """Write the CSV bytes ``make()`` as ``name``, kept in the cache under ``content_key`` as
        :meth:`write_table_by_key` keeps a table's (the same key for the same file)."""
        self.write_bytes(name, self._through("csv", _csv_key(name, content_key), make))

    def write_parts_by_key(self, name: str, parts: Callable[[], Iterable[bytes]], content_key: str) -> None:
        """:meth:`write_bytes_by_key` of a file written part by part (:meth:`write_parts`): made, it is copied into
        the cache from the finished file by the writing thread, so its bytes are never held whole here."""
        key = _csv_key(name, content_key)
        store = self.cache.files("csv")
        data = store.get(key)
        if data is not None:
            self.from_cache["csv"] += 1
            self.write_bytes(name, data)
            return
        self.write_parts(name, parts(), then=partial(store.keep_file, key))
        self.made["csv"] += 1

    def write_table_by_key(self, name: str, make_frame: Callable[[], pd.DataFrame], content_key: str) -> None:
        """Write the table ``make_frame()`` as ``name``; with a cache, its CSV is kept under ``content_key``
        (a digest of everything that decides the table), so a warm run copies it without building the table."""
        if self.cache is None:
            self.write_table(name, make_frame())
            return
        self.write_bytes_by_key(name, lambda: table_to_csv(make_frame()), content_key)

    def _through(self, kind: str, key: str, make: Callable[[], bytes]) -> bytes:
        """The bytes the cache keeps under ``kind``/``key``, else ``make()`` kept there; counted in
        :attr:`from_cache` or :attr:`made`."""
        store = self.cache.files(kind)
        data = store.get(key)
        if data is None:
            data = make()
            store.put(key, data)
            self.made[kind] += 1
        else:
            self.from_cache[kind] += 1
        return data

    def write_derived(self, name: str, make: Callable[[], bytes], made_from: list, packages: list[str]) -> None:
        """Write the bytes of ``make()`` as ``name``; with a cache, kept under a key over ``made_from``
        (tables by their content) and the versions of ``packages``, so a warm run copies them."""
        if self.cache is None:
            self.write_bytes(name, make())
            return
        key = self.derived_key(name, made_from, packages)
        self.write_bytes(name, self._through("images", key, make))

    def derived_key(self, name: str, made_from: list, packages: list[str]) -> str:
        """The cache key :meth:`write_derived` keeps ``name`` under."""
        from ..keys import digest, frame_key
        from ..provenance import package_versions

        return digest(name, [frame_key(m) if isinstance(m, pd.DataFrame) else m for m in made_from],
                      package_versions(packages))

    def cached_derived(self, key: str) -> bytes | None:
        """The bytes kept under ``key`` (:meth:`derived_key`), or None."""
        data = self.cache.files("images").get(key) if self.cache is not None else None
        if data is not None:
            self.from_cache["images"] += 1
        return data

    def keep_derived(self, key: str, data: bytes) -> None:
        if self.cache is not None:
            self.cache.files("images").put(key, data)
            self.made["images"] += 1

    def write_figure(self, name: str, draw: Callable[[], Any], *made_from) -> None:
        """Save the PNG of the matplotlib figure ``draw()`` as ``name`` (see :meth:`write_derived`)."""
        from ..figures import png_bytes

        self.write_derived(name, lambda: png_bytes(draw()), list(made_from),
                           ["textmine", "matplotlib", "mplfonts", "networkx"])

    def commit(self, manifest: dict) -> None:
        """Publish the staged files with ``manifest`` merged into the folder's (see the module docs)."""
        from .atomic import publish

        hashes = self.hashes   # every file written
        self._stop_writing()

        def finish(out_dir: Path) -> set[str]:
            merged, drop = merge_manifest(read_manifest(out_dir), manifest, hashes, out_dir)
            merged.pop("all_stages", None)
            (self.staging / "manifest.json").write_text(readable_json(merged) + "\n", encoding="utf-8")
            return drop

        publish(self.staging, self.out_dir, finish=finish)
        self.discard()

    def discard(self) -> None:
        self._stop_writing()
        shutil.rmtree(self.staging, ignore_errors=True)

    def _stop_writing(self) -> None:
        if self._writing is not None:
            self._writing.shutdown(wait=True, cancel_futures=True)
            self._writing = None


def _csv_key(name: str, content_key: str) -> str:
    """The cache key of the CSV file ``name`` whose content ``content_key`` decides."""
    from ..keys import digest
    from ..provenance import package_versions

    return digest(name, content_key, FLOAT_FORMAT, CSV_ENCODING, package_versions(["textmine", "pandas"]))


def _write_file(path: Path, data: bytes) -> str:
    write_file(path, data)
    return sha256_bytes(data)


class PartsFile:
    """A file of an :class:`OutputWriter`'s staging folder written part by part, in order, in its writing thread;
    an error stops the writing and is raised when the writer's files are settled (:attr:`OutputWriter.hashes`)."""

    def __init__(self, path: Path, thread: ThreadPoolExecutor, on_close: Callable[[Future], None],
                 then: Callable[[Path], None] | None = None) -> None:
        self._path, self._handle = path, open(path, "wb")
        self._thread, self._on_close, self._then = thread, on_close, then
        self._digest = hashlib.sha256()
        self._error: BaseException | None = None

    def add(self, data: bytes) -> None:
        if data:
            self._thread.submit(self._write, data)

    def close(self) -> None:
        """The last part was added: the file's digest (or its error) is the writer's once written."""
        self._on_close(self._thread.submit(self._finish))

    def _write(self, data: bytes) -> None:
        if self._error is None:
            try:
                write_in_slices(self._handle, data)
                self._digest.update(data)
            except BaseException as exc:
                self._error = exc

    def _finish(self) -> str:
        self._handle.close()
        if self._error is not None:
            raise self._error
        if self._then is not None:
            self._then(self._path)
        return self._digest.hexdigest()


def readable_json(value, level: int = 0) -> str:
    """JSON with objects indented two spaces a level, and each entry of a list of objects or lists on a
    line of its own (``json.dumps(indent=2)`` switches to json's slow pure-Python encoder)."""
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict) and value:
        body = ",\n".join(f"{inner}{json.dumps(str(key), ensure_ascii=False)}: {readable_json(item, level + 1)}"
                          for key, item in value.items())
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, list | tuple) and any(isinstance(item, dict | list | tuple) for item in value):
        return "[\n" + ",\n".join(inner + json.dumps(item, ensure_ascii=False) for item in value) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def units_table(prepared) -> pd.DataFrame:
    """``unit_id,doc_id,kind,start,end,text,page`` — offsets are characters in the original file; ``page`` is
    the page of the source (PDF) where the unit starts, empty where the source has no pages."""
    documents = {d.id: d for d in prepared.corpus}

    def page(unit) -> object:
        doc = documents.get(unit.doc_id)
        found = doc.page_at(unit.start) if doc is not None else None
        return "" if found is None else found

    return pd.DataFrame(
        [{"unit_id": u.id, "doc_id": u.doc_id, "kind": u.kind, "start": u.start, "end": u.end, "text": u.text,
          "page": page(u)} for u in prepared.units], columns=UNIT_COLUMNS)


UNIT_COLUMNS = ["unit_id", "doc_id", "kind", "start", "end", "text", "page"]


def tokens_table(prepared) -> pd.DataFrame:
    """``unit_id,doc_id,n_tokens,tokens`` — the word tokens of each unit, separated by spaces."""
    tokens = prepared.tokens
    return pd.DataFrame({"unit_id": [t.unit_id for t in tokens], "doc_id": [t.doc_id for t in tokens],
                         "n_tokens": np.array([len(t.terms) for t in tokens], dtype=np.int64),
                         "tokens": [" ".join(t.terms) for t in tokens]},
                        columns=TOKEN_COLUMNS)


INPUT_COLUMNS = ["name", "status", "reason", "detail", "encoding", "method", "chaos", "format", "pages"]


def inputs_table(corpus) -> pd.DataFrame:
    """``inputs.csv``: every input (file, or skipped row of a table) and what became of it, written when there are
    too many to list in ``manifest.json``."""
    import dataclasses

    return pd.DataFrame([dataclasses.asdict(r) for r in corpus.inputs], columns=INPUT_COLUMNS)


#: the packages whose versions are part of a word cloud's cache key
CLOUD_PACKAGES = ["textmine", "wordcloud", "pillow", "mplfonts"]

DOCUMENT_COLUMNS = ["doc_id", "date", "title", "publisher", "chars", "units", "tokens", "stub"]


def documents_table(prepared) -> pd.DataFrame:
    """``doc_id,date,title,publisher,chars,units,tokens,stub`` — one row per document, in corpus order;
    ``tokens`` is the denominator of the document's rates, ``stub`` marks a document left out of periods."""
    return _documents_frame(_document_rows(prepared))


def _documents_frame(rows) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(DOCUMENT_COLUMNS, row)) for row in rows], columns=DOCUMENT_COLUMNS)


def documents_csv(rows, *, header: bool = True) -> bytes:
    """``documents.csv`` (:func:`documents_table` written by :func:`table_to_csv`) from its rows
    (:func:`_document_rows`), row by row."""
    from .csvsafe import guard_text as g

    return rows_csv(((g(i), g(date), g(title), g(publisher), chars, units, tokens, stub)
                     for i, date, title, publisher, chars, units, tokens, stub in rows),
                    header=DOCUMENT_COLUMNS if header else None)


def _document_rows(prepared):
    units: dict[str, int] = {}
    for unit in prepared.units:
        units[unit.doc_id] = units.get(unit.doc_id, 0) + 1
    totals, stubs = prepared.token_totals, prepared.stubs
    return [(d.id, str(d.date) if d.date else "", d.meta.get("title", ""), d.meta.get("publisher", ""), len(d.text),
             units.get(d.id, 0), totals.get(d.id, 0), d.id in stubs) for d in prepared.corpus]


class RunWriter:
    """A run's outputs, written as its stages finish and committed with ``manifest.json`` at the end.

    ``textmine run`` hands each stage's tables here as soon as the stage is done, so tables and charts
    are written while the topic models are still fitting; :func:`write_run` writes a finished run in
    one go. The files are the same either way: every chart and word cloud depends only on the tables
    it is drawn from.
    """

    def __init__(self, config, out_dir: str | Path, *, cache=None, images: bool = True, segments: bool = True) -> None:
        from ..drawing import CloudDrawer

        self.config = config
        self.images = images
        self._segments_pending = segments
        self._wrote_segments = False
        self.writer = OutputWriter(out_dir, cache)
        self._cloud_keys: dict[str, str | None] = {}
        self._documents: Any = None    # documents.csv as a table (or how to make it), for the charts
        self.clouds = CloudDrawer(self._cloud_drawn)

    def write(self, prepared, tables: dict[str, pd.DataFrame], files: dict[str, bytes] | None = None, *,
              written=()) -> None:
        """Write ``tables`` (and ``files``, name → bytes), with the charts and word clouds drawn from them; the
        tables named in ``written`` were written already (part by part) and only charts are drawn from them."""
        from ..figures import FIGURES

        config, writer = self.config, self.writer
        self._write_text_tables(prepared)
        for key, frame in tables.items():
            if key not in written:
                writer.write_table(table_file(key), frame)
        for name, content in (files or {}).items():
            writer.write_bytes(name, content)
        if "cooccurrence" in tables and "cooccurrence_nodes" in tables:
            from ..network import graph_files

            for name, data in graph_files(tables["cooccurrence"], tables["cooccurrence_nodes"]).items():
                writer.write_bytes(name, data)
        if self.images and config.output.wordclouds:
            self._write_word_clouds(prepared, tables)
        if not (self.images and config.output.plots):
            return
        documents = len(prepared.corpus)
        if callable(self._documents):
            self._documents = self._documents()
        available = {**tables, "documents": self._documents}   # a figure's own stage, plus documents.csv
        for figure in FIGURES:
            if (figure.tables[0] in tables and all(t in available for t in figure.tables)
                    and (figure.max_docs is None or documents <= figure.max_docs)):
                drawn_from = [available[t] for t in figure.tables]
                writer.write_figure(figure.name, partial(figure.draw, available, config.seed), *drawn_from,
                                    config.seed)

    def commit(self, result, command: str = "textmine run") -> Path:
        from ..pipeline import STAGES
        from ..provenance import build_manifest, inputs_listed_in_full

        self._write_text_tables(result.prepared)
        if not inputs_listed_in_full(result.prepared.corpus):
            self.writer.write_table("inputs.csv", inputs_table(result.prepared.corpus))
        self.clouds.results()
        manifest = build_manifest(result, command)
        if self.writer.cache is not None:
            manifest["run_stats"]["files_from_cache"] = dict(sorted(self.writer.from_cache.items()))
            manifest["run_stats"]["files_made"] = dict(sorted(self.writer.made.items()))
        if self._wrote_segments:
            manifest["stages"] = [TEXT_STAGE, *manifest["stages"]]
        manifest["all_stages"] = [TEXT_STAGE, *STAGES]
        self.writer.commit(manifest)
        return self.writer.out_dir

    def text_tables_written(self, documents: Callable[[], pd.DataFrame]) -> None:
        """``documents.csv``, ``units.csv`` and ``tokens.csv`` were written already (part by part); ``documents()``
        makes ``documents.csv`` as a table if a chart needs it."""
        self._segments_pending = False
        self._wrote_segments = True
        self._documents = documents

    def _write_text_tables(self, prepared) -> None:
        """``documents.csv`` always (the denominators of every rate), ``units.csv`` and ``tokens.csv`` when asked.

        ``documents.csv`` is made last: the writing thread writes (and keeps in the cache) the two large tables
        while this one makes it, where it had been waiting for them at the commit."""
        with cyclic_gc_paused():   # a row per unit: many small objects, no cycles
            if self._segments_pending:
                self._segments_pending = False
                self._wrote_segments = True
                self._write_segments(prepared)
            if not self.writer.wrote("documents.csv"):
                rows = _document_rows(prepared)
                self._documents = partial(_documents_frame, rows)
                self.writer.write_bytes("documents.csv", documents_csv(rows))

    def _write_segments(self, prepared) -> None:
        info = prepared.segment_info or {}
        # with the cache on, the digests of the units and their tokens decide these two tables
        repeats = prepared.unit_firsts
        units = partial(units_csv_parts, prepared.units, {d.id: d for d in prepared.corpus}, unit_firsts=repeats)
        for name, parts, digest in (("units.csv", units, info.get("units_sha256")),
                                    ("tokens.csv", partial(tokens_csv_parts, prepared.tokens, unit_firsts=repeats),
                                     info.get("tokens_sha256"))):
            if digest is None or self.writer.cache is None:
                self.writer.write_parts(name, parts())
            else:   # units.csv: its columns are part of the key, so a CSV cached with other columns is not reused
                key = f"{digest}:{','.join(UNIT_COLUMNS)}" if name == "units.csv" else digest
                self.writer.write_parts_by_key(name, parts, key)

    def _write_word_clouds(self, prepared, tables: dict[str, pd.DataFrame]) -> None:
        """The corpus word cloud from ``vocab`` (counts), one per document from ``keywords`` (their scores).

        Clouds the cache holds are copied now; the others are drawn in the background
        (:class:`textmine.drawing.CloudDrawer`, worker processes when there are many) and written
        when the run commits."""
        from ..drawing import CloudJob

        seed = prepared.config.seed
        wanted: list[tuple[str, dict]] = []
        vocab = tables.get("vocab")
        if vocab is not None and len(vocab):
            top = vocab.head(150)
            wanted.append(("wordcloud_corpus.png", dict(zip(top["term"], top["count"]))))
        keywords = tables.get("keywords")
        if keywords is not None and len(prepared.corpus) <= self.config.output.max_doc_images:
            wanted += [(f"wordclouds/{safe_name(doc_id)}.png", dict(zip(rows["term"], rows["score"])))
                       for doc_id, rows in keywords.groupby("doc_id", sort=False)]
        jobs = []
        for name, weights in wanted:
            key = None
            if self.writer.cache is not None:
                # the order of the weights is part of the key: it breaks ties
                key = self.writer.derived_key(name, [list(weights.items()), seed], CLOUD_PACKAGES)
                png = self.writer.cached_derived(key)
                if png is not None:
                    self.writer.write_bytes(name, png)
                    continue
            self._cloud_keys[name] = key
            jobs.append(CloudJob(name, tuple(weights.items()), seed))
        self.clouds.submit(jobs)

    def _cloud_drawn(self, job, png: bytes) -> None:
        self.writer.write_bytes(job.name, png)
        key = self._cloud_keys.pop(job.name, None)
        if key is not None:
            self.writer.keep_derived(key, png)

    def discard(self) -> None:
        self.clouds.close()
        self.writer.discard()


def write_run(result, out_dir: str | Path, *, cache="from config", command: str = "textmine run", images: bool = True,
              segments: bool = True) -> Path:
    """Write every table of ``result`` (and images, unit, token and document tables) plus ``manifest.json``;
    ``cache`` keeps large CSV text and images (by default the cache ``[scale]`` names; None for none)."""
    from ..preparation import cache_for

    with cache_for(cache, result.prepared.config) as cache:
        writer = RunWriter(result.prepared.config, out_dir, cache=cache, images=images, segments=segments)
        try:
            writer.write(result.prepared, result.tables, result.files)
            writer.commit(result, command)
        except BaseException:
            writer.discard()
            raise
    return Path(out_dir)


def write_files(out_dir: str | Path, files: Mapping[str, bytes | pd.DataFrame], manifest: dict) -> Path:
    """Publish a few files (tables as CSV) with ``manifest`` (``textmine discover``, ``lexicon check``)."""
    writer = OutputWriter(out_dir)
    try:
        for name, content in files.items():
            if isinstance(content, pd.DataFrame):
                writer.write_table(name, content)
            else:
                writer.write_bytes(name, content)
        writer.commit(manifest)
    except BaseException:
        writer.discard()
        raise
    return writer.out_dir


def safe_name(doc_id: str) -> str:
    """A document id as a file name: letters, digits, ``-_.``; anything else becomes ``_``."""
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(doc_id))
    return keep.strip("._") or "document"


def print_path(path: Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


__all__ = ["write_run", "write_files", "RunWriter", "OutputWriter", "table_to_csv", "units_table", "tokens_table",
           "documents_table", "print_path", "safe_name", "read_manifest", "stage_of_file"]
