"""The Word draft of the nämndplan: every section in the usual order, from a Consolidation.

`write_namndplan(cons, settings, path)` is the one entry point (actions.report). The
document is built on the kommun's Word template (or the default one), with a header
line, page numbers and a table of contents Word refreshes on opening.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from .. import fmt
from ..consolidate_inv import is_no_risks
from ..gc_pause import gc_paused
from ..model import (
    NOTE_GOALS,
    VIEW_BRUTTO_AVDELNING,
    VIEW_DRIFT_AVDELNING,
    VIEW_DRIFT_DRIFTPOST,
    VIEW_DRIFT_VERKSAMHET,
    VIEW_INV_BESLUTAD,
    VIEW_INV_KATEGORI,
    VIEW_INV_NYA,
    VIEW_INV_PAGAENDE,
    VIEW_KAPITALKOSTNADER,
    VIEW_RAM_AVDELNING,
    VIEW_RISKER,
    VIEW_RISKLISTA,
    AvdelningText,
    Consolidation,
    RowKind,
    Table,
)
from ..settings import NAMND_TEXTS, Settings
from ..tablebuild import TEXTS_MISSING, missing_note
from ..workspace import atomic_write
from . import content, draft_charts
from .builder import LEAD_IN_MAX, DocBuilder
from .chart_painter import ChartPainter
from .deferred import DeferredTables
from .docx_template import (
    SOURCE_NOTE,
    add_header_footer,
    open_template,
    set_properties,
    set_update_fields,
    theme_colours,
)

TITLES = dict(NAMND_TEXTS)
EMPTY_MARK = "Inget underlag har lämnats för detta avsnitt."
# Risk- och känslighetsanalys when every accepted return has an empty Risker sheet.
NO_RISKS_ENTERED = "Inga risker har angetts i de inlämnade budgetunderlagen."
POLITICAL_PLACEHOLDER = (
    "[Text från den politiska ledningen skrivs här. Avsnittet fylls i av "
    "ordföranden eller presidiet innan dokumentet går till nämnden.]"
)
# The longest title the built-in template's Title style sets on one line (the example's
# "Nämndplan med budget 2027–2029"); a longer one has its years on a line of their own.
TITLE_ON_ONE_LINE = 30
# Where each avdelning text section lands (Texter sheet key -> nämnd section key): these
# two, a key that names a section of the draft (NAMND_TEXTS) in that section, any other
# key under Nämndens ansvarsområde. Every section places them: a text is never dropped.
TEXT_PLACES = {"verksamhet": "ansvarsomrade", "budget": "driftbudget"}
# The heading over the investment tables of every project, ongoing and new alike (per
# kategori, decided total against the years' amounts), after the two of each kind.
ALL_PROJECTS = "Samtliga investeringsprojekt"
# Extra drift views, shown after the verksamhet table when consolidation provides them.
EXTRA_DRIFT = (
    (VIEW_DRIFT_DRIFTPOST, "Driftbudget per kontogrupp"),
    (VIEW_BRUTTO_AVDELNING, "Intäkter och kostnader per avdelning"),
)
# Under costs_negative, the note saying which amounts carry the minus sign: what the
# table shows (an investment is an utgift, and its tables have no nettokostnad).
SIGN_NOTE = "Kostnader och nettokostnader visas med minustecken."
_INVESTMENT_SIGN = "Investeringsutgifterna visas med minustecken."
SIGN_NOTES = {
    VIEW_INV_PAGAENDE: _INVESTMENT_SIGN,
    VIEW_INV_NYA: _INVESTMENT_SIGN,
    VIEW_INV_KATEGORI: _INVESTMENT_SIGN,
    VIEW_INV_BESLUTAD: _INVESTMENT_SIGN,
    VIEW_KAPITALKOSTNADER: "Kapitalkostnaderna visas med minustecken.",
}
PLACED_VIEWS = {
    VIEW_DRIFT_AVDELNING,
    VIEW_DRIFT_VERKSAMHET,
    VIEW_DRIFT_DRIFTPOST,
    VIEW_BRUTTO_AVDELNING,
    VIEW_RAM_AVDELNING,
    VIEW_INV_PAGAENDE,
    VIEW_INV_NYA,
    VIEW_INV_KATEGORI,
    VIEW_INV_BESLUTAD,
    VIEW_KAPITALKOSTNADER,
    VIEW_RISKER,
    VIEW_RISKLISTA,
}


def write_namndplan(
    cons: Consolidation,
    settings: Settings,
    path: Path,
    today: dt.date | None = None,
    painter: ChartPainter | None = None,
) -> Path:
    """Write the nämndplan draft to `path` atomically and return the path.

    The tables are streamed into the file on saving, never held as a document tree
    (deferred.py): the same file, in a fraction of the time and memory (issue 8).
    `painter` (started ahead, see chart_painter) draws the charts and is closed once
    the document is built, before the largest step, saving it."""
    deferred = DeferredTables()
    with gc_paused():  # a full collection rescans the whole consolidation: see gc_pause
        doc = build_namndplan(cons, settings, today, deferred, painter)
        if painter is not None:
            painter.close()
        with atomic_write(path) as tmp:
            deferred.save(doc, tmp)
    return path


def build_namndplan(
    cons: Consolidation,
    settings: Settings,
    today: dt.date | None = None,
    deferred: DeferredTables | None = None,
    painter: ChartPainter | None = None,
):
    """The finished python-docx Document (not yet saved). With `deferred`, the tables
    are placeholders that only `deferred.save(doc, path)` fills in; charts are drawn
    by `painter` (else in this process)."""
    today = today or dt.date.today()
    doc = open_template(settings.word_template)
    set_properties(
        doc,
        document_title(settings),
        settings.namnd,
        f"{settings.namnd}, {settings.kommun}",
        f"Utkast {today.isoformat()}",
    )
    colours = theme_colours(doc)
    add_header_footer(
        doc,
        f"{settings.namnd} · {document_title(settings)} · UTKAST {today.isoformat()}",
        f"{settings.kommun} · ",
    )
    set_update_fields(doc)
    b = DocBuilder(doc, fmt.Convention(settings.sign_convention), colours, deferred=deferred)
    with b.batched():  # text paragraphs parsed many at once (DocBuilder.batched)
        _Namndplan(b, cons, settings, today, painter or ChartPainter()).build()
    b.finish_figures()
    b.finish_toc()
    return doc


def kind_title(settings: Settings) -> str:
    """What the round produces, as a title: `round.kind` ("nämndplan", "verksamhetsplan
    med budget", ...) with "med budget" added when it does not say budget (the draft
    was titled "Nämndplan med budget" whatever the kommun calls its plan)."""
    kind = fmt.sentence_start(settings.kind.strip())
    return kind if "budget" in kind.casefold() else f"{kind} med budget"


def document_title(settings: Settings) -> str:
    """The draft's title, on its title page and in every page's header alike."""
    first, last = settings.budget_year, settings.years[-1]
    return (
        f"{kind_title(settings)} {first}–{last}"
        if last != first
        else f"{kind_title(settings)} {first}"
    )


class _Namndplan:
    def __init__(
        self,
        b: DocBuilder,
        cons: Consolidation,
        settings: Settings,
        today: dt.date,
        painter: ChartPainter,
    ):
        self.b, self.cons, self.s, self.today = b, cons, settings, today
        self.submit = painter.submit
        self.year = cons.year
        self.omit = settings.empty_sections == "omit"
        order = {a.code: i for i, a in enumerate(settings.avdelningar)}
        self.texts: dict[str, list[AvdelningText]] = {}
        for t in sorted(cons.texts, key=lambda t: order.get(t.avdelning, len(order))):
            if t.text.strip():
                place = TEXT_PLACES.get(t.section, t.section)
                if place not in TITLES:
                    place = "ansvarsomrade"
                self.texts.setdefault(place, []).append(t)

    # -- helpers --------------------------------------------------------------------

    def text(self, key: str) -> str:
        return self.s.text(key).strip()

    def section(self, title: str, level: int, has_content: bool, fill: Callable[[], None]) -> None:
        """A heading and its content; an empty section is marked or left out."""
        if not has_content and self.omit:
            return
        self.b.heading(title, level)
        if has_content:
            fill()
        else:
            self.b.placeholder(EMPTY_MARK)

    def lead(self, text: str, note: bool = False) -> None:
        """A generated sentence that leads into what follows (a heading, a chart, a
        table), kept on its page: "Driftbudget 2027" and its one sentence stood alone at
        the foot of a page, their chart and table on the next (review). A heading keeps
        with its next paragraph already; a long lead (LEAD_IN_MAX) may part, as
        `DocBuilder` lets a long lead-in part from its table."""
        self.b.paragraph(text, SOURCE_NOTE if note else None, len(text) <= LEAD_IN_MAX)

    def avdelning_texts(self, place: str) -> None:
        """The accepted returns' texts for `place`, each under its avdelning's name.
        Mid-round a note before them names the avdelningar without an accepted return,
        in the tables' words (`tablebuild.missing_note`): a section listing six
        avdelningar' texts of eight said nothing of the other two (review)."""
        texts = self.texts.get(place, [])
        if texts and self.cons.avdelningar_included:
            missing = missing_note(self.s, set(self.cons.avdelningar_included), TEXTS_MISSING)
            if missing:
                self.lead(missing, note=True)  # with the first avdelning's name
        per_avdelning = Counter(t.avdelning for t in texts)  # once, not per text (issue 8)
        last = None
        for t in texts:
            if t.avdelning != last:
                self.b.heading(t.avdelning_name, 3)
                last = t.avdelning
            if per_avdelning[t.avdelning] > 1:
                self.b.paragraph(t.title, "Heading 4")
            self.b.user_text(t.text)

    def notes_for(self, table: Table) -> list[str]:
        """Source notes from settings: which decisions the budget and prognos come from."""
        keys = {c.key for c in table.columns}
        notes = []
        if "budget_prior" in keys and self.s.source_budget:
            notes.append(self.s.source_budget)
        if "prognos_prior" in keys and self.s.source_prognos:
            notes.append(self.s.source_prognos)
        if table.key == VIEW_RAM_AVDELNING and self.s.source_ram:
            notes.append(self.s.source_ram)
        if (
            table.signed_columns
            and self.s.sign_convention == "costs_negative"
            and "minustecken" not in table.note
        ):
            notes.append(SIGN_NOTES.get(table.key, SIGN_NOTE))
        # consolidation may already state a source in the table's own note
        return [n for n in notes if n not in table.note]

    def table(self, table: Table | None) -> None:
        if table is None:
            return
        if table.key.startswith("drift") or table.key == VIEW_RAM_AVDELNING:
            sources = (self.s.source_budget, self.s.source_prognos)
            main, plan = content.split_plan_years(table, self.year, sources)
            self.b.table(main, self.notes_for(main))
            if plan is not None:
                self.b.table(plan, self.notes_for(plan))
        else:
            self.b.table(table, self.notes_for(table))

    def by_avdelning(self, table: Table | None, caption: str = "") -> Table | None:
        """A project table grouped by avdelning (`content.by_avdelning`)."""
        if table is None:
            return None
        return content.by_avdelning(table, [a.name for a in self.s.avdelningar], caption)

    def view(self, key: str) -> Table | None:
        # a table of only a total row (no project, say) is an empty section, not content
        table = self.cons.views.get(key)
        return table if table is not None and _has_data(table) else None

    # -- the document -----------------------------------------------------------------

    def build(self) -> None:
        # both charts asked for first: the painter draws them while the rest is built
        self.drift_figure = draft_charts.avdelning_chart(
            self.view(VIEW_DRIFT_AVDELNING), self.year, self.b, self.submit
        )
        self.investment_figure = (
            draft_charts.investment_chart(self.cons, self.s, self.b.colours, self.submit)
            if self.investment_parts()[-1]
            else None
        )
        self.title_page()
        self.sammanfattning()
        self.politisk_ledning()
        self.inledning()
        self.plain("forutsattningar", TITLES["forutsattningar"])
        self.malstyrning()
        self.uppdrag()
        self.ekonomiska_ramar()
        self.driftbudget()
        self.risker()
        self.investeringar()
        self.kapitalkostnader()
        self.intern_kontroll()
        self.plain("kvalitetsstyrning", TITLES["kvalitetsstyrning"])
        self.bilaga()

    def title_page(self) -> None:
        b, s = self.b, self.s
        title, kind = document_title(s), kind_title(s)
        if len(title) > TITLE_ON_ONE_LINE:
            # the title style wraps a longer title inside its years ("…budget 2028–" /
            # "2030"): the years go on a line of their own
            title = f"{kind}\n{title[len(kind) + 1 :]}"
        b.paragraph(title, "Title")
        b.paragraph(f"{s.namnd}, {s.kommun}", "Subtitle")
        b.paragraph(f"Utkast {self.today.isoformat()}")
        included = set(self.cons.avdelningar_included)
        missing = missing_note(s, included, ".")
        if missing and included:
            b.placeholder(
                # "godkänd": a return with errors is left out just like a missing one; the
                # words and name list of the notes and the summary (tablebuild.missing_note)
                "Utkastet bygger på godkänd inlämning från "
                f"{fmt.count(len(self.cons.avdelningar_included), common=True)} av "
                f"{fmt.count(len(s.avdelningar), common=True)} avdelningar. {missing}"
            )
        b.toc_here()
        b.page_break()

    def plain(self, key: str, title: str, level: int = 1) -> None:
        text = self.text(key)
        has = bool(text or self.texts.get(key))

        def fill() -> None:
            if text:
                self.b.user_text(text)
            self.avdelning_texts(key)

        self.section(title, level, has, fill)

    def sammanfattning(self) -> None:
        def fill() -> None:
            if self.text("sammanfattning"):
                self.b.user_text(self.text("sammanfattning"))
            self.avdelning_texts("sammanfattning")
            self.b.paragraph(" ".join(content.key_figure_sentences(self.cons, self.s)))

        self.section(TITLES["sammanfattning"], 1, True, fill)

    def politisk_ledning(self) -> None:
        self.b.heading(TITLES["politisk_ledning"], 1)
        text = self.text("politisk_ledning")
        if text:
            self.b.user_text(text)
        elif not self.texts.get("politisk_ledning"):
            self.b.placeholder(POLITICAL_PLACEHOLDER)
        self.avdelning_texts("politisk_ledning")

    def inledning(self) -> None:
        has_sub = any(self.text(k) or self.texts.get(k) for k in ("ansvarsomrade", "uppfoljning"))
        text = self.text("inledning")
        own = bool(text or self.texts.get("inledning"))
        if not (own or has_sub) and self.omit:
            return
        self.b.heading(TITLES["inledning"], 1)
        if text:
            self.b.user_text(text)
        self.avdelning_texts("inledning")
        if not (own or has_sub):
            self.b.placeholder(EMPTY_MARK)
        self.plain("ansvarsomrade", TITLES["ansvarsomrade"], 2)
        self.plain("uppfoljning", TITLES["uppfoljning"], 2)

    def malstyrning(self) -> None:
        goals = self.cons.goals
        text = self.text("malstyrning")

        def fill() -> None:
            if text:
                self.b.user_text(text)
            self.avdelning_texts("malstyrning")
            sentence = content.goal_sentence(self.cons, self.s)
            if sentence:
                self.lead(sentence)
            for goal in goals:
                self.b.heading(f"Mål {goal.code}. {goal.title}", 2)
                if goal.text:
                    self.b.user_text(goal.text)
                if goal.indicators:
                    self.b.table(
                        content.indicator_table(
                            f"Indikatorer för mål {goal.code}",
                            goal.indicators,
                            f"kf_{goal.code}",
                            self.year,
                        )
                    )
                for ng in goal.namnd_goals:
                    self.b.heading(f"Nämndmål {ng.code} {ng.title}", 3)
                    if ng.text:
                        self.b.user_text(ng.text)
                    if ng.indicators:
                        self.b.table(
                            content.indicator_table(
                                f"Indikatorer för nämndmål {ng.code}",
                                ng.indicators,
                                f"nm_{ng.code}",
                                self.year,
                                self.cons.notes.get(NOTE_GOALS, ""),
                            )
                        )
                    elif not self.omit:  # an empty section of its own, marked as one
                        missing = self.cons.notes.get(NOTE_GOALS, "")
                        self.b.placeholder(f"{content.NO_INDICATORS} {missing}".strip())

        has = bool(goals or text or self.texts.get("malstyrning"))
        self.section(TITLES["malstyrning"], 1, has, fill)

    def uppdrag(self) -> None:
        text = self.text("uppdrag")

        def fill() -> None:
            if text:
                self.b.user_text(text)
            if self.cons.uppdrag:
                self.b.table(content.uppdrag_table(self.cons, self.s))
            self.avdelning_texts("uppdrag")

        has = bool(self.cons.uppdrag or text or self.texts.get("uppdrag"))
        self.section(TITLES["uppdrag"], 1, has, fill)

    def ekonomiska_ramar(self) -> None:
        text = self.text("ekonomiska_ramar")
        ram = self.view(VIEW_RAM_AVDELNING)

        def fill() -> None:
            if text:
                self.b.user_text(text)
            self.avdelning_texts("ekonomiska_ramar")
            self.table(ram)

        has = bool(text or ram or self.texts.get("ekonomiska_ramar"))
        self.section(f"{TITLES['ekonomiska_ramar']} {self._span()}", 1, has, fill)

    def driftbudget(self) -> None:
        per_avd = self.view(VIEW_DRIFT_AVDELNING)
        per_verks = self.view(VIEW_DRIFT_VERKSAMHET)
        text = self.text("driftbudget")
        if not (per_avd or per_verks or text) and self.omit:
            return
        self.b.heading(f"Driftbudget {self.year}", 1)
        if text:
            self.b.user_text(text)
        self.lead(content.section_key_figure(self.cons, self.s, 0))

        def fill_avd() -> None:
            figure = self.drift_figure  # per_avd's chart, asked for in build
            if figure is not None:
                self.b.figure(figure.png, figure.caption, figure.alt, note=figure.note)
            self.table(per_avd)
            self.avdelning_texts("driftbudget")

        self.section("Driftbudget per avdelning", 2, per_avd is not None, fill_avd)
        self.section(
            "Driftbudget per verksamhet", 2, per_verks is not None, lambda: self.table(per_verks)
        )
        for key, title in EXTRA_DRIFT:
            table = self.view(key)
            if table is not None:
                self.section(title, 2, True, lambda t=table: self.table(t))

    def risker(self) -> None:
        table = self.view(VIEW_RISKER)
        each = self.view(VIEW_RISKLISTA)
        text = self.text("risker")

        def fill() -> None:
            if text:
                self.b.user_text(text)
            self.table(table)
            # after the sums, the risks and möjligheter themselves, as the nämndplan
            # lists them by name (the sums alone never said what the risks are)
            if each is not None:
                self.table(content.risk_list_table(each))
            self.avdelning_texts("risker")

        # one row per avdelning always exists; only an entered risk is content, with or
        # without an amount (a risk named and explained but not put in figures is listed)
        entered = (each is not None and not all(is_no_risks(r) for r in each.data_rows())) or (
            table is not None
            and any(
                v
                for r in table.data_rows()
                for v in r.values.values()
                if isinstance(v, int | float)
            )
        )
        has = bool(entered or text or self.texts.get("risker"))
        if not has and self.cons.avdelningar_included and not self.omit:
            # returns came in, each with an empty Risker sheet: not "no underlag"
            self.b.heading(TITLES["risker"], 1)
            self.b.paragraph(NO_RISKS_ENTERED)
            return
        self.section(TITLES["risker"], 1, has, fill)

    def investeringar(self) -> None:
        years = list(self.s.investment_years)
        ongoing, new, others, text, has_any = self.investment_parts()
        if not has_any and self.omit:
            return
        self.b.heading(f"{TITLES['investeringar']} {years[0]}–{years[-1]}", 1)
        if not has_any:
            self.b.placeholder(EMPTY_MARK)
            return
        if text:
            self.b.user_text(text)
        self.lead(content.section_key_figure(self.cons, self.s, -1))
        figure = self.investment_figure
        if figure is not None:
            self.b.figure(figure.png, figure.caption, figure.alt, 14, figure.note)
        self.section(
            "Pågående investeringsprojekt",
            2,
            ongoing is not None,
            lambda: self.table(self.by_avdelning(ongoing)),
        )
        self.section(
            "Nya investeringsprojekt",
            2,
            new is not None,
            lambda: self.table(self.by_avdelning(new)),
        )
        if others:
            # per kategori and decided total against the years' amounts cover every
            # project: under "Nya investeringsprojekt" they read as the new ones'
            # (review), and the table of contents did not find them
            self.b.heading(ALL_PROJECTS, 2)
            for table in others:
                self.table(table)
        if self.texts.get("investeringar"):
            self.b.heading("Avdelningarnas kommentarer till investeringarna", 2)
            self.avdelning_texts("investeringar")

    def investment_parts(self) -> tuple[Table | None, Table | None, list[Table], str, bool]:
        """The ongoing and new projects' tables, the others, the text, and whether
        there is any of them."""
        ongoing, new = self.view(VIEW_INV_PAGAENDE), self.view(VIEW_INV_NYA)
        others = [t for t in (self.view(VIEW_INV_KATEGORI), self.view(VIEW_INV_BESLUTAD)) if t]
        text = self.text("investeringar")
        has_any = bool(ongoing or new or others or text or self.texts.get("investeringar"))
        return ongoing, new, others, text, has_any

    def kapitalkostnader(self) -> None:
        table = self.view(VIEW_KAPITALKOSTNADER)
        text = self.text("kapitalkostnader")

        def fill() -> None:
            if text:
                self.b.user_text(text)
            self.table(self.by_avdelning(table, content.CAPITAL_CAPTION))
            self.avdelning_texts("kapitalkostnader")

        has = bool(table or text or self.texts.get("kapitalkostnader"))
        self.section(TITLES["kapitalkostnader"], 1, has, fill)

    def intern_kontroll(self) -> None:
        text = self.text("intern_kontroll")

        def fill() -> None:
            if text:
                self.b.user_text(text)
            if self.cons.controls:
                self.b.table(content.controls_table(self.cons, self.s))
            self.avdelning_texts("intern_kontroll")

        has = bool(text or self.cons.controls or self.texts.get("intern_kontroll"))
        self.section(TITLES["intern_kontroll"], 1, has, fill)

    def bilaga(self) -> None:
        kf, namnd = content.indicator_kinds(self.cons.goals)
        has_indicators = kf or namnd
        others = [t for k, t in self.cons.views.items() if k not in PLACED_VIEWS and t.rows]
        if not (has_indicators or others):
            return
        self.b.heading("Bilaga", 1)
        if has_indicators:
            # only what the list holds: "kommunfullmäktiges indikatorer samt …" above a
            # list of the nämnd's own promised a KF indicator that was not there
            listed = ["kommunfullmäktiges indikatorer"] if kf else []
            if namnd:
                listed.append(f"{fmt.in_sentence(self.s.namnd_genitive)} nämndindikatorer")
            self.lead(f"Förteckning över {' samt '.join(listed)}.")
            self.b.table(
                content.indicator_list(
                    self.cons.goals, self.year, self.cons.notes.get(NOTE_GOALS, ""), not self.omit
                )
            )
        for table in others:
            self.table(table)

    def _span(self) -> str:
        last = self.s.years[-1]
        return f"{self.year}–{last}" if last != self.year else str(self.year)


def _has_data(table: Table) -> bool:
    """`bool(table.data_rows())` without listing them: the first data row is near the
    top, and the big views were listed twice over each (issue 8)."""
    return any(row.kind is RowKind.DATA for row in table.rows)
