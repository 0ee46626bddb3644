"""Build the knowledge base: parse every source of the manifest, merge, relate, write the store."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from importlib import import_module
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import yaml

from .grammar import feminize
from .linker import FOUND, Alias, Linker
from .model import (Appellation, BlocCompetences, CentreInteret, Certificateur, Certification, CodeRome, Formation,
                    FormationRef, Metier, Record, Secteur, StatistiqueAnnuelle, VoieAcces)
from .normalize import normalize
from .parsers.errors import ParseError
from .imports import ImportStore, imports_path
from .store import StoreWriter

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


def _citation(record: Record) -> str:
    return f"{record.source.publisher}, {record.source.document}"


def _known_appellation(value: object, existing: list) -> bool:
    """An appellation whose forms all normalise like names already there (« responsable communication »)."""
    if not isinstance(value, Appellation):
        return False
    known = {normalize(n).text for a in existing if isinstance(a, Appellation) for n in (a.feminin, a.masculin) if n}
    return all(normalize(n).text in known for n in (value.feminin, value.masculin) if n)


def _item_key(item: object) -> object:
    """What makes two list items the same thing (a year's statistics, an access route, a block…)."""
    if isinstance(item, StatistiqueAnnuelle):
        return ("annee", item.annee)
    if isinstance(item, VoieAcces):
        return ("voie", normalize(item.voie).text)
    if isinstance(item, BlocCompetences):
        return ("bloc", item.code or item.numero)
    if isinstance(item, Certificateur):
        return ("certificateur", normalize(item.nom_legal).text)
    if isinstance(item, FormationRef):
        return ("formation", item.id)
    return None


def _merge_list(old: list, new: list) -> bool:
    """Add the new items to `old` (in place); an item already there only gets its empty fields filled."""
    by_key = {k: item for item in old if (k := _item_key(item)) is not None}
    changed = False
    for item in new:
        key = _item_key(item)
        if key is not None and key in by_key:
            current = by_key[key]
            for f in dataclasses.fields(current):
                if getattr(current, f.name) in (None, "", []) and getattr(item, f.name) not in (None, "", []):
                    setattr(current, f.name, getattr(item, f.name))
                    changed = True
        elif item not in old and not _known_appellation(item, old):
            old.append(item)
            changed = True
            if key is not None:
                by_key[key] = item
    return changed


def merge(records: Iterable[Record]) -> dict[str, Record]:
    """One record per id: later copies fill the empty fields of the first, lists are united.

    A field filled from a later copy is noted in the record's `provenance` (field → source)."""
    merged: dict[str, Record] = {}
    for record in records:
        first = merged.get(record.id)
        if first is None:
            merged[record.id] = record
            continue
        if type(first) is not type(record):
            raise ParseError(record.source.document, record.source.line, f"{record.id} : deux types différents")
        for f in dataclasses.fields(record):
            if f.name in {"id", "source", "provenance"}:
                continue
            old, new = getattr(first, f.name), getattr(record, f.name)
            if isinstance(old, list):
                if _merge_list(old, new):
                    first.provenance.setdefault(f.name, _citation(record))
            elif not old and new:
                setattr(first, f.name, new)
                first.provenance[f.name] = _citation(record)
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


def relations(record: Record, job_linker: Optional[Linker]) -> list[tuple[str, str, str]]:
    """(source id, relation, target id) triples of one record; read both ways from the store."""
    out: list[tuple[str, str, str]] = []
    if isinstance(record, Metier):
        out += [(record.id, "formation", f.id) for f in record.formations]
        out += [(record.id, "rome", code) for code in record.codes_rome]
        out += [(record.id, "interet", i) for i in record.centres_interet]
        out += [(s, "metier", record.id) for s in record.secteurs]
    elif isinstance(record, Certification):
        out += [(record.id, "rome", code) for code in record.codes_rome]
        for job in record.emplois_accessibles if job_linker else []:
            hit = job_linker.link(job, types=["metier"])
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


def _merged_stream(seeds: dict[str, Record], imported: Iterator[tuple[str, list[Record]]]) -> Iterator[Record]:
    """Seeds and imports merged by id, in id order: the source documents first, imports fill the gaps."""
    pending = sorted(seeds)
    index = 0
    for record_id, copies in imported:
        while index < len(pending) and pending[index] < record_id:
            yield seeds[pending[index]]
            index += 1
        seed = seeds.get(record_id)
        if seed is not None:
            index += 1
        yield merge(([seed] if seed else []) + copies)[record_id]
    for record_id in pending[index:]:
        yield seeds[record_id]


def build(target: Path, manifest: Path = MANIFEST, imports: Optional[Path] = None,
          progress: Optional[Callable[[], None]] = None) -> dict[str, int]:
    """Parse the sources, merge the imported records, write the store at `target` (atomically).

    Streams: only the job aliases (for linking certifications to jobs) stay in memory.
    Returns counts per type."""
    seeds = merge(parse_sources(manifest))
    imports = imports or imports_path(target)
    store = ImportStore(imports) if imports.exists() else None
    jobs = [copy.deepcopy(r) for r in seeds.values() if isinstance(r, Metier)]
    jobs += list(store.of_type("metier")) if store else []
    job_linker = Linker(a for job in merge(jobs).values() for a in aliases(job))
    counts: dict[str, int] = {}
    with StoreWriter(target) as writer:
        for record in _merged_stream(seeds, store.records_by_id() if store else iter(())):
            writer.add(record, aliases(record), relations(record, job_linker))
            counts[record.type] = counts.get(record.type, 0) + 1
            if progress:
                progress()
        writer.commit({"sources_digest": sources_digest(manifest),
                       "imported_records": str(store.count() if store else 0)})
    if store:
        store.close()
    return counts
