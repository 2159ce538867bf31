"""Generate docs/validation-rules.md from `rules.RULES` (run: python -m budgetbook.docs_gen).

`make docs` runs this; a test compares the committed file with `render()` so the
documentation can never drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import rules

HEADER = """\
# Validation rules

Generated from `src/budgetbook/rules.py` by `make docs` (`python -m budgetbook.docs_gen`);
do not edit by hand — a test fails when this file and the code differ.

Every problem budgetbook finds in a returned workbook has a stable code, a severity
(`fel` blocks the return from consolidation, `varning` does not), a level (file, sheet,
cell, row, or round = across returns) and a Swedish message naming the place (file,
sheet, cell) and what to do. `{plats}` becomes "Bladet Drift, cell F12"; `{fil}` the
file name; the other `{…}` fields are filled from the finding.

Codes: BB1xx file, BB2xx structure, BB3xx cells, BB4xx content, BB5xx across returns.
All problems are collected before reporting; one bad cell never hides the others.

Prior-year figures on `Drift` (BB206, BB506): every output takes them from the
prior-year CSV, never from a return. A return that shows the figures its template was
written with, where the finance office has changed the CSV since, is no problem of the
department head's: the finance office gets one BB506 for the round (no file, so it is in
no feedback workbook). A return showing anything else there had a locked cell typed over:
BB206, at the typed-over cell (the first of the row's two). How the two are told apart, also for templates written before the record existed:
docs/template-format.md, "How values are read". BB402 compares with the CSV's budget
now, as the draft's change columns do: a change that becomes large with the corrected
figure needs its comment for the nämndplan, although the workbook showed a smaller one.

Settings changed after the workbooks went out, as they normally are (the templates go
out before KF decides the ramar; a verksamhet is added to an avdelning, moved or closed):
no problem of the department head's. A ram changed since: the return is checked against
the ram now (BB401), and where it misses it BB401 says that the ram has changed since the
workbook was sent, with the ram the workbook showed; the feedback copy shows the new ram
on `Drift` (its Differens mot ramen and sentence computed for it) and on `Instruktioner`,
and the finance office gets one BB511 for the round naming the workbooks showing an earlier
ram, to send new ones (`budgetbook templates`) or tell the heads. A verksamhet added to
the avdelning since (or a driftpost) is one BB209 (an error: the budget lacks it, and
the office sends a new workbook, made with `budgetbook templates`: the feedback copy's
first line says so, and the Status sheet's e-mail reads "Mejla, bifoga nya
Budget_<year>_<code>.xlsx") at the row where it would stand, not a BB206 per driftpost; a verksamhet the return has that is no longer the avdelning's (removed from
the round or moved to another avdelning) is one BB210 (a warning) at its first row, and
its rows are not counted. A prefilled row the head deleted or changed is BB206 at the
cell where it was expected or that was changed, saying which. How they are told apart,
also for templates written before the records existed: docs/template-format.md, "How
values are read".

Uppdrag on `Uppdrag` (BB413, BB508, BB509): an uppdrag the template prefilled that the
return lacks (its row deleted or its text reworded) is the department head's to undo,
BB413. An uppdrag added to budgetbook.toml after the workbooks went out is on no return
written before; the head is not told, the finance office gets one BB508 for the round
naming the uppdrag and the avdelningar, and the draft shows it without their status. An
uppdrag withdrawn from the settings since is left out of the draft. One the office
reworded since (a typo fixed) is answered by its earlier wording: where the answer
surely belongs to the new wording (the same place among the uppdrag kept, clearly alike
texts, one to one; docs/settings.md), its status and comment are carried over and the
office gets one BB509 per uppdrag naming both wordings, to check that it is the same
uppdrag; otherwise the new wording counts as added, and BB508 names the earlier wording
the return answers and its cell. The head is told neither. How they are told apart,
also for templates written before the record existed: docs/template-format.md, "How
values are read".

A file that cannot be read (BB100): `{atgard}` fits the reason `{orsak}`. Another
spreadsheet format (.xls, .ods, .xlsb) or a file the reader failed on: open it in Excel
(or LibreOffice Calc), save it as an Excel workbook (.xlsx) and send it again. A PDF, a
Word document or any other file that is no workbook: send the filled Excel workbook
instead, named (`Budget_<year>_<code>.xlsx`) when the file's name tells whose it is. An
empty file (0 bytes): the saving or the transfer was most likely cut off; check that the
workbook opens and holds the entries, and send it again. A damaged package: check that it
opens, save it as .xlsx and send it again. A file that could not be opened here (held by
another program): it is read at the next run. The Status sheet's e-mail ("Mejla om
filen") quotes the message.

A lock file in inbox/ (BB109, Excel's `~$Name.xlsx` or LibreOffice's `.~lock.Name#`):
when the workbook it locks is in inbox/ and was read in the same run, `{atgard}` says
so (it was read as last saved; what is saved while it is open is read next time);
otherwise it says to close the workbook, whose saved file is read next time.

A return whose avdelning code is not in the settings (BB104) is the finance office's to
sort out (it gets no feedback workbook and no e-mail). Most often the code was changed in
budgetbook.toml after the workbooks went out: when the workbook's name (its title), the
verksamheter of its Drift rows or the file's name match exactly one avdelning without a
return, `{atgard}` names that avdelning, says what matched, and to write back the code
the workbook has (or to send a new workbook to transfer the entries to); that
avdelning's BB501 names the file, and the Status sheet has no reminder for it (the head
did send the workbook) but a note, as has `collect`'s status line. Otherwise `{atgard}`
says to check the codes in budgetbook.toml and that the file is this round's workbook.

