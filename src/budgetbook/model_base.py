"""The model's types a collect's result is made of: `Severity`, `Problem`,
`ReturnStatus` and `CollectResult`.

Their own module, apart from the rest of the model, because a collect whose memo holds
returns exactly these (`collect_memo`) and a new process then imports nothing else of the
model: creating a dataclass costs ~0.5 ms here (Python 3.11 compiles each of its
methods), and the returns' parts, the views and the consolidation are sixteen of them,
~10 ms of a re-run whose whole fixed cost is ~0.07 s (issue 8). `model` re-exports these
four, and the rest of the code imports them from there.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeVar

    from .model import Submission

    _T = TypeVar("_T")


def pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Pickle instances as their class and field values, rebuilt by `__init__`.

    A return's objects cross from the reader workers to the main process by pickle:
    ~35 % less time to pickle and to unpickle than the default state of a slots class
    (a dict of slot names per object; issue 8). Only for dataclasses whose `__init__`
    takes every field, without a `__post_init__`.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if len(fields) < 2 or not all(f.init for f in fields) or hasattr(cls, "__post_init__"):
        # `python -O` drops asserts; a class this cannot rebuild must never get it
        raise TypeError(f"{cls.__name__}: pickled by fields needs every field in __init__")
    values = operator.attrgetter(*(f.name for f in fields))

    def __reduce__(self: _T) -> tuple[type[_T], tuple[object, ...]]:
        return type(self), values(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign,assignment]
    return cls


class Severity(StrEnum):
    """How bad a problem is. `fel` blocks a return from consolidation; `varning` does not."""

    FEL = "fel"
    VARNING = "varning"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Problem:
    """One finding in a returned workbook or across returns (data, never an exception).

    `message` is complete Swedish text for the department head: what is wrong, where,
    and what to do. `cell` is an A1 reference or "" when the problem concerns a whole
    sheet or file; `row` is set for row-level problems.
    """

    code: str
    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    avdelning: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.FEL

    def as_row(self) -> list[str]:
        """Flat form for tests and tables: [file, sheet, cell, code]."""
        return [self.file, self.sheet, self.cell, self.code]

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "avdelning": self.avdelning,
        }


@dataclass(frozen=True, slots=True)
class ReturnStatus:
    """Status of one avdelning after collect."""

    avdelning: str
    name: str
    status: str  # "godkänd", "fel", "varningar", "saknas", "oläslig"
    file: str = ""
    path: str = ""
    received: datetime | None = None  # when the return came into inbox/ (`inbox.arrival`)
    saved: datetime | None = None  # when its workbook was saved, by the workbook's own time
    errors: int = 0
    warnings: int = 0
    # the round's deadline (`deadline`): the return came after it, or is missing after it
    late: bool = False
    deadline_note: str = ""  # for the office, e.g. "Inkom efter sista dag"; "" if none
    # a missing return's file that probably is it, under a code the settings no longer
    # have (BB104, `renamed_code`): no reminder is written as if nothing had come
    came_as: str = ""


class ProblemCounts:
    """`errors` and `warnings` of a class with a `problems` list (a collect's result,
    one received file)."""

    __slots__ = ()
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(not p.is_error for p in self.problems)


@dataclass(slots=True)
class CollectResult(ProblemCounts):
    """What `collect` found: one status per avdelning, all problems, the accepted returns.

    `submissions` holds one return per avdelning (the newest by content time), only
    those without errors (fel); returns with errors are listed in `statuses` and
    `problems` but not consolidated. A collect whose result was reused decodes them
    only when first used (`collect_memo.DeferredSubmissions`). `outputs` maps a label
    to each file written. `basis` is a digest of what the accepted returns were made
    from (`collect_memo.basis`), "" when not known; outputs made from the same basis
    are the same (`report_memo`).
    """

    statuses: list[ReturnStatus] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    submissions: Sequence[Submission] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    basis: str = ""

    @property
    def valid(self) -> bool:
        return self.errors == 0
