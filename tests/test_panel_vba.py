"""The VBA project writer: compression, compound file and PROJECT stream, read back
with oletools and olefile (independent readers of MS-OVBA and MS-CFB)."""

from __future__ import annotations

import random
import struct

import olefile
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from budgetbook.vba import Module, ModuleKind, build_vba_project
from budgetbook.vba.cfb import Storage, write_compound_file
from budgetbook.vba.compression import compress, decompress

vba_like = st.text(
    alphabet=" \r\n\tabcdefghijklmnopqrstuvwxyz\"'()=.&_0123456789ABC", max_size=12000
)


@settings(max_examples=60, deadline=None)
@given(vba_like)
def test_compression_round_trips_through_oletools(text):
    data = text.encode("ascii")
    packed = compress(data)
    assert bytes(decompress_stream(bytearray(packed))) == data
    assert decompress(packed) == data


def test_incompressible_data_survives_as_raw_chunks():
    # Raw chunks hold 4096 bytes each (MS-OVBA 2.4.1.3.10); only a short tail is padded.
    data = random.Random(7).randbytes(9000)
    unpacked = bytes(decompress_stream(bytearray(compress(data))))
    assert unpacked[: len(data)] == data


def test_compression_is_deterministic_and_compresses_text():
    text = (
        '    RunPython "import budgetbook.excel; budgetbook.excel.kor_allt()"\r\n' * 300
    ).encode()
    assert compress(text) == compress(text)
    assert len(compress(text)) < len(text) // 5


def test_compound_file_with_big_and_small_streams(tmp_path):
    root = Storage()
    big = bytes(range(256)) * 40  # 10 kB: regular sectors
    root.add("PROJECT", b"x" * 100)  # mini stream
    root.add("VBA/dir", b"y" * 4095)
    root.add("VBA/Module1", big)
    root.add("VBA/empty", b"")
    path = tmp_path / "f.bin"
    path.write_bytes(write_compound_file(root))
    ole = olefile.OleFileIO(str(path))
    assert ole.openstream("PROJECT").read() == b"x" * 100
    assert ole.openstream("VBA/dir").read() == b"y" * 4095
    assert ole.openstream("VBA/Module1").read() == big
    assert ole.get_size("VBA/empty") == 0
    assert sorted(ole.listdir()) == [
        ["PROJECT"],
        ["VBA", "Module1"],
        ["VBA", "dir"],
        ["VBA", "empty"],
    ]


def _decrypt(hex_text: str, project_id: str) -> bytes:
    """MS-OVBA 2.4.3.3 data decryption, written from the spec for this test."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = data[0], data[1], data[2]
    assert seed ^ version_enc == 2
    assert seed ^ key_enc == sum(project_id.encode()) & 0xFF
    unenc1, enc1, enc2 = seed ^ key_enc, key_enc, version_enc
    out = bytearray()
    for byte_enc in data[3:]:
        byte = byte_enc ^ ((enc2 + unenc1) & 0xFF)
        out.append(byte)
        enc2, enc1, unenc1 = enc1, byte_enc, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", out, ignored)
    payload = bytes(out[ignored + 4 :])
    assert len(payload) == length
    return payload


def test_project_stream_states_unprotected_visible_project(tmp_path):
    modules = [
        Module("ThisWorkbook", kind=ModuleKind.WORKBOOK),
        Module("Sheet1", kind=ModuleKind.WORKSHEET),
        Module("Modul", 'Public Sub Hej()\n    MsgBox "Hej"\nEnd Sub\n'),
    ]
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(build_vba_project(modules))
    ole = olefile.OleFileIO(str(path))
    lines = ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")
    props = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("&H"))
    pid = props["ID"].strip('"')
    assert _decrypt(props["CMG"].strip('"'), pid) == b"\x00\x00\x00\x00"  # not protected
    assert _decrypt(props["DPB"].strip('"'), pid) == b"\x00"  # no password
    assert _decrypt(props["GC"].strip('"'), pid) == b"\xff"  # visible
    assert "Module=Modul" in lines and "Document=ThisWorkbook/&H00000000" in lines
    # Source only: _VBA_PROJECT version 0xFFFF, no performance cache.
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x00\x00"
    parser = VBA_Parser(str(path))
    code = {name: text for _, _, name, text in parser.extract_macros()}
    parser.close()
    assert (
        code["Modul.bas"]
        == 'Attribute VB_Name = "Modul"\r\nPublic Sub Hej()\r\n    MsgBox "Hej"\r\nEnd Sub\r\n'
    )
    assert (
        'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in code["ThisWorkbook.cls"]
    )


def test_duplicate_module_names_are_refused():
    import pytest

    with pytest.raises(ValueError):
        build_vba_project([Module("A"), Module("a")])
