"""Small XML parts of an untrusted package parsed into ElementTree elements, entity
declarations and external references refused.

defusedxml refuses them by running the pure-Python XMLParser, ~5x slower than the C
one (issue 8: ~0.3 ms a return for the handful of small parts the reader and the
pre-check parse). Entities can only be declared, and anything external referenced, in
a DOCTYPE. So a part that provably has none goes to the C parser: in UTF-8 (no BOM but
UTF-8's, no NUL byte, so expat cannot be reading UTF-16 or UTF-32, and no declared
encoding but UTF-8), where a DOCTYPE would be the literal bytes `<!DOCTYPE` (XML is
case-sensitive), and those bytes do not occur. Every other part goes to defusedxml as
before. This does not rely on the pre-check, which the reader may run without (history
reads archived versions; a file can change between the check and the read).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as SafeET

_UTF8_BOM = b"\xef\xbb\xbf"
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_DECLARATION_END = 200  # an XML declaration is a few dozen bytes


def fromstring(data: bytes) -> ET.Element:
    """The root element, as `defusedxml.ElementTree.fromstring` gives it; it raises
    what that raises (ParseError, or defusedxml's refusals) for the same bytes."""
    if not _plainly_without_doctype(data):
        return SafeET.fromstring(data)
    return ET.fromstring(data)


def _plainly_without_doctype(data: bytes) -> bool:
    body = data[len(_UTF8_BOM) :] if data.startswith(_UTF8_BOM) else data
    if not body.startswith(b"<") or b"\x00" in data:
        return False
    if body.startswith(b"<?xml"):
        end = body.find(b"?>", 0, _DECLARATION_END)
        if end < 0:
            return False
        declared = _ENCODING.search(body, 0, end)
        if declared and declared.group(1).lower() != b"utf-8":
            return False
    return b"<!DOCTYPE" not in data


def utf16_codec(head: bytes) -> str | None:
    """The codec of a part in UTF-16, as expat detects it, from its first bytes: by its
    BOM, or without one by a NUL in either of the first two ("<\\0": little-endian,
    "\\0<": big-endian; an ASCII character is two bytes there, one of them 0); None for
    any other part (UTF-8 has no NUL)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if b"\0" in head[:2]:
        return "utf-16-le" if head[1:2] == b"\0" else "utf-16-be"
    return None
