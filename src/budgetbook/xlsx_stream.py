"""A small streaming .xlsx writer for the consolidated workbook (issue 8).

xlsxwriter costs ~10 µs per cell (a Python object per cell, then an XML writer call per
cell at close); the consolidated workbook has millions of cells at the scale of a large
kommun, most of them in the Källor sheet. This writer takes whole rows, turns each into
one XML string and streams it into the zip, so a sheet is never held in memory.

It writes only what budgetbook's workbooks use: text (always a shared string, `t="s"`:
a text can never become a formula, a number or a link), numbers, blanks; cell formats
(font, fill, top/bottom border, number format, wrap, alignment); column widths, row
heights, frozen panes, an autofilter, merged cells, landscape pages fitted to one page
wide, a repeated header row, a page header and numbered footer (`page_header`), Excel
told not to flag a text that looks like a number, and the document's title, company
and comments.

    with XlsxStream(path, title="...") as book:
        bold = book.add_format({"bold": True, "num_format": "#,##0"})
        with book.sheet("Blad", widths=[20, 12], freeze=(4, 1)) as sheet:
            sheet.row(0, [("Rubrik", bold), (12.5, bold)])
            sheet.autofilter(3, 0, 10, 1)

Rows are 0-based and must be given in increasing order; one sheet is open at a time.
A value or sheet name Excel cannot take raises XlsxStreamError (a Swedish message); on
any error the `with` blocks close the sheet's and the zip's handles and let the error
through. Text goes out as UTF-8 with a lone surrogate (an undecodable file name) as "?".
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from os import PathLike
from types import TracebackType
from typing import Any, Self

from xlsxwriter.utility import xl_rowcol_to_cell

from . import xlsx_package as package
from .errors import XlsxStreamError
from .fmt import xml_safe
from .page_header import FOOTER, page_header
from .xlsx_cells import LETTERS as _LETTERS
from .xlsx_cells import ROW as _ROW
from .xlsx_cells import STYLE_TEXT as _STYLE_TEXT
from .xlsx_cells import PreparedTemplates, cell_number, prepared_columns, shared_strings
from .xlsx_cells import escape as _esc
from .xlsx_cells import letters as _letters
from .xlsx_styles import MAIN_NS as _MAIN
from .xlsx_styles import XML_HEAD as _HEAD
from .xlsx_styles import Styles
from .zip_writer import ZipWriter

_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_FLUSH_CHARS = 1 << 20
_BLOCK_ROWS = 1024  # rows of `typed_columns` made between checks for a flush
# Excel's tallest row, in points: a row asked to be taller (a list row naming a
# thousand avdelningar) is written at this height, as Excel would show it
MAX_ROW_HEIGHT = 409
# every text this writer writes is meant as text (a heading "2027", a code, a cell
# list "rad 12"): without this Excel marks each one that looks like a number with a
# green triangle, "Talet i den här cellen är formaterat som text"
_TEXT_IS_MEANT = (
    '<ignoredErrors><ignoredError sqref="A1:XFD1048576" numberStoredAsText="1"/></ignoredErrors>'
)


def _row_open(n: str, height: float | None) -> str:
    """A row's opening tag: its height if set, at most Excel's tallest row."""
    if not height:
        return f'<row r="{n}">'
    return f'<row r="{n}" ht="{min(height, MAX_ROW_HEIGHT):g}" customHeight="1">'


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "replace")


def cell_ref(row: int, col: int, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, absolute, absolute)


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


class _SharedStrings(dict[str, str]):
    """Text -> its index in sharedStrings.xml, as the text a cell's <v> carries.

    `table[text]` adds a new text on first sight (`__missing__`), so the lookup of a text
    seen before (nearly every one in Källor) is a single C-level dict access; the index
    is kept as a str because it only ever goes into XML. Insertion order = index order.
    """

    def __missing__(self, text: str) -> str:
        index = self[text] = str(len(self))
        return index


class _Closing:
    """`with`: close() when the block succeeds, abort() (which raises nothing over the
    block's own error) when it fails."""

    def close(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class SheetStream(_Closing):
    """One worksheet being written; rows go straight into the zip."""

    def __init__(
        self,
        book: XlsxStream,
        index: int,
        name: str,
        widths: Sequence[float | None],
        freeze: tuple[int, int] | None,
        height_default: float,
        fit_width: bool,
    ) -> None:
        self.book, self.index, self.name = book, index, name
        self._strings = book._strings
        self._zip = book._writer
        self._zip.open(f"xl/worksheets/sheet{index + 1}.xml")
        self._parts: list[str] = []
        self._size = 0
        self._last = -1
        self._merged: list[str] = []
        self._filter = ""
        self.landscape = True
        self._fit_width = fit_width  # in the head (sheetPr) and the tail (pageSetup)
        self.repeat_row: int | None = None
        fit = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if fit_width else ""
        head = [f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{package.REL}">{fit}']
        selected = ' tabSelected="1"' if index == 0 else ""
        view = f'<sheetView{selected} workbookViewId="0"'
        if freeze and (freeze[0] or freeze[1]):
            r, c = freeze
            pane = "bottomRight" if r and c else ("bottomLeft" if r else "topRight")
            split = (f' xSplit="{c}"' if c else "") + (f' ySplit="{r}"' if r else "")
            top_left = cell_ref(r, c)
            view += (
                f'><pane{split} topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
                f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/></sheetView>'
            )
        else:
            view += "/>"
        head.append(f"<sheetViews>{view}</sheetViews>")
        head.append(f'<sheetFormatPr defaultRowHeight="{height_default:g}"/>')
        if widths:
            cols = "".join(
                f'<col min="{i + 1}" max="{i + 1}" width="{w + 0.7109375:.8g}" customWidth="1"/>'
                for i, w in enumerate(widths)
                if w is not None
            )
            head.append(f"<cols>{cols}</cols>")
        head.append("<sheetData>")
        self._write("".join(head))

    def _write(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size > _FLUSH_CHARS:
            self._flush()

    def _flush(self) -> None:
        self._zip.write(_utf8("".join(self._parts)))
        self._parts.clear()
        self._size = 0

    def row(self, r: int, cells: Sequence[tuple[Any, int]], height: float | None = None) -> None:
        """Row `r` (0-based): (value, format) per column from A; value None is a blank
        cell with its format, str a text, bool "ja"/"nej", int/float a number."""
        if r <= self._last:
            raise ValueError(f"rows must be written in order: {r} after {self._last}")
        self._last = r
        n = str(r + 1)  # as text once per row, each format's number once per book
        out = [_row_open(n, height)]
        strings, style_text = self._strings, _STYLE_TEXT
        letters = _LETTERS if len(cells) <= len(_LETTERS) else _letters(len(cells))
        for c, (value, style) in enumerate(cells):
            kind = type(value)  # exact types first: this loop runs for every cell
            s = style_text[style]
            if kind is str:
                idx = strings[value]
                out.append(f'<c r="{letters[c]}{n}" s="{s}" t="s"><v>{idx}</v></c>')
            elif value is None:
                out.append(f'<c r="{letters[c]}{n}" s="{s}"/>')
            elif kind is int:
                out.append(f'<c r="{letters[c]}{n}" s="{s}"><v>{value}</v></c>')
            else:
                out.append(self._other(value, style, f"{letters[c]}{n}"))
        out.append("</row>")
        self._write("".join(out))

    def fixed_rows(
        self, styles: Sequence[int], numbers: Collection[int] = ()
    ) -> Callable[[int, Sequence[Any]], None]:
        """A writer for many rows of one shape, `write(r, values)`: one value per column
        with the column's format, text (str) in every column but those in `numbers`,
        which take int or float. Faster than `row` for long sheets such as Källor.

        Text columns are not type-checked (this is the hot path): the caller passes str
        there, as Källor's rows do."""
        write = self.prepared_rows(styles, numbers)
        name = self.name

        def number(value: Any) -> str:
            return cell_number(value, name)

        text = self.book.text_value
        convert = [number if c in numbers else text for c in range(len(styles))]
        call = operator.call

        def write_values(r: int, values: Sequence[Any]) -> None:
            write(r, list(map(call, convert, values)))

        return write_values

    def prepared_rows(
        self, styles: Sequence[int], numbers: Collection[int] = ()
    ) -> Callable[[int, Sequence[str]], None]:
        """As `fixed_rows`, for values already prepared: `XlsxStream.text_value` of each
        text and `cell_number` of each number in `numbers` (what `fixed_rows` builds on;
        Källor's `raw_rows` goes further); a value goes into the XML as it is, so it
        must come from those two functions."""
        number_cols = frozenset(numbers)
        if not number_cols <= set(range(len(styles))):
            raise ValueError("number columns outside the row")
        letters = _LETTERS if len(styles) <= len(_LETTERS) else _letters(len(styles))
        # the XML before each value, the row number as _ROW (filled in by one replace):
        # joining fragments is ~4x faster than str.format on a template (issue 8)
        before = [
            ("" if c == 0 else "</v></c>")
            + f'<c r="{letters[c]}{_ROW}" s="{style}"'
            + ("><v>" if c in number_cols else ' t="s"><v>')
            for c, style in enumerate(styles)
        ]
        head, tail = f'<row r="{_ROW}">', ("</v></c></row>" if styles else "</row>")
        add, join = operator.add, "".join

        def write(r: int, values: Sequence[str]) -> None:
            if r <= self._last:
                raise ValueError(f"rows must be written in order: {r} after {self._last}")
            self._last = r
            cells = join(map(add, before, values))
            self._write((head + cells + tail).replace(_ROW, str(r + 1)))

        return write

    def raw_rows(self) -> Callable[[int, Sequence[str]], int]:
        """A writer of rows whose XML the caller assembled from `row_pieces` templates:
        `write(first, rows)` writes `rows` as rows `first`, `first` + 1, …, fills in their
        row numbers and returns the last row written. Källor hands over its lines a few
        thousand at a time, not a call per figure (~460 000 lines at N = 1 000; issue 8).
        """
        parts = self._parts

        def write(first: int, rows: Sequence[str]) -> int:
            if first <= self._last:
                raise ValueError(f"rows must be written in order: {first} after {self._last}")
            n, size = first, 0
            for row in rows:
                n += 1  # the 1-based row number of the XML
                line = row.replace(_ROW, str(n))
                parts.append(line)
                size += len(line)
            self._last = n - 1 if rows else self._last
            self._size += size
            if self._size > _FLUSH_CHARS:
                self._flush()
            return self._last

        return write

    def typed_rows(self, styles: Sequence[int]) -> Callable[[int, list[Any], float | None], None]:
        """A writer of rows with one format per column, `write(r, values, height)`, the same
        XML as `row(r, list(zip(values, styles)), height)`: a view's table has a few shapes of row
        (which columns are text, number or blank), each filled into a %-template made
        once, its values converted by C-level calls (issue 8: `row` made every cell with
        an f-string in a Python loop). A value of another type goes through `row`."""
        letters = _LETTERS if len(styles) <= len(_LETTERS) else _letters(len(styles))
        text, call = self.book.text_value, operator.call
        refs = [(f'<c r="{letters[c]}{_ROW}" s="{_STYLE_TEXT[s]}"') for c, s in enumerate(styles)]

        def number(c: int, value: float) -> str:
            if math.isfinite(value):
                return f"{value:.16G}"
            return self._other(value, styles[c], f"{letters[c]}{self._last + 1}")  # raises

        # per type: the cell's template (a blank takes its None as "%.0s": nothing) and
        # the conversion of its value (`row`'s, case by case)
        kinds: dict[type, tuple[str, Callable[[Any], str]]] = {
            str: (' t="s"><v>%s</v></c>', text),
            type(None): ("/>%.0s", str),
            int: ("><v>%s</v></c>", str),
            float: ("><v>%s</v></c>", str),  # `number` of the column, below
        }
        shapes: dict[tuple[type, ...], tuple[str, tuple[Callable[[Any], str], ...]] | None] = {}

        def shape(types: tuple[type, ...]) -> tuple[str, tuple[Callable[[Any], str], ...]] | None:
            if not all(t in kinds for t in types) or len(types) != len(refs):
                made = shapes[types] = None
                return made
            made = shapes[types] = (
                "".join(ref + kinds[t][0] for ref, t in zip(refs, types, strict=True)) + "</row>",
                tuple(
                    functools.partial(number, c) if t is float else kinds[t][1]
                    for c, t in enumerate(types)
                ),
            )
            return made

        def write(r: int, values: list[Any], height: float | None = None) -> None:
            types = tuple(map(type, values))
            made = shapes.get(types, False)
            if made is False:
                made = shape(types)
            if made is None:  # e.g. a bool: as `row` writes it
                self.row(r, list(zip(values, styles, strict=True)), height)
                return
            if r <= self._last:
                raise ValueError(f"rows must be written in order: {r} after {self._last}")
            self._last = r
            template, convert = made
            n = str(r + 1)
            head = _row_open(n, height)
            self._write(head + (template % tuple(map(call, convert, values))).replace(_ROW, n))

        return write

    def typed_columns(
        self, styles: Mapping[Hashable, Sequence[int]]
    ) -> Callable[[int, Sequence[Hashable], Sequence[Sequence[Any]]], int]:
        """A writer of a block of rows given column by column, `write(first, kinds,
        columns)`: row `first` + i has the values `columns[c][i]` and the formats
        `styles[kinds[i]]`, the XML `typed_rows` writes row by row (no heights), its
        texts looked up in the same order. The values are prepared a column at a time
        (`prepared_columns`) and each row filled into its shape's template, no Python
        call per row or cell (issue 8: ~84 000 rows of views at N = 1 000). Returns the
        last row written."""
        templates = PreparedTemplates(styles)

        def write(first: int, kinds: Sequence[Hashable], columns: Sequence[Sequence[Any]]) -> int:
            if first <= self._last:
                raise ValueError(f"rows must be written in order: {first} after {self._last}")
            if any(len(column) != len(kinds) for column in columns):
                raise ValueError("columns of unequal length")
            prepared = prepared_columns(columns, self.book.text_value)
            rows = zip(*(prepared or columns), strict=True) if columns else [()] * len(kinds)
            if prepared is None:  # a value to write as `row` does: row by row
                writers = {kind: self.typed_rows(st) for kind, st in styles.items()}
                for r, kind, values in zip(itertools.count(first), kinds, rows, strict=False):
                    writers[kind](r, list(values))
                return self._last
            out: list[str] = []
            numbers = map(str, itertools.count(first + 1))  # 1-based in the XML
            for n, kind, values in zip(numbers, kinds, rows, strict=False):
                out.append((templates[kind, tuple(map(type, values))] % values).replace(_ROW, n))
                if len(out) >= _BLOCK_ROWS:  # a flush now and then: overlaps the deflating
                    self._write_lines(out)
            self._write_lines(out)
            self._last = first + len(kinds) - 1 if kinds else self._last
            return self._last

        return write

    def _write_lines(self, lines: list[str]) -> None:
        """Rows' XML into the part (and `lines` emptied)."""
        self._parts += lines
        self._size += sum(map(len, lines))
        lines.clear()
        if self._size > _FLUSH_CHARS:
            self._flush()

    def _other(self, value: Any, style: int, ref: str) -> str:
        if isinstance(value, bool):
            value = "ja" if value else "nej"
        if isinstance(value, str):
            idx = self._strings[str(value)]
            return f'<c r="{ref}" s="{style}" t="s"><v>{idx}</v></c>'
        if isinstance(value, int | float) and math.isfinite(value):
            return f'<c r="{ref}" s="{style}"><v>{float(value):.16G}</v></c>'
        raise XlsxStreamError(f"{self.name}!{ref}: {value!r} kan inte skrivas till Excel")

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        self._merged.append(f'<mergeCell ref="{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"/>')

    def autofilter(self, r1: int, c1: int, r2: int, c2: int) -> None:
        self._filter = f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"
        self.book._names.append(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{self.index}" hidden="1">'
            f"{package.attr(_quote_sheet(self.name))}!{cell_ref(r1, c1, True)}:{cell_ref(r2, c2, True)}"
            "</definedName>"
        )

    def close(self) -> None:
        tail = ["</sheetData>"]
        if self._filter:
            tail.append(f'<autoFilter ref="{self._filter}"/>')
        if self._merged:
            tail.append(
                f'<mergeCells count="{len(self._merged)}">{"".join(self._merged)}</mergeCells>'
            )
        tail.append(
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        )
        setup = ' paperSize="9"' + (' fitToHeight="0"' if self._fit_width else "")
        setup += ' orientation="landscape"' if self.landscape else ' orientation="portrait"'
        tail.append(f"<pageSetup{setup}/>")
        if self.book.header is not None:  # the sheet's name in the middle
            left, right = self.book.header
            tail.append(
                f"<headerFooter><oddHeader>{package.text(page_header(left, self.name, right))}"
                f"</oddHeader><oddFooter>{_esc(FOOTER)}</oddFooter></headerFooter>"
            )
        tail.append(_TEXT_IS_MEANT)
        tail.append("</worksheet>")
        self._write("".join(tail))
        self._zip.write(_utf8("".join(self._parts)))
        self._zip.close_member()
        if self.repeat_row is not None:
            n = self.repeat_row + 1
            self.book._names.append(
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{self.index}">'
                f"{package.attr(_quote_sheet(self.name))}!${n}:${n}</definedName>"
            )
        self.book._open = None

    def abort(self) -> None:
        """After an error: the book's abort closes the sheet's zip handle."""
        self.book._open = None


class XlsxStream(_Closing):
    """The workbook: sheets in the order they are opened, then the shared parts."""

    def __init__(
        self,
        path: str | PathLike[str],
        *,
        title: str = "",
        company: str = "",
        comments: str = "",
        level: int = 1,
        header: tuple[str, str] | None = None,
    ) -> None:
        """`header`: the left and right parts of every printed page's header (the
        sheet's name goes in the middle, page numbers in the footer); None: none."""
        self.header = header
        self._writer = ZipWriter(path, level)
        self._styles = Styles()
        self._strings = _SharedStrings()
        # text -> the XML value of a cell showing it (its shared-string index): the
        # table's own C-level lookup, no Python call per text (Källor looks up millions)
        self.text_value: Callable[[str], str] = self._strings.__getitem__
        self._sheets: list[str] = []
        self._names: list[str] = []
        self._open: SheetStream | None = None
        self._props = (title, company, comments)

    def add_format(self, spec: dict[str, Any]) -> int:
        return self._styles.add(spec)

    def sheet(
        self,
        name: str,
        *,
        widths: Sequence[float | None] = (),
        freeze: tuple[int, int] | None = None,
        row_height: float = 15,
        fit_width: bool = True,
    ) -> SheetStream:
        """Open sheet `name`; `fit_width`: printed one page wide (else Excel's default).

        The name is checked as Excel (and xlsxwriter) do: 1 to 31 characters, none of
        []:*?/\\, not starting or ending with an apostrophe, unique ignoring case;
        characters XML cannot carry are dropped first."""
        if self._open is not None:
            raise RuntimeError("close the open sheet first")
        name = xml_safe(name)
        if (
            not 0 < len(name) <= 31
            or _BAD_SHEET_NAME.search(name)
            or name[0] == "'"
            or name[-1] == "'"
        ):
            raise XlsxStreamError(
                f"ogiltigt bladnamn {name!r}: 1–31 tecken, inga []:*?/\\ och ingen apostrof "
                "först eller sist"
            )
        if name.casefold() in (s.casefold() for s in self._sheets):
            raise XlsxStreamError(f"bladnamnet {name!r} finns redan i arbetsboken")
        self._open = SheetStream(
            self, len(self._sheets), name, widths, freeze, row_height, fit_width
        )
        self._sheets.append(name)
        return self._open

    def close(self) -> None:
        """Finish the open sheet and the shared parts; on an error, `abort` and re-raise."""
        try:
            self._finish()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """After an error: close the open sheet's and the zip's handles, raising nothing
        over the error (zipfile refuses to close with a handle open)."""
        if self._open is not None:
            self._open.abort()
        self._writer.abort()

    def _finish(self) -> None:
        if self._open is not None:
            self._open.close()
        n = len(self._sheets)
        title, company, comments = self._props
        self._put("[Content_Types].xml", package.content_types(n))
        self._put("_rels/.rels", package.root_rels())
        self._put("docProps/core.xml", package.core_props(title, comments))
        self._put("docProps/app.xml", package.app_props(company))
        self._put("xl/workbook.xml", package.workbook(self._sheets, self._names))
        self._put("xl/_rels/workbook.xml.rels", package.workbook_rels(n))
        self._put("xl/styles.xml", self._styles.xml())
        w = self._writer
        w.open("xl/sharedStrings.xml")
        count = len(self._strings)
        w.write(_utf8(f'{_HEAD}<sst xmlns="{_MAIN}" count="{count}" uniqueCount="{count}">'))
        for xml in shared_strings(list(self._strings)):  # insertion order = index order
            w.write(_utf8(xml))
        w.write(_utf8("</sst>"))
        w.close_member()
        w.close()

    def _put(self, member: str, xml: str) -> None:
        self._writer.writestr(member, _utf8(xml))
