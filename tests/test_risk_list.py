"""Each risk and möjlighet itself, not only a sum per avdelning: in the consolidation (a
view with every amount traced to its cell), in the consolidated workbook (a sheet a
controller filters) and in the Word draft's Risk- och känslighetsanalys (a table grouped
by avdelning). Before, the draft showed one sum per avdelning and no workbook named a
single risk, so a board member never learnt what the risks were ("Nothing is lost").

The example round's returns, filled further with openpyxl as a department head does."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pytest

from budgetbook import actions
from budgetbook.model import VIEW_RISKER, VIEW_RISKLISTA, RowKind
from budgetbook.schema import RISK_SHEET, build_schema
from budgetbook.workbook_out import write_consolidation
from budgetbook.workspace import init_workspace

EXAMPLE_INBOX = Path(__file__).resolve().parents[1] / "inbox"
MINUS = "\u2212"
COMMENT = "Ramavtalet indexregleras i april."
FORMULA_LIKE = "=SUMMA(B7:B9) enligt prognosen"
LIST_SHEET = "Risker och möjligheter"


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory):
    """The example round with EKO's risks rewritten: a negative risk with a comment, a
    möjlighet, and a risk whose comment looks like a formula."""
    ws = init_workspace(tmp_path_factory.mktemp("risklist") / "ws")
    for f in sorted(EXAMPLE_INBOX.glob("*.xlsx")):
        shutil.copyfile(f, ws.inbox / f.name)
    settings = ws.settings()
    sheet = build_schema(settings).sheet("risker")
    path = next(p for p in ws.inbox.iterdir() if "Ekonomiavdelningen" in p.name)
    wb = openpyxl.load_workbook(path)
    risks = wb[sheet.name]
    first = sheet.first_data_row
    for r in range(first, first + 12):
        for c in range(1, 5):
            risks.cell(r, c).value = None
    col = {key: sheet.index(key) + 1 for key in ("description", "positive", "negative", "comment")}
    for offset, (text, pos, neg, comment) in enumerate(
        (
            ("Högre priser på konsulttjänster", None, 250, COMMENT),
            ("Statsbidrag för civilt försvar", 400, None, ""),
            ("Högre räntor", 0, 1200, FORMULA_LIKE),
        )
    ):
        r = first + offset
        risks.cell(r, col["description"]).value = text
        risks.cell(r, col["positive"]).value = pos
        risks.cell(r, col["negative"]).value = neg
        cell = risks.cell(r, col["comment"])
        cell.value = comment or None
        if comment.startswith("="):  # typed with Excel's leading ' : a text, not a formula
            cell.data_type, cell.quotePrefix = "s", True
    wb.save(path)
    # one avdelning has not sent its workbook yet
    next(p for p in ws.inbox.iterdir() if "Kommungemensamma" in p.name).unlink()
    collected = actions.collect(ws.root)
    cons, workbook = actions.consolidate(ws.root, collected)
    draft = actions.report(ws.root, cons)
    return ws, settings, collected, cons, workbook, draft, path.name


def test_the_consolidation_lists_each_risk_in_avdelning_order_with_its_cells(ran) -> None:
    _, settings, collected, cons, _, _, eko_file = ran
    view = cons.views[VIEW_RISKLISTA]
    assert [c.heading for c in view.columns] == [
        "Risk eller möjlighet",
        "Avdelning",
        "Positiv risk",
        "Negativ risk",
        "Kommentar",
    ]
    order = [a.code for a in settings.avdelningar]
    subs = sorted(collected.submissions, key=lambda s: order.index(s.avdelning))
    names = {a.code: a.name for a in settings.avdelningar}
    expected = [(r.description, names[s.avdelning]) for s in subs for r in s.risks]
    data = view.data_rows()
    assert [(r.label, r.values["avdelning"]) for r in data] == expected
    eko = [r for r in data if r.values["avdelning"] == "Ekonomiavdelningen"]
    # as the per-avdelning view shows them: a negative risk with a minus, in every
    # convention; an empty amount empty
    assert [(r.values["positive"], r.values["negative"], r.values["comment"]) for r in eko] == [
        (None, -250, COMMENT),
        (400, None, None),
        (None, -1200, FORMULA_LIKE),
    ]
    assert eko[0].sources["negative"][0].at == (eko_file, RISK_SHEET, "EKO")
    assert eko[0].sources["negative"][0].cells == ("C7",)
    assert eko[1].sources["positive"][0].cells == ("B8",)
    assert "positive" not in eko[0].sources
    total = view.total_row()
    per_avd = cons.views[VIEW_RISKER].total_row()
    assert total is not None and per_avd is not None
    assert (total.values["positive"], total.values["negative"]) == (
        per_avd.values["positive"],
        per_avd.values["negative"],
    )


def test_the_workbook_has_a_sheet_of_the_risks_traced_in_källor(ran, tmp_path) -> None:
    _, settings, _, cons, workbook, _, eko_file = ran
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames.index(LIST_SHEET) == wb.sheetnames.index("Risker") + 1
    sheet = wb[LIST_SHEET]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert rows[0] == [
        "Risk eller möjlighet",
        "Avdelning",
        "Positiv risk",
        "Negativ risk",
        "Kommentar",
    ]
    eko = [r for r in rows if r[1] == "Ekonomiavdelningen"]
    assert eko == [
        ["Högre priser på konsulttjänster", "Ekonomiavdelningen", None, -250, COMMENT],
        ["Statsbidrag för civilt försvar", "Ekonomiavdelningen", 400, None, None],
        ["Högre räntor", "Ekonomiavdelningen", None, -1200, FORMULA_LIKE],  # text, no formula
    ]
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A4:E")
    källor = [[c.value for c in row] for row in wb["Källor"].iter_rows(min_row=5)]
    lines = [line for line in källor if line[0] == LIST_SHEET]
    assert [
        "Risker och möjligheter",
        "Högre priser på konsulttjänster",
        "Negativ risk",
        -250,
        "Ekonomiavdelningen",
        eko_file,
        RISK_SHEET,
        "C7",
    ] in lines
    # every amount of the sheet has its line (each risk its own cell)
    amounts = sum(1 for r in rows[1:] if r[1] for v in r[2:4] if v is not None)
    assert len(lines) == amounts + 2  # and the total's two
    # the same figures when costs are shown negative: risks never flip
    flipped = write_consolidation(
        cons, replace(settings, sign_convention="costs_negative"), tmp_path / "k.xlsx"
    )
    again = [[c.value for c in row] for row in openpyxl.load_workbook(flipped)[LIST_SHEET].rows]
    assert again == [[c.value for c in row] for row in sheet.rows]


def test_the_draft_shows_each_risk_under_its_avdelning_after_the_sums(ran) -> None:
    _, settings, collected, cons, _, draft, _ = ran
    document = docx.Document(str(draft))
    captions = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Caption"
    ]
    tables = [c for c in captions if c.startswith("Tabell")]
    sums = next(i for i, c in enumerate(tables) if c.endswith("Risk- och känslighetsanalys, tkr"))
    assert tables[sums + 1].endswith(": Risker och möjligheter per avdelning, tkr")
    table = document.tables[sums + 1]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Risk eller möjlighet", "Positiv risk", "Negativ risk", "Kommentar"]
    # each avdelning a heading row over its risks, in the settings' order
    headings = [row[0] for row in cells[1:] if len(set(row)) == 1]
    with_risks = {s.avdelning for s in collected.submissions if s.risks}
    assert headings == [a.name for a in settings.avdelningar if a.code in with_risks]
    at = next(i for i, row in enumerate(cells) if row[0] == "Ekonomiavdelningen")
    assert cells[at + 1 : at + 4] == [
        ["Högre priser på konsulttjänster", "", f"{MINUS}250", COMMENT],
        ["Statsbidrag för civilt försvar", "400", "", ""],
        ["Högre räntor", "", f"{MINUS}1\u00a0200", FORMULA_LIKE],
    ]
    total = cons.views[VIEW_RISKLISTA].total_row()
    assert total is not None and total.kind is RowKind.TOTAL
    assert cells[-1][0] == total.label and cells[-1][2].startswith(MINUS)
    # the source note under the table, as under the other tables
    body = [p.text for p in document.paragraphs]
    note = cons.views[VIEW_RISKLISTA].note
    assert note and note in body


def test_a_missing_avdelning_s_risks_are_said_to_be_missing(ran) -> None:
    """The per-avdelning risk table's note spoke of a missing avdelning's "budget- och
    planbelopp" and of the change on the total rows: a risk table has neither."""
    cons = ran[3]
    for key in (VIEW_RISKER, VIEW_RISKLISTA):
        note = cons.views[key].note
        assert "Godkänd inlämning saknas för Kommungemensamma kostnader" in note
        assert "risker" in note.split("Kommungemensamma kostnader")[1]
        assert "planbelopp" not in note and "förändringen" not in note


