"""QA: a round set up by another kommun's finance officer from the docs alone (Björkås
kommun's Barn- och utbildningsnämnd, setup_builders): what broke or misled there."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from budgetbook import actions
from budgetbook.cli import main
from budgetbook.errors import OutputError, SettingsError
from budgetbook.settings import load_settings
from data.corpus_templates import set_content_time
from setup_builders import EXCEL_PRIOR, PRIOR, SETTINGS, fill, write_workspace

TEXTS = {
    "FSK": {
        "C7": "Förskolan tar emot barn från ett års ålder i 14 förskolor.",
        "C8": "Kontrollen av barnomsorgsavgifterna görs med stickprov varje tertial.",
        "C9": "Barnkullarna minskar och två avdelningar stängs.",
    },
    "SÄR": {"C7": "Avdelningen ansvarar för anpassad grundskola och den centrala elevhälsan."},
}
RAMS = {"FSK": [182000, 180500, 179000], "SÄR": [61300, 62100, 63000]}


@pytest.fixture(scope="module")
def round_ws(tmp_path_factory) -> tuple[Path, actions.RunResult]:
    root = write_workspace(tmp_path_factory.mktemp("setup") / "bun")
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    for code, rams in RAMS.items():
        fill(templates[code], root / "inbox" / f"{code}.xlsx", rams, TEXTS[code])
    return root, actions.run(root)


def draft(root: Path) -> docx.Document:
    return docx.Document(str(root / "output" / "namndplan_2028.docx"))


def section_text(document: docx.Document, heading: str) -> str:
    """The paragraphs' text from the level-1 heading `heading` to the next one."""
    found, inside = [], False
    for p in document.paragraphs:
        if p.style.name == "Heading 1":
            inside = p.text.startswith(heading)
        elif inside:
            found.append(p.text)
    return "\n".join(found)


def test_round_runs_clean(round_ws):
    _, result = round_ws
    assert result.valid, [p.message for p in result.collected.problems]


def test_every_avdelning_text_is_in_the_draft(round_ws):
    """A text section keyed like a section of the draft that took no avdelning texts
    (here "uppdrag" and "intern_kontroll") was dropped from the draft without a word."""
    root, _ = round_ws
    document = draft(root)
    for texts in TEXTS.values():
        for text in texts.values():
            assert any(text in p.text for p in document.paragraphs), text
    assert TEXTS["FSK"]["C7"] in section_text(document, "Uppdrag")
    assert TEXTS["FSK"]["C8"] in section_text(document, "Intern kontroll")
    # a key naming no section of the draft lands under Nämndens ansvarsområde
    assert TEXTS["FSK"]["C9"] in section_text(document, "Inledning")


def last_year_s_templates(tmp_path: Path) -> dict[str, Path]:
    """Last year's round's department workbooks (BUN budget 2027), by avdelning code."""
    last_year = SETTINGS.replace('id = "BUN budget 2028"', 'id = "BUN budget 2027"')
    last_year = last_year.replace("budget_year = 2028", "budget_year = 2027")
    last_year = last_year.replace("plan_years = [2029, 2030]", "plan_years = [2028, 2029]")
    old = write_workspace(tmp_path / "bun2027", last_year)
    return {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(old)}


def test_last_year_s_workbook_gets_one_finding_that_says_what_to_do(tmp_path):
    """Returned in last year's workbook (the department head kept the old file), a return
    got BB105 and 30 more findings: every year heading shifted (BB203, BB204), prior
    columns "outside the table" (BB205), "Budget 2028 måste fyllas i" without a cell
    (BB306) on every row, and ram differences (BB401) against this year's ram."""
    old_templates = last_year_s_templates(tmp_path)
    root = write_workspace(tmp_path / "bun")
    fill(old_templates["gym"], root / "inbox" / "Budget_2028_gym.xlsx", [168250] * 3, {})
    result = actions.collect(root)
    found = [p for p in result.problems if p.file == "Budget_2028_gym.xlsx"]
    assert [(p.code, p.cell) for p in found] == [("BB105", "")]
    assert "gäller rundan BUN budget 2027, men" in found[0].message


