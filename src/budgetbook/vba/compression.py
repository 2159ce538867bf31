"""MS-OVBA 2.4.1 compression: the LZ77 variant VBA uses for module source and `dir`.

Deterministic: the same input always gives the same bytes. Greedy longest match inside
the current 4096-byte chunk, found through a hash chain of 3-byte prefixes.
"""

from __future__ import annotations

import struct

CHUNK = 4096
_MAX_COMPRESSED_CHUNK = 4098  # header included
_MAX_CANDIDATES = 256  # bounds the match search on long runs of spaces


def _bit_count(difference: int) -> int:
    """Bits of a copy token used for the offset, given the position inside the chunk."""
    bits = max((difference - 1).bit_length(), 4)
    return bits


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = start
    while pos < end:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            best_len, best_cand = 0, -1
            key = data[pos : pos + 3]
            if len(key) == 3 and pos > start:
                difference = pos - start
                bit_count = _bit_count(difference)
                max_len = min((0xFFFF >> bit_count) + 3, end - pos)
                for cand in reversed(heads.get(key, ())[-_MAX_CANDIDATES:]):
                    length = 0
                    while length < max_len and data[cand + length] == data[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_cand = length, cand
                        if length == max_len:
                            break
            if best_len >= 3:
                offset = pos - best_cand
                token = ((offset - 1) << (16 - bit_count)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_len
            else:
                out.append(data[pos])
                step = 1
            for p in range(pos, pos + step):
                k = data[p : p + 3]
                if len(k) == 3 and p + 3 <= end:
                    heads.setdefault(k, []).append(p)
            pos += step
        out[flag_index] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress `data` into a CompressedContainer (signature byte 0x01 and chunks)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        end = min(start + CHUNK, len(data))
        body = _compress_chunk(data, start, end)
        if len(body) + 2 <= _MAX_COMPRESSED_CHUNK:
            header = 0xB000 | (len(body) + 2 - 3)  # flag 1, signature 0b011, size - 3
            out += struct.pack("<H", header) + body
        else:  # incompressible: a raw chunk always holds 4096 bytes, padded (2.4.1.3.10)
            raw = data[start:end].ljust(CHUNK, b"\x00")
            out += struct.pack("<H", 0x3FFF) + raw
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """The inverse of `compress`, used by tests and to read back what we wrote."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        (header,) = struct.unpack_from("<H", data, pos)
        size = (header & 0x0FFF) + 3
        chunk_end = pos + size
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += data[pos : pos + CHUNK]
            pos += CHUNK
            continue
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if flags & (1 << bit):
                    (token,) = struct.unpack_from("<H", data, pos)
                    pos += 2
                    bit_count = _bit_count(len(out) - chunk_start)
                    length = (token & (0xFFFF >> bit_count)) + 3
                    offset = (token >> (16 - bit_count)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(data[pos])
                    pos += 1
    return bytes(out)
