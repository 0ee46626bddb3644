"""Rasa NLU component: intents from TF-IDF word and character n-grams, plus the message's sentence vector
from the dense featurizers (spaCy), with a linear SVM.

Students' questions are short and differ mostly by a few words (« quelles études » / « quel niveau »),
which word and character n-grams capture directly; the spaCy vector (weight `dense_weight`, rows
L2-normalised) adds a little generalisation to unseen words. Measured with `rasa test nlu
--cross-validation -f 3` and on the independent held-out set: README, « Pipeline NLU ». DIET keeps the
entities (`intent_classification: false`).

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
META_FILE = "intent_classifier.json"
# Types skops does not trust by default that this pipeline holds; anything else in the file is refused.
TRUSTED_TYPES = {"scipy.sparse._csr.csr_matrix", "sklearn.calibration._CalibratedClassifier",
                 "sklearn.calibration._SigmoidCalibration"}


def skops_io():
    """skops.io, without its side effect: importing it (through numpy.distutils) sets the root logger to
    WARNING, which silenced Rasa's own log (« Rasa server is up and running ») after the model load."""
    root = logging.getLogger()
    level = root.level
    import skops.io

    root.setLevel(level)
    return skops.io


def build_models(config: dict[str, Any]):
    """TF-IDF word + char_wb n-grams (accents stripped), and a LinearSVC calibrated per intent."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union
    from sklearn.svm import LinearSVC

    def tfidf(analyzer: str, ngrams: list[int]) -> TfidfVectorizer:
        return TfidfVectorizer(analyzer=analyzer, ngram_range=tuple(ngrams), sublinear_tf=True,
                               strip_accents="unicode", lowercase=True)

    features = make_union(tfidf("word", config["word_ngrams"]), tfidf("char_wb", config["char_ngrams"]))
    svm = LinearSVC(C=config["C"], random_state=config["random_seed"])
    return features, CalibratedClassifierCV(svm, cv=config["calibration_folds"], ensemble=False)


def sentence_vectors(messages: list[Message], size: int) -> np.ndarray:
    """Each message's dense sentence features, L2-normalised (zeros when a message has none)."""
    rows = np.zeros((len(messages), size), dtype=np.float32)
    for i, message in enumerate(messages):
        _, sentence = message.get_dense_features(TEXT)
        if sentence is not None and sentence.features.shape[-1] == size:
            vector = np.ravel(sentence.features)
            rows[i] = vector / max(float(np.linalg.norm(vector)), 1e-9)
    return rows


def dense_size(messages: list[Message]) -> int:
    """Width of the dense sentence features the messages carry (0: none)."""
    for message in messages:
        _, sentence = message.get_dense_features(TEXT)
        if sentence is not None:
            return int(sentence.features.shape[-1])
    return 0


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intent and intent ranking of each message, from its text and its sentence vector."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 1.0, "word_ngrams": [1, 2], "char_ngrams": [2, 5], "dense_weight": 0.5,
                "calibration_folds": 5, "ranking_length": 10, "random_seed": 42}

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 models: Optional[dict[str, Any]] = None, meta: Optional[dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.models = models  # {"features": FeatureUnion, "classifier": CalibratedClassifierCV}
        self.labels: list[str] = (meta or {}).get("labels", [])
        self.dense_size: int = (meta or {}).get("dense_size", 0)  # 0: text n-grams only

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        self.labels = sorted({m.get(INTENT) for m in examples})
        if len(self.labels) < 2:
            log.warning("LinearIntentClassifier : il faut au moins deux intentions pour l'entraîner.")
            self.models = None
        else:
            index = {label: i for i, label in enumerate(self.labels)}
            features, classifier = build_models(self.config)
            features.fit([m.get(TEXT) for m in examples])
            self.models = {"features": features, "classifier": classifier}
            self.dense_size = dense_size(examples) if self.config["dense_weight"] > 0 else 0
            classifier.fit(self._matrix(examples), np.array([index[m.get(INTENT)] for m in examples]))
        self.persist()
        return self._resource

    def _matrix(self, messages: list[Message]):
        """Feature rows: TF-IDF n-grams of the text, then the weighted sentence vector (if trained with one)."""
        import scipy.sparse

        ngrams = self.models["features"].transform([m.get(TEXT) or "" for m in messages])
        if not self.dense_size:
            return ngrams
        dense = self.config["dense_weight"] * sentence_vectors(messages, self.dense_size)
        return scipy.sparse.hstack([ngrams, scipy.sparse.csr_matrix(dense)]).tocsr()

    def process(self, messages: list[Message]) -> list[Message]:
        if self.models is None or not messages:
            return messages
        for message, probabilities in zip(messages, self.models["classifier"].predict_proba(self._matrix(messages))):
            order = np.argsort(-probabilities, kind="stable")[: self.config["ranking_length"]]
            ranking = [{"name": self.labels[i], "confidence": float(probabilities[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        import rasa.shared.utils.io

        sio = skops_io()
        with self._model_storage.write_to(self._resource) as folder:
            if self.models is not None:
                sio.dump(self.models, folder / MODEL_FILE)
                rasa.shared.utils.io.dump_obj_as_json_to_file(
                    folder / META_FILE, {"labels": self.labels, "dense_size": self.dense_size})

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        import rasa.shared.utils.io

        sio = skops_io()
        try:
            with model_storage.read_from(resource) as folder:
                if not (folder / MODEL_FILE).exists():
                    return cls(config, model_storage, resource)
                unexpected = set(sio.get_untrusted_types(file=folder / MODEL_FILE)) - TRUSTED_TYPES
                if unexpected:  # never load objects of a kind this component does not write
                    raise RasaException(f"{MODEL_FILE} : types inattendus {sorted(unexpected)}")
                models = sio.load(folder / MODEL_FILE, trusted=sorted(TRUSTED_TYPES))
                meta = rasa.shared.utils.io.read_json_file(folder / META_FILE)
        except ValueError:  # Rasa's way to say « no such resource yet » (before the first training)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, models, meta)
