"""Build the knowledge base: parse every source of the manifest, merge, relate, write the store."""

from __future__ import annotations

import dataclasses
import hashlib
from importlib import import_module
from pathlib import Path
from typing import Iterable

import yaml

from .grammar import feminize
from .linker import FOUND, Alias, Linker
from .model import Certification, CodeRome, Formation, Metier, Record, Secteur, CentreInteret
from .normalize import normalize
from .parsers.errors import ParseError
from .store import write_store

SOURCES = Path(__file__).parent / "sources"
MANIFEST = SOURCES / "manifest.yml"


def load_manifest(manifest: Path = MANIFEST) -> list[dict]:
    entries = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ParseError(manifest, 1, "le manifeste doit être une liste de documents")
    for number, entry in enumerate(entries, start=1):
        for key in ("file", "format", "publisher"):
            if not entry.get(key):
                raise ParseError(manifest, None, f"entrée n° {number} : clé « {key} » absente")
    return entries


def parse_sources(manifest: Path = MANIFEST) -> list[Record]:
    """Every record of every document, as parsed (duplicates not yet merged)."""
    records: list[Record] = []
    for entry in load_manifest(manifest):
        path = manifest.parent / entry["file"]
        if not path.exists():
            raise ParseError(path, None, "document du manifeste introuvable")
        try:
            parser = import_module(f"knowledge.parsers.{entry['format']}")
        except ModuleNotFoundError:
            raise ParseError(manifest, None, f"format inconnu « {entry['format']} » pour {entry['file']}") from None
        records.extend(parser.parse(path, entry))
    return records


def merge(records: Iterable[Record]) -> dict[str, Record]:
    """One record per id: later copies fill the empty fields of the first, lists are united."""
    merged: dict[str, Record] = {}
    for record in records:
        first = merged.get(record.id)
        if first is None:
            merged[record.id] = record
            continue
        if type(first) is not type(record):
            raise ParseError(record.source.document, record.source.line, f"{record.id} : deux types différents")
        for f in dataclasses.fields(record):
            old, new = getattr(first, f.name), getattr(record, f.name)
            if isinstance(old, list):
                setattr(first, f.name, old + [v for v in new if v not in old])
            elif not old and new:
                setattr(first, f.name, new)
    return merged


def aliases(record: Record) -> list[Alias]:
    """The names a student may use for a record."""
    names: list[str] = [record.id]
    if isinstance(record, Metier):
        for app in [record.appellation, *record.autres_appellations]:
            names += [app.masculin, app.feminin or feminize(app.masculin)]
    elif isinstance(record, Certification):
        names += [record.intitule, record.numero, record.numero.removeprefix("RNCP")]
    elif isinstance(record, Formation):
        names.append(record.libelle)
    elif isinstance(record, Secteur):
        names.append(record.nom)
    elif isinstance(record, CodeRome):
        names += [record.code, record.libelle]
    elif isinstance(record, CentreInteret):
        names.append(record.libelle)
    seen: set[str] = set()
    out = []
    for name in names:
        norm = normalize(name).text if name else ""
        if norm and norm not in seen:
            seen.add(norm)
            out.append(Alias(record.id, record.type, record.label, name, norm))
    return out


def relations(records: dict[str, Record], linker: Linker) -> list[tuple[str, str, str]]:
    """(source id, relation, target id) triples; read both ways from the store."""
    out: list[tuple[str, str, str]] = []
    for record in records.values():
        if isinstance(record, Metier):
            out += [(record.id, "formation", f.id) for f in record.formations]
            out += [(record.id, "rome", code) for code in record.codes_rome]
            out += [(record.id, "interet", i) for i in record.centres_interet]
            out += [(s, "metier", record.id) for s in record.secteurs]
        elif isinstance(record, Certification):
            out += [(record.id, "rome", code) for code in record.codes_rome]
            for job in record.emplois_accessibles:
                hit = linker.link(job, types=["metier"])
                if hit.status == FOUND and hit.best.score >= 95:
                    out.append((record.id, "emploi", hit.best.id))
        elif isinstance(record, Formation):
            out += [(record.id, "metier", m) for m in record.metiers]
    return sorted(set(out))


def sources_digest(manifest: Path = MANIFEST) -> str:
    """A hash of the manifest and the documents it names: tells when a rebuild is due."""
    digest = hashlib.sha256(manifest.read_bytes())
    for entry in load_manifest(manifest):
        digest.update((manifest.parent / entry["file"]).read_bytes())
    return digest.hexdigest()


def build(target: Path, manifest: Path = MANIFEST) -> dict[str, int]:
    """Parse, merge, relate and write the store at `target` (atomically). Returns counts per type."""
    records = merge(parse_sources(manifest))
    all_aliases = [a for r in records.values() for a in aliases(r)]
    links = relations(records, Linker(all_aliases))
    write_store(target, records.values(), all_aliases, links, {"sources_digest": sources_digest(manifest)})
    counts: dict[str, int] = {}
    for record in records.values():
        counts[record.type] = counts.get(record.type, 0) + 1
    return counts
