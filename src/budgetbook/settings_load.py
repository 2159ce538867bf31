"""Load and validate `budgetbook.toml` into `settings.Settings`.

Every problem raises `SettingsError` naming the file, the dotted key, what was expected
and, where it can be found, the line. Unknown keys are errors too.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import fmt, settings_cache
from .errors import SettingsError
from .file_state import state
from .gc_pause import gc_paused
from .output_names import file_name_problem
from .settings import (
    DEPRECIATION_STARTS,
    DRIFT_KINDS,
    EMPTY_SECTIONS,
    NAMND_TEXTS,
    SIGN_CONVENTIONS,
    AssetCategory,
    Avdelning,
    Driftpost,
    Indicator,
    KfGoal,
    NamndGoal,
    PriorFigures,
    Settings,
    TextSection,
    UppdragDef,
    Verksamhet,
)
from .settings_hints import home_of, list_decimal_hint, number_text_hint
from .settings_prior import kronor_or_tkr, load_prior
from .settings_text import (
    date_problem,
    looked_for,
    parse_toml,
    read_text,
    recording_reads,
    toml_error,
)
from .settings_toml import TomlReader, each_element, element_index
from .workspace import SETTINGS_FILE

# --- loading ---------------------------------------------------------------------------


def _indicator_text(value: str | int | float) -> str:
    """An indicator value as the draft shows it: a TOML number as Swedish print writes
    it (`target = 2.5` showed as "2.5" in a Swedish document; now "2,5", and
    "1 000 000", "−3"), a text as written."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) or value.is_integer():
        return fmt.tkr(int(value))
    places = len(f"{value:.10f}".rstrip("0").split(".")[1])
    return fmt.decimal(value, places)


def _one_of(values: tuple[str, ...]) -> str:
    """Allowed values as a sentence: '"mark" eller "omit"' (was a Python tuple)."""
    quoted = [f'"{v}"' for v in values]
    return f"{', '.join(quoted[:-1])} eller {quoted[-1]}" if len(quoted) > 1 else quoted[0]


def load_settings(path: Path | str, cache_dir: Path | None = None) -> Settings:
    """Read and validate `budgetbook.toml` (a file or a workspace folder).

    With `cache_dir` (the workspace's archive folder, when it exists) the parsed
    settings are kept there for the next process and read from there while nothing
    they come from changed (`settings_cache`). An action loads them once (`actions`).
    """
    return load_settings_and_inputs(path, cache_dir)[0]


def load_settings_and_inputs(
    path: Path | str,
    cache_dir: Path | None = None,
    later: list[Callable[[], None]] | None = None,
) -> tuple[Settings, list[tuple[Path, object]]]:
    """`load_settings`, and every file the settings were made from with its state
    (`file_state.state`: content hash, "dir" or None), the settings file first.

    A collect records these so that the next one can tell, without loading the
    settings, that they are unchanged (`collect_memo`, issue 8). With `later`, the
    settings cache entry is not written now but added there for the caller to run
    when it waits anyway (a collect, while its returns are read).
    """
    path = Path(path)
    if path.is_dir():
        path = path / SETTINGS_FILE
    # the state before the load: a change while loading then shows as a change later
    own = state(path)
    with gc_paused(keep=True):  # ~100 000 objects, all kept: no collections on them
        settings, deps = _load(path, cache_dir, later)
    return settings, [(path, own), *deps]


