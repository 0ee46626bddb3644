"""bot/server/rasa_server.py: Rasa's CLI with our patches. Real Rasa throughout (nothing of Rasa is mocked).

- ORIENTATION_RASA_PATCHES chooses the patches; a patch whose target changed is skipped with a warning;
- `json`: same result and same error as Rasa's own validation of an action server's answer;
- `sqlite`: a real SQLTrackerStore keeps one connection, in WAL mode; PostgreSQL keeps Rasa's engine arguments;
- the trained model loaded without and with all patches (one fresh interpreter each) parses ~40 messages of
  tests/nlu_holdout.yml into the same intents, confidences and entities.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.server import rasa_server
from bot.server.rasa_server import ALL, ENV, apply_patches, restore_originals, selected
from tests import ROOT

MODEL = ROOT / "models" / "orientation.tar.gz"
HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"


@pytest.fixture
def patches():
    """apply_patches, Rasa's functions put back afterwards (the other tests of the session see plain Rasa)."""
    yield apply_patches
    restore_originals()


# -- choosing the patches -----------------------------------------------------------------------------

@pytest.mark.unit
def test_patches_are_chosen_by_the_environment_variable() -> None:
    assert ALL == ("json", "events", "spacy", "sqlite")
    assert selected(None) == selected("") == selected(" all ") == selected("ALL") == ALL  # the default
    assert selected("none") == selected(" None ") == ()
    assert selected("sqlite, json") == ("json", "sqlite")  # always in the same order
    assert selected("spacy,,spacy") == ("spacy",)
    assert selected("all,json") == ALL


@pytest.mark.unit
@pytest.mark.parametrize("value, named", [("jsn", "jsn"), ("json,bogus", "bogus"), ("none,json", "none")])
def test_an_unknown_patch_name_is_a_clear_error(value: str, named: str, monkeypatch, capsys) -> None:
    with pytest.raises(ValueError, match=ENV) as error:
        selected(value)
    assert named in str(error.value) and ("json, events, spacy, sqlite" in str(error.value) or named == "none")
    monkeypatch.setenv(ENV, value)
    assert rasa_server.main(["--version"]) == 2  # refused before Rasa is even imported
    assert f"Erreur : {ENV}" in capsys.readouterr().err


def run_at_once(*commands: tuple[list[str], dict[str, str]]) -> list[subprocess.CompletedProcess]:
    """Runs the (command, environment) pairs side by side (2 cores), as subprocess.run would one by one."""
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for command, env in commands]
    outputs = [p.communicate(timeout=300) for p in procs]
    return [subprocess.CompletedProcess(p.args, p.returncode, *out) for p, out in zip(procs, outputs)]


@pytest.mark.unit
def test_the_command_behaves_like_the_rasa_executable_and_logs_the_patches() -> None:
    env_none = {**os.environ, ENV: "none", "RASA_TELEMETRY_ENABLED": "false"}
    plain, ours = run_at_once(([str(Path(sys.executable).with_name("rasa")), "--version"], env_none),
                              (rasa_server.command(sys.executable, "--version"), {**env_none, ENV: "sqlite,json"}))
    assert plain.returncode == ours.returncode == 0
    assert "Rasa Version      :         3.6.21" in ours.stdout and ours.stdout == plain.stdout
    assert "INFO     orientation.rasa_server  - Correctifs de Rasa appliqués : json, sqlite." in ours.stderr


@pytest.mark.unit
def test_the_commands_are_recognised_as_rasa_servers() -> None:
    assert rasa_server.command("/v/bin/python", "run", "--port", "1") == ["/v/bin/python", "-m", "bot.server.rasa_server",
                                                                        "run", "--port", "1"]
    assert rasa_server.is_rasa_server(["/v/bin/python", "-m", "bot.server.rasa_server", "run", "--model", "m"])
    assert rasa_server.is_rasa_server(["/v/bin/python", "/v/bin/rasa", "run", "--model", "m"])
    assert not rasa_server.is_rasa_server(["/v/bin/python", "/v/bin/rasa", "train"])
    assert not rasa_server.is_rasa_server(["/v/bin/python", "-m", "bot.server.actions_server", "--port", "1"])


