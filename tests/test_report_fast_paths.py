"""The report's shortcuts (issue 8) give what the plain definitions give.

Cells are formatted once per distinct value, widths measured once per distinct text,
XML escaping skipped for texts that need none, and headings and paragraphs parsed from
their XML instead of built by python-docx; each must be invisible in the draft.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from lxml import etree

from budgetbook import fmt
from budgetbook.model import Column, Row, RowKind, Table
from budgetbook.report import table_measure, tables
from budgetbook.report.builder import DocBuilder, _add_lines
from budgetbook.report.docx_template import open_template

COLOURS = ["4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47"]


def _reference_cell(table: Table, column: Column, row: Row, convention: fmt.Convention) -> str:
    """format_value as first written, one cell at a time with no cache."""
    value = row.values.get(column.key)
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if column.key in table.signed_columns:
        value = convention.display(value)
    if column.kind == "tkr":
        return fmt.tkr(value)
    if column.kind == "pct":
        return fmt.pct(value)
    if column.kind == "int":
        return str(fmt.round_half_up(value))
    return str(value)


# equal values of different types, zeros of both signs, halves, text in a number column
PLAIN = [1, 1.0, -0.0, 0, 0.0, 2.5, -2.5, 0.285, 1234567, -1234.5, "–", "", None, 0.125]
PLAIN += [12.0, -7, 1e16, 10**16, 0.5, -0.5]
# a Decimal equal to a float that prints otherwise (the float's 0.285 is as written)
MIXED = [*PLAIN, Decimal("0.285"), Decimal.from_float(0.285)]
# only numbers and None: formatted without a call per value
NUMBERS = [v for v in PLAIN if not isinstance(v, str)]


def _table(values: list) -> Table:
    columns = [
        Column("label", "Verksamhet", "text"),
        Column("a", "Belopp", "tkr"),
        Column("b", "Andel", "pct"),
        Column("c", "Antal", "int"),
        Column("d", "Värde", "value"),
        Column("e", "Signerat", "tkr"),
        Column("f", "Signerat värde", "value"),
    ]
    rows = [Row("Rubrik", {}, RowKind.HEADING)]
    for i, v in enumerate(values):
        values = {c.key: v for c in columns[1:]}
        if i % 3:
            values["label"] = f"Rad {i}"  # else the label shows in the first column
        rows.append(Row(f"Etikett {i}", values))
        if i == 4:
            rows.append(Row("Grupp", {}, RowKind.HEADING))
    rows.append(Row("Summa", {"a": 3.0, "e": -3}, RowKind.TOTAL))
    return Table("t", "Test", columns, rows, signed_columns=frozenset({"e", "f"}))


@pytest.mark.parametrize("values", [PLAIN, MIXED, NUMBERS])
def test_cell_texts_match_format_value_for_every_kind_and_type(values):
    table = _table(values)
    for name in ("net_cost_positive", "costs_negative"):
        conv = fmt.Convention(name)
        expected = [
            []
            if row.kind is RowKind.HEADING
            else [
                row.label
                if i == 0 and col.key not in row.values
                else _reference_cell(table, col, row, conv)
                for i, col in enumerate(table.columns)
            ]
            for row in table.rows
        ]
        assert table_measure.cell_texts(table, conv) == expected
        for row in table.rows:
            for col in table.columns:
                assert table_measure.format_value(table, col, row, conv) == _reference_cell(
                    table, col, row, conv
                )
    assert table_measure.cell_texts(Table("x", "X", [], table.rows), fmt.Convention()) == [
        [] for _ in table.rows
    ]


def test_widest_is_the_largest_text_twips():
    texts = ["", "1 234", "−98 765", "Illi", "MWMW", "mmm", "ÅÄÖ åäö", "1 234"]
    for points in (table_measure.BODY_PT, table_measure.HEADER_PT, 7.0):
        for bold in (False, True):
            assert table_measure._widest(texts, points, bold) == max(
                table_measure.text_twips(t, points, bold) for t in texts
            )
    assert table_measure._widest([], table_measure.BODY_PT, True) == 0


def test_widest_sums_only_texts_that_could_be_widest_and_finds_the_same_maximum():
    # _widest_ems skips texts too short to be the widest, and a TextEms shared by the
    # tables of a document returns each text's sum again (issue 8): the same maximum as
    # summing every distinct text, shorter texts of wide letters included
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    m = table_measure

    @hsettings(max_examples=400, deadline=None)
    @given(st.sets(st.text(alphabet="mW1 ,%i−ÅaI.", max_size=14), max_size=20))
    def check(texts: set[str]) -> None:
        expected = max(map(m._ems, texts), default=0)
        assert m._widest_ems(texts) == expected
        shared = m.TextEms()
        assert m._widest_ems(texts, shared) == expected
        assert m._widest_ems(texts, shared) == expected  # from the sums kept
        for points in (m.BODY_PT, 7.0):
            assert m._widest(texts, points, True, shared) == max(
                (m.text_twips(t, points, True) for t in texts), default=0
            )

    check()
    assert m._widest_ems({"1 2 3", "MMMM", "WW"}) == m._ems("MMMM")  # not the longest


def test_measure_with_a_shared_text_ems_is_measure_alone():
    # the builder passes one TextEms to every table's measure (issue 8)
    shared = table_measure.TextEms()
    for values in (PLAIN, MIXED, NUMBERS, PLAIN):
        table = _table(values)
        for conv in (fmt.Convention(), fmt.Convention("costs_negative")):
            alone = table_measure.measure(table, conv)
            again = table_measure.measure(table, conv, shared)
            assert (again.columns, again.needs, again.weights) == (
                alone.columns,
                alone.needs,
                alone.weights,
            )
            assert (again.columns, again.needs, again.weights) == _reference_measure(table, conv)


def test_clean_skips_only_texts_that_need_nothing():
    for text in ["43 974", "a & b", "<x>", "x > y", "ok\x01bad", "tab\tand\nline", "\ufffe", ""]:
        assert tables.clean(text) == escape(fmt.xml_safe(text))


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _shown_cells(xml: str) -> list[list[str]]:
    """Each body row's cells as a reader of the document sees them (w:br as a newline)."""
    rows = []
    for tr in etree.fromstring(xml).iter(f"{W}tr"):
        cells = []
        for tc in tr.iter(f"{W}tc"):
            parts = [
                "\n" if el.tag == f"{W}br" else el.text or "" for el in tc.iter(f"{W}t", f"{W}br")
            ]
            cells.append("".join(parts))
        rows.append(cells)
    return rows[1:]  # without the header row


