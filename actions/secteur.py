"""Answers about sectors, interests, and what the base knows."""

from __future__ import annotations

from knowledge.kb import KnowledgeBase
from knowledge.model import CentreInteret, Metier, Secteur

from .compose import Answer, answer, bullets, job_title, join_fr, missing


def sector_jobs(kb: KnowledgeBase, record: Secteur, gender: str) -> Answer:
    jobs = [kb.get(i) for i in record.metiers]
    jobs = [j for j in jobs if isinstance(j, Metier)]
    if not jobs:
        return missing(record, "de liste de métiers", f"le secteur « {record.nom} »")
    lines = [job_title(j, gender) + ("" if not j.description_absente else " (sans description dans ma source)")
             for j in jobs]
    return answer(record, f"Les métiers de l'organigramme d'une {record.nom} :\n" + bullets(lines))


def sector_overview(kb: KnowledgeBase, record: Secteur, gender: str) -> Answer:
    if not record.description:
        return missing(record, "de description", f"le secteur « {record.nom} »")
    text = "\n\n".join(record.description)
    if record.secteur_parent:
        text = f"L'{record.nom} fait partie des structures qui recrutent dans le secteur du {record.secteur_parent}.\n\n" + text
    return answer(record, text)


def internal_external(kb: KnowledgeBase, record: Secteur, gender: str) -> Answer:
    if not (record.communication_externe or record.communication_interne):
        return missing(record, "de distinction entre communication interne et externe", f"« {record.nom} »")
    parts = []
    if record.communication_externe:
        parts.append("Communication externe : " + record.communication_externe)
    if record.communication_interne:
        parts.append("Communication interne : " + record.communication_interne)
    return answer(record, "\n\n".join(parts))


def jobs_for_interest(kb: KnowledgeBase, record: CentreInteret, gender: str) -> Answer:
    jobs = [kb.get(i) for i in kb.metiers_for_interest(record.id)]
    jobs = [j for j in jobs if isinstance(j, Metier)]
    if not jobs:
        return missing(record, "de métier associé", f"le centre d'intérêt « {record.libelle} »")
    result = answer(
        record,
        f"Pour le centre d'intérêt « {record.libelle} », je connais :\n" + bullets(job_title(j, gender) for j in jobs),
    )
    result.source = "Source : " + join_fr(sorted({j.source.citation().removeprefix("Source : ") for j in jobs}))
    return result


def knowledge_overview(kb: KnowledgeBase) -> Answer:
    """What the base holds, read from the base itself."""
    counts = kb.counts()
    jobs = sorted((kb.get(i) for i in kb.ids("metier")), key=lambda m: m.label)
    certs = [kb.get(i) for i in kb.ids("certification")]
    parts = [
        f"Ma base contient {counts.get('metier', 0)} métiers, {counts.get('certification', 0)} certifications "
        f"RNCP, {counts.get('formation', 0)} formations et {counts.get('secteur', 0)} secteur(s).",
        "Métiers :\n" + bullets(m.label for m in jobs[:15]) + ("\n• …" if len(jobs) > 15 else ""),
        "Certifications :\n" + bullets(f"{c.intitule} ({c.numero})" for c in certs[:10]),
        "Tu peux me demander les études, le niveau, les missions, les qualités, les formations d'un métier ; "
        "le niveau, le certificateur, les blocs de compétences, le taux d'insertion ou les débouchés d'une "
        "certification.",
    ]
    return Answer(text="\n\n".join(parts), kind="answer", source="Sources : " + join_fr(kb.publishers()))
