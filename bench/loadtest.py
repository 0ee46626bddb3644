"""`orientation bench load`: many simultaneous conversations through the REST channel (a benchmark, not a test).

N conversations (50) run at once for D seconds (300), each a realistic sequence of knowledge-base questions
and follow-ups from a fixed list, on loopback only. The run is bounded in time and in requests and stops by
itself. Figures: requests, errors by kind (any non-200 or exception), p50/p95/max latency, throughput, and
the memory (VmRSS, VmHWM) of the Rasa and action-server processes before and after; also in build/load.json.
With no assistant at --url, a private one is started for the run (bot.server.stack.Stack), then stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import math
import secrets
import socket
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

import aiohttp

from bench.procfs import children, cmdline, memory_kb, parent, process_role
from bot.server.stack import private_stack, reachable
from knowledge.conversation import tool_sender

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "http://127.0.0.1:5005/webhooks/rest/webhook"
DEFAULT_JSON = ROOT / "build" / "load.json"
REQUEST_TIMEOUT = 30.0

# Each conversation plays one of these in turn: questions on the knowledge base, then follow-ups.
SCRIPTS: tuple[tuple[str, ...], ...] = (
    ("bonjour", "que fait un dircom ?", "et quelles études faut-il faire ?", "et son code rome ?", "merci"),
    ("parle-moi du titre cross média", "qui la délivre ?", "et son taux d'insertion ?", "merci beaucoup"),
    ("quel est le niveau du titre chargé de communication ?", "je veux le 360", "qui délivre le titre 360 ?"),
    ("que fait un chef de publicité ?", "quels métiers dans une agence de communication ?",
     "que fait un traffic manager ?"),
    ("quelles études pour devenir directrice de communication ?", "quelles qualités faut-il pour être dircom ?",
     "quel est le statut d'un directeur de communication ?"),
    ("qui délivre la certification chargé de communication ?", "plutôt celui en cross média",
     "quels sont les prérequis pour le titre cross média ?"),
    ("quelles études pour devenir boulanger ?", "je voudrais parler à un conseiller"),
    ("j'aime communiquer, quel métier me conseilles-tu ?",
     "quelles sont les missions du chargé de communication en collectivité locale ?", "merci"),
)


class NotLoopback(ValueError):
    """The target is not on this machine's loopback interface."""


