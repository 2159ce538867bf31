"""One definition each for what consolidation, checks and the schema share."""

from __future__ import annotations

from budgetbook import model as m
from budgetbook.consolidate import consolidate
from budgetbook.consolidate_inv import projects_of
from budgetbook.schema import build_schema, year_key
from budgetbook.tablebuild import (
    INCLUDED_TOTAL,
    PROJECTS_MISSING,
    RAM_MISSING,
    in_avdelning_order,
    included_total,
    missing_note,
)
from cons_builders import drift_sub, example_settings, project, small_settings


def test_year_key_names_the_schema_drift_columns(tmp_path):
    settings = small_settings(tmp_path)
    drift = build_schema(settings).sheet("drift")
    assert [year_key(settings, y) for y in settings.years] == [
        "budget_2027",
        "plan_2028",
        "plan_2029",
    ]
    for y in settings.years:
        assert drift.column(year_key(settings, y)).year == y


def test_missing_avdelning_notes_share_one_sentence(tmp_path):
    settings = small_settings(tmp_path)
    cons = consolidate([drift_sub("A", {("A1", "personal"): (1, 1, 1)})], settings)
    inv = cons.views[m.VIEW_INV_KATEGORI].note
    assert inv.endswith(missing_note(settings, {"A"}, PROJECTS_MISSING))
    assert inv == (
        "Källa: avdelningarnas inlämnade budgetunderlag. "
        "Godkänd inlämning saknas för Avdelning B; dess projekt ingår inte."
    )
    for key in (m.VIEW_INV_PAGAENDE, m.VIEW_INV_NYA):
        # a source note under every investment table, not only under the drift tables
        assert cons.views[key].note.startswith("Källa: avdelningarnas inlämnade budgetunderlag.")
    assert missing_note(settings, {"A"}) in cons.views[m.VIEW_DRIFT_AVDELNING].note
    assert missing_note(settings, {"A", "B"}, PROJECTS_MISSING) == ""
    # the decided totals have no budget or plan amounts and no change (review): the
    # investment views' sentence, not the drift views'
    decided = cons.views[m.VIEW_INV_BESLUTAD].note
    assert decided.endswith(missing_note(settings, {"A"}, PROJECTS_MISSING))
    assert "planbelopp" not in decided and "förändringen" not in decided


def test_decided_totals_grand_total_adds_up_across_its_columns(tmp_path):
    """A project without a decided total counts only in Summa. The grand total read
    35 100 / 26 000 / 13 900 (review): the decided total and its difference of the
    projects with a decision beside the plan of all, 35 100 − 26 000 ≠ 13 900. It shows
    those two columns only when every project has a decided total; the subtotals keep
    their group's sums, and the note names a subtotal whose group mixes."""
    settings = small_settings(tmp_path)
    land = project("P1", "Tomtköp", "Mark", "Pågående", {2027: 20000}, 25000)
    system = project("P2", "Nytt system", "IT", "Ny", {2027: 3000})
    decided_system = project("P3", "Nytt system", "IT", "Ny", {2027: 3000}, 3500)
    computers = project("P4", "Datorer", "IT", "Pågående", {2028: 600})

    def view(*projects):
        cons = consolidate([drift_sub("A", {}, projects=list(projects))], settings)
        table = cons.views[m.VIEW_INV_BESLUTAD]
        by_label = {r.label: r.values for r in table.rows}
        return table, by_label

    # every project decided: the grand total shows all three, and they add up
    table, rows = view(land, decided_system)
    total = rows["Summa investeringar"]
    assert (total["decided_total"], total["sum"], total["diff"]) == (28500, 23000, 5500)
    assert "Projekt utan beslutad totalutgift" not in table.note

    # the new project undecided: the plan's sum only; each subtotal reads consistently
    table, rows = view(land, system)
    total = rows["Summa investeringar"]
    assert (total["decided_total"], total["sum"], total["diff"]) == (None, 23000, None)
    assert [rows["Summa pågående projekt"][k] for k in ("decided_total", "sum", "diff")] == [
        25000,
        20000,
        5000,
    ]
    assert rows["Summa nya projekt"]["decided_total"] is None
    assert "Projekt utan beslutad totalutgift ingår bara i kolumnen Summa 2027–2030" in (table.note)
    assert "raden Summa investeringar visar ingen beslutad totalutgift" in table.note
    assert "På raden" not in table.note  # no subtotal mixes

    # an ongoing project undecided: its subtotal sums the decided one, as the note says
    table, rows = view(land, computers, decided_system)
    assert rows["Summa investeringar"]["decided_total"] is None
    assert rows["Summa pågående projekt"]["decided_total"] == 25000
    assert rows["Summa pågående projekt"]["sum"] == 20600
    assert (
        "På raden Summa pågående projekt avser Beslutad totalutgift och Beslutad − summa "
        "bara projekten med beslut." in table.note
    )


