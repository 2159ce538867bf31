"""The prior-year figures of a round: the CSV named by `prior.file` in the settings."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SettingsError
from .fmt import tkr
from .settings import PriorFigures, Settings
from .settings_text import editor_lines, read_text
from .workspace import INBOX_DIR, TEMPLATES_DIR

if TYPE_CHECKING:
    import _csv


def load_prior(
    file: Path,
    verksamheter: set[str],
    driftposter: set[str],
    text: str | None = None,
    names: Mapping[str, str] | None = None,
    unsigned: Mapping[str, str] | None = None,
    code_line: Callable[[str], int] | None = None,
    workspace: Path | None = None,
) -> dict[tuple[str, str], PriorFigures]:
    """Prior-year figures: a CSV (semicolon, comma or tab) with verksamhet;driftpost;budget;
    prognos, as Excel or a ledger saves it (see `spreadsheet_text`; a first line `sep=;`
    names the separator). `text`: the file's text, already read. `names`: each
    driftpost's code by its name (casefolded), for a file that names the driftposter as
    the ledger does. `unsigned`: the name of each driftpost (by code) whose amounts may
    not be negative, those without allow_negative. `code_line`: the line of a
    verksamhet's code in budgetbook.toml, for an error naming it. `workspace`: the
    settings' folder, to tell whether its workbooks were written when a code is refused
    (`workbooks_written`)."""
    text = read_text(file, spreadsheet=True) if text is None else text
    unsigned = unsigned or {}
    # csv.reader with column positions, not DictReader, and the row's place formatted
    # only for an error: ~85 000 rows at 1 000 avdelningar (issue 8). Without quotes
    # (or NULs) in the file a line's fields are exactly its pieces between separators,
    # as csv.reader gives them, at half the cost.
    lines = editor_lines(text)
    dialect, sep_line = _separator(lines[0] if lines else "", text)
    rows: Iterator[tuple[int, list[str]]]
    if '"' in text or "\0" in text:
        rows = _numbered(csv.reader(lines, delimiter=dialect))
    else:
        rows = ((n, line.split(dialect) if line else []) for n, line in enumerate(lines, 1))
    if sep_line:
        next(rows)  # line 1: the rows keep the file's line numbers
    # The header as typed in Excel: "Verksamhet;Driftpost;Budget;Prognos" is the same
    # (it was refused), and an empty column after the last is no column.
    typed = [h.strip() for h in next(rows, (0, []))[1]]
    header = [h.casefold() for h in typed]
    needed = ("verksamhet", "driftpost", "budget", "prognos")
    if not header or not set(needed) <= set(header):
        shown = dialect if dialect != _TAB else ", "  # a tab in a message is no mark
        found = shown.join(h for h in typed if h) or "ingen rubrikrad"  # as written
        raise SettingsError(
            f"{'andra' if sep_line else 'första'} raden ska ha kolumnerna "
            f"{shown.join(needed)}{' (åtskilda med tabb)' if dialect == _TAB else ''}, "
            f"men har {found}.",
            key="prior.file",
            path=file.name,
        )
    iv, id_, ib, ip = (header.index(k) for k in needed)
    width = max(iv, id_, ib, ip) + 1
    columns = len(header)
    result: dict[tuple[str, str], PriorFigures] = {}
    make = tuple.__new__  # PriorFigures(...) without its Python-level __new__
    for number, row in rows:
        if not row:
            continue  # a blank line (as DictReader skips them)
        if len(row) < width:
            raise SettingsError(
                f"raden har för få fält; ange verksamhet, driftpost, budget och prognos "
                f"åtskilda med {'tabb' if dialect == _TAB else repr(dialect)}.",
                path=f"{file.name}, rad {number}",
            )
        if len(row) > columns and any(field.strip() for field in row[columns:]):
            # "31200,5" in a comma-separated file is two fields: without this the
            # budget read 31 200 and the prognos 5
            raise SettingsError(
                f"raden har fler fält än rubrikraden ({len(row)} mot {columns}). Har ett "
                "belopp decimaler med komma i en fil med komma som avgränsare? Beloppen "
                "ska vara hela tkr; spara filen med semikolon som avgränsare.",
                path=f"{file.name}, rad {number}",
            )
        v, d = row[iv].strip(), row[id_].strip()
        if v not in verksamheter:
            if not any(field.strip() for field in row):
                continue  # a row of separators only, as Excel saves a row once used
            raise SettingsError(
                _unknown_verksamhet(v, verksamheter, code_line, file.name, workspace),
                key="verksamhet",
                path=f"{file.name}, rad {number}",
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
            raise _not_whole_tkr(row, ib, ip, f"{file.name}, rad {number}") from exc
        if (budget < 0 or prognos < 0) and d in unsigned:
            at = ib if budget < 0 else ip  # by the figure read: an empty budget reads 0
            raise _negative(row[at], at == ib, unsigned[d], f"{file.name}, rad {number}")
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


_TAB = "\t"


def _separator(first: str, text: str) -> tuple[str, bool]:
    """The file's separator, and whether its first line is the `sep=;` that names it (a
    ledger export writes it so that Excel opens the file in columns whatever the PC's
    list separator; Excel reads it and does not keep it). Else a tab when the header has
    more tabs than semicolons and commas (Excel's "Text (tabbavgränsad)" and
    "Unicode-text", cells copied into Notepad), else the more frequent of `;` and `,`."""
    if len(first) >= 5 and first[:4].casefold() == "sep=" and not first[5:].strip():
        return first[4], True
    if first.count(_TAB) > max(first.count(";"), first.count(",")):
        return _TAB, False
    return (";" if text.count(";") >= text.count(",") else ","), False


def _tkr(text: str) -> int:
    try:  # int() takes what has no space inside: the same number, ~2x faster (issue 8)
        return int(text)
    except ValueError:
        # Swedish thousands separators (a space; Windows' non-breaking one; the narrow
        # one some programs write) and the minus sign U+2212, which Windows' Swedish
        # regional settings give negative numbers (Excel's "CSV UTF-8" keeps it)
        text = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        return int(text.replace("\u2212", "-") or 0)


# An amount with decimals: a decimal comma (or point), as a ledger export in tkr has them
_DECIMALS = re.compile(r"[-\u2212]?[\d \u00a0\u202f]*\d[,.]\d+")


def _not_whole_tkr(row: list[str], ib: int, ip: int, where: str) -> SettingsError:
    """The error for a row whose budget or prognos is not whole tkr, naming the first
    such one as written. Decimals are refused, not rounded: the prior-year budget is the
    one decided, in whole tkr, and the finance officer decides where a rounding
    difference goes so that the totals still match the decision."""
    for column, index in (("Budget", ib), ("Prognos", ip)):
        value = row[index].strip()
        try:
            _tkr(value)
        except ValueError:
            if _DECIMALS.fullmatch(value):
                return SettingsError(
                    f"{column} har decimaler ({value}), men beloppen ska vara hela tkr. "
                    "Avrunda dem i Excel (markera kolumnerna Budget och Prognos och klicka "
                    "på Minska decimaler under Start tills inga decimaler syns) och spara "
                    "filen igen.",
                    path=where,
                )
            return SettingsError(f"{column} ska vara ett heltal i tkr, inte '{value}'.", path=where)
    return SettingsError("budget och prognos ska vara heltal i tkr.", path=where)


def _negative(written: str, budget: bool, name: str, where: str) -> SettingsError:
    """The error for a negative amount on a line that takes none. The file has revenue
    and costs as positive amounts; a ledger export mostly has revenue (or, in a kommun
    showing costs negative, costs) with a minus sign, and read as it was the prior-year
    net cost and every change against it were wrong, silently (new-kommun audit)."""
    column = "Budget" if budget else "Prognos"
    return SettingsError(
        f"{column} är negativ ({written.strip()}) för {name}, men i filen anges både "
        "intäkter och kostnader som positiva belopp. Har ekonomisystemet exporterat "
        "intäkterna (eller kostnaderna) med minustecken? Byt tecken på dem och spara filen "
        "igen. En driftpost som kan vara negativ har allow_negative = true i "
        "[[driftposter]].",
        path=where,
    )


def workbooks_written(workspace: Path | None) -> bool | None:
    """Whether the department workbooks of the workspace at `workspace` were written: a
    workbook in workbook_templates/ (`budgetbook templates` writes them there) or a
    return in inbox/. None when it cannot be told: the settings are in no workspace's
    folder (no workbook_templates/ beside them), or none was given."""
    if workspace is None or not (workspace / TEMPLATES_DIR).is_dir():
        return None
    return any((workspace / TEMPLATES_DIR).glob("Budget_*.xlsx")) or any(
        f.suffix.casefold() in (".xlsx", ".xlsm")
        for f in (workspace / INBOX_DIR).glob("*")
        if not f.name.startswith("~$")
    )


def _unknown_verksamhet(
    code: str,
    verksamheter: set[str],
    code_line: Callable[[str], int] | None = None,
    file: str = "filen",
    workspace: Path | None = None,
) -> str:
    """Why `code` is refused and what to write instead: it said only "okänd verksamhet
    '0401'", not that the codes are those of [[verksamheter]] (new-kommun audit). A code
    that differs from one of [[verksamheter]] only in zeros before it (gap 1: settings
    "0401", a file Excel saved as "401") is told so, with what happened and what to do.

    Where the settings lost the zero, writing it into `code` is right before the
    workbooks are written; after, they carry the code without the zero, and every
    return's verksamhet would be unknown (review). Then the file's code is to be
    corrected instead; where the loader cannot tell (`workbooks_written`), both."""
    told = f"okänd verksamhet {code!r}"
    plain = code.lstrip("0")
    if plain and plain != code and plain in verksamheter:  # the settings lost the zero
        said = (
            f"{told}; i [[verksamheter]] står koden {plain!r}{_at(plain, code_line)}, "
            "utan nolla först. Ekonomisystemet skriver koden med nolla, men Excel tar bort "
            "nollor först i ett tal (till exempel när koderna kopierats från ett "
            "kalkylblad)."
        )
        quoted = f'code = "{code}"'
        written = workbooks_written(workspace)
        if written is None:
            return (
                f"{said} Skriv koden som ekonomisystemet, inom citattecken: {quoted}. Om "
                f"arbetsböckerna redan har skickats ut: rätta i stället koden i {file}, "
                f"skriv {plain} i kolumnen Verksamhet som i arbetsböckerna; ändrar ni code "
                "känns verksamheten inte igen i de ifyllda arbetsböckerna."
            )
        if written:
            return (
                f"{said} Arbetsböckerna har redan skapats med koden {plain!r}, så ändra inte "
                "code (då känns verksamheten inte igen i de ifyllda arbetsböckerna) utan "
                f"rätta koden i {file}: skriv {plain} i kolumnen Verksamhet, som i "
                "arbetsböckerna. Har arbetsböckerna inte skickats ut än kan ni i stället "
                f"skriva koden som ekonomisystemet, {quoted}, och skapa dem igen med "
                "budgetbook templates."
            )
        return f"{said} Skriv koden som ekonomisystemet, inom citattecken: {quoted}."
    padded = sorted(v for v in verksamheter if v != code and v.lstrip("0") == plain and plain)
    if padded:  # the file lost the zero: Excel opened and saved it
        ours = padded[0]
        return (
            f"{told}; i [[verksamheter]] står koden {ours!r}{_at(ours, code_line)}, med "
            "nolla först. Excel tar bort nollor först i ett tal när det öppnar en CSV-fil, "
            "och sparar filen utan dem. Ta filen direkt från ekonomisystemet utan att öppna "
            "och spara den i Excel, eller markera kolumnen Verksamhet i Excel, välj "
            f"Formatera celler › Anpassat, skriv {'0' * len(ours)} som typ och spara filen "
            "igen."
        )
    told += "; ange verksamhetens kod från [[verksamheter]] i budgetbook.toml"
    if len(verksamheter) <= 30:
        return f"{told} ({', '.join(sorted(verksamheter))})."
    return f"{told}."


def _at(code: str, code_line: Callable[[str], int] | None) -> str:
    """The place of the verksamhet `code`: " (budgetbook.toml, rad 167)"."""
    line = code_line(code) if code_line else 0
    return f" (budgetbook.toml, rad {line})" if line else " (budgetbook.toml)"


# Ramar this many times the prior-year gross costs of their avdelningar are typed in
# kronor. Ramar are net and costs gross, so a real round's ramar stay near or below its
# costs: a reserve, a reorganisation or a new task moves ramar between avdelningar, not
# the whole to 5 times what was spent. A ram in kronor is 1 000 times its tkr, so one
# avdelning in kronor among others in tkr reaches 5 times once its ram is 0.5 % of the
# costs: a small unit (revision, valnämnd) of a nämnd of 50 avdelningar too (review).
_RAMAR_KRONOR_RATIO = 5

# Prior-year costs, and net budget, this many times the ramar: a file in kronor
_FILE_KRONOR_RATIO = 300


def kronor_or_tkr(settings: Settings, file: str) -> tuple[str, str] | None:
    """The key to name and what to say when the ramar typed in kronor, or the ledger's
    file `file` exported in kronor, were taken as tkr (settings audit): every workbook
    asked for a ram, or showed prior-year figures, 1 000 times too large. None when
    nothing says so.

    The ramar are judged for the round, against the prior-year gross costs (cost lines'
    budget, revenue left out: a unit financed by internal charges has a net near 0).
    Judged per avdelning, valid settings were refused (second review): a reserve whose
    prior-year budget was revised down to 120 tkr may get a ram of 40 000 tkr, and so may
    a reorganised avdelning or one with a new task. A ram may also be cut to almost
    nothing, so only ramar far above the costs are refused. The largest ram is named, the
    one most likely in kronor. An avdelning with a verksamhet without prior-year costs
    (new, or taken over; its rows all 0 or missing) is left out of both sums: its ram may
    be many times what its other verksamheter cost. Nothing is judged unless the
    avdelningar left are most of the ramar, nor without prior-year costs.

    A file in kronor makes every row 1 000 times too large, so it is judged for the
    round too: the prior-year costs, and the prior-year net budget, of all verksamheter
    against all the budget-year ramar. The net budget too, so that a nämnd financed
    almost wholly by charges (a servicenämnd, ramar near 0 beside large costs) is not
    refused: its net is as small as its ramar, unless the file is in kronor."""
    year = settings.budget_year
    kinds = settings.kinds
    costs: dict[str, int] = {}
    net = 0
    for (v, d), figures in settings.prior.items():
        if kinds.get(d) == "revenue":
            net -= figures.budget
        else:
            costs[v] = costs.get(v, 0) + figures.budget
            net += figures.budget
    gross = sum(costs.values())
    # an avdelning with a verksamhet without prior-year costs (new, or taken over this
    # year; not in a file of part of the round) has nothing its ram can be judged by
    new = {v.avdelning for v in settings.verksamheter if costs.get(v.code, 0) <= 0}
    judged = [(i, a) for i, a in enumerate(settings.avdelningar) if a.code not in new]
    judged_costs = sum(
        costs.get(v.code, 0) for v in settings.verksamheter if v.avdelning not in new
    )
    judged_ramar = sum(a.ram[year] for _, a in judged)
    ramar = sum(a.ram[year] for a in settings.avdelningar)
    # judged only for most of the ramar: a file of a few avdelningar (the rest to come)
    # would be the per-avdelning check again, which refused a reserve (review)
    if (
        judged_costs > 0
        and 2 * judged_ramar >= ramar
        and judged_ramar >= _RAMAR_KRONOR_RATIO * judged_costs
    ):
        i, largest = max(judged, key=lambda ia: ia[1].ram[year])
        ram = largest.ram[year]
        which = (
            f"ramarna för {year}"
            if len(judged) == len(settings.avdelningar)
            else f"ramarna för {year} för de {len(judged)} avdelningar som har kostnader i {file}"
        )
        return f"avdelningar[{i}].ram", (
            f"{which}, sammanlagt {tkr(judged_ramar)} tkr, är "
            f"{tkr(judged_ramar / judged_costs)} gånger avdelningarnas kostnader föregående "
            f"år ({tkr(judged_costs)} tkr i {file}, utan intäkter). Är ramarna, eller en av "
            f"dem, skrivna i kronor? Störst är ramen för {largest.name} ({largest.code}), "
            f"{tkr(ram)}. Beloppen i budgetbook.toml anges i tkr: {tkr(ram)} kronor är "
            f"{tkr(ram / 1000)} tkr; skriv ramarna i tkr (50 miljoner kronor är 50000)."
        )
    if ramar > 0 and gross >= _FILE_KRONOR_RATIO * ramar and net >= _FILE_KRONOR_RATIO * ramar:
        return "prior.file", (
            f"föregående års kostnader i {file}, sammanlagt {tkr(gross)} tkr, är "
            f"{tkr(gross / ramar)} gånger ramarna för {year}, sammanlagt {tkr(ramar)} tkr. "
            f"Är filen i kronor? Beloppen i {file} ska vara hela tkr, som ramarna; "
            "exportera den i tkr från ekonomisystemet."
        )
    return None
