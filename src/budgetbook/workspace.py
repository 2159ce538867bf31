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
    for item in source.iterdir():
        target = root / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True)
        elif not target.exists():
            shutil.copy2(item, target)
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

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
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
        if tmp.exists():
            tmp.unlink()


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
        except FileExistsError:
            if attempt >= 100:  # as mkstemp, which gives up after as many
                raise
        except PermissionError:
            # Windows: the name is a folder or a file pending deletion (mkstemp retries)
            if os.name != "nt" or attempt >= 100 or not path.parent.is_dir():
                raise
        except FileNotFoundError:  # the folder is gone (removed by hand): make it
            if attempt >= 100:
                raise
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(fd, "wb", closefd=True) as fh:
            fh.write(data)
        replace_into(Path(tmp), path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def replace_into(written: Path, path: Path) -> None:
    """Move a file written beside or for `path` into its place (one step)."""
    try:
        os.replace(written, path)
    except PermissionError as exc:
        raise OutputError(
            f"Kunde inte skriva {path.name}: filen är öppen i ett annat program. "
            "Stäng den och försök igen."
        ) from exc
