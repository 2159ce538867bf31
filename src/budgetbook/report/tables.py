"""Render a model.Table as a Word table: caption, header, rows, source note.

The table XML is built as one string and parsed once, so filling is linear in rows
(python-docx's `table.cell(r, c)` re-walks the grid on every call and grows
quadratically). Formatting follows the kommun's sign convention and Swedish number
format (`fmt`); numbers are right-aligned, totals bold, the header row repeats on every
page, and column widths are fixed so Word and LibreOffice lay the table out alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any
from xml.sax.saxutils import escape

from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree

from .. import fmt
from ..model import Column, Row, RowKind, Table
from .deferred import DeferredTables
from .docx_template import SOURCE_NOTE, TABLE_STYLE, TABLE_TEXT, field_xml, style_id

# Minimum widths in twips (1 cm = 567) for numeric kinds; text columns share the rest.
# "value": a figure already formatted as text (indicator values), right-aligned like numbers.
MIN_WIDTH = {"tkr": 900, "pct": 700, "int": 600, "value": 800}
MIN_TEXT_WIDTH = 1300
BODY_PT, HEADER_PT = 8.5, 7.5
CELL_PADDING = 150  # both cell margins plus a little air
# Compact table style: every size times the scale (body 7.5 pt, then 7 pt), no smaller.
COMPACT_SCALES = (7.5 / BODY_PT, 7.0 / BODY_PT)
# Tables up to this many rows are kept on one page with their caption (a short table
# split over two pages is hard to read); longer ones break between rows.
KEEP_TOGETHER_ROWS = 25


# What `clean` changes: the characters escape() replaces and those xml_safe() drops.
_UNCLEAN = re.compile(f"[&<>{fmt.INVALID_XML_CHARS}]")
# ... and what else a table cell's text needs handled: a line break
_PLAIN_CHECK = re.compile(f"[&<>\n{fmt.INVALID_XML_CHARS}]")


def clean(text: str) -> str:
    """Escape for XML text; drop the control characters XML 1.0 cannot carry."""
    if _UNCLEAN.search(text) is None:  # most texts (every figure): one scan in C (issue 8)
        return text
    return escape(fmt.xml_safe(text))


@dataclass(slots=True)
class TableStyle:
    """What the renderer needs from the document: style ids, header colour, sign convention."""

    table_style: str
    text_style: str
    note_style: str
    caption_style: str
    header_fill: str
    convention: fmt.Convention


def table_style_for(doc: Document, header_fill: str, convention: fmt.Convention) -> TableStyle:
    return TableStyle(
        table_style=style_id(doc, TABLE_STYLE),
        text_style=style_id(doc, TABLE_TEXT),
        note_style=style_id(doc, SOURCE_NOTE),
        caption_style=style_id(doc, "Caption"),
        header_fill=header_fill,
        convention=convention,
    )


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


def _column_texts(
    table: Table, column: Column, convention: fmt.Convention, values: list[object]
) -> list[str]:
    """`values` of `column` as shown. Amounts, percents and counts are formatted once per
    distinct value: a big table repeats many (issue 8)."""
    cell = _formatter(table, column, convention)
    if column.kind in _SHOW:
        classes = set(map(type, values))
        if classes <= _NUMBERS:  # every value a number or None: `cell` without a call per value
            distinct = set(values)
            distinct.discard(None)
            numbers = list(distinct)
            show = _SHOW[column.kind]
            signed = column.key in table.signed_columns
            texts = map(show, map(convention.display, numbers) if signed else numbers)
            shown = dict(zip(numbers, texts, strict=True))
            shown[None] = ""
            return list(map(shown.__getitem__, values))
        if classes <= _ALIKE_WHEN_EQUAL:
            shown = {v: cell(v) for v in set(values)}
            return list(map(shown.__getitem__, values))
    return list(map(cell, values))


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


def _twips(ems: float, points: float, bold: bool) -> int:
    width = ems * points * 20
    return int(width * (1.07 if bold else 1.0))


def text_twips(text: str, points: float, bold: bool = False) -> int:
    """Approximate width of `text` in twips at `points` (20 twips per point)."""
    return _twips(_ems(text), points, bold)


def _widest(texts: Iterable[str], points: float, bold: bool = False) -> int:
    """`max(text_twips(t, points, bold) for t in texts)`, 0 for none: each distinct text
    summed once, and only the widest converted (the width grows with the sum, so it is
    the same maximum; a big table repeats many figures, issue 8)."""
    return _twips(max(map(_ems, set(texts)), default=0), points, bold)


# Where a line may break: spaces, and after a dash or slash ("B2026–B2027" breaks after "–").
_BREAKS = re.compile(r"\s+|(?<=[\u2013\-/])")


def _longest_word(text: str, points: float, bold: bool = False) -> int:
    return max((text_twips(w, points, bold) for w in _BREAKS.split(text) if w), default=0)


def cell_texts(table: Table, convention: fmt.Convention) -> list[list[str]]:
    """Every body cell as shown (`format_value`, or the label in a leading text column
    without a value), one list per row; HEADING rows give []."""
    return _rows_of(table, _column_cells(table, convention))


def _rows_of(table: Table, columns: list[list[str]]) -> list[list[str]]:
    """`_column_cells` as one list per row of `table`, [] for HEADING rows."""
    if not table.columns:
        return [[] for _ in table.rows]
    cells = map(list, zip(*columns, strict=True))
    return [[] if row.kind is RowKind.HEADING else next(cells) for row in table.rows]


def _column_cells(table: Table, convention: fmt.Convention) -> list[list[str]]:
    """The body cells of `cell_texts`, one list per column (rows without HEADING rows)."""
    return _column_cells_and_values(table, convention)[0]


def _column_cells_and_values(
    table: Table, convention: fmt.Convention
) -> tuple[list[list[str]], list[list[object]]]:
    """`_column_cells`, and each column's values (`row.values.get(key)`) beside."""
    cols = table.columns
    rows = [row for row in table.rows if row.kind is not RowKind.HEADING]
    if not cols:
        return [], []
    # column by column: what depends on the column is decided once, and each value is
    # fetched by a map in C, not a Python expression per cell (issue 8)
    values = [row.values for row in rows]
    raw = [list(map(dict.get, values, repeat(col.key))) for col in cols]
    columns = [
        _column_texts(table, col, convention, col_values)
        for col, col_values in zip(cols, raw, strict=True)
    ]
    if cols[0].kind == "text":
        key = cols[0].key
        columns[0] = [
            row.label if key not in v else text
            for row, v, text in zip(rows, values, columns[0], strict=True)
        ]
    return columns, raw


