"""The reports a collect leaves in output/: the problem report and one feedback workbook
per return with problems, each rewritten only when what it is made from changed."""

from __future__ import annotations

import hashlib
import os
import time
from collections import defaultdict
from pathlib import Path

from . import __version__
from .archive import Archive, sha256_file
from .fingerprint import code_digest
from .inbox import Received
from .model import CollectResult, Problem
from .problem_report import feedback_path, report_path, write_feedback, write_problem_report
from .settings import Settings
from .workspace import Workspace


def write_outputs(
    ws: Workspace,
    settings: Settings,
    result: CollectResult,
    received: list[Received],
    archive: Archive,
    fingerprint: str,
) -> dict[str, Path]:
    """The problem report and one feedback workbook per avdelning with problems.

    Each is rewritten only when what it is made from changed (issue 8: a re-run with
    nothing new rewrote them all): the report's key covers the statuses, problems,
    links, settings fingerprint, code version and time zone, and is stored with the
    hash of the file written, so a report edited or removed by hand is written again.
    """
    rel = os.path.relpath(ws.inbox, ws.output)
    links = {r.name: f"{rel}/{r.name}".replace(os.sep, "/") for r in received}
    outputs: dict[str, Path] = {}
    report = report_path(ws.output, settings)
    key = _report_key(result, links, fingerprint)
    if not _unchanged(report, key, archive):
        write_problem_report(result, settings, report, links)
        archive.set_output_key(report, f"{key}:{sha256_file(report)}")
    outputs["inlamningskontroll"] = report
    by_name = {r.name: r for r in received}
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in result.problems:
        by_file[p.file].append(p)
    written: set[Path] = set()
    for status in result.statuses:
        rec = by_name.get(status.file)
        if rec is None or not rec.budgetbook or rec.unreadable:
            continue
        problems = by_file.get(rec.name, [])
        if not problems or rec.stored is None:
            continue
        target = feedback_path(ws.output, status.avdelning, settings)
        key = hashlib.sha256(f"{rec.sha256}|{problems!r}".encode()).hexdigest()
        if target.exists() and archive.output_key(target) == key:
            done = True  # same return, same problems: the workbook is already right
        else:
            # Read the archived copy (same bytes); the inbox file is never written to.
            done = write_feedback(rec.stored, problems, target) is not None
            if done:
                archive.set_output_key(target, key)
        if done:
            outputs[f"aterkoppling_{status.avdelning}"] = target
            written.add(target)
    _remove_stale_feedback(ws.output, settings, written)
    return outputs


def _report_key(result: CollectResult, links: dict[str, str], fingerprint: str) -> str:
    digest = hashlib.sha256(f"{__version__}|{fingerprint}|{time.tzname}".encode())
    digest.update(repr(result.statuses).encode())
    digest.update(repr(result.problems).encode())
    digest.update(repr(sorted(links.items())).encode())
    digest.update(code_digest())
    return digest.hexdigest()


def _unchanged(path: Path, key: str, archive: Archive) -> bool:
    """Whether `path` is the file last written from `key` (and not changed since)."""
    stored = archive.output_key(path)
    if not stored or not stored.startswith(f"{key}:") or not path.is_file():
        return False
    try:
        return stored == f"{key}:{sha256_file(path)}"
    except OSError:
        return False


def _remove_stale_feedback(output: Path, settings: Settings, keep: set[Path]) -> None:
    """Feedback from an earlier run for a return that is now fine must not be sent out."""
    folder = feedback_path(output, "x", settings).parent
    if not folder.is_dir():
        return
    for path in folder.glob(feedback_pattern(settings)):
        if path not in keep:
            path.unlink(missing_ok=True)


def feedback_pattern(settings: Settings) -> str:
    return f"aterkoppling_*_{settings.budget_year}.xlsx"
