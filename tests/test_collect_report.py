"""The problem report and the feedback workbook: Swedish headings, filters, links,
comments on the problem cells, and text from a return never becomes a formula."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from budgetbook import rules
from budgetbook.model import CollectResult, Problem, ReturnStatus, Severity
from budgetbook.problem_report import (
    PROBLEM_HEADINGS,
    status_headings,
    write_feedback,
    write_problem_report,
)
from budgetbook.settings import Settings, load_settings
from budgetbook.workspace import example_resources
from data.make_corpus import plain_workbook_bytes

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|'/c calc'!A1"]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(example_resources() / "budgetbook.toml")


def hostile_result() -> CollectResult:
    problems = [
        rules.NOT_A_NUMBER(file="FMO.xlsx", sheet="Budget", cell="B2", avdelning="FMO", varde=v)
        for v in HOSTILE
    ]
    problems.append(rules.NOT_READABLE(file="=evil.xlsx", orsak="=1+1"))
    statuses = [
        ReturnStatus(
            "FMO", "=Förtroende", "fel", "FMO.xlsx", "", datetime(2027, 1, 5, tzinfo=UTC), 6, 0
        ),
        ReturnStatus("EKO", "Ekonomi", "saknas"),
    ]
    return CollectResult(statuses=statuses, problems=problems)


def test_report_sheets_text_and_links(tmp_path: Path, settings: Settings) -> None:
    path = write_problem_report(
        hostile_result(), settings, tmp_path / "kontroll.xlsx", {"FMO.xlsx": "../inbox/FMO.xlsx"}
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Status", "Problem"]
    status, problems = wb["Status"], wb["Problem"]
    assert [c.value for c in status[3]] == list(status_headings(settings))
    assert [c.value for c in problems[1]] == list(PROBLEM_HEADINGS)
    assert status.freeze_panes == "A4" and problems.freeze_panes == "A2"
    assert status.auto_filter.ref == "A3:I5" and problems.auto_filter.ref.startswith("A1:H")
    assert status["B4"].value == "=Förtroende" and status["B4"].data_type == "s"
    assert status["H4"].hyperlink.target.replace("\\", "/") == "../inbox/FMO.xlsx"
    assert problems["B2"].hyperlink.target.replace("\\", "/") == "../inbox/FMO.xlsx"
    assert problems["B2"].hyperlink.location == "'Budget'!B2"
    for row in problems.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    assert problems["B7"].value == "=evil.xlsx" and problems["B7"].hyperlink is None
    # No formula anywhere in the package.
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name)


def test_report_columns_are_wide_enough_for_long_names_and_files(
    tmp_path: Path, settings: Settings
) -> None:
    """A return is named after its avdelning: "Budget 2027
    Förtroendemannaorganisationen.xlsx" was cut off in the Fil column (40 wide), on
    screen and on paper. On the Problem sheet a name longer than its column wraps, on
    a row high enough (the sheet is kept narrow enough to print legibly)."""
    from budgetbook.templates_text import wrapped_lines

    name = "Samhällsbyggnadsförvaltningens planeringsavdelning"
    file = f"Budget 2027 {name}.xlsx"
    status = ReturnStatus("SBF", name, "fel", file, "", datetime(2027, 1, 5, tzinfo=UTC), 1, 0)
    problem = rules.NOT_A_NUMBER(file=file, sheet="Drift", cell="E9", avdelning="SBF", varde="x")
    result = CollectResult(statuses=[status], problems=[problem])
    path = write_problem_report(result, settings, tmp_path / "kontroll.xlsx", {})
    wb = openpyxl.load_workbook(path)
    assert wb["Status"].column_dimensions["B"].width >= len(name)
    assert wb["Status"].column_dimensions["H"].width >= len(file)  # after "Sista dag"
    problems = wb["Problem"]
    width = problems.column_dimensions["B"].width
    assert problems["B2"].value == file and problems["B2"].alignment.wrap_text
    assert width >= len(file) or (
        problems.row_dimensions[2].height >= 15 * wrapped_lines(file, width) >= 30
    )


def test_feedback_marks_cells_and_keeps_original(tmp_path: Path) -> None:
    source = tmp_path / "retur.xlsx"
    source.write_bytes(plain_workbook_bytes("Budget"))
    before = source.read_bytes()
    problems = hostile_result().problems
    out = write_feedback(source, problems, tmp_path / "aterkoppling" / "FMO.xlsx")
    assert out is not None and source.read_bytes() == before
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Återkoppling"
    cell = wb["Budget"]["B2"]
    assert cell.comment is not None and cell.comment.text.count("BB301") == len(HOSTILE)
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    listing = wb["Återkoppling"]
    values = [listing.cell(r, 5).value for r in range(5, 5 + len(problems))]
    assert all(v and v.startswith(("Bladet", "Filen")) for v in values)
    for row in listing.iter_rows():
        for c in row:
            assert c.data_type != "f"


def test_feedback_on_unreadable_source_is_skipped(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    assert write_feedback(bad, hostile_result().problems, tmp_path / "fb.xlsx") is None


def test_feedback_rows_are_tall_enough_for_their_wrapped_message(tmp_path: Path) -> None:
    """Regression: the listing's messages wrap, but rows kept the default height, so in
    LibreOffice a two-line message was drawn over the next row (the problem report's
    Problem sheet already set its heights)."""
    source = tmp_path / "retur.xlsx"
    source.write_bytes(plain_workbook_bytes("Budget"))
    short = rules.NOT_A_NUMBER(file="F.xlsx", sheet="Budget", cell="B2", varde="x")
    long = rules.PLAN_YEARS_MISSING(
        file="F.xlsx",
        sheet="Budget",
        cell="B3",
        ar=2029,
        verksamhet="1400",
        driftpost="Material och övriga kostnader",
    )
    assert len(long.message) > 100 > len(short.message)
    out = write_feedback(source, [short, long], tmp_path / "fb.xlsx")
    assert out is not None
    listing = openpyxl.load_workbook(out)["Återkoppling"]
    assert (listing.row_dimensions[5].height or 15) == 15
    assert (listing.row_dimensions[6].height or 15) >= 30
    # the place beside the first line of its message, not below it
    assert listing["A6"].alignment.vertical == "top"


def test_feedback_tells_an_accepted_return_it_is_accepted(tmp_path: Path) -> None:
    """Regression: the feedback sheet said "Rätta punkterna nedan … och skicka den igen"
    also to a return with only warnings, which is accepted: the department head is told
    whether it was, and to correct the errors only when there are any."""
    source = tmp_path / "retur.xlsx"
    source.write_bytes(plain_workbook_bytes("Budget"))
    warning = rules.TEXT_NUMBER(
        file="F.xlsx", sheet="Budget", cell="B2", varde="40 200", tolkat="40 200"
    )
    error = rules.NOT_A_NUMBER(file="F.xlsx", sheet="Budget", cell="B3", varde="x")
    advice = {}
    for name, problems in (("w", [warning]), ("e", [error]), ("ew", [error, warning])):
        out = write_feedback(source, problems, tmp_path / f"{name}.xlsx")
        assert out is not None
        advice[name] = openpyxl.load_workbook(out)["Återkoppling"]["A2"].value
    assert advice["w"].startswith("Inlämningen är godkänd") and "Rätta" not in advice["w"]
    assert advice["e"].startswith("Inlämningen kan inte godkännas. Rätta felen")
    assert "varningarna" not in advice["e"] and advice["ew"].endswith("Se också över varningarna.")


def test_feedback_rows_are_as_high_as_their_longest_messages(tmp_path: Path) -> None:
    """A message wrapped over several lines gets a row that high, and its sheet, cell
    and code stand at the top beside it (LibreOffice showed one line per row, each long
    message running over the rows below it)."""
    source = tmp_path / "retur.xlsx"
    source.write_bytes(plain_workbook_bytes("Budget"))
    short = rules.NOT_A_NUMBER(file="FMO.xlsx", sheet="Budget", cell="B2", varde="x")
    long = rules.NO_COMPUTED_VALUE(file="FMO.xlsx", sheet="Budget", cell="B3")
    out = write_feedback(source, [short, long], tmp_path / "fb.xlsx")
    assert out is not None
    listing = openpyxl.load_workbook(out)["Återkoppling"]
    assert len(short.message) < 100 < 2 * 100 < len(long.message)
    assert (listing.row_dimensions[5].height or 15) == 15  # one line: the default height
    assert listing.row_dimensions[6].height >= 3 * 15
    assert all(listing.cell(6, col).alignment.vertical == "top" for col in range(1, 6))


def test_a_message_quoting_a_long_text_gets_no_taller_row_than_excel_allows(
    tmp_path: Path,
) -> None:
    """Regression: the row height grew with the message without bound; a message quoting
    a long pasted text asked for more than Excel's tallest row (409 points)."""
    from budgetbook.problem_report import MAX_ROW_POINTS

    source = tmp_path / "retur.xlsx"
    source.write_bytes(plain_workbook_bytes("Budget"))
    huge = rules.NOT_A_NUMBER(file="F.xlsx", sheet="Budget", cell="B2", varde="x" * 5000)
    out = write_feedback(source, [huge], tmp_path / "fb.xlsx")
    assert out is not None
    assert openpyxl.load_workbook(out)["Återkoppling"].row_dimensions[5].height == MAX_ROW_POINTS


