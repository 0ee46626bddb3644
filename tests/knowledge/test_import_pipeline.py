"""Importing open data into the store: merge with the seeds, persistence, all-or-nothing errors.

On a store of the source documents alone (a manifest without the national exports: quick to rebuild after
each import); tests/knowledge/test_build_national.py imports over the national base."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from tests import ROOT, documents_manifest
from knowledge.kb import KnowledgeBase

FIXTURES = ROOT / "tests" / "knowledge" / "importers" / "fixtures"


def orientation(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "knowledge.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8")


@pytest.fixture()
def store(tmp_path):
    manifest = documents_manifest(tmp_path)
    path = tmp_path / "knowledge.sqlite"
    assert orientation("kb", "build", "--store", str(path), "--manifest", str(manifest)).returncode == 0
    return path


def kb_import(store, kind, name):
    return kb_import_file(store, FIXTURES / name, kind)


def kb_import_file(store, path, kind=None):
    return orientation("kb", "import", *([kind] if kind else []), str(path), "--store", str(store), "--quiet",
                       "--manifest", str(store.with_name("manifest.yml")))


@pytest.mark.unit
def test_import_adds_jobs_and_merges_with_the_seed_keeping_field_sources(store):
    done = kb_import(store, "onisep-metiers", "onisep/ideo-fiches-metiers-ancien.xml")
    assert done.returncode == 0, done.stderr
    assert "ajoutés : " in done.stdout and "2 metier" in done.stdout and "identifiant absent" in done.stdout
    kb = KnowledgeBase(store)
    assert kb.get("MET.1234").label == "chargé de relations presse"
    seed = kb.get("MET.650")
    assert seed.source.document.startswith("onisep-fiche-metier-MET.650")  # the seed stays the main source
    assert seed.niveau_acces_min == "bac + 5" and len(seed.formations) == 7
    assert seed.competences
    assert seed.provenance["competences"] == "Onisep, fiche MET.650 (ideo-fiches-metiers-ancien.xml)"
    assert "niveau_acces_min" not in seed.provenance
    assert len(seed.autres_appellations) == 1  # « responsable communication » is not added twice
    assert kb.linker.link("chargée de relations presse").best.id == "MET.1234"


@pytest.mark.unit
def test_imported_records_survive_a_rebuild_and_a_second_import_updates(store):
    assert kb_import(store, "onisep-metiers", "onisep/ideo-fiches-metiers-ancien.xml").returncode == 0
    assert orientation("kb", "build", "--store", str(store), "--manifest", str(store.with_name("manifest.yml"))
                       ).returncode == 0
    assert KnowledgeBase(store).get("MET.1234") is not None
    again = kb_import(store, "onisep-metiers", "onisep/ideo-fiches-metiers-ancien.xml")
    assert "mis à jour : " in again.stdout and "2 metier" in again.stdout.split("mis à jour")[1]


@pytest.mark.unit
def test_imports_of_several_kinds_merge_on_ids(store):
    assert kb_import(store, "onisep-metiers", "onisep/ideo-fiches-metiers-2025.xml").returncode == 0
    assert kb_import(store, "onisep-formations", "onisep/ideo-fiches-formations.xml").returncode == 0
    kb = KnowledgeBase(store)
    formation = kb.get("FOR.9610")
    assert formation.libelle == "master mention information, communication" and formation.duree
    assert "MET.650" in kb.targets("FOR.9610", "metier")
    assert kb.get("MET.1299") is not None


@pytest.mark.unit
def test_malformed_file_names_file_line_and_element_and_leaves_the_store_untouched(store):
    before = store.read_bytes()
    imports = store.with_name("imports.sqlite")
    done = kb_import(store, "onisep-metiers", "onisep/ideo-fiches-metiers-casse.xml")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "ideo-fiches-metiers-casse.xml:13" in done.stderr and "<romeV3>" in done.stderr
    assert store.read_bytes() == before
    assert not (imports.exists() and json.dumps(_imported(imports)) != "[]")


def _imported(path):
    import sqlite3
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id FROM imported").fetchall()


@pytest.mark.unit
def test_answer_cites_the_imported_file_that_completed_a_record(store, monkeypatch):
    from actions.compose import citation
    assert kb_import(store, "onisep-metiers", "onisep/ideo-fiches-metiers-ancien.xml").returncode == 0
    kb = KnowledgeBase(store)
    assert citation(kb.get("MET.1234")) == "Source : Onisep, fiche MET.1234"
    assert citation(kb.get("MET.650")) == \
        "Sources : Onisep, fiche MET.650 ; Onisep, fiche MET.650 (ideo-fiches-metiers-ancien.xml)"


@pytest.mark.e2e
def test_running_assistant_answers_about_an_imported_only_job_without_retraining(own_kb_stack):
    """On a stack of its own (tests/conftest.py), its store built by `orientation kb build --store`."""
    stack, store = own_kb_stack
    before = "\n".join(m.get("text", "") for m in stack.say("imp-1", "que fait un chargé de relations presse ?"))
    assert "MET.1234" not in before
    assert kb_import(store, "onisep-metiers", "onisep/ideo-fiches-metiers-ancien.xml").returncode == 0
    after = "\n".join(m.get("text", "") for m in stack.say("imp-2", "que fait un chargé de relations presse ?"))
    assert "Interface entre une organisation et les médias" in after
    assert after.endswith("Source : Onisep, fiche MET.1234")


@pytest.mark.unit
def test_rncp_import_merges_with_the_seed_sheet_without_duplicates(store):
    done = kb_import(store, "rncp", "rncp/export-fiches-rncp-v4-1.xml")
    assert done.returncode == 0, done.stderr
    assert "fiche inactive" in done.stdout
    kb = KnowledgeBase(store)
    cert = kb.get("RNCP35746")
    years = [s.annee for s in cert.statistiques]
    assert len(years) == len(set(years)) and {2018, 2019, 2020} <= set(years)
    seed_2020 = next(s for s in cert.statistiques if s.annee == 2020)
    assert (seed_2020.certifies, seed_2020.taux_insertion_global_6_mois) == (23, 86)
    routes = [r.voie for r in cert.voies_acces]
    from knowledge.normalize import normalize
    assert len({normalize(r).text for r in routes}) == len(routes)
    assert cert.source.document.startswith("rncp35746")  # the seed document stays the main source
    imported_only = [i for i in kb.ids("certification") if i not in {"RNCP35746", "RNCP28684"}]
    assert imported_only and all(kb.get(i).source.publisher == "France Compétences" for i in imported_only)


@pytest.mark.unit
def test_rome_export_as_a_zip_of_its_csv_files_is_one_import(store, tmp_path):
    archive = tmp_path / "rome-csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("unix_referentiel_code_rome_v460_utf8.csv", "unix_referentiel_appellation_v460_utf8.csv"):
            zipped.write(FIXTURES / "rome" / name, name)
    done = kb_import_file(store, archive)  # its kind read from its content
    assert done.returncode == 0, done.stderr
    kb = KnowledgeBase(store)
    assert kb.get("K2111").libelle == "Formation professionnelle"  # from the codes file
    assert kb.get("E1103").libelle == "Communication" and kb.get("E1103").appellations  # from the appellations file


@pytest.mark.unit
def test_an_export_replaces_the_previous_one_of_its_kind(store):
    assert kb_import(store, "rome", "rome/unix_referentiel_code_rome_v460_utf8.csv").returncode == 0
    assert KnowledgeBase(store).get("K2111") is not None
    done = kb_import(store, "rome", "rome/unix_referentiel_appellation_v460_utf8.csv")
    assert done.returncode == 0, done.stderr
    kb = KnowledgeBase(store)
    assert kb.get("K2111") is None and kb.get("M1403") is None  # only in the previous ROME export
    assert kb.get("E1104").label == "E1104 Conception de contenus multimédias"  # a seed's record stays
    assert "retirés : 2 rome" in done.stdout
