"""The ROME CSV importer, on hand-made fixtures (fixtures/rome/ beside this file); the real download is read in
test_national.py."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

from knowledge.importers import ImportFormatError, Skip
from knowledge.importers.rome_csv import iter_records
from knowledge.model import CodeRome

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parent / "fixtures" / "rome"
CODES = FIXTURES / "unix_referentiel_code_rome_v460_utf8.csv"
APPELLATIONS = FIXTURES / "unix_referentiel_appellation_v460_utf8.csv"


def test_code_file():
    records = list(iter_records(CODES))
    assert all(isinstance(r, CodeRome) for r in records)
    labels = {r.code: r.libelle for r in records}
    assert labels == {
        "E1103": "Communication",
        "E1104": "Conception de contenus multimédias",
        "E1107": "Organisation d'évènementiel",
        "E1401": "Développement et promotion publicitaire",
        "E1402": "Élaboration de plan média",
        "K2111": "Formation professionnelle",
        "M1403": "Études et prospectives socio-économiques",
    }
    first = records[0]
    assert (first.id, first.appellations) == ("E1103", [])
    assert (
        first.source.publisher,
        first.source.document,
        first.source.reference,
        first.source.licence,
        first.source.line,
        first.source.edition,
    ) == ("France Travail", CODES.name, "ROME 4.0, fiche E1103", "Licence Ouverte 2.0", 2, "v460")
    assert first.source.citation() == "Source : France Travail, ROME 4.0, fiche E1103 (v460)"


def test_appellation_file_groups_titles_long_then_short():
    records = list(iter_records(APPELLATIONS))
    romes = [r for r in records if isinstance(r, CodeRome)]
    assert [(r.id, r.libelle) for r in romes] == [("E1103", ""), ("E1401", "")]
    assert romes[0].appellations == [
        "Chargé / Chargée de communication",
        "Attaché / Attachée de presse",
        "Chargé de relations publiques",
    ]  # the last from the short label
    assert romes[1].appellations == ["Chef de publicité", "Chargé / Chargée de promotion"]
    assert [r for r in records if isinstance(r, Skip)] == [Skip("code ROME absent", "ligne 7")]


def test_missing_column_named(tmp_path):
    with pytest.raises(ImportFormatError, match="« libelle_rome »") as caught:
        list(iter_records(FIXTURES / "referentiel-sans-libelle.csv"))
    assert caught.value.line == 1
    path = tmp_path / "unix_referentiel_appellation_v460_utf8.csv"
    path.write_text("code_ogr,code_rome\n1,E1103\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="« libelle_appellation_long »"):
        list(iter_records(path))


def test_semicolon_bom_short_titles_and_comment_line(tmp_path):
    path = tmp_path / "appellations.csv"
    path.write_text(
        "\ufeff# fichier synthétique\ncode_rome;libelle_appellation_court\nE1103;Chargé de com\n"
        "E1103;Attaché de presse\n",
        encoding="utf-8",
    )
    [rome] = list(iter_records(path))
    assert (rome.code, rome.appellations, rome.source.line) == ("E1103", ["Chargé de com", "Attaché de presse"], 3)


def test_unsorted_appellations_are_gathered_by_code(tmp_path):
    path = tmp_path / "appellations.csv"
    path.write_text("code_rome,libelle_appellation_long\nE1103,A\nE1401,B\nE1103,C\nE1103,A\n", encoding="utf-8")
    assert [(r.id, r.appellations) for r in iter_records(path)] == [("E1103", ["A", "C"]), ("E1401", ["B"])]


def test_invalid_code_names_line(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text('"code_rome","libelle_rome"\n"E1103","Communication"\n"X12","Inconnu"\n', encoding="utf-8")
    with pytest.raises(ImportFormatError, match="X12") as caught:
        list(iter_records(path))
    assert (caught.value.line, caught.value.element) == (3, "code_rome")


# --- the whole download: zip or folder, every file it needs -------------------------------------

WHOLE = [CODES, APPELLATIONS, FIXTURES / "unix_texte_v460_utf8.csv",
         FIXTURES / "unix_arborescence_centre_interet_v460_utf8.csv", FIXTURES / "unix_centre_interet_v460_utf8.csv"]


def zipped(tmp_path: Path, files: list[Path], name: str = "rome-v460.zip") -> Path:
    archive = tmp_path / name
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in reversed(files):  # the codes file last: it is still read first
            out.write(path, f"RefRomeCsv/{path.name}")
    return archive


def test_zip_gathers_codes_titles_texts_and_interests(tmp_path):
    records = list(iter_records(zipped(tmp_path, WHOLE)))
    romes = {r.id: r for r in records if isinstance(r, CodeRome)}
    assert list(romes) == ["E1103", "E1104", "E1107", "E1401", "E1402", "K2111", "M1403"]  # the codes file's order
    com = romes["E1103"]
    assert com.libelle == "Communication" and com.code_parent == "E1103"
    assert com.appellations[0] == "Chargé / Chargée de communication"
    assert com.definition == ("Conçoit et met en œuvre des actions de communication.\n"
                              "Rédige des contenus pour l'entreprise et ses publics.")  # by position, '' undone
    assert com.acces_emploi == "Cet emploi est accessible avec un diplôme de niveau bac + 2 à bac + 5."
    assert com.centres_interet == ["J'aime communiquer, convaincre", "J'ai le sens du contact"]  # the main one first
    assert romes["E1104"].code_parent == "E1103" and romes["E1104"].definition == ""
    assert romes["E1401"].appellations == ["Chef de publicité", "Chargé / Chargée de promotion"]
    assert (com.source.document, com.source.line, com.source.reference) == ("rome-v460.zip", 2, "ROME 4.0, fiche E1103")
    assert [r for r in records if isinstance(r, Skip)] == [Skip("code ROME absent", "ligne 7")]


def test_folder_reads_the_same_as_the_zip(tmp_path):
    folder = tmp_path / "RefRomeCsv"
    folder.mkdir()
    for path in WHOLE:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "LISEZMOI.txt").write_text("notes", encoding="utf-8")
    from_folder = [r for r in iter_records(folder) if isinstance(r, CodeRome)]
    from_zip = [r for r in iter_records(zipped(tmp_path, WHOLE)) if isinstance(r, CodeRome)]
    assert [dataclasses.replace(r, source=None) for r in from_folder] == [
        dataclasses.replace(r, source=None) for r in from_zip]
    assert from_folder[0].source.document == CODES.name  # a folder: the file the code was first read from


def test_texts_alone_and_archive_without_rome_file(tmp_path):
    [rome] = iter_records(FIXTURES / "unix_texte_v460_utf8.csv")
    assert (rome.code, rome.libelle, rome.acces_emploi[:20]) == ("E1103", "", "Cet emploi est acces")
    empty = zipped(tmp_path, [FIXTURES / "unix_centre_interet_v460_utf8.csv"], "interets.zip")
    with pytest.raises(ImportFormatError, match="aucun fichier ROME"):
        list(iter_records(empty))
