"""Helpers shared by the two RNCP (France Compétences) sheet parsers.

Only layout-level knowledge lives here: the fixed labels of the RNCP form (headings, access
routes, French month names), text cleanup and small line parsers. No fact about a given
certification is written in this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable, Optional

from knowledge.model import CodeRome, Record, SourceRef, VoieAcces
from knowledge.parsers.errors import ParseError

APOS = "['’]"  # the sheets mix straight and curly apostrophes

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}

# Row labels of the RNCP « voies d'accès » table (a fixed part of the form, like a heading).
VOIE_LABELS = (
    "Après un parcours de formation sous statut d'élève ou d'étudiant",
    "En contrat d'apprentissage",
    "Après un parcours de formation continue",
    "En contrat de professionnalisation",
    "Par candidature individuelle",
    "Par expérience",
)

_BULLET = re.compile(r"^\s*(?:[-–]\s+|[•·▪]\s*)")
_URL = re.compile(r"https?://[^\s<>()\[\]]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CODE_LABEL = re.compile(r"^(\d+[a-z]?)\s*(?::\s*|\s+)(\S.*)$")
_ROME = re.compile(r"^(?:[•·-]\s*)?([A-Z]\d{4})\s*[-–:]\s*(\S.*)$")
_SENTENCE_END = re.compile(r"[.!?…][)»\"”]?$")


# --- text cleanup -------------------------------------------------------------------------


def clean(text: str) -> str:
    """Collapse runs of whitespace (line wraps, non-breaking spaces) into one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def strip_bullet(text: str) -> str:
    """Drop a leading bullet marker (« - », « – », « • ») and clean the rest."""
    return clean(_BULLET.sub("", text, count=1))


def is_bullet(text: str) -> bool:
    return bool(_BULLET.match(text))


def paragraphs(lines: list[str]) -> list[str]:
    """One paragraph per non-empty line (web layout: a line is a paragraph), bullets stripped."""
    return [p for p in (strip_bullet(line) for line in lines) if p]


def reflow(lines: list[str]) -> list[str]:
    """Re-join PDF-wrapped lines into paragraphs.

    Blank lines are page breaks, not paragraph breaks; a paragraph ends on a line ending a
    sentence, or where a bullet starts.
    """
    paras: list[str] = []
    current: list[str] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if is_bullet(text) and current:
            paras.append(clean(" ".join(current)))
            current = []
        current.append(strip_bullet(text))
        if _SENTENCE_END.search(text):
            paras.append(clean(" ".join(current)))
            current = []
    if current:
        paras.append(clean(" ".join(current)))
    return paras


def bullet_items(lines: list[str], is_heading: Callable[[str], bool]) -> list[str]:
    """The « - » items of `lines`; a non-bullet line continues the current item (a wrap),
    unless `is_heading` says it is a heading, which closes it. Text before the first item
    (an introduction) is skipped."""
    items: list[list[str]] = []
    open_item = False
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if is_bullet(text):
            items.append([strip_bullet(text)])
            open_item = True
        elif is_heading(text):
            open_item = False
        elif open_item:
            items[-1].append(text)
    return [clean(" ".join(parts)) for parts in items]


def first_sentence_with(text: str, pattern: str) -> str:
    """The first sentence of `text` matching `pattern` ("" if none)."""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if re.search(pattern, sentence):
            return sentence.strip()
    return ""


def find_urls(text: str) -> list[str]:
    return _unique(m.group(0).rstrip(".,;") for m in _URL.finditer(text))


def find_emails(text: str) -> list[str]:
    return _unique(m.group(0) for m in _EMAIL.finditer(text))


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))


def dash_empty(value: str) -> str:
    """The sheets write « - » for an empty cell."""
    value = clean(value)
    return "" if value in ("-", "–") else value


def int_or_none(value: str) -> Optional[int]:
    value = value.strip()
    return None if value in ("-", "–", "") else int(value)


# --- sections -----------------------------------------------------------------------------


@dataclass
class Heading:
    """A heading to look for: `pattern` is matched against the stripped line."""

    key: str
    pattern: str
    label: str  # how the error message names it
    required: bool = True


@dataclass
class Section:
    key: str
    line: int  # 1-based number of the heading line (0 when absent)
    rest: str = ""  # text after the heading on its own line
    lines: list[str] = field(default_factory=list)  # the body, up to the next heading

    @property
    def first(self) -> int:
        """1-based number of the first body line."""
        return self.line + 1


def split_sections(path: Path, lines: list[str], headings: list[Heading]) -> dict[str, Section]:
    """Find `headings` in order and cut the document into their bodies.

    A missing required heading raises ParseError at the line the search started from; a
    missing optional one gives an empty section.
    """
    found: list[tuple[Heading, int, re.Match[str]]] = []
    pos = 0
    for heading in headings:
        regex = re.compile(heading.pattern)
        for i in range(pos, len(lines)):
            match = regex.match(lines[i].strip())
            if match:
                found.append((heading, i, match))
                pos = i + 1
                break
        else:
            if heading.required:
                raise ParseError(path, pos + 1, f"titre « {heading.label} » absent "
                                                f"(cherché à partir de la ligne {pos + 1})")
    sections = {h.key: Section(h.key, 0) for h in headings}
    for n, (heading, i, match) in enumerate(found):
        end = found[n + 1][1] if n + 1 < len(found) else len(lines)
        rest = lines[i].strip()[match.end():].strip()
        sections[heading.key] = Section(heading.key, i + 1, rest, lines[i + 1:end])
    return sections


