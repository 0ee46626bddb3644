"""The web chat channel: a stateless REST-style Rasa input channel, its widget and a demo page.

Declared in credentials.yml as `bot.channels.webchat.channel.WebChatInput:`; Rasa mounts it under `/webchat`:

- `GET  /webchat/widget.js`: the widget a school adds to its pages with one `<script>` tag;
- `GET  /webchat/`: a demo « site d'établissement » page embedding it;
- `POST /webchat/webhook`: `{"sender": "<conversation id>", "message": "…"}` → `[{"text", "buttons"}…]`.

Every request stands alone (the conversation lives in the tracker store), so several Rasa servers can
serve the same widget. Browsers may call the webhook only from the school origins of the configuration
(`allowed_origins`, or `WEBCHAT_ALLOWED_ORIGINS` separated by commas) and from the bot's own origin.
The client never gets a 500: errors are small JSON objects `{"error": "<message en français>"}`. Size caps,
sanitising, rate limits (429) and the fallback of a silent turn come from bot/channels/guard.py, as for REST.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterable, Mapping, Optional
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import Guard, Limits, Rejected, error_response, json_response

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
SENDER = re.compile(r"[A-Za-z0-9-]{16,64}")  # the widget sends a random UUID (128 bits)
SENDER_PREFIX = "webchat-"  # keeps web conversations apart from the other channels' ones
DEFAULT_PORTS = {"http": 80, "https": 443}
DEFAULTS = Limits(max_body_bytes=4096, max_message_chars=1000, sender_rate=20, ip_rate=60, rate_period=10)


def normalize_origin(origin: str) -> Optional[str]:
    """« HTTPS://Lycee.fr:443/ » → « https://lycee.fr »; None for what is not a web origin."""
    origin = origin.strip().rstrip("/")
    if origin == "*":
        return origin
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path or parts.query or parts.username:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if port and port != DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def configured_origins(configured: Any, env: Mapping[str, str]) -> set[str]:
    """The origins of credentials.yml, replaced by WEBCHAT_ALLOWED_ORIGINS when that is set."""
    raw = env.get("WEBCHAT_ALLOWED_ORIGINS", "").strip()
    if raw:
        entries: Iterable[Any] = raw.split(",")
    elif isinstance(configured, str):
        entries = configured.split(",")
    else:
        entries = configured or []
    origins = set()
    for entry in entries:
        origin = normalize_origin(str(entry)) if str(entry).strip() else None
        if origin:
            origins.add(origin)
        elif str(entry).strip():
            log.warning("Web chat : origine ignorée (attendu https://hote[:port]) : %r", entry)
    return origins


def reply_of(message: dict) -> Optional[dict]:
    """A bot message as the widget shows it: its text and its buttons (title, payload)."""
    out: dict[str, Any] = {}
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        out["text"] = text
    buttons = [
        {"title": str(b.get("title") or b.get("payload")), "payload": str(b["payload"])}
        for b in message.get("buttons") or []
        if isinstance(b, dict) and b.get("payload")
    ]
    if buttons:
        out["buttons"] = buttons
    return out or None


