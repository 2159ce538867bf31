"""One library function per user action. The CLI and the Excel button call only these.

Each takes a workspace folder, does one whole action and returns a typed result;
failures raise `errors.BudgetbookError` subclasses, findings in returns are data.
The settings are loaded once per action (`open_round`); the `*_round` steps take them,
so `run` and the Excel buttons load them once for collect, consolidate and report.
The readers, checks and writers (collect, consolidate, python-docx, matplotlib,
openpyxl, xlsxwriter) are imported where an action uses them: `budgetbook collect` or
`run` with nothing changed (the memos hit) reads and writes nothing, and a new process
spent most of such a re-run importing them (issue 8).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import collect_memo, leftovers, report_memo
from .archive import ARCHIVE_DIR
from .errors import NothingToConsolidateError, OutputError, WorkspaceError
from .gc_pause import release_kept
from .model_base import CollectResult, Problem, Severity
from .workspace import Workspace, init_workspace, open_workspace, remove_output

if TYPE_CHECKING:
    from .history import Comparison
    from .model import Consolidation
    from .next_round import NextRound
    from .report.chart_painter import ChartPainter
    from .schema import Schema
    from .settings import Settings


@dataclass(slots=True)
class Reported:
    """The consolidated workbook and the Word draft of one collect.

    `consolidation` is None when both were already made from the same returns,
    settings, code and date and were kept as they are (`report_memo`); `problems` are
    the consolidation's findings either way.
    """

    consolidation: Consolidation | None
    problems: list[Problem]
    workbook: Path
    draft: Path

    @property
    def kept(self) -> bool:
        return self.consolidation is None


@dataclass(slots=True)
class RunResult:
    """What `run` did. `consolidation` is None both when nothing was consolidated
    (`reported` None: no accepted return) and when both documents were kept
    (`reported.kept`); `reported.problems` has the consolidation's findings either way."""

    collected: CollectResult
    reported: Reported | None = None  # None: no accepted return, nothing consolidated
    outputs: dict[str, Path] = field(default_factory=dict)
    # an earlier run's workbook and draft, removed when no return is accepted any more
    removed: list[Path] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.collected.valid

    @property
    def consolidation(self) -> Consolidation | None:
        return self.reported.consolidation if self.reported is not None else None


def init(path: Path | str) -> Workspace:
    """Create a new workspace with the example settings."""
    return init_workspace(path)


def init_next(path: Path | str, previous: Path | str) -> NextRound:
    """Create the workspace for the round after `previous`'s (next year's): its settings
    with the years moved on, its texts and Word template, and what is left to do."""
    from .next_round import start_next_round

    return start_next_round(path, previous)


def templates(workspace: Path | str = ".") -> list[Path]:
    """Write one department workbook per avdelning to workbook_templates/."""
    from . import templates as _templates
    from .schema import build_schema

    ws = open_workspace(workspace)
    settings = ws.settings()
    leftovers.remove_leftovers(ws.templates, leftovers.IN_TEMPLATES)
    return _templates.write_templates(settings, build_schema(settings), ws.templates)


def schema(workspace: Path | str = ".") -> dict:
    """The department workbook's definition for this round, as data."""
    from .schema import build_schema

    settings = open_workspace(workspace).settings()
    return build_schema(settings).to_dict()


