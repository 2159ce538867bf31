"""One library function per user action. The CLI and the Excel button call only these.

Each takes a workspace folder, does one whole action and returns a typed result;
failures raise `errors.BudgetbookError` subclasses, findings in returns are data.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import collect as _collect
from . import consolidate as _consolidate
from . import templates as _templates
from .errors import NothingToConsolidateError, WorkspaceError
from .model import CollectResult, Consolidation
from .report import namndplan
from .schema import build_schema
from .workbook_out import write_consolidation
from .workspace import Workspace, init_workspace, open_workspace


@dataclass(slots=True)
class RunResult:
    collected: CollectResult
    consolidation: Consolidation | None = None
    outputs: dict[str, Path] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.collected.valid


def init(path: Path | str) -> Workspace:
    """Create a new workspace with the example settings."""
    return init_workspace(path)


def templates(workspace: Path | str = ".") -> list[Path]:
    """Write one department workbook per avdelning to workbook_templates/."""
    ws = open_workspace(workspace)
    settings = ws.settings()
    return _templates.write_templates(settings, build_schema(settings), ws.templates)


def schema(workspace: Path | str = ".") -> dict:
    """The department workbook's definition for this round, as data."""
    settings = open_workspace(workspace).settings()
    return build_schema(settings).to_dict()


def collect(workspace: Path | str = ".") -> CollectResult:
    """Read, validate and archive every return in inbox/; write the problem report."""
    ws = open_workspace(workspace)
    return _collect.collect_returns(ws, ws.settings())


def consolidate(
    workspace: Path | str = ".", collected: CollectResult | None = None
) -> tuple[Consolidation, Path]:
    """Consolidate the accepted returns; write output/konsolidering_<year>.xlsx."""
    ws = open_workspace(workspace)
    settings = ws.settings()
    collected = collected if collected is not None else collect(workspace)
    if not collected.submissions:
        if not any(s.file for s in collected.statuses):
            raise NothingToConsolidateError(
                f"Inkorgen {ws.inbox} är tom. Lägg de inlämnade arbetsböckerna där och kör igen."
            )
        raise NothingToConsolidateError(
            "Det finns ingen godkänd inlämning att konsolidera. Åtgärda felen i "
            "inlämningskontrollen (output/inlamningskontroll_*.xlsx) och kör igen."
        )
    cons = _consolidate.consolidate(collected.submissions, settings)
    path = ws.output / f"konsolidering_{settings.budget_year}.xlsx"
    write_consolidation(cons, settings, path)
    return cons, path


def report(workspace: Path | str = ".", consolidation: Consolidation | None = None) -> Path:
    """Write the Word draft output/namndplan_<year>.docx."""
    ws = open_workspace(workspace)
    settings = ws.settings()
    if consolidation is None:
        consolidation, _ = consolidate(workspace)
    path = ws.output / f"namndplan_{settings.budget_year}.docx"
    namndplan.write_namndplan(consolidation, settings, path)
    return path


def run(workspace: Path | str = ".") -> RunResult:
    """collect, consolidate and report in one go."""
    collected = collect(workspace)
    result = RunResult(collected, outputs=dict(collected.outputs))
    if collected.submissions:
        cons, cons_path = consolidate(workspace, collected)
        result.consolidation = cons
        result.outputs["konsolidering"] = cons_path
        result.outputs["namndplan"] = report(workspace, cons)
    return result


def panel(workspace: Path | str = ".") -> Path:
    """Write the control workbook Budgetpanel.xlsm (the Excel button) into the workspace.

    On Windows it also writes xlwings.conf beside it, naming this Python as the one the
    button starts.
    """
    from . import panel as _panel

    ws = open_workspace(workspace)
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
    """Every archived version of every return (of one avdelning), oldest first."""
    from .archive import list_versions

    ws = open_workspace(workspace)
    return sorted(list_versions(ws.output, avdelning), key=lambda v: v.received)


def recover(workspace: Path | str, sha256_prefix: str, dest: Path | str) -> Path:
    """Copy an archived version back out (never overwriting a file)."""
    from .archive import recover as _recover

    ws = open_workspace(workspace)
    return _recover(ws.output, sha256_prefix, Path(dest))


def compare(workspace: Path | str, old: str, new: str) -> list:
    """What changed between two archived versions of a return (figures, comments, texts)."""
    from .history import compare_versions

    ws = open_workspace(workspace)
    return compare_versions(ws.output, ws.settings(), old, new)
