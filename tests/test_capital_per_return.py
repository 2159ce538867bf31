"""BB408 per return: an avdelning's Kapitalkostnader rows on Drift against the capital
cost of its own Investeringar, found at collect with the avdelning's file, sheet and
cell, in the problem report and in the head's feedback copy.

Real files: templates written by our writer, filled by the example's heads
(`round_files`), then changed with openpyxl as a department head changes them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from budgetbook import actions, capital, checks
from budgetbook.consolidate import capital_budgeted
from budgetbook.drift_figures import drift_figures
from budgetbook.model import VIEW_KAPITALKOSTNADER
from budgetbook.problem_report import FEEDBACK_SHEET
from budgetbook.schema import Schema, build_schema, year_key
from budgetbook.settings import Settings
from cons_builders import drift_sub, project, small_settings
from wb_builders import round_files

FMO = "Budget 2027 Förtroendemannaorganisationen.xlsx"
SPL = "Budget 2027 Samhällsplanering och ledning.xlsx"
EKO = "Budget 2027 Ekonomiavdelningen.xlsx"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the example round's templates and returns (not collected)."""
    root = tmp_path_factory.mktemp("capital") / "ws"
    round_files(root)
    return root


@pytest.fixture
def ws(example: Path, tmp_path: Path) -> Path:
    """A fresh copy of `example` for one test to change and collect."""
    import shutil

    root = tmp_path / "ws"
    shutil.copytree(example, root)
    return root


