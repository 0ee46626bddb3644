"""The exploration's turn (actions/explore.py composes its answers): « je ne sais pas quoi faire », `/explore`, or
what else asks to be guided (actions/starts.py: tastes stated, job ideas asked…) starts it; a button or words
(« j'aime la nature », « c'est tout », « la santé », « bac+3 ») move it on; « Recommencer » leaves it; any other
question is answered as usual, with a button to resume."""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from knowledge.kb import KnowledgeBase

from .compose import Answer
from .explore import (MOST, PREFIX, Exploration, after_interests, ask_interests, ask_level, ask_sector, button,
                      done_said, interests_said, level_said, results, sector_pressed, sector_said, stop_said)
from .record_types import CHOICE_ENTITY
from .starts import asks_help_with_orientation, asks_job_ideas, jobs_for_interests, tells_tastes
from .routing import DESCRIBE
from .turn import COMPARE, Reply, Turn

EXPLORE = "explore"  # the intent that starts it
EXPLORATION = "exploration"  # slot: where it stands (JSON)
RESUME = button("Reprendre l'exploration", "resume")
FALLBACK = "nlu_fallback"
SHORT = 4  # words of an answer in words to the exploration's question (« bac+3 », « la santé », « peu importe »)


def exploring(tracker: Tracker) -> Optional[Exploration]:
    return Exploration.parse(tracker.get_slot(EXPLORATION))


def _action(turn: Turn) -> str:
    """The exploration button pressed (« interest:CI.… », « level:bac3 », « more »…), "" for none."""
    value = next((str(e.get("value")) for e in turn.entities if e.get("entity") == CHOICE_ENTITY), "")
    return value[len(PREFIX):] if value.startswith(PREFIX) else ""


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
    outside = state is None or state.step == "results"  # no exploration's question waits for an answer
    fresh = outside and not turn.pending
    named = jobs_for_interests(kb, turn.text, turn.intent, turn.entities, bool(turn.subject)) if outside else []
    if named:  # jobs asked for interests: the exploration's results for them, at once
        return _results(kb, turn, Exploration(interests=named[:MOST], level="any"))
    guided = fresh and turn.intent != COMPARE and (  # « prépa ou fac de maths ? » compares, whatever tastes it names
        tells_tastes(kb, turn.text, turn.entities)
        or asks_job_ideas(kb, turn.text, turn.intent, turn.entities, bool(turn.subject)))
    if turn.intent == EXPLORE or guided:
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
        intent = (message.get("intent") or {}).get("name") or ""
        if intent == FALLBACK:  # what the NLU was torn about: « jsp quoi faire apres le bac, aidez moi »
            intent = next((r.get("name") for r in message.get("intent_ranking") or [] if r.get("name") != FALLBACK),
                          intent)
        return asks_help_with_orientation(text, intent) or tells_tastes(kb, text, message.get("entities") or [])
    short = len(text.split()) <= SHORT
    if state.step == "interests":
        return bool(interests_said(kb, text) or (state.interests and short and (done_said(text) or level_said(text))))
    if state.step == "sector":
        return short and (sector_said(kb, state, text) is not None or bool(level_said(text)))
    return bool(level_said(text))
