"""click's usage errors (exit code 2) in Swedish, as every other message of the CLI is.

click writes "Usage: …", "Try '… --help' for help." and "Error: Invalid value for '-w'
/ '--workspace': Directory 'x' does not exist." in English, under or above a "Fel: …"
from budgetbook in the same session. The help text itself stays English (by design, as
the README says); what went wrong, and what to do, is said in Swedish, in one place:
`_Group` (cli.py) hands every usage error of the group and its commands to `swedish`.
A message not known here is shown as click wrote it, after "Fel:".
"""

from __future__ import annotations

import re
import sys
from typing import Any

import click

# click's own messages that carry no attribute to build a Swedish one from
_EXTRA_ARGS = re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)$")
_NO_COMMAND = re.compile(r"No such command '(?P<name>.*?)'\.")
_NEEDS_VALUE = re.compile(r"Option '(?P<name>.*?)' requires (?:an argument|\d+ arguments)\.")
_NO_VALUE = re.compile(r"Option '(?P<name>.*?)' does not take a value\.")


class SwedishUsageError(click.UsageError):
    """A usage error of click's, shown in Swedish: "Fel: …", then the command's usage
    line and where its help is. Exit code 2, as click's."""

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(swedish_message(original), original.ctx)

    def show(self, file: Any = None) -> None:
        file = file or sys.stderr
        click.echo(f"Fel: {self.format_message()}", file=file)
        ctx = self.ctx
        if ctx is not None:
            pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
            click.echo(f"Användning: {ctx.command_path} {pieces}".rstrip(), file=file)
            if ctx.command.get_help_option(ctx) is not None:
                click.echo(f"Hjälp (på engelska): {ctx.command_path} --help", file=file)


def swedish(exc: click.UsageError) -> click.UsageError:
    """`exc` as a `SwedishUsageError`; click's "no arguments: show the help" as it is."""
    if isinstance(exc, SwedishUsageError) or type(exc).__name__ == "NoArgsIsHelpError":
        return exc
    return SwedishUsageError(exc)


def _name(param: click.Parameter | None) -> str:
    """A parameter as the command line writes it: "-w/--workspace", "VERSION"."""
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return "/".join(param.opts)
    return param.human_readable_name


def _did_you_mean(found: list[str] | None) -> str:
    return f" Menade du {' eller '.join(found)}?" if found else ""


def swedish_message(exc: click.UsageError) -> str:
    """What went wrong, in Swedish (click's message where it is none known here)."""
    if isinstance(exc, click.MissingParameter):
        what = (
            "argumentet"
            if exc.param_type == "argument" or isinstance(exc.param, click.Argument)
            else "flaggan"
        )
        return f"{what} {_name(exc.param)} saknas."
    if isinstance(exc, click.BadParameter):
        where = f" för {_name(exc.param)}" if exc.param is not None else ""
        return f"ogiltigt värde{where}: {exc.message}"
    if isinstance(exc, click.NoSuchOption):
        return f"okänd flagga {exc.option_name}.{_did_you_mean(exc.possibilities)}"
    message = exc.message
    if name := getattr(exc, "command_name", None):  # click 8.4's NoSuchCommand
        return f"okänt kommando {name!r}.{_did_you_mean(getattr(exc, 'possibilities', None))}"
    if found := _NO_COMMAND.match(message):
        return f"okänt kommando {found['name']!r}."
    if found := _EXTRA_ARGS.match(message):
        return f"för många argument: {found['args']}."
    if found := _NEEDS_VALUE.match(message):
        return f"flaggan {found['name']} behöver ett värde."
    if found := _NO_VALUE.match(message):
        return f"flaggan {found['name']} tar inget värde."
    if message == "Missing command.":
        return "kommando saknas."
    return message
