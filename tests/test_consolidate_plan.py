"""Goals, indicators, uppdrag, internal control and texts merged across avdelningar."""

from __future__ import annotations

import pytest

from budgetbook import model as m
from budgetbook.consolidate import consolidate
from cons_builders import drift_sub, small_settings


@pytest.fixture
def settings(tmp_path):
    return small_settings(tmp_path)


def sub(avd, **extra):
    return drift_sub(avd, {}, **extra)


def test_goals_follow_settings_order_and_duplicates_are_shown_once(settings):
    a = sub(
        "A",
        goals=[
            m.GoalRow("1.1", "Andel trygga", values={2025: "60"}, target="70", comment="Enkät"),
            m.GoalRow("2.1 God budgetföljsamhet", "Prognosavvikelse", target="1 %"),
        ],
    )
    b = sub(
        "B",
        goals=[
            m.GoalRow("1.1", "  andel  TRYGGA ", values={2026: "62"}, target="75"),
            m.GoalRow("9.9", "Okänt mål", target="1"),
        ],
    )
    cons = consolidate([b, a], settings)
    assert [g.code for g in cons.goals] == ["1", "2"]
    kf1, kf2 = cons.goals
    assert [i.name for i in kf1.indicators] == ["Trygghetsindex"]
    assert kf1.indicators[0].values == {2025: "60", 2026: "62"}
    assert [g.code for g in kf1.namnd_goals] == ["1.1"]
    (ind,) = kf1.namnd_goals[0].indicators
    # A comes before B in settings, so A's wording, values and target lead
    assert (ind.name, ind.target, ind.avdelningar) == ("Andel trygga", "70", ["A", "B"])
    assert ind.values == {2025: "60", 2026: "62"}
    assert ind.comments == ["Enkät"]
    assert [i.name for i in kf2.namnd_goals[0].indicators] == ["Prognosavvikelse"]
    dup = [p for p in cons.problems if p.code == "BB409"]
    assert len(dup) == 1
    assert "Andel trygga" in dup[0].message and "Avdelning A och Avdelning B" in dup[0].message


def test_an_indicator_of_many_avdelningar_names_ten_and_counts_the_rest(settings):
    """A shared indicator (sickness absence, say) reported by every unit of a large
    kommun: the warning names ten and counts the rest instead of listing hundreds."""
    codes = [f"X{i:03d}" for i in range(1, 15)]
    subs = [sub(code, goals=[m.GoalRow("1.1", "Sjukfrånvaro", target="5 %")]) for code in codes]
    (dup,) = [p for p in consolidate(subs, settings).problems if p.code == "BB409"]
    assert f"redovisas av {', '.join(codes[:10])} och 4 till." in dup.message
    assert "X011" not in dup.message


def test_uppdrag_from_settings_get_status_and_new_ones_are_merged(settings):
    a = sub(
        "A",
        uppdrag=[
            m.Uppdrag("Ta fram ett  trygghetsprogram.", status="Klar", comment="Antaget."),
            m.Uppdrag("Digitalisera arkivet.", 2027, "Påbörjad"),
        ],
    )
    b = sub(
        "B",
        uppdrag=[
            m.Uppdrag("ta fram ett trygghetsprogram.", status="Påbörjad", comment="B:s del pågår."),
            m.Uppdrag("Digitalisera arkivet.", 2027, "Ej påbörjad"),
        ],
    )
    cons = consolidate([a, b], settings)
    texts = [(u.text, u.start, u.status, u.avdelning) for u in cons.uppdrag]
    assert texts == [
        ("Ta fram ett trygghetsprogram.", 2026, "Påbörjad", "A, B"),
        ("Digitalisera arkivet.", 2027, "Ej påbörjad", "A, B"),
    ]
    assert cons.uppdrag[0].comment == "Antaget. B:s del pågår."


def test_unreported_uppdrag_of_a_missing_return_says_its_status_is_missing(settings):
    """A's return is missing: its uppdrag is listed with "Uppgift saknas", not with an
    empty status as if A had left it blank."""
    cons = consolidate([sub("B")], settings)
    assert [(u.text, u.status, u.avdelning) for u in cons.uppdrag] == [
        ("Ta fram ett trygghetsprogram.", "Uppgift saknas", "A")
    ]


def test_uppdrag_left_without_status_by_a_return_stays_empty(settings):
    """A's return is in but says nothing of A's uppdrag: its status is empty as before
    (only a missing return makes it "Uppgift saknas")."""
    cons = consolidate([sub("A"), sub("B")], settings)
    assert [(u.text, u.status) for u in cons.uppdrag] == [("Ta fram ett trygghetsprogram.", "")]


def test_controls_merged(settings):
    a = sub(
        "A", controls=[m.ControlPoint("Ekonomi", "Felaktiga utbetalningar", "Stickprov", "", 6)]
    )
    b = sub(
        "B",
        controls=[
            m.ControlPoint("ekonomi", "Felaktiga  utbetalningar", "Attestkontroll", "", 9),
            m.ControlPoint("IT", "Intrång", "Loggranskning", "Årsredovisning", 12),
        ],
    )
    cons = consolidate([b, a], settings)
    assert [(c.risk, c.avdelning, c.riskvarde, c.kontrollmetod) for c in cons.controls] == [
        ("Felaktiga utbetalningar", "A, B", 9, "Stickprov Attestkontroll"),
        ("Intrång", "B", 12, "Loggranskning"),
    ]


def test_texts_in_avdelning_and_section_order(settings):
    a = sub("A", texts={"budget": "A budget", "verksamhet": "A verksamhet", "okand": "x"})
    b = sub("B", texts={"verksamhet": "  ", "budget": "B budget"})
    cons = consolidate([b, a], settings)
    assert [(t.avdelning, t.section, t.title, t.text) for t in cons.texts] == [
        ("A", "verksamhet", "Verksamhetens inriktning", "A verksamhet"),
        ("A", "budget", "Kommentar till budgeten", "A budget"),
        ("B", "budget", "Kommentar till budgeten", "B budget"),
    ]
    assert cons.texts[0].avdelning_name == "Avdelning A"


def test_one_return_per_avdelning(settings):
    old = drift_sub("A", {("A1", "personal"): (1, 1, 1)}, file="A_old.xlsx")
    new = drift_sub("A", {("A1", "personal"): (2, 2, 2)}, file="A_new.xlsx")
    cons = consolidate([old, new], settings)
    assert cons.views[m.VIEW_DRIFT_VERKSAMHET].rows[0].values["budget_2027"] == 2
    assert cons.avdelningar_included == ["A"]
