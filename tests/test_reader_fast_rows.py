"""The reader's per-row fast paths give exactly what its per-cell reads give.

Rows of plain cells are read per row (`reader_sheets.FAST_ROWS`); every other row cell
by cell. Each return here is read both ways and must give the same identity,
submission and problems (same codes, cells, messages, in the same order), down to the
read cache's JSON text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from budgetbook import reader, reader_sheets
from budgetbook import schema as S
from budgetbook.reader import ReadResult, read_return
from wb_builders import both_ways, round_files

# Cells people type into any column: numbers, text that is a number the Swedish way,
# text that is not, error-looking text (none of these is one of openpyxl's error codes,
# so the sheets keep no error cells and stay on the fast path elsewhere), dates, blanks.
ODD: tuple[object, ...] = (
    "ca 300",
    "1 234",
    "1 234,5",
    12.5,
    -500,
    0,
    "−500",
    "12 tkr",
    1e13,
    " #N/A ",
    "#SAKNAS!",
    "Err:502",
    "#hashtagg",
    "   ",
    None,
    True,
    dt.date(2026, 1, 31),
    " text med mellanrum ",
    42,
    "2027",
    "1.234",
    "12.5",
    -0.4,
    "Err:5021",
    -0.0,
    1e12,
    -1e12,
    1e12 + 2,
    float("inf"),
    500.0,
    -7.0,
)


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("fast-rows"))


def fill_odd(wb: openpyxl.Workbook, schema: S.Schema, sheet_key: str, shift: int) -> None:
    """Every other row of a sheet's table gets odd values, one per input column."""
    sheet = schema.sheet(sheet_key)
    ws = wb[sheet.name]
    inputs = [i for i, c in enumerate(sheet.columns) if c.input or c.list_name]
    top = sheet.first_data_row
    for n, r in enumerate(range(top, top + 40, 2)):
        for j, c in enumerate(inputs):
            if (n + j) % 3 == 0:
                ws.cell(r, c + 1, ODD[(n * 7 + j + shift) % len(ODD)])


def with_formulas(data: bytes, member: str, columns: str) -> bytes:
    """Number cells of `columns` in sheet part `member` turned into formulas keeping
    their value as the cached result (as Excel saves them)."""
    cell = re.compile(rb'(<c r="[' + columns.encode() + rb']\d+"[^>]*>)(<v>[^<]*</v>)')
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == member:
                part, n = cell.subn(rb"\1<f>1+1</f>\2", part)
                assert n > 10
            dst.writestr(info.filename, part)
    return out.getvalue()


def test_every_example_return_reads_the_same_both_ways(rnd, monkeypatch) -> None:
    settings, schema, _, returns = rnd
    for path in returns:
        both_ways(path, settings, schema, monkeypatch)


@pytest.mark.parametrize("shift", [0, 5, 11, 17])
def test_odd_cells_read_the_same_both_ways(rnd, tmp_path: Path, monkeypatch, shift) -> None:
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    for key in ("drift", "investeringar", "mal", "uppdrag", "risker", "internkontroll"):
        fill_odd(wb, schema, key, shift)
    out = tmp_path / "Budget udda.xlsx"
    wb.save(out)
    result = both_ways(out, settings, schema, monkeypatch)
    codes = {p.code for p in result.problems}
    assert {"BB301", "BB302", "BB303", "BB305"} <= codes  # the odd cells were read


