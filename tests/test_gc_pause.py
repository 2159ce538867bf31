"""gc_paused restores the collector's state, also when the block fails."""

from __future__ import annotations

import gc
import weakref

import pytest

from budgetbook import actions, collect
from budgetbook.gc_pause import gc_paused, gc_resumed


def test_pauses_and_restores():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause does not end the outer one
    assert gc.isenabled()


def test_restores_after_an_error_and_keeps_a_disabled_collector_disabled():
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_resumed_inside_a_pause_and_paused_again_after():
    with gc_paused():
        with gc_resumed():
            assert gc.isenabled()
        assert not gc.isenabled()
        with pytest.raises(RuntimeError), gc_resumed():
            raise RuntimeError
        assert not gc.isenabled()
    assert gc.isenabled()
    with gc_resumed():
        assert gc.isenabled()
    assert gc.isenabled()


class _Node:
    pass


def _garbage_cycle() -> weakref.ref:
    node = _Node()
    node.me = node
    return weakref.ref(node)


def test_kept_steps_freeze_and_the_next_action_releases_them(tmp_path):
    # review: freezing also took garbage cycles, which a long-lived process kept for good
    ws = actions.init(tmp_path / "ws").root
    try:
        garbage = _garbage_cycle()
        with gc_paused(keep=True):  # as a step whose objects live on ends
            pass
        gc.collect()
        assert gc.get_freeze_count() > 0 and garbage() is not None  # frozen with them
        actions.open_round(ws)  # the next action starts
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert garbage() is None
    finally:
        gc.unfreeze()


def test_a_reader_worker_turns_the_collector_on(tmp_path):
    # review: forked inside collect's pause, workers kept every feedback workbook's cycles
    r = actions.open_round(actions.init(tmp_path / "ws").root)
    try:
        with gc_paused():
            collect._init_worker(r.settings, collect.build_schema(r.settings))
            assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
