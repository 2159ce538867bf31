"""Charts drawn in a second process while the consolidation is built (issue 8).

matplotlib (with numpy) takes ~0.5 s and ~40 MB to import, and the draft's two charts
~0.25 s to draw: a fifth of the report at N = 100 and more at N = 10. When one action
consolidates and then writes the draft (`budgetbook run`, the Excel buttons), it starts
a painter before consolidating: the import runs on the other core while this one
consolidates and writes the workbook, and the report only waits for the PNG bytes.

The same functions of `charts` draw the same bytes in either process. A painter that
cannot be started, or fails, draws in this process instead, as `budgetbook report`
always does; an error of the chart itself is then raised here as usual.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from ..gc_pause import gc_resumed


def _load_matplotlib() -> None:
    """The painter process's start: the import is the slow part of a chart."""
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401


def _started() -> bool:
    return True


class ChartPainter:
    """Draws charts with functions of `charts`: in its own process when started with
    `in_process=False`, else in this one. `close` once no more charts are needed."""

    def __init__(self, in_process: bool = True) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if in_process:
            return
        try:
            # spawn everywhere: as on Windows, and no fork of a process with threads
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_load_matplotlib,
            )
            self._pool.submit(_started)  # the process (and its import) starts now
        except (OSError, RuntimeError):
            self.close()

    def draw(self, chart: Callable[..., bytes], *args: Any) -> bytes:
        """`chart(*args)`: PNG bytes."""
        if self._pool is not None:
            try:
                return self._pool.submit(chart, *args).result()
            except Exception:  # no painter (died, could not start): drawn here from now on
                self.close()
        with gc_resumed():  # matplotlib makes reference cycles: see gc_pause
            return chart(*args)

    def close(self) -> None:
        """End the painter process (waiting for it); drawing goes on in this one."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
