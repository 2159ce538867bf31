"""The inlämningskontroll's Status sheet links each avdelning with something to do (a
missing, unreadable or faulty return) to a ready e-mail to its head: a `mailto:` link
whose subject and body survive the encoding, within the length a mail program takes."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import openpyxl
import pytest

import wb_builders
from budgetbook import actions, rules
from budgetbook.archive import Archive
from budgetbook.model import ReturnStatus
from budgetbook.output_names import report_path
from budgetbook.problem_report import status_headings
from budgetbook.reminders import MAX_MAILTO, mailto, reminder
from budgetbook.settings import load_settings
from budgetbook.workspace import Workspace, example_resources

# the example round's Status sheet (it has a deadline: its column is among them)
STATUS_HEADINGS = status_headings(load_settings(example_resources() / "budgetbook.toml"))

GOLDEN = Path(__file__).parent / "data" / "reminders"
ODD_NAME = "Ekonomi & IT, Åsa Öbergs #2 – vad nu?"
ODD_CONTACT = "Örjan Ärlig & co, controller #1?"


def _set(toml: str, code: str, key: str, value: str) -> str:
    """`toml` with the avdelning `code`'s `key` set to `value` (a TOML basic string)."""
    block = re.search(rf'code = "{code}"\n(?:[a-z]+ = .*\n)*', toml)
    assert block is not None
    lines = [ln for ln in block.group(0).splitlines() if not ln.startswith(f"{key} =")]
    if value is not None:
        lines.append(f'{key} = "{value}"')
    return toml[: block.start()] + "\n".join(lines) + "\n" + toml[block.end() :]


def _decoded(link: str) -> tuple[str, str, str]:
    """(address, subject, body) of a mailto link, as a mail program decodes it."""
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    query = parse_qs(parts.query, keep_blank_values=True)
    # parse_qs reads "+" as a space, as a mail program must not: none is in the link
    assert "+" not in parts.query
    return unquote(parts.path), query["subject"][0], query["body"][0].replace("\r\n", "\n")


def as_read(link: str) -> str:
    """A mailto link as the department head reads the message it opens."""
    to, subject, body = _decoded(link)
    return f"Till: {to}\nÄmne: {subject}\n\n{body}\n"


def assert_golden(name: str, text: str) -> None:
    wb_builders.assert_golden(GOLDEN, name, text)


@pytest.fixture()
def collected(ws: Workspace):
    """The example round collected with EKO's return missing (and a name and a
    contact with Swedish letters, spaces, &, ? and #), PORT's missing and PORT
    without an e-mail, and FMO's return with an error typed over a Drift amount."""
    toml_path = ws.root / "budgetbook.toml"
    toml = toml_path.read_text(encoding="utf-8")
    toml = _set(toml, "EKO", "name", ODD_NAME)
    toml = _set(toml, "EKO", "head", "Åsa Öberg")
    toml = _set(toml, "PORT", "email", None)  # type: ignore[arg-type]
    toml = re.sub(r'contact_name = ".*"', f'contact_name = "{ODD_CONTACT}"', toml)
    toml_path.write_text(toml, encoding="utf-8")
    for name in ("Ekonomiavdelningen", "Portföljstyrning"):
        (ws.inbox / f"Budget 2027 {name}.xlsx").unlink()
    fmo = ws.inbox / "Budget 2027 Förtroendemannaorganisationen.xlsx"
    wb = openpyxl.load_workbook(fmo)  # as the department head would type in Excel
    wb["Drift"]["F14"] = "ungefär 2 000"
    wb.save(fmo)
    result = actions.collect(ws.root)
    settings = load_settings(toml_path)
    sheet = openpyxl.load_workbook(report_path(ws.output, settings))["Status"]
    rows = {sheet.cell(r, 1).value: r for r in range(4, sheet.max_row + 1)}
    return result, sheet, rows


