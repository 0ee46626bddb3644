"""The intent classifier component, trained on the project's real NLU data, featurised by Rasa's own spaCy
components (fr_core_news_md) as in config.yml, saved and loaded through Rasa's model storage.

Kind `nlu` for the whole module: every test here needs Rasa's NLU stack (most also spaCy's French vectors, or a
training on nlu/), not the trained model: `make test` runs them while the model trains."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.dense_featurizer.spacy_featurizer import SpacyFeaturizer
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.exceptions import RasaException
from rasa.shared.importers.utils import training_data_from_paths
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.intent_classifier import (META_FILE, MODEL_FILE, Linear, LinearIntentClassifier, build_models,
                                               sentence_vectors)
from tests import ROOT

pytestmark = pytest.mark.nlu

CONTEXT = ExecutionContext(GraphSchema({}), "test")


def nlu_data(*paths: Path):
    files = [str(p) for path in paths for p in (sorted(path.glob("*.yml")) if path.is_dir() else [path])]
    return training_data_from_paths(files, language="fr")


class Featuriser:
    """SpacyNLP → SpacyTokenizer → SpacyFeaturizer (mean pooling), configured as in config.yml."""

    def __init__(self, storage):
        self.nlp = SpacyNLP.create({"model": "fr_core_news_md", "case_sensitive": False}, storage,
                                   Resource("spacy"), CONTEXT)
        self.tokenizer = SpacyTokenizer.create(SpacyTokenizer.get_default_config(), storage, Resource("tok"), CONTEXT)
        self.featurizer = SpacyFeaturizer.create({**SpacyFeaturizer.get_default_config(), "pooling": "mean"},
                                                 storage, Resource("feat"), CONTEXT)

    def training_data(self, data):
        data = self.nlp.process_training_data(data, self.nlp.provide())
        return self.featurizer.process_training_data(self.tokenizer.process_training_data(data))

    def messages(self, texts: list[str]) -> list[Message]:
        messages = self.nlp.process([Message(data={TEXT: t}) for t in texts], self.nlp.provide())
        return self.featurizer.process(self.tokenizer.process(messages))


@pytest.fixture(scope="module")
def storage(tmp_path_factory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("storage"))


@pytest.fixture(scope="module")
def featuriser(storage) -> Featuriser:
    return Featuriser(storage)


@pytest.fixture(scope="module")
def trained(storage, featuriser) -> Resource:
    resource = Resource("intent_classifier")
    component = LinearIntentClassifier.create({}, storage, resource, CONTEXT)
    component.train(featuriser.training_data(nlu_data(ROOT / "nlu")))
    assert component.dense_size == 300  # fr_core_news_md's vectors are part of the features
    return resource


@pytest.fixture(scope="module")
def classify(featuriser):
    return lambda component, texts: component.process(featuriser.messages(texts))


def test_reloaded_model_generalises_to_the_independent_held_out_set(storage, trained, classify):
    component = LinearIntentClassifier.load({}, storage, trained, CONTEXT)
    held_out = nlu_data(ROOT / "tests" / "nlu_holdout.yml").intent_examples
    messages = classify(component, [m.get(TEXT) for m in held_out])
    right = sum(m.get(INTENT)["name"] == e.get(INTENT) for m, e in zip(messages, held_out))
    assert len(held_out) >= 250 and right / len(held_out) >= 0.95


def test_ranking_is_sorted_calibrated_and_capped(storage, trained, classify):
    component = LinearIntentClassifier.load({"ranking_length": 5}, storage, trained, CONTEXT)
    for message in classify(component, ["quelles etudes pour devenir infirmiere", "", "asdfgh qwerty"]):
        ranking = message.get(INTENT_RANKING_KEY)
        confidences = [r["confidence"] for r in ranking]
        assert len(ranking) == 5 and confidences == sorted(confidences, reverse=True)
        assert message.get(INTENT) == ranking[0] and 0 < sum(confidences) <= 1 + 1e-9
    studies = classify(component, ["quelles etudes pour devenir infirmiere"])[0]
    assert studies.get(INTENT)["name"] == "ask_studies" and studies.get(INTENT)["confidence"] > 0.5


def test_the_sentence_vector_counts_but_text_alone_still_works(storage, trained, classify):
    component = LinearIntentClassifier.load({}, storage, trained, CONTEXT)
    text = "quelles études faut-il pour devenir directrice de communication ?"
    with_vector = classify(component, [text])[0].get(INTENT)
    without = component.process([Message(data={TEXT: text})])[0].get(INTENT)  # no dense features: zeros
    assert with_vector["name"] == without["name"] == "ask_studies"
    assert with_vector["confidence"] != without["confidence"]


def test_with_names_masked_a_long_unseen_name_weighs_less_than_what_is_asked(storage, featuriser, classify,
                                                                               kb_path, monkeypatch):
    """mask_names (config.yml): the n-grams also read the text with the base's names replaced by their type."""
    monkeypatch.setenv("ORIENTATION_KB", str(kb_path))
    assert LinearIntentClassifier.fingerprint_addon({}) is None
    assert LinearIntentClassifier.fingerprint_addon({"mask_names": True})
    component = LinearIntentClassifier.create({"mask_names": True}, storage, Resource("masked"), CONTEXT)
    component.train(featuriser.training_data(nlu_data(ROOT / "nlu")))
    assert {"xformation", "xmetier", "xcertification"} <= set(component.model.vocabularies["word"])
    texts = ["quel est le niveau du BTS cybersécurité, informatique et réseaux, électronique option B électronique "
             "et réseaux ?", "combien de temps dure le DEJEPS animation socio-éducative ou culturelle mention "
             "développement de projets, territoires et réseaux ?"]
    assert [m.get(INTENT)["name"] for m in classify(component, texts)] == ["ask_level", "ask_level"]


