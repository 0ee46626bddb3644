"""Answers about one detail of a fiche: a certifier's SIRET, site, contacts and addresses, codes, the certification
replaced, the jury, how a block is assessed, one year's figures, the expiry, the selection, an access route; and
the fiche's own sentences on a precise topic (« annonceur », « sous l'autorité de », « artisan »). The record's
own fields only; what it lacks is said plainly."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from knowledge.kb import KnowledgeBase
from knowledge.model import Certification, Record
from knowledge.normalize import fold

from .compose import Answer, answer, bullets, date_fr, join_fr, missing, title_of
from .focus import ANNEE, BLOC, CERTIFIER, Focus

# -- sentences of a fiche ------------------------------------------------------------------------------------

def sentences(*texts: str) -> list[str]:
    out = []
    for text in texts:
        for line in (text or "").split("\n"):
            out += [s.strip() for s in re.split(r"(?<=[.!?;])\s+(?=[A-ZÀ-Ý«(])", line) if s.strip()]
    return out


def matching(pattern: str, *texts: str, limit: int = 3) -> list[str]:
    """The sentences of `texts` holding `pattern` (at most `limit`); a sentence that ends with « : » keeps the
    lines it introduces (« placé sous l'autorité d'un référent : chez l'annonceur, … »)."""
    words = re.compile(pattern, re.I)
    said = sentences(*texts)
    found: list[str] = []
    for index, sentence in enumerate(said):
        if words.search(sentence) and sentence not in found:
            found.append(sentence)
            if sentence.endswith(":"):
                found += [s for s in said[index + 1:index + 3] if s not in found]
    return found[:limit + 2] if found and found[0].endswith(":") else found[:limit]


def _cert_name(record: Certification) -> str:
    return f"« {record.intitule} » ({record.numero})"


def _certifiers(record: Certification, focus: Optional[Focus]):
    chosen = record.certificateurs
    if focus and focus.kind == CERTIFIER and 1 <= focus.value <= len(chosen):
        chosen = [chosen[focus.value - 1]]
    return chosen


def _certifier_name(certifier) -> str:
    return certifier.nom_legal + (f" ({certifier.nom_commercial})" if certifier.nom_commercial else "")


def per_certifier(what: str, attribute: str):
    """A certifier's field (SIRET, commercial name, web site), for each certifier or the one in focus."""
    def compose(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
        chosen = _certifiers(record, focus)
        known = [f"{_certifier_name(c)} : {getattr(c, attribute)}" for c in chosen if getattr(c, attribute)]
        lacking = [c.nom_legal for c in chosen if not getattr(c, attribute)]
        if not known:
            return missing(record, f"{what} de {join_fr(lacking) or 'son certificateur'}", _cert_name(record))
        text = (f"{capital(what)} du certificateur de {_cert_name(record)} : " if len(known) == 1
                else f"{capital(what)} des certificateurs de {_cert_name(record)} :\n")
        text += known[0] + "." if len(known) == 1 else bullets(known)
        if lacking:
            text += f"\nMa base ne contient pas {what} de {join_fr(lacking)}."
        return answer(record, text)
    return compose


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def site(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    result = per_certifier("le site internet", "site_internet")(kb, record, focus, gender)
    if result.kind != "answer" and not (focus and focus.kind == CERTIFIER) and record.liens:
        return answer(record, f"Liens donnés par la fiche de {_cert_name(record)} :\n" + bullets(record.liens))
    return result


def contact(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    if not record.contacts:
        result = missing(record, "d'adresse e-mail ni de téléphone", _cert_name(record))
        sites = [f"{_certifier_name(c)} : {c.site_internet}" for c in _certifiers(record, focus) if c.site_internet]
        if sites:
            result.text += "\nTu peux passer par leur site : " + join_fr(sites) + "."
        return result
    return answer(record, f"Contacts donnés par la fiche de {_cert_name(record)} : {join_fr(record.contacts)}.")


def places(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str,
            preparation: bool = False) -> Answer:
    lines = []
    if record.lieux_certification and not preparation:
        lines.append("Lieu de certification : " + " ; ".join(record.lieux_certification))
    if record.lieux_preparation:
        lines.append("Lieu de préparation : " + " ; ".join(record.lieux_preparation))
    if not lines:
        return missing(record, "d'adresse ni de lieu de préparation", _cert_name(record))
    return answer(record, f"{_cert_name(record)} :\n" + bullets(lines))


def preparation(kb, record, focus, gender) -> Answer:
    return places(kb, record, focus, gender, preparation=bool(record.lieux_preparation))


def codes(what: str, attribute: str):
    def compose(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
        codes = getattr(record, attribute)
        if not codes:
            return missing(record, f"de code {what}", _cert_name(record))
        lines = [f"{code} ({label})" if label else code for code, label in codes]
        return answer(record, f"Code{'s' if len(lines) > 1 else ''} {what} de {_cert_name(record)} : "
                              + join_fr(lines) + ".")
    return compose


def replaced(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    if not record.certifications_anterieures:
        return missing(record, "de certification antérieure (remplacée)", _cert_name(record))
    listed = [f"{code} « {label} »" for code, label in record.certifications_anterieures]
    return answer(record, f"{_cert_name(record)} a remplacé : " + join_fr(listed) + ".")


def _juries(record: Certification) -> list[str]:
    return list(dict.fromkeys(v.jury for v in record.voies_acces if v.jury and v.ouverte is not False))


def jury(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str, pattern: str = "") -> Answer:
    juries = _juries(record)
    if not juries:
        return missing(record, "de composition du jury", _cert_name(record))
    picked = matching(pattern, *juries) if pattern else []
    return answer(record, f"Jury de {_cert_name(record)} : " + (" ".join(picked) if picked else "\n".join(juries)))


def jury_chair(kb, record, focus, gender) -> Answer:
    return jury(kb, record, focus, gender, r"pr[ée]siden|pr[ée]sid")


def _bloc(record: Certification, focus: Optional[Focus]):
    if focus and focus.kind == BLOC:
        index = focus.value if focus.value > 0 else len(record.blocs)
        return next((b for b in record.blocs if b.numero == index), None)
    return None


def _bloc_name(record: Certification, bloc) -> str:
    return f"le bloc {bloc.numero} ({bloc.code + ', ' if bloc.code else ''}« {bloc.intitule.rstrip('.')} »)"


def assessment(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str,
                pattern: str = "") -> Answer:
    """How a block is assessed (the block in focus), else how each block and the VAE are."""
    bloc = _bloc(record, focus)
    if focus and focus.kind == BLOC and bloc is None:
        return missing(record, f"de bloc n°{focus.value}", _cert_name(record))
    if bloc is not None:
        lines = [m for m in bloc.modalites_evaluation if not re.match(r"(?i)\d/\s*modalit", m)]
        picked = matching(pattern, *lines, limit=4) if pattern else []
        if not lines:
            return missing(record, f"de modalités d'évaluation pour le bloc {bloc.numero}", _cert_name(record))
        if pattern and not picked:
            return answer(record, f"Pour {_bloc_name(record, bloc)}, la fiche ne mentionne pas cela. Elle prévoit :\n"
                          + bullets(lines))
        return answer(record, f"Évaluation dans {_bloc_name(record, bloc)} de {_cert_name(record)} :\n"
                      + bullets(picked or lines))
    if pattern and record.modalites_evaluation and matching(pattern, record.modalites_evaluation):
        return answer(record, f"{_cert_name(record)} : " + " ".join(matching(pattern, record.modalites_evaluation)))
    if not record.blocs and not record.modalites_evaluation:
        return missing(record, "de modalités d'évaluation", _cert_name(record))
    lines = [f"Bloc {b.numero} : " + "; ".join(m for m in b.modalites_evaluation
                                                if not re.match(r"(?i)\d/\s*modalit", m))[:220]
             for b in record.blocs if b.modalites_evaluation]
    head = f"Évaluation des blocs de {_cert_name(record)} :"
    text = head + "\n" + bullets(lines) if lines else f"{_cert_name(record)} : {record.modalites_evaluation}"
    return answer(record, text)


def vae_assessment(kb, record, focus, gender) -> Answer:
    return assessment(kb, record, None, gender, r"\bVAE\b|exp[ée]rience")


def oral(kb, record, focus, gender) -> Answer:
    return assessment(kb, record, focus, gender, r"\boral|orale|soutenance|jeu de r[ôo]le|pr[ée]sentation")


def acquisition(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    said = [s for s in sentences(record.acquisition) if s] or (
        [record.validite_composantes] if record.validite_composantes else [])
    if not said:
        return missing(record, "de règle de validation des blocs", _cert_name(record))
    text = " ".join(said)
    if len(text) < 20:  # « illimitée »
        text = f"Durée de validité des compétences acquises : {text}."
    return answer(record, f"{_cert_name(record)} : {text}")


def year(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    """The figures of one year (the year in focus), or that the base has no figures for that year."""
    years = sorted(s.annee for s in record.statistiques)
    year = focus.value if focus and focus.kind == ANNEE else None
    stat = next((s for s in record.statistiques if s.annee == year), None)
    if stat is None:
        have = (f" Elle a les chiffres de {years[0]} à {years[-1]}." if len(years) > 1
                else f" Elle a les chiffres de {years[0]}." if years else "")
        result = missing(record, f"de chiffres pour {year}" if year else "de chiffres pour cette année",
                         _cert_name(record))
        if record.statistiques_texte:
            have += f" La fiche indique seulement : « {record.statistiques_texte.split('.')[0].strip()}. »"
        result.text = result.text.replace(" Je préfère", have + " Je préfère", 1)
        return result
    parts = []
    if stat.certifies is not None:
        parts.append(f"{stat.certifies} certifiés" + (f" (dont {stat.certifies_vae} par VAE)"
                                                       if stat.certifies_vae is not None else ""))
    rates = [("insertion globale à 6 mois", stat.taux_insertion_global_6_mois),
             ("insertion dans le métier visé à 6 mois", stat.taux_insertion_metier_6_mois),
             ("dans le métier visé à 2 ans", stat.taux_insertion_metier_2_ans)]
    parts += [f"{label} : {value} %" if value is not None else f"{label} : non renseigné" for label, value in rates]
    return answer(record, f"{_cert_name(record)}, promotion {year} : " + " ; ".join(parts) + ".")


def still_valid(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    if not record.date_echeance:
        return missing(record, "de date d'échéance", _cert_name(record))
    past = dt.date.fromisoformat(record.date_echeance) < dt.date.today()
    if past:
        text = (f"L'enregistrement de {_cert_name(record)} au RNCP a pris fin le {date_fr(record.date_echeance)} : "
                "d'après ma base, ce titre n'est plus enregistré aujourd'hui.")
    else:
        text = (f"{_cert_name(record)} est enregistrée au RNCP jusqu'au {date_fr(record.date_echeance)} : "
                "c'est une certification reconnue par l'État jusqu'à cette date.")
    return answer(record, text)


def selection(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    lines = record.prerequis
    start = next((i for i, line in enumerate(lines) if re.search(r"(?i)s[ée]lection", line)), None)
    if start is None:
        return missing(record, "de modalités de sélection", _cert_name(record))
    return answer(record, f"Sélection pour {_cert_name(record)} :\n" + bullets(lines[start:]))


def access_route(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str,
                  pattern: str = "") -> Answer:
    routes = [v for v in record.voies_acces if re.search(pattern, fold(v.voie))]
    if not routes:
        return missing(record, "cette voie d'accès", _cert_name(record))
    said = [f"{v.voie} : " + ("ouverte" if v.ouverte else "non ouverte" if v.ouverte is False else "non renseigné")
            for v in routes]
    return answer(record, f"Voie d'accès à {_cert_name(record)} :\n" + bullets(said))


def route(pattern: str):
    return lambda kb, record, focus, gender: access_route(kb, record, focus, gender, pattern)


def passage(what: str, pattern: str, fields: tuple[str, ...]):
    """The fiche's own sentences on a topic (« annonceur », « sous l'autorité de », « artisan »); said plainly
    when the fiche does not mention it."""
    def compose(kb: KnowledgeBase, record: Record, focus: Optional[Focus], gender: str) -> Answer:
        texts = []
        for name in fields:
            value = getattr(record, name, "")
            texts += value if isinstance(value, list) else [value]
        found = matching(pattern, *[t for t in texts if isinstance(t, str)])
        title = f"« {title_of(record, gender)} »"
        if not found:
            return missing(record, f"d'information sur {what}", title)
        return answer(record, f"D'après la fiche {title} :\n" + bullets(found))
    return compose





def bloc_contents(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    """What a block covers: the skills of the block in focus (its title when the fiche lists none)."""
    bloc = _bloc(record, focus)
    if bloc is None:
        if not record.competences:
            return missing(record, "de liste de compétences", _cert_name(record))
        return answer(record, f"Compétences visées par {_cert_name(record)} :\n" + bullets(record.competences[:8]))
    skills = [re.sub(r"(?<=[a-zé])\.(?=[A-ZÉ])", ". ", s) for s in bloc.competences]
    text = f"Contenu du {_bloc_name(record, bloc)[3:]} de {_cert_name(record)}"
    return answer(record, text + (" :\n" + bullets(skills) if skills else "."))


def objectives(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    if not record.objectifs:
        return missing(record, "d'objectifs", _cert_name(record))
    return answer(record, f"Objectifs de {_cert_name(record)}, d'après la fiche :\n"
                          + "\n".join(record.objectifs.split("\n")[:2]))


def legal_basis(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    if not (record.base_legale or record.date_enregistrement):
        return missing(record, "de base légale", _cert_name(record))
    text = record.base_legale or f"Enregistrement décidé le {date_fr(record.date_enregistrement)}."
    return answer(record, f"Base légale de {_cert_name(record)} : {text}")


def interests(kb: KnowledgeBase, record: Record, focus: Optional[Focus], gender: str) -> Answer:
    """The centres d'intérêt a job (ONISEP) or a ROME code (France Travail) is attached to."""
    labels = [r.label for r in (kb.get(i) for i in getattr(record, "centres_interet", [])) if r is not None] or [
        i for i in getattr(record, "centres_interet", []) if not re.match(r"^[A-Z]+\.", i)]
    if not labels:
        return missing(record, "de centres d'intérêt", f"« {title_of(record, gender)} »")
    return answer(record, f"Centres d'intérêt de « {title_of(record, gender)} » : " + join_fr(labels) + ".")


def formation_field(what: str, *attributes: str):
    """One field of a formation (its RNCP code, its ministry, its NSF codes), said with its label."""
    def compose(kb: KnowledgeBase, record: Record, focus: Optional[Focus], gender: str) -> Answer:
        values = []
        for name in attributes:
            value = getattr(record, name, "")
            if isinstance(value, list):
                value = join_fr([f"{c} ({label})" if isinstance(c, str) and label else str(c)
                                 for c, label in value] if value and isinstance(value[0], tuple) else value)
            if value:
                values.append(str(value))
        if not values:
            return missing(record, what, f"« {record.label} »")
        return answer(record, f"« {record.label} » : " + " ; ".join(values) + ".")
    return compose


def telephone(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    """The fiches give no phone number: said, with the e-mail addresses or sites they do give."""
    result = missing(record, "de numéro de téléphone", _cert_name(record))
    if record.contacts:
        result.text += "\nLa fiche donne ces adresses e-mail : " + join_fr(record.contacts) + "."
    return result
