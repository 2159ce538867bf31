"""An output that cannot be written, replaced or removed gives a Swedish message naming
it and saying what to do, never "Oväntat fel" with a traceback's worth of text.

On Windows a file open in Excel or Word cannot be replaced or removed, and a folder on
a share may be read-only. Here (Linux, as root) `chattr +i` makes a file or folder
immutable, which refuses the same operations with PermissionError as Windows does."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest

from budgetbook import actions
from budgetbook.errors import OutputError
from budgetbook.workspace import WINDOWS_MAX_PATH, Workspace, atomic_write, unwritable


@contextmanager
def held(path: Path) -> Iterator[None]:
    """`path` can be neither changed, replaced nor removed (nor a folder written in)."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {made.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_feedback_open_in_excel_for_a_return_now_fine_names_it(ws: Workspace) -> None:
    actions.collect(ws.root)
    feedback = ws.output / "aterkoppling" / "aterkoppling_RES_2027.xlsx"
    assert feedback.exists()
    # the avdelning fixes its return: its old feedback must go, but is open in Excel
    path = ws.inbox / "Budget 2027 Kommunstyrelsens reserv.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Drift"]["K13"] = "Ny tjänst för beredskap."
    wb.save(path)
    with held(feedback), pytest.raises(OutputError) as caught:
        actions.collect(ws.root)
    assert str(caught.value) == (
        f"Kunde inte ta bort {feedback}: filen är öppen i ett annat program (Excel eller "
        "Word) eller skrivskyddad. Stäng den och försök igen."
    )


def test_an_output_folder_without_write_access_says_so(ws: Workspace) -> None:
    ws.output.mkdir(exist_ok=True)
    with held(ws.output), pytest.raises(OutputError) as caught:
        actions.run(ws.root)
    assert str(caught.value) == (
        f"Kunde inte skriva {ws.output / 'arkiv'}: du saknar behörighet att skriva i mappen "
        f"{ws.output}, eller så är den skrivskyddad. Be IT om skrivbehörighet, eller flytta "
        "arbetsmappen till en mapp där du kan skriva."
    )


def test_the_panel_in_a_read_only_workspace_says_so(ws: Workspace) -> None:
    with held(ws.root), pytest.raises(OutputError, match="saknar behörighet att skriva i mappen"):
        actions.panel(ws.root)


def test_the_archive_folder_without_write_access_says_so(ws: Workspace) -> None:
    files = ws.output / "arkiv" / "filer"
    files.mkdir(parents=True)
    with held(files), pytest.raises(OutputError, match=f"skriva i mappen {files}, eller"):
        actions.collect(ws.root)


def test_a_temporary_file_that_cannot_be_removed_does_not_hide_why(tmp_path: Path) -> None:
    """The output cannot be replaced, and its temporary file not removed either (on
    Windows: the output open in Excel, a scanner holding the new file): the message
    still says which file to close."""
    folder = tmp_path / "output"
    folder.mkdir()
    target = folder / "konsolidering_2027.xlsx"
    target.write_bytes(b"old")
    with (
        contextlib.ExitStack() as stack,  # left last: the folder is writable again
        pytest.raises(OutputError, match="filen är öppen i ett annat program"),
        atomic_write(target) as tmp,
    ):
        tmp.write_bytes(b"new")
        stack.enter_context(held(folder))  # neither renamed into place nor removed
    assert target.read_bytes() == b"old"


# Windows' own errors, which cannot happen here: the message for each


def test_a_path_over_windows_max_path_says_move_the_workspace() -> None:
    deep = Path("C:/Users/anna/OneDrive - Exempelkommun/" + "Budget 2027/" * 20)
    path = deep / "output" / "arkiv" / "filer" / ("0" * 64 + ".xlsx")
    assert len(str(path)) + 10 >= WINDOWS_MAX_PATH
    gone = FileNotFoundError(2, "The system cannot find the path specified", str(path))
    message = str(unwritable(path, gone, in_folder=True, windows=True))
    assert message.startswith(f"Kunde inte skriva {path}: sökvägen är för lång för Windows (")
    assert "Flytta arbetsmappen till en mapp med kortare sökväg" in message
    # elsewhere (or short) a missing folder is just that
    assert "för lång" not in str(unwritable(path, gone, in_folder=True, windows=False))


def test_a_sharing_violation_when_replacing_is_a_file_open_elsewhere() -> None:
    path = Path("C:/Budget/runda2027/output/namndplan_2027.docx")
    # WinError 32 as Python raises it on Windows: PermissionError (EACCES)
    held_by_word = PermissionError(13, "The process cannot access the file", str(path))
    assert str(unwritable(path, held_by_word)) == (
        f"Kunde inte skriva {path}: filen är öppen i ett annat program (Excel eller Word) "
        "eller skrivskyddad. Stäng den och försök igen."
    )


def test_a_full_disk_says_so() -> None:
    path = Path("/x/output/konsolidering_2027.xlsx")
    full = OSError(28, "No space left on device", str(path))
    assert str(unwritable(path, full, in_folder=True)) == (
        f"Kunde inte skriva {path}: disken är full. Frigör utrymme och försök igen."
    )


def test_other_system_errors_are_told_in_swedish() -> None:
    """The last fallback printed the system's own text, which is English on Linux and
    macOS ("Kunde inte skriva …: Read-only file system.")."""
    import errno

    from budgetbook.workspace import os_failure

    path = Path("/mnt/budget/output/konsolidering_2027.xlsx")
    cases = {
        errno.EROFS: ("Read-only file system", "enheten är skrivskyddad"),
        errno.EIO: ("Input/output error", "läs- eller skrivfel"),
        errno.ESTALE: ("Stale file handle", "nätverksmappen"),
        errno.ETIMEDOUT: ("Connection timed out", "svarade inte"),
    }
    for code, (english, swedish) in cases.items():
        failure = OSError(code, english, str(path))
        for message in (str(unwritable(path, failure, in_folder=True)), os_failure(failure)):
            assert message and swedish in message and english not in message, message
    # an error without a Swedish text keeps the system's (Swedish on a Swedish Windows)
    odd = OSError(errno.ELOOP, "Too many levels of symbolic links", str(path))
    assert str(unwritable(path, odd)).endswith(": Too many levels of symbolic links.")


def test_on_windows_only_windows_own_text_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review: Windows words an error in its own language only when the Windows API
    raised it (`winerror` set: "Det angivna nätverksnamnet är inte längre
    tillgängligt"); what the C library behind open() raises is in English there too
    ("No such file or directory"), and was kept as if it were Windows' Swedish."""
    import errno

    from budgetbook import workspace as workspace_module
    from budgetbook.workspace import os_failure

    monkeypatch.setattr(workspace_module, "SYSTEM_SPEAKS_SWEDISH", True)  # as on Windows
    path = r"\\server\ekonomi\runda2027\inbox\Budget PERS.xlsx"
    from_open = OSError(errno.ENOENT, "No such file or directory", path)
    message = os_failure(from_open)
    assert message and "mappen eller filen finns inte" in message
    assert "No such file" not in message
    from_windows = OSError(
        errno.EINVAL, "Det angivna nätverksnamnet är inte längre tillgängligt", path
    )
    from_windows.winerror = 64  # type: ignore[attr-defined]  # ERROR_NETNAME_DELETED
    message = os_failure(from_windows)
    assert message and "Det angivna nätverksnamnet är inte längre tillgängligt." in message
