"""The reports a collect leaves in output/: the problem report and one feedback workbook
per return with problems, each rewritten only when what it is made from changed."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from collections import defaultdict
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .archive import Archive, sha256_file
from .errors import OutputError
from .feedback_ram import RamNow
from .fingerprint import code_digest
from .inbox import Received
from .model import CollectResult, Problem
from .output_names import (
    EARLY_PREFIX,
    feedback_folder,
    feedback_names,
    feedback_path,
    feedback_pattern,
    report_path,
)
from .problem_report import write_feedback, write_problem_report
from .rules import ABOUT_THE_INBOX
from .settings import Settings
from .workspace import Workspace, remove_output, replace_into


def write_outputs(
    ws: Workspace,
    settings: Settings,
    result: CollectResult,
    received: list[Received],
    archive: Archive,
    fingerprint: str,
    pool: Executor | None = None,
    early: EarlyFeedback | None = None,
) -> dict[str, Path]:
    """The problem report and one feedback workbook per avdelning with problems.

    Each is rewritten only when what it is made from changed (issue 8: a re-run with
    nothing new rewrote them all): the report's key covers the statuses, problems,
    links, settings fingerprint, code version and time zone, and is stored with the
    hash of the file written, so a report edited or removed by hand is written again.
    With `pool` (the collect's reader pool) the feedback workbooks are written by its
    workers while this process writes the report (~0.1-0.2 s each, all serial before);
    those `early` started as they were foreseen are taken when they came out the same.
    """
    rel = os.path.relpath(ws.inbox, ws.output)
    links = {r.name: f"{rel}/{r.name}".replace(os.sep, "/") for r in received}
    outputs: dict[str, Path] = {}
    report = report_path(ws.output, settings)
    todo = _feedback_to_write(ws, settings, result, received, archive)
    # the report's e-mails say a faulty return's feedback is attached: those to be
    # written, each by what it is made from (the return's bytes among it)
    foreseen = {avdelning for avdelning, _, _ in todo}
    sha256 = {r.name: r.sha256 for r in received}
    made_from = [(s.avdelning, sha256.get(s.file, "")) for s in result.statuses]
    key = _report_key(result, links, fingerprint, [m for m in made_from if m[0] in foreseen])
    taken = early.take(todo) if early is not None else {}
    started = _start(pool, [t for t in todo if t[1] not in taken])
    rewritten = not _unchanged(report, key, archive)
    if rewritten:
        write_problem_report(result, settings, report, links, foreseen)
        archive.set_output_key(report, f"{key}:{sha256_file(report)}")
    outputs["inlamningskontroll"] = report
    written: set[Path] = set()
    given: set[str] = set()
    for avdelning, target, job in todo:
        if job is None:
            done = True  # same return, same problems: the workbook is already right
        else:
            stored, problems, ram, feedback_key = job
            if target in taken:
                done = taken[target].placed(target)
            else:
                done = _written(started.get(target), stored, problems, target, ram)
            if done:
                archive.set_output_key(target, f"{feedback_key}:{sha256_file(target)}")
        if done:
            outputs[f"aterkoppling_{avdelning}"] = target
            written.add(target)
            given.add(avdelning)
    if early is not None:
        early.close()  # the foreseen ones that were not taken
    if rewritten and given != foreseen:
        # A return openpyxl cannot open gets no feedback (`write_feedback`): its e-mail
        # must not say one is attached. The same bytes fail the same way, so the key
        # (which has them) stands for this report too, and a re-run leaves it be.
        write_problem_report(result, settings, report, links, given)
        archive.set_output_key(report, f"{key}:{sha256_file(report)}")
    _remove_stale_feedback(ws.output, settings, written)
    return outputs


# (avdelning, target, None when already written, else what to write it from and its key)
FeedbackJob = tuple[str, Path, tuple[Path, list[Problem], RamNow | None, str] | None]


def _feedback_to_write(
    ws: Workspace,
    settings: Settings,
    result: CollectResult,
    received: list[Received],
    archive: Archive,
) -> list[FeedbackJob]:
    """Each feedback workbook of this collect, in the order of the statuses."""
    todo: list[FeedbackJob] = []
    by_name = {r.name: r for r in received}
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in result.problems:
        if p.code not in ABOUT_THE_INBOX:
            by_file[p.file].append(p)
    for status in result.statuses:
        rec = by_name.get(status.file)
        if rec is None or not rec.budgetbook or rec.unreadable:
            continue
        problems = by_file.get(rec.name, [])
        if not problems or rec.stored is None:
            continue
        target = feedback_path(ws.output, status.avdelning, settings)
        key = _feedback_key(rec.sha256, problems, rec.ram_now)
        if _unchanged(target, key, archive):
            todo.append((status.avdelning, target, None))
        else:
            # Read the archived copy (same bytes); the inbox file is never written to.
            todo.append((status.avdelning, target, (rec.stored, problems, rec.ram_now, key)))
    return todo


def _feedback_key(sha256: str, problems: list[Problem], ram: RamNow | None = None) -> str:
    """What a feedback workbook is made from: the return, its problems, the ram it
    shows where the settings' differs from the workbook's, and the code (a new version
    may lay it out otherwise). Stored with the hash of the file written (`_unchanged`),
    so one edited or damaged by hand is written again, as the report is."""
    made_from = f"{code_digest().hex()}|{sha256}|{problems!r}" + (f"|{ram!r}" if ram else "")
    return hashlib.sha256(made_from.encode()).hexdigest()


def _written(
    future: Future[Path | None] | None,
    stored: Path,
    problems: list[Problem],
    target: Path,
    ram: RamNow | None = None,
) -> bool:
    """Whether the feedback workbook was written: by a worker, or here when none took
    it or its worker died."""
    if future is not None:
        try:
            return future.result() is not None
        except BrokenProcessPool:
            pass
    return write_feedback(stored, problems, target, ram) is not None


def _start(pool: Executor | None, todo: list[FeedbackJob]) -> dict[Path, Future[Path | None]]:
    """The feedback workbooks given to the pool's workers; none when it cannot take
    them (no pool, or one that broke while reading: this process writes them)."""
    started: dict[Path, Future[Path | None]] = {}
    if pool is None:
        return started
    try:
        for _, target, job in todo:
            if job is not None:
                stored, problems, ram, _ = job
                started[target] = pool.submit(write_feedback, stored, problems, target, ram)
    except (BrokenProcessPool, RuntimeError):
        pass  # those given before still come back (or fail) through their future
    return started


def _report_key(
    result: CollectResult,
    links: dict[str, str],
    fingerprint: str,
    feedback: list[tuple[str, str]],
) -> str:
    digest = hashlib.sha256(f"{__version__}|{fingerprint}|{time.tzname}".encode())
    digest.update(repr(feedback).encode())
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
            remove_output(folder / name)  # one held open in Excel: say so, never a traceback


# --- feedback started early ---------------------------------------------------------


@dataclass(slots=True)
class ForeseenFeedback:
    stored: Path
    problems: list[Problem]
    ram: RamNow | None
    key: str
    written: Path  # where the worker writes it, until it is taken
    future: Future[Path | None]

    def placed(self, target: Path) -> bool:
        """Wait for it and move it to `target`; False when the return could not be
        opened (as `write_feedback` gives for it). Its worker died: written here."""
        try:
            if self.future.result() is None:
                return False
        except Exception:  # its worker died, or it failed there: as if not foreseen
            return write_feedback(self.stored, self.problems, target, self.ram) is not None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_into(self.written, target)
        except OutputError:
            raise  # the target is open in another program: as when written here
        except OSError:  # e.g. the archive folder on another drive: written here
            return write_feedback(self.stored, self.problems, target, self.ram) is not None
        return True


class EarlyFeedback:
    """Feedback workbooks the reader pool starts before the collect is assembled.

    Most returns with problems get a feedback workbook listing exactly the problems
    found in them; only a choice between versions and the checks across returns,
    made when every return is in, can add to that list. Each workbook so foreseen is
    written by the pool's workers into a folder of their own as soon as the reads are
    done, while this process assembles the result and writes the report (issue 8:
    the workers sat idle meanwhile, then ~0.3 s on these). `write_outputs` takes one
    only when its return and problems came out the same (its key); the rest are
    waited for and removed.
    """

    def __init__(self, pool: Executor | None, folder: Path) -> None:
        self._pool = pool
        self._folder = folder
        self._made: Path | None = None
        self._started: dict[Path, ForeseenFeedback] = {}

    def foresee(
        self, ws: Workspace, settings: Settings, received: list[Received], archive: Archive
    ) -> None:
        """Start the feedback each return will get if nothing across returns adds to
        its problems (and none already written is still right)."""
        if self._pool is None:
            return
        targets: dict[Path, list[Received]] = defaultdict(list)
        for rec in received:
            if rec.budgetbook and rec.avdelning:
                targets[feedback_path(ws.output, rec.avdelning, settings)].append(rec)
        for target, recs in targets.items():
            rec, problems = recs[0], list(recs[0].problems)
            if len(recs) > 1 or not problems or rec.unreadable or rec.stored is None:
                continue  # none, or versions to choose between (which may add a problem)
            key = _feedback_key(rec.sha256, problems, rec.ram_now)
            if _unchanged(target, key, archive):
                continue  # already written from the same
            try:
                if self._made is None:
                    self._made = Path(tempfile.mkdtemp(prefix=EARLY_PREFIX, dir=self._folder))
                written = self._made / target.name
                ram = rec.ram_now
                future = self._pool.submit(write_feedback, rec.stored, problems, written, ram)
            except (BrokenProcessPool, RuntimeError, OSError):
                return  # none foreseen: written as they come
            self._started[target] = ForeseenFeedback(
                rec.stored, problems, ram, key, written, future
            )

    def take(self, todo: list[FeedbackJob]) -> dict[Path, ForeseenFeedback]:
        """Those of `todo` that were foreseen as they came out."""
        taken = {}
        for _, target, job in todo:
            foreseen = self._started.get(target)
            if job is not None and foreseen is not None:
                stored, _, _, key = job
                if key == foreseen.key and stored == foreseen.stored:
                    taken[target] = self._started.pop(target)
        return taken

    def close(self) -> None:
        """Wait for the ones not taken (a worker may still write them), remove them,
        (a killed collect's are removed by the next one: `leftovers`)."""
        for foreseen in self._started.values():
            foreseen.future.cancel()
            with contextlib.suppress(Exception):
                foreseen.future.result()
        self._started.clear()
        if self._made is not None:
            shutil.rmtree(self._made, ignore_errors=True)
            self._made = None
