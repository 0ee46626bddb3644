"""The linker: turns what a student typed (« dircom », « cheff de publicitée », « le 360 ») into records.

Matching runs on normalised tokens (see `normalize`). Each alias is of a kind, from the strongest: the record's
id or code, its main name (both genders), one of its other names (synonyms, a formation's sigle), a ROME 4.0
name (a ROME code's label or one of its appellations: it leads to the jobs holding that code, or its parent
code, and to the ROME code itself only when no job does). In order:
1. an exact alias match → found when it is one record's main name, or the only record's other name that no other
   main name contains (« ingénieur agronome »); else ambiguous (« chargé de communication », « technicienne de
   laboratoire »);
2. the mention's tokens all contained, typos and prefixes allowed, in the aliases of one record, or making up
   the whole of one record's name → found; of several records → ambiguous (« ingénieur », « professeur »);
3. a fuzzy match of the whole mention (rapidfuzz) above a threshold, with a margin → found;
4. otherwise unknown, with weak suggestions if any: never a forced match.

An ambiguous result holds at most `MAX_CANDIDATES` records, the likeliest first, and `total`, how many matched:
`more` tells the answer layer to ask the student to say more rather than list them all.

Link aliases: an alias whose text is a ROME code other than the record's own id is no name but a link (names.py
writes one per ROME code of a job, and the parent code of a ROME 4.0 code).
"""

from __future__ import annotations

import heapq
import re
import sys
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Callable, Iterable, Optional

from rapidfuzz import fuzz, process

from .normalize import INFO_AFTER, Normalized, fold
from .normalize import normalize as _normalize

FOUND, AMBIGUOUS, UNKNOWN = "found", "ambiguous", "unknown"


@lru_cache(maxsize=100_000)
def normalize(text: str, drop_generic: bool = True) -> Normalized:
    """`normalize.normalize`, remembered: a sentence's words are normalised several times."""
    return _normalize(text, drop_generic)


TOKEN_SIMILARITY = 84  # per-token typo tolerance (rapidfuzz ratio) for tokens of 4+ letters
PREFIX_SIMILARITY = 84  # a typed beginning of a longer word (« compta », « plomb »)
FULL_MATCH = 86  # whole-mention fuzzy score that identifies a record
SUGGESTION = 60  # below this a record is not even suggested
SENTENCE_SPAN = 88  # a part of a sentence names a record only above this score
MAX_CANDIDATES = 5  # the choices offered for an ambiguous mention
MAX_SUGGESTIONS = 3
CLOSE_BEHIND = 6  # an ambiguous mention offers the records scoring at most this much below the best

# Alias kinds, strongest first, and what each costs in the score of a partial match.
ID, MAIN, OTHER, ROME_NAME = 0, 1, 2, 3
KIND_PENALTY = (0.0, 0.0, 2.0, 4.0)
ROME_ALONE = 6.0  # the further cost of a ROME code named by one of its names that no job holds
# Record types, most asked about first: breaks ties between equally good matches.
TYPE_ORDER = {"metier": 0, "certification": 1, "formation": 2, "secteur": 3, "interet": 4, "rome": 5}
ROME = "rome"
METIER = "metier"
_ROME_CODE = re.compile(r"[a-n]\d{4}")
_ID = re.compile(r"(?:MET|FOR|JOB|SECT|CI)\.[\w.-]+|RNCP\d+")

