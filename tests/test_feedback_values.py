"""The feedback copy shows the return's computed values and keeps its ignored errors.

The head opens the e-mailed copy in Excel's Protected View, which does not recalculate:
every formula openpyxl saved without its value showed empty or 0 there (Nettokostnad,
Differens mot ramen and its message, the Investeringar and Risker totals, the Texter
lengths), and without the sheets' ignoredErrors every verksamhet code got a green
"number stored as text" triangle.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from budgetbook.feedback_values import save_feedback_copy
from budgetbook.problem_report import write_feedback
from budgetbook.reader import ReadResult, read_return
from budgetbook.reader_parts import read_zip_parts
from budgetbook.schema import FEEDBACK_SHEET
from data.make_corpus import soffice, soffice_convert
from wb_builders import round_files

FMO = "Förtroendemannaorganisationen"
Values = dict[tuple[str, str], object]


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("feedback_values"))


def returned_template(rnd, tmp: Path) -> Path:
    """FMO's template, written by our own writer (with computed values: the prefilled
    prior-year sums on Drift), sent back as it is: its budget cells are empty."""
    template = next(p for p in rnd[2] if "FMO" in p.name)
    path = tmp / f"Budget 2027 {FMO}.xlsx"
    shutil.copyfile(template, path)
    return path


def formula_values(path: Path) -> Values:
    """Every formula cell of every sheet (but the feedback sheet), with the value saved
    with it as openpyxl reads it (data_only)."""
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    return {
        (ws.title, cell.coordinate): values[ws.title][cell.coordinate].value
        for ws in formulas.worksheets
        if ws.title != FEEDBACK_SHEET
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


def sheet_parts(path: Path) -> dict[str, bytes]:
    """Sheet name -> its part, found as the reader finds it (by the relationships)."""
    with zipfile.ZipFile(path) as zf:
        files = read_zip_parts(zf, set(), ()).sheet_files
        return {name: zf.read(member) for name, member in files.items()}


def rewrite(path: Path, edits: dict[str, Callable[[bytes], bytes]]) -> None:
    """Rewrite parts of the package at `path` in place (by sheet name or member)."""
    members = {}
    with zipfile.ZipFile(path) as zf:
        files = read_zip_parts(zf, set(), ()).sheet_files
        for key, edit in edits.items():
            members[files.get(key, key)] = edit
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in parts:
            edit = members.get(info.filename)
            dst.writestr(info, edit(data) if edit else data)
    path.write_bytes(out.getvalue())


def cell_xml(part: bytes, ref: str) -> str:
    m = re.search(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', part, re.S)
    assert m, ref
    return m.group(0).decode()


def same_reading(source: ReadResult, copy: ReadResult) -> None:
    """The reader reads the copy (sent back in as a return) as it read the source."""
    assert copy.identity == source.identity
    assert copy.submission is not None and source.submission is not None
    named = {"file": source.submission.file, "path": source.submission.path}
    assert dataclasses.replace(copy.submission, **named) == source.submission
    seen = [(p.code, p.sheet, p.cell, p.message) for p in copy.problems]
    assert seen == [(p.code, p.sheet, p.cell, p.message) for p in source.problems]


def test_our_templates_values_and_ignored_errors_are_in_the_copy(rnd, tmp_path) -> None:
    settings, schema = rnd[0], rnd[1]
    source = returned_template(rnd, tmp_path)
    result = read_return(source, settings, schema)
    assert result.problems  # the budget is not filled in
    out = write_feedback(source, result.problems, tmp_path / "fb.xlsx")
    assert out is not None
    before, after = formula_values(source), formula_values(out)
    assert after == before
    assert len([v for v in before.values() if v not in (None, "", 0)]) >= 8
    assert after[("Drift", "E7")] == 44010  # Nettokostnad, prognos 2026
    assert after[("Drift", "F9")] == -47200  # Differens mot ramen: nothing budgeted yet
    assert after[("Drift", "K9")].startswith("Nettokostnaden för budget och plan")
    copy_parts = sheet_parts(out)
    carried = 0
    for name, part in sheet_parts(source).items():
        ignored = re.search(rb"<ignoredErrors>.*?</ignoredErrors>", part)
        if ignored is None:
            continue
        carried += 1
        copy = copy_parts[name]
        assert ignored.group(0) in copy, name
        # where the schema wants it: after the header, before the comments' drawing
        order = re.findall(rb"<(headerFooter|ignoredErrors|legacyDrawing|tableParts)\b", copy)
        assert order == sorted(
            order, key=[b"headerFooter", b"ignoredErrors", b"legacyDrawing", b"tableParts"].index
        ), name
    assert carried == 3  # Instruktioner, Drift, Texter
    assert b"<legacyDrawing" in copy_parts["Drift"]  # the comments, after ignoredErrors
    with zipfile.ZipFile(out) as zf:
        assert re.search(rb'<calcPr [^>]*fullCalcOnLoad="1"', zf.read("xl/workbook.xml"))
    same_reading(result, read_return(out, settings, schema))


def libreoffice_saved(rnd, tmp: Path) -> Path:
    """FMO's example return (a text amount: BB302) in which the head also typed a
    formula into a budget cell, recalculated and saved as Excel would: by LibreOffice."""
    returned = next(p for p in rnd[3] if FMO in p.name)
    wb = openpyxl.load_workbook(returned)
    wb["Drift"]["F13"] = "=32000+180"
    filled = tmp / "ifylld" / returned.name
    filled.parent.mkdir()
    wb.save(filled)
    soffice_convert([filled], "xlsx:Calc MS Excel 2007 XML", tmp, tmp / "lo-profile")
    return tmp / returned.name


@pytest.mark.slow
@pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or pdftotext is not installed",
)
def test_a_return_saved_by_a_spreadsheet_shows_the_heads_sums(rnd, tmp_path) -> None:
    settings, schema = rnd[0], rnd[1]
    source = libreoffice_saved(rnd, tmp_path)
    result = read_return(source, settings, schema)
    assert [(p.code, p.cell) for p in result.problems] == [("BB302", "F14")]
    out = write_feedback(source, result.problems, tmp_path / "fb" / "aterkoppling.xlsx")
    assert out is not None
    before, after = formula_values(source), formula_values(out)
    assert after == before
    # the head's sums: Kostnader and Nettokostnad for budget 2027 (the text "2 150"
    # counts in neither), the difference from the ram
    assert after[("Drift", "F6")] == after[("Drift", "F7")] == 32180 + 3510 + 2920 + 6120 + 320
    assert after[("Drift", "F9")] == 45050 - 47200
    assert after[("Drift", "F13")] == 32180  # the head's own formula
    # sent back in as a return: read as the source (the head's formula is no BB311)
    same_reading(result, read_return(out, settings, schema))
    # LibreOffice opens the copy and prints it
    soffice_convert([out], "pdf", out.parent, tmp_path / "lo-profile")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out.with_suffix(".pdf")), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Återkoppling från ekonomistaben" in text


def _shared_row_7(part: bytes) -> bytes:
    """Drift's Nettokostnad row D7:H7 as Excel writes a filled-right formula: the
    first cell with the text, the others `<f t="shared" si="0"/>`."""

    def one(m: re.Match[bytes]) -> bytes:
        col = m.group(1)
        if col == b"D":
            f = b'<f t="shared" ref="D7:H7" si="0">D6-D5</f>'
        else:
            f = b'<f t="shared" si="0"/>'
        return b'<c r="%s7"%s>%s<v>%s</v></c>' % (col, m.group(2), f, m.group(3))

    new, n = re.subn(rb'<c r="([D-H])7"([^>]*)><f>[^<]*</f><v>([^<]*)</v></c>', one, part)
    assert n == 5
    return new


def test_a_shared_formula_gets_its_values(rnd, tmp_path) -> None:
    settings, schema = rnd[0], rnd[1]
    source = returned_template(rnd, tmp_path)
    rewrite(source, {"Drift": _shared_row_7})
    assert b'<f t="shared" si="0"/>' in sheet_parts(source)["Drift"]
    result = read_return(source, settings, schema)
    out = write_feedback(source, result.problems, tmp_path / "fb.xlsx")
    assert out is not None
    before, after = formula_values(source), formula_values(out)
    assert after == before
    drift = sheet_parts(out)["Drift"]
    assert cell_xml(drift, "E7").endswith("><f>E6-E5</f><v>44010</v></c>")
    same_reading(result, read_return(out, settings, schema))


def _every_kind(part: bytes, shared_index: int) -> bytes:
    """Drift's formula cells given every kind of saved value Excel and others write."""
    edits = {
        # an array formula, its value a number
        "D5": lambda s, f, v: f'<c r="D5"{s}><f t="array" ref="D5">{f}</f><v>0</v></c>',
        # a text result kept as a shared string, and inline
        "K9": lambda s, f, v: f'<c r="K9"{s} t="s"><f>{f}</f><v>{shared_index}</v></c>',
        "L13": lambda s, f, v: (
            f'<c r="L13"{s} t="inlineStr"><f>{f}</f><is><r><t>Kommentar</t></r>'
            f"<r><t> saknas &amp; mer</t></r></is></c>"
        ),
        # an error and a boolean
        "I12": lambda s, f, v: f'<c r="I12"{s} t="e"><f>{f}</f><v>#DIV/0!</v></c>',
        "J12": lambda s, f, v: f'<c r="J12"{s} t="b"><f>{f}</f><v>1</v></c>',
        # a number Excel would not take: left as openpyxl writes it
        "J13": lambda s, f, v: f'<c r="J13"{s}><f>{f}</f><v>1e999</v></c>',
    }

    def one(m: re.Match[bytes]) -> bytes:
        ref, style, formula, rest = (g.decode() for g in m.groups())
        edit = edits.get(ref)
        return edit(style, formula, rest).encode() if edit else m.group(0)

    return re.sub(
        rb'<c r="([A-Z]+\d+)"( s="\d+")(?: t="str")?><f>([^<]*)</f>(<v>[^<]*</v>)</c>', one, part
    )


