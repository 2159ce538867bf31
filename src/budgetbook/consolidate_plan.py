"""Consolidation of the non-numeric parts: goals and indicators, uppdrag, internal
control and the avdelningar's texts. Pure functions; order follows the settings.

Duplicates are found on normalised text (case, surrounding and repeated whitespace
ignored). A duplicated indicator under the same nämndmål is shown once, lists every
avdelning that reported it, and gives a BB409 warning.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace

from .fmt import name_list
from .model import (
    AvdelningText,
    ControlPoint,
    IndicatorView,
    KfGoalView,
    NamndGoalView,
    Problem,
    Submission,
    Uppdrag,
)
from .rules import DUPLICATE_INDICATOR
from .settings import Indicator, Settings
from .tablebuild import STATUS_MISSING, memoized

# Uppdrag status from least to most advanced; merging keeps the least advanced.
STATUS_ORDER = ("ej påbörjad", "påbörjad", "klar")


def norm(text: str) -> str:
    """`text` without case, surrounding whitespace and repeated whitespace.

    `str.split()` splits at exactly the characters the regex `\\s` matches (both
    `str.isspace`), so this is `re.sub(r"\\s+", " ", text).strip().casefold()` at a
    fraction of the cost (issue 8: ~10 000 texts at N = 1 000; tests compare the two)."""
    return " ".join(text.split()).casefold() if text else ""


def _avd_name(settings: Settings, code: str) -> str:
    a = settings.avdelning(code)
    return a.name if a else code


def _goal_code(settings: Settings, raw: str) -> str | None:
    """The nämndmål code a GoalRow refers to: its code, or the dropdown label "code title"."""
    raw = (raw or "").strip()
    codes = [g.code for g in settings.namnd_goals]
    if raw in codes:
        return raw
    for code in sorted(codes, key=len, reverse=True):
        if raw.startswith(code + " ") or norm(raw) == norm(code):
            return code
    return None


def _from_settings(ind: Indicator) -> IndicatorView:
    return IndicatorView(ind.name, dict(ind.values), ind.target, ind.source)


def merge_goals(
    submissions: Sequence[Submission], settings: Settings
) -> tuple[list[KfGoalView], list[Problem]]:
    """KF goals in settings order, each with its KF indicators and its nämndmål; every
    nämndmål with its settings indicators and the returns' indicators (deduplicated)."""
    per_goal: dict[str, list[IndicatorView]] = {g.code: [] for g in settings.namnd_goals}
    index: dict[tuple[str, str], IndicatorView] = {}
    for g in settings.namnd_goals:
        for ind in g.indicators:
            view = _from_settings(ind)
            per_goal[g.code].append(view)
            index[(g.code, norm(ind.name))] = view
    duplicates: dict[tuple[str, str], IndicatorView] = {}
    # an indicator's avdelningar and comments as sets too: a list's `in` made merging
    # ~10 000 goal rows into ~100 indicators quadratic at N = 1 000 (issue 8)
    members: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    # once per distinct text: every return has ~10 goal rows, mostly the same texts
    goal_code = memoized(functools.partial(_goal_code, settings))
    normed = memoized(norm)
    for sub in submissions:
        for row in sub.goals:
            code = goal_code(row.goal)
            if code is None or not row.indicator.strip():
                continue
            avd = row.avdelning or sub.avdelning
            key = (code, normed(row.indicator))
            existing = index.get(key)
            if existing is None:
                view = IndicatorView(
                    row.indicator.strip(), dict(row.values), row.target, row.source, [avd]
                )
                if row.comment:
                    view.comments.append(row.comment)
                per_goal[code].append(view)
                index[key] = view
                continue
            known = members.get(key)
            if known is None:
                known = members[key] = (set(existing.avdelningar), set(existing.comments))
            avdelningar, comments = known
            if avd not in avdelningar:
                if existing.avdelningar:
                    duplicates[key] = existing
                existing.avdelningar.append(avd)
                avdelningar.add(avd)
            if row.comment and row.comment not in comments:
                existing.comments.append(row.comment)
                comments.add(row.comment)
            for year, value in row.values.items():
                existing.values.setdefault(year, value)
            existing.target = existing.target or row.target
            existing.source = existing.source or row.source

    problems = [
        DUPLICATE_INDICATOR(
            indikator=view.name,
            mal=code,
            avdelningar=name_list([_avd_name(settings, a) for a in view.avdelningar]),
        )
        for (code, _), view in duplicates.items()
    ]
    goals = []
    for kf in settings.kf_goals:
        goals.append(
            KfGoalView(
                kf.code,
                kf.title,
                kf.text,
                [_from_settings(i) for i in kf.indicators],
                [
                    NamndGoalView(g.code, g.title, g.text, per_goal[g.code])
                    for g in settings.namnd_goals
                    if g.kf_goal == kf.code
                ],
            )
        )
    return goals, problems


def _least_advanced(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return a if rank.get(norm(a), 99) <= rank.get(norm(b), 99) else b


def merge_uppdrag(submissions: Sequence[Submission], settings: Settings) -> list[Uppdrag]:
    """The settings' uppdrag (in order) with the status the returns report, then the
    uppdrag only the returns name. The same uppdrag from several avdelningar is merged:
    avdelningar joined, comments joined, the least advanced status kept. An uppdrag
    whose avdelningar are all without an approved return has the status STATUS_MISSING
    (a blank status would read as one its avdelning left empty)."""
    merged: list[Uppdrag] = []
    index: dict[str, Uppdrag] = {}
    for d in settings.uppdrag:
        u = Uppdrag(d.text, d.start, "", "", d.avdelning)
        merged.append(u)
        index[norm(d.text)] = u
    reported: set[str] = set()
    normed = memoized(norm)  # once per distinct text
    for sub in submissions:
        for row in sub.uppdrag:
            if not row.text.strip():
                continue
            avd = row.avdelning or sub.avdelning
            key = normed(row.text)
            u = index.get(key)
            if u is None:
                u = Uppdrag(row.text.strip(), row.start, row.status, row.comment, avd)
                merged.append(u)
                index[key] = u
                reported.add(key)
                continue
            first = key not in reported
            reported.add(key)
            u.status = row.status if first else _least_advanced(u.status, row.status)
            u.start = u.start if u.start is not None else row.start
            if row.comment and row.comment not in u.comment:
                u.comment = f"{u.comment} {row.comment}".strip() if u.comment else row.comment
            avds = [a for a in u.avdelning.split(", ") if a]
            if avd not in avds:
                u.avdelning = ", ".join([*avds, avd])
    included = {sub.avdelning for sub in submissions}
    for u in merged:
        avds = [a for a in u.avdelning.split(", ") if a]
        if not u.status and avds and not any(a in included for a in avds):
            u.status = STATUS_MISSING
    return merged


def merge_controls(submissions: Sequence[Submission], settings: Settings) -> list[ControlPoint]:
    """Internal control points in avdelning order; the same riskområde + risk is shown
    once, with every avdelning named and the highest riskvärde."""
    merged: list[ControlPoint] = []
    index: dict[tuple[str, str], ControlPoint] = {}
    normed = memoized(norm)  # once per distinct text: the same few recur in every return
    for sub in submissions:
        for c in sub.controls:
            avd = c.avdelning or sub.avdelning
            key = (normed(c.riskomrade), normed(c.risk))
            existing = index.get(key)
            if existing is None:
                point = replace(c, avdelning=avd)
                merged.append(point)
                index[key] = point
                continue
            avds = existing.avdelning.split(", ")
            if avd not in avds:
                existing.avdelning = ", ".join([*avds, avd])
            if c.riskvarde is not None and (existing.riskvarde or 0) < c.riskvarde:
                existing.riskvarde = c.riskvarde
            if c.kontrollmetod and normed(c.kontrollmetod) not in normed(existing.kontrollmetod):
                existing.kontrollmetod = f"{existing.kontrollmetod} {c.kontrollmetod}".strip()
    return merged


def merge_texts(submissions: Sequence[Submission], settings: Settings) -> list[AvdelningText]:
    """Non-empty texts, in settings avdelning order and `text_sections` order."""
    by_avd = {s.avdelning: s for s in submissions}
    result = []
    for a in settings.avdelningar:
        sub = by_avd.get(a.code)
        if sub is None:
            continue
        for section in settings.text_sections:
            text = (sub.texts.get(section.key) or "").strip()
            if text:
                result.append(AvdelningText(a.code, a.name, section.key, section.title, text))
    return result
