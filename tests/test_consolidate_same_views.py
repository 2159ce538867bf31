"""The consolidation's views made the cheaper way equal what the earlier way made.

Each test keeps the earlier way (as it was before issue 8's seventh pass) and compares
it with what the code does now on varied inputs.
"""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from budgetbook import capital
from budgetbook import model as m
from budgetbook.consolidate_inv import Proj, _inv_row, _own_row, projects_of
from budgetbook.consolidate_plan import _avd_name, _from_settings, _goal_code, merge_goals, norm
from budgetbook.drift_figures import drift_figures
from budgetbook.fmt import name_list
from budgetbook.rules import DUPLICATE_INDICATOR
from budgetbook.settings import Indicator, PriorFigures
from cons_builders import small_settings

INV_YEARS = (2027, 2028, 2029, 2030)
YEAR_KEYS = [(y, f"inv_{y}") for y in INV_YEARS]


@pytest.fixture(scope="module")
def base_settings(tmp_path_factory):
    return small_settings(tmp_path_factory.mktemp("same"))


def old_inv_row(label: str, items: list[Proj], year_keys: list[tuple[int, str]]) -> m.Row:
    """`_inv_row` as it was: per year from the projects themselves."""
    if len(items) == 1:
        return _own_row(label, items[0], year_keys)
    values: dict = {}
    sources: dict = {}
    total = 0
    all_src = []
    for y, key in year_keys:
        amount = 0
        groups = []
        at = None
        cells: list[str] = []
        for it in items:
            value = it.project.amounts.get(y)
            if value is None:
                continue
            amount += value
            if it.at is not at:
                if cells:
                    groups.append(m.source_group((at, tuple(cells))))
                at, cells = it.at, []
            cells.append(it.sources[y][0].cells[0])
        if cells:
            groups.append(m.source_group((at, tuple(cells))))
        values[key] = amount
        total += amount
        if groups:
            src = tuple(groups)
            if len({group.at for group in src}) < len(src):
                src = m.join_sources(*((group,) for group in src))
            sources[key] = src
            all_src.append(src)
    values["sum"] = total
    if all_src:
        sources["sum"] = m.join_sources(*all_src)
    return m.Row(label, values, m.RowKind.DATA, sources)


@st.composite
def returns_with_projects(draw):
    """Returns (some of one file and avdelning twice) with projects of a few years."""
    subs = []
    for i in range(draw(st.integers(1, 4))):
        avd = draw(st.sampled_from(["A", "B"]))
        file = draw(st.sampled_from([f"{avd}.xlsx", f"{avd}-{i}.xlsx"]))
        projects = []
        for j in range(draw(st.integers(0, 4))):
            amounts = {
                y: draw(st.integers(-5_000, 90_000)) for y in INV_YEARS if draw(st.booleans())
            }
            cells = {str(y): f"{'FGHI'[k]}{7 + j}" for k, y in enumerate(INV_YEARS)}
            projects.append(
                m.Project(f"P{i}{j}", f"P {i}{j}", "IT", "Ny", None, amounts, "", avd, cells)
            )
        subs.append(m.Submission(avd, file, m.Path(file), projects=projects))
    return subs


@hsettings(max_examples=80, deadline=None)
@given(returns_with_projects(), st.randoms(use_true_random=False))
def test_group_rows_from_own_rows_equal_rows_from_the_projects(base_settings, subs, rnd):
    projects = projects_of(subs, base_settings)
    # any selection of them, in their order (a category's) or shuffled (projects apart)
    chosen = [p for p in projects if rnd.random() < 0.7]
    if rnd.random() < 0.3:
        rnd.shuffle(chosen)
    if not chosen:
        return
    own = [_own_row(p.project.name, p, YEAR_KEYS) for p in chosen]
    assert _inv_row("Kategori", own, YEAR_KEYS) == old_inv_row("Kategori", chosen, YEAR_KEYS)


def test_group_rows_add_float_amounts_one_after_the_other(base_settings):
    """A year's amount is the projects' added in order, as before: `sum` adds floats
    with compensation from Python 3.12 on (ten times 0.1 is 1.0 there, not the
    0.9999999999999999 the earlier way and the other views add up to)."""
    cells = {str(y): f"{'FGHI'[k]}7" for k, y in enumerate(INV_YEARS)}
    projects = [
        m.Project(f"P{j}", f"P {j}", "IT", "Ny", None, {2027: 0.1}, "", "A", cells)
        for j in range(10)
    ]
    chosen = projects_of(
        [m.Submission("A", "A.xlsx", m.Path("A.xlsx"), projects=projects)], base_settings
    )
    own = [_own_row(p.project.name, p, YEAR_KEYS) for p in chosen]
    row = _inv_row("Kategori", own, YEAR_KEYS)
    assert row == old_inv_row("Kategori", chosen, YEAR_KEYS)
    assert row.values["inv_2027"] == 0.9999999999999999


def old_round_tkr_of_sums(depreciation: float, interest: float) -> int:
    return capital.round_tkr(depreciation + interest)


