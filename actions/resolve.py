"""Understand what a turn is about: the record named (entity, sentence scan), a choice among options,
or the subject of the previous turns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from knowledge.kb import KnowledgeBase
from knowledge.linker import AMBIGUOUS, FOUND, UNKNOWN, LinkResult
from knowledge.mentions import GENDER, RECORD_IDS, SCORE, STATUS, TOTAL
from knowledge.model import Certification
from knowledge.normalize import fold, normalize

from .focus import names_certifier
from .record_types import BY_NAME, CHOICE_ENTITY, METIER, type_of_entity

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
    score: float = 0.0  # how well the likeliest record's name matches (100: exactly)

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
    return Mention(result.status, ids, text, result.gender, total=max(result.total, len(ids)),
                   score=result.best.score if result.best else 0.0)


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


def _extracted(kb: KnowledgeBase, entity: dict, types: list[str]) -> Optional[Mention]:
    """The mention the knowledge base's extractor found (bot/components/entity_extractor.py). Names several records
    of several types (« pilote de ligne »: the job and the formation): its words are linked again among the
    question's types only, the main one first (no new reading of the sentence). None for an entity of another
    extractor, or whose records are of no type asked for."""
    ids = entity.get(RECORD_IDS)
    if ids is None:
        return None
    value, status = str(entity.get("value") or ""), entity.get(STATUS)
    if status not in (FOUND, AMBIGUOUS) or not ids:
        return Mention(UNKNOWN, [], value)  # a name in a known shape the base does not hold (« RNCP 34567 »)
    kinds = kb.linker.types
    wanted = [i for i in ids if not types or kinds.get(i) in types]
    if not wanted:
        return None
    gender, score = str(entity.get(GENDER) or ""), float(entity.get(SCORE) or 0.0)
    if status == FOUND:
        return Mention(FOUND, wanted[:1], value, gender, total=1, score=score)
    if types and len({kinds.get(i) for i in ids}) > 1:
        narrowed = _link(lambda among: kb.linker.link(value, among), types)
        if narrowed.status != UNKNOWN:
            mention = _from_link(narrowed, value)
            mention.gender = gender or mention.gender
            return mention
    return Mention(AMBIGUOUS, wanted, value, gender, total=max(int(entity.get(TOTAL) or 0), len(wanted)),
                   score=score)


def parts_of_one_name(kb: KnowledgeBase, message: str, entities: list[dict], types: list[str]) -> Optional[Mention]:
    """The record a long name cut into several extracted parts names (« BTS cybersécurité, informatique et réseaux,
    électronique option B électronique et réseaux »: parts that all can name option A or B): the words from the
    first part to the last, linked as one name. None when the parts name no record in common, or that span does not
    name one record."""
    parts = [e for e in entities if type_of_entity(e) and e.get(RECORD_IDS) and "start" in e and "end" in e]
    if len(parts) < 2 or not set.intersection(*(set(e[RECORD_IDS]) for e in parts)):
        return None
    span = message[min(e["start"] for e in parts):max(e["end"] for e in parts)]
    result = _link(lambda wanted: kb.linker.link(span, wanted), types)
    if result.status != FOUND or not _joined_in(message, parts, result.best.matched if result.best else ""):
        return None
    return _from_link(result, span)


def _joined_in(message: str, parts: list[dict], name: str) -> bool:
    """Whether the words joining the parts (« ou », « et ») are words of the name found: « … socio-éducative ou
    culturelle … » is one name, « commercial ou assistant de gestion » (near « assistant de gestion
    commerciale ») is two."""
    ordered = sorted(parts, key=lambda e: e["start"])
    joining = " ".join(message[a["end"]:b["start"]] for a, b in zip(ordered, ordered[1:]))
    own = set(re.findall(r"\w+", fold(name)))
    return all(word in own for word in re.findall(r"\w+", fold(joining)))


def find_mention(kb: KnowledgeBase, message: str, entities: list[dict], types: list[str],
                 residual_unknown: bool = False) -> Mention:
    """The record the message names: extracted entities first, then (unless the knowledge base's extractor found
    them, having read the whole message) a scan of the whole sentence.

    `types` are the record types the question can be about, the main one first; the type of an extracted
    entity (job, certification…) is tried first, and other types when none fits. With
    `residual_unknown`, words left once the question's framing is removed (« que fait une infirmière ? »
    → « infirmière ») count as a mention the base does not know."""
    linker = kb.linker
    best: Optional[Mention] = None
    whole = parts_of_one_name(kb, message, entities, types)
    if whole is not None:
        return whole
    named = [t for t in map(type_of_entity, entities) if t]
    if named and named[0] in types:  # what the NLU says was named is the question's main type
        types = [named[0]] + [t for t in types if t != named[0]]
    for entity in entities:
        own = type_of_entity(entity)
        if own is None or not linker.content_words(str(entity.get("value") or "")):
            continue  # a span of stop words names nothing
        value = str(entity["value"])
        extracted = _extracted(kb, entity, types)
        if extracted is not None:  # what the knowledge base's extractor found: no second reading
            if extracted.status == FOUND:
                return extracted
            best = best or extracted
            continue
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
    if best is not None and any(entity.get(RECORD_IDS) is not None for entity in entities):
        return best  # the extractor read the whole message for names: no second reading
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


# A message that is only a name (« chef de publicité », « et le titre 360 ? », « non, je parlais du cross-média »):
# the words it may hold besides the name (folded). A question word, a greeting or a thank-you makes it no name alone.
ALONE_WORDS = frozenset("""et le la les l un une des du de d au aux a en pour sur ce c ca cela est celui celle ceux
    celles alors ah oh euh bah ben bon hum hmm hein ok okay donc sinon enfin finalement fait attends svp stp moi m dis
    metier titre certification rncp numero formation diplome fiche secteur""".split())
DESCRIBE_WORDS = frozenset(  # « c'est quoi X », « je m'intéresse au métier de X », « des infos sur X »
    """quoi qu que presente parle infos info information informations interesse interessee interesses renseigner
    renseignements decouvrir savoir plus voudrais aimerais sur""".split())
AGAIN_WORDS = frozenset(  # corrections
    "non nan plutot parlais voulais dire pensais pardon oups mais pas je j me suis trompe trompee autre".split())
PRESENT, DESCRIBE_IT, AGAIN = "present", "describe", "again"
KIND_TOKENS = frozenset("metier titre certification certif formation diplome fiche".split())
ALONE_SCORE = 86  # a name alone must match this well: « stage » is no « sage-femme », « argent » no « agent »


@dataclass
class Alone:
    """A message that names a record and says nothing else about it."""

    mention: Mention  # found or ambiguous
    mode: str  # PRESENT: the name alone; DESCRIBE_IT: « c'est quoi X ? »; AGAIN: « non, plutôt X », « et X ? »


def _folded_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def alone(kb: KnowledgeBase, message: str, entities: list[dict]) -> Optional[Alone]:
    """The record(s) a message names when it is essentially that name: every word but the name's is a framing
    word (articles, « et », « c'est quoi », a correction's « non, je parlais de », « plutôt »). None for a question
    about the name (« combien gagne un plombier ? »), small talk (« bonjour », « merci », « oui »), a button
    payload, or a word that only looks like names (« stage », « argent »). Every record type is considered, none
    preferred: a name several records share asks which."""
    words = _folded_words(message)
    if message.lstrip().startswith("/") or not words or len(words) > 40 or not kb.linker.content_words(message):
        return None
    for extracted in (entities, []):  # the NLU's span may be a part of the name the message holds
        mention = find_mention(kb, message, extracted, [])  # every type, none preferred
        rest = _framing(words, mention)
        if rest is not None:
            break
    else:
        return None
    known = [i for i in mention.record_ids if kb.linker.types.get(i) in BY_NAME]
    if not known or (mention.status == FOUND and len(known) != len(mention.record_ids)):
        return None  # a ROME label is no fiche to present
    if mention.status == AMBIGUOUS and not _heads(kb, mention.text, known):
        return None  # « communication interne » is a topic, not the start of a name
    said = set(rest)
    if said & (DESCRIBE_WORDS - {"parle"}) or ("parle" in said and not said & {"je", "j"}):
        mode = DESCRIBE_IT
    elif said & AGAIN_WORDS or (rest and rest[0] == "et"):
        mode = AGAIN
    else:
        mode = PRESENT
    if len(known) != len(mention.record_ids):
        mention = Mention(mention.status, known, mention.text, mention.gender, total=mention.total,
                          score=mention.score)
    return Alone(mention, mode)


def _heads(kb: KnowledgeBase, said: str, ids: list[str]) -> bool:
    """Whether several records' names start with what was said (« technicien », « chargée de communication »,
    « BTS SIO »), as a generic or partial name does; an ordinal (« le deuxième ») is no name."""
    tokens = [t for t in normalize(said).tokens if t not in KIND_TOKENS]  # « titre de chargé de com »
    if not tokens or (ordinal(said) is not None and len(tokens) == 1):
        return False
    linker = kb.linker
    return any(linker.aliases[i].norm.split()[:1] == [tokens[0]]
               for record in ids for i in linker.by_record.get(record, ()))


def _framing(words: list[str], mention: Mention) -> Optional[list[str]]:
    """The words of the message besides the name `mention` found, if they are all framing words."""
    if mention.status not in (FOUND, AMBIGUOUS) or mention.score < ALONE_SCORE:
        return None
    rest = list(words)
    for word in _folded_words(mention.text):
        if word in rest:
            rest.remove(word)
    return rest if set(rest) <= ALONE_WORDS | DESCRIBE_WORDS | AGAIN_WORDS else None


def ordinal(text: str) -> Optional[int]:
    folded = fold(text)
    for index, pattern in ORDINALS.items():
        if re.search(rf"(?:^|\b|\s)(?:{pattern})(?:\b|$)", folded):
            return index
    return None


def choose(kb: KnowledgeBase, message: str, options: list[str], entities: list[dict],
           ordinals: bool = True) -> Optional[str]:
    """The option the user picked: a button payload, an ordinal (« le deuxième »; not in a long sentence, where
    « le premier » may be anything), or a name (« le 360 », « celui de la Paris School »); of two options, « pas
    celui de l'ISEFAC » picks the other."""
    for entity in entities:
        if entity.get("entity") == CHOICE_ENTITY and entity.get("value") in options:
            return entity["value"]
    named = _named_option(kb, message, options, entities)
    if named and len(options) == 2 and re.search(r"\bpas\b", fold(message)):
        return next(o for o in options if o != named)
    if named:
        return named
    index = ordinal(message) if ordinals else None
    if index is not None and -len(options) <= index < len(options):
        return options[index]
    return None


