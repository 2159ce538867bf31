"""xlwings entry points of the control workbook (Budgetpanel.xlsm); thin.

Each button's VBA macro runs `RunPython "import budgetbook.excel; budgetbook.excel.X()"`.
X calls `budgetbook.actions` and writes what happened into the sheet Budgetrunda of
the calling workbook: a last-run line, a Swedish message, the status per avdelning,
every problem and links to the outputs. Every failure becomes a Swedish message in
the sheet; nothing here lets an exception reach xlwings (which would show a traceback).

The code uses only these xlwings calls on the book, so any object offering them works:
`book.sheets[name]`, `book.fullname`, `sheet[address].value` (read one cell; write one
value or a 2-D list from the top-left cell), `sheet[address].clear_contents()`.
Links are HYPERLINK formulas, so clearing the area also removes them.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import actions, report_memo
from .archive import damaged_ledger
from .errors import BudgetbookError, WorkspaceError
from .model import CollectResult, Problem
from .output_names import report_path
from .panel import (
    HEADER_FIRST,
    LAST_RUN_CELL,
    MESSAGE_CELL,
    OUTPUT_HEADER_FIRST,
    OUTPUT_HEADING,
    PROBLEM_HEADING,
    REMINDER_HEADING,
    RESULTS_COLUMNS,
    RESULTS_MAX_ROWS,
    RESULTS_ROW,
    ROUND_CELL,
    SHEET,
    STATUS_HEADING,
    WORKSPACE_CELL,
)
from .problem_report import came_as_note, reminders_of, status_headings
from .reminders import CHASED, short_reminder
from .settings import Settings
from .workspace import SETTINGS_FILE, Workspace, open_workspace, os_failure

LOG_FILE = "budgetpanel.log"
OUTPUT_LABELS = {
    "inlamningskontroll": "Inlämningskontroll",
    "konsolidering": "Konsolidering",
    "namndplan": "Word-utkast",  # as the button and the command line name it, whatever round.kind is
}
# Per-avdelning outputs are keyed "<prefix>_<avdelning>".
OUTPUT_PREFIXES = {"aterkoppling": "Återkoppling"}
_WIDTH = len(RESULTS_COLUMNS)
_FORMULA_START = ("=", "+", "-", "@")
_MAX_LINK = 255  # Excel's limit for a string inside a formula
_COLUMN_LETTERS = "ABCDEFGHIJ"


# --- the entry points the buttons call --------------------------------------------------


def kontrollera_inlamningar(book: Any = None) -> None:
    """Button "Kontrollera inlämningar": collect and check the returns."""
    _run(book, "Kontrollera inlämningar", _kontrollera)


def konsolidera(book: Any = None) -> None:
    """Button "Konsolidera": collect, then consolidate the accepted returns."""
    _run(book, "Konsolidera", _konsolidera)


def skapa_word_utkast(book: Any = None) -> None:
    """Button "Skapa Word-utkast": collect, consolidate and write the Word draft."""
    _run(book, "Skapa Word-utkast", _skapa_word_utkast)


def kor_allt(book: Any = None) -> None:
    """Button "Kör allt": the whole round (`actions.run`)."""
    _run(book, "Kör allt", _kor_allt)


# --- the actions, each filling an Outcome as it goes -----------------------------------


@dataclass
class Outcome:
    """What a run produced so far; shown even when a later step fails."""

    collected: CollectResult | None = None
    outputs: dict[str, Path] = field(default_factory=dict)
    note: str = ""
    # the consolidation's findings (BB409), listed after the returns' problems
    # as `budgetbook run` prints them
    findings: list[Problem] = field(default_factory=list)
    # the round's settings, for the e-mails to the avdelning heads
    settings: Settings | None = None


def _kontrollera(r: actions.Round, out: Outcome) -> None:
    out.collected = actions.collect_round(r)
    out.outputs.update(out.collected.outputs)


def _konsolidera(r: actions.Round, out: Outcome) -> None:
    _kontrollera(r, out)
    assert out.collected is not None
    cons, path = actions.consolidate_round(r, out.collected)
    out.outputs["konsolidering"] = path
    out.findings = list(cons.problems)


def _skapa_word_utkast(r: actions.Round, out: Outcome) -> None:
    _kontrollera(r, out)
    assert out.collected is not None
    reported = actions.consolidate_and_report_round(r, out.collected)
    out.outputs["konsolidering"] = reported.workbook
    out.outputs["namndplan"] = reported.draft
    out.findings = list(reported.problems)
    if reported.kept:
        out.note = report_memo.KEPT_NOTE


def _kor_allt(r: actions.Round, out: Outcome) -> None:
    result = actions.run_round(r)
    out.collected = result.collected
    out.outputs.update(result.outputs)
    if result.reported is not None:
        out.findings = list(result.reported.problems)
    if not result.collected.submissions:
        out.note = (
            "Ingen inlämning är godkänd, så ingen konsolidering och inget Word-utkast skrevs."
        )
        if result.removed:
            out.note += " " + report_memo.REMOVED_NOTE
    elif result.reported is not None and result.reported.kept:
        out.note = report_memo.KEPT_NOTE


# --- running one button ----------------------------------------------------------------


def _caller() -> Any:
    import xlwings

    return xlwings.Book.caller()


def _run(book: Any, label: str, action: Callable[[actions.Round, Outcome], None]) -> None:
    book = _caller() if book is None else book
    sheet = _panel_sheet(book)
    started = dt.datetime.now()
    out = Outcome()
    ws: Workspace | None = None
    error = ""
    try:
        ws = open_workspace(_folder(book, sheet))
        r = _round(ws, sheet)
        out.settings = r.settings
        action(r, out)
    except BudgetbookError as exc:
        error = str(exc)
    except Exception as exc:  # a bug: still a message, never a traceback dialog
        error = (
            damaged_ledger(exc)
            or os_failure(exc)
            or f"Oväntat fel i budgetbook ({type(exc).__name__}: {exc})."
        )
        logged = _log(ws, label, started)
        error += f" Tekniska detaljer finns i {logged}." if logged else ""
    try:
        _write(sheet, label, started, out, error, ws)
    except Exception as exc:  # writing the results failed: at least say so
        try:
            sheet[LAST_RUN_CELL].value = _line(started, label, ok=False)
            sheet[MESSAGE_CELL].value = _text(
                f"Resultatet kunde inte skrivas i fliken ({type(exc).__name__}: {exc})."
            )
        except Exception:  # the sheet cannot be written at all; a dialog would not help
            pass


def _panel_sheet(book: Any) -> Any:
    try:
        return book.sheets[SHEET]
    except Exception:  # renamed sheet: use the first one rather than fail silently
        return book.sheets[0]


def _folder(book: Any, sheet: Any) -> Path:
    """The workspace named in the settings cell; empty means the panel's own folder.

    The panel's own folder is asked for only then (or for a relative path): a panel
    opened from OneDrive or SharePoint has a web address for a name, which xlwings may
    fail to map to a folder on this computer; `budgetbook panel` writes the full path
    into the cell, so that panel still works."""
    value = sheet[WORKSPACE_CELL].value
    # Explorer's "Kopiera som sökväg" puts the path in double quotes
    text = str(value).strip().strip('"').strip() if value is not None else ""
    folder = Path(text) if text else None
    if folder is not None and folder.is_absolute():
        _not_another_workspace(book, folder)
        return folder
    here = _panel_folder(book)
    if folder is None:
        if not (here / SETTINGS_FILE).exists():
            raise WorkspaceError(
                f"Panelen ligger i {here}, som inte är någon arbetsmapp ({SETTINGS_FILE} "
                "saknas där), och cellen Arbetsmapp är tom. Skriv arbetsmappens sökväg i "
                "cellen Arbetsmapp, eller öppna panelen i arbetsmappen (inte som bilaga i "
                "e-post)."
            )
        return here
    return here / folder


def _not_another_workspace(book: Any, named: Path) -> None:
    """Refuse a panel that lies in one workspace while its Arbetsmapp cell names another.

    That is a panel copied along with its folder: last year's round copied to start this
    year's. Its cell still names last year's folder, whose round id also matches the
    panel's Runda cell, so every button ran last year's round from this year's folder
    without a word. A panel outside any workspace (or whose folder xlwings cannot map)
    has only the cell to go by and is left alone; a cell naming no folder gets
    `open_workspace`'s message."""
    try:
        full = str(book.fullname)
    except Exception:  # OneDrive/SharePoint address not mapped: see _panel_folder
        return
    if not full or "://" in full or not named.is_dir():
        return
    here = Path(full).parent
    if not (here / SETTINGS_FILE).is_file():
        return
    try:
        if here.samefile(named):  # the same folder by another path (a mapped drive)
            return
    except OSError:
        return  # one of them cannot be looked at: the cell stands, as before
    raise WorkspaceError(
        f"Panelen ligger i arbetsmappen {here}, men cellen Arbetsmapp anger en annan "
        f"arbetsmapp: {named}. Så blir det när en arbetsmapp kopieras med panelen, till "
        "exempel förra årets runda för att börja årets. Skapa panelen på nytt i den här "
        f'mappen med `budgetbook panel -w "{here}"`, eller töm cellen Arbetsmapp och '
        "skriv årets runda i cellen Runda."
    )


