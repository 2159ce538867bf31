"""The consolidated workbook: written by us, read back with openpyxl as Excel would."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from budgetbook import model as m
from budgetbook.consolidate import consolidate
from budgetbook.errors import OutputError
from budgetbook.workbook_out import SHEET_NAMES, write_consolidation
from cons_builders import drift_sub, project, risk, small_settings
from wb_builders import empty_texts

A_LINES = {
    ("A1", "intakter"): (110, 110, 110),
    ("A1", "personal"): (650, 660, 670),
    ("A2", "personal"): (420, 430, 440),
    ("A2", "kapital"): (60, 60, 60),
}
HOSTILE = ['=HYPERLINK("http://evil")', "+46 8 123", "-1+2", "@SUM(A1)"]


def round_(settings):
    a = drift_sub(
        "A",
        A_LINES,
        projects=[
            project("P1", HOSTILE[0], "IT", "Ny", {2027: 3000}, 3000),
            project("P2", "Tomtköp", "Mark", "Pågående", {2027: 20000}, 25000, row=8),
        ],
        risks=[risk("Bidrag", 200), risk("Hyra", 0, 500)],
        uppdrag=[m.Uppdrag(HOSTILE[1], 2027, "Påbörjad", HOSTILE[2])],
        controls=[m.ControlPoint("Ekonomi", HOSTILE[3], "Stickprov", "Delårsrapport", 6)],
        texts={"verksamhet": "=1+1 är ingen formel här."},
        goals=[m.GoalRow("1.1", "Andel trygga", target="70")],
    )
    # the same indicator from both: the consolidation's own finding (BB409), for the
    # Problem sheet (a return's capital cost against its drift rows is found at collect)
    b = drift_sub(
        "B",
        {("B1", "personal"): (480, 490, 500)},
        goals=[m.GoalRow("1.1", "Andel trygga", target="70")],
    )
    return consolidate([a, b], settings)


@pytest.fixture
def written(tmp_path):
    settings = small_settings(tmp_path / "ws")
    cons = round_(settings)
    path = write_consolidation(cons, settings, tmp_path / "output" / "konsolidering_2027.xlsx")
    return cons, settings, path


def test_one_sheet_per_view_plus_sources_and_problems(written):
    cons, _, path = written
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    assert names[: len(cons.views)] == [SHEET_NAMES[k] for k in cons.views]
    assert "Källor" in names and "Problem" in names
    assert {"Uppdrag", "Internkontroll", "Mål och indikatorer", "Texter"} <= set(names)
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_values_formats_and_layout(written):
    _, _, path = written
    wb = openpyxl.load_workbook(path)
    ws = wb["Drift per avdelning"]
    assert ws["A1"].value == "Tabell: Driftbudget per avdelning"
    header = [c.value for c in ws[4]]
    assert header[:4] == ["Avdelning", "Budget 2026", "Prognos 2026", "Budget 2027"]
    assert ws.freeze_panes == "B5"
    assert ws.auto_filter.ref == "A4:J6"  # the avdelningar; the total row below it
    rows = {ws.cell(r, 1).value: r for r in range(5, 8)}
    total = rows["Summa kommunstyrelsen"]
    assert [ws.cell(total, c).value for c in range(2, 5)] == [1400, 1420, 1500]
    assert ws.cell(total, 1).font.b and ws.cell(total, 2).font.b
    assert not ws.cell(rows["Avdelning A"], 2).font.b
    assert ws.cell(total, 2).number_format == "#,##0"
    pct_col = header.index("Förändring B2026–B2027, %") + 1
    assert ws.cell(total, pct_col).number_format == "0 %"
    assert ws.cell(total, pct_col).value == pytest.approx(100 / 1400)
    assert ws.column_dimensions["A"].width >= 20
    assert "Budget 2026 enligt KF." in ws.cell(9, 1).value


def test_no_formulas_and_texts_stay_text(written):
    _, _, path = written
    wb = openpyxl.load_workbook(path)
    texts = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    assert set(HOSTILE) <= texts
    assert "=1+1 är ingen formel här." in texts


def test_sources_sheet_traces_figures(written):
    _, _, path = written
    ws = openpyxl.load_workbook(path)["Källor"]
    header = [c.value for c in ws[4]]
    assert header == ["Vy", "Rad", "Kolumn", "Värde", "Avdelning", "Fil", "Blad", "Cell eller rad"]
    lines = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=5)]
    assert (
        "Drift per verksamhet",
        "Verksamhet A1",
        "Budget 2027",
        540,
        "Avdelning A",
        "A.xlsx",
        "Drift",
        "F7:F8",  # one line per figure and file, its cells as a range (issue 8)
    ) in lines
    assert (
        "Drift per verksamhet",
        "Verksamhet A1",
        "Budget 2026",
        500,
        "Avdelning A",
        "prior.csv",
        None,
        "rad 2–3",
    ) in [(*line[:6], line[6] or None, line[7]) for line in lines]
    assert any(line[0] == "Investeringar nya" and line[7] == "F7" for line in lines)
    total = [
        line
        for line in lines
        if line[:3] == ("Drift per avdelning", "Summa kommunstyrelsen", "Budget 2027")
    ]
    assert [(line[3], line[7]) for line in total] == [(1500, "summa av raderna ovan")]
    # every figure of every view has at least one line
    wb = openpyxl.load_workbook(path)
    traced = {(line[0], line[1], line[2]) for line in lines}
    for name in ("Drift per verksamhet", "Budget mot ram", "Kapitalkostnader"):
        sheet = wb[name]
        heads = [c.value for c in sheet[4]]
        for row in sheet.iter_rows(min_row=5, max_row=sheet.auto_filter.ref and sheet.max_row):
            for cell, head in zip(row[1:], heads[1:], strict=False):
                if isinstance(cell.value, int | float):
                    assert (name, row[0].value, head) in traced


def test_problem_sheet_lists_the_consolidations_findings(written):
    _, _, path = written
    ws = openpyxl.load_workbook(path)["Problem"]
    codes = [ws.cell(r, 1).value for r in range(5, ws.max_row + 1)]
    assert codes == ["BB409"]
    assert ws.row_dimensions[4].height == 30  # its headings' row as high as every sheet's


def test_a_cell_with_nothing_to_show_is_empty_not_an_empty_text(written):
    """Källor's lines of a total (no avdelning, file or sheet) or of a settings file (no
    sheet), and a consolidation problem without a file: Excel counts a text "" as a
    filled cell (COUNTA, Ctrl+arrow) and its filter's "(Tomma)" does not find it."""
    _, _, path = written
    wb = openpyxl.load_workbook(path)
    assert empty_texts(wb) == []
    sources = wb["Källor"]
    total = next(r for r in sources.iter_rows(min_row=5) if r[7].value == "summa av raderna ovan")
    assert [c.value for c in total[4:7]] == [None, None, None]
    problems = wb["Problem"]
    found = next(r for r in problems.iter_rows(min_row=5) if r[0].value == "BB409")
    assert [c.value for c in found[3:]] == [None, None, None, None]