class Round:
    """A workspace whose settings are loaded at most once per action (review #5), when
    first needed: a collect with nothing changed needs none (issue 8, `collect_memo`)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._later: list[Callable[[], None]] | None = None

    @functools.cached_property
    def _loaded(self) -> tuple[Settings, list[tuple[Path, object]]]:
        return self.ws.settings_and_inputs(later=self._later)

    def load_deferring(self) -> list[Callable[[], None]]:
        """Load the settings (if not yet loaded) and return what their loading left to
        do later: the settings cache entry for the next process (~0.3 s at 1 000
        avdelningar, issue 8), which a collect writes while its returns are read."""
        later: list[Callable[[], None]] = []
        self._later = later
        try:
            self._loaded  # noqa: B018 (loads them)
        finally:
            self._later = None
        return later

    @property
    def settings(self) -> Settings:
        return self._loaded[0]

    @property
    def settings_inputs(self) -> list[tuple[Path, object]]:
        """Every file the settings were made from, with its state when loaded."""
        return self._loaded[1]

    @functools.cached_property
    def schema(self) -> Schema:
        from .schema import build_schema

        return build_schema(self.settings)


def open_round(workspace: Path | str = ".", collecting: bool = False) -> Round:
    """Open the workspace for one action; its settings are loaded once, when first used.

    `collecting`: the action collects, which makes the archive; its folder is made
    first, so even the first run keeps the parsed settings there for the next process.
    """
    release_kept()  # the objects a previous action in this process froze: see gc_pause
    ws = open_workspace(workspace)
    if collecting:
        with contextlib.suppress(OSError):  # collect itself reports an unwritable output
            (ws.output / ARCHIVE_DIR).mkdir(parents=True, exist_ok=True)
    return Round(ws)


def collect(workspace: Path | str = ".") -> CollectResult:
    """Read, validate and archive every return in inbox/; write the problem report."""
    return collect_round(open_round(workspace, collecting=True))


def collect_round(r: Round) -> CollectResult:
    # Temporary files and folders a killed run left beside the outputs (one listing per
    # folder), also the early-feedback folders of a killed collect.
    leftovers.remove_from_outputs(r.ws)
    # Nothing changed since the last collect (every input, output and the code, by
    # content hash): its result stands, without loading settings or decoding returns.
    reused = collect_memo.reuse(r.ws)
    if reused is not None:
        return reused
    from . import collect as _collect  # the reader, checks and writers: see module doc

    later = r.load_deferring()

    def run_later() -> None:
        while later:
            later.pop(0)()

    try:
        return _collect.collect_returns(
            r.ws, r.settings, r.schema, r.settings_inputs, meanwhile=run_later
        )
    finally:
        run_later()  # what the collect found no moment for (or a failed collect left)


def consolidate(
    workspace: Path | str = ".", collected: CollectResult | None = None
) -> tuple[Consolidation, Path]:
    """Consolidate the accepted returns; write output/konsolidering_<year>.xlsx."""
    r = open_round(workspace, collecting=collected is None)
    return consolidate_round(r, collected if collected is not None else collect_round(r))


def consolidate_round(r: Round, collected: CollectResult) -> tuple[Consolidation, Path]:
    if not collected.submissions:
        # a file refused before its avdelning was known (BB100, BB108) is only in an
        # error; an Excel lock file (BB109, a warning) is no return
        if not any(s.file for s in collected.statuses) and not any(
            p.file and p.severity is Severity.FEL for p in collected.problems
        ):
            raise NothingToConsolidateError(
                f"Inkorgen {r.ws.inbox} är tom. Lägg de inlämnade arbetsböckerna där och kör igen."
            )
        raise NothingToConsolidateError(
            "Det finns ingen godkänd inlämning att konsolidera. Åtgärda felen i "
            "inlämningskontrollen (output/inlamningskontroll_*.xlsx) och kör igen."
        )
    from . import consolidate as _consolidate  # imported when used: see module doc
    from .workbook_out import write_consolidation

    cons = _consolidate.consolidate(collected.submissions, r.settings)
    path = _workbook_path(r)

    write_consolidation(cons, r.settings, path)
    return cons, path


def report(workspace: Path | str = ".", consolidation: Consolidation | None = None) -> Path:
    """Write the Word draft output/namndplan_<year>.docx."""
    r = open_round(workspace, collecting=consolidation is None)
    if consolidation is None:
        return consolidate_and_report_round(r, collect_round(r)).draft
    return report_round(r, consolidation)


def report_round(
    r: Round,
    consolidation: Consolidation,
    painter: ChartPainter | None = None,
    today: dt.date | None = None,
) -> Path:
    path = _draft_path(r)
    from .report import namndplan  # imported when used: see module doc

    namndplan.write_namndplan(consolidation, r.settings, path, today, painter)
    return path


def _workbook_path(r: Round) -> Path:
    return r.ws.output / f"konsolidering_{r.settings.budget_year}.xlsx"


def _draft_path(r: Round) -> Path:
    return r.ws.output / f"namndplan_{r.settings.budget_year}.docx"


def consolidate_and_report_round(
    r: Round,
    collected: CollectResult,
    stage_done: Callable[[str], None] | None = None,
    today: dt.date | None = None,
) -> Reported:
    """`consolidate_round` then `report_round`, with the charts' matplotlib loading in a
    second process meanwhile (report/chart_painter.py). Both files are kept as they are
    when they were made from the same collect basis, code and date (`report_memo`)."""
    today = today or dt.date.today()
    made_from = report_memo.key(collected, today)
    kept = report_memo.kept(r.ws.output, made_from)
    if kept is not None:
        if stage_done is not None:
            stage_done("consolidate")  # "report" is the caller's, as below
        return Reported(None, kept[0], *kept[1])
    from .report.chart_painter import ChartPainter

    painter = ChartPainter(in_process=False)
    try:
        cons, cons_path = consolidate_round(r, collected)
        if stage_done is not None:
            stage_done("consolidate")
        draft = report_round(r, cons, painter, today)
    finally:
        painter.close()
    report_memo.remember(r.ws.output, made_from, [cons_path, draft], cons.problems)
    return Reported(cons, cons.problems, cons_path, draft)


def run(workspace: Path | str = ".") -> RunResult:
    """collect, consolidate and report in one go."""
    return run_round(open_round(workspace, collecting=True))


def run_round(r: Round, stage_done: Callable[[str], None] | None = None) -> RunResult:
    """collect, consolidate and report; `stage_done(name)` is called after each of
    "collect", "consolidate" and "report" (the benchmark times this very function)."""
    collected = collect_round(r)
    if stage_done is not None:
        stage_done("collect")
    result = RunResult(collected, outputs=dict(collected.outputs))
    if collected.submissions:
        result.reported = consolidate_and_report_round(r, collected, stage_done)
        result.outputs["konsolidering"] = result.reported.workbook
        result.outputs["namndplan"] = result.reported.draft
    else:
        result.removed = _remove_documents(r)
    if stage_done is not None:
        stage_done("report")
    return result


def _remove_documents(r: Round) -> list[Path]:
    """The workbook and draft an earlier run made, when no return is accepted now: left
    beside "no consolidation" they would be taken for this run's (as stale feedback)."""
    removed = []
    for path in (_workbook_path(r), _draft_path(r)):
        if path.is_file():
            remove_output(path)  # one open in Word or Excel: OutputError, as a write gives
            removed.append(path)
    return removed


