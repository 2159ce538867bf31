"""Which files in inbox/ are returns to collect, and each one's record (`Received`)."""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .model_base import ProblemCounts

if TYPE_CHECKING:
    from .feedback_ram import RamNow
    from .model import Problem, Submission

IGNORED_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


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


def is_lock(name: str) -> bool:
    """Excel's (`~$Name.xlsx`) or LibreOffice's (`.~lock.Name#`) owner file."""
    # safety (zip, XML, OLE parsers) is imported when used: a collect whose memo holds
    # only lists the inbox (issue 8)
    from . import safety

    return safety.is_lock_file(name) or name.startswith(".~lock.")


def locked_workbook(lock: str, names: Collection[str]) -> str | None:
    """The workbook of `names` the lock file `lock` is the owner file of, or None.

    LibreOffice's `.~lock.Name#` names it whole; Excel's `~$Name` too, or, as Word does
    for a long name, with its first one or two characters left out (`~$dget.xlsx`)."""
    if lock.startswith(".~lock.") and lock.endswith("#"):
        name = lock[len(".~lock.") : -1]
        return name if name in names else None
    rest = lock[2:]
    if rest in names:
        return rest
    found = [n for n in names if n.endswith(rest) and len(n) - len(rest) in (1, 2)]
    return found[0] if len(found) == 1 and not is_lock(found[0]) else None


def utc_mtime(path: Path | os.stat_result) -> datetime:
    """A file's modification time in UTC, from its path or a stat of it already made."""
    stat = path.stat() if isinstance(path, Path) else path
    return datetime.fromtimestamp(stat.st_mtime, UTC)


def arrival(
    first_seen: datetime, file_mtime: datetime | None, saved: datetime | None = None
) -> datetime:
    """When a return came into inbox/, as far as budgetbook can tell: when a collect first
    saw its content, or the file's modification time then if that is earlier. A file
    saved from Outlook has the time it was saved as its mtime, so a return saved into
    inbox/ before the deadline and first collected after it came in time. Both are of
    the content's first sighting (the archive keeps them): a copy of the same bytes put
    into inbox/ later, with a new mtime, still came when the first did. A file time
    before the workbook's own saved time (`saved`; an unzipped file's 1980, say) says
    nothing of when it came: then no earlier than it was saved."""
    came = min(first_seen, file_mtime) if file_mtime is not None else first_seen
    # a day's margin: LibreOffice writes its local time as UTC, a PC's clock may be off
    if saved is not None and came < saved - timedelta(days=1):
        came = min(first_seen, saved)
    return came


@dataclass(slots=True)
class Received(ProblemCounts):
    """One file found in inbox/ and everything collect learned about it."""

    name: str
    path: Path
    sha256: str = ""
    size: int = 0
    mtime: datetime | None = None
    received: datetime | None = None
    first_mtime: datetime | None = None  # the file's mtime when its content was first seen
    content_time: datetime | None = None
    known_content_time: bool = False  # the archive has it already (from an earlier run)
    stored: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    identity: dict[str, str] = field(default_factory=dict)
    submission: Submission | None = None
    # the ram its feedback copy shows: the settings' now, when its workbook was sent
    # with another (`feedback_ram`)
    ram_now: RamNow | None = None
    avdelning: str = ""
    budgetbook: bool = False  # has our identity: a version of an avdelning's return
    lock: bool = False

    @property
    def saved(self) -> datetime:
        """Content time (workbook's own saved time), else the file's mtime."""
        return self.content_time or self.mtime or datetime.min.replace(tzinfo=UTC)

    @property
    def arrived(self) -> datetime | None:
        """When this content came into inbox/ (`arrival`); None if it was not received."""
        if self.received is None:
            return None
        return arrival(self.received, self.first_mtime, self.content_time)

    @property
    def unreadable(self) -> bool:
        from . import safety

        return any(p.code in safety.UNREADABLE_CODES for p in self.problems)

    @property
    def is_return(self) -> bool:
        """One of this round's returns, as far as its first arrival goes: not last
        year's workbook nor the blank template. One that could not be read (encrypted,
        saved as .xls, a failed read) was the avdelning's return all the same, sent
        again as asked (review)."""
        from . import rules

        not_a_return = rules.OTHER_TEMPLATE | {rules.BLANK_RETURN.code}
        return not any(p.code in not_a_return for p in self.problems)


def placed(
    sub: Submission,
    avdelning: str,
    file: str,
    path: Path,
    sha256: str,
    received: datetime | None,
) -> Submission:
    """A read return as collect places it: whose it is, under which file, and when it
    came. One place for both a full collect and one reused from its memo, so the two
    always give equal submissions."""
    out = replace(sub, avdelning=avdelning, file=file, path=path)
    out.sha256, out.received = sha256, received
    return out
