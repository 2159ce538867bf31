"""The Word nämndplan as a reader sees it, opened with python-docx."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from budgetbook import fmt
from budgetbook.model import (
    VIEW_DRIFT_AVDELNING,
    VIEW_INV_BESLUTAD,
    VIEW_INV_KATEGORI,
    VIEW_INV_NYA,
    VIEW_INV_PAGAENDE,
    VIEW_KAPITALKOSTNADER,
    RowKind,
)
from budgetbook.report import content, namndplan
from budgetbook.report.table_measure import format_value
from report_builders import (
    TRICKY_TEXT,
    empty_consolidation,
    example_consolidation,
    example_settings,
)

GOLDEN_H1 = Path(__file__).parent / "data" / "report_headings.txt"
AMOUNT = re.compile(r"^\u2212?\d{1,3}(\u00a0\d{3})*$")
PERCENT = re.compile(r"^\u2212?\d+\u00a0%$")


def write(tmp_path: Path, cons=None, settings=None, name="namndplan.docx") -> Path:
    settings = settings or example_settings()
    cons = cons or example_consolidation(settings)
    return namndplan.write_namndplan(cons, settings, tmp_path / name)


def headings(document, level: int | None = None) -> list[str]:
    found = []
    for p in document.paragraphs:
        name = p.style.name if p.style is not None else ""
        if name.startswith("Heading") and (level is None or name == f"Heading {level}"):
            found.append(p.text)
    return found


def captions(document) -> list[str]:
    return [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Caption"
    ]


def table_captions(document) -> list[str]:
    return [c for c in captions(document) if c.startswith("Tabell")]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("np")
    settings = example_settings()
    cons = example_consolidation(settings)
    path = namndplan.write_namndplan(cons, settings, tmp / "namndplan.docx")
    return path, docx.Document(str(path)), cons, settings


def test_sections_in_nämndplan_order(example):
    _, document, _, _ = example
    h1 = headings(document, 1)
    assert h1 == GOLDEN_H1.read_text(encoding="utf-8").splitlines()
    h2 = headings(document, 2)
    for sub in (
        "Nämndens ansvarsområde",
        "Uppföljning och återrapportering",
        "Driftbudget per avdelning",
        "Driftbudget per verksamhet",
        "Pågående investeringsprojekt",
        "Nya investeringsprojekt",
    ):
        assert sub in h2
    assert h2.index("Driftbudget per avdelning") < h2.index("Driftbudget per verksamhet")
    assert "Mål 1. Trygga invånare" in h2
    assert any(h.startswith("Nämndmål 1.1") for h in headings(document, 3))


def test_every_table_shows_the_consolidated_figures(example):
    _, document, cons, settings = example
    caps = table_captions(document)
    assert [int(re.match(r"Tabell (\d+):", c).group(1)) for c in caps] == list(
        range(1, len(caps) + 1)
    )
    assert len(caps) == len(document.tables)
    conv = fmt.Convention(settings.sign_convention)
    # the project tables as the draft shows them: grouped by avdelning, with subtotals
    names = [a.name for a in settings.avdelningar]
    drafted = [
        content.by_avdelning(t, names, content.CAPITAL_CAPTION)
        if t.key == VIEW_KAPITALKOSTNADER
        else content.by_avdelning(t, names)
        if t.key in (VIEW_INV_PAGAENDE, VIEW_INV_NYA)
        else t
        for t in cons.views.values()
    ]
    checked = 0
    for caption, word_table in zip(caps, document.tables, strict=True):
        model = next(
            (t for t in drafted if caption.split(": ", 1)[1].startswith(t.caption)),
            None,
        )
        if model is None:
            continue
        header = [c.text for c in word_table.rows[0].cells]
        cols = [c for c in model.columns if c.heading in header]
        rows = [r for r in model.rows if r.kind is not RowKind.HEADING]
        # a group heading (one cell across the table) is no row of figures: the list
        # of risks moves its Avdelning column into such headings
        word_rows = [r for r in word_table.rows[1:] if len({id(c._tc) for c in r.cells}) > 1]
        assert len(word_rows) == len(rows)
        for word_row, row in zip(word_rows, rows, strict=True):
            cells = [c.text for c in word_row.cells]
            for col in cols:
                shown = cells[header.index(col.heading)]
                expected = (
                    row.label
                    if col.key == "label" and "label" not in row.values
                    else format_value(model, col, row, conv)
                )
                assert shown == expected, (caption, row.label, col.key)
                if col.kind == "tkr" and shown:
                    assert AMOUNT.match(shown), shown
                if col.kind == "pct" and shown:
                    assert PERCENT.match(shown), shown
        checked += 1
        # every total row is the sum of the data rows above it (as shown)
        for col in cols:
            if col.kind != "tkr" or col.key.endswith("pct"):
                continue
            data = [r for r in rows if r.kind is RowKind.DATA]
            total = model.total_row()
            if total is None or total.values.get(col.key) is None or col.key == "diff":
                continue
            assert total.values[col.key] == sum(r.values.get(col.key) or 0 for r in data)
    assert checked >= 6


def test_plan_years_in_their_own_table_and_standard_columns(example):
    _, document, _, settings = example
    caps = table_captions(document)
    i = next(i for i, c in enumerate(caps) if c.endswith("Driftbudget per avdelning, tkr"))
    header = [c.text for c in document.tables[i].rows[0].cells]
    assert len(header) == 8  # label + the 7 standard columns
    assert header[3] == f"Budget {settings.budget_year}"
    assert "plan" in caps[i + 1] and str(settings.plan_years[-1]) in caps[i + 1]
    plan_header = [c.text for c in document.tables[i + 1].rows[0].cells]
    assert plan_header[-1] == f"Plan {settings.plan_years[-1]}"


def test_table_form_header_repeats_numbers_right_totals_bold(example):
    _, document, _, _ = example
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    drift = next(
        t
        for t, c in zip(document.tables, table_captions(document), strict=True)
        if c.endswith("Driftbudget per avdelning, tkr")
    )
    last = drift.rows[-1]
    assert all(run.bold for cell in last.cells for p in cell.paragraphs for run in p.runs)
    number_cell = drift.rows[1].cells[1].paragraphs[0]
    assert number_cell.alignment is not None and number_cell.alignment == 2  # right


def test_source_notes_under_budget_tables(example):
    _, document, _, settings = example
    texts = [p.text for p in document.paragraphs]
    assert any(settings.source_budget in t and settings.source_prognos in t for t in texts)


def test_key_figures_stated_from_the_same_data(example):
    _, document, cons, settings = example
    body = "\n".join(p.text for p in document.paragraphs)
    assert (
        f"{settings.namnd_genitive} driftbudget för {cons.year} är {fmt.mnkr(cons.net_budget)} miljoner kronor."
        in body
    )
    assert (
        f"investeringsbudget för {cons.year} är {fmt.mnkr(cons.investment_budget)} miljoner kronor"
        in body
    )
    total = cons.views[VIEW_DRIFT_AVDELNING].total_row()
    assert total.values[f"budget_{cons.year}"] == cons.net_budget


def test_charts_with_alt_text_and_toc_field(example):
    path, document, _, _ = example
    descr = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    assert len(descr) == 2 and all(d and "Stapeldiagram" in d for d in descr)
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
        settings_xml = z.read("word/settings.xml").decode()
        header = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
        footer = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert "w:updateFields" in settings_xml
    assert 'TOC \\o "1-2"' in xml
    assert "UTKAST" in header and "Kommunstyrelsen" in header
    # the header names the document as its title page does (with the plan years)
    title = next(p.text for p in document.paragraphs if p.style.name == "Title")
    assert title == "Nämndplan med budget 2027–2029" and f"· {title} ·" in header
    assert " PAGE " in footer and " NUMPAGES " in footer
    # the TOC is pre-filled with every level-1 heading
    toc = [
        p.text
        for p in document.paragraphs
        if p.style is not None and p.style.name.lower() == "toc 1"
    ]
    assert toc == headings(document, 1)


def test_user_text_appears_exactly_as_written(example):
    _, document, _, _ = example
    paragraphs = [p.text for p in document.paragraphs]
    assert (
        'Kostnader för "Trygg & säker" ökar <kraftigt> jämfört med 2026.\nAndra raden i samma stycke.'
        in paragraphs
    )
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Civilt försvar & beredskap", "Trygghetsvandringar i <centrum>"]
    assert "Avslutande rad med 'enkla' citattecken." in paragraphs
    assert "Samhällsplanering och ledning" in headings(document, 3)
    assert TRICKY_TEXT  # the builder's text is the one checked here


def test_political_placeholder_and_given_text(tmp_path):
    settings = example_settings()
    document = docx.Document(str(write(tmp_path, settings=settings)))
    marked = [p.text for p in document.paragraphs if p.style.name == "Platshållare"]
    assert any("politiska ledningen" in t for t in marked)
    texts = dict(settings.texts, politisk_ledning="Vi prioriterar & satsar <nu>.")
    document = docx.Document(
        str(write(tmp_path, settings=replace(settings, texts=texts), name="b.docx"))
    )
    assert "Vi prioriterar & satsar <nu>." in [p.text for p in document.paragraphs]
    assert not any(
        "politiska ledningen" in p.text
        for p in document.paragraphs
        if p.style.name == "Platshållare"
    )


def test_empty_sections_marked_or_omitted(tmp_path):
    settings = replace(example_settings(), texts={})
    marked = docx.Document(str(write(tmp_path, empty_consolidation(settings), settings, "m.docx")))
    h1 = headings(marked, 1)
    assert "Kapitalkostnader" in h1 and "Intern kontroll" in h1
    assert any(p.text == namndplan.EMPTY_MARK for p in marked.paragraphs)
    omitted = docx.Document(
        str(
            write(
                tmp_path,
                empty_consolidation(settings),
                replace(settings, empty_sections="omit"),
                "o.docx",
            )
        )
    )
    h1 = headings(omitted, 1)
    assert h1 == ["Sammanfattning", "Politiska ledningen har ordet"]
    assert not any(p.text == namndplan.EMPTY_MARK for p in omitted.paragraphs)


def test_costs_negative_convention_flips_signed_columns(tmp_path):
    settings = replace(example_settings(), sign_convention="costs_negative")
    cons = example_consolidation(settings)
    document = docx.Document(str(write(tmp_path, cons, settings)))
    i = next(
        i
        for i, c in enumerate(table_captions(document))
        if c.endswith("Driftbudget per avdelning, tkr")
    )
    total = document.tables[i].rows[-1].cells
    assert total[3].text == fmt.tkr(-cons.net_budget)
    assert any("minustecken" in p.text for p in document.paragraphs)


def test_standard_drift_table_stays_portrait_with_compact_headings(tmp_path):
    """Headings like "Förändring B2026–B2027, tkr" may break after the dash."""
    settings = example_settings()
    cons = example_consolidation(settings)
    y, p = settings.budget_year, settings.prior_year
    for key in (VIEW_DRIFT_AVDELNING,):
        table = cons.views[key]
        renamed = [
            replace(
                c,
                heading=c.heading.replace(f"B {p}–B {y}", f"B{p}–B{y}").replace(
                    f"P {p}–B {y}", f"P{p}–B{y}"
                ),
            )
            for c in table.columns
        ]
        cons.views[key] = replace(table, columns=renamed)
    path = write(tmp_path, cons, settings)
    with zipfile.ZipFile(path) as z:
        assert 'w:orient="landscape"' not in z.read("word/document.xml").decode()


def test_too_wide_table_goes_to_a_landscape_section(tmp_path):
    settings = example_settings()
    cons = example_consolidation(settings)
    table = cons.views[VIEW_DRIFT_AVDELNING]
    extra = [replace(c, key=f"x{i}_{c.key}") for i, c in enumerate(table.columns[1:6])]
    rows = [
        replace(
            r,
            values={
                **r.values,
                **{f"x{i}_{c.key}": r.values.get(c.key) for i, c in enumerate(table.columns[1:6])},
            },
        )
        for r in table.rows
    ]
    cons.views["extra_wide"] = replace(
        table,
        key="extra_wide",
        caption="Bred tabell",
        columns=[*table.columns[:8], *extra],
        rows=rows,
    )
    path = write(tmp_path, cons, settings)
    document = docx.Document(str(path))
    orients = [s.orientation for s in document.sections]
    assert 1 in orients and orients[-1] == 0  # a landscape section, and back to portrait
    assert any(c.endswith("Bred tabell, tkr") for c in table_captions(document))


def test_many_avdelningar_chart_the_largest_and_say_so(tmp_path):
    """Too many avdelningar for a readable chart: the largest ones by budget, named as
    such in caption and alt text, and the figures stay numbered 1, 2."""
    settings = example_settings()
    cons = example_consolidation(settings)
    table = cons.views[VIEW_DRIFT_AVDELNING]
    key = f"budget_{cons.year}"
    template = table.data_rows()[0]
    many = [
        replace(
            template, label=f"Avdelning {i:02d}", values={**template.values, key: 1000 + 10 * i}
        )
        for i in range(40)
    ]
    rest = [r for r in table.rows if r.kind is not RowKind.DATA]
    cons.views[VIEW_DRIFT_AVDELNING] = replace(table, rows=[*many, *rest])
    document = docx.Document(str(write(tmp_path, cons, settings)))
    figures = [c for c in captions(document) if c.startswith("Diagram")]
    assert (
        len(figures) == 2
        and figures[0].startswith("Diagram 1")
        and figures[1].startswith("Diagram 2")
    )
    shown = int(re.search(r"de (\d+) största avdelningarna", figures[0]).group(1))
    assert 10 <= shown < 40
    alt = next(iter(document.element.body.iter(qn("wp:docPr")))).get("descr")
    assert f"de {shown} största avdelningarna av 40" in alt
    assert "Avdelning 39" in alt and f"Avdelning {40 - shown - 1:02d}" not in alt


def test_each_chart_follows_its_caption_with_its_own_picture(example):
    # the pictures go in once the charts are drawn, after the rest is built (the
    # painter draws meanwhile): each in its place, numbered as if added there
    _, document, _, _ = example
    body = list(document.element.body)
    figures = []
    for i, element in enumerate(body):
        if element.tag == qn("w:p") and "".join(element.itertext()).startswith("Diagram"):
            picture = body[i + 1]
            doc_pr = picture.find(".//" + qn("wp:docPr"))
            blip = picture.find(".//" + qn("a:blip"))
            assert doc_pr.get("title") in "".join(element.itertext())
            figures.append((doc_pr.get("id"), blip.get(qn("r:embed"))))
    assert [f[0] for f in figures] == ["1", "2"]
    parts = [document.part.related_parts[rid].partname for _, rid in figures]
    assert parts == ["/word/media/image1.png", "/word/media/image2.png"]


def test_goal_count_sentence_spells_small_numbers_as_the_summary_does(example):
    """Regression: "Kommunstyrelsen har 4 nämndmål som ska bidra till måluppfyllelse för
    4 av kommunfullmäktiges mål" under a summary saying "för fyra av kommunfullmäktiges
    mål": a kommun writes numbers up to twelve in words in running text."""
    _, document, _, _ = example
    sentence = next(p.text for p in document.paragraphs if "nämndmål som ska bidra" in p.text)
    assert not re.search(r"\d", sentence), sentence
    assert fmt.count(1) == "ett" and fmt.count(4) == "fyra" and fmt.count(12) == "tolv"
    assert fmt.count(13) == "13"
    assert fmt.count(1, common=True) == "en" and fmt.count(7, common=True) == "sju"


