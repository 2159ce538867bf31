"""Collect the returns in inbox/: hash, pre-check, archive, read, check, choose, report.

inbox/ is only ever read. Each file is hashed and pre-checked (`safety`) on every run;
every received version is archived once by hash (`archive`); a file whose hash and
name are already in the ledger reuses its cached read result, the rest are read by
`reader.read_return` (in a process pool when there are many). Then identity and
content checks (`checks`), the choice of the newest return per avdelning by content
time, checks across returns, statuses, and the reports (`problem_report`).
Findings are problems; an unexpected exception while reading a file becomes a BB100
problem for that file and the run goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import __version__, checks, read_cache, rules, safety
from .archive import Archive, sha256_file
from .model import CollectResult, Problem, ReturnStatus, Submission
from .problem_report import feedback_path, report_path, write_feedback, write_problem_report
from .schema import ID_AVDELNING, TEMPLATE_VERSION, Schema, build_schema
from .settings import Settings
from .workspace import Workspace

_log = logging.getLogger(__name__)
PARALLEL_MIN_FILES = 8  # below this, a process pool costs more than it saves
IGNORED_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})

GODKAND, VARNINGAR, FEL, SAKNAS, OLASLIG = "godkänd", "varningar", "fel", "saknas", "oläslig"


# --- the per-file read (top level and picklable, for the process pool) --------------


@dataclass(frozen=True, slots=True)
class ReadJob:
    path: Path
    name: str
    settings: Settings
    schema: Schema


@dataclass(slots=True)
class ReadOutcome:
    """What the reader gave for one file (this is what the archive caches)."""

    identity: dict[str, str]
    submission: Submission | None
    problems: list[Problem]
    crashed: bool = False


def read_one(job: ReadJob) -> ReadOutcome:
    """Read one pre-checked file. Never raises: a failure becomes a BB100 problem."""
    try:
        from .reader import read_return

        result = read_return(job.path, job.settings, job.schema, name=job.name)
        return ReadOutcome(dict(result.identity), result.submission, list(result.problems))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a reader bug, a file no reader expects, a Rust panic
        _log.debug("reading %s failed: %s: %s", job.name, type(exc).__name__, exc)
        reason = "ett oväntat fel uppstod vid läsningen"
        return ReadOutcome({}, None, [rules.NOT_READABLE(file=job.name, orsak=reason)], True)


_WORKER: dict[str, object] = {}


def _init_worker(settings: Settings, schema: Schema) -> None:
    _WORKER["settings"], _WORKER["schema"] = settings, schema


def _read_in_worker(item: tuple[Path, str]) -> ReadOutcome:
    settings, schema = _WORKER["settings"], _WORKER["schema"]
    assert isinstance(settings, Settings) and isinstance(schema, Schema)
    return read_one(ReadJob(item[0], item[1], settings, schema))


def read_many(jobs: list[ReadJob]) -> list[ReadOutcome]:
    """Read files in order; with many files, on all cores.

    Settings and schema go to each worker once (pool initializer), not with every
    file: with a thousand avdelningar they are megabytes to pickle (issue 8).
    """
    workers = min(os.cpu_count() or 1, len(jobs))
    if len(jobs) < PARALLEL_MIN_FILES or workers < 2:
        return [read_one(job) for job in jobs]
    settings, schema = jobs[0].settings, jobs[0].schema
    items = [(job.path, job.name) for job in jobs]
    try:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(settings, schema)
        ) as pool:
            chunk = max(1, len(items) // (4 * workers))
            return list(pool.map(_read_in_worker, items, chunksize=chunk))
    except (BrokenProcessPool, OSError, RuntimeError):
        # A worker died (e.g. out of memory) or no pool could be started: go sequential.
        return [read_one(job) for job in jobs]


def read_fingerprint(settings: Settings, schema: Schema) -> str:
    """Cache key part: what a read result depends on besides the file's bytes."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}|{TEMPLATE_VERSION}|{schema.version}".encode())
    digest.update(repr(settings).encode())
    digest.update(repr(schema).encode())
    here = Path(__file__).parent
    for module in (
        "reader.py",
        "reader_sheets.py",
        "reader_parts.py",
        "schema.py",
        "read_cache.py",
    ):
        source = here / module
        if source.exists():
            digest.update(source.read_bytes())
    return digest.hexdigest()[:32]


