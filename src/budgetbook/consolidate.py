"""Consolidation: pure functions from the accepted returns and settings to every view.

`consolidate(submissions, settings)` returns a `model.Consolidation`; nothing here reads
or writes files.

**Stored representation.** Every figure in the tables is a net-cost contribution in
tkr: costs positive, revenues negative, net cost positive; investment spend and
kapitalkostnader positive. The kommun's sign convention (`settings.sign_convention`,
`fmt.Convention`) is applied only when rendering: `Table.signed_columns` lists the
columns that are multiplied by −1 under "costs_negative" (amounts, tkr changes and
% changes, since (−new + old)/|old| = −%).

**Favourable deviation.** With "net_cost_positive" a cost or net cost is shown as a
positive amount, so a *negative* change or budget − ram difference means lower costs
(favourable). With "costs_negative" revenues are positive and costs negative, so a
*positive* change or difference is favourable. Risks are shown as their effect on the
result in both conventions (positive risk = better result, negative risk = worse), so
the risk table has no signed columns.

Prior-year budget and prognos come from `settings.prior` (the prior-year CSV, per
verksamhet × driftpost); budget and plan figures from the returns. Avdelningar without
an accepted return are still listed with their prior-year figures; their budget cells
are empty and the table note names them. Totals are computed as described in
`tablebuild`.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from .consolidate_inv import (
    capital_view,
    investment_views,
    prior_capital,
    projects_of,
    risk_view,
)
from .consolidate_plan import merge_controls, merge_goals, merge_texts, merge_uppdrag
from .gc_pause import gc_paused
from .model import (
    VIEW_BRUTTO_AVDELNING,
    VIEW_DRIFT_AVDELNING,
    VIEW_DRIFT_DRIFTPOST,
    VIEW_DRIFT_VERKSAMHET,
    VIEW_INV_KATEGORI,
    VIEW_RAM_AVDELNING,
    VIEW_RISKER,
    Column,
    Consolidation,
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
from .schema import DRIFT_SHEET, year_key
from .settings import Settings
from .tablebuild import (
    RAM_MISSING,
    ChangeSpec,
    add_changes,
    amount_keys,
    avdelningar_shown,
    grouped,
    in_avdelning_order,
    missing_note,
    note,
    numeric_keys,
    sum_rows,
)

PRIOR_KEYS = ("budget_prior", "prognos_prior")


# --- figures: the amounts read, grouped once for every drift view ----------------------


class Figures(NamedTuple):
    """The figures of one group (an avdelning, a verksamhet, a kontogrupp) in one column:
    their sum and their sources, grouped per file in the order they were read."""

    total: int
    sources: Sources


GroupFigures = dict[str, Figures]  # column key (budget_prior, …, plan_<y>) -> figures


class DriftFigures(NamedTuple):
    """The drift figures (prior-year figures from settings, budget and plan figures from
    the returns) grouped by avdelning, verksamhet, kontogrupp, and by avdelning and
    revenue/cost for the brutto view's two columns (`brutto_keys`).

    Built in one pass without an object per figure: grouping ~420 000 fact tuples at
    N = 1 000 took ~40 % of consolidation and ~60 MB while it ran (issue 8). A figure's
    sources are immutable: the per-avdelning and ram views share theirs, and so do a
    prior year's budget and prognos."""

    by_avdelning: dict[str, GroupFigures]
    by_verksamhet: dict[str, GroupFigures]
    by_driftpost: dict[str, GroupFigures]
    # (avdelning, is revenue) -> the prior year's figures and the budget year's
    brutto: dict[tuple[str, bool], GroupFigures]
    last_avdelning: dict[str, str]  # verksamhet -> avdelning of its last figure


class _Group:
    """One group being filled: a running sum per column position, the prior-year file's
    lines per avdelning (the prior year's budget and prognos, positions 0 and 1, come
    from the same lines) and each return's cells per position, in the order read.
    Cells are kept grouped per file as they are read (Källor lists them so: issue 8)."""

    __slots__ = ("prior", "returns", "sums")

    def __init__(self, size: int) -> None:
        self.sums = [0] * size
        self.prior: dict[str, list[str]] = {}  # avdelning -> lines
        self.returns: list[tuple[SourceFile, list[list[str]]]] = []


