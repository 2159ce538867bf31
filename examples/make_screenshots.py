"""Render docs/drift.png and docs/investeringar.png: a filled Drift and Investeringar sheet
of an example return, as LibreOffice prints them (so a finance officer can see what the
department heads get).

Run after make_example_returns.py:  python examples/make_screenshots.py
Needs LibreOffice (soffice) and pdftoppm (poppler-utils).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from budgetbook.reader import read_return  # noqa: E402
from budgetbook.schema import build_schema  # noqa: E402
from budgetbook.settings import load_settings  # noqa: E402

SHOTS = {"Drift": "drift.png", "Investeringar": "investeringar.png"}


def pick_return(settings, schema) -> Path:
    """The example return with the most investment projects (ties: most drift rows)."""

    def size(path: Path) -> tuple[int, int]:
        sub = read_return(path, settings, schema).submission
        return (len(sub.projects), len(sub.drift)) if sub else (0, 0)

    return max(sorted((ROOT / "inbox").glob("*.xlsx")), key=size)


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")


def trim(image: Image.Image, pad: int = 16) -> Image.Image:
    bg = Image.new(image.mode, image.size, (255, 255, 255))
    box = ImageChops.difference(image, bg).getbbox()
    if not box:
        return image
    left, top, right, bottom = box
    return image.crop((max(left - pad, 0), max(top - pad, 0), right + pad, bottom + pad))


def swedish_locale(profile: Path) -> None:
    """Render as a Swedish user sees it: "12 500", not "12,500" (the formats are locale-aware)."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Setup/L10N">'
        '<prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>sv-SE</value></prop></item>\n'
        "</oor:items>\n",
        encoding="utf-8",
    )


def main() -> None:
    settings = load_settings(ROOT / "budgetbook.toml")
    schema = build_schema(settings)
    source = pick_return(settings, schema)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("LibreOffice (soffice) is needed to render the screenshots.")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        work = tmp / "return.xlsx"
        shutil.copy(source, work)
        profile = tmp / "profile"
        swedish_locale(profile)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp),
                str(work),
            ],
            check=True,
            capture_output=True,
            timeout=300,
            env={**os.environ, "HOME": str(tmp)},
        )
        pdf = tmp / "return.pdf"
        pages = pdf_pages(pdf)
        for sheet, name in SHOTS.items():
            page = next(i for i, text in enumerate(pages, 1) if f"{sheet} –" in text)
            stem = tmp / sheet
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "130",
                    "-png",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-singlefile",
                    str(pdf),
                    str(stem),
                ],
                check=True,
            )
            image = Image.open(f"{stem}.png").convert("RGB")
            out = ROOT / "docs" / name
            trim(image).save(out, optimize=True)
            print(out.relative_to(ROOT), "from", source.name, "page", page)


if __name__ == "__main__":
    main()
