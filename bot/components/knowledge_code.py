"""What the NLU components that read the knowledge base's names depend on besides their config and data."""

from __future__ import annotations

import hashlib
from pathlib import Path


def knowledge_code_digest(*files: str) -> str:
    """A digest of `files` and of the code that finds names (Rasa's training cache knows only the config and the
    data: a change to that code trains the component again)."""
    from knowledge import linker, mentions, names, normalize

    digest = hashlib.sha256()
    for path in (*files, *(module.__file__ for module in (linker, mentions, names, normalize))):
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()
