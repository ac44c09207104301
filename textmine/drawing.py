"""Word clouds drawn in worker processes, while the run goes on.

A word cloud takes about a second to lay out (the ``wordcloud`` package tries each word at
shrinking font sizes over the whole canvas), so a corpus of a hundred reports would spend minutes
drawing them one after another. :class:`CloudDrawer` sends them in batches to fresh
``python -m textmine.drawing`` processes, one per core, and hands back the PNG bytes when the run
commits; a single cloud is drawn here. Either way each cloud is :func:`textmine.figures.word_cloud_png`
of the same weights and seed, so the bytes do not depend on where it was drawn (tested).

While drawing, :func:`reused_fonts` gives ``wordcloud`` the font objects of the last few sizes it
asked for instead of loading the 16 MB CJK font again for every size it tries (a third of the time
of a cloud; the same glyphs, so the same pixels). Only a few are kept: ``wordcloud`` tries sizes
in decreasing order, and each font object holds about 3 MB. For the corpus cloud of the 62,774 reviews
(894 font objects asked for), keeping up to 256 served 291 of them and took 600 MB; keeping 8 served 240,
in the same time and with the same pixels.
"""

from __future__ import annotations

import functools
import logging
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .parallel import available_cores

log = logging.getLogger(__name__)

#: Fewer clouds than this are drawn in this process. A worker takes about a second to start, but it draws
#: while the run goes on: the bundled corpus's five clouds took 2 s off an 11.3 s run (three rounds each).
PROCESS_MIN_CLOUDS = 2


@dataclass(frozen=True)
class CloudJob:
    """One word cloud: the output name, the term weights in order (the order breaks ties) and the seed."""

    name: str
    weights: tuple[tuple[str, float], ...]
    seed: int


#: Font objects kept while drawing (see the module docs).
FONTS_KEPT = 8


class _FontModule:
    """``PIL.ImageFont`` with ``truetype`` remembered per (font file, size, …) for the last few sizes."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.truetype = functools.lru_cache(maxsize=FONTS_KEPT)(module.truetype)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


@contextmanager
def reused_fonts() -> Iterator[None]:
    """Within the block, ``wordcloud`` loads each font size once (see the module docs)."""
    import wordcloud.wordcloud as module

    original = module.ImageFont
    module.ImageFont = _FontModule(original)
    try:
        yield
    finally:
        module.ImageFont = original


def draw_clouds(jobs: Sequence[CloudJob]) -> list[bytes]:
    """The PNG bytes of each job, drawn here."""
    from .figures import word_cloud_png

    with reused_fonts():
        return [word_cloud_png(dict(job.weights), seed=job.seed) for job in jobs]


def _draw_in_process(jobs: list[CloudJob]) -> list[bytes]:
    proc = subprocess.run([sys.executable, "-m", "textmine.drawing"], stdout=subprocess.PIPE,
                          input=pickle.dumps(jobs, protocol=pickle.HIGHEST_PROTOCOL), check=False)
    if proc.returncode != 0:
        log.warning("a drawing worker process failed (exit code %d); drawing its %d word clouds here",
                    proc.returncode, len(jobs))
        return draw_clouds(jobs)
    return pickle.loads(proc.stdout)


class CloudDrawer:
    """Word clouds drawn in the background; :meth:`results` waits for them.

    ``submit`` takes a batch of jobs and returns at once: a large batch is split over worker
    processes (at most ``workers``, default one per core), a small one is drawn when the results
    are asked for. ``on_done(job, png)`` is called for each cloud, in submission order.
    """

    def __init__(self, on_done: Callable[[CloudJob, bytes], None], *, workers: int = 0) -> None:
        self.on_done = on_done
        self.workers = workers or available_cores()
        self._pending: list[tuple[list[CloudJob], Future | None]] = []
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, jobs: Sequence[CloudJob]) -> None:
        jobs = list(jobs)
        if not jobs:
            return
        if len(jobs) < PROCESS_MIN_CLOUDS or self.workers < 2:
            self._pending.append((jobs, None))
            return
        if self._executor is None:   # the threads only wait for their process
            self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="textmine-draw")
        count = min(self.workers, -(-len(jobs) // 2))
        batches = [jobs[i::count] for i in range(count)]
        futures = [self._executor.submit(_draw_in_process, batch) for batch in batches]
        for batch, future in zip(batches, futures):
            self._pending.append((batch, future))

    def results(self) -> None:
        """Wait for every cloud submitted and hand each to ``on_done``."""
        try:
            for jobs, future in self._pending:
                images = future.result() if future is not None else draw_clouds(jobs)
                for job, png in zip(jobs, images):
                    self.on_done(job, png)
        finally:
            self.close()

    def close(self) -> None:
        self._pending = []
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def main() -> None:
    jobs = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(draw_clouds(jobs), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
