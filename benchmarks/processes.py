"""Whole processes for the benchmarks: time, peak memory of the process tree, and comparing run folders."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def run_process(args: list[str], cwd: Path, *, module: str = "textmine.cli", timeout: float = 7200,
                script: str | None = None) -> dict:
    """``textmine ARGS`` (or ``python SCRIPT ARGS``) as a fresh process in ``cwd``: wall seconds, the peak of the
    summed resident memory of the process and all its children (sampled every 0.1 s), the exit code, the last
    line of its error output, and the 1-minute load average at start and end."""
    import psutil

    load = os.getloadavg()[0]
    command = [sys.executable, script, *args] if script else [sys.executable, "-m", module, *args]
    start = time.perf_counter()
    with open(cwd / "stderr.txt", "w") as err:
        proc = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0.0
        while proc.poll() is None:
            try:
                total = proc.memory_info().rss
                for child in proc.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                    except psutil.Error:
                        pass
                peak = max(peak, total / 2**20)
            except psutil.Error:
                pass
            if time.perf_counter() - start > timeout:
                for child in proc.children(recursive=True):   # Dask nannies and workers, fit and drawing workers
                    try:
                        child.kill()
                    except psutil.Error:
                        pass
                proc.kill()
                proc.wait()
                break
            time.sleep(0.1)
    seconds = time.perf_counter() - start
    lines = (cwd / "stderr.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return {"seconds": seconds, "peak_mb": peak, "code": proc.returncode, "last": lines[-1] if lines else "",
            "load": load, "load_after": os.getloadavg()[0]}


def same_files(a: Path, b: Path) -> tuple[int, list[str]]:
    """Files compared and those that differ (every file but manifest.json and the report, which hold times)."""
    skip = {"manifest.json", "report.html", "report.md"}
    names = sorted({p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
                   | {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()})
    names = [n for n in names if n not in skip]
    differ = [n for n in names if not (a / n).is_file() or not (b / n).is_file()
              or (a / n).read_bytes() != (b / n).read_bytes()]
    return len(names), differ
