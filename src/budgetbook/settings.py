"""A round's settings (`budgetbook.toml`): the types, and `load_settings`.

Loading and validation live in `settings_load.py`; `docs/settings.md` documents every key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

SIGN_CONVENTIONS = ("net_cost_positive", "costs_negative")
DRIFT_KINDS = ("revenue", "cost")
DEPRECIATION_STARTS = ("year_after", "same_year")
EMPTY_SECTIONS = ("mark", "omit")

# The nämnd-level text sections of a nämndplan, in document order (key, Swedish heading).
NAMND_TEXTS: tuple[tuple[str, str], ...] = (
    ("sammanfattning", "Sammanfattning"),
    ("politisk_ledning", "Politiska ledningen har ordet"),
    ("inledning", "Inledning"),
    ("ansvarsomrade", "Nämndens ansvarsområde"),
    ("uppfoljning", "Uppföljning och återrapportering"),
    ("forutsattningar", "Förutsättningar för kommande år"),
    ("malstyrning", "Målstyrning"),
    ("uppdrag", "Uppdrag"),
    ("ekonomiska_ramar", "Ekonomiska ramar"),
    ("driftbudget", "Driftbudget"),
    ("risker", "Risk- och känslighetsanalys"),
    ("investeringar", "Investeringsbudget"),
    ("kapitalkostnader", "Kapitalkostnader"),
    ("intern_kontroll", "Intern kontroll"),
    ("kvalitetsstyrning", "Kvalitetsstyrning"),
)


@dataclass(frozen=True, slots=True)
class Avdelning:
    code: str
    name: str
    ram: dict[int, int]  # year -> tkr (net cost), budget year and plan years
    head: str = ""
    email: str = ""
    ram_line: int = 0  # line of `ram` in the settings file, for tracing (0: unknown)


@dataclass(frozen=True, slots=True)
class Verksamhet:
    code: str
    name: str
    avdelning: str


@dataclass(frozen=True, slots=True)
class Driftpost:
    """A drift line (kontogrupp). `kind` is revenue or cost; `capital` marks kapitalkostnader."""

    code: str
    name: str
    kind: str
    capital: bool = False
    allow_negative: bool = False


@dataclass(frozen=True, slots=True)
class AssetCategory:
    """Asset category; `life` in years, 0 = never depreciated (land)."""

    code: str
    name: str
    life: int
    life_line: int = 0  # line of `life` in the settings file, for tracing (0: unknown)


@dataclass(frozen=True, slots=True)
class Indicator:
    name: str
    values: dict[int, str] = field(default_factory=dict)  # year -> value as shown
    target: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class KfGoal:
    code: str
    title: str
    text: str = ""
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True, slots=True)
class NamndGoal:
    code: str
    kf_goal: str
    title: str
    text: str = ""
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True, slots=True)
class UppdragDef:
    """An uppdrag given to the nämnd (from KF or the nämnd itself)."""

    text: str
    start: int | None = None
    avdelning: str = ""  # which avdelning reports on it; "" = all
    decision: str = ""


@dataclass(frozen=True, slots=True)
class TextSection:
    """A narrative section each avdelning writes on its Texter sheet."""

    key: str
    title: str
    guidance: str = ""
    max_chars: int = 2000


class PriorFigures(NamedTuple):
    """Prior-year budget and prognos for one verksamhet × drift line, in tkr.

    A named tuple: ~85 000 are made per load at 1 000 avdelningar, ~4x faster than a
    frozen dataclass (issue 8); same fields, repr and equality among themselves."""

    budget: int
    prognos: int
    line: int = 0  # line in the prior-year CSV, for tracing


@dataclass(slots=True)
class Settings:
    path: Path
    kommun: str
    namnd: str
    namnd_genitive: str
    forvaltning: str
    round_id: str
    kind: str
    budget_year: int
    plan_years: tuple[int, ...]
    unit: str
    deadline: dt.date | None
    contact_name: str
    contact_email: str
    contact_phone: str
    change_threshold_pct: float
    change_threshold_tkr: int
    large_amount_tkr: int  # BB412 from this many tkr (0: never)
    template_password: str
    sign_convention: str
    empty_sections: str
    word_template: Path | None
    source_budget: str
    source_prognos: str
    source_ram: str
    internranta: float  # percent, e.g. 2.5
    depreciation_start: str
    avdelningar: tuple[Avdelning, ...]
    verksamheter: tuple[Verksamhet, ...]
    driftposter: tuple[Driftpost, ...]
    asset_categories: tuple[AssetCategory, ...]
    kf_goals: tuple[KfGoal, ...]
    namnd_goals: tuple[NamndGoal, ...]
    uppdrag: tuple[UppdragDef, ...]
    text_sections: tuple[TextSection, ...]
    texts: dict[str, str]
    prior: dict[tuple[str, str], PriorFigures]  # (verksamhet, driftpost) -> figures
    prior_file: Path | None = None
    internranta_line: int = 0  # line of `internranta` in the settings file (0: unknown)
    # Lookup indexes built on first use (issue 8: linear scans per lookup made rounds
    # with hundreds of avdelningar quadratic). Keyed by the identity of the tuple they
    # index, so reassigning a field rebuilds them.
    _index: dict[str, tuple[int, Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def _lookup(self, name: str, source: object, build: Callable[[], Any]) -> Any:
        hit = self._index.get(name)
        if hit is None or hit[0] != id(source):
            hit = (id(source), build())
            self._index[name] = hit
        return hit[1]

    # -- derived ----------------------------------------------------------------------

    @property
    def workspace(self) -> Path:
        return self.path.parent

    @property
    def change_ratio(self) -> tuple[int, int]:
        """`change_threshold_pct` as the exact fraction (numerator, denominator) of the
        decimal written in the settings: 7 is 7/1, 2.5 is 5/2. The large-change rule
        compares in integers: in floats 2 184 / 31 200 × 100 is 7.000000000000001, and a
        change of exactly 7 % was "more than 7 %" to collect but not to the workbook."""
        pct = self.change_threshold_pct
        return self._lookup("change_ratio", pct, lambda: _decimal_ratio(pct))

    @property
    def prior_year(self) -> int:
        return self.budget_year - 1

    @property
    def years(self) -> tuple[int, ...]:
        """Budget year followed by the plan years."""
        return (self.budget_year, *self.plan_years)

    @property
    def investment_years(self) -> tuple[int, ...]:
        """The 4-year investment period starting with the budget year."""
        return tuple(range(self.budget_year, self.budget_year + 4))

    def avdelning(self, code: str) -> Avdelning | None:
        by_code = self._lookup(
            "avdelning",
            self.avdelningar,
            lambda: {a.code: a for a in reversed(self.avdelningar)},
        )
        return by_code.get(code)

    def verksamheter_of(self, avdelning: str) -> list[Verksamhet]:
        def build() -> dict[str, list[Verksamhet]]:
            out: dict[str, list[Verksamhet]] = {}
            for v in self.verksamheter:
                out.setdefault(v.avdelning, []).append(v)
            return out

        return list(self._lookup("verksamheter_of", self.verksamheter, build).get(avdelning, ()))

    def uppdrag_of(self, avdelning: str) -> list[UppdragDef]:
        """The uppdrag `avdelning` reports on (its own and those for all), in the
        settings' order: the rows its template prefills on Uppdrag."""

        def build() -> dict[str, list[tuple[int, UppdragDef]]]:
            out: dict[str, list[tuple[int, UppdragDef]]] = {}
            for i, u in enumerate(self.uppdrag):
                out.setdefault(u.avdelning, []).append((i, u))
            return out

        index = self._lookup("uppdrag_of", self.uppdrag, build)
        own = index.get(avdelning, []) if avdelning else []
        return [u for _, u in sorted([*index.get("", []), *own])]  # the indexes differ

    def verksamhet(self, code: str) -> Verksamhet | None:
        by_code = self._lookup(
            "verksamhet",
            self.verksamheter,
            lambda: {v.code: v for v in reversed(self.verksamheter)},
        )
        return by_code.get(code)

    def verksamhet_label(self, code: str) -> str:
        """A verksamhet as the department workbook lists it ("1400 Trygghetssatsning"),
        for messages; the code alone when the settings do not know it."""
        v = self.verksamhet(code)
        return f"{code} {v.name}" if v else code

    def driftpost(self, code: str) -> Driftpost | None:
        return next((d for d in self.driftposter if d.code == code), None)

    @property
    def kinds(self) -> dict[str, str]:
        """Driftpost code -> "revenue" / "cost"."""
        return dict(
            self._lookup(
                "kinds", self.driftposter, lambda: {d.code: d.kind for d in self.driftposter}
            )
        )

    def category(self, code_or_name: str) -> AssetCategory | None:
        key = code_or_name.strip().casefold()
        return next(
            (c for c in self.asset_categories if key in (c.code.casefold(), c.name.casefold())),
            None,
        )

    def prior_net(self, verksamhet: str, which: str) -> int:
        """Prior-year net cost of a verksamhet; `which` is "budget" or "prognos"."""

        def build() -> dict[str, list[tuple[str, PriorFigures]]]:
            out: dict[str, list[tuple[str, PriorFigures]]] = {}
            for (v, d), figs in self.prior.items():
                out.setdefault(v, []).append((d, figs))
            return out

        kinds = self.kinds
        total = 0
        for d, figs in self._lookup("prior_by_v", self.prior, build).get(verksamhet, ()):
            amount = getattr(figs, which)
            total += -amount if kinds.get(d) == "revenue" else amount
        return total

    def text(self, key: str) -> str:
        return self.texts.get(key, "")


def __getattr__(name: str) -> Any:
    """`from .settings import load_settings` (and parse_settings), loaded when first
    asked for: settings_load needs the types above, so importing it from here at import
    time made importing settings_load (or settings_prior) first fail, a cycle."""
    if name in ("load_settings", "parse_settings"):
        from . import settings_load

        return getattr(settings_load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _decimal_ratio(value: float) -> tuple[int, int]:
    """The decimal `value` is written as (its shortest repr), as an integer fraction."""
    from fractions import Fraction  # once a round, off the re-run's path

    return Fraction(repr(value)).as_integer_ratio()
