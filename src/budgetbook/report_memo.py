"""Keep the consolidated workbook and the Word draft while nothing they are made from
changed (issue 8).

On deadline day `budgetbook run` and the Excel buttons are pressed again and again, and
often no return has changed since the last time: at 1 000 avdelningar consolidating and
writing both documents again took ~8 s to produce the same files. Both are functions
of the accepted returns and the settings (the collect's `basis`), of the code and the
libraries that write them, and the draft also of the date in its header. The archive
keeps, for the last pair written, the key of all that, each file's hash and the
consolidation's findings; when the key is the same and both files are still exactly
what was written (not edited, replaced or removed by hand), they are kept as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

from . import read_cache
from .archive import ARCHIVE_DIR, LEDGER, Archive, sha256_file
from .errors import OutputError
from .file_state import expect_text
from .fingerprint import installed_versions
from .model_base import CollectResult, Problem

KIND = "konsolidering+namndplan"
KEPT_NOTE = (
    "Konsolideringen och Word-utkastet är redan gjorda i dag av samma inlämningar och "
    "inställningar; de skrevs inte om."
)
# `run` with no return accepted any more removes the pair an earlier run made
REMOVED_NOTE = (
    "Konsolideringen och Word-utkastet från en tidigare körning togs bort: de byggde på "
    "inlämningar som inte längre är godkända."
)
# What writes the two documents and their charts: an upgrade may write them
# differently (the package's own code and resources are in the collect's basis).
WRITING_LIBRARIES = (
    "python-docx",
    "lxml",
    "matplotlib",
    "numpy",
    "pillow",
    "openpyxl",
    "XlsxWriter",
)


def key(collected: CollectResult, today: dt.date) -> str:
    """What the pair is made from; "" when the collect's basis is not known."""
    if not collected.basis:
        return ""
    digest = hashlib.sha256(f"{collected.basis}|{today.isoformat()}".encode())
    versions = installed_versions(WRITING_LIBRARIES)
    for name, version in zip(WRITING_LIBRARIES, versions, strict=True):
        digest.update(f"|{name}={version}".encode())
    return digest.hexdigest()


def kept(output: Path, made_from: str) -> tuple[list[Problem], list[Path]] | None:
    """The consolidation's findings and the two files (workbook, draft) when they were
    made from `made_from` and are unchanged since; else None (they must be written).
    Their paths are those recorded: the same key means the same settings (in the
    collect's basis) and so the same names, known without loading the settings (a
    `run` with nothing changed needs none, issue 8)."""
    if not made_from or not (output / ARCHIVE_DIR / LEDGER).is_file():
        return None
    try:
        with Archive(output) as archive:
            stored = archive.made(KIND)
        if stored is None or stored[0] != made_from:
            return None
        body = json.loads(stored[1])
        if type(body) is not dict:
            return None
        recorded = body.get("files")
        if type(recorded) is not list or len(recorded) != 2:
            return None
        paths = [Path(expect_text(name)) for name, _ in recorded]
        files = [[str(p), sha256_file(p)] if p.is_file() else [str(p), ""] for p in paths]
        if recorded != files:
            return None
        return read_cache.decoder(list[Problem])(body["problems"]), paths
    except (OSError, sqlite3.Error, OutputError, ValueError, TypeError, KeyError, RecursionError):
        return None  # whatever is wrong with the record: the files are written again


def remember(output: Path, made_from: str, paths: list[Path], problems: list[Problem]) -> None:
    """Record that `paths` were just written from `made_from`. The documents are
    written either way: an archive busy in another process (or unwritable) only means
    they are written again next time, never a failed run (review)."""
    if not made_from:
        return
    try:
        body = {
            "files": [[str(p), sha256_file(p)] for p in paths],
            "problems": read_cache.plain(problems),
        }
        with Archive(output) as archive:
            archive.set_made(KIND, made_from, json.dumps(body, ensure_ascii=False))
    except (OSError, sqlite3.Error, OutputError):
        return
