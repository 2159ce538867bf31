"""Pre-checks on untrusted files: every file-level failure is refused with its rule,
nothing is expanded or executed, and the check never raises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from budgetbook import safety
from budgetbook import sheet_extent as extent
from budgetbook.sheet_refs import any_r_extent
from data.make_corpus import (
    XXE,
    add_macros,
    file_cases,
    plain_workbook_bytes,
    rewrite_zip,
    with_doctype,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    out = tmp_path_factory.mktemp("corpus")
    return out, file_cases(out)


def test_every_file_case_gets_its_rule(corpus: tuple[Path, list]) -> None:
    out, cases = corpus
    for case in cases:
        result = safety.precheck(out / case.file)
        codes = [p.code for p in result.problems]
        if case.code == "BB101":  # a normal workbook passes; the reader finds no identity
            assert result.ok and codes == [], case
            continue
        assert codes == [case.code], (case, codes)
        assert not result.ok
        problem = result.problems[0]
        assert problem.file == case.file and problem.sheet == "" and problem.cell == ""
        assert case.file in problem.message


def test_reasons_are_specific_swedish(corpus: tuple[Path, list]) -> None:
    out, _ = corpus
    msg = lambda name: safety.precheck(out / name).problems[0].message  # noqa: E731
    assert "tom (0 byte)" in msg("tom.xlsx")
    assert "PDF" in msg("pdf_omdopt.xlsx")
    assert ".ods" in msg("kalkyl.ods")
    assert "DOCTYPE" in msg("xxe.xlsx")
    assert "zip-bomb" in msg("zipbomb.xlsx")
    assert "1048576 rader" in msg("jattestor.xlsx")


def test_macros_are_a_warning_and_the_file_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "makro.xlsm"
    path.write_bytes(add_macros(plain_workbook_bytes()))
    result = safety.precheck(path)
    assert result.ok and result.macros
    assert [p.code for p in result.problems] == ["BB103"]


def test_doctype_hidden_behind_comments_and_whitespace(tmp_path: Path) -> None:
    padding = "<!-- " + "x" * 5000 + " -->" + "\n" * 2000
    path = tmp_path / "gomd.xlsx"
    path.write_bytes(with_doctype(plain_workbook_bytes(), "xl/workbook.xml", padding + XXE))
    assert [p.code for p in safety.precheck(path).problems] == ["BB108"]


CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{}</cp:coreProperties>'
)


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (  # modified wins over created; an offset is converted to UTC
            '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-02T08:00:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-04T10:15:30+01:00'
            "</dcterms:modified>",
            datetime(2026, 3, 4, 9, 15, 30, tzinfo=UTC),
        ),
        (  # only created
            '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-02T08:00:00Z</dcterms:created>',
            datetime(2026, 1, 2, 8, 0, tzinfo=UTC),
        ),
        ("", None),  # neither: no content time, the file still passes
    ],
)
def test_content_time_from_core_properties(
    tmp_path: Path, props: str, expected: datetime | None
) -> None:
    path = tmp_path / "ok.xlsx"
    core = CORE.format(props).encode()
    path.write_bytes(rewrite_zip(plain_workbook_bytes(), {"docProps/core.xml": core}))
    result = safety.precheck(path)
    assert result.ok and result.problems == []
    assert result.content_time == expected
    if expected is not None:
        assert result.content_time.utcoffset() == timedelta(0)


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    result = safety.precheck(tmp_path / "finns_inte.xlsx")
    assert [p.code for p in result.problems] == ["BB100"]


def test_input_bytes_unchanged(corpus: tuple[Path, list]) -> None:
    out, cases = corpus
    before = {c.file: (out / c.file).read_bytes() for c in cases}
    for case in cases:
        safety.precheck(out / case.file)
    assert {c.file: (out / c.file).read_bytes() for c in cases} == before


_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1:C2"/><sheetData><row r="1" spans="1:3">'
    b'<c r="A1" t="inlineStr"><is><t>Drift: text</t></is></c><c r="C1"><v>1</v></c></row>'
    b'<row r="2"><c r="B2" s="1"><v>2</v></c></row></sheetData>'
    b'<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>'
)
_ODD_TAGS = [
    b'<c r="ZZ150000"',
    b'<row r="199999"',
    b'<c s="1" r="Q9"',
    b'<c r="ABCDE1"',
    b'<c r="A1234567890"',
    b'<c r="007"',
    b'<c r="a1"',
    b"<c ",
    b"<row ",
    b"<c>",
    b"<row>",
    b"<c\n",
    b'<c\tr="D4"',
    b'<row\r\nr="12"',
    b'<x:c r="E5"',
    b'<x:row r="30"',
    b":c ",
    b' r="R8"',
    b'<cols><col min="1"/></cols>',
    b"\n",
    b"<t>a\tb</t>",
    b"\n" * 70,
    b"\r\n" * 70 + b'<c\nr="D4"',
    b"\t" * 70 + b'<row\tr="9"',
]


@pytest.mark.parametrize("odd", _ODD_TAGS)
def test_the_plain_extent_scan_gives_what_the_pattern_scan_gives(odd: bytes) -> None:
    """`_plain_extent` (literal prefixes, issue 8) decides a chunk only when it gives
    the same (rows, columns) as `_pattern_extent`; otherwise the pattern decides."""
    assert extent._plain_extent(_SHEET) == extent._pattern_extent(_SHEET) == (2, 3)
    for pos in range(len(_SHEET) + 1):
        for data in (
            _SHEET[:pos] + odd + _SHEET[pos:],
            _SHEET[:pos] + odd + _SHEET[pos + len(odd) :],
        ):
            plain = extent._plain_extent(data)
            if plain is not None:
                assert plain == extent._pattern_extent(data), data


@pytest.mark.parametrize(
    "odd",
    [
        *_ODD_TAGS,
        b'<c r="ZZ999"',
        b'<c r="AAA1"',
        b'<c r="A1000"',
        b'<row r="1000"',
        b'<c r="B9" r="ZZ1500"',
        b'<c r="B9"r="ZZ1500"',
        b'<c r="B9" s=">" r="ZZ1500"',
        b"<c r=\"B9\" r='ZZ1500'",
        b'<c r="B9" r ="ZZ1500"',
        b'<row r="9" r="1500"',
        b'<row r="9" s="1" r="1500"',
    ],
)
def test_a_sheet_plainly_near_has_an_extent_within_the_limits(odd: bytes) -> None:
    """`plainly_near` (issue 8: the extent scan skipped for ordinary sheets) holds
    only where the scans the pre-check made before give an extent within the limits."""
    assert extent.plainly_near(_SHEET)
    for pos in range(len(_SHEET) + 1):
        for data in (
            _SHEET[:pos] + odd + _SHEET[pos:],
            _SHEET[:pos] + odd + _SHEET[pos + len(odd) :],
        ):
            if extent.plainly_near(data):
                for chunks in (
                    [data],
                    [data[: data.rfind(b">") + 1], data[data.rfind(b">") + 1 :]],
                ):
                    # the scans (`extent_of` without its check of the r attributes)
                    found = [extent._plain_extent(c) or extent._pattern_extent(c) for c in chunks]
                    assert None not in found, data
                    assert max(f[0] for f in found) <= extent.NEAR_ROWS, data
                    assert max(f[1] for f in found) <= extent.NEAR_COLS, data
                assert extent._pattern_extent(data) == extent._plain_extent(data), data
                # and every r calamine could read, in a tag or not
                rows, cols = any_r_extent(data)
                assert rows <= extent.NEAR_ROWS and cols <= extent.NEAR_COLS, data
    assert extent.NEAR_ROWS * extent.NEAR_COLS <= safety.MAX_SHEET_CELLS


def test_the_prolog_scan_of_bytes_is_that_of_their_utf8_text() -> None:
    """A part's head is scanned as bytes (issue 8); decoded as UTF-8 with errors
    replaced it gives the same answer, also around broken multi-byte characters."""
    import random
    import zipfile

    info = zipfile.ZipInfo("xl/styles.xml")
    pieces = [b"<", b">", b"?", b"!", b"-", b"<?xml?>", b"<!--", b"-->", b"<!DOCTYPE"]
    pieces += [b"\xc3", b"\xa9", b"\xff", b"\xe2\x80", b"a", b" ", b"<r>", b"?>", b"\xef\xbb\xbf"]
    rnd = random.Random(8)
    for _ in range(5000):
        head = b"".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        text = head.decode("utf-8", errors="replace")
        assert safety._scan_prolog(head, info) == safety._scan_prolog(text, info), head


_CT = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    b"</Types>"
)
_WB = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    b'formats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)


@pytest.mark.parametrize(
    "far",
    [
        b'<c r="B9" r="ZZ150000">',  # calamine takes the last r (the first was read)
        b'<c r="B9"r="ZZ150000">',
        b'<c r = "ZZ150000">',
        b'<c r\t=\t"ZZ150000">',
        b"<c r='ZZ150000'>",
        b'<c s="1"r="ZZ150000">',
        b'<c r="zz150000">',
        b'<c r="AAAAA1000">',
        b'<c r="B9" s=">" r="ZZ150000">',
    ],
)
def test_a_far_cell_calamine_reads_is_refused_however_its_r_is_written(
    tmp_path: Path, far: bytes
) -> None:
    """A ~1 KB file whose one cell calamine places at ZZ150000 (it allocated 3.3 GB for
    such a sheet) is refused: the scans read only r=\"A1\" first in a tag, upper case."""
    import zipfile

    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="9">' + far + b"<v>1</v></c></row></sheetData></worksheet>"
    )
    path = tmp_path / "far.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    result = safety.precheck(path, path.name)
    assert not result.ok and [p.code for p in result.problems] == ["BB108"], far


_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
    b'formats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)


def _one_sheet_file(
    path: Path, sheet_data: bytes, member: str = "xl/worksheets/sheet1.xml"
) -> Path:
    """A workbook of one sheet "S" with this <sheetData> content, as calamine reads it,
    in part `member` (the workbook's relationship names it)."""
    import zipfile

    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main" xmlns:x="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>' + sheet_data + b"</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WB)
        target = b"/" + member.encode()
        zf.writestr(
            "xl/_rels/workbook.xml.rels", _WB_RELS.replace(b"worksheets/sheet1.xml", target)
        )
        zf.writestr(member, sheet)
    return path


# Rows and cells without r, each placed after the previous one, in forms the fast scans
# did not count as tags at all: `<row/>`, a prefixed `<x:row>` or `<x:c/>`, `<c\t/>`.
_NO_R = {
    "<row/>": lambda n: (
        b'<row r="1"><c r="ZZ1"><v>1</v></c></row>'
        + b"<row/>" * n
        + b"<x:row><x:c><v>1</v></x:c></x:row>"
    ),
    "<x:c/>": lambda n: (
        b'<row r="999"><c r="ZZ999"/>' + b"<x:c/>" * n + b"<x:c><v>1</v></x:c></row>"
    ),
    "<c\\t/>": lambda n: (
        b'<row r="999"><c r="ZZ999"/>' + b"<c\t/>" * n + b"<c\t><v>1</v></c></row>"
    ),
}


