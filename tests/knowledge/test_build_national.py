"""The default knowledge base: the source documents and the national exports shipped in
knowledge/sources/national/ (ONISEP Idéo fiches métiers and formations of June 2024, ROME 4.0 v460), one record
per thing, and newer exports replacing the shipped ones (imported, or dropped in the archive's place)."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile

import pytest
import yaml

from knowledge.build import MANIFEST, build, build_or_copy, national_entries, parse_sources, store_is_current
from knowledge.kb import KnowledgeBase
from knowledge.merge import find_twins
from knowledge.model import Appellation, Metier, SourceRef
from knowledge.normalize import normalize
from tests import ROOT

pytestmark = pytest.mark.unit

NATIONAL = MANIFEST.parent / "national"
METIERS_ZIP = NATIONAL / "onisep-ideo-fiches-metiers-2024-06-25.zip"
# ONISEP twins of the jobs of the agency note: one record each, under the note's id
TWINS = {"MET.8": "JOB.chef-de-publicite", "MET.316": "JOB.concepteur-redacteur", "MET.489": "JOB.traffic-manager",
         "MET.537": "JOB.directeur-artistique", "MET.657": "JOB.media-planneur"}
SEED_IDS = sorted({r.id for r in parse_sources()})


def orientation(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "knowledge.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8")


def subset_export(directory, ids, inner="Onisep_Ideo_Fiches_metiers_01092025.xml", cut=False):
    """A newer Idéo fiches métiers export: the shipped fiches `ids` only, zipped under a later date
    (`cut`: the XML stops in the middle of a fiche)."""
    with zipfile.ZipFile(METIERS_ZIP) as shipped:
        text = shipped.read(shipped.namelist()[0]).decode("utf-8")
    blocks = {re.search(r"<identifiant>([^<]+)</identifiant>", b)[1]: b
              for b in re.findall(r"<metier>.*?</metier>", text, re.S)}
    xml = text[:text.index("<metier>")] + "\n".join(blocks[i] for i in ids) + "\n</metiers>\n"
    if cut:
        xml = xml[:xml.index("<romesV3>", xml.index(f"<identifiant>{ids[-1]}<")) + 30]
    archive = directory / "onisep-ideo-fiches-metiers-2025-09-01.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(inner, xml)
    return archive


@pytest.fixture()
def national_store(kb_path, tmp_path):
    """A copy of the session's national base, to import into."""
    path = tmp_path / "knowledge.sqlite"
    shutil.copyfile(kb_path, path)
    return path


# -- what the default build holds ------------------------------------------------------------------------
def test_default_build_holds_the_documents_and_every_national_record(kb):
    counts = kb.counts()
    assert counts["metier"] == 928 - len(TWINS) + 9  # the 928 fiches métiers and the 9 jobs of the documents
    assert counts["formation"] >= 2164 and counts["interet"] == 27 and counts["certification"] == 2
    assert counts["rome"] >= 1584 and counts["secteur"] == 1
    assert set(SEED_IDS) <= set(kb.ids())
    fiches = kb.db.execute("SELECT COUNT(*) FROM records WHERE type = 'formation' AND "
                           "json_extract(data, '$.source.document') = 'onisep-ideo-fiches-formations-2024-06-25.zip'")
    seed_formations = [i for i in SEED_IDS if i.startswith("FOR.")]
    # each formation cites its own fiche first, but the 7 of the MET.650 document, which cite the document
    assert fiches.fetchone()[0] == 2164 - len(seed_formations) and len(seed_formations) == 7
    assert kb.get("FOR.1084").provenance.get("duree") == "Onisep, fiche FOR.1084 (juin 2024)"
    shipped = {e["file"].rsplit("/", 1)[-1]: e["sha256"] for e in national_entries()}
    assert {e["file"]: e["sha256"] for e in kb.exports()} == shipped
    assert {e["origin"] for e in kb.exports()} == {"shipped"}


def test_national_facts_are_there_with_their_edition(kb):
    controller = kb.get("MET.1")
    assert controller.label == "contrôleur aérien" and controller.codes_rome == ["N2202"]
    assert controller.source.citation() == "Source : Onisep, fiche MET.1 (juin 2024)"
    rome = kb.get("N2202")
    assert rome.libelle and rome.appellations and rome.source.publisher.startswith("France Travail")
    assert "MET.1" in kb.metiers_for_rome("N2202")
    formation = kb.get("FOR.1000")
    assert formation.duree == "1 an" and formation.niveau_certification == "niveau 7 (bac + 5)"
    with_salary = [i for i in kb.ids("metier") if kb.get(i).salaire_debutant]
    assert len(with_salary) >= 800


