"""`zip_member.whole_member` gives a member's bytes only when zipfile would read exactly
those without an error; a damaged member is left to zipfile (issue 8)."""

from __future__ import annotations

import copy
import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from budgetbook import safety
from budgetbook.zip_member import whole_member

_TEXT = b'<?xml version="1.0"?>\n<worksheet><sheetData>' + b'<row r="1"><c r="A1"/></row>' * 300
_TEXT += b"</sheetData></worksheet>"
_NAMES = ("xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml")


def _package(method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name in _NAMES:
            zf.writestr(name, _TEXT)
    return buf.getvalue()


def _central(package: bytes, member: int) -> int:
    """Offset of a member's central directory entry."""
    at = package.index(b"PK\x01\x02")
    for _ in range(member):
        at = package.index(b"PK\x01\x02", at + 1)
    return at


def _local(package: bytes, member: int) -> int:
    at = package.index(b"PK\x03\x04")
    for _ in range(member):
        at = package.index(b"PK\x03\x04", at + 1)
    return at


def _patch(package: bytes, at: int, value: bytes) -> bytes:
    return package[:at] + value + package[at + len(value) :]


def _set_flag(package: bytes, member: int, bit: int) -> bytes:
    at = _central(package, member) + 8
    flags = int.from_bytes(package[at : at + 2], "little") | bit
    return _patch(package, at, flags.to_bytes(2, "little"))


def _grow_compressed_size(package: bytes, member: int) -> bytes:
    at = _central(package, member) + 20
    size = int.from_bytes(package[at : at + 4], "little") + 7
    return _patch(package, at, size.to_bytes(4, "little"))


def _damage_data(package: bytes, member: int) -> bytes:
    start = _local(package, member) + 30 + len(_NAMES[member])
    return _patch(package, start + 3, b"\xff\xff\xff\xff")


_DAMAGE: dict[str, Callable[[bytes, int], bytes]] = {
    "clean": lambda p, m: p,
    "bad CRC": lambda p, m: _patch(p, _central(p, m) + 16, b"\0\0\0\0"),
    "bad data": _damage_data,
    "other local name": lambda p, m: _patch(p, _local(p, m) + 30, b"yl"),
    "bad local signature": lambda p, m: _patch(p, _local(p, m), b"PK\x03\x05"),
    "encrypted": lambda p, m: _set_flag(p, m, 0x1),
    "patched data": lambda p, m: _set_flag(p, m, 0x20),
    "larger file size": lambda p, m: _patch(p, _central(p, m) + 24, b"\xff\x7f\0\0"),
    "longer compressed data": _grow_compressed_size,
}
_CASES = [
    (f"{damage} {method} {member}", fn(_package(method), member))
    for damage, fn in _DAMAGE.items()
    for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED)
    for member in range(len(_NAMES))
]


def test_an_offset_before_the_start_or_an_overlong_member_is_left_to_zipfile() -> None:
    # found in review: a negative offset sliced the package from its end, and a member
    # claiming the rest of the file as compressed data was copied whole per member
    package = _package()
    for info in zipfile.ZipFile(io.BytesIO(package)).infolist():
        assert whole_member(package, info, 1 << 20) is not None
        before = copy.copy(info)
        before.header_offset = -len(package) + info.header_offset
        assert package[before.header_offset :][:4] == b"PK\x03\x04"  # what a slice would read
        assert whole_member(package, before, 1 << 20) is None
        overlong = copy.copy(info)
        overlong.compress_size = info.file_size + (info.file_size >> 10) + 65
        assert whole_member(package, overlong, 1 << 20) is None


def _zipfile_reads(package: bytes, info: zipfile.ZipInfo) -> list[object]:
    """What zipfile gives for the whole member and for its first 4 KB, or its error."""
    out: list[object] = []
    for size in (-1, 4096):
        try:
            with zipfile.ZipFile(io.BytesIO(package)) as zf, zf.open(info) as fh:
                out.append(fh.read(size))
        except Exception as exc:  # the error itself is what is compared
            out.append(type(exc).__name__)
    return out


@pytest.mark.parametrize(("case", "package"), _CASES, ids=[c for c, _ in _CASES])
def test_a_member_is_taken_only_as_zipfile_reads_it(case: str, package: bytes) -> None:
    for info in zipfile.ZipFile(io.BytesIO(package)).infolist():
        got = whole_member(package, info, 1 << 20)
        if got is not None:
            assert _zipfile_reads(package, info) == [got, got[:4096]], case
            assert whole_member(package, info, info.file_size - 1) is None  # over the limit
        else:
            assert not case.startswith("clean"), "a clean member is taken whole"


@pytest.mark.parametrize(("case", "package"), _CASES, ids=[c for c, _ in _CASES])
def test_precheck_finds_what_it_finds_through_zipfile_alone(
    case: str, package: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A package with a damaged part gets the verdict it gets when every part is read
    through zipfile (a failure names the exception zipfile raised)."""
    path = tmp_path / "retur.xlsx"
    path.write_bytes(package)
    fast = safety.precheck(path)
    monkeypatch.setattr(safety, "whole_member", lambda *args: None)
    slow = safety.precheck(path)
    assert (fast.ok, fast.problems, fast.transient) == (slow.ok, slow.problems, slow.transient)
    assert fast.inflated == slow.inflated
    assert zlib.crc32(_TEXT)  # the parts are not empty: the cases read real data
