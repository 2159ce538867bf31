"""A returned sheet's plain rows read whole, for the reader (split from `reader_sheets`).

Rows whose cells are all plain (whole numbers, texts that are not error literals, empty
cells without a formula) are read per row, not per cell (issue 8: ~150 rows a return);
each function returns None for a row that needs the reader's cell-by-cell read, which
reports what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from xlsxwriter.utility import xl_col_to_name

from .formula_cells import UncomputedFormulas
from .reader_parts import MAX_AMOUNT, cell_text

K = TypeVar("K")


def plain_texts(row: Sequence[object], cols: tuple[int | None, ...]) -> tuple[str, ...] | None:
    """The text cells `cols` of a row of a sheet without error cells, as `text` reads
    them, when each is text or a number and no text looks like an error (so `text`
    reports nothing); else None. A column not in the table reads as ""."""
    width = len(row)
    found: list[str] = []
    for c in cols:
        raw = row[c] if c is not None and c < width else ""
        kind = type(raw)
        if kind is float:
            found.append(cell_text(raw))
            continue
        if kind is not str:
            return None
        text = raw.strip()
        # every error literal starts with "#" (Excel) or "Err:" (LibreOffice)
        if text and text[0] in "#E" and (text[0] == "#" or text.startswith("Err:")):
            return None
        found.append(text)
    return tuple(found)


def amount_columns(pairs: Iterable[tuple[K, int | None]]) -> tuple[tuple[K, int | None, str], ...]:
    """(key, column, column letters) for plain_amounts, once per table."""
    return tuple((key, c, "" if c is None else xl_col_to_name(c)) for key, c in pairs)


def plain_amounts(
    row: Sequence[object],
    r: int,
    cols: tuple[tuple[K, int | None, str], ...],
    allow_negative: bool,
    formulas: UncomputedFormulas | None,
) -> tuple[dict[K, int], dict[K, str]] | None:
    """The amounts and cells of a row of a sheet without error cells, (key -> tkr,
    key -> A1) for `cols` (see amount_columns), as `amount` reads them, when each is
    a whole number it accepts or empty without a formula (so `amount` reports nothing);
    else None. `formulas`: the table's, to ask about the empty cells."""
    width = len(row)
    number = str(r + 1)  # the A1 of (r, c) is the column's letters and this
    amounts: dict[K, int] = {}
    cells: dict[K, str] = {}
    for key, c, letters in cols:
        if c is None:
            cells[key] = ""
            continue
        raw = row[c] if c < width else ""
        if type(raw) is float:
            # whole and within MAX_AMOUNT (NaN fails the range test, as is_integer)
            if not -MAX_AMOUNT <= raw <= MAX_AMOUNT:
                return None
            whole = int(raw)
            if whole != raw or (whole < 0 and not allow_negative):
                return None
            amounts[key] = whole
        elif type(raw) is not str or raw:
            return None
        elif formulas is not None and formulas.at(r, letters + number):
            return None  # a formula without a value: `amount` reports it
        cells[key] = letters + number
    return amounts, cells