@dataclass(slots=True)
class Measure:
    """What a table needs, measured once: its cells as shown and each column's minimum
    width and share of the rest (the fit to a page width is then arithmetic)."""

    columns: list[list[str]]  # `_column_cells`: the body cells, one list per column
    needs: list[int]
    weights: list[int]


def measure(table: Table, convention: fmt.Convention | None = None) -> Measure:
    """Numeric columns need room for their longest value and the longest word of their
    heading (so no word is broken); text columns need their longest word and share the
    rest in proportion to their typical length."""
    convention = convention or fmt.Convention()
    columns, raw = _column_cells_and_values(table, convention)
    labels = [r.label for r in table.rows if r.kind is not RowKind.HEADING]
    needs: list[int] = []
    weights: list[int] = []
    for i, col in enumerate(table.columns):
        header = _longest_word(col.heading, HEADER_PT, bold=True)
        if is_numeric(col):
            longest = _widest(columns[i], BODY_PT, True)
            needs.append(max(MIN_WIDTH[col.kind], header + CELL_PADDING, longest + CELL_PADDING))
            weights.append(0)
        else:
            values = raw[i]
            if col.key == "label":
                shown = [str(v or label) for v, label in zip(values, labels, strict=True)]
            else:
                shown = [str(v or "") for v in values]
            distinct = set(shown)
            # the words of all texts at once: a space between two texts is a break, so
            # no word runs from one into the next (one split in C, not one a text)
            words = set(_BREAKS.split(" ".join(distinct)))
            words.discard("")
            word = _widest(words, BODY_PT, True)  # the longest word of any text
            needs.append(max(MIN_TEXT_WIDTH, header + CELL_PADDING, word + CELL_PADDING))
            twips = {t: text_twips(t, BODY_PT) for t in distinct}
            lengths = sorted(map(twips.__getitem__, shown))
            typical = lengths[len(lengths) * 3 // 4] if lengths else 0
            weights.append(max(1, typical + CELL_PADDING))
    return Measure(columns, needs, weights)


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


def caption_text(table: Table) -> str:
    """The caption after "Tabell N: ", with the unit when the table has amounts."""
    caption = table.caption.strip()
    has_amounts = any(c.kind == "tkr" for c in table.columns)
    if has_amounts and table.unit and table.unit.lower() not in caption.lower():
        caption = f"{caption}, {table.unit}"
    return caption


def caption_xml(style: TableStyle, number: int, text: str, label: str = "Tabell") -> str:
    seq = field_xml(f"SEQ {label} \\* ARABIC", str(number))
    return (
        f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style.caption_style}"/>'
        f'<w:keepNext/></w:pPr><w:r><w:t xml:space="preserve">{label} </w:t></w:r>'
        f"{seq}"
        f'<w:r><w:t xml:space="preserve">: {clean(text)}</w:t></w:r></w:p>'
    )


