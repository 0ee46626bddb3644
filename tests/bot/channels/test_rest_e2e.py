"""End to end through Rasa's REST channel: real NLU model, real action server, real knowledge base."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(shared_stack):
    return shared_stack  # the session's stack (tests/conftest.py), which checks that Ctrl-C stops it cleanly


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_rest_studies_question_gets_the_sourced_answer(stack):
    replies = stack.say("e2e-1", "quelles études pour devenir directrice de communication ?")
    assert len(replies) == 1  # one message: the source stays with its answer
    reply = replies[0]["text"]
    assert reply.startswith("Pour devenir directrice de communication") and "bac + 5" in reply
    assert reply.endswith("\nSource : Onisep, fiche MET.650")


def test_rest_follow_up_reuses_the_job(stack):
    stack.say("e2e-2", "que fait un chef de pub ?")
    reply = texts(stack.say("e2e-2", "et quelles études faut-il faire ?"))
    assert reply.startswith("Pour devenir chef de publicité")  # the note has no studies: its ONISEP twin's
    assert "Onisep, fiches MET.8" in reply


def test_rest_insertion_rate(stack):
    reply = texts(stack.say("e2e-3", "quel est le taux d'insertion du titre chargé de communication cross-média ?"))
    assert "86 %" in reply and "Source : France Compétences, RNCP35746" in reply


def test_rest_disambiguation_by_button_payload(stack):
    replies = stack.say("e2e-4", "qui délivre le titre de chargé de communication ?")
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert len(buttons) >= 2
    chosen = next(b for b in buttons if "360" in b["title"])
    reply = texts(stack.say("e2e-4", chosen["payload"]))
    assert "IPL (ISEFAC Paris Lille)" in reply


def test_rest_unknown_job(stack):
    reply = texts(stack.say("e2e-5", "quelles études pour devenir youtubeur ?"))
    assert "youtubeur" in reply and "pas dans ma base" in reply


def test_rest_greeting_and_out_of_scope(stack):
    assert "assistant d'orientation" in texts(stack.say("e2e-6", "bonjour"))
    assert "orientation" in texts(stack.say("e2e-6", "tu peux me donner la météo de demain ?"))
