"""bot/server/no_tensorflow.py: TensorFlow kept out of the Rasa server when the model has no TensorFlow component."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap
import time
from pathlib import Path

import pytest

from bench.procfs import cmdline, descendants
from bot.server.no_tensorflow import model_needs_tensorflow
from tests import PROCESS_TIMEOUT, ROOT


def _model(path: Path, components: list[str]) -> Path:
    """A model archive whose metadata.json lists these components in its predict graph (all Rasa reads here)."""
    metadata = {"predict_schema": {"nodes": {f"node{i}": {"uses": c} for i, c in enumerate(components)}}}
    data = json.dumps(metadata).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.unit
def test_a_model_needs_tensorflow_only_with_a_tensorflow_component(tmp_path):
    lean = _model(tmp_path / "lean.tar.gz", ["rasa.nlu.utils.spacy_utils.SpacyNLP",
                                             "bot.components.entity_extractor.KnowledgeEntityExtractor"])
    diet = _model(tmp_path / "diet.tar.gz", ["rasa.nlu.classifiers.diet_classifier.DIETClassifier"])
    ted = _model(tmp_path / "ted.tar.gz", ["rasa.core.policies.ted_policy.TEDPolicy"])
    assert not model_needs_tensorflow(str(lean))
    assert model_needs_tensorflow(str(diet)) and model_needs_tensorflow(str(ted))
    folder = tmp_path / "models"
    folder.mkdir()
    _model(folder / "old.tar.gz", ["rasa.nlu.classifiers.diet_classifier.DIETClassifier"])
    newest = _model(folder / "new.tar.gz", ["rasa.nlu.utils.spacy_utils.SpacyNLP"])
    os.utime(newest, (time.time() + 60, time.time() + 60))
    assert not model_needs_tensorflow(str(folder))  # the newest archive, as Rasa picks it


@pytest.mark.unit
def test_an_unknown_model_lets_tensorflow_in(tmp_path):
    """Unreadable, missing or an empty folder: Rasa will say what is wrong, with TensorFlow available."""
    (tmp_path / "broken.tar.gz").write_bytes(b"not a tar")
    (tmp_path / "empty").mkdir()
    for model in ("broken.tar.gz", "missing.tar.gz", "empty"):
        assert model_needs_tensorflow(str(tmp_path / model)), model


CHECK = """
    import sys
    from bot.server.no_tensorflow import TensorFlowKeptOut, keep_tensorflow_out
    assert keep_tensorflow_out()
    import rasa.core.agent, rasa.core.run, rasa.server  # what `rasa run` imports: they import TensorFlow
    from rasa.nlu.classifiers.diet_classifier import DIET
    import tensorflow
    assert tensorflow.__version__ == "0+ghost", tensorflow.__version__
    try:
        DIET(config={}, data_signature={}, label_data=None, entity_tag_specs=None)
    except TensorFlowKeptOut as error:
        print("KEPT OUT:", error)
"""


@pytest.mark.unit
def test_rasa_imports_and_a_tensorflow_component_says_why_it_cannot_be_built():
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(CHECK)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=PROCESS_TIMEOUT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "KEPT OUT:" in done.stdout and "needs TensorFlow" in done.stdout


@pytest.mark.e2e
def test_the_running_rasa_server_has_no_tensorflow_in_memory(shared_stack):
    """The shared stack's Rasa process (the project's model): no TensorFlow library mapped, and it answers."""
    assert shared_stack.say("tf-absent", "que fait un chef de pub ?")
    servers = [pid for pid in descendants(shared_stack.proc.pid)
               if "bot.server.rasa_server" in cmdline(pid) and "run" in cmdline(pid)]
    assert len(servers) == 1, [cmdline(pid) for pid in descendants(shared_stack.proc.pid)]
    maps = Path(f"/proc/{servers[0]}/maps").read_text()
    assert "spacy" in maps or "thinc" in maps or "numpy" in maps  # the check reads the right process
    assert "tensorflow" not in maps.lower()


@pytest.mark.unit
def test_a_config_needs_tensorflow_only_with_a_tensorflow_component(tmp_path):
    from bot.server.no_tensorflow import config_needs_tensorflow

    assert not config_needs_tensorflow(str(ROOT / "config.yml"))  # ours
    diet = tmp_path / "diet.yml"
    diet.write_text("pipeline:\n  - name: SpacyNLP\n  - name: DIETClassifier\npolicies:\n  - name: RulePolicy\n")
    ted = tmp_path / "ted.yml"
    ted.write_text("pipeline:\n  - name: SpacyNLP\npolicies:\n  - name: rasa.core.policies.ted_policy.TEDPolicy\n")
    defaults = tmp_path / "defaults.yml"
    defaults.write_text("language: fr\n")  # Rasa fills in its default pipeline and policies: DIET, TED
    for config in (diet, ted, defaults, tmp_path / "missing.yml"):
        assert config_needs_tensorflow(str(config)), config.name
