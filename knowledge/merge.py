"""One record per thing: copies of one record from several sources merged (the first copy wins, later ones
fill its gaps), and a job of the source documents merged with its twin in the national data (`find_twins`)."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import Iterable, Mapping

from .model import (Appellation, BlocCompetences, Certificateur, FormationRef, Metier, Record, SourceRef,
                    StatistiqueAnnuelle, VoieAcces)
from .normalize import normalize
from .parsers.errors import ParseError


def source_citation(source: SourceRef) -> str:
    """How a fact's source is cited: « Onisep, fiche MET.8 (juin 2024) »; the file's name when the source
    has no edition (« Onisep, fiche MET.650 (ideo-fiches-metiers-ancien.xml) ») or no reference."""
    text = ", ".join(p for p in (source.publisher, source.reference or source.document) if p)
    qualifier = source.edition or (source.document if source.reference else "")
    return f"{text} ({qualifier})" if qualifier else text


def _citation(record: Record) -> str:
    return source_citation(record.source)


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


# -- a job of the source documents and its national twin ----------------------------------------------------
def name_keys(appellations: Iterable[Appellation]) -> set[str]:
    """The normalised forms of job names, also with the words run together (« média planneur » and
    « médiaplanneur » are one name; so are « concepteur rédacteur » and « concepteur-rédacteur »)."""
    keys: set[str] = set()
    for app in appellations:
        for name in (app.masculin, app.feminin):
            tokens = normalize(name).tokens if name else ()
            if tokens:
                keys.update((" ".join(tokens), "".join(tokens)))
    return keys


def _texts(app: Appellation) -> set[str]:
    return {normalize(n).text for n in (app.masculin, app.feminin) if n}


def _names(job: Metier) -> list[Appellation]:
    return [job.appellation, *job.autres_appellations]


def find_twins(seeds: Iterable[Metier], national: Mapping[str, Iterable[Metier]]) -> dict[str, str]:
    """National job id → id of the job of the source documents it is the same job as (« MET.8 » →
    « JOB.chef-de-publicite »).

    Conservative: a seed job's names (either gender) must all name one national job only, by exact normalised
    equality with its title or one of its synonyms (« chargé de communication en collectivité locale » is not
    « chargé de communication »), no other seed job may claim that job, and seed jobs with a national id
    (MET.650) are the national record already."""
    seeds = [s for s in seeds if s.id not in national]
    index: dict[str, set[str]] = defaultdict(set)
    for national_id, copies in national.items():
        for copy in copies:
            for key in name_keys(_names(copy)):
                index[key].add(national_id)
    chosen: dict[str, str] = {}
    for seed in seeds:
        found = set().union(*(index.get(key, set()) for key in name_keys(_names(seed))))
        if len(found) == 1:
            chosen[seed.id] = found.pop()
    claims = Counter(chosen.values())
    return {national_id: seed_id for seed_id, national_id in chosen.items() if claims[national_id] == 1}


def as_twin(copy: Metier, kept: Metier) -> Metier:
    """The national twin's copy made a copy of the kept record, to be merged after it: same id; its names that
    the kept record lacks become other names (its title included); the kept title gets its missing feminine
    form from the twin's title when both name the same job."""
    copy.id = kept.id
    known = _texts(kept.appellation)
    same = normalize(copy.appellation.masculin or copy.appellation.feminin).text == \
        normalize(kept.appellation.masculin or kept.appellation.feminin).text
    if same and not kept.appellation.feminin and copy.appellation.feminin:
        kept.appellation.feminin = copy.appellation.feminin
        kept.provenance.setdefault("appellation", _citation(copy))
    if same and not kept.appellation.masculin and copy.appellation.masculin:
        kept.appellation.masculin = copy.appellation.masculin
        kept.provenance.setdefault("appellation", _citation(copy))
    copy.autres_appellations = [a for a in _names(copy) if not _texts(a) <= known]
    return copy


REFERENCE_FIELDS = ("metiers", "metiers_associes")  # fields holding ids of jobs (formations, sectors, jobs)


def remap(record: Record, redirects: Mapping[str, str]) -> Record:
    """The record with its id and its references to jobs following `redirects` (national twin → kept job)."""
    if not redirects:
        return record
    record.id = redirects.get(record.id, record.id)
    for name in REFERENCE_FIELDS:
        ids = getattr(record, name, None)
        if ids:
            targets = [redirects.get(i, i) for i in ids]
            setattr(record, name, [t for n, t in enumerate(targets) if t != record.id and t not in targets[:n]])
    return record
