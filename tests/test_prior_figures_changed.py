"""The finance office corrects the prior-year CSV after the workbooks went out (e.g. the
prognos after a delårsrapport): the returns show the figures their templates were
written with. That is not the department head's doing (no BB206 telling them to undo
it); the office learns it once for the round (BB506). Typing over a locked prior-year
cell stays BB206. Real files: templates by our writer, filled with openpyxl, the CSV
then edited as a finance officer edits it, collected."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from budgetbook import actions
from budgetbook import schema as S
from budgetbook.example import write_example_returns
from budgetbook.settings import load_settings
from wb_builders import example_settings


def _workspace(root: Path) -> Path:
    settings = example_settings(root)
    templates = actions.templates(root)
    write_example_returns(settings, templates, root / "inbox")
    return root


def _edit_prior_csv(root: Path, changes: dict[tuple[str, str], tuple[int, int]]) -> None:
    """Set (budget, prognos) of some verksamhet × driftpost lines in foregaende_ar.csv."""
    path = root / "foregaende_ar.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        v, d, *_ = line.split(";")
        if (v, d) in changes:
            budget, prognos = changes[(v, d)]
            line = f"{v};{d};{budget};{prognos}"
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _retouch(path: Path, edit) -> None:
    """Open a return with openpyxl, change it as a person (or an old template) would, save."""
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)


def _drop_record(wb: openpyxl.Workbook) -> None:
    """What a template written before the record existed carries: no BB_FORIFYLLT."""
    wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if p.name != S.ID_PRIOR]
    del wb.defined_names[S.ID_PRIOR]


def _first_lines(root: Path) -> tuple[str, list[tuple[str, str, int, int]]]:
    """The first avdelning's return and its first verksamhet's prior-year CSV lines."""
    settings = load_settings(root / "budgetbook.toml")
    avd = settings.avdelningar[0]
    v = settings.verksamheter_of(avd.code)[0]
    lines = []
    for d in settings.driftposter:
        prior = settings.prior.get((v.code, d.code))
        if prior is not None:
            lines.append((v.code, d.code, prior.budget, prior.prognos))
    inbox = sorted((root / "inbox").glob("*.xlsx"))
    own = next(p for p in inbox if avd.name in p.name)
    return own.name, lines


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return _workspace(tmp_path / "ws")


def _codes(result) -> list[tuple[str, str, str]]:
    return [(p.code, p.file, p.cell) for p in result.problems]


def test_prior_figures_corrected_after_the_workbooks_went_out(ws: Path) -> None:
    before = actions.collect(ws)
    assert not [p for p in before.problems if p.is_error]
    _, lines = _first_lines(ws)
    (v, d1, b1, p1), (_, d2, b2, p2) = lines[0], lines[1]
    _edit_prior_csv(ws, {(v, d1): (b1, p1 + 120), (v, d2): (b2 + 40, p2)})

    after = actions.collect(ws)
    # before the fix: BB206 "ångra ändringen" on both rows, the return refused
    assert not [p for p in after.problems if p.code == "BB206"], _codes(after)
    assert [s.status for s in after.statuses] == [s.status for s in before.statuses]
    assert len(after.submissions) == len(before.submissions)
    # the finance office learns it once, naming a figure; no department head is told
    older = [p for p in after.problems if p.code == "BB506"]
    assert len(older) == 1 and older[0].file == "" and not older[0].is_error
    message = older[0].message
    assert "foregaende_ar.csv har ändrats" in message and "2 rader skiljer" in message
    settings = load_settings(ws / "budgetbook.toml")
    py = settings.prior_year
    assert f"prognos {py} {p1} tkr i arbetsboken, {p1 + 120} tkr nu" in message
    assert "ångra" not in message
    feedback = ws / "output" / "aterkoppling"
    for path in feedback.glob("*.xlsx") if feedback.exists() else ():
        text = " ".join(
            str(c.value)
            for row in openpyxl.load_workbook(path).worksheets[0].iter_rows()
            for c in row
            if c.value
        )
        assert "BB506" not in text and "BB206" not in text


def _type_over(path: Path, drift: S.SheetDef, column: str, row: int, value: int) -> None:
    """What a department head does to a locked figure: lift the Drift sheet's
    protection and type over it."""
    col = S.xl_col(drift.index(column))

    def tamper(wb: openpyxl.Workbook) -> None:
        wb[drift.name].protection.sheet = False
        wb[drift.name][f"{col}{row}"] = value

    _retouch(path, tamper)


def test_typing_over_a_prior_figure_stays_an_error_when_the_csv_changed_too(ws: Path) -> None:
    settings = load_settings(ws / "budgetbook.toml")
    schema = S.build_schema(settings)
    drift = schema.sheet("drift")
    name, lines = _first_lines(ws)
    (v, d1, b1, p1) = lines[0]
    _edit_prior_csv(ws, {(v, d1): (b1, p1 + 120)})
    # the department head lifted the sheet's protection and typed over a prior figure
    # in another row: the return no longer shows what its template was written with
    r = drift.first_data_row + 1
    _type_over(ws / "inbox" / name, drift, "budget_prior", r, 99999)
    result = actions.collect(ws)
    changed = [p for p in result.problems if p.code == "BB206" and p.file == name]
    assert f"{S.xl_col(drift.index('budget_prior'))}{r}" in {p.cell for p in changed}
    assert not [p for p in result.problems if p.code == "BB506"]


def test_the_record_decides_even_when_the_sheet_protection_is_off(ws: Path) -> None:
    """A return saved without the sheet's protection (e.g. lifted to widen a column)
    but with the prefilled figures untouched: the template's record shows they are what
    it was written with."""
    name, lines = _first_lines(ws)
    (v, d1, b1, p1) = lines[0]
    _edit_prior_csv(ws, {(v, d1): (b1 + 5, p1)})
    drift = S.DRIFT_SHEET
    _retouch(ws / "inbox" / name, lambda wb: setattr(wb[drift].protection, "sheet", False))
    result = actions.collect(ws)
    assert not [p for p in result.problems if p.code == "BB206"], _codes(result)
    assert [p.code for p in result.problems if p.code == "BB506"] == ["BB506"]


def test_a_template_from_before_the_record(ws: Path) -> None:
    """Workbooks sent out by an earlier budgetbook carry no record: a still protected
    Drift sheet could not have been typed over, so a changed CSV is BB506 there; with the
    protection lifted and a prior figure typed over, it stays BB206."""
    settings = load_settings(ws / "budgetbook.toml")
    drift = S.build_schema(settings).sheet("drift")
    name, lines = _first_lines(ws)
    (v, d1, b1, p1) = lines[0]
    _edit_prior_csv(ws, {(v, d1): (b1, p1 + 7)})
    for path in (ws / "inbox").glob("*.xlsx"):
        _retouch(path, _drop_record)
    result = actions.collect(ws)
    assert not [p for p in result.problems if p.code == "BB206"], _codes(result)
    assert [p.code for p in result.problems if p.code == "BB506"] == ["BB506"]

    r = drift.first_data_row + 2
    _type_over(ws / "inbox" / name, drift, "prognos_prior", r, 12345)
    result = actions.collect(ws)
    cells = {p.cell for p in result.problems if p.code == "BB206" and p.file == name}
    assert f"{S.xl_col(drift.index('prognos_prior'))}{r}" in cells


def test_a_large_change_is_measured_against_the_corrected_budget(ws: Path) -> None:
    """BB402 compares with the CSV's budget now, as the draft's change columns do: the
    nämndplan will show the change against the corrected figure, so it needs its
    comment, although the workbook showed a smaller change (docs/validation-rules.md)."""
    before = actions.collect(ws)
    settings = load_settings(ws / "budgetbook.toml")
    by = settings.budget_year
    warned = {(p.file, p.cell) for p in before.problems if p.code == "BB402"}
    sub = before.submissions[0]
    line = next(
        ln
        for ln in sub.drift
        if not ln.comment and ln.amounts.get(by) and (sub.file, f"K{ln.row}") not in warned
    )
    prior = settings.prior.get((line.verksamhet, line.driftpost))
    prognos = prior.prognos if prior else 0
    corrected = 2 * line.amounts[by] + 5000
    _edit_prior_csv(ws, {(line.verksamhet, line.driftpost): (corrected, prognos)})
    if prior is None:  # a line the CSV left out (0): add it
        path = ws / "foregaende_ar.csv"
        text = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(f"{text}\n{line.verksamhet};{line.driftpost};{corrected};0\n", "utf-8")

    after = actions.collect(ws)
    large = [p for p in after.problems if p.code == "BB402" and p.file == sub.file]
    assert any(f"−{line.amounts[by] + 5000:,}".replace(",", "\u00a0") in p.message for p in large)
    assert [p.code for p in after.problems if p.code == "BB506"] == ["BB506"]
