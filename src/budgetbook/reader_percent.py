"""Indicator values a department head typed as percentages.

Excel stores "68 %" as 0.68 with a percent number format; calamine gives the value
only, which reached the draft as "0,68" (review). For the few numeric cells of the
Mål och indikatorer sheet, the cell's style is looked up in the sheet's XML and the
package's styles.xml (read only then), and a percent-formatted value is shown as Excel
shows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import safe_xml
from .fmt import NBSP, round_half_up

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# Excel's built-in percent formats: 9 "0%", 10 "0.00%"
_BUILTIN = {9: 0, 10: 2}
_QUOTED = re.compile(r'"[^"]*"|\\.')


def percent_styles(styles_xml: bytes) -> dict[int, int]:
    """Cell style index (`s`) -> decimals, for the styles whose number format is a
    percentage."""
    if not styles_xml:
        return {}
    root = safe_xml.fromstring(styles_xml)
    formats = dict(_BUILTIN)
    for nf in root.iter(f"{_NS}numFmt"):
        code = _QUOTED.sub("", nf.get("formatCode", ""))
        if "%" in code:
            number = code.split(";")[0]
            decimals = number.split(".")[1] if "." in number else ""
            formats[int(nf.get("numFmtId", "-1"))] = sum(ch in "0#?" for ch in decimals)
    found: dict[int, int] = {}
    xfs = root.find(f"{_NS}cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else ()):
        decimals = formats.get(int(xf.get("numFmtId", "0")))
        if decimals is not None:
            found[i] = decimals
    return found


def cell_style(sheet_xml: bytes, a1: str) -> int:
    """The style index of cell `a1` in a sheet's XML (0: the default)."""
    tag = re.search(rb'<c\b[^>]*\br="' + a1.encode() + rb'"[^>]*>', sheet_xml)
    if tag is None:
        return 0
    style = re.search(rb'\bs="(\d+)"', tag.group(0))
    return int(style.group(1)) if style else 0


def as_percent(value: float, decimals: int) -> str:
    """0.685 with 0 decimals -> "69 %", with 1 -> "68,5 %", as a Swedish Excel shows it."""
    shown = round_half_up(value * 100, decimals)
    text = f"{shown:.{decimals}f}".replace(".", ",").replace("-", "\u2212")
    return f"{text}{NBSP}%"


class PercentCells:
    """Asks whether a number typed in a cell has a percent format: styles.xml is read
    (with `read_part`, a zip member's bytes) at the first number asked about."""

    def __init__(self, read_part: Callable[[str], bytes] = lambda member: b"") -> None:
        self.read_part = read_part
        self.styles: dict[int, int] | None = None

    def shown(self, sheet_xml: bytes, a1: str, value: float) -> str | None:
        """`value` as Excel shows it ("68 %" for 0.68) if its cell has a percent format,
        else None."""
        if self.styles is None:
            self.styles = percent_styles(self.read_part("xl/styles.xml"))
        decimals = self.styles.get(cell_style(sheet_xml, a1)) if self.styles else None
        return None if decimals is None else as_percent(value, decimals)
