"""Hostile or broken returns found in review: each is a finding for its file or cell,
never a crash, a hang or a run out of memory."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from budgetbook import collect, safety
from budgetbook.reader import read_return
from robust_builders import edit_sheet_xml, far_cell, sheet_member, wide_row_without_refs
from wb_builders import round_files


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("robust"))


def codes(problems) -> list[str]:
    return [p.code for p in problems]


# --- 1. a single far-away cell must not make the reader build a giant grid ------------


def test_precheck_measures_the_real_extent_not_the_declared_one(rnd, tmp_path: Path) -> None:
    src = rnd[3][0]
    bomb = edit_sheet_xml(src, tmp_path / "stor.xlsx", "Drift", far_cell("ZZ150000"))
    result = safety.precheck(bomb)
    assert not result.ok and codes(result.problems) == ["BB108"]
    assert "rad 150000" in result.problems[0].message


def test_precheck_counts_rows_and_cells_without_references(rnd, tmp_path: Path) -> None:
    src = rnd[3][0]
    wide = edit_sheet_xml(src, tmp_path / "bred.xlsx", "Drift", wide_row_without_refs(5000, 800))
    assert codes(safety.precheck(wide).problems) == ["BB108"]


def test_precheck_passes_every_example_return(rnd) -> None:
    for path in rnd[3]:
        result = safety.precheck(path)
        assert result.ok and result.problems == [], path.name


def test_extent_of_an_ordinary_sheet(rnd, tmp_path: Path) -> None:
    src = rnd[3][0]
    edited = edit_sheet_xml(src, tmp_path / "en.xlsx", "Drift", far_cell("Q90", dimension="A1"))
    member = sheet_member(edited.read_bytes(), "Drift")
    with zipfile.ZipFile(edited) as zf:
        assert safety.sheet_extent(zf, zf.getinfo(member)) == (90, 17)


def test_reader_refuses_a_sheet_beyond_the_limits(
    rnd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader is also called without the pre-check (history); it checks again.
    settings, schema, _, returns = rnd
    monkeypatch.setattr(safety, "MAX_SHEET_CELLS", 20_000)
    bomb = edit_sheet_xml(returns[0], tmp_path / "stor.xlsx", "Drift", far_cell("Z2000"))
    result = read_return(bomb, settings, schema)
    assert "BB108" in codes(result.problems)
    assert any("Z2000" in p.message for p in result.problems)


class _Panic(BaseException):
    """Stands in for pyo3's PanicException: a BaseException, not an Exception."""


class _PanickingPath(type(Path())):
    def __fspath__(self) -> str:
        raise _Panic("called `Result::unwrap()` on an `Err` value")


def test_a_panic_while_reading_is_a_problem_for_that_file(rnd) -> None:
    settings, schema, _, returns = rnd
    job = collect.ReadJob(_PanickingPath(returns[0]), "panik.xlsx", settings, schema)
    outcome = collect.read_one(job)
    assert codes(outcome.problems) == ["BB100"]


def test_keyboard_interrupt_is_not_swallowed(rnd) -> None:
    class _Interrupting(type(Path())):
        def __fspath__(self) -> str:
            raise KeyboardInterrupt

    settings, schema, _, returns = rnd
    with pytest.raises(KeyboardInterrupt):
        collect.read_one(collect.ReadJob(_Interrupting(returns[0]), "x.xlsx", settings, schema))
