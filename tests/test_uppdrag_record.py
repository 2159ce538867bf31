"""The template's record of the uppdrag it was given (BB_UPPDRAG) tells an uppdrag the
head removed (BB413, the head's to undo) from one the finance office added to the
settings after the workbooks went out (not the head's doing: one BB508 for the office)
and from one the office withdrew (the draft follows the settings). Real files: templates
by our writer, filled as the example fills them, edited with openpyxl as a person edits
them (the sheet unprotected as a head unprotects it), read back by our reader and by
`actions.collect`; the settings then changed as a finance officer changes them."""

from __future__ import annotations

import dataclasses
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from budgetbook import actions
from budgetbook import schema as S
from budgetbook.consolidate_plan import merge_uppdrag, norm
from budgetbook.example import write_example_returns
from budgetbook.reader import read_return
from budgetbook.reader_parts import read_zip_parts
from budgetbook.settings import Settings, UppdragDef, load_settings
from wb_builders import EKO_RETURN, edited_return, example_settings, round_files, workbook_text

GIVEN = "Utreda om huvudmannaskapet för kommunens verksamhetslokaler ska föras över till "
LATER = "Ta fram en plan för kommunens lokalförsörjning till 2035."  # decided in October
LATER_ALL = "Redovisa hur avdelningen minskar sina resor med flyg."  # for every avdelning


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("record"))


def _with(settings: Settings, *later: UppdragDef) -> Settings:
    """The settings as the office left them after adding `later` to budgetbook.toml."""
    return dataclasses.replace(settings, uppdrag=(*settings.uppdrag, *later))


def _unprotected(wb: openpyxl.Workbook, _schema=None) -> None:
    """Granska > Ta bort skydd (no password by default), e.g. to widen a column."""
    ws = wb["Uppdrag"]
    ws.protection.sheet = False
    ws.column_dimensions["D"].width = 80


def _drop_record(wb: openpyxl.Workbook) -> None:
    """What a template written before the record existed carries: no BB_UPPDRAG."""
    names = [p.name for p in wb.custom_doc_props.props]
    assert S.ID_UPPDRAG in names and S.ID_UPPDRAG in wb.defined_names  # ours writes it
    wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if p.name != S.ID_UPPDRAG]
    del wb.defined_names[S.ID_UPPDRAG]


def _codes(result) -> list[tuple[str, str]]:
    return [(p.code, p.cell) for p in result.problems]


@pytest.mark.parametrize("unprotect", [False, True], ids=["protected", "unprotected"])
def test_an_uppdrag_added_to_the_settings_later_is_no_error_for_the_head(
    rnd, tmp_path: Path, unprotect: bool
) -> None:
    """Before the record: with the sheet unprotected (to widen a column) the return got
    BB413 '… saknas … ångra ändringen' for an uppdrag its workbook never showed, and was
    refused; protected, it was silent and nobody learnt of the gap."""
    settings, schema, _, _ = rnd
    _, path = edited_return(rnd, tmp_path, _unprotected if unprotect else lambda *_: None)
    later = _with(settings, UppdragDef(LATER, 2027, "EKO"), UppdragDef(LATER_ALL, 2027, ""))
    read = read_return(path, later, schema)
    assert _codes(read) == []
    assert read.submission is not None
    assert read.submission.uppdrag_added == [LATER, LATER_ALL]  # for the office's BB508


@pytest.mark.parametrize("unprotect", [False, True], ids=["protected", "unprotected"])
def test_a_given_uppdrag_deleted_is_still_an_error(rnd, tmp_path: Path, unprotect: bool) -> None:
    """The record says the template was given it: BB413 whatever the protection (a row
    deleted by a program that ignores it, as openpyxl here, is still deleted), also
    with an uppdrag added later beside it."""
    settings, schema, _, _ = rnd

    def deleted(wb: openpyxl.Workbook, _schema) -> None:
        if unprotect:
            _unprotected(wb)
        ws = wb["Uppdrag"]
        assert str(ws["A7"].value).startswith(GIVEN)
        ws.delete_rows(7)
        ws.tables["Uppdrag"].ref = "A6:D21"

    _, path = edited_return(rnd, tmp_path, deleted)
    read = read_return(path, _with(settings, UppdragDef(LATER, 2027, "EKO")), schema)
    assert _codes(read) == [("BB413", "A7")]
    assert read.problems[0].message.startswith(f"Bladet Uppdrag, cell A7: uppdraget ”{GIVEN}")
    assert read.submission is not None and read.submission.uppdrag_added == [LATER]


