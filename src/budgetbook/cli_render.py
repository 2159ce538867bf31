"""What the command line prints: the collect status table, problems, outputs, and JSON.

Kept beside `cli` (its commands call these) so that module stays the commands and their
arguments."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import console, report_memo
from .model_base import CollectResult, Problem

if TYPE_CHECKING:
    from .actions import RunResult


def json_text(data: Any) -> str:
    """JSON for stdout: readable UTF-8 where stdout is UTF-8; elsewhere (a file or pipe in a
    Windows code page) pure ASCII with \\u escapes, so every character reaches the reader
    intact and any program decodes it, whatever code page it assumes."""
    return json.dumps(data, ensure_ascii=not console.is_utf(sys.stdout), indent=2)


def collect_json(result: CollectResult) -> dict[str, Any]:
    return {
        "valid": result.valid,
        "errors": result.errors,
        "warnings": result.warnings,
        "statuses": [
            {
                "avdelning": s.avdelning,
                "name": s.name,
                "status": s.status,
                "file": s.file,
                "received": s.received.isoformat() if s.received else None,
                "saved": s.saved.isoformat() if s.saved else None,
                "errors": s.errors,
                "warnings": s.warnings,
                "late": s.late,
                "deadline_note": s.deadline_note,
                "came_as": s.came_as,
            }
            for s in result.statuses
        ],
        "problems": [p.to_dict() for p in result.problems],
        "outputs": {k: str(v) for k, v in result.outputs.items()},
    }


def print_problems(problems: list[Problem]) -> None:
    for p in problems:
        place = " ".join(x for x in (p.file, p.sheet, p.cell) if x)
        click.echo(f"  [{p.severity.value}] {p.code} {place + ': ' if place else ''}{p.message}")


def counts_text(errors: int, warnings: int) -> str:
    """'0 fel, 1 varning' — Swedish singular and plural."""
    return f"{errors} fel, {warnings} {'varning' if warnings == 1 else 'varningar'}"


def print_collect(result: CollectResult, show_outputs: bool = True) -> None:
    # as wide as the longest code ("FÖRV-STAB" pushed its own line out of the columns)
    width = max((len(s.avdelning) for s in result.statuses), default=0)
    for s in result.statuses:
        counts = counts_text(s.errors, s.warnings) if s.file else ""
        # the deadline's mark (`deadline`) after the file, or in its place
        note = f"({s.deadline_note.lower()})" if s.file and s.deadline_note else s.deadline_note
        if s.came_as:  # its return under a code the settings lack (BB104)
            note = f"{note} (kom troligen som {s.came_as}, se BB104)".lstrip()
        click.echo(
            f"  {s.avdelning:<{max(width, 8)}} {s.status:<10} {counts:<22} {s.file} {note}".rstrip()
        )
    print_problems(result.problems)
    click.echo(f"Inlämningar: {counts_text(result.errors, result.warnings)}.")
    if show_outputs:
        for label, path in result.outputs.items():
            click.echo(f"  {label}: {path}")


def print_run(result: RunResult) -> None:
    print_collect(result.collected, show_outputs=False)
    reported = result.reported
    if reported is None:
        click.echo(
            "Ingen konsolidering och inget Word-utkast: det finns ingen godkänd inlämning. "
            "Lägg de ifyllda arbetsböckerna i inbox/ och åtgärda felen i inlämningskontrollen."
        )
        if result.removed:
            click.echo(report_memo.REMOVED_NOTE)
    elif reported.kept:
        click.echo(report_memo.KEPT_NOTE)
    if reported is not None and reported.problems:
        click.echo("Konsolidering:")
        print_problems(reported.problems)
    print_outputs(result.outputs)


def print_outputs(outputs: dict[str, Path]) -> None:
    click.echo("Resultat:")
    for label, path in outputs.items():
        click.echo(f"  {label}: {path}")
