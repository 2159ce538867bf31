"""The finance office changes the settings after the workbooks went out, as it normally
does: the templates go out before KF decides the ramar, and a verksamhet is added to an
avdelning (or moved to another, or closed) in the autumn. Neither is the department
head's doing. The template's records (`BB_RAM`, `BB_FORIFYLLT`), or for a template
written before them the still protected Drift sheet, tell it from the head's own edit.

1. A ram changed since: BB401 says so with the ram the workbook showed and the new one,
   the office gets one BB511, and the feedback copy shows the new ram.
2. A verksamhet added to the avdelning since: one BB209 per verksamhet (not a BB206 per
   driftpost); one removed or moved to another avdelning: one BB210 per verksamhet
   (not a BB208 per row), its rows not counted.
3. A prefilled Drift row the head deleted or changed: BB206 at the cell where the row
   was expected (or that was changed), saying which of the two.

Real files: templates by our writer, filled as the example fills them, edited with
openpyxl as a person edits them, collected by `actions.collect` or read by our reader;
the settings then changed as a finance officer changes budgetbook.toml.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from budgetbook import actions
from budgetbook import schema as S
from budgetbook.example import write_example_returns
from budgetbook.feedback_ram import RamNow
from budgetbook.problem_report import write_feedback
from budgetbook.reminders import reminder
from budgetbook.settings import load_settings
from wb_builders import edited_return, example_settings, round_files

PERS = "Budget 2027 Personalavdelningen.xlsx"
EKO = "Budget 2027 Ekonomiavdelningen.xlsx"
FEEDBACK = Path("output") / "aterkoppling"


def _workspace(root: Path) -> Path:
    settings = example_settings(root)
    templates = actions.templates(root)
    write_example_returns(settings, templates, root / "inbox")
    return root


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return _workspace(tmp_path / "ws")


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("after_send"))


def _edit_settings(root: Path, old: str, new: str) -> None:
    """Change budgetbook.toml as the finance officer does, in a text editor."""
    path = root / "budgetbook.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _retouch(path: Path, edit) -> None:
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)


def _drop(*names: str):
    """What a template written before these records existed carries: none of them."""

    def drop(wb: openpyxl.Workbook) -> None:
        props = wb.custom_doc_props.props
        assert all(n in {p.name for p in props} for n in names)  # ours writes them
        wb.custom_doc_props.props = [p for p in props if p.name not in names]
        for name in names:
            del wb.defined_names[name]

    return drop


def _unprotect(wb: openpyxl.Workbook) -> None:
    wb[S.DRIFT_SHEET].protection.sheet = False


def _of(result, name: str) -> list[tuple[str, str, str]]:
    return [(p.code, p.severity.value, p.cell) for p in result.problems if p.file == name]


# --- 1. a ram changed after the workbooks went out -------------------------------------

RAM_PERS = "ram = [15300, 15600, 15900]"
RAM_PERS_KF = "ram = [15800, 15600, 15900]"  # KF's decision: 2027 raised by 500


def test_a_ram_changed_after_sending_is_said_so_to_the_head_and_the_office(ws: Path) -> None:
    """Review: "nettobudgeten för 2027 är 15 300 tkr men ramen är 15 800 tkr … Justera
    beloppen" while the head's Drift sheet showed Ram 15 300 and "Budget och plan
    stämmer med ramen.", and nothing told the office that the workbooks out there show
    the earlier ram."""
    before = actions.collect(ws)
    assert not _of(before, PERS)
    _edit_settings(ws, RAM_PERS, RAM_PERS_KF)
    after = actions.collect(ws)

    assert _of(after, PERS) == [("BB401", "fel", "F9")]
    message = next(p.message for p in after.problems if p.file == PERS)
    assert message.startswith(
        "Bladet Drift, cell F9: nettobudgeten för 2027 är 15\u00a0300 tkr men ramen är "
        "15\u00a0800 tkr (differens −500 tkr). Ramen har ändrats sedan arbetsboken "
        "skickades: då var den 15\u00a0300 tkr"
    ), message
    assert "I återkopplingen visar raden Ram den nya ramen." in message
    # the finance office: once for the round, no file (so in no feedback copy)
    office = [p for p in after.problems if p.code == "BB511"]
    assert len(office) == 1 and office[0].file == "" and not office[0].is_error
    assert "PERS" in office[0].message and "budgetbook templates" in office[0].message
    assert "2027: 15\u00a0300 tkr i arbetsboken, 15\u00a0800 tkr nu" in office[0].message

    # the feedback copy shows the new ram, and its record says so: sent back as it is,
    # it is read as a workbook showing the ram of the settings (plain BB401, no BB511)
    copy = ws / FEEDBACK / "aterkoppling_PERS_2027.xlsx"
    wb = openpyxl.load_workbook(copy)
    drift = wb[S.DRIFT_SHEET]
    assert (drift["F8"].value, drift["G8"].value, drift["H8"].value) == (15800, 15600, 15900)
    assert drift["F9"].comment is not None and "BB401" in drift["F9"].comment.text
    record = {p.name: p.value for p in wb.custom_doc_props.props}[S.ID_RAM]
    assert record == S.ram_record({2027: 15800, 2028: 15600, 2029: 15900})
    instructions = [
        (row[0].value, row[1].value)
        for row in wb[S.INSTRUCTIONS_SHEET].iter_rows(max_col=2)
        if row[0].value in ("2027", "2028", "2029")
    ]
    assert instructions == [("2027", 15800), ("2028", 15600), ("2029", 15900)]
    copy.replace(ws / "inbox" / PERS)
    again = actions.collect(ws)
    assert _of(again, PERS) == [("BB401", "fel", "F9")]
    assert "ändrats" not in next(p.message for p in again.problems if p.file == PERS)
    assert not [p for p in again.problems if p.code == "BB511"]


def test_the_feedback_copy_computes_the_difference_against_the_new_ram(rnd, tmp_path) -> None:
    """Excel's Protected View shows the values saved with the formulas: the copy's
    Differens mot ramen and its sentence are those of the new ram, not the head's."""
    settings, schema, templates, _ = rnd
    template = next(p for p in templates if "PERS" in p.name)
    source = tmp_path / PERS
    source.write_bytes(template.read_bytes())  # sent back as handed out: net 0
    ram = RamNow.of(settings, schema, "PERS", {2027: 15800, 2028: 15600, 2029: 15900})
    out = write_feedback(source, [], tmp_path / "fb.xlsx", ram)
    assert out is not None
    values = openpyxl.load_workbook(out, data_only=True)[S.DRIFT_SHEET]
    assert (values["F8"].value, values["F9"].value, values["G9"].value) == (15800, -15800, -15600)
    assert (
        values["K9"].value
        == "Nettokostnaden för budget och plan ska vara lika med ramen: justera beloppen."
    )


