"""Typed access to a parsed TOML settings file whose errors name the key and its line
(`TomlReader`), for `settings_load`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

from .errors import SettingsError
from .settings_hints import boolean_word, header_of, key_guess, number_text_hint, table_guess
from .toml_lines import TomlLines

# an element's key: "avdelningar[3].code"
ELEMENT_KEY = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)")

T = TypeVar("T")
MISSING = object()  # no default: the key is required


class TomlReader:
    """Typed access to the parsed TOML that reports dotted keys and line numbers."""

    def __init__(self, path: Path, source: str):
        self.path = path
        self.where = TomlLines(source)

    def fail(self, key: str, message: str) -> SettingsError:
        # an element's key ("avdelningar[3].code") is looked for in that element: the
        # first "code =" of the file belongs to another table
        element = ELEMENT_KEY.match(key)
        if element:
            array, index, field = element.groups()
            line = self.where.element_line(array, int(index), field) or None
        else:
            line = self.where.key_line(key)
        where = f"{self.path.name}" + (f", rad {line}" if line else "")
        return SettingsError(message, key=shown_key(key), path=where)

    def line(self, key: str) -> int:
        """Line of a plain (non-array) `key`, for tracing a figure to it; 0 if not found."""
        return self.where.key_line(key) or 0

    def element_line(self, array: str, index: int, key: str) -> int:
        """Line of `key` in the `index`-th element of `array`, for tracing a figure to it."""
        return self.where.element_line(array, index, key)

    def get(
        self,
        table: dict[str, Any],
        prefix: str,
        name: str,
        kind: type | tuple[type, ...],
        default: Any = MISSING,
        expected: str = "",
    ) -> Any:
        # the key is spelled out only for an error: ~60 000 calls at N = 1 000 (issue 8)
        if name not in table:
            if default is MISSING:
                raise self.fail(
                    dotted_key(prefix, name), f"saknas; ange {expected or describe_kind(kind)}."
                )
            return default
        value = table[name]
        # bool is an int in Python; never accept it where a number is meant
        if (isinstance(value, bool) and bool not in as_tuple(kind)) or not isinstance(value, kind):
            raise self.fail(
                dotted_key(prefix, name),
                f"ska vara {expected or describe_kind(kind)}, inte {value!r}."
                + _what_to_write(name, value, kind),
            )
        if default is MISSING and isinstance(value, str) and not value.strip():
            raise self.fail(
                dotted_key(prefix, name),
                f"får inte vara tom; ange {expected or describe_kind(kind)}.",
            )
        return value

    def table(self, table: dict[str, Any], prefix: str, name: str, required: bool = True) -> dict:
        key = f"{prefix}.{name}" if prefix else name
        if name not in table:
            if required:
                raise self.fail(key, f"tabellen [{key}] saknas.")
            return {}
        value = table[name]
        if not isinstance(value, dict):
            raise self.fail(key, f"ska vara en tabell [{key}].")
        return value

    def array(
        self, table: dict[str, Any], name: str, required: bool = True, key: str = ""
    ) -> list[dict]:
        """The array of tables `name` in `table`; `key`: its place for an error, when in
        an element ("namnd_goals[0].indicators", written [[namnd_goals.indicators]]: the
        error said "indicators" and "[[indicators]]")."""
        key = key or name
        header = re.sub(r"\[\d+\]", "", key)
        if name not in table:
            if required:
                raise self.fail(key, f"saknas; ange minst en [[{header}]].")
            return []
        value = table[name]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, f"ska anges som [[{header}]]-tabeller.")
        return value

    def unknown(
        self,
        table: dict[str, Any],
        prefix: str,
        known: set[str],
        home: Callable[[str], str] | None = None,
        arrays: Collection[str] = (),
    ) -> None:
        """Refuses a key of `table` not in `known`, saying what was likely meant: the
        table a misspelt or Swedish [[avdelning]] means (`arrays`: the known arrays of
        tables, written [[…]]), the key a Swedish "namn" means, or the table a key of
        another one belongs to (`home`: its header, "[capital]", or "")."""
        for name in table:
            if name in known:
                continue
            key = f"{prefix}.{name}" if prefix else name
            written = header_of(name, table[name])
            if not prefix and written != name:  # a table, at the top level
                guess = table_guess(name, known)
                said = f"okänd tabell {written}"
                if guess:
                    said += f"; skriv {f'[[{guess}]]' if guess in arrays else f'[{guess}]'}"
                raise self.fail(key, f"{said}. Tabellerna är: {', '.join(sorted(known))}.")
            if there := home(name) if home else "":
                array = re.sub(r"\[\d+\]$", "", prefix)
                where = f"[[{array}]]" if array != prefix else f"[{prefix}]" if prefix else ""
                raise self.fail(
                    key,
                    (
                        f"hör inte till {where} utan till {there}"
                        if where
                        else f"står före första tabellrubriken men hör till {there}"
                    )
                    + f": flytta raden dit, under {there}.",
                )
            guess = key_guess(name, known)
            raise self.fail(
                key,
                "okänd nyckel; "
                + (f"skriv {guess}. Tillåtna" if guess else "tillåtna")
                + f" nycklar här är: {', '.join(sorted(known))}.",
            )


_INDEX = re.compile(r"\[(\d+)\]")


def shown_key(key: str) -> str:
    """A key as an error names it: its elements counted from 1, as the file's reader
    counts the [[avdelningar]] blocks ("avdelningar[5].haed" is the fifth's, not the
    sixth's: review), and as its line says (`TomlReader.fail` gives it)."""
    return _INDEX.sub(lambda m: f"[{int(m.group(1)) + 1}]", key)


def _what_to_write(name: str, value: object, kind: type | tuple[type, ...]) -> str:
    """ " Skriv …" for a value that says what was meant in another type: "ja" or 1 for a
    boolean, "12 500" or "2,5" in quotes for a number (settings audit); "" otherwise."""
    kinds = as_tuple(kind)
    if bool in kinds and not isinstance(value, bool):
        word = boolean_word(value)
        return f" Skriv {name} = {word}, med små bokstäver och utan citattecken." if word else ""
    if (int in kinds or float in kinds) and isinstance(value, str):
        told = number_text_hint(value, name)
        return f" {told}" if told else ""
    return ""


def dotted_key(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def describe_kind(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "en text",
        int: "ett heltal",
        float: "ett tal",
        bool: "true eller false",
        list: "en lista",
        dict: "en tabell",
        dt.date: "ett datum (ÅÅÅÅ-MM-DD)",
    }
    return " eller ".join(names.get(k, k.__name__) for k in as_tuple(kind))


def element_index(key: str) -> int:
    """The element index of a key made by `_each`: "avdelningar[3]" -> 3."""
    return int(key.rsplit("[", 1)[1].rstrip("]"))


def each_element(
    r: TomlReader, items: list[dict], name: str, build: Callable[[dict, str], T]
) -> tuple[T, ...]:
    return tuple(build(item, f"{name}[{i}]") for i, item in enumerate(items))
