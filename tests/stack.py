"""The real stack for end-to-end tests (see bot/server/stack.py)."""

from bot.server.stack import MODEL, Stack, free_port  # noqa: F401
