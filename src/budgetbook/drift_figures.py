"""The drift figures read, grouped once for every drift view of `consolidate`.

Prior-year figures come from settings (the prior-year CSV), budget and plan figures
from the returns; each group (an avdelning, a verksamhet, a kontogrupp, an avdelning's
revenue or costs) gets its sum per column and its sources, grouped per file as they
are read (`model.Sources`), so the Källor sheet need not group them again (issue 8).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, NamedTuple

from .model import SourceFile, Sources, Submission, join_sources, source_group, sources_at
from .schema import DRIFT_SHEET, year_key
from .settings import Settings

PRIOR_KEYS = ("budget_prior", "prognos_prior")


class Figures(NamedTuple):
    """The figures of one group (an avdelning, a verksamhet, a kontogrupp) in one column:
    their sum and their sources, grouped per file in the order they were read."""

    total: int
    sources: Sources


GroupFigures = dict[str, Figures]  # column key (budget_prior, …, plan_<y>) -> figures


class DriftFigures(NamedTuple):
    """The drift figures (prior-year figures from settings, budget and plan figures from
    the returns) grouped by avdelning, verksamhet, kontogrupp, and by avdelning and
    revenue/cost for the brutto view's two columns (`brutto_keys`).

    Built in one pass without an object per figure: grouping ~420 000 fact tuples at
    N = 1 000 took ~40 % of consolidation and ~60 MB while it ran (issue 8). A figure's
    sources are immutable: the per-avdelning and ram views share theirs, and so do a
    prior year's budget and prognos."""

    by_avdelning: dict[str, GroupFigures]
    by_verksamhet: dict[str, GroupFigures]
    by_driftpost: dict[str, GroupFigures]
    # (avdelning, is revenue) -> the prior year's figures and the budget year's
    brutto: dict[tuple[str, bool], GroupFigures]
    last_avdelning: dict[str, str]  # verksamhet -> avdelning of its last figure


class _Group:
    """One group being filled: a running sum per column position, the prior-year file's
    lines per avdelning (the prior year's budget and prognos, positions 0 and 1, come
    from the same lines) and each return's cells per position, in the order read.
    Cells are kept grouped per file as they are read (Källor lists them so: issue 8)."""

    __slots__ = ("prior", "returns", "sums")

    def __init__(self, size: int) -> None:
        self.sums = [0] * size
        self.prior: dict[str, list[str]] = {}  # avdelning -> lines
        self.returns: list[tuple[SourceFile, list[list[str]]]] = []


class _Groups:
    """Groups being filled, by name (lists and positions, not dicts: the cheapest per
    figure)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.groups: dict[Any, _Group] = {}
        # `get(name) or of(name)` in the loops: a method call per figure was ~20 % of them
        self.get = self.groups.get

    def of(self, name: Any) -> _Group:
        group = self.groups.get(name)
        if group is None:
            group = self.groups[name] = _Group(self.size)
        return group

    def start(self, name: Any, at: SourceFile) -> tuple[list[int], list[list[str]]]:
        """A group's sums and the cell lists of a return's figures (one per position)
        read from `at`, a return's first figure in that group."""
        group = self.get(name) or self.of(name)
        lists: list[list[str]] = [[] for _ in range(self.size)]
        group.returns.append((at, lists))
        return group.sums, lists

    def figures(
        self, keys: Sequence[str], prior_at: dict[str, SourceFile], unique: bool
    ) -> dict[Any, GroupFigures]:
        """The groups' figures; `prior_at`: the prior-year file's lines of an avdelning;
        `unique`: no two returns have the same file and avdelning (so a figure's returns
        are its groups as they are)."""
        first = len(PRIOR_KEYS)
        result: dict[Any, GroupFigures] = {}
        for name, group in self.groups.items():
            sums, returns = group.sums, group.returns
            figures: GroupFigures = {}
            if group.prior:
                prior = tuple(
                    [source_group((prior_at[avd], tuple(c))) for avd, c in group.prior.items()]
                )
                for pos in range(first):
                    figures[keys[pos]] = _figures((sums[pos], prior))
            if len(returns) == 1:  # an avdelning's or verksamhet's groups: one return
                ((at, lists),) = returns
                for pos in range(first, self.size):
                    if lists[pos]:
                        sources = (source_group((at, tuple(lists[pos]))),)
                        figures[keys[pos]] = _figures((sums[pos], sources))
                result[name] = figures
                continue
            for pos in range(first, self.size):
                if unique:
                    sources = tuple(
                        [source_group((at, tuple(c[pos]))) for at, c in returns if c[pos]]
                    )
                else:  # rare: one file's cells in one group
                    sources = join_sources(*(sources_at(at, c[pos]) for at, c in returns))
                if sources:
                    figures[keys[pos]] = _figures((sums[pos], sources))
            result[name] = figures
        return result


