"""Parser of an RNCP sheet in the former layout (text extracted from the PDF « fiche »).

Lines are wrapped by the PDF and blank lines are often page breaks, so running text is
re-flowed (`reflow`). The competence blocks are in a final table whose title cells wrap
over several lines (« Bloc de compétence n°1 de / la fiche n° 28684 - … »).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from knowledge.model import BlocCompetences, Certificateur, Certification, Record
from knowledge.parsers.errors import ParseError
from knowledge.parsers.rncp_common import (
    APOS,
    Heading,
    Section,
    bullet_items,
    clean,
    code_labels,
    find_emails,
    find_urls,
    is_bullet,
    iso_date_fr,
    make_source,
    next_nonempty,
    parse_voies,
    read_lines,
    reflow,
    rome_codes,
    rome_records,
    split_sections,
)

HEADINGS = [
    Heading("intitule", r"Intitulé$", "Intitulé"),
    Heading("autorite", r"AUTORITÉ RESPONSABLE DE LA CERTIFICATION",
            "AUTORITÉ RESPONSABLE DE LA CERTIFICATION"),
    Heading("niveau", rf"Niveau et/ou domaine d{APOS}activité$", "Niveau et/ou domaine d'activité"),
    Heading("convention", r"Convention\(s\)\s*:", "Convention(s) :", required=False),
    Heading("nsf", r"Code\(s\) NSF\s*:", "Code(s) NSF :"),
    Heading("formacode", r"Formacode\(s\)\s*:", "Formacode(s) :", required=False),
    Heading("resume", rf"Résumé du référentiel d{APOS}emploi",
            "Résumé du référentiel d'emploi ou éléments de compétence acquis"),
    Heading("competences", r"Le titulaire est capable de\s*:", "Le titulaire est capable de :"),
    Heading("secteurs", rf"Secteurs d{APOS}activité ou types d{APOS}emplois accessibles",
            "Secteurs d'activité ou types d'emplois accessibles"),
    Heading("rome", r"Codes des fiches ROME", "Codes des fiches ROME les plus proches :"),
    Heading("acces", rf"Modalités d{APOS}accès à cette certification",
            "Modalités d'accès à cette certification", required=False),
    Heading("composantes", r"Descriptif des composantes de la certification",
            "Descriptif des composantes de la certification", required=False),
    Heading("bloc_vide", r"Bloc de compétence\s*:", "Bloc de compétence :", required=False),
    Heading("blocs", rf"INTITULÉ DESCRIPTIF ET MODALITÉS D{APOS}ÉVALUATION$",
            "INTITULÉ DESCRIPTIF ET MODALITÉS D'ÉVALUATION"),
    Heading("validite", r"Validité des composantes acquises\s*:",
            "Validité des composantes acquises :", required=False),
    Heading("voies", rf"CONDITIONS D{APOS}INSCRIPTION À LA CERTIFICATION",
            "CONDITIONS D'INSCRIPTION À LA CERTIFICATION"),
    Heading("outremer", r"OUI\s*NON$", "OUI NON", required=False),
    Heading("liens_certifs", rf"LIENS AVEC D{APOS}AUTRES CERTIFICATIONS",
            "LIENS AVEC D'AUTRES CERTIFICATIONS", required=False),
    Heading("base_legale", r"Base légale$", "Base légale"),
    Heading("vae", r"Référence du décret et/ou arrêté VAE", "Référence … VAE", required=False),
    Heading("autres_refs", r"Références autres", "Références autres", required=False),
    Heading("infos", rf"Pour plus d{APOS}informations$", "Pour plus d'informations",
            required=False),
    Heading("statistiques", r"Statistiques\s*:", "Statistiques :", required=False),
    Heading("autres_sources", rf"Autres sources d{APOS}information", "Autres sources",
            required=False),
    Heading("lieux_certification", r"Lieu\(x\) de certification\s*:",
            "Lieu(x) de certification :", required=False),
    Heading("lieux_preparation", r"Lieu\(x\) de préparation", "Lieu(x) de préparation",
            required=False),
    Heading("historique", r"Historique de la certification", "Historique", required=False),
]

# Titles a signatory holds: words of the form, not facts of a sheet. They tell where the
# certifier's name ends in the flattened « AUTORITÉ … / QUALITÉ DU SIGNATAIRE » table row.
_QUALITE = re.compile(
    r"^(?P<nom>.+?)\s+(?P<qualite>(?:Directeur|Directrice|Président|Présidente|Recteur|"
    r"Rectrice|Ministre|Gérant|Gérante|Administrateur|Administratrice|Délégué|Déléguée|"
    r"Secrétaire|Doyen|Doyenne)\b.*)$"
)
_ACTIVITE = re.compile(r"^Activité n°\s*\d+")
_BLOC_START = re.compile(r"^Bloc de compétence n°\s*\d+")
_BLOC_TITLE = re.compile(r"^Bloc de compétence n°\s*(\d+) de la fiche n°\s*(\d+)\s*[-–]\s*(\S.*)$")
_FONCTION = re.compile(r"^Fonction\s*\d+\s*:")
_MODALITES = re.compile(rf"^Modalités d{APOS}évaluation\s*:")
_TABLE_HEADER = re.compile(rf"^INTITULÉ DESCRIPTIF ET MODALITÉS D{APOS}ÉVALUATION$")


def parse(path: Path, meta: dict) -> list[Record]:
    """Parse the sheet at `path` into one Certification and its CodeRome records."""
    path = Path(path)
    lines = read_lines(path)
    sec = split_sections(path, lines, HEADINGS)
    numero, blocs = _blocs(path, sec["blocs"])
    source = make_source(path, meta, numero)
    rome = rome_codes(sec["rome"])
    niveau_europe, niveau_1969 = _niveaux(path, sec["niveau"])
    base_legale = _base_legale(sec["base_legale"])
    full_text = "\n".join(lines)
    secteurs_lines = sec["secteurs"].lines
    first_bullet = next((i for i, text in enumerate(secteurs_lines) if is_bullet(text.strip())),
                        len(secteurs_lines))
    cert = Certification(
        id=numero,
        source=source,
        numero=numero,
        intitule=_intitule(path, sec["intitule"]),
        niveau_europe=niveau_europe,
        niveau_1969=niveau_1969,
        codes_nsf=code_labels(sec["nsf"]),
        formacodes=code_labels(sec["formacode"]),
        certificateurs=_certificateurs(path, sec["autorite"], lines, sec["infos"]),
        objectifs="\n".join(reflow(sec["resume"].lines)),
        activites=[clean(t) for t in sec["competences"].lines if _ACTIVITE.match(t.strip())],
        competences=bullet_items(sec["competences"].lines, _is_activite_heading),
        blocs=blocs,
        secteurs_activite="\n".join(reflow(secteurs_lines[:first_bullet])),
        emplois_accessibles=bullet_items(secteurs_lines, lambda text: False),
        codes_rome=[code for code, _, _ in rome],
        voies_acces=parse_voies(sec["voies"].lines, reflow),
        statistiques_texte=" ".join(reflow(
            [t for t in sec["statistiques"].lines if not find_urls(t)])),
        date_echeance=_date_after(path, sec["base_legale"], rf"jusqu{APOS}au"),
        date_enregistrement=_date_after(path, sec["base_legale"], r"Arrêté du", required=True),
        date_effet=_date_after(path, sec["base_legale"], r"avec effet au"),
        base_legale=base_legale,
        validite_composantes=clean(sec["validite"].rest),
        lieux_certification=_lieux(sec["lieux_certification"]),
        lieux_preparation=_lieux(sec["lieux_preparation"]),
        liens=find_urls(full_text),
        contacts=find_emails(full_text),
    )
    return [cert] + rome_records(rome, source)


def _intitule(path: Path, section: Section) -> str:
    _, text = next_nonempty(section)
    if not text:
        raise ParseError(path, section.line, "aucun intitulé sous « Intitulé »")
    return clean(text)


def _niveaux(path: Path, section: Section) -> tuple[Optional[int], str]:
    """(« 6 (Nomenclature Europe) », « II (Nomenclature de 1969) ») → (6, "II")."""
    europe, old = None, ""
    for line in section.lines:
        text = clean(line)
        match = re.match(r"^(\d+)\s*\(Nomenclature Europe\)", text)
        if match:
            europe = int(match.group(1))
        match = re.match(r"^([IV]+)\s*\(Nomenclature de 1969\)", text)
        if match:
            old = match.group(1)
    if europe is None and not old:
        raise ParseError(path, section.line, "ni « (Nomenclature Europe) » ni "
                                             "« (Nomenclature de 1969) » sous le niveau")
    return europe, old


def _certificateurs(path: Path, section: Section, lines: list[str],
                    infos: Section) -> list[Certificateur]:
    """Rows under « AUTORITÉ RESPONSABLE … QUALITÉ DU(ES) SIGNATAIRE(S) », up to a blank line.

    The certifier's site is the URL given after « Pour plus d'informations » whose host
    contains a word of the certifier's name (« www.isefac.org » for « … ISEFAC … »)."""
    urls = find_urls("\n".join(lines[infos.line - 1:])) if infos.line else []
    result = []
    for line in section.lines:
        text = clean(line)
        if not text:
            break
        match = _QUALITE.match(text)
        nom, qualite = (match["nom"], match["qualite"]) if match else (text, "")
        result.append(Certificateur(nom_legal=nom, qualite_signataire=qualite,
                                    site_internet=_site_of(nom, urls)))
    if not result:
        raise ParseError(path, section.line, "aucun certificateur sous « AUTORITÉ RESPONSABLE »")
    return result