@hsettings(max_examples=200, deadline=None)
@given(
    spend=st.dictionaries(
        st.integers(2020, 2034),
        st.integers(-(10**18), 10**18) | st.integers(-1_000, 500_000) | st.just(0),
        max_size=5,
    ),
    category=st.sampled_from(["IT", "Mark", "IT-utrustning"]),
)
def test_capital_costs_round_as_round_tkr_of_the_exact_costs(base_settings, spend, category):
    # the inline rounding (also beyond 2**52, where round_tkr takes the Decimal path)
    years = INV_YEARS
    p = m.Project("P", "Projekt", category, "Ny", None, spend, avdelning="A")
    cat = base_settings.category(category)
    exact = capital.capital_of(p, cat, base_settings, years, "A.xlsx")
    rounded, sources = capital.CapitalCosts(base_settings, years).rounded(p, cat, "A.xlsx", None)
    assert rounded == [old_round_tkr_of_sums(*exact.years[y]) for y in years]
    assert sources == exact.sources


@given(
    st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(-(2.0**53), 2.0**53)
    | st.sampled_from([0.5, -0.5, 2.5, -2.5, 2.0**52 - 0.5, -(2.0**52) + 0.5, 2.0**52, -0.0]),
    st.floats(-1e6, 1e6) | st.just(0.0),
)
def test_inline_rounding_is_round_tkr(value, more):
    # CapitalCosts.rounded rounds each year's cost inline; the same as round_tkr
    assert capital.round_sums([value], [more]) == [capital.round_tkr(value + more)]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_inline_rounding_raises_as_round_tkr_for_nan_and_infinity(value):
    with pytest.raises(ValueError):
        capital.round_tkr(value)
    with pytest.raises(ValueError):
        capital.round_sums([value], [0.0])


def old_norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def test_norm_splits_at_what_the_regex_calls_whitespace():
    for code in range(0x110000):
        char = chr(code)
        assert (re.fullmatch(r"\s", char) is not None) == char.isspace(), hex(code)
        text = f" a{char}{char}B {char}"
        assert norm(text) == old_norm(text), hex(code)


@given(st.text() | st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000aÅßİ"))
def test_norm_equals_the_regex_way(text):
    assert norm(text) == old_norm(text)
    assert norm(None) == old_norm(None) == ""  # type: ignore[arg-type]


@hsettings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1.1", "1.1 Trygghet", "2.1", "9.9"]),
            st.sampled_from(["Ind a", "ind  A", "Ind b", " ", "Ny"]),
            st.sampled_from(["", "A", "B", "C"]),
            st.sampled_from(["", "k1", "k2"]),
        ),
        max_size=25,
    ),
)
def test_goals_merge_as_with_lists(base_settings, rows):
    # avdelningar and comments kept in sets too: the same views and BB409 as with lists;
    # "Ind a" is also an indicator of the settings (no avdelning, no comment of its own)
    goals = [
        dataclasses.replace(g, indicators=[Indicator("Ind a")]) if g.code == "1.1" else g
        for g in base_settings.namnd_goals
    ]
    settings = dataclasses.replace(base_settings, namnd_goals=goals)
    subs = [
        m.Submission(
            avd or "A",
            "x.xlsx",
            m.Path("x.xlsx"),
            goals=[m.GoalRow(goal, ind, comment=comment, avdelning=avd)],
        )
        for goal, ind, avd, comment in rows
    ]
    assert merge_goals(subs, settings) == old_merge_goals(subs, settings)


def old_merge_goals(submissions, settings):
    """merge_goals as it was: membership in the views' lists."""
    per_goal = {g.code: [] for g in settings.namnd_goals}
    index = {}
    for g in settings.namnd_goals:
        for ind in g.indicators:
            view = _from_settings(ind)
            per_goal[g.code].append(view)
            index[(g.code, old_norm(ind.name))] = view
    duplicates = {}
    for sub in submissions:
        for row in sub.goals:
            code = _goal_code(settings, row.goal)
            if code is None or not row.indicator.strip():
                continue
            avd = row.avdelning or sub.avdelning
            key = (code, old_norm(row.indicator))
            existing = index.get(key)
            if existing is None:
                view = m.IndicatorView(
                    row.indicator.strip(), dict(row.values), row.target, row.source, [avd]
                )
                if row.comment:
                    view.comments.append(row.comment)
                per_goal[code].append(view)
                index[key] = view
                continue
            if existing.avdelningar and avd not in existing.avdelningar:
                duplicates[key] = existing
            if avd not in existing.avdelningar:
                existing.avdelningar.append(avd)
            if row.comment and row.comment not in existing.comments:
                existing.comments.append(row.comment)
            for year, value in row.values.items():
                existing.values.setdefault(year, value)
            existing.target = existing.target or row.target
            existing.source = existing.source or row.source
    problems = [
        DUPLICATE_INDICATOR(
            indikator=view.name,
            mal=code,
            avdelningar=name_list([_avd_name(settings, a) for a in view.avdelningar]),
        )
        for (code, _), view in duplicates.items()
    ]
    goals = [
        m.KfGoalView(
            kf.code,
            kf.title,
            kf.text,
            [_from_settings(i) for i in kf.indicators],
            [
                m.NamndGoalView(g.code, g.title, g.text, per_goal[g.code])
                for g in settings.namnd_goals
                if g.kf_goal == kf.code
            ],
        )
        for kf in settings.kf_goals
    ]
    return goals, problems


