"""Mid-round (some avdelningar without an accepted return) the drift tables close with
two totals: "Summa avdelningar med godkänd inlämning", every column over the returned
avdelningar, then the nämnd's, with only the columns every avdelning has (review: a
row reading 341 385 → 294 200 beside a change of −2 370).

The example round: real templates written by our writer, filled by the example filler,
with Personalavdelningen's and Portföljstyrning's returns taken out of the inbox; and the
same round with every return in, where each table has its one total as before.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from budgetbook import actions
from budgetbook.example import return_name, write_example_returns
from budgetbook.tablebuild import INCLUDED_TOTAL

MISSING = ("Personalavdelningen", "Portföljstyrning")
NAMND = "Summa kommunstyrelsen"
# sheet -> (columns every avdelning has, columns only the returned ones have)
SHEETS = {
    "Drift per avdelning": (
        ("Budget 2026", "Prognos 2026"),
        ("Budget 2027", "Plan 2028", "Plan 2029"),
    ),
    "Drift per verksamhet": (
        ("Budget 2026", "Prognos 2026"),
        ("Budget 2027", "Plan 2028", "Plan 2029"),
    ),
    "Brutto per avdelning": (
        ("Intäkter B2026", "Kostnader B2026", "Netto B2026"),
        ("Intäkter B2027", "Kostnader B2027", "Netto B2027"),
    ),
    "Budget mot ram": (
        ("Ram 2027", "Ram 2028", "Ram 2029"),
        ("Budget 2027", "Plan 2028", "Plan 2029", "Differens 2027", "Differens 2028"),
    ),
}


def _round(root: Path, missing: tuple[str, ...]) -> Path:
    actions.init(root)
    settings = actions.open_workspace(root).settings()
    write_example_returns(settings, actions.templates(root), root / "inbox")
    for a in settings.avdelningar:
        if a.name in missing:
            (root / "inbox" / return_name(settings, a)).unlink()
    actions.run(root)
    return root / "output" / "konsolidering_2027.xlsx"


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> dict[str, dict[str, dict[str, object]]]:
    """sheet -> row label -> column heading -> value, of the mid-round workbook."""
    return _rows(_round(tmp_path_factory.mktemp("mid") / "ws", MISSING))


def _rows(path: Path) -> dict[str, dict[str, dict[str, object]]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for name in SHEETS:
        rows = list(wb[name].iter_rows(values_only=True))
        at = next(i for i, r in enumerate(rows) if r[0] in ("Avdelning", "Verksamhet"))
        header = rows[at]
        body = [r for r in rows[at + 1 :] if r[0] and any(v is not None for v in r[1:])]
        out[name] = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    return out


def _avdelning_rows(sheet: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    return {k: v for k, v in sheet.items() if k not in (INCLUDED_TOTAL, NAMND)}


def test_total_over_the_returns_sums_every_column_over_them(sheets):
    for name, (known, returned) in SHEETS.items():
        rows = _avdelning_rows(sheets[name])
        key = returned[0]
        accepted = [r for r in rows.values() if r[key] is not None]
        assert 0 < len(accepted) < len(rows), name
        like = sheets[name][INCLUDED_TOTAL]
        for col in (*known, *returned):
            assert like[col] == sum(r[col] for r in accepted), (name, col)


def test_namnd_total_has_the_known_columns_over_all_and_the_rest_empty(sheets):
    for name, (known, returned) in SHEETS.items():
        rows = _avdelning_rows(sheets[name])
        namnd = sheets[name][NAMND]
        for col in known:
            assert namnd[col] == sum(r[col] for r in rows.values()), (name, col)
        for col in returned:
            assert namnd[col] is None, (name, col)
        for col, value in namnd.items():
            if col.startswith("Förändring"):
                assert value is None, (name, col)


def test_change_on_the_total_over_the_returns_is_from_its_own_figures(sheets):
    like = sheets["Drift per avdelning"][INCLUDED_TOTAL]
    assert like["Förändring B2026–B2027, tkr"] == like["Budget 2027"] - like["Budget 2026"]
    assert like["Förändring P2026–B2027, tkr"] == like["Budget 2027"] - like["Prognos 2026"]
    # the missing avdelningar are not in it, and the two views agree
    per_avd = sheets["Drift per avdelning"]
    for name in MISSING:
        assert per_avd[name]["Budget 2027"] is None
    per_verks = sheets["Drift per verksamhet"][INCLUDED_TOTAL]
    assert all(per_verks[col] == like[col] for col in like if col != "Avdelning")


def test_with_every_return_in_each_view_has_its_one_total(tmp_path):
    sheets = _rows(_round(tmp_path / "ws", ()))
    for name in SHEETS:
        assert INCLUDED_TOTAL not in sheets[name], name
        rows = _avdelning_rows(sheets[name])
        namnd = sheets[name][NAMND]
        for col, value in namnd.items():
            if col in ("Avdelning", "Verksamhet") or col.endswith("%"):
                continue
            assert value == sum(r[col] for r in rows.values()), (name, col)


def test_sources_say_what_the_total_over_the_returns_sums(tmp_path):
    path = _round(tmp_path / "ws", MISSING)
    ws = openpyxl.load_workbook(path, read_only=True)["Källor"]
    traces = {
        (r[1], r[2]): r[7]
        for r in ws.iter_rows(values_only=True)
        if len(r) > 7 and r[0] == "Drift per avdelning" and r[1] in (INCLUDED_TOTAL, NAMND)
    }
    assert traces[(INCLUDED_TOTAL, "Budget 2026")] == "summa av raderna ovan med godkänd inlämning"
    assert traces[(NAMND, "Budget 2026")] == "summa av raderna ovan"
    assert (NAMND, "Budget 2027") not in traces  # an empty cell has no line
