"""Rasa NLU component: the names of jobs, certifications, formations, sectors and interests a message holds,
found with the knowledge base's own names (`knowledge.mentions`), not learnt by a neural net.

The base knows every name (928 national jobs, 2,164 formations, 13,120 ROME appellations, typos, both genders,
abbreviations); a model trained on nlu/ would know only the names of its examples and need retraining at each
import. The base is read at load and read again when its file changes: an import or a build needs no retraining.

What is learnt from nlu/ is whether a name found is meant as one in its sentence: « conseiller » in « parler à
un conseiller », « com » in « la com interne », « aide » in « aider les gens » are words, not names. A logistic
regression over the context (the words around, the intent, the match: its type, how many records it fits, how
well) keeps or drops each name found; it trains in seconds and is stored as feature weights (JSON).

Each entity has Rasa's usual keys (`entity`, `start`, `end`, `value`, `confidence_entity`, `extractor`) and what
the base found (knowledge.mentions: RECORD_IDS, STATUS, TOTAL, SCORE, GENDER). The entity name of each record type comes from
the `entities` setting in config.yml (a test checks it against actions/record_types.py, which declares it).
"""

from __future__ import annotations

import logging
import math
from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.knowledge_base import ComponentBase, knowledge_code_digest
from knowledge.kb import KnowledgeBase
from knowledge.linker import UNKNOWN
from knowledge.mentions import GENDER, RECORD_IDS, SCORE, STATUS, TOTAL, Found, find_mentions, words_around

log = logging.getLogger(__name__)

WEIGHTS_FILE = "entity_filter.json"


def features(message: str, found: Found, intent: str) -> list[str]:
    """What the filter knows of a name found in a message (binary features)."""
    best = found.result.best if found.result.status != UNKNOWN else None
    total = found.result.total
    before, after = words_around(message, found)
    size = len(found.text.split())
    names = [f"type={found.type}", f"status={found.result.status}", f"intent={intent}",
             f"intent={intent}|type={found.type}", f"size={min(size, 3)}", f"size={min(size, 3)}|type={found.type}",
             f"total={'1' if total <= 1 else '5' if total <= 5 else '20' if total <= 20 else 'many'}",
             f"text={found.text.lower()}", f"head={found.text.split()[0].lower()}",
             f"prev={before[-1] if before else '^'}", f"prev2={' '.join(before[-2:]) if before else '^'}",
             f"next={after[0] if after else '$'}"]
    if best is not None:
        names += [f"kind={best.kind}", f"complete={best.complete}",
                  f"score={'100' if best.score >= 100 else '95' if best.score >= 95 else '90' if best.score >= 90 else 'low'}",
                  f"size={min(size, 3)}|complete={best.complete}|total={min(total, 6)}"]
    return names


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class KnowledgeEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Entities from the knowledge base's names, kept when their sentence means them as names."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"entities": {}, "C": 1.0, "threshold": 0.5}  # entities: record type → entity name

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 weights: Optional[dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self.entities: dict[str, str] = dict(self.config["entities"] or {})
        self._model_storage, self._resource = model_storage, resource
        self.weights: dict[str, float] = (weights or {}).get("weights", {})
        self.bias: float = (weights or {}).get("bias", 0.0)
        self._base = ComponentBase("aucune entité trouvée")

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "KnowledgeEntityExtractor":
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> Optional[str]:
        """The code that finds names (Rasa's training cache knows only the config and the data): a change to it
        trains the filter again."""
        return knowledge_code_digest(__file__)

    # -- the knowledge base ---------------------------------------------------------------------------------
    def knowledge_base(self) -> Optional[KnowledgeBase]:
        """The store in use, opened again when its file has changed; None (and a warning, once) while it is missing."""
        kb = self._base.get()
        if kb is not None:
            kb.linker  # noqa: B018 — the name index, built now rather than at the first message
        return kb

    # -- training -----------------------------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        """Fit the filter: each name found in an example of nlu/ is kept if an annotated entity of its kind
        overlaps it."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        kb = self.knowledge_base()
        rows, labels = [], []
        for message in training_data.intent_examples if kb is not None else []:
            text = message.get(TEXT) or ""
            gold = [e for e in message.get(ENTITIES) or [] if e.get("entity") in self.entities.values()]
            for found in find_mentions(kb.linker, text):
                entity = self.entities.get(found.type)
                rows.append(dict.fromkeys(features(text, found, message.get(INTENT) or ""), 1.0))
                labels.append(any(e["entity"] == entity and e["start"] < found.end and found.start < e["end"]
                                  for e in gold))
        if len(set(labels)) == 2:
            vectorizer = DictVectorizer()
            model = LogisticRegression(C=self.config["C"], max_iter=2000)
            model.fit(vectorizer.fit_transform(rows), labels)
            self.weights = {name: round(float(w), 5) for name, w in zip(vectorizer.feature_names_, model.coef_[0])
                            if abs(w) > 1e-6}
            self.bias = float(model.intercept_[0])
        else:
            log.warning("KnowledgeEntityExtractor : pas assez d'exemples, tous les noms trouvés sont gardés.")
        self.persist()
        return self._resource

    def keeps(self, message: str, found: Found, intent: str) -> float:
        """How likely the name found is meant as a name (1.0 when the filter is not trained)."""
        if not self.weights:
            return 1.0
        score = self.bias + sum(self.weights.get(name, 0.0) for name in features(message, found, intent))
        return 1.0 / (1.0 + math.exp(-score))

    # -- inference ----------------------------------------------------------------------------------------
    def process(self, messages: list[Message]) -> list[Message]:
        kb = self.knowledge_base()
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get("name") or ""
            found = self.extract(kb, text, intent) if kb is not None and not text.startswith("/") else []
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages

    def extract(self, kb: KnowledgeBase, text: str, intent: str) -> list[dict[str, Any]]:
        entities = []
        for found in find_mentions(kb.linker, text):
            name = self.entities.get(found.type)
            probability = self.keeps(text, found, intent)
            if not name or probability < self.config["threshold"]:
                continue
            result = found.result
            entities.append({"entity": name, "start": found.start, "end": found.end, "value": found.text,
                             "confidence_entity": round(probability, 3), RECORD_IDS: found.ids,
                             STATUS: result.status, TOTAL: max(result.total, len(found.ids)),
                             SCORE: round(result.best.score, 1) if found.ids else 0.0, GENDER: result.gender})
        return entities

    # -- storage ------------------------------------------------------------------------------------------
    def persist(self) -> None:
        import rasa.shared.utils.io

        with self._model_storage.write_to(self._resource) as folder:
            rasa.shared.utils.io.dump_obj_as_json_to_file(folder / WEIGHTS_FILE,
                                                          {"weights": self.weights, "bias": self.bias})

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "KnowledgeEntityExtractor":
        import rasa.shared.utils.io

        try:
            with model_storage.read_from(resource) as folder:
                weights = rasa.shared.utils.io.read_json_file(folder / WEIGHTS_FILE)
        except (ValueError, FileNotFoundError):  # Rasa's « no such resource yet »
            weights = None
        extractor = cls(config, model_storage, resource, weights)
        extractor.knowledge_base()  # read the base and build the name index before the first message
        return extractor
