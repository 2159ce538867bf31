"""Each project's avdelning in the investment and kapitalkostnad tables. A large nämnd's
avdelningar often have projects of the same name ("Mötesrumsteknik"); the tables listed
them by name only, so a board member could not tell them apart (only Källor could).
Now the workbook's project sheets have an Avdelning column, and the draft groups the
projects under a heading per avdelning with its subtotal (the decided-total table,
three figures wide, keeps the column).

The example round's returns, one filled further with openpyxl as a department head does:
Samhällsplanering och ledning adds a "Mötesrumsteknik" of its own beside
Förtroendemannaorganisationen's."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest

from budgetbook import actions, fmt
from budgetbook.schema import build_schema
from budgetbook.workspace import init_workspace

EXAMPLE_INBOX = Path(__file__).resolve().parents[1] / "inbox"
NAME = "Mötesrumsteknik"
FMO, SPL = "Förtroendemannaorganisationen", "Samhällsplanering och ledning"
PROJECT_SHEETS = (
    "Investeringar pågående",
    "Investeringar nya",
    "Beslutad totalutgift",
    "Kapitalkostnader",
)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory):
    ws = init_workspace(tmp_path_factory.mktemp("projavd") / "ws")
    for f in sorted(EXAMPLE_INBOX.glob("*.xlsx")):
        shutil.copyfile(f, ws.inbox / f.name)
    settings = ws.settings()
    sheet = build_schema(settings).sheet("investeringar")
    path = next(p for p in ws.inbox.iterdir() if SPL in p.name)
    wb = openpyxl.load_workbook(path)
    inv = wb[sheet.name]
    row = sheet.first_data_row
    while inv.cell(row, sheet.index("name") + 1).value:  # the first empty project row
        row += 1
    years = settings.investment_years
    for key, value in (
        ("id", "SPL-2703"),
        ("name", NAME),
        ("category", "IT-utrustning"),
        ("status", "Ny"),
        (f"inv_{years[0]}", 300),
        (f"inv_{years[1]}", 200),
        ("description", "Skärmar och mikrofoner i två mötesrum."),
    ):
        inv.cell(row, sheet.index(key) + 1).value = value
    wb.save(path)
    collected = actions.collect(ws.root)
    cons, workbook = actions.consolidate(ws.root, collected)
    draft = actions.report(ws.root, cons)
    return settings, workbook, draft


def _sheet_rows(workbook: Path, name: str) -> list[tuple]:
    wb = openpyxl.load_workbook(workbook, read_only=True)
    try:
        return list(wb[name].iter_rows(values_only=True))
    finally:
        wb.close()


def test_the_workbook_names_each_projects_avdelning(ran) -> None:
    _, workbook, _ = ran
    for name in PROJECT_SHEETS:
        rows = _sheet_rows(workbook, name)
        header = next(i for i, r in enumerate(rows) if r and r[0] == "Projekt")
        assert rows[header][1] == "Avdelning", name
        shown = {r[1] for r in rows[header + 1 :] if r and r[0] == NAME}
        if name != "Investeringar pågående":
            assert shown == {FMO, SPL}, name
        # every project row names its avdelning; headings and sums name none
        for r in rows[header + 1 :]:
            if r and r[0] and isinstance(r[2], int | float) and not str(r[0]).startswith("Summa"):
                assert r[1], (name, r)
    # Källor still traces each of the two to its own return
    kallor = _sheet_rows(workbook, "Källor")
    files = {r[5] for r in kallor if r[:2] == ("Investeringar nya", NAME)}
    assert len(files) == 2 and any(SPL in f for f in files) and any(FMO in f for f in files)


def _draft_table(document, caption: str):
    texts = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    tables = [t for t in texts if t.startswith("Tabell")]
    index = next(i for i, t in enumerate(tables) if caption in t)
    return document.tables[index]


def _grouped(table) -> list[tuple[str, list[str]]]:
    """(the avdelning heading above it, the cells) of each row under the header; a
    heading row is one cell across the table."""
    rows, heading = [], ""
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        if len({id(c._tc) for c in row.cells}) == 1:
            heading = cells[0]
            continue
        rows.append((heading, cells))
    return rows


def _amount(text: str) -> int:
    return int(text.replace("\u00a0", "").replace("\u2212", "-")) if text else 0


@pytest.mark.parametrize(
    "caption, total",
    [
        ("Investeringsbudget, nya projekt", "Summa nya projekt"),
        ("Investeringsbudget, pågående projekt", "Summa pågående projekt"),
        ("Kapitalkostnader per avdelning och projekt", "Summa kapitalkostnader"),
    ],
)
def test_the_draft_groups_the_projects_by_avdelning(ran, caption, total) -> None:
    settings, _, draft = ran
    table = _draft_table(docx.Document(str(draft)), caption)
    *rows, (_, last) = _grouped(table)  # the total last
    names = [a.name for a in settings.avdelningar]
    headings = list(dict.fromkeys(h for h, _ in rows if h))
    assert headings == [n for n in names if n in headings]  # the settings' order
    if "pågående" not in caption:
        assert {h for h, cells in rows if cells[0] == NAME} == {FMO, SPL}
    # each avdelning's subtotal is the sum of its rows as shown; an avdelning with one
    # project has none (it would repeat the project); the total adds the subtotals and
    # the projects without one, which is also the sum of every project
    header = [c.text for c in table.rows[0].cells]
    numeric = [i for i, h in enumerate(header) if h[-4:].isdigit()]
    summed, projects_all = [], []
    for h in headings:
        mine = [cells for head, cells in rows if head == h]
        if len(mine) == 1:  # a lone project
            assert not mine[0][0].startswith("Summa ")
            summed.append(mine[0])
            projects_all.append(mine[0])
            continue
        *projects, subtotal = mine
        assert subtotal[0] == f"Summa {fmt.in_sentence(h)}"
        assert len(projects) >= 2 and not any(p[0].startswith("Summa ") for p in projects)
        for i in numeric:
            assert _amount(subtotal[i]) == sum(_amount(p[i]) for p in projects), (h, i)
        summed.append(subtotal)
        projects_all.extend(projects)
    assert last[0] == total
    for i in numeric:
        assert _amount(last[i]) == sum(_amount(s[i]) for s in summed)
        assert _amount(last[i]) == sum(_amount(p[i]) for p in projects_all)
