"""Swedish number formatting and the sign convention."""

from __future__ import annotations

import pytest

from budgetbook.fmt import (
    MINUS,
    NBSP,
    Convention,
    change,
    decimal,
    mnkr,
    name_list,
    pct,
    pct_for_sheet,
    rate,
    tkr,
)


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


def test_rate_keeps_its_decimals_and_a_nbsp_before_percent() -> None:
    """A rate set in percent (the internränta) as it was set, not rounded to a whole
    percent as `pct` does, with the non-breaking space of every other percentage."""
    assert rate(2.5) == f"2,5{NBSP}%"
    assert rate(1.75) == f"1,75{NBSP}%"
    assert rate(1.94) == f"1,94{NBSP}%"
    assert rate(3) == rate(3.0) == f"3{NBSP}%"
    assert rate(20) == f"20{NBSP}%"
    assert rate(0) == f"0{NBSP}%"


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


def test_halves_round_up_everywhere_like_excel() -> None:
    # Python's round() rounds halves to even; finance staff and Excel round them up
    # (away from zero), so Word, the workbooks and the capital figures agree.
    from budgetbook.capital import round_tkr
    from budgetbook.fmt import round_half_up

    assert [round_half_up(x) for x in (0.5, 1.5, 2.5, -2.5, 2.4999, 8333.333)] == [
        1,
        2,
        3,
        -3,
        2,
        8333,
    ]
    assert round_half_up(2.25, 1) == 2.3 and round_half_up(1.005, 2) == 1.01
    assert tkr(2.5) == "3" and tkr(-2.5) == f"{MINUS}3"
    assert pct(0.125) == f"13{NBSP}%"  # Excel's 0 % format shows 13 % too
    assert pct(0.145) == f"15{NBSP}%" and pct(-0.005) == f"{MINUS}1{NBSP}%"
    assert mnkr(2250) == "2,3" and mnkr(2350) == "2,4"
    assert decimal(0.25, 1) == "0,3" and decimal(-0.04, 1) == "0,0"
    assert round_tkr(0.49999999999999994) == 0 and round_tkr(2.5) == 3


def _round_half_up_by_decimal(value: float) -> int:
    """round_half_up(value) as it was before its fast path for floats with a fraction:
    whole floats as int(value), the others through Decimal."""
    from decimal import ROUND_HALF_UP, Context, Decimal

    if value.is_integer():
        return int(value)
    exact = Decimal(str(value))
    if not exact.is_finite():
        raise ValueError(value)
    context = Context(prec=max(28, exact.adjusted() + 2))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP, context=context))


def _near_halves():
    import math

    from hypothesis import strategies as st

    halves = st.integers(-(2**53), 2**53).map(lambda n: n + 0.5)
    return st.one_of(
        halves,
        halves.map(lambda x: math.nextafter(x, math.inf)),
        halves.map(lambda x: math.nextafter(x, -math.inf)),
    )


def test_round_half_up_of_floats_equals_decimal_rounding() -> None:
    # the float fast path (issue 8) must round every float as Decimal(str(value)) does
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from budgetbook.fmt import round_half_up

    @hsettings(max_examples=3000, deadline=None)
    @given(st.one_of(st.floats(), _near_halves()))
    def check(value: float) -> None:
        try:
            expected = _round_half_up_by_decimal(value)
        except ValueError:
            try:
                round_half_up(value)
            except ValueError:
                return
            raise AssertionError(f"{value!r} should raise ValueError") from None
        got = round_half_up(value)
        assert got == expected and type(got) is int, (value, got, expected)

    check()
    for value in (
        0.5,
        -0.5,
        0.49999999999999994,
        -0.49999999999999994,
        2.0**52 - 0.5,
        -(2.0**52) + 0.5,
        5e-324,
        -5e-324,
        8333.5,
        -8333.5,
        1e300,
    ):
        assert round_half_up(value) == _round_half_up_by_decimal(value), value


def test_pct_of_floats_equals_decimal_rounding() -> None:
    # the float fast path (issue 8) must give what round_half_up(Decimal(str(v)) * 100) does
    from decimal import Decimal

    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from budgetbook.fmt import round_half_up

    def by_decimal(value: float) -> str:
        number = round_half_up(Decimal(str(value)) * 100)
        return f"{MINUS}{abs(number)}{NBSP}%" if number < 0 else f"{number}{NBSP}%"

    near = _near_halves().map(lambda x: x / 100)
    cents = st.integers(-(10**9), 10**9).map(lambda n: n / 1000)

    @hsettings(max_examples=3000, deadline=None)
    @given(st.one_of(st.floats(allow_nan=False, allow_infinity=False), near, cents))
    def check(value: float) -> None:
        assert pct(value) == by_decimal(value), value

    check()
    for value in (
        0.125,
        -0.125,
        0.005,
        -0.005,
        0.0049999,
        -0.0,
        0.0,
        1.0,
        1e-05,
        1e16,
        12.345,
        0.285,
        -1.0,
        5e-324,
        0.995,
        -0.995,
        0.1,
        2.675,
    ):
        assert pct(value) == by_decimal(value), value
    for bad in (float("inf"), float("-inf"), float("nan")):
        with pytest.raises(ValueError):
            pct(bad)


