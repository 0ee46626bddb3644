"""Rasa NLU component: intents from TF-IDF word and character n-grams, plus the message's sentence vector
from the dense featurizers (spaCy), with a linear SVM.

Students' questions are short and differ mostly by a few words (« quelles études » / « quel niveau »),
which word and character n-grams capture directly; the spaCy vector (weight `dense_weight`, rows
L2-normalised) adds a little generalisation to unseen words. Measured with `rasa test nlu
--cross-validation -f 3` and on the independent held-out set: README, « Pipeline NLU ». DIET keeps the
entities (`intent_classification: false`).

Confidences are the SVM scores calibrated by a sigmoid per intent fitted on internal cross-validation
(`CalibratedClassifierCV(ensemble=False)`: the predicted intent stays the SVM's), so the FallbackClassifier
threshold keeps its meaning. Once fitted, the model is kept as what predicting needs (`Linear`: the two
vocabularies and their idf, the SVM's weights, the sigmoids), saved as numbers (a .npz read without pickle) and
JSON: nothing executable is loaded, and loading takes milliseconds (skops took ~3 s of every cold start).

With `mask_names`, the n-grams are read from the text followed by the same text with each name of the knowledge base
replaced by a word for its record type (knowledge.mentions.masked), in training and in use alike: « quel est le
niveau du BTS cybersécurité, informatique et réseaux ? » is also read as « quel est le niveau du xformation ? », so
what is asked weighs beside the words of a long name (« et », « réseaux »), and names never seen in training read
like those seen. Measured (README): the national held-out set's intents 0.972 → 0.994, the NLU held-out set
unchanged; the masked text alone lost words that are topics as well as names (« com interne »). The sentence
vector stays that of the text.
"""

from __future__ import annotations

import logging
from pathlib import Path
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

from bot.components.knowledge_base import ComponentBase, knowledge_code_digest
from knowledge.mentions import masked

log = logging.getLogger(__name__)

MODEL_FILE = "intent_classifier.npz"  # the numbers: idf, SVM weights, sigmoids (np.load without pickle)
META_FILE = "intent_classifier.json"  # the labels, the vocabularies, the vectorizers' settings


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


