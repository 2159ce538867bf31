"""Identity and content rules on a read return, and the rules across returns.

One small function per rule; each returns a list of `Problem` (never raises). The
reader emits the sheet and cell rules (BB2xx, BB3xx, BB403–406, BB410, BB411); this
module adds what needs the whole return or several returns: identity (BB101, BB104–BB107),
ram (BB401), large changes (BB402), decided totals (BB407), capital costs (BB408) and
BB501–BB504.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence

from xlsxwriter.utility import xl_col_to_name

from . import capital, fmt, rules
from .model import DriftLine, Problem, Project, Severity, Submission
from .office_ram import older_ram_problems
from .office_uppdrag import (
    added_uppdrag_problems,
    removed_uppdrag_problems,
    reworded_uppdrag_problems,
)
from .output_names import template_name
from .schema import (
    ID_AVDELNING,
    ID_ROUND,
    ID_VERSION,
    ID_YEAR,
    TEMPLATE_VERSION,
    Schema,
    year_key,
)
from .settings import Settings

# --- identity -----------------------------------------------------------------------


def is_budgetbook(identity: dict[str, str]) -> bool:
    return bool(identity.get(ID_AVDELNING, "").strip() and identity.get(ID_ROUND, "").strip())


def avdelning_from_name(name: str, settings: Settings) -> str:
    """The avdelning a file name points to ("" if none or ambiguous).

    Matches a whole word of the name against avdelning codes, and the avdelning's
    full name anywhere in it, case-insensitively.
    """
    stem = name.rsplit(".", 1)[0].casefold()
    words = set(re.split(r"[^\wåäöÅÄÖ]+", stem))
    words |= set(re.split(r"[^a-zåäö0-9]+", stem))
    by_code, short, by_start = settings._lookup(
        "avdelning_words", settings.avdelningar, lambda: _avdelning_words(settings)
    )
    found = {code for word in words for code in by_code.get(word, ())}
    # every name that occurs in the stem: each piece of the stem as long as some name is
    # looked up, instead of searching the stem for every name (issue 8: that was
    # quadratic, ~0.3 s at 1 000 avdelningar); only the lengths of the names that begin
    # with the piece's first two letters (sliding every length was ~0.1 ms a file)
    for length, by_name in short.items():
        for start in range(len(stem) - length + 1):
            found.update(by_name.get(stem[start : start + length], ()))
    for start in range(len(stem) - 1):
        for length, by_name in by_start.get(stem[start : start + 2], ()):
            if start + length <= len(stem):
                found.update(by_name.get(stem[start : start + length], ()))
    return found.pop() if len(found) == 1 else ""


# casefolded names by length: those shorter than 2, and by their first two letters
_NameIndex = dict[int, dict[str, list[str]]]


def _avdelning_words(
    settings: Settings,
) -> tuple[dict[str, list[str]], _NameIndex, dict[str, list[tuple[int, dict[str, list[str]]]]]]:
    """Casefolded codes, and casefolded names by their length (the short ones) and by
    their first two letters and length, of the avdelningar, built once per settings
    (issue 8: casefolding every avdelning for every file made collect quadratic)."""
    by_code: dict[str, list[str]] = {}
    short: _NameIndex = {}
    by_start: dict[str, _NameIndex] = {}
    for a in settings.avdelningar:
        by_code.setdefault(a.code.casefold(), []).append(a.code)
        folded = a.name.casefold()
        index = short if len(folded) < 2 else by_start.setdefault(folded[:2], {})
        index.setdefault(len(folded), {}).setdefault(folded, []).append(a.code)
    return by_code, short, {k: list(v.items()) for k, v in by_start.items()}


OTHER_TEMPLATE = rules.OTHER_TEMPLATE


def _round_named(round_id: str, year: str, same_id: bool = False) -> str:
    """A round as BB105 names it: its id, and its budget year where the id lacks it
    ("BUN budget 2028 (2028)" said the year twice) or where both rounds have the same id
    (an id left as last year's, "nämndplan-2027", in budget year 2028: "gäller rundan
    nämndplan-2027, men årets runda är nämndplan-2027, budgetår 2028" named no
    difference on the workbook's side)."""
    return round_id if year in round_id and not same_id else f"{round_id}, budgetår {year}"


def _wrong_round_advice(settings: Settings, code: str, year: str) -> str:
    """What BB105's readers do: the department head fills this year's workbook, named,
    and sends it; the office sends it again when it is gone. A workbook of an earlier
    year is most often last year's file kept and filled again, whose texts may be copied
    but whose amounts stand under other years (review, year two: "Fyll i arbetsboken för
    rätt runda" did not say which workbook, nor that the texts need not be re-typed)."""
    avd = settings.avdelning(code)
    workbook = f"årets arbetsbok, {template_name(settings, avd)}," if avd else "årets arbetsbok"
    send = (
        f"Fyll i {workbook} och skicka in den; ekonomistaben skickar den igen om ni inte "
        "har den kvar."
    )
    if not (year.isdigit() and int(year) < settings.budget_year):
        return send
    which = "förra årets" if int(year) == settings.budget_year - 1 else f"{year} års"
    return (
        f"Det är {which} arbetsbok, och den tas inte med i årets sammanställning. {send} "
        f"Texterna kan ni kopiera från {which} fil, men beloppen gäller andra år och ska "
        "fyllas i på nytt."
    )


def identity_problems(identity: dict[str, str], name: str, settings: Settings) -> list[Problem]:
    """BB101 not ours, BB104 unknown avdelning, BB105 other round/year, BB106 old
    version, BB107 file name points to another avdelning."""
    if not is_budgetbook(identity):
        return [rules.NOT_BUDGETBOOK(file=name)]
    code = identity.get(ID_AVDELNING, "").strip()
    problems: list[Problem] = []
    round_id = identity.get(ID_ROUND, "").strip()
    year = identity.get(ID_YEAR, "").strip()
    if round_id != settings.round_id or (year and year != str(settings.budget_year)):
        same = round_id == settings.round_id
        problems.append(
            rules.WRONG_ROUND(
                file=name,
                avdelning=code,
                funnet=f"rundan {_round_named(round_id or 'okänd', year or 'okänt', same)}",
                forvantat=_round_named(settings.round_id, str(settings.budget_year), same),
                atgard=_wrong_round_advice(settings, code, year),
            )
        )
    version = identity.get(ID_VERSION, "").strip()
    if version != TEMPLATE_VERSION:
        problems.append(
            rules.OLD_VERSION(
                file=name, avdelning=code, funnen=version or "okänd", aktuell=TEMPLATE_VERSION
            )
        )
    if settings.avdelning(code) is None:
        problems.append(rules.UNKNOWN_AVDELNING(file=name, avdelning=code, avdelning_kod=code))
    else:
        hinted = avdelning_from_name(name, settings)
        if hinted and hinted != code:
            problems.append(
                rules.AVDELNING_MISMATCH(
                    file=name, avdelning=code, filnamn_avdelning=hinted, avdelning_kod=code
                )
            )
    return problems


# --- content of one return ----------------------------------------------------------


def _column_cell(schema: Schema, sheet_key: str, column_key: str, row: int | None = None) -> str:
    sheet = schema.sheet(sheet_key)
    try:
        index = sheet.index(column_key)
    except StopIteration:
        return ""
    return f"{xl_col_to_name(index)}{row or sheet.header_row}"


# The Drift sheet shows, above its table, revenue, costs, net cost, ram and the
# difference against the ram per amount column; the difference row is this many rows
# above the table's header row (templates.py writes it; a corpus test checks the label).
RAM_DIFF_ROWS_ABOVE_HEADER = 2


def ram_cell(schema: Schema, settings: Settings, year: int) -> str:
    """The cell of the Drift sheet's "Differens mot ramen" row in `year`'s column."""
    sheet = schema.sheet("drift")
    row = sheet.header_row - RAM_DIFF_ROWS_ABOVE_HEADER
    return _column_cell(schema, "drift", year_key(settings, year), max(row, 1))


def ram_problems(
    sub: Submission, settings: Settings, schema: Schema, read: Sequence[Problem] = ()
) -> list[Problem]:
    """BB401: the net budget of each year must equal the avdelning's ram.

    Not for a year with an amount the reader could not read (BB301, BB305 or BB311 in
    `read` in that year's Drift column): its net is not known, and a difference
    computed without the amount only confused (BB311 and a "differens" of the missing
    figure). The workbook's own ram difference row shows the department head the rest
    at once, unless the workbook was sent with another ram than the settings' now
    (`Submission.ram_sent`): then the finding says so, with the ram the workbook shows."""
    avd = settings.avdelning(sub.avdelning)
    if avd is None or not sub.drift:
        return []
    ram = avd.ram
    years = [y for y in settings.years if y in ram]
    nets = _nets(sub, years, settings._lookup("kinds", settings.driftposter, _kinds_of(settings)))
    if all(nets[year] == ram[year] for year in years):
        return []  # the usual case: the problems' sheet and cells are not looked up
    sheet = schema.sheet("drift")
    unread = {_column(p.cell) for p in read if p.code in _UNREAD and p.sheet == sheet.name}
    problems = []
    for year in years:
        net = nets[year]
        if net == ram[year] or _column(ram_cell(schema, settings, year)) in unread:
            continue
        problems.append(
            rules.RAM_NOT_MET(
                file=sub.file,
                sheet=sheet.name,
                cell=ram_cell(schema, settings, year),
                avdelning=sub.avdelning,
                ar=year,
                netto=fmt.tkr(net),
                ram=fmt.tkr(ram[year]),
                differens=_signed(net - ram[year]),
                andrad=ram_changed(sub.ram_sent.get(year), ram[year]),
            )
        )
    return problems


def ram_changed(sent: int | None, ram: int) -> str:
    """BB401's sentence on a ram changed since the workbook was sent with `sent` ("" when
    it was not): the workbook's difference row counts against that one."""
    if sent is None or sent == ram:
        return ""
    return (
        f" Ramen har ändrats sedan arbetsboken skickades: då var den {fmt.tkr(sent)} tkr, "
        "och det är den som raden Differens mot ramen i arbetsboken räknar med. I "
        "återkopplingen visar raden Ram den nya ramen."
    )


# The reader's findings of an amount it could not read (`_Reader.amount` gives None):
# not every error, since one with decimals (BB303) or a minus (BB304) is read and counts.
_UNREAD = frozenset(
    (rules.NOT_A_NUMBER.code, rules.FORMULA_ERROR.code, rules.NO_COMPUTED_VALUE.code)
)


def _column(cell: str) -> str:
    """The column letters of an A1 reference."""
    return cell.rstrip("0123456789")


def _kinds_of(settings: Settings) -> Callable[[], dict[str, str]]:
    """The builder of `Settings.kinds`' index (read here without its copy per call)."""
    return lambda: {d.code: d.kind for d in settings.driftposter}


def _nets(sub: Submission, years: list[int], kinds: dict[str, str]) -> dict[int, int]:
    """`sub.net(year, kinds)` of each year, in one pass over the drift lines (each
    year's sum in the same order as `net`'s, so the same value: a - b is a + -b)."""
    signed = [(line.amounts.get, kinds.get(line.driftpost) == "revenue") for line in sub.drift]
    nets = {}
    for year in years:
        net = 0
        for get, revenue in signed:
            if revenue:
                net -= get(year, 0)
            else:
                net += get(year, 0)
        nets[year] = net
    return nets


def _signed(value: int) -> str:
    return f"+{fmt.tkr(value)}" if value > 0 else fmt.tkr(value)


def needs_comment(new: int, old: int, settings: Settings) -> bool:
    """Whether a budget-year amount `new` against last year's budget `old` is a large
    change (BB402: more than both thresholds), which needs a comment."""
    diff = abs(new - old)
    if not diff > settings.change_threshold_tkr:
        return False
    num, den = settings.change_ratio
    return not old or diff * 100 * den > num * abs(old)


def change_problems(
    sub: Submission, settings: Settings, schema: Schema, read: Sequence[Problem] = ()
) -> list[Problem]:
    """BB402: a line changing more than both thresholds against last year's budget
    needs a comment. Not for a line whose comment is a formula without a computed
    value (BB311 in `read`, the reader's findings): the department head sees a
    comment there, and BB311 says what is wrong with it. Nor for a line whose
    budget-year amount has an error of its own (a negative where none is allowed)."""
    by = settings.budget_year
    budgets = settings._lookup("prior_budget", settings.prior, _prior_budgets(settings))
    max_tkr, (num, den) = settings.change_threshold_tkr, settings.change_ratio
    problems = []
    lines: list[DriftLine] = []  # each problem's line
    for line in sub.drift:
        new = line.amounts.get(by)
        if new is None:
            continue
        old = budgets.get((line.verksamhet, line.driftpost), 0)
        # `needs_comment`, inline: ~80 000 lines at N = 1 000 (issue 8); the figures
        # of a problem still come from fmt.change
        diff = abs(new - old)
        if not diff > max_tkr:
            continue
        if old and not diff * 100 * den > num * abs(old):
            continue
        if line.comment.strip():
            continue
        problems.append(_large_change(sub, line, new, old, settings, schema))
        lines.append(line)
    if problems and read:
        # a comment that is a formula without a value (BB311), or an amount that is
        # itself an error (a negative, BB304): the head fixes that first, and is not
        # asked to explain a change the error made
        drift = schema.sheet("drift").name
        flagged = {(p.sheet, p.cell) for p in read if p.code == rules.NO_COMPUTED_VALUE.code}
        wrong = {p.cell for p in read if p.sheet == drift and p.severity is Severity.FEL}
        problems = [
            p
            for p, line in zip(problems, lines, strict=True)
            if (p.sheet, p.cell) not in flagged and line.cells.get(by) not in wrong
        ]
    return problems


def _prior_budgets(settings: Settings) -> Callable[[], dict[tuple[str, str], int]]:
    """The builder of last year's budget per (verksamhet, driftpost), once per settings."""
    return lambda: {key: figures.budget for key, figures in settings.prior.items()}


def _share(share: float, threshold_pct: float) -> str:
    """The change in %, in whole percent unless that hides the breach: −5,4 % is "−5 %",
    which beside a rule of "more than 5 %" read as no reason for the warning."""
    for places in (0, 1, 2):
        if abs(fmt.round_half_up(share * 100, places)) > threshold_pct:
            break
    return fmt.pct(share) if places == 0 else f"{fmt.decimal(share * 100, places)}\u00a0%"


def _large_change(
    sub: Submission, line: DriftLine, new: int, old: int, settings: Settings, schema: Schema
) -> Problem:
    diff, share = fmt.change(new, old)
    driftpost = settings.driftpost(line.driftpost)
    cell = _column_cell(schema, "drift", "comment", line.row) if line.row else ""
    return rules.LARGE_CHANGE(
        file=sub.file,
        sheet=schema.sheet("drift").name,
        cell=cell or line.cells.get(settings.budget_year, ""),
        avdelning=sub.avdelning,
        verksamhet=settings.verksamhet_label(line.verksamhet),
        driftpost=driftpost.name if driftpost else line.driftpost,
        forandring=_signed(diff),
        # a zero budget last year has no percentage; the row itself is in the template
        procent=_share(share, settings.change_threshold_pct) if share is not None else "från 0 tkr",
        ar=settings.prior_year,
    )


def decided_total_problems(sub: Submission, settings: Settings, schema: Schema) -> list[Problem]:
    """BB407: the yearly amounts of a project exceed its decided total expenditure."""
    sheet = schema.sheet("investeringar")
    problems = []
    for project in sub.projects:
        if project.decided_total is None:
            continue
        total = sum(project.amounts.values())
        if total <= project.decided_total:
            continue
        cell = project.cells.get("decided_total") or (
            _column_cell(schema, "investeringar", "decided_total", project.row)
            if project.row
            else ""
        )
        problems.append(
            rules.DECIDED_TOTAL_EXCEEDED(
                file=sub.file,
                sheet=sheet.name,
                cell=cell,
                avdelning=sub.avdelning,
                id=project.id,
                summa=fmt.tkr(total),
                beslutad=fmt.tkr(project.decided_total),
            )
        )
    return problems


def large_amount_problems(sub: Submission, settings: Settings, schema: Schema) -> list[Problem]:
    """BB412: an amount on Investeringar or Risker of `large_amount_tkr` or more, most
    likely typed in kronor. Drift needs no such rule: its nets must equal the ram."""
    limit = settings.large_amount_tkr
    if limit <= 0:
        return []
    found: list[tuple[str, str, int]] = []  # (sheet key, cell, amount)
    for project in sub.projects:
        years = [(str(y), a) for y, a in sorted(project.amounts.items())]
        for key, amount in [("decided_total", project.decided_total), *years]:
            if amount is not None and amount >= limit:
                found.append(("investeringar", project.cells.get(key, ""), amount))
    for risk in sub.risks:
        for key, amount in (("positive", risk.positive), ("negative", risk.negative)):
            if amount >= limit:
                found.append(("risker", risk.cells.get(key, ""), amount))
    return [
        rules.LARGE_AMOUNT(
            file=sub.file,
            sheet=schema.sheet(key).name,
            cell=cell,
            avdelning=sub.avdelning,
            varde=fmt.tkr(amount),
            mnkr=fmt.tkr(amount // 1000) if amount % 1000 == 0 else fmt.mnkr(amount),
            i_tkr=fmt.tkr(amount / 1000),
        )
        for key, cell, amount in found
    ]


def capital_problems(
    sub: Submission, settings: Settings, schema: Schema, read: Sequence[Problem] = ()
) -> list[Problem]:
    """BB408: for each year, the return's capital-cost rows on Drift must add over the
    prior-year budget what its own projects on Investeringar cost (`capital`), as the
    Instruktioner sheet tells the department head.

    Computed as the consolidation computes the nämnd's (`capital.return_capital`). Not
    when there is nothing to compare (no capital driftpost, an unknown category), nor
    while an amount it rests on has an error of its own (`read`, the reader's findings):
    a project's spend (the plan is not what the head meant), or a year whose capital
    cell is wrong or left empty where the reader asks for an amount. The head fixes
    that first, and is not told of a difference the error made."""
    found = capital.return_capital(sub, settings)
    if found is None:
        return []
    drift, inv = schema.sheet("drift").name, schema.sheet("investeringar").name
    errors = {(p.sheet, p.cell) for p in read if p.severity is Severity.FEL}
    if errors:
        spend = [str(year) for year in settings.investment_years]
        if any((inv, p.cells.get(y)) in errors for p in sub.projects for y in spend):
            return []
    lines = found.lines
    problems = []
    for year in found.plan:
        plan, added = found.plan[year], found.added(year)
        if plan == added or _capital_unread(lines, year, drift, errors):
            continue
        problems.append(_capital_gap(sub, lines, year, plan, added, found, settings, drift))
    return problems


def _capital_unread(
    lines: list[DriftLine], year: int, sheet: str, errors: set[tuple[str, str]]
) -> bool:
    """Whether a capital-cost row's amount in `year` has an error, or is missing where
    the row has one elsewhere (an empty row where the prior year had a budget, BB411,
    is flagged at its budget-year cell; a plan year left empty, BB406, at its own)."""
    if not errors:
        return False
    for line in lines:
        cell = line.cells.get(year, "")
        if (sheet, cell) in errors:
            return True
        if year not in line.amounts and any((sheet, c) in errors for c in line.cells.values()):
            return True
    return False


def _capital_gap(
    sub: Submission,
    lines: list[DriftLine],
    year: int,
    plan: int,
    added: int,
    found: capital.ReturnCapital,
    settings: Settings,
    sheet: str,
) -> Problem:
    """BB408 for one year, at the capital-cost row the head most likely has to correct.
    Of several (a row per verksamhet): the one whose own change from the prior year's
    budget is the whole difference (a change that belongs on no capital row), else the
    one that changed most (where the head entered the investments' capital cost), else
    the first (nothing entered: the cost forgotten)."""
    prior = settings._lookup("prior_budget", settings.prior, _prior_budgets(settings))
    changes = [
        line.amounts.get(year, 0) - prior.get((line.verksamhet, line.driftpost), 0)
        for line in lines
    ]
    difference = added - plan
    if difference in changes:
        at = lines[changes.index(difference)]
    else:
        at = lines[max(range(len(lines)), key=lambda n: abs(changes[n]))]
    capital_posts = capital.capital_posts(settings)
    posts = [d.name for d in settings.driftposter if d.code in capital_posts]
    named = fmt.name_list(posts, len(posts))
    one = len(lines) == 1
    # several rows (one per verksamhet): their cells, whose sum is meant
    cells = [line.cells.get(year, "") for line in lines]
    rows = f"raden {named}" if one else f"raderna {named} i {fmt.name_list(cells, len(cells))}"
    both = "" if one else " tillsammans"
    change = (
        f"ökar{both} med {fmt.tkr(added)} tkr"
        if added > 0
        else f"minskar{both} med {fmt.tkr(-added)} tkr"
        if added < 0
        else ("är oförändrad" if one else "är tillsammans oförändrade")
    )
    return rules.CAPITAL_GAP(
        file=sub.file,
        sheet=sheet,
        cell=at.cells.get(year, ""),
        avdelning=sub.avdelning,
        ar=year,
        plan=fmt.tkr(plan),
        raderna=rows,
        forandring=change,
        fjol=settings.prior_year,
        differens=_signed(added - plan),
        Raden_ska="Raden ska" if one else "Tillsammans ska de",
        fjolbelopp=fmt.tkr(found.prior),
        summa=fmt.tkr(found.prior + plan),
        beloppet="beloppet" if one else "beloppen",
    )


def content_problems(
    sub: Submission, settings: Settings, schema: Schema, read: Sequence[Problem] = ()
) -> list[Problem]:
    """All whole-return content rules of one return; `read`: the reader's findings."""
    return [
        *ram_problems(sub, settings, schema, read),
        *change_problems(sub, settings, schema, read),
        *decided_total_problems(sub, settings, schema),
        *large_amount_problems(sub, settings, schema),
        *capital_problems(sub, settings, schema, read),
    ]


# --- across returns -----------------------------------------------------------------


def _reporters(codes: list[str]) -> str:
    """'både BIB och FRI' for two; 'flera avdelningar: ADM, BIB och FRI' for more."""
    prefix = "både " if len(codes) == 2 else "flera avdelningar: "
    return prefix + fmt.name_list(codes)


def older_prior_problems(subs: list[Submission], settings: Settings) -> list[Problem]:
    """BB506, for the finance office alone (no file: not in any feedback workbook):
    returns showing older prior-year figures than the CSV's now (the reader told them
    from an edit of the locked cells, see `Submission.prior_shown`). One finding for
    the round, naming the returns and one row's figures, not every row."""
    order = {avd.code: i for i, avd in enumerate(settings.avdelningar)}
    ordered = sorted(subs, key=lambda sub: order.get(sub.avdelning, len(order)))
    shown = [(sub, row) for sub in ordered for row in sub.prior_shown]
    if not shown:
        return []
    sub, row = shown[0]
    prior = settings.prior.get((row.verksamhet, row.driftpost))
    py = settings.prior_year
    differ = []
    for what, old, new in (
        ("budget", row.budget, prior.budget if prior else 0),
        ("prognos", row.prognos, prior.prognos if prior else 0),
    ):
        if old != new:
            differ.append(f"{what} {py} {fmt.tkr(old)} tkr i arbetsboken, {fmt.tkr(new)} tkr nu")
    driftpost = settings.driftpost(row.driftpost)
    name = driftpost.name if driftpost else row.driftpost
    example = (
        f"{settings.verksamhet_label(row.verksamhet)} / {name} hos {sub.avdelning}: "
        f"{' och '.join(differ)}"
    )
    prior_file = settings.prior_file.name if settings.prior_file else "filen med fjolårssiffror"
    return [
        rules.OLDER_PRIOR_FIGURES(
            avdelningar=fmt.name_list(sorted({s.avdelning for s, _ in shown})),
            fil_fjol=prior_file,
            rader="1 rad skiljer" if len(shown) == 1 else f"{len(shown)} rader skiljer",
            exempel=example,
        )
    ]


def office_problems(
    subs: list[Submission], accepted: list[Submission], settings: Settings
) -> list[Problem]:
    """The round's findings for the finance office alone (no file, in no feedback
    workbook), from the chosen returns, the accepted ones and the settings: BB506,
    BB511, BB507, BB508, BB509, BB510. BB508 to BB510 speak of what the draft shows, so
    only of accepted returns: last year's workbook (BB105) or a blank one (BB110) lacks this
    year's uppdrag without the settings having changed, and is sent back anyway."""
    return [
        *older_prior_problems(subs, settings),
        *older_ram_problems(subs, settings),
        *indicator_year_problems(settings),
        *added_uppdrag_problems(accepted, settings),
        *reworded_uppdrag_problems(accepted, settings),
        *removed_uppdrag_problems(accepted, settings),
    ]


def indicator_year_problems(settings: Settings) -> list[Problem]:
    """BB507, for the finance office (from the settings, no file): indicator values in
    budgetbook.toml for other years than the two before the budget year, which the
    draft shows beside the target and the Mål och indikatorer sheet asks for. Values
    left as last year's (`init --from` moves the round's years, not these) gave a draft
    for 2028 whose KF tables showed 2025 and 2026, and the appendix 2025–2027."""
    wanted = (settings.budget_year - 2, settings.budget_year - 1)
    goals = [
        *((f"mål {g.code}", g.indicators) for g in settings.kf_goals),
        *((f"nämndmål {g.code}", g.indicators) for g in settings.namnd_goals),
    ]
    found = [(goal, ind) for goal, inds in goals for ind in inds if ind.values]
    off = [(goal, ind) for goal, ind in found if set(ind.values) - set(wanted)]
    if not off:
        return []
    goal, first = off[0]
    count = "Indikatorn" if len(found) == 1 else f"{len(off)} av {len(found)} indikatorer"
    return [
        rules.INDICATOR_YEARS(
            ar=fmt.name_list([str(y) for y in sorted({y for _, i in found for y in i.values})]),
            budgetar=settings.budget_year,
            utfallsar=f"{wanted[0]} och {wanted[1]}",
            indikatorer=count,
            exempel=first.name,
            mal=goal,
        )
    ]


def verksamhet_twice_problems(
    subs: list[Submission], settings: Settings, schema: Schema
) -> list[Problem]:
    """BB503: a verksamhet with figures in the returns of two or more avdelningar.

    The problem goes to each avdelning that does not own the verksamhet (all of them
    when none does).
    """
    reporters: dict[str, dict[str, Submission]] = defaultdict(dict)
    for sub in subs:
        # each verksamhet once per return, in the order of its lines (~80 lines and a
        # dozen verksamheter a return)
        for code in dict.fromkeys([line.verksamhet for line in sub.drift]):
            reporters[code].setdefault(sub.avdelning, sub)
    problems = []
    for code, by_avd in reporters.items():
        if len(by_avd) < 2:
            continue
        v = settings.verksamhet(code)
        owner = v.avdelning if v else ""
        label = settings.verksamhet_label(code)
        for avd, sub in by_avd.items():
            if avd == owner:
                continue
            row = next((ln.row for ln in sub.drift if ln.verksamhet == code and ln.row), 0)
            problems.append(
                rules.VERKSAMHET_TWICE(
                    file=sub.file,
                    sheet=schema.sheet("drift").name if row else "",
                    cell=f"A{row}" if row else "",
                    avdelning=avd,
                    verksamhet=label,
                    avdelningar=_reporters(sorted(by_avd)),
                    agare=owner or "ingen av dem enligt inställningarna",
                )
            )
    return problems


def project_twice_problems(subs: list[Submission], schema: Schema) -> list[Problem]:
    """BB504: a project id reported by two or more avdelningar (one problem each)."""
    reporters: dict[str, dict[str, tuple[Submission, Project]]] = defaultdict(dict)
    for sub in subs:
        for project in sub.projects:
            key = project.id.strip().casefold()
            if key:
                reporters[key].setdefault(sub.avdelning, (sub, project))
    problems = []
    for by_avd in reporters.values():
        if len(by_avd) < 2:
            continue
        for avd, (sub, project) in by_avd.items():
            row = project.row
            problems.append(
                rules.PROJECT_TWICE(
                    file=sub.file,
                    sheet=schema.sheet("investeringar").name if row else "",
                    cell=project.cells.get("id", f"A{row}" if row else ""),
                    avdelning=avd,
                    id=project.id,
                    avdelningar=_reporters(sorted(by_avd)),
                )
            )
    return problems