def check_loopback(url: str) -> None:
    """Refuse any target but 127.0.0.0/8, ::1 or `localhost` (resolved, and only to loopback addresses)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise NotLoopback(f"URL invalide : {url!r} (attendu http://127.0.0.1:PORT/…)")
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        if host.lower() != "localhost":
            raise NotLoopback(f"cible refusée : {host} n'est pas une adresse de bouclage "
                              "(127.0.0.0/8, ::1 ou localhost)") from None
        try:
            infos = socket.getaddrinfo(host, parts.port or 80, proto=socket.IPPROTO_TCP)
        except socket.gaierror as error:
            raise NotLoopback(f"cible refusée : {host} ne se résout pas ({error})") from None
        addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    if not addresses or not all(address.is_loopback for address in addresses):
        raise NotLoopback(f"cible refusée : {host} n'est pas une adresse de bouclage (127.0.0.0/8, ::1 ou localhost)")


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (p in ]0, 100]); 0.0 for no values."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


# -- process memory -------------------------------------------------------------------------------

def role(pid: int) -> str:
    """« rasa » or « actions » for those processes of the stack, else « autre »."""
    name = process_role(cmdline(pid))
    return name if name in ("rasa", "actions") else "autre"


def stack_pids(url: str, launcher: Optional[int] = None) -> dict[str, int]:
    """The Rasa and action-server pids: the launcher's children, else the Rasa server on --port PORT
    and its siblings (a stack started by `make run`)."""
    if launcher is None:
        port = str(urlsplit(url).port or 80)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                args = cmdline(int(entry.name))
                if "run" in args and "--port" in args and args[args.index("--port") + 1:][:1] == [port] \
                        and role(int(entry.name)) == "rasa":
                    launcher = parent(int(entry.name))
                    break
    pids = {}
    for child in children(launcher) if launcher else []:
        if role(child) in ("rasa", "actions"):
            pids.setdefault(role(child), child)
    return pids


def parse_pids(text: str) -> dict[str, int]:
    """`--pids 123,456` → {"rasa": 123, "actions": 456} (roles read from each command line)."""
    pids = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        pid = int(item)
        pids[role(pid) if role(pid) != "autre" else f"pid {pid}"] = pid
    return pids


def memory_of(pids: dict[str, int]) -> dict[str, dict[str, float]]:
    out = {}
    for name, pid in pids.items():
        kb = memory_kb(pid)
        if kb:
            out[name] = {"pid": pid, "rss_mb": kb.get("VmRSS", 0) / 1024, "peak_mb": kb.get("VmHWM", 0) / 1024}
    return out


# -- the load -------------------------------------------------------------------------------------

@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    empty_replies: int = 0
    conversations: int = 0
    sent: int = 0


@dataclass
class LoadFigures:
    url: str
    conversations: int
    seconds: float
    elapsed_s: float
    requests: int
    ok: int
    errors: dict[str, int]
    error_count: int
    empty_replies: int
    conversations_completed: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    throughput_rps: float
    memory_before: dict[str, dict[str, float]]
    memory_after: dict[str, dict[str, float]]
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    def to_json(self) -> dict:
        data = asdict(self)
        del data["latencies_ms"]
        return data


async def _send(session: aiohttp.ClientSession, url: str, sender: str, text: str, tally: Tally) -> None:
    tally.sent += 1
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.read()
            elapsed = (time.perf_counter() - start) * 1000
            if response.status != 200:
                tally.errors[f"HTTP {response.status}"] += 1
                return
        replies = json.loads(body)
        if not isinstance(replies, list):
            tally.errors["réponse non conforme"] += 1
            return
        tally.latencies_ms.append(elapsed)
        tally.empty_replies += not replies
    except asyncio.TimeoutError:
        tally.errors["délai dépassé"] += 1
    except aiohttp.ClientError as error:
        tally.errors[type(error).__name__] += 1
    except ValueError:
        tally.errors["JSON invalide"] += 1


async def _conversations(worker: int, session: aiohttp.ClientSession, url: str, deadline: float,
                         max_requests: int, pause: float, run: str, tally: Tally) -> None:
    number = 0
    while time.monotonic() < deadline:
        script = SCRIPTS[(worker + number) % len(SCRIPTS)]
        sender = tool_sender(f"charge-{run}-{worker}-{number}")
        number += 1
        for text in script:
            if time.monotonic() >= deadline or tally.sent >= max_requests:
                return
            await _send(session, url, sender, text, tally)
            if pause:
                await asyncio.sleep(pause)
        tally.conversations += 1


async def _load(url: str, conversations: int, seconds: float, max_requests: int, pause: float) -> tuple[Tally, float]:
    tally = Tally()
    run = secrets.token_hex(3)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    start = time.monotonic()
    deadline = start + seconds
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=conversations)) as session:
        workers = [_conversations(i, session, url, deadline, max_requests, pause, run, tally)
                   for i in range(conversations)]
        try:  # a request started just before the deadline may take REQUEST_TIMEOUT more, never longer
            await asyncio.wait_for(asyncio.gather(*workers), timeout=seconds + REQUEST_TIMEOUT + 5)
        except asyncio.TimeoutError:
            tally.errors["arrêt forcé"] += 1
    return tally, time.monotonic() - start


def run_load(url: str, conversations: int = 50, seconds: float = 300, pids: Optional[dict[str, int]] = None,
             max_requests: int = 100_000, pause: float = 0.0) -> LoadFigures:
    """Play the load against `url` (loopback only) and return the figures."""
    check_loopback(url)
    if conversations < 1 or seconds <= 0 or max_requests < 1:
        raise ValueError("conversations, durée et nombre maximal de requêtes doivent être positifs")
    pids = pids if pids is not None else stack_pids(url)
    before = memory_of(pids)
    tally, elapsed = asyncio.run(_load(url, conversations, seconds, max_requests, pause))
    after = memory_of(pids)
    timings = sorted(tally.latencies_ms)
    requests = len(timings) + sum(tally.errors.values()) - tally.errors.get("arrêt forcé", 0)
    return LoadFigures(
        url=url, conversations=conversations, seconds=seconds, elapsed_s=elapsed, requests=requests,
        ok=len(timings), errors=dict(tally.errors), error_count=sum(tally.errors.values()),
        empty_replies=tally.empty_replies, conversations_completed=tally.conversations,
        p50_ms=percentile(timings, 50), p95_ms=percentile(timings, 95), max_ms=timings[-1] if timings else 0.0,
        mean_ms=sum(timings) / len(timings) if timings else 0.0, throughput_rps=requests / elapsed if elapsed else 0.0,
        memory_before=before, memory_after=after, latencies_ms=timings,
    )


def summary(f: LoadFigures) -> str:
    """The figures in French, for the terminal."""
    errors = ", ".join(f"{kind} : {n}" for kind, n in sorted(f.errors.items())) or "aucune"
    lines = [
        f"Charge : {f.conversations} conversations simultanées pendant {f.elapsed_s:.0f} s sur {f.url}",
        f"Requêtes : {f.requests} ({f.throughput_rps:.1f}/s), réussies {f.ok}, conversations terminées "
        f"{f.conversations_completed}, réponses vides {f.empty_replies}",
        f"Erreurs : {f.error_count} ({errors})",
        f"Latence : p50 {f.p50_ms:.0f} ms, p95 {f.p95_ms:.0f} ms, max {f.max_ms:.0f} ms (moyenne {f.mean_ms:.0f} ms)",
    ]
    for name in sorted(set(f.memory_before) | set(f.memory_after)):
        b, a = f.memory_before.get(name, {}), f.memory_after.get(name, {})
        lines.append(f"Mémoire {name} (pid {a.get('pid') or b.get('pid')}) : {b.get('rss_mb', 0):.0f} Mo avant, "
                     f"{a.get('rss_mb', 0):.0f} Mo après (pic {a.get('peak_mb', 0):.0f} Mo)")
    if not (f.memory_before or f.memory_after):
        lines.append("Mémoire : processus introuvables (indiquer --pids RASA,ACTIONS)")
    return "\n".join(lines)


# -- command line ---------------------------------------------------------------------------------

def cmd_load(args: argparse.Namespace) -> int:
    try:
        check_loopback(args.url)
        pids = parse_pids(args.pids) if args.pids else None
    except (NotLoopback, ValueError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    url = args.url
    if args.start or not reachable(url):
        print(("D" if args.start else f"Aucun assistant sur {url} : d") + "émarrage d'un assistant privé le temps "
              "de la mesure…", file=sys.stderr)
        with private_stack("load-") as stack:
            pids = pids or stack_pids(stack.url, stack.proc.pid if stack.proc else None)
            figures = run_load(stack.url, args.conversations, args.seconds, pids, args.max_requests, args.pause)
    else:
        figures = run_load(url, args.conversations, args.seconds, pids, args.max_requests, args.pause)
    print(summary(figures))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Chiffres écrits dans {args.json}")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=DEFAULT_URL, help="canal REST d'un assistant sur cette machine "
                        "(127.0.0.1, ::1 ou localhost seulement)")
    parser.add_argument("--conversations", type=int, default=50, help="conversations simultanées (50)")
    parser.add_argument("--seconds", type=float, default=300, help="durée en secondes (300)")
    parser.add_argument("--max-requests", type=int, default=100_000, help="plafond de requêtes (100000)")
    parser.add_argument("--pause", type=float, default=0.0, help="pause entre deux messages d'une conversation, s")
    parser.add_argument("--pids", default=None, help="pids de Rasa et du serveur d'actions (123,456)")
    parser.add_argument("--start", action="store_true", help="toujours démarrer un assistant privé")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="fichier des chiffres (build/load.json)")
    parser.set_defaults(func=cmd_load)


def add_load_command(bench: argparse._SubParsersAction) -> None:
    """Register `load` among the `bench` sub-commands."""
    add_arguments(bench.add_parser("load", help="test de charge : conversations simultanées (REST)"))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
