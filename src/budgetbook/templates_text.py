"""The Swedish texts of the department workbook: the Instruktioner sheet and sheet hints."""

from __future__ import annotations

import math

from . import fmt
from . import schema as S
from .settings import Avdelning, Settings

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

Line = tuple[str, str, str]  # (kind, label, text); kind: heading, text, legend, amount


def swedish_date(day) -> str:  # type: ignore[no-untyped-def]
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def sheet_hint(key: str, s: Settings) -> str:
    """One line under each sheet's header: what to do on this sheet."""
    unit = s.unit
    years = s.investment_years
    hints = {
        "drift": (
            f"Fyll i budget {s.budget_year} och plan {', '.join(map(str, s.plan_years))} "
            f"i hela {unit} i de gula cellerna. Intäkter och kostnader anges som positiva "
            "belopp. Nettokostnaden ska vara lika med ramen."
        ),
        "investeringar": (
            f"En rad per projekt. Belopp i hela {unit} per år {years[0]}–{years[-1]}. "
            "Välj kategori och Pågående/Ny i listorna."
        ),
        "mal": (
            "En rad per indikator. Välj nämndmålet i listan och ange utfall och målvärde."
            if s.namnd_goals
            else "Nämnden har inga nämndmål i den här rundan. Bladet behöver inte fyllas i."
        ),
        "uppdrag": "Ange status för varje uppdrag och kommentera kort vad som har gjorts.",
        "risker": (
            f"En rad per risk eller möjlighet i budgeten, med belopp i {unit} (positiva tal). "
            "Varje rad och dess kommentar visas för nämnden."
        ),
        "internkontroll": (
            "Risker som ska kontrolleras under året, och hur de kontrolleras. Riskvärde = "
            "sannolikhet × konsekvens, var och en från 1 till 4 (alltså 1–16)."
        ),
        "texter": (
            "Skriv avdelningens texter i kolumnen Text. Håll dig till rekommenderad längd. "
            "Syns inte hela texten? Dubbelklicka på nedre kanten av radens nummer."
        ),
    }
    return hints.get(key, "")


def required_note(sheet: S.SheetDef, s: Settings) -> str:
    """The sentence naming a sheet's required columns (the schema's `required`), which
    the reader reports empty in a filled row (BB306, BB405). Only for sheets whose rows
    the department head fills from blank: on Drift every prefilled row's amounts are
    asked for by its hint, and a Mål sheet without nämndmål need not be filled at all."""
    if sheet.fixed_rows or (sheet.key == "mal" and not s.namnd_goals):
        return ""
    headings = [c.heading for c in sheet.columns if c.required and c.input]
    if not headings:
        return ""
    return f"Obligatoriskt på varje ifylld rad: {fmt.name_list(headings, len(headings))}."


