"""The linker: turns what a student typed (« dircom », « cheff de publicitée », « le 360 ») into records.

Matching runs on normalised tokens (see `normalize`). In order:
1. an exact alias (or id) match → found, or ambiguous when several records share the alias;
2. the mention's tokens all contained, typos allowed, in the aliases of one record → found,
   of several records → ambiguous (« chargé de communication »);
3. a fuzzy match of the whole mention (rapidfuzz) above a threshold, with a margin → found;
4. otherwise unknown, with weak suggestions if any: never a forced match.
"""

from __future__ import annotations

import re
from itertools import chain
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from rapidfuzz import fuzz, process

from .normalize import normalize

FOUND, AMBIGUOUS, UNKNOWN = "found", "ambiguous", "unknown"
TOKEN_SIMILARITY = 84  # per-token typo tolerance (rapidfuzz ratio) for tokens of 4+ letters
FULL_MATCH = 86  # whole-mention fuzzy score that identifies a record
SUGGESTION = 60  # below this a record is not even suggested
MAX_CANDIDATES = 8

# Words that frame a question rather than name a record; dropped when scanning a whole sentence.
QUESTION_WORDS = frozenset(
    """quel quelle que quoi qui comment combien pourquoi quand ou est ce c cest qu il elle on je tu vous nous
    faut faire fait fais devenir etre suis es sont etude etudier formation formations ecole parcours niveau
    acces annee an bac salaire gagne gagner moi me te toi mon veux voudrais aimerais peux peut savoir dire
    parle parler presente presenter explique expliquer info information infos renseignement donne donner
    code rome autre nom appelle appele appellation qualite competence bloc statut interet centre taux insertion
    statistique prerequis condition jury vae valide validite date echeance debouche emploi accessible apres
    delivre certificateur organisme mission role travail travaille consiste quotidien tache description
    decrire besoin plait aime passion profil secteur dans entreprise merci stp svp bonjour salut hello oui non
    recommande recommandee conseille conseil propose prepare mene ca sa cela ceci the ok alors et bien
    plus moins tout tous toute toutes tres vraiment exactement donc aussi encore sinon avoir ai as a ont
    euh bah ben bon hein jsp sai sais trop genre truc mdr lol ptdr wesh bref enfin voila ouais nan""".split()
)


# The same words as the normaliser sees them (« études » → « etude », « d'accès » → « acce »).
QUESTION_TOKENS = frozenset(t for w in QUESTION_WORDS for t in normalize(w, drop_generic=False).tokens)


@dataclass(frozen=True)
class Alias:
    record_id: str
    record_type: str
    label: str  # the record's display name
    text: str  # the alias as written in the source
    norm: str


@dataclass
class Candidate:
    id: str
    type: str
    label: str
    score: float
    matched: str = ""  # the alias that matched

    def to_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "label": self.label, "score": round(self.score, 1)}


@dataclass
class LinkResult:
    query: str
    status: str
    candidates: list[Candidate] = field(default_factory=list)
    gender: str = ""  # "f" when the mention used a feminine job title
    span: str = ""  # the part of a sentence that named the record

    @property
    def best(self) -> Optional[Candidate]:
        return self.candidates[0] if self.candidates else None

    def to_dict(self) -> dict:
        return {"query": self.query, "status": self.status, "candidates": [c.to_dict() for c in self.candidates]}