# --- one received file --------------------------------------------------------------


@dataclass(slots=True)
class Received:
    """One file found in inbox/ and everything collect learned about it."""

    name: str
    path: Path
    sha256: str = ""
    size: int = 0
    mtime: datetime | None = None
    received: datetime | None = None
    content_time: datetime | None = None
    stored: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    identity: dict[str, str] = field(default_factory=dict)
    submission: Submission | None = None
    avdelning: str = ""
    budgetbook: bool = False  # has our identity: a version of an avdelning's return
    lock: bool = False

    @property
    def saved(self) -> datetime:
        """Content time (workbook's own saved time), else the file's mtime."""
        return self.content_time or self.mtime or datetime.min.replace(tzinfo=UTC)

    @property
    def unreadable(self) -> bool:
        return any(p.code in safety.UNREADABLE_CODES for p in self.problems)

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(not p.is_error for p in self.problems)


def inbox_files(inbox: Path) -> list[Path]:
    if not inbox.is_dir():
        return []
    files = []
    for path in sorted(inbox.iterdir(), key=lambda p: p.name.casefold()):
        name = path.name
        if name.casefold() in IGNORED_NAMES or not path.is_file():
            continue
        if name.startswith(".") and not name.startswith(".~lock."):
            continue  # hidden system files; LibreOffice's lock files are reported below
        files.append(path)
    return files


def _is_lock(name: str) -> bool:
    return safety.is_lock_file(name) or name.startswith(".~lock.")


def _utc_mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _receive(path: Path, archive: Archive, now: datetime) -> tuple[Received, bool]:
    """Hash, archive and pre-check one file. Returns the record and whether to read it."""
    rec = Received(path.name, path)
    if _is_lock(rec.name):
        rec.lock = True
        rec.problems.append(rules.LOCK_FILE(file=rec.name))
        return rec, False
    try:
        rec.sha256 = sha256_file(path)
        rec.size = path.stat().st_size
        rec.mtime = _utc_mtime(path)
    except OSError:
        reason = "filen kunde inte öppnas (den kan vara öppen i ett annat program)"
        rec.problems.append(rules.NOT_READABLE(file=rec.name, orsak=reason))
        return rec, False
    # Archive first, then check and read the archived copy: it has exactly the bytes of
    # the hash, while the inbox file may change meanwhile (OneDrive sync, Excel saving).
    version = archive.store(path, rec.sha256, name=rec.name, file_mtime=rec.mtime, now=now)
    rec.received = version.received
    rec.stored = version.stored
    check = safety.precheck(version.stored, rec.name)
    rec.content_time = check.content_time
    rec.problems.extend(check.problems)
    if check.content_time is not None and version.content_time is None:
        archive.set_content_time(rec.sha256, check.content_time)
    return rec, check.ok


def _with_avdelning(problems: list[Problem], avdelning: str) -> list[Problem]:
    return [
        p if p.avdelning or not avdelning else dataclasses.replace(p, avdelning=avdelning)
        for p in problems
    ]


