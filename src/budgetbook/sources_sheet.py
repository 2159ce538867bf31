"""The Källor sheet of the consolidated workbook: where every figure comes from.

Issue 5: a finance officer must be able to trace any figure back to the cell it came
from. Källor has one line per figure and file (or settings file) it is read from, with
that file's cells as compact ranges ("F12:F95", "rad 2–85", "F14, G14"); a total or a
change says that it is computed (its cells are listed on the rows it uses), which keeps
Källor linear in the number of cells read. Empty and text cells have no line. A new
sheet "Källor (2)" … starts before Excel's row limit.

It is the largest part of the workbook (~460 000 lines at N = 1 000 returns), so it is
written straight from the views' rows (issue 8): no intermediate line objects, a
figure's sources already grouped per file and sheet (`model.Sources`: grouping ~2.7
million sources here took ~0.8 s), the texts of a cell list computed once however often
it recurs (every return has the same layout, and a project's cells stand behind every
year of its kapitalkostnad), each line's XML put together from pieces made once per
view, row, column, file or cell list, and the lines handed to the sheet a batch at a
time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .fmt import Convention, pct_stored
from .model import RowKind, Source, SourceFile, Sources, Table
from .settings import Settings
from .tablebuild import INCLUDED_TOTAL, avdelning_names
from .workbook_formats import HEADER_ROW, header_row
from .xlsx_cells import cell_number, row_pieces
from .xlsx_stream import SheetStream, XlsxStream

SOURCES_SHEET = "Källor"
MAX_SOURCE_ROWS = 1_000_000  # Excel's limit is 1 048 576 rows per sheet
MAX_CELLS_TEXT = 2000  # characters of cell references on one Källor line
BATCH_ROWS = 1024  # lines handed to the sheet at a time (~0.3 MB of XML)
SOURCE_HEADINGS = ["Vy", "Rad", "Kolumn", "Värde", "Avdelning", "Fil", "Blad", "Cell eller rad"]
# Fil: a return's name ("Budget 2027 Kommungemensamma kostnader.xlsx") was cut at 28
SOURCE_WIDTHS = [24, 34, 28, 12, 12, 40, 16, 26]
VALUE_COL = 3  # column D, the figure
AVDELNING_COL = 4  # column E, as wide as the longest avdelning's name (within bounds)
AVDELNING_WIDTHS = (12, 40)
SUM_TRACE = Source("", "", "summa av raderna ovan")
# the total over the avdelningar with a return, while one is missing (`closing_totals`)
INCLUDED_TRACE = Source("", "", "summa av raderna ovan med godkänd inlämning")
CHANGE_TRACE = Source("", "", "beräknad ur beloppen på raden")


class _Tails:
    """Columns E–H of Källor lines as XML, from a figure's sources: one line per file
    and sheet (a group of `Sources`), its cells as ranges.

    A figure summed from many cells (e.g. a kontogrupp over all avdelningar) would
    otherwise need one line per cell in every view that shows it, which made Källor
    quadratic-ish in size (issue 8). "F14:F20, F35" still names every cell.

    A line's XML is a file's columns E–G (made once per avdelning, file and sheet) and
    the cells' column H (made once per text): every return has the same layout, so the
    texts of a cell list recur. The shared strings are looked up in the order a
    line-by-line writer would (E, F, G, then H of each line; looked up again they add
    nothing), so the workbook is the same.
    """

    def __init__(
        self,
        files_parts: Sequence[str],
        cells_part: str,
        sid: Callable[[str], str],
        names: Mapping[str, str] | None = None,
    ) -> None:
        self._files_parts, self._cells_part, self._sid = files_parts, cells_part, sid
        self._names = names or {}
        self.prefixes: dict[SourceFile, str] = {}  # columns E–G per file and sheet
        self.cells: dict[str, str] = {}  # column H of one cell shown as written
        self.runs: dict[tuple[str, ...], list[str]] = {}  # column H of a cell list
        # the last sources asked for: the next figure often has the very same ones (a
        # prior year's budget and prognos; kept referenced, so an identity test cannot
        # be fooled by a reused id)
        self._last: Sources | None = None
        self._last_tails: list[str] = []

    def prefix(self, key: SourceFile) -> str:
        """Columns E–G of a file's lines (the caller has looked in `prefixes` first)."""
        file, sheet, avd = key
        shown = (self._names.get(avd, avd) if avd else "", file, sheet)
        made = self.prefixes[key] = _file_cells(self._files_parts, shown, self._sid)
        return made

    def cell(self, cell: str) -> str:
        """Column H of one cell shown as written (after `cells` was looked in)."""
        made = self.cells[cell] = self._cells_part % self._sid(cell or "")
        return made

    def of(self, sources: Sources) -> list[str]:
        """The lines' columns E–H of a figure with more than one cell."""
        if sources is self._last:
            return self._last_tails
        if len(sources) == 1:
            tails = self._group(*sources[0])
        else:
            tails = []
            for key, cells in sources:
                tails += self._group(key, cells)
        self._last, self._last_tails = sources, tails
        return tails

    def run(self, cells: tuple[str, ...]) -> list[str]:
        """Column H of the lines of a cell list (after `runs` was looked in)."""
        # one cell per file is common, and shown as written unless it has a leading 0
        one = len(cells) == 1 and _as_written(cells[0])
        texts = [cells[0]] if one else _cell_texts(cells)
        made = self.runs[cells] = [self._cells_part % self._sid(t) for t in texts]
        return made

    def _group(self, key: SourceFile, cells: tuple[str, ...]) -> list[str]:
        """The lines of one file and sheet; the texts of a cell list made once."""
        prefix = self.prefixes.get(key) or self.prefix(key)
        shown = self.runs.get(cells) or self.run(cells)
        if len(shown) == 1:
            return [prefix + shown[0]]
        return [prefix + text for text in shown]


