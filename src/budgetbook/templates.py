"""Write the department workbooks: one .xlsx per avdelning, from the schema and settings.

XlsxWriter is used (not openpyxl) because it writes files Excel and LibreOffice open
without repair prompts, supports everything the workbook needs (tables, validation,
protection, defined names, custom properties, print setup, conditional formats), and
writes fixed zip timestamps, so with a fixed creation date the output is byte-for-byte
deterministic and regenerated templates do not churn git.

Templates are always generated from the definition (`schema.py`) and settings; a user's
workbook is never loaded and saved back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from . import schema as S
from .consolidate_plan import norm  # as the reader and the draft match uppdrag
from .errors import TemplateError
from .fmt import sentence_start, tkr
from .locked_workbook import StructureLockedWorkbook
from .output_names import template_name
from .page_header import FOOTER, page_header
from .settings import Avdelning, Settings
from .templates_drift import write_drift_summary
from .templates_text import (
    MAX_ROW_HEIGHT,
    instructions_lines,
    sheet_hint,
    text_row_height,
    wrapped_lines,
)
from .templates_validation import add_validations, list_range_name
from .workspace import atomic_write

INPUT_BORDER = "#BFBFBF"  # the thin border round every input cell
INPUT_FILL = "#FFF2CC"  # the one colour of every input cell (explained on Instruktioner)
HEADER_FILL = "#1F4E78"
SUMMARY_FILL = "#F2F2F2"
AMOUNT_FORMAT = "#,##0"  # locale thousands separator, never a literal space
# the change against last year in whole percent, as the consolidation and the draft
# show it (domain convention); a tenth only where whole percent would put the change
# on the wrong side of the rule for a comment (BB402): 5,4 % is not "5 %" beside
# "Kommentar saknas" and a rule of "mer än 5 %" (`_pct_band`)
CHANGE_PCT_FORMAT = "0 %"
CHANGE_PCT_TENTH = "0.0 %"
FIXED = "_fixed"  # a prefilled row's keys that are locked although the column is input


def fixed_timestamp(settings: Settings) -> dt.datetime:
    """The documents' creation time: fixed per round so output is deterministic."""
    return dt.datetime(settings.budget_year - 1, 9, 1, 8, 0, 0)


def write_templates(settings: Settings, schema: S.Schema, out_dir: Path) -> list[Path]:
    """Write one department workbook per avdelning to `out_dir`; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for avd in settings.avdelningar:
        path = out_dir / template_name(settings, avd)
        with atomic_write(path) as tmp:
            try:
                _Writer(settings, schema, avd, tmp).write()
            except (xlsxwriter.exceptions.XlsxWriterException, OSError) as exc:
                raise TemplateError(f"Kunde inte skriva {path.name}: {exc}") from exc
        paths.append(path)
    return paths


def identity(settings: Settings, avd: Avdelning, schema: S.Schema) -> dict[str, str]:
    return {
        S.ID_AVDELNING: avd.code,
        S.ID_ROUND: settings.round_id,
        S.ID_YEAR: str(settings.budget_year),
        S.ID_VERSION: schema.version,
        S.ID_KOMMUN: settings.kommun,
    }


def prior_record_of(settings: Settings, avd: Avdelning) -> str:
    """`S.prior_record` of the prior-year figures the avdelning's Drift rows show."""
    figures = []
    for v in settings.verksamheter_of(avd.code):
        for d in settings.driftposter:
            prior = settings.prior.get((v.code, d.code))
            figures.append((v.code, d.code, *((prior.budget, prior.prognos) if prior else (0, 0))))
    return S.prior_record(figures)


