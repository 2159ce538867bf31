"""Temporary files and folders a killed run left beside the outputs are removed by the
next run (on Windows their leading dot does not hide them: finance staff opened
half-written workbooks), but never a user's own file, nor one that another run writes
right now, whatever this PC's clock says against the file server's."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from budgetbook import actions
from budgetbook.leftovers import BELOW_OUTPUT, FILE_AFTER_S, FOLDER_AFTER_S
from budgetbook.output_names import EARLY_PREFIX
from budgetbook.workspace import Workspace, init_workspace

SRC = str(Path(__file__).resolve().parents[1] / "src")

# Killed while writing each output of a run: the temporary files are left as our own
# writers name them. The archive's copy is written last, killed just before its rename.
KILLED = """
import contextlib, os, sys
from pathlib import Path
from budgetbook import workspace
from budgetbook.workspace import atomic_write, write_bytes_atomically
out = Path(sys.argv[1])
targets = [
    out / "inlamningskontroll_2027.xlsx",
    out / "konsolidering_2027.xlsx",
    out / "namndplan_2027.docx",
    out / "aterkoppling" / "aterkoppling_EKO-2_2027.xlsx",
    out / "arkiv" / "installningar.json",
    out / "arkiv" / "filer" / ("ab" * 32 + ".xls"),
]
stack = contextlib.ExitStack()
for target in targets:
    stack.enter_context(atomic_write(target)).write_bytes(b"half written")
