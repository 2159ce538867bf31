"""The printed page's header and footer, as every workbook budgetbook writes them.

A printed sheet says whose and which it is (kommun and nämnd on the left, the sheet in
the middle, the avdelning or round on the right) and its page number ("Sida 2 av 5"),
in Excel's header codes: &L, &C, &R start a part, &8 sets 8 points, a literal "&" is
"&&". A size code takes every digit after it: "&8" before "3 Kultur" is 83 points of
" Kultur" (LibreOffice drops a size over 1 600 points with its digits, so "2027 Kultur"
lost its year). A part that starts with a digit is set off from its size code by a
space, as openpyxl writes every size code. Excel takes at most 255 characters for a
header, codes included (xlsxwriter drops a longer one with a warning, Excel would
refuse the file): a long name is cut with "…" instead, the longest part first.
"""

from __future__ import annotations

HEADER_LIMIT = 255
FOOTER = "&C&8Sida &P av &N"


def escape(text: str) -> str:
    """`text` as header text: an "&" is a code, so doubled."""
    return text.replace("&", "&&")


def sized(text: str) -> str:
    """`text` (header text) in 8 points: a leading digit kept out of the size code."""
    return f"&8 {text}" if text[:1].isdigit() else f"&8{text}"


def page_header(left: str, center: str, right: str) -> str:
    """The three parts (plain text) as one header of at most HEADER_LIMIT characters."""
    parts = [left, center, right]
    while True:
        header = "&L{}&C{}&R{}".format(*(sized(escape(p)) for p in parts))
        over = len(header) - HEADER_LIMIT
        if over <= 0:
            return header
        longest = max(range(3), key=lambda i: len(escape(parts[i])))
        text = parts[longest]
        # cut a few characters more than needed: an "&" cut off counts twice
        parts[longest] = text[: max(len(text) - over - 2, 0)].rstrip() + "…"