def _file_cells(
    parts: Sequence[str], values: Sequence[str | None], sid: Callable[[str], str]
) -> str:
    """Columns E–G of a line (avdelning, file, sheet): a value missing (a settings line
    has no sheet, a total no file) is no cell at all, not a text "" that Excel counts as
    filled (COUNTA, the filter's "(Tomma)", Ctrl+arrow). Made once per file, not per line."""
    return "".join(part % sid(value) for part, value in zip(parts, values, strict=True) if value)


def _as_written(cell: str) -> bool:
    """Whether `_cell_texts([cell]) == [cell]` is certain without parsing: its number
    has no leading zero (a cell that is no reference is shown as written anyway)."""
    head = cell.rstrip("0123456789")
    return len(head) < len(cell) and cell[len(head)] != "0"


def _cell_key(cell: str) -> tuple[str, int] | None:
    """("F", 7) for "F7", ("rad", 12) for "rad 12", None for anything else (string
    methods, not a regex: this runs for every cell of every figure, issue 8)."""
    if cell.startswith("rad "):
        n = cell[4:]
        return ("rad", int(n)) if n.isascii() and n.isdigit() else None
    col = cell.rstrip("0123456789")
    if len(col) == len(cell) or not 0 < len(col) <= 3:
        return None
    if not (col.isascii() and col.isalpha() and col.isupper()):
        return None
    return col, int(cell[len(col) :])


def _cell_texts(cells: Sequence[str]) -> list[str]:
    """Cells as compact ranges ("F7:F13", "rad 2–8"), split to keep each text short."""
    runs: list[str] = []
    col = ""  # the open run: column letters (or "rad"), first and last number
    start = last = 0
    expected = None  # the text of the cell that would continue the open run
    for cell in cells:
        if cell == expected:  # the common case, decided without parsing the cell
            last += 1
            expected = f"rad {last + 1}" if col == "rad" else f"{col}{last + 1}"
            continue
        key = _cell_key(cell)
        if expected is not None and key == (col, last + 1):  # e.g. "F08" after "F7"
            last += 1
            expected = f"rad {last + 1}" if col == "rad" else f"{col}{last + 1}"
            continue
        if expected is not None:
            runs.append(_run_text(col, start, last))
        if key is None:
            if cell:
                runs.append(cell)
            expected = None
        else:
            col, start = key
            last = start
            expected = f"rad {last + 1}" if col == "rad" else f"{col}{last + 1}"
    if expected is not None:
        runs.append(_run_text(col, start, last))
    texts, current = [], ""
    for run in runs:
        if current and len(current) + len(run) + 2 > MAX_CELLS_TEXT:
            texts.append(current)
            current = ""
        current = f"{current}, {run}" if current else run
    if current or not texts:
        texts.append(current)
    return texts


