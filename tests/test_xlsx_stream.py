"""The streaming .xlsx writer behind the consolidated workbook, read back with openpyxl
and python-calamine: values and types, texts that look like formulas stay text, formats,
panes, filters, merged cells, print titles, and a clean zip."""

from __future__ import annotations

import math
import re
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_col_to_name

from budgetbook.errors import XlsxStreamError
from budgetbook.xlsx_cells import MAX_STRING, cell_number, row_pieces, shared_strings, shared_text
from budgetbook.xlsx_stream import XlsxStream

TRICKY = [
    '=HYPERLINK("http://x","klicka")',
    "+46 8 123 45",
    "-1",
    "@SUM(A1)",
    "0123",
    "  leading and trailing  ",
    "a & b < c > d \"q\" 'apostrof'",
    "tab\tand\nnewline",
    "bell\x07 and escape\x1b",
    "_x0041_ stays literal",
    "Åäö – ”citat” €",
    "",
]


def unescape(text: str) -> str:
    """A control character as Excel shows it (openpyxl keeps its _x00HH_ escape)."""
    return re.sub(r"_x(00[01][0-9A-F])_", lambda m: chr(int(m.group(1), 16)), text)


def write_book(path):
    with XlsxStream(path, title="Titel & test", company="Kommun", comments="inga formler") as book:
        bold = book.add_format({"bold": True, "num_format": "#,##0", "top": 1, "bottom": 6})
        pct = book.add_format({"num_format": "0 %", "italic": True, "valign": "top"})
        head = book.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "text_wrap": True, "align": "right"}
        )
        assert book.add_format({"bold": True, "num_format": "#,##0", "top": 1, "bottom": 6}) == bold
        with book.sheet("Blad 'ett' 1", widths=[30, 12, None, 8], freeze=(4, 1)) as ws:
            ws.row(0, [("Rubrik", head)], height=30)
            ws.row(3, [("Text", head), ("Belopp", head), ("Andel", head), ("Ja", head)])
            for i, text in enumerate(TRICKY):
                ws.row(4 + i, [(text, 0), (1000 * i - 3, bold), (i / 7, pct), (i % 2 == 0, 0)])
            ws.row(20, [(None, bold), (2**40, 0), (-0.5, pct), (None, 0)])
            ws.row(22, [("Not", head), (None, head), (None, head), (None, head)])
            ws.merge(22, 0, 22, 3)
            ws.autofilter(3, 0, 20, 3)
            ws.repeat_row = 3
        with book.sheet("Två", freeze=(1, 0)) as ws:
            ws.row(0, [("x" * (MAX_STRING + 10), 0)])
            ws.row(1, [(f"c{c}", 0) for c in range(30)])  # columns beyond Z
    return path