def note_xml(style: TableStyle, lines: Sequence[str]) -> str:
    runs = []
    for i, line in enumerate(lines):
        if i:
            runs.append("<w:r><w:br/></w:r>")
        runs.append(f'<w:r><w:t xml:space="preserve">{clean(line)}</w:t></w:r>')
    return (
        f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style.note_style}"/></w:pPr>'
        f"{''.join(runs)}</w:p>"
    )


def _cell_frame(width: int, style: TableStyle, **kwargs) -> tuple[str, str, str]:
    """`_cell` split around its text: (the cell up to the text, the cell after the text,
    the cell without text)."""
    marker = "\ue000"  # a private-use character: clean() keeps it as it is
    opened, closed = _cell(marker, width, style, **kwargs).split(marker)
    return opened, closed, _cell("", width, style, **kwargs)


def _cell(
    text: str,
    width: int,
    style: TableStyle,
    *,
    right: bool = False,
    bold: bool = False,
    italic: bool = False,
    fill: str = "",
    colour: str = "",
    span: int = 1,
    top_border: bool = False,
    half_points: int | None = None,
    keep: bool = False,
) -> str:
    """One <w:tc>: `half_points` sets the type size, `keep` keeps it with the next row."""
    tcpr = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        tcpr.append(f'<w:gridSpan w:val="{span}"/>')
    if top_border:
        tcpr.append('<w:tcBorders><w:top w:val="single" w:sz="8" w:color="404040"/></w:tcBorders>')
    if fill:
        tcpr.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
    if fill:  # header cells: headings of different heights line up at the bottom
        tcpr.append('<w:vAlign w:val="bottom"/>')
    rpr = "".join(
        (
            "<w:b/><w:bCs/>" if bold else "",
            "<w:i/>" if italic else "",
            f'<w:color w:val="{colour}"/>' if colour else "",
            f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>' if half_points else "",
        )
    )
    rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else "<w:rPr/>"
    ppr = (
        f'<w:pStyle w:val="{style.text_style}"/>'
        + ("<w:keepNext/>" if keep else "")
        + ('<w:jc w:val="right"/>' if right else "")
    )
    run = ""
    if text:
        lines = clean(text).split("\n")
        inner = '</w:t><w:br/><w:t xml:space="preserve">'.join(lines)
        run = f'<w:r>{rpr}<w:t xml:space="preserve">{inner}</w:t></w:r>'
    return f"<w:tc><w:tcPr>{''.join(tcpr)}</w:tcPr><w:p><w:pPr>{ppr}{rpr}</w:pPr>{run}</w:p></w:tc>"


