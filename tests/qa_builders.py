"""A budget round for another nämnd than the example: QA's own settings, written from scratch.

Kultur- och fritidsnämnden in "Norrby kommun": other avdelningar and verksamheter, three
plan years, costs shown negative, empty sections omitted, a comma-separated prior-year CSV
with a BOM, inline texts, no goals and no uppdrag, and an avdelning with one verksamhet.
Returns are filled with openpyxl the way a department head fills them.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

SETTINGS = """\
[kommun]
name = "Norrby kommun"

[namnd]
name = "Kultur- och fritidsnämnden"

[round]
id = "kfn-2026"
budget_year = 2026
plan_years = [2027, 2028, 2029]
deadline = 2025-10-15
contact_name = "Olle Ek"

[display]
sign_convention = "costs_negative"
empty_sections = "omit"

[sources]
budget = "Budget 2025 enligt KF 2024-11-20 § 99."

[capital]
internranta = 1.94

[prior]
file = "prior.csv"

[texts]
sammanfattning = \"\"\"Nämnden satsar på bibliotek & fritidsgårdar.

- Fler öppettimmar
- Nya <lokaler>\"\"\"
inledning = "Detta är en inledning med \\"citat\\"."

[[driftposter]]
code = "int"
name = "Avgifter och bidrag"
kind = "revenue"

[[driftposter]]
code = "pers"
name = "Personal"
kind = "cost"

[[driftposter]]
code = "ovr"
name = "Övrigt"
kind = "cost"

[[driftposter]]
code = "kap"
name = "Kapitalkostnad"
kind = "cost"
capital = true

[[asset_categories]]
code = "INV"
name = "Inventarier"
life = 5

[[asset_categories]]
code = "MARK"
name = "Mark"
life = 0

[[avdelningar]]
code = "BIB"
name = "Biblioteksavdelningen"
ram = [30000, 30500, 31000, 31500]

[[avdelningar]]
code = "FRI"
name = "Fritidsavdelningen"
ram = [20000, 20000, 20000, 20000]

[[avdelningar]]
code = "KUL"
name = "Kulturskolan"
ram = [12000, 12000, 12000, 12000]

[[verksamheter]]
code = "310"
name = "Huvudbibliotek"
avdelning = "BIB"

[[verksamheter]]
code = "311"
name = "Filialer"
avdelning = "BIB"

[[verksamheter]]
code = "320"
name = "Fritidsgårdar"
avdelning = "FRI"

[[verksamheter]]
code = "321"
name = "Idrottsanläggningar"
avdelning = "FRI"

[[verksamheter]]
code = "330"
name = "Kulturskola"
avdelning = "KUL"

[[text_sections]]
key = "verksamhet"
title = "Verksamhetens inriktning"
"""

PRIOR = (
    "verksamhet,driftpost,budget,prognos\r\n"
    "310,int,2000,2100\r\n310,pers,20000,20500\r\n310,ovr,6000,6200\r\n310,kap,500,500\r\n"
    "311,pers,3000,2900\r\n320,int,1500,1400\r\n320,pers,12000,12100\r\n"
    "320,ovr,5000,5300\r\n321,ovr,4000,3900\r\n330,int,3000,3000\r\n330,pers,13000,13200\r\n"
)

DRIFT_FIRST_ROW = 12  # first data row of the Drift table in the generated workbook


def write_workspace(root: Path, settings: str = SETTINGS) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "budgetbook.toml").write_text(settings, encoding="utf-8")
    (root / "prior.csv").write_bytes(b"\xef\xbb\xbf" + PRIOR.encode("utf-8"))
    (root / "inbox").mkdir(exist_ok=True)
    return root


def budget_to_ram(ws, rams: list[int], revenue: set[str], with_prior: bool = False) -> int:
    """Every Drift line of each year at its prior-year budget, the rest of that year's
    ram on the first cost line (`with_prior`: the first with a prior-year budget), as a
    department head balances the sheet; that line's row."""
    rows = [r for r in range(DRIFT_FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value]
    first_cost = next(
        r
        for r in rows
        if ws.cell(r, 3).value not in revenue and (ws.cell(r, 4).value or not with_prior)
    )
    for i, ram in enumerate(rams):
        col, net = 6 + i, 0
        for r in rows:
            value = ws.cell(r, 4).value or 0
            ws.cell(r, col).value = value
            net += -value if ws.cell(r, 3).value in revenue else value
        ws.cell(first_cost, col).value += ram - net
    return first_cost


def fill(template: Path, target: Path, rams: list[int], project: dict | None = None) -> Path:
    """Budget every year at the prior-year budget, the rest of the ram on the first cost row."""
    wb = openpyxl.load_workbook(template)
    first_cost = budget_to_ram(wb["Drift"], rams, {"Avgifter och bidrag"}, with_prior=True)
    wb["Drift"].cell(first_cost, 12).value = "Fler öppettimmar"
    if project:
        inv = wb["Investeringar"]
        for cell, value in project.items():
            inv[cell] = value
    wb["Texter"]["C7"] = "Avdelningen arbetar med <kultur> & fritid."
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
