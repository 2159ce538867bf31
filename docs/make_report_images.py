"""Regenerate docs/namndplan_sida_*.png: page images of the example nämndplan draft.

Usage: PYTHONPATH=src python docs/make_report_images.py
Runs the example round (`budgetbook demo`) in a temporary folder when the whole
pipeline is available, renders the Word draft with LibreOffice (updating the TOC's
page numbers where LibreOffice's Python bridge is installed) and keeps a few pages.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image  # installed with matplotlib

from budgetbook.report import render

DOCS = Path(__file__).resolve().parent
# TOC, texts, goals, ram table and drift chart, kontogrupp, risks, investment tables
PAGES = (1, 2, 5, 6, 9, 10, 12)
COLOURS = 64  # a small palette keeps the PNGs small; the pages are text and flat colour


def example_docx(folder: Path) -> Path:
    try:
        from budgetbook import actions

        result = actions.demo(folder / "demo")
        return result.outputs["namndplan"]
    except Exception as exc:  # the pipeline before consolidation existed: hand-built data
        print(f"demo round not available ({exc}); using tests/report_builders.py", file=sys.stderr)
        sys.path.insert(0, str(DOCS.parent / "tests"))
        from budgetbook.report.namndplan import write_namndplan
        from report_builders import example_consolidation, example_settings

        settings = example_settings()
        return write_namndplan(example_consolidation(settings), settings, folder / "namndplan.docx")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf = render.to_pdf([example_docx(folder)], folder)[0]
        for old in DOCS.glob("namndplan_sida_*.png"):
            old.unlink()
        for page in PAGES:
            target = DOCS / f"namndplan_sida_{page}"
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "60",
                    "-png",
                    "-singlefile",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    str(pdf),
                    str(target),
                ],
                check=True,
            )
            png = target.with_suffix(".png")
            with Image.open(png) as image:
                small = image.convert("RGB").quantize(colors=COLOURS)
            small.save(png, optimize=True)
            print(f"wrote {png} ({png.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
