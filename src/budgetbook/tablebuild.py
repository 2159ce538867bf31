"""Building blocks for consolidated tables: rows from facts, computed totals and changes.

Rules every table built here follows (and the tests check for any input):

* A SUBTOTAL row is the sum of the DATA rows since the previous SUBTOTAL or HEADING;
  a TOTAL row is the sum of the SUBTOTAL rows above it, or of the DATA rows above it
  when the table has no subtotals; in a table whose one-row groups have no subtotal
  (`grouped(..., lone_subtotals=False)`), of the subtotals and those groups' rows
  (equally: of every DATA row). "Sum" means the sum of the values shown; empty cells
  (None) are left out; a total of only empty cells is empty, a total of no rows is 0.
  Two exceptions: while some avdelning's return is missing, the views with a row per
  avdelning or verksamhet (drift, brutto, budget against ram) close with two totals
  (`closing_totals`): INCLUDED_TOTAL, every column over the rows with a return, then
  the nämnd's, with only the columns every row has (prior year, ram) and the rest
  empty; and the decided totals' grand total leaves Beslutad totalutgift and its
  difference empty while a project has no decided total (they would cover fewer
  projects than the Summa beside them: `consolidate_inv`).
* Change columns: tkr = new − old, % = (new − old) / |old| as a fraction, empty where
  old is 0 or either side is empty. On total rows the tkr change is the sum of the rows'
  tkr changes (equal to total new − total old whenever every row has both figures), and
  the % is that change over |the sum of old| of the rows that have a change, so a tkr
  column and its % column always carry the same sign.
* Only figures read from a file carry sources. Totals and changes are computed from
  figures shown in the same table, and Källor says so instead of listing every cell
  again: at N = 1000 those copied source lists were ~50 MB (a quarter of the
  consolidation) that no output read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .fmt import in_sentence, name_list
from .model import Column, Row, RowKind, Submission, Table
from .settings import Avdelning, Settings


@dataclass(frozen=True, slots=True)
class ChangeSpec:
    """A change column pair computed from `old` to `new`."""

    tkr: str
    pct: str
    old: str
    new: str


def add_changes(row: Row, specs: Sequence[ChangeSpec]) -> None:
    """Fill the change columns of a DATA row from its own figures."""
    values = row.values
    for spec in specs:
        old, new = values.get(spec.old), values.get(spec.new)
        if old is None or new is None:
            values[spec.tkr] = None
            values[spec.pct] = None
            continue
        # fmt.change(new, old), inline (issue 8: two per row of every drift view)
        diff = new - old  # type: ignore[operator]
        values[spec.tkr] = diff
        values[spec.pct] = diff / abs(old) if old else None  # type: ignore[arg-type]


def namnd_total(settings: Settings) -> str:
    """The label of a view's total row: "Summa kommunstyrelsen"."""
    return f"Summa {in_sentence(settings.namnd)}"


# The like-for-like total of a drift view while an avdelning's return is missing
# (`closing_totals`): every column over the avdelningar with an accepted return.
INCLUDED_TOTAL = "Summa avdelningar med godkänd inlämning"


def closing_totals(
    label: str,
    rows: Sequence[Row],
    accepted: Sequence[bool],
    additive: Sequence[str],
    known: Iterable[str],
    changes: Sequence[ChangeSpec] = (),
) -> list[Row]:
    """A view's closing total row, or two while some rows' returns are missing.

    With every row `accepted` (or none): the one TOTAL row `label` as `sum_rows` makes
    it. Otherwise first INCLUDED_TOTAL, every column summed over the accepted rows only
    (changes from those rows: like against like), then `label` with only the `known`
    columns (those every row has, such as the prior year's) summed over all rows and
    the rest empty: the nämnd's budget and plan years are not known yet, and a total
    over some avdelningar beside one over all read as a fall in the budget (review)."""
    if all(accepted) or not any(accepted):
        return [sum_rows(label, rows, RowKind.TOTAL, additive, changes)]
    parts = [row for row, ok in zip(rows, accepted, strict=True) if ok]
    like = sum_rows(INCLUDED_TOTAL, parts, RowKind.TOTAL, additive, changes)
    wanted = set(known)
    whole = sum_rows(label, rows, RowKind.TOTAL, [key for key in additive if key in wanted])
    for key in additive:
        whole.values.setdefault(key, None)
    for spec in changes:
        whole.values[spec.tkr] = whole.values[spec.pct] = None
    return [like, whole]


