"""A command suggested in a message (`budgetbook history -w runda2027`), written with the
workspace folder as the user gave it: a hint without `-w` run in another folder than the
workspace found nothing there, or another round's archive."""

from __future__ import annotations

from pathlib import Path


def shell_arg(value: Path | str) -> str:
    """A folder or value as an argument of a command we suggest: quoted when it holds a
    space (a OneDrive for work folder, "Budget 2027"), or the copied command takes only
    its first word. Double quotes serve the command prompt, PowerShell and a Unix shell
    alike."""
    text = str(value)
    return f'"{text}"' if any(c.isspace() for c in text) else text


def hint(command: str, workspace: Path | str = "", *args: str) -> str:
    """ "`budgetbook COMMAND -w WORKSPACE ARGS`", in backquotes; without -w when the
    workspace is the current folder (as given: "" or ".")."""
    parts = ["budgetbook", command]
    if str(workspace) not in ("", "."):
        parts += ["-w", shell_arg(workspace)]
    parts += [shell_arg(a) for a in args]
    return f"`{' '.join(parts)}`"
