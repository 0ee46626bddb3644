"""The national held-out set (tests/holdout_national.yml, issue 15 part 6) played on the running assistant.

Each question goes, in a conversation of its own, through the staff console API of the session's shared stack
(the real Rasa and action server on the default knowledge base): the console explains the turn (Rasa's intent
for the message; the record the answer was built from, stored with the bot's message). Rasa's own HTTP API is
off on the shared stack (no RASA_API_TOKEN), so the intent is the one the conversation really used.

- Intent: the console's `intent` equals the item's.
- Record: the answer is about one of the item's `ids` (the console's `record`; for an answer carrying no record,
  its « Source : Onisep, fiche MET.n » citation). When an item lists several ids (a name that is genuinely
  shared), a question back offering one of them as a button counts too.

Both rates must reach MIN_RATE. The report (figures per intent, then every miss) is printed and written to
build/rapports/holdout_national.txt.
"""

from __future__ import annotations

import json
import re
import secrets
import time
import urllib.error
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from knowledge.conversation import tool_sender
from staff.client import ConsoleClient, Reply
from tests import ROOT
from tests.stack import STAFF_PASSWORD

pytestmark = pytest.mark.e2e

HOLDOUT = ROOT / "tests" / "holdout_national.yml"
REPORT = ROOT / "build" / "rapports" / "holdout_national.txt"
MIN_RATE = 0.95
MIN_QUESTIONS = 150
CITED = re.compile(r"\bfiches?\s+((?:MET|FOR)\.\d+)\b")
ID = re.compile(r"^(?:MET|FOR)\.\d+$|^JOB\.[a-z0-9-]+$")
QUESTION_BACK = ("ambiguous", "clarify")


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    intent: str
    ids: tuple[str, ...]


@dataclass
class Result:
    item: Item
    reply: Reply | None
    error: str = ""

    @property
    def intent_ok(self) -> bool:
        return self.reply is not None and self.reply.intent == self.item.intent

    @property
    def cited(self) -> list[str]:
        return CITED.findall(self.reply.text) if self.reply else []

    @property
    def offered(self) -> list[str]:
        """Record ids offered as buttons (« /choose_option{"choice": "MET.12"} »)."""
        ids = []
        for button in (self.reply.buttons if self.reply else []):
            payload = button.get("payload") or ""
            try:
                choice = json.loads(payload[payload.index("{"):]).get("choice") if "{" in payload else None
            except ValueError:
                choice = None
            if choice:
                ids.append(str(choice))
        return ids

    @property
    def record(self) -> str:
        """The record the answer is about: the explained one, else the fiche it cites."""
        if self.reply is None:
            return ""
        return self.reply.record or next(iter(self.cited), "")

    @property
    def record_ok(self) -> bool:
        if self.reply is None:
            return False
        if self.record in self.item.ids:
            return True
        return (len(self.item.ids) > 1 and self.reply.kind in QUESTION_BACK
                and any(i in self.item.ids for i in self.offered))


def load_items(path: Path = HOLDOUT) -> list[Item]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Item(n, str(q["text"]), str(q["intent"]), tuple(str(i) for i in q["ids"]))
            for n, q in enumerate(data["questions"], 1)]


def ask(client: ConsoleClient, sender: str, text: str, attempts: int = 4) -> Reply:
    """One turn through the console; waits and retries when the guard says 429 (or 503 for a busy Rasa)."""
    for attempt in range(attempts):
        try:
            return client.ask(sender, text)
        except urllib.error.HTTPError as error:
            if error.code not in (429, 503) or attempt == attempts - 1:
                raise
            time.sleep(float(error.headers.get("Retry-After") or 2))
    raise AssertionError("unreachable")


def play(base_url: str, items: list[Item]) -> list[Result]:
    """Every question in a fresh conversation (a tool's sender: kept out of the staff's statistics)."""
    client = ConsoleClient(base_url, STAFF_PASSWORD, timeout=120)
    run = secrets.token_hex(3)

    def one(item: Item) -> Result:
        sender = tool_sender(f"holdout-national-{run}-{item.number}")
        try:
            return Result(item, ask(client, sender, item.text))
        except PermissionError:  # the console refused the password: nothing was measured
            raise
        except (OSError, ValueError) as error:  # HTTP errors, unreachable, bad JSON: a miss, named in the report
            return Result(item, None, f"{type(error).__name__}: {error}")

    return [one(item) for item in items]  # one at a time: a turn's answer never depends on another's timing


def rate(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def short(text: str, limit: int = 110) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def report(results: list[Result], base_url: str) -> str:
    total = len(results)
    intents = sum(r.intent_ok for r in results)
    records = sum(r.record_ok for r in results)
    lines = [f"Jeu national mis de côté ({HOLDOUT.relative_to(ROOT)}) : {total} questions, assistant {base_url}",
             f"intention juste     : {intents}/{total} = {rate(intents, total):.3f} (seuil {MIN_RATE})",
             f"bon enregistrement  : {records}/{total} = {rate(records, total):.3f} (seuil {MIN_RATE})",
             "", "par intention attendue (intention juste, bon enregistrement) :"]
    by_intent = Counter(r.item.intent for r in results)
    for intent, n in sorted(by_intent.items(), key=lambda kv: (-kv[1], kv[0])):
        group = [r for r in results if r.item.intent == intent]
        lines.append(f"  {intent:<24} {n:>3}   {sum(r.intent_ok for r in group):>3}   {sum(r.record_ok for r in group):>3}")
    misses = [r for r in results if not (r.intent_ok and r.record_ok)]
    lines += ["", f"manqués ({len(misses)}) :" if misses else "aucun manqué"]
    for r in misses:
        lines.append(f"  #{r.item.number} « {r.item.text} »")
        if r.reply is None:
            lines.append(f"      erreur : {r.error}")
            continue
        if not r.intent_ok:
            lines.append(f"      intention : attendue {r.item.intent}, obtenue {r.reply.intent} ({r.reply.confidence:.2f})")
        if not r.record_ok:
            offered = f", boutons {', '.join(r.offered)}" if r.offered else ""
            lines.append(f"      enregistrement : attendu {' ou '.join(r.item.ids)}, obtenu {r.record or '—'} "
                         f"(réponse {r.reply.kind or '—'}{offered})")
        lines.append(f"      réponse : {short(r.reply.text)}")
    return "\n".join(lines) + "\n"


def test_national_holdout_file_is_well_formed():
    """Enough questions, each with a known intent and record ids (the draw script checks them against the
    exports: `python -m tests.holdout_national_draw check`)."""
    items = load_items()
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
    assert len(items) >= MIN_QUESTIONS
    assert len({i.text for i in items}) == len(items), "question en double"
    for item in items:
        assert item.intent in intents, f"#{item.number} : intention inconnue {item.intent}"
        assert item.ids and all(ID.match(i) for i in item.ids), f"#{item.number} : identifiants {item.ids}"
    assert {i.ids[0][:4] for i in items} >= {"MET.", "FOR."}  # jobs and formations


def test_national_holdout_intents_and_records(shared_stack):
    """Intent accuracy and right record found, each ≥ MIN_RATE, over the national held-out questions."""
    items = load_items()
    results = play(shared_stack.base, items)
    text = report(results, shared_stack.base)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    print(text)
    intents = rate(sum(r.intent_ok for r in results), len(results))
    records = rate(sum(r.record_ok for r in results), len(results))
    assert intents >= MIN_RATE and records >= MIN_RATE, (
        f"jeu national : intention {intents:.3f}, enregistrement {records:.3f} (seuil {MIN_RATE}) ; "
        f"rapport : {REPORT.relative_to(ROOT)}\n{text}")
