"""Settings read once: from the environment, else from orientation.yml at the project root."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.kb import CurrentStore, KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    counsellor: str  # who to contact for a human conversation, as a phrase


@lru_cache(maxsize=1)
def settings() -> Settings:
    path = Path(os.environ.get("ORIENTATION_SETTINGS") or ROOT / "orientation.yml")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    counsellor = (data or {}).get("conseiller") or {}
    text = os.environ.get("ORIENTATION_CONSEILLER") or counsellor.get("texte") or "un conseiller d'orientation"
    contact = os.environ.get("ORIENTATION_CONSEILLER_CONTACT", counsellor.get("contact") or "")
    return Settings(counsellor=f"{text} ({contact})" if contact else text)


_store = CurrentStore()


def knowledge_base() -> KnowledgeBase:
    """The store, reopened when `orientation kb build` or an import has replaced it."""
    return _store.get()
