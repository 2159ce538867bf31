"""The XML of cells and rows for `xlsx_stream`: column letters, the text of a format's
number, numbers as cell values and the %-templates of a row shape (issue 8: the
consolidated workbook's rows are filled into templates, not built cell by cell)."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from itertools import pairwise
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from .errors import XlsxStreamError

# a row number placeholder in row templates: a character no value written into a
# template (a shared-string index or a number) can contain
ROW = "\x00"


def letters(n: int) -> list[str]:
    """Column letters A, B, ... for `n` columns: looked up per cell, never computed."""
    return [xl_col_to_name(c) for c in range(n)]


LETTERS = letters(64)


def cell_number(value: Any, where: str) -> str:
    """A number as a cell's XML value (what `SheetStream.row` writes for it); `where`
    names the sheet in the error for a value Excel cannot take."""
    if type(value) is int:
        return str(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return f"{float(value):.16G}"
    raise XlsxStreamError(f"{where}: {value!r} kan inte skrivas till Excel som tal")


def row_pieces(styles: Sequence[int], numbers: Collection[int], *splits: int) -> tuple[str, ...]:
    """A row shape's XML for `SheetStream.raw_rows` as %-templates split before each
    column in `splits` (increasing): the row's start and its cells before the first
    split, …, the cells from the last split and the row's end; one %s per cell for its
    value, which must come from `XlsxStream.text_value` or (`numbers` columns)
    `cell_number`: those hold no % and no row placeholder. Joined and filled, the row
    is what `prepared_rows` writes."""
    names = LETTERS if len(styles) <= len(LETTERS) else letters(len(styles))
    cells = [
        f'<c r="{names[c]}{ROW}" s="{style}"'
        + ("><v>%s</v></c>" if c in numbers else ' t="s"><v>%s</v></c>')
        for c, style in enumerate(styles)
    ]
    bounds = [0, *splits, len(cells)]
    pieces = ["".join(cells[a:b]) for a, b in pairwise(bounds)]
    pieces[0] = f'<row r="{ROW}">' + pieces[0]
    pieces[-1] += "</row>"
    return tuple(pieces)


class StyleNumbers(dict[int, str]):
    """A format's number as the text of a cell's s="…" (made on first use)."""

    def __missing__(self, number: int) -> str:
        # int(): True and 1 are one key; "True" first would be every later 1's text
        text = self[number] = str(int(number))
        return text


STYLE_TEXT = StyleNumbers()