# --- drift figures: what they are, defined figure by figure ------------------------------


def defined_drift_figures(subs: list[m.Submission], settings) -> list:
    """Every group's figures from its figures one at a time: the sum of their signed
    amounts and their sources grouped per file in the order read (`model.group_sources`);
    a return's line joins its groups (the brutto one too) at its first figure."""
    from budgetbook.drift_figures import PRIOR_KEYS
    from budgetbook.schema import DRIFT_SHEET, year_key

    kinds = settings.kinds
    owner = {v.code: v.avdelning for v in settings.verksamheter}
    prior_file = settings.prior_file.name if settings.prior_file else settings.path.name
    keys = [*PRIOR_KEYS, *(year_key(settings, y) for y in settings.years)]
    budget_key = year_key(settings, settings.budget_year)
    groups: list[dict] = [{}, {}, {}, {}]  # avdelning, verksamhet, kontogrupp, brutto
    last: dict[str, str] = {}

    def add(kind: int, name, key: str, value: int, source: m.Source) -> None:
        total, sources = groups[kind][name].get(key, (0, []))
        groups[kind][name][key] = (total + value, [*sources, source])

    for (verks, post), figs in settings.prior.items():
        avd = owner.get(verks, "")
        revenue = kinds.get(post) == "revenue"
        sign = -1 if revenue else 1
        last[verks] = avd
        source = m.Source(prior_file, "", f"rad {figs.line}", avd)
        for kind, name in enumerate((avd, verks, post, (avd, revenue))):
            groups[kind].setdefault(name, {})
            add(kind, name, "budget_prior", sign * figs.budget, source)
            add(kind, name, "prognos_prior", sign * figs.prognos, source)
    for sub in subs:
        avd = sub.avdelning
        for line in sub.drift:
            revenue = kinds.get(line.driftpost) == "revenue"
            sign = -1 if revenue else 1
            names = (avd, line.verksamhet, line.driftpost, (avd, revenue))
            for year in settings.years:
                amount = line.amounts.get(year)
                if amount is None:
                    continue
                last[line.verksamhet] = avd
                key = year_key(settings, year)
                source = m.Source(sub.file, DRIFT_SHEET, line.cells.get(year, ""), avd)
                for kind, name in enumerate(names):
                    groups[kind].setdefault(name, {})
                    if kind < 3 or key == budget_key:
                        add(kind, name, key, sign * amount, source)
    return [
        [
            (name, [(k, (g[k][0], m.group_sources(g[k][1]))) for k in keys if k in g])
            for name, g in by_name.items()
        ]
        for by_name in groups
    ] + [last]


def as_lists(figures) -> list:
    """DriftFigures with every dict as a list of its items (so the order is compared)."""
    return [[(name, list(g.items())) for name, g in by_name.items()] for by_name in figures[:4]] + [
        figures.last_avdelning
    ]


DRIFT_VERKS = {"A": ("A1", "A2", "Z1"), "B": ("B1", "A1"), "X": ("X1",)}


@st.composite
def drift_rounds(draw):
    """Prior lines in any order (a verksamhet's lines apart, one settings do not know)
    and returns (sometimes one file and avdelning twice, lines of a verksamhet apart,
    years missing)."""
    posts = ("intakter", "personal", "kapital", "okand")
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(["A1", "A2", "B1", "Z1"]), st.sampled_from(posts)),
            unique=True,
            max_size=10,
        )
    )
    amount = st.integers(-50_000, 50_000)
    prior = {
        pair: PriorFigures(draw(amount), draw(amount), line)
        for line, pair in enumerate(pairs, start=2)
    }
    subs = []
    for i in range(draw(st.integers(0, 4))):
        avd = draw(st.sampled_from(sorted(DRIFT_VERKS)))
        file = draw(st.sampled_from([f"{avd}.xlsx", f"{avd}{i}.xlsx"]))
        lines = []
        for row in range(draw(st.integers(0, 6))):
            verks = draw(st.sampled_from(DRIFT_VERKS[avd]))
            years = [y for y in (2027, 2028, 2029) if draw(st.integers(0, 4))]
            lines.append(
                m.DriftLine(
                    verks,
                    draw(st.sampled_from(posts)),
                    {y: draw(amount) for y in years},
                    cells={y: f"{'FGH'[y - 2027]}{7 + row}" for y in years},
                )
            )
        subs.append(m.Submission(avd, file, m.Path(file), drift=lines))
    return subs, prior


@hsettings(max_examples=150, deadline=None)
@given(drift_rounds())
def test_drift_figures_are_what_their_figures_add_up_to(base_settings, data):
    subs, prior = data
    settings = dataclasses.replace(base_settings, prior=prior)
    assert as_lists(drift_figures(subs, settings)) == defined_drift_figures(subs, settings)
