"""The exploration's turn (actions/explore.py composes its answers): « je ne sais pas quoi faire » or `/explore`
starts it; a button or words (« j'aime la nature », « c'est tout », « bac+3 ») move it on; « Recommencer » leaves
it; any other question is answered as usual, with a button to resume."""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from knowledge.kb import KnowledgeBase

from .compose import Answer
from .explore import (MOST, PREFIX, Exploration, ask_interests, ask_level, button, done_said, interest_said,
                      level_said, results)
from .record_types import CHOICE_ENTITY
from .routing import DESCRIBE
from .turn import Reply, Turn

EXPLORE = "explore"  # the intent that starts it
EXPLORATION = "exploration"  # slot: where it stands (JSON)
RESUME = button("Reprendre l'exploration", "resume")


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
    if state is not None and state.step != "results" and not turn.pending:
        moved = _said(kb, turn, state)
        if moved is not None:
            return moved
    if turn.intent == EXPLORE:
        state = Exploration()
        named = interest_said(kb, turn.text)
        state.interests = [named] if named else []
        return _step(ask_interests(kb, state), state)
    return None


def _said(kb: KnowledgeBase, turn: Turn, state: Exploration) -> Optional[Reply]:
    """An answer in words to the exploration's question: an interest, « c'est tout », how long to study."""
    named = interest_said(kb, turn.text)
    if state.step == "interests" and named and named not in state.interests and len(state.interests) < MOST:
        state.interests.append(named)
        return _step(ask_interests(kb, state) if len(state.interests) < MOST else ask_level(state), state)
    short = len(turn.text.split()) <= 4  # « bac+3 », « peu importe » — not « c'est quoi un BTS MCO ? »
    if state.interests and (state.step == "level" or short) and level_said(turn.text):
        state.level, state.start = level_said(turn.text), 0
        return _results(kb, turn, state)
    if state.step == "interests" and state.interests and short and done_said(turn.text):
        return _step(ask_level(state), state)
    return None


def _pressed(kb: KnowledgeBase, turn: Turn, state: Exploration, action: str) -> Reply:
    kind, _, value = action.partition(":")
    if kind == "stop":
        return Reply(Answer(text="D'accord, on arrête là. Pose-moi une question quand tu veux, ou écris « aide-moi à "
                                 "choisir » pour recommencer une exploration.", kind="clarify"),
                     [SlotSet(EXPLORATION, None)])
    if kind == "interest" and kb.get(value) and value not in state.interests:
        state.interests = [*state.interests, value][-MOST:]
        state.level = ""
        return _step(ask_interests(kb, state) if len(state.interests) < MOST else ask_level(state), state)
    if kind == "page" and value.isdigit():
        state.page = int(value)
        return _step(ask_interests(kb, state), state)
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
    if state.level and (kind == "resume" or state.step == "results"):
        return _results(kb, turn, state)
    return _step(ask_level(state), state)


def _step(answer: Answer, state: Exploration) -> Reply:
    return Reply(answer, [SlotSet(EXPLORATION, state.slot()), SlotSet("pending_options", None),
                          SlotSet("pending_intent", None)])


def _results(kb: KnowledgeBase, turn: Turn, state: Exploration) -> Reply:
    answer = results(kb, state, turn.gender)
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
    """Whether the latest message answers the exploration's question in words (« j'aime la nature », « c'est
    tout », « peu importe »), whatever the NLU made of it: the exploration takes it."""
    state = exploring(tracker)
    if state is None or state.step == "results" or tracker.get_slot("pending_options"):
        return False
    text = (tracker.latest_message or {}).get("text") or ""
    short = len(text.split()) <= 4
    if state.step == "interests":
        return bool(interest_said(kb, text) or (state.interests and short and (done_said(text) or level_said(text))))
    return bool(level_said(text))