@pytest.mark.parametrize(
    "special",
    [None, "a & b", "<x>", "två\nrader", "styr\x01tecken", "3 < 4 &\nmer"],
)
def test_table_cells_carry_their_text_whether_or_not_any_needs_escaping(special):
    # a table with no text to escape takes the one-scan path, any other the per-cell one
    table = _table(PLAIN)
    if special is not None:
        table.rows.insert(2, Row(special, {"d": special}))
    style = tables.TableStyle("TS", "TT", "SN", "Caption", "DDDDDD", fmt.Convention())
    texts = table_measure.cell_texts(table, style.convention)
    xml = tables.table_xml(table, [1000] * len(table.columns), style, texts)
    shown = _shown_cells(xml)
    for row, cells, got in zip(table.rows, texts, shown, strict=True):
        if row.kind is RowKind.HEADING:
            assert got == [row.label]
        else:
            assert got == [fmt.xml_safe(t) for t in cells]


def _xml(element) -> bytes:
    return etree.tostring(element)


def test_headings_and_paragraphs_are_what_python_docx_makes():
    texts = ["Avdelning 1", " leading", "trailing ", "a & b <c>", "", "tab\there", "two\nlines"]
    texts += ["cr\rhere", "Ekonomi – plan/år", "\ttab first"]
    for level in (0, 2, 3):
        for text in texts:
            b = DocBuilder(open_template(None), fmt.Convention(), COLOURS)
            b.heading(text, level)
            ours = b.body[-2]
            ref = b.doc.add_paragraph()  # the same paragraph the python-docx way
            style = "Title" if level == 0 else f"Heading {level}"
            ref._p.style = b.doc.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
            ref.add_run(fmt.xml_safe(text))
            ref.paragraph_format.keep_with_next = True
            if level <= 2:  # the bookmark around a TOC heading's text
                ours = etree.fromstring(_xml(ours))
                for mark in [c for c in ours if "bookmark" in c.tag]:
                    ours.remove(mark)
            assert _xml(ours) == _xml(ref._p), (level, text)
    texts += ["", "\n", "a\n\nb", " x \n y ", "tab\tfirst\nline", "line\nwith\ttab", "a\r\nb"]
    texts += ["first\nsecond\rthird", "\u00a0nbsp\n&amp;"]
    for style in (None, "Normal", "Heading 4", "List Bullet"):
        for text in texts:
            b = DocBuilder(open_template(None), fmt.Convention(), COLOURS)
            b.paragraph(text, style)
            ours = b.body[-2]
            ref = b.doc.add_paragraph()
            known = style in {s.name for s in b.doc.styles}
            if style and known:
                ref._p.style = b.doc.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
            if style and style.startswith("Heading"):
                ref.paragraph_format.keep_with_next = True
            _reference_lines(ref, text)
            assert _xml(ours) == _xml(ref._p), (style, text)


