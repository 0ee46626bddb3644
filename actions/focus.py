"""The sub-part of the subject a conversation is about: a block, a year of statistics, one certifier, the jury
(« le bloc 5 », « en 2018 », « le deuxième organisme », « l'ISEFAC », « le troisième » after a list of blocks),
kept in the `focus` slot with the precise fact last answered about it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from knowledge.model import Certification, Record
from knowledge.normalize import fold

BLOC, ANNEE, CERTIFIER, JURY = "bloc", "annee", "certificateur", "jury"  # kinds of sub-part (the `focus` slot)
ORDINAL_WORDS = {"premier": 1, "premiere": 1, "deuxieme": 2, "second": 2, "seconde": 2, "troisieme": 3,
                 "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "dernier": -1, "derniere": -1, "autre": -1}


@dataclass(frozen=True)
class Focus:
    """The sub-part of the subject a question is about (« bloc 5 », « 2018 », the second certifier, the jury), and
    the precise fact last answered about it (so that « et le bloc 3 ? » asks that fact again)."""

    kind: str = ""
    value: int = 0
    fact: str = ""

    def slot(self) -> Optional[str]:
        return f"{self.fact}|{self.kind}:{self.value}" if self.kind or self.fact else None

    @staticmethod
    def parse(slot: Optional[str]) -> Optional["Focus"]:
        fact, _, part = str(slot or "").rpartition("|")
        kind, _, value = part.partition(":")
        if not (kind or fact) or not value.lstrip("-").isdigit():
            return None
        return Focus(kind, int(value), fact)

    def about(self, kind: str, value: int) -> "Focus":
        return Focus(kind, value, self.fact)


def folded_words(text: str) -> str:
    """The message folded (no accents, lower case), its words between single spaces, one at each end; « où »
    (where) becomes « where », not the « ou » (or) its folding would give."""
    text = re.sub(r"(?i)\boù\b", " where ", text or "")
    return " " + " ".join(re.sub(r"[^a-z0-9+]+", " ", fold(text)).split()) + " "


def _ordinal(folded: str) -> Optional[int]:
    found = re.search(r" (?:le|la|du|au|l) (\d|premier|premiere|deuxieme|second|seconde|troisieme|quatrieme|"
                      r"cinquieme|sixieme|dernier|derniere|autre) ", folded)
    if not found:
        return None
    word = found.group(1)
    return int(word) if word.isdigit() else ORDINAL_WORDS[word]


def focus_of(text: str, record: Record, previous: Optional[Focus], questions: set[str]) -> Optional[Focus]:
    """The sub-part the message names (« le bloc 5 », « en 2018 », « le deuxième organisme », « l'ISEFAC »), else
    an ordinal read against what was just listed or is asked (`questions`: the intents of the previous answer and
    of this message), else the focus of the previous turn."""
    folded = folded_words(text)
    if not isinstance(record, Certification):
        return None
    base = previous or Focus()
    found = re.search(r" blocs? (?:n )?(?:no )?(\d) ", folded)
    if found:
        return base.about(BLOC, int(found.group(1)))
    found = re.search(r" (20\d\d) ", folded)
    if found:
        return base.about(ANNEE, int(found.group(1)))
    step = re.search(r" annee (d avant|precedente|d apres|suivante) ", folded)
    if step and previous and previous.kind == ANNEE:  # « et l'année d'avant ? »
        return base.about(ANNEE, previous.value + (-1 if step.group(1) in ("d avant", "precedente") else 1))
    for index, certifier in enumerate(record.certificateurs, 1):
        if names_certifier(text, certifier):
            return base.about(CERTIFIER, index)
    ordinal = _ordinal(folded)
    if ordinal is not None:
        if re.search(r" (organisme|certificateur|ecole)", folded) or (
                previous and previous.kind == CERTIFIER) or "ask_certifier" in questions:
            return base.about(CERTIFIER, ordinal if ordinal > 0 else len(record.certificateurs))
        if (previous and previous.kind == BLOC) or "ask_profile" in questions or " bloc" in folded:
            return base.about(BLOC, ordinal if ordinal > 0 else len(record.blocs))
    if re.search(r" (blocs|annees|promos|chiffres|organismes|certificateurs) ", folded):
        return None  # the whole of them, not the part discussed before
    return previous


def names_certifier(text: str, certifier) -> bool:
    """Whether the message names this certifier (« l'ISEFAC », « la Paris School »)."""
    folded = folded_words(text)
    return any(_names_certifier(folded, name) for name in (certifier.nom_legal, certifier.nom_commercial) if name)


GENERIC_NAME_WORDS = frozenset("paris lille institut formation formations ecole school communication tourism "
                               "promotion management developpement learning".split())


def _names_certifier(folded: str, name: str) -> bool:
    """« l'ISEFAC », « la Paris School » name a certifier: one of its distinctive words (or two in a row)."""
    words = [w for w in folded_words(name).split() if len(w) >= 4 and w not in GENERIC_NAME_WORDS]
    if any(f" {w} " in folded for w in words):
        return True
    parts = folded_words(name).split()
    return any(f" {a} {b} " in folded for a, b in zip(parts, parts[1:]) if len(a) >= 4 and len(b) >= 4)

