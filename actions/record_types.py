"""The record types a conversation can be about, declared once: the NLU entity that names each one, the slot
that remembers the latest one, how to ask which one, and its presentation (said when a question does not
apply to its type). domain.yml declares the same entities and slots for Rasa (checked by the tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from knowledge.kb import KnowledgeBase
from knowledge.model import CentreInteret, Certification, CodeRome, Formation, Metier, Secteur

from . import certification, formation, metier, rome, secteur
from .compose import Answer

Handler = Callable[[KnowledgeBase, Any, str], Answer]

METIER, CERTIFICATION, FORMATION, SECTEUR, INTERET, ROME = (
    Metier.TYPE, Certification.TYPE, Formation.TYPE, Secteur.TYPE, CentreInteret.TYPE, CodeRome.TYPE)


@dataclass(frozen=True)
class RecordType:
    name: str  # the knowledge base's type
    entity: Optional[str]  # the NLU entity that names one (None: found by the knowledge base's names only)
    slot: Optional[str]  # the slot remembering the latest one talked about
    ask: str  # how to ask which one; « {exemple} » is a record of this type
    present: Handler  # what to say about one when the question does not apply to its type
    # what can be asked next once one is presented: (button title, question intent), shown when the base holds it
    follow_ups: tuple[tuple[str, str], ...] = ()

    def ask_which(self, kb: KnowledgeBase) -> str:
        ids = kb.ids(self.name)
        return self.ask.format(exemple=kb.get(ids[0]).label if ids else "")


RECORD_TYPES = (
    RecordType(METIER, "job", "metier_id", "un métier (par exemple « {exemple} »)", metier.description,
               (("Quelles études ?", "ask_studies"), ("Quel salaire ?", "ask_salary"),
                ("Quelles qualités ?", "ask_profile"), ("Conditions de travail", "ask_working_conditions"),
                ("Métiers proches", "ask_jobs"))),
    RecordType(CERTIFICATION, "certification", "certification_id", "une certification (son nom ou son numéro RNCP)",
               certification.overview,
               (("Qui la délivre ?", "ask_certifier"), ("Quels métiers ?", "ask_jobs"),
                ("Quelles compétences ?", "ask_profile"), ("Taux d'insertion", "ask_insertion_stats"),
                ("Quel niveau ?", "ask_level"))),
    RecordType(SECTEUR, "sector", "secteur_id", "un secteur", secteur.sector_overview,
               (("Quels métiers ?", "ask_jobs"), ("Com interne ou externe ?", "ask_internal_external_communication"))),
    RecordType(FORMATION, "formation", None, "une formation", formation.overview,
               (("Niveau et accès", "ask_level"), ("Quels métiers ?", "ask_jobs"), ("Et après ?", "ask_studies"))),
    RecordType(INTERET, "interest", None, "un centre d'intérêt", secteur.jobs_for_interest),
    RecordType(ROME, None, None, "un code ROME (par exemple « {exemple} »)", rome.presentation),
)
BY_NAME = {t.name: t for t in RECORD_TYPES}
BY_ENTITY = {t.entity: t for t in RECORD_TYPES if t.entity}
CHOICE_ENTITY = "choice"  # a record id sent by a button payload


def type_of_entity(entity: dict) -> Optional[str]:
    """The record type an extracted entity names (None for other entities)."""
    known = BY_ENTITY.get(entity.get("entity") or "")
    return known.name if known else None
