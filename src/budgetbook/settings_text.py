"""Reading the settings' own files (TOML, CSV, texts) and TOML syntax errors in Swedish."""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import re
import tomllib
from collections.abc import Collection, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from .errors import SettingsError
from .settings_hints import key_guess, plain_name, value_hint, written_date

# What the settings were made from, as parsed: file -> hash of the bytes read, or None
# for a file looked for and absent (see `recording_reads`).
_reads: ContextVar[dict[Path, bytes | None] | None] = ContextVar("settings_reads", default=None)


@contextlib.contextmanager
def recording_reads() -> Iterator[dict[Path, bytes | None]]:
    """Within: every `read_text` notes its file's hash (`file_state.state`'s form) and
    `looked_for` every absent file, so that the record of what the settings depend on
    is of the very content parsed. Hashed afterwards, a file saved while the settings
    were parsed was recorded as its new content beside the old one parsed."""
    seen: dict[Path, bytes | None] = {}
    token = _reads.set(seen)
    try:
        yield seen
    finally:
        _reads.reset(token)


def looked_for(file: Path) -> bool:
    """`file.exists()`, noted as absent while reads are recorded."""
    found = file.exists()
    seen = _reads.get()
    if seen is not None and not found:
        seen[file] = None
    return found


def _fast_toml() -> Any:
    """tomli where it is tomllib's own parser (TOML 1.0: below 2.4; 2.4 reads TOML 1.1,
    which would accept settings another machine's tomllib refuses), else None. Its
    wheels for common platforms are compiled with mypyc; elsewhere it is as fast as
    tomllib and gives the same result."""
    try:
        import tomli

        major, minor = (int(part) for part in tomli.__version__.split(".")[:2])
    except (ImportError, AttributeError, ValueError):
        return None
    return tomli if (major, minor) < (2, 4) else None


_compiled_toml = _fast_toml()


def parse_toml(source: str) -> dict[str, Any]:
    """`tomllib.loads`, ~3x faster where the compiled tomli is installed (~0.35 s of a
    first collect at 1 000 avdelningar, issue 8).

    A file tomli refuses is parsed again by tomllib, so a syntax error is always
    tomllib's (its messages are what `toml_error` translates).
    """
    if _compiled_toml is not None:
        try:
            return _compiled_toml.loads(source)
        except _compiled_toml.TOMLDecodeError:
            pass
    return tomllib.loads(source)


def read_text(file: Path, *, spreadsheet: bool = False) -> str:
    """A settings file (TOML, CSV, text) as UTF-8, with or without a byte order mark;
    `spreadsheet`: a CSV as Excel or a ledger saves it, in any of `spreadsheet_text`'s
    encodings.

    Anything else (Windows' "ANSI", as Notepad saves it, for TOML and texts) is a
    SettingsError naming the file, the first unreadable line and how to save it; so is
    a file that cannot be read (open in Excel, which locks a CSV on Windows; removed
    since it was found).
    """
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise SettingsError(
            "filen kan inte läsas. Är den öppen i ett annat program, till exempel Excel? "
            "Stäng den och kör igen.",
            path=file.name,
        ) from exc
    seen = _reads.get()
    if seen is not None:
        seen[file] = hashlib.sha256(data).digest()
    try:
        return spreadsheet_text(data) if spreadsheet else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if spreadsheet:
            message = (
                "filen har tecken som inte kan läsas; den är varken sparad som UTF-8 eller "
                "som Excels vanliga CSV. Öppna den i Excel och spara den igen som CSV "
                "UTF-8 eller CSV (semikolonavgränsad)."
            )
        else:
            message = (
                "filen är inte sparad som UTF-8, så tecken som å, ä och ö kan inte läsas. "
                "Spara den med kodningen UTF-8 (i Anteckningar: Spara som, Kodning UTF-8)."
            )
        raise SettingsError(message, path=f"{file.name}, rad {line}") from exc


