"""Which fact answers a question: the NLU tells the kind of question (the intent), the record named tells
its type, and the pair picks the composer. « Quel niveau ? » is an access level for a job, a level
with entry requirements for a certification, a level, length and admission for a formation; « c'est quoi ? »
describes a job, a certification, a sector or a formation; « quels métiers ? » lists the jobs of a certification,
a sector, an interest, a formation (with its further studies), or the jobs related to a job; « quelles études ? »
about a formation is what one can study after it."""

from __future__ import annotations

from typing import Optional

from knowledge.model import Record

from . import certification, formation, metier, rome, secteur
from .record_types import BY_NAME, CERTIFICATION, FORMATION, INTERET, METIER, ROME, SECTEUR, Handler

# intent → record type → composer; the first type is the one the question is mostly about.
ROUTES: dict[str, dict[str, Handler]] = {
    "ask_studies": {METIER: metier.studies, CERTIFICATION: certification.prerequisites,
                    FORMATION: formation.further_studies},
    "ask_level": {METIER: metier.access_level, CERTIFICATION: certification.level_and_entry,
                  FORMATION: formation.level},
    "ask_description": {METIER: metier.description, CERTIFICATION: certification.overview,
                        SECTEUR: secteur.sector_overview, FORMATION: formation.overview,
                        INTERET: secteur.jobs_for_interest, ROME: rome.presentation},
    "ask_profile": {METIER: metier.profile, CERTIFICATION: certification.skill_blocks},
    "ask_jobs": {CERTIFICATION: certification.jobs, SECTEUR: secteur.sector_jobs,
                 INTERET: secteur.jobs_for_interest, FORMATION: formation.outcomes, METIER: metier.related_jobs,
                 ROME: rome.presentation},
    "ask_working_conditions": {METIER: metier.working_conditions},
    "ask_status": {METIER: metier.status},
    "ask_rome_code": {METIER: metier.rome_code, CERTIFICATION: certification.rome_codes},
    "ask_other_names": {METIER: metier.other_names},
    "ask_salary": {METIER: metier.salary},
    "ask_certifier": {CERTIFICATION: certification.certifier},
    "ask_insertion_stats": {CERTIFICATION: certification.insertion},
    "ask_jury_vae": {CERTIFICATION: certification.jury_vae},
    "ask_validity_dates": {CERTIFICATION: certification.validity},
    "ask_internal_external_communication": {SECTEUR: secteur.internal_external},
    # two records or more are put side by side (actions/turn.py `side_by_side`); one alone is presented
    "ask_comparison": {METIER: metier.description, CERTIFICATION: certification.overview, FORMATION: formation.overview},
}
DESCRIBE = "ask_description"


def is_question(intent: str) -> bool:
    return intent in ROUTES


def types_for(intent: str) -> list[str]:
    """The record types a question can be about, the main one first."""
    return list(ROUTES.get(intent, {}))


def about_certification_only(intent: str) -> bool:
    """Questions only a certification answers (its certifier, statistics…): a job named means its certification."""
    return types_for(intent) == [CERTIFICATION]


def handler_for(record: Record, intent: str) -> Optional[Handler]:
    """The composer answering `intent` about `record` (its presentation if the question does not apply)."""
    known = BY_NAME.get(record.type)
    return ROUTES.get(intent, {}).get(record.type) or (known.present if known else None)
