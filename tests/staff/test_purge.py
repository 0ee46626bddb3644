"""`orientation purge`: only the conversations whose last event is older than the limit are deleted."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from orientation.cli import main
from staff.purge import purge, retention_days
from staff.unanswered import engine_from_endpoints

DAY = 86400.0
CONVERSATIONS = {
    "ancienne-1": ["que fait un dircom ?", "et quelles études faut-il faire ?"],
    "ancienne-2": ["parle-moi du titre cross média"],
    "presque-ancienne": ["bonjour"],  # 89 days: kept with 90
    "mixte": ["que fait un chef de publicité ?", "merci"],  # old start, recent last message: kept whole
    "recente": ["que fait un dircom ?"],
}


def _counts(engine: sa.engine.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return dict(connection.execute(sa.text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")).all())


def _backdate(engine: sa.engine.Engine, sender: str, days: float, all_but_last: bool = False) -> None:
    condition = "sender_id = :sender"
    if all_but_last:
        condition += " AND id < (SELECT MAX(id) FROM events WHERE sender_id = :sender)"
    with engine.begin() as connection:
        connection.execute(sa.text(f"UPDATE events SET timestamp = timestamp - :shift WHERE {condition}"),
                           {"shift": days * DAY, "sender": sender})


@pytest.mark.e2e
def test_purge_deletes_only_old_conversations(shared_stack, capsys) -> None:
    """On the session's stack: the other tests' conversations are recent, and counted before and after."""
    stack = shared_stack
    for sender, messages in CONVERSATIONS.items():
        for text in messages:
            assert stack.say(sender, text)
    endpoints = stack.db.parent / "endpoints.yml"
    engine = engine_from_endpoints(endpoints)
    _backdate(engine, "ancienne-1", 400)
    _backdate(engine, "ancienne-2", 91)
    _backdate(engine, "presque-ancienne", 89)
    _backdate(engine, "mixte", 200, all_but_last=True)
    before = _counts(engine)
    assert set(CONVERSATIONS) <= set(before)

    assert main(["purge", "--jours", "90", "--simulation", "--endpoints", str(endpoints)]) == 0
    assert "2 conversation(s) à supprimer" in capsys.readouterr().out
    assert _counts(engine) == before

    assert main(["purge", "--jours", "90", "--endpoints", str(endpoints)]) == 0
    old_events = before["ancienne-1"] + before["ancienne-2"]
    assert f"2 conversation(s) supprimée(s), {old_events} événement(s)" in capsys.readouterr().out
    after = _counts(engine)
    assert "ancienne-1" not in after and "ancienne-2" not in after
    assert after == {k: v for k, v in before.items() if not k.startswith("ancienne-")}

    assert main(["purge", "--jours", "90", "--endpoints", str(endpoints)]) == 0  # nothing left to do
    assert "0 conversation(s) supprimée(s), 0 événement(s)" in capsys.readouterr().out

    # The kept conversation goes on where it was: the follow-up still knows the job.
    assert "bac + 5" in "\n".join(m.get("text", "") for m in stack.say("recente", "et quelles études faut-il faire ?"))
    # A purged conversation starts again from nothing, and still works.
    assert stack.say("ancienne-1", "bonjour")
    assert _counts(engine)["ancienne-1"] > 0


@pytest.mark.unit
def test_purge_of_an_empty_store_and_bad_limits(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'vide.db'}")
    assert purge(engine, 90).conversations == 0  # no events table yet: nothing to do
    with pytest.raises(ValueError):
        purge(engine, 0)
    with pytest.raises(SystemExit):
        main(["purge", "--jours", "0"])


@pytest.mark.unit
def test_purge_boundary_with_a_fixed_clock(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    now = time.time()
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
                                   "type_name VARCHAR(255), timestamp FLOAT, data TEXT)"))
        rows = [("a", now - 10 * DAY - 1), ("a", now - 10 * DAY - 2), ("b", now - 10 * DAY + 60), ("c", now)]
        for sender, stamp in rows:
            connection.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                                       "VALUES (:s, 'user', :t, '{}')"), {"s": sender, "t": stamp})
    result = purge(engine, 10, now=now)
    assert (result.conversations, result.events) == (1, 2)
    assert _counts(engine) == {"b": 1, "c": 1}


@pytest.mark.unit
def test_retention_default_comes_from_the_settings(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("ORIENTATION_RETENTION_JOURS", raising=False)
    monkeypatch.delenv("ORIENTATION_SETTINGS", raising=False)
    assert retention_days() == 90  # orientation.yml as shipped
    settings = tmp_path / "orientation.yml"
    settings.write_text("retention_jours: 30\n", encoding="utf-8")
    monkeypatch.setenv("ORIENTATION_SETTINGS", str(settings))
    assert retention_days() == 30
    monkeypatch.setenv("ORIENTATION_RETENTION_JOURS", "7")
    assert retention_days() == 7
