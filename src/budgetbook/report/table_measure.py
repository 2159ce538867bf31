"""How a table's cells read and how wide its columns must be in the Word draft.

Every body cell formatted as shown (Swedish number format, the kommun's sign
convention on signed columns), each column's minimum width and share of the rest
measured from those texts, and the fit to a page: portrait, compact type or landscape.
A big table repeats many values, so each distinct value is formatted and measured once
(issue 8). `tables` builds the table XML from what is measured here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from itertools import compress, groupby, repeat
from operator import attrgetter, is_not, neg
from typing import Any

from .. import fmt
from ..model import Column, Row, RowKind, Table

# Minimum widths in twips (1 cm = 567) for numeric kinds; text columns share the rest.
# "value": a figure already formatted as text (indicator values), right-aligned like numbers.
MIN_WIDTH = {"tkr": 900, "pct": 700, "int": 600, "value": 800}
MIN_TEXT_WIDTH = 1300
BODY_PT, HEADER_PT = 8.5, 7.5
CELL_PADDING = 150  # both cell margins plus a little air
# Compact table style: every size times the scale (body 7.5 pt, then 7 pt), no smaller.
COMPACT_SCALES = (7.5 / BODY_PT, 7.0 / BODY_PT)


def format_value(table: Table, column: Column, row: Row, convention: fmt.Convention) -> str:
    """A cell as shown: Swedish format, sign convention on the table's signed columns."""
    return _formatter(table, column, convention)(row.values.get(column.key))


def _count(value: int | float) -> str:
    return str(fmt.round_half_up(value))


_SHOW: dict[str, Callable[[Any], str]] = {"tkr": fmt.tkr, "pct": fmt.pct, "int": _count}


def _formatter(table: Table, column: Column, convention: fmt.Convention) -> Callable[[object], str]:
    """A function of a cell's value giving the cell as shown (`format_value`), what
    depends only on the column decided once."""
    signed = column.key in table.signed_columns
    show = _SHOW.get(column.kind, str)  # text and preformatted values: str() of them

    def cell(value: object) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            return value
        return show(convention.display(value) if signed else value)

    return cell


# Value types whose equal values always print alike as amounts, percents and counts: an
# int and an equal float are both integral (rounding keeps them), -0.0 shows as 0. Not
# so a Decimal equal to a float (0.285 is a little under as a float's exact value) or
# a bool (pct(True) fails where pct(1) does not).
_ALIKE_WHEN_EQUAL = frozenset({int, float, str, type(None)})
_NUMBERS = frozenset({int, float, type(None)})
_TEXTS = frozenset({str, type(None)})
_INTS = frozenset({int, type(None)})
_FLOATS = frozenset({float, type(None)})
_KIND, _LABEL, _VALUES = attrgetter("kind"), attrgetter("label"), attrgetter("values")
_NONE_EMPTY: dict[object, str] = {None: ""}  # .get(v, v): "" for None, else v itself


def _column_texts(
    table: Table, column: Column, convention: fmt.Convention, values: list[object]
) -> tuple[list[str], Collection[str]]:
    """`values` of `column` as shown, and those texts without repeats (or with some).
    Amounts, percents and counts are formatted once per distinct value: a big table
    repeats many (issue 8)."""
    cell = _formatter(table, column, convention)
    classes = set(map(type, values))
    if column.kind in _SHOW:
        if classes <= _NUMBERS:  # every value a number or None: `cell` without a call per value
            distinct = set(values)
            distinct.discard(None)
            numbers = list(distinct)
            show = _SHOW[column.kind]
            signed = column.key in table.signed_columns
            if column.kind == "tkr" and classes <= _INTS:  # the usual amounts: in bulk
                flip = signed and convention.costs_negative  # `display` of an int
                texts: Iterable[str] = fmt.tkr_of_ints(map(neg, numbers) if flip else numbers)
            elif column.kind == "pct" and classes <= _FLOATS:  # the usual percents: in bulk
                flip = signed and convention.costs_negative  # `display` of a float
                texts = fmt.pct_of_floats(list(map(neg, numbers)) if flip else numbers)
            else:
                texts = map(show, map(convention.display, numbers) if signed else numbers)
            shown = dict(zip(numbers, texts, strict=True))
            shown[None] = ""
            return list(map(shown.__getitem__, values)), shown.values()
        if classes <= _ALIKE_WHEN_EQUAL:
            shown = {v: cell(v) for v in set(values)}
            return list(map(shown.__getitem__, values)), shown.values()
    elif classes <= _TEXTS:  # `cell` is the text itself, "" for None: a lookup in C
        texts = list(map(_NONE_EMPTY.get, values, values))
        return texts, texts
    texts = list(map(cell, values))
    return texts, texts


