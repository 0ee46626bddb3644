"""Answers about a job: studies, level, description, qualities, conditions, salary, status, ROME, related jobs.

A job comes from the school's documents (seed facts: missions, qualities…) or from the national ONISEP export
(texts: accroche, nature du travail, compétences…), or both once merged: seed facts come first, the national
texts answer what the documents do not say. Every answer cites the sources of the facts it uses."""

from __future__ import annotations

from typing import Optional

from knowledge.kb import KnowledgeBase
from knowledge.model import Certification, CodeRome, Formation, FormationRef, Metier

from .compose import (PHONE, Answer, answer, bullets, capitalized, citation, combined, edition, job_title,
                      join_fr, missing, of, page, sentence, study_level)
from .text import brief, cut, excerpt, first_sentences, quantity

FORMATIONS_PAGE = 8  # formations listed at once for a job (fewer if the message would be too long)
JOBS_PAGE = 8  # jobs listed at once (related jobs, interests, a formation's jobs)


def _name(record: Metier, gender: str) -> str:
    return f"le métier {of(job_title(record, gender))}"


def _someone(record: Metier, gender: str) -> str:
    """« un infirmier », « une infirmière »."""
    return f"{'une' if gender == 'f' else 'un'} {job_title(record, gender)}"


def _certifications(kb: KnowledgeBase, record: Metier) -> list[Certification]:
    """Certifications that name this job among their accessible jobs (a fact of the base)."""
    certs = [kb.get(c) for c in kb.sources(record.id, "emploi")]
    return [c for c in certs if isinstance(c, Certification)]


def _certifications_note(certs: list[Certification]) -> str:
    names = join_fr([f"« {c.intitule} » ({c.numero})" for c in certs])
    return f"À noter : {names} cite ce métier parmi ses emplois accessibles."


def _certifications_hint(kb: KnowledgeBase, record: Metier) -> str:
    certs = _certifications(kb, record)
    return f"\n\n{_certifications_note(certs)}" if certs else ""


def _access_level(level: str) -> str:
    """« Bac + 5 » → « bac + 5 », « 3E » → « 3e », « Diplôme national du brevet » → « diplôme national du brevet »."""
    return study_level(level)


def access_sentence(title: str, level: str) -> str:
    """The access level as a sentence, also for the fiches' levels that are no diploma (« 3E », « sans diplôme »,
    « autre formation »)."""
    folded = level.strip().lower()
    if folded == "3e":
        return f"Pour devenir {title}, on peut commencer après la 3e (fin du collège)."
    if folded == "sans diplôme":
        return f"Pour devenir {title}, aucun diplôme n'est exigé au départ."
    if folded == "autre formation":
        return (f"Pour devenir {title}, la fiche n'indique pas de niveau de diplôme minimum (« autre formation ») : "
                "l'accès passe par une formation ou un parcours particuliers.")
    return f"Pour devenir {title}, le niveau d'accès minimum est {_access_level(level)}."


def formation_line(kb: KnowledgeBase, ref: FormationRef, export: str) -> tuple[str, Optional[Formation]]:
    """« Diplôme d'Etat d'infirmier (bac + 3, 3 ans) »: the level and length of its fiche formation, when that
    fiche comes from the same export (`export`, its edition) as the job's list of formations."""
    record = kb.get(ref.id) if ref.id else None
    if not isinstance(record, Formation) or not export or edition(record, "duree") != export:
        return cut(ref.libelle, 130), None
    details = [d for d in (study_level(record.niveau_etudes or record.niveau_certification), record.duree) if d]
    label = cut(record.libelle or ref.libelle, 130)
    return (f"{label} ({', '.join(details)})" if details else label), (record if details else None)


