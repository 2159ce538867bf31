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

Each return's capital-cost rows on Drift are compared with the capital cost of its own
projects at collect (`return_capital`, the rule BB408 in `checks`), by the same figures:
the avdelningar's plan and drift figures add up to the nämnd's in the consolidation.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, MutableSequence
from dataclasses import dataclass, field
from operator import add
from typing import NamedTuple

from .fmt import round_half_up
from .model import (
    DriftLine,
    Project,
    SourceFile,
    SourceGroup,
    Sources,
    Submission,
    source_group,
)
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
        return round_tkr(cost[0] + cost[1]) if cost else 0  # cost.total, without the call


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
    if amount == 0:
        return result
    first = spend_year + (0 if start == "same_year" else 1)
    shown = tuple(result)
    depreciation, interest = dict.fromkeys(shown, 0.0), dict.fromkeys(shown, 0.0)
    span = _span(first, life, shown)
    _add_costs(depreciation, interest, amount, span, life, rate_pct / 100)
    for year, _ in span:
        result[year] = YearCost(depreciation[year], interest[year])
    return result


_NO_COST = YearCost()
# YearCost((...)) without the named tuple's Python-level __new__: ~4 per project
_year_cost = functools.partial(tuple.__new__, YearCost)


@functools.lru_cache(maxsize=1024)
def _span(first: int, life: int, years: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """(year, full years of depreciation before it) for those of `years` that have a cost
    when depreciation starts in `first`: the method's timing (the other years cost 0.0 +
    0.0). Land (`life` 0) bears interest from `first` on. Cached: the same few start
    years and lives recur for every project (issue 8: ~40 000 spends at N = 1 000)."""
    if life == 0:
        return tuple([(year, year - first) for year in years if year >= first])
    return tuple([(year, year - first) for year in years if 0 <= year - first < life])


def _add_costs(
    depreciation: MutableSequence[float] | dict[int, float],
    interest: MutableSequence[float] | dict[int, float],
    amount: float,
    span: tuple[tuple[int, int], ...],
    life: int,
    rate: float,
) -> None:
    """Add the cost of one spend of `amount` to the years of its `span` (`_span`); `rate`
    a fraction. The one place of the method's amounts. (`CapitalCosts` passes lists and
    a span by the years' positions.)"""
    if life == 0:  # land: interest on the full value, never depreciated
        value = amount * rate
        for year, _ in span:
            interest[year] += value
        return
    yearly = amount / life
    for year, n in span:
        depreciation[year] += yearly
        interest[year] += (amount - yearly * n) * rate


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
    depreciation, interest, result.sources = CapitalCosts(settings, years, settings_lines).sums(
        project, category, file, at
    )
    result.years = {y: _year_cost((d, interest[y])) for y, d in depreciation.items()}
    return result


def rounded_capital(
    project: Project,
    category: AssetCategory,
    settings: Settings,
    years: Iterable[int],
    file: str = "",
    at: SourceFile | None = None,
    settings_lines: dict[tuple[int, int], SourceGroup] | None = None,
) -> tuple[list[int], Sources]:
    """`capital_of(...).rounded(y)` for each of `years` (a known category), and the
    sources (`CapitalCosts.rounded` for one project)."""
    return CapitalCosts(settings, years, settings_lines).rounded(project, category, file, at)


def round_sums(depreciation: Iterable[float], interest: Iterable[float]) -> list[int]:
    """`round_tkr(d + i)` for each pair: `round_half_up` itself (its float fast path
    gives an int), mapped without a Python call of our own per year."""
    return list(map(round_half_up, map(add, depreciation, interest)))  # type: ignore[return-value]


class CapitalCosts:
    """The capital cost of projects over `years` under one settings' method. What is the
    same for every project is made once: the rate and start, each start year's and
    life's span of years (`_span`), the text of a spend year's cell key, the group of
    the settings lines a cost rests on (issue 8: ~20 000 projects at N = 1 000, where
    this per project was ~25 % of the Kapitalkostnader view)."""

    __slots__ = ("after", "lines", "rate", "settings", "shown", "spans", "year_texts")

    def __init__(
        self,
        settings: Settings,
        years: Iterable[int],
        settings_lines: dict[tuple[int, int], SourceGroup] | None = None,
    ) -> None:
        self.settings = settings
        self.shown = tuple(dict.fromkeys(years))  # each year once, in order
        self.rate = settings.internranta / 100
        self.after = 0 if settings.depreciation_start == "same_year" else 1
        self.spans: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}
        self.year_texts: dict[int, str] = {}
        # the settings lines' group by their line numbers (kept by a caller that has one)
        self.lines = {} if settings_lines is None else settings_lines

    def rounded(
        self, project: Project, category: AssetCategory, file: str, at: SourceFile | None
    ) -> tuple[list[int], Sources]:
        """`capital_of(...).rounded(y)` for each year (a known category), and the sources:
        without a ProjectCapital and a YearCost per year (`round_sums`)."""
        depreciation, interest, sources = self._sums(project, category, file, at)
        return round_sums(depreciation, interest), sources

    def sums(
        self,
        project: Project,
        category: AssetCategory | None,
        file: str,
        at: SourceFile | None,
    ) -> tuple[dict[int, float], dict[int, float], Sources]:
        """A project's exact depreciation and interest per year, and the sources (see
        `capital_of`)."""
        depreciation, interest, sources = self._sums(project, category, file, at)
        shown = self.shown
        return (
            dict(zip(shown, depreciation, strict=True)),
            dict(zip(shown, interest, strict=True)),
            sources,
        )

    def _sums(
        self,
        project: Project,
        category: AssetCategory | None,
        file: str,
        at: SourceFile | None,
    ) -> tuple[list[float], list[float], Sources]:
        """`sums` by the years' positions: lists, not dicts by year (cheaper to make and
        to add to, issue 8)."""
        depreciation = [0.0] * len(self.shown)
        interest = depreciation.copy()
        if category is None:
            return depreciation, interest, ()
        spent_years = self._add(depreciation, interest, project.amounts, category.life)
        texts, cells = self.year_texts, project.cells
        spent: list[str] = []  # the cells of the spend the cost comes from
        for spend_year in spent_years:
            text = texts.get(spend_year)
            if text is None:
                text = texts[spend_year] = str(spend_year)
            spent.append(cells.get(text, ""))
        if not spent:
            return depreciation, interest, ()
        named = (file, INVESTMENT_SHEET, project.avdelning)
        if at is None or at != named:  # (compared as a plain tuple: cheaper to make)
            at = SourceFile(*named)
        groups = [source_group((at, tuple(spent)))]
        # the cost also rests on the category's useful life and the internränta
        settings = self.settings
        numbers = (category.life_line, settings.internranta_line)
        lines = self.lines
        group = lines.get(numbers)
        if group is None:
            rows = tuple(f"rad {n}" for n in numbers if n)
            group = lines[numbers] = source_group((SourceFile(settings.path.name), rows))
        if group.cells:
            groups.append(group)
        return depreciation, interest, tuple(groups)

    def _add(
        self,
        depreciation: list[float],
        interest: list[float],
        amounts: dict[int, int],
        life: int,
    ) -> list[int]:
        """Add the cost of each year's spend in `amounts` (of an asset of `life` years) to
        the years' positions; the spend years with an amount, in order."""
        # the year totals skip the years without a cost: adding 0.0 to a sum that starts
        # at 0.0 never changes it (issue 8: no YearCost per spend and year)
        rate, after, spans = self.rate, self.after, self.spans
        spent: list[int] = []
        # (the years are distinct: sorting them orders the spends as sorting the items did)
        for spend_year in sorted(amounts) if len(amounts) > 1 else amounts:
            amount = amounts[spend_year]
            if not amount:
                continue
            first = spend_year + after
            span = spans.get((first, life))
            if span is None:
                span = spans[first, life] = self._span_at(first, life)
            _add_costs(depreciation, interest, amount, span, life, rate)
            spent.append(spend_year)
        return spent

    def rounded_sum(self, projects: Iterable[tuple[Project, AssetCategory]]) -> list[int]:
        """The sum of `rounded` over `projects` (each with its known category) per year,
        without sources: the capital cost one return's investments give, as the sum of
        their rows in the Kapitalkostnader view (the check BB408 per return)."""
        size = len(self.shown)
        total = [0] * size
        for project, category in projects:
            depreciation = [0.0] * size
            interest = depreciation.copy()
            if self._add(depreciation, interest, project.amounts, category.life):
                total = list(map(add, total, round_sums(depreciation, interest)))
        return total

    def _span_at(self, first: int, life: int) -> tuple[tuple[int, int], ...]:
        """`_span` with each year's position among the years instead of the year."""
        position = {year: at for at, year in enumerate(self.shown)}
        return tuple([(position[year], n) for year, n in _span(first, life, self.shown)])


