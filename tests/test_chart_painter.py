"""The chart painter (report/chart_painter.py): the same PNG bytes from its own process
as from this one, and this one takes over when the painter cannot draw."""

from __future__ import annotations

import sys

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


@pytest.fixture
def painter():
    started = ChartPainter(in_process=False)
    yield started
    started.close()


def test_painter_draws_in_its_own_process_the_same_bytes(painter):
    assert painter.draw(charts.grouped_bars, *BARS) == charts.grouped_bars(*BARS)
    assert painter.draw(charts.stacked_columns, *COLUMNS) == charts.stacked_columns(*COLUMNS)
    assert painter.drawn_here == 0


def test_a_painter_that_died_hands_over_to_this_process(painter):
    assert painter._child is not None
    painter._child.kill()
    painter._child.wait()
    assert painter.draw(charts.stacked_columns, *COLUMNS) == charts.stacked_columns(*COLUMNS)
    assert painter.drawn_here == 1
    painter.draw(charts.stacked_columns, *COLUMNS)  # and from then on here
    assert painter.drawn_here == 2


def test_a_chart_error_is_raised_as_in_this_process(painter):
    no_colours = (["a"], [("x", [1.0])], [])
    with pytest.raises(ZeroDivisionError):
        charts.grouped_bars(*no_colours)
    with pytest.raises(ZeroDivisionError):
        painter.draw(charts.grouped_bars, *no_colours)
    assert painter.drawn_here == 1


def test_something_the_painter_cannot_take_is_drawn_here(painter):
    # a chart function the painter process cannot import: drawn (here) all the same
    def local_chart(n: int) -> bytes:
        return bytes(n)

    assert painter.draw(local_chart, 3) == b"\x00\x00\x00"
    assert painter.drawn_here == 1


def test_closed_or_in_process_painters_draw_here(painter):
    painter.close()
    painter.close()  # twice is fine
    painter.draw(charts.stacked_columns, *COLUMNS)
    assert painter.drawn_here == 1
    here = ChartPainter()
    here.draw(charts.stacked_columns, *COLUMNS)
    assert here.drawn_here == 1
    here.close()


def test_a_painter_that_prints_before_its_answers_is_not_used(tmp_path, monkeypatch):
    # review: a stray line on its stdout (here from a sitecustomize) was read as a
    # message length, and the Excel button waited forever
    (tmp_path / "sitecustomize.py").write_text(
        "print()\n"
    )  # one newline: read as a plausible length
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    painter = ChartPainter(in_process=False)
    try:
        assert painter.draw(charts.stacked_columns, *COLUMNS) == charts.stacked_columns(*COLUMNS)
        assert painter.drawn_here == 1
    finally:
        painter.close()


def test_no_interpreter_to_start_means_drawn_here(monkeypatch):
    # review: an embedded Python may have no sys.executable; Popen then raised TypeError
    monkeypatch.setattr(sys, "executable", None)
    painter = ChartPainter(in_process=False)
    painter.draw(charts.stacked_columns, *COLUMNS)
    assert painter.drawn_here == 1
    painter.close()


def test_charts_asked_ahead_are_drawn_by_the_painter_and_taken_in_any_order(painter):
    # the draft asks for both charts as it starts and takes them where the figures go
    bars = painter.submit(charts.grouped_bars, *BARS)
    columns = painter.submit(charts.stacked_columns, *COLUMNS)
    assert columns() == charts.stacked_columns(*COLUMNS)
    assert bars() == charts.grouped_bars(*BARS)
    assert bars() == charts.grouped_bars(*BARS)  # taken twice: the same bytes
    assert painter.drawn_here == 0


def test_a_chart_asked_for_in_this_process_is_drawn_only_when_taken():
    here = ChartPainter()
    taken = here.submit(charts.stacked_columns, *COLUMNS)
    here.submit(charts.grouped_bars, *BARS)  # never taken: never drawn
    assert here.drawn_here == 0
    assert taken() == charts.stacked_columns(*COLUMNS)
    assert here.drawn_here == 1


def test_closing_with_answers_not_taken_ends_the_painter(painter):
    child = painter._child
    asked = [painter.submit(charts.grouped_bars, *BARS) for _ in range(3)]
    painter.close()  # a painter blocked writing an answer nobody reads is killed
    assert child.poll() is not None
    assert asked[0]() == charts.grouped_bars(*BARS)  # then drawn here
    assert painter.drawn_here == 1


def test_a_painter_that_dies_with_charts_asked_hands_them_over(painter):
    first = painter.submit(charts.stacked_columns, *COLUMNS)
    second = painter.submit(charts.stacked_columns, *COLUMNS)
    assert first() == charts.stacked_columns(*COLUMNS)
    painter._child.kill()
    painter._child.wait()
    assert second() == charts.stacked_columns(*COLUMNS)  # answered before it died, or here
    assert painter.drawn_here <= 1


def test_asking_a_painter_that_does_not_read_does_not_block(tmp_path, monkeypatch):
    # review: the requests were written by the caller before the painter greeted; more
    # than a pipe's buffer (4 KB on Windows) to a painter stuck in its start blocked the
    # Excel button for good. They are written by a thread of their own now.
    import threading

    from budgetbook.report import chart_painter

    (tmp_path / "sitecustomize.py").write_text("import time\ntime.sleep(600)\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setattr(chart_painter, "_WAIT_S", 1)
    labels = [f"Avdelning {i} " + "x" * 300 for i in range(400)]  # > any pipe buffer
    big = (labels, [("Budget 2027", [1.0] * len(labels))], COLOURS, "tkr")
    painter = ChartPainter(in_process=False)
    asked = threading.Event()

    def ask() -> None:
        painter.submit(charts.grouped_bars, *big)
        painter.submit(charts.grouped_bars, *big)
        asked.set()

    threading.Thread(target=ask, daemon=True).start()
    try:
        assert asked.wait(30), "submit blocked on a painter that does not read"
    finally:
        painter.close()


def test_a_user_s_matplotlibrc_does_not_change_the_charts(tmp_path, monkeypatch):
    """A finance officer's machine may carry a matplotlibrc (a dark theme, another font,
    savefig.bbox: tight...); the draft's charts are drawn as designed all the same, in
    the painter's own process and in this one."""
    import subprocess

    plain = charts.grouped_bars(*BARS), charts.stacked_columns(*COLUMNS)
    (tmp_path / "matplotlibrc").write_text(
        "axes.facecolor: 202020\nfont.size: 17\nsavefig.bbox: tight\n"
        "axes.spines.left: False\nlines.linewidth: 4\nfigure.dpi: 72\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MATPLOTLIBRC", str(tmp_path))
    draw = (
        "import sys\nfrom budgetbook.report import charts\n"
        f"sys.stdout.buffer.write(charts.grouped_bars(*{BARS!r}))"
    )
    themed = subprocess.run([sys.executable, "-c", draw], capture_output=True, check=True)
    assert themed.stdout == plain[0]
    started = ChartPainter(in_process=False)
    try:
        assert started.draw(charts.stacked_columns, *COLUMNS) == plain[1]
        assert started.drawn_here == 0
    finally:
        started.close()
