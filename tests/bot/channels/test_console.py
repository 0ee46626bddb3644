"""The staff console's API on the shared stack: it goes through the channels' guard like REST and web chat
(caps, JSON shape, cleaned text, rate limits; `{"error": …}` in French, never a 500)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.stack import STAFF_PASSWORD

pytestmark = pytest.mark.e2e

AUTH = "Basic " + base64.b64encode(f"staff:{STAFF_PASSWORD}".encode()).decode()


def ask(stack, body: bytes, auth: str = AUTH, client: str | None = None) -> tuple[int, dict | str]:
    """Status and JSON body (the text of a body that is not JSON); `client` is the address the local proxy
    forwards (its own IP bucket)."""
    headers = {"Content-Type": "application/json", "Authorization": auth}
    if client:
        headers["X-Forwarded-For"] = client
    request = urllib.request.Request(f"{stack.base}/console/api/ask", body, headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode()


def as_json(**fields) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode()


def test_console_answers_and_explains_a_cleaned_question(shared_stack):
    status, data = ask(shared_stack, as_json(sender="console-garde-1",
                                             message="\u202eque fait un chef de pub ?\x00\x07"))
    assert status == 200
    assert data["sender"] == "console-garde-1"
    assert data["intent"] == "ask_description" and data["kind"] == "answer"
    assert "Source :" in data["messages"][0]["text"]


def test_console_says_the_question_answered_when_it_is_not_the_nlus(shared_stack):
    """Tastes stated start an exploration whatever the NLU's intent: `question` says what the answer answers."""
    status, data = ask(shared_stack, as_json(sender="console-question-1", message="j'aime écrire et les animaux"))
    assert status == 200 and data["question"] == "explore" and "Noté" in data["messages"][0]["text"]
    status, data = ask(shared_stack, as_json(sender="console-question-2", message="que fait un chef de pub ?"))
    assert data["question"] == data["intent"] == "ask_description"


def test_console_gives_its_own_sender_when_none_is_sent(shared_stack):
    status, data = ask(shared_stack, as_json(message="bonjour"))
    assert status == 200 and data["sender"].startswith("console-") and data["messages"]


@pytest.mark.parametrize("body, status, said", [
    (b"{pas du json", 400, "JSON"),
    (b"\xff\xfe", 400, "UTF-8"),
    (as_json(message=""), 400, "vide"),
    (as_json(message="   \u202e\x00\ufeff "), 400, "vide"),
    (as_json(message=42), 400, "message"),
    (as_json(sender=["x"], message="bonjour"), 400, "sender"),
    (as_json(message="a" * 2_001), 413, "trop long"),
    (as_json(message="a" * 9_000), 413, "trop long"),
])
def test_console_refuses_bad_requests_in_french(shared_stack, body, status, said):
    got, data = ask(shared_stack, body)
    assert got == status
    assert said.lower() in data["error"].lower()


def test_console_password_is_checked_before_the_body(shared_stack):
    wrong = "Basic " + base64.b64encode(b"staff:non").decode()
    assert ask(shared_stack, as_json(message="bonjour"), auth=wrong) == (401, "Mot de passe requis.")
    assert ask(shared_stack, b"{pas du json", auth=wrong)[0] == 401


def test_console_sender_rate_limit(shared_stack):
    """50 messages of one sender at once (from a client of their own, so the console's IP bucket stays full for
    the other tests): the sender's bucket (20 per 10 s, refilled while a loaded machine serves the burst)
    refuses the last ones with 429."""
    with ThreadPoolExecutor(50) as pool:
        replies = list(pool.map(lambda _: ask(shared_stack, as_json(sender="console-rafale", message="bonjour"),
                                              client="203.0.113.50"), range(50)))
    statuses = [status for status, _ in replies]
    assert statuses.count(200) >= 20 and statuses.count(429) >= 5 and statuses.count(200) + statuses.count(429) == 50
    assert all("Trop de messages" in data["error"] for status, data in replies if status == 429)
