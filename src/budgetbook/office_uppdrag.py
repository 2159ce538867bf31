"""The round's findings on uppdrag for the finance office alone (no file, so in no
feedback workbook): BB508, uppdrag added to or reworded in the settings after the
workbooks went out that returns lack; BB509, an answer to an earlier wording carried
over to the new one (`uppdrag_wording`); BB510, an answer to an uppdrag since removed
from the settings. All speak of what the draft shows, so `checks.office_problems`
gives them the accepted returns only.
"""

from __future__ import annotations

from . import fmt, rules
from .consolidate_plan import norm
from .model import EarlierWording, Problem, Submission
from .settings import Settings
from .tablebuild import in_avdelning_order
from .uppdrag_wording import similar


def added_uppdrag_problems(subs: list[Submission], settings: Settings) -> list[Problem]:
    """BB508: uppdrag added to the settings after the workbooks went out, which returns
    therefore lack (`Submission.uppdrag_added`; not the heads' doing, so no BB413). One
    finding for the round, naming each uppdrag in the settings' order with the
    avdelningar whose returns lack it, and where those returns answer an earlier
    wording that could not be carried over for sure (`Submission.uppdrag_earlier`)."""
    subs = in_avdelning_order(subs, settings)
    lacking: dict[str, list[str]] = {}  # uppdrag text -> avdelningar, in their order
    for sub in subs:
        for text in sub.uppdrag_added:
            lacking.setdefault(text, []).append(sub.avdelning)
    if not lacking:
        return []
    place = {u.text: i for i, u in enumerate(settings.uppdrag)}
    texts = sorted(lacking, key=lambda text: place.get(text, len(place)))
    named_avds = {a for avds in lacking.values() for a in avds}
    avdelningar = [sub.avdelning for sub in subs if sub.avdelning in named_avds]
    avdelningar = list(dict.fromkeys(avdelningar))
    # each uppdrag's avdelningar only where they differ
    alike = all(avds == avdelningar for avds in lacking.values())
    named = [f"”{t}”" if alike else f"”{t}” ({fmt.name_list(lacking[t])})" for t in texts]
    earlier = [
        (sub.avdelning, e)
        for sub in subs
        if sub.uppdrag_added
        for e in sub.uppdrag_earlier
        if not e.now
    ]
    return [
        rules.UPPDRAG_ADDED(
            # the list inside the sentence: a text ending in "." never reads "….”."
            uppdrag=f"{'Uppdraget' if len(texts) == 1 else 'Uppdragen'} {fmt.name_list(named)}",
            avdelningar=fmt.name_list(avdelningar),
            det="det" if len(texts) == 1 else "dem",
            # one avdelning is the common case: "arbetsboken … Avdelningen har"
            arbetsbocker="arbetsboken" if len(avdelningar) == 1 else "arbetsböckerna",
            Avdelningen="Avdelningen" if len(avdelningar) == 1 else "Avdelningarna",
            avdelningen="avdelningen" if len(avdelningar) == 1 else "avdelningarna",
            uppdraget="uppdraget" if len(texts) == 1 else "uppdragen",
            en_tom_rad="en tom rad" if len(texts) == 1 else "tomma rader",
            en_ny_arbetsbok="en ny arbetsbok" if len(avdelningar) == 1 else "nya arbetsböcker",
            tidigare_svar=_earlier_answers(earlier),
        )
    ]


def _earlier_answers(earlier: list[tuple[str, EarlierWording]]) -> str:
    """BB508's sentence on answers to an earlier wording that were not carried over
    (an uppdrag reordered, or removed and added at once): where they stand, so the
    office can ask the head or correct the settings. "" without any."""
    if not earlier:
        return ""
    avds = list(dict.fromkeys(avd for avd, _ in earlier))
    who = f"Arbetsboken från {avds[0]}" if len(avds) == 1 else "Arbetsböckerna"
    if len(earlier) == 1:
        e = earlier[0][1]
        return (
            f" {who} svarar på den tidigare lydelsen ”{e.text}” på bladet Uppdrag, cell "
            f"{e.cell}, men det går inte att säkert avgöra vilket uppdrag i budgetbook.toml "
            "den motsvarar nu, så det svaret visas inte i utkastet."
        )
    where = [
        f"”{e.text}”{'' if len(avds) == 1 else f' hos {avd}'} "
        f"({'bladet Uppdrag, ' if i == 0 else ''}cell {e.cell})"
        for i, (avd, e) in enumerate(earlier)
    ]
    return (
        f" {who} svarar på tidigare lydelser: {fmt.name_list(where)}, men det går inte att "
        "säkert avgöra vilka uppdrag i budgetbook.toml de motsvarar nu, så de svaren visas "
        "inte i utkastet."
    )


