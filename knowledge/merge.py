"""Merging copies of one record from several sources: the first copy wins, later ones fill its gaps."""

from __future__ import annotations

import dataclasses
from typing import Iterable

from .model import (Appellation, BlocCompetences, Certificateur, FormationRef, Record, StatistiqueAnnuelle,
                    VoieAcces)
from .normalize import normalize
from .parsers.errors import ParseError


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
