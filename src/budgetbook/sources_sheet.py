"""The Källor sheet of the consolidated workbook: where every figure comes from.

Issue 5: a finance officer must be able to trace any figure back to the cell it came
from. Källor has one line per figure and file (or settings file) it is read from, with
that file's cells as compact ranges ("F12:F95", "rad 2–85", "F14, G14"); a total or a
change says that it is computed (its cells are listed on the rows it uses), which keeps
Källor linear in the number of cells read. Empty and text cells have no line. A new
sheet "Källor (2)" … starts before Excel's row limit.

It is the largest part of the workbook (~460 000 lines at N = 1 000 returns), so it is
written straight from the views' rows (issue 8): no intermediate line objects, the
texts of a cell list computed once however often it recurs (every return has the same
layout, and a project's cells stand behind every year of its kapitalkostnad), and a
figure's sources regrouped once when the next figure shares its list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .fmt import Convention
from .model import RowKind, Source, Table
from .settings import Settings
from .xlsx_stream import SheetStream, XlsxStream, cell_number, row_pieces

SOURCES_SHEET = "Källor"
MAX_SOURCE_ROWS = 1_000_000  # Excel's limit is 1 048 576 rows per sheet
MAX_CELLS_TEXT = 2000  # characters of cell references on one Källor line
HEADER_ROW = 3  # 0-based: caption, unit line, blank, header
SOURCE_HEADINGS = ["Vy", "Rad", "Kolumn", "Värde", "Avdelning", "Fil", "Blad", "Cell eller rad"]
SOURCE_WIDTHS = [24, 34, 28, 12, 12, 28, 16, 26]
SUM_TRACE = Source("", "", "summa av raderna ovan")
CHANGE_TRACE = Source("", "", "beräknad ur beloppen på raden")

Part = tuple[str, str, str, str]  # avdelning, file, sheet, cells: columns E–H of a line


class _Parts:
    """A figure's sources as Källor parts: one per file and sheet, its cells as ranges.

    A figure summed from many cells (e.g. a kontogrupp over all avdelningar) would
    otherwise need one line per cell in every view that shows it, which made Källor
    quadratic-ish in size (issue 8). "F14:F20, F35" still names every cell.
    """

    def __init__(self) -> None:
        self._texts: dict[tuple[str, ...], list[str]] = {}
        # the last list asked for: the next figure often has the very same one (kept
        # referenced, so an identity test cannot be fooled by a reused id)
        self._last: Sequence[Source] | None = None
        self._last_parts: list[Part] = []

    def of(self, sources: Sequence[Source]) -> list[Part]:
        if sources is self._last:
            return self._last_parts
        if len(sources) == 1:
            file, sheet, cell, avd = sources[0]  # unpacked: no attribute lookups
            parts = [(avd or "", file or "", sheet or "", cell or "")]
        elif not sources:
            parts = []
        else:
            # C-level passes over the sources (zip, count): a figure's sources mostly
            # come from one file and sheet, which then needs no grouping loop
            files, sheets, cells, avds = zip(*sources, strict=True)
            n, file, sheet, avd = len(files), files[0], sheets[0], avds[0]
            if files.count(file) == n and sheets.count(sheet) == n and avds.count(avd) == n:
                parts = self._group(avd, file, sheet, cells)
            else:
                groups: dict[tuple[str, str, str], list[str]] = {}
                for key, cell in zip(zip(avds, files, sheets, strict=True), cells, strict=True):
                    group = groups.get(key)
                    if group is None:
                        groups[key] = [cell]
                    else:
                        group.append(cell)
                parts = []
                for (avd, file, sheet), group in groups.items():
                    parts += self._group(avd, file, sheet, tuple(group))
        self._last, self._last_parts = sources, parts
        return parts

    def _group(self, avd: str, file: str, sheet: str, cells: tuple[str, ...]) -> list[Part]:
        """The parts of one file and sheet; the texts of a cell list computed once."""
        shown = self._texts.get(cells)
        if shown is None:
            # one cell per file is common, and shown as written unless it has a leading 0
            one = len(cells) == 1 and _as_written(cells[0])
            shown = self._texts[cells] = [cells[0]] if one else _cell_texts(cells)
        return [(avd or "", file or "", sheet or "", text) for text in shown]


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

    def __init__(self, wb: XlsxStream, caption: int, info: int, head: int) -> None:
        self.wb, self.formats = wb, (caption, info, head)
        self.part = 0
        self.ws = self._open(SOURCES_SHEET)

    def _open(self, name: str) -> SheetStream:
        caption, info, head = self.formats
        ws = self.wb.sheet(name, widths=SOURCE_WIDTHS, freeze=(HEADER_ROW + 1, 0))
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
        ws.row(HEADER_ROW, [(h, head) for h in SOURCE_HEADINGS])
        return ws

    def writer(self) -> Callable[[int, str, Sequence[str]], int]:
        """The row writer of the open sheet (rows from `_templates`)."""
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
    formats: tuple[int, int, int, int, int, int],
) -> None:
    """The Källor sheet(s) of the views `named` (sheet name, view), in the order of the
    views' cells. `formats`: caption, info, heading, tkr, % and text cell formats.

    A figure's values are prepared for the XML once for all its lines (its shared
    strings looked up in the order the cells are written, as a line-by-line writer
    would, so the workbook is the same)."""
    caption, info, head_format, num, pct, text = formats
    sheets = _Sheets(wb, caption, info, head_format)
    write = sheets.writer()
    # a line's XML: the figure's columns A–D made once for all its lines, then each
    # part's columns E–H (%-templates, C-level; issue 8)
    as_tkr, tail = row_pieces((text, text, text, num, text, text, text, text), (3,), 4)
    as_pct, _ = row_pieces((text, text, text, pct, text, text, text, text), (3,), 4)
    flip = Convention(settings.sign_convention).costs_negative
    parts_of = _Parts().of
    sid = wb.text_value
    traces: dict[Source, str] = {}  # a computed figure's columns E–H
    last_parts: Sequence[Part] | None = None  # `parts_of` gives the same list again
    last_tails: list[str] = []
    computed = (RowKind.TOTAL, RowKind.SUBTOTAL)
    r = HEADER_ROW
    for view, table in named:
        cols = [
            (
                c.key,
                c.heading,
                c.kind == "pct",
                flip and c.key in table.signed_columns,
                c.key.startswith("chg_"),
            )
            for c in table.columns
            if c.key != "label"
        ]
        for row in table.rows:
            values, label, total = row.values, row.label, row.kind in computed
            row_sources = row.sources
            for key, heading, is_pct, negate, change in cols:
                value: Any = values.get(key)
                if value is None or isinstance(value, str):
                    continue
                if negate:  # Convention.display, decided per column (issue 8)
                    value = -value
                sources: Sequence[Source] = ()
                if not (total or change):
                    sources = row_sources.get(key, ())
                    if not sources:  # (any source gives a line)
                        continue
                # the shared strings looked up in the order of the cells (A–D, then E–H
                # of each line), as a cell-by-cell writer would: the same workbook
                head = (as_pct if is_pct else as_tkr) % (
                    sid(view),
                    sid(label),
                    sid(heading),
                    str(value) if type(value) is int else cell_number(value, SOURCES_SHEET),
                )
                if len(sources) == 1:  # the common case, without `parts_of`
                    file, sheet, cell, avd = sources[0]
                    tails = [
                        tail % (sid(avd or ""), sid(file or ""), sid(sheet or ""), sid(cell or ""))
                    ]
                elif sources:
                    parts = parts_of(sources)
                    if parts is not last_parts:
                        last_tails = [
                            tail % (sid(a), sid(f), sid(s), sid(c)) for a, f, s, c in parts
                        ]
                        last_parts = parts
                    tails = last_tails
                else:
                    trace = SUM_TRACE if total else CHANGE_TRACE
                    trace_tail = traces.get(trace)
                    if trace_tail is None:
                        trace_tail = traces[trace] = tail % tuple(
                            map(sid, (trace.avdelning, trace.file, trace.sheet, trace.cell))
                        )
                    tails = [trace_tail]
                if r - HEADER_ROW + len(tails) <= MAX_SOURCE_ROWS:
                    r = write(r + 1, head, tails)
                    continue
                for part in tails:  # a new sheet before Excel's row limit
                    if r - HEADER_ROW >= MAX_SOURCE_ROWS:
                        sheets.next_sheet(r)
                        write = sheets.writer()
                        r = HEADER_ROW
                    r = write(r + 1, head, (part,))
    sheets.end(r)
