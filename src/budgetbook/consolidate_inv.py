"""Investment, kapitalkostnad and risk views of the consolidation (pure functions).

Conventions as in `consolidate`: investment spend and capital costs are positive amounts
(signed columns, shown negative under "costs_negative"); risks are effects on the result
(positive risk positive, negative risk negative) in every convention, in the sums per
avdelning and in the list of each risk alike.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from itertools import groupby
from operator import add, itemgetter
from typing import NamedTuple

from . import capital
from .fmt import name_list
from .fmt import rate as fmt_rate
from .fmt import tkr as fmt_tkr
from .model import (
    VIEW_INV_BESLUTAD,
    VIEW_INV_KATEGORI,
    VIEW_INV_NYA,
    VIEW_INV_PAGAENDE,
    VIEW_KAPITALKOSTNADER,
    VIEW_RISKER,
    VIEW_RISKLISTA,
    Column,
    Project,
    Row,
    RowKind,
    SourceFile,
    Sources,
    Submission,
    Table,
    join_sources,
    source_group,
    sources_at,
)
from .schema import INVESTMENT_SHEET, RISK_SHEET
from .settings import AssetCategory, Settings
from .tablebuild import (
    PROJECTS_MISSING,
    RETURNS_SOURCE,
    RISK_LIST_MISSING,
    RISKS_MISSING,
    amount_keys,
    avdelning_names,
    avdelningar_shown,
    grouped,
    in_avdelning_order,
    memoized,
    missing_names,
    namnd_total,
    note,
    numeric_keys,
    sum_rows,
)

# --- investments ------------------------------------------------------------------------


class Proj(NamedTuple):
    """A project of a return with what every view needs of it.

    A named tuple, not a frozen dataclass: one per project, and making ~20 000 frozen
    dataclasses took ~24 ms at N = 1 000, ~9x a tuple's time (issue 8)."""

    project: Project
    file: str
    avdelning: str
    at: SourceFile  # the return's Investeringar sheet (one for all its projects)
    category: AssetCategory | None  # settings.category(project.category)
    # year -> the source of its amount, one object for every view that names the cell
    # (the per-project, per-category and capital views made one each: ~10 MB at
    # N = 1 000, issue 8)
    sources: dict[int, Sources]


# Proj((...)) without the named tuple's Python-level __new__ (~2x faster)
_proj = functools.partial(tuple.__new__, Proj)


def projects_of(submissions: Sequence[Submission], settings: Settings) -> list[Proj]:
    subs = in_avdelning_order(submissions, settings)
    # a category looked up once per distinct text, not twice per project (issue 8)
    category = memoized(settings.category)
    one_cell: dict[str, tuple[str]] = {}  # (cell,) once per cell: every return has one layout
    projs = []
    for s in subs:
        at = SourceFile(s.file, INVESTMENT_SHEET, s.avdelning)
        for p in s.projects:
            cells = p.cells
            sources = {}
            for year, amount in p.amounts.items():
                if amount is not None:
                    cell = cells.get(str(year), "")
                    cell_tuple = one_cell.get(cell) or one_cell.setdefault(cell, (cell,))
                    sources[year] = (source_group((at, cell_tuple)),)
            projs.append(_proj((p, s.file, s.avdelning, at, category(p.category), sources)))
    return projs


def is_ongoing(status: str) -> bool:
    """A project's status is "pågående" (as typed: any case, spaces around)."""
    return status.strip().casefold().startswith("p")


# Every project's avdelning beside its name: a large nämnd's avdelningar often have
# projects of the same name ("Mötesrumsteknik"), which the name alone left for Källor
# to tell apart. The workbook shows it as a column to filter on; the draft groups the
# rows under a heading per avdelning (`report.content.by_avdelning`).
AVDELNING = Column("avdelning", "Avdelning", "text")


def _inv_columns(settings: Settings) -> list[Column]:
    years = settings.investment_years
    return [
        Column("label", "Projekt", "text"),
        AVDELNING,
        *(Column(f"inv_{y}", f"Budget {y}") for y in years),
        Column("sum", f"Summa {years[0]}–{years[-1]}"),
    ]


