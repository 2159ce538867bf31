"""Corpus cases made from real department workbooks (see make_corpus.py).

`clean_returns` writes the templates with `templates.write_templates` and fills them
with `example.write_example_returns`; each case then opens one clean return with
openpyxl, changes what a department head might change, and saves it under the case's
name. Places (sheet, cell) are computed from the schema, never hard-coded.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from budgetbook import schema as S
from budgetbook.settings import Settings
from data.make_corpus import Case, add_macros, rewrite_zip, soffice, soffice_convert


def example_returns(settings: Settings, folder: Path) -> dict[str, Path]:
    """One filled return per avdelning (the example round's, with its realistic
    warnings): code -> path, in settings order."""
    from budgetbook.example import write_example_returns
    from budgetbook.templates import write_templates

    schema = S.build_schema(settings)
    templates = write_templates(settings, schema, folder / "mallar")
    returns = folder / "ifyllda"
    returns.mkdir(parents=True, exist_ok=True)
    written = write_example_returns(settings, templates, returns)
    paths = sorted(written) if written else sorted(returns.glob("*.xlsx"))
    result: dict[str, Path] = {}
    for path in paths:
        wb = openpyxl.load_workbook(path, read_only=False)
        code = identity_of(wb).get(S.ID_AVDELNING, "")
        if code:
            result[code] = path
    order = [a.code for a in settings.avdelningar]
    return {c: result[c] for c in order if c in result}


def clean_returns(settings: Settings, returns: dict[str, Path]) -> dict[str, Path]:
    """The returns without any problem at all (the base for one-rule cases)."""
    from budgetbook.checks import content_problems, identity_problems
    from budgetbook.reader import read_return

    schema = S.build_schema(settings)
    clean = {}
    for code, path in returns.items():
        read = read_return(path, settings, schema)
        problems = [*read.problems, *identity_problems(read.identity, path.name, settings)]
        if read.submission is not None:
            problems += content_problems(read.submission, settings, schema)
        if not problems:
            clean[code] = path
    return clean


# --- editing a workbook like a person ----------------------------------------------


def identity_of(wb: Workbook) -> dict[str, str]:
    found = {p.name: str(p.value) for p in wb.custom_doc_props.props}
    for name in S.IDENTITY_FIELDS:
        if name not in found and name in wb.defined_names:
            found[name] = wb.defined_names[name].attr_text.strip('="')
    return found


def set_identity(wb: Workbook, key: str, value: str) -> None:
    """Change an identity field everywhere budgetbook stores it."""
    for prop in wb.custom_doc_props.props:
        if prop.name == key:
            prop.value = value
    if key in wb.defined_names:
        wb.defined_names[key].attr_text = f'"{value}"'


def col(sheet: S.SheetDef, key: str) -> int:
    return sheet.index(key) + 1


def drift_rows(wb: Workbook, schema: S.Schema) -> list[int]:
    sheet = schema.sheet("drift")
    ws = wb[sheet.name]
    rows = []
    r = sheet.first_data_row
    while ws.cell(r, col(sheet, "verksamhet")).value not in (None, ""):
        rows.append(r)
        r += 1
    return rows


def drift_row(wb: Workbook, schema: S.Schema, settings: Settings, driftpost: str) -> int:
    """The first Drift row of a driftpost (by its code)."""
    sheet = schema.sheet("drift")
    ws = wb[sheet.name]
    name = settings.driftpost(driftpost).name
    for r in drift_rows(wb, schema):
        if str(ws.cell(r, col(sheet, "driftpost")).value).strip() == name:
            return r
    raise LookupError(driftpost)


def first_empty_row(wb: Workbook, schema: S.Schema, key: str) -> int:
    sheet = schema.sheet(key)
    ws = wb[sheet.name]
    r = sheet.first_data_row
    while ws.cell(r, 1).value not in (None, ""):
        r += 1
    return r


def cell_ref(sheet: S.SheetDef, key: str, row: int) -> str:
    return f"{get_column_letter(col(sheet, key))}{row}"


def set_content_time(data: bytes, when: datetime) -> bytes:
    """Set dcterms:modified in docProps/core.xml (openpyxl always writes 'now')."""
    core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode()
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    core = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", core)
    return rewrite_zip(data, {"docProps/core.xml": core.encode()})


def edit(
    source: Path, target: Path, change: Callable[[Workbook], None], when: datetime | None = None
) -> None:
    wb = openpyxl.load_workbook(source)
    change(wb)
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if when is not None:
        data = set_content_time(data, when)
    target.write_bytes(data)


# --- the cases ----------------------------------------------------------------------


def template_cases(out: Path, settings: Settings, clean: dict[str, Path]) -> list[Case]:
    """One file per rule, each its own case folder `out/<case>/` (one collect run each).

    Returns cases whose `file` is "<case>/<file name>".
    """
    schema = S.build_schema(settings)
    drift = schema.sheet("drift")
    inv = schema.sheet("investeringar")
    by, py = settings.budget_year, settings.prior_year
    budget_key = f"budget_{by}"
    plan1 = settings.plan_years[0]
    avd, second_code = list(clean)[:2]
    base = clean[avd]
    cases: list[Case] = []

    def case(folder: str, name: str, code: str, sheet: str = "", cell: str = "", **kw) -> Path:
        (out / folder).mkdir(parents=True, exist_ok=True)
        cases.append(Case(f"{folder}/{name}", code, sheet, cell, kw.get("note", "")))
        return out / folder / name

    # Identity (BB104–BB107)
    edit(
        base,
        case("okand_avdelning", "Budget_XYZ.xlsx", "BB104"),
        lambda wb: set_identity(wb, S.ID_AVDELNING, "XYZ"),
    )
    edit(
        base,
        case("annan_runda", f"{avd}_fjol.xlsx", "BB105"),
        lambda wb: (
            set_identity(wb, S.ID_ROUND, f"nämndplan-{py}"),
            set_identity(wb, S.ID_YEAR, str(py)),
        ),
    )
    edit(
        base,
        case("gammal_version", f"{avd}.xlsx", "BB106"),
        lambda wb: set_identity(wb, S.ID_VERSION, "0.9"),
    )
    other = second_code
    shutil.copyfile(base, case("fel_filnamn", f"Budget {by} {other}.xlsx", "BB107"))

    # Content (BB401, BB402, BB407)
    def ram_off(wb: Workbook) -> None:
        r = drift_row(wb, schema, settings, "material")
        c = wb[drift.name].cell(r, col(drift, f"plan_{plan1}"))
        c.value = (c.value or 0) + 120

    edit(
        base,
        case("ram", f"{avd}.xlsx", "BB401", drift.name, ram_cell(schema, settings, plan1)),
        ram_off,
    )

    def big_change(wb: Workbook) -> None:
        ws = wb[drift.name]
        up = drift_row(wb, schema, settings, "tjanster")
        down = drift_row(wb, schema, settings, "personal")
        delta = settings.change_threshold_tkr * 10
        for r, sign in ((up, 1), (down, -1)):
            for key in (budget_key, *(f"plan_{y}" for y in settings.plan_years)):
                c = ws.cell(r, col(drift, key))
                c.value = (c.value or 0) + sign * delta
        ws.cell(up, col(drift, "comment")).value = None
        ws.cell(down, col(drift, "comment")).value = "Personal flyttas till köpta tjänster."

    base_wb = openpyxl.load_workbook(base)
    up_row = drift_row(base_wb, schema, settings, "tjanster")
    edit(
        base,
        case(
            "stor_forandring",
            f"{avd}.xlsx",
            "BB402",
            drift.name,
            cell_ref(drift, "comment", up_row),
        ),
        big_change,
    )

    inv_row = first_empty_row(base_wb, schema, "investeringar")
    category = settings.asset_categories[0].name
    years = settings.investment_years

    def project(wb: Workbook, row: int, pid: str, decided: int | None, amount: int) -> None:
        ws = wb[inv.name]
        ws.cell(row, col(inv, "id")).value = pid
        ws.cell(row, col(inv, "name")).value = "Nya datorer till kansliet"
        ws.cell(row, col(inv, "category")).value = category
        ws.cell(row, col(inv, "status")).value = S.PROJECT_STATUSES[1]
        ws.cell(row, col(inv, "decided_total")).value = decided
        for y in years[:2]:
            ws.cell(row, col(inv, f"inv_{y}")).value = amount
        ws.cell(row, col(inv, "description")).value = "Utbyte av uttjänta datorer."

    edit(
        base,
        case(
            "beslutad_total",
            f"{avd}.xlsx",
            "BB407",
            inv.name,
            cell_ref(inv, "decided_total", inv_row),
        ),
        lambda wb: project(wb, inv_row, "KORP-IT-9", 300, 400),
    )

    # Macros (BB103): the values are still read; the return is accepted with a warning.
    buf = io.BytesIO()
    openpyxl.load_workbook(base).save(buf)
    case("makron", f"{avd}.xlsm", "BB103").write_bytes(add_macros(buf.getvalue()))

    # Across returns: BB502, BB503, BB504, BB501, BB109
    early, late = datetime(by - 1, 11, 1, 9, tzinfo=UTC), datetime(by - 1, 11, 20, 15, tzinfo=UTC)
    edit(base, case("tva_versioner", f"{avd}_ny.xlsx", "BB502"), lambda wb: None, late)
    edit(base, out / "tva_versioner" / f"{avd}_gammal.xlsx", ram_off, early)

    second = settings.avdelning(second_code)
    edit(
        clean[second.code],
        case(
            "projekt_tva_avd",
            f"{second.code}.xlsx",
            "BB504",
            inv.name,
            cell_ref(inv, "id", inv_row),
        ),
        lambda wb: project(wb, first_empty_row(wb, schema, "investeringar"), "GEM-1", None, 50),
    )
    edit(
        base,
        out / "projekt_tva_avd" / f"{avd}.xlsx",
        lambda wb: project(wb, inv_row, "GEM-1", None, 50),
    )

    foreign = settings.verksamheter_of(avd)[0]
    second_wb = openpyxl.load_workbook(clean[second.code])
    second_row = drift_rows(second_wb, schema)[0]
    target = case(
        "verksamhet_tva_avd", f"{second.code}.xlsx", "BB503", drift.name, f"A{second_row}"
    )
    edit(
        clean[second.code],
        target,
        lambda wb: setattr(wb[drift.name].cell(second_row, 1), "value", foreign.code),
    )
    shutil.copyfile(base, out / "verksamhet_tva_avd" / f"{avd}.xlsx")

    cases.extend(cell_cases(out, settings, base))
    shutil.copyfile(base, case("saknas", f"{avd}.xlsx", "BB501"))
    lock = case("lasfil", f"~${avd}.xlsx", "BB109")
    lock.write_bytes(b"\x0bKarin Lund" + b" " * 40)
    shutil.copyfile(base, out / "lasfil" / f"{avd}.xlsx")
    return cases


def cell_cases(out: Path, settings: Settings, base: Path) -> list[Case]:
    """The reader's sheet and cell rules, one file each, as a department head breaks them."""
    schema = S.build_schema(settings)
    drift, inv = schema.sheet("drift"), schema.sheet("investeringar")
    budget_key = f"budget_{settings.budget_year}"
    plan1 = f"plan_{settings.plan_years[0]}"
    wb0 = openpyxl.load_workbook(base)
    row = drift_row(wb0, schema, settings, "material")
    inv_row = first_empty_row(wb0, schema, "investeringar")
    years = settings.investment_years
    cases: list[Case] = []

    def put(sheet: S.SheetDef, key: str, r: int, value: object) -> Callable[[Workbook], None]:
        return lambda wb: setattr(wb[sheet.name].cell(r, col(sheet, key)), "value", value)

    def error_value(wb: Workbook) -> None:
        c = wb[drift.name].cell(row, col(drift, budget_key))
        c.value, c.data_type = "#REF!", "e"  # what Excel stores after a broken reference

    def project(wb: Workbook, r: int, pid: str, *, category: str | None, amounts: bool) -> None:
        ws = wb[inv.name]
        ws.cell(r, col(inv, "id")).value = pid
        ws.cell(r, col(inv, "name")).value = "Ombyggnad av reception"
        ws.cell(r, col(inv, "category")).value = category
        ws.cell(r, col(inv, "status")).value = S.PROJECT_STATUSES[0]
        if amounts:
            ws.cell(r, col(inv, f"inv_{years[0]}")).value = 200
        ws.cell(r, col(inv, "description")).value = "Tillgänglighetsanpassning."

    category = settings.asset_categories[0].name
    specs: list[tuple[str, str, str, str, Callable[[Workbook], None]]] = [
        (
            "text_i_belopp",
            "BB301",
            drift.name,
            cell_ref(drift, budget_key, row),
            put(drift, budget_key, row, "ca hundra"),
        ),
        (
            "belopp_som_text",
            "BB302",
            drift.name,
            cell_ref(drift, budget_key, row),
            put(drift, budget_key, row, "1 234"),
        ),
        (
            "decimaler",
            "BB303",
            drift.name,
            cell_ref(drift, plan1, row),
            put(drift, plan1, row, 1234.5),
        ),
        (
            "negativt",
            "BB304",
            drift.name,
            cell_ref(drift, budget_key, row),
            put(drift, budget_key, row, -50),
        ),
        ("formelfel", "BB305", drift.name, cell_ref(drift, budget_key, row), error_value),
        (
            "ej_i_listan",
            "BB307",
            inv.name,
            cell_ref(inv, "category", inv_row),
            lambda wb: project(wb, inv_row, "RECEP-1", category="Fordon", amounts=True),
        ),
        (
            "projekt_utan_kategori",
            "BB405",
            inv.name,
            f"A{inv_row}",
            lambda wb: project(wb, inv_row, "RECEP-1", category=None, amounts=True),
        ),
        (
            "projekt_utan_belopp",
            "BB410",
            inv.name,
            f"A{inv_row}",
            lambda wb: project(wb, inv_row, "RECEP-1", category=category, amounts=False),
        ),
        (
            "samma_projekt_id",
            "BB404",
            inv.name,
            f"A{inv_row + 1}",
            lambda wb: (
                project(wb, inv_row, "RECEP-1", category=category, amounts=True),
                project(wb, inv_row + 1, "RECEP-1", category=category, amounts=True),
            ),
        ),
        (
            "planar_saknas",
            "BB406",
            drift.name,
            cell_ref(drift, plan1, row),
            put(drift, plan1, row, None),
        ),
        (
            "rubrik_andrad",
            "BB203",
            drift.name,
            cell_ref(drift, budget_key, drift.header_row),
            put(drift, budget_key, drift.header_row, "Budget nästa år"),
        ),
        (
            "blad_omdopt",
            "BB201",
            inv.name,
            "",
            lambda wb: setattr(wb[inv.name], "title", "Investeringar (2)"),
        ),
    ]
    for folder, code, sheet, cell, change in specs:
        (out / folder).mkdir(parents=True, exist_ok=True)
        edit(base, out / folder / base.name, change)
        cases.append(Case(f"{folder}/{base.name}", code, sheet, cell, "reader rule"))
    return cases


