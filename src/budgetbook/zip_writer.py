"""A zip file written on a background thread (issue 8), for `xlsx_stream`."""

from __future__ import annotations

import queue
import threading
import zipfile
from collections.abc import Callable
from contextlib import suppress
from os import PathLike
from typing import Any


class ZipWriter:
    """The zip file, written by one background thread in the order the parts are given.

    Deflating and checksumming the ~200 MB of sheet XML of a large kommun took ~10 % of
    writing it (issue 8); zlib and the file writes release the GIL, so on this thread
    they overlap with the XML being built on the caller's. Only this thread touches the
    ZipFile. An error on it (a full disk) is raised in the caller at its next call.
    Threads work alike on Windows and POSIX.
    """

    def __init__(self, path: str | PathLike[str], level: int) -> None:
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level)
        self._member: Any = None  # the open member's writing handle (this thread's only)
        # a few 1 MB chunks in flight: enough to overlap, bounded in memory
        self._tasks: queue.Queue[tuple[Callable[..., None], tuple[Any, ...]] | None] = queue.Queue(
            maxsize=4
        )
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-zip", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (task := self._tasks.get()) is not None:
            if self._error is None:  # after an error, only drain: the caller will raise
                fn, args = task
                try:
                    fn(*args)
                except BaseException as exc:  # handed to the caller's thread
                    self._error = exc

    def _submit(self, fn: Callable[..., None], *args: Any) -> None:
        if self._error is not None:
            raise self._error
        self._tasks.put((fn, args))

    def _open(self, member: str) -> None:
        self._member = self.zip.open(member, "w", force_zip64=True)

    def _close_member(self) -> None:
        member, self._member = self._member, None
        member.close()

    def _write(self, data: bytes) -> None:
        self._member.write(data)

    def open(self, member: str) -> None:
        """Start writing part `member` (one at a time, as zipfile needs)."""
        self._submit(self._open, member)

    def write(self, data: bytes) -> None:
        self._submit(self._write, data)

    def close_member(self) -> None:
        self._submit(self._close_member)

    def writestr(self, member: str, data: bytes) -> None:
        self._submit(self.zip.writestr, member, data)

    def close(self) -> None:
        """Write the zip's directory and wait for the thread; raises its error if any."""
        try:
            self._submit(self.zip.close)
        finally:  # also when the thread failed before: it is stopped either way
            self._stop()
        if self._error is not None:
            raise self._error

    def abort(self) -> None:
        """After an error: stop the thread, close the handles, raise nothing."""
        with suppress(Exception):
            self._stop()
        if self._member is not None:
            with suppress(Exception):
                self._member.close()
            self._member = None
        with suppress(Exception):
            self.zip.close()

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._tasks.put(None)
            self._thread.join()
