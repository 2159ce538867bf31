"""The XML of cells and rows for `xlsx_stream`: column letters, the text of a format's
number, numbers as cell values, the %-templates of a row shape (issue 8: the
consolidated workbook's rows are filled into templates, not built cell by cell) and
the texts of sharedStrings.xml."""

from __future__ import annotations

import math
import operator
import re
from collections import deque
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from itertools import chain, compress, pairwise, repeat
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from .errors import XlsxStreamError
from .fmt import INVALID_XML_CHARS

MAX_STRING = 32767  # characters Excel keeps in one cell
# what a shared string carries as _xHHHH_: the characters XML cannot, and CR, which an
# XML parser would turn into LF (Excel's own rule, as xlsxwriter's)
_ESCAPED = re.compile(f"[{INVALID_XML_CHARS}\r]")
_ESCAPED_LOOKALIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
# between the texts of a batch of shared strings: a character no escape touches
_BETWEEN = "\ue000"
_SHARED_BATCH = 4096  # texts escaped at a time

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

# the values a prepared row's template takes as they are: a text's shared-string index
# (a str), an int (%s is its str()), a blank (%.0s: nothing), a finite float (%.16G,
# the text `cell_number` gives)
PREPARED = {
    str: ' t="s"><v>%s</v></c>',
    int: "><v>%s</v></c>",
    type(None): "/>%.0s",
    float: "><v>%.16G</v></c>",
}


def prepared_columns(
    columns: Sequence[Sequence[Any]], text: Callable[[str], str]
) -> list[Sequence[Any]] | None:
    """The columns of a block of rows ready for `PREPARED` templates, each text as its
    shared-string index (`text`) looked up row by row, the order a cell-by-cell writer
    gives; None, with nothing looked up, when a value must be written cell by cell (a
    bool or another type, or a number Excel cannot take). Done a column at a time by
    C-level calls (issue 8: a call per cell took most of writing a view)."""
    texts: list[int] = []
    only_texts: list[bool] = []
    for c, column in enumerate(columns):
        types = set(map(type, column))
        if not types <= PREPARED.keys():
            return None
        if float in types:
            floats = compress(column, map(operator.is_, map(type, column), repeat(float)))
            if not all(map(math.isfinite, floats)):
                return None
        if str in types:
            texts.append(c)
            only_texts.append(types == {str})
    if len(texts) > 1:  # texts in more than one column: looked up row by row first
        cells = list(chain.from_iterable(zip(*(columns[c] for c in texts), strict=True)))
        deque(map(text, compress(cells, map(isinstance, cells, repeat(str)))), maxlen=0)
    prepared = list(columns)
    for c, only in zip(texts, only_texts, strict=True):
        column = columns[c]
        prepared[c] = (
            list(map(text, column)) if only else [text(v) if type(v) is str else v for v in column]
        )
    return prepared


class PreparedTemplates(dict[tuple[Hashable, tuple[type, ...]], str]):
    """(a row's kind, its prepared values' types) -> the row's %-template, the row
    number as ROW (made on first use): the cells' formats are `styles[kind]`, their
    values from `prepared_columns`. Filled, a row is what `SheetStream.row` writes."""

    def __init__(self, styles: Mapping[Hashable, Sequence[int]]) -> None:
        super().__init__()
        self._refs = {
            kind: [
                f'<c r="{name}{ROW}" s="{STYLE_TEXT[style]}"'
                for name, style in zip(
                    LETTERS if len(st) <= len(LETTERS) else letters(len(st)), st, strict=False
                )
            ]
            for kind, st in styles.items()
        }

    def __missing__(self, key: tuple[Hashable, tuple[type, ...]]) -> str:
        kind, types = key
        cells = "".join(ref + PREPARED[t] for ref, t in zip(self._refs[kind], types, strict=True))
        made = self[key] = f'<row r="{ROW}">{cells}</row>'
        return made


# escape/_attr are xml.sax.saxutils.escape/quoteattr by hand: faster on the per-text path
def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shared_text(text: str) -> str:
    """A cell text as it goes into sharedStrings.xml: truncated to Excel's limit, control
    characters as _xHHHH_ (and a literal "_xHHHH_" protected), XML-escaped."""
    return _escaped(text[:MAX_STRING])


def _escaped(text: str) -> str:
    """`shared_text` of a text within Excel's limit (or of texts joined by `_BETWEEN`,
    which no step here touches nor joins a match across)."""
    if "_x" in text:
        text = _ESCAPED_LOOKALIKE.sub(r"_x005F\1", text)
    text = _ESCAPED.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return escape(text)


def shared_strings(texts: Sequence[str]) -> Iterator[str]:
    """The <si> items of sharedStrings.xml for `texts` (in order), a few thousand at a
    time: `shared_text` of each, with xml:space="preserve" when it starts or ends with
    white space. A batch is escaped as one text, its texts joined by a character no
    escape touches and split again (issue 8: ~46 000 texts at N = 1 000 took a Python
    call each); a batch with a text holding that character goes text by text."""
    for start in range(0, len(texts), _SHARED_BATCH):
        batch = texts[start : start + _SHARED_BATCH]
        joined = _BETWEEN.join(batch)
        if joined.count(_BETWEEN) != len(batch) - 1:
            shown = list(map(shared_text, batch))
        else:
            if max(map(len, batch)) > MAX_STRING:
                joined = _BETWEEN.join(text[:MAX_STRING] for text in batch)
            shown = _escaped(joined).split(_BETWEEN)
        # white space first or last (`str.strip`'s, that of `str.isspace`) is kept
        spaced = list(map(operator.ne, shown, map(str.strip, shown)))
        if not any(spaced):
            yield "<si><t>" + "</t></si><si><t>".join(shown) + "</t></si>"
        else:
            yield "".join(
                f'<si><t xml:space="preserve">{t}</t></si>' if space else f"<si><t>{t}</t></si>"
                for t, space in zip(shown, spaced, strict=True)
            )
