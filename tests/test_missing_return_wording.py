"""A draft made while an avdelning's return is missing says so wherever a figure leaves
it out, in words that fit the table or paragraph (audit, session 12).

The example round with every return but Ekonomiavdelningen's: real templates, filled by
the example filler with openpyxl, collected, consolidated and written to Word.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import openpyxl
import pytest

from budgetbook import actions
from budgetbook.example import return_name, write_example_returns

MISSING = "Ekonomiavdelningen"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    """The output folder of the example round run without EKO's return."""
    root = tmp_path_factory.mktemp("missing") / "ws"
    actions.init(root)
    settings = actions.open_workspace(root).settings()
    templates = actions.templates(root)
    write_example_returns(settings, templates, root / "inbox")
    eko = next(a for a in settings.avdelningar if a.name == MISSING)
    (root / "inbox" / return_name(settings, eko)).unlink()
    actions.run(root)
    return root / "output"


@pytest.fixture(scope="module")
def draft(outputs: Path) -> dict[str, str]:
    """Word draft of the round without EKO: caption -> the note under its table, and
    "text:<heading>" -> the first generated paragraph after that heading."""
    doc = docx.Document(str(outputs / "namndplan_2027.docx"))
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
    # the two total rows, and what the change on the first compares, are explained where
    # they are shown
    drift = draft["Driftbudget per avdelning, tkr"]
    assert "”Summa avdelningar med godkänd inlämning” summerar alla kolumner" in drift
    assert "så att förändringen jämför samma avdelningar" in drift
    assert "Nämndens summarad visar bara föregående års budget och prognos" in drift


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
    # and the sum is not called the nämnd's budget: quoted alone it read as one (review)
    drift = draft["text:Driftbudget 2027"]
    assert drift.startswith("Driftbudgeten för 2027 för de avdelningar som har lämnat in är ")
    assert "av kommunstyrelsens ram på 339,5 miljoner kronor." in drift, drift
    assert draft["text:Investeringsbudget 2027–2030"].startswith(
        "Investeringsbudgeten för 2027 för de avdelningar som har lämnat in är "
    )


def test_capital_note_says_its_prior_budget_is_for_the_returned_avdelningar(draft):
    """The note compared with "budget 2026 (3 710 tkr)" while the kontogrupp table shows
    Kapitalkostnader budget 2026 5 670 tkr: the base counts only avdelningar with a
    return, and the note now says so."""
    note = draft["Kapitalkostnader per avdelning och projekt, tkr"]
    assert "budget 2026 för avdelningarna med godkänd inlämning (3\u00a0710 tkr)" in note, note


def test_goal_uppdrag_and_control_lists_name_the_missing_avdelning(draft):
    """The indicator tables, the Uppdrag table and the internal control plan lost the
    missing avdelning's rows without a word, while every money table said who was
    missing (review of the board-facing outputs)."""
    expected = {
        "Indikatorer för nämndmål 1.1": "dess indikatorer ingår inte.",
        "Indikatorer för nämndmål 5.1": "dess indikatorer ingår inte.",
        "Kommunfullmäktiges indikatorer och nämndens indikatorer": "dess indikatorer ingår inte.",
        "Uppdrag": "dess uppgifter om uppdragen ingår inte.",
        "Internkontrollplan": "dess punkter i internkontrollplanen ingår inte.",
    }
    for caption, consequence in expected.items():
        note = draft[caption]
        assert note == f"Godkänd inlämning saknas för {MISSING}; {consequence}", (caption, note)
    # the KF goals' indicators come from the settings: nothing of them is missing
    assert "Indikatorer för mål 1" not in draft


