"""Rasa REST replies → Telegram messages. Pure: no I/O, no Telegram objects, easy to test.

Every piece of text coming from Rasa is HTML-escaped; the only markup is ours (the « Source : … » line in
italics). Long texts are cut *before* escaping, on paragraph, then line, then word boundaries, so a chunk
never ends inside an entity or a tag and each chunk's HTML stays within Telegram's 4,096 characters
(counted in UTF-16 units, the strictest reading of the limit).
"""

from __future__ import annotations

import html
import unicodedata
from typing import Callable, Iterable, NamedTuple

MAX_LENGTH = 4096
BUTTONS_PROMPT = "Choisis une option :"
SEPARATORS = ("\n\n", "\n", " ")
JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}  # zero-width joiner, variation selectors: keep with their base


class Button(NamedTuple):
    title: str
    payload: str  # sent back to Rasa as the user's message when pressed


class Outgoing(NamedTuple):
    html: str  # for parse_mode=HTML
    buttons: tuple[Button, ...] = ()  # one inline-keyboard row per button


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def format_html(text: str) -> str:
    """Escape every line; a « Source : … » line is set in italics."""
    lines = []
    for line in text.split("\n"):
        escaped = html.escape(line, quote=False)
        lines.append(f"<i>{escaped}</i>" if line.startswith("Source :") else escaped)
    return "\n".join(lines)


def render(messages: Iterable[dict], limit: int = MAX_LENGTH) -> list[Outgoing]:
    """One Rasa message → one Telegram message (more if too long); buttons go with the last chunk."""
    out: list[Outgoing] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        buttons = tuple(
            Button(str(b.get("title") or b["payload"]), str(b["payload"]))
            for b in message.get("buttons") or []
            if isinstance(b, dict) and b.get("payload")
        )
        parts = [str(message.get(key) or "").strip() for key in ("text", "image")]
        text = "\n".join(p for p in parts if p)
        if not text and not buttons:
            continue
        chunks = split_text(text or BUTTONS_PROMPT, limit)
        out.extend(Outgoing(format_html(c), ()) for c in chunks[:-1])
        out.append(Outgoing(format_html(chunks[-1]), buttons))
    return out


def split_text(text: str, limit: int = MAX_LENGTH) -> list[str]:
    """Raw (unescaped) pieces whose formatted HTML fits in `limit`, cut at the largest boundary possible."""

    def fits(piece: str) -> bool:
        return utf16_len(format_html(piece)) <= limit

    chunks = [c.strip() for c in _split(text, fits)]
    return [c for c in chunks if c] or [""]


def _split(text: str, fits: Callable[[str], bool]) -> list[str]:
    if fits(text):
        return [text]
    sep = next((s for s in SEPARATORS if s in text), None)
    if sep is None:
        return _hard_split(text, fits)
    chunks: list[str] = []
    current = ""
    for part in text.split(sep):
        candidate = f"{current}{sep}{part}" if current else part
        if fits(candidate):
            current = candidate
            continue
        if current:
            chunks.append(current)
        pieces = _split(part, fits)  # a part too long on its own is cut at a finer boundary
        chunks.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        chunks.append(current)
    return chunks


def _hard_split(text: str, fits: Callable[[str], bool]) -> list[str]:
    """No whitespace left: the longest prefix that fits, without separating a character from its marks."""
    chunks = []
    while text and not fits(text):
        low, high = 1, len(text)  # fits(text[:low]) holds for any sane limit
        while low < high:
            mid = (low + high + 1) // 2
            if fits(text[:mid]):
                low = mid
            else:
                high = mid - 1
        cut = low
        while cut > 1 and (text[cut] in JOINERS or unicodedata.combining(text[cut]) or text[cut - 1] in JOINERS):
            cut -= 1
        chunks.append(text[:cut])
        text = text[cut:]
    if text:
        chunks.append(text)
    return chunks
