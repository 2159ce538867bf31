"""`zip_member.whole_member` gives a member's bytes only when zipfile would read exactly
those without an error; a damaged member is left to zipfile (issue 8). `stored_copy`
copies only a plain package, and the copy reads as the package does."""

from __future__ import annotations

import contextlib
import copy
import io
import random
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook, TablesNotLoaded

from budgetbook import safety
from budgetbook.zip_member import stored_copy, whole_member, zipfile_copy
from wb_builders import excel_layout, streamed

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
    # a part is kept only as `whole_member` reads it: what zipfile reads, inflated
    # to exactly its declared size (a part zipfile alone reads is not kept)
    assert slow.inflated == {}
    with zipfile.ZipFile(path) as zf:
        for name, content in fast.inflated.items():
            assert zf.read(name) == content
    assert zlib.crc32(_TEXT)  # the parts are not empty: the cases read real data


# --- stored_copy: the package calamine reads, with the pre-check's parts stored ---------


def _kept(package: bytes) -> tuple[list[str], dict[str, bytes]]:
    """The names zipfile lists and, as the pre-check keeps them, the members
    `whole_member` reads whole (the last entry of a name only). Not zipfile's reads:
    zipfile cuts a part that inflates past its declared size, which calamine refuses
    (`safety._keepable`), and a copy of it read where the file is refused."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        infos = zf.infolist()
        kept = {}
        for info in infos:
            data = whole_member(package, info, safety.SHARED_BYTES)
            if data is not None and zf.getinfo(info.filename) is info:
                kept[info.filename] = data
    return [i.filename for i in infos], kept


def _padded(package: bytes) -> set[str]:
    """The members whose local header holds Excel's padding extra field (0xA220). Found
    by walking the headers: counting the field's two bytes in the whole package, as this
    test once did, also counted them in deflated data, by chance."""
    import struct

    found = set()
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        for info in zf.infolist():
            at = info.header_offset
            name_len, extra_len = struct.unpack("<2H", package[at + 26 : at + 30])
            extra = package[at + 30 + name_len : at + 30 + name_len + extra_len]
            while len(extra) >= 4:
                kind, size = struct.unpack("<2H", extra[:4])
                if kind == 0xA220:
                    found.add(info.filename)
                extra = extra[4 + size :]
    return found


def _every_read(package: bytes) -> list[tuple[str, object]]:
    """Each member by position: its name and what zipfile reads, or its error."""
    out: list[tuple[str, object]] = []
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        for info in zf.infolist():
            try:
                out.append((info.orig_filename, zf.read(info)))
            except Exception as exc:  # the error itself is what is compared
                out.append((info.orig_filename, type(exc).__name__))
    return out


def test_a_plain_package_is_copied_with_the_kept_parts_stored() -> None:
    package = _package()
    names, kept = _kept(package)
    copy_ = stored_copy(package, names, kept)
    assert copy_ is not None
    with zipfile.ZipFile(io.BytesIO(copy_)) as zf:
        assert zf.testzip() is None
        assert [i.compress_type for i in zf.infolist()] == [zipfile.ZIP_STORED] * 3
    assert _every_read(copy_) == _every_read(package)
    # a part not kept is copied as it is, still deflated
    partial = stored_copy(package, names, {_NAMES[0]: kept[_NAMES[0]]})
    assert partial is not None and _every_read(partial) == _every_read(package)
    types = [i.compress_type for i in zipfile.ZipFile(io.BytesIO(partial)).infolist()]
    assert types == [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_DEFLATED]


def _with_comment(package: bytes) -> bytes:
    return package[:-2] + b"\x03\x00abc"


def _with_extra(package: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in _NAMES:
            info = zipfile.ZipInfo(name)
            info.extra = b"\xfe\xca\x00\x00"
            zf.writestr(info, _TEXT)
    return buf.getvalue()


def _twice(package: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in (*_NAMES, _NAMES[1]):
            with pytest.warns(UserWarning) if name in zf.namelist() else contextlib.nullcontext():
                zf.writestr(name, _TEXT)
    return buf.getvalue()


_NOT_PLAIN: dict[str, Callable[[bytes], bytes]] = {
    "prepended": lambda p: b"MZ" + p,
    "appended": lambda p: p + b"\0",
    "zip comment": _with_comment,
    "extra fields": _with_extra,
    "a name twice": _twice,
    "data descriptors": streamed,
    "other local time": lambda p: _patch(p, _local(p, 1) + 10, b"\x01\x02"),
}


@pytest.mark.parametrize("case", sorted(_NOT_PLAIN))
def test_a_package_that_is_not_plain_is_not_copied(case: str) -> None:
    package = _NOT_PLAIN[case](_package())
    names, kept = _kept(package)
    assert kept, "zipfile reads it"
    assert stored_copy(package, names, kept) is None


@pytest.mark.parametrize("case", sorted(_NOT_PLAIN))
def test_a_package_that_is_not_plain_is_handed_over_as_zipfile_reads_it(case: str) -> None:
    """`zipfile_copy`: each name once, as zipfile reads it by that name, in a plain zip
    (`stored_copy` copies it: nothing left for another zip reader to read otherwise)."""
    package = _NOT_PLAIN[case](_package())
    names, kept = _kept(package)
    copied = _every_read(zipfile_copy(package))
    assert len(copied) == len(set(names)) and dict(copied) == {n: kept[n] for n in names}
    assert stored_copy(zipfile_copy(package), [n for n, _ in copied], {}) is not None


@pytest.mark.parametrize(("case", "package"), _CASES, ids=[c for c, _ in _CASES])
def test_a_copy_reads_every_member_as_the_package_does(case: str, package: bytes) -> None:
    names, kept = _kept(package)
    copied = stored_copy(package, names, kept)
    if copied is not None:
        assert _every_read(copied) == _every_read(package), case
    else:
        assert not case.startswith("clean"), "a clean package is copied"


def _calamine_view(source: str | bytes) -> object:
    """What the reader takes from calamine: sheet names, each sheet's extent and
    values; or only that it refused the workbook."""
    try:
        if isinstance(source, str):
            wb = CalamineWorkbook.from_path(source)
        else:
            wb = CalamineWorkbook.from_filelike(io.BytesIO(source))
            try:
                wb.table_names  # noqa: B018 - as the reader: an .xlsx, or refused
            except TablesNotLoaded:
                pass
            else:
                return "refused"
        with wb:
            view: list[object] = [wb.sheet_names]
            for name in wb.sheet_names:
                sheet = wb.get_sheet_by_name(name)
                view.append((sheet.end, sheet.to_python(skip_empty_area=False)))
            return view
    except BaseException as exc:  # a Rust panic too: refused either way
        if isinstance(exc, KeyboardInterrupt):
            raise
        return "refused"


def test_calamine_reads_a_copy_of_every_example_return_as_the_file() -> None:
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    for path in sorted(inbox.glob("*.xlsx")):
        check = safety.precheck(path)
        assert check.ok and check.package == path.read_bytes()
        copied = stored_copy(check.package, check.members, check.inflated)
        assert copied is not None, path.name
        stored = [i for i in zipfile.ZipFile(io.BytesIO(copied)).infolist() if i.compress_type == 0]
        assert {i.filename for i in stored} == set(check.inflated)
        assert _calamine_view(copied) == _calamine_view(str(path))


def test_mutated_packages_read_alike_from_the_file_and_the_copy(tmp_path: Path) -> None:
    """Bytes changed at random in a real return (its headers and directory, or its
    data): whenever the pre-check would pass it on (zipfile lists it) and it is copied,
    zipfile reads every member of the copy as of the file, and calamine reads the copy
    as it reads the file, or refuses both."""
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    original = sorted(inbox.glob("*.xlsx"))[0].read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        infos = zf.infolist()
        cd_start = zf.start_dir
    # where the structure is: local headers with their names, the directory, its end
    headers = [i.header_offset + k for i in infos for k in range(30 + len(i.filename))]
    structure = headers + list(range(cd_start, len(original)))
    rng = random.Random(8)
    copied = compared = 0
    for _ in range(400):
        mutant = bytearray(original)
        for _ in range(rng.choice((1, 1, 2, 3))):
            at = rng.choice(structure) if rng.random() < 0.7 else rng.randrange(len(original))
            mutant[at] = rng.randrange(256)
        package = bytes(mutant)
        try:
            names, kept = _kept(package)
        except Exception:  # zipfile cannot list it: the pre-check refuses it
            continue
        result = stored_copy(package, names, kept)
        if result is None:
            continue
        copied += 1
        assert _every_read(result) == _every_read(package)
        path = tmp_path / "retur.xlsx"
        path.write_bytes(package)
        assert _calamine_view(result) == _calamine_view(str(path))
        compared += 1
    assert copied >= 50 and compared == copied


def test_a_return_laid_out_as_excel_saves_it_is_copied(tmp_path: Path) -> None:
    """Excel pads some parts' local headers with an extra field the directory does not
    repeat: such a return is copied (it was read from the file, inflated twice), the
    padding kept, and the copy reads as the file."""
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    for source in sorted(inbox.glob("*.xlsx"))[:2]:
        package = excel_layout(source.read_bytes())
        path = tmp_path / source.name
        path.write_bytes(package)
        names, kept = _kept(package)
        copied = stored_copy(package, names, kept)
        assert copied is not None, source.name
        assert _padded(copied) == _padded(package) != set()
        assert _every_read(copied) == _every_read(package)
        assert _calamine_view(copied) == _calamine_view(str(path)) != "refused"


@pytest.mark.parametrize("kind", [0x0001, 0x7075, 0x5455, 0x9901])
def test_a_local_extra_field_of_another_kind_is_not_copied(kind: int) -> None:
    """zip64 sizes, a Unicode path, times, encryption: not Excel's padding, so the
    package is read as it is rather than copied."""
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    package = excel_layout(sorted(inbox.glob("*.xlsx"))[0].read_bytes(), padding=kind)
    names, kept = _kept(package)
    assert kept and stored_copy(package, names, kept) is None


def test_a_padding_block_cut_short_is_not_copied() -> None:
    package = excel_layout(_package())  # no padded part: pad the first one by hand
    at = _local(package, 0)
    name_len = int.from_bytes(package[at + 26 : at + 28], "little")
    body = at + 30 + name_len
    for extra in (b"\x20\xa2\x08\x00\x28\xa0", b"\x20\xa2", b"\x20"):  # block past its field
        padded = _patch(package, at + 28, len(extra).to_bytes(2, "little"))
        padded = padded[:body] + extra + padded[body:]
        # the directory's offsets of the later members move with the inserted bytes
        moved = bytearray(padded)
        for member in range(1, len(_NAMES)):
            entry = _central(padded, member) + 42
            offset = int.from_bytes(padded[entry : entry + 4], "little") + len(extra)
            moved[entry : entry + 4] = offset.to_bytes(4, "little")
        start = len(moved) - 22 + 16
        cd = int.from_bytes(moved[start : start + 4], "little") + len(extra)
        moved[start : start + 4] = cd.to_bytes(4, "little")
        names, kept = _kept(bytes(moved))
        assert kept, "zipfile reads it"
        assert stored_copy(bytes(moved), names, kept) is None, extra


def test_names_beyond_ascii_are_copied_as_zipfile_reads_them() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/blad_åäö.xml", _TEXT)  # UTF-8, flagged
        zf.writestr("xl/q.xml", _TEXT)
    package = buf.getvalue().replace(b"xl/q.xml", b"xl/\x82.xml")  # cp437, not flagged
    names, kept = _kept(package)
    assert names == ["xl/blad_åäö.xml", "xl/é.xml"]
    copied = stored_copy(package, names, kept)
    assert copied is not None and _every_read(copied) == _every_read(package)
    # names that are not the ones listed from this package: not copied
    assert stored_copy(package, ["xl/blad_aao.xml", "xl/é.xml"], kept) is None
    assert stored_copy(package, ["xl/blad_åäö.xml", "xl/q.xml"], kept) is None
    assert stored_copy(package, names[:1], kept) is None
