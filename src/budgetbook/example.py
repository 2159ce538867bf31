"""Fill the generated templates the way department heads do, for the example round.

`write_example_returns` opens each template with openpyxl, types values into the input
cells (nothing else), and saves it in the inbox under a name a person would use. The
figures derive from the prior-year figures and each avdelning's ram, deterministically,
so any valid settings give returns whose net budget equals the ram exactly. A few
realistic imperfections give warnings but no errors: one large change without comment
and one amount typed as text ("1 250").
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from . import fmt
from . import schema as S
from .capital import project_capital
from .checks import needs_comment
from .example_data import CONTROLS, INDICATORS, PROJECTS, RISKS, change_comment, uppdrag_comment
from .example_text import AvdelningFacts, section_text
from .model import Project
from .reader_parts import read_zip_parts
from .settings import Avdelning, NamndGoal, Settings
from .workspace import atomic_write


def return_name(settings: Settings, avd: Avdelning) -> str:
    return f"Budget {settings.budget_year} {avd.name}.xlsx"


def write_example_returns(
    settings: Settings, template_paths: list[Path], inbox: Path
) -> list[Path]:
    """Fill every template in `template_paths` and save the returns in `inbox`."""
    schema = S.build_schema(settings)
    inbox.mkdir(parents=True, exist_ok=True)
    by_code: dict[str, Path] = {}
    for path in template_paths:
        with zipfile.ZipFile(path) as zf:
            ident = read_zip_parts(zf, set(), S.IDENTITY_FIELDS).identity
        by_code[ident.get(S.ID_AVDELNING, "")] = path
    plan = _Plan(settings)
    written: list[Path] = []
    for index, avd in enumerate(settings.avdelningar):
        template = by_code.get(avd.code)
        if template is None:
            continue
        wb = openpyxl.load_workbook(template)
        filler = _Filler(settings, schema, avd, index, plan)
        filler.fill(wb)
        buffer = io.BytesIO()
        wb.save(buffer)
        target = inbox / return_name(settings, avd)
        saved = _saved_at(settings, index)
        with atomic_write(target) as tmp:
            tmp.write_bytes(_normalise(buffer.getvalue(), saved))
        # the file's time too, as of a return sent in time and saved into the inbox then
        # (a collect takes it for when the return came: `inbox.arrival`)
        stamp = saved.replace(tzinfo=dt.UTC).timestamp() + 600
        os.utime(target, (stamp, stamp))
        written.append(target)
    return written


def _saved_at(settings: Settings, index: int) -> dt.datetime:
    """When the department head 'saved' the return: a few days before the deadline."""
    deadline = settings.deadline or dt.date(settings.budget_year - 1, 11, 30)
    day = deadline - dt.timedelta(days=1 + index % 6)
    return dt.datetime(day.year, day.month, day.day, 9 + index % 8, 5 * index % 60)


def _normalise(data: bytes, saved: dt.datetime) -> bytes:
    """Fixed zip timestamps and modification time, so regenerated returns do not churn."""
    stamp = saved.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    body,
                )
            dst.writestr(
                zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


class _Plan:
    """Round-wide choices: which avdelning gets the imperfections and the projects."""

    def __init__(self, s: Settings):
        self.s = s
        codes = [a.code for a in s.avdelningar]
        # avdelningar with drift figures large enough for a '1 250'-style text amount
        self.text_amount = next(
            (
                a.code
                for a in s.avdelningar
                if any(
                    p.budget >= 1000
                    for (v, _), p in s.prior.items()
                    if (sv := s.verksamhet(v)) and sv.avdelning == a.code
                )
            ),
            codes[0],
        )
        self.no_comment = codes[min(1, len(codes) - 1)]
        # at least six projects in total, spread round-robin over the avdelningar
        # owned by the larger half of the avdelningar (by ram), as in a real kommun
        count = max(6, min(len(PROJECTS), len(codes)))
        by_ram = sorted(s.avdelningar, key=lambda a: -a.ram.get(s.budget_year, 0))
        owners = [a.code for a in by_ram[: max(1, (len(codes) + 1) // 2)]]
        self.projects: dict[str, list[int]] = {c: [] for c in codes}
        for i in range(count):
            self.projects[owners[i % len(owners)]].append(i)


class _Filler:
    def __init__(self, s: Settings, schema: S.Schema, avd: Avdelning, index: int, plan: _Plan):
        self.s = s
        self.schema = schema
        self.avd = avd
        self.index = index
        self.plan = plan
        self.rng = random.Random(f"{s.round_id}:{avd.code}")
        # what the avdelning budgeted, for its texts: verksamhet -> (prior net, new net)
        self.net_by_verksamhet: dict[str, tuple[int, int]] = {}
        self.revenue = 0
        self.staff = (0, 0)  # personnel costs: prior-year budget, budget year

    def fill(self, wb: openpyxl.Workbook) -> None:
        self.drift(wb[self.schema.sheet("drift").name])
        self.investments(wb[self.schema.sheet("investeringar").name])
        self.goals(wb[self.schema.sheet("mal").name])
        self.uppdrag(wb[self.schema.sheet("uppdrag").name])
        self.risks(wb[self.schema.sheet("risker").name])
        self.controls(wb[self.schema.sheet("internkontroll").name])
        self.texts(wb[self.schema.sheet("texter").name])

    def put(self, ws: Worksheet, sheet: S.SheetDef, row: int, key: str, value: object) -> None:
        ws.cell(row=row, column=sheet.index(key) + 1, value=value)

    # -- Drift ---------------------------------------------------------------------------

    def drift(self, ws: Worksheet) -> None:
        s, sheet = self.s, self.schema.sheet("drift")
        kinds = s.kinds
        lines: list[tuple[int, str, str, int]] = []  # (row, verksamhet, driftpost, prior budget)
        r = sheet.first_data_row
        name_to_code = {d.name: d.code for d in s.driftposter}
        while (v := ws.cell(row=r, column=sheet.index("verksamhet") + 1).value) not in (None, ""):
            d = name_to_code.get(ws.cell(row=r, column=sheet.index("driftpost") + 1).value, "")
            prior = s.prior.get((str(v), d))
            lines.append((r, str(v), d, prior.budget if prior else 0))
            r += 1
        if not lines:
            return
        amounts: dict[int, dict[int, int]] = {}  # row -> year -> tkr
        for row, _, d, base in lines:
            growth = (
                1 + self.rng.uniform(-0.01, 0.035)
                if kinds.get(d) == "cost"
                else 1 + self.rng.uniform(-0.02, 0.05)
            )
            budget = round(base * growth / 10) * 10
            amounts[row] = {s.budget_year: budget}
            for i, year in enumerate(s.plan_years, start=1):
                amounts[row][year] = round(budget * (1 + 0.02 * i) / 10) * 10
        # a department head who adds projects budgets their capital cost on top of the
        # existing one, on the first capital line
        capital_rows = [ln for ln in lines if (d := s.driftpost(ln[2])) is not None and d.capital]
        added = self._capital_cost()
        for n, (row, _, _, base) in enumerate(capital_rows):
            for year in s.years:
                amounts[row][year] = base + (added.get(year, 0) if n == 0 else 0)
        for year in s.years:
            self._balance(lines, amounts, year)
        no_comment = self.avd.code == self.plan.no_comment and self._shift(lines, amounts)
        text_row = None
        if self.avd.code == self.plan.text_amount:
            # prefer a four-digit amount: "1 250" is what people type
            candidates = [row for row, _, _, _ in lines if amounts[row][s.budget_year] >= 1000]
            text_row = min(candidates, key=lambda row: amounts[row][s.budget_year], default=None)
        skip_comment = no_comment or None
        by = s.budget_year
        for row, v, d, base in lines:
            sign = -1 if kinds.get(d) == "revenue" else 1
            name = (sv.name if (sv := s.verksamhet(v)) else v) or v
            old, new_net = self.net_by_verksamhet.get(name, (0, 0))
            self.net_by_verksamhet[name] = (old + sign * base, new_net + sign * amounts[row][by])
            if sign < 0:
                self.revenue += amounts[row][by]
            if _is_staff(s, d):
                self.staff = (self.staff[0] + base, self.staff[1] + amounts[row][by])
        for row, _v, d, base in lines:
            for year, value in amounts[row].items():
                key = S.year_key(s, year)
                cell_value: object = value
                if row == text_row and year == s.budget_year:
                    cell_value = fmt.tkr(value).replace(fmt.NBSP, " ")  # typed as text
                self.put(ws, sheet, row, key, cell_value)
            new = amounts[row][s.budget_year]
            if needs_comment(new, base, s) and row != skip_comment:
                self.put(
                    ws,
                    sheet,
                    row,
                    "comment",
                    change_comment(kinds.get(d, "cost"), new - base, self.rng),
                )

    def _balance(
        self, lines: list[tuple[int, str, str, int]], amounts: dict[int, dict[int, int]], year: int
    ) -> None:
        """Adjust the largest cost line (then revenue) so that net cost equals the ram."""
        kinds = self.s.kinds
        net = sum(
            -a[year] if kinds.get(d) == "revenue" else a[year]
            for (row, _, d, _), a in ((ln, amounts[ln[0]]) for ln in lines)
        )
        diff = self.avd.ram.get(year, 0) - net
        capital = {d.code for d in self.s.driftposter if d.capital}
        costs = sorted(
            (ln for ln in lines if kinds.get(ln[2]) == "cost" and ln[2] not in capital),
            key=lambda ln: -amounts[ln[0]][year],
        )
        revenues = [ln for ln in lines if kinds.get(ln[2]) == "revenue"]
        if not costs:
            return
        row = costs[0][0]
        amounts[row][year] += diff
        if amounts[row][year] < 0:
            rest = -amounts[row][year]
            amounts[row][year] = 0
            for ln in costs[1:]:
                take = min(rest, amounts[ln[0]][year])
                amounts[ln[0]][year] -= take
                rest -= take
            if rest and revenues:
                amounts[revenues[0][0]][year] += rest

    def _shift(
        self, lines: list[tuple[int, str, str, int]], amounts: dict[int, dict[int, int]]
    ) -> int | None:
        """Move money between two cost lines so one row changes a lot; leave it uncommented."""
        s, by = self.s, self.s.budget_year
        kinds = s.kinds
        costs = [
            ln
            for ln in lines
            if kinds.get(ln[2]) == "cost"
            and (d := s.driftpost(ln[2])) is not None
            and not d.capital
        ]
        if len(costs) < 2:
            return None
        giver = max(costs, key=lambda ln: amounts[ln[0]][by])
        taker = min((ln for ln in costs if ln is not giver), key=lambda ln: ln[3])
        move = max(
            s.change_threshold_tkr + 150, round(taker[3] * s.change_threshold_pct / 100) + 150
        )
        move = round(move / 10) * 10
        if amounts[giver[0]][by] - move < 0:
            return None
        for year in s.years:
            amounts[giver[0]][year] -= move
            amounts[taker[0]][year] += move
        return taker[0]

    # -- the other sheets ---------------------------------------------------------------

    def _projects(self) -> list[Project]:
        """This avdelning's example projects, as it will type them."""
        s = self.s
        years = s.investment_years
        cats = s.asset_categories
        result = []
        for n, i in enumerate(self.plan.projects.get(self.avd.code, [])):
            p = PROJECTS[i % len(PROJECTS)]
            cat = s.category(p.category) or cats[i % len(cats)]
            start = years[0] - (2 if p.ongoing else 0)
            per_year = [round(p.total * share / 10) * 10 for share in p.shares]
            result.append(
                Project(
                    id=f"{self.avd.code}-{start % 100:02d}{n + 1:02d}",
                    name=p.name,
                    category=cat.code,
                    status="pågående" if p.ongoing else "ny",
                    decided_total=p.total + p.spent if p.ongoing else None,
                    amounts={y: v for y, v in zip(years, per_year, strict=False) if v},
                    description=p.description,
                    avdelning=self.avd.code,
                )
            )
        return result

    def _capital_cost(self) -> dict[int, int]:
        """What this avdelning's projects add in kapitalkostnad per year (budgeted on drift)."""
        total: dict[int, int] = {}
        for project in self._projects():
            cap = project_capital(project, self.s, self.s.years)
            for year in self.s.years:
                total[year] = total.get(year, 0) + cap.rounded(year)
        return total

    def investments(self, ws: Worksheet) -> None:
        sheet = self.schema.sheet("investeringar")
        for n, project in enumerate(self._projects()):
            row = sheet.first_data_row + n
            cat = self.s.category(project.category)
            self.put(ws, sheet, row, "id", project.id)
            self.put(ws, sheet, row, "name", project.name)
            self.put(ws, sheet, row, "category", cat.name if cat else project.category)
            self.put(ws, sheet, row, "status", "Pågående" if project.status == "pågående" else "Ny")
            if project.decided_total is not None:
                self.put(ws, sheet, row, "decided_total", project.decided_total)
            for year, value in project.amounts.items():
                self.put(ws, sheet, row, f"inv_{year}", value)
            self.put(ws, sheet, row, "description", project.description)
            # Excel grows the row as the text is typed; openpyxl does not
            ws.row_dimensions[row].height = 15 * (1 + len(project.description) // 50)

    def goals(self, ws: Worksheet) -> None:
        s, sheet = self.s, self.schema.sheet("mal")
        if not s.namnd_goals:
            return
        by = s.budget_year
        # each example indicator is reported once, by one avdelning, under a goal it fits
        mine = [k for k in range(len(INDICATORS)) if k % len(s.avdelningar) == self.index]
        for n, k in enumerate(mine):
            ind = INDICATORS[k]
            goal = _goal_for(s, ind.topics, k)
            row = sheet.first_data_row + n
            self.put(ws, sheet, row, "goal", S.goal_label(goal.code, goal.title))
            self.put(ws, sheet, row, "indicator", ind.name)
            self.put(ws, sheet, row, "source", ind.source)
            self.put(ws, sheet, row, f"value_{by - 2}", ind.values[0])
            self.put(ws, sheet, row, f"value_{by - 1}", ind.values[1])
            self.put(ws, sheet, row, "target", ind.target)
            self.put(ws, sheet, row, "comment", ind.comment)

    def uppdrag(self, ws: Worksheet) -> None:
        sheet = self.schema.sheet("uppdrag")
        statuses = S.UPPDRAG_STATUSES
        r = sheet.first_data_row
        while ws.cell(row=r, column=sheet.index("text") + 1).value not in (None, ""):
            status = statuses[min(1 + (self.index + r) % 2, len(statuses) - 1)]
            start = ws.cell(row=r, column=sheet.index("start") + 1).value
            if isinstance(start, int) and start >= self.s.budget_year:
                # written in the autumn before: an uppdrag of the budget year has not begun
                status = statuses[0]
            self.put(ws, sheet, r, "status", status)
            self.put(ws, sheet, r, "comment", uppdrag_comment(status, self.rng))
            r += 1

    def risks(self, ws: Worksheet) -> None:
        sheet = self.schema.sheet("risker")
        for n in range(2):
            risk = RISKS[(self.index * 2 + n) % len(RISKS)]
            row = sheet.first_data_row + n
            self.put(ws, sheet, row, "description", risk.description)
            if risk.positive:
                self.put(ws, sheet, row, "positive", risk.positive)
            if risk.negative:
                self.put(ws, sheet, row, "negative", risk.negative)
            self.put(ws, sheet, row, "comment", risk.comment)

    def controls(self, ws: Worksheet) -> None:
        sheet = self.schema.sheet("internkontroll")
        c = CONTROLS[self.index % len(CONTROLS)]
        row = sheet.first_data_row
        self.put(ws, sheet, row, "riskomrade", c.riskomrade)
        self.put(ws, sheet, row, "risk", c.risk)
        self.put(ws, sheet, row, "riskvarde", c.riskvarde)
        self.put(ws, sheet, row, "kontrollmetod", c.kontrollmetod)
        self.put(ws, sheet, row, "tidpunkt", c.tidpunkt)

    def texts(self, ws: Worksheet) -> None:
        sheet = self.schema.sheet("texter")
        facts = self._facts()
        for n, section in enumerate(self.s.text_sections):
            text = section_text(section, self.s, self.avd, self.rng, facts)
            self.put(ws, sheet, sheet.first_data_row + n, "text", text[: section.max_chars])

    def _facts(self) -> AvdelningFacts:
        s, by = self.s, self.s.budget_year
        codes = [v.code for v in s.verksamheter_of(self.avd.code)]
        total_ram = sum(a.ram.get(by, 0) for a in s.avdelningar)
        return AvdelningFacts(
            prior_budget=sum(s.prior_net(c, "budget") for c in codes),
            prior_prognos=sum(s.prior_net(c, "prognos") for c in codes),
            by_verksamhet=dict(self.net_by_verksamhet),
            revenue=self.revenue,
            projects=tuple(self._projects()),
            capital_added=self._capital_cost(),
            share=self.avd.ram.get(by, 0) / total_ram if total_ram > 0 else 0.0,
            staff=self.staff,
        )


def _is_staff(s: Settings, code: str) -> bool:
    """A driftpost of personnel costs, by its code or name (any kommun's settings)."""
    d = s.driftpost(code)
    return d is not None and any(t.casefold().startswith("personal") for t in (d.code, d.name))


def _goal_for(s: Settings, topics: tuple[str, ...], k: int) -> NamndGoal:
    """The nämndmål whose title and its KF goal's name `topics` most often (the first
    of equals). Counted, not the first that names one: "miljö" is in 1.1's "offentliga
    miljöer" as well as in 6.1's miljöarbete, and the fossil-free cars went to trygghet."""
    kf_titles = {g.code: g.title for g in s.kf_goals}
    best, best_hits = None, 0
    for goal in s.namnd_goals:
        texts = (goal.title.casefold(), kf_titles.get(goal.kf_goal, "").casefold())
        hits = sum(t in text for t in topics for text in texts)
        if hits > best_hits:
            best, best_hits = goal, hits
    return best or s.namnd_goals[k % len(s.namnd_goals)]
