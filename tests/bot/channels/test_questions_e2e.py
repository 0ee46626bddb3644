"""Several questions in one message, end to end through the REST channel (issue 16, part 3): each answered, in
order, by the real model, action server and knowledge base; the tracker keeps each question as written."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
import sqlalchemy as sa

from staff.unanswered import load_turns

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(shared_stack):
    return shared_stack


def texts(replies: list[dict]) -> list[str]:
    return [r.get("text", "") for r in replies]


def position(replies: list[dict], fact: str) -> int:
    return next(i for i, text in enumerate(texts(replies)) if fact in text)


def test_a_name_and_its_questions_get_each_answer_in_order(stack):
    replies = stack.say("e2e-plusieurs-1", "le titre 360 : niveau ? certificateur ?")
    said = "\n".join(texts(replies))
    assert "niveau 6" in said and "IPL (ISEFAC Paris Lille)" in said, said
    assert position(replies, "niveau 6") < position(replies, "IPL (ISEFAC Paris Lille)")
    assert "Je n'ai pas" not in said and "De quoi parles-tu" not in said


def test_two_questions_joined_by_et_get_both_answers(stack):
    replies = stack.say("e2e-plusieurs-2", "que fait un chef de publicité et quelles études faut-il ?")
    said = "\n".join(texts(replies))
    studies = position(replies, "Pour devenir chef de publicité")
    assert any("chef de publicité" in text.lower() for text in texts(replies)[:studies]), said  # its description first
    assert "Onisep, fiches MET.8" in said


def test_the_tracker_keeps_each_question_as_written(stack):
    message = "le titre 360 : niveau ? certificateur ?"
    stack.say("e2e-plusieurs-3", message)
    with sqlite3.connect(stack.db) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                          ("e2e-plusieurs-3",)).fetchall()
    users = [json.loads(data) for (data,) in rows]
    assert [u["text"] for u in users] == ["le titre 360 : niveau ?", "certificateur ?"]
    assert [u["metadata"]["question_part"] for u in users] == [
        {"part": 1, "parts": 2, "message": message}, {"part": 2, "parts": 2, "message": message}]
    # the staff report of questions without an answer reads them as two answered questions
    turns = [t for t in load_turns(sa.create_engine(f"sqlite:///{stack.db}"), dt.datetime.now() - dt.timedelta(hours=1))
             if t.text in ("le titre 360 : niveau ?", "certificateur ?")]
    assert {t.intent for t in turns} >= {"ask_level", "ask_certifier"}
    assert all("answer" in t.kinds and "RNCP28684" in t.records for t in turns), turns


def test_a_choice_asked_first_keeps_its_buttons_and_names_the_questions_left(stack):
    replies = stack.say("e2e-plusieurs-4", "le titre de chargé de communication : niveau ? certificateur ?")
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert len(buttons) >= 2 and "buttons" in replies[-2], replies
    assert "« certificateur ? »" in replies[-1]["text"] and "buttons" not in replies[-1]
    chosen = next(b for b in buttons if "360" in b["title"])
    said = "\n".join(texts(stack.say("e2e-plusieurs-4", chosen["payload"])))
    assert "niveau 6" in said  # the choice answers the first question; the note's question was not played


def test_facts_of_a_subject_named_last_are_each_answered_in_the_order_asked(stack):
    replies = stack.say("e2e-plusieurs-5", "quel niveau et quel certificateur pour le titre 360 ?")
    said = "\n".join(texts(replies))
    assert "niveau 6" in said and "IPL (ISEFAC Paris Lille)" in said, said
    assert position(replies, "niveau 6") < position(replies, "est délivrée par")
