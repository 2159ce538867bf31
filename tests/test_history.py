"""Earlier submissions: list, recover byte for byte, and compare two versions."""

from __future__ import annotations

import os
import time

import openpyxl
import pytest
from click.testing import CliRunner

from budgetbook import actions
from budgetbook.cli import main
from budgetbook.schema import build_schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """The example round, then PERS sends a corrected workbook under a new name."""
    ws = tmp_path_factory.mktemp("hist") / "runda"
    actions.demo(ws)
    settings = actions.open_workspace(ws).settings()
    schema = build_schema(settings)
    first = next(p for p in (ws / "inbox").iterdir() if "Personal" in p.name)
    wb = openpyxl.load_workbook(first)
    drift = schema.sheet("drift")
    sheet = wb[drift.name]
    row = drift.first_data_row
    col = drift.index(f"budget_{settings.budget_year}") + 1
    old_value = sheet.cell(row, col).value
    sheet.cell(row, col).value = old_value + 100
    second = ws / "inbox" / "Personalavdelningen budget rättad.xlsx"
    wb.save(second)
    later = time.time() + 60
    os.utime(second, (later, later))
    actions.collect(ws)
    return ws, first, second, f"{drift.name}", f"{openpyxl.utils.get_column_letter(col)}{row}"


def test_history_lists_both_versions(two_versions) -> None:
    ws, first, second, _, _ = two_versions
    versions = actions.history(ws, "PERS")
    assert {v.original_name for v in versions} == {first.name, second.name}
    result = CliRunner().invoke(main, ["history", "-w", str(ws), "--avdelning", "PERS"])
    assert result.exit_code == 0 and first.name in result.output and second.name in result.output


def test_recover_gives_the_original_bytes(two_versions, tmp_path) -> None:
    ws, first, _, _, _ = two_versions
    version = next(v for v in actions.history(ws, "PERS") if v.original_name == first.name)
    path = actions.recover(ws, version.sha256[:12], tmp_path)
    assert path.read_bytes() == first.read_bytes()
    again = CliRunner().invoke(main, ["recover", "-w", str(ws), version.sha256[:12], str(tmp_path)])
    assert again.exit_code == 1 and "finns redan" in again.output


def test_compare_names_the_changed_cell(two_versions) -> None:
    ws, first, second, sheet, cell = two_versions
    by_name = {v.original_name: v.sha256 for v in actions.history(ws, "PERS")}
    changes = actions.compare(ws, by_name[first.name][:12], by_name[second.name][:12])
    assert [(c.sheet, c.cell) for c in changes] == [(sheet, cell)]
    assert changes[0].new - changes[0].old == 100
    result = CliRunner().invoke(
        main, ["compare", "-w", str(ws), by_name[first.name][:12], by_name[second.name][:12]]
    )
    assert result.exit_code == 0 and cell in result.output and "1 skillnader" in result.output


def test_unknown_version_is_a_clean_error(two_versions) -> None:
    ws = two_versions[0]
    result = CliRunner().invoke(main, ["compare", "-w", str(ws), "ffff", "eeee"])
    assert result.exit_code == 1 and "Ingen entydig version" in result.output
    assert "Traceback" not in result.output


def test_compare_refuses_a_version_the_precheck_refused(tmp_path) -> None:
    """The archive keeps every version received, one the pre-check refused too; compare
    read it without any check (a far cell: calamine's grid is built before the reader
    looks at its size; here a sheet to row 300 000 gave a list of 45 "changes")."""
    import zipfile

    ws = tmp_path / "runda"
    actions.demo(ws)
    first = next(p for p in (ws / "inbox").iterdir() if "Personal" in p.name)
    far = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
        b'formats.org/spreadsheetml/2006/main"><sheetData><row r="300000"><c r="A300000">'
        b"<v>1</v></c></row></sheetData></worksheet>"
    )
    hostile = ws / "inbox" / "Personalavdelningen budget ny.xlsx"
    with zipfile.ZipFile(first) as src, zipfile.ZipFile(hostile, "w") as dst:
        for info in src.infolist():
            sheet = info.filename.startswith("xl/worksheets/sheet")
            dst.writestr(info, far if sheet else src.read(info))
    actions.collect(ws)
    by_name = {v.original_name: v.sha256[:12] for v in actions.history(ws, None)}
    assert hostile.name in by_name  # archived, though refused
    result = CliRunner().invoke(
        main, ["compare", "-w", str(ws), by_name[first.name], by_name[hostile.name]]
    )
    assert result.exit_code == 1 and "kan inte jämföras" in result.output
    assert "säkerhetsskäl" in result.output and "Traceback" not in result.output
    # advice for the finance officer who reads it, not the department head's "kontakta
    # ekonomistaben" (review: the pre-check's own message was shown)
    assert "be avdelningen" in result.output and "budgetbook history" in result.output
    assert "ekonomistaben" not in result.output and hostile.name in result.output
    # the department head is still told what to do, in the problem report
    refused = [p for p in actions.collect(ws).problems if p.file == hostile.name]
    assert [p.code for p in refused] == ["BB108"]
    assert refused[0].message.endswith("och skicka den igen, eller kontakta ekonomistaben.")
    assert actions.compare(ws, by_name[first.name], by_name[first.name]) == []


def test_compare_says_an_archived_copy_is_missing_not_that_the_avdelning_must_resend(
    tmp_path,
) -> None:
    """Regression: with the archive's copy of a version removed (by hand, a sync tool),
    compare said the file "går inte att läsa som Excel-arbetsbok: filen är skadad
    (FileNotFoundError)" and to ask the avdelning to send it again, while the next
    collect archives it again from the inbox."""
    ws = tmp_path / "runda"
    actions.demo(ws)
    version = actions.history(ws, "PERS")[0]
    version.stored.unlink()
    result = CliRunner().invoke(
        main, ["compare", "-w", str(ws), version.sha256[:12], version.sha256[:12]]
    )
    assert result.exit_code == 1 and "kan inte jämföras" in result.output
    assert "arkivets kopia" in result.output and "saknas" in result.output
    assert "budgetbook collect" in result.output and "budgetbook history" in result.output
    assert "skadad" not in result.output and "be avdelningen" not in result.output
    actions.collect(ws)  # as the message says: archived again from the inbox
    assert actions.compare(ws, version.sha256[:12], version.sha256[:12]) == []


def test_history_shows_local_times(two_versions, in_stockholm) -> None:
    """The archive keeps UTC; a Swedish user reads and compares local (CET/CEST) times."""
    ws, first, _, _, _ = two_versions
    version = next(v for v in actions.history(ws, "PERS") if v.original_name == first.name)
    local = version.received.astimezone()
    assert local.utcoffset() != version.received.utcoffset()  # Stockholm is not UTC
    result = CliRunner().invoke(main, ["history", "-w", str(ws), "--avdelning", "PERS"])
    assert f"mottagen {local:%Y-%m-%d %H:%M}" in result.output
    assert version.content_time is not None
    assert f"sparad {version.content_time.astimezone():%Y-%m-%d %H:%M}" in result.output
