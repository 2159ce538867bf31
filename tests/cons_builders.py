"""Builders for consolidation tests: Submissions made directly from model types."""

from __future__ import annotations

from pathlib import Path

from budgetbook.model import DriftLine, Project, Risk, Submission
from budgetbook.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]


def example_settings() -> Settings:
    return load_settings(ROOT / "budgetbook.toml")


def submission_from_prior(
    settings: Settings, avdelning: str, uplift: float = 0.0, projects: list[Project] | None = None
) -> Submission:
    """A return for `avdelning`: every prefilled row, budget = prior budget × (1 + uplift),
    plans the same, with cells numbered the way the Drift sheet numbers them."""
    lines = []
    row = 7
    for v in settings.verksamheter_of(avdelning):
        for d in settings.driftposter:
            figs = settings.prior.get((v.code, d.code))
            base = figs.budget if figs else 0
            amount = round(base * (1 + uplift))
            amounts = {y: amount for y in settings.years}
            cells = {y: f"{'FGHIJ'[i]}{row}" for i, y in enumerate(settings.years)}
            lines.append(DriftLine(v.code, d.code, amounts, cells=cells, row=row))
            row += 1
    return Submission(
        avdelning=avdelning,
        file=f"{avdelning}.xlsx",
        path=Path(f"/inbox/{avdelning}.xlsx"),
        year=settings.budget_year,
        drift=lines,
        projects=projects or [],
    )


def project(
    pid: str,
    name: str,
    category: str,
    status: str,
    amounts: dict[int, int],
    decided: int | None = None,
    avdelning: str = "",
    row: int = 7,
) -> Project:
    cells = {str(y): f"{'FGHI'[i]}{row}" for i, y in enumerate(sorted(amounts))}
    if decided is not None:
        cells["decided_total"] = f"E{row}"
    return Project(pid, name, category, status, decided, amounts, "", avdelning, cells, row)


def risk(description: str, positive: int = 0, negative: int = 0, row: int = 7) -> Risk:
    return Risk(
        description,
        positive,
        negative,
        row=row,
        cells={"positive": f"B{row}", "negative": f"C{row}"},
    )


SMALL_TOML = """
[kommun]
name = "Testkommun"
[namnd]
name = "Kommunstyrelsen"
[round]
id = "test-2027"
budget_year = 2027
plan_years = [2028, 2029]
[display]
sign_convention = "{sign}"
[sources]
budget = "Budget 2026 enligt KF."
prognos = "Prognos 2026 enligt delår 2."
ram = "Ram enligt KF."
[capital]
internranta = 2.0
[[driftposter]]
code = "intakter"
name = "Intäkter"
kind = "revenue"
[[driftposter]]
code = "personal"
name = "Personalkostnader"
kind = "cost"
[[driftposter]]
code = "kapital"
name = "Kapitalkostnader"
kind = "cost"
capital = true
[[asset_categories]]
code = "IT"
name = "IT-utrustning"
life = 3
[[asset_categories]]
code = "MARK"
name = "Mark"
life = 0
[[avdelningar]]
code = "A"
name = "Avdelning A"
ram = [1000, 1000, 1000]
[[avdelningar]]
code = "B"
name = "Avdelning B"
ram = [500, 500, 500]
[[verksamheter]]
code = "A1"
name = "Verksamhet A1"
avdelning = "A"
[[verksamheter]]
code = "A2"
name = "Verksamhet A2"
avdelning = "A"
[[verksamheter]]
code = "B1"
name = "Verksamhet B1"
avdelning = "B"
[[kf_goals]]
code = "1"
title = "Trygga invånare"
  [[kf_goals.indicators]]
  name = "Trygghetsindex"
  values = {{ 2025 = "60", 2026 = "62" }}
  target = "65"
[[kf_goals]]
code = "2"
title = "Ordning i ekonomin"
[[namnd_goals]]
code = "2.1"
kf_goal = "2"
title = "God budgetföljsamhet"
[[namnd_goals]]
code = "1.1"
kf_goal = "1"
title = "Samordnat trygghetsarbete"
[[uppdrag]]
text = "Ta fram ett trygghetsprogram."
start = 2026
avdelning = "A"
[[text_sections]]
key = "verksamhet"
title = "Verksamhetens inriktning"
[[text_sections]]
key = "budget"
title = "Kommentar till budgeten"
"""

# (verksamhet, driftpost) -> (budget 2026, prognos 2026); CSV line numbers follow this order.
SMALL_PRIOR = {
    ("A1", "intakter"): (100, 90),
    ("A1", "personal"): (600, 610),
    ("A2", "personal"): (400, 380),
    ("A2", "kapital"): (50, 50),
    ("B1", "intakter"): (0, 0),
    ("B1", "personal"): (450, 470),
}


def small_settings(tmp_path: Path, sign: str = "net_cost_positive") -> Settings:
    """Two avdelningar (A: A1, A2; B: B1), three driftposter, prior figures above."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    text = SMALL_TOML.format(sign=sign) + '[prior]\nfile = "prior.csv"\n'
    (tmp_path / "budgetbook.toml").write_text(text, encoding="utf-8")
    lines = ["verksamhet;driftpost;budget;prognos"]
    lines += [f"{v};{d};{b};{p}" for (v, d), (b, p) in SMALL_PRIOR.items()]
    (tmp_path / "prior.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_settings(tmp_path / "budgetbook.toml")


def drift_sub(
    avdelning: str,
    lines: dict[tuple[str, str], tuple[int, int, int]],
    file: str | None = None,
    **extra,
) -> Submission:
    """A return with drift lines (verksamhet, driftpost) -> (2027, 2028, 2029)."""
    drift = []
    for i, ((v, d), amounts) in enumerate(lines.items()):
        row = 7 + i
        drift.append(
            DriftLine(
                v,
                d,
                dict(zip((2027, 2028, 2029), amounts, strict=True)),
                cells={2027: f"F{row}", 2028: f"G{row}", 2029: f"H{row}"},
                row=row,
            )
        )
    name = file or f"{avdelning}.xlsx"
    return Submission(avdelning, name, Path(name), year=2027, drift=drift, **extra)