def _inv_row(label: str, own: Sequence[Row], year_keys: Sequence[tuple[int, str]]) -> Row:
    """Spend per investment year of several projects, from their own rows (`_own_row`,
    built once for every table that shows a project); `year_keys`: (year, column key)
    made once for all rows (a key text per row and year was ~9 MB at N = 1 000, issue 8).

    Each year's amount is the sum of the rows' (a row without the year holds 0, which
    leaves an int sum as it is); its sources the rows' one cell each, grouped per return
    in the order read. (Per project and year from the projects themselves this was
    ~85 ms of the ~210 ms of the investment views at N = 1 000, issue 8.)"""
    if len(own) == 1:  # the project's own row, under the group's label
        (row,) = own
        values = dict(row.values)
        values.pop("avdelning", None)  # a group's row (a category's) has no one avdelning
        return Row(label, values, RowKind.DATA, dict(row.sources))
    values: dict[str, int | float | str | None] = {}
    sources: dict[str, Sources] = {}
    total = 0
    all_src: list[Sources] = []
    rows_values = [row.values for row in own]
    rows_sources = [row.sources for row in own]
    for _, key in year_keys:
        # added one after the other, as the other views add: `sum` compensates floats
        # from Python 3.12 on (ten times 0.1 is 1.0 there, 0.9999999999999999 here)
        amount = functools.reduce(add, [v[key] for v in rows_values], 0)
        values[key] = amount
        total += amount
        # the rows' one group each (at, (cell,)); runs of one return's projects joined
        cells = [src[0] for s in rows_sources if (src := s.get(key))]
        if cells:
            src = tuple(
                [
                    source_group((at, tuple([group[1][0] for group in run])))
                    for at, run in groupby(cells, _at_of)
                ]
            )
            if len({group.at for group in src}) < len(src):  # a return's projects apart
                src = join_sources(*((group,) for group in src))
            sources[key] = src
            all_src.append(src)
    values["sum"] = total
    if all_src:
        sources["sum"] = join_sources(*all_src)
    return Row(label, values, RowKind.DATA, sources)


_at_of = itemgetter(0)  # a SourceGroup's file and sheet


def _own_row(
    label: str, p: Proj, year_keys: Sequence[tuple[int, str]], avdelning: str | None = None
) -> Row:
    """`_inv_row` of one project (most rows): its sources shared, its cells in one file;
    `avdelning` the name its Avdelning column shows (none in a table without one)."""
    amounts, own = p.project.amounts, p.sources
    values: dict[str, int | float | str | None] = {}
    if avdelning is not None:
        values["avdelning"] = avdelning
    sources: dict[str, Sources] = {}
    total = 0
    cells = []
    for y, key in year_keys:
        value = amounts.get(y)
        if value is None:
            values[key] = 0
            continue
        values[key] = value
        total += value
        sources[key] = src = own[y]
        cells.append(src[0].cells[0])  # the year's one cell (`projects_of`)
    values["sum"] = total
    if cells:
        sources["sum"] = (source_group((p.at, tuple(cells))),)
    return Row(label, values, RowKind.DATA, sources)