# --- one return's capital cost against its drift budget (BB408) ----------------------


def capital_costs(settings: Settings) -> CapitalCosts:
    """The `CapitalCosts` over the investment years, made once per settings (every
    return's check uses it: N = 1 000 at a collect)."""
    return settings._lookup(
        "capital_costs",
        settings.asset_categories,
        lambda: CapitalCosts(settings, settings.investment_years),
    )


def capital_posts(settings: Settings) -> dict[str, int]:
    """The driftposter marked `capital = true`, each with the sign its amounts are
    counted with in the drift figures (a revenue's negative, as `drift_figures`)."""
    return settings._lookup(
        "capital_posts",
        settings.driftposter,
        lambda: {
            d.code: -1 if d.kind == "revenue" else 1 for d in settings.driftposter if d.capital
        },
    )


def prior_capital_by_avdelning(settings: Settings) -> dict[str, int]:
    """Each avdelning's prior-year budget of its capital-cost rows (its verksamheter's
    lines of the `capital` driftposter in the prior-year CSV): the base the drift
    budget's increase is measured from, per avdelning (`return_capital`) and summed for
    the nämnd (`consolidate_inv.prior_capital`), so that the two add up."""

    def build() -> dict[str, int]:
        posts = capital_posts(settings)
        owner = {v.code: v.avdelning for v in settings.verksamheter}
        out = dict.fromkeys((a.code for a in settings.avdelningar), 0)
        for (verksamhet, post), figures in settings.prior.items():
            avdelning = owner.get(verksamhet)
            if avdelning is not None and post in posts:
                out[avdelning] = out.get(avdelning, 0) + figures.budget
        return out

    return settings._lookup("prior_capital", settings.prior, build)


