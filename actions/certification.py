"""Answers about an RNCP certification: overview, level, certifier, blocks, statistics, access, dates, jobs."""

from __future__ import annotations

import datetime as dt

from knowledge.kb import KnowledgeBase
from knowledge.model import Certification, Metier

from .compose import Answer, answer, bullets, combined, date_fr, join_fr, missing

NO_VALUE = "non renseigné"


def _name(record: Certification) -> str:
    return f"« {record.intitule} » ({record.numero})"


def _level(record: Certification) -> str:
    parts = []
    if record.niveau_europe:
        parts.append(f"niveau {record.niveau_europe} de la nomenclature européenne")
    if record.niveau_1969:
        parts.append(f"niveau {record.niveau_1969} dans la nomenclature de 1969")
    return " (".join(parts) + (")" if len(parts) > 1 else "")


def _certifiers(record: Certification) -> list[str]:
    out = []
    for c in record.certificateurs:
        extra = [x for x in (c.nom_commercial, c.site_internet) if x]
        out.append(c.nom_legal + (f" ({', '.join(extra)})" if extra else ""))
    return out


def _expiry_sentence(record: Certification, today: dt.date | None = None) -> str:
    if not record.date_echeance:
        return ""
    today = today or dt.date.today()
    past = dt.date.fromisoformat(record.date_echeance) < today
    verb = "a pris fin le" if past else "court jusqu'au"
    return f"D'après la fiche, son enregistrement au RNCP {verb} {date_fr(record.date_echeance)}."


