"""The draft's bar chart per avdelning against the drift table, when a return is missing."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn

from budgetbook import actions
from qa_builders import fill, write_workspace


def test_chart_does_not_show_a_missing_avdelning_budget_as_zero(tmp_path: Path) -> None:
    """Kulturskolan has not returned its workbook: the drift table leaves its budget
    empty, so the chart beside it must not say (nor draw) a budget of 0 tkr, a figure
    that traces to no cell."""
    root = write_workspace(tmp_path / "kfn")
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    fill(templates["BIB"], root / "inbox" / "BIB.xlsx", [30000, 30500, 31000, 31500])
    fill(templates["FRI"], root / "inbox" / "FRI.xlsx", [20000] * 4)
    result = actions.run(root)
    draft = docx.Document(str(result.outputs["namndplan"]))
    alts = [d.get("descr") for d in draft.element.body.iter(qn("wp:docPr"))]
    chart = next(a for a in alts if a.startswith("Stapeldiagram över budget per avdelning"))
    # Kulturskolan's prior-year net cost is 13 000 − 3 000 tkr; the chart speaks of sizes
    # under costs_negative too (docs/consolidation.md), as the tables do not
    assert "Kulturskolan 10\u00a0000 och uppgift saknas" in chart
    assert "Fritidsavdelningen 19\u00a0500 och 20\u00a0000" in chart
