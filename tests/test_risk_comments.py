"""A risk's Kommentar (the Risker sheet's column D) is read and kept wherever a return's
objects go: the model, the read cache, the pickles from the reader workers and the
collect memo. It was never read, so the reason a department head gave for a risk
("Ramavtalet indexregleras i april.") was lost ("Nothing is lost")."""

from __future__ import annotations

import pickle

import openpyxl

from budgetbook import actions, read_cache
from budgetbook.collect_memo import DeferredSubmissions
from budgetbook.schema import build_schema
from budgetbook.workspace import Workspace

COMMENT = "Ramavtalet indexregleras i april & gäller\ntill 2028."


def test_a_risk_comment_is_read_and_kept_in_every_form_of_a_return(ws: Workspace) -> None:
    schema = build_schema(ws.settings())
    sheet = schema.sheet("risker")
    path = next(p for p in ws.inbox.iterdir() if "Ekonomiavdelningen" in p.name)
    wb = openpyxl.load_workbook(path)
    row = sheet.first_data_row + 1  # the second risk: not only the first row is read
    wb[sheet.name].cell(row, sheet.index("comment") + 1).value = COMMENT
    wb.save(path)

    first = actions.collect(ws.root)
    eko = next(s for s in first.submissions if s.avdelning == "EKO")
    assert eko.risks[1].comment == COMMENT
    assert eko.risks[0].comment  # the example's own comment too
    # across from a reader worker, and out of the read cache
    assert pickle.loads(pickle.dumps(eko)).risks[1].comment == COMMENT
    entry = read_cache.decode(read_cache.encode({}, eko, []))
    assert entry is not None and entry[1] is not None
    assert entry[1].risks[1].comment == COMMENT
    # a collect with nothing changed takes the returns from its memo
    again = actions.collect(ws.root)
    assert isinstance(again.submissions, DeferredSubmissions)
    eko_again = next(s for s in again.submissions if s.avdelning == "EKO")
    assert eko_again.risks[1].comment == COMMENT
