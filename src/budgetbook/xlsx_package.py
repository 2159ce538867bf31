"""The package parts of a workbook written by `xlsx_stream`: content types, the
relationships, the document properties and xl/workbook.xml.

Apart from the streaming writer because they are fixed text around a few names and
counts, written once at the close, while the writer is about rows and cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .fmt import xml_safe
from .xlsx_cells import escape
from .xlsx_styles import MAIN_NS as _MAIN
from .xlsx_styles import XML_HEAD as _HEAD

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def text(value: str) -> str:
    """A name or property as XML text: without the characters XML cannot carry, escaped."""
    return escape(xml_safe(value))


def content_types(sheets: int) -> str:
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(sheets)
    )
    return (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{sheet_types}"
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def root_rels() -> str:
    return (
        f'{_HEAD}<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )


def core_props(title: str, comments: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{text(title)}</dc:title><dc:creator>budgetbook</dc:creator>"
        f"<dc:description>{text(comments)}</dc:description>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_props(company: str) -> str:
    return (
        f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>budgetbook</Application>'
        f"<Company>{text(company)}</Company></Properties>"
    )


def workbook(sheets: Sequence[str], names: Sequence[str]) -> str:
    """xl/workbook.xml: the sheets in order (named as given) and the defined names
    (each already a `<definedName>` element)."""
    listed = "".join(
        f'<sheet name="{attr(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, name in enumerate(sheets)
    )
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    return (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{REL}"><bookViews><workbookView/>'
        f"</bookViews><sheets>{listed}</sheets>{defined}</workbook>"
    )


def workbook_rels(sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(sheets)
    )
    return (
        f'{_HEAD}<Relationships xmlns="{PKG_REL}">{rels}'
        f'<Relationship Id="rId{sheets + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{sheets + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
