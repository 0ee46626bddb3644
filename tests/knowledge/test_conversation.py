"""knowledge/conversation.py: the answer outcome stored in metadata, and the rule for our tools' senders."""

from __future__ import annotations

import pytest

from knowledge.conversation import KINDS, Outcome, is_tool_sender, tool_sender

pytestmark = pytest.mark.unit


def test_outcome_round_trips_through_metadata():
    outcome = Outcome("answer", "MET.650", "Source : Onisep, fiche MET.650")
    metadata = outcome.metadata()
    assert metadata == {"answer_kind": "answer", "answer_record": "MET.650",
                        "answer_source": "Source : Onisep, fiche MET.650"}
    assert Outcome.read({**metadata, "other": 1}) == outcome


@pytest.mark.parametrize("metadata", [None, {}, {"answer_kind": ""}, {"answer_kind": "peut-être"}, {"foo": "bar"}])
def test_metadata_without_a_known_kind_is_no_outcome(metadata):
    assert Outcome.read(metadata) is None


def test_an_unknown_kind_cannot_be_written():
    with pytest.raises(ValueError):
        Outcome("peut-être")


def test_only_fallback_and_unknown_are_unanswered():
    assert {kind for kind in KINDS if Outcome(kind).unanswered} == {"fallback", "unknown"}


def test_tool_senders_are_recognised_by_one_rule():
    senders = [tool_sender("ping"), tool_sender("charge-3-1-2"), tool_sender("latence-0")]
    assert all(is_tool_sender(s) for s in senders)
    assert len(set(senders)) == 3
    assert not any(is_tool_sender(s) for s in ("eleve-1", "telegram-5f2a", "charge-3-1-2", "outil"))
