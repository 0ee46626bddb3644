"""Bad input on the web chat webhook (bot/webchat/channel.py + bot/guard.py), against the real stack.

Same hostile table and same action-server proxy as tests/test_badinput_rest.py.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from test_badinput_rest import (HICCUP, HOSTILE, SQL, STUDIES, ActionProxy, check_error, hostile_request,
                                looks_french, post, texts, user_texts)

PREFIX = "badinput-webchat-"  # + a name: the web chat wants 16 to 64 letters, digits or dashes
HOSTILE_WEBCHAT = HOSTILE + [
    ("sender-court", {"json": {"sender": "court", "message": "bonjour"}}, 400),
    ("sender-chemin", {"json": {"sender": "../../etc/passwd-xxxxxxxx", "message": "bonjour"}}, 400),
    ("plus-de-1000-caracteres", {"message": "é" * 1_001}, 413),
]


@pytest.fixture(scope="module")
def proxy():
    running = ActionProxy()
    yield running
    running.server.shutdown()


@pytest.fixture(scope="module")
def stack(kb_path, tmp_path_factory, proxy):
    running = proxy.stack(tmp_path_factory.mktemp("badinput-webchat"), kb_path).start()
    yield running
    assert running.stop() == 0


@pytest.fixture(scope="module")
def url(stack):
    return f"{stack.base}/webchat/webhook"


def say(url: str, name: str, message: str) -> list[dict]:
    status, _, body = post(url, {"sender": PREFIX + name, "message": message})
    assert status == 200, (status, body)
    return body


@pytest.fixture(scope="module")
def bystander(url):
    """Another conversation, started before the hostile table and continued after it."""
    assert "chef de publicité" in texts(say(url, "bystander", "que fait un chef de pub ?"))
    return "bystander"


@pytest.mark.parametrize("name, case, expected", HOSTILE_WEBCHAT, ids=[c[0] for c in HOSTILE_WEBCHAT])
def test_webchat_badinput_table(url, bystander, name, case, expected):
    payload, raw = hostile_request(name, case, PREFIX + name)
    status, headers, body = post(url, payload, raw)
    assert status == expected, (status, body)
    assert headers["Content-Type"] == "application/json" and headers["X-Content-Type-Options"] == "nosniff"
    if expected != 200:
        check_error(status, body, expected)
        if name == "plus-de-1000-caracteres":
            assert "1\u202f000 caractères au plus" in body["error"]
        return
    assert isinstance(body, list) and body and all(set(r) <= {"text", "buttons"} for r in body), body
    assert looks_french(texts(body)), body


def test_webchat_badinput_cleaned_text_reaches_rasa(stack, url):
    for name in ("controle-et-nul", "surrogate-isole", "bidi"):
        assert user_texts(stack.db, "webchat-" + PREFIX + name) == [STUDIES], name
        assert "bac + 5" in texts(say(url, name, "et quel est le niveau d'accès ?"))


def test_webchat_badinput_server_still_answers_and_bystander_unaffected(url, bystander):
    reply = texts(say(url, "after-table", STUDIES))
    assert reply.startswith("Pour devenir directrice de communication") and "bac + 5" in reply
    assert reply.endswith("Source : Onisep, fiche MET.650")
    assert "chef de publicité" in texts(say(url, bystander, "et quelles études faut-il faire ?"))


def test_webchat_badinput_html_comes_back_as_plain_text(url):
    message = "quelles études pour devenir <b>boulanger</b><script>alert(1)</script> ?"
    status, headers, body = post(url, {"sender": PREFIX + "html-echo", "message": message})
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert headers["X-Content-Type-Options"] == "nosniff"  # never sniffed as HTML
    reply = texts(body)
    assert "pas dans ma base" in reply and "&lt;" not in reply and "&gt;" not in reply
    assert re.search(r"« (.+?) »", reply).group(1) in message  # verbatim text; the widget shows it as text


def test_webchat_badinput_sql_text_keeps_the_tracker(stack, url):
    assert looks_french(texts(say(url, "sql-suite", SQL)))
    assert texts(say(url, "sql-suite", STUDIES)).startswith("Pour devenir directrice de communication")
    assert user_texts(stack.db, "webchat-" + PREFIX + "sql-suite") == [SQL, STUDIES]


def test_webchat_badinput_burst_is_rate_limited(url):
    with ThreadPoolExecutor(max_workers=51) as pool:
        burst = [pool.submit(post, url, {"sender": PREFIX + "burst", "message": "bonjour"}) for _ in range(50)]
        other = pool.submit(post, url, {"sender": PREFIX + "burst-other", "message": STUDIES})
        results = [f.result() for f in burst]
        other_status, _, other_body = other.result()
    statuses = [status for status, _, _ in results]
    assert set(statuses) == {200, 429}, statuses
    assert statuses.count(200) >= 20 and statuses.count(429) >= 10
    for status, headers, body in results:
        if status == 429:
            check_error(status, body, 429)
            assert 1 <= int(headers["Retry-After"]) <= 10
        else:
            assert "assistant d'orientation" in texts(body)
    assert other_status == 200 and texts(other_body).startswith("Pour devenir directrice de communication")
    assert texts(say(url, "burst-after", STUDIES)).startswith("Pour devenir directrice de communication")


def test_webchat_badinput_per_ip_limit(url):
    limited = {"X-Forwarded-For": "198.51.100.7"}
    statuses = [post(url, raw=b"{pas du json", headers=limited)[0] for _ in range(120)]
    assert set(statuses) == {400, 429} and statuses.count(400) >= 60 and statuses.count(429) >= 10, statuses
    valid = [post(url, {"sender": PREFIX + "ip-1", "message": "bonjour"}, headers=limited) for _ in range(3)]
    assert {s for s, _, _ in valid} <= {200, 429} and any(s == 429 for s, _, _ in valid)
    status, _, body = post(url, {"sender": PREFIX + "ip-2", "message": STUDIES},
                           headers={"X-Forwarded-For": "198.51.100.8"})
    assert status == 200 and texts(body).startswith("Pour devenir directrice de communication")


def test_webchat_badinput_silent_turn_gets_a_friendly_message(url, proxy):
    proxy.mode = "down"
    try:
        status, _, body = post(url, {"sender": PREFIX + "actions-down", "message": STUDIES})
    finally:
        proxy.mode = "up"
    assert status == 200 and body == [{"text": HICCUP}]
    assert texts(say(url, "actions-down", STUDIES)).startswith("Pour devenir directrice de communication")


def test_webchat_badinput_exception_is_a_503_and_the_server_stays_up(url, proxy):
    proxy.mode = "broken"
    try:
        status, headers, body = post(url, {"sender": PREFIX + "broken", "message": STUDIES})
    finally:
        proxy.mode = "up"
    assert status == 503 and "indisponible" in body["error"]
    assert texts(say(url, "broken", STUDIES)).startswith("Pour devenir directrice de communication")
