"""Parser of an RNCP sheet in the current France Compétences web-page layout (text copy).

In this layout a non-empty line is a paragraph; headings end with « : ». The « L'essentiel »
summary comes first (level, NSF, formacode, expiry date, certifiers), then the detailed
sections, the competence blocks (« RNCP35746BC01 - … ») and the tables (access routes,
statistics, previous certifications).
"""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.model import (
    BlocCompetences,
    Certificateur,
    Certification,
    Record,
    StatistiqueAnnuelle,
)
from knowledge.parsers.errors import ParseError
from knowledge.parsers.rncp_common import (
    APOS,
    Heading,
    Section,
    bullet_items,
    clean,
    code_labels,
    dash_empty,
    find_emails,
    find_urls,
    first_sentence_with,
    int_or_none,
    iso_date_dmy,
    make_source,
    paragraphs,
    parse_voies,
    read_lines,
    rome_codes,
    rome_records,
    split_sections,
)

HEADINGS = [
    Heading("niveau", r"Nomenclature$", "Nomenclature du niveau de qualification"),
    Heading("nsf", r"Code\(s\) NSF$", "Code(s) NSF"),
    Heading("formacode", r"Formacode\(s\)$", "Formacode(s)", required=False),
    Heading("echeance", rf"Date d{APOS}éch\w*nce", "Date d’échéance de l’enregistrement"),
    Heading("certificateurs", r"Nom légal\s+Siret\s+Nom commercial\s+Site internet$",
            "Nom légal Siret Nom commercial Site internet"),
    Heading("objectifs", r"Objectifs et contexte de la certification\s*:$",
            "Objectifs et contexte de la certification :"),
    Heading("activites", r"Activités visées\s*:$", "Activités visées :"),
    Heading("competences", r"Compétences attestées\s*:$", "Compétences attestées :"),
    Heading("evaluation", rf"Modalités d{APOS}évaluation\s*:$", "Modalités d'évaluation :"),
    Heading("acquisition", rf"Description des modalités d{APOS}acquisition",
            "Description des modalités d'acquisition", required=False),
    Heading("secteurs", rf"Secteurs d{APOS}activités?\s*:$", "Secteurs d’activités :"),
    Heading("emplois", rf"Type d{APOS}emplois accessibles\s*:$", "Type d'emplois accessibles :"),
    Heading("emplois_occupes", r"Principaux emplois occupés", "Principaux emplois occupés",
            required=False),
    Heading("rome", r"Code\(s\) ROME\s*:$", "Code(s) ROME :"),
    Heading("references", r"Références juridiques", "Références juridiques", required=False),
    Heading("prerequis", rf"Le cas éch\w*, prérequis à l{APOS}entrée en formation",
            "prérequis à l’entrée en formation", required=False),
    Heading("prerequis_validation", r"Le cas éch\w*, prérequis à la validation",
            "prérequis à la validation", required=False),
    Heading("voies", rf"Voie d{APOS}accès à la certification\b",
            "Voie d’accès à la certification … Composition des jurys"),
    Heading("cadres", r"Validité des composantes acquises$", "Validité des composantes acquises",
            required=False),
    Heading("statistiques", r"Statistiques\s*:$", "Statistiques :", required=False),
    Heading("lien", r"Lien internet vers le descriptif", "Lien internet", required=False),
    Heading("organismes", r"Liste des organismes préparant", "Liste des organismes",
            required=False),
    Heading("anterieures", r"Certification\(s\) antérieure\(s\)\s*:$",
            "Certification(s) antérieure(s) :", required=False),
    Heading("referentiel", rf"Référentiel d{APOS}activité", "Référentiel", required=False),
]

_BLOC = re.compile(r"^(RNCP(\d+)BC(\d+))\s*[-–]\s*(\S.*)$")
_CERTIFICATEUR = re.compile(r"^(?P<nom>.+?) (?P<siret>\d{14}|-) (?P<commercial>.+?) "
                            r"(?P<site>https?://\S+|-)$")
