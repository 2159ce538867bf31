"""Read a returned department workbook into the model, keeping every value's cell.

Values are read with python-calamine (fast, evaluates nothing); identity, sheet files
and error cells are read from the zip with defusedxml (`reader_parts`). Only input and
prefilled cells are read; formulas and their cached results are never trusted, every
total is recomputed by budgetbook. Findings are `Problem`s (rules BB2xx, BB3xx and the
row-level BB4xx); one bad cell never hides another. File-level identity checks and the
ram / large-change checks belong to the collect step, which uses `identity` and
`submission`.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_rowcol_to_cell as _xl_rowcol_to_cell

from . import fmt, safety
from . import rules as R
from . import schema as S
from .model import (
    ControlPoint,
    DriftLine,
    GoalRow,
    Problem,
    Project,
    Risk,
    Submission,
    Uppdrag,
)
from .reader_parts import (
    Amount,
    ZipParts,
    cell_text,
    is_error_literal,
    parse_amount,
    read_zip_parts,
)
from .settings import Settings

_YEAR_IN_HEADING = re.compile(r"\b(19|20)\d{2}\b")
HEADER_SEARCH_ROWS = 60
_log = logging.getLogger(__name__)


@dataclass(slots=True)
class ReadResult:
    """What the reader found: raw identity values, the parsed return, and all problems.

    `submission` is None only when the file could not be opened as a workbook.
    """

    identity: dict[str, str]
    submission: Submission | None
    problems: list[Problem] = field(default_factory=list)


def read_return(
    path: Path, settings: Settings, schema: S.Schema, *, name: str | None = None
) -> ReadResult:
    """Read one returned workbook (assumed to have passed the safety pre-check).

    Never raises for a bad file: anything that goes wrong, including a panic in the
    Rust workbook reader (a BaseException, not an Exception), becomes a problem.
    """
    name = name or path.name
    try:
        with zipfile.ZipFile(path) as zf:
            parts = read_zip_parts(zf, {s.name for s in schema.sheets}, S.IDENTITY_FIELDS)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # any broken package is a finding, never a crash
        return ReadResult({}, None, [R.NOT_READABLE(file=name, orsak=_reason(exc))])
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        problem = R.NOT_READABLE(file=name, orsak=_reason(exc))
        return ReadResult(parts.identity, None, [problem])
    reader = _Reader(settings, schema, name, path, parts)
    try:
        reader.read(wb)
    except (KeyboardInterrupt, SystemExit):
        raise
    except _TooLarge as exc:
        reader.problems.append(R.UNSAFE(file=name, orsak=str(exc)))
    except BaseException as exc:  # unexpected content must yield a problem, not a traceback
        reader.problems.append(R.NOT_READABLE(file=name, orsak=_reason(exc)))
    finally:
        wb.close()
    return ReadResult(parts.identity, reader.sub, reader.problems)


class _TooLarge(Exception):
    """A sheet reaches further than the pre-check allows; the message is Swedish."""


def _reason(exc: BaseException) -> str:
    """A Swedish reason for a file that could not be read. The exception's own text is
    English library detail of no use to a department head: it goes to the debug log."""
    _log.debug("could not read a return: %s: %s", type(exc).__name__, exc)
    return "filen är skadad eller inte en Excel-arbetsbok (.xlsx)"


@lru_cache(maxsize=8192)
def _a1(r: int, c: int) -> str:
    """A1 reference, cached: the reader names ~1 000 cells per return (issue 8)."""
    return _xl_rowcol_to_cell(r, c)


xl_rowcol_to_cell = _a1


@lru_cache(maxsize=8192, typed=True)  # typed: True, 1 and 1.0 read differently
def _norm(text: object) -> str:
    t = cell_text(text).casefold().replace("\u2013", "-").replace("\u2212", "-")
    return " ".join(t.split())


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


@dataclass(slots=True)
class _Table:
    """Where a sheet's table was found (0-based rows/columns) and its column map."""

    sheet: S.SheetDef
    grid: list[list[object]]
    header: int
    first: int
    last: int
    last_col: int
    cols: dict[str, int]
    extra: list[tuple[int, str]]

    def value(self, r: int, key: str) -> object:
        c = self.cols.get(key)
        if c is None or r >= len(self.grid) or c >= len(self.grid[r]):
            return ""
        return self.grid[r][c]


