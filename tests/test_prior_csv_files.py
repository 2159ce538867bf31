"""The prior-year CSV as a finance officer gets it: saved from Swedish Excel (Windows-1252,
semicolons or tabs, non-breaking spaces between thousands), from Excel's "CSV UTF-8" and
"Unicode-text", or exported by a ledger with a `sep=;` line for Excel. Each file is
written byte for byte as that program writes it, and must give the same figures, traced
to the same lines, as the plain UTF-8 file `budgetbook init` writes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from budgetbook import actions
from budgetbook.errors import SettingsError
from budgetbook.fmt import tkr
from budgetbook.settings import load_settings
from budgetbook.workspace import example_resources, init_workspace

# The example's driftposter by the names the ledger and the template use (å, ä, ö).
NAMES = {
    "intakter": "Intäkter",
    "personal": "Personalkostnader",
    "lokaler": "Lokalkostnader",
    "tjanster": "Köp av tjänster och verksamhet",
    "material": "Material och övriga kostnader",
    "bidrag": "Lämnade bidrag",
    "kapital": "Kapitalkostnader",
}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(example_resources(), tmp_path, dirs_exist_ok=True)
    return tmp_path


def _rows(workspace: Path) -> list[list[str]]:
    """The example file's rows, as a sheet shows them: a capitalised header, each
    driftpost by its name, amounts with Swedish thousands separators (a non-breaking
    space, Windows' digit grouping for sv-SE)."""
    lines = (workspace / "foregaende_ar.csv").read_text(encoding="utf-8").splitlines()
    rows = [["Verksamhet", "Driftpost", "Budget", "Prognos"]]
    for line in lines[1:]:
        v, d, budget, prognos = line.split(";")
        rows.append([v, NAMES[d], f"{int(budget):,}", f"{int(prognos):,}"])
    return [[cell.replace(",", "\u00a0") for cell in row] for row in rows]


def _save(workspace: Path, rows: list[list[str]], sep: str, encoding: str, first: str = "") -> Path:
    """Write the rows as Excel (or a ledger) saves them: CRLF after every line, the
    separator between cells, in `encoding` ("utf-8-sig" is Excel's "CSV UTF-8", with
    its byte order mark; "utf-16" Python writes with one, as Excel's "Unicode-text")."""
    text = first + "".join(sep.join(row) + "\r\n" for row in rows)
    file = workspace / "foregaende_ar.csv"
    file.write_bytes(text.encode(encoding))
    return file


def _figures(workspace: Path) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {k: tuple(v) for k, v in load_settings(workspace).prior.items()}


@pytest.mark.parametrize(
    ("sep", "encoding"),
    [
        (";", "cp1252"),  # Swedish Excel's "CSV (semikolonavgränsad)": the default
        ("\t", "cp1252"),  # "Text (tabbavgränsad)", or a copy of the cells into Notepad
        ("\t", "utf-16"),  # "Unicode-text"
        (";", "utf-8-sig"),  # "CSV UTF-8"
        ("\t", "utf-8"),  # a copy of the cells into Notepad, saved as UTF-8
    ],
)
def test_prior_file_as_swedish_excel_saves_it(workspace: Path, sep: str, encoding: str) -> None:
    """Swedish Excel saves "CSV (semikolonavgränsad)" in Windows-1252, not UTF-8: the
    file was refused ("inte sparad som UTF-8") at its first å, ä or ö, and a
    tab-separated one ("första raden ska ha kolumnerna …, men har verksamhet\tdriftpost…")."""
    plain = _figures(workspace)
    file = _save(workspace, _rows(workspace), sep, encoding)
    assert b"\xe4" in file.read_bytes() or encoding != "cp1252"  # "Intäkter" as cp1252
    assert _figures(workspace) == plain


def test_a_sep_line_is_read_and_lines_are_still_the_files(workspace: Path) -> None:
    """A `sep=;` first line (ledger exports write it so that Excel opens the file in
    columns whatever the PC's list separator) was taken for the header. Every row is
    still traced to its own line in the file, one below where it was without it."""
    plain, rows = _figures(workspace), _rows(workspace)
    for sep in (";", ",", "\t"):
        _save(workspace, rows, sep, "cp1252", first=f"sep={sep}\r\n")
        assert _figures(workspace) == {k: (b, p, line + 1) for k, (b, p, line) in plain.items()}
    # an error names the line a text editor shows (the sep line is line 1)
    rows[3][0] = "9999"
    _save(workspace, rows, ";", "cp1252", first="sep=;\r\n")
    with pytest.raises(SettingsError, match=r"foregaende_ar.csv, rad 5: .*okänd verksamhet '9999'"):
        load_settings(workspace)
    # and it says which codes the file may have (new-kommun audit: "okänd verksamhet
    # '0401'" said nothing of [[verksamheter]], nor of the zero a ledger put before it)
    rows[3][0] = "1111"
    _save(workspace, rows, ";", "cp1252")
    with pytest.raises(SettingsError) as info:
        load_settings(workspace)
    assert str(info.value).endswith(
        "i budgetbook.toml (1100, 1200, 1300, 1400, 1410, 1420, "
        "1500, 1510, 1600, 1610, 1700, 1710, 1800)."
    )
    # a header that is still wrong is named as the second line
    _save(workspace, [["Verksamhet", "Konto", "Budget", "Prognos"]], ";", "cp1252", "SEP=;\r\n")
    with pytest.raises(SettingsError, match="andra raden ska ha kolumnerna") as info:
        load_settings(workspace)
    # review: the header was quoted lower-cased ("men har verksamhet;konto;…")
    assert str(info.value).endswith("men har Verksamhet;Konto;Budget;Prognos.")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_unicode_minus_is_a_minus(workspace: Path, encoding: str) -> None:
    """Windows' Swedish regional settings write negative numbers with U+2212 (−), not
    the hyphen (-): Excel's "CSV UTF-8" keeps it, and the row was refused ("budget och
    prognos ska vara heltal i tkr"). On a line that takes negative amounts."""
    _allow_negative(workspace, "Personalkostnader")
    rows = _rows(workspace)
    rows[2][2:] = ["\u22121\u00a0200", "\u221240"]
    _save(workspace, rows, ";", encoding)
    budget, prognos, line = load_settings(workspace).prior[("1100", "personal")]
    assert (budget, prognos, line) == (-1200, -40, 3)


def _allow_negative(workspace: Path, name: str) -> None:
    toml = workspace / "budgetbook.toml"
    text = toml.read_text(encoding="utf-8")
    old = f'name = "{name}"\nkind = "'
    assert old in text
    toml.write_text(text.replace(old, f"allow_negative = true\n{old}"), encoding="utf-8")


@pytest.mark.parametrize(
    ("column", "encoding", "written"),
    [
        ("Budget", "cp1252", "-1 500"),
        ("Prognos", "utf-8-sig", "\u22121\u00a0500"),
        # regression (review): an empty budget beside it was named, "Budget är negativ ()"
        ("Prognos", "", "-1500"),
    ],
)
def test_a_negative_amount_is_refused_on_a_line_that_takes_none(
    workspace: Path, column: str, encoding: str, written: str
) -> None:
    """The file has revenue and costs as positive amounts. A ledger export has revenue
    with a minus sign, and it was read as it was: the prior-year net cost grew by twice
    the revenue, and every change against it was wrong, silently (new-kommun audit).
    The line, the column, the figure as written and the driftpost are named, and what
    to do."""
    rows = _rows(workspace)
    assert rows[1][:2] == ["1100", "Intäkter"]
    rows[1][2 if column == "Budget" else 3] = written
    if not encoding:
        rows[1][2], encoding = "", "utf-8"
    _save(workspace, rows, ";", encoding)
    with pytest.raises(SettingsError) as info:
        load_settings(workspace)
    message = str(info.value)
    assert message.startswith("foregaende_ar.csv, rad 2:"), message
    assert f"{column} är negativ ({written}) för Intäkter" in message
    assert "Byt tecken" in message and "allow_negative = true" in message
    # a line that takes negative amounts takes them here too
    _allow_negative(workspace, "Intäkter")
    figures = _figures(workspace)[("1100", "intakter")][:2]
    assert figures == ((-1500, 0) if column == "Budget" else (0, -1500))


@pytest.mark.parametrize("budget", ["31\u00a0200,4", "31200,00", "31200.5"])
def test_an_amount_with_decimals_is_refused_with_how_to_round_it(
    workspace: Path, budget: str
) -> None:
    """Amounts are whole tkr (the decided budget is). A figure with decimals is refused,
    naming the column, the figure as written and how to round it in Excel; it used to
    say only "budget och prognos ska vara heltal i tkr"."""
    rows = _rows(workspace)
    rows[2][2] = budget
    _save(workspace, rows, ";", "cp1252")
    with pytest.raises(SettingsError) as info:
        load_settings(workspace)
    message = str(info.value)
    assert message.startswith("foregaende_ar.csv, rad 3: ")
    assert f"Budget har decimaler ({budget})" in message
    assert "hela tkr" in message and "Minska decimaler" in message


def test_an_amount_that_is_no_number_is_named(workspace: Path) -> None:
    rows = _rows(workspace)
    rows[4][3] = "ca 2100"
    _save(workspace, rows, ";", "cp1252")
    with pytest.raises(SettingsError) as info:
        load_settings(workspace)
    assert str(info.value) == (
        "foregaende_ar.csv, rad 5: Prognos ska vara ett heltal i tkr, inte 'ca 2100'."
    )


def test_a_decimal_comma_in_a_comma_separated_file_is_refused(workspace: Path) -> None:
    """Review: "1100,personal,31200,5,29520" read as budget 31 200, prognos 5 without a
    word: the decimal comma split the budget in two fields, and the extra field was
    dropped. A row with more filled fields than the header is refused, with its line."""
    lines = (workspace / "foregaende_ar.csv").read_text(encoding="utf-8").splitlines()
    rows = [line.replace(";", ",") for line in lines]
    v, d, budget, prognos = rows[2].split(",")
    rows[2] = ",".join([v, d, budget, "5", prognos])
    (workspace / "foregaende_ar.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(workspace)
    message = str(info.value)
    assert message.startswith("foregaende_ar.csv, rad 3: ")
    assert "fler fält än rubrikraden" in message and "decimal" in message


def test_a_file_in_neither_utf8_nor_windows_1252_is_still_refused_with_its_line(
    workspace: Path,
) -> None:
    """Bytes that Windows-1252 does not define (0x81: "ü" in the old DOS code page 850)
    are no Excel file: refused with the line, as before."""
    file = _save(workspace, _rows(workspace), ";", "cp1252")
    file.write_bytes(file.read_bytes().replace(b"Personalkostnader", b"Personal\x81", 1))
    with pytest.raises(SettingsError) as info:
        load_settings(workspace)
    assert str(info.value).startswith("foregaende_ar.csv, rad 3: ")
    assert "CSV UTF-8" in str(info.value)


def test_cached_settings_read_a_windows_1252_prior_file(workspace: Path) -> None:
    """The cached entry read the prior-year file back as UTF-8 only: with an Excel
    file in Windows-1252 it never applied, and every command parsed the settings again."""
    from budgetbook import settings_cache
    from budgetbook.settings_load import load_settings_and_inputs

    _save(workspace, _rows(workspace), ";", "cp1252", first="sep=;\r\n")
    folder = workspace / "output" / "arkiv"
    folder.mkdir(parents=True)
    parsed, _ = load_settings_and_inputs(workspace, cache_dir=folder)
    key = json.loads((folder / settings_cache.CACHE_FILE).read_text(encoding="utf-8"))["key"]
    cached = settings_cache.read(folder, key)
    assert cached is not None and cached[0] == parsed


@pytest.mark.slow
def test_kallor_traces_an_excel_files_figures_to_its_lines(tmp_path: Path) -> None:
    """The whole round with the prior-year file as Swedish Excel saved it after a ledger
    export (Windows-1252, a sep line, names, thousands separators): Källor names the
    file's own lines, which hold the figures shown."""
    ws = init_workspace(tmp_path / "ws")
    inbox = Path(__file__).resolve().parents[1] / "inbox"
    for f in sorted(inbox.glob("*.xlsx")):
        shutil.copyfile(f, ws.inbox / f.name)
    actions.run(ws.root)
    before = _kallor_prior(ws.output / "konsolidering_2027.xlsx")
    _save(ws.root, _rows(ws.root), ";", "cp1252", first="sep=;\r\n")
    actions.run(ws.root)
    after = _kallor_prior(ws.output / "konsolidering_2027.xlsx")
    assert after == [(what, [n + 1 for n in lines]) for what, lines in before]
    lines = (ws.root / "foregaende_ar.csv").read_bytes().decode("cp1252").split("\r\n")
    named = {n for _, ns in after for n in ns}
    assert lines[0] == "sep=;" and 1 not in named and 2 not in named
    assert all(lines[n - 1].split(";")[1] in NAMES.values() for n in named)


def _kallor_prior(book: Path) -> list[tuple[str, list[int]]]:
    """Källor's rows that name the prior-year file: what, and the lines named."""
    wb = openpyxl.load_workbook(book, read_only=True)
    found = []
    for row in wb["Källor"].iter_rows(min_row=5, values_only=True):
        if row[5] == "foregaende_ar.csv":
            found.append((str(row[:5]), _numbers(str(row[7]))))
    assert found
    return found


def _numbers(cells: str) -> list[int]:
    """Källor's cell "rad 3, rad 5–7" as [3, 5, 6, 7]."""
    out: list[int] = []
    for part in cells.split(", "):
        first, _, last = part.removeprefix("rad ").partition("\u2013")
        out += range(int(first), int(last or first) + 1)
    return out


def _code_line(workspace: Path, code: str) -> int:
    text = (workspace / "budgetbook.toml").read_text(encoding="utf-8")
    return text.splitlines().index(f'code = "{code}"') + 1


@pytest.mark.parametrize(("ours", "theirs"), [("0401", "401"), ("401", "0401")])
def test_a_code_that_lost_or_gained_a_leading_zero_says_what_happened(
    workspace: Path, ours: str, theirs: str
) -> None:
    """Gap 1: settings "0401" and a file Excel saved as "401" said only "okänd
    verksamhet '401'" and listed the codes; the other way round it said to write the
    code without zeros, not why they differ. Both now say that Excel drops a number's
    leading zeros, where the code is written, and what to do."""
    settings = workspace / "budgetbook.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('code = "1100"', f'code = "{ours}"'),
        encoding="utf-8",
    )
    rows = _rows(workspace)
    for row in rows:
        row[0] = theirs if row[0] == "1100" else row[0]
    _save(workspace, rows, ";", "cp1252")
    with pytest.raises(SettingsError) as info:
        load_settings(workspace)
    message = str(info.value)
    assert message.startswith(f"foregaende_ar.csv, rad 2: verksamhet: okänd verksamhet '{theirs}'")
    assert f"'{ours}' (budgetbook.toml, rad {_code_line(workspace, ours)})" in message
    assert "Excel tar bort nollor" in message
    if ours == "0401":  # the file lost it: save it again with the zero
        assert "Formatera celler" in message and "0000" in message
    else:  # the settings lost it: write the code as the ledger does
        assert 'code = "0401"' in message


@pytest.mark.parametrize("state", ["no workspace", "before templates", "templates", "returns"])
def test_a_code_that_lost_its_zero_mid_round_is_corrected_in_the_file(
    tmp_path: Path, state: str
) -> None:
    """Review: settings "401", a new ledger export "0401" (the prognos after a
    delårsrapport). The advice was to write code = "0401"; once the workbooks were
    written with "401", every return's verksamhet would then be unknown. Then the
    file's code is to be corrected; where the loader cannot tell, both are said."""
    if state == "no workspace":  # the settings in a folder of their own
        shutil.copytree(example_resources(), tmp_path, dirs_exist_ok=True)
        root = tmp_path
    else:
        root = init_workspace(tmp_path / "runda").root
    settings = root / "budgetbook.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('code = "1100"', 'code = "401"'),
        encoding="utf-8",
    )
    rows = _rows(root)
    for row in rows:
        row[0] = "401" if row[0] == "1100" else row[0]
    _save(root, rows, ";", "cp1252")
    if state in ("templates", "returns"):
        written = actions.templates(root)
        if state == "returns":  # one returned, the templates cleared away
            shutil.copyfile(written[0], root / "inbox" / "Budget 2027 FMO.xlsx")
            for file in written:
                file.unlink()
    for row in rows:
        row[0] = "0401" if row[0] == "401" else row[0]
    _save(root, rows, ";", "cp1252")
    with pytest.raises(SettingsError) as info:
        load_settings(root)
    message = str(info.value)
    assert message.startswith("foregaende_ar.csv, rad 2: verksamhet: okänd verksamhet '0401'")
    assert "Excel tar bort nollor" in message
    fix_file = "rätta i stället koden i foregaende_ar.csv, skriv 401 i kolumnen Verksamhet"
    if state == "no workspace":
        assert 'code = "0401"' in message
        assert f"Om arbetsböckerna redan har skickats ut: {fix_file}" in message
    elif state == "before templates":
        assert message.endswith('inom citattecken: code = "0401".'), message
        assert "arbetsböckerna" not in message
    else:
        assert "Arbetsböckerna har redan skapats med koden '401', så ändra inte code" in message
        assert "rätta koden i foregaende_ar.csv: skriv 401 i kolumnen Verksamhet" in message
        # and if they have not gone out yet, the settings may still be corrected
        assert 'code = "0401", och skapa dem igen med budgetbook templates' in message


