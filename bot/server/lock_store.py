"""The lock store of the scale-out profile (deploy/endpoints.scale.yml): Rasa's Redis lock, made atomic.

Its own module, so that Rasa, which imports it by its path, loads nothing else of ours.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis ticket lock, each change of a lock made atomic: the lock store of endpoints.scale.yml.

    Rasa's RedisLockStore changes a lock by GET, change in Python, SET. With two Rasa servers, two changes
    of one conversation's lock can interleave and one is lost (RasaHQ/rasa#9213; "far from atomic", #3933):
    a finished ticket comes back and every later message of the sender waits for it to expire (60 s, so
    the student gets an error), or a new ticket vanishes, or two messages are handled at once (all seen with
    two processes; see the contention test in tests/bench/test_scaleout.py). Here each change
    is one Redis transaction (WATCH/MULTI/EXEC, replayed when another server changed the lock meanwhile);
    the ticket algorithm, keys and JSON are Rasa's. In endpoints: `type: bot.server.lock_store.AtomicRedisLockStore`.
    """

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by its module path
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str, change: Callable[[TicketLock], Any], create: bool = False,
                delete_if_empty: bool = False) -> Any:
        key = self.key_prefix + conversation_id

        def transaction(pipe) -> Any:
            stored = pipe.get(key)  # WATCHed: EXEC fails (and this runs again) if another server writes it
            if stored is None and not create:
                return None
            lock = TicketLock.from_dict(json.loads(stored)) if stored else self.create_lock(conversation_id)
            result = change(lock)
            pipe.multi()
            if delete_if_empty and not lock.is_someone_waiting():
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime), create=True)
        except Exception as e:  # noqa: BLE001 - as Rasa's
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the ticket, and the lock when no one else waits, in one transaction."""
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number), delete_if_empty=True)