def _reference_lines(para, text: str) -> None:
    """A paragraph's lines as the builder writes them through python-docx."""
    _add_lines(para, fmt.xml_safe(text).split("\n"))


def _reference_table_xml(table: Table, widths: list[int], style: tables.TableStyle) -> str:
    """table_xml by its plain definition: every cell made by `_cell` on its own."""
    keep = tables.kept_rows(table)
    texts = table_measure.cell_texts(table, style.convention)
    head = tables.table_xml(Table(table.key, table.caption, table.columns, []), widths, style)
    parts = [head[: -len("</w:tbl>")]]
    for i, (row, cells) in enumerate(zip(table.rows, texts, strict=True)):
        kept = i in keep
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        if row.kind is RowKind.HEADING:
            parts.append(
                tables._cell(
                    row.label,
                    sum(widths),
                    style,
                    bold=True,
                    italic=True,
                    span=len(table.columns),
                    keep=kept,
                )
            )
        else:
            for col, width, text in zip(table.columns, widths, cells, strict=True):
                parts.append(
                    tables._cell(
                        text,
                        width,
                        style,
                        right=table_measure.is_numeric(col),
                        bold=row.kind in (RowKind.TOTAL, RowKind.SUBTOTAL),
                        top_border=row.kind is RowKind.TOTAL,
                        keep=kept,
                    )
                )
        parts.append("</w:tr>")
    return "".join(parts) + "</w:tbl>"


@pytest.mark.parametrize("special", [None, "a & b", "två\nrader"])
@pytest.mark.parametrize("copies", [1, 4])
def test_table_xml_is_each_cell_made_on_its_own(special, copies):
    # long tables take the per-column lookup of each distinct cell (issue 8), short ones
    # and rows kept with the next the per-row path: both give the cells `_cell` makes
    table = _table(PLAIN)
    table = Table(
        table.key,
        table.caption,
        table.columns,
        table.rows[:-1] * copies + table.rows[-1:],
        signed_columns=table.signed_columns,
    )
    if special is not None:
        table.rows.insert(3, Row(special, {"d": special}))
    assert len(table.rows) > tables.KEEP_TOGETHER_ROWS or copies == 1
    style = tables.TableStyle("TS", "TT", "SN", "Caption", "DDDDDD", fmt.Convention())
    widths = [1000 + 10 * i for i in range(len(table.columns))]
    expected = _reference_table_xml(table, widths, style)
    assert tables.table_xml(table, widths, style) == expected
    assert (
        tables.table_xml(table, widths, style, table_measure.cell_texts(table, style.convention))
        == expected
    )
    measured = table_measure.measure(table, style.convention)
    assert tables.table_xml(table, widths, style, columns=measured.columns) == expected


