"""« Je ne sais pas quoi faire » : a guided exploration in a few taps (issue 18, part 1). One to three ONISEP centres
d'intérêt (pages of buttons, or said in words), optionally a sector of activity among those of the jobs they lead
to, how long the student wants to study, then at most five jobs ranked by the interests they match (ties: the level
that fits, then the jobs that stand best for them), each with one line saying why; buttons open a job (the normal
conversation goes on about it), show five more, change the choices or leave. Everything comes from the base: the interests, the jobs attached to them,
their sectors and access levels."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Optional

from rapidfuzz import fuzz

from knowledge.kb import KnowledgeBase
from knowledge.linker import Linker, normalize
from knowledge.mentions import find_mentions
from knowledge.model import CentreInteret, Metier
from knowledge.normalize import fold

from .compose import Answer, join_fr, sources_line, study_level, title_of
from .secteur import interest_rank

PREFIX = "explore:"  # button payloads of the exploration: /choose_option{"choice": "explore:…"}
PAGE = 8  # interests offered at once
SHOWN = 5  # jobs proposed at once
MOST = 3  # interests chosen at most
# how long the student wants to study: (button title, fewest and most years after the bac)
LEVELS = {"court": ("études courtes (CAP–bac+2)", -3, 2), "bac3": ("bac+3", 3, 3), "bac5": ("bac+5 et plus", 4, 12),
          "any": ("peu importe", -3, 12)}
LEVEL_WORDS = ((re.compile(r"\b(court|courte|courtes|cap|bac ?\+ ?2|bts|vite)\b"), "court"),
               (re.compile(r"\b(bac ?\+ ?3|licence|but|bachelor|3 ans)\b"), "bac3"),
               (re.compile(r"\b(bac ?\+ ?[45]|master|longues?|ecole d ingenieur|5 ans)\b"), "bac5"),
               (re.compile(r"\b(peu importe|m en fiche|sais pas|n importe|egal|pas d importance)\b"), "any"))
DONE_WORDS = re.compile(r"\b(c est tout|c est bon|suffit|resultats?|termine|fini|voir les metiers|ok)\b")
STOP_WORDS = re.compile(r"^\W*(recommencer|on recommence|recommence|stop|stoppe|arrete|on arrete|arreter|annule|annuler|"
                        r"quitter|laisse tomber|on laisse tomber)\W*$")
ANY_SECTOR = re.compile(r"\b(peu importe|m en fiche|sais pas|n importe|egal|pas d importance|aucun|non|tous|pas de "
                        r"secteur|passer|suite)\b")
# A clause turning down what it names next (« pas les maths », « ni vendre », « à part prof », « nul en maths »),
# unless a liking verb comes after the refusal (« je sais pas, j'aime les animaux »).
REFUSING = re.compile(r"\b(pas|ni|jamais|sans|rien|deteste\w*|horreur|nul(le)?s?|bof)\b")
EXCEPT = re.compile(r"\b(sauf|hormis|a part)\b")  # refuses, unless it excepts from a refusal (« nul sauf en sport »)
LIKING_VERB = re.compile(r"\b(aime|adore|kiffe|prefere|passionne\w*|plait|interesse)\b")
CLAUSE_END = re.compile(r"[,.;:!?]|\bmais\b|\bpar contre\b")
SECTOR_SIMILARITY = 85  # a word of the message this close to a word of a sector's name names it (typos)


@dataclass
class Exploration:
    """Where the exploration stands (the `exploration` slot, as JSON)."""

    interests: list[str] = field(default_factory=list)
    level: str = ""
    page: int = 0  # first interest offered
    start: int = 0  # first job proposed
    step: str = "interests"  # what was asked last: interests, sector, level, results
    sector: str = ""  # the sector of activity chosen (its name in the base), "" for any

    def slot(self) -> str:
        return json.dumps(asdict(self))

    @staticmethod
    def parse(value: Optional[str]) -> Optional["Exploration"]:
        try:
            data = json.loads(value or "")
        except ValueError:
            return None
        return Exploration(**data) if isinstance(data, dict) else None


def button(title: str, action: str) -> dict:
    return {"title": title, "payload": "/choose_option" + json.dumps({"choice": PREFIX + action}, ensure_ascii=False)}


def interests(kb: KnowledgeBase) -> list[CentreInteret]:
    records = [kb.get(i) for i in kb.ids(CentreInteret.TYPE)]
    return sorted((r for r in records if isinstance(r, CentreInteret)), key=lambda r: fold(r.label))


def _plain(label: str) -> str:
    return label[:1].lower() + label[1:]


def ask_interests(kb: KnowledgeBase, state: Exploration) -> Answer:
    """A page of interests not chosen yet; « C'est tout » once one is chosen."""
    state.step = "interests"
    left = [r for r in interests(kb) if r.id not in state.interests]
    start = state.page if state.page < len(left) else 0
    shown = left[start:start + PAGE]
    chosen = [kb.get(i).label for i in state.interests if kb.get(i)]
    if chosen:
        text = (f"Noté : {join_fr([_plain(c) for c in chosen])}. Tu peux en choisir "
                f"{'encore un' if len(chosen) < MOST - 1 else 'un dernier'}, ou passer à la suite.")
    else:
        text = ("On cherche ensemble ! Qu'est-ce qui te plaît ? Choisis un à trois centres d'intérêt "
                "(ou écris-le avec tes mots, par exemple « j'aime dessiner »).")
    buttons = [button(r.label[:1].upper() + r.label[1:], f"interest:{r.id}") for r in shown]
    if start + PAGE < len(left) or start:
        buttons.append(button("Autres centres d'intérêt", f"page:{start + PAGE if start + PAGE < len(left) else 0}"))
    if chosen:
        buttons.append(button("C'est tout", "done"))
    buttons.append(button("Recommencer", "stop"))
    return Answer(text=text, buttons=buttons, kind="clarify", source=sources_line(["Onisep (centres d'intérêt)"]))