class WebChatInput(InputChannel):
    """Rasa input channel of the school web chat (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "WebChatInput":
        credentials = credentials or {}
        return cls(
            allowed_origins=credentials.get("allowed_origins"),
            trusted_proxies=credentials.get("trusted_proxies"),
            **{name: credentials[name] for name in Limits.__dataclass_fields__ if name in credentials},
        )

    def __init__(
        self,
        allowed_origins: Any = None,
        env: Optional[Mapping[str, str]] = None,
        trusted_proxies: Optional[list[str]] = None,
        **limits: Any,
    ) -> None:
        """`limits`: the fields of bot.channels.guard.Limits (max_body_bytes, max_message_chars, sender_rate…)."""
        self.allowed_origins = configured_origins(allowed_origins, os.environ if env is None else env)
        self.guard = Guard(Limits.from_settings(limits, DEFAULTS), trusted_proxies)
        self.max_body_bytes = self.guard.limits.max_body_bytes
        self.max_message_chars = self.guard.limits.max_message_chars
        if "*" in self.allowed_origins:
            log.warning("Web chat : toutes les origines sont autorisées (« * ») : à réserver aux essais.")
        log.info("Web chat : origines autorisées : %s (plus l'origine du serveur lui-même)",
                 ", ".join(sorted(self.allowed_origins)) or "aucune")

    def url_prefix(self) -> str:
        return "/webchat"

    # -- origins --------------------------------------------------------------------------------
    def origin_allowed(self, request: Request) -> bool:
        """No Origin (curl, server to server), the bot's own origin, or a configured school origin."""
        origin = request.headers.get("origin")
        if origin is None:
            return True
        normalized = normalize_origin(origin)
        if normalized is None:  # « null » (sandboxed frame, file://) and garbage
            return False
        if "*" in self.allowed_origins or normalized in self.allowed_origins:
            return True
        return urlsplit(normalized).netloc == (request.host or "").lower()

    def cors_headers(self, request: Request) -> dict[str, str]:
        origin = request.headers.get("origin")
        if origin and self.origin_allowed(request):
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {"Vary": "Origin"}

    def preflight(self, request: Request) -> HTTPResponse:
        if request.headers.get("origin") is None or not self.origin_allowed(request):
            return error_response(403, {"Vary": "Origin"})
        headers = {
            **self.cors_headers(request),
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
        }
        return response.empty(status=204, headers=headers)

    # -- messages -------------------------------------------------------------------------------
    async def answer(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], request: Request
    ) -> HTTPResponse:
        cors = self.cors_headers(request)
        if not self.origin_allowed(request):
            return error_response(403, cors)
        try:
            sender, text = await self.guard.read(request, lambda s: SENDER.fullmatch(s) is not None)
            messages = await self.guard.run_turn(on_new_message, text, SENDER_PREFIX + sender, self.name())
        except Rejected as rejected:
            return rejected.response(cors)
        replies = [r for r in (reply_of(m) for m in messages) if r]
        return json_response(replies, headers={**cors, "Cache-Control": "no-store"})

    # -- routes ---------------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget = (STATIC / "widget.js").read_bytes()
        demo = (STATIC / "demo.html").read_bytes()
        bp = Blueprint("webchat", __name__)

        @bp.route("/", methods=["GET"], name="demo")
        async def demo_page(request: Request) -> HTTPResponse:
            return response.raw(demo, content_type="text/html; charset=utf-8",
                                headers={"Cache-Control": "no-cache"})

        @bp.route("/widget.js", methods=["GET"], name="widget")
        async def widget_js(request: Request) -> HTTPResponse:
            return response.raw(widget, content_type="text/javascript; charset=utf-8",
                                headers={"Cache-Control": "public, max-age=300",
                                         "Cross-Origin-Resource-Policy": "cross-origin"})

        @bp.route("/health", methods=["GET"], name="health")
        async def health(request: Request) -> HTTPResponse:
            return json_response({"status": "ok"})

        @bp.route("/webhook", methods=["POST"], stream=True, name="webhook")
        async def receive(request: Request) -> HTTPResponse:
            try:
                return await self.answer(on_new_message, request)
            except Exception:  # noqa: BLE001 - never a 500 page for the widget, the log has the traceback
                log.exception("Web chat : échec du traitement d'un message")
                return error_response(503, self.cors_headers(request))

        @bp.route("/webhook", methods=["OPTIONS"], name="preflight")
        async def preflight(request: Request) -> HTTPResponse:
            return self.preflight(request)

        @bp.middleware("response")
        async def own_cors(request: Request, resp: HTTPResponse) -> Optional[HTTPResponse]:
            """Rasa's app-wide CORS layer (Sanic-Cors, `rasa run --cors`) answers every OPTIONS request
            before any route: the channel's own rules replace what it did on the channel's routes."""
            if request.method == "OPTIONS":
                return self.preflight(request)
            for header in [h for h in resp.headers if h.lower().startswith("access-control-")]:
                del resp.headers[header]
            if request.route and request.route.name.endswith(".webhook"):
                resp.headers.update(self.cors_headers(request))
            resp.headers["X-Content-Type-Options"] = "nosniff"
            return None

        return bp
