"""Importer for the ONISEP Idéo job exports (open data, ODbL).

`iter_records(path)` dispatches on the file:
- XML with root `<metiers>`: Idéo-fiches métiers, one full `Metier` per `<metier>` (older layout with
  `synonymes/synonyme` text and `formats_courts/format_court`, or the 2025+ layout with structured
  `synonyme/{nom_metier, libelle_feminin, libelle_masculin}` and a top-level `format_court`), plus
  `Formation`, `CodeRome` and `CentreInteret` records as the seed parser `parsers.onisep_md` makes them;
- XML with root `<root>` (`<item>` rows) or a `.csv` file (`;`): the Idéo-métiers list, one light
  `Metier` (masculine title, ROME code) and one `CodeRome` (with its label) per row.
Idéo has no active/inactive flag: `include_inactive` is accepted and ignored.

The XML/CSV streaming helpers here are shared with `onisep_formations`.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator, Union
from xml.parsers.expat import errors as expat_errors

from ..model import Appellation, CentreInteret, CodeRome, Formation, FormationRef, Metier, Record, SourceRef
from ..parsers.onisep_md import _qualities
from ..parsers.text import slug
from . import ImportFormatError, Skip
from .html_text import html_blocks, html_to_text

Item = Union[Record, Skip]

# expat error code → French reason
_EXPAT_FR: dict[int, str] = {expat_errors.codes[message]: text for message, text in (
    (expat_errors.XML_ERROR_NO_ELEMENTS, "fin de fichier inattendue, élément non fermé"),
    (expat_errors.XML_ERROR_TAG_MISMATCH, "balise fermante qui ne correspond pas"),
    (expat_errors.XML_ERROR_UNCLOSED_TOKEN, "balise non terminée"),
    (expat_errors.XML_ERROR_INVALID_TOKEN, "caractère ou balise invalide"),
    (expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION, "section CDATA non fermée"),
    (expat_errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT, "contenu après l'élément racine"),
    (expat_errors.XML_ERROR_UNDEFINED_ENTITY, "entité non définie"),
)}
_MET_ID = re.compile(r"(MET\.\d+)\W*$")
LIST_COLUMNS = ("libelle_metier", "lien_site_onisepfr")


# --- shared streaming helpers ------------------------------------------------------------------


def clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\u00a0", " ")).strip()


def field(elem: ET.Element, path: str) -> str:
    """The cleaned text of the first `path` below `elem` ("" when absent)."""
    child = elem.find(path)
    return clean(child.text) if child is not None else ""


def fields(elem: ET.Element, *paths: str) -> list[str]:
    """The non-empty cleaned texts of every element matching any of `paths`, in order."""
    return [t for p in paths for c in elem.findall(p) if (t := clean(c.text))]


def html_field(elem: ET.Element, path: str) -> str:
    child = elem.find(path)
    return html_to_text(child.text or "") if child is not None else ""


def _line_of(path: Path, tag: str) -> int | None:
    """The line where `<tag` first appears (for errors on the root element)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if f"<{tag}" in line:
                return number
            if number > 200:
                break
    return None


def xml_items(path: Path, items: dict[str, str]) -> Iterator[tuple[str, ET.Element]]:
    """Stream (root tag, element) for each direct child of the root named `items[root tag]`.

    Each element is cleared once the caller has handled it. A root not in `items` or malformed XML
    raises `ImportFormatError` with the line and the innermost open element."""
    stack: list[str] = []
    root: ET.Element | None = None
    try:
        with path.open("rb") as handle:
            for event, elem in ET.iterparse(handle, events=("start", "end")):
                if event == "start":
                    if root is None:
                        root = elem
                        if elem.tag not in items:
                            expected = " ou ".join(f"<{t}>" for t in items)
                            raise ImportFormatError(path, _line_of(path, elem.tag), elem.tag,
                                                    f"élément racine inattendu (attendu : {expected})")
                    stack.append(elem.tag)
                    continue
                stack.pop()
                if len(stack) == 1 and root is not None and elem.tag == items[root.tag]:
                    yield root.tag, elem
                    elem.clear()
                    root.clear()  # detaches it (and any earlier sibling) from the root
    except ET.ParseError as err:
        line, column = err.position
        reason = _EXPAT_FR.get(err.code, str(err).split(":")[0])
        raise ImportFormatError(path, line, stack[-1] if stack else "",
                                f"XML mal formé : {reason} (colonne {column + 1})") from None


def csv_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream (line, row) of a `;` CSV (UTF-8, BOM or not); a missing column raises at line 1."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        try:
            header = [clean(h) for h in next(reader, [])]
            for column in required:
                if column not in header:
                    raise ImportFormatError(path, 1, column, "colonne absente de l'en-tête CSV")
            line = reader.line_num + 1
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield line, {h: clean(v) for h, v in zip(header, row)}
                line = reader.line_num + 1
        except csv.Error as err:
            raise ImportFormatError(path, reader.line_num, "", f"CSV mal formé : {err}") from None


# --- Idéo-fiches métiers ---------------------------------------------------------------------


def _is_duree_heading(tag: str, text: str) -> bool:
    return tag == "h5" and slug(text) == "duree-des-etudes"