def test_report_prints_with_header_page_numbers_and_heading_rows(
    tmp_path: Path, settings: Settings
) -> None:
    """A Status list of 100 avdelningar printed on three pages with no heading row
    after the first and no page numbers or title on any page."""
    path = write_problem_report(hostile_result(), settings, tmp_path / "kontroll.xlsx", {})
    wb = openpyxl.load_workbook(path)
    assert wb["Status"].print_title_rows == "$3:$3"
    assert wb["Problem"].print_title_rows == "$1:$1"
    for ws in wb:
        assert ws.oddHeader.left.text == "Exempelkommun, Kommunstyrelsen"
        assert ws.oddHeader.center.text == f"Inlämningskontroll: {ws.title}"
        assert ws.oddHeader.right.text == "Nämndplan 2027"
        assert ws.oddFooter.center.text == "Sida &P av &N"


def test_feedback_prints_as_the_return_with_page_numbers_in_its_own_font(
    tmp_path: Path,
) -> None:
    """The feedback sheet printed without saying whose it was or which page, its
    title and headings in a serif font (a font without a name) beside Calibri."""
    from wb_builders import round_files

    _, _, _, returns = round_files(tmp_path / "round")
    problems = [rules.NOT_A_NUMBER(file="F.xlsx", sheet="Drift", cell="F14", varde="1 2")]
    out = write_feedback(returns[5], problems, tmp_path / "fb.xlsx")
    assert out is not None
    ws = openpyxl.load_workbook(out)["Återkoppling"]
    assert ws["A1"].font.name == "Calibri" and ws["A4"].font.name == "Calibri"
    assert ws.oddHeader.left.text == "Exempelkommun, Kommunstyrelsen"
    assert ws.oddHeader.center.text == "Återkoppling"
    assert ws.oddHeader.right.text == "Ekonomiavdelningen (EKO), 2027"
    assert ws.oddFooter.center.text == "Sida &P av &N"
    assert ws.print_title_rows == "$4:$4"


