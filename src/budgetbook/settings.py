"""Load and validate a round's settings (`budgetbook.toml`).

Every problem raises `SettingsError` naming the file, the dotted key, what was expected
and, where it can be found, the line. `docs/settings.md` documents every key.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .errors import SettingsError

SETTINGS_FILE = "budgetbook.toml"
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


@dataclass(frozen=True, slots=True)
class PriorFigures:
    """Prior-year budget and prognos for one verksamhet × drift line, in tkr."""

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

    def verksamhet(self, code: str) -> Verksamhet | None:
        by_code = self._lookup(
            "verksamhet",
            self.verksamheter,
            lambda: {v.code: v for v in reversed(self.verksamheter)},
        )
        return by_code.get(code)

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


# --- loading ---------------------------------------------------------------------------

T = TypeVar("T")
_MISSING = object()


class _Reader:
    """Typed access to the parsed TOML that reports dotted keys and line numbers."""

    def __init__(self, path: Path, source: str):
        self.path = path
        self.lines = source.splitlines()

    def fail(self, key: str, message: str) -> SettingsError:
        line = self._line_of(key)
        where = f"{self.path.name}" + (f", rad {line}" if line else "")
        return SettingsError(message, key=key, path=where)

    def _line_of(self, key: str) -> int | None:
        last = re.sub(r"\[\d+\]", "", key).split(".")[-1]
        pattern = re.compile(rf"^\s*(\[+\s*)?([\w.]*\.)?{re.escape(last)}\s*(=|\]|\.)")
        for number, text in enumerate(self.lines, start=1):
            if pattern.match(text):
                return number
        return None

    def get(
        self,
        table: dict[str, Any],
        prefix: str,
        name: str,
        kind: type | tuple[type, ...],
        default: Any = _MISSING,
        expected: str = "",
    ) -> Any:
        key = f"{prefix}.{name}" if prefix else name
        if name not in table:
            if default is _MISSING:
                raise self.fail(key, f"saknas; ange {expected or _describe(kind)}.")
            return default
        value = table[name]
        # bool is an int in Python; never accept it where a number is meant
        if isinstance(value, bool) and bool not in _as_tuple(kind):
            raise self.fail(key, f"ska vara {expected or _describe(kind)}, inte {value!r}.")
        if not isinstance(value, kind):
            raise self.fail(key, f"ska vara {expected or _describe(kind)}, inte {value!r}.")
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

    def array(self, table: dict[str, Any], name: str, required: bool = True) -> list[dict]:
        if name not in table:
            if required:
                raise self.fail(name, f"saknas; ange minst en [[{name}]].")
            return []
        value = table[name]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(name, f"ska anges som [[{name}]]-tabeller.")
        return value

    def unknown(self, table: dict[str, Any], prefix: str, known: set[str]) -> None:
        for name in table:
            if name not in known:
                key = f"{prefix}.{name}" if prefix else name
                raise self.fail(
                    key, f"okänd nyckel; tillåtna nycklar här är: {', '.join(sorted(known))}."
                )


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _describe(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "en text",
        int: "ett heltal",
        float: "ett tal",
        bool: "true eller false",
        list: "en lista",
        dict: "en tabell",
        dt.date: "ett datum (ÅÅÅÅ-MM-DD)",
    }
    return " eller ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def _each(
    r: _Reader, items: list[dict], name: str, build: Callable[[dict, str], T]
) -> tuple[T, ...]:
    return tuple(build(item, f"{name}[{i}]") for i, item in enumerate(items))


def load_settings(path: Path | str) -> Settings:
    """Read and validate `budgetbook.toml` (a file or a workspace folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / SETTINGS_FILE
    if not path.exists():
        raise SettingsError(
            "inställningsfilen finns inte; skapa en arbetsyta med `budgetbook init`.",
            path=str(path),
        )
    source = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"inte giltig TOML: {exc}", path=path.name) from exc
    return parse_settings(data, path, source)


