"""actions/focus.py: the sub-part of a certification a message is about (a block, a year, a certifier)."""

from __future__ import annotations

import pytest

from actions.focus import BLOC, Focus, focus_of
from knowledge.kb import KnowledgeBase

pytestmark = pytest.mark.unit

CROSS_MEDIA = "RNCP35746"


@pytest.fixture(scope="module")
def kb(kb_path):
    return KnowledgeBase(kb_path)


def test_focus_reads_blocks_years_and_certifiers(kb):
    cert = kb.get(CROSS_MEDIA)
    assert focus_of("le bloc 4 ?", cert, None, set()) == Focus(BLOC, 4)
    assert focus_of("le troisième ?", cert, None, {"ask_profile"}) == Focus(BLOC, 3)
    assert focus_of("celui de la Paris School ?", cert, None, set()).value == 1
    assert focus_of("les blocs ?", cert, Focus(BLOC, 2), set()) is None


def test_focus_slot_round_trip():
    assert Focus.parse(Focus(BLOC, 5, "evaluation").slot()) == Focus(BLOC, 5, "evaluation")
    assert Focus.parse(None) is None and Focus.parse("n'importe quoi") is None