def test_tkr_of_ints_is_tkr_of_each() -> None:
    # the bulk formatting of amounts in the draft's tables (issue 8)
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from budgetbook.fmt import tkr_of_ints

    @hsettings(max_examples=500, deadline=None)
    @given(st.lists(st.one_of(st.integers(), st.integers(-(10**7), 10**7)), max_size=20))
    def check(numbers: list[int]) -> None:
        assert tkr_of_ints(numbers) == [tkr(n) for n in numbers]
        assert tkr_of_ints(iter(numbers)) == [tkr(n) for n in numbers]

    check()
    edge = [0, -0, 1, -1, 999, 1000, -1000, 10**30, -(10**30), 1234567]
    assert tkr_of_ints(edge) == [tkr(n) for n in edge]
    assert tkr_of_ints([]) == []


def test_pct_of_floats_is_pct_of_each() -> None:
    # the bulk percents of the draft's tables (issue 8), near halves included
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from budgetbook.fmt import pct_of_floats

    halves = st.builds(
        lambda n, places, sign: sign * (n + 0.5) / 10**places,
        st.integers(0, 10**6),
        st.integers(1, 6),
        st.sampled_from([1, -1]),
    )
    decimals = st.builds(
        lambda n, places: n / 10**places, st.integers(-(10**7), 10**7), st.integers(0, 8)
    )
    floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True), halves, decimals)

    @hsettings(max_examples=1000, deadline=None)
    @given(st.lists(floats, max_size=20))
    def check(values: list[float]) -> None:
        try:
            expected = [pct(v) for v in values]
        except ValueError:  # inf, NaN: pct raises, and so must the bulk
            with pytest.raises(ValueError):
                pct_of_floats(values)
            return
        assert pct_of_floats(values) == expected

    check()
    edge = [0.285, -0.285, 0.125, 0.005, -0.005, 0.0, -0.0, 1.005, 2.675, 1e-7, -1e-7, 1e5]
    assert pct_of_floats(edge) == [pct(v) for v in edge]
    assert pct_of_floats([]) == []


def test_name_list_reads_as_swedish_and_counts_past_ten() -> None:
    assert name_list([]) == ""
    assert name_list(["BIB"]) == "BIB"
    assert name_list(["BIB", "FRI"]) == "BIB och FRI"
    assert name_list(["ADM", "BIB", "FRI"]) == "ADM, BIB och FRI"
    ten = [f"A{i}" for i in range(10)]
    assert name_list(ten) == "A0, A1, A2, A3, A4, A5, A6, A7, A8 och A9"
    assert name_list([*ten, "B", "C"]) == f"{', '.join(ten)} och 2 till"
    assert name_list(["A", "B", "C"], shown=2) == "A, B och 1 till"


def test_name_list_joins_names_holding_och_by_samt() -> None:
    """Review: the internkontrollplan read "(Samhällsplanering och ledning och
    Kommungemensamma kostnader)", three names to a reader; a name that holds "och"
    has the last one joined by "samt" (as "högra och vänstra kammaren samt högra och
    vänstra förmaket"), names without one as before."""
    spl, gem = "Samhällsplanering och ledning", "Kommungemensamma kostnader"
    assert name_list([spl, gem]) == f"{spl} samt {gem}"
    assert name_list([gem, spl]) == f"{gem} samt {spl}"
    assert name_list(["Personalavdelningen", spl, gem]) == (
        f"Personalavdelningen, {spl} samt {gem}"
    )
    assert name_list(["Nämnd- och styrelseverksamhet", "Friskvård"]) == (
        "Nämnd- och styrelseverksamhet samt Friskvård"
    )
    assert name_list([spl]) == spl
    # "och" only as a whole word: "Kochs bageri" and "Ochsenfurt" hold none
    assert name_list(["Kochs bageri", "Ochsenfurt"]) == "Kochs bageri och Ochsenfurt"
    # counted past `shown`: "samt" when a name shown holds "och"
    assert name_list(["A", spl, "C"], shown=2) == f"A, {spl} samt 1 till"
    assert name_list(["A", "B", spl], shown=2) == "A, B och 1 till"


def test_pct_for_sheet_stores_a_negative_shown_as_0_percent_as_0() -> None:
    # a workbook stores this under "0 %" (Excel showed "-0 %" for −0.003, the draft "0 %")
    import math
    import random

    rng = random.Random(3)
    values: list = [-0.003, -0.0049999, -0.005, 0.005, 0.003, 0.125, -0.125, -1.0, 0.0, -0.0]
    values += [-1e-300, 1e-300, -0.00499999999, -0.00500000001, 2500.0, -2 / 3]
    values += [rng.uniform(-0.02, 0.02) for _ in range(2000)]
    values += [round(rng.uniform(-0.01, 0.01), 4) for _ in range(2000)]  # many halves
    stored = pct_for_sheet([*values, None, "x"])
    assert stored[-2:] == [None, "x"]
    for value, kept in zip(values, stored, strict=False):
        assert pct(kept) == pct(value), value
        if math.copysign(1, value) < 0 and pct(value) == "0\u00a0%":
            assert kept == 0.0 and math.copysign(1, kept) == 1, value
        else:
            # decimals kept for a reader who widens the format
            assert kept == value and math.copysign(1, kept) == math.copysign(1, value)
    assert pct_for_sheet([-0.003, -0.005, 0.003]) == [0.0, -0.005, 0.003]
    assert pct_for_sheet([]) == [] and pct_for_sheet([None, 3]) == [None, 3]
    odd = [math.inf, -math.inf, 1e300, -2e4]
    assert pct_for_sheet(odd) == odd and math.isnan(pct_for_sheet([math.nan])[0])
