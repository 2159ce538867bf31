"""The one digest of budgetbook's code that every cache key depending on code uses.

The archive caches pre-check verdicts, read results, the parsed settings and which
problem report was written. Each depends on much of the package (the reader, the
model whose field order the cache encodes, the rules' messages, rounding in `fmt`), and
hand-kept module lists per key went out of step (review #4). So every key takes the
digest of every `*.py` in the package: a change anywhere re-checks and re-reads once,
which is cheap; serving stale figures is not.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def package_digest(folder: Path) -> bytes:
    """sha256 over every `*.py` under `folder` (names and bytes), in sorted order."""
    digest = hashlib.sha256()
    files = sorted((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*.py"))
    for name, path in files:
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.digest()


@functools.cache
def code_digest() -> bytes:
    """The digest of this installed package's code, computed once per process."""
    return package_digest(PACKAGE)
