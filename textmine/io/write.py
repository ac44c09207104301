"""Write a run's tables, images and ``manifest.json`` into an output folder.

Files are first written into a staging folder next to the output folder,
which then replaces the output folder in one step (see :mod:`textmine.io.atomic`),
so an interrupted run never leaves a half-written or half-replaced set behind.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import shutil
from collections.abc import Iterable
from functools import partial
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ConfigError, TextmineError
from .read import corpus_file_hashes

PACKAGES = ("textmine", "jieba", "scikit-learn", "gensim", "tomotopy", "numpy", "scipy", "pandas",
            "wordcloud", "matplotlib", "opencc", "stopwordsiso", "mplfonts", "rjieba", "pyarrow", "dask",
            "distributed", "networkx")

TABLE_FILES = {
    "keywords": "keywords.csv", "vocab": "vocab.csv", "keyness": "keyness.csv", "topics": "topics.csv",
    "doc_topics": "doc_topics.csv", "unit_topics": "unit_topics.csv", "trends": "trends.csv",
}


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


FLOAT_FORMAT = "%.6g"
#: CSVs start with a UTF-8 byte-order mark: Excel (on a Chinese Windows machine too) then reads them as
#: UTF-8 when the file is double-clicked; pandas and textmine's readers accept them with or without it.
CSV_ENCODING = "utf-8-sig"
#: Tables of at least this many rows are kept as CSV bytes in the cache (writing a large table again
#: costs more than hashing it; small ones are not worth a file).
CACHED_CSV_ROWS = 20_000


def table_to_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes that are the same on every run: fixed float format, LF line ends, UTF-8 with a byte-order mark.

    Text cells starting with ``= + - @`` are guarded against spreadsheet formulas (see :mod:`.csvsafe`).
    """
    from .csvsafe import guard_frame

    frame = guard_frame(frame)
    floats = [i for i, dtype in enumerate(frame.dtypes) if isinstance(dtype, np.dtype) and dtype.kind == "f"]
    if floats:   # what float_format="%.6g" writes, made here: pandas formats one value at a time, 5x slower
        frame = frame.copy(deep=False)
        for i in floats:
            frame.isetitem(i, [FLOAT_FORMAT % v if v == v else "" for v in frame.iloc[:, i].tolist()])
    return frame.to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT).encode(CSV_ENCODING)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OutputWriter:
    """Collects a run's files in a staging folder next to ``out_dir``, then swaps it into place.

    See :mod:`textmine.io.atomic`: a killed run leaves the previous outputs
    intact, and concurrent runs into one folder each leave a complete set.
    """

    def __init__(self, out_dir: str | Path, cache_dir: str | Path | None = None) -> None:
        from .atomic import check_output_folder, new_staging

        self.out_dir = Path(out_dir).resolve()
        check_output_folder(self.out_dir)
        try:
            self.staging = new_staging(self.out_dir)
        except OSError as exc:
            raise TextmineError(f"cannot write to output folder {str(self.out_dir)!r} (a run is staged next to it, "
                                f"in {str(self.out_dir.parent)!r}): {exc.strerror or exc}") from None
        self.hashes: dict[str, str] = {}
        self.cache_dir = cache_dir
        self.cache = None
        if cache_dir is not None:
            from .cache import BytesCache

            self.cache = BytesCache(cache_dir, "csv")

    def path(self, name: str) -> Path:
        target = (self.staging / name).resolve()
        if self.staging.resolve() not in target.parents:
            raise ConfigError(f"output name {name!r} would leave the output folder; "
                              f"use a relative name without '..'")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_bytes(self, name: str, data: bytes) -> None:
        self.path(name).write_bytes(data)
        self.hashes[name] = sha256_bytes(data)

    def write_table(self, name: str, frame: pd.DataFrame) -> None:
        if self.cache is None or len(frame) < CACHED_CSV_ROWS:
            self.write_bytes(name, table_to_csv(frame))
            return
        from .cache import frame_key

        key = self.cache.key(frame_key(frame), FLOAT_FORMAT, CSV_ENCODING, package_versions(["textmine", "pandas"]))
        self.write_bytes(name, self.cache.through(key, lambda: table_to_csv(frame)))

    def write_table_by_key(self, name: str, make_frame, content_key: str) -> None:
        """Write the table ``make_frame()`` as ``name``; with a cache, its CSV is kept under ``content_key``
        (a digest of everything that decides the table), so a warm run copies it without building the table."""
        if self.cache is None:
            self.write_table(name, make_frame())
            return
        key = self.cache.key(name, content_key, FLOAT_FORMAT, CSV_ENCODING,
                             package_versions(["textmine", "pandas"]))
        self.write_bytes(name, self.cache.through(key, lambda: table_to_csv(make_frame())))

    def write_derived(self, name: str, make, made_from: list, packages: list[str]) -> None:
        """Write the bytes of ``make()`` as ``name``; with a cache, kept under a key over ``made_from``
        (tables by their content) and the versions of ``packages``, so a warm run copies them."""
        if self.cache is None:
            self.write_bytes(name, make())
            return
        from .cache import BytesCache, frame_key

        key = BytesCache.key(name, [frame_key(m) if isinstance(m, pd.DataFrame) else m for m in made_from],
                             package_versions(packages))
        self.write_bytes(name, BytesCache(self.cache_dir, "images").through(key, make))

    def write_figure(self, name: str, draw, *made_from) -> None:
        """Save the PNG of the matplotlib figure ``draw()`` as ``name`` (see :meth:`write_derived`)."""
        def png() -> bytes:
            import io

            from ..plots import save_figure

            buffer = io.BytesIO()
            save_figure(draw(), buffer)
            return buffer.getvalue()

        self.write_derived(name, png, list(made_from), ["textmine", "matplotlib", "mplfonts", "networkx"])

    def add_file(self, name: str) -> None:
        """Record the hash of a file written directly to ``self.path(name)``."""
        self.hashes[name] = sha256_bytes(self.path(name).read_bytes())

    def commit(self, manifest: dict) -> None:
        from .atomic import publish

        manifest = {**manifest, "outputs": dict(sorted(self.hashes.items()))}
        (self.staging / "manifest.json").write_text(readable_json(manifest) + "\n", encoding="utf-8")
        publish(self.staging, self.out_dir)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def readable_json(value, level: int = 0) -> str:
    """JSON with objects indented two spaces a level, and each entry of a list of objects or lists on a
    line of its own.

    ``json.dumps(indent=2)`` switches to json's pure-Python encoder: about 1 s for the 62k document
    entries of a review corpus. Here every list entry goes through the C encoder.
    """
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict) and value:
        body = ",\n".join(f"{inner}{json.dumps(str(key), ensure_ascii=False)}: {readable_json(item, level + 1)}"
                          for key, item in value.items())
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, list | tuple) and any(isinstance(item, dict | list | tuple) for item in value):
        return "[\n" + ",\n".join(inner + json.dumps(item, ensure_ascii=False) for item in value) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def units_table(prepared) -> pd.DataFrame:
    """``unit_id,doc_id,kind,start,end,text`` — offsets are characters in the original file."""
    return pd.DataFrame(
        [{"unit_id": u.id, "doc_id": u.doc_id, "kind": u.kind, "start": u.start, "end": u.end, "text": u.text}
         for u in prepared.units], columns=["unit_id", "doc_id", "kind", "start", "end", "text"])