def _panel_folder(book: Any) -> Path:
    """The folder of the calling workbook on this computer."""
    try:
        full = str(book.fullname)
    except Exception:  # xlwings could not map a OneDrive/SharePoint address to a folder
        full = ""
    if not full or "://" in full:
        raise WorkspaceError(
            "Panelen är öppnad från OneDrive eller SharePoint, så budgetbook ser inte i "
            "vilken mapp på datorn den ligger. Skriv arbetsmappens fullständiga sökväg "
            "på datorn (den som Utforskaren visar, t.ex. C:\\Users\\...\\OneDrive - "
            "Kommunen\\Budget\\runda2027) i cellen Arbetsmapp."
        )
    return Path(full).parent


def _round(ws: Workspace, sheet: Any) -> actions.Round:
    """The workspace with its settings, loaded once for the button's whole action
    (every button collects), after checking they are the panel's round."""
    r = actions.open_round(ws.root, collecting=True)
    wanted = sheet[ROUND_CELL].value
    if isinstance(wanted, float) and wanted.is_integer():
        wanted = int(wanted)  # a round "2027" typed into the cell: Excel keeps a number
    if wanted not in (None, ""):
        actual = r.settings.round_id
        if str(wanted).strip() != actual:
            raise WorkspaceError(
                f"Arbetsmappen {ws.root} hör till rundan {actual}, men panelen gäller "
                f"rundan {wanted}. Rätta Arbetsmapp eller Runda överst i fliken, eller "
                "skapa panelen på nytt med `budgetbook panel`."
            )
    return r


