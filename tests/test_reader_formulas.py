"""Formulas a department head types into input cells: read as the value Excel saved with
them; without one (a file saved by a program that does not compute, as openpyxl) the
cell is reported as a formula without a computed value (BB311), never as "måste fyllas
i" and never silently as empty; with an error saved as its value, as that error (BB305).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from budgetbook import schema as S
from budgetbook.formula_cells import UncomputedFormulas
from budgetbook.model import Severity
from budgetbook.problem_report import write_feedback
from budgetbook.reader import ReadResult, read_return
from wb_builders import both_ways, round_files


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("formulas"))


def col(schema: S.Schema, sheet: str, key: str) -> str:
    return S.xl_col(schema.sheet(sheet).index(key))


def found(result: ReadResult) -> set[tuple[str, str, str]]:
    return {(p.code, p.sheet, p.cell) for p in result.problems}


def typed_formulas(rnd, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A filled example return in which a person typed formulas into input cells, saved
    by openpyxl (which saves no computed values). Returns the file and the cells."""
    settings, schema, _, returns = rnd
    by = settings.budget_year
    wb = openpyxl.load_workbook(returns[3])  # SPL: several verksamheter, one project
    drift, inv, risk = wb["Drift"], wb["Investeringar"], wb["Risker"]
    r = schema.sheet("drift").first_data_row
    b, p1 = col(schema, "drift", f"budget_{by}"), col(schema, "drift", f"plan_{by + 1}")
    p2 = col(schema, "drift", f"plan_{by + 2}")
    cells = {
        "budget": f"{b}{r}",  # required: the plan years are filled
        "plan": f"{p1}{r + 1}",  # the budget year is filled: BB406 without the formula
        "alone": f"{b}{r + 2}",  # the row's only amount: it would vanish silently
    }
    drift[cells["budget"]] = f"=E{r}*1.02"
    drift[cells["plan"]] = f"={b}{r + 1}+10"
    drift[cells["alone"]] = "=SUM(100,200)"
    drift[f"{p1}{r + 2}"] = None
    drift[f"{p2}{r + 2}"] = None
    ir = schema.sheet("investeringar").first_data_row
    year = col(schema, "investeringar", f"inv_{settings.investment_years[-1]}")
    cells["inv_year"] = f"{year}{ir}"  # optional: an empty year is normal
    inv[cells["inv_year"]] = f"={col(schema, 'investeringar', 'decided_total')}{ir}/4"
    cells["inv_id"] = f"{col(schema, 'investeringar', 'id')}{ir + 1}"  # required text
    inv[cells["inv_id"]] = '="SPL-"&"2799"'
    rr = schema.sheet("risker").first_data_row
    cells["risk_text"] = f"{col(schema, 'risker', 'description')}{rr}"  # required text
    risk[cells["risk_text"]] = '="Risk för "&"ökade kostnader"'
    out = tmp_path / "Budget formler.xlsx"
    wb.save(out)
    return out, cells


def test_a_formula_without_a_computed_value_is_reported_as_such(
    rnd, tmp_path: Path, monkeypatch
) -> None:
    settings, schema = rnd[0], rnd[1]
    path, cells = typed_formulas(rnd, tmp_path)
    result = both_ways(path, settings, schema, monkeypatch)
    sheets = {
        "budget": "Drift",
        "plan": "Drift",
        "alone": "Drift",
        "inv_year": "Investeringar",
        "inv_id": "Investeringar",
        "risk_text": "Risker",
    }
    at = {(p.sheet, p.cell): p for p in result.problems if p.code == "BB311"}
    assert set(at) == {(sheets[k], cell) for k, cell in cells.items()}
    for (sheet, cell), p in at.items():
        assert p.severity is Severity.FEL and p.file == path.name and p.avdelning == "SPL"
        assert p.message.startswith(f"Bladet {sheet}, cell {cell}: cellen har en formel")
        assert "Öppna filen i Excel" in p.message and "skriv in värdet" in p.message
        # instead of, not in addition to, "måste fyllas i" or "plan ... är inte ifylld"
        others = [q.code for q in result.problems if (q.sheet, q.cell) == (sheet, cell)]
        assert others == ["BB311"]
    assert not any(p.code in ("BB306", "BB406") for p in result.problems)