def tokens_table(prepared) -> pd.DataFrame:
    """``unit_id,doc_id,n_tokens,tokens`` — the word tokens of each unit, separated by spaces."""
    return pd.DataFrame(
        [{"unit_id": t.unit_id, "doc_id": t.doc_id, "n_tokens": len(t.terms), "tokens": " ".join(t.terms)}
         for t in prepared.tokens], columns=["unit_id", "doc_id", "n_tokens", "tokens"])


def build_manifest(result, command: str) -> dict:
    prepared = result.prepared
    config = prepared.config
    totals = prepared.token_totals()
    units_per_doc: dict[str, int] = {}
    for unit in prepared.units:
        units_per_doc[unit.doc_id] = units_per_doc.get(unit.doc_id, 0) + 1
    return {
        "textmine": package_versions(["textmine"])["textmine"],
        "command": command,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": config.seed,
        "stages": list(result.stages),
        "config": config.to_dict(),
        "corpus": {
            "path": config.corpus.path,
            "files": corpus_file_hashes(prepared.corpus),
            "documents": [{"id": d.id, "date": str(d.date) if d.date else None, "chars": len(d.text),
                           "units": units_per_doc.get(d.id, 0), "tokens": totals.get(d.id, 0),
                           **{k: d.meta[k] for k in ("title", "publisher") if d.meta.get(k)}}
                          for d in prepared.corpus],
            "dropped_blocks": prepared.dropped,
            "inputs": [r.to_dict() for r in prepared.corpus.inputs if r.status == "used"],
            "skipped": [r.to_dict() for r in prepared.corpus.skipped],
        },
        "lexicon": {"terms": len(prepared.lexicon.terms), "sha256": prepared.lexicon.hashes},
        **_themes_manifest(prepared),
        "stopwords": {"source": config.filter.stopwords, "count": prepared.stopword_count,
                      "sha256": prepared.stopwords_sha256},
        "packages": package_versions(),
        "platform": {"system": platform.system(), "machine": platform.machine(),
                     "python_implementation": platform.python_implementation()},
        "timings": {k: round(v, 3) for k, v in result.timings.seconds.items()},
        "segmentation": {k: v for k, v in getattr(prepared, "segment_info", {}).items() if k != "stats"},
        "run_stats": {"peak_memory_mb": dict(getattr(result.timings, "peak_mb", {})),
                      **getattr(prepared, "segment_info", {}).get("stats", {})},
    }


def _themes_manifest(prepared) -> dict:
    """The theme rules a run counted, and the hash of the theme file they came from."""
    themes = getattr(prepared, "theme_set", None)
    if themes is None:
        return {}
    return {"themes": {"file": themes.source, "sha256": themes.sha256,
                       "rules": {t.name: {"rule": t.rule, "exclude": list(t.exclude)} for t in themes.themes}}}


