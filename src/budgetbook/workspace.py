"""A workspace is a folder: budgetbook.toml, workbook_templates/, inbox/, output/."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import OutputError, WorkspaceError

if TYPE_CHECKING:
    from .settings import Settings

SETTINGS_FILE = "budgetbook.toml"
TEMPLATES_DIR = "workbook_templates"
INBOX_DIR = "inbox"
OUTPUT_DIR = "output"


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def templates(self) -> Path:
        return self.root / TEMPLATES_DIR

    @property
    def inbox(self) -> Path:
        return self.root / INBOX_DIR

    @property
    def output(self) -> Path:
        return self.root / OUTPUT_DIR

    # The settings modules (and the writers' shutil, tempfile, secrets below) are
    # imported when used: a collect whose memo holds needs none (issue 8: importing
    # them was ~0.05 s of such a re-run in a new process).
    def settings(self) -> Settings:
        from .settings import load_settings

        # parsed settings are kept in the archive once there is one (issue 8)
        return load_settings(self.settings_file, cache_dir=self.output / "arkiv")

    def settings_and_inputs(
        self, later: list[Callable[[], None]] | None = None
    ) -> tuple[Settings, list[tuple[Path, object]]]:
        """The settings and the state of every file they were made from (`later`:
        `settings_load.load_settings_and_inputs`)."""
        from .settings_load import load_settings_and_inputs

        return load_settings_and_inputs(
            self.settings_file, cache_dir=self.output / "arkiv", later=later
        )

    def ensure_dirs(self) -> None:
        for folder in (self.templates, self.inbox, self.output):
            folder.mkdir(parents=True, exist_ok=True)


def open_workspace(path: Path | str = ".") -> Workspace:
    root = Path(path).resolve()
    if not root.is_dir():
        raise WorkspaceError(f"{root} är ingen mapp.")
    if not (root / SETTINGS_FILE).exists():
        raise WorkspaceError(
            f"{root} är ingen budgetbook-arbetsyta ({SETTINGS_FILE} saknas). "
            "Skapa en med `budgetbook init MAPP`."
        )
    return Workspace(root)


def example_resources() -> Path:
    """The bundled example kommun's settings, prior-year figures and texts."""
    from importlib import resources  # only `init` needs it: see `Workspace.settings`

    return Path(str(resources.files("budgetbook") / "resources" / "example"))


def init_workspace(path: Path | str) -> Workspace:
    """Create a new workspace with the example settings (refuses to overwrite settings)."""
    import shutil  # the writers' modules are imported when writing: see `Workspace.settings`

    root = Path(path).resolve()
    if (root / SETTINGS_FILE).exists():
        raise WorkspaceError(f"{root} har redan en {SETTINGS_FILE}; inget skrevs över.")
    root.mkdir(parents=True, exist_ok=True)
    source = example_resources()

    def copy_new(src: str, dst: str) -> None:
        # a file already there is the user's (their own texts in texter/): never replaced
        if not os.path.exists(dst):
            shutil.copy2(src, dst)

    for item in source.iterdir():
        target = root / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True, copy_function=copy_new)
        else:
            copy_new(str(item), str(target))
    ws = Workspace(root)
    ws.ensure_dirs()
    return ws