def studies(kb: KnowledgeBase, record: Metier, gender: str, start: int = 0) -> Answer:
    """How to become it: length of studies (or how the fiche says one gets in), access level, the formations
    that lead to it (a page at a time, with level and length from their fiches), certifications naming it."""
    title = job_title(record, gender)
    if not (record.duree_etudes or record.formations or record.niveau_acces_min or record.acces_metier):
        result = missing(record, "d'information sur les études", _name(record, gender))
        result.text += _certifications_hint(kb, record)
        return result
    head, fields = [f"Pour devenir {title} :"], []
    if start == 0:
        if record.duree_etudes:
            context = f"{record.duree_etudes_contexte.lower()}, " if record.duree_etudes_contexte else ""
            head.append(sentence(context + brief(record.duree_etudes[0].lower() + record.duree_etudes[1:], 380)))
            fields.append("duree_etudes")
        elif record.acces_metier:
            head.append(brief(record.acces_metier, 300))
            fields.append("acces_metier")
        if record.niveau_acces_min:
            head.append(f"Niveau d'accès minimum : {_access_level(record.niveau_acces_min)}.")
            fields.append("niveau_acces_min")
    certs = _certifications(kb, record) if start == 0 else []
    refs = record.formations[start:start + FORMATIONS_PAGE]
    if refs:
        fields.append("formations")
    export = edition(record, "formations")
    listed = [formation_line(kb, ref, export) for ref in refs]
    while True:  # as many formations as fit on the screen with their sources (at least 3)
        fiches = [fiche for _, fiche in listed if fiche is not None]
        end = start + len(listed)
        more = end if end < len(record.formations) else None
        tail = ""
        if listed:
            lead = "Formations recommandées" if start == 0 else "Autres formations recommandées"
            if more is not None or start:
                lead += f" ({start + 1} à {end} sur {len(record.formations)})"
            tail = f"{lead} :\n" + bullets(line for line, _ in listed)
        if certs:
            tail += ("\n" if tail else "") + _certifications_note(certs)
        result = answer(record, "", fields=fields, also=[(f, ["niveau_etudes", "duree"]) for f in fiches]
                        + [(c, ["emplois_accessibles"]) for c in certs])
        if len(listed) <= 3 or len(tail) + result.footer() <= PHONE:
            break
        listed.pop()
    result.more = more
    head_fields = [f for f in fields if f != "formations"]
    return result.fit("\n".join(head), tail, answer(record, "", fields=head_fields).source if head_fields else "")


