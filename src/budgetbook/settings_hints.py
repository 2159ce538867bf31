"""What a finance officer meant by a value of budgetbook.toml that TOML cannot read or
the loader refuses, and what to write instead, in Swedish (settings audit, gap 2 and 3).

Each is a mistake one makes writing the file from the docs for the first time: a date
written the Swedish way ("30 oktober 2026", "30/10/2026"), ja or nej for true or false,
a number with its unit ("2,5 %", "3 år") or in quotes ("12 500"), a code with a zero
first (0401) outside quotes, a table's name in Swedish or misspelt ([[avdelning]]), a
key written under another table than its own. Nothing here decides whether a file is
accepted: only what its message says.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import NamedTuple

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan"),
            ("februari", "feb"),
            ("mars", "mar"),
            ("april", "apr"),
            ("maj",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("augusti", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

# a time after a date: "12:00", "kl 12", "kl. 12.00"
_TIME = r"(?P<t>\s*,?\s+(?:kl\.?\s*)?\d{1,2}(?:[:.]\d{2}){0,2})?"
# a date as Swedes write it besides ÅÅÅÅ-MM-DD: day, month (in words or digits) and
# year, or the year first with one-digit parts or other separators, or without any
_WRITTEN = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"(?:den\s+)?(?P<d>\d{{1,2}})\s*\.?\s*(?P<mon>[a-zåäö]+)\.?\s+(?P<y>\d{{4}}){_TIME}",
        rf"(?P<d>\d{{1,2}})\s*(?P<s>[/.-])\s*(?P<m>\d{{1,2}})\s*(?P=s)\s*(?P<y>\d{{4}}){_TIME}",
        rf"(?P<y>\d{{4}})\s*(?P<s>[/.-])\s*(?P<m>\d{{1,2}})\s*(?P=s)\s*(?P<d>\d{{1,2}}){_TIME}",
        r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",
    )
)


class WrittenDate(NamedTuple):
    """A date written another way than ÅÅÅÅ-MM-DD: the day meant (None for one that does
    not exist, "2026-10-32"), and whether a time was written after it."""

    day: dt.date | None
    timed: bool


def written_date(text: str) -> WrittenDate | None:
    """The date that `text` (a value as written, without quotes) is, written the
    Swedish way; None when it is no date. A month of more than 12 in "10/30/2026" is
    taken as written the American way, month first."""
    for pattern in _WRITTEN:
        found = pattern.fullmatch(text.strip())
        if not found:
            continue
        parts = found.groupdict()
        if parts.get("mon"):
            month = MONTHS.get(parts["mon"].casefold())
            if month is None:
                return None
        else:
            month = int(parts["m"])
        day, year = int(parts["d"]), int(parts["y"])
        if month > 12 >= day:
            day, month = month, day
        timed = bool(parts.get("t"))
        try:
            return WrittenDate(dt.date(year, month, day), timed)
        except ValueError:
            return WrittenDate(None, timed)
    return None


def date_hint(name: str, written: WrittenDate, shown: str) -> str:
    """What to write for the date key `name` written as `shown`."""
    if written.day is None:
        return (
            f"datumet {shown} finns inte; skriv ett datum som finns, som ÅÅÅÅ-MM-DD utan "
            "citattecken."
        )
    return (
        f"ett datum skrivs ÅÅÅÅ-MM-DD, utan citattecken: skriv {name} = "
        f"{written.day.isoformat()}"
        + (
            ". Arbetsböckerna anger sista dagen för inlämning; ett klockslag kan ni skriva "
            "i ert utskick."
            if written.timed
            else "."
        )
    )


_TRUE = {"ja", "sant", "yes", "true", "på"}
_FALSE = {"nej", "falskt", "no", "false", "av"}


def boolean_word(written: object) -> str | None:
    """TOML's "true" or "false" for what was written for one (ja, "nej", True, 1);
    None for a value that says neither."""
    word = str(written).strip().strip("\"'").casefold()
    if word in _TRUE or (written == 1 and not isinstance(written, str)):
        return "true"
    if word in _FALSE or (written == 0 and not isinstance(written, str)):
        return "false"
    return None


def boolean_hint(name: str, written: object) -> str | None:
    """What to write for `name` = ja, True, …: true or false in lower case, without
    quotes; None for a value that says neither."""
    value = boolean_word(written)
    if value is None:
        return None
    return f"skriv true eller false, med små bokstäver och utan citattecken: {name} = {value}."


# a number as Swedes write it: spaces between thousands, a decimal comma, the minus sign
_SWEDISH_NUMBER = re.compile(r"[-+\u2212]?\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?")
_MONEY = ("kr", "kronor", "mnkr")
_WITH_UNIT = re.compile(r"(.*?\d)\s*(%|procent|år|tkr|st|dagar|kr|kronor|mnkr)\.?", re.I)


def toml_number(text: str) -> str | None:
    """`text` (a Swedish number: "12 500", "2,5", "−1 200") as TOML writes it ("12500",
    "2.5", "-1200"); None when it is no number."""
    text = text.strip()
    if not _SWEDISH_NUMBER.fullmatch(text):
        return None
    plain = re.sub(r"[ \u00a0\u202f]", "", text).replace("\u2212", "-").replace(",", ".")
    return plain.lstrip("+")


def unit_hint(name: str, value: str) -> str | None:
    """What to write for `name = 2,5 %`, `3 år`, `50 000 tkr`: the number alone; None
    when the value is no number with a unit."""
    found = _WITH_UNIT.fullmatch(value.strip())
    number = toml_number(found[1]) if found else None
    if not found or number is None:
        return None
    unit = found[2].casefold()
    if unit in _MONEY:
        return (
            f"belopp skrivs i hela tkr och utan enhet: räkna om {found[1].strip()} {unit} "
            "till tkr och skriv bara talet (50 miljoner kronor är 50000)."
        )
    return f"skriv bara talet, utan {found[2]!r}: {name} = {number}."


def number_text_hint(value: str, name: str = "") -> str | None:
    """For a number written as a text ("12 500", "2,5", "3 år"): what to write instead,
    as `name = 12500` with a `name`; None for a text that is no number."""
    number = toml_number(value)
    if number is None:
        found = _WITH_UNIT.fullmatch(value.strip())
        number = toml_number(found[1]) if found else None
        if not name or not found or number is None or found[2].casefold() in _MONEY:
            return None
        return f"Skriv bara talet, utan {found[2]!r} och citattecken: {name} = {number}."
    return "Skriv talet utan citattecken och utan mellanslag: " + (
        f"{name} = {number}." if name else f"{number}."
    )


# The keys the loader reads as true or false ([[driftposter]]); a test holds them to the
# settings' boolean fields. Only these are told to write true or false for "ja".
BOOLEAN_KEYS = frozenset({"capital", "allow_negative"})

# The keys the loader reads as a number, with what the number is and an example: for a
# word written as one (`life = ja`, `internranta = av`)
NUMBER_KEYS = {
    "budget_year": "ett årtal, t.ex. budget_year = 2027",
    "start": "ett årtal, t.ex. start = 2026",
    "life": "nyttjandeperioden i hela år, t.ex. life = 5 (0 för mark, som inte skrivs av)",
    "internranta": "räntan i procent, t.ex. internranta = 2.5 (0 om ingen internränta ska räknas)",
    "change_threshold_pct": "ett tal i procent, t.ex. change_threshold_pct = 10",
    "change_threshold_tkr": "ett belopp i hela tkr, t.ex. change_threshold_tkr = 500",
    "large_amount_tkr": "ett belopp i hela tkr, t.ex. large_amount_tkr = 50000 (0 stänger "
    "av varningen)",
    "max_chars": "ett antal tecken, t.ex. max_chars = 2000",
}


def value_hint(name: str, value: str) -> str | None:
    """Why the value `value` (as written after `name =`, up to a comment) of a line
    TOML cannot read is not TOML, and what to write; None when none of the mistakes
    known here."""
    value = value.strip()
    written = written_date(value)
    if written is not None:
        return date_hint(name, written, value)
    if re.fullmatch(r"0\d+", value):
        return (
            f"en kod med en nolla först skrivs inom citattecken, annars är den ett tal och "
            f'nollan försvinner: {name} = "{value}".'
        )
    # the key as the loader names it: `capital`, also written `"capital"` or dotted, or
    # by its Swedish name (`kapital = sant` was told to quote the text, review)
    written_key = name.rsplit(".", 1)[-1].strip().strip("\"'").strip()
    known = BOOLEAN_KEYS | NUMBER_KEYS.keys() | set(_SWEDISH_KEYS.values())
    key = key_guess(written_key, known) or written_key
    shown = name if key == written_key else key
    word = re.fullmatch(r"\w+", value) is not None
    if key in BOOLEAN_KEYS and word and (told := boolean_hint(shown, value)) is not None:
        return told
    if (told := unit_hint(shown, value)) is not None:
        return told
    if key in NUMBER_KEYS and word and toml_number(value) is None:
        # "skriv … life = true" was told for `life = ja`: refused again (review)
        return f"{shown} anges med ett tal utan citattecken: {NUMBER_KEYS[key]}."
    return None


# Swedish (or singular, or other) names of the tables, as one may guess them from the
# docs' Swedish words: [[avdelning]], [runda], [kapital]
_SWEDISH_TABLES = {
    "runda": "round",
    "omgång": "round",
    "omgang": "round",
    "budgetomgang": "round",
    "nämnd": "namnd",
    "kapital": "capital",
    "kapitalkostnader": "capital",
    "texter": "texts",
    "regler": "rules",
    "visning": "display",
    "källor": "sources",
    "kallor": "sources",
    "föregående": "prior",
    "foregaende": "prior",
    "foregaende_ar": "prior",
    "driftpost": "driftposter",
    "kontogrupper": "driftposter",
    "kontogrupp": "driftposter",
    "avdelning": "avdelningar",
    "verksamhet": "verksamheter",
    "tillgångar": "asset_categories",
    "tillgangar": "asset_categories",
    "tillgangskategorier": "asset_categories",
    "tillgångskategorier": "asset_categories",
    "kategorier": "asset_categories",
    "kf_mal": "kf_goals",
    "kfmal": "kf_goals",
    "namnd_mal": "namnd_goals",
    "namndmal": "namnd_goals",
    "nämndmål": "namnd_goals",
    "textavsnitt": "text_sections",
}


def table_guess(name: str, known: set[str]) -> str | None:
    """The table of `known` that the unknown top-level `name` most likely means: the
    same in another case, its Swedish name, or a near spelling; None if none is near."""
    folded = name.casefold().replace(" ", "_").replace("-", "_")
    by_fold = {k.casefold(): k for k in known}
    if folded in by_fold:
        return by_fold[folded]
    if (guess := _SWEDISH_TABLES.get(folded)) in known:
        return guess
    return _near(folded, known, 0.75)


# Swedish names of keys, as one may guess them from the docs' Swedish words
_SWEDISH_KEYS = {
    "namn": "name",
    "kod": "code",
    "typ": "kind",
    "slag": "kind",
    "chef": "head",
    "avdelningschef": "head",
    "epost": "email",
    "e_post": "email",
    "mejl": "email",
    "mail": "email",
    "budgetar": "budget_year",
    "budgetår": "budget_year",
    "planar": "plan_years",
    "planår": "plan_years",
    "ramar": "ram",
    "livslangd": "life",
    "livslängd": "life",
    "nyttjandeperiod": "life",
    "avskrivningstid": "life",
    "ranta": "internranta",
    "ränta": "internranta",
    "internränta": "internranta",
    "titel": "title",
    "rubrik": "title",
    "sista_dag": "deadline",
    "sista_datum": "deadline",
    "fil": "file",
    "mapp": "dir",
    "kapital": "capital",
    "kapitalkostnad": "capital",
    "kapitalkostnader": "capital",
    "mal": "target",
    "målvärde": "target",
    "malvarde": "target",
    "kalla": "source",
    "källa": "source",
    "varden": "values",
    "värden": "values",
}


def key_guess(name: str, known: set[str]) -> str | None:
    """The key of `known` that the unknown `name` most likely means: its Swedish name
    ("namn", "kod"), another case or a near spelling; None if none is near."""
    folded = name.casefold().replace(" ", "_").replace("-", "_")
    if folded in known:
        return folded
    if (guess := _SWEDISH_KEYS.get(folded)) in known:
        return guess
    return _near(folded, known, 0.8)


def _near(name: str, known: set[str], cutoff: float) -> str | None:
    """The one name of `known` a typing slip away from `name` (two letters swapped, one
    left out, added or mistyped), else the closest spelling above `cutoff`. difflib's
    ratio alone missed a short key's slip: "haed" is 0.75 of "head" ("dedline" 0.93 of
    "deadline" was found), so `haed` got the allowed keys but no "skriv head"."""
    slips = [k for k in sorted(known) if len(name) >= 3 and _one_slip(name, k)]
    if len(slips) == 1:
        return slips[0]
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=cutoff)
    return close[0] if close else None


def _one_slip(a: str, b: str) -> bool:
    """Whether `a` is `b` with two neighbouring letters swapped, or one letter left out,
    added or changed (Damerau–Levenshtein distance 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        i = diff[0]
        return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1 :]


