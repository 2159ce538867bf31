"""Next year's round started from last year's workspace (`budgetbook init NEW --from OLD`).

What budgetbook knows from last year is carried over, and only that: the settings with
the round's years moved on by one (`[round]` id, budget_year, plan_years, deadline) and
the settings' own files (the texts, the Word template). What only the kommun's
decisions and ledger can say is listed for the finance office to do, with the lines to
change: the ramar, the prior-year figures (budget and prognos of last year, from the
ledger), the sources of the figures, the internränta, the indicators' values. Last
year's returns, outputs, archive, templates and panel stay behind: copied along, they
were taken for this year's. Last year's workspace is only read.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import fmt
from .errors import SettingsError, WorkspaceError
from .settings import NAMND_TEXTS
from .settings_load import load_settings
from .settings_text import read_text
from .toml_lines import TomlLines
from .workspace import SETTINGS_FILE, Workspace, open_workspace, write_bytes_atomically

# `[round]` on a line of its own (a comment may follow), and any later table header
_ROUND_HEADER = re.compile(r"^\s*\[\s*round\s*\]\s*(#.*)?$")
_HEADER = re.compile(r"^\s*\[")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
# a key of [round] and the start of its value: only the value itself is changed, so a
# comment after it (or a year in that comment) stays as written
_VALUES = {
    "id": re.compile(r"""^(\s*id\s*=\s*)("(?:[^"\\]|\\.)*"|'[^']*')"""),
    "budget_year": re.compile(r"^(\s*budget_year\s*=\s*)(\d{4})(?!\d)"),
    "plan_years": re.compile(r"^(\s*plan_years\s*=\s*)(\[[\d\s,]*\])"),
    "deadline": re.compile(r"^(\s*deadline\s*=\s*)(\d{4}-\d{2}-\d{2})(?![\d:T ])"),
}


@dataclass(frozen=True, slots=True)
class NextRound:
    """The new workspace, the round it follows, the settings' files and folders copied
    into it, and what the finance office must still do before `templates` (Swedish, one
    line each)."""

    workspace: Workspace
    previous: Path
    budget_year: int
    copied: list[Path]
    todo: list[str]


def start_next_round(path: Path | str, previous: Path | str) -> NextRound:
    """Create the workspace `path` for the round after `previous`'s."""
    old = open_workspace(previous)
    # validated, without the archive's settings cache: last year's folder is only read
    try:
        settings = load_settings(old.settings_file)
    except SettingsError as exc:
        # its message names "budgetbook.toml" only, which here reads as the new one's
        raise SettingsError(
            f"Förra årets inställningar ({old.settings_file}) går inte att läsa: {exc} "
            "Rätta dem där, eller skapa arbetsytan med `budgetbook init`."
        ) from exc
    root = Path(path).resolve()
    if (root / SETTINGS_FILE).exists():
        raise WorkspaceError(f"{root} har redan en {SETTINGS_FILE}; inget skrevs över.")
    text = read_text(old.settings_file)
    data = tomllib.loads(text)
    years = (settings.budget_year, *settings.plan_years)
    moved = _moved_on(text, data, set(years), old.settings_file)
    root.mkdir(parents=True, exist_ok=True)
    ws = Workspace(root)
    ws.ensure_dirs()
    copied = [
        *_copy_texts(old.root, root, data.get("texts", {}).get("dir", "")),
        *_copy_own(old.root, root, data.get("display", {}).get("word_template", "")),
    ]
    # the settings last: a folder whose copy failed half-way is no workspace yet, and
    # `init --from` may be run on it again
    write_bytes_atomically(ws.settings_file, moved.encode("utf-8"))
    return NextRound(ws, old.root, settings.budget_year + 1, copied, _todo(moved, data, years, ws))


