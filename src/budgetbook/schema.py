"""The department workbook's definition: the single source of truth for writer and reader.

`build_schema(settings)` returns every sheet, its Excel table, its columns (heading,
type, input or locked, allowed values) and the identity fields. `templates.py` writes
from it, `reader.py` reads with it, `docs/template-format.md` and `budgetbook schema
--json` describe it. Change the layout here and both sides follow.
"""

from __future__ import annotations

import base64
import hashlib
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .settings import Settings

TEMPLATE_VERSION = "1.0"

# Identity: stored as custom document properties and as workbook defined names.
ID_AVDELNING = "BB_AVDELNING"
ID_ROUND = "BB_RUNDA"
ID_YEAR = "BB_AR"
ID_VERSION = "BB_MALLVERSION"
ID_KOMMUN = "BB_KOMMUN"
IDENTITY_FIELDS = (ID_AVDELNING, ID_ROUND, ID_YEAR, ID_VERSION, ID_KOMMUN)
# What the Drift sheet's prefilled prior-year figures were when the template was
# written (`prior_record`), stored the same two ways. Not identity: a template written
# before it existed is still this round's (see docs/validation-rules.md, BB206/BB506).
ID_PRIOR = "BB_FORIFYLLT"
# Which uppdrag the Uppdrag sheet was prefilled with (`uppdrag_record`), stored the same
# two ways and not identity either (see docs/validation-rules.md, BB413/BB508).
ID_UPPDRAG = "BB_UPPDRAG"
# The ram per year the Drift sheet's Ram row was written with (`ram_record`), stored the
# same two ways and not identity either (see docs/validation-rules.md, BB401/BB511).
ID_RAM = "BB_RAM"
READ_FIELDS = (*IDENTITY_FIELDS, ID_PRIOR, ID_UPPDRAG, ID_RAM)
# The workbook's title (docProps/core.xml), as templates.py writes it: "Budget <year> –
# <avdelning's name>". Read with the identity, not part of it: a return whose code the
# settings lack is told by it which avdelning it probably is (`renamed_code`).
ID_TITLE = "dc:title"
TITLE_SEPARATOR = " – "


def prior_record(figures: Iterable[tuple[str, str, int, int]]) -> str:
    """The record of prefilled prior-year figures a template carries (`ID_PRIOR`):
    a digest of (verksamhet, driftpost, budget, prognos) per Drift row, in any order.
    The reader compares it with the figures a return shows, to tell the finance
    office's later change of the prior-year CSV (the return shows what the template
    was written with) from an edit of the locked cells (it shows something else)."""
    digest = hashlib.sha256()
    for v, d, budget, prognos in sorted(figures):
        digest.update(f"{v}\t{d}\t{budget}\t{prognos}\n".encode())
    return digest.hexdigest()[:20]


def ram_record(ram: Mapping[int, int]) -> str:
    """The record of the ram a template's Drift sheet shows (`ID_RAM`): year, colon and
    tkr per year, semicolon-separated ("2027:15300;2028:15600"). From it the reader
    learns which ram the workbook was sent with: one the finance office has changed in
    the settings since is the office's doing, which BB401 tells the department head and
    BB511 the office (`Submission.ram_sent`)."""
    return ";".join(f"{year}:{ram[year]}" for year in sorted(ram))


def drift_ram(settings: Settings, avdelning: str) -> dict[int, int]:
    """The ram per year the avdelning's Drift sheet shows (its Ram row, budget and plan
    years), as the settings give it now."""
    avd = settings.avdelning(avdelning)
    ram = avd.ram if avd is not None else {}
    return {year: ram[year] for year in settings.years if year in ram}


def read_ram_record(text: str | None) -> dict[int, int] | None:
    """`text` (an `ID_RAM` value) parsed; None without one or when it is not one
    `ram_record` writes (edited): the reader then does as for a template written
    before the record existed."""
    if not text:
        return None
    ram: dict[int, int] = {}
    for part in text.split(";"):
        year, colon, amount = part.partition(":")
        digits = amount.removeprefix("-")
        if not (colon and year.isascii() and year.isdigit() and digits.isascii()):
            return None
        if not digits.isdigit() or len(year) != 4 or int(year) in ram:
            return None
        ram[int(year)] = int(amount)
    return ram


# Excel's limit for a text custom property and for a string in a defined name's formula
_RECORD_LIMIT = 255
# Characters per uppdrag, 6 bits each: 8 while they fit, never fewer than 4 (24 bits,
# so an uppdrag added later is taken for a given one about once in millions)
_UPPDRAG_WIDTH = (4, 8)
_DIGEST_CHARS = frozenset(string.ascii_letters + string.digits + "-_")