def access_level(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    if not (record.niveau_acces_min or record.duree_etudes):
        return missing(record, "de niveau d'accès ni de durée d'études", _name(record, gender))
    parts, fields = [], []
    if record.niveau_acces_min:
        parts.append(access_sentence(job_title(record, gender), record.niveau_acces_min))
        fields.append("niveau_acces_min")
    if record.formations:
        lead = "y mène" if len(record.formations) == 1 else "y mènent"
        parts.append(f"Ma base connaît {quantity(len(record.formations), 'formation')} qui {lead} : demande-moi "
                     "« quelles formations ? ».")
        fields.append("formations")
    if record.duree_etudes:
        fields.append("duree_etudes")
    result = answer(record, "", fields=fields)
    if record.duree_etudes:
        context = f" ({record.duree_etudes_contexte.lower()})" if record.duree_etudes_contexte else ""
        lead = f"Durée des études{context} : "
        room = PHONE - result.footer() - sum(len(p) + 1 for p in parts) - len(lead) - 2
        parts.insert(1 if record.niveau_acces_min else 0, lead + brief(record.duree_etudes, min(room, 420)))
    result.text = "\n".join(parts)
    return result


def description(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    """What the job is and does: the school's document if it describes it (seed facts win), else the ONISEP
    hook (accroche) and the start of each section of « nature du travail »."""
    title = job_title(record, gender)
    own = [f for f in ("presentation", "description", "missions", "rattachement")
           if getattr(record, f) and f not in record.provenance and not (f == "presentation" and record.accroche
                                                                          == record.presentation)]
    if own:
        return _seed_description(record, title, own)
    if not (record.accroche or record.nature_travail or record.presentation):
        if record.description_absente:
            secteurs = join_fr([kb.get(s).label for s in record.secteurs if kb.get(s)])
            where = f" dans l'organigramme d'une {secteurs}" if secteurs else ""
            return Answer(
                text=f"Ma source cite le métier {of(title)}{where}, mais sans le décrire : je ne peux pas t'en dire "
                "plus sans inventer. Un conseiller d'orientation pourra te renseigner.",
                record_id=record.id, source=citation(record), kind="missing")
        return missing(record, "de description", _name(record, gender))
    fields = ["accroche" if record.accroche else "presentation"] + (["nature_travail"] if record.nature_travail else [])
    result = answer(record, "", fields=fields)
    head = f"{capitalized(title)}, en bref :\n" + cut(record.accroche or record.presentation, 400)
    if not record.nature_travail:
        return result.fit(head, "")
    single = excerpt(record.nature_travail, PHONE - result.footer() - len(head) - 20)
    if " : " in single.split("\n")[0] or len(single) > 250:
        return result.fit(head, "Au quotidien :\n" + single)
    return result.fit(head, "Au quotidien :\n" + excerpt(record.nature_travail, PHONE - result.footer() - 20))


def _seed_description(record: Metier, title: str, fields: list[str]) -> Answer:
    """The description of a job from the school's documents: presentation, missions, place in the organisation."""
    parts = [f"{capitalized(title)} — en bref :"]
    if "presentation" in fields:
        parts.append(record.presentation)
    elif "description" in fields and "missions" not in fields:
        parts.append(record.description)
    if "missions" in fields:
        parts.append("Ses missions :\n" + bullets(record.missions))
    if "rattachement" in fields:
        parts.append(record.rattachement)
    return answer(record, "\n\n".join(parts), fields=fields)


def qualities(kb: KnowledgeBase, record: Metier, gender: str, reserve: int = 0) -> Answer:
    """The qualities of the school's document, else the fiche's « compétences » (what fits on the screen with
    `reserve` characters left for more)."""
    if record.qualites:
        return answer(record, f"Qualités attendues pour être {job_title(record, gender)} :\n"
                      + bullets(record.qualites), fields=["qualites"])
    if record.competences:
        result = answer(record, f"Qualités et compétences pour être {job_title(record, gender)} :", fields=["competences"])
        room = PHONE - result.footer() - len(result.text) - reserve - 5
        result.text += "\n" + excerpt(record.competences, max(room, 150))
        return result
    return missing(record, "de liste des qualités attendues", _name(record, gender))


def working_conditions(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    """Where and how the job is done: the organisations the school's documents place it in, the sectors and the
    « conditions de travail » of the ONISEP fiche."""
    places = [r for r in (kb.get(i) for i in record.secteurs) if r is not None]
    if not (record.condition_travail or record.secteurs_activite or places):
        return missing(record, "d'information sur les conditions de travail", _name(record, gender))
    head, fields = [f"Conditions de travail {_of(record, gender)} :"], []
    if places:
        head.append(f"Ce métier figure dans l'organigramme d'une {join_fr([p.label for p in places])}.")
        fields.append("secteurs")
    if record.secteurs_activite:
        head.append(f"Secteurs : {join_fr([s[0].lower() + s[1:] for s in record.secteurs_activite])}.")
        fields.append("secteurs_activite")
    if record.condition_travail:
        fields.append("condition_travail")
    result = answer(record, "", fields=fields)
    if not record.condition_travail:
        return result.fit("\n".join(head) + "\nMa base ne décrit pas ses conditions de travail.", "")
    body = excerpt(record.condition_travail, PHONE - result.footer() - len("\n".join(head)) - 5)
    if " : " not in body.split("\n")[0] and len(body) < 200:
        body = excerpt(record.condition_travail, PHONE - result.footer() - 5)
    return result.fit("\n".join(head), body)


def _of(record: Metier, gender: str) -> str:
    """« d'un infirmier », « d'une infirmière »."""
    return f"d'{_someone(record, gender)}"


def status(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    if not record.statuts:
        return missing(record, "de statut", _name(record, gender))
    text = f"Statut possible pour {_name(record, gender)} : {join_fr(record.statuts)}."
    fields = ["statuts"]
    if record.secteurs_activite:
        text += f"\nSecteurs d'activité : {join_fr([s[0].lower() + s[1:] for s in record.secteurs_activite])}."
        fields.append("secteurs_activite")
    return answer(record, text, fields=fields)


def rome_code(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    """The job's ROME code(s), with the ROME label and the start of its definition when the base holds them."""
    if not record.codes_rome:
        return missing(record, "de code ROME", _name(record, gender))
    labels, also = [], []
    definition = ""
    for code in record.codes_rome:
        rome = kb.get(code)
        libelle = rome.libelle if isinstance(rome, CodeRome) and rome.libelle else ""
        labels.append(f"{code} ({libelle})" if libelle else code)
        if isinstance(rome, CodeRome):
            used = ["libelle"] if libelle else []
            if rome.definition and not definition and len(record.codes_rome) == 1:
                definition = rome.definition
                used.append("definition")
            if used:
                also.append((rome, used))
    text = f"Code ROME pour {_name(record, gender)} : {join_fr(labels)}."
    result = answer(record, text, fields=["codes_rome"], also=also)
    if definition:
        result.text += "\n" + _rome_definition(definition, PHONE - result.footer() - len(text) - 5)
    return result


def _rome_definition(definition: str, room: int) -> str:
    """« Définition de la fiche ROME : <first sentence> » and the activities that follow it, as many as fit."""
    lines = [line.strip() for line in definition.split("\n") if line.strip()]
    text = "Définition de la fiche ROME : " + brief(lines[0], min(room - 30, 300))
    for line in lines[1:]:
        item = f"\n• {line}"
        if len(text) + len(item) > min(room, 520):
            break
        text += item
    return text


def other_names(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    if not record.autres_appellations:
        return missing(record, "d'autre appellation", _name(record, gender))
    names = [a.pick(gender) for a in record.autres_appellations]
    return answer(record, f"Autres noms pour {_name(record, gender)} :\n" + bullets(names),
                  fields=["autres_appellations"])


def interests(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    labels = [kb.get(i).label for i in record.centres_interet if kb.get(i)]
    if not labels:
        return missing(record, "de centres d'intérêt", _name(record, gender))
    return answer(record, f"{sentence(_name(record, gender))[:-1]} peut te plaire si :\n" + bullets(labels),
                  fields=["centres_interet"])


def profile(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    """Is this job for me: the qualities it asks for and the interests it meets (in two messages when the
    fiche's qualities would not fit beside them)."""
    if not (record.qualites or record.competences or record.centres_interet):
        return missing(record, "de qualités attendues ni de centres d'intérêt", _name(record, gender))
    wanted = interests(kb, record, gender)
    if not (record.qualites or record.competences):
        wanted.text += "\nMa base ne liste pas les qualités attendues pour ce métier."
        return wanted
    if wanted.kind != "answer":
        note = "Ma base ne relie ce métier à aucun centre d'intérêt."
        found = qualities(kb, record, gender, reserve=len(note) + 1)
        found.text += "\n" + note
        return found
    found = qualities(kb, record, gender)
    result = combined(found, wanted)
    beside = qualities(kb, record, gender, reserve=len(wanted.text) + 1 + result.footer() - found.footer())
    if record.qualites or " : " in beside.text.split("\n")[1]:
        return result.fit(beside.text, wanted.text)
    return result.fit(found.text, wanted.text)


def salary(kb: KnowledgeBase, record: Metier, gender: str) -> Answer:
    """The « salaire du débutant » of the ONISEP fiche, as the fiche words it."""
    if not record.salaire_debutant:
        return missing(record, "de données de salaire", _name(record, gender))
    return answer(record, f"Salaire pour {_someone(record, gender)} qui débute, d'après la fiche :\n"
                  + first_sentences(record.salaire_debutant, 420), fields=["salaire_debutant"])


def related_jobs(kb: KnowledgeBase, record: Metier, gender: str, start: int = 0) -> Answer:
    """The jobs the fiche names as related (« métiers associés »), a page at a time, as buttons."""
    jobs = [j for j in (kb.get(i) for i in record.metiers_associes) if isinstance(j, Metier)]
    if not jobs:
        return missing(record, "de métiers proches", _name(record, gender))
    shown, more = page(jobs, start, JOBS_PAGE)
    lead = (f"Métiers proches {_of(record, gender)}" if start == 0
            else f"Autres métiers proches {_of(record, gender)}")
    if more is not None or start:
        lead += f" ({start + 1} à {start + len(shown)} sur {len(jobs)})"
    result = answer(record, f"{lead} :\n" + bullets(job_title(j, gender) for j in shown),
                    fields=["metiers_associes"])
    result.more, result.options = more, [j.id for j in shown]
    return result
