"""A return with nothing entered (the template sent back as handed out) gets one plain
BB110, not a finding per empty cell (BB411, BB306, BB401: 16 for Ekonomiavdelningen).

Templates written by our writer, copied to the inbox unchanged or filled with openpyxl
as a person fills them, collected by `actions.collect`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from click.testing import CliRunner

from budgetbook import actions, collect, read_cache
from budgetbook import schema as S
from budgetbook.archive import Archive
from budgetbook.cli import main
from budgetbook.collect_memo import DeferredSubmissions
from budgetbook.model import CollectResult
from budgetbook.workspace import Workspace, init_workspace

EKO = "Budget 2027 Ekonomiavdelningen.xlsx"
BLANK_MESSAGE = (
    f"Arbetsboken {EKO} är inte ifylld: inga belopp, texter eller andra uppgifter har "
    "skrivits in. Kanske skickades fel fil, till exempel den tomma arbetsboken i stället "
    "för den ifyllda. Fyll i arbetsboken och skicka den igen."
)


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    """A workspace with the round's templates written (none in the inbox yet)."""
    ws = init_workspace(tmp_path / "ws")
    actions.templates(ws.root)
    return ws


def returned(ws: Workspace, fill: Callable[[openpyxl.Workbook, S.Schema], None] | None) -> Path:
    """Ekonomiavdelningen's template in the inbox: as handed out, or filled by `fill`."""
    template = ws.templates / "Budget_2027_EKO.xlsx"
    out = ws.inbox / EKO
    if fill is None:
        shutil.copyfile(template, out)
        return out
    wb = openpyxl.load_workbook(template)
    fill(wb, S.build_schema(ws.settings()))
    wb.save(out)
    return out


def of_file(result: CollectResult) -> list[tuple[str, str, str, str]]:
    return [(p.code, p.severity.value, p.sheet, p.cell) for p in result.problems if p.file == EKO]


def status_of(result: CollectResult, code: str = "EKO") -> str:
    return next(s.status for s in result.statuses if s.avdelning == code)


def test_the_template_sent_back_unchanged_gets_one_plain_error(ws: Workspace) -> None:
    returned(ws, None)
    result = actions.collect(ws.root)
    assert of_file(result) == [("BB110", "fel", "", "")]
    (found,) = [p for p in result.problems if p.file == EKO]
    assert found.message == BLANK_MESSAGE and found.avdelning == "EKO"
    assert status_of(result) == "fel"
    assert not result.submissions  # not accepted

    # the inlämningskontroll lists it on its Problem sheet, and no other of the file
    report = openpyxl.load_workbook(result.outputs["inlamningskontroll"])
    rows = [[c.value for c in row] for row in report["Problem"].iter_rows(min_row=2)]
    mine = [row for row in rows if EKO in row]
    assert len(mine) == 1 and "BB110" in mine[0] and BLANK_MESSAGE in mine[0]
    # and its Status sheet's e-mail asks for the workbook filled in, not corrected
    (row,) = [row for row in report["Status"].iter_rows() if row[0].value == "EKO"]
    (mail,) = [c for c in row if c.hyperlink and c.hyperlink.target.startswith("mailto:")]
    body = unquote(mail.hyperlink.target)
    assert mail.value == "Mejla om arbetsboken"
    assert "är inte ifylld" in body and "Fyll i den och skicka den" in body
    assert "markerat" not in body and "Rätta" not in body


def test_the_printout_shows_the_one_message(ws: Workspace) -> None:
    returned(ws, None)
    out = CliRunner().invoke(main, ["collect", "-w", str(ws.root)])
    assert out.exit_code == 1
    assert "BB110" in out.output and "måste fyllas i" not in out.output
    assert "BB411" not in out.output and "BB401" not in out.output


def test_the_feedback_copy_s_first_sheet_says_it_is_not_filled_in(ws: Workspace) -> None:
    returned(ws, None)
    result = actions.collect(ws.root)
    feedback = openpyxl.load_workbook(result.outputs["aterkoppling_EKO"])
    sheet = feedback.worksheets[0]
    assert sheet.title == "Återkoppling"
    assert sheet["A2"].value == (
        "Inlämningen kan inte godkännas: arbetsboken är inte ifylld. Fyll i den och "
        "skicka in den igen."
    )
    listed = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert listed == [[None, None, "BB110", "fel", BLANK_MESSAGE]]
    # no cell of the return is marked: there is nothing in it to correct
    for other in feedback.worksheets[1:]:
        assert not any(c.comment for row in other.iter_rows() for c in row)


def _type(sheet_key: str, column: str, row: int | None, value: object):
    """A fill typing `value` in one cell (`row` None: the table's first row)."""

    def fill(wb: openpyxl.Workbook, schema: S.Schema) -> None:
        sheet = schema.sheet(sheet_key)
        at = row if row is not None else sheet.first_data_row
        wb[sheet.name].cell(at, sheet.index(column) + 1, value)

    return fill