def test_risks_without_amounts_are_still_listed_in_the_draft(ws) -> None:
    """Review: a nämnd whose avdelningar name their risks but give no amount (hard to put
    a figure on; the comment says why) got "Inget underlag har lämnats för detta
    avsnitt." under Risk- och känslighetsanalys, and no list: only an amount in the sums
    counted as content, though each risk is now listed by name."""
    from budgetbook.report.namndplan import EMPTY_MARK

    sheet = build_schema(ws.settings()).sheet("risker")
    for path in sorted(ws.inbox.glob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        risks = wb[sheet.name]
        for r in range(sheet.first_data_row, sheet.first_data_row + 12):
            for key in ("positive", "negative"):
                risks.cell(r, sheet.index(key) + 1).value = None
        wb.save(path)
    collected = actions.collect(ws.root)
    cons, _ = actions.consolidate(ws.root, collected)
    listed = [r.label for r in cons.views[VIEW_RISKLISTA].data_rows()]
    assert listed  # the example's risks, by name, without an amount
    draft = actions.report(ws.root, cons)
    document = docx.Document(str(draft))
    texts = [p.text for p in document.paragraphs]
    # the section's heading (the last of its name: the contents list it first)
    at = len(texts) - 1 - texts[::-1].index("Risk- och känslighetsanalys")
    assert texts[at + 1] != EMPTY_MARK, texts[at : at + 3]
    assert any(t.endswith(": Risker och möjligheter per avdelning, tkr") for t in texts)
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert set(listed) <= cells


def test_a_long_comment_wraps_on_a_row_high_enough(ran, tmp_path) -> None:
    """Review: the sheet's Kommentar column is 42 characters wide and did not wrap, so a
    comment of a sentence or two ran out of the column, past the sheet's last column:
    printed one page wide, the whole sheet shrank to fit it. It wraps now, on a row
    made high enough (LibreOffice keeps a row without a height one line high), as does
    a comment with a line break (Alt+Enter)."""
    _, settings, _, cons, _, _, _ = ran
    view = cons.views[VIEW_RISKLISTA]
    long = (
        "Ramavtalet för konsulttjänster indexregleras i april. Om KPI stiger mer än två "
        "procent ökar kostnaden med upp till 250 tkr; avdelningen följer utvecklingen."
    )
    comments = {0: long, 1: "Beslut i maj.\nAvtal i juni."}
    rows = [
        replace(r, values={**r.values, "comment": comments[i]}) if i in comments else r
        for i, r in enumerate(view.rows)
    ]
    rows[2] = replace(rows[2], label="Högre räntor\npå nya lån")  # a description too
    changed = replace(cons, views={**cons.views, VIEW_RISKLISTA: replace(view, rows=rows)})
    path = write_consolidation(changed, settings, tmp_path / "k.xlsx")
    sheet = openpyxl.load_workbook(path)[LIST_SHEET]
    assert [c.value for c in sheet[4]][4] == "Kommentar"
    cell = sheet.cell(5, 5)
    assert cell.value == long and cell.alignment.wrap_text
    assert sheet.row_dimensions[5].height >= 13.5 * 3
    assert sheet.cell(6, 5).alignment.wrap_text and sheet.row_dimensions[6].height >= 27
    assert sheet.cell(7, 1).alignment.wrap_text and sheet.row_dimensions[7].height >= 27
    # a row whose texts fit keeps the sheet's own height
    fitting = [r for r in range(8, sheet.max_row) if len(str(sheet.cell(r, 5).value or "")) < 40]
    assert fitting and all(sheet.row_dimensions[r].height is None for r in fitting)
    assert sheet.column_dimensions["E"].width < 43  # 42 characters (Excel adds padding)


def test_the_comment_is_kept_off_the_figure_beside_it(ran) -> None:
    """Right-aligned, a negative risk ran into the comment left-aligned beside it
    ("-450Varje procentenhet …", and "Negativ riskKommentar" in the heading): the
    Kommentar column is indented, its heading too; the figures keep `#,##0`."""
    workbook = ran[4]
    sheet = openpyxl.load_workbook(workbook)[LIST_SHEET]
    head = [c for c in sheet[4]]
    col = [c.value for c in head].index("Kommentar")
    assert head[col - 1].value == "Negativ risk"
    body = [row[col] for row in sheet.iter_rows(min_row=5) if row[col].value]
    assert body
    for cell in (head[col], *body):
        assert (cell.alignment.horizontal, cell.alignment.indent) == ("left", 1), cell.coordinate
    assert {row[col - 1].number_format for row in sheet.iter_rows(min_row=5, max_row=8)} == {
        "#,##0"
    }
    assert head[1].alignment.indent == 0  # Avdelning, right of a text: as it was
