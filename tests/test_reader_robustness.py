"""Hostile or broken returns found in review: each is a finding for its file or cell,
never a crash, a hang or a run out of memory."""

from __future__ import annotations

import pickle
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from budgetbook import collect, read_cache, safety
from budgetbook import rules as R
from budgetbook import schema as S
from budgetbook import sheet_extent as extent
from budgetbook.reader import read_return
from budgetbook.reader_parts import parse_amount
from robust_builders import (
    edit_sheet_xml,
    far_cell,
    set_cell_xml,
    sheet_member,
    wide_row_without_refs,
)
from wb_builders import round_files


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    return round_files(tmp_path_factory.mktemp("robust"))


def codes(problems) -> list[str]:
    return [p.code for p in problems]


# --- 1. a single far-away cell must not make the reader build a giant grid ------------


def test_precheck_measures_the_real_extent_not_the_declared_one(rnd, tmp_path: Path) -> None:
    src = rnd[3][0]
    bomb = edit_sheet_xml(src, tmp_path / "stor.xlsx", "Drift", far_cell("ZZ150000"))
    result = safety.precheck(bomb)
    assert not result.ok and codes(result.problems) == ["BB108"]
    assert "rad 150000" in result.problems[0].message


def test_precheck_counts_rows_and_cells_without_references(rnd, tmp_path: Path) -> None:
    src = rnd[3][0]
    wide = edit_sheet_xml(src, tmp_path / "bred.xlsx", "Drift", wide_row_without_refs(5000, 800))
    assert codes(safety.precheck(wide).problems) == ["BB108"]


def test_precheck_passes_every_example_return(rnd) -> None:
    for path in rnd[3]:
        result = safety.precheck(path)
        assert result.ok and result.problems == [], path.name


def test_extent_of_an_ordinary_sheet(rnd, tmp_path: Path) -> None:
    src = rnd[3][0]
    edited = edit_sheet_xml(src, tmp_path / "en.xlsx", "Drift", far_cell("Q90", dimension="A1"))
    member = sheet_member(edited.read_bytes(), "Drift")
    with zipfile.ZipFile(edited) as zf:
        assert extent.sheet_extent(zf, zf.getinfo(member)) == (90, 17)