def parse_settings(data: dict[str, Any], path: Path, source: str = "") -> Settings:
    r = _Reader(path, source)
    r.unknown(
        data,
        "",
        {
            "kommun",
            "namnd",
            "round",
            "rules",
            "display",
            "sources",
            "capital",
            "asset_categories",
            "driftposter",
            "avdelningar",
            "verksamheter",
            "kf_goals",
            "namnd_goals",
            "uppdrag",
            "text_sections",
            "texts",
            "prior",
        },
    )

    kommun = r.table(data, "", "kommun")
    namnd = r.table(data, "", "namnd")
    rnd = r.table(data, "", "round")
    rules = r.table(data, "", "rules", required=False)
    display = r.table(data, "", "display", required=False)
    sources = r.table(data, "", "sources", required=False)
    capital = r.table(data, "", "capital")
    prior_t = r.table(data, "", "prior", required=False)

    for prefix, table, known in (
        ("kommun", kommun, {"name"}),
        ("namnd", namnd, {"name", "genitive", "forvaltning"}),
        (
            "round",
            rnd,
            {
                "id",
                "kind",
                "budget_year",
                "plan_years",
                "unit",
                "deadline",
                "contact_name",
                "contact_email",
                "contact_phone",
            },
        ),
        ("rules", rules, {"change_threshold_pct", "change_threshold_tkr", "template_password"}),
        ("display", display, {"sign_convention", "empty_sections", "word_template"}),
        ("sources", sources, {"budget", "prognos", "ram"}),
        ("capital", capital, {"internranta", "depreciation_start"}),
        ("prior", prior_t, {"file"}),
    ):
        r.unknown(table, prefix, known)
    for name, known in (
        ("driftposter", {"code", "name", "kind", "capital", "allow_negative"}),
        ("asset_categories", {"code", "name", "life"}),
        ("avdelningar", {"code", "name", "ram", "head", "email"}),
        ("verksamheter", {"code", "name", "avdelning"}),
        ("kf_goals", {"code", "title", "text", "indicators"}),
        ("namnd_goals", {"code", "kf_goal", "title", "text", "indicators"}),
        ("uppdrag", {"text", "start", "avdelning", "decision"}),
        ("text_sections", {"key", "title", "guidance", "max_chars"}),
    ):
        for i, item in enumerate(r.array(data, name, required=False)):
            r.unknown(item, f"{name}[{i}]", known)
            for j, ind in enumerate(item.get("indicators", []) if isinstance(item, dict) else []):
                if isinstance(ind, dict):
                    r.unknown(
                        ind, f"{name}[{i}].indicators[{j}]", {"name", "values", "target", "source"}
                    )

    namnd_name = r.get(namnd, "namnd", "name", str)
    budget_year = r.get(rnd, "round", "budget_year", int, expected="ett årtal, t.ex. 2026")
    if not 2000 <= budget_year <= 2100:
        raise r.fail("round.budget_year", f"ska vara ett rimligt årtal, inte {budget_year}.")
    plan_years = tuple(r.get(rnd, "round", "plan_years", list, expected="en lista med årtal"))
    for i, year in enumerate(plan_years):
        if not isinstance(year, int) or isinstance(year, bool):
            raise r.fail(f"round.plan_years[{i}]", f"ska vara ett årtal, inte {year!r}.")
        if year != budget_year + 1 + i:
            raise r.fail(
                "round.plan_years",
                f"ska vara åren direkt efter budgetåret ({budget_year + 1}, "
                f"{budget_year + 2}, …), inte {list(plan_years)}.",
            )
    years = (budget_year, *plan_years)

    sign = r.get(display, "display", "sign_convention", str, "net_cost_positive")
    if sign not in SIGN_CONVENTIONS:
        raise r.fail(
            "display.sign_convention", f"ska vara ett av {SIGN_CONVENTIONS}, inte {sign!r}."
        )
    empty = r.get(display, "display", "empty_sections", str, "mark")
    if empty not in EMPTY_SECTIONS:
        raise r.fail("display.empty_sections", f"ska vara ett av {EMPTY_SECTIONS}, inte {empty!r}.")
    word_template = r.get(display, "display", "word_template", str, "")
    word_template_path = (path.parent / word_template) if word_template else None
    if word_template_path and not word_template_path.exists():
        raise r.fail("display.word_template", f"filen {word_template} finns inte.")

    start = r.get(capital, "capital", "depreciation_start", str, "year_after")
    if start not in DEPRECIATION_STARTS:
        raise r.fail("capital.depreciation_start", f"ska vara ett av {DEPRECIATION_STARTS}.")
    ranta = float(
        r.get(capital, "capital", "internranta", (int, float), expected="procent, t.ex. 2.5")
    )
    if not 0 <= ranta < 20:
        raise r.fail("capital.internranta", f"ska anges i procent (0–20), inte {ranta}.")

    def driftpost(item: dict, key: str) -> Driftpost:
        kind = r.get(item, key, "kind", str, expected='"revenue" eller "cost"')
        if kind not in DRIFT_KINDS:
            raise r.fail(f"{key}.kind", f'ska vara "revenue" eller "cost", inte {kind!r}.')
        return Driftpost(
            code=r.get(item, key, "code", str),
            name=r.get(item, key, "name", str),
            kind=kind,
            capital=r.get(item, key, "capital", bool, False),
            allow_negative=r.get(item, key, "allow_negative", bool, False),
        )

    def category(item: dict, key: str) -> AssetCategory:
        life = r.get(item, key, "life", int, expected="nyttjandeperiod i år (0 = mark)")
        if life < 0:
            raise r.fail(f"{key}.life", "får inte vara negativ.")
        return AssetCategory(r.get(item, key, "code", str), r.get(item, key, "name", str), life)

    def avdelning(item: dict, key: str) -> Avdelning:
        ram_list = r.get(item, key, "ram", list, expected=f"en lista med ram per år {list(years)}")
        if len(ram_list) != len(years):
            raise r.fail(
                f"{key}.ram",
                f"ska ha ett belopp per år {list(years)} ({len(years)} st), inte {len(ram_list)}.",
            )
        for i, amount in enumerate(ram_list):
            if not isinstance(amount, int) or isinstance(amount, bool):
                raise r.fail(f"{key}.ram[{i}]", f"ska vara ett heltal i tkr, inte {amount!r}.")
        return Avdelning(
            code=r.get(item, key, "code", str),
            name=r.get(item, key, "name", str),
            ram=dict(zip(years, ram_list, strict=True)),
            head=r.get(item, key, "head", str, ""),
            email=r.get(item, key, "email", str, ""),
        )

    def indicator(item: dict, key: str) -> Indicator:
        values = r.get(item, key, "values", dict, {})
        parsed: dict[int, str] = {}
        for year, value in values.items():
            if not str(year).isdigit():
                raise r.fail(f"{key}.values", f"nycklarna ska vara årtal, inte {year!r}.")
            parsed[int(year)] = str(value)
        return Indicator(
            name=r.get(item, key, "name", str),
            values=parsed,
            target=str(r.get(item, key, "target", (str, int, float), "")),
            source=r.get(item, key, "source", str, ""),
        )

    def kf_goal(item: dict, key: str) -> KfGoal:
        return KfGoal(
            code=str(r.get(item, key, "code", (str, int))),
            title=r.get(item, key, "title", str),
            text=r.get(item, key, "text", str, ""),
            indicators=_each(r, r.array(item, "indicators", False), f"{key}.indicators", indicator),
        )

    def namnd_goal(item: dict, key: str) -> NamndGoal:
        return NamndGoal(
            code=str(r.get(item, key, "code", (str, int, float))),
            kf_goal=str(r.get(item, key, "kf_goal", (str, int))),
            title=r.get(item, key, "title", str),
            text=r.get(item, key, "text", str, ""),
            indicators=_each(r, r.array(item, "indicators", False), f"{key}.indicators", indicator),
        )

    def uppdrag(item: dict, key: str) -> UppdragDef:
        return UppdragDef(
            text=r.get(item, key, "text", str),
            start=r.get(item, key, "start", int, None),
            avdelning=r.get(item, key, "avdelning", str, ""),
            decision=r.get(item, key, "decision", str, ""),
        )

    def text_section(item: dict, key: str) -> TextSection:
        return TextSection(
            key=r.get(item, key, "key", str),
            title=r.get(item, key, "title", str),
            guidance=r.get(item, key, "guidance", str, ""),
            max_chars=r.get(item, key, "max_chars", int, 2000),
        )

    driftposter = _each(r, r.array(data, "driftposter"), "driftposter", driftpost)
    categories = _each(r, r.array(data, "asset_categories"), "asset_categories", category)
    avdelningar = _each(r, r.array(data, "avdelningar"), "avdelningar", avdelning)
    verksamheter = _each(
        r,
        r.array(data, "verksamheter"),
        "verksamheter",
        lambda item, key: Verksamhet(
            code=str(r.get(item, key, "code", (str, int))),
            name=r.get(item, key, "name", str),
            avdelning=r.get(item, key, "avdelning", str),
        ),
    )
    _unique(r, "driftposter", [d.code for d in driftposter])
    _unique(r, "asset_categories", [c.code for c in categories])
    _unique(r, "avdelningar", [a.code for a in avdelningar])
    _unique(r, "verksamheter", [v.code for v in verksamheter])
    if not any(d.kind == "cost" for d in driftposter):
        raise r.fail("driftposter", 'minst en driftpost ska ha kind = "cost".')
    avd_codes = {a.code for a in avdelningar}
    for i, v in enumerate(verksamheter):
        if v.avdelning not in avd_codes:
            raise r.fail(
                f"verksamheter[{i}].avdelning",
                f"{v.avdelning!r} är ingen avdelning; känd: {', '.join(sorted(avd_codes))}.",
            )
    for a in avdelningar:
        if not any(v.avdelning == a.code for v in verksamheter):
            raise r.fail("verksamheter", f"avdelningen {a.code} har ingen verksamhet.")

    kf_goals = _each(r, r.array(data, "kf_goals", False), "kf_goals", kf_goal)
    namnd_goals = _each(r, r.array(data, "namnd_goals", False), "namnd_goals", namnd_goal)
    kf_codes = {g.code for g in kf_goals}
    for i, g in enumerate(namnd_goals):
        if g.kf_goal not in kf_codes:
            raise r.fail(
                f"namnd_goals[{i}].kf_goal", f"{g.kf_goal!r} är inget KF-mål i [[kf_goals]]."
            )
    _unique(r, "namnd_goals", [g.code for g in namnd_goals])

    texts_t = r.table(data, "", "texts", required=False)
    texts_dir = r.get(texts_t, "texts", "dir", str, "")
    texts: dict[str, str] = {}
    known_texts = {k for k, _ in NAMND_TEXTS}
    for key, value in texts_t.items():
        if key == "dir":
            continue
        if key not in known_texts:
            raise r.fail(f"texts.{key}", f"okänd text; tillåtna: {', '.join(sorted(known_texts))}.")
        if not isinstance(value, str):
            raise r.fail(f"texts.{key}", "ska vara en text.")
        texts[key] = value
    if texts_dir:
        folder = path.parent / texts_dir
        if not folder.is_dir():
            raise r.fail("texts.dir", f"mappen {texts_dir} finns inte.")
        for key in known_texts - texts.keys():
            file = folder / f"{key}.md"
            if file.exists():
                texts[key] = file.read_text(encoding="utf-8").strip()

    prior_file_name = r.get(prior_t, "prior", "file", str, "")
    prior_file = (path.parent / prior_file_name) if prior_file_name else None
    prior: dict[tuple[str, str], PriorFigures] = {}
    if prior_file is not None:
        prior = _load_prior(
            prior_file, r, {v.code for v in verksamheter}, {d.code for d in driftposter}
        )

    settings = Settings(
        path=path,
        kommun=r.get(kommun, "kommun", "name", str),
        namnd=namnd_name,
        namnd_genitive=r.get(namnd, "namnd", "genitive", str, _genitive(namnd_name)),
        forvaltning=r.get(namnd, "namnd", "forvaltning", str, ""),
        round_id=r.get(rnd, "round", "id", str),
        kind=r.get(rnd, "round", "kind", str, "nämndplan"),
        budget_year=budget_year,
        plan_years=plan_years,
        unit=r.get(rnd, "round", "unit", str, "tkr"),
        deadline=r.get(rnd, "round", "deadline", dt.date, None),
        contact_name=r.get(rnd, "round", "contact_name", str, ""),
        contact_email=r.get(rnd, "round", "contact_email", str, ""),
        contact_phone=r.get(rnd, "round", "contact_phone", str, ""),
        change_threshold_pct=float(r.get(rules, "rules", "change_threshold_pct", (int, float), 10)),
        change_threshold_tkr=r.get(rules, "rules", "change_threshold_tkr", int, 500),
        template_password=r.get(rules, "rules", "template_password", str, ""),
        sign_convention=sign,
        empty_sections=empty,
        word_template=word_template_path,
        source_budget=r.get(sources, "sources", "budget", str, ""),
        source_prognos=r.get(sources, "sources", "prognos", str, ""),
        source_ram=r.get(sources, "sources", "ram", str, ""),
        internranta=ranta,
        depreciation_start=start,
        avdelningar=avdelningar,
        verksamheter=verksamheter,
        driftposter=driftposter,
        asset_categories=categories,
        kf_goals=kf_goals,
        namnd_goals=namnd_goals,
        uppdrag=_each(r, r.array(data, "uppdrag", False), "uppdrag", uppdrag),
        text_sections=_each(
            r, r.array(data, "text_sections", False), "text_sections", text_section
        ),
        texts=texts,
        prior=prior,
        prior_file=prior_file,
    )
    return settings


