"""The synthetic catalogue: counts, links between files, determinism, and streaming import."""

from __future__ import annotations

import hashlib
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from knowledge.importers import Skip, rncp_xml, rome_csv
from knowledge.model import Certification, CodeRome
from bench.synthetic import generate

pytestmark = pytest.mark.unit

SIZES = {"metiers": 20, "formations": 30, "certifications": 40, "rncp_min_bytes": 300_000}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("synth"), **SIZES)


def digest(paths: dict[str, Path]) -> dict[str, str]:
    return {kind: hashlib.sha256(path.read_bytes()).hexdigest() for kind, path in paths.items()}


def test_files_are_marked_synthetic(catalogue):
    assert set(catalogue) == {"metiers", "formations", "rncp", "rome", "rome_appellations"}
    for path in catalogue.values():
        head = path.read_text(encoding="utf-8")[:300]
        assert "SYNTHÉTIQUE" in head.splitlines()[0 if path.suffix == ".csv" else 1]


def test_rncp_parses_back_with_expected_counts(catalogue):
    assert catalogue["rncp"].stat().st_size >= SIZES["rncp_min_bytes"]
    everything = list(rncp_xml.iter_records(catalogue["rncp"], include_inactive=True))
    certs = [r for r in everything if isinstance(r, Certification)]
    assert len(certs) == SIZES["certifications"]
    assert len({c.id for c in certs}) == len(certs)
    inactive = {c.id for c in certs if c.actif is False}
    assert 0 < len(inactive) < len(certs)
    active_only = list(rncp_xml.iter_records(catalogue["rncp"]))
    assert {r.id for r in active_only if isinstance(r, Skip)} == inactive
    assert all(r.reason == "fiche inactive" for r in active_only if isinstance(r, Skip))
    assert len([r for r in active_only if isinstance(r, Certification)]) == len(certs) - len(inactive)
    for cert in certs:
        assert cert.intitule and cert.niveau_europe in range(3, 8) and cert.codes_rome and cert.certificateurs
        assert len(cert.blocs) >= 2 and all(b.competences for b in cert.blocs)
        assert len(cert.activites) >= 3 and cert.date_echeance > cert.date_decision
    assert any(c.statistiques for c in certs)
    rome_codes = {r.code for r in rome_csv.iter_records(catalogue["rome"])}
    assert {code for c in certs for code in c.codes_rome} <= rome_codes
    assert {r.code for r in everything if isinstance(r, CodeRome)} <= rome_codes


def test_ideo_files_are_linked(catalogue):
    metiers = ET.parse(catalogue["metiers"]).getroot()
    formations = ET.parse(catalogue["formations"]).getroot()
    assert (metiers.tag, len(metiers), formations.tag, len(formations)) == ("metiers", 20, "formations", 30)
    metier_ids = {m.findtext("identifiant") for m in metiers}
    formation_ids = {f.findtext("identifiant") for f in formations}
    assert len(metier_ids) == 20 and len(formation_ids) == 30
    rome_codes = {r.code for r in rome_csv.iter_records(catalogue["rome"])}
    for metier in metiers:
        assert metier.findtext("libelle_feminin") and metier.findtext("libelle_masculin")
        assert {r.text for r in metier.iter("romeV3")} <= rome_codes
        assert "Durée des études" in metier.findtext("format_court/descriptif")  # newer layout
        assert {f.findtext("id") for f in metier.iter("formation_min_requise")} <= formation_ids
        assert len(metier.findall("centres_interet/centre_interet")) == 3
    for formation in formations:
        assert formation.findtext("niveau_certification").startswith("niveau ")
        linked = {m.findtext("id") for m in formation.iter("metier")}
        assert linked and linked <= metier_ids
    appellations = [r for r in rome_csv.iter_records(catalogue["rome_appellations"]) if isinstance(r, CodeRome)]
    assert appellations and all(r.appellations and r.code in rome_codes for r in appellations)


def test_generation_is_deterministic(tmp_path, catalogue):
    again = generate(tmp_path / "again", **SIZES)
    assert digest(again) == digest(catalogue)
    other = generate(tmp_path / "other", seed=2, **SIZES)
    assert digest(other)["rncp"] != digest(catalogue)["rncp"]


def test_rncp_import_streams_in_bounded_memory(tmp_path):
    """A 30 MB export is imported with a peak far below its size: nothing accumulates."""
    path = generate(tmp_path, metiers=5, formations=5, certifications=400, rncp_min_bytes=30_000_000)["rncp"]
    size = path.stat().st_size
    assert size >= 30_000_000
    tracemalloc.start()
    try:
        count = sum(isinstance(r, Certification) for r in rncp_xml.iter_records(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count > 300
    assert peak < 10_000_000, f"pic de mémoire {peak / 1e6:.1f} Mo pour un fichier de {size / 1e6:.0f} Mo"