def sectors_for(kb: KnowledgeBase, state: Exploration) -> list[tuple[str, int]]:
    """The sectors of activity of the jobs the chosen interests lead to, with how many: most jobs first."""
    counts = Counter(s for job, _ in ranked(kb, replace(state, sector="")) for s in job.secteurs_activite)
    return sorted(counts.items(), key=lambda item: (-item[1], fold(item[0])))


def after_interests(kb: KnowledgeBase, state: Exploration) -> Answer:
    """The step after the interests: a sector when their jobs are in several, else how long to study."""
    state.page = 0
    offered = sectors_for(kb, state)
    return ask_sector(kb, state, offered) if len(offered) > 1 else ask_level(state)


def ask_sector(kb: KnowledgeBase, state: Exploration,
               offered: Optional[list[tuple[str, int]]] = None) -> Answer:
    """A page of the sectors the chosen interests lead to (how many jobs each: `offered` when already counted),
    « Peu importe » to keep them all."""
    state.step = "sector"
    offered, known = offered if offered is not None else sectors_for(kb, state), kb.activity_sectors
    start = state.page if state.page < len(offered) else 0
    buttons = [button(f"{label} ({count})", f"sector:{known.index(label)}") for label, count in
               offered[start:start + PAGE]]
    if len(offered) > PAGE:
        buttons.append(button("Autres secteurs", f"sectors:{start + PAGE if start + PAGE < len(offered) else 0}"))
    buttons += [button("Peu importe", "sector:any"), button("Recommencer", "stop")]
    return Answer(text="Un secteur d'activité t'attire ? C'est facultatif : choisis « Peu importe » pour les garder "
                       "tous. Entre parenthèses, le nombre de métiers pour tes choix.",
                  buttons=buttons, kind="clarify", source=sources_line(["Onisep (secteurs d'activité des métiers)"]))


