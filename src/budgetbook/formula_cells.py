"""Cells holding a formula without a computed value, looked up one cell at a time.

Excel saves each formula with the value it computed, and the reader reads that value
(python-calamine). A program that does not compute (openpyxl, some web tools) saves a
formula without one, and the cell then reads as empty: a required cell would be
reported as "måste fyllas i" although the person sees a formula there, and an amount
would silently go missing. The reader asks here only about cells that read as empty
where it expects a value (an amount, a required cell): a return without such cells
costs nothing, and there is no pass over every cell of every sheet (issue 8).

At the first question about a table, its data rows are counted for formulas (`<f`, one
byte search): when there are no more than the template's own (its formula columns in
every row of the table), no input cell holds one and every answer is no. Otherwise a
cell is looked up in the part: its row by `<row r="12"`, then the cell by `<c r="F12"`
within that row, as Excel, LibreOffice and openpyxl write them (rows are asked in
order, so each is found from the one before); a cell not found so, by its r attribute
within the row (`<c s="1" r="F12">`, as a program may write a cell it changed). A part
written otherwise (no such row tags: namespace prefixes, attributes in another order,
from the first row asked about or any later one) is walked once, tag by tag.
"""

from __future__ import annotations

import re

from .reader_parts import col_index

# What follows a cell's start tag when it holds a formula and no value: the formula
# (`<f>B5*1.02</f>`, or a shared one `<f t="shared" si="0"/>`), an empty value or none
# (openpyxl writes `<v></v>`, others nothing), and the end of the cell. Group 1: the
# empty value element, when there is one. The whitespace after the formula is read by
# one `\s*` only: two in a row (`\s*(…)?\s*`) split a run of it every way before giving
# up on a cell with a value, quadratic (80 KB of it took 10 s a return, 1 MB minutes).
_NO_VALUE = re.compile(
    rb"\s*<(?:\w+:)?f\b(?:[^<>]*/>|[^<>]*>[^<]*</(?:\w+:)?f>)"
    rb"\s*(?:(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)\s*)?</(?:\w+:)?c>"
)
_TYPE = re.compile(rb'\bt="([^"]*)"')
_FORMULA = re.compile(rb"<f")  # a formula element (in sheetData, no other tag starts so)
_UNASKED, _NONE, _LOOKUP, _WALKED = object(), object(), object(), object()
# Any cell start tag with its r attribute wherever it stands (the walk of a part, and
# a cell written with its attributes in another order).
_ANY_CELL = re.compile(rb'<(?:\w+:)?c\s[^<>]*?\br="([A-Z]{1,3}\d{1,7})"[^<>]*?(/?)>')
_A1 = re.compile(r"([A-Z]{1,3})(\d{1,7})")


def no_value(attrs: bytes, empty_value: bool) -> bool:
    """Whether a cell with a formula and no value (its start tag's `attrs`; whether an
    empty value element was written) is one a program did not compute. An error cell
    (t="e") is reported as the error it is; a text formula with an empty value is
    Excel's own result "" (as `=OM(A1="";"";A1)` gives), shown as an empty cell."""
    kind = _TYPE.search(attrs)
    t = kind.group(1) if kind else b""
    if t == b"e":
        return False
    return not (t == b"str" and empty_value)


