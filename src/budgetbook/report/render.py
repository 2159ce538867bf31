"""Render Word documents to PDF with LibreOffice (for tests and the docs' page images).

Not used when writing a document: budgetbook never needs LibreOffice to produce one.

Where LibreOffice's Python bridge (`uno`) is available, the documents are exported by
`lo_export.py` through one LibreOffice process, after updating their indexes and fields,
so the PDF shows the table of contents with page numbers as Word shows it after
updating. Without the bridge, plain `soffice --convert-to pdf` exports the TOC's cached
text (headings without page numbers); `updates_indexes()` tells which path is used.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

EXPORT_SCRIPT = Path(__file__).with_name("lo_export.py")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def uno_python() -> str | None:
    """A Python that can `import uno`: LibreOffice's own, or a system one with python3-uno."""
    exe = soffice()
    if exe is None:
        return None
    program = Path(os.path.realpath(exe)).parent
    candidates = [program / "python", program / "python.exe", Path("/usr/bin/python3")]
    candidates += [Path(p) for p in (shutil.which("python3"), sys.executable) if p]
    for python in candidates:
        if not python.is_file():
            continue
        try:
            probe = subprocess.run(
                [str(python), "-c", "import uno"],
                capture_output=True,
                timeout=30,
                env=_clean_env(),
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return str(python)
    return None


def updates_indexes() -> bool:
    """True when `to_pdf` fills the TOC's page numbers (LibreOffice and its `uno` bridge)."""
    return uno_python() is not None


def to_pdf(documents: Sequence[Path], outdir: Path, timeout: int = 180) -> list[Path]:
    """Convert several documents with one LibreOffice start (each start costs seconds)."""
    exe = soffice()
    if exe is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    targets = [outdir / f"{Path(d).stem}.pdf" for d in documents]
    python = uno_python()
    # an own profile per call: concurrent soffice runs on one profile block each other
    with tempfile.TemporaryDirectory(prefix="bb-lo-") as profile:
        if python is None:
            _convert(exe, profile, documents, outdir, timeout)
        else:
            _export_updated(exe, python, profile, documents, targets, timeout)
    missing = [str(t) for t in targets if not t.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no PDF for: {', '.join(missing)}")
    return targets


def _clean_env(home: str | None = None) -> dict[str, str]:
    # our venv's Python settings must not leak into LibreOffice's Python
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    if home:
        env["HOME"] = home
    return env


def _profile_args(profile: str) -> list[str]:
    return [
        f"-env:UserInstallation={Path(profile).as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        "--nolockcheck",
    ]


def _convert(exe: str, profile: str, documents: Sequence[Path], outdir: Path, timeout: int):
    subprocess.run(
        [exe, *_profile_args(profile), "--convert-to", "pdf", "--outdir", str(outdir)]
        + [str(d) for d in documents],
        check=True,
        capture_output=True,
        timeout=timeout,
        env=_clean_env(profile),
    )


def _export_updated(
    exe: str,
    python: str,
    profile: str,
    documents: Sequence[Path],
    targets: Sequence[Path],
    timeout: int,
) -> None:
    """Start soffice listening on a pipe of its own, export through it, always stop it."""
    pipe = f"budgetbook_{uuid.uuid4().hex}"
    office = subprocess.Popen(
        [exe, *_profile_args(profile), "--nodefault", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_clean_env(profile),
        start_new_session=True,  # its own process group: stopped as a whole below
    )
    try:
        pairs = [str(p) for d, t in zip(documents, targets, strict=True) for p in (d, t)]
        result = subprocess.run(
            [python, str(EXPORT_SCRIPT), pipe, str(min(60, timeout)), *pairs],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_clean_env(profile),
        )
        if result.returncode != 0:
            raise RuntimeError(f"LibreOffice export failed: {result.stderr.strip()[-2000:]}")
        office.wait(timeout=30)
    finally:
        if office.poll() is None:
            try:
                if hasattr(os, "killpg"):
                    os.killpg(office.pid, signal.SIGKILL)
                else:
                    office.kill()
            except (ProcessLookupError, PermissionError):
                office.kill()
            office.wait(timeout=10)