def kept_rows(table: Table) -> set[int]:
    """Rows (indexes into table.rows) kept with the next one, so Word and LibreOffice
    do not strand rows: a short table stays whole, with its caption (kept with the
    table) and its source note; in a longer one a group heading row stays with the row
    under it, and the last two rows (the total and the row above it) stay together and
    with the note. The header row repeats on every page and never stands alone."""
    n = len(table.rows)
    if n <= KEEP_TOGETHER_ROWS:
        return set(range(n))
    return {i for i, r in enumerate(table.rows) if r.kind is RowKind.HEADING} | {n - 2, n - 1}


def _half_points(points: float, scale: float) -> int:
    """A type size in half points, `scale` times `points` (never under 6 pt)."""
    return max(12, round(round(points * 2) * scale))


ROWS_PER_CHUNK = 500


def table_xml_parts(
    table: Table,
    widths: list[int],
    style: TableStyle,
    texts: list[list[str]] | None = None,
    scale: float = 1.0,
    columns: list[list[str]] | None = None,
) -> Iterator[str]:
    """The <w:tbl> element for `table` in chunks, one pass over the rows (`texts`:
    `cell_texts`, or `columns`: `_column_cells`, the same cells one list per column;
    `scale`: all type in `scale` times its size)."""
    cols = table.columns
    if columns is None:
        if texts is None:
            columns = _column_cells(table, style.convention)
        else:
            body = [
                cells
                for row, cells in zip(table.rows, texts, strict=True)
                if row.kind is not RowKind.HEADING
            ]
            columns = [list(column) for column in zip(*body, strict=True)] if cols else []
    keep = kept_rows(table)
    body_hp = None if scale == 1.0 else _half_points(BODY_PT, scale)  # None: the style's
    parts = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{style.table_style}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
    ]
    parts.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
    parts.append("</w:tblGrid>")
    # header: repeated on every page, never split
    parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
    for col, width in zip(cols, widths, strict=True):
        parts.append(
            _cell(
                col.heading,
                width,
                style,
                right=is_numeric(col),
                bold=True,
                fill=style.header_fill,
                colour="FFFFFF",
                half_points=_half_points(HEADER_PT, scale),
            )
        )
    parts.append("</w:tr>")
    numeric = [is_numeric(c) for c in cols]
    # the cell XML around the text depends only on the column, the row's kind and
    # whether it is kept with the next: made once each (`_cell_frame`), then a cell is
    # its opening + text + closing, or the empty cell (issue 8)
    frames: dict[tuple[RowKind, bool], list[tuple[str, str, str]]] = {}

    def frame_of(kind: RowKind, kept: bool) -> list[tuple[str, str, str]]:
        frame = frames.get((kind, kept))
        if frame is None:
            bold = kind in (RowKind.TOTAL, RowKind.SUBTOTAL)
            frame = frames[(kind, kept)] = [
                _cell_frame(
                    w,
                    style,
                    right=numeric[c],
                    bold=bold,
                    top_border=kind is RowKind.TOTAL,
                    half_points=body_hp,
                    keep=kept,
                )
                for c, w in enumerate(widths)
            ]
        return frame

    # most tables hold no text that needs escaping or a line break (figures never do):
    # found with one scan of all their texts, their cells skip the per-cell work (issue 8)
    plain = _PLAIN_CHECK.search("".join(["".join(column) for column in columns])) is None
    # the cells of every body row as a plain data row not kept with the next (nearly
    # all of a long table's rows): per column, each distinct text's cell made once and
    # then looked up in C, a row joined in C (issue 8); other rows are made below
    if plain and cols and len(keep) < len(table.rows):
        looked_up = []
        for column, (opened, closed, empty) in zip(
            columns, frame_of(RowKind.DATA, False), strict=True
        ):
            made = {text: opened + text + closed for text in set(column)}
            made[""] = empty
            looked_up.append(map(made.__getitem__, column))
        data_rows: Iterator[str] = map("".join, zip(*looked_up, strict=True))
    else:
        data_rows = repeat("")
    j = 0  # the body row's index in `columns`
    for i, row in enumerate(table.rows):
        kept = i in keep
        if row.kind is RowKind.HEADING:
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            parts.append(
                _cell(
                    row.label,
                    sum(widths),
                    style,
                    bold=True,
                    italic=True,
                    span=len(cols),
                    half_points=body_hp,
                    keep=kept,
                )
            )
            parts.append("</w:tr>")
        else:
            cells = next(data_rows)
            if kept or row.kind is not RowKind.DATA or not plain:
                frame = frame_of(row.kind, kept)
                texts_of_row = [column[j] for column in columns]
                if plain:
                    cells = "".join(
                        [
                            opened + text + closed if text else empty
                            for text, (opened, closed, empty) in zip(
                                texts_of_row, frame, strict=True
                            )
                        ]
                    )
                else:
                    row_parts: list[str] = []
                    _append_cells(row_parts, texts_of_row, frame)
                    cells = "".join(row_parts)
            parts.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
            j += 1
        if i % ROWS_PER_CHUNK == ROWS_PER_CHUNK - 1:
            yield "".join(parts)
            parts.clear()
    parts.append("</w:tbl>")
    yield "".join(parts)


