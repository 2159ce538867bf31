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
2. The two texts are clearly the same uppdrag reworded (`similar`), compared word by
   word (words: runs of letters and digits of the texts as the draft matches them, so
   punctuation and spacing do not count). Every word of one is in the other in the
   same order, except:
   - words written apart or together, or with or without a hyphen ("e-faktura",
     "efaktura"; "kompetensförsörjnings plan");
   - a word replaced by a typo of it, paired one to one: the same first letter, at
     most `TYPO_CHARS` letters changed, and `TYPO` of their letters in common
     ("kommunstyrlsen" and "kommunstyrelsen", "öka" and "ökad", "plan" and "planen").
     A word replaced by one that is no typo of it is another uppdrag;
   - at most `ADDED` words added or removed in all ("senast", "hela", "egna"), none of
     them a negation or a word that turns a direction or an amount (`_REVERSING`:
     "inte", "ej", "ingen", "utan", "fler", "minska", …), and none where a word was
     removed at the same place (that is a word replaced).
   Besides, the same numbers in the same order, and at least `SIMILAR` of the
   whole texts' characters in common (`difflib`).

   Why these limits. The ratio on the whole text alone depends on its length: in a
   sentence as long as most uppdrag, one word swapped always stays above 0.9, so
   "… plan för kommunens lokalförsörjning under mandatperioden" against
   "… kompetensförsörjning …" (0.914), "föras över till kommunstyrelsen" against
   "… från kommunstyrelsen", "Öka …" against "Minska …" or "ska inte föras över"
   paired, and the other uppdrag took the earlier one's status into the nämndplan.
   Word by word, the length does not matter. `TYPO` 0.75 keeps a fixed typo or an
   ending ("lokalförsörjnig" 0.97, "öka"/"ökad" 0.86, "plan"/"planen" 0.80) and
   drops another word of the same shape ("lokalförsörjning" and
   "kompetensförsörjning" 0.67, "till"/"från" 0, "öka"/"minska" 0.44, "fler"/"färre"
   0.44, "kommunstyrelsen"/"kulturstyrelsen" 0.73). The first letter, because in
   Swedish the beginning turns a word and a typo rarely sits there: "heltid"/"deltid"
   (0.83), "utvecklingen"/"avvecklingen", "inflyttning"/"utflyttning",
   "tillgängliga"/"otillgängliga" (0.96). `TYPO_CHARS` 2, because a typo is a letter
   or two, while one part of a compound changed is more and can be the opposite:
   "avgiftshöjning"/"avgiftssänkning" (0.76), "stadsbyggnadsnämnden"/
   "byggnadsnämnden" (0.86). `ADDED` 2 keeps a word or two specified ("senast",
   "hela") without letting a clause in; a negation added or removed turns the
   uppdrag whatever the length ("ska inte föras över"), and an added "minska" or
   "färre" sets a direction the earlier wording did not have. `SIMILAR` 0.9 on the
   whole texts now only rejects: two words added to a short uppdrag ("Minska
   sjukfrånvaron." and "… bland chefer.", 0.76) change what it asks. The numbers are
   compared apart: "Etapp 1" against "Etapp 2", or "till 2035" against "till 2040",
   is another uppdrag, however alike the letters. A fix
   these reject (a typo in a word's first letter, a word moved) is left unpaired:
   BB508 tells the office, and nothing false is carried over.
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

# Share of the whole texts' characters in common (SequenceMatcher.ratio): a second guard
SIMILAR = 0.9
# A word replaced by a typo of it: this share of letters in common, at most so many changed
TYPO = 0.75
TYPO_CHARS = 2
# Words added or removed in all
ADDED = 2
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"\w+")
# Words that turn an uppdrag when added or removed: negations, and words that give a
# direction or an amount (with the verbs' stems, for their forms: "ökad", "minskning")
_REVERSING = frozenset(
    {"inte", "ej", "icke", "ingen", "inget", "inga", "ingenting", "aldrig", "varken", "utan"}
    | {"bort", "tillbaka", "mer", "mindre", "fler", "färre", "större", "högre", "lägre"}
)
_REVERSING_STEMS = ("ök", "minsk", "höj", "sänk", "avveckl", "upphör")


def similar(old: str, new: str) -> bool:
    """Whether two normalised wordings (`consolidate_plan.norm`) are clearly the same
    uppdrag reworded: the same numbers in the same order, word by word the same but for
    spacing, typos and `ADDED` words (none reversing), and `SIMILAR` alike."""
    if _NUMBER.findall(old) != _NUMBER.findall(new):
        return False
    # imported here: only a return answering a changed wording gets this far, and the
    # reader's import is part of every collect's start
    from difflib import SequenceMatcher

    was, now = _WORD.findall(old), _WORD.findall(new)
    added: list[str] = []  # or removed
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, was, now, autojunk=False).get_opcodes():
        if tag == "equal" or "".join(was[i1:i2]) == "".join(now[j1:j2]):
            continue  # the same words, or written apart or together
        removed, put = _unpaired(was[i1:i2], now[j1:j2])
        if removed and put:
            return False  # a word replaced by one that is no typo of it
        added += removed + put
    if len(added) > ADDED or any(_reverses(word) for word in added):
        return False
    return SequenceMatcher(None, old, new, autojunk=False).ratio() >= SIMILAR


def _reverses(word: str) -> bool:
    return word in _REVERSING or word.startswith(_REVERSING_STEMS)


def _typo(a: str, b: str) -> bool:
    """Whether word `b` is word `a` with a typo fixed (or made), as the module doc says."""
    if a[0] != b[0] or _NUMBER.search(a + b) or _reverses(a) != _reverses(b):
        return False
    from difflib import SequenceMatcher

    match = SequenceMatcher(None, a, b, autojunk=False)
    common = sum(block.size for block in match.get_matching_blocks())
    return max(len(a), len(b)) - common <= TYPO_CHARS and match.ratio() >= TYPO


def _unpaired(was: list[str], now: list[str]) -> tuple[list[str], list[str]]:
    """The words of each of two replaced runs that no typo pairs with a word of the
    other: the most pairs, one to one and in order (a longest common subsequence under
    `_typo`)."""
    typo = [[_typo(a, b) for b in now] for a in was]
    most = [[0] * (len(now) + 1) for _ in range(len(was) + 1)]
    for i in reversed(range(len(was))):
        for j in reversed(range(len(now))):
            paired = most[i + 1][j + 1] + 1 if typo[i][j] else 0
            most[i][j] = max(most[i + 1][j], most[i][j + 1], paired)
    removed: list[str] = []
    put: list[str] = []
    i = j = 0
    while i < len(was) and j < len(now):
        if typo[i][j] and most[i][j] == most[i + 1][j + 1] + 1:
            i, j = i + 1, j + 1
        elif most[i + 1][j] >= most[i][j + 1]:
            removed.append(was[i])
            i += 1
        else:
            put.append(now[j])
            j += 1
    return removed + was[i:], put + now[j:]


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
