"""The CLI's output redirected on Windows: a file or pipe gets the locale's code page
(cp1252 on a Swedish Windows; cp850/cp437 in old consoles or with PYTHONIOENCODING), and
our messages print amounts with a minus sign (U+2212) and quotes (”) that those code
pages lack. Each command here is a new process with that encoding, as on Windows."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pytest

from budgetbook import console
from budgetbook.workspace import Workspace

RESERV = "Budget 2027 Kommunstyrelsens reserv.xlsx"


def cli_in(encoding: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`budgetbook ARGS` with stdout and stderr in ENCODING, as when redirected on Windows."""
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}
    code = "import sys; from budgetbook.cli import main; sys.argv[0] = 'budgetbook'; main()"
    return subprocess.run(
        [sys.executable, "-X", "utf8=0", "-c", code, *args],
        capture_output=True,
        env=env,
        timeout=300,
    )


@pytest.fixture()
def with_decrease(ws: Workspace) -> Workspace:
    """The reserve's personnel costs entered as -650 (a minus in BB304's message)."""
    path = ws.inbox / RESERV
    wb = openpyxl.load_workbook(path)
    wb["Drift"]["F13"] = -650
    wb.save(path)
    return ws


@pytest.mark.parametrize("encoding", ["cp1252", "cp850"])
def test_collect_redirected_in_a_code_page_lists_every_problem(
    with_decrease: Workspace, encoding: str
) -> None:
    done = cli_in(encoding, "collect", "-w", str(with_decrease.root))
    out, err = done.stdout.decode(encoding), done.stderr.decode(encoding)
    assert "Oväntat fel" not in err
    assert done.returncode == 1, err  # the returns have errors; the command did not fail
    assert "negativt belopp (-650)" in out  # U+2212 as the ASCII minus
    assert '"2 150" är skrivet som text' in out.replace("\u201d", '"')  # ” where it exists
    assert "godkänd" in out and "Inlämningar: " in out  # the listing went to its end
    assert "inlamningskontroll: " in out


def test_json_redirected_in_a_code_page_is_ascii_and_keeps_every_character(
    with_decrease: Workspace,
) -> None:
    done = cli_in("cp1252", "collect", "--json", "-w", str(with_decrease.root))
    assert done.stdout.isascii(), done.stderr
    messages = [p["message"] for p in json.loads(done.stdout)["problems"]]
    assert any("negativt belopp (\u2212650)" in m for m in messages)


def test_unencodable_characters_become_plain_ascii() -> None:
    text = "−2 894 tkr – ”x” … 3 × 4 ≥ 5 → ok ✓"
    assert text.encode("cp850", errors=console.ERRORS).decode("cp850") == (
        '-2 894 tkr - "x" ... 3 × 4 >= 5 -> ok ?'  # cp850 has ×
    )
    # what a code page has is kept: å ä ö and the no-break space of "2 150"
    assert "å ä ö 2\u00a0150 ”".encode("cp1252", errors=console.ERRORS) == (
        "å ä ö 2\u00a0150 ”".encode("cp1252")
    )


def into_closed_pipe(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Python with `args`, its stdout a pipe whose reader is gone before it starts."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, *args], stdout=write, stderr=subprocess.PIPE, timeout=300
        )
    finally:
        os.close(write)


def test_output_to_a_reader_that_stopped_reading_is_no_error(ws: Workspace) -> None:
    """`budgetbook collect | head -1` (PowerShell: `| Select-Object -First 1`): the
    pipe's reader is gone before the listing ends. Here it is gone before it starts."""
    done = into_closed_pipe(["-m", "budgetbook", "collect", "-w", str(ws.root)])
    assert done.returncode == 1
    assert done.stderr == b""  # no "Oväntat fel (BrokenPipeError …)", no "Exception ignored"


# Windows' C runtime reports a write to a pipe whose reader is gone as EINVAL, not EPIPE
# (cpython#79935): Python raises OSError [Errno 22], never BrokenPipeError. Here stdout is
# a real pipe, written as that runtime writes it.
WINDOWS_PIPE = """
import errno, io, os, sys

class WindowsPipe(io.RawIOBase):
    def writable(self):
        return True

    def fileno(self):
        return 1

    def write(self, data):
        try:
            return os.write(1, data)
        except BrokenPipeError:
            raise OSError(errno.EINVAL, "Invalid argument") from None

sys.stdout = io.TextIOWrapper(io.BufferedWriter(WindowsPipe()), encoding="utf-8")
from budgetbook.cli import main
sys.argv[0] = "budgetbook"
main()
"""


def test_a_closed_pipe_as_windows_reports_it_is_no_error(ws: Workspace) -> None:
    """Review: `budgetbook collect | Select-Object -First 1` on Windows still ended with
    'Oväntat fel (OSError: [Errno 22] Invalid argument)': only BrokenPipeError was
    taken for a reader that stopped reading."""
    done = into_closed_pipe(["-c", WINDOWS_PIPE, "collect", "-w", str(ws.root)])
    assert done.returncode == 1
    assert done.stderr == b"", done.stderr.decode(errors="replace")
