"""The names a message holds, with where they are: what the NLU's entity extractor reports (bot/components).

Every run of up to `MAX_WORDS` words that starts and ends with a word some name holds (typos and beginnings
allowed) is linked (`Linker.link`); a run that names records well enough (`SENTENCE_SPAN`) is a candidate. The
candidates are taken without overlap, the one with the most words of its name first (less its words that are not:
« journaliste radio » rather than « journaliste », « dircom » rather than « dircom lequel », « IEP » rather than
« rentre à l'IEP »), then the best match. A word that is only a part of names (« femme ») names nothing alone.
After « titre » or « certif », a certification is named (« titre pro secrétaire assistant »), and its span takes
the kind words students put before it (« titre », « certif », « fiche RNCP »); « RNCP 34567 » and « titre pro
DWWM » are certifications even where the base does not hold them.
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from dataclasses import dataclass

from .linker import FOUND, QUESTION_TOKENS, SENTENCE_SPAN, UNKNOWN, Linker, LinkResult
from .model import Certification, Formation, Metier
from .normalize import fold, normalize

# What an extracted entity carries besides its span (bot/components/entity_extractor.py writes them, actions read
# them): the records it names, the likeliest first, whether it names one (found), several (ambiguous) or a name the
# base does not hold (unknown), how many records fit.
# The match's score (100: a name as written) and the gender of the name as written (« f »: « directrice »).
RECORD_IDS, STATUS, TOTAL, SCORE, GENDER = "record_ids", "status", "total", "score", "gender"

CERTIFICATION, FORMATION, METIER = Certification.TYPE, Formation.TYPE, Metier.TYPE
MAX_WORDS = 16  # the longest run of words looked at as one name (« bac pro … option … »)
REMEMBERED = 64  # messages whose names each linker keeps (with the linker: a new base forgets them)
MAX_MENTIONS = 4  # a message naming more is a list, not a question
FOUND_SEVERAL = 80  # the score of words found in one record's names only (« textile et fibres ») that is enough
_WORD = re.compile(r"[\w'’°+.-]+")
_EDGES = ".,;:!?'’"  # stripped from a word's ends
_ELISION = re.compile(r"^(?:[ldjmnst]|qu)['’]", re.I)  # « l'ISEFAC »: the span starts after the article
_KIND_BEFORE = {CERTIFICATION: frozenset({"titre", "certif", "certification", "fiche", "rncp"}),
                FORMATION: frozenset({"diplome"})}  # « diplôme d'État d'aide-soignant »
_NAMING_KINDS = frozenset({"titre", "certif", "certification"})  # what follows is a certification
_AND = "et"  # joins two names, unless the name matched holds it
_BETWEEN_NAMES = frozenset({"ou", "entre", "vs", "versus", "ni", "puis"})  # « X ou Y »: two names
_DIGITS = re.compile(r"\d{4,6}")  # an RNCP number
_RNCP_NUMBER = re.compile(r"(?:rncp)?\d{4,6}")  # « fiche RNCP 28684 »: the name is « RNCP 28684 »
_OF = frozenset({"de", "du", "des"})
_BECOMING = frozenset({"devenir", "etre", "comme"})
_PAUSE = re.compile(r"[,;:!?()/]")
_LEVEL = re.compile(r"bac|\d{1,2}")  # « bac+2 » says a level, not a name (« classe d'art dramatique (bac + 2) »)
_KIND_QUALIFIERS = frozenset({"pro", "professionnel", "rncp"})  # « titre pro DWWM », « fiche RNCP 28684 »


@dataclass
class Found:
    """One name in a message: its characters [start, end), the record type it names, and the linker's result
    for it (unknown: a name of that type the base does not hold, « le titre pro DWWM », « le RNCP 34567 »)."""

    start: int
    end: int
    text: str
    type: str
    result: LinkResult

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.result.candidates] if self.result.status != UNKNOWN else []


@dataclass
class _Word:
    start: int
    end: int
    text: str
    folded: str  # lower case, accents off
    tokens: tuple[str, ...]
    known: bool  # some name holds one of its tokens (typos, beginnings allowed)
    content: bool  # one of its tokens is not a question word


def _words(linker: Linker, text: str) -> list[_Word]:
    """The words of `text` as the linker reads them, with their character offsets."""
    words = []
    for match in _WORD.finditer(text):
        raw = match.group()
        stripped = raw.strip(_EDGES)
        if not stripped:
            continue
        start = match.start() + raw.index(stripped)
        tokens = normalize(stripped).tokens
        words.append(_Word(start, start + len(stripped), stripped, fold(stripped), tokens,
                           any(linker.knows(t) for t in tokens), not set(tokens) <= QUESTION_TOKENS))
    return words


def _runs(words: list[_Word], message: str):
    """(first, last) of every run worth linking: it starts and ends with a word names hold, holds no word that no
    name holds (stop words, without tokens, may sit inside), and does not cross a list (« et », « ou », a comma)."""
    for first, word in enumerate(words):
        if not word.known:
            continue
        for last in range(first, min(len(words), first + MAX_WORDS)):
            if last > first and (words[last].folded in _BETWEEN_NAMES
                                 or _PAUSE.search(message[words[last - 1].end : words[last].start])):
                break
            if words[last].tokens and not words[last].known:
                break
            if words[last].known:
                yield first, last


def _named_words(linker: Linker, words: list[_Word], first: int, last: int,
                 result: LinkResult) -> tuple[float, frozenset[int]]:
    """How many words of a run are words of the name matched (each word of the name counted once; a question word
    for half), less the words that are not — « rentre à l'IEP » names « IEP » less well than « IEP » alone,
    « manager et community manager » less well than « community manager » —, and which words they are."""
    name = Counter(linker.alias_words(result.best))
    joins = _AND in fold(result.best.matched).split()  # « hôtellerie et restauration » holds its « et »
    count, named = 0.0, set()
    for index in range(first, last + 1):
        word = words[index]
        if word.folded == _AND and not joins and first < index < last:
            count -= 1.0  # « boulanger et pâtissier » names two jobs, not « boulanger-pâtissier »
            continue
        claimed = next((t for token in word.tokens for t in (token, *linker.near(token)) if name[t] > 0), None) \
            or next((t for token in word.tokens for t in name if name[t] > 0 and t.startswith(token)), None)
        if claimed is not None:
            name[claimed] -= 1
            named.add(index)
            count += 1.0 if word.content else 0.5
        elif word.content:
            count -= 1.0
    return count, frozenset(named)


def _names_alone(linker: Linker, result: LinkResult) -> bool:
    """Whether one word names what it matched: a record's whole name, or the first word of names (« médecin »,
    « ingénieur »: the student names the job in general), matched well; not a word inside names (« femme »)."""
    return result.best.score >= SENTENCE_SPAN and not linker.names_part(result)


def _kind_before(words: list[_Word], first: int, kinds: frozenset[str]) -> int:
    """How many words before `first` are kind words of a name (« titre », « titre pro », « fiche RNCP »): 0–2."""
    folded = [w.folded for w in words[max(0, first - 2):first]]
    if folded[-1:] and folded[-1] in _OF:  # « le titre de chargé de com »
        before = _kind_before(words, first - 1, kinds)
        return 1 + before if before else 0
    if len(folded) == 2 and folded[1] in _KIND_QUALIFIERS and folded[0] in kinds:
        return 2
    return 1 if folded[-1:] and folded[-1] in kinds else 0


def _unheld(message: str, words: list[_Word]) -> list[tuple[int, int, str]]:
    """(first, last, type) of the names the base may not hold but students write in a known shape: « RNCP 34567 »,
    « titre pro DWWM » (a kind word, then a sigle), « devenir youtubeur » (a word no name holds, after « devenir »)."""
    found = []
    previous = ""  # the last word of more than one letter before this one
    for index, word in enumerate(words):
        folded = word.folded
        if folded == "rncp" and index + 1 < len(words) and _DIGITS.fullmatch(words[index + 1].text):
            found.append((index, index + 1, CERTIFICATION))
        elif folded.startswith("rncp") and _RNCP_NUMBER.fullmatch(folded):
            found.append((index, index, CERTIFICATION))
        elif re.fullmatch(r"[A-Z]{2,6}", word.text) and _kind_before(words, index, _NAMING_KINDS):
            found.append((index, index, CERTIFICATION))
        elif previous in _BECOMING and word.content and not word.known and len(word.text) >= 4:
            # after « devenir », « être », « comme » (one-letter words between: markup, « un » elided)
            found.append((index, index, METIER))
        if len(word.text) > 1:
            previous = folded
    return found


def find_mentions(linker: Linker, message: str) -> list[Found]:
    """The names `message` holds, in the order they appear; an empty list when it names nothing. A message read
    lately is not read again (the intent classifier masks the names the entity extractor then finds); the Founds
    are shared: read them, do not change them."""
    remembered: OrderedDict[str, tuple[Found, ...]] = linker.__dict__.setdefault("_mentions_read", OrderedDict())
    if message not in remembered:
        remembered[message] = tuple(_find_mentions(linker, message))
        if len(remembered) > REMEMBERED:
            remembered.popitem(last=False)
    return list(remembered[message])


def _find_mentions(linker: Linker, message: str) -> list[Found]:
    words = _words(linker, message)
    candidates = []
    for first, last in _runs(words, message):
        run = words[first : last + 1]
        tokens = [t for w in run for t in w.tokens]
        if not any(w.content for w in run) or all(_LEVEL.fullmatch(t) for t in tokens):
            continue  # question words only (« être », « faire »), or a level
        result = linker.link(message[run[0].start : run[-1].end])
        # a name of several words that the linker finds whole in one record only: a long title, partly typed
        floor = FOUND_SEVERAL if result.status == FOUND and sum(w.content for w in run) >= 2 else SENTENCE_SPAN
        if result.status == UNKNOWN or not result.candidates or result.best.score < floor:
            continue
        if first == last and not _names_alone(linker, result):
            continue
        size, named = _named_words(linker, words, first, last, result)
        candidates.append(((size, result.best.score), first, last, result, named, result.best.type))
    for first, last, record_type in _unheld(message, words):
        text = message[words[first].start : words[last].end]
        candidates.append(((0, 0), first, last, LinkResult(query=text, status=UNKNOWN, span=text),  # names held first
                           frozenset(range(first, last + 1)), record_type))
    candidates = [c for c in candidates if not any(_within(c, other) for other in candidates)]
    taken: list[Found] = []
    used: set[int] = set()
    for _, first, last, result, _, record_type in sorted(candidates,
                                                         key=lambda c: (-c[0][0], -c[0][1], c[2] - c[1], c[1])):
        if used & set(range(first, last + 1)):
            continue
        found = _found(linker, message, words, first, last, result, record_type)
        taken.append(found)
        used.update(i for i, w in enumerate(words) if w.end > found.start and w.start < found.end)
        if len(taken) == MAX_MENTIONS:
            break
    return _joined(linker, message, sorted(taken, key=lambda f: f.start))


def _joined(linker: Linker, message: str, found: list[Found]) -> list[Found]:
    """Two names side by side that are one (« master MEEF » + « second degré en sciences humaines et sociales »):
    the second names one record, and the first is one of that record's names or a part of one. « boulanger et
    pâtissier » stays two (« et » joins names)."""
    joined: list[Found] = []
    for mention in found:
        before = joined[-1] if joined else None
        if (before is not None and before.type == mention.type and mention.result.status == FOUND
                and not normalize(message[before.end : mention.start]).tokens
                and _AND not in fold(message[before.end : mention.start]).split()
                and not _PAUSE.search(message[before.end : mention.start])
                and linker.among(mention.ids).link(before.text).status == FOUND):
            joined[-1] = Found(before.start, mention.end, message[before.start : mention.end], mention.type,
                               mention.result)
        else:
            joined.append(mention)
    return joined


def _within(shorter: tuple, longer: tuple) -> bool:
    """Whether a candidate run lies inside a longer one naming the same record, whose other words are words of
    that name too (« 360 » in « com 360 »; not « dircom » in « dircom c'est »)."""
    _, first, last, result, _, _ = shorter
    _, outer_first, outer_last, outer, named, _ = longer
    if not (outer_first <= first and last <= outer_last) or (outer_first, outer_last) == (first, last):
        return False
    extra = set(range(outer_first, first)) | set(range(last + 1, outer_last + 1))
    return (result.status != UNKNOWN and outer.status != UNKNOWN and result.best.id == outer.best.id
            and extra <= named)


def _title_end(message: str, words: list[_Word], last: int) -> int:
    """The last word of a title named after « titre » (« manager de la communication »): content words, and the
    stop words between them, up to a pause, a question word or a number."""
    end = last
    for index in range(last + 1, len(words)):
        word = words[index]
        if _PAUSE.search(message[words[index - 1].end : word.start]) or word.text[:1].isdigit():
            break
        if word.content:
            end = index
        elif word.tokens:
            break
    return end


def _found(linker: Linker, message: str, words: list[_Word], first: int, last: int, result: LinkResult,
           record_type: str) -> Found:
    """The mention of words first–last: after « titre » or « certif », a certification (« titre pro développeur
    web »: the certification, not the job), its span starting at the kind words."""
    if record_type != CERTIFICATION and _kind_before(words, first, _NAMING_KINDS):
        record_type = CERTIFICATION  # the title goes on to the end of the name (« secrétaire assistant »)
        last = _title_end(message, words, last)
        result = linker.link(message[words[first].start : words[last].end], [CERTIFICATION])
    number = bool(_RNCP_NUMBER.fullmatch(words[first].folded))
    kinds = _KIND_BEFORE.get(record_type, frozenset()) if not number else frozenset({"rncp"})
    start = words[first - _kind_before(words, first, kinds)].start
    end = words[last].end
    elided = _ELISION.match(message[start:end])
    if elided:
        start += elided.end()
    return Found(start, end, message[start:end], record_type, result)


def words_around(message: str, found: Found, size: int = 2) -> tuple[list[str], list[str]]:
    """The `size` words before a name and after it, folded (for whoever judges the name in its sentence)."""
    before = [fold(w).strip(_EDGES) for w in _WORD.findall(message[: found.start])][-size:]
    after = [fold(w).strip(_EDGES) for w in _WORD.findall(message[found.end :])][:size]
    return before, after


def masked(linker: Linker, message: str) -> str:
    """The message with each name it holds replaced by a word for its record type (« quel est le niveau du BTS
    cybersécurité, informatique et réseaux ? » → « quel est le niveau du xformation ? »): what a question asks,
    whatever the words of the names (an intent classifier's text)."""
    out, end = [], 0
    for found in find_mentions(linker, message):
        out += [message[end:found.start], f"x{found.type}"]
        end = found.end
    return "".join(out) + message[end:]