class _Groups:
    """Groups being filled, by name (lists and positions, not dicts: the cheapest per
    figure)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.groups: dict[Any, _Group] = {}
        # `get(name) or of(name)` in the loops: a method call per figure was ~20 % of them
        self.get = self.groups.get

    def of(self, name: Any) -> _Group:
        group = self.groups.get(name)
        if group is None:
            group = self.groups[name] = _Group(self.size)
        return group

    def start(self, name: Any, at: SourceFile) -> tuple[list[int], list[list[str]]]:
        """A group's sums and the cell lists of a return's figures (one per position)
        read from `at`, a return's first figure in that group."""
        group = self.get(name) or self.of(name)
        lists: list[list[str]] = [[] for _ in range(self.size)]
        group.returns.append((at, lists))
        return group.sums, lists

    def figures(
        self, keys: Sequence[str], prior_at: dict[str, SourceFile], unique: bool
    ) -> dict[Any, GroupFigures]:
        """The groups' figures; `prior_at`: the prior-year file's lines of an avdelning;
        `unique`: no two returns have the same file and avdelning (so a figure's returns
        are its groups as they are)."""
        first = len(PRIOR_KEYS)
        result: dict[Any, GroupFigures] = {}
        for name, group in self.groups.items():
            sums, returns = group.sums, group.returns
            figures: GroupFigures = {}
            if group.prior:
                prior = tuple(
                    [source_group((prior_at[avd], tuple(c))) for avd, c in group.prior.items()]
                )
                for pos in range(first):
                    figures[keys[pos]] = _figures((sums[pos], prior))
            if len(returns) == 1:  # an avdelning's or verksamhet's groups: one return
                ((at, lists),) = returns
                for pos in range(first, self.size):
                    if lists[pos]:
                        sources = (source_group((at, tuple(lists[pos]))),)
                        figures[keys[pos]] = _figures((sums[pos], sources))
                result[name] = figures
                continue
            for pos in range(first, self.size):
                if unique:
                    sources = tuple(
                        [source_group((at, tuple(c[pos]))) for at, c in returns if c[pos]]
                    )
                else:  # rare: one file's cells in one group
                    sources = join_sources(*(sources_at(at, c[pos]) for at, c in returns))
                if sources:
                    figures[keys[pos]] = _figures((sums[pos], sources))
            result[name] = figures
        return result


# Figures((...)) without the named tuple's Python-level __new__ (~2x faster)
_figures = functools.partial(tuple.__new__, Figures)


