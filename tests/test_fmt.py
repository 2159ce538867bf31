"""Swedish number formatting and the sign convention."""

from __future__ import annotations

from budgetbook.fmt import MINUS, NBSP, Convention, change, decimal, mnkr, pct, tkr


def test_tkr_uses_nbsp_and_minus_sign() -> None:
    assert tkr(43974) == f"43{NBSP}974"
    assert tkr(-2894) == f"{MINUS}2{NBSP}894"
    assert tkr(0) == "0"
    assert tkr(1234567) == f"1{NBSP}234{NBSP}567"
    assert tkr(None) == ""


def test_decimal_and_mnkr() -> None:
    assert mnkr(324500) == "324,5"
    assert mnkr(1234560) == f"1{NBSP}234,6"
    assert decimal(-0.04, 1) == "0,0"  # rounds to zero: no minus sign
    assert decimal(-2.25, 1).startswith(MINUS)


def test_pct_whole_percent() -> None:
    assert pct(0.0612) == f"6{NBSP}%"
    assert pct(-0.58) == f"{MINUS}58{NBSP}%"
    assert pct(None) == ""


def test_change_sign_agrees_and_zero_base_is_empty() -> None:
    diff, p = change(46868, 43974)
    assert diff == 2894 and p is not None and p > 0
    diff, p = change(-58000, 0)
    assert diff == -58000 and p is None
    # negative base: (new - old) / |old| keeps the sign of the tkr change
    diff, p = change(-100, -200)
    assert diff == 100 and p == 0.5


def test_convention_flips_display_only() -> None:
    assert Convention("net_cost_positive").display(100) == 100
    assert Convention("costs_negative").display(100) == -100
    assert Convention("costs_negative").favourable(100, 90)
    assert not Convention("net_cost_positive").favourable(100, 110)
