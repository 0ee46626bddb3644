"""Bad input against the real stack (launcher → actions + Rasa), shared by the REST and web chat tests.

Both run on the session's shared stack (tests/conftest.py), whose Rasa reaches the action server through an
`ActionProxy` (tests/stack.py), a pass-through the tests can switch to « down » (Rasa then stays silent) or
« broken » (its answer makes Rasa raise) for one request: nothing else is faked. Each channel has its own
senders.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pytest

from tests.stack import ActionProxy, Stack

STUDIES = "quelles études pour devenir directrice de communication ?"
ANSWER = "Pour devenir directrice de communication"  # how the answer to STUDIES starts
HICCUP = "Je rencontre un petit souci technique, réessaie dans un instant."
FRENCH = re.compile(r"\b(je|tu|de|la|le|les|une?|pas|pour|ma|ta|ton|ce|est|et|dans|avec|sur|à)\b", re.IGNORECASE)
SQL = "'; DROP TABLE events; --"


def post(url: str, payload: Any = None, raw: Optional[bytes] = None,
         headers: Optional[dict[str, str]] = None) -> tuple[int, Any, Any]:
    """(status, headers, decoded JSON body) of a POST; never raises on 4xx/5xx."""
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=180) as r:
            return r.status, r.headers, json.loads(r.read())
    except urllib.error.HTTPError as e:
        data = e.read()
        return e.code, e.headers, json.loads(data) if e.headers.get("Content-Type", "").startswith(
            "application/json") else data


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def user_texts(db: Path, sender: str) -> list[str]:
    """What the tracker store kept of this sender's messages."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                                  (sender,)).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def looks_french(text: str) -> bool:
    return len(FRENCH.findall(text)) >= 2


def check_error(status: int, body: Any, expected: int) -> None:
    assert isinstance(body, dict) and isinstance(body.get("error"), str), body
    prefix = {400: "Requête invalide", 413: "Message trop long", 429: "Trop de messages"}[expected]
    assert body["error"].startswith(prefix), body


# name → (the message, or the raw body with %s for the sender, or the whole JSON), expected status, the same on
# the REST channel and the web chat. 200 = an answer in French, 400 = refused request, 413 = too long.
HOSTILE: list[tuple[str, dict[str, Any], int]] = [
    ("vide", {"message": ""}, 400),
    ("espaces", {"message": "  \n\t \u3000 "}, 400),
    ("cent-mille", {"message": "a" * 100_000}, 413),
    ("plus-de-2000-caracteres", {"message": "é" * 2_001}, 413),
    ("controle-et-nul", {"message": "quel\x00les études pour devenir\x07 directrice de communication ?\x1b\x7f"}, 200),
    ("nul-seulement", {"message": "\x00\x01\x02\x1b"}, 400),
    ("surrogate-isole", {"raw": ('{"sender": "%s", "message": "quelles\\ud800 études pour devenir '
                                 'directrice de communication ?"}')}, 200),
    ("utf8-invalide", {"raw": b'{"sender": "%s", "message": "caf\xe9 \xff\xfe"}'}, 400),
    ("json-invalide", {"raw": '{"sender": "%s", "message": '}, 400),
    ("json-profond", {"raw": "[" * 4_000}, 400),  # under both body caps
    ("json-liste", {"json": ["bonjour"]}, 400),
    ("json-nombre", {"json": 42}, 400),
    ("json-chaine", {"json": "bonjour"}, 400),
    ("json-null", {"json": None}, 400),
    ("sans-sender", {"json": {"message": "bonjour"}}, 400),
    ("sans-message", {"json": {"sender": "bad-sans-message"}}, 400),
    ("message-nombre", {"message": 42}, 400),
    ("message-null", {"message": None}, 400),
    ("message-objet", {"message": {"text": "bonjour"}}, 400),
    ("message-liste", {"message": ["bonjour"]}, 400),
    ("sender-nombre", {"json": {"sender": 42, "message": "bonjour"}}, 400),
    ("sender-vide", {"json": {"sender": "", "message": "bonjour"}}, 400),
    ("sender-nul", {"json": {"sender": "abc\x00def", "message": "bonjour"}}, 400),
    ("sender-trop-long", {"json": {"sender": "x" * 200, "message": "bonjour"}}, 400),
    ("emoji", {"message": "😀🎓🚀👩🏽‍🎓"}, 200),
    ("anglais", {"message": "what studies to become a communication director?"}, 200),
    ("arabe", {"message": "ما هي الدراسات لتصبح مدير اتصال؟"}, 200),
    ("chinois", {"message": "如何成为传播总监？"}, 200),
    ("html-script", {"message": "<b>gras</b><script>alert(1)</script><img src=x onerror=alert(2)>"}, 200),
    ("markdown-telegram", {"message": "*gras* _it_ [lien](http://x) `code` ~barré~ ||spoiler||"}, 200),
    ("sql", {"message": SQL}, 200),
    ("bidi", {"message": "\u202e\u2066quelles études\u2069 pour devenir directrice de communication ?\ufeff"}, 200),
    ("intent-inconnu", {"message": "/inconnu"}, 200),
    ("intent-casse", {"message": '/greet{"a": '}, 200),
]


