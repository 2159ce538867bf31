"""A nämndmål no return reports an indicator for is treated as an empty section: the
draft says so under it (`empty_sections = "mark"`) and the Bilaga lists it (review of
the board-facing outputs).

The example round with every return in, then every indicator row for nämndmål 1.1
cleared from the filled returns with openpyxl (as a department head deletes a row's
contents), collected, consolidated and written to Word.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import openpyxl

from budgetbook import actions
from budgetbook.example import write_example_returns
from budgetbook.schema import build_schema

GOAL = "1.1"
NONE_REPORTED = "Inga indikatorer har redovisats för nämndmålet."


def _round_without_indicators(root: Path, empty_sections: str, missing: str = "") -> Path:
    """The example round with no indicator under nämndmål GOAL; `missing`: the name of
    an avdelning whose return is left out too. Returns the Word draft's path."""
    actions.init(root)
    toml = root / "budgetbook.toml"
    text = toml.read_text(encoding="utf-8")
    text, n = re.subn(r'(?m)^empty_sections = "\w+"', f'empty_sections = "{empty_sections}"', text)
    assert n == 1
    toml.write_text(text, encoding="utf-8")
    settings = actions.open_workspace(root).settings()
    write_example_returns(settings, actions.templates(root), root / "inbox")
    sheet = build_schema(settings).sheet("mal")
    goal_col = sheet.index("goal") + 1
    cleared = 0
    for path in sorted((root / "inbox").glob("*.xlsx")):
        if missing and missing in path.name:
            path.unlink()
            continue
        wb = openpyxl.load_workbook(path)
        ws = wb[sheet.name]
        for row in range(sheet.first_data_row, ws.max_row + 1):
            goal = ws.cell(row, goal_col).value
            if isinstance(goal, str) and goal.startswith(f"{GOAL} "):
                for col in range(1, len(sheet.columns) + 1):
                    ws.cell(row, col).value = None
                cleared += 1
        wb.save(path)
    assert cleared, "the example returns report no indicator under the goal"
    actions.run(root)
    return root / "output" / f"namndplan_{settings.budget_year}.docx"


def _after_heading(doc, heading: str) -> list[tuple[str, str]]:
    """(style, text) of the body's paragraphs and tables after `heading` up to the next
    heading; a table as ("table", its first cell)."""
    body = doc.element.body
    out: list[tuple[str, str]] = []
    started = False
    paragraphs = {p._p: p for p in doc.paragraphs}
    tables = {t._tbl: t for t in doc.tables}
    for el in body.iterchildren():
        if el in paragraphs:
            p = paragraphs[el]
            if p.style.name.startswith("Heading"):
                if started:
                    break
                started = p.text.startswith(heading)
                continue
            if started and p.text:
                out.append((p.style.name, p.text))
        elif el in tables and started:
            out.append(("table", tables[el].rows[0].cells[0].text))
    assert started, heading
    return out


def _appendix_rows(doc) -> list[str]:
    table = next(
        t
        for t in doc.tables
        if t.rows[0].cells[0].text == "Indikator"
        and any("Nämndmål 5.1" in r.cells[0].text for r in t.rows)
    )
    return [r.cells[0].text for r in table.rows]


def test_goal_without_indicators_is_marked(tmp_path: Path):
    """The draft showed the nämndmål's heading and text and went straight on to the next
    goal, even with empty sections marked; the Bilaga left the nämndmål out."""
    doc = docx.Document(str(_round_without_indicators(tmp_path / "ws", "mark")))
    after = _after_heading(doc, f"Nämndmål {GOAL} ")
    assert after[-1] == ("Platshållare", NONE_REPORTED), after
    assert not any(style == "table" for style, _ in after), after
    rows = _appendix_rows(doc)
    i = next(i for i, r in enumerate(rows) if r.startswith(f"Nämndmål {GOAL} "))
    assert rows[i + 1] == NONE_REPORTED
    # another nämndmål with indicators reads as before
    assert ("table", "Indikator") in _after_heading(doc, "Nämndmål 5.1 ")


def test_goal_without_indicators_is_left_alone_when_omitting(tmp_path: Path):
    """With empty sections left out, the nämndmål keeps its heading and text (settings
    content) and nothing is said; the Bilaga leaves it out."""
    doc = docx.Document(str(_round_without_indicators(tmp_path / "ws", "omit")))
    after = _after_heading(doc, f"Nämndmål {GOAL} ")
    assert after and all(text != NONE_REPORTED for _, text in after), after
    assert not any(r.startswith(f"Nämndmål {GOAL} ") for r in _appendix_rows(doc))


def test_goal_without_indicators_names_a_missing_return(tmp_path: Path):
    """While a return is missing, the mark says whose indicators are not included."""
    doc = docx.Document(str(_round_without_indicators(tmp_path / "ws", "mark", "Ekonomi")))
    after = _after_heading(doc, f"Nämndmål {GOAL} ")
    assert after[-1][1] == (
        f"{NONE_REPORTED} Godkänd inlämning saknas för Ekonomiavdelningen; "
        "dess indikatorer ingår inte."
    ), after
