"""A department workbook whose structure is locked (templates.py writes it)."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook


class StructureLockedWorkbook(Workbook):
    """A workbook whose structure is protected: sheets cannot be added, deleted, renamed,
    moved, hidden or unhidden (the list sheet stays hidden).

    XlsxWriter has no workbook protection, so `<workbookProtection lockStructure="1"/>`
    (ECMA-376 Part 1, 18.2.29) is written right after `<workbookPr>`, where the schema
    puts it, with the same password as the sheets (none unless settings give one).
    A test reads it back, so an XlsxWriter change that drops it is caught.
    """

    def __init__(self, filename: str, *, password: str = ""):
        super().__init__(filename)
        self._structure_password = password

    def _write_workbook_pr(self) -> None:
        super()._write_workbook_pr()
        attributes: list[tuple[str, object]] = []
        if self._structure_password:
            attributes.append(("workbookPassword", legacy_password_hash(self._structure_password)))
        attributes.append(("lockStructure", 1))
        self._xml_empty_tag("workbookProtection", attributes)


def legacy_password_hash(password: str) -> str:
    """The legacy 16-bit protection hash (ECMA-376 Part 4): the algorithm of XlsxWriter's
    private Worksheet._encode_password, so workbook and sheets agree on one password."""
    digest = 0
    for char in password[::-1]:
        digest = ((digest >> 14) & 0x01) | ((digest << 1) & 0x7FFF)
        digest ^= ord(char)
    digest = ((digest >> 14) & 0x01) | ((digest << 1) & 0x7FFF)
    digest ^= len(password) ^ 0xCE4B
    return f"{digest:X}"
