"""Genders of job titles: the feminine of a title given only in the masculine (`feminize`), and both forms of a
title written with both (`genders`: « contrôleur/euse aérien/ne », « Chef / Cheffe de projet »).

`feminize` changes only the words before the first preposition (« directeur de la clientèle » →
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


# -- titles written with both genders ----------------------------------------------------------------------
# « contrôleur/euse aérien/ne », « chargé(e) », « représentant·e »: a word and the ending of its feminine.
_ENDING = re.compile(r"(\w+)(?:/|\(|·|\.)(e|es|ne|le|euse|euses|rice|trice|ère|ere|ière|iere|ive|ienne|enne|ale|"
                     r"elle|eure|ffe|esse|se|te)\)?(?![\w/])", re.I)
# ending of the feminine → the masculine ending it replaces (« euse » replaces « eur »); others are appended
_REPLACES = {"euse": "eur", "euses": "eurs", "rice": "eur", "trice": "teur", "ère": "er", "ere": "er",
             "ière": "ier", "iere": "ier", "ive": "if", "ienne": "ien", "enne": "en", "ale": "al", "elle": "el",
             "eure": "eur", "ffe": "f", "esse": "e", "se": "", "te": ""}
_SPACED = re.compile(r"\s+/\s+")


def _with_ending(word: str, ending: str) -> str:
    """« contrôleur » + « euse » → « contrôleuse »; « aérien » + « ne » → « aérienne »."""
    replaced = _REPLACES.get(ending.lower(), "")
    if replaced and word.lower().endswith(replaced):
        return word[: len(word) - len(replaced)] + ending
    return word + ending  # « chargé » + « e »; an ending that does not fit the word is appended as written


def _same_word(masculine: str, feminine: str) -> bool:
    """Whether two words are the genders of one (« Chef »/« Cheffe », « Conducteur »/« Conductrice »)."""
    a, b = masculine.lower().strip(",;"), feminine.lower().strip(",;")
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return common >= 3 or (common >= 2 and min(len(a), len(b)) <= 4)


def genders(title: str) -> tuple[str, str]:
    """(masculine, feminine) of a title written with both: « contrôleur/euse aérien/ne » → (« contrôleur
    aérien », « contrôleuse aérienne »); « Ingénieur concepteur / Ingénieure conceptrice informatique » →
    (« Ingénieur concepteur informatique », « Ingénieure conceptrice informatique »). A slash between two
    things that are not genders (« CAO/DAO », « français / LSF ») is kept in both."""
    title = " ".join(title.split())
    masculine = _ENDING.sub(lambda m: m.group(1), title)
    feminine = _ENDING.sub(lambda m: _with_ending(m.group(1), m.group(2)), title)
    parts = _SPACED.split(masculine, maxsplit=1)
    if len(parts) == 2:
        left, right = parts[0].split(), parts[1].split()
        for size in range(min(len(left), len(right)), 0, -1):
            if all(_same_word(m, f) for m, f in zip(left[len(left) - size:], right[:size])):
                rest = right[size:]
                masculine = " ".join(left + rest)
                feminine = " ".join(left[: len(left) - size] + right)
                break
    return masculine, feminine
