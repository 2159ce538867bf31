"""Collect the returns in inbox/: hash, archive, pre-check, read, check, choose, report.

inbox/ is only ever read. Each file is hashed on every run and every received version
is archived once by hash (`archive`). A file is pre-checked (`safety`) and read
(`reader.read_return`) once per content hash and name: the verdict and the read result
are cached in the archive as plain JSON (same bytes, same verdict; the read result also
keyed by the settings fingerprint), and new files are checked and read in a process
pool when there are many. Then identity and content checks (`checks`), the choice of
the newest return per avdelning by content time, checks across returns, statuses, and
the reports (`problem_report`). Findings are problems; an unexpected exception while
reading a file becomes a BB100 problem for that file and the run goes on."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import itertools
import logging
import multiprocessing
import multiprocessing.process
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from . import (
    __version__,
    blank_return,
    checks,
    collect_memo,
    deadline,
    read_cache,
    renamed_code,
    rules,
    safety,
)
from .archive import Archive, sha256_file
from .collect_outputs import EarlyFeedback, write_outputs
from .feedback_ram import RamNow
from .file_state import state_text
from .fingerprint import code_digest
from .gc_pause import gc_paused, gc_resumed
from .inbox import Received, inbox_files, is_lock, locked_workbook, placed, utc_mtime
from .model import CollectResult, Problem, ReturnStatus, Submission
from .output_names import template_name
from .reader_parts import workbook_title
from .schema import ID_AVDELNING, ID_TITLE, TEMPLATE_VERSION, Schema, build_schema
from .settings import Settings
from .workspace import Workspace

_log = logging.getLogger(__name__)
PARALLEL_MIN_FILES = 8  # below this, a process pool costs more than it saves
T = TypeVar("T")

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


def read_one(
    job: ReadJob,
    inflated: Mapping[str, bytes] | None = None,
    members: Sequence[str] | None = None,
    package: bytes | None = None,
) -> ReadOutcome:
    """Read one pre-checked file. Never raises: a failure becomes a BB100 problem."""
    try:
        from .reader import read_return

        result = read_return(
            job.path,
            job.settings,
            job.schema,
            name=job.name,
            inflated=inflated,
            members=members,
            package=package,
        )
        return ReadOutcome(dict(result.identity), result.submission, list(result.problems))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a reader bug, a file no reader expects, a Rust panic
        _log.debug("reading %s failed: %s: %s", job.name, type(exc).__name__, exc)
        reason = "ett oväntat fel uppstod vid läsningen"
        return ReadOutcome({}, None, [rules.NOT_READABLE(file=job.name, orsak=reason)], True)


@dataclass(slots=True)
class Checked:
    """One file's pre-check (when it was not cached) and read (when it passed), with
    their JSON for the archive's caches, encoded where the work was done."""

    check: safety.SafetyResult | None = None
    check_json: str = ""
    outcome: ReadOutcome | None = None
    outcome_json: str = ""


def check_and_read(job: ReadJob, precheck: bool) -> Checked:
    """Pre-check (unless its verdict is cached) and, if the file passed, read it."""
    with gc_paused():
        return _check_and_read(job, precheck)


def _check_and_read(job: ReadJob, precheck: bool) -> Checked:
    done = Checked()
    if precheck:
        done.check = safety.precheck(job.path, job.name)
        if not done.check.transient:  # as a crashed read, a failed check is not cached
            done.check_json = safety.encode_result(done.check)
        if not done.check.ok:
            return done
    inflated: dict[str, bytes] = {}
    members: list[str] | None = None
    package: bytes | None = None
    if done.check is not None:  # what it read goes to the reader, not back to main
        inflated, done.check.inflated = done.check.inflated, {}
        members, done.check.members = done.check.members, []
        package, done.check.package = done.check.package, None
    done.outcome = outcome = read_one(job, inflated, members, package)
    if not outcome.crashed:
        done.outcome_json = read_cache.encode(
            outcome.identity, outcome.submission, outcome.problems
        )
    return done


_WORKER: dict[str, object] = {}


def _init_worker(settings: Settings, schema: Schema) -> None:
    _WORKER["settings"], _WORKER["schema"] = settings, schema
    # A collecting process killed mid-way (Task Manager, a timeout) shuts nothing down:
    # its workers would wait for work forever, ~100 MB each. They end with it.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    # What the worker inherited (settings, schema) lives as long as it does: keep the
    # collector from walking it, and from touching (copying) the forked pages.
    gc.freeze()
    # A forked worker inherits a paused collector (the pool starts inside collect's
    # pause); its reads pause it themselves, but the feedback workbooks it writes
    # (openpyxl, full of cycles) need it on, or each stays in memory (review).
    gc.enable()


