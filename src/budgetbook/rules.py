"""Validation rules as data: stable code, severity, Swedish title and message template.

A check creates a finding with `problem(RULE, place..., **params)`. `docs/validation-rules.md`
is generated from `RULES` (see `docs_table`), and a test fails if the two drift apart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .model import Problem, Severity

FEL, VARNING = Severity.FEL, Severity.VARNING


@dataclass(frozen=True, slots=True)
class Rule:
    """One validation rule. `template` is Swedish and formatted with the finding's params."""

    code: str
    severity: Severity
    title: str
    template: str
    scope: str = "cell"  # file, sheet, cell, row, round
    # values of params a finding need not give (BB100's advice: to save as .xlsx)
    defaults: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __call__(
        self,
        *,
        file: str = "",
        sheet: str = "",
        cell: str = "",
        avdelning: str = "",
        **params: object,
    ) -> Problem:
        place = _place(sheet, cell)
        params = {**self.defaults, **params} if self.defaults else params
        shown = {k: _plain(v) if isinstance(v, str) else v for k, v in params.items()}
        message = self.template.format(plats=place, fil=file, **shown)
        return Problem(self.code, self.severity, message, file, sheet, cell, avdelning)


def _plain(text: str) -> str:
    """A value from a return as one line of text: line breaks and tabs become spaces."""
    return " ".join(text.split()) if any(c in text for c in "\r\n\t") else text


def _place(sheet: str, cell: str) -> str:
    if sheet and cell:
        return f"Bladet {sheet}, cell {cell}"
    if sheet:
        return f"Bladet {sheet}"
    return "Filen"


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    severity: Severity,
    title: str,
    template: str,
    scope: str = "cell",
    defaults: Mapping[str, str] | None = None,
) -> Rule:
    if code in RULES:
        raise ValueError(f"duplicate rule code {code}")
    RULES[code] = r = Rule(
        code, severity, title, template, scope, MappingProxyType(dict(defaults or {}))
    )
    return r


# --- file level (BB1xx) ---------------------------------------------------------------
# What the department head does about a file that cannot be read (BB100), by why it
# cannot: one rule, whose advice fits the reason. "Spara som .xlsx" asked the impossible
# of a PDF or an empty file, in the problem list and in the e-mail that quotes it.
RESAVE = "resave"  # another spreadsheet format (.xls, .ods, .xlsb), or not read at all
OTHER_FILE = "other"  # a PDF, a Word document, any other file: not the workbook
EMPTY = "empty"  # 0 bytes: the saving or the transfer was cut off
DAMAGED = "damaged"  # a workbook's package that is broken or cut short
HELD = "held"  # the file could not be opened here (held by another program)
UNREADABLE_ADVICE = MappingProxyType(
    {
        RESAVE: "Öppna den i Excel (eller LibreOffice Calc), spara som Excel-arbetsbok "
        "(.xlsx) och skicka den igen.",
        OTHER_FILE: "Skicka i stället den ifyllda Excel-arbetsboken som ni fick från "
        "ekonomistaben.",
        EMPTY: "Troligen avbröts sparandet eller överföringen. Kontrollera att arbetsboken "
        "går att öppna och har era uppgifter, och skicka den igen.",
        DAMAGED: "Kontrollera att arbetsboken går att öppna i Excel (eller LibreOffice "
        "Calc), spara den som Excel-arbetsbok (.xlsx) och skicka den igen.",
        HELD: "Den läses när budgetbook körs nästa gång, om den då inte är öppen i något "
        "annat program.",
    }
)
NOT_READABLE = rule(
    "BB100",
    FEL,
    "Filen går inte att läsa",
    "Filen {fil} går inte att läsa som en Excel-arbetsbok: {orsak}. {atgard}",
    "file",
    defaults={"atgard": UNREADABLE_ADVICE[RESAVE]},
)


def not_readable(file: str, reason: str, kind: str = RESAVE, avdelning: str = "") -> Problem:
    """BB100 for `file`, with `reason` and the advice for its `kind` (`UNREADABLE_ADVICE`)."""
    return NOT_READABLE(
        file=file, avdelning=avdelning, orsak=reason, atgard=UNREADABLE_ADVICE[kind]
    )


