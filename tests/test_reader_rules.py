"""Each sheet- and cell-level rule, on a template filled and damaged the way people do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import TableColumn

from budgetbook import schema as S
from budgetbook.reader import read_return
from wb_builders import round_files


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("rules"))


def edited(rnd, tmp_path: Path, edit: Callable[[openpyxl.Workbook, S.Schema], None]):
    """Open a filled example return, apply `edit`, save, read it back."""
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])  # SPL: several verksamheter, one project
    edit(wb, schema)
    out = tmp_path / "Budget ändrad.xlsx"
    wb.save(out)
    result = read_return(out, settings, schema)
    return result, {(p.code, p.sheet, p.cell) for p in result.problems}


def col(schema: S.Schema, sheet: str, key: str) -> str:
    return S.xl_col(schema.sheet(sheet).index(key))


def test_every_problem_has_place_and_avdelning(rnd, tmp_path: Path) -> None:
    def edit(wb, schema):
        ws = wb["Drift"]
        ws[f"F{schema.sheet('drift').first_data_row}"] = "mycket"

    result, _ = edited(rnd, tmp_path, edit)
    assert result.problems
    for p in result.problems:
        assert p.file == "Budget ändrad.xlsx"
        assert p.sheet and p.avdelning == "SPL"


def test_cell_rules_drift(rnd, tmp_path: Path) -> None:
    settings = rnd[0]
    by = settings.budget_year

    def edit(wb, schema):
        ws = wb["Drift"]
        d = schema.sheet("drift")
        b, p1 = col(schema, "drift", f"budget_{by}"), col(schema, "drift", f"plan_{by + 1}")
        r = d.first_data_row
        ws[f"{b}{r}"] = "ca 300"  # BB301
        ws[f"{b}{r + 1}"] = "1 234,5"  # BB302 + BB303
        ws[f"{b}{r + 2}"] = 12.5  # BB303
        ws[f"{b}{r + 3}"] = -500  # BB304
        ws[f"{b}{r + 4}"] = "#REF!"  # BB305 (an error cell)
        ws[f"{b}{r + 5}"] = 700
        ws[f"{p1}{r + 5}"] = None  # BB406
        ws[f"{b}{r + 6}"] = "12 tkr"  # BB302

    result, found = edited(rnd, tmp_path, edit)
    r = 12
    b = "F"
    assert ("BB301", "Drift", f"{b}{r}") in found
    assert ("BB302", "Drift", f"{b}{r + 1}") in found
    assert ("BB303", "Drift", f"{b}{r + 1}") in found
    assert ("BB303", "Drift", f"{b}{r + 2}") in found
    assert ("BB304", "Drift", f"{b}{r + 3}") in found
    assert ("BB305", "Drift", f"{b}{r + 4}") in found
    assert ("BB406", "Drift", f"G{r + 5}") in found
    # the verksamhet named as the workbook lists it, as every drift message does
    planned = next(ln for ln in result.submission.drift if ln.row == r + 5)
    listed = settings.verksamhet_label(planned.verksamhet)
    assert listed.startswith(f"{planned.verksamhet} ") and len(listed) > len(planned.verksamhet) + 1
    bb406 = next(p.message for p in result.problems if p.code == "BB406")
    assert f"för {listed}," in bb406
    assert ("BB302", "Drift", f"{b}{r + 6}") in found
    line = next(ln for ln in result.submission.drift if ln.row == r + 6)
    assert line.amounts[by] == 12


def test_structure_rules(rnd, tmp_path: Path) -> None:
    def edit(wb, schema):
        wb["Risker"].title = "Risker och möjligheter"  # BB201
        ws = wb["Drift"]
        ws["K11"], ws["L11"] = ws["L11"].value, ws["K11"].value  # swap: BB204 twice
        ws["A60"] = "glömd rad"  # BB205 below the table
        inv = wb["Investeringar"]
        inv["B6"] = "Namn"  # BB203

    _, found = edited(rnd, tmp_path, edit)
    assert ("BB201", "Risker", "") in found
    assert ("BB204", "Drift", "L11") in found
    assert ("BB205", "Drift", "A60") in found
    assert ("BB203", "Investeringar", "B6") in found


def test_missing_prefilled_drift_row(rnd, tmp_path: Path) -> None:
    def edit(wb, schema):
        ws = wb["Drift"]
        ws["A12"] = "9999"

    _, found = edited(rnd, tmp_path, edit)
    # one finding, at the changed cell: the row is the prefilled one changed (it gave a
    # second BB206 without a cell for the row "missing", marked nowhere)
    assert [f for f in found if f[0] == "BB206"] == [("BB206", "Drift", "A12")]


def test_table_missing(rnd, tmp_path: Path) -> None:
    def edit(wb, schema):
        ws = wb["Internkontroll"]
        del ws.tables["Internkontroll"]
        for c in range(1, 6):
            ws.cell(row=6, column=c).value = None

    _, found = edited(rnd, tmp_path, edit)
    assert ("BB202", "Internkontroll", "") in found


def test_investment_rules(rnd, tmp_path: Path) -> None:
    settings = rnd[0]
    first = settings.investment_years[0]
    free = {}

    def edit(wb, schema):
        ws = wb["Investeringar"]
        top = schema.sheet("investeringar").first_data_row
        r = next(i for i in range(top, top + 30) if not ws[f"A{i}"].value) - 1
        free["row"] = r
        y = col(schema, "investeringar", f"inv_{first}")
        ws[f"A{r}"] = ws[f"A{top}"].value
        # a second project with the same id, no category and no description (BB404, BB405)
        ws[f"A{r + 1}"] = ws[f"A{r}"].value
        ws[f"B{r + 1}"] = "Dubblett"
        ws[f"D{r + 1}"] = "Ny"
        ws[f"{y}{r + 1}"] = 100
        # a project without amounts (BB410), with a category not in the list (BB307)
        ws[f"A{r + 2}"] = "X-1"
        ws[f"B{r + 2}"] = "Tomt projekt"
        ws[f"C{r + 2}"] = "Båtar"
        ws[f"D{r + 2}"] = "Ny"
        ws[f"K{r + 2}"] = "Beskrivning"
        # a year column added to the table (BB403)
        table = ws.tables["Investeringar"]
        table.ref = table.ref.replace("K", "L")
        table.tableColumns.append(TableColumn(id=12, name="Budget 2031"))
        ws["L6"] = "Budget 2031"
        ws[f"L{top}"] = 500

    result, found = edited(rnd, tmp_path, edit)
    r = free["row"]
    assert ("BB404", "Investeringar", f"A{r}") in found
    assert ("BB404", "Investeringar", f"A{r + 1}") in found
    assert ("BB405", "Investeringar", f"A{r + 1}") in found
    assert ("BB410", "Investeringar", f"A{r + 2}") in found
    assert ("BB307", "Investeringar", f"C{r + 2}") in found
    assert ("BB403", "Investeringar", "L7") in found
    codes = [p.code for p in result.problems]
    assert "BB306" not in codes  # category/description use BB405, not BB306
    project = result.submission.projects[0]
    assert project.cells[str(first)] == "F7"


def test_a_project_row_with_only_an_amount_is_named_plainly(rnd, tmp_path: Path) -> None:
    """An amount typed on an empty Investeringar row read "projektet ”” saknar
    kategori och beskrivning" to the department head."""
    settings = rnd[0]
    where = {}

    def edit(wb, schema):
        ws = wb["Investeringar"]
        top = schema.sheet("investeringar").first_data_row
        r = next(i for i in range(top, top + 30) if not ws[f"A{i}"].value)
        where["row"] = r
        ws[f"{col(schema, 'investeringar', f'inv_{settings.investment_years[0]}')}{r}"] = 400
        # and below it a row with only a category: no amounts either (BB410)
        ws[f"{col(schema, 'investeringar', 'category')}{r + 1}"] = settings.asset_categories[0].name

    result, _ = edited(rnd, tmp_path, edit)
    r = where["row"]
    messages = {(p.code, p.cell): p.message for p in result.problems}
    assert messages["BB405", f"A{r}"] == (
        f"Bladet Investeringar, cell A{r}: projektet saknar kategori och "
        "beskrivning. Fyll i kategori och beskrivning för projektet."
    )
    first, last = settings.investment_years[0], settings.investment_years[-1]
    assert messages["BB410", f"A{r + 1}"] == (
        f"Bladet Investeringar, cell A{r + 1}: projektet har inga belopp för "
        f"{first}–{last}. Fyll i beloppen eller ta bort raden."
    )
    named = [p.message for p in result.problems if p.code == "BB306"]
    assert any("Projektnamn" in m for m in named)  # the name is asked for as well


