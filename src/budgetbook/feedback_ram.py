"""The feedback copy of a return whose workbook was sent with another ram than the
settings give now shows the new ram.

The templates go out before KF decides the ramar; a return is checked against the ram
in the settings (BB401 says the ram has changed since the workbook was sent). The copy
the head gets back is where they correct the budget: with the earlier ram on its Ram
row, the sheet's own Differens mot ramen and its sentence ("Budget och plan stämmer med
ramen.") contradicted BB401. So the copy's Ram row and Instruktioner's ram show the ram
of the settings, and its record (`schema.ID_RAM`) says so: sent back, it is read as a
workbook sent with that ram. Excel's Protected View shows the values saved with the
formulas: the carried values of Differens mot ramen move by the change of the ram, and
its sentence is the one the formula gives for them (`templates_drift.ram_message`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_col_to_name

from . import schema as S
from .checks import RAM_DIFF_ROWS_ABOVE_HEADER
from .feedback_values import Cached, SheetValues
from .office_ram import this_round

if TYPE_CHECKING:
    from openpyxl import Workbook

    from .model import Submission
    from .settings import Settings


@dataclass(frozen=True, slots=True)
class RamNow:
    """The Drift sheet's Ram row as the settings give it now, for a feedback copy."""

    sheet: str
    budget_year: int
    years: tuple[tuple[int, str, str, int], ...]  # (year, Ram cell, Differens cell, ram)
    message: str  # the cell of the sentence beside Differens mot ramen
    record: str  # `schema.ram_record` of the ram

    @classmethod
    def of(
        cls,
        settings: Settings,
        schema: S.Schema,
        avdelning: str,
        ram: Mapping[int, int] | None = None,
    ) -> RamNow:
        """The avdelning's Ram row with `ram` (the settings' now when None)."""
        ram = S.drift_ram(settings, avdelning) if ram is None else ram
        drift = schema.sheet("drift")
        diff_row = drift.header_row - RAM_DIFF_ROWS_ABOVE_HEADER  # 1-based
        years = []
        for year in sorted(ram):
            col = xl_col_to_name(drift.index(S.year_key(settings, year)))
            years.append((year, f"{col}{diff_row - 1}", f"{col}{diff_row}", ram[year]))
        message = f"{xl_col_to_name(drift.index('comment'))}{diff_row}"
        return cls(drift.name, settings.budget_year, tuple(years), message, S.ram_record(ram))

    @classmethod
    def for_return(
        cls, sub: Submission | None, settings: Settings, schema: S.Schema
    ) -> RamNow | None:
        """For the feedback copy of `sub`: the ram now, when its workbook was sent with
        another (`Submission.ram_sent`); None otherwise."""
        if sub is None or not sub.ram_sent or not this_round(sub, settings):
            return None
        ram = S.drift_ram(settings, sub.avdelning)
        if all(ram.get(year, sent) == sent for year, sent in sub.ram_sent.items()):
            return None
        return cls.of(settings, schema, sub.avdelning, ram)

    def show_in(self, wb: Workbook) -> dict[str, float]:
        """Put the ram in the copy `wb` (openpyxl): its Ram row, Instruktioner's ram and
        the record. Returns by how much each Differens mot ramen cell changes."""
        from openpyxl.packaging.custom import StringProperty
        from openpyxl.workbook.defined_name import DefinedName

        if self.sheet not in wb.sheetnames:
            return {}
        ws = wb[self.sheet]
        shift: dict[str, float] = {}
        for _, ram_cell, diff_cell, ram in self.years:
            cell = ws[ram_cell]
            old = cell.value
            if type(old) in (int, float) and math.isfinite(old) and old != ram:
                cell.value = ram
                shift[diff_cell] = old - ram
        self._instructions(wb)
        props = wb.custom_doc_props
        kept = [p for p in props.props if p.name != S.ID_RAM]
        props.props = [*kept, StringProperty(name=S.ID_RAM, value=self.record)]
        if S.ID_RAM in wb.defined_names:
            del wb.defined_names[S.ID_RAM]
        wb.defined_names[S.ID_RAM] = DefinedName(S.ID_RAM, attr_text=f'"{self.record}"')
        return shift

    def _instructions(self, wb: Workbook) -> None:
        """Instruktioner's "Ram för …, tkr" list: the year in column A, the ram in B."""
        if S.INSTRUCTIONS_SHEET not in wb.sheetnames:
            return
        ws = wb[S.INSTRUCTIONS_SHEET]
        ram = {str(year): amount for year, _, _, amount in self.years}
        listed = False
        for row in ws.iter_rows(max_col=2):
            label, amount = row[0].value, row[1]
            if isinstance(label, str) and label.startswith("Ram för ") and label.endswith("tkr"):
                listed = True
            elif listed and isinstance(label, str) and label in ram:
                if type(amount.value) in (int, float):
                    amount.value = ram[label]
            elif listed:
                listed = label is None  # the list ends at the next heading or text

    def amend(self, shift: Mapping[str, float]) -> Callable[[str, SheetValues], None]:
        """What `feedback_values.carry_over` does to the Drift sheet's carried values:
        each Differens mot ramen moved by `shift`, and the sentence beside them the one
        its formula gives for them (none carried when a difference has no number)."""

        def amend(name: str, values: SheetValues) -> None:
            if name != self.sheet:
                return
            formulas = values.formulas
            diffs: list[tuple[int, str, int]] = []  # (year, cell, value: 0 or not)
            for year, _, diff_cell, _ in self.years:
                found = formulas.get(diff_cell)
                number = _number(found[2]) if found is not None else None
                if found is None or number is None:
                    formulas.pop(self.message, None)  # its old sentence would be wrong
                    continue
                value = number + shift.get(diff_cell, 0)
                formulas[diff_cell] = (found[0], found[1], Cached("", _text(value)))
                diffs.append((year, diff_cell, 0 if value == 0 else 1))
            message = formulas.get(self.message)
            if message is not None and len(diffs) == len(self.years):
                from .templates_drift import ram_message

                _, shown = ram_message(diffs, self.budget_year)
                formulas[self.message] = (message[0], message[1], Cached("str", shown))

        return amend


def _number(cached: Cached) -> float | None:
    if cached.kind:
        return None
    try:
        value = float(cached.text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)
