"""Build the knowledge base: parse the source documents, read the national exports, merge, relate, write the store.

The manifest (knowledge/sources/manifest.yml) lists both: source documents (`format`: a parser) and national
exports (`import`: an import kind), the latter read straight from their archives. An export given to
`orientation kb import` (build/imports.sqlite) takes the place of the shipped archive of its kind.

One record per thing: copies of one id merge (source documents first: their facts win, the national data fills
the gaps, each filled field noting its source in `provenance`), and a job of the source documents absorbs its
national twin (merge.find_twins): the seed's id is kept, the twin's id becomes a redirect, and every reference
to the twin (formations, sectors, related jobs) points to the kept record.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import yaml

from .importers import Skip
from .imports import ImportStore, file_sha256, imports_path, read_export
from .linker import FOUND, Alias, Linker
from .merge import as_twin, find_twins, merge, remap
from .model import Certification, Formation, Metier, Record
from .names import aliases
from .normalize import normalize
from .parsers.errors import ParseError
from .store import StoreWriter

SOURCES = Path(__file__).parent / "sources"
MANIFEST = SOURCES / "manifest.yml"
CODE = Path(__file__).parent  # the knowledge package: its code is an input of the build too (but for what only reads)
READERS_ONLY = {"cli.py", "kb.py", "conversation.py", "progress.py"}


def load_manifest(manifest: Path = MANIFEST) -> list[dict]:
    entries = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ParseError(manifest, 1, "le manifeste doit être une liste de documents")
    from .imports import KINDS

    for number, entry in enumerate(entries, start=1):
        keys = ("file", "import", "publisher", "sha256") if "import" in entry else ("file", "format", "publisher")
        for key in keys:
            if not entry.get(key):
                raise ParseError(manifest, None, f"entrée n° {number} : clé « {key} » absente")
        if "import" in entry and entry["import"] not in KINDS:
            raise ParseError(manifest, None, f"entrée n° {number} : type d'import inconnu « {entry['import']} »")
    return entries


def seed_entries(manifest: Path = MANIFEST) -> list[dict]:
    """The source documents of the manifest (read by a parser)."""
    return [e for e in load_manifest(manifest) if "format" in e]


def national_entries(manifest: Path = MANIFEST) -> list[dict]:
    """The national exports of the manifest (read by an importer, from the archive as distributed)."""
    return [e for e in load_manifest(manifest) if "import" in e]


def parse_sources(manifest: Path = MANIFEST) -> list[Record]:
    """Every record of every source document, as parsed (duplicates not yet merged)."""
    records: list[Record] = []
    for entry in seed_entries(manifest):
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
        out += [(record.id, "associe", m) for m in record.metiers_associes if m != record.id]
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
    """A hash of the manifest, the documents and archives it names, and the code that reads them: tells when a
    rebuild is due (exports imported with `kb import` are told apart by the store's meta « imports »)."""
    digest = hashlib.sha256(manifest.read_bytes())
    for entry in load_manifest(manifest):
        path = manifest.parent / entry["file"]
        digest.update(file_sha256(path).encode() if path.exists() else b"missing")
    for code in sorted(p for p in CODE.rglob("*.py") if p.relative_to(CODE).as_posix() not in READERS_ONLY):
        digest.update(code.relative_to(CODE).as_posix().encode() + b"\0" + code.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Export:
    """A national export the build reads: the shipped archive of a kind, or the export imported in its place."""

    kind: str
    origin: str  # "shipped" (knowledge/sources/national/) or "import" (build/imports.sqlite)
    file: str
    sha256: str
    edition: str = ""  # the manifest's, for the records of a shipped archive that give none
    path: Optional[Path] = None  # the archive (shipped exports)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "origin": self.origin, "file": self.file, "sha256": self.sha256}


def exports_in_effect(manifest: Path, store: Optional[ImportStore],
                      say: Callable[[str], None] = lambda _: None) -> list[Export]:
    """Which export of each kind the build reads, saying why when it is not the shipped archive as listed."""
    imported = store.exports() if store else {}
    out: list[Export] = []
    for entry in national_entries(manifest):
        kind, path = entry["import"], manifest.parent / entry["file"]
        if not path.exists():
            raise ParseError(path, None, "export national du manifeste introuvable")
        sha = file_sha256(path)
        newer = imported.get(kind)
        if newer and newer.shipped_sha256 == sha:
            say(f"{kind} : export importé {newer.file} du {newer.imported_at} (au lieu de {path.name})")
            out.append(Export(kind, "import", newer.file, newer.sha256))
            continue
        if newer:  # the archive changed since that import (or the import predates this rule): the archive wins
            say(f"{kind} : l'archive {path.name} est plus récente que l'export importé {newer.file or '(ancien import)'}"
                " : elle est lue à sa place")
        if sha != entry["sha256"]:
            say(f"{path.name} : export différent de celui du manifeste (sha256 {sha[:12]}… au lieu de "
                f"{entry['sha256'][:12]}…) : ce nouvel export est lu")
        out.append(Export(kind, "shipped", path.name, sha, entry.get("edition", "") if sha == entry["sha256"] else "",
                          path))
    shipped_kinds = {e.kind for e in out}
    out += [Export(kind, "import", e.file, e.sha256) for kind, e in sorted(imported.items()) if kind not in shipped_kinds]
    return out


def _read_shipped(export: Export, progress: Optional[Callable[[], None]]) -> Iterator[Record]:
    for item in read_export(export.kind, export.path):
        if isinstance(item, Skip):
            continue
        if export.edition and not item.source.edition:
            item.source.edition = export.edition
        if progress:
            progress()
        yield item


def _join(pool: dict[str, list[Record]], stream: Iterator[tuple[str, list[Record]]]) -> Iterator[list[Record]]:
    """The copies of each id, in id order: those in memory (`pool`) first, then the streamed ones."""
    pending = sorted(pool)
    index = 0
    for record_id, copies in stream:
        while index < len(pending) and pending[index] < record_id:
            yield pool[pending[index]]
            index += 1
        if index < len(pending) and pending[index] == record_id:
            yield pool[pending[index]] + copies
            index += 1
        else:
            yield copies
    for record_id in pending[index:]:
        yield pool[record_id]


def build(target: Path, manifest: Path = MANIFEST, imports: Optional[Path] = None,
          progress: Optional[Callable[[], None]] = None, report: Optional[Callable[[str], None]] = None) -> dict[str, int]:
    """Parse the sources, read the national exports, merge, write the store at `target` (atomically).

    The shipped archives are read into memory (tens of MB); exports imported in their place or besides are
    streamed from build/imports.sqlite in id order, but for their jobs (needed whole to find twins and link
    certifications to jobs). `report` receives notes on the exports read. Returns counts per type."""
    say = report or (lambda _: None)
    seeds = merge(parse_sources(manifest))
    imports = imports or imports_path(target)
    store = ImportStore(imports) if imports.exists() else None
    exports = exports_in_effect(manifest, store, say)
    imported_kinds = [e.kind for e in exports if e.origin == "import"]

    # The national copies in memory, by id: the shipped archives, and the imported jobs.
    national: dict[str, list[Record]] = defaultdict(list)
    origins: set[tuple[str, str, str]] = set()
    for export in exports:
        if export.origin == "shipped":
            for record in _read_shipped(export, progress):
                national[record.id].append(record)
                origins.add((export.kind, record.id, record.type))
    if store and imported_kinds:
        marks = ", ".join("?" * len(imported_kinds))
        origins.update(store.db.execute(f"SELECT kind, id, type FROM imported WHERE kind IN ({marks})", imported_kinds))
        for kind in imported_kinds:
            for record in store.records(kind, "metier"):
                national[record.id].append(record)

    # Twins: the national job a seed job is, merged into it.
    seed_jobs = {i: r for i, r in seeds.items() if isinstance(r, Metier)}
    national_jobs = {i: [c for c in copies if isinstance(c, Metier)] for i, copies in national.items()}
    redirects = find_twins(seed_jobs.values(), {i: c for i, c in national_jobs.items() if c})
    for twin_id, kept_id in redirects.items():
        for copy in national_jobs[twin_id]:
            as_twin(copy, seed_jobs[kept_id])

    # Every job merged now (seeds first): twins and links of certifications to jobs need them all.
    jobs = merge([*seed_jobs.values(),
                  *(remap(c, redirects) for i in sorted(national_jobs) for c in national_jobs[i])])
    job_aliases = {i: aliases(job) for i, job in jobs.items()}
    job_linker = Linker(a for names in job_aliases.values() for a in names)
    pool: dict[str, list[Record]] = {i: [job] for i, job in jobs.items()}
    for record_id, record in seeds.items():
        pool.setdefault(record_id, [record])
    for record_id, copies in national.items():
        rest = [remap(c, redirects) for c in copies if not isinstance(c, Metier)]
        if rest:
            pool.setdefault(record_id, []).extend(rest)
    del national, national_jobs

    streamed: Iterator[tuple[str, list[Record]]] = iter(())
    if store and imported_kinds:
        streamed = ((i, [remap(c, redirects) for c in copies if not isinstance(c, Metier)])
                    for i, copies in store.records_by_id(imported_kinds))
    extra = _redirect_aliases(redirects, jobs)
    first = {id(r) for r in seeds.values()} | {id(r) for r in jobs.values()}
    counts: dict[str, int] = {}
    with StoreWriter(target) as writer:
        for copies in _join(pool, streamed):
            if not copies:
                continue
            record = merge(_ordered(copies, first))[copies[0].id]
            names = job_aliases.get(record.id) if isinstance(record, Metier) else None
            writer.add(record, (names or aliases(record)) + extra.get(record.id, []), relations(record, job_linker))
            counts[record.type] = counts.get(record.type, 0) + 1
            if progress and copies[0].id not in jobs:
                progress()
        writer.add_redirects(redirects)
        writer.add_origins(sorted(origins))
        dropped = writer.drop_dangling_relations()
        writer.commit({"sources_digest": sources_digest(manifest),
                       "exports": json.dumps([e.to_dict() for e in exports], ensure_ascii=False),
                       "imports": json.dumps([e.to_dict() for e in exports if e.origin == "import"]),
                       "imported_records": str(store.count(imported_kinds) if store and imported_kinds else 0),
                       "redirects": str(len(redirects)),
                       "dropped_relations": str(dropped)})
    if store:
        store.close()
    if redirects:
        say("un enregistrement par métier : " + ", ".join(f"{t} → {k}" for t, k in sorted(redirects.items())))
    return counts


def _ordered(copies: list[Record], first: set[int]) -> list[Record]:
    """The copies of one record in the order they merge: the source documents' (`first`), then the record's
    own national fiche (« fiche FOR.1000 » for FOR.1000), then the copies other fiches gave (a job's fiche
    naming a formation)."""
    return sorted(copies, key=lambda c: (id(c) not in first, c.id not in c.source.reference))


def _redirect_aliases(redirects: dict[str, str], jobs: dict[str, Metier]) -> dict[str, list[Alias]]:
    """The twin's id (« MET.8 ») as a name of the kept record."""
    out: dict[str, list[Alias]] = defaultdict(list)
    for twin_id, kept_id in redirects.items():
        job = jobs[kept_id]
        out[kept_id].append(Alias(kept_id, job.type, job.label, twin_id, normalize(twin_id).text))
    return out


def store_is_current(store: Path, manifest: Path = MANIFEST) -> bool:
    """Whether a built store holds the current sources and no imported export (so a copy of it is what a
    build would make)."""
    import sqlite3

    if not store.exists():
        return False
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
    except sqlite3.Error:
        return False
    return meta.get("sources_digest") == sources_digest(manifest) and meta.get("imports") == "[]"


def build_or_copy(target: Path, built: Iterable[Path], manifest: Path = MANIFEST) -> str:
    """A store at `target` for the current sources: a copy of the first of `built` that is current, or a build.
    Returns where it comes from (a path, or « build »)."""
    import shutil

    for candidate in built:
        if store_is_current(candidate, manifest):
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".copy")
            shutil.copyfile(candidate, tmp)
            tmp.replace(target)
            return str(candidate)
    build(target, manifest)
    return "build"