def test_other_sheets(rnd, tmp_path: Path) -> None:
    def edit(wb, schema):
        up = wb["Uppdrag"]
        up["B7"] = "nästa år"  # BB308
        up["C7"] = None  # BB306: status empty on a row with content
        wb["Texter"]["C7"] = "x" * 5000  # BB309
        wb["Mål och indikatorer"]["A7"] = "9.9 Påhittat mål"  # BB307

    _result, found = edited(rnd, tmp_path, edit)
    assert ("BB308", "Uppdrag", "B7") in found
    assert ("BB306", "Uppdrag", "C7") in found
    assert ("BB309", "Texter", "C7") in found
    assert ("BB307", "Mål och indikatorer", "A7") in found


def test_a_four_digit_year_out_of_range_is_not_told_to_use_four_digits(rnd, tmp_path: Path) -> None:
    """Regression: "2207" (a typo for 2027) got "Skriv året med fyra siffror", which it
    has; the message says which years are taken."""

    def edit(wb, schema):
        wb["Uppdrag"]["B7"] = 2207

    result, found = edited(rnd, tmp_path, edit)
    assert ("BB308", "Uppdrag", "B7") in found
    message = next(p.message for p in result.problems if p.code == "BB308")
    assert "”2207”" in message and "från 2000 till 2100" in message