@pytest.mark.unit
def test_apply_is_idempotent_and_a_changed_target_is_skipped_with_a_warning(patches, monkeypatch, caplog) -> None:
    from rasa.core.actions.action import RemoteAction

    caplog.set_level(logging.INFO, logger="orientation.rasa_server")
    assert patches(["json"]) == ["json"]
    validate = RemoteAction._validate_action_result
    assert patches(["json"]) == ["json"] and RemoteAction._validate_action_result is validate  # not twice

    def changed_in_rasa() -> None:  # what a Rasa upgrade renaming the patched parameters would look like
        rasa_server._expect(lambda self, response: True, "self", "result")

    monkeypatch.setitem(rasa_server.PATCHES, "spacy", changed_in_rasa)
    assert patches(["spacy", "sqlite"]) == ["json", "sqlite"]  # spacy skipped, the others in place
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert any(level == "WARNING" and "« spacy » ignoré" in text and "TargetChanged" in text
               for level, text in messages), messages
    assert ("INFO", "Correctifs de Rasa appliqués : json, sqlite.") in messages
    restore_originals()
    assert RemoteAction._validate_action_result is not validate  # Rasa's own again


# -- json -----------------------------------------------------------------------------------------------

ANSWERS = [
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "slot", "name": "subject", "value": "graphiste", "timestamp": None}],
     "responses": [{"text": "Bonjour", "buttons": []}, {"response": "utter_greet"}]},
    {"events": [{"event": "followup", "name": "action_listen"}, {"event": "reset_slots"}]},
    # invalid
    {"events": "none"},
    {"responses": [1, 2]},
    {"events": [{"name": "subject"}]},  # no "event"
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": "x", "value": 1, "timestamp": "now"}]},
    [],
    "texte",
]


def outcome(validate, action, answer):
    try:
        return validate(action, answer)
    except jsonschema.ValidationError as error:
        return ("ValidationError", error.message, list(error.absolute_path), error.validator, str(error))


@pytest.mark.unit
def test_json_patch_validates_like_rasa(patches) -> None:
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer", None)
    rasa_own = RemoteAction._validate_action_result
    expected = [outcome(rasa_own, action, answer) for answer in ANSWERS]
    assert expected[:4] == [True] * 4 and all(isinstance(e, tuple) for e in expected[4:])
    assert "Failed to validate Action server response from API" in expected[4][1]  # Rasa's own message
    patches(["json"])
    ours = RemoteAction._validate_action_result
    assert ours is not rasa_own
    assert [outcome(ours, action, answer) for answer in ANSWERS] == expected
    assert [outcome(lambda _, a: action._validate_action_result(a), action, answer) for answer in ANSWERS] == expected

    def cpu(validate) -> float:
        start = time.process_time()
        for _ in range(50):
            validate(action, ANSWERS[2])
        return time.process_time() - start

    assert cpu(ours) < cpu(rasa_own) / 2  # the point of it: no schema check and new validator per answer


# -- events ---------------------------------------------------------------------------------------------

