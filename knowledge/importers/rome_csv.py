"""Importer of France Travail's ROME referential (CSV; ROME 4.0, v460: Licence Ouverte 2.0).

`iter_records(path)` reads one CSV, a folder of them or the `.zip` of the download (members read in place).
Each file is told apart by its header (then by its name when a column is missing):

* `unix_referentiel_code_rome_v460_utf8.csv` (`code_rome`, `code_fiche_metier`, `code_ogr`, `libelle_rome`,
  …, `code_rome_parent`) → `libelle`, `code_parent`;
* `unix_referentiel_appellation_v460_utf8.csv` (`code_ogr`, `libelle_appellation_long`,
  `libelle_appellation_court`, `code_rome`, …) → `appellations` (the long title, else the short one);
* `unix_texte_v460_utf8.csv` (`code_rome`, `code_compo_bloc`, `libelle_type_texte`, `position_phrase`,
  `libelle_texte`) → `definition` and `acces_emploi` (« acces_metier »), one line per sentence in order;
* `unix_arborescence_centre_interet_v460_utf8.csv` (`code_centre_interet`, `libelle_centre_interet`,
  `code_rome`, …, `principal`) → `centres_interet` (labels, the main one first).
Other files of the download (`unix_centre_interet` — the interests' definitions —, `unix_referentiel_competence`:
no ROME code to join on) are not needed and skipped. The facts of every file read are gathered into one
`CodeRome` per code (the files are small: about 7 MB in all), in the order codes first appear.

Separator `,` (the real files: comma-separated, every field quoted) or `;`, detected on the header; a UTF-8
BOM is accepted, and leading `#` comment lines (synthetic files) are skipped. The export doubles
apostrophes (« l''entretien »): undone. Records cite « France Travail, ROME 4.0, fiche E1103 (v460) ».
`include_inactive` changes nothing here (ROME 4.0 has no status column).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, Optional, Union

from ..model import CodeRome, Record, SourceRef
from . import ImportFormatError, Skip
from .files import CsvFile, Member, edition, only, open_csv

PUBLISHER = "France Travail"
LICENCE = "Licence Ouverte 2.0"
APPELLATION_COLUMNS = ("libelle_appellation_long", "libelle_appellation_court")
TEXTS = {"definition": "definition", "acces_metier": "acces_emploi", "acces_emploi": "acces_emploi"}
# file shape → the columns it needs (besides code_rome), in the order files are read
SHAPES = {
    "codes": ("libelle_rome",),
    "appellations": (),  # the long title or the short one
    "textes": ("libelle_type_texte", "libelle_texte"),
    "centres": ("libelle_centre_interet",),
}

_CODE = re.compile(r"[A-N]\d{4}")

Item = Union[Record, Skip]


def shape(table: CsvFile) -> Optional[str]:
    """What a ROME CSV holds, from its header, else its name; None for a file of no use here."""
    keys, name = table.keys, table.member.basename.lower()
    if "code_rome" not in keys:
        return None
    if any(c in keys for c in APPELLATION_COLUMNS):
        return "appellations"
    if "libelle_type_texte" in keys or "libelle_texte" in keys:
        return "textes"
    if "libelle_centre_interet" in keys:
        return "centres"
    if "libelle_rome" in keys:
        return "codes"
    for kind, hint in (("appellations", "appellation"), ("textes", "texte"), ("centres", "centre_interet")):
        if hint in name:
            return kind
    if "referentiel_code_rome" in name or "code_rome" in name:
        return "codes"
    return None


class _Gatherer:
    """The CodeRome records being gathered from the files, by code, in order of first appearance."""

    def __init__(self) -> None:
        self.records: dict[str, CodeRome] = {}
        self.texts: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
        self.rome_4 = False  # a ROME 4.0 column was seen (code_rome_parent)

    def get(self, member: Member, code: str, line: int) -> CodeRome:
        if code not in self.records:
            source = SourceRef(PUBLISHER, member.document, "", LICENCE, line, edition(member.basename, member.document))
            self.records[code] = CodeRome(id=code, source=source, code=code)
        return self.records[code]

    def finish(self) -> Iterator[CodeRome]:
        for (code, name), sentences in self.texts.items():
            setattr(self.records[code], name, "\n".join(text for _, _, text in sorted(sentences)))
        for rome in self.records.values():
            version = re.fullmatch(r"v(\d+)", rome.source.edition)
            label = "ROME 4.0" if self.rome_4 or (version and int(version[1]) >= 450) else "ROME"
            rome.source.reference = f"{label}, fiche {rome.code}"
            yield rome


def _code(path: Path, row: dict[str, str], line: int) -> str:
    code = row.get("code_rome", "").upper()
    if code and not _CODE.fullmatch(code):
        raise ImportFormatError(path, line, "code_rome",
                                f"code ROME « {code} » invalide (lettre A-N et 4 chiffres attendus)")
    return code


def _require(table: CsvFile, *names: str) -> None:
    for name in names:
        if name not in table.keys:
            raise ImportFormatError(table.member.path, table.offset + 1, name,
                                    f"colonne obligatoire « {name} » absente de l'en-tête ({', '.join(table.columns)})")


def _read(table: CsvFile, kind: str, into: _Gatherer) -> Iterator[Skip]:
    member = table.member
    if "code_rome_parent" in table.keys:
        into.rome_4 = True
    for line, raw in table.rows():
        row = {k: v.replace("''", "'") for k, v in raw.items()}
        code = _code(member.path, row, line)
        if not code:
            yield Skip("code ROME absent", f"ligne {line}")
            continue
        if kind == "appellations":
            title = next((row[c] for c in APPELLATION_COLUMNS if row.get(c)), "")
            if not title:
                yield Skip("appellation absente", f"ligne {line}")
                continue
            rome = into.get(member, code, line)
            if title not in rome.appellations:
                rome.appellations.append(title)
        elif kind == "codes":
            rome = into.get(member, code, line)
            rome.libelle = rome.libelle or row.get("libelle_rome", "")
        elif kind == "textes":
            name = TEXTS.get(row.get("libelle_type_texte", "").lower())
            if name and row.get("libelle_texte"):
                into.get(member, code, line)
                position = int(row["position_phrase"]) if row.get("position_phrase", "").isdigit() else 0
                into.texts.setdefault((code, name), []).append((position, line, row["libelle_texte"]))
        elif kind == "centres" and (label := row.get("libelle_centre_interet", "")):
            rome = into.get(member, code, line)
            if label not in rome.centres_interet:
                if row.get("principal", "").lower() in ("oui", "o", "1", "true"):
                    rome.centres_interet.insert(0, label)
                else:
                    rome.centres_interet.append(label)
        if kind in ("codes", "appellations") and (parent := row.get("code_rome_parent", "").upper()):
            rome = into.records[code]
            rome.code_parent = rome.code_parent or parent


def iter_records(path: Path | str, include_inactive: bool = False) -> Iterator[Item]:
    """CodeRome records of a ROME CSV, folder or zip; rows without a code as `Skip`."""
    files = only(path, (".csv",), "ROME")
    single = len(files) == 1 and files[0].archive is None and not Path(path).is_dir()
    gatherer = _Gatherer()
    tables: list[tuple[int, Member, str]] = []
    for member in files:
        with open_csv(member) as table:
            kind = shape(table)
            if kind is None and single:
                _require(table, "code_rome", "libelle_rome")
            if kind is not None:
                _require(table, "code_rome", *SHAPES[kind])
                if kind == "appellations" and not any(c in table.keys for c in APPELLATION_COLUMNS):
                    _require(table, APPELLATION_COLUMNS[0])
                tables.append((list(SHAPES).index(kind), member, kind))
    if not tables:
        raise ImportFormatError(path, None, "code_rome", "aucun fichier ROME (codes, appellations, textes, "
                                                         "centres d'intérêt) à importer ici")
    for _, member, kind in sorted(tables, key=lambda t: t[0]):  # codes first: their order and lines
        with open_csv(member) as table:
            yield from _read(table, kind, gatherer)
    yield from gatherer.finish()
