"""End to end: `python -m bot.channels.telegram` as a subprocess, a fake Telegram Bot API on loopback, the real stack.

The fake speaks just the Bot API methods the bot needs (over real HTTP, as python-telegram-bot sends them);
any other method is recorded and fails the test.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import suppress
from itertools import count
from pathlib import Path
from typing import Callable, Optional

import pytest
from aiohttp import web

from bot.channels.telegram import texts
from bot.channels.telegram.rasa import sender_id
from tests.stack import free_port
from tests.bot.channels.telegram.test_telegram_render import telegram_text
from tests import ROOT

pytestmark = pytest.mark.e2e

TOKEN = "123456789:AAH-fake_test_token-e2e"
KNOWN = {"getMe", "deleteWebhook", "setWebhook", "setMyCommands", "getUpdates", "sendMessage",
         "sendChatAction", "answerCallbackQuery"}
USER = {"id": 0, "is_bot": False, "first_name": "Élève", "language_code": "fr"}


class FakeTelegram:
    """A Bot API server on 127.0.0.1 (own thread and event loop), with a queue of updates to serve."""

    def __init__(self, token: str = TOKEN):
        self.token = token
        self.calls: list[tuple[str, dict]] = []
        self.unknown: list[str] = []
        self.fail_send: Callable[[dict], bool] = lambda params: False
        self._updates: list[dict] = []
        self._cond = threading.Condition()
        self._ids = count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._ready = threading.Event()
        self.port = 0

    # -- server side ---------------------------------------------------------------------------
    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(await request.post())
        for key in ("reply_markup", "commands", "allowed_updates", "link_preview_options"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        if method not in KNOWN:
            self.unknown.append(method)
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        if method == "getUpdates":
            result = await self._get_updates(params)
        else:
            with self._cond:
                self.calls.append((method, params))
                self._cond.notify_all()
            if method == "sendMessage" and self.fail_send(params):
                return web.json_response({"ok": False, "error_code": 400, "description": "Bad Request: boom"},
                                         status=400)
            result = self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        while True:
            with self._cond:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]  # confirmed ones go
                if self._updates or time.monotonic() >= deadline:
                    self.calls.append(("getUpdates", params))
                    self._cond.notify_all()
                    return list(self._updates)
            await asyncio.sleep(0.05)

    def _result(self, method: str, params: dict):
        if method == "getMe":
            return {"id": 123456789, "is_bot": True, "first_name": "Orientation", "username": "orientation_bot",
                    "can_join_groups": False, "can_read_all_group_messages": False,
                    "supports_inline_queries": False}
        if method == "sendMessage":
            message = {"message_id": next(self._ids), "date": int(time.time()), "text": params["text"],
                       "chat": {"id": int(params["chat_id"]), "type": "private"},
                       "from": {"id": 123456789, "is_bot": True, "first_name": "Orientation"}}
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        return True

    # -- test side -----------------------------------------------------------------------------
    def start(self) -> "FakeTelegram":
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _shutdown(self) -> None:
        await self._runner.cleanup()
        # Long polls whose client went away are still waiting: end them.
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def mark(self) -> int:
        with self._cond:
            return len(self.calls)

    def push(self, update: dict) -> dict:
        with self._cond:
            update = {"update_id": next(self._ids), **update}
            self._updates.append(update)
        return update

    def wait(self, method: str, since: int = 0, timeout: float = 90, **match) -> dict:
        """The first `method` call after index `since` whose parameters include `match` (as strings)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for name, params in self.calls[since:]:
                    if name == method and all(str(params.get(k)) == str(v) for k, v in match.items()):
                        return params
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"pas d'appel {method} {match} ; reçus : {self.calls[since:]}")
                self._cond.wait(left)

    def sent(self, since: int, chat_id: int) -> list[dict]:
        with self._cond:
            return [p for name, p in self.calls[since:] if name == "sendMessage" and p["chat_id"] == str(chat_id)]


def message(chat_id: int, text: Optional[str] = None, **content) -> dict:
    body = {"message_id": chat_id % 1000, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
            "from": {**USER, "id": chat_id}, **content}
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": body}


