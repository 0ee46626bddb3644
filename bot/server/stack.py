"""Start the real stack (launcher → action server + Rasa) on spare ports: for tests and the FAQ check."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from knowledge.conversation import tool_sender

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "orientation.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """The assistant as `make run` starts it, with its own ports and conversation store."""

    def __init__(self, workdir: Path, kb_path: Path | None = None, extra_env: dict[str, str] | None = None):
        assert MODEL.exists(), "modèle absent : lancez « make model » (make test le fait)"
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.db = workdir / "conversations.db"
        endpoints = workdir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{self.db}"\n'
        )
        self.env = {**os.environ, "RASA_PORT": str(self.rasa_port), "ACTIONS_PORT": str(self.actions_port),
                    "ORIENTATION_ENDPOINTS": str(endpoints), "RASA_TELEMETRY_ENABLED": "false",
                    **({"ORIENTATION_KB": str(kb_path)} if kb_path else {}), **(extra_env or {})}
        self.env.pop("TELEGRAM_BOT_TOKEN", None)
        self.log = open(workdir / "stack.log", "w")
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def url(self) -> str:
        return f"{self.base}/webhooks/rest/webhook"

    def start(self, timeout: float = 400) -> "Stack":
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.server.launcher"], cwd=ROOT, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"le lanceur s'est arrêté, voir {self.log.name}"
            try:
                if self.say(tool_sender("ping"), "bonjour"):
                    return self
            except OSError:
                pass
            time.sleep(1)
        raise TimeoutError("l'assistant n'a pas répondu à temps")

    def say(self, sender: str, text: str, timeout: float = 60) -> list[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def stop(self) -> int:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            return self.proc.wait(timeout=60)
        return self.proc.returncode if self.proc else 0


def reachable(url: str) -> bool:
    """Whether a server answers at the host and port of `url` (any HTTP answer counts, even an error)."""
    parts = urlsplit(url)
    try:
        with urllib.request.urlopen(f"{parts.scheme}://{parts.netloc}/", timeout=3):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


@contextmanager
def private_stack(prefix: str, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """A started stack in a temporary folder, stopped and removed on exit (for `faq check`, `bench load`)."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    stack = Stack(workdir, extra_env=extra_env)
    try:
        yield stack.start()
    finally:
        stack.stop()
        shutil.rmtree(workdir, ignore_errors=True)