def drift_figures(submissions: Sequence[Submission], settings: Settings) -> DriftFigures:
    """Prior-year figures from settings, then budget/plan figures from the returns, in
    that order within every group (the order of each figure's sources)."""
    kinds = settings.kinds
    owner = {v.code: v.avdelning for v in settings.verksamheter}
    prior_file = settings.prior_file.name if settings.prior_file else settings.path.name
    years = {year: year_key(settings, year) for year in settings.years}
    keys = [*PRIOR_KEYS, *years.values()]
    size = len(keys)
    by_avd, by_verks, by_post, brutto = (_Groups(size) for _ in range(4))
    a_get, v_get, p_get, b_get = by_avd.get, by_verks.get, by_post.get, brutto.get
    a_of, v_of, p_of, b_of = by_avd.of, by_verks.of, by_post.of, brutto.of
    last: dict[str, str] = {}
    budget_at = keys.index(year_key(settings, settings.budget_year))
    prior_at: dict[str, SourceFile] = {}  # avdelning -> the prior-year file's lines of it
    for (verks, post), figs in settings.prior.items():
        revenue = kinds.get(post) == "revenue"
        sign = -1 if revenue else 1
        avd = owner.get(verks, "")
        if avd not in prior_at:
            prior_at[avd] = SourceFile(prior_file, "", avd)
        cell = f"rad {figs.line}"
        budget, prognos = sign * figs.budget, sign * figs.prognos
        kind = (avd, revenue)
        # written out for the four groups (a loop over them took a third longer)
        group = a_get(avd) or a_of(avd)
        sums, lines = group.sums, group.prior.get(avd)
        sums[0] += budget
        sums[1] += prognos
        if lines is None:
            group.prior[avd] = [cell]
        else:
            lines.append(cell)
        group = v_get(verks) or v_of(verks)
        sums, lines = group.sums, group.prior.get(avd)
        sums[0] += budget
        sums[1] += prognos
        if lines is None:
            group.prior[avd] = [cell]
        else:
            lines.append(cell)
        group = p_get(post) or p_of(post)
        sums, lines = group.sums, group.prior.get(avd)
        sums[0] += budget
        sums[1] += prognos
        if lines is None:
            group.prior[avd] = [cell]
        else:
            lines.append(cell)
        group = b_get(kind) or b_of(kind)
        sums, lines = group.sums, group.prior.get(avd)
        sums[0] += budget
        sums[1] += prognos
        if lines is None:
            group.prior[avd] = [cell]
        else:
            lines.append(cell)
        last[verks] = avd
    at_year = list(enumerate(years, len(PRIOR_KEYS)))
    a_start, v_start, p_start, b_start = by_avd.start, by_verks.start, by_post.start, brutto.start
    for sub in submissions:
        avd = sub.avdelning
        at = SourceFile(sub.file, DRIFT_SHEET, avd)  # one for all the return's figures
        # this return's groups: their sums and cell lists by name
        verks_of: dict[str, tuple[list[int], list[list[str]]]] = {}
        post_of: dict[str, tuple[list[int], list[list[str]]]] = {}
        kind_of: dict[bool, tuple[list[int], list[list[str]]]] = {}
        a_sums = a_lists = None
        for line in sub.drift:
            amounts, verks, post = line.amounts, line.verksamhet, line.driftpost
            revenue = kinds.get(post) == "revenue"
            sign = -1 if revenue else 1
            cells = None
            for pos, year in at_year:
                amount = amounts.get(year)
                if amount is None:
                    continue
                if cells is None:  # the line's first figure: its groups
                    cells = line.cells
                    if a_sums is None:
                        a_sums, a_lists = a_start(avd, at)
                    v_sums, v_lists = verks_of.get(verks) or verks_of.setdefault(
                        verks, v_start(verks, at)
                    )
                    p_sums, p_lists = post_of.get(post) or post_of.setdefault(
                        post, p_start(post, at)
                    )
                    b_sums, b_lists = kind_of.get(revenue) or kind_of.setdefault(
                        revenue, b_start((avd, revenue), at)
                    )
                    last[verks] = avd
                value = sign * amount
                cell = cells.get(year, "")
                a_sums[pos] += value
                a_lists[pos].append(cell)
                v_sums[pos] += value
                v_lists[pos].append(cell)
                p_sums[pos] += value
                p_lists[pos].append(cell)
                if pos == budget_at:  # the brutto view's column
                    b_sums[pos] += value
                    b_lists[pos].append(cell)
    unique = len({(s.file, s.avdelning) for s in submissions}) == len(submissions)
    return DriftFigures(
        by_avd.figures(keys, prior_at, unique),
        by_verks.figures(keys, prior_at, unique),
        by_post.figures(keys, prior_at, unique),
        brutto.figures(keys, prior_at, unique),
        last,
    )


# --- columns --------------------------------------------------------------------------


def drift_columns(settings: Settings, first: str) -> tuple[list[Column], list[ChangeSpec]]:
    py, by = settings.prior_year, settings.budget_year
    cols = [
        Column("label", first, "text"),
        Column("budget_prior", f"Budget {py}"),
        Column("prognos_prior", f"Prognos {py}"),
        Column(f"budget_{by}", f"Budget {by}"),
        *(Column(f"plan_{y}", f"Plan {y}") for y in settings.plan_years),
        Column("chg_bb_tkr", f"Förändring B{py}–B{by}, tkr"),
        Column("chg_bb_pct", f"Förändring B{py}–B{by}, %", "pct"),
        Column("chg_pb_tkr", f"Förändring P{py}–B{by}, tkr"),
        Column("chg_pb_pct", f"Förändring P{py}–B{by}, %", "pct"),
    ]
    specs = [
        ChangeSpec("chg_bb_tkr", "chg_bb_pct", "budget_prior", f"budget_{by}"),
        ChangeSpec("chg_pb_tkr", "chg_pb_pct", "prognos_prior", f"budget_{by}"),
    ]
    return cols, specs


# --- drift views ------------------------------------------------------------------------


