"""The SQLite store: records as JSON, aliases, relations, and an FTS5 index over the texts.

`redirects` maps the id of a national record merged into another one (its twin among the source documents'
jobs: MET.8 → JOB.chef-de-publicite) to the id kept; `origins` notes which national export (import kind)
gave a copy of which record (its id in that export), so that an import can tell what it added or removed.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Iterable

from .linker import Alias
from .model import Record

SCHEMA = """
CREATE TABLE records (id TEXT PRIMARY KEY, type TEXT NOT NULL, label TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE aliases (record_id TEXT NOT NULL, record_type TEXT NOT NULL, label TEXT NOT NULL,
                      text TEXT NOT NULL, norm TEXT NOT NULL);
CREATE TABLE relations (src TEXT NOT NULL, rel TEXT NOT NULL, dst TEXT NOT NULL, PRIMARY KEY (src, rel, dst));
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE redirects (src TEXT PRIMARY KEY, dst TEXT NOT NULL);
CREATE TABLE origins (kind TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (kind, id, type));
CREATE VIRTUAL TABLE texts USING fts5(record_id UNINDEXED, field UNINDEXED, content,
                                      tokenize = 'unicode61 remove_diacritics 2');
"""
INDEXES = """CREATE INDEX relations_dst ON relations (dst, rel); CREATE INDEX records_type ON records (type);
CREATE INDEX redirects_dst ON redirects (dst);"""

# Fields whose text goes into the full-text index.
TEXT_FIELDS = (
    "presentation en_bref description missions qualites objectifs activites competences secteurs_activite "
    "emplois_description emplois_accessibles communication_externe communication_interne libelle intitule "
    "accroche nature_travail descriptif definition"
).split()


def _texts(record: Record, data: dict) -> Iterable[tuple[str, str]]:
    yield "label", record.label
    for name in TEXT_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and value:
            yield name, value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str) and item:
                    yield name, item


class StoreWriter:
    """Writes a new store next to `target` and swaps it in on success: readers never see half a store,
    and a failure leaves the previous store untouched."""

    def __init__(self, target: Path):
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = target.with_name(target.name + ".tmp")
        self.tmp.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.tmp)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.executescript(SCHEMA)

    def add(self, record: Record, aliases: Iterable[Alias], relations: Iterable[tuple[str, str, str]]) -> None:
        data = record.to_dict()
        self.db.execute("INSERT INTO records VALUES (?, ?, ?, ?)",
                        (record.id, record.type, record.label, json.dumps(data, ensure_ascii=False)))
        self.db.executemany("INSERT INTO texts (record_id, field, content) VALUES (?, ?, ?)",
                            [(record.id, f, t) for f, t in _texts(record, data)])
        self.db.executemany("INSERT INTO aliases VALUES (?, ?, ?, ?, ?)",
                            [(a.record_id, a.record_type, a.label, a.text, a.norm) for a in aliases])
        self.db.executemany("INSERT OR IGNORE INTO relations VALUES (?, ?, ?)", list(relations))

    def add_redirects(self, redirects: dict[str, str]) -> None:
        self.db.executemany("INSERT INTO redirects VALUES (?, ?)", sorted(redirects.items()))

    def add_origins(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO origins VALUES (?, ?, ?)", rows)

    def drop_dangling_relations(self) -> int:
        """Remove the relations to records the base does not hold (a national fiche naming a job or a formation
        its export lacks); returns how many."""
        cursor = self.db.execute("DELETE FROM relations WHERE src NOT IN (SELECT id FROM records) "
                                 "OR dst NOT IN (SELECT id FROM records)")
        return cursor.rowcount

    def commit(self, meta: dict[str, str]) -> None:
        self.db.executescript(INDEXES)
        self.db.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        self.db.commit()
        self.db.close()
        os.replace(self.tmp, self.target)

    def abort(self) -> None:
        self.db.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> "StoreWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()