def _run_text(col: str, start: int, last: int) -> str:
    if col == "rad":
        return f"rad {start}" if start == last else f"rad {start}\u2013{last}"
    return f"{col}{start}" if start == last else f"{col}{start}:{col}{last}"


class _Sheets:
    """The Källor sheet(s) being written: a new one before Excel's row limit."""

    def __init__(
        self,
        wb: XlsxStream,
        formats: tuple[int, int, int, int],
        widths: Sequence[float],
    ) -> None:
        self.wb, self.formats, self.widths = wb, formats, widths
        self.part = 0
        self.ws = self._open(SOURCES_SHEET)

    def _open(self, name: str) -> SheetStream:
        caption, info, head, head_num = self.formats
        ws = self.wb.sheet(name, widths=self.widths, freeze=(HEADER_ROW + 1, 0))
        ws.row(0, [("Källor: varifrån varje belopp kommer", caption)])
        ws.row(
            1,
            [
                (
                    "En rad per belopp och cell det bygger på (inlämnad arbetsbok eller "
                    "inställningsfil). Summor och förändringar räknas ut ur raderna i samma "
                    "tabell.",
                    info,
                )
            ],
        )
        # Värde right-aligned over its figures, as a view's amount headings are
        heads = [head_num if c == VALUE_COL else head for c in range(len(SOURCE_HEADINGS))]
        header_row(ws, list(zip(SOURCE_HEADINGS, heads, strict=True)))
        return ws

    def writer(self) -> Callable[[int, Sequence[str]], int]:
        """The batch writer of the open sheet (lines from `row_pieces` templates)."""
        return self.ws.raw_rows()

    def next_sheet(self, last: int) -> None:
        self.end(last)
        self.part += 1
        self.ws = self._open(f"{SOURCES_SHEET} ({self.part + 1})")

    def end(self, last: int) -> None:
        ws = self.ws
        ws.autofilter(HEADER_ROW, 0, max(last, HEADER_ROW + 1), len(SOURCE_HEADINGS) - 1)
        ws.repeat_row = HEADER_ROW
        ws.close()


