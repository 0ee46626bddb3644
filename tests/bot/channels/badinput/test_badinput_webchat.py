"""Bad input on the web chat webhook (bot/channels/webchat/channel.py + bot/channels/guard.py), against the real stack.

Same hostile table, proxy and checks as test_badinput_rest.py (checks.py), plus the web chat's
own sender rules and cap.
"""

from __future__ import annotations

import pytest

from tests.bot.channels.badinput.checks import (HICCUP, HOSTILE, check_broken, check_burst, check_cleaned_text,
                                                check_hostile, check_html_as_text, check_per_ip, check_silent_turn,
                                                check_sql_keeps_tracker, check_still_answers, fixtures)

pytestmark = pytest.mark.e2e

HOSTILE_WEBCHAT = HOSTILE + [
    ("sender-court", {"json": {"sender": "court", "message": "bonjour"}}, 400),
    ("sender-chemin", {"json": {"sender": "../../etc/passwd-xxxxxxxx", "message": "bonjour"}}, 400),
    ("plus-de-1000-caracteres", {"message": "é" * 1_001}, 413),
]

# Senders: the web chat wants 16 to 64 letters, digits or dashes, and keeps them as « webchat-… ».
chat, bystander = fixtures(path="/webchat/webhook", prefix="badinput-webchat-",
                           tracker="webchat-",
                           headers={"Content-Type": "application/json", "X-Content-Type-Options": "nosniff"})


@pytest.mark.parametrize("name, case, expected", HOSTILE_WEBCHAT, ids=[c[0] for c in HOSTILE_WEBCHAT])
def test_webchat_badinput_table(chat, bystander, name, case, expected):
    body = check_hostile(chat, name, case, expected)
    if name == "plus-de-1000-caracteres":
        assert "1\u202f000 caractères au plus" in body["error"]
    if expected == 200:
        assert all(set(r) <= {"text", "buttons"} for r in body), body


def test_webchat_badinput_cleaned_text_reaches_rasa(chat):
    check_cleaned_text(chat)


def test_webchat_badinput_server_still_answers_and_bystander_unaffected(chat, bystander):
    check_still_answers(chat, bystander)


def test_webchat_badinput_html_comes_back_as_plain_text(chat):
    check_html_as_text(chat)  # the widget shows the verbatim text as text


def test_webchat_badinput_sql_text_keeps_the_tracker(chat):
    check_sql_keeps_tracker(chat)


def test_webchat_badinput_burst_is_rate_limited(chat):
    check_burst(chat)


def test_webchat_badinput_per_ip_limit(chat):
    check_per_ip(chat, "198.51.100.7", "198.51.100.8")


def test_webchat_badinput_silent_turn_gets_a_friendly_message(chat):
    check_silent_turn(chat, [{"text": HICCUP}])


def test_webchat_badinput_exception_is_a_503_and_the_server_stays_up(chat):
    check_broken(chat)
