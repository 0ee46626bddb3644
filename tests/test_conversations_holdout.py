"""The held-out conversations (tests/conversations_holdout.yml, issue 16 part 6) played through the REST channel of
the session's shared stack (the real Rasa, action server and knowledge base): each conversation in a conversation
of its own, each turn checked for the facts its answer must hold and those it must not. At least MIN_RATE of the
conversations must pass; the report (per category, then every failure) is printed and written to
build/rapports/conversations.txt, as `make conversations` does."""

from __future__ import annotations

import pytest

from bench.conversations import HOLDOUT, REPORT, load, per_category, play, report

pytestmark = pytest.mark.e2e

MIN_RATE = 0.95


def test_held_out_conversations_pass(shared_stack):
    holdout = load()
    results = play(holdout, shared_stack.say, progress=False)
    text = report(results, str(HOLDOUT.relative_to(HOLDOUT.parents[1])), shared_stack.url)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    print(text)
    passed = sum(r.passed for r in results)
    assert len(results) >= 150 and set(per_category(results))
    assert passed / len(results) >= MIN_RATE, text