def test_returns_and_projects_in_settings_order(tmp_path):
    settings = small_settings(tmp_path)
    p_a = project("PA", "Projekt A", "IT", "Ny", {2027: 100})
    p_b = project("PB", "Projekt B", "IT", "Ny", {2027: 100})
    subs = [
        drift_sub("X", {}),  # unknown to settings: last
        drift_sub("B", {}, projects=[p_b]),
        drift_sub("A", {}, projects=[p_a]),
    ]
    assert [s.avdelning for s in in_avdelning_order(subs, settings)] == ["A", "B", "X"]
    assert [p.project.id for p in projects_of(subs, settings)] == ["PA", "PB"]


def test_source_sheet_names_come_from_the_schema():
    # the department workbook's sheet names are defined once, in schema.build_schema
    from pathlib import Path

    import budgetbook

    src = Path(budgetbook.__file__).parent
    for module in ("consolidate.py", "consolidate_inv.py", "capital.py"):
        text = (src / module).read_text(encoding="utf-8")
        for name in ('"Drift"', '"Investeringar"', '"Risker"'):
            assert name not in text, f"{module} hard-codes {name}"
    # ... as schema's constants, which build_schema itself uses
    from budgetbook import schema

    built = schema.build_schema(example_settings())
    assert built.sheet("drift").name == schema.DRIFT_SHEET
    assert built.sheet("investeringar").name == schema.INVESTMENT_SHEET
    assert built.sheet("risker").name == schema.RISK_SHEET


def test_ram_note_says_a_missing_avdelnings_ram_is_in_the_total_but_not_its_difference(tmp_path):
    # Summa showed budget 153 200, ram 339 500 and differens 0 with returns missing, and the
    # note spoke only of "förändringen": a balanced nämnd at a glance (review rev2)
    settings = small_settings(tmp_path)
    cons = consolidate([drift_sub("A", {("A1", "personal"): (1, 1, 1)})], settings)
    ram = cons.views[m.VIEW_RAM_AVDELNING]
    assert ram.note.endswith(missing_note(settings, {"A"}, RAM_MISSING))
    assert "Dess budget och differens är tomma" in ram.note
    assert "Nämndens summarad visar bara ramarna" in ram.note
    assert "förändringen" not in ram.note
    missing = next(r for r in ram.rows if r.label == "Avdelning B")
    year = settings.budget_year
    assert missing.values[f"ram_{year}"] is not None
    assert missing.values[f"budget_{year}"] is None and missing.values[f"diff_{year}"] is None