def figures_row(
    label: str,
    figures: GroupFigures,
    keys: Sequence[str],
    has_budget: bool,
    specs: Sequence[ChangeSpec] = (),
) -> Row:
    """A DATA row of a group's figures (`drift_figures`) per column; budget/plan
    columns empty unless `has_budget` or figures were read for them."""
    values: dict[str, int | float | str | None] = {}
    sources: dict[str, Sources] = {}
    for key in keys:
        fig = figures.get(key)
        if fig is not None:
            values[key] = fig.total
            sources[key] = fig.sources
        else:
            values[key] = 0 if key in PRIOR_KEYS or has_budget else None
    row = Row(label, values, RowKind.DATA, sources)
    add_changes(row, specs)
    return row


def _sign_note(settings: Settings) -> str:
    if settings.sign_convention == "costs_negative":
        return "Intäkter visas som positiva belopp och kostnader med minustecken."
    return "Intäkter visas med minustecken och kostnader som positiva belopp."


def drift_by_avdelning(settings: Settings, figures: DriftFigures, included: set[str]) -> Table:
    cols, specs = drift_columns(settings, "Avdelning")
    keys = amount_keys(cols, specs)
    by_avd = figures.by_avdelning
    order = [(a.code, a.name) for a in avdelningar_shown(settings, included)]
    rows = [
        figures_row(name, by_avd.get(code, {}), keys, code in included, specs)
        for code, name in order
    ]
    rows.append(sum_rows(f"Summa {settings.namnd.lower()}", rows, RowKind.TOTAL, keys, specs))
    return Table(
        VIEW_DRIFT_AVDELNING,
        "Driftbudget per avdelning",
        cols,
        rows,
        note(settings, included, settings.source_budget, settings.source_prognos),
        settings.unit,
        numeric_keys(cols),
    )


def drift_by_verksamhet(
    settings: Settings,
    figures: DriftFigures,
    included: set[str],
    reported: Iterable[str] = (),
) -> Table:
    """Per verksamhet; `reported` are the verksamheter the included returns have lines
    for, so a line left empty shows 0 here as its avdelning does in the per-avdelning
    view (and the two views keep one nämnd total)."""
    cols, specs = drift_columns(settings, "Verksamhet")
    keys = amount_keys(cols, specs)
    by_v = figures.by_verksamhet
    known = {v.code for v in settings.verksamheter}
    on_returns_order = dict.fromkeys(reported)  # each once, in order
    on_returns = on_returns_order.keys()
    order = [
        (v.code, v.name, v.avdelning in included or v.code in on_returns)
        for v in settings.verksamheter
    ]
    extra: dict[str, bool] = {}
    if any(code not in known for code in by_v):  # rare
        # in the order of their first figure, by the avdelning of their last
        last = figures.last_avdelning
        extra = {code: last[code] in included for code in by_v if code not in known}
    extra |= {code: True for code in on_returns_order if code not in known}
    order += [(c, c, has) for c, has in extra.items()]
    rows = [figures_row(name, by_v.get(code, {}), keys, has, specs) for code, name, has in order]
    rows.append(sum_rows(f"Summa {settings.namnd.lower()}", rows, RowKind.TOTAL, keys, specs))
    return Table(
        VIEW_DRIFT_VERKSAMHET,
        "Driftbudget per verksamhet",
        cols,
        rows,
        note(settings, included, settings.source_budget, settings.source_prognos),
        settings.unit,
        numeric_keys(cols),
    )


def drift_by_driftpost(settings: Settings, figures: DriftFigures, included: set[str]) -> Table:
    """Per drift line (kontogrupp): revenue lines, costs lines, each with a sum, then net cost."""
    cols, specs = drift_columns(settings, "Kontogrupp")
    keys = amount_keys(cols, specs)
    by_post = figures.by_driftpost
    has = bool(included)

    known = {d.code for d in settings.driftposter}
    # a driftpost settings do not know counts as a cost (as in Submission.net)
    unknown = [(c, c, "cost") for c in by_post if c not in known]

    def rows_of(kind: str) -> list[Row]:
        posts = [(d.code, d.name, d.kind) for d in settings.driftposter] + unknown
        return [
            figures_row(name, by_post.get(code, {}), keys, has, specs)
            for code, name, k in posts
            if k == kind
        ]

    if {a.code for a in settings.avdelningar} - included:
        # Prior figures cover every avdelning, budget figures only those that returned:
        # a change per kontogrupp would compare unlike things, so it is left empty.
        specs = []
    rows = grouped(
        [
            ("", rows_of("revenue"), "Summa intäkter"),
            ("", rows_of("cost"), "Summa kostnader"),
        ],
        "Nettokostnad",
        keys,
        specs,
        headings=False,
    )
    for row in rows:  # keep every column present, empty where not comparable
        for c in cols[1:]:
            row.values.setdefault(c.key, None)
    return Table(
        VIEW_DRIFT_DRIFTPOST,
        "Driftbudget per kontogrupp",
        cols,
        rows,
        note(
            settings,
            included,
            _sign_note(settings) + " Summan är nettokostnaden.",
        ),
        settings.unit,
        numeric_keys(cols),
    )


