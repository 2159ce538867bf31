"""A synthetic budget round with N avdelningar, for the benchmark (issue 8).

Every return is realistic in size and filled the way a person fills it: our own
template writer makes the workbooks, openpyxl types values into their input cells
(reusing `budgetbook.example`'s filler), and the files are saved in inbox/. Per
avdelning: 12 verksamheter × 7 driftposter (prior budget and prognos prefilled, budget
year and two plan years typed, comments where the change is large), 20 investment
projects, 10 goal rows, 5 uppdrag, 5 risks, one control and about 2 000 characters of
text.

Generating 1 000 workbooks takes minutes, so a round is made once and cached under
`benchmarks/.cache/round-<N>-<version>/` (gitignored); the cache is keyed by N and the
generator version. `python benchmarks/generate.py N` makes (or reuses) one round.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import sys
import tomllib
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl

from budgetbook import example, templates
from budgetbook import schema as S
from budgetbook.example_data import INDICATORS, PROJECTS, RISKS
from budgetbook.example_text import section_text
from budgetbook.model import Project
from budgetbook.reader_parts import read_zip_parts
from budgetbook.settings import Settings
from budgetbook.workspace import atomic_write, example_resources, open_workspace

GENERATOR_VERSION = "7"  # bump when the generated round changes (7: capital rows fit the projects)
CACHE = Path(__file__).resolve().parent / ".cache"

VERKSAMHETER_PER_AVD = 12
PROJECTS_PER_AVD = 20
GOAL_ROWS = 10
UPPDRAG_PER_AVD = 5
RISKS_PER_AVD = 5
TEXT_CHARS = 2000

_AREAS = (
    "Administration",
    "Ledning",
    "Kvalitet och utveckling",
    "Stöd och service",
    "Lokaler",
    "Kommunikation",
    "Digitalisering",
    "Upphandling",
    "Ekonomi",
    "Personal",
    "Planering",
    "Samordning",
)
_DEPARTMENTS = (
    "Förskola",
    "Grundskola",
    "Gymnasium",
    "Äldreomsorg",
    "Socialtjänst",
    "Kultur och fritid",
    "Stadsbyggnad",
    "Miljö och hälsa",
    "Teknisk förvaltning",
    "Arbetsmarknad",
)
_UPPDRAG = (
    "Ta fram en plan för {}.",
    "Utreda samordningsvinster inom {}.",
    "Införa digital uppföljning av {}.",
    "Se över avgifterna inom {}.",
    "Redovisa en handlingsplan för kompetensförsörjning inom {}.",
)


def round_dir(n: int, cache: Path | None = None) -> Path:
    return (cache or CACHE) / f"round-{n}-v{GENERATOR_VERSION}"


def ensure_round(
    n: int, *, cache: Path | None = None, workers: int | None = None, quiet: bool = False
) -> Path:
    """The cached workspace of a round with n avdelningar; generate it if missing."""
    root = round_dir(n, cache)
    if (root / ".complete").exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    tmp = root.with_name(root.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    generate_round(n, tmp, workers=workers, quiet=quiet)
    (tmp / ".complete").write_text("ok\n")
    tmp.rename(root)
    return root


def generate_round(n: int, root: Path, *, workers: int | None = None, quiet: bool = True) -> None:
    """Write a whole workspace (settings, templates, filled returns) for n avdelningar."""
    root.mkdir(parents=True)
    src = example_resources()
    shutil.copytree(src / "texter", root / "texter")
    toml, csv = settings_files(n, (src / "budgetbook.toml").read_text(encoding="utf-8"))
    (root / "budgetbook.toml").write_text(toml, encoding="utf-8")
    (root / "foregaende_ar.csv").write_text(csv, encoding="utf-8")
    ws = open_workspace(root)
    ws.ensure_dirs()
    codes = [a.code for a in ws.settings().avdelningar]
    workers = workers or min(os.cpu_count() or 1, 4)
    jobs = [(str(root), codes[i::workers]) for i in range(workers) if codes[i::workers]]
    if workers > 1 and len(codes) >= 8:
        with ProcessPoolExecutor(workers) as pool:
            for _ in pool.map(_make_chunk, jobs):
                pass
    else:
        for job in jobs:
            _make_chunk(job)
    if not quiet:
        print(f"generated {len(codes)} returns in {root}", file=sys.stderr)


# --- settings ---------------------------------------------------------------------------


def settings_files(n: int, example_toml: str) -> tuple[str, str]:
    """budgetbook.toml and foregaende_ar.csv for n avdelningar.

    The example's kommun-wide sections (driftposter, categories, KF goals, nämnd goals,
    text sections) are kept; avdelningar, verksamheter, uppdrag and prior figures are
    generated deterministically.
    """
    data = tomllib.loads(example_toml)
    head = example_toml[: example_toml.index("[[avdelningar]]")]
    goals = example_toml[example_toml.index("[[kf_goals]]") : example_toml.index("[[uppdrag]]")]
    budget_year = data["round"]["budget_year"]
    driftposter = data["driftposter"]
    rng = random.Random(f"bench:{n}")
    out = [head]
    verks: list[str] = []
    uppdrag: list[str] = []
    prior = ["verksamhet;driftpost;budget;prognos"]
    for i in range(n):
        code = f"A{i + 1:04d}"
        dept = _DEPARTMENTS[i % len(_DEPARTMENTS)]
        name = f"{dept} {i // len(_DEPARTMENTS) + 1}"
        net = 0
        for j in range(VERKSAMHETER_PER_AVD):
            vcode = f"{10000 + i * VERKSAMHETER_PER_AVD + j}"
            vname = f"{_AREAS[j % len(_AREAS)]}, {name.lower()}"
            verks.append(
                f'[[verksamheter]]\ncode = "{vcode}"\nname = "{vname}"\navdelning = "{code}"\n'
            )
            for d in driftposter:
                if d.get("capital"):
                    budget = rng.randrange(1, 60) * 10
                elif d["kind"] == "revenue":
                    budget = rng.randrange(0, 400) * 10
                else:
                    budget = rng.randrange(50, 1500) * 10
                prognos = round(budget * rng.uniform(0.95, 1.05) / 10) * 10
                prior.append(f"{vcode};{d['code']};{budget};{prognos}")
                net += -budget if d["kind"] == "revenue" else budget
        rams = [round(net * (1.02 + 0.02 * k) / 100) * 100 for k in range(3)]
        out.append(
            f'[[avdelningar]]\ncode = "{code}"\nname = "{name}"\nhead = "Chef {code}"\n'
            f'email = "chef.{code.lower()}@exempelkommun.se"\nram = {rams}\n\n'
        )
        for k in range(UPPDRAG_PER_AVD):
            text = _UPPDRAG[k % len(_UPPDRAG)].format(name.lower())
            uppdrag.append(
                f'[[uppdrag]]\ntext = "{text}"\nstart = {budget_year - k % 2}\n'
                f'avdelning = "{code}"\ndecision = "KS {budget_year - 1}-09-14 § {100 + k}"\n'
            )
    out.append("\n".join(verks))
    out.append("\n" + goals)
    out.append("\n".join(uppdrag))
    sections = data["text_sections"]
    for sec in sections:
        out.append(
            f'\n[[text_sections]]\nkey = "{sec["key"]}"\ntitle = "{sec["title"]}"\n'
            f'guidance = "{sec["guidance"]}"\nmax_chars = {sec["max_chars"]}\n'
        )
    return "".join(out), "\n".join(prior) + "\n"


# --- filling ------------------------------------------------------------------------


def _make_chunk(job: tuple[str, list[str]]) -> None:
    """Write and fill the templates of some avdelningar (one worker's share)."""
    root, codes = job
    ws = open_workspace(root)
    settings = ws.settings()
    schema = S.build_schema(settings)
    wanted = set(codes)
    paths = []
    for avd in settings.avdelningar:
        if avd.code in wanted:
            path = ws.templates / templates.template_name(settings, avd)
            with atomic_write(path) as tmp:
                templates._Writer(settings, schema, avd, tmp).write()
            paths.append(path)
    fill_returns(settings, paths, ws.inbox)


def fill_returns(settings: Settings, templates: list[Path], inbox: Path) -> list[Path]:
    """Fill the given templates as department heads do and save them in inbox."""
    schema = S.build_schema(settings)
    plan = example._Plan(settings)
    index_of = {a.code: i for i, a in enumerate(settings.avdelningar)}
    by_code = {a.code: a for a in settings.avdelningar}
    written = []
    for path in templates:
        with zipfile.ZipFile(path) as zf:
            ident = read_zip_parts(zf, set(), S.IDENTITY_FIELDS).identity
        code = ident.get(S.ID_AVDELNING, "")
        wb = openpyxl.load_workbook(path)
        avd = by_code[code]
        index = index_of[code]
        _BenchFiller(settings, schema, avd, index, plan).fill(wb)
        target = inbox / example.return_name(settings, avd)
        buffer = io.BytesIO()
        wb.save(buffer)
        with atomic_write(target) as tmp:
            data = example._normalise(buffer.getvalue(), example._saved_at(settings, index))
            tmp.write_bytes(data)
        written.append(target)
    return written


class _BenchFiller(example._Filler):
    """The example filler with the benchmark's row counts."""

    def _projects(self) -> list[Project]:
        """The benchmark's projects of this avdelning, as it types them: the example
        filler budgets their capital cost on Drift from these (`_capital_cost`), so each
        return's Kapitalkostnader rows fit its own Investeringar (BB408), as a
        careful head's do."""
        s = self.s
        years = s.investment_years
        cats = s.asset_categories
        result = []
        for n in range(PROJECTS_PER_AVD):
            p = PROJECTS[(self.index + n) % len(PROJECTS)]
            cat = s.category(p.category) or cats[n % len(cats)]
            start = years[0] - (2 if p.ongoing else 0)
            scale = 1 + (n % 5) / 4
            amounts = {}
            for year, share in zip(years, p.shares, strict=False):
                value = round(p.total * scale * share / 10) * 10
                if value:
                    amounts[year] = value
            result.append(
                Project(
                    id=f"{self.avd.code}-{start % 100:02d}{n + 1:02d}",
                    name=f"{p.name} ({n // len(PROJECTS) + 1})",
                    category=cat.code,
                    status="pågående" if p.ongoing else "ny",
                    decided_total=round((p.total + p.spent) * scale) if p.ongoing else None,
                    amounts=amounts,
                    description=p.description,
                    avdelning=self.avd.code,
                )
            )
        return result

    def investments(self, ws) -> None:  # type: ignore[no-untyped-def]
        s, sheet = self.s, self.schema.sheet("investeringar")
        for n, project in enumerate(self._projects()):
            cat = s.category(project.category)
            row = sheet.first_data_row + n
            self.put(ws, sheet, row, "id", project.id)
            self.put(ws, sheet, row, "name", project.name)
            self.put(ws, sheet, row, "category", cat.name if cat else project.category)
            self.put(ws, sheet, row, "status", "Pågående" if project.status == "pågående" else "Ny")
            if project.decided_total is not None:
                self.put(ws, sheet, row, "decided_total", project.decided_total)
            for year, value in project.amounts.items():
                self.put(ws, sheet, row, f"inv_{year}", value)
            self.put(ws, sheet, row, "description", project.description)

    def goals(self, ws) -> None:  # type: ignore[no-untyped-def]
        s, sheet = self.s, self.schema.sheet("mal")
        by = s.budget_year
        for n in range(GOAL_ROWS):
            goal = s.namnd_goals[(self.index + n) % len(s.namnd_goals)]
            ind = INDICATORS[(self.index + n) % len(INDICATORS)]
            row = sheet.first_data_row + n
            self.put(ws, sheet, row, "goal", S.goal_label(goal.code, goal.title))
            self.put(ws, sheet, row, "indicator", f"{ind.name} [{n + 1}]")
            self.put(ws, sheet, row, "source", ind.source)
            self.put(ws, sheet, row, f"value_{by - 2}", ind.values[0])
            self.put(ws, sheet, row, f"value_{by - 1}", ind.values[1])
            self.put(ws, sheet, row, "target", ind.target)
            self.put(ws, sheet, row, "comment", ind.comment)

    def risks(self, ws) -> None:  # type: ignore[no-untyped-def]
        sheet = self.schema.sheet("risker")
        for n in range(RISKS_PER_AVD):
            risk = RISKS[(self.index + n) % len(RISKS)]
            row = sheet.first_data_row + n
            self.put(ws, sheet, row, "description", risk.description)
            if risk.positive:
                self.put(ws, sheet, row, "positive", risk.positive)
            if risk.negative:
                self.put(ws, sheet, row, "negative", risk.negative)
            self.put(ws, sheet, row, "comment", risk.comment)

    def texts(self, ws) -> None:  # type: ignore[no-untyped-def]
        sheet = self.schema.sheet("texter")
        sections = self.s.text_sections
        share = TEXT_CHARS // max(len(sections), 1)
        for n, section in enumerate(sections):
            text = ""
            while len(text) < min(share, section.max_chars):
                text += section_text(section, self.s, self.avd, self.rng) + " "
            cut = text[: min(share, section.max_chars)].rsplit(" ", 1)[0].rstrip(",") + "."
            self.put(ws, sheet, sheet.first_data_row + n, "text", cut)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(ensure_round(int(arg), quiet=False))