class RunWriter:
    """A run's outputs, written as its analyses finish and committed with ``manifest.json`` at the end.

    ``textmine run`` hands each stage's tables here as soon as the stage is done, so tables and charts
    are written while the topic models are still fitting; :func:`write_run` writes a finished run in
    one go. The files are the same either way: every chart and word cloud depends only on the tables
    it is drawn from (and the prepared corpus).
    """

    def __init__(self, config, out_dir: str | Path, *, images: bool = True, segments: bool = True) -> None:
        self.config = config
        self.images = images
        self._segments_pending = segments
        cache_dir = config.resolve_path(config.scale.cache_dir) if config.scale.cache else None
        self.writer = OutputWriter(out_dir, cache_dir)

    def write(self, prepared, tables: dict[str, pd.DataFrame], files: dict[str, bytes] | None = None) -> None:
        """Write ``tables`` (and ``files``, name → bytes), with the charts and word clouds drawn from them."""
        from ..plots import trend_plot, word_cloud
        from .write_compare import write_comparison_files

        config, writer = self.config, self.writer
        self._write_segments(prepared)
        for key, frame in tables.items():
            writer.write_table(TABLE_FILES.get(key, f"{key}.csv"), frame)
        for name, content in (files or {}).items():
            writer.write_bytes(name, content)
        plots = self.images and config.output.plots
        if self.images and config.output.wordclouds and "keywords" in tables:
            _write_word_clouds(writer, prepared, tables.get("vocab"), word_cloud)
        if plots and "topic_k_selection" in tables:
            _write_k_selection(writer, tables["topic_k_selection"])
        if plots and "trends" in tables and len(prepared.corpus) <= getattr(config.output, "max_doc_images", 500):
            labels = {d.id: d.label for d in prepared.corpus}
            writer.write_figure("trends.png", lambda: trend_plot(tables["trends"], labels), tables["trends"], labels)
        write_comparison_files(writer, tables, config.seed, images=plots)

    def commit(self, result, command: str = "textmine run") -> Path:
        self._write_segments(result.prepared)
        self.writer.commit(build_manifest(result, command))
        return self.writer.out_dir

    def _write_segments(self, prepared) -> None:
        if not self._segments_pending:
            return
        self._segments_pending = False
        info = prepared.segment_info or {}
        # with the cache on, the digests of the units and their tokens decide these two tables
        for name, table, digest in (("units.csv", units_table, info.get("units_sha256")),
                                    ("tokens.csv", tokens_table, info.get("tokens_sha256"))):
            if digest is None:
                self.writer.write_table(name, table(prepared))
            else:
                self.writer.write_table_by_key(name, partial(table, prepared), digest)

    def discard(self) -> None:
        self.writer.discard()


def write_run(result, out_dir: str | Path, *, command: str = "textmine run", images: bool = True,
              segments: bool = True) -> Path:
    """Write every table of ``result`` (and images, unit and token tables) plus ``manifest.json``."""
    writer = RunWriter(result.prepared.config, out_dir, images=images, segments=segments)
    try:
        writer.write(result.prepared, result.tables, result.extra.get("files"))
        writer.commit(result, command)
    except BaseException:
        writer.discard()
        raise
    return Path(out_dir)


def _write_k_selection(writer: OutputWriter, table: pd.DataFrame) -> None:
    from ..topics.select import k_selection_plot

    proposed = int(table.loc[table["proposed"], "k"].iloc[0])
    writer.write_figure("topic_k_selection.png", lambda: k_selection_plot(table, proposed), table)


def _write_word_clouds(writer: OutputWriter, prepared, vocab: pd.DataFrame | None, word_cloud) -> None:
    from ..keywords import top_keywords

    seed = prepared.config.seed
    if vocab is not None and len(vocab):
        top = vocab.head(150)
        frequencies = dict(zip(top["term"], top["count"]))

        def draw() -> bytes:
            import io

            buffer = io.BytesIO()
            word_cloud(frequencies, seed=seed).save(buffer, format="PNG", optimize=False)
            return buffer.getvalue()

        # the order of the frequencies is part of the key: it breaks frequency ties
        writer.write_derived("wordcloud_corpus.png", draw, [list(frequencies.items()), seed],
                             ["textmine", "wordcloud", "pillow", "mplfonts"])
    config = prepared.config.keywords
    if len(prepared.corpus) > getattr(prepared.config.output, "max_doc_images", 500):
        return
    clouds = top_keywords(prepared.doc_dtm(), top_n=120, sublinear_tf=config.sublinear_tf)
    for doc_id, rows in clouds.groupby("doc_id", sort=False):
        if rows.empty:
            continue
        name = f"wordclouds/{_safe_name(doc_id)}.png"
        word_cloud(dict(zip(rows["term"], rows["score"])), seed=seed).save(writer.path(name))
        writer.add_file(name)


def _safe_name(doc_id: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(doc_id))
    return keep.strip("._") or "document"


def print_path(path: Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


__all__ = ["write_run", "RunWriter", "OutputWriter", "package_versions", "table_to_csv", "units_table", "tokens_table",
           "print_path"]
