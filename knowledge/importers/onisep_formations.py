"""Importer for the ONISEP Idéo training exports (open data, ODbL).

`iter_records(path)` dispatches on the file:
- XML with root `<formations>`: Idéo-fiches formations, one full `Formation` per `<formation>`;
- `.csv` (`;`, UTF-8 BOM) or `.json` (a list of objects with the same keys): Idéo-formations
  initiales, one lighter `Formation` per row (id = the `FOR.nnnn` ending `url_et_id_onisep`).
Both are streamed (the JSON list object by object). Idéo has no active/inactive flag:
`include_inactive` is accepted and ignored.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator

from ..model import Formation, SourceRef
from . import ImportFormatError, Skip
from .onisep_metiers import Item, clean, csv_rows, field, fields, html_field, xml_items

_FOR_ID = re.compile(r"(FOR\.\d+)\W*$")
INITIALES_COLUMNS = ("url_et_id_onisep", "libelle_formation_principal")
_CHUNK = 1 << 16
_SPACE = re.compile(r"\s*")


def _source(path: Path, for_id: str, line: int | None = None) -> SourceRef:
    return SourceRef("Onisep", path.name, f"formation {for_id}", "ODbL", line)


def fiche_formation(elem: ET.Element, path: Path) -> Item:
    """One `<formation>` of Idéo-fiches formations."""
    for_id = field(elem, "identifiant")
    if not for_id:
        return Skip("identifiant absent")
    return Formation(
        for_id, _source(path, for_id),
        libelle=field(elem, "libelle_complet"),
        metiers=fields(elem, "metiers_formation/metier/id"),
        sigle=field(elem, "sigle"),
        type_formation=field(elem, "type_Formation/type_formation_libelle"),
        duree=field(elem, "duree_formation"),
        niveau_certification=field(elem, "niveau_certification"),
        niveau_etudes=field(elem, "niveau_etudes/libelle"),
        descriptif=html_field(elem, "descriptif_format_court"),
        acces=html_field(elem, "descriptif_acces"),
        url=field(elem, "url"),
        codes_nsf=[(field(n, "NSF_discipline_code"), field(n, "NSF_discipline_libelle"))
                   for n in elem.findall("nsf_discipline") if field(n, "NSF_discipline_code")],
        tutelle=field(elem, "sous_tutelle"),
    )


def formation_initiale(row: dict[str, Any], path: Path, line: int | None) -> Item:
    """One row (CSV line or JSON object) of Idéo-formations initiales."""
    row = {k: clean(str(v)) for k, v in row.items() if v is not None}
    match = _FOR_ID.search(row.get("url_et_id_onisep", ""))
    if not match:
        return Skip("identifiant FOR absent")
    rncp = row.get("code_rncp", "")
    return Formation(
        match[1], _source(path, match[1], line),
        libelle=row.get("libelle_formation_principal", ""),
        sigle=row.get("sigle_formation", ""),
        type_formation=row.get("libelle_type_formation", ""),
        duree=row.get("duree", ""),
        niveau_certification=row.get("libelle_niveau_de_certification", ""),
        niveau_etudes=row.get("niveau_de_sortie_indicatif", ""),
        url=row.get("url_et_id_onisep", ""),
        code_rncp=f"RNCP{rncp}" if rncp.isdigit() else rncp,
        codes_nsf=[(c, "") for c in (clean(c) for c in row.get("code_nsf", "").split("|")) if c],
        tutelle=row.get("tutelle", ""),
    )


def json_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream (line, object) of a JSON file holding one list of objects, read by chunks."""
    decoder = json.JSONDecoder()
    with path.open(encoding="utf-8-sig") as handle:
        buf, pos, first_line, eof = "", 0, 1, False  # first_line: line number of buf[0]
        state = "["  # then "first" (object or "]"), "after" ("," or "]"), "value" (object)

        def read() -> None:
            nonlocal buf, pos, first_line, eof
            cut = buf.rfind("\n", 0, pos) + 1  # drop the consumed whole lines (columns stay right)
            if cut > _CHUNK:
                first_line, buf, pos = first_line + buf.count("\n", 0, cut), buf[cut:], pos - cut
            chunk = handle.read(_CHUNK)
            buf, eof = buf + chunk, not chunk

        def error(index: int, message: str) -> ImportFormatError:
            return ImportFormatError(path, first_line + buf.count("\n", 0, index), "", f"JSON invalide : {message}")

        while True:
            pos = _SPACE.match(buf, pos).end()
            if pos == len(buf) and not eof:
                read()
                continue
            char = buf[pos:pos + 1]
            if state == "[":
                if char != "[":
                    raise error(pos, "une liste d'objets est attendue")
                state, pos = "first", pos + 1
            elif char == "]" and state in ("first", "after"):
                return
            elif state == "after":
                if char != ",":
                    raise error(pos, "« , » ou « ] » attendu")
                state, pos = "value", pos + 1
            else:
                try:
                    value, end = decoder.raw_decode(buf, pos)
                except json.JSONDecodeError as err:
                    if not eof:  # the object may be cut by the end of the chunk
                        read()
                        continue
                    raise error(err.pos, f"{err.msg} (colonne {err.colno})") from None
                if not isinstance(value, dict):
                    raise error(pos, "un objet est attendu dans la liste")
                yield first_line + buf.count("\n", 0, pos), value
                state, pos = "after", end


def iter_records(path: Path, include_inactive: bool = False) -> Iterator[Item]:
    """Records and skips of an Idéo-fiches formations XML or an Idéo-formations initiales CSV/JSON."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".json"):
        rows = csv_rows(path, INITIALES_COLUMNS) if suffix == ".csv" else json_objects(path)
        for line, row in rows:
            yield formation_initiale(row, path, line)
        return
    for _, elem in xml_items(path, {"formations": "formation"}):
        yield fiche_formation(elem, path)