def naming_the_workbook(problem: Problem, workbook: str) -> Problem:
    """A BB100 that tells to send the workbook instead of another file, naming it
    (`output_names.template_name`) once the file's avdelning is known by its name; the
    pre-check that made it knows neither the round nor the avdelning."""
    advice = UNREADABLE_ADVICE[OTHER_FILE]
    if problem.code != NOT_READABLE.code or not problem.message.endswith(advice):
        return problem
    named = f"{advice[:-1]}, {workbook}."
    return dataclasses.replace(problem, message=problem.message[: -len(advice)] + named)


NOT_BUDGETBOOK = rule(
    "BB101",
    FEL,
    "Inte en budgetbook-arbetsbok",
    "Filen {fil} är ingen arbetsbok från budgetbook (identitetsuppgifterna saknas). "
    "Använd arbetsboken ni fick från ekonomistaben och fyll i den.",
    "file",
)
ENCRYPTED = rule(
    "BB102",
    FEL,
    "Krypterad eller lösenordsskyddad fil",
    "Filen {fil} är krypterad eller skyddad med lösenord och kan inte läsas. Ta bort "
    "lösenordet (Arkiv > Information > Skydda arbetsbok) och skicka filen igen.",
    "file",
)
MACROS = rule(
    "BB103",
    VARNING,
    "Filen innehåller makron",
    "Filen {fil} innehåller makron. budgetbook läser bara värdena och kör aldrig makron. "
    "Spara nästa gång som vanlig Excel-arbetsbok (.xlsx).",
    "file",
)
# Read by the finance office (the file is no avdelning's: no feedback, no e-mail), which
# "Kontakta ekonomistaben" sent to itself. `renamed_code` gives the advice: the
# avdelning the return probably is, when its code was changed in the settings.
UNKNOWN_AVDELNING = rule(
    "BB104",
    FEL,
    "Okänd avdelning",
    "Arbetsboken {fil} anger avdelningen ”{avdelning_kod}”, som inte finns i årets "
    "budgetrunda. {atgard}",
    "file",
    defaults={
        "atgard": "Kontrollera avdelningarnas koder i budgetbook.toml (ändrades en kod efter "
        "att arbetsböckerna skapades?) och att filen är en arbetsbok från årets runda."
    },
)
WRONG_ROUND = rule(
    "BB105",
    FEL,
    "Annan runda eller annat år",
    "Arbetsboken {fil} gäller {funnet}, men årets runda är {forvantat}. {atgard}",
    "file",
)
OLD_VERSION = rule(
    "BB106",
    FEL,
    "Äldre mallversion",
    "Arbetsboken {fil} är gjord med mallversion {funnen}, men årets mall är version "
    "{aktuell}. Be ekonomistaben om en ny arbetsbok och för över era uppgifter till den.",
    "file",
)
# Identity findings that say the workbook is not this round's template (BB105, BB106):
# read against this round's sheets its figures stand under other headings, and no
# correction makes it this round's (its head fills this year's workbook instead).
OTHER_TEMPLATE = frozenset({WRONG_ROUND.code, OLD_VERSION.code})
AVDELNING_MISMATCH = rule(
    "BB107",
    VARNING,
    "Filnamnet och arbetsboken anger olika avdelningar",
    "Filnamnet {fil} tyder på avdelningen {filnamn_avdelning}, men arbetsboken gäller "
    "{avdelning_kod}. budgetbook går efter arbetsbokens egna uppgifter.",
    "file",
)
UNSAFE = rule(
    "BB108",
    FEL,
    "Filen avvisades av säkerhetsskäl",
    "Filen {fil} avvisades av säkerhetsskäl: {orsak}. Öppna den i Excel (eller "
    "LibreOffice Calc), spara den på nytt som Excel-arbetsbok (.xlsx) och skicka den igen, "
    "eller kontakta ekonomistaben.",
    "file",
)
# `atgard`: whether the workbook in inbox/ was read in the same run (`lock_file`): the
# default said "den sparade filen läses nästa gång" also when it just had been.
LOCK_FILE = rule(
    "BB109",
    VARNING,
    "Arbetsboken är öppen i Excel",
    "{fil} är en tillfällig låsfil från Excel: arbetsboken är öppen hos någon. Filen "
    "hoppas över. {atgard}",
    "file",
    defaults={"atgard": "Stäng arbetsboken i Excel; den sparade filen läses nästa gång."},
)


