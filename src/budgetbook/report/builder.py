"""A small document builder over python-docx: headings with TOC bookmarks, user text,
placeholders, numbered tables and figures, landscape sections, and a pre-filled TOC.

The TOC is a real Word TOC field (Word refreshes it on opening because of
`w:updateFields`); its cached result is written here from the headings we added (linked to them), so a
reader that does not update fields (LibreOffice's PDF export, a previewer) still shows
a filled table of contents. Page numbers are left to Word's update: we cannot know them
without laying out the pages, and a wrong number is worse than none.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Emu
from docx.text.paragraph import Paragraph
from lxml import etree

from .. import fmt
from ..model import Table
from .deferred import DeferredTables
from .docx_template import PLACEHOLDER, SOURCE_NOTE, field_xml, style_id, text_width_twips
from .table_measure import TextEms, fitting_scale, measure
from .tables import caption_xml, clean, render_table, table_style_for

BULLET = re.compile(r"^\s*(?:-|•|\*)\s+")
# what python-docx's run text turns into other elements than w:t (a tab, a break)
_RUN_SPECIAL = re.compile("[\t\r\n]")
TOC_LEVELS = 2
CHART_ROOM_CM = 2.5  # caption, header line and spacing above a chart on its page


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    bookmark: str


@dataclass(slots=True)
class _Figure:
    spot: BaseOxmlElement  # the empty paragraph the picture's paragraph replaces
    png: Callable[[], bytes]
    caption: str
    alt: str
    width_cm: float
    note: str = ""


@dataclass
class DocBuilder:
    doc: Document
    convention: fmt.Convention
    colours: list[str]
    headings: list[Heading] = field(default_factory=list)
    tables: int = 0
    figures: int = 0
    # tables kept out of the tree until saved (deferred.py); None: parsed into the tree
    deferred: DeferredTables | None = None
    _toc_anchor: object | None = None
    _figures: list[_Figure] = field(default_factory=list)  # waiting for their pictures
    _ems: TextEms = field(default_factory=TextEms)  # the tables' texts measured (measure)
    # XML of text paragraphs not yet parsed into the tree (`batched`), None: parsed at once
    _batch: list[str] | None = None

    def __post_init__(self) -> None:
        self.portrait_width = text_width_twips(self.doc)
        section = self.doc.sections[-1]
        self.landscape_width = int(
            (section.page_height - section.left_margin - section.right_margin) / 635
        )
        # the tallest chart that fits a portrait page with its caption (EMU -> cm)
        text_height = section.page_height - section.top_margin - section.bottom_margin
        self.chart_height_cm = text_height / 360000 - CHART_ROOM_CM
        self.table_style = table_style_for(self.doc, self.colours[0], self.convention)
        self.body = self.doc.element.body
        self._styles = {s.name for s in self.doc.styles}
        self._style_ids: dict[str, str | None] = {}
        # the body's final w:sectPr: open_template leaves it as the only child (adding one
        # when the template has none), and every element goes before it, so it stays last
        self._end = self.body[-1]
        if self._end.tag != qn("w:sectPr"):
            raise ValueError("the document body must end with its w:sectPr (open_template)")

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Within: text paragraphs whose XML is known (`_text_paragraph`) are kept as
        text and parsed many at once, before anything else goes into the tree and at
        the end: one parse per ~6 000 paragraphs of the N = 1000 draft was ~40% of
        their cost (issue 8). The tree is the same: the same XML, parsed by the same
        parser, moved into the body in the same order.

        When the block raises, what it added before is still put in the body (as
        unbatched: `headings` already names their bookmarks), unless that text itself
        cannot be parsed; the block's error is the one raised. Nested, the outer block
        goes on batching after the inner one (review)."""
        self._flush()
        outer, self._batch = self._batch, []
        try:
            yield
        except BaseException:
            with suppress(Exception):  # the block's error, not a second one, propagates
                self._flush()
            raise
        else:
            self._flush()
        finally:
            self._batch = outer

    def _flush(self) -> None:
        """Parse the batched paragraphs into the body, in order (see `batched`)."""
        if self._batch:
            holder = parse_xml(f"<w:body {nsdecls('w')}>{''.join(self._batch)}</w:body>")
            self._batch.clear()
            add = self._end.addprevious
            for p in list(holder):
                add(p)

    def _text_paragraph(self, style: str | None, keep_next: bool, content: str) -> None:
        """`_add_paragraph(style, keep_next, content)` where nothing needs the
        paragraph's element: batched when `batched`."""
        if self._batch is None:
            self._add_paragraph(style, keep_next, content)
        else:
            self._batch.append(f"<w:p>{self._ppr(style, keep_next)}{content}</w:p>")

    def _ppr(self, style: str | None, keep_next: bool) -> str:
        """The paragraph's w:pPr as python-docx writes it: present when a style is named
        (empty for the default style, whose id is None) or keepNext is set. The style's
        id is resolved once per name: python-docx scans every style of the template on
        each call, ~2 ms per paragraph."""
        ppr = ""
        if style is not None:
            if style not in self._style_ids:
                self._style_ids[style] = self.doc.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
            style_id = self._style_ids[style]
            if style_id is not None:
                ppr = f"<w:pStyle w:val={quoteattr(style_id)}/>"
        if keep_next:
            ppr += "<w:keepNext/>"
        if style is not None or keep_next:
            ppr = f"<w:pPr>{ppr}</w:pPr>"
        return ppr

    def _add_paragraph(
        self, style: str | None = None, keep_next: bool = False, run: str = ""
    ) -> Paragraph:
        """`doc.add_paragraph(style=style)`, kept with the next paragraph if `keep_next`,
        holding `run` (the XML of its run, see `_text_run` and `_lines_run`).

        The paragraph is parsed from its XML in one go: python-docx's generic child
        insertion (pPr, pStyle, keepNext, run, each placed by scanning the schema's
        possible successors) cost ~0.3 ms a heading (issue 8). The XML is `_ppr`'s."""
        self._flush()
        ppr = self._ppr(style, keep_next)
        # added before the body's final sectPr, without python-docx's search for it on
        # every call (linear in the body: quadratic over a long draft)
        p = parse_xml(f"<w:p {nsdecls('w')}>{ppr}{run}</w:p>") if ppr or run else OxmlElement("w:p")
        self._end.addprevious(p)
        return Paragraph(p, self.doc._body)

    # -- text -------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1) -> None:
        # what Document.add_heading does, with the style resolved once
        name = "Title" if level == 0 else f"Heading {level}"
        shown = fmt.xml_safe(text)
        run = _text_run(shown)
        toc = 1 <= level <= TOC_LEVELS  # level 0 is the Title, which no TOC lists
        if run is not None:  # the whole paragraph as XML: batched (see `batched`)
            n = len(self.headings) + 1
            start = f'<w:bookmarkStart w:id="{n}" w:name="_Toc{n:08d}"/>' if toc else ""
            end = f'<w:bookmarkEnd w:id="{n}"/>' if toc else ""
            # never stranded at a page's foot, whatever the kommun's heading styles say
            self._text_paragraph(name, True, f"{start}{run}{end}")
            if toc:
                self.headings.append(Heading(level, text, f"_Toc{n:08d}"))
            return
        para = self._add_paragraph(name, keep_next=True)
        para.add_run(shown)  # python-docx's w:tab and w:br
        if toc:
            name = f"_Toc{len(self.headings) + 1:08d}"
            n = len(self.headings) + 1
            start = parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{n}" w:name="{name}"/>')
            end = parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{n}"/>')
            ppr = para._p.pPr
            if ppr is not None:
                ppr.addnext(start)
            else:
                para._p.insert(0, start)
            para._p.append(end)
            self.headings.append(Heading(level, text, name))

    def paragraph(self, text: str, style: str | None = None, keep_next: bool = False) -> None:
        """A paragraph of `text` (line feeds as line breaks); kept on the page of the
        next paragraph when a heading, or with `keep_next` (a lead sentence)."""
        known = style in self._styles
        keep = keep_next or bool(style and style.startswith("Heading"))
        lines = fmt.xml_safe(text).split("\n")
        run = _lines_run(lines)
        if run is not None:
            self._text_paragraph(style if style and known else None, keep, run)
        else:
            para = self._add_paragraph(style if style and known else None, keep_next=keep)
            _add_lines(para, lines)

    def user_text(self, text: str) -> None:
        """Text written by a person, shown exactly as written.

        Blank lines separate paragraphs, single line breaks stay line breaks, and
        lines starting with "- ", "• " or "* " become bullet points.
        """
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        for block in re.split(r"\n[ \t]*\n", text):
            if not block.strip():
                continue
            pending: list[str] = []
            for line in block.split("\n"):
                if BULLET.match(line):
                    if pending:
                        self.paragraph("\n".join(pending))
                        pending = []
                    self._bullet(BULLET.sub("", line, count=1))
                else:
                    pending.append(line)
            if pending:
                self.paragraph("\n".join(pending))

    def _bullet(self, text: str) -> None:
        if "List Bullet" in self._styles:
            self.paragraph(text, "List Bullet")
        else:
            self.paragraph(f"•\t{text}")

    def note(self, text: str) -> None:
        """A note in the look of the notes under the tables (the Källnot style)."""
        self.paragraph(text, SOURCE_NOTE)

    def placeholder(self, text: str) -> None:
        """A clearly marked box for text someone still has to write."""
        self.paragraph(text, PLACEHOLDER)

    def page_break(self) -> None:
        self._flush()
        self.doc.add_page_break()

    # -- tables and figures -----------------------------------------------------------

    def table(self, table: Table, notes: Sequence[str] = ()) -> None:
        """A numbered table; compact or in a landscape section when portrait is too narrow."""
        self._flush()
        self.tables += 1
        # once: fitting and rendering reuse it; texts seen in an earlier table not summed again
        measured = measure(table, self.convention, self._ems)
        scale = fitting_scale(table, self.portrait_width, self.convention, measured)
        landscape = scale is None
        if landscape:
            carried = self._lead_in_elements()
            if not self._after_landscape():
                self._section_break()
            for element in carried:  # onto the landscape page, before the table
                self._end.addprevious(element)
        else:
            self._keep_lead_in()
        width = self.landscape_width if landscape else self.portrait_width
        render_table(
            self._end,
            table,
            self.tables,
            width,
            self.table_style,
            notes,
            scale or 1.0,
            measured,
            self.deferred,
        )
        if landscape:
            self._section_break(landscape=True)

    def _keep_lead_in(self) -> None:
        """Keep a short paragraph that leads from a heading into the table or figure
        about to follow on the same page as its caption: otherwise a page could end
        with a heading and its one-line lead-in, and the table start the next. The
        heading is kept with the lead-in already (`heading`: keepNext), the caption
        with the table."""
        lead = self._end.getprevious()
        above = lead.getprevious() if lead is not None else None
        if (
            lead is None
            or above is None
            or lead.tag != qn("w:p")
            or above.tag != qn("w:p")
            or not self._is_heading(above)
            or _keeps_next(lead)
            or len(lead.xpath("string(.)")) > LEAD_IN_MAX
        ):
            return
        ppr = lead.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            lead.insert(0, ppr)
        # keepNext follows only pStyle in w:pPr's schema order (Word checks the order)
        style = ppr.find(qn("w:pStyle"))
        ppr.insert(0 if style is None else ppr.index(style) + 1, OxmlElement("w:keepNext"))

    def _lead_in_elements(self) -> list:
        """The headings (and a short lead-in under them) that end the body, taken out
        of it, in order: a table on a landscape page of its own left them at the foot of
        the portrait page before it, "Ekonomiska ramar 2027–2030" with nothing under it
        when the nämnd gave no text."""
        taken: list = []
        element = self._end.getprevious()
        if (
            element is not None
            and element.tag == qn("w:p")
            and not self._is_heading(element)
            and len(element.xpath("string(.)")) <= LEAD_IN_MAX
        ):
            above = element.getprevious()
            if above is None or above.tag != qn("w:p") or not self._is_heading(above):
                return []
            taken.append(element)
            element = above
        while element is not None and element.tag == qn("w:p") and self._is_heading(element):
            taken.append(element)
            element = element.getprevious()
        for element in taken:
            self.body.remove(element)
        return taken[::-1]

    def _after_landscape(self) -> bool:
        """Whether the body ends with the break that closes a landscape section (a wide
        table just before, or only headings between, now carried onward): a portrait
        break there would make a section of nothing, a blank page in the draft."""
        last = self._end.getprevious()
        if last is None or last.tag != qn("w:p"):
            return False
        size = last.find(f"{qn('w:pPr')}/{qn('w:sectPr')}/{qn('w:pgSz')}")
        return size is not None and size.get(qn("w:orient")) == "landscape"

    def _is_heading(self, p) -> bool:
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        ids = {i for name, i in self._style_ids.items() if name.startswith(("Heading", "Title"))}
        return style is not None and style.get(qn("w:val")) in ids

    def figure(
        self,
        png: Callable[[], bytes],
        caption: str,
        alt: str,
        width_cm: float = 16.0,
        note: str = "",
    ) -> None:
        """A numbered figure of the chart `png()` draws, with `note` under it as under
        a table. Its picture goes in at `finish_figures`: the chart is drawn (in the
        painter) while the rest is built."""
        self._flush()
        self._keep_lead_in()
        self.figures += 1
        self._end.addprevious(
            parse_xml(caption_xml(self.table_style, self.figures, caption, "Diagram"))
        )
        spot = OxmlElement("w:p")
        self._end.addprevious(spot)
        self._figures.append(_Figure(spot, png, caption, alt, width_cm, note))
        if note:
            self.note(note)

    def finish_figures(self) -> None:
        """Put each figure's picture in its place, in order: the same image parts,
        relationship ids and shape ids as if added where they stand (python-docx numbers
        shapes from the ids before them, and nothing else in the body has an `id`)."""
        self._flush()
        for fig in self._figures:
            width = min(Cm(fig.width_cm), Emu(self.portrait_width * 635))
            para = self.doc.add_paragraph()  # what doc.add_picture does
            para.add_run().add_picture(io.BytesIO(fig.png()), width=width)
            # a note under the chart stays on its page, as a table's does
            para.paragraph_format.keep_with_next = bool(fig.note)
            for doc_pr in para._p.xpath(".//wp:docPr"):
                doc_pr.set("descr", fig.alt)
                doc_pr.set("title", fig.caption)
            fig.spot.getparent().replace(fig.spot, para._p)
        self._figures.clear()

    def _section_break(self, landscape: bool = False) -> None:
        """End the current section here: portrait before a wide table, landscape after."""
        self._flush()
        final = self._end
        sect = copy.deepcopy(final)
        sect.attrib.pop(qn("w:rsidR"), None)
        for title_pg in sect.findall(qn("w:titlePg")):
            sect.remove(title_pg)
        if landscape:
            size = sect.find(qn("w:pgSz"))
            w, h = size.get(qn("w:w")), size.get(qn("w:h"))
            size.set(qn("w:w"), h)
            size.set(qn("w:h"), w)
            size.set(qn("w:orient"), "landscape")
        para = parse_xml(f"<w:p {nsdecls('w')}><w:pPr/></w:p>")
        para[0].append(sect)
        final.addprevious(para)
        # sections after the first keep no title page of their own
        for title_pg in final.findall(qn("w:titlePg")):
            final.remove(title_pg)

    def _end_after_table(self) -> None:
        """An empty paragraph after a table that ends the document: Word always has one
        there (and adds it on opening), the only empty paragraph the draft holds."""
        last = self._end.getprevious()
        if last is not None and (
            last.tag == qn("w:tbl") or isinstance(last, etree._ProcessingInstruction)
        ):
            self._end.addprevious(OxmlElement("w:p"))

    # -- table of contents ------------------------------------------------------------

    def toc_here(self, title: str = "Innehåll") -> None:
        self._flush()
        styled = "TOC Heading" in self._styles
        para = self.doc.add_paragraph(style="TOC Heading" if styled else None)
        run = para.add_run(title)
        if not styled:  # bold by hand only without the style: its look is the template's
            run.bold = True
        anchor = self.doc.add_paragraph()
        self._toc_anchor = anchor._p

    def finish_toc(self) -> None:
        """Replace the TOC anchor by a TOC field whose cached result lists our headings.
        The last step of a build: figures not yet in place are put in first, so no
        document is saved with an empty paragraph where a chart belongs (review)."""
        self._flush()
        self.finish_figures()
        self._end_after_table()
        if self._toc_anchor is None:
            return
        ids = {level: style_id(self.doc, f"toc {level}") for level in range(1, TOC_LEVELS + 1)}
        instr = f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u'
        paragraphs = []
        for i, h in enumerate(self.headings):
            begin = (
                f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
                f'xml:space="preserve"> {clean(instr)} </w:instrText></w:r>'
                f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                if i == 0
                else ""
            )
            end = (
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if i == len(self.headings) - 1 else ""
            )
            paragraphs.append(
                f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{ids[h.level]}"/></w:pPr>{begin}'
                f'<w:hyperlink w:anchor="{h.bookmark}" w:history="1">'
                f'<w:r><w:t xml:space="preserve">{clean(h.text)}</w:t></w:r>'
                f"</w:hyperlink>{end}</w:p>"
            )
        if not paragraphs:
            paragraphs.append(f"<w:p {nsdecls('w')}>{field_xml(instr, '')}</w:p>")
        for xml in paragraphs:
            self._toc_anchor.addprevious(parse_xml(xml))
        self._toc_anchor.getparent().remove(self._toc_anchor)
        self._toc_anchor = None


# a lead-in longer than this (about six lines) may be parted from its table: kept with
# it, a page could lose most of its lower half
LEAD_IN_MAX = 600


def _keeps_next(p) -> bool:
    ppr = p.find(qn("w:pPr"))
    return ppr is not None and ppr.find(qn("w:keepNext")) is not None


def _t(text: str) -> str:
    """The w:t python-docx's `CT_R.add_t(text)` makes."""
    space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


def _text_run(text: str) -> str | None:
    """The XML of the run `Paragraph.add_run(text)` makes, or None where python-docx
    makes a w:tab or w:br of a character (parsed, a CR would also become a LF)."""
    if _RUN_SPECIAL.search(text) is not None:
        return None
    return f"<w:r>{_t(text)}</w:r>" if text else "<w:r/>"


def _lines_run(lines: list[str]) -> str | None:
    """The XML of the run `_add_lines(para, lines)` makes, or None where a tab in the
    first line or a CR needs python-docx's own run, or an empty line after the first
    its empty text (`<w:t></w:t>`, which parsed XML cannot give: it serializes as
    `<w:t/>`)."""
    first = lines[0]
    if "\t" in first or any("\r" in line for line in lines):
        return None
    if not all(lines[1:]):
        return None
    return (
        "".join(
            ("<w:r>", _t(first) if first else "", *(f"<w:br/>{_t(line)}" for line in lines[1:]))
        )
        + "</w:r>"
    )


def _add_lines(para, lines: list[str]) -> None:
    """A run of `lines` (a text split at its line feeds) with Word line breaks between."""
    first = lines[0]
    if "\t" in first or "\r" in first:
        run = para.add_run(first)  # tabs become <w:tab/>, a CR a break
    else:  # the same XML without python-docx's per-character loop (issue 8)
        run = para.add_run()
        if first:
            run.add_text(first)
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
