"""Decoders for values freshly parsed from JSON, generated as Python source per type.

A cached read result is ~150 dataclass objects and ~220 small dicts per return, and a
re-run on deadline day decodes ~1 000 of them in the main process. The generic decoders
of `read_cache` make one call per value through closures (issue 8: ~1 s of a 2.4 s
collect at N = 1 000); the code made here does the same checks inline, one function
per declared type, built once (~3x faster).

A generated decoder accepts and rejects exactly what `read_cache.decoder(tp)` does and
gives == values; it raises TypeError/ValueError on a misfit. Unlike that one it may
keep the dicts and lists it is given (a dict with text keys is not copied), so it is
only for values nobody else holds: those `json.loads` / `orjson.loads` just returned.
Types it has no inline form for are handed to `fallback(tp)`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

Decoder = Callable[[Any], Any]


class _IntKeys(dict[str, int]):
    """int(k) of dict keys, remembered: the same few years are keys of most dicts of
    a return, and a lookup is ~4x faster than int() of a text (issue 8). The same
    function of the text, so the same value or the same ValueError."""

    def __missing__(self, key: str) -> int:
        value = int(key)
        if len(self) < 4096 and len(key) < 16:  # bounded: a key may come from any file
            self[key] = value
        return value


def float_of(value: int) -> float:
    """float(value) of a JSON int, a ValueError (a misfit) where float() overflows: json
    reads 1 followed by 400 zeros as an int, and an OverflowError escaped the callers."""
    try:
        return float(value)
    except OverflowError as exc:
        raise ValueError("a number beyond a float's range") from exc


def compile_decoder(tp: Any, fallback: Callable[[Any], Decoder]) -> Decoder:
    """A function decoding a fresh JSON value as `tp` (see the module's docstring)."""
    gen = _Gen(fallback)
    body = gen.value(tp, "v", 1, ())
    source = "def decode(v):\n" + "".join(body) + "    return v\n"
    namespace: dict[str, Any] = dict(gen.env)
    exec(compile(source, f"<decoder of {tp!r}>", "exec"), namespace)  # our own source only
    decode: Decoder = namespace["decode"]
    decode.__doc__ = source  # for a reader wondering what runs
    return decode


_SCALAR_TEST = {str: "str", bool: "bool"}


class _Gen:
    """Emits statements that replace a local variable by its decoded value."""

    def __init__(self, fallback: Callable[[Any], Decoder]) -> None:
        self.fallback = fallback
        self.env: dict[str, Any] = {"_int_keys": _IntKeys(), "_float_of": float_of}
        self.count = 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def const(self, value: Any, prefix: str) -> str:
        name = self.name(prefix)
        self.env[name] = value
        return name

    def value(self, tp: Any, var: str, depth: int, outer: tuple[Any, ...]) -> list[str]:
        """Lines (indented `depth` levels) that decode `var` as `tp` in place."""
        pad = "    " * depth
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if tp in _SCALAR_TEST:
            return [f"{pad}if type({var}) is not {_SCALAR_TEST[tp]}: raise TypeError\n"]
        if tp is int:  # a text too, as the generic decoder takes it (dict keys)
            return [
                f"{pad}if type({var}) is not int:\n",
                f"{pad}    if type({var}) is not str: raise TypeError\n",
                f"{pad}    {var} = int({var})\n",
            ]
        if tp is float:
            return [
                f"{pad}if type({var}) is int: {var} = _float_of({var})\n",
                f"{pad}elif type({var}) is not float: raise TypeError\n",
            ]
        if tp in (Path, datetime, date):
            make = self.const(tp if tp is Path else tp.fromisoformat, "make")
            return [
                f"{pad}if type({var}) is not str: raise TypeError\n",
                f"{pad}{var} = {make}({var})\n",
            ]
        if isinstance(tp, type) and issubclass(tp, Enum):
            return [f"{pad}{var} = {self.const(tp, 'enum')}({var})\n"]
        if origin in (typing.Union, types.UnionType):
            inner = [a for a in args if a is not type(None)]
            if len(inner) == 1 and len(args) == 2:
                return [
                    f"{pad}if {var} is not None:\n",
                    *self.value(inner[0], var, depth + 1, outer),
                ]
        elif origin is dict and args[0] in (str, int):
            return self.dict_(args[0], args[1], var, depth, outer)
        elif origin in (list, tuple) and args[1:] in ((), (...,)) and tp not in outer:
            return self.list_(origin, args[0], var, depth, (*outer, tp))
        elif dataclasses.is_dataclass(tp) and isinstance(tp, type) and tp not in outer:
            return self.dataclass_(tp, var, depth, (*outer, tp))
        # anything else (e.g. a type nested in itself): the generic decoder
        return [f"{pad}{var} = {self.const(self.fallback(tp), 'dec')}({var})\n"]

    def dict_(self, key: type, value: Any, var: str, depth: int, outer: tuple) -> list[str]:
        pad = "    " * depth
        lines = [f"{pad}if type({var}) is not dict: raise TypeError\n"]
        if value in (str, int):  # most of a return: year -> amount, year -> cell
            if key is int:
                lines.append(f"{pad}{var} = {{_int_keys[k]: x for k, x in {var}.items()}}\n")
            x = self.name("x")
            lines += [
                f"{pad}for {x} in {var}.values():\n",
                f"{pad}    if type({x}) is not {value.__name__}: raise TypeError\n",
            ]
            return lines
        k, x, out = self.name("k"), self.name("x"), self.name("d")
        lines += [f"{pad}{out} = {{}}\n", f"{pad}for {k}, {x} in {var}.items():\n"]
        lines += self.value(key, k, depth + 1, outer)
        lines += self.value(value, x, depth + 1, outer)
        lines += [f"{pad}    {out}[{k}] = {x}\n", f"{pad}{var} = {out}\n"]
        return lines

    def list_(self, kind: type, item: Any, var: str, depth: int, outer: tuple) -> list[str]:
        pad = "    " * depth
        lines = [f"{pad}if type({var}) is not list: raise TypeError\n"]
        x = self.name("x")
        if item in _SCALAR_TEST:  # checked where it is
            lines += [
                f"{pad}for {x} in {var}:\n",
                *self.value(item, x, depth + 1, outer),
            ]
            return lines + ([f"{pad}{var} = tuple({var})\n"] if kind is tuple else [])
        out = self.name("l")
        lines += [f"{pad}{out} = []\n", f"{pad}for {x} in {var}:\n"]
        lines += self.value(item, x, depth + 1, outer)
        lines += [f"{pad}    {out}.append({x})\n"]
        lines.append(f"{pad}{var} = {'tuple(' + out + ')' if kind is tuple else out}\n")
        return lines

    def dataclass_(self, tp: type, var: str, depth: int, outer: tuple) -> list[str]:
        pad = "    " * depth
        hints = typing.get_type_hints(tp)
        names = [f.name for f in dataclasses.fields(tp)]
        fields = [self.name("f") for _ in names]
        make = self.const(tp, "cls")
        lines = [
            f"{pad}if type({var}) is not list or len({var}) != {len(names)}: raise TypeError\n"
        ]
        if fields:
            lines.append(f"{pad}{', '.join(fields)}{',' if len(fields) == 1 else ''} = {var}\n")
        for name, field in zip(names, fields, strict=True):
            lines += self.value(hints[name], field, depth, outer)
        lines.append(f"{pad}{var} = {make}({', '.join(fields)})\n")
        return lines