def header_of(name: str, value: object) -> str:
    """How `name` is written as a table in the file: "[[avdelning]]", "[runda]"."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return f"[[{name}]]"
    return f"[{name}]" if isinstance(value, dict) else name


def home_of(name: str, tables: Mapping[str, set[str]], arrays: Mapping[str, set[str]]) -> str:
    """The one table `name` is a key of, as its header ("[capital]", "[[avdelningar]]");
    "" when it is none's or several tables' (name, code)."""
    homes = [f"[{t}]" for t, keys in tables.items() if name in keys]
    homes += [f"[[{t}]]" for t, keys in arrays.items() if name in keys]
    return homes[0] if len(homes) == 1 else ""


_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O", " ": "_"})


def plain_name(name: str, known: set[str]) -> str:
    """A table's or key's name as TOML takes it without quotes: the table of `known` it
    means ("nämnd" -> "namnd"), else without å, ä, ö and spaces."""
    return table_guess(name, known) or name.strip().translate(_ASCII)


# "47200,5" in a list of integers: TOML reads two numbers, 47200 and 5
_LIST_DECIMAL = re.compile(r"\d+,\d{1,2}(?=\s*[,\]])")


def list_decimal_hint(line: str) -> str:
    """ " Står det …?" for a line whose list has an amount with a decimal comma, which
    TOML reads as two amounts (the count was then said to be wrong, and only that)."""
    found = _LIST_DECIMAL.search(line.split("#", 1)[0])
    if not found:
        return ""
    return (
        f" Står det ett decimalkomma i ett belopp ({found[0]})? TOML läser det som två "
        "belopp; ramen anges i hela tkr, utan decimaler."
    )