def _log(ws: Workspace | None, label: str, started: dt.datetime) -> Path | None:
    """Append the traceback to output/budgetpanel.log for IT; None if that fails too."""
    if ws is None:
        return None
    try:
        path = ws.output / LOG_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {started.isoformat(timespec='seconds')} {label}\n")
            fh.write(traceback.format_exc())
        return path
    except OSError:
        return None


# --- writing the sheet -----------------------------------------------------------------


def _write(
    sheet: Any,
    label: str,
    started: dt.datetime,
    out: Outcome,
    error: str,
    ws: Workspace | None,
) -> None:
    rows = results_rows(out, ws)
    last = RESULTS_ROW + RESULTS_MAX_ROWS
    sheet[f"A{RESULTS_ROW}:{RESULTS_COLUMNS[-1]}{last}"].clear_contents()
    if rows:
        sheet[f"A{RESULTS_ROW}"].value = rows
    sheet[LAST_RUN_CELL].value = _line(started, label, ok=not error)
    sheet[MESSAGE_CELL].value = _text(error or summary(out))


def _line(started: dt.datetime, label: str, ok: bool) -> str:
    return f"{started:%Y-%m-%d %H:%M} – {label}: {'klart' if ok else 'misslyckades'}"


def _varningar(n: int) -> str:
    return "varning" if n == 1 else "varningar"