def test_values_types_and_texts_stay_text(tmp_path):
    path = write_book(tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Blad 'ett' 1", "Två"]
    ws = wb["Blad 'ett' 1"]
    for i, text in enumerate(TRICKY):
        cell = ws.cell(5 + i, 1)
        assert cell.data_type == "s" or (text == "" and cell.value in ("", None))
        if text:  # openpyxl leaves Excel's _xHHHH_ escapes of control characters as they are
            assert unescape(cell.value) == text
        assert ws.cell(5 + i, 2).value == 1000 * i - 3
        assert math.isclose(ws.cell(5 + i, 3).value, i / 7)
        assert ws.cell(5 + i, 4).value == ("ja" if i % 2 == 0 else "nej")
    assert ws["B21"].value == 2**40 and ws["C21"].value == -0.5
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    two = wb["Två"]
    assert len(two["A1"].value) == MAX_STRING
    assert two[f"{xl_col_to_name(29)}2"].value == "c29" and xl_col_to_name(29) == "AD"


def test_control_characters_and_lookalikes_round_trip_in_calamine(tmp_path):
    path = write_book(tmp_path / "s.xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Blad 'ett' 1").to_python()
    texts = [r[0] for r in rows[4 : 4 + len(TRICKY)]]
    assert texts[TRICKY.index("_x0041_ stays literal")] == "_x0041_ stays literal"
    assert texts[TRICKY.index("+46 8 123 45")] == "+46 8 123 45"
    assert texts[TRICKY.index("  leading and trailing  ")] == "  leading and trailing  "


def test_formats_layout_and_print_setup(tmp_path):
    path = write_book(tmp_path / "s.xlsx")
    ws = openpyxl.load_workbook(path)["Blad 'ett' 1"]
    assert ws.freeze_panes == "B5"
    assert ws.auto_filter.ref == "A4:D21"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A23:D23"]
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.row_dimensions[1].height == 30
    assert ws.column_dimensions["A"].width > 30 and ws.column_dimensions["B"].width > 12
    b = ws["B5"]
    assert b.number_format == "#,##0" and b.font.b and b.border.bottom.style == "double"
    assert b.border.top.style == "thin"
    c = ws["C5"]
    assert c.number_format == "0 %" and c.font.i and c.alignment.vertical == "top"
    h = ws["A4"]
    assert h.fill.fgColor.rgb == "FFDCE6F1" and h.alignment.wrap_text
    assert h.alignment.horizontal == "right"


def test_zip_and_properties(tmp_path):
    path = write_book(tmp_path / "s.xlsx")
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert "[Content_Types].xml" in z.namelist()
    props = openpyxl.load_workbook(path).properties
    assert props.title == "Titel & test" and props.description == "inga formler"


def test_misuse_is_refused(tmp_path):
    book = XlsxStream(tmp_path / "x.xlsx")
    ws = book.sheet("A")
    ws.row(2, [("x", 0)])
    with pytest.raises(ValueError, match="in order"):
        ws.row(2, [("y", 0)])
    with pytest.raises(XlsxStreamError, match="kan inte skrivas"):
        ws.row(3, [(math.nan, 0)])
    with pytest.raises(RuntimeError):
        book.sheet("B")
    ws.close()
    with pytest.raises(XlsxStreamError, match="finns redan"):
        book.sheet("a")
    book.close()
    assert openpyxl.load_workbook(tmp_path / "x.xlsx")["A"]["A3"].value == "x"


def test_fixed_rows_match_row(tmp_path):
    """The fast writer for rows of one shape gives the cells `row` gives."""
    with XlsxStream(tmp_path / "f.xlsx") as book:
        num = book.add_format({"num_format": "#,##0"})
        with book.sheet("A") as ws:
            write = ws.fixed_rows((0, num, 0), numbers=(1,))
            write(0, ("=1+1", 12, "b"))
            write(1, ("", -2.5, "_x0041_"))
            ws.row(2, [("=1+1", 0), (12, num), ("b", 0)])
            with pytest.raises(XlsxStreamError, match="som tal"):
                write(3, ("a", math.inf, "c"))
            with pytest.raises(ValueError, match="in order"):
                write(1, ("a", 1, "c"))
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx")["A"]
    assert [c.value for c in ws[1]] == [c.value for c in ws[3]] == ["=1+1", 12, "b"]
    assert ws["A1"].data_type == "s" and ws["B1"].number_format == "#,##0"
    assert ws["B2"].value == -2.5


def test_typed_rows_match_row_byte_for_byte(tmp_path):
    """A view's rows through `typed_rows` (a template per shape of row) are the XML and
    shared strings `row` gives, blanks, floats, a bool, "%" and a row height included."""
    rows = [
        ["Ö & %s", 12, None, 0.25, "%"],
        ["Ö & %s", -3, 7, None, "b"],  # a second shape
        ["c", 1, 2, 1.5, "%d"],  # the first shape again
        [True, 10**20, None, -0.0, ""],  # a bool: as `row` writes it
        ["d", 4, 5, float("nan"), "e"],  # Excel cannot take NaN: `row`'s error
    ]
    sheets = {}
    for how in ("row", "typed"):
        with XlsxStream(tmp_path / f"{how}.xlsx") as book:
            num = book.add_format({"num_format": "#,##0"})
            styles = [0, num, num, book.add_format({"num_format": "0 %"}), 0]
            with book.sheet("A") as ws:
                write = ws.typed_rows(styles)
                for r, values in enumerate(rows[:-1]):
                    height = 27 if r == 1 else None  # a list sheet's row height
                    if how == "row":
                        ws.row(r, list(zip(values, styles, strict=True)), height)
                    else:
                        write(r, values, height)
                with pytest.raises(XlsxStreamError, match=r"A!D5: nan kan inte skrivas"):
                    if how == "row":
                        ws.row(4, list(zip(rows[-1], styles, strict=True)))
                    else:
                        write(4, rows[-1])
                if how == "typed":
                    with pytest.raises(ValueError, match="in order"):
                        write(1, rows[0])
        with zipfile.ZipFile(tmp_path / f"{how}.xlsx") as z:
            sheets[how] = z.read("xl/worksheets/sheet1.xml"), z.read("xl/sharedStrings.xml")
    assert sheets["typed"] == sheets["row"]
    ws = openpyxl.load_workbook(tmp_path / "typed.xlsx")["A"]
    assert [c.value for c in ws[2]] == ["Ö & %s", -3, 7, None, "b"]
    assert [c.value for c in ws[4]] == ["ja", 10**20, None, 0, ""]
    assert ws.row_dimensions[2].height == 27


def _typed_both_ways(path, blocks, how):
    """`blocks` (first row, kinds, rows) written by `typed_columns` or row by row by
    `typed_rows`; the sheet's XML and the shared strings."""
    with XlsxStream(path) as book:
        num = book.add_format({"num_format": "#,##0"})
        bold = book.add_format({"bold": True, "num_format": "#,##0"})
        styles = {"data": [0, num, num, book.add_format({"num_format": "0 %"}), 0]}
        styles["total"] = [bold] * 5
        with book.sheet("A") as ws:
            ws.row(0, [("rubrik", 0)])
            write = ws.typed_columns(styles)
            writers = {kind: ws.typed_rows(st) for kind, st in styles.items()}
            for first, kinds, rows in blocks:
                if how == "columns":
                    columns = [list(col) for col in zip(*rows, strict=True)] if rows else []
                    last = write(first, kinds, columns or [[]] * 5)
                    assert last == (first + len(rows) - 1 if rows else 0)
                else:
                    for r, (kind, values) in enumerate(zip(kinds, rows, strict=True), first):
                        writers[kind](r, list(values))
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml"), z.read("xl/sharedStrings.xml")


def test_typed_columns_match_typed_rows_byte_for_byte(tmp_path):
    """A view's rows given column by column (`typed_columns`, prepared a column at a
    time) are the XML and shared strings `typed_rows` gives row by row: texts new in two
    columns looked up row by row, blanks, ints, floats, kinds, "%" and a bool (row by
    row, as `row` writes it)."""
    rows = [
        ("Ö & %s", 12, None, 0.25, "b"),
        ("c", -3, 7, None, "%d"),  # another shape; "b" and "c" first seen in this order
        ("%", 10**20, 0, -0.0, "Ö & %s"),
        ("d", 4, 5, 1e-7, None),
    ]
    kinds = ["data", "data", "total", "data"]
    blocks = [(2, kinds, rows), (7, ["total"], [("e", 1, 2, 1.5, "f")])]
    with_bool = [(2, kinds[:2], rows[:2]), (4, ["data"] * 2, [("x", True, 1, 0.5, "y"), rows[3]])]
    for case in (blocks, with_bool):
        assert _typed_both_ways(tmp_path / "c.xlsx", case, "columns") == _typed_both_ways(
            tmp_path / "r.xlsx", case, "rows"
        )
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx")["A"]
    assert [c.value for c in ws[5]] == ["x", "ja", 1, 0.5, "y"]


def test_typed_columns_refuse_what_typed_rows_refuse(tmp_path):
    with XlsxStream(tmp_path / "e.xlsx") as book, book.sheet("A") as ws:
        write = ws.typed_columns({"data": [0, 0]})
        assert write(3, [], [[], []]) == -1  # nothing written
        with pytest.raises(XlsxStreamError, match=r"A!B5: nan kan inte skrivas"):
            write(3, ["data", "data"], [["a", "b"], [1.5, math.nan]])
        with pytest.raises(ValueError, match="in order"):
            write(3, ["data"], [["c"], [1]])
        with pytest.raises(ValueError, match="unequal length"):
            write(6, ["data"], [["c", "d"], [1]])


def test_raw_rows_from_row_pieces_match_prepared_rows(tmp_path):
    """Rows assembled from `row_pieces` templates are byte for byte what
    `prepared_rows` writes (Källor writes them, issue 8)."""
    sheets = {}
    rows = [
        (3, ["a", "%s", -2.5, "b"]),
        (4, ["a", "%s", -2.5, "c"]),  # same head, next row: one raw_rows call
        (7, ["a", "c", 10**6, "%"]),
    ]
    for how in ("prepared", "raw"):
        with XlsxStream(tmp_path / f"{how}.xlsx") as book:
            num = book.add_format({"num_format": "#,##0"})
            styles = (0, 0, num, 0)

            def ids(values):
                return [
                    cell_number(v, "A") if c == 2 else book.text_value(v)
                    for c, v in enumerate(values)
                ]

            with book.sheet("A") as ws:
                if how == "prepared":
                    write = ws.prepared_rows(styles, (2,))
                    for r, values in rows:
                        write(r, ids(values))
                else:
                    head, tail = row_pieces(styles, (2,), 3)
                    assert "".join(row_pieces(styles, (2,), 1, 3)) == head + tail
                    write_raw = ws.raw_rows()
                    first, second, third = (ids(values) for _, values in rows)
                    a, b = head % tuple(first[:3]), head % tuple(third[:3])
                    lines = [a + tail % tuple(first[3:]), a + tail % tuple(second[3:])]
                    assert write_raw(3, lines) == 4
                    assert write_raw(7, [b + tail % tuple(third[3:])]) == 7
                    assert write_raw(8, []) == 7
                    with pytest.raises(ValueError, match="in order"):
                        write_raw(7, [b + tail % tuple(third[3:])])
        with zipfile.ZipFile(tmp_path / f"{how}.xlsx") as z:
            sheets[how] = z.read("xl/worksheets/sheet1.xml"), z.read("xl/sharedStrings.xml")
    assert sheets["raw"] == sheets["prepared"]
    ws = openpyxl.load_workbook(tmp_path / "raw.xlsx")["A"]
    assert [c.value for c in ws[5]] == ["a", "%s", -2.5, "c"]
    assert [c.value for c in ws[8]] == ["a", "c", 10**6, "%"]


def test_an_error_while_writing_surfaces_and_the_file_is_closed(tmp_path):
    """The real error, not zipfile's "open writing handle", and no handle left open."""
    with (
        pytest.raises(XlsxStreamError, match="kan inte skrivas") as info,
        XlsxStream(tmp_path / "x.xlsx") as book,
        book.sheet("A") as ws,
    ):
        ws.row(0, [("ok", 0)])
        ws.row(1, [(math.nan, 0)])
    assert info.value.__context__ is None
    assert book._writer.zip.fp is None


@pytest.mark.parametrize(
    "name", ["a/b", "a:b", "a*b", "a?b", "[a]", "a\\b", "'quoted", "quoted'", "", "x" * 32]
)
def test_sheet_names_excel_refuses_are_refused(tmp_path, name):
    with XlsxStream(tmp_path / "x.xlsx") as book:
        with pytest.raises(XlsxStreamError, match="bladnamn"):
            book.sheet(name)
        book.sheet("it's fine").close()
    assert openpyxl.load_workbook(tmp_path / "x.xlsx").sheetnames == ["it's fine"]


def test_control_characters_and_lone_surrogates_never_make_invalid_xml(tmp_path):
    """A TOML escape (\\u0007) in kommun.name, an undecodable file name on a share."""
    bad = "Kommun\x07\x1b\ufffe"
    with (
        XlsxStream(tmp_path / "x.xlsx", title=bad, company=bad, comments=bad) as book,
        book.sheet("Blad\x07") as ws,
    ):
        ws.row(0, [("fil\udcff.xlsx", 0)])
        ws.fixed_rows((0,))(1, ("fil\udcfe.xlsx",))
    with zipfile.ZipFile(tmp_path / "x.xlsx") as z:
        for member in z.namelist():
            etree.fromstring(z.read(member))  # well-formed XML 1.0 throughout
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert wb.sheetnames == ["Blad"]
    assert wb.properties.title == "Kommun"
    assert [c.value for c in wb["Blad"]["A"]] == ["fil?.xlsx", "fil?.xlsx"]


def test_fixed_rows_beyond_64_columns(tmp_path):
    with XlsxStream(tmp_path / "x.xlsx") as book, book.sheet("A") as ws:
        ws.fixed_rows((0,) * 70, numbers=(69,))(0, [f"c{c}" for c in range(69)] + [7])
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["A"]
    assert ws["BQ1"].value == "c68" and ws["BR1"].value == 7


def test_fit_width_is_chosen_when_the_sheet_is_opened(tmp_path):
    with XlsxStream(tmp_path / "x.xlsx") as book:
        book.sheet("Hel", fit_width=False).close()
        book.sheet("Bred").close()
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    whole, wide = wb["Hel"], wb["Bred"]
    assert not (whole.sheet_properties.pageSetUpPr and whole.sheet_properties.pageSetUpPr.fitToPage)
    assert wide.sheet_properties.pageSetUpPr.fitToPage and wide.page_setup.fitToHeight == 0


def test_a_style_number_reads_the_same_whether_first_asked_as_a_bool():
    """The style-number texts are one table for the process: True and 1 are one key, so
    whichever comes first must give the text "1" (never s="True" in a sheet)."""
    from budgetbook.xlsx_cells import StyleNumbers

    texts = StyleNumbers()
    assert texts[True] == "1"
    assert texts[1] == "1" and texts[0] == "0" and texts[17] == "17"


def shared_strings_text_by_text(texts):
    """sharedStrings.xml's items as they were made before, a Python call per text."""
    out = []
    for text in texts:
        t = shared_text(text)
        space = ' xml:space="preserve"' if t[:1].isspace() or t[-1:].isspace() else ""
        out.append(f"<si><t{space}>{t}</t></si>")
    return "".join(out)


SHARED_CHARS = st.sampled_from(
    [*'aÅ \t\n\r\x07\x00&<>"0F\u2028\xa0\ufffe\ud800\ue000', "_x", "_x0041_", "_x00"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(SHARED_CHARS, max_size=8).map("".join), max_size=12))
def test_shared_strings_a_batch_at_a_time_equal_text_by_text(texts):
    assert "".join(shared_strings(texts)) == shared_strings_text_by_text(texts)


def test_shared_strings_of_long_and_many_texts_equal_text_by_text():
    texts = [f" t{i} " if i % 7 == 0 else f"t{i}_x00{i % 10}A_" for i in range(10_000)]
    texts[5000] = "x" * (MAX_STRING + 10) + " "
    texts[9000] = "x" * (MAX_STRING - 1) + "&"  # escaped beyond the limit, as before
    assert "".join(shared_strings(texts)) == shared_strings_text_by_text(texts)
    texts[9999] = "mellan\ue000"  # that batch text by text
    assert "".join(shared_strings(texts)) == shared_strings_text_by_text(texts)


CELL_VALUES = st.one_of(
    st.none(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["a", "b", "Ö", "%s", " c ", ""]),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["data", "total"]), st.tuples(*[CELL_VALUES] * 5)), max_size=8
    )
)
def test_typed_columns_match_typed_rows_for_any_values(tmp_path_factory, rows):
    """Any mix of texts (new ones in any column), numbers, blanks and bools: the same
    sheet XML and shared strings as row by row."""
    path = tmp_path_factory.mktemp("typed")
    blocks = [(2, [kind for kind, _ in rows], [values for _, values in rows])]
    assert _typed_both_ways(path / "c.xlsx", blocks, "columns") == _typed_both_ways(
        path / "r.xlsx", blocks, "rows"
    )


def test_a_row_taller_than_excel_allows_is_written_at_excels_tallest(tmp_path):
    """A list row naming every one of a thousand avdelningar (an uppdrag given to all,
    now by name) asked for a height of thousands of points; Excel's rows end at 409."""
    path = tmp_path / "tall.xlsx"
    with XlsxStream(path) as book:
        text = book.add_format({"text_wrap": True})
        with book.sheet("Lista") as ws:
            ws.row(0, [("kort", text)], height=30)
            ws.row(1, [("lång " * 2000, text)], height=13.5 * 700)
            write = ws.typed_rows([text, text])
            write(2, ["a", "b" * 9000], 13.5 * 900)
            write(3, ["a", "b"], 13.5)
    ws = openpyxl.load_workbook(path)["Lista"]
    assert [ws.row_dimensions[r].height for r in (1, 2, 3, 4)] == [30, 409, 409, 13.5]
