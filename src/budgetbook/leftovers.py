"""Temporary files that a killed run left beside the outputs.

Every output is written to a temporary file beside it and renamed into place
(`workspace.atomic_write`, `write_bytes_atomically`). A run killed in between (a power
cut, Ctrl+C, Excel closed while its button ran) leaves that file behind, e.g.
`output/.konsolidering_2027.k3x9_q2a.xlsx`. Its leading dot hides it on Linux and
macOS but not on Windows, where finance staff see it and open a half-written workbook.
The next run removes such files, one listing per folder it writes (no per-return cost):

- only names of exactly the form our writers give the files of that folder, so a
  user's own file, even one whose name starts with a dot, is never touched;
- only files untouched for `LEFTOVER_AFTER_S`: a second run on the same workspace (two
  at once are supported) may be writing one right now;
- quietly: a file that cannot be removed (on Windows, one open in another program) is
  left for a later run.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

from .archive import ARCHIVE_DIR, FILES_DIR
from .output_names import FEEDBACK_DIR
from .workspace import Workspace, temp_name_regex

# Longer than any write by far: every output of a run of 1 000 returns is written
# within seconds (a temporary file's time changes as it is written), a slow network
# drive makes that minutes; and longer than the clock difference between a PC and
# the file server that sets the file's time (minutes at most in a Windows domain).
# Only a run stalled mid-write for an hour (a laptop asleep) could lose its temporary
# file to another run, and that run then fails with the previous output intact.
LEFTOVER_AFTER_S = 3600

_YEAR = r"\d{4}"


def _names(*pairs: tuple[str, str]) -> re.Pattern[str]:
    return re.compile("|".join(temp_name_regex(stem, suffix) for stem, suffix in pairs))


# Each folder a collect, consolidate or report writes, with what it writes there (for
# every budget year: the year in the settings may have changed since the killed run).
OUTPUT_NAMES = _names(
    (rf"inlamningskontroll_{_YEAR}", r"\.xlsx"),
    (rf"konsolidering_{_YEAR}", r"\.xlsx"),
    (rf"namndplan_{_YEAR}", r"\.docx"),
)
BELOW_OUTPUT: dict[str, re.Pattern[str]] = {
    FEEDBACK_DIR: _names((rf"aterkoppling_.+_{_YEAR}", r"\.xlsx")),  # `feedback_path`
    ARCHIVE_DIR: _names(("installningar", r"\.json")),  # settings_cache.CACHE_FILE
    # `Archive.receive`: the content's hash and the received name's suffix (or none)
    f"{ARCHIVE_DIR}/{FILES_DIR}": _names(("[0-9a-f]{64}", r"(?:\.[^.]{1,9})?")),
}
# `templates.template_name`
TEMPLATE_NAMES = _names((rf"Budget_{_YEAR}_.+", r"\.xlsx"))
# `panel.PANEL_FILE` and the xlwings.conf beside it, in the workspace folder
PANEL_NAMES = _names(("Budgetpanel", r"\.xlsm"), ("xlwings", r"\.conf"))


def remove_from_outputs(ws: Workspace, now: float | None = None) -> list[Path]:
    """Remove the leftovers in output/ and the folders below it that a run writes (at
    1 000 returns ~1.5 ms, most of it listing the archive's copies)."""
    removed = remove_leftovers(ws.output, OUTPUT_NAMES, now)
    for folder, names in BELOW_OUTPUT.items():
        removed += remove_leftovers(ws.output / folder, names, now)
    return removed


def remove_leftovers(folder: Path, names: re.Pattern[str], now: float | None = None) -> list[Path]:
    """Remove the files in `folder` (not below it) whose whole name matches `names` and
    that were not changed for `LEFTOVER_AFTER_S`; return those removed."""
    cutoff = (time.time() if now is None else now) - LEFTOVER_AFTER_S
    removed: list[Path] = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.startswith(".") or not names.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed
