"""The reports a collect leaves in output/: the problem report and one feedback workbook
per return with problems, each rewritten only when what it is made from changed."""

from __future__ import annotations

import hashlib
import os
import time
from collections import defaultdict
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
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
    pool: Executor | None = None,
) -> dict[str, Path]:
    """The problem report and one feedback workbook per avdelning with problems.

    Each is rewritten only when what it is made from changed (issue 8: a re-run with
    nothing new rewrote them all): the report's key covers the statuses, problems,
    links, settings fingerprint, code version and time zone, and is stored with the
    hash of the file written, so a report edited or removed by hand is written again.
    With `pool` (the collect's reader pool) the feedback workbooks are written by its
    workers while this process writes the report (~0.1-0.2 s each, all serial before).
    """
    rel = os.path.relpath(ws.inbox, ws.output)
    links = {r.name: f"{rel}/{r.name}".replace(os.sep, "/") for r in received}
    outputs: dict[str, Path] = {}
    report = report_path(ws.output, settings)
    key = _report_key(result, links, fingerprint)
    todo = _feedback_to_write(ws, settings, result, received, archive)
    started = _start(pool, todo)
    if not _unchanged(report, key, archive):
        write_problem_report(result, settings, report, links)
        archive.set_output_key(report, f"{key}:{sha256_file(report)}")
    outputs["inlamningskontroll"] = report
    written: set[Path] = set()
    for avdelning, target, job in todo:
        if job is None:
            done = True  # same return, same problems: the workbook is already right
        else:
            stored, problems, feedback_key = job
            done = _written(started.get(target), stored, problems, target)
            if done:
                archive.set_output_key(target, feedback_key)
        if done:
            outputs[f"aterkoppling_{avdelning}"] = target
            written.add(target)
    _remove_stale_feedback(ws.output, settings, written)
    return outputs


# (avdelning, target, None when already written, else what to write it from and its key)
_Feedback = tuple[str, Path, tuple[Path, list[Problem], str] | None]


def _feedback_to_write(
    ws: Workspace,
    settings: Settings,
    result: CollectResult,
    received: list[Received],
    archive: Archive,
) -> list[_Feedback]:
    """Each feedback workbook of this collect, in the order of the statuses."""
    todo: list[_Feedback] = []
    by_name = {r.name: r for r in received}
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in result.problems:
        by_file[p.file].append(p)
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
            todo.append((status.avdelning, target, None))
        else:
            # Read the archived copy (same bytes); the inbox file is never written to.
            todo.append((status.avdelning, target, (rec.stored, problems, key)))
    return todo


def _written(
    future: Future[Path | None] | None, stored: Path, problems: list[Problem], target: Path
) -> bool:
    """Whether the feedback workbook was written: by a worker, or here when none took
    it or its worker died."""
    if future is not None:
        try:
            return future.result() is not None
        except BrokenProcessPool:
            pass
    return write_feedback(stored, problems, target) is not None


def _start(pool: Executor | None, todo: list[_Feedback]) -> dict[Path, Future[Path | None]]:
    """The feedback workbooks given to the pool's workers; none when it cannot take
    them (no pool, or one that broke while reading: this process writes them)."""
    started: dict[Path, Future[Path | None]] = {}
    if pool is None:
        return started
    try:
        for _, target, job in todo:
            if job is not None:
                started[target] = pool.submit(write_feedback, *job[:2], target)
    except (BrokenProcessPool, RuntimeError):
        pass  # those given before still come back (or fail) through their future
    return started


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
    folder = feedback_folder(output, settings)
    for name in feedback_names(folder, feedback_pattern(settings)):
        if folder / name not in keep:
            (folder / name).unlink(missing_ok=True)


def feedback_folder(output: Path, settings: Settings) -> Path:
    return feedback_path(output, "x", settings).parent


def feedback_pattern(settings: Settings) -> str:
    return f"aterkoppling_*_{settings.budget_year}.xlsx"


def feedback_names(folder: Path, pattern: str) -> list[str]:
    """The feedback workbooks in `folder` now, by name, sorted."""
    return sorted(p.name for p in folder.glob(pattern)) if folder.is_dir() else []