def test_ram_total_has_no_difference_while_a_return_is_missing(tmp_path):
    # Summa showed budget 324 200, ram 339 500, differens 0: the returned avdelningar's
    # differences beside the whole ram read as "the nämnd is within its ram". Now the
    # returned avdelningar's budget, ram and difference stand on a row of their own, and
    # the nämnd's row has only the ram, which is known for every avdelning
    settings = small_settings(tmp_path)
    one = [drift_sub("A", {("A1", "personal"): (1, 1, 1)})]
    ram = consolidate(one, settings).views[m.VIEW_RAM_AVDELNING]
    a, b = ram.data_rows()
    like, total = ram.rows[-2:]
    assert like.label == INCLUDED_TOTAL and like.kind is m.RowKind.TOTAL
    assert total.label == "Summa kommunstyrelsen"
    for y in settings.years:
        for key in (f"budget_{y}", f"ram_{y}", f"diff_{y}"):
            assert like.values[key] == a.values[key], key
        assert total.values[f"ram_{y}"] == a.values[f"ram_{y}"] + b.values[f"ram_{y}"]
        assert total.values[f"budget_{y}"] is None and total.values[f"diff_{y}"] is None
    both = [*one, drift_sub("B", {("B1", "personal"): (2, 2, 2)})]
    ram = consolidate(both, settings).views[m.VIEW_RAM_AVDELNING]
    total = ram.total_row()
    for y in settings.years:
        assert total.values[f"diff_{y}"] == sum(r.values[f"diff_{y}"] for r in ram.data_rows())


def test_missing_note_speaks_of_one_avdelning_in_the_singular(tmp_path):
    # "Godkänd inlämning saknas för Portföljstyrning. Deras ram …" read as a slip
    settings = small_settings(tmp_path)
    one = missing_note(settings, {"A"}, RAM_MISSING)
    assert "Dess budget och differens" in one and "eras" not in one
    two = missing_note(settings, set(), RAM_MISSING)
    assert "Avdelning A och Avdelning B. Deras budget och differens" in two


def test_a_return_with_empty_lines_has_one_namnd_total_in_every_drift_view(tmp_path):
    # hypothesis found it: a return whose lines are all empty showed 0 per avdelning but
    # an empty total per verksamhet (its verksamhet rows counted as "no return")
    settings = small_settings(tmp_path)
    for avdelning, verksamhet in (("X", "X1"), ("X", "A1"), ("A", "A1")):
        line = m.DriftLine(verksamhet, "personal", {})
        sub = m.Submission(avdelning, "r.xlsx", m.Path("r.xlsx"), year=2027, drift=[line])
        cons = consolidate([sub], settings)
        # (the total over the returns: the nämnd's has no budget while A or B is missing)
        totals = {
            key: included_total(cons.views[key]).values["budget_2027"]
            for key in (m.VIEW_DRIFT_AVDELNING, m.VIEW_DRIFT_VERKSAMHET, m.VIEW_DRIFT_DRIFTPOST)
        }
        assert set(totals.values()) == {0}, (avdelning, verksamhet, totals)


def test_only_figures_read_from_a_file_carry_sources(tmp_path):
    # totals and changes are computed in the table (Källor says so); copying every
    # cell's source onto them was ~50 MB at N = 1000 that no output read
    settings = small_settings(tmp_path)
    cons = consolidate([drift_sub("A", {("A1", "personal"): (5, 6, 7)})], settings)
    for key in (m.VIEW_DRIFT_AVDELNING, m.VIEW_DRIFT_VERKSAMHET, m.VIEW_DRIFT_DRIFTPOST):
        table = cons.views[key]
        for row in table.rows:
            if row.kind is not m.RowKind.DATA:
                assert row.sources == {}, (key, row.label)
            assert not any(k.startswith("chg_") for k in row.sources), (key, row.label)
    a = cons.views[m.VIEW_DRIFT_AVDELNING].rows[0]
    assert [s.cell for s in m.each_source(a.sources["budget_2027"])] == ["F7"]


