"""QA: the finance officer's second year. Last year's round (the example round, budget
2027) is done; the 2028 round is set up from its settings, and last year's files turn up
where this year's are expected."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from budgetbook import actions, checks, reminders
from budgetbook.cli import main
from budgetbook.errors import WorkspaceError
from budgetbook.example import write_example_returns


@pytest.fixture(scope="module")
def last_year(tmp_path_factory) -> Path:
    """Last year's round, run: settings, templates, returns, outputs."""
    root = tmp_path_factory.mktemp("year_two") / "runda2027"
    actions.demo(root)
    return root


def next_year_settings(last_year: Path, target: Path, round_id: str | None) -> Path:
    """A 2028 workspace with last year's settings, its years moved on by one and, when
    `round_id` is given, a new round id; the ramar, prior-year figures and texts as they
    were (what the officer edits next does not matter here)."""
    actions.init(target)
    text = (last_year / "budgetbook.toml").read_text(encoding="utf-8")
    text = text.replace("budget_year = 2027", "budget_year = 2028")
    text = text.replace("plan_years = [2028, 2029]", "plan_years = [2029, 2030]")
    if round_id is not None:
        text = text.replace('id = "nämndplan-2027"', f'id = "{round_id}"')
    (target / "budgetbook.toml").write_text(text, encoding="utf-8")
    return target


def test_last_year_s_return_with_the_round_id_left_as_it_was_names_both_years(last_year, tmp_path):
    """The officer moved budget_year on but left [round] id = "nämndplan-2027". A 2027
    return in the 2028 inbox was refused with "gäller rundan nämndplan-2027, men årets
    runda är nämndplan-2027, budgetår 2028": the same round named twice, the difference
    (the budget year) on one side only."""
    root = next_year_settings(last_year, tmp_path / "runda2028", round_id=None)
    stale = last_year / "inbox" / "Budget 2027 Personalavdelningen.xlsx"
    shutil.copy2(stale, root / "inbox" / stale.name)
    result = actions.collect(root)
    (problem,) = (p for p in result.problems if p.file == stale.name)
    assert problem.code == "BB105" and problem.avdelning == "PERS"
    assert problem.message == (
        f"Arbetsboken {stale.name} gäller rundan nämndplan-2027, budgetår 2027, men årets "
        "runda är nämndplan-2027, budgetår 2028. Det är förra årets arbetsbok, och den tas "
        "inte med i årets sammanställning. Fyll i årets arbetsbok, Budget_2028_PERS.xlsx, och "
        "skicka in den; ekonomistaben skickar den igen om ni inte har den kvar. Texterna kan "
        "ni kopiera från förra årets fil, men beloppen gäller andra år och ska fyllas i på nytt."
    )


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_init_from_moves_the_round_on_and_leaves_last_year_behind(last_year, tmp_path):
    """Year two without `--from`: the officer copied last year's folder (returns, outputs,
    archive, templates and panel came along and were taken for this year's) or ran
    `init`, which wrote the example kommun's settings, and re-typed their own."""
    before = tree(last_year)
    new = tmp_path / "runda2028"
    result = CliRunner().invoke(main, ["init", str(new), "--from", str(last_year)])
    assert result.exit_code == 0, result.output
    old_text = (last_year / "budgetbook.toml").read_text(encoding="utf-8")
    new_text = (new / "budgetbook.toml").read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(old_text.splitlines(), new_text.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        ('id = "nämndplan-2027"', 'id = "nämndplan-2028"'),
        ("budget_year = 2027", "budget_year = 2028"),
        ("plan_years = [2028, 2029]", "plan_years = [2029, 2030]"),
        ("deadline = 2026-11-20", "deadline = 2027-11-20"),
    ]
    assert tree(new / "texter") == tree(last_year / "texter")
    for folder in ("inbox", "output", "workbook_templates"):
        assert list((new / folder).iterdir()) == []
    assert sorted(p.name for p in new.iterdir()) == [
        "budgetbook.toml", "inbox", "output", "texter", "workbook_templates"
    ]  # fmt: skip
    ram_lines = [n for n, line in enumerate(new_text.splitlines(), 1) if line.startswith("ram = [")]
    assert f"ram under [[avdelningar]], rad {', '.join(map(str, ram_lines[:5]))} … (8 rader)" in (
        result.output
    )
    assert "lägg budget och prognos 2027 per verksamhet och driftpost i foregaende_ar.csv" in (
        result.output
    )
    assert tree(last_year) == before  # last year's workspace is only read
    # until the prior-year figures are there, the next step says what is missing
    result = CliRunner().invoke(main, ["templates", "-w", str(new)])
    assert result.exit_code == 1
    assert "prior.file: filen foregaende_ar.csv finns inte." in result.output


