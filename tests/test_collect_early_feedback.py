"""Feedback workbooks foreseen and started by the reader pool before a collect is
assembled (issue 8): used only when they came out as the collect decides."""

from __future__ import annotations

import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl
import pytest

from budgetbook import rules
from budgetbook.archive import Archive, sha256_file
from budgetbook.collect_outputs import EarlyFeedback, write_outputs
from budgetbook.inbox import Received
from budgetbook.model import CollectResult, Problem, ReturnStatus
from budgetbook.problem_report import FEEDBACK_SHEET
from budgetbook.workspace import init_workspace

INBOX = Path(__file__).resolve().parents[1] / "inbox"


def _change(verksamhet: str) -> Problem:
    return rules.LARGE_CHANGE(
        file="Budget 2027 Ekonomiavdelningen.xlsx",
        sheet="Drift",
        cell="H9",
        avdelning="EKO",
        verksamhet=verksamhet,
        driftpost="Personal",
        forandring="+900",
        procent="45 %",
        ar=2026,
    )


def _messages(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path)[FEEDBACK_SHEET]
    return [row[4] for row in sheet.iter_rows(min_row=5, values_only=True) if row[4]]


def _collect_with(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    found: list[Problem],
    final: list[Problem],
) -> tuple[Path, list[Path], list[str]]:
    """write_outputs for one return whose reads found `found` and the whole collect
    `final`, with its feedback foreseen from `found` by a real pool."""
    ws = init_workspace(tmp_path / name)
    source = INBOX / "Budget 2027 Ekonomiavdelningen.xlsx"
    shutil.copy2(source, ws.inbox / source.name)
    path = ws.inbox / source.name
    rec = Received(source.name, path, sha256=sha256_file(path), stored=path)
    rec.budgetbook, rec.avdelning, rec.problems = True, "EKO", list(found)
    status = ReturnStatus("EKO", "Ekonomi", "varningar", file=source.name, warnings=len(final))
    result = CollectResult(statuses=[status], problems=list(final))
    settings = ws.settings()
    taken: list[Path] = []
    real_take = EarlyFeedback.take

    def take(self: EarlyFeedback, todo: list) -> dict:
        done = real_take(self, todo)
        taken.extend(done)
        return done

    with Archive(ws.output) as archive, ProcessPoolExecutor(max_workers=1) as pool:
        early = EarlyFeedback(pool, archive.root)
        early.foresee(ws, settings, [rec], archive)
        monkeypatch.setattr(EarlyFeedback, "take", take)
        outputs = write_outputs(ws, settings, result, [rec], archive, "fp", pool, early)
        leftovers = [p.name for p in archive.root.iterdir() if p.name.startswith(".")]
    return outputs["aterkoppling_EKO"], taken, leftovers


def test_foreseen_feedback_is_taken_when_it_came_out_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = [_change("Ekonomi")]
    book, taken, leftovers = _collect_with(tmp_path, monkeypatch, "same", found, found)
    assert taken == [book] and leftovers == []
    assert _messages(book) == [p.message for p in found]


def test_a_problem_found_across_returns_is_in_the_feedback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the checks across returns (or a choice between versions) add to what the reads
    # found: the foreseen workbook is dropped and the right one written
    found = [_change("Ekonomi")]
    final = [*found, _change("Lön")]
    book, taken, leftovers = _collect_with(tmp_path, monkeypatch, "more", found, final)
    assert taken == [] and leftovers == []
    assert _messages(book) == [p.message for p in final]


def test_folders_left_by_a_killed_collect_are_removed(tmp_path: Path) -> None:
    """A collect killed while the pool wrote early feedback leaves its folder in the
    archive; the next collect removes it, but not one a collect running now may use."""
    import os
    import time

    from budgetbook import actions, collect
    from budgetbook.leftovers import FOLDER_AFTER_S
    from budgetbook.output_names import EARLY_PREFIX

    inbox = sorted(INBOX.glob("*.xlsx"))
    assert len(inbox) >= collect.PARALLEL_MIN_FILES  # the pool is used
    ws = init_workspace(tmp_path / "ws")
    for f in inbox:
        shutil.copy2(f, ws.inbox / f.name)
    arkiv = ws.output / "arkiv"
    # named as `tempfile.mkdtemp` names them: only such folders are ours
    killed, running = arkiv / f"{EARLY_PREFIX}k1ll3d_x", arkiv / f"{EARLY_PREFIX}runn1ng_"
    for folder in (killed, running):
        folder.mkdir(parents=True)
        (folder / "aterkoppling_EKO_2027.xlsx").write_bytes(b"half written")
    old = time.time() - FOLDER_AFTER_S - 60
    os.utime(killed, (old, old))
    actions.collect(ws.root)
    assert not killed.exists()
    assert running.is_dir()


def test_folders_left_by_a_killed_collect_are_removed_without_a_pool_too(
    tmp_path: Path,
) -> None:
    # review: only a collect that used the reader pool removed them, so a round whose
    # inbox later held a few returns kept them for good
    import os
    import time

    from budgetbook import actions, collect
    from budgetbook.leftovers import FOLDER_AFTER_S
    from budgetbook.output_names import EARLY_PREFIX

    ws = init_workspace(tmp_path / "ws")
    inbox = sorted(INBOX.glob("*.xlsx"))[:1]
    assert len(inbox) < collect.PARALLEL_MIN_FILES  # no pool
    shutil.copy2(inbox[0], ws.inbox / inbox[0].name)
    killed = ws.output / "arkiv" / f"{EARLY_PREFIX}k1ll3d_x"
    killed.mkdir(parents=True)
    old = time.time() - FOLDER_AFTER_S - 60
    os.utime(killed, (old, old))
    actions.collect(ws.root)
    assert not killed.exists()
