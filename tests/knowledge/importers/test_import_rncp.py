"""The RNCP XML v4.1 importer, on hand-made fixtures (fixtures/rncp/ beside this file)."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

from knowledge.importers import ImportFormatError, Skip
from knowledge.importers.rncp_xml import html_lines, iter_records
from knowledge.model import Certification, CodeRome
from knowledge.parsers import rncp_web
from knowledge.parsers.rncp_common import VOIE_LABELS
from tests import SOURCES

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parent / "fixtures" / "rncp"
EXPORT = FIXTURES / "export-fiches-rncp-v4-1.xml"
SEED = SOURCES / "rncp35746-charge-communication-cross-media.txt"


def certifications(path: Path = EXPORT, **kwargs) -> dict[str, Certification]:
    return {r.id: r for r in iter_records(path, **kwargs) if isinstance(r, Certification)}


@pytest.fixture(scope="module")
def certs() -> dict[str, Certification]:
    return certifications()


def write(tmp_path: Path, body: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + body, encoding="utf-8")
    return path


def test_active_fiches_only_and_inactive_skipped():
    records = list(iter_records(EXPORT))
    ids = [r.id for r in records if isinstance(r, Certification)]
    assert ids == ["RNCP35746", "RNCP37777", "RNCP36211"]
    assert [r for r in records if isinstance(r, Skip)] == [Skip("fiche inactive", "RNCP31190")]


def test_include_inactive_keeps_the_inactive_fiche():
    inactive = certifications(include_inactive=True)["RNCP31190"]
    assert inactive.actif is False
    assert inactive.intitule == "Assistant de communication"
    assert inactive.niveau_europe == 5
    assert inactive.date_echeance == "2022-12-20"


def test_identity_dates_and_source(certs):
    cert = certs["RNCP35746"]
    assert (cert.numero, cert.intitule, cert.abrege, cert.etat, cert.actif) == (
        "RNCP35746",
        "Chargé de communication cross-média",
        "TITRE",
        "Publiée",
        True,
    )
    assert cert.niveau_europe == 6
    assert cert.date_decision == cert.date_enregistrement == "2021-07-08"
    assert (cert.date_effet, cert.date_echeance) == ("2021-07-08", "2023-07-08")
    assert (cert.date_publication, cert.date_limite_delivrance) == ("2021-07-09", "2024-07-08")
    assert (cert.source.publisher, cert.source.document, cert.source.reference, cert.source.licence) == (
        "France Compétences",
        "export-fiches-rncp-v4-1.xml",
        "RNCP35746",
        "Licence Ouverte 2.0",
    )
    assert cert.source.line == 7  # the <FICHE> line


def test_codes_certificateurs_blocs(certs):
    cert = certs["RNCP35746"]
    assert cert.codes_nsf == [("320", "Spécialites plurivalentes de la communication et de l'information")]
    assert cert.formacodes == [("46301", "Communication entreprise")]
    assert cert.codes_rome == ["E1402", "E1107", "E1401", "E1104", "E1103"]
    assert [(c.nom_legal, c.siret) for c in cert.certificateurs] == [
        ("INSTITUT PROMOTION FORMATION", "32800778600077"),
        ("LEARNING MANAGEMENT DEVELOPPEMENT", ""),
    ]
    assert [(b.numero, b.code) for b in cert.blocs] == [(n, f"RNCP35746BC0{n}") for n in range(1, 6)]
    assert cert.blocs[0].competences == [
        "A1. Analyse du besoin en communication de l’entité cliente et établissement du diagnostic associé.",
        "A2. Élaboration du plan de communication de l’entité cliente en réponse au besoin analysé.",
    ]
    assert cert.blocs[2].modalites_evaluation == ["Etude de cas : campagne de communication presse ciblée."]
    assert cert.certifications_anterieures == [("RNCP28766", "Responsable marketing et communication")]


def test_statistics_both_spellings(certs):
    stats = {s.annee: s for s in certs["RNCP35746"].statistiques}
    assert sorted(stats) == [2018, 2019, 2020, 2021]
    assert (stats[2021].certifies, stats[2021].certifies_vae, stats[2021].taux_insertion_global_6_mois) == (25, 1, 88)
    assert stats[2020].taux_insertion_metier_2_ans is None  # element absent
    assert stats[2021].taux_insertion_metier_2_ans is None  # element empty
    assert stats[2019].taux_insertion_metier_2_ans == 57
    singular = certs["RNCP36211"].statistiques  # <STATISTIQUE_PROMOTION>
    assert [(s.annee, s.certifies, s.certifies_vae, s.taux_insertion_metier_2_ans) for s in singular] == [
        (2022, 12, None, 50),
        (2021, 9, None, None),
    ]
    assert certs["RNCP37777"].statistiques[0].taux_insertion_global_6_mois == 79  # « 78,6 » rounded


def test_voies_acces(certs):
    voies = {v.voie: v for v in certs["RNCP35746"].voies_acces}
    assert set(voies) == set(VOIE_LABELS)
    assert voies["Par candidature individuelle"].ouverte is False
    assert voies["Par candidature individuelle"].jury == ""
    fi = voies["Après un parcours de formation sous statut d'élève ou d'étudiant"]
    assert fi.ouverte is True
    assert fi.jury.splitlines() == [
        "Le jury est composé de 4 membres :",
        "2 personnalités extérieures à l’établissement certificateur ;",
        "2 représentants de l’établissement faisant partie de l’encadrement pédagogique.",
    ]
    assert [(v.voie, v.ouverte) for v in certs["RNCP37777"].voies_acces] == [
        ("Après un parcours de formation sous statut d'élève ou d'étudiant", True),
        ("Par expérience", False),
    ]


def test_long_texts_html_stripped_to_lines(certs):
    cert = certs["RNCP35746"]
    assert cert.activites[0] == "1. Conception de la stratégie opérationnelle de communication cross-media."
    assert len(cert.activites) == 5
    assert cert.competences[-1] == "Organiser des conférences de presse."
    assert cert.objectifs.count("\n") == 1 and "<p>" not in cert.objectifs
    assert cert.prerequis == [
        "Pour accéder au dispositif de certification (hors VAE) :",
        "l’accès au dispositif de certification requiert la possession d’un titre ou diplôme de niveau 5 "
        "(ou équivalent).",
    ]
    assert cert.emplois_accessibles == [
        "chef de publicité",
        "Planner stratégique",
        "Media trader",
        "Attaché de presse",
        "Consultant médias sociaux",
        "Producteur de contenu",
        "Organisateur d’événements",
    ]
    assert cert.emplois_description.startswith("En début de carrière")
    assert cert.liens == ["https://ecole-pstc.fr/metiers-de-la-communication/responsable-marketing-et-communication"]
    other = certs["RNCP37777"]  # CDATA HTML: <ul><li>, <br>, « & »
    assert other.activites == [
        "Élaboration de la stratégie de relations presse",
        "Rédaction des communiqués et dossiers de presse",
        "Organisation des conférences de presse",
    ]
    assert other.competences == [
        "Définir une stratégie de relations presse",
        "Rédiger un communiqué de presse",
        "Animer un réseau de journalistes",
    ]
    assert other.emplois_accessibles == [
        "Chargé de relations presse",
        "Attaché de presse",
        "Chargé de relations médias",
        "Responsable des relations publiques",
    ]
    assert other.objectifs.endswith("avec la presse & les médias.")
    assert other.liens == ["https://example.org/rp-medias", "http://example.org/fiche"]
    assert [(p.nom_legal, p.siret) for p in other.partenaires] == [("ASSOCIATION PRESSE AVENIR", "98765432100022")]
    assert [(b.numero, b.intitule, b.competences) for b in other.blocs][1] == (
        2,
        "Produire et diffuser les contenus presse",
        ["Rédiger un communiqué de presse", "Organiser une conférence de presse"],
    )
    assert [(b.numero, b.code) for b in certs["RNCP36211"].blocs] == [(1, "BLOC-A")]  # numbered by position


def test_html_lines_double_escaped_and_bullets():
    assert html_lines("&lt;p&gt;Un &amp;amp; deux&lt;/p&gt;&lt;p&gt;- trois&lt;/p&gt;") == ["Un & deux", "trois"]
    assert html_lines("a < b<br/>c") == ["a < b", "c"]


def test_rome_records_once_per_code_with_label():
    romes = [r for r in iter_records(EXPORT) if isinstance(r, CodeRome)]
    assert sorted(r.code for r in romes) == ["E1103", "E1104", "E1107", "E1401", "E1402"]
    by_code = {r.code: r for r in romes}
    assert by_code["E1107"].libelle == "Organisation d'évènementiel"  # doubled apostrophe undone
    assert by_code["E1103"].source.reference == "RNCP35746"


def test_agrees_with_the_seed_sheet(certs):
    seed = rncp_web.parse(SEED, {"publisher": "France Compétences", "licence": "Licence Ouverte 2.0"})[0]
    cert = certs["RNCP35746"]
    for name in (
        "numero",
        "intitule",
        "niveau_europe",
        "codes_nsf",
        "formacodes",
        "date_echeance",
        "certifications_anterieures",
    ):
        assert getattr(cert, name) == getattr(seed, name), name
    assert sorted(cert.codes_rome) == sorted(seed.codes_rome)
    assert [(c.nom_legal, c.siret) for c in cert.certificateurs] == [
        (c.nom_legal, c.siret) for c in seed.certificateurs
    ]
    assert [(b.code, b.intitule) for b in cert.blocs] == [(b.code, b.intitule) for b in seed.blocs]

    def figures(s):
        return (s.certifies, s.certifies_vae, s.taux_insertion_global_6_mois, s.taux_insertion_metier_2_ans)

    imported = {s.annee: figures(s) for s in cert.statistiques}
    assert {s.annee: figures(s) for s in seed.statistiques} == {y: imported[y] for y in (2018, 2019, 2020)}


def test_truncated_export_names_file_line_and_element():
    records = iter_records(FIXTURES / "export-casse.xml")
    first = next(records)
    assert isinstance(first, Certification) and first.id == "RNCP37777"  # streamed before the break
    with pytest.raises(ImportFormatError) as caught:
        list(records)
    error = caught.value
    assert error.path.name == "export-casse.xml"
    assert error.line == 22
    assert error.element == "LIBELLE"
    assert "RNCP36211" in str(error) and "export-casse.xml:22" in str(error)


def test_mismatched_tag_line_and_element(tmp_path):
    path = write(
        tmp_path, "<FICHES>\n<FICHE>\n<NUMERO_FICHE>RNCP1</NUMERO_FICHE>\n<INTITULE>x</INTITUL>\n</FICHE>\n</FICHES>\n"
    )
    with pytest.raises(ImportFormatError) as caught:
        list(iter_records(path))
    assert (caught.value.line, caught.value.element) == (5, "INTITULE")
    assert "balise fermante" in caught.value.message


def test_wrong_root(tmp_path):
    path = write(tmp_path, "<!-- commentaire -->\n<formations><formation/></formations>\n")
    with pytest.raises(ImportFormatError) as caught:
        list(iter_records(path))
    assert (caught.value.line, caught.value.element) == (3, "formations")
    assert "FICHES" in caught.value.message


def test_fiche_without_number_is_skipped(tmp_path):
    path = write(tmp_path, "<FICHES><FICHE><ID_FICHE>42</ID_FICHE><ACTIF>Oui</ACTIF></FICHE></FICHES>")
    assert list(iter_records(path)) == [Skip("numéro absent", "42")]


def test_bad_date_and_bad_number_are_format_errors(tmp_path):
    path = write(
        tmp_path,
        "<FICHES>\n<FICHE>\n<NUMERO_FICHE>RNCP1</NUMERO_FICHE>\n<ACTIF>Oui</ACTIF>\n"
        "<DATE_EFFET>2023-13-45</DATE_EFFET>\n</FICHE>\n</FICHES>\n",
    )
    with pytest.raises(ImportFormatError) as caught:
        list(iter_records(path))
    assert (caught.value.line, caught.value.element) == (6, "DATE_EFFET")
    assert "RNCP1" in caught.value.message
    path = write(
        tmp_path,
        "<FICHES><FICHE><NUMERO_FICHE>RNCP2</NUMERO_FICHE><ACTIF>Oui</ACTIF>"
        "<STATISTIQUES_PROMOTIONS><STATISTIQUES_PROMOTION><ANNEE>2020</ANNEE>"
        "<NOMBRE_CERTIFIES>beaucoup</NOMBRE_CERTIFIES></STATISTIQUES_PROMOTION>"
        "</STATISTIQUES_PROMOTIONS></FICHE></FICHES>",
    )
    with pytest.raises(ImportFormatError, match="beaucoup") as caught:
        list(iter_records(path))
    assert caught.value.element == "NOMBRE_CERTIFIES"


def test_zip_as_distributed_is_read_in_place(tmp_path):
    archive = tmp_path / "export-fiches-rncp-v4-1-2024-02-22.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(EXPORT, "export-fiches-rncp-v4-1-2024-02-22.xml")
    from_zip = certifications(archive)
    assert from_zip.keys() == certifications().keys()
    cert = from_zip["RNCP35746"]
    assert (cert.source.document, cert.source.edition, cert.source.line) == (archive.name, "février 2024", 7)
    assert cert.source.citation() == "Source : France Compétences, RNCP35746 (février 2024)"
    assert dataclasses.replace(cert, source=certifications()["RNCP35746"].source) == certifications()["RNCP35746"]
    broken = tmp_path / "casse.zip"
    with zipfile.ZipFile(broken, "w") as out:
        out.write(FIXTURES / "export-casse.xml", "export.xml")
    with pytest.raises(ImportFormatError) as caught:
        list(iter_records(broken))
    assert caught.value.path.as_posix().endswith("casse.zip/export.xml") and caught.value.line == 22
