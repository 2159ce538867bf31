"""LibreOffice opens every generated workbook, and (with forced recalculation on load)
computes the same totals and ram differences that budgetbook computes from the cells."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from budgetbook.reader import read_return
from wb_builders import round_files

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]

# Recalculate every formula on load, whatever the file's cached values say.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def convert(files: list[Path], out: Path, profile: Path, target: str) -> None:
    """One soffice call for all files (each call costs seconds)."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "HOME": str(profile)},
    )


def test_libreoffice_opens_and_agrees(tmp_path: Path) -> None:
    settings, schema, templates, returns = round_files(tmp_path / "ws")
    out = tmp_path / "lo"
    convert([*templates, *returns], out, tmp_path / "profile", "xlsx")
    for path in [*templates, *returns]:
        assert (out / path.name).exists(), f"LibreOffice could not open {path.name}"

    drift = schema.sheet("drift")
    inv = schema.sheet("investeringar")
    kinds = settings.kinds
    top = drift.header_row - 7  # 0-based row of the summary block (Intäkter)
    for path in returns:
        result = read_return(path, settings, schema)
        sub = result.submission
        assert sub is not None
        # An amount typed as text (BB302) counts for budgetbook but not for SUM in the
        # sheet; the warning tells the user. Compare on the numeric cells.
        as_text = {p.cell for p in result.problems if p.code == "BB302"}
        for ln in sub.drift:
            ln.amounts = {y: a for y, a in ln.amounts.items() if ln.cells.get(y) not in as_text}
        avd = settings.avdelning(sub.avdelning)
        wb = CalamineWorkbook.from_path(str(out / path.name))
        grid = wb.get_sheet_by_name(drift.name).to_python(skip_empty_area=False)
        for year in settings.years:
            key = f"budget_{year}" if year == settings.budget_year else f"plan_{year}"
            c = drift.index(key)
            revenue = sum(
                ln.amounts.get(year, 0) for ln in sub.drift if kinds[ln.driftpost] == "revenue"
            )
            net = sub.net(year, kinds)
            assert grid[top][c] == revenue, (path.name, year)
            assert grid[top + 1][c] == net + revenue, (path.name, year)
            assert grid[top + 2][c] == net, (path.name, year)
            assert grid[top + 4][c] == net - avd.ram[year], (path.name, year)
        # change per row, computed by LibreOffice, equals new - old from the cells
        for line in sub.drift:
            r = line.row - 1
            prior = settings.prior.get((line.verksamhet, line.driftpost))
            old = prior.budget if prior else 0
            new = line.amounts.get(settings.budget_year)
            if new is not None:
                assert grid[r][drift.index("change_tkr")] == new - old
        inv_grid = wb.get_sheet_by_name(inv.name).to_python(skip_empty_area=False)
        for year in settings.investment_years:
            c = inv.index(f"inv_{year}")
            total = sum(p.amounts.get(year, 0) for p in sub.projects)
            assert inv_grid[inv.header_row - 2][c] == total


