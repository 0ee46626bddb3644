"""`python -m bot.server.rasa_server <arguments of rasa…>`: Rasa's own CLI (e.g. `run --model M --port P`), with patches.

The patches remove work Rasa 3.6.21 repeats for nothing, in the Rasa process only; NLU outputs are the same
with and without them (tests/bot/server/test_rasa_server.py). Measured on 2 cores: p50 latency halved, cold start
37 s → 17 s, ~850 MB less RSS (with DIET, since replaced). ORIENTATION_RASA_PATCHES chooses them: "all" (the default), "none", or a
comma list among json, events, spacy, sqlite — so one can be turned off if a Rasa upgrade breaks it. A patch
whose target is gone from Rasa (or changed signature) is skipped with a warning.

This module imports nothing heavy: bench.benchmark and bench.loadtest use `is_rasa_server`.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from bot.server.no_tensorflow import config_needs_tensorflow, keep_tensorflow_out, model_needs_tensorflow
from bot.server.quiet import quiet

ENV = "ORIENTATION_RASA_PATCHES"
ALL = ("json", "events", "spacy", "sqlite")
MODULE = "bot.server.rasa_server"
log = logging.getLogger("orientation.rasa_server")

_ORIGINALS: dict[tuple[Any, str], Any] = {}  # (owner, attribute) → what Rasa had there
_APPLIED: list[str] = []


class TargetChanged(Exception):
    """Rasa's code no longer looks like what a patch replaces."""


def _replace(owner: Any, name: str, value: Any) -> None:
    _ORIGINALS.setdefault((owner, name), vars(owner)[name])
    setattr(owner, name, value)


def _expect(function: Callable, *params: str) -> None:
    import inspect

    found = tuple(inspect.signature(function).parameters)[:len(params)]
    if found != params:
        raise TargetChanged(f"{function.__qualname__}{found}, attendu {params}")


# -- the patches ------------------------------------------------------------------------------------------

def patch_json() -> None:
    """RemoteAction._validate_action_result: the action server's answer checked by code compiled once from Rasa's
    schema (fastjsonschema), not by a jsonschema validator built and walked for every answer.

    Rasa calls jsonschema.validate() on every answer of the action server, which checks the schema, builds a
    validator and walks it: ~17 % of Rasa's busy time under load, ~3 ms a turn. A valid answer now goes through
    the compiled check; an invalid one through Rasa's own function, so the error raised is Rasa's."""
    import fastjsonschema
    from rasa.core.actions.action import RemoteAction

    original = vars(RemoteAction)["_validate_action_result"]
    _expect(original, "self", "result")
    spec_of = RemoteAction.action_response_format_spec
    check = fastjsonschema.compile(spec_of())

    def _validate_action_result(self: Any, result: Any) -> bool:
        if type(self).action_response_format_spec is spec_of:
            try:
                check(result)
                return True
            except fastjsonschema.JsonSchemaException:
                pass
        return original(self, result)

    _replace(RemoteAction, "_validate_action_result", _validate_action_result)


def patch_events() -> None:
    """Event.resolve_by_type: the event class of a type name found once, not by walking every subclass of Event.

    Rasa calls it for every event it reads back (each event of a stored conversation, at every turn), and each
    call builds the list of all Event subclasses again: ~3 ms a turn. The classes are now remembered by type
    name, the first found as in Rasa's loop; a name not known yet is looked for again (an Event subclass defined
    later), then left to Rasa's own function (its default and its error)."""
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    original = vars(Event)["resolve_by_type"].__func__
    _expect(original, "type_name", "default")
    known: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        found = known.get(type_name)
        if found is None:
            for cls in rasa.shared.utils.common.all_subclasses(Event):
                known.setdefault(cls.type_name, cls)
            found = known.get(type_name)
        return found if found is not None else original(type_name, default)

    _replace(Event, "resolve_by_type", staticmethod(resolve_by_type))


def patch_spacy() -> None:
    """SpacyNLP.load_model: cached by model name.

    The inference graph has two SpacyNLP nodes (provide_SpacyNLP0 and run_SpacyNLP0), each loading
    fr_core_news_md: +340 MB and 6-7 s at model load. Both now share one (read-only) spaCy model."""
    import functools

    from rasa.nlu.utils.spacy_utils import SpacyNLP

    original = vars(SpacyNLP)["load_model"].__func__
    _expect(original, "spacy_model_name")
    _replace(SpacyNLP, "load_model", staticmethod(functools.lru_cache(maxsize=4)(original)))


