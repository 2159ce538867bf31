"""BB511, for the finance office alone (no file, so in no feedback workbook): returns
whose workbooks were sent with another ram than budgetbook.toml gives now.

Normal in a round: the templates go out before KF decides the ramar, and the office
enters the decided ramar afterwards. A return is checked against the ram now (BB401,
which says that the ram has changed since the workbook was sent, and the feedback copy
shows the new ram); the office learns once for the round which workbooks out there
show an earlier ram, to send new ones or tell the heads.
"""

from __future__ import annotations

from . import fmt, rules
from .model import Problem, Submission
from .schema import TEMPLATE_VERSION
from .settings import Settings
from .tablebuild import in_avdelning_order


def this_round(sub: Submission, settings: Settings) -> bool:
    """Whether `sub` is a workbook of this round and template (not BB105/BB106): last
    year's shows last year's ramar, which are no earlier ramar of this round."""
    return (
        sub.round_id == settings.round_id
        and sub.year == settings.budget_year
        and sub.template_version == TEMPLATE_VERSION
    )


def older_ram_problems(subs: list[Submission], settings: Settings) -> list[Problem]:
    """BB511: one finding for the round naming the returns whose workbook shows an
    earlier ram (`Submission.ram_sent`), and one ram's figures."""
    differ: list[tuple[str, int, int, int]] = []  # (avdelning, year, in the workbook, now)
    for sub in in_avdelning_order(subs, settings):
        avd = settings.avdelning(sub.avdelning)
        if avd is None or not this_round(sub, settings):
            continue
        for year, sent in sorted(sub.ram_sent.items()):
            now = avd.ram.get(year)
            if now is not None and now != sent:
                differ.append((sub.avdelning, year, sent, now))
    if not differ:
        return []
    avdelningar = list(dict.fromkeys(avd for avd, _, _, _ in differ))
    one = len(avdelningar) == 1
    code, year, sent, now = differ[0]
    return [
        rules.OLDER_RAM(
            arbetsboken="arbetsboken" if one else "arbetsböckerna",
            avdelningar=fmt.name_list(avdelningar),
            rader="1 ram skiljer" if len(differ) == 1 else f"{len(differ)} ramar skiljer",
            exempel=f"{code} {year}: {fmt.tkr(sent)} tkr i arbetsboken, {fmt.tkr(now)} tkr nu",
            en_ny_arbetsbok="en ny arbetsbok" if one else "nya arbetsböcker",
            avdelningen="avdelningen" if one else "avdelningarna",
        )
    ]
