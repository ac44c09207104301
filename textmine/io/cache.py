"""The cache: results a later run can reuse, on disk under ``[scale] cache_dir``, keyed by content.

One :class:`Cache` (from :func:`open_cache`) is handed to the stages that use it; each part keeps
one kind of result, under a key made in :mod:`textmine.keys` from everything that decides it:

- ``segments/<fingerprint>/part-*.arrow``: tokens of each unit text (:class:`SegmentCache`);
  the fingerprint covers backend, versions, HMM, Latin-name protection, lexicon terms and files,
  Traditional folding. Stopwords are not in it: they filter tokens after segmentation.
- ``units/<key>.arrow``: cleaned units of a slice of distinct documents (:class:`UnitCache`).
- ``results/<stage>-<key>/``: an analysis stage's tables and files (:class:`ResultCache`).
- ``models/<key>.npz``: topic fits as arrays, no pickles (:class:`ModelCache`).
- ``files/<kind>/<key>``: derived bytes — CSV text, images, font subsets (:class:`BytesCache`).

Everything is written under a temporary name and renamed (:func:`textmine.io.atomic.write_atomic`),
so a crash never leaves half a file, and two runs may add entries at the same time. Deleting the
folder is always safe. A part that cannot be read or written only costs time.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import Any

from .atomic import write_atomic, write_atomic_by, write_file

log = logging.getLogger(__name__)

MAX_PARTS = 16


class Keeper:
    """Writes cache entries in a thread of their own, in the order given, while the run goes on: encoding
    Arrow and writing files hold no Python lock, and a run's first cache entries are tens of MB.

    A part of the cache that reads waits first for its own entries still being written (``kind``: its folder), so
    what was put is found; the API functions that open a cache :meth:`settle` it before they return, so a later
    run in the same process finds every entry (at exit Python waits for the thread)."""

    def __init__(self) -> None:
        self._pool = None
        self._pending: list[tuple[str, Any]] = []

    def write(self, kind: str, function, *args) -> None:
        from concurrent.futures import ThreadPoolExecutor

        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="textmine-cache")
        self._pending = [(k, f) for k, f in self._pending if not f.done()]
        self._pending.append((kind, self._pool.submit(function, *args)))

    def settle(self, kind: str | None = None) -> None:
        """Wait for the entries given so far (of ``kind``, or all)."""
        waiting = [f for k, f in self._pending if kind is None or k == kind]
        for future in waiting:
            future.result()

    def __getstate__(self) -> dict:   # a cache handed to another process takes no thread with it
        self.settle()
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()


class SegmentCache:
    """Read and add cached segmentations for one fingerprint."""

    def __init__(self, root: str | Path, fingerprint: Mapping, keeper: Keeper | None = None) -> None:
        from ..keys import fingerprint_digest

        self.keeper = keeper or Keeper()
        self.root = Path(root)
        self.fingerprint = dict(fingerprint)
        self.digest = fingerprint_digest(fingerprint)
        self.folder = self.root / "segments" / self.digest

    def parts(self) -> list[Path]:
        return sorted(self.folder.glob("part-*.arrow")) if self.folder.is_dir() else []

    def get(self, keys: Iterable[str]) -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
        """Cached ``(terms, starts)`` for those of ``keys`` that are in the cache."""
        self.keeper.settle(str(self.folder))
        parts = self.parts()
        if not parts:   # a cold cache: nothing to sort or import
            return {}
        import pyarrow as pa
        import pyarrow.compute as pc

        wanted = pa.array(sorted(set(keys)), type=pa.string())
        found: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}
        for part in parts:
            try:
                table = read_arrow(part)
            except (OSError, pa.ArrowException) as exc:  # a damaged part is ignored, not fatal
                log.warning("ignoring unreadable cache part %s: %s", part.name, exc)
                continue
            table = table.filter(pc.is_in(table.column("key"), value_set=wanted))
            if table.num_rows:
                found.update(_rows(table))
        return found

    def put(self, entries: Mapping[str, tuple[Iterable[str], Iterable[int]]]) -> None:
        """Add entries as one new part (and merge the parts when there are many)."""
        if not entries:
            return
        import numpy as np
        import pyarrow as pa

        terms, starts = zip(*entries.values())
        # the lists as flat arrays and offsets: about half the time of converting a list of lists
        offsets = _list_offsets(list(map(len, terms)))
        table = pa.table({
            "key": pa.array(list(entries), type=pa.string()),
            "terms": pa.ListArray.from_arrays(offsets, pa.array(list(chain.from_iterable(terms)), type=pa.string())),
            "starts": pa.ListArray.from_arrays(offsets, pa.array(np.fromiter(chain.from_iterable(starts), np.int32))),
        })
        self.keeper.write(str(self.folder), self._add_part, table)

    def _add_part(self, table) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            meta = self.folder / "fingerprint.json"
            if not meta.exists():
                write_atomic(meta, json.dumps(self.fingerprint, indent=2, sort_keys=True,
                                              ensure_ascii=False).encode("utf-8"))
            self._write_table(table)
            if len(self.parts()) > MAX_PARTS:
                self._compact()
        except OSError as exc:  # a cache that cannot be written only costs time
            log.warning("segmentation cache not written to %s: %s", self.folder, exc.strerror or exc)

    def _write_table(self, table) -> Path:

        target = self.folder / f"part-{uuid.uuid4().hex}.arrow"
        write_arrow(target, table)
        return target

    def _compact(self) -> None:
        import pyarrow as pa

        parts = self.parts()
        tables = [read_arrow(p) for p in parts]
        merged = pa.concat_tables(tables)
        self._write_table(merged)
        for part in parts:
            part.unlink(missing_ok=True)


def _rows(table) -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
    """``key → (terms, starts)`` of a cache table, column-wise; each distinct term is one string object
    (a corpus repeats its vocabulary millions of times)."""
    import numpy as np
    import pyarrow.compute as pc

    terms = table.column("terms").combine_chunks()
    offsets = terms.offsets.to_numpy()
    offsets = (offsets - offsets[0]).tolist()   # a sliced list array's offsets need not start at 0
    encoded = pc.dictionary_encode(terms.flatten())
    words = np.asarray(encoded.dictionary.to_pylist(), dtype=object)[encoded.indices.to_numpy()].tolist()
    starts = table.column("starts").combine_chunks().flatten().to_numpy().tolist()
    keys = table.column("key").to_pylist()
    return {key: (tuple(words[a:b]), tuple(starts[a:b])) for key, a, b in zip(keys, offsets, offsets[1:])}


def string_array(strings: Sequence[str]):
    """``pa.array(strings, pa.string())``, made from the strings joined and encoded once, the byte offsets counted
    from the characters' UTF-8 widths: a unit's text converted on its own took 1.5 µs in a run (its UTF-8 copy made
    and kept inside the ``str``), and the units of three copies of the reviews hold 188,000 texts and their folds."""
    import numpy as np
    import pyarrow as pa

    joined = "".join(strings)
    try:
        data = joined.encode("utf-8")
    except UnicodeEncodeError:   # a lone surrogate: Arrow's own conversion says what is wrong
        data = None
    if data is None or len(data) >= 2**31:   # past 32-bit offsets Arrow makes a chunked array
        return pa.array(strings, type=pa.string())
    char_ends = np.cumsum(np.fromiter(map(len, strings), np.int64, len(strings)))
    if len(data) == len(joined):   # ASCII: a character is a byte
        byte_ends = char_ends
    else:
        codes = np.frombuffer(joined.encode("utf-32-le"), np.uint32)
        widths = (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000) + 1
        byte_ends = np.cumsum(widths)[char_ends - 1] if len(codes) else char_ends
        byte_ends[char_ends == 0] = 0   # empty strings before the first character
    offsets = np.concatenate(([0], byte_ends)).astype(np.int32)
    return pa.Array.from_buffers(pa.string(), len(strings), [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _list_offsets(lengths: list[int]):
    """The offsets of an Arrow list array whose lists have ``lengths`` (for ``pa.ListArray.from_arrays``)."""
    import numpy as np
    import pyarrow as pa

    return pa.array(np.concatenate(([0], np.cumsum(lengths))).astype(np.int32))


def write_arrow(target: Path, table) -> None:
    """Write ``table`` as an uncompressed Arrow IPC file at ``target`` (:func:`~textmine.io.atomic.write_atomic_by`),
    from Arrow's own buffers: the cache's units and segmentations, written while the run segments on the same two
    cores. Against Parquet with zstd, a cold ``textmine segment`` of three copies of the reviews took 8.31 s
    against 8.68 s (three runs each), for 72 MB of units against 33 MB."""
    import pyarrow as pa
    from pyarrow import ipc

    def write(path: Path) -> None:
        with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)

    write_atomic_by(target, write)


def read_arrow(path: Path):
    """The table of a file :func:`write_arrow` wrote, read whole (no file is left open or mapped)."""
    import pyarrow as pa
    from pyarrow import ipc

    return ipc.open_file(pa.py_buffer(path.read_bytes())).read_all()


class ResultCache:
    """Tables of an analysis stage, one Parquet file per table, and the files it made besides (the topic
    map page), in a folder per stage key.

    A folder is written under a temporary name and renamed when complete, so a
    reader sees all of a stage's tables or none.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root) / "results"

    def has(self, stage: str, key: str) -> bool:
        """Whether the tables of ``stage`` under ``key`` were kept (without reading them)."""
        return (self.root / f"{stage}-{key}" / "tables.json").is_file()

    def get(self, stage: str, key: str) -> tuple[dict, dict[str, bytes]] | None:
        import pandas as pd
        import pyarrow as pa

        folder = self.root / f"{stage}-{key}"
        index = folder / "tables.json"
        if not index.is_file():
            return None
        try:
            names = json.loads(index.read_text(encoding="utf-8"))
            if isinstance(names, list):  # written before stages kept files
                names = {"tables": names, "files": []}
            tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in names["tables"]}
            return tables, {name: (folder / "files" / name).read_bytes() for name in names["files"]}
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
            log.warning("ignoring unreadable cached tables %s: %s", folder.name, exc)
            return None

    def put(self, stage: str, key: str, tables: Mapping, files: Mapping[str, bytes] | None = None) -> None:
        import shutil

        folder = self.root / f"{stage}-{key}"
        if folder.exists():
            return
        files = dict(files or {})
        tmp = self.root / f".{stage}-{key}.{uuid.uuid4().hex}.tmp"
        try:
            tmp.mkdir(parents=True)
            for name, frame in tables.items():
                frame.to_parquet(tmp / f"{name}.parquet", index=False, compression="zstd")
            if files:
                (tmp / "files").mkdir()
                for name, data in files.items():
                    write_file(tmp / "files" / name, data)
            (tmp / "tables.json").write_text(json.dumps({"tables": list(tables), "files": list(files)}),
                                             encoding="utf-8")
            os.replace(tmp, folder)
        except OSError as exc:
            log.warning("cached tables not written to %s: %s", folder, exc.strerror or exc)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class UnitCache:
    """Cleaned documents, one Arrow file (:func:`write_arrow`) per slice of distinct documents: what
    :func:`textmine.units.split_each` gives for each document of the slice (its units, the blocks dropped by kind,
    samples of them).

    The key (made by the caller) covers the documents' ids and texts, the cleaning settings and the versions
    that decide cleaning, so a hit is always current. A text that comes again in a corpus is cleaned, and kept
    here, once.
    """

    def __init__(self, root: str | Path, keeper: Keeper | None = None) -> None:
        self.root = Path(root) / "units"
        self.keeper = keeper or Keeper()

    def get(self, key: str, documents: Sequence) -> list[tuple[list, dict, dict]] | None:
        """Each of ``documents``' ``(units, dropped, samples)``, or None if the slice is not here (or unreadable)."""
        import pyarrow as pa

        from ..data import Unit

        self.keeper.settle(str(self.root))
        path = self.root / f"{key}.arrow"
        if not path.is_file():
            return None
        try:
            table = read_arrow(path)
            meta = json.loads(table.schema.metadata[b"documents"].decode("utf-8"))
            counts, dropped, samples = meta["units"], meta["dropped"], meta["samples"]
            if not len(counts) == len(dropped) == len(samples) == len(documents) or sum(counts) != table.num_rows:
                raise ValueError("the slice holds other documents")
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
            log.warning("ignoring unreadable cached units %s: %s", path.name, exc)
            return None
        columns = [table.column(name).to_pylist() for name in ("index", "kind", "text", "norm", "run_text",
                                                               "run_original")]
        rows = iter(zip(*columns))
        return [([Unit(doc.id, index, kind, text, norm, tuple(zip(run_text, run_original)))
                  for index, kind, text, norm, run_text, run_original in islice(rows, count)], own, own_samples)
                for doc, count, own, own_samples in zip(documents, counts, dropped, samples)]

    def put(self, key: str, cleaned: Sequence[tuple[Sequence, Mapping[str, int], Mapping]]) -> None:
        """Keep a slice's ``(units, dropped, samples)`` of each document, as :meth:`get` gives them back."""
        import numpy as np
        import pyarrow as pa

        units = [u for doc_units, *_ in cleaned for u in doc_units]
        runs = [u.runs for u in units]
        # the runs as one flat array of (text, original) pairs and offsets: a third of the time of lists of lists
        offsets = _list_offsets(list(map(len, runs)))
        pairs = np.fromiter(chain.from_iterable(chain.from_iterable(runs)), np.int64).reshape(-1, 2)
        documents = {"units": [len(doc_units) for doc_units, *_ in cleaned],
                     "dropped": [dict(own) for _, own, _ in cleaned],
                     "samples": [dict(own_samples) for *_, own_samples in cleaned]}
        table = pa.table({
            "index": pa.array([u.index for u in units], type=pa.int32()),
            "kind": pa.array([u.kind for u in units], type=pa.string()),
            "text": string_array([u.text for u in units]),
            "norm": string_array([u.norm for u in units]),
            "run_text": pa.ListArray.from_arrays(offsets, pa.array(pairs[:, 0])),
            "run_original": pa.ListArray.from_arrays(offsets, pa.array(pairs[:, 1])),
        }).replace_schema_metadata({"documents": json.dumps(documents, ensure_ascii=False)})
        self.keeper.write(str(self.root), self._write, self.root / f"{key}.arrow", table)

    @staticmethod
    def _write(target: Path, table) -> None:
        try:
            write_arrow(target, table)
        except OSError as exc:
            log.warning("cached units not written to %s: %s", target, exc.strerror or exc)


