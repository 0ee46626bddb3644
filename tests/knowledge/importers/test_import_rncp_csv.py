"""The RNCP CSV export importer, on a hand-made export (fixtures/rncp/export-fiches-csv-2024-02-22/): the
same facts as the XML importer gives for the same fiches, from the zip as distributed or its folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from knowledge.importers import ImportFormatError, Skip, rncp_csv, rncp_xml
from knowledge.model import Certification, CodeRome
from knowledge.parsers.rncp_common import VOIE_LABELS

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parent / "fixtures" / "rncp"
FOLDER = FIXTURES / "export-fiches-csv-2024-02-22"
XML = FIXTURES / "export-fiches-rncp-v4-1.xml"


def zipped(tmp_path: Path, folder: Path = FOLDER, skip: str = "") -> Path:
    archive = tmp_path / "export-fiches-csv-2024-02-23.zip"  # the archive is dated the day after its files
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.iterdir()):
            if not skip or skip not in path.name:
                out.write(path, path.name)
    return archive


@pytest.fixture(scope="module")
def from_zip(tmp_path_factory) -> list:
    return list(rncp_csv.iter_records(zipped(tmp_path_factory.mktemp("rncp"))))


def certifications(items: list) -> dict[str, Certification]:
    return {r.id: r for r in items if isinstance(r, Certification)}


def test_active_fiches_kept_inactive_and_unnumbered_skipped(from_zip):
    assert list(certifications(from_zip)) == ["RNCP35746", "RNCP37777", "RS6117"]
    assert [r for r in from_zip if isinstance(r, Skip)] == [
        Skip("fiche inactive", "RNCP31190"), Skip("fiche inactive", "RNCP4049"), Skip("numéro absent", "4691")]
    everything = certifications(list(rncp_csv.iter_records(FOLDER, include_inactive=True)))
    assert everything["RNCP31190"].actif is False and everything["RNCP31190"].niveau_europe == 5
    assert everything["RNCP31190"].blocs[0].intitule == "Assister le service communication"
    old = everything["RNCP4049"]  # registered by a decree in the Journal officiel, no decision date
    assert (old.date_decision, old.date_enregistrement) == ("", "2011-02-02")
    assert old.certifications_anterieures == [("RNCP1197", "")]


def test_identity_codes_and_source(from_zip):
    cert = certifications(from_zip)["RNCP35746"]
    assert (cert.intitule, cert.abrege, cert.niveau_europe, cert.actif) == (
        "Chargé de communication cross-média", "TITRE", 6, True)
    assert (cert.date_decision, cert.date_enregistrement, cert.date_effet, cert.date_echeance) == (
        "2021-07-08", "2021-07-08", "2021-07-08", "2023-07-08")
    assert cert.codes_nsf == [("320", "Spécialites plurivalentes de la communication et de l'information")]
    assert cert.formacodes == [("46301", "Communication entreprise")]
    assert [(c.nom_legal, c.siret) for c in cert.certificateurs] == [
        ("INSTITUT PROMOTION FORMATION", "32800778600077"), ("LEARNING MANAGEMENT DEVELOPPEMENT", "")]
    assert [(b.numero, b.code) for b in cert.blocs] == [(n, f"RNCP35746BC0{n}") for n in range(1, 6)]  # sorted
    assert (cert.source.publisher, cert.source.document, cert.source.reference, cert.source.licence) == (
        "France Compétences", "export-fiches-csv-2024-02-23.zip", "RNCP35746", "Licence Ouverte 2.0")
    assert (cert.source.line, cert.source.edition) == (2, "février 2024")  # the files' date, not the archive's
    rs = certifications(from_zip)["RS6117"]
    assert (rs.niveau_europe, rs.formacodes, rs.voies_acces) == (None, [("21538", "Boulangerie")], [])


def test_routes_open_and_closed(from_zip):
    cert = certifications(from_zip)["RNCP35746"]
    voies = {v.voie: v.ouverte for v in cert.voies_acces}
    assert set(voies) == set(VOIE_LABELS)  # typographic apostrophes of the export matched to the form's labels
    assert [label for label, ouverte in voies.items() if not ouverte] == ["Par candidature individuelle"]
    assert [(p.nom_legal, p.siret) for p in certifications(from_zip)["RNCP37777"].partenaires] == [
        ("ASSOCIATION PRESSE AVENIR", "98765432100022")]


def test_same_facts_as_the_xml_export(from_zip):
    xml = {r.id: r for r in rncp_xml.iter_records(XML) if isinstance(r, Certification)}
    csv = certifications(from_zip)
    for numero in ("RNCP35746", "RNCP37777"):
        for name in ("numero", "intitule", "niveau_europe", "actif", "abrege", "codes_nsf", "codes_rome", "date_decision",
                     "date_enregistrement", "date_effet", "date_echeance"):
            assert getattr(csv[numero], name) == getattr(xml[numero], name), (numero, name)
        for name in ("certificateurs", "partenaires"):
            assert [(c.nom_legal, c.siret) for c in getattr(csv[numero], name)] == [
                (c.nom_legal, c.siret) for c in getattr(xml[numero], name)], (numero, name)
        assert [(b.numero, b.code, b.intitule) for b in csv[numero].blocs] == [
            (b.numero, b.code, b.intitule) for b in xml[numero].blocs]
    assert csv["RNCP35746"].formacodes == xml["RNCP35746"].formacodes
    assert [(v.voie, v.ouverte) for v in csv["RNCP35746"].voies_acces] == [
        (v.voie, v.ouverte) for v in xml["RNCP35746"].voies_acces]
    assert [c for c, _ in csv["RNCP35746"].certifications_anterieures] == ["RNCP28766"]
    romes = {r.code: r.libelle for r in from_zip if isinstance(r, CodeRome)}
    assert romes == {r.code: r.libelle for r in rncp_xml.iter_records(XML) if isinstance(r, CodeRome)
                     and r.code != "E1107"} | {"E1107": "Organisation d'évènementiel"}


def test_folder_reads_like_the_zip(from_zip):
    from_folder = list(rncp_csv.iter_records(FOLDER))
    assert [(type(r).__name__, r.id) for r in from_folder] == [(type(r).__name__, r.id) for r in from_zip]
    assert certifications(from_folder)["RNCP35746"].source.document == "export_fiches_CSV_Standard_2024_02_22.csv"


def test_missing_standard_file_and_bad_date_are_format_errors(tmp_path):
    with pytest.raises(ImportFormatError, match="Standard") as caught:
        list(rncp_csv.iter_records(zipped(tmp_path, skip="Standard")))
    assert caught.value.element == "Numero_Fiche"
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "export_fiches_CSV_Standard_2024_02_22.csv").write_text(
        '"Id_Fiche";"Numero_Fiche";"Intitule";"Date_Decision";"Actif"\r\n"1";"RNCP1";"X";"2021-07-08";"ACTIVE"\r\n',
        encoding="utf-8")
    with pytest.raises(ImportFormatError, match="2021-07-08") as caught:
        list(rncp_csv.iter_records(folder))
    assert (caught.value.path.name, caught.value.line, caught.value.element) == (
        "export_fiches_CSV_Standard_2024_02_22.csv", 2, "date_decision")