def sector_pressed(kb: KnowledgeBase, value: str) -> Optional[str]:
    """The sector a « sector:N » button names ("" for « Peu importe »), None for an unknown one."""
    if value == "any":
        return ""
    known = kb.activity_sectors
    return known[int(value)] if value.isdigit() and int(value) < len(known) else None


def sector_said(kb: KnowledgeBase, state: Exploration, text: str) -> Optional[str]:
    """The sector a message names among those offered (« la santé », « l'informatique », « le BTP »), "" for « peu
    importe », None for neither. A sector whose name shares more of its words with the message wins, then the
    one with most jobs."""
    said_folded = folded(text)
    if ANY_SECTOR.search(said_folded):
        return ""
    said = [w for w in re.findall(r"\w+", said_folded) if len(w) >= 3]
    best, best_share = None, 0.0
    for label, _ in sectors_for(kb, state):
        words = [w for w in re.findall(r"\w+", fold(label)) if len(w) >= 3 and w not in ("des", "les", "et")]
        hits = sum(any(fuzz.ratio(w, x) >= SECTOR_SIMILARITY for x in said) for w in words)
        if words and hits / len(words) > best_share:
            best, best_share = label, hits / len(words)
    return best


def ask_level(state: Exploration) -> Answer:
    state.step = "level"
    return Answer(text="Combien de temps veux-tu étudier après le bac ?",
                  buttons=[button(title, f"level:{key}") for key, (title, _, _) in LEVELS.items()]
                  + [button("Recommencer", "stop")], kind="clarify")


def years(level: str) -> Optional[int]:
    """Years of study after the bac a job's access level means (« bac + 5 » → 5, « CAP » → -2, « bac » → 0)."""
    folded = fold(level or "")
    found = re.search(r"bac\s*\+\s*(\d+)", folded)
    if found:
        return int(found.group(1))
    if folded.startswith("bac"):
        return 0
    if re.search(r"cap|bep|3e|sans diplome", folded):
        return -2
    return None


def ranked(kb: KnowledgeBase, state: Exploration) -> list[tuple[Metier, list[str]]]:
    """Jobs attached to the chosen interests (in the sector chosen, if any): most interests matched first, then those
    whose access level fits the studies wanted, then those that stand best for them (the school's documents, then
    fiches naming one of them first), then the shortest studies, then by name."""
    matched: dict[str, list[str]] = {}
    for interest in state.interests:
        for job in kb.metiers_for_interest(interest):
            matched.setdefault(job, []).append(interest)
    _, low, high = LEVELS.get(state.level, LEVELS["any"])
    rows = []
    for job_id, which in matched.items():
        job = kb.get(job_id)
        if not isinstance(job, Metier) or (state.sector and state.sector not in job.secteurs_activite):
            continue
        level = years(job.niveau_acces_min)
        fits = level is not None and low <= level <= high
        rows.append(((-len(which), not fits, *interest_rank(job, which), level if level is not None else 99,
                      fold(title_of(job))), job, which))
    rows.sort(key=lambda row: row[0])
    return [(job, which) for _, job, which in rows]


def results(kb: KnowledgeBase, state: Exploration, gender: str) -> Answer:
    state.step = "results"
    jobs = ranked(kb, state)
    shown = jobs[state.start:state.start + SHOWN]
    if not shown:
        return Answer(text="Je n'ai pas d'autre métier à te proposer pour ces choix. Tu peux les changer.",
                      buttons=[button("Changer mes choix", "change"), button("Recommencer", "stop")], kind="missing")
    lines = []
    for job, which in shown:
        why = [f"tu {_as_you(kb.get(i).label)}" for i in which if kb.get(i)]
        level = study_level(job.niveau_acces_min)
        lines.append(f"• {title_of(job, gender)} — {' et '.join(why)}" + (f" · {level}" if level else ""))
    wanted = LEVELS.get(state.level, LEVELS["any"])[0]
    sector = f"secteur : {state.sector} ; " if state.sector else ""
    text = (f"Des métiers pour toi ({len(jobs)} en tout ; {sector}études : {wanted}) :\n" + "\n".join(lines)
            + "\nTouche un métier pour en savoir plus.")
    buttons = [{"title": title_of(job, gender), "payload": "/choose_option" + json.dumps({"choice": job.id})}
               for job, _ in shown]
    if state.start + SHOWN < len(jobs):
        buttons.append(button("5 autres métiers", "more"))
    buttons += [button("Changer mes choix", "change"), button("Recommencer", "stop")]
    result = Answer(text=text, buttons=buttons, options=[job.id for job, _ in shown],
                    source=sources_line(["Onisep (centres d'intérêt, fiches métiers, juin 2024)"]))
    return result


