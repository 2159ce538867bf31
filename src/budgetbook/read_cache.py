"""Plain-JSON form of a cached read result (identity, Submission, problems).

The archive caches what the reader found per file. It lives in the output folder, often
on a shared drive, so it must never be able to run code when loaded (pickle could):
this is data only, decoded field by field into the model's dataclasses. Anything that
does not decode (an older version, a hand-edited row) is simply read again.
"""

from __future__ import annotations

import dataclasses
import json
import operator
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .decoder_gen import Decoder, compile_decoder, float_of
from .model_base import Problem

if TYPE_CHECKING:
    from types import ModuleType

    from .model import Submission

    Entry = tuple[dict[str, str], Submission | None, list[Problem]]

# Bump when the encoded form changes: older cache rows are then ignored (read again).
# 2: a dataclass is a list of its field values in field order (was an object), and
#    both directions run through codecs compiled once per type (issue 8: the generic
#    walk with typing introspection per value cost ~30 ms per return on a re-run).
CACHE_VERSION = 2


@cache
def _orjson() -> ModuleType | None:
    """orjson (~10x faster than json here, issue 8), or None without it: json then gives
    the same text. Imported when a row is first written or decoded, not with this
    module: a collect whose memo holds decodes none, and orjson's import (it loads
    uuid and platform) was ~4-6 ms of such a re-run in a new process (issue 8)."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; a missing wheel
        return None
    return orjson


def cache_key(name: str, fingerprint: str) -> str:
    """The key a file's cached result is kept under beside its content hash: the name
    too, as the problems name the file."""
    return f"{name}|{fingerprint}"


def encode(identity: dict[str, str], submission: Submission | None, problems: list[Problem]) -> str:
    """The entry as JSON text: by orjson when it is installed and takes the values,
    else by json; the text is the same either way (issue 8: json was ~1 ms a return)."""
    orjson = _orjson()
    if orjson is not None:
        try:
            _check_orjson(identity)
            return orjson.dumps(
                {
                    "v": CACHE_VERSION,
                    "identity": identity,
                    "submission": submission,
                    "problems": problems,
                },
                default=_orjson_default,
                option=orjson.OPT_PASSTHROUGH_DATACLASS
                | orjson.OPT_PASSTHROUGH_DATETIME
                | orjson.OPT_NON_STR_KEYS,
            ).decode()
        except TypeError:  # orjson.JSONEncodeError: e.g. an int beyond 64 bits
            pass
    return _json_encode(identity, submission, problems)


def _json_encode(
    identity: dict[str, str], submission: Submission | None, problems: list[Problem]
) -> str:
    from .model import Submission  # with a return to write: see `_entry_decoders`

    return json.dumps(
        {
            "v": CACHE_VERSION,
            "identity": identity,
            "submission": _encoder(Submission | None)(submission),
            "problems": _encoder(list[Problem])(problems),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


_MISFITS = (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError, RecursionError)


def decode(text: str | bytes) -> Entry | None:
    """The cached (identity, submission, problems), or None if it is not a valid entry.

    Parsed by orjson (issue 8: ~3x faster than json here) and, when orjson or the
    decoding refuses what it gave, by json: json's values are the reference, and
    orjson differs from them only by refusing (NaN, a lone surrogate, deep nesting) or
    by reading an int beyond 64 bits as a float, which no int field takes."""
    orjson = _orjson()
    if orjson is not None:
        try:
            return _entry(orjson.loads(text))
        except _MISFITS:
            pass
    try:
        return _entry(json.loads(text))
    except _MISFITS:
        return None


def _entry(data: Any) -> Entry | None:
    """The entry of a freshly parsed cache row (its dicts and lists are taken over)."""
    if not isinstance(data, dict) or data.get("v") != CACHE_VERSION:
        return None
    identity, submission, problems = _entry_decoders()
    return (
        identity(data["identity"]),
        submission(data["submission"]),
        problems(data["problems"]),
    )


@cache
def _entry_decoders() -> tuple[Decoder, Decoder, Decoder]:
    """The generated decoders of an entry's parts: the same values as `_decoder`'s
    (issue 8: the generic ones were ~1 ms a return, ~1 s of a re-run at N = 1 000).
    The return's classes are imported here, with the first return decoded: a collect
    whose memo holds decodes none and imports only `model_base` (issue 8)."""
    from .model import Submission

    return (
        compile_decoder(dict[str, str], _decoder),
        compile_decoder(Submission | None, _decoder),
        compile_decoder(list[Problem], _decoder),
    )


def encode_problems(problems: list[Problem]) -> list[Any]:
    """Problems as plain JSON values (also used by the pre-check cache)."""
    return [_plain(p) for p in problems]


def decode_problems(value: Any) -> list[Problem]:
    """The inverse of `encode_problems`; TypeError/ValueError when it does not fit."""
    return _decoder(list[Problem])(value)


def plain(value: Any) -> Any:
    """Model values (dataclasses, enums, dates, paths) as plain JSON values."""
    return _plain(value)


def decoder(tp: Any) -> Callable[[Any], Any]:
    """The inverse of `plain` for type `tp`; it raises TypeError/ValueError on a misfit."""
    return _decoder(tp)


# --- encoding -------------------------------------------------------------------------


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _plain(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value
    names = _field_names(type(value)) if dataclasses.is_dataclass(value) else None
    if names is not None and not isinstance(value, type):
        return [_plain(getattr(value, n)) for n in names]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}  # int keys (years) as text
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


# orjson writes the text `_plain` and json give (issue 8: ~0.3 ms a return, json ~1 ms)
# for values of the model's kinds: strings (escaped as json escapes them with
# ensure_ascii=False), ints, bools, None, str enums, lists, tuples, and dicts keyed
# all by str or all by int (written as str(k)). Dataclasses, paths and dates are handed
# to `_orjson_default` (orjson's own forms differ), which gives `_plain`'s form one
# level at a time and refuses (TypeError: json's path then writes the entry) anything
# else: a float (its text can differ, e.g. 1e+16), keys of other or mixed types (str()
# of each, as `_plain` makes them, can collide), other classes.
_ORJSON_LEAVES = frozenset({str, int, bool, type(None)})
_ONE_KEY_TYPE = ({str}, {int})
_FIELD_VALUES: dict[type, Callable[[Any], list[Any]]] = {}


def _orjson_default(value: Any) -> Any:
    """One level of `_plain` for a value orjson hands over, its parts checked."""
    values = _FIELD_VALUES.get(type(value))
    if values is None:
        if isinstance(value, Path):
            return str(value)
        if isinstance(value, datetime | date):
            return value.isoformat()
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            raise TypeError(f"not written by orjson: {type(value).__name__}")
        names = _field_names(type(value))
        getter = operator.attrgetter(*names) if names else None
        values = (
            (lambda v: list(getter(v)))
            if len(names) > 1
            else (lambda v: [getter(v)] if getter is not None else [])
        )
        _FIELD_VALUES[type(value)] = values
    out = values(value)
    for x in out:
        if type(x) not in _ORJSON_LEAVES:
            _check_orjson(x)
    return out


def _check_orjson(value: Any) -> None:
    """TypeError unless orjson writes `value` as `_plain` and json would (the parts it
    hands to `_orjson_default` are checked there)."""
    kind = type(value)
    if kind in _ORJSON_LEAVES or kind in _FIELD_VALUES:
        return
    if kind is dict:
        if value and set(map(type, value)) not in _ONE_KEY_TYPE:
            raise TypeError("keys of another type")
        for x in value.values():
            if type(x) not in _ORJSON_LEAVES:
                _check_orjson(x)
    elif kind is list or kind is tuple:
        for x in value:
            if type(x) not in _ORJSON_LEAVES and type(x) not in _FIELD_VALUES:
                _check_orjson(x)
    elif isinstance(value, Enum):
        if type(value.value) not in _ORJSON_LEAVES:  # _plain leaves it to json as it is
            raise TypeError("an enum of another value")
    elif not (
        isinstance(value, Path | datetime | date)
        or (dataclasses.is_dataclass(value) and not isinstance(value, type))
    ):
        raise TypeError(f"not written by orjson: {kind.__name__}")


# The same JSON as `_plain`, by functions built once per declared type (issue 8: the
# generic walk, a call and a type test chain per value, was ~1.3 ms of a return's
# ~12 ms read). Whatever is not of the declared type goes through `_plain` itself, so
# the output never differs from it.

Encoder = Callable[[Any], Any]
_SCALARS = frozenset({str, int, float, bool, type(None)})
# A dict with keys all of one of these types is written by json as it is (issue 8: the
# copy with str(k) per entry was ~a third of the encoding; most dicts are year ->
# amount or year -> cell).
_STR_KEYS, _INT_KEYS = {str}, {int}


@cache
def _encoder(tp: Any) -> Encoder:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            return _plain
        enc = _encoder(inner[0])
        return lambda v: None if v is None else enc(v)
    if origin is dict:
        venc = _encoder(args[1])

        def dict_(v: Any) -> Any:
            if type(v) is not dict:
                return _plain(v)
            keys = set(map(type, v))
            if keys in (_STR_KEYS, _INT_KEYS) and _SCALARS.issuperset(
                map(type, v.values())
            ):  # json writes it as below: an int key as str(k), a scalar as it is
                return v
            return {str(k): x if type(x) in _SCALARS else venc(x) for k, x in v.items()}

        return dict_
    if origin in (list, tuple):
        eenc = _encoder(args[0])

        def list_(v: Any) -> Any:
            if type(v) is not list and type(v) is not tuple:
                return _plain(v)
            return [x if type(x) in _SCALARS else eenc(x) for x in v]

        return list_
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_encoder(tp)
    return _plain  # scalars (passed as they are before any call), enums, paths, dates


def _dataclass_encoder(tp: type) -> Encoder:
    names = _field_names(tp)
    hints = _hints(tp)
    encoders = tuple(_encoder(hints[n]) for n in names)
    values = operator.attrgetter(*names) if len(names) > 1 else None
    # Fields declared as scalars are checked in one C-level pass; only the others
    # (dicts, lists, enums, paths, dates) are looked at one by one (issue 8).
    scalar = [i for i, n in enumerate(names) if _declared_scalar(hints[n])]
    others = tuple((i, encoders[i]) for i in range(len(names)) if i not in scalar)
    pick = operator.itemgetter(*scalar) if len(scalar) > 1 else None

    def general(v: Any) -> Any:
        assert values is not None
        return [
            x if type(x) in _SCALARS else e(x) for x, e in zip(values(v), encoders, strict=True)
        ]

    if pick is None:
        return lambda v: _plain(v) if type(v) is not tp or values is None else general(v)

    def dataclass_(v: Any) -> Any:
        if type(v) is not tp or values is None:
            return _plain(v)
        out = list(values(v))
        if not _SCALARS.issuperset(map(type, pick(out))):
            return general(v)
        for i, e in others:
            x = out[i]
            if type(x) not in _SCALARS:
                out[i] = e(x)
        return out

    return dataclass_


def _declared_scalar(tp: Any) -> bool:
    """Whether a field's declared type is a JSON scalar (or an optional one)."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return all(a in _SCALARS for a in typing.get_args(tp))
    return tp in _SCALARS


