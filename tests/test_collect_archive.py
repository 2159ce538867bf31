"""The archive: each version stored once by hash, a ledger to find and recover it."""

from __future__ import annotations

import hashlib
import os
import shutil
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from budgetbook.archive import Archive, list_versions, recover, sha256_file
from budgetbook.errors import OutputError
from budgetbook.model import CollectResult
from budgetbook.workspace import Workspace, init_workspace
from data.make_corpus import plain_workbook_bytes


def test_store_once_by_hash_and_recover(tmp_path: Path) -> None:
    inbox, output = tmp_path / "inbox", tmp_path / "output"
    inbox.mkdir()
    first = inbox / "FMO.xlsx"
    first.write_bytes(plain_workbook_bytes("Ett"))
    again = inbox / "FMO kopia.xlsx"
    again.write_bytes(first.read_bytes())
    second = inbox / "FMO v2.xlsx"
    second.write_bytes(plain_workbook_bytes("Två"))
    t0 = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
    with Archive(output) as archive:
        archive.receive(first, sha256_file(first), name=first.name, now=t0)
        v1 = archive.version(sha256_file(first))
        archive.receive(again, sha256_file(again), name=again.name, now=t0 + timedelta(hours=1))
        archive.receive(second, sha256_file(second), name=second.name, now=t0 + timedelta(hours=2))
        archive.set_avdelning(v1.sha256, "FMO")
        # Seen again later: the received time stays the first one.
        assert (
            archive.receive(first, v1.sha256, name=first.name, now=t0 + timedelta(days=3))[0] == t0
        )
    versions = list_versions(output)
    assert len(versions) == 2
    assert versions[0].names == ("FMO kopia.xlsx", "FMO.xlsx")
    assert versions[0].size == first.stat().st_size and versions[0].received == t0
    assert [v.sha256 for v in list_versions(output, "FMO")] == [v1.sha256]
    assert len(list(v1.stored.parent.iterdir())) == 2  # two distinct contents

    restored = recover(output, v1.sha256[:10], tmp_path)
    assert restored.read_bytes() == first.read_bytes()
    with pytest.raises(OutputError):
        recover(output, v1.sha256[:10], tmp_path)  # never overwrites
    with pytest.raises(OutputError):
        recover(output, "ffff", tmp_path)


def test_read_cache_round_trip(tmp_path: Path) -> None:
    with Archive(tmp_path) as archive:
        assert archive.cached_read("abc", "k") is None
        archive.save_read("abc", "k", '{"identity": {"BB_AVDELNING": "FMO"}}')
    with Archive(tmp_path) as archive:
        assert archive.cached_read("abc", "k") == '{"identity": {"BB_AVDELNING": "FMO"}}'
        assert archive.cached_read("abc", "other settings") is None


def test_a_cached_read_s_digest_is_of_its_text(tmp_path: Path) -> None:
    """What the collect memo compares: the sha256 of the row's text as UTF-8, the same
    whether the row was saved through this handle or is read back from the ledger."""
    import hashlib

    text = '{"identity": {"BB_AVDELNING": "ÄO"}, "text": "Måltider – 𝄞"}'
    with Archive(tmp_path) as archive:
        archive.save_read("abc", "k", text)
        saved = archive.read_digest("abc", "k")
        archive.db.execute("INSERT INTO reads VALUES ('def', 'k', ?)", (text.encode(),))
    assert saved == hashlib.sha256(text.encode()).hexdigest()
    with Archive(tmp_path) as archive:
        assert archive.read_digest("abc", "k") == saved
        assert archive.read_digest("abc", "other settings") is None
        assert archive.cached_read("def", "k") is None  # a blob row is no cached read
        assert archive.read_digest("def", "k") is None


def test_a_new_process_reuses_the_cached_reads(tmp_path: Path) -> None:
    """Re-running collect from the command line is a new process, with another string
    hash seed: the cache keys must not depend on it (issue 8: the settings' texts were
    ordered by a set, so every new process read every return again)."""
    import os
    import subprocess
    import sys

    from budgetbook.archive import Archive
    from budgetbook.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    for f in sorted(inbox.glob("*.xlsx"))[:2]:
        (ws.inbox / f.name).write_bytes(f.read_bytes())
    code = "import sys; from budgetbook import actions; actions.collect(sys.argv[1])"
    counts, stamps = [], set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(ws.root)], env=env, check=True)
        (report,) = ws.output.glob("inlamningskontroll_*.xlsx")
        stamps.add((report.stat().st_ino, report.stat().st_mtime_ns))
        with Archive(ws.output) as archive:
            counts.append(
                [
                    archive.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for t in ("reads", "prechecks")
                ]
            )
    assert counts == [[2, 2]] * 3  # a miss would add a row under another key
    assert len(stamps) == 1  # nor is the problem report written again
    # the first collect also left the parsed settings for the next process
    assert (ws.output / "arkiv" / "installningar.json").is_file()


