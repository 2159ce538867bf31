"""Hand-built Consolidations for the report tests, following the consolidation contract.

Figures derive from the example settings (prior-year CSV, ramar) so they are realistic,
and every total is computed from the rows above it, as consolidation does.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from budgetbook import fmt
from budgetbook.consolidate_inv import risk_list
from budgetbook.model import (
    VIEW_DRIFT_AVDELNING,
    VIEW_DRIFT_VERKSAMHET,
    VIEW_INV_NYA,
    VIEW_INV_PAGAENDE,
    VIEW_KAPITALKOSTNADER,
    VIEW_RISKER,
    VIEW_RISKLISTA,
    AvdelningText,
    Column,
    Consolidation,
    ControlPoint,
    IndicatorView,
    KfGoalView,
    NamndGoalView,
    Risk,
    Row,
    RowKind,
    Submission,
    Table,
    Uppdrag,
)
from budgetbook.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]

TRICKY_TEXT = (
    'Kostnader för "Trygg & säker" ökar <kraftigt> jämfört med 2026.\n'
    "Andra raden i samma stycke.\n\n"
    "Prioriteringar:\n"
    "- Civilt försvar & beredskap\n"
    "• Trygghetsvandringar i <centrum>\n"
    "Avslutande rad med 'enkla' citattecken."
)


def example_settings(**changes) -> Settings:
    settings = load_settings(ROOT / "budgetbook.toml")
    return replace(settings, **changes) if changes else settings


def drift_columns(settings: Settings, plan: bool = True) -> list[Column]:
    y, p = settings.budget_year, settings.prior_year
    cols = [
        Column("label", "Avdelning", "text"),
        Column("budget_prior", f"Budget {p}", "tkr"),
        Column("prognos_prior", f"Prognos {p}", "tkr"),
        Column(f"budget_{y}", f"Budget {y}", "tkr"),
        Column("chg_bb_tkr", f"Förändring B {p}–B {y}, tkr", "tkr"),
        Column("chg_bb_pct", f"Förändring B {p}–B {y}, %", "pct"),
        Column("chg_pb_tkr", f"Förändring P {p}–B {y}, tkr", "tkr"),
        Column("chg_pb_pct", f"Förändring P {p}–B {y}, %", "pct"),
    ]
    if plan:
        cols += [Column(f"plan_{year}", f"Plan {year}", "tkr") for year in settings.plan_years]
    return cols


def drift_row(
    label: str, prior_b: int, prior_p: int, amounts: dict[int, int], settings, kind=RowKind.DATA
) -> Row:
    y = settings.budget_year
    bb, bb_pct = fmt.change(amounts[y], prior_b)
    pb, pb_pct = fmt.change(amounts[y], prior_p)
    values: dict = {
        "label": label,
        "budget_prior": prior_b,
        "prognos_prior": prior_p,
        f"budget_{y}": amounts[y],
        "chg_bb_tkr": bb,
        "chg_bb_pct": bb_pct,
        "chg_pb_tkr": pb,
        "chg_pb_pct": pb_pct,
    }
    for year in settings.plan_years:
        values[f"plan_{year}"] = amounts[year]
    return Row(label, values, kind)


def _total_row(label: str, rows: list[Row], settings: Settings) -> Row:
    y = settings.budget_year
    b = sum(r.values["budget_prior"] for r in rows)
    p = sum(r.values["prognos_prior"] for r in rows)
    amounts = {year: sum(r.values[f"plan_{year}"] for r in rows) for year in settings.plan_years}
    amounts[y] = sum(r.values[f"budget_{y}"] for r in rows)
    return drift_row(label, b, p, amounts, settings, RowKind.TOTAL)


SIGNED_DRIFT = frozenset(
    {"budget_prior", "prognos_prior", "chg_bb_tkr", "chg_bb_pct", "chg_pb_tkr", "chg_pb_pct"}
)


def example_consolidation(
    settings: Settings | None = None, plan: bool = True, scale: int = 1
) -> Consolidation:
    """A complete Consolidation for the example kommun; `scale` repeats verksamhet rows."""
    s = settings or example_settings()
    y = s.budget_year
    signed = SIGNED_DRIFT | {f"budget_{y}"} | {f"plan_{year}" for year in s.plan_years}

    avd_rows: list[Row] = []
    verks_rows: list[Row] = []
    for a in s.avdelningar:
        verks = s.verksamheter_of(a.code)
        priors = [(v, s.prior_net(v.code, "budget"), s.prior_net(v.code, "prognos")) for v in verks]
        total_prior = sum(b for _, b, _ in priors) or 1
        amounts_left = dict(a.ram)
        own_rows = []
        for i, (v, b, p) in enumerate(priors):
            if i == len(priors) - 1:
                amounts = dict(amounts_left)
            else:
                amounts = {year: a.ram[year] * b // total_prior for year in s.years}
                for year in s.years:
                    amounts_left[year] -= amounts[year]
            own_rows.append(drift_row(v.name, b, p, amounts, s))
        for _ in range(scale):
            verks_rows.extend(own_rows)
        avd_rows.append(
            drift_row(
                a.name,
                sum(b for _, b, _ in priors),
                sum(p for _, _, p in priors),
                dict(a.ram),
                s,
            )
        )
    avd_total = _total_row(f"{s.namnd} totalt", avd_rows, s)
    verks_total = _total_row("Summa verksamheter", verks_rows, s)
    cols = drift_columns(s, plan)
    verks_cols = [Column("label", "Verksamhet", "text"), *cols[1:]]
    views = {
        VIEW_DRIFT_AVDELNING: Table(
            VIEW_DRIFT_AVDELNING,
            "Driftbudget per avdelning",
            cols,
            [*avd_rows, avd_total],
            signed_columns=signed,
        ),
        VIEW_DRIFT_VERKSAMHET: Table(
            VIEW_DRIFT_VERKSAMHET,
            "Driftbudget per verksamhet",
            verks_cols,
            [*verks_rows, verks_total],
            signed_columns=signed,
        ),
    }

    inv_years = s.investment_years
    projects = [
        ("P1", "Personal- och lönesystem", "pågående", 15000, [6000, 9000, 0, 0]),
        ("P2", "BI-system", "pågående", 4000, [3000, 0, 0, 0]),
        (
            "P3",
            "Renovering av kommunägda bostadsrätter",
            "pågående",
            8000,
            [2000, 2000, 2000, 2000],
        ),
        ("P4", "IT-investeringar", "pågående", None, [25000, 25000, 25000, 25000]),
        ("N1", "Effektiviseringsåtgärder i kommunhuset", "ny", 12000, [6000, 6000, 0, 0]),
        ("N2", "Strategiska markförvärv", "ny", 20000, [20000, 0, 0, 0]),
    ]
    # each project's avdelning, as the real views have it (the draft groups by it)
    avdelning = {
        "P1": "Personalavdelningen",
        "P2": "Ekonomiavdelningen",
        "P3": "Kommungemensamma kostnader",
        "P4": "Kommundirektör",
        "N1": "Kommungemensamma kostnader",
        "N2": "Samhällsplanering och ledning",
    }
    inv_cols = [Column("label", "Projekt", "text"), Column("avdelning", "Avdelning", "text")]
    inv_cols += [Column(f"inv_{year}", f"Budget {year}", "tkr") for year in inv_years]
    inv_cols += [
        Column("sum", "Summa", "tkr"),
        Column("decided_total", "Beslutad total", "tkr"),
        Column("diff", "Differens", "tkr"),
    ]

    def inv_table(key: str, caption: str, status: str) -> Table:
        rows = []
        for code, name, st, decided, amounts in projects:
            if st != status:
                continue
            values: dict = {"label": name, "avdelning": avdelning[code]}
            values.update({f"inv_{year}": v for year, v in zip(inv_years, amounts, strict=True)})
            values["sum"] = sum(amounts)
            values["decided_total"] = decided
            values["diff"] = None if decided is None else decided - sum(amounts)
            rows.append(Row(name, values))
        total: dict = {"label": "Summa"}
        for c in inv_cols[2:]:
            nums = [r.values[c.key] for r in rows if r.values[c.key] is not None]
            total[c.key] = sum(nums)
        rows.append(Row("Summa", total, RowKind.TOTAL))
        return Table(key, caption, inv_cols, rows)

    views[VIEW_INV_PAGAENDE] = inv_table(
        VIEW_INV_PAGAENDE, "Pågående investeringsprojekt", "pågående"
    )
    views[VIEW_INV_NYA] = inv_table(VIEW_INV_NYA, "Nya investeringsprojekt", "ny")

    kap_cols = [Column("label", "Projekt", "text"), Column("avdelning", "Avdelning", "text")]
    kap_cols += [Column(f"kap_{year}", f"Kapitalkostnad {year}", "tkr") for year in inv_years]
    kap_rows = []
    for code, name, _, _, amounts in projects:
        values = {"label": name, "avdelning": avdelning[code]}
        values.update({f"kap_{year}": sum(amounts[:i]) // 5 for i, year in enumerate(inv_years)})
        kap_rows.append(Row(name, values))
    kap_total = {"label": "Summa kapitalkostnad"}
    kap_total.update(
        {f"kap_{year}": sum(r.values[f"kap_{year}"] for r in kap_rows) for year in inv_years}
    )
    kap_rows.append(Row("Summa kapitalkostnad", kap_total, RowKind.TOTAL))
    views[VIEW_KAPITALKOSTNADER] = Table(
        VIEW_KAPITALKOSTNADER,
        f"Kapitalkostnader {inv_years[0]}–{inv_years[-1]}",
        kap_cols,
        kap_rows,
    )

    risks = [
        Risk("Lokalförsörjning: tomma lokaler", 0, 5000, "EKO"),
        Risk("Exploateringsvinst", 3000, 0, "SPL"),
        Risk("Civilt försvar: nya statliga krav", 0, 1200, "SPL"),
    ]
    risk_cols = [
        Column("label", "Risk", "text"),
        Column("positive", "Positiv risk", "tkr"),
        Column("negative", "Negativ risk", "tkr"),
        Column("net", "Nettorisk", "tkr"),
    ]
    risk_rows = [
        Row(
            r.description,
            {
                "label": r.description,
                "positive": r.positive,
                "negative": -r.negative,
                "net": r.positive - r.negative,
            },
        )
        for r in risks
    ]
    risk_rows.append(
        Row(
            "Summa risker",
            {
                "label": "Summa risker",
                "positive": sum(r.positive for r in risks),
                "negative": -sum(r.negative for r in risks),
                "net": sum(r.positive - r.negative for r in risks),
            },
            RowKind.TOTAL,
        )
    )
    views[VIEW_RISKER] = Table(VIEW_RISKER, "Risk- och känslighetsanalys", risk_cols, risk_rows)
    # each risk, as consolidation lists them (in the settings' avdelning order), with
    # comments a table must escape and break
    commented = [
        replace(risks[0], comment="Beslut om rivning & försäljning <2027>.\nAndra raden."),
        replace(risks[1], comment="Avser fastighetsaffären i Vega."),
        risks[2],
    ]
    by_avd = [
        Submission(
            code,
            f"{code}.xlsx",
            Path(f"{code}.xlsx"),
            risks=[r for r in commented if r.avdelning == code],
        )
        for code in ("EKO", "SPL")
    ]
    views[VIEW_RISKLISTA] = risk_list(s, by_avd, {a.code for a in s.avdelningar})

    goals = []
    for g in s.kf_goals:
        view = KfGoalView(
            g.code,
            g.title,
            g.text,
            [IndicatorView(i.name, dict(i.values), i.target, i.source) for i in g.indicators],
        )
        for ng in s.namnd_goals:
            if ng.kf_goal == g.code:
                view.namnd_goals.append(
                    NamndGoalView(
                        ng.code,
                        ng.title,
                        ng.text,
                        [
                            IndicatorView(
                                "Andel ärenden klara inom 10 veckor (%)",
                                {y - 2: "71", y - 1: "74"},
                                "80",
                                "Ärendesystemet",
                                ["SPL"],
                            )
                        ],
                    )
                )
        goals.append(view)

    uppdrag = [Uppdrag(u.text, u.start, "Påbörjad", avdelning=u.avdelning) for u in s.uppdrag]
    controls = [
        ControlPoint(
            "Ekonomi",
            "Felaktiga utbetalningar till leverantörer",
            "Stickprov på 20 fakturor per kvartal",
            "Delårsrapport",
            12,
            "EKO",
        ),
        ControlPoint(
            "Personal",
            "Bristande kompetensförsörjning i nyckelroller",
            "Uppföljning av rekryteringar",
            "Årsredovisning",
            9,
            "PERS",
        ),
        ControlPoint(
            "Informationssäkerhet",
            "Obehörig åtkomst till personuppgifter",
            "Granskning av behörigheter",
            "Tertialrapport",
            16,
            "KDIR",
        ),
    ]
    texts = [
        AvdelningText(
            "SPL",
            "Samhällsplanering och ledning",
            "budget",
            "Kommentar till driftbudgeten",
            TRICKY_TEXT,
        ),
        AvdelningText(
            "PERS",
            "Personalavdelningen",
            "budget",
            "Kommentar till driftbudgeten",
            "Företagshälsovården ökar med inflationen.",
        ),
        AvdelningText(
            "EKO",
            "Ekonomiavdelningen",
            "verksamhet",
            "Verksamhetens uppdrag och inriktning",
            "Ekonomiavdelningen leder budgetprocessen.",
        ),
        AvdelningText(
            "PORT",
            "Portföljstyrning",
            "investeringar",
            "Kommentar till investeringarna",
            "BI-systemet tas i drift under hösten.",
        ),
    ]
    net_budget = avd_total.values[f"budget_{y}"]
    investment = sum(
        views[v].total_row().values[f"inv_{y}"] for v in (VIEW_INV_PAGAENDE, VIEW_INV_NYA)
    )
    return Consolidation(
        year=y,
        views=views,
        goals=goals,
        uppdrag=uppdrag,
        controls=controls,
        risks=risks,
        texts=texts,
        net_budget=net_budget,
        investment_budget=investment,
        avdelningar_included=[a.code for a in s.avdelningar],
    )


def empty_consolidation(settings: Settings) -> Consolidation:
    return Consolidation(year=settings.budget_year, views={})
