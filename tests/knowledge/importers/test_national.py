"""The importers on the shipped national exports (knowledge/sources/national/), read as distributed: each zip is
parsed once per module (the three take a few seconds), then its records are checked against facts of the files."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import fields
from typing import Iterator

import pytest

from knowledge.importers import Skip, onisep_formations, onisep_metiers, rome_csv
from knowledge.model import CentreInteret, CodeRome, Formation, FormationRef, Metier, Record
from tests import SOURCES

pytestmark = pytest.mark.unit

NATIONAL = SOURCES / "national"
METIERS = NATIONAL / "onisep-ideo-fiches-metiers-2024-06-25.zip"
FORMATIONS = NATIONAL / "onisep-ideo-fiches-formations-2024-06-25.zip"
ROME = NATIONAL / "rome-4.0-v460-csv.zip"
TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&(?:[a-z]+|#\d+);")


@pytest.fixture(scope="module")
def metier_items() -> list:
    return list(onisep_metiers.iter_records(METIERS))


@pytest.fixture(scope="module")
def metiers(metier_items) -> dict[str, Metier]:
    return {r.id: r for r in metier_items if isinstance(r, Metier)}


@pytest.fixture(scope="module")
def formations() -> dict[str, Formation]:
    items = list(onisep_formations.iter_records(FORMATIONS))
    assert not [r for r in items if isinstance(r, Skip)]
    return {r.id: r for r in items}


@pytest.fixture(scope="module")
def romes() -> dict[str, CodeRome]:
    items = list(rome_csv.iter_records(ROME))
    assert not [r for r in items if isinstance(r, Skip)]
    return {r.id: r for r in items}


def texts(record: Record) -> Iterator[tuple[str, str]]:
    """(field, text) of every string a record holds, in lists too."""
    for f in fields(record):
        value = getattr(record, f.name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                yield f.name, item
            elif isinstance(item, FormationRef):
                yield f.name, item.libelle


def share(records, name: str) -> float:
    return sum(bool(getattr(r, name)) for r in records) / len(records)


# --- Idéo fiches métiers ------------------------------------------------------------------------


def test_metiers_counts_and_side_records(metier_items, metiers):
    assert len(metiers) == 928 and not [r for r in metier_items if isinstance(r, Skip)]
    kinds = Counter(type(r).__name__ for r in metier_items)
    assert kinds["CentreInteret"] == 27 and kinds["Formation"] == 6066  # one per formation_min_requise
    assert sum(not m.formations for m in metiers.values()) == 93  # no formations_min_requise: fine
    assert sum(bool(m.codes_rome) for m in metiers.values()) == 842
    assert "A15" not in {c for m in metiers.values() for c in m.codes_rome}  # MET.323's truncated code left out
    assert metiers["MET.323"].codes_rome == ["D1210", "A1503"]


def test_a_job_as_the_assistant_answers_it(metiers):
    job = metiers["MET.1"]
    assert (job.label, job.appellation.feminin, job.niveau_acces_min) == (
        "contrôleur aérien", "contrôleuse aérienne", "Bac + 5")
    assert job.salaire_debutant == (
        "En tant qu'élève fonctionnaire, le contrôleur aérien perçoit une rémunération brute mensuelle de 1486 euros "
        "en 1re année ; 2200 euros en 2e année ; 2383 euros en 3e année.\n"
        "Enfin, il a un salaire d'environ 2552 euros brut par mois 1 an après la sortie de l'école.")
    assert job.url == "https://www.onisep.fr/http/redirection/metier/slug/MET.1"
    assert job.source.citation() == "Source : Onisep, fiche MET.1 (juin 2024)"
    assert job.source.document == METIERS.name
    assert (job.codes_rome, job.statuts, job.duree_etudes_contexte) == (["N2202"], ["fonctionnaire"], "Après le bac")
    assert job.autres_appellations[0].masculin == "aiguilleur du ciel"
    assert job.secteurs_activite == ["Fonction publique", "Logistique et transport"]
    assert job.metiers_associes == ["MET.7821", "MET.400", "MET.587"]
    assert job.formations == [FormationRef("FOR.2356", "Ingénieur du contrôle de la navigation aérienne")]
    assert job.competences.startswith("Calme et réactif\nCe métier demande un sens aigu des responsabilités")


def test_every_salary_section_is_read(metiers):
    with_section = [m for m in metiers.values() if "Salaire" in m.vie_professionnelle.split("\n")]
    assert len(with_section) == 826
    empty = [m for m in with_section if not m.salaire_debutant]
    assert len(with_section) - len(empty) == 816
    for job in empty:  # a heading and nothing under it in the export itself
        lines = job.vie_professionnelle.split("\n")
        start = lines.index("Salaire")
        assert lines[start + 1] == "Salaire du débutant" and lines[start + 2] == "Intégrer le marché du travail"


def test_access_levels_kept_as_written(metiers):
    levels = Counter(m.niveau_acces_min for m in metiers.values())
    assert (levels["Bac + 5"], levels["CAP ou équivalent"], levels["Bac + 2"]) == (282, 180, 148)
    assert {"Bac + 9 et plus", "3E", "autre formation", "CAP ou équivalent + 1 an", "sans diplôme"} <= set(levels)
    assert "" not in levels


def test_interest_ids_as_the_seeds_make_them(metier_items, metiers):
    interests = {r.id: r.libelle for r in metier_items if isinstance(r, CentreInteret)}
    assert interests["CI.j-ai-le-sens-du-contact"] == "j'ai le sens du contact"
    assert {i for m in metiers.values() for i in m.centres_interet} == set(interests)


def test_metier_fields_the_assistant_answers_from_are_filled(metiers):
    jobs = list(metiers.values())
    for name in ("appellation", "presentation", "en_bref", "niveau_acces_min", "url", "secteurs_activite", "statuts"):
        assert share(jobs, name) > 0.99, name
    for name in ("codes_rome", "duree_etudes", "formations", "nature_travail", "competences", "condition_travail",
                 "acces_metier", "salaire_debutant", "centres_interet"):
        assert share(jobs, name) > 0.85, name


# --- Idéo fiches formations ---------------------------------------------------------------------


def test_formations_count_and_one_formation(formations):
    assert len(formations) == 2164
    master = formations["FOR.1000"]
    assert (master.duree, master.niveau_certification, master.niveau_etudes) == ("1 an", "niveau 7 (bac + 5)", "Bac + 6")
    assert (master.sigle, master.type_formation, master.code_rncp) == ("mastère spé.", "mastère spécialisé", "RNCP37084")
    assert master.nature_certificat == "Label de la Conférence des grandes écoles ; Formation inscrite au RNCP"
    assert master.metiers == ["MET.774", "MET.878", "MET.433"]
    assert (master.date_modification, master.source.citation()) == ("2024-05-17", "Source : Onisep, fiche FOR.1000 (juin 2024)")
    cap = formations["FOR.10016"]
    assert (cap.libelle, cap.sigle, cap.duree, cap.niveau_certification) == (
        "CAP construction et aménagement de véhicules", "CAV", "2 ans", "niveau 3 (niveau CAP)")
    assert cap.poursuites[0] == FormationRef("", "CAP peintre automobile")
    assert cap.poursuites_etudes.startswith("Le CAP débouche sur la vie active mais il est possible")
    assert cap.sous_domaines == ["automobile"]


def test_formation_levels_types_and_links(formations):
    all_ = list(formations.values())
    levels = Counter(f.niveau_certification for f in all_)
    assert (levels["niveau 7 (bac + 5)"], levels["non inscrit au RNCP"]) == (842, 174)
    assert Counter(f.duree for f in all_).most_common(2) == [("2 ans", 777), ("3 ans", 767)]
    assert all(f.url == f"https://www.onisep.fr/http/redirection/formation/slug/{f.id}" for f in all_)
    assert sum(bool(f.code_rncp) for f in all_) == 1232  # France Compétences' page given as the reference
    assert sum(bool(f.sigle) for f in all_) == 726 + 656  # sigle, else the type's acronym naming the formation


def test_formation_fields_the_assistant_answers_from_are_filled(formations):
    all_ = list(formations.values())
    for name in ("libelle", "type_formation", "duree", "niveau_certification", "niveau_etudes", "url", "metiers",
                 "nature_certificat", "sous_domaines", "date_modification"):
        assert share(all_, name) > 0.99, name
    assert share(all_, "codes_nsf") > 0.95 and share(all_, "tutelle") > 0.8


# --- ROME 4.0 -----------------------------------------------------------------------------------


def rome_rows(name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(ROME) as archive, archive.open(f"unix_{name}_v460_utf8.csv") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))


def test_rome_counts_and_appellations(romes):
    assert len(romes) == 1584
    rows = rome_rows("referentiel_appellation")
    assert len(rows) == 13120
    titles = {(r["code_rome"], r["libelle_appellation_long"]) for r in rows}
    assert sum(len(r.appellations) for r in romes.values()) == len(titles) == 13116  # 4 titles listed twice
    assert {(r.code, t) for r in romes.values() for t in r.appellations} == titles


def test_one_rome_code(romes):
    agri = romes["A1101"]
    assert (agri.libelle, agri.code_parent) == ("Conducteur / Conductrice d'engins agricoles", "A1101")
    assert agri.definition.split("\n") == [
        "Réalise des travaux agricoles mécanisés.",
        "Aménage et prépare les terrains, assure le labourage, le désherbage, les semis et récolte la production.",
        "Utilise différentes machines (tracteur, moissonneuse-batteuse, ensileuse) et en assure l'entretien et la "
        "maintenance de premier niveau."]  # the export's « l''entretien » undone
    assert agri.acces_emploi.startswith("Cet emploi est accessible sans diplôme particulier.")
    assert "Conducteur / Conductrice de tracteur" in agri.appellations
    assert romes["A1102"].code_parent == "A1101"
    assert romes["E1103"].libelle == "Chargé / Chargée des relations publiques"
    assert romes["E1103"].source.citation() == "Source : France Travail, ROME 4.0, fiche E1103 (v460)"
    assert romes["E1103"].source.document == ROME.name


def test_rome_interests_main_one_first(romes):
    main = {r["code_rome"]: r["libelle_centre_interet"] for r in rome_rows("arborescence_centre_interet")
            if r["principal"] == "oui"}
    assert all(romes[code].centres_interet[0] == label for code, label in main.items())
    assert sum(len(r.centres_interet) for r in romes.values()) == 4444


def test_rome_fields_filled_and_onisep_codes_found(romes, metiers):
    for name in ("libelle", "code_parent", "appellations", "definition", "acces_emploi", "centres_interet"):
        assert share(romes.values(), name) == 1, name
    cited = {c for m in metiers.values() for c in m.codes_rome}
    assert len(cited) == 388 and cited <= set(romes)  # ONISEP's ROME v3 codes are ROME 4.0 codes


# --- all three ------------------------------------------------------------------------------------


def test_no_html_left_anywhere(metier_items, formations, romes):
    for record in [*metier_items, *formations.values(), *romes.values()]:
        for name, text in texts(record):
            assert not TAG.search(text), (record.id, name, TAG.search(text)[0])
            assert "\u00a0" not in text and "''" not in text, (record.id, name)