# -- one record per thing ---------------------------------------------------------------------------------
def test_a_seed_job_and_its_onisep_twin_are_one_record_citing_both(kb):
    assert kb.redirects() == TWINS
    job = kb.get("JOB.chef-de-publicite")
    assert job.source.document == "note-agence-de-communication.md"  # the document's facts win
    assert job.description.startswith("Le chef de publicité est un commercial de terrain")
    assert job.appellation == Appellation("cheffe de publicité", "chef de publicité")
    assert job.codes_rome == ["E1401"] and job.salaire_debutant and job.formations  # filled from ONISEP
    assert job.provenance["salaire_debutant"] == "Onisep, fiche MET.8 (juin 2024)"
    assert "description" not in job.provenance
    assert job.url.endswith("MET.8")
    assert {"chef de publicité (en agence)", "responsable de la publicité (chez un distributeur)"} <= \
        {a.masculin for a in job.autres_appellations}
    assert kb.merged_ids("JOB.chef-de-publicite") == ["MET.8"]
    assert not set(TWINS) & set(kb.ids())


def test_twins_are_exact_names_only(kb):
    for seed_id in ("JOB.charge-de-communication-collectivite", "JOB.directeur-de-la-clientele",
                    "JOB.planneur-strategique", "MET.650"):
        assert kb.merged_ids(seed_id) == [] and kb.get(seed_id).id == seed_id
    assert kb.get("MET.314").label == "chargé des relations publiques"  # « chargé de communication » stays apart


def test_find_twins_is_conservative():
    def job(record_id, *names):
        apps = [Appellation(masculin=n) for n in names]
        return Metier(record_id, SourceRef("x", "x"), appellation=apps[0], autres_appellations=apps[1:])

    seeds = [job("JOB.a", "média planneur"), job("JOB.b", "chargé de communication"), job("JOB.c", "rédacteur"),
             job("JOB.d", "rédacteur")]
    national = {"MET.1": [job("MET.1", "chargé d'études média", "médiaplanneur")],
                "MET.2": [job("MET.2", "chargé des relations publiques", "chargé de communication")],
                "MET.3": [job("MET.3", "attaché de presse", "chargé de communication")],
                "MET.4": [job("MET.4", "rédacteur")]}
    # a name shared by two national jobs, or a national job claimed by two seed jobs: no twin
    assert find_twins(seeds, national) == {"MET.1": "JOB.a"}


def test_redirects_are_followed_by_get_and_relations(kb):
    assert kb.get("MET.8").id == "JOB.chef-de-publicite" and kb.resolve("MET.8") == "JOB.chef-de-publicite"
    assert kb.targets("MET.8", "formation") == kb.targets("JOB.chef-de-publicite", "formation") != []
    assert kb.relations_of("MET.316") == kb.relations_of("JOB.concepteur-redacteur")
    for formation_id in kb.targets("JOB.chef-de-publicite", "formation"):
        formation = kb.get(formation_id)
        assert "MET.8" not in formation.metiers
    leading = kb.sources("JOB.concepteur-redacteur", "metier")  # formations leading to the job (MET.316's)
    assert leading and all("JOB.concepteur-redacteur" in kb.get(f).metiers for f in leading if f.startswith("FOR."))
    assert "JOB.chef-de-publicite" in kb.metiers_for_rome("E1401")
    assert "JOB.chef-de-publicite" in kb.metiers_for_interest("CI.j-aime-communiquer")
    assert "JOB.concepteur-redacteur" in kb.get("JOB.media-planneur").metiers_associes  # MET.657 → MET.316
    assert "JOB.concepteur-redacteur" in kb.targets("JOB.media-planneur", "associe")
    assert not kb.db.execute("SELECT 1 FROM relations WHERE src IN (SELECT src FROM redirects) "
                             "OR dst IN (SELECT src FROM redirects)").fetchone()


def test_the_linker_knows_a_seed_job_and_its_twin_as_one_record(kb):
    assert not {a.record_id for a in kb.linker.aliases} & set(TWINS)
    for name, kept in (("chef de publicité", "JOB.chef-de-publicite"), ("cheffe de publicité", "JOB.chef-de-publicite"),
                       ("concepteur-rédactrice", "JOB.concepteur-redacteur"), ("MET.8", "JOB.chef-de-publicite"),
                       ("médiaplanneur", "JOB.media-planneur")):
        ids = [c.id for c in kb.linker.link(name).candidates if c.type == "metier"]
        assert ids == [kept], name
    norms = {}
    for alias in kb.linker.aliases:
        if alias.record_type == "metier" and alias.record_id in SEED_IDS:
            norms.setdefault(normalize(alias.label).text, set()).add(alias.record_id)
    assert all(len(ids) == 1 for ids in norms.values())


# -- rebuilding and reusing ---------------------------------------------------------------------------------
def test_a_current_store_is_copied_instead_of_rebuilt(kb_path, tmp_path):
    assert store_is_current(kb_path)
    copy = tmp_path / "copy.sqlite"
    assert build_or_copy(copy, [tmp_path / "none.sqlite", kb_path]) == str(kb_path)
    assert KnowledgeBase(copy).counts() == KnowledgeBase(kb_path).counts()
    stale = tmp_path / "stale.sqlite"
    shutil.copyfile(kb_path, stale)
    with sqlite3.connect(stale) as db:
        db.execute("UPDATE meta SET value = 'older' WHERE key = 'sources_digest'")
    assert not store_is_current(stale)


