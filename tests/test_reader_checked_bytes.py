"""The reader reads the bytes the pre-check passed, not the file again (issue 8): the
file may have been replaced in between (OneDrive, an antivirus program), and calamine
gets the parts the pre-check inflated stored rather than inflating them again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetbook import collect, safety
from budgetbook.reader import read_return
from wb_builders import round_files


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("checked"))


def test_a_file_replaced_after_its_check_is_read_as_it_was_checked(
    rnd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, schema, _, returns = rnd
    checked, other = returns[0].read_bytes(), returns[1].read_bytes()
    path = tmp_path / "retur.xlsx"
    path.write_bytes(checked)
    job = collect.ReadJob(path, path.name, settings, schema)
    expected = collect.check_and_read(job, precheck=True).outcome
    real_precheck = safety.precheck

    def precheck_then_replaced(path: Path, name: str | None = None) -> safety.SafetyResult:
        result = real_precheck(path, name)
        path.write_bytes(other)  # another return now, checked by nobody
        return result

    monkeypatch.setattr(safety, "precheck", precheck_then_replaced)
    got = collect.check_and_read(job, precheck=True)
    assert got.outcome == expected
    assert got.check is not None and got.check.package is None  # not sent back to main
    monkeypatch.setattr(safety, "precheck", real_precheck)
    assert collect.check_and_read(job, precheck=True).outcome != expected  # it differs


def test_the_checked_bytes_read_as_the_file(rnd, tmp_path: Path) -> None:
    """Copied or not (an upper-case suffix makes calamine's `from_path` try every
    format, so the file is read from its path), the result is the file's."""
    settings, schema, _, returns = rnd
    for source in returns:
        for suffix in (".xlsx", ".xlsm", ".XLSX"):
            path = tmp_path / f"retur{suffix}"
            shutil.copyfile(source, path)
            check = safety.precheck(path)
            assert check.ok and check.package is not None
            alone = read_return(path, settings, schema)
            shared = read_return(
                path,
                settings,
                schema,
                inflated=check.inflated,
                members=check.members,
                package=check.package,
            )
            assert shared == alone


def test_a_package_calamine_refuses_is_not_readable_from_its_bytes(rnd, tmp_path: Path) -> None:
    """The pre-check passes a package whose workbook calamine cannot read; from the
    bytes it is as unreadable as from the file."""
    import zipfile

    settings, schema, _, returns = rnd
    path = tmp_path / "trasig.xlsx"
    with zipfile.ZipFile(returns[0]) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/_rels/workbook.xml.rels":  # calamine needs it
                dst.writestr(info, src.read(info))
    check = safety.precheck(path)
    assert check.ok and check.package is not None
    alone = read_return(path, settings, schema)
    assert alone.submission is None
    shared = read_return(
        path,
        settings,
        schema,
        inflated=check.inflated,
        members=check.members,
        package=check.package,
    )
    assert shared == alone