@pytest.mark.parametrize("which", ["ram", "file"])
def test_a_ram_or_a_prior_file_in_kronor_is_refused(workspace: Path, which: str) -> None:
    """Settings audit: the ramar typed in kronor (47200000 for 47 200 tkr), or the
    ledger's file exported in kronor, were taken as tkr without a word: every
    department head got a ram or prior-year figures a thousand times too large."""
    settings = workspace / "budgetbook.toml"
    rows = _rows(workspace)
    if which == "ram":
        text = settings.read_text(encoding="utf-8")
        text = text.replace("ram = [47200, 48100, 49000]", "ram = [47200000, 48100000, 49000000]")
        settings.write_text(text, encoding="utf-8")
    else:  # the file in kronor, as a ledger exports it
        for row in rows[1:]:
            row[2:] = [f"{int(x.replace(NBSP, '')) * 1000:,}".replace(",", NBSP) for x in row[2:]]
    _save(workspace, rows, ";", "cp1252")
    with pytest.raises(SettingsError) as info:
        load_settings(workspace)
    message = str(info.value)
    lines = settings.read_text(encoding="utf-8").splitlines()
    assert "foregaende_ar.csv" in message and "gånger" in message
    if which == "ram":  # named at the ram, with the ram in tkr
        line = lines.index("ram = [47200000, 48100000, 49000000]") + 1
        assert message.startswith(f"budgetbook.toml, rad {line}: avdelningar[1].ram: "), message
        assert "Är ramarna, eller en av dem, skrivna i kronor?" in message
        assert "Störst är ramen för Förtroendemannaorganisationen (FMO)" in message
        assert "47\u00a0200\u00a0000 kronor är 47\u00a0200 tkr" in message
        assert "Är filen i kronor?" not in message
    else:  # named at [prior] file, for the whole round, with no word of the ramar's unit
        line = next(n for n, text in enumerate(lines, 1) if text.startswith("file = "))
        assert message.startswith(f"budgetbook.toml, rad {line}: prior.file: "), message
        assert "Är filen i kronor?" in message and "exportera den i tkr" in message
        assert "skrivna i kronor?" not in message


