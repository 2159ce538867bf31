"""Which given uppdrag a return answers by an earlier wording (the office reworded it
in the settings after the template was written), when that can be told for sure.

The template's record (`schema.UppdragRecord`) holds a digest of each uppdrag it was
prefilled with, in the sheet's order. A row of the return whose text is in the record
but no longer in the settings answers a withdrawn wording; an uppdrag the settings give
now that the record lacks, and that the return does not name, was added or reworded
since. `reworded` pairs the two when all of these hold:

1. The uppdrag that kept their wording stand in the same order in the record and in
   the settings (nothing moved around them), and the earlier and the new wording stand
   between the same two of them: the same place in the list. The number of uppdrag
   need not be the same: an uppdrag added in October elsewhere in the list does not
   make a typo fixed at the same time unclear.
2. The two texts are clearly alike (`similar`): the same numbers, and at least
   `SIMILAR` of their characters in common (`difflib`, on the texts as the draft
   matches them). A typo fixed, a word added or a full stop dropped stays well above
   it; two different uppdrag of one avdelning ("… plan för kommunens
   lokalförsörjning …" and "… kompetensförsörjning …") fall below, and "Etapp 1"
   against "Etapp 2", or "till 2035" against "till 2040", differ in a number.
3. Each is the other's only such match (no other earlier row at that place is alike
   the new wording, and no other new uppdrag the earlier one), and pairs at one place
   keep their order.

Position alone is not enough: an uppdrag the nämnd replaced by a new one at the same
place looks the same, and carrying its "Klar" over would put a false status before the
nämnd. Likeness alone is not either: similar uppdrag reordered would pair wrongly.
Anything else is left unpaired for the office to settle (BB508 says where the return
answers the earlier wording).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence

from .schema import UppdragRecord

# Share of characters in common (SequenceMatcher.ratio) for two wordings to be alike
SIMILAR = 0.9
_NUMBER = re.compile(r"\d+")


def similar(old: str, new: str) -> bool:
    """Whether two normalised wordings (`consolidate_plan.norm`) are clearly the same
    uppdrag reworded: the same numbers in the same order, and `SIMILAR` alike."""
    if _NUMBER.findall(old) != _NUMBER.findall(new):
        return False
    # imported here: only a return answering a changed wording gets this far, and the
    # reader's import is part of every collect's start
    from difflib import SequenceMatcher

    return SequenceMatcher(None, old, new, autojunk=False).ratio() >= SIMILAR


def reworded(
    record: UppdragRecord, given: Sequence[str], earlier: Sequence[str], named: set[str]
) -> dict[int, int]:
    """{index in `earlier`: index in `given`} for each pair the module doc allows.

    `given`: the settings' uppdrag of the avdelning now, normalised, in order.
    `earlier`: the normalised texts of the return's rows whose wording the record holds
    and the settings no longer give, in the sheet's order. `named`: the normalised
    texts of the return's other rows (an uppdrag the head typed in with the new
    wording is answered already)."""
    if not earlier:
        return {}
    at = [record.position(key) for key in given]
    kept = [(j, i) for j, i in enumerate(at) if i is not None]
    kept_in_record = [i for _, i in kept]
    if kept_in_record != sorted(kept_in_record):
        return {}  # reordered: no place can be told for sure
    kept_in_given = [j for j, _ in kept]
    new = [j for j, i in enumerate(at) if i is None and given[j] not in named]
    # each wording once: one on two rows (a row copied) is no sure match for either
    rows = Counter(earlier)
    then = {key: record.position(key) or 0 for key in rows}
    alike = [
        (key, j)
        for key in rows
        for j in new
        if bisect_left(kept_in_record, then[key]) == bisect_left(kept_in_given, j)
        and similar(key, given[j])
    ]
    olds, news = Counter(key for key, _ in alike), Counter(j for _, j in alike)
    pairs = {key: j for key, j in alike if rows[key] == olds[key] == news[j] == 1}
    # at each place, the pairs in the record's order must be in the settings' order too
    by_place: dict[int, list[tuple[int, int]]] = {}
    for key, j in pairs.items():
        by_place.setdefault(bisect_left(kept_in_record, then[key]), []).append((then[key], j))
    in_order = {place for place, found in by_place.items() if _in_order(found)}
    return {
        e: pairs[key]
        for e, key in enumerate(earlier)
        if key in pairs and bisect_left(kept_in_record, then[key]) in in_order
    }


def _in_order(place: list[tuple[int, int]]) -> bool:
    """Whether pairs (position in the record, index in the settings) keep their order."""
    return [j for _, j in sorted(place)] == sorted(j for _, j in place)
