"""The staff console: a Rasa input channel under /console, behind the staff password (HTTP Basic).

- GET  /console/                     the page: type a question, see the answer and its explanation
- POST /console/api/ask              {"sender", "message"} → answer + intent, confidence, entities, record, source
                                     (through the channels' guard: caps, sanitising, rate limits, 4xx/503 never 500)
- GET  /console/rapport/faq          the last FAQ check report (build/rapports/faq.html)
- GET  /console/rapport/questions    unanswered questions of the last N days (?jours=7), built on the fly
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.channels.guard import Guard, Limits, Rejected, error_response, json_response
from staff.auth import configured_hash, verify_password
from staff.explain import explain_turn
from staff.unanswered import report_html_for_store

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[3]
PAGE = Path(__file__).with_name("console.html")
LIMITS = Limits(max_body_bytes=8 * 1024, max_message_chars=2_000, sender_rate=20, ip_rate=60, rate_period=10)
MAX_SENDER_CHARS = 80


def valid_sender(sender: str) -> bool:
    return 0 < len(sender) <= MAX_SENDER_CHARS and sender.isprintable() and sender.strip() == sender


class StaffConsoleInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "console"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "StaffConsoleInput":
        return cls()

    def url_prefix(self) -> str:
        return "/console"  # absolute: served at /console, not /webhooks/console

    def __init__(self) -> None:
        self._verified: set[str] = set()  # digests of Authorization headers already checked
        self.guard = Guard(LIMITS)

    def _authorised(self, request: Request) -> Optional[bool]:
        """True if the password is right; None if no password is configured (console closed)."""
        stored = configured_hash()
        if stored is None:
            return None
        header = request.headers.get("authorization", "")
        digest = hashlib.sha256((stored + header).encode()).hexdigest()
        if digest in self._verified:
            return True
        if not header.lower().startswith("basic "):
            return False
        try:
            _, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        if verify_password(password, stored):
            self._verified.add(digest)
            return True
        return False

    def _refuse(self, state: Optional[bool]) -> response.HTTPResponse:
        if state is None:
            return response.text("Console fermée : aucun mot de passe n'est configuré (STAFF_PASSWORD_HASH).",
                                 status=403)
        return response.text("Mot de passe requis.", status=401,
                             headers={"WWW-Authenticate": 'Basic realm="Console orientation", charset="UTF-8"'})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        console = Blueprint("staff_console", __name__)

        def guarded(handler):
            async def wrapper(request: Request, *args, **kwargs):
                state = self._authorised(request)
                if not state:
                    return self._refuse(state)
                return await handler(request, *args, **kwargs)
            wrapper.__name__ = handler.__name__
            return wrapper

        @console.route("/", methods=["GET"])
        @guarded
        async def page(request: Request) -> response.HTTPResponse:
            return response.html(PAGE.read_text(encoding="utf-8"), headers={"Cache-Control": "no-store"})

        @console.route("/api/ask", methods=["POST"], stream=True)
        @guarded
        async def ask(request: Request) -> response.HTTPResponse:
            try:
                sender, text = await self.guard.read(request, valid_sender,
                                                     default_sender=lambda: f"console-{secrets.token_hex(8)}")
                messages = await self.guard.run_turn(on_new_message, text, sender, self.name())
                tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
            except Rejected as rejected:
                return rejected.response()
            except Exception:  # noqa: BLE001 - the staff member gets a clean 503, the log the traceback
                log.exception("Console : échec du traitement d'un message")
                return error_response(503)
            return json_response({"sender": sender, "messages": messages, **explain_turn(tracker)})

        @console.route("/rapport/faq", methods=["GET"])
        @guarded
        async def faq_report(request: Request) -> response.HTTPResponse:
            path = ROOT / "build" / "rapports" / "faq.html"
            if not path.exists():
                return response.text("Aucun rapport FAQ : lancez « orientation faq check FICHIER.csv ».", status=404)
            return response.html(path.read_text(encoding="utf-8"))

        @console.route("/rapport/questions", methods=["GET"])
        @guarded
        async def unanswered(request: Request) -> response.HTTPResponse:
            try:
                days = max(1, min(int(request.args.get("jours", "7")), 3650))
            except ValueError:
                days = 7
            store = request.app.ctx.agent.tracker_store
            return response.html(report_html_for_store(store, days))

        return console
