"""Builders for the robustness tests: a filled example return with one sheet's XML edited
the way a hostile or broken file would be (the reader never sees such a file otherwise)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from budgetbook.reader_parts import read_zip_parts


def sheet_member(data: bytes, sheet: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return read_zip_parts(zf, {sheet}, ()).sheet_files[sheet]


def edit_sheet_xml(src: Path, out: Path, sheet: str, edit: Callable[[str], str]) -> Path:
    """A copy of `src` with the XML of `sheet` passed through `edit`."""
    data = src.read_bytes()
    member = sheet_member(data, sheet)
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename == member:
                part = edit(part.decode("utf-8")).encode("utf-8")
            zout.writestr(info, part)
    out.write_bytes(buf.getvalue())
    return out


def far_cell(ref: str, *, dimension: str = "A1", with_r: bool = True) -> Callable[[str], str]:
    """Add one text cell at `ref` and declare the sheet's dimension as `dimension`."""
    row = int(re.match(r"[A-Z]+(\d+)", ref).group(1))  # type: ignore[union-attr]

    def edit(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', xml)
        cell = f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>'
        return xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>')

    return edit


def wide_row_without_refs(row: int, cells: int) -> Callable[[str], str]:
    """A row of `cells` cells without r attributes (allowed by OOXML: they follow on)."""

    def edit(xml: str) -> str:
        body = '<c t="inlineStr"><is><t>x</t></is></c>' * cells
        return xml.replace("</sheetData>", f'<row r="{row}">{body}</row></sheetData>')

    return edit


def set_cell_xml(ref: str, cell_xml: str) -> Callable[[str], str]:
    """Replace the cell `ref` (which must exist) by `cell_xml`."""

    def edit(xml: str) -> str:
        found = re.search(rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)', xml, re.S)
        assert found, ref
        return xml.replace(found.group(0), cell_xml)

    return edit
