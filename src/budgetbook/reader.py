"""Read a returned department workbook into the model, keeping every value's cell.

Values are read with python-calamine (fast, evaluates nothing); identity, sheet files
and error cells are read from the zip, entities refused (`reader_parts`, `safe_xml`).
Only input and prefilled cells are read; formulas and their cached results are never
trusted, every total is recomputed by budgetbook. Findings are `Problem`s (rules BB2xx,
BB3xx and the row-level BB4xx); one bad cell never hides another. File-level identity
checks and the ram / large-change checks belong to the collect step, which uses
`identity` and `submission`.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, TablesNotLoaded
from xlsxwriter.utility import xl_rowcol_to_cell as _xl_rowcol_to_cell

from . import fmt, safety
from . import rules as R
from . import schema as S
from .formula_cells import UncomputedFormulas
from .model import (
    Problem,
    Submission,
)
from .reader_bounds import Bounds
from .reader_parts import (
    MAX_AMOUNT,
    Amount,
    LazyPackage,
    ZipParts,
    cell_text,
    is_error_literal,
    parse_amount,
    read_zip_parts,
    shown_error,
)
from .reader_percent import PercentCells
from .reader_sheets import SheetReaders, xl_rowcol_to_cell
from .reader_sheets import Table as _Table
from .reader_sheets import norm as _norm
from .settings import Settings
from .zip_member import stored_copy, zipfile_copy

HEADER_SEARCH_ROWS = 60
# what BB304 tells to enter as positive amounts, by sheet: on Risker both kinds of risk
# (a negative risk is typed without its minus, the draft shows it with one)
_POSITIVE_ON = {
    "drift": "Intäkter och kostnader",
    "investeringar": "Utgifterna",
    "risker": "Både positiva och negativa risker",
}
_log = logging.getLogger(__name__)


@dataclass(slots=True)
class ReadResult:
    """What the reader found: raw identity values, the parsed return, and all problems.

    `submission` is None only when the file could not be opened as a workbook.
    `unread` is set when the file could not be read whole (`submission` is then None or
    holds only what came before the failure): the rule's code and the reason in Swedish,
    as its problem gives them, for those (`compare`) that say it in their own words.
    """

    identity: dict[str, str]
    submission: Submission | None
    problems: list[Problem] = field(default_factory=list)
    unread: tuple[str, str] | None = None

    def fail(self, rule: R.Rule, name: str, reason: str) -> ReadResult:
        """Record that the file could not be read (whole), and why."""
        self.problems.append(rule(file=name, orsak=reason))
        self.unread = (rule.code, reason)
        return self


def read_return(
    path: Path,
    settings: Settings,
    schema: S.Schema,
    *,
    name: str | None = None,
    inflated: Mapping[str, bytes] | None = None,
    members: Sequence[str] | None = None,
    package: bytes | None = None,
) -> ReadResult:
    """Read one returned workbook (assumed to have passed the safety pre-check).

    `inflated`, `members`, `package`: the parts of this file its pre-check inflated,
    its member names and the bytes it checked (`SafetyResult`); with the names, the zip
    is opened only for a part that was not inflated, and with the bytes, everything is
    read from them rather than from `path` (`_open_workbook`); without them (a cached
    verdict) the file is read into memory once, for zipfile and calamine alike.

    Never raises for a bad file: anything that goes wrong, including a panic in the
    Rust workbook reader (a BaseException, not an Exception), becomes a problem.
    """
    name = name or path.name
    try:
        if package is None:  # a cached verdict: the file read once, for both readers
            package = path.read_bytes()
        with LazyPackage(package, members or None) as zf:
            wanted = {s.name for s in schema.sheets}
            parts = read_zip_parts(zf, wanted, S.READ_FIELDS, inflated)
            members = zf.namelist()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # any broken package is a finding, never a crash
        return ReadResult({}, None).fail(R.NOT_READABLE, name, _reason(exc))
    try:
        wb = _open_workbook(package, members, inflated)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        return ReadResult(parts.identity, None).fail(R.NOT_READABLE, name, _reason(exc))
    if wb is None:  # the package is no .xlsx to calamine
        _log.debug("could not read a return: calamine reads it as no .xlsx")
        return ReadResult(parts.identity, None).fail(R.NOT_READABLE, name, _UNREADABLE)
    reader = _Reader(settings, schema, name, path, parts)
    reader.percents = PercentCells(_part_reader(package, members, inflated))
    result = ReadResult(parts.identity, reader.sub, reader.problems)
    try:
        reader.read(wb)
    except (KeyboardInterrupt, SystemExit):
        raise
    except _TooLarge as exc:
        result.fail(R.UNSAFE, name, str(exc))
    except BaseException as exc:  # unexpected content must yield a problem, not a traceback
        result.fail(R.NOT_READABLE, name, _reason(exc))
    finally:
        wb.close()
    return result


def _open_workbook(
    package: bytes,
    members: Sequence[str],
    inflated: Mapping[str, bytes] | None,
) -> CalamineWorkbook | None:
    """calamine's workbook of `package` (the bytes the pre-check passed, or the file's
    when its verdict was cached), listed by zipfile as `members`. None: the package is
    no .xlsx to calamine.

    From the bytes, the parts the pre-check inflated are handed over stored when the
    package is plain, as openpyxl and Excel write it (`stored_copy`; issue 8: each was
    inflated again, ~0.4 ms a return), and calamine reads exactly what was checked, not
    a file that OneDrive or an antivirus program may have replaced since.
    A package `stored_copy` declines is handed over as zipfile reads it (`zipfile_copy`),
    never as it is: calamine's zip reader may find other members in it than zipfile did.
    `from_filelike` tries every format, so a package it reads as anything but .xlsx
    (which the probe tells) is refused, whatever the file's name.
    """
    copy = stored_copy(package, members, inflated or {})
    if copy is None:
        copy = zipfile_copy(package)
    wb = CalamineWorkbook.from_filelike(io.BytesIO(copy))
    try:
        wb.table_names  # noqa: B018 - raises TablesNotLoaded for an .xlsx only
    except TablesNotLoaded:
        return wb
    except CalamineError:
        pass
    wb.close()
    return None


class _TooLarge(Exception):
    """A sheet reaches further than the pre-check allows; the message is Swedish."""


def _reason(exc: BaseException) -> str:
    """A Swedish reason for a file that could not be read. The exception's own text is
    English library detail of no use to a department head: it goes to the debug log."""
    _log.debug("could not read a return: %s: %s", type(exc).__name__, exc)
    return _UNREADABLE


_UNREADABLE = "filen är skadad eller inte en Excel-arbetsbok (.xlsx)"


_LIST_NORM: dict[int, tuple[S.Schema, dict[str, dict[str, str]]]] = {}


def _list_norm(schema: S.Schema) -> dict[str, dict[str, str]]:
    """Normalised allowed values per list, once per schema rather than once per file:
    the verksamheter list grows with the round, so per file it made reading quadratic."""
    hit = _LIST_NORM.get(id(schema))
    if hit is None or hit[0] is not schema:
        _LIST_NORM.clear()
        hit = (schema, {k: {_norm(v): v for v in vals} for k, vals in schema.lists.items()})
        _LIST_NORM[id(schema)] = hit
    return hit[1]


# locate's finding for a heading row of text that gave no problem, by (sheet, last
# column, the row's texts); the sheet itself is kept to check the id was not reused.
_HEADINGS: dict[
    tuple[int, int, tuple[object, ...]],
    tuple[S.SheetDef, dict[str, int], tuple[tuple[int, str], ...], tuple[int, ...]],
] = {}
_HEADINGS_MAX = 256
_HEADING_CELLS, _HEADING_CHARS = 128, 4096  # a template's row: ~12 cells, ~250 characters


def _grid(wb: CalamineWorkbook, name: str) -> list[list[object]]:
    """The sheet as rows from A1 to its last used cell, refused beyond the pre-check's
    limits: the grid is dense, so a single far-away cell would make it enormous."""
    sheet = wb.get_sheet_by_name(name)
    end_row, end_col = sheet.end or (0, 0)
    rows, cols = end_row + 1, end_col + 1
    if safety.too_large(rows, cols):
        raise _TooLarge(
            f"bladet {name} har innehåll långt utanför mallen (till cell "
            f"{_xl_rowcol_to_cell(end_row, end_col)}), vilket kan få datorn att ta slut på minne"
        )
    return sheet.to_python(skip_empty_area=False, nrows=rows)


def _part_reader(
    package: bytes, members: Sequence[str], inflated: Mapping[str, bytes] | None
) -> Callable[[str], bytes]:
    """A zip member's bytes on demand (b"" when absent), for the rare part the reader
    needs beyond those read up front (styles.xml, for a percent typed in Mål)."""

    def read(member: str) -> bytes:
        if inflated and member in inflated:
            return inflated[member]
        with LazyPackage(package, members) as zf:
            return zf.read(member) if member in zf.namelist() else b""

    return read


@functools.cache
def _formula_columns(sheet: S.SheetDef) -> int:
    """How many of the table's columns the template fills with a formula in every row."""
    return sum(1 for c in sheet.columns if c.type == S.FORMULA)


