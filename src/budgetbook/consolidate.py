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

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from .capital import capital_posts, compared_years
from .consolidate_inv import (
    capital_view,
    investment_views,
    prior_capital,
    projects_of,
    risk_list,
    risk_view,
)
from .consolidate_plan import merge_controls, merge_goals, merge_texts, merge_uppdrag
from .drift_figures import PRIOR_KEYS, DriftFigures, GroupFigures, drift_figures
from .gc_pause import gc_paused
from .model import (
    NOTE_CONTROLS,
    NOTE_GOALS,
    NOTE_UPPDRAG,
    VIEW_BRUTTO_AVDELNING,
    VIEW_DRIFT_AVDELNING,
    VIEW_DRIFT_DRIFTPOST,
    VIEW_DRIFT_VERKSAMHET,
    VIEW_INV_KATEGORI,
    VIEW_KAPITALKOSTNADER,
    VIEW_RAM_AVDELNING,
    VIEW_RISKER,
    VIEW_RISKLISTA,
    Column,
    Consolidation,
    Row,
    RowKind,
    SourceFile,
    Sources,
    Submission,
    Table,
    join_sources,
    sources_at,
)
from .schema import year_key
from .settings import Settings
from .tablebuild import (
    AMOUNTS_MISSING,
    AMOUNTS_NO_CHANGE,
    CONTROLS_MISSING,
    INCLUDED_TOTAL,
    INDICATORS_MISSING,
    KONTOGRUPP_MISSING,
    RAM_MISSING,
    RAM_NONE,
    UPPDRAG_MISSING,
    ChangeSpec,
    add_changes,
    amount_keys,
    avdelningar_shown,
    closing_totals,
    grouped,
    in_avdelning_order,
    included_total,
    missing_names,
    missing_note,
    namnd_total,
    note,
    numeric_keys,
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


def _decisions(settings: Settings, prognos: bool = True) -> tuple[str, ...]:
    """The settings' sentences naming the decisions a drift view's prior-year figures
    come from ("Budget 2026 avser … beslutad budget i KF …", "Prognos 2026 avser …"),
    first in the note under every drift table (domain: under every budget table);
    `prognos` False for a table without the prognos."""
    return (
        (settings.source_budget, settings.source_prognos) if prognos else (settings.source_budget,)
    )


def _sign_note(settings: Settings) -> str:
    if settings.sign_convention == "costs_negative":
        return "Intäkter visas som positiva belopp och kostnader med minustecken."
    return "Intäkter visas med minustecken och kostnader som positiva belopp."


def _amounts_missing(included: set[str]) -> str:
    """The missing avdelningar's consequence in a drift view's note: the two closing
    totals (`closing_totals`), or with no return in at all the one."""
    return AMOUNTS_MISSING if included else AMOUNTS_NO_CHANGE


def drift_by_avdelning(settings: Settings, figures: DriftFigures, included: set[str]) -> Table:
    cols, specs = drift_columns(settings, "Avdelning")
    keys = amount_keys(cols, specs)
    by_avd = figures.by_avdelning
    order = [(a.code, a.name) for a in avdelningar_shown(settings, included)]
    rows = [
        figures_row(name, by_avd.get(code, {}), keys, code in included, specs)
        for code, name in order
    ]
    accepted = [code in included for code, _ in order]
    rows += closing_totals(namnd_total(settings), rows, accepted, keys, PRIOR_KEYS, specs)
    return Table(
        VIEW_DRIFT_AVDELNING,
        "Driftbudget per avdelning",
        cols,
        rows,
        note(settings, included, *_decisions(settings), consequence=_amounts_missing(included)),
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
    accepted = [has for _, _, has in order]
    if not missing_names(settings, included):
        accepted = [True] * len(order)  # every return in: one total, as always
    rows += closing_totals(namnd_total(settings), rows, accepted, keys, PRIOR_KEYS, specs)
    return Table(
        VIEW_DRIFT_VERKSAMHET,
        "Driftbudget per verksamhet",
        cols,
        rows,
        note(settings, included, *_decisions(settings), consequence=_amounts_missing(included)),
        settings.unit,
        numeric_keys(cols),
    )


def drift_by_driftpost(settings: Settings, figures: DriftFigures, included: set[str]) -> Table:
    """Per drift line (kontogrupp): revenue lines, costs lines, each with a sum, then net cost.

    "Summa intäkter" stays under a single revenue line, though it repeats it (review
    asked; the project tables leave such a sum out): this table has no heading rows,
    so the sum is what closes the revenue group. Without it the rows above "Summa
    kostnader" since the last sum would take in the revenue line, and a reader adding
    them up would not get the figure shown (the project tables' groups each stand
    under a heading of their own, which this one's do not)."""
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
            *_decisions(settings),
            _sign_note(settings) + " Summan är nettokostnaden.",
            consequence=KONTOGRUPP_MISSING,
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
    shown = avdelningar_shown(settings, included)
    for a in shown:
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
    accepted = [a.code in included for a in shown]
    known = [f"{part}_prior" for part in ("revenue", "cost", "net")]
    rows += closing_totals(namnd_total(settings), rows, accepted, keys, known)
    return Table(
        VIEW_BRUTTO_AVDELNING,
        "Intäkter, kostnader och netto per avdelning",
        cols,
        rows,
        # no plan years, no prognos and no change column here
        note(
            settings,
            included,
            *_decisions(settings, prognos=False),
            _sign_note(settings),
            consequence=(
                f". Deras belopp för {settings.budget_year} är tomma och ingår inte i summorna."
                if not included
                else f". Deras belopp för {settings.budget_year} är tomma. Raden ”{INCLUDED_TOTAL}” "
                "summerar båda åren för övriga avdelningar. Nämndens summarad visar bara "
                f"{settings.prior_year}, som finns för alla."
            ),
        ),
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
    shown = avdelningar_shown(settings, included)
    for a in shown:
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
    accepted = [a.code in included for a in shown]
    known = [ram_key for _, _, _, ram_key, _ in years]
    # mid-round the nämnd's row has its ram only: a difference of the whole ram against
    # some avdelningar's budget would read as "within the ram" when that is not known
    rows += closing_totals(namnd_total(settings), rows, accepted, keys, known)
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
                missing_note(settings, included, RAM_MISSING if included else RAM_NONE),
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
    existing ones). Only avdelningar with an approved return are counted. Each return's
    check (BB408, `capital.return_capital`) measures the same per avdelning.
    """
    posts = capital_posts(settings)
    if not posts or not included:
        return {}
    prior = prior_capital(settings, included)
    totals: dict[str, int] = defaultdict(int)
    for post in posts:
        for key, fig in figures.by_driftpost.get(post, {}).items():
            totals[key] += fig.total
    return {y: totals[year_key(settings, y)] - prior for y in compared_years(settings)}


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
    views[VIEW_KAPITALKOSTNADER] = capital_view(settings, projects, budgeted, included)
    views[VIEW_RISKER] = risk_view(settings, subs, included)
    views[VIEW_RISKLISTA] = risk_list(settings, subs, included)

    goals, goal_problems = merge_goals(subs, settings)
    uppdrag = merge_uppdrag(subs, settings)
    # mid-round the total over the avdelningar with a return (the nämnd's is not known)
    total_row = included_total(views[VIEW_DRIFT_AVDELNING])
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
        problems=goal_problems,
        net_budget=int((total_row.values.get(f"budget_{by}") or 0) if total_row else 0),
        investment_budget=int((inv_total.values.get(f"inv_{by}") or 0) if inv_total else 0),
        avdelningar_included=[s.avdelning for s in subs],
        notes={
            NOTE_GOALS: missing_note(settings, included, INDICATORS_MISSING),
            NOTE_UPPDRAG: missing_note(settings, included, UPPDRAG_MISSING),
            NOTE_CONTROLS: missing_note(settings, included, CONTROLS_MISSING),
        },
    )
