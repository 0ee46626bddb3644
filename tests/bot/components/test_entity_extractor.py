"""The knowledge-base entity extractor: trained on the project's real NLU data (its filter), saved and loaded
through Rasa's model storage, reading the names of the knowledge base the process uses (ORIENTATION_KB).

Kind `nlu` (Rasa's NLU stack, a training on nlu/; no trained model)."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.importers.utils import training_data_from_paths
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.entity_extractor import WEIGHTS_FILE, KnowledgeEntityExtractor
from knowledge.build import build
from knowledge.mentions import RECORD_IDS, STATUS, TOTAL
from tests import ROOT, documents_manifest

pytestmark = pytest.mark.nlu

CONTEXT = ExecutionContext(GraphSchema({}), "test")
CONFIG = next(c for c in yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
              if c["name"].endswith("KnowledgeEntityExtractor"))


@pytest.fixture(scope="module")
def store(tmp_path_factory, kb_path):
    """A copy of the default base, which the tests may replace."""
    path = tmp_path_factory.mktemp("store") / "knowledge.sqlite"
    shutil.copy2(kb_path, path)
    return path


@pytest.fixture
def uses(store, monkeypatch):
    monkeypatch.setenv("ORIENTATION_KB", str(store))
    return store


@pytest.fixture(scope="module")
def storage(tmp_path_factory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("storage"))


@pytest.fixture(scope="module")
def trained(storage, store) -> Resource:
    resource = Resource("entity_extractor")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ORIENTATION_KB", str(store))
        component = KnowledgeEntityExtractor.create({k: v for k, v in CONFIG.items() if k != "name"}, storage,
                                                    resource, CONTEXT)
        data = training_data_from_paths([str(p) for p in sorted((ROOT / "nlu").glob("*.yml"))], language="fr")
        component.train(data)
    return resource


def load(storage, resource) -> KnowledgeEntityExtractor:
    return KnowledgeEntityExtractor.load({k: v for k, v in CONFIG.items() if k != "name"}, storage, resource, CONTEXT)


def entities(component, text: str, intent: str) -> list[dict]:
    message = Message(data={TEXT: text, INTENT: {"name": intent, "confidence": 1.0}})
    return component.process([message])[0].get(ENTITIES)


def test_the_filter_is_saved_as_feature_weights(storage, trained):
    with storage.read_from(trained) as folder:
        saved = json.loads((folder / WEIGHTS_FILE).read_text())
    assert len(saved["weights"]) > 100 and isinstance(saved["bias"], float)
    assert any(name.startswith("prev=") for name in saved["weights"])  # the context counts


def test_names_found_with_their_records(uses, storage, trained):
    component = load(storage, trained)
    found = entities(component, "c quoi le parcours pour etre cheff de publicitée ou dircom ?", "ask_studies")
    assert [(e["entity"], e["value"]) for e in found] == [("job", "cheff de publicitée"), ("job", "dircom")]
    assert [e[RECORD_IDS] for e in found] == [["JOB.chef-de-publicite"], ["MET.650"]]
    assert all(e[STATUS] == "found" and e[TOTAL] == 1 and e["extractor"] == "KnowledgeEntityExtractor"
               and 0.5 <= e["confidence_entity"] <= 1 for e in found)
    (certification,) = entities(component, "quel est le taux d'insertion du titre chargé de communication "
                                           "cross-média ?", "ask_insertion_stats")
    assert certification["entity"] == "certification" and certification[RECORD_IDS] == ["RNCP35746"]
    assert certification["value"] == "titre chargé de communication cross-média"


def test_a_name_is_kept_where_its_sentence_means_it(uses, storage, trained):
    """The same words are a job in a question about the job, and a person to talk to in a request for one."""
    component = load(storage, trained)
    asked = entities(component, "quelles études pour devenir conseiller d'orientation ?", "ask_studies")
    assert [e["value"] for e in asked] == ["conseiller d'orientation"]
    assert entities(component, "je voudrais parler à un conseiller d'orientation", "ask_counsellor") == []


def test_a_button_payload_and_an_empty_message_hold_no_name(uses, storage, trained):
    component = load(storage, trained)
    assert entities(component, '/choose_option{"choice": "MET.650"}', "choose_option") == []
    assert entities(component, "", "nlu_fallback") == []


def test_a_new_store_is_read_without_retraining(kb_path, storage, trained, tmp_path, monkeypatch):
    """`orientation kb build` or an import replaces the file: the next message is read with its names."""
    uses = tmp_path / "knowledge.sqlite"
    shutil.copy2(kb_path, uses)
    monkeypatch.setenv("ORIENTATION_KB", str(uses))
    component = load(storage, trained)
    question = "que fait un palefrenier soigneur ?"
    assert entities(component, question, "ask_description")[0][RECORD_IDS][:1] == ["MET.19"]
    smaller = tmp_path / "documents.sqlite"
    build(smaller, documents_manifest(tmp_path))  # the five source documents only: no national job
    shutil.copy2(smaller, uses)
    assert entities(component, question, "ask_description") == []
    assert entities(component, "que fait un chef de pub ?", "ask_description")[0][RECORD_IDS] == \
        ["JOB.chef-de-publicite"]


def test_without_a_store_no_name_and_no_error(storage, trained, monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("ORIENTATION_KB", str(tmp_path / "absent.sqlite"))
    component = load(storage, trained)
    assert entities(component, "que fait un chef de pub ?", "ask_description") == []
    assert "Base de connaissances absente" in caplog.text