def panel(workspace: Path | str = ".") -> Path:
    """Write the control workbook Budgetpanel.xlsm (the Excel button) into the workspace.

    On Windows it also writes xlwings.conf beside it, naming this Python as the one the
    button starts.
    """
    from . import panel as _panel

    ws = open_workspace(workspace)
    leftovers.remove_leftovers(ws.root, leftovers.IN_WORKSPACE)
    interpreter = sys.executable if sys.platform == "win32" else None
    return _panel.create_panel(ws.root, ws.settings(), interpreter)


def demo(path: Path | str) -> RunResult:
    """A fresh example workspace with templates and filled returns, then `run`."""
    from .example import write_example_returns

    target = Path(path)
    if target.exists() and any(target.iterdir()):
        raise WorkspaceError(
            f"{target.resolve()} är inte tom. Välj en ny mapp för exemplet; inget skrevs."
        )
    ws = init_workspace(target)
    written = templates(ws.root)
    write_example_returns(ws.settings(), written, ws.inbox)
    return run(ws.root)


def history(workspace: Path | str = ".", avdelning: str | None = None) -> list:
    """Every archived version of every return (of one avdelning), oldest first.

    An `avdelning` that is no avdelning's code in the settings and has no version in
    the archive (an earlier round's code may) is an error, as `compare` has it: "no
    version from 'PERSONAL'" told nothing of the typo."""
    from .archive import list_versions

    ws = open_workspace(workspace)
    found = sorted(list_versions(ws.output, avdelning), key=lambda v: (v.arrived, v.received))
    if avdelning is not None and not found:
        codes = [a.code for a in ws.settings().avdelningar]
        if avdelning.strip().casefold() not in {c.casefold() for c in codes}:
            from .cli_hints import hint

            raise OutputError(
                f"{avdelning!r} är ingen avdelnings kod ({', '.join(codes)}). Se "
                f"{hint('history', workspace)} för alla avdelningars versioner."
            )
    return found


def recover(workspace: Path | str, sha256_prefix: str, dest: Path | str) -> Path:
    """Copy an archived version back out (never overwriting a file)."""
    from .archive import recover as _recover

    ws = open_workspace(workspace)
    return _recover(ws.output, sha256_prefix, Path(dest), workspace)


def compare(workspace: Path | str, old: str, new: str | None = None) -> Comparison:
    """What changed between two archived versions of a return, sheet by sheet (and
    whether OLD is the later one). Without NEW, OLD is an avdelning's code (its latest
    version) or a version, compared with the version received before it."""
    from .history import compare_versions, compare_with_previous

    ws = open_workspace(workspace)
    if new is None:
        return compare_with_previous(ws.output, ws.settings(), old, str(workspace))
    return compare_versions(ws.output, ws.settings(), old, new, str(workspace))
