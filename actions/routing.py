"""Which fact answers a question: the NLU tells the kind of question (the intent), the record named tells
its type, and the pair picks the composer. « Quel niveau ? » is an access level for a job and a level
with entry requirements for a certification; « c'est quoi ? » describes a job, a certification or a sector."""

from __future__ import annotations

from typing import Any, Callable, Optional

from knowledge.kb import KnowledgeBase
from knowledge.model import Record

from . import certification, metier, secteur
from .compose import Answer

Handler = Callable[[KnowledgeBase, Any, str], Answer]

# intent → record type → composer; the first type is the one the question is mostly about.
ROUTES: dict[str, dict[str, Handler]] = {
    "ask_studies": {"metier": metier.studies, "certification": certification.prerequisites,
                    "formation": metier.formation_jobs},
    "ask_level": {"metier": metier.access_level, "certification": certification.level_and_entry},
    "ask_description": {"metier": metier.description, "certification": certification.overview,
                        "secteur": secteur.sector_overview, "formation": metier.formation_jobs,
                        "interet": secteur.jobs_for_interest},
    "ask_profile": {"metier": metier.profile, "certification": certification.skill_blocks},
    "ask_jobs": {"certification": certification.jobs, "secteur": secteur.sector_jobs,
                 "interet": secteur.jobs_for_interest, "formation": metier.formation_jobs},
    "ask_status": {"metier": metier.status},
    "ask_rome_code": {"metier": metier.rome_code},
    "ask_other_names": {"metier": metier.other_names},
    "ask_salary": {"metier": metier.salary},
    "ask_certifier": {"certification": certification.certifier},
    "ask_insertion_stats": {"certification": certification.insertion},
    "ask_jury_vae": {"certification": certification.jury_vae},
    "ask_validity_dates": {"certification": certification.validity},
    "ask_internal_external_communication": {"secteur": secteur.internal_external},
}
# What to say about a record when the question does not apply to its type: its presentation.
DEFAULTS: dict[str, Handler] = {
    "metier": metier.description, "certification": certification.overview, "secteur": secteur.sector_overview,
    "interet": secteur.jobs_for_interest, "formation": metier.formation_jobs,
}
DESCRIBE = "ask_description"


def is_question(intent: str) -> bool:
    return intent in ROUTES


def types_for(intent: str) -> list[str]:
    """The record types a question can be about, the main one first."""
    return list(ROUTES.get(intent, {}))


def about_certification_only(intent: str) -> bool:
    """Questions only a certification answers (its certifier, statistics…): a job named means its certification."""
    return types_for(intent) == ["certification"]


def handler_for(record: Record, intent: str) -> Optional[Handler]:
    """The composer answering `intent` about `record` (its presentation if the question does not apply)."""
    return ROUTES.get(intent, {}).get(record.type) or DEFAULTS.get(record.type)
