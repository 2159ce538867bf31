"""A ready e-mail to an avdelning's head about its return, as a `mailto:` link.

The finance office chases missing and faulty returns by e-mail; the inlämningskontroll's
Status sheet links each such avdelning to a message written here, which the user's
mail program opens for them to read, change and send. A `mailto:` link cannot attach
a file: the message to an avdelning whose return has errors names the feedback
workbook and says it is attached, and the link itself tells the sender to attach it
(`Reminder.label`); one that got no feedback workbook quotes its errors instead.
The control workbook's links are HYPERLINK formulas, which hold at most 255 characters:
it links a short version (`short_reminder`) and the inlämningskontroll's row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from . import fmt, rules
from .model import Problem, ReturnStatus
from .output_names import feedback_file_name, template_name
from .settings import Settings
from .templates_text import swedish_date

# The statuses a message is written for: the avdelning has something to do.
CHASED = ("saknas", "oläslig", "fel")

# The longest link made. Outlook opened from a link takes 2 046 characters of it
# (longer ones are cut or not opened at all), Excel keeps a link of at most 2 079:
# below both, with room to spare. A Swedish letter takes 6 characters encoded ("ä" is
# "%C3%A4"), a space 3, so this is a message of ~1 000 characters.
MAX_MAILTO = 2000

# The longest link in a HYPERLINK formula (the control workbook's): Excel takes a text
# value of at most 255 characters in a formula. A mailto link of that length has room
# for the address, the subject and a greeting and a line or two.
MAX_FORMULA_LINK = 255

# Shown of a reason a return could not be read (the reader's message to the head).
_REASON_CHARS = 400


@dataclass(frozen=True)
class Reminder:
    """One e-mail to an avdelning's head: to whom, the subject and the body (plain
    text, lines separated by "\\n"), and the text of the link that opens it."""

    to: str
    subject: str
    body: str
    label: str

    def mailto(self) -> str:
        return mailto(self.to, self.subject, self.body)


def mailto(to: str, subject: str, body: str) -> str:
    """A `mailto:` URL (RFC 6068): every character but letters, digits and "-._~" of
    subject and body percent-encoded as UTF-8, lines broken by CRLF, a space as %20
    (a "+" is a plus in a mailto link, not a space)."""
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return (
        f"mailto:{quote(to, safe='@')}"
        f"?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    )


def _plausible_address(address: str) -> bool:
    """An address a mail program can be opened with: one "@", no space or separator
    (a list "a@x.se; b@x.se" would be read as one odd address)."""
    return (
        address.count("@") == 1
        and not address.startswith("@")
        and not address.endswith("@")
        and not any(ch.isspace() or ch in ",;<>\"'?&#%" for ch in address)
    )


def reminder(
    settings: Settings,
    status: ReturnStatus,
    problems: Sequence[Problem] = (),
    feedback: bool = True,
) -> Reminder | None:
    """The message to `status`'s avdelning head, or None when there is nothing to
    chase (the return is accepted) or no e-mail to send it to. `problems` are the
    return's findings (the reason an unreadable one could not be read, the errors of
    a faulty one that got no feedback workbook); `feedback`: whether a faulty one got
    its feedback workbook, which the message then says is attached."""
    letter = _letter(settings, status, problems, feedback)
    if letter is None:
        return None
    # the reasons are left out first, then the whole body (very long names in the
    # settings): the subject alone still opens the right message to the right person
    paragraphs = [letter.greeting, *letter.text, "Hör av dig om du har frågor."]
    closing = "Med vänliga hälsningar\n" + "\n".join(letter.signature)
    tries = [[*paragraphs, closing]]
    if letter.reasons:
        tries.append([p for p in tries[0] if p not in letter.reasons])
    return _fitted(letter, [*tries, []], MAX_MAILTO)


def short_reminder(
    settings: Settings,
    status: ReturnStatus,
    problems: Sequence[Problem] = (),
    feedback: bool = True,
) -> Reminder | None:
    """The same e-mail cut to what a HYPERLINK formula holds (`MAX_FORMULA_LINK`): the
    subject, then of the body as much as fits of a greeting, one line on what to do,
    the deadline and the sender's name; None when not even the subject fits."""
    letter = _letter(settings, status, problems, feedback)
    if letter is None:
        return None
    sender = letter.signature[0].split(",")[0]
    full = [letter.greeting, letter.short, letter.deadline, f"Hälsningar\n{sender}"]
    full = [p for p in full if p]
    # a greeting alone says nothing: then the line alone, then the subject alone
    tries = [full[:n] for n in range(len(full), 1, -1)]
    return _fitted(letter, [*tries, [letter.short], []], MAX_FORMULA_LINK)


def _fitted(letter: _Letter, tries: list[list[str]], limit: int) -> Reminder | None:
    """The first of `tries` (the body's paragraphs) whose link is at most `limit` long."""
    for paragraphs in tries:
        found = Reminder(letter.to, letter.subject, "\n\n".join(paragraphs), letter.label)
        if len(found.mailto()) <= limit:
            return found
    return None


@dataclass(frozen=True)
class _Letter:
    """The parts of a message, put together by `reminder` and `short_reminder`."""

    to: str
    subject: str
    label: str
    greeting: str
    text: list[str]  # the paragraphs between greeting and closing
    reasons: list[str]  # those of `text` that may be left out when the link is too long
    short: str  # one line on what to do, for the short message
    deadline: str
    signature: list[str]


def _letter(
    settings: Settings, status: ReturnStatus, problems: Sequence[Problem], feedback: bool
) -> _Letter | None:
    avd = settings.avdelning(status.avdelning)
    if status.status not in CHASED or avd is None:
        return None
    if status.came_as:  # sent, under a code the settings lack: the settings are to fix
        return None
    to = avd.email.strip()
    if not _plausible_address(to):
        return None
    round_ = f"{fmt.in_sentence(settings.namnd_genitive)} {settings.kind} {settings.budget_year}"
    title = f"{fmt.sentence_start(settings.kind)} {settings.budget_year}"
    template = template_name(settings, avd)
    # no "är" or "var": the message is written at the collect and may be sent after the
    # deadline, which a reminder to a late avdelning mostly is
    deadline = (
        f"Sista dag för inlämning: {swedish_date(settings.deadline)}."
        if settings.deadline is not None
        else ""
    )
    to_office = (
        f"till {settings.contact_email}" if settings.contact_email else "som svar på det här mejlet"
    )
    yours = f"Arbetsboken ni fick från oss heter {template}."
    reasons: list[str] = []
    if status.status == "saknas":
        subject = f"{title}: arbetsboken från {avd.name} saknas"
        text = [
            f"Vi har ännu inte fått arbetsboken för {avd.name} till {round_}.",
            f"Arbetsboken heter {template}. Fyll i de gula cellerna, spara den som "
            f"Excel-arbetsbok (.xlsx) och skicka den {to_office}.",
        ]
        short = f"Vi saknar arbetsboken {template}."
        label = "Mejla en påminnelse"
    elif status.status == "oläslig":
        subject = f"{title}: arbetsboken från {avd.name} går inte att läsa"
        reasons = _reasons(p for p in problems if p.file == status.file)[:1]
        text = [
            f"Vi har fått filen {status.file} från {avd.name}, men vi kan inte läsa in "
            f"den i sammanställningen till {round_}.",
            *reasons,
            f"{yours} Skicka den igen {to_office}.",
        ]
        short = f"Skicka arbetsboken {template} igen."
        label = "Mejla om filen"
    elif any(p.file == status.file and p.code in rules.OTHER_TEMPLATE for p in problems):
        # last year's workbook filled again: correcting it, as the feedback e-mail
        # says, cannot make it this year's; this year's workbook is what to send
        years = f"{settings.budget_year}–{settings.plan_years[-1]}" if settings.plan_years else ""
        subject = f"{title}: arbetsboken från {avd.name} är inte årets"
        text = [
            f"Tack för filen {status.file}. Den är inte årets arbetsbok för {round_} "
            "och kan därför inte tas med.",
            f"Jag bifogar årets arbetsbok, {template}. Fyll i den och skicka den "
            f"{to_office}. Texterna kan ni kopiera från den gamla filen; beloppen ska "
            f"fyllas i för årets år{f', {years}' if years else ''}.",
        ]
        short = f"Fyll i årets arbetsbok, {template}, och skicka den."
        label = f"Mejla, bifoga {template}"
    elif any(p.file == status.file and p.code == rules.ROWS_ADDED_SINCE.code for p in problems):
        # a verksamhet (or driftpost) the office added after the workbook went out
        # (BB209): the head cannot add its rows; a new workbook with them is sent
        subject = f"{title}: ny arbetsbok till {avd.name}"
        text = [
            f"Tack för arbetsboken {status.file}. Efter att den skickades har "
            "avdelningens budget fått nya rader i budgetrundan, som inte finns i den, så "
            f"den kan inte tas med i sammanställningen till {round_}.",
            f"Jag bifogar en ny arbetsbok, {template}, där de finns med. För över era "
            f"uppgifter till den, fyll i de nya raderna och skicka den {to_office}.",
        ]
        short = f"Fyll i den nya arbetsboken {template} och skicka den."
        label = f"Mejla, bifoga nya {template}"
    elif any(p.file == status.file and p.code == rules.BLANK_RETURN.code for p in problems):
        # the template sent back as handed out (BB110): no cell is marked in the
        # feedback and nothing is to be corrected; the workbook is to be filled in
        subject = f"{title}: arbetsboken från {avd.name} är inte ifylld"
        text = [
            f"Tack för filen {status.file}. Den är inte ifylld: inga belopp, texter eller "
            "andra uppgifter har skrivits in, så den kan inte tas med i sammanställningen "
            f"till {round_}. Kanske skickades fel fil, till exempel den tomma arbetsboken "
            "i stället för den ifyllda.",
            f"{yours} Fyll i den och skicka den {to_office}.",
        ]
        short = f"Fyll i arbetsboken {template} och skicka den."
        label = "Mejla om arbetsboken"
    elif feedback:
        name = feedback_file_name(status.avdelning, settings)
        subject = f"{title}: arbetsboken från {avd.name} behöver rättas"
        one = status.errors == 1
        count = fmt.count(status.errors) if status.errors else "några"
        errors = "felet" if one else "felen"
        marked = "felet är markerat och listat" if one else "felen är markerade och listade"
        text = [
            f"Tack för arbetsboken {status.file}. Den har {count} fel som behöver "
            f"rättas innan den kan tas med i sammanställningen till {round_}.",
            f"Jag bifogar återkopplingen {name}: en kopia av er arbetsbok där "
            f"{marked} på första bladet, Återkoppling. Rätta {errors} i er egen "
            f"arbetsbok och skicka den igen {to_office}.",
        ]
        short = "Se den bifogade återkopplingen."
        label = f"Mejla, bifoga {name}"
    else:
        # errors but no feedback workbook: the file is not one of our workbooks, or
        # could not be opened to mark it (`collect_outputs`); the errors are the message
        subject = f"{title}: arbetsboken från {avd.name} behöver rättas"
        found = [p for p in problems if p.file == status.file and p.is_error]
        reasons = _reasons(found)
        n = status.errors or len(found)
        errors, fixed = ("felet", "rättat") if n == 1 else ("felen", "rättade")
        text = [
            f"Tack för filen {status.file}. Den har {fmt.count(n) if n else 'några'} fel "
            f"som gör att den inte kan tas med i sammanställningen till {round_}.",
            *reasons,
            f"{yours} Skicka den igen {to_office} när {errors} är {fixed}.",
        ]
        short = f"Skicka arbetsboken {template} igen."
        label = f"Mejla om {errors}"
    first = avd.head.split()[0] if avd.head.split() else ""
    signature = [x for x in (settings.contact_name, settings.contact_phone) if x]
    return _Letter(
        to=to,
        subject=subject,
        label=label,
        greeting=f"Hej {first}!" if first else "Hej!",
        text=[t for t in (*text, deadline) if t],
        reasons=reasons,
        short=short,
        deadline=deadline,
        signature=signature or ["Ekonomistaben"],
    )


def _reasons(problems: Iterable[Problem]) -> list[str]:
    """The findings' messages, as the paragraphs that say what is wrong: those that fit
    together within `_REASON_CHARS` (a long one would push the rest out of the link)."""
    kept: list[str] = []
    for p in problems:
        if len(p.message) + sum(map(len, kept)) <= _REASON_CHARS and p.message not in kept:
            kept.append(p.message)
    return kept