workspace.replace_into = lambda *_: os._exit(1)
write_bytes_atomically(out / "arkiv" / "filer" / ("cd" * 32 + ".xlsx"), b"half written")
"""


def _killed_run(output: Path) -> list[Path]:
    done = subprocess.run(
        [sys.executable, "-c", KILLED, str(output)],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    left = sorted(p for p in output.rglob(".*") if p.is_file())
    assert len(left) == 7, left
    return left


def _age(*paths: Path, after: float = FILE_AFTER_S) -> None:
    old = time.time() - after - 60
    for path in paths:
        os.utime(path, (old, old))


def test_a_killed_run_s_temporary_files_are_removed_by_the_next_collect(ws: Workspace) -> None:
    left = _killed_run(ws.output)
    _age(*left)
    actions.collect(ws.root)
    assert [p for p in left if p.exists()] == []
    assert sorted(p.name for p in ws.output.rglob(".*")) == []


def test_one_another_run_writes_now_is_kept(ws: Workspace) -> None:
    left = _killed_run(ws.output)
    writing = left[0]
    _age(*left[1:])
    actions.collect(ws.root)
    assert [p for p in left if p.exists()] == [writing]


def test_a_user_s_own_dot_files_are_never_touched(ws: Workspace) -> None:
    near_misses = [
        ws.output / ".konsolidering_2027.xlsx",
        ws.output / ".minbudget.xlsx",
        ws.output / ".~lock.konsolidering_2027.xlsx#",  # LibreOffice's lock file
        ws.output / ".konsolidering_2027.k3x9q2aa.xlsx.bak",
        ws.output / ".konsolidering_2027.K3X9Q2AA.xlsx",
        ws.output / ".konsolidering_2027.k3x9q2a.xlsx",
        ws.output / ".konsolidering_27.k3x9q2aa.xlsx",
        ws.output / ".namndplan_2027.k3x9q2aa.xlsx",
        ws.output / "konsolidering_2027.k3x9q2aa.xlsx",
        ws.output / "aterkoppling" / ".konsolidering_2027.k3x9q2aa.xlsx",
        ws.output / "arkiv" / "filer" / ".abc.k3x9q2aa.xlsx",
        ws.output / "annat" / ".konsolidering_2027.k3x9q2aa.xlsx",  # not a folder we write
        ws.inbox / ".konsolidering_2027.k3x9q2aa.xlsx",
        ws.root / ".konsolidering_2027.k3x9q2aa.xlsx",
    ]
    for path in near_misses:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"mine")
    folder = ws.output / ".namndplan_2027.k3x9q2aa.docx"  # a folder, not a file
    folder.mkdir()
    (folder / "x").write_bytes(b"mine")
    link = ws.output / ".konsolidering_2026.k3x9q2aa.xlsx"  # a link: not ours either
    link.symlink_to(ws.settings_file)
    _age(*near_misses, folder)
    os.utime(link, (time.time() - FILE_AFTER_S - 60,) * 2, follow_symlinks=False)
    actions.run(ws.root)
    assert [p for p in near_misses if not p.exists()] == []
    assert (folder / "x").exists() and link.is_symlink()


def test_templates_and_panel_remove_their_own(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    theirs = [
        ws.templates / ".Budget_2027_EKO.k3x9q2aa.xlsx",
        ws.root / ".Budgetpanel.k3x9q2aa.xlsm",
        ws.root / ".xlwings.k3x9q2aa.conf",
    ]
    mine = [ws.templates / ".EKO.k3x9q2aa.xlsx", ws.root / ".Budgetpanel.xlsm"]
    for path in theirs + mine:
        path.write_bytes(b"half written")
    _age(*theirs, *mine)
    actions.templates(ws.root)
    assert not theirs[0].exists() and theirs[1].exists()
    actions.panel(ws.root)
    assert [p for p in theirs if p.exists()] == []
    assert [p for p in mine if not p.exists()] == []


def test_every_folder_a_run_writes_in_is_cleaned(ws: Workspace) -> None:
    actions.run(ws.root)
    written = {
        p.parent.relative_to(ws.output).as_posix()
        for p in ws.output.rglob("*")
        if p.is_file() and not p.name.startswith("arkiv.sqlite")
    }
    assert written <= {".", *BELOW_OUTPUT}


# This PC's clock against the file server's that sets the files' times: a run's
# temporary files are judged by the folder's own clock (review: a server more than the
# threshold behind the PC made a fresh file look old, one ahead kept old ones).
SKEWS = pytest.mark.parametrize("pc_ahead_by", [2, -2], ids=["pc-ahead", "pc-behind"])


def _pc_clock(monkeypatch: pytest.MonkeyPatch, ahead_by_s: float) -> None:
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + ahead_by_s)


@SKEWS
def test_files_are_judged_by_the_folder_s_clock(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, pc_ahead_by: int
) -> None:
    left = _killed_run(ws.output)
    writing, killed = left[0], left[1:]
    _age(*killed)  # by the file server's clock
    _pc_clock(monkeypatch, pc_ahead_by * FILE_AFTER_S)
    actions.collect(ws.root)
    assert [p for p in left if p.exists()] == [writing]


@SKEWS
def test_early_feedback_folders_are_judged_by_the_folder_s_clock(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, pc_ahead_by: int
) -> None:
    arkiv = ws.output / "arkiv"
    killed, running = arkiv / f"{EARLY_PREFIX}k1ll3d_x", arkiv / f"{EARLY_PREFIX}runn1ng_"
    for folder in (killed, running):
        folder.mkdir(parents=True)
        (folder / "aterkoppling_EKO_2027.xlsx").write_bytes(b"half written")
    _age(killed, after=FOLDER_AFTER_S)
    _pc_clock(monkeypatch, pc_ahead_by * FOLDER_AFTER_S)
    actions.collect(ws.root)
    assert not killed.exists() and running.is_dir()


def test_a_user_s_own_folders_in_the_archive_are_never_touched(ws: Workspace) -> None:
    arkiv = ws.output / "arkiv"
    mine = [
        arkiv / f"{EARLY_PREFIX}mina",  # review: every folder so named was removed
        arkiv / f"{EARLY_PREFIX}abcd1234.bak",
        arkiv / f"{EARLY_PREFIX}ABCD1234",
        ws.output / f"{EARLY_PREFIX}abcd1234",  # not where a collect makes them
    ]
    for folder in mine:
        folder.mkdir(parents=True)
        (folder / "x").write_bytes(b"mine")
    _age(*mine, after=FOLDER_AFTER_S)
    actions.collect(ws.root)
    assert [p for p in mine if not (p / "x").exists()] == []


def test_a_clock_probe_a_killed_run_left_is_removed(ws: Workspace) -> None:
    probes = [ws.output / ".budgetbook-klocka.0a1b2c3d", ws.root / ".budgetbook-klocka.k3x9q2aa"]
    for probe in probes:
        probe.write_bytes(b"")
    _age(*probes)
    actions.collect(ws.root)
    actions.panel(ws.root)
    assert [p for p in probes if p.exists()] == []
