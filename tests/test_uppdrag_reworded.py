"""An uppdrag the finance office rewords in the settings after the workbooks went out
(a typo fixed): the return answers it by its earlier wording. Where the template's
record (BB_UPPDRAG) and the texts make the match sure (`uppdrag_wording`), the head's
status and comment are carried over to the new wording and the office is told once
(BB509); where not (reordered, removed and added at once), nothing is guessed and BB508
says where the return answers the earlier wording. Real files: templates by our writer
for settings as an office writes them, filled as the example fills them, edited with
openpyxl as a head fills them, read back by our reader and by `actions`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import docx
import openpyxl
import pytest

from budgetbook import actions, checks, read_cache
from budgetbook import schema as S
from budgetbook.blank_return import return_problems
from budgetbook.consolidate_plan import merge_uppdrag, norm
from budgetbook.example import write_example_returns
from budgetbook.model import EarlierWording, Submission
from budgetbook.output_names import feedback_path
from budgetbook.reader import ReadResult, read_return
from budgetbook.settings import Settings, UppdragDef
from budgetbook.templates import write_templates
from budgetbook.uppdrag_wording import reworded, similar
from wb_builders import EKO_RETURN, example_settings, workbook_text

LOKAL = "Utreda om huvudmannaskapet för kommunens verksamhetslokaler ska föras över till "
LOKAL += "kommunstyrelsen."
PLAN_TYPO = "Ta fram en plan för kommunens lokalförsörjnig till 2035."
PLAN = "Ta fram en plan för kommunens lokalförsörjning till 2035."
FLYG_TYPO = "Redovisa hur avdelningen minskar sina resor med flyg"
FLYG = "Redovisa hur avdelningen minskar sina resor med flyg."
FAKTURA = "Införa e-faktura för alla leverantörer."
OTHER = "Ta fram en kompetensförsörjningsplan för ekonomifunktionen."
SPL_RETURN = "Budget 2027 Samhällsplanering och ledning.xlsx"


def _own(settings: Settings, avdelning: str) -> UppdragDef:
    return next(u for u in settings.uppdrag if u.avdelning == avdelning)


def _given(settings: Settings) -> tuple[UppdragDef, ...]:
    """The uppdrag as the office wrote them when the workbooks went out: EKO is given
    LOKAL (A7), PLAN with a typo (A8), one for every avdelning with a full stop missing
    (A9 on EKO's sheet, A8 on SPL's) and FAKTURA (A10)."""
    return (
        _own(settings, "SPL"),
        dataclasses.replace(_own(settings, "EKO"), text=LOKAL),
        UppdragDef(PLAN_TYPO, 2026, "EKO"),
        UppdragDef(FLYG_TYPO, 2026, ""),
        UppdragDef(FAKTURA, 2026, "EKO"),
        _own(settings, "PERS"),
    )


@pytest.fixture(scope="module")
def rnd(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("reworded")
    settings = example_settings(tmp)
    settings = dataclasses.replace(settings, uppdrag=_given(settings))
    schema = S.build_schema(settings)
    templates = write_templates(settings, schema, tmp / "workbook_templates")
    write_example_returns(settings, templates, tmp / "inbox")
    return settings, schema, tmp / "inbox"


def _now(settings: Settings, *changes: tuple[str, str | None]) -> Settings:
    """The settings after the office's edits: each (text, new text) rewords an uppdrag,
    (text, None) removes it."""
    out = []
    for u in settings.uppdrag:
        new = dict(changes).get(u.text, u.text)
        if new is not None:
            out.append(dataclasses.replace(u, text=new))
    return dataclasses.replace(settings, uppdrag=tuple(out))


def _answered(inbox: Path, tmp: Path, name: str = EKO_RETURN, **cells: str | None) -> Path:
    """The example return with the head's status and comment typed on Uppdrag."""
    wb = openpyxl.load_workbook(inbox / name)
    ws = wb["Uppdrag"]
    for cell, value in cells.items():
        ws[cell] = value
    path = tmp / name
    wb.save(path)
    return path