class Linear:
    """What predicting needs of the fitted model: word and character TF-IDF, the SVM's weights, one sigmoid per
    intent (sklearn's `_CalibratedClassifier.predict_proba`, computed here from those numbers)."""

    ARRAYS = ("word_idf", "char_idf", "coef", "intercept", "sigmoid_a", "sigmoid_b")

    def __init__(self, settings: dict[str, Any], vocabularies: dict[str, list[str]], arrays: dict[str, np.ndarray]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.settings, self.vocabularies, self.arrays = settings, vocabularies, arrays
        self.vectorizers = []
        for name in ("word", "char"):
            vectorizer = TfidfVectorizer(analyzer="word" if name == "word" else "char_wb",
                                         ngram_range=tuple(settings[f"{name}_ngrams"]), sublinear_tf=True,
                                         strip_accents="unicode", lowercase=True)
            vectorizer.vocabulary_ = {term: i for i, term in enumerate(vocabularies[name])}
            vectorizer.idf_ = arrays[f"{name}_idf"]
            self.vectorizers.append(vectorizer)

    @classmethod
    def of(cls, features: Any, classifier: Any, settings: dict[str, Any]) -> "Linear":
        """From the fitted FeatureUnion (word, char) and CalibratedClassifierCV(ensemble=False)."""
        (calibrated,) = classifier.calibrated_classifiers_
        svm = calibrated.base_estimator
        vocabularies, arrays = {}, {}
        for name, (_, vectorizer) in zip(("word", "char"), features.transformer_list):
            vocabularies[name] = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
            arrays[f"{name}_idf"] = vectorizer.idf_
        arrays["coef"], arrays["intercept"] = svm.coef_, svm.intercept_
        arrays["sigmoid_a"] = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
        arrays["sigmoid_b"] = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
        return cls(settings, vocabularies, arrays)

    def ngrams(self, texts: list[str]):
        import scipy.sparse

        return scipy.sparse.hstack([v.transform(texts) for v in self.vectorizers]).tocsr()

    def probabilities(self, matrix) -> np.ndarray:
        """Calibrated probabilities, as CalibratedClassifierCV.predict_proba (more than two intents)."""
        scores = np.asarray(matrix @ self.arrays["coef"].T) + self.arrays["intercept"]
        proba = 1.0 / (1.0 + np.exp(self.arrays["sigmoid_a"] * scores + self.arrays["sigmoid_b"]))
        total = proba.sum(axis=1)[:, np.newaxis]
        proba = np.divide(proba, total, out=np.full_like(proba, 1 / proba.shape[1]), where=total != 0)
        proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba

    def save(self, folder: Path) -> None:
        np.savez(folder / MODEL_FILE, **{name: self.arrays[name] for name in self.ARRAYS})

    @classmethod
    def read(cls, folder: Path, meta: dict[str, Any]) -> "Linear":
        with np.load(folder / MODEL_FILE, allow_pickle=False) as data:
            arrays = {name: data[name] for name in cls.ARRAYS}
        return cls(meta["settings"], meta["vocabularies"], arrays)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intent and intent ranking of each message, from its text and its sentence vector."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 1.0, "word_ngrams": [1, 2], "char_ngrams": [2, 5], "dense_weight": 0.5,
                "calibration_folds": 5, "ranking_length": 10, "random_seed": 42, "mask_names": False}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> Optional[str]:
        """With `mask_names`, the code that finds names: a change to it trains the classifier again."""
        return knowledge_code_digest(__file__) if config.get("mask_names") else None

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[Linear] = None, meta: Optional[dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.model = model
        self.labels: list[str] = (meta or {}).get("labels", [])
        self.dense_size: int = (meta or {}).get("dense_size", 0)  # 0: text n-grams only
        self._base = ComponentBase("intentions lues sans masquer les noms") if self.config["mask_names"] else None

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        self.labels = sorted({m.get(INTENT) for m in examples})
        if len(self.labels) < 3:  # the calibrated probabilities below are those of more than two classes
            log.warning("LinearIntentClassifier : il faut au moins trois intentions pour l'entraîner.")
            self.model = None
        else:
            index = {label: i for i, label in enumerate(self.labels)}
            features, classifier = build_models(self.config)
            ngrams = features.fit_transform(self._texts(examples))
            self.dense_size = dense_size(examples) if self.config["dense_weight"] > 0 else 0
            classifier.fit(self._rows(ngrams, examples), np.array([index[m.get(INTENT)] for m in examples]))
            settings = {k: self.config[k] for k in ("word_ngrams", "char_ngrams")}
            self.model = Linear.of(features, classifier, settings)
        self.persist()
        return self._resource

    def _texts(self, messages: list[Message]) -> list[str]:
        """The texts the n-grams are read from: with `mask_names`, each followed by itself with its names replaced
        by their record type's word (the texts as they are while the base is missing, with a warning once)."""
        texts = [m.get(TEXT) or "" for m in messages]
        kb = self._base.get() if self._base is not None else None
        return texts if kb is None else [f"{text} {masked(kb.linker, text)}" for text in texts]

    def _dense(self, messages: list[Message]):
        import scipy.sparse

        return scipy.sparse.csr_matrix(self.config["dense_weight"] * sentence_vectors(messages, self.dense_size))

    def _rows(self, ngrams, messages: list[Message]):
        """Feature rows: the messages' TF-IDF n-grams, then their weighted sentence vector (if trained with one)."""
        import scipy.sparse

        if not self.dense_size:
            return ngrams
        return scipy.sparse.hstack([ngrams, self._dense(messages)]).tocsr()

    def _matrix(self, messages: list[Message]):
        return self._rows(self.model.ngrams(self._texts(messages)), messages)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None or not messages:
            return messages
        for message, probabilities in zip(messages, self.model.probabilities(self._matrix(messages))):
            order = np.argsort(-probabilities, kind="stable")[: self.config["ranking_length"]]
            ranking = [{"name": self.labels[i], "confidence": float(probabilities[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        import rasa.shared.utils.io

        with self._model_storage.write_to(self._resource) as folder:
            if self.model is not None:
                self.model.save(folder)
                rasa.shared.utils.io.dump_obj_as_json_to_file(
                    folder / META_FILE, {"labels": self.labels, "dense_size": self.dense_size,
                                         "settings": self.model.settings, "vocabularies": self.model.vocabularies})

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        import rasa.shared.utils.io

        try:
            with model_storage.read_from(resource) as folder:
                if not (folder / MODEL_FILE).exists():
                    return cls(config, model_storage, resource)
                meta = rasa.shared.utils.io.read_json_file(folder / META_FILE)
                try:
                    model = Linear.read(folder, meta)
                except (KeyError, ValueError, OSError) as error:  # never half a model
                    raise RasaException(f"{MODEL_FILE} illisible : {error}") from error
        except ValueError:  # Rasa's way to say « no such resource yet » (before the first training)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, model, meta)