# Words that frame a question rather than name a record; dropped when scanning a whole sentence.
QUESTION_WORDS = frozenset(
    """quel quelle que quoi qui comment combien pourquoi quand ou est ce c cest qu il elle on je tu vous nous
    faut faire fait fais devenir etre suis es sont etude etudier formation formations ecole parcours niveau
    acces annee an bac salaire gagne gagner moi me te toi mon veux voudrais aimerais peux peut savoir dire
    parle parler presente presenter explique expliquer info information infos renseignement donne donner
    code rome autre nom appelle appele appellation qualite competence bloc statut interet centre taux insertion
    statistique prerequis condition jury vae valide validite date echeance debouche emploi accessible apres
    delivre certificateur organisme mission role travail travaille consiste quotidien tache description
    decrire besoin plait aime passion profil secteur dans merci stp svp bonjour salut hello oui non
    recommande recommandee conseille conseil propose prepare mene ca sa cela ceci the ok alors et bien
    plus moins tout tous toute toutes tres vraiment exactement donc aussi encore sinon avoir ai as a ont
    euh bah ben bon hein jsp sai sais trop genre truc mdr lol ptdr wesh bref enfin voila ouais nan
    debutant debutante debute debut depart commence commencer carriere sortie mois paie payer paye touche
    toucher bosser boulot taf concretement journee journees qualites necessaire necessaires demande demandee
    dure duree temps combien longtemps poursuite poursuivre continuer suite ensuite metiers faudrait
    avec sans ya y leur leurs ses son cette ces quelles quels
    femme homme fille garcon gens beaucoup super genial cool top nul dur facile difficile repeter redire
    comprend comprends compris seconde troisieme quatrieme terminale autre autres chose choses exemple exemples
    horaire horaires alternance etranger tard pas rien quelque vie bosse ok d accord comme aider travailler
    faire pro techno celui celle ceux celles lui""".split()
)


# The same words as the normaliser sees them (« études » → « etude », « d'accès » → « acce »).
QUESTION_TOKENS = frozenset(t for w in QUESTION_WORDS for t in normalize(w, drop_generic=False).tokens) | {"son"}
_BEFORE_SOUND = frozenset("du le au un".split())  # « son » is a name after these (« ingénieur du son »)


def _option_letter(words: list[str], position: int) -> bool:
    """« B » in « option B électronique et réseaux »: as in whole names, the letter says nothing."""
    return position > 0 and len(words[position]) == 1 and words[position - 1].lower() == "option"


def _words(sentence: str) -> list[str]:
    return [w for w in (w.strip(".,;:!?") for w in re.findall(r"[\w'’°+.-]+", sentence)) if w]


@dataclass(frozen=True, slots=True)
class Alias:
    record_id: str
    record_type: str
    label: str  # the record's display name
    text: str  # the alias as written in the source
    norm: str


@dataclass(slots=True)
class Candidate:
    id: str
    type: str
    label: str
    score: float
    matched: str = ""  # the alias that matched
    kind: int = MAIN  # the kind of that alias (ID, MAIN, OTHER, ROME_NAME)
    complete: bool = False  # the mention names the whole alias, not a part of it
    rank: tuple = field(default=(), repr=False, compare=False)  # sort key among candidates (smaller first)
    alias: int = field(default=-1, repr=False, compare=False)  # the index of the alias that matched

    def to_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "label": self.label, "score": round(self.score, 1)}


@dataclass
class LinkResult:
    query: str
    status: str
    candidates: list[Candidate] = field(default_factory=list)
    gender: str = ""  # "f" when the mention used a feminine job title
    span: str = ""  # the part of a sentence that named the record
    total: int = 0  # how many records matched (ambiguous: more than the candidates offered)

    @property
    def best(self) -> Optional[Candidate]:
        return self.candidates[0] if self.candidates else None

    @property
    def more(self) -> bool:
        """More records matched than the candidates offered: the student should say more."""
        return self.total > len(self.candidates)

    def to_dict(self) -> dict:
        return {"query": self.query, "status": self.status, "total": self.total,
                "candidates": [c.to_dict() for c in self.candidates]}


# One alias matching a mention: (alias index, similarity, coverage). Similarity: the mean similarity of the
# mention's tokens to the alias's (100: all exact); coverage: the share of the alias's tokens the mention covers.
_Match = tuple[int, float, float]


