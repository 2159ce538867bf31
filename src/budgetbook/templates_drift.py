"""The Drift sheet's summary block above its table in the department workbook:
Intäkter, Kostnader, Nettokostnad, Ram and Differens mot ramen per amount column, each a
formula saved with its value. Split from `templates` for size."""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from . import schema as S
from .settings import Avdelning, Settings


def criterion(name: str) -> str:
    """A driftpost's name as a SUMIF criterion inside a formula's quotes: its own quotes
    doubled ('Statsbidrag "Likvärdig skola"' broke the formula: Excel offered to repair
    the workbook) and SUMIF's wildcards * ? ~ taken literally."""
    for char in "~*?":
        name = name.replace(char, "~" + char)
    return name.replace('"', '""')


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
    by_year_diff = 0
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
        if col.year == s.budget_year:
            by_year_diff = v_net - ram
        ws.conditional_format(
            r_diff, {"type": "cell", "criteria": "!=", "value": 0, "format": f["red"]}
        )
        ws.conditional_format(
            r_diff, {"type": "cell", "criteria": "==", "value": 0, "format": f["green"]}
        )
    flag_c = sheet.index("flag")
    by = xl_rowcol_to_cell(top + 4, sheet.index(f"budget_{s.budget_year}"))
    ok, adjust = (
        "Budgeten stämmer med ramen.",
        "Nettokostnaden ska vara lika med ramen: justera beloppen.",
    )
    ws.write_formula(
        top + 4,
        sheet.index("comment"),
        f'=IF({by}=0,"{ok}","{adjust}")',
        f["hint"],
        ok if by_year_diff == 0 else adjust,
    )
    ws.conditional_format(
        first,
        flag_c,
        last,
        flag_c,
        {"type": "cell", "criteria": "!=", "value": '""', "format": f["red"]},
    )
