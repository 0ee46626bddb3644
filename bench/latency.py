"""Answer latency through the REST channel: p50 and p95 over N questions (a benchmark, not a test)."""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.request

from knowledge.conversation import tool_sender

QUESTIONS = [
    "quelles études pour devenir directeur de communication ?", "que fait un chef de publicité ?",
    "quel est le taux d'insertion du titre chargé de communication cross-média ?", "qui délivre le titre 360 ?",
    "quelles qualités pour être dircom ?", "quels métiers dans une agence de communication ?",
    "quel niveau pour devenir directrice de la communication ?", "quels sont les blocs du RNCP35746 ?",
    "et quelles formations ?", "c'est quoi la communication externe ?",
]


def measure(url: str, count: int) -> dict[str, float]:
    timings = []
    for i in range(count):
        body = json.dumps({"sender": tool_sender(f"latence-{i // 10}"), "message": QUESTIONS[i % len(QUESTIONS)]}).encode()
        request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {"count": count, "p50_ms": statistics.median(timings),
            "p95_ms": timings[max(0, int(round(0.95 * count)) - 1)], "max_ms": timings[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:5005/webhooks/rest/webhook")
    parser.add_argument("--count", type=int, default=100)
    figures = measure(parser.parse_args().url, parser.parse_args().count)
    print(f"{figures['count']} questions : p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, "
          f"max {figures['max_ms']:.0f} ms")


if __name__ == "__main__":
    main()
