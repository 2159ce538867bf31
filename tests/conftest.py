"""Fixtures shared by more than one test module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from budgetbook.workspace import Workspace, init_workspace

EXAMPLE_INBOX = Path(__file__).resolve().parents[1] / "inbox"


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    """The example round's returns (some with problems, so with feedback workbooks)."""
    ws = init_workspace(tmp_path / "ws")
    for f in sorted(EXAMPLE_INBOX.glob("*.xlsx")):
        shutil.copyfile(f, ws.inbox / f.name)
    return ws


@pytest.fixture()
def in_stockholm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone is Sweden's (this machine and CI run in UTC, where a
    time shown in UTC instead of local time would look right)."""
    import time

    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", "Europe/Stockholm")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
