"""Rasa NLU component: intents from TF-IDF word and character n-grams with a linear SVM.

Measured on our data (README, « Compréhension des messages »): on the same 3 folds this classifier scores
intent F1 0.959 where DIET scored 0.924, and 0.99 on the independent held-out set (DIET: 0.976). Students'
questions are short and differ mostly by a few words (« quelles études » / « quel niveau »), which word and
character n-grams capture directly; DIET keeps the entities (`intent_classification: false`).

Confidences are the SVM scores calibrated by a sigmoid per intent fitted on internal cross-validation
(`CalibratedClassifierCV(ensemble=False)`: the predicted intent stays the SVM's), so the FallbackClassifier
threshold keeps its meaning. The model is saved with skops; loading accepts only the types listed below.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

log = logging.getLogger(__name__)

MODEL_FILE = "intent_classifier.skops"
LABELS_FILE = "intent_labels.json"
# Types skops does not trust by default that this pipeline holds; anything else in the file is refused.
TRUSTED_TYPES = {"scipy.sparse._csr.csr_matrix", "sklearn.calibration._CalibratedClassifier",
                 "sklearn.calibration._SigmoidCalibration"}


def build_pipeline(config: dict[str, Any]):
    """The scikit-learn pipeline: TF-IDF word + char_wb n-grams (accents stripped) → calibrated LinearSVC."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    def tfidf(analyzer: str, ngrams: list[int]) -> TfidfVectorizer:
        return TfidfVectorizer(analyzer=analyzer, ngram_range=tuple(ngrams), sublinear_tf=True,
                               strip_accents="unicode", lowercase=True)

    features = make_union(tfidf("word", config["word_ngrams"]), tfidf("char_wb", config["char_ngrams"]))
    svm = LinearSVC(C=config["C"], random_state=config["random_seed"])
    return make_pipeline(features, CalibratedClassifierCV(svm, cv=config["calibration_folds"], ensemble=False))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intent and intent ranking of each message, from its text alone."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 0.5, "word_ngrams": [1, 2], "char_ngrams": [2, 5], "calibration_folds": 5,
                "ranking_length": 10, "random_seed": 42}

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 pipeline: Any = None, labels: Optional[list[str]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.pipeline, self.labels = pipeline, labels or []

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        self.labels = sorted({m.get(INTENT) for m in examples})
        if len(self.labels) < 2:
            log.warning("LinearIntentClassifier : il faut au moins deux intentions pour l'entraîner.")
            self.pipeline = None
        else:
            index = {label: i for i, label in enumerate(self.labels)}
            self.pipeline = build_pipeline(self.config).fit([m.get(TEXT) for m in examples],
                                                            np.array([index[m.get(INTENT)] for m in examples]))
        self.persist()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self.pipeline is None:
            return messages
        texts = [m.get(TEXT) or "" for m in messages]
        for message, probabilities in zip(messages, self.pipeline.predict_proba(texts) if texts else []):
            order = np.argsort(-probabilities, kind="stable")[: self.config["ranking_length"]]
            ranking = [{"name": self.labels[i], "confidence": float(probabilities[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        import rasa.shared.utils.io
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as folder:
            if self.pipeline is not None:
                sio.dump(self.pipeline, folder / MODEL_FILE)
                rasa.shared.utils.io.dump_obj_as_json_to_file(folder / LABELS_FILE, self.labels)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        import rasa.shared.utils.io
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as folder:
                if not (folder / MODEL_FILE).exists():
                    return cls(config, model_storage, resource)
                unexpected = set(sio.get_untrusted_types(file=folder / MODEL_FILE)) - TRUSTED_TYPES
                if unexpected:  # never load objects of a kind this component does not write
                    raise RasaException(f"{MODEL_FILE} : types inattendus {sorted(unexpected)}")
                pipeline = sio.load(folder / MODEL_FILE, trusted=sorted(TRUSTED_TYPES))
                labels = rasa.shared.utils.io.read_json_file(folder / LABELS_FILE)
        except ValueError:  # Rasa's way to say « no such resource yet » (before the first training)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, pipeline, labels)
