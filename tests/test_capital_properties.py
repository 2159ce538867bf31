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