def test_plain_but_unusual_cells_read_the_same_both_ways(rnd, tmp_path: Path, monkeypatch):
    """Cells the fast paths read themselves: numbers in text columns, list values by
    code or in other case, negative amounts where allowed, zeros, empty rows between."""
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    inv = schema.sheet("investeringar")
    ws = wb[inv.name]
    top = inv.first_data_row
    code = settings.asset_categories[0].code
    ws.cell(top, inv.index("id") + 1, 123)
    ws.cell(top, inv.index("category") + 1, code)
    ws.cell(top, inv.index("status") + 1, "  NY ")
    ws.cell(top + 3, inv.index("name") + 1, 4.5)
    ws.cell(top + 3, inv.index("category") + 1, f" {code.lower()} ")
    ws.cell(top + 3, inv.index(f"inv_{settings.investment_years[0]}") + 1, 0)
    ws.cell(top + 1, inv.index("category") + 1, "Båtar")  # not in the list: BB307
    ws.cell(top + 2, inv.index("status") + 1, "Kanske")  # not in the list: BB307
    mal = schema.sheet("mal")
    wm = wb[mal.name]
    goal = schema.lists["mal"][0]
    wm.cell(mal.first_data_row, mal.index("goal") + 1, goal.split()[0])
    wm.cell(mal.first_data_row + 1, mal.index("goal") + 1, goal.upper())
    wm.cell(mal.first_data_row + 1, mal.index("indicator") + 1, 17)
    wm.cell(mal.first_data_row + 2, mal.index("goal") + 1, "Inget sådant mål")
    out = tmp_path / "Budget ovanlig.xlsx"
    wb.save(out)
    result = both_ways(out, settings, schema, monkeypatch)
    assert [p.cell for p in result.problems if p.code == "BB307"] == [
        f"{S.xl_col(inv.index('category'))}{top + 1}",
        f"{S.xl_col(inv.index('status'))}{top + 2}",
        f"{S.xl_col(mal.index('goal'))}{mal.first_data_row + 2}",
    ]


