"""Shared fixtures: a knowledge base built from the real sources into a temporary store."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.build import build
from knowledge.kb import KnowledgeBase

# Shared check helpers: their asserts explain failures too (registered before any test module imports them).
pytest.register_assert_rewrite("badinput")

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "knowledge" / "sources"


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kb") / "knowledge.sqlite"
    build(path)
    return path


@pytest.fixture(scope="session")
def kb(kb_path) -> KnowledgeBase:
    return KnowledgeBase(kb_path)