@pytest.mark.parametrize("form", sorted(_NO_R))
def test_rows_and_cells_without_r_in_any_form_count_for_the_extent(
    tmp_path: Path, form: str
) -> None:
    """~20 KB of `<row/>` (or `<x:c/>`, `<c\\t/>`) took the fast scans' verdict "within
    the limits" while calamine placed the last value 3000 rows (columns) further out."""
    import zipfile

    from python_calamine import CalamineWorkbook

    small = _one_sheet_file(tmp_path / "small.xlsx", _NO_R[form](30))
    with zipfile.ZipFile(small) as zf:
        rows, cols = extent.walk_extent(zf, zf.getinfo("xl/worksheets/sheet1.xml"))
    with CalamineWorkbook.from_path(str(small)) as wb:  # where calamine puts the last value
        assert wb.get_sheet_by_name("S").end == (rows - 1, cols - 1)
    far = _one_sheet_file(tmp_path / "far.xlsx", _NO_R[form](3000))
    result = safety.precheck(far, far.name)
    assert not result.ok and [p.code for p in result.problems] == ["BB108"], form


def _walked(data: bytes) -> tuple[int, int]:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("s.xml", data)
    with zipfile.ZipFile(buf) as zf:
        return extent.walk_extent(zf, zf.getinfo("s.xml"))


