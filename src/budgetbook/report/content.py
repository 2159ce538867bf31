"""What the nämndplan says beyond the consolidated views: tables built from goals,
uppdrag and the internal control plan, the key-figure sentences, and chart data.

Everything here is computed from the same Consolidation the tables render, so a
figure in a sentence or chart always equals the figure in its table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .. import fmt
from ..model import (
    NOTE_CONTROLS,
    NOTE_UPPDRAG,
    VIEW_DRIFT_AVDELNING,
    VIEW_INV_NYA,
    VIEW_INV_PAGAENDE,
    Column,
    Consolidation,
    IndicatorView,
    KfGoalView,
    Row,
    RowKind,
    Table,
)
from ..settings import Settings
from ..tablebuild import (
    AMOUNTS_MISSING,
    AMOUNTS_NO_CHANGE,
    KONTOGRUPP_MISSING,
    grouped,
    included_total,
    missing_names,
    missing_note,
    singular,
)

STANDARD_DRIFT = (
    "label",
    "budget_prior",
    "prognos_prior",
    "{budget}",
    "chg_bb_tkr",
    "chg_bb_pct",
    "chg_pb_tkr",
    "chg_pb_pct",
)
MAX_COLUMNS = 8


def split_plan_years(
    table: Table, year: int, prior_sources: tuple[str, ...] = ()
) -> tuple[Table, Table | None]:
    """A drift table with plan years as two tables: the standard one and the plan.

    The standard nämndplan budget table has label, prior budget and prognos, the budget
    year and the four change columns; plan years go in a table of their own when the
    view has them and everything would not fit in one readable table. The plan table
    has neither of the prior year's columns, so its note leaves out `prior_sources`
    (the sentences of the view's note saying which decisions those come from).
    """
    plan_keys = [c.key for c in table.columns if c.key.startswith("plan_")]
    if not plan_keys or len(table.columns) <= MAX_COLUMNS:
        return table, None
    budget_key = f"budget_{year}"
    main_cols = [c for c in table.columns if c.key not in plan_keys]
    label = table.columns[0]
    plan_cols = [label, *(c for c in table.columns if c.key == budget_key)]
    plan_cols += [c for c in table.columns if c.key in plan_keys]
    plan_years = [k.removeprefix("plan_") for k in plan_keys]
    plan_caption = f"{table.caption}, budget {year} och plan {plan_years[0]}–{plan_years[-1]}"
    if len(plan_years) == 1:
        plan_caption = f"{table.caption}, budget {year} och plan {plan_years[0]}"
    keep = {c.key for c in plan_cols}
    main = replace(table, columns=main_cols)
    rows = table.rows
    if included_total(table) is not table.total_row():
        # mid-round the nämnd's total has no budget or plan year, this table's only
        # columns: a row of empty cells; the total over the returns closes the table
        rows = rows[:-1]
    plan = replace(
        table,
        key=f"{table.key}_plan",
        caption=plan_caption,
        columns=plan_cols,
        rows=rows,
        signed_columns=frozenset(k for k in table.signed_columns if k in keep),
        # the plan table has no change column: its note says nothing of one
        note=_without_change_note(_without(table.note, prior_sources)),
    )
    return main, plan


def _without_change_note(note: str) -> str:
    """A drift view's note for its plan-year table, which has no change column."""
    for form in (str, singular):
        for said in (AMOUNTS_MISSING, KONTOGRUPP_MISSING):
            note = note.replace(form(said), form(AMOUNTS_NO_CHANGE))
    return note


def _without(note: str, sentences: tuple[str, ...]) -> str:
    """`note` with each of `sentences` (parts it was joined from) taken out."""
    for sentence in sentences:
        if sentence and sentence in note:
            note = note.replace(sentence, "").replace("  ", " ").strip()
    return note


def _indicator_years(indicators: list[IndicatorView]) -> list[int]:
    return sorted({y for ind in indicators for y in ind.values})


def _indicator_columns(years: list[int], year: int) -> list[Column]:
    """An indicator table's columns: the past years' values, then the target for the
    budget `year` ("Målvärde 2027", as the Mål och indikatorer sheet asks for it: a bare
    "Målvärde" beside "2025" and "2026" named no year)."""
    return [
        Column("label", "Indikator", "text"),
        *(Column(str(y), str(y), "value") for y in years),
        Column("target", f"Målvärde {year}", "value"),
        Column("source", "Källa", "text"),
    ]


def indicator_table(
    title: str, indicators: list[IndicatorView], key: str, year: int, note: str = ""
) -> Table:
    """Indicators with their past values, target for the budget `year` and source
    (values as reported); `note` under them (a nämndmål's: `Consolidation.notes`)."""
    years = _indicator_years(indicators)
    columns = _indicator_columns(years, year)
    rows = []
    for ind in indicators:
        values: dict[str, int | float | str | None] = {str(y): ind.values.get(y, "") for y in years}
        values.update(label=ind.name, target=ind.target, source=ind.source)
        rows.append(Row(ind.name, values))
    return Table(key, title, columns, rows, note, unit="")


# Said for a nämndmål no return reports an indicator for (settings' empty_sections
# "mark"): under its text in Målstyrning, and as its row in the Bilaga's list.
NO_INDICATORS = "Inga indikatorer har redovisats för nämndmålet."


def indicator_list(
    goals: list[KfGoalView], year: int, note: str = "", mark_empty: bool = False
) -> Table:
    """The appendix: every KF and nämnd indicator, grouped by goal, its target for the
    budget `year`; `note` under it. With `mark_empty` a nämndmål without indicators is
    listed with NO_INDICATORS."""
    all_inds = [
        i for g in goals for i in (*g.indicators, *(i for n in g.namnd_goals for i in n.indicators))
    ]
    years = _indicator_years(all_inds)
    columns = _indicator_columns(years, year)
    rows: list[Row] = []

    def add(ind: IndicatorView) -> None:
        values: dict[str, int | float | str | None] = {str(y): ind.values.get(y, "") for y in years}
        values.update(label=ind.name, target=ind.target, source=ind.source)
        rows.append(Row(ind.name, values))

    for goal in goals:
        if goal.indicators:
            rows.append(Row(f"Mål {goal.code}. {goal.title}", {}, RowKind.HEADING))
            for ind in goal.indicators:
                add(ind)
        for ng in goal.namnd_goals:
            if ng.indicators or mark_empty:
                rows.append(Row(f"Nämndmål {ng.code} {ng.title}", {}, RowKind.HEADING))
            for ind in ng.indicators:
                add(ind)
            if not ng.indicators and mark_empty:
                rows.append(Row(NO_INDICATORS, {"label": NO_INDICATORS}))
    return Table(
        "indikatorer", _INDICATOR_TITLES[indicator_kinds(goals)], columns, rows, note, unit=""
    )


# The appendix's caption by (KF indicators, nämnd indicators): a nämnd whose KF goals
# have none was told "Kommunfullmäktiges indikatorer och …" above a list of its own.
_INDICATOR_TITLES = {
    (True, True): "Kommunfullmäktiges indikatorer och nämndens indikatorer",
    (True, False): "Kommunfullmäktiges indikatorer",
    (False, True): "Nämndens indikatorer",
    (False, False): "Indikatorer",
}


def indicator_kinds(goals: list[KfGoalView]) -> tuple[bool, bool]:
    """Whether any KF goal, and any nämndmål, has an indicator."""
    kf = any(g.indicators for g in goals)
    return kf, any(n.indicators for g in goals for n in g.namnd_goals)


def uppdrag_table(cons: Consolidation, settings: Settings) -> Table:
    columns = [Column("label", "Uppdrag", "text"), Column("start", "Start", "int")]
    show_status = any(u.status for u in cons.uppdrag)
    if show_status:
        columns.append(Column("status", "Status", "text"))
    columns.append(Column("avdelning", "Ansvarig", "text"))
    rows = []
    # each avdelning's name looked up once: thousands of uppdrag name a few hundred (issue 8)
    names: dict[str, str] = {}
    for u in cons.uppdrag:
        name = names.get(u.avdelning)
        if name is None:
            # an uppdrag several avdelningar report on is held as "FSK, SÄR": each
            # code named (the row showed codes where every other row shows names)
            shown = []
            for code in u.avdelning.split(", "):
                avd = settings.avdelning(code)
                shown.append(avd.name if avd else code)
            name = names[u.avdelning] = ", ".join(shown)
        values: dict[str, int | float | str | None] = {
            "label": u.text,
            "start": u.start,
            "status": u.status,
            "avdelning": name,
        }
        rows.append(Row(u.text, values))
    note = cons.notes.get(NOTE_UPPDRAG, "")
    return Table("uppdrag", "Uppdrag", columns, rows, note, unit="")


def risk_list_table(view: Table) -> Table:
    """The list of each risk (`consolidate_inv.risk_list`) as the draft shows it: under
    a heading row per avdelning (as the list is ordered) instead of an Avdelning column,
    so the comment has room and ~500 risks of a large nämnd still read by avdelning.
    The same rows, values and total; only the avdelning moved into the headings."""
    columns = [c for c in view.columns if c.key != "avdelning"]
    rows: list[Row] = []
    last = None
    for row in view.rows:
        avdelning = row.values.get("avdelning")
        if row.kind is RowKind.DATA and avdelning != last:
            rows.append(Row(str(avdelning), {}, RowKind.HEADING))
            last = avdelning
        rows.append(row)
    caption = f"{view.caption} per avdelning"
    return replace(view, caption=caption, columns=columns, rows=rows)


CAPITAL_CAPTION = "Kapitalkostnader per avdelning och projekt"  # `by_avdelning`'s caption


# Said under a grouped project table where some avdelningar have a subtotal and some
# not, so a reader adding up the total knows what to add (`by_avdelning`).
LONE_PROJECT_NOTE = "En avdelning med bara ett projekt har ingen egen summarad."


def by_avdelning(view: Table, order: Sequence[str], caption: str = "") -> Table:
    """A project view (`consolidate_inv`: the investment plan's projects, their capital
    costs) as the draft shows it: each avdelning's projects under a heading row with its
    name and a subtotal "Summa <avdelning>", in the settings' avdelning `order` (names;
    one settings do not know after them), the view's total last. The Avdelning column
    goes into the headings: on a portrait page beside the project's name and four
    years it left the name a few characters wide. A large nämnd's avdelningar often
    have projects of the same name, which only the avdelning tells apart.

    A subtotal that would repeat the figures next to it is left out, as a finance
    officer sets such a table by hand: an avdelning with one project has none (three
    rows for one figure), nor has the only avdelning with projects (its sum stood right
    above an identical total). The note then says why some avdelningar have no
    "Summa" row when others have. A nämnd of one avdelning gets no grouping at all, and
    the view's own `caption` (`caption` names the avdelning grouping).

    The same data rows, in the view's order within an avdelning (pågående before nya in
    the capital costs); the total, the sum of every project (of the subtotals and the
    projects without one), equals the view's and has its label. A view's own subtotals
    (pågående and nya) are left out: a heading nested in a heading reads as one list,
    and the avdelning's sum is what its drift budget carries."""
    columns = [c for c in view.columns if c.key != "avdelning"]
    groups: dict[str, list[Row]] = {name: [] for name in order}
    for row in view.rows:
        if row.kind is RowKind.DATA:
            groups.setdefault(str(row.values["avdelning"]), []).append(row)
    total = _total_row(view)
    keys = [c.key for c in columns if c.kind == "tkr"]
    sizes = [len(parts) for parts in groups.values() if parts]
    headings = len(groups) > 1  # one avdelning: its name says nothing a heading adds
    rows = grouped(
        [(name, parts, f"Summa {fmt.in_sentence(name)}") for name, parts in groups.items()],
        total.label if total else "Summa",
        keys,
        headings=headings,
        lone_subtotals=False,
    )
    note = view.note
    if len(sizes) > 1 and min(sizes) == 1 < max(sizes):  # some groups summed, some not
        sep = " " if note.endswith(".") else ". " if note else ""
        note = f"{note}{sep}{LONE_PROJECT_NOTE}"
    caption = (caption or view.caption) if headings else view.caption
    return replace(view, caption=caption, columns=columns, rows=rows, note=note)


def controls_table(cons: Consolidation, settings: Settings) -> Table:
    columns = [
        Column("label", "Riskområde", "text"),
        Column("risk", "Risk", "text"),
        Column("riskvarde", "Riskvärde", "int"),
        Column("kontrollmetod", "Kontrollmetod", "text"),
        Column("tidpunkt", "Rapporteras", "text"),
    ]
    rows = []
    for c in cons.controls:
        # a point several avdelningar share names them all ("FMO, PERS" from
        # merge_controls); looked up as one code it named none (review)
        names = [a.name for code in c.avdelning.split(", ") if (a := settings.avdelning(code))]
        area = f"{c.riskomrade}\n({fmt.name_list(names)})" if names else c.riskomrade
        values: dict[str, int | float | str | None] = {
            "label": area,
            "risk": c.risk,
            "riskvarde": c.riskvarde,
            "kontrollmetod": c.kontrollmetod,
            "tidpunkt": c.tidpunkt,
        }
        rows.append(Row(c.riskomrade, values))
    note = cons.notes.get(NOTE_CONTROLS, "")
    return Table("internkontroll", "Internkontrollplan", columns, rows, note, unit="")


# -- key figures ------------------------------------------------------------------------


def _total_row(table: Table) -> Row | None:
    """`table.total_row()`, found from the end where a total row stands: the key
    figures ask for it ~40 times, each a scan of a table of up to ~12 000 projects at
    N = 1 000 (issue 8)."""
    return next((r for r in reversed(table.rows) if r.kind is RowKind.TOTAL), None)


def _total(table: Table | None, key: str) -> float | None:
    if table is None:
        return None
    total = _total_row(table)
    if total is not None:
        value = total.values.get(key)
        return value if isinstance(value, int | float) else None
    values = [r.values.get(key) for r in table.data_rows()]
    numbers = [v for v in values if isinstance(v, int | float)]
    return sum(numbers) if numbers else None


def _more_or_less(diff: float) -> str:
    return "mer" if diff > 0 else "mindre"


def _comparison_sentence(cons: Consolidation, settings: Settings, prior: int) -> str:
    """The change against the prior-year budget, from the drift table's total row.

    The total row's change counts only avdelningar with a budget (see `tablebuild`), so
    the sentence says the same as the table and compares like with like; when
    avdelningar are missing the sentence says so and names them.
    """
    drift = cons.views.get(VIEW_DRIFT_AVDELNING)
    # mid-round the total over the avdelningar with a return: the nämnd's has no change
    total = included_total(drift) if drift else None
    values = total.values if total else {}
    diff, pct = values.get("chg_bb_tkr"), values.get("chg_bb_pct")
    included = set(cons.avdelningar_included)
    missing = missing_names(settings, included)
    if not isinstance(diff, int | float) or not isinstance(pct, int | float):
        # nothing comparable (no prior-year budget for the avdelningar with a budget)
        return missing_note(settings, included, ".") if included else ""
    same = " för samma avdelningar" if missing else ""
    if diff:
        # "0,0 miljoner kronor mindre" reads as no change that is still smaller
        size = _size(abs(diff))
        text = f"Det är {size} {_more_or_less(diff)} än budgeten för {prior}{same}"
        # a size, as the amount is: the word says the direction. A signed share follows
        # one convention: under costs_negative "mindre … (−1 %)" stood beside the drift
        # table's "1 %" for the same change
        share = fmt.pct(abs(pct))
        if share != fmt.pct(0):
            # "25 tkr mindre (0 %)" reads as a contradiction; the table shows the 0 %
            text += f" ({share})"
    else:
        text = f"Det är lika mycket som budgeten för {prior}{same}"
    if missing:
        text += f"; {fmt.in_sentence(missing_note(settings, included, ', som inte ingår'))}"
    return text + "."


def section_key_figure(cons: Consolidation, settings: Settings, index: int) -> str:
    """Key figure sentence `index` (0: drift, -1: investments) opening its own section,
    followed by the avdelningar it leaves out: there it stands without the summary's
    comparison sentence, which names them."""
    sentence = key_figure_sentences(cons, settings)[index]
    included = set(cons.avdelningar_included)
    missing = missing_note(settings, included, ", som inte ingår.")
    return f"{sentence} {missing}" if missing and included else sentence


def key_figure_sentences(cons: Consolidation, settings: Settings) -> list[str]:
    """The summary's generated sentences: drift and investment budget of the year."""
    year, prior = cons.year, cons.year - 1
    who = settings.namnd_genitive
    drift, investment = f"{who} driftbudget för {year}", f"{who} investeringsbudget för {year}"
    ram = 0
    partial = bool(
        cons.avdelningar_included and missing_names(settings, set(cons.avdelningar_included))
    )
    if partial:
        # not "Kommunstyrelsens driftbudget är 320,9 miljoner kronor": quoted alone, that
        # reads as the nämnd's budget while its ram is 339,5 (review)
        drift = f"Driftbudgeten för {year} för de avdelningar som har lämnat in"
        investment = f"Investeringsbudgeten för {year} för de avdelningar som har lämnat in"
        ram = sum(a.ram.get(year, 0) for a in settings.avdelningar)
    of_ram = f" av {fmt.in_sentence(who)} ram på {fmt.mnkr(ram)} miljoner kronor" if ram else ""
    sentences = [f"{drift} är {fmt.mnkr(cons.net_budget)} miljoner kronor{of_ram}."]
    comparison = _comparison_sentence(cons, settings, prior)
    if comparison:
        sentences.append(comparison)
    years = list(settings.investment_years)
    period = sum(investment_per_year(cons, years).values())
    whole = f"för hela perioden {years[0]}–{years[-1]}" if len(years) > 1 else ""
    if not cons.investment_budget:
        # not "Socialnämndens investeringsbudget för 2027 är 0,0 miljoner kronor"
        who_none = "De avdelningar som har lämnat in" if partial else settings.namnd
        sentence = f"{who_none} har inga investeringar budgeterade för {year}"
        if period and whole:
            sentence += f", men {_size(period)} {whole}"
        sentences.append(sentence + ".")
        return sentences
    sentence = f"{investment} är {_size(cons.investment_budget)}"
    if period and whole:
        sentence += f" och {_size(period)} {whole}"
    sentences.append(sentence + ".")
    return sentences


def _size(tkr: float) -> str:
    """An amount for running text: in miljoner kronor, or in tkr where that would read
    "0,0 miljoner kronor" (a 40 tkr investment budget is not nothing)."""
    size = f"{fmt.mnkr(tkr)} miljoner kronor"
    return f"{fmt.tkr(tkr)} tkr" if size.startswith("0,0 ") else size


def goal_sentence(cons: Consolidation, settings: Settings) -> str:
    namnd_goals = sum(len(g.namnd_goals) for g in cons.goals)
    served = sum(1 for g in cons.goals if g.namnd_goals)
    if not namnd_goals:
        return ""
    return (
        f"{settings.namnd} har {fmt.count(namnd_goals)} nämndmål som ska bidra till "
        f"måluppfyllelse för {fmt.count(served)} av kommunfullmäktiges mål."
    )


def investment_per_year(cons: Consolidation, years: list[int]) -> dict[int, float]:
    """Sum of ongoing and new projects per investment year (from the tables' totals)."""
    result = {}
    for y in years:
        parts = [_total(cons.views.get(v), f"inv_{y}") for v in (VIEW_INV_PAGAENDE, VIEW_INV_NYA)]
        result[y] = sum(p for p in parts if p is not None)
    return result


def investment_series(cons: Consolidation, years: list[int]) -> list[tuple[str, list[float]]]:
    series = []
    for view, name in ((VIEW_INV_PAGAENDE, "Pågående projekt"), (VIEW_INV_NYA, "Nya projekt")):
        table = cons.views.get(view)
        if table is None:
            continue
        series.append((name, [_total(table, f"inv_{y}") or 0 for y in years]))
    return series