def _load(
    path: Path, cache_dir: Path | None, later: list[Callable[[], None]] | None = None
) -> tuple[Settings, list[tuple[Path, object]]]:
    if not path.exists():
        raise SettingsError(
            "inställningsfilen finns inte; skapa en arbetsyta med `budgetbook init`.",
            path=str(path),
        )
    source = read_text(path)
    use_cache = cache_dir is not None and cache_dir.is_dir()
    entry = settings_cache.entry_key(path, source) if use_cache else ""
    stored = settings_cache.read(cache_dir, entry) if use_cache else None
    if stored is not None and all(state(f) == sig for f, sig in stored[1]):
        return stored
    try:
        data = parse_toml(source)
    except tomllib.TOMLDecodeError as exc:
        lists = (*ARRAY_KEYS, "kf_goals.indicators", "namnd_goals.indicators")
        keys = {k for known in (*TABLE_KEYS.values(), *ARRAY_KEYS.values()) for k in known}
        raise toml_error(
            exc,
            path.name,
            source,
            lists,
            (*TABLE_KEYS, *ARRAY_KEYS, "texts"),
            keys | INDICATOR_KEYS | {"dir"} | {k for k, _ in NAMND_TEXTS},
        ) from exc
    with recording_reads() as parsed:
        settings = parse_settings(data, path, source)
    deps = [
        (f, parsed[f] if f in parsed else state(f))
        for f in settings_cache.depends_on(settings, data)
    ]
    if use_cache:
        write = functools.partial(settings_cache.write, cache_dir, entry, settings, deps)
        if later is None:
            write()
        else:  # the entry is of what was loaded now, whenever it is written
            later.append(write)
    return settings, deps


