"""The prior-year figures of a round: the CSV named by `prior.file` in the settings."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SettingsError
from .settings import PriorFigures
from .settings_text import editor_lines, read_text

if TYPE_CHECKING:
    import _csv


def load_prior(
    file: Path,
    verksamheter: set[str],
    driftposter: set[str],
    text: str | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[tuple[str, str], PriorFigures]:
    """Prior-year figures: a CSV (semicolon or comma) with verksamhet;driftpost;budget;prognos.
    `text`: the file's text, already read. `names`: each driftpost's code by its name
    (casefolded), for a file that names the driftposter as the ledger does."""
    text = read_text(file) if text is None else text
    dialect = ";" if text.count(";") >= text.count(",") else ","
    # csv.reader with column positions, not DictReader, and the row's place formatted
    # only for an error: ~85 000 rows at 1 000 avdelningar (issue 8). Without quotes
    # (or NULs) in the file a line's fields are exactly its pieces between separators,
    # as csv.reader gives them, at half the cost.
    lines = editor_lines(text)
    rows: Iterator[tuple[int, list[str]]]
    if '"' in text or "\0" in text:
        rows = _numbered(csv.reader(lines, delimiter=dialect))
    else:
        rows = ((n, line.split(dialect) if line else []) for n, line in enumerate(lines, 1))
    # The header as typed in Excel: "Verksamhet;Driftpost;Budget;Prognos" is the same
    # (it was refused), and an empty column after the last is no column.
    header = [h.strip().casefold() for h in next(rows, (0, []))[1]]
    needed = ("verksamhet", "driftpost", "budget", "prognos")
    if not header or not set(needed) <= set(header):
        found = dialect.join(h for h in header if h) or "ingen rubrikrad"
        raise SettingsError(
            f"första raden ska ha kolumnerna {dialect.join(needed)}, men har {found}.",
            key="prior.file",
            path=file.name,
        )
    iv, id_, ib, ip = (header.index(k) for k in needed)
    width = max(iv, id_, ib, ip) + 1
    result: dict[tuple[str, str], PriorFigures] = {}
    make = tuple.__new__  # PriorFigures(...) without its Python-level __new__
    for number, row in rows:
        if not row:
            continue  # a blank line (as DictReader skips them)
        if len(row) < width:
            raise SettingsError(
                f"raden har för få fält; ange verksamhet, driftpost, budget och prognos "
                f"åtskilda med {dialect!r}.",
                path=f"{file.name}, rad {number}",
            )
        v, d = row[iv].strip(), row[id_].strip()
        if v not in verksamheter:
            if not any(field.strip() for field in row):
                continue  # a row of separators only, as Excel saves a row once used
            raise SettingsError(
                f"okänd verksamhet {v!r}.", key="verksamhet", path=f"{file.name}, rad {number}"
            )
        if d not in driftposter:
            d = (names or {}).get(d.casefold(), d)
            if d not in driftposter:
                raise SettingsError(
                    f"okänd driftpost {d!r}; ange driftpostens kod eller namn från "
                    f"[[driftposter]] ({', '.join(sorted(driftposter))}).",
                    key="driftpost",
                    path=f"{file.name}, rad {number}",
                )
        try:
            try:  # int() first, as _tkr does: here without a call per amount
                budget, prognos = int(row[ib]), int(row[ip])
            except ValueError:
                budget, prognos = _tkr(row[ib]), _tkr(row[ip])
        except ValueError as exc:
            raise SettingsError(
                "budget och prognos ska vara heltal i tkr.", path=f"{file.name}, rad {number}"
            ) from exc
        key = (v, d)
        if key in result:
            raise SettingsError(
                f"{v}/{d} förekommer två gånger.", path=f"{file.name}, rad {number}"
            )
        result[key] = make(PriorFigures, (budget, prognos, number))
    return result


def _numbered(reader: _csv._reader) -> Iterator[tuple[int, list[str]]]:
    """Each row with the file's line it starts on: `line_num` counts the lines read so
    far, the last of a row whose quoted field spans lines."""
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _tkr(text: str) -> int:
    try:  # int() takes what has no space inside: the same number, ~2x faster (issue 8)
        return int(text)
    except ValueError:
        return int(text.replace(" ", "").replace("\u00a0", "") or 0)
