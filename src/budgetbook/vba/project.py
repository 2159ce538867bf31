"""Build `vbaProject.bin` (MS-OVBA 2.3) from module source text.

Source-only: the `_VBA_PROJECT` stream carries version 0xFFFF and no performance cache,
every module's text starts at offset 0 of its stream, and Excel compiles the source
when it opens the workbook. Everything derives from the inputs (the project id is a
name-based UUID, the password-obfuscation seed comes from it), so equal inputs give
byte-identical output.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from .cfb import Storage, write_compound_file
from .compression import compress

CODEPAGE = 1252  # Western European: covers Swedish å, ä, ö in module text
LCID = 0x0409
SYSKIND_WIN64 = 3
# The VBA attributes Excel writes for the workbook and a worksheet document module.
_DOC_BASES = {
    "workbook": "0{00020819-0000-0000-C000-000000000046}",
    "worksheet": "0{00020820-0000-0000-C000-000000000046}",
}
_STDOLE = (
    "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
    "C:\\Windows\\System32\\stdole2.tlb#OLE Automation"
)


class ModuleKind(Enum):
    STANDARD = "standard"  # a .bas module
    WORKBOOK = "workbook"  # the ThisWorkbook document module
    WORKSHEET = "worksheet"  # a sheet's document module (its code name)


@dataclass(frozen=True, slots=True)
class Module:
    """One VBA module. `code` is the source without Attribute VB_* header lines."""

    name: str
    code: str = ""
    kind: ModuleKind = ModuleKind.STANDARD

    def source(self) -> bytes:
        """The module text as stored: attribute header + code, CRLF, code page 1252."""
        lines = [f'Attribute VB_Name = "{self.name}"']
        if self.kind is not ModuleKind.STANDARD:
            lines += [
                f'Attribute VB_Base = "{_DOC_BASES[self.kind.value]}"',
                "Attribute VB_GlobalNameSpace = False",
                "Attribute VB_Creatable = False",
                "Attribute VB_PredeclaredId = True",
                "Attribute VB_Exposed = True",
                "Attribute VB_TemplateDerived = False",
                "Attribute VB_Customizable = True",
            ]
        code = self.code.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        if code:
            lines += code.split("\n")
        return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def strip_attributes(text: str) -> str:
    """Source of an exported .bas file without its `Attribute VB_*` header lines."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line for line in lines if not line.startswith("Attribute VB_"))


def project_id(modules: Sequence[Module], name: str) -> str:
    """A stable project GUID derived from the project's name and module names."""
    key = name + ":" + ",".join(m.name for m in modules)
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "budgetbook-vba:" + key)).upper() + "}"


def build_vba_project(modules: Sequence[Module], name: str = "VBAProject") -> bytes:
    """The bytes of a vbaProject.bin holding `modules` (source only)."""
    names = [m.name for m in modules]
    if len(set(n.upper() for n in names)) != len(names):
        raise ValueError(f"duplicate module names: {names}")
    pid = project_id(modules, name)
    root = Storage()
    root.add("PROJECT", _project_stream(modules, name, pid))
    root.add("PROJECTwm", _project_wm(modules))
    root.add("VBA/_VBA_PROJECT", b"\xcc\x61\xff\xff\x00\x00\x00")
    root.add("VBA/dir", compress(_dir_stream(modules, name)))
    for module in modules:
        root.add(f"VBA/{module.name}", compress(module.source()))
    return write_compound_file(root)


# --- PROJECT and PROJECTwm (MS-OVBA 2.3.1, 2.3.3) ------------------------------------


def _project_stream(modules: Sequence[Module], name: str, pid: str) -> bytes:
    lines = [f'ID="{pid}"']
    for m in modules:
        if m.kind is ModuleKind.STANDARD:
            lines.append(f"Module={m.name}")
        else:
            lines.append(f"Document={m.name}/&H00000000")
    seed = int(pid[1:3], 16)
    cmg = _encrypt(pid, struct.pack("<I", 0), seed)  # not protected
    dpb = _encrypt(pid, bytes([0]), seed + 1)  # no password
    gc = _encrypt(pid, bytes([0xFF]), seed + 2)  # visible
    lines += [
        f'Name="{name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{cmg}"',
        f'DPB="{dpb}"',
        f'GC="{gc}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
    ]
    return "\r\n".join(lines).encode("cp1252")


def _encrypt(pid: str, data: bytes, seed: int) -> str:
    """MS-OVBA 2.4.3.2 data encryption (obfuscation), with a fixed seed."""
    seed &= 0xFF
    version = 2
    proj_key = sum(pid.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unencrypted1 = proj_key
    encrypted1 = seed ^ proj_key
    encrypted2 = seed ^ version
    ignored = bytes((seed & 6) // 2)  # the ignored bytes' values do not matter; use 0
    for byte in ignored + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    return out.hex().upper()


def _project_wm(modules: Sequence[Module]) -> bytes:
    out = bytearray()
    for m in modules:
        out += m.name.encode("cp1252") + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


# --- VBA/dir (MS-OVBA 2.3.4.2) ---------------------------------------------------------


def _rec(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _text_pair(rec_id: int, unicode_id: int, text: str) -> bytes:
    return _rec(rec_id, text.encode("cp1252")) + _rec(unicode_id, text.encode("utf-16-le"))


def _dir_stream(modules: Sequence[Module], name: str) -> bytes:
    out = bytearray()
    out += _rec(0x0001, struct.pack("<I", SYSKIND_WIN64))
    out += _rec(0x0002, struct.pack("<I", LCID))
    out += _rec(0x0014, struct.pack("<I", LCID))
    out += _rec(0x0003, struct.pack("<H", CODEPAGE))
    out += _rec(0x0004, name.encode("cp1252"))
    out += _text_pair(0x0005, 0x0040, "")  # doc string
    out += _text_pair(0x0006, 0x003D, "")  # help file
    out += _rec(0x0007, struct.pack("<I", 0))  # help context
    out += _rec(0x0008, struct.pack("<I", 0))  # lib flags
    # PROJECTVERSION: the "size" field is a reserved 4, then major (4) and minor (2).
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)
    out += _text_pair(0x000C, 0x003C, "")  # conditional compilation constants
    # One reference, OLE Automation (stdole), as Excel writes in every project.
    out += _text_pair(0x0016, 0x003E, "stdole")
    libid = _STDOLE.encode("cp1252")
    out += _rec(0x000D, struct.pack("<I", len(libid)) + libid + b"\x00" * 6)
    out += _rec(0x000F, struct.pack("<H", len(modules)))
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))
    for m in modules:
        out += _rec(0x0019, m.name.encode("cp1252"))
        out += _rec(0x0047, m.name.encode("utf-16-le"))
        out += _text_pair(0x001A, 0x0032, m.name)  # stream name
        out += _text_pair(0x001C, 0x0048, "")  # doc string
        out += _rec(0x0031, struct.pack("<I", 0))  # source starts at offset 0
        out += _rec(0x001E, struct.pack("<I", 0))  # help context
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))  # cookie
        out += _rec(0x0021 if m.kind is ModuleKind.STANDARD else 0x0022, b"")
        out += _rec(0x002B, b"")  # module terminator
    out += _rec(0x0010, b"")  # dir terminator
    return bytes(out)