# --- decoding: one function per type, built once -------------------------------------


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _decoder(tp: Any) -> Decoder:
    """A function turning decoded JSON into type `tp`, raising TypeError/ValueError
    when the value does not fit (the cache row is then ignored and the file read)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        dec = _decoder(inner)
        return lambda v: None if v is None else dec(v)
    if origin is dict and args[0] in (str, int) and args[1] in (str, int):
        return _plain_dict_decoder(*args)
    if origin is dict:
        kdec, vdec = _decoder(args[0]), _decoder(args[1])

        def dict_(v: Any) -> dict:
            if type(v) is not dict:
                raise TypeError("expected an object")
            return {kdec(k): vdec(x) for k, x in v.items()}

        return dict_
    if origin in (list, tuple):
        edec = _decoder(args[0])
        kind = origin

        def list_(v: Any) -> list | tuple:
            if type(v) is not list:
                raise TypeError("expected a list")
            return kind(edec(x) for x in v) if kind is tuple else [edec(x) for x in v]

        return list_
    if dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if tp is Path:
        return lambda v: Path(_exact(v, str))
    if tp is datetime:
        return lambda v: datetime.fromisoformat(_exact(v, str))
    if tp is date:
        return lambda v: date.fromisoformat(_exact(v, str))
    if tp is int:
        return lambda v: int(v) if type(v) is str else _exact(v, int)  # dict keys
    if tp is float:
        return lambda v: float_of(v) if type(v) is int else _exact(v, float)
    if tp in (str, bool):
        return lambda v: _exact(v, tp)
    raise TypeError(f"no decoder for {tp!r}")


def _plain_dict_decoder(key: type, value: type) -> Decoder:
    """dict[str|int, str|int] without a call per entry: most of a Submission is small
    dicts of year -> amount and year -> cell (issue 8: half of the decoding time)."""

    def plain_dict(v: Any) -> dict:
        if type(v) is not dict:
            raise TypeError("expected an object")
        out = v if key is str else {int(k): x for k, x in v.items()}
        for x in out.values():
            if type(x) is not value:
                raise TypeError(f"expected {value.__name__}, got {type(x).__name__}")
        return dict(out) if out is v else out

    return plain_dict


def _dataclass_decoder(tp: type) -> Decoder:
    hints = _hints(tp)
    names = _field_names(tp)
    decoders = tuple(_decoder(hints[n]) for n in names)
    count = len(names)

    def dataclass_(v: Any) -> Any:
        if type(v) is not list or len(v) != count:
            raise TypeError(f"expected {count} fields")
        return tp(*[d(x) for d, x in zip(decoders, v, strict=True)])

    return dataclass_


def _exact(value: Any, kind: type) -> Any:
    """`value` if it is exactly of JSON type `kind` (a bool is no int here)."""
    if type(value) is not kind:
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value
