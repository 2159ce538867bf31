"""Command line: parse arguments, call one library function, render the result.

Exit codes: 0 done and no errors in the returns; 1 problems found or the action
failed; 2 usage error (click's own). No traceback reaches the user unless --debug.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__, actions, console
from .cli_hints import hint
from .cli_hints import shell_arg as _arg
from .cli_render import (
    collect_json,
    json_text,
    print_collect,
    print_problems,
    print_run,
)
from .cli_usage import swedish
from .errors import BudgetbookError

if TYPE_CHECKING:
    import datetime as dt

    from .history import LaterFirst

WORKSPACE_HELP = "Workspace folder (holds budgetbook.toml). Default: the current folder."


class FolderPath(click.Path):
    """A folder argument that forgives the quote Windows leaves at its end.

    `budgetbook run -w "C:\\Budget\\runda 2027\\"` reaches Python as `C:\\Budget\\runda
    2027"`: on Windows a backslash before a quote escapes it. PowerShell 5 passes a
    tab-completed folder with spaces exactly so. No folder name ends in a quote there."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.endswith('"') and not os.path.exists(value):
            value = value[:-1]
        # in Swedish, as every usage error is shown (`cli_usage`); others are click's
        if isinstance(value, str) and self.exists and not os.path.exists(value):
            self.fail(f"mappen {value!r} finns inte.", param, ctx)
        if isinstance(value, str) and not self.file_okay and os.path.isfile(value):
            self.fail(f"{value!r} är en fil, inte en mapp.", param, ctx)
        return super().convert(value, param, ctx)


def workspace_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-w",
        "--workspace",
        # a mistyped folder is a usage error (exit 2), like any other wrong argument
        type=FolderPath(exists=True, file_okay=False, path_type=Path),
        default=Path("."),
        show_default=False,
        help=WORKSPACE_HELP,
    )(func)


class Failure(click.ClickException):
    """A failure with a Swedish message, shown as 'Fel: …' (exit code 1)."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Fel: {self.format_message()}", file=file or sys.stderr)


def handled(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library failures into a clean message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = ctx.find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except BudgetbookError as exc:
            if debug:
                _print_traceback()
            raise Failure(str(exc)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # a bug: still no traceback without --debug
            if _reader_gone(exc):
                # the reader stopped reading (`| head`, PowerShell's `| Select-Object
                # -First 5`): nothing is wrong to report, and nothing more can reach it;
                # stdout goes to nowhere so that Python's last flush at exit does not
                # complain either
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                sys.exit(1)
            if debug:
                _print_traceback()
            from .archive import damaged_ledger
            from .workspace import os_failure

            if message := damaged_ledger(exc):
                raise Failure(message) from exc
            if message := os_failure(exc):
                # most likely the folder, but a bug can fail on a file too (review)
                raise Failure(
                    f"{message} Kvarstår felet fast mappen går att nå, kör med --debug och "
                    "skicka utskriften till den som förvaltar budgetbook."
                ) from exc
            raise Failure(
                f"Oväntat fel ({type(exc).__name__}: {exc}). Kör igen med --debug och "
                "rapportera felet."
            ) from exc

    return wrapper


def _reader_gone(exc: Exception) -> bool:
    """Whether `exc` says that stdout's reader stopped reading. Windows' C runtime
    reports a write to such a pipe as EINVAL, not EPIPE (cpython#79935: OSError [Errno
    22], never BrokenPipeError): an EINVAL that names no file is the reader's only when
    stdout cannot be flushed either, so a bug's EINVAL is still "Oväntat fel"."""
    if isinstance(exc, BrokenPipeError):
        return True
    import errno  # only on a failure

    if not isinstance(exc, OSError) or exc.errno != errno.EINVAL or exc.filename:
        return False
    try:
        if sys.stdout is not None:  # pythonw.exe has none
            sys.stdout.flush()
    except OSError:
        return True
    return False


def _print_traceback() -> None:
    import traceback  # only for --debug: every command starts without it (issue 8)

    traceback.print_exc()


