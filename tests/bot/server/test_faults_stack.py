"""Faults on the real stack (launcher → action server + Rasa, SQLite tracker store), through the REST URL.

- Rasa and the action server listen on loopback only; Rasa's HTTP API is off without RASA_API_TOKEN.
- The action server killed mid-conversation: « réessaie dans un instant », then the launcher restarts it
  and the conversation goes on.
- The tracker store locked by another process: a clear log line, and the bot still answers.
- Rasa killed and started again: the conversation goes on (the tracker lives in SQLite).

One stack for the module (`killable_stack`, started early by tests/conftest.py), started again after Rasa was
killed: the tests run in order.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench import procfs
from bot.server import launcher
from tests.stack import RESTART_DELAY, Stack, killable_stack
from tests import ROOT

FRIENDLY = "Je rencontre un petit souci technique, réessaie dans un instant."


@pytest.fixture(scope="module")
def stack(killable_stack_started):
    return killable_stack_started  # stopped at the end of the session (test_faults_rasa_killed… kills its Rasa)


@pytest.fixture(scope="module")
def workdir(stack) -> Path:
    return stack.db.parent


# -- helpers -------------------------------------------------------------------------------------
def say(stack: Stack, sender: str, text: str, timeout: float = 120) -> str:
    """The bot's texts for one turn; waits and retries if the REST channel says « too fast » (429)."""
    for _ in range(5):
        try:
            return "\n".join(r.get("text", "") for r in stack.say(sender, text, timeout=timeout))
        except urllib.error.HTTPError as error:
            if error.code != 429:
                raise
            time.sleep(float(error.headers.get("Retry-After") or 1))
    raise AssertionError("toujours 429")


def child(stack: Stack, marker: str) -> int:
    """The launcher's one living child whose command line holds `marker`."""
    [pid] = [pid for pid in procfs.children(stack.proc.pid) if marker in " ".join(procfs.cmdline(pid))]
    return pid


def listening_addresses(port: int) -> set[str]:
    """Addresses with a TCP socket listening on `port`, read from /proc/net/tcp and tcp6."""
    found = set()
    for name, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        lines = Path(f"/proc/net/{name}").read_text().splitlines()[1:]
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A: LISTEN
                continue
            raw = b"".join(bytes.fromhex(address[i:i + 8])[::-1] for i in range(0, len(address), 8))
            found.add(socket.inet_ntop(family, raw))
    return found


def external_addresses() -> set[str]:
    """This machine's non-loopback addresses (may be empty on an isolated host)."""
    found = set()
    try:
        found.update(subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout.split())
    except (OSError, subprocess.SubprocessError):
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # the address of the default route
        try:
            s.connect(("192.0.2.1", 9))  # nothing is sent
            found.add(s.getsockname()[0])
        except OSError:
            pass
    return {a for a in found if not a.startswith(("127.", "::1", "fe80", "0.0.0.0"))}


def connect_error(address: str, port: int) -> int:
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as s:
        s.settimeout(5)
        return s.connect_ex((address, port))


