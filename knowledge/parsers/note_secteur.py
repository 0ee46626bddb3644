"""Parser for the structured note on a kind of employer (« Agence de communication »).

Layout: a `# title`, then top-level `- question ?` items, each with nested `- ` items. Under the
org-chart question, every nested item is a job: its first line is the job title and the following
lines, if any, its description (a job without description is recorded as such, never filled in).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Appellation, Metier, Record, Secteur, SourceRef
from .errors import ParseError
from .text import clean, slug

_ITEM = re.compile(r"^(?P<indent>\s*)-(?:\s+(?P<text>.*))?$")  # « --> » is not a bullet


def _items(lines: list[str], path: Path) -> list[dict]:
    """Flatten the bullet tree into items {line, indent, text} with continuation lines joined."""
    items: list[dict] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _ITEM.match(line)
        if match:
            items.append({"line": number, "indent": len(match["indent"]), "text": [match["text"] or ""]})
        elif items:
            items[-1]["text"].append(line)
        else:
            raise ParseError(path, number, "texte hors de toute liste")
    for item in items:
        item["lines"] = [clean(t) for t in item["text"] if clean(t)]
    return [i for i in items if i["lines"]]


def parse(path: Path, meta: dict) -> list[Record]:
    lines = path.read_text(encoding="utf-8").splitlines()
    title = next((row[2:].strip() for row in lines if row.startswith("# ")), "")
    if not title:
        raise ParseError(path, 1, "titre « # … » absent")
    items = _items(lines, path)
    questions = [i for i in items if i["indent"] == 0]
    org = next((q for q in questions if "métiers" in q["lines"][0].lower()), None)
    if org is None:
        raise ParseError(path, None, "question sur les métiers de l'organigramme absente")
    source = SourceRef(meta["publisher"], path.name, "", meta.get("licence", ""))
    sector = Secteur(meta.get("id") or f"SECT.{slug(title)}", source, nom=title[0].lower() + title[1:])
    first = questions[0]
    parent = re.search(r"secteur d[ue]s? (?P<s>[^?]+?)\s*\?", first["lines"][0])
    sector.secteur_parent = parent["s"].strip() if parent else ""

    records: list[Record] = [sector]
    for item in items:
        if item["indent"] == 0:
            continue
        owner = max((q for q in questions if q["line"] < item["line"]), key=lambda q: q["line"])
        text = " ".join(item["lines"])
        if owner is org:
            job = _job(item, sector, source)
            sector.metiers.append(job.id)
            records.append(job)
        elif text.lower().startswith("la communication externe"):
            sector.communication_externe = text
        elif text.lower().startswith("la communication interne"):
            sector.communication_interne = text
        elif text.endswith(":") and "distingue" in text:
            continue  # the lead-in sentence of the internal/external distinction
        else:
            sector.description.append(text.rstrip(" :") if text.endswith(":") else text)
    if not sector.metiers:
        raise ParseError(path, org["line"], "aucun métier sous la question de l'organigramme")
    return records


def _job(item: dict, sector: Secteur, source: SourceRef) -> Metier:
    title, *description = item["lines"]
    job = Metier(f"JOB.{slug(title)}", SourceRef(**{**source.__dict__, "line": item["line"]}))
    job.appellation = Appellation(masculin=title[0].lower() + title[1:])
    job.description = " ".join(description)
    job.description_absente = not description
    job.secteurs = [sector.id]
    return job
