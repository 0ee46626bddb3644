"""Importer for the ONISEP Idéo training exports (open data, ODbL).

`iter_records(path)` reads a file, a folder or a `.zip` (its members read in place), each member by its shape:
- XML with root `<formations>`: Idéo-fiches formations, one full `Formation` per `<formation>` (the real
  layout of 2024: `type_Formation/{type_formation_sigle, type_formation_libelle}`, `niveau_etudes/libelle`,
  `nature_certificat/libelle_nature_certificat`, `poursuites_etudes/poursuite_etudes/
  formation_poursuite_Etudes`, `metiers_formation/metier/id`, `sous_domaines_web/sous_domaine_web/libelle`,
  dates dd/mm/yyyy);
- `.csv` (`;`, BOM or not) or `.json` (a list of objects): Idéo-formations initiales, one lighter
  `Formation` per row, id = the `FOR.nnnn` ending the ONISEP link. Headers of every year are read
  (`files.header_key`): « URL et ID Onisep » / `url_et_id_onisep` / « lien site onisep.fr », « code CNIS »,
  « libellé formation principal »…; RNCP levels on the old scale (`niveau_rncp`, I–V or 1–5, 0 = not
  registered) are given on today's scale (« niveau 5 (bac + 2) »).
Records cite « Onisep, fiche FOR.123 (juin 2024) ». Idéo has no active/inactive flag: `include_inactive`
is accepted and ignored.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator

from ..model import Formation, FormationRef
from . import Skip
from .files import Member, clean, header_key, json_objects, only, open_csv
from .onisep_metiers import Item, as_member, field, fields, html_field, source_ref, xml_items

_FOR_ID = re.compile(r"(?:FOR\.|/formation/identifiant/)(\d+)\W*$")  # « …/slug/FOR.9610 », older « …/identifiant/9610 »
_RNCP_URL = re.compile(r"francecompetences\.fr/recherche/rncp/(\d+)", re.I)
FORMATION_URL = "https://www.onisep.fr/http/redirection/formation/slug/{}"
LINK_KEYS = ("url_et_id_onisep", "lien_site_onisepfr", "for_url_et_id_onisep", "url", "lien_onisep")
TITLE_KEYS = ("libelle_formation_principal", "libelle_formation", "formation_for_libelle", "libelle")
INITIALES_COLUMNS = ("url_et_id_onisep", "libelle_formation_principal")

# today's RNCP levels (decree of 2019) as Idéo-fiches formations words them
NIVEAUX = {3: "niveau 3 (niveau CAP)", 4: "niveau 4 (bac ou équivalent)", 5: "niveau 5 (bac + 2)",
           6: "niveau 6 (bac + 3)", 7: "niveau 7 (bac + 5)", 8: "niveau 8 (bac + 8)"}
# the old levels (1969: I = bac + 5 … V = CAP) on today's scale
_OLD_LEVELS = {"I": 7, "II": 6, "III": 5, "IV": 4, "V": 3, "1": 7, "2": 6, "3": 5, "4": 4, "5": 3}
_NOT_REGISTERED = "non inscrit au RNCP"


def iso_date(text: str) -> str:
    """« 20/06/2024 » → « 2024-06-20 »; an ISO date stays; anything else gives ""."""
    text = clean(text)
    if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        day, month, year = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", text):
        year, month, day = (int(g) for g in match.groups())
    else:
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""


def niveau_certification(value: str, label: str = "", old_scale: bool = False) -> str:
    """The RNCP level as Idéo words it today. A label on today's scale (« niveau 7 (bac + 5) ») is kept as
    written; the old scale (roman numerals, or the `niveau_rncp` columns of older exports: 1 = bac + 5 …
    5 = CAP, 0 = not registered) is given on today's (« niveau 5 (bac + 2) » for III)."""
    value, label = clean(value), clean(label)
    if "non inscrit" in label.lower() or (old_scale and value == "0"):
        return _NOT_REGISTERED
    roman = re.search(r"\bniveau\s+(I{1,3}|IV|V)\b", label, re.I)
    if label and not old_scale and not roman:
        return label
    if roman:
        return NIVEAUX[_OLD_LEVELS[roman[1].upper()]]
    number = re.search(r"\d", value or label)
    if not number:
        return label
    level = int(number[0])
    if old_scale:
        return NIVEAUX.get(_OLD_LEVELS.get(number[0], 0), label)
    return NIVEAUX.get(level, label)


def _type_sigle(type_sigle: str, libelle: str) -> str:
    """The type's acronym when the formation is named by it (« CAP … », « mastère spé. … »), else ""."""
    return type_sigle if type_sigle and libelle.lower().startswith(type_sigle.lower()) else ""


def _sigle(elem: ET.Element, libelle: str) -> str:
    """`sigle` (often empty), else the type's acronym when the formation is named by it."""
    return field(elem, "sigle") or _type_sigle(field(elem, "type_Formation/type_formation_sigle"), libelle)


