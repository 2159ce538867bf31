"""Workspace folders and atomic output writing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from budgetbook.errors import WorkspaceError
from budgetbook.workspace import atomic_write, init_workspace, open_workspace


def test_atomic_write_gives_normal_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "out.xlsx"
        with atomic_write(target) as tmp:
            tmp.write_bytes(b"data")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_write(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]


def test_init_creates_the_folders_and_opens(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "runda")
    for name in ("workbook_templates", "inbox", "output", "texter"):
        assert (ws.root / name).is_dir()
    assert open_workspace(ws.root).settings().kommun == "Exempelkommun"
    with pytest.raises(WorkspaceError):
        init_workspace(ws.root)
    with pytest.raises(WorkspaceError):
        open_workspace(tmp_path)


def test_init_keeps_files_already_in_the_folder(tmp_path: Path) -> None:
    """Regression: init into a folder without budgetbook.toml kept a prior-year file of
    the user's but replaced the texts in texter/ with the example's, without a word
    (texter/ was copied over, file by file)."""
    root = tmp_path / "runda2028"
    (root / "texter").mkdir(parents=True)
    (root / "texter" / "sammanfattning.md").write_text("Vår egen sammanfattning.", "utf-8")
    (root / "foregaende_ar.csv").write_text("verksamhet;driftpost;budget;prognos\n", "utf-8")
    init_workspace(root)
    assert (root / "texter" / "sammanfattning.md").read_text("utf-8") == "Vår egen sammanfattning."
    assert (root / "foregaende_ar.csv").read_text("utf-8").startswith("verksamhet;driftpost;")
    assert (root / "texter" / "inledning.md").is_file()  # the missing ones still come


def test_demo_refuses_a_folder_with_content(tmp_path: Path) -> None:
    """Regression: demo into an existing folder overwrote same-named files in its inbox."""
    from budgetbook import actions

    (tmp_path / "inbox").mkdir()
    mine = tmp_path / "inbox" / "Budget 2027 Personalavdelningen.xlsx"
    mine.write_bytes(b"a department head's file")
    with pytest.raises(WorkspaceError, match="inte tom"):
        actions.demo(tmp_path)
    assert mine.read_bytes() == b"a department head's file"


def test_bytes_written_atomically(tmp_path: Path) -> None:
    """The archive's copies (issue 8): usual permissions, the previous file replaced in
    one step, no temporary file left, a folder removed by hand made again."""
    from budgetbook.workspace import write_bytes_atomically

    old = os.umask(0o022)
    try:
        target = tmp_path / "arkiv" / "abc.xlsx"
        write_bytes_atomically(target, b"first")
        write_bytes_atomically(target, b"second")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["abc.xlsx"]


def test_failed_bytes_write_leaves_nothing(tmp_path: Path) -> None:
    from budgetbook.workspace import write_bytes_atomically

    target = tmp_path / "abc.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_bytes_atomically(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["abc.xlsx"]