def _read(path: Path, settings: Settings, schema: S.Schema) -> tuple[ReadResult, Submission]:
    read = read_return(path, settings, schema)
    assert read.submission is not None
    return read, read.submission


def _shown(sub: Submission, settings: Settings) -> dict[str, tuple[str, str]]:
    """What the draft lists: text -> (status, comment)."""
    return {u.text: (u.status, u.comment) for u in merge_uppdrag([sub], settings)}


def test_a_typo_fixed_in_the_settings_keeps_the_heads_answer(rnd, tmp_path: Path) -> None:
    """The review's case: the office fixed 'lokalförsörjnig' after the workbooks went
    out. The row for the old wording was skipped with its status and comment, the draft
    listed the uppdrag without a status and BB508 asked for it again."""
    settings, schema, inbox = rnd
    path = _answered(inbox, tmp_path, C8="Påbörjad", D8="Lokalinventeringen är klar.")
    now = _now(settings, (PLAN_TYPO, PLAN))
    read, sub = _read(path, now, schema)
    assert read.problems == []
    assert sub.uppdrag_added == []
    assert sub.uppdrag_earlier == [EarlierWording(PLAN_TYPO, "A8", PLAN)]
    shown = _shown(sub, now)
    assert shown[PLAN] == ("Påbörjad", "Lokalinventeringen är klar.")
    assert PLAN_TYPO not in shown
    assert [u.text for u in sub.uppdrag] == [LOKAL, PLAN, FLYG_TYPO, FAKTURA]  # sheet order
    # as the archive's read cache keeps it for the next collect
    cached = read_cache.decode(read_cache.encode(read.identity, sub, read.problems))
    assert cached is not None and cached[1] == sub
    (told,) = checks.office_problems([sub], [sub], now)
    assert told.code == "BB509" and told.file == "" and not told.is_error
    assert told.message == (
        f"Uppdraget ”{PLAN_TYPO}” har fått lydelsen ”{PLAN}” i budgetbook.toml efter att "
        "arbetsböckerna skapades. Arbetsboken från EKO svarar på den tidigare lydelsen "
        "(bladet Uppdrag, cell A8), och sammanställningen och utkastet till nämndplanen "
        "visar avdelningens svar under den nya. Kontrollera att det är samma uppdrag. Är det "
        "inte det: be avdelningen skriva in det nya uppdraget med samma text på en tom rad på bladet "
        "Uppdrag, fylla i status och lämna in igen, så används det svaret i stället. "
        "Avdelningen får inget meddelande om detta."
    )


def test_an_uppdrag_added_elsewhere_at_the_same_time_does_not_stop_it(rnd, tmp_path: Path) -> None:
    """The count of uppdrag changes (one added first in budgetbook.toml, as the office
    adds one in October) while a typo is fixed: the fixed one still stands at its place
    among those kept, so the answer is carried over; the added one is BB508's, without
    a word of earlier wordings."""
    settings, schema, inbox = rnd
    path = _answered(inbox, tmp_path, C8="Klar")
    now = _now(settings, (PLAN_TYPO, PLAN))
    now = dataclasses.replace(now, uppdrag=(UppdragDef(OTHER, 2027, "EKO"), *now.uppdrag))
    read, sub = _read(path, now, schema)
    assert read.problems == []
    assert sub.uppdrag_added == [OTHER]
    assert _shown(sub, now)[PLAN][0] == "Klar"
    added, carried = checks.office_problems([sub], [sub], now)
    assert (added.code, carried.code) == ("BB508", "BB509")
    assert "tidigare lydelse" not in added.message


