"""The Källor sheet: every figure traced to its files' cells, grouped per file and
sheet, on as many sheets as Excel's row limit needs; and the zip written on a
background thread reporting a write error in the caller."""

from __future__ import annotations

import threading
from pathlib import Path

import openpyxl
import pytest

from budgetbook import actions, sources_sheet
from budgetbook.consolidate import consolidate
from budgetbook.model import Source, SourceFile, group_sources
from budgetbook.sources_sheet import _cell_texts, _Tails
from budgetbook.workbook_out import write_consolidation
from budgetbook.xlsx_stream import XlsxStream
from cons_builders import drift_sub, small_settings


def _tails() -> _Tails:
    """Lines' columns E–H shown readably: a=avdelning;f=file;s=sheet;<cells>, a column
    without a value left out (an empty cell, not a text "")."""
    return _Tails(("a=%s;", "f=%s;", "s=%s;"), "<%s>", lambda text: text)


def test_lines_group_per_file_and_sheet_in_first_seen_order():
    a7, a8 = Source("A.xlsx", "Drift", "F7", "A"), Source("A.xlsx", "Drift", "F8", "A")
    b7, b9 = Source("B.xlsx", "Drift", "F7", "B"), Source("B.xlsx", "Drift", "F9", "B")
    line = Source("prior.csv", "", "rad 2", "A")
    tails = _tails()
    assert tails.of(group_sources([a7, b7, a8, b9, line])) == [
        "a=A;f=A.xlsx;s=Drift;<F7:F8>",
        "a=B;f=B.xlsx;s=Drift;<F7, F9>",
        "a=A;f=prior.csv;<rad 2>",
    ]
    # the same cells in other files: the texts are shared, the files are not
    c7, c8 = Source("C.xlsx", "Inv", "F7", "C"), Source("C.xlsx", "Inv", "F8", "C")
    assert tails.of(group_sources([c7, c8])) == ["a=C;f=C.xlsx;s=Inv;<F7:F8>"]
    same = group_sources([a7, a8])
    assert tails.of(same) == tails.of(same) == ["a=A;f=A.xlsx;s=Drift;<F7:F8>"]
    # one file after another (one run each), and a file that comes back after another
    assert tails.of(group_sources([a7, a8, b7])) == [
        "a=A;f=A.xlsx;s=Drift;<F7:F8>",
        "a=B;f=B.xlsx;s=Drift;<F7>",
    ]
    assert tails.of(group_sources([a7, b7, a8])) == [
        "a=A;f=A.xlsx;s=Drift;<F7:F8>",
        "a=B;f=B.xlsx;s=Drift;<F7>",
    ]
    assert tails.of(group_sources([a7, b7, b9, a8, c7])) == [
        "a=A;f=A.xlsx;s=Drift;<F7:F8>",
        "a=B;f=B.xlsx;s=Drift;<F7, F9>",
        "a=C;f=C.xlsx;s=Inv;<F7>",
    ]
    assert tails.of(group_sources([a7, Source("A.xlsx", "Drift", "F08", "A")])) == [
        "a=A;f=A.xlsx;s=Drift;<F7:F8>"
    ]
    # a file's empty fields (None) are shown empty but are not the same file as ""
    nothing = Source(None, None, "x", None)  # type: ignore[arg-type]
    assert tails.of(group_sources([nothing, Source("", "", "y", "")])) == ["<x>", "<y>"]


def test_a_single_cell_is_shown_as_written():
    tails = _tails()
    assert tails.cell("F07") == "<F07>" and tails.cells == {"F07": "<F07>"}
    at = SourceFile("A.xlsx", "Drift", "A")
    assert tails.prefix(at) == "a=A;f=A.xlsx;s=Drift;"
    assert tails.prefixes == {at: "a=A;f=A.xlsx;s=Drift;"}


def test_cell_texts_ranges_and_long_lists():
    assert _cell_texts(["F7", "F8", "F9", "G7", "rad 3", "rad 4", "x", "F011"]) == [
        "F7:F9, G7, rad 3\u20134, x, F11"
    ]
    cells = [f"F{2 * i}" for i in range(1, 1001)]  # no two adjacent: 1 000 runs
    texts = _cell_texts(cells)
    assert len(texts) > 1 and all(len(t) <= sources_sheet.MAX_CELLS_TEXT for t in texts)
    assert ", ".join(texts).split(", ") == cells


def _lines(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    lines = []
    for name in wb.sheetnames:
        if name.startswith("Källor"):
            ws = wb[name]
            assert [c.value for c in ws[4]][:2] == ["Vy", "Rad"]
            assert ws.auto_filter.ref == f"A4:H{max(ws.max_row, 5)}"
            lines += [tuple(c.value for c in row) for row in ws.iter_rows(min_row=5)]
    return lines


def test_sources_continue_on_a_new_sheet_before_excels_row_limit(tmp_path, monkeypatch):
    settings = small_settings(tmp_path / "ws")
    cons = consolidate(
        [drift_sub("A", {("A1", "personal"): (650, 660, 670), ("A2", "kapital"): (60, 60, 60)})],
        settings,
    )
    whole = _lines(write_consolidation(cons, settings, tmp_path / "one.xlsx"))
    monkeypatch.setattr(sources_sheet, "MAX_SOURCE_ROWS", 7)
    path = write_consolidation(cons, settings, tmp_path / "split.xlsx")
    names = openpyxl.load_workbook(path).sheetnames
    parts = [n for n in names if n.startswith("Källor")]
    assert parts[:3] == ["Källor", "Källor (2)", "Källor (3)"]
    assert len(parts) == -(-len(whole) // 7)
    assert _lines(path) == whole


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_write_error_on_the_zip_thread_is_raised_and_everything_is_closed():
    with pytest.raises(OSError), XlsxStream("/dev/full") as book, book.sheet("A") as ws:
        for r in range(1_000_000):
            ws.row(r, [(f"text {r}", 0), (r, 0)])
    assert book._writer.zip.fp is None
    assert [t for t in threading.enumerate() if t.name == "xlsx-zip"] == []


def test_settings_lines_are_counted_as_an_editor_counts_them(ws):
    """A text pasted into budgetbook.toml may carry a Unicode line separator (U+2028,
    valid in TOML strings and comments); editors, git and tomllib do not start a new
    line there. Källor's "budgetbook.toml, rad N" must still name the line of the ram,
    the useful life and the internränta, counted by line breaks."""
    toml = ws.root / "budgetbook.toml"
    text = toml.read_text(encoding="utf-8")
    pasted = 'name = "Kommunstyrelsen"  # som i KF:s beslut,\u2028 § 74'
    toml.write_text(text.replace('name = "Kommunstyrelsen"', pasted, 1), encoding="utf-8")
    lines = toml.read_text(encoding="utf-8").split("\n")
    actions.run(ws.root)
    wb = openpyxl.load_workbook(ws.output / "konsolidering_2027.xlsx", read_only=True)
    named = set()
    for row in wb["Källor"].iter_rows(min_row=5, values_only=True):
        if row[5] == "budgetbook.toml":
            named |= {int(cell.removeprefix("rad ")) for cell in row[7].split(", ")}
    keys = {lines[n - 1].split("=")[0].strip() for n in named}
    assert keys == {"ram", "life", "internranta"}, keys
