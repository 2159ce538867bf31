"""The feedback copy keeps the return's computed formula values and ignored errors.

openpyxl saves every formula without its value (`<f>SUM(E7:E31)</f><v></v>`) and
drops each sheet's `<ignoredErrors>`. The head opens the e-mailed copy in Excel's
Protected View, which does not recalculate: every sum (Intäkter, Kostnader,
Nettokostnad, the difference from the ram and its message, the Investeringar and
Risker totals, the Texter lengths) showed empty or 0 until editing was enabled, and
green "number stored as text" triangles appeared on the verksamhet codes.

So after openpyxl has saved the copy, its sheet parts are patched from the source's:
each formula cell whose formula is the same as in the source gets the value the head's
Excel saved (numbers plain, text as t="str", booleans t="b", errors t="e"; a cell the
source has no value for stays as openpyxl wrote it), and each sheet gets the source's
ignoredErrors back where the schema wants it. The calcPr's fullCalcOnLoad is left as
openpyxl writes it, so Excel still recalculates once editing is enabled.

The source is untrusted: its parts are parsed with `safe_xml` (it has passed the
pre-check by then, and openpyxl has just loaded it), sheets are found by name through
workbook.xml and its relationships in both packages, and a value is written only in
a form Excel accepts (a number that is one, a known error code, escaped text). The
patch of the copy relies on openpyxl's regular writing of formula cells; a cell it
does not recognise is left as it is. Shared formulas (`<f t="shared" si="0"/>`) are
expanded as openpyxl expands them on load, to compare with the copy's.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import math
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import safe_xml
from .errors import CarryOverWarning
from .reader_parts import NS_MAIN, WORKBOOK, sheet_members

if TYPE_CHECKING:
    from openpyxl import Workbook

_log = logging.getLogger(__name__)


# What a source can make fail (damaged or unusual parts); anything else is a bug
_SOURCE_FAILURES: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    ET.ParseError,
    ValueError,  # also UnicodeDecodeError and defusedxml's refusals
    KeyError,  # a member the directory names but the zip lacks
    EOFError,
    OSError,
    NotImplementedError,  # a compression zipfile does not know
    RuntimeError,  # an encrypted member
)

_SHARED_STRINGS = "xl/sharedStrings.xml"  # where Excel, LibreOffice and openpyxl put it
_C, _F, _V, _IS = (f"{NS_MAIN}{t}" for t in ("c", "f", "v", "is"))
_T, _R, _ROW = f"{NS_MAIN}t", f"{NS_MAIN}r", f"{NS_MAIN}row"
_CELL_FORMULA = f"{_C}/{_F}"

# A formula element in a sheet part (conditional formats and validations have
# <formula>, <formula1>: not these)
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d{1,3})?")
# The error values a cell may hold in a file (the file keeps Excel's English codes)
_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#BUSY!",
        "#CONNECT!",
        "#UNKNOWN!",
    }
)
_BOOLEANS = {"0": "0", "1": "1", "false": "0", "true": "1"}

# ignoredErrors is rebuilt from these only: a cell range list and on/off flags
_IGNORED_FLAGS = (
    "evalError",
    "twoDigitTextYear",
    "numberStoredAsText",
    "formula",
    "formulaRange",
    "unlockedFormula",
    "emptyCellReference",
    "listDataValidation",
    "calculatedColumn",
)
_SQREF = re.compile(
    r"[A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?(?: [A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?)*"
)
# CT_Worksheet's elements after ignoredErrors: it goes before the first of them
_AFTER_IGNORED = re.compile(
    rb"<(?:smartTags|drawing|legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects"
    rb"|controls|webPublishItems|tableParts|extLst)[\s>/]|</worksheet>"
)
# A formula cell as openpyxl writes it: r first, no type, the formula, an empty value
_COPY_FORMULA = re.compile(
    rb'<c r="([A-Z]{1,3}\d{1,7})"((?: [\w:]+="[^"<>]*")*)>'
    rb'(<f((?: [\w:]+="[^"<>]*")*)>([^<]*)</f>)(?:<v\s*/>|<v></v>)</c>'
)
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


@dataclass(frozen=True, slots=True)
class Cached:
    """A formula cell's value in the source, as it goes into the copy."""

    kind: str  # the cell's t attribute: "" (a number), "str", "b" or "e"
    text: str


@dataclass(slots=True)
class SheetValues:
    """What one source sheet gives its copy."""

    # cell -> (formula as openpyxl loads it, without "="; its array range; its value)
    formulas: dict[str, tuple[str, str | None, Cached]] = field(default_factory=dict)
    ignored: bytes = b""  # the ignoredErrors element, rebuilt


