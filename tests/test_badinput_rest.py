"""Bad input on the REST channel (bot/rest_channel.py), against the real stack (launcher → actions + Rasa).

Rasa reaches the action server through `ActionProxy`, a pass-through the tests can switch to « down »
(Rasa then stays silent) or « broken » (its answer makes Rasa raise): nothing else is faked.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional

import pytest

from stack import Stack, free_port

STUDIES = "quelles études pour devenir directrice de communication ?"
HICCUP = "Je rencontre un petit souci technique, réessaie dans un instant."
FRENCH = re.compile(r"\b(je|tu|de|la|le|les|une?|pas|pour|ma|ta|ton|ce|est|et|dans|avec|sur|à)\b", re.IGNORECASE)
SQL = "'; DROP TABLE events; --"
# An action result that passes Rasa's schema but makes Rasa raise after the action (an unknown form).
BROKEN = {"events": [{"event": "active_loop", "name": "formulaire_inexistant"}], "responses": []}


class ActionProxy:
    """Forwards Rasa's calls to the real action server; `mode` « down » answers 502, « broken » a bad result."""

    def __init__(self) -> None:
        self.port, self.target, self.mode = free_port(), free_port(), "up"
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.mode == "down":
                    status, out = 502, b""
                elif proxy.mode == "broken":
                    status, out = 200, json.dumps(BROKEN).encode()
                else:
                    request = urllib.request.Request(f"http://127.0.0.1:{proxy.target}{self.path}", body,
                                                     {"Content-Type": "application/json"})
                    try:
                        with urllib.request.urlopen(request, timeout=120) as r:
                            status, out = r.status, r.read()
                    except urllib.error.HTTPError as e:
                        status, out = e.code, e.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stack(self, workdir: Path, kb_path: Path) -> Stack:
        """The real stack, its Rasa calling the action server through this proxy."""
        endpoints = workdir / "endpoints-proxy.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.port}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{workdir / "conversations.db"}"\n')
        return Stack(workdir, kb_path, extra_env={"ACTIONS_PORT": str(self.target),
                                                   "ORIENTATION_ENDPOINTS": str(endpoints)})


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


def looks_french(text: str) -> bool:
    return len(FRENCH.findall(text)) >= 2


def check_error(status: int, body: Any, expected: int) -> None:
    assert isinstance(body, dict) and isinstance(body.get("error"), str), body
    prefix = {400: "Requête invalide", 413: "Message trop long", 429: "Trop de messages"}[expected]
    assert body["error"].startswith(prefix), body


# -- fixtures ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def proxy():
    running = ActionProxy()
    yield running
    running.server.shutdown()


@pytest.fixture(scope="module")
def stack(kb_path, tmp_path_factory, proxy):
    running = proxy.stack(tmp_path_factory.mktemp("badinput-rest"), kb_path).start()
    yield running
    assert running.stop() == 0


@pytest.fixture(scope="module")
def bystander(stack):
    """Another sender whose conversation starts before the hostile table and goes on after it."""
    assert "chef de publicité" in texts(stack.say("bad-bystander", "que fait un chef de pub ?"))
    return "bad-bystander"


# -- tests ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, case, expected", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_rest_badinput_table(stack, bystander, name, case, expected):
    sender = f"bad-{name}"
    payload, raw = hostile_request(name, case, sender)
    status, headers, body = post(stack.url, payload, raw)
    assert status == expected, (status, body)
    assert headers["Content-Type"] == "application/json"
    if expected != 200:
        check_error(status, body, expected)
        if name == "plus-de-2000-caracteres":
            assert "2\u202f000 caractères au plus" in body["error"]
        return
    assert isinstance(body, list) and body, body
    assert all(r["recipient_id"] == sender for r in body)
    assert looks_french(texts(body)), body


def test_rest_badinput_cleaned_text_reaches_rasa(stack):
    """Control characters, NUL, lone surrogates and bidi overrides are gone before Rasa: the question is
    understood, and the tracker keeps the cleaned text."""
    for name in ("controle-et-nul", "surrogate-isole", "bidi"):
        kept = user_texts(stack.db, f"bad-{name}")
        assert kept == [STUDIES], (name, kept)
        status, _, body = post(stack.url, {"sender": f"bad-{name}", "message": "et quel est le niveau d'accès ?"})
        assert status == 200 and "bac + 5" in texts(body), body


