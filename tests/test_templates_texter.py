"""The Texter sheet: a section's text of the recommended length is seen and printed whole."""

from __future__ import annotations

import openpyxl
import pytest

from budgetbook.reader import read_return
from budgetbook.schema import build_schema
from budgetbook.settings import load_settings
from budgetbook.templates import write_templates
from budgetbook.templates_text import wrapped_lines
from wb_builders import example_settings

PARAGRAPHS = (
    "Avdelningen ansvarar för kommunens ekonomiska planering, redovisning och uppföljning. "
    "Vi stödjer nämnderna med budget, prognoser och analyser, och samordnar arbetet med "
    "mål och budget inför kommunfullmäktiges beslut i juni.",
    "Under budgetåret prioriteras ett nytt arbetssätt för månadsprognoser, där "
    "verksamheterna själva lämnar underlag i ekonomisystemet. Cheferna får utbildning i "
    "ekonomisk uppföljning under våren.",
    "Kostnaderna ökar främst genom löneökningar och högre licenskostnader för "
    "ekonomisystemet. En del av ökningen möts genom effektivare processer och färre "
    "konsulttimmar, men ramen räcker inte fullt ut för de nya uppdragen.",
)


def _text(length: int) -> str:
    """Paragraphs with a blank line between them, as a person writes a section (with
    Alt+Enter), cut at a word to `length` characters."""
    text, n = "", 0
    while len(text) < length:
        text += PARAGRAPHS[n % len(PARAGRAPHS)] + "\n\n"
        n += 1
    return text[:length].rsplit(" ", 1)[0].rstrip() + "."


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory):
    """EKO's template with every section filled to its recommended length."""
    tmp = tmp_path_factory.mktemp("texter")
    settings = example_settings(tmp)
    schema = build_schema(settings)
    path = write_templates(settings, schema, tmp / "t")[0]
    sheet = schema.sheet("texter")
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet.name]
    texts = {}
    for r, section in enumerate(settings.text_sections, start=sheet.first_data_row):
        texts[section.key] = ws.cell(r, sheet.index("text") + 1).value = _text(section.max_chars)
    out = tmp / path.name
    wb.save(out)
    return settings, schema, out, texts


def test_a_text_of_the_recommended_length_fits_its_row(filled) -> None:
    """Regression: every Texter row was 150 points high, about 800 characters; a section
    allows 1 500 (2 000 by default). Excel does not grow a row whose height is set, and
    LibreOffice grows none on load: the rest of the text was cut off on screen and on
    paper. Lines counted at one character per unit of width, 15 points each."""
    settings, schema, path, texts = filled
    sheet = schema.sheet("texter")
    ws = openpyxl.load_workbook(path)[sheet.name]
    width = sheet.column("text").width
    for r, section in enumerate(settings.text_sections, start=sheet.first_data_row):
        text = texts[section.key]
        assert len(text) > section.max_chars - 20
        lines = wrapped_lines(text, width / 0.9)
        assert ws.row_dimensions[r].height >= 15 * lines, (section.key, lines)
        assert ws.row_dimensions[r].height <= 409  # Excel's highest row


def _printed_width(widths: list[float]) -> float:
    """The sheet's width in points: Excel draws a column of width w (Calibri 11) as
    7w + 5 pixels, 0.75 points each."""
    return sum(int(w * 7 + 0.5) + 5 for w in widths) * 0.75


def test_the_texts_print_legibly_and_each_row_fits_a_page(filled) -> None:
    """Regression: the sheet printed in portrait, one page wide, at 57 %: the text came
    out in 6 points. In landscape it prints at 8 points or more, and its highest row
    (with the repeated header row) fits on a page, since neither Excel nor LibreOffice
    splits a row over two pages."""
    settings, schema, path, _ = filled
    sheet = schema.sheet("texter")
    ws = openpyxl.load_workbook(path)[sheet.name]
    setup = ws.page_setup
    assert setup.orientation == "landscape" and setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (
        None,
        1,
    )  # 1 by default
    m = ws.page_margins
    a4_long, a4_short = 297 / 25.4 * 72, 210 / 25.4 * 72
    scale = min(
        1.0, (a4_long - (m.left + m.right) * 72) / _printed_width([c.width for c in sheet.columns])
    )
    assert 11 * scale >= 8, scale
    rows = range(sheet.first_data_row, sheet.first_data_row + len(settings.text_sections))
    highest = max(ws.row_dimensions[r].height for r in rows)
    header = ws.row_dimensions[sheet.header_row].height
    assert (highest + header) * scale <= a4_short - (m.top + m.bottom) * 72


def test_the_reader_reads_the_long_texts_whole(filled) -> None:
    """The layout is the writer's alone: the reader's contract (one row per section,
    the text in column Text) is unchanged, and reads every character back."""
    settings, schema, path, texts = filled
    result = read_return(path, settings, schema)
    assert result.submission is not None
    assert result.submission.texts == texts
    assert not [p for p in result.problems if p.code == "BB309"]  # none over the length


def test_a_short_section_with_long_guidance_shows_the_whole_guidance(tmp_path) -> None:
    """A row sized for a short text (300 characters) is still high enough for its
    section's guidance, which is locked in a narrower column and cannot be widened."""
    example_settings(tmp_path)
    toml = tmp_path / "budgetbook.toml"
    text = toml.read_text(encoding="utf-8")
    old = 'Högst en halv sida."\nmax_chars = 1500'
    assert old in text
    guidance = (
        "Beskriv kort avdelningens uppdrag, vilka verksamheter som ingår, vilka grupper "
        "avdelningen är till för och vad som prioriteras under budgetåret, med hänvisning "
        "till nämndens mål och kommunfullmäktiges uppdrag."
    )
    toml.write_text(
        text.replace(old, f'Högst en halv sida. {guidance}"\nmax_chars = 300'), encoding="utf-8"
    )
    settings = load_settings(toml)
    schema = build_schema(settings)
    sheet = schema.sheet("texter")
    ws = openpyxl.load_workbook(write_templates(settings, schema, tmp_path / "t")[0])[sheet.name]
    row = sheet.first_data_row
    shown = ws.cell(row, sheet.index("guidance") + 1).value
    assert guidance in shown
    lines = wrapped_lines(shown, sheet.column("guidance").width / 0.9)  # 1 character a unit
    assert ws.row_dimensions[row].height >= 15 * lines > 75


def test_the_recommended_length_is_written_as_the_messages_write_it(filled) -> None:
    """Regression: the guidance and the input message read "Högst 1500 tecken" while
    BB309 says "högst 1 500": a thousands separator as everywhere else a number is shown."""
    settings, schema, path, _ = filled
    sheet = schema.sheet("texter")
    ws = openpyxl.load_workbook(path)[sheet.name]
    guidance = sheet.index("guidance") + 1
    texts = [dv for dv in ws.data_validations.dataValidation if dv.type == "textLength"]
    assert texts
    for r, section in enumerate(settings.text_sections, start=sheet.first_data_row):
        shown = f"{section.max_chars:,}".replace(",", "\u00a0")
        assert section.max_chars >= 1000
        assert f"(Högst {shown} tecken.)" in ws.cell(r, guidance).value
    assert all("\u00a0" in dv.error and "Högst" in dv.error for dv in texts)
