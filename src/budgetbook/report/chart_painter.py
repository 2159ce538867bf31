"""Charts drawn in a second process while the consolidation is built (issue 8).

matplotlib (with numpy) takes ~0.5 s and ~40 MB to import, and the draft's two charts
~0.25 s to draw: a fifth of the report at N = 100. When one action consolidates and
then writes the draft (`budgetbook run`, `budgetbook report`, the Excel buttons), it
starts a painter before consolidating: the import runs on another core while this one
consolidates and writes the workbook, and the report only waits for the PNG bytes.

The painter is a plain `python -c` child fed over a pipe, not multiprocessing: a
spawned multiprocessing child imports the caller's main script again, which would
run a whole round a second time in a script without a `__main__` guard. The same
functions of `charts` draw the same bytes in either process. A painter that cannot be
started or fails draws nothing more: the chart is drawn in this process, as a
report from a consolidation at hand always does, and a chart's own error is raised
here as usual.

Charts are asked for (`submit`) as the draft starts and their bytes taken where the
figures go, at the end of the build (builder.finish_figures): the painter draws while
this process lays out the tables, instead of this one waiting ~0.5 s at each chart
(issue 8).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..gc_pause import gc_resumed

_CHILD = "from budgetbook.report.chart_painter import serve; serve()"
_SIZE = struct.Struct("<Q")
_DRAWN, _FAILED = b"\x00", b"\x01"
# The painter's first words, once matplotlib is loaded: anything else first on its
# stdout (a sitecustomize that prints, say) and it is not used (review: a stray line
# read as a message length left the parent waiting forever).
_HELLO = b"budgetbook chart painter 1\n"
_MAX_ANSWER = 64 << 20  # a chart is well under 1 MB
_WAIT_S = 120.0  # for its start (a cold import on a slow PC) and for each chart


def _send(pipe: IO[bytes], data: bytes) -> None:
    pipe.write(_SIZE.pack(len(data)) + data)
    pipe.flush()


def _receive(pipe: IO[bytes], limit: int = _MAX_ANSWER) -> bytes | None:
    """One message, or None when the other end closed the pipe (or sent nonsense)."""
    head = pipe.read(_SIZE.size)
    if len(head) != _SIZE.size:
        return None
    size = _SIZE.unpack(head)[0]
    if size > limit:
        return None
    data = pipe.read(size)
    return data if len(data) == size else None


def serve() -> None:
    """The painter process: import matplotlib, then draw each chart asked for on stdin
    (pickled by the parent that started this process) and answer on stdout."""
    requests = sys.stdin.buffer
    # the answers go to a copy of stdout; stdout itself, for Python and for C code,
    # goes nowhere, so nothing else can reach the parent between them
    answers = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = sys.stderr
    # the slow part, done first
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401

    answers.write(_HELLO)
    answers.flush()
    while (request := _receive(requests)) is not None:
        try:
            chart, args = pickle.loads(request)
            answer = _DRAWN + chart(*args)
        except Exception:  # drawn again, and raised, by the parent
            answer = _FAILED
        _send(answers, answer)
    # nothing more to say: end now, without the ~0.2 s of tearing matplotlib down that
    # the parent would wait for in `close`
    answers.close()
    os._exit(0)


class _Chart:
    """A chart asked for: its PNG bytes once drawn (`png`), else None."""

    __slots__ = ("args", "chart", "png")

    def __init__(self, chart: Callable[..., bytes], args: tuple[Any, ...]) -> None:
        self.chart, self.args = chart, args
        self.png: bytes | None = None


def _write_requests(pipe: IO[bytes], requests: queue.SimpleQueue[bytes | None]) -> None:
    """The parent's writer of the painter's stdin, in the order asked, until None. A
    write the painter does not read (it is still importing, or hung) blocks only this
    thread, never the report, whose waits for answers have a time limit (review: two
    requests larger than a Windows pipe's buffer, sent before the greeting, could hang
    the Excel button)."""
    try:
        while (request := requests.get()) is not None:
            _send(pipe, request)
    except Exception:  # the painter is gone: its answers end, and what waits is drawn here
        return


def _read_answers(pipe: IO[bytes], answers: queue.SimpleQueue[bytes | None]) -> None:
    """The parent's reader of the painter's stdout: the greeting, then each answer, in
    order, then None (closed, or anything else first). Reading as the answers come lets
    the painter draw the next chart meanwhile whatever the pipe's buffer (small on
    Windows); a read that never ends blocks only this thread, and ends when the
    painter is killed."""
    try:
        if pipe.read(len(_HELLO)) != _HELLO:
            return
        answers.put(_HELLO)
        while (answer := _receive(pipe)) is not None:
            answers.put(answer)
    except Exception:  # a pipe closed under it: no more answers
        return
    finally:
        answers.put(None)


class ChartPainter:
    """Draws charts with functions of `charts`: in its own process when started with
    `in_process=False`, else in this one. `close` once no more charts are needed."""

    def __init__(self, in_process: bool = True) -> None:
        self._child: subprocess.Popen[bytes] | None = None
        self._answers: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._requests: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._greeted = False
        self._waiting: deque[_Chart] = deque()  # sent to the painter, not answered yet
        self.drawn_here = 0  # charts this process drew itself
        if in_process or not sys.executable:  # an embedded Python may have none
            return
        env = dict(os.environ)
        # the child imports this very budgetbook, installed or not
        here = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-c", _CHILD],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # Windows
            )
        except Exception:  # cannot start one: drawn here
            self._child = None
            return
        for name, work, args in (
            ("reader", _read_answers, (self._child.stdout, self._answers)),
            ("writer", _write_requests, (self._child.stdin, self._requests)),
        ):
            threading.Thread(
                target=work, args=args, name=f"chart-painter-{name}", daemon=True
            ).start()

    def submit(self, chart: Callable[..., bytes], *args: Any) -> Callable[[], bytes]:
        """Ask for `chart(*args)` now; the returned function gives its PNG bytes. The
        painter draws it meanwhile (charts in the order asked); without a painter it
        is drawn when its bytes are asked for, as `draw` would."""
        asked = _Chart(chart, args)
        child = self._child
        if child is not None and child.stdin is not None:
            try:
                request = pickle.dumps((chart, args))
            except Exception:  # the painter cannot take it: drawn here
                request = None
            if request is not None:
                self._requests.put(request)
                self._waiting.append(asked)
        return lambda: self._png(asked)

    def draw(self, chart: Callable[..., bytes], *args: Any) -> bytes:
        """`chart(*args)`: PNG bytes."""
        return self.submit(chart, *args)()

    def _png(self, asked: _Chart) -> bytes:
        while asked in self._waiting and self._receive_one():
            pass
        if asked.png is not None:
            return asked.png
        self.drawn_here += 1
        with gc_resumed():  # matplotlib makes reference cycles: see gc_pause
            return asked.chart(*asked.args)

    def _receive_one(self) -> bool:
        """The answer to the oldest chart waiting; False when the painter is gone or
        did not answer in time (then closed: what waits is drawn here)."""
        answer = self._next_answer()
        if answer is None:
            self.close()
            return False
        asked = self._waiting.popleft()
        if answer[:1] == _DRAWN:
            asked.png = answer[1:]
        # failed: drawn here, which raises the chart's own error
        return True

    def _next_answer(self) -> bytes | None:
        try:
            if not self._greeted:
                self._greeted = self._answers.get(timeout=_WAIT_S) == _HELLO
                if not self._greeted:
                    return None
            return self._answers.get(timeout=_WAIT_S)
        except queue.Empty:
            return None

    def close(self) -> None:
        """End the painter process; drawing goes on in this one (what it was still
        asked for, too)."""
        child, self._child = self._child, None
        unread = bool(self._waiting)
        self._waiting.clear()
        if child is None:
            return
        self._requests.put(None)  # the writer ends (once a write under way is done)
        if not self._greeted or unread:
            # nothing asked of it (or it failed), or answers left unread: no need to wait
            child.kill()
        if child.stdin is not None:
            with contextlib.suppress(OSError):
                child.stdin.close()  # a painter at rest ends when its stdin closes
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        if child.stdout is not None:
            with contextlib.suppress(OSError):
                child.stdout.close()
