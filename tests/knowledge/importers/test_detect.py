"""detect(): an export's kind from its content (root element, CSV header, JSON keys, zip members), not its name."""

from __future__ import annotations

import zipfile
from importlib import import_module
from pathlib import Path

import pytest

from knowledge.importers import ImportFormatError
from knowledge.importers.kinds import detect
from knowledge.importers.kinds import MODULES
from tests import SOURCES

pytestmark = pytest.mark.unit

FIX = Path(__file__).parent / "fixtures"
NATIONAL = SOURCES / "national"


@pytest.mark.parametrize("name, kind", [
    ("onisep-ideo-fiches-metiers-2024-06-25.zip", "onisep-metiers"),
    ("onisep-ideo-fiches-formations-2024-06-25.zip", "onisep-formations"),
    ("rome-4.0-v460-csv.zip", "rome"),  # six CSVs, two of them of no use (no ROME code): left aside
])
def test_the_shipped_national_exports(name, kind):
    assert detect(NATIONAL / name) == kind


@pytest.mark.parametrize("name, kind", [
    ("onisep/ideo-fiches-metiers-ancien.xml", "onisep-metiers"),
    ("onisep/ideo-fiches-metiers-2025.xml", "onisep-metiers"),
    ("onisep/ideo-metiers.xml", "onisep-metiers"),
    ("onisep/ideo-metiers.csv", "onisep-metiers"),
    ("onisep/ideo-metiers-2024.csv", "onisep-metiers"),
    ("onisep/ideo-metiers.json", "onisep-metiers"),
    ("onisep/ideo-fiches-formations.xml", "onisep-formations"),
    ("onisep/ideo-formations-initiales.csv", "onisep-formations"),
    ("onisep/ideo-formations-initiales.json", "onisep-formations"),
    ("onisep/ideo-formations-initiales-2024.csv", "onisep-formations"),
    ("onisep/ideo-formations-initiales-2019.csv", "onisep-formations"),
    ("rncp/export-fiches-rncp-v4-1.xml", "rncp"),
    ("rncp/export-fiches-csv-2024-02-22", "rncp-csv"),
    ("rome/unix_referentiel_code_rome_v460_utf8.csv", "rome"),
    ("rome/unix_referentiel_appellation_v460_utf8.csv", "rome"),
    ("rome/unix_texte_v460_utf8.csv", "rome"),
    ("rome", "rome"),  # a folder; its broken file (no label column) is left aside
])
def test_fixtures_of_every_variant(name, kind):
    assert detect(FIX / name) == kind


def test_zip_of_the_rncp_csv_export_and_a_renamed_file(tmp_path):
    archive = tmp_path / "export-fiches-csv-2024-02-23.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in (FIX / "rncp" / "export-fiches-csv-2024-02-22").iterdir():
            out.write(path, path.name)
    assert detect(archive) == "rncp-csv"
    renamed = tmp_path / "telechargement.dat"  # no telling suffix: the content is sniffed
    renamed.write_bytes((FIX / "onisep" / "ideo-fiches-formations.xml").read_bytes())
    assert detect(renamed) == "onisep-formations"


def test_unknown_root_element_is_named(tmp_path):
    path = tmp_path / "catalogue.xml"
    path.write_text("<?xml version='1.0'?>\n<catalogue><item/></catalogue>", encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        detect(path)
    assert err.value.element == "catalogue" and "élément racine inconnu" in str(err.value)


def test_unknown_csv_header_names_its_first_column(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text('\ufeff"Nom de l\'établissement";"Ville"\n"Lycée A";"Lyon"\n', encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        detect(path)
    assert (err.value.element, err.value.line) == ("Nom de l'établissement", 1)
    assert "en-tête CSV non reconnu" in str(err.value)
    path = tmp_path / "liste.json"
    path.write_text('[{"etablissement": "Lycée A"}]', encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        detect(path)
    assert err.value.element == "etablissement"


def test_mixed_archive_and_empty_folder_are_refused(tmp_path):
    archive = tmp_path / "tout.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(FIX / "onisep" / "ideo-fiches-metiers-2025.xml", "metiers.xml")
        out.write(FIX / "onisep" / "ideo-fiches-formations.xml", "formations.xml")
    with pytest.raises(ImportFormatError, match="plusieurs sortes"):
        detect(archive)
    (tmp_path / "vide").mkdir()
    with pytest.raises(ImportFormatError, match="aucun fichier"):
        detect(tmp_path / "vide")


def test_every_kind_has_its_importer():
    assert set(MODULES) == {"onisep-metiers", "onisep-formations", "rome", "rncp", "rncp-csv"}
    assert all(callable(import_module(module).iter_records) for module in MODULES.values())
