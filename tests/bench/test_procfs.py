"""bench/procfs.py on real processes: a child `sleep` seen from /proc."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from bench import procfs

pytestmark = pytest.mark.unit


@pytest.fixture
def sleeper():
    proc = subprocess.Popen(["sleep", "30"])
    deadline = time.monotonic() + 5
    while procfs.cmdline(proc.pid) != ["sleep", "30"] and time.monotonic() < deadline:
        time.sleep(0.01)  # between fork and exec the child is still a copy of this process
    yield proc
    proc.kill()
    proc.wait()


def test_parent_children_and_descendants(sleeper):
    assert procfs.parent(sleeper.pid) == os.getpid()
    assert sleeper.pid in procfs.children(os.getpid())
    assert {os.getpid(), sleeper.pid} <= set(procfs.descendants(os.getpid()))
    assert procfs.descendants(sleeper.pid) == [sleeper.pid]


def test_command_line_memory_and_cpu(sleeper):
    assert procfs.cmdline(sleeper.pid) == ["sleep", "30"]
    assert procfs.cmdline(os.getpid())[1:3] == ["-m", "pytest"] or "pytest" in procfs.cmdline(os.getpid())[1]
    memory = procfs.memory_kb(os.getpid())
    assert memory["VmHWM"] >= memory["VmRSS"] > 1000  # this Python process holds more than 1 MB
    before = procfs.cpu_seconds(os.getpid())
    sum(i * i for i in range(3_000_000))
    assert procfs.cpu_seconds(os.getpid()) > before


def test_a_zombie_is_not_a_child_and_a_gone_process_reads_empty(sleeper):
    sleeper.kill()
    deadline = time.monotonic() + 5
    while sleeper.pid in procfs.children(os.getpid()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sleeper.pid not in procfs.children(os.getpid())  # a zombie until waited for
    sleeper.wait()
    assert procfs.cmdline(sleeper.pid) == [] and procfs.memory_kb(sleeper.pid) == {}
    assert procfs.parent(sleeper.pid) is None


@pytest.mark.parametrize("command, role", [
    ([sys.executable, "-m", "bot.server.launcher"], "lanceur"),
    ([sys.executable, "-m", "bot.server.actions_server", "--port", "1"], "actions"),
    ([sys.executable, "-m", "bot.server.rasa_server", "run", "--model", "m.tar.gz"], "rasa"),
    (["/v/bin/rasa", "run", "--port", "5005"], "rasa"),
    (["/usr/bin/nginx", "-g", "daemon off;"], "nginx"),
    ([], "?"),
])
def test_process_role(command, role):
    assert procfs.process_role(command) == role
