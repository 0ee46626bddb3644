"""Fine-grained facts: one precise fact of a fiche (a certifier's SIRET, how block 5 is assessed, the 2018
figures, the sentence of a job sheet about working freelance) recognised in the question's words, and answered
alone instead of a whole overview (actions/details.py). A fact asked about a sub-part (a block, a year, one
certifier) keeps that part as the conversation's focus (actions/focus.py), so that « et il est évalué comment ? »
or « cette promo » resolve."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from knowledge.kb import KnowledgeBase
from knowledge.model import Certification, CodeRome, Formation, Metier, Record

from . import certification, metier
from .compose import Answer
from .details import (telephone, bloc_contents, formation_field, interests, legal_basis, objectives, route, acquisition, assessment, codes, contact, jury, jury_chair, oral,
                      passage, per_certifier, places, preparation, replaced, selection, site, still_valid,
                      vae_assessment, year)
from .focus import ANNEE, BLOC, CERTIFIER, JURY, Focus, folded_words
from .record_types import Handler

Compose = Callable[[KnowledgeBase, Record, Optional[Focus], str], Answer]


def whole(handler: Handler) -> Compose:
    """A question's usual answer (`actions/routing.py`) as the answer to a fact: the focus plays no part."""
    return lambda kb, record, focus, gender: handler(kb, record, gender)


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
        found = self.asked.search(folded_words(text))
        return found.group(0) if found else ""


def _q(pattern: str) -> re.Pattern:
    return re.compile(pattern)


CERT_TEXT = ("secteurs_activite", "emplois_description", "objectifs", "activites")
JOB_TEXT = ("rattachement", "duree_etudes", "en_bref", "presentation", "nature_travail", "condition_travail",
            "acces_metier", "vie_professionnelle", "salaire_debutant", "competences", "description", "statuts", "missions")
FORMATION_TEXT = ("descriptif", "acces", "poursuites_etudes")