def _grid(wb: CalamineWorkbook, name: str) -> list[list[object]]:
    """The sheet as rows from A1 to its last used cell, refused beyond the pre-check's
    limits: the grid is dense, so a single far-away cell would make it enormous."""
    sheet = wb.get_sheet_by_name(name)
    end_row, end_col = sheet.end or (0, 0)
    rows, cols = end_row + 1, end_col + 1
    if rows > safety.MAX_SHEET_ROWS or rows * cols > safety.MAX_SHEET_CELLS:
        raise _TooLarge(
            f"bladet {name} har innehåll långt utanför mallen (till cell "
            f"{_xl_rowcol_to_cell(end_row, end_col)}), vilket kan få datorn att ta slut på minne"
        )
    return sheet.to_python(skip_empty_area=False, nrows=rows)


class _Reader:
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
        self.list_norm = _list_norm(schema)

    # -- helpers ------------------------------------------------------------------------

    def add(self, rule: R.Rule, sheet: str, cell: str = "", **params: object) -> None:
        self.problems.append(
            rule(file=self.name, sheet=sheet, cell=cell, avdelning=self.sub.avdelning, **params)
        )

    def _error_at(self, t: _Table, r: int, c: int) -> str:
        return self.parts.error_cells.get(t.sheet.name, {}).get((r, c), "")

    def amount(
        self, t: _Table, r: int, key: str, allow_negative: bool = False
    ) -> tuple[int | None, str]:
        """Parse an amount cell, reporting BB301–BB305; returns (value, A1)."""
        c = t.cols.get(key)
        if c is None:
            return None, ""
        a1 = xl_rowcol_to_cell(r, c)
        sheet = t.sheet.name
        err = self._error_at(t, r, c)
        parsed = Amount("error", raw=err) if err else parse_amount(t.value(r, key))
        if parsed.kind == "empty":
            return None, a1
        if parsed.kind == "error":
            self.add(R.FORMULA_ERROR, sheet, a1, varde=parsed.raw)
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
            self.add(R.NEGATIVE, sheet, a1, varde=fmt.tkr(value))
        return value, a1

    def text(self, t: _Table, r: int, key: str) -> tuple[str, str]:
        c = t.cols.get(key)
        if c is None:
            return "", ""
        a1 = xl_rowcol_to_cell(r, c)
        err = self._error_at(t, r, c)
        raw = t.value(r, key)
        if err or (isinstance(raw, str) and raw.strip() and is_error_literal(raw)):
            self.add(R.FORMULA_ERROR, t.sheet.name, a1, varde=err or raw.strip())
            return "", a1
        return cell_text(raw), a1

    def choice(self, t: _Table, r: int, key: str) -> tuple[str, str]:
        """A list column: the canonical list value, or "" (BB307 reported)."""
        value, a1 = self.text(t, r, key)
        col = t.sheet.column(key)
        if not value:
            return "", a1
        allowed = self.list_norm.get(col.list_name, {})
        hit = allowed.get(_norm(value))
        if hit is None and col.list_name == "mal":
            # "1.1" alone, or the goal's code typed with another title
            code = value.split()[0]
            hit = next((v for v in allowed.values() if v.split()[0] == code), None)
        if hit is None and col.list_name == "kategorier":
            cat = self.s.category(value)
            hit = cat.name if cat else None
        if hit is None:
            shown = list(self.schema.lists.get(col.list_name, ()))
            tillatna = ", ".join(shown[:8]) + (" …" if len(shown) > 8 else "")
            self.add(
                R.NOT_IN_LIST, t.sheet.name, a1, varde=value, kolumn=col.heading, tillatna=tillatna
            )
            return "", a1
        return hit, a1

    def required(self, t: _Table, r: int, key: str, value: object) -> None:
        if value in ("", None):
            c = t.cols.get(key)
            cell = xl_rowcol_to_cell(r, c) if c is not None else ""
            self.add(R.REQUIRED_EMPTY, t.sheet.name, cell, kolumn=t.sheet.column(key).heading)

    def has_content(self, t: _Table, r: int) -> bool:
        for col in t.sheet.columns:
            if not col.input:
                continue
            c = t.cols.get(col.key)
            if c is None:
                continue
            v = t.value(r, col.key)
            if (
                v not in ("", None) and not (isinstance(v, str) and not v.strip())
            ) or self._error_at(t, r, c):
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

    def locate(
        self,
        sheet: S.SheetDef,
        grid: list[list[object]],
        found: tuple[str, tuple[int, int], tuple[int, int]] | None,
    ) -> _Table | None:
        if found and found[0] in ("", sheet.name):
            _, (r0, c0), (r1, c1) = found
            header, first, last, last_col = r0 - 1, r0, r1, c1
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
        return _Table(sheet, grid, header, first, min(last, len(grid) - 1), last_col, cols, extra)

    def _find_header(self, sheet: S.SheetDef, grid: list[list[object]]) -> int | None:
        wanted = {_norm(c.heading) for c in sheet.columns}
        best, best_hits = None, 0
        for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
            hits = sum(1 for v in row if _norm(v) in wanted)
            if hits > best_hits:
                best, best_hits = r, hits
        return best if best_hits >= max(2, len(wanted) // 2) else None

    def outside(self, t: _Table) -> None:
        """BB205 for values below or right of the table, and in unknown table columns."""
        for r in range(t.header, len(t.grid)):
            row = t.grid[r]
            below = r > t.last
            start = 0 if below else t.last_col + 1
            for c in range(start, len(row)):
                if row[c] not in ("", None):
                    self.add(R.ROW_OUTSIDE_TABLE, t.sheet.name, xl_rowcol_to_cell(r, c))
                    break
        years = set(self.s.investment_years)
        for c, heading in t.extra:
            m = _YEAR_IN_HEADING.search(heading)
            year = int(m.group(0)) if m else None
            for r in range(t.first, t.last + 1):
                v = t.grid[r][c] if c < len(t.grid[r]) else ""
                if v in ("", None) or (isinstance(v, float) and v == 0):
                    continue
                a1 = xl_rowcol_to_cell(r, c)
                if t.sheet.key == "investeringar" and year is not None and year not in years:
                    first, last = min(years), max(years)
                    self.add(
                        R.INV_YEAR_OUTSIDE, t.sheet.name, a1, ar=year, forsta=first, sista=last
                    )
                else:
                    self.add(R.ROW_OUTSIDE_TABLE, t.sheet.name, a1)
                    break

    # -- sheets ------------------------------------------------------------------------

    def read_drift(self, t: _Table) -> None:
        s, sheet = self.s, t.sheet.name
        by_name = {_norm(d.name): d for d in s.driftposter} | {
            _norm(d.code): d for d in s.driftposter
        }
        avd = s.avdelning(self.sub.avdelning)
        expected = (
            {(v.code, d.code): v for v in s.verksamheter_of(avd.code) for d in s.driftposter}
            if avd
            else None
        )
        seen: set[tuple[str, str]] = set()
        years = s.years
        for r in range(t.first, t.last + 1):
            vcode, _ = self.text(t, r, "verksamhet")
            dname, _ = self.text(t, r, "driftpost")
            row_a1 = xl_rowcol_to_cell(r, 0)
            if not vcode and not dname and not self.has_content(t, r):
                continue
            d = by_name.get(_norm(dname))
            key = (vcode, d.code if d else "")
            prior = s.prior.get(key)
            changed = (
                d is None
                or key in seen
                or (expected is not None and key not in expected)
                or not self._prior_matches(t, r, prior)
            )
            if changed:
                self.add(
                    R.DRIFT_ROW_CHANGED,
                    sheet,
                    row_a1,
                    verksamhet=vcode or "?",
                    driftpost=dname or "?",
                )
                if d is None or key in seen:
                    continue
            seen.add(key)
            allow_neg = d.allow_negative
            amounts: dict[int, int] = {}
            cells: dict[int, str] = {}
            for year in years:
                key_col = f"budget_{year}" if year == s.budget_year else f"plan_{year}"
                value, a1 = self.amount(t, r, key_col, allow_neg)
                cells[year] = a1
                if value is not None:
                    amounts[year] = value
            comment, _ = self.text(t, r, "comment")
            budget = amounts.get(s.budget_year)
            if (
                budget is None
                and any(y in amounts for y in s.plan_years)
                and not self._reported(sheet, cells.get(s.budget_year, ""))
            ):  # a cell already flagged (e.g. text) is not "empty" on top
                self.required(t, r, f"budget_{s.budget_year}", None)
            if budget:
                for year in s.plan_years:
                    if year not in amounts and cells.get(year):
                        v = t.value(r, f"plan_{year}")
                        if v in ("", None):
                            self.add(
                                R.PLAN_YEARS_MISSING,
                                sheet,
                                cells[year],
                                ar=year,
                                verksamhet=vcode,
                                driftpost=d.name,
                            )
            self.sub.drift.append(DriftLine(vcode, d.code, amounts, comment, cells, r + 1))
        if expected is not None:
            for (vcode, dcode), v in expected.items():
                if (vcode, dcode) not in seen:
                    dp = s.driftpost(dcode)
                    self.add(
                        R.DRIFT_ROW_CHANGED,
                        sheet,
                        verksamhet=f"{vcode} {v.name}",
                        driftpost=dp.name if dp else dcode,
                    )

    def _prior_matches(self, t: _Table, r: int, prior: object) -> bool:
        for key, attr in (("budget_prior", "budget"), ("prognos_prior", "prognos")):
            if key not in t.cols:
                continue
            parsed = parse_amount(t.value(r, key))
            want = getattr(prior, attr) if prior is not None else 0
            got = parsed.value if parsed.kind in ("number", "text_number") else None
            if got != want and not (got is None and want == 0 and parsed.kind == "empty"):
                return False
        return True

    def read_investeringar(self, t: _Table) -> None:
        s, sheet = self.s, t.sheet.name
        years = s.investment_years
        ids: dict[str, int] = {}
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            cells: dict[str, str] = {}
            pid, cells["id"] = self.text(t, r, "id")
            name, cells["name"] = self.text(t, r, "name")
            category, cells["category"] = self.choice(t, r, "category")
            status, cells["status"] = self.choice(t, r, "status")
            decided, cells["decided_total"] = self.amount(t, r, "decided_total")
            description, cells["description"] = self.text(t, r, "description")
            amounts: dict[int, int] = {}
            for year in years:
                value, cells[str(year)] = self.amount(t, r, f"inv_{year}")
                if value is not None:
                    amounts[year] = value
            row_a1 = xl_rowcol_to_cell(r, 0)
            for key, value in (("id", pid), ("name", name), ("status", status)):
                if not value and not self._reported(sheet, cells.get(key, "")):
                    self.required(t, r, key, value)
            missing = [
                label
                for label, key, value in (
                    ("kategori", "category", category),
                    ("beskrivning", "description", description),
                )
                if not value and not self._reported(sheet, cells.get(key, ""))
            ]
            if missing:
                self.add(
                    R.PROJECT_INCOMPLETE, sheet, row_a1, id=pid or name, falt=" och ".join(missing)
                )
            if pid:
                if pid in ids:
                    self.add(R.DUPLICATE_PROJECT, sheet, cells["id"], id=pid, annan_rad=ids[pid])
                else:
                    ids[pid] = r + 1
            if not any(amounts.values()):
                self.add(
                    R.PROJECT_EMPTY, sheet, row_a1, id=pid or name, forsta=years[0], sista=years[-1]
                )
            cat = s.category(category) if category else None
            self.sub.projects.append(
                Project(
                    id=pid,
                    name=name,
                    category=cat.code if cat else category,
                    status={"pågående": "pågående", "ny": "ny"}.get(status.casefold(), status),
                    decided_total=decided,
                    amounts=amounts,
                    description=description,
                    avdelning=self.sub.avdelning,
                    cells=cells,
                    row=r + 1,
                )
            )

    def _reported(self, sheet: str, cell: str) -> bool:
        """Whether a cell already has a problem (so 'empty' is not reported on top)."""
        return bool(cell) and any(p.sheet == sheet and p.cell == cell for p in self.problems)

    def read_mal(self, t: _Table) -> None:
        by = self.s.budget_year
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            goal, goal_a1 = self.choice(t, r, "goal")
            indicator, _ = self.text(t, r, "indicator")
            target, _ = self.text(t, r, "target")
            for key, value, a1 in (
                ("goal", goal, goal_a1),
                ("indicator", indicator, ""),
                ("target", target, ""),
            ):
                if not value and not self._reported(t.sheet.name, a1):
                    self.required(t, r, key, value)
            values = {}
            for year in (by - 2, by - 1):
                v, _ = self.text(t, r, f"value_{year}")
                if v:
                    values[year] = v
            self.sub.goals.append(
                GoalRow(
                    goal=goal.split()[0] if goal else "",
                    indicator=indicator,
                    source=self.text(t, r, "source")[0],
                    values=values,
                    target=target,
                    comment=self.text(t, r, "comment")[0],
                    avdelning=self.sub.avdelning,
                    row=r + 1,
                )
            )

    def read_uppdrag(self, t: _Table) -> None:
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            text, _ = self.text(t, r, "text")
            status, status_a1 = self.choice(t, r, "status")
            start = self.year(t, r, "start")
            self.required(t, r, "text", text)
            if not status and not self._reported(t.sheet.name, status_a1):
                self.required(t, r, "status", status)
            self.sub.uppdrag.append(
                Uppdrag(
                    text=text,
                    start=start,
                    status=status,
                    comment=self.text(t, r, "comment")[0],
                    avdelning=self.sub.avdelning,
                    row=r + 1,
                )
            )

    def year(self, t: _Table, r: int, key: str) -> int | None:
        c = t.cols.get(key)
        if c is None:
            return None
        raw = t.value(r, key)
        a1 = xl_rowcol_to_cell(r, c)
        err = self._error_at(t, r, c)
        if err:
            self.add(R.FORMULA_ERROR, t.sheet.name, a1, varde=err)
            return None
        if raw in ("", None):
            return None
        text = cell_text(raw)
        if re.fullmatch(r"(19|20)\d{2}", text):
            return int(text)
        self.add(R.NOT_A_YEAR, t.sheet.name, a1, varde=text, exempel=self.s.budget_year)
        return None

    def read_risker(self, t: _Table) -> None:
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            description, _ = self.text(t, r, "description")
            self.required(t, r, "description", description)
            cells: dict[str, str] = {}
            pos, cells["positive"] = self.amount(t, r, "positive")
            neg, cells["negative"] = self.amount(t, r, "negative")
            self.sub.risks.append(
                Risk(description, pos or 0, neg or 0, self.sub.avdelning, r + 1, cells)
            )

    def read_internkontroll(self, t: _Table) -> None:
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            values = {k: self.text(t, r, k)[0] for k in ("riskomrade", "risk", "kontrollmetod")}
            for key, value in values.items():
                self.required(t, r, key, value)
            tidpunkt, _ = self.choice(t, r, "tidpunkt")
            riskvarde, _ = self.amount(t, r, "riskvarde")
            self.sub.controls.append(
                ControlPoint(
                    riskomrade=values["riskomrade"],
                    risk=values["risk"],
                    kontrollmetod=values["kontrollmetod"],
                    tidpunkt=tidpunkt,
                    riskvarde=riskvarde,
                    avdelning=self.sub.avdelning,
                    row=r + 1,
                )
            )

    def read_texter(self, t: _Table) -> None:
        sections = list(self.s.text_sections)
        by_title = {_norm(x.title): x for x in sections}
        for i, r in enumerate(range(t.first, t.last + 1)):
            title, _ = self.text(t, r, "section")
            section = by_title.get(_norm(title)) or (sections[i] if i < len(sections) else None)
            text, a1 = self.text(t, r, "text")
            if section is None:
                if text:
                    self.add(R.ROW_OUTSIDE_TABLE, t.sheet.name, a1)
                continue
            if text:
                self.sub.texts[section.key] = text
                if len(text) > section.max_chars:
                    self.add(
                        R.TEXT_TOO_LONG, t.sheet.name, a1, antal=len(text), max=section.max_chars
                    )