def test_missing_return_links_to_a_reminder_to_its_head(collected) -> None:
    result, sheet, rows = collected
    assert [c.value for c in sheet[3]] == list(STATUS_HEADINGS)
    assert {s.avdelning: s.status for s in result.statuses}["EKO"] == "saknas"
    cell = sheet.cell(rows["EKO"], len(STATUS_HEADINGS))
    assert cell.value == "Mejla en påminnelse"
    to, subject, body = _decoded(cell.hyperlink.target)
    assert to == "maria.nystrom@exempelkommun.se"
    assert subject == f"Nämndplan 2027: arbetsboken från {ODD_NAME} saknas"
    assert body.startswith("Hej Åsa!\n\n")
    assert f"arbetsboken för {ODD_NAME} till kommunstyrelsens nämndplan 2027." in body
    assert "Arbetsboken heter Budget_2027_EKO.xlsx." in body
    # no "är": the reminder is mostly sent after the deadline
    assert "Sista dag för inlämning: 20 november 2026." in body
    assert "och skicka den till eva.ekstrom@exempelkommun.se." in body
    assert body.endswith(f"Med vänliga hälsningar\n{ODD_CONTACT}\n08-555 123 45")
    assert len(cell.hyperlink.target) <= MAX_MAILTO
    assert_golden("saknas.txt", as_read(cell.hyperlink.target))


def test_return_with_errors_names_the_feedback_to_attach(collected) -> None:
    result, sheet, rows = collected
    status = next(s for s in result.statuses if s.avdelning == "FMO")
    assert status.status == "fel" and status.errors == 1
    cell = sheet.cell(rows["FMO"], len(STATUS_HEADINGS))
    # the link says what the mail program cannot do: the sender attaches the file
    assert cell.value == "Mejla, bifoga aterkoppling_FMO_2027.xlsx"
    to, subject, body = _decoded(cell.hyperlink.target)
    assert to == "karin.lund@exempelkommun.se"
    assert (
        subject == "Nämndplan 2027: arbetsboken från Förtroendemannaorganisationen behöver rättas"
    )
    assert body.startswith("Hej Karin!\n\n")
    assert f"Tack för arbetsboken {status.file}. Den har ett fel som behöver rättas" in body
    assert "där felet är markerat och listat på första bladet" in body
    assert "Jag bifogar återkopplingen aterkoppling_FMO_2027.xlsx" in body
    assert (ws_output(result) / "aterkoppling" / "aterkoppling_FMO_2027.xlsx").is_file()
    assert_golden("fel.txt", as_read(cell.hyperlink.target))


def ws_output(result) -> Path:
    return Path(result.outputs["inlamningskontroll"]).parent


def test_return_not_ours_gets_no_feedback_and_its_email_says_what_is_wrong(
    ws: Workspace,
) -> None:
    """A workbook of the department's own (not the one handed out) under its return's
    name is faulty (BB101) but gets no feedback workbook: nothing to mark in it. The
    e-mail said the feedback was attached all the same."""
    fmo = ws.inbox / "Budget 2027 Förtroendemannaorganisationen.xlsx"
    wb = openpyxl.Workbook()  # the department head's own workbook
    wb.active["A1"] = "Vår budget 2027"
    wb.save(fmo)
    result = actions.collect(ws.root)
    status = next(s for s in result.statuses if s.avdelning == "FMO")
    assert status.status == "fel"
    assert "aterkoppling_FMO" not in result.outputs
    assert not (ws.output / "aterkoppling" / "aterkoppling_FMO_2027.xlsx").exists()
    settings = load_settings(ws.root / "budgetbook.toml")
    sheet = openpyxl.load_workbook(report_path(ws.output, settings))["Status"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "FMO")
    cell = sheet.cell(row, len(STATUS_HEADINGS))
    assert cell.value == "Mejla om felet"  # one error (BB101): not "felen"
    text = as_read(cell.hyperlink.target)
    assert "bifoga" not in text and "aterkoppling" not in text
    assert "är ingen arbetsbok från budgetbook" in text  # BB101's message
    assert_golden("fel_utan_aterkoppling.txt", text)


def test_no_link_without_an_email_or_with_nothing_to_do(collected) -> None:
    result, sheet, rows = collected
    last = len(STATUS_HEADINGS)
    by_code = {s.avdelning: s.status for s in result.statuses}
    assert by_code["PORT"] == "saknas"
    port = sheet.cell(rows["PORT"], last)
    assert port.value is None and port.hyperlink is None
    for code, status in by_code.items():
        if status in ("godkänd", "varningar"):
            assert sheet.cell(rows[code], last).hyperlink is None, code


def test_unreadable_return_says_why(ws: Workspace) -> None:
    settings = load_settings(ws.root / "budgetbook.toml")
    status = ReturnStatus("KDIR", "Kommundirektör", "oläslig", "KDIR.xlsx")
    problem = rules.NOT_READABLE(file="KDIR.xlsx", orsak="skadad zip", avdelning="KDIR")
    found = reminder(settings, status, [problem])
    assert found is not None
    _, subject, body = _decoded(found.mailto())
    assert subject.endswith("arbetsboken från Kommundirektör går inte att läsa")
    assert problem.message in body
    assert "Arbetsboken ni fick från oss heter Budget_2027_KDIR.xlsx. Skicka den igen till " in body
    assert_golden("olaslig.txt", as_read(found.mailto()))


