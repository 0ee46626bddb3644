"""Build the knowledge base: parse every source of the manifest, merge, relate, write the store."""

from __future__ import annotations

import copy
import hashlib
from importlib import import_module
from pathlib import Path
from typing import Callable, Iterator, Optional

import yaml

from .linker import FOUND, Linker
from .names import aliases
from .model import Certification, Formation, Metier, Record
from .parsers.errors import ParseError
from .imports import ImportStore, imports_path
from .merge import merge
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