def hostile_request(name: str, case: dict[str, Any], sender: str) -> tuple[Any, Optional[bytes]]:
    """(JSON payload, raw body) of a table case."""
    if "raw" in case:
        raw = case["raw"]
        raw = raw.encode() if isinstance(raw, str) else raw
        return None, raw.replace(b"%s", sender.encode())
    if "json" in case:
        return case["json"], None
    return {"sender": sender, "message": case["message"]}, None


@dataclass
class Chat:
    """One channel of a running stack; tests name senders, the channel adds its prefixes."""

    stack: Stack
    proxy: ActionProxy
    path: str  # the webhook, under the stack's base URL
    prefix: str  # a sender is this + the test's name for it
    tracker: str = ""  # the tracker store's sender_id is this + the sender
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})  # on every answer

    @property
    def url(self) -> str:
        return self.stack.base + self.path

    def sender(self, name: str) -> str:
        return self.prefix + name

    def post(self, name: str, message: Any, headers: Optional[dict[str, str]] = None) -> tuple[int, Any, Any]:
        return post(self.url, {"sender": self.sender(name), "message": message}, headers=headers)

    def say(self, name: str, message: str) -> list[dict]:
        status, _, body = self.post(name, message)
        assert status == 200, (status, body)
        return body

    def kept(self, name: str) -> list[str]:
        """What the tracker store kept of this sender's messages."""
        return user_texts(self.stack.db, self.tracker + self.sender(name))

    def check_headers(self, headers: Any) -> None:
        for key, value in self.headers.items():
            assert headers[key] == value, (key, headers[key])


def fixtures(**channel: Any):
    """Module-scoped `chat` (a `Chat` on the session's shared stack) and `bystander` fixtures, for
    `chat, bystander = fixtures(...)`; `channel` holds the `Chat` fields after stack and proxy."""

    @pytest.fixture(scope="module")
    def chat(shared_stack, action_proxy):
        return Chat(shared_stack, action_proxy, **channel)

    @pytest.fixture(scope="module")
    def bystander(chat):
        """Another conversation, started before the hostile table and continued after it."""
        assert "chef de publicité" in texts(chat.say("bystander", "que fait un chef de pub ?"))
        return "bystander"

    return chat, bystander


# -- checks both channels pass -------------------------------------------------------------------------
def check_hostile(chat: Chat, name: str, case: dict[str, Any], expected: int) -> Any:
    """A table case: the expected status and headers, then a refusal's error or a French answer; returns the body."""
    status, headers, body = post(chat.url, *hostile_request(name, case, chat.sender(name)))
    assert status == expected, (status, body)
    chat.check_headers(headers)
    if expected != 200:
        check_error(status, body, expected)
    else:
        assert isinstance(body, list) and body, body
        assert looks_french(texts(body)), body
    return body


def check_cleaned_text(chat: Chat) -> None:
    """Control characters, NUL, lone surrogates and bidi overrides are gone before Rasa: the question is
    understood, and the tracker keeps the cleaned text."""
    for name in ("controle-et-nul", "surrogate-isole", "bidi"):
        kept = chat.kept(name)
        assert kept == [STUDIES], (name, kept)
        assert "bac + 5" in texts(chat.say(name, "et quel est le niveau d'accès ?")), name


def check_still_answers(chat: Chat, bystander: str) -> None:
    reply = texts(chat.say("after-table", STUDIES))
    assert reply.startswith(ANSWER) and "bac + 5" in reply
    assert reply.endswith("Source : Onisep, fiche MET.650")
    reply = texts(chat.say(bystander, "et quelles études faut-il faire ?"))
    assert "chef de publicité" in reply  # the follow-up still knows the job of the first turn


