"""The Word template a report is built on: the default one or the kommun's own.

A kommun points `display.word_template` at a .docx or .dotx with its styles, fonts,
colours and a logo in the header. We open it as the base document, empty its body
(keeping its headers, footers and page setup), and add the few styles the report needs
where the template lacks them. Theme colours are read so charts match the template.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from ..errors import ReportError

DEFAULT_TEMPLATE = "namndplan_mall.docx"
TEMPLATE_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCUMENT_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_CTS = (
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
)

# Paragraph styles the report uses beyond Word's built-ins (name -> styleId).
TABLE_TEXT = "Tabelltext"
SOURCE_NOTE = "Källnot"
PLACEHOLDER = "Platshållare"
TABLE_STYLE = "Budgettabell"
TOC_STYLES = ("toc 1", "toc 2")
REQUIRED_STYLES = (TABLE_TEXT, SOURCE_NOTE, PLACEHOLDER, TABLE_STYLE, *TOC_STYLES)

FALLBACK_COLOURS = ("1F5C99", "E08A1E", "5B9E47", "8E5BA8", "C0504D", "7F7F7F")


def default_template() -> Path:
    return Path(str(resources.files("budgetbook") / "resources" / DEFAULT_TEMPLATE))


def open_template(path: Path | None) -> Document:
    """The template as an empty document to fill; a .dotx is opened as a document.

    Raises ReportError with a Swedish message when the file is not a usable Word file.
    """
    source = path or default_template()
    try:
        data = source.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            types = package.read("[Content_Types].xml").decode("utf-8")
        if TEMPLATE_CT in types or any(ct in types for ct in MACRO_CTS):
            data = _as_document(data)
        doc = docx.Document(io.BytesIO(data))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ReportError(
            f"Word-mallen {source.name} kan inte användas: den är inte en giltig .docx- eller "
            f".dotx-fil ({exc}). Kontrollera display.word_template i inställningarna."
        ) from exc
    _clear_body(doc)
    add_missing_styles(doc, accent=theme_colours(doc)[0])
    set_swedish(doc)
    _drop_preview(doc)
    return doc


def _as_document(data: bytes) -> bytes:
    """Switch a template's (or macro file's) main part content type to a plain document.

    Macro parts stay in the package but are no longer referenced as runnable: the
    content type becomes the macro-free document type, so Word opens it as .docx.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                text = content.decode("utf-8").replace(TEMPLATE_CT, DOCUMENT_CT)
                for ct in MACRO_CTS:
                    text = text.replace(ct, DOCUMENT_CT)
                content = text.encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


# The body's final section properties when a template has none (Word always writes them,
# other tools need not): A4 portrait, 2.5 cm margins, as the default template.
DEFAULT_SECT_PR = (
    f'<w:sectPr {nsdecls("w")}><w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708" '
    'w:footer="708" w:gutter="0"/><w:cols w:space="708"/></w:sectPr>'
)


def _clear_body(doc: Document) -> None:
    """Remove the template's sample content; keep the final section properties.

    Afterwards the body holds exactly one child, its final w:sectPr (a default one when
    the template has none), and the builder adds every element before it."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    if len(body) == 0:
        body.append(parse_xml(DEFAULT_SECT_PR))


def theme_colours(doc: Document) -> list[str]:
    """accent1..accent6 of the template's theme as hex strings (fallback palette)."""
    for part in doc.part.package.iter_parts():
        if str(part.partname).startswith("/word/theme/"):
            text = part.blob.decode("utf-8", "replace")
            found = []
            for i in range(1, 7):
                match = re.search(
                    rf"<a:accent{i}>\s*<a:(?:srgbClr val|sysClr [^>]*lastClr)=\"([0-9A-Fa-f]{{6}})\"",
                    text,
                )
                found.append(match.group(1).upper() if match else FALLBACK_COLOURS[i - 1])
            return found
    return list(FALLBACK_COLOURS)


def text_width_twips(doc: Document) -> int:
    section = doc.sections[-1]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


def add_missing_styles(doc: Document, accent: str) -> None:
    """Add the budgetbook styles a template lacks; a template's own definitions win."""
    styles_el = doc.styles.element
    existing = {s.name for s in doc.styles}
    tab = text_width_twips(doc)
    definitions = {
        TABLE_TEXT: f"""<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1"
            w:styleId="Tabelltext"><w:name w:val="{TABLE_TEXT}"/><w:basedOn w:val="Normal"/>
            <w:qFormat/><w:pPr><w:spacing w:before="0" w:after="0" w:line="240"
            w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr>
            </w:style>""",
        SOURCE_NOTE: f"""<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1"
            w:styleId="Kllnot"><w:name w:val="{SOURCE_NOTE}"/><w:basedOn w:val="Normal"/>
            <w:qFormat/><w:pPr><w:spacing w:before="40" w:after="200" w:line="240"
            w:lineRule="auto"/></w:pPr><w:rPr><w:i/><w:color w:val="595959"/>
            <w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>""",
        PLACEHOLDER: f"""<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1"
            w:styleId="Platshllare"><w:name w:val="{PLACEHOLDER}"/><w:basedOn w:val="Normal"/>
            <w:qFormat/><w:pPr><w:pBdr><w:left w:val="single" w:sz="18" w:space="6"
            w:color="C00000"/></w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="FFF2CC"/>
            <w:ind w:left="170"/></w:pPr><w:rPr><w:i/><w:color w:val="9C0006"/></w:rPr>
            </w:style>""",
        TABLE_STYLE: f"""<w:style {nsdecls("w")} w:type="table" w:customStyle="1"
            w:styleId="Budgettabell"><w:name w:val="{TABLE_STYLE}"/>
            <w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>
            <w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
            <w:tblPr><w:tblBorders>
            <w:top w:val="single" w:sz="8" w:space="0" w:color="{accent}"/>
            <w:bottom w:val="single" w:sz="8" w:space="0" w:color="{accent}"/>
            <w:insideH w:val="single" w:sz="4" w:space="0" w:color="D9D9D9"/>
            </w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/>
            <w:left w:w="57" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/>
            <w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>""",
    }
    for level, name in enumerate(TOC_STYLES, start=1):
        definitions[name] = f"""<w:style {nsdecls("w")} w:type="paragraph"
            w:styleId="TOC{level}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/>
            <w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/>
            <w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{tab}"/></w:tabs>
            <w:spacing w:before="{60 if level == 1 else 0}" w:after="40"/>
            <w:ind w:left="{(level - 1) * 284}"/></w:pPr>
            {"<w:rPr><w:b/></w:rPr>" if level == 1 else ""}</w:style>"""
    for name, xml in definitions.items():
        if name not in existing:
            styles_el.append(parse_xml(xml))


