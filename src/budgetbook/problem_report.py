"""The problem report (output/inlamningskontroll_<year>.xlsx) and the feedback workbooks.

Everything copied from a return is written as text, never as a formula: xlsxwriter is
told not to turn strings into formulas, numbers or links, and every text goes through
`write_string`; in the openpyxl feedback copies each text cell is typed "s" explicitly.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import rules
from .feedback_values import save_feedback_copy
from .fmt import sentence_start
from .model import CollectResult, Problem
from .page_header import FOOTER, page_header
from .reminders import CHASED, Reminder, reminder
from .schema import FEEDBACK_SHEET
from .settings import Settings
from .templates_text import swedish_date, wrapped_lines
from .workspace import atomic_write

if TYPE_CHECKING:
    from openpyxl import Workbook

    from .feedback_ram import RamNow

STATUS_HEADINGS = (
    "Avdelning",
    "Namn",
    "Status",
    "Mottagen",
    "Fel",
    "Varningar",
    "Fil",
    "E-post",
)
PROBLEM_HEADINGS = (
    "Avdelning",
    "Fil",
    "Blad",
    "Cell",
    "Kod",
    "Allvarlighet",
    "Regel",
    "Meddelande",
)
DEADLINE_HEADING = "Sista dag"  # the deadline's marks (`deadline`), in a round with one
COUNTS = ("Fel", "Varningar")  # the Status sheet's columns of numbers
# How a feedback copy marks a problem's cell: an error pink, a warning orange with a
# thick dark orange frame. A warning was Excel's light yellow FFEB9C, on top of the
# template's input yellow FFF2CC: the marked cell could not be told from the others,
# on screen or on paper. Orange keeps black text legible and differs from both yellow
# and pink in hue; the frame tells it from pink also in a grey print.
_FILL = {"fel": "FFC7CE", "varning": "FFC000"}
WARNING_FRAME = "C55A11"  # Excel's "Orange, Accent 2, Darker 25%"
# Said on the Återkoppling sheet, for what the copy marks: as the colours above
MARK_WORDS = {
    "fel": "cellerna med fel markerade rosa",
    "varning": "cellerna med varningar markerade orange med tjock ram",
}
FEEDBACK_FONT = "Calibri"  # the template's
_LISTING_WIDTHS = (16, 8, 8, 12, 100)  # the Återkoppling sheet's columns A–E


def status_headings(settings: Settings) -> tuple[str, ...]:
    """The Status sheet's headings: in a round with a deadline, its marks' column is
    beside Mottagen (when each return came); a round without one shows none."""
    if settings.deadline is None:
        return STATUS_HEADINGS
    at = STATUS_HEADINGS.index("Mottagen") + 1
    return (*STATUS_HEADINGS[:at], DEADLINE_HEADING, *STATUS_HEADINGS[at:])


def _local(value: datetime | None) -> datetime | None:
    """Excel has no time zones: show the local wall-clock time."""
    return value.astimezone().replace(tzinfo=None) if value else None


def _link(target: str, sheet: str = "", cell: str = "") -> str | None:
    """An external link to a returned file (relative to output/), to the cell if known."""
    if not target or any(ch in target for ch in '#"<>') or len(target) > 200:
        return None
    url = f"external:{target}"
    if sheet and cell and "'" not in sheet:
        url += "#" + _location(sheet, cell)
    return url


def write_problem_report(
    result: CollectResult,
    settings: Settings,
    path: Path,
    links: dict[str, str],
    feedback: Collection[str] = (),
) -> Path:
    """Write the Status and Problem sheets. `links` maps a file name to a path relative
    to the report's folder (the file in inbox/); `feedback` are the avdelningar whose
    return got a feedback workbook (the e-mail to a faulty one says it is attached)."""
    import xlsxwriter  # here, not at the top: see `write_feedback`

    with atomic_write(path) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "max_url_length": 2079,
            },
        )
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        title = wb.add_format({"bold": True, "font_size": 13})
        text = wb.add_format({"text_wrap": False, "valign": "top"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        date = wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"})
        # a count centred under its heading: right-aligned, "1" ran into the file name
        # in the next column ("1Budget 2027 ….xlsx")
        number = wb.add_format({"align": "center", "valign": "top"})
        head_count = wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"}
        )
        url = wb.add_format({"font_color": "blue", "underline": 1, "valign": "top"})
        late = wb.add_format({"font_color": "#9C0006", "valign": "top"})  # Excel's dark red
        status_fmt = {
            "godkänd": wb.add_format({"bg_color": "#C6EFCE", "valign": "top"}),
            "varningar": wb.add_format({"bg_color": "#FFEB9C", "valign": "top"}),
            "fel": wb.add_format({"bg_color": "#FFC7CE", "valign": "top"}),
            "oläslig": wb.add_format({"bg_color": "#FFC7CE", "valign": "top"}),
            "saknas": wb.add_format({"bg_color": "#D9D9D9", "valign": "top"}),
        }

        ws = wb.add_worksheet("Status")
        ws.write_string(0, 0, f"Inlämningskontroll {settings.namnd} {settings.budget_year}", title)
        if settings.deadline is not None:
            ws.write_string(1, 0, f"Sista dag för inlämning: {swedish_date(settings.deadline)}.")
        headings = status_headings(settings)
        col = {heading: i for i, heading in enumerate(headings)}
        for heading, at in col.items():
            ws.write_string(2, at, heading, head_count if heading in COUNTS else head)
        mails = reminders_of(result, settings, feedback)
        for i, s in enumerate(result.statuses, start=3):
            ws.write_string(i, 0, s.avdelning, text)
            ws.write_string(i, 1, s.name, text)
            ws.write_string(i, 2, s.status, status_fmt.get(s.status, text))
            if s.received:
                ws.write_datetime(i, col["Mottagen"], _local(s.received), date)
            if DEADLINE_HEADING in col and s.deadline_note:
                ws.write_string(i, col[DEADLINE_HEADING], s.deadline_note, late if s.late else text)
            if s.file:  # a missing return was not checked: no "0 fel, 0 varningar", as
                # the CLI shows none (its BB501 is a warning in the Problem sheet)
                ws.write_number(i, col["Fel"], s.errors, number)
                ws.write_number(i, col["Varningar"], s.warnings, number)
            _write_file(ws, i, col["Fil"], s.file, links, url, text)
            if s.came_as:  # no reminder: the return came, under another code (BB104)
                ws.write_string(i, col["E-post"], came_as_note(s.came_as), text)
            else:
                _write_reminder(ws, i, col["E-post"], mails[i - 3], url)
        last = 2 + len(result.statuses)
        ws.autofilter(2, 0, max(last, 3), len(headings) - 1)
        ws.freeze_panes(3, 0)
        names = _fit([s.name for s in result.statuses], 34)
        files = _fit([s.file for s in result.statuses] + [p.file for p in result.problems], 40)
        labels = _fit([m.label for m in mails if m is not None], 12)
        notes = _fit([s.deadline_note for s in result.statuses], 12)
        widths = {"Avdelning": 10, "Namn": names, "Status": 12, "Mottagen": 17}
        widths |= {DEADLINE_HEADING: notes, "Fel": 6, "Varningar": 10, "Fil": files}
        for heading, at in col.items():
            ws.set_column(at, at, widths.get(heading, labels))

        ps = wb.add_worksheet("Problem")
        for col, heading in enumerate(PROBLEM_HEADINGS):
            ps.write_string(0, col, heading, head)
        # the file, sheet and rule wrap in their columns, as the message does: all on
        # one line the sheet was ~230 characters wide and printed at ~6 points
        widths = problem_widths(result)
        url_wrap = wb.add_format({"font_color": "blue", "underline": 1, "valign": "top"})
        url_wrap.set_text_wrap()
        for i, p in enumerate(result.problems, start=1):
            _write_text(ps, i, 0, p.avdelning, text)
            _write_file(ps, i, 1, p.file, links, url_wrap, wrap, p.sheet, p.cell)
            _write_text(ps, i, 2, p.sheet, wrap)
            # the cell too opens the return there: that is where the eye looks for it
            cell_link = _link(links.get(p.file, ""), p.sheet, p.cell) if p.file else None
            at_cell = cell_link if cell_link and "#" in cell_link else None
            _write_link(ps, i, 3, p.cell, at_cell, url, text)
            ps.write_string(i, 4, p.code, text)
            ps.write_string(i, 5, p.severity.value, text)
            rule = rules.RULES.get(p.code)
            _write_text(ps, i, 6, rule.title if rule else "", wrap)
            ps.write_string(i, 7, p.message, wrap)
            ps.set_row(i, problem_row_height(p, widths))
        ps.autofilter(0, 0, max(len(result.problems), 1), len(PROBLEM_HEADINGS) - 1)
        ps.freeze_panes(1, 0)
        ws.repeat_rows(2)  # the heading rows, on every printed page
        ps.repeat_rows(0)
        for sheet, name in ((ws, "Status"), (ps, "Problem")):
            sheet.set_landscape()
            sheet.fit_to_pages(1, 0)
            sheet.set_paper(9)  # A4
            sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)  # the template's
            sheet.set_header(
                page_header(
                    f"{settings.kommun}, {settings.namnd}",
                    f"Inlämningskontroll: {name}",
                    f"{sentence_start(settings.kind)} {settings.budget_year}",
                )
            )
            sheet.set_footer(FOOTER)
        for col, width in enumerate(widths):
            ps.set_column(col, col, width)
        wb.close()
    return path


def _fit(texts: list[str], least: int, most: int = 70) -> int:
    """A column's width for its longest text (a return's file name is an avdelning's
    name and more: "Budget 2027 Förtroendemannaorganisationen.xlsx" was cut on paper
    at 40), at least `least` and at most `most` characters."""
    return min(max([least, *(len(t) + 2 for t in texts)]), most)


# Excel's tallest row, in points: a taller one is not a valid row height
MAX_ROW_POINTS = 409
# The Problem sheet's message column: ~60 characters wide, wrapped (at 100 the sheet
# printed one page wide at ~6 points; now ~8 or more on A4 landscape)
PROBLEM_MESSAGE_WIDTH = 60


def problem_widths(result: CollectResult) -> tuple[float, ...]:
    """The Problem sheet's column widths (`PROBLEM_HEADINGS`): the file's as wide as the
    longest name up to 40 characters (a longer one wraps), the rule's title wrapped."""
    files = _fit([p.file for p in result.problems], 30, 40)
    return (10, files, 14, 8, 7, 11, 26, PROBLEM_MESSAGE_WIDTH)


