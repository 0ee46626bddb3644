"""Why the assistant answered what it did: read from the conversation tracker after a turn."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import BotUttered, UserUttered


def explain_turn(tracker: Any) -> dict[str, Any]:
    """Intent, confidence and entities of the last user message; outcome, record and source of the answer."""
    latest = tracker.latest_message
    intent = (latest.intent or {}) if latest else {}
    explanation: dict[str, Any] = {
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 3),
        "entities": [{"entity": e.get("entity"), "value": e.get("value")} for e in (latest.entities if latest else [])],
        "kind": None, "record": None, "source": None,
    }
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered) and event.metadata:
            explanation["kind"] = explanation["kind"] or event.metadata.get("answer_kind")
            explanation["record"] = explanation["record"] or event.metadata.get("answer_record") or None
            explanation["source"] = explanation["source"] or event.metadata.get("answer_source") or None
    return explanation