def test_reordered_at_the_same_time_is_not_guessed(rnd, tmp_path: Path) -> None:
    """The fixed uppdrag also moved first in the list: no place to tell it by, so
    nothing is carried over; BB508 says where the return answers the earlier wording."""
    settings, schema, inbox = rnd
    path = _answered(inbox, tmp_path, C8="Klar", D8="Planen antogs i maj.")
    fixed = _now(settings, (PLAN_TYPO, PLAN))
    plan = next(u for u in fixed.uppdrag if u.text == PLAN)
    now = dataclasses.replace(fixed, uppdrag=(plan, *(u for u in fixed.uppdrag if u is not plan)))
    read, sub = _read(path, now, schema)
    assert read.problems == []
    assert sub.uppdrag_added == [PLAN]
    assert sub.uppdrag_earlier == [EarlierWording(PLAN_TYPO, "A8", "")]
    shown = _shown(sub, now)
    assert shown[PLAN] == ("", "") and PLAN_TYPO not in shown  # as before
    (added,) = checks.office_problems([sub], [sub], now)
    assert added.code == "BB508"
    assert (
        "visar det utan status från avdelningen. Arbetsboken från EKO svarar på den "
        f"tidigare lydelsen ”{PLAN_TYPO}” på bladet Uppdrag, cell A8, men det går inte att "
        "säkert avgöra vilket uppdrag i budgetbook.toml den motsvarar nu, så det svaret "
        "visas inte i utkastet. Avdelningen får inget meddelande om detta: be avdelningen"
    ) in added.message


def test_an_uppdrag_replaced_by_another_is_not_carried_over(rnd, tmp_path: Path) -> None:
    """Removed and another added in its place: the same place, but not the same text.
    A 'Klar' carried over would put a false status before the nämnd."""
    settings, schema, inbox = rnd
    path = _answered(inbox, tmp_path, C8="Klar")
    now = _now(settings, (PLAN_TYPO, OTHER))
    _, sub = _read(path, now, schema)
    assert sub.uppdrag_added == [OTHER]
    assert _shown(sub, now)[OTHER] == ("", "")
    assert sub.uppdrag_earlier == [EarlierWording(PLAN_TYPO, "A8", "")]
    (added,) = checks.office_problems([sub], [sub], now)
    assert f"tidigare lydelsen ”{PLAN_TYPO}” på bladet Uppdrag, cell A8" in added.message
    # one not answered (no status, no comment) is not said to be answered
    path = _answered(inbox, tmp_path, C8=None, D8=None)
    _, sub = _read(path, now, schema)
    assert sub.uppdrag_earlier == []
    (added,) = checks.office_problems([sub], [sub], now)
    assert "tidigare lydelse" not in added.message


def test_a_carried_over_answer_is_read_as_the_given_uppdrag(rnd, tmp_path: Path) -> None:
    """Its status is required as any given uppdrag's (the head is told at the row, as
    without the change of wording), and a status not in the list is one too."""
    settings, schema, inbox = rnd
    now = _now(settings, (PLAN_TYPO, PLAN))
    read, _ = _read(_answered(inbox, tmp_path, C8=None), now, schema)
    assert [(p.code, p.cell) for p in read.problems] == [("BB306", "C8")]
    read, _ = _read(_answered(inbox, tmp_path, C8="Halvvägs"), now, schema)
    assert [(p.code, p.cell) for p in read.problems] == [("BB307", "C8")]


def test_the_template_sent_back_blank_is_still_one_bb110(rnd) -> None:
    """The row carried over has no status, as every given uppdrag of a blank template:
    the template's own content, so one BB110 as before rather than a BB306 for it."""
    settings, schema, inbox = rnd
    template = next((inbox.parent / "workbook_templates").glob("*EKO*.xlsx"))
    now = _now(settings, (PLAN_TYPO, PLAN))
    read, sub = _read(template, now, schema)
    assert ("BB306", "C8") in [(p.code, p.cell) for p in read.problems]
    assert [p.code for p in return_problems(sub, read.problems, now, schema)] == ["BB110"]


def test_the_head_answering_the_new_wording_is_used_instead(rnd, tmp_path: Path) -> None:
    """What BB509 asks when it is not the same uppdrag: the head types the new wording
    on an empty row with its status. That answer is used, and the earlier row is not."""
    settings, schema, inbox = rnd
    path = _answered(inbox, tmp_path, C8="Klar", A11=PLAN, B11="2026", C11="Ej påbörjad")
    now = _now(settings, (PLAN_TYPO, PLAN))
    read, sub = _read(path, now, schema)
    assert read.problems == []
    assert sub.uppdrag_earlier == [EarlierWording(PLAN_TYPO, "A8", "")]
    assert _shown(sub, now)[PLAN][0] == "Ej påbörjad"
    assert checks.office_problems([sub], [sub], now) == []


