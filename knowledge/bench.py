"""`orientation bench linker`: time to open the store and to resolve mentions (figures, not a test)."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from .kb import KnowledgeBase, store_path

MENTIONS = [
    "dircom", "directrice de la com", "responsable de communication", "chef de pub", "cheff de publicitée",
    "chargé de com 360", "RNCP35746", "le cross média", "chargé de communication", "boulanger", "infirmière",
    "conceptrice rédactrice", "trafic manager", "master communication", "sciences po lyon", "agences de com",
    "quelles études pour devenir directrice de la com ?", "que fait un chef de pub ?",
]


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
    timings.sort()
    return {
        "records": sum(kb.counts().values()),
        "aliases": len(linker.aliases),
        "open_ms": opened * 1000,
        "queries": len(timings),
        "mean_ms": statistics.fmean(timings),
        "p50_ms": timings[len(timings) // 2],
        "p95_ms": timings[int(len(timings) * 0.95)],
        "max_ms": timings[-1],
    }


def cmd_bench_linker(args: argparse.Namespace) -> int:
    figures = bench_linker(args.store or store_path(), args.rounds)
    print(f"store: {figures['records']} records, {figures['aliases']} aliases, opened + linker ready in "
          f"{figures['open_ms']:.1f} ms")
    print(f"kb find over {figures['queries']} queries: mean {figures['mean_ms']:.2f} ms, p50 "
          f"{figures['p50_ms']:.2f} ms, p95 {figures['p95_ms']:.2f} ms, max {figures['max_ms']:.2f} ms")
    return 0


def add_bench_commands(subparsers: argparse._SubParsersAction) -> None:
    bench = subparsers.add_parser("bench", help="mesures de performance").add_subparsers(dest="bench", required=True)
    linker = bench.add_parser("linker", help="temps de résolution des mentions")
    linker.add_argument("--store", type=Path, default=None)
    linker.add_argument("--rounds", type=int, default=50)
    linker.set_defaults(func=cmd_bench_linker)
