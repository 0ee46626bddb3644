"""The ROME CSV importer, on hand-made fixtures (fixtures/rome/ beside this file)."""

from __future__ import annotations

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
    ) == ("France Travail (ROME)", CODES.name, "code ROME E1103", "Licence Ouverte 2.0", 2)


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


def test_unsorted_appellations_give_several_records_of_the_same_code(tmp_path):
    path = tmp_path / "appellations.csv"
    path.write_text("code_rome,libelle_appellation_long\nE1103,A\nE1401,B\nE1103,C\n", encoding="utf-8")
    assert [(r.id, r.appellations) for r in iter_records(path)] == [
        ("E1103", ["A"]),
        ("E1401", ["B"]),
        ("E1103", ["C"]),
    ]


def test_invalid_code_names_line(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text('"code_rome","libelle_rome"\n"E1103","Communication"\n"X12","Inconnu"\n', encoding="utf-8")
    with pytest.raises(ImportFormatError, match="X12") as caught:
        list(iter_records(path))
    assert caught.value.line == 3