_PIECES = [
    *(b"<row>", b"<row/>", b"</row>", b"<c>", b"<c/>", b"</c>", b"<v>1</v>", b'<c t="n">'),
    *(b"<x:c>", b"<x:c/>", b"<x:row>", b"<x:row/>", b"</x:c>", b"<a-b:c>", b"<a.b:row/>"),
    *(b"<c\t/>", b"<row\n/>", b"<x:c\n>", b"<row\x0c>", b'<row s="1">', b"<is><t>a\nb</t></is>"),
    *(b'<cols><col min="1" max="3"/></cols>', b"<!-- <c> -->", b"<![CDATA[<row/>]]>"),
    *(b'<row r="%d">', b'<row r="%d"/>', b'<row\tr="%d">', b'<row r="%d" spans="1:3">'),
    *(b'<x:row r="%d">', b'<row r="%d" x:r="%d">', b'<![CDATA[<row r="%d">]]>'),
    *(b'<c r="%s%d">', b'<c r="%s%d"/>', b'<c s="1" r="%s%d">', b'<x:c r="%s%d">', b"<c r='%s%d'>"),
    *(b'<c\nr="%s%d">', b'<c r="%s%d" t="s">', b'<c r="%s%d" s=">">', b'<c  r="%s%d">'),
    *(b'<c r="%s%d"\n/>', b'<c r="%s%d" />', b'<!-- <c r="%s%d"> -->'),
]


def test_the_fast_scans_never_give_less_than_the_walk() -> None:
    """`extent_of` (whole or cut in chunks) and `plainly_near` decide a sheet only
    where the walk, which places rows and cells without r as calamine does, finds no
    more: random sheets of row and cell tags in every form."""
    import random

    rnd = random.Random(8)
    for _ in range(20000):
        body = b""
        for _ in range(rnd.randint(1, 12)):
            piece = rnd.choice(_PIECES)
            row = rnd.choice((1, 5, 999, 1000, 250000))
            if b"%s" in piece:
                piece = piece % (rnd.choice((b"A", b"Z", b"ZZ", b"AAA", b"XFD")), row)
            elif b"%d" in piece:
                piece = piece % ((row,) * piece.count(b"%d"))
            body += piece
        data = b'<?xml version="1.0"?><worksheet><sheetData>' + body + b"</sheetData></worksheet>"
        rows, cols = _walked(data)
        cut = data.rfind(b">", 0, rnd.randrange(len(data))) + 1
        for chunks in ([data, b""], [data[:cut], data[cut:]]):
            fast = extent.extent_of(iter(chunks))
            assert fast is None or (fast[0] >= rows and fast[1] >= cols), data
        if extent.plainly_near(data):
            assert rows <= extent.NEAR_ROWS and cols <= extent.NEAR_COLS, data


@pytest.mark.parametrize(
    "member",
    [
        *("xl/worksheets/sheet1.xml", "xl/blad1.xml", "xl/data/s.xml", "other/s.xml"),
        *("xl/worksheets/sheet1.bin", "xl/worksheets/sheet1", "xl/media/image1.png"),
    ],
)
def test_a_sheet_is_measured_wherever_the_workbook_puts_it(tmp_path: Path, member: str) -> None:
    """calamine reads a sheet from whatever part the workbook's relationships name; the
    pre-check measured only xl/worksheets/*.xml, so a far cell elsewhere passed."""
    from python_calamine import CalamineWorkbook

    far = (
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="300000"><c r="A300000"><v>1</v></c></row>'
    )
    path = _one_sheet_file(tmp_path / "blad.xlsx", far, member)
    with CalamineWorkbook.from_path(str(path)) as wb:  # one column: a small grid
        assert wb.get_sheet_by_name("S").end == (299999, 0)
    result = safety.precheck(path, path.name)
    assert not result.ok and [p.code for p in result.problems] == ["BB108"], member
    near = _one_sheet_file(
        tmp_path / "nara.xlsx", b'<row r="1"><c r="A1"><v>1</v></c></row>', member
    )
    assert safety.precheck(near, near.name).ok, member
    import random
    import zipfile

    with zipfile.ZipFile(near, "a") as zf:  # and an image (any bytes) is no sheet to refuse
        zf.writestr("xl/media/image9.png", random.Random(8).randbytes(300_000))
    assert safety.precheck(near, near.name).ok, member


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "part", ["xl/workbook.xml", "docProps/core.xml", "xl/worksheets/sheet1.xml"]
)
def test_a_doctype_in_utf16_is_refused_with_or_without_a_bom(
    tmp_path: Path, codec: str, part: str
) -> None:
    """expat reads a part as UTF-16 also without a BOM ("<\\0" or "\\0<" first) and
    expands its entities; the prolog scan read such a part as UTF-8 and took its first
    '<' for the root element, so the DOCTYPE passed."""
    import xml.etree.ElementTree as ET

    from data.make_corpus import rewrite_zip

    text = '<?xml version="1.0" encoding="UTF-16"?>' + XXE.replace("SYSTEM", "") + "<r/>"
    text = text.replace('"file:///etc/passwd"', '"x"')
    xml = text.encode(codec)
    assert ET.fromstring(xml).tag == "r"  # a document expat reads, DOCTYPE and all
    path = tmp_path / "utf16.xlsx"
    path.write_bytes(rewrite_zip(plain_workbook_bytes(), {part: xml}))
    result = safety.precheck(path)
    assert [p.code for p in result.problems] == ["BB108"], (codec, part)
    assert "DOCTYPE" in result.problems[0].message


