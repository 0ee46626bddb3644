"""Importer of the France Compétences RNCP export, XML v4.1 (root <FICHES>, one <FICHE> each): the XML, a
folder or the distributed `.zip` (its member read in place, not unpacked).

The file (about 500 MB) is stream-parsed with `iterparse`: each FICHE is mapped, then cleared and
dropped from the root, so memory stays bounded by the largest fiche, not by the file. The file
is fed to the parser line by line (at most 64 KB at a time) so that errors name their line.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union
from xml.parsers.expat import errors as expat_errors

from ..model import (
    BlocCompetences,
    Certificateur,
    Certification,
    CodeRome,
    Record,
    SourceRef,
    StatistiqueAnnuelle,
    VoieAcces,
)
from ..parsers.errors import ParseError
from ..parsers.rncp_common import VOIE_LABELS, clean, find_urls, iso_date_dmy, paragraphs
from . import ImportFormatError, Skip
from .files import Member, edition, only

PUBLISHER = "France Compétences"
LICENCE = "Licence Ouverte 2.0"

# Access-route elements → row labels of the RNCP form (same wording as the seed parsers).
VOIES = {
    "SI_JURY_FI": VOIE_LABELS[0],
    "SI_JURY_FC": VOIE_LABELS[2],
    "SI_JURY_CA": VOIE_LABELS[1],
    "SI_JURY_CQ": VOIE_LABELS[3],
    "SI_JURY_CL": VOIE_LABELS[4],
    "SI_JURY_VAE": VOIE_LABELS[5],
}

_EXPAT_FR = {
    expat_errors.codes[expat_errors.XML_ERROR_NO_ELEMENTS]: "fichier tronqué ou vide",
    expat_errors.codes[expat_errors.XML_ERROR_TAG_MISMATCH]: "balise fermante qui ne correspond pas",
    expat_errors.codes[expat_errors.XML_ERROR_SYNTAX]: "erreur de syntaxe",
    expat_errors.codes[expat_errors.XML_ERROR_INVALID_TOKEN]: "caractère ou balise invalide",
    expat_errors.codes[expat_errors.XML_ERROR_UNCLOSED_TOKEN]: "balise non terminée",
    expat_errors.codes[expat_errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]: "contenu après la racine",
    expat_errors.codes[expat_errors.XML_ERROR_UNDEFINED_ENTITY]: "entité non définie",
}

_BREAK = re.compile(r"<\s*(?:br|/?p|/?li|/?div|/?ul|/?ol|/?h\d|/?tr|/?table)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_BLOC_NUM = re.compile(r"BC(\d+)$")
_LIST_SEP = re.compile(r"\s*[,;]\s*|\s+[-–]\s+")


class _LineReader:
    """A binary file read one line (≤ 64 KB) per `read` call; `line` is the line last read."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._done = 0  # complete lines read
        self.line = 1

    def read(self, size: int = -1) -> bytes:
        data = self._raw.readline(65536)
        self.line = self._done + 1
        if data.endswith(b"\n"):
            self._done += 1
        return data


def iter_records(path: Path | str, include_inactive: bool = False) -> Iterator[Union[Record, Skip]]:
    """Certifications (and their CodeRome) of the active fiches; inactive ones as `Skip`.

    `path` is the XML, a folder or the distributed `.zip` (its XML members are streamed in place)."""
    seen_rome: set[str] = set()
    for member in only(path, (".xml",), "RNCP XML"):
        yield from _member_records(member, include_inactive, seen_rome)


def _member_records(member: Member, include_inactive: bool, seen_rome: set[str]) -> Iterator[Union[Record, Skip]]:
    path = member.path
    stack: list[str] = []
    lines: dict[ET.Element, int] = {}
    numero = ""
    with member.open() as raw:
        reader = _LineReader(raw)
        try:
            root: Optional[ET.Element] = None
            for event, elem in ET.iterparse(reader, events=("start", "end")):
                tag = elem.tag.rsplit("}", 1)[-1]
                if event == "start":
                    if root is None:
                        if tag != "FICHES":
                            raise ImportFormatError(
                                path, reader.line, tag, "racine <FICHES> attendue (export RNCP XML v4.1)"
                            )
                        root = elem
                    stack.append(tag)
                    lines[elem] = reader.line
                    continue
                stack.pop()
                if tag == "NUMERO_FICHE" and stack and stack[-1] == "FICHE":
                    numero = clean(elem.text or "")
                if tag != "FICHE":
                    continue
                yield from _fiche(member, elem, lines, include_inactive, seen_rome)
                numero = ""
                lines.clear()
                elem.clear()
                if root is not None:
                    root.clear()  # drop the references the root keeps to finished fiches
        except ET.ParseError as exc:
            line, column = exc.position
            reason = _EXPAT_FR.get(exc.code, str(exc).split(":")[0])
            where = f" dans la fiche {numero}" if numero else ""
            raise ImportFormatError(
                path, line, stack[-1] if stack else "", f"XML mal formé : {reason} (colonne {column + 1}){where}"
            ) from None


def _fiche(
    member: Member, fiche: ET.Element, lines: dict[ET.Element, int], include_inactive: bool, seen_rome: set[str]
) -> Iterator[Union[Record, Skip]]:
    numero = _text(fiche, "NUMERO_FICHE")
    if not numero:
        yield Skip("numéro absent", _text(fiche, "ID_FICHE"))
        return
    actif = _oui_non(_text(fiche, "ACTIF"))
    if actif is not True and not include_inactive:
        yield Skip("fiche inactive", numero)
        return
    source = SourceRef(PUBLISHER, member.document, numero, LICENCE, lines.get(fiche),
                       edition(member.basename, member.document))
    ctx = _Context(member.path, numero, lines)
    romes = _pairs(fiche, "CODES_ROME/ROME")
    emplois, emplois_description = _emplois(_lines(fiche, "TYPE_EMPLOI_ACCESSIBLES"))
    date_decision = ctx.date(fiche, "DATE_DECISION")
    yield Certification(
        id=numero,
        source=source,
        numero=numero,
        intitule=_text(fiche, "INTITULE"),
        niveau_europe=_niveau(_text(fiche, "NOMENCLATURE_EUROPE/NIVEAU")),
        codes_nsf=_pairs(fiche, "CODES_NSF/NSF"),
        formacodes=_pairs(fiche, "FORMACODES/FORMACODE"),
        certificateurs=_organismes(fiche, "CERTIFICATEURS/CERTIFICATEUR", "NOM_CERTIFICATEUR", "SIRET_CERTIFICATEUR"),
        objectifs="\n".join(_lines(fiche, "OBJECTIFS_CONTEXTE")),
        activites=_lines(fiche, "ACTIVITES_VISEES"),
        competences=_lines(fiche, "CAPACITES_ATTESTEES"),
        blocs=_blocs(fiche),
        secteurs_activite="\n".join(_lines(fiche, "SECTEURS_ACTIVITE")),
        emplois_accessibles=emplois,
        emplois_description=emplois_description,
        codes_rome=[code for code, _ in romes],
        prerequis=_lines(fiche, "PREREQUIS_ENTREE_FORMATION"),
        voies_acces=_voies(fiche),
        statistiques=ctx.statistiques(fiche),
        date_echeance=ctx.date(fiche, "DATE_FIN_ENREGISTREMENT"),
        date_enregistrement=date_decision,
        date_decision=date_decision,
        date_effet=ctx.date(fiche, "DATE_EFFET"),
        date_publication=ctx.date(fiche, "DATE_DE_PUBLICATION"),
        date_limite_delivrance=ctx.date(fiche, "DATE_LIMITE_DELIVRANCE"),
        certifications_anterieures=_anterieures(fiche),
        liens=find_urls(" ".join(_lines(fiche, "LIEN_URL_DESCRIPTION"))),
        etat=_text(fiche, "ETAT_FICHE"),
        actif=actif,
        abrege=_text(fiche, "ABREGE/CODE"),
        partenaires=_organismes(fiche, "PARTENAIRES/PARTENAIRE", "NOM_PARTENAIRE", "SIRET_PARTENAIRE"),
    )
    for code, libelle in romes:
        if code not in seen_rome:  # one CodeRome per code and file (they merge later anyway)
            seen_rome.add(code)
            yield CodeRome(id=code, source=source, code=code, libelle=libelle)


class _Context:
    """What an error inside a fiche must name: file, fiche number, line of each element."""

    def __init__(self, path: Path, numero: str, lines: dict[ET.Element, int]):
        self.path, self.numero, self.lines = path, numero, lines

    def error(self, elem: ET.Element, message: str) -> ImportFormatError:
        return ImportFormatError(self.path, self.lines.get(elem), elem.tag, f"{message} (fiche {self.numero})")

    def date(self, fiche: ET.Element, tag: str) -> str:
        """« 08/07/2023 » → « 2023-07-08 »; "" when absent or empty."""
        elem = fiche.find(tag)
        text = clean(elem.text or "") if elem is not None else ""
        if not text:
            return ""
        try:
            return iso_date_dmy(text, self.path, self.lines.get(elem) or 0)
        except ParseError as exc:
            raise self.error(elem, f"date JJ/MM/AAAA attendue : {exc.message}") from None

    def statistiques(self, fiche: ET.Element) -> list[StatistiqueAnnuelle]:
        rows = fiche.findall("STATISTIQUES_PROMOTIONS/STATISTIQUES_PROMOTION")
        rows += fiche.findall("STATISTIQUES_PROMOTIONS/STATISTIQUE_PROMOTION")
        stats = []
        for row in rows:
            annee = self.number(row, "ANNEE")
            if annee is None:
                raise self.error(row, "année <ANNEE> absente")
            stats.append(
                StatistiqueAnnuelle(
                    annee=annee,
                    certifies=self.number(row, "NOMBRE_CERTIFIES"),
                    certifies_vae=self.number(row, "NOMBRE_CERTIFIES_VAE"),
                    taux_insertion_global_6_mois=self.number(row, "TAUX_INSERTION_GLOBAL_6MOIS"),
                    taux_insertion_metier_2_ans=self.number(row, "TAUX_INSERTION_METIER_2ANS"),
                )
            )
        return sorted(stats, key=lambda s: s.annee, reverse=True)

    def number(self, row: ET.Element, tag: str) -> Optional[int]:
        """An integer (a « 86,5 » rate is rounded); None when absent, empty or « - »."""
        elem = row.find(tag)
        text = clean(elem.text or "") if elem is not None else ""
        if text in ("", "-", "–"):
            return None
        if not _NUMBER.fullmatch(text):
            raise self.error(elem, f"nombre attendu, lu « {text} »")
        return round(float(text.replace(",", ".")))


# --- small readers ---------------------------------------------------------------------------


def _text(parent: ET.Element, path: str) -> str:
    elem = parent.find(path)
    return clean("".join(elem.itertext())) if elem is not None else ""


def html_lines(text: str) -> list[str]:
    """Text that may hold HTML (even escaped twice) → its non-empty lines, tags and bullets removed."""
    for _ in range(2):
        text = html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))
    return paragraphs(text.split("\n"))


def _lines(parent: ET.Element, path: str) -> list[str]:
    elem = parent.find(path)
    return html_lines("".join(elem.itertext())) if elem is not None else []


def _oui_non(value: str) -> Optional[bool]:
    return {"oui": True, "non": False}.get(value.lower())


def _niveau(value: str) -> Optional[int]:
    """« NIV6 » → 6; None when absent or not a level."""
    match = re.fullmatch(r"(?:NIV(?:EAU)?)?\s*(\d)", value, re.I)
    return int(match.group(1)) if match else None


def _pairs(parent: ET.Element, path: str) -> list[tuple[str, str]]:
    """(CODE, LIBELLE) of each element (the export doubles apostrophes: « d''évènementiel »)."""
    return [
        (_text(e, "CODE"), _text(e, "LIBELLE").replace("''", "'")) for e in parent.findall(path) if _text(e, "CODE")
    ]


def _organismes(parent: ET.Element, path: str, nom: str, siret: str) -> list[Certificateur]:
    return [
        Certificateur(nom_legal=_text(e, nom), siret=_text(e, siret)) for e in parent.findall(path) if _text(e, nom)
    ]


def _blocs(fiche: ET.Element) -> list[BlocCompetences]:
    blocs = []
    for position, elem in enumerate(fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES"), start=1):
        code = _text(elem, "CODE")
        match = _BLOC_NUM.search(code)
        blocs.append(
            BlocCompetences(
                numero=int(match.group(1)) if match else position,
                intitule=_text(elem, "LIBELLE"),
                code=code,
                competences=_lines(elem, "LISTE_COMPETENCES"),
                modalites_evaluation=_lines(elem, "MODALITES_EVALUATION"),
            )
        )
    return blocs


def _voies(fiche: ET.Element) -> list[VoieAcces]:
    voies = []
    for tag, label in VOIES.items():
        elem = fiche.find(tag)
        if elem is not None:
            jury = "\n".join(_lines(elem, "COMPOSITION"))
            voies.append(VoieAcces(voie=label, ouverte=_oui_non(_text(elem, "ACTIF")), jury=jury))
    return voies


def _anterieures(fiche: ET.Element) -> list[tuple[str, str]]:
    """ANCIENNES_CERTIFICATIONS children: « RNCP28766 » leaves, or {code, intitulé} groups."""
    found = []
    for child in fiche.findall("ANCIENNES_CERTIFICATIONS/*"):
        texts = [clean(t) for t in child.itertext() if clean(t)]
        code = next((t for t in texts if re.fullmatch(r"RNCP\d+", t)), "")
        if code:
            found.append((code, " ".join(t for t in texts if t != code)))
    return found


def _emplois(lines: list[str]) -> tuple[list[str], str]:
    """(job titles, explanatory text) of TYPE_EMPLOI_ACCESSIBLES.

    A line is a list of titles when its items (separated by « , », « ; » or « - », after the
    colon of an introduction « … : a, b ») are short (eight words at most); a line without a
    colon ending with « . » is a sentence. Sentences are kept as the explanation."""
    titles: list[str] = []
    description: list[str] = []
    for line in lines:
        head, colon, tail = line.partition(":")
        listing = tail if colon and tail.strip() else line
        items = [t.strip().rstrip(".…").strip() for t in _LIST_SEP.split(listing)]
        items = [t for t in items if t]
        sentence = not colon and line.endswith(".")
        if sentence or not items or any(len(t.split()) > 8 for t in items):
            description.append(line)
            continue
        for title in items:
            if title not in titles:
                titles.append(title)
    return titles, "\n".join(description)
