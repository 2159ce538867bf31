"""gc_paused restores the collector's state, also when the block fails."""

from __future__ import annotations

import gc

import pytest

from budgetbook.gc_pause import gc_paused


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