def test_reader_refuses_a_sheet_beyond_the_limits(
    rnd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader is also called without the pre-check (history); it checks again.
    settings, schema, _, returns = rnd
    monkeypatch.setattr(safety, "MAX_SHEET_CELLS", 20_000)
    bomb = edit_sheet_xml(returns[0], tmp_path / "stor.xlsx", "Drift", far_cell("Z2000"))
    result = read_return(bomb, settings, schema)
    assert "BB108" in codes(result.problems)
    assert any("Z2000" in p.message for p in result.problems)


class _Panic(BaseException):
    """Stands in for pyo3's PanicException: a BaseException, not an Exception."""


class _PanickingPath(type(Path())):
    def __fspath__(self) -> str:
        raise _Panic("called `Result::unwrap()` on an `Err` value")


def test_a_panic_while_reading_is_a_problem_for_that_file(rnd) -> None:
    settings, schema, _, returns = rnd
    job = collect.ReadJob(_PanickingPath(returns[0]), "panik.xlsx", settings, schema)
    outcome = collect.read_one(job)
    assert codes(outcome.problems) == ["BB100"]
    assert "called" not in outcome.problems[0].message


def test_keyboard_interrupt_is_not_swallowed(rnd) -> None:
    class _Interrupting(type(Path())):
        def __fspath__(self) -> str:
            raise KeyboardInterrupt

    settings, schema, _, returns = rnd
    with pytest.raises(KeyboardInterrupt):
        collect.read_one(collect.ReadJob(_Interrupting(returns[0]), "x.xlsx", settings, schema))


# --- 2. one absurd number is a BB301 at its cell, not a broken file -------------------


@pytest.mark.parametrize("value", ["1e400", "-1e400", "NaN", "1e15", "-2e13"])
def test_infinite_nan_or_absurd_number_is_not_a_number_at_its_cell(
    rnd, tmp_path: Path, value: str
) -> None:
    settings, schema, _, returns = rnd
    src = returns[3]  # SPL
    bad = edit_sheet_xml(
        src, tmp_path / "tal.xlsx", "Drift", set_cell_xml("F12", f'<c r="F12"><v>{value}</v></c>')
    )
    result = read_return(bad, settings, schema)
    found = [(p.code, p.sheet, p.cell) for p in result.problems]
    assert ("BB301", "Drift", "F12") in found
    assert "BB100" not in codes(result.problems)
    assert result.submission is not None and result.submission.drift


def test_absurd_amount_typed_as_text_is_not_a_number(rnd, tmp_path: Path) -> None:
    settings, schema, _, returns = rnd
    cell = '<c r="F12" t="inlineStr"><is><t>1' + "0" * 400 + "</t></is></c>"
    bad = edit_sheet_xml(returns[3], tmp_path / "text.xlsx", "Drift", set_cell_xml("F12", cell))
    result = read_return(bad, settings, schema)
    assert ("BB301", "Drift", "F12") in [(p.code, p.sheet, p.cell) for p in result.problems]


def test_unreadable_file_reason_is_swedish(rnd, tmp_path: Path) -> None:
    settings, schema, _, _ = rnd
    path = tmp_path / "trasig.xlsx"
    path.write_bytes(b"PK\x03\x04 inte en riktig zip")
    result = read_return(path, settings, schema)
    assert codes(result.problems) == ["BB100"]
    message = result.problems[0].message
    assert "skadad" in message and "zip file" not in message.lower()


# --- 3. collect reads the archived copy, which has exactly the hashed bytes ------------


def test_collect_reads_the_archived_copy_not_the_changing_inbox_file(
    rnd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from budgetbook import actions
    from budgetbook.archive import Archive
    from budgetbook.workspace import init_workspace

    returns = rnd[3]
    ws = init_workspace(tmp_path / "ws")
    for f in returns[:2]:
        shutil.copyfile(f, ws.inbox / f.name)
    real_receive = Archive.receive

    def receive_then_sync(self, path: Path, *args, **kwargs):
        received = real_receive(self, path, *args, **kwargs)
        path.write_bytes(b"OneDrive skriver fortfarande ...")  # changes right after archiving
        return received

    # what collect calls (it patched `store`, which collect no longer used: a no-op)
    monkeypatch.setattr(Archive, "receive", receive_then_sync)
    result = actions.collect(ws.root)
    assert not [p for p in result.problems if p.code in safety.UNREADABLE_CODES]
    read = {s.file for s in result.submissions}
    assert read == {f.name for f in returns[:2]}


# --- 4. one typing mistake is one problem ---------------------------------------------


@pytest.mark.parametrize("typed", ["=1+1", "ca 300"])
def test_text_in_the_budget_cell_is_one_problem(rnd, tmp_path: Path, typed: str) -> None:
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    ws = wb["Drift"]
    d = schema.sheet("drift")
    budget_col = S.xl_col(d.index(f"budget_{settings.budget_year}"))
    ref = f"{budget_col}{d.first_data_row}"
    ws[ref] = typed
    ws[ref].data_type = "s"  # typed as text (Excel: a leading apostrophe)
    out = tmp_path / "text.xlsx"
    wb.save(out)
    result = read_return(out, settings, schema)
    on_cell = [p.code for p in result.problems if p.sheet == "Drift" and p.cell == ref]
    assert on_cell == ["BB301"]


def _stamped_results(rnd):
    """Each example return read, with the fields collect sets after reading filled in."""
    settings, schema, _, returns = rnd
    for path in returns:
        result = read_return(path, settings, schema)
        sub = result.submission
        assert sub is not None
        sub.sha256, sub.received = "ab" * 32, datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
        yield result, sub


def test_a_return_crosses_from_a_worker_by_pickle_unchanged(rnd) -> None:
    """The model's classes pickle as their field values (issue 8): every field comes
    back, mutable containers are copies, and a problem stays hashable and equal."""
    import pickle

    for result, sub in _stamped_results(rnd):
        back, problems = pickle.loads(pickle.dumps((sub, result.problems)))
        assert back == sub and problems == result.problems
        assert set(problems) == set(result.problems)
        assert back.drift and back.drift[0].amounts is not sub.drift[0].amounts
        for a, b in zip(back.drift, sub.drift, strict=True):
            assert type(a) is type(b) and a.cells == b.cells


# --- 5. the read cache is plain JSON: loading it can never run code ------------------


def test_read_cache_round_trip_of_every_example_return(rnd) -> None:
    for result, sub in _stamped_results(rnd):
        text = read_cache.encode(result.identity, sub, result.problems)
        assert read_cache.decode(text) == (result.identity, sub, result.problems)
    settings, schema, _, returns = rnd
    broken = read_return(returns[0].with_suffix(".saknas"), settings, schema)
    text = read_cache.encode(broken.identity, broken.submission, broken.problems)
    assert read_cache.decode(text) == (broken.identity, None, broken.problems)


def test_the_compiled_encoder_writes_what_the_generic_walk_writes(rnd) -> None:
    """The cache entry is encoded by functions built per declared type (issue 8); its
    JSON is that of the generic walk, also for values not of the declared type."""
    import dataclasses
    import json

    def generic(identity, sub, problems) -> str:
        data = {
            "v": read_cache.CACHE_VERSION,
            "identity": identity,
            "submission": read_cache._plain(sub),
            "problems": [read_cache._plain(p) for p in problems],
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    settings, schema, _, returns = rnd
    for path in returns:
        result = read_return(path, settings, schema)
        sub = result.submission
        assert sub is not None
        sub.received = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
        args = (result.identity, sub, result.problems)
        assert read_cache.encode(*args) == generic(*args)
        # off-type values: a float amount, a tuple of lines, a str subclass, a bool
        line = dataclasses.replace(sub.drift[0], amounts={2027: 1.5, 2028: True}, row=2.0)
        odd = dataclasses.replace(sub, drift=(line, *sub.drift[1:]), texts={"x": _Text("t")})
        assert read_cache.encode(result.identity, odd, []) == generic(result.identity, odd, [])
        # dicts the encoder does not hand to json as they are: keys of two types (one
        # text when written), bool keys, a value that is not a scalar
        line = dataclasses.replace(
            sub.drift[0], amounts={2027: 1, "2027": 2}, cells={True: "A1", 2028: _Text("B1")}
        )
        odd = dataclasses.replace(sub, drift=[line], texts={"x": "a", "y": [1]})
        assert read_cache.encode(result.identity, odd, []) == generic(result.identity, odd, [])
    with pytest.raises(TypeError):
        read_cache.encode({}, dataclasses.replace(sub, texts={"x": object()}), [])


class _Text(str):
    pass


def test_the_cache_text_is_json_s_also_where_orjson_would_differ(rnd) -> None:
    """orjson writes the entry (issue 8) only where its text is json's: a float such
    as 1e16 (json: 1e+16), an int beyond 64 bits, mixed keys go through json."""
    import dataclasses

    settings, schema, _, returns = rnd
    result = read_return(returns[0], settings, schema)
    sub = result.submission
    assert sub is not None
    plain = read_cache.encode(result.identity, sub, result.problems)
    assert plain == read_cache._json_encode(result.identity, sub, result.problems)
    assert read_cache.decode(plain) == (result.identity, sub, result.problems)
    for amounts in ({2027: 1e16}, {2027: 2**70}, {2027: float("nan")}, {2027: 1, "x": 2}):
        line = dataclasses.replace(sub.drift[0], amounts=amounts)
        odd = dataclasses.replace(sub, drift=[line])
        text = read_cache.encode({"k": "v"}, odd, [])
        assert text == read_cache._json_encode({"k": "v"}, odd, [])


def test_read_cache_ignores_other_versions_and_garbage() -> None:
    good = read_cache.encode({"BB_AVDELNING": "FMO"}, None, [])
    assert read_cache.decode(good) == ({"BB_AVDELNING": "FMO"}, None, [])
    assert read_cache.decode(good.replace(f'"v":{read_cache.CACHE_VERSION}', '"v":0')) is None
    for junk in ("", "[]", "{}", '{"v":1,"identity":5}', b"\x80\x05K\x01."):
        assert read_cache.decode(junk) is None
    # hand-edited rows of the current version: wrong field count or type, bad enum
    v = read_cache.CACHE_VERSION
    problem = read_cache.encode({}, None, [R.NOT_READABLE(file="a.xlsx", orsak="x")])
    assert read_cache.decode(problem) is not None
    for junk in (
        f'{{"v":{v},"identity":{{}},"submission":["FMO"],"problems":[]}}',
        f'{{"v":{v},"identity":{{"a":1}},"submission":null,"problems":[]}}',
        problem.replace('"fel"', '"kanske"'),
        problem.replace('"BB100"', "true"),
        problem.replace(',""]]', ',"",""]]'),
    ):
        assert read_cache.decode(junk) is None, junk


class _Exploit:
    """What a hostile ledger row could hold: unpickling it creates a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_poisoned_cache_row_is_never_executed(rnd, tmp_path: Path) -> None:
    from budgetbook import actions
    from budgetbook.archive import LEDGER, Archive
    from budgetbook.workspace import init_workspace

    returns = rnd[3]
    ws = init_workspace(tmp_path / "ws")
    shutil.copyfile(returns[0], ws.inbox / returns[0].name)
    first = actions.collect(ws.root)
    marker = tmp_path / "hacked"
    with Archive(ws.output) as archive:
        (count,) = archive.db.execute("SELECT count(*) FROM reads").fetchone()
        assert count == 1
        archive.db.execute("UPDATE reads SET result = ?", (pickle.dumps(_Exploit(marker)),))
    assert (ws.output / "arkiv" / LEDGER).exists()
    again = actions.collect(ws.root)
    assert not marker.exists()
    assert [s.avdelning for s in again.submissions] == [s.avdelning for s in first.submissions]


# --- 6. amounts with decimals are rounded half up, as in Excel ------------------------


@pytest.mark.parametrize(
    ("cell", "whole"),
    [
        (2.5, 3),
        (0.5, 1),
        (-2.5, -3),
        (1234.5, 1235),
        (2.4999, 2),
        (0.49999999999999994, 0),
        ("2,5", 3),
        ("1 234,5", 1235),
        ("-0,5", -1),
        (7.0, 7),
    ],
)
def test_amounts_round_half_up(cell: object, whole: int) -> None:
    assert parse_amount(cell).value == whole


def test_half_tkr_in_a_return_rounds_up(rnd, tmp_path: Path) -> None:
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    d = schema.sheet("drift")
    col = S.xl_col(d.index(f"budget_{settings.budget_year}"))
    ref = f"{col}{d.first_data_row}"
    wb["Drift"][ref] = 2.5
    out = tmp_path / "halv.xlsx"
    wb.save(out)
    result = read_return(out, settings, schema)
    line = next(ln for ln in result.submission.drift if ln.row == d.first_data_row)
    assert line.amounts[settings.budget_year] == 3
    assert ("BB303", ref) in [(p.code, p.cell) for p in result.problems]


# --- 7. the reader stays in modules of reviewable size --------------------------------


def test_reader_modules_stay_under_the_size_guideline() -> None:
    here = Path(collect.__file__).parent
    for module in (
        "reader.py",
        "reader_sheets.py",
        "reader_parts.py",
        "safety.py",
        "sheet_extent.py",
    ):
        lines = (here / module).read_text(encoding="utf-8").count("\n")
        assert lines <= 600, f"{module}: {lines} lines"


# --- the sheets the pre-check inflated are read once -----------------------------------


def test_the_reader_uses_the_sheets_the_precheck_inflated(rnd, tmp_path: Path) -> None:
    """The pre-check hands the sheets it inflated whole to the reader in the same
    process (issue 8: each sheet was inflated twice); the result is the same, and
    nothing of it goes back to the main process with the verdict."""
    import pickle

    from budgetbook import collect, safety

    settings, schema, _, returns = rnd
    for path in returns:
        check = safety.precheck(path)
        assert check.ok and check.inflated
        # the sheets, and the small parts the reader reads too (issue 8)
        assert any(name.startswith("xl/worksheets/") for name in check.inflated)
        assert "xl/workbook.xml" in check.inflated
        assert any(name.startswith("xl/tables/") for name in check.inflated)
        shared = read_return(path, settings, schema, inflated=check.inflated)
        alone = read_return(path, settings, schema)
        assert shared == alone
        # with the member names too the zip is opened only for a part not inflated
        members = check.members
        assert sorted(members) == sorted(zipfile.ZipFile(path).namelist())
        assert (
            read_return(path, settings, schema, inflated=check.inflated, members=members) == alone
        )
        assert read_return(path, settings, schema, inflated={}, members=members) == alone
        assert "inflated" not in safety.encode_result(check)
    # it is used: an error cell seen only in the shared copy is found

    from budgetbook import schema as S
    from budgetbook.reader_parts import read_zip_parts

    check = safety.precheck(returns[0])
    wanted = {s.name for s in schema.sheets}
    with zipfile.ZipFile(returns[0]) as zf:
        plain = read_zip_parts(zf, wanted, S.IDENTITY_FIELDS)
        member = plain.sheet_files[schema.sheets[0].name]
        xml = check.inflated[member]
        end = xml.index(b">", xml.index(b"<c r="))
        poked = xml[:end] + b' t="e"' + xml[end:]
        shared = read_zip_parts(zf, wanted, S.IDENTITY_FIELDS, {member: poked})
    assert not plain.error_cells and shared.error_cells
    job = collect.ReadJob(returns[0], returns[0].name, settings, schema)
    done = collect.check_and_read(job, precheck=True)
    assert done.check is not None and done.check.inflated == {} and done.check.members == []
    assert len(pickle.dumps(done)) < len(pickle.dumps(done.outcome)) + 64 * 1024


def test_a_part_named_twice_is_shared_only_as_the_reader_would_read_it(rnd, tmp_path: Path) -> None:
    """A package may hold one name twice; by name zipfile reads the last entry, so only
    that one may stand in for it (an earlier, small copy of a sheet was shared and its
    error cells reported)."""
    import os

    from budgetbook import schema as S
    from budgetbook.reader_parts import read_zip_parts

    settings, schema, _, returns = rnd
    src = returns[0]
    wanted = {s.name for s in schema.sheets}
    with zipfile.ZipFile(src) as zf:
        member = read_zip_parts(zf, wanted, S.IDENTITY_FIELDS).sheet_files[schema.sheets[0].name]
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    out = tmp_path / "dubbel.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts:
            if name in (member, "docProps/custom.xml"):
                # first a small copy that differs (an error cell, another identity)...
                end = data.index(b">", data.index(b"<c r=")) if name == member else 0
                first = (
                    data[:end] + b' t="e"' + data[end:]
                    if name == member
                    else data.replace(b"<vt:lpwstr>", b"<vt:lpwstr>X", 1)
                )
                dst.writestr(name, first)
                # ... then the real one, too long to be kept whole
                close = data.rindex(b"</")
                pad = b"<!--" + os.urandom(700_000).hex().encode() + b"-->"
                data = data[:close] + pad + data[close:]
                with pytest.warns(UserWarning):
                    dst.writestr(name, data)
            else:
                dst.writestr(name, data)
    check = safety.precheck(out)
    assert check.ok
    assert member not in check.inflated and "docProps/custom.xml" not in check.inflated
    assert read_return(out, settings, schema, inflated=check.inflated) == read_return(
        out, settings, schema
    )


def test_only_whole_sheets_within_the_limit_are_shared(tmp_path: Path, monkeypatch) -> None:
    from budgetbook import safety

    inbox = Path(__file__).resolve().parents[1] / "inbox"
    path = sorted(inbox.glob("*.xlsx"))[0]
    everything = safety.precheck(path).inflated
    biggest = max(len(x) for x in everything.values())
    monkeypatch.setattr(safety, "SHARED_BYTES", biggest)
    bounded = safety.precheck(path).inflated
    assert bounded and sum(map(len, bounded.values())) <= biggest
    monkeypatch.setattr(extent, "CHUNK", biggest)  # the biggest part now spans chunks
    partial = safety.precheck(path).inflated
    assert all(len(x) < biggest for x in partial.values())
    assert safety.precheck(path).ok


def test_the_tag_patterns_read_one_tag_at_a_time() -> None:
    """A pattern reading a tag's attributes up to its '>' scanned, from every start of a
    tag that has none, the rest of the part: quadratic (a part of ~80 KB of `<c r="a1" `
    or `<table ` took seconds in the pre-check or the reader, 1 MB minutes). Each now
    stops at the next '<': a match holds one tag."""
    from budgetbook import reader_parts

    cells = b'<row r="1"><c s="1" r="a1" ' * 4000 + b'<c s="1" r="B2">'
    matches = [m.group(0) for m in extent._REF.finditer(cells)]  # each row, the last cell
    assert len(matches) == 4001 and all(m.count(b"<") == 1 for m in matches)
    assert extent._pattern_extent(cells) is None  # then walked
    tables = b"<table " * 4000 + b'<table name="T" ref="A1:B3">'
    assert reader_parts._TABLE.search(tables).group(0).count(b"<") == 1
    assert reader_parts._table(tables) == {"T": ("", (1, 0), (2, 1))}


class _CountedProblems(list):
    """The reader's problem list, counting the findings looked at one by one."""

    looked_at = 0

    def __iter__(self):
        for p in super().__iter__():
            _CountedProblems.looked_at += 1
            yield p


@pytest.mark.parametrize("column", ["comment", "description"])
def test_each_finding_is_looked_at_a_bounded_number_of_times(
    rnd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str
) -> None:
    """Regression: whether a cell already had a finding was answered by a scan of every
    finding so far, asked for each empty required cell (a row of Risker with only a
    comment) and each formula without a value (BB311): quadratic in the rows of a
    crafted table. 20 000 such rows took 16 s to read, 200 000 (within the pre-check's
    limits) half an hour; read in 0.4 s before those questions were added."""
    from budgetbook import reader

    settings, schema, _, returns = rnd
    sheet = schema.sheet("risker")
    wb = openpyxl.load_workbook(returns[3])
    ws = wb[sheet.name]
    table = ws.tables[sheet.table]
    first, rows = sheet.first_data_row, 2000
    start, end = table.ref.split(":")
    table.ref = f"{start}:{end.rstrip('0123456789')}{first + rows}"
    letter = S.xl_col(sheet.index(column))
    for r in range(first + 20, first + rows):
        ws[f"{letter}{r}"] = "Se bilaga" if column == "comment" else "=1"
    path = tmp_path / "Budget många rader.xlsx"
    wb.save(path)
    init = reader._Reader.__init__

    def counted_init(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        self.problems = _CountedProblems()

    monkeypatch.setattr(reader._Reader, "__init__", counted_init)
    _CountedProblems.looked_at = 0
    result = read_return(path, settings, schema)
    expected = "BB306" if column == "comment" else "BB311"
    assert sum(p.code == expected for p in result.problems) == rows - 20
    assert _CountedProblems.looked_at <= 10 * len(result.problems)  # not ~2 000 000


def _with_calc_chain(path: Path) -> None:
    """`path` with the calculation chain Excel writes on saving: every formula cell of
    every sheet, in sheet order (`i`, the sheet's id, when it changes)."""
    import io
    import re

    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    workbook = src.read("xl/workbook.xml").decode()
    rels = src.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    targets |= {i: t for t, i in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)}
    chain = []
    for sheet_id, rid in re.findall(r'<sheet [^>]*sheetId="(\d+)"[^>]*r:id="(rId\d+)"', workbook):
        part = src.read("xl/" + targets[rid].lstrip("/").removeprefix("xl/"))
        refs = re.findall(rb'<c r="([A-Z]+\d+)"[^>]*><f', part)
        chain += [
            f'<c r="{r.decode()}"' + (f' i="{sheet_id}"' if n == 0 else "") + "/>"
            for n, r in enumerate(refs)
        ]
    calc = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(chain)
        + "</calcChain>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/calcChain.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.'
                    b'spreadsheetml.calcChain+xml"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCalc" '
                    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    b'calcChain" Target="calcChain.xml"/></Relationships>',
                )
            dst.writestr(info.filename, data)
        dst.writestr("xl/calcChain.xml", calc)
    path.write_bytes(out.getvalue())


def test_a_calc_chain_does_not_refuse_a_workbook_no_sheet_of_which_is_too_large(
    rnd, tmp_path: Path
) -> None:
    """Regression: Excel lists every formula cell of the workbook in its calculation
    chain, which the pre-check measured as a sheet: the last row of one sheet times
    the last column of another. A return with a sheet of the department head's own
    (3 000 rows of formulas) and a note formula in column ZZ of another was refused as
    "innehåll långt utanför mallen", though no sheet is near the limits. A part with
    no rows and no values puts nothing in a reader's grid (calamine leaves a cell
    without a value out), so its extent does not count."""
    settings, schema, _, returns = rnd
    wb = openpyxl.load_workbook(returns[3])
    own = wb.create_sheet("Underlag")
    for r in range(1, 3001):
        own[f"A{r}"] = r
        own[f"B{r}"] = f"=A{r}*1.02"
    wb.create_sheet("Anteckningar")["ZZ1"] = '="Se "&"Underlag"'
    path = tmp_path / "Budget kalkylkedja.xlsx"
    wb.save(path)
    assert safety.precheck(path, path.name).ok  # without the chain
    _with_calc_chain(path)
    with zipfile.ZipFile(path) as zf:
        chain = zf.read("xl/calcChain.xml")
    assert b'<c r="B3000"/>' in chain and b'<c r="ZZ1" i="' in chain
    result = safety.precheck(path, path.name)
    assert result.ok, [p.message for p in result.problems]
    assert read_return(path, settings, schema).submission.drift