class _Writer:
    """Writes one avdelning's workbook."""

    def __init__(self, settings: Settings, schema: S.Schema, avd: Avdelning, path: Path):
        self.s = settings
        self.schema = schema
        self.avd = avd
        self.wb = StructureLockedWorkbook(str(path), password=settings.template_password)
        self.f = self._formats()

    # -- formats --------------------------------------------------------------------

    def _formats(self) -> dict[str, object]:
        wb = self.wb
        base = {"font_name": "Calibri", "font_size": 11, "valign": "top"}

        def fmt(**kw: object) -> object:
            return wb.add_format({**base, **kw})

        inp = {"bg_color": INPUT_FILL, "locked": False, "border": 1, "border_color": INPUT_BORDER}
        return {
            "title": fmt(bold=True, font_size=15, font_color=HEADER_FILL),
            "title_wrap": fmt(bold=True, font_size=15, font_color=HEADER_FILL, text_wrap=True),
            "ident": fmt(font_color="#595959", italic=True),
            "ident_wrap": fmt(font_color="#595959", italic=True, text_wrap=True),
            "hint": fmt(font_color="#404040", text_wrap=False),
            "hint_wrap": fmt(font_color="#404040", text_wrap=True),
            "bold": fmt(bold=True),
            "text": fmt(text_wrap=True),
            "locked_text": fmt(text_wrap=True, font_color="#262626"),
            "locked_amount": fmt(num_format=AMOUNT_FORMAT),
            # an amount beside its label on Instruktioner: at the left of the wide text
            # column, as the texts are (right-aligned, the ram stood ~15 cm from its year)
            "label_amount": fmt(num_format=AMOUNT_FORMAT, align="left"),
            "locked_int": fmt(num_format="0"),
            "formula_amount": fmt(num_format=AMOUNT_FORMAT, font_color="#404040"),
            "formula_pct": fmt(num_format=CHANGE_PCT_FORMAT, font_color="#404040"),
            "formula_text": fmt(font_color="#C00000", bold=True),
            "formula_int": fmt(num_format="0", font_color="#404040"),
            "input_text": fmt(text_wrap=True, **inp),
            "input_amount": fmt(num_format=AMOUNT_FORMAT, **inp),
            "input_int": fmt(num_format="0", **inp),
            "input_legend": fmt(**inp),
            "header": fmt(bold=True, font_color="#FFFFFF", bg_color=HEADER_FILL, text_wrap=True),
            # over a column of figures: right-aligned as they are ("Budget 2026" stood
            # left over them)
            "header_num": fmt(
                bold=True, font_color="#FFFFFF", bg_color=HEADER_FILL, text_wrap=True, align="right"
            ),
            "header_after": fmt(
                bold=True,
                font_color="#FFFFFF",
                bg_color=HEADER_FILL,
                text_wrap=True,
                align="left",
                indent=1,
            ),
            "sum_label": fmt(bold=True, bg_color=SUMMARY_FILL),
            "sum_amount": fmt(bold=True, num_format=AMOUNT_FORMAT, bg_color=SUMMARY_FILL),
            "sum_blank": fmt(bg_color=SUMMARY_FILL),
            "red": wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
            "pct_tenth": wb.add_format({"num_format": CHANGE_PCT_TENTH}),
            "green": wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"}),
        }

    # -- workbook -------------------------------------------------------------------

    def write(self) -> None:
        s, wb = self.s, self.wb
        created = fixed_timestamp(s)
        wb.set_properties(
            {
                # what a return under a renamed code is recognised by (BB104)
                "title": f"Budget {s.budget_year}{S.TITLE_SEPARATOR}{self.avd.name}",
                "subject": f"{s.namnd}, {s.kind} {s.budget_year}",
                "author": "budgetbook",
                "company": s.kommun,
                "created": created,
                "comments": "Skapad av budgetbook. Fyll i de gula cellerna.",
            }
        )
        record = {S.ID_PRIOR: prior_record_of(s, self.avd)}
        if ram := S.drift_ram(s, self.avd.code):  # an avdelning without a ram: no record
            record[S.ID_RAM] = S.ram_record(ram)
        given = S.uppdrag_record([norm(u.text) for u in s.uppdrag_of(self.avd.code)])
        if given is not None:  # none past 63 uppdrag: read as an older template is
            record[S.ID_UPPDRAG] = given
        for name, value in (identity(s, self.avd, self.schema) | record).items():
            wb.set_custom_property(name, value)
            wb.define_name(name, '="' + value.replace('"', '""') + '"')
        wb.set_calc_mode("auto")
        self._instructions()
        for sheet in self.schema.sheets:
            self._sheet(sheet)
        self._lists()
        wb.close()

    def _header(self, ws: Worksheet, title: str, hint: str, widths: list[float]) -> None:
        """Title, identity line and hint above a sheet of columns `widths` wide."""
        s = self.s
        ident = (
            f"{s.kommun} · {s.namnd} · {sentence_start(s.kind)} {s.budget_year} · "
            f"Avdelning {self.avd.code} {self.avd.name} · runda {s.round_id} · "
            f"mallversion {self.schema.version}"
        )
        # a title in 15 points fits ~0.75 characters per unit of width, the line
        # below ~1.2: longer (long names), each wraps over the sheet's width, or
        # its end was cut off at the printed page's edge
        for row, text, fmt, per_unit, height in (
            (0, title, "title", 0.75, 22),
            (1, ident, "ident", 1.2, 15),
        ):
            lines = wrapped_lines(text, sum(widths) * per_unit / 0.9)
            if lines == 1 or len(widths) < 2:
                ws.write(row, 0, text, self.f[fmt])
                if row == 0:
                    ws.set_row(0, height)
                continue
            ws.merge_range(row, 0, row, len(widths) - 1, text, self.f[f"{fmt}_wrap"])
            ws.set_row(row, height * lines)
        if hint:
            ws.write(2, 0, hint, self.f["hint"])

    def _print(self, ws: Worksheet, sheet_title: str, landscape: bool, last_col: int) -> None:
        s = self.s
        if landscape:
            ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        ws.set_header(
            page_header(
                f"{s.kommun}, {s.namnd}",
                sheet_title,
                f"{self.avd.name} ({self.avd.code}), {s.budget_year}",
            )
        )
        ws.set_footer(FOOTER)
        ws.hide_gridlines(2)  # the table and input fill carry the structure
        del last_col

    def _protect(self, ws: Worksheet) -> None:
        ws.protect(
            self.s.template_password,
            {"format_columns": True, "format_rows": True, "select_locked_cells": True},
        )

    # -- Instruktioner -------------------------------------------------------------

    def _instructions(self) -> None:
        s, f = self.s, self.f
        ws = self.wb.add_worksheet(S.INSTRUCTIONS_SHEET)
        self._header(ws, f"Budget {s.budget_year} – {self.avd.name}", "", [30, 95])
        ws.set_column(0, 0, 30)
        ws.set_column(1, 1, 95)
        row = 3
        for kind, label, text in instructions_lines(s, self.schema, self.avd):
            if kind == "heading":
                row += 1
                ws.write(row, 0, label, f["bold"])
            elif kind == "legend":
                ws.write(row, 0, label, f["input_legend"])
                ws.write(row, 1, text, f["text"])
                ws.set_row(row, 15 * wrapped_lines(text, 95))
            elif kind == "amount":
                ws.write(row, 0, label, f["text"])
                ws.write_number(row, 1, int(text), f["label_amount"])
            else:
                ws.write(row, 0, label, f["text"])
                ws.write(row, 1, text, f["text"])
                # LibreOffice does not grow rows for wrapped text on load: size them here.
                ws.set_row(row, 15 * wrapped_lines(text, 95))
            row += 1
        self._print(ws, S.INSTRUCTIONS_SHEET, False, 1)
        ws.print_area(0, 0, row, 1)
        # labels "2027", "1.1" are text (a year, a goal's number): no green triangles
        ws.ignore_errors({"number_stored_as_text": f"A1:B{row}"})
        self._protect(ws)
        ws.activate()

    # -- the input sheets ---------------------------------------------------------------

    def _sheet(self, sheet: S.SheetDef) -> None:
        ws = self.wb.add_worksheet(sheet.name)
        self._header(
            ws,
            f"{sheet.name} – {self.avd.name}",
            sheet_hint(sheet.key, self.s),
            [c.width for c in sheet.columns],
        )
        rows = self._rows(sheet)
        h = sheet.header_row - 1  # 0-based header row
        first = h + 1
        last = first + max(len(rows), 1) - 1
        ncols = len(sheet.columns)
        for c, col in enumerate(sheet.columns):
            ws.set_column(c, c, col.width)
        ws.add_table(
            h,
            0,
            last,
            ncols - 1,
            {
                "name": sheet.table,
                "style": "Table Style Light 1",
                "autofilter": False,
                "columns": [
                    {"header": c.heading, "header_format": self.f[kind]}
                    for c, kind in zip(sheet.columns, self._headers(sheet), strict=True)
                ],
            },
        )
        ws.set_row(h, 15 * max(wrapped_lines(c.heading, c.width) for c in sheet.columns))
        for r, values in enumerate(rows):
            if sheet.key == "texter":
                self._text_height(ws, sheet, first + r, values, self.s.text_sections[r].max_chars)
            elif sheet.key == "drift":
                self._name_height(ws, sheet, first + r, values)
            fixed = values.get(FIXED, ())
            if fixed:  # locked text wraps, and no one can widen its row: make room
                cols = [c for c in sheet.columns if c.key in fixed and c.type == S.TEXT]
                lines = max(
                    (wrapped_lines(values.get(c.key) or "", c.width) for c in cols), default=1
                )
                ws.set_row(first + r, 15 * lines)
            for c, col in enumerate(sheet.columns):
                col = dataclasses.replace(col, input=False) if col.key in fixed else col
                self._cell(ws, sheet, first + r, c, col, values.get(col.key))
        add_validations(ws, sheet, first, last, self.s, self.schema, rows)
        locked = [
            f"{xl_col_to_name(c)}{first + 1}:{xl_col_to_name(c)}{last + 1}"
            for c, col in enumerate(sheet.columns)
            if col.type == S.TEXT and not col.input
        ]
        if locked:  # a verksamhet's code "1600" is text, as it must be
            ws.ignore_errors({"number_stored_as_text": " ".join(locked)})
        if sheet.key == "drift":
            write_drift_summary(ws, sheet, first, last, rows, self.s, self.avd, self.f)
            self._pct_tenths(ws, sheet, first, last)
        else:
            self._sum_row(ws, sheet, first, last)
        ws.freeze_panes(first, 3 if sheet.key == "drift" else 0)
        self._print(ws, sheet.name, sheet.landscape, ncols - 1)
        ws.repeat_rows(h)
        ws.print_area(0, 0, last, ncols - 1)
        self._protect(ws)

    def _text_height(
        self, ws: Worksheet, sheet: S.SheetDef, r: int, values: dict[str, object], max_chars: int
    ) -> None:
        """A Texter row high enough for a text of `max_chars`, and for its section's
        title and guidance (locked, in narrower columns) when a short text has long ones,
        counted at one character a unit of width, as the text is."""
        locked = max(
            wrapped_lines(str(values.get(key) or ""), sheet.column(key).width / 0.9)
            for key in ("section", "guidance")
        )
        height = text_row_height(max_chars, sheet.column("text").width)
        ws.set_row(r, min(max(height, 15 * locked), MAX_ROW_HEIGHT))

    def _name_height(
        self, ws: Worksheet, sheet: S.SheetDef, r: int, values: dict[str, object]
    ) -> None:
        """A Drift row whose verksamhet or driftpost name wraps (locked: no one can
        widen it) made high enough for it; LibreOffice drew the second line over the
        next row. Only rows that need it: the others keep Excel's own height."""
        lines = max(
            _name_lines(str(values.get(key) or ""), sheet.columns[sheet.index(key)].width)
            for key in ("verksamhet_namn", "driftpost")
        )
        if lines > 1:
            ws.set_row(r, 15 * lines)

    def _rows(self, sheet: S.SheetDef) -> list[dict[str, object]]:
        """The prefilled values per row (fixed rows), or blank rows."""
        s = self.s
        if sheet.key == "drift":
            rows: list[dict[str, object]] = []
            for v in s.verksamheter_of(self.avd.code):
                for d in s.driftposter:
                    prior = s.prior.get((v.code, d.code))
                    rows.append(
                        {
                            "verksamhet": v.code,
                            "verksamhet_namn": v.name,
                            "driftpost": d.name,
                            "budget_prior": prior.budget if prior else 0,
                            "prognos_prior": prior.prognos if prior else 0,
                        }
                    )
            return rows
        if sheet.key == "texter":
            return [
                {
                    "section": t.title,
                    "guidance": f"{t.guidance} (Högst {tkr(t.max_chars)} tecken.)".strip(),
                }
                for t in s.text_sections
            ]
        prefilled: list[dict[str, object]] = []
        if sheet.key == "uppdrag":
            for u in s.uppdrag_of(self.avd.code):
                # KF's assignment is not the department head's to rewrite: locked
                prefilled.append({"text": u.text, "start": u.start, FIXED: ("text", "start")})
        return prefilled + [{} for _ in range(sheet.blank_rows)]

    def _cell(
        self, ws: Worksheet, sheet: S.SheetDef, r: int, c: int, col: S.ColumnDef, value: object
    ) -> None:
        f = self.f
        if col.type == S.FORMULA:
            formula, fmt = self._formula(sheet, r, col)
            ws.write_formula(r, c, formula, f[fmt], "")
            return
        numeric = col.type in (S.AMOUNT, S.INT, S.YEAR)
        if not col.input:
            if value is None:
                ws.write_blank(r, c, None, f["locked_text"])
            elif numeric:  # a year or count without a thousands separator (2027, not 2 027)
                ws.write_number(
                    r, c, value, f["locked_amount" if col.type == S.AMOUNT else "locked_int"]
                )
            else:
                ws.write_string(r, c, str(value), f["locked_text"])
            return
        fmt = (
            f["input_amount"]
            if col.type == S.AMOUNT
            else f["input_int"]
            if numeric
            else f["input_text"]
        )
        if value is None or value == "":
            ws.write_blank(r, c, None, fmt)
        elif numeric:
            ws.write_number(r, c, value, fmt)
        else:
            ws.write_string(r, c, str(value), fmt)

    def _headers(self, sheet: S.SheetDef) -> list[str]:
        """Each column's heading format: right-aligned over figures, and a text column
        right of one indented (else "Förändring …, %" ran into "Kommentar")."""
        figures = [self._figures(sheet, c) for c in sheet.columns]
        return [
            "header_num" if fig else "header_after" if c and figures[c - 1] else "header"
            for c, fig in enumerate(figures)
        ]

    def _figures(self, sheet: S.SheetDef, col: S.ColumnDef) -> bool:
        """Whether `col` shows figures (right-aligned): an amount, or a formula giving one."""
        if col.type == S.FORMULA:
            return self._formula(sheet, sheet.header_row, col)[1] != "formula_text"
        return col.type == S.AMOUNT

    def _ref(self, sheet: S.SheetDef, r: int, key: str, absolute_col: bool = False) -> str:
        return xl_rowcol_to_cell(r, sheet.index(key), col_abs=absolute_col)

    def _formula(self, sheet: S.SheetDef, r: int, col: S.ColumnDef) -> tuple[str, str]:
        s = self.s
        if sheet.key == "drift":
            new = self._ref(sheet, r, f"budget_{s.budget_year}")
            old = self._ref(sheet, r, "budget_prior")
            comment = self._ref(sheet, r, "comment")
            # Each formula only for a number in the budget-year cell: an amount typed
            # as text ("2 320", read with a warning, BB302) showed #VALUE! in the change
            # columns and "Kommentar saknas" beside a comment-free row (N() of text is 0)
            if col.key == "change_tkr":
                return f'=IF(ISNUMBER({new}),{new}-{old},"")', "formula_amount"
            if col.key == "change_pct":
                # rounded to what is shown, whole percent or (`_pct_band`) a tenth:
                # Excel shows "-0 %" for an unrounded −0.003 (it takes the sign from
                # the value)
                return (
                    f'=IF(OR(NOT(ISNUMBER({new})),{old}=0),"",'
                    f"ROUND(({new}-{old})/ABS({old}),IF({self._pct_band(sheet, r)},3,2)))",
                    "formula_pct",
                )
            if col.key == "flag":
                # Same rule as the collect check (`checks.needs_comment`): change above
                # both thresholds (a row with no prior budget counts by tkr only) and no
                # comment; the % compared in integers, as there.
                num, den = s.change_ratio
                return (
                    f"=IF(ISNUMBER({new}),IF(AND(ABS({new}-{old})>{s.change_threshold_tkr},"
                    f"OR({old}=0,ABS({new}-{old})*{100 * den}>{num}*ABS({old})),"
                    f'LEN(TRIM({comment}))=0),"Kommentar saknas",""),"")',
                    "formula_text",
                )
        if sheet.key == "investeringar" and col.key == "sum":
            years = self.s.investment_years
            a = self._ref(sheet, r, f"inv_{years[0]}")
            b = self._ref(sheet, r, f"inv_{years[-1]}")
            return f'=IF(COUNT({a}:{b})=0,"",SUM({a}:{b}))', "formula_amount"
        if sheet.key == "texter" and col.key == "chars":
            return f"=LEN({self._ref(sheet, r, 'text')})", "formula_int"
        raise TemplateError(f"ingen formel för {sheet.key}.{col.key}")

    def _pct_band(self, sheet: S.SheetDef, r: int) -> str:
        """A Drift row's condition for showing its change to a tenth of a percent: the
        change in whole percent is on the other side of the large-change rule's
        threshold than the change itself (5,4 % shown "5 %" is more than 5 %; so is
        5,04 %, shown "5,0 %"). Compared in integers, as the Kontroll column does."""
        new = self._ref(sheet, r, f"budget_{self.s.budget_year}")
        old = self._ref(sheet, r, "budget_prior")
        num, den = self.s.change_ratio
        over = f"ABS({new}-{old})*{100 * den}>{num}*ABS({old})"
        shown_over = f"ROUND(ABS({new}-{old})*100/ABS({old}),0)*{den}>{num}"
        return f"({over})<>({shown_over})"

    def _pct_tenths(self, ws: Worksheet, sheet: S.SheetDef, first: int, last: int) -> None:
        """The Drift % change shown to a tenth where `_pct_band` says so (a conditional
        number format over whole percent)."""
        new = self._ref(sheet, first, f"budget_{self.s.budget_year}")
        old = self._ref(sheet, first, "budget_prior")
        c = sheet.index("change_pct")
        ws.conditional_format(
            first,
            c,
            last,
            c,
            {
                "type": "formula",
                "criteria": f"=AND(ISNUMBER({new}),{old}<>0,{self._pct_band(sheet, first)})",
                "format": self.f["pct_tenth"],
            },
        )

    def _sum_cols(self, sheet: S.SheetDef) -> list[int]:
        return [
            i
            for i, c in enumerate(sheet.columns)
            if c.type == S.AMOUNT or (sheet.key == "investeringar" and c.key == "sum")
        ]

    def _sum_row(self, ws: Worksheet, sheet: S.SheetDef, first: int, last: int) -> None:
        """A 'Summa' row just above the table header, for sheets with amount columns."""
        cols = self._sum_cols(sheet)
        if not cols:
            return
        r = sheet.header_row - 2
        ws.write(r, 0, "Summa, tkr", self.f["sum_label"])
        for c in range(1, len(sheet.columns)):
            if c in cols:
                rng = f"{xl_col_to_name(c)}{first + 1}:{xl_col_to_name(c)}{last + 1}"
                ws.write_formula(r, c, f"=SUM({rng})", self.f["sum_amount"], 0)
            else:
                ws.write_blank(r, c, None, self.f["sum_blank"])

    # -- Listor --------------------------------------------------------------------

    def _lists(self) -> None:
        ws = self.wb.add_worksheet(S.LISTS_SHEET)
        for c, name in enumerate(self.schema.lists):
            values = list_values(self.schema, self.s, self.avd, name)
            ws.write(0, c, name, self.f["bold"])
            ws.set_column(c, c, 30)
            for r, value in enumerate(values, start=1):
                ws.write_string(r, c, value)
            if values:
                letter = xl_col_to_name(c)
                self.wb.define_name(
                    list_range_name(name),
                    f"='{S.LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
                )
        ws.hide()
        self._protect(ws)


def _name_lines(text: str, width: float) -> int:
    """The lines a name wraps to in a column `width` wide: Calibri 11 fits ~1.2
    characters of Swedish text per unit of width ("Kvalitet och utveckling, förskola 1",
    35 characters, fits on one line at 30); `wrapped_lines` counts 0.9."""
    return wrapped_lines(text, width * 1.2 / 0.9)


def list_values(
    schema: S.Schema, settings: Settings, avdelning: Avdelning, name: str
) -> tuple[str, ...]:
    """The values of a list as one avdelning's workbook carries them.

    `verksamheter` holds only the avdelning's own: the round-wide list grows with the
    round (12 000 entries at 1 000 avdelningar) and made every workbook, and reading
    it, grow with N (issue 8). Which verksamheter a return may contain is checked by the
    reader against the settings, never against this sheet.
    """
    if name == "verksamheter":
        return tuple(f"{v.code} {v.name}" for v in settings.verksamheter_of(avdelning.code))
    return schema.lists[name]