def overview(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    parts = [f"{_name(record)} est une certification professionnelle de {_level(record)}."]
    if record.certificateurs:
        parts.append("Certificateur : " + join_fr(_certifiers(record)) + ".")
    if record.activites:
        parts.append("Activités visées :\n" + bullets(record.activites))
    if record.blocs:
        parts.append(f"Elle compte {len(record.blocs)} blocs de compétences.")
    expiry = _expiry_sentence(record)
    if expiry:
        parts.append(expiry)
    return answer(record, "\n\n".join(parts))


def level(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    if not (record.niveau_europe or record.niveau_1969):
        return missing(record, "de niveau", f"la certification {_name(record)}")
    return answer(record, f"{_name(record)} est de {_level(record)}.")


def level_and_entry(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    """« Quel niveau ? » about a certification: the level it gives and what it takes to enter."""
    result = combined(level(kb, record, gender), prerequisites(kb, record, gender))
    if result.kind == "answer" and not record.prerequis:
        result.text += "\nMa base ne contient pas de prérequis d'entrée pour cette certification."
    elif result.kind == "answer" and not (record.niveau_europe or record.niveau_1969):
        result.text += "\nMa base ne contient pas son niveau."
    return result


def certifier(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    if not record.certificateurs:
        return missing(record, "de certificateur", f"la certification {_name(record)}")
    lines = _certifiers(record)
    if len(lines) == 1:
        text = f"{_name(record)} est délivrée par {lines[0]}."
    else:
        text = f"{_name(record)} est délivrée par :\n" + bullets(lines)
    signataires = [f"{c.nom_legal} : {c.qualite_signataire}" for c in record.certificateurs if c.qualite_signataire]
    if signataires:
        text += "\nSignataire : " + join_fr(signataires) + "."
    return answer(record, text)


def skill_blocks(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    if not record.blocs:
        return missing(record, "de blocs de compétences", f"la certification {_name(record)}")
    lines = [f"{b.code or f'Bloc n°{b.numero}'} — {b.intitule}" for b in record.blocs]
    return answer(record, f"Les {len(lines)} blocs de compétences de {_name(record)} :\n" + bullets(lines))


def _rate(value: int | None) -> str:
    return f"{value} %" if value is not None else NO_VALUE


def insertion(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    if record.statistiques:
        lines = []
        for s in sorted(record.statistiques, key=lambda s: -s.annee):
            certified = f"{s.certifies} certifiés" if s.certifies is not None else f"certifiés : {NO_VALUE}"
            vae = f" (dont {s.certifies_vae} par VAE)" if s.certifies_vae is not None else ""
            lines.append(
                f"{s.annee} : {certified}{vae} ; insertion globale à 6 mois : {_rate(s.taux_insertion_global_6_mois)} ; "
                f"dans le métier visé à 6 mois : {_rate(s.taux_insertion_metier_6_mois)}, "
                f"à 2 ans : {_rate(s.taux_insertion_metier_2_ans)}"
            )
        return answer(record, f"Statistiques de {_name(record)} :\n" + bullets(lines))
    if record.statistiques_texte:
        return answer(record, f"La fiche de {_name(record)} ne donne pas de taux chiffré ; elle indique : "
                              f"« {record.statistiques_texte} »")
    return missing(record, "de statistiques d'insertion", f"la certification {_name(record)}")


def prerequisites(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    if not record.prerequis:
        return missing(record, "de prérequis", f"la certification {_name(record)}")
    return answer(record, f"Pour entrer dans le parcours de {_name(record)} :\n" + bullets(record.prerequis))


def jury_vae(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    if not record.voies_acces:
        return missing(record, "de voies d'accès ni de jury", f"la certification {_name(record)}")
    open_routes = [v for v in record.voies_acces if v.ouverte]
    closed = [v.voie for v in record.voies_acces if v.ouverte is False]
    parts = [f"Voies d'accès à {_name(record)} :\n" + bullets(v.voie for v in open_routes)]
    if closed:
        parts.append("Non ouvertes : " + join_fr(closed) + ".")
    vae = [v for v in open_routes if "expérience" in v.voie.lower() or "vae" in v.voie.lower()]
    parts.append("Elle est accessible par la VAE." if vae else "La fiche n'indique pas d'accès par la VAE.")
    juries = {v.jury for v in open_routes if v.jury}
    if len(juries) == 1:
        parts.append("Jury : " + juries.pop())
    elif juries:
        parts.append("Jurys :\n" + bullets(f"{v.voie} : {v.jury}" for v in open_routes if v.jury))
    return answer(record, "\n\n".join(parts))


def validity(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    lines = []
    if record.date_enregistrement:
        lines.append(f"Enregistrement décidé le {date_fr(record.date_enregistrement)}")
    if record.date_effet:
        lines.append(f"avec effet au {date_fr(record.date_effet)}")
    if record.date_echeance:
        lines.append(f"échéance de l'enregistrement : {date_fr(record.date_echeance)}")
    if not lines:
        return missing(record, "de dates d'enregistrement", f"la certification {_name(record)}")
    text = f"{_name(record)} : " + ", ".join(lines) + "."
    expiry = _expiry_sentence(record)
    if expiry:
        text += "\n" + expiry
    if record.validite_composantes:
        text += f"\nValidité des compétences acquises : {record.validite_composantes}"
    return answer(record, text)


def jobs(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    if not record.emplois_accessibles:
        return missing(record, "d'emplois accessibles", f"la certification {_name(record)}")
    text = f"Emplois accessibles avec {_name(record)} :\n" + bullets(record.emplois_accessibles)
    known = [kb.get(i) for i in kb.metiers_for_certification(record.id)]
    known = [m for m in known if isinstance(m, Metier)]
    if known:
        text += "\n\nJe peux t'en dire plus sur : " + join_fr([m.label for m in known]) + "."
    return answer(record, text)


def rome_codes(kb: KnowledgeBase, record: Certification, gender: str) -> Answer:
    """The ROME codes of a certification, each with its label when the base holds that ROME fiche."""
    if not record.codes_rome:
        return missing(record, "de code ROME", f"la certification {_name(record)}")
    lines = []
    for code in record.codes_rome:
        rome = kb.get(code)
        label = rome.label.split(" ", 1)[-1] if rome is not None and rome.label.startswith(code + " ") else ""
        lines.append(f"{code} ({label})" if label else code)
    return answer(record, f"Codes ROME de {_name(record)} : " + join_fr(lines) + ".")