def _site_of(nom: str, urls: list[str]) -> str:
    words = {w.lower() for w in re.findall(r"\w{4,}", nom)}
    for url in urls:
        host = re.sub(r"^https?://", "", url).split("/")[0].lower()
        if any(w in host for w in words):
            return url
    return ""


def _is_activite_heading(text: str) -> bool:
    return bool(_ACTIVITE.match(text)) or text.endswith(":")


def _blocs(path: Path, section: Section) -> tuple[str, list[BlocCompetences]]:
    """(numero « RNCP28684 », blocks) from the final table of the sheet."""
    rows = [(section.first + i, line.strip()) for i, line in enumerate(section.lines)
            if not _TABLE_HEADER.match(line.strip())]
    starts = [n for n, (_, text) in enumerate(rows) if _BLOC_START.match(text)]
    if not starts:
        raise ParseError(path, section.line, "aucun « Bloc de compétence n°N de la fiche n° … » "
                                             "dans le tableau des blocs")
    fiches, blocs = set(), []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(rows)
        fiche, bloc = _bloc(path, rows[start:end])
        fiches.add(fiche)
        blocs.append(bloc)
    if len(fiches) != 1:
        raise ParseError(path, section.line, f"les blocs désignent plusieurs fiches : {sorted(fiches)}")
    return "RNCP" + fiches.pop(), blocs