def second_round(last_year: Path, root: Path) -> list[Path]:
    """The 2028 round made with `--from`, its ramar and prior-year figures filled in as
    the finance officer does, and its department workbooks written; the indicator
    values as they were. Returns the workbooks."""
    actions.init_next(root, last_year)
    shutil.copy2(last_year / "foregaende_ar.csv", root / "foregaende_ar.csv")  # the ledger's
    settings = root / "budgetbook.toml"
    text = re.sub(
        r"ram = \[(\d+), (\d+), (\d+)\]",
        lambda m: f"ram = [{m[2]}, {m[3]}, {int(m[3]) + 900}]",
        settings.read_text(encoding="utf-8"),
    )
    settings.write_text(text, encoding="utf-8")
    return actions.templates(root)


def test_the_next_round_runs_once_its_figures_are_in(last_year, tmp_path):
    """The 2028 round made with `--from`, its ramar and prior-year figures filled in:
    templates, returns and a run work as in the first year, and last year's return
    that turns up in this year's inbox is refused, saying which round it is for."""
    root = tmp_path / "runda2028"
    written = second_round(last_year, root)
    assert sorted(p.name for p in written)[0] == "Budget_2028_EKO.xlsx"
    write_example_returns(actions.open_round(root).settings, written, root / "inbox")
    stale = last_year / "inbox" / "Budget 2027 Personalavdelningen.xlsx"
    shutil.copy2(stale, root / "inbox" / stale.name)
    result = actions.run(root)
    assert {s.avdelning: s.file for s in result.collected.statuses}["PERS"] == (
        "Budget 2028 Personalavdelningen.xlsx"
    )
    assert len(result.collected.submissions) == 8
    (refused,) = (p for p in result.collected.problems if p.is_error)
    assert (refused.code, refused.file) == ("BB105", stale.name)
    assert "gäller rundan nämndplan-2027, men årets runda är nämndplan-2028." in refused.message
    assert (root / "output" / "namndplan_2028.docx").exists()


def test_init_from_refuses_settings_whose_years_it_cannot_move(tmp_path):
    """plan_years written over several lines: the round is refused, nothing is made."""
    old = actions.init(tmp_path / "runda2027").root
    settings = old / "budgetbook.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace("plan_years = [2028, 2029]", "plan_years = [\n  2028,\n  2029,\n]"),
        encoding="utf-8",
    )
    with pytest.raises(WorkspaceError, match=r"åren under \[round\] gick inte att flytta fram"):
        actions.init_next(tmp_path / "runda2028", old)
    assert not (tmp_path / "runda2028").exists()


def test_init_from_moves_a_leap_day_deadline_to_the_last_of_february(tmp_path):
    old = actions.init(tmp_path / "runda2027").root
    settings = old / "budgetbook.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("2026-11-20", "2028-02-29"), encoding="utf-8")
    new = actions.init_next(tmp_path / "runda2028", old).workspace
    assert "deadline = 2029-02-28\n" in new.settings_file.read_text(encoding="utf-8")


def test_init_from_copies_the_word_template_and_names_a_shared_prior_file(tmp_path):
    """The kommun's Word template in last year's folder comes along; a prior-year file
    kept outside both folders is read as it is, so the list says it is last year's."""
    old = actions.init(tmp_path / "runda2027").root
    (old / "mall").mkdir()
    template = Path(actions.__file__).parent / "resources" / "namndplan_mall.docx"
    shutil.copy2(template, old / "mall" / "kommun.docx")
    shared = tmp_path / "ekonomi" / "prior.csv"
    shared.parent.mkdir()
    shutil.move(old / "foregaende_ar.csv", shared)
    settings = old / "budgetbook.toml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace('word_template = ""', 'word_template = "mall/kommun.docx"')
    text = text.replace('file = "foregaende_ar.csv"', f"file = '{shared}'")
    settings.write_text(text, encoding="utf-8")
    started = actions.init_next(tmp_path / "runda2028", old)
    new = started.workspace.root
    assert started.copied == [new / "texter", new / "mall" / "kommun.docx"]
    assert (new / "mall" / "kommun.docx").read_bytes() == (
        old / "mall" / "kommun.docx"
    ).read_bytes()
    (prior,) = (t for t in started.todo if t.startswith("Föregående års siffror"))
    assert prior.endswith(
        "Filen som finns där nu är förra årets, med siffrorna för 2026, och används tills "
        "den byts ut."
    )
    assert actions.open_round(new).settings.budget_year == 2028  # it loads as it is


