"""The per-sheet reads of a returned workbook (split from `reader` for size).

`SheetReaders` is mixed into the reader's per-file class, which provides the cell
helpers used here (`amount`, `text`, `choice`, `required`, `has_content`, `add`) and
the located `Table` of each sheet. Also here: the cell-reference and text-normalising
helpers both modules share.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.utility import xl_rowcol_to_cell as _xl_rowcol_to_cell

from . import fmt
from . import rules as R
from . import schema as S
from .checks import needs_comment
from .formula_cells import UncomputedFormulas
from .model import (
    ControlPoint,
    DriftLine,
    GoalRow,
    Problem,
    Project,
    Risk,
    Submission,
)
from .reader_drift_rows import DriftRows, Foreign, sent_ram
from .reader_parts import cell_text, parse_amount, shown_error
from .reader_percent import PercentCells
from .reader_prior import (
    Pending,
    as_written,
    differing_column,
    prior_matches,
    shown_figures,
    shown_rows,
)
from .reader_rows import (
    a1_or_empty,
    amount_columns,
    investment_row,
    plain_amounts,
    plain_texts,
)
from .reader_uppdrag import UppdragReader
from .settings import Settings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .reader_parts import ZipParts
    from .settings import AssetCategory


@lru_cache(maxsize=8192)
def _a1(r: int, c: int) -> str:
    """A1 reference, cached: the reader names ~1 000 cells per return (issue 8)."""
    return _xl_rowcol_to_cell(r, c)


xl_rowcol_to_cell = _a1


def _norm(text: object) -> str:
    t = cell_text(text).casefold().replace("\u2013", "-").replace("\u2212", "-")
    return " ".join(t.split())


# typed: True, 1 and 1.0 read differently
_norm_kept = lru_cache(maxsize=8192, typed=True)(_norm)
# Names and headings are short; a longer text (a hostile return can hold ~1 000 of up
# to 32 767 characters per sheet) is normalised but not kept for the worker's life.
NORM_KEPT_CHARS = 256


def norm(text: object) -> str:
    """A cell's text as names and headings are compared: case, dashes and spaces aside."""
    if type(text) is str and len(text) > NORM_KEPT_CHARS:
        return _norm(text)
    return _norm_kept(text)


@dataclass(slots=True)
class Table:
    """Where a sheet's table was found (0-based rows/columns) and its column map."""

    sheet: S.SheetDef
    grid: list[list[object]]
    header: int
    first: int
    last: int
    last_col: int
    cols: dict[str, int]
    extra: list[tuple[int, str]]
    # Looked up once per sheet rather than once per cell (issue 8: ~1 000 cells a
    # return): the sheet's error cells, (row0, col0) -> "#REF!", and the columns of the
    # input cells that make a row count as filled in.
    errors: dict[tuple[int, int], str]
    inputs: tuple[int, ...]
    # The sheet's cells with a formula and no computed value, asked only about cells
    # that read as empty where a value is expected (None: the sheet's part is unknown).
    formulas: UncomputedFormulas | None = None

    def value(self, r: int, key: str) -> object:
        c = self.cols.get(key)
        if c is None or r >= len(self.grid) or c >= len(self.grid[r]):
            return ""
        return self.grid[r][c]

    def at(self, r: int, c: int) -> object:
        """The value at a known column (as `value`, without the key lookup)."""
        grid = self.grid
        if r >= len(grid):
            return ""
        row = grid[r]
        return row[c] if c < len(row) else ""


# Rows whose cells are all plain (see plain_texts, plain_amounts) are read per row,
# not per cell (issue 8: ~150 rows a return); any other row, and every row of a sheet
# with error cells, cell by cell. False reads every row cell by cell (the tests compare).
FAST_ROWS = True