def test_one_wording_fixed_for_every_avdelning_is_one_warning(rnd, tmp_path: Path) -> None:
    """An uppdrag for every avdelning, at another row on each sheet: one BB509 naming
    the avdelningar and each one's cell, in the plural."""
    settings, schema, inbox = rnd
    now = _now(settings, (FLYG_TYPO, FLYG))
    subs = []
    for name, cells in ((SPL_RETURN, {"C8": "Påbörjad"}), (EKO_RETURN, {"C9": "Klar"})):
        folder = tmp_path / name[:-5]
        folder.mkdir()
        read, sub = _read(_answered(inbox, folder, name, **cells), now, schema)
        assert read.problems == []
        subs.append(sub)
    (told,) = checks.office_problems(subs, subs, now)
    assert told.code == "BB509"
    assert told.message.startswith(
        f"Uppdraget ”{FLYG_TYPO}” har fått lydelsen ”{FLYG}” i budgetbook.toml efter att "
        "arbetsböckerna skapades. Arbetsböckerna från SPL och EKO svarar på den tidigare "
        "lydelsen (bladet Uppdrag, cell A8 hos SPL och cell A9 hos EKO), och sammanställningen "
        "och utkastet till nämndplanen visar avdelningarnas svar under den nya."
    )
    assert told.message.endswith("Avdelningarna får inget meddelande om detta.")
    merged = {u.text: u for u in merge_uppdrag(subs, now)}
    assert merged[FLYG].status == "Påbörjad"  # the least advanced of the two, as always
    assert FLYG_TYPO not in merged


def test_a_template_without_the_record_behaves_as_before(rnd, tmp_path: Path) -> None:
    """Workbooks sent out by an earlier budgetbook carry no record: nothing is paired;
    the earlier wording is read as an uppdrag the avdelning named itself, as before."""
    settings, schema, inbox = rnd
    wb = openpyxl.load_workbook(inbox / EKO_RETURN)
    wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if p.name != S.ID_UPPDRAG]
    del wb.defined_names[S.ID_UPPDRAG]
    wb["Uppdrag"]["C8"] = "Klar"
    path = tmp_path / EKO_RETURN
    wb.save(path)
    now = _now(settings, (PLAN_TYPO, PLAN))
    read, sub = _read(path, now, schema)
    assert read.problems == []  # still protected: PLAN taken as added later
    assert sub.uppdrag_earlier == [] and sub.uppdrag_added == []
    shown = _shown(sub, now)
    assert shown[PLAN_TYPO][0] == "Klar" and shown[PLAN][0] == ""
    assert checks.office_problems([sub], [sub], now) == []


def _key(*texts: str) -> list[str]:
    return [norm(t) for t in texts]


def test_the_rule_for_a_sure_match() -> None:
    """`reworded` on the record our template writer stores, case by case."""
    a, b, c = "Minska sjukfrånvaron till 6 procent.", PLAN_TYPO, FAKTURA
    record = S.read_uppdrag_record(S.uppdrag_record(_key(a, b, c)))
    assert record is not None

    def pairs(given: list[str], earlier: list[str], named: tuple[str, ...] = ()) -> dict:
        return reworded(record, _key(*given), _key(*earlier), set(_key(*named)))

    assert pairs([a, PLAN, c], [b]) == {0: 1}
    assert pairs([OTHER, a, PLAN, c, FLYG], [b]) == {0: 2}  # more uppdrag, same place
    assert pairs([a, c, PLAN], [b]) == {}  # moved past c
    assert pairs([c, a, PLAN], [b]) == {}  # those kept reordered
    assert pairs([a, OTHER, c], [b]) == {}  # another uppdrag in its place
    assert pairs([a, PLAN, c], [b], (PLAN,)) == {}  # the head answered the new wording
    assert pairs([a, PLAN, c], [b, b]) == {}  # on two rows: which one?
    # two fixed at one place, each alike only its own: both; alike both: neither
    a2 = "Minska sjukfrånvaron till 6 procent"
    assert pairs([a2, PLAN, c], [a, b]) == {0: 0, 1: 1}
    etapp = S.read_uppdrag_record(S.uppdrag_record(_key("Etapp 1: bygga om simhallen.")))
    assert etapp is not None
    assert (
        reworded(
            etapp, _key("Etapp 2: bygga om simhallen."), _key("Etapp 1: bygga om simhallen."), set()
        )
        == {}
    )