def lock_file(file: str, workbook: str = "") -> Problem:
    """BB109 for the lock file `file`; `workbook`: the workbook it locks, read (as last
    saved) in the same run."""
    if not workbook:
        return LOCK_FILE(file=file)
    return LOCK_FILE(
        file=file,
        atgard=f"Arbetsboken {workbook} lästes ändå, som den senast sparades; det som "
        "ändras i den och sparas medan den är öppen läses nästa gång.",
    )


# The template sent back as handed out: this one finding replaces those its empty
# cells gave (blank_return.py).
BLANK_RETURN = rule(
    "BB110",
    FEL,
    "Arbetsboken är inte ifylld",
    "Arbetsboken {fil} är inte ifylld: inga belopp, texter eller andra uppgifter har "
    "skrivits in. Kanske skickades fel fil, till exempel den tomma arbetsboken i stället "
    "för den ifyllda. Fyll i arbetsboken och skicka den igen.",
    "file",
)

# --- structure (BB2xx) ------------------------------------------------------------------
SHEET_MISSING = rule(
    "BB201",
    FEL,
    "Blad saknas eller har bytt namn",
    "Bladet ”{blad}” saknas eller har bytt namn. Ge bladet tillbaka sitt namn, eller "
    "använd en ny arbetsbok från ekonomistaben.",
    "sheet",
)
TABLE_MISSING = rule(
    "BB202",
    FEL,
    "Tabellen saknas",
    "{plats}: tabellen ”{tabell}” hittas inte där den ska börja. Ångra ändringen "
    "eller använd en ny arbetsbok från ekonomistaben.",
    "sheet",
)
HEADING_CHANGED = rule(
    "BB203",
    FEL,
    "Rubrik ändrad",
    "{plats}: rubriken ska vara ”{forvantad}” men är ”{funnen}”. Skriv tillbaka "
    "rubriken så att budgetbook vet vad kolumnen innehåller.",
)
COLUMN_MOVED = rule(
    "BB204",
    VARNING,
    "Kolumn flyttad",
    "{plats}: kolumnen ”{rubrik}” har flyttats. budgetbook läser den ändå, men flytta "
    "gärna tillbaka den till sin plats.",
)
ROW_OUTSIDE_TABLE = rule(
    "BB205",
    FEL,
    "Uppgifter utanför tabellen",
    "{plats}: det finns uppgifter utanför tabellen, och de räknas inte med. {atgard}",
    "row",
)
DRIFT_ROW_CHANGED = rule(
    "BB206",
    FEL,
    "Förifylld rad ändrad eller borttagen",
    "{plats}: raden för {verksamhet} / {driftpost} {hur}. De förifyllda raderna får inte "
    "ändras eller tas bort; ångra ändringen eller använd en ny arbetsbok.",
    "row",
)
# The finance office changed the avdelning's verksamheter in the settings after the
# workbook went out (told from the head's own edit by the template's record of its rows,
# reader_drift_rows.py): not the head's to undo, one finding per verksamhet.
ROWS_ADDED_SINCE = rule(
    "BB209",
    FEL,
    "Verksamhet eller driftpost tillagd efter att arbetsboken skickades",
    "{plats}: {vad} har lagts till i avdelningens budget efter att arbetsboken skickades "
    "och finns därför inte på bladet Drift, så budgeten för den saknas. Det är inget ni "
    "har ändrat. Ekonomistaben skickar en ny arbetsbok där den finns med: för över era "
    "uppgifter till den nya arbetsboken, fyll i de nya raderna och lämna in den i stället.",
    "row",
)
VERKSAMHET_GONE = rule(
    "BB210",
    VARNING,
    "Verksamhet som inte längre ingår i avdelningens budget",
    "{plats}: verksamheten {verksamhet} (rad {rader}) {vart} efter att arbetsboken "
    "skickades och ingår inte längre i avdelningens budget. Det är inget ni har ändrat. "
    "Radernas belopp{netto} räknas inte med, inte heller när nettobudgeten jämförs med "
    "ramen. Kontakta ekonomistaben om budgeten för verksamheten ska redovisas någon "
    "annanstans.",
    "row",
)
# Not the head's doing, nor an entry of theirs: a blank return keeps them beside BB110
SETTINGS_CHANGED = frozenset({ROWS_ADDED_SINCE.code, VERKSAMHET_GONE.code})
DRIFT_ROW_ADDED = rule(
    "BB208",
    FEL,
    "Rad tillagd i Drift",
    "{plats}: rad {rad} har lagts till i tabellen, men de förifyllda raderna får inte "
    "ändras, och radens uppgifter räknas inte med. Ta bort raden, för över beloppen till "
    "rätt verksamhet och driftpost och skriv förklaringar i kolumnen Kommentar på rätt rad.",
    "row",
)
EXTRA_SHEET = rule(
    "BB207",
    VARNING,
    "Blad som inte ingår i mallen",
    "Bladet ”{blad}” ingår inte i mallen, och dess uppgifter räknas inte med. Flytta in "
    "uppgifterna på rätt blad eller ta bort bladet.",
    "sheet",
)

