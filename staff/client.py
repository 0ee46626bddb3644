"""Ask the running assistant through the staff console API (answer + intent, confidence, record)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class Reply:
    texts: list[str]
    buttons: list[dict] = field(default_factory=list)
    intent: Optional[str] = None
    confidence: float = 0.0
    entities: list[dict] = field(default_factory=list)
    kind: Optional[str] = None
    record: Optional[str] = None
    source: Optional[str] = None
    question: Optional[str] = None  # the question the answer answers (what the assistant acted on)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


class AssistantUnreachable(ConnectionError):
    pass


class ConsoleClient:
    def __init__(self, base_url: str, password: str, timeout: float = 60):
        self.base_url = base_url.rstrip("/")
        token = base64.b64encode(f"staff:{password}".encode()).decode()
        self.headers = {"Content-Type": "application/json", "Authorization": f"Basic {token}"}
        self.timeout = timeout

    def ask(self, sender: str, message: str) -> Reply:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(f"{self.base_url}/console/api/ask", body, self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data: dict[str, Any] = json.loads(response.read())
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                raise PermissionError("mot de passe du personnel refusé (STAFF_PASSWORD)") from None
            raise
        except urllib.error.URLError as error:
            raise AssistantUnreachable(f"assistant injoignable à {self.base_url} ({error.reason})") from None
        messages = data.get("messages") or []
        return Reply(
            texts=[m["text"] for m in messages if m.get("text")],
            buttons=[b for m in messages for b in (m.get("buttons") or [])],
            intent=data.get("intent"), confidence=float(data.get("confidence") or 0.0),
            entities=data.get("entities") or [], kind=data.get("kind"), record=data.get("record"),
            source=data.get("source"), question=data.get("question"),
        )

    def reachable(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/", timeout=3):
                return True
        except OSError:
            return False