def _score(similarity: float, coverage: float) -> float:
    return similarity * (0.8 + 0.2 * coverage)


@dataclass
class _Ranking:
    """The records matching a mention, likeliest first (the first `KEEP` only), and how many there are."""

    candidates: list[Candidate]
    total: int

    def __bool__(self) -> bool:
        return self.total > 0


KEEP = 20  # candidates kept per ranking: enough to decide and to fill the choices


class Linker:
    """An index over record aliases; build once, query many times (a few ms per query)."""

    def __init__(self, aliases: Iterable[Alias]):
        self.aliases: list[Alias] = []
        self.kinds: list[int] = []
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.code_records: dict[str, list[str]] = defaultdict(list)  # ROME code → ids of the records holding it
        self.parent: dict[str, str] = {}  # ROME 4.0 code → its parent code
        self.types: dict[str, str] = {}  # record id → type
        self.labels: dict[str, str] = {}  # record id → label
        self.label_norms: dict[str, str] = {}  # record id → its normalised label
        self.by_record: dict[str, list[int]] = {}  # record id → its aliases
        self.parts_name = False  # whether a lone word of a sentence that is only a part of names names them
        names: list[Alias] = []
        for alias in aliases:
            if not alias.norm:
                continue
            if _ROME_CODE.fullmatch(alias.norm) and alias.norm != alias.record_id.lower():
                if alias.record_type == ROME:
                    self.parent[alias.record_id] = alias.norm.upper()
                elif alias.record_id not in self.code_records[alias.norm.upper()]:
                    self.code_records[alias.norm.upper()].append(alias.record_id)
                continue
            names.append(alias)
            if alias.record_id not in self.types:
                self.types[alias.record_id], self.labels[alias.record_id] = alias.record_type, alias.label
            if alias.text == alias.label:  # spares normalising every label
                self.label_norms[alias.record_id] = alias.norm
        postings: dict[str, list[int]] = defaultdict(list)
        rome_postings: dict[str, list[int]] = defaultdict(list)
        for alias in names:
            record = alias.record_id
            if record not in self.label_norms:
                self.label_norms[record] = normalize(alias.label).text
            if alias.norm == self.label_norms[record] and alias.record_type != ROME:
                kind = MAIN  # (a seed's id may read like its name: « JOB.media-planneur »)
            elif alias.text == record or alias.norm == record.lower() or _ID.fullmatch(alias.text):
                kind = ID  # its id, or the id of a national twin merged into it
            elif alias.record_type == ROME:
                kind = ROME_NAME
            else:
                kind = OTHER
            index = len(self.aliases)
            self.by_record.setdefault(record, []).append(index)
            self.aliases.append(alias)
            self.kinds.append(kind)
            self.exact[alias.norm].append(index)
            if kind == ID:
                continue  # an id names its record whole, never a part of it (« MET.360 » is no « 360 »)
            for token in dict.fromkeys(alias.norm.split()):
                (rome_postings if kind == ROME_NAME else postings)[token].append(index)
        self.exact = dict(self.exact)
        self.code_records = dict(self.code_records)
        # token → the aliases holding it: names, and apart the ROME names (looked at only when names fall short)
        self.postings: dict[str, frozenset[int]] = {t: frozenset(ids) for t, ids in postings.items()}
        self.rome_postings: dict[str, frozenset[int]] = {t: frozenset(ids) for t, ids in rome_postings.items()}
        self.vocabulary = list(self.postings.keys() | self.rome_postings.keys())
        self.sorted_vocabulary = sorted(self.vocabulary)
        self.norms = [a.norm for a in self.aliases]
        # each alias's distinct tokens, the strings shared with the index (a tuple: small, and short to scan)
        self.alias_tokens = [tuple(dict.fromkeys(sys.intern(t) for t in n.split())) for n in self.norms]
        self.sizes = [len(t) for t in self.alias_tokens]
        self.heads = [n.split(" ", 1)[0] for n in self.norms]
        # the end of a record's rank key: jobs before formations, shorter names (the general job first)
        self.static_keys = {record: (TYPE_ORDER.get(kind, 9), len(self.labels[record]), self.labels[record])
                            for record, kind in self.types.items()}
        self.rome_aliases = frozenset(i for i, kind in enumerate(self.kinds) if kind == ROME_NAME)
        by_length: dict[int, list[str]] = defaultdict(list)
        for token in self.vocabulary:
            by_length[len(token)].append(token)
        # length → the tokens a typo of a word of that length may be (at most 2 letters longer or shorter)
        self.near_length = {size: [t for near in range(size - 2, size + 3) for t in by_length.get(near, ())]
                            for size in range(4, max(by_length, default=0) + 3)}
        self._token_cache: dict[str, dict[str, float]] = {}

    def among(self, ids: Iterable[str]) -> "Linker":
        """A linker over the names of these records only: which of the choices offered a student names."""
        choices = Linker(self.aliases[i] for record in dict.fromkeys(ids) for i in self.by_record.get(record, ()))
        choices.parts_name = True  # among a few choices, « celui du son » is enough
        return choices

    # -- token level -------------------------------------------------------------------------
    def _similar_tokens(self, token: str) -> dict[str, float]:
        """Index tokens that `token` may be, with their similarity: itself, near spellings (tokens of 4+ letters)
        and longer words it begins (tokens of 4+ letters: « compta », « plomb »)."""
        cached = self._token_cache.get(token)
        if cached is not None:
            return cached
        if len(self._token_cache) > 50_000:
            self._token_cache.clear()
        known = token in self.postings or token in self.rome_postings
        found = self._token_cache[token] = {token: 100.0} if known else {}
        if len(token) >= 4 and not token.isdigit():
            near = self.near_length.get(len(token), ())
            for other, score, _ in process.extract(token, near, scorer=fuzz.ratio, score_cutoff=TOKEN_SIMILARITY,
                                                   limit=20):
                found.setdefault(other, score)
            start = bisect_left(self.sorted_vocabulary, token)
            for other in self.sorted_vocabulary[start : start + 30]:
                if not other.startswith(token):
                    break
                if len(token) >= 0.4 * len(other):
                    found.setdefault(other, PREFIX_SIMILARITY)
        return found

    def alias_words(self, candidate: Candidate) -> list[str]:
        """The tokens of the name a candidate matched, repeated ones too (« génie … et génie électrique »)."""
        return self.norms[candidate.alias].split() if candidate.alias >= 0 else []

    def near(self, token: str) -> dict[str, float]:
        """The index tokens `token` may be (itself, near spellings, longer words it begins), with their similarity."""
        return self._similar_tokens(token)

    def knows(self, token: str) -> bool:
        """Whether a normalised token is, or may be (typo, beginning), a word of some name, or a whole name
        (« rncp35746 »)."""
        return token in self.exact or bool(self._similar_tokens(token))

    def _aliases_with(self, token: str, rome: bool = False) -> set[int]:
        """Names (or ROME names) holding `token` or a near spelling of it (set union, done in C)."""
        postings = self.rome_postings if rome else self.postings
        empty: frozenset[int] = frozenset()
        return set().union(*(postings.get(other, empty) for other in self._similar_tokens(token)))

    def _contained(self, tokens: tuple[str, ...], sets: list[set[int]]) -> list[_Match]:
        """Aliases containing every token (typos allowed), with the mean token similarity."""
        if not sets:
            return []
        common = set.intersection(*sets) if len(sets) > 1 else sets[0]
        exact = frozenset(tokens)
        similar = [self._similar_tokens(t) for t in tokens]
        matches = []
        for index in common:
            words = self.alias_tokens[index]
            if exact.issubset(words):
                similarity = 100.0
            else:
                similarity = sum(max(s for other, s in near.items() if other in words) for near in similar)
                similarity /= len(tokens)
            matches.append((index, similarity, min(1.0, len(exact) / self.sizes[index])))
        return matches

    # -- record level ------------------------------------------------------------------------
    def _jobs_of(self, code: str) -> list[str]:
        """The jobs holding a ROME code, else its parent code (ROME 4.0 codes ONISEP does not use yet)."""
        jobs = self.code_records.get(code)
        if not jobs and code in self.parent:
            jobs = self.code_records.get(self.parent[code])
        return [j for j in jobs or [] if self.types.get(j) == METIER]

    def _candidates(self, matches: Iterable[_Match], wanted: Optional[set[str]], mention: str) -> _Ranking:
        """The best match of each record, likeliest first. A ROME name leads to the jobs holding its code when
        jobs are wanted (ranked by how close their own name is to the mention), else to the ROME code."""
        by_source: dict[str, tuple[float, int, int, float]] = {}  # a ROME code has many names: its best one
        kinds, aliases = self.kinds, self.aliases
        for index, similarity, coverage in matches:
            kind = kinds[index]
            score = _score(similarity, coverage) - KIND_PENALTY[kind]
            source = aliases[index].record_id
            current = by_source.get(source)
            if current is None or (score, -kind) > (current[0], -current[1]):
                by_source[source] = (score, kind, index, coverage)
        head = mention.split(" ", 1)[0]
        jobs_wanted = wanted is None or METIER in wanted
        types, heads, static = self.types, self.heads, self.static_keys
        best: dict[str, tuple] = {}  # record → (rank key, score, alias index, kind, coverage)
        redirected = []
        for source, (score, kind, index, coverage) in by_source.items():
            if kind == ROME_NAME:
                redirected.append(source)
            elif wanted is None or types[source] in wanted:
                key = (-round(score, 1), min(kind, OTHER), heads[index] != head, *static[source])
                best[source] = (key, score, index, kind, coverage)
        for source in redirected:
            score, kind, index, coverage = by_source[source]
            targets = self._jobs_of(source) if jobs_wanted else []
            if not targets:
                if wanted is not None and ROME not in wanted:
                    continue
                targets, score = [source], score - ROME_ALONE  # a ROME code no job holds: little to say
            for record in targets:
                points = score
                if record != source:
                    points -= (100 - fuzz.token_set_ratio(mention, self.label_norms[record])) / 20
                key = (-round(points, 1), OTHER, heads[index] != head, *static[record])
                current = best.get(record)
                if current is None or key < current[0]:
                    best[record] = (key, points, index, kind, coverage)
        ranked = heapq.nsmallest(KEEP, best.items(), key=lambda item: item[1][0])
        return _Ranking([Candidate(record, types[record], self.labels[record], points, aliases[index].text,
                                   kind, coverage >= 1.0, key, index)
                         for record, (key, points, index, kind, coverage) in ranked], len(best))

    def _main_containing(self, tokens: tuple[str, ...], wanted: Optional[set[str]]) -> _Ranking:
        """Records whose main name holds every token as written (« chargé de communication interne »)."""
        sets = [self.postings.get(t, frozenset()) for t in tokens]
        common = frozenset.intersection(*sets) if sets else frozenset()
        size = len(set(tokens))
        mains = [(i, 100.0, min(1.0, size / self.sizes[i])) for i in common if self.kinds[i] == MAIN]
        return self._candidates(mains, wanted, " ".join(tokens))

    def link(self, mention: str, types: Optional[Iterable[str]] = None) -> LinkResult:
        """Resolve a mention; `types` restricts the record types considered."""
        normalized = normalize(mention)
        result = LinkResult(query=mention, status=UNKNOWN, gender=normalized.gender, span=mention)
        return self._link_tokens(result, normalized.tokens, set(types) if types else None)

    def _link_tokens(self, result: LinkResult, tokens: tuple[str, ...], wanted: Optional[set[str]]) -> LinkResult:
        if not tokens:
            return result
        text = " ".join(tokens)

        exact = self.exact.get(text, [])
        if exact:
            names = self._candidates(((i, 100.0, 1.0) for i in exact if i not in self.rome_aliases), wanted, text)
            rome = self._candidates(((i, 100.0, 1.0) for i in exact if i in self.rome_aliases), wanted, text)
            decided = self._decide_exact(result, names, rome, tokens, wanted) if names or rome else None
            if decided is not None:
                return decided

        sets = [self._aliases_with(t) for t in tokens]
        names = self._candidates(self._contained(tokens, sets), wanted, text)
        rome_sets = [self._aliases_with(t, rome=True) for t in tokens]

        def rome() -> _Ranking:
            return self._candidates(self._contained(tokens, rome_sets), wanted, text)

        if names:
            return self._decide_contained(result, names, rome, tokens, wanted)
        by_rome = rome()
        if by_rome:
            return self._decide_contained(result, by_rome, lambda: _Ranking([], 0), tokens, wanted)
        sets = [a | b for a, b in zip(sets, rome_sets)]

        # The whole-mention fuzzy match only looks at aliases sharing at least half of its tokens (typos allowed).
        needed = (len(sets) + 1) // 2
        if needed <= 1:
            nearby = set().union(*sets)
        else:
            nearby = {i for i, n in Counter(chain.from_iterable(sets)).items() if n >= needed}
        scored = process.extract(text, {i: self.norms[i] for i in nearby}, scorer=fuzz.token_sort_ratio,
                                 score_cutoff=SUGGESTION, limit=50)
        full = self._candidates(((i, score, 1.0) for _, score, i in scored), wanted, text)
        strong = [c for c in full.candidates if c.score >= FULL_MATCH]
        if strong:
            clear_winner = len(strong) == 1 or strong[0].score - strong[1].score >= 6
            return self._settle(result, _Ranking(strong, len(strong)), FOUND if clear_winner else AMBIGUOUS)
        result.candidates = full.candidates[:MAX_SUGGESTIONS]
        result.total = full.total
        return result

    @staticmethod
    def _settle(result: LinkResult, ranking: _Ranking, status: str,
                fill: Optional[Callable[[], _Ranking]] = None) -> LinkResult:
        """The likeliest candidate if found, else up to MAX_CANDIDATES of them, completed by `fill` (weaker
        matches — the jobs of a ROME name —, computed only when there is room, and offered after the others)."""
        result.status = status
        candidates = ranking.candidates
        if status == FOUND:
            result.candidates, result.total = candidates[:1], 1
            return result
        total = ranking.total
        if fill is not None and total < MAX_CANDIDATES:
            known = {c.id for c in candidates}
            floor = max((c.score for c in candidates), default=0) - CLOSE_BEHIND
            extra = [c for c in fill().candidates if c.id not in known and c.score >= floor]
            candidates = candidates + extra
            total += len(extra)
        result.candidates, result.total = candidates[:MAX_CANDIDATES], total
        return result

    def _decide_exact(self, result: LinkResult, names: _Ranking, rome: _Ranking, tokens: tuple[str, ...],
                      wanted: Optional[set[str]]) -> Optional[LinkResult]:
        """The mention is a whole alias: one record's main name or id wins; one record's other name wins when no
        other record of its type has a main name containing the mention; a ROME name leads to its jobs."""
        mains = [c for c in names.candidates if c.kind <= MAIN]
        if mains:
            ranking = _Ranking(mains + [c for c in names.candidates if c.kind > MAIN], names.total)
            return self._settle(result, ranking, FOUND if len(mains) == 1 else AMBIGUOUS, lambda: rome)
        named = {c.id for c in names.candidates}
        containing = [c for c in self._main_containing(tokens, wanted).candidates if c.id not in named]
        if names:
            rivals = [c for c in containing if c.type in {n.type for n in names.candidates}]
            found = names.total == 1 and not rivals
            ranking = _Ranking(names.candidates + containing, names.total + len(containing))
            return self._settle(result, ranking, FOUND if found else AMBIGUOUS, lambda: rome)
        # ROME names only: the jobs they lead to (ranked by how close their own name is), or the ROME code
        ids = {c.id for c in rome.candidates}
        containing = [c for c in containing if c.id not in ids]
        if not rome and not containing:
            return None
        found = rome.total + len(containing) == 1
        return self._settle(result, _Ranking(rome.candidates + containing, rome.total + len(containing)),
                            FOUND if found else AMBIGUOUS)

    def _decide_contained(self, result: LinkResult, contained: _Ranking, weaker: Callable[[], _Ranking],
                          tokens: tuple[str, ...], wanted: Optional[set[str]]) -> LinkResult:
        """Every token of the mention is in the names of these records (typos and prefixes allowed): the one
        record whose whole name it is, or the only one holding it; else several."""
        complete = [c for c in contained.candidates if c.complete and c.score >= 90]
        mains = [c for c in complete if c.kind <= MAIN]
        if len(mains) == 1:  # one title, as written give or take a typo (« jounaliste »)
            return self._settle(result, _Ranking(mains, 1), FOUND)
        if len(complete) == 1:  # the whole of another name, unless main names of its type hold it too
            one = complete[0]
            if not [c for c in self._main_containing(tokens, wanted).candidates if c.id != one.id and c.type == one.type]:
                return self._settle(result, _Ranking(complete, 1), FOUND)
        if contained.total == 1 and contained.candidates[0].score >= 80:
            return self._settle(result, contained, FOUND)
        together = self._in_order(tokens, contained.candidates)
        if together is not None:
            return self._settle(result, _Ranking([together], 1), FOUND)
        if complete:
            rest = [c for c in contained.candidates if c not in complete]
            contained = _Ranking(complete + rest, contained.total)
        # the likely ones only: a typo-near or much longer name far behind the best is no real choice
        floor = max(c.score for c in contained.candidates) - CLOSE_BEHIND
        close = [c for c in contained.candidates if c.score >= floor]
        if len(close) < len(contained.candidates):
            contained = _Ranking(close, len(close))
        return self._settle(result, contained, AMBIGUOUS, weaker)

    def _in_order(self, tokens: tuple[str, ...], candidates: list[Candidate]) -> Optional[Candidate]:
        """The one candidate whose name holds the mention's words side by side, in order, where the others
        hold them apart (« INSA Hauts-de-France génie industriel »: not « … génie électrique et informatique
        industrielle »): at least two pairs of neighbours and half of them, more than any other candidate."""
        pairs = set(zip(tokens, tokens[1:]))
        if len(pairs) < 2:
            return None
        counts = []
        for candidate in candidates:
            words = self.norms[candidate.alias].split()
            counts.append((len(pairs & set(zip(words, words[1:]))), candidate))
        counts.sort(key=lambda item: -item[0])
        best = counts[0][0] if counts else 0
        if best >= 2 and 2 * best >= len(pairs) and (len(counts) == 1 or counts[1][0] < best):
            return counts[0][1]
        return None

    # -- sentences ---------------------------------------------------------------------------
    @staticmethod
    def content_words(sentence: str) -> list[str]:
        """The words of a question that may name something (question framing and stop words removed)."""
        words = _words(sentence)
        kept = []
        for position, word in enumerate(words):
            folded = word.lower()
            if folded == "son":  # the noun (« ingénieur du son »), not the possessive (« son salaire »)
                after_article = position and words[position - 1].lower() in _BEFORE_SOUND
                if after_article or (position == len(words) - 1 and position and words[position - 1].lower() == "de"):
                    kept.append(word)
                continue
            if folded == "info" and position and fold(words[position - 1]) in INFO_AFTER:
                kept.append(word)  # « BUT info »: informatique
            elif not set(normalize(word, drop_generic=False).tokens) <= QUESTION_TOKENS:
                kept.append(word)
        return kept

    def _exact_span(self, sentence: str, wanted: Optional[set[str]]) -> Optional[LinkResult]:
        """The longest run of the sentence's words that is a whole name, question words included (« chargé
        d'études média », « formation des officiers mariniers »), unless made of question words only."""
        words = _words(sentence)
        tokens = [() if _option_letter(words, i) else normalize(w).tokens for i, w in enumerate(words)]
        spans = []
        for start in range(len(words)):
            if not tokens[start]:
                continue
            joined: tuple[str, ...] = ()
            for end in range(start, min(len(words), start + 16)):
                joined += tokens[end]
                if tokens[end] and " ".join(joined) in self.exact and not set(joined) <= QUESTION_TOKENS:
                    spans.append((-len(joined), start, end, joined))
        for _, start, end, joined in sorted(spans):
            text = " ".join(words[start : end + 1])
            result = LinkResult(query=sentence, status=UNKNOWN, gender=normalize(text).gender, span=text)
            result = self._link_tokens(result, joined, wanted)
            if result.status != UNKNOWN:
                return result
        return None

    def find_in_sentence(self, sentence: str, types: Optional[Iterable[str]] = None) -> LinkResult:
        """Find the record a whole question names (« quelles études pour devenir dircom ? »): the longest whole
        name in it, or what its content words name (typos allowed) when that is longer."""
        wanted = set(types) if types else None
        content = self.content_words(sentence)
        if not content:
            return LinkResult(query=sentence, status=UNKNOWN)
        exact = self._exact_span(sentence, wanted)
        named = normalize(exact.span).tokens if exact is not None else ()
        if exact is not None and set(normalize(" ".join(content)).tokens) <= set(named):
            return exact
        scanned = self._scan(content, types)
        if exact is None:
            return scanned
        longer = len(normalize(scanned.span).tokens) > len(named)
        strong = scanned.status == FOUND or (scanned.status == AMBIGUOUS and scanned.best.score >= 90)
        return scanned if longer and strong else exact

    def names_part(self, result: LinkResult) -> bool:
        """A single word of a sentence that is only a part of names names nothing unless names start with it
        (« ingénieur », « technicien »): not « femme » (« sage-femme ») nor « étrangères »."""
        tokens = normalize(result.span).tokens
        if self.parts_name or len(tokens) != 1 or any(c.complete for c in result.candidates):
            return False
        near = self._similar_tokens(tokens[0])
        return not any(c.alias >= 0 and self.heads[c.alias] in near for c in result.candidates)

    def _scan(self, content: list[str], types: Optional[Iterable[str]]) -> LinkResult:
        """What the content words name: all of them, else the longest run of them that names a record (one
        record if some run of that length names one, else the first run naming several)."""
        whole = self.link(" ".join(content), types)
        if whole.status != UNKNOWN and not self.names_part(whole):
            return whole
        for size in range(len(content) - 1, 0, -1):
            best: Optional[LinkResult] = None
            ambiguous: Optional[LinkResult] = None
            for start in range(0, len(content) - size + 1):
                attempt = self.link(" ".join(content[start : start + size]), types)
                if attempt.status == UNKNOWN or attempt.best.score < SENTENCE_SPAN or self.names_part(attempt):
                    continue
                if attempt.status == FOUND and (best is None or attempt.best.score > best.best.score):
                    best = attempt
                elif attempt.status == AMBIGUOUS and ambiguous is None:
                    ambiguous = attempt
            if best or ambiguous:
                return best or ambiguous
        return whole if whole.status == UNKNOWN else LinkResult(query=whole.query, status=UNKNOWN, span=whole.span)
