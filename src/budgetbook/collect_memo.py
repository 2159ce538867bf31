"""Reuse the last collect's result while nothing it was made from has changed (issue 8).

A collect is a function of the bytes and names of the files in inbox/ (and, for a file
without its own saved time, its modification time, which then decides between
versions), of the settings and every file they are made from, of the archive (when
each version was first received, the cached reads), of the code, the time zone and
where the workspace is, and, while an avdelning is missing, of whether the deadline day
has passed (`deadline`: the memo then keeps when it has); and it leaves the problem
report and feedback workbooks in output/. After a collect that completed without a transient failure, the archive's
ledger keeps a memo: the state of each of these, by content hash, and the result.

The next collect first compares the state now with the memo, hashing every file in
inbox/ as every run does, so a changed return is always noticed. Only when all is
equal is the result taken from the memo: without loading the settings, reading or
decoding any return (a new process used to spend most of a re-run on those). The
accepted returns are decoded from the archive's read cache when first used, e.g. by
`consolidate` (`DeferredSubmissions`); `budgetbook collect` alone never needs them.
Anything that differs or does not decode means the ordinary collect, which clears the
memo first and writes a new one when it completes. The memo is JSON (never pickle:
the output folder may be shared).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from . import __version__, read_cache
from .archive import ARCHIVE_DIR, LEDGER, Archive, sha256_file
from .errors import OutputError
from .file_state import expect_text as _text
from .file_state import state, state_from_text, state_text
from .fingerprint import code_digest
from .gc_pause import gc_paused
from .inbox import Received, inbox_files, placed, utc_mtime
from .model_base import CollectResult, Problem, ReturnStatus
from .output_names import feedback_folder, feedback_names, feedback_pattern
from .workspace import Workspace

# A reuse imports only what it compares and returns (issue 8): no settings, reader,
# checks or writers; `record` runs after a full collect, which has them all loaded.
if TYPE_CHECKING:
    from .model import Submission
    from .settings import Settings

# Bump when the memo's form or meaning changes (an older memo is then not used).
# 2: the memo keeps its `basis`, not computed again by a re-run (issue 8)
# 3: statuses carry the deadline's marks, and the memo when they change by the clock
# 4: statuses carry the workbook's own saved time (a late mark needs it after the deadline)
# 5: statuses carry the file a missing return probably came as (`renamed_code`)
MEMO_VERSION = 5


def memo_key(ws: Workspace) -> str:
    """What a memo is valid for besides the files it records: this code, this time
    zone (the reports show local times), this workspace's place (the result names
    absolute paths)."""
    zone = f"{time.tzname}|{time.timezone}|{time.altzone}"
    digest = hashlib.sha256(f"{MEMO_VERSION}|{__version__}|{ws.root}|{zone}".encode())
    digest.update(code_digest())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One file of inbox/ as the collect saw it."""

    name: str
    sha256: str  # "" for a lock file (never hashed nor read)
    stored: str = ""  # its archived copy's name
    mtime: str = ""  # UTC ISO, only when it has no saved time of its own


@dataclass(frozen=True, slots=True)
class SubmissionRef:
    """Where an accepted return's read result is cached, and how it was placed."""

    sha256: str
    key: str  # the read cache's key
    row: str  # the sha256 of that cached row's text
    avdelning: str
    file: str
    path: str
    received: datetime | None


@dataclass(slots=True)
class Memo:
    inbox: list[InboxEntry]
    settings: list[tuple[str, object]]  # every settings file and its state
    outputs: list[tuple[str, str]]  # every file written (path, sha256)
    feedback: tuple[str, str, list[str]]  # folder, pattern, the names in it
    submissions: list[SubmissionRef]
    statuses: list[ReturnStatus]
    problems: list[Problem]
    labels: dict[str, str]  # CollectResult.outputs: label -> path
    basis: str = ""  # as `save` stored it: a re-run need not encode every ref again
    # a POSIX time from which the result is no longer right by the clock alone: the end
    # of the deadline day while an avdelning is missing (then overdue, `deadline`)
    expires: float | None = None


