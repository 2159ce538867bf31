"""What a file a cache depends on is now (its bytes' hash, "dir" or None), and that
state as stored in JSON. Its own module, apart from `settings_cache`, because a collect
whose memo holds compares these states without importing the settings code (issue 8)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


def expect_text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("expected a text")
    return value


def state_text(state: object) -> str | None:
    """A settings file's state (content hash, "dir" or None) as stored in JSON."""
    return state.hex() if isinstance(state, bytes) else (None if state is None else str(state))


def state_from_text(value: Any) -> object:
    """A dependency's recorded state back from `state_text`: bytes, "dir" or None."""
    if value is None or value == "dir":
        return value
    return bytes.fromhex(expect_text(value))


def state(file: Path) -> object:
    """What a dependency is now: its bytes' hash (a time stamp can miss a quick edit)."""
    try:
        return "dir" if file.is_dir() else hashlib.sha256(file.read_bytes()).digest()
    except (OSError, ValueError):  # ValueError: a path no file can have (a NUL, a lone
        return None  # surrogate), as one read back from a cache in a shared folder may be
