"""The SQLite store: records as JSON, aliases, relations, and an FTS5 index over the texts."""

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
CREATE INDEX relations_dst ON relations (dst, rel);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE texts USING fts5(record_id UNINDEXED, field UNINDEXED, content,
                                      tokenize = 'unicode61 remove_diacritics 2');
"""

# Fields whose text goes into the full-text index.
TEXT_FIELDS = (
    "presentation en_bref description missions qualites objectifs activites competences secteurs_activite "
    "emplois_description emplois_accessibles communication_externe communication_interne libelle intitule"
).split()


def _texts(record: Record) -> Iterable[tuple[str, str]]:
    data = record.to_dict()
    yield "label", record.label
    for name in TEXT_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and value:
            yield name, value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str) and item:
                    yield name, item


def write_store(
    target: Path,
    records: Iterable[Record],
    aliases: Iterable[Alias],
    relations: Iterable[tuple[str, str, str]],
    meta: dict[str, str],
) -> None:
    """Write a new store next to `target`, then swap it in: readers never see half a store."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(SCHEMA)
        for record in records:
            db.execute(
                "INSERT INTO records VALUES (?, ?, ?, ?)",
                (record.id, record.type, record.label, json.dumps(record.to_dict(), ensure_ascii=False)),
            )
            db.executemany(
                "INSERT INTO texts (record_id, field, content) VALUES (?, ?, ?)",
                [(record.id, f, t) for f, t in _texts(record)],
            )
        db.executemany(
            "INSERT INTO aliases VALUES (?, ?, ?, ?, ?)",
            [(a.record_id, a.record_type, a.label, a.text, a.norm) for a in aliases],
        )
        db.executemany("INSERT OR IGNORE INTO relations VALUES (?, ?, ?)", list(relations))
        db.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        db.commit()
    finally:
        db.close()
    os.replace(tmp, target)
