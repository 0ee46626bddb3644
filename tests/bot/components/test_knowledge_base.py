"""The knowledge base as the NLU components see it (bot/components/knowledge_base.py)."""

from __future__ import annotations

import pytest

from bot.components.knowledge_base import ComponentBase

pytestmark = pytest.mark.unit


def test_every_component_reads_one_base_and_a_missing_one_is_none(kb_path, tmp_path, monkeypatch):
    monkeypatch.setenv("ORIENTATION_KB", str(kb_path))
    classifier, extractor = ComponentBase("sans noms masqués"), ComponentBase("sans entités")
    assert classifier.get() is extractor.get() is not None  # one name index, one reading of each message
    monkeypatch.setenv("ORIENTATION_KB", str(tmp_path / "absente.sqlite"))
    assert classifier.get() is None and extractor.get() is None
