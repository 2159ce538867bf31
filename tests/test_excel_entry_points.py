"""The Python side of the Excel buttons, run through the same code path as in Excel.

Excel is replaced by `StandInBook` below: it offers only the few xlwings calls that
`budgetbook.excel` uses (`book.sheets[...]`, `book.fullname`, `sheet[addr].value`,
`sheet[addr].clear_contents()`) and starts from the cells of the generated
Budgetpanel.xlsm. Everything else is real: the example round's workspace, templates and
filled returns, and collect / consolidate / report.
"""

from __future__ import annotations

import errno
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import xlwings
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries

from budgetbook import actions, excel, panel
from budgetbook import workspace as workspace_module
from budgetbook.model import CollectResult, Problem, ReturnStatus, Severity

# --- the stand-in for the calling workbook ----------------------------------------------


class StandInRange:
    def __init__(self, sheet: StandInSheet, address: str):
        self.sheet = sheet
        self.min_col, self.min_row, self.max_col, self.max_row = range_boundaries(address)

    @property
    def value(self) -> Any:
        assert (self.min_row, self.min_col) == (self.max_row, self.max_col), "one cell only"
        return self.sheet.cells.get((self.min_row, self.min_col))

    @value.setter
    def value(self, value: Any) -> None:
        # Like xlwings: a 2-D list fills the block that starts at the top-left cell.
        rows = value if isinstance(value, list) else [[value]]
        for r, row in enumerate(rows):
            for c, item in enumerate(row):
                self.sheet.set(self.min_row + r, self.min_col + c, item)

    def clear_contents(self) -> None:
        for key in list(self.sheet.cells):
            row, col = key
            if self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col:
                del self.sheet.cells[key]


class StandInSheet:
    def __init__(self, name: str, cells: dict[tuple[int, int], Any]):
        self.name = name
        self.cells = cells

    def __getitem__(self, address: str) -> StandInRange:
        return StandInRange(self, address)

    def set(self, row: int, col: int, value: Any) -> None:
        if value is None or value == "":
            self.cells.pop((row, col), None)
        else:
            self.cells[(row, col)] = value

    def get(self, address: str) -> Any:
        return self.cells.get(coordinate_to_tuple(address))

    def row(self, row: int) -> list[Any]:
        return [self.cells.get((row, col)) for col in range(1, 8)]


class StandInBook:
    """The calling book: the generated panel's cells, as Excel would hold them."""

    def __init__(self, path: Path):
        wb = load_workbook(path, keep_vba=True)
        self.fullname = str(path)
        self._sheets = []
        for ws in wb.worksheets:
            cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row}
            self._sheets.append(
                StandInSheet(ws.title, {k: v for k, v in cells.items() if v is not None})
            )

    @property
    def sheets(self) -> StandInBook:
        return self

    def __getitem__(self, key: str | int) -> StandInSheet:
        if isinstance(key, int):
            return self._sheets[key]
        for sheet in self._sheets:
            if sheet.name == key:
                return sheet
        raise KeyError(key)


def table(sheet: StandInSheet, heading: str) -> list[list[Any]]:
    """The rows of the table under `heading`, header row first, up to the blank row."""
    start = next(r for (r, c), v in sorted(sheet.cells.items()) if c == 1 and v == heading)
    rows, row = [], start + 1
    while any(v is not None for v in sheet.row(row)):
        rows.append(sheet.row(row))
        row += 1
    return rows


def hyperlink(formula: str) -> tuple[str, str]:
    match = re.fullmatch(r'=HYPERLINK\("(.*)","(.*)"\)', formula)
    assert match, formula
    return match.group(1).replace('""', '"'), match.group(2).replace('""', '"')


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_round(tmp_path_factory) -> Path:
    """The example round: workspace, templates and the example returns in inbox/."""
    from budgetbook.example import write_example_returns

    root = tmp_path_factory.mktemp("runda") / "runda2027"
    ws = actions.init(root)
    written = actions.templates(ws.root)
    write_example_returns(ws.settings(), written, ws.inbox)
    actions.panel(ws.root)
    return ws.root


@pytest.fixture
def workspace(example_round, tmp_path) -> Path:
    """A private copy, so every test starts from the same inbox and no outputs."""
    target = tmp_path / "runda2027"
    shutil.copytree(example_round, target)
    # The panel's Arbetsmapp cell names the original folder; make a panel for the copy.
    actions.panel(target)
    return target