def test_indicator_tables_name_the_year_of_their_target(example):
    """Review: Tabell 1–8 and the Bilaga's list had "Målvärde" beside "2025" and "2026",
    which read as a target for no year (or for 2026); the Mål och indikatorer sheet the
    avdelningar fill in asks for "Målvärde 2027"."""
    _, document, _, settings = example
    by_caption = dict(zip(table_captions(document), document.tables, strict=True))
    indicator_tables = [
        table for caption, table in by_caption.items() if "ndikatorer" in caption.split(": ", 1)[1]
    ]
    assert len(indicator_tables) >= 3  # KF goals', nämndmål's and the Bilaga's list
    for table in indicator_tables:
        header = [c.text for c in table.rows[0].cells]
        assert header[-2:] == [f"Målvärde {settings.budget_year}", "Källa"], header
        assert "Målvärde" not in header


def test_a_control_shared_by_avdelningar_names_them_without_a_double_och(tmp_path):
    """Review: Tabell 25's riskområde read "(Samhällsplanering och ledning och
    Kommungemensamma kostnader)" for a point two avdelningar share; the last name is
    joined by "samt" (fmt.name_list)."""
    settings = example_settings()
    cons = example_consolidation(settings)
    codes = {a.name: a.code for a in settings.avdelningar}
    shared = f"{codes['Samhällsplanering och ledning']}, {codes['Kommungemensamma kostnader']}"
    cons.controls[0] = replace(cons.controls[0], avdelning=shared)
    document = docx.Document(str(write(tmp_path, cons, settings)))
    by_caption = dict(zip(table_captions(document), document.tables, strict=True))
    table = next(t for c, t in by_caption.items() if c.endswith("Internkontrollplan"))
    area = table.rows[1].cells[0].text
    assert area == (
        f"{cons.controls[0].riskomrade}\n"
        "(Samhällsplanering och ledning samt Kommungemensamma kostnader)"
    )


