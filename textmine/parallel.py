"""Dask: where the parallel work of a run goes when ``[scale] scheduler`` names a cluster.

``scheduler = "dask"`` starts a local cluster of ``[scale] workers`` processes; an address
(``tcp://host:port``) uses a cluster that is already running. :func:`map_in_order` runs a
function over partitions as tasks and gives the results back in partition order, so a result
made on the cluster is the same, byte for byte, as one made in this process.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .errors import ConfigError, TextmineError

log = logging.getLogger(__name__)


def check_scheduler(value: str) -> str:
    if value in ("", "dask") or value.startswith(("tcp://", "tls://", "inproc://")):
        return value
    raise ConfigError(f"[scale] scheduler = {value!r} is not allowed; expected '' (this process), 'dask' "
                      f"(a local cluster) or a scheduler address like tcp://10.0.0.5:8786")


@contextmanager
def dask_client(config) -> Iterator[Any]:
    """A ``distributed.Client`` for ``[scale] scheduler``: a new local cluster, or an existing one."""
    scheduler = check_scheduler(config.scale.scheduler)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("[scale] scheduler needs Dask: pip install 'dask[distributed]'") from None
    debugging = logging.getLogger("textmine").isEnabledFor(logging.DEBUG)
    if not debugging:
        for name in [n for n in logging.root.manager.loggerDict if n.startswith("distributed")]:
            logging.getLogger(name).setLevel(logging.WARNING)  # Dask's start/stop chatter, unless debugging
    if scheduler == "dask":
        # A local worker that heartbeats while the cluster shuts down logs a traceback (dask/distributed
        # #7192). Failed tasks reach textmine as exceptions from the client, so the workers' own logs are
        # silenced unless debugging.
        cluster = LocalCluster(n_workers=config.scale.workers, threads_per_worker=1,
                               processes=config.scale.dask_processes, dashboard_address=None,
                               silence_logs=logging.WARNING if debugging else logging.CRITICAL)
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
    else:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise TextmineError(f"cannot reach the Dask scheduler at {scheduler!r} ([scale] scheduler, "
                                f"--scheduler): {exc}") from None
        with client:
            yield client


@contextmanager
def session(config) -> Iterator[Any]:
    """The Dask client ``config`` asks for, or None when the work stays in this process."""
    if not check_scheduler(config.scale.scheduler):
        yield None
        return
    with dask_client(config) as client:
        yield client


def map_in_order(client, function: Callable, parts: Sequence, *, desc: str, unit: str, progress: bool,
                 broadcast: dict[str, Any] | None = None, **keywords: Any) -> list:
    """``[function(part, **broadcast, **keywords) for part in parts]``, as Dask tasks when ``client`` is given.

    The parts are scattered first, so the task graph stays small; ``broadcast`` values (a segmenter,
    say) are sent to every worker once.
    """
    if client is None:
        return [function(part, **(broadcast or {}), **keywords) for part in bar(parts, desc, unit, progress)]
    shared = {name: client.scatter(value, broadcast=True) for name, value in (broadcast or {}).items()}
    futures = client.map(function, client.scatter(list(parts)), pure=False, **shared, **keywords)
    if progress and futures:
        from distributed import as_completed
        from tqdm.auto import tqdm

        with tqdm(total=len(futures), desc=desc, unit=unit, disable=None, leave=False) as progress_bar:
            for _ in as_completed(futures):
                progress_bar.update(1)
    return client.gather(futures)


def bar(items, desc: str, unit: str, progress: bool):
    """``items`` with a progress bar on a terminal when ``progress`` is true (and, for a sequence, it has
    more than one item)."""
    if not progress or (hasattr(items, "__len__") and len(items) < 2):
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit=unit, disable=None, leave=False)


@contextmanager
def progress_counter(total: int, desc: str, unit: str, progress: bool) -> Iterator[Callable[[], None]]:
    """A function to call as each of ``total`` items is done (from any thread): a progress bar on a terminal
    when ``progress`` is true and there are at least two items, else nothing."""
    if not progress or total < 2:
        yield lambda: None
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, desc=desc, unit=unit, disable=None, leave=False) as progress_bar:
        yield lambda: progress_bar.update(1)


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def chunks(items: Sequence, size: int) -> list[Sequence]:
    return [items[i:i + size] for i in range(0, len(items), size)]


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading, cleaning, segmenting or writing many small objects.

    These stages allocate millions of strings, tuples and small objects and no reference cycles; the
    collector would otherwise walk every live container of the process many times over (a third of the
    segment time on the reviews, a fifth of the cleaning time). Reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
