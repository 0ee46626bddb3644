"""Start the whole assistant in the foreground: action server, Rasa (REST channel), and the channels.

Ctrl-C (or SIGTERM) stops every process cleanly. Ports and the model come from the environment:
RASA_PORT (5005), ACTIONS_PORT (5055), ORIENTATION_MODEL (models/orientation.tar.gz). Rasa runs through
bot.server.rasa_server (Rasa's CLI with our patches; ORIENTATION_RASA_PATCHES=none for plain Rasa).

Rasa and the action server listen on 127.0.0.1 only. Rasa's HTTP API (/model/parse, /conversations/…) is
off unless RASA_API_TOKEN is set (then it is on, token required). An action server that stops is started
again after ORIENTATION_ACTIONS_RESTART_DELAY seconds (2; at most 5 times in 10 minutes): meanwhile Rasa
keeps answering with its « petit souci technique » message, and the conversations are kept.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.server.quiet import quiet
from bot.server.rasa_server import command as rasa_command

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
log = logging.getLogger("orientation.launcher")


def _wait_http(url: str, timeout: float, procs: list[subprocess.Popen]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def endpoints_for(actions_port: str, root: Path = ROOT) -> str:
    """The endpoints file Rasa reads: endpoints.yml, or when ACTIONS_PORT is not its action server's port, a copy
    in build/ whose action server URL has that port (the action server listens there)."""
    import urllib.parse

    import yaml

    source = root / "endpoints.yml"
    data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    action = data.get("action_endpoint") or {}
    url = urllib.parse.urlsplit(str(action.get("url") or ""))
    if not url.hostname or str(url.port or "") == str(actions_port):
        return "endpoints.yml"
    action["url"] = url._replace(netloc=f"{url.hostname}:{actions_port}").geturl()
    copy = root / "build" / "endpoints.run.yml"
    copy.parent.mkdir(exist_ok=True)
    copy.write_text("# Written by bot/server/launcher.py from endpoints.yml for ACTIONS_PORT: do not edit.\n"
                    + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(copy)


def commands(env: dict[str, str]) -> list[tuple[str, list[str]]]:
    rasa_port, actions_port = env["RASA_PORT"], env["ACTIONS_PORT"]
    model = env.get("ORIENTATION_MODEL") or str(ROOT / "models" / "orientation.tar.gz")
    out = [
        # rasa-sdk's own CLI listens on 0.0.0.0; ours on 127.0.0.1 only.
        ("actions", [str(BIN / "python"), "-m", "bot.server.actions_server", "--port", actions_port]),
        ("rasa", rasa_command(BIN / "python", "run", "--model", model, "--port", rasa_port,
                              "--interface", "127.0.0.1",
                              "--endpoints", env.get("ORIENTATION_ENDPOINTS", "endpoints.yml"),
                              "--credentials", env.get("ORIENTATION_CREDENTIALS", "credentials.yml"))),
    ]
    if env.get("RASA_API_TOKEN"):  # Rasa's HTTP API only with a token (never without: it would be open)
        # One argument: a token starting with « - » would otherwise be read as an option (and Rasa exit).
        out[1][1].extend(["--enable-api", f"--auth-token={env['RASA_API_TOKEN']}"])
    return out


def shown(cmd: list[str]) -> str:
    """The command line for the log, the API token masked."""
    return " ".join("--auth-token=***" if part.startswith("--auth-token=") else
                    "***" if i and cmd[i - 1] == "--auth-token" else part for i, part in enumerate(cmd))


class Restarts:
    """Budget for restarting a child that stopped: at most `limit` restarts in `window` seconds."""

    def __init__(self, limit: int = 5, window: float = 600.0):
        self.limit, self.window, self.times = limit, window, []

    def allow(self) -> bool:
        now = time.monotonic()
        self.times = [t for t in self.times if now - t < self.window]
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True


def telegram_command() -> list[str]:
    return [str(BIN / "python"), "-m", "bot.channels.telegram"]


def main() -> int:
    quiet()  # before copying the environment: the children get TF_CPP_MIN_LOG_LEVEL and tqdm's settings
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    env = dict(os.environ)
    if env.get("LOG_LEVEL", "").upper() == "DEBUG" and not env.get("ORIENTATION_DEBUG"):
        # Rasa logs every message and answer at DEBUG: only on purpose (ORIENTATION_DEBUG=1), never by accident.
        log.warning("LOG_LEVEL=DEBUG ignoré (les messages des élèves seraient journalisés) ; ORIENTATION_DEBUG=1 pour forcer.")
        env.pop("LOG_LEVEL")
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("ACTIONS_PORT", "5055")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    (ROOT / "build").mkdir(exist_ok=True)
    if not env.get("ORIENTATION_ENDPOINTS"):
        env["ORIENTATION_ENDPOINTS"] = endpoints_for(env["ACTIONS_PORT"])
    procs: list[subprocess.Popen] = []
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if not env.get("TELEGRAM_BOT_TOKEN"):
        log.info("Telegram désactivé : TELEGRAM_BOT_TOKEN n'est pas défini.")
    cmds = commands(env)
    for name, cmd in cmds:
        log.info("Démarrage de %s : %s", name, shown(cmd))
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True))
    actions_index = [name for name, _ in cmds].index("actions")
    restart_delay = float(env.get("ORIENTATION_ACTIONS_RESTART_DELAY", "2"))
    restarts = Restarts()
    restart_at: float | None = None
    url = f"http://127.0.0.1:{env['RASA_PORT']}/"
    if _wait_http(url, float(env.get("ORIENTATION_START_TIMEOUT", "300")), procs):
        port = env["RASA_PORT"]
        log.info("Assistant prêt : REST http://localhost:%s/webhooks/rest/webhook · web chat "
                 "http://localhost:%s/webchat/ · console du personnel http://localhost:%s/console/", port, port, port)
    # Telegram starts once Rasa answers, and its failure (a bad token, say) leaves the rest running.
    telegram: subprocess.Popen | None = None
    if env.get("TELEGRAM_BOT_TOKEN") and not stopping and all(p.poll() is None for p in procs):
        log.info("Démarrage de Telegram")
        telegram = subprocess.Popen(telegram_command(), cwd=ROOT, env=env, start_new_session=True)
    code = 0
    while not stopping:
        actions = procs[actions_index]
        if restart_at is None and actions.poll() is not None and restarts.allow():
            # The action server is stateless: start it again; Rasa stays up and keeps the conversations.
            log.error("Le serveur d'actions s'est arrêté (code %s) : redémarrage dans %.0f s.",
                      actions.returncode, restart_delay)
            restart_at = time.monotonic() + restart_delay
        if restart_at is not None and time.monotonic() >= restart_at:
            restart_at = None
            log.info("Redémarrage du serveur d'actions : %s", shown(cmds[actions_index][1]))
            procs[actions_index] = subprocess.Popen(cmds[actions_index][1], cwd=ROOT, env=env,
                                                    start_new_session=True)
        waiting = {actions_index} if restart_at is not None else set()  # stopped, restart scheduled
        dead = [p for i, p in enumerate(procs) if p.poll() is not None and i not in waiting]
        if dead:
            log.error("Un processus s'est arrêté (code %s) : arrêt de l'ensemble.", dead[0].returncode)
            code = 1
            break
        if telegram is not None and telegram.poll() is not None:
            log.error("Le bot Telegram s'est arrêté (code %s) ; le reste continue.", telegram.returncode)
            telegram = None
        time.sleep(0.5)
    if telegram is not None:
        procs.append(telegram)
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
    log.info("Assistant arrêté.")
    return code


if __name__ == "__main__":
    sys.exit(main())
