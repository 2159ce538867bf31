"""A zip member's bytes taken straight from the package's bytes, for the pre-check;
and the package with the parts the pre-check inflated stored, for calamine.

`zipfile` opens a member through several Python objects (local header, shared file,
decompressor, CRC bookkeeping): ~25 µs a member, ~30 members a return (issue 8). Here a
small member is inflated in one call instead, and used only when it is provably what
`zipfile` would read: the same local-header checks `ZipFile.open` makes, a complete
deflate (or stored) stream of exactly the declared size, and the declared CRC. Then any
read of it through `zipfile`, whole or its first bytes, gives these bytes and raises
nothing. In every other case `whole_member` returns None and the caller reads the member
through `zipfile` as before, so a damaged or hostile member fails exactly as it did.

`stored_copy` keeps every member, not only those calamine reads: calamine (0.37) finds
the workbook through `_rels/.rels` and each sheet through the workbook's relationships,
by names matched ignoring case, so which members it reads is the file's to say. A member
copied as it is costs a slice; calamine inflates it only if it reads it, as before.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping, Sequence

# zipfile's local file header: signature, versions, flags, method, time, date, CRC,
# sizes, name length, extra length.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
# Refused by ZipFile.open (no password is ever given): encrypted, compressed patched
# data, strong encryption.
_REFUSED_FLAGS = 0x01 | 0x20 | 0x40
_UTF8_NAME = 0x800


def _deflate_bound(size: int) -> int:
    """More than zlib's deflateBound for `size` bytes: no honest member is larger."""
    return size + (size >> 10) + 64


