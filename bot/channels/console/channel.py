"""The staff console: a Rasa input channel under /console, behind the staff password (HTTP Basic).

- GET  /console/                     the page: type a question, see the answer and its explanation
- POST /console/api/ask              {"sender", "message"} → answer + intent, confidence, entities, record, source
- GET  /console/rapport/faq          the last FAQ check report (build/rapports/faq.html)
- GET  /console/rapport/questions    unanswered questions of the last N days (?jours=7), built on the fly
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from staff.auth import configured_hash, verify_password
from staff.explain import explain_turn
from staff.unanswered import report_html_for_store

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[3]
PAGE = Path(__file__).with_name("console.html")
MAX_BODY = 8 * 1024


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

        @console.route("/api/ask", methods=["POST"])
        @guarded
        async def ask(request: Request) -> response.HTTPResponse:
            if len(request.body or b"") > MAX_BODY:
                return response.json({"erreur": "requête trop grande"}, status=413)
            try:
                payload = json.loads(request.body or b"{}")
                message = str(payload["message"]).strip()
            except (ValueError, KeyError, TypeError):
                return response.json({"erreur": "JSON attendu : {\"message\": …}"}, status=400)
            if not message:
                return response.json({"erreur": "message vide"}, status=400)
            sender = str(payload.get("sender") or f"console-{secrets.token_hex(8)}")[:80]
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(message, collector, sender, input_channel=self.name()))
            tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
            return response.json({"sender": sender, "messages": collector.messages, **explain_turn(tracker)})

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
