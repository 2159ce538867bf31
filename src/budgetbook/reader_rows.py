"""A returned sheet's plain rows read whole, for the reader (split from `reader_sheets`).

Rows whose cells are all plain (whole numbers, texts that are not error literals, empty
cells without a formula) are read per row, not per cell (issue 8: ~150 rows a return);
each function returns None for a row that needs the reader's cell-by-cell read, which
reports what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

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


def a1_or_empty(r: int, c: int | None) -> str:
    """The A1 reference of a cell the reader names: "" for a column not in the table."""
    return "" if c is None else xl_rowcol_to_cell(r, c)


def investment_row(
    row: Sequence[object],
    r: int,
    text_cols: tuple[int | None, ...],
    amount_cols: tuple[tuple[str, int | None, str], ...],
    lists: tuple[str, str],
    formulas: UncomputedFormulas | None,
    list_value: Callable[[str, str], str | None],
) -> tuple[str, str, str, str, int | None, str, dict[int, int], dict[str, str]] | None:
    """An investment row read as the per-cell calls of read_investeringar read it,
    when none of them would report anything; else None. `text_cols`: the columns of
    id, name, category, status, description; `amount_cols`: (cell key, column) of
    decided_total and each year; `lists`: the lists of category and status;
    `list_value`: the reader's (list name, value -> canonical value or None)."""
    texts = plain_texts(row, text_cols)
    if texts is None:
        return None
    found = plain_amounts(row, r, amount_cols, False, formulas)
    if found is None:
        return None
    pid, name, category, status, description = texts
    if category:
        hit = list_value(lists[0], category)
        if hit is None:
            return None
        category = hit
    if status:
        hit = list_value(lists[1], status)
        if hit is None:
            return None
        status = hit
    values, a1s = found
    i_id, i_name, i_cat, i_status, i_desc = text_cols
    cells = {
        "id": a1_or_empty(r, i_id),
        "name": a1_or_empty(r, i_name),
        "category": a1_or_empty(r, i_cat),
        "status": a1_or_empty(r, i_status),
        "decided_total": a1s["decided_total"],
        "description": a1_or_empty(r, i_desc),
    }
    amounts: dict[int, int] = {}
    for key, _, _ in amount_cols[1:]:
        cells[key] = a1s[key]
        if key in values:
            amounts[int(key)] = values[key]
    decided = values.get("decided_total")
    return pid, name, category, status, decided, description, amounts, cells