def ram_cell(schema: S.Schema, settings: Settings, year: int) -> str:
    """Where BB401 points: the year's column in the Drift sheet's ram difference row."""
    from budgetbook.checks import ram_cell as where

    return where(schema, settings, year)


def libreoffice_cases(out: Path, clean: dict[str, Path], profile: Path) -> list[Case]:
    """Real re-saves by LibreOffice: .xlsx (must still read), .xls and .ods (BB100)."""
    if soffice() is None:
        return []
    src = out / "lo_kalla"
    src.mkdir(parents=True, exist_ok=True)
    code, path = next(iter(clean.items()))
    stem = f"{code}_libreoffice"
    source = src / f"{stem}.xlsx"
    shutil.copyfile(path, source)
    cases = []
    for fmt, ext, expected in (
        ("xlsx", "xlsx", ""),
        ("xls", "xls", "BB100"),
        ("ods", "ods", "BB100"),
    ):
        folder = out / f"libreoffice_{ext}"
        folder.mkdir(parents=True, exist_ok=True)
        if ext == "xlsx":
            tmp = out / "lo_tmp"
            tmp.mkdir(exist_ok=True)
            soffice_convert([source], "xlsx:Calc MS Excel 2007 XML", tmp, profile)
            shutil.move(tmp / f"{stem}.xlsx", folder / f"{stem}.xlsx")
        else:
            soffice_convert([source], fmt, folder, profile)
        cases.append(Case(f"libreoffice_{ext}/{stem}.{ext}", expected, note=f"LibreOffice {ext}"))
    return cases