def test_feedback_lists_problems_in_the_workbooks_order(tmp_path: Path) -> None:
    # BB407 (checked across the return after reading it) was listed after Texter's
    # problems, on the printout's second page, away from Investeringar's (review)
    source = tmp_path / "retur.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Drift"
    wb.create_sheet("Investeringar")
    wb.create_sheet("Texter")
    wb.save(source)

    def found(sheet: str, cell: str, code: str = "BB301") -> Problem:
        return Problem(code, Severity.FEL, f"Bladet {sheet}, {cell}", "retur.xlsx", sheet, cell)

    problems = [
        found("Drift", "F12"),
        found("Texter", "C7"),
        found("Drift", "F9"),
        found("Investeringar", "E8", "BB407"),
        found("", "", "BB102"),
        found("Investeringar", "AA3"),
        found("Texter", "", "BB202"),  # a sheet as a whole: first of its sheet
    ]
    out = write_feedback(source, problems, tmp_path / "ut.xlsx")
    assert out is not None
    listing = openpyxl.load_workbook(out)["Återkoppling"]
    rows = [(listing.cell(r, 1).value, listing.cell(r, 2).value) for r in range(5, 12)]
    assert rows == [
        (None, None),
        ("Drift", "F9"),
        ("Drift", "F12"),
        ("Investeringar", "AA3"),
        ("Investeringar", "E8"),
        ("Texter", None),
        ("Texter", "C7"),
    ]


