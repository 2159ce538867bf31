"""QA: a round for another nämnd than the example, run as a finance officer runs it."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from budgetbook import actions
from budgetbook.fmt import Convention
from budgetbook.model import VIEW_INV_BESLUTAD, VIEW_KAPITALKOSTNADER, Column
from budgetbook.report.table_measure import format_value
from qa_builders import fill, write_workspace

COSTS_NEG = "costs_negative"

RAMS = {
    "BIB": [30000, 30500, 31000, 31500],
    "FRI": [20000, 20000, 20000, 20000],
    "KUL": [12000, 12000, 12000, 12000],
}


def project(code: str, decided: int, years: list[int]) -> dict:
    cells = {"A7": f"P-{code}", "B7": f"Inventarier {code}", "C7": "Inventarier", "D7": "Ny"}
    cells["E7"] = decided
    cells.update({f"{c}7": v for c, v in zip("FGHI", years, strict=False)})
    cells["K7"] = "Byte av möbler"
    return cells


@pytest.fixture(scope="module")
def round_ws(tmp_path_factory) -> tuple[Path, actions.RunResult]:
    root = write_workspace(tmp_path_factory.mktemp("qa") / "kfn")
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    # FRI budgets 1 200 tkr over the years against a decision of 1 000 tkr.
    projects = {"BIB": project("BIB", 1000, [500, 500]), "FRI": project("FRI", 1000, [600, 600])}
    for code, rams in RAMS.items():
        fill(templates[code], root / "inbox" / f"{code}.xlsx", rams, projects.get(code))
    return root, actions.run(root)


def test_round_runs_clean(round_ws):
    root, result = round_ws
    assert result.valid, [p.message for p in result.collected.problems]
    assert (root / "output" / "namndplan_2026.docx").exists()


def word(root: Path) -> docx.Document:
    return docx.Document(str(root / "output" / "namndplan_2026.docx"))


def test_decided_total_note_matches_the_sign_shown(round_ws):
    """Under costs_negative, FRI's 1 200 tkr against 1 000 decided shows Beslutad − summa
    = −1 000 − (−1 200) = +200; the note must then call a positive difference an overrun."""
    _, result = round_ws
    table = result.consolidation.views[VIEW_INV_BESLUTAD]
    row = next(r for r in table.rows if r.label == "Inventarier FRI")
    shown = format_value(table, Column("diff", "Beslutad − summa"), row, Convention(COSTS_NEG))
    assert shown == "200"
    assert "positiv differens betyder att årsbeloppen överstiger beslutet" in table.note
    assert "negativ differens" not in table.note


def test_decided_total_note_under_net_cost_positive(round_ws):
    root, _ = round_ws
    text = (root / "budgetbook.toml").read_text(encoding="utf-8")
    other = write_workspace(
        root.parent / "ncp", text.replace('"costs_negative"', '"net_cost_positive"')
    )
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(other)}
    fill(
        templates["FRI"],
        other / "inbox" / "FRI.xlsx",
        RAMS["FRI"],
        project("FRI", 1000, [600, 600]),
    )
    cons, _ = actions.consolidate(other)
    table = cons.views[VIEW_INV_BESLUTAD]
    assert "negativ differens betyder att årsbeloppen överstiger beslutet" in table.note


def test_capital_note_does_not_contradict_the_drift_table(round_ws):
    """The drift budget carries 500 tkr of Kapitalkostnad every year; the note under the
    capital cost table must not say the drift budget's capital cost is 0 tkr."""
    _, result = round_ws
    note = result.consolidation.views[VIEW_KAPITALKOSTNADER].note
    assert "Kapitalkostnader i driftbudgeten: 2026: 0 tkr" not in note
    assert "ökning" in note.lower() and "budget 2025" in note


def test_omit_leaves_out_an_investment_section_without_projects(round_ws):
    """No avdelning has an ongoing project and no risk was entered: with
    empty_sections = "omit" neither an empty table nor its heading appears."""
    root, _ = round_ws
    document = word(root)
    texts = [p.text for p in document.paragraphs]
    assert "Pågående investeringsprojekt" not in texts
    assert not any("pågående projekt" in t for t in texts)
    assert "Nya investeringsprojekt" in texts
    assert "Risk- och känslighetsanalys" not in texts