def test_the_tables_of_every_project_have_a_heading_of_their_own(tmp_path):
    """Review: Tabell 22 and 23 (per kategori, decided total against the years'
    amounts) stood under "Nya investeringsprojekt" though they cover every project,
    and the table of contents did not find them."""
    settings = example_settings()
    cons = example_consolidation(settings)
    projects = cons.views[VIEW_INV_PAGAENDE]
    for key, caption in (
        (VIEW_INV_KATEGORI, "Investeringsbudget per kategori"),
        (VIEW_INV_BESLUTAD, "Beslutad totalutgift mot årsbelopp"),
    ):
        cons.views[key] = replace(projects, key=key, caption=caption)
    document = docx.Document(str(write(tmp_path, cons, settings)))
    under: dict[str, list[str]] = {}
    heading = None
    for p in document.paragraphs:
        style = p.style.name
        if style.startswith("Heading"):
            heading = p.text
        elif style == "Caption" and p.text.startswith("Tabell") and heading:
            under.setdefault(heading, []).append(re.sub(r"^Tabell \d+: ", "", p.text))
    assert len(under["Nya investeringsprojekt"]) == 1, under
    assert under[namndplan.ALL_PROJECTS] == [
        "Investeringsbudget per kategori, tkr",
        "Beslutad totalutgift mot årsbelopp, tkr",
    ]
    h2 = headings(document, 2)
    assert h2.index("Nya investeringsprojekt") + 1 == h2.index(namndplan.ALL_PROJECTS)
    toc = [p.text for p in document.paragraphs if p.style.name.lower() == "toc 2"]
    assert namndplan.ALL_PROJECTS in toc