# --- cells (BB3xx) ----------------------------------------------------------------------
NOT_A_NUMBER = rule(
    "BB301",
    FEL,
    "Text i en beloppscell",
    "{plats}: ”{varde}” är inte ett belopp. Skriv ett heltal i tkr, utan text.",
)
TEXT_NUMBER = rule(
    "BB302",
    VARNING,
    "Belopp skrivet som text",
    "{plats}: ”{varde}” är skrivet som text; budgetbook läser det som {tolkat} tkr. "
    "Skriv beloppet som ett tal, utan mellanslag och enhet: arbetsbokens egna summor "
    "räknar inte med text.",
)
DECIMALS = rule(
    "BB303",
    FEL,
    "Decimaler i ett belopp",
    "{plats}: {varde} har decimaler. Belopp anges i hela tkr; skriv till exempel {avrundat}.",
)
NEGATIVE = rule(
    "BB304",
    FEL,
    "Negativt belopp",
    "{plats}: negativt belopp ({varde}) är inte tillåtet här. {vad} anges som positiva belopp.",
)
FORMULA_ERROR = rule(
    "BB305",
    FEL,
    "Formelfel i en cell",
    "{plats}: cellen visar felet {varde}. Rätta formeln eller skriv in värdet direkt.",
)
REQUIRED_EMPTY = rule("BB306", FEL, "Obligatoriskt fält tomt", "{plats}: {kolumn} måste fyllas i.")
NOT_IN_LIST = rule(
    "BB307",
    FEL,
    "Värdet finns inte i listan",
    "{plats}: ”{varde}” finns inte i listan för {kolumn}. Välj ett av: {tillatna}.",
)
NOT_A_YEAR = rule(
    "BB308",
    FEL,
    "Inget årtal",
    "{plats}: ”{varde}” är inget giltigt årtal. Skriv ett år från 2000 till 2100 med fyra "
    "siffror, till exempel {exempel}.",
)
TEXT_TOO_LONG = rule(
    "BB309",
    VARNING,
    "Texten är för lång",
    "{plats}: texten har {antal} tecken, men högst {max} rekommenderas. Korta texten.",
)
RISK_VALUE = rule(
    "BB310",
    FEL,
    "Riskvärdet är inte 1–16",
    "{plats}: ”{varde}” är inget riskvärde. Skriv ett heltal från 1 till 16.",
)
NO_COMPUTED_VALUE = rule(
    "BB311",
    FEL,
    "Formel utan uträknat värde",
    "{plats}: cellen har en formel men inget uträknat värde (filen har sparats i ett "
    "program som inte räknar ut formler). Öppna filen i Excel eller LibreOffice Calc så att "
    "formeln räknas ut, spara och skicka den igen, eller skriv in värdet direkt i cellen.",
)

