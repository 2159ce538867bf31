"""Returns that came after the round's deadline, marked for the office: in the
inlämningskontroll's Status sheet, the CLI, the JSON and the panel's summary. When a
return came is when a collect first saw its content, or the file's time then if
earlier (a file saved from Outlook), judged by the date in Sweden; a mark, never a
problem, and nothing of it in the department head's feedback copy.

Real files: the example round's returns (written by our template writer and filled with
openpyxl), their file times set as a mail program or a copy leaves them, collected by
`actions.collect` and read back with openpyxl. The example round's deadline is
20 november 2026, past on any clock these tests run on, so every return is first seen
after it: its file's time decides."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

import wb_builders
from budgetbook import actions, collect_memo, deadline
from budgetbook.archive import Archive
from budgetbook.cli import main
from budgetbook.collect_memo import DeferredSubmissions
from budgetbook.model import ReturnStatus
from budgetbook.output_names import feedback_path, report_path
from budgetbook.problem_report import DEADLINE_HEADING, STATUS_HEADINGS, status_headings
from budgetbook.settings import load_settings
from budgetbook.workspace import Workspace

pytestmark = pytest.mark.slow

SWEDEN = ZoneInfo("Europe/Stockholm")
DEADLINE = dt.date(2026, 11, 20)  # the example round's
EKO = "Budget 2027 Ekonomiavdelningen.xlsx"
FMO = "Budget 2027 Förtroendemannaorganisationen.xlsx"  # has a warning (BB302)
PORT = "Budget 2027 Portföljstyrning.xlsx"
GOLDEN = Path(__file__).parent / "data" / "deadline"


def in_sweden(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SWEDEN)


def stamp(path: Path, when: dt.datetime) -> None:
    """The file's modification time, as saving it from a mail program then leaves it."""
    os.utime(path, (when.timestamp(), when.timestamp()))


def set_deadline(ws: Workspace, day: dt.date | None) -> None:
    toml = ws.settings_file.read_text(encoding="utf-8")
    line = f"deadline = {day.isoformat()}\n" if day is not None else ""
    toml, n = re.subn(r"^deadline = .*\n", line, toml, flags=re.MULTILINE)
    assert n == 1
    ws.settings_file.write_text(toml, encoding="utf-8")


def by_code(statuses: list[ReturnStatus]) -> dict[str, ReturnStatus]:
    return {s.avdelning: s for s in statuses}


def assert_golden(name: str, text: str) -> None:
    wb_builders.assert_golden(GOLDEN, name, text)


@pytest.fixture()
def late_round(ws: Workspace) -> Workspace:
    """Every return saved into the inbox days before the deadline, but EKO's at 23:30
    on the deadline day (in time) and FMO's at 03:10 the day after (late), its workbook
    saved five minutes before that (beyond the slack kept for LibreOffice's saved
    times); PORT's return missing."""
    wb_builders.saved_at(ws.inbox / FMO, in_sweden(2026, 11, 21, 3, 5))
    for path in ws.inbox.glob("*.xlsx"):
        stamp(path, in_sweden(2026, 11, 17, 9, 0))
    stamp(ws.inbox / EKO, in_sweden(2026, 11, 20, 23, 30))
    stamp(ws.inbox / FMO, in_sweden(2026, 11, 21, 3, 10))
    (ws.inbox / PORT).unlink()
    return ws


def test_late_and_overdue_are_marked_by_the_date_in_sweden(late_round: Workspace) -> None:
    result = actions.collect(late_round.root)
    s = by_code(result.statuses)
    assert (s["FMO"].late, s["FMO"].deadline_note) == (True, "Inkom efter sista dag")
    assert (s["EKO"].late, s["EKO"].deadline_note) == (False, "")
    assert s["EKO"].received == in_sweden(2026, 11, 20, 23, 30)
    assert (s["PORT"].late, s["PORT"].deadline_note) == (True, "Saknas – sista dag var 20 november")
    assert [c for c, st in s.items() if st.deadline_note] == ["FMO", "PORT"]
    # a mark, not a problem: FMO's return is accepted, with only its own warning
    assert s["FMO"].status == "varningar" and (s["FMO"].errors, s["FMO"].warnings) == (0, 1)
    assert "FMO" in {sub.avdelning for sub in result.submissions}
    assert not any("sista dag" in p.message.casefold() for p in result.problems)


