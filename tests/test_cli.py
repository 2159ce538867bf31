"""The CLI: help with an example on every command, exit codes, no tracebacks."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from budgetbook.cli import main
from budgetbook.workspace import init_workspace

COMMANDS = sorted(main.commands)


def test_expected_commands_exist() -> None:
    for name in (
        "init",
        "templates",
        "collect",
        "consolidate",
        "report",
        "run",
        "demo",
        "schema",
        "panel",
    ):
        assert name in main.commands, name


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    command = main.commands[name]
    assert command.help and len(command.help.strip()) > 20
    assert "Example" in result.output and "budgetbook " + name in result.output


def test_main_help_lists_the_exit_codes() -> None:
    """The exit codes scripts depend on were only in the README, not in --help."""
    output = CliRunner().invoke(main, ["--help"]).output
    assert "Exit codes:" in output
    for code in ("0", "1", "2"):
        assert f"\n    {code}  " in output


@pytest.mark.parametrize(
    ("name", "writes"),
    [
        ("collect", ("output/arkiv/", "inlamningskontroll_<year>.xlsx", "aterkoppling_")),
        ("consolidate", ("konsolidering_<year>.xlsx",)),
        ("report", ("namndplan_<year>.docx",)),
        ("templates", ("workbook_templates/Budget_<year>_<code>.xlsx",)),
        ("init", ("budgetbook.toml", "foregaende_ar.csv", "texter/")),
        ("panel", ("Budgetpanel.xlsm", "xlwings.conf")),
    ],
)
def test_help_says_what_a_command_writes(name: str, writes: tuple[str, ...]) -> None:
    output = " ".join(CliRunner().invoke(main, [name, "--help"]).output.split())
    for what in writes:
        assert what in output, what


@pytest.mark.parametrize("name", ["collect", "consolidate", "report", "run"])
def test_help_of_a_command_reading_returns_gives_its_exit_code(name: str) -> None:
    """Exit code 1 on an error in a return (a warning gives 0): a script's `if` needs it."""
    output = " ".join(CliRunner().invoke(main, [name, "--help"]).output.split())
    assert "Exit code 1 when a return has an error (fel)" in output


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(main, ["collect", "--no-such-option"])
    assert result.exit_code == 2


def test_not_a_workspace_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["collect", "-w", str(tmp_path)])
    assert result.exit_code == 1
    assert "ingen budgetbook-arbetsyta" in result.output
    assert "Traceback" not in result.output


def test_broken_settings_name_the_key(tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["init", str(tmp_path / "ws")]).exit_code == 0
    settings = tmp_path / "ws" / "budgetbook.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("budget_year = 2027", "budget_year = x"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["templates", "-w", str(tmp_path / "ws")])
    assert result.exit_code == 1
    assert "TOML" in result.output and "Traceback" not in result.output


def test_templates_says_what_comes_next(tmp_path: Path) -> None:
    """As `init` does: where the returns go and which command reads them."""
    ws = tmp_path / "runda2027"
    assert CliRunner().invoke(main, ["init", str(ws)]).exit_code == 0
    result = CliRunner().invoke(main, ["templates", "-w", str(ws)])
    assert result.exit_code == 0
    assert result.output.endswith(
        "8 arbetsböcker skrivna. Skicka dem till avdelningarna och lägg de ifyllda i "
        f"{ws / 'inbox'}. Kör sedan `budgetbook collect -w {ws}`.\n"
    )


def test_the_next_command_quotes_a_folder_with_spaces(tmp_path: Path) -> None:
    """Review: a round's folder in OneDrive for work ("OneDrive - Exempelkommun") or named
    "Budget 2027" has spaces; the command init and templates suggest, copied into the
    command prompt as it stood, gave -w only the part before the first space."""
    ws = tmp_path / "OneDrive - Exempelkommun" / "Budget 2027"
    result = CliRunner().invoke(main, ["init", str(ws)])
    assert result.exit_code == 0
    assert f'Kör sedan `budgetbook templates -w "{ws}"`.' in result.output
    result = CliRunner().invoke(main, ["templates", "-w", str(ws)])
    assert result.exit_code == 0
    assert f'Kör sedan `budgetbook collect -w "{ws}"`.' in result.output


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path)]).exit_code == 0
    again = runner.invoke(main, ["init", str(tmp_path)])
    assert again.exit_code == 1 and "redan" in again.output


def test_debug_shows_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--debug", "collect", "-w", str(tmp_path)])
    assert result.exit_code == 1
    assert isinstance(main, click.Group)


def test_debug_after_the_command_works_too(tmp_path: Path) -> None:
    # "Kör igen med --debug": most people add it at the end of the line they just ran
    result = CliRunner().invoke(main, ["collect", "-w", str(tmp_path), "--debug"])
    assert result.exit_code == 1
    assert "Traceback" in result.output and "budgetbook init" in result.output


