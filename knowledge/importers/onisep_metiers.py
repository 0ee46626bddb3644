"""Importer for the ONISEP Idéo job exports (open data, ODbL).

`iter_records(path)` reads a file, a folder or a `.zip` (its members read in place), each member by its shape:
- XML with root `<metiers>`: Idéo-fiches métiers, one full `Metier` per `<metier>` (the real layout of
  2024: structured `synonymes/synonyme/{nom_metier, libelle_feminin, libelle_masculin}` and
  `formats_courts/format_court/{type, libelle, descriptif}`; older plain-text synonyms and the top-level
  `format_court` of other years are accepted too), plus `Formation`, `CodeRome` and `CentreInteret`
  records as the seed parser `parsers.onisep_md` makes them;
- the Idéo-métiers list, as XML `<root><item>`, a `.csv` (`;`, headers of any year: `libelle_metier` or
  « libellé métier », `lien_site_onisepfr` or « lien site onisep.fr ») or a `.json` list of objects with
  the same keys: one light `Metier` (masculine title, ROME code, page) and one `CodeRome` per row.
Records cite « Onisep, fiche MET.45 (juin 2024) »: the document is the archive (or file) name, the edition
the export date its name gives. Idéo has no active/inactive flag: `include_inactive` is accepted and ignored.

The XML streaming helpers here are shared with `onisep_formations`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator, Union
from xml.parsers.expat import errors as expat_errors

from ..model import Appellation, CentreInteret, CodeRome, Formation, FormationRef, Metier, Record, SourceRef
from ..parsers.onisep_md import _qualities
from ..parsers.text import slug
from . import ImportFormatError, Skip
from .files import Member, clean, edition, header_key, json_objects, only, open_csv
from .html_text import html_blocks, html_to_text

Item = Union[Record, Skip]

PUBLISHER, LICENCE = "Onisep", "ODbL"
METIER_URL = "https://www.onisep.fr/http/redirection/metier/slug/{}"

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
_ROME = re.compile(r"[A-N]\d{4}")
_MET_ID = re.compile(r"(?:MET\.|/metier/identifiant/)(\d+)\W*$")  # « …/slug/MET.650 », older « …/identifiant/650 »
# list columns (header keys, every year's spelling): title, page (its end is the id), ROME code and label
TITLE_KEYS = ("libelle_metier", "nom_metier", "libelle")
LINK_KEYS = ("lien_site_onisepfr", "url_et_id_onisep", "lien_onisep", "url")
LIST_COLUMNS = ("libelle_metier", "lien_site_onisepfr")


# --- shared streaming helpers ------------------------------------------------------------------


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


def as_member(source: Path | str | Member) -> Member:
    return source if isinstance(source, Member) else Member(Path(source).name, Path(source))


def _line_of(member: Member, tag: str) -> int | None:
    """The line where `<tag` first appears (for errors on the root element)."""
    with member.open_text() as handle:
        for number, line in enumerate(handle, start=1):
            if f"<{tag}" in line:
                return number
            if number > 200:
                break
    return None


def root_tag(member: Member) -> str:
    """The root element's name, read from the start of the file ("" when it is not XML)."""
    try:
        with member.open() as handle:
            for _, elem in ET.iterparse(handle, events=("start",)):
                return elem.tag
    except ET.ParseError:
        return ""
    return ""


