"""Exports imported with `orientation kb import`, kept apart from the sources so `kb build` merges them again.

`build/imports.sqlite` (beside the store) holds one row per (import kind, record id, type) and, in
`exports`, the export in effect for each kind: its file name, sha256, date, and the sha256 of the
archive of that kind shipped in knowledge/sources/national/ when it was imported.

An export replaces the previous one of its kind: importing a newer Idéo fiches métiers export drops the
records of the older one (or of the shipped archive, which `kb build` then leaves aside) that it no longer
holds. The records of the source documents are never removed. An import streams its file into one
transaction: a malformed file rolls it back, so neither the imports nor the store change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module
from itertools import groupby
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .importers import Skip
from .merge import merge
from .model import Record, record_from_dict

from .importers.kinds import MODULES

KINDS: dict[str, str] = dict(MODULES)  # import kind → importer module
# Kinds that are one catalogue in two formats: an export of either replaces the other's.
CATALOGUES = {"rncp-csv": "rncp"}
SCHEMA = """
CREATE TABLE IF NOT EXISTS imported (kind TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,
            data TEXT NOT NULL, imported_at TEXT NOT NULL, PRIMARY KEY (kind, id, type));
CREATE TABLE IF NOT EXISTS exports (kind TEXT PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL,
            imported_at TEXT NOT NULL, shipped_sha256 TEXT NOT NULL DEFAULT '', records INTEGER NOT NULL);
"""


def imports_path(store: Path) -> Path:
    return store.with_name("imports.sqlite")


def file_sha256(path: Path) -> str:
    """The sha256 of a file, or of a folder's files (names and contents, in name order)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def importer(kind: str):
    return import_module(KINDS[kind])


def catalogue(kind: str) -> str:
    """The catalogue an export of `kind` belongs to: what it replaces (« rncp-csv » → « rncp »)."""
    return CATALOGUES.get(kind, kind)


def detect_kind(path: Path) -> str:
    """The import kind of a file, folder or zip, recognised by its content (the importers' `detect`);
    raises `ImportFormatError` naming what no importer maps."""
    from .importers.kinds import detect

    return detect(path)


def read_export(kind: str, path: Path, include_inactive: bool = False) -> Iterator[Record | Skip]:
    """The records (and skips) of an export, streamed by its importer."""
    yield from importer(kind).iter_records(path, include_inactive=include_inactive)


@dataclass
class ImportSummary:
    kind: str
    read: Counter = field(default_factory=Counter)  # records of the file, per type
    added: Counter = field(default_factory=Counter)  # per record type
    updated: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # per reason

    def lines(self) -> list[str]:
        def fmt(counter: Counter) -> str:
            return ", ".join(f"{n} {k}" for k, n in sorted(counter.items()) if n) or "0"
        return [f"ajoutés : {fmt(self.added)}", f"mis à jour : {fmt(self.updated)}", f"retirés : {fmt(self.removed)}",
                f"ignorés : {sum(self.skipped.values())}" + (f" ({fmt(self.skipped)})" if self.skipped else "")]


@dataclass(frozen=True)
class ImportedExport:
    """The export in effect for one kind."""

    kind: str
    file: str
    sha256: str
    imported_at: str
    shipped_sha256: str
    records: int


class ImportStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.executescript(SCHEMA)
        # Imports of the first layout had no `exports` row: one per kind they hold (replaced by the next import).
        self.db.execute("INSERT OR IGNORE INTO exports (kind, file, sha256, imported_at, records) "
                        "SELECT kind, '', '', MAX(imported_at), COUNT(*) FROM imported GROUP BY kind")
        self.db.commit()

    def load(self, kind: str, path: Path, include_inactive: bool = False, shipped_sha256: str = "",
             progress: Optional[Callable[[], None]] = None) -> ImportSummary:
        """Stream an export of `kind` into the imports in place of the previous one of its catalogue, all or
        nothing. `added`/`updated` compare with that previous import; `kb import` compares with the store."""
        summary = ImportSummary(kind)
        now = dt.datetime.now().isoformat(timespec="seconds")
        reader, kind = kind, catalogue(kind)
        previous = set(self.db.execute("SELECT id, type FROM imported WHERE kind = ?", (kind,)))
        seen: set[tuple[str, str]] = set()
        try:
            self.db.execute("DELETE FROM imported WHERE kind = ?", (kind,))
            for item in read_export(reader, path, include_inactive):
                if progress:
                    progress()
                if isinstance(item, Skip):
                    summary.skipped[item.reason] += 1
                    continue
                key = (item.id, item.type)
                if key in seen:  # the same record again in this file (a ROME code, a formation…)
                    row = self.db.execute("SELECT data FROM imported WHERE kind = ? AND id = ? AND type = ?",
                                          (kind, *key)).fetchone()
                    item = merge([record_from_dict(json.loads(row[0])), item])[item.id]
                else:
                    seen.add(key)
                    summary.read[item.type] += 1
                    (summary.updated if key in previous else summary.added)[item.type] += 1
                self.db.execute("INSERT OR REPLACE INTO imported VALUES (?, ?, ?, ?, ?)",
                                (kind, item.id, item.type, json.dumps(item.to_dict(), ensure_ascii=False), now))
            for _, record_type in previous - seen:
                summary.removed[record_type] += 1
            self.db.execute("INSERT OR REPLACE INTO exports VALUES (?, ?, ?, ?, ?, ?)",
                            (kind, path.name, file_sha256(path), now, shipped_sha256, len(seen)))
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()
        return summary

    def exports(self) -> dict[str, ImportedExport]:
        """The imported export in effect for each kind."""
        rows = self.db.execute("SELECT kind, file, sha256, imported_at, shipped_sha256, records FROM exports")
        return {row[0]: ImportedExport(*row) for row in rows}

    def records_by_id(self, kinds: Optional[Iterable[str]] = None) -> Iterator[tuple[str, list[Record]]]:
        """Imported records (of `kinds`, default all) grouped by id, in id order (several kinds may hold one id)."""
        rows = self.db.execute("SELECT kind, id, data FROM imported ORDER BY id, kind")
        wanted = None if kinds is None else set(kinds)
        for record_id, group in groupby(rows, key=lambda r: r[1]):
            copies = [record_from_dict(json.loads(data)) for kind, _, data in group if wanted is None or kind in wanted]
            if copies:
                yield record_id, copies

    def records(self, kind: str, record_type: Optional[str] = None) -> Iterator[Record]:
        """The imported records of `kind` (of `record_type` only, if given), in id order."""
        rows = self.db.execute("SELECT data FROM imported WHERE kind = ? AND type = coalesce(?, type) ORDER BY id",
                               (kind, record_type))
        for (data,) in rows:
            yield record_from_dict(json.loads(data))

    def of_type(self, record_type: str) -> Iterable[Record]:
        for (data,) in self.db.execute("SELECT data FROM imported WHERE type = ?", (record_type,)):
            yield record_from_dict(json.loads(data))

    def count(self, kinds: Optional[Iterable[str]] = None) -> int:
        if kinds is None:
            return self.db.execute("SELECT COUNT(*) FROM imported").fetchone()[0]
        kinds = list(kinds)
        marks = ", ".join("?" * len(kinds))
        return self.db.execute(f"SELECT COUNT(*) FROM imported WHERE kind IN ({marks})", kinds).fetchone()[0]

    def close(self) -> None:
        self.db.close()