def test_a_reserve_far_above_its_prior_costs_is_no_kronor(workspace: Path) -> None:
    """Second review: the kommunstyrelse's reserve (1200), its prior-year budget revised
    during the year down to 120 tkr of costs, gets a ram of 40 000 tkr for 2027: 333
    times its costs, refused as a ram in kronor when judged per avdelning. A ram may be
    far above what its avdelning spent (a reserve, a reorganisation, a new task); all
    the ramar together are below the round's costs."""
    rows = _rows(workspace)
    for r in rows:
        if r[0] == "1200" and r[1] == NAMES["material"]:
            r[2] = "120"
    _save(workspace, rows, ";", "cp1252")
    settings = load_settings(workspace)
    assert settings.prior_net("1200", "budget") == 120
    assert settings.avdelning("RES").ram[2027] == 40000


AVDELNINGAR = ("FMO", "RES", "KDIR", "SPL", "PERS", "EKO", "PORT", "GEM")  # the example's


@pytest.mark.parametrize("code", AVDELNINGAR)
def test_one_ram_in_kronor_among_ramar_in_tkr_is_refused(workspace: Path, code: str) -> None:
    """One avdelning's ram typed in kronor among seven in tkr makes all the ramar many
    times the round's prior-year costs: refused, named at that ram, even for the
    smallest (Personalavdelningen, 15 300 tkr, about 4 % of the costs)."""
    settings = workspace / "budgetbook.toml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    at = lines.index(f'code = "{code}"')
    line = next(n for n in range(at, len(lines)) if lines[n].startswith("ram = "))
    ramar = [int(x) for x in re.findall(r"\d+", lines[line])]
    lines[line] = f"ram = [{', '.join(str(x * 1000) for x in ramar)}]"
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(workspace)
    message = str(info.value)
    i = AVDELNINGAR.index(code) + 1  # counted from 1, as the file's reader counts
    assert message.startswith(f"budgetbook.toml, rad {line + 1}: avdelningar[{i}].ram: "), message
    assert f"({code}), {tkr(ramar[0] * 1000)}." in message
    assert f"{tkr(ramar[0] * 1000)} kronor är {tkr(ramar[0])} tkr" in message
    assert "skriv ramarna i tkr (50 miljoner kronor är 50000)" in message


