"""Hand-checked expectations for every view on a small round (see cons_builders)."""

from __future__ import annotations

import pytest

from budgetbook import checks
from budgetbook import model as m
from budgetbook.consolidate import consolidate
from budgetbook.schema import build_schema
from budgetbook.settings import load_settings
from cons_builders import SMALL_TOML, drift_sub, project, risk, small_settings

A_LINES = {
    ("A1", "intakter"): (110, 110, 110),
    ("A1", "personal"): (650, 660, 670),
    ("A2", "personal"): (420, 430, 440),
    ("A2", "kapital"): (60, 60, 60),
}
B_LINES = {("B1", "personal"): (480, 490, 500)}


def projects_a():
    return [
        project("P1", "Nytt system", "IT-utrustning", "Ny", {2027: 3000, 2028: 0}, 3000),
        project("P2", "Tomtköp", "Mark", "Pågående", {2027: 20000}, 25000, row=8),
    ]


def projects_b():
    return [project("P3", "Datorer", "IT", "Pågående", {2028: 600, 2029: 600})]


@pytest.fixture
def settings(tmp_path):
    return small_settings(tmp_path)


@pytest.fixture
def both(settings):
    subs = [
        drift_sub(
            "A", A_LINES, projects=projects_a(), risks=[risk("Bidrag", 200), risk("Hyra", 0, 500)]
        ),
        drift_sub("B", B_LINES, projects=projects_b(), risks=[risk("Löner", 0, 100)]),
    ]
    return consolidate(subs, settings)


def values(table: m.Table, *keys: str) -> list[tuple]:
    return [(r.label, *(r.values.get(k) for k in keys)) for r in table.rows]


def test_views_in_display_order(both):
    assert list(both.views) == [
        m.VIEW_DRIFT_AVDELNING,
        m.VIEW_DRIFT_VERKSAMHET,
        m.VIEW_DRIFT_DRIFTPOST,
        m.VIEW_BRUTTO_AVDELNING,
        m.VIEW_RAM_AVDELNING,
        m.VIEW_INV_PAGAENDE,
        m.VIEW_INV_NYA,
        m.VIEW_INV_KATEGORI,
        m.VIEW_INV_BESLUTAD,
        m.VIEW_KAPITALKOSTNADER,
        m.VIEW_RISKER,
        m.VIEW_RISKLISTA,
    ]


def test_drift_per_avdelning(both):
    t = both.views[m.VIEW_DRIFT_AVDELNING]
    assert [c.key for c in t.columns] == [
        "label",
        "budget_prior",
        "prognos_prior",
        "budget_2027",
        "plan_2028",
        "plan_2029",
        "chg_bb_tkr",
        "chg_bb_pct",
        "chg_pb_tkr",
        "chg_pb_pct",
    ]
    assert [c.heading for c in t.columns][1:4] == ["Budget 2026", "Prognos 2026", "Budget 2027"]
    assert t.columns[6].heading == "Förändring B2026–B2027, tkr"
    assert t.columns[9].heading == "Förändring P2026–B2027, %"
    keys = ("budget_prior", "prognos_prior", "budget_2027", "plan_2028", "plan_2029")
    assert values(t, *keys) == [
        ("Avdelning A", 950, 950, 1020, 1040, 1060),
        ("Avdelning B", 450, 470, 480, 490, 500),
        ("Summa kommunstyrelsen", 1400, 1420, 1500, 1530, 1560),
    ]
    assert values(t, "chg_bb_tkr", "chg_pb_tkr") == [
        ("Avdelning A", 70, 70),
        ("Avdelning B", 30, 10),
        ("Summa kommunstyrelsen", 100, 80),
    ]
    assert t.rows[0].values["chg_bb_pct"] == pytest.approx(70 / 950)
    assert t.rows[-1].values["chg_bb_pct"] == pytest.approx(100 / 1400)
    assert t.rows[-1].values["chg_pb_pct"] == pytest.approx(80 / 1420)
    assert t.rows[-1].kind is m.RowKind.TOTAL
    assert "Budget 2026 enligt KF." in t.note
    assert both.net_budget == 1500
    assert {"budget_prior", "chg_bb_tkr", "chg_bb_pct"} <= t.signed_columns