def instructions_lines(s: Settings, schema: S.Schema, avd: Avdelning) -> list[Line]:
    lines: list[Line] = [
        ("heading", "Så fyller du i arbetsboken", ""),
        (
            "text",
            "Vem",
            f"Arbetsboken gäller {avd.name} ({avd.code}) i {fmt.in_sentence(s.namnd_genitive)} "
            f"{s.kind} {s.budget_year}. Ansvarig: {avd.head or 'avdelningschefen'}.",
        ),
        (
            "legend",
            "Gul cell",
            "Gula celler fyller du i. Övriga celler är förifyllda eller räknas fram och är "
            "låsta. Skriv belopp i hela tkr (tusental kronor) som tal: 1\u00a0250\u00a0000 kronor "
            "skrivs 1250, inte 1250000 eller '1 250 tkr'.",
        ),
    ]
    for sheet in schema.sheets:
        hint, required = sheet_hint(sheet.key, s), required_note(sheet, s)
        lines.append(("text", sheet.name, f"{hint} {required}" if required else hint))
        if sheet.key == "drift":
            lines += capital_lines(s, avd)
    lines.append(("heading", "Inlämning", ""))
    when = (
        f"Skicka tillbaka arbetsboken senast {swedish_date(s.deadline)}"
        if s.deadline
        else "Skicka tillbaka arbetsboken"
    )
    contact = ", ".join(x for x in (s.contact_name, s.contact_email, s.contact_phone) if x)
    lines.append(("text", "Senast", f"{when} till {contact or 'ekonomistaben'}."))
    lines.append(
        (
            "text",
            "Frågor",
            f"Kontakta {contact or 'ekonomistaben'}. Byt inte namn på bladen och flytta "
            "inte kolumner eller rader.",
        )
    )
    lines.append(("heading", "Så kontrolleras arbetsboken", ""))
    lines.append(
        (
            "text",
            "Kontroll",
            "Ekonomistaben läser arbetsboken med budgetbook. Programmet läser bara de gula "
            "cellerna och räknar själv om alla summor; formlerna i arbetsboken är en hjälp "
            "för dig. Du får en lista över eventuella fel (som måste rättas) och varningar "
            "(som bör förklaras), med blad och cell.",
        )
    )
    lines.append(
        (
            "text",
            "Ramen",
            "Avdelningens nettokostnad (kostnader minus intäkter) ska för varje år vara lika "
            "med ramen. Differensen syns överst på bladet Drift och blir röd när den inte är 0.",
        )
    )
    lines.append(
        (
            "text",
            "Stora förändringar",
            f"En rad som ändras mer än {fmt.rate(s.change_threshold_pct)} och mer än "
            f"{fmt.tkr(s.change_threshold_tkr)}{fmt.NBSP}tkr mot föregående års budget ska "
            "kommenteras i kolumnen Kommentar (markeras med 'Kommentar saknas').",
        )
    )
    lines.append(("heading", f"Ram för {avd.name}, tkr", ""))
    for year, amount in sorted(avd.ram.items()):
        lines.append(("amount", str(year), str(amount)))
    if s.namnd_goals:
        lines.append(("heading", f"{s.namnd_genitive} mål", ""))
        for g in s.namnd_goals:
            lines.append(("text", g.code, g.title))
    return lines


def _worked_example(s: Settings, life: int) -> tuple[int, list[tuple[int, tuple[int, int, int]]]]:
    """The example's amount, spent in the budget year, and its first two years of
    capital cost as shown (depreciation, interest, total): the smallest whole thousand
    of tkr whose rounded parts add up to the rounded total, as `capital` rounds it (1 000
    tkr over 3 years, 2 %, read "333 + 13 = 347", review)."""
    from .capital import round_tkr, schedule

    by = s.budget_year

    def first_two(amount: int) -> list[tuple[int, tuple[int, int, int]]]:
        costs = schedule(amount, by, life, s.internranta, range(by, by + 3), s.depreciation_start)
        return [
            (year, (round_tkr(c.depreciation), round_tkr(c.interest), round_tkr(c.total)))
            for year, c in costs.items()
            if c.total
        ][:2]

    for amount in range(1000, 10001, 1000):
        two = first_two(amount)
        if all(d + i == t for _, (d, i, t) in two):
            break
    else:
        amount, two = 1000, first_two(1000)
    return amount, two


