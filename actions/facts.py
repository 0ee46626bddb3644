"""Fine-grained facts: one precise fact of a fiche (a certifier's SIRET, how block 5 is assessed, the 2018
figures, the sentence of a job sheet about working freelance) recognised in the question's words, and answered
alone instead of a whole overview. A fact asked about a sub-part (a block, a year, one certifier) keeps that
part as the conversation's focus, so that « et il est évalué comment ? » or « cette promo » resolve.

Every answer quotes or lists the record's own fields; what the record lacks is said plainly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from knowledge.kb import KnowledgeBase
from knowledge.model import Certification, Metier, Record
from knowledge.normalize import fold

from . import certification, metier
from .compose import Answer, answer, bullets, date_fr, join_fr, missing, title_of

BLOC, ANNEE, CERTIFIER, JURY = "bloc", "annee", "certificateur", "jury"  # kinds of sub-part (the `focus` slot)
ORDINAL_WORDS = {"premier": 1, "premiere": 1, "deuxieme": 2, "second": 2, "seconde": 2, "troisieme": 3,
                 "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "dernier": -1, "derniere": -1, "autre": -1}


@dataclass(frozen=True)
class Focus:
    """The sub-part of the subject a question is about (« bloc 5 », « 2018 », the second certifier, the jury), and
    the precise fact last answered about it (so that « et le bloc 3 ? » asks that fact again)."""

    kind: str = ""
    value: int = 0
    fact: str = ""

    def slot(self) -> Optional[str]:
        return f"{self.fact}|{self.kind}:{self.value}" if self.kind or self.fact else None

    @staticmethod
    def parse(slot: Optional[str]) -> Optional["Focus"]:
        fact, _, part = str(slot or "").rpartition("|")
        kind, _, value = part.partition(":")
        if not (kind or fact) or not value.lstrip("-").isdigit():
            return None
        return Focus(kind, int(value), fact)

    def about(self, kind: str, value: int) -> "Focus":
        return Focus(kind, value, self.fact)


def _words(text: str) -> str:
    """The message folded (no accents, lower case), its words between single spaces, one at each end."""
    return " " + " ".join(re.sub(r"[^a-z0-9+]+", " ", fold(text or "")).split()) + " "


def _ordinal(folded: str) -> Optional[int]:
    found = re.search(r" (?:le|la|du|au|l) (\d|premier|premiere|deuxieme|second|seconde|troisieme|quatrieme|"
                      r"cinquieme|sixieme|dernier|derniere|autre) ", folded)
    if not found:
        return None
    word = found.group(1)
    return int(word) if word.isdigit() else ORDINAL_WORDS[word]


def focus_of(text: str, record: Record, previous: Optional[Focus], questions: set[str]) -> Optional[Focus]:
    """The sub-part the message names (« le bloc 5 », « en 2018 », « le deuxième organisme », « l'ISEFAC »), else
    an ordinal read against what was just listed or is asked (`questions`: the intents of the previous answer and
    of this message), else the focus of the previous turn."""
    folded = _words(text)
    if not isinstance(record, Certification):
        return None
    base = previous or Focus()
    found = re.search(r" blocs? (?:n )?(?:no )?(\d) ", folded)
    if found:
        return base.about(BLOC, int(found.group(1)))
    found = re.search(r" (20\d\d) ", folded)
    if found:
        return base.about(ANNEE, int(found.group(1)))
    for index, certifier in enumerate(record.certificateurs, 1):
        if names_certifier(text, certifier):
            return base.about(CERTIFIER, index)
    ordinal = _ordinal(folded)
    if ordinal is not None:
        if re.search(r" (organisme|certificateur|ecole)", folded) or (
                previous and previous.kind == CERTIFIER) or "ask_certifier" in questions:
            return base.about(CERTIFIER, ordinal if ordinal > 0 else len(record.certificateurs))
        if (previous and previous.kind == BLOC) or "ask_profile" in questions or " bloc" in folded:
            return base.about(BLOC, ordinal if ordinal > 0 else len(record.blocs))
    if re.search(r" (blocs|annees|promos|chiffres|organismes|certificateurs) ", folded):
        return None  # the whole of them, not the part discussed before
    return previous


def names_certifier(text: str, certifier) -> bool:
    """Whether the message names this certifier (« l'ISEFAC », « la Paris School »)."""
    folded = _words(text)
    return any(_names_certifier(folded, name) for name in (certifier.nom_legal, certifier.nom_commercial) if name)


GENERIC_NAME_WORDS = frozenset("paris lille institut formation formations ecole school communication tourism "
                               "promotion management developpement learning".split())


def _names_certifier(folded: str, name: str) -> bool:
    """« l'ISEFAC », « la Paris School » name a certifier: one of its distinctive words (or two in a row)."""
    words = [w for w in _words(name).split() if len(w) >= 4 and w not in GENERIC_NAME_WORDS]
    if any(f" {w} " in folded for w in words):
        return True
    parts = _words(name).split()
    return any(f" {a} {b} " in folded for a, b in zip(parts, parts[1:]) if len(a) >= 4 and len(b) >= 4)


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


def _per_certifier(what: str, attribute: str):
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


def _site(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    result = _per_certifier("le site internet", "site_internet")(kb, record, focus, gender)
    if result.kind != "answer" and not (focus and focus.kind == CERTIFIER) and record.liens:
        return answer(record, f"Liens donnés par la fiche de {_cert_name(record)} :\n" + bullets(record.liens))
    return result


def _contact(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    if not record.contacts:
        result = missing(record, "d'adresse e-mail ni de téléphone", _cert_name(record))
        sites = [f"{_certifier_name(c)} : {c.site_internet}" for c in _certifiers(record, focus) if c.site_internet]
        if sites:
            result.text += "\nTu peux passer par leur site : " + join_fr(sites) + "."
        return result
    return answer(record, f"Contacts donnés par la fiche de {_cert_name(record)} : {join_fr(record.contacts)}.")


def _places(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str,
            preparation: bool = False) -> Answer:
    lines = []
    if record.lieux_certification and not preparation:
        lines.append("Lieu de certification : " + " ; ".join(record.lieux_certification))
    if record.lieux_preparation:
        lines.append("Lieu de préparation : " + " ; ".join(record.lieux_preparation))
    if not lines:
        return missing(record, "d'adresse ni de lieu de préparation", _cert_name(record))
    return answer(record, f"{_cert_name(record)} :\n" + bullets(lines))


def _preparation(kb, record, focus, gender) -> Answer:
    return _places(kb, record, focus, gender, preparation=bool(record.lieux_preparation))


def _codes(what: str, attribute: str):
    def compose(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
        codes = getattr(record, attribute)
        if not codes:
            return missing(record, f"de code {what}", _cert_name(record))
        lines = [f"{code} ({label})" if label else code for code, label in codes]
        return answer(record, f"Code{'s' if len(lines) > 1 else ''} {what} de {_cert_name(record)} : "
                              + join_fr(lines) + ".")
    return compose


def _replaced(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    if not record.certifications_anterieures:
        return missing(record, "de certification antérieure (remplacée)", _cert_name(record))
    listed = [f"{code} « {label} »" for code, label in record.certifications_anterieures]
    return answer(record, f"{_cert_name(record)} a remplacé : " + join_fr(listed) + ".")


def _juries(record: Certification) -> list[str]:
    return list(dict.fromkeys(v.jury for v in record.voies_acces if v.jury and v.ouverte is not False))


def _jury(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str, pattern: str = "") -> Answer:
    juries = _juries(record)
    if not juries:
        return missing(record, "de composition du jury", _cert_name(record))
    picked = matching(pattern, *juries) if pattern else []
    return answer(record, f"Jury de {_cert_name(record)} : " + (" ".join(picked) if picked else "\n".join(juries)))


def _jury_chair(kb, record, focus, gender) -> Answer:
    return _jury(kb, record, focus, gender, r"pr[ée]siden|pr[ée]sid")


def _bloc(record: Certification, focus: Optional[Focus]):
    if focus and focus.kind == BLOC:
        index = focus.value if focus.value > 0 else len(record.blocs)
        return next((b for b in record.blocs if b.numero == index), None)
    return None


def _bloc_name(record: Certification, bloc) -> str:
    return f"le bloc {bloc.numero} ({bloc.code + ', ' if bloc.code else ''}« {bloc.intitule.rstrip('.')} »)"


def _assessment(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str,
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


def _vae_assessment(kb, record, focus, gender) -> Answer:
    return _assessment(kb, record, None, gender, r"\bVAE\b|exp[ée]rience")


def _oral(kb, record, focus, gender) -> Answer:
    return _assessment(kb, record, focus, gender, r"\boral|orale|soutenance|jeu de r[ôo]le|pr[ée]sentation")


def _acquisition(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    said = [s for s in sentences(record.acquisition) if s] or (
        [record.validite_composantes] if record.validite_composantes else [])
    if not said:
        return missing(record, "de règle de validation des blocs", _cert_name(record))
    text = " ".join(said)
    if len(text) < 20:  # « illimitée »
        text = f"Durée de validité des compétences acquises : {text}."
    return answer(record, f"{_cert_name(record)} : {text}")


def _year(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
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


def _still_valid(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    import datetime as dt
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


def _selection(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str) -> Answer:
    lines = record.prerequis
    start = next((i for i, line in enumerate(lines) if re.search(r"(?i)s[ée]lection", line)), None)
    if start is None:
        return missing(record, "de modalités de sélection", _cert_name(record))
    return answer(record, f"Sélection pour {_cert_name(record)} :\n" + bullets(lines[start:]))


def _access_route(kb: KnowledgeBase, record: Certification, focus: Optional[Focus], gender: str,
                  pattern: str = "") -> Answer:
    routes = [v for v in record.voies_acces if re.search(pattern, fold(v.voie))]
    if not routes:
        return missing(record, "cette voie d'accès", _cert_name(record))
    said = [f"{v.voie} : " + ("ouverte" if v.ouverte else "non ouverte" if v.ouverte is False else "non renseigné")
            for v in routes]
    return answer(record, f"Voie d'accès à {_cert_name(record)} :\n" + bullets(said))


def _route(pattern: str):
    return lambda kb, record, focus, gender: _access_route(kb, record, focus, gender, pattern)


def _passage(what: str, pattern: str, fields: tuple[str, ...]):
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


Compose = Callable[[KnowledgeBase, Record, Optional[Focus], str], Answer]


@dataclass(frozen=True)
class Fact:
    name: str
    asked: re.Pattern  # the question's words (folded: no accents, lower case)
    of: type  # the record type it is read from
    intent: str  # the kind of question it refines (what a correction asks again)
    compose: Compose
    part: str = ""  # the sub-part it is about, kept as focus
    job_has_it: bool = False  # a job has this fact of its own: never read from the job's certification instead

    def words(self, text: str) -> str:
        """The words of the question that ask this fact (« nom commercial », « siret »)."""
        found = self.asked.search(_words(text))
        return found.group(0) if found else ""


def _q(pattern: str) -> re.Pattern:
    return re.compile(pattern)


CERT_TEXT = ("secteurs_activite", "emplois_description", "objectifs", "activites")
JOB_TEXT = ("rattachement", "duree_etudes", "en_bref", "presentation", "nature_travail", "condition_travail",
            "acces_metier", "vie_professionnelle", "salaire_debutant", "competences", "description", "statuts", "missions")
FORMATION_TEXT = ("descriptif", "acces", "poursuites_etudes")

# The order matters: the first fact whose words the question has answers it.
FACTS: tuple[Fact, ...] = (
    Fact("siret", _q(r"\bsir[e]t\b|\bsiren\b"), Certification, "ask_certifier", _per_certifier("le SIRET", "siret"),
         CERTIFIER),
    Fact("nom_commercial", _q(r"nom commercial|nom de l ecole|l ecole s appelle"), Certification, "ask_certifier",
         _per_certifier("le nom commercial", "nom_commercial"), CERTIFIER),
    Fact("contact", _q(r"\b(e ?)?mails?\b|courriel|contacter|telephone|\bcontacts?\b|\bjoindre\b"), Certification,
         "ask_certifier", _contact, CERTIFIER),
    Fact("site", _q(r"\bsites?\b|\burl\b|\bsite web\b|\bliens?\b"), Certification, "ask_certifier", _site, CERTIFIER),
    Fact("nsf", _q(r"\bnsf\b"), Certification, "ask_description", _codes("NSF", "codes_nsf")),
    Fact("formacode", _q(r"formacode"), Certification, "ask_description", _codes("Formacode", "formacodes")),
    Fact("rome", _q(r"\brome\b"), Certification, "ask_rome_code",
         lambda kb, record, focus, gender: certification.rome_codes(kb, record, gender), job_has_it=True),
    Fact("remplace", _q(r"rempla|ancienne? (certif|titre|fiche|version)|precedente? (certif|titre)|s appelait|"
                        r"avant (elle|lui|ce titre|cette certif)"), Certification, "ask_validity_dates", _replaced),
    Fact("jury_president", _q(r"presid"), Certification, "ask_jury_vae", _jury_chair, JURY),
    Fact("jury", _q(r"\bjury|membres|exterieur"), Certification, "ask_jury_vae", _jury, JURY),
    Fact("vae_evaluation", _q(r"\bvae\b.*(evalu|valid|se passe|jury)|(evalu|valid|se passe).*\bvae\b"), Certification,
         "ask_jury_vae", _vae_assessment),
    Fact("candidature_individuelle", _q(r"candidature individuelle|candidat libre"), Certification, "ask_jury_vae",
         _route(r"candidature individuelle")),
    Fact("apprentissage", _q(r"apprentissage|\balternance\b|en alternance"), Certification, "ask_jury_vae",
         _route(r"apprentissage|professionnalisation")),
    Fact("oral", _q(r"\boral|\bsoutenance|\bepreuve ecrite|\bun ecrit\b"), Certification, "ask_profile", _oral, BLOC),
    Fact("acquisition", _q(r"pour toujours|a vie\b|restent? (acquis|valable)|definitivement|valable combien|"
                           r"valables combien|validite des (blocs|competences)|capitalis|perim|expirent|"
                           r"valider (les|tous les|tout les) (\d |cinq |trois )?(blocs )?|tous les blocs|"
                           r"faut (tous )?les valider"), Certification, "ask_profile", _acquisition),
    Fact("selection", _q(r"selection|entretien|dossier de candidature|comment (on )?(est|sont) (pris|choisis)"),
         Certification, "ask_studies", _selection),
    Fact("prerequis", _q(r"demandent quoi|pour (y )?(entrer|rentrer)|prerequis|pre requis|conditions d (acces|entree)"),
         Certification, "ask_level", lambda kb, record, focus, gender: certification.level_and_entry(kb, record, gender)),
    Fact("evaluation", _q(r"evalu|se valide|valide comment|examen|epreuves?|se passe comment"), Certification,
         "ask_profile", _assessment, BLOC),
    Fact("officiel", _q(r"officiel|reconnue? par l etat|(encore|toujours|plus) (valable|valide|enregistre|reconnu)|"
                        r"expire|perime"), Certification, "ask_validity_dates", _still_valid),
    Fact("annee", _q(r"\b20\d\d\b|cette promo|la promo|cette annee"), Certification, "ask_insertion_stats", _year,
         ANNEE),
    Fact("preparation", _q(r"preparer|se former|suivre (la|cette) formation|ou (on )?(peut|se) (la |le )?(faire|"
                           r"suivre)"), Certification, "ask_certifier", _preparation),
    Fact("lieu", _q(r"adresse|situe|\bbases?\b|\bou (ca |il |elle |on |ils |elles )*(se )?(passe|trouve|situe)|"
                    r"(passe|passent|trouve|trouvent|deroule) ou\b|"
                    r"\bc est ou\b|\bou est\b|\bou sont\b|quelle ville|locaux"), Certification, "ask_certifier", _places),
    Fact("taille", _q(r"taille|combien de salaries|petites? (agences?|structures?|entreprises?)|grosses? "
                      r"(agences?|structures?)"), Certification, "ask_jobs",
         _passage("la taille des employeurs", r"salari[ée]s|taille|PME|TPE", CERT_TEXT)),
    Fact("annonceur", _q(r"annonceur"), Certification, "ask_jobs", _passage("les annonceurs", r"annonceur", CERT_TEXT)),
    Fact("autorite", _q(r"autorite|superieur|hierarch|rattache a qui|rattachee a qui|\bn ?\+ ?1\b|son chef|"
                        r"son patron|son boss"), Record, "ask_working_conditions",
         _passage("la hiérarchie", r"autorit[ée]|hi[ée]rarchi|rattach[ée]|sous la responsabilit", CERT_TEXT + JOB_TEXT)),
    Fact("debut", _q(r"debut de carriere|premier (poste|emploi|job)|en debutant|au debut|au tout debut|"
                     r"junior"), Certification, "ask_jobs",
         _passage("les premiers postes", r"d[ée]but|d[ée]butant|premier poste|assistant|junior", CERT_TEXT)),
    Fact("filiere", _q(r"chiffre d affaires|combien d entreprises|offres? d emploi|recrute|embauche|"
                       r"combien de (salaries|personnes) (dans|travaillent)"), Certification, "ask_jobs",
         _passage("le marché de l'emploi", r"chiffre d.affaires|\d[\d  ]* (entreprises|salari|offres)|offres d.emploi|"
                  r"recrut|embauch", ("objectifs",))),
    Fact("statut", _q(r"salarie.{0,30}(independant|freelance|liberal|a (son|mon) compte)|(independant|freelance|"
                      r"liberal).{0,30}salarie|quels? statuts?|fonctionnaire"), Metier, "ask_status",
         lambda kb, record, focus, gender: metier.status(kb, record, gender)),
    Fact("artisan", _q(r"\bartisan"), Metier, "ask_status", _passage("le statut d'artisan", r"artisan", JOB_TEXT)),
    Fact("liberal", _q(r"\bliberal|s installer"), Metier, "ask_status",
         _passage("l'exercice en libéral", r"lib[ée]ral|s'installer|installer", JOB_TEXT)),
    Fact("collabore", _q(r"avec qui|collabor|en relation avec|en contact avec|son equipe"), Record,
         "ask_working_conditions", _passage("ses collaborateurs", r"collabor|en relation|en lien|travaille avec|en "
                                            r"contact|[ée]quipe", ("nature_travail", "competences", "condition_travail",
                                                                   "vie_professionnelle", "missions", "en_bref",
                                                                   "description", *CERT_TEXT))),
    Fact("tarif", _q(r"\btarifs?\b|\bfactur|prix de (la|sa) journee|(independant|freelance).{0,25}(gagne|combien|"
                     r"touche)|(gagne|combien|touche).{0,25}(independant|freelance)"), Metier, "ask_salary",
         _passage("les tarifs d'un indépendant", r"ind[ée]pendant|free-?lance|tarif|factur|journ[ée]e",
                  ("salaire_debutant", "vie_professionnelle"))),
    Fact("independant", _q(r"independant|freelance|free lance|a (mon|son) compte|auto ?entrepreneur|"
                           r"micro ?entrepr|tarif"), Metier, "ask_status",
         _passage("l'exercice en indépendant", r"ind[ée]pendant|freelance|free-lance|à son compte|lib[ée]ral|"
                  r"auto-?entrepreneur|tarif|propre (agence|entreprise|studio)", JOB_TEXT)),
    Fact("salaire", _q(r"salaire|\bgagne|se fait combien|combien par mois|\bpaye|remuner|\bpaie\b"), Metier,
         "ask_salary", lambda kb, record, focus, gender: metier.salary(kb, record, gender)),
    Fact("niveau", _q(r"\bniveau\b"), Metier, "ask_level",
         lambda kb, record, focus, gender: metier.access_level(kb, record, gender)),
    Fact("diplome", _q(r"(s appelle|nom|quel|premier|lequel).{0,20}diplome|diplome.{0,20}(s appelle|a passer|"
                       r"a preparer|faut)"), Metier, "ask_studies",
         lambda kb, record, focus, gender: metier.studies(kb, record, gender)),
    Fact("secteurs", _q(r"\bsecteurs?\b|domaines? d activite"), Metier, "ask_status",
         lambda kb, record, focus, gender: metier.status(kb, record, gender)),
    Fact("age", _q(r"\bage\b|quel age|\bans minimum|trop (vieux|vieille|jeune)"), Record, "ask_studies",
         _passage("l'âge", r"\b\d+ ans\b.{0,40}(minimum|au moins|révolus)|(âge|au moins|minimum).{0,30}\b\d+ ans|\bâge\b",
                  JOB_TEXT + FORMATION_TEXT)),
    Fact("region", _q(r"region|quelle ville|\bou (il y a|on trouve|trouver) "), Metier, "ask_working_conditions",
         _passage("les régions où il y a du travail", r"r[ée]gion|[îi]le-de-france|grandes villes|province",
                  JOB_TEXT)),
    Fact("premiere_annee", _q(r"premiere annee|1re annee|\bl1\b"), Record, "ask_studies",
         _passage("la première année", r"premi[èe]re ann[ée]e|\bL1\b|PASS|LAS\b", JOB_TEXT + FORMATION_TEXT)),
    Fact("parcoursup", _q(r"parcoursup"), Record, "ask_studies",
         _passage("Parcoursup", r"parcoursup", JOB_TEXT + FORMATION_TEXT)),
)
BY_NAME = {f.name: f for f in FACTS}


# A short follow-up about the sub-part in focus: (focus kind, the question's words, the fact answering it)
FOCUS_FOLLOW_UPS = (
    (ANNEE, _q(r"insertion|insere|taux|metier vise|combien|certifies|diplomes|chiffres|reussi"), "annee"),
    (JURY, _q(r"combien|compose|membres|professionnels|qui (en fait partie|y siege|sont ils|c est)"), "jury"),
    (BLOC, _q(r"evalu|valide|passe|epreuve|examen"), "evaluation"),
)


ELLIPSIS = re.compile(r"^ (et |alors |ok |bon )*(pour |en |dans |sur )?(le |la |les |l |du |de |des |au |aux |ceux |"
                      r"celui |celle |celles |cette |ce )*(bloc |blocs |promo |promotion |annee |organisme |"
                      r"certificateur )?(n )?(no )?(\d+ |premier |premiere |deuxieme |second |seconde |troisieme |"
                      r"quatrieme |cinquieme |dernier |derniere |autre )?(alors |stp |svp )?$")


def elliptic(text: str) -> bool:
    """« et le bloc 3 ? », « et en 2019 ? », « et le deuxième ? »: a message that names only a sub-part."""
    return bool(ELLIPSIS.match(_words(text)))


def pick_fact(text: str, record: Record, focus: Optional[Focus], again: bool = False) -> Optional[Fact]:
    """The fact asked: named by the question's words, a follow-up about the sub-part in focus, or, for an
    elliptic message (`again`: « et le bloc 3 ? », « et ceux du 360 ? »), the fact last answered."""
    fact = fact_asked(text, record)
    if fact is not None or focus is None:
        return fact
    folded = _words(text)
    follow = next((BY_NAME[name] for kind, words, name in FOCUS_FOLLOW_UPS
                   if focus.kind == kind and words.search(folded)), None)
    if follow is not None:
        return follow
    last = BY_NAME.get(focus.fact)
    if last is not None and isinstance(record, last.of) and (again or elliptic(text)):
        return last
    return None


def focus_after(fact: Fact, focus: Optional[Focus]) -> Focus:
    """The focus once `fact` is answered: its sub-part if the question had one, and the fact's name."""
    if focus and focus.kind and focus.kind == fact.part:
        return Focus(focus.kind, focus.value, fact.name)
    if fact.part == JURY:
        return Focus(JURY, 0, fact.name)
    return Focus(fact=fact.name)


def fact_asked(text: str, record: Record) -> Optional[Fact]:
    """The fine-grained fact of `record` the question asks, None when it asks none (or only a whole topic)."""
    folded = _words(text)
    for fact in FACTS:
        if isinstance(record, fact.of) and fact.asked.search(folded):
            return fact
    return None

