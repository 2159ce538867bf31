"""The archive of every received version: files stored once by sha256, a SQLite ledger.

Layout under `output/arkiv/`:
  arkiv.sqlite          the ledger (versions, receipts, returns, cached reads, memo)
  filer/<sha256><ext>   each distinct received file, byte for byte

`versions` has one row per distinct content (hash, size, first received time in UTC,
content time, avdelning); `receipts` one row per (hash, original name) so a file sent
again under a new name is recorded too; `returns` whether a version is one of the
round's returns (not last year's workbook or the blank template). `reads` caches the
reader's result per content hash and settings fingerprint as plain JSON (never pickle:
the folder may be shared), so an unchanged return is not read twice, and `prechecks`
the safety pre-check's verdict per content hash the same way: same bytes, same verdict
(issue 8).
`memo` keeps what the last completed collect was made from and found (`collect_memo`).
`list_versions` and `recover` let anyone find and restore an earlier submission.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from .errors import OutputError
from .inbox import arrival
from .workspace import atomic_write, unwritable, write_bytes_atomically

ARCHIVE_DIR = "arkiv"
LEDGER = "arkiv.sqlite"
FILES_DIR = "filer"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    received TEXT NOT NULL,          -- UTC ISO time collect first saw this content
    original_name TEXT NOT NULL,     -- the name it had when first received
    content_time TEXT,               -- workbook's own saved time (core.xml), UTC ISO
    file_mtime TEXT,                 -- inbox file's mtime when first received, UTC ISO
    avdelning TEXT NOT NULL DEFAULT '',
    stored TEXT NOT NULL             -- path relative to the archive folder
);
-- whether a version is one of the round's returns (1), or not: last year's workbook or
-- the blank template (0); none yet: not known. A table of its own, as the ledger may be
-- shared with an earlier budgetbook, which inserts versions rows by position.
CREATE TABLE IF NOT EXISTS returns (
    sha256 TEXT PRIMARY KEY,
    is_return INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS receipts (
    sha256 TEXT NOT NULL REFERENCES versions(sha256),
    original_name TEXT NOT NULL,
    received TEXT NOT NULL,
    PRIMARY KEY (sha256, original_name)
);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT PRIMARY KEY,           -- a derived output (feedback workbook), relative
    key TEXT NOT NULL                -- hash of what it was made from
);
CREATE TABLE IF NOT EXISTS prechecks (
    sha256 TEXT NOT NULL,
    key TEXT NOT NULL,               -- name + pre-check fingerprint
    result TEXT NOT NULL,            -- JSON text of the verdict (safety.encode_result)
    PRIMARY KEY (sha256, key)
);
CREATE TABLE IF NOT EXISTS reads (
    sha256 TEXT NOT NULL,
    key TEXT NOT NULL,               -- name + template version + settings fingerprint
    result BLOB NOT NULL,            -- JSON text of a read result (read_cache)
    PRIMARY KEY (sha256, key)
);
CREATE TABLE IF NOT EXISTS memo (
    id INTEGER PRIMARY KEY CHECK (id = 1),  -- one row: the last completed collect
    key TEXT NOT NULL,               -- code, time zone and workspace it is valid for
    body TEXT NOT NULL               -- JSON: what it was made from, and its result
);
CREATE TABLE IF NOT EXISTS made (
    kind TEXT PRIMARY KEY,           -- a set of outputs made together (report_memo)
    key TEXT NOT NULL,               -- hash of what they were made from
    body TEXT NOT NULL               -- JSON: the files written and their hashes, findings
);
"""


@dataclass(frozen=True, slots=True)
class ArchivedVersion:
    """One distinct received file as recorded in the ledger."""

    sha256: str
    size: int
    received: datetime
    original_name: str
    content_time: datetime | None
    file_mtime: datetime | None
    avdelning: str
    stored: Path  # absolute path of the archived copy
    names: tuple[str, ...] = ()  # every name it was received under
    # one of the round's returns (`Archive.set_avdelning`): False for last year's
    # workbook or the blank template; None when not known (not yet attributed, or a
    # ledger of before it was kept)
    is_return: bool | None = None

    @property
    def arrived(self) -> datetime:
        """When it came into inbox/ (`inbox.arrival`), as the Status sheet shows it."""
        return arrival(self.received, self.file_mtime, self.content_time)

    @property
    def saved(self) -> datetime:
        """When it was saved, as collect orders versions: by the workbook's own time,
        else the file's, else when it came."""
        return self.content_time or self.file_mtime or self.arrived


