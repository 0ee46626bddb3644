"""The tests, in folders that mirror the packages they protect (tests/knowledge protects knowledge/, …).

Kinds (pytest markers, exactly one per test, checked in tests/conftest.py): `unit` (pure: no model, no server
process, no browser), `nlu` (Rasa's NLU stack and spaCy's vectors, a component trained on nlu/, not the trained
model), `model` (needs the trained model), `e2e` (the real stack, or the product's processes against fakes),
`browser` (Chromium), `scaleout` (PostgreSQL, Redis, nginx)."""

import io
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "knowledge" / "sources"
# How long a test waits for a child process before calling it hung: a guard, not a speed check (`make bench`
# measures speed). In `make test` the unit tests run at nice 10 beside the training, which leaves them about a
# tenth of the cores: a command that takes 7 s alone can take two minutes there.
PROCESS_TIMEOUT = 600


class Stream(io.StringIO):
    """A text stream that says whether it is a terminal (for output that differs on a terminal and in a log)."""

    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def documents_manifest(folder: Path) -> Path:
    """A manifest of the source documents alone (no national export) in `folder`: a store quick to rebuild."""
    from knowledge.build import MANIFEST, seed_entries

    manifest = folder / "manifest.yml"
    entries = [{**e, "file": str(MANIFEST.parent / e["file"])} for e in seed_entries()]
    manifest.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return manifest