def _end_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns once the parent process has ended
    os._exit(1)


def _work_in_worker(item: tuple[Path, str, bool]) -> Checked:
    settings, schema = _WORKER["settings"], _WORKER["schema"]
    assert isinstance(settings, Settings) and isinstance(schema, Schema)
    return check_and_read(ReadJob(item[0], item[1], settings, schema), item[2])


def check_and_read_many(
    jobs: Iterable[tuple[T, ReadJob, bool]],
    meanwhile: Callable[[], None] | None = None,
    lend: list[Executor] | None = None,
    expected: int = 0,
) -> Iterator[tuple[T, Checked]]:
    """Pre-check and read files, yielding each one's tag and result in order; with
    many files, on all cores. `jobs` may be lazy (`expected`: about how many it
    gives): with the pool, the workers start on the first files while the rest are
    still being received (issue 8: hashing and archiving a thousand returns kept the
    workers waiting ~0.5 s). `meanwhile` runs once the workers have every file (else
    first). With `lend`, a pool that read every file is not shut down but put there,
    for the caller's other work (feedback workbooks) and to shut down.

    Settings and schema go to each worker once (pool initializer), not with every
    file: with a thousand avdelningar they are megabytes to pickle (issue 8). The
    pre-check runs in the workers too (it costs about as much as the read), and each
    result comes back with its cache JSON already encoded. Results are yielded as they
    arrive so the caller can store that JSON and drop it: held for every file at once
    it was ~120 MB at N = 1000.
    """
    source = iter(jobs)
    first = list(itertools.islice(source, PARALLEL_MIN_FILES))
    workers = min(os.cpu_count() or 1, max(expected, len(first)))
    if len(first) < PARALLEL_MIN_FILES or workers < 2:
        # every job is made (its file received) before any is read, as without a pool
        todo = first + list(source)
        if meanwhile is not None:
            meanwhile()
        for tag, job, pre in todo:
            yield tag, check_and_read(job, pre)
        return
    settings, schema = first[0][1].settings, first[0][1].schema
    given: list[tuple[T, ReadJob, bool]] = []  # every job handed to the pool, in order
    failed: list[BaseException] = []  # what making the jobs raised (raised here)

    def items() -> Iterator[tuple[Path, str, bool]]:
        try:
            for entry in itertools.chain(first, source):
                given.append(entry)
                yield entry[1].path, entry[1].name, entry[2]
        except Exception as exc:  # not the pool's failure: the caller's, to raise
            failed.append(exc)

    done = 0
    pool: Executor | None = None
    results: Iterator[Checked] | None = None
    try:
        try:
            pool = ProcessPoolExecutor(
                max_workers=workers, initializer=_init_worker, initargs=(settings, schema)
            )
            # small chunks: files differ in size and the machine may be busy, so an
            # even share per worker matters more than the ~0.1 ms a round trip costs
            chunk = max(1, min(4, max(expected, len(first)) // (8 * workers)))
            results = pool.map(_work_in_worker, items(), chunksize=chunk)
        except (BrokenProcessPool, OSError, RuntimeError):
            pass
        if failed:
            raise failed[0]
        if meanwhile is not None:
            meanwhile()  # not inside the pool's `except`: its own failure must surface
        if results is not None:
            try:
                for work in results:
                    entry = given[done]
                    done += 1
                    yield entry[0], work
                if lend is not None:
                    lend.append(pool)
                    pool = None
                return
            except (BrokenProcessPool, OSError, RuntimeError):
                pass
    finally:
        if pool is not None:
            pool.shutdown()
    # A worker died (e.g. out of memory) or no pool could be started: the rest
    # sequentially, with the collector on (memory may be short; any cycle's garbage
    # is freed) even inside the caller's pause.
    rest = given[done:] + list(itertools.chain(first[len(given) :], source))
    with gc_resumed():
        for tag, job, pre in rest:
            yield tag, _check_and_read(job, pre)


@functools.cache
def precheck_fingerprint() -> str:
    """Cache key part of a pre-check verdict: the code (checks, limits, messages)."""
    digest = hashlib.sha256(f"{__version__}|{safety.RESULT_VERSION}".encode())
    digest.update(code_digest())
    return digest.hexdigest()[:32]


def read_fingerprint(
    settings: Settings, schema: Schema, settings_inputs: list[tuple[Path, object]] | None = None
) -> str:
    """Cache key part: what a read result depends on besides the file's bytes.

    With `settings_inputs` (every file the settings were made from, and its state) the
    settings are known by those files: the same files and code make the same settings
    and schema (the settings cache relies on it too), and hashing their states is
    ~100x cheaper than the repr of a thousand avdelningar's settings (~0.2 s, issue 8).
    """
    digest = hashlib.sha256()
    digest.update(f"{__version__}|{TEMPLATE_VERSION}|{schema.version}".encode())
    if settings_inputs is not None:
        for path, state in settings_inputs:
            digest.update(f"{path}\0{state_text(state)}\0".encode())
    else:
        digest.update(repr(settings).encode())
        digest.update(repr(schema).encode())
    digest.update(code_digest())
    return digest.hexdigest()[:32]


# --- one received file --------------------------------------------------------------


def _receive(path: Path, archive: Archive, now: datetime) -> Received | None:
    """Hash and archive one file. Returns its record; None when it is not to be checked
    (a lock file, or a file that could not be opened: the record says why)."""
    rec = Received(path.name, path)
    if is_lock(rec.name):
        rec.lock = True
        rec.problems.append(rules.LOCK_FILE(file=rec.name))
        return rec
    try:
        # read once: hashed, and archived from the same bytes (issue 8: the copy was
        # read again to hash it); a file too large for the pre-check is streamed
        # one open: its size checked, read and stat'ed again through the same handle
        data: bytes | None = None
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size <= safety.MAX_FILE_BYTES:
                # no more than the limit even if it grows meanwhile (a sync client
                # still writing it): past that it is streamed like any large file
                data = fh.read(safety.MAX_FILE_BYTES + 1)
                if len(data) > safety.MAX_FILE_BYTES:
                    data = None
                else:
                    rec.sha256 = hashlib.sha256(data).hexdigest()
            stat = os.fstat(fh.fileno())
        if data is None:
            rec.sha256 = sha256_file(path)
            stat = path.stat()
        rec.size = stat.st_size
        rec.mtime = utc_mtime(stat)
    except OSError:
        reason = "filen kunde inte öppnas (den kan vara öppen i ett annat program)"
        rec.problems.append(rules.not_readable(rec.name, reason, rules.HELD))
        return rec
    # Archive first, then check and read the archived copy: it has exactly the bytes of
    # the hash, while the inbox file may change meanwhile (OneDrive sync, Excel saving).
    rec.received, rec.stored, content_time, rec.first_mtime = archive.receive(
        path, rec.sha256, name=rec.name, file_mtime=rec.mtime, now=now, data=data
    )
    rec.known_content_time = content_time is not None
    return rec


def _apply_check(rec: Received, check: safety.SafetyResult, archive: Archive) -> None:
    rec.content_time = check.content_time
    rec.problems.extend(check.problems)
    if check.content_time is not None and not rec.known_content_time:
        archive.set_content_time(rec.sha256, check.content_time)


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
    # A workbook of another round, year or template version was not made from this
    # round's definition: read against it, every shifted year heading, column and ram
    # gave a finding of its own (30 for last year's workbook), burying the one that
    # says what to do. Its own content is checked once it is in this round's workbook.
    foreign = any(p.code in checks.OTHER_TEMPLATE for p in identity_problems)
    code = outcome.identity.get(ID_AVDELNING, "").strip()
    sub = outcome.submission
    if sub is not None:
        sub = placed(sub, sub.avdelning or code, rec.name, rec.path, rec.sha256, rec.received)
        rec.submission = sub
    if not foreign:  # the reader's and the whole-return findings (a blank one's BB110)
        rec.problems.extend(blank_return.return_problems(sub, outcome.problems, settings, schema))
        rec.ram_now = RamNow.for_return(sub, settings, schema)


def _attribute(rec: Received, settings: Settings) -> None:
    code = rec.identity.get(ID_AVDELNING, "").strip() if rec.budgetbook else ""
    if code and settings.avdelning(code) is not None:
        rec.avdelning = code
    elif not rec.budgetbook and not rec.lock:
        # Unreadable or foreign file: the file name is the best hint of whose it is.
        rec.avdelning = checks.avdelning_from_name(rec.name, settings)
        avd = settings.avdelning(rec.avdelning) if rec.avdelning else None
        if avd is not None:  # a PDF sent for the workbook: the workbook is named
            workbook = template_name(settings, avd)
            rec.problems = [rules.naming_the_workbook(p, workbook) for p in rec.problems]
    rec.problems = _with_avdelning(rec.problems, rec.avdelning)


# --- the whole collect --------------------------------------------------------------


def collect_returns(
    ws: Workspace,
    settings: Settings,
    schema: Schema | None = None,
    settings_inputs: list[tuple[Path, object]] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> CollectResult:
    """Read, validate and archive every return in ws.inbox; write the reports.

    With `settings_inputs` (the settings' files and their states, `actions.Round`) a
    collect that completes without a transient failure leaves a memo for the next one
    (`collect_memo`). `meanwhile` is run while the returns are read (the main process
    waits for its workers then)."""
    schema = schema if schema is not None else build_schema(settings)
    now = datetime.now(UTC)
    received: list[Received] = []
    fingerprint = read_fingerprint(settings, schema, settings_inputs)
    pre_key = precheck_fingerprint()
    outcomes: dict[int, ReadOutcome] = {}
    lasting = settings_inputs is not None  # the result may be kept (no transient failure)
    with Archive(ws.output) as archive, contextlib.ExitStack() as stack:
        archive.clear_memo()  # the memo is only ever of the last completed collect
        files = inbox_files(ws.inbox)

        def to_read() -> Iterator[tuple[Received, ReadJob, bool]]:
            """Receive (hash, archive) each file; those to pre-check and/or read."""
            nonlocal lasting
            for path in files:
                rec = _receive(path, archive, now)
                received.append(rec)
                if rec.stored is None:
                    lasting = lasting and rec.lock  # else it could not be opened
                    continue
                # Same bytes, same verdict and same read: both are cached by content hash.
                hit = archive.cached_check(rec.sha256, read_cache.cache_key(rec.name, pre_key))
                check = safety.decode_result(hit) if hit is not None else None
                if check is not None:
                    _apply_check(rec, check, archive)
                    if not check.ok:
                        continue
                    hit = archive.cached_read(
                        rec.sha256, read_cache.cache_key(rec.name, fingerprint)
                    )
                    decoded = read_cache.decode(hit) if hit is not None else None
                    if decoded is not None:
                        outcomes[id(rec)] = ReadOutcome(*decoded)
                        continue
                yield (
                    rec,
                    ReadJob(rec.stored or rec.path, rec.name, settings, schema),
                    check is None,
                )
            archive.commit()  # every received version is recorded

        lent: list[Executor] = []  # the reader pool, kept for the feedback workbooks
        stack.callback(lambda: [pool.shutdown() for pool in lent])
        # paused: no collections while allocating the returns' objects, those received
        # and those unpickled here (the fallback after a dead worker resumes the
        # collector for its own reads)
        with gc_paused(keep=True):
            done = check_and_read_many(to_read(), meanwhile, lent, expected=len(files))
            for rec, work in done:
                lasting = lasting and not _transient(work)
                if work.check is not None:
                    _apply_check(rec, work.check, archive)
                    if work.check_json:
                        key = read_cache.cache_key(rec.name, pre_key)
                        archive.save_check(rec.sha256, key, work.check_json)
                if work.outcome is not None:
                    if work.outcome_json:
                        key = read_cache.cache_key(rec.name, fingerprint)
                        archive.save_read(rec.sha256, key, work.outcome_json)
                    # checked as it comes: this process only waits for the workers here
                    # (issue 8); a file's checks depend on nothing but it and the settings
                    _apply_read(rec, work.outcome, settings, schema)
            archive.commit()
            for rec in received:
                if id(rec) in outcomes:  # read results from the archive's cache
                    _apply_read(rec, outcomes[id(rec)], settings, schema)
                _attribute(rec, settings)
                if rec.sha256 and rec.avdelning:
                    archive.set_avdelning(rec.sha256, rec.avdelning, is_return=rec.is_return)

        pool = lent[0] if lent else None
        # the feedback workbooks foreseen now are written by the idle workers while
        # the result is assembled and the report written (issue 8)
        early = EarlyFeedback(pool, archive.root)
        stack.callback(early.close)
        early.foresee(ws, settings, received, archive)
        with gc_paused(keep=True):  # a full collection here walked every return (~0.17 s)
            result = assemble(received, settings, schema)
        # the office's marks for the deadline, before the report that shows them
        result.statuses, expires = deadline.marked(
            result.statuses, settings.deadline, now, archive.first_arrivals
        )
        result.outputs = write_outputs(
            ws, settings, result, received, archive, fingerprint, pool, early
        )
        if lasting and settings_inputs is not None:
            memo = collect_memo.record(
                archive, ws, settings, result, received, settings_inputs, fingerprint, expires
            )
            result.basis = collect_memo.save(archive, ws, memo)
    return result


def _transient(work: Checked) -> bool:
    """A failure that says nothing about the file (it is not cached either)."""
    return (work.check is not None and work.check.transient) or (
        work.outcome is not None and work.outcome.crashed
    )


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
        versions, foreign = [r for r in recs if r.budgetbook], []
        if len(versions) > 1:
            # Last year's workbook saved after this year's is no newer version of it (it
            # was chosen, and a valid return left out): shown with its BB105 instead.
            current = [r for r in versions if not _other_template(r)]
            if current and len(current) < len(versions):
                foreign = [r for r in versions if _other_template(r)]
                versions = current
        pool = versions or recs
        pick = max(pool, key=lambda r: (r.saved, r.received or r.saved, r.name))
        chosen[avd] = pick
        # Superseded versions are kept in the archive; only the chosen one's problems
        # count. Files we could not identify, or not of this round, are always shown.
        shown[avd] = [pick] + [r for r in recs if r is not pick and not r.budgetbook] + foreign
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

    _name_locked(received)
    came_as = _renamed(
        others, settings, [a.code for a in settings.avdelningar if a.code not in chosen]
    )
    result = CollectResult()
    accepted: list[Submission] = []
    for avd in settings.avdelningar:
        if avd.code not in chosen:
            stray = came_as.get(avd.code)
            note = renamed_code.missing_note(stray.name, _code_of(stray)) if stray else ""
            missing = rules.MISSING_RETURN(
                avdelning=avd.code, avdelning_kod=avd.code, namn=avd.name, notis=note
            )
            result.problems.append(missing)
            name = stray.name if stray else ""
            result.statuses.append(ReturnStatus(avd.code, avd.name, SAKNAS, came_as=name))
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
                received=pick.arrived,
                saved=pick.content_time,
                errors=errors,
                warnings=warnings,
            )
        )
        if pick.submission is not None and pick.errors == 0:
            accepted.append(pick.submission)
    result.submissions = accepted
    for rec in others:
        result.problems.extend(rec.problems)
    result.problems.extend(checks.office_problems(subs, accepted, settings))
    return result


def _name_locked(received: list[Received]) -> None:
    """BB109 of each lock file says whether its workbook was read in this run."""
    read = {r.name for r in received if not r.lock and r.stored is not None and not r.unreadable}
    for rec in received:
        if rec.lock and (workbook := locked_workbook(rec.name, read)):
            rec.problems = [
                rules.lock_file(rec.name, workbook) if p.code == rules.LOCK_FILE.code else p
                for p in rec.problems
            ]


def _code_of(rec: Received) -> str:
    return rec.identity.get(ID_AVDELNING, "").strip()


def _renamed(
    others: list[Received], settings: Settings, without_return: list[str]
) -> dict[str, Received]:
    """Each return with an avdelning code the settings lack (BB104) gets the advice that
    fits: the avdelning without a return it probably is, when one matches
    (`renamed_code`). The avdelningar so matched, with the latest such file of each."""
    found: dict[str, Received] = {}
    for rec in sorted(others, key=lambda r: (r.saved, r.received or r.saved, r.name)):
        if not any(p.code == rules.UNKNOWN_AVDELNING.code for p in rec.problems):
            continue
        title = workbook_title(rec.stored or rec.path)
        match = renamed_code.likely_avdelning(
            {**rec.identity, ID_TITLE: title}, rec.submission, rec.name, settings, without_return
        )
        if match is None:
            continue
        rec.problems = [
            renamed_code.advised(p, match, _code_of(rec))
            if p.code == rules.UNKNOWN_AVDELNING.code
            else p
            for p in rec.problems
        ]
        found[match.avdelning.code] = rec
    return found


def _other_template(rec: Received) -> bool:
    """The file is a workbook of another round, year or template version (BB105/BB106)."""
    return any(p.code in checks.OTHER_TEMPLATE for p in rec.problems)


def _local_text(value: datetime) -> str:
    # seconds too: two versions saved within a minute must still be told apart (BB502)
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
