"""Parser for an ONISEP fiche métier exported as Markdown (`# libellé`, `**ID:**`, `## sections`)."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Appellation, CentreInteret, CodeRome, Formation, FormationRef, Metier, Record, SourceRef
from .errors import ParseError
from .text import slug

_FIELD = re.compile(r"^\*\*(?P<name>[^*:]+):\*\*\s*(?P<value>.*)$")
_BULLET = re.compile(r"^\s*-\s+(?P<text>.+?)\s*$")
_GENDER = re.compile(r"^(?P<g>Féminin|Masculin)\s*:\s*(?P<text>.+)$")
_FORMATION = re.compile(r"^(?P<libelle>.+?)\s*\(ID:\s*(?P<id>FOR\.\d+)\)$")
_HEADING = re.compile(r"^\s*(?P<level>#{1,6})\s+(?P<title>.+?)\s*$")


class _Lines:
    """The document as numbered lines, cut into sections at each heading."""

    def __init__(self, path: Path):
        self.path = path
        self.lines = path.read_text(encoding="utf-8").splitlines()

    def sections(self) -> list[tuple[str, int, list[tuple[int, str]]]]:
        """(title, heading level, numbered body lines) for each heading, in order."""
        out: list[tuple[str, int, list[tuple[int, str]]]] = [("", 0, [])]
        for number, line in enumerate(self.lines, start=1):
            match = _HEADING.match(line)
            if match:
                out.append((match["title"], len(match["level"]), []))
            else:
                out[-1][2].append((number, line))
        return out


def _bullets(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The bullet items of a section body, up to the first `**Field:**` line."""
    out = []
    for number, line in body:
        if _FIELD.match(line.strip()):
            break
        if match := _BULLET.match(line):
            out.append((number, match["text"]))
    return out


def _paragraph(body: list[tuple[int, str]]) -> str:
    return " ".join(line.strip() for _, line in body if line.strip() and not _FIELD.match(line.strip()))


def _appellation(items: list[tuple[int, str]], path: Path) -> Appellation:
    found = Appellation()
    for number, text in items:
        match = _GENDER.match(text)
        if not match:
            raise ParseError(path, number, f"appellation sans genre : « {text} »")
        if match["g"] == "Féminin":
            found.feminin = match["text"]
        else:
            found.masculin = match["text"]
    return found


def parse(path: Path, meta: dict) -> list[Record]:
    doc = _Lines(path)
    sections = doc.sections()
    fields: dict[str, tuple[int, str, list[tuple[int, str]]]] = {}
    for _, _, body in sections:
        current = None
        for number, line in body:
            match = _FIELD.match(line.strip())
            if match:
                current = match["name"].strip()
                fields[current] = (number, match["value"].strip(), [])
            elif current and _BULLET.match(line):
                fields[current][2].append((number, line))
            elif line.strip():
                current = None
    if "ID" not in fields or not re.fullmatch(r"MET\.\d+", fields["ID"][1]):
        raise ParseError(path, fields.get("ID", (1,))[0], "identifiant MET.nnn introuvable (**ID:**)")
    met_id = fields["ID"][1]
    source = SourceRef(meta["publisher"], path.name, f"fiche {met_id}", meta.get("licence", ""))
    metier = Metier(id=met_id, source=source)
    by_title = {t.lower(): (n, body) for t, n, body in sections}

    def section(name: str, required: bool = True) -> list[tuple[int, str]]:
        if name.lower() in by_title:
            return by_title[name.lower()][1]
        if required:
            raise ParseError(path, None, f"section « {name} » absente")
        return []

    if "Appellations" not in fields:
        raise ParseError(path, None, "champ **Appellations:** absent")
    metier.appellation = _appellation(_bullets(fields["Appellations"][2]), path)
    if not (metier.appellation.feminin or metier.appellation.masculin):
        raise ParseError(path, fields["Appellations"][0], "aucune appellation sous **Appellations:**")

    # « ## Autres appellations », then one deeper heading per other name with its gendered forms.
    others_level = 0
    for heading, level, body in sections:
        if heading.lower() == "autres appellations":
            others_level = level
        elif others_level and level > others_level:
            bullets = [(n, t) for n, t in _bullets(body) if _GENDER.match(t)]
            if bullets:
                metier.autres_appellations.append(_appellation(bullets, path))
        elif others_level:
            others_level = 0
    metier.codes_rome = [t for _, t in _bullets(fields.get("Codes ROME", (0, "", []))[2])]
    metier.presentation = _paragraph(section("Présentation"))
    metier.en_bref = _paragraph(section("En bref"))
    duree = section("Après le bac", required=False)
    if duree:
        metier.duree_etudes = _paragraph(duree)
        metier.duree_etudes_contexte = "Après le bac"
    metier.niveau_acces_min = fields.get("Niveau d'accès minimum", (0, "", []))[1]
    for number, text in _bullets(section("Formations recommandées")):
        match = _FORMATION.match(text)
        if not match:
            raise ParseError(path, number, f"formation sans identifiant FOR.nnnn : « {text} »")
        metier.formations.append(FormationRef(match["id"], match["libelle"]))
    metier.statuts = [t for _, t in _bullets(fields.get("Statuts possibles", (0, "", []))[2])]
    interests = [t for _, t in _bullets(section("Centres d'intérêt", required=False))]
    metier.qualites = _qualities(metier.en_bref)

    records: list[Record] = [metier]
    for ref in metier.formations:
        records.append(Formation(ref.id, source, libelle=ref.libelle, metiers=[met_id]))
    for code in metier.codes_rome:
        records.append(CodeRome(code, source, code=code))
    for text in interests:
        interest = CentreInteret(f"CI.{slug(text)}", source, libelle=text)
        metier.centres_interet.append(interest.id)
        records.append(interest)
    return records


_QUALITIES = re.compile(r"(?:^|[.!?]\s+)(?P<list>[^.!?]+?)\s+(?:exigée?s?|requise?s?|indispensables?)\s*!?\s*$")


def _qualities(text: str) -> list[str]:
    """The qualities an ONISEP « en bref » lists in its closing « … exigées ! » sentence."""
    match = _QUALITIES.search(text)
    if not match:
        return []
    items = re.split(r",\s*|\s+et\s+", match["list"])
    return [item.strip() for item in items if item.strip()]