def test_the_years_read_are_the_years_the_workbook_takes(rnd, tmp_path: Path) -> None:
    """The workbook's own check takes 2000–2100; the reader took 1900–2099, so 2100
    passed Excel and then failed collect (BB308), and 1999, refused by Excel, was read."""
    for year, refused in ((2100, False), (2000, False), (1999, True), (2101, True)):

        def edit(wb, schema, year=year):
            wb["Uppdrag"]["B7"] = year

        (tmp_path / str(year)).mkdir()
        result, found = edited(rnd, tmp_path / str(year), edit)
        assert (("BB308", "Uppdrag", "B7") in found) is refused, year
        if not refused:
            assert result.submission.uppdrag[0].start == year


def test_not_a_workbook(rnd, tmp_path: Path) -> None:
    settings, schema, _, _ = rnd
    bad = tmp_path / "trasig.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = read_return(bad, settings, schema)
    assert result.submission is None
    assert [p.code for p in result.problems] == ["BB100"]
    assert result.identity == {}


def test_foreign_workbook_has_no_identity(rnd, tmp_path: Path) -> None:
    settings, schema, _, _ = rnd
    path = tmp_path / "annan.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hej"
    wb.save(path)
    result = read_return(path, settings, schema)
    assert result.identity == {}
    assert result.submission is not None
    assert {p.code for p in result.problems} == {"BB201"}


def test_other_avdelnings_verksamhet_is_reported(rnd, tmp_path: Path) -> None:
    """A drift row naming a verksamhet of another avdelning is BB206 (checked against
    the settings, not against the workbook's own list of verksamheter)."""
    settings = rnd[0]
    mine = {v.code for v in settings.verksamheter_of(settings.avdelningar[3].code)}
    foreign = next(v.code for v in settings.verksamheter if v.code not in mine)

    def edit(wb, schema):
        ws = wb["Drift"]
        ws[f"A{schema.sheet('drift').first_data_row}"] = foreign

    _, found = edited(rnd, tmp_path, edit)
    first = rnd[1].sheet("drift").first_data_row
    assert ("BB206", "Drift", f"A{first}") in found