def edit_drift(path: Path, changes: dict[tuple[str, str, int], int]) -> None:
    """Add to Drift amounts as a head types them: (verksamhet code, driftpost name,
    year) -> tkr added to what the cell holds."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Drift"]
    settings = actions.open_round(path.parent.parent).settings
    sheet = build_schema(settings).sheet("drift")
    col = {key: sheet.index(key) + 1 for key in ("verksamhet", "driftpost")}
    for (verksamhet, driftpost, year), added in changes.items():
        row = next(
            r
            for r in range(sheet.first_data_row, ws.max_row + 1)
            if str(ws.cell(r, col["verksamhet"]).value) == verksamhet
            and ws.cell(r, col["driftpost"]).value == driftpost
        )
        cell = ws.cell(row, sheet.index(year_key(settings, year)) + 1)
        cell.value += added
    wb.save(path)


def moved(verksamhet: str, added: dict[int, int]) -> dict[tuple[str, str, int], int]:
    """`added` tkr per year onto the verksamhet's Kapitalkostnader, taken from its
    Material och övriga kostnader so that the ram still holds (no BB401)."""
    changes = {}
    for year, tkr in added.items():
        changes[verksamhet, "Kapitalkostnader", year] = tkr
        changes[verksamhet, "Material och övriga kostnader", year] = -tkr
    return changes


def gaps(problems: list, file: str | None = None) -> list:
    return [p for p in problems if p.code == "BB408" and (file is None or p.file == file)]


def test_rows_fifty_over_the_projects_capital_cost_are_found_at_the_row(ws: Path) -> None:
    """FMO's one Kapitalkostnader row is budget 2026 (320) plus its projects' cost; the
    head adds 50 tkr a year. Its projects: Verksamhetssystem 1 800 in 2027 and 2028
    (10 years) and IT 450 in 2027 and 2028 (3 years), 2.5 %, from the year after: 2028
    180 + 45 = 225 and 150 + 11.25 → 161, 386 tkr; 2029 (180 + 40.5) + (180 + 45) =
    445.5 → 446 and (150 + 7.5) + (150 + 11.25) = 318.75 → 319, 765 tkr."""
    edit_drift(ws / "inbox" / FMO, moved("1100", {2027: 50, 2028: 50, 2029: 50}))
    result = actions.collect(ws)
    found = gaps(result.problems)
    assert [(p.file, p.sheet, p.cell, p.avdelning) for p in found] == [
        (FMO, "Drift", "F18", "FMO"),
        (FMO, "Drift", "G18", "FMO"),
        (FMO, "Drift", "H18", "FMO"),
    ]
    assert all(p.severity.value == "varning" for p in found)
    assert found[1].message == (
        "Bladet Drift, cell G18: avdelningens investeringar på bladet Investeringar ger "
        "386 tkr i kapitalkostnad 2028, men raden Kapitalkostnader ökar med 436 tkr "
        "jämfört med budget 2026 (differens +50 tkr). Raden ska vara budget 2026 plus "
        "investeringarnas kapitalkostnad: 320 + 386 = 706 tkr för 2028. Rätta beloppet, "
        "eller bladet Investeringar om något saknas eller är fel där; är skillnaden "
        "avsiktlig, förklara den i kolumnen Kommentar."
    )
    assert "ger 0 tkr i kapitalkostnad 2027" in found[0].message
    assert f"320 + 765 = 1{NBSP}085 tkr för 2029" in found[2].message
    # the head's status says so (a warning: the return is still accepted)
    status = next(s for s in result.statuses if s.avdelning == "FMO")
    assert status.status == "varningar" and status.errors == 0
    assert any(sub.avdelning == "FMO" for sub in result.submissions)
    # the office's report lists them with file, sheet and cell
    report = openpyxl.load_workbook(ws / "output" / "inlamningskontroll_2027.xlsx")["Problem"]
    rows = [[c.value for c in row] for row in report.iter_rows(min_row=2)]
    listed = [(r[0], r[2], r[3]) for r in rows if r[4] == "BB408"]
    assert listed == [("FMO", "Drift", "F18"), ("FMO", "Drift", "G18"), ("FMO", "Drift", "H18")]
    # and the consolidation does not tell the office the same again for the nämnd
    cons, _ = actions.consolidate(ws)
    assert gaps(cons.problems) == []


def test_the_head_s_feedback_copy_marks_the_row_and_lists_the_finding(ws: Path) -> None:
    edit_drift(ws / "inbox" / FMO, moved("1100", {2028: 50}))
    result = actions.collect(ws)
    (found,) = gaps(result.problems)
    wb = openpyxl.load_workbook(ws / "output" / "aterkoppling" / "aterkoppling_FMO_2027.xlsx")
    listing = wb[FEEDBACK_SHEET]
    rows = [r for r in listing.iter_rows(min_row=5, values_only=True) if r[2] == "BB408"]
    assert [r[:5] for r in rows] == [("Drift", "G18", "BB408", "varning", found.message)]
    marked = wb["Drift"]["G18"]
    assert marked.comment is not None and found.message in marked.comment.text
    assert marked.border.left.style == "thick"  # a warning's frame
    assert wb["Drift"]["F18"].comment is None


def test_a_row_typed_exactly_as_the_instructions_say_gives_nothing(ws: Path) -> None:
    """The head moves IT spend (450 more in 2028) and types the row anew: 2029 IT
    (150 + 7.5) + (300 + 22.5) = 480 and system 446, so 320 + 926 = 1 246 tkr (161 more
    than before): rounded per project, as the consolidation rounds."""
    path = ws / "inbox" / FMO
    wb = openpyxl.load_workbook(path)
    wb["Investeringar"]["G8"].value += 450
    wb.save(path)
    edit_drift(path, moved("1100", {2029: 161}))
    result = actions.collect(ws)
    assert gaps(result.problems) == []
    # and the untouched returns of the example round give nothing either
    assert {p.code for p in result.problems} >= {"BB302", "BB402"}


def test_of_several_rows_the_one_the_head_changed_is_marked_and_all_are_named(ws: Path) -> None:
    """EKO has no projects and two verksamheter, each with a Kapitalkostnader row; the
    head raises the second by 50 tkr in 2029."""
    edit_drift(ws / "inbox" / EKO, moved("1610", {2029: 50}))
    (found,) = gaps(actions.collect(ws).problems)
    assert (found.file, found.cell) == (EKO, "H25")
    assert found.message == (
        "Bladet Drift, cell H25: avdelningens investeringar på bladet Investeringar ger "
        "0 tkr i kapitalkostnad 2029, men raderna Kapitalkostnader i H18 och H25 ökar "
        "tillsammans med 50 tkr jämfört med budget 2026 (differens +50 tkr). Tillsammans "
        f"ska de vara budget 2026 plus investeringarnas kapitalkostnad: 1{NBSP}960 + 0 = "
        f"1{NBSP}960 tkr för 2029. Rätta beloppen, eller bladet Investeringar om något "
        "saknas eller är fel där; är skillnaden avsiktlig, förklara den i kolumnen Kommentar."
    )


def test_gaps_of_opposite_sign_no_longer_cancel_and_add_up_to_the_namnd(ws: Path) -> None:
    """FMO's rows 50 tkr over its projects in 2028, SPL's 50 under: for the nämnd the
    two cancelled, and the one nämnd-level check said nothing. Each return's figures
    are the consolidation's, so their sums are the nämnd's."""
    edit_drift(ws / "inbox" / FMO, moved("1100", {2028: 50}))
    edit_drift(ws / "inbox" / SPL, moved("1410", {2028: -50}))
    result = actions.collect(ws)
    found = gaps(result.problems)
    assert [(p.avdelning, p.cell) for p in found] == [("FMO", "G18"), ("SPL", "G25")]
    assert "(differens +50 tkr)" in found[0].message
    assert f"(differens {chr(0x2212)}50 tkr)" in found[1].message
    assert "minskar med" not in found[1].message  # SPL's rows still increase, by 396

    r = actions.open_round(ws)
    settings, subs = r.settings, result.submissions
    per_return = [capital.return_capital(s, settings) for s in subs]
    assert all(c is not None for c in per_return)
    cons, _ = actions.consolidate(ws)
    total = cons.views[VIEW_KAPITALKOSTNADER].rows[-1].values
    included = {s.avdelning for s in subs}
    budgeted = capital_budgeted(settings, drift_figures(subs, settings), included)
    for year in capital.compared_years(settings):
        assert sum(c.plan[year] for c in per_return if c) == total[f"kap_{year}"]
        assert sum(c.added(year) for c in per_return if c) == budgeted[year]
    assert budgeted[2028] == total["kap_2028"]  # the nämnd's figures agree
    assert gaps(cons.problems) == []


def test_nothing_beside_an_error_in_the_figures_it_rests_on(ws: Path) -> None:
    """A capital amount typed as text (BB301) is unread, and a project's category not
    in the list (BB307) has no cost: the head fixes the error first, and is not told of
    a difference the error made."""
    path = ws / "inbox" / FMO
    wb = openpyxl.load_workbook(path)
    wb["Drift"]["G18"].value = "se bilaga"
    wb.save(path)
    codes = {p.code for p in actions.collect(ws).problems if p.file == FMO}
    assert "BB301" in codes and "BB408" not in codes

    wb = openpyxl.load_workbook(path)
    wb["Drift"]["G18"].value = 756  # 50 over: a gap, were the plan known
    wb["Investeringar"]["C8"].value = "Datorer"
    wb.save(path)
    codes = {p.code for p in actions.collect(ws).problems if p.file == FMO}
    assert "BB307" in codes and "BB408" not in codes


# --- on Submissions built in the test (cons_builders' small round) --------------------


def small(tmp_path: Path) -> tuple[Settings, Schema]:
    settings = small_settings(tmp_path)
    return settings, build_schema(settings)


def test_a_return_without_projects_whose_rows_drop_is_told_they_drop(tmp_path: Path) -> None:
    settings, schema = small(tmp_path)
    lines = {("A1", "personal"): (650, 660, 670), ("A2", "kapital"): (50, 40, 50)}
    (found,) = checks.capital_problems(drift_sub("A", lines), settings, schema)
    assert found.cell == "G8"
    assert "men raden Kapitalkostnader minskar med 10 tkr jämfört med budget 2026" in (
        found.message
    )
    assert "(differens −10 tkr)" in found.message and "50 + 0 = 50 tkr för 2028" in found.message


def test_no_check_without_a_capital_driftpost_or_row(tmp_path: Path) -> None:
    settings, schema = small(tmp_path)
    projects = [project("P1", "System", "IT", "Ny", {2027: 3000})]
    no_row = drift_sub("A", {("A1", "personal"): (650, 660, 670)}, projects=projects)
    assert checks.capital_problems(no_row, settings, schema) == []
    with_row = drift_sub("A", {("A2", "kapital"): (50, 50, 50)}, projects=projects)
    assert [p.cell for p in checks.capital_problems(with_row, settings, schema)] == ["G7", "H7"]
    plain = dataclasses.replace(
        settings,
        driftposter=tuple(dataclasses.replace(d, capital=False) for d in settings.driftposter),
    )
    assert checks.capital_problems(with_row, plain, build_schema(plain)) == []


def test_an_unknown_category_without_spend_does_not_stop_the_check(tmp_path: Path) -> None:
    settings, schema = small(tmp_path)
    lines = {("A2", "kapital"): (50, 50, 50)}
    spent = [project("P1", "System", "Okänd", "Ny", {2027: 3000})]
    assert checks.capital_problems(drift_sub("A", lines, projects=spent), settings, schema) == []
    empty = [project("P1", "System", "Okänd", "Ny", {}), project("P2", "Dator", "IT", "Ny", {})]
    assert checks.capital_problems(drift_sub("A", lines, projects=empty), settings, schema) == []
    # IT 300 in 2027 at 2 %: 100 + 6 in 2028, 100 + 4 in 2029
    some = [*empty, project("P3", "Skärmar", "IT", "Ny", {2027: 300}, row=9)]
    found = checks.capital_problems(drift_sub("A", lines, projects=some), settings, schema)
    assert [p.cell for p in found] == ["G7", "H7"]
    assert "ger 106 tkr i kapitalkostnad 2028" in found[0].message
    assert "ger 104 tkr i kapitalkostnad 2029" in found[1].message