def uppdrag_record(keys: Sequence[str]) -> str | None:
    """The record of the uppdrag a template prefills on Uppdrag (`ID_UPPDRAG`): their
    count, a colon, then a digest of each in the sheet's order, all of one width (as
    many characters as fit in Excel's 255, at most 8). `keys`: the texts as
    `consolidate_plan.norm` gives them (the draft matches uppdrag so). The reader tells
    an uppdrag the head removed (in the record, BB413) from one the office added to the
    settings later (not in it, BB508). None past 63 uppdrag, where not 4 fit: such a
    template is read as one written before the record existed."""
    head = f"{len(keys)}:"
    low, high = _UPPDRAG_WIDTH
    width = min(high, (_RECORD_LIMIT - len(head)) // max(len(keys), 1))
    if width < low:
        return None
    return head + "".join(_uppdrag_digest(key, width) for key in keys)


def _uppdrag_digest(key: str, width: int) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()).decode()[:width]


@dataclass(frozen=True, slots=True)
class UppdragRecord:
    """A template's record of its prefilled uppdrag, read back (`read_uppdrag_record`)."""

    digests: tuple[str, ...]  # in the sheet's order
    width: int

    def digest(self, key: str) -> str:
        """The normalised text `key` as the record holds an uppdrag."""
        return _uppdrag_digest(key, self.width)

    def position(self, key: str) -> int | None:
        """The prefilled row (0 = the table's first) of the uppdrag with the normalised
        text `key`, or None when the template was not given it."""
        digest = self.digest(key)
        return self.digests.index(digest) if digest in self.digests else None


def read_uppdrag_record(text: str | None) -> UppdragRecord | None:
    """`text` (an `ID_UPPDRAG` value) parsed; None without one or when it is not one
    `uppdrag_record` writes (edited): the reader then does as for a template written
    before the record existed."""
    count, colon, digests = (text or "").partition(":")
    if not (colon and count.isascii() and count.isdigit()) or not _DIGEST_CHARS.issuperset(digests):
        return None
    n = int(count)
    if n == 0:
        return UppdragRecord((), 0) if not digests else None
    width, rest = divmod(len(digests), n)
    if rest or not width:
        return None
    return UppdragRecord(
        tuple(digests[i : i + width] for i in range(0, len(digests), width)), width
    )


LISTS_SHEET = "Listor"
# Sheets whose titles the consolidation names in its sources: constants, so nothing
# builds the whole schema (every verksamhet of the round) just to learn them.
DRIFT_SHEET = "Drift"
INVESTMENT_SHEET = "Investeringar"
RISK_SHEET = "Risker"
INSTRUCTIONS_SHEET = "Instruktioner"
# The first sheet of a feedback copy (`problem_report.write_feedback`): a head may
# correct that copy and send it back.
FEEDBACK_SHEET = "Återkoppling"
DRIFT_HEADER_ROW = 11

# Column types. "amount" = whole tkr; "year" = a year; "list" = one of a list's values.
TEXT, AMOUNT, YEAR, LIST, INT, FORMULA = "text", "amount", "year", "list", "int", "formula"
# an INT column is a riskvärde (sannolikhet × konsekvens, each 1–4): the template's
# validation and the reader's rule BB310 both allow this range
INT_RANGE = (1, 16)
DRIFT_AMOUNT_WIDTH = 10  # a figure of up to 8 digits, its heading on two lines
# a YEAR column's years: the template's validation, the reader and rule BB308's message
YEAR_RANGE = (2000, 2100)

PROJECT_STATUSES = ("Pågående", "Ny")
UPPDRAG_STATUSES = ("Ej påbörjad", "Påbörjad", "Klar")
CONTROL_TIMES = ("Tertialrapport", "Delårsrapport", "Årsredovisning", "Löpande")


@dataclass(frozen=True, slots=True)
class ColumnDef:
    """One column of a sheet's table.

    `input` columns are unlocked and filled by the department head; others are
    prefilled from settings or computed by a formula, and locked. `year` is set for
    amount columns that belong to a budget/plan/investment year.
    """

    key: str
    heading: str
    type: str = TEXT
    input: bool = True
    required: bool = False
    list_name: str = ""
    allow_negative: bool = False
    width: float = 14
    year: int | None = None
    help: str = ""


