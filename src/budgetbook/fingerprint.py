"""The one digest of budgetbook's code that every cache key depending on code uses.

The archive caches pre-check verdicts, read results, the parsed settings and which
problem report was written. Each depends on much of the package (the reader, the
model whose field order the cache encodes, the rules' messages, rounding in `fmt`), and
hand-kept module lists per key went out of step (review #4). So every key takes the
digest of every file in the package (modules and resources): a change anywhere re-checks and re-reads once,
which is cheap; serving stale figures is not. The versions of Python and of the
libraries that read the returns and the settings are part of it for the same reason:
an upgrade may read a cell differently.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from collections.abc import Sequence
from importlib.machinery import PathFinder
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# What reads returns and settings (reader, safety pre-check, settings parser).
READING_LIBRARIES = ("python-calamine", "defusedxml", "olefile", "tomli")


def package_digest(folder: Path) -> bytes:
    """sha256 over every file under `folder` (names and bytes), in sorted order: the
    modules and the resources (the built-in Word template, the example settings), not
    the bytecode caches. A draft kept by `report_memo` must follow a new template too
    (review)."""
    digest = hashlib.sha256()
    files: list[tuple[str, str]] = []
    _list_files(str(folder), "", files)
    for name, path in sorted(files):
        # unbuffered: one read of the whole file, without the buffered reader's probes
        # (isatty, tell) for each of the package's ~100 files
        with open(path, "rb", buffering=0) as fh:
            data = fh.readall()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.digest()


def _list_files(folder: str, prefix: str, files: list[tuple[str, str]]) -> None:
    """(name below the package, path) of every file in `folder` and below but the
    bytecode: no linked folder entered, a linked file read (as Path.rglob finds them).
    By os.scandir, whose entries know their kind without a stat each: ~1 ms less than
    os.walk and a stat per file, in every process (issue 8: a re-run's fixed cost)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:  # as os.walk: a folder that cannot be listed has no files
        return
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            if not entry.is_symlink():
                _list_files(entry.path, f"{prefix}{entry.name}/", files)
        elif entry.is_file() and os.path.splitext(entry.name)[1] not in (".pyc", ".pyo"):
            files.append((prefix + entry.name, entry.path))


def reading_environment() -> str:
    """Python's version and those of the libraries that read for budgetbook."""
    versions = installed_versions(READING_LIBRARIES)
    named = (f"{n}={v}" for n, v in zip(READING_LIBRARIES, versions, strict=True))
    return "\0".join([sys.version, *named])


_SEPARATORS = re.compile(r"[-_.]+")


def installed_versions(names: Sequence[str]) -> list[str]:
    """`importlib.metadata.version(name)` of each, "-" when not installed. Read here
    from the first metadata folder on sys.path, as importlib.metadata finds it,
    because importing importlib.metadata (it parses with the email package) was ~0.05 s
    of a collect or run whose memos hold, in a new process (issue 8); anything unusual
    (a zip on sys.path, no Version header) is left to it."""
    if any(
        hasattr(finder, "find_distributions") and finder is not PathFinder
        for finder in sys.meta_path
    ):
        return [_library_version(name) for name in names]  # another finder knows some
    wanted = {_SEPARATORS.sub("_", name).lower() for name in names}
    found: dict[str, Path] = {}
    unusual = False  # an entry only importlib.metadata reads (a zip file, an egg, a Path)
    # found behind such an entry, which may hold the distribution it finds first (review)
    behind_unusual: set[str] = set()
    for entry in sys.path:
        if not isinstance(entry, str):
            unusual = True
            continue
        try:
            children = os.listdir(entry or ".")
        except (OSError, ValueError):
            unusual = unusual or os.path.exists(entry)
            continue
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                key = _SEPARATORS.sub("_", low.rpartition(".")[0].partition("-")[0])
                if key in wanted and key not in found:
                    found[key] = Path(entry or ".", child)
                    if unusual:
                        behind_unusual.add(key)
        # an egg's own EGG-INFO comes after its .dist-info/.egg-info children
        unusual = unusual or os.path.basename(entry).lower().endswith(".egg")
    versions = []
    for name in names:
        key = _SEPARATORS.sub("_", name).lower()
        info = found.get(key)
        shadowed = key in behind_unusual
        version = _metadata_version(info) if info is not None and not shadowed else None
        if version is None and (info is not None or unusual):
            version = _library_version(name)
        versions.append(version if version is not None else "-")
    return versions


def _metadata_version(info: Path) -> str | None:
    """The Version header of a metadata folder's METADATA (or PKG-INFO), or of an
    .egg-info file; None when there is none."""
    files = [info / "METADATA", info / "PKG-INFO"] if info.is_dir() else [info]
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for line in text.splitlines():
            if not line.strip():
                return None  # the headers end here
            key, colon, value = line.partition(":")
            if colon and key.strip().lower() == "version":
                return value.strip()
        return None
    return None


def _library_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@functools.cache
def code_digest() -> bytes:
    """The digest of this installed package's code and of the Python and libraries that
    read for it, computed once per process."""
    digest = hashlib.sha256(package_digest(PACKAGE))
    digest.update(reading_environment().encode())
    return digest.digest()
