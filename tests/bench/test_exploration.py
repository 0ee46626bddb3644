"""The exploration bench (bench/exploration.py): its scripts press real buttons of the exploration (checked
against the actions that read them), and the paired pass times both kinds in turn."""

from __future__ import annotations

import json
import time

import pytest

from actions.explore import PREFIX
from bench.benchmark import compute_targets, finish, new_document
from bench.exploration import MAX_EXPLORATION_P50_RATIO, exploration_scripts, paired_turns

pytestmark = pytest.mark.unit


def test_scripts_press_the_explorations_buttons_with_the_bases_interests(kb):
    scripts = exploration_scripts(kb)
    interests = set(kb.ids("interet"))
    for script in scripts:
        start, presses = script[0], script[1:]
        assert not start.startswith("/") and presses
        choices = [json.loads(p.removeprefix("/choose_option"))["choice"] for p in presses]
        assert all(c.startswith(PREFIX) for c in choices)
        named = [c.removeprefix(PREFIX + "interest:") for c in choices if c.startswith(PREFIX + "interest:")]
        assert set(named) <= interests
    assert len({s[1] for s in scripts if s[1].count("interest:")}) >= 3  # not the same interest every time


def test_paired_turns_alternate_the_two_kinds_and_give_their_ratio():
    sent = []

    def post(sender: str, text: str) -> None:
        sent.append(sender)
        time.sleep(0.004 if "-exploration-" in sender else 0.002)

    figures = paired_turns(post, [["a", "b"]], [["q"], ["r", "s"]], rounds=1)
    assert figures["exploration"]["count"] == 4 and figures["questions"]["count"] == 3
    kinds = ["exploration" if "-exploration-" in s else "questions" for s in sent]
    assert kinds == ["exploration", "exploration", "questions", "exploration", "exploration", "questions",
                     "questions"]
    assert figures["p50_ratio"] > 1.2  # 4 ms against 2 ms


def test_the_exploration_target_is_computed_when_the_profile_has_it():
    document = new_document([1], 5.0, [("a",)], documents=False)
    document["profile"] = {"exploration": {"exploration": {"p50_ms": 33.0}, "questions": {"p50_ms": 30.0},
                                           "p50_ratio": 1.1}}
    [target] = [t for t in finish(document)["targets"] if "exploration" in t["name"]]
    assert (target["value"], target["target"], target["met"]) == (1.1, MAX_EXPLORATION_P50_RATIO, True)
    document["profile"]["exploration"]["p50_ratio"] = 1.3
    assert not [t for t in compute_targets(document) if "exploration" in t["name"]][0]["met"]
