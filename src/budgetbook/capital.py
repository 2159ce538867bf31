"""Kapitalkostnader: depreciation plus internränta for each investment project and year.

The method (common Swedish practice, parameters from settings `[capital]` and
`[[asset_categories]]`):

* Each year's spend on a project is activated as one asset of the project's category.
* **Depreciation** is straight-line: spend / life per year, for `life` years. It starts
  the year after the spend (`depreciation_start = "year_after"`, the default) or in the
  spend year itself (`"same_year"`).
* **Internränta** is `internranta` % of the asset's **opening book value of the year**,
  i.e. the book value at 1 January, after the previous years' depreciation and before
  this year's. Interest runs from the first depreciation year, while the asset still has
  a book value. Example: 30 000 tkr of equipment (5 years) at 2.5 %, spent in 2027,
  year_after: 2028 depreciation 6 000 + interest 750 (2.5 % of 30 000); 2029 6 000 +
  600 (2.5 % of 24 000); … 2032 6 000 + 150; 2033 nothing.
* **Land** (life 0) is never depreciated; it bears interest on its full value every year
  from the same start year.

Figures are computed exactly and rounded half up to whole tkr per project and year; the
plan's total for a year is the sum of the rounded project figures (so it is the sum of
the rows shown in the Kapitalkostnader table).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from .fmt import round_half_up
from .fmt import tkr as _tkr
from .model import Problem, Project, SourceFile, SourceGroup, Sources, source_group
from .rules import CAPITAL_GAP
from .schema import INVESTMENT_SHEET
from .settings import AssetCategory, Settings


class YearCost(NamedTuple):
    """Exact (unrounded) capital cost of one year.

    A named tuple: ~20 are made per project (issue 8: a frozen dataclass took ~3x as
    long to make, a third of the Kapitalkostnader view at N = 1 000)."""

    depreciation: float = 0.0
    interest: float = 0.0

    @property
    def total(self) -> float:
        return self.depreciation + self.interest


@dataclass(slots=True)
class ProjectCapital:
    """Capital cost of one project per year, with the category used (None if unknown)."""

    project: Project
    category: AssetCategory | None
    years: dict[int, YearCost] = field(default_factory=dict)
    sources: Sources = ()  # the spend cells, then the settings lines the cost rests on

    def rounded(self, year: int) -> int:
        """Whole tkr for `year` (0 when the year has no cost)."""
        cost = self.years.get(year)
        return round_tkr(cost.total) if cost else 0


def round_tkr(value: float) -> int:
    """Round half up (away from zero for negatives), as finance staff round by hand."""
    return int(round_half_up(value))


def schedule(
    amount: float,
    spend_year: int,
    life: int,
    rate_pct: float,
    years: Iterable[int],
    start: str = "year_after",
) -> dict[int, YearCost]:
    """Capital cost of one spend for each of `years` (see the module docstring).

    `life` 0 means land: interest only, forever. `rate_pct` is a percent (2.5 = 2.5 %).
    Years before the start year, and years after the asset is fully depreciated, cost 0.
    """
    result = dict.fromkeys(years, _NO_COST)
    first = spend_year + (0 if start == "same_year" else 1)
    for year, depreciation, interest in _costs(amount, first, life, rate_pct / 100, result):
        result[year] = YearCost(depreciation, interest)
    return result


_NO_COST = YearCost()
# YearCost((...)) without the named tuple's Python-level __new__: ~4 per project
_year_cost = functools.partial(tuple.__new__, YearCost)


def _costs(
    amount: float, first: int, life: int, rate: float, years: Iterable[int]
) -> Iterator[tuple[int, float, float]]:
    """(year, depreciation, interest) for those of `years` that have a cost, of one spend
    whose depreciation starts in `first`; `rate` a fraction. The one place of the method
    (the other years cost 0.0 + 0.0)."""
    if amount == 0:
        return
    if life == 0:  # land: interest on the full value from the start year
        interest = amount * rate
        for year in years:
            if year >= first:
                yield year, 0.0, interest
        return
    yearly = amount / life
    for year in years:
        n = year - first  # full years of depreciation before this one
        if 0 <= n < life:
            yield year, yearly, (amount - yearly * n) * rate


def project_capital(
    project: Project,
    settings: Settings,
    years: Iterable[int],
    file: str = "",
) -> ProjectCapital:
    """Capital cost of one project over `years`, from its yearly spend (investment years)."""
    return capital_of(project, settings.category(project.category), settings, years, file)


def capital_of(
    project: Project,
    category: AssetCategory | None,
    settings: Settings,
    years: Iterable[int],
    file: str = "",
    at: SourceFile | None = None,
    settings_lines: dict[tuple[int, int], SourceGroup] | None = None,
) -> ProjectCapital:
    """`project_capital` with the project's category already looked up (None: unknown).

    Sources equal to ones the caller already holds are shared instead of made again
    (issue 8: ~20 000 projects at N = 1 000): `at` the project's file and sheet,
    `settings_lines` the group of the settings lines by their line numbers (filled
    here, kept by the caller for the next project)."""
    result = ProjectCapital(project, category)
    # the year totals skip the years without a cost: adding 0.0 to a sum that starts at
    # 0.0 never changes it (issue 8: no YearCost per spend and year)
    depreciation = dict.fromkeys(years, 0.0)
    interest = dict.fromkeys(depreciation, 0.0)
    if category is not None:
        rate = settings.internranta / 100
        after = 0 if settings.depreciation_start == "same_year" else 1
        cells = project.cells
        spent: list[str] = []  # the cells of the spend the cost comes from
        for spend_year, amount in sorted(project.amounts.items()):
            if not amount:
                continue
            costs = _costs(amount, spend_year + after, category.life, rate, depreciation)
            for year, d, i in costs:
                depreciation[year] += d
                interest[year] += i
            spent.append(cells.get(str(spend_year), ""))
        if spent:
            named = (file, INVESTMENT_SHEET, project.avdelning)
            if at is None or at != named:  # (compared as a plain tuple: cheaper to make)
                at = SourceFile(*named)
            groups = [source_group((at, tuple(spent)))]
            # the cost also rests on the category's useful life and the internränta
            numbers = (category.life_line, settings.internranta_line)
            lines = {} if settings_lines is None else settings_lines
            group = lines.get(numbers)
            if group is None:
                rows = tuple(f"rad {n}" for n in numbers if n)
                group = lines[numbers] = source_group((SourceFile(settings.path.name), rows))
            if group.cells:
                groups.append(group)
            result.sources = tuple(groups)
    result.years = {y: _year_cost((d, interest[y])) for y, d in depreciation.items()}
    return result


def capital_gap(
    plan: dict[int, int], budgeted: dict[int, int | None], prior_year: int
) -> list[Problem]:
    """BB408 for every year where the plan's capital cost differs from the drift budget's.

    `plan` is the plan's capital cost per year; `budgeted` what the drift lines marked
    `capital = true` add over the `prior_year` budget, per year (None: nothing to compare).
    """
    problems = []
    for year, budget in budgeted.items():
        if budget is None or year not in plan:
            continue
        diff = plan[year] - budget
        if diff:
            problems.append(
                CAPITAL_GAP(
                    ar=year,
                    fjol=prior_year,
                    plan=_tkr(plan[year]),
                    budgeterat=_tkr(budget),
                    differens=_tkr(diff),
                )
            )
    return problems
