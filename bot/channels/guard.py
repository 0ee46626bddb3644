"""Protections shared by the channels (REST, web chat, staff console) against bad input.

- the body is read up to a byte cap (413), decoded as UTF-8 JSON (400), its shape checked (400);
- the message is capped in characters (413), cleaned (control characters, NUL, surrogates and bidi
  overrides removed; \\n and \\t kept; NFC) and must not be empty once cleaned (400);
- token buckets per sender and per client IP (429 with Retry-After), with bounded memory;
- a turn without any bot message (action server down: Rasa stays silent) gets one friendly message;
- a message holding several questions (bot/channels/questions.py) is answered question by question, as
  successive turns of the same sender, the answers in order (see `Guard.run_turn`);
- errors are small French JSON objects `{"error": "…"}`; the channels turn any exception into a 503.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable, Mapping, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.questions import names_subject, play_order, split_questions
from knowledge.conversation import Outcome

ERRORS = {
    400: "Requête invalide : le corps doit être un objet JSON avec « sender » et « message ».",
    403: "Origine non autorisée pour cet assistant.",
    413: "Message trop long : raccourcis ta question, s'il te plaît.",
    429: "Trop de messages d'un coup : attends quelques secondes avant de réessayer.",
    503: "L'assistant est momentanément indisponible. Réessaie dans un instant.",
}
TECHNICAL_HICCUP = "Je rencontre un petit souci technique, réessaie dans un instant."
SILENT_COMMANDS = frozenset({"/restart", "/session_start"})  # Rasa answers these with no message at all
FAILED = frozenset({"fallback", "clarify"})  # a question not understood, or not about anything known
WAITING = frozenset({"ambiguous", "unknown"})  # the student must first say which record (buttons pending)
PART = "question_part"  # user message metadata of a question split off a longer message (in the tracker)
LOCAL_ADDRESSES = ("127.0.0.1", "::1")
INVISIBLE = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF))


class Rejected(Exception):
    """A request refused with a 4xx status and a French message."""

    def __init__(self, status: int, detail: Optional[str] = None, retry_after: Optional[float] = None) -> None:
        super().__init__(status)
        self.status, self.detail, self.retry_after = status, detail or ERRORS[status], retry_after

    def response(self, headers: Optional[dict[str, str]] = None) -> HTTPResponse:
        return error_response(self.status, headers, self.detail, self.retry_after)


def positive_int(value: Any, default: int) -> int:
    """`value` as a positive integer, else `default` (a bad setting must not break the channel)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def json_response(body: Any, status: int = 200, headers: Optional[dict[str, str]] = None) -> HTTPResponse:
    return response.json(body, status=status, headers=headers, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def error_response(status: int, headers: Optional[dict[str, str]] = None, detail: Optional[str] = None,
                   retry_after: Optional[float] = None) -> HTTPResponse:
    headers = dict(headers or {})
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return json_response({"error": detail or ERRORS[status]}, status=status, headers=headers)


def sanitize(text: str) -> str:
    """NFC text without control characters (but \\n and \\t), lone surrogates or bidi overrides; stripped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = (ch for ch in text
            if ch in "\n\t" or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in INVISIBLE))
    return unicodedata.normalize("NFC", "".join(kept)).strip()


def too_long(max_chars: int) -> Rejected:
    count = f"{max_chars:,}".replace(",", "\u202f")  # French thousands separator
    return Rejected(413, f"Message trop long ({count} caractères au plus) : raccourcis ta question, s'il te plaît.")


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The body of a streamed request; Rejected(413) past `max_bytes` (the rest is then not read)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        request.stream.request_max_size = max_bytes  # Sanic stops draining the body there
        raise Rejected(413)
    body = bytearray()
    while True:
        chunk = await request.stream.read()
        if chunk is None:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            request.stream.request_max_size = max_bytes
            raise Rejected(413)


def parse_message(body: bytes, max_chars: int, valid_sender: Callable[[str], bool],
                  default_sender: Optional[Callable[[], str]] = None) -> tuple[str, str]:
    """(sender, cleaned text) of a `{"sender", "message"}` body; Rejected(400 or 413) otherwise.
    `default_sender` gives the sender of a body without one (else it is refused)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise Rejected(400, "Requête invalide : le corps n'est pas du texte UTF-8.") from None
    except (ValueError, RecursionError):
        raise Rejected(400, "Requête invalide : le corps n'est pas du JSON valide.") from None
    if not isinstance(data, dict):
        raise Rejected(400)
    sender, text = data.get("sender"), data.get("message")
    if sender is None and default_sender is not None:
        sender = default_sender()
    if not isinstance(sender, str) or not valid_sender(sender):
        raise Rejected(400, "Requête invalide : « sender » manquant ou incorrect.")
    if not isinstance(text, str):
        raise Rejected(400, "Requête invalide : « message » doit être un texte.")
    if len(text) > max_chars:
        raise too_long(max_chars)
    text = sanitize(text)
    if not text:
        raise Rejected(400, "Requête invalide : le message est vide.")
    return sender, text


class TokenBuckets:
    """One token bucket per key (`rate` tokens refilled over `period` seconds), the `max_keys` most recent."""

    def __init__(self, rate: int, period: float, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.per_second = float(rate), rate / period
        self.max_keys, self.clock = max_keys, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, last refill)

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str) -> float:
        """0 if a token was taken for `key`, else the seconds until one is available."""
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.per_second)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.per_second
        self._buckets[key] = (tokens - 1 if not wait else tokens, now)
        while len(self._buckets) > self.max_keys:  # forget the least recently seen keys
            self._buckets.popitem(last=False)
        return wait