def included_total(table: Table) -> Row | None:
    """The total a view's figures compare like with like on: INCLUDED_TOTAL while an
    avdelning's return is missing (`closing_totals`), otherwise the view's total."""
    for row in reversed(table.rows):
        if row.kind is RowKind.TOTAL and row.label == INCLUDED_TOTAL:
            return row
        if row.kind is not RowKind.TOTAL:
            break
    return table.total_row()


def sum_rows(
    label: str,
    parts: Sequence[Row],
    kind: RowKind,
    additive: Iterable[str],
    changes: Sequence[ChangeSpec] = (),
) -> Row:
    """A SUBTOTAL/TOTAL row: the sum of `parts` in every additive column (see module doc)."""
    values: dict[str, int | float | str | None] = {}
    # each row's values looked up once per column, not twice (issue 8: ~20 000 project
    # rows per investment table at N = 1 000); the sums add in row order as before
    rows = [r.values for r in parts]
    for key in additive:
        shown = [v for r in rows if (v := r.get(key)) is not None]
        # the sum of no rows is 0; of rows that are all empty, empty
        values[key] = sum(shown) if shown or not parts else None  # type: ignore[arg-type]
    for spec in changes:
        tkr, old = spec.tkr, spec.old
        with_change = [r for r in rows if r.get(tkr) is not None]
        if not with_change:
            values[spec.tkr] = values[spec.pct] = None
            continue
        diff = sum([r[tkr] for r in with_change])  # type: ignore[misc]
        base = sum([r.get(old) or 0 for r in with_change])
        values[spec.tkr] = diff
        values[spec.pct] = diff / abs(base) if base else None
    return Row(label, values, kind)


def grouped(
    groups: Sequence[tuple[str, Sequence[Row], str]],
    total_label: str,
    additive: Iterable[str],
    changes: Sequence[ChangeSpec] = (),
    headings: bool = True,
    lone_subtotals: bool = True,
) -> list[Row]:
    """HEADING, data rows and SUBTOTAL per group, then a TOTAL of the subtotals.

    `groups` is (heading, rows, subtotal label); empty groups are left out. Without
    `lone_subtotals` a subtotal that would repeat the figures right next to it is left
    out: a group of one row has none (it would equal the row above it), nor has the
    only group of a table (it would equal the total under it); the total then adds the
    subtotals and the rows of the groups without one (which is every data row's sum).
    """
    additive = tuple(additive)
    shown = [g for g in groups if g[1]]
    rows: list[Row] = []
    summed: list[Row] = []  # what the total adds: each group's subtotal, or its rows
    for heading, parts, sub_label in shown:
        if headings and heading:
            rows.append(Row(heading, {}, RowKind.HEADING))
        rows.extend(parts)
        if not lone_subtotals and (len(parts) == 1 or len(shown) == 1):
            summed.extend(parts)
            continue
        sub = sum_rows(sub_label, parts, RowKind.SUBTOTAL, additive, changes)
        rows.append(sub)
        summed.append(sub)
    rows.append(sum_rows(total_label, summed, RowKind.TOTAL, additive, changes))
    return rows


def amount_keys(columns: Sequence[Column], specs: Sequence[ChangeSpec] = ()) -> list[str]:
    """Columns summed on total rows: every numeric column except computed changes."""
    computed = {s.tkr for s in specs} | {s.pct for s in specs}
    return [c.key for c in columns if c.kind == "tkr" and c.key not in computed]


def numeric_keys(columns: Sequence[Column]) -> frozenset[str]:
    return frozenset(c.key for c in columns if c.kind in ("tkr", "pct"))


T = TypeVar("T")

