"""Investment, kapitalkostnad and risk views of the consolidation (pure functions).

Conventions as in `consolidate`: investment spend and capital costs are positive amounts
(signed columns, shown negative under "costs_negative"); risks are effects on the result
(positive risk positive, negative risk negative) in every convention.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import capital
from .fmt import tkr as fmt_tkr
from .model import (
    VIEW_INV_BESLUTAD,
    VIEW_INV_KATEGORI,
    VIEW_INV_NYA,
    VIEW_INV_PAGAENDE,
    VIEW_KAPITALKOSTNADER,
    VIEW_RISKER,
    Column,
    Problem,
    Project,
    Row,
    RowKind,
    Source,
    Submission,
    Table,
)
from .schema import INVESTMENT_SHEET, RISK_SHEET
from .settings import AssetCategory, Settings
from .tablebuild import (
    PROJECTS_MISSING,
    RETURNS_SOURCE,
    amount_keys,
    avdelningar_shown,
    grouped,
    in_avdelning_order,
    memoized,
    missing_note,
    note,
    numeric_keys,
    sum_rows,
)

# --- investments ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proj:
    project: Project
    file: str
    avdelning: str
    category: AssetCategory | None = None  # settings.category(project.category)
    # year -> the source of its amount, one object for every view that names the cell
    # (the per-project, per-category and capital views made one each: ~10 MB at
    # N = 1 000, issue 8)
    sources: dict[int, Source] = field(default_factory=dict)


def projects_of(submissions: Sequence[Submission], settings: Settings) -> list[Proj]:
    subs = in_avdelning_order(submissions, settings)
    # a category looked up once per distinct text, not twice per project (issue 8)
    category = memoized(settings.category)
    return [
        Proj(p, s.file, s.avdelning, category(p.category), _sources(p, s.file, s.avdelning))
        for s in subs
        for p in s.projects
    ]


def _sources(project: Project, file: str, avdelning: str) -> dict[int, Source]:
    cells, source = project.cells, _new_source
    return {
        year: source((file, INVESTMENT_SHEET, cells.get(str(year), ""), avdelning))
        for year, amount in project.amounts.items()
        if amount is not None
    }


# Source((...)) without the named tuple's Python-level __new__ (~2x faster)
_new_source = functools.partial(tuple.__new__, Source)


def is_ongoing(project: Project) -> bool:
    return project.status.strip().casefold().startswith("p")


def _inv_columns(settings: Settings) -> list[Column]:
    years = settings.investment_years
    return [
        Column("label", "Projekt", "text"),
        *(Column(f"inv_{y}", f"Budget {y}") for y in years),
        Column("sum", f"Summa {years[0]}–{years[-1]}"),
    ]


def _inv_row(label: str, items: Sequence[Proj], year_keys: Sequence[tuple[int, str]]) -> Row:
    """Spend per investment year of `items`; `year_keys`: (year, column key) made once
    for all rows (a key text per row and year was ~9 MB at N = 1 000, issue 8)."""
    values: dict[str, int | float | str | None] = {}
    sources: dict[str, list[Source]] = {}
    total = 0
    all_src: list[Source] = []
    for y, key in year_keys:
        amount = 0
        mine = []
        for it in items:
            value = it.project.amounts.get(y)
            if value is None:
                continue
            amount += value
            mine.append(it.sources[y])
        values[key] = amount
        total += amount
        if mine:
            # a list of one (most rows show one project) without append's spare room
            sources[key] = mine if len(mine) > 1 else [mine[0]]
            all_src += mine
    values["sum"] = total
    if all_src:
        sources["sum"] = all_src
    return Row(label, values, RowKind.DATA, sources)


def investment_views(
    settings: Settings, projects: Sequence[Proj], included: set[str]
) -> list[Table]:
    cols = _inv_columns(settings)
    keys = amount_keys(cols)
    signed = numeric_keys(cols)
    # no earlier decision stands behind a new plan: the source is the returns themselves
    inv_text = " ".join(
        p for p in (RETURNS_SOURCE, missing_note(settings, included, PROJECTS_MISSING)) if p
    )
    # each project's own row, built once for the tables that show it (issue 8)
    ongoing = [is_ongoing(p.project) for p in projects]
    year_keys = [(y, f"inv_{y}") for y in settings.investment_years]
    own = [_inv_row(p.project.name, [p], year_keys) for p in projects]
    tables = []
    for key, caption, want, total_label in (
        (VIEW_INV_PAGAENDE, "Investeringsbudget, pågående projekt", True, "Summa pågående projekt"),
        (VIEW_INV_NYA, "Investeringsbudget, nya projekt", False, "Summa nya projekt"),
    ):
        rows = [row for row, going in zip(own, ongoing, strict=True) if going == want]
        rows.append(sum_rows(total_label, rows, RowKind.TOTAL, keys))
        tables.append(Table(key, caption, cols, rows, inv_text, settings.unit, signed))

    cat_cols = [Column("label", "Kategori", "text"), *cols[1:]]
    by_cat: dict[str, list[Proj]] = defaultdict(list)
    names: dict[str, str] = {}
    for p in projects:
        cat = p.category
        code = cat.code if cat else p.project.category
        names[code] = cat.name if cat else (p.project.category or "Okänd kategori")
        by_cat[code].append(p)
    order = [c.code for c in settings.asset_categories if c.code in by_cat]
    order += [c for c in by_cat if c not in order]
    rows = [_inv_row(names[c], by_cat[c], year_keys) for c in order]
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
        Column("decided_total", "Beslutad totalutgift"),
        Column("sum", f"Summa {years[0]}–{years[-1]}"),
        Column("diff", "Beslutad − summa"),
    ]
    dec_keys = amount_keys(dec_cols)

    def dec_row(p: Proj, row: Row) -> Row:
        decided = p.project.decided_total
        values = {
            "decided_total": decided,
            "sum": row.values["sum"],
            "diff": None if decided is None else decided - row.values["sum"],  # type: ignore[operator]
        }
        sources = {"sum": row.sources.get("sum", [])}
        if decided is not None:
            cell = p.project.cells.get("decided_total", "")
            dsrc = [Source(p.file, INVESTMENT_SHEET, cell, p.avdelning)]
            sources["decided_total"] = dsrc
            sources["diff"] = dsrc + sources["sum"]
        return Row(p.project.name, values, RowKind.DATA, {k: v for k, v in sources.items() if v})

    with_rows = list(zip(projects, own, strict=True))
    rows = grouped(
        [
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
        ],
        "Summa investeringar",
        dec_keys,
    )
    tables.append(
        Table(
            VIEW_INV_BESLUTAD,
            "Beslutad totalutgift mot årsbelopp",
            dec_cols,
            rows,
            note(
                settings,
                included,
                f"Beslutad − summa är den del av den beslutade totalutgiften som inte ligger i "
                f"åren {years[0]}–{years[-1]} (tidigare eller senare år); "
                # the column is signed: under costs_negative an overrun shows positive
                f"{'positiv' if settings.sign_convention == 'costs_negative' else 'negativ'} "
                "differens betyder att årsbeloppen överstiger beslutet.",
            ),
            settings.unit,
            numeric_keys(dec_cols),
        )
    )
    return tables


# --- kapitalkostnader -------------------------------------------------------------------


def prior_capital(settings: Settings, included: set[str]) -> int:
    """The prior year's budgeted capital cost (existing assets) of the `included`
    avdelningar, from the prior-year CSV: the base the drift budget's increase is
    measured from, so the note and BB408 compare like with like."""
    posts = {d.code for d in settings.driftposter if d.capital}
    verks = {v.code for v in settings.verksamheter if v.avdelning in included}
    return sum(f.budget for (v, d), f in settings.prior.items() if v in verks and d in posts)


def capital_view(
    settings: Settings,
    projects: Sequence[Proj],
    budgeted: dict[int, int],
    included: set[str],
) -> tuple[Table, list[Problem]]:
    """Capital cost per project and year, and BB408 where the drift budget differs.

    `budgeted` is the drift budget's capital cost (lines with `capital = true`) per year.
    """
    years = settings.investment_years
    cols = [
        Column("label", "Projekt", "text"),
        Column("category", "Kategori", "text"),
        *(Column(f"kap_{y}", f"Kapitalkostnad {y}") for y in years),
    ]
    keys = amount_keys(cols)
    unknown = []
    ongoing: list[Row] = []
    new: list[Row] = []
    year_keys = [(y, f"kap_{y}") for y in years]
    settings_lines: dict[int, Source] = {}  # one source per settings line for all projects
    for p in projects:
        cap = capital.capital_of(
            p.project, p.category, settings, years, p.file, p.sources, settings_lines
        )
        values: dict[str, int | float | str | None]
        sources: dict[str, list[Source]] = {}
        if cap.category is None:
            unknown.append(p.project.name)
            values = {"category": p.project.category}
            values.update((key, None) for _, key in year_keys)
        else:
            values = {"category": cap.category.name}
            for y, key in year_keys:
                values[key] = cap.rounded(y)
                if cap.sources:
                    sources[key] = cap.sources
        row = Row(p.project.name, values, RowKind.DATA, sources)
        (ongoing if is_ongoing(p.project) else new).append(row)
    rows = grouped(
        [
            ("Pågående projekt", ongoing, "Summa pågående projekt"),
            ("Nya projekt", new, "Summa nya projekt"),
        ],
        "Summa kapitalkostnader",
        keys,
    )
    total = rows[-1]

    plan = {y: total.values.get(f"kap_{y}") or 0 for y in years}
    problems = capital.capital_gap(plan, budgeted, settings.prior_year)  # type: ignore[arg-type]

    start = (
        "året efter utgiften"
        if settings.depreciation_start == "year_after"
        else "samma år som utgiften"
    )
    parts = [
        f"Kapitalkostnad = linjär avskrivning över kategorins nyttjandeperiod från {start} "
        f"plus internränta {settings.internranta:g} % på bokfört värde ".replace(".", ",")
        + "vid årets början. Mark skrivs inte av. Beräknat på investeringsplanens årsbelopp."
    ]
    if budgeted:
        parts.append(
            # `budgeted` is the increase over the prior-year budget, not the drift level
            f"Ökning av driftbudgetens kapitalkostnader jämfört med budget "
            f"{settings.prior_year} ({fmt_tkr(prior_capital(settings, included))} tkr), "
            "som jämförs med investeringsplanens kapitalkostnad: "
            + "; ".join(f"{y}: {fmt_tkr(v)} tkr" for y, v in budgeted.items())
            + "."
        )
    if unknown:
        parts.append("Okänd kategori, ingen kapitalkostnad beräknad: " + ", ".join(unknown) + ".")
    text = " ".join(p for p in (*parts, missing_note(settings, included, PROJECTS_MISSING)) if p)
    table = Table(
        VIEW_KAPITALKOSTNADER,
        "Kapitalkostnader per projekt",
        cols,
        rows,
        text,
        settings.unit,
        numeric_keys(cols),
    )
    return table, problems


# --- risks ------------------------------------------------------------------------------


def risk_view(settings: Settings, submissions: Sequence[Submission], included: set[str]) -> Table:
    """Positive and negative risks per avdelning and for the nämnd; net = positive − negative.

    Values are effects on the result: positive risk positive, negative risk negative
    (stored as sizes in `Risk.negative`), in every sign convention.
    """
    cols = [
        Column("label", "Avdelning", "text"),
        Column("positive", "Positiv risk"),
        Column("negative", "Negativ risk"),
        Column("net", "Nettorisk"),
    ]
    keys = amount_keys(cols)
    by_avd = defaultdict(list)
    files: dict[str, str] = {}
    for sub in submissions:
        by_avd[sub.avdelning].extend(sub.risks)
        files[sub.avdelning] = sub.file
    rows = []
    for a in avdelningar_shown(settings, included):
        if a.code not in included:
            rows.append(Row(a.name, {"positive": None, "negative": None, "net": None}))
            continue
        risks = by_avd.get(a.code, [])
        pos = sum(r.positive for r in risks)
        neg = -sum(r.negative for r in risks)
        src_p = [
            Source(files[a.code], RISK_SHEET, r.cells.get("positive", ""), a.code)
            for r in risks
            if r.positive
        ]
        src_n = [
            Source(files[a.code], RISK_SHEET, r.cells.get("negative", ""), a.code)
            for r in risks
            if r.negative
        ]
        sources = {"positive": src_p, "negative": src_n, "net": src_p + src_n}
        rows.append(
            Row(
                a.name,
                {"positive": pos, "negative": neg, "net": pos + neg},
                RowKind.DATA,
                {k: v for k, v in sources.items() if v},
            )
        )
    rows.append(sum_rows(f"Summa {settings.namnd.lower()}", rows, RowKind.TOTAL, keys))
    text = note(
        settings, included, "Negativa risker visas med minustecken; nettorisk = positiv + negativ."
    )
    return Table(
        VIEW_RISKER, "Risk- och känslighetsanalys", cols, rows, text, settings.unit, frozenset()
    )
