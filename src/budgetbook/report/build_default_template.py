"""Build the default Word template shipped as resources/namndplan_mall.docx.

Run `python -m budgetbook.report.build_default_template` to rebuild it; the output is
byte-for-byte reproducible (fixed zip timestamps and document properties), so the
committed file changes only when this script does.

The template carries the look only: A4 page and margins, fonts, heading and caption
styles, the theme colours the charts use, and the budgetbook styles the report needs
(`docx_template.REQUIRED_STYLES`). A kommun's own template may have any of these or
none; the report adds what is missing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Cm, Pt, RGBColor

from .docx_template import add_missing_styles

OUTPUT = Path(__file__).resolve().parent.parent / "resources" / "namndplan_mall.docx"

FONT = "Arial"  # on every Windows machine; LibreOffice maps it to the metric-equal Liberation Sans
PALETTE = {  # theme colours: headings, table headers and charts use these
    "dk2": "1F3864",
    "accent1": "1F5C99",
    "accent2": "E08A1E",
    "accent3": "5B9E47",
    "accent4": "8E5BA8",
    "accent5": "C0504D",
    "accent6": "7F7F7F",
}
FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def build() -> bytes:
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.1)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    _east_asian_font(normal, FONT)

    dark = RGBColor.from_string(PALETTE["dk2"])
    for name, size, before in (
        ("Title", 26, 0),
        ("Heading 1", 16, 18),
        ("Heading 2", 13, 12),
        ("Heading 3", 11, 10),
    ):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = dark
        style.font.bold = name != "Title"
        style.font.italic = False
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
        _east_asian_font(style, FONT)
        # the stock Title has a bottom border and theme font; keep it plain
        ppr = style.element.pPr
        if ppr is not None:
            for border in ppr.findall(docx.oxml.ns.qn("w:pBdr")):
                ppr.remove(border)
        rpr = style.element.rPr
        if rpr is not None:
            fonts = rpr.find(docx.oxml.ns.qn("w:rFonts"))
            if fonts is not None:
                for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                    fonts.attrib.pop(docx.oxml.ns.qn(attr), None)
    subtitle = styles["Subtitle"]
    subtitle.font.name = FONT
    subtitle.font.size = Pt(14)
    subtitle.font.italic = False
    subtitle.font.color.rgb = RGBColor.from_string(PALETTE["accent1"])

    caption = styles["Caption"]
    caption.font.name = FONT
    caption.font.size = Pt(9.5)
    caption.font.bold = True
    caption.font.color.rgb = dark
    caption.paragraph_format.space_before = Pt(10)
    caption.paragraph_format.space_after = Pt(3)
    caption.paragraph_format.keep_with_next = True

    for name in ("Header", "Footer"):
        styles[name].font.size = Pt(8.5)
        styles[name].font.color.rgb = RGBColor.from_string("595959")

    add_missing_styles(doc, accent=PALETTE["accent1"])
    # A kommun template may name its own table style "Budgettabell"; ours is light grid.
    assert styles["Budgettabell"].type == WD_STYLE_TYPE.TABLE

    core = doc.core_properties
    core.author = "budgetbook"
    core.title = "Nämndplan med budget"
    core.created = core.modified = dt.datetime(2024, 1, 1)
    core.last_modified_by = "budgetbook"
    core.revision = 1

    buffer = io.BytesIO()
    doc.save(buffer)
    return _reproducible(_recolour(buffer.getvalue()))


def _east_asian_font(style, font: str) -> None:
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(docx.oxml.ns.qn("w:rFonts"))
    if fonts is not None:
        fonts.set(docx.oxml.ns.qn("w:cs"), font)


def _recolour(data: bytes) -> bytes:
    """Set the theme palette and the theme fonts in word/theme/theme1.xml."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/theme/theme1.xml":
                text = content.decode("utf-8")
                for name, colour in PALETTE.items():
                    text = re.sub(
                        rf"(<a:{name}>\s*<a:srgbClr val=\")[0-9A-Fa-f]{{6}}",
                        rf"\g<1>{colour}",
                        text,
                    )
                text = re.sub(r'<a:latin typeface="[^"]*"', f'<a:latin typeface="{FONT}"', text)
                content = text.encode("utf-8")
            target.writestr(item.filename, content)
    return out.getvalue()


def _reproducible(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps and sorted-as-written order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def main() -> None:
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