def _rgb(hex_colour: str) -> tuple[int, ...]:
    text = hex_colour.lstrip("#")[-6:]
    return tuple(int(text[i : i + 2], 16) for i in (0, 2, 4))


def test_a_warning_cell_is_marked_apart_from_the_input_yellow(tmp_path: Path) -> None:
    """Review: a cell with a warning was filled FFEB9C over the template's input yellow
    FFF2CC, and could not be told from the other input cells on screen or on paper. It
    is orange with a thick frame; an error stays pink; the Återkoppling sheet says which
    colour means what and shows each problem's severity in its cell's colour."""
    from budgetbook.templates import INPUT_FILL
    from wb_builders import round_files

    _, _, _, returns = round_files(tmp_path / "round")
    source = returns[0]
    assert openpyxl.load_workbook(source)["Drift"]["F14"].fill.fgColor.rgb.endswith(
        INPUT_FILL.lstrip("#")
    )  # an input cell of the return
    warning = rules.TEXT_NUMBER(
        file=source.name, sheet="Drift", cell="F14", varde="2 150", tolkat="2 150"
    )
    error = rules.NOT_A_NUMBER(file=source.name, sheet="Drift", cell="G16", varde="x")
    out = write_feedback(source, [warning, error], tmp_path / "fb.xlsx")
    assert out is not None
    wb = openpyxl.load_workbook(out)
    warned, erred = wb["Drift"]["F14"], wb["Drift"]["G16"]
    assert erred.fill.fgColor.rgb.endswith("FFC7CE")
    fill = warned.fill.fgColor.rgb
    assert fill.endswith("FFC000")
    # far from the input yellow (FFEB9C was 15 units of blue from it) and from the pink
    for other in (INPUT_FILL, "FFEB9C", "FFC7CE"):
        assert sum(abs(a - b) for a, b in zip(_rgb(fill), _rgb(other), strict=True)) > 100
    for side in ("left", "right", "top", "bottom"):
        edge = getattr(warned.border, side)
        assert edge.style == "thick" and edge.color.rgb.endswith("C55A11"), side
    assert erred.border.left.style != "thick"
    listing = wb["Återkoppling"]
    legend = listing["A3"].value
    assert "fel markerade rosa" in legend and "varningar markerade orange med tjock ram" in legend
    rows = {listing.cell(r, 2).value: r for r in (5, 6)}
    assert listing.cell(rows["F14"], 4).value == "varning"
    assert listing.cell(rows["F14"], 4).fill.fgColor.rgb.endswith("FFC000")
    assert listing.cell(rows["G16"], 4).fill.fgColor.rgb.endswith("FFC7CE")
    # only warnings: the legend names no pink
    only = write_feedback(source, [warning], tmp_path / "w.xlsx")
    assert only is not None
    legend = openpyxl.load_workbook(only)["Återkoppling"]["A3"].value
    assert "rosa" not in legend and "orange" in legend
    # review: a warning on a cell that also has an error is listed in the cell's pink,
    # as the legend says; a problem without a cell gets no colour
    also = rules.TEXT_NUMBER(
        file=source.name, sheet="Drift", cell="G16", varde="2 150", tolkat="2 150"
    )
    round_wide = rules.MISSING_RETURN(avdelning="PORT", avdelning_kod="PORT", namn="P")
    both = write_feedback(source, [error, also, round_wide], tmp_path / "b.xlsx")
    assert both is not None
    listing = openpyxl.load_workbook(both)["Återkoppling"]
    assert "orange" not in listing["A3"].value
    fills = {
        listing.cell(r, 4).value: listing.cell(r, 4).fill.fgColor.rgb
        for r in range(5, 8)
        if listing.cell(r, 2).value == "G16"
    }
    assert fills["varning"].endswith("FFC7CE") and fills["fel"].endswith("FFC7CE")
    unmarked = next(r for r in range(5, 8) if listing.cell(r, 3).value == "BB501")
    assert listing.cell(unmarked, 4).fill.fill_type is None