@pytest.fixture
def book(workspace, monkeypatch) -> StandInBook:
    stand_in = StandInBook(workspace / panel.PANEL_FILE)
    # The button path: RunPython runs budgetbook.excel.X(), which asks xlwings for the
    # calling book. Here xlwings hands over the stand-in instead of Excel's book.
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: stand_in))
    return stand_in


# --- the buttons ------------------------------------------------------------------------


def test_kor_allt_writes_status_problems_and_outputs(book, workspace):
    excel.kor_allt()
    sheet = book.sheets[panel.SHEET]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d – Kör allt: klart", sheet.get(panel.LAST_RUN_CELL)
    )

    expected = actions.collect(workspace)  # what the CLI reports for the same inbox
    status = table(sheet, panel.STATUS_HEADING)
    assert status[0] == ["Avdelning", "Namn", "Status", "Inkommen", "Fel", "Varningar", "Fil"]
    assert [row[:3] for row in status[1:]] == [
        [s.avdelning, s.name, s.status] for s in expected.statuses
    ]
    for row, s in zip(status[1:], expected.statuses, strict=True):
        if s.file:
            assert row[4:6] == [s.errors, s.warnings]
            target, text = hyperlink(row[6])
            assert text == s.file
            assert Path(target).exists()

    problems = table(sheet, panel.PROBLEM_HEADING)
    if expected.problems:
        assert problems[0] == [
            "Avdelning",
            "Fil",
            "Flik",
            "Cell",
            "Allvarlighet",
            "Regel",
            "Meddelande",
        ]
        shown = [[r[0] or "", r[2] or "", r[3] or "", r[4], r[5]] for r in problems[1:]]
        assert shown == [
            [p.avdelning, p.sheet, p.cell, p.severity.value, p.code] for p in expected.problems
        ]
        for row, p in zip(problems[1:], expected.problems, strict=True):
            assert row[6] in (p.message, "'" + p.message)

    outputs = {row[0]: hyperlink(row[1]) for row in table(sheet, panel.OUTPUT_HEADING)[1:]}
    assert "Konsolidering" in outputs and "Word-utkast" in outputs
    for target, _ in outputs.values():
        assert Path(target).exists(), target
    message = sheet.get(panel.MESSAGE_CELL)
    assert f"{expected.errors} fel och {expected.warnings} varningar" in message


def test_kontrollera_inlamningar_links_each_problem_to_its_cell(book, workspace):
    excel.kontrollera_inlamningar()
    sheet = book.sheets[panel.SHEET]
    assert sheet.get(panel.LAST_RUN_CELL).endswith("Kontrollera inlämningar: klart")
    expected = actions.collect(workspace)
    placed = [p for p in expected.problems if p.file and p.sheet and p.cell]
    rows = table(sheet, panel.PROBLEM_HEADING)[1:]
    for p, row in zip(expected.problems, rows, strict=True):
        if p in placed and isinstance(row[1], str) and row[1].startswith("="):
            target, text = hyperlink(row[1])
            assert text == p.file
            match = re.fullmatch(r"\[(.*)\]'(.*)'!(\w+)", target)
            assert match, target
            assert Path(match.group(1)).name  # the returned file ...
            assert match.group(1).endswith(Path(match.group(1)).name)
            assert (match.group(2).replace("''", "'"), match.group(3)) == (p.sheet, p.cell)


def test_konsolidera_and_skapa_word_utkast(book, workspace):
    excel.konsolidera()
    sheet = book.sheets[panel.SHEET]
    assert sheet.get(panel.LAST_RUN_CELL).endswith("Konsolidera: klart")
    labels = [row[0] for row in table(sheet, panel.OUTPUT_HEADING)[1:]]
    assert "Konsolidering" in labels and "Word-utkast" not in labels

    excel.skapa_word_utkast()
    assert sheet.get(panel.LAST_RUN_CELL).endswith("Skapa Word-utkast: klart")
    outputs = {row[0]: hyperlink(row[1]) for row in table(sheet, panel.OUTPUT_HEADING)[1:]}
    assert Path(outputs["Word-utkast"][0]).suffix == ".docx"
    assert Path(outputs["Word-utkast"][0]).exists()


