"""Keep TensorFlow out of a Rasa serving process whose model has no TensorFlow component (~335 MB, ~3 s).

Rasa 3.6 imports TensorFlow at module level from modules every `rasa run` imports, whatever the model:
rasa/server.py → core/agent.py → … → nlu/extractors/extractor.py → utils/train_utils.py →
utils/tensorflow/callback.py (`import tensorflow`), and loading a model rebuilds its training schema, which
imports DIET, ResponseSelector and TED. Refusing the import breaks those modules (callback.py subclasses
`tf.keras.callbacks.Callback` at import), so `keep_tensorflow_out()`, called before Rasa is imported, puts
inert placeholders (« ghosts ») in place of tensorflow and keras: any attribute is another ghost, a ghost can be
called, subclassed, used as a decorator or type hint, so Rasa's modules import; creating an instance of a class
derived from a ghost (a Keras model or layer: DIET, TED…) raises TensorFlowKeptOut. No Rasa code is changed.

`model_needs_tensorflow` reads the model's metadata.json only: the ghosts are for models without TF components.
"""
from __future__ import annotations

import abc
import importlib.abc
import importlib.machinery
import sys
import types

GHOSTED = ("tensorflow", "keras", "tensorflow_text", "tensorflow_hub", "tensorflow_estimator",
           "tensorflow_addons", "tensorflow_io_gcs_filesystem", "tf_keras")


class TensorFlowKeptOut(RuntimeError):
    """A component that needs TensorFlow was created in a process that keeps it out."""


def _is_ghosted(name: str) -> bool:
    return name.split(".", 1)[0] in GHOSTED


class _GhostMeta(abc.ABCMeta):
    """Metaclass of the ghosts (ABCMeta so that classes mixing a ghost with an ABC get a valid metaclass)."""
    _cache: dict = {}

    def __getattr__(cls, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _ghost(f"{cls._ghost_path}.{name}")

    def __call__(cls, *args, **kwargs):
        if cls.__dict__.get("_is_ghost"):
            return _ghost(f"{cls._ghost_path}()")  # tf.function(f), tf.TensorSpec(...), decorators...
        raise TensorFlowKeptOut(
            f"{cls.__module__}.{cls.__qualname__} needs TensorFlow, kept out of this process "
            f"(bot/server/no_tensorflow.py).")

    def __repr__(cls):
        return f"<ghost {cls._ghost_path}>" if cls.__dict__.get("_is_ghost") else super().__repr__()

    # a ghost may appear in module-level expressions (tf.float32 == x, -1e9 * tf.x, tf.a | tf.b)
    def __or__(cls, other):
        return _ghost(f"{cls._ghost_path}|")

    __ror__ = __and__ = __rand__ = __or__

    def __mul__(cls, other):
        return _ghost(f"{cls._ghost_path}*")

    __rmul__ = __add__ = __radd__ = __sub__ = __rsub__ = __truediv__ = __rtruediv__ = __mul__

    def __neg__(cls):
        return _ghost(f"{cls._ghost_path}-")

    def __getitem__(cls, item):
        return _ghost(f"{cls._ghost_path}[]")

    def __iter__(cls):
        return iter(())

    def __bool__(cls):
        return False

    def __len__(cls):
        return 0


def _ghost(path: str) -> type:
    ghost = _GhostMeta._cache.get(path)
    if ghost is None:
        name = path.rsplit(".", 1)[-1]
        ghost = _GhostMeta(name or "ghost", (), {"_ghost_path": path, "_is_ghost": True,
                                                  "__module__": path.rsplit(".", 1)[0]})
        _GhostMeta._cache[path] = ghost
    return ghost


class _GhostModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        full = f"{self.__name__}.{name}"
        return sys.modules[full] if full in sys.modules else _ghost(full)


class _GhostFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if _is_ghosted(name):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _GhostModule(spec.name)
        module.__path__ = []
        module.__version__ = "0+ghost"
        return module

    def exec_module(self, module):
        pass


_FINDER = _GhostFinder()


def keep_tensorflow_out() -> bool:
    """Installs the ghosts; False (and nothing done) if TensorFlow is already imported."""
    if any(_is_ghosted(name) for name in sys.modules):
        return False
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    return True


# Rasa 3.6 components that run TensorFlow at inference (a custom TF component would need adding here).
TF_COMPONENTS = {
    "rasa.nlu.classifiers.diet_classifier.DIETClassifier",
    "rasa.nlu.selectors.response_selector.ResponseSelector",
    "rasa.nlu.featurizers.dense_featurizer.convert_featurizer.ConveRTFeaturizer",
    "rasa.nlu.featurizers.dense_featurizer.lm_featurizer.LanguageModelFeaturizer",
    "rasa.core.policies.ted_policy.TEDPolicy",
    "rasa.core.policies.unexpected_intent_policy.UnexpecTEDIntentPolicy",
}


def model_needs_tensorflow(model: str) -> bool:
    """Whether the model archive (or the newest *.tar.gz of a directory, as Rasa picks it) runs a TF component.
    Reads only metadata.json from the archive (no Rasa import)."""
    import glob
    import json
    import os
    import tarfile

    if os.path.isdir(model):
        archives = glob.glob(os.path.join(model, "*.tar.gz"))
        if not archives:
            return True  # unknown: let TensorFlow in
        model = max(archives, key=os.path.getmtime)
    try:
        with tarfile.open(model, "r:gz") as tar:
            member = next(m for m in tar.getmembers() if m.name.lstrip("/") == "metadata.json")
            metadata = json.load(tar.extractfile(member))
    except (OSError, StopIteration, tarfile.TarError, ValueError):
        return True  # unreadable: Rasa will say why, with TensorFlow in
    used = {node["uses"] for node in metadata["predict_schema"]["nodes"].values()}
    return bool(used & TF_COMPONENTS)


def config_needs_tensorflow(config: str) -> bool:
    """Whether training with this config.yml builds a TF component (its pipeline or policies name one, by class
    name or path; a config that cannot be read lets TensorFlow in)."""
    import yaml

    short = {path.rsplit(".", 1)[1] for path in TF_COMPONENTS}
    try:
        with open(config, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        names = [str(c.get("name", "")) for c in [*(data.get("pipeline") or []), *(data.get("policies") or [])]]
    except (OSError, yaml.YAMLError, AttributeError):
        return True
    if not data.get("pipeline") or not data.get("policies"):
        return True  # Rasa would fill in its defaults, DIET and TED among them
    return any(name in TF_COMPONENTS or name.rsplit(".", 1)[-1] in short for name in names)
