"""Earlier submissions: list what the archive holds and compare two versions.

The archive (archive.py) keeps every received version byte for byte. `compare_versions`
reads two of them with the same reader collect uses and lists every figure and text
that differs, with the sheet and cell, so a finance officer can see what an avdelning
changed between two returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

from . import fmt, rules, safety
from .archive import ArchivedVersion, find_version, list_versions, missing_copy
from .checks import OTHER_TEMPLATE, identity_problems, is_budgetbook
from .cli_hints import hint
from .errors import OutputError
from .model import ControlPoint, GoalRow, Project, Risk, Submission, Uppdrag
from .reader import read_return
from .reader_sheets import xl_rowcol_to_cell
from .schema import PROJECT_STATUSES, YEAR, Schema, SheetDef, build_schema
from .settings import Settings

_Row = TypeVar("_Row", GoalRow, Uppdrag, Risk, ControlPoint)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions of a return. `old`/`new` None = absent."""

    sheet: str
    cell: str
    what: str
    old: int | str | None
    new: int | str | None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two archived versions of one avdelning's return, as given (OLD, NEW), and every
    figure and text that differs from OLD to NEW, in sheet order."""

    old: ArchivedVersion
    new: ArchivedVersion
    changes: list[Change]

    @property
    def later_first(self) -> LaterFirst | None:
        """Whether OLD is the later version, so that the changes read backwards (the
        two checksums given the other way round), in the order collect takes versions
        (`_in_order`): saved later, by the workbook's own saved time, else the file's;
        at the same saved time, received later (when it came into inbox/,
        `ArchivedVersion.arrived`, as history shows it). None when it is not. Ordered
        by when it came, a newer workbook saved into inbox/ before an older one (the
        mails read out of order) read as the earlier version, and compare PERS and
        collect took the other (second review)."""
        old, new = self.old, self.new
        if old.saved != new.saved:
            return LaterFirst("saved", old.saved, new.saved) if old.saved > new.saved else None
        if old.arrived != new.arrived:
            later = old.arrived > new.arrived
            return LaterFirst("received", old.arrived, new.arrived) if later else None
        return None


class LaterFirst(NamedTuple):
    """OLD is the later version: by what ("received" or "saved"), and the two times."""

    what: Literal["received", "saved"]
    old: datetime
    new: datetime


def compare_versions(
    output: Path, settings: Settings, old_prefix: str, new_prefix: str, workspace: str = ""
) -> Comparison:
    """Every figure and text that differs between two archived versions, in sheet order.
    `workspace`: the -w argument the commands suggested in a message take (`hint`)."""
    schema = build_schema(settings)
    versions = [find_version(output, prefix, workspace) for prefix in (old_prefix, new_prefix)]
    subs = [_load(version, settings, schema, workspace) for version in versions]
    return _compared(versions, subs, settings, workspace)


def _compared(
    versions: Sequence[ArchivedVersion],
    subs: Sequence[Submission],
    settings: Settings,
    workspace: str,
) -> Comparison:
    if subs[0].avdelning != subs[1].avdelning:
        old, new = versions
        raise OutputError(
            f"Versionerna {old.sha256[:12]} och {new.sha256[:12]} gäller olika avdelningar "
            f"({subs[0].avdelning} och {subs[1].avdelning}) och kan inte jämföras. Jämför "
            "två versioner av samma avdelnings arbetsbok (se "
            f"{hint('history', workspace, '--avdelning', subs[1].avdelning)})."
        )
    return Comparison(versions[0], versions[1], diff_submissions(subs[0], subs[1], settings))


class _Refused(OutputError):
    """A version that cannot be compared: not readable, or no return of this round's."""


