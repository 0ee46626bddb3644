"""Why the assistant answered what it did: read from the conversation tracker after a turn."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import BotUttered, UserUttered

from actions.compose import QUESTION_KEY
from knowledge.conversation import Outcome


def explain_turn(tracker: Any) -> dict[str, Any]:
    """Intent, confidence and entities of the last user message; outcome, record and source of the answer, and the
    question it answers (`question`: what the assistant acted on, which may differ from the NLU's intent)."""
    latest = tracker.latest_message
    intent = (latest.intent or {}) if latest else {}
    explanation: dict[str, Any] = {
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 3),
        "entities": [{"entity": e.get("entity"), "value": e.get("value")} for e in (latest.entities if latest else [])],
        "kind": None, "record": None, "source": None, "question": None,
    }
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            explanation["question"] = explanation["question"] or (event.metadata or {}).get(QUESTION_KEY) or None
        outcome = Outcome.read(event.metadata) if isinstance(event, BotUttered) else None
        if outcome is not None:
            explanation["kind"] = explanation["kind"] or outcome.kind
            explanation["record"] = explanation["record"] or outcome.record or None
            explanation["source"] = explanation["source"] or outcome.source or None
    return explanation