def investment_views(
    settings: Settings, projects: Sequence[Proj], included: set[str]
) -> list[Table]:
    cols = _inv_columns(settings)
    keys = amount_keys(cols)
    signed = numeric_keys(cols)
    # no earlier decision stands behind a new plan: the source is the returns themselves
    inv_text = note(settings, included, RETURNS_SOURCE, consequence=PROJECTS_MISSING)
    # each project's own row, built once for the tables that show it (issue 8)
    status_ongoing = memoized(is_ongoing)  # a few distinct texts (issue 8)
    ongoing = [status_ongoing(p.project.status) for p in projects]
    year_keys = [(y, f"inv_{y}") for y in settings.investment_years]
    names = avdelning_names(settings)
    own = [
        _own_row(p.project.name, p, year_keys, names.get(p.avdelning, p.avdelning))
        for p in projects
    ]
    tables = []
    for key, caption, want, total_label in (
        (VIEW_INV_PAGAENDE, "Investeringsbudget, pågående projekt", True, "Summa pågående projekt"),
        (VIEW_INV_NYA, "Investeringsbudget, nya projekt", False, "Summa nya projekt"),
    ):
        rows = [row for row, going in zip(own, ongoing, strict=True) if going == want]
        rows.append(sum_rows(total_label, rows, RowKind.TOTAL, keys))
        tables.append(Table(key, caption, cols, rows, inv_text, settings.unit, signed))

    cat_cols = [Column("label", "Kategori", "text"), *cols[2:]]  # no Avdelning
    by_cat: dict[str, list[Row]] = defaultdict(list)
    cat_names: dict[str, str] = {}
    for p, row in zip(projects, own, strict=True):
        cat = p.category
        code = cat.code if cat else p.project.category
        cat_names[code] = cat.name if cat else (p.project.category or "Okänd kategori")
        by_cat[code].append(row)
    order = [c.code for c in settings.asset_categories if c.code in by_cat]
    order += [c for c in by_cat if c not in order]
    rows = [_inv_row(cat_names[c], by_cat[c], year_keys) for c in order]
    rows.append(sum_rows("Summa investeringar", rows, RowKind.TOTAL, keys))
    tables.append(
        Table(
            VIEW_INV_KATEGORI,
            "Investeringsbudget per kategori",
            cat_cols,
            rows,
            inv_text,
            settings.unit,
            signed,
        )
    )

    years = settings.investment_years
    dec_cols = [
        Column("label", "Projekt", "text"),
        AVDELNING,
        Column("decided_total", "Beslutad totalutgift"),
        Column("sum", f"Summa {years[0]}–{years[-1]}"),
        Column("diff", "Beslutad − summa"),
    ]
    dec_keys = amount_keys(dec_cols)

    def dec_row(p: Proj, row: Row) -> Row:
        decided = p.project.decided_total
        values = {
            "avdelning": row.values["avdelning"],
            "decided_total": decided,
            "sum": row.values["sum"],
            "diff": None if decided is None else decided - row.values["sum"],  # type: ignore[operator]
        }
        sources = {"sum": row.sources.get("sum", ())}
        if decided is not None:
            dsrc = (source_group((p.at, (p.project.cells.get("decided_total", ""),))),)
            sources["decided_total"] = dsrc
            total = sources["sum"]
            if len(total) == 1 and total[0].at is p.at:  # the project's own cells
                sources["diff"] = (source_group((p.at, dsrc[0].cells + total[0].cells)),)
            else:
                sources["diff"] = join_sources(dsrc, total)
        return Row(p.project.name, values, RowKind.DATA, {k: v for k, v in sources.items() if v})

    with_rows = list(zip(projects, own, strict=True))
    dec_groups = [
        (
            "Pågående projekt",
            [dec_row(*it) for it, going in zip(with_rows, ongoing, strict=True) if going],
            "Summa pågående projekt",
        ),
        (
            "Nya projekt",
            [dec_row(*it) for it, going in zip(with_rows, ongoing, strict=True) if not going],
            "Summa nya projekt",
        ),
    ]
    rows = grouped(dec_groups, DECIDED_TOTAL_LABEL, dec_keys)
    undecided = [p.project.decided_total is None for p in projects]
    if any(undecided):
        # Review: "Summa investeringar" read 35 100 / 26 000 / 13 900, the decided total
        # and its difference of the ongoing projects beside the plan of all of them, and
        # 35 100 − 26 000 ≠ 13 900 read as an arithmetic error. The grand total shows the
        # two columns only when every project has a decided total; the subtotals keep
        # theirs (the groups' own sums, which the note explains where a group mixes).
        rows[-1].values["decided_total"] = rows[-1].values["diff"] = None
    mixed = [
        label
        for _, parts, label in dec_groups
        if len({r.values["decided_total"] is None for r in parts}) > 1
    ]
    tables.append(
        Table(
            VIEW_INV_BESLUTAD,
            "Beslutad totalutgift mot årsbelopp",
            dec_cols,
            rows,
            note(
                settings,
                included,
                f"Beslutad − summa är den del av den beslutade totalutgiften som inte ligger "
                f"i åren {years[0]}–{years[-1]} (tidigare eller senare år); "
                # the column is signed: under costs_negative an overrun shows positive
                f"{'positiv' if settings.sign_convention == 'costs_negative' else 'negativ'} "
                "differens betyder att årsbeloppen överstiger beslutet.",
                _undecided_note(years, mixed) if any(undecided) else "",
                consequence=PROJECTS_MISSING,
            ),
            settings.unit,
            numeric_keys(dec_cols),
        )
    )
    return tables


