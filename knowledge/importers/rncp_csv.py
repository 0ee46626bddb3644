"""Importer of the France Compétences RNCP export as CSV (Licence Ouverte 2.0): the daily
`export-fiches-csv-YYYY-MM-DD.zip`, read in place, or a folder of its files.

The export is ten `;`-separated files (cells quoted, empty ones often not; CRLF; UTF-8, BOM or not), named
`export_fiches_CSV_{Standard, Blocs_De_Compétences, Certificateurs, Rome, Nsf, Formacode, Partenaires, CCN,
VoixdAccès, Ancienne_Nouvelle_Certification}_YYYY_MM_DD.csv` and joined on `Numero_Fiche`. Each file is told
apart by its header, so renamed files are read too:

* Standard (`Id_Fiche`, `Numero_Fiche`, `Intitule`, `Abrege_Libelle`, `Nomenclature_Europe_Niveau` NIV3…NIV8,
  `Date_dernier_jo`, `Date_Decision`, `Date_Fin_Enregistrement`, `Date_Effet`, `Actif` ACTIVE/INACTIVE…) →
  one `Certification` per fiche, active ones only unless `include_inactive` (the others as `Skip`);
* Blocs (`Bloc_Competences_Code`, `Bloc_Competences_Libelle`), Certificateurs and Partenaires (`Nom_…`,
  `Siret_…`), Rome (`Codes_Rome_Code`, `Codes_Rome_Libelle`), Nsf and Formacode (« 251 : libellé »),
  VoixdAccès (`Si_Jury`: the open routes), Ancienne_Nouvelle_Certification → the same fields as the XML
  importer (`rncp_xml`) gives; CCN (collective agreements) has no field in the model and is skipped.
The CSV export has no texts (activities, skills, jobs) nor statistics: those fields stay empty.

The fiches kept are gathered from the Standard file, then completed file by file (a join needs them all);
a `CodeRome` (with its label) follows the first certification citing each code, as with the XML.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, Optional, Union

from ..model import BlocCompetences, Certificateur, Certification, CodeRome, Record, SourceRef, VoieAcces
from ..parsers.rncp_common import VOIE_LABELS
from ..parsers.text import slug
from . import ImportFormatError, Skip
from .files import CsvFile, Member, edition, only, open_csv
from .rncp_xml import LICENCE, PUBLISHER, VOIES, _niveau

Item = Union[Record, Skip]

# file → a column only it has (header keys)
FILES = {
    "standard": "intitule",
    "blocs": "bloc_competences_code",
    "certificateurs": "nom_certificateur",
    "partenaires": "nom_partenaire",
    "rome": "codes_rome_code",
    "nsf": "nsf_code",
    "formacode": "formacode_code",
    "voies": "si_jury",
    "anciennes": "ancienne_certification",
    "ccn": "ccn_1_numero",
}
STANDARD_COLUMNS = ("numero_fiche", "intitule", "actif")
_CODE_LABEL = re.compile(r"^\s*([0-9A-Za-z]+)\s*:\s*(.*)$")
_BLOC_NUM = re.compile(r"BC(\d+)$")
_VOIE_SLUGS = [(slug(label), label) for label in VOIE_LABELS]


def file_kind(table: CsvFile) -> Optional[str]:
    """Which file of the export a CSV is, from its header (None: not one of them)."""
    if "numero_fiche" not in table.keys:
        return None
    return next((kind for kind, column in FILES.items() if column in table.keys), None)


def _label(code: str, text: str) -> str:
    """« 251 : Mécanique générale » → « Mécanique générale » (the code is a column of its own)."""
    match = _CODE_LABEL.match(text)
    text = match[2] if match and match[1] == code else text
    return text.replace("''", "'").strip()


def _date(table: CsvFile, row: dict[str, str], column: str, line: int) -> str:
    text = row.get(column, "")
    if not text:
        return ""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    raise ImportFormatError(table.member.path, line, column, f"date JJ/MM/AAAA attendue, lu « {text} »")


def _actif(value: str) -> Optional[bool]:
    return {"ACTIVE": True, "INACTIVE": False, "OUI": True, "NON": False}.get(value.upper())


def _voie(text: str) -> str:
    """The route label of the RNCP form that `text` starts with (typographic apostrophes or not)."""
    key = slug(text.replace("’", "'"))
    return next((label for voie, label in _VOIE_SLUGS if key.startswith(voie)), text)


def _certification(table: CsvFile, row: dict[str, str], line: int) -> Certification:
    member = table.member
    numero = row["numero_fiche"]
    date_decision = _date(table, row, "date_decision", line)
    source = SourceRef(PUBLISHER, member.document, numero, LICENCE, line, edition(member.basename, member.document))
    return Certification(
        id=numero,
        source=source,
        numero=numero,
        intitule=row.get("intitule", "").replace("''", "'"),
        niveau_europe=_niveau(row.get("nomenclature_europe_niveau", "")),
        abrege=row.get("abrege_libelle", ""),
        actif=_actif(row.get("actif", "")),
        date_decision=date_decision,
        date_enregistrement=date_decision or _date(table, row, "date_dernier_jo", line),
        date_echeance=_date(table, row, "date_fin_enregistrement", line),
        date_effet=_date(table, row, "date_effet", line),
    )


class _Export:
    """The fiches kept from the Standard file, completed by the other files."""

    def __init__(self) -> None:
        self.certs: dict[str, Certification] = {}
        self.rome_labels: dict[str, str] = {}
        self.voies: dict[str, set[str]] = {}  # numero → the open routes listed

    def attach(self, kind: str, row: dict[str, str]) -> None:
        cert = self.certs.get(row.get("numero_fiche", ""))
        if cert is None:
            return
        if kind == "blocs" and (code := row.get("bloc_competences_code", "")):
            match = _BLOC_NUM.search(code)
            numero = int(match[1]) if match else len(cert.blocs) + 1
            intitule = row.get("bloc_competences_libelle", "").replace("''", "'")
            cert.blocs.append(BlocCompetences(numero, intitule, code))
        elif kind in ("certificateurs", "partenaires") and (nom := row.get(f"nom_{kind[:-1]}", "")):
            target = cert.certificateurs if kind == "certificateurs" else cert.partenaires
            target.append(Certificateur(nom_legal=nom, siret=row.get(f"siret_{kind[:-1]}", "")))
        elif kind == "rome" and (code := row.get("codes_rome_code", "").upper()):
            if code not in cert.codes_rome:
                cert.codes_rome.append(code)
            if not self.rome_labels.get(code):
                self.rome_labels[code] = row.get("codes_rome_libelle", "").replace("''", "'")
        elif kind in ("nsf", "formacode") and (code := row.get(f"{kind}_code", "")):
            label = row.get("nsf_intitule" if kind == "nsf" else "formacode_libelle", "")
            (cert.codes_nsf if kind == "nsf" else cert.formacodes).append((code, _label(code, label)))
        elif kind == "voies" and (route := row.get("si_jury", "")):
            self.voies.setdefault(cert.numero, set()).add(_voie(route))
        elif kind == "anciennes" and (old := row.get("ancienne_certification", "")):
            if old not in [code for code, _ in cert.certifications_anterieures]:
                cert.certifications_anterieures.append((old, ""))

    def records(self) -> Iterator[Item]:
        seen_rome: set[str] = set()
        for numero, cert in self.certs.items():
            cert.blocs.sort(key=lambda b: b.numero)
            if (open_routes := self.voies.get(numero)) is not None:  # the routes not listed are closed
                labels = list(VOIES.values()) + sorted(open_routes - set(VOIES.values()))
                cert.voies_acces = [VoieAcces(voie=label, ouverte=label in open_routes) for label in labels]
            yield cert
            for code in cert.codes_rome:
                if code not in seen_rome:
                    seen_rome.add(code)
                    yield CodeRome(id=code, source=cert.source, code=code, libelle=self.rome_labels.get(code, ""))


def iter_records(path: Path | str, include_inactive: bool = False) -> Iterator[Item]:
    """Certifications (and their CodeRome) of the export's active fiches; inactive ones as `Skip`."""
    tables: dict[str, list[Member]] = {}
    for member in only(path, (".csv",), "de l'export RNCP CSV"):
        with open_csv(member) as table:
            kind = file_kind(table)
        if kind is not None:
            tables.setdefault(kind, []).append(member)
    if "standard" not in tables:
        raise ImportFormatError(path, None, "Numero_Fiche", "fichier export_fiches_CSV_Standard (colonnes "
                                "Numero_Fiche, Intitule, Actif…) absent de l'export RNCP CSV")
    export = _Export()
    for member in tables["standard"]:
        with open_csv(member) as table:
            for column in STANDARD_COLUMNS:
                table.require(column)
            for line, row in table.rows():
                numero = row.get("numero_fiche", "")
                if not numero:
                    yield Skip("numéro absent", row.get("id_fiche", ""))
                    continue
                if _actif(row.get("actif", "")) is not True and not include_inactive:
                    yield Skip("fiche inactive", numero)
                    continue
                export.certs[numero] = _certification(table, row, line)
    for kind in FILES:
        if kind == "standard" or kind == "ccn":
            continue
        for member in tables.get(kind, []):
            with open_csv(member) as table:
                for _, row in table.rows():
                    export.attach(kind, row)
    yield from export.records()
