"""The real stack for end-to-end tests (bot/server/stack.py), and what the tests that share one need.

End-to-end tests that leave the stack as they found it share one for the whole session (`shared_stack`,
tests/conftest.py), started in the background (`Boot`) while other tests run; its action server sits behind an
`ActionProxy` the bad-input tests can break for one request. The tests that kill processes, and the one that
changes the knowledge base under a running stack, have their own (`killable_stack`, `own_kb_stack`), started in
the background too.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, Optional

from bot.server.stack import MODEL, Stack, free_port  # noqa: F401

STAFF_PASSWORD = "mot-de-passe-du-personnel"  # the staff console's password on the shared stack
RESTART_DELAY = 20  # seconds the launcher of `killable_stack` waits before restarting the action server
# Logging variables a developer may have set: the shared stack runs at the default level, as `make run` does.
LOG_VARIABLES = ("LOG_LEVEL", "LOG_LEVEL_LIBRARIES", "LOG_LEVEL_RABBITMQ", "TELEGRAM_LOG_LEVEL")
# An action result that passes Rasa's schema but makes Rasa raise after the action (an unknown form).
BROKEN = {"events": [{"event": "active_loop", "name": "formulaire_inexistant"}], "responses": []}


class Boot:
    """A stack starting in a background thread: begun early, waited for when a test needs it."""

    def __init__(self, stack: Stack, timeout: float = 600) -> None:
        self.stack, self._error = stack, None
        self._thread = threading.Thread(target=self._start, args=(timeout,), daemon=True, name="boot")
        self._thread.start()

    def _start(self, timeout: float) -> None:
        try:
            self.stack.start(timeout)
        except BaseException as error:  # noqa: BLE001 - handed to the test that waits for it
            self._error = error

    def wait(self) -> Stack:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.stack

    def stop(self) -> int:
        self._thread.join()
        return self.stack.stop()


def killable_stack(workdir: Path, kb_path: Path) -> Stack:
    """A stack for the tests that kill its processes (tests/bot/server/test_faults_stack.py): its action server
    comes back after RESTART_DELAY, and its Rasa's HTTP API is off (RASA_API_TOKEN empty whatever the developer's
    environment says)."""
    return Stack(workdir, kb_path, extra_env={"ORIENTATION_ACTIONS_RESTART_DELAY": str(RESTART_DELAY),
                                              "RASA_API_TOKEN": ""})


class SchoolSite:
    """Another origin's page that embeds the web chat widget with its one tag (a school's own site); the shared
    stack allows its 127.0.0.1 origin (and not « localhost »)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.widget_src = ""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Collège</title>'
                        f'<link rel="icon" href="data:,"></head><body><h1>Collège Marie-Curie</h1>'
                        f'<script src="{site.widget_src}" data-title="Orientation au collège" defer></script>'
                        f'</body></html>').encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/"


class ActionProxy:
    """Forwards Rasa's calls to the real action server; `mode` « down » answers 502, « broken » a bad result."""

    def __init__(self) -> None:
        self.port, self.target, self.mode = free_port(), free_port(), "up"
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.mode == "down":
                    status, out = 502, b""
                elif proxy.mode == "broken":
                    status, out = 200, json.dumps(BROKEN).encode()
                else:
                    request = urllib.request.Request(f"http://127.0.0.1:{proxy.target}{self.path}", body,
                                                     {"Content-Type": "application/json"})
                    try:
                        with urllib.request.urlopen(request, timeout=120) as r:
                            status, out = r.status, r.read()
                    except urllib.error.HTTPError as e:
                        status, out = e.code, e.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stack(self, workdir: Path, kb_path: Path, extra_env: Optional[dict[str, str]] = None) -> Stack:
        """The real stack, its Rasa calling the action server through this proxy."""
        endpoints = workdir / "endpoints-proxy.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.port}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{workdir / "conversations.db"}"\n')
        return Stack(workdir, kb_path, extra_env={"ACTIONS_PORT": str(self.target),
                                                   "ORIENTATION_ENDPOINTS": str(endpoints), **(extra_env or {})})

    @contextmanager
    def switched(self, mode: str) -> Iterator[None]:
        """The action server « down » or « broken » for the duration of the block."""
        self.mode = mode
        try:
            yield
        finally:
            self.mode = "up"