def test_a_damaged_archive_ledger_says_what_to_do(tmp_path: Path) -> None:
    """A broken page in output/arkiv/arkiv.sqlite made every later run end in "Oväntat
    fel … rapportera felet" until someone moved the file (review): it now says to."""
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(main, ["demo", str(ws)]).exit_code == 0  # returns, then run
    ledger = ws / "output" / "arkiv" / "arkiv.sqlite"
    data = bytearray(ledger.read_bytes())
    for page in range(4096, len(data), 4096):  # every page but the first, overwritten
        data[page : page + 4096] = b"\x0d" * 4096
    ledger.write_bytes(bytes(data))
    result = runner.invoke(main, ["run", "-w", str(ws)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Arkivets databas (arkiv/arkiv.sqlite i output-mappen) är skadad" in result.output
    assert "Flytta filen" in result.output and "Oväntat fel" not in result.output
    ledger.rename(tmp_path / "skadad.sqlite")  # as the message says: then it runs again
    assert runner.invoke(main, ["run", "-w", str(ws)]).exit_code == 0


def test_a_folder_with_the_quote_windows_leaves_at_its_end(tmp_path: Path) -> None:
    """`-w "C:\\Budget\\runda 2027\\"` (as PowerShell 5 completes a folder with spaces)
    reaches Python as `C:\\Budget\\runda 2027"`: the folder is still found."""
    ws = init_workspace(tmp_path / "runda 2027")
    result = CliRunner().invoke(main, ["schema", "-w", f'{ws.root}"'])
    assert result.exit_code == 0, result.output
    made = CliRunner().invoke(main, ["init", f'{tmp_path / "ny runda"}"'])
    assert made.exit_code == 0, made.output
    assert (tmp_path / "ny runda" / "budgetbook.toml").is_file()


def test_python_dash_m_budgetbook_runs_the_cli() -> None:
    """`py -m budgetbook` works where budgetbook.exe's folder is not on PATH (Windows)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "budgetbook", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: budgetbook [OPTIONS] COMMAND [ARGS]...")


def test_a_share_gone_mid_run_is_no_bug_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OSError no step mapped (a network share dropped mid-run) says what to check,
    not "Oväntat fel … rapportera felet"."""
    from budgetbook import actions

    ws = init_workspace(tmp_path / "ws")

    def share_gone(_workspace: Path) -> None:
        raise OSError(5, "Input/output error", str(ws.inbox / "Budget PERS.xlsx"))

    monkeypatch.setattr(actions, "collect", share_gone)
    result = CliRunner().invoke(main, ["collect", "-w", str(ws.root)])
    assert result.exit_code == 1
    assert result.output == (
        f"Fel: Kunde inte läsa eller skriva {ws.inbox / 'Budget PERS.xlsx'}: läs- eller "
        "skrivfel på disken eller i nätverket. Kontrollera att mappen går att nå (en nätverksmapp eller OneDrive kan ha "
        "kopplats från) och kör igen. Kvarstår felet fast mappen går att nå, kör med "
        "--debug och skicka utskriften till den som förvaltar budgetbook.\n"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["collect", "-w", "{tmp}/finns-inte"], "ogiltigt värde för -w/--workspace: mappen "
         "'{tmp}/finns-inte' finns inte."),
        (["recover", "-w", "{tmp}"], "argumentet VERSION saknas."),
        (["collect", "-w", "{tmp}", "--jsn"], "okänd flagga --jsn. Menade du --json?"),
        (["colect"], "okänt kommando 'colect'."),
        (["compare", "-w", "{tmp}", "a", "b", "c"], "för många argument: c."),
        (["collect", "-w"], "flaggan -w behöver ett värde."),
        (["init", "{tmp}/fil.txt"], "ogiltigt värde för DIRECTORY: '{tmp}/fil.txt' är en fil, "
         "inte en mapp."),
        (["--inget"], "okänd flagga --inget."),
    ],
)  # fmt: skip
def test_a_usage_error_is_said_in_swedish_with_exit_code_2(
    tmp_path: Path, args: list[str], said: str
) -> None:
    """Review: click's "Error: Invalid value for '-w' / '--workspace': Directory … does
    not exist.", "Error: Missing argument 'VERSION'." stood beside budgetbook's "Fel: …"
    in Swedish. The help text stays English; the error and where the help is are Swedish."""
    (tmp_path / "fil.txt").write_text("x", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(main, args, prog_name="budgetbook")
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    # click 8.4 and later add "Menade du collect?" to an unknown command
    assert lines[0].startswith("Fel: " + said.replace("{tmp}", str(tmp_path))), lines[0]
    assert "Error" not in result.output and "Usage" not in result.output
    assert "Traceback" not in result.output
    if len(lines) > 1:  # the command's usage, and where its (English) help is
        command = " ".join(["budgetbook", *[a for a in args[:1] if not a.startswith("-")]])
        if args[0] == "colect" or args[0].startswith("-"):
            command = "budgetbook"
        assert lines[1].startswith(f"Användning: {command} [OPTIONS]")
        assert lines[2] == f"Hjälp (på engelska): {command} --help"


def test_help_and_version_are_no_usage_errors() -> None:
    for args in (["--help"], ["collect", "-h"], ["--version"]):
        assert CliRunner().invoke(main, args).exit_code == 0, args
    bare = CliRunner().invoke(main, [], prog_name="budgetbook")  # the help, as click shows it
    assert "Usage: budgetbook [OPTIONS] COMMAND" in bare.output and "Fel" not in bare.output
