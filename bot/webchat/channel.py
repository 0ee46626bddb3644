"""The web chat channel: a stateless REST-style Rasa input channel, its widget and a demo page.

Declared in credentials.yml as `bot.webchat.channel.WebChatInput:`; Rasa mounts it under `/webchat`:

- `GET  /webchat/widget.js`: the widget a school adds to its pages with one `<script>` tag;
- `GET  /webchat/`: a demo « site d'établissement » page embedding it;
- `POST /webchat/webhook`: `{"sender": "<conversation id>", "message": "…"}` → `[{"text", "buttons"}…]`.

Every request stands alone (the conversation lives in the tracker store), so several Rasa servers can
serve the same widget. Browsers may call the webhook only from the school origins of the configuration
(`allowed_origins`, or `WEBCHAT_ALLOWED_ORIGINS` separated by commas) and from the bot's own origin.
The client never gets a 500: errors are small JSON objects `{"error": "<message en français>"}`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterable, Mapping, Optional
from urllib.parse import urlsplit

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
SENDER = re.compile(r"[A-Za-z0-9-]{16,64}")  # the widget sends a random UUID (128 bits)
SENDER_PREFIX = "webchat-"  # keeps web conversations apart from the other channels' ones
DEFAULT_PORTS = {"http": 80, "https": 443}

ERRORS = {
    400: "Requête invalide : le corps doit être un objet JSON avec « sender » et « message ».",
    403: "Origine non autorisée pour cet assistant.",
    413: "Message trop long : raccourcis ta question, s'il te plaît.",
    503: "L'assistant est momentanément indisponible. Réessaie dans un instant.",
}


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


def _positive_int(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def _json(body: Any, status: int = 200, headers: Optional[dict] = None) -> HTTPResponse:
    return response.json(body, status=status, headers=headers, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _error(status: int, headers: Optional[dict] = None) -> HTTPResponse:
    return _json({"error": ERRORS[status]}, status=status, headers=headers)


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
            max_body_bytes=credentials.get("max_body_bytes", 4096),
            max_message_chars=credentials.get("max_message_chars", 1000),
            response_timeout=credentials.get("response_timeout", 60),
        )

    def __init__(
        self,
        allowed_origins: Any = None,
        max_body_bytes: Any = 4096,
        max_message_chars: Any = 1000,
        response_timeout: Any = 60,
        env: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.allowed_origins = configured_origins(allowed_origins, os.environ if env is None else env)
        self.max_body_bytes = _positive_int(max_body_bytes, 4096)
        self.max_message_chars = _positive_int(max_message_chars, 1000)
        self.response_timeout = _positive_int(response_timeout, 60)
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
            return _error(403, {"Vary": "Origin"})
        headers = {
            **self.cors_headers(request),
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
        }
        return response.empty(status=204, headers=headers)

    # -- messages -------------------------------------------------------------------------------
    async def read_body(self, request: Request) -> Optional[bytes]:
        """The request body, or None past the size cap (the rest is then not read)."""
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            request.stream.request_max_size = self.max_body_bytes  # Sanic stops draining the body there
            return None
        body = bytearray()
        while True:
            chunk = await request.stream.read()
            if chunk is None:
                return bytes(body)
            body += chunk
            if len(body) > self.max_body_bytes:
                request.stream.request_max_size = self.max_body_bytes
                return None

    def parse(self, body: bytes) -> tuple[Optional[int], str, str]:
        """(error status or None, sender id, message text)."""
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 400, "", ""
        if not isinstance(data, dict):
            return 400, "", ""
        sender, text = data.get("sender"), data.get("message")
        if not isinstance(sender, str) or not SENDER.fullmatch(sender):
            return 400, "", ""
        if not isinstance(text, str) or not text.strip():
            return 400, "", ""
        if len(text) > self.max_message_chars:
            return 413, "", ""
        return None, sender, text.strip()

    async def answer(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], request: Request
    ) -> HTTPResponse:
        cors = self.cors_headers(request)
        if not self.origin_allowed(request):
            return _error(403, cors)
        body = await self.read_body(request)
        if body is None:
            return _error(413, cors)
        status, sender, text = self.parse(body)
        if status:
            return _error(status, cors)
        collector = CollectingOutputChannel()
        message = UserMessage(text, collector, SENDER_PREFIX + sender, input_channel=self.name())
        try:
            await asyncio.wait_for(on_new_message(message), timeout=self.response_timeout)
        except Exception:  # noqa: BLE001 - the client gets a clean 503, the log the traceback
            log.exception("Web chat : échec du traitement d'un message")
            return _error(503, cors)
        replies = [r for r in (reply_of(m) for m in collector.messages) if r]
        return _json(replies, headers={**cors, "Cache-Control": "no-store"})

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
            return _json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"], stream=True, name="webhook")
        async def receive(request: Request) -> HTTPResponse:
            try:
                return await self.answer(on_new_message, request)
            except Exception:  # noqa: BLE001 - never a 500 page for the widget
                log.exception("Web chat : erreur inattendue")
                return _error(503, self.cors_headers(request))

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
