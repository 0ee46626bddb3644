"""The exploration's turn (actions/explore.py composes its answers): « je ne sais pas quoi faire », `/explore`, or
tastes stated without a question (« j'aime écrire et les animaux ») start it; a button or words (« j'aime la
nature », « c'est tout », « la santé », « bac+3 ») move it on; « Recommencer » leaves it; any other question is
answered as usual, with a button to resume."""

from __future__ import annotations

import re
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from knowledge.kb import KnowledgeBase
from knowledge.mentions import find_mentions
from knowledge.model import CentreInteret
from knowledge.normalize import fold

from .compose import Answer
from .explore import (MOST, PREFIX, Exploration, after_interests, ask_interests, ask_level, ask_sector, button,
                      done_said, interests_said, level_said, results, sector_pressed, sector_said, stop_said)
from .record_types import CHOICE_ENTITY, type_of_entity
from .routing import DESCRIBE
from .turn import Reply, Turn

EXPLORE = "explore"  # the intent that starts it
EXPLORATION = "exploration"  # slot: where it stands (JSON)
RESUME = button("Reprendre l'exploration", "resume")
# a message asking something, not stating tastes (« j'aime la musique, quel métier ? » asks for the list)
ASKING = re.compile(r"\?|\b(quels?|quelles?|lequel|lesquel(le)?s|comment|combien|pourquoi|c est quoi|qu est ce)\b")
# help asked with orientation itself, not with the assistant (« aide moi, je sais pas quoi faire comme métier »)
ORIENTATION = re.compile(r"\b(metiers?|orientation|orienter|parcoursup|affelnet|voeux|avenir|plus tard|quoi faire|"
                         r"ma voie|filieres?|specialites?|jobs?|taf|boulot|travail|etudes|formations?|lycee|"
                         r"seconde|bac|brevet)\b")
# job ideas asked for (« des idées de métiers ? », « un métier pour moi »), not a fact about jobs in general
SUGGEST = re.compile(r"\b(idees?|propos\w*|conseill\w*|sugger\w*|pour moi|me correspond\w*|m irai\w*|me plair\w*|"
                     r"quoi faire|je pourrais faire|je peux faire)\b")
WORK = re.compile(r"\b(metiers?|boulots?|jobs?|taf|travail|professions?|carrieres?)\b")
HELP = "help"
INTEREST = CentreInteret.TYPE
JOBS = "ask_jobs"
SHORT = 4  # words of an answer in words to the exploration's question (« bac+3 », « la santé », « peu importe »)


def exploring(tracker: Tracker) -> Optional[Exploration]:
    return Exploration.parse(tracker.get_slot(EXPLORATION))


def _action(turn: Turn) -> str:
    """The exploration button pressed (« interest:CI.… », « level:bac3 », « more »…), "" for none."""
    value = next((str(e.get("value")) for e in turn.entities if e.get("entity") == CHOICE_ENTITY), "")
    return value[len(PREFIX):] if value.startswith(PREFIX) else ""


def tastes(kb: KnowledgeBase, text: str, entities: list[dict]) -> list[str]:
    """The centres d'intérêt a message states as tastes, asking nothing and naming no other record (« j'aime écrire
    et les réseaux sociaux », « les animaux »): they start an exploration."""
    if ASKING.search(fold(text).replace("'", " ")) or any(type_of_entity(e) not in (None, INTEREST)
                                                          for e in entities):
        return []
    said = interests_said(kb, text)
    if said and any(found.type != INTEREST for found in find_mentions(kb.linker, text)):
        return []  # « directrice artistique » is a job, not « je rêve d'un métier artistique »
    return said


def _jobs_for_nothing(kb: KnowledgeBase, turn: Turn) -> bool:
    """« Tu peux me donner des idées de métiers ? », « des idées de boulots où on voyage ? »: job ideas asked for,
    whatever question the NLU heard, with no record named nor talked about."""
    said = fold(turn.text).replace("'", " ")
    return (not turn.subject and bool(SUGGEST.search(said)) and (turn.intent == JOBS or bool(WORK.search(said)))
            and not any(type_of_entity(e) for e in turn.entities) and not interests_said(kb, turn.text)
            and not any(found.type != INTEREST for found in find_mentions(kb.linker, turn.text)))


def _jobs_for_interests(kb: KnowledgeBase, turn: Turn) -> list[str]:
    """« Des idées de métiers pour quelqu'un qui aime être dehors et s'occuper des animaux ? », « un métier à me
    conseiller, j'aime communiquer ? »: the interests, when jobs are asked for two or more of them, or advice or
    ideas for one, and nothing else is named (« quels métiers quand on aime les animaux ? » gets its list)."""
    if turn.intent != JOBS or any(type_of_entity(e) not in (None, INTEREST) for e in turn.entities):
        return []
    said = interests_said(kb, turn.text)
    wanted = len(said) >= 2 or (said and SUGGEST.search(fold(turn.text).replace("'", " ")))
    return said if wanted and not any(f.type != INTEREST for f in find_mentions(kb.linker, turn.text)) else []