def test_a_row_holding_only_such_formulas_is_not_skipped_silently(
    rnd, tmp_path: Path, monkeypatch
) -> None:
    """A row whose only content is a formula without a value reads as an empty row; the
    formula is still reported, also in the table's last row (past the sheet's last
    value, so not even in the reader's grid), and only in the table's input columns."""
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    inv_def, upp_def = schema.sheet("investeringar"), schema.sheet("uppdrag")
    inv, upp = wb[inv_def.name], wb[upp_def.name]
    last = inv.tables[inv_def.table].ref.split(":")[1]
    last_row = int(re.sub(r"[A-Z]+", "", last))
    year = col(schema, "investeringar", f"inv_{settings.investment_years[0]}")
    decided = col(schema, "investeringar", "decided_total")
    middle = f"{year}{inv_def.first_data_row + 10}"
    bottom = f"{decided}{last_row}"
    inv[middle] = "=1000*2"
    inv[bottom] = "=500+500"
    inv[f"{decided}{last_row + 3}"] = "=1+1"  # below the table: not an input cell
    comment = f"{col(schema, 'uppdrag', 'comment')}{upp_def.first_data_row + 8}"
    upp[comment] = '="Se "&"bilaga"'
    out = tmp_path / "Budget radformler.xlsx"
    wb.save(out)
    result = both_ways(out, settings, schema, monkeypatch)
    assert {(p.code, p.sheet, p.cell) for p in result.problems if p.code == "BB311"} == {
        ("BB311", inv_def.name, middle),
        ("BB311", inv_def.name, bottom),
        ("BB311", upp_def.name, comment),
    }
    before = read_return(returns[3], settings, schema).submission
    assert result.submission.projects == before.projects  # the rows are still no projects


def test_an_optional_text_made_by_such_a_formula_is_reported(
    rnd, tmp_path: Path, monkeypatch
) -> None:
    """In a row that is read, on a sheet with blank rows; on Drift (prefilled rows, a
    comment on each) only when the sheet also has an empty amount, as documented."""
    settings, schema, _, returns = rnd
    by = settings.budget_year
    wb = openpyxl.load_workbook(returns[3])
    upp_def, drift_def = schema.sheet("uppdrag"), schema.sheet("drift")
    r = upp_def.first_data_row
    assert wb[upp_def.name][f"{col(schema, 'uppdrag', 'text')}{r}"].value  # a filled row
    upp_comment = f"{col(schema, 'uppdrag', 'comment')}{r}"
    wb[upp_def.name][upp_comment] = '="Se "&"bilaga"'
    drift_comment = f"{col(schema, 'drift', 'comment')}{drift_def.first_data_row}"
    wb[drift_def.name][drift_comment] = '="Ökning "&"enligt avtal"'
    out = tmp_path / "Budget kommentarer.xlsx"
    wb.save(out)
    result = both_ways(out, settings, schema, monkeypatch)
    assert {p.cell for p in result.problems if p.code == "BB311"} == {upp_comment}

    # an empty amount on Drift: the sheet is looked at, the comment is found
    budget = col(schema, "drift", f"budget_{by}")
    plans = [col(schema, "drift", f"plan_{y}") for y in settings.plan_years]
    for c in (budget, *plans):
        wb[drift_def.name][f"{c}{drift_def.first_data_row + 3}"] = None
    wb.save(out)
    result = both_ways(out, settings, schema, monkeypatch)
    assert {p.cell for p in result.problems if p.code == "BB311"} == {upp_comment, drift_comment}


def test_the_example_returns_have_no_formula_findings(rnd) -> None:
    """Saved by openpyxl, every template formula has no value either: only input cells
    count (the template's formulas are in locked columns and rows)."""
    settings, schema, _, returns = rnd
    for path in returns:
        result = read_return(path, settings, schema)
        assert "BB311" not in {p.code for p in result.problems}, path.name