class FirstVersion(NamedTuple):
    """An avdelning's earliest version: when the first of them came, and when the first
    of them was saved (the workbook's own time; None if none is known)."""

    came: datetime
    saved: datetime | None


class Receipt(NamedTuple):
    """What `Archive.receive` tells a collect about a received file's content."""

    received: datetime  # when collect first saw this content
    stored: Path  # its archived copy
    content_time: datetime | None  # the workbook's own saved time, once known
    file_mtime: datetime | None  # the inbox file's mtime when the content was first seen


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _holds(stored: Path, data: bytes | None, source: Path) -> bool:
    """Whether the archived copy is there with the bytes received. One cut short or
    replaced by hand (a sync client, a restore) would otherwise be pre-checked and read
    in place of the return whenever its cached results do not apply (review). Without
    `data` (a file too large to pre-check, refused by its size) the size must match."""
    try:
        size = stored.stat().st_size
        if data is None:
            return size == source.stat().st_size
    except OSError:
        return False
    if size != len(data):
        return False
    try:
        return stored.read_bytes() == data
    except OSError:  # held by another program now (Windows): as before, it is read later
        return True


def damaged_ledger(exc: BaseException) -> str | None:
    """The Swedish message for an exception that says the archive's ledger is damaged
    (a broken page: sqlite's DatabaseError, not a lock or a full disk), else None.
    Every later run fails the same way until the file is moved, so the message says how."""
    if type(exc) is not sqlite3.DatabaseError:
        return None
    return (
        f"Arkivets databas ({ARCHIVE_DIR}/{LEDGER} i output-mappen) är skadad ({exc}). "
        "Flytta filen till en annan mapp och kör igen: arkivet börjar då om med returerna "
        f"i inbox, och de arkiverade kopiorna i {ARCHIVE_DIR}/{FILES_DIR} finns kvar."
    )


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Archive:
    """The archive of one workspace's output folder. Use as a context manager."""

    def __init__(self, output: Path):
        self.root = output / ARCHIVE_DIR
        self.files = self.root / FILES_DIR
        try:
            self.files.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # output/ on a share without write access, say
            failed = Path(exc.filename) if exc.filename else self.files
            raise unwritable(failed, exc, in_folder=True) from exc
        try:
            self.db = sqlite3.connect(self.root / LEDGER)
            # one transaction: a new ledger's tables each committed on their own took
            # ~80 ms of a first collect (a journal and sync per table, issue 8)
            self.db.executescript(f"BEGIN;\n{_SCHEMA}\nCOMMIT;")
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"Arkivet i {self.root} kunde inte öppnas: {exc}") from exc
        # digests of the read rows saved through this handle: the collect memo records
        # them without reading every row back from the ledger
        self._saved_reads: dict[tuple[str, str], str] = {}
        self._now: tuple[datetime, str, datetime] | None = None
        # updates of versions rows made one by one and run together (`_flush`): ~1 000
        # a collect each (issue 8); what they change is read only by `_versions`, and by
        # `receive` for a copy of the same bytes, for which an update not yet run only
        # means the same (idempotent) update queued again
        self._content_times: list[tuple[str | None, str]] = []
        self._avdelningar: list[tuple[str, str]] = []
        self._returns: list[tuple[str, int]] = []

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def commit(self) -> None:
        """Make the changes so far durable. Writes are batched: a commit per change cost
        ~4 ms each (an fsync), i.e. seconds per run with hundreds of returns (issue 8).
        The archived files themselves are written atomically as they are stored."""
        self._flush()
        self.db.commit()

    def close(self) -> None:
        self._flush()
        self.db.commit()
        self.db.close()

    def _flush(self) -> None:
        """Run the queued updates, in the order they were made."""
        if self._content_times:
            self.db.executemany(
                "UPDATE versions SET content_time = ? WHERE sha256 = ? AND content_time IS NULL",
                self._content_times,
            )
            self._content_times = []
        if self._avdelningar:
            self.db.executemany(
                "UPDATE versions SET avdelning = ? WHERE sha256 = ?", self._avdelningar
            )
            self._avdelningar = []
        if self._returns:
            self.db.executemany("INSERT OR REPLACE INTO returns VALUES (?, ?)", self._returns)
            self._returns = []

    # -- storing ----------------------------------------------------------------------

    def receive(
        self,
        path: Path,
        sha256: str,
        *,
        name: str,
        content_time: datetime | None = None,
        file_mtime: datetime | None = None,
        now: datetime | None = None,
        data: bytes | None = None,
    ) -> Receipt:
        """Record a received file and keep a copy (once per hash); return when that
        content was first received, its archived copy, its content time and the file's
        mtime when first received (what a collect needs; `version` has the whole record). With `data` (the file's bytes,
        whose hash is `sha256`) the copy is written from them: no second read and hash
        of the file. The inbox file is only read (copied), never touched otherwise."""
        now = now or datetime.now(UTC)
        row = self.db.execute(
            "SELECT stored, received, content_time, file_mtime FROM versions WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
        # under this name's suffix, whatever the ledger's first copy has: the pre-check,
        # calamine and openpyxl go by it, so the same bytes first sent as "X.xls" (or
        # with none) and renamed "X.xlsx" must be read as the .xlsx they now are (review)
        stored = self.files / f"{sha256}{Path(name).suffix.lower()[:10]}"
        if not _holds(stored, data, path):  # new, or the copy was removed or damaged
            if data is not None:
                write_bytes_atomically(stored, data)
            else:
                import shutil  # only to copy: a collect whose memo holds copies nothing

                with atomic_write(stored) as tmp:
                    shutil.copyfile(path, tmp)
            if data is None and sha256_file(stored) != sha256:  # changed while copied
                stored.unlink()
                raise OutputError(f"{name} ändrades medan den arkiverades; kör igen.")
        now_text, now_read = self._now_texts(now)
        if row is None:
            size = len(data) if data is not None else stored.stat().st_size
            self.db.execute(
                "INSERT INTO versions (sha256, size, received, original_name, content_time,"
                " file_mtime, stored) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (sha256, size, now_text, name, _iso(content_time), _iso(file_mtime), stored.name),
            )
        self.db.execute("INSERT OR IGNORE INTO receipts VALUES (?, ?, ?)", (sha256, name, now_text))
        if row is None:  # as the ledger now has it (its texts are what `version` parses)
            return Receipt(now_read, stored, _dt(_iso(content_time)), _dt(_iso(file_mtime)))
        # a copy of content seen before keeps that first sighting's times: a file copied
        # into inbox/ again later (a new mtime) is still the one received then
        return Receipt(_dt(row[1]) or now, stored, _dt(row[2]), _dt(row[3]))

    def _now_texts(self, now: datetime) -> tuple[str, datetime]:
        """`now` as the ledger writes it and as it reads back, once per collect (every
        file received in one collect shares its time; issue 8)."""
        if self._now is None or self._now[0] is not now:
            text = _iso(now) or ""
            self._now = (now, text, _dt(text) or now)
        return self._now[1], self._now[2]

    def set_content_time(self, sha256: str, content_time: datetime) -> None:
        """The workbook's own saved time, found by the pre-check of the archived copy."""
        self._content_times.append((_iso(content_time), sha256))

    def set_avdelning(self, sha256: str, avdelning: str, *, is_return: bool = True) -> None:
        """Whose version it is, and whether it is one of this round's returns (not last
        year's workbook or the blank template sent in by mistake)."""
        self._avdelningar.append((avdelning, sha256))
        self._returns.append((sha256, int(is_return)))

    def first_arrivals(self) -> dict[str, FirstVersion]:
        """Per avdelning, when the first of its versions came in (`inbox.arrival`) and
        when the first was saved: also those no longer in inbox/ (an earlier version
        removed once a corrected one came). Only this round's returns count: last
        year's workbook, saved a year ago, or the blank template, sent in time, make no
        return of the avdelning's in time (a version not in `returns`, from a ledger of
        before it was kept, counts as it did)."""
        self._flush()
        first: dict[str, FirstVersion] = {}
        rows = self.db.execute(
            "SELECT avdelning, received, file_mtime, content_time FROM versions"
            " LEFT JOIN returns USING (sha256) WHERE avdelning != '' AND is_return IS NOT 0"
        )
        for avdelning, received, file_mtime, content_time in rows:
            seen = _dt(received)
            if seen is None:
                continue
            saved = _dt(content_time)
            came = arrival(seen, _dt(file_mtime), saved)
            was = first.get(avdelning)
            if was is not None:
                came = min(came, was.came)
                saved = min(filter(None, (saved, was.saved)), default=None)
            first[avdelning] = FirstVersion(came, saved)
        return first

    # -- cached read results ----------------------------------------------------------

    def cached_read(self, sha256: str, key: str) -> str | None:
        """The cached read result (text, see `read_cache`), or None.

        Only text is ever returned: the ledger may sit on a shared drive, so nothing
        loaded from it may be able to run code (old pickled rows are ignored).
        """
        row = self.db.execute(
            "SELECT result FROM reads WHERE sha256 = ? AND key = ?", (sha256, key)
        ).fetchone()
        if row is None or not isinstance(row[0], str):
            return None
        return row[0]

    def save_read(self, sha256: str, key: str, result: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO reads VALUES (?, ?, ?)", (sha256, key, result))
        self._saved_reads[(sha256, key)] = hashlib.sha256(result.encode()).hexdigest()

    def read_digest(self, sha256: str, key: str) -> str | None:
        """The sha256 of a cached read result's text (None: there is none), to tell
        that a row is still the one an earlier collect used."""
        saved = self._saved_reads.get((sha256, key))
        if saved is not None:
            return saved
        # the row `cached_read` gives, as the UTF-8 bytes the ledger keeps its text in:
        # not decoded and encoded again, ~60 µs a return of a re-run (issue 8). (A
        # ledger in another encoding, never made by us, would only miss the memo.)
        row = self.db.execute(
            "SELECT CAST(result AS BLOB) FROM reads"
            " WHERE sha256 = ? AND key = ? AND typeof(result) = 'text'",
            (sha256, key),
        ).fetchone()
        return hashlib.sha256(row[0]).hexdigest() if row is not None else None

    def cached_check(self, sha256: str, key: str) -> str | None:
        """The cached pre-check verdict (JSON text, see `safety.encode_result`), or None."""
        row = self.db.execute(
            "SELECT result FROM prechecks WHERE sha256 = ? AND key = ?", (sha256, key)
        ).fetchone()
        return row[0] if row is not None and isinstance(row[0], str) else None

    def save_check(self, sha256: str, key: str, result: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO prechecks VALUES (?, ?, ?)", (sha256, key, result))

    # -- derived outputs (skip rewriting what has not changed) -------------------------

    def output_key(self, path: Path) -> str | None:
        row = self.db.execute("SELECT key FROM outputs WHERE path = ?", (path.name,)).fetchone()
        return row[0] if row else None

    def set_output_key(self, path: Path, key: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?)", (path.name, key))

    # -- the last completed collect (`collect_memo`) ----------------------------------

    def memo(self) -> tuple[str, str] | None:
        row = self.db.execute("SELECT key, body FROM memo WHERE id = 1").fetchone()
        return (row[0], row[1]) if row and all(isinstance(x, str) for x in row) else None

    def set_memo(self, key: str, body: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO memo VALUES (1, ?, ?)", (key, body))

    def clear_memo(self) -> None:
        self.db.execute("DELETE FROM memo")

    # -- outputs made together from a collect (`report_memo`) -------------------------

    def made(self, kind: str) -> tuple[str, str] | None:
        row = self.db.execute("SELECT key, body FROM made WHERE kind = ?", (kind,)).fetchone()
        return (row[0], row[1]) if row and all(isinstance(x, str) for x in row) else None

    def set_made(self, kind: str, key: str, body: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO made VALUES (?, ?, ?)", (kind, key, body))

    # -- looking up -------------------------------------------------------------------

    def version(self, sha256: str) -> ArchivedVersion | None:
        rows = list(self._versions("WHERE v.sha256 = ?", (sha256,)))
        return rows[0] if rows else None

    def versions(self, avdelning: str | None = None) -> list[ArchivedVersion]:
        """All archived versions, oldest received first; optionally of one avdelning."""
        if avdelning is None:
            return list(self._versions("", ()))
        # in any case, as typed: codes that differ only in case are refused by the
        # settings (they would name the same files on Windows)
        code = avdelning.casefold()
        return [v for v in self._versions("", ()) if (v.avdelning or "").casefold() == code]

    def _versions(self, where: str, params: tuple) -> Iterator[ArchivedVersion]:
        self._flush()
        query = (
            "SELECT v.sha256, v.size, v.received, v.original_name, v.content_time, "
            "v.file_mtime, v.avdelning, v.stored, "
            "(SELECT group_concat(r.original_name, char(31)) FROM receipts r "
            " WHERE r.sha256 = v.sha256), "
            "(SELECT t.is_return FROM returns t WHERE t.sha256 = v.sha256) "
            f"FROM versions v {where} ORDER BY v.received, v.sha256"
        )
        for row in self.db.execute(query, params):
            yield ArchivedVersion(
                sha256=row[0],
                size=row[1],
                received=_dt(row[2]) or datetime.now(UTC),
                original_name=row[3],
                content_time=_dt(row[4]),
                file_mtime=_dt(row[5]),
                avdelning=row[6],
                stored=self.files / row[7],
                names=tuple(sorted((row[8] or "").split("\x1f"))),
                is_return=None if row[9] is None else bool(row[9]),
            )


def list_versions(output: Path, avdelning: str | None = None) -> list[ArchivedVersion]:
    """Every archived version (of one avdelning), for finding an earlier submission."""
    if not (output / ARCHIVE_DIR / LEDGER).exists():
        return []
    with closing(Archive(output)) as archive:
        return archive.versions(avdelning)


def find_version(output: Path, sha256_prefix: str, workspace: Path | str = "") -> ArchivedVersion:
    """The one archived version whose hash starts with `sha256_prefix`. `workspace`: the
    -w argument of the command a message suggests (`cli_hints.hint`)."""
    matches = [v for v in list_versions(output) if v.sha256.startswith(sha256_prefix.lower())]
    if len(matches) == 1:
        return matches[0]
    from .cli_hints import hint  # only for the message: a collect's re-run imports no more

    if matches:
        said = (
            f"Kontrollsumman {sha256_prefix!r} är inte entydig: {len(matches)} versioner i "
            "arkivet har en kontrollsumma som börjar så. Skriv fler tecken av den"
        )
    else:
        said = f"Arkivet har ingen version med kontrollsumman {sha256_prefix!r}"
    raise OutputError(f"{said}. Se {hint('history', workspace)} för kontrollsummorna.")


def missing_copy(version: ArchivedVersion, cannot: str, workspace: Path | str = "") -> OutputError:
    """The error for a version whose archived copy is gone (removed by hand or by a sync
    tool): not the avdelning's doing, and the next collect archives it again from the
    inbox if the file is still there."""
    from .cli_hints import hint

    return OutputError(
        f"Versionen {version.sha256[:12]} ({version.original_name}) {cannot}: arkivets "
        f"kopia av den saknas ({version.stored.name}). Kör {hint('collect', workspace)}, "
        "så arkiveras den igen om filen finns kvar i inkorgen, eller välj en annan version "
        f"(se {hint('history', workspace)})."
    )


def recover(output: Path, sha256_prefix: str, dest: Path, workspace: Path | str = "") -> Path:
    """Copy an archived version (found by its hash or a unique prefix) to `dest`.

    `dest` is the file's path when it ends as the version's own name does (.xlsx), else
    a folder (the original name is kept; made if need be): `recover X ny/` wrote a file
    "ny" that Excel would not open, and "kopior.v2" is a folder's name. An existing
    file is never overwritten.
    """
    version = find_version(output, sha256_prefix, workspace)
    if not version.stored.is_file():
        raise missing_copy(version, "kan inte återställas", workspace)
    own = Path(version.original_name).suffix.lower()
    is_file = not dest.is_dir() and dest.suffix.lower() in {own, ".xlsx", ".xlsm"} - {""}
    target = dest if is_file else dest / version.original_name
    if target.exists():
        raise OutputError(f"{target} finns redan; inget skrevs över.")
    import shutil  # only to copy: see `Archive.receive`

    with atomic_write(target) as tmp:  # a folder it cannot make or write in: OutputError
        try:
            shutil.copyfile(version.stored, tmp)
        except OSError as exc:  # a full disk, a share gone
            raise unwritable(target, exc, in_folder=True) from exc
    return target