def summary(out: Outcome) -> str:
    """One Swedish sentence on how the round stands after a successful run."""
    c = out.collected
    if c is None:
        return "Klart."
    missing = sum(s.status == "saknas" for s in c.statuses)
    parts = [f"{len(c.statuses) - missing} av {len(c.statuses)} avdelningar har lämnat in"]
    late = sum(s.late for s in c.statuses if s.file)
    if late:  # the deadline's marks (`deadline`): which ones, in the table below
        parts[0] += f", {late} av dem efter sista dag"
    parts.append(f"{c.errors} fel och {c.warnings} {_varningar(c.warnings)} i inlämningarna")
    text = "; ".join(parts) + "."
    if c.errors:
        text += " Inlämningar med fel är inte med i konsolideringen; se problemlistan nedan."
    if out.note:
        text += " " + out.note
    return text


def results_rows(out: Outcome, ws: Workspace | None) -> list[list[Any]]:
    """The results area as rows of RESULTS_COLUMNS cells (None = empty)."""
    rows: list[list[Any]] = []
    c = out.collected
    if c is not None:
        paths = {s.file: s.path for s in c.statuses if s.file and s.path}
        rows.append([STATUS_HEADING])
        rows.append([HEADER_FIRST, "Namn", "Status", "Inkommen", "Fel", "Varningar", "Fil"])
        for s in c.statuses:
            # kept in UTC: shown as the user's clock showed it (as the problem report does)
            received = f"{s.received.astimezone():%Y-%m-%d %H:%M}" if s.received else None
            counts = [s.errors, s.warnings] if s.file else [None, None]
            # the deadline's mark in the wide last column: beside the file, or alone
            shown = f"{s.file} – {s.deadline_note.lower()}" if s.deadline_note else s.file
            link = _link(s.path or s.file, shown) if s.file else _text(s.deadline_note)
            rows.append([_text(s.avdelning), _text(s.name), s.status, received, *counts, link])
        rows.append([])
        if out.settings is not None and ws is not None:
            rows.extend(reminder_rows(c, out.settings, ws))
        problems = [*c.problems, *out.findings]
        errors = sum(p.is_error for p in problems)
        warnings = len(problems) - errors
        rows.append([PROBLEM_HEADING, None, f"{errors} fel, {warnings} {_varningar(warnings)}"])
        if problems:
            rows.append(
                [HEADER_FIRST, "Fil", "Flik", "Cell", "Allvarlighet", "Regel", "Meddelande"]
            )
            room = RESULTS_MAX_ROWS - len(rows) - 12
            # the returns' problems cut to make room for the consolidation's findings:
            # the problem report the cut points to has the returns' problems, not these
            findings = out.findings[:room]
            returns = c.problems[: room - len(findings)]
            for p in returns:
                rows.append(_problem_row(p, paths, ws))
            if len(c.problems) > len(returns):
                rows.append(
                    [
                        None,
                        f"… och {len(c.problems) - len(returns)} problem till; "
                        "se problemrapporten.",
                    ]
                )
            for p in findings:
                rows.append(_problem_row(p, paths, ws))
        else:
            rows.append([None, "Inga problem hittades."])
        rows.append([])
    if out.outputs or ws is not None:
        rows.append([OUTPUT_HEADING])
        rows.append([OUTPUT_HEADER_FIRST, "Länk"])
        for key, path in out.outputs.items():
            rows.append(
                [
                    output_label(key),
                    _link(str(path), Path(path).name),
                ]
            )
        if ws is not None:
            rows.append(["Mapp", _link(str(ws.output), str(ws.output))])
    return [(row + [None] * _WIDTH)[:_WIDTH] for row in rows]


