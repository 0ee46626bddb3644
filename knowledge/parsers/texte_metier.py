"""Parser for a free descriptive text about a job (no headings).

Reads, sentence by sentence: the reporting line (« Rattaché … »), the main mission
(« Sa mission principale consiste à … »), the missions (every sentence of the paragraph that
starts « Concrètement, les missions … »), and the qualities (the sentence on « qualités »).
The title is not in the text: the manifest gives it.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Appellation, Metier, Record, SourceRef
from .errors import ParseError
from .text import clean, sentences

_MAIN_MISSION = re.compile(r"mission principale consiste à (?P<m>.+?)\.?$", re.I)
_QUALITY_SPLIT = re.compile(r",\s*|\s+alliées? à\s+|\s+sans oublier\s+|\s+et\s+")
_DETERMINER = re.compile(r"^(?:des|une|un|les|le|la|l['’])\s*", re.I)
_LEAD_IN = re.compile(r"^(?:au final|enfin|bref),\s*", re.I)


def _qualities(sentence: str) -> list[str]:
    """« Au final, des qualités X alliées à un Y, une Z sans oublier l'W définissent … » → [X, Y, Z, W]."""
    core = _LEAD_IN.sub("", re.sub(r"\s+(?:définissent|caractérisent|sont)\b.*$", "", sentence))
    return [_DETERMINER.sub("", part).strip() for part in _QUALITY_SPLIT.split(core) if part.strip()]


def parse(path: Path, meta: dict) -> list[Record]:
    raw = path.read_text(encoding="utf-8")
    paragraphs = [(raw[: m.start()].count("\n") + 1, m.group()) for m in re.finditer(r"[^\n]+", raw)]
    for key in ("id", "titre_masculin"):
        if not meta.get(key):
            raise ParseError(path, None, f"le manifeste ne donne pas « {key} » pour ce texte")
    source = SourceRef(meta["publisher"], path.name, meta.get("reference", ""), meta.get("licence", ""))
    job = Metier(meta["id"], source)
    job.appellation = Appellation(meta.get("titre_feminin", ""), meta["titre_masculin"])
    job.description = clean(raw)
    missions_line = None
    for line, paragraph in paragraphs:
        in_missions = paragraph.lstrip().lower().startswith("concrètement")
        if in_missions:
            missions_line = line
        for sentence in sentences(paragraph):
            if sentence.lower().startswith("rattaché"):
                job.rattachement = sentence
            elif match := _MAIN_MISSION.search(sentence):
                job.missions.insert(0, match["m"][0].upper() + match["m"][1:] + ".")
            elif "qualités" in sentence.lower():
                job.qualites = _qualities(sentence)
            elif in_missions:
                job.missions.append(sentence)
    if missions_line is None or len(job.missions) < 2:
        raise ParseError(path, None, "paragraphe des missions (« Concrètement, les missions … ») introuvable")
    if not job.qualites:
        raise ParseError(path, missions_line, "phrase sur les qualités introuvable")
    return [job]