def _one_more_string(part: bytes) -> bytes:
    return part.replace(
        b"</sst>", b"<si><t>Delad text & svar</t></si></sst>".replace(b"& ", b"&amp; ")
    )


def test_every_kind_of_saved_value_is_carried(rnd, tmp_path) -> None:
    settings, schema = rnd[0], rnd[1]
    source = returned_template(rnd, tmp_path)
    with zipfile.ZipFile(source) as zf:
        strings = zf.read("xl/sharedStrings.xml")
    index = strings.count(b"<si>")
    rewrite(
        source,
        {"Drift": lambda p: _every_kind(p, index), "xl/sharedStrings.xml": _one_more_string},
    )
    result = read_return(source, settings, schema)
    out = write_feedback(source, result.problems, tmp_path / "fb.xlsx")
    assert out is not None
    before, after = formula_values(source), formula_values(out)
    assert before.pop(("Drift", "J13")) == float("inf")
    assert after.pop(("Drift", "J13")) is None
    assert after == before
    assert after[("Drift", "K9")] == "Delad text & svar"
    assert after[("Drift", "L13")] == "Kommentar saknas & mer"
    assert (after[("Drift", "I12")], after[("Drift", "J12")]) == ("#DIV/0!", True)
    drift = sheet_parts(out)["Drift"]
    assert '<f t="array" ref="D5">' in cell_xml(drift, "D5") and "<v>0</v>" in cell_xml(drift, "D5")
    assert ' t="str">' in cell_xml(drift, "K9") and ' t="str">' in cell_xml(drift, "L13")
    assert "<v>Kommentar saknas &amp; mer</v>" in cell_xml(drift, "L13")
    assert ' t="e">' in cell_xml(drift, "I12") and ' t="b">' in cell_xml(drift, "J12")
    assert cell_xml(drift, "J13").endswith("<v></v></c>")
    same_reading(result, read_return(out, settings, schema))


