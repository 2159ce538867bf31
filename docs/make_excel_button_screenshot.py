"""Make docs/images/budgetpanel.png: the sheet Budgetrunda after "Kör allt" on the example round.

No Excel involved (runs on Linux): builds the example round, generates the panel, runs
the button's Python entry point `budgetbook.excel.kor_allt` against an in-memory
stand-in of the calling workbook (the same code as in Excel; only the cell storage
differs), writes a copy of the panel holding those cell values, marks its buttons
printable (LibreOffice does not draw unprintable controls), and has LibreOffice render it.

    PYTHONPATH=src python docs/make_excel_button_screenshot.py [OUT.png]
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries
from PIL import Image, ImageChops

from budgetbook import actions, excel, panel
from budgetbook.workspace import open_workspace

HERE = Path(__file__).resolve().parent
WORKSPACE = Path(tempfile.gettempdir()) / "budgetbook-exempel" / "runda2027"


class MemorySheet:
    def __init__(self, name: str, cells: dict[tuple[int, int], Any]):
        self.name, self.cells = name, cells

    def __getitem__(self, address: str) -> MemoryRange:
        return MemoryRange(self, address)


class MemoryRange:
    def __init__(self, sheet: MemorySheet, address: str):
        self.sheet = sheet
        self.c1, self.r1, self.c2, self.r2 = range_boundaries(address)

    @property
    def value(self) -> Any:
        return self.sheet.cells.get((self.r1, self.c1))

    @value.setter
    def value(self, value: Any) -> None:
        for r, row in enumerate(value if isinstance(value, list) else [[value]]):
            for c, item in enumerate(row):
                self.sheet.cells[(self.r1 + r, self.c1 + c)] = item

    def clear_contents(self) -> None:
        for r, c in list(self.sheet.cells):
            if self.r1 <= r <= self.r2 and self.c1 <= c <= self.c2:
                del self.sheet.cells[(r, c)]


class MemoryBook:
    def __init__(self, path: Path):
        ws = load_workbook(path, keep_vba=True)[panel.SHEET]
        cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value}
        self.fullname = str(path)
        self.sheets = {panel.SHEET: MemorySheet(panel.SHEET, cells)}


def main(out: Path) -> None:
    if WORKSPACE.exists():
        shutil.rmtree(WORKSPACE)
    actions.demo(WORKSPACE)
    # demo ran the round; the picture is the button's first run (else its message says
    # the documents were already made today and kept)
    shutil.rmtree(WORKSPACE / "output")
    source = actions.panel(WORKSPACE)
    book = MemoryBook(source)
    before = dict(book.sheets[panel.SHEET].cells)
    excel.kor_allt(book)
    cells = {
        f"{get_column_letter(c)}{r}": v
        for (r, c), v in book.sheets[panel.SHEET].cells.items()
        if v is not None and before.get((r, c)) != v  # what the entry point wrote
    }
    settings = open_workspace(WORKSPACE).settings()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        filled = panel.write_panel(settings, WORKSPACE, tmp / "filled.xlsm", cells=cells)
        printable = tmp / "Budgetpanel.xlsm"
        with zipfile.ZipFile(filled) as zin, zipfile.ZipFile(printable, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item)
                if item.filename.startswith("xl/drawings/vmlDrawing"):
                    data = data.replace(b"<x:PrintObject>False", b"<x:PrintObject>True")
                zout.writestr(item, data)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp}/lo",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp),
                str(printable),
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(tmp / "Budgetpanel.pdf"),
                str(tmp / "page"),
            ],
            check=True,
        )
        image = Image.open(tmp / "page.png").convert("RGB")
        background = Image.new("RGB", image.size, (255, 255, 255))
        box = ImageChops.difference(image, background).getbbox()
        if box:
            pad = 12
            image = image.crop(
                (
                    max(box[0] - pad, 0),
                    max(box[1] - pad, 0),
                    min(box[2] + pad, image.width),
                    min(box[3] + pad, image.height),
                )
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(out, optimize=True)
    print(f"{out} ({image.width}x{image.height}); workspace {WORKSPACE}")
    print("B11:", re.sub(r"\s+", " ", str(cells.get("B11"))))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "images" / "budgetpanel.png")