def test_project_reported_by_three_avdelningar_reads_well(tmp_path):
    """'både' is for two; three avdelningar with the same project id are 'flera'."""
    root = write_workspace(tmp_path / "kfn")
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    for code, rams in RAMS.items():
        fill(templates[code], root / "inbox" / f"{code}.xlsx", rams, project("X", 1000, [500, 500]))
    messages = [p.message for p in actions.collect(root).problems if p.code == "BB504"]
    assert len(messages) == 3
    assert all("redovisas av flera avdelningar: BIB, FRI och KUL." in m for m in messages)
    assert not any("både" in m for m in messages)


def test_draft_does_not_call_a_return_with_errors_missing(tmp_path):
    """KUL returned but missed its ram; BIB never returned. The title page must not claim
    that KUL sent nothing."""
    root = write_workspace(tmp_path / "kfn")
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    fill(templates["FRI"], root / "inbox" / "FRI.xlsx", RAMS["FRI"])
    fill(templates["KUL"], root / "inbox" / "KUL.xlsx", [12300, 12000, 12000, 12000])
    actions.run(root)
    texts = [p.text for p in word(root).paragraphs]
    line = next(t for t in texts if t.startswith("Utkastet bygger på"))
    # the same words and name list as every note and the summary (not "godkänt
    # underlag ... saknas från: A, B", a comma list the notes no longer use), and small
    # numbers in words as in the rest of the running text ("en av tre", not "1 av 3")
    assert line == (
        "Utkastet bygger på godkänd inlämning från en av tre avdelningar. "
        "Godkänd inlämning saknas för Biblioteksavdelningen och Kulturskolan."
    )


def test_sign_note_is_not_repeated_under_costs_negative(round_ws):
    """Regression: the report added "Kostnader … med minustecken." after consolidation's own
    note saying the same."""
    root, _ = round_ws
    notes = [p.text for p in word(root).paragraphs if "minustecken" in p.text]
    assert notes
    for text in notes:
        assert text.count("minustecken") == 1, text


def test_goal_sheet_explains_when_there_are_no_goals(round_ws):
    """Regression: without nämndmål the goal sheet offered an empty dropdown and no word why."""
    import openpyxl

    root, _ = round_ws
    template = sorted((root / "workbook_templates").glob("*.xlsx"))[0]
    sheet = openpyxl.load_workbook(template)["Mål och indikatorer"]
    texts = [c.value for row in sheet.iter_rows(max_row=6) for c in row if isinstance(c.value, str)]
    assert any("inga nämndmål" in t for t in texts), texts


def test_capital_note_states_the_increase_in_a_sentence(round_ws):
    """Regression: the note read "Ökning av driftbudgetens kapitalkostnader jämfört med
    budget 2025 (… tkr), som jämförs med investeringsplanens kapitalkostnad: 2026: 0 tkr;
    2027: …", a list with colons and no verb under a table the nämnd reads."""
    _, result = round_ws
    note = result.consolidation.views[VIEW_KAPITALKOSTNADER].note
    sentence = next(s for s in note.split(". ") if "driftbudgetens kapitalkostnader" in s)
    assert not re.search(r"\b20\d\d: ", sentence), sentence
    assert sentence.startswith("Ökningen av driftbudgetens kapitalkostnader jämfört med budget")
    assert re.search(r" är -?[\d\u00a0\u2212]+ tkr 20\d\d, ", sentence), sentence
    assert "att jämföra med investeringsplanens kapitalkostnad" in sentence


def test_the_sign_note_names_what_each_table_shows(round_ws):
    """Under costs_negative every investment table said "Kostnader och nettokostnader visas
    med minustecken.": an investment is an utgift, not a kostnad, and the table has no
    nettokostnad; an ekonom reads the note as a mislabelled table."""
    root, _ = round_ws
    document = word(root)
    texts = [p.text for p in document.paragraphs]
    captions = [t for t in texts if t.startswith("Tabell")]

    def note_after(caption_part: str) -> str:
        caption = next(c for c in captions if caption_part in c)
        return texts[texts.index(caption) + 1]  # the note right under its table

    for caption in ("nya projekt, tkr", "per kategori, tkr", "Beslutad totalutgift"):
        note = note_after(caption)
        assert "Investeringsutgifterna visas med minustecken." in note, (caption, note)
        assert "nettokostnader" not in note
    assert "Kapitalkostnaderna visas med minustecken." in note_after("Kapitalkostnader per")
    drift = note_after("Driftbudget per avdelning, tkr")
    assert "Kostnader och nettokostnader visas med minustecken." in drift
