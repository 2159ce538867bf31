"""The Drift sheet's summary block above its table in the department workbook:
Intäkter, Kostnader, Nettokostnad, Ram and Differens mot ramen per amount column, each a
formula saved with its value. Split from `templates` for size."""

from __future__ import annotations

import re

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from . import schema as S
from .settings import Avdelning, Settings
from .templates_text import wrapped_lines


def criterion(name: str) -> str:
    """A driftpost's name as a SUMIF criterion inside a formula's quotes: its own quotes
    doubled ('Statsbidrag "Likvärdig skola"' broke the formula: Excel offered to repair
    the workbook) and SUMIF's wildcards * ? ~ taken literally."""
    for char in "~*?":
        name = name.replace(char, "~" + char)
    return name.replace('"', '""')


_ADJUST = "ska vara lika med ramen: justera beloppen."


def _label(year: int, budget_year: int) -> str:
    return f"budget {year}" if year == budget_year else f"plan {year}"


def ram_message(diffs: list[tuple[int, str, int]], budget_year: int) -> tuple[str, str]:
    """The formula beside Differens mot ramen, and its value for the amounts written:
    whether every year shown (budget and plan years, `diffs`: year, Differens cell,
    its value) meets the ram, naming the one year that does not, or budget and plan
    (or the plan years) when several do not. It tested only the budget year and said
    "Budgeten stämmer med ramen." above a plan year off the ram."""
    cells = [cell for _, cell, _ in diffs]
    off = [(year, cell) for year, cell, value in diffs if value != 0]
    ok = "Budgeten stämmer med ramen." if len(diffs) == 1 else "Budget och plan stämmer med ramen."
    several_with_budget = f"Nettokostnaden för budget och plan {_ADJUST}"
    several_plan = f"Nettokostnaden för planåren {_ADJUST}"
    one = {
        year: f"Nettokostnaden för {_label(year, budget_year)} {_ADJUST}" for year, _, _ in diffs
    }
    # innermost first: the last year off alone, then each earlier year before it
    inner = f'"{one[diffs[-1][0]]}"'
    for year, cell, _ in reversed(diffs[:-1]):
        inner = f'IF({cell}<>0,"{one[year]}",{inner})'
    if len(diffs) > 1:
        count = "+".join(f"({cell}<>0)" for cell in cells)
        several = (
            f'IF({cells[0]}<>0,"{several_with_budget}","{several_plan}")'
            if diffs[0][0] == budget_year
            else f'"{several_plan}"'
        )
        inner = f"IF({count}>1,{several},{inner})"
    formula = f'=IF(AND({",".join(f"{c}=0" for c in cells)}),"{ok}",{inner})'
    if not off:
        shown = ok
    elif len(off) == 1:
        shown = one[off[0][0]]
    else:
        shown = several_with_budget if off[0][0] == budget_year else several_plan
    return formula, shown


def write_drift_summary(
    ws: Worksheet,
    sheet: S.SheetDef,
    first: int,
    last: int,
    rows: list[dict[str, object]],
    s: Settings,
    avd: Avdelning,
    f: dict[str, object],
) -> None:
    """Revenue, costs, net cost, ram and difference per amount column, above the table,
    each formula saved with the value it has for `rows` as written: LibreOffice (and
    Excel's Protected View) show the saved value, and showed 0 and "Budgeten stämmer
    med ramen." above a ram of 61 300 tkr."""
    label_col = sheet.index("driftpost")
    dp = xl_col_to_name(label_col)
    revenue_names = [d.name for d in s.driftposter if d.kind == "revenue"]
    top = sheet.header_row - 7  # 0-based row of "Intäkter"
    labels = (
        "Intäkter, tkr",
        "Kostnader, tkr",
        "Nettokostnad, tkr",
        "Ram, tkr",
        "Differens mot ramen, tkr",
    )
    for i, label in enumerate(labels):
        for c in range(0, label_col):
            ws.write_blank(top + i, c, None, f["sum_blank"])
        ws.write(top + i, label_col, label, f["sum_label"])
    revenue = set(revenue_names)
    diffs: list[tuple[int, str, int]] = []  # (year, its Differens cell, its value)
    for c, col in enumerate(sheet.columns):
        if col.type != S.AMOUNT:
            continue
        amounts = [(r.get(col.key), r.get("driftpost") in revenue) for r in rows]
        v_rev = sum(v for v, is_rev in amounts if isinstance(v, int) and is_rev)
        v_all = sum(v for v, _ in amounts if isinstance(v, int))
        v_cost = v_all - v_rev
        v_net = v_cost - v_rev
        letter = xl_col_to_name(c)
        rng = f"{letter}${first + 1}:{letter}${last + 1}"
        crit = f"${dp}${first + 1}:${dp}${last + 1}"
        rev = "+".join(f'SUMIF({crit},"{criterion(n)}",{rng})' for n in revenue_names) or "0"
        r_rev, r_cost, r_net, r_ram, r_diff = (xl_rowcol_to_cell(top + i, c) for i in range(5))
        ws.write_formula(top, c, f"={rev}", f["sum_amount"], v_rev)
        ws.write_formula(top + 1, c, f"=SUM({rng})-{r_rev}", f["sum_amount"], v_cost)
        ws.write_formula(top + 2, c, f"={r_cost}-{r_rev}", f["sum_amount"], v_net)
        ram = avd.ram.get(col.year) if col.input and col.year else None
        if ram is None:
            ws.write_blank(top + 3, c, None, f["sum_blank"])
            ws.write_blank(top + 4, c, None, f["sum_blank"])
            continue
        ws.write_number(top + 3, c, ram, f["sum_amount"])
        ws.write_formula(top + 4, c, f"={r_net}-{r_ram}", f["sum_amount"], v_net - ram)
        diffs.append((col.year, r_diff, v_net - ram))
        ws.conditional_format(
            r_diff, {"type": "cell", "criteria": "!=", "value": 0, "format": f["red"]}
        )
        ws.conditional_format(
            r_diff, {"type": "cell", "criteria": "==", "value": 0, "format": f["green"]}
        )
    flag_c = sheet.index("flag")
    if diffs:
        formula, shown = ram_message(diffs, s.budget_year)
        comment = sheet.index("comment")
        # wrapped over Kommentar and Kontroll (merged: Kommentar alone is narrow, and
        # the row grew five lines high), the row high enough for the longest text the
        # formula can show: unwrapped, "… lika med ramen: justera beloppen." ran past
        # the Kontroll column and was cut at the printed page's edge
        ws.merge_range(top + 4, comment, top + 4, flag_c, "", f["hint_wrap"])
        ws.write_formula(top + 4, comment, formula, f["hint_wrap"], shown)
        longest = max(re.findall(r'"([^"]+)"', formula), key=len)
        width = sum(c.width for c in sheet.columns[comment : flag_c + 1])
        ws.set_row(top + 4, 15 * wrapped_lines(longest, width))
    ws.conditional_format(
        first,
        flag_c,
        last,
        flag_c,
        {"type": "cell", "criteria": "!=", "value": '""', "format": f["red"]},
    )