def explore_turn(kb: KnowledgeBase, turn: Turn) -> Optional[Reply]:
    """The exploration's next step, or None when the message is something else (answered as usual)."""
    state = exploring(turn.tracker)
    action = _action(turn)
    if action:
        return _pressed(kb, turn, state or Exploration(), action)
    if state is not None and stop_said(turn.text):
        return _pressed(kb, turn, state, "stop")
    if state is not None and state.step != "results" and not turn.pending:
        moved = _said(kb, turn, state)
        if moved is not None:
            return moved
    fresh = not turn.pending and (state is None or state.step == "results")
    several = _jobs_for_interests(kb, turn) if fresh else []
    if several:  # jobs asked for: the exploration's results for those interests, at once
        return _results(kb, turn, Exploration(interests=several[:MOST], level="any"))
    if turn.intent == EXPLORE or (fresh and (tastes(kb, turn.text, turn.entities) or _jobs_for_nothing(kb, turn))):
        state = Exploration(interests=interests_said(kb, turn.text)[:MOST])
        return _step(ask_interests(kb, state) if len(state.interests) < MOST else after_interests(kb, state), state)
    return None


def _said(kb: KnowledgeBase, turn: Turn, state: Exploration) -> Optional[Reply]:
    """An answer in words to the exploration's question: interests, « c'est tout », a sector, how long to study."""
    named = [i for i in interests_said(kb, turn.text) if i not in state.interests]
    if state.step == "interests" and named and len(state.interests) < MOST:
        state.interests = [*state.interests, *named][:MOST]
        return _step(ask_interests(kb, state) if len(state.interests) < MOST else after_interests(kb, state), state)
    short = len(turn.text.split()) <= SHORT  # « bac+3 », « la santé » — not « c'est quoi un BTS MCO ? »
    if state.step == "sector" and short:  # « peu importe » here is about the sector
        sector = sector_said(kb, state, turn.text)
        if sector is not None:
            state.sector = sector
            return _step(ask_level(state), state)
    if state.interests and (state.step == "level" or short) and level_said(turn.text):
        state.level, state.start = level_said(turn.text), 0
        return _results(kb, turn, state)
    if state.step == "interests" and state.interests and short and done_said(turn.text):
        return _step(after_interests(kb, state), state)
    return None


def _pressed(kb: KnowledgeBase, turn: Turn, state: Exploration, action: str) -> Reply:
    kind, _, value = action.partition(":")
    if kind == "stop":
        return Reply(Answer(text="D'accord, on arrête là. Pose-moi une question quand tu veux, ou écris « aide-moi à "
                                 "choisir » pour recommencer une exploration.", kind="clarify", question=EXPLORE),
                     [SlotSet(EXPLORATION, None)])
    if kind == "interest" and kb.get(value) and value not in state.interests:
        state.interests = [*state.interests, value][-MOST:]
        state.level = ""
        return _step(ask_interests(kb, state) if len(state.interests) < MOST else after_interests(kb, state), state)
    if kind in ("page", "sectors") and value.isdigit():
        state.page = int(value)
        return _step(ask_interests(kb, state) if kind == "page" else ask_sector(kb, state), state)
    if kind == "sector" and sector_pressed(kb, value) is not None:
        state.sector = sector_pressed(kb, value) or ""
        return _step(ask_level(state), state)
    if kind == "level" and value:
        state.level, state.start = value, 0
        return _results(kb, turn, state)
    if kind == "more":
        state.start += 5
        return _results(kb, turn, state)
    if kind == "change":
        return _step(ask_interests(kb, Exploration()), Exploration())
    if not state.interests or (kind == "resume" and state.step == "interests"):  # back where it was
        return _step(ask_interests(kb, state), state)
    if kind == "resume" and state.step == "sector":
        return _step(ask_sector(kb, state), state)
    if state.level and (kind == "resume" or state.step == "results"):
        return _results(kb, turn, state)
    if kind == "done":
        return _step(after_interests(kb, state), state)
    return _step(ask_level(state), state)


def _step(answer: Answer, state: Exploration) -> Reply:
    answer.question = EXPLORE  # what the assistant acted on, whatever the NLU said (the staff console shows it)
    return Reply(answer, [SlotSet(EXPLORATION, state.slot()), SlotSet("pending_options", None),
                          SlotSet("pending_intent", None)])


def _results(kb: KnowledgeBase, turn: Turn, state: Exploration) -> Reply:
    answer = results(kb, state, turn.gender)
    answer.question = EXPLORE
    events: list[EventType] = [SlotSet(EXPLORATION, state.slot())]
    if answer.options:  # a job's button (or « le deuxième ») opens it and the conversation goes on about it
        events += [SlotSet("pending_options", answer.options), SlotSet("pending_intent", DESCRIBE)]
    return Reply(answer, events)


def with_resume(answer: Answer, tracker: Tracker) -> Answer:
    """An answer given in the middle of an exploration offers to resume it."""
    if exploring(tracker) is not None and answer.kind in ("answer", "missing"):
        answer.buttons = [*answer.buttons, RESUME]
    return answer


def goes_on(kb: KnowledgeBase, tracker: Tracker) -> bool:
    """Whether the latest message moves the exploration on in words (« j'aime la nature », « c'est tout », « la
    santé », « peu importe »), or starts one (tastes stated, « j'aime écrire »; help asked with orientation, « aide
    moi je sais pas quoi faire comme métier »), whatever the NLU made of it: the exploration takes it."""
    state = exploring(tracker)
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    if state is not None and stop_said(text):
        return True
    if tracker.get_slot("pending_options"):
        return False
    if state is None or state.step == "results":
        asked_help = ((message.get("intent") or {}).get("name") == HELP
                      and bool(ORIENTATION.search(fold(text).replace("'", " "))))
        return asked_help or bool(tastes(kb, text, message.get("entities") or []))
    short = len(text.split()) <= SHORT
    if state.step == "interests":
        return bool(interests_said(kb, text) or (state.interests and short and (done_said(text) or level_said(text))))
    if state.step == "sector":
        return short and (sector_said(kb, state, text) is not None or bool(level_said(text)))
    return bool(level_said(text))
