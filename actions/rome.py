"""Answers about a ROME 4.0 fiche (France Travail): what the code covers, its job titles, the job sheets it links."""

from __future__ import annotations

from knowledge.kb import KnowledgeBase
from knowledge.model import CodeRome, Metier

from .compose import Answer, answer, join_fr, missing

TITLES = 12  # appellations listed; the rest is counted


def presentation(kb: KnowledgeBase, record: CodeRome, gender: str) -> Answer:
    """« E1401 Développement et promotion publicitaire »: its definition's first line, the job titles it groups,
    and the job sheets of the base attached to it."""
    if not (record.definition or record.appellations):
        return missing(record, "de description", f"la fiche ROME « {record.label} »")
    parts = [f"Fiche ROME {record.label} (France Travail, ROME 4.0)."]
    if record.definition:
        parts.append(record.definition.split("\n", 1)[0])
    if record.appellations:
        shown = record.appellations[:TITLES]
        rest = len(record.appellations) - len(shown)
        parts.append(f"Métiers (appellations) qu'elle regroupe : {join_fr(shown)}"
                     + (f", et {rest} autres." if rest else "."))
    sheets = [m for m in (kb.get(i) for i in kb.metiers_for_rome(record.code)) if isinstance(m, Metier)]
    if sheets:
        parts.append("Fiches métiers liées dans ma base : " + join_fr([m.label for m in sheets[:8]]) + ".")
    return answer(record, "\n".join(parts))
