"""What a department head puts outside the template's tables: an added sheet (BB207),
values beside or below a table (BB205), a row added to the Drift table (BB208). The
example return filled by our writer, edited with openpyxl as a person edits it, read
back by our reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from budgetbook import schema as S
from budgetbook.problem_report import FEEDBACK_SHEET, write_feedback
from budgetbook.reader import ReadResult
from wb_builders import edited_return, round_files

EKO = "Budget 2027 Ekonomiavdelningen.xlsx"


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("outside"))


def edited(
    rnd, tmp_path: Path, edit: Callable[[openpyxl.Workbook], None]
) -> tuple[ReadResult, Path]:
    """Ekonomiavdelningen's example return, edited by `edit`, saved and read back."""
    return edited_return(rnd, tmp_path, lambda wb, _schema: edit(wb))


def test_an_added_sheet_with_values_is_a_warning(rnd, tmp_path: Path) -> None:
    """Review: a sheet the head added (the structure is not locked) with figures on it
    was accepted silently, though nothing on it is read; values beside a table give
    BB205. An added empty sheet stays silent; a hidden one is reported as well."""

    def edit(wb):
        wb.create_sheet("Blad1")  # empty: Excel's new sheet, never used
        wb.create_sheet("Underlag")["B3"] = 1250
        hidden = wb.create_sheet("Gammalt")
        hidden["A1"] = "Se mejl"
        hidden.sheet_state = "hidden"

    result, path = edited(rnd, tmp_path, edit)
    found = [(p.code, p.severity.value, p.sheet, p.cell) for p in result.problems]
    assert found == [
        ("BB207", "varning", "Underlag", ""),
        ("BB207", "varning", "Gammalt", ""),
    ]
    assert result.problems[0].message == (
        "Bladet ”Underlag” ingår inte i mallen, och dess uppgifter räknas inte med. Flytta "
        "in uppgifterna på rätt blad eller ta bort bladet."
    )
    # the feedback copy lists it without a cell (and marks no cell of the sheet)
    feedback = write_feedback(path, result.problems, tmp_path / "återkoppling.xlsx")
    assert feedback is not None
    wb = openpyxl.load_workbook(feedback)
    rows = list(wb[FEEDBACK_SHEET].iter_rows(min_row=5, max_col=3, values_only=True))
    assert rows == [("Underlag", None, "BB207"), ("Gammalt", None, "BB207")]
    assert wb["Underlag"]["B3"].comment is None


def test_the_templates_own_sheets_are_no_added_sheets(rnd, tmp_path: Path) -> None:
    """Instruktioner and the hidden Listor hold values, and a corrected feedback copy
    comes back with its Återkoppling sheet first: none of them is reported. Nor is an
    added sheet while a template sheet is missing: it may be that one renamed, and
    BB201 asks for the name back."""

    def edit(wb):
        wb.create_sheet(FEEDBACK_SHEET, 0)["A1"] = "Återkoppling från ekonomistaben"

    result, path = edited(rnd, tmp_path, edit)
    assert result.problems == []
    assert {S.INSTRUCTIONS_SHEET, S.LISTS_SHEET} < set(openpyxl.load_workbook(path).sheetnames)

    def rename(wb):
        wb["Risker"].title = "Risker 2027"

    result, _ = edited(rnd, tmp_path, rename)
    assert [(p.code, p.sheet) for p in result.problems] == [("BB201", "Risker")]


def _advice(result: ReadResult) -> dict[tuple[str, str], str]:
    """BB205's advice (what follows "räknas inte med. ") by (sheet, cell)."""
    return {
        (p.sheet, p.cell): p.message.split("räknas inte med. ")[1]
        for p in result.problems
        if p.code == "BB205"
    }


def test_values_outside_a_table_get_advice_that_fits_the_sheet(rnd, tmp_path: Path) -> None:
    """Review: BB205 told to "infoga en rad i tabellen", which no protected sheet
    allows, and which Drift's prefilled rows must not get; nor does it fit values
    beside a table."""

    def edit(wb):
        wb["Drift"]["M15"] = "Se mejl"  # right of the table
        wb["Drift"]["C27"] = "Nytt konto"  # below it
        wb["Risker"]["F8"] = "Osäkert"
        wb["Risker"]["A21"] = "Ny risk"
        wb["Texter"]["C11"] = "Mer text"

    result, _ = edited(rnd, tmp_path, edit)
    drift = "Skriv förklaringen i kolumnen Kommentar på rätt rad, eller ta bort uppgifterna."
    assert _advice(result) == {
        ("Drift", "M15"): drift,
        ("Drift", "C27"): drift,
        ("Risker", "F8"): "Skriv uppgifterna i tabellens kolumner, eller ta bort dem.",
        ("Risker", "A21"): "Skriv dem på en tom rad i tabellen, eller ta bort dem.",
        ("Texter", "C11"): (
            "Skriv texten i kolumnen Text på rätt avsnitts rad, eller ta bort uppgifterna."
        ),
    }
    assert "infoga" not in " ".join(p.message for p in result.problems)


