"""What a returned workbook holds outside the template's tables (split from `reader`
for size): values beside or below a table and in unknown table columns (BB205, with
advice that fits the sheet), and sheets the department head added (BB207).

`Bounds` is mixed into the reader's per-file class, which provides `s`, `schema`,
`add` and `has_content`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from python_calamine import CalamineWorkbook, SheetTypeEnum
from xlsxwriter.utility import xl_rowcol_to_cell

from . import rules as R
from . import schema as S

if TYPE_CHECKING:
    from .reader_sheets import Table
    from .settings import Settings

_YEAR_IN_HEADING = re.compile(r"\b(19|20)\d{2}\b")

# What BB205 tells to do with values outside a table. Every sheet is protected, so no
# row can be inserted; the prefilled rows of Drift and Texter must not be added to.
_ON_FIXED_ROWS = {
    "drift": "Skriv förklaringen i kolumnen Kommentar på rätt rad, eller ta bort uppgifterna.",
    "texter": "Skriv texten i kolumnen Text på rätt avsnitts rad, eller ta bort uppgifterna.",
}
_BESIDE = "Skriv uppgifterna i tabellens kolumner, eller ta bort dem."
_BELOW = "Skriv dem på en tom rad i tabellen, eller ta bort dem."
_BELOW_FULL = (
    "Tabellen har inga tomma rader kvar: kontakta ekonomistaben om fler rader behövs, "
    "eller ta bort uppgifterna."
)


def outside_advice(sheet: S.SheetDef, below: bool, full: bool = False) -> str:
    """BB205's advice for values beside (`below` False) or below a table; `full`: the
    table has no empty row left."""
    fixed = _ON_FIXED_ROWS.get(sheet.key)
    if fixed or sheet.fixed_rows:
        return fixed or _BESIDE
    if not below:
        return _BESIDE
    return _BELOW_FULL if full else _BELOW


def _is_empty(wb: CalamineWorkbook, name: str) -> bool:
    """Whether sheet `name` holds no value (calamine's range of it has no end). A
    sheet that cannot be read counts as not empty, to be reported."""
    try:
        return wb.get_sheet_by_name(name).end is None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a panic in the Rust reader included: never a crash
        return False


class Bounds:
    """`outside` and `extra_sheets`; see the module docstring."""

    s: Settings
    schema: S.Schema

    def outside(self, t: Table) -> None:
        """BB205 for values below or right of the table, and in unknown table columns."""
        full: bool | None = None  # whether the table has no empty row, asked once
        for r in range(t.header, len(t.grid)):
            row = t.grid[r]
            below = r > t.last
            start = 0 if below else t.last_col + 1
            for c in range(start, len(row)):
                if row[c] not in ("", None):
                    if below and full is None:
                        rows = range(t.first, t.last + 1)
                        full = all(self.has_content(t, x) for x in rows)
                    self.outside_at(t, xl_rowcol_to_cell(r, c), below, bool(full))
                    break
        years = set(self.s.investment_years)
        for c, heading in t.extra:
            m = _YEAR_IN_HEADING.search(heading)
            year = int(m.group(0)) if m else None
            for r in range(t.first, t.last + 1):
                v = t.grid[r][c] if c < len(t.grid[r]) else ""
                if v in ("", None) or (isinstance(v, float) and v == 0):
                    continue
                a1 = xl_rowcol_to_cell(r, c)
                if t.sheet.key == "investeringar" and year is not None and year not in years:
                    first, last = min(years), max(years)
                    self.add(
                        R.INV_YEAR_OUTSIDE, t.sheet.name, a1, ar=year, forsta=first, sista=last
                    )
                else:
                    self.outside_at(t, a1, below=False)
                    break

    def outside_at(self, t: Table, a1: str, below: bool, full: bool = False) -> None:
        """BB205 at cell `a1`, beside (`below` False) or below table `t` (`full`: the
        table has no empty row left), with the advice that fits."""
        advice = outside_advice(t.sheet, below, full)
        self.add(R.ROW_OUTSIDE_TABLE, t.sheet.name, a1, atgard=advice)

    def extra_sheets(self, wb: CalamineWorkbook, names: set[str]) -> None:
        """BB207 for a sheet the department head added (the workbook's structure is not
        locked) that holds values: nothing on it is read. Only such a sheet is loaded, to
        learn whether it is empty (an added, empty "Blad1" is left alone); a sheet of
        another kind (a chart sheet) is reported unread. While a template sheet is
        missing (BB201, which asks for it to be named back) an added sheet may be that
        one renamed, and is not reported."""
        template = {s.name for s in self.schema.sheets}
        own = template | {S.INSTRUCTIONS_SHEET, S.LISTS_SHEET, S.FEEDBACK_SHEET}
        if names <= own or not template <= names:
            return
        for meta in wb.sheets_metadata:
            if meta.name in own:
                continue
            if meta.typ == SheetTypeEnum.WorkSheet and _is_empty(wb, meta.name):
                continue
            self.add(R.EXTRA_SHEET, meta.name, blad=meta.name)
