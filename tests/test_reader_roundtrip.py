"""Templates written by our writer, filled as a person would, read back by our reader."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from budgetbook import schema as S
from budgetbook.reader import read_return
from wb_builders import round_files


@pytest.fixture(scope="module")
def example_round(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("round"))


def test_example_returns_meet_ram_with_warnings_only(example_round) -> None:
    settings, schema, _, returns = example_round
    assert len(returns) == len(settings.avdelningar)
    codes = set()
    projects = 0
    for path in returns:
        result = read_return(path, settings, schema)
        sub = result.submission
        assert sub is not None
        assert not [p for p in result.problems if p.is_error], result.problems
        avd = settings.avdelning(sub.avdelning)
        assert avd is not None
        codes.add(avd.code)
        for year in settings.years:
            assert sub.net(year, settings.kinds) == avd.ram[year]
        projects += len(sub.projects)
        assert set(sub.texts) == {t.key for t in settings.text_sections}
    assert codes == {a.code for a in settings.avdelningar}
    assert projects >= 6


def test_identity_read_from_properties(example_round) -> None:
    settings, schema, templates, _ = example_round
    result = read_return(templates[0], settings, schema)
    assert result.identity[S.ID_AVDELNING] == settings.avdelningar[0].code
    assert result.identity[S.ID_YEAR] == str(settings.budget_year)
    assert result.identity[S.ID_VERSION] == schema.version


def _fill(path: Path, out: Path, sheet: str, cells: dict[str, object]) -> Path:
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(out)
    return out


def test_text_amount_recognised_and_bad_text_reported(example_round, tmp_path: Path) -> None:
    settings, schema, templates, _ = example_round
    drift = schema.sheet("drift")
    col = S.xl_col(drift.index(f"budget_{settings.budget_year}"))
    r = drift.first_data_row
    path = _fill(
        templates[0],
        tmp_path / "a.xlsx",
        drift.name,
        {f"{col}{r}": "1 250", f"{col}{r + 1}": "ungefär 300", f"{col}{r + 2}": "−500"},
    )
    result = read_return(path, settings, schema)
    codes = {(p.code, p.cell) for p in result.problems}
    assert ("BB302", f"{col}{r}") in codes
    assert ("BB301", f"{col}{r + 1}") in codes
    assert ("BB304", f"{col}{r + 2}") in codes
    line = result.submission.drift[0]
    assert line.amounts[settings.budget_year] == 1250
    assert line.cells[settings.budget_year] == f"{col}{r}"


def test_changed_prefilled_row_is_reported(example_round, tmp_path: Path) -> None:
    settings, schema, templates, _ = example_round
    drift = schema.sheet("drift")
    r = drift.first_data_row
    path = _fill(templates[0], tmp_path / "b.xlsx", drift.name, {f"D{r}": 99999})
    result = read_return(path, settings, schema)
    # the typed-over cell, not column A: the feedback workbook marks it
    assert any(p.code == "BB206" and p.cell == f"D{r}" for p in result.problems)


def test_pickling_by_fields_refuses_a_class_it_cannot_rebuild_even_under_O() -> None:
    """Returns cross from the reader workers by pickle, rebuilt by `__init__`; a class
    with a `__post_init__` or a field outside `__init__` would come back wrong, so the
    decorator refuses it, also when Python runs with -O (which drops asserts)."""
    import subprocess
    import sys

    code = (
        "import dataclasses\n"
        "from budgetbook.model_base import pickled_by_fields\n"
        "@dataclasses.dataclass\n"
        "class C:\n"
        "    a: int\n"
        "    b: int = dataclasses.field(init=False, default=0)\n"
        "try:\n"
        "    pickled_by_fields(C)\n"
        "except TypeError:\n"
        "    print('refused')\n"
    )
    done = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "refused"
