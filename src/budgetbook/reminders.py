"""A ready e-mail to an avdelning's head about its return, as a `mailto:` link.

The finance office chases missing and faulty returns by e-mail; the inlämningskontroll's
Status sheet links each such avdelning to a message written here, which the user's
mail program opens for them to read, change and send. A `mailto:` link cannot attach
a file: the message to an avdelning whose return has errors names the feedback
workbook and says it is attached, and the link itself tells the sender to attach it
(`Reminder.label`).
"""

from __future__ import annotations

from collections.abc import Sequence
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
    settings: Settings, status: ReturnStatus, problems: Sequence[Problem] = ()
) -> Reminder | None:
    """The message to `status`'s avdelning head, or None when there is nothing to
    chase (the return is accepted) or no e-mail to send it to. `problems` are the
    return's findings (the reason an unreadable one could not be read)."""
    avd = settings.avdelning(status.avdelning)
    if status.status not in CHASED or avd is None:
        return None
    to = avd.email.strip()
    if not _plausible_address(to):
        return None
    round_ = f"{fmt.in_sentence(settings.namnd_genitive)} {settings.kind} {settings.budget_year}"
    title = f"{fmt.sentence_start(settings.kind)} {settings.budget_year}"
    template = template_name(settings, avd)
    deadline = (
        f"Sista dag för inlämning är {swedish_date(settings.deadline)}."
        if settings.deadline is not None
        else ""
    )
    to_office = (
        f"till {settings.contact_email}" if settings.contact_email else "som svar på det här mejlet"
    )
    reason = ""
    if status.status == "saknas":
        subject = f"{title}: arbetsboken från {avd.name} saknas"
        text = [
            f"Vi har ännu inte fått arbetsboken för {avd.name} till {round_}.",
            f"Arbetsboken heter {template}. Fyll i de gula cellerna, spara den som "
            f"Excel-arbetsbok (.xlsx) och skicka den {to_office}.",
            deadline,
        ]
        label = "Mejla en påminnelse"
    elif status.status == "oläslig":
        subject = f"{title}: arbetsboken från {avd.name} går inte att läsa"
        reason = next((p.message for p in problems if p.file == status.file), "")
        if len(reason) > _REASON_CHARS:
            reason = ""  # a long one would push the rest out of the link
        text = [
            f"Vi har fått filen {status.file} från {avd.name}, men den går inte att "
            f"läsa in till {round_}.",
            reason,
            f"Använd mallen {template} och skicka arbetsboken igen {to_office}.",
            deadline,
        ]
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
            deadline,
        ]
        label = f"Mejla, bifoga {template}"
    else:
        feedback = feedback_file_name(status.avdelning, settings)
        subject = f"{title}: arbetsboken från {avd.name} behöver rättas"
        one = status.errors == 1
        count = fmt.count(status.errors) if status.errors else "några"
        errors = "felet" if one else "felen"
        marked = "felet är markerat och listat" if one else "felen är markerade och listade"
        text = [
            f"Tack för arbetsboken {status.file}. Den har {count} fel som behöver "
            f"rättas innan den kan tas med i sammanställningen till {round_}.",
            f"Jag bifogar återkopplingen {feedback}: en kopia av er arbetsbok där "
            f"{marked} på första bladet, Återkoppling. Rätta {errors} i er egen "
            f"arbetsbok och skicka den igen {to_office}.",
            deadline,
        ]
        label = f"Mejla, bifoga {feedback}"
    first = avd.head.split()[0] if avd.head.split() else ""
    greeting = f"Hej {first}!" if first else "Hej!"
    signature = [x for x in (settings.contact_name, settings.contact_phone) if x]
    closing = "\n\nMed vänliga hälsningar\n" + "\n".join(signature or ["Ekonomistaben"])
    # the reason a file could not be read is left out first, then the whole body (very
    # long names in the settings): the subject alone still opens the right message to
    # the right person
    shorter = [t for t in text if t != reason] if reason else None
    for kept in (text, shorter):
        if kept is not None:
            paragraphs = [greeting, *(t for t in kept if t), "Hör av dig om du har frågor."]
            found = Reminder(to, subject, "\n\n".join(paragraphs) + closing, label)
            if len(found.mailto()) <= MAX_MAILTO:
                return found
    short = Reminder(to, subject, "", label)
    return short if len(short.mailto()) <= MAX_MAILTO else None
