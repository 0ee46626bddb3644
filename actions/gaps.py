"""Questions about facts no fiche of the base holds (fees, admission chances, pass rates, places, unemployment):
recognised in the question's words, so that the answer says plainly the base lacks them about that record
instead of answering a nearby fact."""

from __future__ import annotations

import re
from typing import Optional

from knowledge.model import Certification, CodeRome, Formation, Metier, Record, Secteur

# (words of the question, what the base lacks, the record types it is said about: None for every type)
GAPS: tuple[tuple[re.Pattern, str, Optional[type | tuple[type, ...]]], ...] = (
    (re.compile(r"\b(frais|co[uû]te?s?|co[uû]ts?|payante?s?|combien [çc]a co[uû]te)\b", re.I),
     "les frais de scolarité", None),
    (re.compile(r"\b(prix|tarifs?)\b", re.I), "les frais de scolarité", (Formation, Certification)),  # a job's: its pay
    (re.compile(r"\b(chances?|taux d'admission|taux d'acc[eè]s)\b", re.I), "les chances d'admission", None),
    (re.compile(r"\btaux de r[ée]ussite\b|\br[ée]ussite (au|à l')\s?(examen|dipl[oô]me|bts|bac)", re.I),
     "le taux de réussite à l'examen", None),
    (re.compile(r"\b(combien de places|nombre de places|places (au|du) concours)\b", re.I), "le nombre de places",
     None),
    (re.compile(r"\bch[oô]mage\b", re.I), "de chiffres sur le chômage", Metier),
    (re.compile(r"\b(recrut\w*|embauch\w*)\b.*\b(en ce moment|actuellement|cette ann[ée]e|aujourd'hui)\b|"
                r"\b(en ce moment|actuellement)\b.*\b(recrut\w*|embauch\w*)\b", re.I),
     "de chiffres récents sur le recrutement", (Metier, Formation, CodeRome, Secteur)),
    (re.compile(r"\bportes?[- ]ouvertes?\b|\bJPO\b", re.I), "les dates de portes ouvertes", None),
    (re.compile(r"\b(date|dates|calendrier) (des |d'|de l')?(inscriptions?|rentr[ée]e|concours)\b", re.I),
     "les dates d'inscription", None),
)


def gap_asked(text: str, record: Optional[Record]) -> Optional[str]:
    """What the question asks that no fiche holds (« les frais de scolarité »), None for a question the base
    may answer; with no record, what it asks that the base holds for no record at all."""
    for words, lacking, kind in GAPS:
        if words.search(text or "") and (kind is None or record is None or isinstance(record, kind)):
            return lacking
    return None