def _moved_on(text: str, data: dict[str, Any], years: set[int], file: Path) -> str:
    """`text` with [round]'s years one later, every other character as it was."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _ROUND_HEADER.match(line)), None)
    if start is not None:
        end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
        for i in range(start + 1, end):
            for key, pattern in _VALUES.items():
                match = pattern.match(lines[i])
                if match:
                    value = _later(key, match.group(2), years)
                    lines[i] = match.group(1) + value + lines[i][match.end() :]
    moved = "".join(lines)
    # Whatever the file's layout (an inline `round = {…}`, a value over several lines),
    # the result must be last year's settings with exactly these four values moved on.
    expected = dict(data, round=dict(data["round"]))
    for key in _VALUES:
        if key in expected["round"]:
            expected["round"][key] = _later_value(key, expected["round"][key], years)
    try:
        same = tomllib.loads(moved) == expected
    except tomllib.TOMLDecodeError:
        same = False
    if not same:
        raise WorkspaceError(
            f"{file}: åren under [round] gick inte att flytta fram, eftersom id, budget_year, "
            "plan_years och deadline inte står på var sin rad under rubriken [round]. "
            "Skriv dem så, eller skapa arbetsytan med `budgetbook init` och ändra åren "
            "för hand."
        )
    return moved


def _later(key: str, written: str, years: set[int]) -> str:
    """A [round] value as written in TOML, one year later."""
    if key == "deadline":
        return _later_value(key, dt.date.fromisoformat(written), years).isoformat()
    if key == "id":  # between its quotes: a year added goes inside them
        return written[0] + _later_id(written[1:-1], years) + written[-1]
    return _YEAR.sub(lambda m: str(int(m[0]) + 1) if int(m[0]) in years else m[0], written)


def _later_id(round_id: str, years: set[int]) -> str:
    """The round's id for next year: its round years one later ("nämndplan-2027" →
    "nämndplan-2028", "KS 2025" keeps its 2025), or, with none of them in it, the new
    budget year added ("budget" → "budget-2028", "KS budget" → "KS budget 2028").
    Carried over unchanged, two rounds had one id: this year's panel pointed at last
    year's folder passed its round check, which compares ids alone, and the workbooks'
    headers, the panel and BB105 named the two rounds alike (only BB105's budget year
    told them apart)."""
    moved = _later("budget_year", round_id, years)
    if moved != round_id:
        return moved
    return f"{round_id}{' ' if ' ' in round_id else '-'}{min(years) + 1}"


def _later_value(key: str, value: Any, years: set[int]) -> Any:
    """A parsed [round] value, one year later (what `_later` must have written)."""
    if key == "id" and isinstance(value, str):
        return _later_id(value, years)
    if key == "budget_year" and isinstance(value, int):
        return value + 1
    if key == "plan_years" and isinstance(value, list):
        return [y + 1 if isinstance(y, int) else y for y in value]
    if key == "deadline" and isinstance(value, dt.date):
        day = 28 if (value.month, value.day) == (2, 29) else value.day
        return value.replace(year=value.year + 1, day=day)
    return value


def _copy_own(old: Path, new: Path, name: str) -> list[Path]:
    """The settings' file `name` copied to the same place in `new` when it lies in last
    year's workspace (a shared one elsewhere is named as it is); a file already there is
    kept. Returns the file, when it was copied."""
    source = _own(old, name)
    if source is None or not source.is_file():
        return []
    return [target] if _copy(source, target := new / source.relative_to(old)) else []


def _copy_texts(old: Path, new: Path, folder: str) -> list[Path]:
    """The nämnd's texts the settings read (`<dir>/<key>.md`) copied to the same place
    in `new` when their folder lies in last year's workspace, and only they: a folder
    of other files, or the workspace itself (`dir = "."`), would bring last year's
    returns and archive along. Returns the folder (each text, when the folder is the
    workspace's own) when anything was copied."""
    source = _own(old, folder)
    if source is None or not source.is_dir():
        return []
    target = new / source.relative_to(old)
    copied = [
        target / f"{key}.md"
        for key, _ in NAMND_TEXTS
        if (source / f"{key}.md").is_file() and _copy(source / f"{key}.md", target / f"{key}.md")
    ]
    return copied if target == new else [target] if copied else []


def _own(old: Path, name: str) -> Path | None:
    """The settings' path `name` when it lies in last year's workspace `old`."""
    if not name or Path(name).is_absolute():
        return None
    source = (old / name).resolve()
    return source if source.is_relative_to(old) and source.exists() else None


def _copy(source: Path, dest: Path) -> bool:
    """`source` copied to `dest` unless a file is there already (it is kept)."""
    if dest.exists():
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, dest)
    return True


