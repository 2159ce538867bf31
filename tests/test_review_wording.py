"""Wording a review of the draft and the templates found: the Internkontrollplan names
the avdelningar each point belongs to; thresholds and rates read as Swedish."""

from __future__ import annotations

from dataclasses import replace

from budgetbook.model import ControlPoint
from budgetbook.report import content
from report_builders import example_consolidation, example_settings


def test_a_shared_control_point_names_every_avdelning():
    # merge_controls joins the codes ("FMO, PERS"); looked up as one code it matched no
    # avdelning, so a shared point named none while a single one did (review)
    settings = example_settings()
    a, b, c = settings.avdelningar[:3]
    points = [
        ControlPoint("Attest", "Fel attest", avdelning=f"{a.code}, {b.code}"),
        ControlPoint("Inköp", "Utanför avtal", avdelning=c.code),
        ControlPoint("Lön", "Fel lön", avdelning=""),
    ]
    cons = replace(example_consolidation(settings), controls=points)
    labels = [r.values["label"] for r in content.controls_table(cons, settings).rows]
    assert labels == [
        f"Attest\n({a.name} och {b.name})",
        f"Inköp\n({c.name})",
        "Lön",
    ]


def test_instructions_state_a_decimal_threshold_in_swedish():
    # "mer än 2.5 % och mer än 500 tkr": a decimal point, and ordinary spaces that let
    # "%" and "tkr" wrap onto a line of their own in the Instruktioner sheet (review)
    from budgetbook import templates_text
    from budgetbook.schema import build_schema

    settings = replace(example_settings(), change_threshold_pct=2.5)
    avd = settings.avdelningar[0]
    lines = templates_text.instructions_lines(settings, build_schema(settings), avd)
    (rule,) = (text for _, title, text in lines if title == "Stora förändringar")
    assert rule.startswith("En rad som ändras mer än 2,5\u00a0% och mer än 500\u00a0tkr mot")