def test_the_status_sheet_and_the_command_line_show_the_marks(late_round: Workspace) -> None:
    output = CliRunner().invoke(main, ["collect", "-w", str(late_round.root)]).output
    lines = [line for line in output.splitlines() if line.startswith("  ") and "[" not in line]
    assert_golden("collect.txt", "\n".join(lines[:8]) + "\n")

    settings = load_settings(late_round.settings_file)
    sheet = openpyxl.load_workbook(report_path(late_round.output, settings))["Status"]
    assert sheet["A2"].value == "Sista dag för inlämning: 20 november 2026."
    headings = [c.value for c in sheet[3]]
    assert headings == list(status_headings(settings))
    assert headings[headings.index("Mottagen") + 1] == DEADLINE_HEADING
    marks = {
        sheet.cell(r, 1).value: sheet.cell(r, headings.index(DEADLINE_HEADING) + 1).value
        for r in range(4, sheet.max_row + 1)
    }
    assert marks["FMO"] == "Inkom efter sista dag"
    assert marks["PORT"] == "Saknas – sista dag var 20 november"
    assert {code for code, mark in marks.items() if mark} == {"FMO", "PORT"}

    # the department head's feedback copy lists what to correct in the workbook only
    feedback = openpyxl.load_workbook(feedback_path(late_round.output, "FMO", settings))
    texts = [
        str(c.value)
        for ws in feedback.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]
    assert texts and not any("efter sista dag" in t for t in texts)

    data = json.loads(
        CliRunner().invoke(main, ["collect", "-w", str(late_round.root), "--json"]).output
    )
    fmo = next(st for st in data["statuses"] if st["avdelning"] == "FMO")
    assert (fmo["late"], fmo["deadline_note"]) == (True, "Inkom efter sista dag")
    assert fmo["received"] == "2026-11-21T02:10:00+00:00"


def test_a_copy_put_in_again_later_came_when_the_first_did(late_round: Workspace) -> None:
    """Same bytes, saved into the inbox again after the deadline (a new mtime): the
    archive knows the content and when it came, for the memo's re-run and for a full
    collect on a later day alike."""
    first = actions.collect(late_round.root)
    data = (late_round.inbox / EKO).read_bytes()
    (late_round.inbox / EKO).unlink()
    (late_round.inbox / EKO).write_bytes(data)  # now: after the deadline
    rerun = actions.collect(late_round.root)
    assert isinstance(rerun.submissions, DeferredSubmissions)  # its own saved time: the memo
    assert rerun.statuses == first.statuses
    with Archive(late_round.output) as archive:
        archive.clear_memo()  # as after a change of code: every return received again
    again = actions.collect(late_round.root)
    assert not isinstance(again.submissions, DeferredSubmissions)
    assert again.statuses == first.statuses
    eko = by_code(again.statuses)["EKO"]
    assert (eko.late, eko.deadline_note) == (False, "")
    assert eko.received == in_sweden(2026, 11, 20, 23, 30)


def test_a_new_version_after_the_deadline_is_not_late_when_the_first_came_in_time(
    late_round: Workspace,
) -> None:
    """A correction sent after the deadline, the first version no longer in the inbox
    (as BB502 advises): the archive knows the first came in time."""
    actions.collect(late_round.root)
    wb = openpyxl.load_workbook(late_round.inbox / EKO)  # as the head corrects it in Excel
    text = next(c for row in wb["Texter"].iter_rows() for c in row if len(str(c.value)) > 60)
    text.value = f"{text.value} Rättad efter återkopplingen."
    wb.save(late_round.inbox / EKO)
    eko = by_code(actions.collect(late_round.root).statuses)["EKO"]
    assert eko.received is not None and deadline.swedish_day(eko.received) > DEADLINE
    assert (eko.late, eko.deadline_note) == (False, deadline.LATER_VERSION)