def test_drift_per_verksamhet(both):
    t = both.views[m.VIEW_DRIFT_VERKSAMHET]
    assert values(t, "budget_prior", "prognos_prior", "budget_2027", "chg_bb_tkr") == [
        ("Verksamhet A1", 500, 520, 540, 40),
        ("Verksamhet A2", 450, 430, 480, 30),
        ("Verksamhet B1", 450, 470, 480, 30),
        ("Summa kommunstyrelsen", 1400, 1420, 1500, 100),
    ]


def test_drift_per_driftpost(both):
    t = both.views[m.VIEW_DRIFT_DRIFTPOST]
    assert values(t, "budget_prior", "prognos_prior", "budget_2027", "chg_bb_tkr") == [
        ("Intäkter", -100, -90, -110, -10),
        # kept under one line: it closes the revenue group (see drift_by_driftpost;
        # test_end_to_end adds up each Summa row from the rows above it)
        ("Summa intäkter", -100, -90, -110, -10),
        ("Personalkostnader", 1450, 1460, 1550, 100),
        ("Kapitalkostnader", 50, 50, 60, 10),
        ("Summa kostnader", 1500, 1510, 1610, 110),
        ("Nettokostnad", 1400, 1420, 1500, 100),
    ]
    # More revenue: a negative change in net-cost terms, and its % is negative too.
    assert t.rows[0].values["chg_bb_pct"] == pytest.approx(-0.1)
    kinds = [r.kind for r in t.rows]
    assert kinds == [
        m.RowKind.DATA,
        m.RowKind.SUBTOTAL,
        m.RowKind.DATA,
        m.RowKind.DATA,
        m.RowKind.SUBTOTAL,
        m.RowKind.TOTAL,
    ]


def test_brutto_per_avdelning(both):
    t = both.views[m.VIEW_BRUTTO_AVDELNING]
    keys = ("revenue_prior", "cost_prior", "net_prior", "revenue_2027", "cost_2027", "net_2027")
    assert values(t, *keys) == [
        ("Avdelning A", -100, 1050, 950, -110, 1130, 1020),
        ("Avdelning B", 0, 450, 450, 0, 480, 480),
        ("Summa kommunstyrelsen", -100, 1500, 1400, -110, 1610, 1500),
    ]


def test_ram_per_avdelning(both, settings):
    t = both.views[m.VIEW_RAM_AVDELNING]
    assert values(t, "budget_2027", "ram_2027", "diff_2027", "diff_2029") == [
        ("Avdelning A", 1020, 1000, 20, 60),
        ("Avdelning B", 480, 500, -20, 0),
        ("Summa kommunstyrelsen", 1500, 1500, 0, 60),
    ]
    src = next(m.each_source(t.rows[0].sources["ram_2027"]))
    toml = settings.path.read_text(encoding="utf-8").splitlines()
    ram_line = next(i for i, line in enumerate(toml, 1) if line.startswith("ram = [1000"))
    assert (src.file, src.cell) == ("budgetbook.toml", f"rad {ram_line}")


def test_investment_views(both):
    years = ("inv_2027", "inv_2028", "inv_2029", "inv_2030", "sum")
    assert values(both.views[m.VIEW_INV_PAGAENDE], *years) == [
        ("Tomtköp", 20000, 0, 0, 0, 20000),
        ("Datorer", 0, 600, 600, 0, 1200),
        ("Summa pågående projekt", 20000, 600, 600, 0, 21200),
    ]
    assert values(both.views[m.VIEW_INV_NYA], *years) == [
        ("Nytt system", 3000, 0, 0, 0, 3000),
        ("Summa nya projekt", 3000, 0, 0, 0, 3000),
    ]
    assert values(both.views[m.VIEW_INV_KATEGORI], *years) == [
        ("IT-utrustning", 3000, 600, 600, 0, 4200),
        ("Mark", 20000, 0, 0, 0, 20000),
        ("Summa investeringar", 23000, 600, 600, 0, 24200),
    ]
    assert values(both.views[m.VIEW_INV_BESLUTAD], "decided_total", "sum", "diff") == [
        ("Pågående projekt", None, None, None),
        ("Tomtköp", 25000, 20000, 5000),
        ("Datorer", None, 1200, None),
        ("Summa pågående projekt", 25000, 21200, 5000),
        ("Nya projekt", None, None, None),
        ("Nytt system", 3000, 3000, 0),
        ("Summa nya projekt", 3000, 3000, 0),
        # Datorer has no decided total: the grand total shows only the plan's sum
        ("Summa investeringar", None, 24200, None),
    ]
    assert both.investment_budget == 23000