def test_a_template_from_before_the_record_behaves_as_before(rnd, tmp_path: Path) -> None:
    """Workbooks sent out by an earlier budgetbook carry no record: protected, a missing
    uppdrag was added later (nothing said, to the head or the office); unprotected, BB413."""
    settings, schema, _, _ = rnd
    later = _with(settings, UppdragDef(LATER, 2027, "EKO"))
    for unprotect, expected in ((False, []), (True, [("BB413", "A8")])):

        def old(wb: openpyxl.Workbook, _schema, unprotect: bool = unprotect) -> None:
            _drop_record(wb)
            if unprotect:
                _unprotected(wb)

        folder = tmp_path / str(unprotect)
        folder.mkdir()
        _, path = edited_return(rnd, folder, old)
        read = read_return(path, later, schema)
        assert _codes(read) == expected
        assert read.submission is not None and read.submission.uppdrag_added == []


def test_an_uppdrag_withdrawn_from_the_settings_leaves_the_draft(rnd, tmp_path: Path) -> None:
    """The office removes an uppdrag after the workbooks went out (or puts another in
    its place): the return still shows it, locked. No error for the head, even with its
    status left empty; the draft follows the settings instead of listing it after them
    as one the avdelning named itself (before the record it came back, and with another
    in its place both were listed). A reworded one: tests/test_uppdrag_reworded.py."""
    settings, schema, _, _ = rnd

    def status_emptied(wb: openpyxl.Workbook, _schema) -> None:
        _unprotected(wb)
        wb["Uppdrag"]["C7"] = None

    _, path = edited_return(rnd, tmp_path, status_emptied)
    given = next(u for u in settings.uppdrag if u.text.startswith(GIVEN))
    reworded = UppdragDef(LATER, given.start, "EKO")  # another uppdrag in its place
    rest = tuple(u for u in settings.uppdrag if u is not given)
    for changed, added in (
        (dataclasses.replace(settings, uppdrag=rest), []),
        (dataclasses.replace(settings, uppdrag=(*rest, reworded)), [reworded.text]),
    ):
        read = read_return(path, changed, schema)
        assert _codes(read) == []
        sub = read.submission
        assert sub is not None and sub.uppdrag_added == added
        shown = [(u.text, u.status) for u in merge_uppdrag([sub], changed)]
        assert not [t for t, _ in shown if t.startswith(GIVEN)]
        assert [status for t, status in shown if t in added] == [""] * len(added)
        assert len(shown) == len(changed.uppdrag)


def test_the_record_is_small_and_fits_excel(rnd) -> None:
    """The record is a count and short digests, not the texts; it stays within Excel's
    255 characters for a custom property or a string in a name, however many uppdrag."""
    settings, _, templates, _ = rnd
    path = next(p for p in templates if p.name.endswith("_EKO.xlsx"))
    with zipfile.ZipFile(path) as zf:
        record = read_zip_parts(zf, set(), (S.ID_UPPDRAG,)).identity[S.ID_UPPDRAG]
    given = [norm(u.text) for u in settings.uppdrag_of("EKO")]
    assert record == S.uppdrag_record(given) and record.startswith(f"{len(given)}:")
    assert "huvudmannaskapet" not in record and len(record) < 40
    parsed = S.read_uppdrag_record(record)
    assert parsed is not None and parsed.position(norm(f"  {given[0].upper()} ")) == 0
    assert parsed.position(norm(LATER)) is None
    many = [norm(f"Uppdrag nummer {i}") for i in range(63)]
    long = S.uppdrag_record(many)
    assert long is not None and len(long) <= 255
    parsed = S.read_uppdrag_record(long)
    assert parsed is not None and [parsed.position(k) for k in many] == list(range(63))
    assert S.uppdrag_record([*many, "ett till"]) is None  # read as an older template's
    for edited in ("", "x", "2:abc", "1:ab+c", "0:ab", "-1:abcd", "²:ab"):
        assert S.read_uppdrag_record(edited) is None  # edited: as an older template's


def _workspace(root: Path) -> Path:
    settings = example_settings(root)
    write_example_returns(settings, actions.templates(root), root / "inbox")
    return root


def _add_to_toml(root: Path, *later: tuple[str, str]) -> None:
    """What the office does in October: one more [[uppdrag]] in budgetbook.toml."""
    path = root / "budgetbook.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index("[[uppdrag]]")
    added = "".join(
        f'[[uppdrag]]\ntext = "{t}"\nstart = 2027\navdelning = "{a}"\ndecision = "KS 2026-10-12 § 250"\n\n'
        for t, a in later
    )
    path.write_text(text[:at] + added + text[at:], encoding="utf-8")


