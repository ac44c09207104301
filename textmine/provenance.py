"""How a result was made: package versions, stage timings and peak memory, and ``manifest.json``.

Every version that is recorded or that keys a cache comes from :func:`package_versions`, so
the manifest and the caches agree on what "the same software" means.
"""

from __future__ import annotations

import datetime as _dt
import platform
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from typing import Any

#: The packages whose versions ``manifest.json`` records.
PACKAGES = ("textmine", "jieba", "scikit-learn", "gensim", "tomotopy", "numpy", "scipy", "pandas",
            "wordcloud", "matplotlib", "opencc", "stopwordsiso", "mplfonts", "rjieba", "pyarrow", "dask",
            "distributed", "networkx")


def package_versions(names: Iterable[str] = PACKAGES, *, python: bool = True) -> dict[str, str]:
    """``{name: version}`` of installed packages ("not installed" otherwise), with Python's first.

    textmine's own version carries a digest of its source files (``0.1.0+3f2a…``): every cache key
    made with it changes with any change to the code, so no cache ever serves what older code made.
    """
    versions = {"python": platform.python_version()} if python else {}
    for name in names:
        versions[name] = installed_version(name)
        if name == "textmine":
            versions[name] += f"+{source_digest()}"
    return versions


@lru_cache(maxsize=None)
def installed_version(name: str) -> str:
    """The installed version of a package, or "not installed"; read once per process (a run asks about 130
    times, each a parse of the package's metadata file), which is also the version the process has imported."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def dependency_versions() -> dict[str, str]:
    """``{name: version}`` of every package textmine requires, and every package those require, all the way
    down (requirements of optional extras aside; one a marker leaves out is "not installed"): Pillow, which
    encodes the PNGs, comes through matplotlib and wordcloud, not from textmine's own list."""
    import re

    versions: dict[str, str] = {}
    todo = ["textmine", *PACKAGES]
    while todo:
        name = re.split(r"[\s;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")
        if name in versions:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
            continue
        versions[name] = distribution.version
        todo += [r for r in distribution.requires or () if "extra ==" not in r]
    return dict(sorted(versions.items()))


@lru_cache(maxsize=1)
def source_digest() -> str:
    """A digest of the files of the textmine package (code, templates, bundled lists), read once per process."""
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