def test_rest_badinput_server_still_answers_and_bystander_unaffected(stack, bystander):
    reply = texts(stack.say("bad-after", STUDIES))
    assert reply.startswith("Pour devenir directrice de communication") and "bac + 5" in reply
    assert reply.endswith("Source : Onisep, fiche MET.650")
    reply = texts(stack.say(bystander, "et quelles études faut-il faire ?"))
    assert "chef de publicité" in reply  # the follow-up still knows the job of the first turn


def test_rest_badinput_html_comes_back_as_plain_text(stack):
    message = "quelles études pour devenir <b>boulanger</b><script>alert(1)</script> ?"
    status, headers, body = post(stack.url, {"sender": "bad-html-echo", "message": message})
    assert status == 200 and headers["Content-Type"] == "application/json"
    reply = texts(body)
    assert "pas dans ma base" in reply and "&lt;" not in reply and "&gt;" not in reply
    echoed = re.search(r"« (.+?) »", reply).group(1)
    assert echoed in message  # the user's words come back verbatim, markup included, never rendered


def test_rest_badinput_sql_text_keeps_the_tracker(stack):
    sender = "bad-sql-suite"
    status, _, body = post(stack.url, {"sender": sender, "message": SQL})
    assert status == 200 and looks_french(texts(body))
    reply = texts(stack.say(sender, STUDIES))
    assert reply.startswith("Pour devenir directrice de communication")
    assert user_texts(stack.db, sender) == [SQL, STUDIES]  # stored verbatim, as data


def test_rest_badinput_burst_is_rate_limited(stack):
    """50 parallel messages of one sender: the first ones answered, the rest 429; others still served."""
    with ThreadPoolExecutor(max_workers=51) as pool:
        burst = [pool.submit(post, stack.url, {"sender": "bad-burst", "message": "bonjour"}) for _ in range(50)]
        other = pool.submit(post, stack.url, {"sender": "bad-burst-other", "message": STUDIES})
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
    assert other_status == 200 and texts(other_body).startswith("Pour devenir directrice de communication")
    reply = texts(stack.say("bad-burst-after", STUDIES))
    assert reply.startswith("Pour devenir directrice de communication")


def test_rest_badinput_per_ip_limit(stack):
    """Behind the local reverse proxy, X-Forwarded-For identifies the client: 60 requests per 10 s each,
    refused ones included; another client is unaffected."""
    limited = {"X-Forwarded-For": "203.0.113.7"}
    statuses = [post(stack.url, raw=b"{pas du json", headers=limited)[0] for _ in range(120)]
    assert set(statuses) == {400, 429} and statuses.count(400) >= 60 and statuses.count(429) >= 10, statuses
    valid = [post(stack.url, {"sender": "bad-ip-1", "message": "bonjour"},  # the last hop is the client
                  headers={"X-Forwarded-For": "10.0.0.1, 203.0.113.7"}) for _ in range(3)]
    assert {status for status, _, _ in valid} <= {200, 429} and any(status == 429 for status, _, _ in valid)
    for status, headers, body in valid:
        if status == 429:
            assert int(headers["Retry-After"]) >= 1
            check_error(status, body, 429)
    status, _, body = post(stack.url, {"sender": "bad-ip-2", "message": STUDIES},
                           headers={"X-Forwarded-For": "203.0.113.8"})
    assert status == 200 and texts(body).startswith("Pour devenir directrice de communication")


def test_rest_badinput_silent_turn_gets_a_friendly_message(stack, proxy):
    """Action server down: Rasa answers nothing; the channel says so in one friendly message."""
    proxy.mode = "down"
    try:
        status, _, body = post(stack.url, {"sender": "bad-actions-down", "message": STUDIES})
    finally:
        proxy.mode = "up"
    assert status == 200 and body == [{"recipient_id": "bad-actions-down", "text": HICCUP}]
    reply = texts(stack.say("bad-actions-down", STUDIES))
    assert reply.startswith("Pour devenir directrice de communication")  # back to normal


def test_rest_badinput_exception_is_a_503_and_the_server_stays_up(stack, proxy):
    proxy.mode = "broken"
    try:
        status, headers, body = post(stack.url, {"sender": "bad-broken", "message": STUDIES})
    finally:
        proxy.mode = "up"
    assert status == 503 and headers["Content-Type"] == "application/json"
    assert "indisponible" in body["error"]
    assert texts(stack.say("bad-broken", STUDIES)).startswith("Pour devenir directrice de communication")
    assert "assistant d'orientation" in texts(stack.say("bad-broken-other", "bonjour"))
