"""Rasa buttons ↔ Telegram inline keyboards. Telegram limits callback_data to 64 bytes.

A payload that fits travels as-is (« p:<payload> »); a longer one is kept in a bounded per-process store
under a short hash (« k:<hash> »). After a restart, or once evicted, a « k: » key is unknown: the caller
tells the user the choice has expired.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Iterable, Optional

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram.render import Button

MAX_CALLBACK_BYTES = 64
DIRECT, KEYED = "p:", "k:"


class PayloadStore:
    def __init__(self, capacity: int = 10_000):
        self.capacity = capacity
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        direct = DIRECT + payload
        if len(direct.encode("utf-8")) <= MAX_CALLBACK_BYTES:
            return direct
        key = KEYED + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self.capacity:
            self._payloads.popitem(last=False)
        return key

    def decode(self, data: str) -> Optional[str]:
        """The payload behind callback_data, or None if unknown or expired."""
        if data.startswith(DIRECT) and len(data) > len(DIRECT):
            return data[len(DIRECT):]
        if data.startswith(KEYED):
            return self._payloads.get(data)
        return None


def keyboard(buttons: Iterable[Button], store: PayloadStore) -> Optional[InlineKeyboardMarkup]:
    rows = [[InlineKeyboardButton(b.title, callback_data=store.encode(b.payload))] for b in buttons]
    return InlineKeyboardMarkup(rows) if rows else None