DECIDED_TOTAL_LABEL = "Summa investeringar"


def _undecided_note(years: Sequence[int], mixed: Sequence[str]) -> str:
    """The decided totals' note when a project has none: it counts only in Summa, so the
    grand total leaves Beslutad totalutgift and Beslutad − summa empty; a subtotal
    (`mixed`: their labels) whose group has projects with and without a decided total
    sums those two columns over the projects with one."""
    text = (
        f"Projekt utan beslutad totalutgift ingår bara i kolumnen Summa "
        f"{years[0]}–{years[-1]}, så raden {DECIDED_TOTAL_LABEL} visar ingen beslutad "
        "totalutgift och ingen differens."
    )
    if mixed:
        rows = name_list([f"raden {label}" for label in mixed])
        text += (
            f" På {rows} avser Beslutad totalutgift och Beslutad − summa bara projekten med beslut."
        )
    return text


# --- kapitalkostnader -------------------------------------------------------------------


def prior_capital(settings: Settings, included: set[str]) -> int:
    """The prior year's budgeted capital cost (existing assets) of the `included`
    avdelningar, from the prior-year CSV: the base the drift budget's increase is
    measured from, so the note compares like with like; the sum of the bases each
    return's check (BB408) measures from (`capital.prior_capital_by_avdelning`)."""
    by_avdelning = capital.prior_capital_by_avdelning(settings)
    return sum(by_avdelning.get(code, 0) for code in included)