def test_clearly_similar_texts() -> None:
    """A typo, a full stop, a word added: alike. Another uppdrag of the same shape, or
    a number changed, is not."""
    for old, new in (
        (PLAN_TYPO, PLAN),
        (FLYG_TYPO, FLYG),
        (LOKAL, LOKAL.replace("kommunens ", "kommunens egna ")),
    ):
        assert similar(norm(old), norm(new)), (old, new)
    for old, new in (
        (PLAN, "Ta fram en plan för kommunens kompetensförsörjning till 2035."),
        (PLAN, PLAN.replace("2035", "2040")),
        (
            "Införa ett gemensamt system för personal och lön i hela kommunen.",
            "Införa ett gemensamt system för ekonomi i hela kommunen.",
        ),
        (PLAN, OTHER),
    ):
        assert not similar(norm(old), norm(new)), (old, new)


PLAN_TERM = "Ta fram en plan för kommunens lokalförsörjning under mandatperioden."


def test_one_word_changed_in_a_long_sentence_is_another_uppdrag() -> None:
    """Review: `similar` compared the whole sentences, so one word swapped in a long
    one always stayed above the threshold, a reversal too, and another uppdrag took
    the earlier one's status. Compared word by word, a word replaced must be a typo of
    the other, and a word added or removed no negation or reversal."""
    from difflib import SequenceMatcher

    for old, new in (
        # the module's own example at the length of a real uppdrag (0.914 alike)
        (PLAN_TERM, PLAN_TERM.replace("lokalförsörjning", "kompetensförsörjning")),
        (LOKAL, LOKAL.replace(" till ", " från ")),  # the direction reversed
        (
            "Öka andelen e-fakturor från leverantörerna.",
            "Minska andelen e-fakturor från leverantörerna.",
        ),
        (LOKAL, LOKAL.replace("ska föras", "ska inte föras")),  # a negation added
        (LOKAL.replace("ska föras", "ska inte föras"), LOKAL),  # and removed
        (LOKAL, LOKAL.replace("ska föras", "ska ej föras")),
        ("Utreda om fler förskoleplatser behövs.", "Utreda om färre förskoleplatser behövs."),
        # one letter apart, but another word: a typo keeps the word's beginning
        ("Ta fram en plan för heltid som norm.", "Ta fram en plan för deltid som norm."),
        (
            "Utreda utvecklingen av kommunens fritidsgårdar.",
            "Utreda avvecklingen av kommunens fritidsgårdar.",
        ),
        (
            "Utreda hur kommunen kan göra lokalerna tillgängliga.",
            "Utreda hur kommunen kan göra lokalerna otillgängliga.",
        ),
        # one part of a compound changed: more than a typo's two letters
        ("Utreda en avgiftshöjning för bygglov.", "Utreda en avgiftssänkning för bygglov."),
        (
            "Ta fram riktlinjer för stadsbyggnadsnämnden.",
            "Ta fram riktlinjer för byggnadsnämnden.",
        ),
        # three words added: more than a wording fixed
        (LOKAL, LOKAL.replace("kommunstyrelsen", "kommunstyrelsen eller en ny nämnd")),
        # two words added to a short uppdrag: the whole text is no longer alike
        ("Minska sjukfrånvaron.", "Minska sjukfrånvaron bland chefer."),
    ):
        assert not similar(norm(old), norm(new)), (old, new)
    # what the whole-sentence ratio alone let through
    for old, new in (
        (PLAN_TERM, PLAN_TERM.replace("lokalförsörjning", "kompetensförsörjning")),
        (LOKAL, LOKAL.replace(" till ", " från ")),
        (LOKAL, LOKAL.replace("ska föras", "ska inte föras")),
    ):
        assert SequenceMatcher(None, norm(old), norm(new), autojunk=False).ratio() >= 0.9