class PeakMemory:
    """Samples this process's resident memory in a background thread; ``peak_mb`` is the largest seen."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        import psutil

        process = psutil.Process()
        while True:
            self.peak_mb = max(self.peak_mb, process.memory_info().rss / 2**20)
            if self._stop.wait(self.interval):
                break

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._sample, name="textmine-memory", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


@dataclass
class Timings:
    """Seconds and peak resident memory (MB) per stage, filled in as stages run; ``cached`` names the
    stages whose results came from the cache (their seconds are the time to read them)."""

    seconds: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)
    cached: set[str] = field(default_factory=set)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        memory = PeakMemory()
        try:
            with memory:
                yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.peak_mb[name] = round(max(self.peak_mb.get(name, 0.0), memory.peak_mb), 1)


def text_settings(settings: dict) -> dict:
    """The sections of a config (as :meth:`~textmine.config.Config.to_dict` gives it) that turn corpus files into
    units, tokens and content terms; where the corpus is and whether bad inputs stop the run are not among them."""
    chosen = {section: dict(settings.get(section) or {}) for section in ("corpus", "clean", "segment", "filter")}
    chosen["corpus"] = {k: v for k, v in chosen["corpus"].items() if k not in ("path", "strict")}
    return chosen


def text_key(config, file_hashes: dict[str, str]) -> str:
    """What decides the text every table of a run counts in: the corpus files and the settings that turn
    them into units, tokens and content terms (:func:`text_settings`), and the textmine that does it. Two
    commands may share an output folder only when their text keys are equal (:mod:`textmine.io.write`)."""
    import hashlib
    import json

    payload = {"files": file_hashes, **text_settings(config.to_dict()),
               "textmine": package_versions(["textmine"], python=False)["textmine"]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:24]


def text_difference(old: dict, new: dict) -> str:
    """What differs, of what :func:`text_key` covers, between the manifests of two commands: the corpus files that
    changed, the settings of :func:`text_settings`, or the textmine that made them."""
    reasons = []
    old_files, new_files = ((m.get("corpus") or {}).get("files") or {} for m in (old, new))
    changed = sorted(f for f in old_files.keys() | new_files.keys() if old_files.get(f) != new_files.get(f))
    if changed:
        reasons.append(f"corpus files changed: {', '.join(changed[:3])}{' …' if len(changed) > 3 else ''}")
    before, now = (text_settings(m.get("config") or {}) for m in (old, new))
    for section in before:
        keys = sorted(k for k in before[section].keys() | now[section].keys()
                      if before[section].get(k) != now[section].get(k))
        if keys:
            reasons.append(f"[{section}] {', '.join(keys)} changed")
    if old.get("textmine") != new.get("textmine"):
        reasons.append(f"made by textmine {old.get('textmine', '(unknown)')}, this is {new.get('textmine')}")
    return "; ".join(reasons) or "corpus files or settings changed"


def command_manifest(config, corpus, command: str, stages: list[str]) -> dict[str, Any]:
    """The part of ``manifest.json`` every command writes: what ran, when, on which files, with which
    settings and software."""
    from .io.read import corpus_file_hashes

    files = corpus_file_hashes(corpus)
    return {
        "textmine": package_versions(["textmine"], python=False)["textmine"],
        "command": command,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "seed": config.seed,
        "stages": list(stages),
        "config": config.to_dict(),
        "text_key": text_key(config, files),
        "corpus": {"path": config.corpus.path, "documents": len(corpus), "files": files},
        "packages": package_versions(),
        "platform": {"system": platform.system(), "machine": platform.machine(),
                     "python_implementation": platform.python_implementation()},
    }


#: Inputs, skipped inputs and stubs listed in ``manifest.json`` at most; a corpus with more lists the first
#: ones and their numbers, every input in ``inputs.csv`` and every stub in ``documents.csv``.
MANIFEST_LIST_LIMIT = 100


def inputs_listed_in_full(corpus) -> bool:
    """Whether ``manifest.json`` lists every input of ``corpus`` (else ``inputs.csv`` does)."""
    used = sum(1 for r in corpus.inputs if r.status == "used")
    return used <= MANIFEST_LIST_LIMIT and len(corpus.inputs) - used <= MANIFEST_LIST_LIMIT


def build_manifest(result, command: str) -> dict[str, Any]:
    """``manifest.json`` of a run: config, seed, inputs and their hashes, lexicon, themes and stopwords,
    package versions, what cleaning dropped, timings (see the README's *Outputs*).

    Per-document sizes are in ``documents.csv``, not here, and inputs and stubs are listed up to
    :data:`MANIFEST_LIST_LIMIT` (``inputs.csv`` lists every input then), so the manifest stays small for
    large corpora.
    """
    prepared = result.prepared
    config = prepared.config
    info = dict(prepared.segment_info)
    stats = info.pop("stats", {})
    base = command_manifest(config, prepared.corpus, command, list(result.stages))
    used = [r for r in prepared.corpus.inputs if r.status == "used"]
    skipped = prepared.corpus.skipped
    stubs = sorted(prepared.stubs)
    limit = MANIFEST_LIST_LIMIT
    listed = {}
    full = inputs_listed_in_full(prepared.corpus)
    if not full or len(stubs) > limit:
        where = "" if full else "inputs.csv lists every input, "
        listed = {"listed": {"inputs": len(used), "skipped": len(skipped), "stubs": len(stubs),
                             "note": f"at most the first {limit} of each are listed here; {where}documents.csv "
                                     f"every stub"}}
    return {
        **base,
        # stages asked for that the corpus had too little text for, each with why
        **({"left_out": dict(result.left_out)} if result.left_out else {}),
        "corpus": {
            **base["corpus"],
            "units": len(prepared.units),
            "tokens": int(sum(prepared.token_totals.values())),
            "stubs": stubs[:limit],
            "dropped_blocks": prepared.dropped,
            "dropped_samples": prepared.dropped_samples,
            "inputs": [r.to_dict() for r in used[:limit]],
            "skipped": [r.to_dict() for r in skipped[:limit]],
            **listed,
        },
        "lexicon": {"terms": len(prepared.lexicon.terms), "sha256": prepared.lexicon.hashes},
        **_themes_manifest(prepared),
        "stopwords": {"source": config.filter.stopwords, "count": prepared.stopword_count,
                      "sha256": prepared.stopwords_sha256},
        "timings": {k: round(v, 3) for k, v in result.timings.seconds.items()},
        "segmentation": info,
        "run_stats": {"peak_memory_mb": dict(result.timings.peak_mb),
                      "from_cache": sorted(result.timings.cached), **stats},
    }


def _themes_manifest(prepared) -> dict[str, Any]:
    """The theme rules a run counted, and the hash of the theme file they came from."""
    themes = prepared.theme_set
    return {"themes": {"file": themes.source, "sha256": themes.sha256, "match": prepared.config.trends.match,
                       "rules": {t.name: {"rule": t.rule, "exclude": list(t.exclude),
                                          "not_inside": list(t.not_inside)} for t in themes.themes}}}
