"""BB109, Excel's lock file in inbox/: what it says of the workbook it locks.

Review: "Stäng arbetsboken i Excel; den sparade filen läses nästa gång" also when the
saved workbook beside it was read in the same run (the finance officer has a return
open to look at it, the usual case)."""

from __future__ import annotations

from budgetbook import actions
from budgetbook.workspace import Workspace


def test_a_lock_file_says_its_workbook_was_read(ws: Workspace) -> None:
    open_one = sorted(ws.inbox.glob("*.xlsx"))[0]
    (ws.inbox / f"~${open_one.name}").write_bytes(b"Eva Ekstr\xf6m")
    (ws.inbox / "~$Budget 2027 Ny avdelning.xlsx").write_bytes(b"Eva")  # Save As, in progress
    result = actions.collect(ws.root)
    messages = {p.file: p.message for p in result.problems if p.code == "BB109"}
    assert messages[f"~${open_one.name}"].endswith(
        f"Filen hoppas över. Arbetsboken {open_one.name} lästes ändå, som den senast "
        "sparades; det som ändras i den och sparas medan den är öppen läses nästa gång."
    )
    assert "läses nästa gång" in messages["~$Budget 2027 Ny avdelning.xlsx"]
    assert messages["~$Budget 2027 Ny avdelning.xlsx"].endswith(
        "Stäng arbetsboken i Excel; den sparade filen läses nästa gång."
    )
    assert open_one.name in {s.file for s in result.statuses}


def test_the_workbook_of_a_lock_file() -> None:
    from budgetbook.inbox import locked_workbook

    names = {"Budget_2027_EKO.xlsx", "Budget 2027 Personalavdelningen.xlsx", "a.xlsx"}
    assert locked_workbook("~$Budget_2027_EKO.xlsx", names) == "Budget_2027_EKO.xlsx"
    # as Word names the owner file of a long name: its first two characters left out
    assert locked_workbook("~$dget_2027_EKO.xlsx", names) == "Budget_2027_EKO.xlsx"
    assert locked_workbook(".~lock.a.xlsx#", names) == "a.xlsx"
    assert locked_workbook("~$Budget_2027_PERS.xlsx", names) is None