def test_a_rerun_replaces_the_previous_results(book):
    sheet = book.sheets[panel.SHEET]
    sheet.set(panel.RESULTS_ROW + 2000, 7, "gammalt resultat")
    excel.kontrollera_inlamningar()
    assert sheet.get(f"G{panel.RESULTS_ROW + 2000}") is None


# --- failures become Swedish messages in the sheet, never exceptions -------------------


def test_missing_workspace_is_a_message(book, tmp_path):
    sheet = book.sheets[panel.SHEET]
    sheet.set(*coordinate_to_tuple(panel.WORKSPACE_CELL), str(tmp_path / "finns-inte"))
    excel.kor_allt()
    assert sheet.get(panel.LAST_RUN_CELL).endswith("Kör allt: misslyckades")
    assert "finns-inte är ingen mapp" in sheet.get(panel.MESSAGE_CELL)
    assert "Traceback" not in sheet.get(panel.MESSAGE_CELL)


def test_wrong_round_is_a_message(book):
    sheet = book.sheets[panel.SHEET]
    sheet.set(*coordinate_to_tuple(panel.ROUND_CELL), "en-annan-runda")
    excel.kontrollera_inlamningar()
    assert sheet.get(panel.LAST_RUN_CELL).endswith("misslyckades")
    assert "gäller rundan en-annan-runda" in sheet.get(panel.MESSAGE_CELL)


def test_a_round_id_typed_as_a_number_matches(book, workspace):
    """A round with id "2027", typed into the Runda cell again: Excel stores the number,
    and xlwings hands it over as 2027.0."""
    settings = workspace / "budgetbook.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('id = "nämndplan-2027"', 'id = "2027"'), encoding="utf-8")
    sheet = book.sheets[panel.SHEET]
    sheet.set(*coordinate_to_tuple(panel.ROUND_CELL), 2027.0)
    excel.kontrollera_inlamningar()
    assert sheet.get(panel.LAST_RUN_CELL).endswith("klart"), sheet.get(panel.MESSAGE_CELL)


def test_empty_workspace_cell_means_the_panels_folder(book):
    sheet = book.sheets[panel.SHEET]
    sheet.set(*coordinate_to_tuple(panel.WORKSPACE_CELL), None)
    excel.kontrollera_inlamningar()
    assert sheet.get(panel.LAST_RUN_CELL).endswith("klart")


def test_received_times_are_local(book, workspace, in_stockholm):
    """The archive keeps UTC; the panel shows the time as the user's clock showed it.
    When the return came (`inbox.arrival`): the example's files were saved before the
    collect first saw them."""
    from budgetbook.inbox import arrival

    excel.kontrollera_inlamningar()
    sheet = book.sheets[panel.SHEET]
    rows = table(sheet, panel.STATUS_HEADING)
    received = {v.avdelning: arrival(v.received, v.file_mtime) for v in actions.history(workspace)}
    shown = {row[0]: row[3] for row in rows[1:] if row[3]}
    assert shown and shown == {
        code: f"{received[code].astimezone():%Y-%m-%d %H:%M}" for code in shown
    }


def test_a_workspace_path_in_quotes_works(book, workspace):
    """Explorer's "Kopiera som sökväg" (Shift + right click) pastes the path in quotes."""
    sheet = book.sheets[panel.SHEET]
    sheet.set(*coordinate_to_tuple(panel.WORKSPACE_CELL), f'"{workspace}"')
    excel.kontrollera_inlamningar()
    assert sheet.get(panel.LAST_RUN_CELL).endswith("klart"), sheet.get(panel.MESSAGE_CELL)


class OnOneDrive:
    """Excel's FullName of a book on OneDrive with AutoSave: a web address, which xlwings
    maps to a local file or fails to (SharePoint libraries, another sync folder)."""

    def __init__(self, book: StandInBook, mapped: bool):
        self.sheets = book.sheets
        self.mapped = mapped

    @property
    def fullname(self) -> str:
        url = "https://kommunen-my.sharepoint.com/personal/anna/Documents/Budget/Budgetpanel.xlsm"
        if self.mapped:
            return url  # as an xlwings that does not map it would
        raise xlwings.XlwingsError("Couldn't find your local OneDrive file, see: xlwings.org/error")