def whole_member(package: bytes, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The member's whole content if it is at most `limit` bytes and reads cleanly (see
    the module docstring), else None. `package` is the bytes `info` was listed from."""
    if info.file_size > limit or info.flag_bits & _REFUSED_FLAGS:
        return None
    # A central directory may claim an offset before the file's start (zipfile then
    # fails; a slice would read from its end) or far more compressed data than any
    # deflate of the content needs (each member would copy it all: a crafted file of
    # many members took minutes). Both are left to zipfile.
    if info.header_offset < 0 or info.compress_size > _deflate_bound(info.file_size):
        return None
    method = info.compress_type
    if method != zipfile.ZIP_DEFLATED and method != zipfile.ZIP_STORED:
        return None
    start = info.header_offset
    header = package[start : start + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size:
        return None
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        return None
    name_start = start + _LOCAL_HEADER.size
    name = package[name_start : name_start + fields[10]]
    try:
        decoded = name.decode("utf-8" if fields[3] & _UTF8_NAME else "cp437")
    except UnicodeDecodeError:
        return None
    if decoded != info.orig_filename:
        return None
    begin = name_start + fields[10] + fields[11]
    end = begin + info.compress_size
    # Python versions that refuse overlapping members record where each one must end.
    stop = getattr(info, "_end_offset", None)
    if end > len(package) or (stop is not None and end > stop):
        return None
    data = package[begin:end]
    if method == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            return None
        content = data
    else:
        inflater = zlib.decompressobj(-15)
        try:
            # one byte over the declared size is enough to know it is not that size
            content = inflater.decompress(data, info.file_size + 1)
        except zlib.error:
            return None
        if not inflater.eof or len(content) != info.file_size:
            return None
    if zlib.crc32(content) != info.CRC:
        return None
    return content


# The central directory entry and the end of central directory record, as zipfile
# reads them. A local header repeats the entry's fields from "version needed" to
# "extra length" (26 bytes), at 4 in the header and at 6 in the entry.
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_END = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_OFFSET = struct.Struct("<L")
# Flags a plain member may have: UTF-8 name, deflate level hints. Anything else (data
# descriptor, encryption, patches) and the package is left as it is.
_PLAIN_FLAGS = _UTF8_NAME | 0x06
_ZIP64_MARK = 0xFFFFFFFF
# The one extra field a plain local header may carry: Excel pads the headers of some
# parts ([Content_Types].xml, the relationships, docProps) with a "growth hint" block
# that the directory does not repeat. Every reader skips it; a block of any other kind
# (zip64 sizes, a Unicode path, encryption) could be read as saying something.
_EXCEL_PADDING = 0xA220
_EXTRA_BLOCK = struct.Struct("<2H")


def stored_copy(
    package: bytes, members: Sequence[str], inflated: Mapping[str, bytes]
) -> bytes | None:
    """The package with every deflated member in `inflated` stored instead, for
    calamine: it then reads (and CRC-checks) exactly these bytes without inflating
    them again (issue 8). Every other member is copied as it is, and all of them in the
    same order with the same names, flags, CRCs, times and attributes, so any lookup
    in the copy finds what it finds in `package`. `members`: the names zipfile listed
    from `package`; `inflated`: contents read whole from it (to their CRC check).

    Only a plain package is copied: members in directory order from the first byte
    with nothing between them, local headers that repeat the directory's fields, no
    extra fields (but Excel's padding in a local header, kept as it is), comments, data
    descriptors, encryption or zip64, no name twice, then the directory and its end
    record. For anything else None: the caller hands calamine `zipfile_copy` instead,
    never the package as it is, since a quirk one zip reader forgives and another does
    not could show calamine other members than zipfile listed.
    """
    end_at = len(package) - _END.size
    if end_at < 0:
        return None
    sig, disk, cd_disk, disk_entries, entries, cd_size, cd_start, comment = _END.unpack_from(
        package, end_at
    )
    count = len(members)
    if (
        sig != _END_SIGNATURE
        or disk
        or cd_disk
        or disk_entries != count
        or entries != count
        or comment
        or cd_start + cd_size != end_at
        or len(set(members)) != count
    ):
        return None
    unpack, header_size, entry_size = _CENTRAL.unpack_from, _LOCAL_HEADER.size, _CENTRAL.size
    pack_offset = _OFFSET.pack
    stored = zipfile.ZIP_STORED.to_bytes(2, "little")
    out: list[bytes] = []
    directory: list[bytes] = []
    raw_names: list[bytes] = []
    utf8: list[int] = []  # each name's UTF-8 flag
    written = pos = 0  # where the member starts in the copy, and in `package`
    at = cd_start
    for name in members:
        if at + entry_size > end_at:
            return None
        entry = unpack(package, at)
        flags, method, size, name_len = entry[5], entry[6], entry[11], entry[12]
        name_at = at + entry_size
        raw_name = package[name_at : name_at + name_len]
        name_end = pos + header_size + name_len
        begin = name_end + int.from_bytes(package[pos + 28 : pos + 30], "little")
        end = begin + entry[10]
        if (
            entry[0] != _CENTRAL_SIGNATURE
            or flags & ~_PLAIN_FLAGS
            or method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            or entry[13]  # extra field
            or entry[14]  # comment
            or entry[15]  # disk
            or entry[18] != pos  # offset
            or _ZIP64_MARK in (entry[10], size)
            or end > cd_start
            or package[pos : pos + 4] != _LOCAL_SIGNATURE
            or package[pos + 4 : pos + 28] != package[at + 6 : at + 30]
            or package[pos + header_size : name_end] != raw_name
            or (begin != name_end and not _only_padding(package, name_end, begin))
        ):
            return None
        raw_names.append(raw_name)
        utf8.append(flags & _UTF8_NAME)
        content = inflated.get(name)
        if content is not None and len(content) == size and method == zipfile.ZIP_DEFLATED:
            sizes = package[pos + 22 : pos + 26]  # compressed size = size
            out += (
                package[pos : pos + 8],
                stored,
                package[pos + 10 : pos + 18],
                sizes,
                package[pos + 22 : begin],
                content,
            )
            directory += (
                package[at : at + 10],
                stored,
                package[at + 12 : at + 20],
                sizes,
                package[at + 24 : at + 42],
                pack_offset(written),
                raw_name,
            )
            written += begin - pos + size
        else:
            out.append(package[pos:end])
            directory += (package[at : at + 42], pack_offset(written), raw_name)
            written += end - pos
        at = name_at + name_len
        pos = end
    if pos != cd_start or at != end_at or not _names_are(raw_names, utf8, members):
        return None
    new_cd = b"".join(directory)
    out += (new_cd, _END.pack(sig, 0, 0, count, count, len(new_cd), written, 0))
    return b"".join(out)


def _only_padding(package: bytes, start: int, end: int) -> bool:
    """Whether the local extra field package[start:end] is Excel's padding block(s)
    and nothing else, each block whole."""
    at = start
    while at < end:
        if at + _EXTRA_BLOCK.size > end:
            return False
        kind, size = _EXTRA_BLOCK.unpack_from(package, at)
        at += _EXTRA_BLOCK.size + size
        if kind != _EXCEL_PADDING or at > end:
            return False
    return True


def _names_are(raw_names: list[bytes], utf8: list[int], members: Sequence[str]) -> bool:
    """Whether these raw names decode, as zipfile decodes them, to `members`, in order.

    zipfile cuts a name at a NUL, so its names hold none: equal joins have as many
    NULs, and so none within a raw name, and equal names one by one."""
    joined = b"\0".join(raw_names)
    if joined.isascii():  # ASCII is the same in UTF-8 and cp437
        return joined.decode("ascii") == "\0".join(members)
    return all(map(_is_decoded, raw_names, utf8, members))


def _is_decoded(raw_name: bytes, utf8: int, name: str) -> bool:
    try:
        return raw_name.decode("utf-8" if utf8 else "cp437") == name
    except UnicodeDecodeError:
        return False


def zipfile_copy(package: bytes) -> bytes:
    """The package as zipfile lists and reads it, for calamine where `stored_copy`
    declines: each name once (the entry zipfile reads by that name), its content
    stored, in a plain zip that no reader can read otherwise.

    zip readers differ on the rest: an end record whose comment holds another end
    record was read by zipfile (the pre-check) with the second one's directory and by
    calamine's zip crate with the first's, whose sheet nobody had checked. Raises as
    zipfile does for a member it cannot read."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as zf, zipfile.ZipFile(out, "w") as copy:
        for info in zf.infolist():
            if zf.getinfo(info.filename) is info:
                copy.writestr(zipfile.ZipInfo(info.filename), zf.read(info))
    return out.getvalue()
