"""A draft made while an avdelning's return is missing says so wherever a figure leaves
it out, in words that fit the table or paragraph (audit, session 12).

The example round with every return but Ekonomiavdelningen's: real templates, filled by
the example filler with openpyxl, collected, consolidated and written to Word.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from budgetbook import actions
from budgetbook.example import return_name, write_example_returns

MISSING = "Ekonomiavdelningen"


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> dict[str, str]:
    """Word draft of the round without EKO: caption -> the note under its table, and
    "text:<heading>" -> the first generated paragraph after that heading."""
    root = tmp_path_factory.mktemp("missing") / "ws"
    actions.init(root)
    settings = actions.open_workspace(root).settings()
    templates = actions.templates(root)
    write_example_returns(settings, templates, root / "inbox")
    eko = next(a for a in settings.avdelningar if a.name == MISSING)
    (root / "inbox" / return_name(settings, eko)).unlink()
    actions.run(root)
    doc = docx.Document(str(root / "output" / f"namndplan_{settings.budget_year}.docx"))
    out: dict[str, str] = {}
    caption = heading = None
    for p in doc.paragraphs:
        style = p.style.name
        if style == "Caption" and p.text.startswith("Tabell"):
            caption = re.sub(r"^Tabell \d+: ", "", p.text)
        elif style == "Källnot" and caption:
            out[caption] = p.text
            caption = None
        elif style.startswith("Heading"):
            heading = p.text
        elif style == "Normal" and heading and f"text:{heading}" not in out:
            out[f"text:{heading}"] = p.text
    return out


def test_note_under_tables_without_a_change_column_speaks_of_no_change(draft):
    """The brutto table, the plan-year tables and the risk table have no change column:
    their notes said "förändringen på summaraderna avser …" all the same, and the risk
    table's that its "budget- och planbelopp" were empty."""
    for caption in (
        "Intäkter, kostnader och netto per avdelning, tkr",
        "Driftbudget per avdelning, budget 2027 och plan 2028–2029, tkr",
        "Driftbudget per verksamhet, budget 2027 och plan 2028–2029, tkr",
        "Driftbudget per kontogrupp, budget 2027 och plan 2028–2029, tkr",
        "Risk- och känslighetsanalys, tkr",
    ):
        assert MISSING in draft[caption], caption
        assert "förändring" not in draft[caption], (caption, draft[caption])
    risks = draft["Risk- och känslighetsanalys, tkr"]
    assert "planbelopp" not in risks
    assert "Dess risker ingår inte i summorna." in risks
    # the change the drift tables' total rows show is still explained where it is shown
    assert "förändringen på summaraderna" in draft["Driftbudget per avdelning, tkr"]


def test_kontogrupp_note_says_why_its_change_is_empty(draft):
    """Per kontogrupp the change is left empty while an avdelning is missing (Budget 2026
    covers every avdelning, Budget 2027 not): the note said the change on the total rows
    compares rows with both amounts, yet every change cell was empty."""
    note = draft["Driftbudget per kontogrupp, tkr"]
    assert "förändringen på summaraderna" not in note
    assert "Förändringen visas inte" in note and "alla avdelningar" in note


def test_section_key_figures_name_the_missing_avdelning(draft):
    """The Driftbudget section opened with "Kommunstyrelsens driftbudget för 2027 är 320,9
    miljoner kronor.": seven avdelningar' sum given as the nämnd's budget (ram 339,5), and
    the investment section did the same; only the summary said who was missing."""
    for heading in ("Driftbudget 2027", "Investeringsbudget 2027–2030"):
        text = draft[f"text:{heading}"]
        assert "miljoner kronor" in text, text
        assert f"Godkänd inlämning saknas för {MISSING}, som inte ingår." in text, text


def test_capital_note_says_its_prior_budget_is_for_the_returned_avdelningar(draft):
    """The note compared with "budget 2026 (3 710 tkr)" while the kontogrupp table shows
    Kapitalkostnader budget 2026 5 670 tkr: the base counts only avdelningar with a
    return, and the note now says so."""
    note = draft["Kapitalkostnader per avdelning och projekt, tkr"]
    assert "budget 2026 för avdelningarna med godkänd inlämning (3\u00a0710 tkr)" in note, note


def test_nothing_missing_reads_as_before(tmp_path: Path):
    """With every return in, none of these words appear (outputs unchanged)."""
    root = tmp_path / "ws"
    actions.init(root)
    settings = actions.open_workspace(root).settings()
    write_example_returns(settings, actions.templates(root), root / "inbox")
    actions.run(root)
    doc = docx.Document(str(root / "output" / f"namndplan_{settings.budget_year}.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "saknas" not in text
    assert "godkänd inlämning" not in text