class Bot:
    """`python -m bot.channels.telegram` in its own process, talking to a FakeTelegram."""

    def __init__(self, workdir: Path, fake: FakeTelegram, rasa_url: str, **env: str):
        self.fake = fake
        self.log_path = workdir / "telegram.log"
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.api_url,
                    "RASA_URL": rasa_url, "RASA_TELEMETRY_ENABLED": "false", **env}
        self.proc: Optional[subprocess.Popen] = None

    def start(self, ready_method: str = "getUpdates") -> "Bot":
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.channels.telegram"], cwd=ROOT, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self.fake.wait(ready_method, timeout=60)
        except AssertionError:
            raise AssertionError(f"le bot n'a pas démarré :\n{self.log_path.read_text()}") from None
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.alive():
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        self.log.close()
        return self.proc.returncode

    def logs(self) -> str:
        return self.log_path.read_text()


@pytest.fixture(scope="module")
def stack(shared_stack):
    return shared_stack  # the session's stack (tests/conftest.py)


def _bot(tmp_path_factory, rasa_url: str, name: str, ready: str = "getUpdates", stop: int = signal.SIGINT,
         **env: str):
    fake = FakeTelegram().start()
    bot = Bot(tmp_path_factory.mktemp(name), fake, rasa_url, **env).start(ready)
    yield bot
    code = bot.stop(stop)
    fake.stop()
    assert not fake.unknown, f"méthodes de l'API non simulées : {fake.unknown}"
    assert code == 0, bot.logs()  # Ctrl-C (or the launcher's SIGTERM) stops the bot cleanly
    assert TOKEN not in bot.logs()  # the token (in every Bot API URL) never reaches the logs


@pytest.fixture(scope="module")
def bot(stack, tmp_path_factory):
    yield from _bot(tmp_path_factory, stack.url, "telegram")


@pytest.fixture(scope="module")
def bot_without_rasa(tmp_path_factory):
    yield from _bot(tmp_path_factory, f"http://127.0.0.1:{free_port()}/webhooks/rest/webhook", "down",
                    stop=signal.SIGTERM, RASA_TIMEOUT="5")


def ask(bot: Bot, chat_id: int, update: dict, replies: int = 1) -> list[dict]:
    """Push an update and return the `replies` messages the bot sends to that chat."""
    since = bot.fake.mark()
    bot.fake.push(update)
    deadline = time.monotonic() + 90
    while len(bot.fake.sent(since, chat_id)) < replies:
        assert time.monotonic() < deadline, f"pas de réponse ; journal du bot :\n{bot.logs()}"
        assert bot.alive(), bot.logs()
        bot.fake.wait("sendMessage", since, timeout=max(0.1, deadline - time.monotonic()), chat_id=chat_id)
        time.sleep(0.05)
    return bot.fake.sent(since, chat_id)


def shown(sent: dict) -> str:
    assert sent["parse_mode"] == "HTML"
    return telegram_text(sent["text"])  # Telegram would accept it (no bare <, >, &; balanced tags)


def test_telegram_startup_registers_the_french_commands(bot):
    commands = bot.fake.wait("setMyCommands")["commands"]
    assert [c["command"] for c in commands] == ["start", "aide", "explorer", "recommencer"]
    bot.fake.wait("getMe")
    bot.fake.wait("deleteWebhook")  # long polling: any old webhook is removed
    polls = [p for name, p in bot.fake.calls if name == "getUpdates"]
    assert polls and set(polls[-1]["allowed_updates"]) == {"message", "callback_query"}


def test_telegram_start_and_help(bot):
    [welcome] = ask(bot, 1001, message(1001, "/start"))
    assert "assistant d'orientation" in shown(welcome)
    assert "quelles études pour devenir directrice de communication ?" in shown(welcome)
    [help_] = ask(bot, 1001, message(1001, "/aide"))
    assert "/recommencer" in shown(help_)


def test_telegram_question_gets_the_sourced_answer(bot, stack):
    chat = 917_351_002  # distinctive: the conversation store is shared with other tests (uuids, numbers)
    since = bot.fake.mark()
    [reply] = ask(bot, chat, message(chat, "quelles études pour devenir directrice de communication ?"))
    text = shown(reply)
    assert text.startswith("Pour devenir directrice de communication") and "bac + 5" in text
    assert text.endswith("\nSource : Onisep, fiche MET.650")
    assert reply["text"].endswith("\n<i>Source : Onisep, fiche MET.650</i>")
    assert "reply_markup" not in reply
    bot.fake.wait("sendChatAction", since, chat_id=chat, action="typing")  # « typing… » while Rasa works
    # The conversation is stored in Rasa under a hashed id, never the raw chat id.
    with sqlite3.connect(stack.db) as db:
        senders = {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}
    assert sender_id(chat, TOKEN) in senders and not any(str(chat) in s for s in senders)