def test_a_prior_file_of_part_of_the_round_is_no_kronor(workspace: Path) -> None:
    """A file with only Personalavdelningen's verksamheter (the ledger export of one
    avdelning, the rest to come), its personnel costs 2 900 tkr last year: all the
    ramar together are 28 times its costs, but the other avdelningar's ramar have no
    costs to be judged by (as a new verksamhet's), and PERS's own is 1.25 times them."""
    rows = [r for r in _rows(workspace) if r[0] in ("Verksamhet", "1500", "1510")]
    for r in rows:
        if r[:2] == ["1500", NAMES["personal"]]:
            r[2] = "2\u00a0900"
    _save(workspace, rows, ";", "cp1252")
    settings = load_settings(workspace)
    assert settings.prior_net("1100", "budget") == 0
    assert settings.prior_net("1500", "budget") == 2900 + 900 + 3100 + 332 - 2400


def test_a_prior_file_without_costs_is_no_kronor(workspace: Path) -> None:
    """A file with every budget 0 (a new nämnd, or a file with only the prognos yet)
    says nothing of the ramar's unit: any ram is infinitely many times its costs."""
    rows = _rows(workspace)
    for r in rows[1:]:
        r[2] = "0"
    _save(workspace, rows, ";", "cp1252")
    assert load_settings(workspace).avdelning("GEM").ram[2027] == 99100