@pytest.mark.parametrize("mapped", [True, False])
def test_a_panel_on_onedrive_runs_with_its_workspace_cell(book, mapped):
    onedrive = OnOneDrive(book, mapped)
    excel.kontrollera_inlamningar(onedrive)
    sheet = book.sheets[panel.SHEET]
    assert sheet.get(panel.LAST_RUN_CELL).endswith("klart"), sheet.get(panel.MESSAGE_CELL)
    # with the cell emptied the folder is unknown: the message says what to write where
    sheet.set(*coordinate_to_tuple(panel.WORKSPACE_CELL), None)
    excel.kontrollera_inlamningar(onedrive)
    assert sheet.get(panel.LAST_RUN_CELL).endswith("misslyckades")
    message = sheet.get(panel.MESSAGE_CELL)
    assert message.startswith("Panelen är öppnad från OneDrive eller SharePoint, så budgetbook")
    assert "i cellen Arbetsmapp." in message


def test_a_panel_outside_its_workspace_with_an_empty_cell_says_where_to_look(book, tmp_path):
    """A panel saved from an e-mail (Outlook's temporary folder) or copied elsewhere."""
    elsewhere = tmp_path / "Content.Outlook" / "X1Y2Z3"
    elsewhere.mkdir(parents=True)
    book.fullname = str(elsewhere / panel.PANEL_FILE)
    sheet = book.sheets[panel.SHEET]
    sheet.set(*coordinate_to_tuple(panel.WORKSPACE_CELL), None)
    excel.kontrollera_inlamningar()
    assert sheet.get(panel.MESSAGE_CELL) == (
        f"Panelen ligger i {elsewhere}, som inte är någon arbetsmapp (budgetbook.toml saknas "
        "där), och cellen Arbetsmapp är tom. Skriv arbetsmappens sökväg i cellen "
        "Arbetsmapp, eller öppna panelen i arbetsmappen (inte som bilaga i e-post)."
    )


def test_nothing_to_consolidate_still_shows_the_status(book, workspace):
    for path in (workspace / "inbox").iterdir():
        if path.is_file():
            path.unlink()
    excel.konsolidera()
    sheet = book.sheets[panel.SHEET]
    assert sheet.get(panel.LAST_RUN_CELL).endswith("Konsolidera: misslyckades")
    assert (
        "är tom" in sheet.get(panel.MESSAGE_CELL).lower()
    )  # empty inbox: says so (was generic "no approved return")
    statuses = {row[2] for row in table(sheet, panel.STATUS_HEADING)[1:]}
    assert statuses == {"saknas"}


def test_unexpected_error_is_a_message_and_a_log(book, workspace, monkeypatch):
    def broken(_round: Any) -> CollectResult:
        raise RuntimeError("något gick sönder")

    monkeypatch.setattr(actions, "collect_round", broken)
    excel.kontrollera_inlamningar()
    sheet = book.sheets[panel.SHEET]
    message = sheet.get(panel.MESSAGE_CELL)
    assert message.startswith("Oväntat fel i budgetbook (RuntimeError: något gick sönder).")
    log = workspace / "output" / excel.LOG_FILE
    assert str(log) in message
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_a_share_gone_mid_run_says_what_to_check(book, workspace, monkeypatch):
    """A file-system failure (the network share dropped, as Windows words it) is the
    environment's, not a bug to report: the message says what to check."""
    gone = r"\\server\ekonomi\runda2027\inbox\Budget PERS.xlsx"
    monkeypatch.setattr(workspace_module, "SYSTEM_SPEAKS_SWEDISH", True)  # as on Windows

    def share_gone(_round: Any) -> CollectResult:
        exc = OSError(errno.EIO, "Det angivna nätverksnamnet är inte längre tillgängligt", gone)
        exc.winerror = 64  # type: ignore[attr-defined]  # from Windows' API: its own words
        raise exc

    monkeypatch.setattr(actions, "collect_round", share_gone)
    excel.kontrollera_inlamningar()
    message = book.sheets[panel.SHEET].get(panel.MESSAGE_CELL)
    assert message.startswith(
        f"Kunde inte läsa eller skriva {gone}: Det angivna nätverksnamnet är inte längre "
        "tillgängligt. Kontrollera att mappen går att nå (en nätverksmapp eller OneDrive kan "
        "ha kopplats från) och kör igen."
    )
    assert "Oväntat" not in message