def _named_option(kb: KnowledgeBase, message: str, options: list[str], entities: list[dict]) -> Optional[str]:
    """The option the message names: by its own names, the NLU's span of it, or its certifier."""
    among = kb.linker.among(options)  # the choices' names only: at national scale, many others share words
    result = among.link(message)
    if result.status == FOUND and result.best.score >= 80:
        return result.best.id
    for entity in entities:  # « celle en collectivité, elle est rattachée à qui ? »: the NLU's span is the clue
        if type_of_entity(entity) and entity.get("value"):
            named = among.link(str(entity["value"]))  # the options' names only: one found is the one meant
            if named.status == FOUND and (named.best.score >= 80 or len(str(entity["value"])) >= 6):
                return named.best.id
    scanned = among.find_in_sentence(message)
    if scanned.status == FOUND:
        return scanned.best.id
    for word in kb.linker.content_words(message):  # a word of one option's name only (« celle en collectivité »)
        named = among.link(word)
        if named.status == FOUND and named.best.score >= 80 and len(word) >= 6:
            return named.best.id
    return _by_certifier(kb, message, options)


def _by_certifier(kb: KnowledgeBase, message: str, options: list[str]) -> Optional[str]:
    """A certification chosen by its certifier (« celui de la Paris School », « celui de l'ISEFAC »)."""
    named = [o for o in options if isinstance(kb.get(o), Certification)
             and any(names_certifier(message, c) for c in kb.get(o).certificateurs)]
    return named[0] if len(named) == 1 else None