def basis(ws: Workspace, memo: Memo) -> str:
    """One digest of what the accepted returns are: the memo's key (code, time zone,
    workspace), each accepted return's read result (by its cached row's hash) and how it
    was placed, and the state of every settings file. `consolidate` is a function of
    exactly these; "" when a read result is not known by its hash."""
    if any(not ref.row for ref in memo.submissions):
        return ""
    body = [
        read_cache.plain(memo.submissions),
        [[f, state_text(s)] for f, s in memo.settings],
    ]
    digest = hashlib.sha256(memo_key(ws).encode())
    digest.update(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    return digest.hexdigest()


def save(archive: Archive, ws: Workspace, memo: Memo) -> str:
    """Keep `memo` as the last completed collect's; its `basis`, kept with it: a
    function of the memo's key and body, both compared before a re-run uses it, and
    computing it again (every accepted return's ref encoded) was ~1 ms of a re-run at
    N = 100, ~20 ms at N = 1 000 (issue 8)."""
    made_from = basis(ws, memo)
    body = {
        "v": MEMO_VERSION,
        "inbox": read_cache.plain(memo.inbox),
        "settings": [[f, state_text(s)] for f, s in memo.settings],
        "outputs": memo.outputs,
        "feedback": list(memo.feedback),
        "submissions": read_cache.plain(memo.submissions),
        "statuses": read_cache.plain(memo.statuses),
        "problems": read_cache.plain(memo.problems),
        "labels": memo.labels,
        "basis": made_from,
        "expires": memo.expires,
    }
    archive.set_memo(memo_key(ws), json.dumps(body, ensure_ascii=False, separators=(",", ":")))
    return made_from


def reuse(ws: Workspace) -> CollectResult | None:
    """The last collect's result if nothing it was made from changed, else None."""
    if not (ws.output / ARCHIVE_DIR / LEDGER).is_file():
        return None
    try:
        with Archive(ws.output) as archive:
            stored = archive.memo()
            if stored is None or stored[0] != memo_key(ws):
                return None
            memo = _decode(json.loads(stored[1]))
            if memo is None or (memo.expires is not None and time.time() >= memo.expires):
                return None
            if not _unchanged(ws, archive, memo):
                return None
    except (OSError, sqlite3.Error, OutputError, ValueError, TypeError, RecursionError):
        return None  # whatever went wrong, the ordinary collect does it properly
    return CollectResult(
        statuses=memo.statuses,
        problems=memo.problems,
        submissions=DeferredSubmissions(ws.output, memo.submissions),
        outputs={label: Path(path) for label, path in memo.labels.items()},
        basis=memo.basis,
    )


def _unchanged(ws: Workspace, archive: Archive, memo: Memo) -> bool:
    """Whether every input and output the memo records is as it was."""
    if any(state(Path(f)) != s for f, s in memo.settings):
        return False
    files = inbox_files(ws.inbox)
    if [p.name for p in files] != [e.name for e in memo.inbox]:
        return False
    for path, entry in zip(files, memo.inbox, strict=True):
        if not entry.sha256:
            continue  # a lock file: reported by name only
        if entry.mtime and utc_mtime(path).isoformat() != entry.mtime:
            return False
        if not (archive.files / entry.stored).is_file() or sha256_file(path) != entry.sha256:
            return False
    # outputs edited or removed by hand are written again, stale feedback removed
    for name, sha256 in memo.outputs:
        if not Path(name).is_file() or sha256_file(Path(name)) != sha256:
            return False
    folder, pattern, names = memo.feedback
    if feedback_names(Path(folder), pattern) != names:
        return False
    # the cached reads the returns are decoded from, byte for byte as they were
    return all(archive.read_digest(r.sha256, r.key) == r.row for r in memo.submissions)


def _decode(data: Any) -> Memo | None:
    try:
        if type(data) is not dict or data.get("v") != MEMO_VERSION:
            return None
        folder, pattern, names = data["feedback"]
        return Memo(
            inbox=read_cache.decoder(list[InboxEntry])(data["inbox"]),
            settings=[
                (
                    _text(f),
                    state_from_text(s),
                )
                for f, s in data["settings"]
            ],
            outputs=[(_text(f), _text(s)) for f, s in data["outputs"]],
            feedback=(
                _text(folder),
                _text(pattern),
                [_text(n) for n in names],
            ),
            submissions=read_cache.decoder(list[SubmissionRef])(data["submissions"]),
            statuses=read_cache.decoder(list[ReturnStatus])(data["statuses"]),
            problems=read_cache.decoder(list[Problem])(data["problems"]),
            labels=read_cache.decoder(dict[str, str])(data["labels"]),
            basis=_text(data["basis"]),
            expires=read_cache.decoder(float | None)(data["expires"]),
        )
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


# "Submission" by name: its classes are imported with the first return decoded (read_cache)
class DeferredSubmissions(Sequence["Submission"]):
    """The accepted returns of a reused collect, decoded when first used.

    Their number is known at once. The returns come from the archive's read cache by
    content hash and key (rows that are never changed, only added), placed as
    `collect` places a freshly read return: the same objects as a full collect's.
    """

    def __init__(self, output: Path, refs: list[SubmissionRef]) -> None:
        self._output = output
        self._refs = refs
        self._items: list[Submission] | None = None

    def __len__(self) -> int:
        return len(self._refs)

    @overload
    def __getitem__(self, index: int) -> Submission: ...
    @overload
    def __getitem__(self, index: slice) -> list[Submission]: ...
    def __getitem__(self, index: int | slice) -> Submission | list[Submission]:
        return self._decoded()[index]

    def __iter__(self) -> Iterator[Submission]:
        return iter(self._decoded())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return self._decoded() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-equal, as a list

    def __repr__(self) -> str:
        state = "decoded" if self._items is not None else "not yet decoded"
        return f"DeferredSubmissions({len(self._refs)} returns, {state})"

    def _decoded(self) -> list[Submission]:
        if self._items is None:
            self._items = _load(self._output, self._refs)
        return self._items


def _load(output: Path, refs: list[SubmissionRef]) -> list[Submission]:
    subs = []
    with Archive(output) as archive, gc_paused(keep=True):  # many objects, all long-lived
        for ref in refs:
            text = archive.cached_read(ref.sha256, ref.key)
            intact = text is not None and hashlib.sha256(text.encode()).hexdigest() == ref.row
            decoded = read_cache.decode(text) if intact and text is not None else None
            if decoded is None or decoded[1] is None:
                raise OutputError(f"Arkivet i {archive.root} ändrades under körningen; kör igen.")
            subs.append(
                placed(
                    decoded[1], ref.avdelning, ref.file, Path(ref.path), ref.sha256, ref.received
                )
            )
    return subs


def record(
    archive: Archive,
    ws: Workspace,
    settings: Settings,
    result: CollectResult,
    received: list[Received],
    settings_inputs: list[tuple[Path, object]],
    fingerprint: str,
    expires: float | None = None,
) -> Memo:
    """What this collect was made from and found, for the next one."""
    inbox = [
        InboxEntry(
            r.name,
            r.sha256,
            r.stored.name if r.stored else "",
            r.mtime.isoformat() if r.mtime and r.content_time is None else "",
        )
        for r in received
    ]
    refs = []
    for s in result.submissions:
        key = read_cache.cache_key(s.file, fingerprint)
        row = archive.read_digest(s.sha256, key) or ""
        refs.append(SubmissionRef(s.sha256, key, row, s.avdelning, s.file, str(s.path), s.received))
    folder = feedback_folder(ws.output, settings)
    pattern = feedback_pattern(settings)
    present = feedback_names(folder, pattern)
    return Memo(
        inbox=inbox,
        settings=[(str(f), s) for f, s in settings_inputs],
        outputs=[(str(p), sha256_file(p)) for p in result.outputs.values()],
        feedback=(str(folder), pattern, present),
        submissions=refs,
        statuses=list(result.statuses),
        problems=list(result.problems),
        labels={label: str(p) for label, p in result.outputs.items()},
        expires=expires,
    )
