"""knowledge/progress.py: bars animate on a terminal, and write a few plain lines (or nothing) in a log or a pipe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from knowledge import progress
from knowledge.progress import progress_bar
from tests import PROCESS_TIMEOUT, ROOT, Stream, documents_manifest

pytestmark = pytest.mark.unit

FIXTURES = ROOT / "tests" / "knowledge" / "importers" / "fixtures"


def _run(stream: Stream, steps: int, pause: float, **options) -> str:
    with progress_bar(file=stream, desc="Import rncp", unit=" enregistrements", **options) as bar:
        for _ in range(steps):
            time.sleep(pause)
            bar.update(1)
    return stream.getvalue()


def test_a_terminal_gets_an_animated_bar():
    # tqdm's own refresh interval: `make test` sets TQDM_MININTERVAL=30 for the bars of its logs, which tqdm
    # reads when it is first imported.
    out = _run(Stream(tty=True), 20, 0.01, mininterval=0.1)
    assert out.count("\r") > 2 and "Import rncp: 20 enregistrements" in out


def test_a_short_task_in_a_log_prints_no_progress():
    assert _run(Stream(tty=False), 20, 0.001) == ""


def test_a_long_task_in_a_log_prints_one_line_per_interval(monkeypatch):
    monkeypatch.setattr(progress, "LOG_INTERVAL", 0.3)
    out = _run(Stream(tty=False), 100, 0.01)  # ~1 s: 3 intervals
    lines = out.splitlines()
    assert "\r" not in out
    assert 2 <= len(lines) <= 6, lines
    assert lines[-1].startswith("Import rncp: 100 enregistrements")


def test_disabled_bar_prints_nothing():
    stream = Stream(tty=True)
    with progress_bar(file=stream, disable=True) as bar:
        bar.update(5)
    assert stream.getvalue() == ""


def test_kb_import_into_a_log_writes_its_summary_not_progress_updates(tmp_path):
    """`orientation kb import … > log 2>&1`: no carriage returns, no third-party warnings, the summary."""
    log = tmp_path / "import.log"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    with log.open("w") as out:
        result = subprocess.run(
            [sys.executable, "-c", "import sys; from orientation.cli import main; sys.exit(main())",
             "kb", "import", "rncp", str(FIXTURES / "rncp" / "export-fiches-rncp-v4-1.xml"),
             "--store", str(tmp_path / "knowledge.sqlite"), "--manifest", str(documents_manifest(tmp_path))],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=PROCESS_TIMEOUT)
    text = log.read_text()
    assert result.returncode == 0, text
    assert "\r" not in text and "Warning" not in text
    # on a loaded machine the build outlasts the log interval: whole progress lines, then the summary
    lines = text.splitlines()
    updates = [line for line in lines if re.match(r"^[A-ZÉ][\w ]+: \d+ enregistrements \[", line)]
    summary = lines[len(updates):]
    assert lines[:len(updates)] == updates
    assert summary[0].startswith("Import rncp de export-fiches-rncp-v4-1.xml en ")
    assert len(summary) <= 8