def test_a_prior_figure_far_below_the_ram_of_a_new_verksamhet_is_no_kronor(
    workspace: Path,
) -> None:
    """A verksamhet without prior-year rows (new this year) is no sign of kronor."""
    rows = [r for r in _rows(workspace) if r[0] != "1100"]
    _save(workspace, rows, ";", "cp1252")
    assert load_settings(workspace).avdelning("FMO").ram[2027] == 47200


def test_an_avdelning_that_took_over_a_verksamhet_is_no_kronor(workspace: Path) -> None:
    """EKO takes over 1600 this year (no prior-year rows) beside 1610, whose prior-year
    net budget is 50 tkr: its ram of 18 600 tkr is 372 times that, and was refused as
    kronor. The ramar are judged for the round, not per avdelning, and an avdelning with
    a verksamhet new to it is left out."""
    rows = [r for r in _rows(workspace) if r[0] != "1600"]
    _net_50_for_1610(rows)
    _save(workspace, rows, ";", "cp1252")
    settings = load_settings(workspace)
    assert settings.prior_net("1610", "budget") == 50
    assert settings.avdelning("EKO").ram[2027] == 18600


def _net_50_for_1610(rows: list[list[str]]) -> None:
    """Lokalförsörjning (1610) financed by its rents: costs 41 200, revenue 41 150."""
    for r in rows:
        if r[0] == "1610" and r[1] == NAMES["intakter"]:
            r[2] = "41\u00a0150"