def _genitive(name: str) -> str:
    return name if name.endswith("s") else name + "s"


def _unique(r: _Reader, key: str, codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise r.fail(key, f"koden {code!r} förekommer mer än en gång.")
        seen.add(code)


def _load_prior(
    file: Path, r: _Reader, verksamheter: set[str], driftposter: set[str]
) -> dict[tuple[str, str], PriorFigures]:
    """Prior-year figures: a CSV (semicolon or comma) with verksamhet;driftpost;budget;prognos."""
    if not file.exists():
        raise r.fail("prior.file", f"filen {file.name} finns inte.")
    text = file.read_text(encoding="utf-8-sig")
    dialect = ";" if text.count(";") >= text.count(",") else ","
    rows = csv.DictReader(text.splitlines(), delimiter=dialect)
    needed = {"verksamhet", "driftpost", "budget", "prognos"}
    if not rows.fieldnames or not needed <= set(rows.fieldnames):
        raise SettingsError(
            f"kolumnerna ska vara {', '.join(sorted(needed))}.", key="prior.file", path=file.name
        )
    result: dict[tuple[str, str], PriorFigures] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{file.name}, rad {number}"
        v, d = row["verksamhet"].strip(), row["driftpost"].strip()
        if v not in verksamheter:
            raise SettingsError(f"okänd verksamhet {v!r}.", key="verksamhet", path=where)
        if d not in driftposter:
            raise SettingsError(f"okänd driftpost {d!r}.", key="driftpost", path=where)
        try:
            budget = int(row["budget"].replace(" ", "").replace("\u00a0", "") or 0)
            prognos = int(row["prognos"].replace(" ", "").replace("\u00a0", "") or 0)
        except ValueError as exc:
            raise SettingsError("budget och prognos ska vara heltal i tkr.", path=where) from exc
        if (v, d) in result:
            raise SettingsError(f"{v}/{d} förekommer två gånger.", path=where)
        result[(v, d)] = PriorFigures(budget, prognos, number)
    return result
