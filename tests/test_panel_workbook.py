"""The control workbook Budgetpanel.xlsm, checked on Linux without Excel.

oletools (olevba) reads the VBA project back; the drawing's buttons are read from the
VML part; LibreOffice (slow test) imports the VBA as an independent second reader.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree
from oletools.olevba import VBA_Parser

from budgetbook import excel, panel
from budgetbook.errors import TemplateError
from budgetbook.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "budgetbook" / "resources" / "example"
VML = {"v": "urn:schemas-microsoft-com:vml", "x": "urn:schemas-microsoft-com:office:excel"}


@pytest.fixture(scope="module")
def settings():
    return load_settings(EXAMPLE / "budgetbook.toml")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, settings) -> Path:
    folder = tmp_path_factory.mktemp("panel")
    return panel.write_panel(settings, folder, folder / panel.PANEL_FILE)


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def sub_body(code: str, name: str) -> str:
    match = re.search(rf"^Public Sub {name}\(\)\r?\n(.*?)^End Sub", code, flags=re.M | re.S | re.I)
    assert match, f"Sub {name} missing"
    return match.group(1)


def drawn_buttons(path: Path) -> list[tuple[str, str]]:
    """(caption, macro) of every button in the workbook's VML drawings."""
    buttons = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not re.fullmatch(r"xl/drawings/vmlDrawing\d+\.vml", name):
                continue
            root = ElementTree.fromstring(zf.read(name))
            for shape in root.iter(f"{{{VML['v']}}}shape"):
                data = shape.find("x:ClientData", VML)
                if data is None or data.get("ObjectType") != "Button":
                    continue
                macro = data.findtext("x:FmlaMacro", default="", namespaces=VML)
                caption = "".join(shape.find("v:textbox", VML).itertext()).strip()
                buttons.append((caption, macro))
    return buttons


def test_vba_project_holds_the_document_and_code_modules(workbook):
    modules = vba_modules(workbook)
    assert set(modules) == {"ThisWorkbook", panel.SHEET_CODENAME, panel.MACRO_MODULE, "xlwings"}
    assert 'Attribute VB_Name = "Budgetpanel"' in modules[panel.MACRO_MODULE]
    # RunPython comes from xlwings' open-source standalone module, no add-in or PRO key.
    assert re.search(r"^Public Function RunPython\(", modules["xlwings"], flags=re.M)


def test_every_button_macro_exists_and_calls_its_entry_point(workbook):
    code = vba_modules(workbook)[panel.MACRO_MODULE]
    for button in panel.BUTTONS:
        body = sub_body(code, button.macro)
        calls = re.findall(r'RunPython\("([^"]*)"\)', body)
        assert calls == [f"import budgetbook.excel; budgetbook.excel.{button.entry}()"]
        # Python ended with an error before budgetbook ran (budgetbook or xlwings not in
        # the Python the button starts): xlwings' dialog, then a Swedish message in the sheet
        assert f'If RunPython("{calls[0]}") <> 0 Then ShowPythonFailure' in body
        assert callable(getattr(excel, button.entry))
    # The fallback message cell in VBA is the one Python writes its messages to.
    assert f'MESSAGE_CELL As String = "{panel.MESSAGE_CELL}"' in code
    assert f'PANEL_SHEET As String = "{panel.SHEET}"' in code
    failure = re.search(r"^Private Sub ShowPythonFailure\(\)\r?\n(.*?)^End Sub", code, re.M | re.S)
    assert failure and "Range(MESSAGE_CELL).Value" in failure.group(1)
    assert "Knappen kunde inte starta budgetbook: Python avslutades med ett fel" in failure.group(1)


def test_every_drawn_button_is_bound_to_a_panel_macro(workbook):
    code = vba_modules(workbook)[panel.MACRO_MODULE]
    public_subs = set(re.findall(r"^Public Sub (\w+)\(\)", code, flags=re.M))
    buttons = drawn_buttons(workbook)
    assert len(buttons) == len(panel.BUTTONS)
    for _caption, macro in buttons:
        assert macro.startswith("[0]!"), macro
        assert macro.removeprefix("[0]!") in public_subs
    assert {caption for caption, _ in buttons} == {
        "Kontrollera inlämningar",
        "Konsolidera",
        "Skapa Word-utkast",
        "Kör allt",
    }
    assert {(b.caption, "[0]!" + b.macro) for b in panel.BUTTONS} == set(buttons)


def test_sheet_has_swedish_settings_cells(workbook, settings):
    from openpyxl import load_workbook

    wb = load_workbook(workbook, keep_vba=True)
    assert wb.sheetnames == [panel.SHEET]
    ws = wb[panel.SHEET]
    assert ws["A4"].value == "Arbetsmapp"
    assert ws[panel.WORKSPACE_CELL].value == str(workbook.parent)
    assert ws["A5"].value == "Runda"
    assert ws[panel.ROUND_CELL].value == settings.round_id
    assert ws["A11"].value == "Senast körd"
    assert ws["A12"].value == "Meddelande"
    assert wb.vba_archive is not None


def test_second_generation_is_identical(workbook, settings, tmp_path):
    again = panel.write_panel(settings, workbook.parent, tmp_path / panel.PANEL_FILE)
    assert vba_modules(again) == vba_modules(workbook)
    assert again.read_bytes() == workbook.read_bytes()


def test_packaged_macros_are_the_versioned_source():
    source = ROOT / "macros" / f"{panel.MACRO_MODULE}.bas"
    assert source.read_bytes() == panel.macro_source().encode("utf-8")
    # Module text is stored in code page 1252; the source stays ASCII to be safe anywhere.
    assert source.read_bytes().isascii()


def test_create_panel_writes_interpreter_config(tmp_path, settings):
    path = panel.create_panel(tmp_path, settings, interpreter=r"C:\Python311\python.exe")
    assert path == tmp_path / panel.PANEL_FILE
    conf = (tmp_path / "xlwings.conf").read_bytes()
    assert conf == b'"INTERPRETER_WIN","C:\\Python311\\python.exe"\r\n'


def test_an_interpreter_path_excel_cannot_read_is_refused_before_anything_is_written(
    tmp_path, settings
):
    """xlwings' VBA reads xlwings.conf in the ANSI code page (cp1252 on a Swedish
    Windows): a Python under a user folder with other letters would never be found."""
    with pytest.raises(TemplateError, match=r"^Sökvägen till Python \(C:\\Users\\Łukasz"):
        panel.create_panel(
            tmp_path, settings, interpreter=r"C:\Users\Łukasz\AppData\Local\Python\python.exe"
        )
    assert not any(tmp_path.iterdir())
    # å, ä and ö are in the code page: such a path is written as it is
    panel.create_panel(tmp_path, settings, interpreter=r"C:\Users\Åsa\python.exe")
    assert "Åsa".encode("cp1252") in (tmp_path / "xlwings.conf").read_bytes()


@pytest.mark.slow
def test_libreoffice_imports_the_vba_project(workbook, tmp_path):
    """A second, independent reader of our compound file and dir stream."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with zipfile.ZipFile(tmp_path / "Budgetpanel.ods") as zf:
        basic = zf.read("Basic/VBAProject/Budgetpanel.xml").decode("utf-8")
        assert "Basic/VBAProject/xlwings.xml" in zf.namelist()
    for button in panel.BUTTONS:
        assert f"Public Sub {button.macro}()" in basic
        assert f"budgetbook.excel.{button.entry}()" in basic
