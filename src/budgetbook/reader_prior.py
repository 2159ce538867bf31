"""A Drift row's prior-year figures that differ from the prior-year CSV's: whose doing?

The finance office may correct the CSV (e.g. the prognos after a delårsrapport) after
the workbooks went out; the returns then show the figures their templates were written
with. A department head may also lift the sheet's protection and type over a locked
prior-year cell. Every output takes the CSV's figures either way; what differs is who
is told: the office once for the round (BB506), or the department head per row (BB206).

The template's record (`schema.ID_PRIOR`, a digest of the figures it was written with)
tells the two apart. A template written before the record existed has none: there a
Drift sheet still protected could not have been typed over (Excel, LibreOffice and
Excel for the web refuse to edit a locked cell), so the difference is the office's.
Only rows with a difference come here (rare), so none of this is on the usual path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import schema as S
from .model import PriorShown
from .reader_parts import MAX_AMOUNT, parse_amount

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from .settings import PriorFigures

Key = tuple[str, str]  # (verksamhet, driftpost code)


@dataclass(frozen=True, slots=True)
class Pending:
    """A Drift row whose only difference from the CSV is its prior-year figures."""

    at: int  # how many problems the reader had when it met the row (BB206 goes there)
    key: Key
    shown: dict[str, int]  # attribute ("budget", "prognos") -> figure in the return
    cell: str  # the first differing prior-year cell (where BB206 points)
    driftpost: str  # as the row names it


def want(prior: PriorFigures | None, attr: str) -> int:
    """A prior-year figure from the CSV as a template shows it (no line: 0)."""
    return getattr(prior, attr) if prior is not None else 0


def prior_matches(
    row: Sequence[object], prior: object, columns: tuple[tuple[int, str], ...]
) -> bool:
    """Whether a drift row's prior-year cells show the prior figures. `columns`:
    (column, attribute of the prior figures) of the table's prior-year columns,
    looked up once per table."""
    width = len(row)
    for c, attr in columns:
        raw = row[c] if c < width else ""
        figure = getattr(prior, attr) if prior is not None else 0
        # A whole number or an empty cell, as parse_amount reads them (issue 8:
        # two cells a drift row); anything else takes the full path below.
        if type(raw) is float and -MAX_AMOUNT <= raw <= MAX_AMOUNT and int(raw) == raw:
            if int(raw) != figure:
                return False
            continue
        if raw == "" and type(raw) is str:
            if figure is not None and figure != 0:
                return False
            continue
        parsed = parse_amount(raw)
        got = parsed.value if parsed.kind in ("number", "text_number") else None
        if got != figure and not (got is None and figure == 0 and parsed.kind == "empty"):
            return False
    return True


def shown_figures(
    row: Sequence[object], columns: tuple[tuple[int, str], ...]
) -> dict[str, int] | None:
    """A row's prior-year figures as whole numbers (an empty cell is 0), or None when a
    cell holds anything else (text, decimals): nothing a template writes there.
    `columns`: (column, attribute) of the table's prior-year columns."""
    width = len(row)
    shown = {}
    for c, attr in columns:
        parsed = parse_amount(row[c] if c < width else "")
        if parsed.kind == "empty":
            shown[attr] = 0
        elif parsed.kind == "number" and parsed.value is not None and parsed.exact == parsed.value:
            shown[attr] = parsed.value
        else:
            return None
    return shown


def differing_column(
    shown: dict[str, int], prior: PriorFigures | None, columns: tuple[tuple[int, str], ...]
) -> int:
    """The first prior-year column whose figure differs from the CSV's."""
    return next((c for c, attr in columns if shown[attr] != want(prior, attr)), 0)


# The worksheet's protection with its sheet flag on, as Excel, LibreOffice, xlsxwriter
# and openpyxl write it (it follows the sheet's data, so the whole part is searched).
_PROTECTED = re.compile(rb"<(?:\w+:)?sheetProtection\b[^<>]*\bsheet=\"(?:1|true)\"")


def protected(sheet_xml: bytes) -> bool:
    """Whether the sheet is still protected: no locked cell in it can have been typed
    over or its row deleted in Excel, LibreOffice or Excel for the web."""
    return _PROTECTED.search(sheet_xml) is not None


def as_written(
    record: str | None,
    expected: Iterable[Key] | None,
    pending: Sequence[Pending],
    prior: Mapping[Key, PriorFigures],
    sheet_xml: bytes,
) -> bool:
    """Whether the `pending` rows show what the template was written with: the return's
    prior-year figures (the CSV's on every other row of `expected`, the keys of the
    rows the template is taken to have) give the template's `record`; without a
    record, the Drift sheet (`sheet_xml`) is still protected."""
    if record is None:
        return protected(sheet_xml)
    if expected is None:  # an unknown avdelning: no rows to compare (BB104)
        return False
    shown = {p.key: p.shown for p in pending}
    figures = [(*key, *_figures(shown.get(key, {}), prior.get(key))) for key in expected]
    return S.prior_record(figures) == record


def shown_rows(pending: Sequence[Pending], prior: Mapping[Key, PriorFigures]) -> list[PriorShown]:
    """The pending rows as the submission keeps them for the finance office."""
    return [PriorShown(*p.key, *_figures(p.shown, prior.get(p.key)), p.cell) for p in pending]


def _figures(shown: Mapping[str, int], line: PriorFigures | None) -> tuple[int, int]:
    """A row's (budget, prognos) as the return shows them: `shown` where it differs
    from the CSV's `line`, the CSV's elsewhere."""
    return shown.get("budget", want(line, "budget")), shown.get("prognos", want(line, "prognos"))
