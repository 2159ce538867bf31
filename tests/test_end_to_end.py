"""Settings → department workbooks → returns → collect → consolidate → Word, end to end.

The workbooks are written by our own writer and filled here with openpyxl the way a
department head fills them: typing amounts into the input cells of the Drift and
Investeringar sheets, nothing else. The test then reads the Word draft the board gets
and checks every figure of the drift and investment tables against the sum of the
cells that feed it, and every total row against the sum of the rows above it.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from pathlib import Path

import docx
import openpyxl
import pytest

from budgetbook import actions
from budgetbook.schema import Schema, build_schema
from budgetbook.settings import Settings

NBSP, MINUS = "\u00a0", "\u2212"
pytestmark = pytest.mark.slow


def number(text: str) -> int | None:
    text = text.replace(NBSP, "").replace(" ", "").replace(MINUS, "-").replace("%", "")
    return int(text) if text else None


def col(sheet_def, key: str) -> int:
    return sheet_def.index(key) + 1


class Person:
    """Fills a template the way a department head would, remembering what was typed."""

    def __init__(self, settings: Settings, schema: Schema):
        self.s = settings
        self.schema = schema
        self.typed: dict[tuple[str, str, str, int], int] = {}  # (avd, verks, post, year)
        self.projects: dict[str, dict[int, int]] = {}
        self.project_status: dict[str, str] = {}

    def fill(self, template: Path, inbox: Path, avd_code: str, seed: int) -> Path:
        wb = openpyxl.load_workbook(template)
        self._drift(wb[self.schema.sheet("drift").name], avd_code, seed)
        if seed % 3 == 0:
            self._investments(wb[self.schema.sheet("investeringar").name], avd_code, seed)
        self._uppdrag(wb[self.schema.sheet("uppdrag").name])
        target = inbox / f"{avd_code} budget {self.s.budget_year} klar.xlsx"
        wb.save(target)
        return target

    def _drift(self, ws, avd: str, seed: int) -> None:
        d = self.schema.sheet("drift")
        names = {p.name: p for p in self.s.driftposter}
        rows = []
        r = d.first_data_row
        while ws.cell(r, col(d, "verksamhet")).value:
            rows.append(
                (
                    r,
                    str(ws.cell(r, col(d, "verksamhet")).value),
                    names[ws.cell(r, col(d, "driftpost")).value],
                )
            )
            r += 1
        assert rows, "the template has prefilled Drift rows"
        for year in self.s.years:
            key = f"budget_{year}" if year == self.s.budget_year else f"plan_{year}"
            net = 0
            for i, (row, verks, post) in enumerate(rows):
                prior = self.s.prior.get((verks, post))
                base = prior.budget if prior else 0
                amount = round(base * (1 + ((seed + i + year) % 7 - 2) / 100))
                net += -amount if post.kind == "revenue" else amount
                ws.cell(row, col(d, key)).value = amount
                ws.cell(row, col(d, "comment")).value = "Uppräkning enligt löneavtal och index."
                self.typed[(avd, verks, post.code, year)] = amount
            # the person balances against the ram on the first cost row
            row, verks, post = next(x for x in rows if x[2].kind == "cost")
            gap = self.s.avdelning(avd).ram[year] - net
            ws.cell(row, col(d, key)).value += gap
            self.typed[(avd, verks, post.code, year)] += gap

    def _uppdrag(self, ws) -> None:
        """Prefilled uppdrag get a status, as the Instruktioner sheet asks."""
        u = self.schema.sheet("uppdrag")
        row = u.first_data_row
        while ws.cell(row, col(u, "text")).value:
            ws.cell(row, col(u, "status")).value = "Påbörjad"
            row += 1

    def _investments(self, ws, avd: str, seed: int) -> None:
        inv = self.schema.sheet("investeringar")
        cats = self.s.asset_categories
        for n in range(2):
            row = inv.first_data_row + n
            pid = f"{avd}-{n + 1}"
            amounts = {
                y: 500 * (seed + n + 1) * (i + 1)
                for i, y in enumerate(self.s.investment_years[: 2 + n])
            }
            status = "Pågående" if n == 0 else "Ny"
            values = {
                "id": pid,
                "name": f"Projekt {pid}",
                "category": cats[n].name,
                "status": status,
                "decided_total": sum(amounts.values()) + 1000,
                "description": "Utbyte enligt plan.",
            }
            for y, a in amounts.items():
                values[f"inv_{y}"] = a
            for key, value in values.items():
                ws.cell(row, col(inv, key)).value = value
            self.projects[f"Projekt {pid}"] = amounts
            self.project_status[f"Projekt {pid}"] = status


def tables_by_caption(document) -> dict[str, list[list[str]]]:
    """Caption paragraph text → the rows of the table that follows it."""
    result: dict[str, list[list[str]]] = {}
    caption = None
    for el in document.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in el.iter(docx.oxml.ns.qn("w:t")))
            if re.match(r"Tabell \d+: ", text):
                caption = re.sub(r"^Tabell \d+: ", "", text)
        elif tag == "tbl" and caption:
            table = docx.table.Table(el, document)
            result[caption] = [[c.text for c in row.cells] for row in table.rows]
            caption = None
    return result


def find(tables: dict[str, list[list[str]]], *words: str) -> list[list[str]]:
    if words[0] in tables:
        return tables[words[0]]
    hits = [k for k in tables if all(w in k for w in words)]
    assert len(hits) == 1, (words, list(tables))
    return tables[hits[0]]


@pytest.fixture(scope="module")
def round_(tmp_path_factory):
    ws = tmp_path_factory.mktemp("e2e") / "runda"
    actions.init(ws)
    settings = actions.open_workspace(ws).settings()
    schema = build_schema(settings)
    templates = actions.templates(ws)
    assert len(templates) == len(settings.avdelningar)
    person = Person(settings, schema)
    import zipfile

    for seed, path in enumerate(sorted(templates)):
        with zipfile.ZipFile(path) as zf:
            custom = zf.read("docProps/custom.xml").decode()
        code = next(a.code for a in settings.avdelningar if f">{a.code}<" in custom)
        person.fill(path, ws / "inbox", code, seed)
    result = actions.run(ws)
    return settings, person, result


def test_round_is_valid_and_writes_every_output(round_) -> None:
    _, _, result = round_
    assert result.collected.valid, [p.message for p in result.collected.problems]
    for key in ("inlamningskontroll", "konsolidering", "namndplan"):
        assert result.outputs[key].exists()


def test_drift_per_avdelning_equals_the_cells(round_) -> None:
    s, person, result = round_
    tables = tables_by_caption(docx.Document(result.outputs["namndplan"]))
    rows = find(tables, "Driftbudget per avdelning, tkr")
    header = rows[0]
    by = header.index(f"Budget {s.budget_year}")
    bp = header.index(f"Budget {s.prior_year}")
    kinds = s.kinds
    expected_budget: dict[str, int] = defaultdict(int)
    for (avd, _v, post, year), amount in person.typed.items():
        if year == s.budget_year:
            expected_budget[avd] += -amount if kinds[post] == "revenue" else amount
    for avd in s.avdelningar:
        row = next(r for r in rows if r[0] == avd.name)
        assert number(row[by]) == expected_budget[avd.code] == avd.ram[s.budget_year]
        prior = sum(s.prior_net(v.code, "budget") for v in s.verksamheter_of(avd.code))
        assert number(row[bp]) == prior
        assert number(row[by + 1]) == number(row[by]) - number(row[bp])  # change tkr
    plans = find(tables, "Driftbudget per avdelning, budget", "plan")
    for avd in s.avdelningar:
        row = next(r for r in plans if r[0] == avd.name)
        for year in s.plan_years:
            expected = sum(
                -a if kinds[post] == "revenue" else a
                for (code, _v, post, y), a in person.typed.items()
                if code == avd.code and y == year
            )
            assert number(row[plans[0].index(f"Plan {year}")]) == expected == avd.ram[year]


def test_drift_per_verksamhet_equals_the_cells(round_) -> None:
    s, person, result = round_
    tables = tables_by_caption(docx.Document(result.outputs["namndplan"]))
    rows = find(tables, "Driftbudget per verksamhet, tkr")
    by = rows[0].index(f"Budget {s.budget_year}")
    kinds = s.kinds
    for v in s.verksamheter:
        expected = sum(
            -a if kinds[post] == "revenue" else a
            for (_, verks, post, year), a in person.typed.items()
            if verks == v.code and year == s.budget_year
        )
        row = next(r for r in rows if r[0] == v.name)
        assert number(row[by]) == expected, v.name


def test_investments_equal_the_cells(round_) -> None:
    s, person, result = round_
    tables = tables_by_caption(docx.Document(result.outputs["namndplan"]))
    for status, words in (("Pågående", ("pågående",)), ("Ny", ("nya",))):
        rows = find(tables, "Investeringsbudget", *words)
        header = rows[0]
        for name, amounts in person.projects.items():
            if person.project_status[name] != status:
                continue
            row = next(r for r in rows if r[0] == name)
            for year in s.investment_years:
                assert number(row[header.index(f"Budget {year}")]) == amounts.get(year, 0)


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[\u2212-]?[\d\u00a0 ]+", text))


def test_every_total_row_is_the_sum_of_the_rows_above(round_) -> None:
    """A Summa row after data rows sums them; a Summa row right after subtotals sums those."""
    _, _, result = round_
    document = docx.Document(result.outputs["namndplan"])
    checked = 0
    for caption, rows in tables_by_caption(document).items():
        header, pending, subtotals = rows[0], [], []
        for row in rows[1:]:
            if len(set(row)) == 1:  # group heading spanning the table
                continue
            if not row[0].startswith("Summa"):
                pending.append(row)
                continue
            parts = pending or subtotals
            for c in range(1, len(row)):
                if "%" in header[c] or not _numeric(row[c]):
                    continue
                assert all(_numeric(r[c]) for r in parts), (caption, header[c])
                assert number(row[c]) == sum(number(r[c]) for r in parts), (
                    caption,
                    row[0],
                    header[c],
                )
                checked += 1
            if pending:
                subtotals.append(row)
            pending = []
    assert checked > 60


def test_each_source_note_is_stated_once_under_a_table(round_) -> None:
    """Regression: the consolidation's note and the report's settings note were both printed."""
    s, _, result = round_
    texts = [p.text for p in docx.Document(result.outputs["namndplan"]).paragraphs]
    assert any(s.source_budget in t for t in texts)
    for first, second in itertools.pairwise(texts):
        assert first.count(s.source_budget) <= 1, first
        assert not (s.source_budget in first and s.source_budget in second), first


def test_a_source_note_only_under_a_table_with_that_column(round_) -> None:
    """Regression: the draft's plan tables (budget year and plan years only) repeated
    the note on which decision Budget and Prognos of the prior year come from."""
    s, _, result = round_
    document = docx.Document(result.outputs["namndplan"])
    prior = s.budget_year - 1
    header: list[str] = []
    checked = 0
    for el in document.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            header = [c.text for c in docx.table.Table(el, document).rows[0].cells]
        elif tag == "p" and header:
            text = "".join(t.text or "" for t in el.iter(docx.oxml.ns.qn("w:t")))
            if re.match(r"Tabell \d+: ", text) or not text:
                header = [] if text else header
                continue
            heads = " ".join(header)
            if s.source_budget in text:
                checked += 1
                # "Intäkter B2026" of the brutto table is the prior year's budget too
                assert f"Budget {prior}" in heads or re.search(rf"\bB{prior}\b", heads), (
                    text,
                    header,
                )
            if s.source_prognos in text:
                assert f"Prognos {prior}" in heads, (text, header)
    assert checked >= 2
