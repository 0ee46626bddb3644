"""Tests of the RNCP sheet parsers (knowledge/parsers/rncp_web.py and rncp_legacy.py).

Expected values were read in the source documents of knowledge/sources/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.model import Certification, CodeRome, StatistiqueAnnuelle
from knowledge.parsers import rncp_legacy, rncp_web
from knowledge.parsers.errors import ParseError
from tests import SOURCES

pytestmark = pytest.mark.unit

WEB = SOURCES / "rncp35746-charge-communication-cross-media.txt"
LEGACY = SOURCES / "rncp-fiche-28684-charge-communication-360.txt"
META_WEB = {"file": WEB.name, "format": "rncp_web", "publisher": "France Compétences",
            "licence": "Licence Ouverte 2.0"}
META_LEGACY = {"file": LEGACY.name, "format": "rncp_legacy", "publisher": "France Compétences",
               "licence": "Licence Ouverte 2.0"}


def _split(records):
    certs = [r for r in records if isinstance(r, Certification)]
    romes = [r for r in records if isinstance(r, CodeRome)]
    assert len(certs) == 1 and len(certs) + len(romes) == len(records)
    return certs[0], romes


@pytest.fixture(scope="module")
def web():
    return _split(rncp_web.parse(WEB, META_WEB))


@pytest.fixture(scope="module")
def legacy():
    return _split(rncp_legacy.parse(LEGACY, META_LEGACY))


def _altered(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    """A copy of `source` with `old` (which must occur) replaced by `new`."""
    text = source.read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / source.name
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return copy


def _line_of(source: Path, fragment: str) -> int:
    """1-based number of the first line of `source` containing `fragment`."""
    lines = source.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if fragment in line)


# --- RNCP35746, web layout ----------------------------------------------------------------


def test_web_identity(web):
    cert, _ = web
    assert cert.id == cert.numero == "RNCP35746"
    assert cert.intitule == "Chargé de communication cross-média"
    assert cert.niveau_europe == 6
    assert cert.niveau_1969 == ""
    assert cert.codes_nsf == [("320", "Spécialites plurivalentes de la communication et de "
                                      "l'information")]
    assert cert.formacodes == [("46301", "Communication entreprise")]
    assert cert.date_echeance == "2023-07-08"
    assert cert.source.publisher == "France Compétences"
    assert cert.source.document == WEB.name
    assert cert.source.reference == "RNCP35746"
    assert cert.source.licence == "Licence Ouverte 2.0"


def test_web_blocks(web):
    cert, _ = web
    assert [(b.numero, b.code, b.intitule) for b in cert.blocs] == [
        (1, "RNCP35746BC01", "Conception de la stratégie opérationnelle de communication "
                             "cross-media."),
        (2, "RNCP35746BC02", "Conception et production des outils de communication cross-media"),
        (3, "RNCP35746BC03", "Pilotage des opérations de communication publique et auprès de la "
                             "presse"),
        (4, "RNCP35746BC04", "Pilotage de la mise en œuvre des actions de communication "
                             "événementielle"),
        (5, "RNCP35746BC05", "Evaluation des retombées des actions de communication réalisées"),
    ]
    first = cert.blocs[0]
    assert [c[:3] for c in first.competences] == ["A1.", "A2."]
    assert first.competences[0].startswith("A1. Analyse du besoin en communication")
    assert first.modalites_evaluation[0] == "1/ Pour les candidats issus de la formation :"
    assert first.modalites_evaluation[1].startswith("A1. Mise en situation professionnelle")
    assert first.modalites_evaluation[-1].endswith("validation du bloc de compétences N°1.")
    assert [c[:3] for b in cert.blocs[1:] for c in b.competences] == ["A3.", "A4.", "A5.", "A6."]
    assert all(b.modalites_evaluation for b in cert.blocs)


def test_web_statistics(web):
    cert, _ = web
    assert cert.statistiques == [
        StatistiqueAnnuelle(2020, 23, 0, 86, 50, None),
        StatistiqueAnnuelle(2019, 21, 0, 93, 53, 57),
        StatistiqueAnnuelle(2018, 17, 0, 100, 57, 47),
    ]
    assert cert.statistiques_texte == ""


def test_web_certifiers(web):
    cert, _ = web
    first, second = cert.certificateurs
    assert first.nom_legal == "INSTITUT PROMOTION FORMATION"
    assert first.siret == "32800778600077"
    assert first.nom_commercial == "Paris School of Tourism and Communication"
    assert first.site_internet == "https://ecole-pstc.fr/"
    assert second.nom_legal == "LEARNING MANAGEMENT DEVELOPPEMENT"
    assert (second.siret, second.nom_commercial, second.site_internet) == ("", "", "")


def test_web_rome(web):
    cert, romes = web
    expected = [
        ("E1402", "Élaboration de plan média"),
        ("E1107", "Organisation d'évènementiel"),
        ("E1401", "Développement et promotion publicitaire"),
        ("E1104", "Conception de contenus multimédias"),
        ("E1103", "Communication"),
    ]
    assert cert.codes_rome == [code for code, _ in expected]
    assert [(r.id, r.code, r.libelle) for r in romes] == [(code, code, label) for code, label in expected]
    for rome in romes:
        assert rome.source.reference == "RNCP35746"
        assert rome.source.publisher == "France Compétences"
        assert rome.source.line == _line_of(WEB, rome.code)


def test_web_prerequisites_and_previous(web):
    cert, _ = web
    assert ("l’accès au dispositif de certification requiert la possession d’un titre ou "
            "diplôme de niveau 5 (ou équivalent).") in cert.prerequis
    assert "la tenue d’un entretien de motivation." in cert.prerequis
    assert any(p.startswith("les professionnels justifiant d’au moins 2 années")
               for p in cert.prerequis)
    assert not any(p.startswith("-") for p in cert.prerequis)
    assert cert.certifications_anterieures == [("RNCP28766",
                                                "Responsable marketing et communication")]


def test_web_access_routes(web):
    cert, _ = web
    routes = {v.voie: v for v in cert.voies_acces}
    assert list(routes) == [
        "Après un parcours de formation sous statut d’élève ou d’étudiant",
        "En contrat d’apprentissage",
        "Après un parcours de formation continue",
        "En contrat de professionnalisation",
        "Par candidature individuelle",
        "Par expérience",
    ]
    assert routes["Par candidature individuelle"].ouverte is False
    assert routes["Par candidature individuelle"].jury == ""
    for name, route in routes.items():
        if name != "Par candidature individuelle":
            assert route.ouverte is True
            assert route.jury.startswith("Le jury est composé de 4 membres :")
            assert "50 % du Jury sont des membres extérieurs" in route.jury


def test_web_text_sections(web):
    cert, _ = web
    assert cert.objectifs.startswith("Les métiers de la communication ont connu")
    assert "  " not in cert.objectifs
    assert cert.activites[0] == ("1. Conception de la stratégie opérationnelle de communication "
                                 "cross-media.")
    assert len(cert.activites) == 7
    assert cert.competences[0] == ("analyser la demande exprimée par une entité cliente "
                                   "concernant un projet de communication,")
    assert ("Gérer les aspects techniques et logistiques d’une opération de communication "
            "événementielle et assurer la coordination des professionnels impliqués dans sa mise "
            "en œuvre.") in cert.competences
    assert len(cert.competences) == 23
    assert cert.modalites_evaluation.startswith("Pour les candidats issus de la formation")
    assert "issus de la VAE" in cert.modalites_evaluation
    assert cert.secteurs_activite.startswith("La communication étant un enjeu universel")
    assert cert.validite_composantes == "Les compétences validées sont valables de façon illimitée."
    assert cert.liens == [
        "https://ecole-pstc.fr/",
        "https://ecole-pstc.fr/metiers-de-la-communication/responsable-marketing-et-communication",
    ]


def test_web_jobs(web):
    cert, _ = web
    for title in ("chef de publicité", "Planner stratégique", "Media trader", "Attaché de presse",
                  "RP", "Consultant médias sociaux", "Producteur de contenu",
                  "Organisateur d’événements"):
        assert title in cert.emplois_accessibles
    assert cert.emplois_accessibles[0].startswith("chargé de / chef de projet : communication")
    assert cert.emplois_description.startswith("Le chargé de communication cross-média est "
                                               "généralement placé")
    assert "titre d’assistant" in cert.emplois_description
    assert "Principaux emplois" not in cert.emplois_description


# --- RNCP28684, legacy layout -------------------------------------------------------------


def test_legacy_identity(legacy):
    cert, _ = legacy
    assert cert.id == cert.numero == "RNCP28684"
    assert cert.intitule == "Chargé(e) de communication 360°"
    assert (cert.niveau_europe, cert.niveau_1969) == (6, "II")
    assert cert.codes_nsf == [("320", "Spécialites plurivalentes de la communication et de "
                                      "l'information")]
    assert cert.formacodes == []
    assert cert.source.reference == "RNCP28684"
    assert cert.source.document == LEGACY.name


def test_legacy_certifier(legacy):
    cert, _ = legacy
    (certifier,) = cert.certificateurs
    assert certifier.nom_legal == "IPL (ISEFAC Paris Lille)"
    assert certifier.qualite_signataire == "Directeur"
    assert certifier.site_internet == "http://www.isefac.org"
    assert "http://www.isefac.org" in cert.liens
    assert cert.contacts == ["paris@isefac.org", "info@isefac.org"]


def test_legacy_jobs_and_rome(legacy):
    cert, romes = legacy
    assert cert.emplois_accessibles == [
        "Chargé (e) de communication 360°",
        "Chargé (e) de projet de communication globale",
        "Responsable de communication globale",
        "Chef de projet communication",
        "Chargé(e) de projet média / hors-média",
        "Chargé(e) de communication RP / e-RP",
        "Chargé(e) de communication digitale et réseaux sociaux",
    ]
    assert cert.codes_rome == ["E1103", "E1401"]
    assert [(r.id, r.libelle) for r in romes] == [
        ("E1103", "Communication"), ("E1401", "Développement et promotion publicitaire")]
    assert cert.secteurs_activite.startswith("Le chargé de projet de communication 360° "
                                             "intervient")
    assert "Chargé (e) de communication 360°" not in cert.secteurs_activite


def test_legacy_blocks(legacy):
    cert, _ = legacy
    assert [(b.numero, b.code, b.intitule) for b in cert.blocs] == [
        (1, "", "Mesurer l'efficacité du projet de communication 360°"),
        (2, "", "Piloterla réalisation du projet de communication 360°"),
        (3, "", "Participer à la définition du projet de communication 360°"),
    ]
    assert [[c.split(" :")[0] for c in b.competences] for b in cert.blocs] == [
        ["Fonction 8", "Fonction 9"],
        ["Fonction 4", "Fonction 5", "Fonction 6", "Fonction 7"],
        ["Fonction 1", "Fonction 2", "Fonction 3"],
    ]
    assert cert.blocs[0].competences[0] == ("Fonction 8 : Déterminer et suivre les indicateurs "
                                            "de mesure de l’efficacité du projet de "
                                            "communication 360° mis en place")
    for bloc in cert.blocs:
        assert len(bloc.modalites_evaluation) == len(bloc.competences)
    assert "1 évaluation tutorée en entreprise (en stage ou contrat de professionnalisation)" in (
        cert.blocs[1].modalites_evaluation[2])
    assert cert.blocs[2].modalites_evaluation[2].startswith(
        "2 études de cas théoriques, individuelles et écrites")


def test_legacy_dates_and_texts(legacy):
    cert, _ = legacy
    assert cert.date_enregistrement == "2017-07-07"
    assert cert.date_effet == "2011-06-01"
    assert cert.date_echeance == "2020-07-19"
    assert cert.base_legale.startswith("Arrêté du 07 juillet 2017 publié au Journal Officiel")
    assert cert.base_legale.endswith("jusqu'au 19 juillet 2020.")
    assert cert.validite_composantes == "illimitée"
    assert cert.statistiques == []
    assert cert.statistiques_texte.startswith("Chaque année on recense de15 et 20 titulaires.")
    assert cert.statistiques_texte.endswith("rarement en CDI.")
    assert "les entreprises considérant" in cert.statistiques_texte
    assert "isefac" not in cert.statistiques_texte
    assert cert.lieux_preparation == ["6-8 bd Denis Papin - 59000 Lille"]
    assert cert.lieux_certification[0].startswith("IPL (ISEFAC Paris Lille) : Île-de-France")


def test_legacy_activities_and_competences(legacy):
    cert, _ = legacy
    assert cert.activites == [
        "Activité n°1 : Participer à la définition du projet communication 360°",
        "Activité n°2 : Piloter la réalisation du projet de communication 360°",
        "Activité n°3 : Mesurer l’efficacité du projet de communication 360°",
    ]
    assert cert.competences[0] == ("Participer à l’analyse de la situation du client et à "
                                   "l’étude de marché")
    assert ("Mesurer les résultats obtenus pendant et après la réalisation des actions de "
            "communication afin de relever aux différentes étapes du projet de communication "
            "360°les résultats obtenus.") in cert.competences
    assert cert.objectifs.startswith("La communication 360°, ou communication à 360 degrés")


def test_legacy_access_routes(legacy):
    cert, _ = legacy
    routes = {v.voie: v for v in cert.voies_acces}
    assert routes["Après un parcours de formation sous statut d'élève ou d'étudiant"].jury == (
        "Le responsable de filière et 4 professionnels")
    assert routes["En contrat d'apprentissage"].ouverte is False
    assert routes["Par expérience dispositif VAE prévu en 2014"].ouverte is True
    assert sum(v.ouverte for v in cert.voies_acces) == 5


# --- error paths --------------------------------------------------------------------------


def test_web_missing_required_heading(tmp_path):
    copy = _altered(tmp_path, WEB, "Compétences attestées :", "Compétences :")
    with pytest.raises(ParseError) as err:
        rncp_web.parse(copy, META_WEB)
    assert "Compétences attestées" in err.value.message
    assert err.value.line == _line_of(WEB, "Activités visées :") + 1
    assert WEB.name in str(err.value)


def test_web_missing_blocks(tmp_path):
    copy = _altered(tmp_path, WEB, "RNCP35746BC", "BLOC")
    with pytest.raises(ParseError) as err:
        rncp_web.parse(copy, META_WEB)
    assert "RNCP…BC01" in err.value.message
    assert err.value.line == _line_of(WEB, "Modalités d'évaluation :")


def test_web_bad_statistics_row(tmp_path):
    copy = _altered(tmp_path, WEB, "2020 23 0 86 50 -", "2020 23 0 86")
    with pytest.raises(ParseError) as err:
        rncp_web.parse(copy, META_WEB)
    assert err.value.line == _line_of(WEB, "2020 23 0 86 50 -")
    assert "statistiques" in err.value.message


def test_web_invalid_date(tmp_path):
    copy = _altered(tmp_path, WEB, "08-07-2023", "31-02-2023")
    with pytest.raises(ParseError) as err:
        rncp_web.parse(copy, META_WEB)
    assert err.value.line == _line_of(WEB, "08-07-2023")


def test_web_missing_title_sentence(tmp_path):
    copy = _altered(tmp_path, WEB, '"Chargé de communication cross-média" vise', "vise")
    with pytest.raises(ParseError) as err:
        rncp_web.parse(copy, META_WEB)
    assert "intitulé" in err.value.message
    assert err.value.line == _line_of(WEB, "Objectifs et contexte de la certification")


def test_web_bad_certifier_row(tmp_path):
    copy = _altered(tmp_path, WEB, "INSTITUT PROMOTION FORMATION 32800778600077",
                    "INSTITUT PROMOTION FORMATION 328007786")
    with pytest.raises(ParseError) as err:
        rncp_web.parse(copy, META_WEB)
    assert err.value.line == _line_of(WEB, "INSTITUT PROMOTION FORMATION")


def test_web_optional_sections_stay_empty(tmp_path):
    text = WEB.read_text(encoding="utf-8")
    start = text.index("Statistiques :")
    end = text.index("Lien internet vers le descriptif")
    copy = tmp_path / WEB.name
    copy.write_text(text[:start] + text[end:], encoding="utf-8")
    cert, _ = _split(rncp_web.parse(copy, META_WEB))
    assert cert.statistiques == []
    assert cert.numero == "RNCP35746"


def test_legacy_missing_title_heading(tmp_path):
    copy = _altered(tmp_path, LEGACY, " Intitulé\n", "\n")
    with pytest.raises(ParseError) as err:
        rncp_legacy.parse(copy, META_LEGACY)
    assert "Intitulé" in err.value.message
    assert err.value.line == 1


def test_legacy_missing_base_legale(tmp_path):
    copy = _altered(tmp_path, LEGACY, "Base légale\n", "\n")
    with pytest.raises(ParseError) as err:
        rncp_legacy.parse(copy, META_LEGACY)
    assert "Base légale" in err.value.message


def test_legacy_bad_block_title(tmp_path):
    copy = _altered(tmp_path, LEGACY, "la fiche n° 28684 - Mesurer", "la fiche Mesurer")
    with pytest.raises(ParseError) as err:
        rncp_legacy.parse(copy, META_LEGACY)
    assert err.value.line == _line_of(LEGACY, "Bloc de compétence n°1 de")
    assert "titre de bloc" in err.value.message


def test_legacy_bad_date(tmp_path):
    copy = _altered(tmp_path, LEGACY, "Arrêté du 07 juillet 2017", "Arrêté du 07 juiltet 2017")
    with pytest.raises(ParseError) as err:
        rncp_legacy.parse(copy, META_LEGACY)
    assert err.value.line == _line_of(LEGACY, "Arrêté du 07 juillet 2017")


def test_legacy_missing_arrete(tmp_path):
    copy = _altered(tmp_path, LEGACY, "Arrêté du 07 juillet 2017", "Décision de juillet 2017")
    with pytest.raises(ParseError) as err:
        rncp_legacy.parse(copy, META_LEGACY)
    assert "Arrêté du" in err.value.message
    assert err.value.line == _line_of(LEGACY, "Base légale")
