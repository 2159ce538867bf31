"""The read cache's generated decoders (issue 8) against the generic ones they replace:
the same values for every example return, and the same rows refused when a row is
mutated (wrong types, a bool for an int, missing or extra fields, odd keys, numbers
orjson reads otherwise than json)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetbook import read_cache
from budgetbook.decoder_gen import compile_decoder
from budgetbook.model import Problem, Submission
from budgetbook.reader import read_return
from wb_builders import round_files

_MISFITS = (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError, RecursionError)


def generic_decode(text: str | bytes) -> Any:
    """`read_cache.decode` as it was: json, then the generic decoder of each part."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != read_cache.CACHE_VERSION:
            return None
        return (
            read_cache.decoder(dict[str, str])(data["identity"]),
            read_cache.decoder(Submission | None)(data["submission"]),
            read_cache.decoder(list[Problem])(data["problems"]),
        )
    except _MISFITS:
        return None


def same(text: str | bytes) -> None:
    """decode(text) is generic_decode(text): both None, or equal with equal types
    throughout (== alone would take True for 1 or 1.0 for 1)."""
    new, old = read_cache.decode(text), generic_decode(text)
    assert (new is None) == (old is None), (new, old)
    assert new == old
    assert repr(new) == repr(old)


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("decode"))


@pytest.fixture(scope="module")
def entries(rnd) -> list[str]:
    settings_, schema, _, returns = rnd
    out = []
    for path in returns:
        result = read_return(path, settings_, schema)
        sub = result.submission
        if sub is not None:
            sub.sha256, sub.received = "ab" * 32, datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
        out.append(read_cache.encode(result.identity, sub, result.problems))
    broken = read_return(returns[0].with_suffix(".saknas"), settings_, schema)
    out.append(read_cache.encode(broken.identity, broken.submission, broken.problems))
    return out


def test_every_example_entry_decodes_as_by_the_generic_decoders(entries: list[str]) -> None:
    for text in entries:
        assert read_cache.decode(text) is not None
        same(text)
        same(text.encode())


def test_orjson_s_other_readings_fall_back_to_json(entries: list[str]) -> None:
    """An int beyond 64 bits (orjson: a float), NaN and a lone surrogate (orjson:
    refused) give json's result; an int field takes none of the first two."""
    text = next(t for t in entries if '"row"' in t or ",12]" in t)
    for odd in ("18446744073709551616", "-9223372036854775809", "NaN", "1e400", '"\\ud800"'):
        for old in (",12]", '"F12"', '"10108"'):
            same(text.replace(old, old.replace(old.strip(",]"), odd), 1))
    same('{"v":2,"identity":{"\\ud800":"x"},"submission":null,"problems":[]}')
    same('{"v":2.0,"identity":{},"submission":null,"problems":[]}')


def _paths(value: Any, at: tuple = ()) -> list[tuple]:
    """Every place in a parsed JSON value."""
    out = [at]
    if isinstance(value, list):
        for i, x in enumerate(value):
            out += _paths(x, (*at, i))
    elif isinstance(value, dict):
        for k, x in value.items():
            out += _paths(x, (*at, k))
    return out


_ODD = [
    True,
    False,
    0,
    1,
    -1,
    2**64,
    2**70,
    1.0,
    1.5,
    "",
    "x",
    "12",
    " 12",
    "1_0",
    "F12",
    "fel",
    "2026-03-01T12:30:00+00:00",
    None,
    [],
    {},
    [1],
    {"2027": 1},
]
_ODD_AS_WRITTEN = repr(_ODD)


@st.composite
def mutated(draw: st.DrawFn, entries: list[str]) -> str:
    data = json.loads(draw(st.sampled_from(entries)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)))
        if not path:
            continue
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        how = draw(st.sampled_from(["replace", "delete", "grow", "rekey"]))
        if how == "replace":
            parent[last] = copy.deepcopy(draw(st.sampled_from(_ODD)))
        elif how == "delete":
            del parent[last]
        elif how == "grow" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(draw(st.sampled_from(_ODD))))
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["x", "01", " 7", "2027", "-0", "١٢"]))] = parent.pop(last)
    return json.dumps(data, ensure_ascii=draw(st.booleans()))


def test_mutated_entries_are_refused_or_taken_as_by_the_generic_decoders(entries) -> None:
    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
    @given(mutated(entries))
    def check(text: str) -> None:
        same(text)

    check()
    # a drawn [] or {} that a later step grew must not be _ODD's own: Hypothesis then
    # saw the same choices give other data ("inconsistent data generation", a flaky
    # failure seen once in a full run)
    assert repr(_ODD) == _ODD_AS_WRITTEN


def outcome(decode: Any, value: Any) -> str | None:
    """What a decoder makes of a value, exactly (repr: True is not 1), None if refused."""
    try:
        return repr(decode(value))
    except (TypeError, ValueError):
        return None


def test_a_generated_decoder_takes_what_the_generic_one_takes() -> None:
    """Types the model does not use in an entry yet, and ones left to the fallback."""
    cases: list[tuple[Any, list[Any]]] = [
        (float, [1, 1.5, True, "1"]),
        (tuple[int], [[1, "2"], [True], "x"]),
        (tuple[str, ...], [["a"], [1]]),
        (list[str], [["a"], ["a", 1], {}]),
        (dict[str, list[int]], [{"a": [1]}, {"a": [True]}, []]),
        (dict[int, Path], [{"1": "a"}, {"x": "a"}, {"1": 1}]),
        (int | str, []),
    ]
    for tp, values in cases:
        try:
            generic = read_cache.decoder(tp)
        except (TypeError, ValueError):
            with pytest.raises((TypeError, ValueError)):
                compile_decoder(tp, read_cache.decoder)
            continue
        fast = compile_decoder(tp, read_cache.decoder)
        for value in values:
            want = outcome(generic, json.loads(json.dumps(value)))
            got = outcome(fast, json.loads(json.dumps(value)))
            assert got == want, (tp, value)


def test_the_settings_fields_decode_as_by_the_generic_decoders(rnd) -> None:
    """The settings cache decodes its fields by generated code too (issue 8)."""
    import typing

    from budgetbook import settings_cache
    from budgetbook.settings import Settings

    parsed = rnd[0]
    text = json.dumps(settings_cache._encode(parsed))
    hints = typing.get_type_hints(Settings)
    for name, fast in settings_cache._field_decoders():
        assert repr(fast(json.loads(text)[name])) == repr(getattr(parsed, name))
        generic = read_cache.decoder(hints[name])
        for odd in _ODD:
            want = outcome(generic, odd)
            got = outcome(fast, json.loads(json.dumps(odd)))
            assert got == want, (name, odd)
    assert settings_cache._decode(json.loads(text)) == parsed
