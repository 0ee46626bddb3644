"""Understand what a turn is about: the record named (entity, sentence scan), a choice among options,
or the subject of the previous turns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from knowledge.kb import KnowledgeBase
from knowledge.linker import AMBIGUOUS, FOUND, UNKNOWN, LinkResult
from knowledge.normalize import fold, normalize

from .record_types import CHOICE_ENTITY, METIER, type_of_entity

ORDINALS = {
    0: r"premi(?:er|ere)|1(?:er|ere|e)?|un|une",
    1: r"deuxi[eè]me|second(?:e)?|2(?:e|eme|nd|nde)?|deux",
    2: r"troisi[eè]me|3(?:e|eme)?|trois",
    3: r"quatri[eè]me|4(?:e|eme)?|quatre",
    4: r"cinqui[eè]me|5(?:e|eme)?|cinq",
    -1: r"derni(?:er|ere)|l'autre|autre",
}


@dataclass
class Mention:
    """The outcome of looking for a record in the turn."""

    status: str  # found | ambiguous | unknown | none (nothing named)
    record_ids: list[str] = field(default_factory=list)  # ambiguous: at most five, the likeliest first
    text: str = ""  # what the user typed for it
    gender: str = ""
    suggestions: list[str] = field(default_factory=list)
    total: int = 0  # ambiguous: how many records the mention fits (more than `record_ids` when `more`)

    @property
    def record_id(self) -> Optional[str]:
        return self.record_ids[0] if self.status == FOUND and self.record_ids else None

    @property
    def more(self) -> bool:
        """More records fit than the choices offered (« ingénieur »): the student should say which one."""
        return self.total > len(self.record_ids)


def _from_link(result: LinkResult, text: str) -> Mention:
    ids = [c.id for c in result.candidates]
    if result.status == UNKNOWN:
        return Mention(UNKNOWN, [], text, result.gender, suggestions=ids)
    return Mention(result.status, ids, text, result.gender, total=max(result.total, len(ids)))


def _longer(scanned: LinkResult, value: str) -> bool:
    """Whether the sentence names a record with more words than the extracted entity (« ingénieur agronome »
    where the NLU tagged « ingénieur »)."""
    return len(normalize(scanned.span).tokens) > len(normalize(value).tokens)


def _link(link: Callable[[Optional[list[str]]], LinkResult], types: list[str]) -> LinkResult:
    """Link among the question's record types; a tie across types goes to the main type if it has a
    clear match there (« chargé de communication » is the job, not one of the two certifications)."""
    result = link(types)
    if result.status == AMBIGUOUS and len(types) > 1:
        narrow = link(types[:1])
        if narrow.status == FOUND and narrow.candidates[0].id in {c.id for c in result.candidates}:
            return narrow
    return result


def find_mention(kb: KnowledgeBase, message: str, entities: list[dict], types: list[str],
                 residual_unknown: bool = False) -> Mention:
    """The record the message names: extracted entities first, then a scan of the whole sentence.

    `types` are the record types the question can be about, the main one first; the type of an extracted
    entity (job, certification…) is tried first, and other types when none fits. With
    `residual_unknown`, words left once the question's framing is removed (« que fait une infirmière ? »
    → « infirmière ») count as a mention the base does not know."""
    linker = kb.linker
    best: Optional[Mention] = None
    named = [t for t in map(type_of_entity, entities) if t]
    if named and named[0] in types:  # what the NLU says was named is the question's main type
        types = [named[0]] + [t for t in types if t != named[0]]
    for entity in entities:
        own = type_of_entity(entity)
        if own is None or not linker.content_words(str(entity.get("value") or "")):
            continue  # a stray span of stop words (DIET sometimes tags « de ») names nothing
        value = str(entity["value"])
        result = linker.link(value, [own]) if own in types else None
        # A job's name is often a title's too (« chargé de communication »): several jobs, then every type.
        if result is None or result.status == UNKNOWN or (result.status == AMBIGUOUS and own == METIER):
            broad = _link(lambda wanted: linker.link(value, wanted), types)
            result = broad if result is None or broad.status != UNKNOWN else result
        if result.status == UNKNOWN:
            result = linker.link(value)
        mention = _from_link(result, value)
        if mention.status == FOUND:
            scanned = linker.find_in_sentence(message, types)
            if scanned.status == FOUND and scanned.best.id != mention.record_id and _longer(scanned, value):
                return _from_link(scanned, scanned.span)
            return mention
        best = best or mention
    def better(scanned: LinkResult) -> bool:
        """A name the sentence holds beats what the entities named: found, or several records where the
        entities named nothing, or named more records with fewer words (« technicienne » → 148 fiches, where
        the sentence says « technicienne de laboratoire »)."""
        if scanned.status == FOUND:
            return True
        return scanned.status == AMBIGUOUS and (
            best is None or (best.status == AMBIGUOUS and best.text and _longer(scanned, best.text)
                             and len(scanned.candidates) < best.total))

    scanned = _link(lambda wanted: linker.find_in_sentence(message, wanted), types)
    if not better(scanned):
        scanned = linker.find_in_sentence(message)
    if better(scanned):
        return _from_link(scanned, scanned.span or message)
    if best is None and residual_unknown:
        residual = kb.linker.content_words(message)
        if 0 < len(residual) <= 5:
            return Mention(UNKNOWN, [], " ".join(residual))
    return best or Mention("none")


def ordinal(text: str) -> Optional[int]:
    folded = fold(text)
    for index, pattern in ORDINALS.items():
        if re.search(rf"(?:^|\b|\s)(?:{pattern})(?:\b|$)", folded):
            return index
    return None


def choose(kb: KnowledgeBase, message: str, options: list[str], entities: list[dict]) -> Optional[str]:
    """The option the user picked: a button payload, an ordinal (« le deuxième »), or a name (« le 360 »)."""
    for entity in entities:
        if entity.get("entity") == CHOICE_ENTITY and entity.get("value") in options:
            return entity["value"]
    among = kb.linker.among(options)  # the choices' names only: at national scale, many others share words
    result = among.link(message)
    if result.status == FOUND and result.best.score >= 80:
        return result.best.id
    scanned = among.find_in_sentence(message)
    if scanned.status == FOUND:
        return scanned.best.id
    index = ordinal(message)
    if index is not None and -len(options) <= index < len(options):
        return options[index]
    return None
