"""Big tables written straight into the saved .docx instead of the document tree.

A table with one row per verksamhet or project (tens of thousands of rows at the scale
of a large kommun) costs far more as lxml elements than as text: parsing it, holding it
(~1.7 GB for the N = 1000 benchmark's draft) and serializing it again on save (issue 8).
So the builder puts a processing instruction `<?budgetbook-table N?>` where table N
goes, and `save` writes the document with python-docx, then copies the package,
streaming each table's XML in place of its placeholder. The saved file is the same as
if the tables had been in the tree.

The main part is deflated on two background threads while the tables' XML is made:
zlib and crc32 release the GIL, so compressing (~0.4 s of CPU for the N = 1000 draft)
overlaps the XML instead of following each chunk of it, and is itself split over the
cores (`_ParallelDeflate`, issue 8). The compression level stays; the parts are the
same bytes, the compressed stream a little different from one zlib stream's.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO

from docx.document import Document
from lxml import etree

TARGET = "budgetbook-table"
_PLACEHOLDER = re.compile(rb"<\?" + TARGET.encode() + rb" (\d+)\?>")
# Chunks (~500 table rows each) written or waiting to be: bounds the memory held when
# the writer falls behind.
MAX_PENDING = 4
DEFLATERS = 2  # threads deflating the main part (see _ParallelDeflate)
_WINDOW = 32 * 1024
# zipfile's deflate: the default level (6), raw (no zlib header)
_RAW_DEFLATE = (
    zlib.Z_DEFAULT_COMPRESSION,
    zlib.DEFLATED,
    -zlib.MAX_WBITS,
)  # deflate's window: how far back a piece may refer


class DeferredTables:
    """Tables whose XML is produced only when the document is saved."""

    def __init__(self) -> None:
        self._makers: list[Callable[[], Iterable[bytes | str]]] = []

    def add(self, make: Callable[[], Iterable[bytes | str]]) -> etree._ProcessingInstruction:
        """A placeholder element for the table whose XML chunks `make()` yields (UTF-8
        bytes, or text)."""
        self._makers.append(make)
        return etree.ProcessingInstruction(TARGET, str(len(self._makers) - 1))

    def save(self, doc: Document, path: Path) -> None:
        """Save python-docx `doc` to `path` with every placeholder replaced by its table.

        The main part is found by its name in `doc`, not assumed to be
        word/document.xml: Word Online saves it as word/document2.xml and the like, and
        python-docx keeps that name. Raises ValueError when a table was not written."""
        main_part = doc.part.partname.membername
        done: set[int] = set()
        buffer = io.BytesIO()
        doc.save(buffer)
        buffer.seek(0)
        with (
            zipfile.ZipFile(buffer) as source,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                data = source.read(info)
                if info.filename != main_part:
                    target.writestr(info, data)
                    continue
                out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                out.compress_type = zipfile.ZIP_DEFLATED
                with (
                    ThreadPoolExecutor(DEFLATERS, thread_name_prefix="docx-deflate") as pool,
                    target.open(out, "w", force_zip64=True) as fh,
                ):
                    if getattr(fh, "_compressor", None) is not None:
                        # zipfile's own compressor, replaced by one of the same interface
                        # (private to zipfile: without it, deflated on one thread as before)
                        fh._compressor = _ParallelDeflate(pool)  # type: ignore[attr-defined]
                    self._expand(data, fh, done)
        if len(done) != len(self._makers):
            raise ValueError("a table placeholder went missing from the document")

    def _expand(self, xml: bytes, fh: IO[bytes], done: set[int]) -> None:
        # one writer thread: the chunks reach `fh` in order; a failed write raises here
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="docx-write") as writer:
            pending: deque[Future[int]] = deque()

            def write(data: bytes) -> None:
                pending.append(writer.submit(fh.write, data))
                while len(pending) > MAX_PENDING:
                    pending.popleft().result()

            pos = 0
            for match in _PLACEHOLDER.finditer(xml):
                write(xml[pos : match.start()])
                number = int(match.group(1))
                if number in done or number >= len(self._makers):
                    raise ValueError(f"unexpected table placeholder {number}")
                done.add(number)
                for chunk in self._makers[number]():
                    write(chunk if isinstance(chunk, bytes) else chunk.encode())
                pos = match.end()
            write(xml[pos:])
            while pending:
                pending.popleft().result()


def _deflated(data: bytes, primer: bytes) -> bytes:
    """`data` as raw deflate blocks ending on a byte boundary (Z_SYNC_FLUSH), back
    references reaching into `primer`, the data just before it."""
    if primer:
        compressor = zlib.compressobj(*_RAW_DEFLATE, zdict=primer)
    else:
        compressor = zlib.compressobj(*_RAW_DEFLATE)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


class _ParallelDeflate:
    """A zipfile member's compressor (`compress`, `flush`) deflating its pieces on
    several threads, as pigz does: each piece on its own, primed with the 32 KB before
    it (so it compresses as well as in one stream) and ended on a byte boundary, so the
    pieces in order, and an empty final block, are one valid deflate stream. Same
    level, same content; the compressed bytes differ a little from one zlib stream's.
    zlib releases the GIL: on two cores the ~110 MB of the N = 1000 draft's main part
    deflate in about half the time, while this process makes the tables' XML (issue 8)."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool
        self._pending: deque[Future[bytes]] = deque()
        self._window = b""  # the last 32 KB given

    def compress(self, data: bytes) -> bytes:
        if not data:
            return b""
        self._pending.append(self._pool.submit(_deflated, data, self._window))
        self._window = (self._window + data[-_WINDOW:])[-_WINDOW:]
        done = []
        # what is deflated already, in order; wait when too much is under way
        while self._pending and (self._pending[0].done() or len(self._pending) > MAX_PENDING):
            done.append(self._pending.popleft().result())
        return b"".join(done)

    def flush(self) -> bytes:
        done = [future.result() for future in self._pending]
        self._pending.clear()
        done.append(zlib.compressobj(*_RAW_DEFLATE).flush())  # the empty final block
        return b"".join(done)
