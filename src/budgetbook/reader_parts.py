"""Low-level parts of reading a returned workbook: the zip parts we parse ourselves
(identity, sheet files, cells holding formula errors) and the parsing of one cell value.

Values themselves are read with python-calamine; it turns error cells into empty
strings, so error cells are found here by scanning the sheet XML for `t="e"`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import posixpath
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from . import safe_xml
from .fmt import round_half_up

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET
    from pathlib import Path

WORKBOOK = "xl/workbook.xml"
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"

# Error values as Excel shows them in English and Swedish (and LibreOffice's Err:nnn).
ERROR_LITERALS = frozenset(
    {
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#BUSY!",
        "#CONNECT!",
        "#UNKNOWN!",
        "#REFERENS!",
        "#VÄRDEFEL!",
        "#DIVISION/0!",
        "#SAKNAS!",
        "#NAMN?",
        "#OGILTIGT!",
        "#SKÄRNING!",
        "#BERÄKNA!",
    }
)
_LO_ERROR = re.compile(r"^Err:\d{3}$")
# The file keeps an error value by its English code whatever the language of the Excel
# that saved it; a department head's Swedish Excel shows it by these names.
SWEDISH_ERRORS = {
    "#NULL!": "#SKÄRNING!",
    "#DIV/0!": "#DIVISION/0!",
    "#VALUE!": "#VÄRDEFEL!",
    "#REF!": "#REFERENS!",
    "#NAME?": "#NAMN?",
    "#NUM!": "#OGILTIGT!",
    "#N/A": "#SAKNAS!",
    "#CALC!": "#BERÄKNA!",
}
# A cell: its attributes, and its content unless it is self-closing (`<c r="B2" s="3"/>`,
# as Excel writes an empty cell), never reaching into the next cell (a self-closing cell
# was taken to end at the next cell's `</c>`, hiding that cell; and with no `</c>` after,
# each cell start scanned the rest of the part: quadratic).
_CELL_TAG = re.compile(
    rb"<(?:\w+:)?c\b([^<>]*?)(?:/>|>((?:(?!<(?:\w+:)?c\b).)*?)</(?:\w+:)?c>)", re.S
)
_ATTR_R = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ATTR_T_E = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def shown_error(code: str) -> str:
    """An error cell's value as a Swedish Excel shows it, with the English code too:
    "#DIVISION/0! (#DIV/0!)"; other values as they are."""
    swedish = SWEDISH_ERRORS.get(code)
    return f"{swedish} ({code})" if swedish else code


def is_error_literal(text: str) -> bool:
    t = text.strip().upper()
    return t in ERROR_LITERALS or bool(_LO_ERROR.match(text.strip()))


@dataclass(slots=True)
class ZipParts:
    """What we read from the package ourselves."""

    identity: dict[str, str]
    sheet_files: dict[str, str]  # sheet name -> zip member
    error_cells: dict[str, dict[tuple[int, int], str]]  # sheet -> (row0, col0) -> "#REF!"
    # table name -> (sheet, (first data row0, col0), (last data row0, last col0))
    tables: dict[str, tuple[str, tuple[int, int], tuple[int, int]]] = field(default_factory=dict)
    # sheet name -> its part's bytes (already read for the error scan), for the cells
    # the reader looks up (`formula_cells`)
    sheet_xml: dict[str, bytes] = field(default_factory=dict)


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


class Package(Protocol):
    """What the reader needs of a zip (a `zipfile.ZipFile`, or the reader's lazy one)."""

    def namelist(self) -> Sequence[str]: ...

    def read(self, member: str) -> bytes: ...


class LazyPackage:
    """The zip's `namelist` and `read`, opening the package (its bytes: the checked
    ones, or the file's read once for a cached verdict) only when a part is read (or
    when the names are not known already)."""

    def __init__(self, package: bytes, names: Sequence[str] | None):
        self.source = io.BytesIO(package)
        self.zf = zipfile.ZipFile(self.source) if names is None else None
        self.names = names

    def namelist(self) -> Sequence[str]:
        if self.names is None:
            assert self.zf is not None
            self.names = self.zf.namelist()
        return self.names

    def read(self, member: str) -> bytes:
        if self.zf is None:
            self.zf = zipfile.ZipFile(self.source)
        return self.zf.read(member)

    def __enter__(self) -> LazyPackage:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.zf is not None:
            self.zf.close()


def read_zip_parts(
    zf: Package,
    wanted_sheets: set[str],
    fields: tuple[str, ...],
    inflated: Mapping[str, bytes] | None = None,
) -> ZipParts:
    """Identity (custom properties first, then defined names), sheet files, error cells.

    `inflated`: parts the pre-check already inflated whole from this very file."""
    inflated = inflated or {}

    def read(member: str) -> bytes:
        xml = inflated.get(member)
        return xml if xml is not None else zf.read(member)

    names = set(zf.namelist())
    identity: dict[str, str] = {}
    if "docProps/custom.xml" in names:
        root = safe_xml.fromstring(read("docProps/custom.xml"))
        for prop in root.iter(f"{NS_CUSTOM}property"):
            key = prop.get("name", "")
            if key in fields and len(prop):
                identity[key] = (prop[0].text or "").strip()
    sheet_files: dict[str, str] = {}
    if WORKBOOK in names:
        wb = safe_xml.fromstring(read(WORKBOOK))
        for dn in wb.iter(f"{NS_MAIN}definedName"):
            key = dn.get("name", "")
            if key in fields and key not in identity and dn.get("localSheetId") is None:
                identity[key] = _constant(dn.text or "")
        sheet_files = sheet_members(wb, read, names)
    errors: dict[str, dict[tuple[int, int], str]] = {}
    tables: dict[str, tuple[str, tuple[int, int], tuple[int, int]]] = {}
    sheet_xml: dict[str, bytes] = {}
    for sheet, member in sheet_files.items():
        if sheet in wanted_sheets and member in names:
            xml = sheet_xml[sheet] = read(member)
            found = _scan_errors(xml)
            if found:
                errors[sheet] = found
    for member in sorted(names):
        if member.startswith("xl/tables/") and member.endswith(".xml"):
            xml = read(member)
            tables.update(_table_cached(xml) if len(xml) <= _CACHED_PART else _table(xml))
    return ZipParts(identity, sheet_files, errors, tables, sheet_xml)


_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


def workbook_title(path: Path) -> str:
    """The title in a workbook's docProps/core.xml, "" when there is none or the part
    is no XML. Read only for a return whose code the settings lack (BB104,
    `renamed_code`), not with every return's parts: the file has passed the safety
    pre-checks by then."""
    try:
        with zipfile.ZipFile(path) as zf:
            found = safe_xml.fromstring(zf.read("docProps/core.xml")).find(_DC_TITLE)
    except Exception:  # no part, no zip, defusedxml refusals, malformed XML: no title
        return ""
    return (found.text or "").strip() if found is not None else ""


# attributes to the next '<' at most (to the next '>', a part of many `<table ` without
# one took minutes: each start scanned the rest of the part)
_TABLE = re.compile(rb"<(?:\w+:)?table\b([^<>]*)>")


@functools.cache
def _attr_pattern(name: str) -> re.Pattern[bytes]:
    return re.compile(rb"\b" + name.encode() + rb'="([^"]*)"')


def _attr(attrs: bytes, name: str) -> str:
    m = _attr_pattern(name).search(attrs)
    return m.group(1).decode("utf-8", "replace") if m else ""


def _table(xml: bytes) -> dict[str, tuple[str, tuple[int, int], tuple[int, int]]]:
    """One Excel table part: its name and data range (attributes only).

    A regex over the root element's attributes rather than an XML parser: these parts
    are small, only a few attributes are needed, and this keeps the reader near
    calamine's own speed. Table names are unique in a workbook, so the sheet is not
    looked up (the reader checks the headings where the table says it is).
    """
    t = _TABLE.search(xml)
    if not t:
        return {}
    ref = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", _attr(t.group(1), "ref"))
    name = _attr(t.group(1), "displayName") or _attr(t.group(1), "name")
    if not ref or not name:
        return {}
    header = int(_attr(t.group(1), "headerRowCount") or 1)
    totals = int(_attr(t.group(1), "totalsRowCount") or 0)
    top, bottom = int(ref.group(2)) - 1, int(ref.group(4)) - 1
    return {
        name: (
            "",
            (top + header, col_index(ref.group(1))),
            (bottom - totals, col_index(ref.group(3))),
        )
    }


def _constant(text: str) -> str:
    """A defined name's constant formula ="PERS" -> PERS."""
    t = text.strip().lstrip("=").strip()
    if len(t) >= 2 and t[0] == t[-1] == '"':
        return t[1:-1].replace('""', '"')
    return t


def sheet_members(wb: ET.Element, read: Callable[[str], bytes], names: set[str]) -> dict[str, str]:
    """Sheet name -> its part, from the parsed workbook.xml `wb` and its relationships
    (never by sheetN.xml numbering: a sheet moved or deleted in Excel keeps its part)."""
    rels = _rels(read, "xl/_rels/workbook.xml.rels", names)
    found: dict[str, str] = {}
    for sheet in wb.iter(f"{NS_MAIN}sheet"):
        target = rels.get(sheet.get(f"{NS_REL}id", ""), "")
        if target:
            found[sheet.get("name", "")] = _resolve("xl", target)
    return found


def _rels(read: Callable[[str], bytes], member: str, names: set[str]) -> dict[str, str]:
    if member not in names:
        return {}
    xml = read(member)
    return _relationships_cached(xml) if len(xml) <= _CACHED_PART else _relationships(xml)


def _relationships(xml: bytes) -> dict[str, str]:
    root = safe_xml.fromstring(xml)
    return {r.get("Id", ""): r.get("Target", "") for r in root.iter(f"{NS_PKG_REL}Relationship")}


# Table and relationship parts are the same in every return made from one template:
# their readings are kept by the part's bytes (issue 8: ~60 µs a return), for parts
# no larger than this (a hostile file's huge part is read, not kept). Callers must not
# change the dicts these return.
_CACHED_PART = 16 * 1024
_table_cached = functools.lru_cache(maxsize=64)(_table)
_relationships_cached = functools.lru_cache(maxsize=16)(_relationships)


def _resolve(base: str, target: str) -> str:
    """A relationship's target as a zip member, `base` the folder of the part it is from."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def _scan_errors(xml: bytes) -> dict[tuple[int, int], str]:
    """Cells of type error: a fast byte scan, parsed only when `t="e"` occurs at all."""
    if b't="e"' not in xml:
        return {}
    found: dict[tuple[int, int], str] = {}
    for m in _CELL_TAG.finditer(xml):
        attrs = m.group(1)
        if not _ATTR_T_E.search(attrs):
            continue
        ref = _ATTR_R.search(attrs)
        if not ref:
            continue
        v = _VALUE.search(m.group(2) or b"")
        value = v.group(1).decode("utf-8", "replace") if v else "#FEL"
        found[(int(ref.group(2)) - 1, col_index(ref.group(1).decode()))] = value
    return found


# --- one cell value -------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_UNIT = re.compile(r"\s*(tkr|tkr\.|t\.kr|tusen kronor)\s*$", re.I)
_DOT_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^\d+(,\d+)?$")


@dataclass(frozen=True, slots=True)
class Amount:
    """A parsed amount cell. `value` is None for empty or unreadable cells.

    `kind`: "empty", "number", "text_number" (recognised text: BB302), "not_number"
    (BB301), "error" (BB305). `exact` keeps decimals for the BB303 check.
    """

    kind: str
    value: int | None = None
    exact: float | None = None
    raw: str = ""


def parse_amount(cell: object) -> Amount:
    """Read an amount cell the way a Swedish user means it.

    Numbers are taken as they are. Text is recognised (BB302) when it is a number written
    the Swedish way: spaces (also non-breaking) as thousands separators, decimal comma,
    a minus, en dash or Unicode minus sign in front, an optional unit "tkr" at the end
    ("1 250", "1 234,5", "12 tkr", "−500"). A dot followed by groups of three digits
    ("1.234", "1.234.567") is read as thousands separators, as in Swedish print; any
    other dot ("12.5") is ambiguous and not recognised (BB301). "kr" alone is not
    recognised either: kronor instead of tkr would be off by a factor of 1000.
    """
    if cell is None or cell == "":
        return Amount("empty")
    if isinstance(cell, bool):
        return Amount("not_number", raw=cell_text(cell))
    if isinstance(cell, int | float):
        value = float(cell)
        if not _plausible(value):
            return Amount("not_number", raw=_raw_number(value))
        return Amount("number", round_half_up(value), value, _raw_number(value))
    if isinstance(cell, dt.date | dt.datetime | dt.time | dt.timedelta):
        return Amount("not_number", raw=cell_text(cell))
    text = str(cell)
    if not text.strip():
        return Amount("empty", raw=text)
    if is_error_literal(text):
        return Amount("error", raw=text.strip())
    number = parse_number_text(text)
    if number is None or not _plausible(number):
        return Amount("not_number", raw=text)
    return Amount("text_number", round_half_up(number), number, text)


def parse_number_text(text: str) -> float | None:
    t = _UNIT.sub("", text.strip())
    sign = 1
    if t[:1] in ("-", "\u2212", "\u2013"):
        sign, t = -1, t[1:].strip()
    t = _SPACES.sub("", t)
    if _DOT_THOUSANDS.match(t):
        t = t.replace(".", "")
    if not _PLAIN.match(t):
        return None
    return sign * float(t.replace(",", "."))


# Larger than any budget in tkr (10^12 tkr is a thousand times the Swedish GDP): a typo
# or a hostile file. Infinity and NaN (e.g. <v>1e400</v>) are not amounts either; both
# would otherwise break the rounding of the whole file instead of flagging one cell.
MAX_AMOUNT = 10**12


def _plausible(value: float) -> bool:
    return math.isfinite(value) and abs(value) <= MAX_AMOUNT


def _raw_number(value: float) -> str:
    if not math.isfinite(value):
        return "oändligt tal" if value == value else "inget tal (NaN)"
    if abs(value) > MAX_AMOUNT:
        return f"{value:.3g}".replace(".", ",")
    return cell_text(value)


def cell_text(cell: object) -> str:
    """A cell's value as text, as a Swedish Excel shows it: numbers without a trailing
    .0 and with a decimal comma ("3,5", not "3.5"), booleans as SANT and FALSKT (not
    "True"), dates as ISO. The one formatting of a cell's value for the messages that
    quote it (`varde`) and for a value read as text."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "SANT" if cell else "FALSKT"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else str(cell).replace(".", ",")
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()[:10]
    return str(cell).strip()