def _ram(workspace: Path, old: str, new: str) -> None:
    settings = workspace / "budgetbook.toml"
    text = settings.read_text(encoding="utf-8")
    assert old in text
    settings.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_unit_financed_by_internal_charges_is_no_kronor(workspace: Path) -> None:
    """Review: Lokalförsörjning (1610), financed by the rents it charges, becomes an
    avdelning of its own with a ram of 15 000 tkr. Its prior-year net budget is 50 tkr
    (costs 41 200, revenue 41 150): 300 times that was refused as a ram in kronor.
    The ramar are judged against the round's costs, revenue left out."""
    _ram(
        workspace,
        '[[verksamheter]]\ncode = "1100"',
        '[[avdelningar]]\ncode = "LOK"\nname = "Lokalförsörjning"\n'
        "ram = [15000, 15000, 15000]\n\n"
        '[[verksamheter]]\ncode = "1100"',
    )
    _ram(
        workspace,
        'code = "1610"\nname = "Lokalförsörjning"\navdelning = "EKO"',
        'code = "1610"\nname = "Lokalförsörjning"\navdelning = "LOK"',
    )
    rows = _rows(workspace)
    _net_50_for_1610(rows)
    _save(workspace, rows, ";", "cp1252")
    settings = load_settings(workspace)
    assert settings.prior_net("1610", "budget") == 50
    assert settings.avdelning("LOK").ram[2027] == 15000