def test_a_template_from_before_the_ram_record_shows_its_ram_on_drift(ws: Path) -> None:
    """A workbook sent out by an earlier budgetbook has no BB_RAM: its still protected
    Drift sheet's Ram row is what it was written with. With the protection lifted a head
    may have typed over it: then the plain BB401, as before."""
    _retouch(ws / "inbox" / PERS, _drop(S.ID_RAM))
    _edit_settings(ws, RAM_PERS, RAM_PERS_KF)
    result = actions.collect(ws)
    assert _of(result, PERS) == [("BB401", "fel", "F9")]
    assert "då var den 15\u00a0300 tkr" in next(
        p.message for p in result.problems if p.file == PERS
    )
    assert len([p for p in result.problems if p.code == "BB511"]) == 1

    _retouch(ws / "inbox" / PERS, _unprotect)
    result = actions.collect(ws)
    assert _of(result, PERS) == [("BB401", "fel", "F9")]
    assert "ändrats" not in next(p.message for p in result.problems if p.file == PERS)
    assert not [p for p in result.problems if p.code == "BB511"]


# --- 2. a verksamhet added, removed or moved after the workbooks went out ---------------

FRISKVARD = '[[verksamheter]]\ncode = "1510"\nname = "Friskvård"\navdelning = "PERS"\n'
REKRYTERING = '[[verksamheter]]\ncode = "1520"\nname = "Rekrytering"\navdelning = "PERS"\n'


