"""Rasa's SpacyNLP, loading only the parts of the spaCy model the pipeline reads, and once per process.

The pipeline reads spaCy's tokens and its static word vectors (SpacyTokenizer, SpacyFeaturizer: the sentence vector
of the intent classifier); no part of it reads the tagger, the lemmatizer, the dependency parser or the named
entities. Rasa's SpacyNLP runs them all but the parser on every message (~5 ms a message on 2 cores, +150 MB);
here the components listed in `exclude` are not loaded at all — the vectors, hence the features, are the same.
Rasa's graph has two SpacyNLP nodes (provide, run): both share one loaded model.

Same class name as Rasa's, on purpose: Rasa's recipe finds the model provider of SpacyTokenizer and SpacyFeaturizer
by that name (`model_from="SpacyNLP"`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils import spacy_utils
from rasa.nlu.utils.spacy_utils import SpacyModel

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def load(name: str, exclude: tuple[str, ...]) -> SpacyModel:
    """The spaCy model `name` without the `exclude` components (loaded once per process, read-only after)."""
    import spacy

    if not exclude:
        return spacy_utils.SpacyNLP.load_model(name)
    try:
        language = spacy.load(name, exclude=list(exclude))
    except OSError as error:
        raise spacy_utils.InvalidModelError(f"Modèle spaCy introuvable : {name} ({error})") from error
    return SpacyModel(model=language, model_name=name)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False, model_from="SpacyNLP")
class SpacyNLP(spacy_utils.SpacyNLP):
    """SpacyNLP with an `exclude` setting: the spaCy components not to load."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**spacy_utils.SpacyNLP.get_default_config(), "exclude": []}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SpacyNLP":
        config = {**cls.get_default_config(), **config}
        model = load(config.get("model"), tuple(config["exclude"]))
        cls.ensure_proper_language_model(model.model)
        log.debug("spaCy %s : composants %s", config.get("model"), model.model.pipe_names or "aucun")
        return cls(model, config)
