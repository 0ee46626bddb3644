"""Answers about a formation (ONISEP fiche formation): what it is, its level and admission, what it leads to."""

from __future__ import annotations

from knowledge.kb import KnowledgeBase
from knowledge.model import Formation, Metier

from .compose import PHONE, Answer, answer, bullets, job_title, join_fr, missing, page, study_level
from .text import cut, excerpt, first_sentences

JOBS_PAGE = 8
FURTHER_STUDIES = 4  # further formations named by title when the fiche has no text about them


def _name(record: Formation) -> str:
    return f"« {record.libelle} »"


def _facts(record: Formation) -> tuple[str, list[str]]:
    """« bac + 2, 2 ans, niveau 5 (bac + 2) » and the fields it uses."""
    parts, fields = [], []
    if record.type_formation and record.type_formation.lower() not in record.libelle.lower():
        parts.append(record.type_formation)
        fields.append("type_formation")
    if record.niveau_etudes:
        parts.append(study_level(record.niveau_etudes))
        fields.append("niveau_etudes")
    if record.duree:
        parts.append(record.duree)
        fields.append("duree")
    if record.niveau_certification and record.niveau_certification != "non inscrit au RNCP":
        parts.append(f"certification de {record.niveau_certification}")
        fields.append("niveau_certification")
    elif record.niveau_certification:
        parts.append(record.niveau_certification)
        fields.append("niveau_certification")
    return ", ".join(parts), fields


def jobs_of(kb: KnowledgeBase, record: Formation) -> list[Metier]:
    """The jobs the fiche formation names, then the jobs whose fiche recommends the formation."""
    ids = list(dict.fromkeys([*record.metiers, *kb.targets(record.id, "metier"), *kb.sources(record.id, "formation")]))
    return [j for j in (kb.get(i) for i in ids) if isinstance(j, Metier)]


def overview(kb: KnowledgeBase, record: Formation, gender: str) -> Answer:
    """What the formation is: its kind, level and length, and the start of its description."""
    facts, fields = _facts(record)
    if not (facts or record.descriptif):
        return outcomes(kb, record, gender)
    parts = [f"{_name(record)}" + (f" : {facts}." if facts else "")]
    if record.descriptif:
        parts.append(excerpt(record.descriptif, PHONE - 200 - len(parts[0])))
        fields.append("descriptif")
    parts.append("Demande-moi ses débouchés ou comment y entrer.")
    return answer(record, "\n".join(parts), fields=fields)


def level(kb: KnowledgeBase, record: Formation, gender: str) -> Answer:
    """Its level, its length and how to get in (« descriptif_acces »)."""
    facts, fields = _facts(record)
    if not (facts or record.acces):
        return missing(record, "de niveau ni de conditions d'accès", f"la formation {_name(record)}")
    parts = [f"{_name(record)}" + (f" : {facts}." if facts else ".")]
    if record.acces:
        parts.append("Accès : " + first_sentences(_without_heading(record.acces), PHONE - 220 - len(parts[0])))
        fields.append("acces")
    return answer(record, "\n".join(parts), fields=fields)


def _without_heading(text: str) -> str:
    """« Accès\nLe BTS … » → « Le BTS … »: a lone first heading repeats the question."""
    lines = text.split("\n")
    return "\n".join(lines[1:]) if len(lines) > 1 and lines[0].rstrip()[-1:] not in ".!?:" and len(lines[0]) < 40 \
        else text


def outcomes(kb: KnowledgeBase, record: Formation, gender: str, start: int = 0) -> Answer:
    """What the formation leads to: jobs (a page at a time, as buttons) and further studies."""
    jobs = jobs_of(kb, record)
    further = record.poursuites_etudes or join_fr([p.libelle for p in record.poursuites[:FURTHER_STUDIES]])
    if not (jobs or further):
        return missing(record, "de débouchés (métiers ou poursuites d'études)", f"la formation {_name(record)}")
    shown, more = page(jobs, start, JOBS_PAGE)
    parts, fields = [], []
    if shown:
        lead = f"Métiers accessibles après {_name(record)}" if start == 0 else f"Autres métiers après {_name(record)}"
        if more is not None or start:
            lead += f" ({start + 1} à {start + len(shown)} sur {len(jobs)})"
        parts.append(f"{lead} :\n" + bullets(job_title(j, gender) for j in shown))
        fields.append("metiers")
    elif start == 0:
        parts.append(f"Ma base ne relie {_name(record)} à aucun métier.")
    if start == 0 and further:
        room = PHONE - 170 - sum(len(p) for p in parts)
        if record.poursuites_etudes:
            parts.append("Poursuites d'études : " + first_sentences(record.poursuites_etudes, max(room, 120)))
            fields.append("poursuites_etudes")
        else:
            names = [p.libelle for p in record.poursuites]
            extra = f" (et {len(names) - FURTHER_STUDIES} autres)" if len(names) > FURTHER_STUDIES else ""
            parts.append(cut(f"Poursuites d'études possibles : {further}{extra}.", max(room, 120)))
            fields.append("poursuites")
    elif start == 0:
        parts.append("Ma base ne contient pas de poursuites d'études pour cette formation.")
    named = set(record.metiers) | set(kb.targets(record.id, "metier"))
    others = [(j, ["formations"]) for j in shown if j.id not in named]  # the job's fiche recommends it
    result = answer(record, "\n".join(parts), fields=fields, also=others)
    result.more, result.options = more, [j.id for j in shown]
    return result
