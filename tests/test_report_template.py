"""The kommun's own Word template (.docx or .dotx): its look carries into the draft."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.shared import Cm, RGBColor

from budgetbook.errors import ReportError
from budgetbook.model import VIEW_DRIFT_AVDELNING
from budgetbook.report import namndplan
from budgetbook.report.build_default_template import build
from budgetbook.report.docx_template import DOCUMENT_CT, TEMPLATE_CT, default_template
from report_builders import example_consolidation, example_settings

KOMMUN_ACCENT = "7A1F5C"


def _png(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 40), colour).save(out, format="PNG")
    return out.getvalue()


def make_kommun_template(path: Path) -> Path:
    """A kommun template: own accent colour, Georgia headings, a logo in the header, .dotx."""
    doc = docx.Document(str(default_template()))
    doc.styles["Heading 1"].font.name = "Georgia"
    doc.styles["Heading 1"].font.color.rgb = RGBColor.from_string(KOMMUN_ACCENT)
    doc.sections[0].header.paragraphs[0].add_run().add_picture(
        io.BytesIO(_png((122, 31, 92))), width=Cm(3)
    )
    doc.add_paragraph("Exempeltext i mallen som ska bort.")
    buffer = io.BytesIO()
    doc.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.decode().replace(DOCUMENT_CT, TEMPLATE_CT).encode()
            if item.filename == "word/theme/theme1.xml":
                data = re.sub(
                    rb'(<a:accent1>\s*<a:srgbClr val=")[0-9A-F]{6}',
                    rb"\g<1>" + KOMMUN_ACCENT.encode(),
                    data,
                )
            target.writestr(item, data)
    return path


def test_kommun_dotx_template_gives_its_look(tmp_path):
    template = make_kommun_template(tmp_path / "kommunmall.dotx")
    settings = example_settings(word_template=template)
    out = namndplan.write_namndplan(example_consolidation(settings), settings, tmp_path / "np.docx")
    with zipfile.ZipFile(out) as z:
        types = z.read("[Content_Types].xml").decode()
        headers = [n for n in z.namelist() if n.startswith("word/header")]
        header_xml = "".join(z.read(n).decode() for n in headers)
        document_xml = z.read("word/document.xml").decode()
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert TEMPLATE_CT not in types and DOCUMENT_CT in types
    assert "<w:drawing>" in header_xml and "UTKAST" in header_xml  # logo kept, our line added
    assert f'w:fill="{KOMMUN_ACCENT}"' in document_xml  # table headers in the kommun's colour
    assert len(media) >= 3  # logo and two charts
    document = docx.Document(str(out))
    assert document.styles["Heading 1"].font.name == "Georgia"
    assert "Exempeltext i mallen som ska bort." not in [p.text for p in document.paragraphs]


def test_broken_template_is_a_clear_error(tmp_path):
    broken = tmp_path / "trasig.dotx"
    broken.write_bytes(b"not a zip")
    settings = example_settings(word_template=broken)
    with pytest.raises(ReportError, match=r"trasig\.dotx"):
        namndplan.write_namndplan(example_consolidation(settings), settings, tmp_path / "np.docx")
    assert not (tmp_path / "np.docx").exists()


def test_default_template_is_reproducible_and_committed():
    assert build() == default_template().read_bytes(), (
        "resources/namndplan_mall.docx is stale: run python -m budgetbook.report.build_default_template"
    )


def test_template_without_our_styles_gets_them(tmp_path):
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))  # python-docx's stock template: no budgetbook styles
    settings = replace(example_settings(), word_template=plain)
    out = namndplan.write_namndplan(example_consolidation(settings), settings, tmp_path / "np.docx")
    names = {s.name for s in docx.Document(str(out)).styles}
    assert {"Tabelltext", "Källnot", "Platshållare", "Budgettabell"} <= names


def test_template_whose_body_has_no_section_properties(tmp_path):
    """A kommun template may lack the body's final w:sectPr (Word writes one, other tools
    need not): the draft gets A4 portrait and its figures and landscape sections."""
    source = default_template()
    bare = tmp_path / "utan_sektion.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = re.sub(rb"<w:sectPr[ >].*?</w:sectPr>|<w:sectPr/>", b"", data, flags=re.S)
                assert b"sectPr" not in data
            zout.writestr(item, data)
    settings = replace(example_settings(), word_template=bare)
    cons = example_consolidation(settings)
    table = cons.views[VIEW_DRIFT_AVDELNING]  # twice its columns: too wide for portrait
    extra = [replace(c, key=f"x_{c.key}") for c in table.columns[1:]]
    rows = [
        replace(r, values={**r.values, **{f"x_{k}": v for k, v in r.values.items()}})
        for r in table.rows
    ]
    cons.views["bred"] = replace(
        table, key="bred", caption="Bred", columns=[*table.columns, *extra], rows=rows
    )
    out = namndplan.write_namndplan(cons, settings, tmp_path / "np.docx")
    doc = docx.Document(str(out))
    body = doc.element.body
    assert body[-1].tag.endswith("}sectPr")
    sections = doc.sections
    assert (
        round(sections[0].page_width.cm, 1) == 21.0 and round(sections[0].page_height.cm, 1) == 29.7
    )
    assert any(s.orientation == 1 for s in sections)  # a wide table got a landscape section
    assert doc.inline_shapes  # the charts are there
