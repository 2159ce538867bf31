"""The draft's bar chart per avdelning against the drift table, when a return is missing."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.oxml.ns import qn

from budgetbook import actions
from qa_builders import fill, write_workspace


def _draft_without_kulturskolan(tmp_path: Path) -> docx.document.Document:
    """The draft of a round where BIB and FRI have returned and Kulturskolan has not."""
    root = write_workspace(tmp_path / "kfn")
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    fill(templates["BIB"], root / "inbox" / "BIB.xlsx", [30000, 30500, 31000, 31500])
    fill(templates["FRI"], root / "inbox" / "FRI.xlsx", [20000] * 4)
    result = actions.run(root)
    draft = docx.Document(str(result.outputs["namndplan"]))
    return draft


def test_chart_does_not_show_a_missing_avdelning_budget_as_zero(tmp_path: Path) -> None:
    """Kulturskolan has not returned its workbook: the drift table leaves its budget
    empty, so the chart beside it must not say (nor draw) a budget of 0 tkr, a figure
    that traces to no cell."""
    draft = _draft_without_kulturskolan(tmp_path)
    alts = [d.get("descr") for d in draft.element.body.iter(qn("wp:docPr"))]
    chart = next(a for a in alts if a.startswith("Stapeldiagram över budget per avdelning"))
    # Kulturskolan's prior-year net cost is 13 000 − 3 000 tkr; the chart speaks of sizes
    # under costs_negative too (docs/consolidation.md), as the tables do not
    assert "Kulturskolan 10\u00a0000 och uppgift saknas" in chart
    assert "Fritidsavdelningen 19\u00a0500 och 20\u00a0000" in chart


def test_the_note_under_the_chart_names_the_avdelning_without_a_bar(tmp_path: Path) -> None:
    """Review: mid-round Diagram 1 drew the missing avdelningar's prior-year bar and no
    bar for the budget year, and only the alt text said why. The note under the chart
    (in the look and words of the tables' notes) names them and says why."""
    draft = _draft_without_kulturskolan(tmp_path)
    body = list(draft.element.body)
    caption = next(i for i, e in enumerate(body) if "".join(e.itertext()).startswith("Diagram 1:"))
    year = re.search(r"och (\d{4}), tkr", body[caption].xpath("string(.)")).group(1)
    picture, note = body[caption + 1], body[caption + 2]
    assert picture.find(".//" + qn("wp:docPr")) is not None
    style = note.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val"))
    assert style == "Kllnot"  # the Källnot style of the notes under the tables
    assert note.xpath("string(.)") == (
        f"Godkänd inlämning saknas för Kulturskolan; diagrammet visar ingen stapel för "
        f"dess budget {year}."
    )
    # kept on the page of the picture, as a table's note is kept with its table
    assert picture.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
