"""Answers about a formation (ONISEP fiche formation): what it is, its level and admission, what it leads to."""

from __future__ import annotations

import re

from knowledge.kb import KnowledgeBase
from knowledge.model import Formation, Metier

from knowledge.normalize import fold

from .compose import PHONE, Answer, answer, bullets, job_title, join_fr, missing, page, study_level
from .text import brief, cut, excerpt, first_sentences, quantity

JOBS_PAGE = 8
FURTHER_STUDIES = 4  # further formations named by title when the fiche has no text about them


def _name(record: Formation) -> str:
    return f"« {record.libelle} »"


def _facts(record: Formation) -> tuple[str, list[str]]:
    """« brevet de technicien supérieur, 2 ans, bac + 2, certification de niveau 5 » and the fields it uses."""
    parts, fields = [], []
    if record.type_formation and record.type_formation.lower() not in record.libelle.lower():
        parts.append(record.type_formation)
        fields.append("type_formation")
    if record.duree:
        parts.append(record.duree)
        fields.append("duree")
    if record.niveau_etudes:
        parts.append(study_level(record.niveau_etudes))
        fields.append("niveau_etudes")
    if record.niveau_certification:
        level = re.match(r"niveau \d+", record.niveau_certification)
        parts.append(f"certification de {level.group(0)}" if level and record.niveau_etudes
                     else record.niveau_certification)
        fields.append("niveau_certification")
    return ", ".join(parts), fields


def jobs_of(kb: KnowledgeBase, record: Formation) -> list[Metier]:
    """The jobs the fiche formation names and those whose fiche recommends the formation, by title."""
    ids = dict.fromkeys([*record.metiers, *kb.targets(record.id, "metier"), *kb.sources(record.id, "formation")])
    jobs = [j for j in (kb.get(i) for i in ids) if isinstance(j, Metier)]
    return sorted(jobs, key=lambda j: fold(job_title(j)))


def overview(kb: KnowledgeBase, record: Formation, gender: str, start: int = 0) -> Answer:
    """What the formation is: its kind, level and length, and the start of its description (its outcomes when
    the fiche says nothing of that, a page at a time)."""
    facts, fields = _facts(record)
    if start or not (facts or record.descriptif):
        return outcomes(kb, record, gender, start)
    head = f"{_name(record)}" + (f" : {facts}." if facts else "")
    invite = "Demande-moi ses débouchés ou comment y entrer."
    result = answer(record, "", fields=fields + (["descriptif"] if record.descriptif else []))
    if not record.descriptif:
        return result.fit(f"{head}\n{invite}", "")
    room = PHONE - result.footer() - len(head) - len(invite) - 2
    return result.fit(head, excerpt(record.descriptif, min(room, 450)) + "\n" + invite)


def level(kb: KnowledgeBase, record: Formation, gender: str) -> Answer:
    """Its level, its length and how to get in (« descriptif_acces »)."""
    facts, fields = _facts(record)
    if not (facts or record.acces):
        return missing(record, "de niveau ni de conditions d'accès", f"la formation {_name(record)}")
    head = f"{_name(record)}" + (f" : {facts}." if facts else ".")
    result = answer(record, "", fields=fields + (["acces"] if record.acces else []))
    if not record.acces:
        return result.fit(head, "")
    room = PHONE - result.footer() - len(head) - 10
    return result.fit(head, "Accès : " + brief(_without_heading(record.acces), min(room, 450)))


def _without_heading(text: str) -> str:
    """« Accès\nLe BTS … » → « Le BTS … »: a lone first heading repeats the question."""
    lines = text.split("\n")
    return "\n".join(lines[1:]) if len(lines) > 1 and lines[0].rstrip()[-1:] not in ".!?:" and len(lines[0]) < 40 \
        else text


def outcomes(kb: KnowledgeBase, record: Formation, gender: str, start: int = 0) -> Answer:
    """What the formation leads to: jobs (a page at a time, as buttons) and further studies."""
    jobs = jobs_of(kb, record)
    further = record.poursuites_etudes or record.poursuites
    if not (jobs or further):
        return missing(record, "de débouchés (métiers ou poursuites d'études)", f"la formation {_name(record)}")
    shown, more = page(jobs, start, JOBS_PAGE)
    head, fields = "", []
    if shown:
        lead = f"Métiers accessibles après {_name(record)}" if start == 0 else f"Autres métiers après {_name(record)}"
        if more is not None or start:
            lead += f" ({start + 1} à {start + len(shown)} sur {len(jobs)})"
        head = f"{lead} :\n" + bullets(job_title(j, gender) for j in shown)
        fields.append("metiers")
    elif start == 0:
        head = f"Ma base ne relie {_name(record)} à aucun métier."
    if start == 0:
        fields.append("poursuites_etudes" if record.poursuites_etudes else "poursuites")
    named = set(record.metiers) | set(kb.targets(record.id, "metier"))
    others = [(j, ["formations"]) for j in shown if j.id not in named]  # the job's fiche recommends it
    result = answer(record, "", fields=fields, also=others)
    result.more, result.options = more, [j.id for j in shown]
    if start or not further:
        tail = "" if start else "Ma base ne contient pas de poursuites d'études pour cette formation."
        return result.fit(head, tail)
    room = PHONE - result.footer() - len(head) - 30
    if room < 160:  # the jobs fill the screen: further studies in a second message
        room = PHONE - result.footer() - 30
    return result.fit(head, _further_studies(record, room))


def further_studies(kb: KnowledgeBase, record: Formation, gender: str, start: int = 0) -> Answer:
    """« Et après ? »: the further studies the fiche describes and the formations it names; its jobs when the
    fiche says nothing of further studies."""
    if start or not (record.poursuites_etudes or record.poursuites):
        return outcomes(kb, record, gender, start)
    fields = (["poursuites_etudes"] if record.poursuites_etudes else []) + (["poursuites"] if record.poursuites else [])
    jobs = jobs_of(kb, record)
    closing = f"Ma base relie aussi cette formation à {quantity(len(jobs), 'métier')} : demande-moi « quels métiers ? »."
    if jobs:
        fields.append("metiers")
    result = answer(record, "", fields=fields)
    head = f"Après {_name(record)} :"
    room = PHONE - result.footer() - len(head) - (len(closing) + 1 if jobs else 0) - 2
    names = [cut(p.libelle, 110) for p in record.poursuites]
    text_room = room - (min(len("\n".join(names[:5])), 360) + 40 if names else 0)
    parts = []
    if record.poursuites_etudes:
        parts.append("Poursuites d'études : " + brief(record.poursuites_etudes, max(text_room - 22, 150)))

    def text(count: int) -> str:
        listed = names[:count]
        extra = f" ({count} sur {len(names)})" if count < len(names) else ""
        body = parts + ([f"Formations possibles ensuite{extra} :\n" + bullets(listed)] if listed else [])
        return "\n".join([head, *body, *([closing] if jobs else [])])

    count = min(len(names), 5)
    while count and len(text(count)) + result.footer() > PHONE:
        count -= 1
    result.text = text(count)
    return result


def _further_studies(record: Formation, room: int) -> str:
    if record.poursuites_etudes:
        return "Poursuites d'études : " + first_sentences(record.poursuites_etudes, room)
    names = [p.libelle for p in record.poursuites]
    shown = names[:FURTHER_STUDIES]
    extra = f" (et {len(names) - len(shown)} autres)" if len(names) > len(shown) else ""
    return cut(f"Poursuites d'études possibles : {join_fr(shown)}{extra}.", room)