def _press(bot, chat: int, reply: dict, title: str, n: int) -> dict:
    """Press the button `title` of `reply` (as Telegram sends it back) and return the bot's answer."""
    buttons = [b for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    chosen = next(b for b in buttons if b["text"] == title)
    press = {"callback_query": {"id": f"cbq-{chat}-{n}", "from": {**USER, "id": chat}, "chat_instance": f"ci-{chat}",
                                "data": chosen["callback_data"],
                                "message": {"message_id": n, "date": int(time.time()), "text": reply["text"],
                                            "chat": {"id": chat, "type": "private"}}}}
    [answer] = ask(bot, chat, press)
    return answer


def test_telegram_exploration_by_buttons(bot):
    """/explorer, an interest, « C'est tout », a sector, a length of studies: jobs to open, each a button."""
    chat = 917_351_018
    [start] = ask(bot, chat, message(chat, "/explorer"))
    assert "centres d'intérêt" in shown(start)
    titles = [b["text"] for row in start["reply_markup"]["inline_keyboard"] for b in row]
    assert len(titles) <= 11 and "Recommencer" in titles
    noted = _press(bot, chat, start, titles[0], 1)
    assert "Noté" in shown(noted)
    sectors = _press(bot, chat, noted, "C'est tout", 2)
    assert "secteur d'activité" in shown(sectors)
    sector = sectors["reply_markup"]["inline_keyboard"][0][0]["text"]
    level = _press(bot, chat, sectors, sector, 3)
    assert "Combien de temps" in shown(level)
    jobs = _press(bot, chat, level, "peu importe", 4)
    assert "Des métiers pour toi" in shown(jobs) and "Source : Onisep" in shown(jobs)
    assert "secteur : " + sector.rsplit(" (", 1)[0] in shown(jobs)
    first_job = jobs["reply_markup"]["inline_keyboard"][0][0]["text"]
    opened = _press(bot, chat, jobs, first_job, 5)
    assert first_job.lower() in shown(opened).lower()


def test_telegram_button_press_goes_back_to_rasa(bot):
    [choices] = ask(bot, 1003, message(1003, "qui délivre le titre de chargé de communication ?"))
    shown(choices)
    rows = choices["reply_markup"]["inline_keyboard"]
    buttons = [b for row in rows for b in row]
    assert len(buttons) >= 2 and all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    chosen = next(b for b in buttons if "360" in b["text"])
    press = {"callback_query": {"id": "cbq-1003", "from": {**USER, "id": 1003}, "chat_instance": "ci-1003",
                                "data": chosen["callback_data"],
                                "message": {"message_id": 1, "date": int(time.time()), "text": choices["text"],
                                            "chat": {"id": 1003, "type": "private"}}}}
    since = bot.fake.mark()
    [answer] = ask(bot, 1003, press)
    bot.fake.wait("answerCallbackQuery", since, callback_query_id="cbq-1003")
    text = shown(answer)
    assert "IPL (ISEFAC Paris Lille)" in text or "INSTITUT PROMOTION FORMATION" in text
    assert "Source : France Compétences" in text


def test_telegram_expired_button(bot):
    press = {"callback_query": {"id": "cbq-old", "from": {**USER, "id": 1004}, "chat_instance": "ci-1004",
                                "data": "k:0123456789abcdef01234567",
                                "message": {"message_id": 1, "date": int(time.time()), "text": "ancien",
                                            "chat": {"id": 1004, "type": "private"}}}}
    since = bot.fake.mark()
    [reply] = ask(bot, 1004, press)
    assert bot.fake.wait("answerCallbackQuery", since, callback_query_id="cbq-old")["text"] == texts.EXPIRED_ALERT
    assert shown(reply) == texts.EXPIRED


def test_telegram_restart_forgets_the_conversation(bot, stack):
    chat = 1005
    [first] = ask(bot, chat, message(chat, "que fait un chef de pub ?"))
    assert "chef de publicité" in shown(first)
    [confirm] = ask(bot, chat, message(chat, "/recommencer"))
    assert shown(confirm) == texts.RESTARTED
    with sqlite3.connect(stack.db) as db:
        types = [row[0] for row in db.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id",
                                              (sender_id(chat, TOKEN),))]
    assert "restart" in types  # Rasa itself reset the tracker
    [after] = ask(bot, chat, message(chat, "et quelles études faut-il faire ?"))
    assert "chef de publicité" not in shown(after)  # the job from before the restart is forgotten


