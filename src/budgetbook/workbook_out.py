"""The consolidated workbook `output/konsolidering_<year>.xlsx`.

One formatted sheet per view (Swedish caption and headings, `#,##0` for tkr and `0 %`
for percentages, frozen header, autofilter, bold totals), then sheets for goals,
uppdrag, internal control and texts (`workbook_lists`), a Källor sheet that traces
every figure to the file, sheet and cell (or settings line) it came from, and a
Problem sheet when consolidation found problems.

Everything is written as values, never formulas: a total is the computed number. Every
text is a shared string (`xlsx_stream`, which has no formulas at all), so a text from a
return such as "=HYPERLINK(…)" or "+46 8 …" stays text. The sheets are streamed into
the file row by row (issue 8: xlsxwriter took ~10 µs per cell, and the Källor sheet
alone has millions of cells at the scale of a large kommun). The kommun's sign convention is
applied here, at rendering: columns in `Table.signed_columns` are multiplied by −1 under
"costs_negative". The file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from itertools import compress, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from .errors import OutputError, XlsxStreamError
from .fmt import Convention, in_sentence, pct_for_sheet, xml_safe
from .gc_pause import gc_paused
from .model import (
    VIEW_BRUTTO_AVDELNING,
    VIEW_DRIFT_AVDELNING,
    VIEW_DRIFT_DRIFTPOST,
    VIEW_DRIFT_VERKSAMHET,
    VIEW_INV_BESLUTAD,
    VIEW_INV_KATEGORI,
    VIEW_INV_NYA,
    VIEW_INV_PAGAENDE,
    VIEW_KAPITALKOSTNADER,
    VIEW_RAM_AVDELNING,
    VIEW_RISKER,
    VIEW_RISKLISTA,
    Consolidation,
    RowKind,
    Table,
)
from .settings import Settings
from .sources_sheet import SOURCES_SHEET, write_sources
from .workbook_formats import (
    HEADER_ROW,
    PCT_FORMAT,
    TKR_FORMAT,
    Formats,
    header_row,
    wrapped_lines,
)
from .workbook_lists import write_lists
from .workspace import atomic_write
from .xlsx_stream import XlsxStream

SHEET_NAMES = {
    VIEW_DRIFT_AVDELNING: "Drift per avdelning",
    VIEW_DRIFT_VERKSAMHET: "Drift per verksamhet",
    VIEW_DRIFT_DRIFTPOST: "Drift per kontogrupp",
    VIEW_BRUTTO_AVDELNING: "Brutto per avdelning",
    VIEW_RAM_AVDELNING: "Budget mot ram",
    VIEW_INV_PAGAENDE: "Investeringar pågående",
    VIEW_INV_NYA: "Investeringar nya",
    VIEW_INV_KATEGORI: "Investeringar per kategori",
    VIEW_INV_BESLUTAD: "Beslutad totalutgift",
    VIEW_KAPITALKOSTNADER: "Kapitalkostnader",
    VIEW_RISKER: "Risker",
    VIEW_RISKLISTA: "Risker och möjligheter",
}
PROBLEMS_SHEET = "Problem"
LABEL_WIDTH_MAX = 72  # the label column's width at most, in characters
TEXT_WIDTH_MAX = 40  # another text column's (a risk's comment, a project's category)


def sheet_name(key: str, caption: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, no []:*?/\\, no apostrophe
    first or last), as XlsxStream.sheet checks."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "", xml_safe(caption))[:31].strip("'")
    name = SHEET_NAMES.get(key) or cleaned or "Tabell"
    base, n = name, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.casefold())
    return name


def _unit_line(table: Table, convention: Convention) -> str:
    """The line under the caption: unit, sign convention and what a favourable change is."""
    if not table.signed_columns:
        return f"Belopp i {table.unit}."
    if convention.costs_negative:
        text = (
            f"Belopp i {table.unit}; intäkter visas som positiva belopp, kostnader och "
            "utgifter med minustecken."
        )
        better = "positiv"
    else:
        text = (
            f"Belopp i {table.unit}; kostnader och utgifter visas som positiva belopp, "
            "intäkter med minustecken."
        )
        better = "negativ"
    if any(c.key.startswith(("chg_", "diff_")) for c in table.columns):
        text += f" En {better} förändring eller differens betyder lägre nettokostnad."
    return text


def _table_columns(table: Table, flip: bool) -> list[list[Any]]:
    """A view's cells column by column, as shown: the label column its rows' labels,
    a signed column negated under "costs_negative" (the kommun's sign convention, at
    rendering; Convention.display decided per column, not called per cell), a %
    column's negative fractions that the draft shows as "0 %" stored as 0 (the others
    keep their decimals: `fmt.pct_for_sheet`). Taken by
    C-level calls, a column at a time (issue 8: ~76 000 rows at N = 1 000)."""
    rows = table.rows
    values = list(map(attrgetter("values"), rows))
    columns: list[list[Any]] = []
    for col in table.columns:
        if col.key == "label":
            columns.append(list(map(attrgetter("label"), rows)))
            continue
        column = list(map(dict.get, values, repeat(col.key)))
        if flip and col.key in table.signed_columns:
            try:  # a column of numbers only: negated at C level
                column = list(map(operator.neg, column))
            except TypeError:  # blanks or texts: kept as they are
                column = [v if v is None or isinstance(v, str) else -v for v in column]
        if col.kind == "pct":  # a negative shown as 0 % stored as 0: never "-0 %" in Excel
            column = pct_for_sheet(column)
        columns.append(column)
    return columns


def _table_widths(table: Table, columns: Sequence[Sequence[Any]]) -> list[float]:
    """Column widths in characters from the headings, labels and texts shown
    (`columns`: `_table_columns`), each column's widest text found by C-level calls."""
    kinds = list(map(attrgetter("kind"), table.rows))
    widths = []
    for col, column in zip(table.columns, columns, strict=True):
        if col.key == "label":
            # a total's label is bold: one character more
            bold = map(operator.is_not, kinds, repeat(RowKind.DATA))
            texts = map(operator.add, map(len, column), bold)
        else:
            texts = map(len, compress(column, map(isinstance, column, repeat(str))))
        widths.append(max(len(col.heading), max(texts, default=0)))
    out = []
    for c, col in enumerate(table.columns):
        if c == 0:
            # up to ~90 characters of the 10-point font: "Summa nämnden för
            # arbetsmarknad, vuxenutbildning och social välfärd" was cut at 55
            out.append(min(max(widths[c], 14), LABEL_WIDTH_MAX) + 2)
        elif col.kind == "text":
            out.append(min(max(widths[c], 12), TEXT_WIDTH_MAX) + 2)
        else:
            # headings wrap onto two lines; figures need ~11 characters
            out.append(max(11, min(widths[c], 26) * 0.55 + 2))
    return out