def test_capital_view_and_gap(both):
    t = both.views[m.VIEW_KAPITALKOSTNADER]
    # the years as headings: "Kapitalkostnad 2027" four times over squeezed the project
    # names onto two lines, under a caption that says what the figures are
    assert [c.heading for c in t.columns] == [
        *("Projekt", "Avdelning", "Kategori"),
        *("2027", "2028", "2029", "2030"),
    ]
    # IT 3000 spent 2027 at 2 %: 1000 + 60, 1000 + 40, 1000 + 20. Land 20000: 400 a year.
    # IT 600 in 2028 and 600 in 2029: 2029 200 + 12; 2030 200 + 8 + 200 + 12.
    assert values(t, "kap_2027", "kap_2028", "kap_2029", "kap_2030") == [
        ("Pågående projekt", None, None, None, None),
        ("Tomtköp", 0, 400, 400, 400),
        ("Datorer", 0, 0, 212, 420),
        ("Summa pågående projekt", 0, 400, 612, 820),
        ("Nya projekt", None, None, None, None),
        ("Nytt system", 0, 1060, 1040, 1020),
        ("Summa nya projekt", 0, 1060, 1040, 1020),
        ("Summa kapitalkostnader", 0, 1460, 1652, 1840),
    ]
    assert t.rows[1].values["category"] == "Mark"
    # the drift side budgets 60 a year against 50 in the prior-year budget: +10 a year,
    # which the note gives beside the plan's cost; A's return was told at collect, at its
    # own row (BB408, checks.capital_problems), so the nämnd is told nothing again
    assert (
        "Ökningen av driftbudgetens kapitalkostnader jämfört med budget 2026 (50 tkr) är "
        "10 tkr 2027, 10 tkr 2028 och 10 tkr 2029"
    ) in t.note
    assert [p for p in both.problems if p.code == "BB408"] == []


def test_each_return_is_told_the_gap_the_namnd_level_check_gave(settings):
    """A's projects cost 0, 1 460 and 1 440 tkr in 2027–2029; its row adds 10 a year."""
    a = drift_sub("A", A_LINES, projects=projects_a())
    found = checks.capital_problems(a, settings, build_schema(settings))
    assert [(p.file, p.cell) for p in found] == [
        ("A.xlsx", "F10"),
        ("A.xlsx", "G10"),
        ("A.xlsx", "H10"),
    ]
    assert "ger 1\u00a0460 tkr i kapitalkostnad 2028" in found[1].message
    assert "raden Kapitalkostnader ökar med 10 tkr jämfört med budget 2026" in found[1].message
    assert "(differens \u22121\u00a0450 tkr)" in found[1].message


def test_risk_view(both):
    t = both.views[m.VIEW_RISKER]
    assert values(t, "positive", "negative", "net") == [
        ("Avdelning A", 200, -500, -300),
        ("Avdelning B", 0, -100, -100),
        ("Summa kommunstyrelsen", 200, -600, -400),
    ]
    assert t.signed_columns == frozenset()
    assert [r.avdelning for r in both.risks] == ["A", "A", "B"]


def test_missing_avdelning_listed_with_prior_figures(settings):
    cons = consolidate([drift_sub("A", A_LINES)], settings)
    t = cons.views[m.VIEW_DRIFT_AVDELNING]
    assert values(t, "budget_prior", "budget_2027", "chg_bb_tkr") == [
        ("Avdelning A", 950, 1020, 70),
        ("Avdelning B", 450, None, None),
        ("Summa avdelningar med godkänd inlämning", 950, 1020, 70),
        ("Summa kommunstyrelsen", 1400, None, None),
    ]
    assert t.rows[-2].values["chg_bb_pct"] == pytest.approx(70 / 950)
    assert t.rows[-1].values["chg_bb_pct"] is None
    assert "Avdelning B" in t.note
    assert cons.avdelningar_included == ["A"]
    v = cons.views[m.VIEW_DRIFT_VERKSAMHET]
    assert v.rows[2].values["budget_2027"] is None
    assert v.rows[-2].values["budget_2027"] == 1020
    assert v.rows[-1].values["budget_2027"] is None
    ram = cons.views[m.VIEW_RAM_AVDELNING]
    assert values(ram, "budget_2027", "ram_2027", "diff_2027")[1] == (
        "Avdelning B",
        None,
        500,
        None,
    )
    post = cons.views[m.VIEW_DRIFT_DRIFTPOST]
    assert all(r.values["chg_bb_tkr"] is None for r in post.rows)
    assert cons.views[m.VIEW_RISKER].rows[1].values["net"] is None


