"""Findings from a review of the return workbook as a department head sees it: the
example return filled by our writer, edited with openpyxl as a person edits it, read
back by our reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from budgetbook import checks, fmt
from budgetbook import schema as S
from budgetbook.problem_report import write_feedback
from budgetbook.reader import ReadResult
from wb_builders import edited_return, round_files

EKO = "Budget 2027 Ekonomiavdelningen.xlsx"


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("head_review"))


def edited(
    rnd, tmp_path: Path, edit: Callable[[openpyxl.Workbook, S.Schema], None]
) -> tuple[ReadResult, set[tuple[str, str, str]]]:
    """Ekonomiavdelningen's example return, edited by `edit`, saved and read back."""
    result, _ = edited_return(rnd, tmp_path, edit)
    return result, {(p.code, p.sheet, p.cell) for p in result.problems}


def _move_row(ws, source: int, target: int, value: object = None) -> None:
    """Row `source`'s amounts (F:H) added to row `target`'s, so the ram still holds;
    `source` left with `value` in each cell."""
    for c in "FGH":
        ws[f"{c}{target}"] = ws[f"{c}{target}"].value + ws[f"{c}{source}"].value
        ws[f"{c}{source}"] = value


def test_an_empty_row_whose_prior_budget_is_not_0_is_an_error(rnd, tmp_path: Path) -> None:
    """Regression: Personalkostnader (budget 2026: 16 200 tkr) emptied, its amounts moved
    to Lokalkostnader so that the ram held, read as godkänd with no problem at all,
    while 0 typed in the same cells gave a warning (BB402)."""

    def edit(wb, schema):
        _move_row(wb["Drift"], 13, 14)

    result, found = edited(rnd, tmp_path, edit)
    assert ("BB411", "Drift", "F13") in found
    message = next(p.message for p in result.problems if p.code == "BB411")
    assert message == (
        "Bladet Drift, cell F13: 1600 Ekonomiadministration, Personalkostnader har inga "
        "belopp, men budget 2026 var 16\u00a0200 tkr. Fyll i budget 2027 och planåren "
        "(skriv 0 om inget belopp planeras)."
    )
    assert not any(p.code == "BB401" for p in result.problems)  # the ram holds
    assert [p.code for p in result.problems if p.cell.endswith("13")] == ["BB411"]


def test_0_typed_or_a_prior_budget_of_0_is_no_empty_row(rnd, tmp_path: Path) -> None:
    def edit(wb, schema):
        ws = wb["Drift"]
        _move_row(ws, 13, 14, value=0)  # typed 0: a large change (BB402), not empty
        assert ws["D17"].value == 0  # Lämnade bidrag: empty is 0 there
        for c in "FGH":
            ws[f"{c}17"] = None

    result, _ = edited(rnd, tmp_path, edit)
    assert not any(p.code == "BB411" for p in result.problems)
    settings, schema = rnd[0], rnd[1]
    assert result.submission is not None
    changes = checks.change_problems(result.submission, settings, schema)
    assert ("BB402", "13") in {(p.code, p.cell[1:]) for p in changes}


def test_a_row_with_a_cell_reported_already_is_not_also_empty(rnd, tmp_path: Path) -> None:
    """Text in the budget cell (BB301), an error value (BB305) or a formula saved without
    its value (BB311) is its own finding; the row is not said to have no amounts on top."""

    def edit(wb, schema):
        ws = wb["Drift"]
        _move_row(ws, 13, 14)
        ws["F13"] = "se kommentar"
        _move_row(ws, 20, 21)
        ws["G20"] = "#REF!"
        _move_row(ws, 22, 23)
        ws["H22"] = "=D22"  # openpyxl saves no computed value

    result, found = edited(rnd, tmp_path, edit)
    assert ("BB301", "Drift", "F13") in found
    assert ("BB305", "Drift", "G20") in found
    assert ("BB311", "Drift", "H22") in found
    assert not any(p.code == "BB411" for p in result.problems)


def test_a_typed_over_prior_figure_is_marked_where_it_was_typed(rnd, tmp_path: Path) -> None:
    """Regression: Budget 2026 of Personalkostnader typed over (the locked Drift sheet
    unprotected first) gave BB206 at A13, so the feedback workbook marked the
    verksamhet's code, not the figure to undo."""

    def edit(wb, schema):
        ws = wb["Drift"]
        ws.protection.sheet = False
        ws["D13"] = 17000

    result, found = edited(rnd, tmp_path, edit)
    assert [(c, cell) for c, _, cell in found if c == "BB206"] == [("BB206", "D13")]
    feedback = write_feedback(tmp_path / EKO, result.problems, tmp_path / "återkoppling.xlsx")
    assert feedback is not None
    ws = openpyxl.load_workbook(feedback)["Drift"]
    assert ws["D13"].comment is not None and "BB206" in ws["D13"].comment.text
    assert ws["A13"].comment is None


def test_figures_and_values_in_messages_read_as_swedish_excel_shows_them(
    rnd, tmp_path: Path
) -> None:
    """Regression: BB309 said "texten har 2100 tecken" (the messages write "2 100"), a
    decimal riskvärde was quoted "3.5" (Excel shows 3,5) and a boolean "True" (Swedish
    Excel shows SANT, FALSKT)."""
    settings = rnd[0]
    limit = settings.text_sections[0].max_chars

    def edit(wb, schema):
        wb["Texter"]["C7"] = "x" * (limit + 100)
        wb["Internkontroll"]["C7"] = 3.5
        wb["Internkontroll"]["E7"] = True  # Tidpunkt, a list
        wb["Drift"]["F12"] = False

    result, _ = edited(rnd, tmp_path, edit)
    message = {(p.code, p.cell): p.message for p in result.problems}
    assert (
        f"texten har {fmt.tkr(limit + 100)} tecken, men högst {fmt.tkr(limit)}"
        in (message["BB309", "C7"])
    )
    assert "\u00a0" in fmt.tkr(limit + 100)  # the thousands shown
    assert message["BB310", "C7"].startswith("Bladet Internkontroll, cell C7: ”3,5” är inget")
    assert "”SANT” finns inte i listan" in message["BB307", "E7"]
    assert message["BB301", "F12"].startswith("Bladet Drift, cell F12: ”FALSKT” är inte ett")


def test_indicator_values_typed_as_percentages_read_as_excel_shows_them(
    rnd, tmp_path: Path
) -> None:
    """Review: "68 %" typed in Excel is stored as 0.68 with a percent format; the reader
    took the value only and the draft showed "0,68". A number without a percent format
    stays as it is."""
    settings = rnd[0]
    by = settings.budget_year

    def edit(wb, schema):
        sheet = schema.sheet("mal")
        ws = wb[sheet.name]
        r = sheet.first_data_row
        for key, value, number_format in (
            (f"value_{by - 2}", 0.68, "0%"),
            (f"value_{by - 1}", 0.745, "0.0%"),
            ("target", 85.5, "General"),
        ):
            cell = ws.cell(row=r, column=sheet.index(key) + 1, value=value)
            cell.number_format = number_format

    result, problems = edited(rnd, tmp_path, edit)
    (goal,) = result.submission.goals
    assert goal.values == {by - 2: "68\u00a0%", by - 1: "74,5\u00a0%"}
    assert goal.target == "85,5"
    assert not {p for p in problems if p[1] == "Mål och indikatorer"}