def reworded_uppdrag_problems(subs: list[Submission], settings: Settings) -> list[Problem]:
    """BB509: returns answering an uppdrag by the wording it had before the office
    changed it, whose status and comment the reader carried over to the new wording
    (`Submission.uppdrag_earlier` with `now`). One finding per change of wording, in
    the settings' order, naming both wordings, the avdelningar and the cells, so the
    office can check that it is the same uppdrag."""
    found: dict[tuple[str, str], list[tuple[str, EarlierWording]]] = {}
    for sub in in_avdelning_order(subs, settings):
        for e in sub.uppdrag_earlier:
            if e.now:
                found.setdefault((norm(e.text), e.now), []).append((sub.avdelning, e))
    place = {u.text: i for i, u in enumerate(settings.uppdrag)}
    problems = []
    for (_, now), answers in sorted(found.items(), key=lambda f: place.get(f[0][1], len(place))):
        avdelningar = [avd for avd, _ in answers]
        one = len(avdelningar) == 1
        cells = {e.cell for _, e in answers}
        where = (
            f"bladet Uppdrag, cell {answers[0][1].cell}"
            if len(cells) == 1
            else "bladet Uppdrag, "
            + fmt.name_list([f"cell {e.cell} hos {avd}" for avd, e in answers])
        )
        problems.append(
            rules.UPPDRAG_REWORDED(
                tidigare=answers[0][1].text,
                nu=now,
                avdelningar=fmt.name_list(avdelningar),
                celler=where,
                Arbetsboken="Arbetsboken" if one else "Arbetsböckerna",
                avdelningens="avdelningens" if one else "avdelningarnas",
                avdelningen="avdelningen" if one else "avdelningarna",
                Avdelningen="Avdelningen" if one else "Avdelningarna",
            )
        )
    return problems


def removed_uppdrag_problems(subs: list[Submission], settings: Settings) -> list[Problem]:
    """BB510: answers (a status or a comment) to an uppdrag the workbooks were given and
    the settings no longer give the avdelning (removed, or given to another), in returns
    that lack no added one (BB508 tells of those: a removal and an addition at once may
    be a rewording), and not those superseded by the head's answer to the new wording.
    The draft leaves them out, which is right when it was done on
    purpose (finished, withdrawn by the nämnd) but was silent when by mistake. One
    finding per uppdrag, in the order the returns give them."""
    found: dict[str, list[tuple[str, EarlierWording]]] = {}
    for sub in in_avdelning_order(subs, settings):
        if sub.uppdrag_added:
            continue
        answered = [norm(u.text) for u in sub.uppdrag]
        for e in sub.uppdrag_earlier:
            key = norm(e.text)
            # the head answering the new wording on a row of its own, as BB509 asks:
            # the earlier row is rightly not read
            if not e.now and not any(similar(key, a) for a in answered):
                found.setdefault(key, []).append((sub.avdelning, e))
    owners: dict[str, list[str]] = {}
    for u in settings.uppdrag:
        owners.setdefault(norm(u.text), []).append(u.avdelning)
    problems = []
    for key, answers in found.items():
        avdelningar = list(dict.fromkeys(avd for avd, _ in answers))
        one = len(avdelningar) == 1
        cells = [f"cell {e.cell}" if one else f"cell {e.cell} hos {avd}" for avd, e in answers]
        svaret = "svaret" if len(answers) == 1 else "svaren"
        if key in owners:  # given to another avdelning now
            nu = f"ges nu till {fmt.name_list(owners[key])} i budgetbook.toml"
            atgard = "Flyttades uppdraget med avsikt behöver inget göras."
        else:
            nu = "finns inte längre i budgetbook.toml"
            atgard = (
                "Togs uppdraget bort med avsikt behöver inget göras; annars lägg tillbaka "
                f"det under [[uppdrag]] i budgetbook.toml med samma text, så visas {svaret}."
            )
        problems.append(
            rules.UPPDRAG_REMOVED(
                uppdrag=answers[0][1].text,
                nu=nu,
                arbetsboken="arbetsboken" if one else "arbetsböckerna",
                avdelningar=fmt.name_list(avdelningar),
                celler=f"bladet Uppdrag, {fmt.name_list(cells)}",
                svaret=svaret,
                atgard=atgard,
                Avdelningen="Avdelningen" if one else "Avdelningarna",
            )
        )
    return problems
