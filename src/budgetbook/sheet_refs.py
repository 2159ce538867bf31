"""The r attributes of a sheet part as calamine reads them, for the pre-check's extent.

The pre-check's fast scans read a row's or cell's place from `r="B12"` written first in
its tag, the way Excel, LibreOffice and openpyxl write it. calamine (quick-xml) also
reads an r written otherwise: a second r in the same tag (the last one wins), single
quotes, white space around '=', no space after the previous value, lower-case column
letters, five or more letters. Such a cell at ZZ150000 in a ~1 KB file made calamine
allocate 3.3 GB for the sheet, before the reader could look at its size. So the fast
scans decide only a part whose r attributes are all plain (`only_plain_r`), and the walk
that decides any other part also takes every r calamine could read (`any_r_extent`).
"""

from __future__ import annotations

import re

# Signs of an r attribute the scans do not read: after a tab or a line break, right
# after a quote, white space before '='. ":r=" (a prefixed r) is compared with the
# namespace declarations "xmlns:r=", the one place it has in an ordinary part.
_ODD_R = (b"\tr=", b"\nr=", b"\rr=", b'"r=', b"'r=", b" =", b"\t=", b"\n=", b"\r=")

# Anything calamine could take for a row's or cell's r, wherever it is: either quote,
# white space around '=', letters of either case, any length. One in another element or
# in a text only makes the extent larger (refused, never allowed).
_ANY_R = re.compile(rb"r\s*=\s*[\"']([A-Za-z]*)(\d+)[\"']")


def only_plain_r(data: bytes) -> bool:
    """Whether a part's (or chunk's) r attributes are all ' r="', one per `<c ` and
    `<row ` tag: then no r other than the ones the fast scans read can place a cell."""
    tags = data.count(b"<c ") + data.count(b"<row ")
    return (
        data.count(b' r="') == data.count(b" r=") == tags
        and data.count(b":r=") == data.count(b"xmlns:r=")
        and not any(map(data.__contains__, _ODD_R))
    )


def column_number(letters: bytes) -> int:
    """A column's number from its upper-case letters (b"A" is 1, b"AA" 27)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def any_r_extent(data: bytes) -> tuple[int, int]:
    """The largest row and column of any r calamine could read in `data`, (0, 0) if none."""
    max_row = max_col = 0
    for letters, digits in _ANY_R.findall(data):
        max_row = max(max_row, int(digits))
        max_col = max(max_col, column_number(letters.upper()))
    return max_row, max_col
