"""Processes as Linux's /proc shows them: parent, children, command line, memory, CPU time, role in the stack.

Every reader returns an empty value when the process is gone (it may end between two reads)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Sequence

from bot.server.rasa_server import is_rasa_server

PROC = Path("/proc")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces): state, ppid, …"""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def parent(pid: int) -> Optional[int]:
    fields = _stat(pid)
    return int(fields[1]) if len(fields) > 1 else None


def _pids() -> list[int]:
    return [int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()]


def children(pid: int) -> list[int]:
    """The living (not zombie) processes whose parent is `pid`."""
    out = []
    for child in _pids():
        fields = _stat(child)
        if len(fields) > 1 and int(fields[1]) == pid and fields[0] != "Z":
            out.append(child)
    return out


def descendants(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    by_parent: dict[int, list[int]] = {}
    for child in _pids():
        ppid = parent(child)
        if ppid is not None:
            by_parent.setdefault(ppid, []).append(child)
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(by_parent.get(current, []))
    return out


def cmdline(pid: int) -> list[str]:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
    except OSError:
        return []


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in kB; {} if it is gone."""
    try:
        lines = (PROC / str(pid) / "status").read_text().splitlines()
    except OSError:
        return {}
    out = {}
    for line in lines:
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by `pid` and its descendants, in seconds."""
    total = 0
    for child in descendants(pid):
        fields = _stat(child)
        if len(fields) > 12:
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def process_role(command: Sequence[str]) -> str:
    """A short name for a process of the stack, from its command line: « lanceur », « actions », « rasa »,
    else the program's name."""
    args = [Path(a).name if "/" in a else a for a in command]
    if "bot.server.launcher" in args:
        return "lanceur"
    if "bot.server.actions_server" in args or "rasa_sdk" in args:
        return "actions"
    if is_rasa_server(command):  # `rasa run` (a bare Rasa) or `python -m bot.server.rasa_server run` (ours)
        return "rasa"
    return args[0] if args else "?"
