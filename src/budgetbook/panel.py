"""The control workbook `Budgetpanel.xlsm`: the Excel button of budgetbook.

Generated from text: the VBA of `macros/Budgetpanel.bas` (packaged copy in
`resources/macros/`) plus the xlwings module of the installed xlwings package, built
into a source-only VBA project by `budgetbook.vba` and embedded with XlsxWriter, whose
form buttons are bound to the macros. Equal inputs give a byte-identical workbook.

The layout constants below are shared with `excel.py`, which fills the sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import xlsxwriter
import xlwings

from .errors import TemplateError
from .settings import Settings
from .vba import Module, ModuleKind, build_vba_project
from .vba.project import strip_attributes
from .workspace import atomic_write

PANEL_FILE = "Budgetpanel.xlsm"
SHEET = "Budgetrunda"
SHEET_CODENAME = "Sheet1"
MACRO_MODULE = "Budgetpanel"

# Settings cells (read by excel.py) and status cells (written by excel.py).
WORKSPACE_CELL = "B4"
ROUND_CELL = "B5"
LAST_RUN_CELL = "B11"
MESSAGE_CELL = "B12"
RESULTS_ROW = 14  # first row of the results area (status, problems, outputs)
RESULTS_COLUMNS = "ABCDEFG"
RESULTS_MAX_ROWS = 3000  # excel.py never writes past this many rows

# Headings excel.py writes; the conditional formats below key on them.
STATUS_HEADING = "Inlämningar per avdelning"
REMINDER_HEADING = "Påminnelser"
PROBLEM_HEADING = "Problem i inlämningarna"
OUTPUT_HEADING = "Resultat"
HEADER_FIRST = "Avdelning"  # first cell of both table header rows
OUTPUT_HEADER_FIRST = "Fil"


@dataclass(frozen=True, slots=True)
class Button:
    caption: str
    macro: str  # VBA Sub in macros/Budgetpanel.bas
    entry: str  # function in budgetbook.excel that the macro runs
    cell: str  # top-left anchor
    x_offset: int  # pixels from the anchor cell's left edge
    width: int  # pixels


BUTTONS: tuple[Button, ...] = (
    Button(
        "Kontrollera inlämningar", "KontrolleraInlamningar", "kontrollera_inlamningar", "A7", 0, 260
    ),
    Button("Konsolidera", "Konsolidera", "konsolidera", "C7", 0, 200),
    Button("Skapa Word-utkast", "SkapaWordUtkast", "skapa_word_utkast", "F7", 0, 200),
    Button("Kör allt", "KorAllt", "kor_allt", "G7", 140, 140),
)
BUTTON_HEIGHT = 58  # room for a two-line caption where the font is larger (LibreOffice)

COLUMN_WIDTHS = {"A": 20, "B": 40, "C": 11, "D": 17, "E": 12, "F": 11, "G": 100}
CENTERED_COLUMNS = "EF"  # counts in the status table, severity and rule in the problem table
# A fixed creation date keeps the file byte-identical across generations.
CREATED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def macro_source() -> str:
    """The VBA text of the button macros, as packaged with budgetbook."""
    path = resources.files("budgetbook") / "resources" / "macros" / f"{MACRO_MODULE}.bas"
    return path.read_text(encoding="utf-8")


def xlwings_source() -> str:
    """xlwings' own standalone VBA module, from the installed xlwings package.

    Taken from the installed package so the VBA side always matches the Python side
    of xlwings (RunPython passes arguments whose form changes between versions).
    """
    path = Path(xlwings.__file__).with_name("xlwings.bas")
    try:
        return path.read_text(encoding="cp1252")
    except OSError as exc:
        raise TemplateError(
            f"xlwings-modulen {path} saknas; installera om xlwings (pip install xlwings)."
        ) from exc


def vba_modules() -> list[Module]:
    return [
        Module("ThisWorkbook", kind=ModuleKind.WORKBOOK),
        Module(SHEET_CODENAME, kind=ModuleKind.WORKSHEET),
        Module(MACRO_MODULE, strip_attributes(macro_source())),
        Module("xlwings", strip_attributes(xlwings_source())),
    ]


def vba_project() -> bytes:
    return build_vba_project(vba_modules())


def write_panel(
    settings: Settings,
    workspace: Path,
    path: Path,
    *,
    cells: Mapping[str, Any] | None = None,
) -> Path:
    """Write the control workbook to `path` (atomically).

    `cells` optionally pre-fills cells (A1 address -> value, "=..." as a formula); it
    exists for the documentation screenshot, which shows the sheet after a run.
    """
    with atomic_write(path) as tmp:
        _write(settings, workspace, tmp, cells or {})
    return path


def _write(settings: Settings, workspace: Path, target: Path, cells: Mapping[str, Any]) -> None:
    wb = xlsxwriter.Workbook(str(target), {"strings_to_urls": False})
    wb.set_properties(
        {
            "title": f"Budgetpanel {settings.round_id}",
            "author": "budgetbook",
            "created": CREATED,
        }
    )
    wb.set_vba_name("ThisWorkbook")
    wb.add_vba_project(io.BytesIO(vba_project()), is_stream=True)

    title = wb.add_format({"bold": True, "font_size": 16})
    subtle = wb.add_format({"italic": True, "font_color": "#595959"})
    label = wb.add_format({"bold": True})
    setting = wb.add_format({"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"})
    heading = wb.add_format({"bold": True, "font_color": "#1F4E79", "bottom": 2})
    header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
    red = wb.add_format({"bg_color": "#F8CBAD", "font_color": "#9C0006"})
    yellow = wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})
    green = wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})
    grey = wb.add_format({"bg_color": "#EDEDED", "font_color": "#595959"})

    ws = wb.add_worksheet(SHEET)
    ws.set_vba_name(SHEET_CODENAME)
    ws.activate()
    # Top-aligned, so a row's cells line up with the first line of a wrapped message.
    top = wb.add_format({"valign": "top"})
    centered = wb.add_format({"align": "center", "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    column_formats = {c: top for c in COLUMN_WIDTHS}
    column_formats |= {c: centered for c in CENTERED_COLUMNS} | {"G": wrap}
    for col, width in COLUMN_WIDTHS.items():
        ws.set_column(f"{col}:{col}", width, column_formats.get(col))
    ws.set_row(0, 24)
    ws.set_row(6, BUTTON_HEIGHT * 0.75 + 2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide when printed

    ws.write(
        "A1", f"Budgetrunda {settings.budget_year} – {settings.namnd}, {settings.kommun}", title
    )
    ws.write(
        "A2",
        "Kontrollpanel för budgetbook. Tryck på en knapp; resultatet skrivs nedan.",
        subtle,
    )
    ws.write("A4", "Arbetsmapp", label)
    ws.write(WORKSPACE_CELL, str(workspace), setting)
    ws.write("A5", "Runda", label)
    ws.write(ROUND_CELL, settings.round_id, setting)
    ws.write(
        "C5",
        "Arbetsmappen är mappen med budgetbook.toml. Ändra den om mappen flyttas.",
        subtle,
    )
    for button in BUTTONS:
        ws.insert_button(
            button.cell,
            {
                "macro": button.macro,
                "caption": button.caption,
                "width": button.width,
                "height": BUTTON_HEIGHT,
                "x_offset": button.x_offset + 2,
                "y_offset": 2,
            },
        )
    ws.write("A9", "Knapparna kör Python-paketet budgetbook via xlwings.", subtle)
    ws.write("A11", "Senast körd", label)
    ws.write("A12", "Meddelande", label)

    first = RESULTS_ROW
    last = RESULTS_ROW + RESULTS_MAX_ROWS
    area = f"A{first}:G{last}"
    headings = ",".join(
        f'$A{first}="{h}"'
        for h in (STATUS_HEADING, REMINDER_HEADING, PROBLEM_HEADING, OUTPUT_HEADING)
    )
    ws.conditional_format(
        area, {"type": "formula", "criteria": f"=OR({headings})", "format": heading}
    )
    ws.conditional_format(
        area,
        {
            "type": "formula",
            "criteria": f'=OR($A{first}="{HEADER_FIRST}",$A{first}="{OUTPUT_HEADER_FIRST}")',
            "format": header,
        },
    )
    for words, fmt in (
        (("fel", "oläslig"), red),
        (("varning", "varningar"), yellow),
        (("godkänd",), green),
        (("saknas",), grey),
    ):
        for word in words:
            ws.conditional_format(
                f"C{first}:E{last}",
                {"type": "cell", "criteria": "==", "value": f'"{word}"', "format": fmt},
            )
    ws.conditional_format(
        LAST_RUN_CELL,
        {"type": "text", "criteria": "containing", "value": "misslyckades", "format": red},
    )

    # Excel gives a value written into an empty cell its column's format, and grows
    # the row of a wrapped text; do the same for pre-filled cells.
    heights: dict[int, int] = {}
    for address, value in sorted(cells.items()):
        col = address.rstrip("0123456789")
        row = int(address[len(col) :]) - 1
        _prefill(ws, address, value, column_formats.get(col))
        lines = 1
        if col == "G" and isinstance(value, str) and not value.startswith("="):
            lines = -(-len(value) // (COLUMN_WIDTHS["G"] - 5))
        heights[row] = max(heights.get(row, 1), lines)
    for row, lines in heights.items():
        ws.set_row(row, 15 * lines)
    wb.close()


def _prefill(ws: Any, address: str, value: Any, fmt: Any) -> None:
    """Write a value the way Excel stores what excel.py assigns (see `write_panel`)."""
    if isinstance(value, str) and value.startswith("="):
        ws.write_formula(address, value, fmt, _formula_text(value))
    elif isinstance(value, str):
        ws.write_string(address, value.removeprefix("'"), fmt)
    elif value is not None:
        ws.write(address, value, fmt)


def _formula_text(formula: str) -> str:
    """The shown text of a =HYPERLINK(target,"text") formula (cached value for viewers)."""
    if formula.startswith("=HYPERLINK(") and formula.endswith('")'):
        inner = formula[len("=HYPERLINK(") : -1]
        text = inner.rsplit(',"', 1)[-1]
        return text[:-1].replace('""', '"')
    return ""


def interpreter_config(interpreter: str) -> str:
    """Contents of the xlwings.conf beside the panel: which Python the button starts."""
    quoted = interpreter.replace('"', "")
    return f'"INTERPRETER_WIN","{quoted}"\n'


def create_panel(workspace: Path, settings: Settings, interpreter: str | None = None) -> Path:
    """Write Budgetpanel.xlsm into the workspace; with `interpreter`, also xlwings.conf.

    The conf file beside the panel tells xlwings' RunPython which Python to start (the
    one budgetbook is installed in), so the button works without the xlwings add-in.
    """
    conf_text = interpreter_config(interpreter) if interpreter else ""
    try:
        # xlwings' VBA reads the file with Input #, in Windows' ANSI code page ("mbcs")
        conf_bytes = conf_text.encode("mbcs" if os.name == "nt" else "cp1252")
    except UnicodeEncodeError as exc:
        raise TemplateError(
            f"Sökvägen till Python ({interpreter}) har tecken som Excel inte kan läsa i "
            "xlwings.conf, så knapparna skulle inte hitta Python. Installera Python i en "
            "mapp vars namn bara har vanliga bokstäver (till exempel C:\\Python312) och "
            "skapa panelen igen; inget skrevs."
        ) from exc
    path = write_panel(settings, workspace, workspace / PANEL_FILE)
    if interpreter:
        with atomic_write(workspace / "xlwings.conf") as tmp:
            # CRLF, as Windows writes text files and VBA's Input # expects them
            tmp.write_bytes(conf_bytes.replace(b"\n", b"\r\n"))
    return path