def test_a_verksamhet_added_after_sending_is_one_finding_not_the_heads_doing(ws: Path) -> None:
    """Review: one BB206 per driftpost, "raden för 1520 Rekrytering / Intäkter saknas
    eller har ändrats. De förifyllda raderna får inte ändras; ångra ändringen …"."""
    _edit_settings(ws, FRISKVARD, f"{FRISKVARD}\n{REKRYTERING}")
    result = actions.collect(ws)
    # where its rows would stand: below Friskvård's, the last of the table (row 25)
    assert _of(result, PERS) == [("BB209", "fel", "A26")]
    message = next(p.message for p in result.problems if p.file == PERS)
    assert "verksamheten 1520 Rekrytering har lagts till" in message
    assert "efter att arbetsboken skickades" in message and "ny arbetsbok" in message
    assert "ångra" not in message and "inget ni har ändrat" in message
    assert not [p for p in result.problems if p.code == "BB206"]
    # the feedback copy and the Status sheet's e-mail: a new workbook, not "rätta"
    copy = openpyxl.load_workbook(ws / FEEDBACK / "aterkoppling_PERS_2027.xlsx")
    assert "Ekonomistaben skickar en ny arbetsbok" in copy.worksheets[0]["A2"].value
    settings = load_settings(ws / "budgetbook.toml")
    status = next(s for s in result.statuses if s.avdelning == "PERS")
    mail = reminder(settings, status, result.problems)
    assert mail is not None and mail.label == "Mejla, bifoga nya Budget_2027_PERS.xlsx"
    assert "Jag bifogar en ny arbetsbok, Budget_2027_PERS.xlsx" in mail.body

    # a template from before the record: the still protected sheet decides
    _retouch(ws / "inbox" / PERS, _drop(S.ID_PRIOR))
    assert _of(actions.collect(ws), PERS) == [("BB209", "fel", "A26")]


def test_a_blank_return_keeps_the_verksamhet_added_since(ws: Path) -> None:
    """The template sent back as handed out is BB110 alone (blank_return.py); the
    verksamhet added since is not the head's entry, and stays said beside it."""
    template = ws / "workbook_templates" / "Budget_2027_PERS.xlsx"
    (ws / "inbox" / PERS).write_bytes(template.read_bytes())
    _edit_settings(ws, FRISKVARD, f"{FRISKVARD}\n{REKRYTERING}")
    assert _of(actions.collect(ws), PERS) == [("BB110", "fel", ""), ("BB209", "fel", "A26")]


def test_a_driftpost_added_after_sending_is_one_finding(ws: Path) -> None:
    """The same for a driftpost (kontogrupp) added to the round: once, not per
    verksamhet, where its first row would stand (below 1500's Lämnade bidrag)."""
    kapital = '[[driftposter]]\ncode = "kapital"'
    konsult = '[[driftposter]]\ncode = "konsult"\nname = "Konsulter"\nkind = "cost"\n\n'
    _edit_settings(ws, kapital, konsult + kapital)
    result = actions.collect(ws)
    assert _of(result, PERS) == [("BB209", "fel", "A18")]
    message = next(p.message for p in result.problems if p.file == PERS)
    assert "driftposten Konsulter har lagts till" in message
    assert not [p for p in result.problems if p.code == "BB206"]


