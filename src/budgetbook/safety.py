"""Pre-checks on an untrusted returned file, before any workbook reader touches it.

Nothing here expands, evaluates or fully parses the file: it looks at magic bytes,
the zip directory (sizes, compression ratios), the prolog of every XML part (a DOCTYPE
or ENTITY declaration is refused, never expanded), the declared sheet dimensions and
the real extent of every part (its last row and column, from the cell references:
calamine reads as a sheet any part the workbook's relationships name; a part without
rows and values, as Excel's calculation chain, puts nothing in a grid whatever its
extent), measured only until it is past the limits.
Only after a file passes does `reader.read_return` open it. The one XML document we
parse here, docProps/core.xml (for the content time), is parsed with entities refused
(`safe_xml`).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import olefile

from . import read_cache, rules, safe_xml
from . import sheet_extent as extent
from .model import Problem
from .sheet_refs import column_number
from .zip_member import whole_member

# Limits. A filled department workbook is well under 1 MB zipped and 10 MB unzipped.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_MEMBER_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, per member, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 5000
# Rows x columns of one sheet, declared or real. A reader builds a dense grid from A1 to
# the last used cell: ~40 bytes a cell in calamine and Python, so 2 million is ~80 MB.
# A filled return is a few hundred rows x ~20 columns.
MAX_SHEET_CELLS = 2_000_000
MAX_SHEET_ROWS = 200_000

MAX_PROLOG = 64 * 1024  # bytes of an XML part scanned for its prolog
SHARED_BYTES = 16 * 1024 * 1024  # inflated sheet XML kept for the reader, at most


def too_large(rows: int, cols: int) -> bool:
    """Whether a sheet of this many rows and columns is beyond the limits: a reader's
    grid is dense, so its size is rows × columns whatever the cells hold."""
    return rows > MAX_SHEET_ROWS or rows * cols > MAX_SHEET_CELLS


# a sheet `plainly_near` (every row and cell tag within these) is within the limits
_NEAR_IS_WITHIN = not too_large(extent.NEAR_ROWS, extent.NEAR_COLS)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

# Problems that mean "we could not read this file at all".
UNREADABLE_CODES = frozenset({"BB100", "BB102", "BB108"})


@dataclass(slots=True)
class SafetyResult:
    """Outcome of the pre-checks. `ok` False: do not hand the file to a reader."""

    ok: bool
    problems: list[Problem] = field(default_factory=list)
    macros: bool = False
    lock_file: bool = False
    content_time: datetime | None = None  # dcterms:modified (or created) in core.xml
    # The verdict came from an exception (a file held by antivirus or OneDrive, memory
    # running out): not a property of the bytes, so it is never cached.
    transient: bool = False
    # Parts the check inflated whole (member name -> XML), for the reader that
    # runs next in the same process (issue 8: each sheet was inflated twice). Bounded
    # by SHARED_BYTES; never cached, never sent between processes.
    inflated: dict[str, bytes] = field(default_factory=dict)
    # The package's member names, in the same way: with them and `inflated` the
    # reader need not open the zip again (issue 8: its directory read twice).
    members: list[str] = field(default_factory=list)
    # The bytes that passed, in the same way: the reader reads them, not the file
    # again (which may have been replaced since: OneDrive, antivirus; issue 8).
    package: bytes | None = None
    # Why the file was refused, without the advice to the department head its problem
    # gives (`budgetbook compare` tells the finance officer instead). Never cached.
    reason: str = ""
    # for a BB100, what kind of file it is (`rules.UNREADABLE_ADVICE`); never cached
    kind: str = ""


# Bump when the encoded verdict changes (older cached verdicts are then checked again).
RESULT_VERSION = 1


def encode_result(result: SafetyResult) -> str:
    """A verdict as plain JSON, for the archive's cache (never pickle: shared folder)."""
    when = result.content_time.isoformat() if result.content_time else None
    return json.dumps(
        {
            "v": RESULT_VERSION,
            "ok": result.ok,
            "problems": read_cache.encode_problems(result.problems),
            "macros": result.macros,
            "lock": result.lock_file,
            "time": when,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_result(text: str) -> SafetyResult | None:
    """The verdict encoded by `encode_result`, or None for anything else."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != RESULT_VERSION:
            return None
        flags = (data["ok"], data["macros"], data["lock"])
        if not all(type(f) is bool for f in flags):
            return None
        when = data["time"]
        if when is not None and type(when) is not str:
            return None
        return SafetyResult(
            flags[0],
            read_cache.decode_problems(data["problems"]),
            macros=flags[1],
            lock_file=flags[2],
            content_time=datetime.fromisoformat(when) if when else None,
        )
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def is_lock_file(name: str) -> bool:
    """Excel's owner file for an open workbook: `~$Name.xlsx`."""
    return name.startswith("~$")


def precheck(path: Path, name: str | None = None) -> SafetyResult:
    """Check a returned file without reading it as a workbook. Never raises for bad input."""
    name = name or path.name
    if is_lock_file(name):
        return SafetyResult(False, [rules.LOCK_FILE(file=name)], lock_file=True)
    try:
        return _precheck(path, name)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # also MemoryError and the like: a finding, not a crash
        result = _unreadable(name, f"filen är skadad ({type(exc).__name__})", rules.DAMAGED)
        # held by another program, out of memory: checked again; a bad CRC is the bytes' own
        result.transient = isinstance(exc, OSError | MemoryError) or not isinstance(exc, Exception)
        return result


def _fail(rule: rules.Rule, name: str, reason: str | None = None) -> SafetyResult:
    params = {"orsak": reason} if reason is not None else {}
    return SafetyResult(False, [rule(file=name, **params)], reason=reason or "")


def _unreadable(name: str, reason: str, kind: str) -> SafetyResult:
    """BB100 with the advice that fits `kind` (a PDF cannot be saved as .xlsx)."""
    problem = rules.not_readable(name, reason, kind)
    return SafetyResult(False, [problem], reason=reason, kind=kind)


def _precheck(path: Path, name: str) -> SafetyResult:
    size = path.stat().st_size
    if size == 0:
        return _unreadable(name, "filen är tom (0 byte)", rules.EMPTY)
    if size > MAX_FILE_BYTES:
        return _fail(rules.UNSAFE, name, f"filen är för stor ({size // (1024 * 1024)} MB)")
    with path.open("rb") as fh:
        # the whole file (at most MAX_FILE_BYTES): its directory and every part are read
        # from these bytes, one snapshot of a file that may be changing (OneDrive)
        package = fh.read()
    head = package[:8]
    if head.startswith(OLE_MAGIC):
        return _ole(package, name)
    if head.startswith(b"%PDF"):
        return _unreadable(name, "det är en PDF-fil, inte en Excel-arbetsbok", rules.OTHER_FILE)
    if not head.startswith(ZIP_MAGIC):
        return _unreadable(name, "filen är inte en Excel-arbetsbok (.xlsx)", rules.OTHER_FILE)
    if (entries := package.count(b"PK\x01\x02")) > MAX_MEMBERS:  # before zipfile lists each
        return _fail(rules.UNSAFE, name, f"arkivet har orimligt många delar ({entries})")
    if not zipfile.is_zipfile(io.BytesIO(package)):
        return _unreadable(name, "filen är skadad eller ofullständig", rules.DAMAGED)
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        result = _zip(zf, name, package)
    if result.ok:
        result.package = package
    return result


def _ole(package: bytes, name: str) -> SafetyResult:
    """An OLE compound file: an encrypted OOXML package, or an old binary .xls. Read
    from the bytes already read (`package`), as a zip is, so a failure here is the
    bytes' own, as lasting as any verdict (a file held by another program fails before,
    when it is read, and is checked again)."""
    try:
        with olefile.OleFileIO(io.BytesIO(package)) as ole:
            streams = {"/".join(s).lower() for s in ole.listdir()}
    except OSError:  # olefile's error for a damaged compound file
        return _unreadable(name, "filen är skadad", rules.DAMAGED)
    if "encryptioninfo" in streams or "encryptedpackage" in streams:
        return _fail(rules.ENCRYPTED, name)
    if "workbook" in streams or "book" in streams:
        return _unreadable(
            name, "filen är i det gamla Excel-formatet .xls (Excel 97–2003)", rules.RESAVE
        )
    if "worddocument" in streams:
        return _unreadable(
            name, "det är ett Word-dokument, inte en Excel-arbetsbok", rules.OTHER_FILE
        )
    return _unreadable(name, "filen är ett Office-dokument men ingen arbetsbok", rules.OTHER_FILE)


def _zip(zf: zipfile.ZipFile, name: str, package: bytes | None = None) -> SafetyResult:
    infos = zf.infolist()
    inflated: dict[str, bytes] = {}
    names = {i.filename for i in infos}
    if "mimetype" in names and zf.read("mimetype").strip().startswith(ODS_MIME):
        return _unreadable(
            name, "filen är ett OpenDocument-kalkylblad (.ods), inte .xlsx", rules.RESAVE
        )
    # MAX_MEMBERS is checked by `_precheck`, before zipfile lists them: each entry
    # zipfile lists starts with a directory signature that it counted
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED:
            return _fail(rules.UNSAFE, name, "innehållet blir orimligt stort när det packas upp")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            return _fail(
                rules.UNSAFE,
                name,
                f"delen {info.filename} är packad {ratio:.0f} gånger (en så kallad zip-bomb)",
            )
    if "xl/workbook.bin" in names:
        return _unreadable(name, "filen är en binär arbetsbok (.xlsb), inte .xlsx", rules.RESAVE)
    if "xl/workbook.xml" not in names:
        return _unreadable(name, _not_a_workbook(names), rules.OTHER_FILE)
    for info in infos:
        # any part can be a sheet to calamine (module docstring): every part is measured
        if info.filename.lower().endswith((".xml", ".rels", ".vml")):
            reason = _worksheet_problem(zf, info, inflated, package)
        else:  # not XML by its name: no prolog scan (an image may hold "<!" anywhere)
            reason = _worksheet_problem(zf, info, None, package, xml=False)
        if reason:
            return _fail(rules.UNSAFE, name, reason)
    result = SafetyResult(True, inflated=inflated, members=[i.filename for i in infos])
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        result.macros = True
        result.problems.append(rules.MACROS(file=name))
    if "docProps/core.xml" in names:
        core = inflated.get("docProps/core.xml")  # kept only as read by this name
        result.content_time = _core_time(zf.read("docProps/core.xml") if core is None else core)
    return result


def _not_a_workbook(names: set[str]) -> str:
    """Why a zip package is no workbook: what it is, when it is another Office file."""
    if "word/document.xml" in names:
        return "det är ett Word-dokument, inte en Excel-arbetsbok"
    if "ppt/presentation.xml" in names:
        return "det är en PowerPoint-presentation, inte en Excel-arbetsbok"
    return "filen är en zip-fil men ingen Excel-arbetsbok"


_QUICK_PROLOG = 4096  # the root element of a normal part starts within its first bytes
_ROOT_FOUND = object()


def _worksheet_problem(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    keep: dict[str, bytes] | None = None,
    package: bytes | None = None,
    xml: bool = True,
) -> str | None:
    """Prolog (if `xml`), declared dimension and real extent of a part, in one pass.

    The same checks, in the same order, as `_xml_prolog_problem`, `_dimension_reason`
    and `sheet_extent.sheet_extent` one after the other, which opened and inflated the
    start of every sheet three times (issue 8). The rare parts the quick prolog scan
    cannot decide go through `_xml_prolog_problem` itself. With `package` (the file's
    bytes), a part shorter than a chunk is inflated in one call (`zip_member`).
    """
    with _open(zf, info, package, extent.CHUNK - 1) as fh:
        first = fh.read(extent.CHUNK)
        if xml and not _head_is_clear(first[:_QUICK_PROLOG], info):
            reason = _xml_prolog_problem(zf, info, None, package)
            if reason:
                return reason
        reason = _dimension_reason(first[:_DIMENSION_HEAD])
        if reason:
            return reason
        # a part shorter than a chunk was read whole (to its CRC check) in `first`
        whole = len(first) < extent.CHUNK
        near = whole and _NEAR_IS_WITHIN and extent.plainly_near(first)  # issue 8
        found = (0, 0) if near else extent.extent_of(extent.chunks_of(fh, first), too_large)
    rows, cols = found if found is not None else extent.walk_extent(zf, info, too_large)
    reason = _extent_reason(rows, cols)
    if reason is not None and not extent.holds_cells(zf, info):
        reason = None  # a calculation chain (`holds_cells`): no grid, whatever its extent
    if reason is None and keep is not None and whole and _keepable(zf, info, keep, fh, len(first)):
        keep[info.filename] = first
    return reason


def _keepable(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, keep: dict[str, bytes], fh: IO[bytes], size: int
) -> bool:
    """Whether a part read whole may be kept for the reader: read by `whole_member` (`fh`;
    zipfile cuts a part inflating past its size, which calamine refuses), the entry read
    by that name (a name may be there twice: zipfile reads the last), within SHARED_BYTES."""
    fits = sum(map(len, keep.values())) + size <= SHARED_BYTES
    return fits and isinstance(fh, io.BytesIO) and zf.getinfo(info.filename) is info


def _head_is_clear(head: bytes, info: zipfile.ZipInfo) -> bool:
    """Whether a part's first bytes (UTF-8) reach its root element with nothing refused.

    Only "root reached" is trusted from the head; anything else (and UTF-16) is decided
    by `_xml_prolog_problem` on 64 KB. Shared by both callers, so they cannot drift.
    """
    if safe_xml.utf16_codec(head):  # also without a BOM: expat reads it as UTF-16
        return False
    return _scan_prolog(head, info) is _ROOT_FOUND


def _open(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, package: bytes | None, limit: int
) -> IO[bytes]:
    """The member for reading: from `package` when `zip_member.whole_member` vouches for
    it (any read gives what zipfile's would), else through zipfile as always."""
    whole = None if package is None else whole_member(package, info, limit)
    return zf.open(info) if whole is None else io.BytesIO(whole)


# Parts up to this size are inflated whole to read their prolog (~10 µs), larger ones
# only their first bytes through zipfile (the root element is in the first 4 KB).
_SMALL_PART = 4 * _QUICK_PROLOG


def _xml_prolog_problem(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    keep: dict[str, bytes] | None = None,
    package: bytes | None = None,
) -> str | None:
    """Scan an XML part up to its root element; refuse DOCTYPE/ENTITY (never expanded).

    The first 4 KB are decompressed first; only a part whose root element is not in
    them is scanned again over 64 KB (the same verdict, ~10x less inflating: issue 8).
    A part shorter than that was read whole (to its CRC check): with `keep`, it is kept
    for the reader (workbook, relationships, tables, properties: issue 8, each was
    inflated again by the reader).
    """
    with _open(zf, info, package, _SMALL_PART) as fh:
        head = fh.read(_QUICK_PROLOG)
        if _head_is_clear(head, info):
            if (
                keep is not None
                and len(head) < _QUICK_PROLOG
                and _keepable(zf, info, keep, fh, len(head))
            ):
                keep[info.filename] = head
            return None
    with _open(zf, info, package, _SMALL_PART) as fh:
        raw = fh.read(MAX_PROLOG)
    text = raw.decode(safe_xml.utf16_codec(raw) or "utf-8", errors="replace")
    found = _scan_prolog(text, info)
    if found is _ROOT_FOUND:
        return None
    if isinstance(found, str):
        return found
    if info.file_size > 0 and len(raw) >= MAX_PROLOG:
        return f"delen {info.filename} har en orimligt lång inledning"
    # Without a root element in the prolog scan: check the whole head for declarations.
    upper = text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        return f"delen {info.filename} innehåller en DOCTYPE- eller ENTITY-deklaration"
    return None


_MARKS: dict[type, tuple[Any, ...]] = {
    str: ("<", "<?", "?>", "<!--", "-->", "<!"),
    bytes: (b"<", b"<?", b"?>", b"<!--", b"-->", b"<!"),
}


def _scan_prolog(text: str | bytes, info: zipfile.ZipInfo) -> object:
    """_ROOT_FOUND, a refusal reason, or None when the text ends before the root.

    `text` is decoded text, or UTF-8 bytes as they are: every marker is ASCII, and
    decoding UTF-8 (errors replaced) keeps each ASCII byte as that character, in order,
    and makes no other byte one, so both give the same answer (issue 8: decoding the
    head of every part cost more than scanning it).
    """
    lt, pi, pi_end, comment, comment_end, decl = _MARKS[type(text)]
    pos = 0
    while True:
        start = text.find(lt, pos)
        if start < 0:
            break  # no root element in the first 64 KB: only possible with a huge prolog
        if text.startswith(pi, start):
            end = text.find(pi_end, start)
        elif text.startswith(comment, start):
            end = text.find(comment_end, start)
        elif text.startswith(decl, start):
            return f"delen {info.filename} innehåller en DOCTYPE- eller ENTITY-deklaration"
        else:
            return _ROOT_FOUND
        if end < 0:
            return None
        pos = end + 2
    return None


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')


_DIMENSION_HEAD = 8192


def _dimension_reason(head: bytes) -> str | None:
    # most parts measured have none; the pattern is tried at every '<' (issue 8)
    match = _DIMENSION.search(head) if b"dimension" in head else None
    if not match or not match.group(3):
        return None
    c1, r1, c2, r2 = match.groups()
    rows = abs(int(r2) - int(r1)) + 1
    cols = abs(column_number(c2) - column_number(c1)) + 1
    if too_large(rows, cols):
        return (
            f"ett blad anger orimligt stora mått ({rows} rader × {cols} kolumner), "
            "vilket kan få datorn att ta slut på minne"
        )
    return None


def _extent_reason(rows: int, cols: int) -> str | None:
    if too_large(rows, cols):
        return (
            f"ett blad har innehåll långt utanför mallen (till rad {rows}, kolumn {cols}), "
            "vilket kan få datorn att ta slut på minne"
        )
    return None


_DC = "{http://purl.org/dc/terms/}"


def _core_time(data: bytes) -> datetime | None:
    """dcterms:modified (else created) from docProps/core.xml, as an aware UTC datetime."""
    try:
        root = safe_xml.fromstring(data)
    except Exception:  # defusedxml refusals and malformed XML alike: no content time
        return None
    for tag in ("modified", "created"):
        el = root.find(f"{_DC}{tag}")
        if el is not None and el.text:
            parsed = parse_w3cdtf(el.text.strip())
            if parsed:
                return parsed
    return None


def parse_w3cdtf(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