def test_a_heading_that_looks_like_a_number_is_not_flagged_as_one(written):
    """Kapitalkostnader's headings "2027" … "2030" and Källor's Kolumn of those lines are
    text, as they must be: Excel marked each with a green triangle, "the number in this
    cell is formatted as text", until the sheet told it they are meant so."""
    _, _, path = written
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb["Kapitalkostnader"][4]][-4:] == ["2027", "2028", "2029", "2030"]
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            xml = zf.read(name).decode("utf-8")
            ignored = re.search(r"<ignoredError ([^>]*)/>", xml)
            assert ignored and 'numberStoredAsText="1"' in ignored.group(1), name
            assert 'sqref="A1:XFD1048576"' in ignored.group(1), name


def test_costs_negative_flips_signed_columns_only(tmp_path):
    settings = small_settings(tmp_path / "ws", "costs_negative")
    cons = round_(settings)
    path = write_consolidation(cons, settings, tmp_path / "k.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Drift per avdelning"]
    total = [c.value for c in ws[7]]
    assert total[1:4] == [-1400, -1420, -1500]
    assert total[6] == -100 and total[7] == pytest.approx(-100 / 1400)
    post = wb["Drift per kontogrupp"]
    assert post["B5"].value == 100  # revenue shown positive
    risks = wb["Risker"]
    assert [c.value for c in risks[5]][1:] == [200, -500, -300]  # risks never flip
    assert "intäkter visas som positiva belopp" in ws["A2"].value


