"""Render a model.Table as a Word table: caption, header, rows, source note.

The table XML is built as one string and parsed once, so filling is linear in rows
(python-docx's `table.cell(r, c)` re-walks the grid on every call and grows
quadratically). Formatting follows the kommun's sign convention and Swedish number
format (`fmt`); numbers are right-aligned, totals bold, the header row repeats on every
page, and column widths are fixed so Word and LibreOffice lay the table out alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, compress, islice, repeat
from operator import attrgetter, is_, is_not
from xml.sax.saxutils import escape, quoteattr

from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree

from .. import fmt
from ..model import RowKind, Table
from .deferred import DeferredTables
from .docx_template import SOURCE_NOTE, TABLE_STYLE, TABLE_TEXT, field_xml, style_id
from .table_measure import (
    BODY_PT,
    HEADER_PT,
    MIN_TEXT_WIDTH,
    MIN_WIDTH,
    Measure,
    column_cells,
    column_widths,
    is_numeric,
    measure,
)

# Tables up to this many rows are kept on one page with their caption (a short table
# split over two pages is hard to read); longer ones break between rows.
KEEP_TOGETHER_ROWS = 25
# In a longer table, a group (a heading row and the rows up to the next heading or
# the total: an avdelning's projects and their "Summa") of up to this many rows is
# kept on one page, so no page starts with projects whose heading is on the page
# before; a longer group breaks, but never right after its heading or its first row.
KEEP_GROUP_ROWS = 10


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


def kept_rows(table: Table, noted: bool = True) -> set[int]:
    """Rows (indexes into table.rows) kept with the next one, so Word and LibreOffice
    do not strand rows: a short table stays whole, with its caption (kept with the
    table) and its source note. In a longer one a group of up to KEEP_GROUP_ROWS rows
    (a heading, its rows and their subtotal) stays on one page; a longer group keeps
    its heading with the two rows under it (a heading is never the last row of a page,
    nor does one row stand under it). A subtotal stays with the row above it (a
    "Summa <avdelning>" at the top of a page, away from every row it sums, read as a
    total of the page before), and the last two rows (the total and the row above it)
    stay together and with the note. The header row repeats on every page and never
    stands alone.

    Word repeats only a table's header rows; a heading cannot be repeated as
    "<avdelning> (forts.)" on the page a long group continues on without knowing where
    the pages break, which only the program laying the document out knows.

    Without a note (`noted` false) the last row is kept with nothing: what follows the
    table (a heading, the next table) is not part of it, and a page must be able to
    break there."""
    n = len(table.rows)
    if n <= KEEP_TOGETHER_ROWS:
        kept = set(range(n))
    else:
        kinds = list(map(attrgetter("kind"), table.rows))  # in C: a long table has ~20 000 rows
        heads = list(compress(range(n), map(is_, kinds, repeat(RowKind.HEADING))))
        kept = set(heads) | {n - 2, n - 1}
        # row i when row i + 1 is a subtotal
        kept.update(compress(range(n - 1), map(is_, kinds[1:], repeat(RowKind.SUBTOTAL))))
        # each group: from its heading up to the next heading, the total or the end
        last = n - 1 if kinds[-1] is RowKind.TOTAL else n
        ends = [*heads[1:], last] if heads else []
        for start, end in zip(heads, ends, strict=True):
            if end - start <= KEEP_GROUP_ROWS:
                kept.update(range(start, end - 1))  # all but the group's last row
            else:
                kept.add(start + 1)  # the heading and its first two rows
    if not noted:
        kept.discard(n - 1)
    return kept


def _half_points(points: float, scale: float) -> int:
    """A type size in half points, `scale` times `points` (never under 6 pt)."""
    return max(12, round(round(points * 2) * scale))


ROWS_PER_CHUNK = 500
_ROW_START = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"  # a body row's


def table_xml_parts(
    table: Table,
    widths: list[int],
    style: TableStyle,
    texts: list[list[str]] | None = None,
    scale: float = 1.0,
    columns: list[list[str]] | None = None,
    noted: bool = True,
) -> Iterator[bytes]:
    """The <w:tbl> element for `table` in UTF-8 chunks, one pass over the rows (`texts`:
    `cell_texts`, or `columns`: `column_cells`, the same cells one list per column;
    `scale`: all type in `scale` times its size; `noted`: a note follows, `kept_rows`)."""
    cols = table.columns
    if columns is None:
        if texts is None:
            columns = column_cells(table, style.convention)
        else:
            body = [
                cells
                for row, cells in zip(table.rows, texts, strict=True)
                if row.kind is not RowKind.HEADING
            ]
            columns = [list(column) for column in zip(*body, strict=True)] if cols else []
    keep = kept_rows(table, noted)
    body_hp = None if scale == 1.0 else _half_points(BODY_PT, scale)  # None: the style's
    parts = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{style.table_style}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        # the table's alternative text (title), what a screen reader names it by
        f"<w:tblCaption w:val={quoteattr(fmt.xml_safe(caption_text(table)))}/>"
        "</w:tblPr><w:tblGrid>"
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
    distinct = [set(column) for column in columns]  # each once: a big table repeats many
    plain = _PLAIN_CHECK.search("".join(["".join(texts) for texts in distinct])) is None
    n = len(table.rows)
    # rows made one by one below: headings, totals, rows kept with the next, and every
    # row of a table with text to escape; the rest (nearly all of a long table's rows)
    # are plain data rows made in bulk
    if plain:
        kinds = map(attrgetter("kind"), table.rows)
        special = sorted(keep.union(compress(range(n), map(is_not, kinds, repeat(RowKind.DATA)))))
    else:
        special = list(range(n))
    if len(special) < n and cols:
        # per column, each distinct text's cell made once, as UTF-8, and then looked up
        # in C; the row's start and end go with its first and last cell. A run of rows
        # is then one join in C: no per-row string, no encoding of the whole XML after
        # (~110 MB at N = 1000, issue 8)
        looked_up = []
        frame = frame_of(RowKind.DATA, False)
        last = len(cols) - 1
        for c, (column, texts, (opened, closed, empty)) in enumerate(
            zip(columns, distinct, frame, strict=True)
        ):
            before = _ROW_START if c == 0 else ""
            after = "</w:tr>" if c == last else ""
            # every cell of the column in one string, encoded at once and cut at the NULs
            # between them (plain: no text holds a NUL, nor does the XML around it)
            ordered = list(texts)  # never empty: the column has a plain data row
            cells = f"{closed}{after}\0{before}{opened}".join(ordered)
            made = dict(
                zip(
                    ordered,
                    f"{before}{opened}{cells}{closed}{after}".encode().split(b"\0"),
                    strict=True,
                )
            )
            made[""] = f"{before}{empty}{after}".encode()
            looked_up.append(map(made.__getitem__, column))
        rows: Iterator[tuple[bytes, ...]] = zip(*looked_up, strict=True)
    else:
        rows = repeat(())
    chunk = ["".join(parts).encode()]  # the table up to its body rows
    pos = 0  # the next row of table.rows to make
    j = 0  # its body row's index in `columns`
    for s in [*special, n]:
        while pos < s:  # plain data rows pos .. s - 1, up to the end of a chunk
            stop = min(s, (pos // ROWS_PER_CHUNK + 1) * ROWS_PER_CHUNK)
            chunk.append(b"".join(chain.from_iterable(islice(rows, stop - pos))))
            j += stop - pos
            pos = stop
            if pos % ROWS_PER_CHUNK == 0:
                yield b"".join(chunk)
                chunk.clear()
        if s == n:
            break
        row = table.rows[s]
        kept = s in keep
        if row.kind is RowKind.HEADING:
            xml = "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + _cell(
                row.label,
                sum(widths),
                style,
                bold=True,
                italic=True,
                span=len(cols),
                half_points=body_hp,
                keep=kept,
            )
        else:
            next(rows, None)  # its cells as a plain data row: not these
            frame = frame_of(row.kind, kept)
            texts_of_row = [column[j] for column in columns]
            row_parts = [_ROW_START]
            if plain:
                row_parts.extend(
                    opened + text + closed if text else empty
                    for text, (opened, closed, empty) in zip(texts_of_row, frame, strict=True)
                )
            else:
                _append_cells(row_parts, texts_of_row, frame)
            xml = "".join(row_parts)
            j += 1
        chunk.append((xml + "</w:tr>").encode())
        pos = s + 1
        if pos % ROWS_PER_CHUNK == 0:
            yield b"".join(chunk)
            chunk.clear()
    chunk.append(b"</w:tbl>")
    yield b"".join(chunk)


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
    noted: bool = True,
) -> str:
    """The <w:tbl> element for `table` as one string (see `table_xml_parts`)."""
    parts = table_xml_parts(table, widths, style, texts, scale, columns, noted)
    return b"".join(parts).decode()


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
    noted = bool(lines)
    if deferred is not None:
        tbl = deferred.add(
            lambda: table_xml_parts(table, widths, style, None, scale, columns, noted)
        )
    else:
        tbl = parse_xml(table_xml(table, widths, style, None, scale, columns, noted))
    elements = [caption_xml(style, number, caption_text(table)), tbl]
    # no empty paragraph for space under a table without a note: what follows (a
    # heading, the next table's caption) has its space above in its style
    if lines:
        elements.append(note_xml(style, lines))
    for xml in elements:
        end.addprevious(parse_xml(xml) if isinstance(xml, str) else xml)