def _wrapped_heights(
    table: Table, columns: Sequence[Sequence[Any]], widths: Sequence[float]
) -> list[float | None] | None:
    """Each row's height when a text wraps: it runs past its column's capped width (a
    risk's description or comment of a sentence or two) or holds a line break (Alt+Enter
    in the return). LibreOffice keeps a row without a height one line high, the rest of
    the text drawn over the rows below or hidden. None when every text fits on one line,
    as in every view of names (they stay one block, written as fast)."""
    wrapping = [
        c
        for c, col in enumerate(table.columns)
        if col.kind == "text"
        and (
            widths[c] >= (LABEL_WIDTH_MAX if col.key == "label" else TEXT_WIDTH_MAX) + 2
            or _has_break(columns[c])
        )
    ]
    lines = [1] * len(table.rows)
    for c in wrapping:
        for i, text in enumerate(columns[c]):
            if isinstance(text, str):
                # a view's row counted closer to what fits (~1.25): one too high would
                # stand half empty
                lines[i] = max(lines[i], wrapped_lines(text, widths[c], 1.2))
    if max(lines, default=1) == 1:
        return None
    return [13.5 * n if n > 1 else None for n in lines]


def _has_break(column: Sequence[Any]) -> bool:
    """Whether a text of `column` holds a line break (one C-level join for a column of
    texts: a view's labels at N = 1 000 are ~20 000)."""
    try:
        return "\n" in "".join(column)
    except TypeError:  # an empty cell (None) among the texts
        return any(isinstance(t, str) and "\n" in t for t in column)