def test_budget_chart_shows_sizes_under_costs_negative(round_ws):
    """The sign convention governs tables only; the chart per avdelning drew each net
    cost as a bar to the left of zero, and its alt text said "−182 000"."""
    root, _ = round_ws
    descr = [d.get("descr") for d in draft(root).element.body.iter(qn("wp:docPr"))]
    chart = next(d for d in descr if "budget per avdelning" in d)
    assert "Förskola 167\u00a0200 och 182\u00a0000" in chart
    assert "\u2212" not in chart


def test_draft_is_titled_as_the_round_kind_says(round_ws):
    """`round.kind = "verksamhetsplan med budget"` named the workbooks so, while the
    draft's title page, page header and properties said "Nämndplan med budget"."""
    root, _ = round_ws
    document = draft(root)
    title = next(p.text for p in document.paragraphs if p.style.name == "Title")
    # the years on a line of their own: the title style wrapped "2028–" / "2030"
    assert title == "Verksamhetsplan med budget\n2028–2030"
    header = document.sections[0].header.paragraphs[0].text
    assert "· Verksamhetsplan med budget 2028–2030 ·" in header
    assert document.core_properties.title == "Verksamhetsplan med budget 2028–2030"


def test_a_verksamhetsplan_s_draft_never_calls_itself_a_namndplan(round_ws):
    """The placeholder for the political leadership's text said "innan nämndplanen går
    till nämnden" under the title "Verksamhetsplan med budget"."""
    root, _ = round_ws
    document = draft(root)
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for table in document.tables for row in table.rows for c in row.cells]
    texts += [p.text for s in document.sections for p in s.header.paragraphs + s.footer.paragraphs]
    assert not [t for t in texts if "nämndplan" in t.casefold()]


def test_names_keep_their_capitals_inside_a_sentence(tmp_path):
    """An initialism or a place in the nämnd's name was written in lower case inside
    sentences and total rows ("Summa it-nämnden i västra björkås"), and the round kind
    on every sheet ("Plan för bun 2028")."""
    settings = SETTINGS.replace(
        'name = "Barn- och utbildningsnämnden"', 'name = "IT-nämnden i Västra Björkås"'
    ).replace('kind = "verksamhetsplan med budget"', 'kind = "plan för BUN"')
    root = write_workspace(tmp_path / "it", settings)
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    fill(templates["FSK"], root / "inbox" / "FSK.xlsx", RAMS["FSK"], {})
    actions.run(root)
    sheet = openpyxl.load_workbook(templates["FSK"])["Instruktioner"]
    assert "i IT-nämnden i Västra Björkås plan för BUN 2028." in sheet["B6"].value
    assert "· Plan för BUN 2028 ·" in sheet["A2"].value
    document = draft(root)
    assert document.paragraphs[0].text == "Plan för BUN med budget\n2028–2030"
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert "Summa IT-nämnden i Västra Björkås" in cells
    book = openpyxl.load_workbook(root / "output" / "konsolidering_2028.xlsx")
    labels = {row[0].value for row in book["Drift per avdelning"].iter_rows()}
    assert "Summa IT-nämnden i Västra Björkås" in labels


def test_prior_year_file_as_excel_saves_a_ledger_export(tmp_path):
    """The docs' prior-year file typed in Excel and saved as "CSV UTF-8": a capitalised
    header ("kolumnerna ska vara budget, driftpost, prognos, verksamhet"), a trailing
    separator on each line and rows of separators only ("okänd verksamhet ''") were
    refused; driftposter named as in the ledger, not by code, too."""
    plain = load_settings(write_workspace(tmp_path / "plain") / "budgetbook.toml")
    excel = write_workspace(tmp_path / "excel", prior=EXCEL_PRIOR)
    assert load_settings(excel / "budgetbook.toml").prior.keys() == plain.prior.keys()
    figures = {k: (v.budget, v.prognos) for k, v in plain.prior.items()}
    shown = load_settings(excel / "budgetbook.toml").prior
    assert {k: (v.budget, v.prognos) for k, v in shown.items()} == figures
    by_name = PRIOR.replace(";LON;", ";Löner och arvoden;").replace(";SB;", ";statsbidrag;")
    named = write_workspace(tmp_path / "named", prior=by_name)
    shown = load_settings(named / "budgetbook.toml").prior
    assert {k: (v.budget, v.prognos) for k, v in shown.items()} == figures
    # an unknown one is named with what the file may say instead
    wrong = write_workspace(tmp_path / "wrong", prior=PRIOR.replace("407;OVR;", "407;Övrigt;"))
    with pytest.raises(SettingsError) as info:
        load_settings(wrong / "budgetbook.toml")
    assert "rad 4" in str(info.value) and "'Övrigt'" in str(info.value)
    assert "(LON, OVR, SB)" in str(info.value)


