"""Rasa's REST channel, hardened against bad input, at the same URL: `POST /webhooks/rest/webhook`.

Declared in credentials.yml as `bot.channels.rest.SafeRestInput:` (instead of `rest:`). Same JSON as Rasa's:
`{"sender": "…", "message": "…"}` → `[{"recipient_id", "text", "buttons"…}]`. The checks live in
bot/channels/guard.py (caps, sanitising, rate limits, empty-turn fallback); errors are `{"error": "<en français>"}`
with 400, 413, 429 (+ Retry-After) or 503, never 500. Unlike Rasa's channel, `input_channel` and `metadata`
from the client are ignored (a client cannot pass for the staff console) and `?stream=true` is not offered.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import Guard, Limits, Rejected, error_response, json_response, positive_int

log = logging.getLogger(__name__)

DEFAULTS = Limits(max_body_bytes=16_384, max_message_chars=2_000, sender_rate=20, ip_rate=60, rate_period=10)


class SafeRestInput(RestInput):
    """The REST channel with the guard of bot/channels/guard.py (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "SafeRestInput":
        credentials = credentials or {}
        return cls(Limits.from_settings(credentials, DEFAULTS),
                   max_sender_chars=credentials.get("max_sender_chars", 128),
                   trusted_proxies=credentials.get("trusted_proxies"))

    def __init__(self, limits: Limits = DEFAULTS, max_sender_chars: Any = 128,
                 trusted_proxies: Optional[list[str]] = None) -> None:
        self.guard = Guard(limits, trusted_proxies)
        self.max_sender_chars = positive_int(max_sender_chars, 128)

    def valid_sender(self, sender: str) -> bool:
        """A non-empty printable id without surrounding spaces, at most `max_sender_chars` long."""
        return 0 < len(sender) <= self.max_sender_chars and sender.isprintable() and sender.strip() == sender

    async def answer(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], request: Request) -> HTTPResponse:
        try:
            sender, text = await self.guard.read(request, self.valid_sender)
            replies = await self.guard.run_turn(on_new_message, text, sender, self.name())
        except Rejected as rejected:
            return rejected.response()
        return json_response(replies)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @bp.route("/", methods=["GET"], name="health")
        async def health(request: Request) -> HTTPResponse:
            return json_response({"status": "ok"})

        @bp.route("/webhook", methods=["POST"], stream=True, name="receive")
        async def receive(request: Request) -> HTTPResponse:
            try:
                return await self.answer(on_new_message, request)
            except Exception:  # noqa: BLE001 - the client gets a clean 503, the log the traceback
                log.exception("Canal REST : échec du traitement d'un message")
                return error_response(503)

        return bp
