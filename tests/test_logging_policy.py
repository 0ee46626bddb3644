"""What students write never reaches the logs at the default level (INFO), whatever the channel."""

from __future__ import annotations

import ast
import json
import re
import secrets
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from staff.client import ConsoleClient
from tests import ROOT
from tests.stack import STAFF_PASSWORD

OUR_CODE = ("bot", "actions", "staff", "knowledge")
LEVELS = {"info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
# Names under which our code holds what a user wrote.
USER_TEXT = {"text", "message", "question", "user_text", "user_message", "latest_message", "utterance", "body"}


def _names(node: ast.AST) -> set[str]:
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


@pytest.mark.unit
def test_our_code_logs_no_user_text_at_info_or_above() -> None:
    """A static guard: no logging call at INFO or above is given a variable holding user text."""
    offenders = []
    for folder in OUR_CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in LEVELS and isinstance(node.func.value, ast.Name)
                        and re.fullmatch(r"_?(log|logger|logging|LOG|LOGGER)", node.func.value.id)):
                    continue
                used = set().union(*(_names(a) for a in node.args), *(_names(k.value) for k in node.keywords))
                if used & USER_TEXT:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {sorted(used & USER_TEXT)}")
    assert not offenders, "journalisation de texte d'utilisateur :\n" + "\n".join(offenders)


def _post(url: str, body: bytes) -> int:
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.e2e
def test_a_marker_sent_by_a_student_is_not_in_the_stack_log(shared_stack) -> None:
    """On the session's stack, at the default level as `make run` has it (LOG_VARIABLES unset): its whole log,
    every other test's conversations included."""
    stack = shared_stack
    marker = "zq" + secrets.token_hex(8)
    answers = [
        stack.say("eleve-log", f"que fait un {marker} ?"),  # an unknown job: through the actions too
        stack.say("eleve-log", f"quelles études pour devenir {marker} ?"),
        stack.say("eleve-log", f"bonjour, je m'appelle {marker}"),
        stack.say("eleve-log", f"{marker} {marker}"),
    ]
    assert all(answers)
    webchat = json.dumps({"sender": str(uuid.uuid4()), "message": f"que fait un {marker} ?"}).encode()
    assert _post(f"{stack.base}/webchat/webhook", webchat) == 200
    # Refused requests (too long, not JSON) must not be logged with their content either.
    too_long = json.dumps({"sender": "eleve-log", "message": f"{marker} " * 600}).encode()
    assert _post(stack.url, too_long) == 413
    assert _post(stack.url, f"{{not json {marker}".encode()) == 400
    assert ConsoleClient(stack.base, STAFF_PASSWORD).ask("console-log", f"que fait un {marker} ?").texts
    assert stack.say("eleve-log-fin", "bonjour")  # one more turn: the lines of the previous ones are written
    log = Path(stack.log.name).read_text(encoding="utf-8", errors="replace")
    assert "Rasa server is up and running" in log  # the log does hold Rasa's own output
    assert marker not in log
    assert not re.search(r"\bDEBUG\b", log), "journal en niveau DEBUG : le lanceur ne doit pas l'activer"
