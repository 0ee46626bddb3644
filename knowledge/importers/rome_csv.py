"""Importer of the ROME referential files of France Travail (CSV, v4.60).

Two files are read, told apart by their header:

* `unix_referentiel_code_rome_v460_utf8.csv` (`code_rome`, `code_fiche_em`, `code_ogr`,
  `libelle_rome`, `statut`) → one `CodeRome(code, libelle)` per row;
* `unix_referentiel_appellation_v460_utf8.csv`, the job titles of each code. No real file is
  available offline: its columns are assumed to be `code_ogr`, `libelle_appellation_long`,
  `libelle_appellation_court`, `code_rome` (the names of the public parsers). The long title is
  taken, the short one when the long one is absent or empty; either column is enough. Rows are
  grouped by runs of the same `code_rome` into `CodeRome` records with `appellations` and no
  label (records of the same code merge later), so the file is streamed whatever its order.

Separator `,` (the real files: comma-separated, quoted) or `;`, detected on the header; a UTF-8
BOM is accepted, and leading `#` comment lines (synthetic files) are skipped. `statut` is not
interpreted (its values are not documented), so `include_inactive` changes nothing here.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterator, Optional, TextIO, Union

from ..model import CodeRome, Record, SourceRef
from . import ImportFormatError, Skip

PUBLISHER = "France Travail (ROME)"
LICENCE = "Licence Ouverte 2.0"
APPELLATION_COLUMNS = ("libelle_appellation_long", "libelle_appellation_court")

_CODE = re.compile(r"[A-N]\d{4}")


def iter_records(path: Path, include_inactive: bool = False) -> Iterator[Union[Record, Skip]]:
    """CodeRome records of a ROME code file or appellation file; rows without a code as `Skip`."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        offset, header_line = _header(handle)
        if header_line is None:
            raise ImportFormatError(path, None, "", "fichier vide : en-tête CSV attendu")
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        reader = csv.DictReader(_rejoin(header_line, handle), delimiter=delimiter)
        columns = [c.strip() for c in reader.fieldnames or []]
        reader.fieldnames = columns
        if any(c in columns for c in APPELLATION_COLUMNS) or "appellation" in path.name:
            _require(path, offset, columns, "code_rome")
            if not any(c in columns for c in APPELLATION_COLUMNS):
                _require(path, offset, columns, APPELLATION_COLUMNS[0])
            yield from _appellations(path, reader, offset)
        else:
            _require(path, offset, columns, "code_rome", "libelle_rome")
            yield from _codes(path, reader, offset)


def _header(handle: TextIO) -> tuple[int, Optional[str]]:
    """(number of lines before the header, header line), skipping blank and `#` lines."""
    skipped = 0
    for line in handle:
        if line.strip() and not line.startswith("#"):
            return skipped, line
        skipped += 1
    return skipped, None


def _rejoin(first: str, rest: TextIO) -> Iterator[str]:
    yield first
    yield from rest


def _require(path: Path, offset: int, columns: list[str], *names: str) -> None:
    for name in names:
        if name not in columns:
            raise ImportFormatError(
                path, offset + 1, "", f"colonne obligatoire « {name} » absente de l'en-tête ({', '.join(columns)})"
            )


def _code(path: Path, row: dict, line: int) -> str:
    code = (row.get("code_rome") or "").strip().upper()
    if code and not _CODE.fullmatch(code):
        raise ImportFormatError(path, line, "", f"code ROME « {code} » invalide (lettre A-N et 4 chiffres attendus)")
    return code


def _source(path: Path, code: str, line: int) -> SourceRef:
    return SourceRef(PUBLISHER, path.name, f"code ROME {code}", LICENCE, line)


def _codes(path: Path, reader: csv.DictReader, offset: int) -> Iterator[Union[Record, Skip]]:
    for row in reader:
        line = offset + reader.line_num
        code = _code(path, row, line)
        if not code:
            yield Skip("code ROME absent", f"ligne {line}")
            continue
        libelle = (row.get("libelle_rome") or "").strip()
        yield CodeRome(id=code, source=_source(path, code, line), code=code, libelle=libelle)


def _appellations(path: Path, reader: csv.DictReader, offset: int) -> Iterator[Union[Record, Skip]]:
    current: Optional[CodeRome] = None
    for row in reader:
        line = offset + reader.line_num
        code = _code(path, row, line)
        title = next((row[c].strip() for c in APPELLATION_COLUMNS if (row.get(c) or "").strip()), "")
        if not code or not title:
            yield Skip("code ROME absent" if not code else "appellation absente", f"ligne {line}")
            continue
        if current is None or current.code != code:
            if current is not None:
                yield current
            current = CodeRome(id=code, source=_source(path, code, line), code=code)
        if title not in current.appellations:
            current.appellations.append(title)
    if current is not None:
        yield current
