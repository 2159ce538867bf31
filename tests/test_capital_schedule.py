"""Kapitalkostnader reproduce hand computations."""

from __future__ import annotations

import pytest

from budgetbook.capital import project_capital, round_tkr, schedule
from budgetbook.model import each_source
from cons_builders import project, small_settings

YEARS = range(2027, 2034)


def test_it_25000_over_3_years_gives_8333_a_year():
    costs = schedule(25000, 2027, 3, 0.0, YEARS)
    assert [round_tkr(costs[y].depreciation) for y in YEARS] == [0, 8333, 8333, 8333, 0, 0, 0]
    assert sum(c.depreciation for c in costs.values()) == pytest.approx(25000)


def test_land_20000_at_194_gives_388_interest_a_year_and_no_depreciation():
    costs = schedule(20000, 2027, 0, 1.94, YEARS)
    assert costs[2027].total == 0  # bought during 2027: interest from the year after
    for y in range(2028, 2034):
        assert costs[y].depreciation == 0
        assert round_tkr(costs[y].interest) == 388


def test_interest_on_opening_book_value():
    # 30 000 of equipment (5 years) at 2.5 %, spent 2027: 6000 a year from 2028;
    # interest 2.5 % of 30 000, 24 000, 18 000, 12 000, 6 000.
    costs = schedule(30000, 2027, 5, 2.5, range(2027, 2034))
    assert [round_tkr(costs[y].interest) for y in range(2027, 2034)] == [
        0,
        750,
        600,
        450,
        300,
        150,
        0,
    ]
    assert [round_tkr(costs[y].total) for y in range(2028, 2033)] == [6750, 6600, 6450, 6300, 6150]


def test_same_year_start():
    costs = schedule(25000, 2027, 3, 2.0, range(2027, 2031), start="same_year")
    assert [round_tkr(costs[y].total) for y in range(2027, 2031)] == [8833, 8667, 8500, 0]


def test_round_half_up():
    assert [round_tkr(x) for x in (0.5, 1.5, 2.5, -2.5, 8333.333)] == [1, 2, 3, -3, 8333]


def test_project_capital_sums_every_years_spend(tmp_path):
    settings = small_settings(tmp_path)  # internränta 2 %
    p = project("P", "Datorer", "IT", "Ny", {2027: 3000, 2028: 600, 2029: 0, 2030: 0})
    cap = project_capital(p, settings, settings.investment_years, "A.xlsx")
    # 3000 from 2028: 1000+60, 1000+40, 1000+20; 600 from 2029: 200+12, 200+8
    assert [cap.rounded(y) for y in settings.investment_years] == [0, 1060, 1252, 1228]
    assert [s.cell for s in each_source(cap.sources) if s.file == "A.xlsx"] == ["F7", "G7"]


def test_unknown_category_gives_no_cost(tmp_path):
    settings = small_settings(tmp_path)
    cap = project_capital(project("P", "X", "Okänd", "Ny", {2027: 100}), settings, [2028])
    assert cap.category is None and cap.rounded(2028) == 0


def test_a_capital_cost_is_traced_to_useful_life_and_internranta_in_the_settings():
    # Källor named only the spend cells; the cost also rests on two settings lines
    from pathlib import Path

    from budgetbook.settings import load_settings

    toml = Path(__file__).resolve().parents[1] / "budgetbook.toml"
    settings = load_settings(toml)
    lines = toml.read_text(encoding="utf-8").splitlines()
    assert lines[settings.internranta_line - 1].startswith("internranta =")
    it = settings.category("IT")
    assert it is not None and lines[it.life_line - 1] == f"life = {it.life}"
    cap = project_capital(project("P1", "Datorer", "IT", "Ny", {2027: 900}), settings, (2028,))
    traced = [(s.file, s.cell) for s in each_source(cap.sources) if s.file == toml.name]
    assert traced == [
        ("budgetbook.toml", f"rad {it.life_line}"),
        ("budgetbook.toml", f"rad {settings.internranta_line}"),
    ]


def test_capital_note_writes_the_internranta_with_a_nbsp_before_percent():
    """The Kapitalkostnader note said "internränta 2,5 % på" with an ordinary space,
    which a line can break at; every other percentage has a non-breaking one."""
    from pathlib import Path

    from budgetbook.consolidate import consolidate
    from budgetbook.model import VIEW_KAPITALKOSTNADER
    from budgetbook.settings import load_settings

    settings = load_settings(Path(__file__).resolve().parents[1] / "budgetbook.toml")
    assert settings.internranta == 2.5
    note = consolidate([], settings).views[VIEW_KAPITALKOSTNADER].note
    assert "plus internränta 2,5\u00a0% på bokfört värde vid årets början." in note, note
