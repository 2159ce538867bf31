"""The draft's two charts against the tables beside them, under each sign convention.

Under `sign_convention = "costs_negative"` every amount of the drift and investment
tables carries a minus sign, while both charts draw the net cost and the investment
spend as bars upwards with unsigned labels ("14 290" above the column beside a table
whose total reads "−14 290"), and nothing said why. The bars stay upwards, as decided in
docs/consolidation.md (bars below the axis read as a deficit, and Swedish budget and
annual reports draw nettoinvesteringar and nettokostnader as sizes whatever their
tables' sign); the chart now says what it draws (the axis: "Nettokostnad, tkr",
"Utgifter, tkr") and, under costs_negative, its caption and alt text say the amounts
are shown without the tables' minus sign."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from budgetbook import fmt
from budgetbook.model import VIEW_DRIFT_AVDELNING, RowKind
from budgetbook.report import charts, draft_charts, namndplan
from report_builders import example_consolidation, example_settings

MINUS = "\u2212"
UNSIGNED = "utan minustecken"


def _draft(tmp_path: Path, convention: str):
    settings = replace(example_settings(), sign_convention=convention)
    cons = example_consolidation(settings)
    path = namndplan.write_namndplan(cons, settings, tmp_path / f"{convention}.docx")
    return docx.Document(str(path))


def _captions(document) -> list[str]:
    return [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Caption"
    ]


def _asked(name: str) -> dict[str, tuple]:
    """What each chart asks the painter to draw (function name -> its arguments)."""
    settings = replace(example_settings(), sign_convention=name)
    cons = example_consolidation(settings)
    asked: dict[str, tuple] = {}

    def submit(draw, *args):
        asked[draw.__name__] = args
        return lambda: b""

    class Builder:  # what avdelning_chart reads of the DocBuilder
        colours = ["4472C4"] * 6
        chart_height_cm = 20.0
        convention = fmt.Convention(name)

    builder: Any = Builder()
    draft_charts.avdelning_chart(cons.views[VIEW_DRIFT_AVDELNING], cons.year, builder, submit)
    draft_charts.investment_chart(cons, settings, Builder.colours, submit)
    return asked


@pytest.mark.parametrize("convention", ["net_cost_positive", "costs_negative"])
def test_the_axes_say_what_the_bars_are(convention: str) -> None:
    asked = _asked(convention)
    assert asked["grouped_bars"][3] == "Nettokostnad, tkr"
    assert asked["stacked_columns"][3] == "Utgifter, tkr"
    # the bars themselves are sizes in both conventions (docs/consolidation.md)
    series = asked["stacked_columns"][1]
    assert all(v >= 0 for _, values in series for v in values)


def test_under_costs_negative_the_captions_say_the_minus_is_left_out(tmp_path: Path) -> None:
    document = _draft(tmp_path, "costs_negative")
    figures = [c for c in _captions(document) if c.startswith("Diagram")]
    assert len(figures) == 2 and all(c.endswith(f"{UNSIGNED})") for c in figures), figures
    assert "nettokostnaderna" in figures[0] and "utgifterna" in figures[1]
    alts = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    assert len(alts) == 2 and all(UNSIGNED in a and MINUS not in a for a in alts), alts


def test_under_net_cost_positive_nothing_needs_saying(tmp_path: Path) -> None:
    document = _draft(tmp_path, "net_cost_positive")
    figures = [c for c in _captions(document) if c.startswith("Diagram")]
    assert len(figures) == 2 and not any("minustecken" in c for c in figures)
    alts = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    assert not any("minustecken" in a for a in alts)


def test_the_axis_label_is_drawn() -> None:
    """The label reaches the picture (a wider one changes the drawing)."""
    plain = charts.stacked_columns(["2027"], [("Nya", [5.0])], ["4472C4"])
    said = charts.stacked_columns(["2027"], [("Nya", [5.0])], ["4472C4"], "Utgifter, tkr")
    assert plain != said


def test_a_caption_with_its_own_parenthesis_gets_one(tmp_path: Path) -> None:
    """With many avdelningar the caption already ends "(alla avdelningar i tabellen
    nedan)": the sign is said inside it, not in a second parenthesis right after."""
    settings = replace(example_settings(), sign_convention="costs_negative")
    cons = example_consolidation(settings)
    table = cons.views[VIEW_DRIFT_AVDELNING]
    template = table.data_rows()[0]
    many = [replace(template, label=f"Avdelning {i:02d}") for i in range(40)]
    rest = [r for r in table.rows if r.kind is not RowKind.DATA]
    cons.views[VIEW_DRIFT_AVDELNING] = replace(table, rows=[*many, *rest])
    path = namndplan.write_namndplan(cons, settings, tmp_path / "many.docx")
    first = next(c for c in _captions(docx.Document(str(path))) if c.startswith("Diagram 1"))
    assert first.endswith(
        "(alla avdelningar i tabellen nedan; nettokostnaderna visas utan minustecken)"
    )
    assert first.count("(") == 1
