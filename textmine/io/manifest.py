"""``manifest.json`` read back, and the check that makes an unchanged ``textmine run`` instant.

After a whole run, ``manifest.json`` records the run's key (:func:`textmine.keys.run_key`: stages, config,
the bytes of the corpus files and of every file the config names, versions) under ``run_key``, and the
sha256 of the files rendered from the folder (report, workbook) under ``rendered``. A rerun whose key is
the same, into a folder that still holds every one of those files unchanged (``outputs`` and ``rendered``),
and that no other command has written into since, would write the same files, so it writes nothing.
Anything else — a corpus file edited, added or removed, a setting or a named file changed, other
software, an output deleted or edited, another command's files added — and the run runs, from the cache.
``--no-cache`` always runs every stage.

This module reads only JSON and file bytes (no pandas), so the check costs no more than hashing the folder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

#: The manifest keys this check reads.
RUN_KEY, RENDERED = "run_key", "rendered"


def read_manifest(folder: Path) -> dict | None:
    """The ``manifest.json`` of a folder, or None when it has none (or an unreadable one)."""
    try:
        value = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def unchanged_run(out_dir: Path, key: str | None) -> dict | None:
    """The manifest of ``out_dir`` when it holds the whole output of a run with ``key``, every file as that
    run left it; None otherwise (no such run, a file missing or changed, another command's files added)."""
    manifest = read_manifest(out_dir) if key is not None else None
    if manifest is None or manifest.get(RUN_KEY) != key or len(manifest.get("commands") or ()) != 1:
        return None
    outputs, rendered = manifest.get("outputs"), manifest.get(RENDERED)
    if not isinstance(outputs, dict) or not isinstance(rendered, dict):
        return None
    return manifest if _all_intact(out_dir, {**outputs, **rendered}) else None


def record_run(out_dir: Path, key: str | None, published: Mapping[str, str], rendered_names) -> bool:
    """Add ``key`` and the hashes of the rendered files among ``rendered_names`` to the manifest of ``out_dir``,
    if the folder still holds what this run ``published`` (name → sha256): a run that published after it
    leaves its own. Returns whether it was recorded."""
    from .atomic import output_lock, write_atomic
    from .read import sha256_file
    from .write import readable_json

    if key is None:
        return False
    with output_lock(out_dir):
        manifest = read_manifest(out_dir)
        if manifest is None or manifest.get("outputs") != dict(published):
            return False
        manifest[RUN_KEY] = key
        manifest[RENDERED] = {name: sha256_file(out_dir / name) for name in rendered_names
                              if (out_dir / name).is_file()}
        write_atomic(out_dir / "manifest.json", (readable_json(manifest) + "\n").encode("utf-8"))
    return True


def _all_intact(out_dir: Path, files: Mapping[str, str]) -> bool:
    from .read import sha256_file

    for name, digest in files.items():
        path = out_dir / name
        try:
            if sha256_file(path) != digest:
                return False
        except OSError:
            return False
    return True
