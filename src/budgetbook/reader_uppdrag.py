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
from .model import EarlierWording, Problem, Submission, Uppdrag
from .reader_parts import cell_text
from .reader_prior import protected
from .settings import Settings, UppdragDef
from .uppdrag_wording import reworded

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
        given = self.s.uppdrag_of(self.sub.avdelning)
        record = S.read_uppdrag_record(self.parts.identity.get(S.ID_UPPDRAG))
        withdrawn = _withdrawn(record, {uppdrag_key(u.text) for u in given})
        # (row, text, place in sub.uppdrag) of the rows whose wording was withdrawn
        earlier: list[tuple[int, str, int]] = []
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            text, _ = self.text(t, r, "text")
            if withdrawn and record and record.digest(uppdrag_key(text)) in withdrawn:
                earlier.append((r, text, len(self.sub.uppdrag)))
                continue
            self.sub.uppdrag.append(self._row(t, r, text))
        if earlier and record:
            self._earlier(t, given, record, earlier)
        self._given_uppdrag(t, given, record)

    def _earlier(
        self,
        t: Table,
        given: list[UppdragDef],
        record: S.UppdragRecord,
        earlier: list[tuple[int, str, int]],
    ) -> None:
        """The rows answering a wording the settings no longer give (`earlier`): one
        `uppdrag_wording.reworded` pairs with the settings' new wording is read as that
        uppdrag; the others are not read (the draft follows the settings), and those
        with an answer are kept for the office's BB508 (`Submission.uppdrag_earlier`)."""
        pairs = reworded(
            record,
            [uppdrag_key(u.text) for u in given],
            [uppdrag_key(text) for _, text, _ in earlier],
            {uppdrag_key(u.text) for u in self.sub.uppdrag},
        )
        column = t.cols.get("text", 0)
        carried: list[tuple[int, Uppdrag]] = []
        for e, (r, text, place) in enumerate(earlier):
            now = given[pairs[e]].text if e in pairs else ""
            if now or self._answered(t, r):
                cell = _xl_rowcol_to_cell(r, column)
                self.sub.uppdrag_earlier.append(EarlierWording(text, cell, now))
            if now:
                carried.append((place, self._row(t, r, now)))
        for place, u in reversed(carried):  # in the sheet's order among the others
            self.sub.uppdrag.insert(place, u)

    def _row(self, t: Table, r: int, text: str) -> Uppdrag:
        """Row `r`, read as the uppdrag `text` (its own, or the settings' new wording
        of the one it answers)."""
        status, status_a1 = self.choice(t, r, "status")
        start = self.year(t, r, "start")
        self.required(t, r, "text", text)
        if not status and not self._reported(t.sheet.name, status_a1):
            self.required(t, r, "status", status)
        return Uppdrag(
            text=text,
            start=start,
            status=status,
            comment=self.text(t, r, "comment")[0],
            avdelning=self.sub.avdelning,
            row=r + 1,
        )

    def _answered(self, t: Table, r: int) -> bool:
        """Whether row `r` has a status or a comment (not validated: it is not read)."""
        return any(cell_text(t.value(r, key)).strip() for key in ("status", "comment"))

    def _given_uppdrag(
        self, t: Table, given: list[UppdragDef], record: S.UppdragRecord | None
    ) -> None:
        """BB413: an uppdrag the template prefilled (locked) that is not on the sheet
        with its text: its row deleted or retyped (the protection lifted, or the file
        saved by a program that ignores it). The draft would show it without a status
        (a retyped one twice), matched by text as `consolidate_plan.merge_uppdrag`
        matches. The template's record (`S.ID_UPPDRAG`) tells which uppdrag it
        prefilled: one the settings give now but the record lacks was added after the
        workbook went out, not the head's to fix; it is kept for the office's
        round-level BB508 (`Submission.uppdrag_added`). A template without the record:
        a sheet still protected can have lost no locked row in Excel or LibreOffice, so
        a missing uppdrag was added later and nothing is said (as before the record)."""
        if not given:
            return
        if record is None and protected(self.parts.sheet_xml.get(t.sheet.name, b"")):
            return
        reported = {uppdrag_key(u.text) for u in self.sub.uppdrag}
        column = t.cols.get("text", 0)
        for i, u in enumerate(given):
            key = uppdrag_key(u.text)
            if key in reported:
                continue
            at = i if record is None else record.position(key)
            if at is None:
                self.sub.uppdrag_added.append(u.text)
                continue
            cell = _xl_rowcol_to_cell(t.first + at, column)
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


def _withdrawn(record: S.UppdragRecord | None, given: set[str]) -> set[str]:
    """The digests in the template's record of uppdrag the settings no longer give the
    avdelning (removed, reworded or moved to another avdelning since it was written)."""
    if record is None or not record.digests:
        return set()
    return set(record.digests) - {record.digest(key) for key in given}