def _load(
    version: ArchivedVersion, settings: Settings, schema: Schema, workspace: str
) -> Submission:
    """The version read as collect reads it; `_Refused` when it cannot be compared, an
    OutputError when its archived copy is gone."""
    if not version.stored.is_file():
        raise missing_copy(version, "kan inte jämföras", workspace)
    # the archive keeps every version received, also one the pre-check refused
    # (a far cell: calamine's grid would take gigabytes), so it is checked here too
    check = safety.precheck(version.stored, version.original_name)
    if not check.ok:
        code = check.problems[0].code if check.problems else ""
        raise _refused(version, code, check.reason, workspace, check.kind)
    result = read_return(
        version.stored,
        settings,
        schema,
        name=version.original_name,
        inflated=check.inflated,
        members=check.members,
        package=check.package,
    )
    if result.submission is None or result.unread is not None:
        # only part of it read would show every figure after the failure as removed
        raise _refused(version, *(result.unread or ("", "")), workspace)
    if not is_budgetbook(result.identity):  # its figures would all show as removed
        raise _refused(version, rules.NOT_BUDGETBOOK.code, "", workspace)
    # another round's (last year's) workbook or an older template: read against this
    # round's sheets, its figures stood under this year's headings, shifted a year
    for problem in identity_problems(result.identity, version.original_name, settings):
        if problem.code in OTHER_TEMPLATE:
            raise _refused(version, problem.code, "", workspace)
    return result.submission


def compare_with_previous(
    output: Path, settings: Settings, what: str, workspace: str = ""
) -> Comparison:
    """What changed in an avdelning's latest version (`what` its code), or in the
    version `what` (a checksum or its start), since the version of the same avdelning
    saved before it: the question asked on deadline day of a workbook sent again.

    Only the versions collect takes for the avdelning's return count, as it takes them:
    one of the round's returns (not last year's workbook or the blank template, as the
    archive records them, `ArchivedVersion.is_return`) that can be read (not a PDF sent
    by mistake). `compare PERS` took such a stray file, saved last or before the latest,
    for the latest or the one before, and failed on it (review).
    `workspace`: the -w argument the commands suggested in a message take (`hint`)."""
    schema = build_schema(settings)
    code = _avdelning_code(settings, what)
    new: ArchivedVersion | None = None
    if code is not None:
        versions = _in_order(list_versions(output, code))
        if not versions:
            raise OutputError(
                f"Arkivet har ingen version från avdelningen {code}. Se "
                f"{hint('history', workspace)} för alla avdelningars versioner."
            )
        skipped = [v for v in versions if v.is_return is False]
        for version in reversed([v for v in versions if v not in skipped]):
            try:
                new_sub = _load(version, settings, schema, workspace)
            except _Refused:
                skipped.append(version)
                continue
            new = version
            break
        if new is None:
            raise OutputError(
                f"Arkivet har ingen version från avdelningen {code} som kan jämföras: "
                f"{_names(skipped, versions)} {_no_return(skipped)} som collect tar med "
                "(se inlämningskontrollen)."
            )
    else:
        if not _CHECKSUM.fullmatch(what):
            codes = ", ".join(a.code for a in settings.avdelningar)
            raise OutputError(
                f"{what!r} är varken en avdelnings kod ({codes}) eller början på en "
                f"kontrollsumma i arkivet. Se {hint('history', workspace)} för "
                "kontrollsummorna."
            )
        new = find_version(output, what, workspace)
        if not new.avdelning:
            raise OutputError(
                f"Versionen {new.sha256[:12]} ({new.original_name}) kunde inte knytas till "
                "någon avdelning, så den har ingen tidigare version att jämföras med. Jämför "
                f"den med en annan version: {hint('compare', workspace, 'GAMMAL', 'NY')}."
            )
        new_sub = _load(new, settings, schema, workspace)
        versions = _in_order(list_versions(output, new.avdelning))
        skipped = [v for v in versions if v.is_return is False and v.sha256 != new.sha256]
    at = next(i for i, v in enumerate(versions) if v.sha256 == new.sha256)
    for version in reversed([v for v in versions[:at] if v not in skipped]):
        try:
            old_sub = _load(version, settings, schema, workspace)
        except _Refused:
            skipped.append(version)
            continue
        return _compared([version, new], [old_sub, new_sub], settings, workspace)
    # none before it: the only version to compare, or the first (a later one given)
    others = [v for v in versions if v.sha256 != new.sha256 and v not in skipped]
    which = " den första" if others else " den enda"
    stray = ""
    if skipped:
        which += " jämförbara"
        stray = f" ({_names(skipped, versions)} {_no_return(skipped)} som collect tar med.)"
    raise OutputError(
        f"Versionen {new.sha256[:12]} ({new.original_name}, mottagen "
        f"{new.arrived.astimezone():%Y-%m-%d %H:%M}) är{which} från avdelningen "
        f"{new.avdelning} i arkivet, så det finns ingen tidigare version att jämföra med."
        f"{stray}"
    )


