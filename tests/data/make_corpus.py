"""Build the corpus of bad returns used by the collect tests.

    python tests/data/make_corpus.py OUT_DIR [WORKSPACE]

Each case is one file in OUT_DIR with the problem it must produce (code, sheet, cell).
File-level cases (corrupt, encrypted, hostile, …) need nothing; template cases are
made from the workbooks our own `templates.write_templates` writes, filled with
openpyxl the way a department head fills them; `libreoffice_cases` re-saves filled
workbooks with LibreOffice (slow: one soffice call per target format).
The corpus is generated, not committed, so it always matches the current template.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl


@dataclass(frozen=True)
class Case:
    """A corpus file and the problem collect must report for it."""

    file: str
    code: str
    sheet: str = ""
    cell: str = ""
    note: str = ""


# --- helpers ------------------------------------------------------------------------


def plain_workbook_bytes(title: str = "Budget") -> bytes:
    """An ordinary workbook that budgetbook did not make."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws["A1"] = "Verksamhet"
    ws["B1"] = "Budget"
    ws["A2"] = "Friskvård"
    ws["B2"] = 1200
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rewrite_zip(
    data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None
) -> bytes:
    """A copy of an xlsx package with some parts replaced or added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def with_doctype(data: bytes, part: str, doctype: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    xml = src.read(part)
    decl_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    patched = xml[:decl_end] + doctype.encode() + xml[decl_end:]
    return rewrite_zip(data, {part: patched})


def encrypt(data: bytes, password: str = "hemligt") -> bytes:
    """Password-encrypt an xlsx the way Excel does (an OLE file with EncryptionInfo)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def add_macros(data: bytes) -> bytes:
    """An .xlsm: the same workbook plus a VBA project part (never run by budgetbook)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    types = src.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    rels = src.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
        b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
    )
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an OLE header stub
    return rewrite_zip(
        data,
        {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels},
        {"xl/vbaProject.bin": vba},
    )


def giant_dimension(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    part = "xl/worksheets/sheet1.xml"
    xml = src.read(part)
    start = xml.index(b"<dimension")
    end = xml.index(b"/>", start) + 2
    patched = xml[:start] + b'<dimension ref="A1:XFD1048576"/>' + xml[end:]
    return rewrite_zip(data, {part: patched})


def zip_bomb(data: bytes) -> bytes:
    """A workbook with one part that unpacks to 20 MB of zeros (compresses ~1000:1)."""
    out = io.BytesIO(data)
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf,
        zf.open("xl/media/image1.bin", "w", force_zip64=True) as fh,
    ):
        for _ in range(20):
            fh.write(b"\0" * (1024 * 1024))
    return out.getvalue()


def hand_made_ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
        )
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


# --- the cases ----------------------------------------------------------------------


def file_cases(out: Path) -> list[Case]:
    """Files that fail before any workbook is read; need no template."""
    out.mkdir(parents=True, exist_ok=True)
    plain = plain_workbook_bytes()
    files: dict[str, tuple[bytes, Case]] = {
        "tom.xlsx": (b"", Case("tom.xlsx", "BB100", note="zero bytes")),
        "trasig.xlsx": (plain[: len(plain) // 2], Case("trasig.xlsx", "BB100", note="truncated")),
        "pdf_omdopt.xlsx": (pdf_bytes(), Case("pdf_omdopt.xlsx", "BB100", note="PDF renamed")),
        "text_omdopt.xlsx": (
            b"Budget 2027;1200\n",
            Case("text_omdopt.xlsx", "BB100", note="CSV renamed"),
        ),
        "kalkyl.ods": (hand_made_ods(), Case("kalkyl.ods", "BB100", note="OpenDocument")),
        "krypterad.xlsx": (encrypt(plain), Case("krypterad.xlsx", "BB102")),
        "xxe.xlsx": (
            with_doctype(plain, "xl/workbook.xml", XXE),
            Case("xxe.xlsx", "BB108", note="external entity"),
        ),
        "entiteter.xlsx": (
            with_doctype(plain, "xl/worksheets/sheet1.xml", BILLION_LAUGHS),
            Case("entiteter.xlsx", "BB108", note="billion laughs"),
        ),
        "jattestor.xlsx": (
            giant_dimension(plain),
            Case("jattestor.xlsx", "BB108", note="giant sheet dimension"),
        ),
        "zipbomb.xlsx": (zip_bomb(plain), Case("zipbomb.xlsx", "BB108", note="zip bomb")),
        "~$FMO.xlsx": (
            b"\x0bKarin Lund" + b"\x20" * 40,
            Case("~$FMO.xlsx", "BB109", note="Excel lock file"),
        ),
        "annan_arbetsbok.xlsx": (plain, Case("annan_arbetsbok.xlsx", "BB101")),
    }
    for name, (content, _) in files.items():
        (out / name).write_bytes(content)
    return [case for _, case in files.values()]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    out = Path(argv[0])
    cases = file_cases(out)
    if len(argv) > 1:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from budgetbook.settings import load_settings
        from data.corpus_templates import libreoffice_cases, template_cases

        settings = load_settings(Path(argv[1]))
        cases += template_cases(out, settings)
        with tempfile.TemporaryDirectory() as tmp:
            cases += libreoffice_cases(out, settings, Path(tmp))
    for case in cases:
        print(f"{case.file:40} {case.code} {case.sheet} {case.cell}  {case.note}")
    return 0


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_convert(files: list[Path], fmt: str, outdir: Path, profile: Path) -> None:
    """One LibreOffice call converting several files (each call costs seconds)."""
    subprocess.run(
        [
            soffice() or "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
