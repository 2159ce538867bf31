"""Where a collect's reports go in output/: the problem report and the feedback workbooks.

Apart from their writers (`problem_report`, `collect_outputs`) because a collect whose
memo holds lists the feedback folder without importing them (issue 8)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import Avdelning, Settings

FEEDBACK_DIR = "aterkoppling"
# The folder (`tempfile.mkdtemp`'s prefix, in the archive folder) where a collect's
# reader pool writes the feedback it foresees (`collect_outputs.EarlyFeedback`).
EARLY_PREFIX = ".aterkoppling-"


def report_path(output: Path, settings: Settings) -> Path:
    return output / f"inlamningskontroll_{settings.budget_year}.xlsx"


def file_part(avdelning: str) -> str:
    """An avdelning's code as it stands in its feedback workbook's name."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in avdelning) or "okand"


# Not in a Windows file name: an avdelning's template is named after its code.
_NOT_IN_FILE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def file_name_problem(codes: list[str]) -> tuple[int, str] | None:
    """(index, Swedish reason) of the first avdelning code that cannot name its
    template and feedback workbook, or that makes the same name as an earlier one (on
    Windows, where case does not tell names apart): one avdelning's workbook would be
    written over another's. None when every code makes its own names."""
    seen: dict[str, str] = {}
    for i, code in enumerate(codes):
        if not code or _NOT_IN_FILE_NAME.search(code) or code != code.strip(" ."):
            return i, (
                f"koden {code!r} kan inte ingå i ett filnamn (avdelningens mall och "
                "återkoppling heter efter den); använd bokstäver, siffror, - och _."
            )
        for name in {code.casefold(), file_part(code).casefold()}:
            if seen.setdefault(name, code) != code:
                return i, (
                    f"koderna {seen[name]!r} och {code!r} ger samma filnamn för mallar "
                    "eller återkoppling; ändra den ena."
                )
    return None


def template_name(settings: Settings, avdelning: Avdelning) -> str:
    """An avdelning's department workbook, as `templates` writes it (here, not there:
    the reminders name it without importing the template writer)."""
    return f"Budget_{settings.budget_year}_{avdelning.code}.xlsx"


def feedback_file_name(avdelning: str, settings: Settings) -> str:
    return f"aterkoppling_{file_part(avdelning)}_{settings.budget_year}.xlsx"


def feedback_path(output: Path, avdelning: str, settings: Settings) -> Path:
    return output / FEEDBACK_DIR / feedback_file_name(avdelning, settings)


def feedback_folder(output: Path, settings: Settings) -> Path:
    return feedback_path(output, "x", settings).parent


def feedback_pattern(settings: Settings) -> str:
    return f"aterkoppling_*_{settings.budget_year}.xlsx"


def feedback_names(folder: Path, pattern: str) -> list[str]:
    """The feedback workbooks in `folder` now, by name, sorted."""
    return sorted(p.name for p in folder.glob(pattern)) if folder.is_dir() else []
