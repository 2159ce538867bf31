"""Domain types shared by every stage of a round.

Amounts are whole tkr (int). Stored representation, one and unambiguous: every drift
amount is the positive size of a revenue or a cost on its drift line, as the department
head enters it; the line's `kind` says which. Net cost = costs − revenues, so a nämnd
that spends more than it earns has a positive net cost. Display conventions (costs
negative, etc.) are applied only when rendering (`fmt.Convention`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

# a collect's result, in a module of its own (see there), and part of the model as much
from .model_base import CollectResult as CollectResult
from .model_base import Problem as Problem
from .model_base import ReturnStatus as ReturnStatus
from .model_base import Severity as Severity
from .model_base import pickled_by_fields


class Source(NamedTuple):
    """Where a figure came from: a cell of a returned workbook, or a line in settings.

    A named tuple, not a frozen dataclass: one is made per figure read (~0.5 M at
    N = 1 000 returns) and a frozen dataclass takes ~3x as long to make (issue 8).
    """

    file: str
    sheet: str = ""
    cell: str = ""
    avdelning: str = ""


class SourceFile(NamedTuple):
    """A file and sheet figures are read from, with the avdelning they belong to (one
    object per return and sheet, shared by every figure read there)."""

    file: str
    sheet: str = ""
    avdelning: str = ""


class SourceGroup(NamedTuple):
    """The cells of one figure that were read from one file and sheet, in reading order."""

    at: SourceFile
    cells: tuple[str, ...]


Sources = tuple[SourceGroup, ...]
"""A figure's sources: one group per file, sheet and avdelning, in the order first read
(each `at` once). Kept grouped so Källor need not group millions of cells (issue 8), and
immutable because views share them (a per-avdelning figure is also the ram view's, a
prior year's budget and prognos come from the same lines)."""

# SourceGroup((at, cells)) without the named tuple's Python-level __new__ (~2x faster)
source_group = functools.partial(tuple.__new__, SourceGroup)


def sources_at(at: SourceFile, cells: Iterable[str]) -> Sources:
    """The sources of a figure read from the `cells` of one file and sheet."""
    cells = tuple(cells)
    return (source_group((at, cells)),) if cells else ()


def group_sources(sources: Iterable[Source]) -> Sources:
    """Single sources grouped per file, sheet and avdelning in the order first seen."""
    groups: dict[SourceFile, list[str]] = {}
    for file, sheet, cell, avdelning in sources:
        groups.setdefault(SourceFile(file, sheet, avdelning), []).append(cell)
    return tuple(source_group((at, tuple(cells))) for at, cells in groups.items())


def join_sources(*parts: Sources) -> Sources:
    """The sources of a figure computed from the figures of `parts`: their groups, a
    file's cells in one group (the first part's cells first). A part is never copied
    when it is the only one with sources."""
    present = [part for part in parts if part]
    if len(present) < 2:
        return present[0] if present else ()
    if len(present) == 2:  # the common case: two figures of one file (net, difference)
        (first, second) = present
        if len(first) == len(second) == 1:
            (at, cells), (other, more) = first[0], second[0]
            if at is other:
                return (source_group((at, cells + more)),)
            if at != other:
                return (first[0], second[0])
    groups: dict[SourceFile, list[str]] = {}
    last_at: SourceFile | None = None  # parts mostly follow each other file by file
    last: list[str] = []
    for part in present:
        for at, cells in part:
            if at is last_at:
                last += cells
                continue
            have = groups.get(at)
            if have is None:
                have = groups[at] = list(cells)
            else:
                have += cells
            last_at, last = at, have
    return tuple([source_group((at, tuple(cells))) for at, cells in groups.items()])


def each_source(sources: Sources) -> Iterator[Source]:
    """A figure's sources one cell at a time, in their groups' order."""
    for (file, sheet, avdelning), cells in sources:
        for cell in cells:
            yield Source(file, sheet, cell, avdelning)


# --- what a department head returns -------------------------------------------------


@pickled_by_fields
@dataclass(slots=True)
class DriftLine:
    """One row of the Drift sheet: a verksamhet × drift line (kontogrupp).

    `amounts` maps year → tkr for the budget year and plan years; `cells` maps the same
    years → A1 reference of the input cell it was read from.
    """

    verksamhet: str
    driftpost: str
    amounts: dict[int, int]
    comment: str = ""
    cells: dict[int, str] = field(default_factory=dict)
    row: int = 0


@pickled_by_fields
@dataclass(slots=True)
class PriorShown:
    """A Drift row's prior-year figures as the return shows them, where they differ
    from the prior-year CSV now: the template was written before the finance office
    changed the CSV (checked by the template's record, see rule BB506). Kept only to
    tell the finance office; every output takes the CSV's figures."""

    verksamhet: str
    driftpost: str
    budget: int
    prognos: int
    cell: str = ""  # A1 of the row's first differing prior-year cell


@pickled_by_fields
@dataclass(slots=True)
class Project:
    """One row of the Investeringar sheet (an investeringsprojekt)."""

    id: str
    name: str
    category: str
    status: str  # "pågående" or "ny"
    decided_total: int | None
    amounts: dict[int, int]
    description: str = ""
    avdelning: str = ""
    cells: dict[str, str] = field(default_factory=dict)  # field or str(year) -> A1
    row: int = 0


@pickled_by_fields
@dataclass(slots=True)
class GoalRow:
    """One row of Mål och indikatorer: an indicator under one of the nämnd's goals."""

    goal: str  # nämndmål code, e.g. "1.1"
    indicator: str
    source: str = ""
    values: dict[int, str] = field(default_factory=dict)  # past year -> value as shown
    target: str = ""
    comment: str = ""
    avdelning: str = ""
    row: int = 0


@pickled_by_fields
@dataclass(slots=True)
class Uppdrag:
    text: str
    start: int | None = None
    status: str = ""
    comment: str = ""
    avdelning: str = ""
    row: int = 0


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class EarlierWording:
    """A row of a return's Uppdrag sheet that answers an uppdrag by a wording its
    template was given and the settings no longer give the avdelning (the office
    reworded it after the workbooks went out). `now` is the settings' wording its
    status and comment were carried over to (`uppdrag_wording`: rule BB509 tells the
    office), or "" when no match was sure and the answer is not read (BB508 says where
    it stands; kept only when the row has a status or a comment)."""

    text: str  # the earlier wording, as on the return
    cell: str  # where it stands on Uppdrag (the text column), e.g. "A7"
    now: str = ""


@pickled_by_fields
@dataclass(slots=True)
class Risk:
    """One row of the Risker sheet: a risk or möjlighet, its amounts and its comment."""

    description: str
    positive: int = 0
    negative: int = 0  # stored as a positive size; shown with a minus sign
    avdelning: str = ""
    row: int = 0
    cells: dict[str, str] = field(default_factory=dict)
    comment: str = ""


@pickled_by_fields
@dataclass(slots=True)
class ControlPoint:
    """One row of the internkontrollplan."""

    riskomrade: str
    risk: str
    kontrollmetod: str = ""
    tidpunkt: str = ""
    riskvarde: int | None = None
    avdelning: str = ""
    row: int = 0


@pickled_by_fields
@dataclass(slots=True)
class Submission:
    """A returned department workbook, read and parsed into the model.

    `file` is the name the file had in the inbox; `path` where it was read from;
    `sha256` its content hash (the archive key).
    """

    avdelning: str
    file: str
    path: Path
    sha256: str = ""
    received: datetime | None = None
    round_id: str = ""
    year: int = 0
    template_version: str = ""
    drift: list[DriftLine] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    goals: list[GoalRow] = field(default_factory=list)
    uppdrag: list[Uppdrag] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    controls: list[ControlPoint] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # section key -> text
    # Drift rows showing older prior-year figures than the CSV's (see PriorShown)
    prior_shown: list[PriorShown] = field(default_factory=list)
    # Uppdrag the settings give the avdelning that were added after its template was
    # written (not in the template's record) and that the return does not name: the
    # head could not report on them (rule BB508 tells the finance office)
    uppdrag_added: list[str] = field(default_factory=list)
    # Rows answering an uppdrag by its wording before the office changed it
    uppdrag_earlier: list[EarlierWording] = field(default_factory=list)
    # The ram per year the workbook was sent with, where known: the template's record
    # (`schema.ID_RAM`), or an older template's Ram row on a still protected Drift sheet.
    # One the settings give otherwise now was changed after sending (BB401, BB511)
    ram_sent: dict[int, int] = field(default_factory=dict)

    def net(self, year: int, kinds: dict[str, str]) -> int:
        """Net cost for `year`: costs − revenues, using driftpost code → kind."""
        total = 0
        for line in self.drift:
            amount = line.amounts.get(year, 0)
            total += -amount if kinds.get(line.driftpost) == "revenue" else amount
        return total


# --- a rendered view: what consolidation produces and every output renders ----------


class RowKind(StrEnum):
    DATA = "data"
    SUBTOTAL = "subtotal"
    TOTAL = "total"
    HEADING = "heading"  # a group heading row with no figures


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a view. `kind` drives formatting: text, tkr, pct, int (years, counts)."""

    key: str
    heading: str
    kind: str = "tkr"


@dataclass(slots=True)
class Row:
    label: str
    values: dict[str, int | float | str | None]
    kind: RowKind = RowKind.DATA
    sources: dict[str, Sources] = field(default_factory=dict)  # column key -> sources


@dataclass(slots=True)
class Table:
    """A finished view: caption, columns, rows (with totals already computed), note.

    Numbers are in stored representation (net cost positive); `fmt` applies the
    kommun's sign convention when rendering. `signed_columns` lists the columns whose
    sign flips under the costs-negative convention.
    """

    key: str
    caption: str
    columns: list[Column]
    rows: list[Row]
    note: str = ""
    unit: str = "tkr"
    signed_columns: frozenset[str] = frozenset()

    def data_rows(self) -> list[Row]:
        return [r for r in self.rows if r.kind is RowKind.DATA]

    def total_row(self) -> Row | None:
        totals = [r for r in self.rows if r.kind is RowKind.TOTAL]
        return totals[-1] if totals else None


# --- consolidation: what `consolidate` returns and the outputs render ----------------

# View keys, in the order the consolidated workbook shows them.
VIEW_DRIFT_AVDELNING = "drift_avdelning"
VIEW_DRIFT_VERKSAMHET = "drift_verksamhet"
VIEW_DRIFT_DRIFTPOST = "drift_driftpost"
VIEW_BRUTTO_AVDELNING = "brutto_avdelning"
VIEW_RAM_AVDELNING = "ram_avdelning"
VIEW_INV_PAGAENDE = "inv_pagaende"
VIEW_INV_NYA = "inv_nya"
VIEW_INV_KATEGORI = "inv_kategori"
VIEW_INV_BESLUTAD = "inv_beslutad"
VIEW_KAPITALKOSTNADER = "kapitalkostnader"
VIEW_RISKER = "risker"
VIEW_RISKLISTA = "risklista"  # each risk and möjlighet of the returns
# Notes under the lists that are not views (`Consolidation.notes`).
NOTE_GOALS = "mal"
NOTE_UPPDRAG = "uppdrag"
NOTE_CONTROLS = "internkontroll"


@dataclass(slots=True)
class IndicatorView:
    """An indicator with its past values and target, and who reported it."""

    name: str
    values: dict[int, str] = field(default_factory=dict)
    target: str = ""
    source: str = ""
    avdelningar: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass(slots=True)
class NamndGoalView:
    code: str
    title: str
    text: str = ""
    indicators: list[IndicatorView] = field(default_factory=list)


@dataclass(slots=True)
class KfGoalView:
    code: str
    title: str
    text: str = ""
    indicators: list[IndicatorView] = field(default_factory=list)
    namnd_goals: list[NamndGoalView] = field(default_factory=list)


@dataclass(slots=True)
class AvdelningText:
    """A narrative text from an avdelning's Texter sheet."""

    avdelning: str  # code
    avdelning_name: str
    section: str  # text section key
    title: str
    text: str


@dataclass(slots=True)
class Consolidation:
    """Everything the nämndplan needs, computed from the valid returns and settings.

    `views` holds the finished tables by VIEW_* key (insertion order = display order).
    `problems` holds findings of consolidation itself (duplicates across returns,
    capital cost gap, …). `notes` are the notes under the goals', uppdrag and internal
    control lists. `net_budget` / `investment_budget` are nämnd totals for the
    budget year in tkr (net cost positive), the same numbers the tables' total rows show.
    """

    year: int
    views: dict[str, Table]
    goals: list[KfGoalView] = field(default_factory=list)
    uppdrag: list[Uppdrag] = field(default_factory=list)
    controls: list[ControlPoint] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    texts: list[AvdelningText] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    net_budget: int = 0
    investment_budget: int = 0
    avdelningar_included: list[str] = field(default_factory=list)
    # the note under the goals', uppdrag and internal control lists by NOTE_* key
    # ("" or absent: nothing to say), as `Table.note` is under a view
    notes: dict[str, str] = field(default_factory=dict)
