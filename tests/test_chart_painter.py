"""The chart painter (report/chart_painter.py): the same PNG bytes from its own process
as from this one, and this one takes over when the painter cannot draw."""

from __future__ import annotations

import os

import pytest

from budgetbook.report import charts
from budgetbook.report.chart_painter import ChartPainter

COLOURS = ["4472C4", "ED7D31"]
BARS = (
    ["Skola", "Äldreomsorg med ett långt namn som bryts", "Kultur"],
    [("Budget 2026", [1200.0, -35.5, 0.0]), ("Budget 2027", [1300.0, 40.0, 12.0])],
    COLOURS,
    "tkr",
)
COLUMNS = (["2027", "2028"], [("Pågående", [10.0, 20.0]), ("Nya", [5.0, 0.0])], COLOURS)


def _dies_in_another_process(parent: int) -> bytes:
    """Kills the painter process; in the test's own process, returns a marker."""
    if os.getpid() != parent:
        os._exit(3)
    return b"drawn here"


@pytest.fixture
def painter():
    started = ChartPainter(in_process=False)
    yield started
    started.close()


def test_painter_draws_in_its_own_process_the_same_bytes(painter):
    assert painter.draw(os.getpid) != os.getpid()  # the painter's process
    assert painter.draw(charts.grouped_bars, *BARS) == charts.grouped_bars(*BARS)
    assert painter.draw(charts.stacked_columns, *COLUMNS) == charts.stacked_columns(*COLUMNS)


def test_a_painter_that_died_hands_over_to_this_process(painter):
    assert painter.draw(_dies_in_another_process, os.getpid()) == b"drawn here"
    # and from then on draws here
    assert painter.draw(os.getpid) == os.getpid()


def test_a_chart_error_is_raised_as_in_this_process(painter):
    no_colours = (["a"], [("x", [1.0])], [])
    with pytest.raises(ZeroDivisionError):
        charts.grouped_bars(*no_colours)
    with pytest.raises(ZeroDivisionError):
        painter.draw(charts.grouped_bars, *no_colours)


def test_closed_or_in_process_painters_draw_here(painter):
    painter.close()
    painter.close()  # twice is fine
    assert painter.draw(os.getpid) == os.getpid()
    assert ChartPainter().draw(os.getpid) == os.getpid()