def test_uppdrag_of_the_missing_avdelning_says_its_status_is_missing(outputs: Path):
    """EKO's uppdrag stood in the Uppdrag table with an empty status, as if EKO had left
    it blank; in the draft and in the workbook alike."""
    doc = docx.Document(str(outputs / "namndplan_2027.docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Uppdrag")
    heads = [c.text for c in table.rows[0].cells]
    status = {r.cells[0].text: r.cells[heads.index("Status")].text for r in table.rows[1:]}
    eko = next(text for text in status if "huvudmannaskapet" in text)
    assert status[eko] == "Uppgift saknas"
    assert all(status.values()), status  # the others as reported
    sheet = openpyxl.load_workbook(outputs / "konsolidering_2027.xlsx")["Uppdrag"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] and "huvudmannaskapet" in r[0]]
    assert [r[2] for r in rows] == ["Uppgift saknas"]


def test_workbook_lists_name_the_missing_avdelning(outputs: Path):
    """The consolidated workbook's Mål och indikatorer, Uppdrag and Internkontroll sheets
    carry the same note as the draft, under the list."""
    wb = openpyxl.load_workbook(outputs / "konsolidering_2027.xlsx")
    for sheet, consequence in (
        ("Mål och indikatorer", "dess indikatorer ingår inte."),
        ("Uppdrag", "dess uppgifter om uppdragen ingår inte."),
        ("Internkontroll", "dess punkter i internkontrollplanen ingår inte."),
    ):
        column = [r[0] for r in wb[sheet].iter_rows(values_only=True)]
        texts = [c for c in column if c]
        assert texts[-1] == f"Godkänd inlämning saknas för {MISSING}; {consequence}", sheet
        assert column[-2] is None  # a blank row between the list and its note


def test_missing_avdelningar_are_named_in_one_form(outputs: Path):
    """Review: the notes said "Godkänd inlämning saknas för: Ekonomiavdelningen…" and
    the running text "Godkänd inlämning saknas för Ekonomiavdelningen…": one form now,
    without the colon, as Swedish prose has it, in the draft (title page, text, notes,
    tables) and in the consolidated workbook alike."""
    doc = docx.Document(str(outputs / "namndplan_2027.docx"))
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    wb = openpyxl.load_workbook(outputs / "konsolidering_2027.xlsx")
    texts += [str(v) for ws in wb for r in ws.iter_rows(values_only=True) for v in r if v]
    said = [t for t in texts if "nlämning saknas för" in t]
    assert len(said) > 20, said  # every note, the title page and the key figures
    for text in said:
        assert "saknas för:" not in text, text
        assert re.search(f"[Gg]odkänd inlämning saknas för {MISSING}[.;,]", text), text


def test_avdelning_text_sections_name_the_missing_avdelning(outputs: Path):
    """Review: Nämndens ansvarsområde, Driftbudget per avdelning and the avdelningar's
    comments on the investments list each avdelning's text under its name, and left
    the missing avdelning out without a word. A note in the tables' words (and look)
    now names it, before the first avdelning's name, so it reads as the section's."""
    doc = docx.Document(str(outputs / "namndplan_2027.docx"))
    note = f"Godkänd inlämning saknas för {MISSING}; dess texter ingår inte."
    sections = (
        "Nämndens ansvarsområde",
        "Driftbudget per avdelning",
        "Avdelningarnas kommentarer till investeringarna",
    )
    heading, before_avdelningar = None, {}
    for p in doc.paragraphs:
        style = p.style.name
        if style in ("Heading 1", "Heading 2"):
            heading = p.text
            before_avdelningar[heading] = []
        elif style == "Heading 3":
            heading = None  # an avdelning's own text from here on
        elif heading is not None:
            before_avdelningar[heading].append((style, p.text))
    for section in sections:
        assert ("Källnot", note) in before_avdelningar[section], (section, before_avdelningar)
    assert sum(p.text == note for p in doc.paragraphs) == len(sections)


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
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "saknas" not in cells
    wb = openpyxl.load_workbook(root / "output" / f"konsolidering_{settings.budget_year}.xlsx")
    for sheet in ("Mål och indikatorer", "Uppdrag", "Internkontroll"):
        values = [str(v) for r in wb[sheet].iter_rows(values_only=True) for v in r if v]
        assert not any("saknas" in v for v in values), sheet