# The order matters: the first fact whose words the question has answers it.
FACTS: tuple[Fact, ...] = (
    Fact("siret", _q(r"\bsir[e]t\b|\bsiren\b"), Certification, "ask_certifier", per_certifier("le SIRET", "siret"),
         CERTIFIER),
    Fact("nom_commercial", _q(r"nom commercial|nom de l ecole|l ecole s appelle"), Certification, "ask_certifier",
         per_certifier("le nom commercial", "nom_commercial"), CERTIFIER),
    Fact("telephone", _q(r"telephone|\btel\b|numero de tel|appeler"), Certification, "ask_certifier", telephone,
         CERTIFIER),
    Fact("contact", _q(r"\b(e ?)?mails?\b|courriel|contacter|telephone|\bcontacts?\b|\bjoindre\b"), Certification,
         "ask_certifier", contact, CERTIFIER),
    Fact("site", _q(r"\bsites?\b|\burl\b|\bsite web\b|\bliens?\b"), Certification, "ask_certifier", site, CERTIFIER),
    Fact("nsf", _q(r"\bnsf\b"), Certification, "ask_description", codes("NSF", "codes_nsf")),
    Fact("formacode", _q(r"formacode"), Certification, "ask_description", codes("Formacode", "formacodes")),
    Fact("rome", _q(r"\brome\b"), Certification, "ask_rome_code",
         whole(certification.rome_codes), job_has_it=True),
    Fact("remplace", _q(r"rempla|ancienne? (certif|titre|fiche|version)|precedente? (certif|titre)|s appelait|"
                        r"avant (elle|lui|ce titre|cette certif)"), Certification, "ask_validity_dates", replaced),
    Fact("jury_president", _q(r"presid"), Certification, "ask_jury_vae", jury_chair, JURY),
    Fact("jury", _q(r"\bjury|membres|exterieur"), Certification, "ask_jury_vae", jury, JURY),
    Fact("vae_evaluation", _q(r"\bvae\b.*(evalu|valid|se passe|jury)|(evalu|valid|se passe).*\bvae\b"), Certification,
         "ask_jury_vae", vae_assessment),
    Fact("candidature_individuelle", _q(r"candidature individuelle|candidat libre"), Certification, "ask_jury_vae",
         route(r"candidature individuelle")),
    Fact("apprentissage", _q(r"apprentissage|\balternance\b|en alternance"), Certification, "ask_jury_vae",
         route(r"apprentissage|professionnalisation")),
    Fact("oral", _q(r"\boral|\bsoutenance|\bepreuve ecrite|\bun ecrit\b"), Certification, "ask_profile", oral, BLOC),
    Fact("acquisition", _q(r"pour toujours|a vie\b|restent? (acquis|valable)|definitivement|valable combien|"
                           r"valables combien|validite des (blocs|competences)|capitalis|perim|expirent|"
                           r"valider (les|tous les|tout les) (\d |cinq |trois )?(blocs )?|tous les blocs|"
                           r"faut (tous )?les valider"), Certification, "ask_profile", acquisition),
    Fact("selection", _q(r"selection|entretien|dossier de candidature|comment (on )?(est|sont) (pris|choisis)"),
         Certification, "ask_studies", selection),
    Fact("prerequis", _q(r"demandent quoi|pour (y )?(entrer|rentrer)|prerequis|pre requis|conditions d (acces|entree)"),
         Certification, "ask_level", whole(certification.level_and_entry)),
    Fact("bloc_contenu", _q(r"blocs? \d.{0,30}(contient|consiste|comprend|competences|contenu|apprend)|"
                            r"(competences|contenu) du bloc|competences visees|liste des competences"), Certification, "ask_profile", bloc_contents, BLOC),
    Fact("objectifs", _q(r"objectifs?|a quoi (il |elle )?sert|pourquoi (ce|cette|le) (titre|certif)|le but d"),
         Certification, "ask_description", objectives),
    Fact("base_legale", _q(r"arrete|journal officiel|base legale|legalement"), Certification, "ask_validity_dates",
         legal_basis),
    Fact("evaluation", _q(r"evalu|se valide|valide comment|examen|epreuves?|se passe comment"), Certification,
         "ask_profile", assessment, BLOC),
    Fact("officiel", _q(r"officiel|reconnue? par l etat|(encore|toujours|plus) (valable|valide|enregistre|reconnu)|"
                        r"expire|perime"), Certification, "ask_validity_dates", still_valid),
    Fact("annee", _q(r"\b20\d\d\b|cette promo|la promo|cette annee"), Certification, "ask_insertion_stats", year,
         ANNEE),
    Fact("preparation", _q(r"preparer|se former|suivre (la|cette) formation|(where|ou) (on )?(peut|se) (la |le )?(faire|"
                           r"suivre)"), Certification, "ask_certifier", preparation),
    Fact("lieu", _q(r"adresse|situe|\bbases?\b|\bwhere\b|\bou $|\bc est ou\b|\bou (se )?(passe|trouve)|quelle ville|"
                    r"locaux"), Certification, "ask_certifier", places),  # « ou » at the end: « où » typed without accent
    Fact("taille", _q(r"taille|combien de salaries|petites? (agences?|structures?|entreprises?)|grosses? "
                      r"(agences?|structures?)"), Certification, "ask_jobs",
         passage("la taille des employeurs", r"salari[ée]s|taille|PME|TPE", CERT_TEXT)),
    Fact("annonceur", _q(r"annonceur"), Certification, "ask_jobs", passage("les annonceurs", r"annonceur", CERT_TEXT)),
    Fact("autorite", _q(r"autorite|superieur|hierarch|rattache a qui|rattachee a qui|\bn ?\+ ?1\b|son chef|"
                        r"son patron|son boss"), Record, "ask_working_conditions",
         passage("la hiérarchie", r"autorit[ée]|hi[ée]rarchi|rattach[ée]|sous la responsabilit", CERT_TEXT + JOB_TEXT)),
    Fact("debut", _q(r"debut de carriere|premier (poste|emploi|job)|en debutant|au debut|au tout debut|"
                     r"junior"), Certification, "ask_jobs",
         passage("les premiers postes", r"d[ée]but|d[ée]butant|premier poste|assistant|junior", CERT_TEXT)),
    Fact("filiere", _q(r"chiffre d affaires|combien d entreprises|offres? d emploi|recrute|embauche|"
                       r"combien de (salaries|personnes) (dans|travaillent)"), Certification, "ask_jobs",
         passage("le marché de l'emploi", r"chiffre d.affaires|\d[\d  ]* (entreprises|salari|offres)|offres d.emploi|"
                  r"recrut|embauch", ("objectifs",))),
    Fact("statut", _q(r"salarie.{0,30}(independant|freelance|liberal|a (son|mon) compte)|(independant|freelance|"
                      r"liberal).{0,30}salarie|quels? statuts?|fonctionnaire"), Metier, "ask_status",
         whole(metier.status)),
    Fact("artisan", _q(r"\bartisan"), Metier, "ask_status", passage("le statut d'artisan", r"artisan", JOB_TEXT)),
    Fact("liberal", _q(r"\bliberal|s installer"), Metier, "ask_status",
         passage("l'exercice en libéral", r"lib[ée]ral|s'installer|installer", JOB_TEXT)),
    Fact("collabore", _q(r"avec qui|collabor|en relation avec|en contact avec|son equipe"), Record,
         "ask_working_conditions", passage("ses collaborateurs", r"collabor|en relation|en lien|travaille avec|en "
                                            r"contact|[ée]quipe", ("nature_travail", "competences", "condition_travail",
                                                                   "vie_professionnelle", "missions", "en_bref",
                                                                   "description", *CERT_TEXT))),
    Fact("tarif", _q(r"\btarifs?\b|\bfactur|prix de (la|sa) journee|(independant|freelance).{0,25}(gagne|combien|"
                     r"touche)|(gagne|combien|touche).{0,25}(independant|freelance)"), Metier, "ask_salary",
         passage("les tarifs d'un indépendant", r"ind[ée]pendant|free-?lance|tarif|factur|journ[ée]e",
                  ("salaire_debutant", "vie_professionnelle"))),
    Fact("independant", _q(r"independant|freelance|free lance|a (mon|son) compte|auto ?entrepreneur|"
                           r"micro ?entrepr|tarif"), Metier, "ask_status",
         passage("l'exercice en indépendant", r"ind[ée]pendant|freelance|free-lance|à son compte|lib[ée]ral|"
                  r"auto-?entrepreneur|tarif|propre (agence|entreprise|studio)", JOB_TEXT)),
    Fact("salaire", _q(r"salaire|\bgagne|se fait combien|combien par mois|\bpaye|remuner|\bpaie\b"), Metier,
         "ask_salary", whole(metier.salary)),
    Fact("niveau", _q(r"\bniveau\b"), Metier, "ask_level",
         whole(metier.access_level)),
    Fact("diplome", _q(r"(s appelle|nom|quel|premier|lequel).{0,20}diplome|diplome.{0,20}(s appelle|a passer|"
                       r"a preparer|faut)"), Metier, "ask_studies",
         whole(metier.studies)),
    Fact("secteurs", _q(r"\bsecteurs?\b|domaines? d activite"), Metier, "ask_status",
         whole(metier.status)),
    Fact("interets", _q(r"centres? d interet|ca plait a qui|pour qui aime|si j aime"), Record,
         "ask_profile", interests),
    Fact("debouches", _q(r"\bdebouches\b|ca recrute|embauche|trouver (du travail|un emploi|un job)|avenir|"
                         r"marche du travail"), Metier, "ask_jobs",
         passage("le marché du travail", r"emploi|recrut|débouch|embauch|march[ée]|postes?|offres?|besoins?|salarié",
                 ("en_bref", "vie_professionnelle"))),
    Fact("formation_rncp", _q(r"\brncp\b|reconnue? par l etat|quel type de diplome"), Formation,
         "ask_level", formation_field("de code RNCP", "code_rncp", "nature_certificat")),
    Fact("tutelle", _q(r"tutelle|ministere|qui (la |le )?delivre|delivre par"), Formation, "ask_level",
         formation_field("de ministère de tutelle", "tutelle")),
    Fact("formation_nsf", _q(r"\bnsf\b"), Formation, "ask_level", formation_field("de code NSF", "codes_nsf")),
    Fact("rome_acces", _q(r"acces|diplome|niveau|etudes|formation"), CodeRome, "ask_studies",
         passage("l'accès à l'emploi", r".", ("acces_emploi",))),
    Fact("horaires", _q(r"horaires?|la nuit|le week ?end|le dimanche|tot le matin|combien d heures"), Metier,
         "ask_working_conditions", passage("les horaires", r"horaires?|nuit|week-end|dimanche|tôt|heures|décalé",
                                           ("condition_travail", *JOB_TEXT))),
    Fact("teletravail", _q(r"teletravail|a distance|de chez (moi|soi|lui)"), Metier, "ask_working_conditions",
         passage("le télétravail", r"télétravail|à distance|domicile", JOB_TEXT)),
    Fact("age", _q(r"\bage\b|quel age|\bans minimum|trop (vieux|vieille|jeune)"), Record, "ask_studies",
         passage("l'âge", r"\b\d+ ans\b.{0,40}(minimum|au moins|révolus)|(âge|au moins|minimum).{0,30}\b\d+ ans|\bâge\b",
                  JOB_TEXT + FORMATION_TEXT)),
    Fact("region", _q(r"region|quelle ville|\b(where|ou) (il y a|on trouve|trouver) "), Metier, "ask_working_conditions",
         passage("les régions où il y a du travail", r"r[ée]gion|[îi]le-de-france|grandes villes|province",
                  JOB_TEXT)),
    Fact("premiere_annee", _q(r"premiere annee|1re annee|\bl1\b"), Record, "ask_studies",
         passage("la première année", r"premi[èe]re ann[ée]e|\bL1\b|PASS|LAS\b", JOB_TEXT + FORMATION_TEXT)),
    Fact("parcoursup", _q(r"parcoursup"), Record, "ask_studies",
         passage("Parcoursup", r"parcoursup", JOB_TEXT + FORMATION_TEXT)),
)
BY_NAME = {f.name: f for f in FACTS}