def write_sources(
    wb: XlsxStream,
    named: Sequence[tuple[str, Table]],
    settings: Settings,
    formats: tuple[int, int, int, int, int, int, int],
) -> None:
    """The Källor sheet(s) of the views `named` (sheet name, view), in the order of the
    views' cells. `formats`: caption, info, heading, heading over the figures, tkr, %
    and text cell formats
    (the tkr and % formats keep the figure off the avdelning's name beside it).

    A figure's values are prepared for the XML once for all its lines (its shared
    strings looked up in the order the cells are written, as a line-by-line writer
    would, so the workbook is the same)."""
    caption, info, head_format, head_num, num, pct, text = formats
    # the avdelning by name, as every other sheet names it (a code, "PORT" or "A0017",
    # was the only place a controller met it)
    names = avdelning_names(settings)
    widths = list(SOURCE_WIDTHS)
    least, most = AVDELNING_WIDTHS
    widths[AVDELNING_COL] = min(max([least, *(len(n) + 2 for n in names.values())]), most)
    sheets = _Sheets(wb, (caption, info, head_format, head_num), widths)
    write = sheets.writer()
    # a line's XML from %-templates (C-level; issue 8): column A once per view, B once
    # per row, C and D's template once per column, D once per figure (for all its
    # lines), a file's columns E–G and a cell list's column H once
    styles = (text, text, text, num, text, text, text, text)
    view_part, label_part, heading_part, tkr_part, *files_parts, cells_part = row_pieces(
        styles, (3,), 1, 2, 3, 4, 5, 6, 7
    )
    pct_part = row_pieces((text, text, text, pct, *styles[4:]), (3,), 1, 2, 3, 4, 7)[3]
    flip = Convention(settings.sign_convention).costs_negative
    sid = wb.text_value
    tails = _Tails(files_parts, cells_part, sid, names)
    tails_of, prefixes, prefix, cell_tails, cell_tail, runs, run = (
        tails.of,
        tails.prefixes,
        tails.prefix,
        tails.cells,
        tails.cell,
        tails.runs,
        tails.run,
    )
    traces: dict[Source, str] = {}  # a computed figure's columns E–H
    computed = (RowKind.TOTAL, RowKind.SUBTOTAL)
    limit = HEADER_ROW + MAX_SOURCE_ROWS  # the last row a Källor sheet may have
    pending: list[str] = []  # the XML of the lines not yet written
    r = HEADER_ROW  # the last row written
    for view, table in named:
        # columns C–D of a figure's lines: its column's heading (a text the view sheet
        # has, so looking it up here adds nothing) and the template of its value
        cols = [
            (
                c.key,
                heading_part % sid(c.heading) + (pct_part if c.kind == "pct" else tkr_part),
                flip and c.key in table.signed_columns,
                c.key.startswith("chg_"),
                c.kind == "pct",
            )
            for c in table.columns
            if c.key != "label"
        ]
        view_head = ""  # column A, made at the view's first line (its text may be new)
        for row in table.rows:
            values, label, total = row.values, row.label, row.kind in computed
            row_sources = row.sources
            row_head = ""  # columns A–B, made at the row's first line
            for key, value_part, negate, change, pct in cols:
                value: Any = values.get(key)
                if value is None or isinstance(value, str):
                    continue
                if negate:  # Convention.display, decided per column (issue 8)
                    value = -value
                if pct and value.__class__ is float:  # as its view's sheet has it
                    value = pct_stored(value)
                sources: Sources = ()
                if not (total or change):
                    sources = row_sources.get(key, ())
                    if not sources:  # (any source gives a line)
                        continue
                # the shared strings looked up in the order of the cells (A–D, then E–H
                # of each line), as a cell-by-cell writer would: the same workbook
                if not row_head:
                    view_head = view_head or view_part % sid(view)
                    row_head = view_head + label_part % sid(label)
                # (an int as %s is its str(): `cell_number`'s text for it)
                head = row_head + (
                    value_part % value
                    if type(value) is int
                    else value_part % cell_number(value, SOURCES_SHEET)
                )
                lines: Sequence[str] = ()
                if len(sources) == 1:
                    # the common cases, one file (and one cell), without `tails_of`'s
                    # calls: columns E–G first, then H (the shared strings' order)
                    at, cells = sources[0]
                    line = prefixes.get(at) or prefix(at)
                    if len(cells) == 1:
                        line += cell_tails.get(cells[0]) or cell_tail(cells[0])
                        n = 1
                    else:
                        shown = runs.get(cells) or run(cells)
                        n = len(shown)
                        if n == 1:
                            line += shown[0]
                        else:
                            lines = [line + text for text in shown]
                            line = lines[0]
                elif sources:
                    lines = tails_of(sources)
                    n = len(lines)
                    line = lines[0]
                else:
                    if total:
                        trace = INCLUDED_TRACE if label == INCLUDED_TOTAL else SUM_TRACE
                    else:
                        trace = CHANGE_TRACE
                    line = traces.get(trace) or _trace_tail(
                        traces, trace, files_parts, cells_part, sid
                    )
                    n = 1
                if r + len(pending) + n <= limit:
                    if n == 1:
                        pending.append(head + line)
                    else:
                        pending += map(head.__add__, lines)
                    if len(pending) >= BATCH_ROWS:
                        r = write(r + 1, pending)
                        pending.clear()
                    continue
                r = write(r + 1, pending)  # a new sheet before Excel's row limit
                pending.clear()
                for part in lines or (line,):
                    if r >= limit:
                        sheets.next_sheet(r)
                        write = sheets.writer()
                        r = HEADER_ROW
                    r = write(r + 1, (head + part,))
    r = write(r + 1, pending)
    sheets.end(r)


def _trace_tail(
    traces: dict[Source, str],
    trace: Source,
    files_parts: Sequence[str],
    cells_part: str,
    sid: Callable[[str], str],
) -> str:
    """Columns E–H of a computed figure's line (made once per kind of computation)."""
    shown = (trace.avdelning, trace.file, trace.sheet)
    made = traces[trace] = _file_cells(files_parts, shown, sid) + cells_part % sid(trace.cell)
    return made
