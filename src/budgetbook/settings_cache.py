"""The parsed settings of a round kept as plain JSON in the archive folder (issue 8).

Parsing `budgetbook.toml` takes seconds for a round with a thousand avdelningar
(tomllib is pure Python; ~80 000 lines and ~85 000 prior-year rows), and every CLI
run is a new process. Once a workspace has an archive (`output/arkiv/`, made by the
first collect), the parsed settings are stored there and reused while the settings
file, every file it refers to, and the code that parses them are unchanged (all by
content hash). The entry is data only (JSON, never pickle: the folder may be shared)
and anything that does not decode is ignored: the settings are then parsed again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import typing
from pathlib import Path
from typing import Any

from . import __version__, read_cache
from .decoder_gen import Decoder, compile_decoder
from .errors import OutputError, SettingsError
from .file_state import expect_text, state_from_text, state_text
from .fingerprint import code_digest
from .settings import NAMND_TEXTS, Driftpost, PriorFigures, Settings
from .settings_prior import load_prior
from .settings_text import spreadsheet_text

CACHE_FILE = "installningar.json"
VERSION = 2  # 2: the prior-year rows by the file they are read from


def entry_key(settings_file: Path, source: str) -> str:
    """What an entry is valid for: this file, its text, and the parsing code."""
    digest = hashlib.sha256(f"{VERSION}|{__version__}|{settings_file.resolve()}".encode())
    digest.update(source.encode("utf-8"))
    digest.update(code_digest())
    return digest.hexdigest()


def read(cache_dir: Path, key: str) -> tuple[Settings, list[tuple[Path, object]]] | None:
    """The cached settings and the files they depend on (with their recorded state),
    or None when there is no valid entry for `key`."""
    try:
        data = json.loads((cache_dir / CACHE_FILE).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("v") != VERSION or data.get("key") != key:
            return None
        deps = [(Path(expect_text(f)), state_from_text(s)) for f, s in data["depends"]]
        return _decode(data["settings"]), deps
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def write(cache_dir: Path, key: str, settings: Settings, deps: list[tuple[Path, object]]) -> None:
    """Store an entry (atomically); a folder or file that cannot be written is no error."""
    from .workspace import atomic_write

    entry = {
        "v": VERSION,
        "key": key,
        "depends": [[str(f), state_text(s)] for f, s in deps],
        "settings": _encode(settings, dict(deps).get(settings.prior_file)),
    }
    try:
        with atomic_write(cache_dir / CACHE_FILE) as tmp:
            tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    except (OSError, OutputError):  # OutputError: the file is held (OneDrive, antivirus)
        pass


def _fields() -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(Settings) if f.init]


def _encode(settings: Settings, prior_state: object = None) -> dict[str, Any]:
    # by each field's encoder, built once per type: the same JSON as the generic walk
    # (`read_cache._plain`), which took ~0.1 s of a first collect at N = 1000 (issue 8)
    hints = typing.get_type_hints(Settings)
    out: dict[str, Any] = {}
    for f in _fields():
        value = getattr(settings, f.name)
        if f.name == "prior":
            if settings.prior_file is not None and isinstance(prior_state, bytes):
                # the rows are the prior-year file's, whose content (by hash) the entry
                # depends on: read from it again, not written here (issue 8: the rows as
                # JSON were ~0.15 s of a first collect at N = 1 000 and read no faster)
                out[f.name] = {"file": prior_state.hex()}
            else:
                # [v, d, budget, prognos, line]: a PriorFigures is those three, in order
                out[f.name] = [[v, d, *p] for (v, d), p in value.items()]
        else:
            out[f.name] = read_cache._encoder(hints[f.name])(value)
    return out


def _decode(data: Any) -> Settings:
    """Settings from the entry's JSON, as just parsed (its dicts and lists are taken over)."""
    if type(data) is not dict:
        raise TypeError("expected an object")
    kwargs: dict[str, Any] = {}
    for name, decode in _field_decoders():
        kwargs[name] = decode(data[name])
    rows = data["prior"]
    if type(rows) is dict:  # the prior-year file's rows (with the parsed codes)
        kwargs["prior"] = _prior_from_file(
            kwargs["prior_file"],
            expect_text(rows["file"]),
            {v.code for v in kwargs["verksamheter"]},
            kwargs["driftposter"],
        )
    else:
        kwargs["prior"] = _decode_prior(rows)
    return Settings(**kwargs)


def _prior_from_file(
    file: Any, sha256: str, verksamheter: set[str], driftposter: list[Driftpost]
) -> dict[tuple[str, str], PriorFigures]:
    """The rows of the prior-year file, read from the very bytes whose hash the entry
    recorded (a file changed since is a ValueError: the settings are parsed again)."""
    if not isinstance(file, Path):
        raise TypeError("a prior-year file was expected")
    data = file.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError("the prior-year file changed")
    try:
        return load_prior(
            file,
            verksamheter,
            {d.code for d in driftposter},
            spreadsheet_text(data),
            {d.name.casefold(): d.code for d in driftposter},
            {d.code: d.name for d in driftposter if not d.allow_negative},
        )
    except SettingsError as exc:  # not as when the entry was written: parse them again
        raise ValueError(str(exc)) from exc


@functools.cache
def _field_decoders() -> list[tuple[str, Decoder]]:
    """Each field's decoder but the prior-year rows': generated code, the values and
    refusals of `read_cache.decoder` (issue 8: ~3x faster for ~12 000 verksamheter)."""
    hints = typing.get_type_hints(Settings)
    return [
        (f.name, compile_decoder(hints[f.name], read_cache.decoder))
        for f in _fields()
        if f.name != "prior"
    ]


def _decode_prior(rows: Any) -> dict[tuple[str, str], PriorFigures]:
    if type(rows) is not list:
        raise TypeError("expected a list")
    prior = {}
    for row in rows:
        v, d, budget, prognos, line = row
        if not (type(v) is type(d) is str and type(budget) is type(prognos) is type(line) is int):
            raise TypeError("a prior-year row of the wrong types")
        prior[(v, d)] = PriorFigures(budget, prognos, line)
    return prior


# --- what an entry depends on -------------------------------------------------------


def depends_on(settings: Settings, data: dict[str, Any]) -> list[Path]:
    """The other files parse_settings read or looked for."""
    files = [f for f in (settings.word_template, settings.prior_file) if f is not None]
    texts = data.get("texts")
    folder = texts.get("dir") if isinstance(texts, dict) else None
    if isinstance(folder, str) and folder:
        files.append(settings.path.parent / folder)
        files += [settings.path.parent / folder / f"{k}.md" for k, _ in NAMND_TEXTS]
    return files