def brutto_by_avdelning(settings: Settings, figures: DriftFigures, included: set[str]) -> Table:
    """Revenue, cost and net per avdelning for the prior year's budget and the budget year."""
    py, by = settings.prior_year, settings.budget_year
    periods = (("prior", "budget_prior", f"B{py}"), (str(by), f"budget_{by}", f"B{by}"))
    cols = [Column("label", "Avdelning", "text")]
    for suffix, _, name in periods:
        cols += [
            Column(f"revenue_{suffix}", f"Intäkter {name}"),
            Column(f"cost_{suffix}", f"Kostnader {name}"),
            Column(f"net_{suffix}", f"Netto {name}"),
        ]
    keys = amount_keys(cols)
    # the rows' keys made once, not per row (issue 8)
    parts = [
        (key, *(f"{part}_{suffix}" for part in ("revenue", "cost", "net")))
        for suffix, key, _ in periods
    ]
    rows = []
    for a in avdelningar_shown(settings, included):
        values: dict[str, int | float | str | None] = {}
        sources: dict[str, Sources] = {}
        for key, rev_key, cost_key, net_key in parts:
            ok = key in PRIOR_KEYS or a.code in included
            for part_key, revenue in ((rev_key, True), (cost_key, False)):
                fig = figures.brutto.get((a.code, revenue), {}).get(key)
                values[part_key] = (fig.total if fig else 0) if ok else None
                if fig:
                    sources[part_key] = fig.sources
            rev, cost = values[rev_key], values[cost_key]
            values[net_key] = None if rev is None else rev + cost  # type: ignore[operator]
            net_src = join_sources(sources.get(rev_key, ()), sources.get(cost_key, ()))
            if net_src:
                sources[net_key] = net_src
        rows.append(Row(a.name, values, RowKind.DATA, sources))
    rows.append(sum_rows(f"Summa {settings.namnd.lower()}", rows, RowKind.TOTAL, keys))
    return Table(
        VIEW_BRUTTO_AVDELNING,
        "Intäkter, kostnader och netto per avdelning",
        cols,
        rows,
        note(settings, included, _sign_note(settings)),
        settings.unit,
        numeric_keys(cols),
    )


def ram_by_avdelning(settings: Settings, figures: DriftFigures, included: set[str]) -> Table:
    """Net budget against ram per avdelning and year; difference = budget − ram."""
    cols = [Column("label", "Avdelning", "text")]
    for y in settings.years:
        name = f"Budget {y}" if y == settings.budget_year else f"Plan {y}"
        cols += [
            Column(f"budget_{y}", name),
            Column(f"ram_{y}", f"Ram {y}"),
            Column(f"diff_{y}", f"Differens {y}"),
        ]
    keys = amount_keys(cols)
    # the rows' keys made once, not per row (issue 8)
    years = [
        (y, year_key(settings, y), f"budget_{y}", f"ram_{y}", f"diff_{y}") for y in settings.years
    ]
    rows = []
    for a in avdelningar_shown(settings, included):
        values: dict[str, int | float | str | None] = {}
        sources: dict[str, Sources] = {}
        ram_cell = f"rad {a.ram_line}" if a.ram_line else ""
        ram_src = sources_at(SourceFile(settings.path.name, "", a.code), (ram_cell,))
        by_key = figures.by_avdelning.get(a.code, {})
        for y, fig_key, budget_key, ram_key, diff_key in years:
            fig = by_key.get(fig_key)
            budget = (fig.total if fig else 0) if a.code in included else None
            ram = a.ram.get(y)
            values[budget_key] = budget
            values[ram_key] = ram
            values[diff_key] = None if budget is None or ram is None else budget - ram
            # the per-avdelning view's own sources (immutable): the same figures
            sel_src = fig.sources if fig else ()
            if fig:
                sources[budget_key] = sel_src
            sources[ram_key] = ram_src
            if values[diff_key] is not None:
                sources[diff_key] = join_sources(sel_src, ram_src)
        rows.append(Row(a.name, values, RowKind.DATA, sources))
    rows.append(sum_rows(f"Summa {settings.namnd.lower()}", rows, RowKind.TOTAL, keys))
    return Table(
        VIEW_RAM_AVDELNING,
        "Budget mot ram per avdelning",
        cols,
        rows,
        " ".join(
            p
            for p in (
                settings.source_ram,
                "Differens = budget − ram; noll betyder att budgeten är lika med ramen.",
                missing_note(settings, included, RAM_MISSING),
            )
            if p
        ),
        settings.unit,
        numeric_keys(cols),
    )