def test_the_words_of_all_texts_at_once_are_each_texts_words():
    # measure splits the texts joined by a space once (issue 8): the same words
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    def each(texts: set[str]) -> set[str]:
        return {w for t in texts for w in table_measure._BREAKS.split(t) if w}

    def at_once(texts: set[str]) -> set[str]:
        words = set(table_measure._BREAKS.split(" ".join(texts)))
        words.discard("")
        return words

    @hsettings(max_examples=500, deadline=None)
    @given(st.sets(st.text(alphabet="ab -\u2013/\t\n\u00a0", max_size=8), max_size=6))
    def check(texts: set[str]) -> None:
        assert at_once(texts) == each(texts)
        assert table_measure._words(texts) == each(texts)

    check()
    # _words splits at whitespace by str.split: the same characters as the pattern's \s
    space = re.compile(r"\s")
    assert all(
        (space.fullmatch(c) is not None) == (c.split() == []) for c in map(chr, range(0x110000))
    )

    @hsettings(max_examples=500, deadline=None)
    @given(st.lists(st.text(alphabet="a-/\u2013 \x1c\x85\u2028\u3000\x0b\r\u00a0", max_size=8)))
    def check_spaces(texts: list[str]) -> None:
        assert table_measure._words(texts) == each(set(texts))

    check_spaces()
    assert at_once({"B2026–B2027", "a-", "-b", " x ", "/", ""}) == each(
        {"B2026–B2027", "a-", "-b", " x ", "/", ""}
    )


def test_a_build_that_ends_with_finish_toc_has_its_figures_in_place():
    # review: a figure's picture went in only at finish_figures; a report that forgot
    # to call it got an empty paragraph where its chart belongs
    from budgetbook.report import charts

    b = DocBuilder(open_template(None), fmt.Convention(), COLOURS)
    png = charts.stacked_columns(["2027"], [("Nya", [5.0])], ["4472C4"])
    b.figure(lambda: png, "Investeringar per år", "Staplar per år")
    b.finish_toc()
    blips = b.doc.element.body.xpath(".//a:blip")
    assert len(blips) == 1
    assert b.doc.part.related_parts[blips[0].get(qn("r:embed"))].blob == png


def test_a_title_heading_is_not_in_the_table_of_contents():
    # level 0 is Word's Title style, which a TOC \\o "1-2" does not list; it was taken
    # for a TOC entry and finish_toc failed looking for a "toc 0" style
    b = DocBuilder(open_template(None), fmt.Convention(), COLOURS)
    b.toc_here("Innehåll")
    b.heading("Nämndplan 2027", 0)
    b.heading("Inledning", 1)
    b.finish_toc()
    assert [h.text for h in b.headings] == ["Inledning"]
    entries = b.doc.element.body.xpath(".//w:hyperlink//w:t")
    assert [t.text for t in entries] == ["Inledning"]


