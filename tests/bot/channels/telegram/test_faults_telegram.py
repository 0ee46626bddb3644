"""Faults on the Telegram side: the Bot API answering 429 or 5xx, Rasa answering 429 (« trop de messages »).

`python -m bot.channels.telegram` runs as a real process against the fake Bot API of test_telegram_e2e (made flaky
here) and a small fake of Rasa's REST channel: the faults under test are Telegram's, not Rasa's.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Callable

import httpx
import pytest
from aiohttp import web
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram import texts
from bot.channels.telegram.retry import NETWORK_RETRIES, retryable
from tests.bot.channels.telegram.test_telegram_e2e import Bot, FakeTelegram, ask, message, shown

pytestmark = pytest.mark.e2e


class FlakyTelegram(FakeTelegram):
    """The fake Bot API, plus injected failures; every sendMessage attempt is timed."""

    def __init__(self):
        super().__init__()
        self.faults: list[list] = []  # [predicate(params), status, body, times left]
        self.attempts: list[tuple[float, int, dict]] = []  # sendMessage: (monotonic time, HTTP status, params)

    def inject(self, predicate: Callable[[dict], bool], status: int, times: int = 1,
                  retry_after: int | None = None) -> None:
        body = {"ok": False, "error_code": status,
                "description": {429: f"Too Many Requests: retry after {retry_after}", 502: "Bad Gateway"}.get(
                    status, "Internal Server Error")}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self._cond:
            self.faults.append([predicate, status, body, times])

    def attempts_for(self, chat_id: int) -> list[tuple[float, int, dict]]:
        with self._cond:
            return [a for a in self.attempts if a[2]["chat_id"] == str(chat_id)]

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"] != "sendMessage" or request.match_info["token"] != self.token:
            return await super()._handle(request)
        params = dict(request.query)
        params.update(await request.json() if request.content_type == "application/json" else await request.post())
        for key in ("reply_markup", "link_preview_options"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        with self._cond:
            fault = next((f for f in self.faults if f[3] > 0 and f[0](params)), None)
            if fault is not None:  # not delivered: not in `calls`
                fault[3] -= 1
                self.attempts.append((time.monotonic(), fault[1], params))
                return web.json_response(fault[2], status=fault[1])
            self.attempts.append((time.monotonic(), 200, params))
            self.calls.append(("sendMessage", params))  # delivered
            self._cond.notify_all()
        return web.json_response({"ok": True, "result": self._result("sendMessage", params)})


class FakeRasa:
    """Rasa's REST channel, answering « Réponse à : <message> », or 429 for the senders in `busy`."""

    def __init__(self):
        self.received: list[tuple[str, str]] = []
        self.busy: set[str] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.url = ""

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._webhook)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/webhooks/rest/webhook"
        self._ready.set()
        self._loop.run_forever()

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append((body["sender"], body["message"]))
        if body["sender"] in self.busy:
            return web.json_response({"error": "trop de messages"}, status=429, headers={"Retry-After": "3"})
        return web.json_response([{"text": f"Réponse à : {body['message']}"}])

    def start(self) -> "FakeRasa":
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.fixture(scope="module")
def rasa():
    fake = FakeRasa().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def bot(rasa, tmp_path_factory):
    fake = FlakyTelegram().start()
    running = Bot(tmp_path_factory.mktemp("faults-telegram"), fake, rasa.url).start()
    yield running
    code = running.stop()
    fake.stop()
    assert not fake.unknown, f"méthodes de l'API non simulées : {fake.unknown}"
    assert code == 0, running.logs()


def delivered(bot: Bot, chat_id: int) -> list[str]:
    return [shown(p) for name, p in bot.fake.calls if name == "sendMessage" and p["chat_id"] == str(chat_id)]


def settle(seconds: float = 2.0) -> None:
    """Leave time for a duplicate (a retry of an already delivered message) to show up."""
    time.sleep(seconds)


def test_faults_telegram_429_waits_retry_after_and_delivers_once(bot):
    chat = 4001
    bot.fake.inject(lambda p: p["chat_id"] == str(chat), 429, retry_after=2)
    [reply] = ask(bot, chat, message(chat, "que fait un chef de pub ?"))
    assert shown(reply) == "Réponse à : que fait un chef de pub ?"
    settle()
    assert delivered(bot, chat) == ["Réponse à : que fait un chef de pub ?"]  # exactly once
    (failed_at, first, _), (sent_at, second, _) = bot.fake.attempts_for(chat)
    assert (first, second) == (429, 200)
    assert sent_at - failed_at >= 2.0  # Telegram's retry_after was honoured


@pytest.mark.parametrize("status", [502, 500])
def test_faults_telegram_5xx_is_retried_and_delivered_once(bot, status):
    chat = 4100 + status
    bot.fake.inject(lambda p: p["chat_id"] == str(chat), status, times=2)
    [reply] = ask(bot, chat, message(chat, f"question {status}"))
    assert shown(reply) == f"Réponse à : question {status}"
    settle()
    assert delivered(bot, chat) == [f"Réponse à : question {status}"]
    attempts = bot.fake.attempts_for(chat)
    assert [a[1] for a in attempts] == [status, status, 200]
    assert attempts[1][0] - attempts[0][0] >= 0.45 and attempts[2][0] - attempts[1][0] >= 0.95  # backoff 0.5 s, 1 s
    assert "nouvel essai" in bot.logs()


def test_faults_telegram_5xx_retries_are_bounded_then_the_user_is_told(bot):
    chat = 4003
    bot.fake.inject(lambda p: p["chat_id"] == str(chat) and p["text"].startswith("Réponse"), 502, times=100)
    try:
        [error] = ask(bot, chat, message(chat, "sans fin"))
    finally:
        bot.fake.faults.clear()
    assert shown(error) == texts.ERROR  # the error handler's message went through
    assert [a[1] for a in bot.fake.attempts_for(chat)] == [502] * (NETWORK_RETRIES + 1) + [200]
    assert "sendMessage : échec après" in bot.logs()
    [again] = ask(bot, chat, message(chat, "et maintenant ?"))  # the bot carries on
    assert shown(again) == "Réponse à : et maintenant ?"
    assert bot.alive()


def test_faults_telegram_rasa_429_says_too_many_messages(bot, rasa):
    from bot.channels.telegram.rasa import sender_id
    from tests.bot.channels.telegram.test_telegram_e2e import TOKEN

    chat = 4004
    rasa.busy.add(sender_id(chat, TOKEN))
    try:
        [reply] = ask(bot, chat, message(chat, "encore une question"))
    finally:
        rasa.busy.clear()
    assert shown(reply) == texts.TOO_FAST and "trop de messages" in shown(reply)
    assert (sender_id(chat, TOKEN), "encore une question") in rasa.received
    [later] = ask(bot, chat, message(chat, "encore une question"))
    assert shown(later) == "Réponse à : encore une question"


def test_faults_telegram_only_requests_that_did_not_take_effect_are_retried():
    assert retryable(NetworkError("Bad Gateway"))
    assert retryable(NetworkError("Internal Server Error (500)"))
    connect = TimedOut()
    connect.__cause__ = httpx.ConnectTimeout("connect")
    assert retryable(connect)
    read = TimedOut()
    read.__cause__ = httpx.ReadTimeout("read")  # Telegram may have sent the message: no duplicate
    assert not retryable(read)
    assert not retryable(BadRequest("Bad Request: message is too long"))  # would fail again
    assert not retryable(Forbidden("bot was blocked by the user"))
    assert not retryable(RetryAfter(3))  # AIORateLimiter waits retry_after