def test_pct_empty_where_old_is_zero(settings):
    lines = dict(A_LINES)
    lines[("A2", "intakter")] = (30, 30, 30)  # no prior figure: old is 0
    cons = consolidate([drift_sub("A", lines), drift_sub("B", B_LINES)], settings)
    rows = {r.label: r for r in cons.views[m.VIEW_DRIFT_DRIFTPOST].rows}
    assert rows["Intäkter"].values["budget_2027"] == -140


def test_sources_trace_cells_and_settings(both, settings):
    t = both.views[m.VIEW_DRIFT_VERKSAMHET]
    a1 = t.rows[0]
    assert {(s.file, s.sheet, s.cell) for s in m.each_source(a1.sources["budget_2027"])} == {
        ("A.xlsx", "Drift", "F7"),
        ("A.xlsx", "Drift", "F8"),
    }
    assert {(s.file, s.cell) for s in m.each_source(a1.sources["budget_prior"])} == {
        ("prior.csv", "rad 2"),
        ("prior.csv", "rad 3"),
    }
    inv = both.views[m.VIEW_INV_NYA].rows[0]
    assert [(s.sheet, s.cell, s.avdelning) for s in m.each_source(inv.sources["inv_2027"])] == [
        ("Investeringar", "F7", "A")
    ]


def test_costs_negative_changes_nothing_stored(tmp_path):
    pos = consolidate([drift_sub("A", A_LINES)], small_settings(tmp_path / "p"))
    neg = consolidate([drift_sub("A", A_LINES)], small_settings(tmp_path / "n", "costs_negative"))
    for key, table in pos.views.items():
        assert [r.values for r in table.rows] == [r.values for r in neg.views[key].rows]


def test_docs_describe_every_view(both):
    from cons_builders import ROOT

    doc = (ROOT / "docs" / "consolidation.md").read_text(encoding="utf-8")
    for key, table in both.views.items():
        assert f"`{key}`" in doc
        assert table.caption in doc


def test_example_kommun_consolidates():
    from cons_builders import example_settings, submission_from_prior

    settings = example_settings()
    subs = [submission_from_prior(settings, a.code, 0.03) for a in settings.avdelningar]
    cons = consolidate(subs, settings)
    prior_net = sum(settings.prior_net(v.code, "budget") for v in settings.verksamheter)
    for key in (m.VIEW_DRIFT_AVDELNING, m.VIEW_DRIFT_VERKSAMHET, m.VIEW_DRIFT_DRIFTPOST):
        total = cons.views[key].total_row()
        assert total.values["budget_prior"] == prior_net
        assert total.values["budget_2027"] == cons.net_budget
    assert len(cons.views[m.VIEW_DRIFT_VERKSAMHET].data_rows()) == len(settings.verksamheter)
    assert cons.views[m.VIEW_DRIFT_AVDELNING].note.startswith(settings.source_budget)


def test_capital_note_prior_figure_counts_only_included_avdelningar(settings):
    # Only B returned; the prior-year capital cost (50 tkr) sits on A2, so the budget
    # increase is compared with B's prior-year capital cost: 0 tkr, not 50 tkr.
    cons = consolidate([drift_sub("B", B_LINES)], settings)
    text = cons.views[m.VIEW_KAPITALKOSTNADER].note
    assert "jämfört med budget 2026 för avdelningarna med godkänd inlämning (0 tkr)" in text
    assert "(0 tkr) är 0 tkr 2027" in text


