"""The Bilaga's indicator list names only the indicators it holds.

QA (Socialnämnden, whose KF goals carry no KF indicators): the Bilaga read "Förteckning
över kommunfullmäktiges indikatorer samt socialnämndens nämndindikatorer." above a
table captioned "Kommunfullmäktiges indikatorer och nämndens indikatorer" that held
the nämnd's indicators only. The example round with the KF indicators taken out of
budgetbook.toml, its templates filled by the example filler, run and written to Word.
"""

from __future__ import annotations

import re

import docx

from budgetbook import actions
from budgetbook.example import write_example_returns


def test_appendix_without_kf_indicators_names_the_namnd_indicators_only(tmp_path):
    root = tmp_path / "ws"
    actions.init(root)
    toml = root / "budgetbook.toml"
    text = toml.read_text(encoding="utf-8")
    text, n = re.subn(r"\n  \[\[kf_goals\.indicators\]\]\n(?:  .*\n)+", "\n", text)
    assert n == 5
    toml.write_text(text, encoding="utf-8")
    settings = actions.open_workspace(root).settings()
    write_example_returns(settings, actions.templates(root), root / "inbox")
    actions.run(root)
    doc = docx.Document(str(root / "output" / "namndplan_2027.docx"))
    texts = [p.text for p in doc.paragraphs if p.text]
    start = len(texts) - 1 - texts[::-1].index("Bilaga")  # the heading, not the TOC line
    assert texts[start + 1] == "Förteckning över kommunstyrelsens nämndindikatorer."
    assert re.fullmatch(r"Tabell \d+: Nämndens indikatorer", texts[start + 2]), texts[start + 2]
    assert not any("kommunfullmäktiges indikatorer" in t.casefold() for t in texts[start:])