def save_feedback_copy(
    wb: Workbook,
    source: Path,
    target: Path,
    new_sheets: Collection[str] = (),
    amend: Amend | None = None,
) -> None:
    """Save `wb` (loaded from `source`, then marked) to `target` with the source's
    formula values and ignored errors. `new_sheets`: sheets of the copy that are not
    the source's (same-named ones there are another sheet); `amend`: see `carry_over`.
    If the carry-over fails, the copy is saved as openpyxl writes it: one without
    values beats none."""
    saved: bytes | None = None
    patched: dict[str, bytes] = {}
    try:
        saved = _stored(wb)
        patched = carry_over(source, saved, new_sheets, amend)
    except Exception as exc:
        # the source's failures are caught where it is read (`_given`): this is ours
        warnings.warn(CarryOverWarning(f"{type(exc).__name__}: {exc}"), stacklevel=2)
    if saved is None:
        wb.save(target)
    else:
        target.write_bytes(_deflated(saved, patched))


def _stored(wb: Workbook) -> bytes:
    """The package as `wb.save` writes it, but stored, not deflated: the parts are
    deflated once, patched or not, by `_deflated`."""
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    wb.properties.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # as wb.save
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # closes the archive
    return buffer.getvalue()


def _deflated(saved: bytes, patched: Mapping[str, bytes]) -> bytes:
    """The stored package `saved`, deflated as openpyxl writes it, with the patched
    parts in place of its own."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(saved)) as copy,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf,
    ):
        for info in copy.infolist():
            data = patched.get(info.filename)
            zf.writestr(
                info, copy.read(info) if data is None else data, compress_type=zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


# Changes the values a sheet of the source gives its copy (sheet name, its values) where
# the copy's inputs to its formulas differ from the source's (`feedback_ram`)
Amend = Callable[[str, "SheetValues"], None]


def carry_over(
    source: Path, saved: bytes, new_sheets: Collection[str] = (), amend: Amend | None = None
) -> dict[str, bytes]:
    """The sheet parts of the package `saved` (openpyxl's copy of `source`) that change
    with the source's formula values and ignored errors: member -> its new bytes.
    `amend` changes a sheet's values first, where the copy's own differ."""
    patched: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(saved)) as copy:
        copy_names = set(copy.namelist())
        copy_sheets = {
            name: member
            for name, member in _sheet_parts(copy.read, copy_names).items()
            if name not in new_sheets and member in copy_names
        }
        given = _given(source, copy_sheets.keys())
        for name, member in copy_sheets.items():
            values = given.get(name)
            if values is not None:
                if amend is not None:
                    amend(name, values)
                xml = copy.read(member)
                new = patch_sheet(xml, values)
                if new != xml:
                    patched[member] = new
    return patched


def _given(source: Path, names: Collection[str]) -> dict[str, SheetValues]:
    """What each named sheet of the source gives its copy (sheets with neither formula
    values nor ignored errors left out); nothing if the source cannot be read. Only its
    reading is guarded: a failure in patching the copy is a bug and is warned of."""
    given: dict[str, SheetValues] = {}
    try:
        with zipfile.ZipFile(source) as src:
            source_names = set(src.namelist())
            source_sheets = _sheet_parts(src.read, source_names)
            shared = _SHARED_STRINGS if _SHARED_STRINGS in source_names else None
            strings = _SharedStrings(src.read, shared)
            for name in names:
                origin = source_sheets.get(name)
                if origin in source_names:
                    values = source_values(src.read(origin), strings)
                    if values.formulas or values.ignored:
                        given[name] = values
    except _SOURCE_FAILURES as exc:
        _log.debug("no values carried from %s: %s: %s", source.name, type(exc).__name__, exc)
        return {}
    return given


def _sheet_parts(read: Callable[[str], bytes], names: set[str]) -> dict[str, str]:
    """Sheet name -> its part, found as the reader finds them (`sheet_members`)."""
    if WORKBOOK not in names:
        return {}
    return sheet_members(safe_xml.fromstring(read(WORKBOOK)), read, names)


class _SharedStrings:
    """The source's shared strings, parsed only if a formula's value is one."""

    def __init__(self, read: Callable[[str], bytes], member: str | None) -> None:
        self._read, self._member = read, member
        self._items: list[str] | None = None

    def get(self, index: int) -> str | None:
        if self._items is None:
            self._items = []
            if self._member is not None:
                root = safe_xml.fromstring(self._read(self._member))
                self._items = [_item_text(si) for si in root if si.tag == f"{NS_MAIN}si"]
        return self._items[index] if 0 <= index < len(self._items) else None


def _item_text(item: ET.Element) -> str:
    """A string item's text (<t>, or the runs' <t>; not the phonetic <rPh>)."""
    parts = []
    for child in item:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.append(child.findtext(_T) or "")
    return "".join(parts)


def source_values(xml: bytes, strings: _SharedStrings) -> SheetValues:
    """The formula cells (with a value) and the ignoredErrors of one source sheet."""
    values = SheetValues()
    has_formula = _HAS_FORMULA.search(xml) is not None
    if not has_formula and b"ignoredErrors" not in xml:
        return values  # most sheets: not parsed at all
    root = safe_xml.fromstring(xml)
    ignored = root.find(f"{NS_MAIN}ignoredErrors")
    if ignored is not None:
        values.ignored = _ignored_errors(ignored)
    data = root.find(f"{NS_MAIN}sheetData")
    if has_formula and data is not None:
        _formula_cells(data, strings, values.formulas)
    return values


def _formula_cells(
    data: ET.Element,
    strings: _SharedStrings,
    found: dict[str, tuple[str, str | None, Cached]],
) -> None:
    """Each formula cell's formula, placed and expanded as openpyxl's reader does it
    (a cell without r follows the one before; a shared formula is translated from the
    first cell of its si that has the text), with its value if it has one."""
    from openpyxl.formula.translate import Translator
    from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

    translators: dict[str | None, Translator] = {}
    row_no = 0
    for row in data:
        if row.tag != _ROW:
            continue
        r = row.get("r")
        row_no = int(float(r)) if r else row_no + 1
        if row.find(_CELL_FORMULA) is None:
            continue  # most rows: their cells are not walked
        col_no, before = None, None  # a cell's column is worked out only without its r
        for cell in row:
            if cell.tag != _C:
                continue
            ref = cell.get("r")
            if ref:
                col_no, before = None, ref
            else:
                if col_no is None:
                    col_no = coordinate_to_tuple(before)[1] if before else 0
                col_no += 1
                ref = f"{get_column_letter(col_no)}{row_no}"
            f = cell.find(_F)
            if f is None:
                continue
            text, kind, array = "=" + (f.text or ""), f.get("t"), None
            if kind == "array":
                array = f.get("ref")
            elif kind == "shared":
                si = f.get("si")
                if si in translators:
                    text = translators[si].translate_formula(ref)
                elif text != "=":
                    translators[si] = Translator(text, ref)
            elif kind == "dataTable":
                continue  # openpyxl keeps no formula text for it
            cached = _cached(cell, strings)
            if cached is not None and text != "=":
                found[ref] = (text[1:], array, cached)


def _cached(cell: ET.Element, strings: _SharedStrings) -> Cached | None:
    """The value Excel saved with a formula, if it has one Excel would accept."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        item = cell.find(_IS)
        return None if item is None else Cached("str", _item_text(item))
    v = cell.find(_V)
    if v is None:
        return None
    text = v.text or ""
    if kind == "str":
        return Cached("str", text)  # "" too: Excel's own empty result (=OM(A1="";"";A1))
    value = text.strip()
    if kind == "n":
        number = _NUMBER.fullmatch(value) and math.isfinite(float(value))
        return Cached("", value) if number else None
    if kind == "s":
        shared = strings.get(int(value)) if value.isdigit() else None
        return None if shared is None else Cached("str", shared)
    if kind == "b":
        flag = _BOOLEANS.get(value.lower())
        return None if flag is None else Cached("b", flag)
    if kind == "e":
        return Cached("e", value) if value in _ERRORS else None
    return None  # a date (t="d"), or a type Excel does not write


