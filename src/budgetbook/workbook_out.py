"""The consolidated workbook `output/konsolidering_<year>.xlsx`.

One formatted sheet per view (Swedish caption and headings, `#,##0` for tkr and `0 %`
for percentages, frozen header, autofilter, bold totals), then sheets for goals,
uppdrag and internal control, a Källor sheet that traces every figure to the file,
sheet and cell (or settings line) it came from, and a Problem sheet when consolidation
found problems.

Everything is written as values, never formulas: a total is the computed number. Text
from returns goes through `write_string` with xlsxwriter's string conversions off, so a
text such as "=HYPERLINK(…)" or "+46 8 …" stays text. The kommun's sign convention is
applied here, at rendering: columns in `Table.signed_columns` are multiplied by −1 under
"costs_negative". The file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from .errors import OutputError
from .fmt import Convention
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
    Column,
    Consolidation,
    Row,
    RowKind,
    Source,
    Table,
)
from .settings import Settings
from .workspace import atomic_write

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
}
SOURCES_SHEET = "Källor"
PROBLEMS_SHEET = "Problem"
MAX_SOURCE_ROWS = 1_000_000  # Excel's limit is 1 048 576 rows per sheet
HEADER_ROW = 3  # 0-based: caption, unit line, blank, header
TKR_FORMAT = "#,##0"
PCT_FORMAT = "0 %"
OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "constant_memory": False,
}


def sheet_name(key: str, caption: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, no []:*?/\\)."""
    name = SHEET_NAMES.get(key) or re.sub(r"[\[\]:*?/\\]", "", caption)[:31] or "Tabell"
    base, n = name, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.casefold())
    return name


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        font = {"font_name": "Calibri", "font_size": 10}
        self.caption = wb.add_format({**font, "bold": True, "font_size": 13})
        self.info = wb.add_format({**font, "italic": True, "font_color": "#555555"})
        self.note = wb.add_format({**font, "italic": True, "text_wrap": True, "valign": "top"})
        head = {**font, "bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True}
        self.head_text = wb.add_format({**head, "valign": "bottom"})
        self.head_num = wb.add_format({**head, "align": "right", "valign": "bottom"})
        self.text = wb.add_format({**font, "text_wrap": True, "valign": "top"})
        self.cells: dict[tuple[str, RowKind], object] = {}
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

    def cell(self, col_kind: str, row_kind: RowKind):
        return self.cells.get((col_kind, row_kind)) or self.cells[("text", row_kind)]


def _display(value, signed: bool, convention: Convention):
    if value is None or isinstance(value, str):
        return value
    return -value if signed and convention.costs_negative else value


def _write_value(ws, r: int, c: int, value, fmt) -> None:
    if value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, value, fmt)
    elif isinstance(value, bool):
        ws.write_string(r, c, "ja" if value else "nej", fmt)
    else:
        ws.write_number(r, c, value, fmt)


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


def _lines(text: str, width: float) -> int:
    """How many lines a wrapped text needs in a column `width` characters wide."""
    chars = max(int(width * 1.1), 8)
    return sum(max(1, -(-len(part) // chars)) for part in str(text).split("\n"))


SUM_TRACE = Source("", "", "summa av raderna ovan")
CHANGE_TRACE = Source("", "", "beräknad ur beloppen på raden")


def _trace(row: Row, col: Column, value) -> list[Source]:
    """What the Källor sheet lists for one figure: the cells of a data figure; for a
    total or a change, that it is computed (its cells are listed on the rows it uses),
    which keeps Källor linear in the number of cells read."""
    if value is None or isinstance(value, str):
        return []
    if row.kind in (RowKind.TOTAL, RowKind.SUBTOTAL):
        return [SUM_TRACE]
    if col.key.startswith("chg_"):
        return [CHANGE_TRACE]
    return row.sources.get(col.key, [])


_A1 = re.compile(r"^([A-Z]{1,3})(\d+)$")
_LINE = re.compile(r"^rad (\d+)$")
MAX_CELLS_TEXT = 2000  # characters of cell references on one Källor line


def _grouped(sources: list[Source]) -> list[Source]:
    """One Källor line per file and sheet a figure comes from, its cells as ranges.

    A figure summed from many cells (e.g. a kontogrupp over all avdelningar) would
    otherwise need one line per cell in every view that shows it, which made Källor
    quadratic-ish in size (issue 8). "F14:F20, F35" still names every cell.
    """
    if len(sources) <= 1:
        return sources
    groups: dict[tuple[str, str, str], list[str]] = {}
    for src in sources:
        groups.setdefault((src.avdelning, src.file, src.sheet), []).append(src.cell)
    out = []
    for (avd, file, sheet), cells in groups.items():
        for text in _cell_texts(cells):
            out.append(Source(file, sheet, text, avd))
    return out


def _cell_texts(cells: list[str]) -> list[str]:
    """Cells as compact ranges ("F7:F13", "rad 2–8"), split to keep each text short."""
    runs: list[str] = []
    prev: tuple[str, int] | None = None  # (column or "rad", number) of the run's last cell
    start = 0
    for cell in [*cells, ""]:
        m = _A1.match(cell) or _LINE.match(cell)
        key = (m.group(1) if m.re is _A1 else "rad", int(m.group(m.re.groups))) if m else None
        if prev is not None and key is not None and key[0] == prev[0] and key[1] == prev[1] + 1:
            prev = key
            continue
        if prev is not None:
            if prev[1] == start:
                runs.append(f"{prev[0]}{start}" if prev[0] != "rad" else f"rad {start}")
            elif prev[0] == "rad":
                runs.append(f"rad {start}\u2013{prev[1]}")
            else:
                runs.append(f"{prev[0]}{start}:{prev[0]}{prev[1]}")
        if key is None:
            if cell:
                runs.append(cell)
            prev = None
        else:
            prev, start = key, key[1]
    texts, current = [], ""
    for run in runs:
        if current and len(current) + len(run) + 2 > MAX_CELLS_TEXT:
            texts.append(current)
            current = ""
        current = f"{current}, {run}" if current else run
    if current or not texts:
        texts.append(current)
    return texts


def write_table(ws, table: Table, settings: Settings, f: _Formats) -> list[tuple]:
    """Write one view; return its Källor lines (row, column, kind, value, source)."""
    convention = Convention(settings.sign_convention)
    ws.write_string(0, 0, f"Tabell: {table.caption}", f.caption)
    ws.write_string(1, 0, _unit_line(table, convention), f.info)
    widths = [len(c.heading) for c in table.columns]
    for c, col in enumerate(table.columns):
        ws.write_string(
            HEADER_ROW, c, col.heading, f.head_text if col.kind == "text" else f.head_num
        )
    lines = []
    for i, row in enumerate(table.rows):
        r = HEADER_ROW + 1 + i
        for c, col in enumerate(table.columns):
            fmt = f.cell(col.kind, row.kind)
            if col.key == "label":
                text = row.label
                ws.write_string(r, c, text, fmt)
                widths[c] = max(widths[c], len(text) + (0 if row.kind is RowKind.DATA else 1))
                continue
            value = _display(row.values.get(col.key), col.key in table.signed_columns, convention)
            _write_value(ws, r, c, value, fmt)
            if isinstance(value, str):
                widths[c] = max(widths[c], len(value))
            for src in _grouped(_trace(row, col, value)):
                lines.append((row.label, col.heading, col.kind, value, src))
    last = HEADER_ROW + len(table.rows)
    ws.freeze_panes(HEADER_ROW + 1, 1)
    ws.autofilter(HEADER_ROW, 0, max(last, HEADER_ROW), len(table.columns) - 1)
    col_widths = []
    for c, col in enumerate(table.columns):
        if c == 0:
            width = min(max(widths[c], 14), 55) + 2
        elif col.kind == "text":
            width = min(max(widths[c], 12), 40) + 2
        else:
            # headings wrap onto two lines; figures need ~11 characters
            width = max(11, min(widths[c], 26) * 0.55 + 2)
        ws.set_column(c, c, width)
        col_widths.append(width)
    ws.set_row(HEADER_ROW, 30)
    if table.note:
        note_row = last + 2
        ws.merge_range(note_row, 0, note_row, max(len(table.columns) - 1, 0), "", f.note)
        ws.write_string(note_row, 0, table.note, f.note)
        ws.set_row(note_row, 14 * _lines(table.note, sum(col_widths)))
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    return lines


def _write_list(ws, title: str, headings: list[str], widths: list[int], rows, f) -> None:
    """A plain list sheet (goals, uppdrag, controls): every cell a string or number."""
    ws.write_string(0, 0, title, f.caption)
    for c, (heading, width) in enumerate(zip(headings, widths, strict=True)):
        ws.write_string(HEADER_ROW, c, heading, f.head_text)
        ws.set_column(c, c, width)
    for i, values in enumerate(rows):
        for c, value in enumerate(values):
            _write_value(ws, HEADER_ROW + 1 + i, c, value, f.text)
        height = max(
            (_lines(v, w) for v, w in zip(values, widths, strict=True) if v is not None),
            default=1,
        )
        ws.set_row(HEADER_ROW + 1 + i, 13.5 * height)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), len(headings) - 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _goal_rows(cons: Consolidation, by: int) -> list[list]:
    rows = []
    for kf in cons.goals:
        for ind in kf.indicators:
            rows.append([f"{kf.code} {kf.title}", "", ind.name, *_ind(ind, by), ""])
        for ng in kf.namnd_goals:
            if not ng.indicators:
                rows.append([f"{kf.code} {kf.title}", f"{ng.code} {ng.title}", "", "", "", "", ""])
            for ind in ng.indicators:
                rows.append(
                    [
                        f"{kf.code} {kf.title}",
                        f"{ng.code} {ng.title}",
                        ind.name,
                        *_ind(ind, by),
                        ", ".join(ind.avdelningar),
                    ]
                )
    return rows


def _ind(ind, by: int) -> list[str]:
    return [ind.values.get(by - 2, ""), ind.values.get(by - 1, ""), ind.target]


def write_consolidation(cons: Consolidation, settings: Settings, path: Path) -> Path:
    """Write the consolidated workbook to `path` atomically and return `path`."""
    path = Path(path)
    try:
        with atomic_write(path) as tmp:
            wb = xlsxwriter.Workbook(str(tmp), OPTIONS)
            wb.set_properties(
                {
                    "title": f"Konsolidering {settings.namnd_genitive.lower()} budget {cons.year}",
                    "company": settings.kommun,
                    "comments": "Skapad av budgetbook. Alla belopp är värden, inga formler.",
                }
            )
            f = _Formats(wb)
            used: set[str] = {SOURCES_SHEET.casefold(), PROBLEMS_SHEET.casefold()}
            sources: list[tuple] = []
            for key, table in cons.views.items():
                name = sheet_name(key, table.caption, used)
                ws = wb.add_worksheet(name)
                for line in write_table(ws, table, settings, f):
                    sources.append((name, *line))
            _write_extras(wb, cons, settings, f, used)
            _write_sources(wb, sources, f)
            if cons.problems:
                _write_problems(wb.add_worksheet(PROBLEMS_SHEET), cons, f)
            wb.close()
    except (XlsxWriterException, OSError) as exc:
        raise OutputError(f"Kunde inte skriva {path.name}: {exc}") from exc
    return path


def _write_extras(wb, cons: Consolidation, settings: Settings, f, used: set[str]) -> None:
    by = settings.budget_year
    if cons.goals:
        used.add("mål och indikatorer")
        _write_list(
            wb.add_worksheet("Mål och indikatorer"),
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
            [30, 40, 45, 11, 11, 12, 24],
            _goal_rows(cons, by),
            f,
        )
    if cons.uppdrag:
        used.add("uppdrag")
        _write_list(
            wb.add_worksheet("Uppdrag"),
            "Uppdrag",
            ["Uppdrag", "Start (år)", "Status", "Kommentar", "Avdelning"],
            [60, 10, 14, 45, 16],
            [[u.text, u.start, u.status, u.comment, u.avdelning] for u in cons.uppdrag],
            f,
        )
    if cons.controls:
        used.add("internkontroll")
        _write_list(
            wb.add_worksheet("Internkontroll"),
            "Internkontrollplan",
            [
                "Riskområde",
                "Risk",
                "Riskvärde",
                "Kontrollmetod",
                "Tidpunkt för rapportering",
                "Avdelning",
            ],
            [25, 40, 10, 40, 20, 16],
            [
                [c.riskomrade, c.risk, c.riskvarde, c.kontrollmetod, c.tidpunkt, c.avdelning]
                for c in cons.controls
            ],
            f,
        )
    if cons.texts:
        used.add("texter")
        _write_list(
            wb.add_worksheet("Texter"),
            "Avdelningarnas texter",
            ["Avdelning", "Avsnitt", "Text"],
            [26, 30, 100],
            [[t.avdelning_name, t.title, t.text] for t in cons.texts],
            f,
        )


def _write_sources(wb, sources: list[tuple], f) -> None:
    """The Källor sheet(s): one line per figure and cell; split if Excel's row limit is near."""
    for part, start in enumerate(range(0, max(len(sources), 1), MAX_SOURCE_ROWS)):
        name = SOURCES_SHEET if part == 0 else f"{SOURCES_SHEET} ({part + 1})"
        _write_source_sheet(wb.add_worksheet(name), sources[start : start + MAX_SOURCE_ROWS], f)


def _write_source_sheet(ws, sources: list[tuple], f) -> None:
    headings = ["Vy", "Rad", "Kolumn", "Värde", "Avdelning", "Fil", "Blad", "Cell eller rad"]
    widths = [24, 34, 28, 12, 12, 28, 16, 26]
    ws.write_string(0, 0, "Källor: varifrån varje belopp kommer", f.caption)
    ws.write_string(
        1,
        0,
        "En rad per belopp och cell det bygger på (inlämnad arbetsbok eller inställningsfil). "
        "Summor och förändringar räknas ut ur raderna i samma tabell.",
        f.info,
    )
    for c, (heading, width) in enumerate(zip(headings, widths, strict=True)):
        ws.write_string(HEADER_ROW, c, heading, f.head_text)
        ws.set_column(c, c, width)
    num = f.cell("tkr", RowKind.DATA)
    pct = f.cell("pct", RowKind.DATA)
    text = f.cell("text", RowKind.DATA)
    for i, (view, row, column, kind, value, src) in enumerate(sources):
        r = HEADER_ROW + 1 + i
        for c, v in enumerate((view, row, column)):
            ws.write_string(r, c, v, text)
        fmt = pct if kind == "pct" else num
        _write_value(ws, r, 3, value, fmt)
        for c, v in enumerate((src.avdelning, src.file, src.sheet, src.cell), start=4):
            ws.write_string(r, c, v or "", text)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(sources), 1), len(headings) - 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)


def _write_problems(ws, cons: Consolidation, f) -> None:
    headings = ["Kod", "Allvarlighet", "Meddelande", "Avdelning", "Fil", "Blad", "Cell"]
    widths = [8, 12, 90, 12, 24, 14, 8]
    ws.write_string(0, 0, "Problem som konsolideringen hittade", f.caption)
    for c, (heading, width) in enumerate(zip(headings, widths, strict=True)):
        ws.write_string(HEADER_ROW, c, heading, f.head_text)
        ws.set_column(c, c, width)
    for i, p in enumerate(cons.problems):
        values = (p.code, p.severity.value, p.message, p.avdelning, p.file, p.sheet, p.cell)
        for c, v in enumerate(values):
            ws.write_string(HEADER_ROW + 1 + i, c, v, f.text)
        ws.set_row(HEADER_ROW + 1 + i, 13.5 * _lines(p.message, widths[2]))
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(cons.problems), len(headings) - 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
