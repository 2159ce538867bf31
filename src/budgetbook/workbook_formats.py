"""The cell formats and row heights shared by the consolidated workbook's sheets
(`workbook_out` for the views, `workbook_lists` for the list sheets)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import RowKind
from .xlsx_stream import SheetStream, XlsxStream

TKR_FORMAT = "#,##0"
PCT_FORMAT = "0 %"
HEADER_ROW = 3  # 0-based: caption, unit line, blank, header
# The heading row's height on every sheet: a heading wraps onto two lines in its blue
# band ("Tidpunkt för rapportering", "Förändring B2026–B2027, tkr"). A row without a
# height stays one line high in LibreOffice, the wrapped heading drawn above the band.
HEADER_HEIGHT = 30


def header_row(ws: SheetStream, cells: Sequence[tuple[Any, int]]) -> None:
    """A sheet's heading row (`HEADER_ROW`), (heading, format) per column, `HEADER_HEIGHT`
    high: every sheet of the consolidated workbook writes its headings so."""
    ws.row(HEADER_ROW, cells, height=HEADER_HEIGHT)


class Formats:
    """The cell formats of the consolidated workbook, made once per file."""

    def __init__(self, wb: XlsxStream):
        font = {"font_name": "Calibri", "font_size": 10}
        self.caption = wb.add_format({**font, "bold": True, "font_size": 13})
        self.info = wb.add_format({**font, "italic": True, "font_color": "#555555"})
        self.note = wb.add_format({**font, "italic": True, "text_wrap": True, "valign": "top"})
        head = {**font, "bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True}
        self.head_text = wb.add_format({**head, "valign": "bottom"})
        self.head_num = wb.add_format({**head, "align": "right", "valign": "bottom"})
        # a text column right of a figure: indented, or "Negativ risk" ran into
        # "Kommentar" and -450 into the comment beside it
        self.head_after = wb.add_format({**head, "align": "left", "indent": 1, "valign": "bottom"})
        self.text = wb.add_format({**font, "text_wrap": True, "valign": "top"})
        self.wb, self._font, self._head = wb, font, head
        self.lists: dict[tuple[str | None, str | None], int] = {}
        self.cells: dict[tuple[str, RowKind], int] = {}
        for kind in RowKind:
            style = {**font, "valign": "top"}
            if kind in (RowKind.TOTAL, RowKind.SUBTOTAL):
                style["bold"] = True
                style["top"] = 1
            if kind is RowKind.TOTAL:
                style["bottom"] = 6  # double line under the nämnd total
            if kind is RowKind.HEADING:
                style["bold"] = True
                style["italic"] = True
            for col_kind, num in (("tkr", TKR_FORMAT), ("pct", PCT_FORMAT), ("int", "0")):
                self.cells[(col_kind, kind)] = wb.add_format({**style, "num_format": num})
            self.cells[("text", kind)] = wb.add_format(style)
            # a view's text column: a risk's description or comment may be a sentence or
            # two, cut at the column's edge unwrapped (the widths are capped)
            self.cells[("wrap", kind)] = wb.add_format({**style, "text_wrap": True})
            self.cells[("wrap_after", kind)] = wb.add_format(
                {**style, "text_wrap": True, "align": "left", "indent": 1}
            )

    def list_cell(self, num_format: str | None = None, align: str | None = None) -> int:
        """A list sheet's body cell (`workbook_lists.write_list`): wrapped text, or a number in
        `num_format`; `align` "right" or "center"."""
        key = (num_format, align)
        style = self.lists.get(key)
        if style is None:
            spec: dict[str, Any] = {**self._font, "valign": "top"}
            if num_format:
                spec["num_format"] = num_format
            else:
                spec["text_wrap"] = True
            if align:
                spec["align"] = align
            style = self.lists[key] = self.wb.add_format(spec)
        return style

    def list_head(self, align: str | None) -> int:
        """A list sheet's heading cell over a column aligned `align`."""
        if not align:
            return self.head_text
        style = self.lists.get(("head", align))
        if style is None:
            spec = {**self._head, "valign": "bottom", "align": align}
            style = self.lists[("head", align)] = self.wb.add_format(spec)
        return style

    def cell(self, col_kind: str, row_kind: RowKind) -> int:
        key = (col_kind, row_kind)
        return self.cells[key] if key in self.cells else self.cells[("text", row_kind)]


def wrapped_lines(text: str, width: float, per_unit: float = 1.1) -> int:
    """How many lines a wrapped text needs in a column `width` characters wide, at
    `per_unit` characters of the 10-point font per unit of width (a little fewer
    counted than fit: a line breaks between words)."""
    chars = max(int(width * per_unit), 8)
    return sum(max(1, -(-len(part) // chars)) for part in str(text).split("\n"))
