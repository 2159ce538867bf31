"""Properties of the depreciation schedule for any spend, life, rate and start rule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetbook.capital import schedule


@settings(max_examples=80, deadline=None)
@given(
    amount=st.integers(1, 500_000),
    life=st.integers(0, 40),
    rate=st.floats(0, 10),
    start=st.sampled_from(["year_after", "same_year"]),
)
def test_schedule_properties(amount, life, rate, start):
    years = range(2020, 2080)
    costs = schedule(amount, 2025, life, rate, years, start)
    first = 2025 if start == "same_year" else 2026
    assert all(costs[y].total == 0 for y in years if y < first)
    if life == 0:  # land: never depreciated, same interest every year
        assert all(c.depreciation == 0 for c in costs.values())
        assert all(
            costs[y].interest == pytest.approx(amount * rate / 100) for y in years if y >= first
        )
        return
    assert sum(c.depreciation for c in costs.values()) == pytest.approx(amount)
    active = [costs[y] for y in years if first <= y < first + life]
    assert all(c.depreciation == pytest.approx(amount / life) for c in active)
    # interest on the opening book value falls every year, and never goes below zero
    interests = [c.interest for c in active]
    assert interests == sorted(interests, reverse=True)
    assert all(i >= 0 for i in interests)
    assert interests[0] == pytest.approx(amount * rate / 100)


@settings(max_examples=300, deadline=None)
@given(
    value=st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(-1e6, 1e6)
    | st.integers(-(10**6), 10**6).map(lambda n: n / 2)
    | st.integers(-(2**60), 2**60).map(float)
)
def test_round_tkr_rounds_as_round_half_up(value):
    # round_tkr has its own float path (issue 8): it must round exactly as fmt does
    from budgetbook.capital import round_tkr
    from budgetbook.fmt import round_half_up

    assert round_tkr(value) == int(round_half_up(value))
    assert type(round_tkr(value)) is int


@settings(max_examples=60, deadline=None)
@given(
    spend=st.dictionaries(
        st.integers(2025, 2032), st.integers(-1_000, 500_000) | st.just(0), max_size=5
    ),
    category=st.sampled_from(["IT", "Mark", "IT-utrustning"]),
    start=st.sampled_from(["year_after", "same_year"]),
)
def test_project_cost_is_the_sum_of_its_spends_schedules(tmp_path_factory, spend, category, start):
    # a project's exact cost per year is its spends' schedules added in year order, and
    # rounded_capital (the Kapitalkostnader view's path) rounds what capital_of holds
    import dataclasses

    from budgetbook.capital import capital_of, round_tkr, rounded_capital
    from budgetbook.model import Project
    from cons_builders import small_settings

    settings = dataclasses.replace(
        small_settings(tmp_path_factory.mktemp("cap")), depreciation_start=start
    )
    years = range(2024, 2060)
    p = Project("P", "Projekt", category, "Ny", None, spend, avdelning="A")
    cat = settings.category(category)
    cap = capital_of(p, cat, settings, years, "A.xlsx")
    for year in years:
        depreciation = interest = 0.0
        for spend_year in sorted(spend):
            if spend[spend_year]:
                cost = schedule(
                    spend[spend_year], spend_year, cat.life, settings.internranta, years, start
                )[year]
                depreciation += cost.depreciation
                interest += cost.interest
        assert cap.years[year] == (depreciation, interest)
        assert cap.rounded(year) == round_tkr(depreciation + interest)
    rounded, sources = rounded_capital(p, cat, settings, years, "A.xlsx")
    assert rounded == [cap.rounded(y) for y in years] and sources == cap.sources
