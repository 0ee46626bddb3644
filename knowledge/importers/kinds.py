"""Which importer reads a file: `detect(path)` recognises an export by its content, not its name.

A file, a folder or a `.zip` (members read in place): an XML by its root element, a CSV by its header, a
JSON list by the keys of its first object. In a folder or an archive, files of no known shape (a README,
ROME's interest definitions…) are left aside; an archive mixing two kinds is refused.

    detect(path) -> "onisep-metiers" | "onisep-formations" | "rome" | "rncp" | "rncp-csv"

An unknown file raises `ImportFormatError` naming the root element or the first header column it cannot map.
`MODULES` maps each kind to the module whose `iter_records(path, include_inactive)` reads it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Optional

from . import ImportFormatError
from .files import Member, header_key, json_objects, members, open_csv
from .rncp_csv import FILES

MODULES = {
    "onisep-metiers": "knowledge.importers.onisep_metiers",
    "onisep-formations": "knowledge.importers.onisep_formations",
    "rncp": "knowledge.importers.rncp_xml",
    "rncp-csv": "knowledge.importers.rncp_csv",
    "rome": "knowledge.importers.rome_csv",
}
ROOTS = {"metiers": "onisep-metiers", "root": "onisep-metiers", "formations": "onisep-formations",
         "FICHES": "rncp"}
_EXPECTED_ROOTS = ", ".join(f"<{r}>" for r in ROOTS)


class _Unknown(Exception):
    """A member of no known shape: what to name (element or column), the line, and why."""

    def __init__(self, element: str, line: Optional[int], message: str):
        super().__init__(message)
        self.element, self.line, self.message = element, line, message


def _xml_kind(member: Member) -> str:
    try:
        with member.open() as handle:
            for _, elem in ET.iterparse(handle, events=("start",)):
                tag = elem.tag.rsplit("}", 1)[-1]
                if tag in ROOTS:
                    return ROOTS[tag]
                raise _Unknown(tag, None, f"élément racine inconnu (attendu : {_EXPECTED_ROOTS})")
    except ET.ParseError as err:
        raise _Unknown("", err.position[0], f"XML illisible : {err}") from None
    raise _Unknown("", None, "XML vide")


def keys_kind(keys: list[str], name: str = "") -> Optional[str]:
    """The kind of a CSV header or JSON object, from its keys (`files.header_key`); None if unknown."""
    if "numero_fiche" in keys and any(column in keys for column in FILES.values()):
        return "rncp-csv"
    if "code_rome" in keys and any(k in keys for k in ("libelle_rome", "libelle_appellation_long",
                                                         "libelle_appellation_court", "libelle_texte",
                                                         "libelle_centre_interet")):
        if "libelle_metier" not in keys:
            return "rome"
    if "libelle_metier" in keys:
        return "onisep-metiers"
    if any(k in keys for k in ("libelle_formation_principal", "url_et_id_onisep", "code_cnis",
                               "libelle_niveau_de_certification", "libelle_niveau_rncp")):
        return "onisep-formations"
    if "lien_site_onisepfr" in keys:
        return "onisep-metiers"
    if name.lower().startswith("unix_") and "code_rome" in keys:
        return "rome"
    return None


def _csv_kind(member: Member) -> str:
    with open_csv(member) as table:
        kind = keys_kind(table.keys, member.basename)
        if kind is None:
            raise _Unknown(table.columns[0] if table.columns else "", table.offset + 1,
                           f"en-tête CSV non reconnu ({', '.join(table.columns)}) : ni Idéo (libellé métier, "
                           "URL et ID Onisep…), ni ROME (code_rome…), ni export RNCP (Numero_Fiche…)")
        return kind


def _json_kind(member: Member) -> str:
    for line, row in json_objects(member):
        keys = [header_key(k) for k in row]
        kind = keys_kind(keys)
        if kind is None:
            raise _Unknown(next(iter(row), ""), line, f"clés JSON non reconnues ({', '.join(row)})")
        return kind
    raise _Unknown("", None, "liste JSON vide")


def member_kind(member: Member) -> Optional[str]:
    """The kind of one file, None when its name says it is no data (raises `_Unknown` on unknown content)."""
    suffix = member.suffix
    if suffix not in (".xml", ".csv", ".json"):
        head = member.head(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        suffix = ".xml" if head.startswith(b"<") else ".json" if head.startswith(b"[") else ".csv"
    try:
        return {".xml": _xml_kind, ".csv": _csv_kind, ".json": _json_kind}[suffix](member)
    except ImportFormatError as err:  # malformed CSV or JSON
        raise _Unknown(err.element, err.line, err.message) from None


def detect(path: Path | str) -> str:
    """The import kind of a file, folder or zip (see the module's doc); `ImportFormatError` when unknown."""
    path = Path(path)
    found: dict[str, Member] = {}
    first_error: Optional[tuple[Member, _Unknown]] = None
    files = members(path)
    for member in files:
        if len(files) > 1 and member.suffix not in (".xml", ".csv", ".json"):
            continue
        try:
            kind = member_kind(member)
        except _Unknown as unknown:
            first_error = first_error or (member, unknown)
            continue
        if kind:
            found.setdefault(kind, member)
    if len(found) > 1:
        detail = ", ".join(f"{m.basename} ({kind})" for kind, m in found.items())
        raise ImportFormatError(path, None, "", f"plusieurs sortes d'export mêlées : {detail} ; importez-les à part")
    if found:
        return next(iter(found))
    if first_error:
        member, unknown = first_error
        raise ImportFormatError(member.path, unknown.line, unknown.element, unknown.message)
    raise ImportFormatError(path, None, "", "aucun fichier XML, CSV ou JSON à importer ici")
