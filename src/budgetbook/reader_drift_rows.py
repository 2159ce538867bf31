"""Drift's prefilled rows against the avdelning's rows in the settings now, and the ram
the workbook was sent with: whose doing is a difference? (Split from `reader_sheets`.)

A return's Drift rows are its template's; the reader expects the settings' rows of the
avdelning (every verksamhet × driftpost). The two differ when the department head
deleted, changed or inserted a row (the sheet's protection lifted), and when the finance
office changed the settings after the workbook went out: a verksamhet (or driftpost)
added to the avdelning, or a verksamhet removed from the round or moved to another
avdelning. The first is the head's to undo: BB206 at the row or where it was expected,
saying whether it is missing or changed, BB208 for a row inserted. The second is not:
one BB209 per verksamhet (or driftpost) the return lacks, one BB210 per verksamhet it
has that is no longer the avdelning's (its rows not counted).

The template's record of its rows (`schema.ID_PRIOR`: a digest of verksamhet, driftpost
and prior-year figures of every row) tells them apart: the return's rows as they stand
give the record, so they are the rows the template was written with. A template written
before the record existed: a still protected sheet, where no row can have been deleted,
inserted or typed over in Excel, LibreOffice or Excel for the web. Only a return whose
rows differ from the settings' comes here (rare), none of it on the usual path.

The ram works the same way (`sent_ram`): the template's record of its Ram row
(`schema.ID_RAM`), else an older template's Ram row on a still protected Drift sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_rowcol_to_cell

from . import fmt
from . import rules as R
from . import schema as S
from .checks import RAM_DIFF_ROWS_ABOVE_HEADER
from .model import Problem, Submission
from .reader_parts import MAX_AMOUNT, cell_text
from .reader_prior import Pending, as_written, protected, shown_rows
from .settings import Settings

if TYPE_CHECKING:
    from .reader_parts import ZipParts
    from .reader_sheets import Table

Key = tuple[str, str]  # (verksamhet, driftpost code)
_SHOWN_CHARS = 40  # of a changed row's text in BB206 (a hostile one is 32 767 long)


@dataclass(frozen=True, slots=True)
class Foreign:
    """A Drift row with a known driftpost under a verksamhet that is not the avdelning's
    in the settings (the first row of each such key): one the template was written
    with, if the office removed or moved the verksamhet since."""

    at: int  # the index of its BB206 in the reader's problems
    row: int  # 0-based
    key: Key
    shown: dict[str, int] | None  # its prior-year figures (`reader_prior.shown_figures`)


def sent_ram(record: str | None, t: Table, settings: Settings, sheet_xml: bytes) -> dict[int, int]:
    """The ram per year the workbook was sent with (`Submission.ram_sent`): the
    template's record; without one (a template written before it), the Drift sheet's
    Ram row while the sheet is still protected (its locked cells as written); else
    not known ({})."""
    ram = S.read_ram_record(record)
    if ram is not None:
        return ram
    if not protected(sheet_xml):
        return {}
    r = t.header - RAM_DIFF_ROWS_ABOVE_HEADER - 1
    row = t.grid[r] if 0 <= r < len(t.grid) else ()
    shown = {}
    for year in settings.years:
        c = t.cols.get(S.year_key(settings, year))
        value = row[c] if c is not None and c < len(row) else None
        if type(value) in (int, float) and abs(value) <= MAX_AMOUNT and value == int(value):
            shown[year] = int(value)
    return shown


def expected_rows(order: Iterable[Key], seen: Mapping[Key, int], first: int) -> dict[Key, int]:
    """The row (0-based) at which each key of `order` that is not `seen` was expected:
    right below the nearest earlier key that is there (the table's `first` row when
    none is), counting the keys missing between. `seen`: key -> its row."""
    rows: dict[Key, int] = {}
    last_row, last_i = first - 1, -1
    for i, key in enumerate(order):
        r = seen.get(key)
        if r is not None:
            last_row, last_i = r, i
        else:
            rows[key] = last_row + (i - last_i)
    return rows


def _shown(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return "(tom)"
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1].rstrip() + "…"


class DriftRows:
    """The Drift rows that differ from the settings' (mixed into `SheetReaders`, whose
    reader provides `add`, `problems`, `sub`, `parts`); see the module docstring."""

    s: Settings
    sub: Submission
    problems: list[Problem]
    parts: ZipParts
    _reported_upto: int

    def settle_drift_rows(
        self,
        t: Table,
        expected: Mapping[Key, object] | None,
        seen: Mapping[Key, int],
        odd: list[tuple[int, int]],
        foreign: list[Foreign],
        pending: list[Pending],
    ) -> None:
        """After the rows are read: the rows that differ from the settings' (`odd`:
        (index of its BB206, row), `foreign` among them), the expected ones not `seen`
        (key -> row), and the `pending` rows whose only difference is their prior-year
        figures, each reported as whose doing it is."""
        missing = [key for key in expected if key not in seen] if expected is not None else []
        if (
            (missing or foreign)
            and len(foreign) == len(odd)  # no other row the head's (inserted, retyped)
            and expected is not None
            and self._as_sent(t, expected, seen, foreign, pending)
        ):
            self._settings_changed(t, expected, seen, missing, foreign)
            self.sub.prior_shown.extend(shown_rows(pending, self.s.prior))
            return
        if odd and expected is not None and not missing:
            self._inserted(t, odd)
        unpaired = self._paired(t, expected, seen, missing, odd) if missing else []
        if pending:
            self._older_prior(t, pending, expected)
        for key, r in unpaired:
            self.add(
                R.DRIFT_ROW_CHANGED,
                t.sheet.name,
                _a1(r, t.cols.get("verksamhet", 0)),
                hur="saknas",
                **self._named(key),
            )

    def _named(self, key: Key) -> dict[str, str]:
        dp = self.s.driftpost(key[1])
        return {
            "verksamhet": self.s.verksamhet_label(key[0]),
            "driftpost": dp.name if dp else key[1],
        }

    def _inserted(self, t: Table, odd: list[tuple[int, int]]) -> None:
        """Every prefilled row is there: an unknown or repeated row was inserted (a new
        driftpost, a second Personalkostnader), not typed over (BB208). BB208 says the
        row is not counted: one with a known driftpost under a verksamhet not the
        avdelning's ("1699") was read into the drift lines."""
        added = {r + 1 for _, r in odd}
        self.sub.drift[:] = [ln for ln in self.sub.drift if ln.row not in added]
        for at, r in odd:
            self.problems[at] = R.DRIFT_ROW_ADDED(
                file=self.sub.file,
                sheet=t.sheet.name,
                cell=_a1(r, 0),
                avdelning=self.sub.avdelning,
                rad=r + 1,
            )

    def _paired(
        self,
        t: Table,
        expected: Mapping[Key, object] | None,
        seen: Mapping[Key, int],
        missing: list[Key],
        odd: list[tuple[int, int]],
    ) -> list[tuple[Key, int]]:
        """BB206 for the rows of the settings the return lacks, where the head's
        doing: a row that is not a prefilled one where the missing row was expected is
        that row changed (its BB206 says so, at the changed cell); the others are
        missing (returned with the row they were expected at, for BB206 there)."""
        assert expected is not None
        at_row = {r: at for at, r in odd}
        unpaired = []
        rows = expected_rows(expected, seen, t.first)
        v_col, d_col = t.cols.get("verksamhet", 0), t.cols.get("driftpost")
        for key in missing:
            r = rows[key]
            at = at_row.pop(r, None)
            if at is None:
                unpaired.append((key, r))
                continue
            row = t.grid[r] if r < len(t.grid) else ()
            vtext = cell_text(row[v_col]) if v_col < len(row) else ""
            dtext = cell_text(row[d_col]) if d_col is not None and d_col < len(row) else ""
            # the verksamhet as the reader takes it (its text stripped), else the driftpost
            changed = v_col if vtext.strip() != key[0] or d_col is None else d_col
            self.problems[at] = R.DRIFT_ROW_CHANGED(
                file=self.sub.file,
                sheet=t.sheet.name,
                cell=_a1(r, changed),
                avdelning=self.sub.avdelning,
                hur=f"har ändrats och visar nu {_shown(vtext)} / {_shown(dtext)}",
                **self._named(key),
            )
        self._reported_upto = 0  # the replaced problems' cells moved
        return unpaired

    def _as_sent(
        self,
        t: Table,
        expected: Mapping[Key, object],
        seen: Mapping[Key, int],
        foreign: list[Foreign],
        pending: list[Pending],
    ) -> bool:
        """Whether the return's rows, as they stand, are those its template was written
        with (`reader_prior.as_written` over them: the template's record, else a still
        protected sheet)."""
        if any(f.shown is None for f in foreign):
            return False
        keys = [key for key in expected if key in seen] + [f.key for f in foreign]
        shown = [*pending, *(Pending(f.at, f.key, f.shown or {}, "", "") for f in foreign)]
        record = self.parts.identity.get(S.ID_PRIOR)
        xml = self.parts.sheet_xml.get(t.sheet.name, b"")
        return as_written(record, keys, shown, self.s.prior, xml)

    def _settings_changed(
        self,
        t: Table,
        expected: Mapping[Key, object],
        seen: Mapping[Key, int],
        missing: list[Key],
        foreign: list[Foreign],
    ) -> None:
        """The rows are the template's: the office changed the settings since. BB209
        per verksamhet added (or driftpost, where the verksamhet's other rows are there)
        where its rows were expected; BB210 per verksamhet no longer the avdelning's, at
        its first row, its rows not counted (nor their cells' findings)."""
        s, sheet = self.s, t.sheet.name
        rows = expected_rows(expected, seen, t.first)
        v_col = t.cols.get("verksamhet", 0)
        by_v: dict[str, list[Key]] = {}
        for key in missing:
            by_v.setdefault(key[0], []).append(key)
        whole = [v for v, keys in by_v.items() if len(keys) == len(s.driftposter)]
        by_d: dict[str, list[Key]] = {}
        for key in missing:
            if key[0] not in whole:
                by_d.setdefault(key[1], []).append(key)
        added: list[tuple[int, str]] = []  # (the row expected at, what)
        for v in whole:
            added.append((rows[by_v[v][0]], f"verksamheten {s.verksamhet_label(v)}"))
        for d, keys in by_d.items():
            dp = s.driftpost(d)
            added.append((min(rows[k] for k in keys), f"driftposten {dp.name if dp else d}"))
        self._gone(t, foreign)
        for r, what in sorted(added):
            self.add(R.ROWS_ADDED_SINCE, sheet, _a1(r, v_col), vad=what)

    def _gone(self, t: Table, foreign: list[Foreign]) -> None:
        """BB210 per verksamhet of `foreign` rows, each in place of its first row's
        BB206; the rows' other findings and drift lines dropped."""
        if not foreign:
            return
        s, sheet, by = self.s, t.sheet.name, self.s.budget_year
        groups: dict[str, list[Foreign]] = {}
        for f in foreign:
            groups.setdefault(f.key[0], []).append(f)
        rows = {f.row + 1 for f in foreign}
        lines = [ln for ln in self.sub.drift if ln.row in rows]
        self.sub.drift[:] = [ln for ln in self.sub.drift if ln.row not in rows]
        kinds = {d.code: d.kind for d in s.driftposter}
        name_col = t.cols.get("verksamhet_namn")
        replaced: dict[int, Problem] = {}
        for v, found in groups.items():
            first = found[0]
            row = t.grid[first.row] if first.row < len(t.grid) else ()
            name = cell_text(row[name_col]) if name_col is not None and name_col < len(row) else ""
            now = s.verksamhet(v)
            label = s.verksamhet_label(v) if now else " ".join(f"{v} {_shown(name)}".split())
            if now is None:
                vart = "har tagits bort ur budgetrundan"
            else:
                avd = s.avdelning(now.avdelning)
                where = f"{avd.code} ({avd.name})" if avd else now.avdelning
                vart = f"har flyttats till avdelningen {where}"
            mine = [ln for ln in lines if ln.verksamhet == v]
            net = sum(
                -ln.amounts.get(by, 0)
                if kinds.get(ln.driftpost) == "revenue"
                else ln.amounts.get(by, 0)
                for ln in mine
            )
            numbers = sorted(f.row + 1 for f in found)
            replaced[first.at] = R.VERKSAMHET_GONE(
                file=self.sub.file,
                sheet=sheet,
                cell=_a1(first.row, t.cols.get("verksamhet", 0)),
                avdelning=self.sub.avdelning,
                verksamhet=label,
                rader=(
                    f"{numbers[0]}–{numbers[-1]}"
                    if numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 1
                    else fmt.name_list([str(n) for n in numbers])
                ),
                vart=vart,
                netto=(
                    f" (för {by} en nettokostnad på {fmt.tkr(net)} tkr)"
                    if any(by in ln.amounts for ln in mine)
                    else ""
                ),
            )
        self.problems[:] = [
            replaced.get(i, p)
            for i, p in enumerate(self.problems)
            if i in replaced or not (p.sheet == sheet and _row_of(p.cell) in rows)
        ]
        self._reported_upto = 0  # its index counts positions, which moved


def _row_of(cell: str) -> int:
    digits = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return int(digits) if digits.isdigit() else 0


def _a1(r: int, c: int) -> str:
    return xl_rowcol_to_cell(r, c)