def test_a_wording_fixed_is_still_the_same_uppdrag() -> None:
    """What the office rewords after the workbooks went out and still means the same
    uppdrag: a typo, punctuation or spacing, a word added, a word's ending."""
    for old, new in (
        (LOKAL.replace("kommunstyrelsen", "kommunstyrlsen"), LOKAL),
        (LOKAL, LOKAL.removesuffix(".")),  # a full stop dropped
        (PLAN, PLAN.replace("till 2035", "senast till 2035")),
        (PLAN, PLAN.replace("för kommunens", "för hela kommunens").replace("till", "senast till")),
        (
            "Öka andelen e-fakturor från leverantörerna.",
            "Ökad andel e-fakturor från leverantörerna.",
        ),
        ("Öka samverkan med civilsamhället.", "Ökad samverkan med civilsamhället."),
        (FAKTURA, "Införa efaktura för alla leverantörer"),  # a hyphen, a full stop
        (OTHER, OTHER.replace("försörjningsplan", "försörjnings plan")),  # a compound split
        (FAKTURA, "Införa e-faktura  för alla våra leverantörer."),
    ):
        assert similar(norm(old), norm(new)), (old, new)


def test_a_direction_reversed_in_the_settings_is_not_carried_over(rnd, tmp_path: Path) -> None:
    """The review's reproduction: EKO's 'föras över till kommunstyrelsen' reworded to
    'från'. The head's 'Klar' was carried over to the other uppdrag with a BB509; now
    the new wording counts as added (BB508, naming the row answering the earlier one)."""
    settings, schema, inbox = rnd
    path = _answered(inbox, tmp_path, C7="Klar", D7="Utredningen är klar.")
    reversed_ = LOKAL.replace(" till ", " från ")
    now = _now(settings, (LOKAL, reversed_))
    read, sub = _read(path, now, schema)
    assert read.problems == []
    assert sub.uppdrag_added == [reversed_]
    assert sub.uppdrag_earlier == [EarlierWording(LOKAL, "A7", "")]
    assert _shown(sub, now)[reversed_] == ("", "")
    (added,) = checks.office_problems([sub], [sub], now)
    assert added.code == "BB508"
    assert f"tidigare lydelsen ”{LOKAL}” på bladet Uppdrag, cell A7" in added.message


# --- the whole round: collect, the feedback copy, the consolidation and the draft ----


def _toml_edit(root: Path, old: str, new: str | None) -> None:
    """The office edits budgetbook.toml: rewords an uppdrag, or removes it (new None)."""
    path = root / "budgetbook.toml"
    text = path.read_text(encoding="utf-8")
    line = f'text = "{old}"'
    assert line in text
    if new is None:
        start = text.rindex("[[uppdrag]]", 0, text.index(line))
        end = text.index("\n\n", start) + 2
        text = text[:start] + text[end:]
    else:
        text = text.replace(line, f'text = "{new}"')
    path.write_text(text, encoding="utf-8")


def _draft_rows(path: Path) -> list[list[str]]:
    """The rows of every table in the Word draft, as its reader sees them."""
    document = docx.Document(str(path))
    return [[c.text for c in row.cells] for t in document.tables for row in t.rows]