def _as_excel_writes_empty_cells(path: Path) -> None:
    """Rewrite `path`'s sheets as Excel saves them: an empty cell self-closing,
    `<c r="F16" s="23"/>` (openpyxl writes `<c r="F16" s="23" t="n"></c>`)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as src:
        parts = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<c ([^>]*?)(?: t="n")?></c>', rb"<c \1/>", data)
            dst.writestr(info, data)


def test_an_error_cell_after_an_empty_cell_as_excel_writes_it(rnd, tmp_path: Path) -> None:
    """A #REF! right after an empty styled cell, in a sheet as Excel saves it: the error
    scan took the empty cell `<c .../>` to end at the next `</c>`, so the error cell was
    read as an empty amount without BB305."""
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    d = schema.sheet("drift")
    b, p1 = (
        col(schema, "drift", f"budget_{settings.budget_year}"),
        col(schema, "drift", f"plan_{settings.budget_year + 1}"),
    )
    r = d.first_data_row + 4
    wb[d.name][f"{b}{r}"] = None  # empty, styled as the template styles it
    wb[d.name][f"{p1}{r}"] = "#REF!"  # an error cell
    out = tmp_path / "Budget excel.xlsx"
    wb.save(out)
    _as_excel_writes_empty_cells(out)
    result = read_return(out, settings, schema)
    found = {(p.code, p.sheet, p.cell) for p in result.problems}
    assert ("BB305", d.name, f"{p1}{r}") in found


def test_the_error_scan_keeps_each_cell_to_itself() -> None:
    """Self-closing cells, a cell with no end and many cells with no `</c>` after them
    (each start scanned the rest of the part again: ~5 s for 90 KB, minutes for 1 MB)."""
    from budgetbook.reader_parts import _scan_errors

    empty = b'<c r="B1" s="1"/>' * 3000
    xml = b'<c r="A1" t="e"/>' + empty + b'<c r="C1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    assert _scan_errors(xml) == {(0, 0): "#FEL", (0, 2): "#DIV/0!"}
    assert _scan_errors(b'<x:c r="A2" t="e"><x:v>#N/A</x:v></x:c><c r="B2" t="e">') == {
        (1, 0): "#N/A"
    }
    assert _scan_errors(b'<c r="A1" t="e"/>' + b'<c r="A1"/>' * 8000) == {(0, 0): "#FEL"}


def test_a_negative_amount_is_explained_for_its_own_sheet(rnd, tmp_path: Path) -> None:
    """Regression: a negative risk or investment amount was answered with "Intäkter och
    kostnader anges som positiva belopp", advice about the Drift sheet only. A negative
    risk typed with a minus, as the draft shows it, is the usual case."""
    settings = rnd[0]
    first = settings.investment_years[0]

    def edit(wb, schema):
        r = schema.sheet("drift").first_data_row
        wb["Drift"][f"{col(schema, 'drift', f'budget_{settings.budget_year}')}{r}"] = -5
        top = schema.sheet("investeringar").first_data_row
        wb["Investeringar"][f"{col(schema, 'investeringar', f'inv_{first}')}{top}"] = -200
        wb["Risker"][f"{col(schema, 'risker', 'negative')}7"] = -450

    result, _ = edited(rnd, tmp_path, edit)
    said = {p.sheet: p.message for p in result.problems if p.code == "BB304"}
    assert set(said) == {"Drift", "Investeringar", "Risker"}
    assert said["Drift"].endswith("Intäkter och kostnader anges som positiva belopp.")
    assert "Intäkter" not in said["Investeringar"] and "Intäkter" not in said["Risker"]
    assert "negativa risker anges som positiva belopp" in said["Risker"]


def test_riskvarde_is_a_whole_number_from_1_to_16(rnd, tmp_path: Path) -> None:
    """Regression: a riskvärde typed as a word was answered "är inte ett belopp. Skriv
    ett heltal i tkr", and 25 (the template allows 1–16) went into the draft unremarked."""

    def edit(wb, schema):
        ws, c = wb["Internkontroll"], col(schema, "internkontroll", "riskvarde")
        for r, (area, value) in enumerate(
            (("Inköp", "Hög"), ("Attest", 25), ("Personal", 0), ("Lön", "6"), ("IT", 16)), 7
        ):
            ws[f"A{r}"], ws[f"B{r}"], ws[f"D{r}"] = area, "En risk", "En kontroll"
            ws[f"E{r}"] = "Löpande"
            ws[f"{c}{r}"] = value

    result, found = edited(rnd, tmp_path, edit)
    c = "C"
    assert {f for f in found if f[1] == "Internkontroll"} == {
        ("BB310", "Internkontroll", f"{c}7"),
        ("BB310", "Internkontroll", f"{c}8"),
        ("BB310", "Internkontroll", f"{c}9"),
    }
    for p in result.problems:
        if p.sheet == "Internkontroll":
            assert "tkr" not in p.message and "1 till 16" in p.message
    values = {c.riskomrade: c.riskvarde for c in result.submission.controls}
    assert values["Lön"] == 6 and values["IT"] == 16 and values["Attest"] is None


def test_a_negative_amount_is_not_also_a_change_to_explain(rnd, tmp_path: Path) -> None:
    """Regression (a review filling a return as a head does): −300 typed where last year's
    budget was 300 gave BB304 and also BB402, asking for a comment on a change of
    −600 tkr that only the error made. The change rule waits for the amount."""
    from budgetbook import checks

    settings = rnd[0]
    by = settings.budget_year
    cell = {}

    def edit(wb, schema):
        ws = wb["Drift"]
        d = schema.sheet("drift")
        b = col(schema, "drift", f"budget_{by}")
        comment = col(schema, "drift", "comment")
        for r in range(d.first_data_row, ws.max_row + 1):
            old = ws[f"{col(schema, 'drift', 'budget_prior')}{r}"].value
            if isinstance(old, int) and old > settings.change_threshold_tkr:
                cell["amount"], cell["comment"] = f"{b}{r}", f"{comment}{r}"
                ws[f"{b}{r}"] = -old  # BB304, and a change of −2 × old
                ws[f"{comment}{r}"] = None
                return
        raise AssertionError("no line with a prior budget above the threshold")

    result, found = edited(rnd, tmp_path, edit)
    assert ("BB304", "Drift", cell["amount"]) in found
    settings, schema = rnd[0], rnd[1]
    changes = checks.change_problems(result.submission, settings, schema, result.problems)
    assert cell["comment"] not in {p.cell for p in changes}
    # without the reader's finding (the same line, read as a person corrected it) it is asked
    asked = checks.change_problems(result.submission, settings, schema)
    assert cell["comment"] in {p.cell for p in asked if p.code == "BB402"}
