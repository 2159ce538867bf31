"""Fixtures shared by more than one test module."""

from __future__ import annotations

import shutil
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