def http_status(url: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


# -- the launcher's commands (no stack) ----------------------------------------------------------
@pytest.mark.unit
def test_faults_launcher_commands_bind_loopback_and_api_needs_a_token():
    env = {"RASA_PORT": "5005", "ACTIONS_PORT": "5055"}
    cmds = dict(launcher.commands(env))
    assert cmds["actions"][1:] == ["-m", "bot.server.actions_server", "--port", "5055"]  # not rasa_sdk's 0.0.0.0
    rasa = cmds["rasa"]
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
    assert "--enable-api" not in rasa and "--auth-token" not in rasa
    assert "--enable-api" not in dict(launcher.commands({**env, "RASA_API_TOKEN": ""}))["rasa"]
    rasa = dict(launcher.commands({**env, "RASA_API_TOKEN": "s3cret"}))["rasa"]
    assert rasa[-2:] == ["--enable-api", "--auth-token=s3cret"]
    assert "s3cret" not in launcher.shown(rasa) and launcher.shown(rasa).endswith("--auth-token=***")


@pytest.mark.unit
def test_faults_launcher_points_rasa_at_the_action_server_port(tmp_path):
    """ACTIONS_PORT moves the action server: Rasa gets endpoints.yml with that port (the rest unchanged)."""
    import yaml

    (tmp_path / "endpoints.yml").write_text((ROOT / "endpoints.yml").read_text(encoding="utf-8"), encoding="utf-8")
    assert launcher.endpoints_for("5055", tmp_path) == "endpoints.yml"  # the file's own port: the file itself
    moved = Path(launcher.endpoints_for("6123", tmp_path))
    assert moved == tmp_path / "build" / "endpoints.run.yml"
    data, original = (yaml.safe_load(p.read_text(encoding="utf-8")) for p in (moved, ROOT / "endpoints.yml"))
    assert data["action_endpoint"]["url"] == "http://127.0.0.1:6123/webhook"
    assert data["tracker_store"] == original["tracker_store"]


@pytest.mark.unit
def test_faults_launcher_runs_rasa_through_our_patches():
    rasa = dict(launcher.commands({"RASA_PORT": "5005", "ACTIONS_PORT": "5055"}))["rasa"]
    assert rasa[1:4] == ["-m", "bot.server.rasa_server", "run"]  # Rasa's CLI, with bot/server/rasa_server.py's patches
    assert rasa[rasa.index("--port") + 1] == "5005"


@pytest.mark.unit
def test_faults_launcher_passes_a_token_starting_with_a_dash_as_one_argument():
    """`rasa run --auth-token -abc` exits (argparse takes -abc for an option); --auth-token=-abc does not."""
    rasa = dict(launcher.commands({"RASA_PORT": "5005", "ACTIONS_PORT": "5055", "RASA_API_TOKEN": "-abc"}))["rasa"]
    assert rasa[-1] == "--auth-token=-abc" and "-abc" not in rasa
    assert launcher.shown(rasa).endswith("--enable-api --auth-token=***") and "abc" not in launcher.shown(rasa)
    from rasa.__main__ import create_argument_parser  # the parser of the `rasa` command

    assert create_argument_parser().parse_args(rasa[3:]).auth_token == "-abc"  # read whole
    with pytest.raises(SystemExit):  # the two-argument form: « expected one argument »
        create_argument_parser().parse_args(["run", "--auth-token", "-abc"])


# -- the stack -----------------------------------------------------------------------------------
@pytest.mark.e2e
def test_faults_services_listen_on_loopback_only(stack):
    child(stack, "bot.server.actions_server")  # the launcher started ours
    with urllib.request.urlopen(f"http://127.0.0.1:{stack.actions_port}/health", timeout=10) as response:
        assert response.status == 200  # reachable on loopback…
    for port in (stack.actions_port, stack.rasa_port):
        assert listening_addresses(port) == {"127.0.0.1"}  # …and bound to it alone (not 0.0.0.0 / ::)
        for address in external_addresses():  # here: e.g. eth0's address
            assert connect_error(address, port) in (errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ETIMEDOUT,
                                                    errno.EAGAIN), f"{address}:{port} accepte une connexion"


@pytest.mark.e2e
def test_faults_rasa_http_api_is_off_without_token(stack):
    assert http_status(f"{stack.base}/model/parse", {"text": "bonjour"}) in (403, 404)
    say(stack, "faults-api", "bonjour")
    assert http_status(f"{stack.base}/conversations/faults-api/tracker") in (403, 404)
    assert http_status(f"{stack.base}/conversations/faults-api/messages",
                       {"text": "bonjour", "sender": "user"}) in (403, 404, 405)
    assert http_status(f"{stack.base}/webhooks/rest/") == 200  # the server itself is up


@pytest.mark.e2e
def test_faults_action_server_killed_then_back(stack):
    sender = "faults-actions"
    assert "Directeur de communication" in say(stack, sender, "que fait un directeur de communication ?")
    pid = child(stack, "bot.server.actions_server")
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: connect_error("127.0.0.1", stack.actions_port) != 0, 10, "le serveur d'actions répond encore")
    killed_at = time.monotonic()
    assert say(stack, sender, "et quelles études faut-il faire ?") == FRIENDLY
    assert time.monotonic() - killed_at < RESTART_DELAY  # really answered during the outage
    assert stack.proc.poll() is None  # the launcher did not stop everything
    wait_for(lambda: connect_error("127.0.0.1", stack.actions_port) == 0, RESTART_DELAY + 120,
             "le serveur d'actions n'a pas redémarré")
    assert child(stack, "bot.server.actions_server") != pid
    reply = say(stack, sender, "et quelles études faut-il faire ?")
    assert reply.startswith("Pour devenir directeur de communication") and "bac + 5" in reply  # job remembered
    log = Path(stack.log.name).read_text()
    assert "Le serveur d'actions s'est arrêté (code -9) : redémarrage dans 20 s." in log
    assert "Redémarrage du serveur d'actions" in log


@pytest.mark.e2e
def test_faults_tracker_store_locked_logs_and_still_answers(stack):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys\n"
         "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "db.execute('BEGIN EXCLUSIVE')\n"
         "print('verrou', flush=True)\n"
         "sys.stdin.read()\n", str(stack.db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "verrou"
        before = len(Path(stack.log.name).read_text())
        reply = say(stack, "faults-lock", "que fait un chef de pub ?")
        assert reply.startswith("Chef de publicité") and "Source : Note « Agence de communication »" in reply
        log = Path(stack.log.name).read_text()[before:]
        assert "Error happened when trying to save conversation tracker to 'SQLTrackerStore'" in log
        assert "database is locked" in log
        assert holder.poll() is None  # the lock was held all along
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    # Lock released: the store is written again.
    assert "Le chef de publicité est un commercial" in say(stack, "faults-lock-after", "que fait un chef de pub ?")
    with sqlite3.connect(stack.db) as db:
        assert db.execute("SELECT count(*) FROM events WHERE sender_id = 'faults-lock-after'").fetchone()[0] > 0


@pytest.mark.e2e
def test_faults_rasa_killed_and_restarted_keeps_the_conversation(stack, workdir, kb_path):
    sender = "faults-rasa"
    assert "Le chef de publicité est un commercial" in say(stack, sender, "que fait un chef de pub ?")
    os.kill(child(stack, "bot.server.rasa_server run"), signal.SIGKILL)  # a crash: nothing flushed on the way out
    assert stack.proc.wait(timeout=60) == 1  # the launcher stops the rest and reports the failure
    again = killable_stack(workdir, kb_path).start()  # same workdir: same conversations.db
    try:
        reply = say(again, sender, "et quelles études faut-il faire ?")
        assert reply.startswith("Pour devenir chef de publicité")  # the job came from the tracker
        assert "fiches MET.8" in reply  # the studies of its ONISEP twin
    finally:
        assert again.stop() == 0