def xml_items(source: Path | str | Member, items: dict[str, str]) -> Iterator[tuple[str, ET.Element]]:
    """Stream (root tag, element) for each direct child of the root named `items[root tag]`.

    Each element is cleared once the caller has handled it. A root not in `items` or malformed XML
    raises `ImportFormatError` with the line and the innermost open element."""
    member = as_member(source)
    stack: list[str] = []
    root: ET.Element | None = None
    try:
        with member.open() as handle:
            for event, elem in ET.iterparse(handle, events=("start", "end")):
                if event == "start":
                    if root is None:
                        root = elem
                        if elem.tag not in items:
                            expected = " ou ".join(f"<{t}>" for t in items)
                            raise ImportFormatError(member.path, _line_of(member, elem.tag), elem.tag,
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
        raise ImportFormatError(member.path, line, stack[-1] if stack else "",
                                f"XML mal formé : {reason} (colonne {column + 1})") from None


def csv_rows(path: Path | str | Member, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream (line, row) of a CSV (`;` or `,`, UTF-8 with or without BOM) keyed by `files.header_key`;
    a missing column raises at the header line."""
    with open_csv(as_member(path)) as table:
        table.require(*required)
        yield from table.rows()


def source_ref(member: Member, reference: str, line: int | None = None) -> SourceRef:
    return SourceRef(PUBLISHER, member.document, reference, LICENCE, line,
                     edition(member.basename, member.document))


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


_HEADING = re.compile(r"h[1-6]")
_DEBUTANT = re.compile(r"salaire-(?:du-|de-)?debutant")


def salaire_debutant(html: str) -> str:
    """The « Salaire du débutant » text of `vie_professionnelle`: the lines after that heading (an `<h5>`,
    an `<h4>` or a paragraph of its own) up to the next heading, inside the `<h3>Salaire</h3>` section;
    the whole section when it has no such heading (« Variable en fonction du lieu d'exercice… »)."""
    return _salaire(html_blocks(html))


def _salaire(blocks: list[tuple[str, str]]) -> str:
    start = next((i for i, (tag, text) in enumerate(blocks) if tag in ("h2", "h3") and slug(text) == "salaire"), None)
    if start is None:
        return ""
    section = []
    for tag, text in blocks[start + 1:]:
        if tag in ("h1", "h2", "h3"):
            break
        section.append((tag, text))
    heading = next((i for i, (_, text) in enumerate(section) if _DEBUTANT.fullmatch(slug(text))), None)
    texts = []
    for tag, text in section[(heading + 1) if heading is not None else 0:]:
        if _HEADING.fullmatch(tag):
            if texts or heading is not None:
                break
            continue
        texts.append(text)
    return "\n".join(texts)


def _appellation(elem: ET.Element) -> Appellation:
    return Appellation(field(elem, "libelle_feminin"),
                       field(elem, "libelle_masculin") or field(elem, "nom_metier"))


def metier_records(elem: ET.Element, member: Member | Path, seen: set[str]) -> list[Item]:
    """The records of one `<metier>`; `seen` holds ROME/interest ids already emitted for this file."""
    member = as_member(member)
    met_id = field(elem, "identifiant")
    if not met_id:
        return [Skip("identifiant absent")]
    source = source_ref(member, f"fiche {met_id}")
    metier = Metier(id=met_id, source=source, appellation=_appellation(elem), url=METIER_URL.format(met_id))
    if not (metier.appellation.feminin or metier.appellation.masculin):
        return [Skip("appellation absente", met_id)]
    for syn in [*elem.findall("synonymes/synonyme"), *elem.findall("synonyme")]:
        other = _appellation(syn) if len(syn) else Appellation(masculin=clean(syn.text))
        if (other.feminin or other.masculin) and other not in metier.autres_appellations:
            metier.autres_appellations.append(other)
    # a ROME code is a letter and 4 digits: the export's one truncated « A15 » is left out
    metier.codes_rome = [c for c in dict.fromkeys(fields(elem, "romesV3/romeV3", "romeV3")) if _ROME.fullmatch(c)]
    metier.accroche = html_field(elem, "accroche_metier")
    metier.presentation = metier.accroche
    for name in ("nature_travail", "competences", "condition_travail", "acces_metier"):
        setattr(metier, name, html_field(elem, name))
    vie = html_blocks(elem.findtext("vie_professionnelle") or "")
    metier.vie_professionnelle = "\n".join(text for _, text in vie)
    metier.salaire_debutant = _salaire(vie)
    for short in [*elem.findall("formats_courts/format_court"), *elem.findall("format_court")]:
        descriptif = short.find("descriptif")  # else the element holds the HTML itself
        _format_court(metier, (descriptif if descriptif is not None else short).text or "")
    metier.qualites = _qualities(metier.en_bref)
    metier.statuts = fields(elem, "statuts/statut/libelle")
    metier.metiers_associes = fields(elem, "metiers_associes/metier_associe/id")
    metier.niveau_acces_min = field(elem, "niveau_acces_min/libelle")  # as written: « Bac + 5 », « 3E »…
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
        if interest.id not in metier.centres_interet:
            metier.centres_interet.append(interest.id)
        if interest.id not in seen:
            seen.add(interest.id)
            records.append(interest)
    return records


# --- Idéo-métiers list -----------------------------------------------------------------------


def _first(row: dict[str, str], keys: tuple[str, ...]) -> str:
    return next((row[k] for k in keys if row.get(k)), "")


def list_records(row: dict[str, object], member: Member | Path, line: int | None = None) -> list[Item]:
    """One row of the Idéo-métiers list (XML `<item>`, CSV line or JSON object) → light Metier + CodeRome."""
    member = as_member(member)
    values = {header_key(k): clean(v) for k, v in row.items() if v is not None}
    link = _first(values, LINK_KEYS)
    match = _MET_ID.search(link)
    if not match:
        return [Skip("identifiant MET absent")]
    met_id = f"MET.{match[1]}"
    source = source_ref(member, f"fiche {met_id}", line)
    code = values.get("code_rome", "")
    metier = Metier(met_id, source, appellation=Appellation(masculin=_first(values, TITLE_KEYS)),
                    codes_rome=[code] if code else [], url=METIER_URL.format(met_id))
    if not metier.appellation.masculin:
        return [Skip("appellation absente", met_id)]
    records: list[Item] = [metier]
    if code:
        records.append(CodeRome(code, source, code=code, libelle=values.get("libelle_rome", "")))
    return records


def member_records(member: Member, seen: set[str]) -> Iterator[Item]:
    """The records of one file of Idéo métiers (fiches XML, list XML, CSV or JSON)."""
    if member.suffix == ".csv":
        with open_csv(member) as table:
            table.require_one(*TITLE_KEYS)
            table.require_one(*LINK_KEYS)
            for line, row in table.rows():
                yield from list_records(row, member, line)
        return
    if member.suffix == ".json":
        for line, row in json_objects(member):
            yield from list_records(row, member, line)
        return
    for root, elem in xml_items(member, {"metiers": "metier", "root": "item"}):
        if root == "metiers":
            yield from metier_records(elem, member, seen)
        else:
            yield from list_records({c.tag: c.text for c in elem}, member)


def iter_records(path: Path | str, include_inactive: bool = False) -> Iterator[Item]:
    """Records and skips of Idéo-fiches métiers or the Idéo-métiers list: a file, a folder or a zip."""
    seen: set[str] = set()
    for member in only(path, (".xml", ".csv", ".json"), "Idéo métiers"):
        yield from member_records(member, seen)