def is_numeric(column: Column) -> bool:
    return column.kind in MIN_WIDTH


def _em(char: str) -> float:
    """Approximate advance width of a character in em for Arial/Liberation Sans."""
    if char in "ijlftrI.,:;'|!  ()[]":
        return 0.30
    if char in "mwMW%@":
        return 0.85
    if char.isupper() or char in "ÅÄÖ":
        return 0.68
    return 0.56


class _EmTable(dict):
    """char -> em, filled on first sight: a C-level lookup per character (issue 8)."""

    def __missing__(self, char: str) -> float:
        self[char] = value = _em(char)
        return value


_EMS = _EmTable()


def _ems(text: str) -> float:
    return sum(map(_EMS.__getitem__, text))


class TextEms(dict):
    """text -> `_ems(text)`, each text summed on first sight. One per document build
    (`measure(..., ems=)`): a drift table and its plan-years part share ~12 000 labels at
    N = 1000, and tables share many figures (issue 8). A lookup is the same float."""

    def __missing__(self, text: str) -> float:
        self[text] = value = _ems(text)
        return value


def _twips(ems: float, points: float, bold: bool) -> int:
    width = ems * points * 20
    return int(width * (1.07 if bold else 1.0))


def text_twips(text: str, points: float, bold: bool = False) -> int:
    """Approximate width of `text` in twips at `points` (20 twips per point)."""
    return _twips(_ems(text), points, bold)


def _widest(
    texts: Iterable[str], points: float, bold: bool = False, ems: TextEms | None = None
) -> int:
    """`max(text_twips(t, points, bold) for t in texts)`, 0 for none: each distinct text
    summed once, and only the widest converted (the width grows with the sum, so it is
    the same maximum; a big table repeats many figures, issue 8). Longest texts first,
    and none summed that cannot be wider than the widest so far (`_widest_ems`)."""
    return _twips(_widest_ems(set(texts), ems), points, bold)


def _widest_ems(distinct: set[str], ems: TextEms | None = None) -> float:
    """`max(map(_ems, distinct), default=0)`, summing only the texts that could be the
    widest: a text of n characters is at most n times its widest character wide, so
    once that bound of a length is under the widest sum found, no text as short or
    shorter can reach it. A column of ~10 000 distinct figures then sums only its
    longest ones (issue 8). The bound has a margin for the sums' rounding (each sum of
    n terms is within n * 2**-52 of its exact value), so the maximum is the same float."""
    if not distinct:
        return 0
    sized = ems.__getitem__ if ems is not None else _ems
    widest_char = max(map(_EMS.__getitem__, set("".join(distinct))), default=0.0)
    best = 0.0
    # the texts by length, longest first, grouped in C
    for length, group in groupby(sorted(distinct, key=len, reverse=True), key=len):
        if length * widest_char * (1 + 1e-9) < best:
            break
        best = max(best, max(map(sized, group)))
    return best


# Where a line may break: spaces, and after a dash or slash ("B2026–B2027" breaks after "–").
_BREAKS = re.compile(r"\s+|(?<=[\u2013\-/])")


