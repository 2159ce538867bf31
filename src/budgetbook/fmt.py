"""Swedish number, percent and amount formatting, and the kommun's sign convention.

Used by every output (Word, workbooks, CLI) so a figure looks the same everywhere:
"43 974" (non-breaking space), "−2 894" (minus sign), "324,5", "6 %".

Every figure is rounded half up (away from zero: 2.5 -> 3, −2.5 -> −3), as finance
staff round by hand and as Excel's number formats display a stored value, so Word, the
workbooks and the CLI show the same digits. Python's round() (halves to even) is never
used for a figure anyone sees.

It also holds the one definition of the characters XML 1.0 cannot carry, which every
writer of Word or Excel XML strips or escapes (`INVALID_XML`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from itertools import repeat
from math import floor, fmod, isfinite
from operator import add, mul
from typing import Any

NBSP = "\u00a0"
MINUS = "\u2212"

# Characters XML 1.0 cannot carry (control characters but tab, LF and CR; U+FFFE, U+FFFF).
# A text from a TOML escape, a cell or a file name can hold them; written as they are,
# Word and Excel call the file damaged. Lone surrogates are handled on encoding instead
# (errors="replace").
INVALID_XML_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
INVALID_XML = re.compile(f"[{INVALID_XML_CHARS}]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry (not escaped)."""
    return INVALID_XML.sub("", text)


def _exact(value: int | float | Decimal) -> Decimal:
    # str() gives the shortest repr, so 0.125 and 2.25 are halves as written (and as
    # Excel, which works on 15 significant digits, sees them), not binary near-misses
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _quantized(value: int | float | Decimal, places: int) -> Decimal:
    exact = _exact(value)
    if not exact.is_finite():
        raise ValueError(f"cannot round {value!r}")
    # enough precision for any magnitude (the default 28 digits fails on huge values)
    context = Context(prec=max(28, exact.adjusted() + places + 2))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=context)


_WHOLE_FLOATS = 2.0**52  # every float of at least this size is a whole number


def round_half_up(value: int | float | Decimal, places: int = 0) -> int | float:
    """`value` rounded half away from zero to `places` decimals (int when places is 0).

    Raises ValueError for infinity and NaN, which have no rounded value.
    """
    if places == 0 and type(value) is float and -_WHOLE_FLOATS < value < _WHOLE_FLOATS:
        # Exact without Decimal (issue 8: ~80 000 capital figures at N = 1 000). Below
        # 2**52 the fraction value - whole is exact, with the value's sign, and a float's
        # shortest repr (what Decimal(str()) rounds) is n.5 only when the float is
        # exactly n.5, so this rounds as _quantized does (tests/test_fmt.py checks it
        # against Decimal). inf and NaN fail the range test: they raise below.
        whole = int(value)
        rest = value - whole
        if rest >= 0.5:
            return whole + 1
        if rest <= -0.5:
            return whole - 1
        return whole
    if places <= 0 and (
        isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    ):
        return int(value)  # the common case, without Decimal (the reader calls this per cell)
    number = _quantized(value, places)
    return int(number) if places <= 0 else float(number)


def tkr(value: int | float | None) -> str:
    """Whole tkr with non-breaking thousands separators and a real minus sign."""
    if value is None:
        return ""
    number = round_half_up(value)
    text = f"{abs(number):,}".replace(",", NBSP)
    return f"{MINUS}{text}" if number < 0 else text


def tkr_of_ints(numbers: Iterable[int]) -> list[str]:
    """`[tkr(n) for n in numbers]` for ints (exactly int: not bool): formatted and given
    their separators and minus signs in C, not a call per number (issue 8: ~40 000
    distinct amounts in the draft at N = 1 000). An int's "," and "-" are only its
    thousands separators and its sign."""
    text = "\n".join(map(format, numbers, repeat(",")))
    if not text:  # no numbers (or one 0-length text, which an int never is)
        return []
    return text.replace(",", NBSP).replace("-", MINUS).split("\n")


