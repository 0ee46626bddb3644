"""Telegram channel, without Telegram: rendering, callback data, settings, the Rasa client's failures."""

from __future__ import annotations

import asyncio
import html
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from aiohttp import web

from bot.channels.telegram import texts
from bot.channels.telegram.buttons import MAX_CALLBACK_BYTES, PayloadStore, keyboard
from bot.channels.telegram.rasa import RasaClient, RasaUnavailable, sender_id
from bot.channels.telegram.render import BUTTONS_PROMPT, MAX_LENGTH, Button, render, split_text, utf16_len
from bot.channels.telegram.settings import DEFAULT_RASA_URL, ConfigError, Settings
from tests import PROCESS_TIMEOUT, ROOT

pytestmark = pytest.mark.unit

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                 "code", "pre", "blockquote", "tg-emoji"}
TELEGRAM_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class _TelegramHTML(HTMLParser):
    """Telegram's HTML rules: known tags, balanced, and no bare <, > or & in the text."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in TELEGRAM_TAGS, f"balise refusée par Telegram : <{tag}>"
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, f"balise mal fermée : </{tag}>"

    def handle_data(self, data):
        assert not set(data) & set("<>&"), f"caractère non échappé dans {data[:40]!r}"
        self.text.append(data)

    def handle_entityref(self, name):
        assert name in TELEGRAM_ENTITIES, f"entité inconnue de Telegram : &{name};"
        self.text.append(TELEGRAM_ENTITIES[name])

    def handle_charref(self, name):
        self.text.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))

    def unknown_decl(self, data):
        raise AssertionError(f"déclaration inattendue : {data!r}")


def telegram_text(markup: str) -> str:
    """The text Telegram would display for `markup` (parse_mode=HTML); AssertionError if it would reject it."""
    parser = _TelegramHTML()
    parser.feed(markup)
    parser.close()
    assert not parser.stack, f"balises non fermées : {parser.stack}"
    assert not parser.rawdata, f"HTML tronqué : {parser.rawdata[:40]!r}"
    return "".join(parser.text)


HOSTILE = ("<script>alert('x')</script> & <b>gras</b> &amp; &lt;i&gt; <a href=\"javascript:x\">lien</a> "
           "😀👩‍👩‍👧 @quelquun /start #tag https://t.me/x <tg-spoiler>x</tg-spoiler> a<b & c>d")


# -- render ---------------------------------------------------------------------------------------
def test_telegram_render_escapes_hostile_text():
    [out] = render([{"recipient_id": "x", "text": HOSTILE}])
    assert "<script>" not in out.html and "&lt;script&gt;" in out.html
    assert "&amp;amp;" in out.html and "&amp;lt;i&amp;gt;" in out.html  # entities in the input stay literal
    assert telegram_text(out.html) == HOSTILE  # the user sees exactly what Rasa said
    assert out.buttons == ()


def test_telegram_render_source_line_in_italics():
    text = "Pour devenir <directeur> :\n• un master & plus\nSource : Onisep, fiche MET.650"
    [out] = render([{"text": text}])
    assert out.html.endswith("\n<i>Source : Onisep, fiche MET.650</i>")
    assert "• un master &amp; plus" in out.html
    assert telegram_text(out.html) == text


def _hostile_long_text() -> str:
    words = ["<script>", "&amp;", "école", "😀", "a&b", "<i>", "Source", ">", "x" * 30, "👩‍👩‍👧"]
    lines = [" ".join(words[(i + j) % len(words)] for j in range(i % 17 + 1)) for i in range(400)]
    text = "\n".join(line if i % 7 else line + "\n" for i, line in enumerate(lines))
    text = (text + "\n" + "&" * 2500 + "\n" + "é" * 3000)[:10_000]
    assert len(text) == 10_000
    return text


@pytest.mark.parametrize("text", [
    _hostile_long_text(),
    "&" * 10_000,  # no boundary at all, 5 characters once escaped
    "😀" * 10_000,  # two UTF-16 units each
    "<b>" * 3_333 + "x",
    ("mot " * 2_500).strip(),
], ids=["mixed", "ampersands", "emoji", "tags", "words"])
def test_telegram_render_splits_long_text_safely(text):
    chunks = render([{"text": text, "buttons": [{"title": "Oui", "payload": "/affirm"}]}])
    assert len(chunks) > 1
    for chunk in chunks:
        assert utf16_len(chunk.html) <= MAX_LENGTH and chunk.html.strip()
        telegram_text(chunk.html)  # every chunk is valid on its own: no entity or tag cut in two
    joined = "".join(c.html for c in chunks)
    assert re.sub(r"\s+", "", joined) == re.sub(r"\s+", "", html.escape(text, quote=False))
    assert [c.buttons for c in chunks] == [()] * (len(chunks) - 1) + [(Button("Oui", "/affirm"),)]


def test_telegram_split_prefers_paragraphs_then_lines():
    para = "a" * 60
    assert split_text(f"{para}\n\n{para}\n\n{para}", limit=130) == [f"{para}\n\n{para}", para]
    assert split_text(f"{para}\n{para} {para}", limit=100) == [para, f"{para} {para}"[:60], para]
    assert split_text("x" * 25, limit=10) == ["x" * 10, "x" * 10, "x" * 5]


def test_telegram_split_keeps_emoji_sequences_whole():
    family = "👩‍👩‍👧"  # five code points joined by ZWJ
    for limit in range(8, 20):
        for chunk in split_text(family * 10, limit=limit):
            assert utf16_len(chunk) <= limit
            assert not chunk.startswith("\u200d") and not chunk.endswith("\u200d")


def test_telegram_render_buttons_and_odd_messages():
    buttons = [{"title": "Chargé de communication 360°", "payload": '/choose_option{"choice": "RNCP28684"}'},
               {"title": "", "payload": "/affirm"}, {"title": "sans payload"}, "pas un bouton"]
    out = render([
        {"text": "Lequel ?", "buttons": buttons},
        {"buttons": [{"title": "Oui", "payload": "/affirm"}]},
        {"image": "https://exemple.fr/a.png?x=1&y=<2>"},
        {"custom": {"anything": 1}},
        {"text": "   "},
        "pas un message",
    ])
    assert out[0].html == "Lequel ?"
    assert out[0].buttons == (Button("Chargé de communication 360°", '/choose_option{"choice": "RNCP28684"}'),
                              Button("/affirm", "/affirm"))
    assert out[1] == (BUTTONS_PROMPT, (Button("Oui", "/affirm"),))
    assert out[2].html == "https://exemple.fr/a.png?x=1&amp;y=&lt;2&gt;"
    assert len(out) == 3


def test_telegram_bot_texts_are_valid_html():
    for name in ("WELCOME", "HELP", "RESTARTED", "RASA_DOWN", "ERROR", "TEXT_ONLY", "UNKNOWN_COMMAND",
                 "NO_REPLY", "EXPIRED"):
        assert telegram_text(getattr(texts, name)), name
    assert texts.RASA_DOWN == "Je n'arrive pas à joindre l'assistant pour le moment, réessaie dans un instant."
    assert texts.TEXT_ONLY.startswith("Je ne lis que le texte")
    assert all(example in telegram_text(texts.WELCOME) for example in texts.EXAMPLES)


# -- callback data --------------------------------------------------------------------------------
def test_telegram_callback_data_short_payload_travels_as_is():
    store = PayloadStore()
    payload = '/choose_option{"choice": "RNCP28684"}'
    data = store.encode(payload)
    assert data == "p:" + payload and store.decode(data) == payload
    assert PayloadStore().decode(data) == payload  # survives a restart: nothing to remember


def test_telegram_callback_data_long_payload_goes_through_the_store():
    store = PayloadStore(capacity=2)
    long = '/choose_option{"choice": "' + "é" * 40 + '"}'  # 97 bytes in UTF-8
    data = store.encode(long)
    assert len(data.encode()) <= MAX_CALLBACK_BYTES and data.startswith("k:")
    assert store.decode(data) == long and store.encode(long) == data
    assert PayloadStore().decode(data) is None  # another process: expired
    others = [store.encode(long + str(i)) for i in range(2)]
    assert store.decode(data) is None  # evicted (capacity 2)
    assert [store.decode(d) for d in others] == [long + "0", long + "1"]
    for garbage in ("", "p:", "x:abc", "k:", "k:inconnu", "/restart"):
        assert store.decode(garbage) is None


def test_telegram_keyboard_one_button_per_row_within_limits():
    store = PayloadStore()
    buttons = [Button("Court", "/affirm"), Button("Long", "/choose_option" + '{"choice": "%s"}' % ("X" * 80))]
    markup = keyboard(buttons, store)
    rows = markup.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["Court"], ["Long"]]
    assert all(len(row[0].callback_data.encode()) <= MAX_CALLBACK_BYTES for row in rows)
    assert [store.decode(row[0].callback_data) for row in rows] == [b.payload for b in buttons]
    assert keyboard([], store) is None


# -- sender id, settings ----------------------------------------------------------------------------
def test_telegram_sender_id_is_stable_and_hides_the_chat_id():
    sender = sender_id(123456789, "sel")
    assert re.fullmatch(r"tg-[0-9a-f]{16}", sender) and "123456789" not in sender
    assert sender == sender_id(123456789, "sel")
    assert sender != sender_id(123456789, "autre") and sender != sender_id(123456780, "sel")


def test_telegram_settings_from_env():
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": "  "})
    s = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc"})
    assert (s.rasa_url, s.api_url, s.webhook, s.sender_salt) == (DEFAULT_RASA_URL, None, None, "1:abc")
    s = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc", "RASA_PORT": "6005"})  # as the launcher sets it
    assert s.rasa_url == "http://127.0.0.1:6005/webhooks/rest/webhook"
    s = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_WEBHOOK_URL": "https://ex.fr/tg/hook",
                           "TELEGRAM_WEBHOOK_SECRET": "s3cr_et-", "TELEGRAM_WEBHOOK_PORT": "8080",
                           "RASA_URL": "http://rasa:5005/webhooks/rest/webhook", "TELEGRAM_SENDER_SALT": "sel"})
    assert (s.webhook.secret, s.webhook.port, s.webhook.path, s.webhook.listen) == ("s3cr_et-", 8080, "tg/hook",
                                                                                     "127.0.0.1")
    assert s.sender_salt == "sel" and s.rasa_url == "http://rasa:5005/webhooks/rest/webhook"
    generated = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_WEBHOOK_URL": "https://ex.fr/h"})
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", generated.webhook.secret)
    for bad in ({"TELEGRAM_WEBHOOK_SECRET": "pas de blancs"}, {"TELEGRAM_WEBHOOK_PORT": "huit"}):
        with pytest.raises(ConfigError):
            Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_WEBHOOK_URL": "https://ex.fr/h", **bad})
    with pytest.raises(ConfigError, match="RASA_URL"):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc", "RASA_URL": "localhost:5005"})


def test_telegram_main_without_token_exits_2():
    env = {"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run([sys.executable, "-m", "bot.channels.telegram"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=PROCESS_TIMEOUT)
    assert done.returncode == 2
    assert "TELEGRAM_BOT_TOKEN n'est pas défini" in done.stderr


# -- Rasa client failures -------------------------------------------------------------------------
async def _with_server(handler, check):
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        return await check(f"http://127.0.0.1:{port}/webhooks/rest/webhook")
    finally:
        await runner.cleanup()


def test_telegram_rasa_client_ok_and_failures():
    seen = []

    async def ok(request):
        seen.append(await request.json())
        return web.json_response([{"recipient_id": "x", "text": "salut"}, "bruit"])

    async def slow(request):
        await asyncio.sleep(5)
        return web.json_response([])

    async def broken(request):
        return web.Response(status=500, text="boom")

    async def ask(url, timeout=5.0):
        client = RasaClient(url, timeout=timeout)
        try:
            return await client.send("tg-abc", "bonjour")
        finally:
            await client.close()

    async def expect_unavailable(url, timeout=5.0):
        with pytest.raises(RasaUnavailable):
            await ask(url, timeout)
        return True

    assert asyncio.run(_with_server(ok, ask)) == [{"recipient_id": "x", "text": "salut"}]
    assert seen == [{"sender": "tg-abc", "message": "bonjour"}]
    assert asyncio.run(_with_server(slow, lambda url: expect_unavailable(url, timeout=0.5)))
    assert asyncio.run(_with_server(broken, expect_unavailable))
    closed = asyncio.run(_with_server(ok, lambda url: asyncio.sleep(0, url)))  # server gone afterwards
    assert asyncio.run(expect_unavailable(closed))