def check_html_as_text(chat: Chat) -> None:
    message = "quelles études pour devenir <b>youtubeur</b><img src=x onerror=alert(1)> ?"
    status, headers, body = chat.post("html-echo", message)
    assert status == 200
    chat.check_headers(headers)  # JSON, never sniffed as HTML
    reply = texts(body)
    assert "pas dans ma base" in reply and "&lt;" not in reply and "&gt;" not in reply
    echoed = re.search(r"« (.+?) »", reply).group(1)
    assert echoed in message  # the user's words come back verbatim, markup included, never rendered


def check_sql_keeps_tracker(chat: Chat) -> None:
    assert looks_french(texts(chat.say("sql-suite", SQL)))
    assert texts(chat.say("sql-suite", STUDIES)).startswith(ANSWER)
    assert chat.kept("sql-suite") == [SQL, STUDIES]  # stored verbatim, as data


def check_burst(chat: Chat) -> None:
    """50 parallel messages of one sender: the first ones answered, the rest 429; others still served."""
    with ThreadPoolExecutor(max_workers=51) as pool:
        burst = [pool.submit(chat.post, "burst", "bonjour") for _ in range(50)]
        other = pool.submit(chat.post, "burst-other", STUDIES)
        results = [f.result() for f in burst]
        other_status, _, other_body = other.result()
    statuses = [status for status, _, _ in results]
    assert set(statuses) == {200, 429}, statuses
    assert statuses.count(200) >= 20 and statuses.count(429) >= 10  # 20 per 10 s, + refills during the burst
    for status, headers, body in results:
        if status == 429:
            check_error(status, body, 429)
            assert 1 <= int(headers["Retry-After"]) <= 10
        else:
            assert "assistant d'orientation" in texts(body)
    assert other_status == 200 and texts(other_body).startswith(ANSWER)
    assert texts(chat.say("burst-after", STUDIES)).startswith(ANSWER)


def check_per_ip(chat: Chat, client: str, other: str, hops: str = "") -> list[tuple[int, Any, Any]]:
    """X-Forwarded-For names the client: 60 requests per 10 s each, refused ones included; three valid
    messages (sent through `hops`) are limited too; the `other` client is unaffected. Returns the valid ones."""
    limited = {"X-Forwarded-For": client}
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: post(chat.url, raw=b"{pas du json", headers=limited)[0], range(120)))
    assert set(statuses) == {400, 429} and statuses.count(400) >= 60 and statuses.count(429) >= 10, statuses
    # While two clients' worth of bad requests keep the bucket empty (a slow machine's turns would refill it),
    # the valid messages of that IP are refused too.
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            post(chat.url, raw=b"{pas du json", headers=limited)

    with ThreadPoolExecutor(max_workers=2) as pool:
        drainers = [pool.submit(drain) for _ in range(2)]
        try:
            valid = [chat.post("ip-1", "bonjour", headers={"X-Forwarded-For": hops + client}) for _ in range(3)]
        finally:
            stop.set()
        for drainer in drainers:
            drainer.result()
    assert {status for status, _, _ in valid} <= {200, 429} and any(status == 429 for status, _, _ in valid)
    status, _, body = chat.post("ip-2", STUDIES, headers={"X-Forwarded-For": other})
    assert status == 200 and texts(body).startswith(ANSWER)
    return valid


def check_silent_turn(chat: Chat, expected: list[dict]) -> None:
    """Action server down: Rasa answers nothing; the channel says so in one friendly message."""
    with chat.proxy.switched("down"):
        status, _, body = chat.post("actions-down", STUDIES)
    assert status == 200 and body == expected, (status, body)
    assert texts(chat.say("actions-down", STUDIES)).startswith(ANSWER)  # back to normal


def check_broken(chat: Chat) -> Any:
    """Rasa raising after the action: a 503 « indisponible », and the sender is answered again; returns the
    503's headers."""
    with chat.proxy.switched("broken"):
        status, headers, body = chat.post("broken", STUDIES)
    assert status == 503 and "indisponible" in body["error"], (status, body)
    assert texts(chat.say("broken", STUDIES)).startswith(ANSWER)
    return headers
