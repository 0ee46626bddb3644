"""Facts parsed from the ONISEP sheet, the agency note and the local-authority text."""

from __future__ import annotations


import pytest
import yaml

from knowledge.model import CentreInteret, Formation, Metier, Secteur
from knowledge.parsers import note_secteur, onisep_md, texte_metier
from knowledge.parsers.errors import ParseError
from tests import SOURCES

pytestmark = pytest.mark.unit

MANIFEST = {e["format"]: e for e in yaml.safe_load((SOURCES / "manifest.yml").read_text()) if "format" in e}  # documents
ONISEP = SOURCES / "onisep-fiche-metier-MET.650-directeur-communication.md"
NOTE = SOURCES / "note-agence-de-communication.md"
TEXTE = SOURCES / "texte-charge-communication-collectivite.txt"


@pytest.fixture(scope="module")
def met650():
    records = onisep_md.parse(ONISEP, MANIFEST["onisep_md"])
    return records[0], records


def test_onisep_identity_and_gendered_titles(met650):
    metier, _ = met650
    assert isinstance(metier, Metier) and metier.id == "MET.650"
    assert metier.appellation.feminin == "directrice de communication"
    assert metier.appellation.masculin == "directeur de communication"
    assert [(a.feminin, a.masculin) for a in metier.autres_appellations] == [
        ("responsable communication", "responsable de communication")
    ]
    assert metier.source.citation() == "Source : Onisep, fiche MET.650"


def test_onisep_access_level_studies_and_rome(met650):
    metier, _ = met650
    assert metier.niveau_acces_min == "bac + 5"
    assert metier.duree_etudes.startswith("5 ans d'études pour obtenir un diplôme d'école spécialisée")
    assert metier.duree_etudes_contexte == "Après le bac"
    assert metier.codes_rome == ["E1103"]
    assert metier.statuts == ["salarié"]


def test_onisep_seven_recommended_formations(met650):
    metier, records = met650
    assert [f.id for f in metier.formations] == [
        "FOR.1084", "FOR.1925", "FOR.2030", "FOR.2073", "FOR.5163", "FOR.9610", "FOR.9618",
    ]
    assert metier.formations[3].libelle == "diplôme de l'Institut d'études politiques de Lyon"
    formations = [r for r in records if isinstance(r, Formation)]
    assert len(formations) == 7 and all(f.metiers == ["MET.650"] for f in formations)


def test_onisep_texts_interests_and_qualities(met650):
    metier, records = met650
    assert metier.presentation.startswith("Le directeur ou la directrice de la communication élabore la stratégie")
    assert "valoriser l'image d'une entreprise" in metier.en_bref
    assert metier.qualites == ["Polyvalence", "sens du relationnel", "créativité", "veille stratégique sur les tendances"]
    interests = [r.libelle for r in records if isinstance(r, CentreInteret)]
    assert interests == ["j'ai le sens du contact", "J'aime communiquer", "j'aime être aux commandes", "j'aime organiser, gérer"]
    assert len(metier.centres_interet) == 4


def test_onisep_formation_without_id_is_reported_with_its_line(tmp_path):
    broken = tmp_path / ONISEP.name
    text = ONISEP.read_text().replace(" (ID: FOR.2030)", "")
    broken.write_text(text)
    with pytest.raises(ParseError) as error:
        onisep_md.parse(broken, MANIFEST["onisep_md"])
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "Toulouse" in row)
    assert error.value.line == line and "FOR.nnnn" in str(error.value)


def test_onisep_missing_id_is_an_error(tmp_path):
    broken = tmp_path / "fiche.md"
    broken.write_text(ONISEP.read_text().replace("**ID:** MET.650", ""))
    with pytest.raises(ParseError, match="MET.nnn"):
        onisep_md.parse(broken, MANIFEST["onisep_md"])


@pytest.fixture(scope="module")
def agency():
    records = note_secteur.parse(NOTE, MANIFEST["note_secteur"])
    return records[0], {r.id: r for r in records[1:]}


def test_agency_org_chart_jobs_and_which_have_a_description(agency):
    sector, jobs = agency
    assert isinstance(sector, Secteur) and sector.nom == "agence de communication"
    titles = [jobs[i].appellation.masculin for i in sector.metiers]
    assert titles == [
        "chef de publicité", "directeur artistique", "directeur de la clientèle", "concepteur rédacteur",
        "traffic manager", "média planneur", "planneur stratégique",
    ]
    described = {jobs[i].appellation.masculin for i in sector.metiers if not jobs[i].description_absente}
    assert described == {"chef de publicité", "directeur artistique", "directeur de la clientèle",
                         "concepteur rédacteur", "traffic manager"}
    for i in sector.metiers:
        assert bool(jobs[i].description) != jobs[i].description_absente


def test_agency_descriptions_are_the_source_text_without_editor_comments(agency):
    _, jobs = agency
    chef = jobs["JOB.chef-de-publicite"]
    assert chef.description.startswith("Le chef de publicité est un commercial de terrain.")
    artistique = jobs["JOB.directeur-artistique"].description
    assert "Reformuler" not in artistique and artistique.startswith("Sa première tâche est de bien comprendre")


def test_agency_internal_and_external_communication(agency):
    sector, _ = agency
    assert sector.secteur_parent == "numérique"
    assert sector.communication_externe.startswith("La communication externe se traduit par")
    assert "indéniable pilier" in sector.communication_externe
    assert "service RH" in sector.communication_interne
    assert any("campagne de communication de ses clients" in d for d in sector.description)


def test_agency_without_org_chart_is_an_error(tmp_path):
    broken = tmp_path / NOTE.name
    broken.write_text(NOTE.read_text().split("- Quels sont les différents métiers")[0])
    with pytest.raises(ParseError, match="organigramme"):
        note_secteur.parse(broken, MANIFEST["note_secteur"])


def test_local_authority_text_missions_and_qualities():
    (job,) = texte_metier.parse(TEXTE, MANIFEST["texte_metier"])
    assert job.appellation.feminin == "chargée de communication en collectivité locale"
    assert job.rattachement.startswith("Rattaché soit au directeur de la communication, soit au directeur de Cabinet")
    assert job.missions[0] == (
        "Élaborer une communication relative à l'image de l’institution et une information sur les services "
        "proposés aux administrés."
    )
    assert len(job.missions) == 6
    assert any("contact permanent avec le tissu local" in m for m in job.missions)
    assert any("logistique de toutes les actions événementielles" in m for m in job.missions)
    assert any(m.startswith("Les relations publiques") for m in job.missions)
    assert job.qualites == ["qualités rédactionnelles", "esprit de synthèse", "culture générale solide",
                            "intelligence relationnelle"]


def test_local_authority_text_without_missions_paragraph_is_an_error(tmp_path):
    broken = tmp_path / TEXTE.name
    broken.write_text(TEXTE.read_text().splitlines()[0])
    with pytest.raises(ParseError, match="missions"):
        texte_metier.parse(broken, MANIFEST["texte_metier"])
