"""The nämndplan rendered by LibreOffice, checked as a reader sees the pages.

One soffice call converts every document these checks need.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from budgetbook.report import namndplan, render
from report_builders import example_consolidation, example_settings
from test_report_template import make_kommun_template

pytestmark = pytest.mark.slow

GOLDEN_H1 = (
    (Path(__file__).parent / "data" / "report_headings.txt")
    .read_text(encoding="utf-8")
    .splitlines()
)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    if render.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; the rendering checks need it")
    tmp = tmp_path_factory.mktemp("render")
    settings = example_settings()
    docs = [
        namndplan.write_namndplan(example_consolidation(settings), settings, tmp / "standard.docx"),
        namndplan.write_namndplan(
            example_consolidation(settings, scale=6),
            replace(settings, sign_convention="costs_negative"),
            tmp / "lang.docx",
        ),
    ]
    kommun = replace(settings, word_template=make_kommun_template(tmp / "mall.dotx"))
    docs.append(
        namndplan.write_namndplan(example_consolidation(kommun), kommun, tmp / "kommun.docx")
    )
    return dict(zip(("standard", "lang", "kommun"), render.to_pdf(docs, tmp / "pdf"), strict=True))


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_page_counts_within_bounds(pdfs):
    assert 6 <= pages(pdfs["standard"]) <= 14
    assert pages(pdfs["standard"]) < pages(pdfs["lang"]) <= 24
    assert 6 <= pages(pdfs["kommun"]) <= 14


def test_toc_is_filled_on_the_first_page(pdfs):
    for pdf in pdfs.values():
        first = text(pdf, 1)
        toc = first[first.index("Innehåll") :]
        positions = [toc.find(h) for h in GOLDEN_H1]
        assert all(p > 0 for p in positions), first
        assert positions == sorted(positions)


TOC_ENTRY = re.compile(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$")


def toc_entries(pdf: Path) -> list[tuple[str, int]]:
    """(heading, page) from the rendered TOC on page 1; a wrapped entry is joined."""
    first = text(pdf, 1)
    entries, pending = [], ""
    for line in first[first.index("Innehåll") + len("Innehåll") :].splitlines():
        match = TOC_ENTRY.match(f"{pending} {line.strip()}" if pending else line)
        if match:
            entries.append((match.group(1), int(match.group(2))))
            pending = ""
        elif line.strip() and not line.strip().startswith(("Exempelkommun", "Kommun")):
            pending = f"{pending} {line.strip()}".strip()
    return entries


def test_toc_page_numbers_match_the_pages_of_the_headings(pdfs):
    if not render.updates_indexes():
        pytest.skip(
            "LibreOffice's Python bridge (Debian package python3-uno) is not installed; "
            "without it the rendered TOC has no page numbers"
        )
    for name, pdf in pdfs.items():
        entries = toc_entries(pdf)
        assert [h for h, _ in entries if h in GOLDEN_H1] == GOLDEN_H1, (name, entries)
        assert len(entries) > len(GOLDEN_H1), (name, entries)  # level 2 listed too
        # pdftotext separates pages by form feeds
        page_lines = {
            n: [line.strip() for line in page.splitlines()]
            for n, page in enumerate(text(pdf).split("\f"), start=1)
            if n > 1
        }
        for heading, page in entries:
            found = [n for n, lines in page_lines.items() if heading in lines]
            assert found, (name, heading)
            # the first page (after the TOC) where the heading stands on a line of its own
            assert found[0] == page, (name, heading, page, found)
        assert [p for _, p in entries] == sorted(p for _, p in entries)


def test_no_text_outside_the_page(pdfs):
    for pdf in pdfs.values():
        html = subprocess.run(
            ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for page in re.finditer(
            r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S
        ):
            width, height = float(page.group(1)), float(page.group(2))
            for word in re.finditer(
                r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">',
                page.group(3),
            ):
                x0, y0, x1, y1 = map(float, word.groups())
                # inside the page with at least ~1 cm of margin left and right
                assert x0 >= 28 and x1 <= width - 28 and y0 >= 0 and y1 <= height, (
                    pdf.name,
                    word.group(0),
                )


def test_figures_and_header_as_shown(pdfs):
    body = text(pdfs["standard"])
    assert "UTKAST" in body and "Sida 2 av" in body
    assert "Tabell 1:" in body and "Diagram 2:" in body
    long_doc = text(pdfs["lang"])
    assert "\u2212339\u00a0500" in long_doc or "\u2212339 500" in long_doc  # costs negative
