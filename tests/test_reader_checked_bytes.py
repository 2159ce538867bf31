"""The reader reads the bytes the pre-check passed, not the file again (issue 8): the
file may have been replaced in between (OneDrive, an antivirus program), and calamine
gets the parts the pre-check inflated stored rather than inflating them again."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetbook import collect, safety
from budgetbook.reader import read_return
from wb_builders import excel_layout, round_files, streamed


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("checked"))


def _file_and_bytes(path: Path, settings, schema):
    """The pre-check's result, then `path` read from the file and from the checked bytes."""
    check = safety.precheck(path)
    assert check.ok and check.package is not None
    alone = read_return(path, settings, schema)
    shared = read_return(
        path,
        settings,
        schema,
        inflated=check.inflated,
        members=check.members,
        package=check.package,
    )
    return alone, shared


def _replaced_after_check(
    job: collect.ReadJob, other: bytes, monkeypatch: pytest.MonkeyPatch
) -> tuple[collect.Checked, object]:
    """`job` checked and read while its file is replaced by `other` right after the
    pre-check (OneDrive, an antivirus program); then, the file now being `other`, read
    again: what was read, and the outcome of reading `other`."""
    real_precheck = safety.precheck

    def precheck_then_replaced(path: Path, name: str | None = None) -> safety.SafetyResult:
        result = real_precheck(path, name)
        path.write_bytes(other)  # another return now, checked by nobody
        return result

    monkeypatch.setattr(safety, "precheck", precheck_then_replaced)
    got = collect.check_and_read(job, precheck=True)
    monkeypatch.setattr(safety, "precheck", real_precheck)
    return got, collect.check_and_read(job, precheck=True).outcome


def test_a_file_replaced_after_its_check_is_read_as_it_was_checked(
    rnd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, schema, _, returns = rnd
    checked, other = returns[0].read_bytes(), returns[1].read_bytes()
    path = tmp_path / "retur.xlsx"
    path.write_bytes(checked)
    job = collect.ReadJob(path, path.name, settings, schema)
    expected = collect.check_and_read(job, precheck=True).outcome
    got, after = _replaced_after_check(job, other, monkeypatch)
    assert got.outcome == expected
    assert got.check is not None and got.check.package is None  # not sent back to main
    assert after != expected  # it differs


@pytest.mark.parametrize(
    ("layout", "copied"),
    [(excel_layout, True), (streamed, False)],
    ids=["as Excel saves it", "with data descriptors"],
)
def test_a_return_in_any_zip_layout_replaced_after_its_check_is_read_as_checked(
    rnd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout, copied: bool
) -> None:
    """Copied with its parts stored or not (then calamine gets the checked bytes as
    zipfile reads them, `zipfile_copy`), what is read is what was checked: Excel's
    returns were read from the file again, whatever had replaced it since the check."""
    from budgetbook.zip_member import stored_copy

    settings, schema, _, returns = rnd
    checked = layout(returns[0].read_bytes())
    other = layout(returns[1].read_bytes())
    path = tmp_path / "retur.xlsx"
    path.write_bytes(checked)
    check = safety.precheck(path)
    assert (
        check.ok
        and (stored_copy(check.package, check.members, check.inflated) is not None) == copied
    )
    job = collect.ReadJob(path, path.name, settings, schema)
    expected = collect.check_and_read(job, precheck=True).outcome
    assert expected is not None and expected.submission is not None
    got, after = _replaced_after_check(job, other, monkeypatch)
    assert got.outcome == expected
    assert after != expected  # it differs


def test_the_checked_bytes_read_as_the_file(rnd, tmp_path: Path) -> None:
    """Copied by `stored_copy` or not (an upper-case suffix, a layout it declines: then
    `zipfile_copy`), the result from the checked bytes is the one from the file."""
    settings, schema, _, returns = rnd
    for source in returns:
        for layout in (bytes, excel_layout, streamed):
            for suffix in (".xlsx", ".xlsm", ".XLSX"):
                path = tmp_path / f"retur{suffix}"
                path.write_bytes(layout(source.read_bytes()))
                alone, shared = _file_and_bytes(path, settings, schema)
                assert shared == alone


def test_a_package_calamine_refuses_is_not_readable_from_its_bytes(rnd, tmp_path: Path) -> None:
    """The pre-check passes a package whose workbook calamine cannot read; from the
    bytes it is as unreadable as from the file."""
    import zipfile

    settings, schema, _, returns = rnd
    path = tmp_path / "trasig.xlsx"
    with zipfile.ZipFile(returns[0]) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/_rels/workbook.xml.rels":  # calamine needs it
                dst.writestr(info, src.read(info))
    alone, shared = _file_and_bytes(path, settings, schema)
    assert alone.submission is None
    assert shared == alone


def _with_raw_stream(source: Path, path: Path, member: str, tail: bytes) -> None:
    """`source` as a plain package again, `member`'s deflate stream decoding to its
    content and then `tail`, its declared size and CRC the content's."""
    import struct
    import zipfile
    import zlib

    out, directory = bytearray(), []
    with zipfile.ZipFile(source) as src:
        infos = [(i.filename, src.read(i)) for i in src.infolist()]
    for name, content in infos:
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        stream = deflate.compress(content + (tail if name == member else b"")) + deflate.flush()
        raw, crc, offset = name.encode(), zlib.crc32(content), len(out)
        fields = (8, 0, 0x21, crc, len(stream), len(content), len(raw), 0)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *fields) + raw + stream
        directory.append(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *fields, 0, 0, 0, 0, offset) + raw
        )
    start, listing = len(out), b"".join(directory)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(infos), len(infos), len(listing), start, 0
    )
    path.write_bytes(bytes(out) + listing + end)


