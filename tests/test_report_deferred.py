"""The Word draft's tables are streamed into the file on saving (report/deferred.py):
the saved document must be the one the document tree would have given."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from lxml import etree

from budgetbook.report import namndplan
from budgetbook.report.deferred import DeferredTables
from report_builders import example_consolidation, example_settings

TODAY = dt.date(2026, 3, 1)


def document_xml(path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml")


def same_tree(a, b) -> None:
    assert (a.tag, dict(a.attrib)) == (b.tag, dict(b.attrib))
    assert (a.text or "", a.tail or "") == (b.text or "", b.tail or "")
    assert len(a) == len(b), a.tag
    for x, y in zip(a, b, strict=True):
        same_tree(x, y)


@pytest.mark.parametrize("scale", [1, 4])  # 4: verksamhet tables longer than a page
def test_streamed_tables_give_the_same_document(tmp_path, scale):
    settings = example_settings()
    cons = example_consolidation(settings, scale=scale)
    streamed = namndplan.write_namndplan(cons, settings, tmp_path / "s.docx", TODAY)
    namndplan.build_namndplan(cons, settings, TODAY).save(str(tmp_path / "t.docx"))
    a, b = document_xml(streamed), document_xml(tmp_path / "t.docx")
    assert b"budgetbook-table" not in a
    same_tree(etree.fromstring(a), etree.fromstring(b))
    with zipfile.ZipFile(streamed) as s, zipfile.ZipFile(tmp_path / "t.docx") as t:
        assert s.testzip() is None
        assert s.namelist() == t.namelist()
    tables = docx.Document(str(streamed)).tables
    assert tables and len(tables) == len(docx.Document(str(tmp_path / "t.docx")).tables)


def test_a_lost_placeholder_is_an_error_not_a_missing_table(tmp_path):
    settings = example_settings()
    deferred = DeferredTables()
    doc = namndplan.build_namndplan(example_consolidation(settings), settings, TODAY, deferred)
    placeholder = next(e for e in doc.element.body if isinstance(e, etree._ProcessingInstruction))
    placeholder.getparent().remove(placeholder)
    with pytest.raises(ValueError, match="missing"):
        deferred.save(doc, tmp_path / "x.docx")


def test_tables_are_streamed_into_a_main_part_not_named_document_xml(tmp_path):
    """Word Online / SharePoint save the main part as e.g. word/document2.xml."""
    from docx.opc.packuri import PackURI

    settings = example_settings()
    deferred = DeferredTables()
    doc = namndplan.build_namndplan(example_consolidation(settings), settings, TODAY, deferred)
    doc.part.partname = PackURI("/word/document2.xml")
    deferred.save(doc, tmp_path / "x.docx")
    with zipfile.ZipFile(tmp_path / "x.docx") as z:
        xml = z.read("word/document2.xml")
        assert "word/document.xml" not in z.namelist()
    assert b"budgetbook-table" not in xml
    assert b"<w:tbl>" in xml or b"<w:tbl " in xml
    assert docx.Document(str(tmp_path / "x.docx")).tables


def test_errors_on_either_side_of_the_writer_thread_reach_the_caller(tmp_path):
    """The main part is written by a background thread (compression overlaps the XML):
    a table that fails while its XML is made, and a write that fails (a full disk),
    must both raise from save, not hang or leave a half-written file looking fine."""
    deferred = DeferredTables()

    def failing_table():
        yield "<w:tbl/>" * 100_000
        raise RuntimeError("table failed")

    deferred.add(failing_table)
    xml = b"<a>" + b"x" * 100_000 + b"<?budgetbook-table 0?></a>"
    with open(tmp_path / "a.xml", "wb") as fh, pytest.raises(RuntimeError, match="table failed"):
        deferred._expand(xml, fh, set())

    class FullDisk(io.RawIOBase):
        def write(self, data):
            raise OSError(28, "No space left on device")

    deferred = DeferredTables()
    deferred.add(lambda: iter(["<w:tbl/>"] * 1_000))
    with pytest.raises(OSError, match="No space"):
        deferred._expand(xml, FullDisk(), set())


def test_the_main_part_deflated_in_pieces_on_threads_is_one_valid_stream(tmp_path):
    # issue 8: the main part is deflated in pieces on two threads (pigz-like), each
    # primed with the 32 KB before it; the pieces and the final block must read back as
    # exactly the data given, through zipfile (CRC checked) and through zlib
    import random
    import zlib
    from concurrent.futures import ThreadPoolExecutor

    from budgetbook.report.deferred import _ParallelDeflate

    rng = random.Random(8)
    words = [b"<w:tc>", b"Verksamhet ", b"12\xc2\xa0345", b"</w:tc>", bytes(range(256))]
    pieces = [b"", b"x", b""]
    for size in (1, 100, 40_000, 70_000, 300_000, 5, 0, 33_000):
        pieces.append(b"".join(rng.choice(words) for _ in range(size // 8 + 1))[:size])
    data = b"".join(pieces)
    with ThreadPoolExecutor(2) as pool:
        deflate = _ParallelDeflate(pool)
        raw = b"".join(deflate.compress(p) for p in pieces) + deflate.flush()
    assert zlib.decompress(raw, -zlib.MAX_WBITS) == data
    assert len(raw) < len(data) // 3  # primed: repeats across pieces still found

    path = tmp_path / "d.docx"
    settings = example_settings()
    cons = example_consolidation(settings, scale=4)
    namndplan.write_namndplan(cons, settings, path, TODAY)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    expected = io.BytesIO()
    namndplan.build_namndplan(cons, settings, TODAY).save(expected)
    same_tree(etree.fromstring(document_xml(path)), etree.fromstring(document_xml(expected)))