@pytest.mark.parametrize("sign", ["net_cost_positive", "costs_negative"])
def test_a_negative_percentage_shown_as_0_is_stored_as_0(tmp_path, sign):
    """−1 of 450 tkr is −0,2 %: the draft shows "0 %", but Excel showed "-0 %" for the
    stored −0.0022 (it takes the minus sign from the value before rounding). Such a %
    is stored as 0, in the view and in Källor, never as −0.0; the same change shown
    positive (costs_negative) keeps its decimals. Every tkr figure is a whole number."""
    import math

    from budgetbook import fmt

    settings = small_settings(tmp_path / "ws", sign)
    a = drift_sub("A", A_LINES)
    b = drift_sub("B", {("B1", "personal"): (449, 450, 450)})  # prior 450: −1 tkr
    cons = consolidate([a, b], settings)
    path = write_consolidation(cons, settings, tmp_path / "k.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Drift per avdelning"]
    header = [c.value for c in ws[4]]
    pct_col = header.index("Förändring B2026–B2027, %")
    row = next(r for r in ws.iter_rows(min_row=5) if r[0].value == "Avdelning B")
    assert row[pct_col - 1].value == (1 if sign == "costs_negative" else -1)
    shown = row[pct_col].value
    expected = 1 / 450 if sign == "costs_negative" else 0.0
    assert shown == pytest.approx(expected) and math.copysign(1, shown) == 1
    assert fmt.pct(cons.views["drift_avdelning"].rows[1].values["chg_bb_pct"]) == "0\u00a0%"
    lines = [
        [c.value for c in line]
        for line in wb["Källor"].iter_rows(min_row=5)
        if line[0].value == "Drift per avdelning" and line[1].value == "Avdelning B"
    ]
    pcts = [line[3] for line in lines if line[2] == "Förändring B2026–B2027, %"]
    assert pcts == [pytest.approx(expected)]
    for sheet in wb:
        for r in sheet.iter_rows():
            for cell in r:
                if cell.number_format == "0 %" and isinstance(cell.value, float):
                    assert math.copysign(1, cell.value) == 1 or fmt.pct(cell.value) != "0\u00a0%"
                if cell.number_format == "#,##0" and cell.value is not None:
                    assert float(cell.value).is_integer(), (sheet.title, cell.coordinate)


def test_write_is_atomic_and_keeps_old_file_on_failure(tmp_path, written):
    cons, settings, path = written
    before = path.read_bytes()
    broken = m.Consolidation(cons.year, {"x": None})  # type: ignore[dict-item]
    with pytest.raises(AttributeError):
        write_consolidation(broken, settings, path)
    assert path.read_bytes() == before
    assert list(path.parent.iterdir()) == [path]


@pytest.mark.slow
def test_opens_in_libreoffice(written, tmp_path):
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    _, _, path = written
    out = tmp_path / "pdf"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = out / "konsolidering_2027.pdf"
    assert pdf.exists() and pdf.stat().st_size > 5000


def _open_files_under(folder) -> list[str]:
    """Files under `folder` this process still has open (Linux /proc)."""
    fds = Path("/proc/self/fd")
    found = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_value_excel_cannot_take_is_a_swedish_error_and_closes_the_file(tmp_path, written):
    cons, settings, path = written
    before = path.read_bytes()
    table = next(iter(cons.views.values()))
    row = next(r for r in table.rows if r.kind == m.RowKind.DATA)
    key = next(c.key for c in table.columns if c.key != "label")
    row.values[key] = math.nan
    with pytest.raises(OutputError, match="kan inte skrivas till Excel") as info:
        write_consolidation(cons, settings, path)
    assert "Kunde inte skriva konsolidering_2027.xlsx" in str(info.value)
    assert "ZIP" not in str(info.value)
    assert _open_files_under(path.parent) == []  # the temporary file was closed, not leaked
    assert path.read_bytes() == before
    assert list(path.parent.iterdir()) == [path]


