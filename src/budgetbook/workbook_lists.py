"""The konsolidering workbook's list sheets: Mål och indikatorer, Uppdrag,
Internkontroll and Texter. Plain lists, one row per item, with the avdelningar named
as on every other sheet and an indicator's value a number where it is one."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .model import NOTE_CONTROLS, NOTE_GOALS, NOTE_UPPDRAG, Consolidation, IndicatorView
from .settings import Settings
from .tablebuild import avdelning_names
from .workbook_formats import HEADER_ROW, Formats, header_row, wrapped_lines
from .xlsx_stream import XlsxStream


def write_list(
    wb: XlsxStream,
    name: str,
    title: str,
    headings: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[object]],
    f: Formats,
    note: str = "",
    styles: Sequence[tuple[int, ...] | None] = (),
    align: Sequence[str | None] = (),
) -> None:
    """A plain list sheet (goals, uppdrag, controls): every cell a string or number,
    `note` under the list as a view's note is under its table (`write_table`).
    `align[c]` aligns column c and its heading ("right", "center"; else left), so a
    number does not run into the text of the next column. `styles[i]`, where given, is
    row i's format per column (`Formats.list_cell`). An empty text is written as an
    empty cell (a filter's "(Tomma)", not a blank string)."""
    # the characters per line of each column (as `wrapped_lines`): a row's height from its
    # texts without a call per cell (issue 8: ~40 000 cells of texts and uppdrag)
    chars = [max(int(w * 1.1), 8) for w in widths]
    aligns = [*align, *[None] * (len(headings) - len(align))]
    with wb.sheet(name, widths=widths, freeze=(HEADER_ROW + 1, 0)) as ws:
        ws.row(0, [(title, f.caption)])
        header_row(ws, [(h, f.list_head(a)) for h, a in zip(headings, aligns, strict=True)])
        plain = tuple(f.list_cell(None, a) for a in aligns)
        writers = {plain: ws.typed_rows(plain)}
        for i, values in enumerate(rows, HEADER_ROW + 1):
            shape = (styles[i - HEADER_ROW - 1] if styles else None) or plain
            write = writers.get(shape)
            if write is None:
                write = writers[shape] = ws.typed_rows(shape)
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
                height=14 * wrapped_lines(note, sum(widths)),
            )
            if ncols > 1:
                ws.merge(note_row, 0, note_row, ncols - 1)
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), len(headings) - 1)
        ws.repeat_row = HEADER_ROW  # printed on every page of a long list


# the Mål och indikatorer sheet's columns: KF-mål, Nämndmål, Indikator, Källa (where
# the indicator's values come from, as the returns and the draft give it), two years'
# values and the target, Avdelningar
GOAL_ALIGN = (None, None, None, None, "right", "right", "right", None)
GOAL_VALUES = 4  # the first value column


def goal_rows(
    cons: Consolidation, by: int, names: dict[str, str], f: Formats
) -> tuple[list[list[object]], list[tuple[int, ...] | None]]:
    """The Mål och indikatorer sheet's rows and each row's formats (an indicator's
    values as numbers where they are numbers)."""
    rows: list[list[object]] = []
    styles: list[tuple[int, ...] | None] = []
    plain = tuple(f.list_cell(None, a) for a in GOAL_ALIGN)

    def add(kf: str, ng: str, ind: IndicatorView | None) -> None:
        if ind is None:
            rows.append([kf, ng, *[""] * (len(GOAL_ALIGN) - 2)])
            styles.append(None)
            return
        typed = (ind.values.get(by - 2, ""), ind.values.get(by - 1, ""), ind.target)
        cells = [indicator_cell(t) for t in typed]
        rows.append(
            [
                kf,
                ng,
                ind.name,
                ind.source,
                *(v for v, _ in cells),
                named(ind.avdelningar, names),
            ]
        )
        if all(code is None for _, code in cells):
            styles.append(None)
        else:
            numbers = (f.list_cell(code, "right") for _, code in cells)
            styles.append((*plain[:GOAL_VALUES], *numbers, plain[-1]))

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


def named(codes: Sequence[str], names: dict[str, str]) -> str:
    """Avdelningar by name, as every other sheet shows them (the lists showed codes)."""
    return ", ".join(names.get(c, c) for c in codes)


def write_lists(
    wb: XlsxStream, cons: Consolidation, settings: Settings, f: Formats, used: set[str]
) -> None:
    """The list sheets after the views: Mål och indikatorer, Uppdrag, Internkontroll
    and Texter (each only when it has rows); their names are added to `used`."""
    by = settings.budget_year
    names = avdelning_names(settings)
    if cons.goals:
        rows, styles = goal_rows(cons, by, names, f)
        used.add("mål och indikatorer")
        write_list(
            wb,
            "Mål och indikatorer",
            "Mål och indikatorer",
            [
                "KF-mål",
                "Nämndmål",
                "Indikator",
                "Källa",
                f"Utfall {by - 2}",
                f"Utfall {by - 1}",
                f"Målvärde {by}",
                "Avdelningar",
            ],
            [30, 40, 45, 18, 12, 12, 15, 26],  # a bold "Målvärde 2027" needs 15
            rows,
            f,
            cons.notes.get(NOTE_GOALS, ""),
            styles,
            GOAL_ALIGN,
        )
    if cons.uppdrag:
        used.add("uppdrag")
        write_list(
            wb,
            "Uppdrag",
            "Uppdrag",
            ["Uppdrag", "Start (år)", "Status", "Kommentar", "Avdelning"],
            [60, 10, 14, 45, 26],
            [
                [u.text, u.start, u.status, u.comment, named(u.avdelning.split(", "), names)]
                for u in cons.uppdrag
            ],
            f,
            cons.notes.get(NOTE_UPPDRAG, ""),
            align=(None, "center"),
        )
    if cons.controls:
        used.add("internkontroll")
        write_list(
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
                    named(c.avdelning.split(", "), names),
                ]
                for c in cons.controls
            ],
            f,
            cons.notes.get(NOTE_CONTROLS, ""),
            align=(None, None, "center"),
        )
    if cons.texts:
        used.add("texter")
        write_list(
            wb,
            "Texter",
            "Avdelningarnas texter",
            ["Avdelning", "Avsnitt", "Text"],
            [26, 30, 100],
            [[t.avdelning_name, t.title, t.text] for t in cons.texts],
            f,
        )
