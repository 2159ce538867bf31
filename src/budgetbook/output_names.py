"""Where a collect's reports go in output/: the problem report and the feedback workbooks.

Apart from their writers (`problem_report`, `collect_outputs`) because a collect whose
memo holds lists the feedback folder without importing them (issue 8)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import Settings

FEEDBACK_DIR = "aterkoppling"


def report_path(output: Path, settings: Settings) -> Path:
    return output / f"inlamningskontroll_{settings.budget_year}.xlsx"


def feedback_path(output: Path, avdelning: str, settings: Settings) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in avdelning) or "okand"
    return output / FEEDBACK_DIR / f"aterkoppling_{safe}_{settings.budget_year}.xlsx"


def feedback_folder(output: Path, settings: Settings) -> Path:
    return feedback_path(output, "x", settings).parent


def feedback_pattern(settings: Settings) -> str:
    return f"aterkoppling_*_{settings.budget_year}.xlsx"


def feedback_names(folder: Path, pattern: str) -> list[str]:
    """The feedback workbooks in `folder` now, by name, sorted."""
    return sorted(p.name for p in folder.glob(pattern)) if folder.is_dir() else []