def _names(versions: Sequence[ArchivedVersion], order: Sequence[ArchivedVersion]) -> str:
    """The versions' file names, in `order` (the avdelning's versions)."""
    ordered = [v for v in order if v in versions]
    names = [f"{v.original_name} ({v.sha256[:12]})" for v in ordered]
    return fmt.name_list(names, len(names))


def _no_return(versions: Sequence[ArchivedVersion]) -> str:
    return "är ingen inlämning" if len(versions) == 1 else "är inga inlämningar"


_CHECKSUM = re.compile(r"[0-9a-fA-F]{1,64}")


def _avdelning_code(settings: Settings, what: str) -> str | None:
    """The avdelning's code if `what` is one, in any case (codes that differ only in
    case are refused by the settings)."""
    wanted = what.strip().casefold()
    return next((a.code for a in settings.avdelningar if a.code.casefold() == wanted), None)


def _in_order(versions: list[ArchivedVersion]) -> list[ArchivedVersion]:
    """Oldest first, as collect takes the latest of an avdelning's versions: by when it
    was saved (the workbook's own time, else the file's), then when it came."""
    return sorted(versions, key=lambda v: (v.saved, v.arrived, v.original_name))


# What a refused version is and what the finance officer can ask of the avdelning, by
# the pre-check's rule. The rule's own message advises the department head ("skicka den
# igen"), who reads the problem report and feedback; compare's reader is the officer.
_REFUSED = {
    rules.NOT_READABLE.code: (
        "den går inte att läsa som Excel-arbetsbok",
        "be avdelningen spara den som Excel-arbetsbok (.xlsx) och skicka den igen",
    ),
    rules.ENCRYPTED.code: (
        "den är krypterad eller skyddad med lösenord",
        "be avdelningen ta bort lösenordet och skicka den igen",
    ),
    rules.UNSAFE.code: (
        "den avvisades av säkerhetsskäl",
        "be avdelningen spara den på nytt som .xlsx i Excel och skicka den igen",
    ),
    rules.NOT_BUDGETBOOK.code: (
        "den är ingen arbetsbok från budgetbook (identitetsuppgifterna saknas)",
        "be avdelningen fylla i arbetsboken som ni skickade ut och skicka in den",
    ),
    rules.WRONG_ROUND.code: (
        "den är gjord i arbetsboken för en annan runda eller ett annat år, så dess "
        "belopp står under andra år än i årets arbetsbok",
        "be avdelningen föra över sina uppgifter till årets arbetsbok och skicka in den",
    ),
    rules.OLD_VERSION.code: (
        "den är gjord i en äldre version av arbetsboken, vars kolumner inte är desamma "
        "som i årets arbetsbok",
        "be avdelningen föra över sina uppgifter till årets arbetsbok och skicka in den",
    ),
}
_UNREADABLE = (
    "den går inte att läsa som arbetsbok",
    "be avdelningen spara den som Excel-arbetsbok (.xlsx) och skicka den igen",
)
# For a file that cannot be read, what to ask by what kind of file it is (BB100's
# advice to the head, `rules.UNREADABLE_ADVICE`): a PDF cannot be saved as .xlsx.
_ASK_BY_KIND = {
    rules.OTHER_FILE: "be avdelningen skicka den ifyllda arbetsboken i stället",
    rules.EMPTY: "be avdelningen skicka den igen",
}