def _apply_read(rec: Received, outcome: ReadOutcome, settings: Settings, schema: Schema) -> None:
    """Identity and content checks on a read file; attribute it to an avdelning."""
    rec.identity = outcome.identity
    if outcome.crashed:
        rec.problems.extend(outcome.problems)
        return
    if not checks.is_budgetbook(outcome.identity):
        # Not ours: the reader's sheet findings would only be noise.
        rec.problems.extend(checks.identity_problems(outcome.identity, rec.name, settings))
        return
    rec.budgetbook = True
    identity_problems = checks.identity_problems(outcome.identity, rec.name, settings)
    rec.problems.extend(identity_problems)
    rec.problems.extend(outcome.problems)
    code = outcome.identity.get(ID_AVDELNING, "").strip()
    sub = outcome.submission
    if sub is not None:
        sub = dataclasses.replace(
            sub, avdelning=sub.avdelning or code, file=rec.name, path=rec.path
        )
        sub.sha256, sub.received = rec.sha256, rec.received
        rec.submission = sub
        if settings.avdelning(sub.avdelning) is not None:
            rec.problems.extend(checks.content_problems(sub, settings, schema))


def _attribute(rec: Received, settings: Settings) -> None:
    code = rec.identity.get(ID_AVDELNING, "").strip() if rec.budgetbook else ""
    if code and settings.avdelning(code) is not None:
        rec.avdelning = code
    elif not rec.budgetbook and not rec.lock:
        # Unreadable or foreign file: the file name is the best hint of whose it is.
        rec.avdelning = checks.avdelning_from_name(rec.name, settings)
    rec.problems = _with_avdelning(rec.problems, rec.avdelning)


# --- the whole collect --------------------------------------------------------------


def collect_returns(ws: Workspace, settings: Settings) -> CollectResult:
    """Read, validate and archive every return in ws.inbox; write the reports."""
    schema = build_schema(settings)
    now = datetime.now(UTC)
    received: list[Received] = []
    to_read: list[Received] = []
    fingerprint = read_fingerprint(settings, schema)
    cached: dict[int, ReadOutcome] = {}
    with Archive(ws.output) as archive:
        for path in inbox_files(ws.inbox):
            rec, readable = _receive(path, archive, now)
            received.append(rec)
            if not readable:
                continue
            hit = archive.cached_read(rec.sha256, _cache_key(rec.name, fingerprint))
            decoded = read_cache.decode(hit) if hit is not None else None
            if decoded is not None:
                cached[id(rec)] = ReadOutcome(*decoded)
            else:
                to_read.append(rec)
        archive.commit()  # every received version is recorded before anything is read
        outcomes = read_many(
            [ReadJob(r.stored or r.path, r.name, settings, schema) for r in to_read]
        )
        for rec, outcome in zip(to_read, outcomes, strict=True):
            if not outcome.crashed:
                entry = read_cache.encode(outcome.identity, outcome.submission, outcome.problems)
                archive.save_read(rec.sha256, _cache_key(rec.name, fingerprint), entry)
            cached[id(rec)] = outcome
        archive.commit()
        for rec in received:
            if id(rec) in cached:
                _apply_read(rec, cached[id(rec)], settings, schema)
            _attribute(rec, settings)
            if rec.sha256 and rec.avdelning:
                archive.set_avdelning(rec.sha256, rec.avdelning)

        result = assemble(received, settings, schema)
        result.outputs = write_outputs(ws, settings, result, received, archive)
    return result


def _cache_key(name: str, fingerprint: str) -> str:
    return f"{name}|{fingerprint}"