def capital_lines(s: Settings, avd: Avdelning) -> list[Line]:
    """What the Drift sheet's capital-cost row is and how its figure is arrived at, as
    the office's check compares it (BB408, at collect: the rows' increase over the
    prior-year budget against the capital cost of the avdelning's own Investeringar,
    `capital.return_capital`), with the method's lives, rate and start from the settings
    and an example worked by `capital.schedule`. None when no driftpost is marked
    `capital = true`."""
    from .capital import prior_capital_by_avdelning

    posts = [d for d in s.driftposter if d.capital]
    if not posts:
        return []
    names = [d.name for d in posts]
    verks = {v.code for v in s.verksamheter_of(avd.code)}
    # the base BB408 measures the rows' increase from
    prior = prior_capital_by_avdelning(s).get(avd.code, 0)
    one = len(names) == 1
    # one row per verksamhet: EKO's two verksamheter have two Kapitalkostnader rows
    single = one and len(verks) <= 1
    rows = (
        f"Raden {names[0]}"
        if single
        else f"Raderna {names[0] if one else fmt.name_list(names, len(names))}"
    )
    unit = s.unit
    where = ", lagd på den verksamhet som investeringen gäller" if len(verks) > 1 else ""
    what = (
        f"{rows} på bladet Drift är avskrivning plus internränta för avdelningens "
        f"investeringar. Beloppet för varje år är budget {s.prior_year} (redan gjorda "
        f"investeringar, för avdelningen {fmt.tkr(prior)}{fmt.NBSP}{unit}) plus "
        f"kapitalkostnaden för utgifterna på bladet Investeringar{where}. Ekonomistaben "
        "räknar fram investeringsplanens kapitalkostnad på samma sätt och stämmer av den "
        f"mot {'raden' if single else 'raderna'}."
    )
    start = (
        "samma år som utgiften" if s.depreciation_start == "same_year" else "året efter utgiften"
    )
    lives = [f"{c.name} {c.life}{fmt.NBSP}år" for c in s.asset_categories if c.life > 0]
    land = [c.name for c in s.asset_categories if c.life == 0]
    how = (
        "Varje års utgift skrivs av med lika stora belopp under kategorins nyttjandeperiod"
        + (f" ({fmt.name_list(lives, len(lives))})" if lives else "")
        + f", med början {start}. Internräntan är {fmt.rate(s.internranta)} av det värde "
        "som återstår vid årets början."
    )
    if land:
        how += f" {fmt.name_list(land, len(land))} skrivs inte av men ger internränta på hela beloppet."
    # an example over two years of cost: a life that divides 1 000 tkr evenly if any
    depreciated = [c for c in s.asset_categories if c.life > 1]
    example = next((c for c in depreciated if 1000 % c.life == 0), None) or next(
        iter(depreciated), None
    )
    if example is not None:
        by = s.budget_year
        amount, two = _worked_example(s, example.life)
        (y1, c1), (y2, c2) = ((year, [fmt.tkr(x) for x in parts]) for year, parts in two)
        how += (
            f" Exempel: {fmt.tkr(amount)}{fmt.NBSP}{unit} i {fmt.in_sentence(example.name)} "
            f"{by} ger för {y1}: {c1[0]}{fmt.NBSP}{unit} i avskrivning plus "
            f"{c1[1]}{fmt.NBSP}{unit} i internränta, alltså {c1[2]}{fmt.NBSP}{unit}, och "
            f"för {y2}: {c2[0]} + {c2[1]} = {c2[2]}{fmt.NBSP}{unit}."
        )
    label = names[0] if one else "Kapitalkostnader"
    return [("text", label, what), ("text", "Så räknas kapitalkostnaden", how)]


def wrapped_lines(text: str, width: float) -> int:
    """Roughly how many lines `text` wraps to in a column `width` characters wide."""
    per_line = max(int(width * 0.9), 1)
    lines = 0
    for part in str(text).split("\n"):
        count, used = 1, 0
        for word in part.split():
            if used and used + 1 + len(word) > per_line:
                count, used = count + 1, len(word)
            else:
                used += len(word) + (1 if used else 0)
        lines += count
    return lines


MAX_ROW_HEIGHT = 409  # points: the highest row Excel has


def text_row_height(max_chars: int, width: float) -> float:
    """The height in points of a Texter row: room for a text of `max_chars` characters.

    Excel does not grow a row whose height the workbook sets, and LibreOffice grows no
    row on load, so a row too low cuts the text on screen and on paper (150 points held
    some 800 of a section's 1 500 characters). Calibri 11 fits about one character of
    Swedish prose per unit of column width, in lines 15 points apart in Excel; a text in
    paragraphs loses about a line per 200 characters to its breaks and blank lines. A
    row is at most 409 points high in Excel: about 2 000 characters at the Texter
    sheet's width.
    """
    lines = math.ceil(max_chars / max(width, 1)) + math.ceil(max_chars / 200)
    return min(15 * lines, MAX_ROW_HEIGHT)
