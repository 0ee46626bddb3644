"""The web chat channel over HTTP, without a browser: the app Rasa builds (`rasa.core.run.configure_app`, with
its app-wide CORS layer) serving the channel, with a recording stand-in for the agent."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request

import pytest
import yaml
from rasa.core.run import configure_app
from sanic import Sanic

from bot.channels.webchat.channel import WebChatInput, configured_origins, normalize_origin
from tests import ROOT
from tests.stack import free_port

pytestmark = pytest.mark.unit

SCHOOL = "https://www.lycee-exemple.fr"
SENDER = "0f8c2a4e-9b1d-4c3e-8f7a-1234567890ab"


class RecordingAgent:
    """Stands for Rasa's agent: records each message and answers like the assistant would."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_message(self, message) -> None:
        self.messages.append(message)
        out = message.output_channel
        if message.text == "panne":
            raise RuntimeError("le serveur d'actions ne répond pas")
        if message.text == "html":
            await out.send_text_with_buttons(
                message.sender_id, "<script>alert(1)</script>\n• <b>gras</b>\nSource : Onisep, fiche MET.650",
                [{"title": "<img src=x onerror=alert(2)>", "payload": "/choose_option{\"choice\": \"X\"}"}])
            return
        await out.send_text_message(message.sender_id, f"écho : {message.text}")


@pytest.fixture(scope="module")
def server():
    test_mode, Sanic.test_mode = Sanic.test_mode, True  # lets this process build Rasa's app more than once
    channel = WebChatInput(allowed_origins=[SCHOOL], max_body_bytes=4096, max_message_chars=1000, env={})
    port = free_port()
    app = configure_app([channel], enable_api=False, port=port)
    app.ctx.agent = RecordingAgent()
    ready, loop = threading.Event(), asyncio.new_event_loop()
    stop = asyncio.Event()

    async def serve():
        srv = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
        await srv.startup()
        await srv.before_start()
        await srv.after_start()
        ready.set()
        await stop.wait()
        await srv.before_stop()
        srv.close()
        await srv.wait_closed()
        await srv.after_stop()

    thread = threading.Thread(target=lambda: loop.run_until_complete(serve()), daemon=True)
    thread.start()
    assert ready.wait(60), "le serveur de test n'a pas démarré"
    yield f"http://127.0.0.1:{port}", app.ctx.agent, port
    loop.call_soon_threadsafe(stop.set)
    thread.join(timeout=30)
    Sanic.test_mode = test_mode


def call(base, method, path, body=None, headers=None):
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def post(base, payload, origin=None, raw=None):
    headers = {"Content-Type": "application/json", **({"Origin": origin} if origin else {})}
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    return call(base, "POST", "/webchat/webhook", body, headers)


def test_webchat_is_declared_in_credentials():
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text())
    assert "bot.channels.rest.SafeRestInput" in credentials  # the (hardened) REST channel stays
    settings = credentials["bot.channels.webchat.channel.WebChatInput"]
    channel = WebChatInput.from_credentials(settings)
    assert channel.url_prefix() == "/webchat" and channel.max_body_bytes == 4096