class ReturnCapital(NamedTuple):
    """One return's capital cost against its drift budget, per compared year (the
    budget and plan years within the investment years)."""

    plan: dict[int, int]  # the capital cost its projects give (rounded per project)
    rows: dict[int, int]  # the sum of its capital-cost rows (an empty cell counts 0)
    prior: int  # its avdelning's prior-year budget of those rows
    lines: list[DriftLine]  # its capital-cost rows, as read

    def added(self, year: int) -> int:
        """What the capital-cost rows add over the prior-year budget in `year`."""
        return self.rows[year] - self.prior


def compared_years(settings: Settings) -> list[int]:
    """The years the plan's capital cost is compared with the drift budget's: the
    budget and plan years, as far as the investment years reach."""
    return [y for y in settings.years if y in settings.investment_years]


def return_capital(sub: Submission, settings: Settings) -> ReturnCapital | None:
    """`sub`'s capital cost against its drift budget, computed as the consolidation
    computes the nämnd's (`consolidate_inv.capital_view`, `consolidate.capital_budgeted`):
    summed over the returns consolidated, these are the nämnd's figures. None when there
    is nothing to compare: no driftpost is marked `capital = true`, the return has no
    capital-cost row, or a project with spend has a category the settings do not know
    (its cost is unknown; the reader's BB307 or BB405 says so)."""
    posts = capital_posts(settings)
    if not posts:
        return None
    lines = [line for line in sub.drift if line.driftpost in posts]
    if not lines:
        return None
    category = settings.category
    known: list[tuple[Project, AssetCategory]] = []
    for project in sub.projects:
        found = category(project.category)
        if found is None:
            if any(project.amounts.values()):
                return None
            continue
        known.append((project, found))
    costs = capital_costs(settings)
    years = compared_years(settings)
    by_year = dict(zip(costs.shown, costs.rounded_sum(known), strict=True))
    rows = {
        year: sum(posts[line.driftpost] * line.amounts.get(year, 0) for line in lines)
        for year in years
    }
    prior = prior_capital_by_avdelning(settings).get(sub.avdelning, 0)
    return ReturnCapital({y: by_year[y] for y in years}, rows, prior, lines)
