"""A problem's cell is a link: in the feedback workbook to the marked cell of the same
copy, in the problem report to the cell of the return in inbox/."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from budgetbook import rules
from budgetbook.model import CollectResult
from budgetbook.problem_report import MAX_LINKS, write_feedback, write_problem_report
from budgetbook.reader import read_return
from budgetbook.settings import Settings, load_settings
from budgetbook.workspace import example_resources
from wb_builders import round_files


@pytest.fixture(scope="module")
def feedback(tmp_path_factory: pytest.TempPathFactory):
    """A feedback workbook made from a real return (FMO's, with a BB302 on Drift) as
    collect makes it, plus a problem on a sheet the return does not have and one
    without a cell."""
    tmp = tmp_path_factory.mktemp("links")
    settings, schema, _, returns = round_files(tmp / "round")
    source = next(p for p in returns if "Förtroende" in p.name)
    problems = list(read_return(source, settings, schema).problems)
    assert any(p.sheet == "Drift" and p.cell for p in problems)
    problems += [
        rules.NOT_A_NUMBER(file=source.name, sheet="Budget", cell="B2", varde="x"),
        rules.NOT_READABLE(file=source.name, orsak="test"),
    ]
    out = write_feedback(source, problems, tmp / "aterkoppling.xlsx")
    assert out is not None
    return problems, out


def test_the_feedback_cell_goes_to_the_marked_cell_in_the_same_workbook(feedback) -> None:
    """Regression: the department head read "Drift, F14" and had to find the cell by
    hand. The Cell is a link within the copy sent back (a link into another file
    would be broken once the feedback is e-mailed), to the cell marked and commented."""
    problems, out = feedback
    wb = openpyxl.load_workbook(out)
    listing = wb["Återkoppling"]
    linked = 0
    # listed in the workbook's order, not as found: each row names its own problem
    listed = [
        tuple(listing.cell(row, col).value or "" for col in (1, 2, 3))
        for row in range(5, 5 + len(problems))
    ]
    assert sorted(listed) == sorted((p.sheet, p.cell, p.code) for p in problems)
    for row, (sheet, ref, _) in enumerate(listed, start=5):
        cell = listing.cell(row, 2)
        p = next(p for p in problems if (p.sheet, p.cell) == (sheet, ref))
        if p.sheet in wb.sheetnames and p.cell:
            link = cell.hyperlink
            assert link is not None and link.target is None  # inside this workbook
            assert link.location == f"'{p.sheet}'!{p.cell}"
            assert wb[p.sheet][p.cell].comment is not None  # where the marks are
            assert cell.font.u == "single"
            linked += 1
        else:  # no such sheet in the return, or no cell: nothing to go to
            assert cell.hyperlink is None
    assert linked >= 1
    with zipfile.ZipFile(out) as z:  # no relationship to an outside file was added
        rels = [n for n in z.namelist() if n.endswith(".rels") and "worksheets" in n]
        assert not any(b'TargetMode="External"' in z.read(n) for n in rels)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(example_resources() / "budgetbook.toml")


def test_the_problem_report_cell_opens_the_return_at_the_cell(
    tmp_path: Path, settings: Settings
) -> None:
    """The report's Cell opens the return in inbox/ at the cell, as its Fil does; a
    problem without a cell, or a file without a link, is text."""
    problems = [
        rules.NOT_A_NUMBER(file="FMO.xlsx", sheet="Drift", cell="F14", avdelning="FMO", varde="x"),
        rules.NOT_READABLE(file="FMO.xlsx", orsak="test", avdelning="FMO"),
        rules.NOT_A_NUMBER(file="EKO.xlsx", sheet="Drift", cell="F9", avdelning="EKO", varde="x"),
    ]
    path = write_problem_report(
        CollectResult(problems=problems),
        settings,
        tmp_path / "kontroll.xlsx",
        {"FMO.xlsx": "../inbox/FMO.xlsx"},
    )
    ps = openpyxl.load_workbook(path)["Problem"]
    assert ps["D2"].value == "F14"
    assert ps["D2"].hyperlink.target.replace("\\", "/") == "../inbox/FMO.xlsx"
    assert ps["D2"].hyperlink.location == "'Drift'!F14"
    assert ps["D3"].hyperlink is None and ps["B3"].hyperlink is not None  # the file only
    assert ps["D4"].value == "F9" and ps["D4"].hyperlink is None  # no link to EKO.xlsx


def test_more_problems_than_a_sheet_has_links_for_keep_every_file_and_cell(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel takes 65 530 links on a sheet, and xlsxwriter leaves the cell of a further
    one empty; with two links a problem the report reaches that at half as many
    problems. Past the limit (here made 20) the file name and cell are written as text."""
    import budgetbook.problem_report as report

    monkeypatch.setattr(report, "MAX_LINKS", 20)
    n = 15
    problems = [
        rules.NOT_A_NUMBER(file="A.xlsx", sheet="Drift", cell=f"F{i}", avdelning="A", varde="x")
        for i in range(7, 7 + n)
    ]
    path = write_problem_report(
        CollectResult(problems=problems), settings, tmp_path / "k.xlsx", {"A.xlsx": "A.xlsx"}
    )
    ps = openpyxl.load_workbook(path)["Problem"]
    rows = list(ps.iter_rows(min_row=2, max_col=4))
    assert [(r[1].value, r[3].value) for r in rows] == [
        ("A.xlsx", f"F{i}") for i in range(7, 7 + n)
    ]
    assert [bool(r[1].hyperlink and r[3].hyperlink) for r in rows] == [True] * 10 + [False] * 5
    assert MAX_LINKS == 65_530  # Excel's own limit