@pytest.mark.unit
def test_events_patch_resolves_like_rasa(patches) -> None:
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    names = ["user", "action", "slot", "bot", "reset_slots", "session_started", "active_loop", "followup"]
    expected = [Event.resolve_by_type(name) for name in names]
    assert expected[:3] == [UserUttered, ActionExecuted, SlotSet]
    patches(["events"])
    assert [Event.resolve_by_type(name) for name in names] == expected
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet  # Rasa's default
    assert Event.resolve_by_type("topic") is None  # Rasa's backwards compatibility
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")

    class LateEvent(SlotSet):  # an Event subclass defined after the first lookup is found too
        type_name = "late_event_of_the_test"

    assert Event.resolve_by_type("late_event_of_the_test") is LateEvent
    events = [{"event": "action", "name": "action_listen"}, {"event": "slot", "name": "focus", "value": "x"}]
    assert [type(Event.from_parameters(e)) for e in events] == [ActionExecuted, SlotSet]

    def cpu() -> float:
        start = time.process_time()
        for _ in range(300):
            Event.resolve_by_type("slot")
        return time.process_time() - start

    ours = cpu()
    restore_originals()
    assert ours < cpu() / 5  # the point of it: no walk over every Event subclass per event read back


# -- sqlite ---------------------------------------------------------------------------------------------

def journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as db:  # a separate connection, as another process would see the file
        return db.execute("PRAGMA journal_mode").fetchone()[0]


def new_tracker(sender: str):
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen"), UserUttered("que fait un graphiste ?", {"name": "ask_description",
                                                                                "confidence": 0.9}),
        SlotSet("subject", "graphiste"), BotUttered("Le graphiste conçoit des images."),
        ActionExecuted("action_listen")])


@pytest.mark.unit
def test_sqlite_patch_keeps_one_connection_in_wal_mode(patches, tmp_path) -> None:
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from sqlalchemy.pool import NullPool, SingletonThreadPool

    domain = Domain.from_yaml('version: "3.1"\nslots:\n  subject:\n    type: text\n    mappings: [{type: custom}]\n')
    plain = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "plain.db"))
    assert isinstance(plain.engine.pool, NullPool)  # Rasa's: a connection per operation
    patches(["sqlite"])
    path = tmp_path / "conversations.db"
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(path))
    assert isinstance(store.engine.pool, SingletonThreadPool)
    connections = []
    sa.event.listen(store.engine, "connect", lambda dbapi, _: connections.append(dbapi))
    tracker = new_tracker("wal")

    async def save_and_reload():
        await store.save(tracker)
        await store.save(tracker)  # nothing new: no duplicate event
        return await store.retrieve("wal"), await store.retrieve("absent"), list(await store.keys())

    again, absent, keys = asyncio.run(save_and_reload())
    assert again is not None and list(again.events) == list(tracker.events) and absent is None and keys == ["wal"]
    assert again.get_slot("subject") == "graphiste"
    assert connections == []  # all on the connection opened at start
    assert journal_mode(path) == "wal"
    with sqlite3.connect(path) as db:  # what another process (orientation rapport, purge) reads
        assert db.execute("SELECT count(*) FROM events WHERE sender_id = 'wal'").fetchone()[0] == len(tracker.events)
    # Other SQLite engines of the process are left alone, and so was the store created before the patch.
    other = tmp_path / "other.db"
    with sa.create_engine(f"sqlite:///{other}").connect() as connection:
        connection.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    assert journal_mode(other) == "delete" and journal_mode(tmp_path / "plain.db") == "delete"


@pytest.mark.unit
def test_sqlite_patch_leaves_postgresql_to_rasa(patches, monkeypatch) -> None:
    import rasa.core.tracker_store as tracker_store
    from rasa.core.tracker_store import SQLTrackerStore

    monkeypatch.setenv("POSTGRESQL_SCHEMA", "orientation")
    urls = ["postgresql://orientation:secret@127.0.0.1:5432/orientation",
            SQLTrackerStore.get_db_url("postgresql", "127.0.0.1", 5432, "orientation", "orientation", "secret")]
    rasa_own = tracker_store.create_engine_kwargs
    expected = [rasa_own(url) for url in urls]
    assert expected[0] == expected[1] and expected[0]["connect_args"] == {"options": "-csearch_path=orientation"}
    assert rasa_own("sqlite:///x.db") == {}
    patches(["sqlite"])
    assert tracker_store.create_engine_kwargs is not rasa_own
    assert [tracker_store.create_engine_kwargs(url) for url in urls] == expected
    assert set(tracker_store.create_engine_kwargs("sqlite:///x.db")) == {"poolclass"}
    assert set(tracker_store.create_engine_kwargs(SQLTrackerStore.get_db_url("sqlite", db="x.db"))) == {"poolclass"}


