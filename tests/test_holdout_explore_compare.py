"""Held-out messages that start an exploration or ask a comparison (tests/holdout_explore_compare.yml, issue 18
part 4), each in a conversation of its own through the staff console of the shared stack: what the assistant did
with it (the question its answer answers: an exploration started, a comparison) must be the one given, for at least
MIN_RATE of them. The NLU's intent alone is printed beside it."""

from __future__ import annotations

import secrets

import pytest
import yaml

from knowledge.conversation import tool_sender
from staff.client import ConsoleClient
from tests import ROOT
from tests.stack import STAFF_PASSWORD
from tests.test_holdout_national import ask

pytestmark = pytest.mark.e2e

HOLDOUT = ROOT / "tests" / "holdout_explore_compare.yml"
MIN_RATE = 0.95  # issue 18's target; the last two sets, measured once on arrival: 116/120 = 0.967


def test_exploration_and_comparison_messages_are_understood(shared_stack):
    messages = yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))["messages"]
    assert len(messages) >= 50 and {m["intent"] for m in messages} == {"explore", "ask_comparison"}
    client = ConsoleClient(shared_stack.base, STAFF_PASSWORD, timeout=120)
    run = secrets.token_hex(3)
    misses, nlu = [], 0
    for n, item in enumerate(messages):
        reply = ask(client, tool_sender(f"holdout-explore-{run}-{n}"), item["text"])
        nlu += reply.intent == item["intent"]
        if (reply.question or reply.intent) != item["intent"]:
            misses.append(f"{item['text']} → {reply.question or reply.intent} (attendu {item['intent']})")
    rate = 1 - len(misses) / len(messages)
    print(f"exploration et comparaison : {len(messages) - len(misses)}/{len(messages)} = {rate:.3f} "
          f"(intention du NLU seule : {nlu}/{len(messages)} = {nlu / len(messages):.3f})")
    print("\n".join(misses))
    assert rate >= MIN_RATE, "\n".join(misses)