def test_a_ram_cut_to_almost_nothing_is_no_kronor(workspace: Path) -> None:
    """Review: the reserve (1200, prior-year budget 49 500 tkr) is cut to 150 tkr for
    2027. The prior-year budget 330 times the ram was refused as a file in kronor; a
    ram may be cut, and a file in kronor is judged against all the ramar."""
    _ram(workspace, "ram = [40000, 40000, 40000]", "ram = [150, 40000, 40000]")
    settings = load_settings(workspace)
    assert settings.prior_net("1200", "budget") == 49500
    assert settings.avdelning("RES").ram[2027] == 150


def test_a_nämnd_financed_by_charges_is_no_prior_file_in_kronor(workspace: Path) -> None:
    """A nämnd whose costs are almost all charged to others (a servicenämnd) has ramar
    near 0 beside its costs: the costs alone, ~2 500 times the ramar, are no sign of a
    file in kronor while its net budget is as small as the ramar."""
    rows = _rows(workspace)
    costs: dict[str, int] = {}
    for r in rows[1:]:
        if r[1] != NAMES["intakter"]:
            costs[r[0]] = costs.get(r[0], 0) + int(r[2].replace(NBSP, ""))
    for r in rows[1:]:
        if r[1] == NAMES["intakter"]:
            r[2] = str(costs[r[0]] - 1)  # net 1 tkr each
    _save(workspace, rows, ";", "cp1252")
    settings = workspace / "budgetbook.toml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"ram = \[\d+, \d+, \d+\]", "ram = [20, 20, 20]", text)
    settings.write_text(text, encoding="utf-8")
    loaded = load_settings(workspace)
    assert sum(a.ram[2027] for a in loaded.avdelningar) == 160
    assert sum(loaded.prior_net(v.code, "budget") for v in loaded.verksamheter) == 13


