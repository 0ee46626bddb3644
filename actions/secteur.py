"""Answers about sectors, interests, and what the base knows."""

from __future__ import annotations

from knowledge.kb import KnowledgeBase
from knowledge.model import CentreInteret, Metier, Secteur
from knowledge.normalize import fold

from .compose import Answer, answer, bullets, cited, job_title, join_fr, missing, page, sources_line
from .text import quantity

JOBS_PAGE = 8  # jobs listed at once for an interest


def sector_jobs(kb: KnowledgeBase, record: Secteur, gender: str) -> Answer:
    jobs = [kb.get(i) for i in record.metiers]
    jobs = [j for j in jobs if isinstance(j, Metier)]
    if not jobs:
        return missing(record, "de liste de métiers", f"le secteur « {record.nom} »")
    lines = [job_title(j, gender) + ("" if not j.description_absente else " (sans description dans ma source)")
             for j in jobs]
    result = answer(record, f"Les métiers de l'organigramme d'une {record.nom} :\n" + bullets(lines))
    result.options = [j.id for j in jobs]  # « le troisième », « le concepteur » pick one
    return result


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


def interest_rank(job: Metier, interest_ids: list[str]) -> tuple[bool, bool]:
    """How well a job stands for interests: jobs of the school's documents first, then those whose fiche names one
    of them first (a key to sort by)."""
    return bool(job.source.edition), not (job.centres_interet and job.centres_interet[0] in interest_ids)


def _interest_rank(job: Metier, interest_id: str) -> tuple:
    return (*interest_rank(job, [interest_id]), fold(job_title(job)))


def jobs_for_interest(kb: KnowledgeBase, record: CentreInteret, gender: str, start: int = 0) -> Answer:
    """The jobs whose fiche names the interest: a short list (a page of buttons), never the whole catalogue."""
    jobs = [kb.get(i) for i in kb.metiers_for_interest(record.id)]
    jobs = sorted((j for j in jobs if isinstance(j, Metier)), key=lambda j: _interest_rank(j, record.id))
    if not jobs:
        return missing(record, "de métier associé", f"le centre d'intérêt « {record.libelle} »")
    shown, more = page(jobs, start, JOBS_PAGE)
    if start == 0 and more is None:
        lead = f"Pour le centre d'intérêt « {record.libelle} », je connais :"
    elif start == 0:
        lead = (f"Pour le centre d'intérêt « {record.libelle} », je connais {len(jobs)} métiers. "
                f"En voici {len(shown)} :")
    else:
        lead = f"Autres métiers pour « {record.libelle} » ({start + 1} à {start + len(shown)} sur {len(jobs)}) :"
    result = Answer(text=lead + "\n" + bullets(job_title(j, gender) for j in shown), record_id=record.id,
                    source=sources_line(c for j in shown for c in cited(j, ["centres_interet"])))
    result.more, result.options = more, [j.id for j in shown]
    return result


def knowledge_overview(kb: KnowledgeBase) -> Answer:
    """What the base holds, read from the base itself: counts, the school's own documents, what to ask."""
    counts = kb.counts()
    jobs = [kb.get(i) for i in kb.ids("metier")]
    local = sorted((m for m in jobs if isinstance(m, Metier) and not m.source.edition), key=lambda m: m.label)
    certs = [kb.get(i) for i in kb.ids("certification")]
    parts = [
        f"Ma base contient {quantity(counts.get('metier', 0), 'métier')}, "
        f"{quantity(counts.get('certification', 0), 'certification')} RNCP, "
        f"{quantity(counts.get('formation', 0), 'formation')} et {quantity(counts.get('secteur', 0), 'secteur')}.",
    ]
    if local:
        parts.append("Métiers des documents de l'établissement :\n" + ", ".join(m.label for m in local[:12])
                     + (", …" if len(local) > 12 else "."))
    if certs:
        parts.append("Certifications :\n" + bullets(f"{c.intitule} ({c.numero})" for c in certs[:5]))
    invite = ("Demande-moi, pour un métier : ce qu'il fait, les études, les formations, le salaire du débutant, "
              "les qualités, les conditions de travail, les métiers proches, le code ROME ; pour une formation : "
              "ses débouchés ; ou des métiers selon tes centres d'intérêt.")
    result = Answer(text="", kind="answer", source="Sources : " + join_fr(kb.publishers()))
    return result.fit("\n".join(parts), invite)