def problem_row_height(p: Problem, widths: Sequence[float]) -> float:
    """A Problem row high enough for the longest of its wrapped cells (LibreOffice
    grows no row by itself), at most Excel's tallest row."""
    rule = rules.RULES.get(p.code)
    cells = ((p.file, widths[1]), (p.sheet, widths[2]), (rule.title if rule else "", widths[6]))
    lines = max(wrapped_lines(text, width) for text, width in (*cells, (p.message, widths[7])))
    return min(MAX_ROW_POINTS, 15 * max(1, lines))


def _message_height(message: str) -> float:
    """The height of a row whose message wraps in a 100 characters wide column:
    LibreOffice does not grow wrapped rows by itself (~95 characters a line). At most
    Excel's tallest row (a message quoting a long pasted text is cut off there)."""
    return min(MAX_ROW_POINTS, 15 * max(1, -(-len(message) // 95)))


def _location(sheet: str, cell: str) -> str:
    """A cell of the same workbook as a link's location: the sheet quoted, "'" doubled."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def _write_file(ws, row, col, name, links, url_fmt, text_fmt, sheet="", cell="") -> None:
    link = _link(links.get(name, ""), sheet, cell) if name else None
    _write_link(ws, row, col, name, link, url_fmt, text_fmt)


# Excel's most links on one worksheet: xlsxwriter leaves the cell of a further one empty
MAX_LINKS = 65_530


def _write_link(ws, row, col, text, link, url_fmt, text_fmt) -> None:
    """`text` as a link to `link`, or as text when there is none or the sheet is full."""
    if link and text and ws.hlink_count < MAX_LINKS:
        ws.write_url(row, col, link, url_fmt, string=text)
    else:
        _write_text(ws, row, col, text, text_fmt)


def _write_text(ws, row: int, col: int, text: str, fmt) -> None:
    """`text`, or nothing for an empty one (a missing return has no file, a round's
    problem no sheet or cell): a text "" is a filled cell to Excel (COUNTA,
    Ctrl+arrow, and the filter's "(Tomma)" does not find it)."""
    if text:
        ws.write_string(row, col, text, fmt)


def reminders_of(
    result: CollectResult,
    settings: Settings,
    feedback: Collection[str],
    write: Callable[..., Reminder | None] = reminder,
) -> list[Reminder | None]:
    """Each status's e-mail to its avdelning head (`reminders.reminder`, or `write`:
    `short_reminder`), None for one with nothing to do or no e-mail address.
    `feedback`: the avdelningar whose return got a feedback workbook."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in result.problems:
        if p.file:
            by_file[p.file].append(p)
    return [
        write(settings, s, by_file.get(s.file, ()), s.avdelning in feedback)
        if s.status in CHASED
        else None
        for s in result.statuses
    ]


def came_as_note(file: str) -> str:
    """Where the reminder would be, for an avdelning whose return came under a code the
    settings lack (`ReturnStatus.came_as`)."""
    return f"Inget mejl: kom troligen som {file} (BB104)"


def _write_reminder(ws, row, col, found: Reminder | None, url_fmt) -> None:
    """A link that opens a ready e-mail to the head of an avdelning with something
    to do; the cell is left empty for the others."""
    if found is not None and ws.hlink_count < MAX_LINKS:
        tip = f"Öppnar ett mejl till {found.to}"
        ws.write_url(row, col, found.mailto(), url_fmt, string=found.label, tip=tip[:255])


# --- feedback workbooks -------------------------------------------------------------


def _set_text(cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # never a formula, whatever the text starts with


def feedback_advice(problems: Sequence[Problem]) -> str:
    """The feedback sheet's first line: what the department head is to do. A return
    with only warnings is accepted, so it is not told to correct and send again."""
    if any(p.code in rules.OTHER_TEMPLATE for p in problems):
        # correcting last year's workbook cannot make it this year's (BB105, BB106)
        return (
            "Inlämningen kan inte godkännas: arbetsboken är inte årets. Fyll i årets "
            "arbetsbok, som meddelandet nedan säger, och skicka in den."
        )
    if any(p.code == rules.ROWS_ADDED_SINCE.code for p in problems):
        # rows the office added after the workbook went out (BB209): not to correct here
        return (
            "Inlämningen kan inte godkännas: avdelningens budget har fått nya rader efter "
            "att arbetsboken skickades. Ekonomistaben skickar en ny arbetsbok; för över "
            "era uppgifter till den och rätta där det som står nedan."
        )
    if any(p.code == rules.BLANK_RETURN.code for p in problems):
        # nothing in it to correct (BB110 stands alone): it is to be filled in
        return (
            "Inlämningen kan inte godkännas: arbetsboken är inte ifylld. Fyll i den och "
            "skicka in den igen."
        )
    if any(p.is_error for p in problems):
        also = " Se också över varningarna." if not all(p.is_error for p in problems) else ""
        return (
            "Inlämningen kan inte godkännas. Rätta felen nedan i er arbetsbok och skicka "
            f"den igen.{also}"
        )
    return (
        "Inlämningen är godkänd, med varningar. Se över punkterna nedan och skicka "
        "arbetsboken igen om något behöver rättas."
    )


def mark_legend(kinds: Collection[str], linked: bool) -> str:
    """The Återkoppling sheet's line on how the workbook's cells are marked (`kinds`:
    "fel", "varning"); none when no cell is (a blank return's BB110, say)."""
    parts = [MARK_WORDS[kind] for kind in ("fel", "varning") if kind in kinds]
    if not parts:
        return ""
    go = " Klicka på cellen i kolumnen Cell för att komma dit." if linked else ""
    return (
        f"I arbetsboken är {' och '.join(parts)}. Varje markerad cell har en kommentar "
        f"med meddelandet.{go}"
    )


def _return_header(sheets: Iterable[Any]) -> tuple[str, str]:
    """The left and right parts of the first printed-page header in a return (the
    template writes kommun and nämnd, and the avdelning and year, on every sheet)."""
    for sheet in sheets:
        left, right = sheet.oddHeader.left.text, sheet.oddHeader.right.text
        if left or right:
            return left or "", right or ""
    return "", ""


def _in_workbook_order(problems: list[Problem], sheets: list[str]) -> list[Problem]:
    """The problems as the department head meets them: the file's own first, then sheet
    by sheet in the workbook's order, row by row. The checks across a return (BB407 on
    Investeringar, say) come after the reader's findings and were listed after Texter."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
    from openpyxl.utils.exceptions import CellCoordinatesException

    order = {name: i for i, name in enumerate(sheets)}

    def key(p: Problem) -> tuple[int, int, int]:
        if not p.sheet:
            return (-1, 0, 0)
        try:
            letters, row = coordinate_from_string(p.cell)
            column = column_index_from_string(letters)
        except (CellCoordinatesException, ValueError):
            row = column = 0  # the sheet as a whole first
        return (order.get(p.sheet, len(order)), row, column)

    return sorted(problems, key=key)


def _clear_marks(wb: Workbook) -> None:
    """Take off the marks of an earlier feedback copy (the head corrected it and sent it
    back): a cell still pink or orange with budgetbook's comment pointed at a problem
    that is gone (review). An input cell gets the template's input look back."""
    from openpyxl.styles import Border, PatternFill, Side

    from .templates import INPUT_BORDER, INPUT_FILL

    thin = Side(style="thin", color=INPUT_BORDER.lstrip("#"))
    ours = {f"00{c}" for c in _FILL.values()} | set(_FILL.values())
    for ws in wb.worksheets:
        # the cells that exist (openpyxl has no public list of a sheet's comments, and
        # iter_rows would make a cell for every empty place in the used range)
        for cell in list(ws._cells.values()):
            if cell.comment is None or cell.comment.author != "budgetbook":
                continue
            cell.comment = None
            if cell.fill.fgColor.rgb in ours:
                if cell.protection.locked:
                    cell.fill, cell.border = PatternFill(), Border()
                else:
                    cell.fill = PatternFill("solid", fgColor=INPUT_FILL.lstrip("#"))
                    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)


def write_feedback(
    source: Path, problems: Iterable[Problem], path: Path, ram: RamNow | None = None
) -> Path | None:
    """A copy of the return at `source` with each problem cell filled and commented,
    and a first sheet listing every problem; with `ram`, the ram the settings give now
    (its workbook was sent with another, `feedback_ram`). The source is only read.
    Returns None if the return cannot be opened by openpyxl (the problem report still
    lists it)."""
    # imported here: a collect reused from its memo (issue 8) writes nothing, and a new
    # process would otherwise spend ~0.2 s importing openpyxl for it
    import openpyxl
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils.cell import coordinate_from_string
    from openpyxl.worksheet.hyperlink import Hyperlink

    problems = list(problems)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension not supported" noise
            wb = openpyxl.load_workbook(source, keep_vba=False, keep_links=False)
    except Exception:
        return None
    problems = _in_workbook_order(problems, wb.sheetnames)
    if FEEDBACK_SHEET in wb.sheetnames:  # a feedback copy sent back: its marks are old
        _clear_marks(wb)
    shift = ram.show_in(wb) if ram is not None else {}
    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    marked: dict[tuple[str, str], str] = {}  # (sheet, cell) -> where the list links to
    # (sheet, cell) -> how the head sees it marked: a cell with an error and a warning
    # is pink only, and the list shows that (review)
    mark_of: dict[tuple[str, str], str] = {}
    kinds: set[str] = set()  # how the cells were marked: "fel", "varning"
    frame = Side(style="thick", color=WARNING_FRAME)
    for p in problems:
        if p.sheet and p.cell and p.sheet in wb.sheetnames:
            by_cell[(p.sheet, p.cell)].append(p)
    for (sheet, ref), found in by_cell.items():
        ws = wb[sheet]
        try:
            coordinate_from_string(ref)
            cell = ws[ref]
        except (ValueError, KeyError, IndexError):
            continue
        if isinstance(cell, MergedCell):
            rng = next((r for r in ws.merged_cells.ranges if ref in r), None)
            if rng is None:
                continue
            cell = ws.cell(rng.min_row, rng.min_col)
        worst = "fel" if any(p.is_error for p in found) else "varning"
        cell.fill = PatternFill("solid", fgColor=_FILL[worst])
        if worst == "varning":
            cell.border = Border(left=frame, right=frame, top=frame, bottom=frame)
        comment = Comment("\n\n".join(f"{p.code}: {p.message}" for p in found), "budgetbook")
        comment.width, comment.height = 360, 160
        cell.comment = comment
        if ws.sheet_state == "visible":  # Excel cannot go to a cell on a hidden sheet
            marked[(sheet, ref)] = _location(sheet, cell.coordinate)
            mark_of[(sheet, ref)] = worst
            kinds.add(worst)

    if FEEDBACK_SHEET in wb.sheetnames:
        del wb[FEEDBACK_SHEET]
    left, right = _return_header(wb.worksheets)
    ws = wb.create_sheet(FEEDBACK_SHEET, 0)
    ws.sheet_properties.tabColor = "C00000"
    _set_text(ws["A1"], "Återkoppling från ekonomistaben (budgetbook)")
    # the font named: a font without a name is shown in a serif font by LibreOffice,
    # beside the template's Calibri
    ws["A1"].font = Font(name=FEEDBACK_FONT, bold=True, size=13)
    _set_text(ws["A2"], feedback_advice(problems))
    if legend := mark_legend(kinds, bool(marked)):
        # what the colours in the workbook mean, wrapped over the listing's width
        _set_text(ws["A3"], legend)
        ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells("A3:E3")
        ws.row_dimensions[3].height = 15 * wrapped_lines(legend, sum(_LISTING_WIDTHS))
    for col, heading in enumerate(("Blad", "Cell", "Kod", "Allvarlighet", "Meddelande"), 1):
        c = ws.cell(4, col)
        _set_text(c, heading)
        c.font = Font(name=FEEDBACK_FONT, bold=True)
    for row, p in enumerate(problems, start=5):
        for col, value in enumerate((p.sheet, p.cell, p.code, p.severity.value, p.message), 1):
            _set_text(ws.cell(row, col), value)
            ws.cell(row, col).alignment = Alignment(wrap_text=col == 5, vertical="top")
        # the severity in the colour its cell is marked with in the workbook; none for
        # a problem without a cell the head can see marked
        if mark := mark_of.get((p.sheet, p.cell)):
            ws.cell(row, 4).fill = PatternFill("solid", fgColor=_FILL[mark])
        ws.row_dimensions[row].height = _message_height(p.message)
        # the cell a link to the marked cell in this same copy: the department head
        # clicks "F14" and is there (a link into another file would be broken once
        # the feedback is sent on by e-mail)
        if location := marked.get((p.sheet, p.cell)):
            c = ws.cell(row, 2)
            c.hyperlink = Hyperlink(ref=c.coordinate, location=location, tooltip="Gå till cellen")
            c.font = Font(name=FEEDBACK_FONT, color="0563C1", underline="single")
    for col, width in zip("ABCDE", _LISTING_WIDTHS, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
    # printed as the template's sheets: A4 (no paper size printed on US Letter),
    # landscape, one page wide, the template's margins
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "4:4"
    # the return's own header (kommun, nämnd; avdelning, year), so the printed
    # feedback says whose it is; the parts are header text already (an "&" doubled)
    for part, text in ((ws.oddHeader.left, left), (ws.oddHeader.right, right)):
        part.text, part.size = text or None, 8
    ws.oddHeader.center.text, ws.oddHeader.center.size = FEEDBACK_SHEET, 8
    ws.oddFooter.center.text, ws.oddFooter.center.size = FOOTER.removeprefix("&C&8"), 8
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    with atomic_write(path) as tmp:
        # with the return's computed values: the head opens the copy in Protected View,
        # where Excel does not recalculate and openpyxl's formulas showed no sums
        amend = ram.amend(shift) if ram is not None and shift else None
        save_feedback_copy(wb, source, tmp, new_sheets=(FEEDBACK_SHEET,), amend=amend)
    return path