def test_ram_source_line_recorded_while_loading_settings(tmp_path):
    # Valid TOML the old hand-written scanner misread: a comment after the table header,
    # and a `code` key after `ram`. The lines come from loading; consolidating reads no file.
    text = SMALL_TOML.format(sign="net_cost_positive")
    text = text.replace(
        '[[avdelningar]]\ncode = "A"', "[[avdelningar]] # Kommundirektör\ncode = 'A'"
    )
    text = text.replace(
        '[[avdelningar]]\ncode = "B"\nname = "Avdelning B"\nram = [500, 500, 500]',
        '[[avdelningar]]\n  name = "Avdelning B"\n  ram = [\n    500, 500, 500,\n  ]\n  code = "B"',
    )
    path = tmp_path / "budgetbook.toml"
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path)
    lines = text.splitlines()
    ram_a = lines.index("ram = [1000, 1000, 1000]") + 1
    ram_b = lines.index("  ram = [") + 1
    path.unlink()
    cons = consolidate([drift_sub("A", A_LINES), drift_sub("B", B_LINES)], settings)
    ram = cons.views[m.VIEW_RAM_AVDELNING]
    cells = [
        [(s.file, s.cell, s.avdelning) for s in m.each_source(r.sources["ram_2027"])]
        for r in ram.rows[:2]
    ]
    assert cells == [
        [("budgetbook.toml", f"rad {ram_a}", "A")],
        [("budgetbook.toml", f"rad {ram_b}", "B")],
    ]


def test_every_drift_view_names_its_cells_in_the_order_read(settings):
    # the drift figures are grouped once for all five views (issue 8): each list has the
    # prior-year file's lines first, then the returns' cells in avdelning and line order,
    # a verksamhet reported by another avdelning included
    subs = [
        drift_sub("A", {("A1", "intakter"): (1, 2, 3), ("A1", "personal"): (4, 5, 6)}),
        drift_sub("X", {("X1", "personal"): (7, 8, 9), ("A1", "personal"): (10, 11, 12)}),
    ]
    cons = consolidate(subs, settings)

    def cells(view: str, label: str, key: str) -> list[str]:
        row = next(r for r in cons.views[view].rows if r.label == label)
        return [f"{s.file}!{s.cell}" for s in m.each_source(row.sources.get(key, ()))]

    verksamhet = m.VIEW_DRIFT_VERKSAMHET
    assert cells(verksamhet, "Verksamhet A1", "budget_2027") == [
        "A.xlsx!F7",
        "A.xlsx!F8",
        "X.xlsx!F8",
    ]
    assert cells(verksamhet, "Verksamhet A1", "budget_prior") == [
        "prior.csv!rad 2",
        "prior.csv!rad 3",
    ]
    assert cells(verksamhet, "Verksamhet A1", "prognos_prior") == [
        "prior.csv!rad 2",
        "prior.csv!rad 3",
    ]
    assert cells(verksamhet, "X1", "plan_2029") == ["X.xlsx!H7"]
    personal = ["A.xlsx!G8", "X.xlsx!G7", "X.xlsx!G8"]
    assert cells(m.VIEW_DRIFT_DRIFTPOST, "Personalkostnader", "plan_2028") == personal
    prior = ["prior.csv!rad 3", "prior.csv!rad 4", "prior.csv!rad 7"]
    assert cells(m.VIEW_DRIFT_DRIFTPOST, "Personalkostnader", "budget_prior") == prior
    assert cells(m.VIEW_DRIFT_AVDELNING, "Avdelning A", "plan_2028") == ["A.xlsx!G7", "A.xlsx!G8"]
    assert cells(m.VIEW_DRIFT_AVDELNING, "X", "budget_2027") == ["X.xlsx!F7", "X.xlsx!F8"]
    brutto = m.VIEW_BRUTTO_AVDELNING
    assert cells(brutto, "Avdelning A", "revenue_prior") == ["prior.csv!rad 2"]
    assert cells(brutto, "Avdelning A", "cost_prior") == [
        "prior.csv!rad 3",
        "prior.csv!rad 4",
        "prior.csv!rad 5",
    ]
    assert cells(brutto, "Avdelning A", "net_2027") == ["A.xlsx!F7", "A.xlsx!F8"]
    assert cells(brutto, "X", "cost_2027") == ["X.xlsx!F7", "X.xlsx!F8"]
    ram = m.VIEW_RAM_AVDELNING
    assert cells(ram, "Avdelning A", "budget_2028") == ["A.xlsx!G7", "A.xlsx!G8"]
    assert cells(ram, "Avdelning A", "diff_2028") == [
        "A.xlsx!G7",
        "A.xlsx!G8",
        "budgetbook.toml!rad 42",
    ]