class Linker:
    """An index over record aliases; build once, query many times (a few ms per query)."""

    def __init__(self, aliases: Iterable[Alias]):
        self.aliases: list[Alias] = []
        self.exact: dict[str, list[int]] = defaultdict(list)
        postings: dict[str, set[int]] = defaultdict(set)
        for alias in aliases:
            if not alias.norm:
                continue
            index = len(self.aliases)
            self.aliases.append(alias)
            self.exact[alias.norm].append(index)
            for token in alias.norm.split():
                postings[token].add(index)
        self.postings = dict(postings)
        self.vocabulary = list(self.postings)
        self.norms = [a.norm for a in self.aliases]
        self.alias_tokens = [frozenset(n.split()) for n in self.norms]
        self._token_cache: dict[str, dict[str, float]] = {}

    # -- token level -------------------------------------------------------------------------
    def _similar_tokens(self, token: str) -> dict[str, float]:
        """Index tokens that `token` may be, with their similarity (typos only for longer tokens)."""
        cached = self._token_cache.get(token)
        if cached is not None:
            return cached
        if len(self._token_cache) > 50_000:
            self._token_cache.clear()
        found = self._token_cache[token] = {token: 100.0} if token in self.postings else {}
        if len(token) >= 4:
            for other, score, _ in process.extract(
                token, self.vocabulary, scorer=fuzz.ratio, score_cutoff=TOKEN_SIMILARITY, limit=20
            ):
                if abs(len(other) - len(token)) <= 2:
                    found.setdefault(other, score)
        return found

    def _aliases_with(self, token: str) -> set[int]:
        """Aliases holding `token` or a near spelling of it (set union, done in C)."""
        found: set[int] = set()
        for other in self._similar_tokens(token):
            found |= self.postings[other]
        return found

    def _contained(self, tokens: tuple[str, ...], sets: list[set[int]]) -> dict[int, float]:
        """Aliases containing every token (typos allowed) → mean token similarity."""
        common = set.intersection(*sets) if sets else set()
        scores: dict[int, float] = {}
        for index in common:
            words = self.alias_tokens[index]
            total = 0.0
            for token in tokens:
                total += max(score for other, score in self._similar_tokens(token).items() if other in words)
            scores[index] = total / len(tokens)
        return scores

    # -- record level ------------------------------------------------------------------------
    def _rank(self, scores: dict[int, float]) -> list[Candidate]:
        best: dict[str, Candidate] = {}
        for index, score in scores.items():
            alias = self.aliases[index]
            current = best.get(alias.record_id)
            if current is None or score > current.score:
                best[alias.record_id] = Candidate(alias.record_id, alias.record_type, alias.label, score, alias.text)
        return sorted(best.values(), key=lambda c: (-c.score, c.label))

    def link(self, mention: str, types: Optional[Iterable[str]] = None) -> LinkResult:
        """Resolve a mention; `types` restricts the record types considered."""
        wanted = set(types) if types else None
        normalized = normalize(mention)
        result = LinkResult(query=mention, status=UNKNOWN, gender=normalized.gender, span=mention)
        if not normalized.tokens:
            return result

        def keep(candidates: list[Candidate]) -> list[Candidate]:
            return [c for c in candidates if wanted is None or c.type in wanted][:MAX_CANDIDATES]

        exact = keep(self._rank({i: 100.0 for i in self.exact.get(normalized.text, [])}))
        if exact:
            result.candidates = exact
            result.status = FOUND if len(exact) == 1 else AMBIGUOUS
            return result

        sets = [self._aliases_with(t) for t in normalized.tokens]
        contained = self._contained(normalized.tokens, sets)
        # A mention covering only part of an alias scores lower the less of it it covers.
        for index in contained:
            alias_len = len(self.aliases[index].norm.split())
            coverage = min(1.0, len(normalized.tokens) / alias_len)
            contained[index] *= 0.8 + 0.2 * coverage
        partial = keep(self._rank(contained))
        # The whole-mention fuzzy match only looks at aliases sharing at least half of its tokens (typos allowed).
        needed = (len(sets) + 1) // 2
        nearby = set.union(*sets) if needed <= 1 else {i for i, n in Counter(chain.from_iterable(sets)).items() if n >= needed}
        scored = process.extract(normalized.text, {i: self.norms[i] for i in nearby}, scorer=fuzz.token_sort_ratio,
                                 score_cutoff=SUGGESTION, limit=50)
        full = keep(self._rank({i: score for _, score, i in scored}))
        strong_full = [c for c in full if c.score >= FULL_MATCH]
        if partial:
            clear_winner = len(partial) == 1 or (partial[0].score >= 95 and partial[0].score - partial[1].score >= 5)
            result.status = FOUND if clear_winner else AMBIGUOUS
            result.candidates = partial[:1] if clear_winner else partial
        elif strong_full:
            clear_winner = len(strong_full) == 1 or strong_full[0].score - strong_full[1].score >= 6
            result.status = FOUND if clear_winner else AMBIGUOUS
            result.candidates = strong_full[:1] if clear_winner else strong_full
        else:
            result.candidates = full[:3]
        return result

    @staticmethod
    def content_words(sentence: str) -> list[str]:
        """The words of a question that may name something (question framing and stop words removed)."""
        words = [w.strip(".,;:!?") for w in re.findall(r"[\w'’°+.-]+", sentence)]
        return [w for w in words if w and not set(normalize(w, drop_generic=False).tokens) <= QUESTION_TOKENS]

    def find_in_sentence(self, sentence: str, types: Optional[Iterable[str]] = None) -> LinkResult:
        """Find the record a whole question names (« quelles études pour devenir dircom ? »)."""
        content = self.content_words(sentence)
        if not content:
            return LinkResult(query=sentence, status=UNKNOWN)
        whole = self.link(" ".join(content), types)
        if whole.status != UNKNOWN:
            return whole
        best: Optional[LinkResult] = None
        for size in range(len(content) - 1, 0, -1):
            for start in range(0, len(content) - size + 1):
                attempt = self.link(" ".join(content[start : start + size]), types)
                if attempt.status == FOUND and (best is None or attempt.best.score > best.best.score):
                    best = attempt
            if best:
                return best
        return whole