def _refused(
    version: ArchivedVersion, code: str, reason: str, workspace: str, kind: str = ""
) -> _Refused:
    """The error for a version that cannot be read, in words for the finance officer."""
    what, ask = _REFUSED.get(code, _UNREADABLE)
    ask = _ASK_BY_KIND.get(kind, ask)
    if reason:  # a reason not to read it says what kind of file it is not
        what = f"{'den går inte att läsa' if code == rules.NOT_READABLE.code else what}: {reason}"
    return _Refused(
        f"Versionen {version.sha256[:12]} ({version.original_name}) kan inte jämföras: "
        f"{what}. Jämför med en annan version (se {hint('history', workspace)}), eller {ask}."
    )


def diff_submissions(old: Submission, new: Submission, settings: Settings) -> list[Change]:
    """Drift amounts and comments, projects, goals, uppdrag, risks, controls and texts
    that differ between two returns, named as the workbook names them (its headings,
    the category's and status's names as in its lists, the text section's title)."""
    schema = build_schema(settings)
    changes = _drift(old, new, schema.sheet("drift"), settings)
    changes += _projects(old, new, schema.sheet("investeringar"), settings)
    years = {f"value_{y}": y for y in range(settings.budget_year - 2, settings.budget_year)}
    changes += _rows(
        schema.sheet("mal"),
        old.goals,
        new.goals,
        lambda g: f"{g.goal} {g.indicator}",
        lambda g, key: g.values.get(years[key]) if key in years else getattr(g, key),
        ("source", *years, "target", "comment"),
    )
    changes += _rows(
        schema.sheet("uppdrag"),
        old.uppdrag,
        new.uppdrag,
        lambda u: u.text,
        getattr,
        ("start", "status", "comment"),
    )
    changes += _rows(
        schema.sheet("risker"),
        old.risks,
        new.risks,
        lambda r: r.description,
        getattr,
        ("positive", "negative", "comment"),
    )
    changes += _rows(
        schema.sheet("internkontroll"),
        old.controls,
        new.controls,
        lambda c: f"{c.riskomrade} {c.risk}",
        getattr,
        ("riskvarde", "kontrollmetod", "tidpunkt"),
    )
    texts = schema.sheet("texter")  # one locked row per section, in the settings' order
    for i, section in enumerate(settings.text_sections):
        was, now = old.texts.get(section.key), new.texts.get(section.key)
        if (was or "") != (now or ""):
            cell = _a1(texts, "text", texts.first_data_row + i)
            changes.append(Change(texts.name, cell, f"Text {section.title}", was, now))
    return changes


def _drift(old: Submission, new: Submission, drift: SheetDef, settings: Settings) -> list[Change]:
    names = {d.code: d.name for d in settings.driftposter}
    sheet = drift.name
    changes: list[Change] = []

    def amounts(sub: Submission) -> dict[tuple[str, str, int], tuple[int, str]]:
        return {
            (line.verksamhet, line.driftpost, year): (amount, line.cells.get(year, ""))
            for line in sub.drift
            for year, amount in line.amounts.items()
        }

    # in the sheet's order (row, then year), not by the driftposter's codes
    rows = {(line.verksamhet, line.driftpost): line.row or 0 for line in old.drift}
    rows.update({(line.verksamhet, line.driftpost): line.row or 0 for line in new.drift})
    before, after = amounts(old), amounts(new)
    for key in sorted(before.keys() | after.keys(), key=lambda k: (rows[k[:2]], k)):
        a, b = before.get(key), after.get(key)
        if (a[0] if a else None) != (b[0] if b else None):
            verksamhet, post, year = key
            cell = (b or a)[1]  # type: ignore[index]
            label = f"{verksamhet} {names.get(post, post)} {year}"
            changes.append(Change(sheet, cell, label, a[0] if a else None, b[0] if b else None))

    was = {(line.verksamhet, line.driftpost): line.comment for line in old.drift}
    for line in new.drift:
        before_comment = was.get((line.verksamhet, line.driftpost), "")
        if before_comment != line.comment:
            label = f"Kommentar {line.verksamhet} {names.get(line.driftpost, line.driftpost)}"
            cell = _a1(drift, "comment", line.row)
            changes.append(Change(sheet, cell, label, before_comment or None, line.comment or None))
    return changes