def test_collect_consolidate_and_the_draft(tmp_path: Path) -> None:
    """The example round; EKO's head answers its uppdrag (and keeps a sheet of notes,
    a warning, so a feedback copy is written). The office then fixes a word in EKO's
    uppdrag and withdraws SPL's. Every return is accepted; the office gets one BB509
    in the collect result and the inlämningskontroll, the head nothing; the
    consolidation and the draft show the new wording with the head's answer, and
    neither the earlier wording nor the withdrawn uppdrag."""
    ws = tmp_path / "ws"
    settings = example_settings(ws)
    write_example_returns(settings, actions.templates(ws), ws / "inbox")
    eko = ws / "inbox" / EKO_RETURN
    wb = openpyxl.load_workbook(eko)
    wb["Uppdrag"]["C7"] = "Påbörjad"
    wb["Uppdrag"]["D7"] = "Lokalinventeringen pågår."
    wb.create_sheet("Anteckningar")["A1"] = "Egna anteckningar"
    wb.save(eko)
    old = _own(settings, "EKO").text
    new = old.replace("kommunens verksamhetslokaler", "kommunens samtliga verksamhetslokaler")
    withdrawn = _own(settings, "SPL").text
    _toml_edit(ws, old, new)
    _toml_edit(ws, withdrawn, None)

    collected = actions.collect(ws)
    codes = [p.code for p in collected.problems]
    assert "BB413" not in codes and "BB508" not in codes
    assert [s.status for s in collected.statuses if s.avdelning == "EKO"] == ["varningar"]
    (told,) = [p for p in collected.problems if p.code == "BB509"]
    assert told.message.startswith(f"Uppdraget ”{old}” har fått lydelsen ”{new}” i ")
    assert "Arbetsboken från EKO svarar på den tidigare lydelsen (bladet Uppdrag, cell A7)" in (
        told.message
    )
    assert "BB509" in workbook_text(Path(collected.outputs["inlamningskontroll"]))
    shown = workbook_text(feedback_path(ws / "output", "EKO", settings))
    assert "BB207" in shown  # the copy is there and lists the head's own finding
    assert "BB509" not in shown and "har fått lydelsen" not in shown

    cons, workbook = actions.consolidate(ws, collected)
    listed = {u.text: u for u in cons.uppdrag}
    assert (listed[new].status, listed[new].comment) == ("Påbörjad", "Lokalinventeringen pågår.")
    assert old not in listed and withdrawn not in listed
    in_workbook = workbook_text(workbook)
    assert new in in_workbook and "Lokalinventeringen pågår." in in_workbook
    rows = _draft_rows(actions.report(ws, cons))
    # the draft's Uppdrag table: text, start, status, ansvarig (no comment column)
    assert [new, "2027", "Påbörjad", "Ekonomiavdelningen"] in rows
    shown = " ".join(" ".join(row) for row in rows)
    assert old not in shown and withdrawn not in shown


def test_an_answer_to_an_uppdrag_since_removed_is_told_to_the_office(rnd, tmp_path: Path) -> None:
    """An uppdrag removed from the settings after the workbooks went out (finished, or
    removed by mistake): the draft leaves out the head's answer, as it should if it was
    on purpose, but without a word to the office it was lost silently when not."""
    settings, schema, inbox = rnd
    path = _answered(inbox, tmp_path, C10="Klar", D10="Infört i mars.")
    now = _now(settings, (FAKTURA, None))
    _, sub = _read(path, now, schema)
    assert FAKTURA not in _shown(sub, now)
    (told,) = checks.office_problems([sub], [sub], now)
    assert told.code == "BB510" and told.file == "" and not told.is_error
    assert told.message == (
        f"Uppdraget ”{FAKTURA}” finns inte längre i budgetbook.toml, men arbetsboken från EKO "
        "svarar på det (bladet Uppdrag, cell A10). Sammanställningen och utkastet till "
        "nämndplanen visar inte svaret. Togs uppdraget bort med avsikt behöver inget göras; "
        "annars lägg tillbaka det under [[uppdrag]] i budgetbook.toml med samma text, så "
        "visas svaret. Avdelningen får inget meddelande om detta."
    )
    # given to another avdelning now: said so, and nothing to put back
    moved = dataclasses.replace(
        settings,
        uppdrag=tuple(
            dataclasses.replace(u, avdelning="SPL") if u.text == FAKTURA else u
            for u in settings.uppdrag
        ),
    )
    _, sub = _read(path, moved, schema)
    (told,) = checks.office_problems([sub], [sub], moved)
    assert told.message.startswith(f"Uppdraget ”{FAKTURA}” ges nu till SPL i budgetbook.toml")
    assert "Flyttades uppdraget med avsikt behöver inget göras." in told.message
    # not answered (no status, no comment): nothing lost, nothing said
    _, sub = _read(_answered(inbox, tmp_path, C10=None, D10=None), now, schema)
    assert checks.office_problems([sub], [sub], now) == []
