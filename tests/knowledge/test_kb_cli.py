"""The `orientation kb` command line, run as a user would (a subprocess), on a fresh store of the real sources
(documents and national exports), and on one of the source documents alone where the national data would
change what is tested (the linker's answers over nine jobs)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
import yaml

from tests import ROOT
from knowledge.build import MANIFEST, parse_sources, seed_entries
from knowledge.cli import check_store
from knowledge.kb import KnowledgeBase

pytestmark = pytest.mark.unit


def orientation(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "knowledge.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8")


def documents_only(directory):
    """A manifest of the source documents alone (no national export), beside none of them: absolute paths."""
    manifest = directory / "manifest.yml"
    entries = [{**e, "file": str(MANIFEST.parent / e["file"])} for e in seed_entries()]
    manifest.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "kb.sqlite"
    done = orientation("kb", "build", "--store", str(path))
    assert done.returncode == 0, done.stderr
    return path, done.stdout


@pytest.fixture(scope="module")
def documents_store(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cli-documents")
    path = directory / "kb.sqlite"
    done = orientation("kb", "build", "--store", str(path), "--manifest", str(documents_only(directory)))
    assert done.returncode == 0, done.stderr
    return path, done.stdout


def _counts(out):
    return {line.split()[0]: int(line.split()[1]) for line in out.splitlines()
            if len(line.split()) >= 2 and line.split()[1].isdigit()}


def test_build_prints_counts_per_type(store):
    counts = _counts(store[1])
    # 928 ONISEP jobs and the 9 of the documents, 5 of which are one record with their ONISEP twin
    assert counts["metier"] == 928 + 9 - 5 and counts["certification"] == 2 and counts["formation"] >= 2164
    assert counts["rome"] >= 1584 and counts["interet"] == 27 and counts["secteur"] == 1
    assert counts["total"] == sum(v for k, v in counts.items() if k != "total")
    assert "MET.8 → JOB.chef-de-publicite" in store[1]  # the build says which twins it merged


def test_build_of_the_documents_alone_prints_their_counts(documents_store):
    counts = _counts(documents_store[1])
    assert counts["metier"] == 9 and counts["certification"] == 2 and counts["formation"] == 7
    assert counts["rome"] == 5 and counts["interet"] == 4 and counts["secteur"] == 1


def test_check_passes_on_the_sources(store):
    done = orientation("kb", "check", "--store", str(store[0]))
    assert done.returncode == 0 and "0 erreur" in done.stdout


def test_check_fails_on_a_dangling_reference(store, tmp_path):
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(store[0].read_bytes())
    with sqlite3.connect(broken) as db:
        db.execute("INSERT INTO relations VALUES ('MET.650', 'formation', 'FOR.0000')")
        db.execute("UPDATE records SET data = json_set(data, '$.libelle', '') WHERE id = 'FOR.1084'")
    done = orientation("kb", "check", "--store", str(broken))
    assert done.returncode == 1
    assert "FOR.0000" in done.stdout and "FOR.1084 : champ obligatoire « libelle » vide" in done.stdout


def test_check_reports_duplicate_ids(kb):
    parsed = parse_sources()
    assert check_store(kb, parsed) == []
    assert any("en double : MET.650" in p for p in check_store(kb, parsed + [parsed[0]]))


def test_show_json_with_relations(store):
    done = orientation("kb", "show", "MET.650", "--json", "--store", str(store[0]))
    data = json.loads(done.stdout)
    assert data["id"] == "MET.650" and data["label"] == "directeur de communication"
    assert [r["id"] for r in data["relations"]["formation"]][:2] == ["FOR.1084", "FOR.1925"]
    assert data["relations"]["rome"] == [{"id": "E1103", "label": "E1103 Communication"}]
    assert "directrice" in done.stdout  # UTF-8, not ASCII-escaped


@pytest.mark.parametrize("record_id,relation,expected", [
    ("FOR.1084", "metier", "MET.650"),
    ("RNCP35746", "emploi", "JOB.chef-de-publicite"),
    ("E1103", "rome<", "RNCP28684"),
    ("CI.j-aime-communiquer", "interet<", "MET.650"),
    ("SECT.agence-de-communication", "metier", "JOB.media-planneur"),
])
def test_relations_navigate_both_ways(store, record_id, relation, expected):
    data = json.loads(orientation("kb", "show", record_id, "--json", "--store", str(store[0])).stdout)
    assert expected in [r["id"] for r in data["relations"][relation]]


def test_show_unknown_id_exits_1(store):
    done = orientation("kb", "show", "MET.99999", "--store", str(store[0]))
    assert done.returncode == 1 and "MET.99999" in done.stderr


def test_find_json(store):
    done = orientation("kb", "find", "cheff", "de", "publicitée", "--json", "--store", str(store[0]))
    data = json.loads(done.stdout)
    assert data["query"] == "cheff de publicitée" and data["status"] == "found"
    assert [c["id"] for c in data["candidates"]] == ["JOB.chef-de-publicite"]  # one record, not it and MET.8
    assert set(data["candidates"][0]) == {"id", "type", "label", "score"}


def test_find_ambiguous_and_unknown(documents_store):
    path = str(documents_store[0])
    ambiguous = json.loads(orientation("kb", "find", "chargé de communication", "--json", "--store", path).stdout)
    assert ambiguous["status"] == "ambiguous" and len(ambiguous["candidates"]) == 3
    unknown = json.loads(orientation("kb", "find", "boulanger", "--json", "--store", path).stdout)
    assert unknown["status"] == "unknown"


def test_missing_store_is_a_clear_error(tmp_path):
    done = orientation("kb", "show", "MET.650", "--store", str(tmp_path / "none.sqlite"))
    assert done.returncode == 2 and "kb build" in done.stderr and "Traceback" not in done.stderr


def test_certifications_for_a_job_through_rome(kb):
    assert set(kb.certifications_for_metier("MET.650")) == {"RNCP35746", "RNCP28684"}
    jobs = kb.metiers_for_interest("CI.j-aime-communiquer")
    assert {"MET.650", "JOB.chef-de-publicite"} <= set(jobs) and "MET.8" not in jobs


def test_full_text_search(kb):
    hits = kb.search("communiqués de presse")
    assert hits and {h.record_id for h in hits} & {"MET.650", "RNCP35746"}


def test_store_is_replaced_atomically(tmp_path):
    from knowledge.build import build
    path, manifest = tmp_path / "kb.sqlite", documents_only(tmp_path)
    build(path, manifest)
    first = KnowledgeBase(path)
    build(path, manifest)  # a rebuild while a reader has the old file open
    assert first.get("MET.650").label == "directeur de communication"
    assert not (tmp_path / "kb.sqlite.tmp").exists()
