"""The konsolidering workbook's list sheets (Mål och indikatorer, Uppdrag,
Internkontroll) as a finance officer uses them in Excel: indicator values are numbers
that sort, filter and chart, shown as typed; avdelningar are named as on every other
sheet. The round is the example round, one return filled further with openpyxl the
way a department head fills it, run by `actions.run` and read back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from budgetbook import actions
from budgetbook.settings_load import load_settings
from budgetbook.workbook_lists import indicator_cell
from wb_builders import EKO_RETURN, empty_texts, example_settings, round_files

pytestmark = pytest.mark.slow


def _fill_indicators(path: Path, schema, settings) -> None:
    """Two indicators typed below the return's own: numbers, text and a percentage."""
    sheet = schema.sheet("mal")
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet.name]
    r = sheet.first_data_row
    while ws.cell(r, sheet.index("indicator") + 1).value:
        r += 1
    by = settings.budget_year
    goal = schema.lists["mal"][0]

    def put(row: int, key: str, value: object, number_format: str | None = None) -> None:
        cell = ws.cell(row, sheet.index(key) + 1)
        cell.value = value
        if number_format:
            cell.number_format = number_format

    put(r, "goal", goal)
    put(r, "indicator", "Testindikator ett")
    put(r, f"value_{by - 2}", 31.8)  # a number typed
    put(r, f"value_{by - 1}", "29,4")  # the same typed as text
    put(r, "target", 0.68, "0%")  # 68 % typed in a percent cell
    put(r + 1, "goal", goal)
    put(r + 1, "indicator", "Testindikator två")
    put(r + 1, f"value_{by - 2}", "Ej mätt")
    put(r + 1, f"value_{by - 1}", "1 204")
    put(r + 1, "target", "\u22122,5")
    wb.save(path)


@pytest.fixture(scope="module")
def round_run(tmp_path_factory):
    ws = tmp_path_factory.mktemp("lists")
    settings, schema, _, returns = round_files(ws)
    _fill_indicators(next(p for p in returns if p.name == EKO_RETURN), schema, settings)
    result = actions.run(ws)
    assert result.valid, result.collected.problems
    return settings, result


@pytest.fixture(scope="module")
def workbook(round_run):
    settings, result = round_run
    return settings, openpyxl.load_workbook(result.outputs["konsolidering"])


def _rows(ws) -> dict[str, list]:
    """Body rows by their third column (the indicator), from row 5."""
    return {
        row[2].value: list(row)
        for row in ws.iter_rows(min_row=5)
        if row[2].value and row[0].value  # not the note under the list
    }


def test_indicator_values_are_numbers_shown_as_typed(workbook):
    _, wb = workbook
    rows = _rows(wb["Mål och indikatorer"])
    one, two = rows["Testindikator ett"], rows["Testindikator två"]
    assert [c.value for c in one[4:7]] == [31.8, 29.4, 0.68]
    assert [c.number_format for c in one[4:7]] == ["#,##0.0_-", "#,##0.0_-", "0 %_-"]
    assert [c.value for c in two[4:7]] == ["Ej mätt", 1204, -2.5]
    assert [c.number_format for c in two[5:7]] == ["#,##0_-", "#,##0.0_-"]
    assert two[4].data_type == "s"
    for row in (one, two):
        assert {c.alignment.horizontal for c in row[4:7]} == {"right"}
    heads = [c.value for c in wb["Mål och indikatorer"][4]]
    assert heads[4].startswith("Utfall")
    assert wb["Mål och indikatorer"].cell(4, 5).alignment.horizontal == "right"


def test_each_indicator_names_its_source_as_the_draft_does(round_run, workbook):
    """The returns collect an indicator's Källa and the draft shows it ("Medarbetarenkät"),
    but the Mål och indikatorer sheet left it out (review): it stands after Indikator."""
    _, result = round_run
    _, wb = workbook
    ws = wb["Mål och indikatorer"]
    assert [c.value for c in ws[4]][2:5] == ["Indikator", "Källa", "Utfall 2025"]
    shown = {name: row[3].value for name, row in _rows(ws).items()}
    assert shown["Andel medarbetare som känner sig trygga på arbetsplatsen (%)"] == (
        "Medarbetarenkät"
    )
    assert shown["Anmälda brott om skadegörelse, per 1 000 invånare"] == "Kolada"
    assert shown["Testindikator ett"] is None  # typed without a source: an empty cell
    # every indicator's source as the draft's indicator tables give it
    drafted = {}
    for table in docx.Document(str(result.outputs["namndplan"])).tables:
        head = [c.text for c in table.rows[0].cells]
        if head[0] == "Indikator" and head[-1] == "Källa":
            for row in table.rows[1:]:
                cells = [c.text for c in row.cells]
                drafted[cells[0]] = cells[-1] or None
    assert drafted
    for name, source in shown.items():
        if name in drafted:
            assert source == drafted[name], name
    assert set(drafted) >= {n for n in shown if not n.startswith("Test")}


