"""A sheet part's real extent (its last row and column), whatever it declares.

The pre-check's measure of every part calamine could read as a sheet (`safety`): the
declared <dimension> is not trusted, since a file can declare "A1" and hold one cell at
ZZ150000, and calamine's grid would reach it. Fast scans decide the parts in the form
Excel, LibreOffice and openpyxl write (issue 8); any other part is walked tag by tag.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from typing import IO

from .sheet_refs import any_r_extent, column_number, only_plain_r

CHUNK = 1024 * 1024
# Row and cell start tags with their r attribute (row: r="12", cell: r="B12"), to the
# next '<' at most (to the next '>', a part of `<c r="a1" ` tags took minutes: quadratic).
_REF = re.compile(rb'<(?:\w+:)?(?:row|c)\s[^<>]*?\br="([A-Z]{0,4})(\d{1,9})"')


def sheet_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """A sheet's real (rows, columns) to its last row/cell tag, whatever it declares.

    The declared <dimension> is not trusted: a file can declare "A1" and hold one cell
    at ZZ150000, and the reader's grid would reach it. The part is streamed in chunks
    (its size is already limited); a tag cut by a chunk end is carried to the next.
    Excel, LibreOffice and openpyxl write `<row r=` and `<c r=` on every row and cell,
    which byte counts and literal-prefixed patterns confirm (`extent_of`; ~0.2 ms a
    sheet: issue 8); any other part (no r, namespace prefixes, odd spacing, `<row/>`) is
    walked tag by tag, where a row without r follows the previous row and a cell the
    previous cell. (The pre-check does the same from its first chunk, `safety`.)
    """
    with zf.open(info) as fh:
        extent = extent_of(chunks_of(fh, b""))
    return extent if extent is not None else walk_extent(zf, info)


def extent_of(
    chunks: Iterator[bytes], beyond: Callable[[int, int], bool] | None = None
) -> tuple[int, int] | None:
    """(rows, columns) by the fast regex pass, or None when the part needs the walk.
    With `beyond` (the pre-check's limits), it stops at the first chunk that takes the
    extent past them: a hostile part is not read to its end (a later chunk can only
    add to the extent, and the walk finds at least what the scans read)."""
    max_row = max_col = 0
    for data in chunks:
        found = only_plain_r(data) and (_plain_extent(data) or _pattern_extent(data))
        if not found:
            return None
        max_row, max_col = max(max_row, found[0]), max(max_col, found[1])
        if beyond is not None and beyond(max_row, max_col):
            break
    return max_row, max_col


def _pattern_extent(data: bytes) -> tuple[int, int] | None:
    """A chunk's (last row, last column) by `_REF`, or None when a row or cell tag is
    not one it reads (then the part is walked tag by tag)."""
    refs = _REF.findall(data)
    if len(_TAG.findall(data)) != len(refs):  # also `<row/>`, `<x:c>`, `<c\t/>` (no r)
        return None
    if not refs:
        return 0, 0
    return max(map(int, {r for _, r in refs})), max(map(column_number, {c for c, _ in refs}))


# One match per `<c ` and `<row ` tag (an r that is not first gives b""): literal
# prefixes, so the pattern is not tried at every '<' as `_REF` is (issue 8: ~30 % of
# the pre-check's instructions).
_CELL_R = re.compile(rb'<c (?:r="([A-Z]{1,4})(\d{1,9})")?')
_ROW_R = re.compile(rb'<row (?:r="(\d{1,9})")?')
# White space other than " " that `_REF` takes after a tag name (\s in a bytes pattern).
_OTHER_SPACES = (b"\n", b"\r", b"\t", b"\x0b", b"\x0c")
_MAX_SPACES_WALKED = 64  # more of one kind (line breaks in texts): the tags searched
# `<c>`, `<row/>` (no r: placed after the previous one), and a prefixed row or cell tag
# (`<x:c `, `<x:c/>`); searched by pattern, ~5x faster here than `in` for the rare ':'.
_BARE_TAG = re.compile(rb"<(?:c|row)[/>]")
_PREFIXED_TAG = re.compile(rb":(?:c|row)[\s/>]")


# A row or cell tag `_plain_extent` would not read (`<c>`, `<row>`, no r first), one past
# row 999 or column ZZ, or one not plain to its end (calamine also reads a later r).
_PLAIN_ATTRS = rb'(?: [\w.:\-]++(?<![ :]r)="[^"<>]*+")*+/?>'
_NOT_NEAR_CELL = re.compile(rb'<c(?:[/>]| (?!r="[A-Z]{1,2}\d{1,3}"' + _PLAIN_ATTRS + rb"))")
_NOT_NEAR_ROW = re.compile(rb'<row(?:[/>]| (?!r="\d{1,3}"' + _PLAIN_ATTRS + rb"))")
NEAR_ROWS, NEAR_COLS = 999, 26 + 26 * 26  # 701 298 cells


def plainly_near(data: bytes) -> bool:
    """Whether a whole sheet part is in the form `_plain_extent` reads, with every row
    and cell tag within (NEAR_ROWS, NEAR_COLS): then its extent, whatever it is
    exactly, is at most that (the pre-check's limits allow it). Three scans of
    literal-prefixed patterns instead of a match per cell (issue 8: ~0.7 ms of the
    pre-check's ~3.4 ms a return)."""
    return (
        _plain_form(data)
        and _NOT_NEAR_CELL.search(data) is None
        and _NOT_NEAR_ROW.search(data) is None
    )


def _plain_form(data: bytes) -> bool:
    """No row or cell tag followed by white space other than " ", nor one with a
    namespace prefix (the tags `_REF` could match where `_CELL_R`/`_ROW_R` do not)."""
    for space in _OTHER_SPACES:  # a single byte is found fast, and is rare but for \n
        i, seen = data.find(space), 0
        while i >= 0:
            if data[i - 2 : i] == b"<c" or data[i - 4 : i] == b"<row":
                return False
            seen += 1
            if seen == _MAX_SPACES_WALKED:
                if b"<c" + space in data or b"<row" + space in data:
                    return False
                break
            i = data.find(space, i + 1)
    return _PREFIXED_TAG.search(data) is None


def _plain_extent(data: bytes) -> tuple[int, int] | None:
    """`_pattern_extent` of a chunk in the form Excel, LibreOffice and openpyxl write,
    or None when the chunk is not plainly in that form (then `_pattern_extent` decides).

    The same answer: when every `<c ` and `<row ` tag has r first, and nothing else
    can start a match of `_REF` (a row or cell tag followed by other white space, or
    with a namespace prefix: ":c" or ":row" and white space), `_REF` matches exactly at
    those tags with the same groups, and the checks `_pattern_extent` makes all pass.
    """
    if not _plain_form(data) or _BARE_TAG.search(data):
        return None
    cells = _CELL_R.findall(data)
    rows = _ROW_R.findall(data)
    cols, cell_rows = zip(*cells, strict=True) if cells else ((), ())
    if b"" in cell_rows or b"" in rows:
        return None
    numbers = set(cell_rows)
    numbers.update(rows)
    return max(map(int, numbers), default=0), max(map(column_number, set(cols)), default=0)


def chunks_of(fh: IO[bytes], first: bytes) -> Iterator[bytes]:
    """`first` (already read from `fh`) and the rest of `fh`, in pieces that each end
    after a '>'."""
    carry = b""
    chunk = first or fh.read(CHUNK)
    while chunk:
        data = carry + chunk
        cut = data.rfind(b">") + 1
        carry = data[cut:]
        yield data[:cut]
        chunk = fh.read(CHUNK)
    yield carry


# a row or cell tag (any prefix) to the next '<' (quick-xml reads past a '>' in quotes)
_TAG = re.compile(rb"<(?:[^\s<>/:!?]+:)?(row|c)(?=[\s/>])([^<]*)")
_R_ATTR = re.compile(rb'\br="([A-Z]{0,4})(\d{1,9})"')


def walk_extent(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    beyond: Callable[[int, int], bool] | None = None,
) -> tuple[int, int]:
    """(rows, columns) of a part tag by tag; with `beyond`, to the first chunk that
    takes it past the limits (as `extent_of`)."""
    row = col = max_row = max_col = 0
    with zf.open(info) as fh:
        for data in chunks_of(fh, b""):
            for m in _TAG.finditer(data):
                ref = _R_ATTR.search(m.group(2))
                if m.group(1) == b"row":
                    row = int(ref.group(2)) if ref and not ref.group(1) else row + 1
                    col = 0
                elif ref and ref.group(1):
                    col, row_of_cell = column_number(ref.group(1)), int(ref.group(2))
                    max_row = max(max_row, row_of_cell)
                else:
                    col += 1
                max_row, max_col = max(max_row, row), max(max_col, col)
            rows, cols = any_r_extent(data)  # and every r calamine could read
            max_row, max_col = max(max_row, rows), max(max_col, cols)
            if beyond is not None and beyond(max_row, max_col):
                break
    return max_row, max_col


# What puts a cell in a reader's grid: a value (calamine leaves a cell without one
# out, whatever its r) or a row (openpyxl reads cells within rows only).
_GRID_TAG = re.compile(rb"<(?:[^\s<>/:!?]+:)?(?:row|v|is|sheetData)[\s/>]")


def holds_cells(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part has anything a reader would put in a grid (`_GRID_TAG`). Excel's
    calculation chain lists every formula cell of the workbook as `<c r="F12" i="2"/>`:
    its extent is the last row of one sheet by the last column of another, but read as
    a sheet it has no cell with a value. Asked only of a part beyond the limits; a
    sheet has a row at its start."""
    with zf.open(info) as fh:
        return any(_GRID_TAG.search(data) for data in chunks_of(fh, b""))