def _as_you(label: str) -> str:
    """« j'aime la nature » → « aimes la nature », « je veux m'occuper d'animaux » → « veux t'occuper d'animaux »."""
    said = _plain(label)
    for first, second in (("j'aime", "aimes"), ("j'ai", "as"), ("je veux", "veux"), ("je rêve", "rêves"),
                          ("je suis", "es"), ("je me passionne", "te passionnes"), ("j'aimerais", "aimerais")):
        if said.startswith(first):
            return (second + said[len(first):]).replace(" m'", " t'").replace("mes mains", "tes mains")
    if said.startswith("ma vocation"):
        return "veux soigner"
    if said.startswith("le sport"):
        return "es passionné·e de sport"
    return f"as choisi « {said} »"


def folded(text: str) -> str:
    """A message as the exploration's word patterns read it: lower case, no accents, apostrophes as spaces."""
    return fold(text).replace("'", " ")


def interests_said(kb: KnowledgeBase, text: str) -> list[str]:
    """The centres d'intérêt a message names in words as tastes, in order (« j'aime écrire et les animaux »,
    « dessiner »): the names the base gives them, word for word or nearly (typos); not those turned down (« j'aime
    pas trop parler au téléphone ni vendre »)."""
    linker, said_folded = _interest_names(kb), folded(text)
    found = [f.ids[0] for f in find_mentions(linker, text) if f.result.status == "found" and f.result.best.score >= 80
             and not turned_down(said_folded, f.start)]
    said = f" {normalize(text).text} "
    for alias in linker.aliases:  # names whose words are all question words to the linker (« aider les autres »)
        if f" {alias.norm} " in said and alias.record_id not in found:
            at = re.search(rf"\b{re.escape(alias.norm.split()[0])}", said_folded)
            if at is None or not turned_down(said_folded, at.start()):
                found.append(alias.record_id)
    return list(dict.fromkeys(found))


def turned_down(said_folded: str, start: int) -> bool:
    """Whether what a folded message names at `start` is turned down by its clause (« j'aime pas les maths », « à
    part prof »), not liked (« je sais pas, j'aime les animaux »)."""
    clause = CLAUSE_END.split(said_folded[:start])[-1]
    liking = list(LIKING_VERB.finditer(clause))
    clause = clause[liking[-1].start():] if liking else clause
    excepted = list(EXCEPT.finditer(clause))
    if excepted:
        return REFUSING.search(clause[:excepted[-1].start()]) is None
    return REFUSING.search(clause) is not None


@lru_cache(maxsize=2)
def _interest_names(kb: KnowledgeBase) -> Linker:
    return kb.linker.among(kb.ids(CentreInteret.TYPE))


def level_said(text: str) -> Optional[str]:
    return next((key for words, key in LEVEL_WORDS if words.search(folded(text))), None)


def stop_said(text: str) -> bool:
    """« recommencer », « /recommencer », « stop », « on arrête » typed alone: leave the exploration."""
    return bool(STOP_WORDS.search(folded(text)))


def done_said(text: str) -> bool:
    return bool(DONE_WORDS.search(folded(text)))