_DASH = re.compile(r"[\u2013\-/]")
_AFTER_DASH = re.compile(r"(?<=[\u2013\-/])")


def _words(texts: Iterable[str]) -> set[str]:
    """The words of `texts`, split at `_BREAKS`, "" left out. All texts at once: a
    space between two texts is a break, so no word runs from one into the next; split
    at whitespace by str.split (the same whitespace as the pattern's \\s), and only
    words with a dash or slash split again by a pattern: one at every character of
    ~10 000 labels was slow (issue 8)."""
    joined = " ".join(texts)
    words = set(joined.split())
    if _DASH.search(joined) is not None:
        dashed = {w for w in words if _DASH.search(w) is not None}
        words -= dashed
        for w in dashed:
            words.update(_AFTER_DASH.split(w))
        words.discard("")
    return words


def _longest_word(text: str, points: float, bold: bool = False) -> int:
    return max((text_twips(w, points, bold) for w in _BREAKS.split(text) if w), default=0)


def cell_texts(table: Table, convention: fmt.Convention) -> list[list[str]]:
    """Every body cell as shown (`format_value`, or the label in a leading text column
    without a value), one list per row; HEADING rows give []."""
    return _rows_of(table, column_cells(table, convention))


def _rows_of(table: Table, columns: list[list[str]]) -> list[list[str]]:
    """`column_cells` as one list per row of `table`, [] for HEADING rows."""
    if not table.columns:
        return [[] for _ in table.rows]
    cells = map(list, zip(*columns, strict=True))
    return [[] if row.kind is RowKind.HEADING else next(cells) for row in table.rows]


def column_cells(table: Table, convention: fmt.Convention) -> list[list[str]]:
    """The body cells of `cell_texts`, one list per column (rows without HEADING rows)."""
    return _columns(table, convention).texts


@dataclass(slots=True)
class _Columns:
    """`column_cells`, with what measuring them needs beside."""

    texts: list[list[str]]  # `column_cells`
    distinct: list[Collection[str]]  # each column's texts, each at least once
    values: list[list[object]]  # each column's `row.values.get(key)`
    labels: list[str]  # the body rows' labels


def _columns(table: Table, convention: fmt.Convention) -> _Columns:
    cols = table.columns
    # the rows' attributes, and each value, fetched by maps in C, not a Python
    # expression per row or cell; what depends on a column is decided once (issue 8)
    rows = list(compress(table.rows, map(is_not, map(_KIND, table.rows), repeat(RowKind.HEADING))))
    labels = list(map(_LABEL, rows))
    if not cols:
        return _Columns([], [], [], labels)
    values = list(map(_VALUES, rows))
    raw = [list(map(dict.get, values, repeat(col.key))) for col in cols]
    leading_text = cols[0].kind == "text"
    columns: list[list[str]] = []
    distinct: list[Collection[str]] = []
    for i, (col, col_values) in enumerate(zip(cols, raw, strict=True)):
        if i == 0 and leading_text:  # made below
            columns.append([])
            distinct.append(())
            continue
        texts, texts_once = _column_texts(table, col, convention, col_values)
        columns.append(texts)
        distinct.append(texts_once)
    if leading_text:
        key = cols[0].key
        if any(map(dict.__contains__, values, repeat(key))):
            first, _ = _column_texts(table, cols[0], convention, raw[0])
            columns[0] = [
                row.label if key not in v else text
                for row, v, text in zip(rows, values, first, strict=True)
            ]
        else:  # no row has a value of its own there (the usual label column): the labels
            columns[0] = list(labels)
        distinct[0] = columns[0]
    return _Columns(columns, distinct, raw, labels)


@dataclass(slots=True)
class Measure:
    """What a table needs, measured once: its cells as shown and each column's minimum
    width and share of the rest (the fit to a page width is then arithmetic)."""

    columns: list[list[str]]  # `column_cells`: the body cells, one list per column
    needs: list[int]
    weights: list[int]


