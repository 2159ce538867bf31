"""A minimal writer of OLE compound files (MS-CFB version 3, 512-byte sectors).

Enough for a VBA project: nested storages and streams, small streams in the mini
stream, no DIFAT sectors (up to 109 FAT sectors, ~6.8 MB). All timestamps and CLSIDs
are zero, so the same tree always gives the same bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_BLACK = 1


@dataclass
class Storage:
    """A storage (folder) holding streams (bytes) and sub-storages by name."""

    entries: dict[str, Storage | bytes] = field(default_factory=dict)

    def add(self, path: str, data: bytes) -> None:
        """Add a stream at a '/'-separated path, creating storages on the way."""
        *folders, name = path.split("/")
        node = self
        for folder in folders:
            child = node.entries.setdefault(folder, Storage())
            if not isinstance(child, Storage):
                raise ValueError(f"{folder} is a stream, not a storage")
            node = child
        node.entries[name] = data


def _name_key(name: str) -> tuple[int, str]:
    # MS-CFB 2.6.4: shorter names sort first, then by upper-cased code units.
    return (len(name), name.upper())


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _flatten(root: Storage) -> list[_Entry]:
    entries = [_Entry("Root Entry", _ROOT)]

    def visit(storage: Storage, index: int) -> None:
        for name in sorted(storage.entries, key=_name_key):
            if len(name) > 31:
                raise ValueError(f"name too long for a compound file: {name}")
            item = storage.entries[name]
            child = len(entries)
            if isinstance(item, Storage):
                entries.append(_Entry(name, _STORAGE))
                entries[index].children.append(child)
                visit(item, child)
            else:
                entries.append(_Entry(name, _STREAM, data=item, size=len(item)))
                entries[index].children.append(child)

    visit(root, 0)
    for entry in entries:
        entry.child = _balanced(entries, entry.children)
    return entries


def _balanced(entries: list[_Entry], ids: list[int]) -> int:
    """Link siblings (already sorted) as a balanced binary search tree; return its root."""
    if not ids:
        return NOSTREAM
    mid = len(ids) // 2
    node = entries[ids[mid]]
    node.left = _balanced(entries, ids[:mid])
    node.right = _balanced(entries, ids[mid + 1 :])
    return ids[mid]


def _sectors(size: int, unit: int) -> int:
    return (size + unit - 1) // unit


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def write_compound_file(root: Storage) -> bytes:
    entries = _flatten(root)

    # Small streams go to the mini stream, large ones to regular sectors.
    mini_stream = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != _STREAM:
            continue
        if entry.size >= MINI_CUTOFF:
            big.append(entry)
        elif entry.size > 0:
            count = _sectors(entry.size, MINI_SECTOR)
            entry.start = len(minifat)
            minifat.extend([0] * count)
            _chain(minifat, entry.start, count)
            mini_stream += entry.data.ljust(count * MINI_SECTOR, b"\x00")

    body = bytearray()
    fat: list[int] = []

    def place(data: bytes) -> int:
        count = _sectors(len(data), SECTOR)
        if count == 0:
            return ENDOFCHAIN
        first = len(fat)
        fat.extend([0] * count)
        _chain(fat, first, count)
        body.extend(data.ljust(count * SECTOR, b"\x00"))
        return first

    for entry in big:
        entry.start = place(entry.data)
    entries[0].start = place(bytes(mini_stream))
    entries[0].size = len(mini_stream)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    if minifat_bytes:
        minifat_bytes = minifat_bytes.ljust(_sectors(len(minifat_bytes), SECTOR) * SECTOR, b"\xff")
    minifat_start = place(minifat_bytes)
    minifat_count = _sectors(len(minifat_bytes), SECTOR)

    directory = b"".join(_dir_entry(e) for e in entries)
    padding = (-len(entries)) % (SECTOR // 128)
    directory += _unused_entry() * padding
    dir_start = place(directory)

    # FAT sectors go last; they must also describe themselves.
    fat_count = 1
    while _sectors((len(fat) + fat_count) * 4, SECTOR) > fat_count:
        fat_count += 1
    if fat_count > 109:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat_start = len(fat)
    fat.extend([FATSECT] * fat_count)
    fat.extend([FREESECT] * (fat_count * SECTOR // 4 - len(fat)))
    body += struct.pack(f"<{len(fat)}I", *fat)

    difat = [fat_start + i for i in range(fat_count)] + [FREESECT] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"\x00" * 16,
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # byte order mark
        9,  # sector shift
        6,  # mini sector shift
        b"\x00" * 6,
        0,  # directory sectors (0 in version 3)
        fat_count,
        dir_start,
        0,  # transaction signature
        MINI_CUTOFF,
        minifat_start,
        minifat_count,
        ENDOFCHAIN,  # first DIFAT sector: none
        0,
    ) + struct.pack("<109I", *difat)
    return header + bytes(body)


def _dir_entry(entry: _Entry) -> bytes:
    name = entry.name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        entry.kind,
        _BLACK,
        entry.left,
        entry.right,
        entry.child,
        b"\x00" * 16,
        0,  # state bits
        0,  # creation time
        0,  # modified time
        entry.start if entry.kind != _STORAGE else 0,
        entry.size,
    )


def _unused_entry() -> bytes:
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        b"",
        0,
        0,
        0,
        NOSTREAM,
        NOSTREAM,
        NOSTREAM,
        b"\x00" * 16,
        0,
        0,
        0,
        0,
        0,
    )