def test_error_cells_and_cached_formula_values_read_the_same_both_ways(
    rnd, tmp_path: Path, monkeypatch
) -> None:
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    for key in ("drift", "investeringar", "mal"):
        fill_odd(wb, schema, key, 3)
    inv = schema.sheet("investeringar")
    wb[inv.name].cell(inv.first_data_row + 1, inv.index("name") + 1, "#REF!")  # an error cell
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        drift = next(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet2"))
    out = tmp_path / "Budget formler.xlsx"
    out.write_bytes(with_formulas(data, drift, "DEFGH"))
    result = both_ways(out, settings, schema, monkeypatch)
    assert "BB305" in {p.code for p in result.problems}


def test_a_changed_heading_is_reported_though_the_headings_were_seen(rnd, tmp_path: Path) -> None:
    """locate keeps what it found for a heading row without problems; a heading row
    changed (moved, renamed, an extra column) is still read and reported afresh."""
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    ws = wb["Drift"]
    ws["K11"], ws["L11"] = ws["L11"].value, ws["K11"].value  # swapped: BB204 twice
    wb["Investeringar"]["B6"] = "Namn"  # renamed: BB203
    out = tmp_path / "Budget rubriker.xlsx"
    wb.save(out)

    def headings(result: ReadResult) -> list[tuple[str, str, str]]:
        return [(p.code, p.sheet, p.cell) for p in result.problems if p.code.startswith("BB20")]

    reader._HEADINGS.clear()
    first = read_return(out, settings, schema)  # nothing kept yet
    clean = read_return(returns[3], settings, schema)
    again = read_return(out, settings, schema)
    assert headings(first) == headings(again)
    assert ("BB204", "Drift", "L11") in headings(again)
    assert ("BB203", "Investeringar", "B6") in headings(again)
    assert first.submission == again.submission and first.problems == again.problems
    assert not headings(clean)
    assert read_return(returns[3], settings, schema).problems == clean.problems


def test_locate_keeps_little_of_a_long_heading_row(rnd, tmp_path: Path) -> None:
    """locate's finding lives as long as the worker: a heading row with long texts right
    of the table (a hostile file: ~50 KB zipped can hold ~200 MB of heading text that
    way) is read as before, but its texts are not kept (they were, by each such return,
    up to 256 of them). A heading row made wide by a note far right is still kept."""
    from robust_builders import edit_sheet_xml

    settings, schema, _, returns = rnd
    long_text = "x" * 1000
    cells = "".join(
        f'<c r="{S.xl_col(c)}6" t="inlineStr"><is><t>{long_text}</t></is></c>'
        for c in range(20, 220)
    )

    def wide_heading(xml: str) -> str:
        row = re.search(r'<row r="6"[^>]*>.*?</row>', xml, re.S)
        assert row
        return xml.replace(row.group(0), row.group(0)[: -len("</row>")] + cells + "</row>")

    hostile = edit_sheet_xml(
        returns[3], tmp_path / "Budget rubrikrad.xlsx", "Uppdrag", wide_heading
    )
    wb = openpyxl.load_workbook(returns[3])
    wb["Uppdrag"]["AZ12"] = "en anteckning långt till höger"
    noted = tmp_path / "Budget anteckning.xlsx"
    wb.save(noted)

    def kept_chars() -> int:
        return sum(
            sum(len(v) for v in key[2] if isinstance(v, str)) + sum(len(t) for _, t in hit[2])
            for key, hit in reader._HEADINGS.items()
        )

    reader._HEADINGS.clear()
    fresh = read_return(hostile, settings, schema)
    assert kept_chars() < 10_000
    assert ("BB205", "Uppdrag", "U6") in {(p.code, p.sheet, p.cell) for p in fresh.problems}
    assert read_return(hostile, settings, schema) == fresh
    uppdrag = schema.sheet("uppdrag")
    reader._HEADINGS.clear()
    read_return(noted, settings, schema)
    assert any(hit[0] is uppdrag for hit in reader._HEADINGS.values())


def test_long_drift_names_are_not_kept_by_the_worker(rnd, tmp_path: Path) -> None:
    """Drift names are normalised through a cache that lives as long as the worker; a
    return with long names (up to 32 767 characters each) must not leave them there."""
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    ws = wb["Drift"]
    heading = next(r for r in ws.iter_rows(max_row=20) if any(c.value == "Driftpost" for c in r))
    column = next(c.column for c in heading if c.value == "Driftpost")
    for r in range(heading[0].row + 1, heading[0].row + 60):
        ws.cell(r, column).value = f"{r} " + "lång benämning " * 200
    hostile = tmp_path / "Budget långa namn.xlsx"
    wb.save(hostile)
    read_return(returns[3], settings, schema)
    before = reader_sheets._norm_kept.cache_info().currsize
    result = read_return(hostile, settings, schema)
    assert reader_sheets._norm_kept.cache_info().currsize == before
    # the names are read, and found unknown (not as a failure of the read)
    assert {(p.code, p.sheet) for p in result.problems} == {("BB205", "Drift"), ("BB206", "Drift")}
    assert reader_sheets.norm(" Lång\u2013BENÄMNING " * 100) == reader_sheets._norm(
        " Lång\u2013BENÄMNING " * 100
    )


def test_a_changed_table_part_is_read_though_the_template_s_was_seen(rnd, tmp_path) -> None:
    """Table and relationship parts are kept by their bytes: other bytes, other range."""
    from openpyxl.worksheet.table import TableColumn

    settings, schema, _, returns = rnd
    read_return(returns[3], settings, schema)  # the template's parts are kept now
    wb = openpyxl.load_workbook(returns[3])
    ws = wb["Investeringar"]
    table = ws.tables["Investeringar"]
    table.ref = table.ref.replace("K", "L")
    table.tableColumns.append(TableColumn(id=12, name="Budget 2031"))
    ws["L6"] = "Budget 2031"
    ws[f"L{schema.sheet('investeringar').first_data_row}"] = 500
    out = tmp_path / "Budget tabell.xlsx"
    wb.save(out)
    found = {(p.code, p.sheet, p.cell) for p in read_return(out, settings, schema).problems}
    assert ("BB403", "Investeringar", "L7") in found


@pytest.mark.parametrize("want", [0, None, 500, -7, 6610, 10**12])
def test_prior_year_cells_compare_as_parse_amount_reads_them(want) -> None:
    """read_drift's test of a prefilled prior-year cell, shortcuts included, against
    parse_amount's reading of the cell."""
    from types import SimpleNamespace

    from budgetbook.reader_parts import parse_amount

    prior = SimpleNamespace(budget=want)
    for raw in (*ODD, "", 500.0, 6610.0, 1e12, "500", "6 610", -0.0, float("nan")):
        parsed = parse_amount(raw)
        got = parsed.value if parsed.kind in ("number", "text_number") else None
        expected = got == want or (got is None and want == 0 and parsed.kind == "empty")
        found = reader_sheets.SheetReaders._prior_matches([raw], prior, ((0, "budget"),))
        assert found == expected, (raw, want)
    assert reader_sheets.SheetReaders._prior_matches([""], None, ((0, "budget"),))
    assert not reader_sheets.SheetReaders._prior_matches([3.0], None, ((0, "budget"),))
