"""The load benchmark (bench/loadtest.py): its maths, its loopback-only rule, and a short run on the real stack."""

from __future__ import annotations

import json
import statistics

import pytest

from bench.loadtest import NotLoopback, check_loopback, main, percentile, run_load, stack_pids, summary


@pytest.mark.unit
def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 100) == 100
    assert percentile(values, 1) == 1
    assert percentile([7.0], 50) == percentile([7.0], 95) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0  # ceil(0.5 * 4) = 2nd value
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == 4.0  # ceil(0.95 * 4) = 4th value
    assert percentile([], 50) == 0.0


@pytest.mark.unit
@pytest.mark.parametrize("url", ["http://127.0.0.1:5005/webhooks/rest/webhook", "http://127.8.9.10:1/",
                                 "http://[::1]:5005/webhooks/rest/webhook", "http://localhost:5005/"])
def test_loopback_targets_are_accepted(url: str) -> None:
    check_loopback(url)


@pytest.mark.unit
@pytest.mark.parametrize("url", ["http://10.0.0.5:5005/webhooks/rest/webhook", "http://192.168.1.2/",
                                 "http://172.16.0.1:5005/", "https://example.org/webhooks/rest/webhook",
                                 "http://0.0.0.0:5005/", "http://[2001:db8::1]:5005/", "ftp://127.0.0.1/",
                                 "127.0.0.1:5005"])
def test_other_targets_are_refused(url: str, capsys) -> None:
    with pytest.raises(NotLoopback):
        check_loopback(url)
    with pytest.raises(NotLoopback):
        run_load(url, conversations=1, seconds=1)
    assert main(["--url", url, "--seconds", "1", "--conversations", "1"]) == 2  # refused before any request
    assert "Erreur" in capsys.readouterr().err


@pytest.mark.e2e
def test_short_load_on_the_real_stack(shared_stack) -> None:
    stack = shared_stack
    pids = stack_pids(stack.url, stack.proc.pid)
    assert set(pids) == {"rasa", "actions"}
    assert stack_pids(stack.url) == pids  # found from the port alone too (a stack started by make run)
    figures = run_load(stack.url, conversations=5, seconds=10, pids=pids)
    print(summary(figures))
    assert figures.errors == {} and figures.error_count == 0
    assert figures.requests == figures.ok >= 20  # a turn takes well under a second on an idle stack
    assert figures.conversations_completed >= 5 and figures.empty_replies == 0
    assert 9 <= figures.elapsed_s <= 10 + 30 + 5
    assert figures.throughput_rps == pytest.approx(figures.requests / figures.elapsed_s)
    timings = figures.latencies_ms
    assert timings == sorted(timings) and len(timings) == figures.ok
    assert 0 < figures.p50_ms <= figures.p95_ms <= figures.max_ms == timings[-1] < 30_000
    assert timings[0] <= statistics.median(timings) <= figures.p95_ms
    assert figures.p50_ms == timings[-(-len(timings) // 2) - 1]
    assert figures.mean_ms == pytest.approx(statistics.fmean(timings))
    for name in ("rasa", "actions"):
        before, after = figures.memory_before[name], figures.memory_after[name]
        assert before["pid"] == after["pid"] == pids[name]
        assert 10 < before["rss_mb"] and 10 < after["rss_mb"] <= after["peak_mb"]
    assert figures.memory_before["rasa"]["rss_mb"] > figures.memory_before["actions"]["rss_mb"]
    data = json.loads(json.dumps(figures.to_json()))
    assert "latencies_ms" not in data and data["requests"] == figures.requests