# --- content (BB4xx) --------------------------------------------------------------------
RAM_NOT_MET = rule(
    "BB401",
    FEL,
    "Nettobudgeten stämmer inte med ramen",
    "{plats}: nettobudgeten för {ar} är {netto} tkr men ramen är {ram} tkr "
    "(differens {differens} tkr).{andrad} Justera beloppen så att nettobudgeten blir lika "
    "med ramen.",
    "sheet",
)
LARGE_CHANGE = rule(
    "BB402",
    VARNING,
    "Stor förändring utan kommentar",
    "{plats}: {verksamhet}, {driftpost} ändras med {forandring} tkr ({procent}) mot "
    "budget {ar}, men kommentar saknas. Förklara förändringen i kolumnen Kommentar.",
    "row",
)
INV_YEAR_OUTSIDE = rule(
    "BB403",
    FEL,
    "Investeringsår utanför planperioden",
    "{plats}: belopp för {ar} ligger utanför planperioden {forsta}–{sista}. För över "
    "beloppet till ett år inom perioden eller ta bort det.",
)
DUPLICATE_PROJECT = rule(
    "BB404",
    FEL,
    "Samma projekt-id två gånger",
    "{plats}: projekt-id ”{id}” finns redan på rad {annan_rad}. Varje projekt ska ha ett "
    "eget id; slå ihop raderna eller ge projektet ett nytt id.",
    "row",
)
PROJECT_INCOMPLETE = rule(
    "BB405",
    FEL,
    "Projekt utan kategori eller beskrivning",
    "{plats}: {projekt} saknar {falt}. Fyll i {falt} för projektet.",
    "row",
)
PLAN_YEARS_MISSING = rule(
    "BB406",
    FEL,
    "Planår saknas",
    "{plats}: plan {ar} är inte ifylld för {verksamhet}, {driftpost}, fast budgetåret "
    "har ett belopp. Fyll i planåren (skriv 0 om inget belopp planeras).",
)
ROW_EMPTY = rule(
    "BB411",
    FEL,
    "Raden saknar belopp",
    "{plats}: {verksamhet}, {driftpost} har inga belopp, men budget {fjol} var {belopp} tkr. "
    "Fyll i budget {ar} och planåren (skriv 0 om inget belopp planeras).",
    "row",
)
DECIDED_TOTAL_EXCEEDED = rule(
    "BB407",
    VARNING,
    "Årsbeloppen överstiger beslutad totalutgift",
    "{plats}: summan av årsbeloppen för projekt ”{id}” är {summa} tkr, men beslutad "
    "totalutgift är {beslutad} tkr. Kontrollera beloppen eller förklara i beskrivningen.",
    "row",
)
UPPDRAG_MISSING = rule(
    "BB413",
    FEL,
    "Givet uppdrag saknas",
    "{plats}: uppdraget ”{uppdrag}” saknas eller har fått en annan text. Det är givet "
    "till avdelningen och ska stå kvar med sin text: ångra ändringen (eller använd en ny "
    "arbetsbok) och fyll i status för uppdraget.",
    "row",
)
LARGE_AMOUNT = rule(
    "BB412",
    VARNING,
    "Mycket stort belopp: kronor i stället för tkr?",
    "{plats}: {varde} tkr är {mnkr} miljoner kronor. Belopp anges i tkr (tusental kronor): "
    "står beloppet i kronor, skriv {i_tkr} i stället. Stämmer beloppet, låt det stå.",
)
# One return's capital-cost rows on Drift against the capital cost of its own
# Investeringar (capital.return_capital): each avdelning's figures, so the nämnd's are
# their sum and no nämnd-level finding is needed (docs/consolidation.md).
CAPITAL_GAP = rule(
    "BB408",
    VARNING,
    "Kapitalkostnaderna stämmer inte med investeringarna",
    "{plats}: avdelningens investeringar på bladet Investeringar ger {plan} tkr i "
    "kapitalkostnad {ar}, men {raderna} {forandring} jämfört med budget {fjol} "
    "(differens {differens} tkr). {Raden_ska} vara budget {fjol} plus investeringarnas "
    "kapitalkostnad: {fjolbelopp} + {plan} = {summa} tkr för {ar}. Rätta {beloppet}, "
    "eller bladet Investeringar om något saknas eller är fel där; är skillnaden "
    "avsiktlig, förklara den i kolumnen Kommentar.",
)
DUPLICATE_INDICATOR = rule(
    "BB409",
    VARNING,
    "Samma indikator från flera avdelningar",
    "Indikatorn ”{indikator}” under nämndmål {mal} redovisas av {avdelningar}. Den visas "
    "en gång i nämndplanen; kontrollera att värdena stämmer överens.",
    "round",
)
PROJECT_EMPTY = rule(
    "BB410",
    VARNING,
    "Projekt utan belopp",
    "{plats}: {projekt} har inga belopp för {forsta}–{sista}. Fyll i beloppen eller ta bort raden.",
    "row",
)

