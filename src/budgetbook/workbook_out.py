"""The consolidated workbook `output/konsolidering_<year>.xlsx`.

One formatted sheet per view (Swedish caption and headings, `#,##0` for tkr and `0 %`
for percentages, frozen header, autofilter, bold totals), then sheets for goals,
uppdrag and internal control, a Källor sheet that traces every figure to the file,
sheet and cell (or settings line) it came from, and a Problem sheet when consolidation
found problems.

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
    NOTE_CONTROLS,
    NOTE_GOALS,
    NOTE_UPPDRAG,
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
    IndicatorView,
    RowKind,
    Table,
)
from .settings import Settings
from .sources_sheet import HEADER_ROW, SOURCES_SHEET, write_sources
from .tablebuild import avdelning_names
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
TKR_FORMAT = "#,##0"
LABEL_WIDTH_MAX = 72  # the label column's width at most, in characters
TEXT_WIDTH_MAX = 40  # another text column's (a risk's comment, a project's category)
PCT_FORMAT = "0 %"


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


class _Formats:
    def __init__(self, wb: XlsxStream):
        font = {"font_name": "Calibri", "font_size": 10}
        self.caption = wb.add_format({**font, "bold": True, "font_size": 13})
        self.info = wb.add_format({**font, "italic": True, "font_color": "#555555"})
        self.note = wb.add_format({**font, "italic": True, "text_wrap": True, "valign": "top"})
        head = {**font, "bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True}
        self.head_text = wb.add_format({**head, "valign": "bottom"})
        self.head_num = wb.add_format({**head, "align": "right", "valign": "bottom"})
        # a text column right of a figure: indented, or "Negativ risk" ran into
        # "Kommentar" and -450 into the comment beside it
        self.head_after = wb.add_format({**head, "align": "left", "indent": 1, "valign": "bottom"})
        self.text = wb.add_format({**font, "text_wrap": True, "valign": "top"})
        self.wb = wb
        self.lists: dict[tuple[str | None, str | None], int] = {}
        self.cells: dict[tuple[str, RowKind], int] = {}
        for kind in RowKind:
            style = {**font, "valign": "top"}
            if kind in (RowKind.TOTAL, RowKind.SUBTOTAL):
                style["bold"] = True
                style["top"] = 1
            if kind is RowKind.TOTAL:
                style["bottom"] = 6  # double line under the nämnd total
            if kind is RowKind.HEADING:
                style["bold"] = True
                style["italic"] = True
            for col_kind, num in (("tkr", TKR_FORMAT), ("pct", PCT_FORMAT), ("int", "0")):
                self.cells[(col_kind, kind)] = wb.add_format({**style, "num_format": num})
            self.cells[("text", kind)] = wb.add_format(style)
            # a view's text column: a risk's description or comment may be a sentence or
            # two, cut at the column's edge unwrapped (the widths are capped)
            self.cells[("wrap", kind)] = wb.add_format({**style, "text_wrap": True})
            self.cells[("wrap_after", kind)] = wb.add_format(
                {**style, "text_wrap": True, "align": "left", "indent": 1}
            )

    def list_cell(self, num_format: str | None = None, align: str | None = None) -> int:
        """A list sheet's body cell (`_write_list`): wrapped text, or a number in
        `num_format`; `align` "right" or "center"."""
        key = (num_format, align)
        style = self.lists.get(key)
        if style is None:
            spec: dict[str, Any] = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
            if num_format:
                spec["num_format"] = num_format
            else:
                spec["text_wrap"] = True
            if align:
                spec["align"] = align
            style = self.lists[key] = self.wb.add_format(spec)
        return style

    def list_head(self, align: str | None) -> int:
        """A list sheet's heading cell over a column aligned `align`."""
        if not align:
            return self.head_text
        style = self.lists.get(("head", align))
        if style is None:
            head = {"font_name": "Calibri", "font_size": 10, "bold": True, "bottom": 1}
            spec = {**head, "bg_color": "#DCE6F1", "text_wrap": True, "valign": "bottom"}
            style = self.lists[("head", align)] = self.wb.add_format({**spec, "align": align})
        return style

    def cell(self, col_kind: str, row_kind: RowKind) -> int:
        key = (col_kind, row_kind)
        return self.cells[key] if key in self.cells else self.cells[("text", row_kind)]


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


