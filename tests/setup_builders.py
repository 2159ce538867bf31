"""A round set up from the docs alone by another kommun's finance officer.

Barn- och utbildningsnämnden in "Björkås kommun", budget 2028: its own round kind
("verksamhetsplan med budget"), costs shown negative, avdelning codes with å/ä/ö and in
lower case, drift lines and text sections of its own (one text section keyed "uppdrag",
as a nämnd names its basic mission), and a prior-year CSV as the docs describe it or as
Excel saves a ledger export. Returns are filled with openpyxl as department heads fill
them.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from qa_builders import budget_to_ram

SETTINGS = """\
[kommun]
name = "Björkås kommun"

[namnd]
name = "Barn- och utbildningsnämnden"
forvaltning = "Utbildningsförvaltningen"

[round]
id = "BUN budget 2028"
kind = "verksamhetsplan med budget"
budget_year = 2028
plan_years = [2029, 2030]
deadline = 2027-10-15
contact_name = "Lena Åkesson"

[display]
sign_convention = "costs_negative"

[capital]
internranta = 1.75
depreciation_start = "same_year"

[prior]
file = "huvudbok_2027.csv"

[[driftposter]]
code = "SB"
name = "Statsbidrag"
kind = "revenue"

[[driftposter]]
code = "LON"
name = "Löner och arvoden"
kind = "cost"

[[driftposter]]
code = "OVR"
name = "Övriga kostnader"
kind = "cost"

[[asset_categories]]
code = "DATOR"
name = "Elevdatorer"
life = 4

[[avdelningar]]
code = "FSK"
name = "Förskola"
ram = [182000, 180500, 179000]

[[avdelningar]]
code = "SÄR"
name = "Anpassad skola och elevhälsa"
ram = [61300, 62100, 63000]

[[avdelningar]]
code = "gym"
name = "Gymnasie- och vuxenutbildning"
ram = [168250, 172900, 176300]

[[verksamheter]]
code = "407"
name = "Förskola"
avdelning = "FSK"

[[verksamheter]]
code = "441"
name = "Anpassad grundskola"
avdelning = "SÄR"

[[verksamheter]]
code = "435"
name = "Gymnasieskola"
avdelning = "gym"

[[text_sections]]
key = "uppdrag"
title = "Verksamhetens grunduppdrag"

[[text_sections]]
key = "intern_kontroll"
title = "Avdelningens interna kontroll"

[[text_sections]]
key = "ekonomi"
title = "Ekonomiska förutsättningar"
"""

# The prior-year figures as the docs describe them (BOM and CRLF, as Excel saves).
PRIOR = (
    "verksamhet;driftpost;budget;prognos\r\n"
    "407;SB;9800;10100\r\n407;LON;160000;162000\r\n407;OVR;17000;16500\r\n"
    "441;SB;500;500\r\n441;LON;50000;51000\r\n441;OVR;9500;9700\r\n"
    "435;LON;150000;151000\r\n435;OVR;15000;15400\r\n"
)

# The same figures as Excel's "CSV UTF-8" saves a sheet typed from the ledger: a
# capitalised header, Swedish thousands separators (non-breaking space), a row that
# once had content saved as separators only, and a trailing separator on each line.
EXCEL_PRIOR = (
    "Verksamhet;Driftpost;Budget;Prognos;\r\n"
    "407;SB;9\u00a0800;10\u00a0100;\r\n407;LON;160\u00a0000;162\u00a0000;\r\n"
    "407;OVR;17\u00a0000;16\u00a0500;\r\n"
    "441;SB;500;500;\r\n441;LON;50\u00a0000;51\u00a0000;\r\n441;OVR;9\u00a0500;9\u00a0700;\r\n"
    ";;;;\r\n"
    "435;LON;150\u00a0000;151\u00a0000;\r\n435;OVR;15\u00a0000;15\u00a0400;\r\n"
    ";;;;\r\n"
)

REVENUE = {"Statsbidrag"}


def write_workspace(root: Path, settings: str = SETTINGS, prior: str = PRIOR) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "budgetbook.toml").write_text(settings, encoding="utf-8")
    (root / "huvudbok_2027.csv").write_bytes(b"\xef\xbb\xbf" + prior.encode("utf-8"))
    (root / "inbox").mkdir(exist_ok=True)
    return root


def fill(template: Path, target: Path, rams: list[int], texts: dict[str, str]) -> Path:
    """Every line at its prior-year budget, the rest of the ram on the first cost
    line (with a comment); `texts` by row of the Texter sheet ("C7": ...)."""
    wb = openpyxl.load_workbook(template)
    first_cost = budget_to_ram(wb["Drift"], rams, REVENUE)
    wb["Drift"].cell(first_cost, 11).value = "Löneökning och fler barn."
    for cell, text in texts.items():
        wb["Texter"][cell] = text
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