def _ignored_errors(element: ET.Element) -> bytes:
    """The ignoredErrors element rebuilt from its known parts only (the source's own
    bytes never go into the copy)."""
    items = []
    for item in element:
        if item.tag != f"{NS_MAIN}ignoredError":
            continue
        sqref = " ".join((item.get("sqref") or "").split())
        if not _SQREF.fullmatch(sqref):
            continue
        flags = "".join(
            f' {name}="{_BOOLEANS[item.get(name, "").lower()]}"'
            for name in _IGNORED_FLAGS
            if item.get(name, "").lower() in _BOOLEANS
        )
        if flags:
            items.append(f'<ignoredError sqref="{sqref}"{flags}/>')
    return f"<ignoredErrors>{''.join(items)}</ignoredErrors>".encode() if items else b""


def patch_sheet(xml: bytes, values: SheetValues) -> bytes:
    """One sheet part of the copy with the source sheet's values and ignored errors."""
    if values.formulas:
        xml = _COPY_FORMULA.sub(lambda m: _with_value(m, values.formulas), xml)
    if values.ignored and b"<ignoredErrors" not in xml:
        end = xml.rfind(b"</sheetData>")
        if end < 0:
            end = xml.find(b"<sheetData/>")
        at = _AFTER_IGNORED.search(xml, max(end, 0))
        if at is not None:
            xml = xml[: at.start()] + values.ignored + xml[at.start() :]
    return xml


def _with_value(
    m: re.Match[bytes], formulas: Mapping[str, tuple[str, str | None, Cached]]
) -> bytes:
    found = formulas.get(m.group(1).decode("ascii"))
    if found is None or b" t=" in m.group(2):
        return m.group(0)
    formula, array, cached = found
    attrs = dict(_ATTR.findall(m.group(4)))
    copy_array = attrs.get(b"ref") if attrs.get(b"t") == b"array" else None
    if html.unescape(m.group(5).decode("utf-8")) != formula or (
        (copy_array.decode("utf-8") if copy_array is not None else None) != array
    ):
        return m.group(0)  # changed in the copy: its old value would be wrong
    kind = f' t="{cached.kind}"'.encode() if cached.kind else b""
    return b'<c r="%s"%s%s>%s<v>%s</v></c>' % (
        m.group(1),
        m.group(2),
        kind,
        m.group(3),
        _escape(cached.text).encode("utf-8"),
    )


def _escape(text: str) -> str:
    # \r as a reference: a parser would read a bare one as a line feed
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )
