"""The Uppdrag sheet of a returned workbook (split from `reader_sheets` for size).

`UppdragReader` is mixed into `SheetReaders`; the reader's per-file class provides the
cell helpers used here (`text`, `choice`, `required`, `has_content`, `add`,
`_reported`, `_error_reported`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_rowcol_to_cell as _xl_rowcol_to_cell

from . import rules as R
from . import schema as S
from .consolidate_plan import norm as uppdrag_key  # as the draft matches uppdrag
from .model import Problem, Submission, Uppdrag
from .reader_parts import cell_text
from .reader_prior import protected
from .settings import Settings

if TYPE_CHECKING:
    from .reader_parts import ZipParts
    from .reader_sheets import Table


class UppdragReader:
    """read_uppdrag; see the module docstring."""

    s: Settings
    sub: Submission
    problems: list[Problem]
    parts: ZipParts

    def read_uppdrag(self, t: Table) -> None:
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            text, _ = self.text(t, r, "text")
            status, status_a1 = self.choice(t, r, "status")
            start = self.year(t, r, "start")
            self.required(t, r, "text", text)
            if not status and not self._reported(t.sheet.name, status_a1):
                self.required(t, r, "status", status)
            self.sub.uppdrag.append(
                Uppdrag(
                    text=text,
                    start=start,
                    status=status,
                    comment=self.text(t, r, "comment")[0],
                    avdelning=self.sub.avdelning,
                    row=r + 1,
                )
            )
        self._given_uppdrag(t)

    def _given_uppdrag(self, t: Table) -> None:
        """BB413: an uppdrag the template prefilled (locked) that is not on the sheet
        with its text, the sheet's protection lifted: its row deleted or retyped. The
        draft would show it without a status (a retyped one twice), matched by text as
        `consolidate_plan.merge_uppdrag` matches. Still protected, the uppdrag was
        added to the settings after the workbook went out: not the head's to fix."""
        given = self.s.uppdrag_of(self.sub.avdelning)
        if not given or protected(self.parts.sheet_xml.get(t.sheet.name, b"")):
            return
        reported = {uppdrag_key(u.text) for u in self.sub.uppdrag}
        column = t.cols.get("text", 0)
        for i, u in enumerate(given):
            if uppdrag_key(u.text) not in reported:
                cell = _xl_rowcol_to_cell(t.first + i, column)
                self.add(R.UPPDRAG_MISSING, t.sheet.name, cell, uppdrag=u.text)

    def year(self, t: Table, r: int, key: str) -> int | None:
        c = t.cols.get(key)
        if c is None:
            return None
        raw = t.value(r, key)
        a1 = _xl_rowcol_to_cell(r, c)
        if self._error_reported(t, r, c, a1):
            return None
        if raw in ("", None):
            return None
        text = cell_text(raw)
        low, high = S.YEAR_RANGE  # the workbook's own check, as BB308 says
        if len(text) == 4 and text.isascii() and text.isdigit() and low <= int(text) <= high:
            return int(text)
        self.add(R.NOT_A_YEAR, t.sheet.name, a1, varde=text, exempel=self.s.budget_year)
        return None