NBSP = "\u00a0"


def _small_avdelning(workspace: Path, ram: int) -> None:
    """An Överförmyndare of its own, 3 000 tkr of prior-year costs (under 1 % of the
    kommunstyrelse's), with `ram` for each year."""
    _ram(
        workspace,
        '[[verksamheter]]\ncode = "1100"',
        f'[[avdelningar]]\ncode = "OF"\nname = "Överförmyndare"\nram = [{ram}, {ram}, {ram}]\n\n'
        '[[verksamheter]]\ncode = "1900"\nname = "Överförmyndare"\navdelning = "OF"\n\n'
        '[[verksamheter]]\ncode = "1100"',
    )
    rows = _rows(workspace)
    rows += [["1900", NAMES["personal"], "2\u00a0400", "2\u00a0400"]]
    rows += [["1900", NAMES["material"], "600", "600"]]
    _save(workspace, rows, ";", "cp1252")


def test_a_small_avdelning_s_ram_in_kronor_is_refused(workspace: Path) -> None:
    """Review: judged round-wide at 20 times, a ram in kronor of an avdelning under 2 %
    of the costs (an överförmyndare, a valnämnd) went through: 3 000 000 for 3 000 tkr."""
    _small_avdelning(workspace, 3000)
    assert load_settings(workspace).avdelning("OF").ram[2027] == 3000
    _ram(workspace, "ram = [3000, 3000, 3000]", "ram = [3000000, 3000000, 3000000]")
    with pytest.raises(SettingsError) as info:
        load_settings(workspace)
    message = str(info.value)
    assert ": avdelningar[9].ram: ramarna för 2027, sammanlagt 3\u00a0339\u00a0500 tkr" in message
    assert "Störst är ramen för Överförmyndare (OF), 3\u00a0000\u00a0000." in message


def test_a_file_of_a_few_avdelningar_judges_no_ram(workspace: Path) -> None:
    """Review: a file with only the reserve's rows (the rest to come), its costs revised
    to 120 tkr: judged on it alone, its ram of 40 000 tkr was refused as kronor, with the
    advice to write 40. The avdelningar with costs in the file are too few of the
    ramar to judge them by."""
    rows = [r for r in _rows(workspace) if r[0] in ("Verksamhet", "1200")]
    for r in rows[1:]:
        r[2] = "120" if r[1] == NAMES["material"] else "0"
    _save(workspace, rows, ";", "cp1252")
    settings = load_settings(workspace)
    assert settings.prior_net("1200", "budget") == 120
    assert settings.avdelning("RES").ram[2027] == 40000