_INTITULE = re.compile(r"La certification\s+[\"“«]\s*(.+?)\s*[\"”»]")


def parse(path: Path, meta: dict) -> list[Record]:
    """Parse the sheet at `path` into one Certification and its CodeRome records."""
    path = Path(path)
    lines = read_lines(path)
    sec = split_sections(path, lines, HEADINGS)
    general, blocs = _evaluation_and_blocs(path, sec["evaluation"])
    numero = _numero(path, sec["evaluation"], blocs)
    source = make_source(path, meta, numero)
    objectifs = "\n".join(paragraphs(sec["objectifs"].lines))
    emplois, emplois_description = _emplois(sec["emplois"], sec["emplois_occupes"])
    rome = rome_codes(sec["rome"])
    full_text = "\n".join(lines)
    cert = Certification(
        id=numero,
        source=source,
        numero=numero,
        intitule=_intitule(path, sec["objectifs"], objectifs),
        niveau_europe=_niveau(path, sec["niveau"]),
        codes_nsf=code_labels(sec["nsf"]),
        formacodes=code_labels(sec["formacode"]),
        certificateurs=_certificateurs(path, sec["certificateurs"]),
        objectifs=objectifs,
        activites=[p for p in paragraphs(sec["activites"].lines) if not p.endswith(":")],
        competences=bullet_items(sec["competences"].lines, _is_competence_heading),
        blocs=blocs,
        modalites_evaluation="\n".join(general),
        secteurs_activite="\n".join(paragraphs(sec["secteurs"].lines)),
        emplois_accessibles=emplois,
        emplois_description=emplois_description,
        codes_rome=[code for code, _, _ in rome],
        prerequis=paragraphs(sec["prerequis"].lines),
        voies_acces=parse_voies(sec["voies"].lines, paragraphs),
        statistiques=_statistiques(path, sec["statistiques"]),
        date_echeance=_echeance(path, sec["echeance"]),
        validite_composantes=first_sentence_with(
            clean(" ".join(sec["acquisition"].lines)), r"valab|illimit"),
        acquisition=clean(" ".join(sec["acquisition"].lines)),
        certifications_anterieures=_anterieures(sec["anterieures"]),
        liens=find_urls(full_text),
        contacts=find_emails(full_text),
    )
    return [cert] + rome_records(rome, source)


def _niveau(path: Path, section: Section) -> int:
    for line in section.lines:
        match = re.match(r"^Niveau\s+(\d+)$", line.strip())
        if match:
            return int(match.group(1))
    raise ParseError(path, section.line, "ligne « Niveau N » absente sous le titre du niveau")


def _echeance(path: Path, section: Section) -> str:
    for offset, line in enumerate(section.lines):
        if re.search(r"\d{1,2}-\d{1,2}-\d{4}", line):
            return iso_date_dmy(line, path, section.first + offset)
    raise ParseError(path, section.line, "date d'échéance jj-mm-aaaa absente sous son titre")


def _certificateurs(path: Path, section: Section) -> list[Certificateur]:
    """Rows of the « Nom légal Siret Nom commercial Site internet » table, up to a blank line."""
    result = []
    for offset, line in enumerate(section.lines):
        text = clean(line)
        if not text:
            break
        match = _CERTIFICATEUR.match(text)
        if not match:
            raise ParseError(path, section.first + offset,
                             f"ligne de certificateur incomprise : « {text} »")
        result.append(Certificateur(
            nom_legal=match["nom"],
            siret=dash_empty(match["siret"]),
            nom_commercial=dash_empty(match["commercial"]),
            site_internet=dash_empty(match["site"]),
        ))
    if not result:
        raise ParseError(path, section.line, "aucun certificateur dans le tableau")
    return result


def _intitule(path: Path, section: Section, objectifs: str) -> str:
    match = _INTITULE.search(objectifs)
    if not match:
        raise ParseError(path, section.line,
                         'phrase « La certification "…" » donnant l\'intitulé absente des objectifs')
    return match.group(1)


def _is_competence_heading(text: str) -> bool:
    """« 1-Concevoir … : », « Analyser le besoin … : »: group titles, not skills."""
    return text.endswith(":") or bool(re.match(r"^\d+\s*-", text))


def _evaluation_and_blocs(path: Path, section: Section
                          ) -> tuple[list[str], list[BlocCompetences]]:
    """Split the « Modalités d'évaluation » section into its general text and the blocks."""
    starts = [i for i, line in enumerate(section.lines) if _BLOC.match(line.strip())]
    if not starts:
        raise ParseError(path, section.line,
                         "aucun bloc « RNCP…BC01 - … » après « Modalités d'évaluation »")
    general = paragraphs(section.lines[:starts[0]])
    blocs = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(section.lines)
        match = _BLOC.match(section.lines[start].strip())
        blocs.append(_bloc(match, section.lines[start + 1:end]))
    return general, blocs


def _bloc(match: re.Match[str], lines: list[str]) -> BlocCompetences:
    """A block: its « A1. … » skills, then from « 1/ Pour les candidats… » its evaluation."""
    paras = [p for p in paragraphs(lines) if not p.startswith("Liste de compétences")]
    split = next((i for i, p in enumerate(paras) if re.match(r"^\d+\s*/", p)), len(paras))
    return BlocCompetences(
        numero=int(match.group(3)),
        intitule=clean(match.group(4)),
        code=match.group(1),
        competences=paras[:split],
        modalites_evaluation=paras[split:],
    )


def _numero(path: Path, section: Section, blocs: list[BlocCompetences]) -> str:
    """« RNCP35746 », the common prefix of the block codes."""
    numeros = {re.sub(r"BC\d+$", "", b.code) for b in blocs}
    if len(numeros) != 1:
        raise ParseError(path, section.line,
                         f"les codes de blocs désignent plusieurs fiches : {sorted(numeros)}")
    return numeros.pop()


def _emplois(section: Section, occupes: Section) -> tuple[list[str], str]:
    """(job titles, explanatory text) of « Type d'emplois accessibles »."""
    description = paragraphs(section.lines)
    listing = paragraphs(occupes.lines)
    titles = _job_titles(listing[0]) if listing else []
    description += listing[1:]
    return titles, "\n".join(description)


def _job_titles(paragraph: str) -> list[str]:
    """Split « …appellations d’emploi : chargé de / chef de projet : a – b, c – d – e… ».

    The introduction up to the first colon is dropped. Comma-separated parts are split on
    dashes into titles, except a part that is itself « prefix : a – b – … » (titles sharing
    a prefix), which is kept whole so that no title is made up.
    """
    body = paragraph.split(":", 1)[1] if ":" in paragraph else paragraph
    titles = []
    for part in _split_top_level(body, ","):
        part = part.strip().rstrip("….").strip()
        if not part:
            continue
        if ":" in part:
            titles.append(clean(part))
        else:
            titles.extend(clean(t) for t in re.split(r"\s[-–]\s", part) if t.strip())
    return titles


def _split_top_level(text: str, sep: str) -> list[str]:
    """Split on `sep` outside parentheses."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _statistiques(path: Path, section: Section) -> list[StatistiqueAnnuelle]:
    """Rows « 2020 23 0 86 50 - »: year then five figures, « - » when missing."""
    result = []
    for offset, line in enumerate(section.lines):
        values = line.split()
        if not values or not re.fullmatch(r"\d{4}", values[0]):
            continue
        if len(values) != 6 or not all(re.fullmatch(r"\d+|-", v) for v in values[1:]):
            raise ParseError(path, section.first + offset,
                             f"ligne de statistiques sans année et 5 valeurs : « {clean(line)} »")
        figures = [int_or_none(v) for v in values[1:]]
        result.append(StatistiqueAnnuelle(int(values[0]), *figures))
    return result


def _anterieures(section: Section) -> list[tuple[str, str]]:
    rows = (re.match(r"^(RNCP\d+)\s+(\S.*)$", clean(line)) for line in section.lines)
    return [(m.group(1), m.group(2)) for m in rows if m]