def _format_court(metier: Metier, html: str) -> None:
    """« en bref » text, then the `<h5>Durée des études</h5><h4>contexte</h4><p>…</p>` part."""
    blocks = html_blocks(html)
    cut = next((i for i, (tag, text) in enumerate(blocks) if _is_duree_heading(tag, text)), len(blocks))
    if not metier.en_bref:
        metier.en_bref = " ".join(text for _, text in blocks[:cut])
    if cut == len(blocks) or metier.duree_etudes:
        return
    contexte, texts = "", []
    for tag, text in blocks[cut + 1:]:
        if re.fullmatch(r"h[1-6]", tag):
            if texts:
                break
            contexte = text
        else:
            texts.append(text)
    metier.duree_etudes, metier.duree_etudes_contexte = " ".join(texts), contexte


def _appellation(elem: ET.Element) -> Appellation:
    return Appellation(field(elem, "libelle_feminin"),
                       field(elem, "libelle_masculin") or field(elem, "nom_metier"))


def metier_records(elem: ET.Element, path: Path, seen: set[str]) -> list[Item]:
    """The records of one `<metier>`; `seen` holds ROME/interest ids already emitted for this file."""
    met_id = field(elem, "identifiant")
    if not met_id:
        return [Skip("identifiant absent")]
    source = SourceRef("Onisep", path.name, f"fiche {met_id}", "ODbL")
    metier = Metier(id=met_id, source=source, appellation=_appellation(elem))
    if not (metier.appellation.feminin or metier.appellation.masculin):
        return [Skip("appellation absente", met_id)]
    for syn in [*elem.findall("synonymes/synonyme"), *elem.findall("synonyme")]:
        other = _appellation(syn) if len(syn) else Appellation(masculin=clean(syn.text))
        if (other.feminin or other.masculin) and other not in metier.autres_appellations:
            metier.autres_appellations.append(other)
    metier.codes_rome = fields(elem, "romesV3/romeV3", "romeV3")
    metier.accroche = html_field(elem, "accroche_metier")
    metier.presentation = metier.accroche
    for name in ("nature_travail", "competences", "condition_travail", "acces_metier", "vie_professionnelle"):
        setattr(metier, name, html_field(elem, name))
    for short in [*elem.findall("formats_courts/format_court"), *elem.findall("format_court")]:
        descriptif = short.find("descriptif")  # else the element holds the HTML itself
        _format_court(metier, (descriptif if descriptif is not None else short).text or "")
    metier.qualites = _qualities(metier.en_bref)
    metier.statuts = fields(elem, "statuts/statut/libelle")
    metier.metiers_associes = fields(elem, "metiers_associes/metier_associe/id")
    metier.niveau_acces_min = field(elem, "niveau_acces_min/libelle")
    for ref in elem.findall("formations_min_requise/formation_min_requise"):
        if field(ref, "id"):
            metier.formations.append(FormationRef(field(ref, "id"), field(ref, "libelle")))
    metier.secteurs_activite = fields(elem, "secteurs_activite/secteur_activite/libelle")

    records: list[Item] = [metier]
    records += [Formation(f.id, source, libelle=f.libelle, metiers=[met_id]) for f in metier.formations]
    for code in metier.codes_rome:
        if code not in seen:
            seen.add(code)
            records.append(CodeRome(code, source, code=code))
    for text in fields(elem, "centres_interet/centre_interet/libelle"):
        interest = CentreInteret(f"CI.{slug(text)}", source, libelle=text)
        metier.centres_interet.append(interest.id)
        if interest.id not in seen:
            seen.add(interest.id)
            records.append(interest)
    return records


# --- Idéo-métiers list -----------------------------------------------------------------------


def list_records(row: dict[str, str], path: Path, line: int | None = None) -> list[Item]:
    """One row of the Idéo-métiers list (XML `<item>` or CSV line) → light Metier + CodeRome."""
    match = _MET_ID.search(row.get("lien_site_onisepfr", ""))
    if not match:
        return [Skip("identifiant MET absent")]
    met_id = match[1]
    source = SourceRef("Onisep", path.name, f"fiche {met_id}", "ODbL", line)
    code = row.get("code_rome", "")
    metier = Metier(met_id, source, appellation=Appellation(masculin=row.get("libelle_metier", "")),
                    codes_rome=[code] if code else [])
    if not metier.appellation.masculin:
        return [Skip("appellation absente", met_id)]
    records: list[Item] = [metier]
    if code:
        records.append(CodeRome(code, source, code=code, libelle=row.get("libelle_rome", "")))
    return records


def iter_records(path: Path, include_inactive: bool = False) -> Iterator[Item]:
    """Records and skips of an Idéo-fiches métiers XML, an Idéo-métiers XML list or CSV list."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        for line, row in csv_rows(path, LIST_COLUMNS):
            yield from list_records(row, path, line)
        return
    seen: set[str] = set()
    for root, elem in xml_items(path, {"metiers": "metier", "root": "item"}):
        if root == "metiers":
            yield from metier_records(elem, path, seen)
        else:
            yield from list_records({c.tag: clean(c.text) for c in elem}, path)
