"""A zip member's bytes taken straight from the package's bytes, for the pre-check.

`zipfile` opens a member through several Python objects (local header, shared file,
decompressor, CRC bookkeeping): ~25 µs a member, ~30 members a return (issue 8). Here a
small member is inflated in one call instead, and used only when it is provably what
`zipfile` would read: the same local-header checks `ZipFile.open` makes, a complete
deflate (or stored) stream of exactly the declared size, and the declared CRC. Then any
read of it through `zipfile`, whole or its first bytes, gives these bytes and raises
nothing. In every other case `whole_member` returns None and the caller reads the member
through `zipfile` as before, so a damaged or hostile member fails exactly as it did.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

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
