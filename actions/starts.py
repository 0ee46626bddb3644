"""What in a message asks to be guided, whatever the NLU's intent: tastes stated without a question (« j'aime
écrire et les réseaux sociaux », « passionné de cuisine »), job ideas asked with nothing named (« des idées de
métiers ? », « qu'est-ce qui pourrait me correspondre ? »), jobs asked for interests, help asked about
orientation rather than about the assistant, being lost about it (« j'ai raté mon bac, je fais quoi ? »). Names and interests turned down (« pas envie d'être prof », « ni vendre ») count for nothing.
actions/guide.py starts the exploration on them."""

from __future__ import annotations

import re

from knowledge.kb import KnowledgeBase
from knowledge.mentions import find_mentions

from .explore import folded, interests_said, turned_down
from .record_types import INTERET, type_of_entity
from .routing import is_question

# a message asking something, not stating tastes (« j'aime la musique, quel métier ? » asks for the list)
# (« comment » only opening a clause: « j'aime démonter des trucs et comprendre comment ça marche » asks nothing)
ASKING = re.compile(r"\?|\b(quels?|quelles?|lequel|lesquel(le)?s|combien|pourquoi|c est quoi|qu est ce)\b|"
                    r"(^|[,.;:!]\s*)comment\b")
# help asked with orientation itself, not with the assistant (« aide moi, je sais pas quoi faire comme métier »)
ORIENTATION = re.compile(r"\b(metiers?|orientation|orienter|parcoursup|affelnet|voeux|avenir|plus tard|quoi faire|"
                         r"ma voie|filieres?|specialites?|jobs?|taf|boulot|travail|etudes|formations?|lycee|"
                         r"seconde|bac|brevet|perdue?|paumee?|decroch\w*|reorient\w*)\b")
# what could suit the student, asked in any words (« qu'est-ce qui pourrait me correspondre ? »): job ideas even
# without a word for jobs
FOR_ME = re.compile(r"\b(pour moi|me correspond\w*|m irai\w*|me plair\w*|je pourrais faire|je peux faire|"
                    r"on peut faire|on pourrait faire|peut on faire|mon profil)\b")
# job ideas asked for (« des idées de métiers ? », « un métier pour moi »), not a fact about jobs in general
SUGGEST = re.compile(rf"\b(idees?|propos\w*|conseill\w*|sugg\w*|quoi faire)\b|"
                     rf"{FOR_ME.pattern}")
# a passion told (« passionné de cuisine », « fan de mangas », « mes matières préférées », « mon truc c'est… »)
PASSION = re.compile(r"\b(passionnee?s? (de|d|par|pour)|fan (de|d)|ma passion|mes passions|je kiffe(?! pas)|"
                     r"prefer\w*|mon truc)\b")
# jobs or studies asked for (« quels métiers recrutent sans le bac ? », « quelles formations courtes en
# alternance ? », « métier créatif qui paye bien, ça existe ? »), whatever fact of a record the NLU heard
JOBS_ASKED = re.compile(r"\b(quels?|quelles?) (sont les )?(metiers?|boulots?|jobs?|professions?|emplois?|"
                        r"formations?|etudes|filieres?)\b|^\W*(une? |des )?(metiers?|boulots?|jobs?|formations?)\b")
LIKING = re.compile(r"\bj ?(adore|aime)\b((?: \w+)*)")  # « j'aime bien cuisiner », « j'adore réparer des scooters »
ADVERBS = frozenset("bien beaucoup trop vraiment grave pas".split())
# what follows « j'aime » when the assistant is liked, not a taste told (« j'adore ta réponse »)
NOT_A_TASTE = frozenset("ca ta tes ton toi te vous votre vos cette ce cet quand reponse reponses".split())
NOT_A_TASTE_PHRASES = frozenset({"les reponses", "l idee", "le principe", "le bot", "le site", "l appli", "le chat"})
# being lost (« je fais quoi maintenant », « je sais pas si je dois changer »), said with orientation words
LOST = re.compile(r"\b(je fais quoi|quoi faire|que faire|je sais (pas|plus) (quoi|si|ou|vers)|perdue?|paumee?|"
                  r"aucune idee)\b")