def test_below_a_full_table_the_advice_is_to_ask_for_rows(rnd, tmp_path: Path) -> None:
    def edit(wb):
        ws = wb["Risker"]
        for r in range(7, 19):  # every row of the table A6:D18
            ws[f"A{r}"] = ws[f"A{r}"].value or f"Risk {r}"
        ws["A20"] = "En risk till"

    result, _ = edited(rnd, tmp_path, edit)
    assert _advice(result) == {
        ("Risker", "A20"): (
            "Tabellen har inga tomma rader kvar: kontakta ekonomistaben om fler rader "
            "behövs, eller ta bort uppgifterna."
        )
    }


def test_a_row_added_to_the_drift_table_says_so(rnd, tmp_path: Path) -> None:
    """Review: the Drift sheet unprotected, a comment typed below the last row and the
    table extended over it gave BB206 "raden för ? / ? saknas eller har ändrats",
    which said neither what was wrong nor what to do."""

    def edit(wb):
        ws = wb["Drift"]
        ws.protection.sheet = False
        assert ws.tables["Drift"].ref == "A11:L25"
        ws["K26"] = "Se mejl"
        ws.tables["Drift"].ref = "A11:L26"

    result, path = edited(rnd, tmp_path, edit)
    assert [(p.code, p.severity.value, p.sheet, p.cell) for p in result.problems] == [
        ("BB208", "fel", "Drift", "A26")
    ]
    assert result.problems[0].message == (
        "Bladet Drift, cell A26: rad 26 har lagts till i tabellen, men de förifyllda "
        "raderna får inte ändras, och radens uppgifter räknas inte med. Ta bort raden, "
        "för över beloppen till rätt verksamhet och driftpost och skriv förklaringar i "
        "kolumnen Kommentar på rätt rad."
    )
    assert result.submission is not None and len(result.submission.drift) == 25 - 11
    feedback = write_feedback(path, result.problems, tmp_path / "återkoppling.xlsx")
    assert feedback is not None
    ws = openpyxl.load_workbook(feedback)["Drift"]
    assert ws["A26"].comment is not None and "BB208" in ws["A26"].comment.text


def test_a_changed_prefilled_drift_row_is_still_bb206(rnd, tmp_path: Path) -> None:
    """A row whose verksamhet is known but whose driftpost was typed over is a changed
    prefilled row, not an added one."""

    def edit(wb):
        ws = wb["Drift"]
        ws.protection.sheet = False
        ws["C13"] = "Konsulter"

    result, _ = edited(rnd, tmp_path, edit)
    codes = {(p.code, p.cell) for p in result.problems}
    # at the typed-over cell (tests/test_settings_changed_after_send.py)
    assert ("BB206", "C13") in codes and not any(c == "BB208" for c, _ in codes)


def _insert_drift_row(wb: openpyxl.Workbook, at: int, values: dict[str, object]) -> None:
    """As Excel does with the Drift sheet unprotected: a row inserted inside the
    table moves the rows below down and extends the table over them."""
    ws = wb["Drift"]
    ws.protection.sheet = False
    ws.insert_rows(at)
    for column, value in values.items():
        ws[f"{column}{at}"] = value
    ws.tables["Drift"].ref = "A11:L26"


@pytest.mark.parametrize(
    "values",
    [
        # a driftpost of the head's own under a known verksamhet
        {"A": "1600", "B": "Ekonomiadministration", "C": "Konsulter", "F": 300, "G": 300},
        # a second row for the same verksamhet and driftpost (staff costs split in two)
        {"A": "1600", "B": "Ekonomiadministration", "C": "Personalkostnader", "F": 900},
        # a known driftpost under a verksamhet of the head's own: read into the drift
        # lines, and counted, while BB208 said the row was not
        {"A": "1699", "B": "Ny verksamhet", "C": "Personalkostnader", "F": 300, "G": 300, "H": 300},
    ],
    ids=["new-driftpost", "repeated-row", "new-verksamhet"],
)
def test_a_row_inserted_in_the_middle_of_drift_is_added_not_changed(
    rnd, tmp_path: Path, values: dict[str, object]
) -> None:
    """Found filling the template: a row inserted between two prefilled rows, with
    amounts, gave BB206 "raden för 1600 Ekonomiadministration / Konsulter saknas eller
    har ändrats. De förifyllda raderna får inte ändras": the head changed no prefilled
    row, and was not told that the row's amounts are not counted."""
    result, _ = edited(rnd, tmp_path, lambda wb: _insert_drift_row(wb, 16, values))
    assert [(p.code, p.cell) for p in result.problems] == [("BB208", "A16")]
    assert "rad 16 har lagts till" in result.problems[0].message
    assert "för över beloppen" in result.problems[0].message
    sub = result.submission
    assert sub is not None and len(sub.drift) == 25 - 11
    assert 16 not in {ln.row for ln in sub.drift}
