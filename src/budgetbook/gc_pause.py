"""Pause Python's cyclic garbage collector while a step builds many objects.

Consolidation at the scale of a large kommun creates millions of small objects (facts,
sources, rows) that all stay alive. Every 700 allocations the collector scans the young
objects, and now and then all of them: each full collection walks the whole
consolidation (~0.4 s at N = 1000), and they came often enough to take ~40 % of
consolidation's time and as much of the writers' (issue 8); reading a return was
~20 % collector time too.

These steps make few reference cycles: reference counting frees nearly everything
they drop. Memory held by any cycle they do make (an exception's traceback, a
python-docx proxy) is freed when the step ends and the collector runs again, as
before. A block inside a paused step that makes many cycles (the Word draft's
matplotlib charts) runs under `gc_resumed`. Where memory may be short (collect's
sequential fallback after a worker died) the collector is left on.

A step whose objects live on (the settings, the returns, the consolidation) ends with
`gc_paused(keep=True)`: what is alive then moves to the collector's permanent
generation (`gc.freeze`), so no later collection walks it again. Without it, the first
collections after the pause walked all of it, young and then older, ~0.8 s of
collector time in a run at N = 1000 (issue 8). Reference counting still frees those
objects when they are dropped, but freezing takes every tracked object, garbage
cycles included: those stay until `release_kept`, which each action calls as it
starts (`actions.open_round`), so a process that runs many actions (the test suite, an
xlwings server) does not accumulate them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused(keep: bool = False) -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state after.
    `keep`: what the block made lives on; frozen when it ends (see the module doc)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if keep:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()


@contextmanager
def gc_resumed() -> Iterator[None]:
    """Inside a `gc_paused` step: the collector on for this block, paused again after
    it. Outside a pause (collector already on) it changes nothing."""
    if gc.isenabled():
        yield
        return
    gc.enable()
    try:
        yield
    finally:
        gc.disable()


def release_kept() -> None:
    """Hand what earlier `gc_paused(keep=True)` steps froze back to the collector: a new
    action starts, and whatever of the last one is garbage by now can be collected."""
    gc.unfreeze()