def test_the_change_in_percent_is_whole_except_beside_the_rule(tmp_path: Path) -> None:
    """A department workbook's % change is in whole percent, as the consolidation and
    the draft show it (review: the template alone showed "0,0 %"), rounded in its
    formula to what it shows. Where whole percent would put a change on the wrong side
    of the large-change rule (10,4 % shown "10 %" beside "Kommentar saknas" and an
    instruction that says "mer än 10 %"; 10,04 % likewise), the cell shows a tenth.
    Rounding in the formula keeps Excel from showing "-0 %" for −0,03 % (it takes the
    minus sign from the unrounded value). LibreOffice computes and prints a template
    filled as a person fills it."""
    import re

    import openpyxl

    from budgetbook import fmt

    settings, schema, templates, _ = round_files(tmp_path / "ws")
    t = settings.change_threshold_pct / 100
    drift = schema.sheet("drift")
    path = templates[0]
    wb = openpyxl.load_workbook(path)
    ws = wb[drift.name]
    new_col = drift.index(f"budget_{settings.budget_year}") + 1
    old_col = drift.index("budget_prior") + 1
    c = drift.index("change_pct")
    assert ws.cell(drift.first_data_row, c + 1).number_format == "0 %"
    (rule,) = [
        r
        for cf in ws.conditional_formatting
        if str(cf.sqref).startswith(ws.cell(drift.first_data_row, c + 1).coordinate)
        for r in cf.rules
    ]
    assert rule.dxf.numFmt.formatCode == "0.0 %"
    rows = [r for r in range(drift.first_data_row + 1, ws.max_row + 1) if ws.cell(r, old_col).value]
    # (change as a share of the prior budget, shown as)
    cases = [
        (-(t + 0.004), "tenth"),  # −10,4 %: more than the rule, "−10 %" would not be
        (-0.0003, "whole"),  # −0,03 %: "0 %", never "-0 %"
        (0.006, "whole"),
        (0.123, "whole"),
        (t, "whole"),  # exactly the rule: not more than it, and "10 %" says so
    ]
    wanted = {}
    for r, (share, shown) in zip(rows, cases, strict=False):
        old = ws.cell(r, old_col).value
        ws.cell(r, new_col).value = new = old + fmt.round_half_up(old * share)
        wanted[r] = ((new - old) / abs(old), shown)
    assert len(wanted) == len(cases)
    filled = tmp_path / "ifylld.xlsx"
    wb.save(filled)
    out = tmp_path / "lo"
    convert([filled], out, tmp_path / "profile", "xlsx")
    grid = (
        CalamineWorkbook.from_path(str(out / filled.name))
        .get_sheet_by_name(drift.name)
        .to_python(skip_empty_area=False)
    )
    for r, (exact, shown) in wanted.items():
        computed = grid[r - 1][c]
        digits = 3 if shown == "tenth" else 2
        assert computed == round(computed, digits), (r, exact, computed)
        assert abs(computed - exact) <= 0.5 * 10**-digits + 1e-12, (r, exact, computed)
    assert grid[rows[1] - 1][c] == 0  # −0,03 %: 0, not −0
    if shutil.which("pdftotext") is None:
        return
    convert([out / filled.name], tmp_path / "pdf", tmp_path / "profile", "pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "pdf" / "ifylld.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # (pdftotext drops the narrow space in "0 %", "1 %")
    drift_text = text[text.index(f"{drift.name} – ") :]  # its title, on its page
    shown_pct = [
        s.replace(" ", "")
        for s in re.findall(r"(?<![\d.,])[-\u2212]?\d+(?:[.,]\d)? ?%", drift_text)
    ]
    ten = round(settings.change_threshold_pct)
    assert any(re.fullmatch(rf"[-\u2212]{ten}[.,]4%", s) for s in shown_pct), shown_pct
    assert {"0%", "1%", "12%", f"{ten}%"} <= set(shown_pct), shown_pct
    assert not any(s.startswith(("-0", "\u22120")) for s in shown_pct), shown_pct
    # no other tenth than the one beside the rule
    assert len([s for s in shown_pct if re.search(r"[.,]\d%", s)]) == 1, shown_pct


def test_the_kontroll_column_and_collect_agree_at_the_threshold(tmp_path: Path) -> None:
    """A change of exactly the threshold is not "mer än" it, in the workbook's Kontroll
    column (computed by LibreOffice) and in collect's BB402 alike; one tkr more is, in
    both. In floats collect found 2 184 / 31 200 × 100 = 7.000000000000001 > 7."""
    import openpyxl

    from budgetbook import checks
    from budgetbook.schema import build_schema
    from budgetbook.templates import write_templates
    from wb_builders import example_settings

    settings = example_settings(tmp_path / "ws")
    settings.change_threshold_pct, settings.change_threshold_tkr = 7.0, 100
    schema = build_schema(settings)
    path = write_templates(settings, schema, tmp_path / "ws" / "workbook_templates")[0]
    drift = schema.sheet("drift")
    wb = openpyxl.load_workbook(path)
    ws = wb[drift.name]
    new_col = drift.index(f"budget_{settings.budget_year}") + 1
    old_col = drift.index("budget_prior") + 1
    exact = [
        r
        for r in range(drift.first_data_row + 1, ws.max_row + 1)
        if isinstance(old := ws.cell(r, old_col).value, int) and old * 7 % 100 == 0 and old >= 2000
    ]
    assert len(exact) >= 3
    large = {}
    for r, more in zip(exact, (0, 1, 0), strict=False):  # exactly +7 %, +7 % and 1 tkr, −7 %
        old = ws.cell(r, old_col).value
        sign = -1 if r == exact[2] else 1
        ws.cell(r, new_col).value = old + sign * (old * 7 // 100 + more)
        large[r] = more == 1
    for r in range(drift.first_data_row + 1, ws.max_row + 1):  # the rest unchanged
        if r not in large and isinstance(ws.cell(r, old_col).value, int):
            ws.cell(r, new_col).value = ws.cell(r, old_col).value
    filled = tmp_path / "ifylld.xlsx"
    wb.save(filled)
    convert([filled], tmp_path / "lo", tmp_path / "profile", "xlsx")
    grid = (
        CalamineWorkbook.from_path(str(tmp_path / "lo" / filled.name))
        .get_sheet_by_name(drift.name)
        .to_python(skip_empty_area=False)
    )
    flag = drift.index("flag")
    assert {r: grid[r - 1][flag] == "Kommentar saknas" for r in large} == large
    result = read_return(tmp_path / "lo" / filled.name, settings, schema)
    assert result.submission is not None
    flagged = {
        int(p.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        for p in checks.change_problems(result.submission, settings, schema)
    }
    assert flagged == {r for r, is_large in large.items() if is_large}


def test_the_ram_line_names_the_year_off_the_ram(tmp_path: Path) -> None:
    """Regression: the sentence beside Differens mot ramen (K9) tested the budget year
    only and said "Budgeten stämmer med ramen." with plan 2028 off the ram. Example
    returns (on the ram every year) edited as a person edits them, computed by
    LibreOffice; the value saved by our writer is what LibreOffice computes."""
    import openpyxl

    settings, schema, templates, returns = round_files(tmp_path / "ws")
    drift = schema.sheet("drift")
    source = next(p for p in returns if "Ekonomiavdelningen" in p.name)
    by, p1, p2 = settings.years
    row = drift.first_data_row + 1  # a cost row
    cases: dict[str, dict[int, int]] = {
        "på_ramen": {},
        "plan_1": {p1: 100},
        "plan_2": {p2: -40},
        "budget": {by: 10},
        "budget_och_plan": {by: 10, p2: 10},
        "planaren": {p1: 10, p2: 10},
    }
    files = []
    for name, changes in cases.items():
        wb = openpyxl.load_workbook(source)
        ws = wb[drift.name]
        for year, more in changes.items():
            cell = ws.cell(row, drift.index(f"{'budget' if year == by else 'plan'}_{year}") + 1)
            cell.value += more
        files.append(tmp_path / f"{name}.xlsx")
        wb.save(files[-1])
    out = tmp_path / "lo"
    convert([*files, templates[0]], out, tmp_path / "profile", "xlsx")
    top = drift.header_row - 7  # the Intäkter row, 0-based
    at = (top + 4, drift.index("comment"))  # K9

    def shown(path: Path) -> object:
        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(drift.name)
        return grid.to_python(skip_empty_area=False)[at[0]][at[1]]

    adjust = "ska vara lika med ramen: justera beloppen."
    assert {name: shown(out / f"{name}.xlsx") for name in cases} == {
        "på_ramen": "Budget och plan stämmer med ramen.",
        "plan_1": f"Nettokostnaden för plan {p1} {adjust}",
        "plan_2": f"Nettokostnaden för plan {p2} {adjust}",
        "budget": f"Nettokostnaden för budget {by} {adjust}",
        "budget_och_plan": f"Nettokostnaden för budget och plan {adjust}",
        "planaren": f"Nettokostnaden för planåren {adjust}",
    }
    # the template as written (nothing filled in: every year off) says what it computes
    assert shown(templates[0]) == shown(out / templates[0].name)


def test_an_amount_typed_as_text_gets_no_flag_and_no_value_error(tmp_path: Path) -> None:
    """Regression: an amount written as text ("2 320", which collect reads as 2 320 tkr
    with warning BB302) showed #VALUE! in the change columns and "Kommentar saknas" in
    the Kontroll column (N() of a text is 0: a change of the whole prior budget).
    Computed by LibreOffice from an example return edited as a person edits it."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    settings, schema, _, returns = round_files(tmp_path / "ws")
    drift = schema.sheet("drift")
    source = next(p for p in returns if "Ekonomiavdelningen" in p.name)
    wb = openpyxl.load_workbook(source)
    ws = wb[drift.name]
    new_col = drift.index(f"budget_{settings.budget_year}") + 1
    old_col = drift.index("budget_prior") + 1
    comment_col = drift.index("comment") + 1
    rows = [
        r
        for r in range(drift.first_data_row, ws.max_row + 1)
        if isinstance(ws.cell(r, old_col).value, int) and ws.cell(r, old_col).value > 1000
    ][:2]
    as_text, as_number = rows
    ws.cell(as_text, new_col).value = f"{ws.cell(as_text, new_col).value:,}".replace(",", " ")
    assert not ws.cell(as_text, comment_col).value
    filled = tmp_path / "text.xlsx"
    wb.save(filled)
    convert([filled], tmp_path / "lo", tmp_path / "profile", "xlsx")
    # openpyxl, not calamine: calamine reads an error value (#VALUE!) as ""
    computed = openpyxl.load_workbook(tmp_path / "lo" / filled.name, data_only=True)[drift.name]
    cols = [drift.index(k) + 1 for k in ("change_tkr", "change_pct", "flag")]
    assert [computed.cell(as_text, c).value or "" for c in cols] == ["", "", ""]
    change = ws.cell(as_number, new_col).value - ws.cell(as_number, old_col).value
    assert computed.cell(as_number, cols[0]).value == change  # a number's row as before
    result = read_return(tmp_path / "lo" / filled.name, settings, schema)
    assert [(p.code, p.cell) for p in result.problems] == [
        ("BB302", f"{get_column_letter(new_col)}{as_text}")
    ]