LANGUAGE = "sv-SE"
# w:rPr children that come after w:lang in the schema's order
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def set_swedish(doc: Document) -> None:
    """Make Swedish the language of the document's text, whatever the template says.

    The text is Swedish; python-docx's stock template (under our default one) says
    English (US), so Word marked nearly every word as misspelt, and screen readers and
    Word's PDF export took it for English. The default language of every style
    (w:docDefaults) and of the theme fonts is set, once for the document; the template's
    "already proofread" state is dropped so Word checks the spelling; and where the
    template names the number format of field results, it is the Swedish one."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        doc.styles.element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}/>")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        after = next((c for c in rpr if c.tag in {qn(t) for t in _AFTER_LANG}), None)
        if after is None:
            rpr.append(lang)
        else:
            after.addprevious(lang)
    lang.set(qn("w:val"), LANGUAGE)
    settings = doc.settings.element
    for element in settings.findall(qn("w:proofState")):
        settings.remove(element)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
    for name, value in (("w:decimalSymbol", ","), ("w:listSeparator", ";")):
        element = settings.find(qn(name))
        if element is not None:
            element.set(qn("w:val"), value)


THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


def _drop_preview(doc: Document) -> None:
    """Drop the template's preview picture: it shows the template (python-docx's stock
    one: an empty page), not the draft, in Explorer and Finder. Word makes a new one
    when someone saves the draft with "Save thumbnail" on."""
    rels = doc.part.package.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == THUMBNAIL]:
        rels.pop(r_id)
    for element in doc.settings.element.findall(qn("w:savePreviewPicture")):
        element.getparent().remove(element)


def set_properties(doc: Document, title: str, author: str, subject: str, comments: str) -> None:
    """The file's properties (File > Info, a PDF's title bar, a diarium's file list):
    the template's own (python-docx's "generated by python-docx", our template's date)
    replaced by the draft's."""
    props = doc.core_properties
    props.title, props.author, props.subject, props.comments = title, author, subject, comments
    props.language = LANGUAGE
    props.keywords = props.category = ""
    props.last_modified_by = "budgetbook"
    props.created = props.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    props.revision = 1


def style_id(doc: Document, name: str) -> str:
    """The styleId of a style by its name (ids differ from names for non-ASCII names)."""
    return doc.styles[name].style_id


def field_xml(instr: str, result: str = "", rpr: str = "") -> str:
    """The runs of a complex field with a cached result (what is shown before updating)."""
    shown = f'<w:r>{rpr}<w:t xml:space="preserve">{escape(result)}</w:t></w:r>' if result else ""
    return (
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> {escape(instr)} </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f'{shown}<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def set_update_fields(doc: Document) -> None:
    """Ask Word to update fields (TOC, page references) when the document is opened."""
    settings = doc.settings.element
    existing = settings.find(qn("w:updateFields"))
    if existing is None:
        element = parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>')
        # schema order: updateFields comes early, after w:view/w:zoom etc.; Word accepts it
        # anywhere before w:compat, so put it first after the zoom element where present
        zoom = settings.find(qn("w:zoom"))
        if zoom is not None:
            zoom.addnext(element)
        else:
            settings.insert(0, element)


def add_header_footer(doc: Document, header_text: str, footer_text: str) -> None:
    """Our line in the first section's header and page numbers in its footer.

    Kept beside whatever the template has there (a kommun's logo stays). Later sections
    inherit them (no header references of their own).
    """
    section = doc.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    para = _free_paragraph(header)
    para.style = doc.styles["Header"]
    para.alignment = 2  # right
    para.add_run(header_text)

    footer = section.footer
    footer.is_linked_to_previous = False
    para = _free_paragraph(footer)
    para.style = doc.styles["Footer"]
    para.alignment = 1  # centre
    rpr = ""
    xml = (
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">{escape(footer_text)}Sida </w:t></w:r>'
        f'{field_xml("PAGE", "1", rpr)}<w:r><w:t xml:space="preserve"> av </w:t></w:r>'
        f"{field_xml('NUMPAGES', '1', rpr)}</w:p>"
    )
    new = parse_xml(xml)
    # keep the paragraph's properties (style, alignment), take the runs
    for run in list(new):
        para._p.append(run)


def _free_paragraph(part):
    """The template's empty first paragraph, or a new one after its content."""
    paragraphs = part.paragraphs
    if paragraphs and not paragraphs[-1].text.strip() and not _has_drawing(paragraphs[-1]):
        return paragraphs[-1]
    return part.add_paragraph()


def _has_drawing(paragraph) -> bool:
    return bool(paragraph._p.xpath(".//w:drawing | .//w:pict"))