def fiche_formation(elem: ET.Element, member: Member | Path) -> Item:
    """One `<formation>` of Idéo-fiches formations."""
    member = as_member(member)
    for_id = field(elem, "identifiant")
    if not for_id:
        return Skip("identifiant absent")
    libelle = field(elem, "libelle_complet")
    url = field(elem, "url")
    rncp = _RNCP_URL.search(url)
    poursuites = [FormationRef(clean(ref.get("id")) or field(ref, "id"), clean(ref.text) or field(ref, "libelle"))
                  for ref in elem.findall("poursuites_etudes/poursuite_etudes/formation_poursuite_Etudes")]
    return Formation(
        for_id, source_ref(member, f"fiche {for_id}"),
        libelle=libelle,
        metiers=list(dict.fromkeys(fields(elem, "metiers_formation/metier/id"))),
        sigle=_sigle(elem, libelle),
        type_formation=field(elem, "type_Formation/type_formation_libelle"),
        duree=field(elem, "duree_formation"),
        niveau_certification=field(elem, "niveau_certification"),
        niveau_etudes=field(elem, "niveau_etudes/libelle"),
        descriptif=html_field(elem, "descriptif_format_court"),
        acces=html_field(elem, "descriptif_acces"),
        url=FORMATION_URL.format(for_id),  # the file's link is often a PDF or an RNCP page: ONISEP's own
        code_rncp=f"RNCP{rncp[1]}" if rncp else "",
        codes_nsf=[(field(n, "NSF_discipline_code"), field(n, "NSF_discipline_libelle"))
                   for n in elem.findall("nsf_discipline") if field(n, "NSF_discipline_code")],
        tutelle=field(elem, "sous_tutelle"),
        nature_certificat=" ; ".join(fields(elem, "nature_certificat/libelle_nature_certificat")),
        poursuites_etudes=html_field(elem, "descriptif_poursuite_etudes"),
        poursuites=[p for p in poursuites if p.libelle or p.id],
        sous_domaines=fields(elem, "sous_domaines_web/sous_domaine_web/libelle"),
        date_modification=iso_date(field(elem, "modification_date")),
    )


def _first(row: dict[str, str], keys: tuple[str, ...]) -> str:
    return next((row[k] for k in keys if row.get(k)), "")


def formation_initiale(row: dict[str, Any], member: Member | Path, line: int | None) -> Item:
    """One row (CSV line or JSON object) of Idéo-formations initiales, whatever the year's headers."""
    member = as_member(member)
    values = {header_key(k): clean(v) for k, v in row.items() if v is not None}
    link = _first(values, LINK_KEYS)
    match = _FOR_ID.search(link)
    if not match:
        return Skip("identifiant FOR absent")
    for_id = f"FOR.{match[1]}"
    rncp = _first(values, ("code_rncp", "for_code_rncp"))
    libelle = _first(values, TITLE_KEYS)
    if complement := values.get("libelle_formation_complementaire", ""):
        libelle = f"{libelle}, {complement}" if libelle else complement
    old_scale = "niveau_rncp" in values or "libelle_niveau_rncp" in values
    sous_domaines = [clean(part.rsplit("/", 1)[-1]) for part in
                     _first(values, ("domainesous_domaine", "domaine_sous_domaine")).split("|")]
    return Formation(
        for_id, source_ref(member, f"fiche {for_id}", line),
        libelle=libelle,
        sigle=values.get("sigle_formation", "") or _type_sigle(values.get("sigle_type_formation", ""), libelle),
        type_formation=_first(values, ("libelle_type_formation", "type_de_formation", "for_type")),
        duree=values.get("duree", ""),
        niveau_certification=niveau_certification(
            _first(values, ("niveau_de_certification", "niveau_rncp")),
            _first(values, ("libelle_niveau_de_certification", "libelle_niveau_rncp")), old_scale),
        niveau_etudes=_first(values, ("niveau_de_sortie_indicatif", "for_niveau_de_sortie")),
        url=link if "FOR." in link else FORMATION_URL.format(for_id),
        code_rncp=f"RNCP{rncp}" if rncp.isdigit() else rncp,
        codes_nsf=[(c, "") for c in (clean(c) for c in values.get("code_nsf", "").split("|")) if c],
        tutelle=values.get("tutelle", ""),
        sous_domaines=[s for s in dict.fromkeys(sous_domaines) if s],
        date_modification=iso_date(_first(values, ("date_de_modification", "date_modification"))),
    )


def member_records(member: Member) -> Iterator[Item]:
    if member.suffix == ".csv":
        with open_csv(member) as table:
            table.require_one(*LINK_KEYS)
            table.require_one(*TITLE_KEYS)
            for line, row in table.rows():
                yield formation_initiale(row, member, line)
    elif member.suffix == ".json":
        for line, row in json_objects(member):
            yield formation_initiale(row, member, line)
    else:
        for _, elem in xml_items(member, {"formations": "formation"}):
            yield fiche_formation(elem, member)


def iter_records(path: Path | str, include_inactive: bool = False) -> Iterator[Item]:
    """Records and skips of Idéo-fiches formations (XML) or Idéo-formations initiales (CSV/JSON): a file,
    a folder or a zip."""
    for member in only(path, (".xml", ".csv", ".json"), "Idéo formations"):
        yield from member_records(member)
