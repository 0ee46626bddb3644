"""Start the whole assistant in the foreground: action server, Rasa (REST channel), and the channels.

Ctrl-C (or SIGTERM) stops every process cleanly. Ports and the model come from the environment:
RASA_PORT (5005), ACTIONS_PORT (5055), ORIENTATION_MODEL (models/orientation.tar.gz).
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

ROOT = Path(__file__).resolve().parents[1]
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


def commands(env: dict[str, str]) -> list[tuple[str, list[str]]]:
    rasa_port, actions_port = env["RASA_PORT"], env["ACTIONS_PORT"]
    model = env.get("ORIENTATION_MODEL") or str(ROOT / "models" / "orientation.tar.gz")
    out = [
        ("actions", [str(BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", actions_port]),
        ("rasa", [str(BIN / "rasa"), "run", "--model", model, "--port", rasa_port, "--interface", "127.0.0.1",
                  "--endpoints", env.get("ORIENTATION_ENDPOINTS", "endpoints.yml"),
                  "--credentials", env.get("ORIENTATION_CREDENTIALS", "credentials.yml")]),
    ]
    return out


def telegram_command() -> list[str]:
    return [str(BIN / "python"), "-m", "bot.telegram"]


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    env = dict(os.environ)
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("ACTIONS_PORT", "5055")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    (ROOT / "build").mkdir(exist_ok=True)
    procs: list[subprocess.Popen] = []
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if not env.get("TELEGRAM_BOT_TOKEN"):
        log.info("Telegram désactivé : TELEGRAM_BOT_TOKEN n'est pas défini.")
    for name, cmd in commands(env):
        log.info("Démarrage de %s : %s", name, " ".join(cmd))
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True))
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
        dead = [p for p in procs if p.poll() is not None]
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