def write_table(wb: XlsxStream, name: str, table: Table, settings: Settings, f: Formats) -> None:
    """Write one view as sheet `name` (its Källor lines: `sources_sheet`)."""
    convention = Convention(settings.sign_convention)
    cols = table.columns
    columns = _table_columns(table, convention.costs_negative)
    col_widths = _table_widths(table, columns)
    with wb.sheet(name, widths=col_widths, freeze=(HEADER_ROW + 1, 1)) as ws:
        ws.row(0, [(f"Tabell: {table.caption}", f.caption)])
        ws.row(1, [(_unit_line(table, convention), f.info)])
        # a text column right of a figure column (a risk's comment) is indented
        after = [
            c > 0 and col.kind == "text" and cols[c - 1].kind != "text"
            for c, col in enumerate(cols)
        ]
        heads = [
            f.head_after if a else f.head_text if c.kind == "text" else f.head_num
            for c, a in zip(cols, after, strict=True)
        ]
        header_row(ws, list(zip([c.heading for c in cols], heads, strict=True)))
        # the rows written as one block, each with its kind's formats
        kinds = [
            ("wrap_after" if a else "wrap") if c.kind == "text" else c.kind
            for c, a in zip(cols, after, strict=True)
        ]
        styles = {kind: [f.cell(k, kind) for k in kinds] for kind in RowKind}
        row_kinds = list(map(attrgetter("kind"), table.rows))
        looks = _looks(row_kinds)
        heights = _wrapped_heights(table, columns, col_widths)
        if heights is None:
            ws.typed_columns(styles)(HEADER_ROW + 1, looks, columns)
        else:  # a few rows of risks: row by row, each as high as its wrapped text
            writers = {kind: ws.typed_rows(styles[kind]) for kind in RowKind}
            values = zip(*columns, strict=True) if columns else [()] * len(looks)
            for i, (kind, row, height) in enumerate(zip(looks, values, heights, strict=True)):
                writers[kind](HEADER_ROW + 1 + i, list(row), height)
        last = HEADER_ROW + len(table.rows)
        if table.note:
            note_row = last + 2
            ncols = max(len(cols), 1)
            ws.row(
                note_row,
                [(table.note, f.note)] + [(None, f.note)] * (ncols - 1),
                height=14 * wrapped_lines(table.note, sum(col_widths)),
            )
            if ncols > 1:
                ws.merge(note_row, 0, note_row, ncols - 1)
        filtered = _filtered_rows(row_kinds)
        if filtered is not None:
            ws.autofilter(HEADER_ROW, 0, HEADER_ROW + filtered, len(cols) - 1)
        ws.repeat_row = HEADER_ROW


def _looks(kinds: list[RowKind]) -> list[RowKind]:
    """The kind each row is formatted as: a total right above another (a drift view's
    total over the returns while one is missing, above the nämnd's: `closing_totals`)
    as a subtotal, bold with a rule above it; the double line stays under the last."""
    if kinds.count(RowKind.TOTAL) < 2:  # nearly every view
        return kinds
    return [
        RowKind.SUBTOTAL if kind is RowKind.TOTAL and after is RowKind.TOTAL else kind
        for kind, after in zip(kinds, [*kinds[1:], None], strict=True)
    ]


