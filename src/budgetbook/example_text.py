"""Swedish example prose for the filled example returns: the Texter sections,
written from each avdelning's own figures and projects (content: example_data)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import fmt
from .model import Project
from .settings import Avdelning, Settings, TextSection


@dataclass(frozen=True, slots=True)
class AvdelningFacts:
    """What an avdelning knows when it writes its texts: its own figures and projects."""

    prior_budget: int = 0  # net, the year before the budget year
    prior_prognos: int = 0
    # verksamhet name -> (prior-year net budget, net budget for the budget year)
    by_verksamhet: dict[str, tuple[int, int]] = field(default_factory=dict)
    revenue: int = 0  # budget year, tkr
    projects: tuple[Project, ...] = ()
    capital_added: dict[int, int] = field(default_factory=dict)  # year -> tkr
    share: float = 0.0  # of the nämnd's total ram in the budget year
    staff: tuple[int, int] = (0, 0)  # personnel costs: prior-year budget, budget year


def section_text(
    section: TextSection,
    s: Settings,
    avd: Avdelning,
    rng: random.Random,
    facts: AvdelningFacts | None = None,
) -> str:
    """A few sentences of plausible Swedish prose for one Texter section.

    Written from the avdelning's own name, verksamheter, figures and projects, with
    the wording drawn per avdelning, so eight avdelningar do not read like one form
    filled eight times. Deterministic for a given `rng` seed.
    """
    facts = facts or AvdelningFacts()
    writer = {
        "verksamhet": _verksamhet_text,
        "budget": _budget_text,
        "investeringar": _investment_text,
    }.get(section.key, _other_text)
    return writer(section, s, avd, rng, facts)


def _verksamhet_text(
    section: TextSection, s: Settings, avd: Avdelning, rng: random.Random, f: AvdelningFacts
) -> str:
    year = s.budget_year
    names = [v.name for v in s.verksamheter_of(avd.code)]
    area = _joined([_lower(n) for n in names]) or "sitt område"
    namnd = _lower(s.namnd)
    opening = (
        [
            f"{avd.name} ansvarar för {area}.",
            f"Inom {avd.name} ryms {area}.",
            f"{avd.name} samlar {area} under en gemensam ledning.",
        ]
        if len(names) > 1
        else [
            f"{avd.name} ansvarar för {area}.",
            f"{avd.name} har hand om {area} för hela förvaltningen.",
            f"Avdelningens ansvar omfattar {area}.",
        ]
    )
    if len(names) == 1 and names[0].casefold() == avd.name.casefold():
        opening = [f"{avd.name} redovisas som en egen avdelning med en enda verksamhet."]
    sentences = [rng.choice(opening)]
    if f.share >= 0.25:
        sentences.append(
            f"Avdelningen är den största inom {namnd} och står för {_pct(f.share)} av "
            "nämndens nettokostnad, vilket gör dess kostnadsutveckling avgörande för "
            "nämndens resultat."
        )
    elif 0 < f.share < 0.07:
        sentences.append(
            _pick(
                s,
                avd,
                3,
                (
                    f"Budgeten är liten, {_pct(f.share)} av nämndens nettokostnad, men "
                    f"avdelningens arbete berör hela {namnd}.",
                    f"Avdelningen står för {_pct(f.share)} av nämndens nettokostnad; "
                    "dess betydelse ligger mer i stödet till andra än i budgetens storlek.",
                ),
            )
        )
    if f.by_verksamhet and len(f.by_verksamhet) > 1:
        largest, (_, amount) = max(f.by_verksamhet.items(), key=lambda kv: kv[1][1])
        sentences.append(
            rng.choice(
                (
                    f"Den största delen av budgeten, {_tkr(amount)}\u00a0tkr, avser {_lower(largest)}.",
                    f"Tyngdpunkten ligger på {_lower(largest)} med {_tkr(amount)}\u00a0tkr.",
                )
            )
        )
    net = avd.ram.get(year, 0)
    if f.revenue > net > 0:
        sentences.append(
            f"Intäkterna, {_tkr(f.revenue)}\u00a0tkr {year}, är större än nettokostnaden: en stor "
            "del av verksamheten säljs till andra förvaltningar och bolag."
        )
    elif f.revenue > 0:
        sentences.append(
            f"Verksamheten finansieras delvis med intäkter, {_tkr(f.revenue)}\u00a0tkr {year}, "
            "främst från avgifter och tjänster åt andra förvaltningar."
        )
    sentences.append(
        _pick(
            s,
            avd,
            0,
            (
                f"Under {year} prioriteras en tydligare uppföljning av kvalitet och kostnader.",
                f"Under {year} ligger fokus på digitala arbetssätt som frigör tid för "
                "kärnuppdraget.",
                f"Under {year} fördjupas samverkan med de övriga avdelningarna, särskilt i "
                "frågor som rör flera verksamheter.",
                f"En prioriterad fråga för {year} är kompetensförsörjningen: flera "
                "medarbetare går i pension de närmaste åren.",
                f"Avdelningen ser över sina rutiner under {year} så att fler ärenden kan "
                "hanteras digitalt från början till slut.",
            ),
        )
    )
    sentences.append(
        _pick(
            s,
            avd,
            1,
            (
                "Resultaten redovisas i tertialrapporten, delårsrapporten och årsredovisningen.",
                "Arbetet följs upp i nämndens tertialrapport och i årsredovisningen.",
                "Avdelningen rapporterar måluppfyllelsen i delårsrapporten.",
                "",
            ),
        )
    )
    return " ".join(x for x in sentences if x)


def _budget_text(
    section: TextSection, s: Settings, avd: Avdelning, rng: random.Random, f: AvdelningFacts
) -> str:
    year = s.budget_year
    ram = avd.ram.get(year, 0)
    sentences: list[str] = []
    if f.prior_budget:
        diff = ram - f.prior_budget
        pct = diff / abs(f.prior_budget)
        if abs(pct) < 0.01:
            sentences.append(
                rng.choice(
                    (
                        f"Budgeten för {year} ligger i nivå med {year - 1}: {_tkr(ram)}\u00a0tkr "
                        f"mot {_tkr(f.prior_budget)}\u00a0tkr.",
                        f"Nettobudgeten är i stort sett oförändrad, {_tkr(ram)}\u00a0tkr.",
                    )
                )
            )
        elif diff > 0:
            sentences.append(
                _pick(
                    s,
                    avd,
                    4,
                    (
                        f"Nettobudgeten ökar med {_tkr(diff)}\u00a0tkr ({_pct(pct)}) till "
                        f"{_tkr(ram)}\u00a0tkr.",
                        f"Budgeten för {year} är {_tkr(ram)}\u00a0tkr, {_tkr(diff)}\u00a0tkr "
                        f"({_pct(pct)}) mer än {year - 1}.",
                        f"Jämfört med {year - 1} har avdelningen {_tkr(diff)}\u00a0tkr mer, "
                        f"totalt {_tkr(ram)}\u00a0tkr.",
                    ),
                )
            )
        else:
            sentences.append(
                rng.choice(
                    (
                        f"Ramen minskar med {_tkr(-diff)}\u00a0tkr ({_pct(-pct)}) till {_tkr(ram)}\u00a0"
                        "tkr, och avdelningen har fått prioritera.",
                        f"Med {_tkr(ram)}\u00a0tkr har avdelningen {_tkr(-diff)}\u00a0tkr mindre än "
                        f"{year - 1} att röra sig med.",
                    )
                )
            )
        moves = {name: new - old for name, (old, new) in f.by_verksamhet.items() if new - old != 0}
        if moves and len(f.by_verksamhet) > 1:
            name, change = max(moves.items(), key=lambda kv: abs(kv[1]))
            if change > 0:
                sentences.append(
                    rng.choice(
                        (
                            f"Den största ökningen finns inom {_lower(name)}, {_tkr(change)}\u00a0tkr.",
                            f"Mest växer {_lower(name)}, med {_tkr(change)}\u00a0tkr.",
                            # "Ökningen" presupposes the avdelning's budget grows
                            f"Ökningen gäller framför allt {_lower(name)} ({_tkr(change)}\u00a0tkr)."
                            if diff > 0
                            else f"Mest ökar {_lower(name)}, med {_tkr(change)}\u00a0tkr.",
                        )
                    )
                )
            else:
                sentences.append(
                    f"Inom {_lower(name)} minskar budgeten med {_tkr(-change)}\u00a0tkr."
                )
    else:
        sentences.append(f"Avdelningens nettobudget för {year} är {_tkr(ram)}\u00a0tkr.")
    if f.prior_budget and f.prior_prognos:
        gap = f.prior_prognos - f.prior_budget
        if 100 < abs(gap) <= 0.02 * abs(f.prior_budget):  # small, but not "följer budgeten"
            sentences.append(
                f"Prognosen för {year - 1} visar ett mindre "
                f"{'underskott' if gap > 0 else 'överskott'} på {_tkr(abs(gap))}\u00a0tkr."
            )
        elif gap > max(100, 0.02 * abs(f.prior_budget)):
            sentences.append(
                f"Prognosen för {year - 1} pekar på ett underskott på {_tkr(gap)}\u00a0tkr; "
                "budgeten för det nya året är lagd med det i minnet och kostnaderna "
                "följs månadsvis."
            )
        elif gap < -max(100, 0.02 * abs(f.prior_budget)):
            sentences.append(
                f"För {year - 1} väntas ett överskott på {_tkr(-gap)}\u00a0tkr, främst av tillfälliga "
                "skäl som inte återkommer."
            )
        else:
            sentences.append(
                rng.choice(
                    (
                        f"Prognosen för {year - 1} följer budgeten.",
                        f"{avd.name} väntas hålla budgeten för {year - 1}.",
                        f"Utfallet för {year - 1} väntas hamna nära budget.",
                    )
                )
            )
    added = f.capital_added.get(year, 0)
    if added:
        sentences.append(
            f"Kapitalkostnader för nya investeringar, {_tkr(added)}\u00a0tkr, ingår i budgeten."
        )
    sentences.append(_pick(s, avd, 2, _assumptions(f.staff)))
    plan = [y for y in s.plan_years if y in avd.ram]
    if plan and rng.random() < 0.6:
        sentences.append(
            f"För planåren följer budgeten ramen, {_tkr(avd.ram[plan[-1]])}\u00a0tkr {plan[-1]}."
        )
    if rng.random() < 0.5:
        sentences.append("Förändringarna per rad är kommenterade i avdelningens budgetunderlag.")
    return " ".join(sentences)


def _investment_text(
    section: TextSection, s: Settings, avd: Avdelning, rng: random.Random, f: AvdelningFacts
) -> str:
    years = s.investment_years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    if not f.projects:
        names = [v.name for v in s.verksamheter_of(avd.code)]
        if f.by_verksamhet:
            names = [max(f.by_verksamhet.items(), key=lambda kv: kv[1][1])[0]]
        area = _lower(names[0]) if names else "avdelningen"
        opening = _pick(
            s,
            avd,
            0,
            (
                f"{avd.name} har inga egna investeringar för {span}.",
                f"Avdelningen föreslår inga investeringar för {span}.",
                f"Inga investeringar planeras under {span}.",
            ),
        )
        reason = _pick(
            s,
            avd,
            1,
            (
                f"Behovet av utrustning inom {area} tillgodoses genom kommunens "
                "gemensamma utbytesprogram.",
                "De inventarier som behöver bytas ryms i driftbudgeten.",
                f"Om lokalbehovet inom {area} förändras kan behov uppstå; de tas då upp "
                "i nästa budgetomgång.",
                "Datorer och annan IT-utrustning köps genom den gemensamma IT-budgeten.",
            ),
        )
        return f"{opening} {reason}"
    total = sum(sum(p.amounts.values()) for p in f.projects)
    ongoing = [p for p in f.projects if p.status == "pågående"]
    new = [p for p in f.projects if p.status != "pågående"]
    sentences = [
        f"{avd.name} har {fmt.count(len(f.projects))} projekt i investeringsplanen, "
        f"sammanlagt {_tkr(total)}\u00a0tkr {span}."
    ]
    if ongoing:
        biggest = max(ongoing, key=lambda p: sum(p.amounts.values()))
        lead = "Störst av de pågående är" if len(ongoing) > 1 else "Det pågående projektet är"
        sentences.append(
            f"{lead} {_lower(biggest.name)}, "
            f"{_tkr(sum(biggest.amounts.values()))}\u00a0tkr under perioden."
        )
        if len(ongoing) > 1:
            others = _joined([_lower(p.name) for p in ongoing if p is not biggest])
            sentences.append(f"Dessutom fortsätter arbetet med {others}.")
    if new:
        sentences.append(
            "Nytt för perioden är "
            + _joined([f"{_lower(p.name)} ({_tkr(sum(p.amounts.values()))}\u00a0tkr)" for p in new])
            + "; "
            + rng.choice(
                (
                    "projekten startar när upphandlingen är klar."
                    if len(new) > 1
                    else "projektet startar när upphandlingen är klar.",
                    "de genomförs i takt med att äldre utrustning behöver bytas."
                    if len(new) > 1
                    else "det genomförs i takt med att äldre utrustning behöver bytas.",
                    "tidplanen stäms av med verksamheterna under våren.",
                )
            )
        )
    capital = {y: v for y, v in sorted(f.capital_added.items()) if v}
    if capital:
        first = next(iter(capital))
        sentences.append(
            f"Driftkonsekvensen är kapitalkostnader från {first}, {_tkr(capital[first])}\u00a0tkr "
            f"det året, som ingår i avdelningens driftbudget."
        )
    return " ".join(sentences)


def _other_text(
    section: TextSection, s: Settings, avd: Avdelning, rng: random.Random, f: AvdelningFacts
) -> str:
    year = s.budget_year
    ram = avd.ram.get(year, 0)
    focus = rng.choice(
        (
            "att hålla budgeten och samtidigt utveckla verksamheten",
            "en tydligare uppföljning av kvalitet och kostnader",
            "samverkan med de övriga avdelningarna",
        )
    )
    return (
        f"{section.title}: under {year} lägger {avd.name} vikt vid {focus}. "
        f"Avdelningens ram är {_tkr(ram)}\u00a0tkr."
    )


def _assumptions(staff: tuple[int, int]) -> tuple[str, ...]:
    """The sentences on what the budget assumes that agree with its personnel costs: no
    word of wages without any, no "Inga nya tjänster" beside a growing staff budget
    (review: the reserve said so while its personnel costs went from 0 to 650 tkr)."""
    old, new = staff
    prices = "Priserna är uppräknade med det index som budgetanvisningen anger."
    if not new:
        return (prices,)
    options = [
        "Personalkostnaderna är beräknade med antagen löneökning enligt centrala avtal.",
        "Lönerna är uppräknade enligt kommunens budgetanvisning.",
        prices,
    ]
    if new <= old * 1.04:  # wage growth, not new posts
        options.append("Inga nya tjänster tillkommer; vakanser tillsätts efter prövning.")
    return tuple(options)


def _pick(s: Settings, avd: Avdelning, salt: int, options: tuple[str, ...]) -> str:
    """An option by the avdelning's place in the settings: neighbours never share one."""
    codes = [a.code for a in s.avdelningar]
    position = codes.index(avd.code) if avd.code in codes else 0
    return options[(position + salt) % len(options)]


def _joined(items: list[str]) -> str:
    """Every item named ("a, b och c"), however many: an avdelning's own projects."""
    return fmt.name_list(items, shown=len(items))


def _lower(name: str) -> str:
    """A name inside a sentence: lower-case first letter unless it is an acronym."""
    if len(name) > 1 and name[:2].isupper():
        return name
    return name[:1].lower() + name[1:]


def _pct(value: float) -> str:
    return fmt.pct(abs(value))


def _tkr(value: int) -> str:
    return fmt.tkr(value)
