"""Read access to a built store: records by id, relations both ways, linker and full-text search.

Ids of national records merged into a job of the source documents (MET.8 into JOB.chef-de-publicite) are
redirects: `get`, `resolve` and the relation lookups follow them, and return the kept record's id.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Optional

from .linker import Alias, Linker
from .model import Certification, Record, record_from_dict
from .normalize import fold

log = logging.getLogger(__name__)

DEFAULT_STORE = Path(__file__).resolve().parents[1] / "build" / "knowledge.sqlite"


def store_path() -> Path:
    """The store in use: $ORIENTATION_KB, or build/knowledge.sqlite in the project."""
    return Path(os.environ.get("ORIENTATION_KB") or DEFAULT_STORE)


class StoreMissing(FileNotFoundError):
    pass


@dataclass
class SearchHit:
    record_id: str
    field: str
    snippet: str


class KnowledgeBase:
    """A read-only view of the store. Cheap to open; records are read on demand and cached."""

    def __init__(self, path: Optional[Path] = None):
        self.path = Path(path or store_path())
        if not self.path.exists():
            raise StoreMissing(f"{self.path} n'existe pas : lancez « orientation kb build »")
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self.get = lru_cache(maxsize=4096)(self._get)

    # -- records -----------------------------------------------------------------------------
    def _get(self, record_id: str) -> Optional[Record]:
        """The record of an id, or of the id it was merged into (the result's `id` is then the kept one)."""
        row = self.db.execute("SELECT data FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None and self._has_redirects:
            row = self.db.execute("SELECT r.data FROM redirects d JOIN records r ON r.id = d.dst WHERE d.src = ?",
                                  (record_id,)).fetchone()
        return record_from_dict(json.loads(row[0])) if row else None

    @cached_property
    def _has_redirects(self) -> bool:
        """Stores built before redirects existed have no such table."""
        return bool(self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'redirects'").fetchone())

    def resolve(self, record_id: str) -> str:
        """The id a record is kept under: `record_id` itself, or the record it was merged into (MET.8 →
        JOB.chef-de-publicite)."""
        if self._has_redirects:
            row = self.db.execute("SELECT dst FROM redirects WHERE src = ?", (record_id,)).fetchone()
            if row:
                return row[0]
        return record_id

    def merged_ids(self, record_id: str) -> list[str]:
        """The ids of the national records merged into this one (JOB.chef-de-publicite → ["MET.8"])."""
        if not self._has_redirects:
            return []
        rows = self.db.execute("SELECT src FROM redirects WHERE dst = ? ORDER BY src", (self.resolve(record_id),))
        return [r[0] for r in rows]

    def redirects(self) -> dict[str, str]:
        """Every merged id → the id kept."""
        if not self._has_redirects:
            return {}
        return dict(self.db.execute("SELECT src, dst FROM redirects ORDER BY src"))

    def ids(self, record_type: Optional[str] = None) -> list[str]:
        if record_type:
            rows = self.db.execute("SELECT id FROM records WHERE type = ? ORDER BY id", (record_type,))
        else:
            rows = self.db.execute("SELECT id FROM records ORDER BY id")
        return [r[0] for r in rows]

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT type, COUNT(*) FROM records GROUP BY type ORDER BY type"))

    def publishers(self) -> list[str]:
        """The publishers of the records, with their licence where known (« Onisep (ODbL) »)."""
        rows = self.db.execute(
            "SELECT DISTINCT json_extract(data, '$.source.publisher'), json_extract(data, '$.source.licence') "
            "FROM records ORDER BY 1"
        )
        return [f"{p} ({lic})" if lic else p for p, lic in rows]

    def meta(self, key: str) -> Optional[str]:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def exports(self) -> list[dict]:
        """The national exports the store was built from: kind, origin (« shipped » or « import »), file, sha256."""
        return json.loads(self.meta("exports") or "[]")

    # -- relations ---------------------------------------------------------------------------
    # (A merged id is followed: relations are stored between kept ids only.)
    def targets(self, record_id: str, rel: str) -> list[str]:
        rows = self.db.execute("SELECT dst FROM relations WHERE src = ? AND rel = ? ORDER BY dst",
                               (self.resolve(record_id), rel))
        return [r[0] for r in rows]

    def sources(self, record_id: str, rel: str) -> list[str]:
        rows = self.db.execute("SELECT src FROM relations WHERE dst = ? AND rel = ? ORDER BY src",
                               (self.resolve(record_id), rel))
        return [r[0] for r in rows]

    def relations_of(self, record_id: str) -> dict[str, list[str]]:
        """Every relation of a record, outgoing as « rel », incoming as « rel< »."""
        record_id = self.resolve(record_id)
        out: dict[str, list[str]] = {}
        for rel, dst in self.db.execute("SELECT rel, dst FROM relations WHERE src = ? ORDER BY rel, dst", (record_id,)):
            out.setdefault(rel, []).append(dst)
        for rel, src in self.db.execute("SELECT rel, src FROM relations WHERE dst = ? ORDER BY rel, src", (record_id,)):
            out.setdefault(rel + "<", []).append(src)
        return out

    def certifications_for_metier(self, metier_id: str) -> list[str]:
        """Certifications naming the job among their accessible jobs, or sharing one of its ROME codes."""
        metier_id = self.resolve(metier_id)
        found = self.sources(metier_id, "emploi")
        for code in self.targets(metier_id, "rome"):
            found += [s for s in self.sources(code, "rome") if s.startswith("RNCP") and s not in found]
        return found

    def metiers_for_certification(self, cert_id: str) -> list[str]:
        return self.targets(cert_id, "emploi")

    def metiers_for_rome(self, code: str) -> list[str]:
        rows = self.db.execute("SELECT src FROM relations JOIN records ON records.id = src "
                               "WHERE dst = ? AND rel = 'rome' AND records.type = 'metier' ORDER BY src", (code,))
        return [r[0] for r in rows]

    def metiers_for_interest(self, interest_id: str) -> list[str]:
        return self.sources(interest_id, "interet")

    @cached_property
    def activity_sectors(self) -> list[str]:
        """The sectors of activity the jobs are in (Idéo's « secteurs d'activité »), in alphabetical order."""
        rows = self.db.execute("SELECT DISTINCT value FROM records, json_each(records.data, '$.secteurs_activite') "
                               "WHERE records.type = 'metier'")
        return sorted((r[0] for r in rows if r[0]), key=lambda label: (fold(label), label))

    # -- linking and search ------------------------------------------------------------------
    @cached_property
    def linker(self) -> Linker:
        rows = self.db.execute("SELECT record_id, record_type, label, text, norm FROM aliases")
        return Linker(Alias(*row) for row in rows)

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Full-text search (FTS5) over the records' texts, best first."""
        terms = [t for t in "".join(c if c.isalnum() else " " for c in query).split() if len(t) > 2]
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        rows = self.db.execute(
            "SELECT record_id, field, snippet(texts, 2, '[', ']', '…', 12) FROM texts WHERE texts MATCH ? "
            "ORDER BY rank LIMIT ?",
            (match, limit),
        )
        return [SearchHit(*row) for row in rows]

    def certification(self, record_id: str) -> Optional[Certification]:
        record = self.get(record_id)
        return record if isinstance(record, Certification) else None

    def close(self) -> None:
        self.db.close()


class CurrentStore:
    """The store in use (`store_path()`), opened again when its file has been replaced (`orientation kb build`,
    an import): the processes that answer read a new base without restarting."""

    def __init__(self) -> None:
        self._kb: Optional[KnowledgeBase] = None
        self._stamp: Optional[tuple[Path, float]] = None

    def get(self) -> KnowledgeBase:
        """The base; StoreMissing (a FileNotFoundError) while there is none."""
        path = store_path()
        try:
            stamp = (path, path.stat().st_mtime)
        except FileNotFoundError as error:
            raise StoreMissing(f"{path} n'existe pas : lancez « orientation kb build »") from error
        if self._kb is None or stamp != self._stamp:
            if self._kb is not None:
                log.info("Base de connaissances rechargée (%s)", path)
            self._kb, self._stamp = KnowledgeBase(path), stamp
        return self._kb