@dataclass(frozen=True, slots=True)
class SheetDef:
    """A sheet with one Excel table starting at (`header_row`, column A).

    `fixed_rows` sheets have one prefilled row per key (Drift: verksamhet × driftpost;
    Texter: section); the others offer `blank_rows` empty input rows.
    """

    key: str
    name: str
    table: str
    columns: tuple[ColumnDef, ...]
    header_row: int = 6
    fixed_rows: bool = False
    blank_rows: int = 0
    landscape: bool = True

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    def column(self, key: str) -> ColumnDef:
        return next(c for c in self.columns if c.key == key)

    def index(self, key: str) -> int:
        """0-based position of a column in the table."""
        return next(i for i, c in enumerate(self.columns) if c.key == key)


@dataclass(frozen=True, slots=True)
class Schema:
    version: str
    sheets: tuple[SheetDef, ...]
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def sheet(self, key: str) -> SheetDef:
        return next(s for s in self.sheets if s.key == key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "identity": {
                "custom_properties": list(READ_FIELDS),
                "defined_names": list(READ_FIELDS),
            },
            "lists_sheet": LISTS_SHEET,
            "lists": {k: list(v) for k, v in self.lists.items()},
            "sheets": [
                {
                    "key": s.key,
                    "name": s.name,
                    "table": s.table,
                    "header_row": s.header_row,
                    "first_data_row": s.first_data_row,
                    "fixed_rows": s.fixed_rows,
                    "columns": [
                        {k: v for k, v in asdict(c).items() if v not in ("", None)}
                        for c in s.columns
                    ],
                }
                for s in self.sheets
            ],
        }


