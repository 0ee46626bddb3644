"""The knowledge base as the NLU components that read its names see it: the store in use (missing: said once), and
the code their training depends on besides their config and data."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Optional

from knowledge.kb import CurrentStore, KnowledgeBase, StoreMissing

log = logging.getLogger(__name__)


def knowledge_code_digest(*files: str) -> str:
    """A digest of `files` and of the code that finds names (Rasa's training cache knows only the config and the
    data: a change to that code trains the component again)."""
    from knowledge import linker, mentions, names, normalize

    digest = hashlib.sha256()
    for path in (*files, *(module.__file__ for module in (linker, mentions, names, normalize))):
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


_STORE = CurrentStore()  # one base for every component of the process: one name index, read once per message


class ComponentBase:
    """The knowledge base an NLU component reads: the store in use, opened again when its file has changed, the same
    for every component (the classifier masks the names the extractor then finds, in one reading: knowledge.mentions
    remembers them per linker); None while it is missing, which is logged once (with `without`, what the component
    does meanwhile)."""

    def __init__(self, without: str) -> None:
        self._store, self._without, self._missing = _STORE, without, False

    def get(self) -> Optional[KnowledgeBase]:
        try:
            kb = self._store.get()
        except StoreMissing as error:
            if not self._missing:
                log.warning("Base de connaissances absente (%s) : %s.", error, self._without)
                self._missing = True
            return None
        self._missing = False
        return kb