def test_sheet_names_never_start_or_end_with_an_apostrophe():
    from budgetbook.workbook_out import sheet_name

    used: set[str] = set()
    assert sheet_name("x", "'Citerad' tabell'", used) == "Citerad' tabell"
    assert sheet_name("y", "Bell\x07[1]", used) == "Bell1"


def test_every_sheet_prints_with_a_header_page_numbers_and_its_heading_row(written):
    """A printout of 30 pages said neither whose it was nor which page; the lists
    (goals, uppdrag, controls, texts, problems) lost their heading row after page 1."""
    _, _, path = written
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        assert ws.oddHeader.left.text == "Testkommun, Kommunstyrelsen", ws.title
        assert ws.oddHeader.center.text == ws.title
        assert ws.oddHeader.right.text == "Konsolidering nämndplan 2027", ws.title
        assert ws.oddFooter.center.text == "Sida &P av &N", ws.title
        assert ws.print_title_rows == "$4:$4", ws.title
        assert ws.cell(4, 1).value and ws.cell(4, 1).font.b, ws.title


def test_a_long_total_label_and_file_names_are_not_cut_off(tmp_path):
    """'Summa nämnden för arbetsmarknad, vuxenutbildning och social välfärd' was cut
    at 55 characters; Källor cut a return's name at 28 and ran the avdelning into the
    figure before it ("30 000PORT")."""
    from budgetbook.settings import load_settings

    small_settings(tmp_path / "ws")
    toml = tmp_path / "ws" / "budgetbook.toml"
    namnd = "Nämnden för arbetsmarknad, vuxenutbildning och social välfärd"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('name = "Kommunstyrelsen"', f'name = "{namnd}"'),
        encoding="utf-8",
    )
    settings = load_settings(toml)
    path = write_consolidation(round_(settings), settings, tmp_path / "k.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Drift per avdelning"]
    total = next(c for c in ws["A"] if c.value and str(c.value).startswith("Summa"))
    assert total.value == f"Summa {namnd[0].lower()}{namnd[1:]}"
    assert ws.column_dimensions["A"].width >= len(total.value)
    sources = wb["Källor"]
    assert [c.value for c in sources[4]][4:6] == ["Avdelning", "Fil"]
    assert sources.column_dimensions["F"].width >= 40
    # the figure keeps a space before the avdelning's name beside it
    assert sources["D5"].number_format == "#,##0_-"
    assert sources["E5"].value == "Avdelning A"


def test_sorting_a_view_leaves_its_total_row_below(written):
    """The filter (and so Excel's sort) took in each view's total row: sorting a column
    moved "Summa kommunstyrelsen" in among the avdelningar. It now ends above the
    total, as an Excel table's total row stands outside its sort."""
    cons, _, path = written
    wb = openpyxl.load_workbook(path)
    checked = 0
    for key, table in cons.views.items():
        ws = wb[SHEET_NAMES[key]]
        if any(row.kind in (m.RowKind.SUBTOTAL, m.RowKind.HEADING) for row in table.rows):
            continue  # no filter (test_consolidation_review_round)
        end = int(re.sub(r"^[A-Z]+\d+:[A-Z]+", "", ws.auto_filter.ref))
        labels = [ws.cell(r, 1).value for r in range(5, 5 + len(table.rows))]
        totals = [i for i, row in enumerate(table.rows) if row.kind is m.RowKind.TOTAL]
        if totals and totals[-1] == len(table.rows) - 1:
            assert labels[end - 5 + 1] == table.rows[-1].label, key
            assert end == 4 + len(table.rows) - 1, key
            checked += 1
        else:
            assert end == max(4 + len(table.rows), 4), key
    assert checked >= 5
