"""QA: the finance officer's second year. Last year's round (the example round, budget
2027) is done; the 2028 round is set up from its settings, and last year's files turn up
where this year's are expected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetbook import actions


@pytest.fixture(scope="module")
def last_year(tmp_path_factory) -> Path:
    """Last year's round, run: settings, templates, returns, outputs."""
    root = tmp_path_factory.mktemp("year_two") / "runda2027"
    actions.demo(root)
    return root


def next_year_settings(last_year: Path, target: Path, round_id: str | None) -> Path:
    """A 2028 workspace with last year's settings, its years moved on by one and, when
    `round_id` is given, a new round id; the ramar, prior-year figures and texts as they
    were (what the officer edits next does not matter here)."""
    actions.init(target)
    text = (last_year / "budgetbook.toml").read_text(encoding="utf-8")
    text = text.replace("budget_year = 2027", "budget_year = 2028")
    text = text.replace("plan_years = [2028, 2029]", "plan_years = [2029, 2030]")
    if round_id is not None:
        text = text.replace('id = "nämndplan-2027"', f'id = "{round_id}"')
    (target / "budgetbook.toml").write_text(text, encoding="utf-8")
    return target


def test_last_year_s_return_with_the_round_id_left_as_it_was_names_both_years(last_year, tmp_path):
    """The officer moved budget_year on but left [round] id = "nämndplan-2027". A 2027
    return in the 2028 inbox was refused with "gäller rundan nämndplan-2027, men årets
    runda är nämndplan-2027, budgetår 2028": the same round named twice, the difference
    (the budget year) on one side only."""
    root = next_year_settings(last_year, tmp_path / "runda2028", round_id=None)
    stale = last_year / "inbox" / "Budget 2027 Personalavdelningen.xlsx"
    shutil.copy2(stale, root / "inbox" / stale.name)
    result = actions.collect(root)
    (problem,) = (p for p in result.problems if p.file == stale.name)
    assert problem.code == "BB105" and problem.avdelning == "PERS"
    assert problem.message == (
        f"Arbetsboken {stale.name} gäller rundan nämndplan-2027, budgetår 2027, men årets "
        "runda är nämndplan-2027, budgetår 2028. Fyll i arbetsboken för rätt runda från "
        "ekonomistaben."
    )