def rewrite_part(path: Path, member_prefix: str, edit) -> None:
    """Rewrite one sheet part of the package at `path` in place with `edit(bytes)`."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename.startswith(member_prefix):
                part = edit(part)
            dst.writestr(info.filename, part)
    path.write_bytes(out.getvalue())


def set_cell(part: bytes, ref: str, content: bytes, attrs: bytes = b"") -> bytes:
    """Cell `ref` of a sheet part replaced by one with `content`, as Excel writes it."""
    cell = re.compile(rb'<c r="' + ref.encode() + rb'"(?: [^>]*?)?(?:/>|>.*?</c>)')
    new = b'<c r="' + ref.encode() + b'"' + attrs + b">" + content + b"</c>"
    part, n = cell.subn(new, part, count=1)
    assert n == 1, ref
    return part


DRIFT_PART = "xl/worksheets/sheet2.xml"  # the template's second sheet


def test_a_formula_saved_with_its_value_reads_as_the_value(rnd, tmp_path: Path) -> None:
    """As Excel saves it: the formula and the value it computed; a text formula whose
    value is "" (Excel's own empty result) is an empty cell, not a finding."""
    settings, schema = rnd[0], rnd[1]
    path, cells = typed_formulas(rnd, tmp_path)
    budget, plan = cells["budget"], cells["plan"]

    def excel_saved(part: bytes) -> bytes:
        part = set_cell(part, budget, b"<f>E12*1.02</f><v>12648</v>")
        part = set_cell(part, plan, b'<f>IF(1,"","")</f><v></v>', b' t="str"')
        return set_cell(part, cells["alone"], b"<f>SUM(100,200)</f><v>300</v>")

    rewrite_part(path, DRIFT_PART, excel_saved)
    result = read_return(path, settings, schema)
    at = {(p.code, p.cell) for p in result.problems if p.sheet == "Drift"}
    assert not {c for _, c in at} & {budget, cells["alone"]}
    line = next(ln for ln in result.submission.drift if ln.cells[settings.budget_year] == budget)
    assert line.amounts[settings.budget_year] == 12648
    alone = next(
        ln for ln in result.submission.drift if ln.cells[settings.budget_year] == cells["alone"]
    )
    assert alone.amounts == {settings.budget_year: 300}
    # the plan cell computed "": empty, so the plan year is missing (as for any empty cell)
    assert {code for code, c in at if c == plan} == {"BB406"}


@pytest.mark.parametrize(
    ("error", "swedish"),
    [
        ("#DIV/0!", "#DIVISION/0!"),
        ("#VALUE!", "#VÄRDEFEL!"),
        ("#REF!", "#REFERENS!"),
        ("#N/A", "#SAKNAS!"),
        ("#NAME?", "#NAMN?"),
        ("#NUM!", "#OGILTIGT!"),
    ],
)
def test_a_formula_saved_with_an_error_is_reported_as_that_error(
    rnd, tmp_path: Path, error: str, swedish: str
) -> None:
    """The file keeps the English code; the message names the error as the department
    head's Swedish Excel shows it, and the code too."""
    settings, schema = rnd[0], rnd[1]
    path, cells = typed_formulas(rnd, tmp_path)
    value = f"<f>E12/0</f><v>{error}</v>".encode()
    rewrite_part(path, DRIFT_PART, lambda part: set_cell(part, cells["budget"], value, b' t="e"'))
    result = read_return(path, settings, schema)
    at = [p for p in result.problems if (p.sheet, p.cell) == ("Drift", cells["budget"])]
    assert [p.code for p in at] == ["BB305"]
    assert at[0].message == (
        f"Bladet Drift, cell {cells['budget']}: cellen visar felet {swedish} ({error}). "
        "Rätta formeln eller skriv in värdet direkt."
    )


def test_an_error_in_a_required_text_is_not_also_reported_empty(rnd, tmp_path: Path) -> None:
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    rr = schema.sheet("risker").first_data_row
    ref = f"{col(schema, 'risker', 'description')}{rr}"
    wb["Risker"][ref] = "#VALUE!"  # openpyxl writes it as an error cell
    out = tmp_path / "Budget fel.xlsx"
    wb.save(out)
    result = read_return(out, settings, schema)
    assert [p.code for p in result.problems if p.cell == ref] == ["BB305"]


def test_a_table_without_its_table_part_is_still_looked_up(rnd, tmp_path: Path) -> None:
    """Re-saved by a program that drops the Excel tables: the reader finds the heading
    row itself, and a formula without a value is still reported."""
    settings, schema = rnd[0], rnd[1]
    path, cells = typed_formulas(rnd, tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["Drift"].tables["Drift"]
    wb.save(path)
    result = read_return(path, settings, schema)
    assert ("BB311", "Drift", cells["budget"]) in found(result)


def test_a_part_written_in_another_form_is_walked(rnd, tmp_path: Path) -> None:
    """Cells with their r attribute last (as some writers do): looked up by a walk."""
    settings, schema = rnd[0], rnd[1]
    path, cells = typed_formulas(rnd, tmp_path)
    moved = re.compile(rb'<c r="([A-Z]+\d+)"((?: [\w:]+="[^"]*")*)')
    rewrite_part(path, DRIFT_PART, lambda part: moved.sub(rb'<c\2 r="\1"', part))
    result = read_return(path, settings, schema)
    drift = {p.cell for p in result.problems if p.code == "BB311" and p.sheet == "Drift"}
    assert drift == {cells["budget"], cells["plan"], cells["alone"]}


def test_the_feedback_workbook_marks_the_formula_cell(rnd, tmp_path: Path) -> None:
    settings, schema = rnd[0], rnd[1]
    path, cells = typed_formulas(rnd, tmp_path)
    result = read_return(path, settings, schema)
    out = write_feedback(path, result.problems, tmp_path / "aterkoppling.xlsx")
    assert out is not None
    ws = openpyxl.load_workbook(out)["Drift"]
    cell = ws[cells["budget"]]
    assert cell.value == "=E12*1.02"  # the person's formula is kept
    assert "cellen har en formel men inget uträknat värde" in cell.comment.text


def _part(cells: str, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    return (
        f'<worksheet><{p}sheetData><{p}row r="1"><{p}c r="A1"><{p}v>1</{p}v></{p}c></{p}row>'
        f'<{p}row r="2">{cells}</{p}row></{p}sheetData></worksheet>'
    ).encode()


@pytest.mark.parametrize(
    ("cell", "uncomputed"),
    [
        ('<c r="B2"><f>A1*2</f><v></v></c>', True),  # openpyxl
        ('<c r="B2"><f>A1*2</f><v/></c>', True),
        ('<c r="B2" s="3"><f>A1*2</f></c>', True),  # no value element at all
        ('<c r="B2"><f t="shared" si="0"/></c>', True),  # a shared formula's other cell
        ('<c r="B2" t="str"><f>A1&amp;"x"</f></c>', True),
        ('<c r="B2"><f>A1*2</f><v>2</v></c>', False),  # as Excel saves it
        ('<c r="B2" t="str"><f>IF(A1,"","")</f><v></v></c>', False),  # Excel's own ""
        ('<c r="B2" t="str"><f>IF(A1,"","")</f><v/></c>', False),
        ('<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', False),  # an error: BB305
        ('<c r="B2" s="3"/>', False),
        ('<c r="B2" t="n"></c>', False),
        ('<c r="B2"><v>5</v></c>', False),
    ],
)
def test_which_cells_hold_a_formula_without_a_value(cell: str, uncomputed: bool) -> None:
    xml = _part(cell + '<c r="C2"><f>B2</f><v>0</v></c>')
    assert UncomputedFormulas(xml, 1, 1, None).at(1, "B2") is uncomputed
    assert UncomputedFormulas(xml, 1, 1, 0).at(1, "B2") is uncomputed  # counted: 2 > 0
    assert UncomputedFormulas(xml, 1, 1, 2).at(1, "B2") is False  # no more than the template's
    prefixed = _part(cell.replace("<", "<x:").replace("<x:/", "</x:"), "x")
    assert UncomputedFormulas(prefixed, 1, 1, None).at(1, "B2") is uncomputed  # walked
    assert UncomputedFormulas(xml, 1, 1, None).at(1, "C2") is False


def test_whitespace_after_a_formula_is_read_once(rnd, tmp_path: Path) -> None:
    """Whitespace between a formula and its value is legal XML. The pattern split a run
    of it every way before giving up on a cell with a value: quadratic in its length (a
    return with 80 KB of it after one formula took 10 s to read, 1 MB ~25 minutes, and
    this test as long). Now read once: this file reads as quickly as any other."""
    settings, schema = rnd[0], rnd[1]
    path, cells = typed_formulas(rnd, tmp_path)  # formulas without values: Drift is walked
    padding = b" " * 1_000_000
    value = b"<f>E12*1.02</f>" + padding + b"<v>12648</v>"

    def padded(part: bytes) -> bytes:
        return set_cell(part, cells["budget"], value)

    rewrite_part(path, DRIFT_PART, padded)
    package = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    stored = io.BytesIO()  # stored, not deflated: within the pre-check's ratio limit
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as dst:
        for info in package.infolist():
            dst.writestr(info.filename, package.read(info.filename))
    path.write_bytes(stored.getvalue())
    result = read_return(path, settings, schema)
    drift = {p.cell for p in result.problems if p.code == "BB311" and p.sheet == "Drift"}
    assert drift == {cells["plan"], cells["alone"]}  # the padded cell has its value
    line = next(
        ln for ln in result.submission.drift if ln.cells[settings.budget_year] == cells["budget"]
    )
    assert line.amounts[settings.budget_year] == 12648


def test_an_error_in_a_riskvarde_is_named_as_swedish_excel_shows_it(rnd, tmp_path: Path) -> None:
    """Regression: the riskvärde (read apart from amounts, BB310) named an error cell by
    the file's English code only, "#DIV/0!", where every other cell's message has
    what the department head's Swedish Excel shows, "#DIVISION/0! (#DIV/0!)"."""
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    sheet = schema.sheet("internkontroll")
    ref = f"{col(schema, 'internkontroll', 'riskvarde')}{sheet.first_data_row}"
    wb[sheet.name][ref] = "#DIV/0!"  # openpyxl writes it as an error cell
    out = tmp_path / "Budget riskvärde.xlsx"
    wb.save(out)
    result = read_return(out, settings, schema)
    at = [p for p in result.problems if (p.sheet, p.cell) == (sheet.name, ref)]
    assert [p.code for p in at] == ["BB305"]
    assert "#DIVISION/0! (#DIV/0!)" in at[0].message


def test_a_row_written_in_another_form_is_walked_once() -> None:
    """Regression: a row the reader asks about was looked for by `<row r="N"` only; one
    written otherwise (attributes in another order, legal XML) was not found, so its
    formula without a value was missed (BB306 "måste fyllas i" instead of BB311), and
    every question searched the whole part twice: a return with 10 000 such rows took
    11 s to read, 200 000 more than an hour. Such a part is now walked once."""
    xml = (
        b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row spans="1:2" r="2"><c r="B2"><f>A1*2</f><v></v></c><c r="C2"><v>3</v></c></row>'
        b'<row spans="1:2" r="3"><c r="B3"><v>4</v></c></row></sheetData></worksheet>'
    )
    formulas = UncomputedFormulas(xml, 0, 2, 0)  # one formula, the template's none
    assert formulas.at(1, "B2") is True
    assert formulas.at(1, "C2") is False and formulas.at(2, "B3") is False
    assert formulas.cells() == [(1, 1, "B2")]


def _attributes_moved(ref: str):
    """An edit of a sheet part: cell `ref` written `<c s="…" r="F12"><f>…</f></c>`, its
    attributes in another order and no value element, as some programs write a cell
    they changed; every other cell as openpyxl wrote it."""

    def edit(part: bytes) -> bytes:
        cell = re.compile(rb'<c r="' + ref.encode() + rb'"((?: [\w:]+="[^"]*")*)>(<f>[^<]*</f>)')
        part, n = cell.subn(rb'<c\1 r="' + ref.encode() + rb'">\2</c><!---->', part, count=1)
        assert n == 1, ref
        return part.replace(b"</c><!----><v></v></c>", b"</c>").replace(b"</c><!---->", b"")

    return edit


def test_a_formula_cell_with_its_attributes_in_another_order_is_found(rnd, tmp_path: Path) -> None:
    """Regression: in a part otherwise in the plain form, a formula cell written with
    its r attribute after another (`<c s="1" r="F12">`, legal XML) was looked for by
    `<c r="F12"` only: it read as an empty cell, BB306 "måste fyllas i" where the
    department head sees a formula, and an optional text made by such a formula (a
    comment on Uppdrag) was not reported at all. Now both are BB311."""
    settings, schema = rnd[0], rnd[1]
    path, cells = typed_formulas(rnd, tmp_path)
    wb = openpyxl.load_workbook(path)
    upp = schema.sheet("uppdrag")
    comment = f"{col(schema, 'uppdrag', 'comment')}{upp.first_data_row}"
    wb[upp.name][comment] = '="Se "&"bilaga"'
    wb.save(path)
    rewrite_part(path, DRIFT_PART, _attributes_moved(cells["budget"]))
    rewrite_part(path, "xl/worksheets/sheet5.xml", _attributes_moved(comment))
    part = zipfile.ZipFile(path).read(DRIFT_PART)
    assert re.search(rb'<c s="\d+" r="' + cells["budget"].encode() + rb'"><f>[^<]*</f></c>', part)
    assert part.count(b'<c r="') > 100  # the rest in the plain form
    result = read_return(path, settings, schema)
    assert ("BB311", "Drift", cells["budget"]) in found(result)
    assert ("BB311", upp.name, comment) in found(result)
    assert not [p for p in result.problems if p.code == "BB306"]


def test_formulas_are_counted_in_windows_as_a_whole_count_would() -> None:
    """The first look counts a sheet's formulas window by window (a list of every
    match at once was ~90 MB for a part at the pre-check's size limit): a formula
    across two windows counts once, and counting stops past the template's number."""
    from budgetbook.formula_cells import _COUNT_WINDOW, _count_formulas

    cell = b'<c r="B2"><f>A1*2</f><v></v></c>'
    for shift in range(-3, 4):
        xml = b"x" * (_COUNT_WINDOW - 1 + shift) + cell * 5000
        whole = xml.count(b"<f")
        assert _count_formulas(xml, 0, len(xml), whole) == whole, shift
        assert _count_formulas(xml, 7, len(xml) - 3, whole) == xml.count(b"<f", 7, len(xml) - 3)
        assert 10 < _count_formulas(xml, 0, len(xml), 10) < whole  # stops early


def test_a_comment_or_text_made_by_such_a_formula_is_not_reported_missing(
    rnd, tmp_path: Path
) -> None:
    """Regression: on Drift a comment made by a formula without a value read as empty,
    so a large change got BB402 "kommentar saknas" while the department head sees a
    comment there; a text on Texter made so was left out of the draft without a word.
    Both are BB311 now. Drift's comments are asked about only on a row that needs one
    (a large change), so a return with none costs nothing more."""
    from budgetbook import checks

    settings, schema, _, returns = rnd
    by = settings.budget_year
    before = read_return(returns[3], settings, schema)
    line = next(ln for ln in before.submission.drift if not ln.comment)
    old = settings.prior[(line.verksamhet, line.driftpost)].budget
    wb = openpyxl.load_workbook(returns[3])
    drift_def, texter_def = schema.sheet("drift"), schema.sheet("texter")
    drift = wb[drift_def.name]
    drift[line.cells[by]] = old + 5 * settings.change_threshold_tkr + 10_000  # large
    comment = f"{col(schema, 'drift', 'comment')}{line.row}"
    drift[comment] = '="Nytt avtal från "&"1 januari"'
    text = f"{col(schema, 'texter', 'text')}{texter_def.first_data_row}"
    wb[texter_def.name][text] = '="Avdelningen "&"ansvarar för planering."'
    out = tmp_path / "Budget kommentarformel.xlsx"
    wb.save(out)
    result = read_return(out, settings, schema)
    content = checks.content_problems(result.submission, settings, schema, result.problems)
    at = {(p.code, p.sheet, p.cell) for p in [*result.problems, *content]}
    assert ("BB311", drift_def.name, comment) in at
    assert ("BB311", texter_def.name, text) in at
    assert not [c for c, sheet, cell in at if cell == comment and c != "BB311"]

    # the same change with a comment typed: no finding on the comment at all
    drift[comment] = "Nytt avtal från 1 januari"
    wb[texter_def.name][text] = "Avdelningen ansvarar för planering."
    wb.save(out)
    result = read_return(out, settings, schema)
    content = checks.content_problems(result.submission, settings, schema, result.problems)
    assert not [p for p in [*result.problems, *content] if p.cell in (comment, text)]
    assert result.submission.texts


@pytest.mark.parametrize(
    ("cells", "uncomputed"),
    [
        ('<c s="3" r="B2"><f>A1*2</f></c>', True),
        ('<c s="3" r="B2"><f>A1*2</f><v></v></c>', True),
        ('<c s="3" r="B2"><f>A1*2</f><v>2</v></c>', False),
        ('<c s="3" r="B2"/>', False),
        ('<c t="e" r="B2"><f>1/0</f><v>#DIV/0!</v></c>', False),
        # the text r="B2" in another cell's formula first, then the cell itself
        ('<c r="A2" t="str"><f>"r=""B2"""</f><v>x</v></c><c s="3" r="B2"><f>A1</f></c>', True),
        ('<c r="A2" t="str"><f>"r=""B2"""</f><v>x</v></c>', False),
    ],
)
def test_a_cell_with_its_attributes_in_another_order_in_a_plain_row(
    cells: str, uncomputed: bool
) -> None:
    xml = _part(cells + '<c r="C2"><f>B2</f></c>')
    formulas = UncomputedFormulas(xml, 1, 1, 0)
    assert formulas.at(1, "B2") is uncomputed
    assert formulas.at(1, "C2") is True  # the row is still in the plain form
