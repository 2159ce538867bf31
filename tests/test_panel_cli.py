"""`budgetbook panel -w DIR` writes the control workbook into the workspace."""

from __future__ import annotations

from click.testing import CliRunner

from budgetbook import actions, cli, panel


def test_panel_command_writes_the_workbook(tmp_path):
    ws = actions.init(tmp_path / "runda")
    result = CliRunner().invoke(cli.main, ["panel", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    path = ws.root / panel.PANEL_FILE
    assert f"Kontrollpanel: {path}" in result.output
    assert path.read_bytes()[:2] == b"PK"
    # Not on Windows: no interpreter config is written (see actions.panel).
    assert not (ws.root / "xlwings.conf").exists()


def test_panel_command_outside_a_workspace_fails_cleanly(tmp_path):
    result = CliRunner().invoke(cli.main, ["panel", "-w", str(tmp_path)])
    assert result.exit_code == 1
    assert "budgetbook.toml saknas" in result.output
    assert "Traceback" not in result.output
