"""The cell formats of `xlsx_stream`'s workbooks: xlsxwriter-like dicts in, the
deduplicated records of styles.xml out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_BORDERS = {1: "thin", 2: "medium", 5: "thick", 6: "double"}


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


class Styles:
    """Cell formats as xlsxwriter-like dicts, deduplicated into styles.xml records."""

    def __init__(self) -> None:
        self.fonts: dict[str, int] = {'<font><sz val="11"/><name val="Calibri"/></font>': 0}
        self.fills: dict[str, int] = {
            '<fill><patternFill patternType="none"/></fill>': 0,
            '<fill><patternFill patternType="gray125"/></fill>': 1,
        }
        self.borders: dict[str, int] = {
            "<border><left/><right/><top/><bottom/><diagonal/></border>": 0
        }
        self.num_fmts: dict[str, int] = {}
        self.xfs: dict[str, int] = {
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>': 0
        }

    @staticmethod
    def _index(table: dict[str, int], xml: str) -> int:
        return table.setdefault(xml, len(table))

    def add(self, spec: dict[str, Any]) -> int:
        font = (
            "<font>" + ("<b/>" if spec.get("bold") else "") + ("<i/>" if spec.get("italic") else "")
        )
        font += f'<sz val="{spec.get("font_size", 11):g}"/>'
        if spec.get("font_color"):
            font += f'<color rgb="FF{spec["font_color"].lstrip("#").upper()}"/>'
        font += f'<name val="{_attr(spec.get("font_name", "Calibri"))}"/></font>'
        fill = 0
        if spec.get("bg_color"):
            rgb = spec["bg_color"].lstrip("#").upper()
            fill = self._index(
                self.fills,
                f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
                '<bgColor indexed="64"/></patternFill></fill>',
            )
        sides = []
        for side in ("left", "right", "top", "bottom"):
            style = _BORDERS.get(spec.get(side, 0))
            sides.append(
                f'<{side} style="{style}"><color auto="1"/></{side}>' if style else f"<{side}/>"
            )
        border = self._index(self.borders, f"<border>{''.join(sides)}<diagonal/></border>")
        num = 0
        code = spec.get("num_format")
        if code == "0":
            num = 1
        elif code:
            num = self.num_fmts.setdefault(code, 164 + len(self.num_fmts))
        align = ""
        if spec.get("align"):
            align += f' horizontal="{spec["align"]}"'
        if spec.get("valign") in ("top", "center"):
            align += f' vertical="{spec["valign"]}"'
        if spec.get("text_wrap"):
            align += ' wrapText="1"'
        if spec.get("indent"):  # (Excel indents only left- or right-aligned text)
            align += f' indent="{int(spec["indent"])}"'
        xf = (
            f'<xf numFmtId="{num}" fontId="{self._index(self.fonts, font)}" fillId="{fill}" '
            f'borderId="{border}" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" '
            f'applyBorder="1" applyAlignment="1">'
            + (f"<alignment{align}/>" if align else "")
            + "</xf>"
        )
        return self._index(self.xfs, xf)

    def xml(self) -> str:
        def block(tag: str, items: Iterable[str], n: int) -> str:
            return f'<{tag} count="{n}">{"".join(items)}</{tag}>'

        num_fmts = [
            f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>'
            for code, i in self.num_fmts.items()
        ]
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
            + (block("numFmts", num_fmts, len(num_fmts)) if num_fmts else "")
            + block("fonts", self.fonts, len(self.fonts))
            + block("fills", self.fills, len(self.fills))
            + block("borders", self.borders, len(self.borders))
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            + block("cellXfs", self.xfs, len(self.xfs))
            + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )
