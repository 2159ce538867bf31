"""Page layout of the Word nämndplan as Word lays it out: what stays together, what
repeats, and a compact type size instead of a landscape page for a table just too wide.

Checked in the document's XML (python-docx); the rendered pages are checked in
test_report_render.py.
"""

from __future__ import annotations

from dataclasses import replace

import docx
import pytest
from docx.oxml.ns import qn

from budgetbook.model import VIEW_INV_PAGAENDE, VIEW_RAM_AVDELNING, Column, Row, RowKind, Table
from budgetbook.report import content, namndplan
from budgetbook.report.tables import KEEP_GROUP_ROWS, KEEP_TOGETHER_ROWS
from report_builders import example_consolidation, example_settings


def keeps(element) -> bool:
    return bool(element.xpath(".//w:pPr/w:keepNext"))


def row_keeps(tr) -> bool:
    paragraphs = tr.findall(f".//{qn('w:p')}")
    return all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in paragraphs)


def has_note(tbl) -> bool:
    after = tbl.getnext()
    style = after.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if after.tag == qn("w:p") else None
    return style is not None and style.get(qn("w:val")) == "Kllnot"


def test_a_table_without_a_note_is_not_chained_to_what_follows(tmp_path):
    """A table without a note was followed by an empty paragraph for space; without it
    (test_report_word_file) the short table's last row, kept with the next paragraph,
    would chain the table to the heading and the table after it, and a page could not
    break between them."""
    document = write(tmp_path)
    unnoted = [t for t in document.tables if not has_note(t._tbl)]
    assert len(unnoted) >= 5  # the indicator tables, uppdrag, internkontroll
    for table in unnoted:
        rows = table._tbl.findall(qn("w:tr"))
        assert all(row_keeps(tr) for tr in rows[1:-1]) and not row_keeps(rows[-1])


def ram_table(settings, rows: int) -> Table:
    """Budget against ram per avdelning with plan years: label and nine amount columns."""
    years = settings.years
    columns = [Column("label", "Avdelning", "text")]
    for y in years:
        columns += [
            Column(f"budget_{y}", f"Budget {y}" if y == years[0] else f"Plan {y}"),
            Column(f"ram_{y}", f"Ram {y}"),
            Column(f"diff_{y}", f"Differens {y}"),
        ]
    names = [a.name for a in settings.avdelningar]
    body = [
        Row(
            names[i % len(names)],
            {c.key: 123_456 + i for c in columns[1:]},
        )
        for i in range(rows)
    ]
    total = Row("Summa", {c.key: 9_999_999 for c in columns[1:]}, RowKind.TOTAL)
    return Table(VIEW_RAM_AVDELNING, "Budget mot ram per avdelning", columns, [*body, total])


def write(tmp_path, ram: Table | None = None):
    settings = example_settings()
    cons = example_consolidation(settings)
    if ram is not None:
        cons.views[VIEW_RAM_AVDELNING] = ram
    return docx.Document(str(namndplan.write_namndplan(cons, settings, tmp_path / "np.docx")))


def test_captions_headings_and_rows_are_kept_with_what_follows(tmp_path):
    document = write(tmp_path)
    for p in document.paragraphs:
        name = p.style.name if p.style is not None else ""
        if name == "Caption" or name.startswith("Heading"):
            assert p.paragraph_format.keep_with_next or keeps(p._p), p.text
    assert document.tables
    for table in document.tables:
        rows = table._tbl.findall(qn("w:tr"))
        header = rows[0].find(qn("w:trPr"))
        assert header.find(qn("w:tblHeader")) is not None  # repeated on each page
        assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in rows)
        if len(rows) - 1 <= KEEP_TOGETHER_ROWS:  # a short table stays whole
            assert all(row_keeps(tr) for tr in rows[1:-1])
        # its last row with its note, never with what follows a table without one
        assert row_keeps(rows[-1]) == has_note(table._tbl)
        # the caption right before the table is kept with it
        previous = table._tbl.getprevious()
        assert previous.tag == qn("w:p") and keeps(previous)


def test_a_lead_in_between_a_heading_and_a_caption_is_kept_with_the_caption(tmp_path):
    """Regression: a page ended with "Nämndmål 5.1 …" and its one-line lead-in while
    Tabell 6 began the next page. A short paragraph between a heading and a caption is
    kept with the caption; a long one is not (it would empty half a page), and keepNext
    stands where Word's schema order puts it (after pStyle)."""
    document = write(tmp_path)
    body = list(document.element.body)
    captions = [
        i
        for i, e in enumerate(body)
        if e.tag == qn("w:p") and e.xpath("string(.)").startswith(("Tabell ", "Diagram "))
    ]
    checked = 0
    for i in captions:
        lead, above = body[i - 1], body[i - 2]
        style = above.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        heading = style is not None and "Rubrik" not in style.get(qn("w:val")) and keeps(above)
        if lead.tag == qn("w:p") and heading and not lead.xpath("string(.)").startswith("Tabell"):
            checked += 1
            short = len(lead.xpath("string(.)")) <= 600
            assert keeps(lead) == short, lead.xpath("string(.)")
            ppr = lead.find(qn("w:pPr"))
            tags = [c.tag for c in ppr] if ppr is not None else []
            assert tags.index(qn("w:keepNext")) == (1 if qn("w:pStyle") in tags else 0)
    assert checked >= 10  # the goal sections' lead-ins, the drift and investment intros


def test_a_sections_lead_sentence_is_kept_with_what_follows(tmp_path):
    """Review: "Driftbudget 2027" and its one generated sentence stood alone at the foot
    of a page, the sub-heading, chart and table on the next: the heading kept with the
    sentence, the sentence with nothing. The generated sentences that lead into a
    section's headings, charts or tables are kept with what follows them."""
    settings = example_settings()
    cons = example_consolidation(settings)
    document = docx.Document(str(namndplan.write_namndplan(cons, settings, tmp_path / "np.docx")))
    leads = {
        content.section_key_figure(cons, settings, 0): "Driftbudget per avdelning",
        content.section_key_figure(cons, settings, -1): "Diagram 2:",
        content.goal_sentence(cons, settings): "Mål 1.",
    }
    paragraphs = document.paragraphs
    found = 0
    for i, p in enumerate(paragraphs):
        if p.text in leads:
            found += 1
            assert keeps(p._p), p.text
            assert paragraphs[i + 1].text.startswith(leads[p.text]), paragraphs[i + 1].text
    assert found == len(leads)
    listing = next(p for p in paragraphs if p.text.startswith("Förteckning över"))
    assert keeps(listing._p)


def test_a_long_table_breaks_but_keeps_its_total_with_the_row_above(tmp_path):
    settings = example_settings()
    document = write(tmp_path, ram_table(settings, KEEP_TOGETHER_ROWS + 15))
    table = next(t for t in document.tables if "Differens" in t.rows[0].cells[3].text)
    rows = table._tbl.findall(qn("w:tr"))[1:]
    assert row_keeps(rows[-1]) and row_keeps(rows[-2])
    assert not any(row_keeps(tr) for tr in rows[:-2])


def test_ram_table_fits_portrait_in_compact_type(tmp_path):
    settings = example_settings()
    document = write(tmp_path, ram_table(settings, len(settings.avdelningar)))
    assert all(s.orientation == 0 for s in document.sections)  # no landscape page
    table = next(t for t in document.tables if "Differens" in t.rows[0].cells[3].text)
    section = document.sections[-1]
    text_width = (section.page_width - section.left_margin - section.right_margin) / 635
    grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(grid) == 10 and sum(grid) <= text_width
    sizes = {int(sz.get(qn("w:val"))) for sz in table._tbl.iter(qn("w:sz"))}
    assert sizes and max(sizes) < 17 and min(sizes) >= 12  # smaller than 8.5 pt, not tiny
    # the other tables keep the normal size
    other = document.tables[0]._tbl
    assert all(int(sz.get(qn("w:val"))) >= 15 for sz in other.iter(qn("w:sz")))


def chart_titles(document) -> list[str]:
    return [pr.get("title") for pr in document.element.body.xpath(".//wp:docPr")]


def test_the_avdelning_chart_shows_the_largest_when_all_would_not_fit_a_page(tmp_path):
    """With many avdelningar a full bar chart would be taller than a page (7 m at 1 000):
    it shows the largest ones, fitting the page, and the table has them all."""
    from dataclasses import replace

    from budgetbook.model import VIEW_DRIFT_AVDELNING

    settings = example_settings()
    cons = example_consolidation(settings)
    few = docx.Document(str(namndplan.write_namndplan(cons, settings, tmp_path / "few.docx")))
    assert any(t.startswith("Budget per avdelning") for t in chart_titles(few))

    table = cons.views[VIEW_DRIFT_AVDELNING]
    data = [r for r in table.rows if r.kind is RowKind.DATA]
    many = [replace(r, label=f"{r.label} {i}") for i in range(5) for r in data]  # 40 rows
    cons.views[VIEW_DRIFT_AVDELNING] = replace(table, rows=[*many, table.rows[-1]])
    document = docx.Document(str(namndplan.write_namndplan(cons, settings, tmp_path / "m.docx")))
    titles = chart_titles(document)
    assert any("största avdelningarna" in t for t in titles)
    assert any(t.startswith("Investeringsbudget per år") for t in titles)
    assert len(titles) == len(chart_titles(few))


def test_an_avdelnings_group_stays_on_one_page_and_a_long_one_keeps_its_heading(tmp_path):
    """A long project table grouped by avdelning. A group of up to KEEP_GROUP_ROWS rows
    (heading, projects, "Summa <avdelning>") is kept on one page: at N = 100 pages
    started with projects whose avdelning heading stood on the page before. A longer
    group keeps its heading with the two rows under it (a heading never ends a page)
    and its subtotal with the row above it (at N = 100 a "Summa <avdelning>" stood
    alone at the top of a page); elsewhere in it a page may break. Between groups a
    page may always break."""
    settings = example_settings()
    cons = example_consolidation(settings)
    view = cons.views[VIEW_INV_PAGAENDE]
    year_keys = [c.key for c in view.columns if c.kind == "tkr"]
    first = settings.avdelningar[0].name
    body = [
        Row(f"Projekt {i}", {"avdelning": a.name, **dict.fromkeys(year_keys, 100)})
        for a in settings.avdelningar
        for i in range(12 if a.name == first else 5)
    ]
    total = Row("Summa pågående projekt", dict.fromkeys(year_keys, 100 * len(body)), RowKind.TOTAL)
    cons.views[VIEW_INV_PAGAENDE] = replace(view, rows=[*body, total])
    path = namndplan.write_namndplan(cons, settings, tmp_path / "np.docx")
    document = docx.Document(str(path))
    table = next(t for t in document.tables if t.rows[-1].cells[0].text == total.label)
    rows = table._tbl.findall(qn("w:tr"))[1:]
    labels = [tr.xpath("string(.//w:tc[1])") for tr in rows]
    names = {a.name for a in settings.avdelningar}
    assert len(rows) > KEEP_TOGETHER_ROWS and labels.count("Projekt 0") == len(names)
    heads = [i for i, label in enumerate(labels) if label in names]
    for start, end in zip(heads, [*heads[1:], len(labels) - 1], strict=True):
        group = labels[start:end]
        kept = [row_keeps(tr) for tr in rows[start:end]]
        assert group[-1].startswith("Summa ")
        if len(group) <= KEEP_GROUP_ROWS:  # whole: every row kept with the next
            assert kept == [True] * (len(group) - 1) + [end == len(labels) - 1], group
        else:  # heading with two rows, subtotal with one; the rest may break
            assert group[0] == first and len(group) == 14
            assert kept == [True, True] + [False] * 10 + [True, False], kept
    assert row_keeps(rows[-2])  # the total with the row above it


def _sect_break(element) -> bool:
    return element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None


def wide_ram_table(settings) -> Table:
    """The ram table with eight more amount columns: too wide for portrait, compact too."""
    table = ram_table(settings, 8)
    extra = [Column(f"x{i}", f"Extra {i}") for i in range(8)]
    rows = [replace(r, values={**r.values, **{c.key: 123_456 for c in extra}}) for r in table.rows]
    return replace(table, columns=[*table.columns, *extra], rows=rows)


@pytest.mark.parametrize("text", ["", "Ramarna är uppräknade med löne- och prisindex."])
def test_a_heading_goes_with_its_table_onto_a_landscape_page(tmp_path, text):
    """QA (Överförmyndarnämnden, three plan years, no texts): "Ekonomiska ramar
    2027–2030" stood alone at the foot of a portrait page, its table on the landscape
    page after it. The heading, and a short lead-in under it, start the landscape page."""
    settings = example_settings()
    settings = replace(settings, texts={**settings.texts, "ekonomiska_ramar": text})
    cons = example_consolidation(settings)
    cons.views[VIEW_RAM_AVDELNING] = wide_ram_table(settings)
    path = namndplan.write_namndplan(cons, settings, tmp_path / "np.docx")
    body = list(docx.Document(str(path)).element.body)
    heading = [  # the last: the first is its line in the contents
        i
        for i, e in enumerate(body)
        if e.tag == qn("w:p") and e.xpath("string(.)").startswith("Ekonomiska ramar")
    ][-1]
    table = next(i for i in range(heading, len(body)) if body[i].tag == qn("w:tbl"))
    assert _sect_break(body[heading - 1])  # the portrait section ends right above it
    assert not any(_sect_break(e) for e in body[heading:table])
    if text:
        assert body[heading + 1].xpath("string(.)") == text


@pytest.mark.parametrize("between", [[], ["Nya investeringsprojekt"]], ids=["none", "heading"])
def test_wide_tables_in_a_row_leave_no_blank_page_between(between):
    """Two tables too wide for portrait, nothing but a heading between them (or
    nothing): the portrait section between the landscape ones held nothing once the
    heading moved onto the second's page, a blank page in the draft (LibreOffice
    rendered it so). The second table, its heading above it, starts a landscape page
    of its own."""
    from budgetbook import fmt
    from budgetbook.report.builder import DocBuilder
    from budgetbook.report.docx_template import open_template

    settings = example_settings()
    b = DocBuilder(open_template(None), fmt.Convention(), ["4472C4"])
    b.heading("Investeringsbudget", 1)
    b.heading("Pågående investeringsprojekt", 2)
    b.table(wide_ram_table(settings))
    for text in between:
        b.heading(text, 2)
    b.table(wide_ram_table(settings))
    body = list(b.body)
    breaks = [i for i, e in enumerate(body) if e.tag == qn("w:p") and _sect_break(e)]
    orients = [body[i].find(f".//{qn('w:pgSz')}").get(qn("w:orient")) for i in breaks]
    assert orients == [None, "landscape", "landscape"]  # portrait, then two landscape
    first, second = breaks[1], breaks[2]
    shown = [e.xpath("string(.)") for e in body[first + 1 : second] if e.tag == qn("w:p")]
    assert shown[: len(between)] == between
    assert any(e.tag == qn("w:tbl") for e in body[first + 1 : second])