def test_webchat_serves_widget_and_demo_page(server):
    base, _, _ = server
    status, headers, body = call(base, "GET", "/webchat/widget.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    js = body.decode()
    assert "attachShadow" in js and "document.currentScript" in js and "innerHTML" not in js
    status, headers, body = call(base, "GET", "/webchat/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert '<script src="/webchat/widget.js" data-title=' in page and 'lang="fr"' in page
    assert "* { color: red !important; font-size: 40px; }" in page and "button { display: none !important; }" in page


def test_webchat_answers_with_text_and_buttons(server):
    base, agent, _ = server
    status, headers, body = post(base, {"sender": SENDER, "message": "  html  "})
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == [{
        "text": "<script>alert(1)</script>\n• <b>gras</b>\nSource : Onisep, fiche MET.650",  # verbatim: text, not HTML
        "buttons": [{"title": "<img src=x onerror=alert(2)>", "payload": "/choose_option{\"choice\": \"X\"}"}],
    }]
    message = agent.messages[-1]
    assert message.sender_id == "webchat-" + SENDER and message.input_channel == "webchat"
    assert message.text == "html"


def test_webchat_cors_allows_school_and_own_origin(server):
    base, _, port = server
    status, headers, body = post(base, {"sender": SENDER, "message": "bonjour"}, origin=SCHOOL)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == SCHOOL and "Origin" in headers["Vary"]
    assert json.loads(body) == [{"text": "écho : bonjour"}]
    own = f"http://127.0.0.1:{port}"
    status, headers, _ = post(base, {"sender": SENDER, "message": "bonjour"}, origin=own)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == own


def test_webchat_cors_denies_other_origins_before_the_assistant(server):
    base, agent, _ = server
    before = len(agent.messages)
    for origin in ("https://evil.example", "null", "https://www.lycee-exemple.fr.evil.example", "http://www.lycee-exemple.fr"):
        status, headers, body = post(base, {"sender": SENDER, "message": "bonjour"}, origin=origin)
        assert status == 403, origin
        assert "Access-Control-Allow-Origin" not in headers
        assert json.loads(body)["error"] == "Origine non autorisée pour cet assistant."
    assert len(agent.messages) == before  # the assistant never saw them


def test_webchat_preflight(server):
    base, _, _ = server
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    status, headers, _ = call(base, "OPTIONS", "/webchat/webhook", headers={"Origin": SCHOOL, **ask})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == SCHOOL
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert headers["Access-Control-Allow-Headers"].lower() == "content-type"
    status, headers, _ = call(base, "OPTIONS", "/webchat/webhook", headers={"Origin": "https://evil.example", **ask})
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


def test_webchat_size_caps(server):
    base, agent, _ = server
    before = len(agent.messages)
    big = json.dumps({"sender": SENDER, "message": "a" * 900, "pad": "x" * 5000}).encode()
    status, _, body = post(base, None, raw=big)  # announced by Content-Length
    assert status == 413 and "trop long" in json.loads(body)["error"]
    chunks = iter([big[:3000], big[3000:]])  # no Content-Length: chunked transfer, counted while read
    status, _, body = call(base, "POST", "/webchat/webhook", chunks,
                           {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    assert status == 413
    status, _, body = post(base, {"sender": SENDER, "message": "é" * 1001})
    assert status == 413 and json.loads(body)["error"].startswith("Message trop long")
    assert len(agent.messages) == before
    status, _, body = post(base, {"sender": SENDER, "message": "é" * 1000})
    assert status == 200 and json.loads(body)[0]["text"] == "écho : " + "é" * 1000


@pytest.mark.parametrize("raw", [
    b"{pas du json", b"\xff\xfe", b"[]", b'"bonjour"',
    b'{"message": "bonjour"}',  # no conversation id
    b'{"sender": "court", "message": "bonjour"}',  # not a random id
    b'{"sender": "../../etc/passwd-xxxxxxxx", "message": "bonjour"}',
    ('{"sender": "%s", "message": "   "}' % SENDER).encode(),
    ('{"sender": "%s", "message": 42}' % SENDER).encode(),
])
def test_webchat_invalid_requests_get_400(server, raw):
    base, _, _ = server
    status, headers, body = post(base, None, raw=raw)
    assert status == 400 and headers["Content-Type"] == "application/json"
    assert json.loads(body)["error"].startswith("Requête invalide")


def test_webchat_failure_is_a_clean_503_never_a_500(server):
    base, _, _ = server
    status, headers, body = post(base, {"sender": SENDER, "message": "panne"}, origin=SCHOOL)
    assert status == 503 and headers["Access-Control-Allow-Origin"] == SCHOOL  # the widget can read why
    assert "indisponible" in json.loads(body)["error"]
    status, _, _ = post(base, {"sender": SENDER, "message": "bonjour"})
    assert status == 200  # and the channel keeps serving


def test_webchat_origins_configuration():
    assert normalize_origin("HTTPS://Lycee.FR:443/") == "https://lycee.fr"
    assert normalize_origin("http://localhost:8000") == "http://localhost:8000"
    for bad in ("lycee.fr", "ftp://lycee.fr", "https://lycee.fr/page", "null", "https://user@lycee.fr", "https://x:y"):
        assert normalize_origin(bad) is None, bad
    assert configured_origins(["https://a.fr", "https://b.fr/"], {}) == {"https://a.fr", "https://b.fr"}
    env = {"WEBCHAT_ALLOWED_ORIGINS": " https://c.fr , https://d.fr:8443 ,"}
    assert configured_origins(["https://a.fr"], env) == {"https://c.fr", "https://d.fr:8443"}  # the variable wins
    assert configured_origins(["https://a.fr"], {"WEBCHAT_ALLOWED_ORIGINS": ""}) == {"https://a.fr"}
    assert configured_origins(None, {}) == set()
    channel = WebChatInput.from_credentials({"allowed_origins": ["https://a.fr"], "max_body_bytes": "x"})
    assert channel.max_body_bytes == 4096  # a bad setting falls back to the default