class UncomputedFormulas:
    """The cells of one sheet part that hold a formula without a computed value.

    `first_row`, `last_row`: the table's data rows (0-based; None: to the end);
    `template_formulas`: how many formula cells the template has in them (None:
    unknown, every question is looked up)."""

    __slots__ = ("_first", "_last", "_row", "_span", "_state", "_template", "_walked", "_xml")

    def __init__(
        self, xml: bytes, first_row: int, last_row: int | None, template_formulas: int | None
    ) -> None:
        self._xml = xml
        self._first, self._last = first_row, last_row
        self._template = template_formulas
        self._state = _UNASKED
        self._row = -1  # the last row found, and its span in the part
        self._span = (0, 0)
        self._walked: set[str] | None = None

    @property
    def asked(self) -> bool:
        """Whether a question about the table was answered already (its count made)."""
        return self._state is not _UNASKED

    def possible(self) -> bool:
        """Whether any cell of the table may hold one (False: certainly none)."""
        if self._state is _UNASKED:
            self._state = self._first_look()
        return self._state is not _NONE

    def cells(self) -> list[tuple[int, int, str]]:
        """Every cell with a formula without a value in the table's rows, as (row,
        column, A1), 0-based, in row order: for the cells the reader does not ask about
        (a walk of the part, so only after `possible`)."""
        if self._walked is None:
            # any form, also in a part in the plain one: a cell a program changed may have
            # its attributes in another order (`<c s="1" r="F12">`)
            self._walked = self._walk()
        first, last = self._first, self._last
        found = []
        for a1 in self._walked:
            m = _A1.fullmatch(a1)
            r = int(m.group(2)) - 1 if m is not None else -1
            if m is not None and r >= first and (last is None or r <= last):
                found.append((r, col_index(m.group(1)), a1))
        return sorted(found)

    def at(self, r: int, a1: str) -> bool:
        """Whether cell `a1` (in row `r`, 0-based) holds a formula without a value."""
        state = self._state
        if state is _UNASKED:
            state = self._state = self._first_look()
        if state is _NONE:
            return False
        if state is _WALKED:
            return self._walked is not None and a1 in self._walked
        xml = self._xml
        start, end = self._row_span(r)
        if start < 0:
            # the reader asks only about rows that are written (they have content): this
            # one is in another form (its attributes in another order). The part is
            # walked once, not searched whole for each such row (quadratic).
            self._walked, self._state = self._walk(), _WALKED
            return a1 in self._walked
        ref = a1.encode()
        i = xml.find(b'<c r="' + ref + b'"', start, end)
        if i < 0:
            return self._moved_cell(ref, start, end)
        j = xml.find(b">", i, end)
        if j < 0 or xml[j - 1] == 0x2F:  # "/>": an empty cell
            return False
        m = _NO_VALUE.match(xml, j + 1, end)
        return m is not None and no_value(xml[i:j], m.group(1) is not None)

    def _moved_cell(self, ref: bytes, start: int, end: int) -> bool:
        """`at` for a cell not written `<c r="F12"` in its row (`start`, `end`): not
        written at all (an empty cell), or with its attributes in another order
        (`<c s="1" r="F12">`, legal XML, as some programs write a cell they changed).
        Asked only about cells that read as empty: one search of the row."""
        xml, attr = self._xml, b'r="' + ref + b'"'
        k = xml.find(attr, start, end)
        while k >= 0:  # none: not written, an empty cell
            cell = _ANY_CELL.match(xml, xml.rfind(b"<", start, k))
            if cell is not None and cell.group(1) == ref:
                if cell.group(2):
                    return False  # self-closing: an empty cell
                m = _NO_VALUE.match(xml, cell.end(), end)
                return m is not None and no_value(cell.group(0), m.group(1) is not None)
            k = xml.find(attr, k + 1, end)  # in another cell's text (a formula's "r=""F12""")
        return False

    def _first_look(self) -> object:
        xml = self._xml
        start = xml.find(b'<row r="%d"' % (self._first + 1))
        if start < 0 or xml.find(b'<c r="', start) < 0:
            self._walked = self._walk()  # not the plain form (or no such row)
            return _WALKED
        if self._template is not None:
            end = xml.rfind(b"</sheetData>")
            end = end if end > start else len(xml)
            if _count_formulas(xml, start, end, self._template) <= self._template:
                return _NONE
        return _LOOKUP

    def _row_span(self, r: int) -> tuple[int, int]:
        """Where row `r` (0-based) starts and ends in the part; (-1, -1) if not there."""
        if r == self._row:
            return self._span
        xml, tag = self._xml, b'<row r="%d"' % (r + 1)
        after = self._span[0] if r > self._row else 0  # rows are written in order
        start = xml.find(tag, after)
        if start < 0 and after:
            start = xml.find(tag, 0, after)
        if start < 0:
            return -1, -1
        end = xml.find(b"</row>", start)
        self._row, self._span = r, (start, len(xml) if end < 0 else end)
        return self._span

    def _walk(self) -> set[str]:
        """Every cell with a formula and no value, whatever the form of its tag."""
        xml, found = self._xml, set()
        for m in _ANY_CELL.finditer(xml):
            if m.group(2):
                continue  # self-closing: empty
            v = _NO_VALUE.match(xml, m.end())
            if v is not None and no_value(m.group(0), v.group(1) is not None):
                found.add(m.group(1).decode())
        return found


_COUNT_WINDOW = 64 * 1024


def _count_formulas(xml: bytes, start: int, end: int, enough: int) -> int:
    """The `<f` in xml[start:end], counted to more than `enough` at most. By the
    pattern, ~1.5x faster here than bytes.count (issue 8), in windows: a list of every
    match at once was ~90 MB for a part at the pre-check's size limit."""
    found = 0
    for i in range(start, end, _COUNT_WINDOW):
        j = min(i + _COUNT_WINDOW, end)
        found += len(_FORMULA.findall(xml, i, j))
        if j < end and xml[j - 1 : j + 1] == b"<f":
            found += 1  # one across the windows' border (each window sees half of it)
        if found > enough:
            break
    return found