def test_template_shows_its_totals_without_computing(tmp_path):
    """Every total above the Drift table was saved as 0: LibreOffice Calc (which shows
    an .xlsx's saved values as it opens it) and Excel's Protected View showed no prior
    year and "Budgeten stämmer med ramen." above a ram of 182 000 tkr."""
    root = write_workspace(tmp_path / "bun")
    template = next(p for p in actions.templates(root) if p.stem.endswith("_FSK"))
    drift = openpyxl.load_workbook(template, data_only=True)["Drift"]
    assert drift["C5"].value == "Intäkter, tkr" and drift["C9"].value.startswith("Differens")
    # prior budget (D) and prognos (E): revenue, costs, net cost of the rows shown
    assert [drift[f"D{r}"].value for r in (5, 6, 7)] == [9800, 177000, 167200]
    assert [drift[f"E{r}"].value for r in (5, 6, 7)] == [10100, 178500, 168400]
    # the years to fill are empty: net 0, the whole ram still to budget
    assert [drift[f"{c}9"].value for c in "FGH"] == [-182000, -180500, -179000]
    assert drift["K9"].value == (
        "Nettokostnaden för budget och plan ska vara lika med ramen: justera beloppen."
    )


def test_status_lines_keep_their_columns_with_a_long_code(tmp_path):
    """An avdelning code longer than 8 characters ("GYM-VUXEN") pushed its line's status
    out of the column the others share."""
    settings = SETTINGS.replace('code = "gym"', 'code = "GYM-VUXEN"')
    root = write_workspace(tmp_path / "bun", settings.replace('"gym"', '"GYM-VUXEN"'))
    result = CliRunner().invoke(main, ["collect", "-w", str(root)])
    lines = [line for line in result.output.splitlines() if "saknas" in line[:22]]
    assert len(lines) == 3
    assert len({line.index("saknas") for line in lines}) == 1, lines


def test_output_cut_short_by_its_reader_is_no_error_to_report(tmp_path):
    """`budgetbook schema --json | head` (or `| more`, quit early) ended in "Fel: Oväntat
    fel (BrokenPipeError …). Kör igen med --debug och rapportera felet."."""
    root = write_workspace(tmp_path / "bun")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before a byte is written
    code = "import sys; from budgetbook.cli import main; sys.argv[0] = 'budgetbook'; main()"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code, "schema", "--json", "-w", str(root)],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
    )
    os.close(write_end)
    assert done.returncode == 1
    assert b"Ov\xc3\xa4ntat fel" not in done.stderr and b"Traceback" not in done.stderr


def test_init_says_which_example_files_to_replace(tmp_path):
    """init said only "Redigera budgetbook.toml": a finance officer who did so got
    Kommunstyrelsen's example texts (texter/) in Barn- och utbildningsnämndens draft."""
    result = CliRunner().invoke(main, ["init", str(tmp_path / "bun")])
    assert result.exit_code == 0
    assert "texter/" in result.output and "foregaende_ar.csv" in result.output
    assert (tmp_path / "bun" / "texter").is_dir()
    assert (tmp_path / "bun" / "foregaende_ar.csv").is_file()


def _refused(tmp_path, old: str, new: str) -> tuple[int, str]:
    """BUN's settings with line `old` written as `new`: that line's number and the
    message the settings are refused with."""
    settings = SETTINGS.replace(old, new)
    root = write_workspace(tmp_path / "bun", settings)
    with pytest.raises(SettingsError) as info:
        load_settings(root / "budgetbook.toml")
    return settings.splitlines().index(new) + 1, str(info.value)