class _Reader(SheetReaders, Bounds):
    """One file: the helpers and structure here, the per-sheet reads in SheetReaders."""

    def __init__(
        self, settings: Settings, schema: S.Schema, name: str, path: Path, parts: ZipParts
    ):
        self.s = settings
        self.schema = schema
        self.name = name
        self.parts = parts
        ident = parts.identity
        year = ident.get(S.ID_YEAR, "")
        self.sub = Submission(
            avdelning=ident.get(S.ID_AVDELNING, ""),
            file=name,
            path=path,
            round_id=ident.get(S.ID_ROUND, ""),
            year=int(year) if year.isdigit() else 0,
            template_version=ident.get(S.ID_VERSION, ""),
        )
        self.problems: list[Problem] = []
        self._reported_cells: set[tuple[str, str]] = set()
        self._reported_upto = 0
        self.list_norm = _list_norm(schema)
        self.percents = PercentCells()

    # -- helpers ------------------------------------------------------------------------

    def add(self, rule: R.Rule, sheet: str, cell: str = "", **params: object) -> None:
        self.problems.append(
            rule(file=self.name, sheet=sheet, cell=cell, avdelning=self.sub.avdelning, **params)
        )

    def _error_at(self, t: _Table, r: int, c: int) -> str:
        errors = t.errors
        return errors.get((r, c), "") if errors else ""

    def amount(
        self, t: _Table, r: int, key: str, allow_negative: bool = False
    ) -> tuple[int | None, str]:
        """Parse an amount cell, reporting BB301–BB305 and BB311; returns (value, A1)."""
        c = t.cols.get(key)
        if c is None:
            return None, ""
        a1 = xl_rowcol_to_cell(r, c)
        errors = t.errors
        err = errors.get((r, c), "") if errors else ""
        grid = t.grid  # t.at(r, c) inline: this runs for every cell read
        row = grid[r] if r < len(grid) else ()
        raw = row[c] if c < len(row) else ""
        if not err:
            # The common cells, decided without building an Amount (issue 8: the reader
            # parses ~400 amounts per return); anything else takes the full path below.
            kind = type(raw)
            if kind is float and raw.is_integer() and abs(raw) <= MAX_AMOUNT:
                if raw >= 0 or allow_negative:
                    return int(raw), a1
            elif kind is str and not raw:
                self.no_value(t, r, a1)
                return None, a1
        sheet = t.sheet.name
        parsed = Amount("error", raw=err) if err else parse_amount(raw)
        if parsed.kind == "empty":
            self.no_value(t, r, a1)
            return None, a1
        if parsed.kind == "error":
            self.add(R.FORMULA_ERROR, sheet, a1, varde=shown_error(err) if err else parsed.raw)
            return None, a1
        if parsed.kind == "not_number":
            self.add(R.NOT_A_NUMBER, sheet, a1, varde=parsed.raw)
            return None, a1
        value = parsed.value
        assert value is not None and parsed.exact is not None
        if parsed.kind == "text_number":
            self.add(R.TEXT_NUMBER, sheet, a1, varde=parsed.raw, tolkat=fmt.tkr(value))
        if not float(parsed.exact).is_integer():
            self.add(
                R.DECIMALS,
                sheet,
                a1,
                varde=fmt.decimal(parsed.exact, 2).rstrip("0").rstrip(","),
                avrundat=fmt.tkr(value),
            )
        if value < 0 and not allow_negative:
            vad = _POSITIVE_ON.get(t.sheet.key, "Beloppen")
            self.add(R.NEGATIVE, sheet, a1, varde=fmt.tkr(value), vad=vad)
        return value, a1

    def text(self, t: _Table, r: int, key: str) -> tuple[str, str]:
        c = t.cols.get(key)
        if c is None:
            return "", ""
        a1 = xl_rowcol_to_cell(r, c)
        errors = t.errors
        err = errors.get((r, c), "") if errors else ""
        grid = t.grid  # t.at(r, c) inline: this runs for every cell read
        row = grid[r] if r < len(grid) else ()
        raw = row[c] if c < len(row) else ""
        if not err and type(raw) is str:
            text = raw.strip()
            # every error literal starts with "#" (Excel) or "Err:" (LibreOffice)
            if not text or text[0] not in "#E" or (text[0] == "E" and text[:4] != "Err:"):
                return text, a1
        if err or (isinstance(raw, str) and raw.strip() and is_error_literal(raw)):
            shown = shown_error(err) if err else raw.strip()
            self.add(R.FORMULA_ERROR, t.sheet.name, a1, varde=shown)
            return "", a1
        return cell_text(raw), a1

    def choice(self, t: _Table, r: int, key: str) -> tuple[str, str]:
        """A list column: the canonical list value, or "" (BB307 reported)."""
        value, a1 = self.text(t, r, key)
        col = t.sheet.column(key)
        if not value:
            return "", a1
        hit = self.list_value(col.list_name, value)
        if hit is None:
            shown = list(self.schema.lists.get(col.list_name, ()))
            tillatna = ", ".join(shown[:8]) + (" …" if len(shown) > 8 else "")
            self.add(
                R.NOT_IN_LIST, t.sheet.name, a1, varde=value, kolumn=col.heading, tillatna=tillatna
            )
            return "", a1
        return hit, a1

    def list_value(self, list_name: str, value: str) -> str | None:
        """The canonical value of list `list_name` that `value` (non-empty) means, or None."""
        allowed = self.list_norm.get(list_name, {})
        hit = allowed.get(_norm(value))
        if hit is None and list_name == "mal":
            # "1.1" alone, or the goal's code typed with another title
            code = value.split()[0]
            hit = next((v for v in allowed.values() if v.split()[0] == code), None)
        if hit is None and list_name == "kategorier":
            cat = self.s.category(value)
            hit = cat.name if cat else None
        return hit

    def required(self, t: _Table, r: int, key: str, value: object) -> None:
        """BB306 for an empty required cell, unless the cell has a finding already (an
        error, a value not in the list) or holds a formula without a value (BB311)."""
        if value in ("", None):
            c = t.cols.get(key)
            cell = xl_rowcol_to_cell(r, c) if c is not None else ""
            if cell and (self._reported(t.sheet.name, cell) or self.no_value(t, r, cell)):
                return
            self.add(R.REQUIRED_EMPTY, t.sheet.name, cell, kolumn=t.sheet.column(key).heading)

    def no_value(self, t: _Table, r: int, a1: str) -> bool:
        """For a cell that reads as empty where a value is expected: whether it holds a
        formula without a computed value, reported as such (BB311)."""
        formulas = t.formulas
        if formulas is None or not a1 or not formulas.at(r, a1):
            return False
        self.add(R.NO_COMPUTED_VALUE, t.sheet.name, a1)
        return True

    def unasked_formulas(self, t: _Table) -> None:
        """BB311 for the input cells not asked about while reading the table: a row
        whose only content is a formula without a value reads as empty and is skipped
        (one past the sheet's last value is not even in the grid), and an optional text
        is not asked about. Looked for when the table may hold such formulas: on a
        sheet with blank rows always, on Drift and Texter (prefilled rows; their optional
        texts on every row) only when a question was asked already (issue 8: the count
        of the Drift sheet's formulas is ~40 µs)."""
        formulas = t.formulas
        if formulas is None or (t.sheet.fixed_rows and not formulas.asked):
            return
        if not formulas.possible():
            return
        inputs, sheet = set(t.inputs), t.sheet.name
        for _, c, a1 in formulas.cells():
            if c in inputs and not self._reported(sheet, a1):
                self.add(R.NO_COMPUTED_VALUE, sheet, a1)

    def has_content(self, t: _Table, r: int) -> bool:
        errors = t.errors
        grid = t.grid  # t.at(r, c) inline: this runs for every input cell of every row
        row = grid[r] if r < len(grid) else ()
        width = len(row)
        for c in t.inputs:
            v = row[c] if c < width else ""
            if (v not in ("", None) and not (isinstance(v, str) and not v.strip())) or (
                errors and (r, c) in errors and errors[(r, c)]
            ):
                return True
        return False

    # -- structure ---------------------------------------------------------------------

    def read(self, wb: CalamineWorkbook) -> None:
        names = set(wb.sheet_names)
        tables = self.parts.tables
        for sheet in self.schema.sheets:
            if sheet.name not in names:
                self.add(R.SHEET_MISSING, sheet.name, blad=sheet.name)
                continue
            grid = _grid(wb, sheet.name)
            table = self.locate(sheet, grid, tables.get(sheet.table))
            if table is None:
                self.add(R.TABLE_MISSING, sheet.name, tabell=sheet.table)
                continue
            self.outside(table)
            getattr(self, f"read_{sheet.key}")(table)
            self.unasked_formulas(table)
        self.extra_sheets(wb, names)

    def locate(
        self,
        sheet: S.SheetDef,
        grid: list[list[object]],
        found: tuple[str, tuple[int, int], tuple[int, int]] | None,
    ) -> _Table | None:
        table_rows = None  # as the table part says (the grid ends at its last value)
        if found and found[0] in ("", sheet.name):
            _, (r0, c0), (r1, c1) = found
            header, first, last, last_col = r0 - 1, r0, r1, c1
            table_rows = r1 - r0 + 1
            del c0
        else:
            # No table definition (e.g. re-saved by another program): find the heading row.
            header = self._find_header(sheet, grid)
            if header is None:
                return None
            first, last_col = header + 1, len(sheet.columns) - 1
            last = max(first, len(grid) - 1)
        if header < 0 or header >= len(grid):
            return None
        row = grid[header]
        errors = self.parts.error_cells.get(sheet.name) or {}
        xml = self.parts.sheet_xml.get(sheet.name)
        formulas = (
            UncomputedFormulas(
                xml,
                first,
                None if table_rows is None else first + table_rows - 1,
                None if table_rows is None else table_rows * _formula_columns(sheet),
            )
            if xml is not None
            else None
        )
        last = min(last, len(grid) - 1)
        # The same headings in nearly every return of a round (issue 8: ~17 µs a sheet):
        # a heading row of text cells that gave no problem is looked up, not redone. A
        # finding without problems has every heading in its place, so only the cells up
        # to the last heading or table column count; and only a short row is kept (the
        # cache lives as long as the worker, a hostile heading row holds megabytes).
        head = row[: max(len(sheet.columns), last_col + 1)]
        key = (
            (id(sheet), last_col, tuple(head))
            if len(head) <= _HEADING_CELLS
            and all(type(v) is str for v in head)
            and sum(map(len, head)) <= _HEADING_CHARS
            else None
        )
        hit = _HEADINGS.get(key) if key is not None else None
        if hit is not None and hit[0] is sheet:
            _, cols, extra, inputs = hit
            return _Table(
                sheet,
                grid,
                header,
                first,
                last,
                last_col,
                dict(cols),
                list(extra),
                errors,
                inputs,
                formulas,
            )
        problems_before = len(self.problems)
        cols: dict[str, int] = {}
        headings = {c: _norm(row[c]) for c in range(len(row))}
        expected = {_norm(c.heading): c.key for c in sheet.columns}
        for i, col in enumerate(sheet.columns):
            want = _norm(col.heading)
            if headings.get(i) == want:
                cols[col.key] = i
                continue
            elsewhere = next((c for c, h in headings.items() if h == want), None)
            if elsewhere is not None:
                cols[col.key] = elsewhere
                self.add(
                    R.COLUMN_MOVED,
                    sheet.name,
                    xl_rowcol_to_cell(header, elsewhere),
                    rubrik=col.heading,
                )
                continue
            shown = headings.get(i, "")
            if shown and shown not in expected:
                cols[col.key] = i  # renamed in place: still read it, but report it
            self.add(
                R.HEADING_CHANGED,
                sheet.name,
                xl_rowcol_to_cell(header, i),
                forvantad=col.heading,
                funnen=cell_text(row[i]) if i < len(row) else "",
            )
        used = set(cols.values())
        extra = [
            (c, cell_text(row[c]))
            for c in range(min(len(row), last_col + 1))
            if c not in used and headings.get(c)
        ]
        inputs = tuple(cols[c.key] for c in sheet.columns if c.input and c.key in cols)
        if key is not None and len(self.problems) == problems_before:
            if len(_HEADINGS) >= _HEADINGS_MAX:
                _HEADINGS.clear()
            _HEADINGS[key] = (sheet, dict(cols), tuple(extra), inputs)
        return _Table(
            sheet, grid, header, first, last, last_col, cols, extra, errors, inputs, formulas
        )

    def _find_header(self, sheet: S.SheetDef, grid: list[list[object]]) -> int | None:
        wanted = {_norm(c.heading) for c in sheet.columns}
        best, best_hits = None, 0
        for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
            hits = sum(1 for v in row if _norm(v) in wanted)
            if hits > best_hits:
                best, best_hits = r, hits
        return best if best_hits >= max(2, len(wanted) // 2) else None