# --- across returns (BB5xx) -------------------------------------------------------------
MISSING_RETURN = rule(
    "BB501",
    VARNING,
    "Avdelningen har inte lämnat in",
    "Avdelningen {avdelning_kod} ({namn}) har inte lämnat in någon arbetsbok.{notis}",
    "round",
    defaults={"notis": ""},  # `renamed_code.missing_note`: its return came as another code
)
DUPLICATE_RETURN = rule(
    "BB502",
    VARNING,
    "Avdelningen har lämnat in flera gånger",
    "Avdelningen {avdelning_kod} har lämnat in {antal} arbetsböcker: {filer}. Den senast "
    "sparade, {vald} (sparad {tid}), används; alla versioner finns kvar i arkivet.",
    "round",
)
SAME_SAVE_TIME = rule(
    "BB505",
    VARNING,
    "Flera versioner sparade samma tid",
    "Avdelningen {avdelning_kod} har lämnat in {antal} arbetsböcker: {filer}. De senast "
    "sparade är sparade samma tid ({tid}) men har olika innehåll, så budgetbook kan inte "
    "avgöra vilken som är nyast och använder {vald}. Kontrollera att det är rätt version "
    "och ta annars bort de andra ur inkorgen; alla versioner finns kvar i arkivet.",
    "round",
)
# Which version of a return is used: the finance office's to know (its inbox), nothing
# the head can correct in the workbook, so no feedback workbook lists them.
ABOUT_THE_INBOX = frozenset({DUPLICATE_RETURN.code, SAME_SAVE_TIME.code})
VERKSAMHET_TWICE = rule(
    "BB503",
    FEL,
    "Verksamhet redovisad av två avdelningar",
    "Verksamheten {verksamhet} redovisas av {avdelningar}. Den hör till "
    "{agare}; ta bort den ur de övriga arbetsböckerna.",
    "round",
)
PROJECT_TWICE = rule(
    "BB504",
    FEL,
    "Projekt redovisat av två avdelningar",
    "Projektet ”{id}” redovisas av {avdelningar}. Varje projekt ska redovisas av en avdelning.",
    "round",
)

OLDER_PRIOR_FIGURES = rule(
    "BB506",
    VARNING,
    "Arbetsböckerna visar äldre fjolårssiffror",
    "Arbetsböckerna från {avdelningar} visar fjolårets budget och prognos som de var när "
    "arbetsböckerna skapades, men {fil_fjol} har ändrats sedan dess ({rader}, till "
    "exempel {exempel}). Sammanställningen och nämndplanen använder de nuvarande "
    "siffrorna, också för förändringen mot fjolåret och för varningen om stor förändring "
    "utan kommentar. Avdelningarna behöver inte lämna in på nytt och får inget "
    "meddelande om detta.",
    "round",
)

