"""Imported open-data records, kept apart from the source documents so `kb build` can merge them again.

`build/imports.sqlite` holds one row per (import kind, record id, type). An import streams its file
into one transaction: a malformed file rolls it back, so neither the imports nor the store change.
"""

from __future__ import annotations

import datetime as dt
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

KINDS = {
    "onisep-metiers": "knowledge.importers.onisep_metiers",
    "onisep-formations": "knowledge.importers.onisep_formations",
    "rncp": "knowledge.importers.rncp_xml",
    "rome": "knowledge.importers.rome_csv",
}
SCHEMA = """CREATE TABLE IF NOT EXISTS imported (kind TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,
            data TEXT NOT NULL, imported_at TEXT NOT NULL, PRIMARY KEY (kind, id, type))"""


def imports_path(store: Path) -> Path:
    return store.with_name("imports.sqlite")


@dataclass
class ImportSummary:
    kind: str
    added: Counter = field(default_factory=Counter)  # per record type
    updated: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # per reason

    def lines(self) -> list[str]:
        def fmt(counter: Counter) -> str:
            return ", ".join(f"{n} {k}" for k, n in sorted(counter.items())) or "0"
        return [f"ajoutés : {fmt(self.added)}", f"mis à jour : {fmt(self.updated)}",
                f"ignorés : {sum(self.skipped.values())}" + (f" ({fmt(self.skipped)})" if self.skipped else "")]


class ImportStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(SCHEMA)

    def load(self, kind: str, path: Path, include_inactive: bool = False,
             progress: Optional[Callable[[], None]] = None) -> ImportSummary:
        """Stream a file of `kind` into the imports, all or nothing."""
        importer = import_module(KINDS[kind])
        summary = ImportSummary(kind)
        now = dt.datetime.now().isoformat(timespec="seconds")
        seen: set[tuple[str, str]] = set()
        try:
            for item in importer.iter_records(path, include_inactive=include_inactive):
                if progress:
                    progress()
                if isinstance(item, Skip):
                    summary.skipped[item.reason] += 1
                    continue
                key = (item.id, item.type)
                row = self.db.execute("SELECT data FROM imported WHERE kind = ? AND id = ? AND type = ?",
                                      (kind, *key)).fetchone()
                if key in seen and row:  # the same record again in this file (a ROME code, a formation…)
                    item = merge([record_from_dict(json.loads(row[0])), item])[item.id]
                elif row:
                    summary.updated[item.type] += 1
                else:
                    summary.added[item.type] += 1
                seen.add(key)
                self.db.execute("INSERT OR REPLACE INTO imported VALUES (?, ?, ?, ?, ?)",
                                (kind, item.id, item.type, json.dumps(item.to_dict(), ensure_ascii=False), now))
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()
        return summary

    def records_by_id(self) -> Iterator[tuple[str, list[Record]]]:
        """Imported records grouped by id, in id order (several kinds may hold one id)."""
        rows = self.db.execute("SELECT id, data FROM imported ORDER BY id, kind")
        for record_id, group in groupby(rows, key=lambda r: r[0]):
            yield record_id, [record_from_dict(json.loads(data)) for _, data in group]

    def of_type(self, record_type: str) -> Iterable[Record]:
        for (data,) in self.db.execute("SELECT data FROM imported WHERE type = ?", (record_type,)):
            yield record_from_dict(json.loads(data))

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM imported").fetchone()[0]

    def close(self) -> None:
        self.db.close()