def test_a_workbook_saved_in_time_but_in_the_inbox_after_is_not_late(
    late_round: Workspace,
) -> None:
    """An attachment saved into inbox/ the morning after the deadline: the file's time
    is after it, but the workbook says it was saved in time (the example's returns were
    saved days before): the mail tells whether it was sent in time, so it is not
    marked. Before, every return of a round collected the day after the deadline (and
    every return of the bundled example) was marked late."""
    stamp(late_round.inbox / EKO, in_sweden(2026, 11, 21, 8, 15))
    result = actions.collect(late_round.root)
    eko = by_code(result.statuses)["EKO"]
    assert eko.saved is not None and deadline.swedish_day(eko.saved) < DEADLINE
    assert (eko.late, eko.deadline_note) == (False, "")
    assert eko.received == in_sweden(2026, 11, 21, 8, 15)
    fmo = by_code(result.statuses)["FMO"]
    assert deadline.swedish_day(fmo.saved) > DEADLINE
    assert (fmo.late, fmo.deadline_note) == (True, deadline.LATE)
    data = json.loads(
        CliRunner().invoke(main, ["collect", "-w", str(late_round.root), "--json"]).output
    )
    eko_json = next(st for st in data["statuses"] if st["avdelning"] == "EKO")
    assert eko_json["saved"] == eko.saved.isoformat()
    assert (eko_json["late"], eko_json["deadline_note"]) == (False, "")


def test_a_correction_of_a_workbook_saved_in_time_is_not_late(late_round: Workspace) -> None:
    """Every attachment saved into inbox/ the morning after the deadline (not marked:
    saved in time), then EKO corrects its workbook after the feedback. The correction
    is saved after the deadline, but the first version was saved in time: it was
    marked late for doing what the feedback asked (review)."""
    for path in late_round.inbox.glob("*.xlsx"):
        if path.name != FMO:
            stamp(path, in_sweden(2026, 11, 21, 8, 15))
    first = by_code(actions.collect(late_round.root).statuses)["EKO"]
    assert (first.late, first.deadline_note) == (False, "")
    wb = openpyxl.load_workbook(late_round.inbox / EKO)  # saved now, after the deadline
    text = next(c for row in wb["Texter"].iter_rows() for c in row if len(str(c.value)) > 60)
    text.value = f"{text.value} Rättad efter återkopplingen."
    wb.save(late_round.inbox / EKO)
    eko = by_code(actions.collect(late_round.root).statuses)["EKO"]
    assert deadline.swedish_day(eko.saved) > DEADLINE
    assert (eko.late, eko.deadline_note) == (False, deadline.LATER_SAVED)


def test_a_file_time_before_the_workbook_was_saved_says_nothing(late_round: Workspace) -> None:
    """An unzipped file with 1980 as its time, of a workbook saved after the deadline:
    it came no earlier than it was saved (it was counted in time, and Mottagen showed
    1980)."""
    path = late_round.inbox / EKO
    wb_builders.saved_at(path, in_sweden(2026, 11, 22, 10, 0))
    stamp(path, dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    eko = by_code(actions.collect(late_round.root).statuses)["EKO"]
    assert eko.received == in_sweden(2026, 11, 22, 10, 0)
    assert (eko.late, eko.deadline_note) == (True, deadline.LATE)


def test_a_libreoffice_save_late_on_the_deadline_evening_is_not_late(
    late_round: Workspace,
) -> None:
    """LibreOffice writes its local time as UTC: a save at 23:30 on the deadline day in
    Sweden reads 00:30 the next day. The file saved into inbox/ at 23:35 came in time;
    the saved time must neither push its arrival past the deadline nor, collected the
    next morning, make it late (second review)."""
    path = late_round.inbox / EKO
    wb_builders.saved_at(
        path, dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)
    )  # LibreOffice's "Z"
    stamp(path, in_sweden(2026, 11, 20, 23, 35))
    eko = by_code(actions.collect(late_round.root).statuses)["EKO"]
    assert eko.received == in_sweden(2026, 11, 20, 23, 35)
    assert (eko.late, eko.deadline_note) == (False, "")
    stamp(path, in_sweden(2026, 11, 21, 8, 15))  # an attachment saved the next morning
    shutil.rmtree(late_round.output / "arkiv")  # received anew, with this file time
    eko = by_code(actions.collect(late_round.root).statuses)["EKO"]
    assert (eko.late, eko.deadline_note) == (False, "")


