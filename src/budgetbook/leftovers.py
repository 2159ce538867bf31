"""Temporary files and folders that a killed run left beside the outputs.

Every output is written to a temporary file beside it and renamed into place
(`workspace.atomic_write`, `write_bytes_atomically`), and a collect's reader pool writes
the feedback it foresees into a folder of its own in the archive folder
(`collect_outputs.EarlyFeedback`). A run killed in between (a power cut, Ctrl+C, Excel
closed while its button ran) leaves them behind, e.g.
`output/.konsolidering_2027.k3x9_q2a.xlsx`. Their leading dot hides them on Linux and
macOS but not on Windows, where finance staff see them and open a half-written workbook.
The next run removes them, one listing per folder it writes (no per-return cost), by
one rule: an entry is abandoned when

- its name is exactly one our writers give in that folder, and it is what they make
  there (a file, or an early-feedback folder; never a link), so a user's own file or
  folder, even one whose name starts with a dot, is never touched;
- and it has not changed for its kind's time (`FILE_AFTER_S`, `FOLDER_AFTER_S`): a
  second run on the same workspace (two at once are supported) may be writing it now.
  That time is judged by the clock of the file system that holds the folder, read from a
  probe file made there (only when the folder holds a candidate; `folder_clock`): on a
  file server whose clock differs from the PC's by more than that time, a fresh file
  would look old (and be removed while another run writes it) or an old one fresh.

A file or folder that cannot be removed (on Windows, one open in another program) is
left quietly for a later run.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from .archive import ARCHIVE_DIR, FILES_DIR
from .output_names import EARLY_PREFIX, FEEDBACK_DIR
from .workspace import TEMP_RANDOM, Workspace, temp_name_regex

# A temporary file is written to from the moment it is made until it is renamed (its
# time changes as it is written): every output of a run of 1 000 returns within
# seconds, on a slow network drive minutes. Only a run stalled mid-write for an hour (a
# laptop asleep) could lose its file to another run, which then fails with the previous
# output intact.
FILE_AFTER_S = 3600
# An early-feedback folder's time changes only when a workbook is added to it, not while
# one is written, and what it holds (unsent copies of feedback) takes no more room than
# the feedback itself: longer, so that even a collect stalled for hours keeps its own.
FOLDER_AFTER_S = 6 * 3600

# `folder_clock`'s probe: a temporary name of the usual form, so that one a run killed
# in the instant it existed is removed like any other leftover.
PROBE_STEM = "budgetbook-klocka"

_YEAR = r"\d{4}"


def _names(*pairs: tuple[str, str]) -> str:
    pairs += ((PROBE_STEM, ""),)
    return "|".join(temp_name_regex(stem, suffix) for stem, suffix in pairs)


@dataclass(frozen=True, slots=True)
class Ours:
    """The names our runs give what they leave in one folder if killed, as regular
    expressions. Kept as text and compiled by `re` (which keeps them) for the first
    entry with a leading dot: most runs find none, and compiling all of them at import
    was ~2 ms of a collect whose memo holds, in a new process (issue 8)."""

    files: str
    folders: str | None = None


# Each folder a collect, consolidate or report writes, with what it writes there (for
# every budget year: the year in the settings may have changed since the killed run).
IN_OUTPUT = Ours(
    _names(
        (rf"inlamningskontroll_{_YEAR}", r"\.xlsx"),
        (rf"konsolidering_{_YEAR}", r"\.xlsx"),
        (rf"namndplan_{_YEAR}", r"\.docx"),
    )
)
BELOW_OUTPUT: dict[str, Ours] = {
    FEEDBACK_DIR: Ours(_names((rf"aterkoppling_.+_{_YEAR}", r"\.xlsx"))),  # `feedback_path`
    ARCHIVE_DIR: Ours(
        _names(("installningar", r"\.json")),  # settings_cache.CACHE_FILE
        re.escape(EARLY_PREFIX) + TEMP_RANDOM,  # `tempfile.mkdtemp`'s
    ),
    # `Archive.receive`: the content's hash and the received name's suffix (or none)
    f"{ARCHIVE_DIR}/{FILES_DIR}": Ours(_names(("[0-9a-f]{64}", r"(?:\.[^.]{1,9})?"))),
}
# `output_names.template_name`
IN_TEMPLATES = Ours(_names((rf"Budget_{_YEAR}_.+", r"\.xlsx")))
# `panel.PANEL_FILE` and the xlwings.conf beside it, in the workspace folder
IN_WORKSPACE = Ours(_names(("Budgetpanel", r"\.xlsm"), ("xlwings", r"\.conf")))


def remove_from_outputs(ws: Workspace) -> list[Path]:
    """Remove the leftovers in output/ and the folders below it that a run writes (at
    1 000 returns ~0.6–1.5 ms, most of it listing the archive's copies)."""
    removed = remove_leftovers(ws.output, IN_OUTPUT)
    for folder, ours in BELOW_OUTPUT.items():
        removed += remove_leftovers(ws.output / folder, ours)
    return removed


def remove_leftovers(folder: Path, ours: Ours) -> list[Path]:
    """Remove the abandoned files and folders in `folder` (not below it) by the rule in
    the module's docstring; return those removed."""
    removed: list[Path] = []
    now: float | None = None  # the folder's clock, read at the first candidate
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if not name.startswith("."):
                continue
            if re.fullmatch(ours.files, name):
                is_folder, after = False, FILE_AFTER_S
            elif ours.folders is not None and re.fullmatch(ours.folders, name):
                is_folder, after = True, FOLDER_AFTER_S
            else:
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                is_kind = stat.S_ISDIR if is_folder else stat.S_ISREG
                if not is_kind(info.st_mode):
                    continue
                if now is None:
                    now = folder_clock(folder)
                if info.st_mtime < now - after:
                    _remove(entry.path, is_folder)
                    removed.append(Path(entry.path))
    return removed


def folder_clock(folder: Path) -> float:
    """Now by the clock that sets the times of the files in `folder`: the time its file
    system gives a file made there now (on a network drive, the file server's), so that
    a file's age there does not depend on this PC's clock. This PC's clock when no file
    can be made there."""
    import secrets  # imported when there is a candidate: see `Workspace.settings`

    probe = os.path.join(folder, f".{PROBE_STEM}.{secrets.token_hex(4)}")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError:
        return time.time()
    try:
        return os.fstat(fd).st_mtime
    except OSError:
        return time.time()
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(probe)


def _remove(path: str, is_folder: bool) -> None:
    if is_folder:
        import shutil  # only when there is one: see `Workspace.settings`

        shutil.rmtree(path)  # an OSError leaves the rest for a later run
    else:
        os.unlink(path)
