"""Answers about a job: studies, level, description, formations, qualities, status, ROME, names, interests."""

from __future__ import annotations

from knowledge.kb import KnowledgeBase
from knowledge.model import Certification, CodeRome, Formation, Metier

from .compose import Answer, answer, bullets, citation, combined, job_title, join_fr, missing, sentence


def _name(record: Metier, gender: str) -> str:
    return f"le métier de {job_title(record, gender)}"


def _certifications_hint(kb: KnowledgeBase, record: Metier) -> str:
    """Certifications that name this job among their accessible jobs (a fact of the base)."""
    certs = [kb.get(c) for c in kb.sources(record.id, "emploi")]
    certs = [c for c in certs if isinstance(c, Certification)]
    if not certs:
        return ""
    names = join_fr([f"« {c.intitule} » ({c.numero})" for c in certs])
    return f"\n\nÀ noter : {names} cite ce métier parmi ses emplois accessibles."


def studies(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    title = job_title(record, gender)
    if not (record.duree_etudes or record.formations or record.niveau_acces_min):
        result = missing(record, "d'information sur les études", _name(record, gender))
        result.text += _certifications_hint(kb, record)
        return result
    parts = [f"Pour devenir {title} :"]
    if record.duree_etudes:
        context = f"{record.duree_etudes_contexte.lower()}, " if record.duree_etudes_contexte else ""
        parts.append(sentence(context + record.duree_etudes[0].lower() + record.duree_etudes[1:]))
    if record.niveau_acces_min:
        parts.append(f"Niveau d'accès minimum : {record.niveau_acces_min}.")
    if record.formations:
        parts.append("Formations recommandées :\n" + bullets(f.libelle for f in record.formations))
    return answer(record, "\n".join(parts))


def access_level(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    if not (record.niveau_acces_min or record.duree_etudes):
        return missing(record, "de niveau d'accès ni de durée d'études", _name(record, gender))
    parts = []
    if record.niveau_acces_min:
        parts.append(f"Pour devenir {job_title(record, gender)}, le niveau d'accès minimum est {record.niveau_acces_min}.")
    if record.duree_etudes:
        context = f" ({record.duree_etudes_contexte.lower()})" if record.duree_etudes_contexte else ""
        parts.append(f"Durée des études{context} : {record.duree_etudes}")
    return answer(record, "\n".join(parts))


def description(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    title = job_title(record, gender)
    if record.description_absente:
        secteurs = join_fr([kb.get(s).label for s in record.secteurs if kb.get(s)])
        where = f" dans l'organigramme d'une {secteurs}" if secteurs else ""
        return Answer(
            text=f"Ma source cite le métier de {title}{where}, mais sans le décrire : je ne peux pas t'en dire "
            "plus sans inventer. Un conseiller d'orientation pourra te renseigner.",
            record_id=record.id, source=citation(record), kind="missing",
        )
    parts = [f"{sentence(title)} — en bref :"]
    if record.presentation:
        parts.append(record.presentation)
    elif record.description and not record.missions:
        parts.append(record.description)
    if record.missions:
        parts.append("Ses missions :\n" + bullets(record.missions))
    if record.rattachement:
        parts.append(record.rattachement)
    return answer(record, "\n\n".join(parts))


def qualities(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    if not record.qualites:
        return missing(record, "de liste des qualités attendues", _name(record, gender))
    return answer(
        record,
        f"Qualités attendues pour être {job_title(record, gender)} :\n" + bullets(record.qualites),
    )


def status(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    if not record.statuts:
        return missing(record, "de statut", _name(record, gender))
    return answer(record, f"Statut possible pour {_name(record, gender)} : {join_fr(record.statuts)}.")


def rome_code(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    if not record.codes_rome:
        return missing(record, "de code ROME", _name(record, gender))
    labels = []
    for code in record.codes_rome:
        rome = kb.get(code)
        libelle = rome.libelle if isinstance(rome, CodeRome) and rome.libelle else ""
        labels.append(f"{code} ({libelle})" if libelle else code)
    return answer(record, f"Code ROME pour {_name(record, gender)} : {join_fr(labels)}.")


def other_names(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    if not record.autres_appellations:
        return missing(record, "d'autre appellation", _name(record, gender))
    names = [a.pick(gender) for a in record.autres_appellations]
    return answer(record, f"Autres noms pour {_name(record, gender)} :\n" + bullets(names))


def interests(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    labels = [kb.get(i).label for i in record.centres_interet if kb.get(i)]
    if not labels:
        return missing(record, "de centres d'intérêt", _name(record, gender))
    return answer(
        record, f"{sentence(_name(record, gender))[:-1]} peut te plaire si :\n" + bullets(labels)
    )


def profile(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    """Is this job for me: the qualities it asks for and the interests it meets."""
    if not (record.qualites or record.centres_interet):
        return missing(record, "de qualités attendues ni de centres d'intérêt", _name(record, gender))
    result = combined(qualities(kb, record, gender), interests(kb, record, gender))
    if not record.qualites:
        result.text += "\nMa base ne liste pas les qualités attendues pour ce métier."
    elif not record.centres_interet:
        result.text += "\nMa base ne relie ce métier à aucun centre d'intérêt."
    return result


def salary(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    return missing(record, "de données de salaire", _name(record, gender))


def formation_jobs(kb: KnowledgeBase, record: Formation, gender: str) -> Answer:
    """What the base says of a formation: the jobs whose sheet recommends it."""
    jobs = [kb.get(i) for i in kb.targets(record.id, "metier")]
    jobs = [j for j in jobs if isinstance(j, Metier)]
    if not jobs:
        return missing(record, "de métier associé", f"la formation « {record.libelle} »")
    return answer(record, f"La formation « {record.libelle} » est recommandée pour devenir :\n"
                  + bullets(job_title(j, gender) for j in jobs))