def test_decimal_comma_in_the_settings_is_named(tmp_path):
    """`internranta = 1,75`, as Swedish writes it, gave "oväntat innehåll efter värdet;
    skriv en nyckel per rad", which says nothing of the comma."""
    line, message = _refused(tmp_path, "internranta = 1.75", "internranta = 1,75")
    assert f"budgetbook.toml, rad {line}:" in message
    assert "decimaltal skrivs med punkt" in message


def test_large_change_shows_the_percent_that_breaks_the_rule(tmp_path):
    """With a 5 % threshold, a change of −5,4 % was told as "(−5 %)": beside the rule
    "mer än 5 %" on Instruktioner, no reason for the warning."""
    rules = "[rules]\nchange_threshold_pct = 5\nchange_threshold_tkr = 250\n\n[display]"
    root = write_workspace(tmp_path / "bun", SETTINGS.replace("[display]", rules))
    template = next(p for p in actions.templates(root) if p.stem.endswith("_FSK"))
    target = fill(template, root / "inbox" / "FSK.xlsx", RAMS["FSK"], {})
    wb = openpyxl.load_workbook(target)
    drift = wb["Drift"]
    other = next(r for r in range(12, 15) if drift.cell(r, 3).value == "Övriga kostnader")
    salaries = next(r for r in range(12, 15) if drift.cell(r, 3).value == "Löner och arvoden")
    drift.cell(other, 6).value = 16080  # 17 000 -> 16 080: −920 tkr, −5,4 %
    drift.cell(salaries, 6).value += 920
    wb.save(target)
    found = [p for p in actions.collect(root).problems if p.code == "BB402"]
    assert len(found) == 1
    assert "ändras med −920 tkr (−5,4\u00a0%)" in found[0].message


def test_compare_lists_changes_in_sheet_order_and_refuses_two_avdelningar(tmp_path):
    """compare listed a return's changes by the driftposter's codes (LON, OVR, SB: F13
    before F12), and compared FSK's return with SÄR's as if one were the other's
    amendment (a hundred "changes")."""
    root = write_workspace(tmp_path / "bun")
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    target = fill(templates["FSK"], root / "inbox" / "FSK.xlsx", RAMS["FSK"], {})
    fill(templates["SÄR"], root / "inbox" / "SÄR.xlsx", RAMS["SÄR"], {})
    actions.collect(root)
    wb = openpyxl.load_workbook(target)
    drift = wb["Drift"]
    for row in (12, 13, 14):  # Statsbidrag, Löner och arvoden, Övriga kostnader
        drift.cell(row, 8).value += 100 if row != 12 else 200
    wb.save(target)
    actions.collect(root)
    fsk = [v.sha256 for v in actions.history(root, "FSK")]
    changes = actions.compare(root, fsk[0][:12], fsk[1][:12]).changes
    assert [c.cell for c in changes] == ["H12", "H13", "H14"]
    sar = actions.history(root, "SÄR")[0].sha256
    with pytest.raises(OutputError, match="olika avdelningar"):
        actions.compare(root, fsk[0][:12], sar[:12])


def test_uppdrag_of_every_avdelning_names_them_in_the_draft(tmp_path):
    """An uppdrag without `avdelning` goes to every workbook (docs/settings.md said "empty
    = none"); reported by two avdelningar, the draft's Ansvarig showed their codes
    ("FSK, SÄR") where every other row shows names."""
    shared = "Redovisa en plan för minskade lokalkostnader."
    settings = SETTINGS + f'\n[[uppdrag]]\ntext = "{shared}"\nstart = 2028\n'
    root = write_workspace(tmp_path / "bun", settings)
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    for code in ("FSK", "SÄR"):
        target = fill(templates[code], root / "inbox" / f"{code}.xlsx", RAMS[code], {})
        wb = openpyxl.load_workbook(target)
        assert wb["Uppdrag"]["A7"].value == shared  # prefilled in every workbook
        wb["Uppdrag"]["C7"] = "Påbörjad"
        wb.save(target)
    assert actions.run(root).valid
    rows = [
        [c.text for c in r.cells]
        for t in draft(root).tables
        if t.rows[0].cells[0].text == "Uppdrag"
        for r in t.rows
    ]
    assert [shared, "2028", "Påbörjad", "Förskola, Anpassad skola och elevhälsa"] in rows