def _bloc(path: Path, rows: list[tuple[int, str]]) -> tuple[str, BlocCompetences]:
    """One block: a title cell (up to a blank line), then « Fonction n : … » each followed by
    « Modalités d'évaluation : » and its items. modalites_evaluation[i] holds the items of
    competences[i], joined with « ; »."""
    title_end = next((n for n, (_, text) in enumerate(rows) if not text), len(rows))
    title = clean(" ".join(text for _, text in rows[:title_end]))
    match = _BLOC_TITLE.match(title)
    if not match:
        raise ParseError(path, rows[0][0], f"titre de bloc incompris : « {title} »")
    fonctions: list[list[str]] = []
    modalites: list[list[list[str]]] = []
    in_items = False
    for _, text in rows[title_end:]:
        if not text:
            continue
        if _FONCTION.match(text):
            fonctions.append([text])
            modalites.append([])
            in_items = False
        elif _MODALITES.match(text) and fonctions:
            in_items = True
        elif in_items:
            starts_item = text[0].isdigit() or text[0].isupper()
            if starts_item or not modalites[-1]:
                modalites[-1].append([text])
            else:
                modalites[-1][-1].append(text)  # a wrapped item
        elif fonctions:
            fonctions[-1].append(text)  # a wrapped Fonction title
    return match.group(2), BlocCompetences(
        numero=int(match.group(1)),
        intitule=match.group(3),
        competences=[clean(" ".join(f)) for f in fonctions],
        modalites_evaluation=["; ".join(clean(" ".join(i)) for i in items) for items in modalites],
    )


def _base_legale(section: Section) -> str:
    """The arrêté text: the section without its empty « Référence … : » labels."""
    text = [t for t in section.lines if not t.strip().endswith(":")]
    return " ".join(reflow(text))


def _date_after(path: Path, section: Section, phrase: str, required: bool = False) -> str:
    """ISO form of the French date following `phrase` in the section, "" if absent."""
    text = clean(" ".join(section.lines))
    match = re.search(phrase + r"\s+(\d{1,2}(?:er)?\s+\S+\s+\d{4})", text)
    if not match:
        if required:
            raise ParseError(path, section.line,
                             f"« {phrase} <date> » absent de la section « Base légale »")
        return ""
    line = next((section.first + i for i, t in enumerate(section.lines)
                 if re.search(phrase, t)), section.line)
    return iso_date_fr(match.group(1), path, line)


def _lieux(section: Section) -> list[str]:
    """One entry per blank-separated group of lines; the empty « [] » of the export dropped."""
    groups: list[list[str]] = [[]]
    for line in section.lines:
        text = clean(line.replace("[]", ""))
        if text:
            groups[-1].append(text)
        elif groups[-1]:
            groups.append([])
    return [", ".join(g) for g in groups if g]
