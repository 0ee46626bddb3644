"""Client for Rasa's REST channel (POST {"sender", "message"} → list of bot messages)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Optional

import aiohttp

log = logging.getLogger("orientation.telegram.rasa")


class RasaUnavailable(Exception):
    """Rasa could not be reached, timed out or answered with an error."""


class RasaBusy(RasaUnavailable):
    """Rasa answered 429: this sender sends too fast (retry after `retry_after` seconds, if given)."""

    def __init__(self, retry_after: Optional[float]):
        super().__init__(f"Rasa a répondu HTTP 429 (Retry-After : {retry_after})")
        self.retry_after = retry_after


def sender_id(chat_id: int, salt: str) -> str:
    """A stable conversation id per chat that does not reveal the Telegram chat id."""
    return "tg-" + hashlib.sha256(f"{salt}:{chat_id}".encode()).hexdigest()[:16]


class RasaClient:
    def __init__(self, url: str, timeout: float = 30.0):
        self.url = url
        self.timeout = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 5.0))
        self._session: Optional[aiohttp.ClientSession] = None

    async def send(self, sender: str, message: str) -> list[dict]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        try:
            async with self._session.post(self.url, json={"sender": sender, "message": message}) as response:
                if response.status == 429:
                    raise RasaBusy(_seconds(response.headers.get("Retry-After")))
                if response.status != 200:
                    raise RasaUnavailable(f"Rasa a répondu HTTP {response.status}")
                replies = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(replies, list):
            raise RasaUnavailable(f"réponse inattendue de Rasa : {type(replies).__name__}")
        return [r for r in replies if isinstance(r, dict)]

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _seconds(value: Optional[str]) -> Optional[float]:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:  # an HTTP date: rare, the message says « in a few seconds » anyway
        return None
