"""Topic fits side by side, in worker processes.

tomotopy keeps Python's GIL while it trains (measured: a Python thread runs about
50 times slower during a fit, and two fits in two threads take as long as one after
the other), so threads cannot fit two models at once; processes can.

Each worker is a fresh ``python -m textmine.topics.processes`` that reads one job
from its standard input and writes the fitted model to its standard output. It
never imports the caller's main module, so a script needs no
``if __name__ == "__main__":`` guard (as it would with :mod:`multiprocessing`). The
term lists travel as vocabulary ids (one int32 array and the vocabulary), small to
send and small to hold; the worker rebuilds the same lists, so a fit gives the same
model in a worker as in this process.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..errors import StageError, TextmineError
from .model import TopicModel, find_spread_terms, fit_topics


def encode_docs(docs: Sequence[Sequence[str]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """``(vocabulary, ids of every term in order, offsets)``: document ``i`` is ``ids[offsets[i]:offsets[i+1]]``."""
    index: dict[str, int] = {}
    flat = np.fromiter((index.setdefault(t, len(index)) for doc in docs for t in doc), dtype=np.int32)
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum([len(d) for d in docs], out=offsets[1:])
    return list(index), flat, offsets


def decode_docs(vocab: Sequence[str], flat: np.ndarray, offsets: np.ndarray) -> list[list[str]]:
    words = np.asarray(vocab, dtype=object)
    return [words[flat[a:b]].tolist() for a, b in zip(offsets[:-1], offsets[1:])]


def start_workers(count: int) -> list[subprocess.Popen]:
    """``count`` worker processes started ahead of their jobs: each imports what it needs meanwhile (about a
    third of a second) and then waits for its job. Hand them to :func:`fit_in_processes`, or
    :func:`stop_workers` them."""
    return [_start_worker() for _ in range(count)]


def _start_worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "textmine.topics.processes"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)


def stop_workers(started: Sequence[subprocess.Popen]) -> None:
    """End the processes of :func:`start_workers` that are still waiting for a job (or still running one)."""
    for proc in started:
        if proc.returncode is None:     # never given its job, or stopped by an error meanwhile
            proc.kill()
            proc.communicate()


def _run_worker(job: bytes, proc: subprocess.Popen | None = None) -> TopicModel | dict[str, float]:
    proc = proc or _start_worker()
    output, _ = proc.communicate(job)
    if proc.returncode != 0:
        raise StageError(f"a topic-fit worker process failed (exit code {proc.returncode}; its error is printed "
                         f"above); set [topics] workers = 1 (or --fit-workers 1) to fit in this process")
    result = pickle.loads(output)
    if isinstance(result, TextmineError):
        raise result
    return result


def fit_in_processes(docs: Sequence[Sequence[str]], ids: Sequence[str], seeds: Sequence[int], *, workers: int,
                     progress: bool = False, encoded=None, started: Sequence[subprocess.Popen] = (),
                     **options) -> dict[int, TopicModel]:
    """One fit per seed, ``workers`` at a time, each in its own process (see the module docs); ``encoded`` is
    :func:`encode_docs` of ``docs`` when the caller has it already; ``started``: processes of
    :func:`start_workers`, which take the first jobs (the caller stops any left over, :func:`stop_workers`)."""
    vocab, flat, offsets = encoded or encode_docs(docs)
    ids = list(ids)
    jobs = [_job("fit", vocab, flat, offsets, ids,
                 {**options, "seed": seed, "progress": progress and seed == seeds[0]}) for seed in seeds]
    procs = [*started[:len(jobs)], *[None] * (len(jobs) - len(started))]
    with ThreadPoolExecutor(max_workers=workers) as pool:   # the threads only wait for their process
        return dict(zip(seeds, pool.map(_run_worker, jobs, procs)))


def spread_terms_in_process(docs: Sequence[Sequence[str]], *, encoded=None, **options) -> dict[str, float]:
    """:func:`~textmine.topics.model.find_spread_terms` in a worker process: its short first fit keeps the
    GIL as every tomotopy fit does, and this process has other analyses to run meanwhile."""
    vocab, flat, offsets = encoded or encode_docs(docs)
    return _run_worker(_job("spread", vocab, flat, offsets, None, options))


def _job(kind: str, vocab, flat, offsets, ids, options: dict) -> bytes:
    return pickle.dumps((kind, vocab, flat, offsets, ids, options), protocol=pickle.HIGHEST_PROTOCOL)


def main() -> None:
    job = sys.stdin.buffer.read()
    if not job:     # started ahead and not needed
        return
    kind, vocab, flat, offsets, ids, options = pickle.loads(job)
    docs = decode_docs(vocab, flat, offsets)
    try:
        result = fit_topics(docs, ids, **options) if kind == "fit" else find_spread_terms(docs, **options)
    except TextmineError as exc:   # a message for the user: raised again in the caller's process
        result = exc
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