def test_a_part_inflating_past_its_size_is_read_from_the_bytes_as_from_the_file(
    rnd, tmp_path: Path
) -> None:
    """zipfile (the pre-check) stops a part at its declared size; calamine refuses one
    whose data inflate to more. Such a part, kept by the pre-check, must not be handed
    to calamine stored at its declared size: the file would become readable."""
    settings, schema, _, returns = rnd
    path = tmp_path / "retur.xlsx"
    _with_raw_stream(returns[0], path, "xl/workbook.xml", b"<!-- mer -->")
    alone, shared = _file_and_bytes(path, settings, schema)
    assert alone.submission is None
    assert shared == alone


def _two_end_records(shown: bytes, hidden: bytes) -> bytes:
    """One file of both packages' members: an end record for `hidden`'s directory whose
    comment holds `shown`'s directory and an end record for it (its comment cut short).
    zipfile reads the last end record it finds; calamine's zip reader the first that is
    whole, the one of `hidden`."""
    import struct

    end = struct.Struct("<4s4H2LH")

    def split(package: bytes) -> tuple[bytes, bytes, int]:
        fields = end.unpack_from(package, package.rindex(b"PK\x05\x06"))
        size, start, count = fields[5], fields[6], fields[4]
        return package[:start], package[start : start + size], count

    def moved(directory: bytes, by: int) -> bytes:  # each entry's local header offset
        out, at = bytearray(directory), 0
        while at < len(out):
            offset = struct.unpack_from("<L", out, at + 42)[0]
            struct.pack_into("<L", out, at + 42, offset + by)
            at += 46 + sum(struct.unpack_from("<3H", out, at + 28))
        return bytes(out)

    hidden_members, hidden_dir, hidden_count = split(hidden)
    shown_members, shown_dir, shown_count = split(shown)
    shown_dir = moved(shown_dir, len(hidden_members))
    members = hidden_members + shown_members
    shown_at = len(members) + len(hidden_dir) + end.size
    shown_end = end.pack(b"PK\x05\x06", 0, 0, shown_count, shown_count, len(shown_dir), shown_at, 5)
    comment = shown_dir + shown_end
    hidden_end = end.pack(
        b"PK\x05\x06", 0, 0, hidden_count, hidden_count, len(hidden_dir), len(members), len(comment)
    )
    return members + hidden_dir + hidden_end + comment


def test_calamine_reads_the_members_zipfile_read_whatever_the_zip_structure(
    rnd, tmp_path: Path
) -> None:
    """A return with two directories, one for zipfile (a return as any) and one for
    calamine's zip reader (a sheet reaching row 300 000): the pre-check passed the
    first and calamine read the second, from the checked bytes and from the file."""
    import zipfile

    settings, schema, _, returns = rnd
    shown = returns[0].read_bytes()
    far = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
        b'formats.org/spreadsheetml/2006/main"><sheetData><row r="300000"><c r="A300000">'
        b"<v>1</v></c></row></sheetData></worksheet>"
    )
    hidden = tmp_path / "dold.xlsx"
    with zipfile.ZipFile(returns[0]) as src, zipfile.ZipFile(hidden, "w") as dst:
        for info in src.infolist():
            sheet = info.filename.startswith("xl/worksheets/sheet")
            dst.writestr(info, far if sheet else src.read(info))
    path = tmp_path / returns[0].name
    path.write_bytes(shown)
    expected = read_return(path, settings, schema)
    assert expected.submission is not None
    path.write_bytes(_two_end_records(shown, hidden.read_bytes()))
    alone, shared = _file_and_bytes(path, settings, schema)
    assert shared == alone == expected