def decimal(value: int | float | Decimal | None, places: int = 1) -> str:
    """A decimal number, Swedish style: "324,5", "1 234,5"."""
    if value is None:
        return ""
    number = _quantized(value, places)
    text = f"{abs(number):,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", NBSP)
    return f"{MINUS}{text}" if number < 0 else text


def pct(value: float | None) -> str:
    """A fraction as whole percent: 0.06 -> "6 %"; None (undefined) -> ""."""
    if value is None:
        return ""
    number = _percent(value) if value.__class__ is float else None
    if number is None:
        number = round_half_up(_exact(value) * 100)
    return f"{MINUS}{abs(number)}{NBSP}%" if number < 0 else f"{number}{NBSP}%"


def rate(percent: float) -> str:
    """A rate set in percent, with the decimals it was set with: 2.5 -> "2,5 %",
    1.75 -> "1,75 %", 3 -> "3 %" (`pct` takes a fraction and rounds to whole percent,
    which would make an internränta of 2.5 "3 %")."""
    number = Decimal(str(percent)).normalize()
    text = format(abs(number), "f").replace(".", ",")
    return f"{MINUS}{text}{NBSP}%" if number < 0 else f"{text}{NBSP}%"


_PCT_BULK_LIMIT = 2.0**20  # percents below this (10 000 as a fraction) are exact in floats


def pct_of_floats(values: Sequence[float]) -> list[str]:
    """`[pct(v) for v in values]` for floats (exactly float), ~10 times faster (issue 8:
    ~25 000 distinct percentages in the draft at N = 1 000). value * 100 in floats is
    within 1e-9 of the shortest repr's value times 100 below `_PCT_BULK_LIMIT`, so
    half up is decided by it unless its fraction is within 1e-6 of a half; those, and
    a column with a larger figure, inf or NaN, are left to `pct`."""
    hundreds = list(map(mul, map(abs, values), repeat(100.0)))
    if not all(map(isfinite, hundreds)) or max(hundreds, default=0.0) >= _PCT_BULK_LIMIT:
        return [pct(v) for v in values]
    numbers = list(map(floor, map(add, hundreds, repeat(0.5))))
    texts = [
        f"{MINUS}{n}{NBSP}%" if v < 0 and n else f"{n}{NBSP}%"
        for v, n in zip(values, numbers, strict=True)
    ]
    for i, fraction in enumerate(map(fmod, hundreds, repeat(1.0))):
        if 0.499999 < fraction < 0.500001:  # near a half: decided on the digits
            texts[i] = pct(values[i])
    return texts


def pct_for_sheet(values: Sequence[Any]) -> list[Any]:
    """Each value as a workbook stores it under a `0 %` format (`pct_stored` for a
    float, anything else as it is)."""
    return [pct_stored(v) if v.__class__ is float else v for v in values]


def pct_stored(value: float) -> float:
    """A fraction as a workbook stores it under a `0 %` format: a negative one that
    `pct` shows as "0 %" (−0.003, −0.0) becomes 0.0, any other is kept as it is. Excel
    picks the minus sign by the stored value before it rounds, so −0.003 showed "-0 %"
    where the draft shows "0 %"; every other value already shows the draft's digits,
    and keeps its decimals for a reader who widens the format. Near −0.005 the digits
    decide, as in `pct`."""
    if -0.00501 < value <= 0.0 and (value > -0.00499 or _pct_number(value) == 0):
        return 0.0
    return value


def _pct_number(value: float) -> int:
    """The whole percent `pct` shows for `value`, with its sign."""
    number = _percent(value)
    return round_half_up(_exact(value) * 100) if number is None else number  # type: ignore[return-value]


def _percent(value: float) -> int | None:
    """`round_half_up(_exact(value) * 100)` by moving the point in the shortest repr's
    digits, without Decimal (issue 8: ~25 000 percentages in the draft at N = 1 000);
    None for a repr with an exponent, inf or NaN. Half up: the digits dropped are at
    least half exactly when the first of them is 5 or more."""
    text = repr(value)
    if "e" in text or "n" in text:
        return None
    whole, _, fraction = text.lstrip("-").partition(".")
    fraction += "000"
    number = int(whole + fraction[:2]) + (fraction[2] >= "5")
    return -number if text[0] == "-" else number