def begun(ws: Workspace, fill: Callable[[openpyxl.Workbook, S.Schema], None]) -> set:
    """(code, cell) of the file's findings once `fill` is typed in the template that,
    sent first as handed out, got BB110 alone (the head sends it again, begun)."""
    returned(ws, None)
    assert [c for c, *_ in of_file(actions.collect(ws.root))] == ["BB110"]
    returned(ws, fill)
    found = {(code, cell) for code, _, _, cell in of_file(actions.collect(ws.root))}
    assert "BB110" not in {code for code, _ in found}
    return found


def test_one_typed_amount_makes_an_ordinary_return(ws: Workspace) -> None:
    """Only Drift's prefill and one amount: the head has begun, and gets the findings
    of what is still missing."""
    found = begun(ws, _type("drift", "budget_2027", 12, 4000))
    assert ("BB411", "F13") in found and ("BB401", "F9") in found
    assert ("BB411", "F12") not in found  # the row typed in


def test_a_typed_zero_is_an_entry(ws: Workspace) -> None:
    assert ("BB411", "F13") in begun(ws, _type("drift", "budget_2027", 12, 0))


def test_text_typed_in_an_amount_cell_is_an_entry(ws: Workspace) -> None:
    assert ("BB301", "F12") in begun(ws, _type("drift", "budget_2027", 12, "se kommentar"))


def test_only_a_text_in_texter_is_no_blank_return(ws: Workspace) -> None:
    found = begun(ws, _type("texter", "text", None, "Avdelningen digitaliserar."))
    assert ("BB411", "F12") in found and ("BB401", "F9") in found


def test_only_a_status_for_the_given_uppdrag_is_no_blank_return(ws: Workspace) -> None:
    found = begun(ws, _type("uppdrag", "status", None, "Påbörjad"))
    assert ("BB411", "F12") in found and "BB306" not in {code for code, _ in found}


def test_a_blank_return_from_the_read_cache_and_the_memo_is_the_same(ws: Workspace) -> None:
    returned(ws, None)
    first = actions.collect(ws.root)
    assert of_file(first) == [("BB110", "fel", "", "")]
    # the memo's result, and a collect from the archive's cached read (no memo kept
    # without the settings' inputs): the same finding, status and feedback
    again = actions.collect(ws.root)
    assert isinstance(again.submissions, DeferredSubmissions)  # the memo's
    from_cache = collect.collect_returns(ws, ws.settings())
    for other in (again, from_cache):
        assert other.problems == first.problems and other.statuses == first.statuses
    with Archive(ws.output) as archive:
        sha = next(iter(archive.db.execute("SELECT sha256 FROM versions")))[0]
        rows = archive.db.execute("SELECT result FROM reads WHERE sha256 = ?", (sha,))
        cached = [read_cache.decode(text) for (text,) in rows]
    assert cached and all(entry is not None for entry in cached)


def test_a_blank_return_of_an_avdelning_asked_for_nothing_stands(ws: Workspace) -> None:
    """Kommunstyrelsens reserv with a ram of 0 and a prior budget of 0 on every row (as
    if emptied this year): empty is 0 on each row, so the template as handed out is a
    complete answer, accepted, and no BB110 tells the head to fill it in; beside it,
    Ekonomiavdelningen's as handed out is not."""
    toml = ws.root / "budgetbook.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'code = "RES"\nname = "Kommunstyrelsens reserv"\nhead = "Eva Ekström"\n'
            'email = "eva.ekstrom@exempelkommun.se"\nram = [40000, 40000, 40000]',
            'code = "RES"\nname = "Kommunstyrelsens reserv"\nhead = "Eva Ekström"\n'
            'email = "eva.ekstrom@exempelkommun.se"\nram = [0, 0, 0]',
        ),
        encoding="utf-8",
    )
    prior = ws.root / "foregaende_ar.csv"
    text = prior.read_text(encoding="utf-8")
    assert "1200;material;49500;47400" in text and "ram = [0, 0, 0]" in toml.read_text("utf-8")
    prior.write_text(text.replace("1200;material;49500;47400", "1200;material;0;0"), "utf-8")
    actions.templates(ws.root)
    res = "Budget_2027_RES.xlsx"
    shutil.copyfile(ws.templates / res, ws.inbox / res)
    returned(ws, None)
    result = actions.collect(ws.root)
    assert of_file(result) == [("BB110", "fel", "", "")]
    assert [p.code for p in result.problems if p.file == res] == []
    assert status_of(result, "RES") == "godkänd"
    assert [s.avdelning for s in result.submissions] == ["RES"]
