"""Which returns came in after the round's deadline (`[round] deadline`), for the office.

A mark on an avdelning's status, not a problem: a return that came late is checked and
accepted as any other, and nothing of this reaches the department head's feedback copy
(there is nothing in the workbook to correct). The deadline is a date, and a return
came in time when it came on that day in Sweden (Europe/Stockholm), whatever the PC's
time zone: at 23:30 on the deadline day it is in time, at 00:10 the next day it is not.

When a return came is `inbox.arrival` of the version used, as the status shows it
("Mottagen"). That is when it came into inbox/, not when it was sent: an attachment
saved into inbox/ the morning after the deadline came then, whenever it was e-mailed.
So a return is called late only when its workbook was saved after the deadline day
too (by its own saved time: it cannot have been sent before it was saved). One saved
in time but in inbox/ after the deadline is not marked: only the e-mail tells whether
it was sent in time, and a note on every return of a round collected the morning after
would hide the few that were late. A later version of an avdelning whose first return
came in time, or was saved in time (a correction sent after the deadline, when the
feedback asked for it), is said to be one, without being late; last year's workbook or
the blank template sent in by mistake is no first return (`Archive.first_arrivals`). An
avdelning still missing is overdue once the deadline day has passed; before that it
is just not in yet, and nothing is marked. A round without a deadline marks nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .model_base import ReturnStatus
from .templates_text import MONTHS

if TYPE_CHECKING:
    from .archive import FirstVersion

SWEDEN = ZoneInfo("Europe/Stockholm")
LATE = "Inkom efter sista dag"
LATER_VERSION = "Ny version efter sista dag; den första inkom i tid"
# LibreOffice writes its local time as UTC (1–2 h late in Sweden); a PC's clock may be off
_SAVED_SLACK = dt.timedelta(hours=3)
LATER_SAVED = "Ny version efter sista dag; den första sparades i tid"


def swedish_day(instant: dt.datetime) -> dt.date:
    """The date in Sweden at `instant` (an aware datetime)."""
    return instant.astimezone(SWEDEN).date()


def day_and_month(day: dt.date) -> str:
    """'20 november'."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def overdue_note(deadline: dt.date) -> str:
    return f"Saknas – sista dag var {day_and_month(deadline)}"


def deadline_end(deadline: dt.date) -> dt.datetime:
    """The instant (UTC) the deadline day ends in Sweden."""
    end = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(), SWEDEN)
    return end.astimezone(dt.UTC)


def marked(
    statuses: Iterable[ReturnStatus],
    deadline: dt.date | None,
    now: dt.datetime,
    first_arrivals: Callable[[], Mapping[str, FirstVersion]],
) -> tuple[list[ReturnStatus], float | None]:
    """`statuses` with their marks for `deadline` as of `now`, and when (a POSIX time)
    the clock alone would change them: the deadline day's end while an avdelning is
    missing before it, else None. `first_arrivals` gives, per avdelning, when its first
    version came and when the first was saved (asked only for a return that came
    late)."""
    if deadline is None:
        return list(statuses), None
    passed = swedish_day(now) > deadline
    firsts: Mapping[str, FirstVersion] | None = None
    out: list[ReturnStatus] = []
    waiting = False  # a missing avdelning, not yet overdue
    for s in statuses:
        if not s.file:  # no return
            if passed:
                s = dataclasses.replace(s, late=True, deadline_note=overdue_note(deadline))
            else:
                waiting = True
        # a workbook saved in time was sent in time or not: only the e-mail tells
        elif _after(s.received, deadline) and (
            s.saved is None or _after(s.saved - _SAVED_SLACK, deadline)
        ):
            if firsts is None:
                firsts = first_arrivals()
            first = firsts.get(s.avdelning)
            if first is not None and not _after(first.came, deadline):
                s = dataclasses.replace(s, deadline_note=LATER_VERSION)
            elif (
                first is not None and first.saved is not None and not _after(first.saved, deadline)
            ):
                # a correction of a workbook saved in time (in inbox/ only after it: as
                # above, only the e-mail tells), sent after the feedback asked for it
                s = dataclasses.replace(s, deadline_note=LATER_SAVED)
            else:
                s = dataclasses.replace(s, late=True, deadline_note=LATE)
        out.append(s)
    expires = deadline_end(deadline).timestamp() if waiting else None
    return out, expires


def _after(instant: dt.datetime | None, deadline: dt.date) -> bool:
    return instant is not None and swedish_day(instant) > deadline