def capital_budgeted(
    settings: Settings, figures: DriftFigures, included: set[str]
) -> dict[int, int]:
    """The drift budget's capital cost increase over the prior-year budget, per year.

    Drift lines marked `capital = true` carry the capital cost of assets bought in
    earlier years too, which the investment plan cannot know. So the plan's capital
    cost is compared with what the drift budget *adds* over the prior-year budget
    (as the reference nämndplan presents it: the plan's costs come on top of the
    existing ones). Only avdelningar with an approved return are counted.
    """
    posts = {d.code for d in settings.driftposter if d.capital}
    if not posts or not included:
        return {}
    prior = prior_capital(settings, included)
    totals: dict[str, int] = defaultdict(int)
    for post in posts:
        for key, fig in figures.by_driftpost.get(post, {}).items():
            totals[key] += fig.total
    return {
        y: totals[year_key(settings, y)] - prior
        for y in settings.years
        if y in settings.investment_years
    }


# --- the whole consolidation ------------------------------------------------------------


def latest_per_avdelning(submissions: Sequence[Submission]) -> list[Submission]:
    """One return per avdelning (the last given wins), so nothing is counted twice."""
    chosen: dict[str, Submission] = {}
    for sub in submissions:
        chosen[sub.avdelning] = sub
    return list(chosen.values())


def consolidate(submissions: Sequence[Submission], settings: Settings) -> Consolidation:
    """Every view, goal, uppdrag, control, risk and text of the nämndplan (pure)."""
    with gc_paused(keep=True):  # millions of objects that all live on: see gc_pause
        return _consolidate(submissions, settings)


def _consolidate(submissions: Sequence[Submission], settings: Settings) -> Consolidation:
    subs = in_avdelning_order(latest_per_avdelning(submissions), settings)
    included = {s.avdelning for s in subs}
    figures = drift_figures(subs, settings)
    projects = projects_of(subs, settings)

    views: dict[str, Table] = {}
    for table in (
        drift_by_avdelning(settings, figures, included),
        drift_by_verksamhet(
            settings, figures, included, (line.verksamhet for s in subs for line in s.drift)
        ),
        drift_by_driftpost(settings, figures, included),
        brutto_by_avdelning(settings, figures, included),
        ram_by_avdelning(settings, figures, included),
    ):
        views[table.key] = table
    inv = investment_views(settings, projects, included)
    for table in inv:
        views[table.key] = table
    budgeted = capital_budgeted(settings, figures, included)
    cap_table, problems = capital_view(settings, projects, budgeted, included)
    views[cap_table.key] = cap_table
    views[VIEW_RISKER] = risk_view(settings, subs, included)

    goals, goal_problems = merge_goals(subs, settings)
    uppdrag = merge_uppdrag(subs, settings)
    total_row = views[VIEW_DRIFT_AVDELNING].total_row()
    inv_total = views[VIEW_INV_KATEGORI].total_row()
    by = settings.budget_year
    return Consolidation(
        year=by,
        views=views,
        goals=goals,
        uppdrag=uppdrag,
        controls=merge_controls(subs, settings),
        risks=[replace(r, avdelning=r.avdelning or s.avdelning) for s in subs for r in s.risks],
        texts=merge_texts(subs, settings),
        problems=problems + goal_problems,
        net_budget=int((total_row.values.get(f"budget_{by}") or 0) if total_row else 0),
        investment_budget=int((inv_total.values.get(f"inv_{by}") or 0) if inv_total else 0),
        avdelningar_included=[s.avdelning for s in subs],
    )
