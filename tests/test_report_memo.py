"""`run` again with nothing new keeps the consolidated workbook and the Word draft
(issue 8: on deadline day the buttons are pressed again and again); anything they are
made from that changes, or a file changed by hand, makes both be written again."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from budgetbook import actions, report_memo
from budgetbook.cli import main
from budgetbook.workspace import Workspace, init_workspace

INBOX = Path(__file__).resolve().parents[1] / "inbox"
pytestmark = pytest.mark.slow


def _states(ws: Workspace) -> dict[str, tuple[int, bytes]]:
    """Each document's modification time and bytes."""
    return {
        p.name: (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(ws.output.glob("*.*"))
        if p.name.startswith(("konsolidering_", "namndplan_"))
    }


def _run(ws: Workspace, today: dt.date | None = None) -> actions.Reported:
    r = actions.open_round(ws.root, collecting=True)
    reported = actions.consolidate_and_report_round(r, actions.collect_round(r), today=today)
    assert reported.workbook.is_file() and reported.draft.is_file()
    return reported


def _type_into_drift(path: Path) -> None:
    """A department head changes one amount in the Drift sheet and saves."""
    wb = openpyxl.load_workbook(path)
    sheet = wb["Drift"]
    cell = next(
        c
        for row in sheet.iter_rows(min_col=5)
        for c in row
        if isinstance(c.value, int | float) and not isinstance(c.value, bool)
    )
    cell.value += 10
    wb.save(path)


def test_nothing_new_keeps_both_documents_and_any_change_writes_them(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    for f in sorted(INBOX.glob("*.xlsx")):
        shutil.copy2(f, ws.inbox / f.name)

    first = _run(ws)
    assert not first.kept and first.consolidation is not None
    written = _states(ws)
    assert len(written) == 2

    again = _run(ws)
    assert again.kept and again.consolidation is None
    assert again.problems == first.problems
    assert _states(ws) == written  # not even rewritten with the same bytes

    # the draft edited by hand: both are written again (and then kept again)
    draft = first.draft
    draft.write_bytes(draft.read_bytes() + b"\0")
    assert not _run(ws).kept
    assert _run(ws).kept

    # the workbook removed
    first.workbook.unlink()
    assert not _run(ws).kept

    # another day: the draft's header carries the date
    assert not _run(ws, dt.date.today() + dt.timedelta(days=1)).kept
    assert not _run(ws).kept

    # a text of the nämnd changed (a settings file)
    text = next(ws.root.glob("texter/*.md"))
    text.write_text(text.read_text(encoding="utf-8") + "\nEn mening till.\n", encoding="utf-8")
    assert not _run(ws).kept

    # a return changed
    _type_into_drift(next(ws.inbox.glob("*.xlsx")))
    changed = _run(ws)
    assert not changed.kept
    assert _run(ws).kept

    # the workbook alone written again (the Konsolidera button): both are written
    # unless it came out byte for byte the same (its save time has whole seconds)
    before = changed.workbook.read_bytes()
    r = actions.open_round(ws.root, collecting=True)
    actions.consolidate_round(r, actions.collect_round(r))
    assert _run(ws).kept is (changed.workbook.read_bytes() == before)


def test_the_cli_says_the_documents_were_kept(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    for f in sorted(INBOX.glob("*.xlsx")):
        shutil.copy2(f, ws.inbox / f.name)
    runner = CliRunner()
    first = runner.invoke(main, ["run", "-w", str(ws.root)])
    assert first.exit_code == 0, first.output
    assert report_memo.KEPT_NOTE not in first.output
    again = runner.invoke(main, ["run", "-w", str(ws.root)])
    assert again.exit_code == 0, again.output
    assert report_memo.KEPT_NOTE in again.output
    # the consolidation's findings are shown again, as the first run showed them
    tail = first.output.split("Inlämningar:")[1].splitlines()[1:]
    assert [
        ln
        for ln in again.output.split("Inlämningar:")[1].splitlines()[1:]
        if ln != report_memo.KEPT_NOTE
    ] == tail


def test_a_collect_without_a_known_basis_never_keeps(tmp_path: Path) -> None:
    """Without the collect's basis (e.g. a transient failure left no memo) the
    documents are always written."""
    ws = init_workspace(tmp_path / "ws")
    for f in sorted(INBOX.glob("*.xlsx")):
        shutil.copy2(f, ws.inbox / f.name)
    _run(ws)
    r = actions.open_round(ws.root, collecting=True)
    collected = actions.collect_round(r)
    assert collected.basis
    collected.basis = ""
    assert not actions.consolidate_and_report_round(r, collected).kept


def test_a_busy_archive_never_fails_a_run_that_wrote_both(tmp_path: Path) -> None:
    """review: with the archive locked by another process as the pair was recorded,
    `run` failed after writing both documents; now they are only not kept next time."""
    import sqlite3

    from budgetbook.archive import ARCHIVE_DIR, LEDGER

    ws = init_workspace(tmp_path / "ws")
    for f in sorted(INBOX.glob("*.xlsx")):
        shutil.copy2(f, ws.inbox / f.name)
    r = actions.open_round(ws.root, collecting=True)
    collected = actions.collect_round(r)
    other = sqlite3.connect(ws.output / ARCHIVE_DIR / LEDGER)
    other.execute("BEGIN EXCLUSIVE")
    try:
        reported = actions.consolidate_and_report_round(r, collected)
    finally:
        other.rollback()
        other.close()
    assert not reported.kept and reported.workbook.is_file() and reported.draft.is_file()
    assert not _run(ws).kept  # nothing was recorded: written again


def test_a_kept_run_ends_each_stage_once(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    for f in sorted(INBOX.glob("*.xlsx")):
        shutil.copy2(f, ws.inbox / f.name)
    for kept in (False, True):
        stages: list[str] = []
        result = actions.run_round(actions.open_round(ws.root, collecting=True), stages.append)
        assert result.reported is not None and result.reported.kept is kept
        assert stages == ["collect", "consolidate", "report"]


def test_a_run_with_no_return_accepted_any_more_leaves_no_earlier_draft(tmp_path: Path) -> None:
    """The only accepted return was replaced by a corrected version with an error: `run`
    said "Ingen konsolidering och inget Word-utkast" and left the earlier run's workbook
    and draft in output/, made from a return no longer accepted, to be taken for this
    run's (as a feedback workbook for a return now fine is removed)."""
    ws = init_workspace(tmp_path / "ws")
    source = sorted(INBOX.glob("*.xlsx"))[0]
    shutil.copy2(source, ws.inbox / source.name)
    runner = CliRunner()
    first = runner.invoke(main, ["run", "-w", str(ws.root)])
    assert first.exit_code == 0, first.output
    assert len(_states(ws)) == 2

    # the head sends a corrected version under the same name; its net budget misses the
    # ram (BB401), so no return is accepted
    wb = openpyxl.load_workbook(ws.inbox / source.name)
    wb["Drift"]["F12"].value += 300
    wb.save(ws.inbox / source.name)
    again = runner.invoke(main, ["run", "-w", str(ws.root)])
    assert again.exit_code == 1, again.output
    assert "BB401" in again.output and "Ingen konsolidering" in again.output
    assert _states(ws) == {}
    assert report_memo.REMOVED_NOTE in again.output
    assert "konsolidering:" not in again.output and "namndplan:" not in again.output

    # nothing left to remove: nothing said about it
    third = runner.invoke(main, ["run", "-w", str(ws.root)])
    assert report_memo.REMOVED_NOTE not in third.output
