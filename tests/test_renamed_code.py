"""A return whose avdelning code the settings lack (BB104), as the finance office meets
it: most often the code was changed in budgetbook.toml after the workbooks went out.

Review: BB104 told the office "Kontakta ekonomistaben" (the office is ekonomistaben),
and the avdelning, under its new code, was offered "Mejla en påminnelse" as if its head
had sent nothing. Real templates, filled by the example filler, collected."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from budgetbook import actions, excel, rules
from budgetbook.cli import main
from budgetbook.example import return_name, write_example_returns
from budgetbook.problem_report import status_headings
from budgetbook.reminders import reminder
from budgetbook.workspace import init_workspace


def _round(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """The example round with every return filled, then its settings changed by `edit`
    (the workbooks keep the codes they were written with)."""
    ws = init_workspace(tmp_path / "ws")
    settings = ws.settings()
    write_example_returns(settings, actions.templates(ws.root), ws.inbox)
    # the template's own name, as the office sends it out and the head sends it back
    eko = next(a for a in settings.avdelningar if a.code == "EKO")
    (ws.inbox / return_name(settings, eko)).rename(ws.inbox / "Budget_2027_EKO.xlsx")
    toml = ws.settings_file.read_text(encoding="utf-8")
    ws.settings_file.write_text(edit(toml), encoding="utf-8")
    return ws.root


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    """EKO renamed EKON in the settings (its verksamheter and uppdrag with it)."""
    root = _round(tmp_path_factory.mktemp("renamed"), lambda t: t.replace('"EKO"', '"EKON"'))
    return root, actions.collect(root)


def test_bb104_names_the_avdelning_the_return_probably_is(renamed) -> None:
    _, result = renamed
    (found,) = [p for p in result.problems if p.code == "BB104"]
    assert found.file == "Budget_2027_EKO.xlsx"
    assert "Kontakta ekonomistaben" not in found.message
    assert found.message == (
        "Arbetsboken Budget_2027_EKO.xlsx anger avdelningen ”EKO”, som inte finns i årets "
        "budgetrunda. Den gäller troligen Ekonomiavdelningen (EKON), som inte har lämnat in "
        "någon arbetsbok: namnet och verksamheterna (1600 och 1610) stämmer med den. "
        "Ändrades avdelningens kod i budgetbook.toml från ”EKO” till ”EKON” efter att "
        "arbetsböckerna skapades? Skriv då tillbaka koden ”EKO”, så tas arbetsboken med vid "
        "nästa insamling, eller skicka avdelningen en ny arbetsbok och be den föra över "
        "sina uppgifter dit."
    )


def test_the_renamed_avdelning_gets_no_reminder_as_if_nothing_came(renamed) -> None:
    root, result = renamed
    (missing,) = [p for p in result.problems if p.code == "BB501"]
    assert missing.avdelning == "EKON"
    assert missing.message.endswith(
        "har inte lämnat in någon arbetsbok. Arbetsboken Budget_2027_EKO.xlsx, som anger "
        "koden ”EKO”, gäller troligen avdelningen (BB104): se över koden i budgetbook.toml "
        "i stället för att påminna avdelningen."
    )
    status = next(s for s in result.statuses if s.avdelning == "EKON")
    assert (status.status, status.came_as) == ("saknas", "Budget_2027_EKO.xlsx")
    settings = actions.open_workspace(root).settings()
    assert reminder(settings, status) is None
    # the Status sheet: a note where "Mejla en påminnelse" was
    sheet = openpyxl.load_workbook(result.outputs["inlamningskontroll"])["Status"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "EKON")
    cell = sheet.cell(row, status_headings(settings).index("E-post") + 1)
    assert cell.hyperlink is None
    assert cell.value == "Inget mejl: kom troligen som Budget_2027_EKO.xlsx (BB104)"
    # the Excel button's list of returns to chase says the same, not "ingen e-postadress"
    rows = excel.reminder_rows(result, settings, actions.open_workspace(root))
    (eko,) = [r for r in rows if r and r[0] == "EKON"]
    assert eko[3] == cell.value
    # the command line
    shown = CliRunner().invoke(main, ["collect", "-w", str(root)]).output
    (line,) = [ln for ln in shown.splitlines() if ln.startswith("  EKON ")]
    assert line.endswith("(kom troligen som Budget_2027_EKO.xlsx, se BB104)")


def test_without_a_match_bb104_says_to_check_the_settings_or_the_file(tmp_path) -> None:
    """EKO removed from the settings, its verksamheter and uppdrag given to PERS (which
    has its own return): EKO's return is no avdelning's without a return."""

    def removed(toml: str) -> str:
        toml = re.sub(r'\[\[avdelningar\]\]\ncode = "EKO"\n(?:[a-z]+ = .*\n)*\n', "", toml)
        return toml.replace('avdelning = "EKO"', 'avdelning = "PERS"')

    result = actions.collect(_round(tmp_path, removed))
    assert "EKO" not in {s.avdelning for s in result.statuses}
    (found,) = [p for p in result.problems if p.code == "BB104"]
    assert found.message == (
        "Arbetsboken Budget_2027_EKO.xlsx anger avdelningen ”EKO”, som inte finns i årets "
        "budgetrunda. Kontrollera avdelningarnas koder i budgetbook.toml (ändrades en kod "
        "efter att arbetsböckerna skapades?) och att filen är en arbetsbok från årets runda."
    )
    assert all(not s.came_as for s in result.statuses)
    assert rules.UNKNOWN_AVDELNING.scope == "file"  # the office's: in no feedback workbook
