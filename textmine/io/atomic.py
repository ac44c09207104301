"""Replace an output folder as a whole, so that no reader ever sees half a run.

A run writes everything into a staging folder next to the output folder
(``.<name>.textmine-new-<pid>-…``). :func:`publish` then, holding a lock file
next to the output folder (``.<name>.textmine-lock``) so concurrent runs take
turns:

1. hard-links into the staging folder every earlier file the run did not
   write again (outputs of other stages, your own notes) — but those the
   caller says the run supersedes — so nothing else is lost;
2. swaps staging and output folder. On Linux this is one atomic
   ``renameat2(RENAME_EXCHANGE)``; elsewhere the old folder is renamed to
   ``.<name>.textmine-old-…`` and the new one renamed into place — if a run is
   killed between those two renames, the next run (or
   :func:`recover_output_folder`) puts the old folder back;
3. removes the old folder.

A run killed before step 2 leaves the previous outputs untouched; its staging
folder is removed by the next run into the same folder.

:func:`check_output_folder` refuses a folder that already holds files but no
``manifest.json`` (dot-files and a README aside) — textmine replaces its output
folder, so it will not take over a folder of other files (``--out .`` in a
project folder, say).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from ..errors import ConfigError

log = logging.getLogger(__name__)

_NEW, _OLD, _LOCK = "textmine-new", "textmine-old", "textmine-lock"


def _sibling(out_dir: Path, kind: str) -> str:
    return f".{out_dir.name}.{kind}"


def check_output_folder(out_dir: Path) -> None:
    """A ConfigError unless ``out_dir`` is missing, empty (but for dot-files and a README) or an earlier
    textmine output folder."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"output folder {str(out_dir)!r} is a file; give a folder with --out or [output] dir")
    if not out_dir.is_dir() or (out_dir / "manifest.json").is_file():
        return
    foreign = sorted(p.name for p in out_dir.iterdir() if not p.name.startswith((".", "README")))
    if foreign:
        shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
        raise ConfigError(f"output folder {str(out_dir)!r} holds files textmine did not write ({shown}) and no "
                          f"manifest.json; choose a new or empty folder with --out or [output] dir")


def new_staging(out_dir: Path) -> Path:
    """A fresh staging folder next to ``out_dir`` (created, with its parent if needed)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return _unique_dir(out_dir, _NEW, create=True)


def _unique_dir(out_dir: Path, kind: str, *, create: bool) -> Path:
    """``.<name>.<kind>-<pid>-<random>`` next to ``out_dir``; created with the usual permissions if asked."""
    while True:
        path = out_dir.parent / f"{_sibling(out_dir, kind)}-{os.getpid()}-{secrets.token_hex(4)}"
        if not create:
            if not path.exists():
                return path
            continue
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """An exclusive lock for publishing into ``out_dir`` (a no-op where ``fcntl`` is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path = out_dir.parent / _sibling(out_dir, _LOCK)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) would send CTRL_C_EVENT there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def recover_output_folder(out_dir: Path) -> None:
    """Undo what a killed run left behind: put back a moved-away old folder, remove dead runs' staging folders.

    Call it holding :func:`output_lock`.
    """
    out_dir = Path(out_dir)
    parent = out_dir.parent
    if not parent.is_dir():
        return
    pattern = re.compile(rf"^{re.escape(_sibling(out_dir, ''))}(textmine-new|textmine-old)-(\d+)-")
    leftovers = []
    for path in parent.iterdir():
        match = pattern.match(path.name)
        if match and path.is_dir():
            leftovers.append((match.group(1), int(match.group(2)), path))
    for kind, pid, path in sorted(leftovers, key=lambda x: x[2].stat().st_mtime, reverse=True):
        if kind == _OLD and not out_dir.exists():
            log.warning("restoring %s from %s, left by an interrupted run", out_dir, path.name)
            os.rename(path, out_dir)
        elif pid == os.getpid() or not _pid_alive(pid):
            if kind == _NEW and pid == os.getpid():
                continue  # this process's own staging folders are its business
            shutil.rmtree(path, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux ``renameat2(RENAME_EXCHANGE)``; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _move_in(staging: Path, out_dir: Path) -> None:
    os.rename(staging, out_dir)


def _carry_over(out_dir: Path, staging: Path, drop: frozenset[str] = frozenset()) -> None:
    """Hard-link (or copy) into ``staging`` every file of ``out_dir`` the new run did not write, but those
    named in ``drop`` (paths relative to the folder, with ``/``)."""
    for source in out_dir.rglob("*"):
        if source.is_dir() and not source.is_symlink():
            continue
        relative = source.relative_to(out_dir)
        if relative.as_posix() in drop:
            continue
        target = staging / relative
        if target.exists() or target.is_symlink():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError:
            shutil.copy2(source, target, follow_symlinks=False)


def publish(staging: Path, out_dir: Path, *, finish=None) -> None:
    """Make the complete ``staging`` folder the new ``out_dir`` (see module docs).

    ``finish(out_dir)``, if given, is called holding the lock, before anything moves: it may add files
    to the staging folder (the merged manifest) and returns the earlier files (relative paths) not to
    carry over.
    """
    out_dir = Path(out_dir)
    with output_lock(out_dir):
        recover_output_folder(out_dir)
        check_output_folder(out_dir)
        drop = frozenset(finish(out_dir) if finish is not None else ())
        if not out_dir.exists():
            _move_in(staging, out_dir)
            return
        _carry_over(out_dir, staging, drop)
        if _exchange(staging, out_dir):
            shutil.rmtree(staging, ignore_errors=True)  # now holds the previous outputs
            return
        backup = _unique_dir(out_dir, _OLD, create=False)
        os.rename(out_dir, backup)
        _move_in(staging, out_dir)
        shutil.rmtree(backup, ignore_errors=True)


#: Bytes handed to the kernel per write call (:func:`write_in_slices`).
WRITE_SLICE = 1 << 20


def write_in_slices(handle, data: bytes) -> None:
    """``handle.write(data)`` a megabyte at a time. Measured on Linux (ext4, a 2-core virtual machine): one call
    writing 40 MB into a new file mostly took 0.4-0.6 s of kernel time, calls of 1 MB mostly 0.01 s (in one test
    of three, as slow in two rounds of three); in whole runs of ``textmine segment`` on three copies of the
    reviews, taken in turn, the system time went from 1.06-1.43 s to 0.43-0.60 s."""
    view = memoryview(data)
    for start in range(0, len(view), WRITE_SLICE):
        handle.write(view[start:start + WRITE_SLICE])


def write_file(path: str | Path, data: bytes) -> None:
    """Write ``data`` to the file ``path`` (created or replaced), :func:`write_in_slices`."""
    with open(path, "wb") as handle:
        write_in_slices(handle, data)


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (its folder created if needed) under a temporary name in the same folder,
    then rename it into place: a reader sees the old file or the whole new one, never part of it."""
    write_atomic_by(path, partial(write_file, data=data))


def write_atomic_by(path: str | Path, write: Callable[[Path], None]) -> None:
    """:func:`write_atomic` of the file ``write(temporary)`` writes at the path it is given."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


__all__ = ["check_output_folder", "publish", "recover_output_folder", "output_lock", "write_atomic",
           "write_atomic_by"]
