"""Pause Python's cyclic garbage collector while a step builds many objects.

Consolidation at the scale of a large kommun creates millions of small objects (facts,
sources, rows) that all stay alive. Every 700 allocations the collector scans the young
objects, and now and then all of them: each full collection walks the whole
consolidation (~0.4 s at N = 1000), and they came often enough to take ~40 % of
consolidation's time and as much of the writers' (issue 8); reading a return was
~20 % collector time too. The objects made in
these steps hold few reference cycles (reference counting frees the rest as usual);
the memory of any cycle is freed when the collector runs again, once the step is done.
Where memory may be short (collect's sequential fallback after a worker died) the
collector is left on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
