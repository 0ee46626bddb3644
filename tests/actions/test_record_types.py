"""actions/record_types.py: the one declaration of record types agrees with Rasa's domain and the routes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.record_types import BY_ENTITY, CHOICE_ENTITY, METIER, RECORD_TYPES, ROME, type_of_entity
from actions.routing import ROUTES
from knowledge.model import RECORD_TYPES as KB_TYPES

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_entities_and_slots_are_those_of_the_domain():
    assert set(DOMAIN["entities"]) == {t.entity for t in RECORD_TYPES if t.entity} | {CHOICE_ENTITY}
    slots = {t.slot for t in RECORD_TYPES if t.slot}
    assert slots <= set(DOMAIN["slots"])
    assert all(not s.endswith("_id") or s in slots for s in DOMAIN["slots"])  # no record slot outside the table


def test_the_entity_extractor_of_config_yml_names_the_same_entities():
    """config.yml gives bot/components/entity_extractor.py the entity of each type (a ROME name is a job's)."""
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    (extractor,) = [c for c in pipeline if c["name"].endswith("KnowledgeEntityExtractor")]
    declared = {t.name: t.entity for t in RECORD_TYPES if t.entity}
    assert extractor["entities"] == {**declared, ROME: declared[METIER]}


def test_every_type_is_a_knowledge_base_type_and_every_route_a_declared_type():
    assert {t.name for t in RECORD_TYPES} <= set(KB_TYPES)
    assert {kind for routes in ROUTES.values() for kind in routes} <= {t.name for t in RECORD_TYPES}


def test_every_type_can_be_asked_for_and_presented(kb):
    for record_type in RECORD_TYPES:
        ask = record_type.ask_which(kb)
        assert ask and "{" not in ask
        ids = kb.ids(record_type.name)
        if ids:
            answer = record_type.present(kb, kb.get(ids[0]), "")
            assert answer.text and answer.kind in ("answer", "missing")


def test_entities_name_their_record_type():
    assert type_of_entity({"entity": "job", "value": "boulanger"}) == "metier"
    assert type_of_entity({"entity": CHOICE_ENTITY, "value": "MET.650"}) is None
    assert type_of_entity({}) is None
    assert BY_ENTITY["certification"].slot == "certification_id"


def test_follow_up_buttons_send_intents_the_domain_knows_that_answer_their_type():
    """A presentation's buttons send « /intent » (Rasa maps it to the intent, no entity): each intent is the
    domain's, and routes a question about that record type (the next turn answers it about the subject)."""
    for record_type in RECORD_TYPES:
        for title, intent in record_type.follow_ups:
            assert title and intent in DOMAIN["intents"], (record_type.name, intent)
            assert record_type.name in ROUTES[intent], (record_type.name, intent)