@dataclass(frozen=True)
class Limits:
    """A channel's caps; every field can be set in credentials.yml under the channel."""

    max_body_bytes: int = 16_384
    max_message_chars: int = 2_000
    sender_rate: int = 20   # messages per sender per rate_period
    ip_rate: int = 60       # messages per client IP per rate_period
    rate_period: int = 10   # seconds
    response_timeout: int = 60  # seconds for Rasa to answer a turn, then 503

    @classmethod
    def from_settings(cls, settings: Optional[Mapping[str, Any]], defaults: Optional["Limits"] = None) -> "Limits":
        base, settings = defaults or cls(), settings or {}
        return cls(**{name: positive_int(settings.get(name), getattr(base, name))
                      for name in cls.__dataclass_fields__})


class Guard:
    """Caps, sanitising and rate limits of one channel, plus the turn runner with its fallbacks."""

    def __init__(self, limits: Limits, trusted_proxies: Optional[Iterable[str]] = None) -> None:
        self.limits = limits
        self.trusted_proxies = frozenset(LOCAL_ADDRESSES if trusted_proxies is None else trusted_proxies)
        self.senders = TokenBuckets(limits.sender_rate, limits.rate_period)
        self.ips = TokenBuckets(limits.ip_rate, limits.rate_period)

    def client_ip(self, request: Request) -> Optional[str]:
        """The caller's IP; behind a trusted proxy, the last X-Forwarded-For hop. None for a local caller
        without that header (the Telegram bridge, the staff tools): only the per-sender limit applies."""
        peer = request.ip or ""
        if peer not in self.trusted_proxies:
            return peer
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[-1].strip()
        return forwarded[:64] or None

    def limit_ip(self, request: Request) -> None:
        ip = self.client_ip(request)
        wait = self.ips.take(ip) if ip else 0.0
        if wait:
            raise Rejected(429, retry_after=wait)

    def limit_sender(self, sender: str) -> None:
        wait = self.senders.take(sender)
        if wait:
            raise Rejected(429, retry_after=wait)

    async def read(self, request: Request, valid_sender: Callable[[str], bool],
                   default_sender: Optional[Callable[[], str]] = None) -> tuple[str, str]:
        """Checks a message request in order: IP rate, body size, shape and text (the sender rate is
        checked by `run_turn`)."""
        self.limit_ip(request)
        body = await read_body(request, self.limits.max_body_bytes)
        return parse_message(body, self.limits.max_message_chars, valid_sender, default_sender)

    async def run_turn(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], text: str,
                       sender_id: str, input_channel: str) -> list[dict[str, Any]]:
        """The bot messages of one message; one friendly message if Rasa stayed silent (actions down).
        Raises on failure or after `response_timeout` seconds (for the whole message): the channel answers 503.

        A message of several questions (`split_questions`) is played as successive turns of the sender, each
        part's text as the student wrote it, the whole message and the part's rank in the user event's
        metadata (`question_part`); the answers come back in the order asked, though the part naming the
        subject is played first (« le code rome et le salaire d'un community manager ? »: `play_order`).
        - A part answered exactly like an earlier one is not repeated.
        - A part not understood (fallback, « de quoi parles-tu ? ») is left out when another part was answered.
          If it named a subject, the parts after it that name none are not played (they would be answered
          about an earlier subject); if it was the first part, the message is played whole instead (rank 0),
          as before splitting: its answer if it has one, else « reformule » once.
        - A part that asks the student to choose (several records, or an unknown name) ends the message: its
          buttons stay the last thing said, with a note of the questions left to ask again."""
        self.limit_sender(sender_id)
        parts = split_questions(text)
        return await asyncio.wait_for(self._play(on_new_message, parts, text, sender_id, input_channel),
                                      timeout=self.limits.response_timeout)

    async def _play(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], parts: list[str], text: str,
                    sender_id: str, input_channel: str) -> list[dict[str, Any]]:
        async def say(part: str, rank: int) -> tuple[list[dict[str, Any]], set[str]]:
            """The bot messages of one turn and the kinds of answer they are (knowledge/conversation.py)."""
            collector = OutcomeCollector()
            metadata = ({PART: {"part": rank, "parts": len(parts), "message": text}}
                        if len(parts) > 1 else None)
            await on_new_message(UserMessage(part, collector, sender_id, input_channel=input_channel,
                                             metadata=metadata))
            return collector.messages, {o.kind for o in collector.outcomes if o is not None}

        answers: dict[int, list[dict[str, Any]]] = {}  # the messages of each part answered, by written rank
        failed: list[list[dict[str, Any]]] = []
        last: list[dict[str, Any]] = []  # said after the answers: a note, the technical hiccup
        lost = False  # a part named a subject the assistant did not get: a follow-up would be about another one
        order = play_order(parts)
        for step, index in enumerate(order):
            part = parts[index]
            if lost and not names_subject(part):
                continue
            messages, kinds = await say(part, index + 1)
            if not messages:
                if part.split("{", 1)[0].strip() in SILENT_COMMANDS:
                    continue
                last.append({"recipient_id": sender_id, "text": TECHNICAL_HICCUP})
                break  # the action server is down: the other questions would fail the same way
            if failure(kinds):
                failed.append(messages)
                lost = lost or names_subject(part)
                if step == 0 and lost and len(parts) > 1:
                    # The question that names the subject was not understood: the message is played whole, as
                    # it was before being split (« directeur artistique : études, salaire, code ROME ? » then
                    # gets at least one answer).
                    whole, kinds = await say(text, 0)
                    return whole if whole and not failure(kinds) else messages
                continue
            lost = False
            answers[index] = messages
            if kinds & WAITING and step + 1 < len(order):
                left = [parts[i] for i in sorted(order[step + 1:])]
                last.append({"recipient_id": sender_id, "text": ask_again(left)})
                break
        said: list[list[dict[str, Any]]] = []
        for index in sorted(answers):  # in the order the student asked
            if answers[index] not in said:
                said.append(answers[index])
        if not said and failed and not last:
            said.append(failed[0])
        return [message for messages in said for message in messages] + last


def failure(kinds: set[str]) -> bool:
    """A turn whose every answer says it was not understood, or not about anything known."""
    return bool(kinds) and kinds <= FAILED


class OutcomeCollector(CollectingOutputChannel):
    """Collects the bot messages like Rasa's collector, and the outcome each carries in its metadata (the kind
    of answer the actions wrote for the staff reports; never sent to the client)."""

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: list[Optional[Outcome]] = []

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.outcomes.append(Outcome.read(message))
        await super().send_response(recipient_id, message)


def ask_again(questions: list[str]) -> str:
    """The note after a choice asked in the middle of a message: the questions it did not reach yet."""
    quoted = ", ".join(f"« {q} »" for q in questions)
    if len(questions) == 1:
        return f"Dis-moi d'abord de quelle fiche tu parles, puis repose-moi ta question {quoted}."
    return f"Dis-moi d'abord de quelle fiche tu parles, puis repose-moi tes autres questions : {quoted}."