# -- the model: same NLU without and with every patch -----------------------------------------------------

PARSE_SCRIPT = r'''
import asyncio, json, sys
applied = []
if sys.argv[2] == "patched":
    from bot.server.rasa_server import apply_patches
    applied = apply_patches()
import spacy
calls = {"spacy_load": 0}
spacy_load = spacy.load
def counted_load(*args, **kwargs):
    calls["spacy_load"] += 1
    return spacy_load(*args, **kwargs)
spacy.load = counted_load  # counted, not replaced
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
texts = json.loads(sys.stdin.read())
async def parse_all():
    return [await agent.parse_message(text) for text in texts]
parses = asyncio.run(parse_all())
print("PARSES " + json.dumps({"applied": applied, "calls": calls, "parses": parses},
                             default=lambda o: o.item() if hasattr(o, "item") else str(o)))
'''


def holdout_texts(count: int = 40) -> list[str]:
    """`count` messages spread over tests/nlu_holdout.yml (every intent), entity markup removed."""
    texts = []
    for block in yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))["nlu"]:
        for line in block.get("examples", "").splitlines():
            text = line.strip().removeprefix("- ")
            texts.append(re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", text))
    return [texts[i * len(texts) // count] for i in range(count)]


def assert_same(a, b, where: str = "") -> None:
    """Equal, floats to 1e-5."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-5), where
    elif isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


@pytest.mark.model
def test_the_model_parses_the_same_without_and_with_the_patches(tmp_path) -> None:
    assert MODEL.exists(), f"modèle absent ({MODEL}) : lancez « make model »"
    model = tmp_path / "orientation.tar.gz"
    shutil.copy2(MODEL, model)  # the original may be retrained meanwhile
    texts = holdout_texts()
    assert len(texts) == 40 and len(set(texts)) == 40
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop(ENV, None)  # the patched run applies them all, whatever the developer's environment says
    runs = {kind: subprocess.Popen([sys.executable, "-c", PARSE_SCRIPT, str(model), kind], cwd=ROOT, env=env,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for kind in ("plain", "patched")}
    results = {}
    for kind, proc in runs.items():
        out, err = proc.communicate(json.dumps(texts), timeout=900)
        line = next((ln for ln in out.splitlines() if ln.startswith("PARSES ")), None)
        assert proc.returncode == 0 and line, f"{kind} : code {proc.returncode}\n{err[-3000:]}"
        results[kind] = json.loads(line.split(" ", 1)[1])
    plain, patched = results["plain"], results["patched"]
    # The patched run really took the patched paths, the plain one Rasa's.
    assert plain["applied"] == [] and patched["applied"] == list(ALL)
    # spaCy loaded once either way: our SpacyNLP (bot/components/spacy_nlp.py) shares its model between the two
    # nodes of the graph; the spacy patch does the same for Rasa's own SpacyNLP (the bench's reference).
    assert plain["calls"] == patched["calls"] == {"spacy_load": 1}
    intents = set()
    for text, a, b in zip(texts, plain["parses"], patched["parses"]):
        assert a["text"] == b["text"] == text
        assert a["intent"]["name"] == b["intent"]["name"], text
        assert a["intent"]["confidence"] == pytest.approx(b["intent"]["confidence"], abs=1e-5), text
        assert_same(a["entities"], b["entities"], f"{text} : entities")
        assert_same(a, b, text)  # and everything else (intent ranking, tokens…)
        intents.add(a["intent"]["name"])
    assert len(intents) >= 15  # varied messages
    assert sum(len(p["entities"]) for p in plain["parses"]) >= 15  # the entities are compared too
