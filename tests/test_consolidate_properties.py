"""Property-based tests: for any set of returns, the tables add up by construction."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from budgetbook import model as m
from budgetbook.consolidate import consolidate
from budgetbook.settings import PriorFigures
from budgetbook.tablebuild import INCLUDED_TOTAL, included_total
from cons_builders import SMALL_PRIOR, small_settings

YEARS = (2027, 2028, 2029)
INV_YEARS = (2027, 2028, 2029, 2030)
# "X" / "X1" / "okand" are unknown to settings: collect rejects them, but a figure must
# still land in every view alike if one ever slips through.
VERKSAMHETER = {"A": ("A1", "A2"), "B": ("B1",), "X": ("X1", "A1")}
POSTS = ("intakter", "personal", "kapital", "okand")
amount = st.integers(min_value=0, max_value=50_000)


@pytest.fixture(scope="module")
def base_settings(tmp_path_factory):
    return small_settings(tmp_path_factory.mktemp("props"))


@st.composite
def drift_lines(draw, avdelning: str):
    lines = []
    for i, (v, d) in enumerate(
        (v, d) for v in VERKSAMHETER[avdelning] for d in POSTS if draw(st.booleans())
    ):
        amounts = {y: draw(amount) for y in YEARS if draw(st.integers(0, 9))}  # sometimes empty
        lines.append(m.DriftLine(v, d, amounts, cells={y: f"F{7 + i}" for y in amounts}))
    if avdelning == "X" and not lines:
        # An avdelning unknown to settings has no verksamhet row of its own unless it
        # reports a line; with none, the per-verksamhet view has nothing to show for it.
        lines.append(m.DriftLine("X1", "personal", {y: draw(amount) for y in YEARS}))
    return lines


@st.composite
def projects(draw, avdelning: str):
    result = []
    for i in range(draw(st.integers(0, 3))):
        amounts = {y: draw(st.integers(0, 20_000)) for y in INV_YEARS if draw(st.booleans())}
        result.append(
            m.Project(
                f"{avdelning}{i}",
                f"Projekt {avdelning}{i}",
                draw(st.sampled_from(["IT", "Mark", "IT-utrustning", "Okänd"])),
                draw(st.sampled_from(["Pågående", "Ny", "ny"])),
                draw(st.none() | st.integers(0, 90_000)),
                amounts,
            )
        )
    return result


@st.composite
def rounds(draw):
    subs = []
    for avd in ("A", "B", "X"):
        if draw(st.booleans()) and (avd != "X" or draw(st.integers(0, 4)) == 0):
            risks = [
                m.Risk("r", draw(st.integers(0, 999)), draw(st.integers(0, 999)))
                for _ in range(draw(st.integers(0, 2)))
            ]
            subs.append(
                m.Submission(
                    avd,
                    f"{avd}.xlsx",
                    m.Path(f"{avd}.xlsx"),
                    drift=draw(drift_lines(avd)),
                    projects=draw(projects(avd)),
                    risks=risks,
                )
            )
    prior = {
        key: PriorFigures(draw(amount), draw(amount), line)
        for line, key in enumerate(SMALL_PRIOR, start=2)
    }
    return subs, prior


def sums(rows: list[m.Row], key: str):
    shown = [r.values.get(key) for r in rows if r.values.get(key) is not None]
    return sum(shown) if shown or not rows else None


def known_for_all(key: str) -> bool:
    """A column every avdelning has a figure in, returned or not: the prior year, ram."""
    return key.endswith("_prior") or key.startswith("ram_")


def returned(row: m.Row, year: int) -> bool:
    """A data row with a return behind it: its budget-year figure is not empty."""
    return any(row.values.get(k) is not None for k in (f"budget_{year}", f"net_{year}"))


def check_totals(table: m.Table, year: int = 2027) -> None:
    """Subtotal = its group's data rows; total = subtotals (or data rows if none); while
    a return is missing, the total over the returns = their rows, and the nämnd's has
    only the columns every row has (`tablebuild.closing_totals`)."""
    additive = [c.key for c in table.columns if c.kind == "tkr"]
    group: list[m.Row] = []
    data: list[m.Row] = []
    subtotals: list[m.Row] = []
    closing = [r for r in table.rows if r.kind is m.RowKind.TOTAL]
    if closing and closing[0].label == INCLUDED_TOTAL:
        assert [r.kind for r in table.rows[-2:]] == [m.RowKind.TOTAL] * 2, table.key
        like, whole = table.rows[-2:]
        rows = table.data_rows()
        assert not all(returned(r, year) for r in rows), table.key
        parts = [r for r in rows if returned(r, year)]
        for key in additive:
            assert like.values.get(key) == sums(parts, key), (table.key, key)
            expected = sums(rows, key) if known_for_all(key) else None
            assert whole.values.get(key) == expected, (table.key, key)
        for key in ("chg_bb_tkr", "chg_bb_pct", "chg_pb_tkr", "chg_pb_pct"):
            assert whole.values.get(key) is None, (table.key, key)
        return
    for row in table.rows:
        if row.kind is m.RowKind.DATA:
            group.append(row)
            data.append(row)
        elif row.kind is m.RowKind.HEADING:
            group = []
        elif row.kind is m.RowKind.SUBTOTAL:
            for key in additive:
                assert row.values.get(key) == sums(group, key), (table.key, row.label, key)
            subtotals.append(row)
            group = []
        else:
            parts = subtotals or data
            # with no return in at all, the ram total has ram only
            unknown = table.key == m.VIEW_RAM_AVDELNING and any(
                v is None for r in data for k, v in r.values.items() if k.startswith("budget_")
            )
            # the decided totals' grand total shows the decided total and its difference
            # only when every project has a decided total (review: 35 100 − 26 000 ≠ 13 900)
            undecided = table.key == m.VIEW_INV_BESLUTAD and any(
                r.values.get("decided_total") is None for r in data
            )
            for key in additive:
                if (unknown and key.startswith("diff_")) or (
                    undecided and key in ("decided_total", "diff")
                ):
                    assert row.values.get(key) is None, (table.key, key)
                    continue
                assert row.values.get(key) == sums(parts, key), (table.key, row.label, key)
    assert table.total_row() is not None, table.key


def check_change_signs(table: m.Table) -> None:
    for tkr_key, pct_key in (("chg_bb_tkr", "chg_bb_pct"), ("chg_pb_tkr", "chg_pb_pct")):
        for row in table.rows:
            t, p = row.values.get(tkr_key), row.values.get(pct_key)
            if t is None:
                assert p is None
            elif p is not None:
                assert (t > 0) == (p > 0) and (t < 0) == (p < 0), (table.key, row.label)


@hsettings(max_examples=60, deadline=None)
@given(rounds())
def test_tables_add_up_for_any_returns(base_settings, data):
    subs, prior = data
    settings = dataclasses.replace(base_settings, prior=prior)
    cons = consolidate(subs, settings)
    for table in cons.views.values():
        check_totals(table)
        check_change_signs(table)
        for row in table.rows:
            assert set(row.values) <= {c.key for c in table.columns}

    by = settings.budget_year
    drift_keys = ["budget_prior", "prognos_prior", f"budget_{by}", "plan_2028", "plan_2029"]
    # the nämnd's totals agree, and mid-round the totals over the returns
    avd_view = cons.views[m.VIEW_DRIFT_AVDELNING]
    avd, avd_in = avd_view.total_row(), included_total(avd_view)
    verks = cons.views[m.VIEW_DRIFT_VERKSAMHET]
    # a return with a line for a missing avdelning's verksamhet brings that verksamhet's
    # prior figures into the total over the returns per verksamhet (its row has a budget
    # and so compares like with like), not per avdelning (the avdelning has none)
    owner = {v.code: v.avdelning for v in settings.verksamheter}
    included = {sub.avdelning for sub in subs}
    stray = any(
        owner.get(line.verksamhet, "") not in {"", *included} for s in subs for line in s.drift
    )
    for key in drift_keys:
        assert verks.total_row().values[key] == avd.values[key], key
        if not (stray and key.endswith("_prior")):
            assert included_total(verks).values[key] == avd_in.values[key], key
    # per kontogrupp one total: the prior year's over all, the budget's over the returns
    post = cons.views[m.VIEW_DRIFT_DRIFTPOST].total_row()
    for key in drift_keys:
        assert post.values[key] == (avd if key.endswith("_prior") else avd_in).values[key], key
    brutto_view = cons.views[m.VIEW_BRUTTO_AVDELNING]
    brutto, brutto_in = brutto_view.total_row(), included_total(brutto_view)
    assert brutto.values["net_prior"] == avd.values["budget_prior"]
    assert brutto_in.values["net_prior"] == avd_in.values["budget_prior"]
    assert brutto_in.values[f"net_{by}"] == avd_in.values[f"budget_{by}"]
    ram = included_total(cons.views[m.VIEW_RAM_AVDELNING])
    assert ram.values[f"budget_{by}"] == avd_in.values[f"budget_{by}"]
    assert cons.net_budget == (avd_in.values[f"budget_{by}"] or 0)

    pag = cons.views[m.VIEW_INV_PAGAENDE].total_row()
    nya = cons.views[m.VIEW_INV_NYA].total_row()
    kat = cons.views[m.VIEW_INV_KATEGORI].total_row()
    dec = cons.views[m.VIEW_INV_BESLUTAD].total_row()
    assert (kat.values["sum"] or 0) == (pag.values["sum"] or 0) + (nya.values["sum"] or 0)
    assert (dec.values["sum"] or 0) == (kat.values["sum"] or 0)
    assert cons.investment_budget == (kat.values[f"inv_{by}"] or 0)
    for row in cons.views[m.VIEW_DRIFT_AVDELNING].data_rows():
        if row.values["budget_prior"] is not None and row.values[f"budget_{by}"] is not None:
            assert (
                row.values["chg_bb_tkr"] == row.values[f"budget_{by}"] - row.values["budget_prior"]
            )
