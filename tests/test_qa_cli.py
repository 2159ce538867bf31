"""QA: the CLI as a finance officer meets it, on a round for another nämnd."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner

from budgetbook import actions
from budgetbook.cli import main
from qa_builders import SETTINGS, fill, write_workspace


def one_warning_round(tmp_path: Path) -> Path:
    """FRI types one amount as text ("12 000"), as people do: one warning (BB302), no error."""
    root = write_workspace(tmp_path / "kfn")
    templates = {p.stem.rsplit("_", 1)[-1]: p for p in actions.templates(root)}
    path = fill(templates["FRI"], root / "inbox" / "FRI.xlsx", [20000] * 4)
    wb = openpyxl.load_workbook(path)
    ws = wb["Drift"]
    cell = next(
        ws.cell(r, 7) for r in range(12, ws.max_row + 1) if (ws.cell(r, 7).value or 0) > 999
    )
    cell.value = f"{cell.value:,}".replace(",", " ")
    wb.save(path)
    return root


def test_one_warning_is_singular(tmp_path: Path) -> None:
    root = one_warning_round(tmp_path)
    result = CliRunner().invoke(main, ["collect", "-w", str(root)])
    assert "BB302" in result.output
    assert "1 varningar" not in result.output
    assert "0 fel, 1 varning " in result.output
    assert "Inlämningar: 0 fel, 3 varningar." in result.output  # BB302 + BIB and KUL missing


def test_missing_workspace_folder_is_a_usage_error(tmp_path: Path) -> None:
    """README: exit code 2 for a usage error; a mistyped -w folder is one."""
    for command in ("collect", "run", "templates", "consolidate", "report", "schema", "panel"):
        result = CliRunner().invoke(main, [command, "-w", str(tmp_path / "finns-inte")])
        assert result.exit_code == 2, command
        assert "finns-inte" in result.output and "Traceback" not in result.output


def test_settings_error_reads_as_documented(tmp_path: Path) -> None:
    """docs/settings.md shows 'Fel: budgetbook.toml, rad N: key: …' — Swedish throughout."""
    root = write_workspace(tmp_path / "kfn", SETTINGS.replace("internranta = 1.94", "ranta = 2"))
    result = CliRunner().invoke(main, ["templates", "-w", str(root)])
    assert result.exit_code == 1
    first = result.output.strip().splitlines()[0]
    assert first.startswith("Fel: budgetbook.toml, rad ")
    assert "capital.ranta" in first and "Error" not in result.output


def test_run_without_any_return_says_so_and_fails(tmp_path: Path) -> None:
    """An empty inbox: no konsolidering, no Word draft. `run` must say so and exit 1,
    not report success with nothing written."""
    root = write_workspace(tmp_path / "kfn")
    result = CliRunner().invoke(main, ["run", "-w", str(root)])
    assert result.exit_code == 1
    assert "inget Word-utkast" in result.output
    assert not (root / "output" / "namndplan_2026.docx").exists()


def test_empty_inbox_gets_the_right_advice(tmp_path: Path) -> None:
    """Regression: an empty inbox was told to 'fix the errors' in a report with none."""
    actions.init(tmp_path / "ws")
    result = CliRunner().invoke(main, ["consolidate", "-w", str(tmp_path / "ws")])
    assert result.exit_code == 1
    assert "är tom" in result.output and "åtgärda felen" not in result.output.lower()


def test_inbox_with_only_unreadable_files_is_not_called_empty(tmp_path: Path) -> None:
    """Regression: a file that could not be read (BB100) belongs to no avdelning, so an
    inbox holding only such files was called empty ("Inkorgen … är tom. Lägg de
    inlämnade arbetsböckerna där") while the return the user put there lay in it."""
    actions.init(tmp_path / "ws")
    # a name that tells no avdelning, so the file belongs to none
    (tmp_path / "ws" / "inbox" / "budget.xlsx").write_bytes(b"not a workbook")
    for command in ("consolidate", "report"):
        result = CliRunner().invoke(main, [command, "-w", str(tmp_path / "ws")])
        assert result.exit_code == 1
        assert "BB100" in result.output and "är tom" not in result.output
        assert "ingen godkänd inlämning" in result.output
