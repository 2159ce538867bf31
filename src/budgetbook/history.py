"""Earlier submissions: list what the archive holds and compare two versions.

The archive (archive.py) keeps every received version byte for byte. `compare_versions`
reads two of them with the same reader collect uses and lists every figure and text
that differs, with the sheet and cell, so a finance officer can see what an avdelning
changed between two returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import rules, safety
from .archive import ArchivedVersion, list_versions
from .errors import OutputError
from .model import Submission
from .reader import read_return
from .schema import build_schema
from .settings import Settings


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions of a return. `old`/`new` None = absent."""

    sheet: str
    cell: str
    what: str
    old: int | str | None
    new: int | str | None


def find_version(output: Path, sha256_prefix: str) -> ArchivedVersion:
    matches = [v for v in list_versions(output) if v.sha256.startswith(sha256_prefix.lower())]
    if len(matches) != 1:
        raise OutputError(
            f"Ingen entydig version med kontrollsumman {sha256_prefix!r} i arkivet "
            f"({len(matches)} träffar). Se `budgetbook history` för kontrollsummorna."
        )
    return matches[0]


def compare_versions(
    output: Path, settings: Settings, old_prefix: str, new_prefix: str
) -> list[Change]:
    """Every figure and text that differs between two archived versions, in sheet order."""
    schema = build_schema(settings)
    subs = []
    for prefix in (old_prefix, new_prefix):
        version = find_version(output, prefix)
        if not version.stored.is_file():  # removed by hand or a sync tool: not the avdelning's
            raise OutputError(
                f"Versionen {version.sha256[:12]} ({version.original_name}) kan inte jämföras: "
                f"arkivets kopia av den saknas ({version.stored.name}). Kör `budgetbook "
                "collect`, så arkiveras den igen om filen finns kvar i inkorgen, eller jämför "
                "med en annan version (se `budgetbook history`)."
            )
        # the archive keeps every version received, also one the pre-check refused
        # (a far cell: calamine's grid would take gigabytes), so it is checked here too
        check = safety.precheck(version.stored, version.original_name)
        if not check.ok:
            raise _refused(version, check.problems[0].code if check.problems else "", check.reason)
        result = read_return(
            version.stored,
            settings,
            schema,
            name=version.original_name,
            inflated=check.inflated,
            members=check.members,
            package=check.package,
        )
        if result.submission is None:
            raise _refused(version, "", "")
        subs.append(result.submission)
    if subs[0].avdelning != subs[1].avdelning:  # a checksum copied from the wrong line
        raise OutputError(
            f"Versionerna gäller olika avdelningar ({subs[0].avdelning} och "
            f"{subs[1].avdelning}). Jämför två versioner av samma avdelning (se "
            f"`budgetbook history --avdelning {subs[1].avdelning}`)."
        )
    return diff_submissions(subs[0], subs[1], settings)


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
}
_UNREADABLE = (
    "den går inte att läsa som arbetsbok",
    "be avdelningen spara den som Excel-arbetsbok (.xlsx) och skicka den igen",
)


def _refused(version: ArchivedVersion, code: str, reason: str) -> OutputError:
    """The error for a version that cannot be read, in words for the finance officer."""
    what, ask = _REFUSED.get(code, _UNREADABLE)
    if reason:
        what += f": {reason}"
    return OutputError(
        f"Versionen {version.sha256[:12]} ({version.original_name}) kan inte jämföras: "
        f"{what}. Jämför med en annan version (se `budgetbook history`), eller {ask}."
    )


def diff_submissions(old: Submission, new: Submission, settings: Settings) -> list[Change]:
    """Drift amounts and comments, projects and texts that differ between two returns."""
    schema = build_schema(settings)
    drift, projects, texts = (schema.sheet(k).name for k in ("drift", "investeringar", "texter"))
    names = {d.code: d.name for d in settings.driftposter}
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
            changes.append(Change(drift, cell, label, a[0] if a else None, b[0] if b else None))

    was = {(line.verksamhet, line.driftpost): line.comment for line in old.drift}
    for line in new.drift:
        before_comment = was.get((line.verksamhet, line.driftpost), "")
        if before_comment != line.comment:
            label = f"Kommentar {line.verksamhet} {names.get(line.driftpost, line.driftpost)}"
            changes.append(
                Change(
                    drift, f"rad {line.row}", label, before_comment or None, line.comment or None
                )
            )

    old_projects = {p.id: p for p in old.projects}
    new_projects = {p.id: p for p in new.projects}
    for pid in sorted(old_projects.keys() | new_projects.keys()):
        a, b = old_projects.get(pid), new_projects.get(pid)
        if a is None or b is None:
            present = b or a
            label = f"Projekt {pid} {present.name}"  # type: ignore[union-attr]
            changes.append(
                Change(
                    projects,
                    f"rad {present.row}",
                    label,  # type: ignore[union-attr]
                    "finns" if a else None,
                    "finns" if b else None,
                )
            )
            continue
        for year in sorted(a.amounts.keys() | b.amounts.keys()):
            if a.amounts.get(year, 0) != b.amounts.get(year, 0):
                cell = b.cells.get(str(year), f"rad {b.row}")
                changes.append(
                    Change(
                        projects,
                        cell,
                        f"Projekt {pid} {year}",
                        a.amounts.get(year),
                        b.amounts.get(year),
                    )
                )
        for name in ("name", "category", "status", "decided_total", "description"):
            if getattr(a, name) != getattr(b, name):
                cell = b.cells.get(name, f"rad {b.row}")
                changes.append(
                    Change(
                        projects, cell, f"Projekt {pid} {name}", getattr(a, name), getattr(b, name)
                    )
                )

    for key in sorted(old.texts.keys() | new.texts.keys()):
        if old.texts.get(key, "") != new.texts.get(key, ""):
            changes.append(Change(texts, "", f"Text {key}", old.texts.get(key), new.texts.get(key)))
    return changes
