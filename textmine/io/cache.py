"""The segmentation cache: tokens of each unit text, on disk as Parquet.

Entries are keyed by the hash of a unit's folded text and stored under a
folder named for everything else that decides the tokens (the *fingerprint*:
backend and package versions, HMM, Latin-name protection, every lexicon term
and frequency, the lexicon files' hashes, Traditional folding, textmine's
version). A second run with the same inputs reads the tokens instead of
segmenting; changing a lexicon file changes the fingerprint, so nothing stale
is read. Stopwords are not part of the key: they filter tokens after
segmentation, so changing them keeps the cache valid.

Layout: ``<dir>/segments/<fingerprint>/fingerprint.json`` and
``part-*.parquet`` files with columns ``key`` (string), ``terms``
(list<string>), ``starts`` (list<int32>). Parts are written to a temporary
name and renamed, so a crash never leaves a half-written part behind, and two
runs may add parts at the same time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

log = logging.getLogger(__name__)

MAX_PARTS = 16


def unit_key(text: str) -> str:
    """Content hash of a unit's folded text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def fingerprint_digest(fingerprint: Mapping) -> str:
    return hashlib.sha256(json.dumps(fingerprint, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:20]


class SegmentCache:
    """Read and add cached segmentations for one fingerprint."""

    def __init__(self, root: str | Path, fingerprint: Mapping) -> None:
        self.root = Path(root)
        self.fingerprint = dict(fingerprint)
        self.digest = fingerprint_digest(fingerprint)
        self.folder = self.root / "segments" / self.digest

    def parts(self) -> list[Path]:
        return sorted(self.folder.glob("part-*.parquet")) if self.folder.is_dir() else []

    def get(self, keys: Iterable[str]) -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
        """Cached ``(terms, starts)`` for those of ``keys`` that are in the cache."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        wanted = pa.array(sorted(set(keys)), type=pa.string())
        found: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}
        for part in self.parts():
            try:
                table = pq.read_table(part)
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
        import pyarrow as pa

        keys = list(entries)
        table = pa.table({
            "key": pa.array(keys, type=pa.string()),
            "terms": pa.array([list(entries[k][0]) for k in keys], type=pa.list_(pa.string())),
            "starts": pa.array([list(entries[k][1]) for k in keys], type=pa.list_(pa.int32())),
        })
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            meta = self.folder / "fingerprint.json"
            if not meta.exists():
                self._write_atomic(meta, json.dumps(self.fingerprint, indent=2, sort_keys=True,
                                                    ensure_ascii=False).encode("utf-8"))
            self._write_table(table)
            if len(self.parts()) > MAX_PARTS:
                self._compact()
        except OSError as exc:  # a cache that cannot be written only costs time
            log.warning("segmentation cache not written to %s: %s", self.folder, exc.strerror or exc)

    def _write_table(self, table) -> Path:
        import pyarrow.parquet as pq

        target = self.folder / f"part-{uuid.uuid4().hex}.parquet"
        tmp = target.with_suffix(".tmp")
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, target)
        return target

    def _compact(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        parts = self.parts()
        tables = [pq.read_table(p) for p in parts]
        merged = pa.concat_tables(tables)
        self._write_table(merged)
        for part in parts:
            part.unlink(missing_ok=True)

    @staticmethod
    def _write_atomic(path: Path, data: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)


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


class ResultCache:
    """Tables of an analysis stage, one Parquet file per table, and the files it made besides (the topic
    map page), in a folder per stage key.

    A folder is written under a temporary name and renamed when complete, so a
    reader sees all of a stage's tables or none.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root) / "results"

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
                    (tmp / "files" / name).write_bytes(data)
            (tmp / "tables.json").write_text(json.dumps({"tables": list(tables), "files": list(files)}),
                                             encoding="utf-8")
            os.replace(tmp, folder)
        except OSError as exc:
            log.warning("cached tables not written to %s: %s", folder, exc.strerror or exc)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class UnitCache:
    """Cleaned units of a partition of documents, one Parquet file per partition key.

    The key (made by the caller) covers the documents' ids and texts, the cleaning
    settings and the versions that decide cleaning, so a hit is always current.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root) / "units"

    def get(self, key: str):
        import pyarrow as pa
        import pyarrow.parquet as pq

        from ..data import Unit

        path = self.root / f"{key}.parquet"
        if not path.is_file():
            return None
        try:
            table = pq.read_table(path)
            dropped = json.loads(table.schema.metadata[b"dropped"].decode("utf-8"))
        except (OSError, ValueError, KeyError, pa.ArrowException) as exc:
            log.warning("ignoring unreadable cached units %s: %s", path.name, exc)
            return None
        columns = [table.column(name).to_pylist() for name in ("doc_id", "index", "kind", "text", "norm",
                                                               "run_text", "run_original")]
        units = [Unit(doc_id, index, kind, text, norm, tuple(zip(run_text, run_original)))
                 for doc_id, index, kind, text, norm, run_text, run_original in zip(*columns)]
        return units, dropped

    def put(self, key: str, units, dropped: Mapping[str, int]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({
            "doc_id": pa.array([u.doc_id for u in units], type=pa.string()),
            "index": pa.array([u.index for u in units], type=pa.int32()),
            "kind": pa.array([u.kind for u in units], type=pa.string()),
            "text": pa.array([u.text for u in units], type=pa.string()),
            "norm": pa.array([u.norm for u in units], type=pa.string()),
            "run_text": pa.array([[r[0] for r in u.runs] for u in units], type=pa.list_(pa.int64())),
            "run_original": pa.array([[r[1] for r in u.runs] for u in units], type=pa.list_(pa.int64())),
        }).replace_schema_metadata({"dropped": json.dumps(dict(dropped))})
        target = self.root / f"{key}.parquet"
        tmp = self.root / f".{key}.{uuid.uuid4().hex}.tmp"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, tmp, compression="zstd")
            os.replace(tmp, target)
        except OSError as exc:
            log.warning("cached units not written to %s: %s", target, exc.strerror or exc)
            tmp.unlink(missing_ok=True)


class ModelCache:
    """Fitted topic models, one ``.npz`` (arrays, no pickles) per fit key.

    The key (made by the caller) covers the fitted term lists and unit ids, the
    engine, k, seed, iterations, every engine option and the package versions,
    so a hit is the model that fitting would give again.
    """

    def __init__(self, root: str | Path) -> None:
        self.base = Path(root)
        self.root = self.base / "models"

    def get(self, key: str):
        import numpy as np

        from ..topics.model import TopicModel

        path = self.root / f"{key}.npz"
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                return TopicModel(meta["engine"], int(meta["k"]), int(meta["seed"]), tuple(data["vocab"].tolist()),
                                  data["topic_term"], data["doc_topic"], tuple(data["row_ids"].tolist()),
                                  meta["params"])
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring unreadable cached model %s: %s", path.name, exc)
            return None

    def put(self, key: str, model) -> None:
        import numpy as np

        meta = json.dumps({"engine": model.engine, "k": model.k, "seed": model.seed, "params": model.params},
                          sort_keys=True, ensure_ascii=False)
        target = self.root / f"{key}.npz"
        tmp = self.root / f".{key}.{uuid.uuid4().hex}.tmp.npz"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            np.savez(tmp, meta=np.array(meta), vocab=np.array(model.vocab, dtype=str),
                     topic_term=model.topic_term, doc_topic=model.doc_topic,
                     row_ids=np.array(model.row_ids, dtype=str))
            os.replace(tmp, target)
        except (OSError, TypeError) as exc:
            log.warning("cached model not written to %s: %s", target, getattr(exc, "strerror", None) or exc)
            tmp.unlink(missing_ok=True)


def fit_key(docs, ids, settings: Mapping) -> str:
    """Content key of one topic fit: the term lists, unit ids and ``settings`` (engine, k, seed, options, versions)."""
    digest = hashlib.blake2b(digest_size=20)
    for unit_id, terms in zip(ids, docs):
        digest.update(unit_id.encode("utf-8") + b"\x1e" + "\x1f".join(terms).encode("utf-8") + b"\x1d")
    digest.update(json.dumps(dict(settings), sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


class BytesCache:
    """Derived files — CSV text, PNG images, font subsets — by a key over everything that made them.

    A warm run rebuilds its outputs from cached tables and fits; making the same bytes again
    (formatting a million floats, drawing a word cloud, subsetting a font) is what this skips.
    """

    def __init__(self, root: str | Path, kind: str) -> None:
        self.folder = Path(root) / "files" / kind

    @staticmethod
    def key(*parts) -> str:
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:32]

    def get(self, key: str) -> bytes | None:
        try:
            return (self.folder / key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        target = self.folder / key
        tmp = self.folder / f".{key}.{uuid.uuid4().hex}.tmp"
        try:   # a file that cannot be kept only costs time next run
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, target)
        except OSError:
            tmp.unlink(missing_ok=True)

    def through(self, key: str, make) -> bytes:
        """The cached bytes of ``key``, or ``make()`` kept under it."""
        data = self.get(key)
        if data is None:
            data = make()
            self.put(key, data)
        return data


def frame_key(frame) -> str:
    """Content key of a DataFrame: its columns, dtypes and a hash of every row."""
    import pandas as pd

    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes() if len(frame.columns) else b""
    return BytesCache.key([str(c) for c in frame.columns], [str(d) for d in frame.dtypes], len(frame),
                          hashlib.sha256(rows).hexdigest())
