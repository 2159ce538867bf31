"""Export Word documents to PDF through a running LibreOffice, updating indexes first.

Run by `render.to_pdf` with a Python that has LibreOffice's `uno` module (LibreOffice's
own `program/python`, or the system python3 with Debian's python3-uno); it is never
imported by budgetbook and imports nothing from it. LibreOffice's plain
`--convert-to pdf` exports the TOC's cached text as stored; this script lays the
document out, updates every index (so the TOC gets real page numbers) and the fields,
and then exports, all in one LibreOffice process for several documents.

Usage: python lo_export.py PIPE_NAME SECONDS_TO_CONNECT IN.docx OUT.pdf [IN OUT ...]
Exit status 0 when every document was exported; errors go to stderr.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]  # only in LibreOffice's Python
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _props(**values) -> tuple:
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def connect(pipe: str, seconds: float):
    """The Desktop of the soffice listening on `pipe`; retried while it starts up."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + seconds
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # NoConnectException while soffice is still starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def export(desktop, source: Path, target: Path) -> None:
    doc = desktop.loadComponentFromURL(
        source.resolve().as_uri(), "_blank", 0, _props(Hidden=True, ReadOnly=True)
    )
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {source}")
    try:
        fields = doc.getTextFields()
        indexes = doc.getDocumentIndexes()
        # twice: updating the TOC may move text, so page numbers settle on the second pass
        for _ in range(2):
            fields.refresh()
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
        fields.refresh()
        doc.storeToURL(target.resolve().as_uri(), _props(FilterName="writer_pdf_Export"))
    finally:
        doc.close(True)


def main(argv: list[str]) -> int:
    pipe, seconds, files = argv[0], float(argv[1]), argv[2:]
    desktop = connect(pipe, seconds)
    failed = 0
    try:
        for source, target in zip(files[::2], files[1::2], strict=True):
            try:
                export(desktop, Path(source), Path(target))
            except Exception as exc:  # report and go on with the other documents
                failed += 1
                print(f"{source}: {exc}", file=sys.stderr)
    finally:
        # the bridge drops as soffice exits, which raises; exiting is the goal
        with contextlib.suppress(Exception):
            desktop.terminate()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