# Every key the loader accepts, per table and per element of an array of tables
# ([texts] apart: `dir` and the NAMND_TEXTS keys). docs/settings.md lists each one; a
# test holds the two together.
TABLE_KEYS: dict[str, set[str]] = {
    "kommun": {"name"},
    "namnd": {"name", "genitive", "forvaltning"},
    "round": {
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
    "rules": {
        "change_threshold_pct",
        "change_threshold_tkr",
        "large_amount_tkr",
        "template_password",
    },
    "display": {"sign_convention", "empty_sections", "word_template"},
    "sources": {"budget", "prognos", "ram"},
    "capital": {"internranta", "depreciation_start"},
    "prior": {"file"},
}
ARRAY_KEYS: dict[str, set[str]] = {
    "driftposter": {"code", "name", "kind", "capital", "allow_negative"},
    "asset_categories": {"code", "name", "life"},
    "avdelningar": {"code", "name", "ram", "head", "email"},
    "verksamheter": {"code", "name", "avdelning"},
    "kf_goals": {"code", "title", "text", "indicators"},
    "namnd_goals": {"code", "kf_goal", "title", "text", "indicators"},
    "uppdrag": {"text", "start", "avdelning", "decision"},
    "text_sections": {"key", "title", "guidance", "max_chars"},
}
INDICATOR_KEYS = {"name", "values", "target", "source"}


def parse_settings(data: dict[str, Any], path: Path, source: str = "") -> Settings:
    r = TomlReader(path, source)
    # a key of another table is told where it belongs ("internranta" under [round])
    home = functools.partial(home_of, tables=TABLE_KEYS, arrays=ARRAY_KEYS)
    r.unknown(data, "", {*TABLE_KEYS, *ARRAY_KEYS, "texts"}, home, ARRAY_KEYS)

    kommun = r.table(data, "", "kommun")
    namnd = r.table(data, "", "namnd")
    rnd = r.table(data, "", "round")
    rules = r.table(data, "", "rules", required=False)
    display = r.table(data, "", "display", required=False)
    sources = r.table(data, "", "sources", required=False)
    capital = r.table(data, "", "capital")
    prior_t = r.table(data, "", "prior", required=False)

    for prefix, table in (
        ("kommun", kommun),
        ("namnd", namnd),
        ("round", rnd),
        ("rules", rules),
        ("display", display),
        ("sources", sources),
        ("capital", capital),
        ("prior", prior_t),
    ):
        r.unknown(table, prefix, TABLE_KEYS[prefix], home)
    for name, known in ARRAY_KEYS.items():
        for i, item in enumerate(r.array(data, name, required=False)):
            r.unknown(item, f"{name}[{i}]", known, home)
            for j, ind in enumerate(item.get("indicators", []) if isinstance(item, dict) else []):
                if isinstance(ind, dict):
                    r.unknown(ind, f"{name}[{i}].indicators[{j}]", INDICATOR_KEYS)

    namnd_name = r.get(namnd, "namnd", "name", str)
    budget_year = r.get(rnd, "round", "budget_year", int, expected="ett årtal, t.ex. 2026")
    if not 2000 <= budget_year <= 2100:
        raise r.fail(
            "round.budget_year", f"ska vara ett årtal från 2000 till 2100, inte {budget_year}."
        )
    unit = r.get(rnd, "round", "unit", str, "tkr")
    if unit.strip().casefold() not in ("tkr", "tusen kronor"):
        # only a label: the amounts, headings and the draft's mnkr all count in tkr
        raise r.fail("round.unit", f'beloppen räknas alltid i tkr; skriv "tkr", inte {unit!r}.')
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
            "display.sign_convention", f"ska vara {_one_of(SIGN_CONVENTIONS)}, inte {sign!r}."
        )
    empty = r.get(display, "display", "empty_sections", str, "mark")
    if empty not in EMPTY_SECTIONS:
        raise r.fail(
            "display.empty_sections", f"ska vara {_one_of(EMPTY_SECTIONS)}, inte {empty!r}."
        )
    word_template = r.get(display, "display", "word_template", str, "")
    word_template_path = (path.parent / word_template) if word_template else None
    if word_template_path and not word_template_path.exists():
        raise r.fail("display.word_template", f"filen {word_template} finns inte.")

    start = r.get(capital, "capital", "depreciation_start", str, "year_after")
    if start not in DEPRECIATION_STARTS:
        raise r.fail(
            "capital.depreciation_start",
            f"ska vara {_one_of(DEPRECIATION_STARTS)}, inte {start!r}.",
        )
    ranta = float(
        r.get(capital, "capital", "internranta", (int, float), expected="procent, t.ex. 2.5")
    )
    if not 0 <= ranta < 20:
        raise r.fail("capital.internranta", f"ska anges i procent (0–20), inte {ranta}.")
    if 0 < ranta < 0.1:  # 0.025 for 2,5 %: the internal interest was a hundredth (audit)
        percent = round(ranta * 100, 4)
        raise r.fail(
            "capital.internranta",
            f"anges i procent: {ranta:g} betyder {f'{ranta:g}'.replace('.', ',')} %. För "
            f"{f'{percent:g}'.replace('.', ',')} % skriv internranta = {percent:g}.",
        )

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
        return AssetCategory(
            r.get(item, key, "code", str),
            r.get(item, key, "name", str),
            life,
            r.element_line("asset_categories", element_index(key), "life"),
        )

    def avdelning(item: dict, key: str) -> Avdelning:
        ram_list = r.get(item, key, "ram", list, expected=f"en lista med ram per år {list(years)}")
        if len(ram_list) != len(years):
            line = r.element_line("avdelningar", element_index(key), "ram")
            raise r.fail(
                f"{key}.ram",
                f"ska ha ett belopp per år {list(years)} ({len(years)} st), inte {len(ram_list)}."
                + (list_decimal_hint(r.where.lines[line - 1]) if line else ""),
            )
        for i, amount in enumerate(ram_list):
            if not isinstance(amount, int) or isinstance(amount, bool):
                told = number_text_hint(amount) if isinstance(amount, str) else None
                raise r.fail(
                    f"{key}.ram[{i}]",
                    f"ska vara ett heltal i tkr, inte {amount!r}." + (f" {told}" if told else ""),
                )
        return Avdelning(
            code=r.get(item, key, "code", str),
            name=r.get(item, key, "name", str),
            ram=dict(zip(years, ram_list, strict=True)),
            head=r.get(item, key, "head", str, ""),
            email=r.get(item, key, "email", str, ""),
            ram_line=r.element_line("avdelningar", element_index(key), "ram"),
        )

    def indicator(item: dict, key: str) -> Indicator:
        values = r.get(item, key, "values", dict, {})
        parsed: dict[int, str] = {}
        for year, value in values.items():
            if not str(year).isdigit():
                raise r.fail(f"{key}.values", f"nycklarna ska vara årtal, inte {year!r}.")
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise r.fail(f"{key}.values", f"ska vara text eller tal, inte {value!r}.")
            parsed[int(year)] = _indicator_text(value)
        return Indicator(
            name=r.get(item, key, "name", str),
            values=parsed,
            target=_indicator_text(r.get(item, key, "target", (str, int, float), "")),
            source=r.get(item, key, "source", str, ""),
        )

    def kf_goal(item: dict, key: str) -> KfGoal:
        return KfGoal(
            code=str(r.get(item, key, "code", (str, int))),
            title=r.get(item, key, "title", str),
            text=r.get(item, key, "text", str, ""),
            indicators=each_element(
                r,
                r.array(item, "indicators", False, f"{key}.indicators"),
                f"{key}.indicators",
                indicator,
            ),
        )

    def namnd_goal(item: dict, key: str) -> NamndGoal:
        return NamndGoal(
            code=str(r.get(item, key, "code", (str, int, float))),
            kf_goal=str(r.get(item, key, "kf_goal", (str, int))),
            title=r.get(item, key, "title", str),
            text=r.get(item, key, "text", str, ""),
            indicators=each_element(
                r,
                r.array(item, "indicators", False, f"{key}.indicators"),
                f"{key}.indicators",
                indicator,
            ),
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

    driftposter = each_element(r, r.array(data, "driftposter"), "driftposter", driftpost)
    categories = each_element(r, r.array(data, "asset_categories"), "asset_categories", category)
    avdelningar = each_element(r, r.array(data, "avdelningar"), "avdelningar", avdelning)
    verksamheter = each_element(
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
    # Drift rows are matched by driftpost name, and a category is chosen by its name
    _unique(r, "driftposter", [d.name for d in driftposter], "namnet", "name")
    _unique(r, "asset_categories", [c.code for c in categories])
    _unique(r, "asset_categories", [c.name for c in categories], "namnet", "name")
    _unique(r, "avdelningar", [a.code for a in avdelningar])
    # the board reads avdelningar by name: the draft groups projects and risks under
    # it, and two of one name would read (and group) as one
    _unique(r, "avdelningar", [a.name for a in avdelningar], "namnet", "name")
    if clash := file_name_problem([a.code for a in avdelningar]):
        raise r.fail(f"avdelningar[{clash[0]}].code", clash[1])
    _unique(
        r,
        "verksamheter",
        [v.code for v in verksamheter],
        hint="En verksamhet budgeteras av en enda avdelning: ta bort den ena, eller ge den "
        "en egen kod.",
    )
    if not any(d.kind == "cost" for d in driftposter):
        raise r.fail("driftposter", 'minst en driftpost ska ha kind = "cost".')
    avd_codes = {a.code for a in avdelningar}
    for i, v in enumerate(verksamheter):
        if v.avdelning not in avd_codes:
            raise r.fail(
                f"verksamheter[{i}].avdelning",
                f"{v.avdelning!r} är ingen avdelning; {_known(avd_codes)}.",
            )
    with_verksamhet = {v.avdelning for v in verksamheter}
    for a in avdelningar:
        if a.code not in with_verksamhet:
            raise r.fail("verksamheter", f"avdelningen {a.code} har ingen verksamhet.")

    uppdrag_defs = each_element(r, r.array(data, "uppdrag", False), "uppdrag", uppdrag)
    # an uppdrag goes to the workbook of its avdelning's code: one not among them (the
    # name written, a typo) reached no workbook, and nobody was asked about it
    # by name or code whatever the case and spaces ("eko "): what was meant, to suggest
    by_name = {a.name.casefold(): a.code for a in avdelningar}
    by_name |= {a.code.casefold(): a.code for a in avdelningar}
    for i, u in enumerate(uppdrag_defs):
        if u.avdelning and u.avdelning not in avd_codes:
            code = by_name.get(u.avdelning.strip().casefold())
            raise r.fail(
                f"uppdrag[{i}].avdelning",
                f"{u.avdelning!r} är ingen avdelningskod; "
                + (f'skriv avdelning = "{code}".' if code else f"{_known(avd_codes)}.")
                + " Utan avdelning redovisar varje avdelning uppdraget.",
            )

    kf_goals = each_element(r, r.array(data, "kf_goals", False), "kf_goals", kf_goal)
    namnd_goals = each_element(r, r.array(data, "namnd_goals", False), "namnd_goals", namnd_goal)
    # nämndmål find their KF goal by its code: a repeated code showed them under both
    _unique(r, "kf_goals", [g.code for g in kf_goals])
    kf_codes = {g.code for g in kf_goals}
    for i, g in enumerate(namnd_goals):
        if g.kf_goal not in kf_codes:
            raise r.fail(
                f"namnd_goals[{i}].kf_goal", f"{g.kf_goal!r} är inget KF-mål i [[kf_goals]]."
            )
    _unique(r, "namnd_goals", [g.code for g in namnd_goals])

    text_sections = each_element(
        r, r.array(data, "text_sections", False), "text_sections", text_section
    )
    # a return's texts are kept by key: of two sections with one key, one text was lost
    _unique(r, "text_sections", [t.key for t in text_sections], "nyckeln", "key")

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
        # in document order, not set order: the dict's order is part of the settings'
        # fingerprint, which must be the same in every process (issue 8)
        for key in [k for k, _ in NAMND_TEXTS if k not in texts]:
            file = folder / f"{key}.md"
            if looked_for(file):
                texts[key] = read_text(file).strip()

    prior_file_name = r.get(prior_t, "prior", "file", str, "")
    prior_file = (path.parent / prior_file_name) if prior_file_name else None
    prior: dict[tuple[str, str], PriorFigures] = {}
    if prior_file is not None:
        if not prior_file.exists():
            raise r.fail("prior.file", f"filen {prior_file.name} finns inte.")
        prior = load_prior(
            prior_file,
            {v.code for v in verksamheter},
            {d.code for d in driftposter},
            names={d.name.casefold(): d.code for d in driftposter},
            unsigned={d.code: d.name for d in driftposter if not d.allow_negative},
            code_line=lambda code: next(
                (
                    r.element_line("verksamheter", i, "code")
                    for i, v in enumerate(verksamheter)
                    if v.code == code
                ),
                0,
            ),
            workspace=path.parent,
        )

    threshold_pct = float(r.get(rules, "rules", "change_threshold_pct", (int, float), 10))
    threshold_tkr = r.get(rules, "rules", "change_threshold_tkr", int, 500)
    large_tkr = r.get(rules, "rules", "large_amount_tkr", int, 50_000)
    for name, value in (
        ("change_threshold_pct", threshold_pct),
        ("change_threshold_tkr", threshold_tkr),
        ("large_amount_tkr", large_tkr),
    ):
        if value < 0:
            raise r.fail(f"rules.{name}", f"får inte vara negativ, inte {value}.")

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
        unit=unit,
        deadline=_deadline(r, rnd, budget_year),
        contact_name=r.get(rnd, "round", "contact_name", str, ""),
        contact_email=r.get(rnd, "round", "contact_email", str, ""),
        contact_phone=r.get(rnd, "round", "contact_phone", str, ""),
        change_threshold_pct=threshold_pct,
        change_threshold_tkr=threshold_tkr,
        large_amount_tkr=large_tkr,
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
        uppdrag=uppdrag_defs,
        text_sections=text_sections,
        texts=texts,
        prior=prior,
        prior_file=prior_file,
        internranta_line=r.line("capital.internranta"),
    )
    if prior_file is not None and (wrong := kronor_or_tkr(settings, prior_file.name)):
        raise r.fail(*wrong)
    return settings


def _known(codes: set[str]) -> str:
    """ "kända: EKO, FMO, …" ("känd: EKO" for one)."""
    return f"{'känd' if len(codes) == 1 else 'kända'}: {', '.join(sorted(codes))}"


def _deadline(r: TomlReader, rnd: dict[str, Any], budget_year: int) -> dt.date | None:
    value = rnd.get("deadline")
    problem = (
        None if value is None else date_problem("deadline", value, dt.date(budget_year - 1, 11, 20))
    )
    if problem:
        raise r.fail("round.deadline", problem)
    return value


def _genitive(name: str) -> str:
    return name if name.endswith("s") else name + "s"


def _unique(
    r: TomlReader,
    key: str,
    codes: list[str],
    what: str = "koden",
    field: str = "code",
    hint: str = "Ändra den ena eller ta bort den.",
) -> None:
    """Refuses a repeated `field` of the array `key`, named at its repetition with the
    line of the first: the array's own line (once all one said) sent one to its first
    element, not to the block copied in at the end."""
    seen: dict[str, int] = {}
    for i, code in enumerate(codes):
        if code in seen:
            first = r.element_line(key, seen[code], field)
            where = f", första gången på rad {first}" if first else ""
            raise r.fail(f"{key}[{i}].{field}", f"{what} {code!r} förekommer redan{where}. {hint}")
        seen[code] = i