# --- what is written, from constructed results ----------------------------------------


def test_text_from_returns_is_never_a_formula():
    collected = CollectResult(
        statuses=[ReturnStatus("=A1", "-namn", "fel", file="x.xlsx", path="/in/x.xlsx", errors=1)],
        problems=[
            Problem(
                "X001",
                Severity.FEL,
                '=HYPERLINK("http://evil")',
                file="x.xlsx",
                sheet="Drift",
                cell="D5",
                avdelning="=A1",
            ),
        ],
    )
    rows = excel.results_rows(excel.Outcome(collected=collected), None)
    values = [v for row in rows for v in row if isinstance(v, str)]
    formulas = [v for v in values if v.startswith("=")]
    assert all(
        v.startswith('=HYPERLINK("/in/x.xlsx') or v.startswith('=HYPERLINK("[/in/x.xlsx]')
        for v in formulas
    )
    assert "'=A1" in values and "'-namn" in values and '\'=HYPERLINK("http://evil")' in values
    assert all(len(row) == len(panel.RESULTS_COLUMNS) for row in rows)
    assert get_column_letter(len(panel.RESULTS_COLUMNS)) == "G"


def test_the_consolidations_findings_are_listed_also_below_a_long_problem_list():
    """Regression: the list is cut at the results area's rows ("… och N problem till;
    se problemrapporten."), and the consolidation's findings, listed last, were cut
    first: a round with thousands of warnings never showed BB408 (then the
    consolidation's) on the panel, and the problem report it pointed to does not have
    it (it is the returns')."""
    many = [
        Problem("BB302", Severity.VARNING, f"varning {i}", file="x.xlsx", sheet="Drift", cell="D5")
        for i in range(panel.RESULTS_MAX_ROWS)
    ]
    finding = Problem("BB409", Severity.VARNING, "samma indikator från flera avdelningar")
    out = excel.Outcome(collected=CollectResult(problems=many), findings=[finding])
    rows = excel.results_rows(out, None)
    assert len(rows) <= panel.RESULTS_MAX_ROWS
    codes = [row[5] for row in rows if len(row) > 5]
    assert "BB409" in codes
    cut = next(row[1] for row in rows if str(row[1]).startswith("… och"))
    shown = codes.count("BB302")
    assert cut == f"… och {len(many) - shown} problem till; se problemrapporten."


def test_output_labels_are_swedish():
    """The draft's link said "Nämndplan" also when round.kind is a verksamhetsplan; the
    buttons and the command line call it the Word-utkast."""
    assert excel.output_label("inlamningskontroll") == "Inlämningskontroll"
    assert excel.output_label("aterkoppling_FMO") == "Återkoppling FMO"
    assert excel.output_label("namndplan") == "Word-utkast"


@pytest.mark.parametrize("button", ["kor_allt", "skapa_word_utkast"])
def test_a_button_loads_the_settings_once(book, workspace, monkeypatch, button):
    """Collect, consolidate and report share one load of the settings (review #5: the
    round check, collect, consolidate and report each loaded them)."""
    from budgetbook.workspace import Workspace

    loads: list[Path] = []
    real, real_with_inputs = Workspace.settings, Workspace.settings_and_inputs

    def counting(self: Workspace) -> Any:
        loads.append(self.root)
        return real(self)

    def counting_with_inputs(self: Workspace, **kwargs: Any) -> Any:
        loads.append(self.root)
        return real_with_inputs(self, **kwargs)

    monkeypatch.setattr(Workspace, "settings", counting)
    monkeypatch.setattr(Workspace, "settings_and_inputs", counting_with_inputs)
    getattr(excel, button)()
    assert book.sheets[panel.SHEET].get(panel.LAST_RUN_CELL).endswith(": klart")
    assert len(loads) == 1
    loads.clear()
    result = actions.run(workspace)
    assert result.outputs.keys() >= {"konsolidering", "namndplan"}
    # nothing changed since the button: both memos hold and the two documents are kept
    # by their recorded names, so no settings are needed at all (issue 8)
    assert result.reported is not None and result.reported.kept
    assert len(loads) == 0
    (workspace / "output" / result.outputs["namndplan"].name).unlink()
    again = actions.run(workspace)
    assert again.reported is not None and not again.reported.kept
    assert len(loads) == 1  # a draft to write: the settings, loaded once


