"""The printed page header: any kommun, nämnd or avdelning name is printed as written."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from html import unescape
from pathlib import Path

import openpyxl
import pytest

from budgetbook import rules
from budgetbook.example import write_example_returns
from budgetbook.page_header import HEADER_LIMIT, page_header
from budgetbook.problem_report import write_feedback
from budgetbook.schema import build_schema
from budgetbook.settings import load_settings
from budgetbook.templates import write_templates
from data.make_corpus import soffice_convert
from wb_builders import example_settings

AVDELNING = "3 Kultur och fritid"


def _parts(header: str) -> dict[str, tuple[int, str]]:
    """Each part's (font size, text) as LibreOffice reads a header (and Excel, by its
    documented codes): a size code is every digit after its "&"."""
    found = {}
    for m in re.finditer(r"&([LCR])&(\d+)((?:[^&]|&&)*)", header):
        found[m[1]] = (int(m[2]), m[3].replace("&&", "&"))
    return found


def _headers(path: Path) -> list[str]:
    """The page header of every sheet of the workbook at `path`, as stored."""
    with zipfile.ZipFile(path) as z:
        xml = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    return [unescape(h) for x in xml for h in re.findall(r"<oddHeader>([^<]*)<", x)]


@pytest.mark.parametrize(
    "parts",
    [
        ("1 Testkommun, Kommunstyrelsen", "Drift", "3 Kultur och fritid (KUL), 2027"),
        ("Exempelkommun, 2:a nämnden", "2027 års budget", "R&D 4 (X), 2027"),
        ("9" * 200, "Drift", "8 Kultur"),  # cut to 255 characters
    ],
)
def test_a_part_that_starts_with_a_digit_keeps_its_size_and_its_digits(parts) -> None:
    """Regression: "&8" was written right before the text, so "3 Kultur" was read as
    83 points of " Kultur" (and "2027 …" lost its year in LibreOffice)."""
    header = page_header(*parts)
    assert len(header) <= HEADER_LIMIT
    found = _parts(header)
    assert set(found) == {"L", "C", "R"}
    for key, part in zip("LCR", parts, strict=True):
        size, text = found[key]
        assert size == 8, header
        shown = text.strip()
        assert shown == part or (shown.endswith("…") and part.startswith(shown[:-1])), header


def test_a_part_without_a_leading_digit_is_written_as_before() -> None:
    assert page_header("Exempelkommun, KS", "Drift", "Kultur (KUL), 2027") == (
        "&L&8Exempelkommun, KS&C&8Drift&R&8Kultur (KUL), 2027"
    )


@pytest.fixture(scope="module")
def numbered(tmp_path_factory: pytest.TempPathFactory):
    """The example round with EKO named "3 Kultur och fritid": its template and its
    return, filled as a person fills it."""
    tmp = tmp_path_factory.mktemp("numbered")
    example_settings(tmp)
    toml = tmp / "budgetbook.toml"
    text = toml.read_text(encoding="utf-8")
    assert 'name = "Ekonomiavdelningen"' in text
    toml.write_text(text.replace('name = "Ekonomiavdelningen"', f'name = "{AVDELNING}"'))
    settings = load_settings(toml)
    paths = write_templates(settings, build_schema(settings), tmp / "t")
    template = next(p for p in paths if p.stem.endswith("_EKO"))
    returned = write_example_returns(settings, [template], tmp / "inbox")[0]
    return template, returned


def test_an_avdelning_named_with_a_leading_digit_heads_every_printed_page(numbered) -> None:
    """The template's header on every sheet, and the feedback workbook made from the
    return (which takes the return's own header), name the avdelning in 8 points."""
    template, returned = numbered
    expected = f"{AVDELNING} (EKO), 2027"
    headers = _headers(template)
    assert len(headers) == len(openpyxl.load_workbook(template).sheetnames) - 1  # not Listor
    for header in headers:
        size, text = _parts(header)["R"]
        assert (size, text.strip()) == (8, expected), header
    problems = [rules.NOT_A_NUMBER(file=returned.name, sheet="Drift", cell="F14", varde="1 2")]
    feedback = write_feedback(returned, problems, returned.parent / "fb.xlsx")
    assert feedback is not None
    for header in _headers(feedback):
        size, text = _parts(header)["R"]
        assert (size, text.strip()) == (8, expected), header


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice or pdftotext is not installed",
)
def test_libreoffice_prints_the_numbered_avdelning_in_the_header(numbered, tmp_path) -> None:
    """The first printed page of the template, as LibreOffice prints it: the header
    reads "3 Kultur och fritid (EKO), 2027" (it printed " Kultur och fritid" in
    83 points, over the page's title)."""
    template, _ = numbered
    soffice_convert([template], "pdf", tmp_path, tmp_path / "profile")
    page = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(tmp_path / f"{template.stem}.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert f"{AVDELNING} (EKO), 2027" in page.splitlines()[0]