@contextmanager
def atomic_write(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it into place only on success.

    A failed write leaves the previous file intact. A target locked by Excel (Windows)
    gives an OutputError naming the file instead of a half-written file.
    """
    import tempfile  # imported when writing: see `Workspace.settings`

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent
        )
    except OSError as exc:  # a folder the user may not write in (a share, read-only)
        raise unwritable(path, exc, in_folder=True) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates 0600; an output on a shared drive must get the usual permissions
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        replace_into(tmp, path)
    finally:
        # a temporary file held a moment longer (Windows: a virus scanner) must not
        # hide why the write failed; the next run removes it (leftovers)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


# The random part of the temporary names below: `mkstemp`'s 8 of [a-z0-9_] and
# `token_hex(4)`'s 8 hex digits. `leftovers` removes the files of killed runs by it.
TEMP_RANDOM = r"[a-z0-9_]{8}"


def temp_name_regex(stem: str, suffix: str) -> str:
    """A regex (source) of the temporary names that `atomic_write` and
    `write_bytes_atomically` give a target whose stem and suffix match `stem` and
    `suffix` (regexes themselves): `.<stem>.<random><suffix>`."""
    return rf"\.(?:{stem})\.{TEMP_RANDOM}(?:{suffix})"


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """`atomic_write` of bytes at hand, with fewer steps: the archive writes one copy per
    received return (issue 8: `mkstemp`'s random names, a chmod and a second open were
    ~0.15 ms a file of the collecting process). The temporary file is made with the
    usual permissions (mode 0o666 less the umask, as `atomic_write` gives) and
    exclusively, beside `path`, then renamed into place; a failed write leaves
    nothing behind and the previous file intact."""
    import secrets  # imported when writing: see `Workspace.settings`

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for attempt in itertools.count():
        tmp = os.path.join(path.parent, f".{path.stem}.{secrets.token_hex(4)}{path.suffix}")
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError as exc:
            if attempt >= 100:  # as mkstemp, which gives up after as many
                raise unwritable(path, exc, in_folder=True) from exc
        except PermissionError as exc:
            # Windows: the name is a folder or a file pending deletion (mkstemp retries)
            if os.name != "nt" or attempt >= 100 or not path.parent.is_dir():
                raise unwritable(path, exc, in_folder=True) from exc
        except FileNotFoundError as exc:  # the folder is gone (removed by hand): make it
            if attempt >= 10:
                raise unwritable(path, exc, in_folder=True) from exc
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise unwritable(path, exc, in_folder=True) from exc
        except OSError as exc:  # a full disk, a share gone, a name Windows refuses
            raise unwritable(path, exc, in_folder=True) from exc
    try:
        with open(fd, "wb", closefd=True) as fh:
            fh.write(data)
        replace_into(Path(tmp), path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# Windows: a virus scanner, the search indexer or OneDrive's sync client opens a file
# just written (or the one it replaces) for a moment, and a rename meanwhile is refused
# as if Excel held it. Tried again this often, 0.1 s, 0.2 s … apart (1 s in all), before
# the user is told to close a file they may not have open.
_REPLACE_TRIES = 5


def replace_into(written: Path, path: Path) -> None:
    """Move a file written beside or for `path` into its place (one step)."""
    for attempt in range(_REPLACE_TRIES):
        try:
            os.replace(written, path)
            return
        except PermissionError as exc:
            if os.name != "nt" or attempt == _REPLACE_TRIES - 1:
                raise unwritable(path, exc) from exc
            import time  # only on this failure

            time.sleep(0.1 * (attempt + 1))
        except OSError as exc:
            raise unwritable(path, exc) from exc


def remove_output(path: Path) -> None:
    """Remove an output of an earlier run that must not stay (OutputError if held)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise unwritable(path, exc, removing=True) from exc


# Windows' MAX_PATH: a full path of 260 characters or more cannot be created unless long
# paths are enabled in the registry (off by default), and Excel opens none over 218.
WINDOWS_MAX_PATH = 260
# ERROR_PATH_NOT_FOUND, ERROR_FILENAME_EXCED_RANGE: what a too-long path gives there
_LONG_PATH_WINERRORS = (3, 206)


def unwritable(
    path: Path,
    exc: OSError,
    *,
    in_folder: bool = False,
    removing: bool = False,
    windows: bool = os.name == "nt",
) -> OutputError:
    """The Swedish OutputError for an output that could not be written (or removed),
    naming it and saying what the user can do. `in_folder`: the temporary file beside
    it could not be made (the folder's fault), else the file itself could not be
    replaced or removed: on Windows one open in Excel or Word cannot be (PermissionError,
    WinError 5 or 32). A folder on a share may be read-only; a path over MAX_PATH is
    "not found" there."""
    import errno  # only when writing failed

    verb = "ta bort" if removing else "skriva"
    where = f"Kunde inte {verb} {path}"
    long_path = isinstance(exc, FileNotFoundError) or getattr(exc, "winerror", None) in (
        _LONG_PATH_WINERRORS
    )
    # the temporary file beside it is 10 characters longer: ".", "." and 8 random
    if windows and long_path and len(str(path)) + 10 >= WINDOWS_MAX_PATH:
        return OutputError(
            f"{where}: sökvägen är för lång för Windows ({len(str(path))} tecken; "
            f"budgetbook behöver sökvägar under {WINDOWS_MAX_PATH - 10} tecken). Flytta "
            "arbetsmappen till en mapp med kortare sökväg, till exempel C:\\Budget\\runda2027, "
            "eller korta av mappnamnen."
        )
    if in_folder and isinstance(exc, FileExistsError | NotADirectoryError):
        # a file stands where a folder of the path should be (`recover X rapport/ny`)
        file = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        return OutputError(f"{where}: {file} är en fil, inte en mapp. Välj en annan plats.")
    if isinstance(exc, PermissionError):
        if not in_folder:
            return OutputError(
                f"{where}: filen är öppen i ett annat program (Excel eller Word) eller "
                "skrivskyddad. Stäng den och försök igen."
            )
        return OutputError(
            f"{where}: du saknar behörighet att skriva i mappen {path.parent}, eller så är "
            "den skrivskyddad. Be IT om skrivbehörighet, eller flytta arbetsmappen till en "
            "mapp där du kan skriva."
        )
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return OutputError(f"{where}: disken är full. Frigör utrymme och försök igen.")
    return OutputError(f"{where}: {_reason(exc)}.")


# Windows words the errors of its own API in the system's language, and more exactly than
# an errno ("Det angivna nätverksnamnet är inte längre tillgängligt"); Linux and macOS in
# English, and so does the C library behind open() on Windows too (no `winerror` there).
SYSTEM_SPEAKS_SWEDISH = os.name == "nt"


def _reason(exc: OSError) -> str:
    """What went wrong, in Swedish: Windows' own text for an error of its API, else ours
    for the errors a workspace on a disk or a share meets (the system's for any other)."""
    import errno

    if SYSTEM_SPEAKS_SWEDISH and getattr(exc, "winerror", None) and exc.strerror:
        return exc.strerror

    names = {
        "ENOENT": "mappen eller filen finns inte (längre)",
        "EROFS": "enheten är skrivskyddad",
        "EIO": "läs- eller skrivfel på disken eller i nätverket",
        "ESTALE": "nätverksmappen går inte längre att nå",
        "ETIMEDOUT": "nätverket eller servern svarade inte i tid",
        "EHOSTDOWN": "servern går inte att nå",
        "EHOSTUNREACH": "servern går inte att nå",
        "ENETUNREACH": "nätverket går inte att nå",
        "ENETDOWN": "nätverket går inte att nå",
        "EBUSY": "filen används av ett annat program",
        "EMFILE": "för många filer är öppna",
        "ENFILE": "för många filer är öppna",
        "ENAMETOOLONG": "sökvägen eller filnamnet är för långt",
        "ENOTDIR": "en del av sökvägen är inte en mapp",
        "EISDIR": "det finns en mapp med samma namn",
        "EACCES": "åtkomst nekad",
        "EPERM": "åtkomst nekad",
        "ENOSPC": "disken är full",
    }
    name = errno.errorcode.get(exc.errno or 0)
    return names.get(name or "") or exc.strerror or str(exc)


def os_failure(exc: BaseException) -> str | None:
    """The Swedish message for a file-system failure no step turned into an OutputError
    (a network share or OneDrive folder gone mid-run, a file removed while read), else
    None. Such a failure is the environment's, not a bug to report: it says what to check."""
    # only one naming a file: a closed pipe (`budgetbook run | more`) or a socket is not
    if not isinstance(exc, OSError) or not exc.filename:
        return None
    return (
        f"Kunde inte läsa eller skriva {exc.filename}: {_reason(exc)}. Kontrollera "
        "att mappen går att nå (en nätverksmapp eller OneDrive kan ha kopplats från) och "
        "kör igen."
    )