def test_a_driftpost_named_with_quotes_keeps_the_template_whole(tmp_path):
    """A revenue line named 'Statsbidrag "Likvärdig skola"' (as statsbidrag are named)
    went into the Drift summary's SUMIF unescaped: a broken formula, which Excel offers
    to repair as it opens the department head's workbook."""
    settings = SETTINGS.replace(
        'name = "Statsbidrag"', 'name = "Statsbidrag \\"Likvärdig skola\\" *"'
    )
    root = write_workspace(tmp_path / "bun", settings)
    template = next(p for p in actions.templates(root) if p.stem.endswith("_FSK"))
    formula = openpyxl.load_workbook(template)["Drift"]["D5"].value
    assert formula == '=SUMIF($C$12:$C$14,"Statsbidrag ""Likvärdig skola"" ~*",D$12:D$14)'
    assert openpyxl.load_workbook(template, data_only=True)["Drift"]["D5"].value == 9800


def test_report_command_calls_the_draft_what_it_is(round_ws):
    """`budgetbook report` said "Nämndplan (utkast): …" for a verksamhetsplan's draft."""
    root, _ = round_ws
    result = CliRunner().invoke(main, ["report", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "Word-utkast: " in result.output and "Nämndplan" not in result.output


def test_last_year_s_workbook_saved_later_does_not_replace_this_year_s(tmp_path):
    """A department head who saved last year's workbook after sending this year's (to
    copy a text from it, say) had the old one chosen as the newest: the avdelning was
    "fel" and left out of the draft although its return was in order."""
    old_templates = last_year_s_templates(tmp_path)
    root = write_workspace(tmp_path / "bun")
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    sent = fill(templates["FSK"], root / "inbox" / "Budget_2028_FSK.xlsx", RAMS["FSK"], {})
    stray = fill(old_templates["FSK"], root / "inbox" / "Budget_2027_FSK.xlsx", [1] * 3, {})
    for path, when in (
        (sent, datetime(2027, 10, 1, 9, tzinfo=UTC)),
        (stray, datetime(2027, 10, 2, 9, tzinfo=UTC)),
    ):
        path.write_bytes(set_content_time(path.read_bytes(), when))
    result = actions.collect(root)
    status = next(s for s in result.statuses if s.avdelning == "FSK")
    assert (status.status, status.file) == ("godkänd", "Budget_2028_FSK.xlsx")
    assert [s.avdelning for s in result.submissions] == ["FSK"]
    # the stray file is still reported, with what it is
    found = [(p.code, p.file) for p in result.problems if p.avdelning == "FSK"]
    assert found == [("BB105", "Budget_2027_FSK.xlsx")]


def test_spaced_thousands_in_the_settings_are_named(tmp_path):
    """`ram = [182 000, 180 500, 179 000]`, as Swedish prints amounts, gave "en lista
    saknar avslutande hakparentes ]" for a list that has one."""
    line, message = _refused(
        tmp_path, "ram = [182000, 180500, 179000]", "ram = [182 000, 180 500, 179 000]"
    )
    assert f"budgetbook.toml, rad {line}:" in message
    assert "tal skrivs utan mellanslag" in message


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            'sign_convention = "kostnader_negativa"',
            '"net_cost_positive" eller "costs_negative", inte',
        ),
        ('depreciation_start = "samma_ar"', '"year_after" eller "same_year", inte'),
    ],
)
def test_a_choice_misspelt_lists_the_choices_as_a_sentence(tmp_path, written, expected):
    """A wrong value of a choice was told as a Python tuple, "ska vara ett av
    ('net_cost_positive', 'costs_negative')", and depreciation_start not what was found."""
    key = written.split(" = ")[0]
    original = next(line for line in SETTINGS.splitlines() if line.startswith(key))
    _, message = _refused(tmp_path, original, written)
    assert expected in message and "('" not in message