def capital_view(
    settings: Settings,
    projects: Sequence[Proj],
    budgeted: dict[int, int],
    included: set[str],
) -> Table:
    """Capital cost per project and year.

    `budgeted` is what the drift budget's capital cost (lines with `capital = true`)
    adds over the prior-year budget per year, which the note gives beside the plan's.
    Where the two differ, each return's check at collect (BB408) has said so, at the
    avdelning's own rows and with its own figures; theirs add up to the nämnd's, so the
    consolidation repeats none of them (docs/consolidation.md)."""
    years = settings.investment_years
    cols = [
        Column("label", "Projekt", "text"),
        AVDELNING,
        Column("category", "Kategori", "text"),
        *(Column(f"kap_{y}", str(y)) for y in years),  # the caption says what: the years only
    ]
    names = avdelning_names(settings)
    keys = amount_keys(cols)
    unknown = []
    ongoing: list[Row] = []
    new: list[Row] = []
    year_keys = [(y, f"kap_{y}") for y in years]
    # what is the same for every project's cost made once (the settings lines' group
    # per category, the years' spans, ...)
    costs = capital.capital_costs(settings)  # over settings.investment_years, as `years`
    kap_keys = [key for _, key in year_keys]
    status_ongoing = memoized(is_ongoing)  # a few distinct texts (issue 8)
    for p in projects:
        values: dict[str, int | float | str | None]
        sources: dict[str, Sources] = {}
        category = p.category
        avdelning = names.get(p.avdelning, p.avdelning)
        if category is None:
            unknown.append(f"{p.project.name} ({avdelning})")  # its name may recur
            values = {"avdelning": avdelning, "category": p.project.category}
            values.update((key, None) for key in kap_keys)
        else:
            rounded, cap_sources = costs.rounded(p.project, category, p.file, p.at)
            values = {"avdelning": avdelning, "category": category.name}
            values.update(zip(kap_keys, rounded, strict=True))
            if cap_sources:
                sources = dict.fromkeys(kap_keys, cap_sources)
        row = Row(p.project.name, values, RowKind.DATA, sources)
        (ongoing if status_ongoing(p.project.status) else new).append(row)
    rows = grouped(
        [
            ("Pågående projekt", ongoing, "Summa pågående projekt"),
            ("Nya projekt", new, "Summa nya projekt"),
        ],
        "Summa kapitalkostnader",
        keys,
    )

    start = (
        "året efter utgiften"
        if settings.depreciation_start == "year_after"
        else "samma år som utgiften"
    )
    parts = [
        f"Kapitalkostnad = linjär avskrivning över kategorins nyttjandeperiod från {start} "
        f"plus internränta {fmt_rate(settings.internranta)} på bokfört värde "
        "vid årets början. Mark skrivs inte av. Beräknat på investeringsplanens årsbelopp."
    ]
    if budgeted:
        parts.append(
            # `budgeted` is the increase over the prior-year budget, not the drift level
            f"Ökningen av driftbudgetens kapitalkostnader jämfört med budget "
            f"{settings.prior_year}{_returned_only(settings, included)} "
            f"({fmt_tkr(prior_capital(settings, included))} tkr) är "
            + name_list([f"{fmt_tkr(v)} tkr {y}" for y, v in budgeted.items()])
            + ", att jämföra med investeringsplanens kapitalkostnad i tabellen."
        )
    if unknown:
        parts.append("Okänd kategori, ingen kapitalkostnad beräknad: " + ", ".join(unknown) + ".")
    text = note(settings, included, *parts, consequence=PROJECTS_MISSING)
    return Table(
        VIEW_KAPITALKOSTNADER,
        "Kapitalkostnader per projekt",
        cols,
        rows,
        text,
        settings.unit,
        numeric_keys(cols),
    )


def _returned_only(settings: Settings, included: set[str]) -> str:
    """Words saying that a prior-year figure counts only the avdelningar with a return:
    the kontogrupp table beside it shows the same budget line for all of them."""
    return " för avdelningarna med godkänd inlämning" if missing_names(settings, included) else ""


# --- risks ------------------------------------------------------------------------------

# An avdelning whose accepted return has no risk: a real zero in the sums per avdelning,
# named in their note, and this line under its name in the list of each risk. A missing
# return is blank and named as missing, as in every other table (`note`).
NO_RISKS = "Inga risker angivna"


def _no_risks_note(settings: Settings, submissions: Sequence[Submission]) -> str:
    """The note "Inga risker angivna för …." naming the returns without a risk (no
    colon, as in "Godkänd inlämning saknas för …": `tablebuild.missing_note`)."""
    names = avdelning_names(settings)
    without = [
        names.get(s.avdelning, s.avdelning)
        for s in in_avdelning_order(submissions, settings)
        if not s.risks
    ]
    return f"{NO_RISKS} för {name_list(without)}." if without else ""


def is_no_risks(row: Row) -> bool:
    """Whether a row of the list of each risk is `NO_RISKS`' line, not a risk."""
    return (
        row.label == NO_RISKS
        and not row.sources
        and not any(isinstance(row.values.get(k), int | float) for k in ("positive", "negative"))
    )


