"""Bot API calls that survive Telegram's hiccups: 429 (flood control) and 5xx / network errors.

- 429 « Too Many Requests » comes with `retry_after`: AIORateLimiter pauses every request for that long,
  then retries (at most `max_retries` times).
- 5xx and connection errors (PTB raises NetworkError; not BadRequest, its 400 subclass) are retried
  with an exponential backoff (0.5 s, 1 s, 2 s…, bounded). A request that may already have reached
  Telegram (a read or write timeout) is not retried: that could deliver the same answer twice.

Every retry is logged; getUpdates is not concerned (PTB's polling loop retries it on its own).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger("orientation.telegram.retry")

RETRY_AFTER_RETRIES = 3  # 429: how many times to wait `retry_after` and try again
NETWORK_RETRIES = 4  # 5xx and connection errors: 0.5 + 1 + 2 + 4 s at most
BACKOFF = 0.5
MAX_BACKOFF = 8.0
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)  # the request never left


def retryable(exc: Exception) -> bool:
    """True if the request certainly did not take effect and can be sent again."""
    if isinstance(exc, (RetryAfter, BadRequest)):
        return False  # 429 is AIORateLimiter's business; 400 would fail again (PTB: BadRequest is a NetworkError)
    if isinstance(exc, TimedOut):
        return isinstance(exc.__cause__, NOT_SENT)
    return isinstance(exc, NetworkError)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (flood limits, 429) plus a bounded retry with backoff on 5xx and network errors."""

    def __init__(self, network_retries: int = NETWORK_RETRIES, backoff: float = BACKOFF,
                 max_backoff: float = MAX_BACKOFF, max_retries: int = RETRY_AFTER_RETRIES, **kwargs: Any):
        super().__init__(max_retries=max_retries, **kwargs)
        self.network_retries = network_retries
        self.backoff = backoff
        self.max_backoff = max_backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        delay = self.backoff
        for attempt in range(1, self.network_retries + 2):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except Exception as exc:  # noqa: BLE001 - re-raised unless retryable
                if attempt > self.network_retries or not retryable(exc):
                    if retryable(exc):
                        log.error("Telegram %s : échec après %d essais (%s)", endpoint, attempt, exc)
                    raise
                log.warning("Telegram %s : %s ; nouvel essai dans %.1f s (%d/%d)", endpoint, exc, delay,
                            attempt, self.network_retries)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
        raise AssertionError("unreachable")