def test_a_verksamhet_moved_to_another_avdelning_after_sending(ws: Path) -> None:
    """Friskvård moved from PERS to EKO: PERS's return has rows for a verksamhet that is
    no longer its own (review: one BB208 "rad 19 har lagts till i tabellen … Ta bort
    raden" per row), EKO's lacks it (one BB206 per driftpost)."""
    _edit_settings(ws, FRISKVARD, FRISKVARD.replace('"PERS"', '"EKO"'))
    result = actions.collect(ws)
    pers = _of(result, PERS)
    assert ("BB210", "varning", "A19") in pers
    assert not [p for p in result.problems if p.code in ("BB206", "BB208")]
    moved = next(p.message for p in result.problems if p.code == "BB210")
    assert "1510 Friskvård" in moved and "flyttats till avdelningen EKO" in moved
    assert "räknas inte med" in moved and "inget ni har ändrat" in moved
    # its amounts are not counted: the net without them is off the ram (BB401)
    assert {code for code, _, _ in pers} == {"BB210", "BB401"}
    # EKO: Friskvård comes first among its verksamheter now (the settings' order)
    assert _of(result, EKO) == [("BB209", "fel", "A12")]


def test_a_verksamhet_removed_after_sending(ws: Path) -> None:
    _edit_settings(ws, FRISKVARD, "")
    csv = ws / "foregaende_ar.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    csv.write_text("".join(ln for ln in lines if not ln.startswith("1510;")), encoding="utf-8")
    result = actions.collect(ws)
    assert not [p for p in result.problems if p.code in ("BB206", "BB208")]
    removed = [p for p in result.problems if p.code == "BB210"]
    assert [(p.file, p.cell) for p in removed] == [(PERS, "A19")]
    assert "har tagits bort ur budgetrundan" in removed[0].message


# --- 3. a prefilled Drift row the head deleted or changed -------------------------------


def test_a_deleted_drift_row_is_reported_where_it_was(rnd, tmp_path: Path) -> None:
    """Review: BB206 "raden för 1600 Ekonomiadministration / Personalkostnader saknas
    eller har ändrats" had no cell, so the feedback copy marked nothing and linked
    nowhere."""

    def delete(wb, _schema) -> None:
        ws = wb[S.DRIFT_SHEET]
        ws.protection.sheet = False
        ws.delete_rows(13)  # as Excel deletes a table row: the table shrinks
        ws.tables["Drift"].ref = "A11:L24"

    result, path = edited_return(rnd, tmp_path, delete)
    found = [(p.code, p.cell) for p in result.problems if p.code == "BB206"]
    assert found == [("BB206", "A13")]
    message = next(p.message for p in result.problems if p.code == "BB206")
    assert message.startswith(
        "Bladet Drift, cell A13: raden för 1600 Ekonomiadministration / Personalkostnader saknas."
    ), message
    feedback = write_feedback(path, result.problems, tmp_path / "återkoppling.xlsx")
    assert feedback is not None
    drift = openpyxl.load_workbook(feedback)[S.DRIFT_SHEET]
    assert drift["A13"].comment is not None and "BB206" in drift["A13"].comment.text


def test_a_changed_drift_row_is_one_finding_at_the_changed_cell(rnd, tmp_path: Path) -> None:
    def change(wb, _schema) -> None:
        ws = wb[S.DRIFT_SHEET]
        ws.protection.sheet = False
        ws["C13"] = "Konsulter"

    result, _ = edited_return(rnd, tmp_path, change)
    found = [(p.code, p.cell) for p in result.problems if p.code == "BB206"]
    assert found == [("BB206", "C13")]
    assert "raden för 1600 Ekonomiadministration / Personalkostnader har ändrats" in (
        result.problems[0].message
    )
    assert "Konsulter" in result.problems[0].message


def test_the_settings_now(rnd) -> None:
    """The example round these tests change: PERS has 1500 and 1510, rows 12–25."""
    settings = load_settings(rnd[0].path)
    assert [v.code for v in settings.verksamheter_of("PERS")] == ["1500", "1510"]
    assert settings.avdelning("PERS").ram == {2027: 15300, 2028: 15600, 2029: 15900}
