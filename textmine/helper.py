"""A second process that takes chunks of a large corpus's cleaning.

Python runs one thread of Python code at a time, and cleaning is Python code, so a run in one
process uses one core for it. With a :class:`Helper`, :func:`map_from_both_ends` works through the
chunks from the front in this process while the helper takes them from the back; the two meet
where their speeds put them. Each chunk's result is the same wherever it is made, so the output is
the same, byte for byte, whatever the split (tested).

The helper is a fresh ``python -m textmine.helper`` (as the topic-fit workers are): it never imports
the caller's main module, so a script or notebook needs no ``if __name__ == "__main__":`` guard.
It receives pickled ``(function, chunk, keywords)`` calls on its standard input and answers each,
in order, on its standard output; the next chunk is sent before the answer to the last one is read,
so the helper never waits for this process. If the helper process dies, the chunks it had are done
here instead.
"""

from __future__ import annotations

import logging
import pickle
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

_LENGTH = struct.Struct("<Q")
#: Calls sent to the helper ahead of their answers.
IN_FLIGHT = 2


class HelperGone(Exception):
    """The helper process ended or stopped answering."""


class Helper:
    """A helper process (started at once: it imports what it needs while this process reads the corpus).

    Use it from one thread at a time: :meth:`submit` calls, then take their answers in the same order
    with :meth:`result`."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen([sys.executable, "-m", "textmine.helper"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE)
        _widen_pipes(self._proc.stdin, self._proc.stdout)
        self.chunks_done = 0

    def submit(self, function: Callable, chunk: Any, **keywords: Any) -> None:
        """Ask for ``function(chunk, **keywords)``; :class:`HelperGone` if the process has ended."""
        self._send((function, chunk, keywords))

    def result(self) -> Any:
        """The answer to the oldest call not yet answered; an exception raised there is raised here."""
        ok, value = _read_message(self._proc.stdout, HelperGone)
        if not ok:
            raise value
        self.chunks_done += 1
        return value

    def close(self) -> None:
        """End the process: its calls have all been answered, or it was never needed (it may still be importing)."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, message: tuple) -> None:
        _write_message(self._proc.stdin, message, HelperGone)


def _widen_pipes(*streams) -> None:
    """Pipes of a megabyte where the system allows (Linux), so a chunk passes in a few system calls: the
    thread talking to the helper takes Python's lock again after each, and may wait up to 5 ms for it."""
    try:
        import fcntl
    except ImportError:   # Windows
        return
    size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if size is None:
        return
    for stream in streams:
        try:
            fcntl.fcntl(stream.fileno(), size, 1 << 20)
        except OSError:
            pass


def _write_message(stream, message: Any, gone: type[Exception]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        stream.write(_LENGTH.pack(len(data)) + data)
        stream.flush()
    except (OSError, ValueError):   # a closed pipe
        raise gone from None


def _read_message(stream, gone: type[Exception]) -> Any:
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        raise gone
    size, = _LENGTH.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise gone
    return pickle.loads(data)


def map_from_both_ends(function: Callable, chunks: Sequence, helper: Helper | None, *,
                       on_chunk: Callable[[], None] | None = None, **keywords: Any) -> list:
    """``[function(chunk, **keywords) for chunk in chunks]``: this process takes chunks from the front, the
    helper (if any) from the back, until none are left. ``on_chunk`` is called as each chunk is done (a
    progress bar)."""
    results: list[Any] = [None] * len(chunks)
    todo = deque(range(len(chunks)))
    failure: list[BaseException] = []
    done = on_chunk or (lambda: None)
    helped_before = helper.chunks_done if helper is not None else 0

    def take(from_back: bool) -> int | None:
        try:
            return todo.pop() if from_back else todo.popleft()
        except IndexError:
            return None

    def helper_loop() -> None:
        sent: deque[int] = deque()
        try:
            while True:
                while len(sent) < IN_FLIGHT and (i := take(from_back=True)) is not None:
                    sent.append(i)
                    helper.submit(function, chunks[i], **keywords)
                if not sent:
                    return
                results[sent[0]] = helper.result()
                sent.popleft()
                done()
        except HelperGone:
            log.warning("the helper process ended; this process does the rest of the work")
            todo.extend(sent)
        except BaseException as exc:   # the function's own error: raised in this process
            failure.append(exc)
            todo.clear()

    thread = None
    if helper is not None and len(chunks) > 1:
        thread = threading.Thread(target=helper_loop, name="textmine-helper", daemon=True)
        thread.start()
    try:
        while (i := take(from_back=False)) is not None:
            results[i] = function(chunks[i], **keywords)
            done()
        if thread is not None:
            thread.join()
        if failure:
            raise failure[0]
        while (i := take(from_back=False)) is not None:   # left by a helper that ended
            results[i] = function(chunks[i], **keywords)
            done()
    except BaseException:
        todo.clear()   # the helper takes no more chunks
        if thread is not None:
            thread.join()
        raise
    if helper is not None:
        log.debug("%s: %d of %d chunks done by the helper process", getattr(function, "__name__", function),
                  helper.chunks_done - helped_before, len(chunks))
    return results


def main() -> None:
    """The helper's loop: run calls and answer them in order, until its standard input closes.

    A thread reads the calls as they come, so the caller can send the next chunk while this process
    writes the answer to the last one."""
    import gc
    import queue
    import signal

    import textmine.preparation  # noqa: F401  (imported while the caller reads the corpus)

    # Ctrl-C reaches every process of the terminal's group: the caller stops this process itself, so it ends
    # without a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()   # as in the caller while it cleans and segments: many small objects, no cycles
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    calls: queue.SimpleQueue = queue.SimpleQueue()

    def read_calls() -> None:
        while True:
            try:
                calls.put(_read_message(stdin, EOFError))
            except EOFError:
                calls.put(None)
                return
            except Exception as exc:   # a call that cannot be unpickled here: answered with the error
                calls.put(exc)

    threading.Thread(target=read_calls, daemon=True).start()
    while (message := calls.get()) is not None:
        if isinstance(message, Exception):
            answer = (False, message)
        else:
            function, chunk, keywords = message
            try:
                answer = (True, function(chunk, **keywords))
            except Exception as exc:   # sent back and raised in the caller
                answer = (False, exc)
        _write_message(stdout, answer, EOFError)


if __name__ == "__main__":
    main()