class _Group(click.Group):
    """Accepts --debug anywhere on the line (`budgetbook collect -w X --debug`), since the
    error message says "Kör igen med --debug" and people add it at the end. Shows a
    usage error of its own or of a command (exit code 2) in Swedish (`cli_usage`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--debug" in args[1:]:
            args = ["--debug", *(a for a in args if a != "--debug")]
        return super().parse_args(ctx, args)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:  # the group's own options
            raise swedish(exc) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # the command's name, options and arguments
            raise swedish(exc) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budgetbook")
@click.option("--debug", is_flag=True, help="Show the Python traceback when something fails.")
def main(debug: bool) -> None:
    """budgetbook: run a kommun's budget round around Excel.

    \b
    Typical round:
      budgetbook init runda2027       # new workspace with example settings
      budgetbook templates -w runda2027
      (department heads return workbooks into runda2027/inbox/)
      budgetbook run -w runda2027     # collect, consolidate, write the Word draft

    \b
    Exit codes:
      0  done, and no return has an error (fel); warnings are allowed
      1  a return has an error, or the command failed (the message says why)
      2  usage error: unknown option, missing argument, no such folder
    """
    # output redirected on Windows is in a code page without "−": never fail on that
    console.make_safe()


@main.command()
@click.argument("directory", type=FolderPath(file_okay=False, path_type=Path))
@click.option(
    "--from",
    "previous",
    type=FolderPath(exists=True, file_okay=False, path_type=Path),
    metavar="LAST",
    help="Last year's workspace: start the next round from its settings.",
)
@handled
def init(directory: Path, previous: Path | None) -> None:
    """Create a new workspace in DIRECTORY with example settings.

    Writes budgetbook.toml, the prior-year figures foregaende_ar.csv and the texts in
    texter/ (all three the example's: replace them with your own), and the empty folders
    workbook_templates/, inbox/ and output/. Refuses a folder that already has a
    budgetbook.toml; a file already there (your own texts in texter/) is kept.

    With --from LAST, the next year's round instead: LAST's budgetbook.toml with the
    round's id, budget year, plan years and deadline one year later, and LAST's texts
    (<key>.md) and Word template; no returns, outputs or prior-year figures. It lists
    what is left to change (ramar, prior-year figures, sources, internränta, indicator
    values).

    \b
    Examples:
      budgetbook init runda2027
      budgetbook init runda2028 --from runda2027
    """
    if previous is not None:
        _init_next(directory, previous)
        return
    ws = actions.init(directory)
    click.echo(f"Arbetsyta skapad: {ws.root}")
    # the example's texts and prior-year figures are files of their own: left as they
    # are, Kommunstyrelsen's texts went into another nämnd's draft
    click.echo(
        f"Redigera {ws.settings_file.name}, och byt exemplets texter i texter/ och "
        "föregående års siffror i foregaende_ar.csv mot era egna. Kör sedan "
        f"`budgetbook templates -w {_arg(directory)}`."
    )


def _init_next(directory: Path, previous: Path) -> None:
    started = actions.init_next(directory, previous)
    click.echo(
        f"Arbetsyta för budget {started.budget_year} skapad: {started.workspace.root}, "
        f"med inställningarna från {started.previous} och åren flyttade ett år fram."
    )
    for path in started.copied:
        shown = path.relative_to(started.workspace.root).as_posix()
        click.echo(f"Kopierat från förra året: {shown}{'/' if path.is_dir() else ''}")
    click.echo("Gör innan ni skapar arbetsböckerna:")
    for item in started.todo:
        click.echo(f"  - {item}")
    click.echo(f"Kör sedan `budgetbook templates -w {_arg(directory)}`.")


@main.command()
@workspace_option
@handled
def templates(workspace: Path) -> None:
    """Write one department workbook per avdelning to workbook_templates/.

    Reads budgetbook.toml and the prior-year figures; writes
    workbook_templates/Budget_<year>_<code>.xlsx, replacing earlier ones.

    \b
    Example:
      budgetbook templates -w runda2027
    """
    from .workspace import open_workspace

    paths = actions.templates(workspace)
    for path in paths:
        click.echo(f"  {path}")
    inbox = open_workspace(workspace).inbox
    click.echo(
        f"{len(paths)} arbetsböcker skrivna. Skicka dem till avdelningarna och lägg de "
        f"ifyllda i {inbox}. Kör sedan `budgetbook collect -w {_arg(workspace)}`."
    )


@main.command()
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@handled
def collect(workspace: Path, as_json: bool) -> None:
    """Read, validate and archive the returns in inbox/; write the problem report.

    Every file directly in inbox/ is taken for a return (subfolders are not read);
    returns are read, never changed or moved, and each version is copied to
    output/arkiv/. Writes output/inlamningskontroll_<year>.xlsx (status per avdelning,
    every problem) and, for a return with problems, a copy of it with the problem
    cells marked, output/aterkoppling/aterkoppling_<code>_<year>.xlsx, to send back.
    Exit code 1 when a return has an error (fel), 0 otherwise.

    \b
    Example:
      budgetbook collect -w runda2027
      budgetbook collect -w runda2027 --json > kontroll.json
    """
    result = actions.collect(workspace)
    if as_json:
        click.echo(json_text(collect_json(result)))
    else:
        print_collect(result)
    sys.exit(0 if result.valid else 1)


@main.command()
@workspace_option
@handled
def consolidate(workspace: Path) -> None:
    """Consolidate the accepted returns into output/konsolidering_<year>.xlsx.

    Collects first (as `collect`, with its problem report), then consolidates the
    returns without errors. Exit code 1 when a return has an error (fel), 0 otherwise.

    \b
    Example:
      budgetbook consolidate -w runda2027
    """
    collected = actions.collect(workspace)
    print_collect(collected)
    cons, path = actions.consolidate(workspace, collected)
    print_problems(cons.problems)
    click.echo(f"Konsolidering: {path}")
    sys.exit(0 if collected.valid else 1)


@main.command()
@workspace_option
@handled
def report(workspace: Path) -> None:
    """Write the Word draft of the nämndplan to output/namndplan_<year>.docx.

    Collects and consolidates first, writing what `collect` and `consolidate` write.
    Exit code 1 when a return has an error (fel), 0 otherwise.

    \b
    Example:
      budgetbook report -w runda2027
    """
    collected = actions.collect(workspace)
    print_collect(collected)
    cons, _ = actions.consolidate(workspace, collected)
    print_problems(cons.problems)
    path = actions.report(workspace, cons)
    click.echo(f"Word-utkast: {path}")  # as round.kind names it (not always a nämndplan)
    sys.exit(0 if collected.valid else 1)


@main.command()
@workspace_option
@handled
def run(workspace: Path) -> None:
    """Collect, consolidate and write the Word draft, in one go.

    Writes what `collect`, `consolidate` and `report` write. With nothing changed since
    an earlier run the same day, keeps the consolidation and the draft it made. Exit
    code 1 when a return has an error (fel) or no return can be consolidated, 0
    otherwise.

    \b
    Example:
      budgetbook run -w runda2027
    """
    result = actions.run(workspace)
    print_run(result)
    # no approved return: nothing consolidated, no Word draft — the run did not do its job
    sys.exit(0 if result.valid and result.reported is not None else 1)


@main.command()
@workspace_option
@handled
def panel(workspace: Path) -> None:
    """Write the control workbook Budgetpanel.xlsm (the Excel button) into the workspace.

    On Windows also xlwings.conf beside it, naming the Python the buttons start. Both
    are replaced. Installing and using the button: docs/excel-button.md.

    \b
    Example:
      budgetbook panel -w runda2027
    """
    path = actions.panel(workspace)
    click.echo(f"Kontrollpanel: {path}")
    click.echo("Öppna den i Excel och tryck på en knapp (se docs/excel-button.md).")


@main.command()
@click.argument("directory", type=FolderPath(file_okay=False, path_type=Path), default=Path("demo"))
@handled
def demo(directory: Path) -> None:
    """Create an example workspace in DIRECTORY (default ./demo) with returns, then run.

    DIRECTORY must be new or empty. It gets what `init` and `templates` write, filled
    example returns in inbox/, and what `run` writes.

    \b
    Example:
      budgetbook demo /tmp/exempel
    """
    result = actions.demo(directory)
    print_run(result)
    sys.exit(0 if result.valid else 1)


@main.command()
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print the definition as JSON.")
@handled
def schema(workspace: Path, as_json: bool) -> None:
    """Describe the department workbook: sheets, tables, columns, types, lists.

    For this round's settings; docs/template-format.md describes the format.

    \b
    Example:
      budgetbook schema --json -w runda2027
    """
    data = actions.schema(workspace)
    if as_json:
        click.echo(json_text(data))
        return
    click.echo(f"Mallversion {data['version']}")
    for sheet in data["sheets"]:
        click.echo(f"{sheet['name']} (tabell {sheet['table']}, rubrikrad {sheet['header_row']})")
        for col in sheet["columns"]:
            click.echo(f"  {col['heading']}: {col['type']}")


@main.command()
@workspace_option
@click.option("--avdelning", help="Only this avdelning (code).")
@handled
def history(workspace: Path, avdelning: str | None) -> None:
    """List every archived version of the returns, oldest first.

    Reads the archive in output/arkiv/: checksum (the VERSION that `recover` and
    `compare` take), avdelning, when received and saved, size and file name.

    \b
    Example:
      budgetbook history -w runda2027 --avdelning PERS
    """
    versions = actions.history(workspace, avdelning)
    if not versions and avdelning:
        click.echo(
            f"Arkivet har ingen version från avdelningen {avdelning.strip()}. Se "
            f"{hint('history', workspace)} för alla avdelningars versioner."
        )
        return
    if not versions:  # no collect yet, or only with an empty inbox
        from .workspace import open_workspace

        click.echo(
            "Arkivet är tomt: ingen arbetsbok har samlats in än. Lägg de ifyllda "
            f"arbetsböckerna i {open_workspace(workspace).inbox} och kör "
            f"{hint('collect', workspace)}."
        )
        return
    width = max(8, *(len(v.avdelning or "?") for v in versions))
    for v in versions:
        # in this PC's time zone, as the problem report shows them (stored in UTC)
        saved = _local(v.content_time) if v.content_time else "-"
        received = _local(v.arrived)
        click.echo(
            f"  {v.sha256[:12]}  {v.avdelning or '?':<{width}} mottagen {received}  "
            f"sparad {saved}  {v.size:>8} byte  {v.original_name}"
        )


@main.command()
@workspace_option
@click.argument("version")
@click.argument("destination", type=FolderPath(path_type=Path), default=Path("."))
@handled
def recover(workspace: Path, version: str, destination: Path) -> None:
    """Copy an archived VERSION (checksum or its start) to DESTINATION (default: here).

    DESTINATION is a folder (made if need be; the file keeps its name) unless it is a
    file name ending in .xlsx or .xlsm. An existing file is never overwritten.
    VERSION is a checksum as `budgetbook history` lists it.

    \b
    Example:
      budgetbook recover -w runda2027 3f9a2c1b7d04 /tmp/
    """
    path = actions.recover(workspace, version, destination)
    click.echo(f"Återställd: {path}")


@main.command()
@workspace_option
@click.argument("old", metavar="AVDELNING|OLD")
@click.argument("new", required=False)
@handled
def compare(workspace: Path, old: str, new: str | None) -> None:
    """Show what changed in a return: between two archived versions OLD and NEW, or in
    an avdelning's latest version.

    OLD and NEW are checksums as `budgetbook history` lists them (or their start);
    OLD is the earlier version; given the other way round, a note says so first. Lists
    every value that differs, with its sheet and cell.

    With one argument, an avdelning's code: what changed in its latest version (as
    collect takes it, by saved time) since the one saved before it. Or a checksum: what
    changed in that version since the one before it. Files collect takes for no return
    (one it cannot read, last year's workbook, the blank template) are passed over.

    \b
    Examples:
      budgetbook compare -w runda2027 PERS
      budgetbook compare -w runda2027 3f9a2c1b7d04 8be01f55a9c2
    """
    comparison = actions.compare(workspace, old, new)
    if new is None:  # which two versions were found
        before, latest = comparison.old, comparison.new
        click.echo(
            f"{latest.avdelning}: versionen {latest.sha256[:12]} ({latest.original_name}, "
            f"mottagen {_local(latest.arrived)}) jämförd med versionen före den, "
            f"{before.sha256[:12]} ({before.original_name}, mottagen {_local(before.arrived)})."
        )
    changes = comparison.changes
    if not changes:
        click.echo(
            "Inga skillnader i belopp, kommentarer, projekt, mål, uppdrag, risker, "
            "internkontroll eller texter."
        )
        return
    if comparison.later_first and new is not None:  # the checksums given the other way round
        click.echo(_later_first(comparison.later_first, workspace, old, new))
    places = [f"{c.sheet} {c.cell}".strip() for c in changes]
    width = max(len(place) for place in places)  # what changed in one column
    for place, c in zip(places, changes, strict=True):
        click.echo(f"  {place:<{width}}  {c.what}: {_shown(c.old)} -> {_shown(c.new)}")
    click.echo(f"{len(changes)} {'skillnad' if len(changes) == 1 else 'skillnader'}.")


def _later_first(later: LaterFirst, workspace: Path, old: str, new: str) -> str:
    """The note that OLD is the later version, so that the changes read backwards."""
    swapped = hint("compare", workspace, new, old).strip("`")
    a, b = _local(later.old), _local(later.new)
    if a == b:  # two collects within a minute: the seconds tell them apart
        a, b = (f"{t.astimezone():%Y-%m-%d %H:%M:%S}" for t in (later.old, later.new))
    if later.what == "saved":
        said = (
            f"Obs! Den första versionen ({old}, sparad {a}) sparades efter den andra "
            f"({new}, sparad {b})"
        )
    else:  # saved at the same time (a copy): the one that came later is the later
        said = (
            f"Obs! Versionerna sparades samtidigt, men den första ({old}, mottagen {a}) "
            f"kom in efter den andra ({new}, mottagen {b})"
        )
    return (
        f"{said}, så ändringarna visas baklänges.\n"
        f"Byt plats på dem för att se vad avdelningen ändrade: {swapped}"
    )


def _local(value: dt.datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def _shown(value: object) -> str:
    if value is None:
        return "(tomt)"
    if type(value) is int:  # an amount, as the workbook and the reports show it
        from . import fmt  # only `compare` shows amounts: fmt loads decimal (issue 8)

        return fmt.tkr(value)
    text = str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


if __name__ == "__main__":  # pragma: no cover
    main()