def test_init_from_lists_the_internal_interest_rate_as_last_year_s(tmp_path):
    """Review: the kapitalkostnader of the new round were computed with last year's
    internränta without a word; SKR (or the kommun) sets the rate each year, so the list
    names it beside the ramar, with its line."""
    old = actions.init(tmp_path / "runda2027").root
    started = actions.init_next(tmp_path / "runda2028", old)
    text = started.workspace.settings_file.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("internranta"))
    (item,) = (t for t in started.todo if t.startswith("Internräntan"))
    assert item == (
        "Internräntan är förra årets, 2,5\u00a0%: skriv den ränta som gäller för 2028 (SKR:s "
        f"rekommendation eller kommunens egen) i internranta under [capital], rad {line}."
    )


def test_init_from_names_last_year_s_folder_when_its_settings_cannot_be_read(tmp_path):
    """Review: `init runda2029 --from runda2028` with runda2028's prior-year file not yet
    in place said only "budgetbook.toml, rad 43: prior.file: filen foregaende_ar.csv
    finns inte.", which reads as the new folder's file; the message names last year's."""
    old = actions.init(tmp_path / "runda2028").root
    (old / "foregaende_ar.csv").unlink()
    result = CliRunner().invoke(main, ["init", str(tmp_path / "runda2029"), "--from", str(old)])
    assert result.exit_code == 1
    assert f"Förra årets inställningar ({old / 'budgetbook.toml'}) går inte att läsa" in (
        result.output
    )
    assert "prior.file: filen foregaende_ar.csv finns inte." in result.output
    assert not (tmp_path / "runda2029").exists()


def test_init_from_copies_the_texts_only_when_they_lie_in_the_workspace_folder(last_year, tmp_path):
    """Review: with `[texts] dir = "."` (the nämnd's texts beside budgetbook.toml) the
    "texts folder" copied was last year's whole workspace: its returns, archive, outputs
    and department workbooks came along into the new round. Only the texts the settings
    read (`<dir>/<key>.md`) are copied."""
    old = tmp_path / "runda2027"
    shutil.copytree(last_year, old)
    for text in (old / "texter").glob("*.md"):
        shutil.move(text, old / text.name)
    settings = old / "budgetbook.toml"
    text = settings.read_text(encoding="utf-8").replace('dir = "texter"', 'dir = "."')
    settings.write_text(text, encoding="utf-8")
    started = actions.init_next(tmp_path / "runda2028", old)
    new = started.workspace.root
    for folder in ("inbox", "output", "workbook_templates"):
        assert list((new / folder).iterdir()) == [], folder
    texts = sorted(p.name for p in old.glob("*.md"))
    assert texts and sorted(p.name for p in new.glob("*.md")) == texts
    assert sorted(p.name for p in new.iterdir() if p.is_file()) == sorted(
        ["budgetbook.toml", *texts]
    )
    assert sorted(started.copied) == [new / name for name in texts]
    shutil.copy2(old / "foregaende_ar.csv", new / "foregaende_ar.csv")
    assert actions.open_round(new).settings.texts == actions.open_round(old).settings.texts


def indicator_columns(docx: Path) -> list[list[str]]:
    """The year columns of every indicator table in a Word draft, as the board reads them."""
    tables = Document(str(docx)).tables
    heads = [[c.text for c in table.rows[0].cells] for table in tables]
    return [head[1:-2] for head in heads if head and head[0] == "Indikator"]