def test_a_round_without_a_deadline_shows_nothing_new(late_round: Workspace) -> None:
    set_deadline(late_round, None)
    result = actions.collect(late_round.root)
    assert all((s.late, s.deadline_note) == (False, "") for s in result.statuses)
    settings = load_settings(late_round.settings_file)
    sheet = openpyxl.load_workbook(report_path(late_round.output, settings))["Status"]
    assert [c.value for c in sheet[3]] == list(STATUS_HEADINGS)
    assert sheet["A2"].value is None


def test_missing_before_the_deadline_is_not_yet_in_and_the_memo_knows_until_when(
    late_round: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not yet overdue on the deadline day; the memo's result holds only until the
    day ends, as the missing avdelning is overdue after it."""
    today = dt.datetime.now(SWEDEN).date()
    set_deadline(late_round, today)
    result = actions.collect(late_round.root)
    port = by_code(result.statuses)["PORT"]
    assert (port.late, port.deadline_note) == (False, "")
    with Archive(late_round.output) as archive:
        stored = archive.memo()
    assert stored is not None
    assert json.loads(stored[1])["expires"] == deadline.deadline_end(today).timestamp()
    assert collect_memo.reuse(late_round) is not None
    later = deadline.deadline_end(today).timestamp() + 1
    monkeypatch.setattr(collect_memo.time, "time", lambda: later)
    assert collect_memo.reuse(late_round) is None


def test_the_marks_as_the_clock_moves_past_the_deadline() -> None:
    missing = ReturnStatus("PORT", "Portföljstyrning", "saknas")
    came = in_sweden(2026, 11, 20, 23, 59).astimezone(dt.UTC)
    sent = ReturnStatus("EKO", "Ekonomi", "godkänd", "EKO.xlsx", "", came)

    def firsts() -> dict[str, dt.datetime]:
        raise AssertionError("asked only for a return that came late")

    on_the_day = in_sweden(2026, 11, 20, 23, 59)
    marks, expires = deadline.marked([missing, sent], DEADLINE, on_the_day, firsts)
    assert [(m.late, m.deadline_note) for m in marks] == [(False, ""), (False, "")]
    assert expires == in_sweden(2026, 11, 21, 0, 0).timestamp()
    next_day = in_sweden(2026, 11, 21, 0, 1)
    marks, expires = deadline.marked([missing, sent], DEADLINE, next_day, firsts)
    assert marks[0].late and marks[0].deadline_note == "Saknas – sista dag var 20 november"
    assert (marks[1].late, expires) == (False, None)
    assert deadline.marked([missing], None, next_day, firsts) == ([missing], None)


def test_the_panel_says_how_many_came_late_and_marks_them(late_round: Workspace) -> None:
    from budgetbook import excel

    out = excel.Outcome(collected=actions.collect(late_round.root))
    assert excel.summary(out).startswith(
        "7 av 8 avdelningar har lämnat in, 1 av dem efter sista dag; "
    )
    rows = {row[0]: row for row in excel.results_rows(out, None)[2:10]}
    assert rows["FMO"][6].endswith(f',"{FMO} – inkom efter sista dag")')
    assert rows["PORT"][6] == "Saknas – sista dag var 20 november"
    assert rows["EKO"][6].endswith(f',"{EKO}")')


def test_a_blank_workbook_sent_in_time_makes_no_return_in_time(late_round: Workspace) -> None:
    """EKO first sent back the blank workbook it was handed (in time, BB110), then its
    filled return after the deadline. The blank one counted as EKO's first version, so
    the late return read "Ny version efter sista dag; första inkom i tid" and was not
    marked late (second review)."""
    blank = next(p for p in actions.templates(late_round.root) if p.stem.endswith("EKO"))
    filled = (late_round.inbox / EKO).read_bytes()
    shutil.copyfile(blank, late_round.inbox / EKO)
    wb_builders.saved_at(late_round.inbox / EKO, in_sweden(2026, 10, 20, 10, 0))  # handed out then
    stamp(late_round.inbox / EKO, in_sweden(2026, 11, 17, 9, 0))
    first = actions.collect(late_round.root)
    assert any(p.code == "BB110" and p.avdelning == "EKO" for p in first.problems)
    (late_round.inbox / EKO).write_bytes(filled)
    wb_builders.saved_at(late_round.inbox / EKO, in_sweden(2026, 11, 22, 9, 0))
    stamp(late_round.inbox / EKO, in_sweden(2026, 11, 22, 9, 5))
    eko = by_code(actions.collect(late_round.root).statuses)["EKO"]
    assert eko.status == "godkänd"
    assert (eko.late, eko.deadline_note) == (True, deadline.LATE)


def test_last_year_s_workbook_sent_in_time_makes_no_return_in_time(tmp_path: Path) -> None:
    """FSK's head first sent last year's workbook (in time, BB105; saved a year ago),
    then this year's after the deadline: it read as a correction of a return saved and
    sent in time, and was not marked late (second review)."""
    from setup_builders import SETTINGS, fill, write_workspace

    this_year = SETTINGS.replace("deadline = 2027-10-15", "deadline = 2026-11-20")
    last_year = this_year.replace('id = "BUN budget 2028"', 'id = "BUN budget 2027"')
    last_year = last_year.replace("budget_year = 2028", "budget_year = 2027")
    last_year = last_year.replace("plan_years = [2029, 2030]", "plan_years = [2028, 2029]")
    old = write_workspace(tmp_path / "bun2027", last_year)
    old_template = next(p for p in actions.templates(old) if p.stem.endswith("_FSK"))
    root = write_workspace(tmp_path / "bun", this_year)
    template = next(p for p in actions.templates(root) if p.stem.endswith("_FSK"))
    stray = fill(old_template, root / "inbox" / "Budget_2027_FSK.xlsx", [1] * 3, {})
    wb_builders.saved_at(stray, in_sweden(2025, 11, 10, 14, 0))
    stamp(stray, in_sweden(2026, 11, 12, 8, 0))
    first = actions.collect(root)
    assert any(p.code == "BB105" for p in first.problems)
    stray.unlink()
    sent = fill(template, root / "inbox" / "Budget_2028_FSK.xlsx", [182000, 180500, 179000], {})
    wb_builders.saved_at(sent, in_sweden(2026, 11, 23, 9, 0))
    stamp(sent, in_sweden(2026, 11, 23, 9, 5))
    fsk = by_code(actions.collect(root).statuses)["FSK"]
    assert fsk.file == "Budget_2028_FSK.xlsx"
    assert (fsk.late, fsk.deadline_note) == (True, deadline.LATE)


def test_a_return_sent_in_time_that_could_not_be_read_was_one_in_time(
    late_round: Workspace,
) -> None:
    """EKO's filled return, sent in time but encrypted (a sensitivity label), refused
    with "skicka filen igen"; sent again readable after the deadline: the first version
    came in time, so the second is a new version, not late (review: an unreadable first
    version counted as no return, and the resend was marked late)."""
    from data.make_corpus import encrypt

    path = late_round.inbox / EKO
    filled = path.read_bytes()
    path.write_bytes(encrypt(filled))
    stamp(path, in_sweden(2026, 11, 18, 9, 0))
    first = actions.collect(late_round.root)
    assert any(p.code == "BB102" and p.avdelning == "EKO" for p in first.problems)
    path.write_bytes(filled)
    wb_builders.saved_at(path, in_sweden(2026, 11, 22, 9, 0))
    stamp(path, in_sweden(2026, 11, 22, 9, 5))
    eko = by_code(actions.collect(late_round.root).statuses)["EKO"]
    assert (eko.late, eko.deadline_note) == (False, deadline.LATER_VERSION)