def _append_cells(parts: list[str], cells: list[str], frame: list[tuple[str, str, str]]) -> None:
    """A row's cells, each escaped and with its line breaks (see `table_xml_parts`)."""
    for text, (opened, closed, empty) in zip(cells, frame, strict=True):
        if not text:
            parts.append(empty)
            continue
        text = clean(text)
        if "\n" in text:
            text = '</w:t><w:br/><w:t xml:space="preserve">'.join(text.split("\n"))
        parts.append(f"{opened}{text}{closed}")


def table_xml(
    table: Table,
    widths: list[int],
    style: TableStyle,
    texts: list[list[str]] | None = None,
    scale: float = 1.0,
    columns: list[list[str]] | None = None,
) -> str:
    """The <w:tbl> element for `table` as one string (see `table_xml_parts`)."""
    return "".join(table_xml_parts(table, widths, style, texts, scale, columns))


def render_table(
    end: etree._Element,
    table: Table,
    number: int,
    available: int,
    style: TableStyle,
    notes: Sequence[str] = (),
    scale: float = 1.0,
    measured: Measure | None = None,
    deferred: DeferredTables | None = None,
) -> None:
    """Add caption, table and source note, in order, before `end` (the body's final
    w:sectPr, which stays its last child).

    `available` is the text width of the section it lands in; the caller chooses a
    landscape section when `needs_landscape` says the portrait width is too narrow, or
    a compact `scale` from `fitting_scale` (type and widths scaled down together).
    With `deferred`, the table goes into the document as a placeholder and its XML is
    written only when the document is saved (`DeferredTables.save`).
    """
    measured = measured or measure(table, style.convention)
    widths = column_widths(table, int(available / scale), style.convention, measured)
    if widths is None:  # still too wide: squeeze numeric columns proportionally
        total = sum(MIN_WIDTH.get(c.kind, MIN_TEXT_WIDTH) for c in table.columns)
        widths = [available * MIN_WIDTH.get(c.kind, MIN_TEXT_WIDTH) // total for c in table.columns]
    elif scale != 1.0:
        widths = [int(w * scale) for w in widths]
        widths[0] += available - sum(widths)
    lines = [n for n in (table.note, *notes) if n]
    columns = measured.columns
    if deferred is not None:
        tbl = deferred.add(lambda: table_xml_parts(table, widths, style, None, scale, columns))
    else:
        tbl = parse_xml(table_xml(table, widths, style, None, scale, columns))
    elements = [caption_xml(style, number, caption_text(table)), tbl]
    if lines:
        elements.append(note_xml(style, lines))
    else:  # a little space after the table
        elements.append(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style.note_style}"/></w:pPr></w:p>'
        )
    for xml in elements:
        end.addprevious(parse_xml(xml) if isinstance(xml, str) else xml)