A workbook of another round (BB105), most often last year's filled again: `{atgard}`
names this year's workbook (`Budget_<year>_<code>.xlsx`) to fill and send, and the office
sends it again when it is gone; for an earlier year's workbook it adds that it is not
taken in, that the texts can be copied from the old file and that the amounts, standing
under other years, are typed anew. Its feedback workbook's first line and the Status
sheet's e-mail say the same: the e-mail's link reads "Mejla, bifoga Budget_<year>_<code>.xlsx"
(this year's workbook, from `workbook_templates/`), not the feedback.

A workbook with nothing entered (BB110), most often the template sent back as handed
out: this one finding replaces those its empty cells gave (BB411 per prefilled Drift
row, BB306 per given uppdrag, BB401 per year). Only the template's own content is no
entry (Drift's rows and prior-year figures, the given uppdrag, Texter's titles); one
typed amount (0 too), text, status, comment, project, indicator, risk or control point
is, and so is anything the reader finds fault with (text in an amount cell, data outside
a table, a renamed sheet): such a return gets its ordinary findings. A blank workbook
that gives no error otherwise stands (an avdelning asked for nothing: every prior budget
and ram 0). Its feedback workbook's first line and the Status sheet's e-mail ("Mejla om
arbetsboken") ask for the workbook to be filled in and sent again.

Kapitalkostnader on `Drift` (BB408): the Instruktioner sheet tells each head that the
avdelning's capital-cost row (driftposter with `capital = true`; one per verksamhet,
added up) is the prior year's budget plus the kapitalkostnad of the spend on
`Investeringar`. BB408 checks that for each return at collect, per budget and plan year,
computed as the consolidation computes the nämnd's (rounded per project and year; the
base the avdelning's own lines in the prior-year CSV), so the avdelningar's figures add
up to the nämnd's. It is marked at the row most likely to correct (of several: the one
whose own change is the whole difference, else the one that changed most, else the
first) and names every row's cell. An avdelning without projects is checked too (its
rows stay at last year's budget; a rise is most often a project left off
`Investeringar`). Not checked: with no driftpost marked `capital = true`; for a return
with a project whose spend has an unknown category (BB307, BB405); in a year whose
capital amount has an error or is left empty where the reader asks for one (BB301,
BB406, BB411); when a project's spend has an error. The head fixes that first. Until
this check per return, BB408 compared the nämnd's totals at consolidation, with no
place; every accepted return is checked now, and the consolidation no longer repeats
their sum.

Indicator values for other years (BB507, from the settings alone, once for the round):
the draft's indicator tables show each indicator's `values` by year beside the target,
and the Mål och indikatorer sheet asks for the two years before the budget year. A value
in budgetbook.toml for any other year (most often last year's values left by
`init --from`) is named with the years to write instead.

"""


def render() -> str:
    return HEADER + rules.docs_table()


def default_path() -> Path:
    """docs/validation-rules.md of the source checkout this module lives in."""
    return Path(__file__).resolve().parents[2] / "docs" / "validation-rules.md"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