def test_a_directory_of_too_many_entries_is_refused_before_it_is_listed(tmp_path: Path) -> None:
    """zipfile makes an object of every directory entry before the count is checked: a
    48 MB file of 900 000 entries took 0.5 GB and 10 s to refuse. Here 200 000 (10 MB):
    refused with the file's bytes in memory and little more."""
    import struct
    import tracemalloc

    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, 1, 0) + b"a"
    entry = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, 1, *[0] * 6)
    count = 200_000
    directory = (entry + b"a") * count
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, len(directory), len(local), 0
    )
    path = tmp_path / "manga.xlsx"
    path.write_bytes(local + directory + end)
    tracemalloc.start()
    try:
        result = safety.precheck(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.code for p in result.problems] == ["BB108"]
    assert f"orimligt många delar ({count})" in result.problems[0].message
    assert peak < 3 * path.stat().st_size, peak


def test_a_workbook_of_one_member_too_many_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The member limit is checked once, on the directory signatures, before zipfile
    lists them: an ordinary zip just past it is refused by that one check."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(plain_workbook_bytes())) as zf:
        count = len(zf.infolist())
    path = tmp_path / "en för mycket.xlsx"
    path.write_bytes(plain_workbook_bytes())
    monkeypatch.setattr(safety, "MAX_MEMBERS", count)
    assert safety.precheck(path).ok
    monkeypatch.setattr(safety, "MAX_MEMBERS", count - 1)
    result = safety.precheck(path)
    assert [p.code for p in result.problems] == ["BB108"]
    assert f"orimligt många delar ({count})" in result.problems[0].message


def test_a_part_past_the_limits_is_not_read_to_its_end() -> None:
    """Regression: the pre-check measured a part to its end even when its first chunk
    was already past the limits, so a hostile file cost the whole walk (up to the
    100 MB a part may inflate to). Both measures now stop at the first chunk past them,
    with the same verdict."""
    import io
    import zipfile

    far = b'<row r="300000"><c r="A300000"><v>1</v></c></row>'
    rest = b'<row r="%d"><c r="B%d"><v>1</v></c></row>'
    tail = [b"".join(rest % (r, r) for r in range(i, i + 20000)) for i in range(1, 100001, 20000)]
    chunks = [far, *tail, b""]
    taken: list[bytes] = []

    def feed():
        for chunk in chunks:
            taken.append(chunk)
            yield chunk

    assert safety.too_large(*extent.extent_of(feed(), safety.too_large))
    assert taken == [far]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:  # the walk: a cell without r on every row
        zf.writestr("s.xml", b"<sheetData>" + far + b"<row><c/></row>" * 400_000 + b"</sheetData>")
    asked: list[tuple[int, int]] = []

    def beyond(rows: int, cols: int) -> bool:
        asked.append((rows, cols))
        return safety.too_large(rows, cols)

    with zipfile.ZipFile(buf) as zf:
        info = zf.getinfo("s.xml")
        assert info.file_size > 3 * extent.CHUNK
        assert safety.too_large(*extent.walk_extent(zf, info, beyond))
        assert len(asked) == 1
        assert extent.walk_extent(zf, info)[0] == 700_000  # without: to the end


def test_a_word_document_is_told_to_send_the_workbook(tmp_path: Path) -> None:
    """Review: a Word document sent for the workbook (the budget text written in Word)
    was "en zip-fil men ingen Excel-arbetsbok", to be saved as .xlsx in Excel."""
    import docx

    path = tmp_path / "Budget 2027 Personalavdelningen.docx"
    document = docx.Document()
    document.add_paragraph("Verksamhetens budget 2027")
    document.save(str(path))
    (problem,) = safety.precheck(path).problems
    assert problem.code == "BB100"
    assert problem.message.endswith(
        "det är ett Word-dokument, inte en Excel-arbetsbok. Skicka i stället den ifyllda "
        "Excel-arbetsboken som ni fick från ekonomistaben."
    )
