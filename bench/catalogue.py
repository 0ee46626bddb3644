"""`orientation bench linker` and `bench catalogue`: the linker on the real store, then on a synthetic
national-size catalogue (import time, memory, store size, linker timings). Figures, not tests."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from knowledge.kb import KnowledgeBase, store_path

MENTIONS = [
    "dircom", "directrice de la com", "responsable de communication", "chef de pub", "cheff de publicitée",
    "chargé de com 360", "RNCP35746", "le cross média", "chargé de communication", "boulanger", "infirmière",
    "conceptrice rédactrice", "trafic manager", "master communication", "sciences po lyon", "agences de com",
    "quelles études pour devenir directrice de la com ?", "que fait un chef de pub ?",
]


def _figures(timings: list[float]) -> dict[str, float]:
    """Count, mean, p50, p95 and max of timings in milliseconds."""
    timings = sorted(timings)
    return {"queries": len(timings), "mean_ms": statistics.fmean(timings), "p50_ms": timings[len(timings) // 2],
            "p95_ms": timings[int(len(timings) * 0.95)], "max_ms": timings[-1]}


def bench_linker(store: Path, rounds: int) -> dict[str, float]:
    start = time.perf_counter()
    kb = KnowledgeBase(store)
    linker = kb.linker
    opened = time.perf_counter() - start
    timings = []
    for _ in range(rounds):
        for mention in MENTIONS:
            t = time.perf_counter()
            (linker.find_in_sentence if mention.endswith("?") else linker.link)(mention)
            timings.append((time.perf_counter() - t) * 1000)
    return {"records": sum(kb.counts().values()), "aliases": len(linker.aliases), "open_ms": opened * 1000,
            **_figures(timings)}


def cmd_bench_linker(args: argparse.Namespace) -> int:
    figures = bench_linker(args.store or store_path(), args.rounds)
    print(f"store: {figures['records']} records, {figures['aliases']} aliases, opened + linker ready in "
          f"{figures['open_ms']:.1f} ms")
    print(f"kb find over {figures['queries']} queries: mean {figures['mean_ms']:.2f} ms, p50 "
          f"{figures['p50_ms']:.2f} ms, p95 {figures['p95_ms']:.2f} ms, max {figures['max_ms']:.2f} ms")
    return 0


def add_catalogue_commands(bench: argparse._SubParsersAction) -> None:
    """Register `linker` and `catalogue` among the `bench` sub-commands."""
    linker = bench.add_parser("linker", help="temps de résolution des mentions")
    linker.add_argument("--store", type=Path, default=None)
    linker.add_argument("--rounds", type=int, default=50)
    linker.set_defaults(func=cmd_bench_linker)
    catalogue = bench.add_parser("catalogue", help="catalogue synthétique de taille nationale : import et linker")
    catalogue.add_argument("--folder", type=Path, default=Path("build/bench"))
    catalogue.add_argument("--small", action="store_true", help="un petit catalogue (essai rapide)")
    catalogue.set_defaults(func=cmd_bench_catalogue)



def _import_measured(kind: str, path: Path, store: Path) -> dict[str, float]:
    """Run `kb import` in a child process: wall time and the child's peak RSS."""
    import resource
    import subprocess
    import sys

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "knowledge.cli", "kb", "import", kind, str(path), "--store",
                           str(store), "--quiet"], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": max(peak_kb, before) / 1024,
            "file_mb": path.stat().st_size / 1e6}


def bench_catalogue(folder: Path, small: bool) -> dict:
    """Generate (once) the synthetic national catalogue, import it, and time the linker on it."""
    import random

    from bench.synthetic import generate

    folder.mkdir(parents=True, exist_ok=True)
    sizes = dict(metiers=50, formations=100, certifications=200, rncp_min_bytes=5_000_000) if small else {}
    files = generate(folder / ("small" if small else "full"), **sizes)
    store = folder / "knowledge.sqlite"
    for stale in (store, store.with_name("imports.sqlite")):
        stale.unlink(missing_ok=True)
    figures: dict = {"imports": {}}
    for kind, key in (("rome", "rome"), ("onisep-metiers", "metiers"), ("onisep-formations", "formations"),
                      ("rncp", "rncp")):
        if key in files:
            figures["imports"][kind] = _import_measured(kind, files[key], store)
    figures["store_mb"] = store.stat().st_size / 1e6
    kb = KnowledgeBase(store)
    start = time.perf_counter()
    linker = kb.linker
    figures["linker_ready_ms"] = (time.perf_counter() - start) * 1000
    rng = random.Random(7)
    labels = [r[0] for r in kb.db.execute("SELECT label FROM records WHERE type IN ('metier', 'certification')")]
    queries = [rng.choice(labels) for _ in range(300)]
    queries = [q if i % 3 else q[: len(q) // 2] + q[len(q) // 2 + 1:] for i, q in enumerate(queries)]  # typos
    queries += MENTIONS
    timings = []
    for query in queries:
        t = time.perf_counter()
        linker.link(query)
        timings.append((time.perf_counter() - t) * 1000)
    timing = _figures(timings)
    figures.update(records=sum(kb.counts().values()), counts=kb.counts(), aliases=len(linker.aliases),
                   linker_p50_ms=timing["p50_ms"], linker_p95_ms=timing["p95_ms"], linker_max_ms=timing["max_ms"],
                   queries=timing["queries"])
    return figures


def cmd_bench_catalogue(args: argparse.Namespace) -> int:
    figures = bench_catalogue(args.folder, args.small)
    for kind, f in figures["imports"].items():
        print(f"import {kind:<18} {f['file_mb']:8.1f} MB en {f['seconds']:6.1f} s, pic mémoire {f['peak_rss_mb']:6.0f} Mo")
    print(f"base : {figures['records']} enregistrements {figures['counts']}, {figures['store_mb']:.0f} Mo, "
          f"{figures['aliases']} alias ; linker prêt en {figures['linker_ready_ms']:.0f} ms")
    print(f"linker sur {figures['queries']} requêtes : p50 {figures['linker_p50_ms']:.2f} ms, "
          f"p95 {figures['linker_p95_ms']:.2f} ms, max {figures['linker_max_ms']:.2f} ms")
    return 0
