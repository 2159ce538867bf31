"""The draft's project tables grouped by avdelning, as a board member reads them.

A subtotal that only repeats a figure next to it is left out: an avdelning with one
project showed heading, project and a "Summa <avdelning>" equal to the project; the
only avdelning with projects showed its sum right above an identical total. Where some
avdelningar have a subtotal and some not, the note says why; the total is the sum of
every project either way. On the rendered pages (LibreOffice, pdftotext) a group
heading never ends a page, and a group of up to KEEP_GROUP_ROWS rows is not split.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from itertools import pairwise

import docx
import pytest

from budgetbook import fmt
from budgetbook.model import VIEW_INV_PAGAENDE, Row, RowKind, Table
from budgetbook.report import content, namndplan, render
from budgetbook.report.tables import KEEP_GROUP_ROWS
from report_builders import example_consolidation, example_settings


def _view(sizes: dict[str, int]) -> tuple[Table, list[str]]:
    """The example's pågående view with `sizes[avdelning]` projects of 100 tkr a year each."""
    settings = example_settings()
    view = example_consolidation(settings).views[VIEW_INV_PAGAENDE]
    keys = [c.key for c in view.columns if c.kind == "tkr"]
    body = [
        Row(f"Projekt {k}.{i}", {"avdelning": name, **dict.fromkeys(keys, 100)})
        for k, (name, n) in enumerate(sizes.items())
        for i in range(n)
    ]
    total = Row("Summa pågående projekt", dict.fromkeys(keys, 100 * len(body)), RowKind.TOTAL)
    note = "Källa: avdelningarnas inlämnade budgetunderlag."
    return replace(view, rows=[*body, total], note=note), [a.name for a in settings.avdelningar]


def _kinds(table: Table) -> list[tuple[RowKind, str]]:
    return [(r.kind, r.label) for r in table.rows]


def test_one_project_per_avdelning_has_no_subtotals():
    view, names = _view({names_[0]: 1, names_[2]: 1})
    table = content.by_avdelning(view, names)
    assert _kinds(table) == [
        (RowKind.HEADING, names_[0]),
        (RowKind.DATA, "Projekt 0.0"),
        (RowKind.HEADING, names_[2]),
        (RowKind.DATA, "Projekt 1.0"),
        (RowKind.TOTAL, "Summa pågående projekt"),
    ]
    assert table.rows[-1].values["inv_2027"] == 2 * view.rows[0].values["inv_2027"]
    assert content.LONE_PROJECT_NOTE not in table.note  # no subtotal at all: nothing to say


def test_the_only_avdelning_with_projects_has_its_heading_and_no_subtotal():
    view, names = _view({names_[3]: 3})
    table = content.by_avdelning(view, names)
    assert [k for k, _ in _kinds(table)] == [RowKind.HEADING] + [RowKind.DATA] * 3 + [RowKind.TOTAL]
    assert table.rows[0].label == names_[3]  # whose projects: the column went into it


def test_a_namnd_of_one_avdelning_gets_no_grouping():
    view, _ = _view({names_[1]: 3})
    table = content.by_avdelning(view, [names_[1]], content.CAPITAL_CAPTION)
    assert [k for k, _ in _kinds(table)] == [RowKind.DATA] * 3 + [RowKind.TOTAL]
    assert table.caption == view.caption  # not "... per avdelning och projekt"
    assert "avdelning" not in {c.key for c in table.columns}


def test_mixed_groups_say_why_some_have_no_subtotal():
    view, names = _view({names_[0]: 3, names_[1]: 1, names_[4]: 2})
    table = content.by_avdelning(view, names)
    subtotals = [r.label for r in table.rows if r.kind is RowKind.SUBTOTAL]
    assert subtotals == [f"Summa {fmt.in_sentence(n)}" for n in (names_[0], names_[4])]
    assert table.note.endswith(content.LONE_PROJECT_NOTE)
    assert table.note.startswith(view.note) and ". En avdelning" in table.note
    # the total: the subtotals and the lone project, and every project
    parts = [r for r in table.rows if r.kind is RowKind.SUBTOTAL] + [
        r for r in table.rows if r.label.startswith("Projekt 1.")
    ]
    data = [r for r in table.rows if r.kind is RowKind.DATA]
    for key in (c.key for c in table.columns if c.key.startswith("inv_")):
        assert table.rows[-1].values[key] == sum(r.values[key] for r in parts)
        assert table.rows[-1].values[key] == sum(r.values[key] for r in data)


names_ = [a.name for a in example_settings().avdelningar]

# group sizes (projects) of the rendered table: before the fix a page broke inside the
# second group (9 rows); the last (14 rows) is long enough to split
SIZES = [6, 7, 8, 5, 9, 4, 8, 12]


@pytest.mark.slow
def test_rendered_pages_keep_small_groups_whole_and_never_end_on_a_heading(tmp_path):
    if render.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; the rendering check needs it")
    settings = example_settings()
    cons = example_consolidation(settings)
    view, names = _view(dict(zip(names_, SIZES, strict=True)))
    cons.views[VIEW_INV_PAGAENDE] = view
    path = namndplan.write_namndplan(cons, settings, tmp_path / "np.docx")
    # the Word document read back: every group with its heading and subtotal
    table = next(
        t for t in docx.Document(str(path)).tables if "pågående" in t.rows[-1].cells[0].text
    )
    labels = [r.cells[0].text for r in table.rows[1:]]
    assert len(labels) == sum(SIZES) + 2 * len(SIZES) + 1
    assert [label for label in labels if label in names] == names_
    (pdf,) = render.to_pdf([path], tmp_path / "pdf")
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    group_rows = {}  # a project's avdelning's group: rows from heading to subtotal
    for k, n in enumerate(SIZES):
        for i in range(n):
            group_rows[f"Projekt {k}.{i}"] = n + 1 + (n > 1)
    project = re.compile(r"^(Projekt \d+\.\d+)\s")
    seen = []  # (page, first table line, last table line) of the pages the table is on
    inside_table = False
    for number, page in enumerate(pages, start=1):
        rows = []
        for line in (line.strip() for line in page.splitlines()):
            if view.caption in line and line.startswith("Tabell"):
                inside_table = True
            elif inside_table and (
                project.match(line) or line in names or line.startswith("Summa ")
            ):
                rows.append(line)
                inside_table = not line.startswith("Summa pågående projekt")
        if rows:
            seen.append((number, rows[0], rows[-1]))
    assert len(seen) >= 2, seen  # the table spans pages: the check checks something
    for (_, _, last), (number, first, _) in pairwise(seen):
        assert last not in names, (number, last)  # a heading never ends a page
        match = project.match(first)
        if match:  # a page starting inside a group: only a long one may split
            assert group_rows[match.group(1)] > KEEP_GROUP_ROWS, (number, first)