class ModelCache:
    """Fitted topic models as arrays, one ``.npz`` per fit key (no pickles).

    The key (:func:`textmine.keys.fit_key`) covers the fitted term lists and unit ids, the engine,
    k, seed, iterations, every engine option and the package versions, so a hit is the model that
    fitting would give again. Entries are ``{name: array}`` plus a JSON-able ``meta`` dict; the topic
    model turns them back into itself (:meth:`textmine.topics.model.TopicModel.from_arrays`).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root) / "models"

    def get(self, key: str) -> tuple[dict, dict] | None:
        import numpy as np

        path = self.root / f"{key}.npz"
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files if name != "meta"}
                return json.loads(str(data["meta"])), arrays
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring unreadable cached model %s: %s", path.name, exc)
            return None

    def put(self, key: str, meta: Mapping, arrays: Mapping) -> None:
        import io

        import numpy as np

        buffer = io.BytesIO()
        try:
            np.savez(buffer, meta=np.array(json.dumps(dict(meta), sort_keys=True, ensure_ascii=False)), **arrays)
            write_atomic(self.root / f"{key}.npz", buffer.getvalue())
        except (OSError, TypeError) as exc:
            log.warning("cached model not written to %s: %s", self.root, getattr(exc, "strerror", None) or exc)


class BytesCache:
    """Derived files — CSV text, PNG images, font subsets — by a key over everything that made them.

    A warm run rebuilds its outputs from cached tables and fits; making the same bytes again
    (formatting a million floats, drawing a word cloud, subsetting a font) is what this skips.
    """

    def __init__(self, root: str | Path, kind: str, keeper: Keeper | None = None) -> None:
        self.folder = Path(root) / "files" / kind
        self.keeper = keeper or Keeper()

    def get(self, key: str) -> bytes | None:
        self.keeper.settle(str(self.folder))
        try:
            return (self.folder / key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        self.keeper.write(str(self.folder), self._write, self.folder / key, data)

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        try:   # a file that cannot be kept only costs time next run
            write_atomic(target, data)
        except OSError:
            pass

    def keep_file(self, key: str, path: Path) -> None:
        """Keep a copy of the file ``path`` under ``key``, now, in the calling thread (the kernel copies it)."""
        try:
            write_atomic_by(self.folder / key, partial(shutil.copyfile, path))
        except OSError:
            pass

    def through(self, key: str, make) -> bytes:
        """The cached bytes of ``key``, or ``make()`` kept under it."""
        data = self.get(key)
        if data is None:
            data = make()
            self.put(key, data)
        return data


class Cache:
    """Every part of the cache under one folder; the stages are handed this one object."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.keeper = Keeper()
        self.units = UnitCache(self.root, self.keeper)
        self.results = ResultCache(self.root)
        self.models = ModelCache(self.root)

    def segments(self, fingerprint: Mapping) -> SegmentCache:
        return SegmentCache(self.root, fingerprint, self.keeper)

    def files(self, kind: str) -> BytesCache:
        return BytesCache(self.root, kind, self.keeper)

    def settle(self) -> None:
        """Wait until every entry given so far is written (:class:`Keeper`)."""
        self.keeper.settle()


def open_cache(config) -> Cache | None:
    """The cache ``config`` asks for (``[scale] cache``, ``cache_dir``), or None when it is off."""
    if not config.scale.cache:
        return None
    return Cache(config.resolve_path(config.scale.cache_dir))