def test_views_share_sources_that_cannot_be_changed(tmp_path):
    # a figure shown in two views (per avdelning and against ram; a prior year's budget
    # and prognos) has one set of sources: immutable, so appending or sorting in place
    # for one view can never change the other
    settings = small_settings(tmp_path)
    cons = consolidate(
        [drift_sub("A", {("A1", "personal"): (5, 6, 7), ("A1", "intakter"): (1, 1, 1)})],
        settings,
    )
    avd = cons.views[m.VIEW_DRIFT_AVDELNING].rows[0].sources
    ram = cons.views[m.VIEW_RAM_AVDELNING].rows[0].sources
    assert ram["budget_2027"] is avd["budget_2027"]
    assert avd["prognos_prior"] is avd["budget_prior"]
    for table in cons.views.values():
        for row in table.rows:
            for sources in row.sources.values():
                assert type(sources) is tuple and sources, (table.key, row.label)
                for group in sources:
                    assert type(group) is m.SourceGroup and type(group.cells) is tuple
                # each file and sheet once per figure
                assert len({g.at for g in sources}) == len(sources), (table.key, row.label)
    shared = avd["budget_2027"]
    before = list(m.each_source(shared))
    diff = m.join_sources(shared, ram["ram_2027"])
    assert list(m.each_source(diff)) == [*before, *m.each_source(ram["ram_2027"])]
    assert list(m.each_source(shared)) == before  # joining copies, never extends


def test_joined_sources_keep_each_file_once_in_the_order_first_seen():
    a = m.SourceFile("A.xlsx", "Drift", "A")
    b = m.SourceFile("B.xlsx", "Drift", "B")
    a_again = m.SourceFile("A.xlsx", "Drift", "A")  # equal, not the same object
    one, two = m.sources_at(a, ["F7"]), m.sources_at(b, ["F7", "F8"])
    assert m.join_sources(one) is one and m.join_sources((), one, ()) is one
    assert m.join_sources() == () and m.sources_at(a, []) == ()
    assert m.join_sources(one, m.sources_at(a_again, ["G7"])) == ((a, ("F7", "G7")),)
    assert m.join_sources(one, two) == ((a, ("F7",)), (b, ("F7", "F8")))
    assert m.join_sources(one, two, m.sources_at(a_again, ["H7"])) == (
        (a, ("F7", "H7")),
        (b, ("F7", "F8")),
    )
    flat = [m.Source("A.xlsx", "Drift", "F7", "A"), m.Source("B.xlsx", "Drift", "F9", "B")]
    grouped = m.group_sources([*flat, m.Source("A.xlsx", "Drift", "F8", "A")])
    assert grouped == ((a, ("F7", "F8")), (b, ("F9",)))
    assert list(m.each_source(grouped)) == [flat[0], m.Source(*flat[0][:2], "F8", "A"), flat[1]]


def test_notes_name_missing_avdelningar_as_prose_and_at_most_ten(tmp_path):
    """A kommun early in its round has hundreds of avdelningar without a return: the
    note under every table named each one, comma-joined (as BB409 did before it was
    fixed), and the draft's summary sentence did the same with its own copy of the
    joining rule. Both now read "A, B och C" and count past ten."""
    import dataclasses

    from budgetbook.report.content import _comparison_sentence
    from budgetbook.settings import Avdelning

    settings = small_settings(tmp_path)
    many = [
        Avdelning(f"X{i:02d}", f"Enhet {i}", dict(settings.avdelningar[0].ram)) for i in range(13)
    ]
    three = dataclasses.replace(settings, avdelningar=[*settings.avdelningar[:1], *many[:3]])
    assert missing_note(three, {"A"}).startswith(
        "Godkänd inlämning saknas för Enhet 0, Enhet 1 och Enhet 2."
    )
    wide = dataclasses.replace(settings, avdelningar=[*settings.avdelningar[:1], *many])
    note_text = missing_note(wide, {"A"}, PROJECTS_MISSING)
    assert note_text == (
        "Godkänd inlämning saknas för "
        + ", ".join(f"Enhet {i}" for i in range(10))
        + " och 3 till; deras projekt ingår inte."
    )
    cons = consolidate([drift_sub("A", {("A1", "personal"): (1, 1, 1)})], wide)
    sentence = _comparison_sentence(cons, wide, wide.prior_year)
    assert "Enhet 9 och 3 till" in sentence and "Enhet 12" not in sentence