def _lines(text: str, width: float, per_unit: float = 1.1) -> int:
    """How many lines a wrapped text needs in a column `width` characters wide, at
    `per_unit` characters of the 10-point font per unit of width (a little fewer
    counted than fit: a line breaks between words)."""
    chars = max(int(width * per_unit), 8)
    return sum(max(1, -(-len(part) // chars)) for part in str(text).split("\n"))


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
                lines[i] = max(lines[i], _lines(text, widths[c], 1.2))
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


def write_table(wb: XlsxStream, name: str, table: Table, settings: Settings, f: _Formats) -> None:
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
        ws.row(HEADER_ROW, list(zip([c.heading for c in cols], heads, strict=True)), height=30)
        # the rows written as one block, each with its kind's formats
        kinds = [
            ("wrap_after" if a else "wrap") if c.kind == "text" else c.kind
            for c, a in zip(cols, after, strict=True)
        ]
        styles = {kind: [f.cell(k, kind) for k in kinds] for kind in RowKind}
        row_kinds = list(map(attrgetter("kind"), table.rows))
        heights = _wrapped_heights(table, columns, col_widths)
        if heights is None:
            ws.typed_columns(styles)(HEADER_ROW + 1, row_kinds, columns)
        else:  # a few rows of risks: row by row, each as high as its wrapped text
            writers = {kind: ws.typed_rows(styles[kind]) for kind in RowKind}
            values = zip(*columns, strict=True) if columns else [()] * len(row_kinds)
            for i, (kind, row, height) in enumerate(zip(row_kinds, values, heights, strict=True)):
                writers[kind](HEADER_ROW + 1 + i, list(row), height)
        last = HEADER_ROW + len(table.rows)
        if table.note:
            note_row = last + 2
            ncols = max(len(cols), 1)
            ws.row(
                note_row,
                [(table.note, f.note)] + [(None, f.note)] * (ncols - 1),
                height=14 * _lines(table.note, sum(col_widths)),
            )
            if ncols > 1:
                ws.merge(note_row, 0, note_row, ncols - 1)
        ws.autofilter(HEADER_ROW, 0, max(last, HEADER_ROW), len(cols) - 1)
        ws.repeat_row = HEADER_ROW


def _write_list(
    wb: XlsxStream,
    name: str,
    title: str,
    headings: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[object]],
    f: _Formats,
    note: str = "",
    styles: Sequence[tuple[int, ...] | None] = (),
    align: Sequence[str | None] = (),
) -> None:
    """A plain list sheet (goals, uppdrag, controls): every cell a string or number,
    `note` under the list as a view's note is under its table (`write_table`).
    `align[c]` aligns column c and its heading ("right", "center"; else left), so a
    number does not run into the text of the next column. `styles[i]`, where given, is
    row i's format per column (`_Formats.list_cell`). An empty text is written as an
    empty cell (a filter's "(Tomma)", not a blank string)."""
    # the characters per line of each column (as `_lines`): a row's height from its
    # texts without a call per cell (issue 8: ~40 000 cells of texts and uppdrag)
    chars = [max(int(w * 1.1), 8) for w in widths]
    aligns = [*align, *[None] * (len(headings) - len(align))]
    with wb.sheet(name, widths=widths, freeze=(HEADER_ROW + 1, 0)) as ws:
        ws.row(0, [(title, f.caption)])
        ws.row(HEADER_ROW, [(h, f.list_head(a)) for h, a in zip(headings, aligns, strict=True)])
        plain = tuple(f.list_cell(None, a) for a in aligns)
        writers = {plain: ws.typed_rows(plain)}
        for i, values in enumerate(rows, HEADER_ROW + 1):
            row_styles = styles[i - HEADER_ROW - 1] if styles else None
            write = writers.get(row_styles or plain)
            if write is None:
                write = writers[row_styles] = ws.typed_rows(row_styles)  # type: ignore[index]
            values = [None if v == "" else v for v in values]
            height = 1
            for v, n in zip(values, chars, strict=True):
                if v is None:
                    continue
                text = v if type(v) is str else str(v)
                lines = (
                    -(-len(text) // n)
                    if "\n" not in text
                    else sum(max(1, -(-len(part) // n)) for part in text.split("\n"))
                )
                if lines > height:
                    height = lines
            write(i, values, 13.5 * height)
        if note:
            note_row = HEADER_ROW + len(rows) + 2
            ncols = len(headings)
            ws.row(
                note_row,
                [(note, f.note)] + [(None, f.note)] * (ncols - 1),
                height=14 * _lines(note, sum(widths)),
            )
            if ncols > 1:
                ws.merge(note_row, 0, note_row, ncols - 1)
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), len(headings) - 1)
        ws.repeat_row = HEADER_ROW  # printed on every page of a long list


# the Mål och indikatorer sheet's columns: KF-mål, Nämndmål, Indikator, two years'
# values and the target, Avdelningar
GOAL_ALIGN = (None, None, None, "right", "right", "right", None)


def _goal_rows(
    cons: Consolidation, by: int, names: dict[str, str], f: _Formats
) -> tuple[list[list[object]], list[tuple[int, ...] | None]]:
    """The Mål och indikatorer sheet's rows and each row's formats (an indicator's
    values as numbers where they are numbers)."""
    rows: list[list[object]] = []
    styles: list[tuple[int, ...] | None] = []
    plain = tuple(f.list_cell(None, a) for a in GOAL_ALIGN)

    def add(kf: str, ng: str, ind: IndicatorView | None) -> None:
        if ind is None:
            rows.append([kf, ng, "", "", "", "", ""])
            styles.append(None)
            return
        typed = (ind.values.get(by - 2, ""), ind.values.get(by - 1, ""), ind.target)
        cells = [indicator_cell(t) for t in typed]
        rows.append([kf, ng, ind.name, *(v for v, _ in cells), _named(ind.avdelningar, names)])
        if all(code is None for _, code in cells):
            styles.append(None)
        else:
            numbers = (f.list_cell(code, "right") for _, code in cells)
            styles.append((*plain[:3], *numbers, plain[-1]))

    for kf in cons.goals:
        kf_label = f"{kf.code} {kf.title}"
        for ind in kf.indicators:
            add(kf_label, "", ind)
        for ng in kf.namnd_goals:
            if not ng.indicators:
                add(kf_label, f"{ng.code} {ng.title}", None)
            for ind in ng.indicators:
                add(kf_label, f"{ng.code} {ng.title}", ind)
    return rows, styles


# An indicator's value as typed or shown: "31,8", "1 204", "−2,5", "68 %" (a number
# typed in a percent-formatted cell reads so, `reader_percent`). Anything else is text.
_INDICATOR_NUMBER = re.compile(
    r"([-\u2212]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d{1,6}))?(?:[ \u00a0\u202f]?(%))?"
)


def indicator_cell(text: str) -> tuple[str | int | float | None, str | None]:
    """An indicator value for the workbook and its number format: a number as a number
    Excel can sort, filter and chart, formatted to show as typed ("31,8" -> 31.8 with
    one decimal, "68 %" -> 0.68 as a percentage; the values came to the sheet as text
    that Excel flags as "number stored as text"); other text as written (format None)."""
    text = text.strip()
    found = _INDICATOR_NUMBER.fullmatch(text)
    if found is None:
        return text, None
    sign, whole, decimals, percent = found.groups()
    digits = re.sub(r"\D", "", whole)
    places = len(decimals or "")
    value: int | float = float(f"{digits}.{decimals}") if places else int(digits)
    # "_-": a space as wide as a minus sign after the number, so a right-aligned value
    # does not run into the text that starts the next column
    shown = "0." + "0" * places if places else "0"
    if percent:
        value = round(value / 100, places + 2)
        return (-value if sign else value), f"{shown} %_-"
    return (-value if sign else value), f"#,##{shown}_-"


def _named(codes: Sequence[str], names: dict[str, str]) -> str:
    """Avdelningar by name, as every other sheet shows them (the lists showed codes)."""
    return ", ".join(names.get(c, c) for c in codes)


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
            f = _Formats(wb)
            used: set[str] = {SOURCES_SHEET.casefold(), PROBLEMS_SHEET.casefold()}
            named: list[tuple[str, Table]] = []
            for key, table in cons.views.items():
                name = sheet_name(key, table.caption, used)
                write_table(wb, name, table, settings, f)
                named.append((name, table))
            _write_extras(wb, cons, settings, f, used)
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


def _write_extras(
    wb: XlsxStream, cons: Consolidation, settings: Settings, f: _Formats, used: set[str]
) -> None:
    by = settings.budget_year
    names = avdelning_names(settings)
    if cons.goals:
        rows, styles = _goal_rows(cons, by, names, f)
        used.add("mål och indikatorer")
        _write_list(
            wb,
            "Mål och indikatorer",
            "Mål och indikatorer",
            [
                "KF-mål",
                "Nämndmål",
                "Indikator",
                f"Utfall {by - 2}",
                f"Utfall {by - 1}",
                f"Målvärde {by}",
                "Avdelningar",
            ],
            [30, 40, 45, 11, 11, 12, 26],
            rows,
            f,
            cons.notes.get(NOTE_GOALS, ""),
            styles,
            GOAL_ALIGN,
        )
    if cons.uppdrag:
        used.add("uppdrag")
        _write_list(
            wb,
            "Uppdrag",
            "Uppdrag",
            ["Uppdrag", "Start (år)", "Status", "Kommentar", "Avdelning"],
            [60, 10, 14, 45, 26],
            [
                [u.text, u.start, u.status, u.comment, _named(u.avdelning.split(", "), names)]
                for u in cons.uppdrag
            ],
            f,
            cons.notes.get(NOTE_UPPDRAG, ""),
            align=(None, "center"),
        )
    if cons.controls:
        used.add("internkontroll")
        _write_list(
            wb,
            "Internkontroll",
            "Internkontrollplan",
            [
                "Riskområde",
                "Risk",
                "Riskvärde",
                "Kontrollmetod",
                "Tidpunkt för rapportering",
                "Avdelning",
            ],
            [25, 40, 10, 40, 20, 26],
            [
                [
                    c.riskomrade,
                    c.risk,
                    c.riskvarde,
                    c.kontrollmetod,
                    c.tidpunkt,
                    _named(c.avdelning.split(", "), names),
                ]
                for c in cons.controls
            ],
            f,
            cons.notes.get(NOTE_CONTROLS, ""),
            align=(None, None, "center"),
        )
    if cons.texts:
        used.add("texter")
        _write_list(
            wb,
            "Texter",
            "Avdelningarnas texter",
            ["Avdelning", "Avsnitt", "Text"],
            [26, 30, 100],
            [[t.avdelning_name, t.title, t.text] for t in cons.texts],
            f,
        )


def _write_problems(wb: XlsxStream, cons: Consolidation, f: _Formats) -> None:
    headings = ["Kod", "Allvarlighet", "Meddelande", "Avdelning", "Fil", "Blad", "Cell"]
    widths = [8, 12, 90, 12, 40, 14, 8]
    with wb.sheet(PROBLEMS_SHEET, widths=widths, freeze=(HEADER_ROW + 1, 0)) as ws:
        ws.row(0, [("Problem som konsolideringen hittade", f.caption)])
        ws.row(HEADER_ROW, [(h, f.head_text) for h in headings])
        for i, p in enumerate(cons.problems):
            values = (p.code, p.severity.value, p.message, p.avdelning, p.file, p.sheet, p.cell)
            ws.row(
                HEADER_ROW + 1 + i,
                # a problem of the whole round has no file: empty cells, not texts ""
                [(v or None, f.text) for v in values],
                height=13.5 * _lines(p.message, widths[2]),
            )
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(cons.problems), len(headings) - 1)
        ws.repeat_row = HEADER_ROW