def _filtered_rows(kinds: Sequence[RowKind]) -> int | None:
    """How many rows under the heading a view's autofilter covers, or None for none.

    The nämnd's total row stands below the filtered rows, as an Excel table's total row
    does: inside them, sorting a column moved "Summa …" in among the avdelningar. A view
    whose rows above that total hold a subtotal or a group's heading (Drift per
    kontogrupp's "Summa intäkter", the pågående and nya projects of Beslutad totalutgift
    and Kapitalkostnader) gets no filter (review): a sort moved "Summa kostnader" among
    the kontogrupper and a heading away from its projects, and a filter hid rows a
    subtotal still counts, so no range over them sorts or filters right. A range of
    only the data rows before the first subtotal or heading is no answer either: it is
    the revenue line alone, or no row, and a filter over part of a table reads as a
    filter over all of it."""
    totals = 0
    for kind in reversed(kinds):
        if kind is not RowKind.TOTAL:
            break
        totals += 1
    above = kinds[: len(kinds) - totals]
    if not set(above) <= {RowKind.DATA}:  # a set of ~76 000 kinds at N = 1 000 (issue 8)
        return None
    return len(above)


def write_consolidation(cons: Consolidation, settings: Settings, path: Path) -> Path:
    """Write the consolidated workbook to `path` atomically and return `path`."""
    path = Path(path)
    try:
        with (
            gc_paused(),  # see gc_pause
            atomic_write(path) as tmp,
            XlsxStream(
                tmp,
                title=f"Konsolidering {in_sentence(settings.namnd_genitive)} budget {cons.year}",
                company=settings.kommun,
                comments="Skapad av budgetbook. Alla belopp är värden, inga formler.",
                header=(
                    f"{settings.kommun}, {settings.namnd}",
                    f"Konsolidering {settings.kind} {settings.budget_year}",
                ),
            ) as wb,
        ):
            f = Formats(wb)
            used: set[str] = {SOURCES_SHEET.casefold(), PROBLEMS_SHEET.casefold()}
            named: list[tuple[str, Table]] = []
            for key, table in cons.views.items():
                name = sheet_name(key, table.caption, used)
                write_table(wb, name, table, settings, f)
                named.append((name, table))
            write_lists(wb, cons, settings, f, used)
            write_sources(
                wb,
                named,
                settings,
                (
                    f.caption,
                    f.info,
                    f.head_text,
                    f.head_num,
                    # "_-": a space after the figure, so it does not run into the
                    # avdelning's name beside it ("30 000Portföljstyrning")
                    f.list_cell(f"{TKR_FORMAT}_-"),
                    f.list_cell(f"{PCT_FORMAT}_-"),
                    f.cell("text", RowKind.DATA),
                ),
            )
            if cons.problems:
                _write_problems(wb, cons, f)
    except XlsxStreamError as exc:  # a value or name Excel cannot take (Swedish message)
        raise OutputError(f"Kunde inte skriva {path.name}: {exc}.") from exc
    except OSError as exc:
        raise OutputError(f"Kunde inte skriva {path.name}: {exc}") from exc
    return path


def _write_problems(wb: XlsxStream, cons: Consolidation, f: Formats) -> None:
    headings = ["Kod", "Allvarlighet", "Meddelande", "Avdelning", "Fil", "Blad", "Cell"]
    widths = [8, 12, 90, 12, 40, 14, 8]
    with wb.sheet(PROBLEMS_SHEET, widths=widths, freeze=(HEADER_ROW + 1, 0)) as ws:
        ws.row(0, [("Problem som konsolideringen hittade", f.caption)])
        header_row(ws, [(h, f.head_text) for h in headings])
        for i, p in enumerate(cons.problems):
            values = (p.code, p.severity.value, p.message, p.avdelning, p.file, p.sheet, p.cell)
            ws.row(
                HEADER_ROW + 1 + i,
                # a problem of the whole round has no file: empty cells, not texts ""
                [(v or None, f.text) for v in values],
                height=13.5 * wrapped_lines(p.message, widths[2]),
            )
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(cons.problems), len(headings) - 1)
        ws.repeat_row = HEADER_ROW