def test_indicator_values_left_as_last_year_s_are_named_with_the_years_to_write(
    last_year, tmp_path
):
    """Year two, review: the indicators' `values` in budgetbook.toml were left as last
    year's (2025, 2026). The 2028 draft showed the KF goals' indicators under 2025 and
    2026, the nämndmål's (from the returns) under 2026 and 2027 and the appendix under
    all three, without a word. The collect (and run) warns the office once (BB507),
    naming the years to write; with the values brought up to date the warning goes and
    every table shows 2026 and 2027."""
    root = tmp_path / "runda2028"
    written = second_round(last_year, root)
    write_example_returns(actions.open_round(root).settings, written, root / "inbox")
    result = actions.run(root)
    (found,) = (p for p in result.collected.problems if p.code == "BB507")
    assert (found.severity.value, found.file, found.avdelning) == ("varning", "", "")
    assert found.message == (
        "Indikatorvärdena i budgetbook.toml gäller 2025 och 2026, men budgetåret är 2028: "
        "indikatortabellerna i utkastet ska visa utfallen för 2026 och 2027 och målvärdet. "
        "5 av 5 indikatorer har värden för andra år, till exempel ”Anmälda brott om "
        "skadegörelse, per 1 000 invånare” under mål 1. Skriv in utfallen för 2026 och 2027 "
        "i values (under KF:s mål och nämndmålen) och ta bort de andra åren; annars får "
        "tabellerna kolumner för fel år."
    )
    assert result.collected.valid  # a warning: the round goes on
    draft = root / "output" / "namndplan_2028.docx"
    assert ["2025", "2026"] in indicator_columns(draft)  # what the board would have read
    # the officer types the latest outcomes: this year's two years, last year's second
    settings = root / "budgetbook.toml"
    text = re.sub(
        r'values = \{ 2025 = "[^"]*", 2026 = ("[^"]*") \}',
        r'values = { 2026 = \1, 2027 = "1" }',
        settings.read_text(encoding="utf-8"),
    )
    settings.write_text(text, encoding="utf-8")
    result = actions.run(root)
    assert not [p for p in result.collected.problems if p.code == "BB507"]
    assert {tuple(c) for c in indicator_columns(draft)} == {("2026", "2027")}


def test_indicator_years_of_last_year_s_round_are_no_problem(last_year):
    """The example round's own values (2025, 2026 for budget 2027) fit."""
    assert checks.indicator_year_problems(actions.open_round(last_year).settings) == []


def test_init_from_names_the_indicator_years_to_write(last_year, tmp_path):
    started = actions.init_next(tmp_path / "runda2028", last_year)
    (item,) = (t for t in started.todo if t.startswith("Indikatorernas värden"))
    assert "skriv in utfallen för 2026 och 2027 och ta bort de äldre åren" in item
    assert "(BB507)" in item


