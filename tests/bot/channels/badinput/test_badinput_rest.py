"""Bad input on the REST channel (bot/channels/rest.py), against the real stack; shared parts in checks.py."""

from __future__ import annotations

import pytest

from tests.bot.channels.badinput.checks import (HICCUP, HOSTILE, check_broken, check_burst, check_cleaned_text,
                                                check_error, check_hostile, check_html_as_text, check_per_ip,
                                                check_silent_turn, check_sql_keeps_tracker, check_still_answers,
                                                fixtures, texts)

pytestmark = pytest.mark.e2e

chat, bystander = fixtures(path="/webhooks/rest/webhook", prefix="bad-")


@pytest.mark.parametrize("name, case, expected", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_rest_badinput_table(chat, bystander, name, case, expected):
    body = check_hostile(chat, name, case, expected)
    if name == "plus-de-2000-caracteres":
        assert "2\u202f000 caractères au plus" in body["error"]
    if expected == 200:
        assert all(r["recipient_id"] == chat.sender(name) for r in body)


def test_rest_badinput_cleaned_text_reaches_rasa(chat):
    check_cleaned_text(chat)


def test_rest_badinput_server_still_answers_and_bystander_unaffected(chat, bystander):
    check_still_answers(chat, bystander)


def test_rest_badinput_html_comes_back_as_plain_text(chat):
    check_html_as_text(chat)


def test_rest_badinput_sql_text_keeps_the_tracker(chat):
    check_sql_keeps_tracker(chat)


def test_rest_badinput_burst_is_rate_limited(chat):
    check_burst(chat)


def test_rest_badinput_per_ip_limit(chat):
    """Behind the local reverse proxy, the last hop of X-Forwarded-For is the client."""
    for status, headers, body in check_per_ip(chat, "203.0.113.7", "203.0.113.8", hops="10.0.0.1, "):
        if status == 429:
            assert int(headers["Retry-After"]) >= 1
            check_error(status, body, 429)


def test_rest_badinput_silent_turn_gets_a_friendly_message(chat):
    check_silent_turn(chat, [{"recipient_id": chat.sender("actions-down"), "text": HICCUP}])


def test_rest_badinput_exception_is_a_503_and_the_server_stays_up(chat):
    assert check_broken(chat)["Content-Type"] == "application/json"
    assert "assistant d'orientation" in texts(chat.say("broken-other", "bonjour"))