OLDER_RAM = rule(
    "BB511",
    VARNING,
    "Arbetsböckerna visar en tidigare ram",
    "Ramen i budgetbook.toml har ändrats efter att arbetsböckerna skapades: {arbetsboken} "
    "från {avdelningar} visar den tidigare ramen ({rader}, till exempel {exempel}). "
    "Inlämningarna kontrolleras mot ramen i budgetbook.toml: där nettobudgeten inte "
    "stämmer med den säger felet BB401 att ramen har ändrats, och återkopplingen visar "
    "den nya ramen. Skicka {en_ny_arbetsbok} (budgetbook templates) eller meddela "
    "{avdelningen} den nya ramen.",
    "round",
)

INDICATOR_YEARS = rule(
    "BB507",
    VARNING,
    "Indikatorvärden för fel år",
    "Indikatorvärdena i budgetbook.toml gäller {ar}, men budgetåret är {budgetar}: "
    "indikatortabellerna i utkastet ska visa utfallen för {utfallsar} och målvärdet. "
    "{indikatorer} har värden för andra år, till exempel ”{exempel}” under {mal}. Skriv in "
    "utfallen för {utfallsar} i values (under KF:s mål och nämndmålen) och ta bort de "
    "andra åren; annars får tabellerna kolumner för fel år.",
    "round",
)

UPPDRAG_ADDED = rule(
    "BB508",
    VARNING,
    "Uppdrag tillagda efter att arbetsböckerna skapades",
    "{uppdrag} lades till eller ändrades i budgetbook.toml efter att arbetsböckerna "
    "skapades och saknas därför på bladet Uppdrag i {arbetsbocker} från {avdelningar}. "
    "{Avdelningen} har inte kunnat ange någon status för {det}, och utkastet till "
    "nämndplanen visar {det} utan status från {avdelningen}.{tidigare_svar} "
    "{Avdelningen} får inget meddelande om detta: be {avdelningen} skriva in {uppdraget} "
    "med samma text på {en_tom_rad} på bladet Uppdrag, fylla i status och lämna in igen, "
    "eller skicka {en_ny_arbetsbok} (budgetbook templates) att fylla i.",
    "round",
)
UPPDRAG_REWORDED = rule(
    "BB509",
    VARNING,
    "Uppdrag med ändrad lydelse",
    "Uppdraget ”{tidigare}” har fått lydelsen ”{nu}” i budgetbook.toml efter att "
    "arbetsböckerna skapades. {Arbetsboken} från {avdelningar} svarar på den tidigare "
    "lydelsen ({celler}), och sammanställningen och utkastet till nämndplanen visar "
    "{avdelningens} svar under den nya. Kontrollera att det är samma uppdrag. Är det inte "
    "det: be {avdelningen} skriva in det nya uppdraget med samma text på en tom rad på "
    "bladet Uppdrag, fylla i status och lämna in igen, så används det svaret i stället. "
    "{Avdelningen} får inget meddelande om detta.",
    "round",
)

UPPDRAG_REMOVED = rule(
    "BB510",
    VARNING,
    "Svar på uppdrag som inte längre ges avdelningen",
    "Uppdraget ”{uppdrag}” {nu}, men {arbetsboken} från {avdelningar} svarar på det "
    "({celler}). Sammanställningen och utkastet till nämndplanen visar inte {svaret}. "
    "{atgard} {Avdelningen} får inget meddelande om detta.",
    "round",
)


def docs_table() -> str:
    """The Markdown table of all rules (docs/validation-rules.md is generated from it)."""
    lines = [
        "| Kod | Allvarlighet | Regel | Nivå | Meddelande (mall) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in sorted(RULES.values(), key=lambda r: r.code):
        template = r.template.replace("|", "\\|")
        lines.append(f"| {r.code} | {r.severity.value} | {r.title} | {r.scope} | {template} |")
    return "\n".join(lines) + "\n"