def spreadsheet_text(data: bytes) -> str:
    """A CSV's text in the encoding Excel or a ledger saved it in: UTF-16 with its byte
    order mark (Excel's "Unicode-text"), UTF-8 with or without one ("CSV UTF-8"), else
    Windows-1252, which Swedish Excel's default "CSV (semikolonavgränsad)" and "Text
    (tabbavgränsad)" are saved in. UTF-8 is tried first and never takes a Windows-1252
    file for its own: there å, ä and ö are single bytes ≥ 0x80 between ASCII ones, which
    UTF-8 does not allow. A file in a third encoding (the DOS code page 850) reads as
    Windows-1252, unless it has a byte that has no character there (UnicodeDecodeError):
    its figures are digits either way, and a name misread is refused as unknown."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def editor_lines(text: str) -> list[str]:
    """A settings file's lines as editors, git and tomllib count them, so that a line
    named in Källor or an error is the one the finance officer finds: splitlines() also
    breaks at U+2028, U+0085, a form feed …, which a string or field may hold (a pasted
    text). splitlines() itself when the two agree (the usual file; ~2x faster)."""
    lines = text.splitlines()
    if len(lines) == text.count("\n") + (not text.endswith("\n") and bool(text)):
        return lines
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


_BACKSLASH = (
    'ett omvänt snedstreck (\\) i en text inom "…" läses som början på ett specialtecken. '
    "Skriv en sökväg inom enkla citattecken, t.ex. 'C:\\Budget\\mall.docx', eller med "
    'snedstreck, t.ex. "C:/Budget/mall.docx".'
)
# tomllib's messages (English) by their start, in Swedish with what to check
_TOML_MESSAGES = (
    ("Expected ']", "en tabellrubrik saknar avslutande hakparentes, t.ex. [kommun]."),
    ("Unclosed array", "en lista saknar avslutande hakparentes ]."),
    ("Unclosed inline table", "en tabell inom { } saknar avslutande }."),
    ("Invalid value", 'värdet går inte att läsa; text ska stå inom citattecken, t.ex. "Ja".'),
    ("Unterminated string", "en text saknar avslutande citattecken."),
    ("Invalid date", "datumet går inte att läsa; skriv ÅÅÅÅ-MM-DD."),
    ("Expected '='", "efter nyckeln ska det stå = och ett värde."),
    ("Cannot declare", "samma tabell anges två gånger."),
    ("Cannot overwrite", "samma nyckel anges två gånger."),
    ("Cannot", "samma nyckel eller tabell anges två gånger."),
    ("Duplicate", "samma nyckel anges två gånger."),
    ("Expected newline", "oväntat innehåll efter värdet; skriv en nyckel per rad."),
    # a Windows path pasted between double quotes: "C:\Budget" has the escape \B, and
    # "C:\Users" the start of \U0001F600
    ("Unescaped '\\'", _BACKSLASH),
    ("Invalid hex value", _BACKSLASH),
)


# `internranta = 1,75`: a number written the Swedish way, which TOML reads as a number
# followed by something else ("oväntat innehåll efter värdet" said nothing of commas)
# (also in an inline table, `{ 2025 = 31,8, 2026 = 29,4 }`: "efter nyckeln ska det stå =")
_DECIMAL_COMMA = re.compile(r"=\s*[-+]?\d+,\d+\s*([,}]|#.*$|$)")
# `ram = [182 000, 180 500]`: thousands separated by a space, as Swedish prints them
# (TOML read "en lista saknar avslutande hakparentes", which sent one looking for a ])
_SPACED_THOUSANDS = re.compile(r"\d[ \u00a0]\d{3}(?!\d)")

# `deadline = 2027-11-20 12:00` (TOML wants seconds in a time): a date with a time after it
_DATE_AND_MORE = re.compile(r"^\s*([\w.-]+)\s*=\s*(\d{4}-\d{2}-\d{2})[ T]\S")
_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
# the key a line starts with, whatever its value (not an inline table's `{ name = …`)
_KEY = re.compile(r"^\s*([^=\[\]{}\"'#,]+?)\s*=")
_ASSIGNED = re.compile(r"^\s*([^=\[\]\"'#]+?)\s*=\s*([^\s\"'\[{#][^#]*?)\s*(#.*)?$")
# `[avdelningar]` over a second avdelning, where `[[avdelningar]]` makes one more: tomllib
# says only that the table is declared twice ("samma tabell anges två gånger")
_TABLE_HEADER = re.compile(r"^\s*(\[\[?)([^\[\]]+)\]\]?\s*(#.*)?$")


def date_problem(key: str, value: object, example: dt.date) -> str | None:
    """Why the value of the date key `key` (round.deadline) is not a plain date, and what
    to write instead, in Swedish; None for a date. A date-time (TOML reads
    `2027-11-20T12:00:00` as one, and it is a date to Python) and a date in quotes (a
    text to TOML) were refused as "ska vara ett datum (ÅÅÅÅ-MM-DD)", or the date-time
    taken without its time while the instructions showed only the day."""
    name = key.rsplit(".", 1)[-1]
    if isinstance(value, dt.datetime) or (
        isinstance(value, str) and _DATE.match(value.strip()) and value.strip()[10:].strip()
    ):
        day = value.date() if isinstance(value, dt.datetime) else _DATE.match(value.strip())[0]
        return (
            f"ska vara ett datum utan klockslag: skriv {name} = {day}, utan citattecken. "
            "Arbetsböckerna anger sista dagen för inlämning; ett klockslag kan ni skriva i "
            "ert utskick."
        )
    if isinstance(value, dt.date):
        return None
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        return (
            f"skriv datumet utan citattecken: {name} = {value.strip()}. Inom citattecken "
            "är det en text och inget datum."
        )
    shown = "ett klockslag" if isinstance(value, dt.time) else repr(value)
    # "30 oktober 2026", "30/10/2026", 20261030: the day meant, not the example's (audit)
    written = (
        written_date(str(value)) if isinstance(value, str | int) and value is not True else None
    )
    if written is not None and written.day is not None:
        return (
            f"ska vara ett datum skrivet ÅÅÅÅ-MM-DD, utan citattecken: skriv {name} = "
            f"{written.day.isoformat()}, inte {shown}."
        )
    return (
        f"ska vara ett datum skrivet ÅÅÅÅ-MM-DD, utan citattecken, t.ex. {name} = "
        f"{example.isoformat()}, inte {shown}."
    )


def toml_error(
    exc: tomllib.TOMLDecodeError,
    name: str,
    source: str = "",
    lists: Collection[str] = (),
    tables: Collection[str] = (),
    keys: Collection[str] = (),
) -> SettingsError:
    """A TOML syntax error in Swedish, with its line (tomllib's text goes to --debug).
    `source`: the file's text, to name a decimal comma on the line. `lists`: the arrays
    of tables (avdelningar, …), whose element written as a table is declared twice.
    `tables`: every top-level table's name, to say which one a name with å, ä or ö
    ([nämnd]) means. `keys`: every key of the tables, to say which one a key with å, ä
    or ö (internränta) means."""
    text = str(exc)
    found = re.search(r"\(at line (\d+), column \d+\)$", text)
    where = f"{name}, rad {found.group(1)}" if found else name
    explanation = next(
        (swedish for start, swedish in _TOML_MESSAGES if text.startswith(start)),
        "raden går inte att läsa; kontrollera citattecken, hakparenteser och likhetstecken.",
    )
    lines = source.splitlines()
    if found and int(found.group(1)) <= len(lines):
        line = lines[int(found.group(1)) - 1]
        unquoted = re.sub(r'"[^"]*"', "", line.split("#", 1)[0])
        dated = _DATE_AND_MORE.match(line)
        # `key = value` with a value not in quotes, brackets or braces, to its comment
        assigned = _ASSIGNED.match(line)
        keyed = _KEY.match(line)
        header = _TABLE_HEADER.match(line)
        name = header[2].strip() if header else ""
        # the [name] with single brackets that a [[name]] follows, if there is one above
        # (not when `name = [...]` was written inline: that is another mistake)
        single = (
            next(
                (
                    i + 1
                    for i in range(int(found.group(1)) - 2, -1, -1)
                    if (h := _TABLE_HEADER.match(lines[i])) and h[1] == "[" and h[2].strip() == name
                ),
                0,
            )
            if header and header[1] == "[["
            else 0
        )
        if header and text.startswith("Cannot") and name in lists and header[1] == "[":
            explanation = (
                f"tabellen [{name}] anges två gånger. Ska det finnas flera (en per "
                f"avdelning, verksamhet, driftpost …)? Skriv då [[{name}]], med dubbla "
                "hakparenteser, före var och en."
            )
        elif header and text.startswith("Cannot") and name in lists and single:
            explanation = (
                f"[[{name}]] följer på [{name}] med enkla hakparenteser på rad {single}. "
                f"Skriv [[{name}]], med dubbla hakparenteser, före var och en."
            )
        elif dated:
            explanation = (
                f"ett datum skrivs utan klockslag i budgetbook.toml, t.ex. {dated[1]} = {dated[2]}."
            )
        elif header and not re.fullmatch(r"[\w.-]+", name, re.ASCII) and name[:1] not in "\"'":
            # [nämnd] is read as far as its "ä": "saknar avslutande hakparentes" (audit)
            bracket = header[1]
            plain = plain_name(name, set(tables))
            explanation = (
                "ett tabellnamn skrivs utan å, ä, ö och mellanslag: skriv "
                f"{bracket}{plain}{bracket.replace('[', ']')}."
            )
        elif assigned and (hint := value_hint(assigned[1], assigned[2])):
            explanation = hint
        elif keyed and not re.fullmatch(r"[\w.-]+", keyed[1], re.ASCII):
            # `internränta = 2.5`: the key meant, when it is known ("skriv internranta");
            # also before a text in quotes, `källa = "SCB"` ("efter nyckeln ska det stå =")
            guess = key_guess(keyed[1], set(keys))
            explanation = "en nyckel skrivs utan å, ä, ö och mellanslag" + (
                f": skriv {guess}."
                if guess
                else "; nycklarna står i docs/settings.md (till exempel name, budget_year, ram)."
            )
        elif _DECIMAL_COMMA.search(line):
            explanation = "decimaltal skrivs med punkt i budgetbook.toml, t.ex. 1.75, inte 1,75."
        elif _SPACED_THOUSANDS.search(unquoted):
            explanation = (
                "tal skrivs utan mellanslag i budgetbook.toml, t.ex. 182000, inte 182 000."
            )
    return SettingsError(f"inte giltig TOML: {explanation}", path=where)
