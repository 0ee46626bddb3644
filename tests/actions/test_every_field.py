"""Every fact of every fiche has a question that reaches it (issue 16, part 4): for each field a record type holds,
one question a student may ask, and the answer must carry that field's own value, read here from the knowledge
base (the parsed sources), not from the answer's code. Fields a type holds but no shipped record fills (a
certification's `etat`, `abrege`…) are listed apart: nothing to say about them yet."""

from __future__ import annotations

import dataclasses
import re

import pytest

from knowledge.model import Certification, CodeRome, Formation, Metier, Secteur

pytestmark = pytest.mark.unit

CROSS, C360, NURSE, PUB, LOCAL, DE_NURSE, E1103, AGENCY = (
    "RNCP35746", "RNCP28684", "MET.38", "JOB.chef-de-publicite", "JOB.charge-de-communication-collectivite",
    "FOR.2378", "E1103", "SECT.agence-de-communication")
CERT = {"entity": "certification"}


def first(text: str, size: int = 40) -> str:
    """The first words of a field, as an answer quotes or lists it."""
    return re.sub(r"\s+", " ", text.strip())[:size].rsplit(" ", 1)[0]


# (type, field, record, question, intent, entity value, the value the answer must show)
FIELDS = [
    (Certification, "numero", CROSS, "c'est quoi le titre cross-média ?", "ask_description", "cross-média",
     lambda r: r.numero),
    (Certification, "intitule", CROSS, "c'est quoi le titre cross-média ?", "ask_description", "cross-média",
     lambda r: r.intitule),
    (Certification, "niveau_europe", CROSS, "le cross-média c'est quel niveau ?", "ask_level", "cross-média",
     lambda r: f"niveau {r.niveau_europe}"),
    (Certification, "niveau_1969", C360, "le titre 360 c'est quel niveau ?", "ask_level", "titre 360",
     lambda r: f"niveau {r.niveau_1969}"),
    (Certification, "codes_nsf", CROSS, "le code NSF du cross-média ?", "ask_description", "cross-média",
     lambda r: r.codes_nsf[0][0]),
    (Certification, "formacodes", CROSS, "et son formacode ?", "ask_description", "cross-média",
     lambda r: r.formacodes[0][0]),
    (Certification, "certificateurs.nom_legal", CROSS, "qui délivre le cross-média ?", "ask_certifier", "cross-média",
     lambda r: r.certificateurs[0].nom_legal),
    (Certification, "certificateurs.siret", CROSS, "le siret de l'organisme du cross-média ?", "ask_certifier",
     "cross-média", lambda r: r.certificateurs[0].siret),
    (Certification, "certificateurs.nom_commercial", CROSS, "le nom commercial de l'organisme du cross-média ?",
     "ask_certifier", "cross-média", lambda r: r.certificateurs[0].nom_commercial),
    (Certification, "certificateurs.site_internet", CROSS, "le site de l'organisme du cross-média ?", "ask_certifier",
     "cross-média", lambda r: r.certificateurs[0].site_internet),
    (Certification, "certificateurs.qualite_signataire", C360, "qui délivre le titre 360 ?", "ask_certifier",
     "titre 360", lambda r: r.certificateurs[0].qualite_signataire),
    (Certification, "objectifs", CROSS, "à quoi sert le titre cross-média ?", "ask_description", "cross-média",
     lambda r: first(r.objectifs)),
    (Certification, "activites", CROSS, "c'est quoi le titre cross-média ?", "ask_description", "cross-média",
     lambda r: first(r.activites[0])),
    (Certification, "competences", CROSS, "la liste des compétences visées par le cross-média ?", "ask_profile",
     "cross-média", lambda r: first(r.competences[0])),
    (Certification, "blocs.intitule", CROSS, "les blocs du cross-média ?", "ask_profile", "cross-média",
     lambda r: first(r.blocs[1].intitule)),
    (Certification, "blocs.code", CROSS, "les blocs du cross-média ?", "ask_profile", "cross-média",
     lambda r: r.blocs[0].code),
    (Certification, "blocs.competences", CROSS, "le bloc 2 du cross-média il contient quoi ?", "ask_profile",
     "cross-média", lambda r: first(r.blocs[1].competences[0], 20)),
    (Certification, "blocs.modalites_evaluation", CROSS, "le bloc 4 du cross-média s'évalue comment ?", "ask_profile",
     "cross-média", lambda r: "dossier technique"),
    (Certification, "modalites_evaluation", CROSS, "en VAE le cross-média s'évalue comment ?", "ask_jury_vae",
     "cross-média", lambda r: "dossier de preuves"),
    (Certification, "secteurs_activite", CROSS, "le cross-média, on peut travailler chez l'annonceur ?", "ask_jobs",
     "cross-média", lambda r: "annonceur"),
    (Certification, "emplois_accessibles", CROSS, "quels métiers avec le cross-média ?", "ask_jobs", "cross-média",
     lambda r: r.emplois_accessibles[1]),
    (Certification, "emplois_description", CROSS, "avec le cross-média on est sous l'autorité de qui ?",
     "ask_working_conditions", "cross-média", lambda r: "directeur de la communication"),
    (Certification, "codes_rome", CROSS, "les codes ROME du cross-média ?", "ask_rome_code", "cross-média",
     lambda r: r.codes_rome[-1]),
    (Certification, "prerequis", CROSS, "quels prérequis pour le cross-média ?", "ask_studies", "cross-média",
     lambda r: "niveau 5"),
    (Certification, "voies_acces", CROSS, "le cross-média est accessible en VAE ?", "ask_jury_vae", "cross-média",
     lambda r: r.voies_acces[0].voie[:30]),
    (Certification, "statistiques", CROSS, "le taux d'insertion du cross-média ?", "ask_insertion_stats",
     "cross-média", lambda r: f"{r.statistiques[0].certifies} certifiés"),
    (Certification, "statistiques_texte", C360, "le taux d'insertion du titre 360 ?", "ask_insertion_stats",
     "titre 360", lambda r: first(r.statistiques_texte, 25)),
    (Certification, "date_echeance", CROSS, "le cross-média est enregistré jusqu'à quand ?", "ask_validity_dates",
     "cross-média", lambda r: r.date_echeance[:4]),
    (Certification, "date_enregistrement", C360, "le titre 360 est enregistré depuis quand ?", "ask_validity_dates",
     "titre 360", lambda r: "7 juillet 2017"),
    (Certification, "date_effet", C360, "le titre 360 est enregistré depuis quand ?", "ask_validity_dates",
     "titre 360", lambda r: "1er juin 2011"),
    (Certification, "base_legale", C360, "l'arrêté d'enregistrement du titre 360 ?", "ask_validity_dates",
     "titre 360", lambda r: "Journal Officiel"),
    (Certification, "validite_composantes", C360, "les blocs du titre 360 c'est pour toujours ?", "ask_profile",
     "titre 360", lambda r: r.validite_composantes),
    (Certification, "acquisition", CROSS, "faut valider tous les blocs du cross-média ?", "ask_profile",
     "cross-média", lambda r: "cumulativement"),
    (Certification, "lieux_certification", C360, "l'adresse du titre 360 ?", "ask_certifier", "titre 360",
     lambda r: "rue chabrol"),
    (Certification, "lieux_preparation", C360, "où préparer le titre 360 ?", "ask_certifier", "titre 360",
     lambda r: "Denis Papin"),
    (Certification, "certifications_anterieures", CROSS, "le cross-média a remplacé quelle certification ?",
     "ask_validity_dates", "cross-média", lambda r: r.certifications_anterieures[0][0]),
    (Certification, "liens", CROSS, "le site du cross-média ?", "ask_certifier", "cross-média", lambda r: r.liens[0]),
    (Certification, "contacts", C360, "un mail pour le titre 360 ?", "ask_certifier", "titre 360",
     lambda r: r.contacts[0]),
    (Metier, "appellation", NURSE, "que fait une infirmière ?", "ask_description", "infirmière",
     lambda r: "infirmière"),
    (Metier, "autres_appellations", PUB, "le chef de publicité a d'autres noms ?", "ask_other_names",
     "chef de publicité", lambda r: r.autres_appellations[1].masculin),
    (Metier, "codes_rome", NURSE, "le code ROME d'infirmier ?", "ask_rome_code", "infirmier", lambda r: r.codes_rome[0]),
    (Metier, "accroche", NURSE, "que fait un infirmier ?", "ask_description", "infirmier", lambda r: first(r.accroche)),
    (Metier, "en_bref", NURSE, "infirmier, il y a des débouchés ?", "ask_jobs", "infirmier", lambda r: first(r.en_bref)),
    (Metier, "duree_etudes_contexte", NURSE, "quelles études pour être infirmier ?", "ask_studies", "infirmier",
     lambda r: r.duree_etudes_contexte),
    (Metier, "duree_etudes", NURSE, "quelles études pour être infirmier ?", "ask_studies", "infirmier",
     lambda r: first(r.duree_etudes)),
    (Metier, "niveau_acces_min", NURSE, "quel niveau pour être infirmier ?", "ask_level", "infirmier",
     lambda r: r.niveau_acces_min.lower()),
    (Metier, "formations", NURSE, "quelles formations pour être infirmier ?", "ask_studies", "infirmier",
     lambda r: r.formations[0].libelle),
    (Metier, "statuts", NURSE, "infirmier c'est quel statut ?", "ask_status", "infirmier", lambda r: r.statuts[0]),
    (Metier, "secteurs_activite", NURSE, "infirmier, dans quels secteurs ?", "ask_status", "infirmier",
     lambda r: r.secteurs_activite[0]),
    (Metier, "centres_interet", NURSE, "infirmier, ça correspond à quels centres d'intérêt ?", "ask_profile",
     "infirmier", lambda r: "vocation est de soigner"),
    (Metier, "qualites", LOCAL, "quelles qualités pour être chargé de communication en collectivité locale ?",
     "ask_profile", "chargé de communication en collectivité locale", lambda r: r.qualites[0]),
    (Metier, "condition_travail", NURSE, "les conditions de travail d'un infirmier ?", "ask_working_conditions",
     "infirmier", lambda r: "Astreintes"),
    (Metier, "vie_professionnelle", NURSE, "infirmier, il y a des débouchés ?", "ask_jobs", "infirmier",
     lambda r: "besoins en professionnels du soin"),
    (Metier, "metiers_associes", NURSE, "les métiers proches d'infirmier ?", "ask_jobs", "infirmier",
     lambda r: "aide-soignant"),
    (Metier, "salaire_debutant", NURSE, "combien gagne un infirmier ?", "ask_salary", "infirmier",
     lambda r: "1890"),
    (Metier, "rattachement", LOCAL, "le chargé de communication en collectivité locale est rattaché à qui ?",
     "ask_working_conditions", "chargé de communication en collectivité locale", lambda r: "directeur de Cabinet"),
    (Metier, "missions", LOCAL, "que fait un chargé de communication en collectivité locale ?", "ask_description",
     "chargé de communication en collectivité locale", lambda r: first(r.missions[0])),
    (Metier, "nature_travail", NURSE, "que fait un infirmier ?", "ask_description", "infirmier",
     lambda r: first(r.nature_travail, 25)),
    (Metier, "competences", NURSE, "quelles qualités pour être infirmier ?", "ask_profile", "infirmier",
     lambda r: first(r.competences, 18)),
    (Metier, "acces_metier", NURSE, "quelles études pour être infirmier ?", "ask_studies", "infirmier",
     lambda r: "Diplôme d'Etat d'infirmier"),
    (Formation, "descriptif", DE_NURSE, "c'est quoi le diplôme d'État d'infirmier ?", "ask_description",
     "diplôme d'État d'infirmier", lambda r: first(r.descriptif, 30)),
    (Formation, "poursuites", DE_NURSE, "après le diplôme d'État d'infirmier on peut continuer ?", "ask_studies",
     "diplôme d'État d'infirmier", lambda r: r.poursuites[0].libelle),
    (CodeRome, "centres_interet", E1103, "E1103, ça correspond à quels centres d'intérêt ?", "ask_description", None,
     lambda r: r.centres_interet[0]),
    (Formation, "libelle", DE_NURSE, "c'est quoi le diplôme d'État d'infirmier ?", "ask_description",
     "diplôme d'État d'infirmier", lambda r: r.libelle),
    (Formation, "duree", DE_NURSE, "c'est quoi le diplôme d'État d'infirmier ?", "ask_description",
     "diplôme d'État d'infirmier", lambda r: r.duree),
    (Formation, "acces", DE_NURSE, "comment on entre en diplôme d'État d'infirmier ?", "ask_level",
     "diplôme d'État d'infirmier", lambda r: "Parcoursup"),
    (Formation, "metiers", DE_NURSE, "quels métiers après le diplôme d'État d'infirmier ?", "ask_jobs",
     "diplôme d'État d'infirmier", lambda r: "infirmier"),
    (Formation, "code_rncp", DE_NURSE, "le diplôme d'État d'infirmier est au RNCP ?", "ask_level",
     "diplôme d'État d'infirmier", lambda r: r.code_rncp),
    (Formation, "tutelle", DE_NURSE, "quel ministère délivre le diplôme d'État d'infirmier ?", "ask_level",
     "diplôme d'État d'infirmier", lambda r: r.tutelle),
    (Formation, "codes_nsf", DE_NURSE, "le code NSF du diplôme d'État d'infirmier ?", "ask_level",
     "diplôme d'État d'infirmier", lambda r: r.codes_nsf[0][0]),
    (CodeRome, "appellations", E1103, "E1103", "ask_description", None, lambda r: r.appellations[0]),
    (CodeRome, "definition", E1103, "E1103", "ask_description", None, lambda r: first(r.definition)),
    (CodeRome, "acces_emploi", E1103, "E1103", "ask_description", None, None),  # then asked below
    (Secteur, "description", AGENCY, "c'est quoi une agence de communication ?", "ask_description", None,
     lambda r: first(r.description[0])),
    (Secteur, "metiers", AGENCY, "quels métiers dans une agence de communication ?", "ask_jobs", None,
     lambda r: "directeur de la clientèle"),
    (Secteur, "communication_interne", AGENCY, "com interne ou externe en agence de communication ?",
     "ask_internal_external_communication", None, lambda r: first(r.communication_interne)),
]
KIND = {Certification: "certification", Metier: "job", Formation: "formation"}



