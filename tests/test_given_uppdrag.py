"""An uppdrag given to the avdelning, prefilled and locked on Uppdrag, that a head
removes or rewords with the sheet unprotected (BB413). The example return filled by our
writer, edited with openpyxl as a person edits it, read back by our reader."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from budgetbook.consolidate_plan import merge_uppdrag
from budgetbook.reader import read_return
from budgetbook.settings import UppdragDef
from wb_builders import EKO_RETURN, edited_return, round_files

GIVEN = "Utreda om huvudmannaskapet för kommunens verksamhetslokaler ska föras över till "


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("uppdrag"))


def _unprotected(wb: openpyxl.Workbook):
    ws = wb["Uppdrag"]
    assert str(ws["A7"].value).startswith(GIVEN)
    ws.protection.sheet = False  # Granska > Ta bort skydd: no password by default
    return ws


def _deleted(wb: openpyxl.Workbook, _schema) -> None:
    ws = _unprotected(wb)
    ws.delete_rows(7)  # "not ours": the row deleted, the table shrinks with it
    ws.tables["Uppdrag"].ref = "A6:D21"


def _reworded(wb: openpyxl.Workbook, _schema) -> None:
    _unprotected(wb)["A7"] = "Utreda huvudmannaskapet för verksamhetslokalerna"


@pytest.mark.parametrize("edit", [_deleted, _reworded], ids=["deleted", "reworded"])
def test_a_given_uppdrag_removed_or_reworded_is_an_error(rnd, tmp_path: Path, edit) -> None:
    """Found filling the template: with the Uppdrag sheet unprotected, the given
    uppdrag's row deleted (or its text reworded) passed collect as 'godkänd'; the
    draft then listed the uppdrag without a status (and a reworded one twice)."""
    settings = rnd[0]
    result, _ = edited_return(rnd, tmp_path, edit)
    assert [(p.code, p.severity.value, p.sheet, p.cell) for p in result.problems] == [
        ("BB413", "fel", "Uppdrag", "A7")
    ]
    assert result.problems[0].message.startswith(
        f"Bladet Uppdrag, cell A7: uppdraget ”{GIVEN}kommunstyrelsen.” saknas eller har "
        "fått en annan text. Det är givet till avdelningen och ska stå kvar med sin text"
    )
    sub = result.submission
    assert sub is not None
    shown = [u for u in merge_uppdrag([sub], settings) if u.text.startswith(GIVEN)]
    assert [u.status for u in shown] == [""]  # what the draft would have shown


def test_the_given_uppdrag_kept_or_added_after_the_workbooks_went_out(rnd, tmp_path: Path) -> None:
    """Kept with its text: nothing. An uppdrag the office adds to the settings after
    the workbooks went out is on no return, but the template's record shows it was not
    given: no BB413 for the head (the office's BB508: tests/test_uppdrag_record.py)."""
    settings, schema, _, returns = rnd
    path = next(p for p in returns if p.name == EKO_RETURN)
    assert [p.code for p in read_return(path, settings, schema).problems] == []
    later = UppdragDef("Ett uppdrag beslutat i oktober.", 2027, "EKO")
    more = dataclasses.replace(settings, uppdrag=(*settings.uppdrag, later))
    assert [p.code for p in read_return(path, more, schema).problems] == []

    def status_changed(wb: openpyxl.Workbook, _schema) -> None:
        _unprotected(wb)["C7"] = "Påbörjad"

    # unprotected with the given uppdrag kept, only its status changed: nothing either
    result, _ = edited_return(rnd, tmp_path, status_changed)
    assert result.problems == []