def _todo(moved: str, data: dict[str, Any], years: tuple[int, ...], ws: Workspace) -> list[str]:
    """What only the kommun's decisions and ledger can say, with the lines to change."""
    lines = TomlLines(moved)
    old, new = f"{years[0]}–{years[-1]}", f"{years[0] + 1}–{years[-1] + 1}"
    avdelningar = data.get("avdelningar", [])
    at = _lines([lines.element_line("avdelningar", i, "ram") for i in range(len(avdelningar))])
    todo = []
    old_id = data["round"].get("id")
    if isinstance(old_id, str) and not any(int(y) in years for y in _YEAR.findall(old_id)):
        new_id = _later_id(old_id, set(years))
        at_id = _lines([lines.key_line("round.id") or 0])
        todo.append(
            f'Rundans id, "{old_id}", nämner inget av förra årets år ({years[0]}–{years[-1]}) '
            f'och hade blivit detsamma i år: den nya rundan heter "{new_id}" ({at_id}). Byt '
            "gärna namnet, men inte till förra årets."
        )
    todo += [
        f"Ramarna är förra årets, för {old}: skriv in ramarna för {new} ur fullmäktiges "
        f"beslut (ram under [[avdelningar]], {at})."
    ]
    prior = data.get("prior", {}).get("file", "")
    if prior:
        todo.append(
            f"Föregående års siffror: lägg budget och prognos {years[0]} per verksamhet och "
            f"driftpost i {prior} (ur ekonomisystemet, se docs/settings.md). "
            + (
                # a file outside both workspaces, shared: budgetbook would read it as it is
                f"Filen som finns där nu är förra årets, med siffrorna för {years[0] - 1}, "
                "och används tills den byts ut."
                if (ws.root / prior).exists()
                else "Tills filen finns stannar varje kommando med ett meddelande om den."
            )
        )
    if data.get("sources"):
        todo.append(
            f"[sources] ({_lines([lines.key_line('sources') or 0])}) beskriver förra årets "
            "beslut: skriv vilka beslut årets budget, prognos och ramar kommer från."
        )
    rate = data.get("capital", {}).get("internranta")
    if isinstance(rate, int | float):
        # set each year (SKR's recommendation, or the kommun's own): the kapitalkostnader
        # follow it
        todo.append(
            f"Internräntan är förra årets, {fmt.rate(rate)}: skriv den ränta "
            f"som gäller för {years[0] + 1} (SKR:s rekommendation eller kommunens egen) i "
            f"internranta under [capital], {_lines([lines.key_line('capital.internranta') or 0])}."
        )
    goals = [*data.get("kf_goals", []), *data.get("namnd_goals", [])]
    if any(i.get("values") for g in goals for i in g.get("indicators", [])):
        first = _lines([lines.key_line("values") or 0])
        new_years = f"{years[0] - 1} och {years[0]}"
        todo.append(
            f"Indikatorernas värden (values, första gången på {first}) är förra årets: "
            f"skriv in utfallen för {new_years} och ta bort de äldre åren. Tills dess "
            "varnar collect och run för dem (BB507)."
        )
    todo.append(
        "Se över målen, uppdragen och texterna: de är förra årets. Använder ni Excel-"
        "knappen, skapa panelen i den nya mappen med `budgetbook panel`."
    )
    return todo


def _lines(numbers: list[int]) -> str:
    """ "rad 120, 127 och 134", at most five of them named."""
    shown = [str(n) for n in numbers if n]
    if not shown:
        return "se budgetbook.toml"
    if len(shown) > 5:
        return f"rad {', '.join(shown[:5])} … ({len(shown)} rader)"
    return "rad " + (f"{', '.join(shown[:-1])} och {shown[-1]}" if len(shown) > 1 else shown[0])