def _reference_measure(table: Table, convention: fmt.Convention) -> tuple[list, list, list]:
    """measure as first written: every cell formatted and measured, the lengths sorted."""
    m = table_measure
    body = [r for r in table.rows if r.kind is not RowKind.HEADING]
    columns = [[_reference_cell(table, c, r, convention) for r in body] for c in table.columns]
    if table.columns and table.columns[0].kind == "text":
        key = table.columns[0].key
        columns[0] = [
            r.label if key not in r.values else t for r, t in zip(body, columns[0], strict=True)
        ]
    needs, weights = [], []
    for i, col in enumerate(table.columns):
        header = m._longest_word(col.heading, m.HEADER_PT, bold=True)
        if m.is_numeric(col):
            longest = max((m.text_twips(t, m.BODY_PT, True) for t in columns[i]), default=0)
            needs.append(
                max(m.MIN_WIDTH[col.kind], header + m.CELL_PADDING, longest + m.CELL_PADDING)
            )
            weights.append(0)
            continue
        values = [r.values.get(col.key) for r in body]
        if col.key == "label":
            shown = [str(v or r.label) for v, r in zip(values, body, strict=True)]
        else:
            shown = [str(v or "") for v in values]
        word = max((m._longest_word(t, m.BODY_PT, True) for t in shown), default=0)
        needs.append(max(m.MIN_TEXT_WIDTH, header + m.CELL_PADDING, word + m.CELL_PADDING))
        lengths = sorted(m.text_twips(t, m.BODY_PT) for t in shown)
        typical = lengths[len(lengths) * 3 // 4] if lengths else 0
        weights.append(max(1, typical + m.CELL_PADDING))
    return columns, needs, weights


def test_measure_matches_measuring_every_cell():
    # widths from each distinct text, the typical length from counts, the label column
    # from the labels when no row has its own value (issue 8): as measuring every cell
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    texts = st.one_of(st.none(), st.text(alphabet="aW i–-/ \nÅ&", max_size=12))
    cells = st.one_of(texts, st.sampled_from(NUMBERS), st.sampled_from(MIXED))

    @hsettings(max_examples=300, deadline=None)
    @given(
        st.lists(
            st.tuples(st.text(alphabet="Rad x", max_size=6), texts, texts, cells, cells),
            max_size=12,
        ),
        st.booleans(),
        st.sampled_from(["net_cost_positive", "costs_negative"]),
    )
    def check(rows: list, own_label: bool, name: str) -> None:
        columns = [
            Column("label", "Verksamhet", "text"),
            Column("note", "Kommentar", "text"),
            Column("a", "Belopp", "tkr"),
            Column("b", "Andel", "pct"),
        ]
        table_rows = [Row("Rubrik", {}, RowKind.HEADING)]
        for label, own, note, a, b in rows:
            values = {"note": note, "a": a, "b": b}
            if own_label:
                values["label"] = own
            table_rows.append(Row(label, values))
        table = Table("t", "Test", columns, table_rows, signed_columns=frozenset({"a"}))
        conv = fmt.Convention(name)
        measured = table_measure.measure(table, conv)
        assert (measured.columns, measured.needs, measured.weights) == _reference_measure(
            table, conv
        )

    check()
    for values in (PLAIN, MIXED, NUMBERS):
        table = _table(values)
        measured = table_measure.measure(table, fmt.Convention())
        expected = _reference_measure(table, fmt.Convention())
        assert (measured.columns, measured.needs, measured.weights) == expected


@pytest.mark.parametrize("name", ["net_cost_positive", "costs_negative"])
def test_amount_columns_of_ints_are_formatted_in_bulk_as_each(name):
    # an amount column of ints (and None) is formatted by fmt.tkr_of_ints, signed ones
    # negated first under costs_negative (issue 8): as formatting each cell
    ints = [0, -0, 7, -7, 1234, -98765, 10**12, None, 1234, 0]
    table = _table(ints)
    conv = fmt.Convention(name)
    measured = table_measure.measure(table, conv)
    assert (measured.columns, measured.needs, measured.weights) == _reference_measure(table, conv)


@pytest.mark.parametrize("name", ["net_cost_positive", "costs_negative"])
def test_percent_columns_of_floats_are_formatted_in_bulk_as_each(name):
    # fmt.pct_of_floats, signed ones negated first under costs_negative (issue 8)
    floats = [0.285, -0.125, 0.5, None, 1.005, -0.0, 0.0, 2.675, -0.004999, 12.3]
    columns = [
        Column("label", "Verksamhet", "text"),
        Column("p", "Andel", "pct"),
        Column("q", "Signerad andel", "pct"),
    ]
    rows = [Row(f"Rad {i}", {"p": v, "q": v}) for i, v in enumerate(floats)]
    table = Table("t", "Test", columns, rows, signed_columns=frozenset({"q"}))
    conv = fmt.Convention(name)
    measured = table_measure.measure(table, conv)
    assert (measured.columns, measured.needs, measured.weights) == _reference_measure(table, conv)
    assert measured.columns[1] == ["" if v is None else fmt.pct(v) for v in floats]


def test_batched_paragraphs_make_the_same_document():
    # DocBuilder.batched parses text paragraphs many at once, flushed before anything
    # else goes into the tree (issue 8): the same document as adding each at once
    texts = ["Avdelning 1", " leading", "trailing ", "a & b <c>", "", "tab\there", "two\nlines"]
    texts += ["cr\rhere", "- punkt\n* två\nvanlig", "a\n\nb", "\ttab first", "\u00a0nbsp\n&amp;"]
    from budgetbook.report import charts

    wide = _table(PLAIN)  # in a landscape section
    columns = [Column("label", "Verksamhet", "text"), Column("a", "Belopp", "tkr")]
    narrow = Table("n", "Liten", columns, [Row(f"Rad {i}", {"a": i}) for i in range(3)])
    png = charts.stacked_columns(["2027"], [("Nya", [5.0])], ["4472C4"])

    def build(batched: bool) -> bytes:
        b = DocBuilder(open_template(None), fmt.Convention(), COLOURS)
        with b.batched() if batched else contextlib.nullcontext():
            b.paragraph("Titel", "Title")
            b.toc_here()
            b.paragraph("Före sidbrytningen")
            b.page_break()
            for level in (1, 2, 3):  # (finish_toc has no TOC style for a level 0)
                for text in texts:
                    b.heading(text, level)
                    b.paragraph(text, "Heading 4")
                    b.user_text(text)
                    b.placeholder(text)
                b.table(narrow)
                b.paragraph(texts[level])
                b.table(wide, ["En not"])
                b.paragraph("Före figuren")
                b.figure(lambda: png, "Figur", "Alt")
                b.paragraph(texts[level], "List Bullet")
            b.heading("Sist", 2)  # batched until finish_toc
        b.finish_toc()
        return _xml(b.doc.element)

    assert build(True) == build(False)


def test_uppdrag_table_names_each_avdelning_as_settings_does():
    # uppdrag_table looks each avdelning's name up once (issue 8): the same rows as
    # asking settings for every uppdrag, an unknown code shown as itself
    from dataclasses import replace

    from budgetbook.model import Uppdrag
    from budgetbook.report import content
    from report_builders import example_consolidation, example_settings

    settings = example_settings()
    cons = example_consolidation(settings)
    codes = [a.code for a in settings.avdelningar] + ["okänd", ""]
    uppdrag = [Uppdrag(f"Uppdrag {i}", 2027, "", avdelning=c) for i, c in enumerate(codes * 3)]
    table = content.uppdrag_table(replace(cons, uppdrag=uppdrag), settings)
    expected = []
    for u in uppdrag:
        avd = settings.avdelning(u.avdelning)
        expected.append(avd.name if avd else u.avdelning)
    assert [r.values["avdelning"] for r in table.rows] == expected
    assert [r.label for r in table.rows] == [u.text for u in uppdrag]


def test_has_data_is_whether_a_table_has_data_rows():
    # namndplan.view asks _has_data instead of listing the data rows (issue 8)
    from budgetbook.report import namndplan

    kinds = [RowKind.HEADING, RowKind.DATA, RowKind.SUBTOTAL, RowKind.TOTAL]
    columns = [Column("label", "Rad", "text")]
    for n in range(4):
        for combo in itertools.product(kinds, repeat=n):
            table = Table("t", "T", columns, [Row("r", {}, kind) for kind in combo])
            assert namndplan._has_data(table) == bool(table.data_rows())


def test_a_batched_block_that_raises_keeps_what_was_added_before():
    # review: batched() dropped the paragraphs still pending when its block raised, yet
    # their headings stayed in `headings`: a caller that caught the error and finished
    # the document got TOC links to bookmarks that were never written, unlike unbatched
    def build(batched: bool) -> bytes:
        b = DocBuilder(open_template(None), fmt.Convention(), COLOURS)
        b.toc_here()
        batching = b.batched() if batched else contextlib.nullcontext()
        with contextlib.suppress(RuntimeError), batching:
            b.heading("Inledning", 1)
            b.paragraph("Före felet")
            raise RuntimeError("a failing section")
        b.paragraph("Efter felet")
        b.finish_toc()
        body = b.doc.element.body
        anchors = [h.get(qn("w:anchor")) for h in body.xpath(".//w:hyperlink")]
        assert anchors == [m.get(qn("w:name")) for m in body.xpath(".//w:bookmarkStart")]
        return _xml(body)

    assert build(True) == build(False)


def test_nested_batched_blocks_keep_batching_and_order():
    # review: an inner batched() left the outer block unbatched (its end set None)
    b = DocBuilder(open_template(None), fmt.Convention(), COLOURS)
    with b.batched():
        b.paragraph("ett")
        with b.batched():
            b.paragraph("två")
        b.paragraph("tre")
        assert b._batch is not None and len(b._batch) == 1  # "tre" waits to be parsed
    assert [p.text for p in b.doc.paragraphs] == ["ett", "två", "tre"]
