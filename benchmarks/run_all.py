"""Run every benchmark in this folder, one after the other, and say where each wrote its figures.

    python benchmarks/run_all.py                 # all of them (tens of minutes on 2 cores)
    python benchmarks/run_all.py speed topics    # only bench_speed.py and bench_topics.py

Each ``bench_<name>.py`` writes ``benchmarks/results/<name>.md``. The benchmarks that compare
against other tools need the shared data next to the repository (``../shared/data``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        wanted = {f"bench_{name}.py" for name in argv}
        unknown = wanted - {s.name for s in scripts}
        if unknown:
            names = ", ".join(s.stem.removeprefix("bench_") for s in scripts)
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; available: {names}", file=sys.stderr)
            return 2
        scripts = [s for s in scripts if s.name in wanted]
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"== {script.name}: exit {code} after {time.perf_counter() - started:.0f} s", flush=True)
        if code:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
