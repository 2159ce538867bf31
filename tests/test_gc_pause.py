"""gc_paused restores the collector's state, also when the block fails."""

from __future__ import annotations

import gc

import pytest

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
