"""Content keys: digests of everything that decides a result, so a cached result is never stale.

Each key covers the inputs of one kind of result and the versions of the software that made it
(:func:`textmine.provenance.package_versions`); a change to any of them gives a new key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .provenance import dependency_versions, package_versions


def digest(*parts: Any) -> str:
    """A short key over JSON-able ``parts`` (other values by their ``str``)."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:32]


def unit_key(text: str) -> str:
    """Key of a unit's folded text (its segmentation, under one segmentation fingerprint)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def slice_key(documents: Sequence, clean_settings: Mapping[str, Any]) -> str:
    """Key of a slice of documents cleaned: document ids and texts, page starts, cleaning settings, versions."""
    versions = package_versions(["textmine", "opencc"], python=False)
    h = hashlib.sha256(json.dumps({"clean": dict(clean_settings), **versions}, sort_keys=True).encode())
    for doc in documents:
        h.update(f"{len(doc.id)}:{doc.id}{len(doc.text)}:".encode("utf-8"))
        h.update(doc.text.encode("utf-8"))
    return h.hexdigest()[:32]


def segmentation_fingerprint(segmenter, fold_traditional: bool) -> dict[str, Any]:
    """Everything besides a unit's text that decides its tokens."""
    lexicon = hashlib.sha256("\n".join(f"{e.term}\t{e.freq or ''}" for e in segmenter.lexicon.entries)
                             .encode("utf-8")).hexdigest()
    engines = ["jieba"] + (["rjieba"] if segmenter.name == "rjieba" else [])
    return {
        "textmine": package_versions(["textmine"], python=False)["textmine"],
        "backend": segmenter.name,
        "versions": package_versions(engines, python=False),
        "hmm": segmenter.hmm,
        "protect_latin": segmenter.protect_latin,
        "lexicon_terms_sha256": lexicon,
        "lexicon_files_sha256": dict(sorted(segmenter.lexicon.hashes.items())),
        "fold_traditional": fold_traditional,
        "opencc": package_versions(["opencc"], python=False)["opencc"] if fold_traditional else None,
    }


def fingerprint_digest(fingerprint: Mapping) -> str:
    return hashlib.sha256(json.dumps(fingerprint, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:20]


def tokens_digest(fingerprint: str, unit_ids: Sequence[str], doc_ids: Sequence[str], keys: Sequence[str]) -> str:
    """Digest of a segmented corpus: the fingerprint and each unit's id, document and text key (a line each)."""
    h = hashlib.sha256(fingerprint.encode())
    if keys:
        h.update(("\n".join(map("\t".join, zip(unit_ids, doc_ids, keys))) + "\n").encode("utf-8"))
    return h.hexdigest()


def analysis_key(config, *, tokens: str, units: str, stopwords: str, themes: str, documents: list) -> str:
    """What decides the analysis tables of a prepared corpus, hashed once: the segmented text, the
    units' display text and offsets, the documents' ids, dates and metadata, stopwords, themes, the
    config (but where the corpus, the outputs and the cache are, and how the work is spread), every file the
    config names, versions."""
    values = config.to_dict()
    for section in ("output", "scale", "report"):
        values.pop(section, None)
    # the corpus is in the key by its content (tokens, units, documents), not by how its path was spelled, so a
    # run from another folder, or with an absolute path, finds the tables of the same corpus
    values["corpus"].pop("path", None)
    payload = {"tokens": tokens, "units": units, "config": values, "files": config_files(config, values),
               "stopwords": stopwords, "themes": themes, "documents": documents, "packages": package_versions()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def run_key(config, stages: Sequence[str]) -> str | None:
    """What decides every file ``textmine run`` writes into its folder: the stages, the whole config, the bytes
    of each corpus file and of every other file the config names, the versions of textmine (with a digest of
    its source) and of every package it depends on, down the tree, and the platform. Made from the files
    alone, before anything is read: the same key, and a rerun would write the same files
    (:mod:`textmine.io.manifest`). None when the corpus cannot be listed (the run says why)."""
    import copy
    import platform

    from .io.read import corpus_files, file_name, sha256_file

    values = config.to_dict()
    try:
        root = config.resolve_path(config.corpus.path)
        corpus = {file_name(p, root if root.is_dir() else root.parent): sha256_file(p) for p in corpus_files(root)}
    except OSError:
        return None
    named = copy.deepcopy(values)
    named["corpus"].pop("path", None)
    payload = {"stages": sorted(stages), "config": values, "corpus": corpus, "files": config_files(config, named),
               "packages": package_versions(), "dependencies": dependency_versions(),
               "platform": [platform.system(), platform.machine()]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def stage_key(base: str, stage: str) -> str:
    return hashlib.sha256(f"{base}\t{stage}".encode("utf-8")).hexdigest()[:24]


def config_files(config, values: Any) -> dict[str, str]:
    """sha256 of every file a config value names (rule files, lexicons, stopword lists, …)."""
    found: dict[str, str] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value and len(value) < 4096:
            try:
                path: Path = config.resolve_path(value)
                if path.is_file():
                    found[value] = hashlib.sha256(path.read_bytes()).hexdigest()
            except (OSError, ValueError):
                pass

    walk(values)
    return dict(sorted(found.items()))


def fit_key(docs: Iterable[Sequence[str]], ids: Iterable[str], settings: Mapping) -> str:
    """Key of one topic fit: the term lists, unit ids and ``settings`` (engine, k, seed, options, versions)."""
    h = hashlib.blake2b(digest_size=20)
    for unit_id, terms in zip(ids, docs):
        h.update(unit_id.encode("utf-8") + b"\x1e" + "\x1f".join(terms).encode("utf-8") + b"\x1d")
    h.update(json.dumps(dict(settings), sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def frame_key(frame) -> str:
    """Key of a DataFrame's content: its columns, dtypes and a hash of every row."""
    import pandas as pd

    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes() if len(frame.columns) else b""
    return digest([str(c) for c in frame.columns], [str(d) for d in frame.dtypes], len(frame),
                  hashlib.sha256(rows).hexdigest())