def xl_col(index: int) -> str:
    """Column letters of a 0-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def goal_label(code: str, title: str) -> str:
    """How a nämndmål appears in the goal dropdown: code, space, title."""
    return f"{code} {title}"


def year_key(settings: Settings, year: int) -> str:
    """The Drift column key of an amount year: budget_<year> for the budget year,
    plan_<year> for a plan year (reader, checks and consolidation use the same keys)."""
    return f"budget_{year}" if year == settings.budget_year else f"plan_{year}"


def build_schema(settings: Settings) -> Schema:
    """The workbook definition for this round (years and lists come from settings)."""
    py, by = settings.prior_year, settings.budget_year
    # Drift's widths add up to ~175 characters (three amount years): printed one page
    # wide on A4 landscape its 11-point text is ~8.8 points in Excel (at ~230 it was
    # ~6.8). A longer name wraps, its row made high enough (`templates._name_height`);
    # a comment wraps in its cell
    amount = DRIFT_AMOUNT_WIDTH
    drift_cols: list[ColumnDef] = [
        ColumnDef("verksamhet", "Verksamhet", TEXT, input=False, width=11),
        ColumnDef("verksamhet_namn", "Verksamhetsnamn", TEXT, input=False, width=27),
        ColumnDef("driftpost", "Driftpost", TEXT, input=False, width=25),
        ColumnDef("budget_prior", f"Budget {py}", AMOUNT, input=False, width=amount, year=py),
        ColumnDef("prognos_prior", f"Prognos {py}", AMOUNT, input=False, width=amount, year=py),
        ColumnDef(
            year_key(settings, by),
            f"Budget {by}",
            AMOUNT,
            required=True,
            width=amount,
            year=by,
            help="Budget för budgetåret i hela tkr.",
        ),
    ]
    for year in settings.plan_years:
        drift_cols.append(
            ColumnDef(
                year_key(settings, year),
                f"Plan {year}",
                AMOUNT,
                required=True,
                width=amount,
                year=year,
                help="Plan för året i hela tkr.",
            )
        )
    drift_cols += [
        ColumnDef("change_tkr", f"Förändring B{py}–B{by}, tkr", FORMULA, input=False, width=12),
        ColumnDef("change_pct", f"Förändring B{py}–B{by}, %", FORMULA, input=False, width=11),
        ColumnDef(
            "comment",
            "Kommentar",
            TEXT,
            width=22,
            help="Krävs när förändringen är stor (se Instruktioner).",
        ),
        ColumnDef(
            "flag", "Kontroll", FORMULA, input=False, width=18
        ),  # bold "Kommentar saknas" fits
    ]
    # Drift has a summary block (revenue, cost, net, ram, difference) above its table.
    drift = SheetDef(
        "drift",
        DRIFT_SHEET,
        "Drift",
        tuple(drift_cols),
        header_row=DRIFT_HEADER_ROW,
        fixed_rows=True,
    )

    inv_years = settings.investment_years
    inv_cols: list[ColumnDef] = [
        ColumnDef("id", "Projekt-id", TEXT, required=True, width=12),
        ColumnDef("name", "Projektnamn", TEXT, required=True, width=30),
        ColumnDef("category", "Kategori", LIST, required=True, list_name="kategorier", width=22),
        ColumnDef(
            "status", "Pågående/Ny", LIST, required=True, list_name="projektstatus", width=13
        ),
        ColumnDef("decided_total", "Beslutad totalutgift", AMOUNT, width=14),
    ]
    for year in inv_years:
        inv_cols.append(ColumnDef(f"inv_{year}", f"Budget {year}", AMOUNT, year=year))
    inv_cols += [
        ColumnDef("sum", f"Summa {inv_years[0]}–{inv_years[-1]}", FORMULA, input=False),
        ColumnDef("description", "Beskrivning", TEXT, required=True, width=45),
    ]
    investments = SheetDef(
        "investeringar", INVESTMENT_SHEET, "Investeringar", tuple(inv_cols), blank_rows=25
    )

    goal_cols = (
        ColumnDef("goal", "Nämndmål", LIST, required=True, list_name="mal", width=40),
        ColumnDef("indicator", "Indikator", TEXT, required=True, width=40),
        ColumnDef("source", "Källa", TEXT, width=16),
        ColumnDef(f"value_{by - 2}", f"Utfall {by - 2}", TEXT, width=11, year=by - 2),
        ColumnDef(f"value_{by - 1}", f"Utfall {by - 1}", TEXT, width=11, year=by - 1),
        ColumnDef("target", f"Målvärde {by}", TEXT, required=True, width=12),
        ColumnDef("comment", "Kommentar", TEXT, width=35),
    )
    goals = SheetDef("mal", "Mål och indikatorer", "Indikatorer", goal_cols, blank_rows=20)

    uppdrag = SheetDef(
        "uppdrag",
        "Uppdrag",
        "Uppdrag",
        (
            ColumnDef("text", "Uppdrag", TEXT, required=True, width=60),
            ColumnDef("start", "Start (år)", YEAR, width=10),
            ColumnDef(
                "status", "Status", LIST, required=True, list_name="uppdragsstatus", width=14
            ),
            ColumnDef("comment", "Kommentar", TEXT, width=45),
        ),
        blank_rows=15,
    )
    risks = SheetDef(
        "risker",
        RISK_SHEET,
        "Risker",
        (
            ColumnDef("description", "Risk eller möjlighet", TEXT, required=True, width=50),
            ColumnDef("positive", "Positiv risk, tkr", AMOUNT, width=15),
            ColumnDef(
                "negative",
                "Negativ risk, tkr",
                AMOUNT,
                width=15,
                help="Ange storleken som ett positivt belopp.",
            ),
            ColumnDef("comment", "Kommentar", TEXT, width=45),
        ),
        blank_rows=12,
        landscape=False,
    )
    controls = SheetDef(
        "internkontroll",
        "Internkontroll",
        "Internkontroll",
        (
            ColumnDef("riskomrade", "Riskområde", TEXT, required=True, width=25),
            ColumnDef("risk", "Risk", TEXT, required=True, width=40),
            ColumnDef("riskvarde", "Riskvärde (1–16)", INT, width=12),
            ColumnDef("kontrollmetod", "Kontrollmetod", TEXT, required=True, width=40),
            ColumnDef(
                "tidpunkt", "Tidpunkt för rapportering", LIST, list_name="tidpunkt", width=20
            ),
        ),
        blank_rows=12,
    )
    texts = SheetDef(
        "texter",
        "Texter",
        "Texter",
        (
            ColumnDef("section", "Avsnitt", TEXT, input=False, width=20),
            ColumnDef("guidance", "Vägledning", TEXT, input=False, width=30),
            ColumnDef("text", "Text", TEXT, width=115),
            ColumnDef("chars", "Antal tecken", FORMULA, input=False, width=8),
        ),
        fixed_rows=True,
    )
    lists = {
        "verksamheter": tuple(f"{v.code} {v.name}" for v in settings.verksamheter),
        "kategorier": tuple(c.name for c in settings.asset_categories),
        "projektstatus": PROJECT_STATUSES,
        "uppdragsstatus": UPPDRAG_STATUSES,
        "mal": tuple(goal_label(g.code, g.title) for g in settings.namnd_goals),
        "tidpunkt": CONTROL_TIMES,
    }
    return Schema(
        TEMPLATE_VERSION, (drift, investments, goals, uppdrag, risks, controls, texts), lists
    )
