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
import sys
from importlib import metadata
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
    files = sorted(
        (p.relative_to(folder).as_posix(), p)
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    )
    for name, path in files:
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.digest()


def reading_environment() -> str:
    """Python's version and those of the libraries that read for budgetbook."""
    parts = [sys.version]
    for name in READING_LIBRARIES:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=-")
    return "\0".join(parts)


@functools.cache
def code_digest() -> bytes:
    """The digest of this installed package's code and of the Python and libraries that
    read for it, computed once per process."""
    digest = hashlib.sha256(package_digest(PACKAGE))
    digest.update(reading_environment().encode())
    return digest.digest()
