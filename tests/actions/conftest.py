"""Action tests as the Rasa demos write them: a tracker loaded from a JSON fixture (`Tracker.from_dict`, the
state Rasa sends to the action server), a `CollectingDispatcher`, and the domain as a dict.

tests/actions/trackers/*.json are conversation states (slots and events) at a given point; `turn` adds the
student's next message to one of them."""

from __future__ import annotations

import asyncio
import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import config
from actions.actions import ActionAnswer
from actions.compose import QUESTION_KEY

ROOT = Path(__file__).resolve().parents[2]
TRACKERS = Path(__file__).parent / "trackers"


@lru_cache(maxsize=None)
def _state(name: str) -> dict[str, Any]:
    return json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8"))


def turn(fixture: str = "new_conversation", text: str = "", intent: str = "", entities: Optional[list] = None,
         slots: Optional[dict[str, Any]] = None, ranking: Optional[list[dict]] = None) -> Tracker:
    """The tracker Rasa sends for the student's next message `text` (parsed as `intent`, `entities`, `ranking`)
    in the conversation `fixture`; `slots` overrides some of its slots."""
    state = copy.deepcopy(_state(fixture))
    state["slots"].update(slots or {})
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or [],
               "message_id": "test", "metadata": {}}
    if ranking is not None:
        message["intent"] = {"name": intent,
                             "confidence": next((r.get("confidence", 0.0) for r in ranking if r["name"] == intent), 0.0)}
        message["intent_ranking"] = ranking
    stamp = state["latest_event_time"] + 10
    state["events"].append({"event": "user", "timestamp": stamp, "metadata": {}, "text": text,
                            "parse_data": message, "input_channel": "rest", "message_id": "test"})
    state["latest_message"], state["latest_event_time"] = message, stamp
    return Tracker.from_dict(state)


def run(action: Action, tracker: Tracker, domain: dict, dispatcher: Optional[CollectingDispatcher] = None):
    """(messages, slots set) of one run of `action`."""
    dispatcher = dispatcher if dispatcher is not None else CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    slots_set = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots_set


@pytest.fixture
def ask(domain):
    """`ask(text, intent, entities, slots, fixture)`: ActionAnswer on the next turn of the conversation `fixture`."""
    def ask(text, intent, entities=None, slots=None, fixture="new_conversation"):
        return run(ActionAnswer(), turn(fixture, text, intent, entities, slots), domain)
    return ask


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The domain as the action server receives it."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml")).as_dict()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(autouse=True)
def use_test_store(kb_path, monkeypatch):
    """The actions read the knowledge base built from the sources, and a known counsellor."""
    monkeypatch.setenv("ORIENTATION_KB", str(kb_path))
    monkeypatch.setenv("ORIENTATION_CONSEILLER_CONTACT", "orientation@lycee-test.fr")
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


class Conversation:
    """Turns played one after the other, as Rasa would: each action sees the slots the previous ones set and the
    earlier user and bot events (a bot event keeps the question its answer answered, in its metadata)."""

    def __init__(self, domain):
        self.domain, self.slots, self.events = domain, {}, []
        self.titles: list[str] = []  # the button titles of the latest answer

    def say(self, text, intent, entities=None, action=None):
        tracker = turn(text=text, intent=intent, entities=entities, slots=dict(self.slots))
        tracker.events[-1:-1] = self.events
        messages, slots = run(action or ActionAnswer(), tracker, self.domain)
        self.slots.update(slots)
        self.titles = [b["title"] for m in messages for b in (m.get("buttons") or [])]
        self.events += [tracker.events[-1]] + [
            {"event": "bot", "text": m.get("text"), "metadata": {k: v for k, v in m.items() if k == QUESTION_KEY}}
            for m in messages]
        return "\n".join(m.get("text") or "" for m in messages)


@pytest.fixture
def chat(domain) -> "Conversation":
    """Turns of one conversation, played one after the other (`chat.say(text, intent, entities, action)`)."""
    return Conversation(domain)
