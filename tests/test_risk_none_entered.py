"""A returned workbook with no risks against a missing return, in the risk tables.

Audit: in the draft's Risk- och känslighetsanalys (and the konsolidering workbook's
Risker sheet) an avdelning that returned its workbook with an empty Risker sheet showed
"0 0 0", one whose return is missing showed blanks, and nothing said which was which;
in the list of each risk the first had no line at all, as if it had not answered.

Now, as every other table of the draft does, a missing return is blank and named in the
note ("Godkänd inlämning saknas för …"); a return without risks is a real zero in the
sums (the total adds it), named in the note ("Inga risker angivna för …"), and has its
own line "Inga risker angivna" under its name in the list of each risk.

The example round's returns, filled further with openpyxl as a department head does."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest

from budgetbook import actions
from budgetbook.consolidate_inv import NO_RISKS
from budgetbook.model import VIEW_RISKER, VIEW_RISKLISTA
from budgetbook.report.namndplan import EMPTY_MARK, NO_RISKS_ENTERED
from budgetbook.schema import build_schema
from budgetbook.workspace import Workspace, init_workspace

EXAMPLE_INBOX = Path(__file__).resolve().parents[1] / "inbox"
MINUS = "\u2212"
PORT, KGEM = "Portföljstyrning", "Kommungemensamma kostnader"


def _clear_risks(ws: Workspace, name_part: str | None = None) -> None:
    """Empty the Risker sheet of the return whose file name has `name_part` (all: None)."""
    sheet = build_schema(ws.settings()).sheet("risker")
    for path in sorted(ws.inbox.glob("*.xlsx")):
        if name_part is not None and name_part not in path.name:
            continue
        wb = openpyxl.load_workbook(path)
        risks = wb[sheet.name]
        for r in range(sheet.first_data_row, sheet.first_data_row + 12):
            for c in range(1, len(sheet.columns) + 1):
                risks.cell(r, c).value = None
        wb.save(path)


def _example(root: Path) -> Workspace:
    ws = init_workspace(root)
    for f in sorted(EXAMPLE_INBOX.glob("*.xlsx")):
        shutil.copyfile(f, ws.inbox / f.name)
    return ws


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory):
    """Portföljstyrning returns its workbook without a risk; Kommungemensamma kostnader
    has not sent its workbook."""
    ws = _example(tmp_path_factory.mktemp("norisk") / "ws")
    _clear_risks(ws, "Portföljstyrning")
    next(p for p in ws.inbox.iterdir() if "Kommungemensamma" in p.name).unlink()
    collected = actions.collect(ws.root)
    cons, workbook = actions.consolidate(ws.root, collected)
    draft = actions.report(ws.root, cons)
    return cons, workbook, draft


def test_the_sums_tell_a_return_without_risks_from_a_missing_one(ran) -> None:
    cons = ran[0]
    view = cons.views[VIEW_RISKER]
    rows = {r.label: r.values for r in view.rows}
    assert rows[PORT] == {"positive": 0, "negative": 0, "net": 0}  # a real zero, summed
    assert rows[KGEM] == {"positive": None, "negative": None, "net": None}  # blank
    assert f"Inga risker angivna för {PORT}." in view.note
    assert f"Godkänd inlämning saknas för {KGEM}." in view.note
    # the returned avdelningar with risks are not named as without
    assert "Ekonomiavdelningen" not in view.note


def test_the_list_has_a_line_for_a_return_without_risks(ran) -> None:
    cons = ran[0]
    data = cons.views[VIEW_RISKLISTA].data_rows()
    port = [r for r in data if r.values["avdelning"] == PORT]
    assert [(r.label, r.values["positive"], r.values["negative"]) for r in port] == [
        (NO_RISKS, None, None)
    ]
    assert not port[0].sources  # no cell stands behind it, and no figure
    assert not [r for r in data if r.values["avdelning"] == KGEM]  # the note names it
    assert [r for r in data if r.label == NO_RISKS] == port


def test_the_workbook_sheets_show_the_same(ran) -> None:
    wb = openpyxl.load_workbook(ran[1])
    sums = {row[0]: row[1:] for row in wb["Risker"].iter_rows(min_row=5, values_only=True)}
    assert sums[PORT] == (0, 0, 0) and sums[KGEM] == (None, None, None)
    notes = [row[0] for row in wb["Risker"].iter_rows(values_only=True) if row[0]]
    assert any(f"Inga risker angivna för {PORT}." in str(n) for n in notes)
    listed = [row for row in wb["Risker och möjligheter"].iter_rows(values_only=True)]
    assert (NO_RISKS, PORT, None, None, None) in listed
    assert not [row for row in listed if row[1] == KGEM]


def test_the_draft_says_it_in_both_tables(ran) -> None:
    document = docx.Document(str(ran[2]))
    cells = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    sums = next(t for t in cells if t[0][:2] == ["Avdelning", "Positiv risk"])
    assert [PORT, "0", "0", "0"] in sums
    assert [KGEM, "", "", ""] in sums
    listed = next(t for t in cells if t[0][0] == "Risk eller möjlighet")
    at = next(i for i, row in enumerate(listed) if row[0] == PORT)
    assert len(set(listed[at])) == 1  # its heading row
    assert listed[at + 1][0] == NO_RISKS and listed[at + 1][1:3] == ["", ""]
    body = [p.text for p in document.paragraphs]
    assert any(f"Inga risker angivna för {PORT}." in t for t in body)


def test_no_risk_in_any_return_is_said_so_not_no_underlag(tmp_path: Path) -> None:
    """Every avdelning returned its workbook with an empty Risker sheet: the section said
    "Inget underlag har lämnats för detta avsnitt.", as if no one had answered."""
    ws = _example(tmp_path / "ws")
    _clear_risks(ws)
    collected = actions.collect(ws.root)
    cons, _ = actions.consolidate(ws.root, collected)
    texts = [p.text for p in docx.Document(str(actions.report(ws.root, cons))).paragraphs]
    at = len(texts) - 1 - texts[::-1].index("Risk- och känslighetsanalys")
    assert texts[at + 1] == NO_RISKS_ENTERED
    assert EMPTY_MARK not in texts[at + 1 : at + 3]