def next_nonempty(section: Section) -> tuple[int, str]:
    """(1-based line number, text) of the first non-empty body line, or (0, "")."""
    for offset, line in enumerate(section.lines):
        if line.strip():
            return section.first + offset, line.strip()
    return 0, ""


# --- line parsers -------------------------------------------------------------------------


def code_labels(section: Section) -> list[tuple[str, str]]:
    """The « 320 : label » / « 320 label » lines right after a heading (NSF, formacode).

    The list stops at the first other non-empty line; it may be empty."""
    candidates = ([section.rest] if section.rest else []) + section.lines
    pairs: list[tuple[str, str]] = []
    for line in candidates:
        text = clean(line)
        if not text:
            continue
        match = _CODE_LABEL.match(text)
        if not match:
            break
        pairs.append((match.group(1), match.group(2)))
    return pairs


def rome_codes(section: Section) -> list[tuple[str, str, int]]:
    """(code, label, 1-based line) of the « E1103 - Communication » / « • E1103 : … » lines.

    The doubled apostrophe of the export (« Organisation d''évènementiel ») is undone."""
    found = []
    for offset, line in enumerate(section.lines):
        match = _ROME.match(clean(line))
        if match:
            found.append((match.group(1), match.group(2).replace("''", "'"),
                          section.first + offset))
    return found


def iso_date_dmy(text: str, path: Path, line: int) -> str:
    """« 08-07-2023 » (or 08/07/2023) → « 2023-07-08 »."""
    match = re.search(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b", text)
    if not match:
        raise ParseError(path, line, f"aucune date jj-mm-aaaa dans « {clean(text)} »")
    day, month, year = (int(g) for g in match.groups())
    return _iso(year, month, day, path, line)


def iso_date_fr(text: str, path: Path, line: Optional[int]) -> str:
    """« 07 juillet 2017 » / « 1er juin 2011 » → ISO date."""
    match = re.search(r"\b(\d{1,2})(?:er)?\s+([a-zéû]+)\s+(\d{4})\b", text, re.IGNORECASE)
    if not match or match.group(2).lower() not in MONTHS:
        raise ParseError(path, line, f"aucune date « jj mois aaaa » dans « {clean(text)} »")
    return _iso(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)),
                path, line)


def _iso(year: int, month: int, day: int, path: Path, line: Optional[int]) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError as exc:
        raise ParseError(path, line, f"date invalide {day:02d}-{month:02d}-{year} : {exc}") from None


def parse_voies(lines: list[str], to_text: Callable[[list[str]], list[str]]) -> list[VoieAcces]:
    """The « voies d'accès » table, flattened by the text export.

    Each row starts with one of VOIE_LABELS; words before the first « X » mark extend the
    label (« Par expérience dispositif VAE prévu en 2014 »); what follows is the jury. The
    Oui/Non column is lost in the flattened text (an « X » reads the same in either), so
    `ouverte` is inferred: True when a jury composition is given, False when it is « - » or
    absent (a route closed on the sheet has no jury).
    """
    text = "\n".join(lines)
    starts = sorted(
        (m.start(), m.end())
        for label in VOIE_LABELS
        for m in [re.search(_label_regex(label), text)]
        if m
    )
    voies = []
    for n, (start, end) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(text)
        label, rest = text[start:end], text[end:stop]
        mark = re.search(r"(?:^|\s)X(?=\s|$)", rest)
        if mark:
            label, rest = label + " " + rest[:mark.start()], rest[mark.end():]
        jury = "\n".join(to_text(rest.split("\n")))
        if not dash_empty(jury):
            jury = ""
        voies.append(VoieAcces(voie=clean(label), ouverte=bool(jury), jury=jury))
    return voies


def _label_regex(label: str) -> str:
    words = [re.escape(w).replace("'", APOS) for w in label.split()]
    return r"(?m)^[ \t]*" + r"\s+".join(words) + r"(?!\w)"


# --- records ------------------------------------------------------------------------------


def make_source(path: Path, meta: dict, numero: str) -> SourceRef:
    return SourceRef(publisher=meta["publisher"], document=path.name, reference=numero,
                     licence=meta.get("licence", ""))


def rome_records(found: list[tuple[str, str, int]], source: SourceRef) -> list[Record]:
    """One CodeRome per (code, label, line) of `rome_codes`, its source pointing at the line."""
    return [CodeRome(id=code, source=replace(source, line=line), code=code, libelle=label)
            for code, label, line in found]


def read_lines(path: Path) -> list[str]:
    return Path(path).read_text(encoding="utf-8").splitlines()
