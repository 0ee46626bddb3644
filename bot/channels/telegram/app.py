"""The python-telegram-bot Application: handlers that forward text to Rasa and render its replies."""

from __future__ import annotations

import asyncio
import logging
import weakref
from contextlib import asynccontextmanager, suppress
from typing import AsyncIterator

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram import texts
from bot.channels.telegram.buttons import PayloadStore, keyboard
from bot.channels.telegram.rasa import RasaBusy, RasaClient, RasaUnavailable, sender_id
from bot.channels.telegram.render import Outgoing, render
from bot.channels.telegram.retry import RetryingRateLimiter
from bot.channels.telegram.settings import Settings

log = logging.getLogger("orientation.telegram")
TYPING_EVERY = 4.5  # Telegram shows « typing… » for 5 s
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
NEW_MESSAGES = filters.UpdateType.MESSAGE  # edited messages and channel posts are ignored
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class Bridge:
    """Telegram chat ↔ Rasa conversation. One turn at a time per chat, chats in parallel."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout)
        self.store = PayloadStore()
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = asyncio.Lock()
        return lock

    async def ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: str) -> list[dict] | None:
        """Send `message` to Rasa for this chat; None (and a friendly message) if Rasa is unreachable or busy."""
        chat_id = update.effective_chat.id
        try:
            async with typing(context.bot, chat_id):
                return await self.rasa.send(sender_id(chat_id, self.settings.sender_salt), message)
        except RasaBusy as exc:  # this chat sends faster than Rasa's per-sender limit
            log.info("Rasa : trop de messages pour le chat (Retry-After %s s)", exc.retry_after)
            await send_html(context.bot, chat_id, texts.TOO_FAST)
            return None
        except RasaUnavailable as exc:
            log.warning("Rasa injoignable (%s) : %s", self.settings.rasa_url, exc)
            await send_html(context.bot, chat_id, texts.RASA_DOWN)
            return None

    async def converse(self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: str) -> None:
        chat_id = update.effective_chat.id
        async with self._lock(chat_id):
            replies = await self.ask(update, context, message)
            if replies is None:
                return
            outgoing = render(replies) or [Outgoing(texts.NO_REPLY)]
            for item in outgoing:
                await send_html(context.bot, chat_id, item.html, keyboard(item.buttons, self.store))

    # -- handlers --------------------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.converse(update, context, update.effective_message.text)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        payload = self.store.decode(query.data or "")
        if payload is None or update.effective_chat is None:
            await query.answer(texts.EXPIRED_ALERT)
            if update.effective_chat is not None:
                await send_html(context.bot, update.effective_chat.id, texts.EXPIRED)
            return
        await query.answer()
        await self.converse(update, context, payload)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await send_html(context.bot, update.effective_chat.id, texts.WELCOME)

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await send_html(context.bot, update.effective_chat.id, texts.HELP)

    async def on_restart(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = update.effective_chat.id
        async with self._lock(chat_id):
            if await self.ask(update, context, "/restart") is not None:
                await send_html(context.bot, chat_id, texts.RESTARTED)

    async def on_explore(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/explorer: the guided exploration by interests (the intent, sent as Rasa's own « /intent » payload)."""
        await self.converse(update, context, "/explore")

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Never forwarded: Rasa would read « /intent » as an intent, bypassing the NLU.
        await send_html(context.bot, update.effective_chat.id, texts.UNKNOWN_COMMAND)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await send_html(context.bot, update.effective_chat.id, texts.TEXT_ONLY)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Erreur pendant le traitement d'une mise à jour", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            with suppress(Exception):
                await send_html(context.bot, update.effective_chat.id, texts.ERROR)


async def send_html(bot, chat_id: int, text: str, reply_markup=None) -> None:
    await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=reply_markup,
                           link_preview_options=NO_PREVIEW)


@asynccontextmanager
async def typing(bot, chat_id: int) -> AsyncIterator[None]:
    """Keep « typing… » on while the body runs (re-sent every 4.5 s); failures only get logged."""

    async def keep_typing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as exc:
                log.debug("send_chat_action : %s", exc)
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    await asyncio.sleep(0)  # let the first chat action start before the (possibly fast) body
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


def build(settings: Settings) -> Application:
    bridge = Bridge(settings)

    async def post_init(app: Application) -> None:
        try:
            await app.bot.set_my_commands([BotCommand(name, about) for name, about in texts.COMMANDS])
        except TelegramError as exc:  # the menu is a nicety: never a reason not to start
            log.warning("set_my_commands : %s", exc)
        log.info("Bot Telegram @%s prêt, Rasa : %s", app.bot.username, settings.rasa_url)

    async def post_shutdown(app: Application) -> None:
        await bridge.rasa.close()

    builder = (
        Application.builder()
        .token(settings.token)
        .rate_limiter(RetryingRateLimiter())  # 429: waits retry_after; 5xx/network: bounded backoff
        .concurrent_updates(32)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.api_url:
        builder = builder.base_url(settings.api_url)
    app = builder.build()
    app.bot_data["bridge"] = bridge
    app.add_handler(CommandHandler("start", bridge.on_start, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler(["aide", "help"], bridge.on_help, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("recommencer", bridge.on_restart, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("explorer", bridge.on_explore, filters=NEW_MESSAGES))
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.COMMAND, bridge.on_unknown_command))
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.TEXT, bridge.on_text))
    app.add_handler(MessageHandler(NEW_MESSAGES & ~filters.StatusUpdate.ALL, bridge.on_other))
    app.add_handler(CallbackQueryHandler(bridge.on_button))
    app.add_error_handler(bridge.on_error)
    return app


def run(settings: Settings) -> None:
    app = build(settings)
    hook = settings.webhook
    if hook is None:
        log.info("Telegram : long polling")
        app.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=5)
    else:
        log.info("Telegram : webhook %s (écoute %s:%s)", hook.url, hook.listen, hook.port)
        app.run_webhook(listen=hook.listen, port=hook.port, url_path=hook.path, webhook_url=hook.url,
                        secret_token=hook.secret, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=5)