def measure(
    table: Table, convention: fmt.Convention | None = None, ems: TextEms | None = None
) -> Measure:
    """Numeric columns need room for their longest value and the longest word of their
    heading (so no word is broken); text columns need their longest word and share the
    rest in proportion to their typical length. `ems`: the texts' sums measured so far
    (shared by the tables of a document), else a new one."""
    convention = convention or fmt.Convention()
    ems = TextEms() if ems is None else ems
    made = _columns(table, convention)
    labels = made.labels
    needs: list[int] = []
    weights: list[int] = []
    for i, col in enumerate(table.columns):
        header = _longest_word(col.heading, HEADER_PT, bold=True)
        if is_numeric(col):
            longest = _widest(made.distinct[i], BODY_PT, True, ems)
            needs.append(max(MIN_WIDTH[col.kind], header + CELL_PADDING, longest + CELL_PADDING))
            weights.append(0)
        else:
            values = made.values[i]
            if not any(values):  # `v or ...` is the second for every value
                shown = list(map(str, labels)) if col.key == "label" else [""] * len(values)
            elif col.key == "label":
                shown = [str(v or label) for v, label in zip(values, labels, strict=True)]
            else:
                shown = [str(v or "") for v in values]
            counts = Counter(shown)
            word = _widest(_words(counts), BODY_PT, True, ems)  # the longest word of any text
            needs.append(max(MIN_TEXT_WIDTH, header + CELL_PADDING, word + CELL_PADDING))
            weights.append(max(1, _typical_twips(counts, ems) + CELL_PADDING))
    return Measure(made.texts, needs, weights)


def _typical_twips(counts: Counter[str], ems: TextEms | None = None) -> int:
    """The width of the text at three quarters of the texts sorted by width (each text
    as often as it occurs), 0 for none: each distinct text measured once (issue 8)."""
    total = sum(counts.values())
    if not total:
        return 0
    sums = map(_ems if ems is None else ems.__getitem__, counts)
    twips = dict(zip(counts, map(_twips, sums, repeat(BODY_PT), repeat(False)), strict=True))
    k = total * 3 // 4
    seen = 0
    for text in sorted(counts, key=twips.__getitem__):
        seen += counts[text]
        if seen > k:  # k < total: always met, at the latest by the widest
            break
    return twips[text]


def column_widths(
    table: Table,
    available: int,
    convention: fmt.Convention | None = None,
    measured: Measure | None = None,
) -> list[int] | None:
    """Widths in twips that fill `available`, or None if the table cannot fit (see
    `measure`; pass `measured` to fit one table to several widths without re-measuring)."""
    m = measured or measure(table, convention)
    needs, weights = m.needs, m.weights
    if sum(needs) > available:
        return None
    widths = list(needs)
    text_cols = [i for i, w in enumerate(weights) if w]
    if not text_cols:
        extra = (available - sum(widths)) // len(widths)
        return [w + extra for w in widths]
    # grow text columns toward their typical length, in proportion, until the page is full
    rest = available - sum(widths)
    total = sum(max(0, weights[i] - needs[i]) for i in text_cols) or 1
    for i in text_cols:
        widths[i] += rest * max(0, weights[i] - needs[i]) // total
    widths[text_cols[0]] += available - sum(widths)
    return widths


def needs_landscape(
    table: Table, portrait_width: int, convention: fmt.Convention | None = None
) -> bool:
    return column_widths(table, portrait_width, convention) is None


def fitting_scale(
    table: Table,
    available: int,
    convention: fmt.Convention | None = None,
    measured: Measure | None = None,
) -> float | None:
    """1.0 when the table fits `available`, a compact scale when it fits in smaller type
    (a portrait page beats a landscape one for a table just too wide), else None."""
    measured = measured or measure(table, convention)
    for scale in (1.0, *COMPACT_SCALES):
        if column_widths(table, int(available / scale), convention, measured) is not None:
            return scale
    return None