NAMES_SHOWN = 10  # names listed in one message; a larger round adds "och 290 till"
_OCH = re.compile(r"\boch\b", re.IGNORECASE)


def name_list(names: Sequence[str], shown: int = NAMES_SHOWN) -> str:
    """Names as Swedish prose: "A", "A och B", "A, B och C"; past `shown` names the
    rest are counted ("A, B, … J och 290 till"). A warning that names every one of
    several hundred avdelningar could not be read, nor fit in one Excel cell.

    When a name listed holds "och" itself, the last one is joined by "samt":
    "Samhällsplanering och ledning samt Kommungemensamma kostnader", not "… och ledning
    och Kommungemensamma kostnader" (review), which reads as three names. Samt joins
    word groups that are each held together by och (Svenska Akademiens språklära); a
    comma before the last och, the English serial comma, is not Swedish usage."""
    listed = names[:shown] if len(names) > shown else names
    last = " samt " if any(_OCH.search(name) for name in listed) else " och "
    if len(names) > shown:
        return f"{', '.join(listed)}{last}{len(names) - shown} till"
    if len(names) > 1:
        return f"{', '.join(names[:-1])}{last}{names[-1]}"
    return names[0] if names else ""


def in_sentence(name: str) -> str:
    """A name as written inside a sentence: its first letter in lower case
    ("Kommunstyrelsens" -> "kommunstyrelsens"), the rest as written, and an initialism
    untouched ("IT-nämnden"). `str.lower()` made "IT-nämnden i Västra Björkås" into
    "it-nämnden i västra björkås"."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def sentence_start(text: str) -> str:
    """`text` starting a sentence or a title: its first letter in upper case, the rest
    as written (`str.capitalize()` lowers the rest: "plan för BUN" -> "Plan för bun")."""
    return text[:1].upper() + text[1:]


_NUMBER_WORDS = (
    "noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"
)  # fmt: skip


def count(n: int, common: bool = False) -> str:
    """A count in running text: up to twelve in words, as Swedish style has it, in the
    neuter form ("ett nämndmål", "ett av målen") or with `common` the common gender
    ("en av tre avdelningar"); larger numbers in digits."""
    if common and n == 1:
        return "en"
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else tkr(n)


def mnkr(value_tkr: int | float) -> str:
    """tkr as million kronor with one decimal: 324500 -> "324,5"."""
    return decimal(_exact(value_tkr) / 1000, 1)


def change(new: int | float, old: int | float) -> tuple[int | float, float | None]:
    """Change new − old in tkr and as (new − old)/|old|; the % is None where old is 0.

    The two always carry the same sign (domain convention).
    """
    diff = new - old
    return diff, (diff / abs(old) if old else None)


@dataclass(frozen=True, slots=True)
class Convention:
    """The kommun's display sign convention.

    net_cost_positive: costs and net costs are shown as positive amounts; a positive
    avvikelse (budget − prognos) is favourable.
    costs_negative: revenue positive, costs and net costs negative; a positive
    avvikelse (prognos − budget, on the negative scale) is favourable as well.
    Stored data never change; only `display` flips the sign.
    """

    name: str = "net_cost_positive"

    @property
    def costs_negative(self) -> bool:
        return self.name == "costs_negative"

    def display(self, net_cost: int | float | None) -> int | float | None:
        """A stored net-cost figure as the kommun shows it."""
        if net_cost is None:
            return None
        return -net_cost if self.costs_negative else net_cost

    def favourable(self, budget_net_cost: float, outcome_net_cost: float) -> bool:
        """Whether an outcome (prognos or utfall) beats the budget, in any convention."""
        return outcome_net_cost <= budget_net_cost
