"""The summary's key-figure sentences compare like with like (the drift table's total row)."""

from __future__ import annotations

from budgetbook.consolidate import consolidate
from budgetbook.report.content import key_figure_sentences
from cons_builders import drift_sub, small_settings

A_LINES = {
    ("A1", "intakter"): (110, 110, 110),
    ("A1", "personal"): (650, 660, 670),
    ("A2", "personal"): (420, 430, 440),
    ("A2", "kapital"): (60, 60, 60),
}
B_LINES = {("B1", "personal"): (480, 490, 500)}


def test_every_avdelning_compared_with_the_whole_prior_budget(tmp_path):
    settings = small_settings(tmp_path)
    cons = consolidate([drift_sub("A", A_LINES), drift_sub("B", B_LINES)], settings)
    # 1 500 against 1 400: +100 tkr, +7 %
    assert key_figure_sentences(cons, settings)[1] == (
        "Det är 0,1 miljoner kronor mer än budgeten för 2026 (7\u00a0%)."
    )


def test_missing_avdelning_compared_like_for_like_and_named(tmp_path):
    settings = small_settings(tmp_path)
    cons = consolidate([drift_sub("A", A_LINES)], settings)
    # A alone: 1 020 against A's 950 (+70 tkr, +7 %), not against all 1 400 (−380 tkr)
    sentence = key_figure_sentences(cons, settings)[1]
    assert sentence.startswith("Det är 0,1 miljoner kronor mer än budgeten för 2026")
    assert "(7\u00a0%)" in sentence
    assert "Avdelning B" in sentence


def test_small_change_is_not_called_zero_million_more_or_less(tmp_path):
    """Audit: the example round with Kommunstyrelsens reserv's ram raised by 1 860 tkr
    budgets 25 tkr less than 2026; the summary said "Det är 0,0 miljoner kronor mindre än
    budgeten för 2026 (0 %)", a change of nothing that is still "mindre". Below 0,05
    miljoner kronor the change is given in tkr, and a share that rounds to 0 % is left
    to the table. Real files: the example's templates
    filled by the example filler, collected, consolidated and written to Word."""
    import docx

    from budgetbook import actions
    from budgetbook.example import write_example_returns

    root = tmp_path / "ws"
    actions.init(root)
    toml = root / "budgetbook.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        text.replace("ram = [40000, 40000, 40000]", "ram = [41860, 41860, 41860]"),
        encoding="utf-8",
    )
    settings = actions.open_workspace(root).settings()
    write_example_returns(settings, actions.templates(root), root / "inbox")
    actions.run(root)
    doc = docx.Document(str(root / "output" / "namndplan_2027.docx"))
    summary = next(p.text for p in doc.paragraphs if "driftbudget för 2027" in p.text)
    assert "0,0 miljoner" not in summary
    # and without "(0 %)" beside "mindre": the drift table shows the 0 %
    assert "Det är 25 tkr mindre än budgeten för 2026." in summary, summary


def test_change_share_has_the_sign_the_drift_table_shows_under_costs_negative(tmp_path):
    """QA (Socialnämnden, costs_negative): the summary said "1,9 miljoner kronor mindre
    än budgeten för 2026 (−1 %)" while the drift table's total row showed "1 885" and
    "1 %". The share is a size, as the amount is; "mindre" gives the direction."""
    from budgetbook.fmt import Convention
    from budgetbook.model import VIEW_DRIFT_AVDELNING, RowKind
    from budgetbook.report.table_measure import format_value

    settings = small_settings(tmp_path, sign="costs_negative")
    # 1 300 against 1 400: 100 tkr less, shown under costs_negative as +100 and +7 %
    less = {**A_LINES, ("A1", "personal"): (450, 460, 470)}
    cons = consolidate([drift_sub("A", less), drift_sub("B", B_LINES)], settings)
    table = cons.views[VIEW_DRIFT_AVDELNING]
    total = next(r for r in table.rows if r.kind is RowKind.TOTAL)
    column = next(c for c in table.columns if c.key == "chg_bb_pct")
    shown = format_value(table, column, total, Convention("costs_negative"))
    assert shown == "7\u00a0%"
    assert key_figure_sentences(cons, settings)[1] == (
        "Det är 0,1 miljoner kronor mindre än budgeten för 2026 (7\u00a0%)."
    )


def test_change_share_is_a_size_under_net_cost_positive_too(tmp_path):
    """The same change under net_cost_positive: "mindre … (7 %)", not "(−7 %)"."""
    settings = small_settings(tmp_path)
    less = {**A_LINES, ("A1", "personal"): (450, 460, 470)}
    cons = consolidate([drift_sub("A", less), drift_sub("B", B_LINES)], settings)
    assert key_figure_sentences(cons, settings)[1] == (
        "Det är 0,1 miljoner kronor mindre än budgeten för 2026 (7\u00a0%)."
    )


def test_no_investments_is_not_called_zero_million(tmp_path):
    """QA (Socialnämnden without investments): the summary and the Investeringsbudget
    section said "Socialnämndens investeringsbudget för 2027 är 0,0 miljoner kronor"."""
    settings = small_settings(tmp_path)
    cons = consolidate([drift_sub("A", A_LINES), drift_sub("B", B_LINES)], settings)
    assert key_figure_sentences(cons, settings)[-1] == (
        "Kommunstyrelsen har inga investeringar budgeterade för 2027."
    )


def test_investments_only_in_later_years_and_small_ones_in_tkr(tmp_path):
    """A plan with nothing in the budget year but 40 tkr later said "0,0 miljoner kronor"
    twice; below 0,05 miljoner kronor the amount is given in tkr."""
    from cons_builders import project

    settings = small_settings(tmp_path)
    later = project("P1", "Skåp", "IT", "ny", {2028: 40})
    cons = consolidate(
        [drift_sub("A", A_LINES, projects=[later]), drift_sub("B", B_LINES)], settings
    )
    assert key_figure_sentences(cons, settings)[-1] == (
        "Kommunstyrelsen har inga investeringar budgeterade för 2027, men 40 tkr för hela perioden "
        "2027–2030."
    )
    small = project("P1", "Skåp", "IT", "ny", {2027: 30, 2028: 10})
    cons = consolidate(
        [drift_sub("A", A_LINES, projects=[small]), drift_sub("B", B_LINES)], settings
    )
    assert key_figure_sentences(cons, settings)[-1] == (
        "Kommunstyrelsens investeringsbudget för 2027 är 30 tkr och 40 tkr för hela perioden "
        "2027–2030."
    )
