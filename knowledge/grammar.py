"""Feminine forms of job titles, for sources that give only the masculine one.

Only the words before the first preposition change (« directeur de la clientèle » →
« directrice de la clientèle »); complements stay as they are.
"""

from __future__ import annotations

import re

_IRREGULAR = {"chef": "cheffe", "directeur": "directrice", "chargé": "chargée", "attaché": "attachée"}
_SUFFIXES = (("teur", "trice"), ("eur", "euse"), ("ier", "ière"), ("ien", "ienne"), ("é", "ée"), ("if", "ive"))
_INVARIABLE = frozenset("manager responsable artistique stratégique graphiste journaliste".split())
_PREPOSITIONS = frozenset("de du des d' en à au aux pour".split())


def feminize_word(word: str) -> str:
    lower = word.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower in _INVARIABLE:
        return word
    for masc, fem in _SUFFIXES:
        if lower.endswith(masc):
            return word[: len(word) - len(masc)] + fem
    return word


def feminize(title: str) -> str:
    """« concepteur rédacteur » → « conceptrice rédactrice »; « média planneur » → « média planneuse »."""
    words = re.split(r"(\s+)", title)
    out = []
    in_head = True
    for word in words:
        if word.strip().lower() in _PREPOSITIONS or word.lower().startswith(("d'", "l'")):
            in_head = False
        out.append(feminize_word(word) if in_head and word.strip() else word)
    return "".join(out)