def test_encoding_keeps_every_character() -> None:
    text = "Åäö ÅÄÖ é & ? # % + = ; , / \\ ”citat” 'x'\nny rad"
    to, subject, body = _decoded(mailto("a.b@x.se", text, text))
    assert (to, subject, body) == ("a.b@x.se", text, text)


def test_overlong_message_keeps_the_subject_or_gives_no_link(ws: Workspace) -> None:
    """Settings with absurdly long names: the body would push the link past what
    Outlook opens, so the link has the subject only; past that, no link at all."""
    toml_path = ws.root / "budgetbook.toml"
    toml = toml_path.read_text(encoding="utf-8")
    toml_path.write_text(_set(toml, "EKO", "name", "Ö" * 200), encoding="utf-8")
    settings = load_settings(toml_path)
    found = reminder(settings, ReturnStatus("EKO", "", "saknas"))
    assert found is not None and found.body == "" and len(found.mailto()) <= MAX_MAILTO
    toml_path.write_text(_set(toml, "EKO", "name", "Ö" * 400), encoding="utf-8")
    settings = load_settings(toml_path)
    assert reminder(settings, ReturnStatus("EKO", "", "saknas")) is None


@pytest.mark.parametrize("address", ["", "karin", "a@b@c.se", "a@x.se; b@x.se", "a b@x.se"])
def test_no_link_to_an_unusable_address(ws: Workspace, address: str) -> None:
    toml_path = ws.root / "budgetbook.toml"
    toml = toml_path.read_text(encoding="utf-8")
    toml_path.write_text(_set(toml, "EKO", "email", address), encoding="utf-8")
    settings = load_settings(toml_path)
    assert reminder(settings, ReturnStatus("EKO", "", "saknas")) is None


def test_a_long_reason_is_left_out_before_the_rest(ws: Workspace) -> None:
    """An unreadable return's reason (the reader's message, up to 400 characters)
    with long names would push the link past the limit: it goes first, the rest of
    the message stays."""
    toml_path = ws.root / "budgetbook.toml"
    toml = toml_path.read_text(encoding="utf-8")
    toml_path.write_text(_set(toml, "KDIR", "name", "Ö" * 60), encoding="utf-8")
    settings = load_settings(toml_path)
    status = ReturnStatus("KDIR", "", "oläslig", "Å" * 60 + ".xlsx")
    problem = rules.NOT_READABLE(file=status.file, orsak="ä" * 180, avdelning="KDIR")
    assert len(problem.message) <= 400
    found = reminder(settings, status, [problem])
    assert found is not None and len(found.mailto()) <= MAX_MAILTO
    assert problem.message not in found.body
    assert "Arbetsboken ni fick från oss heter Budget_2027_KDIR.xlsx." in found.body


def _unopenable_by_openpyxl(path: Path) -> None:
    """Give the workbook a creation date that is no date: our reader reads the return
    (it does not look at the file's properties), openpyxl refuses the whole file, so
    no feedback copy can be made of it."""
    data = path.read_bytes()
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(tmp, "w") as zout:
        for item in zin.infolist():
            part = zin.read(item)
            if item.filename == "docProps/core.xml":
                part = re.sub(rb"(<dcterms:created[^>]*>)[^<]*<", rb"\1inte ett datum<", part)
            zout.writestr(item, part)
    tmp.replace(path)