def test_avdelningar_are_named_not_coded(workbook):
    settings, wb = workbook
    codes = {a.code for a in settings.avdelningar}
    names = {a.name for a in settings.avdelningar}
    rows = _rows(wb["Mål och indikatorer"])
    assert rows["Testindikator ett"][7].value == "Ekonomiavdelningen"
    for sheet, column in (("Uppdrag", 5), ("Internkontroll", 6)):
        ws = wb[sheet]
        assert ws.cell(4, column).value == "Avdelning"
        shown = [ws.cell(r, column).value for r in range(5, ws.max_row + 1)]
        shown = [v for v in shown if v]
        assert shown, sheet
        for value in shown:
            parts = set(value.split(", "))
            assert parts <= names and not parts & codes, (sheet, value)


def test_kallor_names_each_avdelning_as_the_views_do(workbook):
    """Källor's Avdelning column showed the code ("EKO", "A0017") where the views beside
    it and the draft name the avdelning: a controller filtering Källor on an avdelning
    met its code nowhere else. Its figures keep a space before the name beside them."""
    settings, wb = workbook
    codes = {a.code for a in settings.avdelningar}
    names = {a.name for a in settings.avdelningar}
    ws = wb["Källor"]
    assert ws.cell(4, 5).value == "Avdelning"
    shown = {ws.cell(r, 5).value for r in range(5, ws.max_row + 1)} - {None}
    assert shown == names
    assert not shown & codes
    assert ws.column_dimensions["E"].width >= max(map(len, names))
    formats = {ws.cell(r, 4).number_format for r in range(5, ws.max_row + 1)}
    assert formats == {"#,##0_-", "0 %_-"}


def test_kallor_heading_over_the_figures_is_aligned_with_them(workbook):
    """Källor's Värde heading stood left over right-aligned figures."""
    _, wb = workbook
    ws = wb["Källor"]
    assert ws.cell(4, 4).value == "Värde"
    assert ws.cell(4, 4).alignment.horizontal == "right"
    assert {ws.cell(4, c).alignment.horizontal for c in (1, 2, 3, 5, 6, 7, 8)} == {None}


def test_an_empty_text_is_an_empty_cell(workbook):
    _, wb = workbook
    ws = wb["Mål och indikatorer"]
    # a KF-mål's own indicator has no nämndmål and no avdelning: empty cells
    kf_rows = [row for row in ws.iter_rows(min_row=5) if row[0].value and row[2].value]
    kf_own = [row for row in kf_rows if row[1].value is None]
    assert kf_own
    assert all(row[7].value is None for row in kf_own)
    assert empty_texts(wb) == []


@pytest.mark.parametrize(
    ("text", "value", "number_format"),
    [
        ("31,8", 31.8, "#,##0.0_-"),
        ("27", 27, "#,##0_-"),
        ("1\u00a0204", 1204, "#,##0_-"),
        ("12 345,25", 12345.25, "#,##0.00_-"),
        ("\u22122,5", -2.5, "#,##0.0_-"),
        ("-3", -3, "#,##0_-"),
        ("68\u00a0%", 0.68, "0 %_-"),
        ("68,5 %", 0.685, "0.0 %_-"),
        ("68%", 0.68, "0 %_-"),
        (" 90 ", 90, "#,##0_-"),
        ("Ej mätt", "Ej mätt", None),
        ("31.8", "31.8", None),  # not how a Swedish value is written: kept as typed
        ("1 2", "1 2", None),
        ("ca 40", "ca 40", None),
        ("4,2 dagar", "4,2 dagar", None),
        ("", "", None),
    ],
)
def test_indicator_cell(text, value, number_format):
    got, code = indicator_cell(text)
    assert got == value and type(got) is type(value)
    assert code == number_format


def test_numeric_indicator_values_in_the_settings_are_written_the_swedish_way(tmp_path):
    example_settings(tmp_path)
    toml = tmp_path / "budgetbook.toml"
    text = toml.read_text(encoding="utf-8")
    before = 'values = { 2025 = "3,4", 2026 = "2,1" }\n  target = "2,0"'
    assert before in text
    toml.write_text(
        text.replace(before, "values = { 2025 = 3.4, 2026 = -1250 }\n  target = 1000000.25"),
        encoding="utf-8",
    )
    changed = load_settings(toml)
    shown = [
        (ind.values, ind.target)
        for g in changed.kf_goals
        for ind in g.indicators
        if ind.name.startswith("Resultat av skatteintäkter")
    ]
    # Swedish print: decimal comma, groups of three, the minus sign
    assert shown == [({2025: "3,4", 2026: "\u22121\u00a0250"}, "1\u00a0000\u00a0000,25")]
    # the konsolidering workbook reads them back as numbers
    assert [
        indicator_cell(v)[0] for v in ("3,4", "\u22121\u00a0250", "1\u00a0000\u00a0000,25")
    ] == [
        3.4,
        -1250,
        1000000.25,
    ]


def test_a_truth_value_as_an_indicator_value_is_refused(tmp_path):
    from budgetbook.errors import SettingsError

    example_settings(tmp_path)
    toml = tmp_path / "budgetbook.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        text.replace('values = { 2025 = "3,4", 2026 = "2,1" }', "values = { 2025 = true }"),
        encoding="utf-8",
    )
    with pytest.raises(SettingsError, match="text eller tal"):
        load_settings(toml)
