"""Shared fixtures and the kinds of tests.

- `kb_path` / `kb`: a knowledge base of the real sources (documents and national exports) in a temporary store: a
  copy of the project's build/knowledge.sqlite when it is current (same sources digest, nothing imported), else
  built.
- `shared_stack`: the real stack (launcher → action server + Rasa) shared by every end-to-end test of the
  session that leaves it running as it found it; Rasa reaches its action server through an `ActionProxy`
  (`action_proxy`), transparent until a bad-input test switches it « down » or « broken » for one request. It
  boots in the background from the first test on, while the tests that do not need it run; so do
  `own_kb_stack`, a stack on a knowledge base of its own, which its one test changes under it, and
  `killable_stack_started`, the one whose processes the fault tests kill.
- Kinds: every test carries exactly one of KINDS (pyproject.toml registers them; --strict-markers), and the
  session runs them in that order, within a kind the tests that need no shared stack first: the shared stack
  boots meanwhile.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sanic  # noqa: F401  (see below)

from knowledge.build import build_or_copy
from knowledge.kb import KnowledgeBase
from staff.auth import hash_password
from tests import ROOT, documents_manifest
from tests.stack import LOG_VARIABLES, STAFF_PASSWORD, ActionProxy, Boot, SchoolSite, Stack, killable_stack

# Sanic's import adds a global « once » filter for every DeprecationWarning (sanic/app.py): imported by a test
# module, it would override pyproject.toml's filterwarnings for the rest of the collection. Imported here, inside
# pytest's own warning context, that filter is dropped with the context.

# Shared check helpers: their asserts explain failures too (registered before any test module imports them).
pytest.register_assert_rewrite("tests.bot.channels.badinput.checks")

KINDS = ("unit", "nlu", "model", "e2e", "browser", "scaleout")  # also the order of the session
EARLY = ("shared_stack", "own_kb_stack", "killable_stack_started")  # stacks booting from the first test on


def kind(item: pytest.Item) -> str:
    return next(m.name for m in item.iter_markers() if m.name in KINDS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wrong = []
    for item in items:
        kinds = {m.name for m in item.iter_markers() if m.name in KINDS}
        if len(kinds) != 1:
            wrong.append(f"{item.nodeid} : {sorted(kinds) or 'aucun'}")
        elif kinds == {"unit"} and any(name in item.fixturenames for name in EARLY):
            wrong.append(f"{item.nodeid} : « unit » mais utilise une pile")
    if wrong:
        raise pytest.UsageError("chaque test doit porter exactement une sorte parmi " + ", ".join(KINDS)
                                + " :\n" + "\n".join(wrong))
    # Stable sort: a module keeps its order within a kind. Within a kind, the tests with their own processes
    # first: the shared stacks boot meanwhile.
    items.sort(key=lambda item: (KINDS.index(kind(item)), any(name in item.fixturenames for name in EARLY)))


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kb") / "knowledge.sqlite"
    build_or_copy(path, [ROOT / "build" / "knowledge.sqlite"])
    return path


@pytest.fixture(scope="session")
def kb(kb_path) -> KnowledgeBase:
    return KnowledgeBase(kb_path)


# -- the stacks tests share -------------------------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def _boot_early(request) -> None:
    """Starts, at the first test, the shared stacks some selected test will need (none for `make unit`)."""
    for name in EARLY:
        if any(name in item.fixturenames for item in request.session.items):
            request.getfixturevalue(f"_{name}_boot")


@pytest.fixture(scope="session")
def school() -> SchoolSite:
    """The school site allowed to embed the web chat on the shared stack."""
    site = SchoolSite()
    yield site
    site.server.shutdown()


@pytest.fixture(scope="session")
def _shared_stack_boot(kb_path, tmp_path_factory, school):
    # The union of what its tests need: the staff console's password, the school's origin for the web chat,
    # the default log level (the logging policy reads its log), the action proxy (bad input).
    env = {"STAFF_PASSWORD_HASH": hash_password(STAFF_PASSWORD), "WEBCHAT_ALLOWED_ORIGINS": school.url().rstrip("/")}
    proxy = ActionProxy()
    try:
        stack = proxy.stack(tmp_path_factory.mktemp("shared-stack"), kb_path, extra_env=env)
        for variable in LOG_VARIABLES:
            stack.env.pop(variable, None)
        boot = Boot(stack)
        yield boot, proxy
        assert boot.stop() == 0  # Ctrl-C stops everything cleanly
    finally:
        proxy.server.shutdown()


@pytest.fixture(scope="session")
def shared_stack(_shared_stack_boot) -> Stack:
    """The real stack for end-to-end tests: each test uses its own senders and leaves it running."""
    return _shared_stack_boot[0].wait()


@pytest.fixture(scope="session")
def action_proxy(_shared_stack_boot, shared_stack) -> ActionProxy:
    """Between the shared stack's Rasa and its action server (tests/stack.py): bad-input tests break it."""
    return _shared_stack_boot[1]


@pytest.fixture(scope="session")
def _own_kb_stack_boot(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("own-kb-stack")
    store = workdir / "knowledge.sqlite"  # of the documents alone: its test's import rebuilds it quickly
    done = subprocess.run([sys.executable, "-m", "knowledge.cli", "kb", "build", "--store", str(store),
                           "--manifest", str(documents_manifest(workdir))], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    boot = Boot(Stack(workdir, store))
    yield boot, store
    boot.stop()


@pytest.fixture(scope="session")
def own_kb_stack(_own_kb_stack_boot) -> tuple[Stack, Path]:
    """A real stack and its own knowledge base of the documents alone (`orientation kb build --store --manifest`),
    for the test that imports open data into it while it runs (tests/knowledge/test_import_pipeline.py)."""
    boot, store = _own_kb_stack_boot
    return boot.wait(), store


@pytest.fixture(scope="session")
def _killable_stack_started_boot(kb_path, tmp_path_factory):
    boot = Boot(killable_stack(tmp_path_factory.mktemp("faults"), kb_path))
    yield boot
    boot.stop()  # may already be down: the fault tests kill its Rasa


@pytest.fixture(scope="session")
def killable_stack_started(_killable_stack_started_boot) -> Stack:
    """tests/stack.py's `killable_stack`, started (tests/bot/server/test_faults_stack.py)."""
    return _killable_stack_started_boot.wait()