def _report_an_indicator_twice(workspace: Path) -> None:
    """A second return reports the first return's indicator under the same nämndmål:
    the consolidation's own finding, BB409. (A return's kapitalkostnader against its
    investments, once the consolidation's BB408, is found at collect, per return.)"""
    first, second = sorted((workspace / "inbox").glob("*.xlsx"))[:2]
    source = load_workbook(first)["Mål och indikatorer"]
    header = next(r for r in source.iter_rows() if r[0].value == "Nämndmål")[0].row
    indicator = [c.value for c in source[header + 1]]
    wb = load_workbook(second)
    ws = wb["Mål och indikatorer"]
    row = next(r for r in range(header + 1, ws.max_row + 2) if ws.cell(r, 1).value is None)
    for column, value in enumerate(indicator, 1):
        ws.cell(row, column).value = value
    wb.save(second)


@pytest.mark.parametrize("button", ["konsolidera", "skapa_word_utkast", "kor_allt"])
def test_the_consolidations_findings_are_listed_as_the_cli_prints_them(book, workspace, button):
    """Regression: the buttons listed only the returns' problems, so a finance officer
    working from the panel never saw the consolidation's findings (then BB408, the
    drift budget's kapitalkostnader against the investment plan's; now BB409, an
    indicator reported by two avdelningar), which `budgetbook run` prints."""
    _report_an_indicator_twice(workspace)
    collected = actions.collect(workspace)
    cons, _ = actions.consolidate(workspace)
    assert [p.code for p in cons.problems] == ["BB409"]
    getattr(excel, button)()
    sheet = book.sheets[panel.SHEET]
    rows = table(sheet, panel.PROBLEM_HEADING)
    assert [r[5] for r in rows[1:]] == [p.code for p in [*collected.problems, *cons.problems]]
    shown = next(r for r in rows if r[5] == "BB409")
    assert shown[4] == "varning" and shown[6] == cons.problems[0].message
    at = next(r for (r, c), v in sheet.cells.items() if c == 1 and v == panel.PROBLEM_HEADING)
    assert sheet.row(at)[2] == f"{collected.errors} fel, {collected.warnings + 1} varningar"


def test_a_panel_copied_with_last_year_s_folder_does_not_run_last_year_s_round(
    example_round, tmp_path, monkeypatch
):
    """Year two: the finance officer copies runda2027 to runda2028 (panel included) and
    makes it 2028's round. The copied panel's Arbetsmapp cell still named runda2027,
    whose round id matched its Runda cell, so Kör allt ran last year's round from this
    year's folder and reported it as done."""
    last_year = tmp_path / "runda2027"
    shutil.copytree(example_round, last_year)
    actions.panel(last_year)
    this_year = tmp_path / "runda2028"
    shutil.copytree(last_year, this_year)
    settings = this_year / "budgetbook.toml"
    text = settings.read_text(encoding="utf-8").replace("nämndplan-2027", "nämndplan-2028")
    settings.write_text(text, encoding="utf-8")
    stand_in = StandInBook(this_year / panel.PANEL_FILE)
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: stand_in))
    excel.kor_allt()
    sheet = stand_in.sheets[panel.SHEET]
    assert sheet.get(panel.LAST_RUN_CELL).endswith("Kör allt: misslyckades")
    assert sheet.get(panel.MESSAGE_CELL).startswith(
        f"Panelen ligger i arbetsmappen {this_year}, men cellen Arbetsmapp anger en annan "
        f"arbetsmapp: {last_year}."
    )
    assert not (last_year / "output" / "konsolidering_2027.xlsx").exists()  # not run
    # the way out the message names: a panel made in this year's folder runs its round
    actions.panel(this_year)
    remade = StandInBook(this_year / panel.PANEL_FILE)
    excel.kontrollera_inlamningar(remade)
    message = remade.sheets[panel.SHEET].get(panel.MESSAGE_CELL)
    assert remade.sheets[panel.SHEET].get(panel.LAST_RUN_CELL).endswith("klart"), message
