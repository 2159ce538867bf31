"""Builders for the workbook tests: example settings, generated templates, filled returns."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl

from budgetbook.example import write_example_returns
from budgetbook.schema import Schema, build_schema
from budgetbook.settings import Settings, load_settings
from budgetbook.templates import write_templates

if TYPE_CHECKING:
    from budgetbook.reader import ReadResult

ROOT = Path(__file__).resolve().parent.parent


def example_settings(tmp: Path) -> Settings:
    """A copy of the bundled example settings in `tmp` (so tests never touch the repo)."""
    src = ROOT / "src" / "budgetbook" / "resources" / "example"
    shutil.copytree(src, tmp, dirs_exist_ok=True)
    return load_settings(tmp / "budgetbook.toml")


def round_files(tmp: Path) -> tuple[Settings, Schema, list[Path], list[Path]]:
    """Settings, schema, templates and filled example returns in `tmp`."""
    settings = example_settings(tmp)
    schema = build_schema(settings)
    templates = write_templates(settings, schema, tmp / "workbook_templates")
    returns = write_example_returns(settings, templates, tmp / "inbox")
    return settings, schema, templates, returns


EKO_RETURN = "Budget 2027 Ekonomiavdelningen.xlsx"


def edited_return(
    rnd: tuple[Settings, Schema, list[Path], list[Path]],
    tmp_path: Path,
    edit: Callable[[openpyxl.Workbook, Schema], None],
    name: str = EKO_RETURN,
) -> tuple[ReadResult, Path]:
    """One of `rnd`'s example returns (`round_files`), edited by `edit` with openpyxl
    as a person edits it, saved in `tmp_path` and read back by our reader."""
    from budgetbook.reader import read_return

    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(next(p for p in returns if p.name == name))
    edit(wb, schema)
    out = tmp_path / name
    wb.save(out)
    return read_return(out, settings, schema), out


# The parts Excel pads in their local header (with 512 or 256 bytes), as in workbooks
# Excel saves: the directory does not repeat the padding.
_EXCEL_PADDED = {"[Content_Types].xml": 516, "_rels/.rels": 516}


def excel_layout(package: bytes, padding: int = 0xA220) -> bytes:
    """`package` laid out as Excel writes a workbook: deflated members with flags
    0x0006, and a padding extra field (kind `padding`) in the local headers of the
    content types, the relationships and docProps that the directory does not repeat."""
    import struct
    import zipfile
    import zlib

    out, directory = bytearray(), []
    with zipfile.ZipFile(io.BytesIO(package)) as src:
        members = [(i.filename, src.read(i)) for i in src.infolist()]
    for name, content in members:
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        stream = deflate.compress(content) + deflate.flush()
        size = _EXCEL_PADDED.get(name, 260 if name.endswith(".rels") or "docProps/" in name else 0)
        extra = struct.pack("<2HH", padding, size, 0xA028) + bytes(size - 2) if size else b""
        raw, crc, offset = name.encode(), zlib.crc32(content), len(out)
        fields = (6, 8, 0, 0x21, crc, len(stream), len(content), len(raw))
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *fields, len(extra)) + raw + extra
        out += stream
        directory.append(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 20, *fields, 0, 0, 0, 0, 0, offset) + raw
        )
    start, listing = len(out), b"".join(directory)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(listing), start, 0
    )
    return bytes(out) + listing + end


def streamed(package: bytes) -> bytes:
    """`package` rewritten as a zip writer that cannot seek writes it (LibreOffice among
    them): deflated members with their sizes and CRCs in data descriptors after each,
    a package `stored_copy` declines."""
    import zipfile

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b) -> int:  # type: ignore[override]
            self.data += b
            return len(b)

    out = Unseekable()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            with dst.open(info.filename, "w") as fh:
                fh.write(src.read(info))
    return bytes(out.data)


def both_ways(path: Path, settings, schema, monkeypatch) -> ReadResult:
    """Read `path` per row and cell by cell (`reader_sheets.FAST_ROWS` off); assert the
    same result, findings, identity and cache entry either way; return it."""
    from budgetbook import read_cache, reader_sheets
    from budgetbook.reader import read_return

    fast = read_return(path, settings, schema)
    with monkeypatch.context() as m:
        m.setattr(reader_sheets, "FAST_ROWS", False)
        exact = read_return(path, settings, schema)
    assert fast.identity == exact.identity
    assert fast.submission == exact.submission
    assert [p.message for p in fast.problems] == [p.message for p in exact.problems]
    assert fast.problems == exact.problems
    assert read_cache.encode(fast.identity, fast.submission, fast.problems) == read_cache.encode(
        exact.identity, exact.submission, exact.problems
    )
    return fast


def empty_texts(wb: openpyxl.Workbook) -> list[tuple[str, str]]:
    """(sheet, cell) of every cell holding the text "": Excel counts it as filled
    (COUNTA, Ctrl+arrow) and a filter's "(Tomma)" does not find it."""
    return [
        (ws.title, cell.coordinate)
        for ws in wb
        for row in ws.iter_rows()
        for cell in row
        if cell.value == ""
    ]


def workbook_text(path: Path) -> str:
    """Every cell value of every sheet of the workbook at `path`, joined by spaces."""
    return " ".join(
        str(c.value)
        for ws in openpyxl.load_workbook(path).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value
    )


def assert_golden(folder: Path, name: str, text: str) -> None:
    """`text` is exactly `folder`/`name` (BUDGETBOOK_GOLDEN=write rewrites it, to be read
    and committed)."""
    import os

    path = folder / name
    if os.environ.get("BUDGETBOOK_GOLDEN") == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), name


def saved_at(path: Path, when: datetime) -> None:
    """The workbook's own saved time (docProps/core.xml), as Excel writes it on saving."""
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as src:
        parts = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, body in parts:
            if info.filename == "docProps/core.xml":
                body, n = re.subn(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    body,
                )
                assert n == 1
            dst.writestr(info, body)


def printed_points(ws, font: float = 11) -> float:  # type: ignore[no-untyped-def]
    """The size `font` prints at on a sheet fitted one page wide, by Excel's measure:
    a column `w` wide as stored is int(7 w + 0.5) pixels of Calibri 11 (a pixel is
    ¾ point), the page's width less its left and right margins."""
    from openpyxl.utils import range_boundaries

    last = ws.max_column
    if ws.print_area:
        area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
        last = range_boundaries(area.split("!")[-1].replace("$", ""))[2]
    widths: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        for col in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
            widths[col] = dim.width
    pixels = sum(int(7 * widths.get(col, 8.43) + 0.5) for col in range(1, last + 1))
    portrait = (595.28, 841.89)  # A4
    page = portrait[1] if ws.page_setup.orientation == "landscape" else portrait[0]
    printable = page - 72 * (ws.page_margins.left + ws.page_margins.right)
    return font * min(1.0, printable / (pixels * 0.75))