class SheetReaders(UppdragReader, DriftRows):
    """read_<sheet key> for every sheet of the template; see the module docstring."""

    s: Settings
    schema: S.Schema
    sub: Submission
    problems: list[Problem]
    parts: ZipParts
    percents: PercentCells  # "68 %" typed in Mål (stored 0.68)
    # `_reported`'s index: the (sheet, cell) of problems[:_reported_upto]
    _reported_cells: set[tuple[str, str]]
    _reported_upto: int

    # -- sheets ------------------------------------------------------------------------

    def read_drift(self, t: Table) -> None:
        s, sheet = self.s, t.sheet.name
        by_name = {norm(d.name): d for d in s.driftposter} | {
            norm(d.code): d for d in s.driftposter
        }
        avd = s.avdelning(self.sub.avdelning)
        expected = (
            {(v.code, d.code): v for v in s.verksamheter_of(avd.code) for d in s.driftposter}
            if avd
            else None
        )
        seen: dict[tuple[str, str], int] = {}  # key -> its row
        pending: list[Pending] = []  # rows whose only difference is their prior figures
        odd: list[tuple[int, int]] = []  # (index of its BB206, row): added if none missing
        foreign: list[Foreign] = []  # odd rows of a verksamhet not the avdelning's
        year_keys = [(year, S.year_key(s, year)) for year in s.years]
        prior_columns = tuple(
            (t.cols[key], attr)
            for key, attr in (("budget_prior", "budget"), ("prognos_prior", "prognos"))
            if key in t.cols
        )
        plain, grid, cols = FAST_ROWS and not t.errors, t.grid, t.cols
        text_cols = (cols.get("verksamhet"), cols.get("driftpost"), cols.get("comment"))
        amount_cols = amount_columns((year, cols.get(key)) for year, key in year_keys)
        max_tkr = s.change_threshold_tkr
        for r in range(t.first, t.last + 1):
            row = grid[r] if r < len(grid) else ()
            texts = plain_texts(row, text_cols) if plain else None
            if texts is None:
                vcode, _ = self.text(t, r, "verksamhet")
                dname, _ = self.text(t, r, "driftpost")
            else:
                vcode, dname, comment = texts
            row_a1 = xl_rowcol_to_cell(r, 0)
            if not vcode and not dname and not self.has_content(t, r):
                continue
            d = by_name.get(norm(dname))
            key = (vcode, d.code if d else "")
            prior = s.prior.get(key)
            keys_changed = (
                d is None or key in seen or (expected is not None and key not in expected)
            )
            if keys_changed or not self._prior_matches(row, prior, prior_columns):
                shown = None if keys_changed else shown_figures(row, prior_columns)
                if shown is not None:
                    # Only the prior-year figures differ: decided after the rows, by
                    # the template's record (BB206 or BB506, see `_older_prior`)
                    cell = _a1(r, differing_column(shown, prior, prior_columns))
                    pending.append(Pending(len(self.problems), key, shown, cell, dname))
                elif d is None and s.verksamhet(vcode) is None:
                    # neither verksamhet nor driftpost known: a row added to the table
                    self.add(R.DRIFT_ROW_ADDED, sheet, row_a1, rad=r + 1)
                else:
                    if d is not None and vcode and key not in seen and expected is not None:
                        # the office may have removed or moved the verksamhet since
                        shown = shown_figures(row, prior_columns)
                        foreign.append(Foreign(len(self.problems), r, key, shown))
                    odd.append((len(self.problems), r))
                    self.add(
                        R.DRIFT_ROW_CHANGED,
                        sheet,
                        row_a1,
                        verksamhet=s.verksamhet_label(vcode) if vcode else "?",
                        driftpost=dname or "?",
                        hur="är ingen av de förifyllda raderna",
                    )
                if d is None or key in seen:
                    continue
            seen[key] = r
            allow_neg = d.allow_negative
            found = plain_amounts(row, r, amount_cols, allow_neg, t.formulas) if plain else None
            if found is None:
                amounts: dict[int, int] = {}
                cells: dict[int, str] = {}
                for year, key_col in year_keys:
                    value, a1 = self.amount(t, r, key_col, allow_neg)
                    cells[year] = a1
                    if value is not None:
                        amounts[year] = value
            else:
                amounts, cells = found
            if texts is None:
                comment, _ = self.text(t, r, "comment")
            budget = amounts.get(s.budget_year)
            if not comment and budget is not None and t.formulas is not None:
                old = prior.budget if prior is not None else 0
                if abs(budget - old) > max_tkr and needs_comment(budget, old, s):
                    # BB402 would say the comment is missing: one made by a formula
                    # without a value is BB311 (asked only here, see template-format.md)
                    self.no_value(t, r, a1_or_empty(r, text_cols[2]))
            if not amounts and prior is not None and prior.budget:
                self._row_empty(sheet, cells, s.verksamhet_label(vcode), d.name, prior.budget)
            elif (
                budget is None
                and any(y in amounts for y in s.plan_years)
                and not self._reported(sheet, cells.get(s.budget_year, ""))
            ):  # a cell already flagged (e.g. text) is not "empty" on top
                self.required(t, r, f"budget_{s.budget_year}", None)
            if budget:
                for year in s.plan_years:
                    if year not in amounts and cells.get(year):
                        v = t.value(r, f"plan_{year}")
                        if v in ("", None) and not self._reported(sheet, cells[year]):
                            self.add(
                                R.PLAN_YEARS_MISSING,
                                sheet,
                                cells[year],
                                ar=year,
                                verksamhet=s.verksamhet_label(vcode),
                                driftpost=d.name,
                            )
            self.sub.drift.append(DriftLine(vcode, d.code, amounts, comment, cells, r + 1))
        self.sub.ram_sent = sent_ram(
            self.parts.identity.get(S.ID_RAM), t, s, self.parts.sheet_xml.get(sheet, b"")
        )
        if odd or pending or (expected is not None and not expected.keys() <= seen.keys()):
            # rows that differ from the settings' (rare): whose doing (reader_drift_rows)
            self.settle_drift_rows(t, expected, seen, odd, foreign, pending)

    def _row_empty(
        self, sheet: str, cells: Mapping[int, str], verksamhet: str, driftpost: str, fjol: int
    ) -> None:
        """BB411: a row without amounts whose prior budget is not 0 (empty is 0 only
        where last year's was), unless a cell of it is reported already (text, an
        error, a formula without a value: their own findings say what is wrong)."""
        s = self.s
        if any(self._reported(sheet, cells.get(year, "")) for year in s.years):
            return
        self.add(
            R.ROW_EMPTY,
            sheet,
            cells.get(s.budget_year, ""),
            verksamhet=verksamhet,
            driftpost=driftpost,
            fjol=s.prior_year,
            belopp=fmt.tkr(fjol),
            ar=s.budget_year,
        )

    def _older_prior(
        self, t: Table, pending: list[Pending], expected: Mapping[tuple[str, str], object] | None
    ) -> None:
        """Rows whose only difference is their prior-year figures: the finance office's
        later change of the CSV (kept for it, `Submission.prior_shown`, BB506) or an
        edit of the locked cells (BB206 on each row, where the row's problems are);
        `reader_prior.as_written` tells which."""
        s = self.s
        xml = self.parts.sheet_xml.get(t.sheet.name, b"")
        record = self.parts.identity.get(S.ID_PRIOR)
        if as_written(record, expected, pending, s.prior, xml):
            self.sub.prior_shown.extend(shown_rows(pending, s.prior))
            return
        headings = {xl_col_to_name(c): t.sheet.column(k).heading for k, c in t.cols.items()}
        for p in reversed(pending):
            heading = headings.get(p.cell.rstrip("0123456789"), "")
            found = R.DRIFT_ROW_CHANGED(
                file=self.sub.file,
                sheet=t.sheet.name,
                cell=p.cell,  # the typed-over cell, marked in the feedback workbook
                avdelning=self.sub.avdelning,
                verksamhet=s.verksamhet_label(p.key[0]) if p.key[0] else "?",
                driftpost=p.driftpost or "?",
                hur=f"har ändrats: {heading} har skrivits över" if heading else "har ändrats",
            )
            self.problems.insert(p.at, found)
        self._reported_upto = 0  # its index counts positions, which moved

    # looked up as a method in the row loop; tests ask it directly
    _prior_matches = staticmethod(prior_matches)

    def read_investeringar(self, t: Table) -> None:
        s, sheet = self.s, t.sheet.name
        years = s.investment_years
        ids: dict[str, int] = {}
        categories: dict[str, AssetCategory | None] = {}
        plain, grid, cols = FAST_ROWS and not t.errors, t.grid, t.cols
        keys = ("id", "name", "category", "status", "description")
        text_cols = tuple(cols.get(k) for k in keys)
        amount_cols = amount_columns(
            (
                ("decided_total", cols.get("decided_total")),
                *((str(year), cols.get(f"inv_{year}")) for year in years),
            )
        )
        lists = tuple(t.sheet.column(k).list_name for k in ("category", "status"))
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            row = grid[r] if r < len(grid) else ()
            fast = (
                investment_row(row, r, text_cols, amount_cols, lists, t.formulas, self.list_value)
                if plain
                else None
            )
            if fast is not None:
                pid, name, category, status, decided, description, amounts, cells = fast
            else:
                cells = {}
                pid, cells["id"] = self.text(t, r, "id")
                name, cells["name"] = self.text(t, r, "name")
                category, cells["category"] = self.choice(t, r, "category")
                status, cells["status"] = self.choice(t, r, "status")
                decided, cells["decided_total"] = self.amount(t, r, "decided_total")
                description, cells["description"] = self.text(t, r, "description")
                amounts = {}
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
                if not value
                and not self._reported(sheet, cells.get(key, ""))
                and not self.no_value(t, r, cells.get(key, ""))
            ]
            # a row without id and name (amounts only) read "projektet ”” saknar …"
            named = f"projektet ”{pid or name}”" if pid or name else "projektet"
            if missing:
                self.add(
                    R.PROJECT_INCOMPLETE, sheet, row_a1, projekt=named, falt=" och ".join(missing)
                )
            if pid:
                if pid in ids:
                    self.add(R.DUPLICATE_PROJECT, sheet, cells["id"], id=pid, annan_rad=ids[pid])
                else:
                    ids[pid] = r + 1
            if not any(amounts.values()):
                self.add(
                    R.PROJECT_EMPTY, sheet, row_a1, projekt=named, forsta=years[0], sista=years[-1]
                )
            if category not in categories:  # the same few values on every row
                categories[category] = s.category(category) if category else None
            cat = categories[category]
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
        """Whether a cell already has a problem (so 'empty' is not reported on top).
        The cells are indexed as problems are added (they are only ever appended): a
        scan of all of them per question was quadratic in the rows of a crafted table
        (20 000 rows with an empty required cell took 16 s to read, 200 000 half an hour)."""
        if not cell:
            return False
        problems, seen = self.problems, self._reported_cells
        if len(problems) > self._reported_upto:
            seen.update((p.sheet, p.cell) for p in problems[self._reported_upto :])
            self._reported_upto = len(problems)
        return (sheet, cell) in seen

    def read_mal(self, t: Table) -> None:
        by = self.s.budget_year
        plain, grid, cols = FAST_ROWS and not t.errors, t.grid, t.cols
        keys = ("goal", "indicator", "target", f"value_{by - 2}", f"value_{by - 1}")
        text_cols = tuple(cols.get(k) for k in (*keys, "source", "comment"))
        goal_list = t.sheet.column("goal").list_name
        numeric_cols = [(k, c) for k in keys[2:] if (c := cols.get(k)) is not None]
        xml = self.parts.sheet_xml.get(t.sheet.name, b"")  # for a percent typed (rare)
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            row = grid[r] if r < len(grid) else ()
            # As read_drift: a row of plain cells is read at once (see plain_texts).
            texts = plain_texts(row, text_cols) if plain else None
            if texts is not None and texts[0]:
                hit = self.list_value(goal_list, texts[0])
                texts = None if hit is None else (hit, *texts[1:])
            if texts is not None:
                goal, indicator, target, v_2, v_1, source, comment = texts
                self._goal_required(t, r, goal, a1_or_empty(r, text_cols[0]), indicator, target)
                values = {y: v for y, v in ((by - 2, v_2), (by - 1, v_1)) if v}
            else:
                goal, goal_a1 = self.choice(t, r, "goal")
                indicator, _ = self.text(t, r, "indicator")
                target, _ = self.text(t, r, "target")
                self._goal_required(t, r, goal, goal_a1, indicator, target)
                values = {}
                for year in (by - 2, by - 1):
                    v, _ = self.text(t, r, f"value_{year}")
                    if v:
                        values[year] = v
                source = self.text(t, r, "source")[0]
                comment = self.text(t, r, "comment")[0]
            for key, c in numeric_cols:
                raw = row[c] if c < len(row) else None
                if type(raw) is float or type(raw) is int:  # a number typed, not text
                    shown = self.percents.shown(xml, xl_rowcol_to_cell(r, c), raw)
                    if shown and key == "target":
                        target = shown
                    elif shown:
                        values[int(key.removeprefix("value_"))] = shown
            self.sub.goals.append(
                GoalRow(
                    goal=goal.split()[0] if goal else "",
                    indicator=indicator,
                    source=source,
                    values=values,
                    target=target,
                    comment=comment,
                    avdelning=self.sub.avdelning,
                    row=r + 1,
                )
            )

    def _goal_required(
        self, t: Table, r: int, goal: str, goal_a1: str, indicator: str, target: str
    ) -> None:
        for key, value, a1 in (
            ("goal", goal, goal_a1),
            ("indicator", indicator, ""),
            ("target", target, ""),
        ):
            if not value and not self._reported(t.sheet.name, a1):
                self.required(t, r, key, value)

    def _error_reported(self, t: Table, r: int, c: int, a1: str) -> bool:
        """Whether cell `a1` (row `r`, column `c`) holds an error value; reported
        (BB305) as the department head's Swedish Excel shows it, if so."""
        err = self._error_at(t, r, c)
        if err:
            self.add(R.FORMULA_ERROR, t.sheet.name, a1, varde=shown_error(err))
        return bool(err)

    def riskvarde(self, t: Table, r: int, key: str) -> int | None:
        """A riskvärde: a whole number in S.INT_RANGE, typed as a number or as text
        (not an amount: BB301-BB304 would speak of tkr)."""
        c = t.cols.get(key)
        if c is None:
            return None
        a1 = xl_rowcol_to_cell(r, c)
        if self._error_reported(t, r, c, a1):
            return None
        parsed = parse_amount(t.value(r, key))
        if parsed.kind == "empty":
            return None
        low, high = S.INT_RANGE
        exact = parsed.exact
        if exact is not None and float(exact).is_integer() and low <= exact <= high:
            return int(exact)
        self.add(R.RISK_VALUE, t.sheet.name, a1, varde=parsed.raw or cell_text(t.value(r, key)))
        return None

    def read_risker(self, t: Table) -> None:
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            description, _ = self.text(t, r, "description")
            self.required(t, r, "description", description)
            cells: dict[str, str] = {}
            pos, cells["positive"] = self.amount(t, r, "positive")
            neg, cells["negative"] = self.amount(t, r, "negative")
            comment = self.text(t, r, "comment")[0]
            self.sub.risks.append(
                Risk(description, pos or 0, neg or 0, self.sub.avdelning, r + 1, cells, comment)
            )

    def read_internkontroll(self, t: Table) -> None:
        for r in range(t.first, t.last + 1):
            if not self.has_content(t, r):
                continue
            values = {k: self.text(t, r, k)[0] for k in ("riskomrade", "risk", "kontrollmetod")}
            for key, value in values.items():
                self.required(t, r, key, value)
            tidpunkt, _ = self.choice(t, r, "tidpunkt")
            riskvarde = self.riskvarde(t, r, "riskvarde")
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

    def read_texter(self, t: Table) -> None:
        sections = list(self.s.text_sections)
        by_title = {norm(x.title): x for x in sections}
        for i, r in enumerate(range(t.first, t.last + 1)):
            title, _ = self.text(t, r, "section")
            section = by_title.get(norm(title)) or (sections[i] if i < len(sections) else None)
            text, a1 = self.text(t, r, "text")
            if section is None:
                if text:
                    self.outside_at(t, a1, below=True)
                continue
            if not text:
                # a text made by a formula without a value would be left out of the
                # draft silently (the department head sees it): BB311
                self.no_value(t, r, a1)
                continue
            self.sub.texts[section.key] = text
            if len(text) > section.max_chars:
                self.add(
                    R.TEXT_TOO_LONG,
                    t.sheet.name,
                    a1,
                    antal=fmt.tkr(len(text)),  # "2 100", as every figure in a message
                    max=fmt.tkr(section.max_chars),
                )