@pytest.mark.parametrize(
    ("written", "said"),
    [
        # a TOML date-time: a date to Python, taken without its time, and `init --from`
        # refused it as "not on a line of its own"
        ("deadline = 2027-11-20T12:00:00", "ska vara ett datum utan klockslag: skriv "
         "deadline = 2027-11-20, utan citattecken."),
        ("deadline = 2027-11-20 12:00:00+01:00", "ska vara ett datum utan klockslag: skriv "
         "deadline = 2027-11-20, utan citattecken."),
        ('deadline = "2027-11-20 12:00"', "ska vara ett datum utan klockslag: skriv "
         "deadline = 2027-11-20, utan citattecken."),
        # "ska vara ett datum (ÅÅÅÅ-MM-DD), inte '2027-11-20'": it was one
        ('deadline = "2027-11-20"', "skriv datumet utan citattecken: deadline = 2027-11-20. "
         "Inom citattecken är det en text och inget datum."),
        ('deadline = "20 november 2027"', "ska vara ett datum skrivet ÅÅÅÅ-MM-DD, utan "
         "citattecken: skriv deadline = 2027-11-20, inte '20 november 2027'."),
        ("deadline = 12:00:00", "ska vara ett datum skrivet ÅÅÅÅ-MM-DD, utan citattecken, "
         "t.ex. deadline = 2027-11-20, inte ett klockslag."),
        # not TOML at all (a time needs its seconds): "oväntat innehåll efter värdet"
        ("deadline = 2027-11-20 12:00", "inte giltig TOML: ett datum skrivs utan klockslag i "
         "budgetbook.toml, t.ex. deadline = 2027-11-20."),
    ],
)  # fmt: skip
def test_a_deadline_with_a_time_or_in_quotes_says_what_to_write(last_year, tmp_path, written, said):
    """Year two, review: a deadline with the hour ("at noon") or in quotes."""
    root = tmp_path / "runda2028"
    actions.init_next(root, last_year)
    shutil.copy2(last_year / "foregaende_ar.csv", root / "foregaende_ar.csv")
    settings = root / "budgetbook.toml"
    text = settings.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("deadline ="))
    settings.write_text(text.replace("deadline = 2027-11-20", written), encoding="utf-8")
    for args in (
        ["templates", "-w", str(root)],
        ["init", str(tmp_path / "r2029"), "--from", str(root)],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert f"budgetbook.toml, rad {line}: " in result.output
        assert said in " ".join(result.output.split())
    assert not (tmp_path / "r2029").exists()


@pytest.mark.parametrize(
    ("old_id", "new_id"),
    [("budget", "budget-2028"), ("KS budget", "KS budget 2028"), ("KS 2025", "KS 2025 2028")],
)
def test_init_from_gives_a_round_id_without_the_year_one(tmp_path, old_id, new_id):
    """Review: `id = "budget"` was carried over as it was: two rounds with one id, told
    apart by the workbooks' budget year alone (the panel's round check compares ids).
    The new round's id gets the new budget year, and the list says so first."""
    old = actions.init(tmp_path / "runda2027").root
    settings = old / "budgetbook.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('id = "nämndplan-2027"', f'id = "{old_id}"'), encoding="utf-8")
    started = actions.init_next(tmp_path / "runda2028", old)
    new = started.workspace.root
    shutil.copy2(old / "foregaende_ar.csv", new / "foregaende_ar.csv")
    assert actions.open_round(new).settings.round_id == new_id
    line = next(
        n
        for n, t in enumerate(
            started.workspace.settings_file.read_text(encoding="utf-8").splitlines(), 1
        )
        if t.startswith("id =")
    )
    assert started.todo[0] == (
        f'Rundans id, "{old_id}", nämner inget av förra årets år (2027–2029) och hade blivit '
        f'detsamma i år: den nya rundan heter "{new_id}" (rad {line}). Byt gärna namnet, men '
        "inte till förra årets."
    )


def test_last_year_s_workbook_returned_says_what_to_send_instead(last_year, tmp_path):
    """Year two, review: the head of PERS filled last year's workbook again and sent it.
    BB105 said "Fyll i arbetsboken för rätt runda från ekonomistaben" (which one?), the
    feedback workbook said to correct the errors in "er arbetsbok" and send it again,
    and the Status sheet's e-mail attached that feedback: a marked copy of last year's
    workbook, to be corrected in last year's workbook. Now each names this year's
    workbook, to attach and fill, and says the texts can be copied."""
    root = tmp_path / "runda2028"
    written = second_round(last_year, root)
    write_example_returns(actions.open_round(root).settings, written, root / "inbox")
    (root / "inbox" / "Budget 2028 Personalavdelningen.xlsx").unlink()
    stale = last_year / "inbox" / "Budget 2027 Personalavdelningen.xlsx"
    shutil.copy2(stale, root / "inbox" / stale.name)
    result = actions.collect(root)
    (problem,) = (p for p in result.problems if p.file == stale.name)
    assert problem.code == "BB105"
    assert problem.message.endswith(
        "Det är förra årets arbetsbok, och den tas inte med i årets sammanställning. Fyll i "
        "årets arbetsbok, Budget_2028_PERS.xlsx, och skicka in den; ekonomistaben skickar den "
        "igen om ni inte har den kvar. Texterna kan ni kopiera från förra årets fil, men "
        "beloppen gäller andra år och ska fyllas i på nytt."
    )
    feedback = openpyxl.load_workbook(
        root / "output" / "aterkoppling" / "aterkoppling_PERS_2028.xlsx"
    )
    assert feedback["Återkoppling"]["A2"].value == (
        "Inlämningen kan inte godkännas: arbetsboken är inte årets. Fyll i årets arbetsbok, "
        "som meddelandet nedan säger, och skicka in den."
    )
    status = openpyxl.load_workbook(root / "output" / "inlamningskontroll_2028.xlsx")["Status"]
    (cell,) = (
        c
        for row in status.iter_rows()
        for c in row
        if c.hyperlink and "mailto:" in c.hyperlink.target
    )
    assert cell.value == "Mejla, bifoga Budget_2028_PERS.xlsx"
    body = unquote(cell.hyperlink.target.split("body=", 1)[1]).replace("\r\n", "\n")
    assert (
        "Tack för filen Budget 2027 Personalavdelningen.xlsx. Den är inte årets arbetsbok för "
        "kommunstyrelsens nämndplan 2028 och kan därför inte tas med.\n\nJag bifogar årets "
        "arbetsbok, Budget_2028_PERS.xlsx. Fyll i den och skicka den till "
        "eva.ekstrom@exempelkommun.se. Texterna kan ni kopiera från den gamla filen; beloppen "
        "ska fyllas i för årets år, 2028–2030."
    ) in body
    assert "aterkoppling" not in body
    # the control workbook's Påminnelser table links the short one: the same request
    (pers,) = (s for s in result.statuses if s.file == stale.name)
    short = reminders.short_reminder(
        actions.open_round(root).settings, pers, result.problems, feedback=True
    )
    assert short is not None
    assert short.subject == "Nämndplan 2028: arbetsboken från Personalavdelningen är inte årets"
    assert "Fyll i årets arbetsbok, Budget_2028_PERS.xlsx, och skicka den." in short.body
