"""Whole processes for the benchmarks: time, peak memory of the process tree, and comparing run folders."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def compile_textmine() -> None:
    """Compile textmine's modules to bytecode, as the first run of an installed ``textmine`` leaves them.

    The plain scripts' libraries (jieba, pandas, gensim) were compiled by ``pip install``; textmine, installed
    editable (``pip install -e``), is compiled by Python on its first import, unless ``PYTHONDONTWRITEBYTECODE``
    is set, in which case every timed process would compile it again (importing what ``textmine segment``
    imports took 0.16-0.18 s against 0.10 s compiled). Compiled here, both sides start as they do for a user."""
    import compileall

    import textmine

    compileall.compile_dir(Path(textmine.__file__).parent, quiet=1)


def run_process(args: list[str], cwd: Path, *, module: str = "textmine.cli", timeout: float = 7200,
                script: str | None = None) -> dict:
    """``textmine ARGS`` (or ``python SCRIPT ARGS``) as a fresh process in ``cwd``: wall seconds, the peaks of the
    summed memory of the process and all its children (:func:`tree_memory`, sampled every 0.1 s), the exit code,
    the last line of its error output, and the 1-minute load average at start and end."""
    import psutil

    load = os.getloadavg()[0]
    command = [sys.executable, script, *args] if script else [sys.executable, "-m", module, *args]
    start = time.perf_counter()
    with open(cwd / "stderr.txt", "w") as err:
        proc = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        peak, peak_pss = watch(proc, start, timeout, interval=0.1)
    seconds = time.perf_counter() - start
    lines = (cwd / "stderr.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return {"seconds": seconds, "peak_mb": peak, "peak_pss_mb": peak_pss, "code": proc.returncode,
            "last": lines[-1] if lines else "", "load": load, "load_after": os.getloadavg()[0]}


def watch(proc, start: float, timeout: float, *, interval: float) -> tuple[float, float]:
    """Wait for a ``psutil`` process started at ``start`` (``time.perf_counter``), sampling :func:`tree_memory`
    every ``interval`` seconds; past ``timeout`` seconds it and all its children (Dask nannies and workers, fit
    and drawing workers) are killed. The peaks ``(rss, pss)`` in MB."""
    import psutil

    peak = peak_pss = 0.0
    while proc.poll() is None:
        rss, pss = tree_memory(proc)
        peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        if time.perf_counter() - start > timeout:
            for child in proc.children(recursive=True):
                try:
                    child.kill()
                except psutil.Error:
                    pass
            proc.kill()
            proc.wait()
            break
        try:   # back as soon as it ends, so a short process is not timed to the next sample
            proc.wait(timeout=interval)
        except psutil.TimeoutExpired:
            pass
    return peak, peak_pss


def tree_memory(proc) -> tuple[float, float]:
    """``(rss, pss)`` in MB summed over a ``psutil`` process and all its children. The resident set counts a page
    that several processes share (the libraries every worker loads) once per process; the proportional set
    divides it among them, so the sum of PSS is what the process tree takes from the machine."""
    import psutil

    rss = pss = 0
    try:
        processes = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0.0, 0.0
    for one in processes:
        try:
            info = one.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


def same_files(a: Path, b: Path) -> tuple[int, list[str]]:
    """Files compared and those that differ (every file but manifest.json and the report, which hold times)."""
    skip = {"manifest.json", "report.html", "report.md"}
    names = sorted({p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
                   | {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()})
    names = [n for n in names if n not in skip]
    differ = [n for n in names if not (a / n).is_file() or not (b / n).is_file()
              or (a / n).read_bytes() != (b / n).read_bytes()]
    return len(names), differ