@pytest.mark.parametrize("content", [
    {"sticker": {"file_id": "stk", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512,
                 "is_animated": False, "is_video": False, "emoji": "😀"}},
    {"photo": [{"file_id": "ph", "file_unique_id": "u2", "width": 90, "height": 90}], "caption": "ma question"},
    {"voice": {"file_id": "vo", "file_unique_id": "u3", "duration": 3}},
    {"document": {"file_id": "do", "file_unique_id": "u4", "file_name": "cv.pdf"}},
], ids=["sticker", "photo", "voice", "document"])
def test_telegram_non_text_gets_a_polite_answer(bot, content):
    [reply] = ask(bot, 1006, message(1006, **content))
    assert shown(reply).startswith("Je ne lis que le texte")


def test_telegram_unknown_command_is_not_sent_to_rasa(bot, stack):
    [reply] = ask(bot, 1007, message(1007, "/restart"))
    assert shown(reply) == texts.UNKNOWN_COMMAND
    with sqlite3.connect(stack.db) as db:
        assert not db.execute("SELECT 1 FROM events WHERE sender_id = ?", (sender_id(1007, TOKEN),)).fetchall()


def test_telegram_error_handler_tells_the_user(bot):
    bot.fake.fail_send = lambda params: params["chat_id"] == "1008" and "Ce que je sais faire" in params["text"]
    try:
        replies = ask(bot, 1008, message(1008, "/aide"), replies=2)
    finally:
        bot.fake.fail_send = lambda params: False
    assert shown(replies[1]) == texts.ERROR
    assert "Erreur pendant le traitement" in bot.logs()
    [again] = ask(bot, 1008, message(1008, "/aide"))  # and the bot carries on
    assert "Ce que je sais faire" in shown(again)


def test_telegram_rasa_down_friendly_message_and_keeps_running(bot_without_rasa):
    bot = bot_without_rasa
    [reply] = ask(bot, 2001, message(2001, "quelles études pour devenir directrice de communication ?"))
    assert shown(reply) == "Je n'arrive pas à joindre l'assistant pour le moment, réessaie dans un instant."
    [again] = ask(bot, 2001, message(2001, "/recommencer"))
    assert shown(again) == texts.RASA_DOWN
    [help_] = ask(bot, 2001, message(2001, "/aide"))  # later updates are still processed
    assert "Ce que je sais faire" in shown(help_)
    assert bot.alive()


def test_telegram_webhook_mode_checks_the_secret(stack, tmp_path_factory):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    secret = "s3cret_-token"
    gen = _bot(tmp_path_factory, stack.url, "webhook", ready="setWebhook", TELEGRAM_WEBHOOK_URL=url,
               TELEGRAM_WEBHOOK_SECRET=secret, TELEGRAM_WEBHOOK_PORT=str(port))
    bot = next(gen)
    try:
        registered = bot.fake.wait("setWebhook")
        assert (registered["url"], registered["secret_token"]) == (url, secret)
        assert not [name for name, _ in bot.fake.calls if name == "getUpdates"]
        deadline = time.monotonic() + 30  # the webhook server starts once set_webhook has succeeded
        while not _listening(port):
            assert time.monotonic() < deadline and bot.alive(), bot.logs()
            time.sleep(0.1)
        update = {"update_id": 1, **message(3001, "quelles études pour devenir directrice de communication ?")}

        def post(headers: dict) -> int:
            request = urllib.request.Request(url, json.dumps(update).encode(),
                                             {"Content-Type": "application/json", **headers})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        since = bot.fake.mark()
        assert post({}) == 403
        assert post({"X-Telegram-Bot-Api-Secret-Token": "mauvais"}) == 403
        assert post({"X-Telegram-Bot-Api-Secret-Token": secret}) == 200
        reply = bot.fake.wait("sendMessage", since, chat_id=3001)
        assert "Source : Onisep, fiche MET.650" in shown(reply)
        assert len(bot.fake.sent(since, 3001)) == 1  # the two forged updates were not processed
    except BaseException:
        with suppress(BaseException):  # stop the bot, but report the test's own failure
            next(gen, None)
        raise
    next(gen, None)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