@pytest.mark.parametrize("kind, name, record_id, question, intent, value, expected",
                         FIELDS, ids=[f"{k.TYPE}.{f}" for k, f, *_ in FIELDS])
def test_the_field_has_a_question(kb, chat, kind, name, record_id, question, intent, value, expected):
    record = kb.get(record_id)
    assert isinstance(record, kind)
    entities = [{"entity": KIND[kind], "value": value}] if value and kind in KIND else []
    said = chat.say(question, intent, entities)
    if expected is None:  # a ROME code's access: a follow-up about the code just presented
        said = chat.say("il faut quel diplôme ?", "ask_studies")
        expected = lambda r: first(r.acces_emploi)  # noqa: E731
    assert expected(record).lower() in said.lower(), said


def test_every_field_filled_in_the_shipped_records_is_listed(kb):
    """A new field in knowledge/model.py needs its question here (or is a record's identity or bookkeeping)."""
    # identity and bookkeeping; names and labels every answer shows; texts shown with a listed one (the formation's
    # level line, the further studies' text, the sector's other half, the presentation that repeats the accroche)
    bookkeeping = {"id", "source", "provenance", "url", "date_modification", "description_absente", "code", "libelle",
                   "nom", "code_parent", "secteur_parent", "sigle", "type_formation", "niveau_certification",
                   "niveau_etudes", "nature_certificat", "poursuites_etudes", "sous_domaines", "presentation",
                   "description", "secteurs", "communication_externe"}
    listed = {(k, f.split(".")[0]) for k, f, *_ in FIELDS}
    for kind, sample in ((Certification, CROSS), (Metier, NURSE), (Formation, DE_NURSE), (CodeRome, E1103),
                         (Secteur, AGENCY)):
        filled = {f.name for f in dataclasses.fields(kind) if getattr(kb.get(sample), f.name)}
        missing = {f for f in filled - bookkeeping if (kind, f) not in listed}
        assert not missing, f"{kind.TYPE}: no question for {sorted(missing)}"