def test_a_formula_changed_in_the_copy_gets_no_old_value(rnd, tmp_path) -> None:
    source = returned_template(rnd, tmp_path)
    wb = openpyxl.load_workbook(source)
    wb["Drift"]["E7"] = "=E6"
    out = tmp_path / "fb.xlsx"
    save_feedback_copy(wb, source, out)
    values = openpyxl.load_workbook(out, data_only=True)["Drift"]
    assert values["E7"].value is None
    assert values["E6"].value == 44010  # unchanged beside it: carried


def test_a_source_that_cannot_be_read_again_gives_the_copy_without_values(rnd, tmp_path) -> None:
    """The source gone bad between openpyxl's load and the carry-over: the copy is
    written as before (one without values is better than none)."""
    source = returned_template(rnd, tmp_path)
    wb = openpyxl.load_workbook(source)
    source.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip's end: no parts
    out = tmp_path / "fb.xlsx"
    save_feedback_copy(wb, source, out)
    copy = openpyxl.load_workbook(out)
    assert copy["Drift"]["E7"].value == "=E6-E5"
    assert openpyxl.load_workbook(out, data_only=True)["Drift"]["E7"].value is None


def test_a_damaged_sheet_in_the_source_gives_the_copy_without_values_quietly(rnd, tmp_path) -> None:
    """A row number openpyxl let pass but the carry-over cannot read is the source's
    doing: the copy is written as openpyxl writes it, with no warning (a warning is
    an error in this suite)."""
    source = returned_template(rnd, tmp_path)
    wb = openpyxl.load_workbook(source)
    rewrite(source, {"Drift": lambda xml: xml.replace(b'<row r="7"', b'<row r="sju"', 1)})
    out = tmp_path / "fb.xlsx"
    save_feedback_copy(wb, source, out)
    assert openpyxl.load_workbook(out)["Drift"]["E7"].value == "=E6-E5"
    assert openpyxl.load_workbook(out, data_only=True)["Drift"]["E7"].value is None


def test_a_failure_in_patching_the_copy_is_warned_of(rnd, tmp_path, monkeypatch) -> None:
    """Only reading the source is guarded: a KeyError or ValueError while patching
    openpyxl's own copy is a bug, and was passed over in silence when every step was
    guarded alike. The copy is still written, as openpyxl writes it."""
    import budgetbook.feedback_values as fv

    def broken(xml: bytes, values: fv.SheetValues) -> bytes:
        raise KeyError("a bug")

    monkeypatch.setattr(fv, "patch_sheet", broken)
    source = returned_template(rnd, tmp_path)
    wb = openpyxl.load_workbook(source)
    out = tmp_path / "fb.xlsx"
    with pytest.warns(fv.CarryOverWarning, match="KeyError"):
        save_feedback_copy(wb, source, out)
    assert openpyxl.load_workbook(out)["Drift"]["E7"].value == "=E6-E5"
