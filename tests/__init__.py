"""The tests, in folders that mirror the packages they protect (tests/knowledge protects knowledge/, …).

Kinds (pytest markers, exactly one per test, checked in tests/conftest.py): `unit` (pure: no model, no server
process, no browser), `nlu` (Rasa's NLU stack and spaCy's vectors, a component trained on nlu/, not the trained
model), `model` (needs the trained model), `e2e` (the real stack, or the product's processes against fakes),
`browser` (Chromium), `scaleout` (PostgreSQL, Redis, nginx)."""

import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "knowledge" / "sources"


class Stream(io.StringIO):
    """A text stream that says whether it is a terminal (for output that differs on a terminal and in a log)."""

    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty
