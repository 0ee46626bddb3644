"""Issue 18, part 4: an exploration turn against a knowledge question, on the same warm stack, one message at a
time and in turn (an exploration conversation, then a question conversation), so both meet the same load.

The explorations press the buttons a student would (built by actions.explore, from the base's own interests):
start in words, an interest, a second one, « C'est tout », a sector, how long to study, five more; one more
starts from tastes stated in words. The questions are the bench's FAQ conversations."""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

from actions.explore import button
from bench.loadtest import percentile
from knowledge.kb import KnowledgeBase
from knowledge.model import CentreInteret

MAX_EXPLORATION_P50_RATIO = 1.10  # « an exploration turn answers as fast as a normal question » (same run)
STARTS = ("je ne sais pas quoi faire", "aide-moi à choisir un métier", "j'ai aucune idée de ce que je veux faire")
TASTES = "j'aime écrire et les animaux, je sais pas quoi faire"


def exploration_scripts(kb: KnowledgeBase) -> list[list[str]]:
    """Explorations by buttons, each through two interests of the base (in turn), and one started by tastes."""
    interests = kb.ids(CentreInteret.TYPE)
    scripts = []
    for number, start in enumerate(STARTS):
        first, second = interests[(2 * number) % len(interests)], interests[(2 * number + 1) % len(interests)]
        presses = [f"interest:{first}", f"interest:{second}", "done", "sector:any", "level:any", "more"]
        scripts.append([start, *(button("", action)["payload"] for action in presses)])
    scripts.append([TASTES, *(button("", action)["payload"] for action in ("done", "sector:any", "level:court"))])
    return scripts


def paired_turns(post: Callable[[str, str], Any], explorations: Sequence[Sequence[str]],
                 questions: Sequence[Sequence[str]], rounds: int = 3) -> dict[str, Any]:
    """p50/p95 of exploration turns and of question turns, played in turn (`post(sender, text)` sends one
    message and waits for the answer), and their p50 ratio."""
    timings: dict[str, list[float]] = {"exploration": [], "questions": []}
    for round_number in range(rounds):
        for number in range(max(len(explorations), len(questions))):
            for kind, scripts in (("exploration", explorations), ("questions", questions)):
                sender = f"banc-alternance-{round_number}-{kind}-{number}"
                for text in scripts[number % len(scripts)]:
                    started = time.perf_counter()
                    post(sender, text)
                    timings[kind].append((time.perf_counter() - started) * 1000)
    figures: dict[str, Any] = {
        kind: {"count": len(values), "p50_ms": round(percentile(sorted(values), 50), 1),
               "p95_ms": round(percentile(sorted(values), 95), 1)} for kind, values in timings.items()}
    questions_p50 = figures["questions"]["p50_ms"]
    figures["p50_ratio"] = round(figures["exploration"]["p50_ms"] / questions_p50, 3) if questions_p50 else None
    return figures