def _projects(
    old: Submission, new: Submission, sheet: SheetDef, settings: Settings
) -> list[Change]:
    def shown(project: Project, key: str) -> int | str | None:
        value = getattr(project, key)
        if key == "category":  # stored by its code, listed by its name
            category = settings.category(value)
            return category.name if category else value
        if key == "status":  # stored folded
            return next((s for s in PROJECT_STATUSES if s.casefold() == value), value)
        return value

    changes: list[Change] = []
    old_projects = {p.id: p for p in old.projects}
    new_projects = {p.id: p for p in new.projects}
    for pid in sorted(old_projects.keys() | new_projects.keys()):
        a, b = old_projects.get(pid), new_projects.get(pid)
        if a is None or b is None:
            present = b or a
            label = f"Projekt {pid} {present.name}"  # type: ignore[union-attr]
            changes.append(
                Change(
                    sheet.name,
                    f"rad {present.row}",  # type: ignore[union-attr]
                    label,
                    "finns" if a else None,
                    "finns" if b else None,
                )
            )
            continue
        for year in sorted(a.amounts.keys() | b.amounts.keys()):
            if a.amounts.get(year, 0) != b.amounts.get(year, 0):
                cell = b.cells.get(str(year), f"rad {b.row}")
                label = f"Projekt {pid} {year}"
                changes.append(
                    Change(sheet.name, cell, label, a.amounts.get(year), b.amounts.get(year))
                )
        for key in ("name", "category", "status", "decided_total", "description"):
            if getattr(a, key) != getattr(b, key):
                cell = b.cells.get(key, f"rad {b.row}")
                label = f"Projekt {pid} {sheet.column(key).heading}"
                changes.append(Change(sheet.name, cell, label, shown(a, key), shown(b, key)))
    return changes


def _rows(
    sheet: SheetDef,
    old: Sequence[_Row],
    new: Sequence[_Row],
    key: Callable[[_Row], str],
    value: Callable[[_Row, str], int | str | None],
    columns: tuple[str, ...],
) -> list[Change]:
    """The rows of a sheet whose rows have no id (goals, uppdrag, risks, controls),
    matched by what names them (an uppdrag by its text; `_named`): one that is in one version
    only, and each column that differs."""
    changes: list[Change] = []
    before, after = _named(old, key), _named(new, key)
    for named in [k for k in before if k not in after] + list(after):
        a, b = before.get(named), after.get(named)
        name = named[0]
        label = name if len(name) <= _LABEL else name[: _LABEL - 1] + "…"
        present = b or a
        cells: dict[str, str] = getattr(present, "cells", {})
        if a is None or b is None:
            where = f"rad {present.row}"  # type: ignore[union-attr]
            changes.append(
                Change(sheet.name, where, label, "finns" if a else None, "finns" if b else None)
            )
            continue
        for column in columns:
            was, now = value(a, column), value(b, column)
            if sheet.column(column).type == YEAR:
                # a year is no amount: "2027", never "2 027" as an amount is shown
                was, now = (None if v is None else str(v) for v in (was, now))
            if (was or None) != (now or None):
                where = cells.get(column) or _a1(sheet, column, b.row)
                heading = sheet.column(column).heading
                changes.append(
                    Change(sheet.name, where, f"{label} {heading}", was or None, now or None)
                )
    return changes


def _named(rows: Sequence[_Row], key: Callable[[_Row], str]) -> dict[tuple[str, int], _Row]:
    """The rows by what names them and which of the rows so named they are: two
    controls of one risk (one row each, as internkontrollplaner list them) are two rows,
    not one that hides the first."""
    seen: dict[str, int] = {}
    named: dict[tuple[str, int], _Row] = {}
    for row in rows:
        name = key(row)
        seen[name] = seen.get(name, 0) + 1
        named[(name, seen[name])] = row
    return named


_LABEL = 50  # an uppdrag's or indicator's text names its row, shortened to this


def _a1(sheet: SheetDef, column: str, row: int) -> str:
    """The cell of `column` on the sheet's (1-based) `row`."""
    return xl_rowcol_to_cell(row - 1, sheet.index(column))
