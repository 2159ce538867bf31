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
