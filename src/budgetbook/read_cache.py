"""Plain-JSON form of a cached read result (identity, Submission, problems).

The archive caches what the reader found per file. It lives in the output folder, often
on a shared drive, so it must never be able to run code when loaded (pickle could):
this is data only, decoded field by field into the model's dataclasses. Anything that
does not decode (an older version, a hand-edited row) is simply read again.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from .model import Problem, Submission

# Bump when the encoded form changes: older cache rows are then ignored (read again).
CACHE_VERSION = 1


def encode(identity: dict[str, str], submission: Submission | None, problems: list[Problem]) -> str:
    return json.dumps(
        {
            "v": CACHE_VERSION,
            "identity": identity,
            "submission": _plain(submission),
            "problems": [_plain(p) for p in problems],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode(text: str | bytes) -> tuple[dict[str, str], Submission | None, list[Problem]] | None:
    """The cached (identity, submission, problems), or None if it is not a valid entry."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != CACHE_VERSION:
            return None
        identity = _build(dict[str, str], data["identity"])
        submission = _build(Submission | None, data["submission"])
        problems = _build(list[Problem], data["problems"])
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
        return None
    return identity, submission, problems


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}  # int keys (years) as text
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(tp: Any, value: Any) -> Any:
    """`value` (decoded JSON) as type `tp`; TypeError/ValueError when it does not fit."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _build(inner, value)
    if origin is dict:
        key_type, value_type = args
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        return {_build(key_type, k): _build(value_type, v) for k, v in value.items()}
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise TypeError("expected a list")
        return [_build(args[0], v) for v in value]
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        hints = _hints(tp)
        kwargs = {f.name: _build(hints[f.name], value[f.name]) for f in dataclasses.fields(tp)}
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    if tp is Path:
        return Path(_expect(value, str))
    if tp is datetime:
        return datetime.fromisoformat(_expect(value, str))
    if tp is int:
        return int(value) if isinstance(value, str) else _expect(value, int)  # dict keys
    if tp is float:
        return float(_expect(value, int | float))
    if tp is str:
        return _expect(value, str)
    if tp is bool:
        return _expect(value, bool)
    raise TypeError(f"no decoder for {tp!r}")


def _expect(value: Any, kind: Any) -> Any:
    if isinstance(value, bool) and kind is not bool:
        raise TypeError("unexpected boolean")
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind}, got {type(value).__name__}")
    return value