def risk_view(settings: Settings, submissions: Sequence[Submission], included: set[str]) -> Table:
    """Positive and negative risks per avdelning and for the nämnd; net = positive − negative.

    Values are effects on the result: positive risk positive, negative risk negative
    (stored as sizes in `Risk.negative`), in every sign convention. A return without
    a risk is a real 0, named in the note (`NO_RISKS`); a missing one is blank.
    """
    cols = [
        Column("label", "Avdelning", "text"),
        Column("positive", "Positiv risk"),
        Column("negative", "Negativ risk"),
        Column("net", "Nettorisk"),
    ]
    keys = amount_keys(cols)
    by_avd = defaultdict(list)
    files: dict[str, SourceFile] = {}
    for sub in submissions:
        by_avd[sub.avdelning].extend(sub.risks)
        files[sub.avdelning] = SourceFile(sub.file, RISK_SHEET, sub.avdelning)
    rows = []
    for a in avdelningar_shown(settings, included):
        if a.code not in included:
            rows.append(Row(a.name, {"positive": None, "negative": None, "net": None}))
            continue
        risks = by_avd.get(a.code, [])
        pos = sum(r.positive for r in risks)
        neg = -sum(r.negative for r in risks)
        at = files[a.code]
        src_p = sources_at(at, (r.cells.get("positive", "") for r in risks if r.positive))
        src_n = sources_at(at, (r.cells.get("negative", "") for r in risks if r.negative))
        sources = {"positive": src_p, "negative": src_n, "net": join_sources(src_p, src_n)}
        rows.append(
            Row(
                a.name,
                {"positive": pos, "negative": neg, "net": pos + neg},
                RowKind.DATA,
                {k: v for k, v in sources.items() if v},
            )
        )
    rows.append(sum_rows(namnd_total(settings), rows, RowKind.TOTAL, keys))
    text = note(
        settings,
        included,
        "Negativa risker visas med minustecken; nettorisk = positiv + negativ.",
        _no_risks_note(settings, submissions),
        consequence=RISKS_MISSING,
    )
    return Table(
        VIEW_RISKER, "Risk- och känslighetsanalys", cols, rows, text, settings.unit, frozenset()
    )


def risk_list(settings: Settings, submissions: Sequence[Submission], included: set[str]) -> Table:
    """Each risk and möjlighet of the returns, per avdelning in the settings' order and
    then as entered, with its avdelning and comment (a controller filters the list; the
    draft groups it by avdelning). Amounts as `risk_view` shows them: a positive risk
    positive, a negative one negative, in every convention; an empty (or 0) amount is
    empty, so every amount shown has its cell. The total is the nämnd's, as there.
    A return without a risk has one line `NO_RISKS` (no amount, no cell): the list
    names every avdelning that answered, as the sums do."""
    cols = [
        Column("label", "Risk eller möjlighet", "text"),
        Column("avdelning", "Avdelning", "text"),
        Column("positive", "Positiv risk"),
        Column("negative", "Negativ risk"),
        Column("comment", "Kommentar", "text"),
    ]
    names = avdelning_names(settings)
    rows = []
    for sub in in_avdelning_order(submissions, settings):
        at = SourceFile(sub.file, RISK_SHEET, sub.avdelning)
        name = names.get(sub.avdelning, sub.avdelning)
        if not sub.risks:  # returned without a risk: said, not left out like a missing one
            empty = {"positive": None, "negative": None, "comment": None}
            rows.append(Row(NO_RISKS, {"avdelning": name, **empty}))
        for r in sub.risks:
            sources: dict[str, Sources] = {}
            if r.positive:
                sources["positive"] = sources_at(at, (r.cells.get("positive", ""),))
            if r.negative:
                sources["negative"] = sources_at(at, (r.cells.get("negative", ""),))
            values: dict[str, int | float | str | None] = {
                "avdelning": name,
                "positive": r.positive or None,
                "negative": -r.negative or None,
                "comment": r.comment or None,
            }
            rows.append(Row(r.description, values, RowKind.DATA, sources))
    rows.append(sum_rows(namnd_total(settings), rows, RowKind.TOTAL, ("positive", "negative")))
    text = note(
        settings,
        included,
        "Negativa risker visas med minustecken.",
        RETURNS_SOURCE,
        consequence=RISK_LIST_MISSING,
    )
    return Table(
        VIEW_RISKLISTA, "Risker och möjligheter", cols, rows, text, settings.unit, frozenset()
    )