def assemble(received: list[Received], settings: Settings, schema: Schema) -> CollectResult:
    """Choose the newest return per avdelning, check across returns, fill statuses."""
    by_avd: dict[str, list[Received]] = defaultdict(list)
    others: list[Received] = []
    for rec in received:
        (by_avd[rec.avdelning] if rec.avdelning else others).append(rec)

    chosen: dict[str, Received] = {}
    shown: dict[str, list[Received]] = {}  # files whose problems are reported, per avd
    round_problems: dict[str, list[Problem]] = defaultdict(list)
    for avd, recs in by_avd.items():
        versions = [r for r in recs if r.budgetbook]
        pool = versions or recs
        pick = max(pool, key=lambda r: (r.saved, r.received or r.saved, r.name))
        chosen[avd] = pick
        # Superseded versions are kept in the archive; only the chosen one's problems
        # count. Files we could not identify are always shown.
        shown[avd] = [pick] + [r for r in recs if r is not pick and not r.budgetbook]
        # Identical copies ("X (1).xlsx" from a mail client) are one version: there is
        # nothing to choose between them and nothing to send back.
        if len({r.sha256 for r in versions}) > 1:
            # Different contents saved at the same time: the newest cannot be told.
            tied = {r.sha256 for r in versions if r.saved == pick.saved}
            rule = rules.SAME_SAVE_TIME if len(tied) > 1 else rules.DUPLICATE_RETURN
            round_problems[avd].append(
                rule(
                    file=pick.name,
                    avdelning=avd,
                    avdelning_kod=avd,
                    antal=len(versions),
                    filer=", ".join(sorted(r.name for r in versions)),
                    vald=pick.name,
                    tid=_local_text(pick.saved),
                )
            )

    subs = [chosen[a].submission for a in chosen if chosen[a].submission is not None]
    across = checks.verksamhet_twice_problems(subs, settings, schema)
    across += checks.project_twice_problems(subs, schema)
    for p in across:
        chosen[p.avdelning].problems.append(p)

    result = CollectResult()
    for avd in settings.avdelningar:
        if avd.code not in chosen:
            missing = rules.MISSING_RETURN(
                avdelning=avd.code, avdelning_kod=avd.code, namn=avd.name
            )
            result.problems.append(missing)
            result.statuses.append(ReturnStatus(avd.code, avd.name, SAKNAS))
            continue
        pick = chosen[avd.code]
        result.problems.extend(round_problems[avd.code])
        for rec in shown[avd.code]:
            result.problems.extend(rec.problems)
        errors = pick.errors + sum(p.is_error for p in round_problems[avd.code])
        warnings = pick.warnings + sum(not p.is_error for p in round_problems[avd.code])
        if pick.unreadable or (pick.submission is None and not pick.budgetbook):
            status = OLASLIG if pick.unreadable else FEL
        elif errors:
            status = FEL
        elif warnings:
            status = VARNINGAR
        else:
            status = GODKAND
        result.statuses.append(
            ReturnStatus(
                avd.code,
                avd.name,
                status,
                file=pick.name,
                path=str(pick.path),
                received=pick.received,
                errors=errors,
                warnings=warnings,
            )
        )
        if pick.submission is not None and pick.errors == 0:
            result.submissions.append(pick.submission)
    for rec in others:
        result.problems.extend(rec.problems)
    return result


def _local_text(value: datetime) -> str:
    # seconds too: two versions saved within a minute must still be told apart (BB502)
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def write_outputs(
    ws: Workspace,
    settings: Settings,
    result: CollectResult,
    received: list[Received],
    archive: Archive,
) -> dict[str, Path]:
    """The problem report and one feedback workbook per avdelning with problems."""
    rel = os.path.relpath(ws.inbox, ws.output)
    links = {r.name: f"{rel}/{r.name}".replace(os.sep, "/") for r in received}
    outputs: dict[str, Path] = {}
    outputs["inlamningskontroll"] = write_problem_report(
        result, settings, report_path(ws.output, settings), links
    )
    by_name = {r.name: r for r in received}
    written: set[Path] = set()
    for status in result.statuses:
        rec = by_name.get(status.file)
        if rec is None or not rec.budgetbook or rec.unreadable:
            continue
        problems = [p for p in result.problems if p.file == rec.name]
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


def _remove_stale_feedback(output: Path, settings: Settings, keep: set[Path]) -> None:
    """Feedback from an earlier run for a return that is now fine must not be sent out."""
    folder = feedback_path(output, "x", settings).parent
    if not folder.is_dir():
        return
    for path in folder.glob(f"aterkoppling_*_{settings.budget_year}.xlsx"):
        if path not in keep:
            path.unlink(missing_ok=True)
