"""The real stack for end-to-end tests (see bot/stack.py)."""

from bot.stack import MODEL, Stack, free_port  # noqa: F401
