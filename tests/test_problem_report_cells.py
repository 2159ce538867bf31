"""The inlämningskontroll workbook as a finance officer reads it in Excel, from a real
round: the example returns, one of them left out and one edited with openpyxl the way
a department head gets it wrong (an amount deleted, text typed in an amount cell),
collected by `actions.collect` and read back with openpyxl."""

from __future__ import annotations

import openpyxl
import pytest

from budgetbook import actions
from budgetbook.problem_report import status_headings
from budgetbook.settings import load_settings
from budgetbook.workspace import example_resources
from wb_builders import EKO_RETURN, empty_texts, round_files

pytestmark = pytest.mark.slow

MISSING_RETURN = "Budget 2027 Portföljstyrning.xlsx"
STATUS_HEADINGS = status_headings(load_settings(example_resources() / "budgetbook.toml"))
FIL = STATUS_HEADINGS.index("Fil")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> openpyxl.Workbook:
    root = tmp_path_factory.mktemp("kontroll")
    settings, schema, _, returns = round_files(root)
    (root / "inbox" / MISSING_RETURN).unlink()
    eko = next(p for p in returns if p.name == EKO_RETURN)
    wb = openpyxl.load_workbook(eko)
    drift = schema.sheet("drift")
    ws = wb[drift.name]
    row = drift.first_data_row
    budget = drift.index(f"budget_{settings.budget_year}") + 1
    ws.cell(row, budget).value = None
    ws.cell(row + 1, budget).value = "ca 1200"
    wb.save(eko)
    result = actions.collect(root)
    assert not result.valid
    return openpyxl.load_workbook(root / "output" / "inlamningskontroll_2027.xlsx")


def test_nothing_to_show_is_an_empty_cell_not_an_empty_text(report):
    """The missing return's Fil, and the Fil, Blad and Cell of its BB501, were texts "":
    Excel counts them as filled (COUNTA, Ctrl+arrow) and the filter's "(Tomma)" does not
    find them."""
    assert empty_texts(report) == []
    missing = next(r for r in report["Status"].iter_rows(min_row=4) if r[2].value == "saknas")
    assert missing[FIL].value is None
    bb501 = next(r for r in report["Problem"].iter_rows(min_row=2) if r[4].value == "BB501")
    assert [c.value for c in bb501[1:4]] == [None, None, None]
    assert any(r[4].value == "BB301" for r in report["Problem"].iter_rows(min_row=2))


def test_counts_are_centred_under_their_headings(report):
    """Right-aligned, the Varningar count ran into the file name beside it
    ("1Budget 2027 Förtroendemannaorganisationen.xlsx"), and its heading stood left."""
    ws = report["Status"]
    for heading in ("Fel", "Varningar"):
        col = STATUS_HEADINGS.index(heading) + 1
        assert ws.cell(3, col).alignment.horizontal == "center", heading
        counts = [ws.cell(r, col) for r in range(4, ws.max_row + 1) if ws.cell(r, FIL + 1).value]
        assert counts and all(isinstance(c.value, int) for c in counts), heading
        assert {c.alignment.horizontal for c in counts} == {"center"}, heading


def test_a_missing_return_has_no_counts(report):
    """A missing return read "saknas, 0 fel, 0 varningar" beside a BB501 warning for it
    in the Problem sheet; nothing was checked, so its counts are empty, as in the CLI."""
    ws = report["Status"]
    fel, varningar = (STATUS_HEADINGS.index(h) for h in ("Fel", "Varningar"))
    missing = next(r for r in ws.iter_rows(min_row=4) if r[2].value == "saknas")
    assert (missing[fel].value, missing[varningar].value) == (None, None)
    eko = next(r for r in ws.iter_rows(min_row=4) if r[1].value == "Ekonomiavdelningen")
    assert eko[fel].value == 2 and eko[varningar].value == 0