def reminder_rows(c: CollectResult, settings: Settings, ws: Workspace) -> list[list[Any]]:
    """The avdelningar with a return to chase, each with a short e-mail to its head and
    a link to the whole one, in the inlämningskontroll's Status sheet.

    A HYPERLINK formula holds a link of at most 255 characters (`_MAX_LINK`), the
    inlämningskontroll's e-mails are 750-1 150: the short one has the address, the
    subject and what of a greeting, a line and the deadline fits (`short_reminder`)."""
    chased = [(i, s) for i, s in enumerate(c.statuses) if s.status in CHASED]
    if not chased:
        return []
    feedback = {k.partition("_")[2] for k in c.outputs if k.startswith("aterkoppling_")}
    short = reminders_of(c, settings, feedback, short_reminder)
    full = reminders_of(c, settings, feedback)
    report = c.outputs.get("inlamningskontroll") or report_path(ws.output, settings)
    email = status_headings(settings).index("E-post")
    rows: list[list[Any]] = [
        [REMINDER_HEADING],
        [HEADER_FIRST, "Avdelningschef", "Status", "Kort mejl", None, None, "Hela mejlet"],
    ]
    for i, s in chased:
        avd = settings.avdelning(s.avdelning)
        head = avd.head if avd is not None and avd.head else s.name
        mail, whole = short[i], None
        if full[i] is None:  # the inlämningskontroll has none either: say why
            written = avd is not None and avd.email.strip()
            mail_cell = _text(
                came_as_note(s.came_as)
                if s.came_as
                else "e-postadressen i budgetbook.toml går inte att använda"
                if written
                else "ingen e-postadress i budgetbook.toml"
            )
        else:
            mail_cell = _link(mail.mailto(), mail.label) if mail is not None else None
            # the inlämningskontroll's Status sheet: headings on row 3, avdelningar from 4
            where = f"[{report}]'Status'!{_COLUMN_LETTERS[email]}{4 + i}"
            whole = _link(where, f"{Path(report).name}, rad {4 + i}")
        rows.append([_text(s.avdelning), _text(head), s.status, mail_cell, None, None, whole])
    rows.append([])
    return rows


def output_label(key: str) -> str:
    """Swedish label of an output file key (as in CollectResult.outputs)."""
    if key in OUTPUT_LABELS:
        return OUTPUT_LABELS[key]
    prefix, _, rest = key.partition("_")
    if prefix in OUTPUT_PREFIXES and rest:
        return f"{OUTPUT_PREFIXES[prefix]} {rest}"
    return key.replace("_", " ").capitalize()


def _problem_row(p: Problem, paths: dict[str, str], ws: Workspace | None) -> list[Any]:
    target = paths.get(p.file, "")
    if not target and p.file and ws is not None and (ws.inbox / p.file).exists():
        target = str(ws.inbox / p.file)
    link: Any = _text(p.file) if p.file else None
    if target:
        where = target
        if p.sheet and p.cell:  # Excel opens the workbook at that very cell
            where = f"[{target}]'{p.sheet.replace(chr(39), chr(39) * 2)}'!{p.cell}"
        link = _link(where, p.file)
    return [
        _text(p.avdelning),
        link,
        _text(p.sheet),
        _text(p.cell),
        p.severity.value,
        p.code,
        _text(p.message),
    ]


def _text(value: str) -> str | None:
    """Text that Excel must show as text, never evaluate (a leading ' marks text)."""
    if not value:
        return None
    return "'" + value if value.startswith(_FORMULA_START) else value


def _link(target: str, text: str) -> str | None:
    """A HYPERLINK formula; plain text when it cannot be one safely."""
    if not target:
        return _text(text)
    if len(target) > _MAX_LINK or len(text) > _MAX_LINK:
        return _text(text)
    quote = '"'
    return f'=HYPERLINK("{target.replace(quote, quote * 2)}","{text.replace(quote, quote * 2)}")'