# -- a newer export ------------------------------------------------------------------------------------------
def test_a_newer_export_given_to_import_replaces_the_shipped_one_but_never_the_documents(national_store, tmp_path):
    newer = subset_export(tmp_path, ["MET.1", "MET.8", "MET.45"])
    done = orientation("kb", "import", str(newer), "--store", str(national_store), "--quiet")  # kind detected
    assert done.returncode == 0, done.stderr
    assert "retirés : " in done.stdout and "925 metier" in done.stdout.split("retirés : ")[1].splitlines()[0]
    kb = KnowledgeBase(national_store)
    assert kb.counts()["metier"] == 3 - 1 + 9  # MET.8 is still the chef de publicité of the note
    assert set(SEED_IDS) <= set(kb.ids()) and kb.get("MET.2") is None
    assert kb.redirects() == {"MET.8": "JOB.chef-de-publicite"}
    assert kb.get("JOB.concepteur-redacteur").source.document == "note-agence-de-communication.md"
    assert not kb.get("JOB.concepteur-redacteur").provenance  # its twin left with the older export
    assert kb.get("MET.1").source.citation() == "Source : Onisep, fiche MET.1 (septembre 2025)"
    assert kb.counts()["formation"] >= 2164  # the other exports stay
    assert [e["origin"] for e in kb.exports() if e["kind"] == "onisep-metiers"] == ["import"]
    # rebuilt later (`make kb`), the base keeps the imported export in place of the shipped one
    assert orientation("kb", "build", "--store", str(national_store)).returncode == 0
    assert KnowledgeBase(national_store).counts()["metier"] == 11

    # a malformed export changes nothing: neither the store nor the imports
    before = national_store.read_bytes(), national_store.with_name("imports.sqlite").read_bytes()
    (tmp_path / "broken").mkdir()
    broken = subset_export(tmp_path / "broken", ["MET.2", "MET.3"], cut=True)
    done = orientation("kb", "import", "onisep-metiers", str(broken), "--store", str(national_store), "--quiet")
    assert done.returncode == 2 and "Traceback" not in done.stderr and "XML mal formé" in done.stderr
    assert (national_store.read_bytes(), national_store.with_name("imports.sqlite").read_bytes()) == before


def test_a_newer_export_dropped_in_place_of_the_archive_is_read_and_named(tmp_path):
    entries = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    newer = subset_export(tmp_path, ["MET.1", "MET.316"])
    for entry in entries:
        entry["file"] = str(newer if entry.get("import") == "onisep-metiers" else MANIFEST.parent / entry["file"])
    manifest = tmp_path / "manifest.yml"
    manifest.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    notes: list[str] = []
    counts = build(tmp_path / "kb.sqlite", manifest, report=notes.append)
    assert any(newer.name in n and "différent de celui du manifeste" in n for n in notes), notes
    assert counts["metier"] == 2 - 1 + 9
    kb = KnowledgeBase(tmp_path / "kb.sqlite")
    assert kb.redirects() == {"MET.316": "JOB.concepteur-redacteur"}
    assert kb.get("MET.1").source.edition == "septembre 2025"  # not the manifest's « juin 2024 »


def test_an_archive_changed_after_an_import_takes_its_place_again(tmp_path):
    """Which export of a kind is read: the import, until the shipped archive itself changes (small ROME files)."""
    rome = ROOT / "tests" / "knowledge" / "importers" / "fixtures" / "rome"
    archive = tmp_path / "rome.zip"

    def ship(*names):
        with zipfile.ZipFile(archive, "w") as zipped:
            for name in names:
                zipped.write(rome / name, name)

    ship("unix_referentiel_code_rome_v460_utf8.csv")
    entries = [{**e, "file": str(MANIFEST.parent / e["file"])} for e in yaml.safe_load(MANIFEST.read_text("utf-8"))
               if "format" in e]
    entries.append({"file": str(archive), "import": "rome", "publisher": "France Travail",
                    "sha256": hashlib.sha256(archive.read_bytes()).hexdigest()})
    manifest = tmp_path / "manifest.yml"
    manifest.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    store = tmp_path / "kb.sqlite"
    build(store, manifest)
    assert KnowledgeBase(store).get("K2111") is not None  # read from the shipped archive
    done = orientation("kb", "import", "rome", str(rome / "unix_referentiel_appellation_v460_utf8.csv"),
                       "--store", str(store), "--manifest", str(manifest), "--quiet")
    assert done.returncode == 0, done.stderr
    assert KnowledgeBase(store).get("K2111") is None  # the import replaced it
    notes: list[str] = []
    build(store, manifest, report=notes.append)
    assert KnowledgeBase(store).get("K2111") is None and any("export importé" in n for n in notes)
    ship("unix_referentiel_code_rome_v460_utf8.csv", "unix_texte_v460_utf8.csv")  # a newer archive in its place
    notes.clear()
    build(store, manifest, report=notes.append)
    assert KnowledgeBase(store).get("K2111") is not None
    assert any("plus récente que l'export importé" in n for n in notes)
    assert any("différent de celui du manifeste" in n for n in notes)