def test_a_return_that_cannot_be_copied_for_feedback_gets_an_email_without_one(
    ws: Workspace,
) -> None:
    """A faulty return our reader reads but openpyxl cannot open gets no feedback
    workbook (`write_feedback`); the report, written before the feedback, said it was
    attached. Its e-mail quotes the error instead, and a collect with nothing new
    (its memo gone) leaves the report as it is."""
    fmo = ws.inbox / "Budget 2027 Förtroendemannaorganisationen.xlsx"
    wb = openpyxl.load_workbook(fmo)  # as the department head would type in Excel
    wb["Drift"]["F14"] = "ungefär 2 000"
    wb.save(fmo)
    _unopenable_by_openpyxl(fmo)
    with pytest.raises(ValueError):
        openpyxl.load_workbook(fmo)
    result = actions.collect(ws.root)
    status = next(s for s in result.statuses if s.avdelning == "FMO")
    assert status.status == "fel" and "aterkoppling_FMO" not in result.outputs
    settings = load_settings(ws.root / "budgetbook.toml")
    report = report_path(ws.output, settings)
    sheet = openpyxl.load_workbook(report)["Status"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "FMO")
    cell = sheet.cell(row, len(STATUS_HEADINGS))
    assert cell.value == "Mejla om felet"
    text = as_read(cell.hyperlink.target)
    assert "bifoga" not in text
    assert "Bladet Drift, cell F14: ”ungefär 2 000” är inte ett belopp." in text
    before = report.stat().st_mtime_ns, report.read_bytes()
    with Archive(ws.output) as archive:
        archive.clear_memo()
    actions.collect(ws.root)
    assert (report.stat().st_mtime_ns, report.read_bytes()) == before


def test_the_link_to_an_email_quoting_errors_names_them_in_the_plural(ws: Workspace) -> None:
    """One error: "Mejla om felet" (above); two: "Mejla om felen", as the message says."""
    fmo = ws.inbox / "Budget 2027 Förtroendemannaorganisationen.xlsx"
    wb = openpyxl.load_workbook(fmo)
    wb["Drift"]["F14"] = "ungefär 2 000"
    wb["Drift"]["G14"] = "cirka 2 100"
    wb.save(fmo)
    _unopenable_by_openpyxl(fmo)
    result = actions.collect(ws.root)
    status = next(s for s in result.statuses if s.avdelning == "FMO")
    assert status.errors > 1 and "aterkoppling_FMO" not in result.outputs
    sheet = openpyxl.load_workbook(result.outputs["inlamningskontroll"])["Status"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "FMO")
    cell = sheet.cell(row, len(STATUS_HEADINGS))
    assert cell.value == "Mejla om felen"
    assert "när felen är rättade" in as_read(cell.hyperlink.target)


def _status_mail(result, code: str) -> str:
    """The e-mail the inlämningskontroll's Status sheet links for avdelning `code`."""
    sheet = openpyxl.load_workbook(result.outputs["inlamningskontroll"])["Status"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == code)
    cell = sheet.cell(row, len(STATUS_HEADINGS))
    assert cell.value == "Mejla om filen"
    return as_read(cell.hyperlink.target)


def test_an_unreadable_return_is_told_what_fits_why(ws: Workspace) -> None:
    """Review: BB100 told "Öppna den i Excel …, spara som Excel-arbetsbok (.xlsx) och
    skicka den igen" whatever the reason, and the "Mejla om filen" e-mail quoted it: a
    PDF cannot be saved as .xlsx, and an empty file holds nothing to save. A PDF (or a
    Word document) is told to send the workbook, named; an empty file that the saving
    was likely cut off; a workbook in another format still to save it as .xlsx."""
    for name in ("Personalavdelningen", "Ekonomiavdelningen", "Portföljstyrning"):
        (ws.inbox / f"Budget 2027 {name}.xlsx").unlink()
    (ws.inbox / "Budget 2027 Personalavdelningen.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\n")
    (ws.inbox / "Budget_2027_EKO.xlsx").write_bytes(b"")
    with zipfile.ZipFile(ws.inbox / "Portföljstyrning budget.ods", "w") as ods:
        ods.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", "<office:document-content/>")
    result = actions.collect(ws.root)
    statuses = {s.avdelning: s.status for s in result.statuses}
    assert statuses["PERS"] == statuses["EKO"] == statuses["PORT"] == "oläslig"
    pdf, empty, ods = (
        next(p.message for p in result.problems if p.code == "BB100" and p.avdelning == code)
        for code in ("PERS", "EKO", "PORT")
    )
    resave = "spara som Excel-arbetsbok (.xlsx)"
    assert pdf.endswith(
        "det är en PDF-fil, inte en Excel-arbetsbok. Skicka i stället den ifyllda "
        "Excel-arbetsboken som ni fick från ekonomistaben, Budget_2027_PERS.xlsx."
    )
    assert empty.endswith(
        "filen är tom (0 byte). Troligen avbröts sparandet eller överföringen. Kontrollera "
        "att arbetsboken går att öppna och har era uppgifter, och skicka den igen."
    )
    assert resave not in pdf and resave not in empty and resave in ods
    mail = _status_mail(result, "PERS")
    assert pdf in mail and resave not in mail
    mail = _status_mail(result, "EKO")
    assert empty in mail and resave not in mail