def test_the_feedback_sheet_prints_on_a4_as_the_returns_sheets(tmp_path: Path) -> None:
    """Review: the Återkoppling sheet set no paper size, so it printed on US Letter
    while every sheet of the return prints on A4."""
    from wb_builders import round_files

    _, _, _, returns = round_files(tmp_path / "round")
    problems = [rules.NOT_A_NUMBER(file="F.xlsx", sheet="Drift", cell="F14", varde="x")]
    out = write_feedback(returns[0], problems, tmp_path / "fb.xlsx")
    assert out is not None
    wb = openpyxl.load_workbook(out)
    listing, drift = wb["Återkoppling"], wb["Drift"]
    assert drift.page_setup.paperSize == listing.page_setup.paperSize == 9  # A4
    assert listing.page_setup.orientation == drift.page_setup.orientation == "landscape"
    assert listing.sheet_properties.pageSetUpPr.fitToPage
    assert (listing.page_setup.fitToWidth, listing.page_setup.fitToHeight) == (1, 0)
    for side in ("left", "right", "top", "bottom"):
        assert getattr(listing.page_margins, side) == getattr(drift.page_margins, side), side


def test_the_problem_sheet_prints_legibly_one_page_wide(tmp_path: Path, settings: Settings) -> None:
    """Review: the Problem sheet's Meddelande column was 100 characters wide, so one
    page wide on A4 landscape the sheet printed at ~6 points. The message wraps in a
    column ~60 wide (and the file, sheet and rule wrap), each row high enough for its
    longest cell; it prints at 8 points or more."""
    from budgetbook.problem_report import PROBLEM_MESSAGE_WIDTH
    from budgetbook.templates_text import wrapped_lines
    from wb_builders import printed_points

    file = "Budget 2027 Förtroendemannaorganisationen.xlsx"
    problems = [
        rules.TEXT_NUMBER(
            file=file, sheet="Drift", cell="F14", avdelning="FMO", varde="2 150", tolkat="2 150"
        ),
        rules.PLAN_YEARS_MISSING(
            file=file,
            sheet="Mål och indikatorer",
            cell="F9",
            avdelning="FMO",
            ar=2029,
            verksamhet="1100",
            driftpost="Material och övriga kostnader",
        ),
    ]
    status = ReturnStatus("FMO", "Förtroendemannaorganisationen", "fel", file, "", None, 1, 1)
    result = CollectResult(statuses=[status], problems=problems)
    path = write_problem_report(result, settings, tmp_path / "kontroll.xlsx", {file: file})
    ws = openpyxl.load_workbook(path)["Problem"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert printed_points(ws) >= 8, printed_points(ws)
    message = ws.column_dimensions["H"]
    assert PROBLEM_MESSAGE_WIDTH <= message.width <= PROBLEM_MESSAGE_WIDTH + 1
    assert ws.freeze_panes == "A2"
    for row, p in enumerate(problems, start=2):
        for col in "BCGH":
            assert ws[f"{col}{row}"].alignment.wrap_text, (row, col)
        lines = wrapped_lines(p.message, PROBLEM_MESSAGE_WIDTH)
        assert lines > 1 and ws.row_dimensions[row].height >= 15 * lines


def test_a_feedback_copy_sent_back_loses_its_old_marks(tmp_path: Path) -> None:
    """Review: the head corrects F14 in the feedback copy and sends the copy back; the
    next copy still showed F14 orange, framed, with the old comment, while the legend
    said marked cells have problems. Now only the new problem's cell is marked, and F14
    looks as the template's input cells do."""
    from budgetbook.templates import INPUT_FILL
    from wb_builders import round_files

    _, _, _, returns = round_files(tmp_path / "round")
    source = returns[0]
    warning = rules.TEXT_NUMBER(
        file=source.name, sheet="Drift", cell="F14", varde="2 150", tolkat="2 150"
    )
    first = write_feedback(source, [warning], tmp_path / "fb1.xlsx")
    assert first is not None
    wb = openpyxl.load_workbook(first)  # as the head corrects it in Excel
    wb["Drift"]["F14"] = 2150
    wb.save(tmp_path / "sent back.xlsx")
    error = rules.NOT_A_NUMBER(file=source.name, sheet="Drift", cell="G16", varde="x")
    second = write_feedback(tmp_path / "sent back.xlsx", [error], tmp_path / "fb2.xlsx")
    assert second is not None
    drift = openpyxl.load_workbook(second)["Drift"]
    f14, g16 = drift["F14"], drift["G16"]
    assert f14.comment is None and f14.fill.fgColor.rgb.endswith(INPUT_FILL.lstrip("#"))
    assert f14.border.left.style == "thin"
    assert g16.fill.fgColor.rgb.endswith("FFC7CE") and g16.comment is not None
