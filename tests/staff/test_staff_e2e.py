"""Staff tools against the real assistant: FAQ check and its report, unanswered questions, console."""

from __future__ import annotations

import base64
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests import ROOT
from tests.stack import STAFF_PASSWORD as PASSWORD
from tests.stack import Stack


@pytest.fixture(scope="module")
def stack(shared_stack):
    return shared_stack  # the session's stack (tests/conftest.py), its console protected by PASSWORD


def only_conversations_of(stack: Stack, senders: list[str], workdir: Path) -> Path:
    """An endpoints file for a copy of the stack's conversation store holding only `senders`' conversations
    (the session's stack also holds the other tests')."""
    copy = workdir / "conversations.db"
    with sqlite3.connect(stack.db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
        target.execute(f"DELETE FROM events WHERE sender_id NOT IN ({', '.join('?' * len(senders))})", senders)
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{copy}"\n', encoding="utf-8")
    return endpoints


def orientation(*args: str, env_password: str = PASSWORD) -> subprocess.CompletedProcess:
    import os
    env = {**os.environ, "STAFF_PASSWORD": env_password}
    return subprocess.run([sys.executable, "-m", "orientation.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8")


def get(url: str, password: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url)
    if password is not None:
        request.add_header("Authorization", "Basic " + base64.b64encode(f"staff:{password}".encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.e2e
def test_staff_console_refuses_a_wrong_password(stack):
    assert get(f"{stack.base}/console/")[0] == 401
    assert get(f"{stack.base}/console/", "pas-le-bon")[0] == 401
    assert get(f"{stack.base}/console/api/ask", "pas-le-bon")[0] in (401, 405)
    status, page = get(f"{stack.base}/console/", PASSWORD)
    assert status == 200 and "Console du personnel" in page


@pytest.mark.e2e
def test_staff_faq_check_report_and_exit_code(stack, tmp_path):
    csv = tmp_path / "faq.csv"
    csv.write_text("question;attendu;interdit\n"
                   "quelles études pour devenir directrice de communication ?;Bac+5|directrice;€\n"
                   "qui délivre le titre 360 ?;ISEFAC|une école imaginaire;\n", encoding="utf-8-sig")
    report = tmp_path / "rapport.html"
    done = orientation("faq", "check", str(csv), "--report", str(report), "--url", stack.base, "--quiet")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 passed, 1 failed" in done.stdout and "ligne 3" in done.stdout
    html = report.read_text(encoding="utf-8")
    assert "Vérification de la FAQ" in html and "réussie" in html and "échec" in html
    assert "manque : <span class=\"tag\">une école imaginaire</span>" in html
    assert "ask_studies" in html and "MET.650" in html and "RNCP28684" in html  # intent and record used
    assert "Source : France Compétences, RNCP28684" in html


@pytest.mark.e2e
def test_staff_faq_wrong_password_is_a_clear_error(stack, tmp_path):
    csv = tmp_path / "faq.csv"
    csv.write_text("question,attendu\nbonjour,assistant\n", encoding="utf-8")
    done = orientation("faq", "check", str(csv), "--url", stack.base, "--quiet", env_password="faux")
    assert done.returncode == 2 and "mot de passe" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.e2e
def test_staff_unanswered_report_groups_real_conversations(stack, tmp_path):
    questions = {
        "eleve-a": ["quelles études pour devenir youtubeur ?", "que fait un dircom ?"],
        "eleve-b": ["quelles études faut-il pour devenir youtubeuse ?", "zqxw plorf grml"],
        "eleve-c": ["quelles études pour être youtubeur", "que fait un streameur ?",
                    "écris-moi à jean.dupont@example.fr ou au 06 12 34 56 78 blorp"],
    }
    for sender, messages in questions.items():
        for message in messages:
            stack.say(sender, message)
    endpoints = only_conversations_of(stack, list(questions), tmp_path)
    out = tmp_path / "questions.html"
    done = orientation("rapport", "--depuis", "7j", "--sortie", str(out), "--endpoints", str(endpoints))
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "Questions sans réponse" in html and "<svg" in html
    youtubeur = html.split("youtub", 1)[1].split("</tr>", 1)[0]
    assert '<td class="n">3</td>' in youtubeur  # three wordings, one group
    assert "streameur" in html and "directeur de communication" in html  # unknown job; most asked job
    for private in ("eleve-a", "eleve-b", "jean.dupont", "06 12 34 56 78"):
        assert private not in html


@pytest.mark.unit
def test_staff_report_masks_contact_details():
    from staff.unanswered import mask
    assert mask("écris à jean.dupont@example.fr ou au 06 12 34 56 78, RNCP35746") == \
        "écris à [e-mail masqué] ou au [numéro masqué], RNCP35746"


@pytest.mark.e2e
def test_staff_shipped_faq_passes(stack):
    """faq/exemple.csv, the FAQ shipped with the assistant, played through the console of the session's stack
    (what `make faq` checks on a private stack); its report is build/rapports/faq.html."""
    report = ROOT / "build" / "rapports" / "faq.html"
    done = orientation("faq", "check", str(ROOT / "faq" / "exemple.csv"), "--url", stack.base, "--quiet",
                       "--report", str(report))
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed, 0 failed" in done.stdout and report.exists()