# A short follow-up about the sub-part in focus: (focus kind, the question's words, the fact answering it)
FOCUS_FOLLOW_UPS = (
    (ANNEE, _q(r"insertion|insere|taux|metier vise|combien|certifies|diplomes|chiffres|reussi"), "annee"),
    (JURY, _q(r"combien|compose|membres|professionnels|qui (en fait partie|y siege|sont ils|c est)"), "jury"),
    (BLOC, _q(r"evalu|valide|passe|epreuve|examen"), "evaluation"),
    (BLOC, _q(r"contient|consiste|parle|comprend|competences|contenu|\bquoi\b"), "bloc_contenu"),
)


ELLIPSIS_WORDS = frozenset("""et alors ok bon pour en dans sur le la les l du de des d au aux ceux celui celle celles cette
    ce bloc blocs promo promotion annee organisme certificateur n no premier premiere deuxieme second seconde troisieme
    quatrieme cinquieme dernier derniere autre avant apres precedente suivante stp svp""".split())


def elliptic(text: str) -> bool:
    """« et le bloc 3 ? », « et en 2019 ? », « et le deuxième ? »: a message that names only a sub-part."""
    words = folded_words(text).split()
    return bool(words) and all(w in ELLIPSIS_WORDS or w.isdigit() for w in words)


def pick_fact(text: str, record: Record, focus: Optional[Focus], again: bool = False) -> Optional[Fact]:
    """The fact asked: named by the question's words, a follow-up about the sub-part in focus, or, for an
    elliptic message (`again`: « et le bloc 3 ? », « et ceux du 360 ? »), the fact last answered."""
    fact = fact_asked(text, record)
    if fact is not None or focus is None:
        return fact
    folded = folded_words(text)
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
    folded = folded_words(text)
    for fact in FACTS:
        if isinstance(record, fact.of) and fact.asked.search(folded):
            return fact
    return None