def test_untrained_component_leaves_messages_unchanged(tmp_path, classify):
    component = LinearIntentClassifier.load({}, LocalModelStorage(tmp_path), Resource("missing"), CONTEXT)
    message = classify(component, ["bonjour"])[0]
    assert message.get(INTENT) is None and message.get(INTENT_RANKING_KEY) is None


def test_a_damaged_model_file_is_refused(storage, trained, tmp_path):
    """Numbers that are not the model's (or an object hidden in the file) are refused, never half loaded."""
    with storage.read_from(trained) as folder:
        meta = (folder / META_FILE).read_text(encoding="utf-8")
    damaged, resource = LocalModelStorage(tmp_path), Resource("damaged")
    with damaged.write_to(resource) as folder:
        (folder / META_FILE).write_text(meta, encoding="utf-8")
        np.savez(folder / MODEL_FILE, coef=np.array([object()], dtype=object))  # pickled: refused by np.load
    with pytest.raises(RasaException, match="illisible"):
        LinearIntentClassifier.load({}, damaged, resource, CONTEXT)


def test_the_saved_model_is_numbers_and_json(storage, trained):
    with storage.read_from(trained) as folder:
        with np.load(folder / MODEL_FILE, allow_pickle=False) as data:
            assert set(data.files) == set(Linear.ARRAYS) and all(data[n].dtype.kind == "f" for n in data.files)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    assert len(meta["labels"]) >= 20 and meta["dense_size"] == 300
    assert len(meta["vocabularies"]["word"]) > 1000 and len(meta["vocabularies"]["char"]) > 10000


def test_the_kept_model_predicts_as_the_fitted_sklearn_model(featuriser):
    """`Linear` computes what CalibratedClassifierCV.predict_proba gives, from the numbers it keeps."""
    import scipy.sparse

    data = featuriser.training_data(nlu_data(ROOT / "nlu"))
    examples = [m for m in data.intent_examples if m.get(TEXT) and m.get(INTENT)][::4]
    labels = sorted({m.get(INTENT) for m in examples})
    config = LinearIntentClassifier.get_default_config()
    features, classifier = build_models(config)
    texts = [m.get(TEXT) for m in examples]
    matrix = scipy.sparse.hstack([features.fit_transform(texts),
                                  scipy.sparse.csr_matrix(0.5 * sentence_vectors(examples, 300))]).tocsr()
    classifier.fit(matrix, np.array([labels.index(m.get(INTENT)) for m in examples]))
    kept = Linear.of(features, classifier, {k: config[k] for k in ("word_ngrams", "char_ngrams")})
    unseen = ["c koi le salaire d'un plombier", "bonjour", "", "je veux parler à quelqu'un", "zzz qqq"]
    new = scipy.sparse.hstack([kept.ngrams(unseen), scipy.sparse.csr_matrix(np.zeros((len(unseen), 300)))]).tocsr()
    assert (kept.ngrams(texts) != features.transform(texts)).nnz == 0
    assert np.allclose(kept.probabilities(matrix), classifier.predict_proba(matrix), atol=1e-12)
    assert np.allclose(kept.probabilities(new), classifier.predict_proba(new), atol=1e-12)
