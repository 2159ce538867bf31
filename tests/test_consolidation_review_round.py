"""The example round's konsolidering workbook and Word draft as a reviewer read them,
written by our writers (`actions.run`) and read back with openpyxl and python-docx."""

from __future__ import annotations

import docx
import openpyxl
import pytest

from budgetbook import actions
from wb_builders import round_files

pytestmark = pytest.mark.slow

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    ws = tmp_path_factory.mktemp("review")
    settings, _, _, _ = round_files(ws)
    result = actions.run(ws)
    assert result.valid, result.collected.problems
    return settings, result.outputs


@pytest.fixture(scope="module")
def workbook(outputs):
    _, paths = outputs
    return openpyxl.load_workbook(paths["konsolidering"])


@pytest.fixture(scope="module")
def draft(outputs):
    _, paths = outputs
    return docx.Document(str(paths["namndplan"]))


def _sheet_rows(ws) -> dict[str, list]:
    """A view's rows from row 5 by their label, each its cells' values."""
    return {
        row[0]: list(row[1:])
        for row in ws.iter_rows(min_row=5, values_only=True)
        if row[0] is not None
    }


def _draft_table(document, first_heading: str, contains: str) -> list[list[str]]:
    for table in document.tables:
        head = [c.text for c in table.rows[0].cells]
        if head[0] == first_heading and contains in head:
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table {first_heading!r} with {contains!r}")


def test_decided_totals_grand_total_reads_consistently(workbook, draft):
    """Review: the grand total read 35 100 / 26 000 / 13 900, the decided total and its
    difference of the ongoing projects beside the plan of all of them (35 100 − 26 000
    ≠ 13 900). The new projects have no decided total: the grand total shows only the
    plan's sum, in the workbook and the draft alike; the subtotals keep theirs."""
    rows = _sheet_rows(workbook["Beslutad totalutgift"])
    assert rows["Summa pågående projekt"] == [None, 35100, 21200, 13900]
    assert rows["Summa nya projekt"] == [None, None, 4800, None]
    assert rows["Summa investeringar"] == [None, None, 26000, None]
    notes = [r[0] for r in workbook["Beslutad totalutgift"].iter_rows(values_only=True)]
    note = next(n for n in notes if n and n.startswith("Beslutad − summa är"))
    assert "så raden Summa investeringar visar ingen beslutad totalutgift" in note
    assert "på en summarad avser bara projekten med beslut" not in note

    table = _draft_table(draft, "Projekt", "Beslutad totalutgift")
    by_label = {row[0]: row[1:] for row in table}
    assert by_label["Summa pågående projekt"] == [
        "",
        f"35{NBSP}100",
        f"21{NBSP}200",
        f"13{NBSP}900",
    ]
    assert by_label["Summa investeringar"] == ["", "", f"26{NBSP}000", ""]
    texts = [p.text for p in draft.paragraphs]
    assert any("så raden Summa investeringar visar ingen beslutad" in t for t in texts)


def _note(ws) -> str:
    """The note under a view's table: the last text in column A."""
    return next(
        v for (v,) in reversed(list(ws.iter_rows(min_col=1, max_col=1, values_only=True))) if v
    )


def test_every_drift_sheet_names_the_decisions_its_figures_come_from(outputs, workbook):
    """Drift per kontogrupp and Brutto per avdelning lacked the note naming the
    decisions behind the prior year's figures that the other drift sheets carry
    (review; domain: under every budget table). Brutto shows no prognos: budget only."""
    settings, _ = outputs
    budget, prognos = settings.source_budget, settings.source_prognos
    assert budget.startswith("Budget 2026 avser") and prognos.startswith("Prognos 2026 avser")
    for sheet in ("Drift per avdelning", "Drift per verksamhet", "Drift per kontogrupp"):
        assert _note(workbook[sheet]).startswith(f"{budget} {prognos}"), sheet
    kontogrupp = _note(workbook["Drift per kontogrupp"])
    assert kontogrupp.endswith("Summan är nettokostnaden.")
    brutto = _note(workbook["Brutto per avdelning"])
    assert brutto.startswith(budget) and prognos not in brutto
    assert "Prognos" not in " ".join(c.value for c in workbook["Brutto per avdelning"][4])


def test_every_sheet_sets_its_heading_row_height(workbook):
    """The list sheets' heading row had no height: LibreOffice kept it one line high and
    a wrapped heading ("Tidpunkt för rapportering") spilled above the blue band (review).
    Every sheet's heading row (row 4) is as high as the views' two lines."""
    assert {"Mål och indikatorer", "Uppdrag", "Internkontroll", "Texter", "Källor"} <= set(
        workbook.sheetnames
    )
    for ws in workbook:
        assert ws.row_dimensions[4].height == 30, ws.title
    assert workbook["Internkontroll"].cell(4, 5).value == "Tidpunkt för rapportering"
    assert workbook["Internkontroll"].cell(4, 5).alignment.wrap_text


def test_no_filter_where_subtotals_or_headings_sit_among_rows(workbook):
    """The filters took in subtotal and heading rows (Drift per kontogrupp A4:J13 with
    "Summa intäkter" and "Summa kostnader"; Beslutad totalutgift A4:E16; Kapitalkostnader
    A4:G16): a sort moved a "Summa" row among the data (review). Those sheets have no
    filter; a sheet of data rows and one total keeps its filter, ending above the total."""
    for name in ("Drift per kontogrupp", "Beslutad totalutgift", "Kapitalkostnader"):
        ws = workbook[name]
        labels = [r[0] for r in ws.iter_rows(min_row=5, max_col=1, values_only=True)]
        assert any(str(v).startswith("Summa") for v in labels[:-3]), name  # a subtotal
        assert ws.auto_filter.ref is None, name
    kept = {
        "Drift per avdelning": "A4:J12",
        "Drift per verksamhet": "A4:J17",
        "Brutto per avdelning": "A4:G12",
        "Budget mot ram": "A4:J12",
        "Investeringar pågående": "A4:G9",
        "Investeringar nya": "A4:G7",
        "Investeringar per kategori": "A4:F9",
        "Risker": "A4:D12",
        "Risker och möjligheter": "A4:E20",
    }
    for name, ref in kept.items():
        ws = workbook[name]
        assert ws.auto_filter.ref == ref, name
        below = int(ref.rsplit(":", 1)[1][1:]) + 1
        assert str(ws.cell(below, 1).value).startswith("Summa"), name
        assert not any(str(ws.cell(r, 1).value).startswith("Summa") for r in range(5, below)), name
    for name in ("Mål och indikatorer", "Uppdrag", "Internkontroll", "Texter", "Källor"):
        assert workbook[name].auto_filter.ref.startswith("A4:"), name
