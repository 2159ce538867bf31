"""A return whose avdelning code the settings lack (BB104): which avdelning it probably is.

Most often the finance office changed an avdelning's code in budgetbook.toml after the
workbooks went out: the workbook still carries the old code, and the avdelning, under
its new code, has no return. BB104 said "Kontakta ekonomistaben" to the office that is
ekonomistaben, and the avdelning was offered a reminder as if its head had sent nothing.
Such a return is matched to an avdelning without a return by what the workbook shows of
it: its name (the workbook's title, "Budget 2027 – Ekonomiavdelningen"), the
verksamheter of its Drift rows (prefilled for the avdelning, each the settings give to
one avdelning) and the file's name. The head's name is only in the instructions' text,
which the reader does not read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from . import checks, fmt, rules
from .model import Problem, Submission
from .schema import ID_TITLE, TITLE_SEPARATOR
from .settings import Avdelning, Settings

# BB104's advice when no avdelning without a return matches (the office reads it).
CHECK_THE_SETTINGS = rules.UNKNOWN_AVDELNING.defaults["atgard"]


@dataclass(frozen=True, slots=True)
class Match:
    """The avdelning a return with an unknown code probably is, and what tells so."""

    avdelning: Avdelning
    by: list[str]  # Swedish: "namnet", "verksamheterna (1600 och 1610)", "filnamnet"


def likely_avdelning(
    identity: Mapping[str, str],
    submission: Submission | None,
    name: str,
    settings: Settings,
    without_return: Collection[str],
) -> Match | None:
    """The one avdelning of `without_return` (codes) the return probably is, or None
    when none matches or several do."""
    found: dict[str, list[str]] = {}
    title = identity.get(ID_TITLE, "").casefold()
    for code in without_return:
        avd = settings.avdelning(code)
        if avd is not None and title.endswith(f"{TITLE_SEPARATOR}{avd.name}".casefold()):
            found.setdefault(code, []).append("namnet")
    verksamheter = sorted({line.verksamhet for line in submission.drift} if submission else ())
    owners = {v.avdelning for code in verksamheter if (v := settings.verksamhet(code))}
    if len(owners) == 1 and (owner := owners.pop()) in without_return:
        which = "verksamheten" if len(verksamheter) == 1 else "verksamheterna"
        found.setdefault(owner, []).append(f"{which} ({fmt.name_list(verksamheter, 4)})")
    hinted = checks.avdelning_from_name(name, settings)
    if hinted in without_return:
        found.setdefault(hinted, []).append("filnamnet")
    if len(found) != 1:
        return None
    ((code, by),) = found.items()
    avd = settings.avdelning(code)
    return Match(avd, by) if avd is not None else None


def advised(problem: Problem, match: Match | None, old_code: str) -> Problem:
    """BB104 `problem` with the advice its match gives."""
    if match is None:
        atgard = CHECK_THE_SETTINGS
    else:
        avd = match.avdelning
        atgard = (
            f"Den gäller troligen {avd.name} ({avd.code}), som inte har lämnat in någon "
            f"arbetsbok: {_listed(match.by)} stämmer med den. Ändrades avdelningens kod i "
            f"budgetbook.toml från ”{old_code}” till ”{avd.code}” efter att arbetsböckerna "
            f"skapades? Skriv då tillbaka koden ”{old_code}”, så tas arbetsboken med vid "
            f"nästa insamling, eller skicka avdelningen en ny arbetsbok och be den föra "
            "över sina uppgifter dit."
        )
    return rules.UNKNOWN_AVDELNING(
        file=problem.file, avdelning=problem.avdelning, avdelning_kod=old_code, atgard=atgard
    )


def _listed(parts: list[str]) -> str:
    """ "a", "a och b", "a, b och c" (a part may hold "och" itself: no name_list count)."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} och {parts[-1]}"


def missing_note(file: str, old_code: str) -> str:
    """What BB501 adds for an avdelning whose return probably came under `old_code`."""
    return (
        f" Arbetsboken {file}, som anger koden ”{old_code}”, gäller troligen avdelningen "
        "(BB104): se över koden i budgetbook.toml i stället för att påminna avdelningen."
    )
