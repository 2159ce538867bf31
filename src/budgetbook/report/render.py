"""Render Word documents to PDF with LibreOffice (for tests and the docs' page images).

Not used when writing a document: budgetbook never needs LibreOffice to produce one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(documents: Sequence[Path], outdir: Path, timeout: int = 180) -> list[Path]:
    """Convert several documents in one LibreOffice call (each call costs seconds)."""
    exe = soffice()
    if exe is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    # an own profile per call: concurrent soffice runs on one profile block each other
    with tempfile.TemporaryDirectory(prefix="bb-lo-") as profile:
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{Path(profile).as_posix()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, documents),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "HOME": profile},
        )
    return [outdir / f"{Path(d).stem}.pdf" for d in documents]
