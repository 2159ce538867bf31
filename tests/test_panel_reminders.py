"""The control workbook's reminders: after a button, each avdelning with a return to
chase has a short e-mail to its head (a HYPERLINK formula holds at most 255 characters)
and a link to the whole e-mail in the inlämningskontroll's Status sheet.

Run through the button's code path with the stand-in book of test_excel_entry_points;
the sheet the button wrote is then written into a real panel and opened in LibreOffice,
which must evaluate the formulas to the link texts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import get_column_letter

from budgetbook import actions, excel, panel
from budgetbook.problem_report import status_headings
from budgetbook.reminders import MAX_FORMULA_LINK
from budgetbook.settings import load_settings
from test_excel_entry_points import StandInBook, book, example_round, hyperlink, table, workspace  # noqa: F401 (fixtures)
from test_reminders import _decoded, as_read, assert_golden

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def chased(tmp_path_factory) -> tuple[Path, StandInBook]:
    """The example round after "Kontrollera inlämningar", with EKO's return missing,
    FMO's a workbook of the department's own (faulty, no feedback workbook) and PORT's
    missing with no e-mail address in the settings."""
    from budgetbook.example import write_example_returns

    root = tmp_path_factory.mktemp("runda") / "runda2027"
    ws = actions.init(root)
    toml_path = root / "budgetbook.toml"
    toml = toml_path.read_text(encoding="utf-8")
    toml = toml.replace('email = "peter.sjoberg@exempelkommun.se"\n', "")
    toml_path.write_text(toml, encoding="utf-8")
    written = actions.templates(root)
    write_example_returns(ws.settings(), written, ws.inbox)
    for name in ("Ekonomiavdelningen", "Portföljstyrning"):
        next(ws.inbox.glob(f"*{name}*.xlsx")).unlink()
    own = openpyxl.Workbook()  # the department head's own workbook, not the one handed out
    own.active["A1"] = "Vår budget 2027"
    own.save(next(ws.inbox.glob("*Förtroendemannaorganisationen*.xlsx")))
    actions.panel(root)
    stand_in = StandInBook(root / panel.PANEL_FILE)
    excel.kontrollera_inlamningar(stand_in)
    return root, stand_in


def test_each_return_to_chase_has_a_short_email_and_a_link_to_the_whole(chased) -> None:
    root, stand_in = chased
    sheet = stand_in.sheets[panel.SHEET]
    rows = table(sheet, panel.REMINDER_HEADING)
    assert rows[0] == ["Avdelning", "Avdelningschef", "Status", "Kort mejl", None, None,
                       "Hela mejlet"]  # fmt: skip
    by_code = {row[0]: row for row in rows[1:]}
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        ("FMO", "Karin Lund", "fel"),
        ("EKO", "Maria Nyström", "saknas"),
        ("PORT", "Peter Sjöberg", "saknas"),
    ]
    settings = load_settings(root / "budgetbook.toml")
    report = openpyxl.load_workbook(root / "output" / "inlamningskontroll_2027.xlsx")["Status"]
    # the E-post column: the last, after the deadline's Sista dag in a round with one
    email = status_headings(settings).index("E-post") + 1
    for code, golden in (("EKO", "panel_saknas.txt"), ("FMO", "panel_fel_utan_aterkoppling.txt")):
        row = by_code[code]
        assert len(row[3]) <= 8192  # Excel's longest formula
        target, text = hyperlink(row[3])
        assert len(target) <= MAX_FORMULA_LINK  # Excel's longest text in a formula
        assert_golden(golden, as_read(target))
        # the whole e-mail: the inlämningskontroll's row of the avdelning, E-post column
        where, shown = hyperlink(row[6])
        match = re.fullmatch(rf"\[(.*)\]'Status'!{get_column_letter(email)}(\d+)", where)
        assert match and Path(match.group(1)) == root / "output" / "inlamningskontroll_2027.xlsx"
        line = int(match.group(2))
        assert shown == f"inlamningskontroll_2027.xlsx, rad {line}"
        assert report.cell(line, 1).value == code
        whole = report.cell(line, email)
        assert whole.value == text  # the same label: the same message, in full
        to, subject, body = _decoded(whole.hyperlink.target)
        assert (to, subject) == _decoded(target)[:2]
        assert len(body) > 3 * len(_decoded(target)[2])
    assert settings.avdelning("PORT").email == ""
    assert by_code["PORT"][3] == "ingen e-postadress i budgetbook.toml"
    assert by_code["PORT"][6] is None


def test_no_reminders_when_every_return_is_in(book) -> None:  # noqa: F811
    excel.kontrollera_inlamningar()
    sheet = book.sheets[panel.SHEET]
    assert panel.REMINDER_HEADING not in sheet.cells.values()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_the_reminder_links(chased, tmp_path) -> None:
    """The cells the button wrote, in a real panel: LibreOffice evaluates each HYPERLINK
    formula to its link text (a link past 255 characters would not be a formula)."""
    root, stand_in = chased
    cells = {
        f"{get_column_letter(c)}{r}": v
        for (r, c), v in stand_in.sheets[panel.SHEET].cells.items()
        if r >= panel.RESULTS_ROW and v is not None
    }
    settings = load_settings(root / "budgetbook.toml")
    filled = panel.write_panel(settings, root, tmp_path / "Budgetpanel.xlsm", cells=cells)
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo-out"), str(filled)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    values = openpyxl.load_workbook(tmp_path / "lo-out" / "Budgetpanel.xlsx", data_only=True)
    sheet = values[panel.SHEET]
    first = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Påminnelser")
    texts = {}
    for r in range(first + 2, sheet.max_row + 1):
        if sheet.cell(r, 1).value is None:
            break
        texts[sheet.cell(r, 1).value] = (sheet.cell(r, 4).value, sheet.cell(r, 7).value)
    assert texts["EKO"][0] == "Mejla en påminnelse"
    assert texts["FMO"][0] == "Mejla om felet"  # its one error (BB101)
    assert re.fullmatch(r"inlamningskontroll_2027\.xlsx, rad \d+", texts["EKO"][1])