THANKS = re.compile(r"\b(merci|thanks?|top|genial|super)\b")  # … nor thanks (« j'adore, merci ! »)
WORK = re.compile(r"\b(metiers?|boulots?|jobs?|taf|travail|professions?|carrieres?)\b")
STUDIES = re.compile(r"\b(etudes|formations?|filieres?)\b")
HELP = "help"
JOBS = "ask_jobs"


def _names_other_records(entities: list[dict], text: str = "") -> bool:
    """Whether the NLU found a name of a record other than an interest (« directrice artistique » is a job, not « je
    rêve d'un métier artistique »; its filter has left out the words that are no names there). A name turned down
    (« … mais pas envie d'être prof », « sauf vendeur ») is no subject."""
    return any(type_of_entity(e) not in (None, INTERET) and not _turned_down(text, e) for e in entities)


def _turned_down(text: str, entity: dict) -> bool:
    start = entity.get("start")
    return bool(text) and isinstance(start, int) and turned_down(folded(text), start)


def asks_help_with_orientation(text: str, intent: str) -> bool:
    """« aide moi stp je sais pas quoi faire comme métier »: help asked (the NLU's `help`) about orientation; or,
    whatever the NLU heard, being lost about it (« j'ai raté mon bac, je fais quoi maintenant ? »)."""
    said = folded(text)
    return bool(ORIENTATION.search(said)) and (intent == HELP or bool(LOST.search(said)))


def tells_tastes(kb: KnowledgeBase, text: str, entities: list[dict]) -> bool:
    """Whether a message states tastes, asking nothing and naming no other record: centres d'intérêt (« j'aime
    écrire et les réseaux sociaux », « les animaux ») or a passion the base has no word for (« passionné de
    cuisine, je fais tous les repas le dimanche »). It starts an exploration."""
    said = folded(text)
    if ASKING.search(said) or _names_other_records(entities, text):
        return False
    return (bool(PASSION.search(said) or _likes_something(said)) and not THANKS.search(said)) \
        or bool(interests_said(kb, text))


def _likes_something(said: str) -> bool:
    """« j'aime bien cuisiner pour ma famille », « j'adore les mangas » — not « j'aime bien », « j'adore ta réponse »."""
    for liking in LIKING.finditer(said):
        after = liking.group(2).split()
        while after and after[0] in ADVERBS:
            after.pop(0)
        if after and after[0] not in NOT_A_TASTE and " ".join(after[:2]) not in NOT_A_TASTE_PHRASES:
            return True
    return False


def asks_job_ideas(kb: KnowledgeBase, text: str, intent: str, entities: list[dict], subject: bool) -> bool:
    """Jobs asked for with no record named nor talked about (`subject`): « quels métiers pour quelqu'un de
    timide ? » (the NLU's ask_jobs, about nothing the base names), or ideas asked whatever question the NLU
    heard (« des idées de boulots où on voyage ? »)."""
    said = folded(text)
    asked = (intent == JOBS or bool(SUGGEST.search(said) and WORK.search(said)) or bool(FOR_ME.search(said))
             or (is_question(intent) and bool(JOBS_ASKED.search(said))))
    return (not subject and asked and not any(type_of_entity(e) for e in entities)
            and not any(found.type != INTERET for found in find_mentions(kb.linker, text))  # nor the base's reading
            and not interests_said(kb, text))


def jobs_for_interests(kb: KnowledgeBase, text: str, intent: str, entities: list[dict], subject: bool) -> list[str]:
    """« Quels métiers quand on aime les animaux ? », « des idées de métiers pour quelqu'un qui aime être dehors et
    s'occuper des animaux ? », « j'aime les jeux vidéo et la tech, quelles études ? », « ya des métiers où on voyage
    beaucoup ? » (as the NLU's ask_jobs, or whatever question it heard with no subject under way): the interests
    named, when jobs or studies are asked for them and nothing else is named. They get the exploration's results
    at once."""
    said = folded(text)
    if not (ASKING.search(said) or SUGGEST.search(said)):
        return []  # tastes stated, asking nothing (« j'aime écrire et les animaux »): the exploration's first step
    other_question = intent != JOBS and not subject and bool(WORK.search(said) or STUDIES.search(said)
                                                              or FOR_ME.search(said))
    if not (intent == JOBS or other_question) or _names_other_records(entities, text):
        return []
    return interests_said(kb, text)