def test_read_fingerprint_follows_every_settings_field(tmp_path: Path) -> None:
    """The settings part of the read-cache key follows every field's value: equal
    settings give the same key, any changed field another one."""
    import dataclasses

    from budgetbook.collect import read_fingerprint
    from budgetbook.schema import build_schema
    from budgetbook.settings import load_settings
    from budgetbook.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    first = load_settings(ws.settings_file)
    key = read_fingerprint(first, build_schema(first))
    again = load_settings(ws.settings_file)
    assert read_fingerprint(again, build_schema(again)) == key
    again.change_threshold_tkr += 1
    assert read_fingerprint(again, build_schema(again)) != key
    equal = dataclasses.replace(first, texts=dict(first.texts))
    assert read_fingerprint(equal, build_schema(equal)) == key  # equal content, same key
    other = dataclasses.replace(first, texts={**first.texts, "inledning": "Ny."})
    assert read_fingerprint(other, build_schema(other)) != key
    assert read_fingerprint(first, build_schema(first)) == key


def test_a_failed_precheck_is_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pre-check that failed on an exception (a file held by antivirus or OneDrive,
    memory running out) says nothing about the bytes: the next run checks it again
    instead of rejecting the return for good (review #2)."""
    from budgetbook import actions, safety
    from budgetbook.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    source = sorted(inbox.glob("*.xlsx"))[0]
    (ws.inbox / source.name).write_bytes(source.read_bytes())
    real = safety._precheck

    def held_by_another_program(path: Path, name: str) -> safety.SafetyResult:
        raise PermissionError(13, "used by another process", str(path))

    monkeypatch.setattr(safety, "_precheck", held_by_another_program)
    first = actions.collect(ws.root)
    assert any("PermissionError" in p.message for p in first.problems)
    with Archive(ws.output) as archive:
        assert archive.db.execute("SELECT count(*) FROM prechecks").fetchone()[0] == 0
    monkeypatch.setattr(safety, "_precheck", real)
    again = actions.collect(ws.root)
    assert not any("PermissionError" in p.message for p in again.problems)
    assert [s.file for s in again.statuses if s.file] == [source.name]
    assert again.submissions


def test_queued_version_updates_are_seen_and_kept(tmp_path: Path) -> None:
    """Content times and avdelningar are written together (issue 8), yet a lookup sees
    them at once, a copy of the same bytes received meanwhile changes nothing, and the
    ledger keeps them (the first content time found, as one update at a time did)."""
    data = plain_workbook_bytes()
    digest = hashlib.sha256(data).hexdigest()
    path = tmp_path / "a.xlsx"
    path.write_bytes(data)
    first = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with Archive(tmp_path / "output") as archive:
        archive.receive(path, digest, name="a.xlsx", data=data)
        archive.set_content_time(digest, first)
        known = archive.receive(path, digest, name="a (1).xlsx", data=data).content_time
        archive.set_content_time(digest, first + timedelta(hours=1))
        archive.set_avdelning(digest, "BIB")
        seen = archive.version(digest)
        assert seen is not None and (seen.content_time, seen.avdelning) == (first, "BIB")
        assert seen.names == ("a (1).xlsx", "a.xlsx")
        archive.set_avdelning(digest, "FRI")
    (kept,) = list_versions(tmp_path / "output")
    assert (kept.content_time, kept.avdelning) == (first, "FRI")
    assert known in (None, first)


def test_a_rerun_does_not_write_known_content_times_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook's own saved time is recorded once per version, not on every run
    (review #9)."""
    from budgetbook import actions
    from budgetbook.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    for f in sorted(inbox.glob("*.xlsx"))[:2]:
        (ws.inbox / f.name).write_bytes(f.read_bytes())
    written: list[str] = []
    real = Archive.set_content_time

    def recording(self: Archive, sha256: str, content_time: datetime) -> None:
        written.append(sha256)
        real(self, sha256, content_time)

    monkeypatch.setattr(Archive, "set_content_time", recording)
    actions.collect(ws.root)
    assert len(written) == 2
    written.clear()
    actions.collect(ws.root)
    assert written == []
    assert all(v.content_time is not None for v in list_versions(ws.output))


def test_the_sequential_fallback_reads_with_the_collector_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the process pool failed (a worker died, perhaps of out-of-memory), the
    files are read one by one without pausing the cyclic GC (review #10)."""
    import gc
    import os

    from budgetbook import actions, collect
    from budgetbook.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    files = sorted(inbox.glob("*.xlsx"))
    assert len(files) >= collect.PARALLEL_MIN_FILES
    for f in files:
        (ws.inbox / f.name).write_bytes(f.read_bytes())

    def no_pool(*args: object, **kwargs: object) -> None:
        raise OSError("no processes may be started here")

    states: list[bool] = []
    real = collect.read_one

    def reading(job: collect.ReadJob, *shared: object) -> collect.ReadOutcome:
        states.append(gc.isenabled())
        return real(job, *shared)

    monkeypatch.setattr(collect, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(collect, "read_one", reading)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    result = actions.collect(ws.root)
    assert len(states) == len(files) and all(states)
    assert len(result.submissions) == len(files)
    assert gc.isenabled()


def test_a_pool_that_breaks_midway_leaves_the_rest_to_sequential_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # results stream from the pool (their cache JSON is stored and dropped one by one);
    # when a worker dies after some files, the others are read here, each exactly once
    import gc
    import os
    from concurrent.futures.process import BrokenProcessPool

    from budgetbook import actions, collect
    from budgetbook.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    files = sorted(inbox.glob("*.xlsx"))
    for f in files:
        (ws.inbox / f.name).write_bytes(f.read_bytes())

    class BreaksAfterThree:
        def __init__(self, *args: object, initializer, initargs, **kwargs: object) -> None:
            initializer(*initargs)

        def __enter__(self) -> BreaksAfterThree:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def map(self, fn, items, chunksize: int = 1):
            for i, item in enumerate(items):
                if i == 3:
                    raise BrokenProcessPool("a worker died")
                yield fn(item)

        def shutdown(self) -> None:
            return None

    names: list[str] = []
    real = collect.read_one

    def reading(job: collect.ReadJob, *shared: object) -> collect.ReadOutcome:
        names.append(job.name)
        return real(job, *shared)

    monkeypatch.setattr(collect, "ProcessPoolExecutor", BreaksAfterThree)
    monkeypatch.setattr(collect, "read_one", reading)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    result = actions.collect(ws.root)
    assert sorted(names) == sorted(f.name for f in files)  # each read once
    assert len(result.submissions) == len(files)
    assert gc.isenabled()


def test_the_read_key_follows_every_settings_file(tmp_path: Path) -> None:
    """An action knows its settings by the files they were made from (issue 8: the
    repr of a large round's settings cost ~0.2 s a collect): any change of any of those
    files gives another key, and the returns are read again under it."""
    from budgetbook import actions
    from budgetbook.collect import read_fingerprint
    from budgetbook.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    for f in sorted(inbox.glob("*.xlsx"))[:2]:
        (ws.inbox / f.name).write_bytes(f.read_bytes())

    def key() -> str:
        r = actions.open_round(ws.root)
        return read_fingerprint(r.settings, r.schema, r.settings_inputs)

    def reads() -> int:
        with Archive(ws.output) as archive:
            return archive.db.execute("SELECT count(*) FROM reads").fetchone()[0]

    first = key()
    assert key() == first
    r = actions.open_round(ws.root)
    assert read_fingerprint(r.settings, r.schema) != first  # another scheme, another key
    actions.collect(ws.root)
    assert reads() == 2
    text = sorted((ws.root / "texter").glob("*.md"))[0]
    text.write_text("Ändrad.\n", encoding="utf-8")
    assert key() != first
    actions.collect(ws.root)
    assert reads() == 4  # read again under the new key
    prior = ws.root / "foregaende_ar.csv"
    prior.write_bytes(prior.read_bytes() + b"\n")
    changed = key()
    assert changed != first
    text.unlink()
    assert key() != changed


def test_a_first_collect_keeps_the_settings_it_loaded_while_reading(tmp_path: Path) -> None:
    """The settings cache entry is written while the workers read (issue 8), and it is
    the settings as loaded: with eight returns (the process pool) and with one."""
    import shutil

    from budgetbook import actions, settings_cache
    from budgetbook.collect import PARALLEL_MIN_FILES
    from budgetbook.settings import load_settings
    from budgetbook.workspace import init_workspace

    inbox = sorted((Path(__file__).resolve().parents[1] / "inbox").glob("*.xlsx"))
    assert len(inbox) >= PARALLEL_MIN_FILES
    for n, files in enumerate((inbox, inbox[:1])):
        ws = init_workspace(tmp_path / f"ws{n}")
        for f in files:
            shutil.copy2(f, ws.inbox / f.name)
        actions.collect(ws.root)
        parsed = load_settings(ws.settings_file)  # parsed again, without the cache
        key = settings_cache.entry_key(parsed.path, parsed.path.read_text(encoding="utf-8"))
        stored = settings_cache.read(ws.output / "arkiv", key)
        assert stored is not None and stored[0] == parsed


def test_feedback_written_by_the_pool_is_what_this_process_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the reader pool, the feedback workbooks are written by its workers while
    the problem report is written here (issue 8): the same workbooks, the same outputs."""
    import os
    import shutil

    import openpyxl

    from budgetbook import actions, collect
    from budgetbook.workspace import init_workspace

    inbox = sorted((Path(__file__).resolve().parents[1] / "inbox").glob("*.xlsx"))
    assert len(inbox) >= collect.PARALLEL_MIN_FILES

    def collected(name: str) -> tuple[dict[str, Path], dict[str, list]]:
        ws = init_workspace(tmp_path / name)
        for f in inbox:
            shutil.copy2(f, ws.inbox / f.name)
        outputs = actions.collect(ws.root).outputs
        books = {}
        for label, path in outputs.items():
            wb = openpyxl.load_workbook(path)
            books[label] = [
                (ws_.title, c.coordinate, c.value, c.comment.text if c.comment else None)
                for ws_ in wb.worksheets
                for row in ws_.iter_rows()
                for c in row
                if not isinstance(c.value, datetime)  # the time each was received
                and (c.value is not None or c.comment is not None)
            ]
        return {k: p.relative_to(ws.root) for k, p in outputs.items()}, books

    pooled = collected("pool")
    assert any(k.startswith("aterkoppling_") for k in pooled[0])
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # read and written in this process
    assert collected("one") == pooled


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="reads /proc")
def test_reader_workers_end_when_the_collecting_process_is_killed(tmp_path: Path) -> None:
    """A collect killed mid-way (Task Manager, a CI timeout, SIGTERM) must not leave its
    reader workers behind: they waited for work forever, each holding ~100 MB."""
    import subprocess
    import sys
    import time

    from budgetbook.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    script = f"""
import os
from concurrent.futures import ProcessPoolExecutor
from budgetbook import collect
from budgetbook.schema import build_schema
from budgetbook.settings import load_settings
settings = load_settings({str(ws.root)!r})
pool = ProcessPoolExecutor(2, initializer=collect._init_worker,
                           initargs=(settings, build_schema(settings)))
while len({{pool.submit(os.getpid).result() for _ in range(8)}}) < 2 or len(pool._processes) < 2:
    pass
open({str(tmp_path / "workers")!r}, "w").write(" ".join(map(str, pool._processes)))
os._exit(1)  # as if killed: no shutdown, no clean-up
"""
    # no pipes: a worker left behind would hold them open and this test would wait
    log = tmp_path / "log"
    with log.open("w") as err:
        subprocess.run([sys.executable, "-c", script], stdout=err, stderr=err, timeout=120)
    workers = [int(pid) for pid in (tmp_path / "workers").read_text().split()]
    assert len(workers) == 2, log.read_text()

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, 9)
    assert not left


def test_a_damaged_archived_copy_is_not_read_in_place_of_the_return(ws: Workspace) -> None:
    """An archived copy cut short or replaced by hand (a sync client, a restore) is
    stored again from the inbox file: a collect that must read the returns again (new
    settings) reads the bytes that came in, not the damaged copy (review: every return
    was reported unreadable and left out of the consolidation)."""
    from budgetbook import actions

    first = actions.collect(ws.root)
    assert first.submissions
    copies = sorted((ws.output / "arkiv" / "filer").iterdir())
    assert copies
    for copy in copies:
        copy.write_bytes(copy.read_bytes()[:1000])
    # a settings comment: a new read key, so every return is checked and read again
    ws.settings_file.write_text(
        ws.settings_file.read_text(encoding="utf-8") + "\n# kommentar\n", encoding="utf-8"
    )
    again = actions.collect(ws.root)
    assert again.statuses == first.statuses
    assert again.problems == first.problems
    assert list(again.submissions) == list(first.submissions)
    assert sorted(again.outputs) == sorted(first.outputs)
    for copy in copies:
        assert sha256_file(copy) == copy.stem  # the archive holds the received bytes again


@pytest.mark.parametrize("first_suffix", [".xls", ""])
def test_a_return_renamed_to_xlsx_is_read_as_one(
    ws: Workspace, tmp_path: Path, first_suffix: str
) -> None:
    """A return first sent under a wrong name (".xls", or none: a mail client lost it)
    and renamed to .xlsx, as the problem report tells, is read and given feedback as
    the same file sent under its right name at once: its archived copy was kept under
    the first name's suffix and read as that (review: still reported unreadable and
    left out of the consolidation; without a suffix, no feedback workbook)."""
    from budgetbook import actions

    fresh = init_workspace(tmp_path / "fresh")
    for f in sorted(ws.inbox.iterdir()):
        shutil.copyfile(f, fresh.inbox / f.name)
    expected = actions.collect(fresh.root)
    fmo = next(p for p in ws.inbox.iterdir() if "Förtroende" in p.name)
    wrong = fmo.rename(fmo.with_suffix(first_suffix))
    actions.collect(ws.root)
    wrong.rename(fmo)
    again = actions.collect(ws.root)

    def seen(result: CollectResult) -> list[tuple[object, ...]]:
        return [(s.avdelning, s.status, s.file, s.errors, s.warnings) for s in result.statuses]

    assert seen(again) == seen(expected)
    assert again.problems == expected.problems
    assert [s.avdelning for s in again.submissions] == [s.avdelning for s in expected.submissions]
    assert sorted(again.outputs) == sorted(expected.outputs)


def test_a_settings_cache_held_by_another_program_fails_no_run(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parsed settings kept in output/arkiv are only a shortcut: when their file
    cannot be replaced (held by OneDrive or an antivirus program, which on Windows
    refuses the rename) the run goes on, as for any folder that cannot be written
    (review: every collect and run failed with "filen är öppen i ett annat program"
    for a file the user never opened)."""
    from budgetbook import actions, settings_cache

    real = os.replace

    def held(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).name == settings_cache.CACHE_FILE:
            raise PermissionError(13, "used by another process", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", held)
    result = actions.run(ws.root)
    assert result.consolidation is not None
    assert not (ws.output / "arkiv" / settings_cache.CACHE_FILE).exists()
    monkeypatch.setattr(os, "replace", real)
    text = ws.settings_file.read_text(encoding="utf-8")
    ws.settings_file.write_text(text + "\n# kommentar\n", encoding="utf-8")
    assert actions.run(ws.root).reported is not None
    assert (ws.output / "arkiv" / settings_cache.CACHE_FILE).is_file()  # kept once it can be


def test_a_ledger_from_before_returns_were_kept_counts_its_versions(tmp_path: Path) -> None:
    """A ledger written before versions recorded whether they are this round's returns
    gets the column on opening; its versions count as returns, as they did, and one
    marked as none (last year's workbook, a blank template) is left out."""
    import sqlite3

    ledger = tmp_path / "output" / "arkiv" / "arkiv.sqlite"
    ledger.parent.mkdir(parents=True)
    with closing(sqlite3.connect(ledger)) as db:
        db.execute(
            "CREATE TABLE versions (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL,"
            " received TEXT NOT NULL, original_name TEXT NOT NULL, content_time TEXT,"
            " file_mtime TEXT, avdelning TEXT NOT NULL DEFAULT '', stored TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO versions VALUES ('aa', 1, '2026-11-10T08:00:00+00:00', 'a.xlsx',"
            " NULL, NULL, 'BIB', 'aa.xlsx')"
        )
        db.commit()
    data = plain_workbook_bytes()
    digest = hashlib.sha256(data).hexdigest()
    path = tmp_path / "b.xlsx"
    path.write_bytes(data)
    with Archive(tmp_path / "output") as archive:
        archive.receive(path, digest, name="b.xlsx", data=data)
        archive.set_avdelning(digest, "FRI", is_return=False)
        firsts = archive.first_arrivals()
    assert set(firsts) == {"BIB"}
    assert firsts["BIB"].came == datetime(2026, 11, 10, 8, tzinfo=UTC)
    assert {v.avdelning for v in list_versions(tmp_path / "output")} == {"BIB", "FRI"}
    # the ledger stays one an earlier budgetbook can add to (it inserts versions rows by
    # position: a ninth column made every collect of it fail, review)
    with closing(sqlite3.connect(ledger)) as db:
        db.execute(
            "INSERT INTO versions VALUES ('bb', 1, '2026-11-11T08:00:00+00:00', 'c.xlsx',"
            " NULL, NULL, '', 'bb.xlsx')"
        )