def test_collect_tells_the_office_once(tmp_path: Path) -> None:
    """The office adds an uppdrag for EKO and one for every avdelning after the
    workbooks went out; EKO's head had unprotected the Uppdrag sheet. Every return is
    still accepted, no head is told, and the office gets one BB508 for the round, in
    the collect result and the inlämningskontroll, that says what the draft shows."""
    ws = _workspace(tmp_path / "ws")
    before = actions.collect(ws)
    eko = ws / "inbox" / EKO_RETURN
    wb = openpyxl.load_workbook(eko)
    _unprotected(wb)
    wb.save(eko)
    _add_to_toml(ws, (LATER, "EKO"), (LATER_ALL, ""))

    after = actions.collect(ws)
    assert not [p for p in after.problems if p.code == "BB413"], _codes(after)
    assert [s.status for s in after.statuses] == [s.status for s in before.statuses]
    (added,) = [p for p in after.problems if p.code == "BB508"]
    assert added.file == "" and not added.is_error
    settings = load_settings(ws / "budgetbook.toml")
    codes = [a.code for a in settings.avdelningar]
    named = ", ".join(codes[:-1]) + f" och {codes[-1]}"
    assert added.message.startswith(
        # "samt": the second uppdrag's list of avdelningar holds an "och" (fmt.name_list)
        f"Uppdragen ”{LATER}” (EKO) samt ”{LATER_ALL}” ({named}) lades till eller ändrades i "
        "budgetbook.toml efter att arbetsböckerna skapades och saknas därför på bladet Uppdrag i "
        f"arbetsböckerna från {named}. Avdelningarna har inte kunnat ange någon status"
    )
    assert "visar dem utan status från avdelningarna. Avdelningarna får inget" in added.message
    # what the message says of the draft is what the draft shows
    shown = {u.text: u for u in merge_uppdrag(after.submissions, settings)}
    assert shown[LATER].status == "" and shown[LATER].avdelning == "EKO"
    assert shown[LATER_ALL].status == ""
    assert any(u.status for u in shown.values())  # so the draft has a Status column
    report = after.outputs["inlamningskontroll"]
    assert "BB508" in workbook_text(Path(report))
    for path in (ws / "output" / "aterkoppling").glob("*.xlsx"):
        assert "BB508" not in workbook_text(path)


def test_one_avdelning_is_named_in_the_singular(tmp_path: Path) -> None:
    """Regression: an uppdrag added for EKO alone read "i arbetsböckerna från EKO.
    Avdelningarna har inte kunnat …", of one workbook and one avdelning."""
    ws = _workspace(tmp_path / "ws")
    actions.collect(ws)
    _add_to_toml(ws, (LATER, "EKO"))
    (added,) = [p for p in actions.collect(ws).problems if p.code == "BB508"]
    assert added.message.startswith(f"Uppdraget ”{LATER}” lades till eller ändrades i ")
    assert (
        "saknas därför på bladet Uppdrag i arbetsboken från EKO. Avdelningen har inte kunnat "
        "ange någon status för det, och utkastet till nämndplanen visar det utan status från "
        "avdelningen. Avdelningen får inget meddelande om detta: be avdelningen skriva in"
    ) in added.message


def test_several_uppdrag_for_one_avdelning_are_asked_for_in_the_plural(tmp_path: Path) -> None:
    """Regression (review): two uppdrag added for EKO read "be avdelningen skriva in
    uppdraget … på en tom rad"."""
    ws = _workspace(tmp_path / "ws")
    actions.collect(ws)
    _add_to_toml(ws, (LATER, "EKO"), (LATER + " Etapp 2.", "EKO"))
    (added,) = [p for p in actions.collect(ws).problems if p.code == "BB508"]
    assert added.message.startswith("Uppdragen ")
    assert (
        "be avdelningen skriva in uppdragen med samma text på tomma rader på bladet Uppdrag, "
        "fylla i status och lämna in igen, eller skicka en ny arbetsbok (budgetbook templates)"
    ) in added.message


def test_a_return_not_accepted_gives_the_office_no_bb508(tmp_path: Path) -> None:
    """Regression (review): EKO's blank template (BB110) in the inbox, and an uppdrag
    added for EKO: BB508 asked the office to have the head type the uppdrag into a
    workbook that is sent back anyway. Last year's workbook (BB105), whose record cannot
    hold this year's uppdrag, went the same way. BB508 is of what the draft shows."""
    ws = _workspace(tmp_path / "ws")
    (ws / "inbox" / EKO_RETURN).unlink()
    template = next(p for p in (ws / "workbook_templates").iterdir() if "EKO" in p.name)
    shutil.copy2(template, ws / "inbox" / template.name)
    _add_to_toml(ws, (LATER, "EKO"))
    codes = [p.code for p in actions.collect(ws).problems]
    assert "BB110" in codes and "BB508" not in codes