AMOUNTS_EMPTY = ". Deras budget- och planbelopp är tomma och ingår inte i summorna"
# A drift view with a row per avdelning or verksamhet closes with two totals while an
# avdelning is missing (`closing_totals`): what each of them covers.
AMOUNTS_MISSING = (
    ". Deras budget- och planbelopp är tomma. Raden ”" + INCLUDED_TOTAL + "” summerar "
    "alla kolumner för övriga avdelningar, så att förändringen jämför samma avdelningar. "
    "Nämndens summarad visar bara föregående års budget och prognos, som finns för alla."
)
# Tables without a change column (a drift view's plan-year table) say nothing of one.
AMOUNTS_NO_CHANGE = AMOUNTS_EMPTY + "."
# Per kontogrupp every change is left empty while an avdelning is missing: say why, as
# Budget <prior> (all avdelningar) and Budget <year> (some) stand side by side.
KONTOGRUPP_MISSING = (
    AMOUNTS_EMPTY + ". Förändringen visas inte, eftersom föregående års budget och "
    "prognos gäller alla avdelningar."
)
# The risk tables have no budget, plan or change columns for AMOUNTS_MISSING to speak
# of: the sums per avdelning, and the list of each risk (shown right under them).
RISKS_MISSING = ". Deras risker ingår inte i summorna."
RISK_LIST_MISSING = "; deras risker och möjligheter ingår inte."
PROJECTS_MISSING = "; deras projekt ingår inte."
# The lists of goals, uppdrag and internal control have no sums: what a missing
# avdelning's return would have added to them (the settings' own rows stay listed).
INDICATORS_MISSING = "; deras indikatorer ingår inte."
UPPDRAG_MISSING = "; deras uppgifter om uppdragen ingår inte."
CONTROLS_MISSING = "; deras punkter i internkontrollplanen ingår inte."
# The avdelningar's texts of a section of the draft (`namndplan`: Nämndens
# ansvarsområde, under Driftbudget per avdelning, the comments on the investments).
TEXTS_MISSING = "; deras texter ingår inte."
# The bar chart of budget per avdelning (`draft_charts`): its bar for the budget year.
CHART_BAR_MISSING = "; diagrammet visar ingen stapel för deras budget {year}."
# The status of an uppdrag only a missing avdelning reports on.
STATUS_MISSING = "Uppgift saknas"
RETURNS_SOURCE = "Källa: avdelningarnas inlämnade budgetunderlag."
# Budget against ram: a missing avdelning's ram is known, its budget is not.
RAM_MISSING = (
    ". Deras budget och differens är tomma. Raden ”" + INCLUDED_TOTAL + "” jämför "
    "övriga avdelningars budget med samma avdelningars ramar. Nämndens summarad visar "
    "bara ramarna, som finns för alla."
)

# Budget against ram with no return in at all: one total, its budget and difference empty.
RAM_NONE = ". Deras budget och differens är tomma; summaraden visar bara ramarna."


def missing_names(settings: Settings, included: set[str]) -> list[str]:
    """Names of the settings' avdelningar without an approved return, in settings order."""
    return [a.name for a in settings.avdelningar if a.code not in included]


def singular(consequence: str) -> str:
    """A missing-note consequence for one avdelning: "… saknas för Portföljstyrning.
    Dess ram …", not "Deras"."""
    return consequence.replace("Deras ", "Dess ").replace("deras ", "dess ")


def missing_note(settings: Settings, included: set[str], consequence: str = AMOUNTS_MISSING) -> str:
    """The note naming avdelningar without an approved return and what that means for
    the table (`consequence` continues the sentence); "" when none is missing.

    The one wording of it in every output, notes and running text alike: "Godkänd
    inlämning saknas för Personalavdelningen och Portföljstyrning", without a colon
    (the notes had one and the running text not: review)."""
    return missing_named(missing_names(settings, included), consequence)


def missing_named(missing: Sequence[str], consequence: str = AMOUNTS_MISSING) -> str:
    """`missing_note` for the avdelningar named `missing` (a chart's, which shows only
    some of them); "" for none."""
    if not missing:
        return ""
    if len(missing) == 1:
        consequence = singular(consequence)
    return "Godkänd inlämning saknas för " + name_list(missing) + consequence


def note(
    settings: Settings, included: set[str], *parts: str, consequence: str = AMOUNTS_MISSING
) -> str:
    """A view's note: `parts` and the missing avdelningar's sentence (`missing_note`)."""
    texts = [p for p in (*parts, missing_note(settings, included, consequence)) if p]
    return " ".join(texts)


def in_avdelning_order(submissions: Iterable[Submission], settings: Settings) -> list[Submission]:
    """Returns in the settings' avdelning order; avdelningar settings do not know last."""
    order = {a.code: i for i, a in enumerate(settings.avdelningar)}
    return sorted(submissions, key=lambda s: order.get(s.avdelning, len(order)))


def memoized(lookup: Callable[[str], T]) -> Callable[[str], T]:
    """`lookup` computed once per distinct text (the same texts recur in every return)."""
    known: dict[str, T] = {}

    def of(text: str) -> T:
        try:
            return known[text]
        except KeyError:
            found = known[text] = lookup(text)
            return found

    return of


def avdelning_names(settings: Settings) -> dict[str, str]:
    """Each settings avdelning's name by its code (a code settings do not know shows
    as itself: `names.get(code, code)`)."""
    return {a.code: a.name for a in settings.avdelningar}


def avdelningar_shown(settings: Settings, included: set[str]) -> list[Avdelning]:
    """Settings' avdelningar in order, then any returned avdelning settings do not know
    (collect rejects those, but a figure must never vanish from one view only)."""
    known = {a.code for a in settings.avdelningar}
    extra = [Avdelning(code, code, {}) for code in sorted(included - known)]
    return [*settings.avdelningar, *extra]
