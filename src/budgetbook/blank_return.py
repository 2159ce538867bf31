"""A return in which the department head entered nothing (BB110).

It happens that the template is sent back as it was handed out (the blank file sent by
mistake, or the one received instead of the one filled in). Read like any return it
gave a finding per prefilled Drift row without amounts (BB411), one per given uppdrag
without status (BB306) and one per year the ram is not met (BB401): ~16 errors that
say nothing of what happened. One BB110 replaces them.

"Entered nothing" is decided from what the reader already gave, no second look at the
file: the template's own content (Drift's verksamheter, driftposter and prior-year
figures, the given uppdrag's text and start year, Texter's titles, identity, formulas)
is read but is no entry; anything else the reader keeps (an amount, a comment, a
status, a project, an indicator, a risk, a control point, a text) or finds fault with
(text in an amount cell, data outside a table, a renamed sheet) is one.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import rules
from .checks import content_problems
from .consolidate_plan import norm as uppdrag_key  # as the reader matches given uppdrag
from .model import Problem, Submission
from .schema import Schema
from .settings import Settings

# The reader's findings of a cell left empty where the template asks for a value: the
# only ones a template as handed out gives. Any other says something was typed or changed.
_EMPTY_CODES = frozenset({rules.REQUIRED_EMPTY.code, rules.ROW_EMPTY.code})


def return_problems(
    sub: Submission | None, read: Sequence[Problem], settings: Settings, schema: Schema
) -> list[Problem]:
    """A read return's findings: the reader's (`read`) and the whole-return rules, or
    BB110 alone for a return with nothing entered that they find an error in.

    A blank return without errors stands: where the round asks nothing of the avdelning
    (no Drift rows and no given uppdrag, or every prior budget and ram 0), an empty
    workbook is a complete answer."""
    if sub is None or settings.avdelning(sub.avdelning) is None:
        return list(read)  # not read, or an unknown avdelning (BB104 says what to do)
    found = [*read, *content_problems(sub, settings, schema, read)]
    if any(p.is_error for p in found) and is_blank(sub, read, settings):
        # the rows the office added or removed since the workbook went out stay said
        changed = [p for p in read if p.code in rules.SETTINGS_CHANGED]
        return [rules.BLANK_RETURN(file=sub.file, avdelning=sub.avdelning), *changed]
    return found


def is_blank(sub: Submission, read: Sequence[Problem], settings: Settings) -> bool:
    """Whether `sub` holds nothing but the template's prefilled content (see module doc)."""
    if any(p.code not in _EMPTY_CODES and p.code not in rules.SETTINGS_CHANGED for p in read):
        return False
    if sub.projects or sub.goals or sub.risks or sub.controls or sub.texts:
        return False
    if any(line.amounts or line.comment for line in sub.drift):
        return False
    given = {uppdrag_key(u.text) for u in settings.uppdrag_of(sub.avdelning)}
    return all(not u.status and not u.comment and uppdrag_key(u.text) in given for u in sub.uppdrag)