def _prior_of(group: _Group, avd: str) -> tuple[list[int], list[str]]:
    """A group's sums and its list of the prior-year file's lines of `avd`."""
    lines = group.prior.get(avd)
    if lines is None:
        lines = group.prior[avd] = []
    return group.sums, lines


def _add_run(
    run: list[str], budget: int, prognos: int, *groups: tuple[list[int], list[str]]
) -> None:
    """A verksamhet's run of prior-year lines (their summed budget and prognos, and
    their cells in order) added to each group's sums and lines."""
    for sums, lines in groups:
        sums[0] += budget
        sums[1] += prognos
        lines += run


# Figures((...)) without the named tuple's Python-level __new__ (~2x faster)
_figures = functools.partial(tuple.__new__, Figures)


def drift_figures(submissions: Sequence[Submission], settings: Settings) -> DriftFigures:
    """Prior-year figures from settings, then budget/plan figures from the returns, in
    that order within every group (the order of each figure's sources)."""
    kinds = settings.kinds
    owner = {v.code: v.avdelning for v in settings.verksamheter}
    prior_file = settings.prior_file.name if settings.prior_file else settings.path.name
    years = {year: year_key(settings, year) for year in settings.years}
    keys = [*PRIOR_KEYS, *years.values()]
    size = len(keys)
    by_avd, by_verks, by_post, brutto = (_Groups(size) for _ in range(4))
    a_get, v_get, p_get, b_get = by_avd.get, by_verks.get, by_post.get, brutto.get
    a_of, v_of, p_of, b_of = by_avd.of, by_verks.of, by_post.of, brutto.of
    last: dict[str, str] = {}
    budget_at = keys.index(year_key(settings, settings.budget_year))
    prior_at: dict[str, SourceFile] = {}  # avdelning -> the prior-year file's lines of it
    # The prior-year lines come verksamhet by verksamhet, avdelning by avdelning: the
    # groups of the current verksamhet and avdelning are kept at hand, and the kontogrupp
    # and brutto groups of the current avdelning per driftpost (issue 8: four lookups
    # per line were ~half of the prior figures' time at N = 1 000). Any order gives
    # the same groups; only the lookups are saved.
    no_verks: object = object()
    cur_verks, cur_avd = no_verks, no_verks
    a_sums = v_sums = [0]
    a_lines = v_lines = [""]
    per_post: dict[str, tuple[int, tuple[list[int], list[str]], tuple[list[int], list[str]]]]
    per_post = {}
    # A verksamhet's run of lines is added to its group and its avdelning's at its end:
    # local sums and one list, not two groups' per line (issue 8: ~25 % of the prior
    # figures' time at N = 1 000). The groups are still made as their first line comes.
    run: list[str] = []
    run_budget = run_prognos = 0
    for (verks, post), (budget, prognos, line) in settings.prior.items():
        if verks != cur_verks:
            if run:  # the run that ends: to its verksamhet's group and its avdelning's
                _add_run(run, run_budget, run_prognos, (v_sums, v_lines), (a_sums, a_lines))
                run, run_budget, run_prognos = [], 0, 0
            cur_verks, avd = verks, owner.get(verks, "")
            if avd != cur_avd:
                cur_avd, per_post = avd, {}
                if avd not in prior_at:
                    prior_at[avd] = SourceFile(prior_file, "", avd)
                a_sums, a_lines = _prior_of(a_get(avd) or a_of(avd), avd)
            v_sums, v_lines = _prior_of(v_get(verks) or v_of(verks), avd)
            last[verks] = avd
        at_post = per_post.get(post)
        if at_post is None:
            revenue = kinds.get(post) == "revenue"
            kind = (avd, revenue)
            at_post = per_post[post] = (
                -1 if revenue else 1,
                _prior_of(p_get(post) or p_of(post), avd),
                _prior_of(b_get(kind) or b_of(kind), avd),
            )
        sign, (p_sums, p_lines), (b_sums, b_lines) = at_post
        cell = f"rad {line}"
        budget, prognos = sign * budget, sign * prognos
        run.append(cell)
        run_budget += budget
        run_prognos += prognos
        # the kontogrupp's and the brutto groups written out, not looped over
        p_sums[0] += budget
        p_sums[1] += prognos
        p_lines.append(cell)
        b_sums[0] += budget
        b_sums[1] += prognos
        b_lines.append(cell)
    if run:  # the last run
        _add_run(run, run_budget, run_prognos, (v_sums, v_lines), (a_sums, a_lines))
    at_year = list(enumerate(years, len(PRIOR_KEYS)))
    a_start, v_start, p_start, b_start = by_avd.start, by_verks.start, by_post.start, brutto.start
    for sub in submissions:
        avd = sub.avdelning
        at = SourceFile(sub.file, DRIFT_SHEET, avd)  # one for all the return's figures
        # this return's groups: their sums and cell lists by name; a kontogrupp's with
        # its sign and its kind's brutto group, so a line needs one lookup for all three
        # (issue 8), and the verksamhet's kept while its lines follow each other
        verks_of: dict[str, tuple[list[int], list[list[str]]]] = {}
        post_of: dict[str, tuple[int, list[int], list[list[str]], list[int], list[list[str]]]]
        post_of = {}
        kind_of: dict[bool, tuple[list[int], list[list[str]]]] = {}
        a_sums = a_lists = None
        cur_verks = no_verks
        for line in sub.drift:
            amounts = line.amounts
            cells = None
            for pos, year in at_year:
                amount = amounts.get(year)
                if amount is None:
                    continue
                if cells is None:  # the line's first figure: its groups
                    cells = line.cells
                    if a_sums is None:
                        a_sums, a_lists = a_start(avd, at)
                    verks = line.verksamhet
                    if verks != cur_verks:
                        cur_verks = verks
                        v_sums, v_lists = verks_of.get(verks) or verks_of.setdefault(
                            verks, v_start(verks, at)
                        )
                        last[verks] = avd
                    post = line.driftpost
                    at_post = post_of.get(post)
                    if at_post is None:
                        revenue = kinds.get(post) == "revenue"
                        p_group = p_start(post, at)
                        b_group = kind_of.get(revenue) or kind_of.setdefault(
                            revenue, b_start((avd, revenue), at)
                        )
                        at_post = post_of[post] = (-1 if revenue else 1, *p_group, *b_group)
                    sign, p_sums, p_lists, b_sums, b_lists = at_post
                value = sign * amount
                cell = cells.get(year, "")
                a_sums[pos] += value
                a_lists[pos].append(cell)
                v_sums[pos] += value
                v_lists[pos].append(cell)
                p_sums[pos] += value
                p_lists[pos].append(cell)
                if pos == budget_at:  # the brutto view's column
                    b_sums[pos] += value
                    b_lists[pos].append(cell)
    unique = len({(s.file, s.avdelning) for s in submissions}) == len(submissions)
    return DriftFigures(
        by_avd.figures(keys, prior_at, unique),
        by_verks.figures(keys, prior_at, unique),
        by_post.figures(keys, prior_at, unique),
        brutto.figures(keys, prior_at, unique),
        last,
    )