def patch_sqlite() -> None:
    """SQL tracker store on SQLite: one connection kept open, in WAL mode.

    SQLAlchemy 1.4 gives file SQLite databases a NullPool: a new connection, hence a read of the schema, for
    every tracker-store operation. For sqlite URLs the engine now gets a SingletonThreadPool (one connection
    per thread; Rasa's event loop is one thread) whose connections switch to WAL (one sync per commit,
    readers never blocked). Other URLs (PostgreSQL) keep Rasa's engine arguments, and other SQLite engines
    of the process are left alone."""
    import rasa.core.tracker_store as tracker_store
    from sqlalchemy import event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    from sqlalchemy.pool import SingletonThreadPool

    original = vars(tracker_store)["create_engine_kwargs"]
    _expect(original, "url")

    class KeptSQLitePool(SingletonThreadPool):
        """The pool of the tracker store's SQLite engines (WAL set on each new connection)."""

    @event.listens_for(KeptSQLitePool, "connect")
    def _wal(dbapi_connection: Any, _record: Any) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    def create_engine_kwargs(url: Any) -> dict[str, Any]:
        try:
            sqlite = make_url(url).get_backend_name() == "sqlite"
        except ArgumentError:
            sqlite = False
        return {"poolclass": KeptSQLitePool} if sqlite else original(url)

    _replace(tracker_store, "create_engine_kwargs", create_engine_kwargs)


PATCHES: dict[str, Callable[[], None]] = {"json": patch_json, "events": patch_events, "spacy": patch_spacy,
                                          "sqlite": patch_sqlite}


# -- choosing and applying them ---------------------------------------------------------------------------

def selected(value: str | None) -> tuple[str, ...]:
    """The patches named by ORIENTATION_RASA_PATCHES: "all" (also when unset or empty), "none", or a list."""
    words = {w.strip().lower() for w in (value or "").split(",") if w.strip()} or {"all"}
    if "none" in words:
        if words != {"none"}:
            raise ValueError(f"{ENV}={value!r} : « none » ne se combine pas avec d'autres noms")
        return ()
    if "all" in words:
        words = (words - {"all"}) | set(ALL)
    unknown = sorted(words - set(ALL))
    if unknown:
        raise ValueError(f"{ENV}={value!r} : correctif inconnu {', '.join(unknown)} ; "
                         f"valeurs possibles : all, none, {', '.join(ALL)}")
    return tuple(name for name in ALL if name in words)


def apply_patches(names: Iterable[str] = ALL) -> list[str]:
    """Applies the named patches not applied yet (idempotent); returns all those in place. A patch whose
    target changed in Rasa is skipped with a warning."""
    for name in names:
        if name in _APPLIED:
            continue
        try:
            PATCHES[name]()
        except (AttributeError, ImportError, KeyError, TargetChanged) as error:
            log.warning("Correctif de Rasa « %s » ignoré : sa cible a changé (%s: %s).", name,
                        type(error).__name__, error)
            continue
        _APPLIED.append(name)
    log.info("Correctifs de Rasa appliqués : %s.", ", ".join(_APPLIED) or "aucun")
    return list(_APPLIED)


def restore_originals() -> None:
    """Puts Rasa's functions back (for tests)."""
    for (owner, name), value in _ORIGINALS.items():
        setattr(owner, name, value)
    _ORIGINALS.clear()
    _APPLIED.clear()


# -- the command ------------------------------------------------------------------------------------------

def command(python: str | Path, *rasa_args: str) -> list[str]:
    """The command line running `rasa <rasa_args…>` through this module with the given interpreter."""
    return [str(python), "-m", MODULE, *rasa_args]


def is_rasa_server(cmdline: Sequence[str]) -> bool:
    """Whether a command line is a Rasa server: `rasa run …` or `python -m bot.server.rasa_server run …`."""
    names = [Path(a).name if "/" in a else a for a in cmdline]
    return "run" in names and ("rasa" in names or MODULE in names)


def _log_to_stderr() -> None:
    """Our lines in Rasa's format, before Rasa sets up its logging (and without touching the root logger)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-8s %(name)s  - %(message)s"))
    log.addHandler(handler)
    log.propagate = False
    level = logging.getLevelName(os.environ.get("LOG_LEVEL", "INFO").upper())
    log.setLevel(level if isinstance(level, int) else logging.INFO)


def _argument(args: Sequence[str], names: tuple[str, ...], default: str) -> str:
    """The value of an option of Rasa's command line (`--model M`, `-m M`, `--model=M`), else its default."""
    for index, arg in enumerate(args):
        if arg in names and index + 1 < len(args):
            return args[index + 1]
        if arg.split("=", 1)[0] in names and "=" in arg:
            return arg.split("=", 1)[1]
    return default


def _needs_tensorflow(args: Sequence[str]) -> bool:
    """`rasa run` of a model, `rasa train` of a config, without TensorFlow components can do without it."""
    if args[:1] == ["run"] and args[1:2] != ["actions"]:
        return model_needs_tensorflow(_argument(args, ("--model", "-m"), "models"))
    if args[:1] == ["train"] and args[1:2] not in (["core"], ["nlu"]):
        return config_needs_tensorflow(_argument(args, ("--config", "-c"), "config.yml"))
    return True


def main(argv: Sequence[str] | None = None) -> int:
    quiet()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        names = selected(os.environ.get(ENV))
    except ValueError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    _log_to_stderr()
    if not _needs_tensorflow(args):
        keep_tensorflow_out()  # before Rasa is imported (bot/server/no_tensorflow.py)
        log.info("TensorFlow tenu hors du processus : le modèle n'en a pas besoin.")
    apply_patches(names)
    from rasa.__main__ import main as rasa_main

    sys.argv = [str(Path(sys.executable).with_name("rasa")), *args]  # as the `rasa` executable sees them
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
